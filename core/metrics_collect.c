/* core/metrics_collect.c - gather the daemon's metrics into a met_set, one
 * group per metrics.* switch: the daemon and its outputs (always), rules
 * (matches and cost), resource use, state tables, kernel event counters,
 * libbpf stats, and the plugins' own. Names and meanings: docs/metrics.md.
 * Loop thread only: it reads the daemon's counters and calls plugins. */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/sbuf.h"
#include "metrics.h"
#include "resource.h"
#include "daemon_priv.h"

struct ctx {
	struct daemon *d;
	struct met_set *s;
	const struct sk_metrics_groups *g;
};

/* labels - `k="v"` pairs as a string the set owns; NULL-terminated list of
 * name, value. */
static const char *labels(struct met_set *s, const char *const *kv)
{
	struct sk_sbuf b = {0};
	for (size_t i = 0; kv[i] != NULL; i += 2) {
		met_label(&b, kv[i], kv[i + 1]);
	}
	if (b.oom) {
		sk_sbuf_free(&b);
		s->oom = true;
		return NULL;
	}
	char *t = met_strf(s, "%s", b.p ? b.p : "");
	sk_sbuf_free(&b);
	return t;
}

#define LABELS(s, ...) labels((s), (const char *const[]){__VA_ARGS__, NULL})

/* memory - a memory figure: the snapshot in MB (convert_memory_to_mb) or
 * kB as Falco reports it, Prometheus and Falco's names in bytes. */
static void memory(struct ctx *c, const char *name, uint64_t bytes, const char *help)
{
	struct met_set *s = c->s;
	met_add(s, &(struct met){
		       .snap = met_strf(s, "shrike.%s_%s", name, c->g->memory_mb ? "mb" : "kb"),
		       .snap_val = c->g->memory_mb ? met_dbl((double)bytes / (1024.0 * 1024.0))
						   : met_u64(bytes / 1024),
		       .prom = met_strf(s, "%s_bytes", name),
		       .falco = met_strf(s, "falcosecurity_falco_%s_bytes", name),
		       .prom_val = met_u64(bytes),
		       .type = MET_GAUGE,
		       .help = help,
		   });
}

/* ratio - a share: a percentage in the snapshot, a ratio in Prometheus. */
static void ratio(struct ctx *c, const char *name, double r, const char *help)
{
	struct met_set *s = c->s;
	met_add(s, &(struct met){
		       .snap = met_strf(s, "shrike.%s_perc", name),
		       .snap_val = met_dbl(r * 100.0),
		       .prom = met_strf(s, "%s_ratio", name),
		       .falco = met_strf(s, "falcosecurity_falco_%s_ratio", name),
		       .prom_val = met_dbl(r),
		       .type = MET_GAUGE,
		       .help = help,
		   });
}

/* plain - a count under the same name in the snapshot (shrike.<name>) and in
 * Prometheus (shrike_<prom>). */
static void plain(struct ctx *c, const char *name, const char *prom, const char *falco,
		  uint64_t v, enum met_type type, const char *help)
{
	struct met_set *s = c->s;
	met_add(s, &(struct met){
		       .snap = name ? met_strf(s, "shrike.%s", name) : NULL,
		       .snap_val = met_u64(v),
		       .prom = prom,
		       .falco = falco,
		       .prom_val = met_u64(v),
		       .type = type,
		       .help = help,
		   });
}

/* ---- always: who, since when, events, outputs ---------------------------- */

static void base_info(struct ctx *c, const struct res_usage *u)
{
	struct met_set *s = c->s;
	struct utsname un;
	const char *rel = uname(&un) == 0 ? met_strf(s, "%s", un.release) : "";
	char abi[32];
	snprintf(abi, sizeof(abi), "%u.%u", SK_PLUGIN_ABI_MAJOR, SK_PLUGIN_ABI_MINOR);
	met_add(s, &(struct met){
		       .snap = "shrike.version",
		       .snap_str = PACKAGE_VERSION,
		       .prom = "version_info",
		       .prom_labels = LABELS(s, "version", PACKAGE_VERSION, "plugin_abi", abi,
					     "rules_engine", SK_RULES_ENGINE_VERSION),
		       .falco = "falcosecurity_falco_version_info",
		       .falco_labels = LABELS(s, "version", PACKAGE_VERSION),
		       .prom_val = met_u64(1),
		       .type = MET_GAUGE,
		       .help = "Shrike's version, plugin ABI and rules engine version (value 1)",
		   });
	met_add(s, &(struct met){
		       .snap = "shrike.kernel_release",
		       .snap_str = rel,
		       .prom = "kernel_release_info",
		       .prom_labels = LABELS(s, "kernel_release", rel),
		       .falco = "falcosecurity_falco_kernel_release_info",
		       .falco_labels = LABELS(s, "kernel_release", rel),
		       .prom_val = met_u64(1),
		       .type = MET_GAUGE,
		       .help = "the running kernel's release (value 1)",
		   });
	met_add(s, &(struct met){
		       .snap = "shrike.start_ts",
		       .snap_val = met_u64(u->start_time_ns),
		       .prom = "start_time_seconds",
		       .prom_val = met_dbl((double)u->start_time_ns / 1e9),
		       .type = MET_GAUGE,
		       .help = "when Shrike started, seconds since the epoch",
		   });
	uint64_t now = sk_real_ns();
	plain(c, "duration_sec", NULL, NULL,
	      now > u->start_time_ns && u->start_time_ns ? (now - u->start_time_ns) / 1000000000ull
							 : 0,
	      MET_GAUGE, NULL);
	plain(c, "host_boot_ts", NULL, NULL, u->host_boot_time_ns, MET_GAUGE, NULL);
	plain(c, "host_num_cpus", "host_num_cpus", NULL, u->host_num_cpus, MET_GAUGE,
	      "online CPUs of the host");
	if (c->d->reload_ns != 0) {
		met_add(s, &(struct met){
			       .snap = "shrike.reload_ts",
			       .snap_val = met_u64(c->d->reload_ns),
			       .prom = "reload_time_seconds",
			       .prom_val = met_dbl((double)c->d->reload_ns / 1e9),
			       .type = MET_GAUGE,
			       .help = "when the configuration and rules were last reloaded",
			   });
	}
}

static void base_events(struct ctx *c)
{
	struct daemon *d = c->d;
	struct met_set *s = c->s;
	plain(c, "num_evts", NULL, NULL, d->nevents, MET_COUNTER, NULL);
	plain(c, "n_drops", NULL, NULL, tele_source_drops(d), MET_COUNTER, NULL);
	plain(c, "n_alerts", "alerts_total", NULL, d->nalerts, MET_COUNTER,
	      "alerts the rules raised (before the outputs' rate limits and queues)");
	plain(c, "bad_records", "records_invalid_total", NULL, d->bad_records, MET_COUNTER,
	      "malformed records a source delivered (skipped)");
	for (size_t i = 0; i < d->nsources; i++) {
		const struct source *src = &d->sources[i];
		if (!src->opened) {
			continue;
		}
		const char *name = src->event_source ? src->event_source : src->h->def.name;
		const char *lab = LABELS(s, "source", name);
		met_add(s, &(struct met){
			       .prom = "events_total",
			       .prom_labels = lab,
			       .prom_val = met_u64(src->nevents),
			       .type = MET_COUNTER,
			       .help = "events the daemon took from each source",
			   });
		met_add(s, &(struct met){
			       .prom = "events_lost_total",
			       .prom_labels = lab,
			       .prom_val = met_u64(src->nlost),
			       .type = MET_COUNTER,
			       .help = "events each source reported lost (drop records)",
			   });
	}
}

static void base_outputs(struct ctx *c)
{
	struct daemon *d = c->d;
	struct met_set *s = c->s;
	struct sk_output_stats os[SK_CONF_MAX_OUTPUTS];
	size_t nos = d->outputs ? sk_outputs_stats(d->outputs, os, SK_CONF_MAX_OUTPUTS) : 0;
	if (nos > SK_CONF_MAX_OUTPUTS) {
		nos = SK_CONF_MAX_OUTPUTS;
	}
	uint64_t sent = 0, failed = 0, dropped = 0, depth = 0;
	static const struct {
		const char *snap, *prom, *help;
		enum met_type type;
	} per[] = {
	    {"sent", "outputs_sent_total", "alerts each output delivered", MET_COUNTER},
	    {"failed", "outputs_failed_total", "alerts each output could not deliver",
	     MET_COUNTER},
	    {"dropped", "outputs_dropped_total", "alerts dropped: the output's queue was full",
	     MET_COUNTER},
	    {"ratelimited", "outputs_ratelimited_total",
	     "alerts over the output's rate limit, never queued", MET_COUNTER},
	    {"queued", "outputs_queue_depth", "alerts waiting in the output's queue", MET_GAUGE},
	};
	for (size_t i = 0; i < nos; i++) {
		const uint64_t v[] = {os[i].sent, os[i].failed, os[i].dropped, os[i].ratelimited,
				      os[i].queue_depth};
		const char *lab = LABELS(s, "output", os[i].name);
		for (size_t k = 0; k < sizeof(per) / sizeof(per[0]); k++) {
			met_add(s, &(struct met){
				       .snap = met_strf(s, "shrike.outputs.%s.%s", os[i].name,
							per[k].snap),
				       .snap_val = met_u64(v[k]),
				       .prom = per[k].prom,
				       .prom_labels = lab,
				       .prom_val = met_u64(v[k]),
				       .type = per[k].type,
				       .help = per[k].help,
				   });
		}
		met_add(s, &(struct met){
			       .prom = "output_up",
			       .prom_labels = lab,
			       .prom_val = met_u64(!os[i].down),
			       .type = MET_GAUGE,
			       .help = "1 unless the output has failed for longer than its "
				       "retry_budget",
			   });
		sent += os[i].sent;
		failed += os[i].failed;
		dropped += os[i].dropped;
		depth += os[i].queue_depth;
	}
	plain(c, "alerts_sent", NULL, NULL, sent, MET_COUNTER, NULL);
	plain(c, "alerts_failed", NULL, NULL, failed, MET_COUNTER, NULL);
	plain(c, "alerts_dropped", NULL, NULL, dropped, MET_COUNTER, NULL);
	plain(c, "alerts_queued", NULL, NULL, depth, MET_GAUGE, NULL);
	plain(c, "outputs_queue_num_drops", NULL, "falcosecurity_falco_outputs_queue_num_drops_total",
	      dropped, MET_COUNTER, "alerts dropped because an output's queue was full");
}

/* ---- rules --------------------------------------------------------------- */

/* rule_key - a rule name as a snapshot key part: lower case, runs of other
 * characters than [a-z0-9] as one '_'. */
static const char *rule_key(struct met_set *s, const char *name)
{
	size_t n = strlen(name);
	char *k = met_strf(s, "%s", name);
	if (k == NULL) {
		return "";
	}
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (isalnum(ch)) {
			k[o++] = (char)tolower(ch);
		} else if (o > 0 && k[o - 1] != '_') {
			k[o++] = '_';
		}
	}
	while (o > 0 && k[o - 1] == '_') {
		o--;
	}
	k[o] = '\0';
	return k;
}

static const char *falco_rule_labels(struct met_set *s, const struct sk_rule *r)
{
	struct sk_sbuf b = {0};
	char pri[8];
	snprintf(pri, sizeof(pri), "%d", r->priority);
	met_label(&b, "priority", pri);
	met_label(&b, "rule_name", r->name);
	met_label(&b, "source", r->source);
	for (size_t t = 0; t < r->ntags; t++) {
		char name[128];
		size_t o = snprintf(name, sizeof(name), "tag_");
		for (const char *p = r->tags[t]; *p && o + 1 < sizeof(name); p++) {
			name[o++] = isalnum((unsigned char)*p) ? *p : '_';
		}
		name[o] = '\0';
		char dup[140];
		snprintf(dup, sizeof(dup), ",%s=", name);
		if (b.p == NULL || strstr(b.p, dup) == NULL) { /* two tags, one label name */
			met_label(&b, name, "true");
		}
	}
	const char *out = b.oom ? NULL : met_strf(s, "%s", b.p ? b.p : "");
	sk_sbuf_free(&b);
	return out;
}

/* count_by - add n to the entry `key` of a small (name, count) table. */
struct tally {
	const char *key;
	uint64_t n;
};

static void count_by(struct tally *t, size_t *nt, size_t max, const char *key, uint64_t n)
{
	for (size_t i = 0; i < *nt; i++) {
		if (strcmp(t[i].key, key) == 0) {
			t[i].n += n;
			return;
		}
	}
	if (*nt < max) {
		t[(*nt)++] = (struct tally){key, n};
	}
}

static void tallies(struct ctx *c, const char *what, const struct tally *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		met_add(c->s, &(struct met){
				  .snap = met_strf(c->s, "shrike.rules.matches_by_%s.%s", what,
						   rule_key(c->s, t[i].key)),
				  .snap_val = met_u64(t[i].n),
			      });
	}
}

static void rules_group(struct ctx *c)
{
	struct met_set *s = c->s;
	const struct sk_rules *rs = c->d->rules;
	size_t n = rs ? sk_rules_count(rs) : 0;
	uint64_t total = 0;
	enum { MAXT = 256 };
	struct tally pri[8], src[16], tag[MAXT];
	size_t npri = 0, nsrc = 0, ntag = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sk_rule *r = sk_rules_at(rs, i);
		if (!r->enabled || !r->loaded) {
			continue;
		}
		total += r->matches;
		const char *key = rule_key(s, r->name);
		const char *pri_name = sk_alert_priority_name(r->priority);
		met_add(s, &(struct met){
			       .snap = met_strf(s, "shrike.rules.%s", key),
			       .snap_val = met_u64(r->matches),
			       .prom = "rules_matches_total",
			       .prom_labels = LABELS(s, "rule_name", r->name, "priority", pri_name,
						     "source", r->source),
			       .falco = r->matches ? "falcosecurity_falco_rules_matches_total" : NULL,
			       .falco_labels = r->matches ? falco_rule_labels(s, r) : NULL,
			       .prom_val = met_u64(r->matches),
			       .type = MET_COUNTER,
			       .help = "events each rule matched",
			   });
		if (r->evals > 0) {
			const char *lab = LABELS(s, "rule_name", r->name);
			double ns = sk_rule_eval_ns(r);
			met_add(s, &(struct met){
				       .snap = met_strf(s, "shrike.rule_evals.%s", key),
				       .snap_val = met_u64(r->evals),
				       .prom = "rule_evaluations_total",
				       .prom_labels = lab,
				       .prom_val = met_u64(r->evals),
				       .type = MET_COUNTER,
				       .help = "times each rule's condition was evaluated",
				   });
			met_add(s, &(struct met){
				       .snap = met_strf(s, "shrike.rule_eval_ns.%s", key),
				       .snap_val = met_u64((uint64_t)ns),
				       .prom = "rule_eval_seconds_total",
				       .prom_labels = lab,
				       .prom_val = met_dbl(ns / 1e9),
				       .type = MET_COUNTER,
				       .help = "time spent evaluating each rule's condition, estimated "
					       "from one evaluation in 64",
				   });
		}
		if (r->matches > 0) {
			count_by(pri, &npri, 8, pri_name, r->matches);
			count_by(src, &nsrc, 16, r->source, r->matches);
			for (size_t t = 0; t < r->ntags; t++) {
				count_by(tag, &ntag, MAXT, r->tags[t], r->matches);
			}
		}
	}
	plain(c, "rules.matches_total", NULL, NULL, total, MET_COUNTER, NULL);
	tallies(c, "priority", pri, npri);
	tallies(c, "source", src, nsrc);
	tallies(c, "tag", tag, ntag);
}

/* ---- resource use -------------------------------------------------------- */

static void resource_group(struct ctx *c, const struct res_usage *u)
{
	ratio(c, "cpu_usage", u->cpu_ratio, "the daemon's CPU time over its life, of one CPU");
	met_add(c->s, &(struct met){
			  .prom = "cpu_seconds_total",
			  .prom_val = met_dbl(u->cpu_seconds),
			  .type = MET_COUNTER,
			  .help = "the daemon's CPU time, user and system",
		      });
	memory(c, "memory_rss", u->rss_bytes, "the daemon's resident memory");
	memory(c, "memory_vsz", u->vsz_bytes, "the daemon's virtual memory");
	memory(c, "memory_pss", u->pss_bytes, "the daemon's proportional set size");
	memory(c, "container_memory_used", u->cgroup_memory_bytes,
	       "memory charged to the daemon's cgroup");
	plain(c, "open_fds", "open_fds", NULL, u->open_fds, MET_GAUGE,
	      "file descriptors the daemon holds");
	ratio(c, "host_cpu_usage", u->host_cpu_ratio,
	      "busy share of the host's CPUs since the previous reading");
	memory(c, "host_memory_used", u->host_memory_used_bytes,
	       "the host's memory in use (total minus available)");
	plain(c, "host_procs_running", "host_procs_running", "falcosecurity_falco_host_procs_running",
	      u->host_procs_running, MET_GAUGE, "runnable processes on the host");
	plain(c, "host_open_fds", "host_open_fds", "falcosecurity_falco_host_open_fds",
	      u->host_open_fds, MET_GAUGE, "file handles open on the host");
}

/* ---- plugins: state, kernel counters, libbpf stats, the rest -------------- */

/* Plugin metrics with a meaning of their own (the state counters). */
static const struct state_map {
	const char *plugin, *name; /* as the plugin reports it */
	const char *snap;	   /* shrike.<snap> */
	const char *prom;	   /* shrike_<prom> */
	const char *falco;
	enum met_type type;
	const char *help;
} state_map[] = {
    {"syscall", "threads", "n_threads", "state_threads", "falcosecurity_scap_n_threads", MET_GAUGE,
     "threads in the state table"},
    {"syscall", "fds", "n_fds", "state_fds", "falcosecurity_scap_n_fds", MET_GAUGE,
     "file descriptors in the state table"},
    {"syscall", "threads_added", "n_added_threads", "state_threads_added_total",
     "falcosecurity_scap_n_added_threads_total", MET_COUNTER, "threads added to the table"},
    {"syscall", "threads_removed", "n_removed_threads", "state_threads_removed_total",
     "falcosecurity_scap_n_removed_threads_total", MET_COUNTER,
     "threads removed from the table"},
    {"syscall", "fds_added", "n_added_fds", "state_fds_added_total",
     "falcosecurity_scap_n_added_fds_total", MET_COUNTER, "fds added to the table"},
    {"syscall", "fds_removed", "n_removed_fds", "state_fds_removed_total",
     "falcosecurity_scap_n_removed_fds_total", MET_COUNTER, "fds removed from the table"},
    {"syscall", "thread_lookups_failed", "n_failed_thread_lookups",
     "state_thread_lookups_failed_total", "falcosecurity_scap_n_failed_thread_lookups_total",
     MET_COUNTER, "events whose thread was not in the table"},
    {"syscall", "fd_lookups_failed", "n_failed_fd_lookups", "state_fd_lookups_failed_total",
     "falcosecurity_scap_n_failed_fd_lookups_total", MET_COUNTER,
     "events whose fd was not in the table"},
    {"syscall", "threads_evicted", "n_evicted_threads", "state_threads_evicted_total", NULL,
     MET_COUNTER, "threads evicted because the table was full (max_threads)"},
    {"syscall", "fds_evicted", "n_evicted_fds", "state_fds_evicted_total", NULL, MET_COUNTER,
     "fds evicted because the table was full (max_fds)"},
    {"syscall", "threads_purged", "n_purged_threads", "state_threads_purged_total", NULL,
     MET_COUNTER, "threads removed because /proc no longer had them"},
    {"syscall", "proc_lookups", "n_proc_lookups", "state_proc_lookups_total", NULL, MET_COUNTER,
     "threads looked up in /proc"},
    {"container", "containers", "n_containers", "state_containers",
     "falcosecurity_scap_n_containers", MET_GAUGE, "containers known"},
    {"container", "lookups_pending", "n_container_lookups_pending",
     "state_container_lookups_pending", NULL, MET_GAUGE,
     "container metadata lookups waiting for the worker"},
    {"container", "lookups_done", "n_container_lookups", "state_container_lookups_total", NULL,
     MET_COUNTER, "container metadata lookups done"},
    {"container", "lookups_failed", "n_failed_container_lookups",
     "state_container_lookups_failed_total", NULL, MET_COUNTER,
     "container metadata lookups that failed"},
};

static bool state_metric(struct ctx *c, const char *plugin, const struct sk_metric *m)
{
	for (size_t i = 0; i < sizeof(state_map) / sizeof(state_map[0]); i++) {
		const struct state_map *e = &state_map[i];
		if (strcmp(e->plugin, plugin) == 0 && strcmp(e->name, m->name) == 0) {
			if (c->g->state) {
				plain(c, e->snap, e->prom, e->falco, m->value, e->type, e->help);
			}
			return true;
		}
	}
	return false;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool has_suffix(const char *s, const char *x)
{
	size_t n = strlen(s), k = strlen(x);
	return n >= k && strcmp(s + n - k, x) == 0;
}

/* bpf_metric - prog_<name>_run_cnt, prog_<name>_run_time_ns, and
 * bpf_stats_enabled of a syscall source (libbpf_stats_enabled). */
static bool bpf_metric(struct ctx *c, const struct sk_metric *m)
{
	struct met_set *s = c->s;
	if (strcmp(m->name, "bpf_stats_enabled") == 0) {
		if (c->g->libbpf) {
			met_add(s, &(struct met){
				       .snap = "scap.bpf_stats_enabled",
				       .snap_val = met_u64(m->value),
				       .prom = "bpf_stats_enabled",
				       .prom_val = met_u64(m->value),
				       .type = MET_GAUGE,
				       .help = "1 while the kernel counts BPF program runs for Shrike",
				   });
		}
		return true;
	}
	bool cnt = has_suffix(m->name, "_run_cnt"), ns = has_suffix(m->name, "_run_time_ns");
	if (!has_prefix(m->name, "prog_") || (!cnt && !ns)) {
		return false;
	}
	if (!c->g->libbpf) {
		return true;
	}
	size_t len = strlen(m->name) - 5 - (cnt ? 8 : 12);
	const char *prog = met_strf(s, "%.*s", (int)len, m->name + 5);
	met_add(s, &(struct met){
		       .snap = met_strf(s, "scap.%s.%s", prog, cnt ? "run_cnt" : "run_time_ns"),
		       .snap_val = met_u64(m->value),
		       .prom = cnt ? "bpf_prog_runs_total" : "bpf_prog_run_seconds_total",
		       .prom_labels = LABELS(s, "program", prog),
		       .prom_val = cnt ? met_u64(m->value) : met_dbl((double)m->value / 1e9),
		       .type = MET_COUNTER,
		       .help = cnt ? "times each BPF program of the probe ran"
				   : "time each BPF program of the probe ran",
		   });
	return true;
}

/* kernel_metric - n_evts, n_drops*, n_params_fault and their per-CPU
 * counts of a syscall source (kernel_event_counters_enabled). */
static bool kernel_metric(struct ctx *c, const char *source, const struct sk_metric *m)
{
	struct met_set *s = c->s;
	const char *n = m->name;
	if (!has_prefix(n, "n_")) {
		return false;
	}
	bool per_cpu = has_prefix(n, "n_evts_cpu_") || has_prefix(n, "n_drops_cpu_");
	if (!c->g->kernel || (per_cpu && !c->g->kernel_per_cpu)) {
		return true;
	}
	struct met x = {
	    .snap = met_strf(s, "scap.%s", n),
	    .snap_val = met_u64(m->value),
	    .prom_val = met_u64(m->value),
	    .type = MET_COUNTER,
	};
	if (per_cpu) {
		bool evts = has_prefix(n, "n_evts_cpu_");
		const char *cpu = n + (evts ? 11 : 12);
		x.prom = evts ? "kernel_events_cpu_total" : "kernel_drops_cpu_total";
		x.prom_labels = LABELS(s, "source", source, "cpu", cpu);
		x.falco = evts ? "falcosecurity_scap_n_evts_cpu_total"
			       : "falcosecurity_scap_n_drops_cpu_total";
		x.falco_labels = LABELS(s, "cpu", cpu);
		x.help = evts ? "events the kernel side wrote, per CPU"
			      : "events the kernel side lost, per CPU";
	} else if (strcmp(n, "n_evts") == 0) {
		x.prom = "kernel_events_total";
		x.prom_labels = LABELS(s, "source", source);
		x.falco = "falcosecurity_scap_n_evts_total";
		x.help = "events the kernel side wrote";
	} else if (strcmp(n, "n_drops") == 0) {
		x.falco = "falcosecurity_scap_n_drops_total";
		x.help = "events the kernel side lost";
	} else if (has_prefix(n, "n_drops_")) {
		x.prom = "drops_total";
		x.prom_labels = LABELS(s, "source", source, "reason", n + 8);
		x.help = "events lost in the kernel, by reason";
		if (strcmp(n, "n_drops_buffer") == 0) {
			x.falco = "falcosecurity_scap_n_drops_buffer_total";
		}
	} else if (strcmp(n, "n_params_fault") == 0) {
		x.prom = "kernel_params_unreadable_total";
		x.prom_labels = LABELS(s, "source", source);
		x.help = "event parameters left empty: user memory was unreadable";
	} else {
		x.prom = NULL;
	}
	met_add(s, &x);
	return true;
}

/* plugin_metric - one metric of a plugin: into its group, or the plugins'
 * own group (shrike.plugins.<plugin>.<name>, shrike_plugin_metric). Every
 * plugin metric is also in the snapshot under its plugin's name. */
static void plugin_metric(struct ctx *c, const struct sk_plugin_handle *h, const char *plugin,
			  const struct sk_metric *m)
{
	struct met_set *s = c->s;
	bool claimed = state_metric(c, plugin, m);
	if (!claimed && h != NULL && sk_loader_has_cap(h, SK_CAP_SOURCE)) {
		const char *src = sk_loader_event_source(h);
		claimed = bpf_metric(c, m) || kernel_metric(c, src ? src : plugin, m);
	}
	if (!c->g->plugins) {
		return;
	}
	met_add(s, &(struct met){
		       .snap = met_strf(s, "shrike.plugins.%s.%s", plugin, m->name),
		       .snap_val = met_u64(m->value),
		       .prom = claimed ? NULL : "plugin_metric",
		       .prom_labels = claimed ? NULL : LABELS(s, "plugin", plugin, "name", m->name),
		       .prom_val = met_u64(m->value),
		       .type = MET_GAUGE,
		       .help = "a plugin's own counters and gauges (docs of each plugin)",
		   });
}

static void plugins_group(struct ctx *c)
{
	struct daemon *d = c->d;
	for (size_t i = 0; i < d->nplugins; i++) {
		const struct sk_plugin_handle *h = d->plugins[i];
		const struct sk_metric *pm = NULL;
		size_t npm = 0;
		if (h->def.metrics != NULL && h->def.metrics(h->inst, &pm, &npm) == SK_OK) {
			for (size_t k = 0; k < npm; k++) {
				plugin_metric(c, h, h->def.name, &pm[k]);
			}
		}
		if (h->def.parse != NULL) {
			struct sk_metric pe = {"parse_errors", h->parse_errors};
			plugin_metric(c, NULL, h->def.name, &pe);
		}
	}
	struct sk_output_stats os[SK_CONF_MAX_OUTPUTS];
	size_t nos = d->outputs ? sk_outputs_stats(d->outputs, os, SK_CONF_MAX_OUTPUTS) : 0;
	for (size_t i = 0; d->outputs != NULL && i < nos && i < SK_CONF_MAX_OUTPUTS; i++) {
		struct sk_metric om[SK_OUTPUT_MAX_METRICS];
		const char *plugin = NULL;
		size_t n = sk_outputs_plugin_metrics(d->outputs, i, &plugin, om,
						     SK_OUTPUT_MAX_METRICS);
		for (size_t k = 0; k < n; k++) {
			plugin_metric(c, NULL, plugin, &om[k]);
		}
	}
}

void mcol_collect(struct daemon *d, const struct sk_metrics_groups *g, struct res_state *rs,
		  struct met_set *s, struct res_usage *ret_usage)
{
	struct ctx c = {.d = d, .s = s, .g = g};
	struct res_usage u;
	res_read(rs, &u);
	if (ret_usage != NULL) {
		*ret_usage = u;
	}
	base_info(&c, &u);
	base_events(&c);
	base_outputs(&c);
	if (g->rules) {
		rules_group(&c);
	}
	if (g->resource) {
		resource_group(&c, &u);
	}
	plugins_group(&c);
}
