/* core/schema_test.c - unit tests for core/schema.c: every parameter type,
 * defaults, ranges, enums, required and secret keys, unknown-key messages,
 * freeing and the --help-plugin description.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "schema.h"

static char err[2048];

struct tconf {
	char *filename;
	bool keep_alive;
	int64_t offset;
	uint64_t port;
	uint64_t timeout_ms;
	uint64_t buffer;
	int format;
	struct sk_strlist brokers;
	struct sk_strmap headers;
	char *password;
	int64_t pin;
	char *comment;
};

#define OFF(m) offsetof(struct tconf, m)

static const char *const formats[] = {"json", "text", NULL};

static const struct sk_param params[] = {
    {"filename", SK_PARAM_STR, SK_PARAM_REQUIRED, NULL, OFF(filename), NULL, 0, 0,
     "where alerts go"},
    {"keep_alive", SK_PARAM_BOOL, 0, "false", OFF(keep_alive), NULL, 0, 0, "keep the file open"},
    {"offset", SK_PARAM_INT, 0, "-5", OFF(offset), NULL, -10, 10, "a signed number"},
    {"port", SK_PARAM_UINT, 0, "514", OFF(port), NULL, 1, 65535, "a port"},
    {"timeout", SK_PARAM_DURATION, 0, "5s", OFF(timeout_ms), NULL, 100, 60000, "a timeout"},
    {"buffer", SK_PARAM_SIZE, 0, "64k", OFF(buffer), NULL, 1024, 0, "a buffer size"},
    {"format", SK_PARAM_ENUM, 0, "json", OFF(format), formats, 0, 0, "alert format"},
    {"brokers", SK_PARAM_STRLIST, 0, "[localhost:9092]", OFF(brokers), NULL, 0, 0,
     "bootstrap servers"},
    {"headers", SK_PARAM_STRMAP, 0, NULL, OFF(headers), NULL, 0, 0, "extra headers"},
    {"password", SK_PARAM_STR, SK_PARAM_SECRET, "hunter2", OFF(password), NULL, 0, 0,
     "login password"},
    {"pin", SK_PARAM_INT, SK_PARAM_SECRET, NULL, OFF(pin), NULL, 0, 9999, "a secret number"},
    {"comment", SK_PARAM_STR, 0, "", OFF(comment), NULL, 0, 0, NULL},
    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
};

static const char *const skip_enabled[] = {"enabled", NULL};

static struct sk_cfg_node *parse(const char *text)
{
	struct sk_cfg_node *root = NULL;
	int rc = sk_cfg_parse_string("t.yaml", text, strlen(text), &root, err, sizeof(err));
	if (rc != 0) {
		print_error("parse: %s\n", err);
	}
	assert_int_equal(rc, 0);
	return root;
}

/* Fill from the `file_output` section of `text`; returns the result. */
static int fill(const char *text, struct tconf *c)
{
	struct sk_cfg_node *root = parse(text);
	memset(c, 0, sizeof(*c));
	err[0] = '\0';
	int rc = sk_schema_fill(params, sk_cfg_get(root, "file_output"), "file_output",
				skip_enabled, c, err, sizeof(err));
	sk_cfg_free(root);
	return rc;
}

static void fill_fails(const char *text, const char *want)
{
	struct tconf c;
	assert_int_equal(fill(text, &c), -EINVAL);
	assert_string_equal(err, want);
	/* everything filled before the error was released */
	assert_null(c.filename);
	assert_null(c.password);
	assert_null(c.brokers.items);
	assert_null(c.headers.keys);
}

static void test_defaults(void **state)
{
	struct tconf c;
	assert_int_equal(fill("file_output:\n  filename: /tmp/x\n", &c), 0);
	assert_string_equal(c.filename, "/tmp/x");
	assert_false(c.keep_alive);
	assert_int_equal(c.offset, -5);
	assert_int_equal(c.port, 514);
	assert_int_equal(c.timeout_ms, 5000);
	assert_int_equal(c.buffer, 65536);
	assert_int_equal(c.format, 0);
	assert_int_equal(c.brokers.n, 1);
	assert_string_equal(c.brokers.items[0], "localhost:9092");
	assert_int_equal(c.headers.n, 0);
	assert_string_equal(c.password, "hunter2");
	assert_int_equal(c.pin, 0);
	assert_string_equal(c.comment, "");
	sk_schema_free(params, &c);
	assert_null(c.filename);
	assert_null(c.brokers.items);
	assert_int_equal(c.brokers.n, 0);
	assert_null(c.comment);
}

static void test_every_type(void **state)
{
	struct tconf c;
	assert_int_equal(fill("file_output:\n"
			      "  enabled: true\n"
			      "  filename: \"/var/log/shrike events.log\"\n"
			      "  keep_alive: On\n"
			      "  offset: -10\n"
			      "  port: 0x1bb\n"
			      "  timeout: 250ms\n"
			      "  buffer: 8M\n"
			      "  format: text\n"
			      "  brokers: [a:1, b:2, c:3]\n"
			      "  headers:\n"
			      "    Authorization: Bearer x\n"
			      "    X-Empty:\n"
			      "    X-Num: 12\n"
			      "  password: s3cret\n"
			      "  pin: 1234\n"
			      "  comment: hi\n",
			      &c),
			 0);
	assert_string_equal(c.filename, "/var/log/shrike events.log");
	assert_true(c.keep_alive);
	assert_int_equal(c.offset, -10);
	assert_int_equal(c.port, 443);
	assert_int_equal(c.timeout_ms, 250);
	assert_int_equal(c.buffer, 8u << 20);
	assert_int_equal(c.format, 1);
	assert_int_equal(c.brokers.n, 3);
	assert_string_equal(c.brokers.items[2], "c:3");
	assert_int_equal(c.headers.n, 3);
	assert_string_equal(c.headers.keys[0], "Authorization");
	assert_string_equal(c.headers.values[0], "Bearer x");
	assert_string_equal(c.headers.keys[1], "X-Empty");
	assert_string_equal(c.headers.values[1], "");
	assert_string_equal(c.headers.values[2], "12");
	assert_string_equal(c.password, "s3cret");
	assert_int_equal(c.pin, 1234);
	assert_string_equal(c.comment, "hi");
	sk_schema_free(params, &c);
	assert_null(c.headers.keys);
	assert_null(c.headers.values);
	assert_int_equal(c.headers.n, 0);
	assert_null(c.password);
}

static void test_strlist_single_scalar(void **state)
{
	struct tconf c;
	assert_int_equal(fill("file_output:\n  filename: x\n  brokers: kafka:9092\n", &c), 0);
	assert_int_equal(c.brokers.n, 1);
	assert_string_equal(c.brokers.items[0], "kafka:9092");
	sk_schema_free(params, &c);

	assert_int_equal(fill("file_output:\n  filename: x\n  brokers: []\n", &c), 0);
	assert_int_equal(c.brokers.n, 0);
	sk_schema_free(params, &c);
}

static void test_null_values_are_defaults(void **state)
{
	struct tconf c;
	/* `key:` with nothing counts as absent */
	assert_int_equal(fill("file_output:\n  filename: x\n  port:\n  format: ~\n", &c), 0);
	assert_int_equal(c.port, 514);
	assert_int_equal(c.format, 0);
	sk_schema_free(params, &c);

	/* no section at all: defaults, but filename is required */
	struct sk_cfg_node *root = parse("other: 1\n");
	memset(&c, 0, sizeof(c));
	assert_int_equal(sk_schema_fill(params, sk_cfg_get(root, "file_output"), "file_output",
					NULL, &c, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "file_output: missing required key 'filename'");
	sk_cfg_free(root);
}

static void test_unknown_key(void **state)
{
	fill_fails(
	    "file_output:\n"
	    "  enabled: true\n"
	    "  filname: /tmp/x\n",
	    "t.yaml:3:3: file_output.filname: unknown key (valid keys: brokers, buffer, "
	    "comment, enabled, filename, format, headers, keep_alive, offset, password, pin, "
	    "port, timeout)");
	/* no prefix: the key alone */
	struct sk_cfg_node *root = parse("a: 1\nzz: 2\n");
	static const struct sk_param one[] = {
	    {"a", SK_PARAM_INT, 0, NULL, 0, NULL, 0, 0, NULL},
	    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
	};
	int64_t a = 0;
	assert_int_equal(sk_schema_fill(one, root, NULL, NULL, &a, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.yaml:2:1: zz: unknown key (valid keys: a)");
	sk_cfg_free(root);

	/* an empty table */
	static const struct sk_param none[] = {{NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL}};
	root = parse("sec:\n  x: 1\n");
	assert_int_equal(
	    sk_schema_fill(none, sk_cfg_get(root, "sec"), "sec", NULL, &a, err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err, "t.yaml:2:3: sec.x: unknown key (no keys are valid here)");
	sk_cfg_free(root);
}

static void test_wrong_type(void **state)
{
	fill_fails("file_output:\n"
		   "  filename: /tmp/x\n"
		   "  keep_alive: maybe\n",
		   "t.yaml:3:15: file_output.keep_alive: expected a boolean (true or false), got "
		   "'maybe'");
	fill_fails("file_output:\n  filename: [a]\n",
		   "t.yaml:2:13: file_output.filename: expected a string, got a list");
	fill_fails("file_output:\n  filename: x\n  port: eighty\n",
		   "t.yaml:3:9: file_output.port: expected a non-negative integer, got 'eighty'");
	fill_fails("file_output:\n  filename: x\n  brokers: [a, {b: c}]\n",
		   "t.yaml:3:16: file_output.brokers[1]: expected a string, got a map");
	fill_fails("file_output:\n  filename: x\n  brokers: {b: c}\n",
		   "t.yaml:3:12: file_output.brokers: expected a string or a list of strings, got "
		   "a map");
	fill_fails("file_output:\n  filename: x\n  headers: [a]\n",
		   "t.yaml:3:12: file_output.headers: expected a map of strings, got a list");
	fill_fails("file_output:\n  filename: x\n  headers:\n    A: [1]\n",
		   "t.yaml:4:8: file_output.headers.A: expected a string, got a list");
	fill_fails(
	    "file_output:\n  filename: x\n  timeout: soon\n",
	    "t.yaml:3:12: file_output.timeout: expected a duration (e.g. 250ms, 5s, 2m, 1h), "
	    "got 'soon'");
	fill_fails("file_output:\n  filename: x\n  buffer: lots\n",
		   "t.yaml:3:11: file_output.buffer: expected a size (e.g. 4096, 64k, 8M, 1G), got "
		   "'lots'");
	fill_fails("file_output: yes\n", "t.yaml:1:14: file_output: expected a map, got 'yes'");
	fill_fails("file_output: [1]\n", "t.yaml:1:14: file_output: expected a map, got a list");
}

static void test_enum(void **state)
{
	fill_fails("file_output:\n  filename: x\n  format: xml\n",
		   "t.yaml:3:11: file_output.format: expected one of json, text, got 'xml'");
	/* case-sensitive */
	fill_fails("file_output:\n  filename: x\n  format: JSON\n",
		   "t.yaml:3:11: file_output.format: expected one of json, text, got 'JSON'");
	fill_fails("file_output:\n  filename: x\n  format: [json]\n",
		   "t.yaml:3:11: file_output.format: expected one of json, text, got a list");
}

static void test_ranges(void **state)
{
	fill_fails("file_output:\n  filename: x\n  port: 70000\n",
		   "t.yaml:3:9: file_output.port: 70000 is out of range (1..65535)");
	fill_fails("file_output:\n  filename: x\n  port: 0\n",
		   "t.yaml:3:9: file_output.port: 0 is out of range (1..65535)");
	fill_fails("file_output:\n  filename: x\n  offset: -11\n",
		   "t.yaml:3:11: file_output.offset: -11 is out of range (-10..10)");
	fill_fails("file_output:\n  filename: x\n  timeout: 2m\n",
		   "t.yaml:3:12: file_output.timeout: '2m' (120000ms) is out of range "
		   "(100ms..60000ms)");
	fill_fails(
	    "file_output:\n  filename: x\n  buffer: 10\n",
	    "t.yaml:3:11: file_output.buffer: '10' (10 bytes) is out of range (at least 1024 "
	    "bytes)");

	struct tconf c;
	assert_int_equal(fill("file_output:\n  filename: x\n  port: 65535\n  offset: 10\n"
			      "  timeout: 1m\n  buffer: 1T\n",
			      &c),
			 0);
	assert_int_equal(c.port, 65535);
	assert_int_equal(c.offset, 10);
	assert_int_equal(c.timeout_ms, 60000);
	assert_true(c.buffer == 1ull << 40);
	sk_schema_free(params, &c);
}

static void test_required(void **state)
{
	fill_fails("file_output:\n  keep_alive: true\n",
		   "t.yaml:2:3: file_output: missing required key 'filename'");
	fill_fails("file_output:\n  filename:\n",
		   "t.yaml:2:3: file_output: missing required key 'filename'");

	/* sk_schema_fill_at points at the section's key */
	struct sk_cfg_node *root = parse("# c\nfile_output:\n  keep_alive: true\n");
	struct tconf c = {0};
	assert_int_equal(sk_schema_fill_at(params, sk_cfg_get(root, "file_output"),
					   root->key_nodes[0], "file_output", NULL, &c, err,
					   sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.yaml:2:1: file_output: missing required key 'filename'");
	sk_cfg_free(root);
}

static void test_secret_never_printed(void **state)
{
	struct tconf c;
	assert_int_equal(fill("file_output:\n  filename: x\n  pin: abc-123-secret\n", &c), -EINVAL);
	assert_string_equal(err, "t.yaml:3:8: file_output.pin: expected an integer (value not "
				 "shown: secret)");
	assert_null(strstr(err, "abc-123"));
	assert_int_equal(fill("file_output:\n  filename: x\n  pin: 55555\n", &c), -EINVAL);
	assert_null(strstr(err, "55555"));

	char *d = sk_schema_describe(params);
	assert_non_null(d);
	assert_null(strstr(d, "hunter2"));
	assert_non_null(strstr(d, "(hidden)"));
	free(d);
}

static void test_bad_default_is_reported(void **state)
{
	struct {
		bool flag;
	} out = {0};
	static const struct sk_param bad[] = {
	    {"flag", SK_PARAM_BOOL, 0, "maybe", 0, NULL, 0, 0, NULL},
	    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
	};
	assert_int_equal(sk_schema_fill(bad, NULL, "sec", NULL, &out, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "<default>:1:1: sec.flag: expected a boolean (true or false), got "
				 "'maybe'");
}

static void test_describe(void **state)
{
	static const char *const modes[] = {"udp", "tcp", NULL};
	static const struct sk_param small[] = {
	    {"host", SK_PARAM_STR, SK_PARAM_REQUIRED, NULL, 0, NULL, 0, 0, "server name"},
	    {"port", SK_PARAM_UINT, 0, "514", 0, NULL, 1, 65535, "server port"},
	    {"mode", SK_PARAM_ENUM, 0, "udp", 0, modes, 0, 0, "transport"},
	    {"token", SK_PARAM_STR, SK_PARAM_SECRET, "abc", 0, NULL, 0, 0, "auth token"},
	    {"tags", SK_PARAM_STRLIST, 0, NULL, 0, NULL, 0, 0, NULL},
	    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
	};
	char *d = sk_schema_describe(small);
	assert_non_null(d);
	assert_string_equal(d, "host   string           (required)  server name\n"
			       "port   uint 1..65535    514         server port\n"
			       "mode   udp|tcp          udp         transport\n"
			       "token  string           (hidden)    auth token (secret)\n"
			       "tags   list of strings  -           \n");
	free(d);

	static const struct sk_param none[] = {{NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL}};
	d = sk_schema_describe(none);
	assert_non_null(d);
	assert_string_equal(d, "");
	free(d);
}

static void test_free_null_safe(void **state)
{
	sk_schema_free(NULL, NULL);
	struct tconf c = {0};
	sk_schema_free(params, &c);
	assert_null(c.filename);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_every_type),
	    cmocka_unit_test(test_strlist_single_scalar),
	    cmocka_unit_test(test_null_values_are_defaults),
	    cmocka_unit_test(test_unknown_key),
	    cmocka_unit_test(test_wrong_type),
	    cmocka_unit_test(test_enum),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_required),
	    cmocka_unit_test(test_secret_never_printed),
	    cmocka_unit_test(test_bad_default_is_reported),
	    cmocka_unit_test(test_describe),
	    cmocka_unit_test(test_free_null_safe),
	};
	return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
