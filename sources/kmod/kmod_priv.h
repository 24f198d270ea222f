/* sources/kmod/kmod_priv.h - what the files of the `kmod` source plugin
 * share: the instance (struct kmod) and the functions one file gives the
 * others, one prefix per file. kmod.c: the plugin callbacks and table
 * (km_, static); kmod_conf.c: the configuration and the syscall bitmap
 * (kmod_conf_); kmod_dev.c: the devices opened, checked, mapped and
 * configured (kmod_dev_); kmod_ring.c: one ring read in place
 * (kmod_ring_, kmod_ring.h). Private to the plugin.
 */
#ifndef SK_SOURCES_KMOD_KMOD_PRIV_H
#define SK_SOURCES_KMOD_KMOD_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/plugin.h>

#include "common/mtab.h"
#include "kmod_ring.h"
#include "shrike_kmod.h"
#include "probe.h"

#define KM_MAX_DEVS	 4096u	     /* /dev/shrike0 .. 4095 at most */
#define KM_BATCH_MAX	 1024u	     /* records per batch (as the ebpf source) */
#define KM_BATCH_BYTES	 (1u << 20)  /* stop filling a batch past this many bytes */
#define KM_POLL_MIN_NS	 500000ull   /* 500 µs: data was there */
#define KM_POLL_MAX_NS	 30000000ull /* 30 ms: idle */

/* engine.kmod in shrike.yaml, filled by the host from kmod_params. The
 * ring size is the module's (its parameter ring_kb). */
struct kmod_conf {
	bool drop_failed_exit;	    /* the module drops failed syscalls */
	struct sk_strlist syscalls; /* event names to record besides the default set */
	bool all_syscalls;	    /* record every syscall Shrike knows */
	bool capture_env;	    /* execve records carry the environment */
};

/* One /dev/shrike<N>. */
struct kmod_dev {
	int fd;
	unsigned cpu;
	void *map;
	size_t map_len;
	struct kmod_ring ring;
};

struct kmod {
	const struct sk_host_api *api;
	struct sk_host *host;
	const struct kmod_conf *conf;

	struct kmod_dev *devs;
	unsigned ndevs;
	int next_dev;
	bool enabled; /* SK_KMOD_IOC_ENABLE accepted: DISABLE at close */
	int epfd, tfd;
	uint64_t poll_ns;

	const struct sk_evt_hdr *ptrs[KM_BATCH_MAX];
	const struct sk_evt_hdr *tmp[KM_BATCH_MAX]; /* sk_evt_sort_by_time's other half */
	uint64_t delivered;	  /* records handed to the host */
	uint64_t drops_recorded; /* events lost, as SK_EVT_DROP records handed over */
	uint64_t warned_corrupt;
	struct sk_mtab mt; /* metrics(): made at open, the last values kept after close */
};

/* One control page's counters (struct sk_kmod_ctrl). */
struct kmod_counts {
	uint64_t events;      /* records written */
	uint64_t drops;	      /* records lost, for any reason */
	uint64_t drops_big;   /* of drops: too large (<= drops) */
	uint64_t drops_fault; /* parameters left empty: user memory unreadable */
};

/* kmod_conf.c */
extern const struct sk_param kmod_params[];
/* kmod_conf_syscalls - the module's syscall bitmap for configuration `c`
 * and the n event types the rules use (NULL: what the configuration
 * enables), through the ebpf source's syscall table (sources/ebpf/
 * ebpf_conf.c). Sets *ret_count to the numbers set. 0, or -EINVAL with
 * the reason in err (an unknown name in syscalls). */
int kmod_conf_syscalls(const struct kmod_conf *c, const uint16_t *types, size_t n,
		       struct sk_kmod_syscalls *ret, unsigned *ret_count, char *err, size_t errlen);

/* kmod_conf_table - the table the module records from (SK_KMOD_IOC_SET_TABLE):
 * SK_KMOD_MAX_SYSCALLS rows and SK_KMOD_COMPAT_MAX ia32 entries, built
 * as the ebpf source builds its probe's. 0, or -EINVAL with the reason in
 * err. */
int kmod_conf_table(const struct kmod_conf *c, struct sk_ebpf_sc *rows, __u32 *compat, char *err,
		    size_t errlen);
/* kmod_conf_flags - the SK_KMOD_F_* flags of configuration `c`. */
__u32 kmod_conf_flags(const struct kmod_conf *c);

/* kmod_dev.c */
/* kmod_dev_open_all - open, check and map every /dev/shrike<N>, and
 * configure the module for this process (the syscall table of the
 * configuration, exclude this process, flags, the syscall set `sc`,
 * wake-ups). Does not enable recording. 0 or -errno with one line in err;
 * on failure what was opened stays in k for kmod_dev_close_all. */
int kmod_dev_open_all(struct kmod *k, const struct sk_kmod_syscalls *sc, char *err,
		      size_t errlen);
/* kmod_dev_ioctl - an ioctl on the first device (the module's settings are
 * global). 0 or -errno. */
int kmod_dev_ioctl(struct kmod *k, unsigned long req, void *arg);
void kmod_dev_close_all(struct kmod *k);
/* kmod_dev_read_counts - the counters of device d's control page (zeros
 * when it is not mapped). */
void kmod_dev_read_counts(const struct kmod_dev *d, struct kmod_counts *ret);
/* kmod_dev_counters - events and drops (all reasons) summed over the
 * control pages. */
void kmod_dev_counters(struct kmod *k, uint64_t *ret_events, uint64_t *ret_drops);

#endif /* SK_SOURCES_KMOD_KMOD_PRIV_H */
