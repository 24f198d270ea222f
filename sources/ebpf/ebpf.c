/* sources/ebpf/ebpf.c - the `ebpf` source plugin: loads the CO-RE probe
 * (probe.bpf.c, through its libbpf skeleton), fills its syscall table,
 * attaches it, and hands the records it writes to the host.
 *
 * Reading. The probe writes records with BPF_RB_NO_WAKEUP and only forces
 * a wake-up when a ring is filling up (a wake-up per record costs several
 * times the record itself: see docs/ebpf-source.md). This plugin polls the rings on a
 * timerfd whose period backs off from 500 µs (data was there) to 30 ms
 * (idle), Falco's range; the descriptor it gives the host is an epoll set
 * holding that timerfd and the rings' own descriptors, so a forced wake-up
 * is seen at once. Records are copied out of the rings into a batch arena
 * (8-byte aligned, reused), checked with sk_evt_check(), and handed over.
 *
 * Drops. The probe counts records that found no room, per CPU, and the
 * kernel the process-event runs it skipped (ebpf_ring_prog_misses). Every
 * 100 ms this plugin sums the counters; growth becomes one SK_EVT_DROP
 * record at the head of the next batch. stats() reports the events handed
 * over and the drops not yet handed over as records, so the host's total
 * (records + stats) counts each lost event once.
 *
 * Privileges: root, or CAP_BPF + CAP_PERFMON + CAP_SYS_RESOURCE (and BTF
 * at /sys/kernel/btf/vmlinux, and a BPF ring buffer: Linux 5.8). open()
 * names what is missing. A failed load is one error line (ebpf_diag_failed_load):
 * the program and the verifier's reason, with the full verifier log in
 * /run/shrike/verifier-PROGRAM.log, or the map and the kernel feature it
 * needs; libbpf's messages of the load go to the debug log only. After a
 * load, every program's verified instructions go to the debug log
 * (ebpf_diag_report_verified).
 *
 * Changing the syscall set at run time: ebpf_set_enabled() on the plugin's
 * copy of the table, then one map update per changed syscall number (see
 * apply_table()), and per changed ia32 number in compat_nr (the map that
 * sends 32-bit calls to the x86-64 rows, apply_compat()); the probe is not
 * reloaded. The host drives it through set_event_types() (eb_set_event_types)
 * with the event types the loaded rules need, at start and after a rules
 * reload, within the set the configuration allows (engine.ebpf.syscalls,
 * all_syscalls).
 *
 * Metrics: records written and drops by reason, in total and per CPU,
 * and each program's run count and time, which the kernel counts while
 * its BPF statistics are on: with bpf_stats, from open to close
 * (ebpf_metrics.c).
 *
 * Files: this one has the plugin callbacks and table, and keeps the
 * syscall table in the probe's maps; ebpf_load.c what the probe loads on
 * this kernel; ebpf_diag.c libbpf's messages, a failed load's diagnosis
 * and the verifier's cost; ebpf_ring.c the rings read into batches, the
 * poll timer, drops and clocks; ebpf_metrics.c what metrics() reports.
 * ebpf_priv.h is what they share.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <shrike/plugin.h>
#include <shrike/syscall_events.h>

#include "ebpf_conf.h"
#include "common/clock.h"
#include "common/evtsort.h"
#include "ebpf_priv.h"
#include "probe.skel.h"

_Static_assert(sizeof(struct sk_ebpf_sc) == 56, "struct sk_ebpf_sc layout changed");
_Static_assert(sizeof(struct sk_ebpf_pspec) == 4, "struct sk_ebpf_pspec layout changed");
_Static_assert(sizeof(struct sk_ebpf_counters) == 32, "struct sk_ebpf_counters layout changed");

/* libbpf prints through one global callback: route it to the instance that
 * is loading (one ebpf source per process). */
struct ebpf *eb_log_inst;

void eb_log(struct ebpf *e, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	if (e == NULL || e->api == NULL || e->api->log == NULL) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	e->api->log(e->host, level, "%s", line);
}

/* ---- plugin callbacks ------------------------------------------------------- */

static int eb_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	struct ebpf *e = calloc(1, sizeof(*e));
	if (e == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = e;
	e->api = in->api;
	e->host = in->host;
	e->conf = in->config;
	e->epfd = e->tfd = e->stats_fd = -1;
	for (unsigned i = 0; i < EB_MAX_RINGS; i++) {
		e->ring_fds[i] = -1;
	}
	if (ebpf_buf_size(e->conf, &e->ring_size, err, errlen) < 0) {
		return SK_ERR;
	}
	if (ebpf_build_table(e->conf, e->table, err, errlen) < 0) {
		return SK_ERR;
	}
	return SK_OK;
}

static void eb_close(void *inst)
{
	struct ebpf *e = inst;
	if (e == NULL) {
		return;
	}
	/* Stop recording, then say how many records the host will not see
	 * (written between the last batch and the stop): never silently. */
	if (e->skel != NULL) {
		probe_bpf__detach(e->skel);
	}
	e->closing = true;
	for (int i = 0; i < e->nrings; i++) {
		if (e->rbs[i] != NULL) {
			ring_buffer__consume(e->rbs[i]);
		}
	}
	if (e->left > 0) {
		eb_log(e, SK_LOG_NOTICE,
		       "%" PRIu64 " event(s) recorded after the last batch were not processed "
		       "(the source was stopped)",
		       e->left);
	}
	e->left = 0;
	e->closing = false;
	for (int i = 0; i < e->nrings; i++) {
		ring_buffer__free(e->rbs[i]);
		e->rbs[i] = NULL;
	}
	ebpf_metrics_close(e);
	probe_bpf__destroy(e->skel);
	e->skel = NULL;
	free(e->cpu_counters);
	e->cpu_counters = NULL;
	for (int i = 0; i < e->nrings; i++) {
		if (e->ring_fds[i] >= 0) {
			close(e->ring_fds[i]);
			e->ring_fds[i] = -1;
		}
	}
	e->nrings = 0;
	if (e->tfd >= 0) {
		close(e->tfd);
		e->tfd = -1;
	}
	if (e->epfd >= 0) {
		close(e->epfd);
		e->epfd = -1;
	}
	free(e->arena);
	e->arena = NULL;
	e->arena_cap = 0;
	ebpf_diag_free_stat_logs(e);
	free(e->vlog);
	e->vlog = NULL;
	if (eb_log_inst == e) {
		eb_log_inst = NULL;
	}
}

static void eb_destroy(void *inst)
{
	struct ebpf *e = inst;
	if (e == NULL) {
		return;
	}
	eb_close(e);
	sk_mtab_fini(&e->mt);
	free(e);
}

/* Bring the probe's compat_nr map in line with the table: all entries
 * (all), or those that changed. */
static int apply_compat(struct ebpf *e, bool all)
{
	__u32 next[SK_EBPF_COMPAT_MAX];
	int fd = bpf_map__fd(e->skel->maps.compat_nr);
	ebpf_build_compat(e->table, next);
	for (__u32 i = 0; i < SK_EBPF_COMPAT_MAX; i++) {
		if (!all && next[i] == e->compat[i]) {
			continue;
		}
		if (bpf_map_update_elem(fd, &i, &next[i], BPF_ANY) != 0) {
			return -errno;
		}
		e->compat[i] = next[i];
	}
	return 0;
}

/* Write every row of the table into the probe's maps. */
static int apply_table(struct ebpf *e)
{
	int fd = bpf_map__fd(e->skel->maps.syscalls);
	for (__u32 i = 0; i < SK_EBPF_MAX_SYSCALLS; i++) {
		if (bpf_map_update_elem(fd, &i, &e->table[i], BPF_ANY) != 0) {
			return -errno;
		}
	}
	return apply_compat(e, true);
}

/* eb_set_event_types - record only what the rules can use: the event types
 * given, the events the state tracker needs (SK_SCF_STATE), and the ones the
 * configuration forces on (syscalls:). NULL: the configuration's set. Only
 * changed rows are written to the probe's map; the probe is not reloaded. */
static int eb_set_event_types(void *inst, const uint16_t *types, size_t n)
{
	struct ebpf *e = inst;
	char err[256] = "";
	struct sk_ebpf_sc *tab = calloc(SK_EBPF_MAX_SYSCALLS, sizeof(*tab));
	if (tab == NULL) {
		return SK_ERR;
	}
	if (ebpf_build_table(e->conf, tab, err, sizeof(err)) < 0) {
		e->api->log(e->host, SK_LOG_ERROR, "cannot build the syscall table: %s", err);
		free(tab);
		return SK_ERR;
	}
	ebpf_select_types(e->conf, tab, types, n);
	int fd = e->skel ? bpf_map__fd(e->skel->maps.syscalls) : -1;
	unsigned changed = 0, enabled = 0;
	for (__u32 i = 0; i < SK_EBPF_MAX_SYSCALLS; i++) {
		enabled += tab[i].enabled;
		if (memcmp(&tab[i], &e->table[i], sizeof(tab[i])) == 0) {
			continue;
		}
		if (fd >= 0 && bpf_map_update_elem(fd, &i, &tab[i], BPF_ANY) != 0) {
			e->api->log(e->host, SK_LOG_ERROR, "cannot update the syscall map: %s",
				    strerror(errno));
			free(tab);
			return SK_ERR;
		}
		e->table[i] = tab[i];
		changed++;
	}
	int cr = e->skel != NULL && changed > 0 ? apply_compat(e, false) : 0;
	if (cr < 0) {
		e->api->log(e->host, SK_LOG_ERROR, "cannot update the ia32 syscall map: %s",
			    strerror(-cr));
		free(tab);
		return SK_ERR;
	}
	e->api->log(e->host, SK_LOG_INFO,
		    "recording %u syscall numbers (%s; %u changed)", enabled,
		    types == NULL ? "every type the configuration enables" : "what the rules use",
		    changed);
	free(tab);
	return SK_OK;
}

static int eb_open(void *inst, const char *params, int *ret_fd, char *err, size_t errlen)
{
	struct ebpf *e = inst;
	int r = 0;
	char why[128];
	(void)params;

	char rel[128];
	/* For tests only: SHRIKE_TEST_EBPF_BTF names the file checked instead
	 * of /sys/kernel/btf/vmlinux, so that a test can make the probe
	 * unsupported on a host where it runs (engine.kind auto's fallback,
	 * tests/integration/engine_auto.sh). libbpf itself still reads the
	 * kernel's own BTF. */
	const char *btf = getenv("SHRIKE_TEST_EBPF_BTF");
	if (btf == NULL || btf[0] == '\0') {
		btf = "/sys/kernel/btf/vmlinux";
	}
	if (access(btf, R_OK) != 0) {
		int en = errno;
		snprintf(err, errlen,
			 "Linux %s has no BTF (%s: %s), which the eBPF probe needs; run a kernel "
			 ">= 5.10 built with CONFIG_DEBUG_INFO_BTF=y",
			 ebpf_load_kernel_release(rel, sizeof(rel)), btf, strerror(en));
		return SK_ERR;
	}
	bool fatal = false;
	ebpf_load_missing_caps(why, sizeof(why), &fatal);
	if (fatal) {
		snprintf(err, errlen,
			 "loading the eBPF probe needs root or CAP_BPF, CAP_PERFMON and "
			 "CAP_SYS_RESOURCE; missing: %s",
			 why);
		return SK_ERR;
	}
	/* 0: the kernel lacks it; < 0: the probe itself failed (say nothing,
	 * creating the rings below names the error) */
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 0) {
		snprintf(err, errlen,
			 "Linux %s has no BPF ring buffer (BPF_MAP_TYPE_RINGBUF, Linux 5.8), which "
			 "the eBPF probe needs; run a kernel >= 5.10 built with "
			 "CONFIG_DEBUG_INFO_BTF=y",
			 ebpf_load_kernel_release(rel, sizeof(rel)));
		return SK_ERR;
	}

	eb_log_inst = e;
	libbpf_set_print(ebpf_diag_libbpf_print);

	e->ncpus = libbpf_num_possible_cpus();
	if (e->ncpus <= 0 || e->ncpus > (int)SK_EBPF_MAX_CPUS) {
		snprintf(err, errlen, "cannot count the CPUs (%d)", e->ncpus);
		goto fail;
	}
	e->cpu_counters = calloc((size_t)e->ncpus, sizeof(*e->cpu_counters));
	if (e->cpu_counters == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	unsigned per = (unsigned)e->conf->cpus_for_each_buffer;
	e->nrings = per == 0 ? 1 : (e->ncpus + (int)per - 1) / (int)per;
	if (e->nrings > (int)EB_MAX_RINGS) {
		e->nrings = EB_MAX_RINGS;
	}
	for (int i = 0; i < e->nrings; i++) {
		e->ring_fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "shrike_ring", 0, 0,
						(__u32)e->ring_size, NULL);
		if (e->ring_fds[i] < 0) {
			r = -errno;
			snprintf(err, errlen, "cannot create a %" PRIu64 "-byte ring buffer: %s",
				 e->ring_size, strerror(-r));
			goto fail;
		}
	}

	/* Two tries at most: with the entry copies on fentry where the
	 * kernel has the functions, then, if the kernel refuses an fentry
	 * program (some kernels do not allow them: a hypervisor that forbids
	 * patching kernel text, a policy), with sk_sys_enter. */
	for (int attempt = 0; attempt < 2; attempt++) {
		e->skel = ebpf_load_open();
		if (e->skel == NULL) {
			snprintf(err, errlen, "cannot open the eBPF probe: %s", strerror(errno));
			goto fail;
		}
		e->skel->rodata->self_tgid = (__u32)getpid();
		e->skel->rodata->capture_env = e->conf->capture_env ? 1 : 0;
		e->skel->rodata->drop_failed = e->conf->drop_failed_exit ? 1 : 0;
		e->skel->rodata->wakeup_bytes = e->ring_size / 4;
		bpf_map__set_max_entries(e->skel->maps.ringbufs, (__u32)e->ncpus);
		bpf_map__set_inner_map_fd(e->skel->maps.ringbufs, e->ring_fds[0]);
		ebpf_load_pick_programs(e, attempt == 0);
		ebpf_diag_set_stat_logs(e);
		e->loading = true;
		r = probe_bpf__load(e->skel);
		if (r == 0 || !e->fentry || strncmp(e->failed_prog, "sk_fe_", 6) != 0) {
			break;
		}
		eb_log(e, SK_LOG_DEBUG,
		       "the kernel refused fentry program %s (%s): entry copies at sys_enter "
		       "instead",
		       e->failed_prog, strerror(-r));
		e->loading = false;
		ebpf_diag_free_stat_logs(e);
		probe_bpf__destroy(e->skel);
		e->skel = NULL;
		e->failed_prog[0] = '\0';
		e->failed_map[0] = '\0';
		free(e->vlog);
		e->vlog = NULL;
	}
	if (r != 0) {
		if ((r == -EPERM || r == -EACCES) && why[0] != '\0' && e->failed_prog[0] == '\0') {
			snprintf(err, errlen,
				 "the kernel refused the eBPF probe: %s; it needs root or CAP_BPF, "
				 "CAP_PERFMON and CAP_SYS_RESOURCE; missing: %s",
				 strerror(-r), why);
		} else {
			ebpf_diag_failed_load(e, r, err, errlen);
			ebpf_diag_report_verified(e);
		}
		e->loading = false;
		goto fail;
	}
	e->loading = false;
	int outer = bpf_map__fd(e->skel->maps.ringbufs);
	for (int cpu = 0; cpu < e->ncpus; cpu++) {
		__u32 k = (__u32)cpu;
		int ring = per == 0 ? 0 : cpu / (int)per;
		if (ring >= e->nrings) {
			ring = e->nrings - 1;
		}
		if (bpf_map_update_elem(outer, &k, &e->ring_fds[ring], BPF_ANY) != 0) {
			r = -errno;
			snprintf(err, errlen, "cannot map CPU %d to its ring buffer: %s", cpu,
				 strerror(-r));
			goto fail;
		}
	}
	ebpf_diag_report_verified(e);
	ebpf_diag_free_stat_logs(e); /* libbpf reads them during the load only */
	r = ebpf_load_fill_tails(e);
	if (r < 0) {
		snprintf(err, errlen, "cannot fill the probe's tail-call table: %s", strerror(-r));
		goto fail;
	}
	e->skel->bss->boot_to_epoch = ebpf_ring_boot_to_epoch();
	e->last_clock_sync = sk_clock_ns(CLOCK_MONOTONIC);
	r = apply_table(e);
	if (r < 0) {
		snprintf(err, errlen, "cannot fill the probe's syscall table: %s", strerror(-r));
		goto fail;
	}
	/* before the attach: with bpf_stats the kernel counts from the first run */
	if (ebpf_metrics_open(e) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	r = probe_bpf__attach(e->skel);
	if (r != 0) {
		snprintf(err, errlen, "cannot attach the eBPF probe to its tracepoints: %s",
			 strerror(-r));
		goto fail;
	}

	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	e->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (e->epfd < 0 || e->tfd < 0) {
		snprintf(err, errlen, "cannot create the poll timer: %s", strerror(errno));
		goto fail;
	}
	struct epoll_event ev = {.events = EPOLLIN};
	ev.data.fd = e->tfd;
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->tfd, &ev) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		goto fail;
	}
	for (int i = 0; i < e->nrings; i++) {
		e->rbs[i] = ring_buffer__new(e->ring_fds[i], ebpf_ring_on_record, e, NULL);
		if (e->rbs[i] == NULL) {
			snprintf(err, errlen, "cannot map ring buffer %d: %s", i, strerror(errno));
			goto fail;
		}
		ev.data.fd = ring_buffer__epoll_fd(e->rbs[i]);
		if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) != 0) {
			snprintf(err, errlen, "epoll: %s", strerror(errno));
			goto fail;
		}
	}
	e->poll_ns = 0;
	ebpf_ring_set_poll(e, EB_POLL_MIN_NS);
	size_t nen = 0;
	for (unsigned i = 0; i < SK_EBPF_MAX_SYSCALLS; i++) {
		nen += e->table[i].enabled;
	}
	eb_log(e, SK_LOG_INFO,
	       "eBPF probe attached: %d ring buffer(s) of %" PRIu64 " bytes for %d CPU(s), %zu "
	       "syscall numbers recorded",
	       e->nrings, e->ring_size, e->ncpus, nen);
	*ret_fd = e->epfd;
	return SK_OK;

fail:
	eb_close(e);
	return SK_ERR;
}

static int eb_next_batch(void *inst, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			 char *err, size_t errlen)
{
	struct ebpf *e = inst;
	uint64_t ticks;
	(void)err;
	(void)errlen;
	*ret_n = 0;
	if (e->skel == NULL) {
		return SK_EOF;
	}
	while (read(e->tfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks)) {
	}
	e->n = 0;
	e->arena_used = 0;
	e->full = false;

	uint64_t mono = sk_clock_ns(CLOCK_MONOTONIC);
	if (mono - e->last_clock_sync >= EB_CLOCK_SYNC_NS) {
		e->skel->bss->boot_to_epoch = ebpf_ring_boot_to_epoch();
		e->last_clock_sync = mono;
	}
	if (mono - e->last_drop_check >= EB_DROP_CHECK_NS) {
		struct sk_ebpf_counters c;
		e->last_drop_check = mono;
		if (ebpf_ring_read_counters(e, &c) == 0) {
			e->kdrops = c.drops + c.drops_big + ebpf_ring_prog_misses(e);
		}
	}
	if (e->kdrops > e->injected) {
		ebpf_ring_add_drop_record(e, e->kdrops - e->injected);
		e->injected = e->kdrops;
	}

	/* with several rings, a share of the batch for each first, so that
	 * every CPU's records of the same moment are in it; then what room
	 * is left */
	size_t share = e->nrings > 1 ? EB_BATCH_MAX / (size_t)e->nrings : 0;
	if (share > 0 && share < 16) {
		share = 16;
	}
	for (int pass = share > 0 ? 0 : 1; pass < 2; pass++) {
		for (int k = 0; k < e->nrings && !e->full; k++) {
			int i = (e->next_ring + k) % e->nrings;
			e->quota = pass == 0 ? share : 0;
			int r = ring_buffer__consume(e->rbs[i]);
			if (r < 0 && r != -ENOSPC) {
				eb_log(e, SK_LOG_ERROR, "reading ring buffer %d failed: %s", i,
				       strerror(-r));
			}
		}
	}
	e->quota = 0;
	e->next_ring = (e->next_ring + 1) % (e->nrings ? e->nrings : 1);

	if (e->n == 0) {
		uint64_t next = e->poll_ns * 2;
		ebpf_ring_set_poll(e, next > EB_POLL_MAX_NS ? EB_POLL_MAX_NS : next);
		return SK_RETRY;
	}
	ebpf_ring_set_poll(e, EB_POLL_MIN_NS);
	for (size_t i = 0; i < e->n; i++) {
		e->ptrs[i] = (const struct sk_evt_hdr *)(e->arena + e->offs[i]);
	}
	/* each ring is in order, the rings of several CPUs are not merged */
	sk_evt_sort_by_time(e->ptrs, e->sort_tmp, e->n);
	e->delivered += e->n;
	*ret_evs = e->ptrs;
	*ret_n = e->n;
	return SK_OK;
}

/* eb_metrics - the probe's counters and its programs' run counts and
 * times (ebpf_metrics.c; docs/ebpf-source.md, "Metrics"). */
static int eb_metrics(void *inst, const struct sk_metric **ret, size_t *ret_n)
{
	struct ebpf *e = inst;
	ebpf_metrics_read(e);
	*ret = e->mt.m;
	*ret_n = e->mt.n;
	return SK_OK;
}

static int eb_stats(void *inst, struct sk_source_stats *ret)
{
	struct ebpf *e = inst;
	memset(ret, 0, sizeof(*ret));
	ret->events = e->delivered;
	if (e->skel != NULL) {
		struct sk_ebpf_counters c;
		if (ebpf_ring_read_counters(e, &c) == 0) {
			e->kdrops = c.drops + c.drops_big + ebpf_ring_prog_misses(e);
		}
	}
	ret->drops = e->kdrops > e->injected ? e->kdrops - e->injected : 0;
	return SK_OK;
}

SK_PLUGIN_OPS(sk_source_ops, eb_source_ops, .event_source = "syscall", .open = eb_open,
	      .next_batch = eb_next_batch, .close = eb_close, .stats = eb_stats,
	      .set_event_types = eb_set_event_types);
SK_PLUGIN_DEFINE(.name = "ebpf", .version = "0.1.0",
		 .description = "Syscalls from the kernel through a CO-RE eBPF probe",
		 .contact = "https://github.com/shrike-security/shrike", .params = ebpf_params,
		 .config_size = sizeof(struct ebpf_conf), .init = eb_init, .destroy = eb_destroy,
		 .metrics = eb_metrics, .source = &eb_source_ops);
