/* plugins/container/container.h - internals of the `container` plugin
 * shared by its files: the configuration, the instance, the two caches'
 * entries (a thread's container, a container's metadata lookup) and the
 * functions container.c's callbacks call in ctrcache.c (the caches and the
 * metadata worker) and ctrcapture.c (state saved to and loaded from
 * capture files). */
#ifndef SK_PLUGINS_CONTAINER_CONTAINER_H
#define SK_PLUGINS_CONTAINER_CONTAINER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/plugin.h>

#include "../common/htab.h"
#include "../common/staterec.h"
#include "ctrmeta.h"
#include "ctrsnap.h"

#define TID_CACHE_MAX 65536u
#define CTR_CACHE_MAX 4096u
#define QUEUE_MAX     1024u

struct ctr_conf {
	char *proc_root;
	struct sk_strlist storage_roots;
	struct sk_strlist docker_roots;
	struct sk_strlist containerd_roots;
	struct sk_strlist cni_cache_dirs;
	uint64_t wait_ms;
	uint64_t retry_ms;
};

/* A thread's container, by tid. */
struct tid_ent {
	uint8_t rt; /* enum sk_ctr_runtime; SK_CTR_NONE: the host */
	bool known; /* false: could not be found out (no record, no /proc) */
	bool tried; /* /proc was read once already */
	char id[65];
};

enum ctr_state { CS_NEW = 0, CS_PENDING, CS_DONE, CS_FAILED };

/* One container's metadata lookup. state and meta are written by the
 * worker under `mu`; meta is immutable once published. */
struct ctr_ent {
	char id[65];
	uint8_t rt;
	int state;	       /* enum ctr_state, under mu */
	bool waited;	       /* an extraction waited for it once already */
	bool saved;	       /* its metadata went into the capture file */
	uint64_t na_ev;	       /* an extraction of this event found no metadata */
	struct ctr_meta *meta; /* under mu until CS_DONE, then immutable */
	uint64_t failed_at_ns; /* CLOCK_MONOTONIC */
	uint64_t last_use;
};

struct ctr_inst {
	const struct sk_host_api *api;
	struct sk_host *host;
	const struct ctr_conf *conf;
	const char **storage_roots; /* NULL-terminated views of the config lists */
	const char **docker_roots;
	const char **containerd_roots;
	const char **cni_dirs;
	char *defaults[4]; /* the lists' defaults under the host root (owned) */
	char *proc_root;   /* in use: the configuration's, or <HOST_ROOT>/proc (owned) */
	struct ctr_meta_conf mconf;

	struct sk_htab tids; /* tid -> struct tid_ent */
	struct sk_htab ctrs; /* first 16 hex digits -> struct ctr_ent */
	int64_t pending_exit[64];
	size_t npending_exit;
	uint64_t use_clock;

	/* per-event */
	uint64_t ev_num;
	const struct sk_evt_hdr *ev_rec;

	/* worker */
	pthread_t worker;
	bool worker_started;
	pthread_mutex_t mu;
	pthread_cond_t work_cv; /* jobs queued or stop */
	pthread_cond_t done_cv; /* a lookup finished */
	struct ctr_ent *queue[QUEUE_MAX];
	size_t qhead, qlen;
	bool stop;
	bool working; /* the worker has taken a lookup off the queue */
	/* lookups finished, those of them without metadata, metadata cache
	 * entries evicted (all under mu); thread cache entries dropped when
	 * it was full (loop thread) */
	uint64_t lookups, lookup_fails, ctrs_evicted, tids_evicted;
	struct sk_metric metrics[7]; /* ctr_metrics() output */

	/* extraction scratch */
	char *buf;
	size_t bufcap;

	/* capture files: what the live run read is saved (save_state); a
	 * replay takes it from there and reads nothing itself (offline) */
	bool capture_on; /* snapshot() ran: a capture file is being written */
	bool offline;
	struct sk_staterec_buf snap_out, snap_in;
	struct ctrsnap_scratch snap_scratch;
	uint64_t snap_bad;
};

/* State record types (the capture format of this plugin). */
enum { CSNAP_BEGIN = 1, CSNAP_TID = 2, CSNAP_META = 3 };

/* ---- caches and the metadata worker (ctrcache.c) ---- */

/* ctr_id_key - the cache key of a container id: its first 16 hex digits. */
uint64_t ctr_id_key(const char *id);

/* ctr_worker_main - the metadata worker: reads the metadata of the
 * containers queued by ctr_lookup() until in->stop. */
void *ctr_worker_main(void *arg);

/* ctr_stop_worker - stop the worker and wait for it (if it runs); the
 * lookups still queued are dropped (their entries stay CS_PENDING). */
void ctr_stop_worker(struct ctr_inst *in);

/* ctr_clear_caches - free both caches and what they hold. */
void ctr_clear_caches(struct ctr_inst *in);

/* ctr_lookup - the cache entry of the container of `te`, created when new;
 * starts its metadata lookup when it has none yet (or a failed one is due
 * for a retry). Never waits. NULL when the entry cannot be made. */
struct ctr_ent *ctr_lookup(struct ctr_inst *in, const struct tid_ent *te);

/* ctr_get - the metadata of the container of `te` when known; starts (or
 * retries) the lookup otherwise; may wait once (wait_metadata). */
const struct ctr_meta *ctr_get(struct ctr_inst *in, const struct tid_ent *te);

/* ctr_tid_put - the cache entry of thread `tid`, made (zeroed) when new;
 * NULL without memory. */
struct tid_ent *ctr_tid_put(struct ctr_inst *in, int64_t tid);

/* ctr_set_from_cgroups - the container of a NUL-separated
 * "controller=path" list (the cgroups parameter of clone and execve
 * records). */
void ctr_set_from_cgroups(struct tid_ent *te, const char *p, uint32_t len);

/* ctr_set_from_proc - the container of thread `tid` from
 * <proc_root>/<tid>/cgroup; te->known false when it cannot be read. */
void ctr_set_from_proc(struct ctr_inst *in, struct tid_ent *te, int64_t tid);

/* ---- capture files (ctrcapture.c) ---- */

/* ctr_save_tid - a thread's container as read from /proc, while a capture
 * is being written. */
void ctr_save_tid(struct ctr_inst *in, int64_t tid, const struct tid_ent *te);

/* ctr_save_meta - a container's metadata, when the event loop first shows
 * it, while a capture is being written. */
void ctr_save_meta(struct ctr_inst *in, const struct ctr_ent *e);

/* ctr_save_done - the metadata of the container of thread `tid`, once its
 * lookup is done. */
void ctr_save_done(struct ctr_inst *in, int64_t tid);

/* ctr_snapshot - the plugin's snapshot(). */
int ctr_snapshot(void *inst);

/* ctr_load_state - a state record of a replayed capture. */
void ctr_load_state(struct ctr_inst *in, const struct sk_evt_hdr *rec);

#endif /* SK_PLUGINS_CONTAINER_CONTAINER_H */
