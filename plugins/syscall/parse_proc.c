/* plugins/syscall/parse_proc.c - the parser's part for processes: clone
 * and execve (a thread's process, program, arguments, environment,
 * cgroups, ids, root), credential changes (set*id, capset), process group
 * and session (setpgid, setsid), chroot's root and the working directory
 * (chdir, fchdir). A process's exit is parse.c's (the state marks it
 * dead). */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <shrike/syscall_names.h>

#include "parse.h"
#include "syscall.h"

static void set_mem(char **dst, size_t *dst_len, const char *src, uint32_t len)
{
	/* CHARBUFARRAY: drop the last terminator, entries stay NUL-separated */
	if (len > 0 && src[len - 1] == '\0') {
		len--;
	}
	if (sk_state_set_str(dst, src, len) == 0 && dst_len != NULL) {
		*dst_len = len;
	}
}

/* ---- processes ---- */

/* fill_proc_common - the parameters clone and execve records share. */
static void fill_proc_common(struct sys_inst *in, struct sk_thread *t)
{
	int64_t v;
	uint32_t len;
	const char *s;
	if ((s = p_str(in, "exe")) != NULL) {
		sk_state_set_str(&t->exe, s, strlen(s));
	}
	if ((s = p_mem(in, "args", &len)) != NULL) {
		set_mem(&t->args, &t->args_len, s, len);
	} else if (in->ev.info != NULL && sys_param_named(in->ev.info, "args") >= 0) {
		free(t->args);
		t->args = NULL;
		t->args_len = 0;
	}
	if ((s = p_str(in, "comm")) != NULL) {
		snprintf(t->comm, sizeof(t->comm), "%s", s);
	}
	if ((s = p_str(in, "cwd")) != NULL && s[0] == '/' && t->files != NULL) {
		sk_state_set_str(&t->files->cwd, s, strlen(s));
	}
	if ((s = p_mem(in, "cgroups", &len)) != NULL) {
		set_mem(&t->cgroups, &t->cgroups_len, s, len);
	}
	if (p_i64(in, "pid", &v)) {
		t->pid = v;
	}
	if (p_i64(in, "vtid", &v)) {
		t->vtid = v;
	}
	if (p_i64(in, "vpid", &v)) {
		t->vpid = v;
	}
	if (p_i64(in, "fdlimit", &v)) {
		t->fdlimit = (uint64_t)v;
	}
	if (p_i64(in, "tty", &v)) {
		t->tty = (uint32_t)v;
	}
	if (p_i64(in, "vpgid", &v)) {
		t->vpgid = v;
	}
	if (p_i64(in, "pgid", &v)) {
		t->pgid = v;
	}
	if (p_i64(in, "sid", &v)) {
		t->sid = v;
	}
	if (p_i64(in, "loginuid", &v)) {
		t->loginuid = (uint32_t)v;
	}
	if (p_i64(in, "pidns_init_start_ts", &v)) {
		t->pidns_init_ts = (uint64_t)v;
	}
	if (p_i64(in, "cap_inheritable", &v)) {
		t->cap_inh = (uint64_t)v;
	}
	if (p_i64(in, "cap_permitted", &v)) {
		t->cap_prm = (uint64_t)v;
	}
	if (p_i64(in, "cap_effective", &v)) {
		t->cap_eff = (uint64_t)v;
	}
	/* clone's uid/gid are the real ids, execve's the effective ones (as
	 * Falco's); both set the ids Falco's user.uid shows */
	if (p_i64(in, "uid", &v)) {
		t->euid = (uint32_t)v;
		if (in->ev.rec->type != SK_SC_EXECVE && in->ev.rec->type != SK_SC_EXECVEAT) {
			t->uid = (uint32_t)v;
		}
	}
	if (p_i64(in, "gid", &v)) {
		t->egid = (uint32_t)v;
		if (in->ev.rec->type != SK_SC_EXECVE && in->ev.rec->type != SK_SC_EXECVEAT) {
			t->gid = (uint32_t)v;
		}
	}
}

/* refresh_root - after an exec or a chroot (force: even when the root
 * looks the same), find the process's root directory again. Replaying a
 * capture, the live run's answer arrives as a state record instead. */
void sys_refresh_root(struct sys_inst *in, struct sk_thread *t, bool force)
{
	char path[PATH_MAX];
	struct stat sb;
	if (in->st.offline) {
		return;
	}
	snprintf(path, sizeof(path), "%s/%lld/root", in->st.proc_root, (long long)t->pid);
	if (stat(path, &sb) != 0) {
		/* gone already: the root inherited from the parent may be wrong
		 * (a container runtime's init changes its root before it execs),
		 * so resolve it later (sk_state_userdb) */
		if (t->root_key != 0) {
			t->root_key = 0;
			sk_state_learnt(&in->st, SK_LEARNT_ROOTKEY, t, 0);
		}
		/* recording a capture: resolve it now, through a process of
		 * the same container that is still alive, so the file holds
		 * the answer and the users of that root (a replay cannot ask
		 * /proc later) */
		if (in->snap.capturing) {
			sk_state_userdb(&in->st, t, in->ev.rec->ts, false);
		}
		return;
	}
	uint64_t key = ((uint64_t)sb.st_dev << 40) ^ (uint64_t)sb.st_ino;
	if (key != t->root_key || force) {
		t->root_key = key;
		sk_state_learnt(&in->st, SK_LEARNT_ROOTKEY, t, 0);
		/* load the users while the process is alive to show the way */
		sk_state_userdb(&in->st, t, in->ev.rec->ts, false);
	}
}

void sys_parse_clone(struct sys_inst *in)
{
	const struct sk_evt_hdr *rec = in->ev.rec;
	int64_t res = -1, flags = 0, ptid = -1, pid = -1;
	p_i64(in, "res", &res);
	p_i64(in, "flags", &flags);
	p_i64(in, "ptid", &ptid);
	p_i64(in, "pid", &pid);
	if (res < 0) {
		return;
	}
	if (res > 0) {
		/* the parent's record: its thread is the event's; the child
		 * comes from its own record (res = 0) */
		in->ev.t = sk_state_get_thread(&in->st, (int64_t)rec->tid);
		return;
	}
	/* the child's record: the header's tid is the child */
	int64_t tid = (int64_t)rec->tid;
	struct sk_thread *parent = ptid > 0 ? sk_state_thread(&in->st, ptid) : NULL;
	if (parent == NULL && ptid > 0 && in->st.conf.scan_proc && !in->st.offline) {
		parent = sk_state_load_tid(&in->st, ptid);
	}
	bool is_thread = (flags & CLONE_THREAD) != 0;
	/* what the child needs of its parent, read before the insertion (a
	 * full table may evict the parent) */
	int64_t parent_pid = parent ? parent->pid : ptid, parent_ppid = parent ? parent->ppid : -1;
	bool parent_env = parent != NULL && parent->env_loaded;
	struct sk_thread *t;
	if (parent != NULL) {
		in->st.pin = parent->tid;
		t = sk_state_clone(&in->st, parent, tid, is_thread || (flags & CLONE_FILES));
		in->st.pin = 0;
	} else {
		t = sk_state_new_thread(&in->st, tid);
	}
	if (t == NULL) {
		return;
	}
	t->start_ts = rec->ts;
	t->env_loaded = parent_env;
	t->pid = is_thread ? parent_pid : tid;
	fill_proc_common(in, t);
	if (!is_thread) {
		t->ppid = parent_pid;
		if ((flags & CLONE_PARENT) && parent_ppid >= 0) {
			t->ppid = parent_ppid;
		}
	}
	if (flags & CLONE_NEWPID) {
		t->pidns_init_ts = rec->ts;
	}
	in->ev.t = t;
}

void sys_parse_execve(struct sys_inst *in)
{
	int64_t res = -1, v;
	p_i64(in, "res", &res);
	struct sk_thread *t = in->ev.t;
	if (res != 0 || t == NULL) {
		return;
	}
	fill_proc_common(in, t);
	const char *s = p_str(in, "trusted_exepath");
	char path[PATH_MAX];
	if (s != NULL && s[0] != '\0') {
		sk_state_set_str(&t->exepath, s, strlen(s));
	} else {
		int fi = sys_param_named(
		    in->ev.info, in->ev.rec->type == SK_SC_EXECVEAT ? "pathname" : "filename");
		int pl = fi >= 0 ? sys_resolve_path(in, (unsigned)fi, path, sizeof(path)) : -1;
		if (pl >= 0) {
			sk_state_set_str(&t->exepath, path, (size_t)pl);
		}
	}
	uint32_t len;
	const char *env = p_mem(in, "env", &len);
	if (env != NULL) {
		set_mem(&t->env, &t->env_len, env, len);
		t->env_loaded = true;
	} else {
		free(t->env);
		t->env = NULL;
		t->env_len = 0;
		t->env_loaded = false;
	}
	t->exe_writable = t->exe_upper_layer = t->exe_lower_layer = t->exe_from_memfd = false;
	if (p_i64(in, "flags", &v)) {
		t->exe_writable = (v & SK_EXE_WRITABLE) != 0;
		t->exe_upper_layer = (v & SK_EXE_UPPER_LAYER) != 0;
		t->exe_lower_layer = (v & SK_EXE_LOWER_LAYER) != 0;
		t->exe_from_memfd = (v & SK_EXE_FROM_MEMFD) != 0;
	}
	/* the kernel names a memfd's file "/memfd:NAME (deleted)" */
	if (t->exepath != NULL && strncmp(t->exepath, "/memfd:", 7) == 0) {
		t->exe_from_memfd = true;
	}
	if (p_i64(in, "exe_ino", &v)) {
		t->exe_ino = (uint64_t)v;
	}
	if (p_i64(in, "exe_ino_ctime", &v)) {
		t->exe_ctime = (uint64_t)v;
	}
	if (p_i64(in, "exe_ino_mtime", &v)) {
		t->exe_mtime = (uint64_t)v;
	}
	/* the exec closed the close-on-exec descriptors */
	if (t->files != NULL) {
		for (size_t i = 0; i < t->files->fds.cap; i++) {
			struct sk_fd *fd = t->files->fds.slots[i].val;
			while (fd != NULL && (fd->flags & O_CLOEXEC) && !fd->from_proc) {
				sk_fd_close(&in->st, t, fd->num);
				fd = t->files->fds.slots[i].val; /* backward shift moved one here */
			}
		}
	}
	sys_refresh_root(in, t, false);
}

void sys_parse_setids(struct sys_inst *in)
{
	int64_t res = -1, a = -1, b = -1;
	struct sk_thread *t = in->ev.t;
	p_i64(in, "res", &res);
	if (res != 0 || t == NULL) {
		return;
	}
	switch (in->ev.rec->type) {
	case SK_SC_SETUID:
		if (p_i64(in, "uid", &a)) {
			t->uid = t->euid = (uint32_t)a;
		}
		break;
	case SK_SC_SETGID:
		if (p_i64(in, "gid", &a)) {
			t->gid = t->egid = (uint32_t)a;
		}
		break;
	case SK_SC_SETRESUID:
	case SK_SC_SETREUID:
		if (p_i64(in, "ruid", &a) && (uint32_t)a != 0xffffffffu) {
			t->uid = (uint32_t)a;
		}
		if (p_i64(in, "euid", &b) && (uint32_t)b != 0xffffffffu) {
			t->euid = (uint32_t)b;
		}
		break;
	case SK_SC_SETRESGID:
	case SK_SC_SETREGID:
		if (p_i64(in, "rgid", &a) && (uint32_t)a != 0xffffffffu) {
			t->gid = (uint32_t)a;
		}
		if (p_i64(in, "egid", &b) && (uint32_t)b != 0xffffffffu) {
			t->egid = (uint32_t)b;
		}
		break;
	case SK_SC_CAPSET:
		if (p_i64(in, "cap_inheritable", &a)) {
			t->cap_inh = (uint64_t)a;
		}
		if (p_i64(in, "cap_permitted", &a)) {
			t->cap_prm = (uint64_t)a;
		}
		if (p_i64(in, "cap_effective", &a)) {
			t->cap_eff = (uint64_t)a;
		}
		break;
	default:
		break;
	}
}

void sys_parse_pgid_sid(struct sys_inst *in)
{
	int64_t res = -1, pid = -1, pgid = -1;
	struct sk_thread *t = in->ev.t;
	p_i64(in, "res", &res);
	if (res < 0 || t == NULL) {
		return;
	}
	if (in->ev.rec->type == SK_SC_SETSID) {
		t->sid = t->pid;
		t->pgid = t->pid;
		t->vpgid = t->vpid >= 0 ? t->vpid : t->pid;
		return;
	}
	p_i64(in, "pid", &pid);
	p_i64(in, "pgid", &pgid);
	if (pid == 0 || pid == t->vpid || (t->vpid < 0 && pid == t->pid)) {
		/* setpgid(0 or self, pgid): pgid is in the caller's namespace */
		int64_t vp = pgid == 0 ? (t->vpid >= 0 ? t->vpid : t->pid) : pgid;
		t->vpgid = vp;
		if (t->vpid < 0 || t->vpid == t->pid) {
			t->pgid = vp;
		} else if (pgid == 0) {
			t->pgid = t->pid;
		}
	}
}

void sys_parse_chdir(struct sys_inst *in)
{
	int64_t res = -1;
	struct sk_thread *t = in->ev.t;
	p_i64(in, "res", &res);
	if (res != 0 || t == NULL || t->files == NULL) {
		return;
	}
	if (in->ev.rec->type == SK_SC_FCHDIR) {
		int64_t num;
		const struct sk_fd *fd = p_i64(in, "fd", &num) ? sk_fd_get(t, num) : NULL;
		in->ev.fd = (struct sk_fd *)fd;
		if (fd != NULL && fd->name != NULL && fd->name[0] == '/') {
			sk_state_set_str(&t->files->cwd, fd->name, strlen(fd->name));
		}
		return;
	}
	const char *s = p_str(in, "path");
	char path[PATH_MAX];
	int pl = s ? sk_path_join(sys_thread_cwd(t), s, path, sizeof(path)) : -1;
	if (pl >= 0) {
		sk_state_set_str(&t->files->cwd, path, (size_t)pl);
	}
}
