/* plugins/common/procfs.h - small helpers shared by the syscall and
 * container plugins: read /proc-like files, and find a container id in a
 * cgroup path. Pure functions of their inputs (no global state), so both
 * plugins and their unit tests can point them at a fake /proc root.
 */
#ifndef SK_PLUGINS_COMMON_PROCFS_H
#define SK_PLUGINS_COMMON_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* sk_procfs_read - read the file `path` into buf (at most cap-1 bytes) and
 * NUL-terminate it. Returns the number of bytes read (>= 0) or -errno. A file
 * longer than the buffer is cut (the return value is then cap-1). */
ssize_t sk_procfs_read(const char *path, char *buf, size_t cap);

/* sk_procfs_readf - like sk_procfs_read() with the path built by
 * snprintf(fmt, ...). Returns -ENAMETOOLONG for paths over PATH_MAX. */
ssize_t sk_procfs_readf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Container runtimes recognised in cgroup paths. */
enum sk_ctr_runtime {
	SK_CTR_NONE = 0, /* host: no container found */
	SK_CTR_DOCKER,
	SK_CTR_PODMAN,
	SK_CTR_CONTAINERD,
	SK_CTR_CRIO,
};

/* sk_cgroup_container_id - find a container id in one cgroup path such as
 * "/machine.slice/libpod-<64 hex>.scope/container" (the path of a cgroup v1
 * hierarchy or of the v2 one alike). Recognised layouts, as Falco's
 * container plugin has them:
 *   podman/libpod  ".../libpod-<id>[.scope]..." (not libpod-conmon-)
 *   Docker         ".../docker-<id>.scope" and ".../docker/<id>"
 *   containerd     ".../cri-containerd-<id>[.scope]" (CRI, systemd driver),
 *                  ".../<slice>:cri-containerd:<id>" (CRI, kubelet with the
 *                  systemd driver, containerd without SystemdCgroup),
 *                  ".../kubepods[/besteffort|/burstable]/pod<uid>/<id>" (CRI,
 *                  cgroupfs driver: cri-dockerd's look the same),
 *                  "/<namespace>/<id>" (ctr, nerdctl: cgroupfs)
 *   CRI-O          ".../crio-<id>[.scope]" (both drivers)
 * <id> is 64 hex digits, followed by the end of the path, '.' or '/' (a
 * bare <id> component is exactly the 64 digits). The innermost container
 * of the path wins. Where the path cannot tell the runtime (see procfs.c)
 * the answer is the likely one; the metadata is looked up by id in every
 * runtime's files anyway. On a match, copies the 64-digit id (lower case,
 * NUL-terminated) into ret_id[65] and returns the runtime; otherwise
 * returns SK_CTR_NONE with ret_id "". Allocation-free; runs per event. */
enum sk_ctr_runtime sk_cgroup_container_id(const char *path, size_t len, char ret_id[65]);

/* sk_cgroup_file_container_id - the same over the text of a whole
 * /proc/PID/cgroup file ("hier:controllers:path" lines): the first line
 * whose path names a container wins. */
enum sk_ctr_runtime sk_cgroup_file_container_id(const char *text, char ret_id[65]);

/* sk_ctr_runtime_name - Falco's container.type name of a runtime:
 * "docker", "podman", "containerd", "cri-o"; "host" for SK_CTR_NONE. */
const char *sk_ctr_runtime_name(enum sk_ctr_runtime rt);

#endif /* SK_PLUGINS_COMMON_PROCFS_H */
