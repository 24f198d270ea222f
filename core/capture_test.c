/* core/capture_test.c - unit tests of the capture file writer (capture.c):
 * the bytes it puts on disk, parsed here by hand against <shrike/capture.h>.
 * Reading capture files back through the replay plugin is tested in
 * sources/replay/replay_test.c.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include <shrike/capture.h>

#include "capture.h"

static char tmpdir[] = "/tmp/capture_test.XXXXXX";
static char path[512];

static int group_setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL) {
		return -1;
	}
	snprintf(path, sizeof(path), "%s/out.scap", tmpdir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(tmpdir);
}

/* A well-formed record of `datalen` parameter bytes split over nparams. */
static struct sk_evt_hdr *make_rec(uint64_t i, unsigned nparams, size_t datalen, int large)
{
	size_t lsz = sk_evt_lens_size((sk_u8)nparams, large ? SK_EVT_F_LARGE : 0);
	size_t len = SK_EVT_HDR_SIZE + lsz + datalen;
	unsigned char *p = malloc(len);
	assert_non_null(p);
	struct sk_evt_hdr h = {.ts = 1000 + i,
			       .tid = 7,
			       .len = (sk_u32)len,
			       .type = (sk_u16)(SK_EVT_SYSCALL_BASE + i % 50),
			       .nparams = (sk_u8)nparams,
			       .flags = large ? SK_EVT_F_LARGE : 0};
	memcpy(p, &h, sizeof(h));
	size_t left = datalen;
	for (unsigned k = 0; k < nparams; k++) {
		size_t l = (k + 1 == nparams) ? left : left / 2;
		left -= l;
		if (large) {
			uint32_t v = (uint32_t)l;
			memcpy(p + SK_EVT_HDR_SIZE + 4 * k, &v, 4);
		} else {
			uint16_t v = (uint16_t)l;
			memcpy(p + SK_EVT_HDR_SIZE + 2 * k, &v, 2);
		}
	}
	for (size_t k = 0; k < datalen; k++) {
		p[SK_EVT_HDR_SIZE + lsz + k] = (unsigned char)(i * 31 + k);
	}
	assert_int_equal(sk_evt_check(p, len), 0);
	return (struct sk_evt_hdr *)(void *)p;
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

/* Walk blocks from offset 64; check each CRC; return the END body. */
static void check_blocks(const unsigned char *b, size_t n, struct sk_evt_hdr **recs, size_t nrecs,
			 uint64_t drops)
{
	size_t off = 64, i = 0;
	for (;;) {
		struct sk_cap_block_hdr bh;
		assert_true(off + sizeof(bh) <= n);
		memcpy(&bh, b + off, sizeof(bh));
		off += sizeof(bh);
		assert_true(off + bh.body_len <= n);
		assert_int_equal(bh.reserved, 0);
		assert_int_equal(bh.crc32, crc_of(b + off, bh.body_len));
		if (bh.type == SK_CAP_BLOCK_END) {
			struct sk_cap_end e;
			assert_int_equal(bh.body_len, sizeof(e));
			memcpy(&e, b + off, sizeof(e));
			assert_int_equal(e.events, nrecs);
			assert_int_equal(e.drops, drops);
			off += bh.body_len;
			break;
		}
		assert_int_equal(bh.type, SK_CAP_BLOCK_EVENT);
		assert_true(i < nrecs);
		assert_int_equal(bh.body_len, recs[i]->len);
		assert_memory_equal(b + off, recs[i], recs[i]->len);
		off += bh.body_len;
		i++;
	}
	assert_int_equal(i, nrecs);
	assert_int_equal(off, n); /* END is the last block */
}

static void test_header_and_empty(void **state)
{
	(void)state;
	struct sk_capture *c = NULL;
	char err[256] = "";
	struct timespec t0;
	clock_gettime(CLOCK_REALTIME, &t0);
	uint64_t before = (uint64_t)t0.tv_sec * 1000000000u + (uint64_t)t0.tv_nsec;

	assert_int_equal(sk_capture_open(path, "testhost", &c, err, sizeof(err)), 0);
	assert_non_null(c);
	assert_int_equal(sk_capture_count(c), 0);
	assert_string_equal(sk_capture_error(c), "");
	assert_int_equal(sk_capture_close(c, 7), 0);

	size_t n;
	unsigned char *b = slurp(path, &n);
	assert_int_equal(n, 64 + 16 + 16);
	struct sk_cap_file_hdr h;
	memcpy(&h, b, sizeof(h));
	assert_memory_equal(h.magic, "SHRIKECP", 8);
	assert_int_equal(h.byte_order, SK_CAP_BYTE_ORDER);
	assert_int_equal(h.version_major, 1);
	assert_int_equal(h.version_minor, 0);
	assert_int_equal(h.hdr_len, 64);
	assert_int_equal(h.flags, 0);
	assert_true(h.created_ns >= before);
	assert_true(h.created_ns < before + 60ull * 1000000000u);
	char want_host[32] = "testhost"; /* NUL-padded */
	assert_memory_equal(h.hostname, want_host, sizeof(want_host));
	check_blocks(b, n, NULL, 0, 7);
	free(b);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_long_hostname(void **state)
{
	(void)state;
	struct sk_capture *c = NULL;
	char err[256] = "";
	const char *host = "a-very-long-hostname.example.internal.cluster.local";
	assert_int_equal(sk_capture_open(path, host, &c, err, sizeof(err)), 0);
	assert_int_equal(sk_capture_close(c, 0), 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	struct sk_cap_file_hdr h;
	memcpy(&h, b, sizeof(h));
	assert_memory_equal(h.hostname, host, 31);
	assert_int_equal(h.hostname[31], '\0');
	free(b);
}

/* Many records of many sizes, some larger than the 256 KiB buffer. */
static void test_records_byte_for_byte(void **state)
{
	(void)state;
	enum { N = 3000 };
	struct sk_evt_hdr **recs = calloc(N, sizeof(*recs));
	assert_non_null(recs);
	for (size_t i = 0; i < N; i++) {
		if (i == 1500) {
			recs[i] = make_rec(i, 2, SK_EVT_MAX_LEN - SK_EVT_HDR_SIZE - 8, 1);
		} else if (i % 700 == 5) {
			recs[i] = make_rec(i, 2, 300 * 1024 + i, 1); /* > buffer */
		} else if (i % 97 == 0) {
			recs[i] = make_rec(i, 0, 0, 0);
		} else {
			recs[i] = make_rec(i, 1 + i % 5, (i * 37) % 2000, 0);
		}
	}
	struct sk_capture *c = NULL;
	char err[256] = "";
	assert_int_equal(sk_capture_open(path, "h", &c, err, sizeof(err)), 0);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(sk_capture_write(c, recs[i]), 0);
	}
	assert_int_equal(sk_capture_count(c), N);
	assert_int_equal(sk_capture_close(c, 42), 0);

	size_t n;
	unsigned char *b = slurp(path, &n);
	check_blocks(b, n, recs, N, 42);
	free(b);
	for (size_t i = 0; i < N; i++) {
		free(recs[i]);
	}
	free(recs);
}

static void test_bad_record_len(void **state)
{
	(void)state;
	struct sk_capture *c = NULL;
	char err[256] = "";
	assert_int_equal(sk_capture_open(path, "h", &c, err, sizeof(err)), 0);
	struct sk_evt_hdr h = {.len = 10};
	assert_int_equal(sk_capture_write(c, &h), -EINVAL);
	h.len = SK_EVT_MAX_LEN + 1;
	assert_int_equal(sk_capture_write(c, &h), -EINVAL);
	assert_int_equal(sk_capture_count(c), 0);
	assert_int_equal(sk_capture_close(c, 0), 0);
	size_t n;
	unsigned char *b = slurp(path, &n);
	check_blocks(b, n, NULL, 0, 0);
	free(b);
}

static void test_open_errors(void **state)
{
	(void)state;
	struct sk_capture *c = (struct sk_capture *)(uintptr_t)1;
	char err[256] = "";
	char bad[600];
	snprintf(bad, sizeof(bad), "%s/no/such/dir/x.scap", tmpdir);
	assert_int_equal(sk_capture_open(bad, "h", &c, err, sizeof(err)), -ENOENT);
	assert_null(c);
	char want[700];
	snprintf(want, sizeof(want), "%s: cannot create capture file: No such file or directory",
		 bad);
	assert_string_equal(err, want);

	if (access("/dev/full", W_OK) == 0) {
		assert_int_equal(sk_capture_open("/dev/full", "h", &c, err, sizeof(err)), -ENOSPC);
		assert_string_equal(
		    err, "/dev/full: cannot create capture file: No space left on device");
	}
	assert_int_equal(sk_capture_close(NULL, 0), 0);
	assert_int_equal(sk_capture_count(NULL), 0);
}

/* A write failure (file size limit) is reported with the file name, sticks,
 * and close() still releases everything. */
static void test_write_error(void **state)
{
	(void)state;
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
	struct sk_capture *c = NULL;
	char err[256] = "";
	assert_int_equal(sk_capture_open(path, "h", &c, err, sizeof(err)), 0);
	lim = old;
	lim.rlim_cur = 100 * 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);

	struct sk_evt_hdr *r = make_rec(1, 2, 4000, 0);
	int rc = 0;
	for (int i = 0; i < 1000 && rc == 0; i++) {
		rc = sk_capture_write(c, r);
	}
	assert_int_equal(rc, -EFBIG);
	char want[700];
	snprintf(want, sizeof(want), "%s: cannot write capture file: File too large", path);
	assert_string_equal(sk_capture_error(c), want);
	assert_int_equal(sk_capture_write(c, r), -EFBIG); /* sticky */
	assert_int_equal(sk_capture_close(c, 0), -EFBIG);

	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_and_empty),	  cmocka_unit_test(test_long_hostname),
	    cmocka_unit_test(test_records_byte_for_byte), cmocka_unit_test(test_bad_record_len),
	    cmocka_unit_test(test_open_errors),		  cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests_name("capture", tests, group_setup, group_teardown);
}
