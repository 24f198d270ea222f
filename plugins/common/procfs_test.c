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
	/* containerd (CRI) and CRI-O under kubepods */
	expect_id("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice/"
		  "cri-containerd-" ID64 ".scope",
		  SK_CTR_CONTAINERD);
	expect_id(
	    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podab_cd.slice/crio-" ID64
	    ".scope",
	    SK_CTR_CRIO);
	expect_id("/kubepods/besteffort/pod1234/crio-" ID64, SK_CTR_CRIO);
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
	expect_id("/mydocker/" ID64, SK_CTR_NONE);   /* not the "docker" component */
	expect_id("/xlibpod-" ID64, SK_CTR_NONE);
}

static void test_file(void **state)
{
	(void)state;
	char id[65];
	/* cgroup v1: several hierarchies; the first container path wins */
	const char *v1 = "12:pids:/docker/" ID64 "\n"
			 "11:cpu,cpuacct:/docker/" ID64 "\n"
			 "1:name=systemd:/docker/" ID64 "\n";
	assert_int_equal(sk_cgroup_file_container_id(v1, id), SK_CTR_DOCKER);
	assert_string_equal(id, ID64);
	/* cgroup v2 */
	const char *v2 = "0::/machine.slice/libpod-" ID64 ".scope/container\n";
	assert_int_equal(sk_cgroup_file_container_id(v2, id), SK_CTR_PODMAN);
	assert_string_equal(id, ID64);
	/* without a final newline; hybrid v1 + v2 lines */
	const char *hy = "1:name=systemd:/user.slice\n0::/libpod_parent/libpod-" ID64;
	assert_int_equal(sk_cgroup_file_container_id(hy, id), SK_CTR_PODMAN);
	/* the host */
	assert_int_equal(sk_cgroup_file_container_id("0::/init.scope\n", id), SK_CTR_NONE);
	assert_string_equal(id, "");
	assert_int_equal(sk_cgroup_file_container_id("", id), SK_CTR_NONE);
	assert_int_equal(sk_cgroup_file_container_id("garbage\n::\n", id), SK_CTR_NONE);
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
