/* outputs/syslog/syslog_format_test.c - unit tests of the syslog output's
 * pure parts: RFC 5424 / RFC 3164 / local headers (priority, time, cleaned
 * host name and ident), octet-counting prefix, facility names, and the
 * configuration checks (addresses, ident, format per transport). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "syslog_conf.h"
#include "syslog_format.h"

#define T_2026_11_22_10_00 1795341600ull /* 2026-11-22T10:00:00Z */
#define T_2026_11_02_03_04 1793588645ull /* 2026-11-02T03:04:05Z */

static void test_rfc5424(void **state)
{
	char buf[SYSLOG_HDR_MAX];
	struct syslog_hdr h = {.fmt = SYSLOG_FMT_5424,
			       .facility = 1,
			       .hostname = "web-1",
			       .ident = "shrike",
			       .pid = 42};
	size_t n = syslog_fmt_header(buf, &h, 4, T_2026_11_22_10_00 * 1000000000ull + 123456789);
	assert_string_equal(buf, "<12>1 2026-11-22T10:00:00.123456Z web-1 shrike 42 - - ");
	assert_int_equal(n, strlen(buf));
	h.facility = 23; /* local7 */
	syslog_fmt_header(buf, &h, 0, T_2026_11_22_10_00 * 1000000000ull);
	assert_string_equal(buf, "<184>1 2026-11-22T10:00:00.000000Z web-1 shrike 42 - - ");
}

static void test_rfc3164_and_local(void **state)
{
	char buf[SYSLOG_HDR_MAX];
	struct syslog_hdr h = {.fmt = SYSLOG_FMT_3164,
			       .facility = 3,
			       .hostname = "web-1",
			       .ident = "shrike",
			       .pid = 7};
	syslog_fmt_header(buf, &h, 4, T_2026_11_22_10_00 * 1000000000ull + 999999999);
	assert_string_equal(buf, "<28>Nov 22 10:00:00 web-1 shrike[7]: ");
	h.fmt = SYSLOG_FMT_LOCAL; /* what syslog(3) writes to /dev/log: no host */
	h.facility = 16;
	syslog_fmt_header(buf, &h, 6, T_2026_11_02_03_04 * 1000000000ull);
	assert_string_equal(buf, "<134>Nov  2 03:04:05 shrike[7]: ");
}

static void test_severity_clamped(void **state)
{
	char buf[SYSLOG_HDR_MAX];
	struct syslog_hdr h = {.fmt = SYSLOG_FMT_LOCAL, .facility = 1, .ident = "x", .pid = 1};
	syslog_fmt_header(buf, &h, 9, T_2026_11_22_10_00 * 1000000000ull);
	assert_memory_equal(buf, "<15>", 4);
	syslog_fmt_header(buf, &h, -3, T_2026_11_22_10_00 * 1000000000ull);
	assert_memory_equal(buf, "<8>", 3);
	h.facility = 99; /* out of range: user */
	syslog_fmt_header(buf, &h, 3, T_2026_11_22_10_00 * 1000000000ull);
	assert_memory_equal(buf, "<11>", 4);
}

static void test_tokens_cleaned(void **state)
{
	char buf[SYSLOG_HDR_MAX];
	char longhost[400];
	memset(longhost, 'h', sizeof(longhost) - 1);
	longhost[sizeof(longhost) - 1] = '\0';
	struct syslog_hdr h = {.fmt = SYSLOG_FMT_5424,
			       .facility = 1,
			       .hostname = "a b\tc\xc3\xa9",
			       .ident = "",
			       .pid = 1};
	syslog_fmt_header(buf, &h, 6, T_2026_11_22_10_00 * 1000000000ull);
	assert_string_equal(buf, "<14>1 2026-11-22T10:00:00.000000Z a_b_c__ - 1 - - ");
	h.hostname = longhost;
	h.ident = "a:b[c]";
	size_t n = syslog_fmt_header(buf, &h, 6, T_2026_11_22_10_00 * 1000000000ull);
	/* 255 bytes of host name at most; ':' and '[' are fine in APP-NAME */
	assert_int_equal(n, strlen("<14>1 2026-11-22T10:00:00.000000Z ") + 255 +
				strlen(" a:b[c] 1 - - "));
	h.fmt = SYSLOG_FMT_3164;
	h.hostname = NULL;
	syslog_fmt_header(buf, &h, 6, T_2026_11_22_10_00 * 1000000000ull);
	assert_non_null(strstr(buf, " - a_b_c_[1]: "));
}

static void test_octet_prefix_and_facilities(void **state)
{
	char p[24];
	assert_int_equal(syslog_fmt_octet_prefix(p, 123), 4);
	assert_string_equal(p, "123 ");
	assert_int_equal(syslog_fmt_octet_prefix(p, 0), 2);
	assert_int_equal(syslog_fmt_facility_code("kern"), 0);
	assert_int_equal(syslog_fmt_facility_code("user"), 1);
	assert_int_equal(syslog_fmt_facility_code("daemon"), 3);
	assert_int_equal(syslog_fmt_facility_code("authpriv"), 10);
	assert_int_equal(syslog_fmt_facility_code("ftp"), 11);
	assert_int_equal(syslog_fmt_facility_code("local0"), 16);
	assert_int_equal(syslog_fmt_facility_code("local7"), 23);
	assert_int_equal(syslog_fmt_facility_code("nope"), -1);
}

/* ---- configuration ------------------------------------------------------ */

static int check(const char *address, int format, const char *ident, struct syslog_target *t,
		 char *err, size_t errlen)
{
	struct syslog_conf c = {.ident = (char *)ident,
				.facility = 3,
				.address = (char *)address,
				.format = format,
				.hostname = "",
				.timeout_ms = 0};
	err[0] = '\0';
	return syslog_conf_check(&c, t, err, errlen);
}

static void test_conf_addresses(void **state)
{
	struct syslog_target t;
	char err[512];
	assert_int_equal(check("", 0, "shrike", &t, err, sizeof(err)), 0);
	assert_int_equal(t.transport, SYSLOG_UNIX);
	assert_string_equal(t.path, "/dev/log");
	assert_int_equal(t.fmt, SYSLOG_FMT_LOCAL);
	assert_int_equal(t.facility, 3); /* "daemon" is index 3 and code 3 */
	assert_int_equal(t.timeout_ms, 5000);

	assert_int_equal(check("unix:///run/x.sock", 2, "shrike", &t, err, sizeof(err)), 0);
	assert_string_equal(t.path, "/run/x.sock");
	assert_int_equal(t.fmt, SYSLOG_FMT_LOCAL); /* rfc3164 on a local socket */
	assert_int_equal(check("unix:///run/x.sock", 1, "shrike", &t, err, sizeof(err)), 0);
	assert_int_equal(t.fmt, SYSLOG_FMT_5424);

	assert_int_equal(check("udp://collector", 0, "shrike", &t, err, sizeof(err)), 0);
	assert_int_equal(t.transport, SYSLOG_UDP);
	assert_string_equal(t.host, "collector");
	assert_string_equal(t.port, "514");
	assert_int_equal(t.fmt, SYSLOG_FMT_5424);
	assert_int_equal(check("tcp://[::1]:6514", 2, "shrike", &t, err, sizeof(err)), 0);
	assert_int_equal(t.transport, SYSLOG_TCP);
	assert_string_equal(t.host, "::1");
	assert_string_equal(t.port, "6514");
	assert_int_equal(t.fmt, SYSLOG_FMT_3164);
	assert_int_equal(check("tcp://10.0.0.1:601", 0, "shrike", &t, err, sizeof(err)), 0);
	assert_string_equal(t.host, "10.0.0.1");
	assert_string_equal(t.port, "601");
}

static void test_conf_errors(void **state)
{
	struct syslog_target t;
	char err[512];
	assert_int_equal(check("http://x", 0, "shrike", &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "address: expected \"\" (local syslog), unix:///path"));
	assert_int_equal(check("unix://relative", 0, "shrike", &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "three slashes"));
	assert_int_equal(check("udp://host:0", 0, "shrike", &t, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "address: port must be 1..65535, got '0'");
	assert_int_equal(check("udp://host:70000", 0, "shrike", &t, err, sizeof(err)), -EINVAL);
	assert_int_equal(check("tcp://host:x", 0, "shrike", &t, err, sizeof(err)), -EINVAL);
	assert_int_equal(check("tcp://::1:514", 0, "shrike", &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "in brackets"));
	assert_int_equal(check("tcp://[::1", 0, "shrike", &t, err, sizeof(err)), -EINVAL);
	assert_int_equal(check("tcp://", 0, "shrike", &t, err, sizeof(err)), -EINVAL);
	assert_int_equal(check("tcp://h/x", 0, "shrike", &t, err, sizeof(err)), -EINVAL);
	assert_int_equal(check("", 0, "my app", &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ident: expected 1 to 48 printable characters"));
	assert_int_equal(check("", 0, "a:b", &t, err, sizeof(err)), -EINVAL);
	assert_int_equal(check("", 0, "", &t, err, sizeof(err)), -EINVAL);
	struct syslog_conf c = {.ident = "x", .address = "", .hostname = "bad host"};
	assert_int_equal(syslog_conf_check(&c, &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "hostname:"));
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc5424),
	    cmocka_unit_test(test_rfc3164_and_local),
	    cmocka_unit_test(test_severity_clamped),
	    cmocka_unit_test(test_tokens_cleaned),
	    cmocka_unit_test(test_octet_prefix_and_facilities),
	    cmocka_unit_test(test_conf_addresses),
	    cmocka_unit_test(test_conf_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
