/* sources/replay/replay_test.c - unit tests of the replay source plugin.
 *
 * replay.c is compiled into this program; the tests drive it through its
 * shrike_plugin_entry table with a small fake host, write their inputs with
 * the core's capture writer (core/capture.c), and check the records that come
 * back byte for byte, the exact error text (with byte offsets) for every kind
 * of damage, and that no truncation or flipped byte crashes or hangs it.
 *
 * `SK_WRITE_FIXTURES=DIR replay_test` rewrites the fixtures under
 * tests/fixtures/capture/ instead of testing.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include <shrike/capture.h>
#include <shrike/plugin.h>

#include "capture.h"

extern const struct sk_plugin shrike_plugin_entry;
#define P (&shrike_plugin_entry)

#ifndef SK_FIXTURES_DIR
#define SK_FIXTURES_DIR "tests/fixtures"
#endif
#ifndef SK_SYNTH_SO
#define SK_SYNTH_SO "tests/plugins/.libs/synth.so"
#endif

/* ---- fake host ---------------------------------------------------------- */

static char logs[8][1024]; /* last message per level */
static int nlogs[8];

static void fake_log(struct sk_host *host, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fake_log(struct sk_host *host, int level, const char *fmt, ...)
{
	(void)host;
	va_list ap;
	if (level < 0 || level > 7) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(logs[level], sizeof(logs[level]), fmt, ap);
	va_end(ap);
	nlogs[level]++;
}

static const char *fake_hostname(struct sk_host *host)
{
	(void)host;
	return "testhost";
}

static const struct sk_host_api fake_api = {
    .struct_size = sizeof(struct sk_host_api),
    .abi_minor = SK_PLUGIN_ABI_MINOR,
    .log = fake_log,
    .hostname = fake_hostname,
};

static void clear_logs(void)
{
	memset(logs, 0, sizeof(logs));
	memset(nlogs, 0, sizeof(nlogs));
}

static void *new_inst(void)
{
	struct sk_init_input in = {
	    .struct_size = sizeof(in),
	    .api = &fake_api,
	    .host = NULL,
	    .config = NULL,
	    .config_json = "{}",
	    .instance_name = "replay",
	};
	void *inst = NULL;
	char err[256] = "";
	assert_int_equal(P->init(&in, &inst, err, sizeof(err)), SK_OK);
	assert_non_null(inst);
	return inst;
}

/* ---- files ---------------------------------------------------------------- */

static char tmpdir[] = "/tmp/replay_test.XXXXXX";
static char path[512];

static int group_setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL) {
		return -1;
	}
	snprintf(path, sizeof(path), "%s/t.scap", tmpdir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(tmpdir);
}

static void put_file(const char *file, const void *b, size_t n)
{
	FILE *f = fopen(file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static unsigned char *slurp(const char *file, size_t *ret_len)
{
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	unsigned char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*ret_len = (size_t)n;
	return b;
}

static uint32_t crc_of(const void *p, size_t n)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

/* ---- records -------------------------------------------------------------- */

/* Record i of the test stream: syscall-like records with 0..4 u16 params of
 * varying sizes (some empty), every 40th an SK_EVT_PLUGIN record with a
 * large JSON-ish payload, every 55th an SK_EVT_DROP. `big` scales payloads. */
static struct sk_evt_hdr *make_rec(uint64_t i, size_t big)
{
	unsigned char data[5][256];
	size_t lens[5];
	unsigned np;
	unsigned type;
	int large = 0;
	unsigned char *payload = NULL;

	if (i % 40 == 39) {
		type = SK_EVT_PLUGIN;
		large = 1;
		np = 2;
		memcpy(data[0], "k8s_audit", 10);
		lens[0] = 10;
		lens[1] = 100 + big * (i % 7);
		payload = malloc(lens[1]);
		assert_non_null(payload);
		for (size_t k = 0; k < lens[1]; k++) {
			payload[k] = (unsigned char)('a' + (i + k) % 26);
		}
		payload[0] = '{';
		payload[lens[1] - 1] = '}';
	} else if (i % 55 == 54) {
		type = SK_EVT_DROP;
		np = 2;
		uint64_t lost = i;
		uint32_t cpu = 0xffffffffu;
		memcpy(data[0], &lost, 8);
		lens[0] = 8;
		memcpy(data[1], &cpu, 4);
		lens[1] = 4;
	} else {
		type = SK_EVT_SYSCALL_BASE + (unsigned)(i % 300);
		np = (unsigned)(i % 5);
		for (unsigned k = 0; k < np; k++) {
			lens[k] = ((i + 3) * (k + 7)) % 200;
			if ((i + k) % 6 == 0) {
				lens[k] = 0;
			}
			for (size_t m = 0; m < lens[k]; m++) {
				data[k][m] = (unsigned char)(i ^ (m * 13) ^ k);
			}
		}
	}
	sk_u8 flags = large ? SK_EVT_F_LARGE : 0;
	size_t len = SK_EVT_HDR_SIZE + sk_evt_lens_size((sk_u8)np, flags);
	for (unsigned k = 0; k < np; k++) {
		len += lens[k];
	}
	unsigned char *p = malloc(len);
	assert_non_null(p);
	struct sk_evt_hdr h = {.ts = 1700000000000000000ull + i * 1000,
			       .tid = 100 + i % 3,
			       .len = (sk_u32)len,
			       .type = (sk_u16)type,
			       .nparams = (sk_u8)np,
			       .flags = flags};
	memcpy(p, &h, sizeof(h));
	size_t off = SK_EVT_HDR_SIZE + sk_evt_lens_size((sk_u8)np, flags);
	for (unsigned k = 0; k < np; k++) {
		if (large) {
			uint32_t l = (uint32_t)lens[k];
			memcpy(p + SK_EVT_HDR_SIZE + 4 * k, &l, 4);
		} else {
			uint16_t l = (uint16_t)lens[k];
			memcpy(p + SK_EVT_HDR_SIZE + 2 * k, &l, 2);
		}
		const unsigned char *src = (payload != NULL && k == 1) ? payload : data[k];
		memcpy(p + off, src, lens[k]);
		off += lens[k];
	}
	free(payload);
	assert_int_equal(sk_evt_check(p, len), 0);
	return (struct sk_evt_hdr *)(void *)p;
}

struct recs {
	struct sk_evt_hdr **v;
	size_t n;
};

static struct recs make_recs(size_t n, size_t big)
{
	struct recs r = {calloc(n ? n : 1, sizeof(*r.v)), n};
	assert_non_null(r.v);
	for (size_t i = 0; i < n; i++) {
		r.v[i] = make_rec(i, big);
	}
	return r;
}

static void free_recs(struct recs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i]);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static void write_capture(const char *file, const struct recs *r, uint64_t drops)
{
	struct sk_capture *c = NULL;
	char err[512] = "";
	assert_int_equal(sk_capture_open(file, "testhost", &c, err, sizeof(err)), 0);
	for (size_t i = 0; i < r->n; i++) {
		assert_int_equal(sk_capture_write(c, r->v[i]), 0);
	}
	assert_int_equal(sk_capture_close(c, drops), 0);
}

/* Byte offset of block `k` (0-based) of a file written by write_capture. */
static size_t block_off(const struct recs *r, size_t k)
{
	size_t off = 64;
	for (size_t i = 0; i < k; i++) {
		off += 16 + r->v[i]->len;
	}
	return off;
}

/* ---- replay driver ------------------------------------------------------- */

struct result {
	int open_rc;
	int rc; /* last next_batch() result: SK_EOF or SK_ERR */
	char err[1024];
	struct recs got;
	size_t max_batch;
	struct sk_source_stats stats;
};

/* Replay `file` to the end with instance `inst`; collect copies of the
 * records (each checked for alignment and sk_evt_check()). `keep` = false
 * only counts them. Bounded: never more calls than bytes in a batch limit. */
static void replay_with(void *inst, const char *file, struct result *res, bool keep)
{
	int fd = 42;
	memset(res, 0, sizeof(*res));
	res->open_rc = P->source->open(inst, file, &fd, res->err, sizeof(res->err));
	if (res->open_rc != SK_OK) {
		res->rc = SK_ERR;
		P->source->close(inst);
		return;
	}
	assert_int_equal(fd, -1);
	size_t cap = 0;
	for (int calls = 0;; calls++) {
		assert_true(calls < 1000000);
		const struct sk_evt_hdr *const *evs = NULL;
		size_t n = 99;
		int rc = P->source->next_batch(inst, &evs, &n, res->err, sizeof(res->err));
		if (rc != SK_OK) {
			assert_true(rc == SK_EOF || rc == SK_ERR);
			assert_int_equal(n, 0);
			res->rc = rc;
			break;
		}
		assert_true(n > 0);
		assert_true(n <= 256);
		if (n > res->max_batch) {
			res->max_batch = n;
		}
		for (size_t i = 0; i < n; i++) {
			assert_int_equal((uintptr_t)evs[i] % 8, 0);
			assert_int_equal(sk_evt_check(evs[i], evs[i]->len), 0);
			if (!keep) {
				res->got.n++;
				continue;
			}
			if (res->got.n == cap) {
				cap = cap ? cap * 2 : 64;
				res->got.v = realloc(res->got.v, cap * sizeof(*res->got.v));
				assert_non_null(res->got.v);
			}
			struct sk_evt_hdr *copy = malloc(evs[i]->len);
			assert_non_null(copy);
			memcpy(copy, evs[i], evs[i]->len);
			res->got.v[res->got.n++] = copy;
		}
	}
	assert_int_equal(P->source->stats(inst, &res->stats), SK_OK);
	assert_int_equal(res->stats.events, res->got.n);
	P->source->close(inst);
	/* Counters stay readable after close(). */
	struct sk_source_stats after;
	assert_int_equal(P->source->stats(inst, &after), SK_OK);
	assert_memory_equal(&after, &res->stats, sizeof(after));
}

static void replay_file(const char *file, struct result *res)
{
	void *inst = new_inst();
	replay_with(inst, file, res, true);
	P->destroy(inst);
}

static void assert_same(const struct recs *want, const struct recs *got, size_t n)
{
	assert_int_equal(got->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got->v[i]->len, want->v[i]->len);
		assert_memory_equal(got->v[i], want->v[i], want->v[i]->len);
	}
}

static void expect_err(const struct result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void expect_err(const struct result *res, const char *fmt, ...)
{
	char want[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_int_equal(res->rc, SK_ERR);
	assert_string_equal(res->err, want);
}

/* ---- tests --------------------------------------------------------------- */

static void test_roundtrip(void **state)
{
	(void)state;
	struct recs want = make_recs(3000, 20000); /* plugin payloads up to 120 KB */
	struct result res;
	write_capture(path, &want, 17);
	clear_logs();
	replay_file(path, &res);
	assert_int_equal(res.open_rc, SK_OK);
	assert_int_equal(res.rc, SK_EOF);
	assert_same(&want, &res.got, want.n);
	assert_int_equal(res.max_batch, 256);
	assert_int_equal(res.stats.events, 3000);
	assert_int_equal(res.stats.drops, 17);
	assert_int_equal(nlogs[SK_LOG_WARNING] + nlogs[SK_LOG_ERROR] + nlogs[SK_LOG_NOTICE], 0);
	free_recs(&res.got);
	free_recs(&want);
}

/* Records of the largest size: the read buffer and the arena must grow. */
static void test_max_size_records(void **state)
{
	(void)state;
	struct recs want = make_recs(3, 0);
	for (size_t i = 0; i < 2; i++) {
		free(want.v[i]);
		size_t len = SK_EVT_MAX_LEN;
		unsigned char *p = calloc(1, len);
		assert_non_null(p);
		struct sk_evt_hdr h = {.ts = i,
				       .len = (sk_u32)len,
				       .type = SK_EVT_PLUGIN,
				       .nparams = 1,
				       .flags = SK_EVT_F_LARGE};
		memcpy(p, &h, sizeof(h));
		uint32_t l = (uint32_t)(len - SK_EVT_HDR_SIZE - 4);
		memcpy(p + SK_EVT_HDR_SIZE, &l, 4);
		memset(p + SK_EVT_HDR_SIZE + 4 + i, 'x', 1000);
		want.v[i] = (struct sk_evt_hdr *)(void *)p;
	}
	struct result res;
	write_capture(path, &want, 0);
	replay_file(path, &res);
	assert_int_equal(res.rc, SK_EOF);
	assert_same(&want, &res.got, want.n);
	free_recs(&res.got);
	free_recs(&want);
}

static void test_open_errors(void **state)
{
	(void)state;
	void *inst = new_inst();
	int fd;
	char err[1024];
	const struct sk_evt_hdr *const *evs;
	size_t n;

	assert_int_equal(P->source->open(inst, "", &fd, err, sizeof(err)), SK_ERR);
	assert_string_equal(err, "no capture file to replay (give its path as open parameters)");
	assert_int_equal(P->source->next_batch(inst, &evs, &n, err, sizeof(err)), SK_ERR);
	assert_string_equal(err, "replay: next_batch() without open()");

	char missing[600];
	snprintf(missing, sizeof(missing), "%s/missing.scap", tmpdir);
	assert_int_equal(P->source->open(inst, missing, &fd, err, sizeof(err)), SK_ERR);
	char want[1024];
	snprintf(want, sizeof(want), "%s: cannot open capture file: No such file or directory",
		 missing);
	assert_string_equal(err, want);

	assert_int_equal(P->source->open(inst, tmpdir, &fd, err, sizeof(err)), SK_ERR);
	snprintf(want, sizeof(want), "%s: cannot replay: not a regular file", tmpdir);
	assert_string_equal(err, want);

	/* A FIFO is refused at once instead of hanging in open(). */
	char fifo[600];
	snprintf(fifo, sizeof(fifo), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(P->source->open(inst, fifo, &fd, err, sizeof(err)), SK_ERR);
	snprintf(want, sizeof(want), "%s: cannot replay: not a regular file", fifo);
	assert_string_equal(err, want);
	unlink(fifo);

	/* The instance is still usable. */
	struct recs r = make_recs(5, 10);
	write_capture(path, &r, 0);
	struct result res;
	replay_with(inst, path, &res, true);
	assert_int_equal(res.rc, SK_EOF);
	assert_same(&r, &res.got, 5);
	free_recs(&res.got);
	free_recs(&r);
	P->destroy(inst);
	P->destroy(NULL);
}

static void test_empty_file(void **state)
{
	(void)state;
	struct result res;
	put_file(path, "", 0);
	replay_file(path, &res);
	expect_err(&res, "%s: not a Shrike capture file: the file is empty", path);
}

static void test_short_header(void **state)
{
	(void)state;
	struct recs r = make_recs(2, 10);
	write_capture(path, &r, 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	put_file(path, b, 30);
	struct result res;
	replay_file(path, &res);
	expect_err(&res,
		   "%s: truncated capture file at byte 0: file header needs 64 bytes but only 30 "
		   "remain",
		   path);
	free(b);
	free_recs(&r);
}

static void test_bad_magic(void **state)
{
	(void)state;
	struct result res;
	put_file(path, "#!/bin/sh\necho this is not a capture file, but long enough\n", 60);
	replay_file(path, &res);
	expect_err(&res,
		   "%s: not a Shrike capture file: bad magic at byte 0 (expected \"SHRIKECP\")",
		   path);
	put_file(path, "SHRIKE", 6); /* a prefix of the magic: truncated, not foreign */
	replay_file(path, &res);
	expect_err(&res,
		   "%s: truncated capture file at byte 0: file header needs 64 bytes but only 6 "
		   "remain",
		   path);
}

/* Rewrite one header field of a valid file and replay it. */
static void with_header_field(size_t field_off, const void *v, size_t vlen, struct result *res)
{
	struct recs r = make_recs(3, 10);
	write_capture(path, &r, 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	memcpy(b + field_off, v, vlen);
	put_file(path, b, n);
	replay_file(path, res);
	free(b);
	free_recs(&r);
}

static void test_byte_order(void **state)
{
	(void)state;
	struct result res;
	uint32_t swapped = __builtin_bswap32(SK_CAP_BYTE_ORDER);
	with_header_field(offsetof(struct sk_cap_file_hdr, byte_order), &swapped, 4, &res);
	expect_err(&res,
		   "%s: unsupported capture file at byte 8: recorded on a host of the other byte "
		   "order (mark 0x4d3c2b1a); replay it on such a host",
		   path);
	uint32_t junk = 0x12345678;
	with_header_field(offsetof(struct sk_cap_file_hdr, byte_order), &junk, 4, &res);
	expect_err(&res,
		   "%s: corrupt capture file at byte 8: bad byte-order mark 0x12345678 (expected "
		   "0x1a2b3c4d)",
		   path);
}

static void test_major_version(void **state)
{
	(void)state;
	struct result res;
	uint16_t v[2] = {2, 0};
	with_header_field(offsetof(struct sk_cap_file_hdr, version_major), v, 4, &res);
	expect_err(&res,
		   "%s: unsupported capture file at byte 12: format version 2.0, this reader "
		   "handles 1.x",
		   path);
	/* A newer minor version is fine. */
	uint16_t minor = 7;
	with_header_field(offsetof(struct sk_cap_file_hdr, version_minor), &minor, 2, &res);
	assert_int_equal(res.rc, SK_EOF);
	assert_int_equal(res.got.n, 3);
	free_recs(&res.got);
}

static void test_hdr_len(void **state)
{
	(void)state;
	struct result res;
	uint32_t small = 20;
	with_header_field(offsetof(struct sk_cap_file_hdr, hdr_len), &small, 4, &res);
	expect_err(&res,
		   "%s: corrupt capture file at byte 16: file header length 20 is out of range "
		   "(64..65536)",
		   path);

	/* A longer header (a future minor version) is skipped. */
	struct recs r = make_recs(4, 10);
	write_capture(path, &r, 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	unsigned char *b2 = calloc(1, n + 36);
	assert_non_null(b2);
	memcpy(b2, b, 64);
	uint32_t len100 = 100;
	memcpy(b2 + offsetof(struct sk_cap_file_hdr, hdr_len), &len100, 4);
	memset(b2 + 64, 0xee, 36);
	memcpy(b2 + 100, b + 64, n - 64);
	put_file(path, b2, n + 36);
	replay_file(path, &res);
	assert_int_equal(res.rc, SK_EOF);
	assert_same(&r, &res.got, 4);
	free_recs(&res.got);

	/* ... unless the file ends inside it. */
	put_file(path, b2, 80);
	replay_file(path, &res);
	expect_err(&res,
		   "%s: truncated capture file at byte 0: file header says 100 bytes but only 80 "
		   "remain",
		   path);
	free(b);
	free(b2);
	free_recs(&r);
}

static void test_truncated_block_header(void **state)
{
	(void)state;
	struct recs r = make_recs(3, 10);
	write_capture(path, &r, 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	size_t at = block_off(&r, 2);
	put_file(path, b, at + 5);
	struct result res;
	replay_file(path, &res);
	assert_same(&r, &res.got, 2); /* what is complete comes out first */
	expect_err(&res,
		   "%s: truncated capture file at byte %zu: block header needs 16 bytes but only 5 "
		   "remain",
		   path, at);
	free_recs(&res.got);
	free(b);
	free_recs(&r);
}

static void test_truncated_body(void **state)
{
	(void)state;
	struct recs r = make_recs(3, 10);
	write_capture(path, &r, 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	size_t at = block_off(&r, 1);
	put_file(path, b, at + 16 + 12);
	struct result res;
	replay_file(path, &res);
	assert_same(&r, &res.got, 1);
	expect_err(&res,
		   "%s: truncated capture file at byte %zu: block header says %u bytes but only 12 "
		   "remain",
		   path, at, (unsigned)r.v[1]->len);
	free_recs(&res.got);
	free(b);
	free_recs(&r);
}

static void test_crc_mismatch(void **state)
{
	(void)state;
	struct recs r = make_recs(4, 10);
	write_capture(path, &r, 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	size_t at = block_off(&r, 2);
	b[at + 16 + r.v[2]->len - 1] ^= 0x20; /* last payload byte */
	put_file(path, b, n);
	struct result res;
	replay_file(path, &res);
	assert_same(&r, &res.got, 2);
	uint32_t stored = crc_of(r.v[2], r.v[2]->len);
	uint32_t computed = crc_of(b + at + 16, r.v[2]->len);
	expect_err(&res,
		   "%s: corrupt capture file at byte %zu: event block CRC mismatch (stored "
		   "0x%08x, computed 0x%08x)",
		   path, at, stored, computed);
	free_recs(&res.got);
	free(b);
	free_recs(&r);
}

/* A file holding one hand-made block after the header of a valid file. */
static void write_one_block(uint32_t type, const void *body, uint32_t len, bool good_crc)
{
	struct recs none = {NULL, 0};
	write_capture(path, &none, 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	unsigned char *f = malloc(64 + 16 + len);
	assert_non_null(f);
	memcpy(f, b, 64);
	struct sk_cap_block_hdr bh = {.type = type, .body_len = len, .crc32 = crc_of(body, len)};
	if (!good_crc) {
		bh.crc32 ^= 1;
	}
	memcpy(f + 64, &bh, 16);
	memcpy(f + 80, body, len);
	put_file(path, f, 64 + 16 + len);
	free(f);
	free(b);
}

static void test_len_disagrees(void **state)
{
	(void)state;
	struct sk_evt_hdr *rec = make_rec(1, 10); /* 1 param */
	unsigned char body[512];
	memset(body, 0, sizeof(body));
	memcpy(body, rec, rec->len);
	write_one_block(SK_CAP_BLOCK_EVENT, body, rec->len + 8, true);
	struct result res;
	replay_file(path, &res);
	assert_int_equal(res.got.n, 0);
	expect_err(&res,
		   "%s: corrupt capture file at byte 64: event record says %u bytes but its block "
		   "holds %u",
		   path, (unsigned)rec->len, (unsigned)rec->len + 8);
	free(rec);
}

static void test_evt_check_fails(void **state)
{
	(void)state;
	/* Parameter lengths that do not add up. */
	struct sk_evt_hdr *rec = make_rec(2, 10);
	assert_true(rec->nparams >= 1);
	unsigned char body[512];
	memcpy(body, rec, rec->len);
	uint16_t l;
	memcpy(&l, body + SK_EVT_HDR_SIZE, 2);
	l++;
	memcpy(body + SK_EVT_HDR_SIZE, &l, 2);
	write_one_block(SK_CAP_BLOCK_EVENT, body, rec->len, true);
	struct result res;
	replay_file(path, &res);
	expect_err(&res,
		   "%s: corrupt capture file at byte 64: malformed event record: parameter lengths "
		   "do not add up to the record length %u",
		   path, (unsigned)rec->len);

	/* Too many parameters. */
	struct sk_evt_hdr h = {.len = SK_EVT_HDR_SIZE + 40 * 2, .type = 70, .nparams = 40};
	memset(body, 0, sizeof(body));
	memcpy(body, &h, sizeof(h));
	write_one_block(SK_CAP_BLOCK_EVENT, body, h.len, true);
	replay_file(path, &res);
	expect_err(&res,
		   "%s: corrupt capture file at byte 64: malformed event record: 40 parameters, "
		   "more than 32",
		   path);

	/* A block too short for a record header. */
	write_one_block(SK_CAP_BLOCK_EVENT, body, 10, true);
	replay_file(path, &res);
	expect_err(&res,
		   "%s: corrupt capture file at byte 64: event block length 10 is out of range "
		   "(24..4194304)",
		   path);
	free(rec);
}

static void test_end_block_checks(void **state)
{
	(void)state;
	struct sk_cap_end e = {.events = 3, .drops = 0};
	struct result res;
	write_one_block(SK_CAP_BLOCK_END, &e, sizeof(e), true);
	replay_file(path, &res);
	expect_err(&res,
		   "%s: corrupt capture file at byte 64: END block counts 3 events but the file "
		   "holds 0",
		   path);
	e.events = 0;
	write_one_block(SK_CAP_BLOCK_END, &e, sizeof(e), false);
	replay_file(path, &res);
	expect_err(&res,
		   "%s: corrupt capture file at byte 64: END block CRC mismatch (stored 0x%08x, "
		   "computed 0x%08x)",
		   path, crc_of(&e, sizeof(e)) ^ 1, crc_of(&e, sizeof(e)));
	write_one_block(SK_CAP_BLOCK_END, &e, 8, true);
	replay_file(path, &res);
	expect_err(&res,
		   "%s: corrupt capture file at byte 64: END block length 8 is out of range "
		   "(16..4096)",
		   path);
}

static void test_missing_end(void **state)
{
	(void)state;
	struct recs r = make_recs(300, 10);
	write_capture(path, &r, 5);
	size_t n;
	unsigned char *b = slurp(path, &n);
	put_file(path, b, n - 32); /* drop the END block */
	clear_logs();
	struct result res;
	replay_file(path, &res);
	assert_int_equal(res.rc, SK_EOF);
	assert_same(&r, &res.got, 300);
	assert_int_equal(res.stats.drops, 0);
	assert_int_equal(nlogs[SK_LOG_WARNING], 1);
	char want[1024];
	snprintf(want, sizeof(want),
		 "%s: capture file ends at byte %zu without an END block (the recording was cut "
		 "short); replayed 300 events",
		 path, n - 32);
	assert_string_equal(logs[SK_LOG_WARNING], want);
	free_recs(&res.got);
	free(b);
	free_recs(&r);
}

static void test_unknown_block_skipped(void **state)
{
	(void)state;
	struct recs r = make_recs(6, 10);
	write_capture(path, &r, 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	size_t at = block_off(&r, 3);
	/* Insert blocks of type 99 (1000 bytes) and 7 (empty) before block 3. */
	size_t extra = 16 + 1000 + 16;
	unsigned char *f = malloc(n + extra);
	assert_non_null(f);
	memcpy(f, b, at);
	unsigned char junk[1000];
	memset(junk, 0xab, sizeof(junk));
	struct sk_cap_block_hdr u1 = {.type = 99, .body_len = 1000, .crc32 = crc_of(junk, 1000)};
	struct sk_cap_block_hdr u2 = {.type = 7, .body_len = 0, .crc32 = 0};
	memcpy(f + at, &u1, 16);
	memcpy(f + at + 16, junk, 1000);
	memcpy(f + at + 1016, &u2, 16);
	memcpy(f + at + extra, b + at, n - at);
	put_file(path, f, n + extra);
	clear_logs();
	struct result res;
	replay_file(path, &res);
	assert_int_equal(res.rc, SK_EOF);
	assert_same(&r, &res.got, 6);
	assert_int_equal(nlogs[SK_LOG_NOTICE], 1);
	char want[1024];
	snprintf(want, sizeof(want),
		 "%s: skipping block of unknown type 99 at byte %zu (written by a newer version?)",
		 path, at);
	assert_string_equal(logs[SK_LOG_NOTICE], want);
	assert_int_equal(nlogs[SK_LOG_WARNING], 0);
	free_recs(&res.got);

	/* An unknown block that claims more than the file holds. */
	u1.body_len = 5000;
	memcpy(f + at, &u1, 16);
	put_file(path, f, at + 16 + 1000);
	replay_file(path, &res);
	assert_same(&r, &res.got, 3);
	expect_err(&res,
		   "%s: truncated capture file at byte %zu: block header says 5000 bytes but only "
		   "1000 remain",
		   path, at);
	free_recs(&res.got);
	free(f);
	free(b);
	free_recs(&r);
}

static void test_trailing_data(void **state)
{
	(void)state;
	struct recs r = make_recs(3, 10);
	write_capture(path, &r, 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	unsigned char *f = calloc(1, n + 10);
	assert_non_null(f);
	memcpy(f, b, n);
	put_file(path, f, n + 10);
	clear_logs();
	struct result res;
	replay_file(path, &res);
	assert_int_equal(res.rc, SK_EOF);
	assert_same(&r, &res.got, 3);
	char want[1024];
	snprintf(want, sizeof(want), "%s: ignoring data after the END block at byte %zu", path,
		 n - 32);
	assert_string_equal(logs[SK_LOG_WARNING], want);
	free_recs(&res.got);
	free(f);
	free(b);
	free_recs(&r);
}

/* An error is one line naming the file; with a block it names the byte. */
static void check_fuzz_result(const struct result *res, size_t nrecs)
{
	assert_true(res->rc == SK_EOF || res->rc == SK_ERR);
	assert_true(res->got.n <= nrecs);
	if (res->rc == SK_ERR) {
		assert_null(strchr(res->err, '\n'));
		assert_int_equal(strncmp(res->err, path, strlen(path)), 0);
		if (res->open_rc == SK_OK) {
			assert_non_null(strstr(res->err, " at byte "));
		}
	}
}

/* Truncate a valid file at every length and flip every byte once (with and
 * without fixing the CRC afterwards): never a crash, a hang or a bad record;
 * always SK_EOF or SK_ERR. */
static void test_fuzz(void **state)
{
	(void)state;
	struct recs r = make_recs(45, 3); /* includes a plugin and a drop record */
	write_capture(path, &r, 3);
	size_t n;
	unsigned char *b = slurp(path, &n);
	unsigned char *f = malloc(n);
	assert_non_null(f);
	void *inst = new_inst();
	struct result res;
	size_t full = 0;

	for (size_t len = 0; len <= n; len++) {
		put_file(path, b, len);
		replay_with(inst, path, &res, false);
		check_fuzz_result(&res, r.n);
		if (len == n) {
			assert_int_equal(res.rc, SK_EOF);
			assert_int_equal(res.got.n, r.n);
		}
	}
	for (int fix_crc = 0; fix_crc <= 1; fix_crc++) {
		for (size_t i = 0; i < n; i++) {
			memcpy(f, b, n);
			f[i] ^= (unsigned char)(0x01u << (i % 8));
			if (fix_crc && i >= 64) {
				/* Recompute the CRC of the block holding byte i. */
				size_t off = 64;
				while (off + 16 <= n) {
					struct sk_cap_block_hdr bh;
					memcpy(&bh, f + off, 16);
					if (bh.body_len > n - off - 16) {
						break;
					}
					if (i >= off + 16 && i < off + 16 + bh.body_len) {
						bh.crc32 = crc_of(f + off + 16, bh.body_len);
						memcpy(f + off, &bh, 16);
						break;
					}
					off += 16 + bh.body_len;
				}
			}
			put_file(path, f, n);
			replay_with(inst, path, &res, false);
			check_fuzz_result(&res, r.n);
			full += res.rc == SK_EOF;
		}
	}
	/* Flips inside the file header's created_ns/hostname/flags are harmless. */
	assert_true(full >= 2 * 44);
	P->destroy(inst);
	free(f);
	free(b);
	free_recs(&r);
}

/* ---- synth -> writer -> replay ----------------------------------------------- */

struct synth_conf { /* tests/plugins/synth.c's config struct */
	uint64_t count;
	uint64_t seed;
};

/* Run the synth plugin to the end; collect its records. */
static void run_synth(const struct sk_plugin *sp, uint64_t seed, const char *open_params,
		      struct recs *out, struct sk_source_stats *st)
{
	struct synth_conf conf = {.count = 1000, .seed = seed};
	struct sk_init_input in = {
	    .struct_size = sizeof(in),
	    .api = &fake_api,
	    .config = &conf,
	    .config_json = "{}",
	    .instance_name = "synth",
	};
	void *inst = NULL;
	char err[256] = "";
	size_t cap = 0;
	int fd = -1;

	assert_int_equal(sp->init(&in, &inst, err, sizeof(err)), SK_OK);
	assert_int_equal(sp->source->open(inst, open_params, &fd, err, sizeof(err)), SK_OK);
	assert_true(fd >= 0);
	memset(out, 0, sizeof(*out));
	for (int calls = 0;; calls++) {
		assert_true(calls < 100000);
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		assert_int_equal(poll(&pfd, 1, 0), 1); /* always readable */
		const struct sk_evt_hdr *const *evs = NULL;
		size_t n = 0;
		int rc = sp->source->next_batch(inst, &evs, &n, err, sizeof(err));
		if (rc == SK_RETRY) {
			assert_int_equal(n, 0);
			continue;
		}
		if (rc == SK_EOF) {
			break;
		}
		assert_int_equal(rc, SK_OK);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal((uintptr_t)evs[i] % 8, 0);
			assert_int_equal(sk_evt_check(evs[i], evs[i]->len), 0);
			if (out->n == cap) {
				cap = cap ? cap * 2 : 256;
				out->v = realloc(out->v, cap * sizeof(*out->v));
				assert_non_null(out->v);
			}
			out->v[out->n] = malloc(evs[i]->len);
			assert_non_null(out->v[out->n]);
			memcpy(out->v[out->n++], evs[i], evs[i]->len);
		}
	}
	assert_int_equal(sp->source->stats(inst, st), SK_OK);
	assert_int_equal(st->events, out->n);
	sp->source->close(inst);
	sp->destroy(inst);
}

static void test_synth_roundtrip(void **state)
{
	(void)state;
	void *dl = dlopen(SK_SYNTH_SO, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		fail_msg("cannot load the synth plugin: %s", dlerror());
	}
	const struct sk_plugin *sp = dlsym(dl, SHRIKE_PLUGIN_ENTRY);
	assert_non_null(sp);
	assert_string_equal(sp->name, "synth");
	assert_non_null(sp->source);
	assert_null(sp->source->event_source);

	struct recs a, a2, b;
	struct sk_source_stats sa, sa2, sb;
	run_synth(sp, 0, "500", &a, &sa);
	run_synth(sp, 0, "500", &a2, &sa2);
	run_synth(sp, 1, "", &b, &sb); /* count from the config: 1000 */
	assert_int_equal(a.n, 500);
	assert_int_equal(b.n, 1000);
	assert_same(&a, &a2, 500); /* deterministic */
	assert_int_equal(sa.drops, sa2.drops);
	assert_true(sa.drops > 0);

	/* The mix promised in synth.c. */
	size_t plugin = 0, drop = 0, sys = 0, empty = 0, differ = 0;
	for (size_t i = 0; i < a.n; i++) {
		const struct sk_evt_hdr *h = a.v[i];
		if (i > 0) {
			assert_true(h->ts > a.v[i - 1]->ts);
		}
		differ += i < b.n && (h->len != b.v[i]->len || memcmp(h, b.v[i], h->len) != 0);
		if (h->type == SK_EVT_PLUGIN) {
			plugin++;
			assert_true(h->flags & SK_EVT_F_LARGE);
			assert_true(h->len > 65536);
			assert_string_equal(sk_evt_source_name(h), "k8s_audit");
			const void *d = NULL;
			sk_u32 l = 0;
			assert_int_equal(sk_evt_param(h, 1, &d, &l), 0);
			assert_int_equal(((const char *)d)[0], '{');
			assert_int_equal(((const char *)d)[l - 1], '}');
		} else if (h->type == SK_EVT_DROP) {
			drop++;
		} else {
			assert_true(h->type >= SK_EVT_SYSCALL_BASE);
			assert_int_equal(h->flags & SK_EVT_F_LARGE, 0);
			sys++;
			for (unsigned k = 0; k < h->nparams; k++) {
				const void *d = NULL;
				sk_u32 l = 0;
				assert_int_equal(sk_evt_param(h, k, &d, &l), 0);
				empty += l == 0;
			}
		}
	}
	assert_int_equal(plugin, 5);
	assert_int_equal(drop, 5);
	assert_int_equal(sys, 490);
	assert_true(empty > 0);
	assert_true(differ > 400); /* the seed matters */

	/* synth -> capture writer -> replay gives the same bytes back. */
	write_capture(path, &a, sa.drops);
	struct result res;
	replay_file(path, &res);
	assert_int_equal(res.rc, SK_EOF);
	assert_same(&a, &res.got, a.n);
	assert_int_equal(res.stats.drops, sa.drops);
	free_recs(&res.got);

	/* Bad open parameters. */
	struct synth_conf conf = {.count = 3};
	struct sk_init_input in = {.struct_size = sizeof(in), .api = &fake_api, .config = &conf};
	void *inst = NULL;
	char err[256];
	int fd;
	assert_int_equal(sp->init(&in, &inst, err, sizeof(err)), SK_OK);
	assert_int_equal(sp->source->open(inst, "-5", &fd, err, sizeof(err)), SK_ERR);
	assert_string_equal(err, "synth: open parameters must be a record count, got '-5'");
	sp->destroy(inst);

	free_recs(&a);
	free_recs(&a2);
	free_recs(&b);
	dlclose(dl);
}

/* ---- fixtures -------------------------------------------------------------- */

#define FIXTURE_RECS	60
#define FIXTURE_CREATED 1700000000000000000ull

static void fixture_path(char *buf, size_t len, const char *name)
{
	const char *dir = getenv("SK_WRITE_FIXTURES");
	if (dir != NULL) {
		snprintf(buf, len, "%s/%s", dir, name);
	} else {
		snprintf(buf, len, "%s/capture/%s", SK_FIXTURES_DIR, name);
	}
}

/* small.scap: the FIXTURE_RECS test records, created_ns fixed, host
 * "fixture-host", 2 drops. The writer must still produce it byte for byte
 * (bar created_ns), and the reader must still read it. */
static void test_fixture_small(void **state)
{
	(void)state;
	struct recs r = make_recs(FIXTURE_RECS, 50);
	char fx[600];
	fixture_path(fx, sizeof(fx), "small.scap");
	struct sk_capture *c = NULL;
	char err[512];
	assert_int_equal(sk_capture_open(path, "fixture-host", &c, err, sizeof(err)), 0);
	for (size_t i = 0; i < r.n; i++) {
		assert_int_equal(sk_capture_write(c, r.v[i]), 0);
	}
	assert_int_equal(sk_capture_close(c, 2), 0);
	size_t n, fn;
	unsigned char *b = slurp(path, &n);
	uint64_t created = FIXTURE_CREATED;
	memcpy(b + offsetof(struct sk_cap_file_hdr, created_ns), &created, 8);
	if (getenv("SK_WRITE_FIXTURES") != NULL) {
		put_file(fx, b, n);
	}
	unsigned char *fb = slurp(fx, &fn);
	assert_int_equal(fn, n);
	assert_memory_equal(fb, b, n);

	struct result res;
	replay_file(fx, &res);
	assert_int_equal(res.rc, SK_EOF);
	assert_same(&r, &res.got, r.n);
	assert_int_equal(res.stats.drops, 2);
	free_recs(&res.got);

	/* Derived fixtures: a flipped payload byte in block 10, a lost END. */
	size_t at = block_off(&r, 10);
	char cm[600], ne[600];
	fixture_path(cm, sizeof(cm), "crc-mismatch.scap");
	fixture_path(ne, sizeof(ne), "no-end.scap");
	if (getenv("SK_WRITE_FIXTURES") != NULL) {
		b[at + 16 + 3] ^= 0x01;
		put_file(cm, b, n);
		b[at + 16 + 3] ^= 0x01;
		put_file(ne, b, n - 32);
	}
	uint32_t stored = crc_of(r.v[10], r.v[10]->len);
	b[at + 16 + 3] ^= 0x01;
	uint32_t computed = crc_of(b + at + 16, r.v[10]->len);
	b[at + 16 + 3] ^= 0x01;
	replay_file(cm, &res);
	assert_int_equal(res.got.n, 10);
	expect_err(&res,
		   "%s: corrupt capture file at byte %zu: event block CRC mismatch (stored "
		   "0x%08x, computed 0x%08x)",
		   cm, at, stored, computed);
	free_recs(&res.got);
	clear_logs();
	replay_file(ne, &res);
	assert_int_equal(res.rc, SK_EOF);
	assert_same(&r, &res.got, r.n);
	assert_int_equal(nlogs[SK_LOG_WARNING], 1);
	free_recs(&res.got);
	free(fb);
	free(b);
	free_recs(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_max_size_records),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_empty_file),
	    cmocka_unit_test(test_short_header),
	    cmocka_unit_test(test_bad_magic),
	    cmocka_unit_test(test_byte_order),
	    cmocka_unit_test(test_major_version),
	    cmocka_unit_test(test_hdr_len),
	    cmocka_unit_test(test_truncated_block_header),
	    cmocka_unit_test(test_truncated_body),
	    cmocka_unit_test(test_crc_mismatch),
	    cmocka_unit_test(test_len_disagrees),
	    cmocka_unit_test(test_evt_check_fails),
	    cmocka_unit_test(test_end_block_checks),
	    cmocka_unit_test(test_missing_end),
	    cmocka_unit_test(test_unknown_block_skipped),
	    cmocka_unit_test(test_trailing_data),
	    cmocka_unit_test(test_fuzz),
	    cmocka_unit_test(test_synth_roundtrip),
	    cmocka_unit_test(test_fixture_small),
	};
	if (getenv("SK_WRITE_FIXTURES") != NULL) {
		const struct CMUnitTest only[] = {cmocka_unit_test(test_fixture_small)};
		return cmocka_run_group_tests_name("replay fixtures", only, group_setup,
						   group_teardown);
	}
	return cmocka_run_group_tests_name("replay", tests, group_setup, group_teardown);
}
