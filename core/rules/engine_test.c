/* core/rules/engine_test.c - tests of the rule engine on rule files given as
 * YAML text: lists, macros, exceptions, append/override/redefinition,
 * selection, priorities, the event-type index, output formatting, and
 * golden error and warning messages with their file:line:col. */
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

#include <arpa/inet.h>
#include <cmocka.h>

#include "rules/engine.h"
#include "rules/test_extractor.h"

static struct sk_fields *fields;

static int setup(void **state)
{
	char err[256];
	fields = sk_fields_create();
	assert_non_null(fields);
	assert_int_equal(sk_fields_add_plugin(fields, &tx_plugin, NULL, err, sizeof(err)), 0);
	assert_int_equal(sk_fields_set_evttypes(fields, "syscall", tx_evttypes, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	sk_fields_destroy(fields);
	return 0;
}

static void base_event(struct tx_event *e, uint16_t type)
{
	tx_event_init(e, type);
	e->proc_name = "bash";
	e->proc_exe = "/usr/bin/bash";
	e->proc_cmdline = "bash -i";
	e->fd_name = "/etc/shadow";
	e->aname[0] = "bash";
	e->aname[1] = "sshd";
	e->aname[2] = "systemd";
	e->has_pid = e->has_uid = true;
	e->pid = 100;
	e->uid = 0;
}

/* all diagnostics, one per line */
static char *diags(const struct sk_rules *r)
{
	size_t cap = 1, n = sk_rules_diag_count(r);
	for (size_t i = 0; i < n; i++) {
		cap += strlen(sk_rules_diag_at(r, i)->msg) + 10;
	}
	char *s = calloc(1, cap);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		const struct sk_rules_diag *d = sk_rules_diag_at(r, i);
		strcat(s, d->level == SK_RULES_ERROR	 ? "E "
			  : d->level == SK_RULES_WARNING ? "W "
							 : "I ");
		strcat(s, d->msg);
		strcat(s, "\n");
	}
	return s;
}

static struct sk_rules *load(const char *yaml, int want_rc)
{
	struct sk_rules *r = sk_rules_create(fields);
	assert_non_null(r);
	int rc = sk_rules_load_string(r, "rules.yaml", yaml);
	if (rc == 0) {
		rc = sk_rules_compile(r);
	} else {
		sk_rules_compile(r);
	}
	if (rc != want_rc) {
		char *d = diags(r);
		print_message("# rc %d, diagnostics:\n%s", rc, d);
		free(d);
	}
	assert_int_equal(rc, want_rc);
	return r;
}

/* names of the matched rules, comma separated */
static const char *matches(struct sk_rules *r, const struct tx_event *e)
{
	static char buf[512];
	struct sk_event ev = tx_sk_event(e);
	const struct sk_rule *const *m;
	size_t n = sk_rules_eval(r, &ev, &m);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i) {
			strcat(buf, ",");
		}
		strcat(buf, m[i]->name);
	}
	return buf;
}

static void assert_diags(struct sk_rules *r, const char *want)
{
	char *d = diags(r);
	if (strcmp(d, want) != 0) {
		print_message("# got:\n%s# want:\n%s", d, want);
	}
	assert_string_equal(d, want);
	free(d);
}

static void test_basic(void **state)
{
	struct sk_rules *r =
	    load("- list: shells\n"
		 "  items: [bash, zsh]\n"
		 "- macro: spawned\n"
		 "  condition: evt.type = execve\n"
		 "- rule: Shell spawned\n"
		 "  desc: a shell ran\n"
		 "  condition: spawned and proc.name in (shells)\n"
		 "  output: shell %proc.name (pid=%proc.pid parent=%proc.aname[1])\n"
		 "  priority: WARNING\n"
		 "  tags: [shell, mitre_execution]\n",
		 0);
	assert_diags(r, "");
	assert_int_equal(sk_rules_count(r), 1);
	const struct sk_rule *rule = sk_rules_at(r, 0);
	assert_string_equal(rule->name, "Shell spawned");
	assert_string_equal(rule->desc, "a shell ran");
	assert_string_equal(rule->source, "syscall");
	assert_int_equal(rule->priority, SK_PRI_WARNING);
	assert_true(rule->enabled);
	assert_true(rule->loaded);
	assert_int_equal(rule->ntags, 2);
	assert_string_equal(rule->tags[1], "mitre_execution");
	assert_string_equal(rule->file, "rules.yaml");
	assert_int_equal(rule->line, 5);
	assert_int_equal(rule->col, 3);
	assert_int_equal(rule->nevttypes, 1);
	assert_int_equal(rule->evttypes[0], TX_EVT_EXECVE);
	assert_ptr_equal(sk_rules_find(r, "Shell spawned"), rule);
	assert_null(sk_rules_find(r, "nope"));

	struct tx_event e;
	base_event(&e, TX_EVT_EXECVE);
	assert_string_equal(matches(r, &e), "Shell spawned");
	assert_int_equal(rule->matches, 1);
	e.proc_name = "python";
	assert_string_equal(matches(r, &e), "");
	e.proc_name = "zsh";
	e.hdr.type = TX_EVT_OPEN;
	assert_string_equal(matches(r, &e), "");
	e.hdr.type = TX_EVT_EXECVE;

	struct sk_event ev = tx_sk_event(&e);
	struct sk_alert_in a;
	assert_int_equal(sk_rules_alert(r, rule, &ev, &a), 0);
	assert_string_equal(a.message, "shell zsh (pid=100 parent=sshd)");
	assert_string_equal(a.rule, "Shell spawned");
	assert_string_equal(a.source, "syscall");
	assert_int_equal(a.priority, SK_PRI_WARNING);
	assert_int_equal(a.time_ns, e.hdr.ts);
	assert_int_equal(a.ntags, 2);
	assert_int_equal(a.nfields, 3);
	assert_string_equal(a.fields[0].name, "proc.name");
	assert_int_equal(a.fields[0].value.type, SK_TYPE_STRING);
	assert_string_equal(a.fields[0].value.str.ptr, "zsh");
	assert_string_equal(a.fields[1].name, "proc.pid");
	assert_int_equal(a.fields[1].value.type, SK_TYPE_I64);
	assert_int_equal(a.fields[1].value.i64, 100);
	assert_string_equal(a.fields[2].name, "proc.aname[1]");
	assert_string_equal(a.fields[2].value.str.ptr, "sshd");
	sk_rules_destroy(r);
}

static void test_output_format(void **state)
{
	struct sk_rules *r =
	    load("- rule: fmt\n"
		 "  desc: d\n"
		 "  condition: evt.type = open\n"
		 "  output: \"a=%proc.name, b=%proc.exe. c=%(proc.aname[2])x d=%evt.arg.flags "
		 "e=%proc.env[HOME]; f=%fd.sip g=%proc.tty h=%evt.time i=%proc.args "
		 "j=%fd.net k=%proc.ports 100% %% %1 %proc.name%proc.pid %user.uid:%evt.num\"\n"
		 "  priority: info\n",
		 0);
	struct tx_event e;
	base_event(&e, TX_EVT_OPEN);
	e.arg_names[0] = "flags";
	e.arg_vals[0] = "O_RDONLY";
	e.env_keys[0] = "HOME";
	e.env_vals[0] = "/root";
	e.has_tty = true;
	e.has_sip = true;
	e.sip.family = 4;
	inet_pton(AF_INET, "10.0.0.1", e.sip.addr);
	e.has_list = true;
	e.args[0] = "-i";
	e.args[1] = "x y";
	e.nargs = 2;
	e.ports[0] = 22;
	e.nports = 1;
	struct sk_event ev = tx_sk_event(&e);
	const char *msg;
	const struct sk_alert_field *f;
	size_t n;
	const struct sk_rule *rule = sk_rules_at(r, 0);
	assert_int_equal(rule->priority, SK_PRI_INFORMATIONAL);
	assert_int_equal(sk_rules_format(r, rule, &ev, &msg, &f, &n), 0);
	assert_string_equal(msg, "a=bash, b=/usr/bin/bash. c=systemdx d=O_RDONLY e=/root; "
				 "f=10.0.0.1 g=false h=22:13:20.123456789 i=(-i,x y) j=<NA> "
				 "k=(22) 100% %% %1 bash100 0:7");
	assert_int_equal(n, 14);
	const char *names[] = {"proc.name",	 "proc.exe", "proc.aname[2]", "evt.arg.flags",
			       "proc.env[HOME]", "fd.sip",   "proc.tty",      "evt.time",
			       "proc.args",	 "fd.net",   "proc.ports",    "proc.pid",
			       "user.uid",	 "evt.num"};
	for (size_t i = 0; i < 14; i++) {
		assert_string_equal(f[i].name, names[i]);
	}
	assert_int_equal(f[7].value.type, SK_TYPE_ABSTIME);
	assert_int_equal(f[7].value.u64, e.hdr.ts);
	assert_int_equal(f[9].value.type, SK_TYPE_NONE);
	assert_int_equal(f[8].value.type, SK_TYPE_LIST);
	assert_int_equal(f[8].value.list.n, 2);
	assert_string_equal(f[8].value.list.items[1].str.ptr, "x y");
	assert_int_equal(f[6].value.type, SK_TYPE_BOOL);
	/* missing values */
	e.proc_name = NULL;
	e.has_pid = false;
	assert_int_equal(sk_rules_format(r, rule, &ev, &msg, &f, &n), 0);
	assert_true(strncmp(msg, "a=<NA>, b=", 10) == 0);
	assert_non_null(strstr(msg, " <NA><NA> "));
	assert_int_equal(f[0].value.type, SK_TYPE_NONE);
	sk_rules_destroy(r);
}

static void test_lists(void **state)
{
	struct sk_rules *r =
	    load("- list: a\n"
		 "  items: [bash, '\"quoted one\"']\n"
		 "- list: b\n"
		 "  items: [a, zsh, [ksh, csh]]\n"
		 "- list: empty\n"
		 "  items: []\n"
		 "- rule: r1\n"
		 "  desc: d\n"
		 "  condition: evt.type = execve and proc.name in (b, empty, fish)\n"
		 "  output: o\n"
		 "  priority: debug\n"
		 "- rule: r2\n"
		 "  desc: d\n"
		 "  condition: evt.type = execve and proc.name in b\n"
		 "  output: o\n"
		 "  priority: debug\n"
		 "- rule: r3\n"
		 "  desc: d\n"
		 "  condition: evt.type = execve and proc.name in (\"b\")\n"
		 "  output: o\n"
		 "  priority: debug\n",
		 0);
	sk_rules_set_match_all(r, true);
	struct tx_event e;
	base_event(&e, TX_EVT_EXECVE);
	const char *names[] = {"bash", "quoted one", "zsh", "ksh", "csh", "fish", "b", "a"};
	const char *want[] = {"r1,r2", "r1,r2", "r1,r2", "r1,r2", "r1,r2", "r1", "r3", ""};
	for (size_t i = 0; i < 8; i++) {
		e.proc_name = names[i];
		assert_string_equal(matches(r, &e), want[i]);
	}
	sk_rules_destroy(r);
}

/* List items written the way Falco's own files write them: whole command
 * lines in YAML single quotes around a double-quoted filter string (with
 * '' for a quote and \" inside), a list item with a space, and a quoted
 * item with a space inline in the condition. */
static void test_falco_file_lists(void **state)
{
	struct sk_rules *r =
	    load("- list: cmdlines\n"
		 "  items: [\n"
		 "    '\"sh -c uname -p 2> /dev/null\"',\n"
		 "    '\"sh -c node -e \\\"require(''nan'')\\\"\"',\n"
		 "    '\"sh -c /bin/sh -c ''date +%%s''\"'\n"
		 "    ]\n"
		 "- list: dirs\n"
		 "  items: [/etc/cassandra, /etc/fluent/configs.d. /etc/alertmanager]\n"
		 "- rule: cmd\n"
		 "  desc: d\n"
		 "  condition: evt.type = execve and proc.cmdline in (cmdlines, \"puma reactor\")\n"
		 "  output: o\n"
		 "  priority: debug\n"
		 "- rule: dir\n"
		 "  desc: d\n"
		 "  condition: evt.type = execve and fd.name pmatch (dirs)\n"
		 "  output: o\n"
		 "  priority: debug\n",
		 0);
	sk_rules_set_match_all(r, true);
	struct tx_event e;
	base_event(&e, TX_EVT_EXECVE);
	const char *cmds[] = {"sh -c uname -p 2> /dev/null", "sh -c node -e \"require('nan')\"",
			      "sh -c /bin/sh -c 'date +%%s'", "puma reactor",
			      "sh -c node -e \\\"require('nan')\\\"", "sh -c uname -p"};
	const char *want[] = {"cmd", "cmd", "cmd", "cmd", "", ""};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		e.proc_cmdline = cmds[i];
		if (strcmp(matches(r, &e), want[i]) != 0) {
			print_message("# '%s': got '%s'\n", cmds[i], matches(r, &e));
		}
		assert_string_equal(matches(r, &e), want[i]);
	}
	e.proc_cmdline = "x";
	e.fd_name = "/etc/cassandra/c.yaml";
	assert_string_equal(matches(r, &e), "dir");
	e.fd_name = "/etc/fluent/configs.d. /etc/alertmanager/x";
	assert_string_equal(matches(r, &e), "dir");
	e.fd_name = "/etc/alertmanager/x";
	assert_string_equal(matches(r, &e), "");
	sk_rules_destroy(r);
}

static void test_macros(void **state)
{
	struct sk_rules *r = load("- macro: m1\n"
				  "  condition: proc.name = bash\n"
				  "- macro: m2\n"
				  "  condition: (m1 or proc.name = zsh) and not m3\n"
				  "- rule: r\n"
				  "  desc: d\n"
				  "  condition: evt.type = execve and m2\n"
				  "  output: o\n"
				  "  priority: debug\n"
				  "- macro: m3\n"
				  "  condition: proc.pid = 1\n",
				  0);
	struct tx_event e;
	base_event(&e, TX_EVT_EXECVE);
	assert_string_equal(matches(r, &e), "r");
	e.proc_name = "zsh";
	assert_string_equal(matches(r, &e), "r");
	e.pid = 1;
	assert_string_equal(matches(r, &e), "");
	sk_rules_destroy(r);
}

static const char *const exc_yaml = "- rule: r\n"
				    "  desc: d\n"
				    "  condition: evt.type = open and fd.name startswith /etc\n"
				    "  output: o\n"
				    "  priority: error\n"
				    "  exceptions:\n"
				    "    - name: by_proc\n"
				    "      fields: [proc.name, fd.name]\n"
				    "      values:\n"
				    "        - [bash, /etc/shadow]\n"
				    "        - [vi, /etc/passwd]\n"
				    "    - name: by_dir\n"
				    "      fields: fd.name\n"
				    "      comps: pmatch\n"
				    "      values: [/etc/ssl, /etc/pki]\n"
				    "    - name: by_list\n"
				    "      fields: [proc.name, \"proc.aname[1]\"]\n"
				    "      comps: [in, =]\n"
				    "      values:\n"
				    "        - [[python, perl], cron]\n"
				    "        - [tools, sshd]\n"
				    "    - name: unused\n"
				    "      fields: proc.name\n"
				    "- list: tools\n"
				    "  items: [make, gcc]\n"
				    "- rule: r\n"
				    "  exceptions:\n"
				    "    - name: by_proc\n"
				    "      values:\n"
				    "        - [cat, /etc/hosts]\n"
				    "    - name: by_name_single\n"
				    "      fields: proc.name\n"
				    "      values: [sudo, su]\n"
				    "  append: true\n";

static void test_exceptions(void **state)
{
	struct sk_rules *r = load(exc_yaml, 0);
	assert_diags(r, "");
	struct tx_event e;
	base_event(&e, TX_EVT_OPEN);
	struct {
		const char *proc, *parent, *file, *want;
	} cases[] = {
	    {"bash", "x", "/etc/shadow", ""},	/* by_proc tuple 1 */
	    {"bash", "x", "/etc/passwd", "r"},	/* no tuple matches both */
	    {"vi", "x", "/etc/passwd", ""},	/* tuple 2 */
	    {"cat", "x", "/etc/hosts", ""},	/* appended value */
	    {"cat", "x", "/etc/ssl/a.pem", ""}, /* by_dir */
	    {"cat", "x", "/etc/sslx", "r"},
	    {"perl", "cron", "/etc/x", ""}, /* by_list with in */
	    {"perl", "init", "/etc/x", "r"},
	    {"gcc", "sshd", "/etc/x", ""}, /* list name as value */
	    {"sudo", "x", "/etc/x", ""},   /* appended new exception */
	    {"ls", "x", "/etc/x", "r"},
	    {"ls", "x", "/tmp/x", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e.proc_name = cases[i].proc;
		e.aname[1] = cases[i].parent;
		e.fd_name = cases[i].file;
		const char *got = matches(r, &e);
		if (strcmp(got, cases[i].want) != 0) {
			print_message("# case %zu: got '%s'\n", i, got);
		}
		assert_string_equal(got, cases[i].want);
	}
	sk_rules_destroy(r);
}

static void test_append_override(void **state)
{
	struct sk_rules *r = load("- list: l\n"
				  "  items: [a]\n"
				  "- list: l\n"
				  "  items: [b]\n"
				  "  append: true\n"
				  "- list: l2\n"
				  "  items: [x]\n"
				  "- list: l2\n"
				  "  items: [y]\n"
				  "  override:\n"
				  "    items: replace\n"
				  "- macro: m\n"
				  "  condition: proc.name in (l)\n"
				  "- macro: m\n"
				  "  condition: or proc.name in (l2)\n"
				  "  append: true\n"
				  "- rule: r\n"
				  "  desc: first\n"
				  "  condition: evt.type = execve and m\n"
				  "  output: o1\n"
				  "  priority: debug\n"
				  "  tags: [t1]\n"
				  "- rule: r\n"
				  "  condition: and proc.pid = 100\n"
				  "  append: true\n"
				  "- rule: r\n"
				  "  desc: more\n"
				  "  output: \"%proc.name\"\n"
				  "  priority: critical\n"
				  "  tags: [t2]\n"
				  "  override:\n"
				  "    desc: append\n"
				  "    output: replace\n"
				  "    priority: replace\n"
				  "    tags: append\n"
				  "- rule: other\n"
				  "  desc: d\n"
				  "  condition: evt.type = execve\n"
				  "  output: o\n"
				  "  priority: debug\n"
				  "- rule: other\n"
				  "  enabled: false\n",
				  0);
	const struct sk_rule *rule = sk_rules_find(r, "r");
	assert_string_equal(rule->desc, "first more");
	assert_string_equal(rule->output, "%proc.name");
	assert_int_equal(rule->priority, SK_PRI_CRITICAL);
	assert_int_equal(rule->ntags, 2);
	assert_false(sk_rules_find(r, "other")->enabled);
	struct tx_event e;
	base_event(&e, TX_EVT_EXECVE);
	const char *names[] = {"a", "b", "x", "y"};
	const char *want[] = {"r", "r", "", "r"};
	for (size_t i = 0; i < 4; i++) {
		e.proc_name = names[i];
		assert_string_equal(matches(r, &e), want[i]);
	}
	e.proc_name = "a";
	e.pid = 5;
	assert_string_equal(matches(r, &e), "");
	sk_rules_destroy(r);

	/* redefinition replaces the whole rule, keeping its place */
	r = load("- rule: a\n"
		 "  desc: d\n"
		 "  condition: evt.type = execve and proc.name = x\n"
		 "  output: o\n"
		 "  priority: debug\n"
		 "- rule: b\n"
		 "  desc: d\n"
		 "  condition: evt.type = execve\n"
		 "  output: o\n"
		 "  priority: debug\n"
		 "- rule: a\n"
		 "  desc: d2\n"
		 "  condition: evt.type = execve and proc.name = bash\n"
		 "  output: o\n"
		 "  priority: debug\n",
		 0);
	assert_int_equal(sk_rules_count(r), 2);
	assert_string_equal(sk_rules_at(r, 0)->name, "a");
	assert_string_equal(sk_rules_at(r, 0)->desc, "d2");
	base_event(&e, TX_EVT_EXECVE);
	assert_string_equal(matches(r, &e), "a");
	sk_rules_set_match_all(r, true);
	assert_string_equal(matches(r, &e), "a,b");
	sk_rules_destroy(r);
}

static const char *const sel_yaml = "- rule: net one\n"
				    "  desc: d\n"
				    "  condition: evt.type = connect\n"
				    "  output: o\n"
				    "  priority: notice\n"
				    "  tags: [network]\n"
				    "- rule: net two\n"
				    "  desc: d\n"
				    "  condition: evt.type = connect\n"
				    "  output: o\n"
				    "  priority: critical\n"
				    "  tags: [network, important]\n"
				    "- rule: any event\n"
				    "  desc: d\n"
				    "  condition: proc.name = bash\n"
				    "  output: o\n"
				    "  priority: debug\n"
				    "  warn_evttypes: false\n"
				    "  enabled: false\n";

static void test_select_priority_index(void **state)
{
	struct sk_rules *r = load(sel_yaml, 0);
	assert_diags(r, "");
	sk_rules_set_match_all(r, true);
	struct tx_event e;
	base_event(&e, TX_EVT_CONNECT);
	assert_string_equal(matches(r, &e), "net one,net two");
	assert_int_equal(sk_rules_select(r, true, "any*", NULL), 1);
	assert_string_equal(matches(r, &e), "net one,net two,any event");
	/* an event type beyond every restricted type, and one below */
	e.hdr.type = TX_EVT_OTHER;
	assert_string_equal(matches(r, &e), "any event");
	e.hdr.type = 3;
	assert_string_equal(matches(r, &e), "any event");
	e.hdr.type = TX_EVT_CONNECT;
	assert_int_equal(sk_rules_select(r, false, "*", NULL), 3);
	assert_string_equal(matches(r, &e), "");
	assert_int_equal(sk_rules_select(r, true, NULL, "network"), 2);
	assert_string_equal(matches(r, &e), "net one,net two");
	sk_rules_set_min_priority(r, SK_PRI_ERROR);
	assert_string_equal(matches(r, &e), "net two");
	sk_rules_set_min_priority(r, SK_PRI_DEBUG);
	sk_rules_set_match_all(r, false);
	assert_string_equal(matches(r, &e), "net one");
	/* another source: nothing */
	struct sk_event ev = tx_sk_event(&e);
	ev.source = "k8s_audit";
	const struct sk_rule *const *m;
	assert_int_equal(sk_rules_eval(r, &ev, &m), 0);
	sk_rules_destroy(r);
}

/* the alert the engine builds renders as Falco's JSON through the outputs
 * module: typed output_fields, NA as null, evt.time as integer ns */
static void test_alert_json(void **state)
{
	struct sk_rules *r = load("- rule: Shell\n"
				  "  desc: d\n"
				  "  condition: evt.type = execve\n"
				  "  output: shell %proc.name pid=%proc.pid env=%proc.env[NOPE]\n"
				  "  priority: warning\n"
				  "  tags: [a, b]\n",
				  0);
	struct tx_event e;
	base_event(&e, TX_EVT_EXECVE);
	struct sk_event ev = tx_sk_event(&e);
	const struct sk_rule *const *m;
	assert_int_equal(sk_rules_eval(r, &ev, &m), 1);
	struct sk_alert_in in;
	assert_int_equal(sk_rules_alert(r, m[0], &ev, &in), 0);
	struct sk_alert a = {
	    .struct_size = sizeof(a),
	    .priority = (uint32_t)in.priority,
	    .time_ns = in.time_ns,
	    .rule = in.rule,
	    .source = in.source,
	    .hostname = "host1",
	    .message = in.message,
	    .tags = in.tags,
	    .ntags = (uint32_t)in.ntags,
	    .nfields = (uint32_t)in.nfields,
	    .fields = in.fields,
	};
	struct sk_format_opts fo = {.json_output = true,
				    .json_include_output_property = true,
				    .json_include_output_fields_property = true,
				    .json_include_tags_property = true,
				    .hostname = "host1"};
	char *json = NULL, *text = NULL;
	assert_int_equal(sk_alert_format(&a, &fo, &json, &text), 0);
	assert_non_null(strstr(json, "\"rule\":\"Shell\""));
	assert_non_null(strstr(json, "\"priority\":\"Warning\""));
	assert_non_null(strstr(json, "\"source\":\"syscall\""));
	assert_non_null(strstr(json, "\"proc.pid\":100"));
	assert_non_null(strstr(json, "\"proc.name\":\"bash\""));
	assert_non_null(strstr(json, "\"proc.env[NOPE]\":null"));
	assert_non_null(strstr(json, "\"tags\":[\"a\",\"b\"]"));
	assert_non_null(strstr(text, "Warning shell bash pid=100 env=<NA>"));
	free(json);
	free(text);
	sk_rules_destroy(r);
}

static void test_append_config(void **state)
{
	struct sk_rules *r = sk_rules_create(fields);
	struct sk_cfg_node *conf = NULL;
	char err[256];
	const char *yaml = "append_output:\n"
			   "  - match:\n"
			   "      source: syscall\n"
			   "      tag: shell\n"
			   "    extra_output: \"parent=%proc.aname[1]\"\n"
			   "    extra_fields:\n"
			   "      - user.uid\n"
			   "      - team: security\n"
			   "  - extra_output: (all)\n"
			   "  - match:\n"
			   "      rule: Other\n"
			   "    extra_fields: [proc.pid]\n"
			   "  - match: {colour: red}\n"
			   "  - extra_outptu: x\n";
	assert_int_equal(
	    sk_cfg_parse_string("shrike.yaml", yaml, strlen(yaml), &conf, err, sizeof(err)), 0);
	assert_int_equal(sk_rules_apply_append_config(r, sk_cfg_get(conf, "append_output")),
			 -EINVAL);
	assert_int_equal(sk_rules_load_string(r, "r.yaml",
					      "- rule: Shell\n"
					      "  desc: d\n"
					      "  condition: evt.type = execve\n"
					      "  output: shell %proc.name\n"
					      "  priority: debug\n"
					      "  tags: [shell]\n"
					      "- rule: Other\n"
					      "  desc: d\n"
					      "  condition: evt.type = execve\n"
					      "  output: other\n"
					      "  priority: debug\n"),
			 0);
	assert_int_equal(sk_rules_compile(r), -EINVAL);
	assert_diags(r, "E shrike.yaml:13:13: append_output[3].match: 'colour' must be one of "
			"source, tag, rule with a string value\n"
			"E shrike.yaml:14:5: append_output[4]: unknown key 'extra_outptu' (match, "
			"extra_output, extra_fields)\n");
	struct tx_event e;
	base_event(&e, TX_EVT_EXECVE);
	struct sk_event ev = tx_sk_event(&e);
	const char *msg;
	const struct sk_alert_field *f;
	size_t n;
	assert_int_equal(sk_rules_format(r, sk_rules_at(r, 0), &ev, &msg, &f, &n), 0);
	assert_string_equal(msg, "shell bash parent=sshd (all)");
	assert_int_equal(n, 4);
	assert_string_equal(f[2].name, "user.uid");
	assert_string_equal(f[3].name, "team");
	assert_string_equal(f[3].value.str.ptr, "security");
	assert_int_equal(sk_rules_format(r, sk_rules_at(r, 1), &ev, &msg, &f, &n), 0);
	assert_string_equal(msg, "other (all)");
	assert_int_equal(n, 1);
	assert_string_equal(f[0].name, "proc.pid");
	sk_rules_destroy(r);

	/* a bad field in extra_output is reported where it was configured */
	r = sk_rules_create(fields);
	const char *y2 = "append_output:\n"
			 "  - extra_output: \"x=%proc.nmae\"\n";
	struct sk_cfg_node *c2 = NULL;
	assert_int_equal(sk_cfg_parse_string("c.yaml", y2, strlen(y2), &c2, err, sizeof(err)), 0);
	assert_int_equal(sk_rules_apply_append_config(r, sk_cfg_get(c2, "append_output")), 0);
	assert_int_equal(sk_rules_load_string(r, "r.yaml",
					      "- rule: Shell\n"
					      "  desc: d\n"
					      "  condition: evt.type = execve\n"
					      "  output: shell\n"
					      "  priority: debug\n"),
			 0);
	assert_int_equal(sk_rules_compile(r), -EINVAL);
	assert_diags(r, "E c.yaml:2:19: append_output: unknown field 'proc.nmae' (did you mean "
			"'proc.name'?) (for rule 'Shell')\n");
	sk_rules_destroy(r);
	sk_cfg_free(c2);
	sk_cfg_free(conf);
}

static void test_apply_config(void **state)
{
	struct sk_rules *r = load(sel_yaml, 0);
	sk_rules_set_match_all(r, true);
	struct sk_cfg_node *conf = NULL;
	char err[256];
	const char *yaml = "rules:\n"
			   "  - disable:\n"
			   "      rule: \"*\"\n"
			   "  - enable:\n"
			   "      tag: important\n"
			   "  - enable:\n"
			   "      rule: any event\n"
			   "  - enable:\n"
			   "      tag: nosuchtag\n"
			   "  - frobnicate:\n"
			   "      rule: x\n"
			   "  - enable:\n"
			   "      colour: red\n";
	assert_int_equal(
	    sk_cfg_parse_string("shrike.yaml", yaml, strlen(yaml), &conf, err, sizeof(err)), 0);
	assert_int_equal(sk_rules_apply_config(r, sk_cfg_get(conf, "rules")), -EINVAL);
	assert_diags(r,
		     "W shrike.yaml:9:12: rules[3].enable: tag 'nosuchtag' matches no rule\n"
		     "E shrike.yaml:10:5: rules[4]: expected 'enable:' or 'disable:' with 'rule:' "
		     "or 'tag:'\n"
		     "E shrike.yaml:13:7: rules[5].enable: expected one of 'rule: NAME-PATTERN' or "
		     "'tag: TAG'\n");
	struct tx_event e;
	base_event(&e, TX_EVT_CONNECT);
	assert_string_equal(matches(r, &e), "net two,any event");
	assert_int_equal(sk_rules_apply_config(r, NULL), 0);
	sk_cfg_free(conf);
	sk_rules_destroy(r);
}

static void test_append_output(void **state)
{
	struct sk_rules *r = sk_rules_create(fields);
	const char *extra[] = {"proc.aname[2]", "user.uid"};
	assert_int_equal(sk_rules_set_append_output(r, NULL, "(exe=%proc.exe)", extra, 2), 0);
	assert_int_equal(sk_rules_load_string(r, "x.yaml",
					      "- rule: r\n"
					      "  desc: d\n"
					      "  condition: evt.type = open\n"
					      "  output: name=%proc.name\n"
					      "  priority: debug\n"),
			 0);
	struct tx_event e;
	base_event(&e, TX_EVT_OPEN);
	struct sk_event ev = tx_sk_event(&e);
	const struct sk_rule *const *m;
	assert_int_equal(sk_rules_eval(r, &ev, &m), 0); /* not compiled yet */
	assert_int_equal(sk_rules_compile(r), 0);
	assert_int_equal(sk_rules_compile(r), -EALREADY);
	assert_int_equal(sk_rules_load_string(r, "y.yaml", "[]"), -EALREADY);
	assert_int_equal(sk_rules_eval(r, &ev, &m), 1);
	const char *msg;
	const struct sk_alert_field *f;
	size_t n;
	assert_int_equal(sk_rules_format(r, sk_rules_at(r, 0), &ev, &msg, &f, &n), 0);
	assert_string_equal(msg, "name=bash (exe=/usr/bin/bash)");
	assert_int_equal(n, 4);
	assert_string_equal(f[2].name, "proc.aname[2]");
	assert_string_equal(f[2].value.str.ptr, "systemd");
	assert_string_equal(f[3].name, "user.uid");
	sk_rules_destroy(r);
}

struct golden {
	const char *yaml;
	int rc;
	const char *diags;
};

static const struct golden goldens[] = {
    /* a malformed regex: the rule file position of the pattern, PCRE2's
     * message and where in the pattern it failed */
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open and proc.name regex 'ba(sh|zsh'\n"
     "  output: o\n"
     "  priority: debug\n",
     -EINVAL,
     "E rules.yaml:3:50: invalid regex 'ba(sh|zsh': missing closing parenthesis at offset 9 "
     "of the pattern in rule 'X'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open and proc.nmae = bash\n"
     "  output: o\n"
     "  priority: debug\n",
     -EINVAL,
     "E rules.yaml:3:34: unknown field 'proc.nmae' (did you mean 'proc.name'?) in rule 'X'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open and proc.nmae = bash\n"
     "  output: o\n"
     "  priority: debug\n"
     "  skip-if-unknown-filter: true\n",
     0,
     "W rules.yaml:3:34: rule 'X' skipped: unknown field 'proc.nmae' (did you mean "
     "'proc.name'?)\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: >\n"
     "    evt.type = open and\n"
     "    (proc.name = bash or\n"
     "     fd.nam = x)\n"
     "  output: o\n"
     "  priority: debug\n",
     -EINVAL, "E rules.yaml:6:6: unknown field 'fd.nam' (did you mean 'fd.name'?) in rule 'X'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: |\n"
     "    evt.type = open\n"
     "      and proc.name bash\n"
     "  output: o\n"
     "  priority: debug\n",
     -EINVAL,
     "E rules.yaml:5:21: syntax error: expected an operator after 'proc.name', found 'bash' "
     "in rule 'X'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: \"evt.type = open and proc.name = \\\"a\\\" and\"\n"
     "  output: o\n"
     "  priority: debug\n",
     -EINVAL,
     "E rules.yaml:3:56: syntax error: expected a condition, found the end of the condition "
     "in rule 'X'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: 'evt.type = open and proc.name = ''a'' and proc.pid > x'\n"
     "  output: o\n"
     "  priority: debug\n",
     -EINVAL, "E rules.yaml:3:68: syntax error: expected a number after '>' in rule 'X'\n"},
    {"- macro: m\n"
     "  condition: proc.name = a and\n"
     "    user.uidd = 0\n"
     "- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open and m\n"
     "  output: o\n"
     "  priority: debug\n"
     "- rule: Y\n"
     "  desc: d\n"
     "  condition: evt.type = open and not m\n"
     "  output: o\n"
     "  priority: debug\n",
     -EINVAL,
     "E rules.yaml:3:5: unknown field 'user.uidd' (did you mean 'user.uid'?) in macro 'm' "
     "(used by rule 'X')\n"
     "E rules.yaml:3:5: unknown field 'user.uidd' (did you mean 'user.uid'?) in macro 'm' "
     "(used by rule 'Y')\n"},
    {"- macro: a\n"
     "  condition: b\n"
     "- macro: b\n"
     "  condition: proc.name = x or a\n"
     "- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open and a and c\n"
     "  output: o\n"
     "  priority: debug\n",
     -EINVAL,
     "E rules.yaml:4:31: macro 'a' refers to itself in macro 'b' (used by rule 'X')\n"
     "E rules.yaml:7:40: undefined macro 'c' in rule 'X'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open and undefined_macro\n"
     "  output: o\n"
     "  priority: debug\n",
     -EINVAL, "E rules.yaml:3:34: undefined macro 'undefined_macro' in rule 'X'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: proc.name = bash\n"
     "  output: o\n"
     "  priority: debug\n",
     0,
     "W rules.yaml:3:14: rule 'X' matches all event types (restrict it with evt.type, or set "
     "warn_evttypes: false)\n"},
    {"- rule: X\n"
     "  condition: and proc.name = x\n"
     "  append: true\n"
     "- macro: M\n"
     "  condition: x\n"
     "  append: true\n"
     "- list: L\n"
     "  items: [x]\n"
     "  override:\n"
     "    items: append\n"
     "- rule: Z\n"
     "  enabled: false\n",
     -EINVAL,
     "E rules.yaml:1:3: rule 'X' has 'append: true' but no rule of that name is defined "
     "before\n"
     "E rules.yaml:4:3: macro 'M' has 'append: true' but no macro of that name is defined "
     "before\n"
     "E rules.yaml:7:3: list 'L' has 'override' but no list of that name is defined before\n"
     "E rules.yaml:11:3: rule 'Z' has only 'enabled' but no rule of that name is defined "
     "before\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open\n"
     "  output: o\n"
     "  priority: loud\n"
     "  enabled: maybe\n"
     "  colour: blue\n"
     "- rule: Y\n"
     "  condition: evt.type = open\n",
     -EINVAL,
     "W rules.yaml:7:3: unknown key 'colour' in rule 'X'\n"
     "E rules.yaml:5:13: invalid priority 'loud' in rule 'X' (one of emergency, alert, "
     "critical, error, warning, notice, informational, debug)\n"
     "E rules.yaml:6:12: 'enabled' must be true or false in rule 'X'\n"
     "E rules.yaml:8:3: missing key 'output' in rule 'Y'\n"
     "E rules.yaml:8:3: missing key 'desc' in rule 'Y'\n"
     "E rules.yaml:8:3: missing key 'priority' in rule 'Y'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open\n"
     "  output: \"bad %proc.nmae here\"\n"
     "  priority: debug\n",
     -EINVAL,
     "E rules.yaml:4:17: unknown field 'proc.nmae' (did you mean 'proc.name'?) in output in "
     "rule 'X'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open\n"
     "  output: o\n"
     "  priority: debug\n"
     "  exceptions:\n"
     "    - name: e1\n"
     "      fields: [proc.name, fd.nme]\n"
     "      values: [[a, b]]\n"
     "    - name: e2\n"
     "      fields: [proc.name, fd.name]\n"
     "      values: [[a]]\n"
     "    - name: e3\n"
     "      fields: proc.name\n"
     "      comps: like\n"
     "      values: [a]\n"
     "    - name: e4\n"
     "      values: [a]\n",
     -EINVAL,
     "E rules.yaml:17:7: exception 'e4' needs 'fields' in rule 'X'\n"
     "E rules.yaml:12:16: each value must be a list of 2 item(s), one per field, in exception "
     "'e2' of rule 'X'\n"
     "E rules.yaml:15:14: invalid comparison operator 'like' in exception 'e3' of rule 'X'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open\n"
     "  output: o\n"
     "  priority: debug\n"
     "  exceptions:\n"
     "    - name: e1\n"
     "      fields: [proc.name, fd.nme]\n"
     "      values: [[a, b]]\n",
     -EINVAL, "E rules.yaml:8:27: unknown field 'fd.nme' (did you mean 'fd.name'?) in rule 'X'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open\n"
     "  output: o\n"
     "  priority: debug\n"
     "  exceptions:\n"
     "    - name: no_values_yet\n"
     "      fields: [proc.name, proc.exee]\n"
     "    - name: single\n"
     "      fields: fd.nam\n",
     -EINVAL,
     "E rules.yaml:8:27: unknown field 'proc.exee' (did you mean 'proc.exe'?) in exception "
     "'no_values_yet' of rule 'X'\n"
     "E rules.yaml:10:15: unknown field 'fd.nam' (did you mean 'fd.name'?) in exception "
     "'single' of rule 'X'\n"},
    {"- rule: Y\n"
     "  desc: d\n"
     "  condition: evt.type = open and proc.pid in (1, two)\n"
     "  output: o\n"
     "  priority: debug\n"
     "- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open\n"
     "  output: o\n"
     "  priority: debug\n"
     "  source: k8s_audit\n"
     "- required_engine_version: 0.99.0\n"
     "- required_engine_version: 17\n"
     "- something_else: 1\n"
     "- list: unused_list\n"
     "  items: []\n"
     "- macro: unused_macro\n"
     "  condition: proc.name = x\n",
     -EINVAL,
     "E rules.yaml:12:28: rules require engine version 0.99.0, but this engine is version "
     "0.63.0\n"
     "W rules.yaml:14:3: unknown item with key 'something_else' ignored\n"
     "E rules.yaml:3:50: 'two' is not a valid int64 value for field 'proc.pid' in rule 'Y'\n"
     "E rules.yaml:8:14: field 'evt.type' is not available for source 'k8s_audit' in rule "
     "'X'\n"
     "W rules.yaml:17:3: macro 'unused_macro' is not used\n"
     "W rules.yaml:15:3: list 'unused_list' is not used\n"},
    {"- macro: m\n"
     "  condition: evt.type in (open, exceve)\n"
     "- rule: X\n"
     "  desc: d\n"
     "  condition: m or evt.type = nosuch\n"
     "  output: o\n"
     "  priority: debug\n",
     0,
     "W rules.yaml:2:33: unknown event type 'exceve' in macro 'm'\n"
     "W rules.yaml:5:30: unknown event type 'nosuch' in rule 'X'\n"},
    {"- macro: broken\n"
     "  condition: proc.name =\n"
     "- macro: uses_undefined\n"
     "  condition: nothere\n"
     "- rule: A\n"
     "  desc: d\n"
     "  condition: evt.type = open and broken and uses_undefined\n"
     "  output: o\n"
     "  priority: debug\n"
     "- rule: B\n"
     "  desc: d\n"
     "  condition: evt.type = open and uses_undefined\n"
     "  output: o\n"
     "  priority: debug\n",
     -EINVAL,
     "E rules.yaml:2:25: syntax error: expected a value after '=', found the end of the "
     "condition in macro 'broken'\n"
     "E rules.yaml:7:34: macro 'broken' cannot be used: it has errors in rule 'A'\n"
     "E rules.yaml:4:14: undefined macro 'nothere' in macro 'uses_undefined' (used by rule "
     "'A')\n"
     "E rules.yaml:12:34: macro 'uses_undefined' cannot be used: it has errors in rule 'B'\n"},
    {"- macro: spawned_process\n"
     "  condition: evt.type = execve\n"
     "- rule: Shell in container\n"
     "  desc: d\n"
     "  condition: spawnd_process\n"
     "  output: o\n"
     "  priority: debug\n"
     "- rule: Shell in contianer\n"
     "  condition: and proc.name = x\n"
     "  append: true\n",
     -EINVAL,
     "E rules.yaml:8:3: rule 'Shell in contianer' has 'append: true' but no rule of that name "
     "is defined before (did you mean 'Shell in container'?)\n"
     "E rules.yaml:5:14: undefined macro 'spawnd_process' (did you mean 'spawned_process'?) in "
     "rule 'Shell in container'\n"
     "W rules.yaml:1:3: macro 'spawned_process' is not used\n"},
    {"- rule:\n"
     "  desc: d\n"
     "- macro: \"\"\n"
     "  condition: x\n"
     "- list: [a]\n"
     "  items: []\n",
     -EINVAL,
     "E rules.yaml:1:8: a rule needs a name: 'rule: NAME'\n"
     "E rules.yaml:3:10: a macro needs a name: 'macro: NAME'\n"
     "E rules.yaml:5:9: a list needs a name: 'list: NAME'\n"},
    {"- rule: X\n"
     "  desc: d\n"
     "  condition: evt.type = open\n"
     "  output: o\n"
     "  priority: debug\n"
     "  skip-if-unknown-filter: true\n"
     "  exceptions:\n"
     "    - name: e\n"
     "      fields: [k8s.ns.name]\n",
     0, "W rules.yaml:9:16: rule 'X' skipped: unknown field 'k8s.ns.name' in exception 'e'\n"},
    {"rule: X\n", -EINVAL,
     "E rules.yaml:1:1: a rules file must be a list of items (rule, macro, list, ...)\n"},
    {"- rule: [x\n", -EINVAL, NULL},
};

static void test_golden_errors(void **state)
{
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		struct sk_rules *r = load(goldens[i].yaml, goldens[i].rc);
		if (goldens[i].diags) {
			assert_diags(r, goldens[i].diags);
		} else {
			assert_true(sk_rules_error_count(r) > 0);
		}
		sk_rules_destroy(r);
	}
}

/* A field its plugin marks deprecated loads, gives no value, and draws one
 * warning however many rules use it, at the first use. */
static void test_deprecated_field(void **state)
{
	(void)state;
	struct sk_rules *r = load("- macro: hc\n"
				  "  condition: container.healthcheck exists\n"
				  "- rule: a\n"
				  "  desc: d\n"
				  "  condition: evt.type = open and proc.name = bash and not hc\n"
				  "  output: o\n"
				  "  priority: debug\n"
				  "- rule: b\n"
				  "  desc: d\n"
				  "  condition: evt.type = open and (container.healthcheck = y or proc.name = x)\n"
				  "  output: o\n"
				  "  priority: debug\n",
				  0);
	assert_diags(r, "W rules.yaml:2:14: field 'container.healthcheck' is deprecated: Falco "
			"deprecated it, and it is kept only so that such rules load (it may give "
			"no value: see shrike --list) in macro 'hc'\n");
	struct tx_event e;
	base_event(&e, TX_EVT_OPEN);
	assert_string_equal(matches(r, &e), "a");
	sk_rules_destroy(r);
}

static void test_sources(void **state)
{
	struct sk_fields *f2 = sk_fields_create();
	char err[256];
	assert_int_equal(sk_fields_add_plugin(f2, &tx_plugin, NULL, err, sizeof(err)), 0);
	assert_int_equal(sk_fields_add_plugin(f2, &tx_plugin_other, NULL, err, sizeof(err)), 0);
	assert_int_equal(sk_fields_add_source(f2, "syscall"), 0);
	assert_int_equal(sk_fields_add_source(f2, "other"), 0);
	struct sk_rules *r = sk_rules_create(f2);
	assert_int_equal(sk_rules_load_string(r, "s.yaml",
					      "- required_plugin_versions:\n"
					      "  - name: tx2\n"
					      "    version: 0.0.9\n"
					      "  - name: nothere\n"
					      "    version: 1.0.0\n"
					      "  - name: tx\n"
					      "    version: 2.0.0\n"
					      "    alternatives:\n"
					      "      - name: tx2\n"
					      "        version: 0.1.0\n"
					      "- rule: o\n"
					      "  desc: d\n"
					      "  condition: proc.name = bash\n"
					      "  output: o\n"
					      "  priority: debug\n"
					      "  source: other\n"
					      "- rule: k\n"
					      "  desc: d\n"
					      "  condition: ka.verb = x\n"
					      "  output: o\n"
					      "  priority: debug\n"
					      "  source: k8s_audit\n"),
			 0);
	assert_int_equal(sk_rules_compile(r), 0);
	assert_diags(r, "W s.yaml:4:5: rules require plugin 'nothere' version 1.0.0, which is not "
			"loaded\n"
			"I s.yaml:17:3: 1 rule(s) of source 'k8s_audit' skipped, starting with 'k': "
			"no loaded plugin provides that source (enable it, e.g. --enable-source "
			"k8s_audit)\n");
	assert_false(sk_rules_find(r, "k")->loaded);
	struct tx_event e;
	base_event(&e, TX_EVT_OPEN);
	struct sk_event ev = tx_sk_event(&e);
	ev.source = "other";
	const struct sk_rule *const *m;
	assert_int_equal(sk_rules_eval(r, &ev, &m), 1);
	assert_string_equal(m[0]->name, "o");
	ev.source = "syscall";
	assert_int_equal(sk_rules_eval(r, &ev, &m), 0);
	sk_rules_destroy(r);

	r = sk_rules_create(f2);
	assert_int_equal(sk_rules_load_string(r, "s.yaml",
					      "- required_plugin_versions:\n"
					      "  - name: tx\n"
					      "    version: 2.0.0\n"),
			 -EINVAL);
	assert_diags(r, "E s.yaml:2:5: plugin 'tx' is loaded in an older version than the 2.0.0 "
			"these rules require\n");
	sk_rules_destroy(r);
	sk_fields_destroy(f2);
}

static char *testdata(const char *rel)
{
	const char *top = getenv("top_srcdir");
	static char buf[4096];
	snprintf(buf, sizeof(buf), "%s/core/rules/testdata/%s", top ? top : ".", rel);
	return buf;
}

static void test_falco_style(void **state)
{
	struct sk_fields *f2 = sk_fields_create();
	char err[256];
	assert_int_equal(sk_fields_add_plugin(f2, &tx_plugin, NULL, err, sizeof(err)), 0);
	assert_int_equal(sk_fields_add_plugin(f2, &tx_plugin_wide, NULL, err, sizeof(err)), 0);
	struct sk_rules *r = sk_rules_create(f2);
	int rc = sk_rules_load_path(r, testdata("falco_style.yaml"));
	if (rc == 0) {
		rc = sk_rules_compile(r);
	}
	char *d = diags(r);
	if (rc || *d) {
		print_message("# %s", d);
	}
	assert_int_equal(rc, 0);
	assert_string_equal(d, "");
	free(d);
	assert_int_equal(sk_rules_count(r), 6);
	for (size_t i = 0; i < sk_rules_count(r); i++) {
		assert_true(sk_rules_at(r, i)->loaded);
	}
	const struct sk_rule *w = sk_rules_at(r, 0);
	assert_int_equal(w->priority, SK_PRI_ERROR);
	assert_string_equal(w->desc, "A program wrote below /etc. Programs that manage "
				     "configuration are expected; others are not.\n");
	assert_int_equal(w->nevttypes, 4);
	assert_false(sk_rules_find(r, "Outbound to unexpected network")->enabled);
	assert_int_equal(sk_rules_find(r, "Outbound to unexpected network")->priority,
			 SK_PRI_WARNING);
	struct tx_event e;
	base_event(&e, TX_EVT_EXECVE);
	e.proc_name = "strace";
	assert_string_equal(matches(r, &e), "Any event from a debug tool");
	struct sk_event ev = tx_sk_event(&e);
	const char *msg;
	const struct sk_alert_field *f;
	size_t n;
	assert_int_equal(
	    sk_rules_format(r, sk_rules_find(r, "Any event from a debug tool"), &ev, &msg, &f, &n),
	    0);
	assert_string_equal(msg, "strace did execve");
	/* %container.info without a provider prints nothing */
	assert_int_equal(sk_rules_format(r, w, &ev, &msg, &f, &n), 0);
	assert_string_equal(msg, "File below /etc opened for writing (file=/etc/shadow "
				 "parent=<NA> gparent=systemd user=<NA> uid=0 proto=fd.l4proto "
				 "flags=<NA> )");
	assert_int_equal(n, 6);
	/* list items with quotes and escapes inside YAML strings */
	e.proc_name = "sh";
	e.aname[1] = "runc:[1:CHILD]";
	e.proc_cmdline = "sh -c node -e \"require('nan')\"";
	assert_string_equal(matches(r, &e), "Odd command line");
	e.proc_cmdline = "sh -c /bin/sh -c 'date +%%s'";
	assert_string_equal(matches(r, &e), "Odd command line");
	e.aname[1] = "runc:[2:INIT]";
	assert_string_equal(matches(r, &e), "");
	sk_rules_destroy(r);

	/* a directory: *.yaml and *.yml in name order, other files ignored */
	r = sk_rules_create(f2);
	assert_int_equal(sk_rules_load_path(r, testdata("dir")), 0);
	assert_int_equal(sk_rules_compile(r), 0);
	base_event(&e, TX_EVT_OPEN);
	e.proc_name = "b";
	assert_string_equal(matches(r, &e), "from dir a");
	e.proc_name = "c";
	assert_string_equal(matches(r, &e), "");
	sk_rules_destroy(r);

	/* a missing path */
	r = sk_rules_create(f2);
	assert_int_equal(sk_rules_load_path(r, "/nonexistent/rules.yaml"), -ENOENT);
	assert_diags(r,
		     "E /nonexistent/rules.yaml: cannot read rules: No such file or directory\n");
	sk_rules_destroy(r);
	sk_fields_destroy(f2);
}

/* positions in conditions made of pieces from several files */
static void test_append_positions(void **state)
{
	struct sk_rules *r = sk_rules_create(fields);
	assert_int_equal(sk_rules_load_string(r, "base.yaml",
					      "- rule: R\n"
					      "  desc: d\n"
					      "  condition: evt.type = open and proc.name = a\n"
					      "  output: o\n"
					      "  priority: debug\n"),
			 0);
	assert_int_equal(sk_rules_load_string(r, "local.yaml",
					      "# tuning\n"
					      "- rule: R\n"
					      "  condition: >\n"
					      "    and not (proc.exe = /bin/x or\n"
					      "             fd.nme = y)\n"
					      "  append: true\n"),
			 0);
	assert_int_equal(sk_rules_compile(r), -EINVAL);
	assert_diags(r, "E local.yaml:5:14: unknown field 'fd.nme' (did you mean 'fd.name'?) in "
			"rule 'R'\n");
	assert_string_equal(sk_rules_at(r, 0)->file, "base.yaml");
	sk_rules_destroy(r);
}

static void test_more_overrides(void **state)
{
	struct sk_rules *r = load("- macro: m\n"
				  "  condition: proc.name = a\n"
				  "- macro: m\n"
				  "  condition: or proc.name = b\n"
				  "  override:\n"
				  "    condition: append\n"
				  "- macro: m2\n"
				  "  condition: proc.name = x\n"
				  "- macro: m2\n"
				  "  condition: proc.name = c\n"
				  "  override:\n"
				  "    condition: replace\n"
				  "- rule: r\n"
				  "  desc: d\n"
				  "  condition: evt.type = execve and (m or m2)\n"
				  "  output: o\n"
				  "  priority: debug\n"
				  "  append: false\n"
				  "  exceptions:\n"
				  "    - name: e\n"
				  "      fields: proc.name\n"
				  "      values: [a]\n"
				  "- rule: r\n"
				  "  exceptions:\n"
				  "    - name: e2\n"
				  "      fields: proc.name\n"
				  "      values: [b]\n"
				  "  enabled: true\n"
				  "  override:\n"
				  "    exceptions: replace\n"
				  "    enabled: replace\n",
				  0);
	assert_diags(r, "");
	struct tx_event e;
	base_event(&e, TX_EVT_EXECVE);
	const char *names[] = {"a", "b", "c", "x"};
	/* exception e was replaced by e2: a matches, b is excepted */
	const char *want[] = {"r", "", "r", ""};
	for (size_t i = 0; i < 4; i++) {
		e.proc_name = names[i];
		assert_string_equal(matches(r, &e), want[i]);
	}
	sk_rules_destroy(r);

	/* several YAML documents in one file */
	char path[] = "/tmp/sk_rules_docs_XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	const char *docs = "- list: l\n"
			   "  items: [a]\n"
			   "---\n"
			   "- rule: r\n"
			   "  desc: d\n"
			   "  condition: evt.type = execve and proc.name in (l)\n"
			   "  output: o\n"
			   "  priority: debug\n"
			   "---\n";
	assert_int_equal(write(fd, docs, strlen(docs)), (ssize_t)strlen(docs));
	close(fd);
	r = sk_rules_create(fields);
	assert_int_equal(sk_rules_load_path(r, path), 0);
	assert_int_equal(sk_rules_compile(r), 0);
	e.proc_name = "a";
	assert_string_equal(matches(r, &e), "r");
	sk_rules_destroy(r);
	unlink(path);
}

/* mutated rule files: loading and compiling never crash; every failure is
 * reported */
static void test_yaml_mutations(void **state)
{
	const char *bases[] = {exc_yaml, sel_yaml};
	const char alphabet[] = "-:[]{}'\" \n#abc,%()=|>";
	unsigned seed = 4242, loaded = 0;
	for (unsigned round = 0; round < 1500; round++) {
		const char *base = bases[round % 2];
		size_t len = strlen(base);
		char *buf = malloc(len + 16);
		assert_non_null(buf);
		memcpy(buf, base, len + 1);
		unsigned edits = 1 + (seed = seed * 1103515245u + 12345u) % 4;
		for (unsigned k = 0; k < edits; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;
			char c = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
			if ((seed >> 4) % 2 && len > 1) {
				memmove(buf + at, buf + at + 1, len - at);
				len--;
			} else {
				buf[at] = c;
			}
		}
		struct sk_rules *r = sk_rules_create(fields);
		assert_non_null(r);
		int rc = sk_rules_load_string(r, "m.yaml", buf);
		int rc2 = sk_rules_compile(r);
		if (rc == 0 && rc2 == 0) {
			loaded++;
			struct tx_event e;
			base_event(&e, TX_EVT_OPEN);
			(void)matches(r, &e);
		} else {
			/* every failure says why */
			assert_true(sk_rules_error_count(r) > 0);
		}
		sk_rules_destroy(r);
		free(buf);
	}
	print_message("# yaml mutations: %u of 1500 loaded cleanly\n", loaded);
}

/* one extraction per field and event, shared by every rule */
static void test_shared_extraction(void **state)
{
	struct sk_rules *r =
	    load("- rule: a\n"
		 "  desc: d\n"
		 "  condition: evt.type = execve and proc.name = bash and proc.pid > 1\n"
		 "  output: o\n"
		 "  priority: debug\n"
		 "- rule: b\n"
		 "  desc: d\n"
		 "  condition: evt.type = execve and proc.name startswith ba\n"
		 "  output: o\n"
		 "  priority: debug\n"
		 "- rule: c\n"
		 "  desc: d\n"
		 "  condition: evt.type = execve and not proc.name in (zsh) and proc.pid < 1000\n"
		 "  output: o\n"
		 "  priority: debug\n",
		 0);
	sk_rules_set_match_all(r, true);
	struct tx_event e;
	base_event(&e, TX_EVT_EXECVE);
	unsigned long before = tx_extract_calls;
	assert_string_equal(matches(r, &e), "a,b,c");
	/* proc.name and proc.pid once each; evt.type needs no extraction */
	assert_int_equal(tx_extract_calls - before, 2);
	/* the next event extracts again */
	e.proc_name = "zsh";
	before = tx_extract_calls;
	assert_string_equal(matches(r, &e), "");
	assert_int_equal(tx_extract_calls - before, 1);
	sk_rules_destroy(r);
}

static void test_versions(void **state)
{
	bool ok;
	assert_int_equal(sk_rules_version_cmp("0.17.0", "17", &ok), 0);
	assert_true(ok);
	assert_int_equal(sk_rules_version_cmp("0.26.1", "0.26.0", NULL), 1);
	assert_int_equal(sk_rules_version_cmp("1.0.0", "0.60.0", NULL), 1);
	/* Falco's engine of today: files that need 0.63.0 load */
	assert_int_equal(sk_rules_version_cmp("0.63.0", SK_RULES_ENGINE_VERSION, NULL), 0);
	assert_int_equal(sk_rules_version_cmp("0.64.0", SK_RULES_ENGINE_VERSION, NULL), 1);
	assert_int_equal(sk_rules_version_cmp("0.9.9", "0.10.0", NULL), -1);
	assert_int_equal(sk_rules_version_cmp("x", "1", &ok), -2);
	assert_false(ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_output_format),
	    cmocka_unit_test(test_lists),
	    cmocka_unit_test(test_falco_file_lists),
	    cmocka_unit_test(test_macros),
	    cmocka_unit_test(test_exceptions),
	    cmocka_unit_test(test_append_override),
	    cmocka_unit_test(test_select_priority_index),
	    cmocka_unit_test(test_append_output),
	    cmocka_unit_test(test_apply_config),
	    cmocka_unit_test(test_append_config),
	    cmocka_unit_test(test_alert_json),
	    cmocka_unit_test(test_append_positions),
	    cmocka_unit_test(test_more_overrides),
	    cmocka_unit_test(test_yaml_mutations),
	    cmocka_unit_test(test_shared_extraction),
	    cmocka_unit_test(test_golden_errors),
	    cmocka_unit_test(test_sources),
	    cmocka_unit_test(test_deprecated_field),
	    cmocka_unit_test(test_versions),
	    cmocka_unit_test(test_falco_style),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
