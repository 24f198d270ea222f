/* core/conf_files_test.c - unit tests for config_files (core/conf_files.c
 * and sk_cfg_include in core/cfg_edit.c) through sk_conf_load: each merge
 * strategy, lists, nested maps, directory order, files that are not YAML,
 * missing entries, refused nested includes, errors positioned in the
 * included file, and -o winning over every file.
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

#include "conf.h"
#include "log.h"

static char err[4096];
static char dir[64]; /* this test's directory, made by setup() */

/* at - DIR/name, in one of a few rotating buffers */
static const char *at(const char *name)
{
	static char bufs[8][256];
	static unsigned next;
	char *b = bufs[next++ % 8];
	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

/* put - write DIR/name; "@D" in text stands for DIR. */
static void put(const char *name, const char *text)
{
	FILE *f = fopen(at(name), "w");
	assert_non_null(f);
	for (const char *p = text; *p; p++) {
		if (p[0] == '@' && p[1] == 'D') {
			fputs(dir, f);
			p++;
		} else {
			fputc(*p, f);
		}
	}
	assert_int_equal(fclose(f), 0);
}

static int rm_tree(const char *path)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sk-conf-files-test-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	return rm_tree(dir) == 0 ? 0 : -1;
}

static struct sk_conf *load_ok(const char *main, const char *const *ov, size_t nov)
{
	struct sk_conf *c = NULL;
	err[0] = '\0';
	int rc = sk_conf_load(at(main), ov, nov, &c, err, sizeof(err));
	if (rc != 0) {
		print_error("load failed: %s\n", err);
	}
	assert_int_equal(rc, 0);
	assert_non_null(c);
	return c;
}

/* The load fails with "DIR/<want>" (want starts with the file name). */
static void load_fails(const char *main, const char *const *ov, size_t nov, int rc,
		       const char *want)
{
	struct sk_conf *c = NULL;
	char full[8192];
	err[0] = '\0';
	assert_int_equal(sk_conf_load(at(main), ov, nov, &c, err, sizeof(err)), rc);
	assert_null(c);
	snprintf(full, sizeof(full), "%s/%s", dir, want);
	assert_string_equal(err, full);
}

static void assert_list(const struct sk_strlist *l, size_t n, ...)
{
	va_list ap;
	va_start(ap, n);
	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(l->items[i], va_arg(ap, const char *));
	}
	va_end(ap);
}

#define MAIN_TEXT                                                                                  \
	"priority: info\n"                                                                         \
	"rules_files: [a.yaml]\n"                                                                  \
	"json_output: false\n"                                                                     \
	"webserver:\n"                                                                             \
	"  enabled: true\n"                                                                        \
	"  listen_port: 9000\n"                                                                    \
	"config_files:\n"                                                                          \
	"  - %s\n"

#define INC_TEXT                                                                                   \
	"rules_files: [b.yaml]\n"                                                                  \
	"json_output: true\n"                                                                      \
	"log_level: debug\n"                                                                       \
	"webserver:\n"                                                                             \
	"  listen_port: 9100\n"

static struct sk_conf *load_with_entry(const char *entry)
{
	char text[1024];
	snprintf(text, sizeof(text), MAIN_TEXT, entry);
	put("shrike.yaml", text);
	put("inc.yaml", INC_TEXT);
	return load_ok("shrike.yaml", NULL, 0);
}

/* ---- strategies ------------------------------------------------------------ */

static void test_append(void **state)
{
	/* a plain path means append; so does a map without strategy */
	const char *entries[] = {"@D/inc.yaml", "{path: @D/inc.yaml}",
				 "{path: @D/inc.yaml, strategy: append}"};
	for (size_t i = 0; i < 3; i++) {
		struct sk_conf *c = load_with_entry(entries[i]);
		assert_list(&c->rules_files, 2, "a.yaml", "b.yaml");	 /* lists append */
		assert_true(c->fmt.json_output);			 /* scalars replace */
		assert_int_equal(c->log_level, SK_LOG_DEBUG);		 /* new keys are added */
		assert_int_equal(c->min_priority, SK_PRI_INFORMATIONAL); /* the rest stays */
		/* a map replaces the whole map (Falco merges the top level
		 * only): enabled is back to its default */
		assert_false(c->web_enabled);
		assert_int_equal(c->web_listen_port, 9100);
		assert_int_equal(c->includes.nfiles, 1);
		assert_string_equal(c->includes.files[0].path, at("inc.yaml"));
		assert_int_equal(c->includes.files[0].strategy, SK_CFG_APPEND);
		assert_list(&c->includes.entries, 1, at("inc.yaml"));
		assert_int_equal(c->includes.missing.n, 0);
		sk_conf_free(c);
	}
}

static void test_override(void **state)
{
	struct sk_conf *c = load_with_entry("{path: @D/inc.yaml, strategy: override}");
	assert_list(&c->rules_files, 1, "b.yaml"); /* lists are replaced too */
	assert_true(c->fmt.json_output);
	assert_int_equal(c->log_level, SK_LOG_DEBUG);
	assert_int_equal(c->min_priority, SK_PRI_INFORMATIONAL);
	assert_false(c->web_enabled);
	assert_int_equal(c->web_listen_port, 9100);
	assert_int_equal(c->includes.files[0].strategy, SK_CFG_OVERRIDE);
	sk_conf_free(c);
}

static void test_add_only(void **state)
{
	struct sk_conf *c = load_with_entry("{path: @D/inc.yaml, strategy: add-only}");
	assert_list(&c->rules_files, 1, "a.yaml"); /* existing keys are kept */
	assert_false(c->fmt.json_output);
	assert_true(c->web_enabled);
	assert_int_equal(c->web_listen_port, 9000);
	assert_int_equal(c->log_level, SK_LOG_DEBUG); /* only new keys come in */
	assert_int_equal(c->includes.files[0].strategy, SK_CFG_ADD_ONLY);
	sk_conf_free(c);
}

static void test_append_list_to_empty_value(void **state)
{
	/* `rules_files:` with no value takes the list */
	put("shrike.yaml", "rules_files:\nconfig_files: [@D/inc.yaml]\n");
	put("inc.yaml", "rules_files: [b.yaml, c.yaml]\n");
	struct sk_conf *c = load_ok("shrike.yaml", NULL, 0);
	assert_list(&c->rules_files, 2, "b.yaml", "c.yaml");
	sk_conf_free(c);

	/* a single string is not a list: it replaces the list (Falco's rule) */
	put("shrike.yaml", "rules_files: [a.yaml]\nconfig_files: [@D/inc.yaml]\n");
	put("inc.yaml", "rules_files: b.yaml\n");
	c = load_ok("shrike.yaml", NULL, 0);
	assert_list(&c->rules_files, 1, "b.yaml");
	sk_conf_free(c);

	/* a list cannot be appended to a map: both places are named */
	put("shrike.yaml", "metrics:\n  enabled: true\nconfig_files: [@D/inc.yaml]\n");
	put("inc.yaml", "\nmetrics:\n  - enabled\n");
	char want[1024];
	snprintf(want, sizeof(want),
		 "inc.yaml:3:3: metrics: cannot append a list to a map (at %s/shrike.yaml:2:3); "
		 "write a list there, or include this file with strategy: override to replace it",
		 dir);
	load_fails("shrike.yaml", NULL, 0, -EINVAL, want);
}

static void test_files_in_order(void **state)
{
	/* several entries: each merges into the result of the ones before */
	put("shrike.yaml", "rules_files: [a]\npriority: info\n"
			   "config_files:\n  - @D/one.yaml\n  - {path: @D/two.yaml, strategy: "
			   "override}\n  - @D/three.yaml\n");
	put("one.yaml", "rules_files: [b]\npriority: warning\n");
	put("two.yaml", "rules_files: [c]\n");
	put("three.yaml", "rules_files: [d]\npriority: error\n");
	struct sk_conf *c = load_ok("shrike.yaml", NULL, 0);
	assert_list(&c->rules_files, 2, "c", "d");
	assert_int_equal(c->min_priority, SK_PRI_ERROR);
	assert_int_equal(c->includes.nfiles, 3);
	assert_string_equal(c->includes.files[1].path, at("two.yaml"));
	sk_conf_free(c);
}

/* ---- directories ------------------------------------------------------------- */

static void test_directory(void **state)
{
	assert_int_equal(mkdir(at("config.d"), 0755), 0);
	assert_int_equal(mkdir(at("config.d/50-sub.yaml"), 0755), 0); /* not a file */
	put("shrike.yaml", "rules_files: [a]\nconfig_files: [@D/config.d/]\n");
	put("config.d/20-b.yaml", "priority: error\nrules_files: [b]\n");
	put("config.d/10-a.yaml", "priority: warning\nlog_level: debug\nrules_files: [a2]\n");
	put("config.d/30-c.yml", "rules_files: [c]\n");
	put("config.d/Z-upper.yaml", "rules_files: [z]\n"); /* 'Z' sorts before 'a' */
	put("config.d/README", ": not yaml [\n");
	put("config.d/40-d.yaml.dpkg-old", ": not yaml [\n");
	put("config.d/40-d.yaml~", ": not yaml [\n");
	assert_int_equal(symlink(at("config.d/nowhere.yaml"), at("config.d/45-dangling.yaml")), 0);
	assert_int_equal(symlink(at("linked.yaml"), at("config.d/60-link.yaml")), 0);
	put("linked.yaml", "rules_files: [linked]\n");

	struct sk_conf *c = load_ok("shrike.yaml", NULL, 0);
	assert_list(&c->rules_files, 6, "a", "a2", "b", "c", "linked", "z");
	assert_int_equal(c->min_priority, SK_PRI_ERROR); /* 20 after 10 */
	assert_int_equal(c->log_level, SK_LOG_DEBUG);
	assert_int_equal(c->includes.nfiles, 5);
	assert_string_equal(c->includes.files[0].path, at("config.d/10-a.yaml"));
	assert_string_equal(c->includes.files[2].path, at("config.d/30-c.yml"));
	assert_string_equal(c->includes.files[3].path, at("config.d/60-link.yaml"));
	assert_string_equal(c->includes.files[4].path, at("config.d/Z-upper.yaml"));
	sk_conf_free(c);

	/* a strategy applies to every file of the directory */
	put("shrike.yaml", "rules_files: [a]\npriority: info\n"
			   "config_files: [{path: @D/config.d, strategy: add-only}]\n");
	c = load_ok("shrike.yaml", NULL, 0);
	assert_list(&c->rules_files, 1, "a");
	assert_int_equal(c->min_priority, SK_PRI_INFORMATIONAL);
	assert_int_equal(c->log_level, SK_LOG_DEBUG);
	assert_int_equal(c->includes.files[0].strategy, SK_CFG_ADD_ONLY);
	sk_conf_free(c);

	/* an empty directory is fine */
	assert_int_equal(mkdir(at("empty.d"), 0755), 0);
	put("shrike.yaml", "config_files: [@D/empty.d]\n");
	c = load_ok("shrike.yaml", NULL, 0);
	assert_int_equal(c->includes.nfiles, 0);
	assert_list(&c->includes.entries, 1, at("empty.d"));
	sk_conf_free(c);
}

static void test_missing_entries_skipped(void **state)
{
	/* Falco's rule: what does not exist is skipped (a package's config.d
	 * may be gone, a listed file not written yet) */
	put("shrike.yaml", "priority: info\nconfig_files:\n  - @D/no.d\n  - @D/no.yaml\n"
			   "  - @D/inc.yaml\n  - @D/inc.yaml/below.yaml\n");
	put("inc.yaml", "priority: error\n");
	struct sk_conf *c = load_ok("shrike.yaml", NULL, 0);
	assert_int_equal(c->min_priority, SK_PRI_ERROR);
	assert_int_equal(c->includes.nfiles, 1);
	assert_list(&c->includes.missing, 3, at("no.d"), at("no.yaml"), at("inc.yaml/below.yaml"));
	assert_int_equal(c->includes.entries.n, 4);
	sk_conf_free(c);

	/* an empty list, or no value, includes nothing */
	put("shrike.yaml", "config_files: []\n");
	c = load_ok("shrike.yaml", NULL, 0);
	assert_int_equal(c->includes.entries.n, 0);
	sk_conf_free(c);
	put("shrike.yaml", "config_files:\n");
	c = load_ok("shrike.yaml", NULL, 0);
	assert_int_equal(c->includes.entries.n, 0);
	sk_conf_free(c);
}

/* ---- what is refused ---------------------------------------------------------- */

static void test_nested_include_refused(void **state)
{
	put("shrike.yaml", "priority: info\nconfig_files: [@D/inc.yaml]\n");
	put("inc.yaml", "log_level: debug\nconfig_files: [@D/other.yaml]\n");
	put("other.yaml", "priority: error\n");
	char want[1024];
	snprintf(want, sizeof(want),
		 "inc.yaml:2:1: config_files: not allowed in an included file (this one is "
		 "included from %s/shrike.yaml:2:16); list every file in the main configuration "
		 "file's config_files",
		 dir);
	load_fails("shrike.yaml", NULL, 0, -EINVAL, want);

	/* nor may the main file include itself, directly or from a directory */
	put("shrike.yaml", "config_files: [@D/shrike.yaml]\n");
	snprintf(want, sizeof(want),
		 "shrike.yaml:1:16: config_files: %s/shrike.yaml is the main configuration file; "
		 "it cannot include itself",
		 dir);
	load_fails("shrike.yaml", NULL, 0, -EINVAL, want);
	assert_int_equal(unlink(at("inc.yaml")), 0);
	put("shrike.yaml", "config_files: [@D]\n"); /* other.yaml, then shrike.yaml */
	load_fails("shrike.yaml", NULL, 0, -EINVAL, want);
}

static void test_bad_entries(void **state)
{
	static const struct {
		const char *text;
		const char *want; /* after "DIR/shrike.yaml" */
	} bad[] = {
	    {"config_files: /etc/shrike/config.d\n",
	     ":1:15: config_files: expected a list of paths (files or directories), got a scalar"},
	    {"config_files: {path: x}\n",
	     ":1:15: config_files: expected a list of paths (files or directories), got a map"},
	    {"config_files:\n  - \n",
	     ":2:4: config_files[0]: expected a path or a map with 'path' and 'strategy' "
	     "(append, override or add-only), got an empty value"},
	    {"config_files:\n  - [a, b]\n",
	     ":2:5: config_files[0]: expected a path or a map with 'path' and 'strategy' "
	     "(append, override or add-only), got a list"},
	    {"config_files:\n  - {strategy: append}\n",
	     ":2:5: config_files[0]: missing required key 'path'"},
	    {"config_files:\n  - {path: \"\"}\n",
	     ":2:12: config_files[0].path: empty; name a file or a directory"},
	    {"config_files:\n  - {path: x, strategy: merge}\n",
	     ":2:25: config_files[0].strategy: expected one of append, override, add-only, got "
	     "'merge'"},
	    {"config_files:\n  - {path: x, mode: append}\n",
	     ":2:15: config_files[0].mode: unknown key (valid keys: path, strategy)"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[1024];
		put("shrike.yaml", bad[i].text);
		snprintf(want, sizeof(want), "shrike.yaml%s", bad[i].want);
		load_fails("shrike.yaml", NULL, 0, -EINVAL, want);
	}
	/* neither a file nor a directory */
	put("shrike.yaml", "config_files: [/dev/null]\n");
	load_fails("shrike.yaml", NULL, 0, -EINVAL,
		   "shrike.yaml:1:16: config_files: /dev/null is neither a file nor a directory; "
		   "name a YAML file or a directory of them");
}

/* ---- errors point into the included file ------------------------------------- */

static void test_errors_in_included_file(void **state)
{
	static const struct {
		const char *text;
		const char *want; /* after "DIR/inc.yaml" */
	} bad[] = {
	    {"priority: info\njson_outptu: true\n",
	     ":2:1: json_outptu: unknown key (valid keys: append_output, base_syscalls, "
	     "buffered_outputs, config_files, drop_capabilities, engine, file_output, http_output, "
	     "json_include_message_property, json_include_output_fields_property, "
	     "json_include_output_property, json_include_tags_property, "
	     "json_include_uuid_property, json_output, kafka_output, load_plugins, log_level, "
	     "log_stderr, log_syslog, metrics, outputs_queue, plugins, plugins_dir, priority, "
	     "program_output, rules, rules_file, rules_files, shutdown_timeout, stdout_output, "
	     "syscall_event_drops, syslog_output, time_format_iso_8601, watch_config_files, "
	     "webserver)"},
	    {"json_output: maybe\n",
	     ":1:14: json_output: expected a boolean (true or false), got 'maybe'"},
	    {"webserver:\n  listen_port: 70000\n",
	     ":2:16: webserver.listen_port: 70000 is out of range (0..65535)"},
	    {"outputs_queue:\n  recovery: 1\n",
	     ":2:3: outputs_queue.recovery: unknown key (valid keys: capacity)"},
	    {"priority: loud\n",
	     ":1:11: priority: expected one of emergency, alert, critical, error, warning, "
	     "notice, informational, debug, got 'loud'"},
	    {"json_output: [true\n", NULL},
	    {"- a\n- b\n", ":1:1: expected a map of settings at the top level, got a list"},
	};
	put("shrike.yaml", "priority: info\nconfig_files: [@D/inc.yaml]\n");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put("inc.yaml", bad[i].text);
		struct sk_conf *c = NULL;
		err[0] = '\0';
		assert_int_equal(sk_conf_load(at("shrike.yaml"), NULL, 0, &c, err, sizeof(err)),
				 -EINVAL);
		assert_null(c);
		if (bad[i].want) {
			char want[4096];
			snprintf(want, sizeof(want), "%s/inc.yaml%s", dir, bad[i].want);
			assert_string_equal(err, want);
		} else {
			/* YAML syntax: libyaml's words, after the included
			 * file's name */
			char want[512];
			snprintf(want, sizeof(want), "%s/inc.yaml:", dir);
			if (strncmp(err, want, strlen(want)) != 0) {
				fail_msg("'%s' does not start with '%s'", err, want);
			}
		}
	}
}

/* ---- -o ------------------------------------------------------------------------ */

static void test_overrides_win(void **state)
{
	put("shrike.yaml", "priority: info\nrules_files: [a]\nconfig_files: [@D/inc.yaml]\n");
	put("inc.yaml", "priority: error\nrules_files: [b]\n");
	put("other.yaml", "priority: warning\nlog_level: debug\n");

	/* -o applies after the files, whatever its place on the command line */
	const char *ov[] = {"priority=critical", "rules_files[2]=c"};
	struct sk_conf *c = load_ok("shrike.yaml", ov, 2);
	assert_int_equal(c->min_priority, SK_PRI_CRITICAL);
	assert_list(&c->rules_files, 3, "a", "b", "c");
	sk_conf_free(c);

	/* -o config_files=... applies before them: it chooses the files */
	char set[512], add[512];
	snprintf(set, sizeof(set), "config_files=[%s/other.yaml]", dir);
	const char *ov2[] = {"log_level=notice", set};
	c = load_ok("shrike.yaml", ov2, 2);
	assert_int_equal(c->min_priority, SK_PRI_WARNING);
	assert_int_equal(c->log_level, SK_LOG_NOTICE);
	assert_list(&c->rules_files, 1, "a");
	assert_int_equal(c->includes.nfiles, 1);
	assert_string_equal(c->includes.files[0].path, at("other.yaml"));
	sk_conf_free(c);

	snprintf(add, sizeof(add), "config_files[1]={path: %s/other.yaml, strategy: add-only}",
		 dir);
	const char *ov3[] = {add};
	c = load_ok("shrike.yaml", ov3, 1);
	assert_int_equal(c->min_priority, SK_PRI_ERROR);
	assert_int_equal(c->log_level, SK_LOG_DEBUG);
	assert_int_equal(c->includes.nfiles, 2);
	sk_conf_free(c);

	const char *ov4[] = {"config_files=[]"};
	c = load_ok("shrike.yaml", ov4, 1);
	assert_int_equal(c->min_priority, SK_PRI_INFORMATIONAL);
	assert_int_equal(c->includes.nfiles, 0);
	sk_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_append, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_override, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_add_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_append_list_to_empty_value, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_files_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_entries_skipped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nested_include_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_entries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors_in_included_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overrides_win, setup, teardown),
	};
	return cmocka_run_group_tests_name("conf_files", tests, NULL, NULL);
}
