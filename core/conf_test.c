/* core/conf_test.c - unit tests for core/conf.c: shrike.yaml loading, every
 * default, every section, -o overrides, error messages with file:line:col,
 * and the shipped shrike.yaml generated in the build tree.
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
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "log.h"

#ifndef SK_TEST_FIXTURES
#define SK_TEST_FIXTURES "tests/fixtures"
#endif
#ifndef SK_TEST_BUILDDIR
#define SK_TEST_BUILDDIR "."
#endif

static char err[4096];
static char tpath[256]; /* the temporary file of load_text() */

static const char *fixture(const char *name)
{
	static char path[4096];
	const char *dir = getenv("SK_FIXTURES");
	snprintf(path, sizeof(path), "%s/config/%s", dir && *dir ? dir : SK_TEST_FIXTURES, name);
	return path;
}

/* Write `text` to a temporary file and load it with the overrides. The
 * file is gone again when this returns. */
static int load_text(const char *text, const char *const *ov, size_t nov, struct sk_conf **ret)
{
	snprintf(tpath, sizeof(tpath), "/tmp/sk-conf-test-XXXXXX.yaml");
	int fd = mkstemps(tpath, 5);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	err[0] = '\0';
	*ret = NULL;
	int rc = sk_conf_load(tpath, ov, nov, ret, err, sizeof(err));
	unlink(tpath);
	return rc;
}

static struct sk_conf *load_ok(const char *text, const char *const *ov, size_t nov)
{
	struct sk_conf *c = NULL;
	int rc = load_text(text, ov, nov, &c);
	if (rc != 0) {
		print_error("load failed: %s\n", err);
	}
	assert_int_equal(rc, 0);
	assert_non_null(c);
	return c;
}

/* Load must fail with "TPATH<suffix>" (or exactly `suffix` when it starts
 * with "-o"; suffix NULL: the caller checks err itself). */
static void load_fails(const char *text, const char *const *ov, size_t nov, const char *suffix)
{
	struct sk_conf *c = NULL;
	char want[8192];
	assert_int_equal(load_text(text, ov, nov, &c), -EINVAL);
	assert_null(c);
	if (!suffix) {
		return;
	}
	if (strncmp(suffix, "-o", 2) == 0) {
		snprintf(want, sizeof(want), "%s", suffix);
	} else {
		snprintf(want, sizeof(want), "%s%s", tpath, suffix);
	}
	assert_string_equal(err, want);
}

static const struct sk_conf_output *output(const struct sk_conf *c, const char *key)
{
	for (size_t i = 0; i < c->noutputs; i++) {
		if (strcmp(c->outputs[i].key, key) == 0) {
			return &c->outputs[i];
		}
	}
	fail_msg("no output %s", key);
	return NULL;
}

/* The webserver settings of c: its own flags and what the server gets. */
static void assert_web(const struct sk_conf *c, bool enabled, bool falco_names,
		       const struct sk_websrv_conf *want)
{
	struct sk_websrv_conf got;
	sk_conf_websrv(c, &got);
	assert_int_equal(c->web_enabled, enabled);
	assert_int_equal(c->web_prometheus_falco_names, falco_names);
	assert_string_equal(got.listen_address, want->listen_address);
	assert_int_equal(got.listen_port, want->listen_port);
	assert_int_equal(got.threadiness, want->threadiness);
	assert_string_equal(got.healthz_path, want->healthz_path);
	assert_int_equal(got.prometheus_metrics_enabled, want->prometheus_metrics_enabled);
	assert_int_equal(got.ssl_enabled, want->ssl_enabled);
	assert_string_equal(got.ssl_certificate, want->ssl_certificate);
	assert_int_equal(got.connection_limit, want->connection_limit);
	assert_int_equal(got.connection_timeout_s, want->connection_timeout_s);
	assert_int_equal(got.per_ip_connection_limit, 0); /* the server's own share */
	assert_int_equal(c->web_connection_timeout_ms, want->connection_timeout_s * 1000);
}

/* ---- whole files ---------------------------------------------------------- */

static void test_every_default(void **state)
{
	struct sk_conf *c = NULL;
	const char *path = fixture("empty.yaml");
	assert_int_equal(sk_conf_load(path, NULL, 0, &c, err, sizeof(err)), 0);
	assert_string_equal(c->path, path);
	assert_int_equal(c->rules_files.n, 0);
	assert_int_equal(c->min_priority, SK_PRI_DEBUG);
	assert_null(c->rules_select);
	assert_null(c->append_output);
	assert_false(c->fmt.json_output);
	assert_true(c->fmt.json_include_output_property);
	assert_true(c->fmt.json_include_output_fields_property);
	assert_false(c->fmt.json_include_message_property);
	assert_true(c->fmt.json_include_tags_property);
	assert_true(c->fmt.json_include_uuid_property);
	assert_false(c->fmt.time_format_iso_8601);
	assert_null(c->fmt.hostname);
	assert_false(c->buffered_outputs);
	assert_int_equal(c->queue_capacity, 0);

	/* all six outputs, in order, stdout on */
	static const char *const keys[] = {"stdout_output", "file_output",    "syslog_output",
					   "http_output",   "program_output", "kafka_output"};
	static const char *const plugins[] = {"stdout", "file",	   "syslog",
					      "http",	"program", "kafka"};
	assert_int_equal(c->noutputs, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(c->outputs[i].key, keys[i]);
		assert_string_equal(c->outputs[i].plugin, plugins[i]);
		assert_int_equal(c->outputs[i].enabled, i == 0);
		assert_null(c->outputs[i].section);
	}

	assert_string_equal(c->plugins_dir, SK_PLUGINS_DIR);
	assert_int_equal(c->nplugins, 0);
	assert_int_equal(c->load_plugins.n, 0);
	assert_int_equal(c->engine_kind, SK_ENGINE_AUTO); /* ebpf, else kmod (issue 14) */
	assert_null(c->replay_file);
	assert_null(c->engine);
	assert_int_equal(c->log_level, SK_LOG_INFO);
	assert_true(c->log_stderr);
	assert_false(c->log_syslog);
	assert_false(c->metrics_enabled);
	assert_int_equal(c->metrics_interval_ms, 3600000);
	assert_true(c->metrics_output_rule);
	assert_false(c->metrics_log);
	assert_null(c->metrics);
	assert_null(c->webserver);
	struct sk_websrv_conf web = {
	    .listen_address = "0.0.0.0",
	    .listen_port = 8765,
	    .healthz_path = "/healthz",
	    .ssl_certificate = "/etc/shrike/shrike.pem",
	    .connection_limit = 64,
	    .connection_timeout_s = 10,
	};
	assert_web(c, false, false, &web); /* Falco enables it; see docs/configuration.md */
	assert_null(c->syscall_event_drops);
	assert_null(c->base_syscalls);
	assert_true(c->watch_config_files);
	assert_int_equal(c->shutdown_timeout_ms, 5000);
	sk_conf_free(c);
}

static void test_full_file(void **state)
{
	struct sk_conf *c = NULL;
	int rc = sk_conf_load(fixture("full.yaml"), NULL, 0, &c, err, sizeof(err));
	if (rc != 0) {
		print_error("%s\n", err);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(c->rules_files.n, 2);
	assert_string_equal(c->rules_files.items[0], "/etc/shrike/shrike_rules.yaml");
	assert_string_equal(c->rules_files.items[1], "/etc/shrike/rules.d");
	assert_non_null(c->rules_select);
	assert_int_equal(c->rules_select->n, 2);
	assert_int_equal(c->rules_select->line, 6);
	assert_int_equal(c->min_priority, SK_PRI_WARNING);
	assert_non_null(c->append_output);
	assert_int_equal(c->append_output->kind, SK_CFG_SEQ);

	assert_true(c->fmt.json_output);
	assert_false(c->fmt.json_include_output_property);
	assert_false(c->fmt.json_include_output_fields_property);
	assert_true(c->fmt.json_include_message_property);
	assert_false(c->fmt.json_include_tags_property);
	assert_false(c->fmt.json_include_uuid_property);
	assert_true(c->fmt.time_format_iso_8601);
	assert_true(c->buffered_outputs);
	assert_int_equal(c->queue_capacity, 4096);

	assert_false(output(c, "stdout_output")->enabled);
	const struct sk_conf_output *fo = output(c, "file_output");
	assert_true(fo->enabled);
	assert_string_equal(fo->plugin, "file");
	assert_string_equal(sk_cfg_get(fo->section, "filename")->scalar,
			    "/var/log/shrike/events.log");
	assert_true(output(c, "syslog_output")->enabled);
	assert_true(output(c, "http_output")->enabled);
	assert_false(output(c, "program_output")->enabled);
	assert_string_equal(sk_cfg_get(output(c, "program_output")->section, "program")->scalar,
			    "jq '{text: .output}' | logger");
	assert_true(output(c, "kafka_output")->enabled);

	assert_int_equal(c->nplugins, 2);
	assert_string_equal(c->plugins[0].name, "k8saudit");
	assert_string_equal(c->plugins[0].library_path, "libk8saudit.so");
	assert_string_equal(c->plugins[0].open_params, "http://:9765/k8s-audit");
	assert_int_equal(c->plugins[0].init_config->kind, SK_CFG_MAP);
	char *json = sk_cfg_to_json(c->plugins[0].init_config);
	assert_string_equal(json, "{\"maxEventSize\":262144}");
	free(json);
	assert_true(c->plugins[0].load);
	assert_string_equal(c->plugins[1].name, "json");
	assert_null(c->plugins[1].open_params);
	assert_int_equal(c->plugins[1].init_config->kind, SK_CFG_SCALAR);
	assert_false(c->plugins[1].load); /* not in load_plugins */
	assert_int_equal(c->plugins[1].node->line, 49);
	assert_int_equal(c->load_plugins.n, 1);
	assert_string_equal(c->load_plugins.items[0], "k8saudit");
	assert_string_equal(c->plugins_dir, "/opt/shrike/plugins");

	assert_int_equal(c->engine_kind, SK_ENGINE_REPLAY);
	assert_string_equal(c->replay_file, "/tmp/trace.scap");
	assert_string_equal(sk_cfg_get_path(c->engine, "ebpf.buf_size_preset")->scalar, "4");

	assert_int_equal(c->log_level, SK_LOG_DEBUG);
	assert_false(c->log_stderr);
	assert_true(c->log_syslog);
	assert_true(c->metrics_enabled);
	assert_int_equal(c->metrics_interval_ms, 15 * 60 * 1000);
	assert_false(c->metrics_output_rule);
	assert_true(c->metrics_log);
	assert_string_equal(sk_cfg_get(c->metrics, "libbpf_stats_enabled")->scalar, "false");
	struct sk_websrv_conf web = {
	    .listen_address = "::",
	    .listen_port = 9876,
	    .threadiness = 4,
	    .healthz_path = "/livez",
	    .prometheus_metrics_enabled = true,
	    .ssl_enabled = true,
	    .ssl_certificate = "/etc/shrike/tls/server.pem",
	    .connection_limit = 16,
	    .connection_timeout_s = 30,
	};
	assert_web(c, true, true, &web);
	assert_int_equal(c->webserver->line, 77);
	assert_non_null(sk_cfg_get(c->syscall_event_drops, "actions"));
	assert_non_null(sk_cfg_get(c->base_syscalls, "custom_set"));
	assert_false(c->watch_config_files);
	assert_int_equal(c->shutdown_timeout_ms, 750);
	sk_conf_free(c);
}

static void test_shipped_config_validates(void **state)
{
	char path[4096];
	const char *dir = getenv("top_builddir");
	snprintf(path, sizeof(path), "%s/shrike.yaml", dir && *dir ? dir : SK_TEST_BUILDDIR);
	struct sk_conf *c = NULL;
	/* config.d is the installed one, whatever this machine holds there:
	 * leave it out (core/conf_files_test.c tests the includes) */
	const char *ov[] = {"config_files=[]"};
	int rc = sk_conf_load(path, ov, 1, &c, err, sizeof(err));
	if (rc != 0) {
		print_error("%s\n", err);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(c->includes.entries.n, 0);
	/* the @dirs@ were substituted with the same values the daemon has */
	assert_int_equal(c->rules_files.n, 3);
	assert_string_equal(c->rules_files.items[0], SK_RULES_DIR "/shrike_rules.yaml");
	assert_string_equal(c->rules_files.items[1], SK_CONF_DIR "/shrike_rules.local.yaml");
	assert_string_equal(c->rules_files.items[2], SK_CONF_DIR "/rules.d");
	/* the audit plugins are declared but only --enable-source loads them;
	 * the audit rules come with the k8saudit entry, so they load with it */
	assert_int_equal(c->nplugins, 2);
	assert_string_equal(c->plugins[0].name, "k8saudit");
	assert_false(c->plugins[0].load);
	assert_int_equal(c->plugins[0].rules_files.n, 1);
	assert_string_equal(c->plugins[0].rules_files.items[0],
			    SK_RULES_DIR "/k8s_audit_rules.yaml");
	assert_int_equal(c->plugins[1].rules_files.n, 0);
	assert_false(c->plugins[1].load);
	assert_string_equal(c->plugins_dir, SK_PLUGINS_DIR);
	assert_int_equal(c->engine_kind, SK_ENGINE_AUTO); /* the default rules need syscalls */
	assert_true(output(c, "stdout_output")->enabled);
	const struct sk_conf_output *fo = output(c, "file_output");
	assert_false(fo->enabled);
	assert_string_equal(sk_cfg_get(fo->section, "filename")->scalar,
			    "/var/log/shrike/events.log");
	for (size_t i = 0; i < c->noutputs; i++) {
		assert_non_null(c->outputs[i].section); /* every section is shown */
		assert_int_equal(c->outputs[i].enabled, i == 0);
	}
	assert_false(c->fmt.json_output);
	assert_int_equal(c->min_priority, SK_PRI_DEBUG);
	assert_int_equal(c->log_level, SK_LOG_INFO);
	assert_int_equal(c->shutdown_timeout_ms, 5000);
	sk_conf_free(c);

	/* it includes the installed config.d */
	struct sk_cfg_node *raw = NULL;
	assert_int_equal(sk_cfg_parse_file(path, &raw, err, sizeof(err)), 0);
	const struct sk_cfg_node *cf = sk_cfg_get(raw, "config_files");
	assert_non_null(cf);
	assert_int_equal(cf->kind, SK_CFG_SEQ);
	assert_int_equal(cf->n, 1);
	assert_string_equal(cf->items[0]->scalar, SK_CONF_DIR "/config.d");
	sk_cfg_free(raw);

	/* and it can be switched over to JSON and a file from the command line */
	const char *ov2[] = {"config_files=[]", "json_output=true", "file_output.enabled=true",
			     "stdout_output.enabled=false"};
	assert_int_equal(sk_conf_load(path, ov2, 4, &c, err, sizeof(err)), 0);
	assert_true(c->fmt.json_output);
	assert_true(output(c, "file_output")->enabled);
	assert_false(output(c, "stdout_output")->enabled);
	sk_conf_free(c);
}

static void test_default_path_and_missing_file(void **state)
{
	assert_string_equal(sk_conf_default_path(), SK_CONF_DIR "/shrike.yaml");
	struct sk_conf *c = NULL;
	assert_int_equal(sk_conf_load("/nonexistent/shrike.yaml", NULL, 0, &c, err, sizeof(err)),
			 -ENOENT);
	assert_null(c);
	assert_string_equal(err,
			    "/nonexistent/shrike.yaml: cannot open: No such file or directory");
}

static void test_syntax_error(void **state)
{
	struct sk_conf *c = NULL;
	const char *path = fixture("syntax_error.yaml");
	char want[8192];
	assert_int_equal(sk_conf_load(path, NULL, 0, &c, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:4:12: did not find expected ',' or ']' (while parsing a flow sequence at "
		 "line 2, column 14)",
		 path);
	assert_string_equal(err, want);
}

/* ---- top-level keys ------------------------------------------------------- */

#define VALID_TOP_KEYS                                                                             \
	"append_output, base_syscalls, buffered_outputs, config_files, drop_capabilities, "        \
	"engine, file_output, http_output, json_include_message_property, "                        \
	"json_include_output_fields_property, "                                                    \
	"json_include_output_property, json_include_tags_property, json_include_uuid_property, "   \
	"json_output, kafka_output, load_plugins, log_level, log_stderr, log_syslog, metrics, "    \
	"outputs_queue, plugins, plugins_dir, priority, program_output, rules, rules_file, "       \
	"rules_files, shutdown_timeout, stdout_output, syscall_event_drops, syslog_output, "       \
	"time_format_iso_8601, watch_config_files, webserver"

static void test_unknown_top_level_key(void **state)
{
	struct sk_conf *c = NULL;
	const char *path = fixture("unknown_key.yaml");
	char want[8192];
	assert_int_equal(sk_conf_load(path, NULL, 0, &c, err, sizeof(err)), -EINVAL);
	assert_null(c);
	snprintf(want, sizeof(want),
		 "%s:4:1: json_outptu: unknown key (valid keys: " VALID_TOP_KEYS ")", path);
	assert_string_equal(err, want);

	/* the same through -o: the position is the override's */
	const char *ov[] = {"priority=error", "json_outptu=true"};
	load_fails("{}", ov, 2,
		   "-o:1:1: json_outptu: unknown key (valid keys: " VALID_TOP_KEYS ")");
}

static void test_top_level_not_a_map(void **state)
{
	load_fails("- a\n- b\n", NULL, 0,
		   ":1:1: expected a map of settings at the top level, got a list");
}

static void test_wrong_types(void **state)
{
	struct sk_conf *c = NULL;
	const char *path = fixture("bad_output_type.yaml");
	char want[8192];
	assert_int_equal(sk_conf_load(path, NULL, 0, &c, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:4:12: file_output.enabled: expected a boolean (true or false), got 'maybe'",
		 path);
	assert_string_equal(err, want);

	load_fails("json_output: 1\n", NULL, 0,
		   ":1:14: json_output: expected a boolean (true or false), got '1'");
	load_fails("http_output: yes\n", NULL, 0, ":1:14: http_output: expected a map, got 'yes'");
	load_fails("kafka_output:\n  - enabled\n", NULL, 0,
		   ":2:3: kafka_output: expected a map, got a list");
	load_fails("shutdown_timeout: soon\n", NULL, 0,
		   ":1:19: shutdown_timeout: expected a duration (e.g. 250ms, 5s, 2m, 1h), got "
		   "'soon'");
	load_fails("rules_files: {a: b}\n", NULL, 0,
		   ":1:14: rules_files: expected a string or a list of strings, got a map");
	load_fails("outputs_queue:\n  capacity: -1\n", NULL, 0,
		   ":2:13: outputs_queue.capacity: expected a non-negative integer, got '-1'");
	load_fails("outputs_queue:\n  recovery: 1\n", NULL, 0,
		   ":2:3: outputs_queue.recovery: unknown key (valid keys: capacity)");
	load_fails("webserver: [1]\n", NULL, 0, ":1:12: webserver: expected a map, got a list");
	load_fails("syscall_event_drops: off\n", NULL, 0,
		   ":1:22: syscall_event_drops: expected a map, got 'off'");
	load_fails("base_syscalls: [execve]\n", NULL, 0,
		   ":1:16: base_syscalls: expected a map, got a list");
	load_fails("append_output: {match: x}\n", NULL, 0,
		   ":1:16: append_output: expected a list, got a map");
}

static void test_output_sections_kept(void **state)
{
	/* keys other than `enabled` belong to the output plugin: kept, not checked */
	struct sk_conf *c = load_ok("syslog_output:\n"
				    "  enabled: true\n"
				    "  anything: [1, 2]\n"
				    "file_output:\n",
				    NULL, 0);
	const struct sk_conf_output *so = output(c, "syslog_output");
	assert_true(so->enabled);
	assert_int_equal(sk_cfg_get(so->section, "anything")->n, 2);
	assert_null(output(c, "file_output")->section); /* written empty */
	assert_false(output(c, "file_output")->enabled);
	sk_conf_free(c);
}

static void test_priority_and_log_level(void **state)
{
	static const struct {
		const char *text;
		int prio;
	} prios[] = {
	    {"Emergency", SK_PRI_EMERGENCY},
	    {"ALERT", SK_PRI_ALERT},
	    {"critical", SK_PRI_CRITICAL},
	    {"Error", SK_PRI_ERROR},
	    {"WARNING", SK_PRI_WARNING},
	    {"notice", SK_PRI_NOTICE},
	    {"Informational", SK_PRI_INFORMATIONAL},
	    {"info", SK_PRI_INFORMATIONAL},
	    {"debug", SK_PRI_DEBUG},
	};
	for (size_t i = 0; i < sizeof(prios) / sizeof(prios[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "priority: %s\n", prios[i].text);
		struct sk_conf *c = load_ok(text, NULL, 0);
		assert_int_equal(c->min_priority, prios[i].prio);
		sk_conf_free(c);
	}
	load_fails("priority: urgent\n", NULL, 0,
		   ":1:11: priority: expected one of emergency, alert, critical, error, warning, "
		   "notice, informational, debug, got 'urgent'");

	struct sk_conf *c = load_ok("log_level: warning\n", NULL, 0);
	assert_int_equal(c->log_level, SK_LOG_WARNING);
	sk_conf_free(c);
	load_fails("log_level: chatty\n", NULL, 0,
		   ":1:12: log_level: expected one of emergency, alert, critical, error, warning, "
		   "notice, info, debug, got 'chatty'");
}

/* ---- rules ---------------------------------------------------------------- */

static void test_rules_file_legacy(void **state)
{
	struct sk_conf *c = NULL;
	assert_int_equal(
	    sk_conf_load(fixture("legacy_rules_file.yaml"), NULL, 0, &c, err, sizeof(err)), 0);
	assert_int_equal(c->rules_files.n, 2);
	assert_string_equal(c->rules_files.items[0], "/etc/falco/falco_rules.yaml");
	assert_string_equal(c->rules_files.items[1], "/etc/falco/falco_rules.local.yaml");
	sk_conf_free(c);

	/* a single string is a list of one */
	c = load_ok("rules_files: /etc/shrike/only.yaml\n", NULL, 0);
	assert_int_equal(c->rules_files.n, 1);
	assert_string_equal(c->rules_files.items[0], "/etc/shrike/only.yaml");
	sk_conf_free(c);

	/* both names at once: the message points at both keys */
	load_fails("rules_files: [a]\n# pad\nrules_file: [b]\n", NULL, 0, NULL);
	char full[8192];
	snprintf(full, sizeof(full),
		 "%s:3:1: rules_file: set together with rules_files (at %s:1:1); keep only "
		 "rules_files",
		 tpath, tpath);
	assert_string_equal(err, full);
}

static void test_rules_selection(void **state)
{
	struct sk_conf *c = load_ok("rules:\n"
				    "  - disable:\n"
				    "      rule: \"*\"\n"
				    "  - enable:\n"
				    "      tag: network\n"
				    "  - enable:\n"
				    "      rule: Terminal shell in container\n",
				    NULL, 0);
	assert_int_equal(c->rules_select->kind, SK_CFG_SEQ);
	assert_int_equal(c->rules_select->n, 3);
	const struct sk_cfg_node *third = sk_cfg_get(c->rules_select->items[2], "enable");
	assert_string_equal(sk_cfg_get(third, "rule")->scalar, "Terminal shell in container");
	sk_conf_free(c);

	load_fails("rules: {disable: x}\n", NULL, 0, ":1:8: rules: expected a list, got a map");
	load_fails("rules:\n  - disable\n", NULL, 0,
		   ":2:5: rules[0]: expected a map with one key, 'enable' or 'disable'");
	load_fails("rules:\n  - enabel:\n      rule: x\n", NULL, 0,
		   ":2:5: rules[0].enabel: unknown key (valid keys: disable, enable)");
	load_fails("rules:\n  - enable: x\n", NULL, 0,
		   ":2:13: rules[0].enable: expected a map with 'rule' or 'tag', got a scalar");
	load_fails("rules:\n  - enable:\n      rule: a\n      tag: b\n", NULL, 0,
		   ":3:7: rules[0].enable: give exactly one of 'rule' or 'tag'");
	load_fails("rules:\n  - enable:\n      rules: a\n", NULL, 0,
		   ":3:7: rules[0].enable.rules: unknown key (valid keys: rule, tag)");
}

/* ---- overrides ------------------------------------------------------------ */

static void test_overrides(void **state)
{
	const char *ov[] = {
	    "json_output=true",		"rules_files=[/tmp/a.yaml, /tmp/rules.d]",
	    "file_output.enabled=true", "file_output.filename=/tmp/out.log",
	    "engine.kind=kmod",		"json_output=false", /* later overrides win */
	};
	struct sk_conf *c = load_ok("json_output: false\n"
				    "rules_files: [/etc/shrike/shrike_rules.yaml]\n",
				    ov, sizeof(ov) / sizeof(ov[0]));
	assert_false(c->fmt.json_output);
	assert_int_equal(c->rules_files.n, 2);
	assert_string_equal(c->rules_files.items[0], "/tmp/a.yaml");
	assert_string_equal(c->rules_files.items[1], "/tmp/rules.d");
	const struct sk_conf_output *fo = output(c, "file_output");
	assert_true(fo->enabled);
	assert_string_equal(sk_cfg_get(fo->section, "filename")->scalar, "/tmp/out.log");
	assert_string_equal(sk_cfg_get(fo->section, "filename")->file, "-o");
	assert_int_equal(c->engine_kind, SK_ENGINE_KMOD);
	sk_conf_free(c);

	/* adding a plugin and a list from the command line */
	const char *ov2[] = {
	    "plugins[0]={name: json, library_path: libjson.so}",
	    "plugins[1].name=k8saudit",
	    "plugins[1].library_path=libk8saudit.so",
	    "load_plugins=[k8saudit]",
	};
	c = load_ok("priority: info\n", ov2, 4);
	assert_int_equal(c->nplugins, 2);
	assert_string_equal(c->plugins[1].library_path, "libk8saudit.so");
	assert_false(c->plugins[0].load);
	assert_true(c->plugins[1].load);
	sk_conf_free(c);

	/* a bad override and a bad value set by an override */
	const char *bad[] = {"json_output"};
	load_fails("{}", bad, 1, "-o 'json_output': expected KEY=VALUE (e.g. json_output=true)");
	const char *bad2[] = {"file_output.enabled=perhaps"};
	load_fails("{}", bad2, 1,
		   "-o:1:21: file_output.enabled: expected a boolean (true or false), got "
		   "'perhaps'");
	const char *bad3[] = {"priority.level=1"};
	load_fails("priority: info\n", bad3, 1, NULL);
	char want[8192];
	snprintf(want, sizeof(want),
		 "-o 'priority.level=1': priority is a scalar (at %s:1:11), not a map", tpath);
	assert_string_equal(err, want);
}

static void test_engine_kinds(void **state)
{
	static const struct {
		const char *kind;
		enum sk_engine_kind want;
	} kinds[] = {
	    {"none", SK_ENGINE_NONE},	     {"nodriver", SK_ENGINE_NONE}, {"ebpf", SK_ENGINE_EBPF},
	    {"modern_ebpf", SK_ENGINE_EBPF}, {"kmod", SK_ENGINE_KMOD},	   {"auto", SK_ENGINE_AUTO},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "engine:\n  kind: %s\n", kinds[i].kind);
		struct sk_conf *c = load_ok(text, NULL, 0);
		assert_int_equal(c->engine_kind, kinds[i].want);
		assert_non_null(c->engine);
		assert_null(c->replay_file);
		sk_conf_free(c);
	}
	struct sk_conf *c = load_ok("engine:\n"
				    "  kind: replay\n"
				    "  replay:\n"
				    "    capture_file: /tmp/x.scap\n"
				    "  gvisor:\n"
				    "    config: /etc/x\n",
				    NULL, 0);
	assert_int_equal(c->engine_kind, SK_ENGINE_REPLAY);
	assert_string_equal(c->replay_file, "/tmp/x.scap");
	sk_conf_free(c);

	/* what -e does: replay through overrides */
	const char *ov[] = {"engine.kind=replay", "engine.replay.capture_file=/tmp/y.scap"};
	c = load_ok("{}", ov, 2);
	assert_int_equal(c->engine_kind, SK_ENGINE_REPLAY);
	assert_string_equal(c->replay_file, "/tmp/y.scap");
	sk_conf_free(c);

	load_fails("engine:\n  kind: gvisor\n", NULL, 0,
		   ":2:9: engine.kind: expected one of none, ebpf, modern_ebpf, kmod, replay, "
		   "nodriver, auto, got 'gvisor'");
	load_fails("engine:\n  kind: EBPF\n", NULL, 0,
		   ":2:9: engine.kind: expected one of none, ebpf, modern_ebpf, kmod, replay, "
		   "nodriver, auto, got 'EBPF'");
	load_fails("engine:\n  kind: replay\n", NULL, 0,
		   ":2:9: engine.kind: 'replay' needs engine.replay.capture_file");
	load_fails("engine:\n  kind: ebpf\n  bpf: {}\n", NULL, 0,
		   ":3:3: engine.bpf: unknown key (valid keys: ebpf, gvisor, kind, kmod, "
		   "modern_ebpf, replay)");
	load_fails("engine:\n  replay:\n    file: x\n", NULL, 0,
		   ":3:5: engine.replay.file: unknown key (valid keys: capture_file)");
	load_fails("engine:\n  ebpf: [1]\n", NULL, 0,
		   ":2:9: engine.ebpf: expected a map, got a list");
}

/* ---- plugins -------------------------------------------------------------- */

static void test_plugins(void **state)
{
	/* without load_plugins every plugin loads */
	struct sk_conf *c = load_ok("plugins:\n"
				    "  - name: a\n"
				    "    library_path: liba.so\n"
				    "    init_config: '{\"x\": 1}'\n"
				    "  - name: b\n"
				    "    library_path: /abs/libb.so\n",
				    NULL, 0);
	assert_int_equal(c->nplugins, 2);
	assert_true(c->plugins[0].load);
	assert_true(c->plugins[1].load);
	assert_string_equal(c->plugins[0].init_config->scalar, "{\"x\": 1}");
	assert_null(c->plugins[1].init_config);
	sk_conf_free(c);

	/* an empty load_plugins loads none (Falco's rule) */
	c = load_ok("plugins:\n  - name: a\n    library_path: liba.so\nload_plugins: []\n", NULL,
		    0);
	assert_false(c->plugins[0].load);
	sk_conf_free(c);

	load_fails("plugins:\n  - name: a\n", NULL, 0,
		   ":2:5: plugins[0]: missing required key 'library_path'");
	load_fails("plugins:\n  - name: a\n    library_path: x\n    init: {}\n", NULL, 0,
		   ":4:5: plugins[0].init: unknown key (valid keys: init_config, library_path, "
		   "name, open_params, rules_files)");
	load_fails("plugins:\n  - a\n", NULL, 0,
		   ":2:5: plugins[0]: expected a map with name and library_path, got a scalar");
	load_fails("plugins:\n  - name: a\n    library_path: x\n  - name: a\n    library_path: y\n",
		   NULL, 0, NULL);
	char want[8192];
	snprintf(want, sizeof(want),
		 "%s:4:11: plugins[1].name: plugin 'a' is already defined at %s:2:5", tpath, tpath);
	assert_string_equal(err, want);
	load_fails("plugins:\n  - name: a\n    library_path: x\n    init_config: [1]\n", NULL, 0,
		   ":4:18: plugins[0].init_config: expected a map or a string, got a list");
	load_fails("plugins:\n  - name: a\n    library_path: x\nload_plugins: [a, b]\n", NULL, 0,
		   ":4:19: load_plugins[1]: no plugin named 'b' under plugins:");
	load_fails("load_plugins: c\n", NULL, 0,
		   ":1:15: load_plugins: no plugin named 'c' under plugins:");
}

/* ---- metrics -------------------------------------------------------------- */

static void test_metrics(void **state)
{
	struct sk_conf *c = load_ok("metrics:\n"
				    "  enabled: true\n"
				    "  interval: 30s\n"
				    "  state_counters_enabled: false\n"
				    "  output_file: /tmp/m.jsonl\n",
				    NULL, 0);
	assert_true(c->metrics_enabled);
	assert_int_equal(c->metrics_interval_ms, 30000);
	assert_true(c->metrics_output_rule);
	assert_false(c->metrics_log);
	assert_non_null(c->metrics);
	sk_conf_free(c);

	load_fails("metrics:\n  interval: 10ms\n", NULL, 0,
		   ":2:13: metrics.interval: '10ms' (10ms) is out of range (at least 100ms)");
	load_fails("metrics:\n  enabled: true\n  intervall: 1m\n", NULL, 0, NULL);
	assert_non_null(strstr(err,
			       ":3:3: metrics.intervall: unknown key (valid keys: "
			       "convert_memory_to_mb, enabled, include_empty_values, interval,"));
	load_fails("metrics:\n  rules_counters_enabled: sometimes\n", NULL, 0,
		   ":2:27: metrics.rules_counters_enabled: expected a boolean (true or false), got "
		   "'sometimes'");
}

/* ---- webserver ------------------------------------------------------------ */

static void test_webserver(void **state)
{
	struct sk_conf *c = load_ok("webserver:\n"
				    "  enabled: true\n"
				    "  listen_address: 127.0.0.1\n"
				    "  listen_port: 0\n"
				    "  prometheus_metrics_enabled: true\n"
				    "  connection_timeout: 1500ms\n",
				    NULL, 0);
	struct sk_websrv_conf web = {
	    .listen_address = "127.0.0.1",
	    .listen_port = 0,
	    .healthz_path = "/healthz",
	    .prometheus_metrics_enabled = true,
	    .ssl_certificate = "/etc/shrike/shrike.pem",
	    .connection_limit = 64,
	    .connection_timeout_s = 2, /* whole seconds, rounded up */
	};
	assert_web(c, true, false, &web);
	sk_conf_free(c);

	/* from the command line, and with -o positions */
	const char *ov[] = {"webserver.enabled=true", "webserver.listen_port=9000",
			    "webserver.ssl_enabled=true"};
	c = load_ok("{}", ov, 3);
	assert_true(c->web_enabled);
	assert_int_equal(c->web_listen_port, 9000);
	assert_true(c->web_ssl_enabled);
	sk_conf_free(c);
	const char *bad[] = {"webserver.listen_address=::ffff:1.2.3"};
	load_fails("{}", bad, 1,
		   "-o:1:26: webserver.listen_address: '::ffff:1.2.3' is not an IPv4 or IPv6 "
		   "address; write one (0.0.0.0 or :: for every address, 127.0.0.1 for this host "
		   "only)");
}

static void test_webserver_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
	    {"webserver:\n  listen_prot: 80\n",
	     ":2:3: webserver.listen_prot: unknown key (valid keys: connection_limit, "
	     "connection_timeout, enabled, k8s_healthz_endpoint, listen_address, "
	     "listen_port, prometheus_falco_names, prometheus_metrics_enabled, "
	     "ssl_certificate, ssl_enabled, threadiness)"},
	    {"webserver:\n  enabled: sure\n",
	     ":2:12: webserver.enabled: expected a boolean (true or false), got 'sure'"},
	    {"webserver:\n  listen_port: 70000\n",
	     ":2:16: webserver.listen_port: 70000 is out of range (0..65535)"},
	    {"webserver:\n  listen_port: -1\n",
	     ":2:16: webserver.listen_port: expected a non-negative integer, got '-1'"},
	    {"webserver:\n  threadiness: many\n",
	     ":2:16: webserver.threadiness: expected a non-negative integer, got 'many'"},
	    {"webserver:\n  threadiness: 5000\n",
	     ":2:16: webserver.threadiness: 5000 is out of range (0..1024)"},
	    {"webserver:\n  connection_limit: 0\n",
	     ":2:21: webserver.connection_limit: 0 is out of range (1..100000)"},
	    {"webserver:\n  connection_timeout: 500ms\n",
	     ":2:23: webserver.connection_timeout: '500ms' (500ms) is out of range "
	     "(1000ms..3600000ms)"},
	    {"webserver:\n  connection_timeout: soon\n",
	     ":2:23: webserver.connection_timeout: expected a duration (e.g. 250ms, 5s, 2m, "
	     "1h), got 'soon'"},
	    {"webserver:\n  listen_address: localhost\n",
	     ":2:19: webserver.listen_address: 'localhost' is not an IPv4 or IPv6 address; "
	     "write one (0.0.0.0 or :: for every address, 127.0.0.1 for this host only)"},
	    {"webserver:\n  k8s_healthz_endpoint: healthz\n",
	     ":2:25: webserver.k8s_healthz_endpoint: 'healthz' must start with / (e.g. "
	     "/healthz)"},
	    {"webserver:\n  k8s_healthz_endpoint: /metrics\n",
	     ":2:25: webserver.k8s_healthz_endpoint: '/metrics' is the path of another page "
	     "(e.g. /healthz)"},
	    {"webserver:\n  k8s_healthz_endpoint: /versions\n",
	     ":2:25: webserver.k8s_healthz_endpoint: '/versions' is the path of another "
	     "page (e.g. /healthz)"},
	    {"webserver:\n  k8s_healthz_endpoint: \"/ok?x\"\n",
	     ":2:25: webserver.k8s_healthz_endpoint: '/ok?x' may not hold spaces, control "
	     "characters, ? or # (e.g. /healthz)"},
	    {"webserver:\n  ssl_enabled: true\n  ssl_certificate: \"\"\n",
	     ":3:20: webserver.ssl_certificate: empty while webserver.ssl_enabled is true; "
	     "name the PEM file holding the private key and the certificate"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		load_fails(bad[i].text, NULL, 0, bad[i].want);
	}
	/* an empty certificate path is fine while TLS is off */
	struct sk_conf *c = load_ok("webserver:\n  ssl_certificate: \"\"\n", NULL, 0);
	assert_string_equal(c->web_ssl_certificate, "");
	sk_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_default),
	    cmocka_unit_test(test_full_file),
	    cmocka_unit_test(test_shipped_config_validates),
	    cmocka_unit_test(test_default_path_and_missing_file),
	    cmocka_unit_test(test_syntax_error),
	    cmocka_unit_test(test_unknown_top_level_key),
	    cmocka_unit_test(test_top_level_not_a_map),
	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_output_sections_kept),
	    cmocka_unit_test(test_priority_and_log_level),
	    cmocka_unit_test(test_rules_file_legacy),
	    cmocka_unit_test(test_rules_selection),
	    cmocka_unit_test(test_overrides),
	    cmocka_unit_test(test_engine_kinds),
	    cmocka_unit_test(test_plugins),
	    cmocka_unit_test(test_metrics),
	    cmocka_unit_test(test_webserver),
	    cmocka_unit_test(test_webserver_errors),
	};
	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
