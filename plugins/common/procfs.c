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

/* One recognised prefix: the id follows it directly. `after_slash` requires
 * the prefix to start a path component. */
static const struct {
	const char *prefix;
	enum sk_ctr_runtime rt;
} id_prefixes[] = {
    {"libpod-", SK_CTR_PODMAN}, {"docker-", SK_CTR_DOCKER},
    {"docker/", SK_CTR_DOCKER}, {"cri-containerd-", SK_CTR_CONTAINERD},
    {"crio-", SK_CTR_CRIO},
};

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
			if (pre[pl - 1] == '/') {
				/* "docker/<id>": the component is the id and the previous
				 * one is "docker" */
				size_t nl = pl - 1;
				if (comp - path >= (ptrdiff_t)(nl + 1) && comp[-1] == '/' &&
				    memcmp(comp - 1 - nl, pre, nl) == 0 &&
				    (comp - 1 - nl == path || comp[-2 - nl] == '/') &&
				    hex64_at(comp, comp_end)) {
					copy_id(comp, ret_id);
					return id_prefixes[i].rt;
				}
				continue;
			}
			if ((size_t)(comp_end - comp) > pl && memcmp(comp, pre, pl) == 0 &&
			    hex64_at(comp + pl, comp_end)) {
				copy_id(comp + pl, ret_id);
				return id_prefixes[i].rt;
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
