/* core/lib/timefmt_test.c - unit tests of timestamp rendering: RFC 3339
 * edge cases (ns = 0, end of year, leap day), clock and ISO 8601 prefixes. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "lib/timefmt.h"

#define NS 1000000000ull

static void test_rfc3339_epoch(void **state)
{
	char buf[SK_TIMEFMT_RFC3339_LEN];
	assert_int_equal(sk_timefmt_rfc3339(0, buf, sizeof(buf)), 30);
	assert_string_equal(buf, "1970-01-01T00:00:00.000000000Z");
}

static void test_rfc3339_ns(void **state)
{
	char buf[SK_TIMEFMT_RFC3339_LEN];
	sk_timefmt_rfc3339(1795341600ull * NS + 123456789, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-22T10:00:00.123456789Z");
	/* ns = 0 still prints nine digits */
	sk_timefmt_rfc3339(1795341600ull * NS, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-22T10:00:00.000000000Z");
	sk_timefmt_rfc3339(1795341600ull * NS + 1, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-22T10:00:00.000000001Z");
}

static void test_rfc3339_year_end(void **state)
{
	char buf[SK_TIMEFMT_RFC3339_LEN];
	uint64_t last = 1798761599ull * NS + 999999999;
	sk_timefmt_rfc3339(last, buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-31T23:59:59.999999999Z");
	sk_timefmt_rfc3339(last + 1, buf, sizeof(buf));
	assert_string_equal(buf, "2027-01-01T00:00:00.000000000Z");
	sk_timefmt_rfc3339(1709208000ull * NS + 500000000, buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-29T12:00:00.500000000Z");
}

static void test_rfc3339_small_buffer(void **state)
{
	char buf[30]; /* one short */
	assert_int_equal(sk_timefmt_rfc3339(0, buf, sizeof(buf)), -ENOSPC);
	assert_string_equal(buf, "");
}

static void test_clock_utc_and_local(void **state)
{
	char buf[SK_TIMEFMT_CLOCK_LEN];
	uint64_t t = 1795341600ull * NS + 123456789;
	assert_int_equal(sk_timefmt_clock(t, 0, buf, sizeof(buf)), 18);
	assert_string_equal(buf, "10:00:00.123456789");

	setenv("TZ", "UTC", 1);
	tzset();
	sk_timefmt_clock(t, 1, buf, sizeof(buf));
	assert_string_equal(buf, "10:00:00.123456789");
	/* POSIX TZ: "CET-1" is one hour east of UTC, no DST rule */
	setenv("TZ", "CET-1", 1);
	tzset();
	sk_timefmt_clock(t, 1, buf, sizeof(buf));
	assert_string_equal(buf, "11:00:00.123456789");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_iso8601(void **state)
{
	char buf[SK_TIMEFMT_ISO8601_LEN];
	setenv("TZ", "CET-1", 1); /* never local */
	tzset();
	assert_int_equal(sk_timefmt_iso8601(1795341600ull * NS + 42, buf, sizeof(buf)), 34);
	assert_string_equal(buf, "2026-11-22T10:00:00.000000042+0000");
	setenv("TZ", "UTC", 1);
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc3339_epoch),	cmocka_unit_test(test_rfc3339_ns),
	    cmocka_unit_test(test_rfc3339_year_end),	cmocka_unit_test(test_rfc3339_small_buffer),
	    cmocka_unit_test(test_clock_utc_and_local), cmocka_unit_test(test_iso8601),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
