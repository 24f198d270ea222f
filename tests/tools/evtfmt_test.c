/* tests/tools/evtfmt_test.c - decoding syscall event records from canned
 * byte buffers: every parameter encoding of <shrike/syscall_events.h> (the
 * one the eBPF probe writes) read back to exact text, missing values,
 * drop records and malformed tables.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <shrike/syscall_events.h>

#include "evtfmt.h"

/* A record under construction: params appended in order. */
struct builder {
	union {
		unsigned char b[8192];
		uint64_t align;
	} u;
	unsigned n;
	size_t data;
	uint16_t lens[SK_EVT_MAX_PARAMS];
	unsigned char pay[8000];
};

static void b_init(struct builder *b)
{
	memset(b, 0, sizeof(*b));
}

static void b_add(struct builder *b, const void *p, size_t l)
{
	assert_true(b->n < SK_EVT_MAX_PARAMS);
	assert_true(b->data + l <= sizeof(b->pay));
	memcpy(b->pay + b->data, p, l);
	b->lens[b->n++] = (uint16_t)l;
	b->data += l;
}

static void b_i64(struct builder *b, int64_t v)
{
	b_add(b, &v, 8);
}

static void b_u32(struct builder *b, uint32_t v)
{
	b_add(b, &v, 4);
}

static void b_str(struct builder *b, const char *s)
{
	b_add(b, s, strlen(s) + 1);
}

static void b_na(struct builder *b)
{
	b_add(b, "", 0);
}

static const struct sk_evt_hdr *b_done(struct builder *b, unsigned type)
{
	struct sk_evt_hdr h = {
	    .ts = 1, .tid = 42, .type = (uint16_t)type, .nparams = (uint8_t)b->n};
	size_t off = SK_EVT_HDR_SIZE + 2u * b->n;
	h.len = (uint32_t)(off + b->data);
	memcpy(b->u.b, &h, sizeof(h));
	memcpy(b->u.b + SK_EVT_HDR_SIZE, b->lens, 2u * b->n);
	memcpy(b->u.b + off, b->pay, b->data);
	assert_int_equal(sk_evt_check(b->u.b, h.len), 0);
	return (const struct sk_evt_hdr *)b->u.b;
}

static const char *fmt(const struct sk_evt_hdr *h)
{
	static char line[4096];
	sk_evtfmt(h, line, sizeof(line));
	return line;
}

static void test_openat(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	b_i64(&b, 3);
	b_i64(&b, -100);
	b_str(&b, "/etc/hostname");
	b_u32(&b, 02000000); /* O_CLOEXEC, O_RDONLY */
	b_u32(&b, 0);
	b_u32(&b, 0x803);
	b_i64(&b, 42);
	uint8_t layer = SK_LAYER_UPPER;
	b_add(&b, &layer, 1);
	assert_string_equal(fmt(b_done(&b, SK_SC_OPENAT)),
			    "openat fd=3 dirfd=-100 name=/etc/hostname flags=O_RDONLY|O_CLOEXEC "
			    "mode=0 dev=0x803 ino=42 layer=1");
}

static void test_failed_open_and_na(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	b_i64(&b, -2);
	b_str(&b, "/nope");
	b_u32(&b, 0101 | 01000); /* O_WRONLY|O_CREAT|O_TRUNC */
	b_u32(&b, 0644);
	b_na(&b);
	b_na(&b);
	b_na(&b);
	assert_string_equal(
	    fmt(b_done(&b, SK_SC_OPEN)),
	    "open fd=-2 name=/nope flags=O_TRUNC|O_CREAT|O_WRONLY mode=0644 dev=<NA> "
	    "ino=<NA> layer=<NA>");
	/* res is an errno: its name is shown */
	b_init(&b);
	b_i64(&b, -2);
	b_str(&b, "/x");
	assert_string_equal(fmt(b_done(&b, SK_SC_UNLINK)), "unlink res=-2(ENOENT) path=/x");
}

static void test_connect_ipv4(void **state)
{
	(void)state;
	struct builder b;
	unsigned char tuple[13], sa[7];
	uint32_t lo = htonl(0x7f000001);
	uint16_t sport = 40000, dport = 8080;
	tuple[0] = 2;
	memcpy(tuple + 1, &lo, 4);
	memcpy(tuple + 5, &sport, 2);
	memcpy(tuple + 7, &lo, 4);
	memcpy(tuple + 11, &dport, 2);
	sa[0] = 2;
	memcpy(sa + 1, &lo, 4);
	memcpy(sa + 5, &dport, 2);
	b_init(&b);
	b_i64(&b, 0);
	b_add(&b, tuple, sizeof(tuple));
	b_i64(&b, 5);
	b_add(&b, sa, sizeof(sa));
	assert_string_equal(fmt(b_done(&b, SK_SC_CONNECT)),
			    "connect res=0 tuple=127.0.0.1:40000->127.0.0.1:8080 fd=5 "
			    "addr=127.0.0.1:8080");
}

static void test_ipv6_and_unix(void **state)
{
	(void)state;
	struct builder b;
	unsigned char t6[37] = {10};
	unsigned char one[16] = {0};
	uint16_t p1 = 1234, p2 = 443;
	one[15] = 1;
	memcpy(t6 + 1, one, 16);
	memcpy(t6 + 17, &p1, 2);
	memcpy(t6 + 19, one, 16);
	memcpy(t6 + 35, &p2, 2);
	b_init(&b);
	b_i64(&b, 7);
	b_add(&b, t6, sizeof(t6));
	unsigned char q = 0;
	b_add(&b, &q, 1);
	b_u32(&b, 1);
	b_u32(&b, 128);
	assert_string_equal(fmt(b_done(&b, SK_SC_ACCEPT)),
			    "accept fd=7 tuple=[::1]:1234->[::1]:443 queuepct=0 queuelen=1 "
			    "queuemax=128");

	/* bind to a unix socket path, and an abstract one */
	unsigned char su[16] = {1};
	memcpy(su + 1, "/run/x.sock", 12);
	b_init(&b);
	b_i64(&b, 0);
	b_add(&b, su, 13);
	b_i64(&b, 4);
	assert_string_equal(fmt(b_done(&b, SK_SC_BIND)), "bind res=0 addr=unix:/run/x.sock fd=4");
	unsigned char tu[17 + 6] = {1};
	uint64_t s = 0xffff1, d = 0xffff2;
	memcpy(tu + 1, &s, 8);
	memcpy(tu + 9, &d, 8);
	memcpy(tu + 17, "@abs", 5);
	b_init(&b);
	b_i64(&b, 0);
	b_add(&b, tu, 22);
	b_i64(&b, 4);
	b_na(&b);
	assert_string_equal(fmt(b_done(&b, SK_SC_CONNECT)),
			    "connect res=0 tuple=unix:0xffff1->0xffff2:@abs fd=4 addr=<NA>");
}

static void test_arrays_signals_enums(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	b_i64(&b, 0);
	b_i64(&b, 1234);
	unsigned char sig = 9;
	b_add(&b, &sig, 1);
	assert_string_equal(fmt(b_done(&b, SK_SC_KILL)), "kill res=0 pid=1234 sig=SIGKILL");

	b_init(&b);
	b_i64(&b, 0);
	b_u32(&b, 15); /* PR_SET_NAME */
	b_str(&b, "worker");
	b_na(&b);
	assert_string_equal(fmt(b_done(&b, SK_SC_PRCTL)),
			    "prctl res=0 option=PR_SET_NAME arg2_str=worker arg2_int=<NA>");

	/* a clone record: string arrays, caps in hex, flags */
	b_init(&b);
	b_i64(&b, 0);			      /* res */
	b_str(&b, "/bin/sh");		      /* exe */
	b_add(&b, "-c\0echo hi", 11);	      /* args */
	b_i64(&b, 10);			      /* tid */
	b_i64(&b, 10);			      /* pid */
	b_i64(&b, 1);			      /* ptid */
	b_str(&b, "/");			      /* cwd */
	b_i64(&b, 1024);		      /* fdlimit */
	b_u32(&b, 100);			      /* vm_size */
	b_u32(&b, 50);			      /* vm_rss */
	b_u32(&b, 0);			      /* vm_swap */
	b_str(&b, "sh");		      /* comm */
	b_add(&b, "cpu=/a\0memory=/b", 17);   /* cgroups */
	b_u32(&b, 0x01000000 | 0x00200000);   /* flags */
	b_u32(&b, 0);			      /* uid */
	b_u32(&b, 0);			      /* gid */
	b_i64(&b, 1);			      /* vtid */
	b_i64(&b, 1);			      /* vpid */
	b_na(&b);			      /* pidns_init_start_ts */
	b_u32(&b, 1000);		      /* loginuid */
	b_u32(&b, 0x8801);		      /* tty */
	b_i64(&b, 10);			      /* vpgid */
	b_i64(&b, 10);			      /* pgid */
	b_i64(&b, 10);			      /* sid */
	b_i64(&b, 0);			      /* cap_inheritable */
	b_i64(&b, (int64_t)0x1ffffffffffULL); /* cap_permitted */
	b_i64(&b, (int64_t)0x1ffffffffffULL); /* cap_effective */
	assert_string_equal(
	    fmt(b_done(&b, SK_SC_CLONE)),
	    "clone res=0 exe=/bin/sh args=[-c,echo hi] tid=10 pid=10 ptid=1 cwd=/ fdlimit=1024 "
	    "vm_size=100 vm_rss=50 vm_swap=0 comm=sh cgroups=[cpu=/a,memory=/b] "
	    "flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID uid=0 gid=0 vtid=1 vpid=1 "
	    "pidns_init_start_ts=<NA> loginuid=1000 tty=34817 vpgid=10 pgid=10 sid=10 "
	    "cap_inheritable=0x0 cap_permitted=0x1ffffffffff cap_effective=0x1ffffffffff");
}

static void test_drop_and_unknown(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	b_i64(&b, 77);
	b_u32(&b, 0xffffffffu);
	assert_string_equal(fmt(b_done(&b, SK_EVT_DROP)), "drop lost=77 ring=any");
	b_init(&b);
	b_i64(&b, 5);
	b_u32(&b, 1);
	assert_string_equal(fmt(b_done(&b, SK_EVT_DROP)), "drop lost=5 ring=1");
	/* a capture's state record: who saved it and how much */
	b_init(&b);
	b_add(&b, "syscall", 8);
	b_add(&b, "\x01\x02\x03", 3);
	assert_string_equal(fmt(b_done(&b, SK_EVT_STATE)), "state plugin=syscall bytes=3");
	b_init(&b);
	b_add(&b, "sys", 3);
	b_add(&b, "", 0);
	assert_string_equal(fmt(b_done(&b, SK_EVT_STATE)), "state <malformed>");
	b_init(&b);
	b_add(&b, "\x01\x02", 2);
	assert_string_equal(fmt(b_done(&b, 999)), "type=999 p0=0102");
	/* a record with fewer parameters than the table says */
	b_init(&b);
	b_i64(&b, 0);
	assert_string_equal(fmt(b_done(&b, SK_SC_LINK)),
			    "link <1 parameters, the table has 3> res=0");
	/* a fixed-size parameter of the wrong size */
	b_init(&b);
	b_u32(&b, 0);
	b_i64(&b, 3);
	assert_string_equal(fmt(b_done(&b, SK_SC_CLOSE)), "close res=<bad length 4> fd=3");
}

static void test_cut_output(void **state)
{
	(void)state;
	struct builder b;
	char small[12];
	b_init(&b);
	b_i64(&b, 0);
	b_str(&b, "/a/very/long/path/name");
	size_t n = sk_evtfmt(b_done(&b, SK_SC_RMDIR), small, sizeof(small));
	assert_int_equal(n, sizeof(small) - 1);
	assert_string_equal(small, "rmdir res=0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_openat),
	    cmocka_unit_test(test_failed_open_and_na),
	    cmocka_unit_test(test_connect_ipv4),
	    cmocka_unit_test(test_ipv6_and_unix),
	    cmocka_unit_test(test_arrays_signals_enums),
	    cmocka_unit_test(test_drop_and_unknown),
	    cmocka_unit_test(test_cut_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
