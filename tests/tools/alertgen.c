/* tests/tools/alertgen.c - emit synthetic alerts through the real output
 * path (config -> loader -> output plugins -> queues), for the outputs_*.sh
 * integration tests.
 *
 *   alertgen -c shrike.yaml [-o key=value]... [-n COUNT] [-H HOSTNAME] [-t MS]
 *            [-m BYTES] [-r PER_SEC]
 *
 * Loads the config, starts every enabled output, emits COUNT distinct alerts
 * (rule "Test rule N", fields of every value type, tags; -m pads each
 * message with BYTES more characters, for size limits), prints
 * "emitted TOTAL" on stderr, then waits for a signal. With -r the alerts
 * are paced at PER_SEC a second (on a fixed schedule, so a slow moment is
 * caught up), and "progress TOTAL" is printed on stderr about every 100 ms
 * while emitting (the fault tests act at a given point of a stream):
 *   SIGUSR1         reopen the outputs' files (like the daemon), then emit
 *                   COUNT more alerts and print "emitted TOTAL" again;
 *   SIGTERM/SIGINT  stop the outputs, delivering everything queued
 *                   (sk_outputs_stop(o, MS), MS 0 by default: no time
 *                   limit), print the counters, exit 0.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "outputs.h"

#define MAX_OVERRIDES 64

static void usage(void)
{
	fprintf(stderr,
		"usage: alertgen -c FILE [-o key=value]... [-n COUNT] [-H HOSTNAME] [-t MS] "
		"[-m BYTES] [-r PER_SEC]\n");
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static size_t pad_bytes; /* -m */
static double rate;	 /* -r: alerts per second, 0 = as fast as possible */

static int emit_one(struct sk_outputs *o, uint64_t n)
{
	char rule[64], seq[32];
	size_t msize = 160 + pad_bytes;
	char *message = malloc(msize);
	if (!message) {
		return -ENOMEM;
	}
	snprintf(rule, sizeof(rule), "Test rule %" PRIu64, n);
	snprintf(seq, sizeof(seq), "%" PRIu64, n);
	int ml = snprintf(message, msize,
			  "Test alert %" PRIu64 " (user=root file=/etc/shadow cmd=\"cat /etc/shadow\")",
			  n);
	if (pad_bytes > 0 && ml > 0) {
		message[ml] = ' ';
		memset(message + ml + 1, 'x', pad_bytes - 1);
		message[ml + pad_bytes] = '\0';
	}

	struct sk_value args[2] = {
	    {.type = SK_TYPE_STRING, .str = {.ptr = "-n", .len = 2}},
	    {.type = SK_TYPE_STRING, .str = {.ptr = seq, .len = (uint32_t)strlen(seq)}},
	};
	struct sk_value sip = {.type = SK_TYPE_IPADDR};
	sip.ip.family = 4;
	sip.ip.prefix = 32;
	inet_pton(AF_INET, "192.0.2.7", sip.ip.addr);
	struct sk_value net = {.type = SK_TYPE_IPNET};
	net.ip.family = 4;
	net.ip.prefix = 8;
	inet_pton(AF_INET, "10.0.0.0", net.ip.addr);
	struct sk_value cip = {.type = SK_TYPE_IPADDR};
	cip.ip.family = 6;
	cip.ip.prefix = 128;
	inet_pton(AF_INET6, "2001:db8::1", cip.ip.addr);
	uint64_t now = realtime_ns();

	const struct sk_alert_field fields[] = {
	    {"proc.name", {.type = SK_TYPE_STRING, .str = {.ptr = "alertgen", .len = 8}}},
	    {"alert.seq", {.type = SK_TYPE_U64, .u64 = n}},
	    {"evt.res", {.type = SK_TYPE_I64, .i64 = -2}},
	    {"fd.is_dir", {.type = SK_TYPE_BOOL, .b = (n % 2) == 0}},
	    {"fd.sip", sip},
	    {"fd.net", net},
	    {"fd.cip", cip},
	    {"fd.sport", {.type = SK_TYPE_PORT, .u64 = 443}},
	    {"evt.rawtime", {.type = SK_TYPE_ABSTIME, .u64 = now}},
	    {"evt.latency", {.type = SK_TYPE_RELTIME, .u64 = 1500}},
	    {"evt.buffer", {.type = SK_TYPE_BYTES, .str = {.ptr = "GET /", .len = 5}}},
	    {"container.id", {.type = SK_TYPE_NONE}},
	    {"proc.aname[2]", {.type = SK_TYPE_STRING, .str = {.ptr = "systemd", .len = 7}}},
	    {"proc.args", {.type = SK_TYPE_LIST, .list = {.items = args, .n = 2}}},
	};
	static const char *const tags[] = {"test", "mitre_discovery", "T1234"};
	struct sk_alert_in in = {
	    .time_ns = now,
	    .priority = (int)(n % 8),
	    .rule = rule,
	    .source = "syscall",
	    .message = message,
	    .tags = tags,
	    .ntags = 3,
	    .fields = fields,
	    .nfields = sizeof(fields) / sizeof(fields[0]),
	};
	int rc = sk_outputs_emit(o, &in);
	free(message);
	return rc;
}

/* pace - with -r, wait until alert number `done` (0-based, counted from
 * `start_ns` on the monotonic clock) is due, and report progress. */
static void pace(uint64_t start_ns, uint64_t done, uint64_t total, uint64_t *last_report_ns)
{
	if (rate <= 0) {
		return;
	}
	uint64_t due = start_ns + (uint64_t)((double)done * 1e9 / rate);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	uint64_t now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	if (now_ns - *last_report_ns >= 100000000ull) {
		fprintf(stderr, "progress %" PRIu64 "\n", total);
		*last_report_ns = now_ns;
	}
	if (due > now_ns) {
		struct timespec ts = {.tv_sec = (time_t)(due / 1000000000ull),
				      .tv_nsec = (long)(due % 1000000000ull)};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
		}
	}
}

int main(int argc, char **argv)
{
	const char *conf_path = NULL;
	const char *overrides[MAX_OVERRIDES];
	size_t noverrides = 0;
	uint64_t count = 10;
	const char *hostname = NULL;
	unsigned stop_ms = 0;
	struct sk_conf *conf = NULL;
	struct sk_outputs *o = NULL;
	char err[2048] = "";
	int status = 1;
	int c;

	while ((c = getopt(argc, argv, "c:o:n:H:t:m:r:h")) != -1) {
		switch (c) {
		case 'c':
			conf_path = optarg;
			break;
		case 'o':
			if (noverrides == MAX_OVERRIDES) {
				fprintf(stderr, "alertgen: too many -o\n");
				return 2;
			}
			overrides[noverrides++] = optarg;
			break;
		case 'n':
			count = strtoull(optarg, NULL, 10);
			break;
		case 'H':
			hostname = optarg;
			break;
		case 't':
			stop_ms = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'm':
			pad_bytes = (size_t)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			break;
		default:
			usage();
			return 2;
		}
	}
	if (!conf_path || optind != argc) {
		usage();
		return 2;
	}

	/* Signals are taken with sigwait() only: block them before any thread
	 * exists so every worker inherits the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (sk_conf_load(conf_path, overrides, noverrides, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "alertgen: %s\n", err);
		goto out;
	}
	sk_log_setup(conf->log_level, true, false);

	struct sk_output_conf oc[SK_CONF_MAX_OUTPUTS];
	size_t n = 0;
	for (size_t i = 0; i < conf->noutputs; i++) {
		if (conf->outputs[i].enabled) {
			oc[n].plugin = conf->outputs[i].plugin;
			oc[n].key = conf->outputs[i].key;
			oc[n].section = conf->outputs[i].section;
			n++;
		}
	}
	struct sk_format_opts fmt = conf->fmt;
	fmt.hostname = hostname;
	if (sk_outputs_create(conf->plugins_dir, oc, n, &fmt, conf->queue_capacity,
			      !conf->buffered_outputs, &o, err, sizeof(err)) != 0 ||
	    sk_outputs_start(o, err, sizeof(err)) != 0) {
		fprintf(stderr, "alertgen: %s\n", err);
		goto out;
	}

	uint64_t total = 0;
	for (;;) {
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		uint64_t start_ns = (uint64_t)t0.tv_sec * 1000000000ull + (uint64_t)t0.tv_nsec;
		uint64_t last_report_ns = 0;
		for (uint64_t i = 0; i < count; i++) {
			pace(start_ns, i, total, &last_report_ns);
			if (emit_one(o, total + 1) != 0) {
				fprintf(stderr, "alertgen: out of memory\n");
				goto out;
			}
			total++;
		}
		fprintf(stderr, "emitted %" PRIu64 "\n", total);
		int sig = 0;
		if (sigwait(&set, &sig) != 0) {
			goto out;
		}
		if (sig != SIGUSR1) {
			break;
		}
		sk_outputs_reopen(o);
	}
	sk_outputs_stop(o, stop_ms);
	struct sk_output_stats st[SK_CONF_MAX_OUTPUTS];
	size_t ns = sk_outputs_stats(o, st, SK_CONF_MAX_OUTPUTS);
	for (size_t i = 0; i < ns && i < SK_CONF_MAX_OUTPUTS; i++) {
		fprintf(stderr,
			"%s: sent %" PRIu64 " failed %" PRIu64 " dropped %" PRIu64
			" ratelimited %" PRIu64 "\n",
			st[i].name, st[i].sent, st[i].failed, st[i].dropped, st[i].ratelimited);
	}
	status = 0;
out:
	sk_outputs_destroy(o);
	sk_conf_free(conf);
	return status;
}
