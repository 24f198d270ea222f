/* plugins/syscall/parse_fd.c - the parser's part for files and other
 * descriptors: open (and a failed open's would-be fd), close, dup, pipe
 * and socketpair, and the calls that create eventfds, signalfds, inotify,
 * timerfd, epoll, userfaultfd, bpf and memfd descriptors. */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <shrike/syscall_names.h>

#include "parse.h"
#include "syscall.h"

/* set_scratch_fd - make the event's fd a scratch copy (a closed fd, or the
 * would-be fd of a failed open). The scratch takes ownership of name/raw. */
static struct sk_fd *scratch_fd(struct sys_inst *in)
{
	free(in->ev.scratch_name);
	free(in->ev.scratch_raw);
	in->ev.scratch_name = in->ev.scratch_raw = NULL;
	memset(&in->ev.fd_scratch, 0, sizeof(in->ev.fd_scratch));
	in->ev.fd = &in->ev.fd_scratch;
	return in->ev.fd;
}

/* ---- files ---- */

void sys_parse_open(struct sys_inst *in)
{
	int64_t num = -1, flags = 0, dev = 0, ino = 0, layer = SK_LAYER_NONE;
	p_i64(in, "fd", &num);
	p_i64(in, "layer", &layer);
	bool creat = in->ev.rec->type == SK_SC_CREAT;
	if (creat) {
		flags = O_CREAT | O_WRONLY | O_TRUNC;
	} else {
		p_i64(in, "flags", &flags);
	}
	p_i64(in, "dev", &dev);
	p_i64(in, "ino", &ino);
	int pi = sys_param_named(in->ev.info,
				 in->ev.rec->type == SK_SC_OPEN_BY_HANDLE_AT ? "path" : "name");
	const char *raw = pi >= 0 ? sys_param_str(in->ev.rec, (unsigned)pi) : NULL;
	char path[PATH_MAX];
	int pl = pi >= 0 ? sys_resolve_path(in, (unsigned)pi, path, sizeof(path)) : -1;
	uint8_t type = (flags & O_DIRECTORY) ? SK_FD_DIRECTORY : SK_FD_FILE;
	struct sk_fd *fd;
	if (num >= 0) {
		fd = sk_fd_add(&in->st, in->ev.t, num, type);
		if (fd == NULL) {
			return;
		}
		if (pl >= 0) {
			sk_state_set_str(&fd->name, path, (size_t)pl);
		}
		if (raw != NULL) {
			sk_state_set_str(&fd->nameraw, raw, strlen(raw));
		}
	} else {
		/* a failed open still names its file (fd.name), as in Falco */
		fd = scratch_fd(in);
		fd->num = -1; /* Falco: the event's fd is -1 when the call failed */
		fd->type = type;
		in->ev.open_failed = true;
		if (pl >= 0) {
			in->ev.scratch_name = strndup(path, (size_t)pl);
			fd->name = in->ev.scratch_name;
		}
		if (raw != NULL) {
			in->ev.scratch_raw = strdup(raw);
			fd->nameraw = in->ev.scratch_raw;
		}
	}
	fd->flags = (uint32_t)flags;
	fd->dev = (uint32_t)dev;
	fd->ino = (uint64_t)ino;
	fd->layer = layer == SK_LAYER_UPPER || layer == SK_LAYER_LOWER ? (uint8_t)layer : 0;
	in->ev.fd = fd;
}

struct sk_fd *sys_new_fd(struct sys_inst *in, int64_t num, uint8_t type, const char *name)
{
	if (num < 0) {
		return NULL;
	}
	struct sk_fd *fd = sk_fd_add(&in->st, in->ev.t, num, type);
	if (fd != NULL) {
		sk_state_set_str(&fd->name, name, strlen(name));
		in->ev.fd = fd;
	}
	return fd;
}

void sys_parse_close(struct sys_inst *in)
{
	int64_t res = -1, num;
	if (!p_i64(in, "fd", &num)) {
		return;
	}
	p_i64(in, "res", &res);
	struct sk_fd *fd = sk_fd_get(in->ev.t, num);
	if (fd == NULL || res != 0) {
		in->ev.fd = fd;
		return;
	}
	/* keep what the fd was for this event's fields, then drop it */
	struct sk_fd *s = scratch_fd(in);
	*s = *fd;
	in->ev.scratch_name = fd->name ? strdup(fd->name) : NULL;
	in->ev.scratch_raw = fd->nameraw ? strdup(fd->nameraw) : NULL;
	s->name = in->ev.scratch_name;
	s->nameraw = in->ev.scratch_raw;
	sk_fd_close(&in->st, in->ev.t, num);
}

void sys_parse_dup(struct sys_inst *in)
{
	int64_t res = -1, oldfd = -1;
	p_i64(in, "res", &res);
	if (in->ev.rec->type == SK_SC_FCNTL) {
		int64_t cmd = -1;
		p_i64(in, "cmd", &cmd);
		p_i64(in, "fd", &oldfd);
		if (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) {
			in->ev.fd = sk_fd_get(in->ev.t, oldfd);
			return;
		}
	} else {
		p_i64(in, "oldfd", &oldfd);
	}
	if (res < 0) {
		in->ev.fd = sk_fd_get(in->ev.t, oldfd);
		return;
	}
	struct sk_fd *fd = sk_fd_dup(&in->st, in->ev.t, oldfd, res);
	if (fd == NULL) {
		/* unknown source fd: the new one is unknown too */
		sk_fd_close(&in->st, in->ev.t, res);
		return;
	}
	int64_t flags = 0;
	if (in->ev.rec->type == SK_SC_DUP3 && p_i64(in, "flags", &flags)) {
		fd->flags = (fd->flags & ~(uint32_t)O_CLOEXEC) | ((uint32_t)flags & O_CLOEXEC);
	} else {
		fd->flags &= ~(uint32_t)O_CLOEXEC;
	}
	in->ev.fd = fd;
}

void sys_parse_pipe(struct sys_inst *in, uint8_t type)
{
	int64_t res = -1, fd1 = -1, fd2 = -1, ino = 0, flags = 0;
	p_i64(in, "res", &res);
	p_i64(in, "fd1", &fd1);
	p_i64(in, "fd2", &fd2);
	p_i64(in, "ino", &ino);
	p_i64(in, "flags", &flags);
	if (res < 0) {
		return;
	}
	char name[64] = "";
	if (type == SK_FD_PIPE) {
		snprintf(name, sizeof(name), "pipe:[%lld]", (long long)ino);
	}
	struct sk_fd *b = sys_new_fd(in, fd2, type, name);
	struct sk_fd *a = sys_new_fd(in, fd1, type, name);
	for (struct sk_fd *f = b; f != NULL; f = f == b ? a : NULL) {
		f->ino = (uint64_t)ino;
		f->flags = (uint32_t)flags;
		if (type == SK_FD_UNIX) {
			f->family = AF_UNIX;
		}
	}
}

void sys_parse_fd_creating(struct sys_inst *in)
{
	int64_t res = -1;
	const char *name;
	p_i64(in, "res", &res);
	switch (in->ev.rec->type) {
	case SK_SC_EVENTFD:
	case SK_SC_EVENTFD2:
		sys_new_fd(in, res, SK_FD_EVENT, "");
		break;
	case SK_SC_SIGNALFD:
	case SK_SC_SIGNALFD4: {
		int64_t fd = -1;
		p_i64(in, "fd", &fd);
		if (fd == -1) {
			sys_new_fd(in, res, SK_FD_SIGNALFD, "");
		} else {
			in->ev.fd = sk_fd_get(in->ev.t, fd);
		}
		break;
	}
	case SK_SC_INOTIFY_INIT:
	case SK_SC_INOTIFY_INIT1:
		sys_new_fd(in, res, SK_FD_INOTIFY, "");
		break;
	case SK_SC_TIMERFD_CREATE:
		sys_new_fd(in, res, SK_FD_TIMERFD, "");
		break;
	case SK_SC_EPOLL_CREATE:
	case SK_SC_EPOLL_CREATE1:
		sys_new_fd(in, res, SK_FD_EVENTPOLL, "");
		break;
	case SK_SC_USERFAULTFD:
		sys_new_fd(in, res, SK_FD_USERFAULTFD, "");
		break;
	case SK_SC_BPF: {
		int64_t fd = -1;
		p_i64(in, "fd", &fd);
		sys_new_fd(in, fd, SK_FD_BPF, "");
		break;
	}
	case SK_SC_MEMFD_CREATE: {
		int64_t fd = -1;
		p_i64(in, "fd", &fd);
		name = p_str(in, "name");
		char buf[300];
		snprintf(buf, sizeof(buf), "memfd:%s", name ? name : "");
		sys_new_fd(in, fd, SK_FD_MEMFD, buf);
		break;
	}
	default:
		break;
	}
	if (in->ev.fd != NULL) {
		int64_t flags;
		if (p_i64(in, "flags", &flags) && (flags & O_CLOEXEC)) {
			in->ev.fd->flags |= O_CLOEXEC;
		}
	}
}
