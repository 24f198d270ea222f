/* plugins/syscall/parse.c - keep the state current from syscall records:
 * typed access to a record's parameters, path resolution, and
 * sys_parse_event(), which hands each record to the part that parses its
 * kind (parse_proc.c: the process family, credentials, working directory;
 * parse_fd.c: files, pipes and other descriptors; parse_net.c: sockets)
 * and decides which fd an event is about, for the fd.* fields. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shrike/syscall_names.h>

#include "parse.h"
#include "syscall.h"

/* ---- record access ---- */

bool sys_param(const struct sk_evt_hdr *rec, unsigned i, const void **ret_p, uint32_t *ret_len)
{
	if (sk_evt_param(rec, i, ret_p, ret_len) < 0 || *ret_len == 0) {
		return false;
	}
	return true;
}

bool sys_param_i64(const struct sk_evt_hdr *rec, const struct sk_sc_event *info, unsigned i,
		   int64_t *ret)
{
	const void *p;
	uint32_t len;
	if (info == NULL || i >= info->nparams || !sys_param(rec, i, &p, &len)) {
		return false;
	}
	uint32_t pt = info->params[i].type;
	if (len != sk_sc_pt_size(pt)) {
		return false;
	}
	switch (len) {
	case 8: {
		int64_t v;
		memcpy(&v, p, 8);
		*ret = v;
		return true;
	}
	case 4: {
		if (pt == SK_PT_I32) {
			int32_t v;
			memcpy(&v, p, 4);
			*ret = v;
		} else {
			uint32_t v;
			memcpy(&v, p, 4);
			*ret = v;
		}
		return true;
	}
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		*ret = v;
		return true;
	}
	case 1:
		*ret = *(const uint8_t *)p;
		return true;
	default:
		return false;
	}
}

const char *sys_param_str(const struct sk_evt_hdr *rec, unsigned i)
{
	const void *p;
	uint32_t len;
	if (!sys_param(rec, i, &p, &len) || ((const char *)p)[len - 1] != '\0') {
		return NULL;
	}
	return p;
}

/* A direct-mapped cache of (event type, name) -> parameter index: the
 * names come from string literals in the parse and field files, so the
 * pointer identifies the name (never pass text whose memory may be reused:
 * use sk_sc_param_index() for that); a miss falls back to the table's
 * strcmp loop. */
#define PARAM_CACHE_SIZE 1024u
static _Thread_local struct {
	const struct sk_sc_event *info;
	const char *name;
	int idx;
} param_cache[PARAM_CACHE_SIZE];

int sys_param_named(const struct sk_sc_event *info, const char *name)
{
	if (info == NULL) {
		return -1;
	}
	uintptr_t h = ((uintptr_t)info >> 4) * 31u + ((uintptr_t)name >> 2) * 17u;
	unsigned slot = (unsigned)(h % PARAM_CACHE_SIZE);
	if (param_cache[slot].info == info && param_cache[slot].name == name) {
		return param_cache[slot].idx;
	}
	int idx = sk_sc_param_index(info, name);
	param_cache[slot].info = info;
	param_cache[slot].name = name;
	param_cache[slot].idx = idx;
	return idx;
}

/* ---- helpers ---- */

const char *sys_thread_cwd(const struct sk_thread *t)
{
	return t && t->files && t->files->cwd ? t->files->cwd : "/";
}

int sys_resolve_path(struct sys_inst *in, unsigned i, char *buf, size_t cap)
{
	const struct sk_sc_event *info = in->ev.info;
	if (info == NULL || i >= info->nparams) {
		return -1;
	}
	const char *path = sys_param_str(in->ev.rec, i);
	if (path == NULL) {
		return -1;
	}
	const char *dir = sys_thread_cwd(in->ev.t);
	if (info->params[i].type == SK_PT_RELPATH && path[0] != '/') {
		int64_t dirfd;
		if (sys_param_i64(in->ev.rec, info, info->params[i].aux, &dirfd) &&
		    dirfd != AT_FDCWD) {
			const struct sk_fd *d = sk_fd_get(in->ev.t, dirfd);
			if (d == NULL || d->name == NULL || d->name[0] != '/') {
				/* unknown directory: Falco prints "<NA>" + path */
				int n = snprintf(buf, cap, "<NA>%s", path);
				return n < 0 || (size_t)n >= cap ? -1 : n;
			}
			dir = d->name;
		}
	}
	if (path[0] == '\0') {
		/* AT_EMPTY_PATH: the dirfd itself */
		int n = snprintf(buf, cap, "%s", dir);
		return n < 0 || (size_t)n >= cap ? -1 : n;
	}
	return sk_path_join(dir, path, buf, cap);
}

/* fd_of_event - the descriptor an event is about when it only names one:
 * its "fd" parameter (e.g. fchmod, read, shutdown). */
static void fd_of_event(struct sys_inst *in)
{
	int64_t num;
	int i = sys_param_named(in->ev.info, "fd");
	if (i < 0 || in->ev.info->params[i].type != SK_PT_FD ||
	    !sys_param_i64(in->ev.rec, in->ev.info, (unsigned)i, &num)) {
		return;
	}
	in->ev.fd = sk_fd_get(in->ev.t, num);
	in->ev.fdnum = num;
}

/* fd_name_before - before the event is parsed: the number of the fd it
 * uses (its "fd" parameter, when that is not the result of the call) and
 * a copy of that fd's name into in->oldname. Returns the number, or -1 when
 * the process has no such fd (counted in fd_lookup_misses, unless the
 * number is negative: an anonymous mmap's -1 names no fd). */
static int64_t fd_name_before(struct sys_inst *in)
{
	int i = sys_param_named(in->ev.info, "fd");
	int64_t num;
	if (i <= 0 || in->ev.info->params[i].type != SK_PT_FD ||
	    !sys_param_i64(in->ev.rec, in->ev.info, (unsigned)i, &num)) {
		return -1;
	}
	const struct sk_fd *fd = sk_fd_get(in->ev.t, num);
	if (fd == NULL) {
		in->st.fd_lookup_misses += num >= 0;
		return -1;
	}
	size_t l = fd->name ? strlen(fd->name) : 0;
	if (l + 1 > in->oldname_cap) {
		char *b = realloc(in->oldname, l + 64);
		if (b == NULL) {
			return -1;
		}
		in->oldname = b;
		in->oldname_cap = l + 64;
	}
	memcpy(in->oldname, fd->name ? fd->name : "", l + 1);
	return num;
}

/* fd_name_after - fd.name_changed: the event's fd has another name than
 * before the event, or the event created it (or gave it its number) with
 * a name. A closed fd (the scratch copy) keeps its name. */
static void fd_name_after(struct sys_inst *in, int64_t before)
{
	const struct sk_fd *fd = in->ev.fd;
	if (fd == NULL || fd != sk_fd_get(in->ev.t, fd->num)) {
		return;
	}
	const char *name = fd->name ? fd->name : "";
	if (before >= 0 && fd->num == before) {
		in->ev.fd_name_changed = strcmp(name, in->oldname) != 0;
	} else {
		in->ev.fd_name_changed = name[0] != '\0';
	}
}

void sys_parse_event(struct sys_inst *in, const struct sk_event *ev)
{
	const struct sk_evt_hdr *rec = ev->rec;
	sk_state_reap(&in->st);
	free(in->ev.scratch_name);
	free(in->ev.scratch_raw);
	memset(&in->ev, 0, sizeof(in->ev));
	in->ev.num = ev->num;
	in->ev.rec = rec;
	in->ev.fdnum = -1;
	in->ev.info = sk_sc_event_info(rec->type);
	if (in->first_ts == 0) {
		in->first_ts = rec->ts;
	}
	if (in->ev.info == NULL) {
		return;
	}
	int64_t res = 0;
	switch (rec->type) {
	case SK_SC_CLONE:
	case SK_SC_FORK:
	case SK_SC_VFORK:
	case SK_SC_CLONE3:
		sys_parse_clone(in);
		if (in->ev.t != NULL) {
			in->ev.t->last_ts = rec->ts;
		}
		return;
	default:
		break;
	}
	in->ev.t = sk_state_get_thread(&in->st, (int64_t)rec->tid);
	if (in->ev.t == NULL) {
		return;
	}
	in->ev.t->last_ts = rec->ts;
	int64_t fd_before = fd_name_before(in);
	switch (rec->type) {
	case SK_SC_EXECVE:
	case SK_SC_EXECVEAT:
		sys_parse_execve(in);
		break;
	case SK_SC_PROCEXIT:
		sk_state_mark_dead(&in->st, in->ev.t);
		break;
	case SK_SC_SETUID:
	case SK_SC_SETGID:
	case SK_SC_SETRESUID:
	case SK_SC_SETRESGID:
	case SK_SC_SETREUID:
	case SK_SC_SETREGID:
	case SK_SC_CAPSET:
		sys_parse_setids(in);
		break;
	case SK_SC_SETPGID:
	case SK_SC_SETSID:
		sys_parse_pgid_sid(in);
		break;
	case SK_SC_CHROOT:
		if (p_i64(in, "res", &res) && res == 0) {
			sys_refresh_root(in, in->ev.t, true);
		}
		break;
	case SK_SC_CHDIR:
	case SK_SC_FCHDIR:
		sys_parse_chdir(in);
		break;
	case SK_SC_OPEN:
	case SK_SC_OPENAT:
	case SK_SC_OPENAT2:
	case SK_SC_CREAT:
	case SK_SC_OPEN_BY_HANDLE_AT:
		sys_parse_open(in);
		break;
	case SK_SC_CLOSE:
		sys_parse_close(in);
		break;
	case SK_SC_DUP:
	case SK_SC_DUP2:
	case SK_SC_DUP3:
	case SK_SC_FCNTL:
		sys_parse_dup(in);
		break;
	case SK_SC_PIPE:
	case SK_SC_PIPE2:
		sys_parse_pipe(in, SK_FD_PIPE);
		break;
	case SK_SC_SOCKETPAIR: {
		int64_t domain = 0;
		p_i64(in, "domain", &domain);
		sys_parse_pipe(in, sys_fd_type_of_family((int)domain));
		break;
	}
	case SK_SC_SOCKET:
		sys_parse_socket(in);
		break;
	case SK_SC_CONNECT:
		sys_parse_connect(in);
		break;
	case SK_SC_ACCEPT:
	case SK_SC_ACCEPT4: {
		int64_t num = -1;
		p_i64(in, "fd", &num);
		if (num >= 0) {
			sys_parse_accept(in, num);
		}
		break;
	}
	case SK_SC_BIND:
		sys_parse_bind(in);
		break;
	case SK_SC_LISTEN: {
		fd_of_event(in);
		if (in->ev.fd != NULL && p_i64(in, "res", &res) && res == 0) {
			in->ev.fd->role = SK_ROLE_SERVER;
		}
		break;
	}
	case SK_SC_SENDTO:
	case SK_SC_RECVFROM:
	case SK_SC_SENDMSG:
	case SK_SC_RECVMSG:
		sys_parse_msg(in);
		break;
	case SK_SC_EVENTFD:
	case SK_SC_EVENTFD2:
	case SK_SC_SIGNALFD:
	case SK_SC_SIGNALFD4:
	case SK_SC_INOTIFY_INIT:
	case SK_SC_INOTIFY_INIT1:
	case SK_SC_TIMERFD_CREATE:
	case SK_SC_EPOLL_CREATE:
	case SK_SC_EPOLL_CREATE1:
	case SK_SC_USERFAULTFD:
	case SK_SC_BPF:
	case SK_SC_MEMFD_CREATE:
		sys_parse_fd_creating(in);
		break;
	default:
		fd_of_event(in);
		break;
	}
	if (in->ev.fd != NULL && in->ev.fdnum < 0) {
		in->ev.fdnum = in->ev.fd->num;
	}
	fd_name_after(in, fd_before);
}
