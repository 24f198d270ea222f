/* plugins/common/procfs.c - /proc file reading and container ids from cgroup
 * paths (see procfs.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

ssize_t sk_procfs_read(const char *path, char *buf, size_t cap)
{
	if (cap == 0) {
		return -EINVAL;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		buf[0] = '\0';
		return -errno;
	}
	size_t n = 0;
	while (n < cap - 1) {
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			int e = errno;
			close(fd);
			buf[0] = '\0';
			return -e;
		}
		if (r == 0) {
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

ssize_t sk_procfs_readf(char *buf, size_t cap, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		if (cap > 0) {
			buf[0] = '\0';
		}
		return -ENAMETOOLONG;
	}
	return sk_procfs_read(path, buf, cap);
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* hex64_at - whether p[0..63] are hex digits followed by the end of the
 * path, '.' or '/'. */
static bool hex64_at(const char *p, const char *end)
{
	if (end - p < 64) {
		return false;
	}
	for (int i = 0; i < 64; i++) {
		if (!is_hex(p[i])) {
			return false;
		}
	}
	return p + 64 == end || p[64] == '.' || p[64] == '/' || p[64] == '\n';
}

static void copy_id(const char *p, char ret_id[65])
{
	for (int i = 0; i < 64; i++) {
		char c = p[i];
		ret_id[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
	}
	ret_id[64] = '\0';
}

/* The layouts whose id follows a fixed text in its component, as Falco's
 * container plugin lists them (matchers/podman, docker, cri). `anywhere`: the
 * text may sit inside the component instead of starting it. */
static const struct {
	const char *prefix;
	enum sk_ctr_runtime rt;
	bool anywhere;
} id_prefixes[] = {
    /* podman: ".../libpod-<id>.scope" (systemd), "/libpod_parent/libpod-<id>"
     * (cgroupfs); conmon's "libpod-conmon-<id>" is no container */
    {"libpod-", SK_CTR_PODMAN, false},
    /* Docker's systemd driver, also under kubepods with cri-dockerd */
    {"docker-", SK_CTR_DOCKER, false},
    /* the CRI plugin of containerd with the systemd driver */
    {"cri-containerd-", SK_CTR_CONTAINERD, false},
    /* a kubelet with the systemd driver and containerd without
     * SystemdCgroup = true: runc takes "slice:prefix:name" literally,
     * "/kubepods-besteffort-pod<uid>.slice:cri-containerd:<id>" */
    {":cri-containerd:", SK_CTR_CONTAINERD, true},
    /* CRI-O, both drivers: "crio-<id>.scope", ".../pod<uid>/crio-<id>" */
    {"crio-", SK_CTR_CRIO, false},
};

/* comp_is - whether the component [c, e) is the text `s`. */
static bool comp_is(const char *c, const char *e, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(e - c) == n && memcmp(c, s, n) == 0;
}

/* comp_ends - whether the component [c, e) ends with `s`. */
static bool comp_ends(const char *c, const char *e, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(e - c) >= n && memcmp(e - n, s, n) == 0;
}

/* prev_comp - the component before the one starting at c (c > path, c[-1]
 * is '/'): its start goes to *ret_c, its end is c - 1. False when c is the
 * first component. */
static bool prev_comp(const char *path, const char *c, const char **ret_c)
{
	if (c - path < 2 || c[-1] != '/') {
		return false;
	}
	const char *e = c - 1;
	const char *p = e;
	while (p > path && p[-1] != '/') {
		p--;
	}
	*ret_c = p;
	return true;
}

/* is_pod_comp - the kubelet's cgroupfs pod cgroup "pod<uid>" (the uid with
 * its dashes, or underscores as some kubelets write them). */
static bool is_pod_comp(const char *c, const char *e)
{
	if (e - c < 4 || memcmp(c, "pod", 3) != 0) {
		return false;
	}
	for (const char *p = c + 3; p < e; p++) {
		if (!is_hex(*p) && *p != '-' && *p != '_') {
			return false;
		}
	}
	return true;
}

/* is_ctrd_namespace - a containerd namespace name ([A-Za-z0-9]+ joined by
 * single '.', '_' or '-': "default", "k8s.io") that is not a systemd unit
 * ("user.slice", "docker.service"). */
static bool is_ctrd_namespace(const char *c, const char *e)
{
	if (c == e || comp_ends(c, e, ".slice") || comp_ends(c, e, ".scope") ||
	    comp_ends(c, e, ".service")) {
		return false;
	}
	bool sep_ok = false; /* a separator may follow */
	for (const char *p = c; p < e; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9');
		if (alnum) {
			sep_ok = true;
		} else if ((*p == '.' || *p == '_' || *p == '-') && sep_ok) {
			sep_ok = false;
		} else {
			return false;
		}
	}
	return sep_ok;
}

/* bare_id_runtime - the runtime of the component [c, e) that is exactly a
 * 64-hex id, from the components above it (Falco's "/" + "" layouts):
 *   ".../docker/<id>"                           Docker, cgroupfs driver
 *   ".../kubepods[/<qos>]/pod<uid>/<id>"        a kubelet with the cgroupfs
 *       driver and containerd's CRI plugin (or cri-dockerd: Docker; CRI-O
 *       writes "crio-<id>" there). The path cannot tell containerd from
 *       cri-dockerd: containerd, the common case; the metadata lookup tries
 *       every runtime's files by id, so a Docker container still gets its
 *       metadata. Any cgroup root (--cgroup-root, kind's nodes) above.
 *   "/<namespace>/<id>"                         containerd without the CRI
 *       plugin (ctr run, nerdctl with cgroupfs): the task's namespace at
 *       the root. `docker run --cgroup-parent=/x` looks the same: containerd
 *       too (its metadata found by id again).
 * Anything else is no container: systemd never makes a bare 64-hex unit,
 * so a hash-named cgroup below a slice or a service is somebody's own. */
static enum sk_ctr_runtime bare_id_runtime(const char *path, const char *c)
{
	const char *pc;
	if (!prev_comp(path, c, &pc)) {
		return SK_CTR_NONE; /* "/<id>": no parent to judge by */
	}
	const char *pe = c - 1;
	if (comp_is(pc, pe, "docker")) {
		return SK_CTR_DOCKER;
	}
	const char *gc;
	if (is_pod_comp(pc, pe) && prev_comp(path, pc, &gc)) {
		const char *ge = pc - 1;
		const char *qc = gc;
		if ((comp_is(gc, ge, "besteffort") || comp_is(gc, ge, "burstable")) &&
		    prev_comp(path, qc, &gc)) {
			ge = qc - 1;
		}
		if (comp_is(gc, ge, "kubepods")) {
			return SK_CTR_CONTAINERD;
		}
	}
	/* the namespace is the first component */
	if (pc == path + 1 && path[0] == '/' && is_ctrd_namespace(pc, pe)) {
		return SK_CTR_CONTAINERD;
	}
	return SK_CTR_NONE;
}

enum sk_ctr_runtime sk_cgroup_container_id(const char *path, size_t len, char ret_id[65])
{
	const char *end = path + len;
	/* Scan the components from the last one back: the innermost container
	 * scope is the one that holds the process. */
	const char *comp_end = end;
	while (comp_end > path) {
		const char *comp = comp_end;
		while (comp > path && comp[-1] != '/') {
			comp--;
		}
		for (size_t i = 0; i < sizeof(id_prefixes) / sizeof(id_prefixes[0]); i++) {
			const char *pre = id_prefixes[i].prefix;
			size_t pl = strlen(pre);
			const char *at = comp;
			if (id_prefixes[i].anywhere) {
				/* the id ends the component ("." suffixes aside) */
				at = NULL;
				for (const char *p = comp; p + pl + 64 <= comp_end; p++) {
					if (memcmp(p, pre, pl) == 0) {
						at = p;
					}
				}
				if (at == NULL) {
					continue;
				}
			}
			if ((size_t)(comp_end - at) > pl && memcmp(at, pre, pl) == 0 &&
			    hex64_at(at + pl, comp_end)) {
				copy_id(at + pl, ret_id);
				return id_prefixes[i].rt;
			}
		}
		if (comp_end - comp == 64 && hex64_at(comp, comp_end)) {
			enum sk_ctr_runtime rt = bare_id_runtime(path, comp);
			if (rt != SK_CTR_NONE) {
				copy_id(comp, ret_id);
				return rt;
			}
		}
		comp_end = comp > path ? comp - 1 : path;
	}
	ret_id[0] = '\0';
	return SK_CTR_NONE;
}

enum sk_ctr_runtime sk_cgroup_file_container_id(const char *text, char ret_id[65])
{
	const char *line = text;
	while (line != NULL && *line != '\0') {
		const char *nl = strchr(line, '\n');
		const char *lend = nl ? nl : line + strlen(line);
		/* "hier:controllers:path" */
		const char *c1 = memchr(line, ':', (size_t)(lend - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(lend - c1 - 1)) : NULL;
		if (c2 != NULL) {
			enum sk_ctr_runtime rt =
			    sk_cgroup_container_id(c2 + 1, (size_t)(lend - c2 - 1), ret_id);
			if (rt != SK_CTR_NONE) {
				return rt;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	ret_id[0] = '\0';
	return SK_CTR_NONE;
}

const char *sk_ctr_runtime_name(enum sk_ctr_runtime rt)
{
	switch (rt) {
	case SK_CTR_DOCKER:
		return "docker";
	case SK_CTR_PODMAN:
		return "podman";
	case SK_CTR_CONTAINERD:
		return "containerd";
	case SK_CTR_CRIO:
		return "cri-o";
	case SK_CTR_NONE:
		break;
	}
	return "host";
}
