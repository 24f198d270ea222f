/* plugins/common/procfs_test.c - container ids from cgroup paths of every
 * runtime layout Shrike knows (podman, Docker, containerd/CRI, CRI-O, on
 * cgroup v1 and v2, systemd and cgroupfs managers), whole /proc/PID/cgroup
 * files, and the file readers. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "procfs.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect_id(const char *path, enum sk_ctr_runtime rt)
{
	char id[65];
	enum sk_ctr_runtime got = sk_cgroup_container_id(path, strlen(path), id);
	if (got != rt) {
		fail_msg("%s: runtime %d, expected %d", path, got, rt);
	}
	if (rt != SK_CTR_NONE) {
		assert_string_equal(id, ID64);
	} else {
		assert_string_equal(id, "");
	}
}

static void test_layouts(void **state)
{
	(void)state;
	/* podman: systemd manager (v2), cgroupfs manager (v1, v2) */
	expect_id("/machine.slice/libpod-" ID64 ".scope", SK_CTR_PODMAN);
	expect_id("/machine.slice/libpod-" ID64 ".scope/container", SK_CTR_PODMAN);
	expect_id("/libpod_parent/libpod-" ID64, SK_CTR_PODMAN);
	expect_id("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64 ".scope",
		  SK_CTR_PODMAN);
	/* conmon's own cgroup is not the container */
	expect_id("/machine.slice/libpod-conmon-" ID64 ".scope", SK_CTR_NONE);
	/* Docker: systemd and cgroupfs drivers */
	expect_id("/system.slice/docker-" ID64 ".scope", SK_CTR_DOCKER);
	expect_id("/docker/" ID64, SK_CTR_DOCKER);
	expect_id("/docker/" ID64 "/init.scope", SK_CTR_DOCKER);
	/* Docker under kubepods through cri-dockerd (systemd driver) */
	expect_id("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
		  "docker-" ID64 ".scope",
		  SK_CTR_DOCKER);
	/* containerd's CRI plugin: the systemd driver on v1 and v2, the
	 * kubelet's three QoS classes */
	expect_id("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice/"
		  "cri-containerd-" ID64 ".scope",
		  SK_CTR_CONTAINERD);
	expect_id("/kubepods.slice/kubepods-pod5e7c2a1b_8f3d_4c1e_9a2b_0123456789ab.slice/"
		  "cri-containerd-" ID64 ".scope",
		  SK_CTR_CONTAINERD);
	/* a systemd-driver kubelet, containerd without SystemdCgroup = true */
	expect_id("/kubepods-besteffort-pod1234.slice:cri-containerd:" ID64, SK_CTR_CONTAINERD);
	expect_id("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice:"
		  "cri-containerd:" ID64,
		  SK_CTR_CONTAINERD);
	/* the cgroupfs driver: besteffort, burstable, guaranteed (no QoS
	 * level); under a --cgroup-root, and a kind node's pods (the node is
	 * a Docker container: the innermost id is the pod's container) */
	expect_id("/kubepods/besteffort/pod5e7c2a1b-8f3d-4c1e-9a2b-0123456789ab/" ID64,
		  SK_CTR_CONTAINERD);
	expect_id("/kubepods/burstable/pod1234/" ID64, SK_CTR_CONTAINERD);
	expect_id("/kubepods/pod5e7c2a1b-8f3d-4c1e-9a2b-0123456789ab/" ID64, SK_CTR_CONTAINERD);
	expect_id("/kubelet/kubepods/besteffort/pod1234/" ID64, SK_CTR_CONTAINERD);
	expect_id("/docker/"
		  "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
		  "/kubepods/besteffort/pod1234/" ID64,
		  SK_CTR_CONTAINERD);
	/* plain containerd (ctr run, nerdctl): /<namespace>/<id> */
	expect_id("/default/" ID64, SK_CTR_CONTAINERD);
	expect_id("/k8s.io/" ID64, SK_CTR_CONTAINERD);
	expect_id("/shrike-test-42/" ID64, SK_CTR_CONTAINERD);
	expect_id("/default/" ID64 "/sub", SK_CTR_CONTAINERD);
	/* CRI-O: systemd and cgroupfs drivers */
	expect_id(
	    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podab_cd.slice/crio-" ID64
	    ".scope",
	    SK_CTR_CRIO);
	expect_id("/kubepods/besteffort/pod1234/crio-" ID64, SK_CTR_CRIO);
	expect_id("/kubepods/pod1234/crio-" ID64, SK_CTR_CRIO);
	/* CRI-O's conmon is no container */
	expect_id("/kubepods.slice/kubepods-pod1.slice/crio-conmon-" ID64 ".scope", SK_CTR_NONE);
	/* upper-case hex is accepted and reported in lower case */
	char upper[200];
	snprintf(upper, sizeof(upper), "/docker/%s",
		 "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF");
	char id[65];
	assert_int_equal(sk_cgroup_container_id(upper, strlen(upper), id), SK_CTR_DOCKER);
	assert_string_equal(id, ID64);
	/* host paths and near misses */
	expect_id("/", SK_CTR_NONE);
	expect_id("/user.slice/user-0.slice/session-3.scope", SK_CTR_NONE);
	expect_id("/system.slice/docker.service", SK_CTR_NONE);
	expect_id("/docker/0123", SK_CTR_NONE);
	expect_id("/libpod-" ID64 "0", SK_CTR_NONE); /* 65 hex digits */
	expect_id("/x/mydocker/" ID64, SK_CTR_NONE); /* not the "docker" component */
	expect_id("/xlibpod-" ID64, SK_CTR_NONE);
	/* 64-hex components that are no container: below systemd units, a
	 * user's own cgroups, not below a pod, one digit short or long */
	expect_id("/user.slice/" ID64, SK_CTR_NONE);
	expect_id("/system.slice/" ID64 ".service", SK_CTR_NONE);
	expect_id("/system.slice/containerd.service/" ID64, SK_CTR_NONE);
	expect_id("/user.slice/user-1000.slice/user@1000.service/app.slice/app-" ID64 ".scope",
		  SK_CTR_NONE);
	expect_id("/init.scope/" ID64, SK_CTR_NONE);
	expect_id("/" ID64, SK_CTR_NONE);
	expect_id("/a/b/" ID64, SK_CTR_NONE);
	expect_id("/kubepods/besteffort/" ID64, SK_CTR_NONE);
	expect_id("/kubepods/besteffort/podx/" ID64, SK_CTR_NONE);
	expect_id("/other/besteffort/pod1234/" ID64, SK_CTR_NONE);
	expect_id("/pod1234/" ID64 "/x", SK_CTR_CONTAINERD); /* a namespace "pod1234" */
	expect_id("/default/" ID64 ".scope", SK_CTR_NONE);
	expect_id("/default/" ID64 "0", SK_CTR_NONE);
	expect_id("/default/x" ID64, SK_CTR_NONE);
	expect_id("/default/0123456789abcdef", SK_CTR_NONE);
	expect_id("/bad..ns/" ID64, SK_CTR_NONE);
	expect_id("/-ns/" ID64, SK_CTR_NONE);
	expect_id("/ns-/" ID64, SK_CTR_NONE);
	expect_id("//" ID64, SK_CTR_NONE);
	expect_id("/slice:cri-containerd:0123", SK_CTR_NONE);
	expect_id("/slice:cri-containerd:" ID64 "0", SK_CTR_NONE);
	/* a path given by length: the id must fit in it */
	assert_int_equal(sk_cgroup_container_id("/default/" ID64, 9 + 63, id), SK_CTR_NONE);
	assert_int_equal(sk_cgroup_container_id("/kubepods/pod1/" ID64 "/x", 15 + 64, id),
			 SK_CTR_CONTAINERD);
	assert_string_equal(id, ID64);
}

/* expect_file - sk_cgroup_file_container_id() of a whole cgroup file. */
static void expect_file(const char *text, enum sk_ctr_runtime rt)
{
	char id[65];
	enum sk_ctr_runtime got = sk_cgroup_file_container_id(text, id);
	if (got != rt) {
		fail_msg("%s: runtime %d, expected %d", text, got, rt);
	}
	assert_string_equal(id, rt != SK_CTR_NONE ? ID64 : "");
}

static void test_file(void **state)
{
	(void)state;
	/* cgroup v1: several hierarchies; the first container path wins */
	expect_file("12:pids:/docker/" ID64 "\n"
		    "11:cpu,cpuacct:/docker/" ID64 "\n"
		    "1:name=systemd:/docker/" ID64 "\n",
		    SK_CTR_DOCKER);
	/* cgroup v2 */
	expect_file("0::/machine.slice/libpod-" ID64 ".scope/container\n", SK_CTR_PODMAN);
	/* cgroup v1 as containerd's ctr leaves it (the named systemd
	 * hierarchy first, the v2 line last) */
	expect_file("9:name=systemd:/default/" ID64 "\n"
		    "4:memory:/default/" ID64 "\n"
		    "1:cpu:/default/" ID64 "\n"
		    "0::/default/" ID64 "\n",
		    SK_CTR_CONTAINERD);
	/* cgroup v2, a kubelet with the cgroupfs driver */
	expect_file("0::/kubepods/burstable/pod1234/" ID64 "\n", SK_CTR_CONTAINERD);
	/* a host process of a machine with its own 64-hex cgroups (one at
	 * the root, "/name/<64 hex>", would look like ctr's) */
	expect_file("4:memory:/process_api/jobs/" ID64 "\n"
		    "1:name=systemd:/user.slice/" ID64 "\n0::/\n",
		    SK_CTR_NONE);
	/* without a final newline; hybrid v1 + v2 lines */
	expect_file("1:name=systemd:/user.slice\n0::/libpod_parent/libpod-" ID64, SK_CTR_PODMAN);
	/* the host */
	expect_file("0::/init.scope\n", SK_CTR_NONE);
	expect_file("", SK_CTR_NONE);
	expect_file("garbage\n::\n", SK_CTR_NONE);
	assert_string_equal(sk_ctr_runtime_name(SK_CTR_PODMAN), "podman");
	assert_string_equal(sk_ctr_runtime_name(SK_CTR_CRIO), "cri-o");
	assert_string_equal(sk_ctr_runtime_name(SK_CTR_CONTAINERD), "containerd");
	assert_string_equal(sk_ctr_runtime_name(SK_CTR_DOCKER), "docker");
	assert_string_equal(sk_ctr_runtime_name(SK_CTR_NONE), "host");
}

static void test_read(void **state)
{
	(void)state;
	char path[] = "/tmp/skprocfsXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hello world", 11), 11);
	close(fd);
	char buf[6];
	assert_int_equal(sk_procfs_read(path, buf, sizeof(buf)), 5); /* cut */
	assert_string_equal(buf, "hello");
	char big[64];
	assert_int_equal(sk_procfs_readf(big, sizeof(big), "%s", path), 11);
	assert_string_equal(big, "hello world");
	unlink(path);
	assert_int_equal(sk_procfs_read(path, big, sizeof(big)), -ENOENT);
	assert_string_equal(big, "");
	/* our own cgroup file reads (content depends on the machine) */
	assert_true(sk_procfs_read("/proc/self/cgroup", big, sizeof(big)) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layouts),
	    cmocka_unit_test(test_file),
	    cmocka_unit_test(test_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
