/* plugins/syscall/syscall.c - the `syscall` plugin: state keeping (parse)
 * and fields (extract) for the syscall source, whatever kernel-side source
 * produces the records (eBPF probe, kernel module, capture replay).
 *
 * Configuration (init_config):
 *   proc_root        where to read process state (default /proc, or
 *                    $HOST_ROOT/proc when HOST_ROOT names the host's root:
 *                    common/hostroot.h; a value set here is used as is)
 *   scan_proc        seed the tables from /proc at start and look up unknown
 *                    threads there (default true; a replayed capture's
 *                    state records replace the scan, see below)
 *   max_threads      cap of the thread table (default 131072)
 *   max_fds          cap of one process's fd table (default 65536)
 *   stats_interval   log the table sizes this often, in event time
 *                    (default 0: never; `debug` level)
 * A capture file gets the state (snapshot.c): replaying it, the state comes
 * from the file, not from this machine's /proc.
 * Depends on include/shrike/ only (and plugins/common).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shrike/plugin.h>
#include <shrike/syscall_events.h>

#include "common/hostroot.h"
#include "snapshot.h"
#include "syscall.h"

static const struct sk_param sys_params[] = {
    {.name = "proc_root",
     .type = SK_PARAM_STR,
     .offset = offsetof(struct sys_conf, proc_root),
     .desc = "directory to read process state from, a /proc mount (default /proc, under "
	     "$HOST_ROOT when that is set)"},
    {.name = "scan_proc",
     .type = SK_PARAM_BOOL,
     .def = "true",
     .offset = offsetof(struct sys_conf, scan_proc),
     .desc = "read processes from proc_root at start and for unknown threads"},
    {.name = "max_threads",
     .type = SK_PARAM_UINT,
     .def = "131072",
     .offset = offsetof(struct sys_conf, max_threads),
     .min = 16,
     .max = 16777216,
     .desc = "most threads kept; the least recently active go first"},
    {.name = "max_fds",
     .type = SK_PARAM_UINT,
     .def = "65536",
     .offset = offsetof(struct sys_conf, max_fds),
     .min = 16,
     .max = 16777216,
     .desc = "most fds kept per process"},
    {.name = "stats_interval",
     .type = SK_PARAM_DURATION,
     .def = "0",
     .offset = offsetof(struct sys_conf, stats_interval_ms),
     .desc = "log the table sizes this often (event time); 0: never"},
    {.name = NULL},
};

#define EVN_(id, n, name, flags, params) {(name), (uint32_t)SK_SC_##id},
#define PN_(t, n, a)
static const struct sk_evt_name sys_event_names[] = {
    SK_SYSCALL_EVENTS(EVN_, PN_){NULL, 0},
};
#undef EVN_
#undef PN_

static const char *const sys_sources[] = {"syscall", NULL};

static void sys_destroy(void *inst)
{
	struct sys_inst *in = inst;
	if (in == NULL) {
		return;
	}
	sk_state_fini(&in->st);
	sys_snap_fini(in);
	sys_dns_destroy(in->dns);
	free(in->oldname);
	free(in->ev.scratch_name);
	free(in->ev.scratch_raw);
	free(in->buf);
	free(in->proc_root);
	free(in);
}

static int sys_init(const struct sk_init_input *input, void **ret_inst, char *err, size_t errlen)
{
	struct sys_inst *in = calloc(1, sizeof(*in));
	if (in == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = in;
	in->api = input->api;
	in->host = input->host;
	in->conf = input->config;
	static const struct sys_conf defaults = {
	    .scan_proc = true, .max_threads = 131072, .max_fds = 65536};
	if (in->conf == NULL) {
		in->conf = &defaults;
	}
	in->proc_root = in->conf->proc_root ? strdup(in->conf->proc_root) : sk_hostroot_dup("/proc");
	if (in->proc_root == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	struct sk_state_conf sc = {
	    .proc_root = in->proc_root,
	    .host_root = sk_hostroot(),
	    .scan_proc = in->conf->scan_proc,
	    .max_threads = (size_t)in->conf->max_threads,
	    .max_fds = (size_t)in->conf->max_fds,
	};
	if (sk_state_init(&in->st, &sc) < 0) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	sys_snap_init(in);
	if (sc.scan_proc) {
		int n = sk_state_scan(&in->st);
		if (n < 0) {
			bool under = in->conf->proc_root == NULL && sk_hostroot()[0] != '\0';
			snprintf(err, errlen, "cannot read processes from %s: %s%s%s%s", sc.proc_root,
				 strerror(-n), under ? " (HOST_ROOT is " : "",
				 under ? sk_hostroot() : "",
				 under ? ": mount the host's / there, e.g. -v /:/host:ro, or unset it)"
				       : "");
			return SK_ERR;
		}
		if (in->api && in->api->log) {
			in->api->log(in->host, SK_LOG_INFO, "read %d threads (%zu fds) from %s", n,
				     (size_t)in->st.nfds, sc.proc_root);
		}
	}
	return SK_OK;
}

static void log_stats(struct sys_inst *in, uint64_t ts)
{
	uint64_t iv = in->conf->stats_interval_ms * 1000000ULL;
	if (iv == 0 || in->api == NULL || in->api->log == NULL) {
		return;
	}
	if (in->next_stats == 0) {
		in->next_stats = ts + iv;
		return;
	}
	if (ts < in->next_stats) {
		return;
	}
	in->next_stats = ts + iv;
	const struct sk_state *st = &in->st;
	in->api->log(
	    in->host, SK_LOG_DEBUG,
	    "state: %zu threads (+%llu -%llu, %llu evicted), %llu fds (+%llu -%llu, "
	    "%llu evicted, %llu purged), %zu user tables, %llu /proc lookups (%llu failed)",
	    st->threads.n, (unsigned long long)st->threads_added,
	    (unsigned long long)st->threads_removed, (unsigned long long)st->threads_evicted,
	    (unsigned long long)st->nfds, (unsigned long long)st->fds_added,
	    (unsigned long long)st->fds_removed, (unsigned long long)st->fds_evicted,
	    (unsigned long long)in->purged, st->userdbs.n, (unsigned long long)st->proc_lookups,
	    (unsigned long long)st->proc_lookup_fails);
}

/* Threads whose exit record was lost (drops) would stay until the table is
 * full: every minute of event time, those idle for ten minutes that are gone
 * from /proc are removed (live sources only). */
#define PURGE_EVERY_NS (60ULL * 1000000000ULL)
#define PURGE_IDLE_NS  (600ULL * 1000000000ULL)

static int sys_parse(void *inst, const struct sk_event *ev)
{
	struct sys_inst *in = inst;
	uint64_t ts = ev->rec->ts;
	if (ev->rec->type == SK_EVT_STATE) {
		sys_snap_load(in, ev);
		return SK_OK;
	}
	sys_parse_event(in, ev);
	sys_evtproc_parse(in, ev);
	sys_snap_after_event(in);
	if (in->dns != NULL) {
		sys_dns_start(in->dns); /* once rules named domains (fd.*ip.name) */
	}
	log_stats(in, ts);
	if (in->st.conf.scan_proc && !in->st.offline && ts >= in->next_purge) {
		if (in->next_purge != 0 && ts > PURGE_IDLE_NS) {
			in->purged += sk_state_purge(&in->st, ts - PURGE_IDLE_NS);
		}
		in->next_purge = ts + PURGE_EVERY_NS;
	}
	return SK_OK;
}

/* Table sizes and churn for the metrics snapshot (bounded memory shows
 * here: sizes stay under max_threads/max_fds, evictions count the rest).
 * Gauges: threads, fds, user_tables; the rest are running totals since
 * init. threads = threads_added - threads_removed - threads_evicted, and
 * the same for fds (docs/fields.md, "Metrics"). */
static int sys_metrics(void *inst, const struct sk_metric **ret, size_t *ret_n)
{
	struct sys_inst *in = inst;
	const struct sk_state *st = &in->st;
	const struct sk_metric m[] = {
	    {"threads", st->threads.n},
	    {"threads_added", st->threads_added},
	    {"threads_removed", st->threads_removed},
	    {"threads_evicted", st->threads_evicted},
	    {"threads_purged", in->purged},
	    {"thread_lookups_failed", st->thread_lookup_misses},
	    {"fds", st->nfds},
	    {"fds_added", st->fds_added},
	    {"fds_removed", st->fds_removed},
	    {"fds_evicted", st->fds_evicted},
	    {"fd_lookups_failed", st->fd_lookup_misses},
	    {"user_tables", st->userdbs.n},
	    {"proc_lookups", st->proc_lookups},
	};
	_Static_assert(sizeof(m) == sizeof(in->metrics), "sys_inst.metrics: one slot per metric");
	memcpy(in->metrics, m, sizeof(m));
	*ret = in->metrics;
	*ret_n = sizeof(m) / sizeof(m[0]);
	return SK_OK;
}

SK_PLUGIN_OPS(sk_extract_ops, sys_extract_ops, .sources = sys_sources, .fields = sys_fields,
	      .extract = sys_extract, .event_names = sys_event_names,
	      .field_constants = sys_field_constants);
SK_PLUGIN_OPS(sk_parse_ops, sys_parse_ops, .sources = sys_sources, .parse = sys_parse,
	      .snapshot = sys_snap_save_all);
SK_PLUGIN_DEFINE(.name = "syscall", .version = "0.1.0",
		 .description = "process, thread, fd and user state of the syscall source, and its "
				"evt/proc/thread/fd/user/group fields",
		 .contact = PACKAGE_BUGREPORT, .params = sys_params,
		 .config_size = sizeof(struct sys_conf), .init = sys_init, .destroy = sys_destroy,
		 .metrics = sys_metrics, .extract = &sys_extract_ops, .parse = &sys_parse_ops);
