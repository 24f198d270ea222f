/* plugins/container/container_test.c - unit tests of the `container`
 * plugin: metadata from podman, CRI-O, Docker and containerd layouts in a
 * fake storage tree, image reference splitting, Falco's container.mount*
 * fields (by position, by glob), the plugin's fields for threads whose
 * cgroups (from a fake /proc or from clone/execve records) name a container
 * of each runtime, or none, and when metadata lookups start and how long an
 * extraction waits for one (a FIFO holds a lookup in flight), and the
 * metadata saved in capture files. Falco 0.7.0's fields: the host
 * namespaces a container shares (OCI spec namespaces, Docker's
 * hostconfig.json), its address and the pod's CNI result (libcni's cache,
 * Docker's NetworkSettings), the pod sandbox id, and the deprecated fields
 * (always NA). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <shrike/plugin.h>
#include <shrike/syscall_events.h>

#include "container.h"
#include "ctrmeta.h"
#include "ctrsnap.h"
#include "tests/plugin_metric.h"

extern const struct sk_plugin shrike_plugin_entry;

#define metric(inst, name) sk_test_metric(&shrike_plugin_entry, (inst), (name))

#define PODMAN_ID  "1111111111111111111111111111111111111111111111111111111111111111"
#define CRIO_ID	   "2222222222222222222222222222222222222222222222222222222222222222"
#define SANDBOX_ID "3333333333333333333333333333333333333333333333333333333333333333"
#define DOCKER_ID  "4444444444444444444444444444444444444444444444444444444444444444"
#define CTRD_ID	   "5555555555555555555555555555555555555555555555555555555555555555"
#define PRIV_ID	   "6666666666666666666666666666666666666666666666666666666666666666"
#define CTRDP_ID   "7777777777777777777777777777777777777777777777777777777777777777"
#define CTRDC_ID   "8888888888888888888888888888888888888888888888888888888888888888"
#define CTRDN_ID   "9999999999999999999999999999999999999999999999999999999999999999"
#define FIFO_ID	   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define EARLY_ID   "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define NONE_ID	   "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define HOLD_ID	   "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
#define TASKS	   "containerd/io.containerd.runtime.v2.task/"

static char root[PATH_MAX];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* fifo_path - the spec of containerd task `id`, a FIFO (make_fifo). */
static const char *fifo_path(const char *id)
{
	static char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/" TASKS "default/%s/config.json", root, id);
	return path;
}

/* make_fifo - a lookup of container `id` held in flight: the worker
 * blocks opening its spec until the test writes it (write_fifo). */
static void make_fifo(const char *id)
{
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/" TASKS "default/%s", root, id);
	mkdir(dir, 0755);
	assert_int_equal(mkfifo(fifo_path(id), 0600), 0);
}

/* write_fifo - the runtime writes the spec: the lookup completes. */
static void write_fifo(const char *id, const char *text)
{
	FILE *f = fopen(fifo_path(id), "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/skcontainer_testXXXXXX");
	assert_non_null(mkdtemp(root));
	/* podman */
	put("storage/overlay-containers/containers.json",
	    "[{\"id\":\"" PODMAN_ID "\",\"names\":[\"web\"],\"image\":\"abcdef0123\","
	    "\"metadata\":\"{\\\"image-name\\\":\\\"docker.io/library/nginx:1.25\\\","
	    "\\\"name\\\":\\\"web\\\",\\\"created-at\\\":1700000000}\"},"
	    "{\"id\":\"" PRIV_ID "\",\"names\":[\"priv\"],\"image\":\"ff\","
	    "\"metadata\":\"{\\\"image-name\\\":\\\"localhost/busybox:latest\\\"}\"}]");
	put("storage/overlay-containers/" PODMAN_ID "/userdata/config.json",
	    "{\"ociVersion\":\"1.0.0\",\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]}"
	    "},"
	    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	    "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/data\","
	    "\"options\":[\"rbind\",\"ro\",\"rprivate\"]},"
	    "{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":"
	    "\"/run/containers/storage/overlay-containers/" PODMAN_ID "/userdata/hosts\","
	    "\"options\":[\"bind\"]}],"
	    "\"annotations\":{\"io.container.manager\":\"libpod\"},"
	    "\"linux\":{\"maskedPaths\":[\"/proc/kcore\"],\"namespaces\":[{\"type\":\"pid\"},"
	    "{\"type\":\"network\",\"path\":\"/run/netns/netns-test\"},{\"type\":\"ipc\"},"
	    "{\"type\":\"mount\"}]}}");
	/* libcni's cache: podman's one network; the CRI pod's eth0 (an IPv6
	 * address first) and a second interface; a damaged file and one whose
	 * name matches but is another container's */
	put("cni/results/podman-" PODMAN_ID "-eth0",
	    "{\"kind\":\"cniCacheV1\",\"containerId\":\"" PODMAN_ID "\",\"ifName\":\"eth0\","
	    "\"networkName\":\"podman\",\"result\":{\"cniVersion\":\"0.4.0\","
	    "\"ips\":[{\"address\":\"10.88.0.7/16\",\"version\":\"4\"}]}}");
	put("cni/results/k8s-pod-network-" SANDBOX_ID "-net1",
	    "{\"containerId\":\"" SANDBOX_ID "\",\"ifName\":\"net1\","
	    "\"result\":{\"ips\":[{\"address\":\"192.168.50.2/24\"}]}}");
	put("cni/results/k8s-pod-network-" SANDBOX_ID "-eth0",
	    "{\"containerId\":\"" SANDBOX_ID "\",\"ifName\":\"eth0\","
	    "\"result\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],"
	    "\"ips\":[{\"address\":\"fd00::9/64\"},{\"address\":\"10.244.1.9/24\","
	    "\"interface\":0}]}}");
	put("cni/results/bad-" SANDBOX_ID "-eth1", "{\"containerId\": [");
	put("cni/results/other-" SANDBOX_ID "-eth2",
	    "{\"containerId\":\"" CRIO_ID "\",\"result\":{\"ips\":[{\"address\":\"1.2.3.4/8\"}]}}");
	put("storage/overlay-containers/" PRIV_ID "/userdata/config.json",
	    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}},"
	    "\"mounts\":[],\"linux\":{}}");
	/* CRI-O (containers/storage too), with its pod sandbox */
	put("storage/overlay-containers/" CRIO_ID "/userdata/config.json",
	    "{\"annotations\":{\"io.kubernetes.cri-o.ContainerID\":\"" CRIO_ID "\","
	    "\"io.kubernetes.container.name\":\"app\","
	    "\"io.kubernetes.pod.name\":\"frontend-7d4b9\","
	    "\"io.kubernetes.pod.namespace\":\"shop\","
	    "\"io.kubernetes.pod.uid\":\"5e7c2a1b-0000-4000-8000-000000000001\","
	    "\"io.kubernetes.cri-o.ImageName\":\"quay.io/shop/frontend@sha256:feed\","
	    "\"io.kubernetes.cri-o.ImageRef\":\"beef\","
	    "\"io.kubernetes.cri-o.SandboxID\":\"" SANDBOX_ID "\","
	    "\"io.kubernetes.cri-o.Labels\":\"{\\\"io.kubernetes.container.name\\\":\\\"app\\\"}\"}"
	    ","
	    "\"linux\":{\"maskedPaths\":[\"/proc/acpi\"]}}");
	put("storage/overlay-containers/" SANDBOX_ID "/userdata/config.json",
	    "{\"annotations\":{\"io.kubernetes.cri-o.Labels\":"
	    "\"{\\\"app\\\":\\\"frontend\\\",\\\"tier\\\":\\\"web\\\"}\"}}");
	/* Docker */
	put("docker/containers/" DOCKER_ID "/config.v2.json",
	    "{\"Name\":\"/db\",\"Image\":\"sha256:0a1b\",\"Config\":{\"Image\":\"postgres:16\","
	    "\"Labels\":{\"maintainer\":\"ops\"}},"
	    "\"MountPoints\":{\"/var/lib/postgresql/data\":{\"Source\":\"/srv/pg\","
	    "\"Destination\":\"/var/lib/postgresql/data\",\"RW\":true,\"Mode\":\"z\","
	    "\"Propagation\":\"rprivate\"}},"
	    "\"NetworkSettings\":{\"Networks\":{\"bridge\":{\"IPAddress\":\"172.17.0.5\"}}}}");
	put("docker/containers/" DOCKER_ID "/hostconfig.json",
	    "{\"Privileged\":true,\"PidMode\":\"host\",\"IpcMode\":\"shareable\","
	    "\"NetworkMode\":\"bridge\"}");
	/* containerd: a CRI container (its sandbox's /etc/hostname and a proc
	 * mount are not the user's), as config.json of the task's bundle */
	put(TASKS "k8s.io/" CTRD_ID "/config.json",
	    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}},"
	    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	    "{\"destination\":\"/etc/hostname\",\"type\":\"bind\",\"source\":"
	    "\"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/" SANDBOX_ID "/hostname\","
	    "\"options\":[\"rbind\",\"rprivate\",\"rw\"]},"
	    "{\"destination\":\"/host/proc\",\"type\":\"bind\",\"source\":\"/proc\","
	    "\"options\":[\"rbind\",\"ro\",\"rprivate\"]},"
	    "{\"destination\":\"/var/run/docker.sock\",\"type\":\"bind\","
	    "\"source\":\"/run/docker.sock\",\"options\":[\"rbind\",\"rshared\"]}],"
	    "\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
	    "\"io.kubernetes.cri.container-name\":\"api\","
	    "\"io.kubernetes.cri.image-name\":\"registry.local:5000/shop/api:2.1\","
	    "\"io.kubernetes.cri.sandbox-id\":\"" SANDBOX_ID "\","
	    "\"io.kubernetes.cri.sandbox-name\":\"api-5f7c\","
	    "\"io.kubernetes.cri.sandbox-namespace\":\"shop\","
	    "\"io.kubernetes.cri.sandbox-uid\":\"0c1d2e3f-0000-4000-8000-000000000002\"},"
	    "\"linux\":{\"maskedPaths\":[\"/proc/kcore\"],\"resources\":{\"devices\":"
	    "[{\"allow\":true,\"access\":\"rwm\"}]},\"namespaces\":[{\"type\":\"pid\","
	    "\"path\":\"/proc/999999999/ns/pid\"},{\"type\":\"network\",\"path\":"
	    "\"/proc/999999999/ns/net\"},{\"type\":\"ipc\",\"path\":\"/proc/999999999/ns/ipc\"},"
	    "{\"type\":\"mount\"}]}}");
	/* privileged (ctr --privileged, CRI privileged: oci.WithPrivileged) */
	put(TASKS "k8s.io/" CTRDP_ID "/config.json",
	    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}},"
	    "\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
	    "\"io.kubernetes.cri.sandbox-name\":\"priv-pod\"},"
	    "\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]},"
	    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]}}");
	/* every capability, no masked paths, but the device rules of a
	 * normal container: not privileged */
	put(TASKS "k8s.io/" CTRDC_ID "/config.json",
	    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}},"
	    "\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
	    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]}}}");
	/* `ctr run` without the CRI plugin, in the "default" namespace */
	put(TASKS "default/" CTRDN_ID "/config.json", "{\"mounts\":[]}");
	/* /proc: one thread per runtime, and a host one */
	put("proc/100/cgroup", "0::/machine.slice/libpod-" PODMAN_ID ".scope/container\n");
	put("proc/101/cgroup", "0::/kubepods.slice/kubepods-pod1.slice/crio-" CRIO_ID ".scope\n");
	put("proc/102/cgroup",
	    "12:pids:/docker/" DOCKER_ID "\n1:name=systemd:/docker/" DOCKER_ID "\n");
	put("proc/103/cgroup", "0::/kubepods/besteffort/pod1/cri-containerd-" CTRD_ID ".scope\n");
	put("proc/104/cgroup", "0::/user.slice/user-0.slice/session-1.scope\n");
	put("proc/105/cgroup", "0::/libpod_parent/libpod-" PRIV_ID "\n");
	put("proc/106/cgroup", "0::/kubepods.slice/cri-containerd-" FIFO_ID ".scope\n");
	put("proc/107/cgroup", "0::/kubepods.slice/cri-containerd-" CTRDP_ID ".scope\n");
	/* layouts whose runtime the path cannot tell: a cgroupfs kubelet's
	 * bare id (here a cri-dockerd container, Docker's files), and ctr's
	 * /<namespace>/<id> on cgroup v1 */
	put("proc/108/cgroup", "0::/kubepods/pod1/" DOCKER_ID "\n");
	put("proc/109/cgroup", "4:memory:/default/" CTRDN_ID "\n1:cpu:/default/" CTRDN_ID
			       "\n0::/default/" CTRDN_ID "\n");
	make_fifo(FIFO_ID);
	make_fifo(HOLD_ID);
	put(TASKS "default/" EARLY_ID "/config.json",
	    "{\"annotations\":{\"io.kubernetes.cri.container-name\":\"early\"}}");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static struct ctr_meta_conf mconf(const char **st, const char **dk, const char **cd)
{
	static char s[PATH_MAX + 16], d[PATH_MAX + 16], c[PATH_MAX + 16], n[PATH_MAX + 16];
	static const char *nl[2];
	snprintf(n, sizeof(n), "%s/cni", root);
	nl[0] = n;
	snprintf(s, sizeof(s), "%s/storage", root);
	snprintf(d, sizeof(d), "%s/docker", root);
	snprintf(c, sizeof(c), "%s/containerd", root);
	st[0] = s;
	st[1] = NULL;
	dk[0] = d;
	dk[1] = NULL;
	cd[0] = c;
	cd[1] = NULL;
	return (struct ctr_meta_conf){
	    .storage_roots = st, .docker_roots = dk, .containerd_roots = cd, .cni_dirs = nl};
}

static void test_split_image(void **state)
{
	(void)state;
	struct {
		const char *in, *repo, *tag, *digest;
	} c[] = {
	    {"docker.io/library/busybox:latest", "docker.io/library/busybox", "latest", ""},
	    {"busybox", "busybox", "", ""},
	    {"reg:5000/a/b:1.2@sha256:ab", "reg:5000/a/b", "1.2", "sha256:ab"},
	    {"reg:5000/a/b", "reg:5000/a/b", "", ""},
	    {"quay.io/x@sha256:feed", "quay.io/x", "", "sha256:feed"},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *r, *t, *d;
		assert_int_equal(ctr_split_image(c[i].in, &r, &t, &d), 0);
		assert_string_equal(r, c[i].repo);
		assert_string_equal(t, c[i].tag);
		assert_string_equal(d, c[i].digest);
		free(r);
		free(t);
		free(d);
	}
}

static void test_meta(void **state)
{
	(void)state;
	const char *st[2], *dk[2], *cd[2];
	struct ctr_meta_conf conf = mconf(st, dk, cd);

	struct ctr_meta *m = ctr_meta_read(&conf, PODMAN_ID);
	assert_non_null(m);
	assert_string_equal(m->runtime, "podman");
	assert_string_equal(m->name, "web");
	assert_string_equal(m->image, "docker.io/library/nginx:1.25");
	assert_string_equal(m->image_repo, "docker.io/library/nginx");
	assert_string_equal(m->image_tag, "1.25");
	assert_string_equal(m->image_id, "abcdef0123");
	assert_false(m->privileged);
	/* only the user's bind mount; the runtime's own /etc/hosts is left out */
	assert_string_equal(m->mounts, "/srv/data:/data::false:rprivate");
	assert_int_equal(m->created_ns, 1700000000ULL * 1000000000ULL);
	assert_null(m->pod_name);
	/* namespaces of its own; its one network's address, from libcni */
	assert_false(m->host_pid);
	assert_false(m->host_network);
	assert_false(m->host_ipc);
	assert_string_equal(m->ip, "10.88.0.7");
	assert_null(m->cni_json);
	assert_null(m->sandbox_id);
	ctr_meta_free(m);

	m = ctr_meta_read(&conf, PRIV_ID);
	assert_non_null(m);
	assert_true(m->privileged);
	assert_string_equal(m->image, "localhost/busybox:latest");
	assert_string_equal(m->mounts, "");
	/* a linux section listing no namespace: the host's, all of them */
	assert_true(m->host_pid);
	assert_true(m->host_network);
	assert_true(m->host_ipc);
	assert_null(m->ip);
	ctr_meta_free(m);

	m = ctr_meta_read(&conf, CRIO_ID);
	assert_non_null(m);
	assert_string_equal(m->runtime, "cri-o");
	assert_string_equal(m->name, "app");
	assert_string_equal(m->pod_name, "frontend-7d4b9");
	assert_string_equal(m->pod_ns, "shop");
	assert_string_equal(m->pod_uid, "5e7c2a1b-0000-4000-8000-000000000001");
	assert_string_equal(m->image_repo, "quay.io/shop/frontend");
	assert_string_equal(m->image_digest, "sha256:feed");
	assert_string_equal(m->image_id, "beef");
	size_t len;
	const char *v = ctr_kv_get(&m->pod_labels, "tier", &len);
	assert_non_null(v);
	assert_int_equal(len, 3);
	assert_memory_equal(v, "web", 3);
	assert_null(ctr_kv_get(&m->pod_labels, "nope", &len));
	v = ctr_kv_get(&m->labels, "io.kubernetes.container.name", &len);
	assert_non_null(v);
	/* the pod's: its sandbox's id and network (eth0's IPv4 address) */
	assert_string_equal(m->sandbox_id, SANDBOX_ID);
	assert_string_equal(m->ip, "10.244.1.9");
	assert_non_null(m->cni_json);
	assert_non_null(strstr(m->cni_json, "\"10.244.1.9/24\""));
	assert_non_null(strstr(m->cni_json, "\"fd00::9/64\""));
	assert_null(strstr(m->cni_json, "192.168.50.2"));
	ctr_meta_free(m);

	m = ctr_meta_read(&conf, DOCKER_ID);
	assert_non_null(m);
	assert_string_equal(m->runtime, "docker");
	assert_string_equal(m->name, "db");
	assert_string_equal(m->image, "postgres:16");
	assert_string_equal(m->image_tag, "16");
	assert_string_equal(m->image_id, "0a1b");
	assert_true(m->privileged);
	assert_string_equal(m->mounts, "/srv/pg:/var/lib/postgresql/data:z:true:rprivate");
	assert_true(m->host_pid);
	assert_false(m->host_network);
	assert_false(m->host_ipc); /* "shareable" is its own */
	assert_string_equal(m->ip, "172.17.0.5");
	assert_null(m->sandbox_id);
	ctr_meta_free(m);

	errno = 0;
	assert_null(ctr_meta_read(&conf, NONE_ID));
	assert_int_equal(errno, ENOENT);
}

static void test_meta_containerd(void **state)
{
	(void)state;
	const char *st[2], *dk[2], *cd[2];
	struct ctr_meta_conf conf = mconf(st, dk, cd);

	struct ctr_meta *m = ctr_meta_read(&conf, CTRD_ID);
	assert_non_null(m);
	assert_string_equal(m->runtime, "containerd");
	assert_string_equal(m->name, "api");
	assert_string_equal(m->image, "registry.local:5000/shop/api:2.1");
	assert_string_equal(m->image_repo, "registry.local:5000/shop/api");
	assert_string_equal(m->image_tag, "2.1");
	assert_null(m->image_id); /* in containerd's bolt database only */
	assert_string_equal(m->pod_name, "api-5f7c");
	assert_string_equal(m->pod_ns, "shop");
	assert_string_equal(m->pod_uid, "0c1d2e3f-0000-4000-8000-000000000002");
	assert_null(m->pod_labels.text);
	assert_false(m->privileged); /* masked paths */
	assert_true(m->created_ns > 0);
	/* the sandbox's hostname and the proc mount are not the user's */
	assert_string_equal(m->mounts, "/proc:/host/proc::false:rprivate,"
				       "/run/docker.sock:/var/run/docker.sock::true:rshared");
	assert_int_equal(m->nmounts, 2);
	ctr_meta_free(m);

	m = ctr_meta_read(&conf, CTRDP_ID);
	assert_non_null(m);
	assert_true(m->privileged);
	assert_string_equal(m->name, "priv-pod"); /* a sandbox: the pod's name */
	assert_string_equal(m->mounts, "");
	ctr_meta_free(m);

	m = ctr_meta_read(&conf, CTRDC_ID);
	assert_non_null(m);
	assert_false(m->privileged); /* the device rules say otherwise */
	ctr_meta_free(m);

	/* no CRI annotations: the containerd id is the name */
	m = ctr_meta_read(&conf, CTRDN_ID);
	assert_non_null(m);
	assert_string_equal(m->name, CTRDN_ID);
	assert_null(m->image);
	assert_null(m->pod_name);
	ctr_meta_free(m);
}

static void test_mount_find(void **state)
{
	(void)state;
	const char *st[2], *dk[2], *cd[2];
	struct ctr_meta_conf conf = mconf(st, dk, cd);
	struct ctr_meta *m = ctr_meta_read(&conf, CTRD_ID);
	assert_non_null(m);
	const struct ctr_mount *mt = ctr_mount_find(m, true, 1, "1", false);
	assert_non_null(mt);
	assert_string_equal(mt->dest, "/var/run/docker.sock");
	assert_null(ctr_mount_find(m, true, 2, "2", false));
	/* by source: '*' crosses '/' as Falco's fnmatch does */
	mt = ctr_mount_find(m, false, 0, "/proc*", false);
	assert_non_null(mt);
	assert_string_equal(mt->dest, "/host/proc");
	mt = ctr_mount_find(m, false, 0, "/r*sock", false);
	assert_non_null(mt);
	assert_string_equal(mt->source, "/run/docker.sock");
	assert_null(ctr_mount_find(m, false, 0, "/proc/*", false));
	assert_null(ctr_mount_find(m, false, 0, "/host/proc", false)); /* a dest */
	/* by destination */
	mt = ctr_mount_find(m, false, 0, "/host/*", true);
	assert_non_null(mt);
	assert_string_equal(mt->source, "/proc");
	assert_null(ctr_mount_find(m, false, 0, NULL, false));
	ctr_meta_free(m);
}

/* ---- the plugin ---- */

static void *plugin_new_wait(uint64_t wait_ms)
{
	static char proc[PATH_MAX + 16], st[PATH_MAX + 16], dk[PATH_MAX + 16], cd[PATH_MAX + 16];
	static char cni[PATH_MAX + 16];
	static char *stl[1], *dkl[1], *cdl[1], *cnl[1];
	static struct ctr_conf conf; /* filled as the host would */
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(st, sizeof(st), "%s/storage", root);
	snprintf(dk, sizeof(dk), "%s/docker", root);
	snprintf(cd, sizeof(cd), "%s/containerd", root);
	snprintf(cni, sizeof(cni), "%s/cni", root);
	cnl[0] = cni;
	stl[0] = st;
	dkl[0] = dk;
	cdl[0] = cd;
	conf = (struct ctr_conf){.proc_root = proc,
				 .storage_roots = {stl, 1},
				 .docker_roots = {dkl, 1},
				 .containerd_roots = {cdl, 1},
				 .cni_cache_dirs = {cnl, 1},
				 .wait_ms = wait_ms,
				 .retry_ms = 5000};
	assert_int_equal(shrike_plugin_entry.config_size, sizeof(conf));
	struct sk_init_input in = {.struct_size = sizeof(in), .config = &conf, .config_json = "{}"};
	void *inst = NULL;
	char err[256];
	assert_int_equal(shrike_plugin_entry.init(&in, &inst, err, sizeof(err)), SK_OK);
	return inst;
}

static void *plugin_new(void)
{
	return plugin_new_wait(5000);
}

static _Alignas(8) unsigned char rec[4096];
static uint64_t evnum;

/* an event record of `type` for `tid`: every parameter empty except, when
 * given, "res" = 0 and "cgroups" = the NUL-separated list */
static struct sk_event event(void *inst, unsigned type, uint64_t tid, const char *cgroups,
			     size_t cglen)
{
	const struct sk_sc_event *info = sk_sc_event_info(type);
	assert_non_null(info);
	size_t off = SK_EVT_HDR_SIZE + 2u * info->nparams;
	for (unsigned i = 0; i < info->nparams; i++) {
		uint16_t l = 0;
		if (cgroups && strcmp(info->params[i].name, "res") == 0) {
			int64_t zero = 0;
			l = 8;
			memcpy(rec + off, &zero, 8);
		} else if (cgroups && strcmp(info->params[i].name, "cgroups") == 0) {
			l = (uint16_t)cglen;
			memcpy(rec + off, cgroups, cglen);
		}
		memcpy(rec + SK_EVT_HDR_SIZE + 2 * i, &l, 2);
		off += l;
	}
	struct sk_evt_hdr h = {.ts = 1800000000000000000ULL,
			       .tid = tid,
			       .len = (uint32_t)off,
			       .type = (uint16_t)type,
			       .nparams = info->nparams};
	memcpy(rec, &h, sizeof(h));
	assert_int_equal(sk_evt_check(rec, off), 0);
	struct sk_event ev = {
	    .rec = (const struct sk_evt_hdr *)rec, .num = ++evnum, .source = "syscall"};
	assert_int_equal(shrike_plugin_entry.parse->parse(inst, &ev), SK_OK);
	return ev;
}

static char out[1024];

static const char *x(void *inst, const struct sk_event *ev, const char *name, const char *arg)
{
	int idx = -1;
	for (int i = 0; shrike_plugin_entry.extract->fields[i].name; i++) {
		if (strcmp(shrike_plugin_entry.extract->fields[i].name, name) == 0) {
			idx = i;
		}
	}
	assert_true(idx >= 0);
	/* as the host prepares it: a decimal argument is also an index */
	struct sk_field_req req = {.field_idx = (uint32_t)idx, .arg_key = arg};
	if (arg != NULL && arg[0] >= '0' && arg[0] <= '9' &&
	    strspn(arg, "0123456789") == strlen(arg)) {
		req.has_index = 1;
		req.arg_index = strtoull(arg, NULL, 10);
	}
	struct sk_value v;
	int r = shrike_plugin_entry.extract->extract(inst, ev, &req, &v);
	if (r == SK_NA) {
		return "<NA>";
	}
	assert_int_equal(r, SK_OK);
	assert_int_equal(v.type, shrike_plugin_entry.extract->fields[idx].type);
	switch (v.type) {
	case SK_TYPE_STRING:
		snprintf(out, sizeof(out), "%s", v.str.ptr);
		assert_int_equal(strlen(out), v.str.len);
		break;
	case SK_TYPE_BOOL:
		snprintf(out, sizeof(out), "%s", v.b ? "true" : "false");
		break;
	default:
		snprintf(out, sizeof(out), "%llu", (unsigned long long)v.u64);
	}
	return out;
}

#define X_EQ(ev, name, want) assert_string_equal(x(inst, &(ev), (name), NULL), (want))

static void test_plugin_proc(void **state)
{
	(void)state;
	void *inst = plugin_new();
	struct sk_event ev = event(inst, SK_SC_OPENAT, 100, NULL, 0);
	X_EQ(ev, "container.id", "111111111111");
	X_EQ(ev, "container.full_id", PODMAN_ID);
	X_EQ(ev, "container.type", "podman");
	X_EQ(ev, "container.name", "web");
	X_EQ(ev, "container.image", "docker.io/library/nginx:1.25");
	X_EQ(ev, "container.image.repository", "docker.io/library/nginx");
	X_EQ(ev, "container.image.tag", "1.25");
	X_EQ(ev, "container.image.id", "abcdef0123");
	X_EQ(ev, "container.privileged", "false");
	X_EQ(ev, "container.mounts", "/srv/data:/data::false:rprivate");
	X_EQ(ev, "container.start_ts", "1700000000000000000");
	X_EQ(ev, "k8s.pod.name", "<NA>");
	X_EQ(ev, "container.ip", "10.88.0.7");
	X_EQ(ev, "container.host_pid", "false");
	X_EQ(ev, "container.host_network", "false");
	X_EQ(ev, "container.host_ipc", "false");
	X_EQ(ev, "container.cni.json", "<NA>");
	X_EQ(ev, "k8s.pod.ip", "<NA>"); /* not in a pod */
	X_EQ(ev, "k8s.pod.sandbox_id", "<NA>");
	/* deprecated in Falco's 0.7.0 (its table: 3 healthcheck/probe fields,
	 * 3 proc.is_container_*, 19 k8s.rc/svc/ns/rs/deployment ones):
	 * accepted, described as deprecated, never a value */
	int ndeprecated = 0;
	for (const struct sk_field *f = shrike_plugin_entry.extract->fields; f->name; f++) {
		if (strncmp(f->desc, "deprecated", 10) == 0) {
			bool arg = (f->flags & SK_FIELD_ARG_REQUIRED) != 0;
			assert_string_equal(x(inst, &ev, f->name, arg ? "app" : NULL), "<NA>");
			ndeprecated++;
		}
	}
	assert_int_equal(ndeprecated, 25);

	ev = event(inst, SK_SC_OPENAT, 101, NULL, 0);
	X_EQ(ev, "container.id", "222222222222");
	X_EQ(ev, "container.type", "cri-o");
	X_EQ(ev, "container.name", "app");
	X_EQ(ev, "k8s.pod.name", "frontend-7d4b9");
	X_EQ(ev, "k8s.ns.name", "shop");
	X_EQ(ev, "k8s.pod.uid", "5e7c2a1b-0000-4000-8000-000000000001");
	X_EQ(ev, "k8s.pod.labels", "app:frontend,tier:web");
	assert_string_equal(x(inst, &ev, "k8s.pod.label", "app"), "frontend");
	assert_string_equal(x(inst, &ev, "k8s.pod.label", "nope"), "<NA>");
	X_EQ(ev, "container.image.digest", "sha256:feed");
	X_EQ(ev, "k8s.pod.sandbox_id", "333333333333");
	X_EQ(ev, "k8s.pod.full_sandbox_id", SANDBOX_ID);
	X_EQ(ev, "k8s.pod.ip", "10.244.1.9");
	X_EQ(ev, "container.ip", "10.244.1.9");
	assert_non_null(strstr(x(inst, &ev, "k8s.pod.cni.json", NULL), "fd00::9/64"));
	assert_non_null(strstr(x(inst, &ev, "container.cni.json", NULL), "10.244.1.9/24"));

	ev = event(inst, SK_SC_OPENAT, 102, NULL, 0);
	X_EQ(ev, "container.id", "444444444444");
	X_EQ(ev, "container.type", "docker");
	X_EQ(ev, "container.name", "db");
	X_EQ(ev, "container.privileged", "true");
	X_EQ(ev, "container.labels", "maintainer:ops");
	assert_string_equal(x(inst, &ev, "container.label", "maintainer"), "ops");
	X_EQ(ev, "container.host_pid", "true");
	X_EQ(ev, "container.host_network", "false");
	X_EQ(ev, "container.ip", "172.17.0.5");

	/* containerd: the id from the cgroup, metadata from the task's spec */
	ev = event(inst, SK_SC_OPENAT, 103, NULL, 0);
	X_EQ(ev, "container.id", "555555555555");
	X_EQ(ev, "container.type", "containerd");
	X_EQ(ev, "container.name", "api");
	X_EQ(ev, "container.image", "registry.local:5000/shop/api:2.1");
	X_EQ(ev, "container.image.repository", "registry.local:5000/shop/api");
	X_EQ(ev, "container.image.tag", "2.1");
	X_EQ(ev, "container.privileged", "false");
	X_EQ(ev, "k8s.pod.name", "api-5f7c");
	X_EQ(ev, "k8s.ns.name", "shop");
	X_EQ(ev, "k8s.pod.uid", "0c1d2e3f-0000-4000-8000-000000000002");
	X_EQ(ev, "k8s.pod.labels", "<NA>");
	/* joins the sandbox's namespaces (not PID 1's): none is the host's */
	X_EQ(ev, "container.host_pid", "false");
	X_EQ(ev, "container.host_network", "false");
	X_EQ(ev, "container.host_ipc", "false");
	X_EQ(ev, "k8s.pod.sandbox_id", "333333333333");
	X_EQ(ev, "k8s.pod.ip", "10.244.1.9");
	X_EQ(ev, "container.mounts",
	     "/proc:/host/proc::false:rprivate,"
	     "/run/docker.sock:/var/run/docker.sock::true:rshared");
	ev = event(inst, SK_SC_OPENAT, 107, NULL, 0);
	X_EQ(ev, "container.privileged", "true");
	/* a sandbox is its own pod's; this one has the host's network and IPC */
	X_EQ(ev, "k8s.pod.full_sandbox_id", CTRDP_ID);
	X_EQ(ev, "container.host_pid", "false");
	X_EQ(ev, "container.host_network", "true");
	X_EQ(ev, "container.host_ipc", "true");
	X_EQ(ev, "k8s.pod.ip", "<NA>");

	ev = event(inst, SK_SC_OPENAT, 104, NULL, 0);
	X_EQ(ev, "container.id", "host");
	X_EQ(ev, "container.full_id", "host");
	X_EQ(ev, "container.name", "host");
	X_EQ(ev, "container.type", "<NA>");
	X_EQ(ev, "container.image", "<NA>");
	X_EQ(ev, "container.host_pid", "<NA>");
	X_EQ(ev, "container.ip", "<NA>");

	ev = event(inst, SK_SC_OPENAT, 105, NULL, 0);
	X_EQ(ev, "container.privileged", "true");
	X_EQ(ev, "container.image.repository", "localhost/busybox");

	/* a thread found nowhere */
	ev = event(inst, SK_SC_OPENAT, 999, NULL, 0);
	X_EQ(ev, "container.id", "<NA>");
	shrike_plugin_entry.destroy(inst);
}

/* An id found with the runtime guessed from the path still gets its
 * metadata: the lookup tries every runtime's files by id. */
static void test_plugin_uncertain_runtime(void **state)
{
	(void)state;
	void *inst = plugin_new();
	struct sk_event ev = event(inst, SK_SC_OPENAT, 108, NULL, 0);
	X_EQ(ev, "container.id", "444444444444");
	X_EQ(ev, "container.type", "containerd"); /* the path's guess */
	X_EQ(ev, "container.name", "db");	  /* from Docker's config.v2.json */
	X_EQ(ev, "container.privileged", "true");
	ev = event(inst, SK_SC_OPENAT, 109, NULL, 0);
	X_EQ(ev, "container.full_id", CTRDN_ID);
	X_EQ(ev, "container.type", "containerd");
	X_EQ(ev, "container.name", CTRDN_ID);
	shrike_plugin_entry.destroy(inst);
}

#define X_ARG(ev, name, arg, want) assert_string_equal(x(inst, &(ev), (name), (arg)), (want))

static void test_plugin_mounts(void **state)
{
	(void)state;
	void *inst = plugin_new();
	struct sk_event ev = event(inst, SK_SC_OPENAT, 103, NULL, 0); /* containerd */
	/* Falco's sensitive_mount: where the host's /proc is mounted */
	X_ARG(ev, "container.mount.dest", "/proc*", "/host/proc");
	X_ARG(ev, "container.mount.dest", "/var/run/docker.sock", "<NA>"); /* a dest */
	X_ARG(ev, "container.mount.dest", "/run/docker.sock", "/var/run/docker.sock");
	X_ARG(ev, "container.mount.dest", "/etc", "<NA>");
	X_ARG(ev, "container.mount.dest", "0", "/host/proc");
	X_ARG(ev, "container.mount.dest", "1", "/var/run/docker.sock");
	X_ARG(ev, "container.mount.dest", "2", "<NA>");
	X_ARG(ev, "container.mount.source", "/var/run/*", "/run/docker.sock");
	X_ARG(ev, "container.mount.source", "/proc", "<NA>"); /* a source */
	X_ARG(ev, "container.mount", "/proc", "/proc:/host/proc::false:rprivate");
	X_ARG(ev, "container.mount", "1", "/run/docker.sock:/var/run/docker.sock::true:rshared");
	X_ARG(ev, "container.mount", "/nowhere*", "<NA>");
	X_ARG(ev, "container.mount.rdwr", "/proc", "false");
	X_ARG(ev, "container.mount.rdwr", "/run/*", "true");
	X_ARG(ev, "container.mount.propagation", "/run/docker.sock", "rshared");
	X_ARG(ev, "container.mount.mode", "0", "");
	ev = event(inst, SK_SC_OPENAT, 102, NULL, 0); /* Docker: a mode */
	X_ARG(ev, "container.mount.mode", "/srv/pg", "z");
	X_ARG(ev, "container.mount.source", "/var/lib/postgresql/*", "/srv/pg");
	ev = event(inst, SK_SC_OPENAT, 104, NULL, 0); /* the host has no mounts */
	X_ARG(ev, "container.mount.dest", "/proc*", "<NA>");
	X_ARG(ev, "container.mount", "0", "<NA>");
	shrike_plugin_entry.destroy(inst);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* the first extraction that finds a lookup in flight waits for it, up to
 * wait_metadata; no other one waits */
static void test_plugin_wait_once(void **state)
{
	(void)state;
	void *inst = plugin_new_wait(300);
	struct sk_event ev = event(inst, SK_SC_OPENAT, 106, NULL, 0);
	X_EQ(ev, "container.id", "aaaaaaaaaaaa"); /* from the cgroup: no wait */
	uint64_t t0 = now_ms();
	X_EQ(ev, "container.name", "<NA>"); /* the worker is stuck on the FIFO */
	uint64_t t1 = now_ms();
	assert_true(t1 - t0 >= 290);
	X_EQ(ev, "container.image", "<NA>");
	ev = event(inst, SK_SC_OPENAT, 106, NULL, 0);
	X_EQ(ev, "container.name", "<NA>");
	assert_true(now_ms() - t1 < 200); /* once per container */
	write_fifo(FIFO_ID, "{\"annotations\":{\"io.kubernetes.cri.container-name\":\"late\"}}");
	const char *got = "<NA>";
	for (int i = 0; i < 500 && strcmp(got, "late") != 0; i++) {
		usleep(10000);
		ev = event(inst, SK_SC_OPENAT, 106, NULL, 0);
		got = x(inst, &ev, "container.name", NULL);
	}
	assert_string_equal(got, "late");
	shrike_plugin_entry.destroy(inst);
}

/* the lookup starts at the clone record that shows a new container, before
 * any field is asked for: with wait_metadata 0, the first extraction finds
 * it done */
static void test_plugin_early_lookup(void **state)
{
	(void)state;
	void *inst = plugin_new_wait(0);
	static const char cg[] = "unified=/kubepods.slice/cri-containerd-" EARLY_ID ".scope";
	struct sk_event ev = event(inst, SK_SC_CLONE, 6000, cg, sizeof(cg));
	usleep(300000); /* the worker reads a small local file meanwhile */
	ev = event(inst, SK_SC_OPENAT, 6000, NULL, 0);
	X_EQ(ev, "container.name", "early");
	/* without a record first, the lookup starts at the extraction, which
	 * does not wait for it (NA, unless the worker is faster than the
	 * extraction); a later event shows it */
	ev = event(inst, SK_SC_OPENAT, 103, NULL, 0);
	uint64_t t0 = now_ms();
	const char *got = x(inst, &ev, "container.name", NULL);
	assert_true(now_ms() - t0 < 100);
	assert_true(strcmp(got, "<NA>") == 0 || strcmp(got, "api") == 0);
	for (int i = 0; i < 500 && strcmp(got, "api") != 0; i++) {
		usleep(10000);
		ev = event(inst, SK_SC_OPENAT, 103, NULL, 0);
		got = x(inst, &ev, "container.name", NULL);
	}
	assert_string_equal(got, "api");
	shrike_plugin_entry.destroy(inst);
}

static void test_plugin_records(void **state)
{
	(void)state;
	void *inst = plugin_new();
	/* a child's clone record carries its cgroups: no /proc needed */
	static const char cg[] = "cpuset=/machine.slice/libpod-" PODMAN_ID ".scope\0"
				 "unified=/machine.slice/libpod-" PODMAN_ID ".scope/container";
	struct sk_event ev = event(inst, SK_SC_CLONE, 5000, cg, sizeof(cg));
	X_EQ(ev, "container.id", "111111111111");
	ev = event(inst, SK_SC_OPENAT, 5000, NULL, 0);
	X_EQ(ev, "container.id", "111111111111");
	/* an exec into the host's cgroup (nsenter-like) moves it */
	static const char host[] = "unified=/user.slice";
	ev = event(inst, SK_SC_EXECVE, 5000, host, sizeof(host));
	X_EQ(ev, "container.id", "host");
	/* the exit event still knows; the next event forgets (no /proc/5000) */
	ev = event(inst, SK_SC_PROCEXIT, 5000, NULL, 0);
	X_EQ(ev, "container.id", "host");
	ev = event(inst, SK_SC_OPENAT, 5000, NULL, 0);
	X_EQ(ev, "container.id", "<NA>");
	/* a non-syscall record has no container */
	shrike_plugin_entry.destroy(inst);
}

/* wait_metric - whether metric `name` reaches `want` within 10 s. */
static bool wait_metric(void *inst, const char *name, uint64_t want)
{
	for (int i = 0; i < 1000; i++) {
		if (metric(inst, name) == want) {
			return true;
		}
		usleep(10000);
	}
	return false;
}

/* a new container's clone record, tid `tid`, container id `id` */
static void clone_in(void *inst, uint64_t tid, const char *id)
{
	char cg[128];
	int n = snprintf(cg, sizeof(cg), "unified=/kubepods.slice/cri-containerd-%s.scope", id);
	event(inst, SK_SC_CLONE, tid, cg, (size_t)n + 1);
}

/* The metrics follow the caches and the worker: lookups queued while the
 * worker is held on a FIFO are pending, then done, failed too when they
 * found no metadata; a full metadata cache evicts entries, a full thread
 * cache starts over. */
static void test_plugin_metrics(void **state)
{
	(void)state;
	void *inst = plugin_new_wait(0);
	assert_int_equal(metric(inst, "containers"), 0);
	assert_int_equal(metric(inst, "lookups_pending"), 0);
	clone_in(inst, 6100, HOLD_ID); /* the worker blocks on its spec */
	clone_in(inst, 6101, NONE_ID); /* queued behind it; has no metadata */
	assert_int_equal(metric(inst, "containers"), 2);
	assert_int_equal(metric(inst, "threads"), 2);
	assert_int_equal(metric(inst, "lookups_pending"), 2);
	assert_int_equal(metric(inst, "lookups_done"), 0);
	assert_int_equal(metric(inst, "lookups_failed"), 0);
	write_fifo(HOLD_ID, "{\"annotations\":{\"io.kubernetes.cri.container-name\":\"held\"}}");
	assert_true(wait_metric(inst, "lookups_pending", 0));
	assert_int_equal(metric(inst, "lookups_done"), 2); /* one found metadata, one did not */
	assert_int_equal(metric(inst, "lookups_failed"), 1);
	assert_int_equal(metric(inst, "containers_evicted"), 0);
	/* a full metadata cache: the least recently used entries go */
	char id[65];
	for (unsigned i = 0; i < CTR_CACHE_MAX; i++) {
		snprintf(id, sizeof(id), "%08x%056d", i, 0);
		clone_in(inst, 10000 + i, id);
	}
	assert_true(wait_metric(inst, "lookups_pending", 0));
	assert_true(metric(inst, "containers_evicted") > 0);
	assert_true(metric(inst, "containers") < CTR_CACHE_MAX);
	assert_int_equal(metric(inst, "containers") + metric(inst, "containers_evicted"),
			 2 + CTR_CACHE_MAX);
	/* a full thread cache starts over */
	uint64_t tids = metric(inst, "threads");
	assert_int_equal(tids, 2 + CTR_CACHE_MAX);
	static const char host[] = "unified=/user.slice";
	for (uint64_t i = 0; i <= TID_CACHE_MAX - tids; i++) {
		event(inst, SK_SC_CLONE, 100000 + i, host, sizeof(host));
	}
	assert_int_equal(metric(inst, "threads_evicted"), TID_CACHE_MAX);
	assert_int_equal(metric(inst, "threads"), 1);
	shrike_plugin_entry.destroy(inst);
}

/* the SK_EVT_STATE record the daemon would write around `nested` (one
 * malloc'd, aligned record; free() it) */
static uint64_t *wrap_state(const void *nested, size_t len)
{
	struct sk_staterec_buf b = {0};
	struct sk_staterec_part parts[] = {{"container", 10}, {nested, len}};
	assert_true(sk_staterec_build(&b, SK_EVT_STATE, 0, parts, 2) > 0);
	return (uint64_t *)(void *)b.p;
}

static void same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		assert_ptr_equal(a, b);
	} else {
		assert_string_equal(a, b);
	}
}

static void same_kv(const struct ctr_kv *a, const struct ctr_kv *b)
{
	assert_int_equal(a->text == NULL, b->text == NULL);
	assert_int_equal(a->len, b->len);
	if (a->len) {
		assert_memory_equal(a->text, b->text, a->len);
	}
}

/* Metadata saved in a capture's state record comes back the same (every
 * runtime's shape: labels, pod fields, mounts with modes), and damaged
 * records give NULL, never a crash. */
static void test_snap_meta(void **state)
{
	(void)state;
	const char *st[2], *dk[2], *cd[2];
	struct ctr_meta_conf conf = mconf(st, dk, cd);
	const char *ids[] = {PODMAN_ID, CRIO_ID, DOCKER_ID, PRIV_ID, CTRD_ID};
	struct sk_staterec_buf sbuf = {0}, in = {0};
	struct ctrsnap_scratch sc = {0};
	for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		struct ctr_meta *m = ctr_meta_read(&conf, ids[k]);
		assert_non_null(m);
		struct sk_staterec_part parts[1 + CTRSNAP_META_PARTS];
		parts[0] = sk_staterec_s(ids[k]);
		assert_int_equal(ctrsnap_meta_encode(m, &sc, parts + 1), 0);
		size_t len = sk_staterec_build(&sbuf, 3, 0, parts, 1 + CTRSNAP_META_PARTS);
		assert_true(len > 0);
		uint64_t *srec = wrap_state(sbuf.p, len);
		const struct sk_evt_hdr *r = sk_staterec_open((const struct sk_evt_hdr *)srec, &in);
		assert_non_null(r);
		struct ctr_meta *d = ctrsnap_meta_decode(r, 1);
		assert_non_null(d);
		same_str(d->name, m->name);
		same_str(d->image, m->image);
		same_str(d->image_repo, m->image_repo);
		same_str(d->image_tag, m->image_tag);
		same_str(d->image_id, m->image_id);
		same_str(d->image_digest, m->image_digest);
		same_str(d->mounts, m->mounts);
		same_str(d->runtime, m->runtime);
		same_str(d->pod_name, m->pod_name);
		same_str(d->pod_ns, m->pod_ns);
		same_str(d->pod_uid, m->pod_uid);
		assert_int_equal(d->privileged, m->privileged);
		assert_int_equal(d->created_ns, m->created_ns);
		same_str(d->sandbox_id, m->sandbox_id);
		same_str(d->ip, m->ip);
		same_str(d->cni_json, m->cni_json);
		assert_int_equal(d->host_pid, m->host_pid);
		assert_int_equal(d->host_network, m->host_network);
		assert_int_equal(d->host_ipc, m->host_ipc);
		same_kv(&d->labels, &m->labels);
		same_kv(&d->pod_labels, &m->pod_labels);
		assert_int_equal(d->nmounts, m->nmounts);
		for (size_t i = 0; i < m->nmounts; i++) {
			same_str(d->mountv[i].source, m->mountv[i].source);
			same_str(d->mountv[i].dest, m->mountv[i].dest);
			same_str(d->mountv[i].mode, m->mountv[i].mode);
			same_str(d->mountv[i].propagation, m->mountv[i].propagation);
			same_str(d->mountv[i].text, m->mountv[i].text);
			assert_int_equal(d->mountv[i].rw, m->mountv[i].rw);
		}
		ctr_meta_free(d);
		/* a capture of Shrike before 0.7.0: the first parts only */
		len = sk_staterec_build(&sbuf, 3, 0, parts, 1 + CTRSNAP_META_PARTS_V1);
		assert_true(len > 0);
		uint64_t *old = wrap_state(sbuf.p, len);
		r = sk_staterec_open((const struct sk_evt_hdr *)old, &in);
		assert_non_null(r);
		d = ctrsnap_meta_decode(r, 1);
		assert_non_null(d);
		same_str(d->name, m->name);
		assert_null(d->ip);
		assert_null(d->sandbox_id);
		assert_false(d->host_pid);
		ctr_meta_free(d);
		free(old);
		len = sk_staterec_build(&sbuf, 3, 0, parts, 1 + CTRSNAP_META_PARTS);
		/* cut short anywhere, or with bytes flipped: no crash */
		srand((unsigned)k);
		for (size_t cut = 0; cut < len; cut += 7) {
			uint64_t *bad = wrap_state(sbuf.p, cut);
			const struct sk_evt_hdr *b =
			    sk_staterec_open((const struct sk_evt_hdr *)bad, &in);
			if (b != NULL) {
				ctr_meta_free(ctrsnap_meta_decode(b, 1));
			}
			free(bad);
		}
		for (int t = 0; t < 200; t++) {
			uint64_t *bad = wrap_state(sbuf.p, len);
			unsigned char *p = (unsigned char *)bad + SK_EVT_HDR_SIZE + 18;
			p[(size_t)rand() % len] ^= (unsigned char)(1 + rand() % 255);
			const struct sk_evt_hdr *b =
			    sk_staterec_open((const struct sk_evt_hdr *)bad, &in);
			if (b != NULL) {
				ctr_meta_free(ctrsnap_meta_decode(b, 1));
			}
			free(bad);
		}
		free(srec);
		ctr_meta_free(m);
	}
	ctrsnap_scratch_fini(&sc);
	free(sbuf.p);
	free(in.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split_image),
	    cmocka_unit_test(test_meta),
	    cmocka_unit_test(test_meta_containerd),
	    cmocka_unit_test(test_mount_find),
	    cmocka_unit_test(test_plugin_proc),
	    cmocka_unit_test(test_plugin_uncertain_runtime),
	    cmocka_unit_test(test_plugin_mounts),
	    cmocka_unit_test(test_plugin_wait_once),
	    cmocka_unit_test(test_plugin_early_lookup),
	    cmocka_unit_test(test_plugin_records),
	    cmocka_unit_test(test_plugin_metrics),
	    cmocka_unit_test(test_snap_meta),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
