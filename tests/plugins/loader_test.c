/* tests/plugins/loader_test.c - the plugin loader against the fixture plugins
 * in tests/plugins/fixtures: every refusal with its exact message, and a full
 * load -> configure -> init -> use -> close of the `good` plugin, including
 * the config struct, config_json and the host API's log prefix and repeat
 * folding.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cfg.h"
#include "loader.h"
#include "log.h"

#include "good.h"

#ifndef FIXTURE_DIR
#error "FIXTURE_DIR must name the directory of the built fixture .so files"
#endif

static char err[1024];

static char *fixture(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/%s.so", FIXTURE_DIR, name);
	return path;
}

/* Opening fixture `name` fails with -rc_expected and exactly `want`
 * (a format taking the path first). */
static void expect_refusal(const char *name, int rc_expected, const char *want_fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void expect_refusal(const char *name, int rc_expected, const char *want_fmt, ...)
{
	char want[2048];
	va_list ap;
	va_start(ap, want_fmt);
	vsnprintf(want, sizeof(want), want_fmt, ap);
	va_end(ap);

	struct sk_plugin_handle *h = (void *)1;
	err[0] = '\0';
	int rc = sk_loader_open(fixture(name), &h, err, sizeof(err));
	assert_int_equal(rc, rc_expected);
	assert_null(h);
	assert_string_equal(err, want);
}

/* ---- stderr capture for the host log ---------------------------------- */

static int saved_stderr = -1;
static char capture_path[] = "/tmp/sk-loader-test-stderr.XXXXXX";

static void capture_start(void)
{
	int fd = mkstemp(capture_path);
	assert_true(fd >= 0);
	fflush(stderr);
	saved_stderr = dup(2);
	assert_true(saved_stderr >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
}

/* Returns what was written to stderr since capture_start() (malloc'd). */
static char *capture_end(void)
{
	fflush(stderr);
	assert_int_equal(dup2(saved_stderr, 2), 2);
	close(saved_stderr);
	saved_stderr = -1;
	FILE *f = fopen(capture_path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 65536);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	unlink(capture_path);
	strcpy(capture_path + strlen(capture_path) - 6, "XXXXXX");
	return buf;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return strdup("");
	}
	char *buf = calloc(1, 4096);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 4095, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct sk_cfg_node *parse_yaml(const char *text)
{
	struct sk_cfg_node *root = NULL;
	int rc = sk_cfg_parse_string("<string>", text, strlen(text), &root, err, sizeof(err));
	if (rc != 0) {
		fail_msg("sk_cfg_parse_string: %s", err);
	}
	return root;
}

/* ---- refusals ----------------------------------------------------------- */

static void test_missing_file(void **state)
{
	expect_refusal("does_not_exist", -ENOENT,
		       "%s: cannot load plugin: No such file or directory",
		       fixture("does_not_exist"));
}

static void test_undefined_symbol(void **state)
{
	expect_refusal("undef_sym", -ENOEXEC,
		       "%s: cannot load plugin: undefined symbol: sk_fixture_missing_function "
		       "(use ldd(1) to check its libraries)",
		       fixture("undef_sym"));
}

static void test_not_a_plugin(void **state)
{
	expect_refusal("no_entry", -ENOEXEC,
		       "%s: not a Shrike plugin: it does not export 'shrike_plugin_entry' (define "
		       "it with SK_PLUGIN_DEFINE)",
		       fixture("no_entry"));
}

static void test_not_an_elf_file(void **state)
{
	char dir[] = "/tmp/sk-loader-test.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/text.so", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not an ELF file\n", f);
	fclose(f);

	struct sk_plugin_handle *h = NULL;
	int rc = sk_loader_open(path, &h, err, sizeof(err));
	assert_int_equal(rc, -ENOEXEC);
	assert_null(h);
	char want[512];
	snprintf(want, sizeof(want), "%s: cannot load plugin: ", path);
	assert_memory_equal(err, want, strlen(want));
	assert_null(strstr(err + strlen(want), path)); /* the path is not repeated */
	unlink(path);
	rmdir(dir);
}

static void test_wrong_major(void **state)
{
	expect_refusal("wrong_major", -EPROTONOSUPPORT,
		       "%s: plugin ABI %u.0 is not supported by this shrike (ABI %u.%u): rebuild "
		       "the plugin against this version's headers",
		       fixture("wrong_major"), SK_PLUGIN_ABI_MAJOR + 1, SK_PLUGIN_ABI_MAJOR,
		       SK_PLUGIN_ABI_MINOR);
}

static void test_newer_minor(void **state)
{
	expect_refusal("newer_minor", -EPROTONOSUPPORT,
		       "%s: plugin built for a newer shrike (plugin ABI %u.%u, this shrike %u.%u): "
		       "upgrade shrike or rebuild the plugin against this version's headers",
		       fixture("newer_minor"), SK_PLUGIN_ABI_MAJOR, SK_PLUGIN_ABI_MINOR + 3,
		       SK_PLUGIN_ABI_MAJOR, SK_PLUGIN_ABI_MINOR);
}

static void test_short_table(void **state)
{
	/* 4 u32 + 4 pointers: the hand-built table of short_size */
	expect_refusal("short_size", -EINVAL,
		       "%s: plugin table too small (%zu bytes, ABI 1.0 needs at least %zu): define "
		       "it with SK_PLUGIN_DEFINE",
		       fixture("short_size"), 4 * sizeof(uint32_t) + 4 * sizeof(char *),
		       (size_t)SK_PLUGIN_V1_0_SIZE);
}

static void test_roles_without_callbacks(void **state)
{
	expect_refusal("cap_source", -EINVAL,
		       "%s: plugin 'nosource' has a source table but no next_batch()",
		       fixture("cap_source"));
	expect_refusal("cap_extract", -EINVAL,
		       "%s: plugin 'noextract' has an extract table but no fields table",
		       fixture("cap_extract"));
	expect_refusal("cap_parse", -EINVAL,
		       "%s: plugin 'noparse' has a parse table but no parse()",
		       fixture("cap_parse"));
	expect_refusal("cap_output", -EINVAL,
		       "%s: plugin 'nowrite' has an output table but no write()",
		       fixture("cap_output"));
}

static void test_role_table_too_small(void **state)
{
	/* struct_size, reserved and write(): the hand-built table of short_role */
	expect_refusal("short_role", -EINVAL,
		       "%s: plugin 'shortrole' output table too small (%zu bytes, ABI 1.0 needs at "
		       "least %zu): define it with SK_PLUGIN_OPS",
		       fixture("short_role"), 2 * sizeof(uint32_t) + sizeof(void *),
		       (size_t)SK_OUTPUT_OPS_V1_0_SIZE);
}

static void test_unknown_flags(void **state)
{
	expect_refusal("flags", -EINVAL,
		       "%s: plugin 'flags' sets flags 0x20 this shrike does not know: rebuild the "
		       "plugin against this version's headers",
		       fixture("flags"));
}

static void test_no_role(void **state)
{
	expect_refusal("no_role", -EINVAL,
		       "%s: plugin 'norole' plays no role: set .source, .extract, .parse and/or "
		       ".output to a table defined with SK_PLUGIN_OPS",
		       fixture("no_role"));
}

static void test_no_init(void **state)
{
	expect_refusal("no_init", -EINVAL,
		       "%s: plugin 'noinit' has no init(): every plugin needs init() and destroy()",
		       fixture("no_init"));
}

static void test_bad_name(void **state)
{
	expect_refusal("bad_name", -EINVAL, "%s: invalid plugin name 'Bad-Name!' (use [a-z0-9_]+)",
		       fixture("bad_name"));
}

/* Field names may have capitals (Falco's ka.req.pod.initContainers.*), not
 * dashes: field 0 passes, field 1 is refused. */
static void test_bad_field(void **state)
{
	expect_refusal("bad_field", -EINVAL,
		       "%s: plugin 'badfield' field 1 has an invalid name 'b.some-field' (use "
		       "[A-Za-z0-9_.]+)",
		       fixture("bad_field"));
}

static void test_no_version(void **state)
{
	expect_refusal("no_version", -EINVAL,
		       "%s: plugin 'noversion' has no version: set .version, e.g. \"1.0.0\"",
		       fixture("no_version"));
}

static void test_param_outside_config(void **state)
{
	expect_refusal(
	    "bad_param", -EINVAL,
	    "%s: plugin 'badparam' parameter 'port' lies outside config_size (offset 0 + "
	    "8 > 4)",
	    fixture("bad_param"));
}

/* ---- init failures ----------------------------------------------------- */

static void test_init_fails(void **state)
{
	struct sk_plugin_handle *h = NULL;
	assert_int_equal(sk_loader_open(fixture("init_fail"), &h, err, sizeof(err)), 0);
	assert_int_equal(sk_loader_configure(h, NULL, "init_fail", NULL, err, sizeof(err)), 0);
	assert_int_equal(sk_loader_init(h, "output:init_fail", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "plugin 'init_fail' failed to initialise: cannot connect to "
				 "127.0.0.1:1: Connection refused");
	assert_false(h->initialised);
	assert_null(h->inst);
	sk_loader_close(h);
}

static void test_init_fails_after_setting_inst(void **state)
{
	char marker[] = "/tmp/sk-loader-marker.XXXXXX";
	int fd = mkstemp(marker);
	assert_true(fd >= 0);
	close(fd);
	char yaml[512];
	snprintf(yaml, sizeof(yaml), "init_fail_inst:\n  marker: %s\n", marker);
	struct sk_cfg_node *root = parse_yaml(yaml);

	struct sk_plugin_handle *h = NULL;
	assert_int_equal(sk_loader_open(fixture("init_fail_inst"), &h, err, sizeof(err)), 0);
	assert_int_equal(sk_loader_configure(h, sk_cfg_get(root, "init_fail_inst"),
					     "init_fail_inst", NULL, err, sizeof(err)),
			 0);
	assert_int_equal(sk_loader_init(h, "half", err, sizeof(err)), -EINVAL);
	assert_string_equal(
	    err, "plugin 'init_fail_inst' failed to initialise: half-initialised on purpose");
	/* destroy() ran once, and the config (marker) was still alive */
	char *got = read_file(marker);
	assert_string_equal(got, "destroy half\n");
	free(got);
	sk_loader_close(h);
	got = read_file(marker);
	assert_string_equal(got, "destroy half\n"); /* not twice */
	free(got);
	unlink(marker);
	sk_cfg_free(root);
}

/* ---- the good plugin --------------------------------------------------- */

static void test_good_table(void **state)
{
	struct sk_plugin_handle *h = NULL;
	assert_int_equal(sk_loader_open(fixture("good"), &h, err, sizeof(err)), 0);
	assert_non_null(h);
	assert_string_equal(h->path, fixture("good"));
	assert_int_equal(h->def.abi_major, SK_PLUGIN_ABI_MAJOR);
	assert_int_equal(h->def.struct_size, sizeof(struct sk_plugin));
	assert_string_equal(h->def.name, "good");
	assert_string_equal(h->def.version, "1.2.3");
	assert_string_equal(h->def.source->event_source, "good");
	assert_int_equal(h->def.config_size, sizeof(struct good_config));
	assert_true(sk_loader_has_cap(h, SK_CAP_SOURCE));
	assert_true(sk_loader_has_cap(h, SK_CAP_EXTRACT | SK_CAP_PARSE | SK_CAP_OUTPUT));
	assert_false(h->initialised);
	assert_null(h->config);

	struct sk_plugin_handle *hs[] = {NULL, h};
	assert_ptr_equal(sk_loader_find(hs, 2, "good"), h);
	assert_null(sk_loader_find(hs, 2, "bad"));
	assert_null(sk_loader_find(hs, 1, "good"));
	sk_loader_close(h);
}

static void test_good_configure_from_yaml(void **state)
{
	struct sk_cfg_node *root = parse_yaml("good:\n"
					      "  enabled: true\n"
					      "  str: hello\n"
					      "  flag: true\n"
					      "  num: -42\n"
					      "  count: 42\n"
					      "  period: 2m\n"
					      "  buffer: 64k\n"
					      "  mode: text\n"
					      "  tags: [a, b]\n"
					      "  labels: {x: \"1\", y: two}\n");
	struct sk_plugin_handle *h = NULL;
	static const char *const skip[] = {"enabled", NULL};
	assert_int_equal(sk_loader_open(fixture("good"), &h, err, sizeof(err)), 0);
	int rc = sk_loader_configure(h, sk_cfg_get(root, "good"), "good", skip, err, sizeof(err));
	if (rc != 0) {
		fail_msg("configure: %s", err);
	}
	const struct good_config *c = h->config;
	assert_non_null(c);
	assert_string_equal(c->str, "hello");
	assert_true(c->flag);
	assert_int_equal(c->num, -42);
	assert_int_equal(c->count, 42);
	assert_int_equal(c->period_ms, 120000);
	assert_int_equal(c->buffer, 65536);
	assert_int_equal(c->mode, 1);
	assert_int_equal(c->tags.n, 2);
	assert_string_equal(c->tags.items[0], "a");
	assert_string_equal(c->tags.items[1], "b");
	assert_int_equal(c->labels.n, 2);
	assert_string_equal(c->labels.keys[0], "x");
	assert_string_equal(c->labels.values[0], "1");
	assert_string_equal(c->labels.keys[1], "y");
	assert_string_equal(c->labels.values[1], "two");
	assert_null(c->marker);

	/* config_json: the whole section, typed the YAML way */
	json_object *j = json_tokener_parse(h->config_json);
	assert_non_null(j);
	json_object *v;
	assert_true(json_object_object_get_ex(j, "enabled", &v));
	assert_true(json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(j, "str", &v));
	assert_string_equal(json_object_get_string(v), "hello");
	assert_true(json_object_object_get_ex(j, "num", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int64(v), -42);
	assert_true(json_object_object_get_ex(j, "period", &v));
	assert_string_equal(json_object_get_string(v), "2m");
	assert_true(json_object_object_get_ex(j, "tags", &v));
	assert_true(json_object_is_type(v, json_type_array));
	assert_int_equal(json_object_array_length(v), 2);
	assert_true(json_object_object_get_ex(j, "labels", &v));
	assert_true(json_object_object_get_ex(v, "x", &v));
	assert_true(json_object_is_type(v, json_type_string)); /* "1" was quoted */
	assert_int_equal(json_object_object_length(j), 10);
	json_object_put(j);

	/* configure again replaces the previous result (no leak, new values) */
	struct sk_cfg_node *root2 = parse_yaml("good:\n  str: again\n");
	assert_int_equal(
	    sk_loader_configure(h, sk_cfg_get(root2, "good"), "good", NULL, err, sizeof(err)), 0);
	assert_string_equal(((const struct good_config *)h->config)->str, "again");
	assert_int_equal(((const struct good_config *)h->config)->tags.n, 0);
	sk_loader_close(h);
	sk_cfg_free(root);
	sk_cfg_free(root2);
}

static void test_good_defaults(void **state)
{
	struct sk_plugin_handle *h = NULL;
	assert_int_equal(sk_loader_open(fixture("good"), &h, err, sizeof(err)), 0);
	assert_int_equal(sk_loader_configure(h, NULL, "good", NULL, err, sizeof(err)), 0);
	const struct good_config *c = h->config;
	assert_string_equal(c->str, "dflt");
	assert_false(c->flag);
	assert_int_equal(c->num, -1);
	assert_int_equal(c->count, 7);
	assert_int_equal(c->period_ms, 250);
	assert_int_equal(c->buffer, 4096);
	assert_int_equal(c->mode, 0);
	assert_int_equal(c->tags.n, 0);
	assert_string_equal(h->config_json, "{}");
	sk_loader_close(h);

	/* a null section (`good:` and nothing) is the same as none */
	struct sk_cfg_node *root = parse_yaml("good:\n");
	assert_int_equal(sk_loader_open(fixture("good"), &h, err, sizeof(err)), 0);
	assert_int_equal(
	    sk_loader_configure(h, sk_cfg_get(root, "good"), "good", NULL, err, sizeof(err)), 0);
	assert_string_equal(((const struct good_config *)h->config)->str, "dflt");
	assert_string_equal(h->config_json, "{}");
	sk_loader_close(h);
	sk_cfg_free(root);

	/* init without configure fills the defaults itself */
	assert_int_equal(sk_loader_open(fixture("good"), &h, err, sizeof(err)), 0);
	capture_start();
	int rc = sk_loader_init(h, NULL, err, sizeof(err));
	free(capture_end());
	assert_int_equal(rc, 0);
	assert_string_equal(((const struct good_inst *)h->inst)->instance_name, "good");
	assert_string_equal(((const struct good_inst *)h->inst)->cfg->str, "dflt");
	sk_loader_close(h);
}

static void test_good_configure_error(void **state)
{
	struct sk_cfg_node *root = parse_yaml("good:\n  nope: 1\n");
	struct sk_plugin_handle *h = NULL;
	assert_int_equal(sk_loader_open(fixture("good"), &h, err, sizeof(err)), 0);
	assert_int_equal(
	    sk_loader_configure(h, sk_cfg_get(root, "good"), "good", NULL, err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "<string>:2:3: good.nope: unknown key"));
	assert_null(h->config);
	assert_null(h->config_json);
	sk_loader_close(h);
	sk_cfg_free(root);
}

static void test_good_lifecycle(void **state)
{
	char marker[] = "/tmp/sk-loader-marker.XXXXXX";
	int fd = mkstemp(marker);
	assert_true(fd >= 0);
	close(fd);
	char yaml[512];
	snprintf(yaml, sizeof(yaml), "good:\n  mode: text\n  marker: %s\n", marker);
	struct sk_cfg_node *root = parse_yaml(yaml);

	struct sk_plugin_handle *h = NULL;
	assert_int_equal(sk_loader_open(fixture("good"), &h, err, sizeof(err)), 0);
	assert_int_equal(
	    sk_loader_configure(h, sk_cfg_get(root, "good"), "good", NULL, err, sizeof(err)), 0);
	capture_start();
	int rc = sk_loader_init(h, "output:good", err, sizeof(err));
	char *log = capture_end();
	if (rc != 0) {
		fail_msg("init: %s", err);
	}
	assert_string_equal(log, "shrike: notice: [plugin:output:good] started in text mode\n");
	free(log);
	assert_true(h->initialised);
	assert_int_equal(sk_loader_init(h, "again", err, sizeof(err)), -EALREADY);

	const struct good_inst *inst = h->inst;
	assert_non_null(inst);
	assert_ptr_equal(inst->cfg, h->config);
	assert_string_equal(inst->instance_name, "output:good");
	assert_string_equal(inst->config_json, h->config_json);
	assert_ptr_equal(inst->api, sk_loader_host_api());
	assert_int_equal(inst->api->struct_size, sizeof(struct sk_host_api));
	assert_int_equal(inst->api->abi_minor, SK_PLUGIN_ABI_MINOR);
	char hn[256] = "";
	gethostname(hn, sizeof(hn) - 1);
	assert_string_equal(inst->hostname, hn);

	/* drive the source, extractor, parser and output through the copy */
	int pfd = 0;
	assert_int_equal(h->def.source->open(h->inst, "", &pfd, err, sizeof(err)), SK_OK);
	assert_int_equal(pfd, -1);
	assert_int_equal(h->def.source->open(h->inst, "fail", &pfd, err, sizeof(err)), SK_ERR);
	assert_string_equal(err, "cannot open 'fail'");
	assert_int_equal(h->def.source->open(h->inst, "", &pfd, err, sizeof(err)), SK_OK);
	uint64_t seen = 0;
	for (;;) {
		const struct sk_evt_hdr *const *evs = NULL;
		size_t n = 0;
		rc = h->def.source->next_batch(h->inst, &evs, &n, err, sizeof(err));
		if (rc == SK_EOF) {
			break;
		}
		assert_int_equal(rc, SK_OK);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(sk_evt_check(evs[i], evs[i]->len), 0);
			struct sk_event ev = {.rec = evs[i], .num = ++seen, .source = "good"};
			assert_string_equal(sk_evt_source_name(evs[i]), "good");
			assert_int_equal(h->def.parse->parse(h->inst, &ev), SK_OK);
			struct sk_field_req req = {.field_idx = 0};
			struct sk_value v;
			assert_int_equal(h->def.extract->extract(h->inst, &ev, &req, &v), SK_OK);
			assert_int_equal(v.type, SK_TYPE_U64);
			assert_int_equal(v.u64, seen);
			req.field_idx = 1;
			assert_int_equal(h->def.extract->extract(h->inst, &ev, &req, &v), SK_OK);
			assert_int_equal(v.type, SK_TYPE_BOOL);
			assert_int_equal(v.b, (seen & 1) != 0);
		}
	}
	h->def.source->close(h->inst);
	assert_int_equal(seen, 6);
	assert_int_equal(inst->parsed, 6);
	struct sk_alert alert = {.struct_size = sizeof(alert), .rule = "Test rule"};
	assert_int_equal(h->def.output->write(h->inst, &alert), SK_OK);
	assert_int_equal(inst->written, 1);
	assert_string_equal(inst->last_rule, "Test rule");

	sk_loader_close(h);
	char *got = read_file(marker);
	assert_string_equal(got, "destroy output:good\n");
	free(got);
	unlink(marker);
	sk_cfg_free(root);
}

/* A plugin built against the frozen ABI 1.0 headers (tests/plugins/abi/)
 * loads into today's host, and every callback it has is reached through
 * the host's copy of its tables. */
static void test_frozen_abi_1_0(void **state)
{
	struct sk_plugin_handle *h = NULL;
	if (sk_loader_open(fixture("abi_v1_0"), &h, err, sizeof(err)) != 0) {
		fail_msg("a plugin built for ABI 1.0 must load: %s", err);
	}
	assert_int_equal(h->def.abi_major, 1);
	assert_int_equal(h->def.abi_minor, 0);
	assert_true(h->def.struct_size >= SK_PLUGIN_V1_0_SIZE);
	assert_int_equal(sk_loader_caps(h),
			 SK_CAP_SOURCE | SK_CAP_EXTRACT | SK_CAP_PARSE | SK_CAP_OUTPUT);
	assert_string_equal(sk_loader_event_source(h), "abi10");
	assert_int_equal(sk_loader_init(h, "abi10", err, sizeof(err)), 0);
	void *inst = h->inst;

	const struct sk_source_ops *so = h->def.source;
	int fd = 0;
	assert_int_equal(so->open(inst, "fail", &fd, err, sizeof(err)), SK_ERR);
	assert_string_equal(err, "cannot open 'fail'");
	assert_int_equal(so->open(inst, "", &fd, err, sizeof(err)), SK_OK);
	assert_int_equal(fd, -1);
	assert_int_equal(so->set_event_types(inst, NULL, 0), SK_OK);
	const struct sk_evt_hdr *const *evs = NULL;
	size_t n = 0;
	assert_int_equal(so->next_batch(inst, &evs, &n, err, sizeof(err)), SK_OK);
	assert_int_equal(n, 3);

	const struct sk_extract_ops *xo = h->def.extract;
	const struct sk_parse_ops *po = h->def.parse;
	assert_string_equal(xo->fields[1].name, "abi10.tag");
	assert_string_equal(xo->fields[2].name, "abi10.broken");
	assert_string_equal(xo->event_names[0].name, "tick");
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(sk_evt_check(evs[i], evs[i]->len), 0);
		struct sk_event ev = {.rec = evs[i], .num = i + 1, .source = "abi10"};
		struct sk_field_req req = {.field_idx = 0};
		struct sk_value v;
		assert_int_equal(xo->extract(inst, &ev, &req, &v), SK_OK);
		assert_int_equal(v.u64, i + 1);
		req.field_idx = 1;
		assert_int_equal(xo->extract(inst, &ev, &req, &v), SK_OK);
		assert_string_equal(v.str.ptr, "frozen");
		int pr = po->parse(inst, &ev);
		assert_int_equal(pr, i == 1 ? SK_ERR : SK_OK);
		if (pr != SK_OK) {
			assert_string_equal(sk_loader_last_error(h), "event 2 is refused");
		}
	}
	const char *vals[] = {"a", "b"};
	struct sk_field_req req = {.field_idx = 0};
	xo->field_constants(inst, &req, vals, 2);
	assert_int_equal(po->snapshot(inst), SK_OK);
	assert_int_equal(so->next_batch(inst, &evs, &n, err, sizeof(err)), SK_EOF);
	struct sk_source_stats st;
	assert_int_equal(so->stats(inst, &st), SK_OK);
	assert_int_equal(st.events, 3);
	so->close(inst);

	const struct sk_output_ops *oo = h->def.output;
	struct sk_alert a = {.struct_size = sizeof(a), .rule = "ok"};
	assert_int_equal(oo->write(inst, &a), SK_OK);
	a.rule = "refuse";
	assert_int_equal(oo->write(inst, &a), SK_ERR);
	assert_string_equal(sk_loader_last_error(h), "rule 'refuse' is refused");
	assert_int_equal(oo->flush(inst), SK_OK);
	assert_int_equal(oo->reopen(inst), SK_OK);
	assert_int_equal(oo->late_failures(inst), 7);
	const struct sk_metric *m = NULL;
	assert_int_equal(h->def.metrics(inst, &m, &n), SK_OK);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].name, "written");
	assert_int_equal(m[0].value, 1);
	sk_loader_close(h);
}

static void test_host_log_repeats(void **state)
{
	struct sk_plugin_handle *h = NULL;
	assert_int_equal(sk_loader_open(fixture("good"), &h, err, sizeof(err)), 0);
	capture_start();
	assert_int_equal(sk_loader_init(h, "src", err, sizeof(err)), 0);
	const struct sk_host_api *api = sk_loader_host_api();
	api->log(h->host, SK_LOG_WARNING, "queue full (%d)", 5);
	api->log(h->host, SK_LOG_WARNING, "queue full (%d)", 5);
	api->log(h->host, SK_LOG_WARNING, "queue full (%d)", 5);
	api->log(h->host, SK_LOG_ERROR, "queue full (%d)", 5); /* another level: printed */
	api->log(h->host, SK_LOG_ERROR, "broker down\n");      /* trailing newline dropped */
	api->log(h->host, SK_LOG_ERROR, "broker down");
	api->log(h->host, SK_LOG_DEBUG, "not shown at level info");
	sk_loader_close(h); /* reports the pending repeat */
	char *log = capture_end();
	assert_string_equal(log, "shrike: notice: [plugin:src] started in json mode\n"
				 "shrike: warning: [plugin:src] queue full (5)\n"
				 "shrike: warning: [plugin:src] last message repeated 2 times\n"
				 "shrike: error: [plugin:src] queue full (5)\n"
				 "shrike: error: [plugin:src] broker down\n"
				 "shrike: error: [plugin:src] last message repeated 1 times\n");
	free(log);
}

/* ---- helpers ----------------------------------------------------------- */

static void test_resolve(void **state)
{
	char *p = sk_loader_resolve("/x/y", "file");
	assert_string_equal(p, "/x/y/file.so");
	free(p);
	p = sk_loader_resolve("/x/y", "./here/k.so");
	assert_string_equal(p, "./here/k.so");
	free(p);
	p = sk_loader_resolve(FIXTURE_DIR, "good");
	assert_string_equal(p, fixture("good"));
	free(p);
	p = sk_loader_resolve(NULL, "file");
	assert_string_equal(p, SK_PLUGINS_DIR "/file.so");
	free(p);
	/* library_path as falco.yaml writes it: a file name in the directory */
	p = sk_loader_resolve("/x/y", "libk8saudit.so");
	assert_string_equal(p, "/x/y/libk8saudit.so");
	free(p);

	/* Falco names its plugins lib<name>.so */
	char dir[] = "/tmp/sk-loader-test.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char lib[256];
	snprintf(lib, sizeof(lib), "%s/libk8saudit.so", dir);
	int fd = open(lib, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
	p = sk_loader_resolve(dir, "k8saudit");
	assert_string_equal(p, lib);
	free(p);
	unlink(lib);
	rmdir(dir);
}

static void test_close_null(void **state)
{
	sk_loader_close(NULL);
	assert_false(sk_loader_has_cap(NULL, SK_CAP_SOURCE));
}

int main(void)
{
	sk_log_setup(SK_LOG_INFO, true, false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_undefined_symbol),
	    cmocka_unit_test(test_not_a_plugin),
	    cmocka_unit_test(test_not_an_elf_file),
	    cmocka_unit_test(test_wrong_major),
	    cmocka_unit_test(test_newer_minor),
	    cmocka_unit_test(test_short_table),
	    cmocka_unit_test(test_roles_without_callbacks),
	    cmocka_unit_test(test_role_table_too_small),
	    cmocka_unit_test(test_unknown_flags),
	    cmocka_unit_test(test_no_role),
	    cmocka_unit_test(test_no_init),
	    cmocka_unit_test(test_bad_name),
	    cmocka_unit_test(test_bad_field),
	    cmocka_unit_test(test_no_version),
	    cmocka_unit_test(test_param_outside_config),
	    cmocka_unit_test(test_init_fails),
	    cmocka_unit_test(test_init_fails_after_setting_inst),
	    cmocka_unit_test(test_good_table),
	    cmocka_unit_test(test_good_configure_from_yaml),
	    cmocka_unit_test(test_good_defaults),
	    cmocka_unit_test(test_good_configure_error),
	    cmocka_unit_test(test_good_lifecycle),
	    cmocka_unit_test(test_frozen_abi_1_0),
	    cmocka_unit_test(test_host_log_repeats),
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_close_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
