/* core/capture.c - the capture file writer behind `shrike --capture FILE`.
 *
 * Writes the format of <shrike/capture.h>: a 64-byte file header, then one
 * EVENT block per record, then an END block with the counts. Blocks are
 * assembled in a 256 KiB buffer and written with a write(2) loop that
 * survives EINTR and short writes; records larger than the buffer go out
 * directly. The first failure is logged once and sticks.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include <shrike/capture.h>

#include "capture.h"
#include "common/clock.h"
#include "log.h"

#define CAP_BUF_SIZE (256u * 1024u)

_Static_assert(sizeof(struct sk_cap_file_hdr) == 64, "capture file header must be 64 bytes");
_Static_assert(sizeof(struct sk_cap_block_hdr) == 16, "capture block header must be 16 bytes");
_Static_assert(sizeof(struct sk_cap_end) == 16, "capture END body must be 16 bytes");

struct sk_capture {
	int fd;
	char *path;
	unsigned char *buf; /* CAP_BUF_SIZE bytes */
	size_t used;
	uint64_t events;
	int err;	  /* first failure, -errno; 0 when none */
	char errmsg[512]; /* its message */
};

/* Write all of [p, p+n) to fd. Returns 0 or -errno. */
static int write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		if (w == 0) {
			return -EIO;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Record the first failure, log it, and return it. */
static int fail(struct sk_capture *c, int err, const char *what)
{
	if (c->err == 0) {
		c->err = err;
		snprintf(c->errmsg, sizeof(c->errmsg), "%s: %s: %s", c->path, what, strerror(-err));
		SK_ERROR("%s", c->errmsg);
	}
	return c->err;
}

static int flush_buf(struct sk_capture *c)
{
	if (c->used == 0) {
		return 0;
	}
	int err = write_all(c->fd, c->buf, c->used);
	c->used = 0;
	if (err) {
		return fail(c, err, "cannot write capture file");
	}
	return 0;
}

/* Append one block (header + body) through the buffer. */
static int put_block(struct sk_capture *c, uint32_t type, const void *body, uint32_t len)
{
	struct sk_cap_block_hdr bh = {
	    .type = type,
	    .body_len = len,
	    .crc32 = (uint32_t)crc32(crc32(0L, Z_NULL, 0), body, len),
	    .reserved = 0,
	};
	if (c->err) {
		return c->err;
	}
	if (c->used + sizeof(bh) + len > CAP_BUF_SIZE) {
		int err = flush_buf(c);
		if (err) {
			return err;
		}
	}
	memcpy(c->buf + c->used, &bh, sizeof(bh));
	c->used += sizeof(bh);
	if (c->used + len <= CAP_BUF_SIZE) {
		memcpy(c->buf + c->used, body, len);
		c->used += len;
		return 0;
	}
	/* Larger than the buffer: header out with what is buffered, body direct. */
	int err = flush_buf(c);
	if (err) {
		return err;
	}
	err = write_all(c->fd, body, len);
	if (err) {
		return fail(c, err, "cannot write capture file");
	}
	return 0;
}

int sk_capture_open(const char *path, const char *hostname, struct sk_capture **ret, char *err,
		    size_t errlen)
{
	struct sk_capture *c = NULL;
	int rc = 0;

	*ret = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	c->fd = -1;
	c->path = strdup(path);
	c->buf = malloc(CAP_BUF_SIZE);
	if (c->path == NULL || c->buf == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	/* 0600: captures hold command lines, paths and audit documents.
	 * O_NOFOLLOW: a symlink planted at the path must not make root
	 * truncate the file it names. */
	c->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (c->fd < 0) {
		rc = -errno;
		goto out;
	}

	struct sk_cap_file_hdr h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, SK_CAP_MAGIC, sizeof(h.magic));
	h.byte_order = SK_CAP_BYTE_ORDER;
	h.version_major = SK_CAP_VERSION_MAJOR;
	h.version_minor = SK_CAP_VERSION_MINOR;
	h.hdr_len = sizeof(h);
	h.flags = 0;
	h.created_ns = sk_real_ns();
	if (hostname != NULL) {
		/* Keep a terminator: at most 31 characters. */
		size_t n = strnlen(hostname, sizeof(h.hostname) - 1);
		memcpy(h.hostname, hostname, n);
	}
	rc = write_all(c->fd, &h, sizeof(h));
	if (rc) {
		goto out;
	}
	*ret = c;
	c = NULL;
out:
	if (rc) {
		snprintf(err, errlen, "%s: cannot create capture file: %s", path,
			 rc == -ELOOP ? "it is a symbolic link, which Shrike does not follow for "
					"files it writes: remove the link or name the real file"
				      : strerror(-rc));
		if (c != NULL && c->fd >= 0) {
			close(c->fd);
			c->fd = -1;
		}
	}
	if (c != NULL) {
		free(c->path);
		free(c->buf);
		free(c);
	}
	return rc;
}

int sk_capture_write(struct sk_capture *c, const struct sk_evt_hdr *rec)
{
	if (c->err) {
		return c->err;
	}
	if (rec->len < SK_EVT_HDR_SIZE || rec->len > SK_EVT_MAX_LEN) {
		return -EINVAL;
	}
	int err = put_block(c, SK_CAP_BLOCK_EVENT, rec, rec->len);
	if (err == 0) {
		c->events++;
	}
	return err;
}

int sk_capture_close(struct sk_capture *c, uint64_t drops)
{
	if (c == NULL) {
		return 0;
	}
	int err = c->err;
	if (err == 0) {
		struct sk_cap_end end = {.events = c->events, .drops = drops};
		err = put_block(c, SK_CAP_BLOCK_END, &end, sizeof(end));
	}
	if (err == 0) {
		err = flush_buf(c);
	}
	if (err == 0 && fsync(c->fd) < 0 && errno != EINVAL && errno != EROFS) {
		/* EINVAL/EROFS: the path is a pipe or special file; nothing to sync. */
		err = fail(c, -errno, "cannot sync capture file");
	}
	if (close(c->fd) < 0 && err == 0 && errno != EINTR) {
		err = fail(c, -errno, "cannot close capture file");
	}
	free(c->path);
	free(c->buf);
	free(c);
	return err;
}

uint64_t sk_capture_count(const struct sk_capture *c)
{
	return c != NULL ? c->events : 0;
}

const char *sk_capture_error(const struct sk_capture *c)
{
	return c != NULL ? c->errmsg : "";
}
