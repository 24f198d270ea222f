/* bench/rules_bench.c - rule engine figures: time to load and compile a
 * ~60-rule ruleset, and events per second for events no rule indexes,
 * events that reach conditions without matching, matching events,
 * matching events with their output formatted, and one regex rule on
 * plain and invalid-UTF-8 values. Prints figures; never fails
 * on time. Uses the synthetic extractor of the unit tests, so the numbers
 * measure the engine, not a real field extractor.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/engine.h"
#include "rules/test_extractor.h"

#define NRULES_DEFAULT 60

static int nrules = NRULES_DEFAULT;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *make_rules(void)
{
	size_t cap = (size_t)nrules * 1024 + 4096, len = 0;
	char *s = malloc(cap);
	if (!s) {
		return NULL;
	}
	len += (size_t)snprintf(s + len, cap - len,
				"- list: sensitive_dirs\n"
				"  items: [/etc/ssl, /etc/pki, /var/lib/secret]\n"
				"- macro: open_write\n"
				"  condition: evt.type in (open, openat) and fd.name exists\n"
				"- macro: spawned\n"
				"  condition: evt.type = execve\n");
	for (int i = 0; i < nrules; i++) {
		len += (size_t)snprintf(
		    s + len, cap - len,
		    "- list: progs_%d\n"
		    "  items: [prog%da, prog%db, prog%dc, prog%dd, /usr/bin/tool%d]\n"
		    "- macro: tuned_%d\n"
		    "  condition: (proc.aname[2] = allowed%d or proc.env[TUNE] = \"%d\")\n"
		    "- rule: rule %d\n"
		    "  desc: generated rule %d\n"
		    "  condition: >\n"
		    "    %s and proc.name in (progs_%d)\n"
		    "    and not fd.name pmatch (sensitive_dirs)\n"
		    "    and proc.cmdline contains \"--flag%d\" and not tuned_%d\n"
		    "  output: rule %d fired (proc=%%proc.name cmd=%%proc.cmdline file=%%fd.name "
		    "pid=%%proc.pid parent=%%proc.aname[1])\n"
		    "  priority: warning\n"
		    "  tags: [bench, t%d]\n",
		    i, i, i, i, i, i, i, i, i, i, i, i % 2 ? "open_write" : "spawned", i, i, i, i,
		    i % 5);
	}
	return s;
}

static void run(struct sk_rules *r, const char *what, struct tx_event *e, size_t n, bool fmt)
{
	struct sk_event ev = tx_sk_event(e);
	const struct sk_rule *const *m;
	size_t hits = 0;
	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		size_t k = sk_rules_eval(r, &ev, &m);
		hits += k;
		if (fmt && k) {
			const char *msg;
			const struct sk_alert_field *f;
			size_t nf;
			sk_rules_format(r, m[0], &ev, &msg, &f, &nf);
		}
	}
	double dt = now() - t0;
	printf("%-44s %12.0f events/s  (%zu events, %zu matches, %.1f ns/event)\n", what,
	       (double)n / dt, n, hits, dt * 1e9 / (double)n);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
	if (argc > 2) {
		nrules = atoi(argv[2]);
	}
	char err[256];
	struct sk_fields *fields = sk_fields_create();
	if (!fields || sk_fields_add_plugin(fields, &tx_plugin, NULL, err, sizeof(err))) {
		fprintf(stderr, "rules_bench: registry: %s\n", err);
		return 1;
	}
	char *text = make_rules();
	if (!text) {
		return 1;
	}
	double t0 = now();
	struct sk_rules *r = sk_rules_create(fields);
	int rc = sk_rules_load_string(r, "bench.yaml", text);
	if (rc == 0) {
		rc = sk_rules_compile(r);
	}
	double dt = now() - t0;
	if (rc) {
		for (size_t i = 0; i < sk_rules_diag_count(r); i++) {
			fprintf(stderr, "%s\n", sk_rules_diag_at(r, i)->msg);
		}
		return 1;
	}
	printf("load + compile %d rules (%zu bytes of YAML): %.2f ms\n", nrules, strlen(text),
	       dt * 1e3);

	struct tx_event e;
	tx_event_init(&e, TX_EVT_CONNECT);
	e.proc_name = "prog7a";
	e.proc_cmdline = "prog7a --flag7 --other";
	e.fd_name = "/tmp/x";
	e.aname[1] = "bash";
	e.aname[2] = "sshd";
	e.has_pid = true;
	e.pid = 4242;
	run(r, "event type no rule indexes", &e, n, false);

	e.hdr.type = TX_EVT_OPEN;
	e.proc_name = "nginx";
	run(r, "reaches 30 conditions, no match", &e, n / 4, false);

	e.proc_name = "prog7a";
	e.proc_cmdline = "prog7a --flag8";
	run(r, "reaches conditions, fails late", &e, n / 4, false);

	e.proc_cmdline = "prog7a --flag7";
	run(r, "matching (first match)", &e, n / 4, false);
	run(r, "matching + output formatted", &e, n / 4, true);

	sk_rules_destroy(r);

	/* one regex rule in Falco's syntax: a plain value, and one whose
	 * invalid UTF-8 is repaired before matching */
	r = sk_rules_create(fields);
	if (sk_rules_load_string(r, "regex.yaml",
				 "- rule: regex\n"
				 "  desc: d\n"
				 "  condition: evt.type = open and proc.cmdline regex "
				 "'.*--fl\\w+\\d\\s.*'\n"
				 "  output: o\n"
				 "  priority: warning\n") != 0 ||
	    sk_rules_compile(r) != 0) {
		fprintf(stderr, "rules_bench: the regex rule does not load\n");
		return 1;
	}
	e.proc_cmdline = "/usr/bin/prog7a --verbose --config /etc/prog7a.conf --flag7 run";
	run(r, "regex, 64-byte value, matches", &e, n / 4, false);
	e.proc_cmdline = "/usr/bin/prog7a --verbose --config /etc/prog7a.conf --other run";
	run(r, "regex, 64-byte value, no match", &e, n / 4, false);
	e.proc_cmdline = "/usr/bin/prog7a --verbose --config /etc/\xff\xfe.conf --flag7 run";
	run(r, "regex, invalid UTF-8 repaired, matches", &e, n / 4, false);
	sk_rules_destroy(r);
	sk_fields_destroy(fields);
	free(text);
	return 0;
}
