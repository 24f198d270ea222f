/* plugins/container/ctrcapture.c - the container plugin's state in
 * capture files: while `shrike --capture` records, the containers of the
 * threads (all of them at the start) and each container's metadata, at the
 * event where the live run first had it, are saved as state records
 * (encoded by ctrsnap.c); a replay loads them and looks nothing up itself,
 * so it shows what the live run showed (docs/capture-format.md). */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shrike/syscall_events.h>

#include "../common/procfs.h"
#include "container.h"

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
void ctr_save_tid(struct ctr_inst *in, int64_t tid, const struct tid_ent *te)
{
	if (!in->capture_on) {
		return;
	}
	uint8_t fixed[4] = {te->rt, te->known, te->tried, 0};
	struct sk_staterec_part parts[] = {{fixed, sizeof(fixed)}, sk_staterec_s(te->id)};
	save(in, CSNAP_TID, tid, parts, 2);
}

/* save_meta - a container's metadata, when the event loop first shows it. */
void ctr_save_meta(struct ctr_inst *in, const struct ctr_ent *e)
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

/* scan_tids - the container of every thread under proc_root, so a replay
 * knows those that started before the capture whatever its rules ask. */
static void scan_tids(struct ctr_inst *in)
{
	DIR *d = opendir(in->proc_root);
	struct dirent *de;
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9') {
			continue;
		}
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s/task", in->proc_root, de->d_name);
		DIR *td = opendir(path);
		struct dirent *te_de;
		while (td != NULL && (te_de = readdir(td)) != NULL) {
			int64_t tid = strtoll(te_de->d_name, NULL, 10);
			if (tid <= 0 || sk_htab_get(&in->tids, (uint64_t)tid) != NULL) {
				continue;
			}
			struct tid_ent *te = ctr_tid_put(in, tid);
			if (te == NULL) {
				break;
			}
			ctr_set_from_proc(in, te, tid);
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
void ctr_save_done(struct ctr_inst *in, int64_t tid)
{
	const struct tid_ent *te = sk_htab_get(&in->tids, (uint64_t)tid);
	if (te == NULL || !te->known || te->rt == SK_CTR_NONE) {
		return;
	}
	struct ctr_ent *e = sk_htab_get(&in->ctrs, ctr_id_key(te->id));
	if (e == NULL || e->saved || strcmp(e->id, te->id) != 0) {
		return;
	}
	pthread_mutex_lock(&in->mu);
	bool done = e->state == CS_DONE;
	pthread_mutex_unlock(&in->mu);
	if (done) {
		e->saved = true;
		ctr_save_meta(in, e);
	}
}

/* ctr_snapshot - the plugin's snapshot(): the threads and containers known
 * when a capture starts. */
int ctr_snapshot(void *inst)
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
			ctr_save_tid(in, (int64_t)in->tids.slots[i].key, te);
		}
	}
	for (size_t i = 0; i < in->ctrs.cap; i++) {
		struct ctr_ent *e = in->ctrs.slots[i].val;
		pthread_mutex_lock(&in->mu);
		bool done = e != NULL && e->state == CS_DONE;
		pthread_mutex_unlock(&in->mu);
		if (done) {
			e->saved = true;
			ctr_save_meta(in, e);
		}
	}
	return SK_OK;
}

/* load_state - a state record of a replayed capture. The first one (the
 * beginning) takes the plugin offline: no worker, no /proc, only what the
 * capture says. */
void ctr_load_state(struct ctr_inst *in, const struct sk_evt_hdr *rec)
{
	const struct sk_evt_hdr *r = sk_staterec_open(rec, &in->snap_in);
	bool ok = r != NULL;
	if (ok && r->type == CSNAP_BEGIN) {
		ctr_stop_worker(in);
		ctr_clear_caches(in);
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
		     (te = ctr_tid_put(in, (int64_t)r->tid)) != NULL;
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
