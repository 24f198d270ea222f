/* common/hostroot.c - the host root that HOST_ROOT names, and host paths
 * taken under it (see hostroot.h). */
#include "config.h"

#include "hostroot.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char hr_root[PATH_MAX];
static pthread_once_t hr_once = PTHREAD_ONCE_INIT;

static void hr_read(void)
{
	if (sk_hostroot_norm(getenv("HOST_ROOT"), hr_root, sizeof(hr_root)) == NULL) {
		hr_root[0] = '\0'; /* longer than PATH_MAX: no path under it could be opened */
	}
}

const char *sk_hostroot(void)
{
	pthread_once(&hr_once, hr_read);
	return hr_root;
}

char *sk_hostroot_norm(const char *env, char *buf, size_t cap)
{
	size_t n = env ? strlen(env) : 0;
	while (n > 0 && env[n - 1] == '/') {
		n--;
	}
	if (n >= cap) {
		return NULL;
	}
	if (n > 0) {
		memcpy(buf, env, n);
	}
	buf[n] = '\0';
	return buf;
}

char *sk_hostroot_join(const char *root, const char *path, char *buf, size_t cap)
{
	while (root[0] != '\0' && path[0] == '/') {
		path++;
	}
	int n = root[0] ? snprintf(buf, cap, "%s/%s", root, path) : snprintf(buf, cap, "%s", path);
	return n >= 0 && (size_t)n < cap ? buf : NULL;
}

char *sk_hostroot_path(const char *path, char *buf, size_t cap)
{
	return sk_hostroot_join(sk_hostroot(), path, buf, cap);
}

char *sk_hostroot_dup(const char *path)
{
	size_t cap = strlen(sk_hostroot()) + strlen(path) + 2;
	char *buf = malloc(cap);
	if (buf != NULL) {
		sk_hostroot_path(path, buf, cap); /* fits by construction */
	}
	return buf;
}
