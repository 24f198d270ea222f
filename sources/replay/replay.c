/* sources/replay/replay.c - the `replay` source plugin behind `shrike -e FILE`.
 *
 * Reads a capture file (<shrike/capture.h>) and hands its records back in
 * batches, exactly as they were recorded. Every block is checked (type,
 * length, CRC-32, record well-formedness) and any problem is reported as one
 * line naming the file and the byte offset of the bad block. The file is read
 * through one large buffer; records are copied into a batch arena that is
 * reused, so they are 8-byte aligned and nothing is allocated per event.
 *
 * Depends on include/shrike/ only (and zlib for crc32).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include <shrike/capture.h>
#include <shrike/plugin.h>

#define RP_BUF_INIT   (1u << 20)    /* read buffer; grows for records up to SK_EVT_MAX_LEN */
#define RP_BATCH_MAX  256u	    /* records per next_batch() */
#define RP_ARENA_SOFT (1u << 20)    /* stop filling a batch past this many bytes */
#define RP_HDR_MAX    (64u * 1024u) /* largest file header we accept (hdr_len) */
#define RP_END_MAX    4096u	    /* largest END body we accept */
#define RP_ERR_MAX    512u

enum rp_state {
	RP_CLOSED = 0,
	RP_RUN,	 /* blocks left to read */
	RP_DONE, /* END block (or a clean end of file) reached */
	RP_FAIL, /* errmsg says why; every later call fails the same way */
};

struct replay {
	const struct sk_host_api *api;
	struct sk_host *host;

	int fd;
	char *path;
	enum rp_state state;
	char errmsg[RP_ERR_MAX];

	/* Read buffer: buf[pos, end) is unread data, found at file offset off. */
	unsigned char *buf;
	size_t cap, pos, end;
	uint64_t off;
	bool eof;

	uint64_t blocks_seen; /* EVENT blocks read */
	uint64_t delivered;   /* records handed to the host */
	uint64_t drops;	      /* from the END block */
	bool warned_unknown;

	/* Batch arena: copies of the records of the current batch. */
	unsigned char *arena;
	size_t arena_cap;
	size_t offs[RP_BATCH_MAX];
	const struct sk_evt_hdr *ptrs[RP_BATCH_MAX];
};

static void rp_log(struct replay *r, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void rp_log(struct replay *r, int level, const char *fmt, ...)
{
	char line[RP_ERR_MAX];
	va_list ap;

	if (r->api == NULL || r->api->log == NULL) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->api->log(r->host, level, "%s", line);
}

/* Fail the replay: "PATH: <kind> at byte OFF: <reason>". */
static void rp_fail(struct replay *r, const char *kind, uint64_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void rp_fail(struct replay *r, const char *kind, uint64_t at, const char *fmt, ...)
{
	va_list ap;

	int n = snprintf(r->errmsg, sizeof(r->errmsg), "%s: %s at byte %" PRIu64 ": ", r->path,
			 kind, at);
	if (n > 0 && (size_t)n < sizeof(r->errmsg)) {
		va_start(ap, fmt);
		vsnprintf(r->errmsg + n, sizeof(r->errmsg) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	r->state = RP_FAIL;
}

static void rp_fail_io(struct replay *r, int err)
{
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: read error at byte %" PRIu64 ": %s", r->path,
		 r->off + (r->end - r->pos), strerror(-err));
	r->state = RP_FAIL;
}

static size_t avail(const struct replay *r)
{
	return r->end - r->pos;
}

static void consume(struct replay *r, size_t n)
{
	r->pos += n;
	r->off += n;
}

/* Make at least `need` bytes available unless the file ends first.
 * Returns 0 (check avail() for how many are there) or -errno. */
static int fill(struct replay *r, size_t need)
{
	if (avail(r) >= need) {
		return 0;
	}
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, avail(r));
		r->end -= r->pos;
		r->pos = 0;
	}
	if (need > r->cap) {
		size_t ncap = r->cap;
		while (ncap < need) {
			ncap *= 2;
		}
		unsigned char *nb = realloc(r->buf, ncap);
		if (nb == NULL) {
			return -ENOMEM;
		}
		r->buf = nb;
		r->cap = ncap;
	}
	while (r->end < need && !r->eof) {
		ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		if (n == 0) {
			r->eof = true;
			break;
		}
		r->end += (size_t)n;
	}
	return 0;
}

static void rp_reset(struct replay *r)
{
	if (r->fd >= 0) {
		close(r->fd);
	}
	r->fd = -1;
	free(r->path);
	r->path = NULL;
	r->state = RP_CLOSED;
	r->errmsg[0] = '\0';
	r->pos = r->end = 0;
	r->off = 0;
	r->eof = false;
	r->warned_unknown = false;
	/* The counters survive close(): stats() may be read after it. */
}

static int rp_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	struct replay *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	r->fd = -1;
	r->api = in->api;
	r->host = in->host;
	*ret_inst = r;
	return SK_OK;
}

static void rp_destroy(void *inst)
{
	struct replay *r = inst;
	if (r == NULL) {
		return;
	}
	rp_reset(r);
	free(r->buf);
	free(r->arena);
	free(r);
}

static void rp_close(void *inst)
{
	rp_reset(inst);
}

/* Check the file header; on success the buffer is positioned on block 1. */
static int check_file_header(struct replay *r)
{
	struct sk_cap_file_hdr h;
	int rc = fill(r, sizeof(h));
	if (rc) {
		rp_fail_io(r, rc);
		return -1;
	}
	size_t n = avail(r);
	if (n == 0) {
		snprintf(r->errmsg, sizeof(r->errmsg),
			 "%s: not a Shrike capture file: the file is empty", r->path);
		r->state = RP_FAIL;
		return -1;
	}
	size_t mlen = n < sizeof(h.magic) ? n : sizeof(h.magic);
	if (memcmp(r->buf + r->pos, SK_CAP_MAGIC, mlen) != 0) {
		snprintf(r->errmsg, sizeof(r->errmsg),
			 "%s: not a Shrike capture file: bad magic at byte 0 (expected \"%s\")",
			 r->path, SK_CAP_MAGIC);
		r->state = RP_FAIL;
		return -1;
	}
	if (n < sizeof(h)) {
		rp_fail(r, "truncated capture file", 0,
			"file header needs %zu bytes but only %zu remain", sizeof(h), n);
		return -1;
	}
	memcpy(&h, r->buf + r->pos, sizeof(h));
	if (h.byte_order != SK_CAP_BYTE_ORDER) {
		if (h.byte_order == __builtin_bswap32(SK_CAP_BYTE_ORDER)) {
			rp_fail(r, "unsupported capture file",
				offsetof(struct sk_cap_file_hdr, byte_order),
				"recorded on a host of the other byte order (mark 0x%08" PRIx32
				"); replay it on such a host",
				h.byte_order);
		} else {
			rp_fail(r, "corrupt capture file",
				offsetof(struct sk_cap_file_hdr, byte_order),
				"bad byte-order mark 0x%08" PRIx32 " (expected 0x%08" PRIx32 ")",
				h.byte_order, (uint32_t)SK_CAP_BYTE_ORDER);
		}
		return -1;
	}
	if (h.version_major != SK_CAP_VERSION_MAJOR) {
		rp_fail(r, "unsupported capture file",
			offsetof(struct sk_cap_file_hdr, version_major),
			"format version %u.%u, this reader handles %u.x", h.version_major,
			h.version_minor, SK_CAP_VERSION_MAJOR);
		return -1;
	}
	if (h.hdr_len < sizeof(h) || h.hdr_len > RP_HDR_MAX) {
		rp_fail(r, "corrupt capture file", offsetof(struct sk_cap_file_hdr, hdr_len),
			"file header length %" PRIu32 " is out of range (%zu..%u)", h.hdr_len,
			sizeof(h), RP_HDR_MAX);
		return -1;
	}
	rc = fill(r, h.hdr_len);
	if (rc) {
		rp_fail_io(r, rc);
		return -1;
	}
	if (avail(r) < h.hdr_len) {
		rp_fail(r, "truncated capture file", 0,
			"file header says %" PRIu32 " bytes but only %zu remain", h.hdr_len,
			avail(r));
		return -1;
	}
	consume(r, h.hdr_len);
	char host[sizeof(h.hostname) + 1];
	memcpy(host, h.hostname, sizeof(h.hostname));
	host[sizeof(h.hostname)] = '\0';
	rp_log(r, SK_LOG_DEBUG, "%s: capture format %u.%u recorded on '%s'", r->path,
	       h.version_major, h.version_minor, host);
	return 0;
}

static int rp_open(void *inst, const char *params, int *ret_fd, char *err, size_t errlen)
{
	struct replay *r = inst;
	struct stat st;

	*ret_fd = -1;
	rp_reset(r);
	r->blocks_seen = r->delivered = r->drops = 0;
	if (params == NULL || params[0] == '\0') {
		snprintf(err, errlen,
			 "no capture file to replay (give its path as open parameters)");
		return SK_ERR;
	}
	r->path = strdup(params);
	if (r->path == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	if (r->buf == NULL) {
		r->buf = malloc(RP_BUF_INIT);
		if (r->buf == NULL) {
			snprintf(err, errlen, "out of memory");
			return SK_ERR;
		}
		r->cap = RP_BUF_INIT;
	}
	/* O_NONBLOCK: a FIFO must not hang the open; only regular files pass. */
	r->fd = open(params, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (r->fd < 0) {
		snprintf(err, errlen, "%s: cannot open capture file: %s", params, strerror(errno));
		rp_reset(r);
		return SK_ERR;
	}
	if (fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot replay: not a regular file", params);
		rp_reset(r);
		return SK_ERR;
	}
	r->state = RP_RUN;
	if (check_file_header(r) < 0) {
		snprintf(err, errlen, "%s", r->errmsg);
		rp_reset(r);
		return SK_ERR;
	}
	return SK_OK;
}

/* Discard `left` bytes of a block body that starts at `body_off`. */
static int skip_body(struct replay *r, uint64_t at, uint32_t body_len)
{
	uint32_t left = body_len;
	while (left > 0) {
		int rc = fill(r, 1);
		if (rc) {
			rp_fail_io(r, rc);
			return -1;
		}
		size_t n = avail(r);
		if (n == 0) {
			rp_fail(r, "truncated capture file", at,
				"block header says %" PRIu32 " bytes but only %" PRIu32 " remain",
				body_len, body_len - left);
			return -1;
		}
		size_t take = n < left ? n : left;
		consume(r, take);
		left -= (uint32_t)take;
	}
	return 0;
}

/* Reserve `len` bytes at an 8-aligned offset of the arena. */
static int arena_put(struct replay *r, size_t used, size_t len)
{
	size_t need = used + len;
	if (need <= r->arena_cap) {
		return 0;
	}
	size_t ncap = r->arena_cap ? r->arena_cap : RP_ARENA_SOFT;
	while (ncap < need) {
		ncap *= 2;
	}
	unsigned char *na = realloc(r->arena, ncap);
	if (na == NULL) {
		return -ENOMEM;
	}
	r->arena = na;
	r->arena_cap = ncap;
	return 0;
}

/* What the next block held. */
enum rp_step {
	STEP_EVENT,   /* a record: buf[pos, pos+*ret_len) until consume() */
	STEP_SKIPPED, /* an unknown block, skipped */
	STEP_STOP,    /* state is now RP_DONE or RP_FAIL */
};

/* The END block body at buf[pos] (already CRC-checked). */
static enum rp_step read_end(struct replay *r, uint64_t at, uint32_t body_len)
{
	struct sk_cap_end e;
	memcpy(&e, r->buf + r->pos, sizeof(e));
	consume(r, body_len);
	if (e.events != r->blocks_seen) {
		rp_fail(r, "corrupt capture file", at,
			"END block counts %" PRIu64 " events but the file holds %" PRIu64, e.events,
			r->blocks_seen);
		return STEP_STOP;
	}
	r->drops = e.drops;
	r->state = RP_DONE;
	int rc = fill(r, 1);
	if (rc == 0 && avail(r) > 0) {
		rp_log(r, SK_LOG_WARNING, "%s: ignoring data after the END block at byte %" PRIu64,
		       r->path, at);
	}
	return STEP_STOP;
}

static enum rp_step next_block(struct replay *r, uint32_t *ret_len)
{
	struct sk_cap_block_hdr bh;
	const uint64_t at = r->off;
	int rc = fill(r, sizeof(bh));
	if (rc) {
		rp_fail_io(r, rc);
		return STEP_STOP;
	}
	size_t n = avail(r);
	if (n == 0) {
		rp_log(r, SK_LOG_WARNING,
		       "%s: capture file ends at byte %" PRIu64 " without an END block (the "
		       "recording was cut short); replayed %" PRIu64 " events",
		       r->path, at, r->blocks_seen);
		r->state = RP_DONE;
		return STEP_STOP;
	}
	if (n < sizeof(bh)) {
		rp_fail(r, "truncated capture file", at,
			"block header needs %zu bytes but only %zu remain", sizeof(bh), n);
		return STEP_STOP;
	}
	memcpy(&bh, r->buf + r->pos, sizeof(bh));
	const char *what;
	if (bh.type == SK_CAP_BLOCK_EVENT) {
		what = "event";
		if (bh.body_len < SK_EVT_HDR_SIZE || bh.body_len > SK_EVT_MAX_LEN) {
			rp_fail(r, "corrupt capture file", at,
				"event block length %" PRIu32 " is out of range (%u..%u)",
				bh.body_len, SK_EVT_HDR_SIZE, SK_EVT_MAX_LEN);
			return STEP_STOP;
		}
	} else if (bh.type == SK_CAP_BLOCK_END) {
		what = "END";
		if (bh.body_len < sizeof(struct sk_cap_end) || bh.body_len > RP_END_MAX) {
			rp_fail(r, "corrupt capture file", at,
				"END block length %" PRIu32 " is out of range (%zu..%u)",
				bh.body_len, sizeof(struct sk_cap_end), RP_END_MAX);
			return STEP_STOP;
		}
	} else {
		if (!r->warned_unknown) {
			r->warned_unknown = true;
			rp_log(r, SK_LOG_NOTICE,
			       "%s: skipping block of unknown type %" PRIu32 " at byte %" PRIu64
			       " (written by a newer version?)",
			       r->path, bh.type, at);
		}
		consume(r, sizeof(bh));
		if (skip_body(r, at, bh.body_len) < 0) {
			return STEP_STOP;
		}
		return STEP_SKIPPED;
	}

	rc = fill(r, sizeof(bh) + bh.body_len);
	if (rc) {
		rp_fail_io(r, rc);
		return STEP_STOP;
	}
	if (avail(r) < sizeof(bh) + bh.body_len) {
		rp_fail(r, "truncated capture file", at,
			"block header says %" PRIu32 " bytes but only %zu remain", bh.body_len,
			avail(r) - sizeof(bh));
		return STEP_STOP;
	}
	const unsigned char *body = r->buf + r->pos + sizeof(bh);
	uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), body, bh.body_len);
	if (crc != bh.crc32) {
		rp_fail(r, "corrupt capture file", at,
			"%s block CRC mismatch (stored 0x%08" PRIx32 ", computed 0x%08" PRIx32 ")",
			what, bh.crc32, crc);
		return STEP_STOP;
	}
	if (bh.type == SK_CAP_BLOCK_END) {
		consume(r, sizeof(bh));
		return read_end(r, at, bh.body_len);
	}
	struct sk_evt_hdr eh;
	memcpy(&eh, body, sizeof(eh));
	if (eh.len != bh.body_len) {
		rp_fail(r, "corrupt capture file", at,
			"event record says %" PRIu32 " bytes but its block holds %" PRIu32, eh.len,
			bh.body_len);
		return STEP_STOP;
	}
	int ck = sk_evt_check(body, bh.body_len);
	if (ck != 0) {
		if (ck == -2) {
			rp_fail(r, "corrupt capture file", at,
				"malformed event record: %u parameters, more than %u", eh.nparams,
				SK_EVT_MAX_PARAMS);
		} else {
			rp_fail(r, "corrupt capture file", at,
				"malformed event record: parameter lengths do not add up to the "
				"record length %" PRIu32,
				eh.len);
		}
		return STEP_STOP;
	}
	consume(r, sizeof(bh));
	r->blocks_seen++;
	*ret_len = bh.body_len;
	return STEP_EVENT;
}

static int rp_next_batch(void *inst, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			 char *err, size_t errlen)
{
	struct replay *r = inst;
	size_t n = 0, used = 0;

	*ret_evs = NULL;
	*ret_n = 0;
	if (r->state == RP_CLOSED) {
		snprintf(err, errlen, "replay: next_batch() without open()");
		return SK_ERR;
	}
	while (r->state == RP_RUN && n < RP_BATCH_MAX && used < RP_ARENA_SOFT) {
		uint32_t len = 0;
		enum rp_step st = next_block(r, &len);
		if (st == STEP_STOP) {
			break;
		}
		if (st == STEP_SKIPPED) {
			continue;
		}
		if (arena_put(r, used, len) < 0) {
			snprintf(r->errmsg, sizeof(r->errmsg), "%s: out of memory at byte %" PRIu64,
				 r->path, r->off);
			r->state = RP_FAIL;
			break;
		}
		memcpy(r->arena + used, r->buf + r->pos, len);
		consume(r, len);
		r->offs[n++] = used;
		used += ((size_t)len + 7u) & ~(size_t)7u;
	}
	if (n > 0) {
		for (size_t i = 0; i < n; i++) {
			r->ptrs[i] =
			    (const struct sk_evt_hdr *)(const void *)(r->arena + r->offs[i]);
		}
		r->delivered += n;
		*ret_evs = r->ptrs;
		*ret_n = n;
		return SK_OK; /* a failure or the end shows on the next call */
	}
	if (r->state == RP_FAIL) {
		snprintf(err, errlen, "%s", r->errmsg);
		return SK_ERR;
	}
	return SK_EOF;
}

static int rp_stats(void *inst, struct sk_source_stats *ret_stats)
{
	const struct replay *r = inst;
	memset(ret_stats, 0, sizeof(*ret_stats));
	ret_stats->events = r->delivered;
	ret_stats->drops = r->drops;
	return SK_OK;
}

SK_PLUGIN_OPS(sk_source_ops, rp_source_ops, .open = rp_open, .next_batch = rp_next_batch,
	      .close = rp_close, .stats = rp_stats);
SK_PLUGIN_DEFINE(.name = "replay", .version = PACKAGE_VERSION,
		 .description = "replays a Shrike capture file (shrike -e FILE)",
		 .contact = PACKAGE_BUGREPORT, .init = rp_init, .destroy = rp_destroy,
		 .source = &rp_source_ops);
