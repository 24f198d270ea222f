/* sources/ebpf/ebpf_ring.c - how the `ebpf` source reads its probe's
 * records: ring records copied into the batch arena, the SK_EVT_DROP
 * record for lost events, the poll timer's period, the probe's drop
 * counters and the kernel's skipped runs, and the clocks records are
 * stamped with. eb_next_batch and eb_stats (ebpf.c) drive them.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <shrike/plugin.h>

#include "common/clock.h"
#include "ebpf_priv.h"
#include "probe.skel.h"

/* ns to add to bpf_ktime_get_boot_ns() for ns since the Unix epoch. */
uint64_t ebpf_ring_boot_to_epoch(void)
{
	uint64_t best = 0, best_gap = UINT64_MAX;
	for (int i = 0; i < 3; i++) {
		uint64_t b0 = sk_clock_ns(CLOCK_BOOTTIME);
		uint64_t rt = sk_clock_ns(CLOCK_REALTIME);
		uint64_t b1 = sk_clock_ns(CLOCK_BOOTTIME);
		if (b1 - b0 < best_gap) {
			best_gap = b1 - b0;
			best = rt - (b0 + (b1 - b0) / 2);
		}
	}
	return best;
}

/* Copy one ring record into the batch arena. Returns -ENOSPC (after
 * keeping the record) once the batch is full, or the ring has had its
 * quota, to stop the consumer. */
int ebpf_ring_on_record(void *ctx, void *data, size_t size)
{
	struct ebpf *e = ctx;
	if (e->closing) {
		e->left++;
		return 0;
	}
	if (sk_evt_check(data, size) != 0) {
		e->bad++;
		return 0;
	}
	size_t need = (size + 7u) & ~(size_t)7u;
	if (e->arena_used + need > e->arena_cap) {
		size_t ncap = e->arena_cap ? e->arena_cap : (EB_ARENA_SOFT + 65536);
		while (ncap < e->arena_used + need) {
			ncap *= 2;
		}
		unsigned char *na = realloc(e->arena, ncap);
		if (na == NULL) {
			e->bad++;
			e->full = true;
			return -ENOSPC;
		}
		e->arena = na;
		e->arena_cap = ncap;
	}
	memcpy(e->arena + e->arena_used, data, size);
	e->offs[e->n++] = e->arena_used;
	e->arena_used += need;
	if (e->n >= EB_BATCH_MAX || e->arena_used >= EB_ARENA_SOFT) {
		e->full = true;
		return -ENOSPC;
	}
	if (e->quota > 0 && --e->quota == 0) {
		return -ENOSPC;
	}
	return 0;
}

void ebpf_ring_set_poll(struct ebpf *e, uint64_t ns)
{
	if (ns == e->poll_ns) {
		return;
	}
	e->poll_ns = ns;
	struct itimerspec its = {
	    .it_interval = {.tv_sec = (time_t)(ns / 1000000000ull),
			    .tv_nsec = (long)(ns % 1000000000ull)},
	    .it_value = {.tv_sec = (time_t)(ns / 1000000000ull),
			 .tv_nsec = (long)(ns % 1000000000ull)},
	};
	timerfd_settime(e->tfd, 0, &its, NULL);
}

int ebpf_ring_read_counters(struct ebpf *e, struct sk_ebpf_counters *ret)
{
	struct sk_ebpf_counters *v = e->cpu_counters;
	__u32 zero = 0;
	memset(ret, 0, sizeof(*ret));
	if (v == NULL || bpf_map_lookup_elem(bpf_map__fd(e->skel->maps.counters), &zero, v) != 0) {
		return v == NULL ? -ENOMEM : -errno;
	}
	for (int i = 0; i < e->ncpus; i++) {
		ret->evts += v[i].evts;
		ret->drops += v[i].drops;
		ret->drops_big += v[i].drops_big;
		ret->skipped += v[i].skipped;
	}
	return 0;
}

/* Records the kernel lost by skipping a program run: it runs no program
 * nested with itself on one CPU, and on kernels that preempt a running
 * program (full or lazy preemption) a second task's event on that CPU
 * meanwhile finds the program busy (bpf_prog_info.recursion_misses, Linux
 * 5.12). Counted for the programs whose every run writes a record: the
 * process events and sys_exit's exec and clone programs. A miss of the
 * sys_exit dispatcher may be a syscall that is not recorded, and one of an
 * entry copy still leaves its record at exit: neither is counted. */
uint64_t ebpf_ring_prog_misses(struct ebpf *e)
{
	const struct bpf_program *progs[] = {
	    e->skel->progs.sk_sched_fork, e->skel->progs.sk_sched_exec,
	    e->skel->progs.sk_sched_exit, e->skel->progs.sk_exit_exec,
	    e->skel->progs.sk_exit_clone};
	uint64_t n = 0;
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct bpf_prog_info info;
		if (ebpf_metrics_prog_info(progs[i], &info,
					   offsetof(struct bpf_prog_info, recursion_misses) +
					       sizeof(info.recursion_misses))) {
			n += info.recursion_misses;
		}
	}
	return n;
}

/* Put an SK_EVT_DROP record for `lost` events at the end of the batch. */
void ebpf_ring_add_drop_record(struct ebpf *e, uint64_t lost)
{
	unsigned char rec[SK_EVT_HDR_SIZE + 4 + 12];
	struct sk_evt_hdr h = {
	    .ts = sk_clock_ns(CLOCK_REALTIME),
	    .tid = 0,
	    .len = sizeof(rec),
	    .type = SK_EVT_DROP,
	    .nparams = 2,
	    .flags = 0,
	};
	uint16_t l0 = 8, l1 = 4;
	uint32_t any = 0xffffffffu;
	memcpy(rec, &h, sizeof(h));
	memcpy(rec + SK_EVT_HDR_SIZE, &l0, 2);
	memcpy(rec + SK_EVT_HDR_SIZE + 2, &l1, 2);
	memcpy(rec + SK_EVT_HDR_SIZE + 4, &lost, 8);
	memcpy(rec + SK_EVT_HDR_SIZE + 12, &any, 4);
	bool was_full = e->full;
	e->full = false;
	ebpf_ring_on_record(e, rec, sizeof(rec));
	e->full = was_full || e->full;
}
