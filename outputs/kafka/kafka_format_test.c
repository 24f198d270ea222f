/* outputs/kafka/kafka_format_test.c - the kafka output's key templates:
 * syntax checks and rendering of built-in names, every value type, NA and
 * missing fields. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kafka.h"

static struct sk_value sv(const char *s)
{
	struct sk_value v = {.type = SK_TYPE_STRING};
	v.str.ptr = s;
	v.str.len = (uint32_t)strlen(s);
	return v;
}

/* An alert with fields sorted by name, as the core hands them out. */
static void make_alert(struct sk_alert *a, struct sk_alert_field *f)
{
	static struct sk_value items[2];
	items[0] = sv("-a");
	items[1] = sv("x y");
	struct sk_value ip4 = {.type = SK_TYPE_IPADDR};
	ip4.ip.family = 4;
	inet_pton(AF_INET, "192.0.2.7", ip4.ip.addr);
	struct sk_value net6 = {.type = SK_TYPE_IPNET};
	net6.ip.family = 6;
	net6.ip.prefix = 32;
	inet_pton(AF_INET6, "2001:db8::", net6.ip.addr);
	f[0] = (struct sk_alert_field){"container.id", sv("3ad7b26ded6d")};
	f[1] = (struct sk_alert_field){"evt.res", {.type = SK_TYPE_I64, .i64 = -13}};
	f[2] = (struct sk_alert_field){"fd.is_dir", {.type = SK_TYPE_BOOL, .b = true}};
	f[3] = (struct sk_alert_field){"fd.net", net6};
	f[4] = (struct sk_alert_field){"fd.sip", ip4};
	f[5] = (struct sk_alert_field){"k8s.ns.name", {.type = SK_TYPE_NONE}};
	f[6] = (struct sk_alert_field){"proc.aname[2]", sv("sshd")};
	f[7] = (struct sk_alert_field){"proc.args", {.type = SK_TYPE_LIST}};
	f[7].value.list.items = items;
	f[7].value.list.n = 2;
	f[8] = (struct sk_alert_field){"proc.pid", {.type = SK_TYPE_U64, .u64 = 4242}};
	*a = (struct sk_alert){
	    .struct_size = sizeof(*a),
	    .priority = SK_PRI_WARNING,
	    .rule = "Write below etc",
	    .source = "syscall",
	    .hostname = "web-1",
	    .uuid = "5f0c6a0e-8d1f-4c55-9f43-1b8f6f1c2d3e",
	    .nfields = 9,
	    .fields = f,
	};
}

static void expect_key(const char *tmpl, const char *want)
{
	struct sk_alert a;
	struct sk_alert_field f[9];
	struct sk_sbuf b = {0};
	make_alert(&a, f);
	char err[256] = "";
	assert_int_equal(kafka_key_check(tmpl, err, sizeof(err)), 0);
	assert_int_equal(kafka_key_render(tmpl, &a, &b), 0);
	assert_string_equal(b.p, want);
	assert_int_equal(b.len, strlen(want));
	sk_sbuf_free(&b);
}

static void test_builtins(void **state)
{
	(void)state;
	expect_key("%rule", "Write below etc");
	expect_key("%source/%priority/%hostname", "syscall/Warning/web-1");
	expect_key("%uuid", "5f0c6a0e-8d1f-4c55-9f43-1b8f6f1c2d3e");
	expect_key("", "");
	expect_key("constant", "constant");
	expect_key("100%% %rule", "100% Write below etc");
}

static void test_fields(void **state)
{
	(void)state;
	expect_key("%container.id", "3ad7b26ded6d");
	expect_key("%proc.pid:%evt.res:%fd.is_dir", "4242:-13:true");
	expect_key("%fd.sip %fd.net", "192.0.2.7 2001:db8::/32");
	expect_key("%proc.args", "-a,x y");
	expect_key("%proc.aname[2]-%rule", "sshd-Write below etc");
	/* NA values and fields the alert does not have. */
	expect_key("%k8s.ns.name", "<NA>");
	expect_key("%container.name|%proc.aname[3]|%a", "<NA>|<NA>|<NA>");
	/* A name ends at the first character that cannot be part of one. */
	expect_key("{%proc.pid}", "{4242}");
}

static void test_render_reuses_buffer(void **state)
{
	(void)state;
	struct sk_alert a;
	struct sk_alert_field f[9];
	struct sk_sbuf b = {0};
	make_alert(&a, f);
	assert_int_equal(kafka_key_render("a long prefix to grow the buffer %rule", &a, &b), 0);
	assert_int_equal(kafka_key_render("%proc.pid", &a, &b), 0);
	assert_string_equal(b.p, "4242");
	sk_sbuf_free(&b);
}

static void test_check_errors(void **state)
{
	(void)state;
	char err[256] = "";
	assert_int_equal(kafka_key_check("abc%", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "offset 3"));
	assert_int_equal(kafka_key_check("% rule", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "must be followed by a field name"));
	assert_int_equal(kafka_key_check("%proc.aname[2", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "without ']'"));
	assert_int_equal(kafka_key_check("%%", err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtins),
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_render_reuses_buffer),
	    cmocka_unit_test(test_check_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
