/* plugins/json/json_test.c - unit tests of the json extractor: every field
 * on a real-shaped audit event with Falco's json plugin's results (pointer
 * with and without its leading '/', strings versus other values, json.obj
 * indentation, json.rawtime as text), NA for records that are not JSON
 * plugin events, and truncated documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <shrike/plugin.h>

extern const struct sk_plugin shrike_plugin_entry;

/* rec_make - an SK_EVT_PLUGIN record of source k8s_audit carrying `doc`,
 * at time `ts`. */
static struct sk_evt_hdr *rec_make(const char *doc, uint64_t ts)
{
	static const char src[] = "k8s_audit";
	uint32_t l0 = sizeof(src), l1 = (uint32_t)strlen(doc);
	uint32_t len = SK_EVT_HDR_SIZE + 8 + l0 + l1;
	unsigned char *b = calloc(1, len);
	assert_non_null(b);
	struct sk_evt_hdr h = {.ts = ts, .tid = 0, .len = len, .type = SK_EVT_PLUGIN,
			       .nparams = 2, .flags = SK_EVT_F_LARGE};
	memcpy(b, &h, sizeof(h));
	memcpy(b + SK_EVT_HDR_SIZE, &l0, 4);
	memcpy(b + SK_EVT_HDR_SIZE + 4, &l1, 4);
	memcpy(b + SK_EVT_HDR_SIZE + 8, src, l0);
	memcpy(b + SK_EVT_HDR_SIZE + 8 + l0, doc, l1);
	assert_int_equal(sk_evt_check(b, len), 0);
	return (struct sk_evt_hdr *)b;
}

static unsigned field_idx(const char *name)
{
	const struct sk_field *f = shrike_plugin_entry.extract->fields;
	for (unsigned i = 0; f[i].name; i++) {
		if (strcmp(f[i].name, name) == 0) {
			return i;
		}
	}
	fail_msg("no field %s", name);
	return 0;
}

/* get - the field's value as text, or NULL for NA. */
static const char *get(void *inst, const struct sk_evt_hdr *rec, uint64_t num, const char *name,
		       const char *key)
{
	static char buf[4096];
	struct sk_event ev = {.rec = rec, .num = num, .source = "k8s_audit"};
	struct sk_field_req req = {.field_idx = field_idx(name), .arg_key = key};
	struct sk_value v;
	int rc = shrike_plugin_entry.extract->extract(inst, &ev, &req, &v);
	if (rc == SK_NA) {
		return NULL;
	}
	assert_int_equal(rc, SK_OK);
	assert_int_equal(v.type, SK_TYPE_STRING);
	assert_true(v.str.len < sizeof(buf));
	memcpy(buf, v.str.ptr, v.str.len);
	buf[v.str.len] = '\0';
	return buf;
}

static const char doc[] =
	"{\"kind\":\"Event\", \"stage\":\"ResponseComplete\",\n"
	" \"user\":{\"username\":\"alice\",\"groups\":[\"dev\",\"system:authenticated\"]},\n"
	" \"objectRef\":{\"resource\":\"pods\",\"name\":\"a/b\"},\"annotations\":{},\"items\":[],"
	"\"code\":201,\"ok\":true,\"esc\":\"x\\\"{y\"}";

static void test_fields(void **state)
{
	(void)state;
	void *inst = NULL;
	char err[256];
	struct sk_init_input in = {0};
	assert_int_equal(shrike_plugin_entry.init(&in, &inst, err, sizeof(err)), SK_OK);
	struct sk_evt_hdr *rec = rec_make(doc, 1715679001123457000ull);

	assert_string_equal(get(inst, rec, 1, "json.value", "/user/username"), "alice");
	/* Falco's plugin takes the pointer with or without its leading '/' */
	assert_string_equal(get(inst, rec, 1, "json.value", "user/username"), "alice");
	assert_string_equal(get(inst, rec, 1, "json.value", "/user/groups/1"),
			    "system:authenticated");
	/* values that are not strings come back as JSON */
	assert_string_equal(get(inst, rec, 1, "json.value", "/user/groups"),
			    "[\"dev\",\"system:authenticated\"]");
	assert_string_equal(get(inst, rec, 1, "json.value", "/code"), "201");
	assert_string_equal(get(inst, rec, 1, "json.value", "/ok"), "true");
	assert_string_equal(get(inst, rec, 1, "json.value", "/esc"), "x\"{y");
	assert_null(get(inst, rec, 1, "json.value", "/user/nothere"));
	assert_null(get(inst, rec, 1, "json.value", "/user/groups/7"));
	assert_string_equal(get(inst, rec, 1, "json.rawtime", NULL), "1715679001123457000");
	assert_string_equal(get(inst, rec, 1, "json.obj", NULL),
			    "{\n"
			    "  \"kind\": \"Event\",\n"
			    "  \"stage\": \"ResponseComplete\",\n"
			    "  \"user\": {\n"
			    "    \"username\": \"alice\",\n"
			    "    \"groups\": [\n"
			    "      \"dev\",\n"
			    "      \"system:authenticated\"\n"
			    "    ]\n"
			    "  },\n"
			    "  \"objectRef\": {\n"
			    "    \"resource\": \"pods\",\n"
			    "    \"name\": \"a/b\"\n"
			    "  },\n"
			    "  \"annotations\": {},\n"
			    "  \"items\": [],\n"
			    "  \"code\": 201,\n"
			    "  \"ok\": true,\n"
			    "  \"esc\": \"x\\\"{y\"\n"
			    "}");
	free(rec);

	/* a truncated document: every field but the time is NA, no crash */
	rec = rec_make("{\"user\":{\"username\":\"al", 5);
	assert_null(get(inst, rec, 2, "json.value", "/user/username"));
	assert_null(get(inst, rec, 2, "json.obj", NULL));
	assert_string_equal(get(inst, rec, 2, "json.rawtime", NULL), "5");
	free(rec);

	/* trailing data after the document, or stray closing brackets: not
	 * JSON, every field NA, and json.obj never indents past the start */
	rec = rec_make("{\"a\":1}}]}", 6);
	assert_null(get(inst, rec, 4, "json.obj", NULL));
	assert_null(get(inst, rec, 4, "json.value", "/a"));
	free(rec);
	rec = rec_make("{\"a\":[1]}  \n", 7);
	assert_string_equal(get(inst, rec, 5, "json.obj", NULL), "{\n  \"a\": [\n    1\n  ]\n}");
	free(rec);

	/* a record that is not a plugin event has no json fields */
	struct sk_evt_hdr sys = {.ts = 9, .len = SK_EVT_HDR_SIZE, .type = SK_EVT_SYSCALL_BASE + 2};
	assert_null(get(inst, &sys, 3, "json.rawtime", NULL));
	assert_null(get(inst, &sys, 3, "json.obj", NULL));
	shrike_plugin_entry.destroy(inst);
}

static void test_version(void **state)
{
	(void)state;
	/* the version of Falco's json plugin whose fields this matches */
	assert_string_equal(shrike_plugin_entry.version, "0.7.4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
