/* core/alert_fmt_test.c - golden tests of Falco-shaped JSON alerts and text
 * lines (sk_alert_format), priority names and parsing. */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "outputs.h"

#define T0 (1795341600ull * 1000000000ull + 123456789ull) /* 2026-11-22T10:00:00.123456789Z */

static const struct sk_format_opts falco_defaults = {
    .json_output = true,
    .json_include_output_property = true,
    .json_include_output_fields_property = true,
    .json_include_tags_property = true,
    .hostname = "host1",
};

static struct sk_value str(const char *s)
{
	struct sk_value v = {.type = SK_TYPE_STRING};
	v.str.ptr = s;
	v.str.len = (uint32_t)strlen(s);
	return v;
}

static struct sk_value ip4(const char *text, uint8_t prefix, uint32_t type)
{
	struct sk_value v = {.type = type};
	v.ip.family = 4;
	v.ip.prefix = prefix;
	inet_pton(AF_INET, text, v.ip.addr);
	return v;
}

static struct sk_value ip6(const char *text)
{
	struct sk_value v = {.type = SK_TYPE_IPADDR};
	v.ip.family = 6;
	v.ip.prefix = 128;
	inet_pton(AF_INET6, text, v.ip.addr);
	return v;
}

static void format(const struct sk_alert *a, const struct sk_format_opts *o, char **json,
		   char **text)
{
	assert_int_equal(sk_alert_format(a, o, json, text), 0);
	assert_non_null(*json);
	assert_non_null(*text);
}

static int setup_utc(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

/* Every value type, NA, a list, key order, escaping, all properties on. */
static void test_every_type(void **state)
{
	static const struct sk_value args[] = {
	    {.type = SK_TYPE_STRING, .str = {.ptr = "-c", .len = 2}},
	    {.type = SK_TYPE_STRING, .str = {.ptr = "ls /", .len = 4}},
	};
	struct sk_value list = {.type = SK_TYPE_LIST};
	list.list.items = args;
	list.list.n = 2;
	struct sk_value bytes = {.type = SK_TYPE_BYTES};
	bytes.str.ptr = "a\0b";
	bytes.str.len = 3;
	struct sk_alert_field fields[] = {
	    {"user.name", str("ro\"ot/x\n")},
	    {"proc.pid", {.type = SK_TYPE_U64, .u64 = 1234}},
	    {"evt.res", {.type = SK_TYPE_I64, .i64 = -2}},
	    {"fd.is_dir", {.type = SK_TYPE_BOOL, .b = true}},
	    {"fd.sip", ip4("10.0.0.1", 32, SK_TYPE_IPADDR)},
	    {"fd.net", ip4("192.168.0.0", 16, SK_TYPE_IPNET)},
	    {"fd.cip", ip6("2001:db8::1")},
	    {"proc.aname[2]", str("sshd")},
	    {"container.id", {.type = SK_TYPE_NONE}},
	    {"proc.args", list},
	    {"evt.rawtime", {.type = SK_TYPE_ABSTIME, .u64 = T0}},
	    {"evt.latency", {.type = SK_TYPE_RELTIME, .u64 = 1500}},
	    {"fd.sport", {.type = SK_TYPE_PORT, .u64 = 443}},
	    {"evt.buffer", bytes},
	    {"proc.vpid", {.type = SK_TYPE_U64, .u64 = UINT64_MAX}},
	};
	const char *tags[] = {"mitre_persistence", "filesystem", "host"};
	struct sk_alert a = {
	    .struct_size = sizeof(a),
	    .priority = SK_PRI_WARNING,
	    .time_ns = T0,
	    .rule = "Write below etc",
	    .source = "syscall",
	    .message = "File below /etc opened (user=root)",
	    .uuid = "0b8d5c3e-8f4a-4c2b-9a51-3f0e6c1d2b7a",
	    .tags = tags,
	    .ntags = 3,
	    .fields = fields,
	    .nfields = sizeof(fields) / sizeof(fields[0]),
	};
	struct sk_format_opts o = falco_defaults;
	o.json_include_message_property = true;
	o.json_include_uuid_property = true;
	char *json, *text;
	format(&a, &o, &json, &text);
	assert_string_equal(
	    json, "{\"hostname\":\"host1\","
		  "\"message\":\"File below /etc opened (user=root)\","
		  "\"output\":\"10:00:00.123456789: Warning File below /etc opened (user=root)\","
		  "\"output_fields\":{\"container.id\":null,\"evt.buffer\":\"a\\u0000b\","
		  "\"evt.latency\":1500,\"evt.rawtime\":1795341600123456789,\"evt.res\":-2,"
		  "\"evt.time\":1795341600123456789,\"fd.cip\":\"2001:db8::1\","
		  "\"fd.is_dir\":true,\"fd.net\":\"192.168.0.0/16\",\"fd.sip\":\"10.0.0.1\","
		  "\"fd.sport\":443,\"proc.aname[2]\":\"sshd\",\"proc.args\":[\"-c\",\"ls /\"],"
		  "\"proc.pid\":1234,\"proc.vpid\":18446744073709551615,"
		  "\"user.name\":\"ro\\\"ot/x\\n\"},"
		  "\"priority\":\"Warning\",\"rule\":\"Write below etc\",\"source\":\"syscall\","
		  "\"tags\":[\"filesystem\",\"host\",\"mitre_persistence\"],"
		  "\"time\":\"2026-11-22T10:00:00.123456789Z\","
		  "\"uuid\":\"0b8d5c3e-8f4a-4c2b-9a51-3f0e6c1d2b7a\"}");
	assert_string_equal(text, "10:00:00.123456789: Warning File below /etc opened (user=root)");
	free(json);
	free(text);
}

/* Falco's defaults: no message, no uuid; empty fields still carry evt.time. */
static void test_falco_defaults(void **state)
{
	struct sk_alert a = {
	    .priority = SK_PRI_INFORMATIONAL,
	    .time_ns = 1795341600ull * 1000000000ull, /* ns = 0 */
	    .rule = "Test rule 1",
	    .source = "k8s_audit",
	    .message = "hello",
	};
	char *json, *text;
	format(&a, &falco_defaults, &json, &text);
	assert_string_equal(json, "{\"hostname\":\"host1\","
				  "\"output\":\"10:00:00.000000000: Informational hello\","
				  "\"output_fields\":{\"evt.time\":1795341600000000000},"
				  "\"priority\":\"Informational\",\"rule\":\"Test rule 1\","
				  "\"source\":\"k8s_audit\",\"tags\":[],"
				  "\"time\":\"2026-11-22T10:00:00.000000000Z\"}");
	assert_string_equal(text, "10:00:00.000000000: Informational hello");
	free(json);
	free(text);
}

/* Every json_include_* off: only the fixed keys remain. */
static void test_toggles_off(void **state)
{
	struct sk_alert_field f = {"proc.name", str("sh")};
	const char *tags[] = {"a"};
	struct sk_alert a = {
	    .priority = SK_PRI_CRITICAL,
	    .time_ns = T0,
	    .rule = "R",
	    .source = "syscall",
	    .message = "m",
	    .uuid = "u",
	    .tags = tags,
	    .ntags = 1,
	    .fields = &f,
	    .nfields = 1,
	};
	struct sk_format_opts o = {.json_output = true, .hostname = "h"};
	char *json, *text;
	format(&a, &o, &json, &text);
	assert_string_equal(json, "{\"hostname\":\"h\",\"priority\":\"Critical\",\"rule\":\"R\","
				  "\"source\":\"syscall\","
				  "\"time\":\"2026-11-22T10:00:00.123456789Z\"}");
	assert_string_equal(text, "10:00:00.123456789: Critical m");
	free(json);
	free(text);
}

/* time_format_iso_8601: the text prefix is UTC ISO 8601 with +0000 and the
 * prefix field in output_fields is evt.time.iso8601; "time" is unchanged. A
 * rule field named like the prefix field is replaced by the event time. */
static void test_iso8601_mode(void **state)
{
	struct sk_alert_field fields[] = {
	    {"evt.time.iso8601", str("overridden")},
	    {"a.b", {.type = SK_TYPE_BOOL, .b = false}},
	    {"evt.time", str("kept: not the prefix field in this mode")},
	};
	struct sk_alert a = {
	    .priority = SK_PRI_ERROR,
	    .time_ns = T0,
	    .rule = "R",
	    .source = "syscall",
	    .message = "x",
	    .fields = fields,
	    .nfields = 3,
	};
	struct sk_format_opts o = falco_defaults;
	o.time_format_iso_8601 = true;
	o.json_include_tags_property = false;
	char *json, *text;
	setenv("TZ", "CET-1", 1);
	tzset();
	format(&a, &o, &json, &text);
	setup_utc(NULL);
	assert_string_equal(text, "2026-11-22T10:00:00.123456789+0000: Error x");
	assert_string_equal(json, "{\"hostname\":\"host1\","
				  "\"output\":\"2026-11-22T10:00:00.123456789+0000: Error x\","
				  "\"output_fields\":{\"a.b\":false,"
				  "\"evt.time\":\"kept: not the prefix field in this mode\","
				  "\"evt.time.iso8601\":1795341600123456789},"
				  "\"priority\":\"Error\",\"rule\":\"R\",\"source\":\"syscall\","
				  "\"time\":\"2026-11-22T10:00:00.123456789Z\"}");
	free(json);
	free(text);
}

/* Text lines use local time (like Falco's %evt.time); JSON "time" is UTC. */
static void test_local_time_text(void **state)
{
	struct sk_alert a = {.priority = SK_PRI_NOTICE, .time_ns = T0, .message = "m"};
	struct sk_format_opts o = {.json_output = false, .hostname = "h"};
	char *json, *text;
	setenv("TZ", "CET-1", 1);
	tzset();
	format(&a, &o, &json, &text);
	setup_utc(NULL);
	assert_string_equal(text, "11:00:00.123456789: Notice m");
	assert_non_null(strstr(json, "\"time\":\"2026-11-22T10:00:00.123456789Z\""));
	free(json);
	free(text);
}

/* Duplicated tags collapse (a set), NULL strings become "", duplicate field
 * names keep the last value, invalid UTF-8 becomes U+FFFD. */
static void test_oddities(void **state)
{
	const char *tags[] = {"b", "a", "b", NULL};
	struct sk_alert_field fields[] = {
	    {"x", str("first")},
	    {"x", str("second")},
	    {"u", str("ok \xc3\xa9 bad \xff end \xe2\x82")},
	};
	struct sk_alert a = {
	    .priority = SK_PRI_DEBUG,
	    .time_ns = T0,
	    .tags = tags,
	    .ntags = 4,
	    .fields = fields,
	    .nfields = 3,
	};
	struct sk_format_opts o = falco_defaults;
	o.json_include_output_property = false;
	o.hostname = NULL;
	char *json, *text;
	format(&a, &o, &json, &text);
	assert_string_equal(json,
			    "{\"hostname\":\"\","
			    "\"output_fields\":{\"evt.time\":1795341600123456789,"
			    "\"u\":\"ok \xc3\xa9 bad \xef\xbf\xbd end \xef\xbf\xbd\","
			    "\"x\":\"second\"},"
			    "\"priority\":\"Debug\",\"rule\":\"\",\"source\":\"\","
			    "\"tags\":[\"a\",\"b\"],"
			    "\"time\":\"2026-11-22T10:00:00.123456789Z\"}");
	assert_string_equal(text, "10:00:00.123456789: Debug ");
	free(json);
	free(text);
}

/* The text line is the inside of a JSON string, as Falco (engine 0.63)
 * writes it: a newline in a command line cannot start a forged alert line;
 * quotes and backslashes are escaped, other control characters become
 * \u00XX, invalid UTF-8 one U+FFFD per broken piece. The JSON "output"
 * holds the line itself, escaped once by the JSON encoding. */
static void test_text_escaping(void **state)
{
	struct sk_alert a = {
	    .priority = SK_PRI_WARNING,
	    .time_ns = T0,
	    .message = "cmd=\"sh -c x\"\n10:00:00.000000000: Critical forged\tt\x01 \\ "
		       "\xc3\xa9\xed\xa0\x80z",
	};
	struct sk_format_opts o = falco_defaults;
	o.json_include_output_property = true;
	char *json, *text;
	format(&a, &o, &json, &text);
	assert_string_equal(text, "10:00:00.123456789: Warning cmd=\\\"sh -c x\\\"\\n10:00:00."
				  "000000000: Critical forged\\tt\\u0001 \\\\ \xc3\xa9"
				  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz");
	assert_null(strchr(text, '\n'));
	/* in JSON the line is escaped once, by the encoder */
	assert_non_null(strstr(json, "\"output\":\"10:00:00.123456789: Warning cmd=\\\"sh -c "
				     "x\\\"\\n10:00:00.000000000: Critical forged\\tt\\u0001 \\\\ "));
	free(json);
	free(text);
}

static void test_priority_names(void **state)
{
	static const char *const names[] = {"Emergency", "Alert",  "Critical",	    "Error",
					    "Warning",	 "Notice", "Informational", "Debug"};
	for (int i = 0; i < 8; i++) {
		assert_string_equal(sk_alert_priority_name(i), names[i]);
		assert_int_equal(sk_alert_priority_parse(names[i]), i);
	}
	assert_string_equal(sk_alert_priority_name(8), "Unknown");
	assert_string_equal(sk_alert_priority_name(-1), "Unknown");
	assert_int_equal(sk_alert_priority_parse("informational"), SK_PRI_INFORMATIONAL);
	assert_int_equal(sk_alert_priority_parse("info"), SK_PRI_INFORMATIONAL);
	assert_int_equal(sk_alert_priority_parse("WARNING"), SK_PRI_WARNING);
	assert_int_equal(sk_alert_priority_parse("warn"), SK_PRI_WARNING);
	assert_int_equal(sk_alert_priority_parse("emerg"), SK_PRI_EMERGENCY);
	assert_int_equal(sk_alert_priority_parse("crit"), SK_PRI_CRITICAL);
	assert_int_equal(sk_alert_priority_parse("err"), SK_PRI_ERROR);
	assert_int_equal(sk_alert_priority_parse("bogus"), -1);
	assert_int_equal(sk_alert_priority_parse(""), -1);
	assert_int_equal(sk_alert_priority_parse(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_type),	    cmocka_unit_test(test_falco_defaults),
	    cmocka_unit_test(test_toggles_off),	    cmocka_unit_test(test_iso8601_mode),
	    cmocka_unit_test(test_local_time_text), cmocka_unit_test(test_oddities),
	    cmocka_unit_test(test_priority_names), cmocka_unit_test(test_text_escaping),
	};
	return cmocka_run_group_tests(tests, setup_utc, NULL);
}
