/* core/telemetry.c - what the daemon says about itself: internal alerts,
 * the syscall_event_drops policy, and the metrics tick (events, drops,
 * alerts, rates, RSS). */
#include "config.h"

#include <errno.h>
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

/* The plugins' part of a metrics snapshot: shrike.plugins.<plugin>.<name>
 * fields, their names in `names`, while room is left. */
struct plugin_metrics {
	struct sk_alert_field *all;
	char (*names)[96];
	size_t nall;
	size_t nname;
	size_t maxname;
};

static void add_metric(struct plugin_metrics *m, const char *plugin, const char *name,
		       uint64_t value)
{
	if (m->nname >= m->maxname) {
		return;
	}
	char *nm = m->names[m->nname++];
	snprintf(nm, sizeof(m->names[0]), "shrike.plugins.%s.%s", plugin, name);
	m->all[m->nall].name = nm;
	m->all[m->nall].value = (struct sk_value){.type = SK_TYPE_U64, .u64 = value};
	m->nall++;
}

/* add_plugin_metrics - a loop-thread plugin's own metrics, and the parse
 * errors the daemon counted for a parser. */
static void add_plugin_metrics(struct plugin_metrics *m, const struct sk_plugin_handle *h)
{
	const struct sk_metric *pm = NULL;
	size_t npm = 0;
	if (h->def.metrics != NULL && h->def.metrics(h->inst, &pm, &npm) == SK_OK) {
		for (size_t k = 0; k < npm; k++) {
			add_metric(m, h->def.name, pm[k].name, pm[k].value);
		}
	}
	if (h->def.parse != NULL) {
		add_metric(m, h->def.name, "parse_errors", h->parse_errors);
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

static uint64_t rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "re");
	unsigned long size = 0, resident = 0;
	if (f == NULL) {
		return 0;
	}
	if (fscanf(f, "%lu %lu", &size, &resident) != 2) {
		resident = 0;
	}
	fclose(f);
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* tele_metrics_tick - periodic snapshot of the counters, logged and/or emitted
 * as an internal alert (falco.yaml's metrics.output_rule). */
void tele_metrics_tick(struct sk_loop *loop, void *arg)
{
	struct daemon *d = arg;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double secs = sk_elapsed_s(&d->metrics_last, &now);
	double rate = secs > 0 ? (double)(d->nevents - d->metrics_last_events) / secs : 0;
	d->metrics_last = now;
	d->metrics_last_events = d->nevents;

	struct sk_output_stats os[SK_CONF_MAX_OUTPUTS];
	size_t nos = d->outputs ? sk_outputs_stats(d->outputs, os, SK_CONF_MAX_OUTPUTS) : 0;
	if (nos > SK_CONF_MAX_OUTPUTS) {
		nos = SK_CONF_MAX_OUTPUTS;
	}
	uint64_t drops = tele_source_drops(d), rss = rss_bytes();
	uint64_t sent = 0, failed = 0, dropped = 0, depth = 0;
	for (size_t i = 0; i < nos; i++) {
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
		 d->nevents, rate, drops, sent, failed, dropped, depth, rss);
	if (d->conf->metrics_log) {
		SK_INFO("%s", msg);
	}
	if (d->conf->metrics_output_rule) {
		struct sk_alert_field f[] = {
		    {.name = "shrike.alerts_dropped",
		     .value = {.type = SK_TYPE_U64, .u64 = dropped}},
		    {.name = "shrike.alerts_failed", .value = {.type = SK_TYPE_U64, .u64 = failed}},
		    {.name = "shrike.alerts_queued", .value = {.type = SK_TYPE_U64, .u64 = depth}},
		    {.name = "shrike.alerts_sent", .value = {.type = SK_TYPE_U64, .u64 = sent}},
		    {.name = "shrike.drops", .value = {.type = SK_TYPE_U64, .u64 = drops}},
		    {.name = "shrike.events", .value = {.type = SK_TYPE_U64, .u64 = d->nevents}},
		    {.name = "shrike.events_rate_sec",
		     .value = {.type = SK_TYPE_U64, .u64 = (uint64_t)(rate + 0.5)}},
		    {.name = "shrike.rss_bytes", .value = {.type = SK_TYPE_U64, .u64 = rss}},
		};
		/* Per output: shrike.outputs.<key>.{sent,failed,dropped,ratelimited,queued} */
		enum { NBASE = sizeof(f) / sizeof(f[0]), NPER = 5, NPLUG = 64 };
		static const char *const per[NPER] = {"sent", "failed", "dropped", "ratelimited",
						      "queued"};
		struct sk_alert_field all[NBASE + SK_CONF_MAX_OUTPUTS * NPER + NPLUG];
		char names[SK_CONF_MAX_OUTPUTS * NPER + NPLUG][96];
		size_t nall = NBASE;
		memcpy(all, f, sizeof(f));
		for (size_t i = 0; i < nos; i++) {
			const uint64_t v[NPER] = {os[i].sent, os[i].failed, os[i].dropped,
						  os[i].ratelimited, os[i].queue_depth};
			for (size_t k = 0; k < NPER; k++) {
				char *nm = names[i * NPER + k];
				snprintf(nm, sizeof(names[0]), "shrike.outputs.%s.%s", os[i].name,
					 per[k]);
				all[nall].name = nm;
				all[nall].value =
				    (struct sk_value){.type = SK_TYPE_U64, .u64 = v[k]};
				nall++;
			}
		}
		/* Plugins' own: shrike.plugins.<plugin>.<metric> */
		struct plugin_metrics pmx = {.all = all,
					     .names = names,
					     .nall = nall,
					     .nname = nos * NPER,
					     .maxname = nos * NPER + NPLUG};
		for (size_t i = 0; i < d->nplugins; i++) {
			add_plugin_metrics(&pmx, d->plugins[i]);
		}
		for (size_t i = 0; d->outputs != NULL && i < nos; i++) {
			struct sk_metric om[SK_OUTPUT_MAX_METRICS];
			const char *plugin = NULL;
			size_t n = sk_outputs_plugin_metrics(d->outputs, i, &plugin, om,
							     SK_OUTPUT_MAX_METRICS);
			for (size_t k = 0; k < n; k++) {
				add_metric(&pmx, plugin, om[k].name, om[k].value);
			}
		}
		nall = pmx.nall;
		emit_internal(d, SK_PRI_INFORMATIONAL, "Shrike internal: metrics snapshot", msg,
			      all, nall);
	}
	(void)loop;
}
