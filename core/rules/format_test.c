/* core/rules/format_test.c - table-driven tests of rule output strings:
 * where a %field name ends, arguments, %(field), <NA>, literal percent
 * signs, typed output fields, and compile errors with their offsets. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "rules/format.h"
#include "rules/test_extractor.h"

static struct sk_fields *fields;
static struct tx_event ev;
static struct sk_rule_fmt_buf *buf;

static int setup(void **state)
{
	char err[256];
	fields = sk_fields_create();
	assert_non_null(fields);
	assert_int_equal(sk_fields_add_plugin(fields, &tx_plugin, NULL, err, sizeof(err)), 0);
	buf = sk_rule_fmt_buf_create();
	assert_non_null(buf);
	tx_event_init(&ev, TX_EVT_OPEN);
	ev.proc_name = "bash";
	ev.proc_exe = "/usr/bin/bash";
	ev.fd_name = "/etc/shadow";
	ev.aname[1] = "sshd";
	ev.env_keys[0] = "HOME";
	ev.env_vals[0] = "/root";
	ev.arg_names[0] = "flags";
	ev.arg_vals[0] = "O_RDONLY";
	ev.has_pid = ev.has_rawres = ev.has_sport = ev.has_net = ev.has_buf = true;
	ev.pid = -5;
	ev.rawres = 3;
	ev.sport = 8080;
	ev.net.family = 6;
	ev.net.prefix = 64;
	inet_pton(AF_INET6, "fd00::", ev.net.addr);
	ev.buf = "ab\x01\xff";
	ev.buflen = 4;
	ev.latency = 1500;
	return 0;
}

static int teardown(void **state)
{
	sk_rule_fmt_buf_destroy(buf);
	sk_fields_destroy(fields);
	return 0;
}

struct fcase {
	const char *out;
	const char *msg;
	size_t nfields;
};

static const struct fcase cases[] = {
    {"plain text", "plain text", 0},
    {"", "", 0},
    {"%proc.name", "bash", 1},
    {"%proc.name.", "bash.", 1},
    {"%proc.name,", "bash,", 1},
    {"%proc.name:%proc.exe", "bash:/usr/bin/bash", 2},
    {"%proc.name/%proc.exe", "bash//usr/bin/bash", 2},
    {"(%proc.name)", "(bash)", 1},
    {"%(proc.name)x", "bashx", 1},
    {"%(proc.aname[1])", "sshd", 1},
    {"%proc.aname[1]]", "sshd]", 1},
    {"%proc.env[HOME]/x", "/root/x", 1},
    {"%evt.arg.flags.", "O_RDONLY.", 1},
    {"%evt.arg[flags]", "O_RDONLY", 1},
    {"%proc.name %proc.name", "bash bash", 1},
    {"%proc.name%proc.pid", "bash-5", 2},
    {"100% sure, %%, % x, %1, %", "100% sure, %%, % x, %1, %", 0},
    {"%fd.sip and %proc.env[NOPE]", "<NA> and <NA>", 2},
    {"%evt.rawres %fd.sport %evt.latency", "3 8080 1500", 3},
    {"%fd.net", "fd00::/64", 1},
    {"%evt.buffer", "ab..", 1},
    {"%evt.time", "22:13:20.123456789", 1},
    {"%evt.type %evt.num", "open 7", 2},
    {"%container.info", "", 0},
    {"a %container.info b", "a  b", 0},
    {"%proc.name_x", "", 0}, /* an unknown field: see errors */
};

static void test_render(void **state)
{
	struct sk_event sev = tx_sk_event(&ev);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sk_rule_fmt *f = NULL;
		char err[256];
		size_t off;
		int rc = sk_rule_fmt_compile(cases[i].out, fields, "syscall", &f, err, sizeof(err),
					     &off);
		if (strcmp(cases[i].out, "%proc.name_x") == 0) {
			assert_int_equal(rc, -ENOENT);
			continue;
		}
		if (rc) {
			print_message("# '%s': %s at %zu\n", cases[i].out, err, off);
		}
		assert_int_equal(rc, 0);
		const char *msg;
		const struct sk_alert_field *fl;
		size_t n;
		assert_int_equal(sk_rule_fmt_render(f, &sev, buf, &msg, &fl, &n), 0);
		if (strcmp(msg, cases[i].msg) != 0 || n != cases[i].nfields) {
			print_message("# '%s': got '%s' (%zu fields)\n", cases[i].out, msg, n);
		}
		assert_string_equal(msg, cases[i].msg);
		assert_int_equal(n, cases[i].nfields);
		sk_rule_fmt_destroy(f);
	}
}

static void test_typed_fields(void **state)
{
	struct sk_event sev = tx_sk_event(&ev);
	struct sk_rule_fmt *f = NULL;
	char err[256];
	size_t off;
	assert_int_equal(sk_rule_fmt_compile("%proc.name %proc.pid %fd.net %evt.time %fd.sip",
					     fields, "syscall", &f, err, sizeof(err), &off),
			 0);
	assert_int_equal(
	    sk_rule_fmt_add_field(f, "proc.aname[1]", fields, "syscall", err, sizeof(err)), 0);
	assert_int_equal(sk_rule_fmt_add_field(f, "proc.name", fields, "syscall", err, sizeof(err)),
			 0);
	assert_int_equal(sk_rule_fmt_add_field(f, "proc.nope", fields, "syscall", err, sizeof(err)),
			 -ENOENT);
	assert_int_equal(
	    sk_rule_fmt_add_field(f, "proc.aname[1", fields, "syscall", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "missing ']' in field 'proc.aname[1'");
	const char *msg;
	const struct sk_alert_field *fl;
	size_t n;
	assert_int_equal(sk_rule_fmt_render(f, &sev, buf, &msg, &fl, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(fl[0].value.type, SK_TYPE_STRING);
	assert_int_equal(fl[1].value.type, SK_TYPE_I64);
	assert_int_equal(fl[1].value.i64, -5);
	assert_int_equal(fl[2].value.type, SK_TYPE_IPNET);
	assert_int_equal(fl[2].value.ip.prefix, 64);
	assert_int_equal(fl[3].value.type, SK_TYPE_ABSTIME);
	assert_int_equal(fl[4].value.type, SK_TYPE_NONE);
	assert_string_equal(fl[5].name, "proc.aname[1]");
	assert_string_equal(fl[5].value.str.ptr, "sshd");
	/* strings are copies: they survive the next extraction */
	assert_ptr_not_equal(fl[0].value.str.ptr, ev.proc_name);
	sk_rule_fmt_destroy(f);
}

struct ecase {
	const char *out;
	size_t off;
	const char *err;
};

static const struct ecase errs[] = {
    {"x %proc.nmae y", 3, "unknown field 'proc.nmae' (did you mean 'proc.name'?)"},
    {"%(proc.name", 0, "missing ')' after '%('"},
    {"%(proc.nmae)", 2, "unknown field 'proc.nmae' (did you mean 'proc.name'?)"},
    {"%proc.aname[1", 0, "missing ']' after '%proc.aname['"},
    {"%proc.name[1]", 1, "field 'proc.name' does not take an argument"},
    {"%evt.arg", 1, "field 'evt.arg' requires an argument: evt.arg[...]"},
};

static void test_errors(void **state)
{
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		struct sk_rule_fmt *f = NULL;
		char err[256] = "";
		size_t off = 999;
		int rc =
		    sk_rule_fmt_compile(errs[i].out, fields, "syscall", &f, err, sizeof(err), &off);
		if (rc == 0 || strcmp(err, errs[i].err) != 0 || off != errs[i].off) {
			print_message("# '%s': rc %d off %zu '%s'\n", errs[i].out, rc, off, err);
		}
		assert_int_not_equal(rc, 0);
		assert_string_equal(err, errs[i].err);
		assert_int_equal(off, errs[i].off);
	}
}

static void test_value_text(void **state)
{
	char small[8];
	struct sk_value v = {.type = SK_TYPE_STRING};
	v.str.ptr = "abcdefghijkl";
	v.str.len = 12;
	assert_int_equal(sk_value_to_text(&v, small, sizeof(small)), 12);
	assert_string_equal(small, "abcdefg");
	v.type = SK_TYPE_BOOL;
	v.b = true;
	assert_int_equal(sk_value_to_text(&v, small, sizeof(small)), 4);
	assert_string_equal(small, "true");
	v.type = SK_TYPE_NONE;
	sk_value_to_text(&v, small, sizeof(small));
	assert_string_equal(small, "<NA>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_typed_fields),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_value_text),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
