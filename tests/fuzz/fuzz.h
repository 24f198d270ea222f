/* tests/fuzz/fuzz.h - what the fuzz targets share: a quiet fake host for the
 * plugins, the input as a NUL-terminated string, and the input as a file
 * (a memfd, never a file in the tree). Header-only: each target is one .c.
 */
#ifndef SK_TESTS_FUZZ_FUZZ_H
#define SK_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <shrike/plugin.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static void fz_log(struct sk_host *host, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fz_log(struct sk_host *host, int level, const char *fmt, ...)
{
	(void)host;
	(void)level;
	(void)fmt;
}

static const char *fz_hostname(struct sk_host *host)
{
	(void)host;
	return "fuzzhost";
}

static int fz_save_state(struct sk_host *host, const void *data, size_t len)
{
	(void)host;
	(void)data;
	(void)len;
	return SK_OK;
}

static const struct sk_host_api fz_api __attribute__((unused)) = {
    .struct_size = sizeof(struct sk_host_api),
    .abi_minor = SK_PLUGIN_ABI_MINOR,
    .log = fz_log,
    .hostname = fz_hostname,
    .save_state = fz_save_state,
};

/* fz_strdup - the input as a malloc'd C string (stops at a NUL inside). */
static inline char *fz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* fz_memfd - a memfd holding data; its path (/proc/self/fd/N) in path.
 * Returns the fd (close it), or -1. */
static inline int fz_memfd(const void *data, size_t size, char *path, size_t pathlen)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	const char *p = data;
	while (size > 0) {
		ssize_t w = write(fd, p, size);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		p += w;
		size -= (size_t)w;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

#endif /* SK_TESTS_FUZZ_FUZZ_H */
