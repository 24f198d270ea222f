// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_tp.c - the tracepoint probes: sys_enter,
 * sys_exit, sched_process_fork, sched_process_exec and sched_process_exit,
 * found with for_each_kernel_tracepoint() (they are not exported to
 * modules by name) and attached with tracepoint_probe_register().
 *
 * The probes run in the context of the task that makes the syscall, and
 * never sleep: no allocation, no lock but the ring's wait queue, no user
 * memory access that could fault in pages. Each disables preemption
 * around its use of this CPU's ring (kernels before 6.13 already call
 * them so; newer ones may not for the syscall tracepoints).
 *
 * This first version writes one record type: at sys_exit, for the
 * syscalls the reader asked for (SK_KMOD_IOC_SET_SYSCALLS) that have an
 * event in <shrike/syscall_events.h>, the event with its return value
 * (parameter 0) and every other parameter empty (NA). sys_enter and the
 * scheduler probes are attached but record nothing yet.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/compat.h>
#include <linux/ktime.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "shrike_priv.h"

/* ---- syscall number -> event ----------------------------------------------- */

/* x86-64 syscall numbers of the events of <shrike/syscall_events.h> */
struct sk_nr_evt {
	u16 nr;
	u16 type;
};
#define M(sc, ev) {__NR_##sc, SK_SC_##ev},
static const struct sk_nr_evt sk_nr_evts[] __initconst = {
	M(execve, EXECVE) M(execveat, EXECVEAT) M(clone, CLONE) M(fork, FORK) M(vfork, VFORK)
#ifdef __NR_clone3
	M(clone3, CLONE3)
#endif
	M(setuid, SETUID) M(setgid, SETGID) M(setresuid, SETRESUID) M(setresgid, SETRESGID)
	M(setreuid, SETREUID) M(setregid, SETREGID) M(capset, CAPSET) M(prctl, PRCTL)
	M(setns, SETNS) M(unshare, UNSHARE) M(ptrace, PTRACE) M(setpgid, SETPGID)
	M(setsid, SETSID) M(chroot, CHROOT) M(kill, KILL) M(tkill, TKILL) M(tgkill, TGKILL)
	M(open, OPEN) M(openat, OPENAT)
#ifdef __NR_openat2
	M(openat2, OPENAT2)
#endif
	M(creat, CREAT) M(close, CLOSE) M(dup, DUP) M(dup2, DUP2) M(dup3, DUP3)
	M(unlink, UNLINK) M(unlinkat, UNLINKAT) M(rename, RENAME) M(renameat, RENAMEAT)
	M(renameat2, RENAMEAT2) M(symlink, SYMLINK) M(symlinkat, SYMLINKAT) M(link, LINK)
	M(linkat, LINKAT) M(mkdir, MKDIR) M(mkdirat, MKDIRAT) M(rmdir, RMDIR) M(chmod, CHMOD)
	M(fchmod, FCHMOD) M(fchmodat, FCHMODAT) M(chown, CHOWN) M(lchown, LCHOWN)
	M(fchown, FCHOWN) M(fchownat, FCHOWNAT) M(chdir, CHDIR) M(fchdir, FCHDIR)
	M(mount, MOUNT) M(umount2, UMOUNT2) M(memfd_create, MEMFD_CREATE)
	M(truncate, TRUNCATE) M(ftruncate, FTRUNCATE) M(fcntl, FCNTL) M(pipe, PIPE)
	M(pipe2, PIPE2) M(eventfd, EVENTFD) M(eventfd2, EVENTFD2) M(signalfd, SIGNALFD)
	M(signalfd4, SIGNALFD4) M(inotify_init, INOTIFY_INIT) M(inotify_init1, INOTIFY_INIT1)
	M(timerfd_create, TIMERFD_CREATE) M(epoll_create, EPOLL_CREATE)
	M(epoll_create1, EPOLL_CREATE1) M(open_by_handle_at, OPEN_BY_HANDLE_AT)
	M(socket, SOCKET) M(socketpair, SOCKETPAIR) M(connect, CONNECT) M(accept, ACCEPT)
	M(accept4, ACCEPT4) M(bind, BIND) M(listen, LISTEN) M(sendto, SENDTO)
	M(recvfrom, RECVFROM) M(sendmsg, SENDMSG) M(recvmsg, RECVMSG) M(shutdown, SHUTDOWN)
	M(init_module, INIT_MODULE) M(finit_module, FINIT_MODULE) M(bpf, BPF)
	M(userfaultfd, USERFAULTFD) M(read, READ) M(write, WRITE) M(pread64, PREAD)
	M(pwrite64, PWRITE) M(readv, READV) M(writev, WRITEV) M(mmap, MMAP)
	M(mprotect, MPROTECT) M(munmap, MUNMAP) M(poll, POLL) M(ppoll, PPOLL)
};
#undef M

/* the event of each syscall number; 0: none */
static u16 sk_evt_of_nr[SK_KMOD_MAX_SYSCALLS] __read_mostly;

/* the parameter count of each event, from the table's X-macro */
#define SK_NP_(id, n, name, flags, params) [n] = SK_SC_##id##_NPARAMS,
static const u8 sk_nparams[SK_SC_COUNT] = {SK_SYSCALL_EVENTS(SK_NP_, SK_SC_P_NONE_)};
#undef SK_NP_

/* ---- the probes ------------------------------------------------------------- */

static bool sk_excluded(void)
{
	u32 ex = READ_ONCE(sk_settings.exclude_tgid);

	return ex != 0 && (u32)current->tgid == ex;
}

/* The exit record of `type` with the return value and the other
 * parameters empty. Preemption disabled. */
static void sk_write_ret(u16 type, long ret)
{
	struct sk_ring *r = sk_dev_ring(smp_processor_id());
	u8 np = sk_nparams[type - SK_EVT_SYSCALL_BASE];
	u32 len = SK_EVT_HDR_SIZE + 2u * np + 8u;
	struct sk_evt_hdr *h;
	u8 *p;
	u16 l0 = 8;
	s64 v = ret;

	if (!r || np == 0)
		return;
	p = sk_ring_reserve(r, len);
	if (!p)
		return;
	h = (struct sk_evt_hdr *)p;
	h->ts = ktime_get_real_ns();
	h->tid = (u64)current->pid;
	h->len = len;
	h->type = type;
	h->nparams = np;
	h->flags = 0; /* u16 lengths */
	memset(p + SK_EVT_HDR_SIZE, 0, 2u * np);
	memcpy(p + SK_EVT_HDR_SIZE, &l0, 2);
	memcpy(p + SK_EVT_HDR_SIZE + 2u * np, &v, 8);
	sk_ring_commit(r, p, len);
}

static void sk_probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	long nr;
	u16 type;

	if (!READ_ONCE(sk_settings.enabled))
		return;
	/* ia32 and x32 numbers are not mapped yet: a later version maps them */
	if (in_compat_syscall())
		return;
	nr = syscall_get_nr(current, regs);
	if (nr < 0 || nr >= SK_KMOD_MAX_SYSCALLS)
		return;
	if (!(READ_ONCE(sk_settings.syscalls[nr / 64]) & (1ULL << (nr % 64))))
		return;
	type = sk_evt_of_nr[nr];
	if (type == 0 || sk_excluded())
		return;
	if (ret < 0 && (READ_ONCE(sk_settings.flags) & SK_KMOD_F_DROP_FAILED_EXIT))
		return;
	/* a successful exec's record comes from sched_process_exec (the
	 * table's rule), which a later version writes */
	if ((type == SK_SC_EXECVE || type == SK_SC_EXECVEAT) && ret == 0)
		return;
	preempt_disable();
	sk_write_ret(type, ret);
	preempt_enable();
}

/* Attached now so that loading proves they can be; they record nothing in
 * this version. */
static void sk_probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
}

static void sk_probe_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
}

static void sk_probe_exec(void *data, struct task_struct *p, pid_t old_pid,
			  struct linux_binprm *bprm)
{
}

static void sk_probe_exit(void *data, struct task_struct *p)
{
}

/* ---- attaching -------------------------------------------------------------- */

struct sk_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool attached;
};

static struct sk_tp sk_tps[] = {
	{"sys_enter", (void *)sk_probe_sys_enter, NULL, false},
	{"sys_exit", (void *)sk_probe_sys_exit, NULL, false},
	{"sched_process_fork", (void *)sk_probe_fork, NULL, false},
	{"sched_process_exec", (void *)sk_probe_exec, NULL, false},
	{"sched_process_exit", (void *)sk_probe_exit, NULL, false},
};

static void sk_tp_find(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sk_tps); i++) {
		if (!sk_tps[i].tp && strcmp(tp->name, sk_tps[i].name) == 0)
			sk_tps[i].tp = tp;
	}
}

void sk_tp_exit(void)
{
	unsigned int i;
	bool any = false;

	for (i = 0; i < ARRAY_SIZE(sk_tps); i++) {
		if (!sk_tps[i].attached)
			continue;
		tracepoint_probe_unregister(sk_tps[i].tp, sk_tps[i].probe, NULL);
		sk_tps[i].attached = false;
		any = true;
	}
	/* every probe that was running has returned: the rings may go */
	if (any)
		tracepoint_synchronize_unregister();
}

int __init sk_tp_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(sk_nr_evts); i++) {
		if (sk_nr_evts[i].nr < SK_KMOD_MAX_SYSCALLS)
			sk_evt_of_nr[sk_nr_evts[i].nr] = sk_nr_evts[i].type;
	}
	for_each_kernel_tracepoint(sk_tp_find, NULL);
	for (i = 0; i < ARRAY_SIZE(sk_tps); i++) {
		if (!sk_tps[i].tp) {
			pr_err(SK_KMOD_NAME ": tracepoint %s not found in this kernel\n", sk_tps[i].name);
			err = -ENOENT;
			goto fail;
		}
	}
	for (i = 0; i < ARRAY_SIZE(sk_tps); i++) {
		err = tracepoint_probe_register(sk_tps[i].tp, sk_tps[i].probe, NULL);
		if (err) {
			pr_err(SK_KMOD_NAME ": cannot attach to tracepoint %s: %d\n", sk_tps[i].name,
			       err);
			goto fail;
		}
		sk_tps[i].attached = true;
	}
	return 0;
fail:
	sk_tp_exit();
	return err;
}
