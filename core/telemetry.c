/* core/telemetry.c - what the daemon says about itself: internal alerts,
 * the syscall_event_drops policy, and the metrics snapshot (gathered by
 * metrics_collect.c) as an alert, a JSON line and a log line. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "common/clock.h"
#include "common/tbucket.h"
#include "conf.h"
#include "daemon.h"
#include "loader.h"
#include "log.h"
#include "loop.h"
#include "outputs.h"
#include "rules/engine.h"
#include "rules/fields.h"
#include "schema.h"
#include "daemon_priv.h"
#include "lib/timefmt.h"
#include "lib/utf8.h"

/* ---- internal alerts ---------------------------------------------------- */

static void emit_internal(struct daemon *d, int priority, const char *rule, const char *message,
			  const struct sk_alert_field *fields, size_t nfields)
{
	static const char *const tags[] = {"shrike_internal"};
	struct sk_alert_in in = {
	    .time_ns = sk_real_ns(),
	    .priority = priority,
	    .rule = rule,
	    .source = "internal",
	    .message = message,
	    .tags = tags,
	    .ntags = 1,
	    .fields = fields,
	    .nfields = nfields,
	};
	if (d->outputs != NULL) {
		sk_outputs_emit(d->outputs, &in);
	}
}

uint64_t tele_source_drops(struct daemon *d)
{
	uint64_t total = d->drops;
	for (size_t i = 0; i < d->nsources; i++) {
		struct source *s = &d->sources[i];
		struct sk_source_stats st = {0};
		const struct sk_source_ops *so = s->h->def.source;
		if (s->opened && so->stats != NULL && so->stats(s->h->inst, &st) == SK_OK) {
			total += st.drops;
		}
	}
	return total;
}

/* tele_check_drops - act on events lost since the last check, at most `rate`
 * times a second (token bucket), as syscall_event_drops says. */
void tele_check_drops(struct sk_loop *loop, void *arg)
{
	struct daemon *d = arg;
	uint64_t total = tele_source_drops(d);
	if (total <= d->drops_seen) {
		return;
	}
	struct drop_policy *p = &d->drop_policy;
	if (!sk_tbucket_take(&p->bucket, sk_mono_ns())) {
		return; /* counted; reported with the next action */
	}
	uint64_t lost = total - d->drops_seen;
	d->drops_seen = total;
	char msg[256];
	snprintf(msg, sizeof(msg),
		 "Event drops detected: %" PRIu64 " events lost (%" PRIu64 " in total, %" PRIu64
		 " events processed)",
		 lost, total, d->nevents);
	if (p->log) {
		SK_WARN("%s", msg);
	}
	if (p->alert) {
		struct sk_alert_field f[] = {
		    {.name = "n_drops", .value = {.type = SK_TYPE_U64, .u64 = lost}},
		    {.name = "n_drops_total", .value = {.type = SK_TYPE_U64, .u64 = total}},
		    {.name = "n_evts", .value = {.type = SK_TYPE_U64, .u64 = d->nevents}},
		};
		emit_internal(d, SK_PRI_CRITICAL, "Shrike internal: event drops", msg, f, 3);
	}
	if (p->exit) {
		SK_ERROR("exiting because syscall_event_drops.actions includes exit");
		d->exit_code = SK_EXIT_RUNTIME;
		sk_loop_stop(loop);
	}
}

/* snapshot_file - append one snapshot to metrics.output_file as a JSON
 * line shaped like an alert (Falco's metrics file), numbers as numbers. The
 * file is opened for each line, so rotating it needs no signal. */
static void snapshot_file(struct daemon *d, const struct met_set *s, const char *msg)
{
	const char *path = d->conf->metrics_output_file;
	char when[64];
	struct sk_sbuf b = {0};
	if (sk_timefmt_iso8601(sk_real_ns(), when, sizeof(when)) < 0) {
		when[0] = '\0';
	}
	sk_sbuf_adds(&b, "{\"hostname\":");
	sk_utf8_json_string(&b, d->hostname);
	sk_sbuf_adds(&b, ",\"output\":");
	sk_utf8_json_string(&b, msg);
	sk_sbuf_adds(&b, ",\"output_fields\":");
	met_snapshot_json(s, d->conf->metrics_groups.empty_values, &b);
	sk_sbuf_printf(&b,
		       ",\"priority\":\"Informational\",\"rule\":\"Shrike internal: metrics "
		       "snapshot\",\"sample\":%" PRIu64 ",\"source\":\"internal\",\"time\":\"%s\"}\n",
		       d->metrics_samples, when);
	int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW; /* no symlink */
	int fd = b.oom ? -1 : open(path, flags, 0600);
	if (fd < 0 || write(fd, b.p, b.len) != (ssize_t)b.len) {
		const char *why = b.oom ? "out of memory" : strerror(errno);
		if (!b.oom && errno == ELOOP) {
			why = "it is a symbolic link, which Shrike does not follow for files it "
			      "writes: remove the link or name the real file";
		}
		if (!d->metrics_file_failed) {
			SK_WARN(
			    "metrics.output_file %s: cannot append the snapshot: %s (said once)",
			    path, why);
		}
		d->metrics_file_failed = true;
	} else {
		d->metrics_file_failed = false;
	}
	if (fd >= 0) {
		close(fd);
	}
	sk_sbuf_free(&b);
}

/* tele_metrics_tick - a metrics snapshot (metrics.interval): every group the
 * switches name, as an internal alert (output_rule), a JSON line
 * (output_file) and a log line (log). */
void tele_metrics_tick(struct sk_loop *loop, void *arg)
{
	struct daemon *d = arg;
	const struct sk_conf *c = d->conf;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double secs = sk_elapsed_s(&d->metrics_last, &now);
	uint64_t prev = d->metrics_last_events;
	double rate = secs > 0 ? (double)(d->nevents - prev) / secs : 0;
	d->metrics_last = now;
	d->metrics_last_events = d->nevents;
	d->metrics_samples++;

	struct met_set s;
	met_set_init(&s);
	struct res_usage u;
	mcol_collect(d, &c->metrics_groups, &d->metrics_res, &s, &u);
	met_add(&s, &(struct met){.snap = "shrike.num_evts_prev", .snap_val = met_u64(prev)});
	met_add(&s, &(struct met){.snap = "shrike.evts_rate_sec", .snap_val = met_dbl(rate)});

	struct sk_output_stats os[SK_CONF_MAX_OUTPUTS];
	size_t nos = d->outputs ? sk_outputs_stats(d->outputs, os, SK_CONF_MAX_OUTPUTS) : 0;
	uint64_t sent = 0, failed = 0, dropped = 0, depth = 0;
	for (size_t i = 0; i < nos && i < SK_CONF_MAX_OUTPUTS; i++) {
		sent += os[i].sent;
		failed += os[i].failed;
		dropped += os[i].dropped;
		depth += os[i].queue_depth;
	}
	char msg[512];
	snprintf(msg, sizeof(msg),
		 "Metrics snapshot: events=%" PRIu64 " rate=%.1f/s drops=%" PRIu64
		 " alerts_sent=%" PRIu64 " alerts_failed=%" PRIu64 " alerts_dropped=%" PRIu64
		 " queued=%" PRIu64 " rss=%" PRIu64,
		 d->nevents, rate, tele_source_drops(d), sent, failed, dropped, depth, u.rss_bytes);
	if (c->metrics_log) {
		SK_INFO("%s", msg);
	}
	if (c->metrics_output_file != NULL) {
		snapshot_file(d, &s, msg);
	}
	if (c->metrics_output_rule) {
		struct sk_alert_field *f = NULL;
		char *text = NULL;
		long n = met_snapshot_fields(&s, c->metrics_groups.empty_values, &f, &text);
		if (n >= 0) {
			emit_internal(d, SK_PRI_INFORMATIONAL, "Shrike internal: metrics snapshot",
				      msg, f, (size_t)n);
		}
		free(f);
		free(text);
	}
	if (s.oom) {
		SK_WARN("metrics snapshot: out of memory, some metrics were left out");
	}
	met_set_free(&s);
	(void)loop;
}
