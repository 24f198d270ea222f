/* plugins/container/ctrcache.c - the container plugin's two caches and
 * the worker that fills one of them: which container each thread is in
 * (by tid, from the cgroups of its clone and execve records or from
 * /proc/<tid>/cgroup), and each container's metadata (by id), read from
 * the runtime's files by the worker thread (ctrmeta.c) so the event loop
 * does not do that I/O; an extraction may wait for a lookup in flight once
 * per container (ctr_get). */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "../common/procfs.h"
#include "container.h"

uint64_t ctr_id_key(const char *id)
{
	uint64_t k = 0;
	for (int i = 0; i < 16 && id[i]; i++) {
		char c = id[i];
		k = (k << 4) | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return k;
}

/* ---- worker ---- */

void *ctr_worker_main(void *arg)
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
		in->working = true;
		char id[65];
		memcpy(id, e->id, sizeof(id));
		pthread_mutex_unlock(&in->mu);
		struct ctr_meta *m = ctr_meta_read(&in->mconf, id);
		pthread_mutex_lock(&in->mu);
		in->lookups++;
		in->working = false;
		if (m != NULL) {
			e->meta = m;
			e->state = CS_DONE;
		} else {
			in->lookup_fails++;
			e->state = CS_FAILED;
			e->failed_at_ns = sk_mono_ns();
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
		sk_htab_del(&in->ctrs, ctr_id_key(victim->id));
		ctr_meta_free(victim->meta);
		free(victim);
		in->ctrs_evicted++;
	}
	pthread_mutex_unlock(&in->mu);
}

/* ctr_lookup - the cache entry of the container of `te`, created when new;
 * starts its metadata lookup when it has none yet (or a failed one is due
 * for a retry). Never waits. NULL when the entry cannot be made. */
struct ctr_ent *ctr_lookup(struct ctr_inst *in, const struct tid_ent *te)
{
	uint64_t key = ctr_id_key(te->id);
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
	    sk_mono_ns() - e->failed_at_ns > in->conf->retry_ms * 1000000ULL) {
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

void ctr_stop_worker(struct ctr_inst *in)
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
	in->qlen = 0; /* nobody takes them now */
}

void ctr_clear_caches(struct ctr_inst *in)
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

/* ctr_get - the metadata of the container of `te` when known; starts (or
 * retries) the lookup otherwise. The first extraction that finds a lookup
 * in flight waits up to wait_metadata for it; no other one waits. */
const struct ctr_meta *ctr_get(struct ctr_inst *in, const struct tid_ent *te)
{
	struct ctr_ent *e = ctr_lookup(in, te);
	if (e == NULL) {
		return NULL;
	}
	const struct ctr_meta *m = NULL;
	pthread_mutex_lock(&in->mu);
	if (e->state == CS_PENDING && !e->waited && in->conf->wait_ms > 0) {
		e->waited = true;
		/* done_cv's clock */
		struct timespec until = sk_deadline_ms(CLOCK_MONOTONIC, in->conf->wait_ms);
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
		ctr_save_meta(in, e);
	}
	return m;
}

struct tid_ent *ctr_tid_put(struct ctr_inst *in, int64_t tid)
{
	struct tid_ent *te = sk_htab_get(&in->tids, (uint64_t)tid);
	if (te != NULL) {
		return te;
	}
	if (in->tids.n >= TID_CACHE_MAX) {
		/* bounded: start over; live threads are found again */
		in->tids_evicted += in->tids.n;
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
void ctr_set_from_cgroups(struct tid_ent *te, const char *p, uint32_t len)
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

void ctr_set_from_proc(struct ctr_inst *in, struct tid_ent *te, int64_t tid)
{
	char buf[8192];
	if (sk_procfs_readf(buf, sizeof(buf), "%s/%lld/cgroup", in->proc_root,
			    (long long)tid) <= 0) {
		te->known = false;
		return;
	}
	te->known = true;
	te->rt = (uint8_t)sk_cgroup_file_container_id(buf, te->id);
}
