/* core/rules/oom_test.c - allocation failure injection for the rule engine:
 * the whole pipeline (registry, load, compile, evaluate, format) runs again
 * and again with the Nth allocation failing, for every N until it completes;
 * every run must fail cleanly (no crash; no leak under VALGRIND=1). malloc,
 * calloc, realloc, strdup and strndup are wrapped with -Wl,--wrap. */
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

#include "rules/engine.h"
#include "rules/test_extractor.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static long fail_at = -1; /* the allocation number that fails; -1: none */
static long allocs;
static bool armed;

static bool fail_now(void)
{
	return armed && ++allocs == fail_at;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	return fail_now() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

static const char *const yaml =
    "- list: shells\n"
    "  items: [bash, '\"z sh\"', others]\n"
    "- list: others\n"
    "  items: [ksh]\n"
    "- macro: spawned\n"
    "  condition: evt.type in (execve, open)\n"
    "- macro: m2\n"
    "  condition: spawned and not proc.aname[1] = cron\n"
    "- rule: r1\n"
    "  desc: d\n"
    "  condition: >\n"
    "    m2 and proc.name in (shells) and fd.name pmatch (/etc, /tmp)\n"
    "    and proc.cmdline regex 'ba.*' and tolower(proc.exe) glob '*/bash'\n"
    "    and fd.sip in (10.0.0.0/8, 192.168.1.1) and proc.pid > 5\n"
    "  output: \"%proc.name %proc.aname[2] %(proc.env[HOME]) %fd.sip %proc.args\"\n"
    "  priority: warning\n"
    "  tags: [t1, t2]\n"
    "  exceptions:\n"
    "    - name: e1\n"
    "      fields: [proc.name, fd.name]\n"
    "      comps: [in, startswith]\n"
    "      values: [[[a, b], /x], [shells, /y]]\n"
    "    - name: e2\n"
    "      fields: proc.exe\n"
    "      values: [/bin/a, /bin/b]\n"
    "- rule: r1\n"
    "  condition: or proc.name = zsh\n"
    "  append: true\n"
    "- rule: r2\n"
    "  desc: d\n"
    "  condition: proc.name = bash and nosuchmacro\n"
    "  output: o %proc.nmae\n"
    "  priority: info\n"
    "- rule: r3\n"
    "  desc: d\n"
    "  condition: evt.type = execve and proc.name = bash\n"
    "  output: r3 %proc.name\n"
    "  priority: info\n"
    "  override:\n"
    "    priority: replace\n";

/* one run of everything; returns true when it went through to the end */
static bool pipeline(void)
{
	char err[256];
	bool done = false;
	struct sk_fields *f = sk_fields_create();
	struct sk_rules *r = NULL;
	if (!f || sk_fields_add_plugin(f, &tx_plugin, NULL, err, sizeof(err))) {
		goto out;
	}
	r = sk_rules_create(f);
	if (!r) {
		goto out;
	}
	const char *extra[] = {"user.uid"};
	if (sk_rules_set_append_output(r, NULL, "(uid=%user.uid)", extra, 1) == -ENOMEM) {
		goto out;
	}
	int rc = sk_rules_load_string(r, "oom.yaml", yaml);
	if (rc == -ENOMEM) {
		goto out;
	}
	rc = sk_rules_compile(r);
	if (rc == -ENOMEM) {
		goto out;
	}
	sk_rules_select(r, true, "r*", NULL);
	struct tx_event e;
	tx_event_init(&e, TX_EVT_EXECVE);
	e.proc_name = "bash";
	e.proc_exe = "/usr/bin/bash";
	e.proc_cmdline = "bash";
	e.fd_name = "/etc/passwd";
	e.has_sip = true;
	e.sip.family = 4;
	e.sip.addr[0] = 10;
	e.has_pid = true;
	e.pid = 10;
	struct sk_event ev = tx_sk_event(&e);
	const struct sk_rule *const *m;
	size_t n = sk_rules_eval(r, &ev, &m);
	for (size_t i = 0; i < n; i++) {
		struct sk_alert_in a;
		if (sk_rules_alert(r, m[i], &ev, &a)) {
			goto out;
		}
	}
	/* the run counts as complete only when it matched as it should */
	done = n == 1 && sk_rules_error_count(r) == 2;
out:
	sk_rules_destroy(r);
	sk_fields_destroy(f);
	return done;
}

static void test_every_allocation_fails_once(void **state)
{
	armed = false;
	assert_true(pipeline());
	long n;
	for (n = 1;; n++) {
		allocs = 0;
		fail_at = n;
		armed = true;
		bool done = pipeline();
		armed = false;
		if (allocs < n) {
			/* no allocation failed: the run must have completed */
			assert_true(done);
			break;
		}
	}
	print_message("# %ld allocations, each failed once\n", n - 1);
	assert_true(n > 100);
}

/* after the first event has grown the scratch buffers, evaluating and
 * formatting allocate nothing */
static void test_no_allocation_per_event(void **state)
{
	char err[256];
	struct sk_fields *f = sk_fields_create();
	assert_int_equal(sk_fields_add_plugin(f, &tx_plugin, NULL, err, sizeof(err)), 0);
	struct sk_rules *r = sk_rules_create(f);
	/* r2 and r3 are broken on purpose */
	assert_int_equal(sk_rules_load_string(r, "oom.yaml", yaml), -EINVAL);
	assert_int_equal(sk_rules_compile(r), -EINVAL);
	sk_rules_set_match_all(r, true);
	struct tx_event e;
	tx_event_init(&e, TX_EVT_EXECVE);
	e.proc_name = "bash";
	e.proc_exe = "/usr/bin/BASH";
	e.proc_cmdline = "bash -c 'something long enough'";
	e.fd_name = "/tmp/x";
	e.has_sip = true;
	e.sip.family = 4;
	e.sip.addr[0] = 192;
	e.sip.addr[1] = 168;
	e.sip.addr[2] = 1;
	e.sip.addr[3] = 1;
	e.has_pid = true;
	e.pid = 10;
	e.has_list = true;
	e.args[0] = "-c";
	e.nargs = 1;
	struct sk_event ev = tx_sk_event(&e);
	const struct sk_rule *const *m;
	size_t matched = 0;
	for (int round = 0; round < 1001; round++) {
		if (round == 1) {
			allocs = 0;
			fail_at = -1;
			armed = true; /* count from the second event on */
		}
		e.hdr.type = round % 3 ? TX_EVT_EXECVE : TX_EVT_OPEN;
		size_t n = sk_rules_eval(r, &ev, &m);
		for (size_t i = 0; i < n; i++) {
			struct sk_alert_in a;
			assert_int_equal(sk_rules_alert(r, m[i], &ev, &a), 0);
		}
		matched += n;
	}
	armed = false;
	assert_true(matched >= 1001);
	assert_int_equal(allocs, 0);
	sk_rules_destroy(r);
	sk_fields_destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_allocation_fails_once),
	    cmocka_unit_test(test_no_allocation_per_event),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
