/* sources/ebpf/ebpf_priv.h - what the files of the `ebpf` source plugin
 * share: the instance (struct ebpf) and the functions one file gives the
 * others, one prefix per file. ebpf.c: the plugin callbacks and table
 * (eb_); ebpf_load.c: privileges, the programs this kernel runs, the tail
 * calls (ebpf_load_); ebpf_diag.c: libbpf's messages, a failed load's
 * diagnosis, the verifier's cost (ebpf_diag_); ebpf_ring.c: the rings read
 * into batches, the poll timer, drops, the clocks (ebpf_ring_);
 * ebpf_metrics.c: what metrics() reports, the kernel's BPF statistics
 * (ebpf_metrics_). Private to the plugin.
 */
#ifndef SK_SOURCES_EBPF_EBPF_PRIV_H
#define SK_SOURCES_EBPF_EBPF_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <bpf/libbpf.h>

#include <shrike/plugin.h>

#include "common/mtab.h"
#include "ebpf_conf.h"

struct probe_bpf; /* probe.skel.h */

#define EB_MAX_RINGS	 256u
#define EB_BATCH_MAX	 1024u	     /* records per batch */
#define EB_ARENA_SOFT	 (1u << 20)  /* stop filling a batch past this many bytes */
#define EB_POLL_MIN_NS	 500000ull   /* 500 µs */
#define EB_POLL_MAX_NS	 30000000ull /* 30 ms */
#define EB_DROP_CHECK_NS 100000000ull
#define EB_CLOCK_SYNC_NS 1000000000ull
#define EB_ERR		 512

struct ebpf {
	const struct sk_host_api *api;
	struct sk_host *host;
	const struct ebpf_conf *conf;
	uint64_t ring_size;

	struct probe_bpf *skel;
	int nrings;
	int ring_fds[EB_MAX_RINGS];
	struct ring_buffer *rbs[EB_MAX_RINGS];
	int next_ring;
	int epfd, tfd;
	uint64_t poll_ns;
	int ncpus;

	struct sk_ebpf_sc table[SK_EBPF_MAX_SYSCALLS];
	__u32 compat[SK_EBPF_COMPAT_MAX]; /* ia32 number -> row (probe.h SK_CNR_*) */

	/* batch arena */
	unsigned char *arena;
	size_t arena_cap, arena_used;
	const struct sk_evt_hdr *ptrs[EB_BATCH_MAX + 1];
	const struct sk_evt_hdr *sort_tmp[EB_BATCH_MAX + 1]; /* sk_evt_sort_by_time's */
	size_t offs[EB_BATCH_MAX + 1];
	size_t n;
	size_t quota; /* records the ring being read may still add (0: any) */
	bool full;

	uint64_t delivered;
	uint64_t bad;
	bool closing;	   /* ebpf_ring_on_record only counts what is left at close */
	uint64_t left;	   /* records still in the rings at close */
	uint64_t kdrops;   /* drops counted by the probe, last read */
	uint64_t injected; /* drops handed over as SK_EVT_DROP records */
	uint64_t last_drop_check, last_clock_sync;
	struct sk_ebpf_counters *cpu_counters; /* ncpus: the probe's counters, last read */

	/* metrics (ebpf_metrics.c) */
	struct sk_mtab mt;		   /* made at open, the last values kept after close */
	const struct bpf_program **mprogs; /* the programs of the prog_* metrics, in order */
	size_t nmprogs;
	int stats_fd; /* bpf_enable_stats()'s (bpf_stats), -1: not held */

	/* Loading the probe (see ebpf_diag_libbpf_print and ebpf_diag_failed_load). While
	 * `loading`, libbpf's messages go to the debug log only and the names
	 * and verifier log of a failure are kept here. */
	bool loading;
	bool fentry;	      /* the entry copies are on fentry (pick_entry) */
	char failed_prog[64]; /* "prog 'X': BPF program load failed" */
	char failed_map[64];  /* "map 'X': failed to create" */
	char map_why[128];    /* the rest of that line */
	char last_warn[256];  /* the last other libbpf warning */
	char *vlog;	      /* the failed program's full verifier log */
	char **stat_logs;     /* per program, in object order: its BPF_LOG_STATS log */
	size_t nstat_logs;
};

/* ebpf.c */
extern struct ebpf *eb_log_inst;
void eb_log(struct ebpf *e, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ebpf_load.c */
void ebpf_load_missing_caps(char *buf, size_t len, bool *ret_fatal);
struct probe_bpf *ebpf_load_open(void);
void ebpf_load_pick_programs(struct ebpf *e, bool fentry);
int ebpf_load_fill_tails(struct ebpf *e);
const char *ebpf_load_kernel_release(char *buf, size_t len);

/* ebpf_diag.c */
int ebpf_diag_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void ebpf_diag_set_stat_logs(struct ebpf *e);
void ebpf_diag_free_stat_logs(struct ebpf *e);
__u32 ebpf_diag_report_verified(struct ebpf *e);
void ebpf_diag_failed_load(struct ebpf *e, int r, char *err, size_t errlen);

/* ebpf_ring.c */
uint64_t ebpf_ring_boot_to_epoch(void);
int ebpf_ring_on_record(void *ctx, void *data, size_t size);
void ebpf_ring_add_drop_record(struct ebpf *e, uint64_t lost);
void ebpf_ring_set_poll(struct ebpf *e, uint64_t ns);
/* ebpf_ring_read_counters - read the probe's per-CPU counters into
 * e->cpu_counters and their sum into *ret. 0 or -errno. */
int ebpf_ring_read_counters(struct ebpf *e, struct sk_ebpf_counters *ret);
uint64_t ebpf_ring_prog_misses(struct ebpf *e);

/* ebpf_metrics.c */
/* ebpf_metrics_prog_info - the kernel's bpf_prog_info of loaded program
 * p, true when it filled at least `need` bytes (older kernels fill less). */
bool ebpf_metrics_prog_info(const struct bpf_program *p, struct bpf_prog_info *ret, size_t need);
/* ebpf_metrics_open - after the probe's load: the metrics table, and with
 * bpf_stats the kernel's BPF statistics turned on (a warning when they
 * cannot be). 0 or -ENOMEM. */
int ebpf_metrics_open(struct ebpf *e);
/* ebpf_metrics_read - the values, from the probe and the kernel, while
 * the probe is loaded; also refreshes e->kdrops. */
void ebpf_metrics_read(struct ebpf *e);
/* ebpf_metrics_close - before the probe goes: the last values, and the
 * kernel's BPF statistics let go. */
void ebpf_metrics_close(struct ebpf *e);

#endif
