/* plugins/syscall/snapshot.c - the syscall state in capture files.
 *
 * Recording (`shrike --capture`), the plugin saves its state through the
 * host's save_state(): the whole tables when the file starts (snapshot()),
 * then every piece it learns from outside the events while recording (a
 * thread read from /proc, a process's root directory, the users of a root,
 * an environment). Replaying, those SK_EVT_STATE records come back through
 * parse(): the first one wipes what the plugin read from the replaying
 * machine's /proc and switches the state offline (it never reads /proc or
 * a root's files again), and the rest rebuild the tables the live run had.
 * So a replay extracts the values, and raises the alerts, of the live run.
 *
 * Each saved piece is one nested record in <shrike/event.h> layout with u32
 * parameter lengths (SK_EVT_F_LARGE), whose type says what it is (SNAP_*
 * below) and whose tid is the thread it is about. Integers in host order,
 * like the rest of the capture. A piece learnt while an event was being
 * processed lands in the file just before that event; the ones that the
 * event's own parsing would overwrite (a root found after an exec, an
 * environment read at extraction) are applied on replay right after that
 * event is parsed, the others (threads read from /proc) right away.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/staterec.h"
#include "snapshot.h"

/* Nested record types. Numbers are part of the capture format: append. */
enum {
	SNAP_BEGIN = 1,	  /* u32 version, u64 host root key, u64 boot time */
	SNAP_THREAD = 2,  /* struct snap_thread, comm, exe, exepath, args, env, cgroups, cwd */
	SNAP_FD = 3,	  /* struct snap_fd, name, nameraw (tid: a thread of its process) */
	SNAP_USERDB = 4,  /* u64 root key, passwd text, group text */
	SNAP_ROOTKEY = 5, /* u64 root key (deferred) */
	SNAP_ENV = 6,	  /* environment, u8 known (deferred) */
	SNAP_REMOVE = 7,  /* (the thread is gone) */
	SNAP_END = 8,	  /* u64 threads saved: the end of the initial snapshot */
};

#define SNAP_VERSION 1u
/* Most roots whose users a snapshot reads (one passwd and group each). */
#define SNAP_MAX_ROOTS 256u

/* snap_thread.flags */
#define TF_UPPER     0x001u
#define TF_MEMFD     0x002u
#define TF_WRITABLE  0x004u
#define TF_FROM_PROC 0x008u
#define TF_ENV_KNOWN 0x010u
#define TF_EXE	     0x020u /* exe is set (else NULL) */
#define TF_EXEPATH   0x040u
#define TF_ARGS	     0x080u
#define TF_ENV	     0x100u
#define TF_CGROUPS   0x200u
#define TF_CWD	     0x400u
#define TF_LOWER     0x800u /* added later: older files never set it */

struct snap_thread {
	int64_t pid, ppid, vtid, vpid, sid, pgid, vpgid;
	int64_t files_tid; /* the thread whose fd table this one shares (itself: its own) */
	uint64_t cap_eff, cap_prm, cap_inh, fdlimit, start_ts, pidns_init_ts, pidns;
	uint64_t exe_ino, exe_ctime, exe_mtime, root_key, last_ts;
	uint32_t uid, gid, euid, egid, loginuid, tty, flags, reserved;
};
_Static_assert(sizeof(struct snap_thread) == 192, "snap_thread layout");

/* A thread record's 9th part (added after the first eight: a record without
 * it loads with the memory facts unknown). */
#define MF_PF_KNOWN 0x1u
struct snap_mem {
	uint64_t pfmajor, pfminor;
	uint32_t vmsize_kb, vmrss_kb, vmswap_kb, flags;
};
_Static_assert(sizeof(struct snap_mem) == 32, "snap_mem layout");

/* snap_fd.flags */
#define FF_CONNECTED 0x1u
#define FF_FROM_PROC 0x2u
#define FF_NAME	     0x4u
#define FF_NAMERAW   0x8u
/* added later: older files never set them */
#define FF_UPPER 0x10u
#define FF_LOWER 0x20u

struct snap_fd {
	int64_t num;
	uint64_t ino;
	uint32_t open_flags, dev, flags;
	uint16_t cport, sport;
	uint8_t type, l4proto, role, family;
	uint8_t cip[16], sip[16];
};
_Static_assert(sizeof(struct snap_fd) == 72, "snap_fd layout");

/* ---- building records ---------------------------------------------------- */

/* emit - one nested record of `type` about `tid` through save_state(). */
static int emit(struct sys_inst *in, uint16_t type, int64_t tid, const struct sk_staterec_part *parts,
		unsigned n)
{
	size_t total = sk_staterec_build(&in->snap.out, type, tid, parts, n);
	if (total == 0) {
		return SK_ERR;
	}
	int rc = in->api->save_state(in->host, in->snap.out.p, total);
	if (rc == SK_OK) {
		in->snap.saved++;
	}
	return rc == SK_ERR ? SK_ERR : SK_OK;
}

static int emit_fds(struct sys_inst *in, const struct sk_thread *t)
{
	if (t->files == NULL) {
		return SK_OK;
	}
	for (size_t i = 0; i < t->files->fds.cap; i++) {
		const struct sk_fd *fd = t->files->fds.slots[i].val;
		if (fd == NULL) {
			continue;
		}
		struct snap_fd f = {
		    .num = fd->num,
		    .ino = fd->ino,
		    .open_flags = fd->flags,
		    .dev = fd->dev,
		    .flags = (fd->connected ? FF_CONNECTED : 0) | (fd->from_proc ? FF_FROM_PROC : 0) |
			     (fd->name ? FF_NAME : 0) | (fd->nameraw ? FF_NAMERAW : 0) |
			     (fd->layer == SK_LAYER_UPPER ? FF_UPPER : 0) |
			     (fd->layer == SK_LAYER_LOWER ? FF_LOWER : 0),
		    .cport = fd->cport,
		    .sport = fd->sport,
		    .type = fd->type,
		    .l4proto = fd->l4proto,
		    .role = fd->role,
		    .family = fd->family,
		};
		memcpy(f.cip, fd->cip, 16);
		memcpy(f.sip, fd->sip, 16);
		struct sk_staterec_part parts[] = {{&f, sizeof(f)}, sk_staterec_s(fd->name),
						   sk_staterec_s(fd->nameraw)};
		if (emit(in, SNAP_FD, t->tid, parts, 3) != SK_OK) {
			return SK_ERR;
		}
	}
	return SK_OK;
}

/* emit_thread - t, and its fds when it owns its table (files_tid == tid). */
static int emit_thread(struct sys_inst *in, const struct sk_thread *t, int64_t files_tid)
{
	struct snap_thread s = {
	    .pid = t->pid,
	    .ppid = t->ppid,
	    .vtid = t->vtid,
	    .vpid = t->vpid,
	    .sid = t->sid,
	    .pgid = t->pgid,
	    .vpgid = t->vpgid,
	    .files_tid = files_tid,
	    .cap_eff = t->cap_eff,
	    .cap_prm = t->cap_prm,
	    .cap_inh = t->cap_inh,
	    .fdlimit = t->fdlimit,
	    .start_ts = t->start_ts,
	    .pidns_init_ts = t->pidns_init_ts,
	    .pidns = t->pidns,
	    .exe_ino = t->exe_ino,
	    .exe_ctime = t->exe_ctime,
	    .exe_mtime = t->exe_mtime,
	    .root_key = t->root_key,
	    .last_ts = t->last_ts,
	    .uid = t->uid,
	    .gid = t->gid,
	    .euid = t->euid,
	    .egid = t->egid,
	    .loginuid = t->loginuid,
	    .tty = t->tty,
	};
	struct snap_mem m = {
	    .pfmajor = t->pfmajor,
	    .pfminor = t->pfminor,
	    .vmsize_kb = t->vmsize_kb,
	    .vmrss_kb = t->vmrss_kb,
	    .vmswap_kb = t->vmswap_kb,
	    .flags = t->pf_known ? MF_PF_KNOWN : 0,
	};
	const char *cwd = t->files ? t->files->cwd : NULL;
	s.flags = (t->exe_upper_layer ? TF_UPPER : 0) | (t->exe_from_memfd ? TF_MEMFD : 0) |
		  (t->exe_writable ? TF_WRITABLE : 0) | (t->from_proc ? TF_FROM_PROC : 0) |
		  (t->env_loaded ? TF_ENV_KNOWN : 0) | (t->exe ? TF_EXE : 0) |
		  (t->exepath ? TF_EXEPATH : 0) | (t->args ? TF_ARGS : 0) | (t->env ? TF_ENV : 0) |
		  (t->cgroups ? TF_CGROUPS : 0) | (cwd ? TF_CWD : 0) |
		  (t->exe_lower_layer ? TF_LOWER : 0);
	struct sk_staterec_part parts[] = {
	    {&s, sizeof(s)},
	    sk_staterec_s(t->comm),
	    sk_staterec_s(t->exe),
	    sk_staterec_s(t->exepath),
	    {t->args, t->args ? t->args_len : 0},
	    {t->env, t->env ? t->env_len : 0},
	    {t->cgroups, t->cgroups ? t->cgroups_len : 0},
	    sk_staterec_s(cwd),
	    {&m, sizeof(m)},
	};
	if (emit(in, SNAP_THREAD, t->tid, parts, 9) != SK_OK) {
		return SK_ERR;
	}
	return files_tid == t->tid ? emit_fds(in, t) : SK_OK;
}

/* text_of - a userdb back to passwd and group text, for the record. */
static char *text_of(const struct sk_userdb *db, bool groups, size_t *ret_len)
{
	size_t cap = 1, len = 0;
	size_t n = groups ? db->ngroups : db->nusers;
	for (size_t i = 0; i < n; i++) {
		cap += groups ? strlen(db->groups[i].name) + 32
			      : strlen(db->users[i].name) + strlen(db->users[i].home) +
				    strlen(db->users[i].shell) + 48;
	}
	char *s = malloc(cap);
	if (s == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		int w;
		if (groups) {
			w = snprintf(s + len, cap - len, "%s:x:%u:\n", db->groups[i].name,
				     (unsigned)db->groups[i].gid);
		} else {
			const struct sk_user *u = &db->users[i];
			w = snprintf(s + len, cap - len, "%s:x:%u:%u::%s:%s\n", u->name,
				     (unsigned)u->uid, (unsigned)u->gid, u->home, u->shell);
		}
		len += w > 0 ? (size_t)w : 0;
	}
	s[len] = '\0';
	*ret_len = len;
	return s;
}

static int emit_userdb(struct sys_inst *in, uint64_t key, const struct sk_userdb *db)
{
	size_t pl = 0, gl = 0;
	char *pw = text_of(db, false, &pl), *gr = text_of(db, true, &gl);
	int rc = SK_ERR;
	if (pw != NULL && gr != NULL) {
		struct sk_staterec_part parts[] = {{&key, sizeof(key)}, {pw, pl}, {gr, gl}};
		rc = emit(in, SNAP_USERDB, 0, parts, 3);
	}
	free(pw);
	free(gr);
	return rc;
}

/* ---- saving ---------------------------------------------------------------- */

int sys_snap_save_all(void *inst)
{
	struct sys_inst *in = inst;
	struct sk_state *st = &in->st;
	if (!sk_staterec_can_save(in->api) || in->api->save_state(in->host, NULL, 0) != SK_OK) {
		return SK_OK; /* not capturing */
	}
	in->snap.capturing = true;
	/* The users of every root a thread has (the host's, each
	 * container's): read now, so a replay can name users whatever rules
	 * it runs, as Falco's captures carry the user list. */
	void (*hook)(void *, enum sk_learnt, const struct sk_thread *, uint64_t) = st->learnt;
	st->learnt = NULL;
	unsigned roots = 0;
	for (size_t i = 0; i < st->threads.cap && roots < SNAP_MAX_ROOTS; i++) {
		struct sk_thread *t = st->threads.slots[i].val;
		if (t != NULL && !t->dead &&
		    (t->root_key == 0 || sk_state_userdb_of(st, t->root_key) == NULL)) {
			sk_state_userdb(st, t, t->last_ts, false);
			roots++;
		}
	}
	st->learnt = hook;
	uint32_t version = SNAP_VERSION;
	struct sk_staterec_part begin[] = {{&version, sizeof(version)},
				    {&st->host_root_key, sizeof(st->host_root_key)},
				    {&st->boot_ns, sizeof(st->boot_ns)}};
	if (emit(in, SNAP_BEGIN, 0, begin, 3) != SK_OK) {
		return SK_ERR;
	}
	for (size_t i = 0; i < st->userdbs.cap; i++) {
		if (st->userdbs.slots[i].val == NULL) {
			continue;
		}
		uint64_t key = st->userdbs.slots[i].key;
		const struct sk_userdb *db = sk_state_userdb_of(st, key);
		if (db != NULL && emit_userdb(in, key, db) != SK_OK) {
			return SK_ERR;
		}
	}
	/* fd tables shared by threads: saved once, with the first thread
	 * that has them */
	struct sk_htab owners;
	sk_htab_init(&owners);
	uint64_t n = 0;
	int rc = SK_OK;
	for (size_t i = 0; i < st->threads.cap && rc == SK_OK; i++) {
		const struct sk_thread *t = st->threads.slots[i].val;
		if (t == NULL || t->dead) {
			continue;
		}
		int64_t files_tid = t->tid;
		if (t->files != NULL) {
			const struct sk_thread *o = sk_htab_get(&owners, (uint64_t)(uintptr_t)t->files);
			if (o != NULL) {
				files_tid = o->tid;
			} else if (sk_htab_put(&owners, (uint64_t)(uintptr_t)t->files, (void *)t,
					       NULL) < 0) {
				rc = SK_ERR;
				break;
			}
		}
		rc = emit_thread(in, t, files_tid);
		n++;
	}
	sk_htab_fini(&owners);
	if (rc == SK_OK) {
		struct sk_staterec_part end[] = {{&n, sizeof(n)}};
		rc = emit(in, SNAP_END, 0, end, 1);
	}
	if (in->api->log) {
		in->api->log(in->host, SK_LOG_INFO,
			     "saved %llu threads and %llu state records in the capture file",
			     (unsigned long long)n, (unsigned long long)in->snap.saved);
	}
	return rc;
}

/* learnt - the state's hook (state.h): save what was learnt while a
 * capture is being written. */
static void learnt(void *ctx, enum sk_learnt what, const struct sk_thread *t, uint64_t key)
{
	struct sys_inst *in = ctx;
	if (t == NULL || !in->snap.capturing) {
		return;
	}
	int rc = SK_OK;
	switch (what) {
	case SK_LEARNT_THREAD: {
		/* a thread of a process already known shares its fd table */
		const struct sk_thread *main_t =
		    t->pid != t->tid ? sk_state_thread(&in->st, t->pid) : NULL;
		rc = emit_thread(in, t,
				 main_t != NULL && main_t->files == t->files ? main_t->tid : t->tid);
		break;
	}
	case SK_LEARNT_ROOTKEY: {
		struct sk_staterec_part parts[] = {{&t->root_key, sizeof(t->root_key)}};
		rc = emit(in, SNAP_ROOTKEY, t->tid, parts, 1);
		break;
	}
	case SK_LEARNT_USERDB: {
		const struct sk_userdb *db = sk_state_userdb_of(&in->st, key);
		rc = db ? emit_userdb(in, key, db) : SK_OK;
		break;
	}
	case SK_LEARNT_ENV: {
		uint8_t known = t->env_loaded;
		struct sk_staterec_part parts[] = {{t->env, t->env ? t->env_len : 0}, {&known, 1}};
		rc = emit(in, SNAP_ENV, t->tid, parts, 2);
		break;
	}
	case SK_LEARNT_REMOVED:
		rc = emit(in, SNAP_REMOVE, t->tid, NULL, 0);
		break;
	}
	if (rc != SK_OK && in->snap.failures++ == 0 && in->api->log) {
		in->api->log(in->host, SK_LOG_WARNING,
			     "could not save state in the capture file: a replay may differ");
	}
}

void sys_snap_init(struct sys_inst *in)
{
	if (sk_staterec_can_save(in->api)) {
		in->st.learnt = learnt;
		in->st.learnt_ctx = in;
	}
}

/* ---- replaying ------------------------------------------------------------- */

/* begin - a capture's state starts: forget the replaying machine's. */
static int load_begin(struct sys_inst *in, const struct sk_evt_hdr *r)
{
	uint32_t version;
	uint64_t root_key, boot_ns;
	if (!sk_staterec_fixed(r, 0, &version, sizeof(version)) || version != SNAP_VERSION ||
	    !sk_staterec_fixed(r, 1, &root_key, sizeof(root_key)) ||
	    !sk_staterec_fixed(r, 2, &boot_ns, sizeof(boot_ns))) {
		return -EINVAL;
	}
	struct sk_state_conf conf = in->st.conf;
	conf.scan_proc = false;
	conf.proc_root = in->proc_root;
	sk_state_fini(&in->st);
	if (sk_state_init(&in->st, &conf) < 0) {
		return -ENOMEM;
	}
	sys_snap_init(in);
	in->st.offline = true;
	in->st.host_root_key = root_key;
	in->st.boot_ns = boot_ns;
	in->ev.num = 0;
	in->ev.t = NULL;
	in->ev.fd = NULL;
	in->snap.ndeferred = 0;
	in->snap.replaying = true;
	if (in->api && in->api->log) {
		in->api->log(in->host, SK_LOG_INFO,
			     "the capture holds the recording machine's processes: using them, "
			     "not this machine's /proc");
	}
	return 0;
}

static int load_thread(struct sys_inst *in, const struct sk_evt_hdr *r)
{
	struct snap_thread s;
	const void *comm;
	uint32_t comm_len;
	if (!sk_staterec_fixed(r, 0, &s, sizeof(s)) || sk_evt_param(r, 1, &comm, &comm_len) != 0 ||
	    r->nparams < 8) {
		return -EINVAL;
	}
	int64_t tid = (int64_t)r->tid;
	struct sk_thread *owner = s.files_tid != tid ? sk_state_thread(&in->st, s.files_tid) : NULL;
	struct sk_thread *t = sk_state_new_thread(&in->st, tid);
	if (t == NULL) {
		return -ENOMEM;
	}
	if (owner != NULL && owner->files != NULL) {
		sk_files_put(&in->st, t->files);
		t->files = owner->files;
		t->files->refs++;
	}
	t->pid = s.pid;
	t->ppid = s.ppid;
	t->vtid = s.vtid;
	t->vpid = s.vpid;
	t->sid = s.sid;
	t->pgid = s.pgid;
	t->vpgid = s.vpgid;
	t->cap_eff = s.cap_eff;
	t->cap_prm = s.cap_prm;
	t->cap_inh = s.cap_inh;
	t->fdlimit = s.fdlimit;
	t->start_ts = s.start_ts;
	t->pidns_init_ts = s.pidns_init_ts;
	t->pidns = s.pidns;
	t->exe_ino = s.exe_ino;
	t->exe_ctime = s.exe_ctime;
	t->exe_mtime = s.exe_mtime;
	t->root_key = s.root_key;
	t->last_ts = s.last_ts;
	t->uid = s.uid;
	t->gid = s.gid;
	t->euid = s.euid;
	t->egid = s.egid;
	t->loginuid = s.loginuid;
	t->tty = s.tty;
	t->exe_upper_layer = (s.flags & TF_UPPER) != 0;
	t->exe_lower_layer = (s.flags & TF_LOWER) != 0;
	t->exe_from_memfd = (s.flags & TF_MEMFD) != 0;
	t->exe_writable = (s.flags & TF_WRITABLE) != 0;
	t->from_proc = (s.flags & TF_FROM_PROC) != 0;
	t->env_loaded = (s.flags & TF_ENV_KNOWN) != 0;
	size_t cl = comm_len < SK_COMM_MAX ? comm_len : SK_COMM_MAX;
	memcpy(t->comm, comm, cl);
	t->comm[cl] = '\0';
	int rc = 0;
	rc |= sk_staterec_str(r, 2, s.flags & TF_EXE, &t->exe, NULL);
	rc |= sk_staterec_str(r, 3, s.flags & TF_EXEPATH, &t->exepath, NULL);
	rc |= sk_staterec_str(r, 4, s.flags & TF_ARGS, &t->args, &t->args_len);
	rc |= sk_staterec_str(r, 5, s.flags & TF_ENV, &t->env, &t->env_len);
	rc |= sk_staterec_str(r, 6, s.flags & TF_CGROUPS, &t->cgroups, &t->cgroups_len);
	if (owner == NULL && t->files != NULL) {
		rc |= sk_staterec_str(r, 7, s.flags & TF_CWD, &t->files->cwd, NULL);
	}
	struct snap_mem m;
	if (r->nparams >= 9 && sk_staterec_fixed(r, 8, &m, sizeof(m))) {
		t->pfmajor = m.pfmajor;
		t->pfminor = m.pfminor;
		t->pf_known = (m.flags & MF_PF_KNOWN) != 0;
		t->vmsize_kb = m.vmsize_kb;
		t->vmrss_kb = m.vmrss_kb;
		t->vmswap_kb = m.vmswap_kb;
	}
	return rc;
}

static int load_fd(struct sys_inst *in, const struct sk_evt_hdr *r)
{
	struct snap_fd f;
	if (!sk_staterec_fixed(r, 0, &f, sizeof(f)) || r->nparams < 3) {
		return -EINVAL;
	}
	struct sk_thread *t = sk_state_thread(&in->st, (int64_t)r->tid);
	if (t == NULL) {
		return -ENOENT;
	}
	struct sk_fd *fd = sk_fd_add(&in->st, t, f.num, f.type);
	if (fd == NULL) {
		return -ENOMEM;
	}
	fd->l4proto = f.l4proto;
	fd->role = f.role;
	fd->family = f.family;
	fd->flags = f.open_flags;
	fd->dev = f.dev;
	fd->ino = f.ino;
	memcpy(fd->cip, f.cip, 16);
	memcpy(fd->sip, f.sip, 16);
	fd->cport = f.cport;
	fd->sport = f.sport;
	fd->connected = (f.flags & FF_CONNECTED) != 0;
	fd->from_proc = (f.flags & FF_FROM_PROC) != 0;
	fd->layer = (f.flags & FF_UPPER)   ? SK_LAYER_UPPER
		    : (f.flags & FF_LOWER) ? SK_LAYER_LOWER
					   : SK_LAYER_NONE;
	int rc = sk_staterec_str(r, 1, f.flags & FF_NAME, &fd->name, NULL);
	rc |= sk_staterec_str(r, 2, f.flags & FF_NAMERAW, &fd->nameraw, NULL);
	return rc;
}

static int load_userdb(struct sys_inst *in, const struct sk_evt_hdr *r)
{
	uint64_t key;
	char *pw = NULL, *gr = NULL;
	if (!sk_staterec_fixed(r, 0, &key, sizeof(key)) || r->nparams < 3) {
		return -EINVAL;
	}
	if (sk_staterec_str(r, 1, true, &pw, NULL) < 0 || sk_staterec_str(r, 2, true, &gr, NULL) < 0) {
		free(pw);
		free(gr);
		return -ENOMEM;
	}
	struct sk_userdb *db = sk_userdb_parse(pw, gr);
	if (db == NULL) {
		return -ENOMEM;
	}
	return sk_state_userdb_put(&in->st, key, db, 0);
}

/* apply_late - a piece that belongs after the parsing of the event it
 * precedes in the file. */
static int apply_late(struct sys_inst *in, const struct sk_evt_hdr *r)
{
	struct sk_thread *t = sk_state_thread(&in->st, (int64_t)r->tid);
	if (t == NULL) {
		return 0;
	}
	if (r->type == SNAP_ROOTKEY) {
		return sk_staterec_fixed(r, 0, &t->root_key, sizeof(t->root_key)) ? 0 : -EINVAL;
	}
	uint8_t known = 0;
	if (!sk_staterec_fixed(r, 1, &known, 1)) {
		return -EINVAL;
	}
	t->env_loaded = known != 0;
	return sk_staterec_str(r, 0, true, &t->env, &t->env_len);
}

static int defer(struct sys_inst *in, const struct sk_evt_hdr *r)
{
	if (in->snap.ndeferred == in->snap.deferred_cap) {
		size_t cap = in->snap.deferred_cap ? in->snap.deferred_cap * 2 : 8;
		struct sk_evt_hdr **d = realloc(in->snap.deferred, cap * sizeof(*d));
		if (d == NULL) {
			return -ENOMEM;
		}
		in->snap.deferred = d;
		for (size_t i = in->snap.deferred_cap; i < cap; i++) {
			d[i] = NULL;
		}
		in->snap.deferred_cap = cap;
	}
	struct sk_evt_hdr **slot = &in->snap.deferred[in->snap.ndeferred];
	struct sk_evt_hdr *copy = realloc(*slot, r->len);
	if (copy == NULL) {
		return -ENOMEM;
	}
	memcpy(copy, r, r->len);
	*slot = copy;
	in->snap.ndeferred++;
	return 0;
}

void sys_snap_after_event(struct sys_inst *in)
{
	for (size_t i = 0; i < in->snap.ndeferred; i++) {
		apply_late(in, in->snap.deferred[i]);
	}
	in->snap.ndeferred = 0;
}

void sys_snap_load(struct sys_inst *in, const struct sk_event *ev)
{
	int rc = -EINVAL;
	const struct sk_evt_hdr *r = sk_staterec_open(ev->rec, &in->snap.in);
	if (r == NULL) {
		goto out;
	}
	if (r->type != SNAP_BEGIN && !in->snap.replaying) {
		rc = -EPROTO; /* a piece without its beginning: ignore it */
		goto out;
	}
	switch (r->type) {
	case SNAP_BEGIN:
		rc = load_begin(in, r);
		break;
	case SNAP_THREAD:
		rc = load_thread(in, r);
		break;
	case SNAP_FD:
		rc = load_fd(in, r);
		break;
	case SNAP_USERDB:
		rc = load_userdb(in, r);
		break;
	case SNAP_ROOTKEY:
	case SNAP_ENV:
		rc = defer(in, r);
		break;
	case SNAP_REMOVE:
		sk_state_remove(&in->st, (int64_t)r->tid);
		rc = 0;
		break;
	case SNAP_END:
		if (in->api && in->api->log) {
			in->api->log(in->host, SK_LOG_INFO,
				     "state of %zu threads restored from the capture",
				     in->st.threads.n);
		}
		rc = 0;
		break;
	default:
		rc = 0; /* a newer kind: skip it */
		break;
	}
out:
	if (rc < 0 && in->snap.bad++ == 0 && in->api && in->api->log) {
		in->api->log(in->host, SK_LOG_WARNING,
			     "a state record in the capture could not be used (%s); the replay "
			     "may differ from the live run",
			     strerror(-rc));
	}
}

void sys_snap_fini(struct sys_inst *in)
{
	for (size_t i = 0; i < in->snap.deferred_cap; i++) {
		free(in->snap.deferred[i]);
	}
	free(in->snap.deferred);
	free(in->snap.out.p);
	free(in->snap.in.p);
}
