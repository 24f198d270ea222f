/* plugins/syscall/parse.h - the parts of the syscall plugin's parser
 * (parse.c dispatches each record to them) and the parameter access they
 * share. Each sys_parse_* updates the state (in->st) from the current
 * record (in->ev.rec, in->ev.info) of the thread in->ev.t and sets the
 * event's fd (in->ev.fd, in->ev.fdnum) when it has one. */
#ifndef SK_PLUGINS_SYSCALL_PARSE_H
#define SK_PLUGINS_SYSCALL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "syscall.h"

/* ---- parameters of the current record, by name ---- */

static inline bool p_i64(const struct sys_inst *in, const char *name, int64_t *ret)
{
	int i = sys_param_named(in->ev.info, name);
	return i >= 0 && sys_param_i64(in->ev.rec, in->ev.info, (unsigned)i, ret);
}

static inline const char *p_str(const struct sys_inst *in, const char *name)
{
	int i = sys_param_named(in->ev.info, name);
	return i >= 0 ? sys_param_str(in->ev.rec, (unsigned)i) : NULL;
}

/* p_mem - a variable-length parameter (CHARBUFARRAY, BYTES, SOCKADDR...). */
static inline const char *p_mem(const struct sys_inst *in, const char *name, uint32_t *ret_len)
{
	int i = sys_param_named(in->ev.info, name);
	const void *p;
	if (i < 0 || !sys_param(in->ev.rec, (unsigned)i, &p, ret_len)) {
		return NULL;
	}
	return p;
}

/* sys_thread_cwd - t's working directory, "/" when unknown (parse.c). */
const char *sys_thread_cwd(const struct sk_thread *t);

/* ---- processes (parse_proc.c) ---- */

/* clone, fork, vfork, clone3: the child thread (a new entry) or the
 * parent's view of it. */
void sys_parse_clone(struct sys_inst *in);
/* execve, execveat: the new program of the thread. */
void sys_parse_execve(struct sys_inst *in);
/* set*uid, set*gid, capset: the thread's credentials. */
void sys_parse_setids(struct sys_inst *in);
/* setpgid, setsid: process group and session. */
void sys_parse_pgid_sid(struct sys_inst *in);
/* chdir, fchdir: the working directory. */
void sys_parse_chdir(struct sys_inst *in);
/* sys_refresh_root - after an exec or a chroot (force: even when the root
 * looks the same), find the process's root directory again. */
void sys_refresh_root(struct sys_inst *in, struct sk_thread *t, bool force);

/* ---- files and other descriptors (parse_fd.c) ---- */

/* open, openat, openat2, creat, open_by_handle_at */
void sys_parse_open(struct sys_inst *in);
void sys_parse_close(struct sys_inst *in);
/* dup, dup2, dup3, fcntl's F_DUPFD* */
void sys_parse_dup(struct sys_inst *in);
/* pipe, pipe2, socketpair: two fds of the given SK_FD_* type. */
void sys_parse_pipe(struct sys_inst *in, uint8_t type);
/* eventfd, signalfd, inotify, timerfd, epoll, userfaultfd, bpf, memfd */
void sys_parse_fd_creating(struct sys_inst *in);
/* sys_new_fd - add fd `num` of the given type and name to the thread's
 * process and make it the event's fd; NULL for a negative num or when it
 * cannot be added. */
struct sk_fd *sys_new_fd(struct sys_inst *in, int64_t num, uint8_t type, const char *name);

/* ---- sockets (parse_net.c) ---- */

void sys_parse_socket(struct sys_inst *in);
void sys_parse_connect(struct sys_inst *in);
/* accept, accept4 of the listening socket `num` */
void sys_parse_accept(struct sys_inst *in, int64_t num);
void sys_parse_bind(struct sys_inst *in);
/* sendto, recvfrom, sendmsg, recvmsg */
void sys_parse_msg(struct sys_inst *in);
/* sys_fd_type_of_family - the SK_FD_* type of a socket of an AF_* family. */
uint8_t sys_fd_type_of_family(int family);

#endif /* SK_PLUGINS_SYSCALL_PARSE_H */
