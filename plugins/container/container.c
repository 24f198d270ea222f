/* plugins/container/container.c - the `container` plugin: container.* and
 * k8s.* fields of syscall events (Falco's rule files require a plugin of
 * this name).
 *
 * The container of a thread comes from its cgroups: the cgroups parameter of
 * its clone/execve records (parse()), or /proc/<tid>/cgroup read once and
 * cached per thread. The id is computed on the event loop (cheap string
 * work); the metadata (name, image, mounts, Kubernetes pod) is read from the
 * runtime's files (podman, CRI-O, Docker, containerd: see ctrmeta.h) by a
 * worker thread, so the event loop does not do that I/O itself.
 *
 * First events of a new container. The lookup starts as early as it can:
 * at the first clone or exec record that shows a container id not seen
 * before (typically a clone of the runtime's init process once it is in
 * the container's cgroup, milliseconds before the workload runs), before
 * any field is asked for. Should the workload's first syscalls still come
 * before the worker is done (a slow lookup, or the workload's exec as the
 * first record), an extraction that finds the lookup running waits for it,
 * up to wait_metadata (default 10ms), once per container: later extractions
 * while it is still pending (or after the wait timed out) give NA at once,
 * and the fields are filled for the events after it completes. The
 * trade-off: the event loop may stall for at most wait_metadata per new
 * container (the lookups are local file reads, well under a millisecond for
 * a few hundred containers), against rules on a container's first events
 * seeing NA names and images. wait_metadata: 0 restores "never wait";
 * replaying captures in tests uses seconds.
 *
 * Capture files: while `shrike --capture` records, the containers of the
 * threads (all of them at the start) and each container's metadata, at the
 * event where the live run first had it, are saved as state records; a
 * replay takes them from there and looks nothing up itself, so it shows
 * what the live run showed (ctrsnap.c, docs/capture-format.md).
 *
 * Configuration (init_config):
 *   proc_root         where to read /proc/<tid>/cgroup (default /proc)
 *   storage_roots     containers/storage roots of podman and CRI-O
 *                     (default [/var/lib/containers/storage])
 *   docker_roots      Docker data roots (default [/var/lib/docker])
 *   containerd_roots  containerd state directories (default [/run/containerd])
 *   cni_cache_dirs    libcni's cache directories, where the runtimes' CNI
 *                     results are (default [/var/lib/cni])
 *   wait_metadata     how long an extraction may wait, once per container,
 *                     for a lookup in flight (default 10ms; 0: never)
 *   retry_interval    how soon a failed lookup is tried again (default 5s)
 * Depends on include/shrike/ only (plugins/common, json-c, pthreads).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <shrike/plugin.h>
#include <shrike/syscall_events.h>

#include "../common/htab.h"
#include "../common/procfs.h"
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
	uint64_t lookups, lookup_fails;

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

static const char *const def_storage[] = {"/var/lib/containers/storage", NULL};
static const char *const def_docker[] = {"/var/lib/docker", NULL};
static const char *const def_containerd[] = {"/run/containerd", NULL};
static const char *const def_cni[] = {"/var/lib/cni", NULL};

static const struct sk_param ctr_params[] = {
    {.name = "proc_root",
     .type = SK_PARAM_STR,
     .def = "/proc",
     .offset = offsetof(struct ctr_conf, proc_root),
     .desc = "directory to read /proc/<tid>/cgroup from"},
    {.name = "storage_roots",
     .type = SK_PARAM_STRLIST,
     .offset = offsetof(struct ctr_conf, storage_roots),
     .desc = "containers/storage roots of podman and CRI-O (default /var/lib/containers/storage)"},
    {.name = "docker_roots",
     .type = SK_PARAM_STRLIST,
     .offset = offsetof(struct ctr_conf, docker_roots),
     .desc = "Docker data roots (default /var/lib/docker)"},
    {.name = "containerd_roots",
     .type = SK_PARAM_STRLIST,
     .offset = offsetof(struct ctr_conf, containerd_roots),
     .desc = "containerd state directories, holding io.containerd.runtime.v2.task (default "
	     "/run/containerd)"},
    {.name = "cni_cache_dirs",
     .type = SK_PARAM_STRLIST,
     .offset = offsetof(struct ctr_conf, cni_cache_dirs),
     .desc = "libcni cache directories, holding the CNI results (results/) the runtimes' "
	     "networks were set up with: container.ip of podman, the pod's address of CRI-O and "
	     "containerd (default /var/lib/cni)"},
    {.name = "wait_metadata",
     .type = SK_PARAM_DURATION,
     .def = "10ms",
     .offset = offsetof(struct ctr_conf, wait_ms),
     .max = 60000,
     .desc = "how long an extraction may wait, once per container, for its metadata lookup in "
	     "flight (0: never)"},
    {.name = "retry_interval",
     .type = SK_PARAM_DURATION,
     .def = "5s",
     .offset = offsetof(struct ctr_conf, retry_ms),
     .desc = "how soon a failed metadata lookup is tried again"},
    {.name = NULL},
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t id_key(const char *id)
{
	uint64_t k = 0;
	for (int i = 0; i < 16 && id[i]; i++) {
		char c = id[i];
		k = (k << 4) | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return k;
}

/* ---- worker ---- */

static void *worker_main(void *arg)
{
	struct ctr_inst *in = arg;
	pthread_mutex_lock(&in->mu);
	for (;;) {
		while (in->qlen == 0 && !in->stop) {
			pthread_cond_wait(&in->work_cv, &in->mu);
		}
		if (in->stop) {
			break;
		}
		struct ctr_ent *e = in->queue[in->qhead];
		in->qhead = (in->qhead + 1) % QUEUE_MAX;
		in->qlen--;
		char id[65];
		memcpy(id, e->id, sizeof(id));
		pthread_mutex_unlock(&in->mu);
		struct ctr_meta *m = ctr_meta_read(&in->mconf, id);
		pthread_mutex_lock(&in->mu);
		in->lookups++;
		if (m != NULL) {
			e->meta = m;
			e->state = CS_DONE;
		} else {
			in->lookup_fails++;
			e->state = CS_FAILED;
			e->failed_at_ns = mono_ns();
		}
		pthread_cond_broadcast(&in->done_cv);
	}
	pthread_mutex_unlock(&in->mu);
	return NULL;
}

/* ---- caches ---- */

static void evict_ctrs(struct ctr_inst *in)
{
	/* drop the least recently used finished entries (never a pending one:
	 * the worker holds it) until a quarter of the room is free */
	pthread_mutex_lock(&in->mu);
	while (in->ctrs.n >= CTR_CACHE_MAX * 3 / 4) {
		struct ctr_ent *victim = NULL;
		for (size_t i = 0; i < in->ctrs.cap; i++) {
			struct ctr_ent *e = in->ctrs.slots[i].val;
			if (e && e->state != CS_PENDING &&
			    (victim == NULL || e->last_use < victim->last_use)) {
				victim = e;
			}
		}
		if (victim == NULL) {
			break;
		}
		sk_htab_del(&in->ctrs, id_key(victim->id));
		ctr_meta_free(victim->meta);
		free(victim);
	}
	pthread_mutex_unlock(&in->mu);
}

/* ctr_lookup - the cache entry of the container of `te`, created when new;
 * starts its metadata lookup when it has none yet (or a failed one is due
 * for a retry). Never waits. NULL when the entry cannot be made. */
static struct ctr_ent *ctr_lookup(struct ctr_inst *in, const struct tid_ent *te)
{
	uint64_t key = id_key(te->id);
	struct ctr_ent *e = sk_htab_get(&in->ctrs, key);
	if (e != NULL && strcmp(e->id, te->id) != 0) {
		return NULL; /* 64-bit prefix collision: leave it */
	}
	if (e == NULL) {
		if (in->ctrs.n >= CTR_CACHE_MAX) {
			evict_ctrs(in);
		}
		e = calloc(1, sizeof(*e));
		if (e == NULL) {
			return NULL;
		}
		memcpy(e->id, te->id, sizeof(e->id));
		e->rt = te->rt;
		pthread_mutex_lock(&in->mu);
		int r = sk_htab_put(&in->ctrs, key, e, NULL);
		pthread_mutex_unlock(&in->mu);
		if (r < 0) {
			free(e);
			return NULL;
		}
	}
	e->last_use = ++in->use_clock;
	pthread_mutex_lock(&in->mu);
	if (e->state == CS_FAILED &&
	    mono_ns() - e->failed_at_ns > in->conf->retry_ms * 1000000ULL) {
		e->state = CS_NEW;
	}
	if (e->state == CS_NEW && in->worker_started && !in->offline && in->qlen < QUEUE_MAX) {
		e->state = CS_PENDING;
		in->queue[(in->qhead + in->qlen) % QUEUE_MAX] = e;
		in->qlen++;
		pthread_cond_signal(&in->work_cv);
	}
	pthread_mutex_unlock(&in->mu);
	return e;
}

/* ---- capture files ---- */

static struct tid_ent *tid_put(struct ctr_inst *in, int64_t tid);

static void save(struct ctr_inst *in, uint16_t type, int64_t tid,
		 const struct sk_staterec_part *parts, unsigned n)
{
	size_t len = sk_staterec_build(&in->snap_out, type, tid, parts, n);
	if (len == 0 || in->api->save_state(in->host, in->snap_out.p, len) == SK_ERR) {
		in->api->log(in->host, SK_LOG_WARNING,
			     "could not save container state in the capture file: a replay "
			     "may differ");
	}
}

/* save_tid - a thread's container as read from /proc. */
static void save_tid(struct ctr_inst *in, int64_t tid, const struct tid_ent *te)
{
	if (!in->capture_on) {
		return;
	}
	uint8_t fixed[4] = {te->rt, te->known, te->tried, 0};
	struct sk_staterec_part parts[] = {{fixed, sizeof(fixed)}, sk_staterec_s(te->id)};
	save(in, CSNAP_TID, tid, parts, 2);
}

/* save_meta - a container's metadata, when the event loop first shows it. */
static void save_meta(struct ctr_inst *in, const struct ctr_ent *e)
{
	if (!in->capture_on) {
		return;
	}
	struct sk_staterec_part parts[2 + CTRSNAP_META_PARTS];
	parts[0] = sk_staterec_s(e->id);
	parts[1] = (struct sk_staterec_part){&e->rt, 1};
	if (ctrsnap_meta_encode(e->meta, &in->snap_scratch, parts + 2) == 0) {
		save(in, CSNAP_META, 0, parts, 2 + CTRSNAP_META_PARTS);
	}
}

static void set_from_proc(struct ctr_inst *in, struct tid_ent *te, int64_t tid);

/* scan_tids - the container of every thread under proc_root, so a replay
 * knows those that started before the capture whatever its rules ask. */
static void scan_tids(struct ctr_inst *in)
{
	DIR *d = opendir(in->conf->proc_root);
	struct dirent *de;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9') {
			continue;
		}
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s/task", in->conf->proc_root, de->d_name);
		DIR *td = opendir(path);
		struct dirent *te_de;
		while (td != NULL && (te_de = readdir(td)) != NULL) {
			int64_t tid = strtoll(te_de->d_name, NULL, 10);
			if (tid <= 0 || sk_htab_get(&in->tids, (uint64_t)tid) != NULL) {
				continue;
			}
			struct tid_ent *te = tid_put(in, tid);
			if (te == NULL) {
				break;
			}
			set_from_proc(in, te, tid);
			te->tried = true;
		}
		if (td != NULL) {
			closedir(td);
		}
	}
	if (d != NULL) {
		closedir(d);
	}
}

/* save_done - the metadata of the event's container, once its lookup is
 * done, even when no rule asked for it yet (a replay may run other
 * rules). */
static void save_done(struct ctr_inst *in, int64_t tid)
{
	const struct tid_ent *te = sk_htab_get(&in->tids, (uint64_t)tid);
	if (te == NULL || !te->known || te->rt == SK_CTR_NONE) {
		return;
	}
	struct ctr_ent *e = sk_htab_get(&in->ctrs, id_key(te->id));
	if (e == NULL || e->saved || strcmp(e->id, te->id) != 0) {
		return;
	}
	pthread_mutex_lock(&in->mu);
	bool done = e->state == CS_DONE;
	pthread_mutex_unlock(&in->mu);
	if (done) {
		e->saved = true;
		save_meta(in, e);
	}
}

/* ctr_snapshot - the plugin's snapshot(): the threads and containers known
 * when a capture starts. */
static int ctr_snapshot(void *inst)
{
	struct ctr_inst *in = inst;
	if (!sk_staterec_can_save(in->api) || in->api->save_state(in->host, NULL, 0) != SK_OK) {
		return SK_OK; /* no capture file is being written */
	}
	in->capture_on = true;
	scan_tids(in);
	uint32_t version = 1;
	struct sk_staterec_part begin[] = {{&version, sizeof(version)}};
	save(in, CSNAP_BEGIN, 0, begin, 1);
	for (size_t i = 0; i < in->tids.cap; i++) {
		const struct tid_ent *te = in->tids.slots[i].val;
		if (te != NULL) {
			save_tid(in, (int64_t)in->tids.slots[i].key, te);
		}
	}
	for (size_t i = 0; i < in->ctrs.cap; i++) {
		struct ctr_ent *e = in->ctrs.slots[i].val;
		pthread_mutex_lock(&in->mu);
		bool done = e != NULL && e->state == CS_DONE;
		pthread_mutex_unlock(&in->mu);
		if (done) {
			e->saved = true;
			save_meta(in, e);
		}
	}
	return SK_OK;
}

static void stop_worker(struct ctr_inst *in)
{
	if (!in->worker_started) {
		return;
	}
	pthread_mutex_lock(&in->mu);
	in->stop = true;
	pthread_cond_broadcast(&in->work_cv);
	pthread_mutex_unlock(&in->mu);
	pthread_join(in->worker, NULL);
	in->worker_started = false;
}

static void clear_caches(struct ctr_inst *in)
{
	for (size_t i = 0; i < in->tids.cap; i++) {
		free(in->tids.slots[i].val);
	}
	sk_htab_fini(&in->tids);
	for (size_t i = 0; i < in->ctrs.cap; i++) {
		struct ctr_ent *e = in->ctrs.slots[i].val;
		if (e != NULL) {
			ctr_meta_free(e->meta);
			free(e);
		}
	}
	sk_htab_fini(&in->ctrs);
}

/* load_state - a state record of a replayed capture. The first one (the
 * beginning) takes the plugin offline: no worker, no /proc, only what the
 * capture says. */
static void load_state(struct ctr_inst *in, const struct sk_evt_hdr *rec)
{
	const struct sk_evt_hdr *r = sk_staterec_open(rec, &in->snap_in);
	bool ok = r != NULL;
	if (ok && r->type == CSNAP_BEGIN) {
		stop_worker(in);
		clear_caches(in);
		in->offline = true;
		in->npending_exit = 0;
		in->ev_num = 0;
		in->ev_rec = NULL;
	} else if (ok && !in->offline) {
		ok = false; /* a piece without its beginning */
	} else if (ok && r->type == CSNAP_TID) {
		uint8_t fixed[4];
		char *id = NULL;
		struct tid_ent *te = NULL;
		ok = sk_staterec_fixed(r, 0, fixed, sizeof(fixed)) &&
		     sk_staterec_str(r, 1, true, &id, NULL) == 0 && id != NULL && strlen(id) < 65 &&
		     (te = tid_put(in, (int64_t)r->tid)) != NULL;
		if (ok) {
			te->rt = fixed[0];
			te->known = fixed[1] != 0;
			te->tried = fixed[2] != 0;
			memcpy(te->id, id, strlen(id) + 1);
		}
		free(id);
	} else if (ok && r->type == CSNAP_META) {
		char *id = NULL;
		uint8_t rt = 0;
		struct ctr_meta *m = NULL;
		ok = sk_staterec_str(r, 0, true, &id, NULL) == 0 && id != NULL &&
		     strlen(id) < 65 && sk_staterec_fixed(r, 1, &rt, 1) &&
		     (m = ctrsnap_meta_decode(r, 2)) != NULL;
		struct tid_ent te = {.rt = rt, .known = true};
		struct ctr_ent *e = NULL;
		if (ok) {
			memcpy(te.id, id, strlen(id) + 1);
			e = ctr_lookup(in, &te);
			ok = e != NULL;
		}
		if (ok) {
			ctr_meta_free(e->meta);
			e->meta = m;
			e->state = CS_DONE;
			e->saved = true;
			m = NULL;
		}
		ctr_meta_free(m);
		free(id);
	}
	if (!ok && in->snap_bad++ == 0 && in->api != NULL && in->api->log != NULL) {
		in->api->log(in->host, SK_LOG_WARNING,
			     "a container state record in the capture could not be used; the "
			     "replay may differ from the live run");
	}
}

/* ctr_get - the metadata of the container of `te` when known; starts (or
 * retries) the lookup otherwise. The first extraction that finds a lookup
 * in flight waits up to wait_metadata for it; no other one waits. */
static const struct ctr_meta *ctr_get(struct ctr_inst *in, const struct tid_ent *te)
{
	struct ctr_ent *e = ctr_lookup(in, te);
	if (e == NULL) {
		return NULL;
	}
	const struct ctr_meta *m = NULL;
	pthread_mutex_lock(&in->mu);
	if (e->state == CS_PENDING && !e->waited && in->conf->wait_ms > 0) {
		e->waited = true;
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until); /* done_cv's clock */
		uint64_t ns = (uint64_t)until.tv_nsec + in->conf->wait_ms * 1000000ULL;
		until.tv_sec += (time_t)(ns / 1000000000ULL);
		until.tv_nsec = (long)(ns % 1000000000ULL);
		while (e->state == CS_PENDING) {
			if (pthread_cond_timedwait(&in->done_cv, &in->mu, &until) != 0) {
				break;
			}
		}
	}
	/* one answer per event: a lookup that ends while the event is being
	 * extracted shows from the next event on (so a capture can say
	 * exactly when the metadata arrived) */
	if (e->state == CS_DONE && e->na_ev != in->ev_num) {
		m = e->meta;
	} else {
		e->na_ev = in->ev_num;
	}
	pthread_mutex_unlock(&in->mu);
	if (m != NULL && !e->saved) {
		e->saved = true;
		save_meta(in, e);
	}
	return m;
}

static struct tid_ent *tid_put(struct ctr_inst *in, int64_t tid)
{
	struct tid_ent *te = sk_htab_get(&in->tids, (uint64_t)tid);
	if (te != NULL) {
		return te;
	}
	if (in->tids.n >= TID_CACHE_MAX) {
		/* bounded: start over; live threads are found again */
		for (size_t i = 0; i < in->tids.cap; i++) {
			free(in->tids.slots[i].val);
		}
		sk_htab_fini(&in->tids);
	}
	te = calloc(1, sizeof(*te));
	if (te == NULL || sk_htab_put(&in->tids, (uint64_t)tid, te, NULL) < 0) {
		free(te);
		return NULL;
	}
	return te;
}

/* set_from_cgroups - the container of a NUL-separated "controller=path"
 * list (the cgroups parameter of clone and execve records). */
static void set_from_cgroups(struct tid_ent *te, const char *p, uint32_t len)
{
	te->known = true;
	te->rt = SK_CTR_NONE;
	te->id[0] = '\0';
	for (uint32_t off = 0; off < len;) {
		const char *e = p + off;
		size_t el = strnlen(e, len - off);
		const char *eq = memchr(e, '=', el);
		const char *path = eq ? eq + 1 : e;
		size_t pl = el - (size_t)(path - e);
		enum sk_ctr_runtime rt = sk_cgroup_container_id(path, pl, te->id);
		if (rt != SK_CTR_NONE) {
			te->rt = (uint8_t)rt;
			return;
		}
		off += (uint32_t)el + 1;
	}
}

static void set_from_proc(struct ctr_inst *in, struct tid_ent *te, int64_t tid)
{
	char buf[8192];
	if (sk_procfs_readf(buf, sizeof(buf), "%s/%lld/cgroup", in->conf->proc_root,
			    (long long)tid) <= 0) {
		te->known = false;
		return;
	}
	te->known = true;
	te->rt = (uint8_t)sk_cgroup_file_container_id(buf, te->id);
}

static void reap_exits(struct ctr_inst *in)
{
	for (size_t i = 0; i < in->npending_exit; i++) {
		free(sk_htab_del(&in->tids, (uint64_t)in->pending_exit[i]));
	}
	in->npending_exit = 0;
}

/* param_named - a parameter of a syscall record by name. */
static bool param_named(const struct sk_evt_hdr *rec, const struct sk_sc_event *info,
			const char *name, const void **ret_p, uint32_t *ret_len)
{
	int i = sk_sc_param_index(info, name);
	return i >= 0 && sk_evt_param(rec, (unsigned)i, ret_p, ret_len) == 0 && *ret_len > 0;
}

static int ctr_parse(void *inst, const struct sk_event *ev)
{
	struct ctr_inst *in = inst;
	const struct sk_evt_hdr *rec = ev->rec;
	if (rec->type == SK_EVT_STATE) {
		load_state(in, rec);
		return SK_OK;
	}
	reap_exits(in);
	in->ev_num = ev->num;
	in->ev_rec = rec;
	const struct sk_sc_event *info = sk_sc_event_info(rec->type);
	if (info == NULL) {
		return SK_OK;
	}
	const void *p;
	uint32_t len;
	int64_t res = -1;
	switch (rec->type) {
	case SK_SC_CLONE:
	case SK_SC_FORK:
	case SK_SC_VFORK:
	case SK_SC_CLONE3:
	case SK_SC_EXECVE:
	case SK_SC_EXECVEAT:
		if (param_named(rec, info, "res", &p, &len) && len == 8) {
			memcpy(&res, p, 8);
		}
		/* the child's clone record (res 0) and a successful exec carry
		 * the thread's own cgroups */
		if (res == 0 && param_named(rec, info, "cgroups", &p, &len)) {
			struct tid_ent *te = tid_put(in, (int64_t)rec->tid);
			if (te != NULL) {
				set_from_cgroups(te, p, len);
			}
			/* a container seen for the first time: start reading its
			 * metadata now, before any rule asks for it */
			if (te != NULL && te->rt != SK_CTR_NONE) {
				ctr_lookup(in, te);
			}
		}
		break;
	case SK_SC_PROCEXIT:
		if (in->npending_exit == sizeof(in->pending_exit) / sizeof(in->pending_exit[0])) {
			reap_exits(in);
		}
		in->pending_exit[in->npending_exit++] = (int64_t)rec->tid;
		break;
	default:
		break;
	}
	if (in->capture_on) {
		save_done(in, (int64_t)rec->tid);
	}
	return SK_OK;
}

/* ---- fields ---- */

/* container.mount*[N] or [GLOB], as Falco has them */
#define MOUNT_ARG (SK_FIELD_ARG_INDEX | SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED)

/* clang-format off */
#define CTR_FIELDS(X) \
	X(CONTAINER_ID, "container.id", STRING, 0, "container id: the first 12 hex digits of the full id, or 'host' for host processes") \
	X(CONTAINER_FULL_ID, "container.full_id", STRING, 0, "full (64 hex digit) container id, or 'host'") \
	X(CONTAINER_NAME, "container.name", STRING, 0, "container name ('host' for host processes); NA until the runtime's metadata is read") \
	X(CONTAINER_TYPE, "container.type", STRING, 0, "container runtime: podman, docker, containerd or cri-o") \
	X(CONTAINER_IMAGE, "container.image", STRING, 0, "container image as named at creation, e.g. docker.io/library/busybox:latest") \
	X(CONTAINER_IMAGE_REPO, "container.image.repository", STRING, 0, "container image repository, e.g. docker.io/library/busybox") \
	X(CONTAINER_IMAGE_TAG, "container.image.tag", STRING, 0, "container image tag, e.g. latest") \
	X(CONTAINER_IMAGE_ID, "container.image.id", STRING, 0, "container image id") \
	X(CONTAINER_IMAGE_DIGEST, "container.image.digest", STRING, 0, "container image digest, when the image was named by digest") \
	X(CONTAINER_PRIVILEGED, "container.privileged", BOOL, 0, "true for a privileged container") \
	X(CONTAINER_MOUNTS, "container.mounts", STRING, 0, "the container's bind mounts: source:dest:mode:rw:propagation, comma-separated") \
	X(CONTAINER_MOUNT, "container.mount", STRING, MOUNT_ARG, "one bind mount as source:dest:mode:rw:propagation, by position (container.mount[0]) or by a glob on its source (container.mount[/var/run/*]); NA when none matches") \
	X(CONTAINER_MOUNT_SOURCE, "container.mount.source", STRING, MOUNT_ARG, "a bind mount's source, by position or by a glob on its destination (container.mount.source[/host/proc*])") \
	X(CONTAINER_MOUNT_DEST, "container.mount.dest", STRING, MOUNT_ARG, "a bind mount's destination, by position or by a glob on its source (container.mount.dest[/proc*]: where the host's /proc is mounted)") \
	X(CONTAINER_MOUNT_MODE, "container.mount.mode", STRING, MOUNT_ARG, "a bind mount's mode (Docker's z, Z...), by position or by a glob on its source") \
	X(CONTAINER_MOUNT_RDWR, "container.mount.rdwr", STRING, MOUNT_ARG, "'true' for a read-write bind mount, 'false' for a read-only one, by position or by a glob on its source") \
	X(CONTAINER_MOUNT_PROPAGATION, "container.mount.propagation", STRING, MOUNT_ARG, "a bind mount's propagation (rprivate, shared...), by position or by a glob on its source") \
	X(CONTAINER_LABELS, "container.labels", STRING, 0, "container labels as key:value, comma-separated") \
	X(CONTAINER_LABEL, "container.label", STRING, SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED, "one container label, e.g. container.label[app]") \
	X(CONTAINER_START_TS, "container.start_ts", ABSTIME, 0, "creation time of the container") \
	X(CONTAINER_DURATION, "container.duration", RELTIME, 0, "nanoseconds since the container was created") \
	X(CONTAINER_IP, "container.ip", STRING, 0, "the container's primary IPv4 address (the pod's, in Kubernetes), e.g. 10.88.0.5; NA with the host's network or none") \
	X(CONTAINER_CNI_JSON, "container.cni.json", STRING, 0, "the pod's CNI result as JSON (every interface's addresses, IPv4 and IPv6), CRI-O and containerd; at most 4096 bytes") \
	X(CONTAINER_HOST_PID, "container.host_pid", BOOL, 0, "true when the container shares the host's PID namespace (podman --pid=host, hostPID: true)") \
	X(CONTAINER_HOST_NETWORK, "container.host_network", BOOL, 0, "true when the container shares the host's network namespace (--network=host, hostNetwork: true)") \
	X(CONTAINER_HOST_IPC, "container.host_ipc", BOOL, 0, "true when the container shares the host's IPC namespace (--ipc=host, hostIPC: true)") \
	X(CONTAINER_HEALTHCHECK, "container.healthcheck", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0: always NA") \
	X(CONTAINER_LIVENESS_PROBE, "container.liveness_probe", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(CONTAINER_READINESS_PROBE, "container.readiness_probe", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(PROC_IS_HEALTHCHECK, "proc.is_container_healthcheck", BOOL, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0: always NA") \
	X(PROC_IS_LIVENESS_PROBE, "proc.is_container_liveness_probe", BOOL, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(PROC_IS_READINESS_PROBE, "proc.is_container_readiness_probe", BOOL, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(K8S_POD_NAME, "k8s.pod.name", STRING, 0, "Kubernetes pod name (from the CRI annotations)") \
	X(K8S_NS_NAME, "k8s.ns.name", STRING, 0, "Kubernetes namespace name") \
	X(K8S_POD_UID, "k8s.pod.uid", STRING, 0, "Kubernetes pod UID") \
	X(K8S_POD_ID, "k8s.pod.id", STRING, 0, "Kubernetes pod UID (legacy name of k8s.pod.uid)") \
	X(K8S_POD_LABELS, "k8s.pod.labels", STRING, 0, "Kubernetes pod labels as key:value, comma-separated") \
	X(K8S_POD_LABEL, "k8s.pod.label", STRING, SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED, "one Kubernetes pod label, e.g. k8s.pod.label[app]") \
	X(K8S_POD_SANDBOX_ID, "k8s.pod.sandbox_id", STRING, 0, "the pod's sandbox id, first 12 hex digits: the container id of the pod's sandbox (pause) container, not the pod UID") \
	X(K8S_POD_FULL_SANDBOX_ID, "k8s.pod.full_sandbox_id", STRING, 0, "the pod's full (64 hex digit) sandbox id") \
	X(K8S_POD_IP, "k8s.pod.ip", STRING, 0, "the pod's IPv4 address (its sandbox's, shared by its containers); NA outside a pod") \
	X(K8S_POD_CNI_JSON, "k8s.pod.cni.json", STRING, 0, "the pod's CNI result as JSON, as container.cni.json; NA outside a pod") \
	DEPRECATED_K8S(X, RC, "rc", "replication controller") \
	DEPRECATED_K8S(X, SVC, "svc", "service") \
	X(K8S_NS_ID, "k8s.ns.id", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(K8S_NS_LABEL, "k8s.ns.label", STRING, SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED | SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(K8S_NS_LABELS, "k8s.ns.labels", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	DEPRECATED_K8S(X, RS, "rs", "replica set") \
	DEPRECATED_K8S(X, DEPLOYMENT, "deployment", "deployment")

/* k8s.<kind>.name/id/label/labels: Kubernetes objects Falco's container
 * plugin 0.7.0 keeps only as deprecated names (the k8smeta plugin has them) */
#define DEPRECATED_K8S(X, ID, kind, what) \
	X(K8S_##ID##_NAME, "k8s." kind ".name", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): " what " name, always NA") \
	X(K8S_##ID##_ID, "k8s." kind ".id", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): " what " id, always NA") \
	X(K8S_##ID##_LABEL, "k8s." kind ".label", STRING, SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED | SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): one " what " label, always NA") \
	X(K8S_##ID##_LABELS, "k8s." kind ".labels", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): " what " labels, always NA")
/* clang-format on */

enum ctr_field_id {
#define X(id, name, type, flags, desc) F_##id,
	CTR_FIELDS(X)
#undef X
	    F_COUNT
};

static const struct sk_field ctr_fields[] = {
#define X(id, name, type, flags, desc) {name, SK_TYPE_##type, flags, NULL, desc},
    CTR_FIELDS(X)
#undef X
	{NULL, 0, 0, NULL, NULL},
};

static int ret_str(struct sk_value *v, const char *s)
{
	if (s == NULL) {
		return SK_NA;
	}
	v->type = SK_TYPE_STRING;
	v->str.ptr = s;
	v->str.len = (uint32_t)strlen(s);
	return SK_OK;
}

/* kv_text - "k1:v1,k2:v2" from a label list, into the scratch buffer. */
static int kv_text(struct ctr_inst *in, const struct ctr_kv *kv, struct sk_value *v)
{
	if (kv->text == NULL) {
		return SK_NA;
	}
	if (kv->len + 1 > in->bufcap) {
		char *b = realloc(in->buf, kv->len + 1);
		if (b == NULL) {
			return SK_ERR;
		}
		in->buf = b;
		in->bufcap = kv->len + 1;
	}
	bool key = true;
	for (size_t i = 0; i < kv->len; i++) {
		char c = kv->text[i];
		if (c == '\0') {
			c = ',';
			key = true;
		} else if (c == '=' && key) {
			c = ':';
			key = false;
		}
		in->buf[i] = c;
	}
	in->buf[kv->len] = '\0';
	return ret_str(v, in->buf);
}

static int kv_one(struct ctr_inst *in, const struct ctr_kv *kv, const char *key, struct sk_value *v)
{
	size_t len;
	const char *s = key ? ctr_kv_get(kv, key, &len) : NULL;
	if (s == NULL) {
		return SK_NA;
	}
	if (len + 1 > in->bufcap) {
		char *b = realloc(in->buf, len + 1);
		if (b == NULL) {
			return SK_ERR;
		}
		in->buf = b;
		in->bufcap = len + 1;
	}
	memcpy(in->buf, s, len);
	in->buf[len] = '\0';
	return ret_str(v, in->buf);
}

/* mount_field - Falco's container.mount* fields: the mount by position, or
 * the first whose source (destination, for container.mount.source) matches
 * the argument as a glob. */
static int mount_field(const struct ctr_meta *m, const struct sk_field_req *req, struct sk_value *v)
{
	const struct ctr_mount *mt =
	    ctr_mount_find(m, req->has_index != 0, req->arg_index, req->arg_key,
			   req->field_idx == F_CONTAINER_MOUNT_SOURCE);
	if (mt == NULL) {
		return SK_NA;
	}
	switch (req->field_idx) {
	case F_CONTAINER_MOUNT:
		return ret_str(v, mt->text);
	case F_CONTAINER_MOUNT_SOURCE:
		return ret_str(v, mt->source);
	case F_CONTAINER_MOUNT_DEST:
		return ret_str(v, mt->dest);
	case F_CONTAINER_MOUNT_MODE:
		return ret_str(v, mt->mode);
	case F_CONTAINER_MOUNT_RDWR:
		return ret_str(v, mt->rw ? "true" : "false");
	default:
		return ret_str(v, mt->propagation);
	}
}

static int ctr_extract(void *inst, const struct sk_event *ev, const struct sk_field_req *req,
		       struct sk_value *v)
{
	struct ctr_inst *in = inst;
	memset(v, 0, sizeof(*v));
	if (req->field_idx >= F_COUNT) {
		return SK_ERR;
	}
	/* deprecated in Falco's plugin 0.7.0, nothing to extract: the
	 * healthcheck and probe fields, and from F_K8S_RC_NAME on the
	 * Kubernetes objects of the k8smeta plugin (new fields go above) */
	if ((req->field_idx >= F_CONTAINER_HEALTHCHECK &&
	     req->field_idx <= F_PROC_IS_READINESS_PROBE) ||
	    req->field_idx >= F_K8S_RC_NAME) {
		return SK_NA;
	}
	if (in->ev_num != ev->num || in->ev_rec != ev->rec) {
		ctr_parse(in, ev);
	}
	int64_t tid = (int64_t)ev->rec->tid;
	if (tid <= 0 || sk_sc_event_info(ev->rec->type) == NULL) {
		return SK_NA;
	}
	struct tid_ent *te = sk_htab_get(&in->tids, (uint64_t)tid);
	if (te == NULL || (!te->known && !te->tried)) {
		te = tid_put(in, tid);
		if (te == NULL) {
			return SK_ERR;
		}
		if (!in->offline) {
			set_from_proc(in, te, tid);
		}
		te->tried = true; /* once: a thread gone from /proc stays unknown */
		save_tid(in, tid, te);
	}
	if (!te->known) {
		return SK_NA;
	}
	bool host = te->rt == SK_CTR_NONE;
	switch (req->field_idx) {
	case F_CONTAINER_ID:
		if (host) {
			return ret_str(v, "host");
		}
		memcpy(in->buf, te->id, 12); /* buf has at least 256 bytes */
		in->buf[12] = '\0';
		return ret_str(v, in->buf);
	case F_CONTAINER_FULL_ID:
		return ret_str(v, host ? "host" : te->id);
	case F_CONTAINER_TYPE:
		return host ? SK_NA : ret_str(v, sk_ctr_runtime_name((enum sk_ctr_runtime)te->rt));
	case F_CONTAINER_NAME:
		if (host) {
			return ret_str(v, "host");
		}
		break;
	default:
		if (host) {
			return SK_NA;
		}
		break;
	}
	const struct ctr_meta *m = ctr_get(in, te);
	if (m == NULL) {
		return SK_NA;
	}
	uint64_t now = ev->rec->ts;
	switch (req->field_idx) {
	case F_CONTAINER_NAME:
		return ret_str(v, m->name);
	case F_CONTAINER_IMAGE:
		return ret_str(v, m->image);
	case F_CONTAINER_IMAGE_REPO:
		return ret_str(v, m->image_repo);
	case F_CONTAINER_IMAGE_TAG:
		return ret_str(v, m->image_tag);
	case F_CONTAINER_IMAGE_ID:
		return ret_str(v, m->image_id);
	case F_CONTAINER_IMAGE_DIGEST:
		return m->image_digest && m->image_digest[0] ? ret_str(v, m->image_digest) : SK_NA;
	case F_CONTAINER_PRIVILEGED:
		v->type = SK_TYPE_BOOL;
		v->b = m->privileged;
		return SK_OK;
	case F_CONTAINER_MOUNTS:
		return ret_str(v, m->mounts);
	case F_CONTAINER_MOUNT:
	case F_CONTAINER_MOUNT_SOURCE:
	case F_CONTAINER_MOUNT_DEST:
	case F_CONTAINER_MOUNT_MODE:
	case F_CONTAINER_MOUNT_RDWR:
	case F_CONTAINER_MOUNT_PROPAGATION:
		return mount_field(m, req, v);
	case F_CONTAINER_LABELS:
		return kv_text(in, &m->labels, v);
	case F_CONTAINER_LABEL:
		return kv_one(in, &m->labels, req->arg_key, v);
	case F_CONTAINER_START_TS:
		if (m->created_ns == 0) {
			return SK_NA;
		}
		v->type = SK_TYPE_ABSTIME;
		v->u64 = m->created_ns;
		return SK_OK;
	case F_CONTAINER_DURATION:
		if (m->created_ns == 0 || now < m->created_ns) {
			return SK_NA;
		}
		v->type = SK_TYPE_RELTIME;
		v->u64 = now - m->created_ns;
		return SK_OK;
	case F_K8S_POD_NAME:
		return ret_str(v, m->pod_name);
	case F_K8S_NS_NAME:
		return ret_str(v, m->pod_ns);
	case F_K8S_POD_UID:
	case F_K8S_POD_ID:
		return ret_str(v, m->pod_uid);
	case F_K8S_POD_LABELS:
		return kv_text(in, &m->pod_labels, v);
	case F_K8S_POD_LABEL:
		return kv_one(in, &m->pod_labels, req->arg_key, v);
	case F_CONTAINER_IP:
		return ret_str(v, m->ip);
	case F_CONTAINER_CNI_JSON:
		return ret_str(v, m->cni_json);
	case F_CONTAINER_HOST_PID:
	case F_CONTAINER_HOST_NETWORK:
	case F_CONTAINER_HOST_IPC:
		v->type = SK_TYPE_BOOL;
		v->b = req->field_idx == F_CONTAINER_HOST_PID	    ? m->host_pid
		       : req->field_idx == F_CONTAINER_HOST_NETWORK ? m->host_network
								    : m->host_ipc;
		return SK_OK;
	case F_K8S_POD_SANDBOX_ID:
		if (m->sandbox_id == NULL) {
			return SK_NA;
		}
		snprintf(in->buf, in->bufcap, "%.12s", m->sandbox_id); /* bufcap >= 256 */
		return ret_str(v, in->buf);
	case F_K8S_POD_FULL_SANDBOX_ID:
		return ret_str(v, m->sandbox_id);
	case F_K8S_POD_IP:
		return m->sandbox_id ? ret_str(v, m->ip) : SK_NA;
	case F_K8S_POD_CNI_JSON:
		return m->sandbox_id ? ret_str(v, m->cni_json) : SK_NA;
	default:
		return SK_NA;
	}
}

/* ---- lifecycle ---- */

static const char **list_view(const struct sk_strlist *l, const char *const *def)
{
	size_t n = l->n ? l->n : 0;
	const char **v = calloc((n ? n : 4) + 1, sizeof(*v));
	if (v == NULL) {
		return NULL;
	}
	if (n) {
		for (size_t i = 0; i < n; i++) {
			v[i] = l->items[i];
		}
	} else {
		for (size_t i = 0; def[i]; i++) {
			v[i] = def[i];
		}
	}
	return v;
}

static void ctr_destroy(void *inst)
{
	struct ctr_inst *in = inst;
	if (in == NULL) {
		return;
	}
	bool sync_made = in->worker_started || in->offline;
	stop_worker(in);
	if (sync_made) {
		pthread_mutex_destroy(&in->mu);
		pthread_cond_destroy(&in->work_cv);
		pthread_cond_destroy(&in->done_cv);
	}
	clear_caches(in);
	free(in->snap_out.p);
	free(in->snap_in.p);
	ctrsnap_scratch_fini(&in->snap_scratch);
	free(in->storage_roots);
	free(in->docker_roots);
	free(in->containerd_roots);
	free(in->cni_dirs);
	free(in->buf);
	free(in);
}

static int ctr_init(const struct sk_init_input *input, void **ret_inst, char *err, size_t errlen)
{
	struct ctr_inst *in = calloc(1, sizeof(*in));
	if (in == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = in;
	in->api = input->api;
	in->host = input->host;
	static const struct ctr_conf defaults = {
	    .proc_root = "/proc", .wait_ms = 10, .retry_ms = 5000};
	in->conf = input->config ? input->config : &defaults;
	in->storage_roots = list_view(&in->conf->storage_roots, def_storage);
	in->docker_roots = list_view(&in->conf->docker_roots, def_docker);
	in->containerd_roots = list_view(&in->conf->containerd_roots, def_containerd);
	in->cni_dirs = list_view(&in->conf->cni_cache_dirs, def_cni);
	in->buf = malloc(256);
	in->bufcap = in->buf ? 256 : 0;
	if (in->storage_roots == NULL || in->docker_roots == NULL || in->containerd_roots == NULL ||
	    in->cni_dirs == NULL || in->buf == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	in->mconf.storage_roots = in->storage_roots;
	in->mconf.docker_roots = in->docker_roots;
	in->mconf.containerd_roots = in->containerd_roots;
	in->mconf.cni_dirs = in->cni_dirs;
	sk_htab_init(&in->tids);
	sk_htab_init(&in->ctrs);
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->work_cv, NULL);
	/* waits on done_cv are bounded in CLOCK_MONOTONIC time: a clock step
	 * must not stretch them */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&in->done_cv, &ca);
	pthread_condattr_destroy(&ca);
	/* the worker takes no signals: they are the host's to handle (a
	 * thread with SIGTERM unblocked would let it kill the daemon) */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&in->worker, NULL, worker_main, in);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		snprintf(err, errlen, "cannot start the metadata thread: %s", strerror(r));
		pthread_mutex_destroy(&in->mu);
		pthread_cond_destroy(&in->work_cv);
		pthread_cond_destroy(&in->done_cv);
		return SK_ERR;
	}
	in->worker_started = true;
	return SK_OK;
}

static const char *const ctr_sources[] = {"syscall", NULL};

SK_PLUGIN_OPS(sk_extract_ops, ctr_extract_ops, .sources = ctr_sources, .fields = ctr_fields,
	      .extract = ctr_extract);
SK_PLUGIN_OPS(sk_parse_ops, ctr_parse_ops, .sources = ctr_sources, .parse = ctr_parse,
	      .snapshot = ctr_snapshot);
SK_PLUGIN_DEFINE(.name = "container", .version = "0.7.0",
		 .description = "container.* and k8s.* fields of syscall events: container ids "
				"from cgroups, metadata from podman, CRI-O, Docker and containerd",
		 .contact = PACKAGE_BUGREPORT, .params = ctr_params,
		 .config_size = sizeof(struct ctr_conf), .init = ctr_init, .destroy = ctr_destroy,
		 .extract = &ctr_extract_ops, .parse = &ctr_parse_ops);
