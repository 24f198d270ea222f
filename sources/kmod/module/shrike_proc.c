// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_proc.c - the process parameters of exec and
 * clone records (SK_SC_EXEC_PARAMS, SK_SC_CLONE_PARAMS of
 * <shrike/syscall_events.h>): the command line and environment, ids in
 * the task's pid namespace, working directory, limits, memory, cgroups,
 * terminal, credentials and the executable, in the order and with the
 * values of the eBPF probe (probe_process.bpf.h).
 *
 * The command line is read from the current task's memory at the
 * addresses of the task described: the same task for exec, the parent
 * (whose memory the child copies or shares) for the child of a clone.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/mm_types.h>
#include <linux/string.h>
#include <linux/rcupdate.h>

#include "shrike_priv.h"

/* exe (argv[0]) and args (the rest, NUL-separated), or env */
static void sk_rec_args(struct sk_rec *r, struct task_struct *t, bool env)
{
	struct mm_struct *mm = READ_ONCE(t->mm);
	unsigned long start = 0, end = 0;
	u32 skip = 0, len;
	u8 *p;

	if (mm) {
		start = env ? READ_ONCE(mm->env_start) : READ_ONCE(mm->arg_start);
		end = env ? READ_ONCE(mm->env_end) : READ_ONCE(mm->arg_end);
	}
	if (env && !(READ_ONCE(sk_settings.flags) & SK_KMOD_F_CAPTURE_ENV)) {
		sk_rec_empty(r);
		return;
	}
	if (start == 0 || end <= start) {
		if (!env)
			sk_rec_empty(r);
		sk_rec_empty(r);
		return;
	}
	if (!env) {
		long n = -1;

		p = sk_rec_room(r, SK_EBPF_STR_MAX);
		if (p)
			n = sk_user_str(p, start, SK_EBPF_STR_MAX);
		skip = n > 0 ? (u32)n : 0;
		sk_rec_len(r, skip);
	}
	if (end - start <= skip) {
		sk_rec_empty(r);
		return;
	}
	len = min_t(unsigned long, end - start - skip, SK_EBPF_ARGS_MAX);
	p = sk_rec_room(r, len);
	if (!p || sk_user_read(p, start + skip, len)) {
		sk_rec_empty(r);
		return;
	}
	p[len - 1] = 0; /* a cut list still ends with a NUL */
	sk_rec_len(r, len);
}

static void sk_rec_vm(struct sk_rec *r, struct task_struct *t)
{
	s64 total, rss, swap;

	if (!READ_ONCE(t->mm)) {
		sk_rec_empty(r);
		sk_rec_empty(r);
		sk_rec_empty(r);
		return;
	}
	sk_mm_pages(t, &total, &rss, &swap);
	sk_rec_u32(r, sk_pages_kib(total));
	sk_rec_u32(r, sk_pages_kib(rss));
	sk_rec_u32(r, sk_pages_kib(swap));
}

static void sk_rec_comm(struct sk_rec *r, struct task_struct *t)
{
	char comm[TASK_COMM_LEN];

	memcpy(comm, t->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = 0;
	sk_rec_kstr(r, comm);
}

static void sk_rec_cwd(struct sk_rec *r, struct sk_work *w, struct task_struct *t)
{
	struct fs_struct *fs = READ_ONCE(t->fs);
	struct path pwd;

	if (!fs) {
		sk_rec_empty(r);
		return;
	}
	pwd = fs->pwd; /* no reference: RCU keeps it (see shrike_kobj.c) */
	sk_rec_path(r, w, &pwd);
}

/* res, exe, args, tid, pid, ptid, cwd, fdlimit, vm_size, vm_rss, vm_swap,
 * comm and cgroups: the start of both lists */
static void sk_rec_proc_head(struct sk_rec *r, struct sk_work *w, struct task_struct *t, s64 res)
{
	struct task_struct *parent = rcu_dereference(t->real_parent);
	struct signal_struct *sig = READ_ONCE(t->signal);

	sk_rec_u64(r, (u64)res);
	sk_rec_args(r, t, false);
	sk_rec_u64(r, (u64)(s64)t->pid);
	sk_rec_u64(r, (u64)(s64)t->tgid);
	sk_rec_u64(r, (u64)(s64)(parent ? parent->tgid : 0));
	sk_rec_cwd(r, w, t);
	sk_rec_u64(r, sig ? READ_ONCE(sig->rlim[RLIMIT_NOFILE].rlim_cur) : 0);
	sk_rec_vm(r, t);
	sk_rec_comm(r, t);
	sk_rec_cgroups(r, w, t);
}

/* The 30 parameters shared by execve and execveat. */
void sk_rec_exec_common(struct sk_rec *r, struct sk_work *w, struct task_struct *t, s64 res)
{
	struct mm_struct *mm;
	struct file *exe = NULL;
	u32 level;

	rcu_read_lock();
	r->task = t;
	level = sk_ns_level(t);
	mm = READ_ONCE(t->mm);
	if (mm)
		exe = rcu_dereference(mm->exe_file);
	sk_rec_proc_head(r, w, t, res);
	sk_rec_args(r, t, true); /* env */
	sk_rec_u32(r, sk_task_tty(t));
	sk_rec_u64(r, (u64)sk_sig_pid(t, PIDTYPE_PGID, level)); /* vpgid */
	sk_rec_u32(r, sk_task_loginuid(t));
	sk_rec_u32(r, sk_exe_flags(t, exe));
	sk_rec_u64(r, sk_task_cap(t, 0));
	sk_rec_u64(r, sk_task_cap(t, 1));
	sk_rec_u64(r, sk_task_cap(t, 2));
	if (exe && READ_ONCE(exe->f_inode)) {
		struct inode *ino = exe->f_inode;

		sk_rec_u64(r, ino->i_ino);
		sk_rec_u64(r, (u64)sk_inode_ctime(ino));
		sk_rec_u64(r, (u64)sk_inode_mtime(ino));
	} else {
		sk_rec_empty(r);
		sk_rec_empty(r);
		sk_rec_empty(r);
	}
	sk_rec_u32(r, sk_task_euid(t)); /* uid */
	if (exe)
		sk_rec_path(r, w, &exe->f_path); /* trusted_exepath */
	else
		sk_rec_empty(r);
	sk_rec_u64(r, (u64)sk_sig_pid(t, PIDTYPE_PGID, 0));	/* pgid */
	sk_rec_u32(r, sk_task_egid(t));				/* gid */
	sk_rec_u64(r, (u64)sk_thread_vnr(t, level));		/* vtid */
	sk_rec_u64(r, (u64)sk_sig_pid(t, PIDTYPE_TGID, level)); /* vpid */
	rcu_read_unlock();
}

/* The clone family's parameters, describing task t. */
void sk_rec_clone(struct sk_rec *r, struct sk_work *w, struct task_struct *t, s64 res, u32 flags)
{
	u32 level;

	rcu_read_lock();
	r->task = t;
	level = sk_ns_level(t);
	sk_rec_proc_head(r, w, t, res);
	sk_rec_u32(r, flags);
	sk_rec_u32(r, sk_task_euid(t));
	sk_rec_u32(r, sk_task_egid(t));
	sk_rec_u64(r, (u64)sk_thread_vnr(t, level));		/* vtid */
	sk_rec_u64(r, (u64)sk_sig_pid(t, PIDTYPE_TGID, level)); /* vpid */
	sk_rec_empty(r);					/* pidns_init_start_ts */
	sk_rec_u32(r, sk_task_loginuid(t));
	sk_rec_u32(r, sk_task_tty(t));
	sk_rec_u64(r, (u64)sk_sig_pid(t, PIDTYPE_PGID, level)); /* vpgid */
	sk_rec_u64(r, (u64)sk_sig_pid(t, PIDTYPE_PGID, 0));	/* pgid */
	sk_rec_u64(r, (u64)sk_sig_pid(t, PIDTYPE_SID, 0));	/* sid */
	sk_rec_u64(r, sk_task_cap(t, 0));
	sk_rec_u64(r, sk_task_cap(t, 1));
	sk_rec_u64(r, sk_task_cap(t, 2));
	rcu_read_unlock();
}
