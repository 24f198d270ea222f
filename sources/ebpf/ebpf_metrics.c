/* sources/ebpf/ebpf_metrics.c - what the `ebpf` source reports through
 * metrics() (docs/ebpf-source.md, "Metrics"): the probe's per-CPU
 * counters (records written, drops by reason), the kernel's skipped runs,
 * and the run count and time of each program the probe loaded, which the
 * kernel counts only while its BPF statistics are on (with bpf_stats, a
 * bpf_enable_stats() descriptor held from open to close). The names are made once
 * at open into the instance's table (common/mtab.h); the values read at
 * close stay until the next open.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf_priv.h"
#include "probe.skel.h"

/* The metrics: these totals, in this order, then one pair per CPU, then
 * one pair per program. */
enum { EM_EVTS, EM_DROPS, EM_BUFFER, EM_BIG, EM_MISSES, EM_STATS_ON, EM_NTOTALS };
static const char *const em_totals[EM_NTOTALS] = {"n_evts",
						  "n_drops",
						  "n_drops_buffer",
						  "n_drops_max_event_size",
						  "n_drops_prog_misses",
						  "bpf_stats_enabled"};

bool ebpf_metrics_prog_info(const struct bpf_program *p, struct bpf_prog_info *ret, size_t need)
{
	int fd = bpf_program__fd(p);
	__u32 len = sizeof(*ret);
	memset(ret, 0, sizeof(*ret));
	return fd >= 0 && bpf_obj_get_info_by_fd(fd, ret, &len) == 0 && len >= need;
}

/* The programs the probe loaded (an fd), into e->mprogs. 0 or -ENOMEM. */
static int loaded_programs(struct ebpf *e)
{
	struct bpf_program *p;
	size_t n = 0;
	bpf_object__for_each_program(p, e->skel->obj)
	{
		n += bpf_program__fd(p) >= 0;
	}
	e->mprogs = calloc(n ? n : 1, sizeof(*e->mprogs));
	if (e->mprogs == NULL) {
		return -ENOMEM;
	}
	bpf_object__for_each_program(p, e->skel->obj)
	{
		if (bpf_program__fd(p) >= 0) {
			e->mprogs[e->nmprogs++] = p;
		}
	}
	return 0;
}

/* The pairs of the programs in e->mprogs, prog_<name>_run_cnt and
 * prog_<name>_run_time_ns; a program whose name the metrics cannot carry
 * is left out (of e->mprogs too), said once. 0 or -ENOSPC. */
static int add_programs(struct ebpf *e)
{
	size_t kept = 0;
	for (size_t i = 0; i < e->nmprogs; i++) {
		const char *name = bpf_program__name(e->mprogs[i]);
		size_t first = e->mt.n;
		int r = sk_mtab_add(&e->mt, "prog_%s_run_cnt", name);
		if (r >= 0) {
			r = sk_mtab_add(&e->mt, "prog_%s_run_time_ns", name);
		}
		if (r == -ENOSPC) {
			return r;
		}
		if (r < 0) {
			e->mt.n = first;
			eb_log(e, SK_LOG_WARNING,
			       "eBPF program %s: no prog_* metrics (the name is not [a-z0-9_]+ or "
			       "too long)",
			       name);
			continue;
		}
		e->mprogs[kept++] = e->mprogs[i];
	}
	e->nmprogs = kept;
	return 0;
}

/* The table for the probe just loaded. 0 or -errno. */
static int make_table(struct ebpf *e)
{
	sk_mtab_fini(&e->mt);
	int r = sk_mtab_init(&e->mt, EM_NTOTALS + 2u * (size_t)e->ncpus + 2u * e->nmprogs);
	for (size_t i = 0; r >= 0 && i < EM_NTOTALS; i++) {
		r = sk_mtab_add(&e->mt, "%s", em_totals[i]);
	}
	if (r >= 0) {
		r = sk_mtab_add_cpus(&e->mt, NULL, (size_t)e->ncpus);
	}
	if (r >= 0) {
		r = add_programs(e);
	}
	return r < 0 ? r : 0;
}

int ebpf_metrics_open(struct ebpf *e)
{
	int r = loaded_programs(e);
	if (r == 0) {
		r = make_table(e);
	}
	if (r < 0 || !e->conf->bpf_stats) {
		return r;
	}
	e->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (e->stats_fd < 0) {
		e->stats_fd = -1;
		eb_log(e, SK_LOG_WARNING,
		       "bpf_stats: cannot turn the kernel's BPF run-time statistics on "
		       "(kernel.bpf_stats_enabled): %s; bpf_stats_enabled is 0 and the programs' "
		       "run counts move only while something else has them on",
		       strerror(errno));
	}
	return 0;
}

/* The per-CPU counters and the totals they make. */
static void read_counters(struct ebpf *e)
{
	struct sk_metric *m = e->mt.m;
	struct sk_ebpf_counters c;
	if (ebpf_ring_read_counters(e, &c) < 0) {
		return;
	}
	uint64_t misses = ebpf_ring_prog_misses(e);
	m[EM_EVTS].value = c.evts;
	m[EM_BUFFER].value = c.drops;
	m[EM_BIG].value = c.drops_big;
	m[EM_MISSES].value = misses;
	m[EM_DROPS].value = c.drops + c.drops_big + misses;
	for (int i = 0; i < e->ncpus; i++) {
		m[EM_NTOTALS + 2 * i].value = e->cpu_counters[i].evts;
		m[EM_NTOTALS + 2 * i + 1].value =
		    e->cpu_counters[i].drops + e->cpu_counters[i].drops_big;
	}
	/* what stats() and the SK_EVT_DROP records go by, read at the same time */
	e->kdrops = m[EM_DROPS].value;
}

/* The run count and time of each program, from the kernel. */
static void read_programs(struct ebpf *e)
{
	struct sk_metric *m = e->mt.m + EM_NTOTALS + 2 * e->ncpus;
	for (size_t i = 0; i < e->nmprogs; i++) {
		struct bpf_prog_info info;
		if (ebpf_metrics_prog_info(e->mprogs[i], &info,
					   offsetof(struct bpf_prog_info, run_cnt) +
					       sizeof(info.run_cnt))) {
			m[2 * i].value = info.run_cnt;
			m[2 * i + 1].value = info.run_time_ns;
		}
	}
}

void ebpf_metrics_read(struct ebpf *e)
{
	if (e->skel == NULL || e->mt.n != EM_NTOTALS + 2u * ((size_t)e->ncpus + e->nmprogs)) {
		return;
	}
	read_counters(e);
	e->mt.m[EM_STATS_ON].value = e->stats_fd >= 0;
	read_programs(e);
}

void ebpf_metrics_close(struct ebpf *e)
{
	ebpf_metrics_read(e);
	if (e->stats_fd >= 0) {
		close(e->stats_fd);
		e->stats_fd = -1;
	}
	if (e->mt.n > EM_STATS_ON) {
		e->mt.m[EM_STATS_ON].value = 0;
	}
	free(e->mprogs);
	e->mprogs = NULL;
	e->nmprogs = 0;
}
