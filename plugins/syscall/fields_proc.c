/* plugins/syscall/fields_proc.c - the syscall plugin's proc.* and thread.*
 * fields of fields.h, from the thread table: the process's identity,
 * command line, arguments and environment, working directory, thread
 * counts, its parent, ancestors (proc.a*), session and process group
 * leaders, terminal and login shell; its start times and executable's
 * facts (proc.duration, proc.pid.ts, proc.is_exe_*, proc.exe_ino*); open
 * fd counts, limits and standard streams (proc.fd*, proc.std*); the
 * thread's ids, capabilities and cgroups (thread.*). Values point into the
 * instance's scratch buffer or into the state: valid until the next
 * extract(). */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "names.h"
#include "syscall.h"

/* join - NUL-separated entries joined by `sep` into the scratch buffer. */
static const char *join(struct sys_inst *in, const char *s, size_t len, char sep)
{
	char *b = sys_scratch(in, len + 1);
	if (b == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		b[i] = s[i] == '\0' ? sep : s[i];
	}
	b[len] = '\0';
	return b;
}

static const char *const shells[] = {"ash",  "bash", "csh",  "ksh",  "sh",
				     "tcsh", "zsh",  "dash", "fish", NULL};

static bool is_shell(const char *comm)
{
	for (const char *const *s = shells; *s; s++) {
		if (strcmp(comm, *s) == 0) {
			return true;
		}
	}
	return false;
}

/* ---- process helpers ---- */

static const char *cmdline(struct sys_inst *in, const char *first, const struct sk_thread *t)
{
	size_t fl = strlen(first);
	char *b = sys_scratch(in, fl + t->args_len + 2);
	if (b == NULL) {
		return NULL;
	}
	memcpy(b, first, fl);
	size_t n = fl;
	if (t->args != NULL && t->args_len > 0) {
		b[n++] = ' ';
		for (size_t i = 0; i < t->args_len; i++) {
			b[n++] = t->args[i] == '\0' ? ' ' : t->args[i];
		}
	}
	b[n] = '\0';
	return b;
}

/* ancestor - the n-th ancestor (0: t itself). */
static const struct sk_thread *ancestor(const struct sys_inst *in, const struct sk_thread *t,
					uint64_t n)
{
	for (uint64_t i = 0; i < n && t != NULL; i++) {
		t = sk_state_parent(&in->st, t);
	}
	return t;
}

enum afield { A_NAME, A_PID, A_EXE, A_EXEPATH, A_CMDLINE };

static int proc_value(struct sys_inst *in, const struct sk_thread *t, enum afield f,
		      struct sk_value *v)
{
	if (t == NULL) {
		return SK_NA;
	}
	switch (f) {
	case A_NAME:
		return t->comm[0] ? sys_ret_str(v, t->comm) : SK_NA;
	case A_PID:
		return sys_ret_i64(v, t->pid);
	case A_EXE:
		return sys_ret_str(v, t->exe);
	case A_EXEPATH:
		return sys_ret_str(v, t->exepath);
	case A_CMDLINE: {
		const char *c = cmdline(in, t->comm, t);
		return c ? sys_ret_str(v, c) : SK_ERR;
	}
	}
	return SK_NA;
}

/* ancestors - proc.a*[N], or every ancestor as a list without an index. */
static int ancestors(struct sys_inst *in, const struct sk_field_req *req, enum afield f,
		     struct sk_value *v)
{
	const struct sk_thread *t = in->ev.t;
	if (req->arg_key != NULL) {
		if (!req->has_index) {
			return SK_NA;
		}
		return proc_value(in, ancestor(in, t, req->arg_index), f, v);
	}
	/* a list of every known ancestor; strings are copied into one buffer */
	static const size_t max = 64;
	const struct sk_thread *chain[64];
	size_t n = 0, bytes = 0;
	for (const struct sk_thread *a = sk_state_parent(&in->st, t); a && n < max;
	     a = sk_state_parent(&in->st, a)) {
		chain[n++] = a;
		const char *s = f == A_NAME ? a->comm : f == A_EXE ? a->exe : a->exepath;
		bytes += (f == A_PID || s == NULL ? 0 : strlen(s)) + 1;
		if (f == A_CMDLINE) {
			bytes += strlen(a->comm) + a->args_len + 2;
		}
	}
	if (n == 0) {
		return SK_NA;
	}
	size_t head = n * sizeof(struct sk_value);
	char *b = sys_scratch(in, head + bytes + 8);
	if (b == NULL) {
		return SK_ERR;
	}
	struct sk_value *items = (struct sk_value *)b;
	char *sp = b + head;
	for (size_t i = 0; i < n; i++) {
		const struct sk_thread *a = chain[i];
		memset(&items[i], 0, sizeof(items[i]));
		if (f == A_PID) {
			items[i].type = SK_TYPE_I64;
			items[i].i64 = a->pid;
			continue;
		}
		size_t l = 0;
		if (f == A_CMDLINE) {
			l = strlen(a->comm);
			memcpy(sp, a->comm, l);
			if (a->args && a->args_len) {
				sp[l++] = ' ';
				for (size_t k = 0; k < a->args_len; k++) {
					sp[l++] = a->args[k] ? a->args[k] : ' ';
				}
			}
		} else {
			const char *s = f == A_NAME ? a->comm : f == A_EXE ? a->exe : a->exepath;
			l = s ? strlen(s) : 0;
			memcpy(sp, s ? s : "", l);
		}
		sp[l] = '\0';
		items[i].type = SK_TYPE_STRING;
		items[i].str.ptr = sp;
		items[i].str.len = (uint32_t)l;
		sp += l + 1;
	}
	v->type = SK_TYPE_LIST;
	v->list.items = items;
	v->list.n = (uint32_t)n;
	return SK_OK;
}

/* session_leader - the process whose pid is t's session id, or else the
 * eldest ancestor in the same session. */
static const struct sk_thread *session_leader(const struct sys_inst *in, const struct sk_thread *t)
{
	if (t->sid <= 0) {
		return NULL;
	}
	const struct sk_thread *l = sk_state_thread(&in->st, t->sid);
	if (l != NULL && l->sid == t->sid) {
		return l;
	}
	const struct sk_thread *best = t;
	for (const struct sk_thread *a = sk_state_parent(&in->st, t); a;
	     a = sk_state_parent(&in->st, a)) {
		if (a->sid != t->sid) {
			break;
		}
		best = a;
	}
	return best;
}

static const struct sk_thread *group_leader(const struct sys_inst *in, const struct sk_thread *t)
{
	if (t->pgid <= 0) {
		return NULL;
	}
	const struct sk_thread *l = sk_state_thread(&in->st, t->pgid);
	if (l != NULL) {
		return l;
	}
	const struct sk_thread *best = t;
	for (const struct sk_thread *a = sk_state_parent(&in->st, t); a;
	     a = sk_state_parent(&in->st, a)) {
		if (a->pgid != t->pgid) {
			break;
		}
		best = a;
	}
	return best;
}

static int caps(struct sys_inst *in, uint64_t mask, struct sk_value *v)
{
	char *b = sys_scratch(in, 1024);
	if (b == NULL) {
		return SK_ERR;
	}
	sk_caps_format(mask, b, 1024);
	return sys_ret_str(v, b);
}

static int env_value(struct sys_inst *in, const char *key, struct sk_value *v)
{
	size_t len = 0;
	const char *env = sk_state_env(&in->st, in->ev.t, &len);
	if (env == NULL) {
		return SK_NA;
	}
	if (key == NULL) {
		const char *s = join(in, env, len, ' ');
		return s ? sys_ret_str(v, s) : SK_ERR;
	}
	size_t kl = strlen(key);
	for (size_t off = 0; off < len;) {
		const char *e = env + off;
		size_t el = strnlen(e, len - off);
		if (el > kl && strncmp(e, key, kl) == 0 && e[kl] == '=') {
			return sys_ret_fmt(in, v, "%.*s", (int)(el - kl - 1), e + kl + 1);
		}
		off += el + 1;
	}
	return SK_NA;
}

static int cgroup_value(struct sys_inst *in, const char *ctrl, struct sk_value *v)
{
	const struct sk_thread *t = in->ev.t;
	if (t->cgroups == NULL) {
		return SK_NA;
	}
	if (ctrl == NULL) {
		const char *s = join(in, t->cgroups, t->cgroups_len, ' ');
		return s ? sys_ret_str(v, s) : SK_ERR;
	}
	size_t kl = strlen(ctrl);
	for (size_t off = 0; off < t->cgroups_len;) {
		const char *e = t->cgroups + off;
		size_t el = strnlen(e, t->cgroups_len - off);
		/* "cpu,cpuacct=/path": any controller of the list matches */
		const char *eq = memchr(e, '=', el);
		if (eq != NULL) {
			for (const char *c = e; c < eq;) {
				const char *comma = memchr(c, ',', (size_t)(eq - c));
				const char *ce = comma ? comma : eq;
				if ((size_t)(ce - c) == kl && strncmp(c, ctrl, kl) == 0) {
					return sys_ret_fmt(in, v, "%.*s", (int)(e + el - eq - 1),
						       eq + 1);
				}
				c = ce + 1;
			}
		}
		off += el + 1;
	}
	return SK_NA;
}

/* thread_counts - live threads of process `pid` in the table, and those
 * other than its main thread. */
static void thread_counts(const struct sys_inst *in, int64_t pid, uint64_t *ret_all,
			  uint64_t *ret_others)
{
	uint64_t all = 0, others = 0;
	for (size_t i = 0; i < in->st.threads.cap; i++) {
		const struct sk_thread *o = in->st.threads.slots[i].val;
		if (o != NULL && o->pid == pid && !o->dead) {
			all++;
			others += o->tid != pid;
		}
	}
	*ret_all = all;
	*ret_others = others;
}

static int fd_std(struct sys_inst *in, int64_t num, bool name, struct sk_value *v)
{
	const struct sk_fd *fd = sk_fd_get(in->ev.t, num);
	if (fd == NULL) {
		return SK_NA;
	}
	return sys_ret_str(v, name ? fd->name : sk_fd_type_name(fd->type));
}

/* args_count - proc.cmdnargs (arguments) or, with `chars`, proc.cmdlenargs
 * (their characters, separators not counted). */
static int args_count(const struct sk_thread *t, bool chars, struct sk_value *v)
{
	uint64_t n = 0;
	if (chars) {
		for (size_t i = 0; t->args && i < t->args_len; i++) {
			n += t->args[i] != '\0';
		}
		return sys_ret_u64(v, SK_TYPE_U64, n);
	}
	for (size_t i = 0; t->args && i <= t->args_len; i++) {
		n += i == t->args_len || t->args[i] == '\0';
	}
	return sys_ret_u64(v, SK_TYPE_U64, t->args && t->args_len ? n : 0);
}

/* login_shell - proc.loginshellid: the pid of the eldest shell among the
 * thread and its ancestors. */
static int login_shell(const struct sys_inst *in, const struct sk_thread *t, struct sk_value *v)
{
	int64_t id = -1;
	for (const struct sk_thread *a = t; a; a = sk_state_parent(&in->st, a)) {
		if (is_shell(a->comm)) {
			id = a->pid;
		}
	}
	return id >= 0 ? sys_ret_i64(v, id) : SK_NA;
}

/* thread_fd_field - the thread's fd counts and standard streams, and the
 * thread.* fields. */
static int thread_fd_field(struct sys_inst *in, unsigned id, const struct sk_field_req *req,
			   struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	switch (id) {
	case F_PROC_FDOPENCOUNT:
		return t->files ? sys_ret_u64(v, SK_TYPE_U64, t->files->fds.n) : SK_NA;
	case F_PROC_FDLIMIT:
		return t->fdlimit ? sys_ret_i64(v, (int64_t)t->fdlimit) : SK_NA;
	case F_PROC_STDIN_TYPE:
		return fd_std(in, 0, false, v);
	case F_PROC_STDIN_NAME:
		return fd_std(in, 0, true, v);
	case F_PROC_STDOUT_TYPE:
		return fd_std(in, 1, false, v);
	case F_PROC_STDOUT_NAME:
		return fd_std(in, 1, true, v);
	case F_PROC_STDERR_TYPE:
		return fd_std(in, 2, false, v);
	case F_PROC_STDERR_NAME:
		return fd_std(in, 2, true, v);
	case F_THREAD_TID:
		return sys_ret_i64(v, t->tid);
	case F_THREAD_VTID:
		return t->vtid >= 0 ? sys_ret_i64(v, t->vtid) : SK_NA;
	case F_THREAD_ISMAIN:
		return sys_ret_bool(v, t->tid == t->pid);
	case F_THREAD_CAP_PERMITTED:
		return caps(in, t->cap_prm, v);
	case F_THREAD_CAP_INHERITABLE:
		return caps(in, t->cap_inh, v);
	case F_THREAD_CAP_EFFECTIVE:
		return caps(in, t->cap_eff, v);
	case F_THREAD_CGROUPS:
		return cgroup_value(in, NULL, v);
	case F_THREAD_CGROUP:
		return req->arg_key ? cgroup_value(in, req->arg_key, v) : SK_NA;
	default:
		return SK_NA;
	}
}

/* exe_time_field - start times and durations, and the executable's facts
 * (writable, layer, memfd, inode and its times). */
static int exe_time_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
			  const struct sk_field_req *req, struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	const struct sk_thread *p = sk_state_parent(&in->st, t);
	uint64_t now = ev->rec->ts;
	switch (id) {
	case F_PROC_DURATION:
		return t->start_ts && now >= t->start_ts
			   ? sys_ret_u64(v, SK_TYPE_RELTIME, now - t->start_ts)
			   : SK_NA;
	case F_PROC_PID_TS:
		return t->start_ts ? sys_ret_u64(v, SK_TYPE_ABSTIME, t->start_ts) : SK_NA;
	case F_PROC_PPID_TS:
		return p && p->start_ts ? sys_ret_u64(v, SK_TYPE_ABSTIME, p->start_ts) : SK_NA;
	case F_PROC_PPID_DURATION:
		return p && p->start_ts && now >= p->start_ts
			   ? sys_ret_u64(v, SK_TYPE_RELTIME, now - p->start_ts)
			   : SK_NA;
	case F_PROC_IS_EXE_WRITABLE:
		return sys_ret_bool(v, t->exe_writable);
	case F_PROC_IS_EXE_UPPER_LAYER:
		return sys_ret_bool(v, t->exe_upper_layer);
	case F_PROC_IS_EXE_FROM_MEMFD:
		return sys_ret_bool(v, t->exe_from_memfd);
	case F_PROC_EXE_INO:
		return t->exe_ino ? sys_ret_u64(v, SK_TYPE_U64, t->exe_ino) : SK_NA;
	case F_PROC_EXE_INO_CTIME:
		return t->exe_ctime ? sys_ret_u64(v, SK_TYPE_ABSTIME, t->exe_ctime) : SK_NA;
	case F_PROC_EXE_INO_MTIME:
		return t->exe_mtime ? sys_ret_u64(v, SK_TYPE_ABSTIME, t->exe_mtime) : SK_NA;
	case F_PROC_EXE_INO_CTIME_PROC:
		return t->exe_ctime && t->start_ts >= t->exe_ctime
			   ? sys_ret_u64(v, SK_TYPE_RELTIME, t->start_ts - t->exe_ctime)
			   : SK_NA;
	case F_PROC_EXE_INO_CTIME_PIDNS:
		return t->exe_ctime && t->pidns_init_ts >= t->exe_ctime && t->pidns_init_ts
			   ? sys_ret_u64(v, SK_TYPE_RELTIME, t->pidns_init_ts - t->exe_ctime)
			   : SK_NA;
	case F_PROC_PIDNS_INIT_TS:
		return t->pidns_init_ts ? sys_ret_u64(v, SK_TYPE_ABSTIME, t->pidns_init_ts) : SK_NA;
	default:
		return thread_fd_field(in, id, req, v);
	}
}

/* proc_field - the process's identity, command line, family (parent,
 * ancestors, session, process group) and terminal; the rest in
 * exe_time_field and thread_fd_field. */
int sys_proc_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
		   const struct sk_field_req *req, struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	const struct sk_thread *p = sk_state_parent(&in->st, t);
	switch (id) {
	case F_PROC_PID:
		return sys_ret_i64(v, t->pid);
	case F_PROC_EXE:
		return sys_ret_str(v, t->exe);
	case F_PROC_NAME:
		return t->comm[0] ? sys_ret_str(v, t->comm) : SK_NA;
	case F_PROC_ARGS: {
		if (t->args == NULL) {
			return sys_ret_str(v, "");
		}
		const char *s = join(in, t->args, t->args_len, ' ');
		return s ? sys_ret_str(v, s) : SK_ERR;
	}
	case F_PROC_ENV:
		return env_value(in, req->arg_key, v);
	case F_PROC_CMDLINE:
		return proc_value(in, t, A_CMDLINE, v);
	case F_PROC_EXELINE: {
		const char *c = cmdline(in, t->exe ? t->exe : "", t);
		return c ? sys_ret_str(v, c) : SK_ERR;
	}
	case F_PROC_CMDNARGS:
	case F_PROC_CMDLENARGS:
		return args_count(t, id == F_PROC_CMDLENARGS, v);
	case F_PROC_CWD: {
		const char *cwd = t->files ? t->files->cwd : NULL;
		if (cwd == NULL) {
			return SK_NA;
		}
		size_t l = strlen(cwd);
		return sys_ret_fmt(in, v, "%s%s", cwd, l && cwd[l - 1] == '/' ? "" : "/");
	}
	case F_PROC_EXEPATH:
		return sys_ret_str(v, t->exepath);
	case F_PROC_NTHREADS:
	case F_PROC_NCHILDS: {
		uint64_t all, others;
		thread_counts(in, t->pid, &all, &others);
		return sys_ret_u64(v, SK_TYPE_U64, id == F_PROC_NTHREADS ? all : others);
	}
	case F_PROC_PPID:
		return t->ppid >= 0 ? sys_ret_i64(v, t->ppid) : SK_NA;
	case F_PROC_PNAME:
		return proc_value(in, p, A_NAME, v);
	case F_PROC_PCMDLINE:
		return proc_value(in, p, A_CMDLINE, v);
	case F_PROC_PEXE:
		return proc_value(in, p, A_EXE, v);
	case F_PROC_PEXEPATH:
		return proc_value(in, p, A_EXEPATH, v);
	case F_PROC_ANAME:
		return ancestors(in, req, A_NAME, v);
	case F_PROC_APID:
		return ancestors(in, req, A_PID, v);
	case F_PROC_AEXE:
		return ancestors(in, req, A_EXE, v);
	case F_PROC_AEXEPATH:
		return ancestors(in, req, A_EXEPATH, v);
	case F_PROC_ACMDLINE:
		return ancestors(in, req, A_CMDLINE, v);
	case F_PROC_VPID:
		return t->vpid >= 0 ? sys_ret_i64(v, t->vpid) : SK_NA;
	case F_PROC_PVPID:
		return p && p->vpid >= 0 ? sys_ret_i64(v, p->vpid) : SK_NA;
	case F_PROC_SID:
		return t->sid >= 0 ? sys_ret_i64(v, t->sid) : SK_NA;
	case F_PROC_SNAME:
		return proc_value(in, session_leader(in, t), A_NAME, v);
	case F_PROC_SID_EXE:
		return proc_value(in, session_leader(in, t), A_EXE, v);
	case F_PROC_SID_EXEPATH:
		return proc_value(in, session_leader(in, t), A_EXEPATH, v);
	case F_PROC_IS_SID_LEADER:
		return t->sid >= 0 ? sys_ret_bool(v, t->sid == (t->vpid >= 0 ? t->vpid : t->pid))
				   : SK_NA;
	case F_PROC_VPGID:
		return t->vpgid >= 0 ? sys_ret_i64(v, t->vpgid) : SK_NA;
	case F_PROC_VPGID_NAME:
		return proc_value(in, group_leader(in, t), A_NAME, v);
	case F_PROC_VPGID_EXE:
		return proc_value(in, group_leader(in, t), A_EXE, v);
	case F_PROC_VPGID_EXEPATH:
		return proc_value(in, group_leader(in, t), A_EXEPATH, v);
	case F_PROC_IS_VPGID_LEADER:
		return t->vpgid >= 0
			   ? sys_ret_bool(v, t->vpgid == (t->vpid >= 0 ? t->vpid : t->pid))
			   : SK_NA;
	case F_PROC_TTY:
		return sys_ret_u64(v, SK_TYPE_U64, t->tty);
	case F_PROC_LOGINSHELLID:
		return login_shell(in, t, v);
	default:
		return exe_time_field(in, ev, id, req, v);
	}
}
