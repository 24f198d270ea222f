/* plugins/syscall/fields_evtproc.c - the second part of the syscall
 * plugin's fields (list and descriptions in fields_evtproc.h), with
 * Falco's names, types and meaning:
 *
 *   - evt.count*, evt.deltatime*, evt.reltime.s/ns, evt.outputtime,
 *     evt.info, evt.type.is, syscall.type, evt.is_wait, evt.is_syslog,
 *     evt.is_async, evt.asynctype, evt.plugininfo, util.cnt;
 *   - proc.aargs, proc.aenv, proc.pgid*, proc.is_pgid_leader,
 *     proc.fdusage, proc.vm*;
 *   - thread.vm*, thread.pf*, thread.cpu*, thread.exectime,
 *     thread.totexectime.
 *
 * Where a value is already a field of fields.h (evt.args, evt.time,
 * evt.category, proc.env, ...), it is taken through sys_extract(), so both
 * files give the same text. The memory facts come from the clone, execve,
 * mmap and munmap records (vm_size, vm_rss, vm_swap, as Falco's parser
 * takes them) and from /proc at start (state_scan.c). Values point into the
 * instance's scratch buffer or into the state: valid until the next
 * extract(). */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields_evtproc.h"
#include "syscall.h"

#define NS_PER_S 1000000000ULL

/* At most this many ancestors take part in proc.aenv[NAME] (Falco's bound). */
#define AENV_MAX_LEVELS 20

/* ---- helpers ---- */

/* field_index - the index in sys_fields[] of the field called `name`
 * (cached in *cache; -1 before the first call). */
static int field_index(const char *name, int *cache)
{
	if (*cache < 0) {
		for (int i = 0; sys_fields[i].name != NULL; i++) {
			if (strcmp(sys_fields[i].name, name) == 0) {
				*cache = i;
				break;
			}
		}
	}
	return *cache;
}

/* other - the value of another field of this plugin for the same event,
 * with an optional key argument. */
static int other(struct sys_inst *in, const struct sk_event *ev, const char *name, int *cache,
		 const char *key, struct sk_value *v)
{
	int idx = field_index(name, cache);
	if (idx < 0) {
		return SK_ERR;
	}
	struct sk_field_req req = {.field_idx = (uint32_t)idx, .arg_key = key};
	return sys_extract(in, ev, &req, v);
}

/* other_of - the same for thread `t` instead of the event's thread. */
static int other_of(struct sys_inst *in, const struct sk_event *ev, struct sk_thread *t,
		    const char *name, int *cache, struct sk_value *v)
{
	struct sk_thread *saved = in->ev.t;
	in->ev.t = t;
	int rc = other(in, ev, name, cache, NULL, v);
	in->ev.t = saved;
	return rc;
}

/* ---- parse-time bookkeeping ---- */

static bool is_clone_event(uint16_t type)
{
	return type == SK_SC_CLONE || type == SK_SC_FORK || type == SK_SC_VFORK ||
	       type == SK_SC_CLONE3;
}

/* param_u32 - numeric parameter `name` of the current record. */
static bool param_num(const struct sys_inst *in, const char *name, int64_t *ret)
{
	int i = sk_sc_param_index(in->ev.info, name);
	return i >= 0 && sys_param_i64(in->ev.rec, in->ev.info, (unsigned)i, ret);
}

void sys_evtproc_parse(struct sys_inst *in, const struct sk_event *ev)
{
	in->evtproc.prev_ts = in->evtproc.cur_ts;
	in->evtproc.cur_ts = ev->rec->ts;
	const struct sk_sc_event *info = in->ev.info;
	struct sk_thread *t = in->ev.t;
	if (info == NULL || t == NULL) {
		return;
	}
	uint16_t type = ev->rec->type;
	int64_t res = -1;
	bool is_exec = type == SK_SC_EXECVE || type == SK_SC_EXECVEAT;
	if (is_clone_event(type) || is_exec) {
		/* the child's record (res 0) or a successful exec describes the
		 * header's thread; the parent's clone record describes the parent,
		 * which Falco leaves as it was */
		if (!param_num(in, "res", &res) || res != 0) {
			return;
		}
		if (is_exec) {
			t->pf_known = false; /* the counters run on through an exec */
		} else {
			t->pfmajor = t->pfminor = 0;
			t->pf_known = true;
		}
	} else if (type != SK_SC_MMAP && type != SK_SC_MUNMAP) {
		return;
	}
	int64_t x;
	if (param_num(in, "vm_size", &x)) {
		t->vmsize_kb = (uint32_t)x;
	}
	int64_t rss, swap;
	if (param_num(in, "vm_rss", &rss) && param_num(in, "vm_swap", &swap)) {
		t->vmrss_kb = (uint32_t)rss;
		t->vmswap_kb = (uint32_t)swap;
	}
}

/* ---- evt.* ---- */

static int rawres_cache = -1, category_cache = -1, args_cache = -1, time_cache = -1,
	   reltime_cache = -1, env_cache = -1, args_p_cache = -1, opencount_cache = -1,
	   fdlimit_cache = -1, pgname_cache = -1, pgexe_cache = -1, pgexepath_cache = -1;

/* error_count - evt.count.error: 1 failed, 0 succeeded, NA without a
 * return value. */
static int error_count(struct sys_inst *in, const struct sk_event *ev, struct sk_value *v)
{
	struct sk_value r;
	if (in->ev.rec->type == SK_SC_PROCEXIT ||
	    other(in, ev, "evt.rawres", &rawres_cache, NULL, &r) != SK_OK ||
	    r.type != SK_TYPE_I64) {
		return SK_NA;
	}
	return sys_ret_u64(v, SK_TYPE_U64, r.i64 < 0 ? 1 : 0);
}

enum err_kind { ERR_FILE, ERR_NET, ERR_MEMORY, ERR_OTHER };

/* error_kind - which of evt.count.error.{file,net,memory,other} applies:
 * Falco looks at the event's fd first, then at the event type. */
static enum err_kind error_kind(struct sys_inst *in, const struct sk_event *ev)
{
	const struct sk_fd *fd = in->ev.open_failed ? NULL : in->ev.fd;
	if (fd != NULL) {
		switch (fd->type) {
		case SK_FD_FILE:
		case SK_FD_DIRECTORY:
			return ERR_FILE;
		case SK_FD_IPV4:
		case SK_FD_IPV6:
		case SK_FD_UNIX:
			return ERR_NET;
		default:
			return ERR_OTHER;
		}
	}
	switch (ev->rec->type) {
	case SK_SC_OPEN:
	case SK_SC_OPENAT:
	case SK_SC_OPENAT2:
	case SK_SC_CREAT:
	case SK_SC_OPEN_BY_HANDLE_AT:
		return ERR_FILE;
	case SK_SC_ACCEPT:
	case SK_SC_ACCEPT4:
	case SK_SC_CONNECT:
		return ERR_NET;
	default:
		break;
	}
	struct sk_value c;
	if (other(in, ev, "evt.category", &category_cache, NULL, &c) == SK_OK &&
	    c.type == SK_TYPE_STRING && strcmp(c.str.ptr, "memory") == 0) {
		return ERR_MEMORY;
	}
	return ERR_OTHER;
}

static bool is_write_event(uint16_t type)
{
	return type == SK_SC_WRITE || type == SK_SC_PWRITE || type == SK_SC_WRITEV ||
	       type == SK_SC_SENDTO || type == SK_SC_SENDMSG;
}

/* delta - evt.deltatime and its parts. */
static int delta(const struct sys_inst *in, unsigned id, struct sk_value *v)
{
	uint64_t d = 0;
	if (in->evtproc.prev_ts != 0 && in->evtproc.cur_ts >= in->evtproc.prev_ts) {
		d = in->evtproc.cur_ts - in->evtproc.prev_ts;
	}
	if (id == FE_EVT_DELTATIME_S) {
		d /= NS_PER_S;
	} else if (id == FE_EVT_DELTATIME_NS) {
		d %= NS_PER_S;
	}
	return sys_ret_u64(v, SK_TYPE_RELTIME, d);
}

static int evt_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
		     const struct sk_field_req *req, struct sk_value *v)
{
	const struct sk_evt_hdr *rec = ev->rec;
	const struct sk_sc_event *info = in->ev.info;
	switch (id) {
	case FE_EVT_COUNT:
		return sys_ret_u64(v, SK_TYPE_U64, 1);
	case FE_EVT_COUNT_ERROR:
		return error_count(in, ev, v);
	case FE_EVT_COUNT_ERROR_FILE:
	case FE_EVT_COUNT_ERROR_NET:
	case FE_EVT_COUNT_ERROR_MEMORY:
	case FE_EVT_COUNT_ERROR_OTHER: {
		static const enum err_kind kind[] = {ERR_FILE, ERR_NET, ERR_MEMORY, ERR_OTHER};
		if (error_kind(in, ev) != kind[id - FE_EVT_COUNT_ERROR_FILE]) {
			return SK_NA;
		}
		return error_count(in, ev, v);
	}
	case FE_EVT_COUNT_EXIT:
		return info != NULL && rec->type != SK_SC_PROCEXIT ? sys_ret_u64(v, SK_TYPE_U64, 1)
								   : SK_NA;
	case FE_EVT_DELTATIME:
	case FE_EVT_DELTATIME_S:
	case FE_EVT_DELTATIME_NS:
		return delta(in, id, v);
	case FE_EVT_RELTIME_S:
	case FE_EVT_RELTIME_NS: {
		int rc = other(in, ev, "evt.reltime", &reltime_cache, NULL, v);
		if (rc == SK_OK) {
			v->u64 = id == FE_EVT_RELTIME_S ? v->u64 / NS_PER_S : v->u64 % NS_PER_S;
		}
		return rc;
	}
	case FE_EVT_OUTPUTTIME:
		return other(in, ev, "evt.time", &time_cache, NULL, v);
	case FE_EVT_INFO:
		return other(in, ev, "evt.args", &args_cache, NULL, v);
	case FE_EVT_TYPE_IS:
		return sys_ret_u64(v, SK_TYPE_U64,
				   info != NULL && req->arg_key != NULL &&
				       strcmp(info->name, req->arg_key) == 0);
	case FE_SYSCALL_TYPE:
		return info != NULL && !(info->flags & SK_SCF_SCHED) ? sys_ret_str(v, info->name)
								     : SK_NA;
	case FE_EVT_IS_WAIT:
		return sys_ret_bool(v, false);
	case FE_EVT_IS_SYSLOG: {
		const struct sk_fd *fd = in->ev.fd;
		return sys_ret_bool(v, is_write_event(rec->type) && fd != NULL &&
					   fd->name != NULL &&
					   strstr(fd->name, "/dev/log") != NULL);
	}
	case FE_EVT_IS_ASYNC:
		return sys_ret_bool(v, false);
	case FE_EVT_ASYNCTYPE:
	case FE_EVT_PLUGININFO:
		return SK_NA;
	case FE_UTIL_CNT:
		return sys_ret_u64(v, SK_TYPE_U64, ++in->evtproc.cnt);
	default:
		return SK_ERR;
	}
}

/* ---- proc.* and thread.* ---- */

/* ancestor - the n-th ancestor of t (0: t). */
static struct sk_thread *ancestor(struct sys_inst *in, struct sk_thread *t, uint64_t n)
{
	for (uint64_t i = 0; i < n && t != NULL; i++) {
		t = sk_state_parent(&in->st, t);
	}
	return t;
}

/* append - n bytes of s at *len in the scratch buffer, after a space when
 * `space`, NUL-terminated; 0, or -1 without memory. */
static int append(struct sys_inst *in, size_t *len, const char *s, size_t n, bool space)
{
	size_t need = *len + (space ? 1 : 0) + n + 1;
	char *b = sys_scratch(in, need);
	if (b == NULL) {
		return -1;
	}
	if (space) {
		b[(*len)++] = ' ';
	}
	memcpy(b + *len, s, n);
	*len += n;
	b[*len] = '\0';
	return 0;
}

/* aargs - proc.aargs: one ancestor's proc.args, or every known parent's
 * (without an index), space-separated; NA when there are none. */
static int aargs(struct sys_inst *in, const struct sk_event *ev, const struct sk_field_req *req,
		 struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	if (req->has_index) {
		struct sk_thread *a = ancestor(in, t, req->arg_index);
		return a ? other_of(in, ev, a, "proc.args", &args_p_cache, v) : SK_NA;
	}
	/* proc.args of an ancestor comes in the scratch buffer too: keep the
	 * joined text in a buffer of our own until the end */
	char *out = NULL;
	size_t len = 0;
	for (struct sk_thread *a = sk_state_parent(&in->st, t); a;
	     a = sk_state_parent(&in->st, a)) {
		struct sk_value s;
		if (other_of(in, ev, a, "proc.args", &args_p_cache, &s) != SK_OK ||
		    s.str.len == 0) {
			continue;
		}
		char *n = realloc(out, len + s.str.len + 2);
		if (n == NULL) {
			free(out);
			return SK_ERR;
		}
		out = n;
		if (len) {
			out[len++] = ' ';
		}
		memcpy(out + len, s.str.ptr, s.str.len);
		len += s.str.len;
		out[len] = '\0';
	}
	if (out == NULL) {
		return SK_NA;
	}
	size_t l = 0;
	int rc = append(in, &l, out, len, false) < 0 ? SK_ERR : sys_ret_str(v, in->buf);
	free(out);
	return rc;
}

/* env_of - proc.env of thread a, copied to the heap (NULL: none). */
static char *env_of(struct sys_inst *in, const struct sk_event *ev, struct sk_thread *a,
		    const char *key)
{
	struct sk_thread *saved = in->ev.t;
	struct sk_value s;
	in->ev.t = a;
	int rc = other(in, ev, "proc.env", &env_cache, key, &s);
	in->ev.t = saved;
	return rc == SK_OK && s.type == SK_TYPE_STRING ? strndup(s.str.ptr, s.str.len) : NULL;
}

/* aenv - proc.aenv, as Falco: [0] or nothing in outputs is proc.env; [N]
 * the N-th ancestor's; [NAME] the first non-empty value among the parents;
 * without an argument (conditions) a list of every parent's environment,
 * so that `contains` matches any of them. */
static int aenv(struct sys_inst *in, const struct sk_event *ev, const struct sk_field_req *req,
		struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	if (req->arg_key != NULL && req->has_index) {
		if (req->arg_index == 0) {
			return other(in, ev, "proc.env", &env_cache, NULL, v);
		}
		struct sk_thread *a = ancestor(in, t, req->arg_index);
		return a ? other_of(in, ev, a, "proc.env", &env_cache, v) : SK_NA;
	}
	if (req->arg_key != NULL) {
		char *found = NULL;
		struct sk_thread *a = sk_state_parent(&in->st, t);
		for (int i = 0; a != NULL && i < AENV_MAX_LEVELS; i++) {
			found = env_of(in, ev, a, req->arg_key);
			if (found != NULL && found[0] != '\0') {
				break;
			}
			free(found);
			found = NULL;
			a = sk_state_parent(&in->st, a);
		}
		size_t l = 0;
		int rc = append(in, &l, found ? found : "", found ? strlen(found) : 0, false) < 0
			     ? SK_ERR
			     : sys_ret_str(v, in->buf);
		free(found);
		return rc;
	}
	/* every parent's environment, as a list: the texts first (copied out
	 * of the scratch buffer, which each extraction reuses), then the items
	 * at the head of the buffer */
	enum { MAXA = 64 };
	char *envs[MAXA];
	size_t n = 0, bytes = 0;
	for (struct sk_thread *a = sk_state_parent(&in->st, t); a && n < MAXA;
	     a = sk_state_parent(&in->st, a)) {
		char *e = env_of(in, ev, a, NULL);
		if (e != NULL) {
			envs[n++] = e;
			bytes += strlen(e) + 1;
		}
	}
	if (n == 0) {
		return SK_NA;
	}
	size_t head = n * sizeof(struct sk_value);
	char *b = sys_scratch(in, head + bytes);
	int rc = SK_ERR;
	if (b != NULL) {
		struct sk_value *items = (struct sk_value *)b;
		char *sp = b + head;
		for (size_t i = 0; i < n; i++) {
			size_t l = strlen(envs[i]);
			memcpy(sp, envs[i], l + 1);
			memset(&items[i], 0, sizeof(items[i]));
			items[i].type = SK_TYPE_STRING;
			items[i].str.ptr = sp;
			items[i].str.len = (uint32_t)l;
			sp += l + 1;
		}
		v->type = SK_TYPE_LIST;
		v->list.items = items;
		v->list.n = n;
		rc = SK_OK;
	}
	for (size_t i = 0; i < n; i++) {
		free(envs[i]);
	}
	return rc;
}

static int fdusage(struct sys_inst *in, const struct sk_event *ev, struct sk_value *v)
{
	struct sk_value open, limit;
	if (other(in, ev, "proc.fdopencount", &opencount_cache, NULL, &open) != SK_OK) {
		return SK_NA;
	}
	if (other(in, ev, "proc.fdlimit", &fdlimit_cache, NULL, &limit) != SK_OK ||
	    limit.i64 <= 0) {
		return sys_ret_u64(v, SK_TYPE_U64, 0);
	}
	uint64_t lim = (uint64_t)limit.i64;
	return sys_ret_u64(v, SK_TYPE_U64, open.u64 >= lim ? 100 : open.u64 * 100 / lim);
}

static int proc_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
		      const struct sk_field_req *req, struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	bool is_main = t->tid == t->pid;
	switch (id) {
	case FE_PROC_AARGS:
		return aargs(in, ev, req, v);
	case FE_PROC_AENV:
		return aenv(in, ev, req, v);
	case FE_PROC_PGID:
		if (t->pgid < 0) {
			return SK_NA;
		}
		v->type = SK_TYPE_I64;
		v->i64 = t->pgid;
		return SK_OK;
	/* fields_proc.c's process group leader is the one of the host pgid */
	case FE_PROC_PGID_NAME:
		return other(in, ev, "proc.vpgid.name", &pgname_cache, NULL, v);
	case FE_PROC_PGID_EXE:
		return other(in, ev, "proc.vpgid.exe", &pgexe_cache, NULL, v);
	case FE_PROC_PGID_EXEPATH:
		return other(in, ev, "proc.vpgid.exepath", &pgexepath_cache, NULL, v);
	case FE_PROC_IS_PGID_LEADER:
		return t->pgid >= 0 ? sys_ret_bool(v, t->pgid == t->pid) : SK_NA;
	case FE_PROC_FDUSAGE:
		return fdusage(in, ev, v);
	case FE_PROC_VMSIZE:
		return sys_ret_u64(v, SK_TYPE_U64, t->vmsize_kb);
	case FE_PROC_VMRSS:
		return sys_ret_u64(v, SK_TYPE_U64, t->vmrss_kb);
	case FE_PROC_VMSWAP:
		return sys_ret_u64(v, SK_TYPE_U64, t->vmswap_kb);
	case FE_THREAD_VMSIZE:
		return sys_ret_u64(v, SK_TYPE_U64, is_main ? t->vmsize_kb : 0);
	case FE_THREAD_VMRSS:
		return sys_ret_u64(v, SK_TYPE_U64, is_main ? t->vmrss_kb : 0);
	case FE_THREAD_PFMAJOR:
		return t->pf_known ? sys_ret_u64(v, SK_TYPE_U64, t->pfmajor) : SK_NA;
	case FE_THREAD_PFMINOR:
		return t->pf_known ? sys_ret_u64(v, SK_TYPE_U64, t->pfminor) : SK_NA;
	case FE_THREAD_CPU:
	case FE_THREAD_CPU_USER:
	case FE_THREAD_CPU_SYSTEM:
		return SK_NA;
	case FE_THREAD_EXECTIME:
	case FE_THREAD_TOTEXECTIME:
		return sys_ret_u64(v, SK_TYPE_RELTIME, 0);
	default:
		return SK_ERR;
	}
}

static int buflen_cache = -1, ioread_cache = -1, iowrite_cache = -1, typechar_cache = -1,
	   name_cache = -1;

/* buflen_of - evt.buflen when the event reads (dir 'r') or writes ('w', or
 * either: 0) data on an fd whose fd.typechar is in `kinds` (NULL: any). */
static int buflen_of(struct sys_inst *in, const struct sk_event *ev, char dir, const char *kinds,
		     struct sk_value *v)
{
	struct sk_value b;
	if (dir) {
		bool rd = other(in, ev, "evt.is_io_read", &ioread_cache, NULL, &b) == SK_OK && b.b;
		bool wr = other(in, ev, "evt.is_io_write", &iowrite_cache, NULL, &b) == SK_OK && b.b;
		if ((dir == 'r' && !rd) || (dir == 'w' && !wr)) {
			return SK_NA;
		}
	}
	if (kinds) {
		if (other(in, ev, "fd.typechar", &typechar_cache, NULL, &b) != SK_OK ||
		    b.str.len != 1 || strchr(kinds, b.str.ptr[0]) == NULL) {
			return SK_NA;
		}
	}
	return other(in, ev, "evt.buflen", &buflen_cache, NULL, v);
}

/* legacy_field - SYS_FIELDS_LEGACY: the table-only fields with values, the
 * deprecated ones NA. */
static int legacy_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
			struct sk_value *v)
{
	switch (id) {
	case FE_EVT_BUFLEN_IN:
		return buflen_of(in, ev, 'r', NULL, v);
	case FE_EVT_BUFLEN_OUT:
		return buflen_of(in, ev, 'w', NULL, v);
	case FE_EVT_BUFLEN_FILE:
		return buflen_of(in, ev, 0, "f", v);
	case FE_EVT_BUFLEN_FILE_IN:
		return buflen_of(in, ev, 'r', "f", v);
	case FE_EVT_BUFLEN_FILE_OUT:
		return buflen_of(in, ev, 'w', "f", v);
	case FE_EVT_BUFLEN_NET:
		return buflen_of(in, ev, 0, "46", v);
	case FE_EVT_BUFLEN_NET_IN:
		return buflen_of(in, ev, 'r', "46", v);
	case FE_EVT_BUFLEN_NET_OUT:
		return buflen_of(in, ev, 'w', "46", v);
	default:
		break;
	}
	struct sk_thread *t = in->ev.t;
	if (t == NULL) {
		return SK_NA;
	}
	bool is_main = t->tid == t->pid;
	switch (id) {
	case FE_THREAD_NAMETID: {
		struct sk_value n;
		if (other(in, ev, "proc.name", &name_cache, NULL, &n) != SK_OK) {
			return SK_NA;
		}
		/* the name may live in the scratch buffer: copy it first */
		char name[256];
		int nl = n.str.len < sizeof(name) ? (int)n.str.len : (int)sizeof(name) - 1;
		memcpy(name, n.str.ptr, (size_t)nl);
		char *s = sys_scratch(in, (size_t)nl + 24);
		if (s == NULL) {
			return SK_ERR;
		}
		snprintf(s, (size_t)nl + 24, "%.*s%" PRId64, nl, name, (int64_t)t->tid);
		return sys_ret_str(v, s);
	}
	case FE_THREAD_VMSIZE_B:
		return sys_ret_u64(v, SK_TYPE_U64, is_main ? t->vmsize_kb * 1024ull : 0);
	case FE_THREAD_VMRSS_B:
		return sys_ret_u64(v, SK_TYPE_U64, is_main ? t->vmrss_kb * 1024ull : 0);
	default:
		return SK_NA; /* deprecated: nothing to extract */
	}
}

int sys_evtproc_extract(struct sys_inst *in, const struct sk_event *ev, unsigned id,
			const struct sk_field_req *req, struct sk_value *v)
{
	if (id >= FE_EVT_BUFLEN_IN) {
		return legacy_field(in, ev, id, v);
	}
	if (id < FE_PROC_AARGS) {
		return evt_field(in, ev, id, req, v);
	}
	if (in->ev.t == NULL) {
		/* Falco's thread.exectime and totexectime need no thread */
		return id == FE_THREAD_EXECTIME || id == FE_THREAD_TOTEXECTIME
			   ? sys_ret_u64(v, SK_TYPE_RELTIME, 0)
			   : SK_NA;
	}
	return proc_field(in, ev, id, req, v);
}
