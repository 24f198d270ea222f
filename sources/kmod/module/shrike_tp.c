// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_tp.c - the tracepoint probes: sys_enter,
 * sys_exit, sched_process_fork, sched_process_exec and sched_process_exit,
 * found with for_each_kernel_tracepoint() (they are not exported to
 * modules by name) and attached with tracepoint_probe_register().
 *
 * They write what the eBPF probe's programs write (probe.bpf.c), from the
 * same table (shrike_table.c):
 *   - sys_enter: for the calls whose row saves something (the exec family,
 *     connect, bind), the arguments, path or sockaddr as the call passed
 *     them (shrike_saved.c);
 *   - sys_exit: one record per recorded syscall, table-driven
 *     (shrike_params.c), a failed exec's record, or the parent's side of a
 *     clone (shrike_proc.c); a successful exec and the child's side of a
 *     clone are left to the scheduler probes;
 *   - sched_process_fork: the child's clone record (res 0);
 *   - sched_process_exec: the record of a successful execve/execveat,
 *     describing the new image;
 *   - sched_process_exit: procexit, for every user thread.
 * A 32-bit (ia32) call is mapped to the row of the same event through the
 * table's compat map, socketcall through its sub-call. The reader's own
 * process (SK_KMOD_IOC_EXCLUDE_TGID) is never recorded.
 *
 * The probes run in the context of the task that makes the call and never
 * sleep: no allocation, no lock but spinlocks, user memory read without
 * faulting pages in. Each disables preemption around its use of this
 * CPU's work area and ring (kernels before 6.13 call them so already;
 * newer ones may not for the syscall tracepoints), which is also what
 * keeps the table (RCU) and the objects it reads alive.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/compat.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <linux/binfmts.h>
#include <asm/syscall.h>

#include "shrike_priv.h"

#define SK_CLONE_VFORK 0x4000u
#define SK_CLONE_VM    0x100u

static bool sk_excluded(void)
{
	u32 ex = READ_ONCE(sk_settings.exclude_tgid);

	return ex != 0 && (u32)current->tgid == ex;
}

static bool sk_on(void)
{
	return smp_load_acquire(&sk_settings.enabled) != 0;
}

/* Decode the current call (raw: the number in the registers) into c: a
 * 64-bit call is its own row; an ia32 one is mapped through the table's
 * compat map, socketcall through the sub-call in its first argument, with
 * the arguments it points to. False when no row records it. */
static bool sk_decode(const struct sk_table *t, struct pt_regs *regs, long raw, bool compat,
		      struct sk_call *c)
{
	unsigned long a[6];
	u32 v;
	int i;

	if (raw < 0 || raw >= SK_KMOD_MAX_SYSCALLS)
		return false;
	syscall_get_arguments(current, regs, a);
	for (i = 0; i < 6; i++)
		c->args[i] = compat ? (u32)a[i] : a[i];
	c->compat = compat;
	c->ret = 0;
	if (!compat) {
		c->id = raw;
		return true;
	}
	v = t->compat[raw];
	if (v & SK_CNR_SOCKETCALL) {
		u32 call = (u32)c->args[0], s[6] = {0, 0, 0, 0, 0, 0};

		if (call >= SK_KMOD_COMPAT_MAX - SK_KMOD_MAX_SYSCALLS)
			return false;
		v = t->compat[SK_KMOD_MAX_SYSCALLS + call];
		/* the kernel reads 2 to 6 of them; 3 are readable wherever
		 * the call's own are */
		if (sk_user_read(s, c->args[1], sizeof(s)) &&
		    sk_user_read(s, c->args[1], 3 * sizeof(s[0])))
			return false;
		for (i = 0; i < 6; i++)
			c->args[i] = s[i];
	}
	if ((v & SK_CNR_NR) == 0)
		return false;
	c->id = (long)(v & SK_CNR_NR) - 1;
	return true;
}

/* The flags of a clone-family call whose first argument is arg0. */
static u32 sk_clone_flags(const struct sk_ebpf_sc *sc, u64 arg0)
{
	u64 f = 0;

	if (sc->type == SK_SC_CLONE)
		return (u32)arg0;
	if (sc->type == SK_SC_CLONE3) {
		sk_user_read(&f, arg0, sizeof(f));
		return (u32)f;
	}
	if (sc->type == SK_SC_VFORK)
		return SK_CLONE_VFORK | SK_CLONE_VM;
	return 0;
}

/* ---- sys_enter ---------------------------------------------------------------- */

static void sk_save_entry(struct pt_regs *regs, long raw)
{
	const struct sk_table *t = rcu_dereference_sched(sk_table);
	const struct sk_ebpf_sc *sc;
	struct sk_work *w;
	struct sk_saved *sv;
	struct sk_call c;
	bool compat = in_compat_syscall();

	if (!t || raw < 0 || raw >= SK_KMOD_MAX_SYSCALLS)
		return;
	/* most calls leave here: their row saves nothing */
	if (!compat && !t->rows[raw].save_str && !t->rows[raw].save_sa)
		return;
	if (sk_excluded() || !sk_decode(t, regs, raw, compat, &c) || !sk_syscall_on(c.id))
		return;
	sc = &t->rows[c.id];
	if (sc->type == 0 || (!sc->save_str && !sc->save_sa))
		return;
	w = sk_work_this_cpu();
	sv = &w->saved;
	sv->id = c.id;
	memcpy(sv->args, c.args, sizeof(sv->args));
	sv->str_len = 0;
	sv->sa_len = 0;
	if (sc->save_str) {
		long n = sk_user_str(sv->str, c.args[(sc->save_str - 1) % 6], SK_EBPF_STR_MAX);

		sv->str_len = n > 0 ? (u32)n : 0;
	}
	if (sc->save_sa) {
		u64 len = min_t(u64, c.args[sc->save_sa_len % 6], SK_EBPF_SA_MAX);

		if (sk_user_read(sv->sa, c.args[(sc->save_sa - 1) % 6], (u32)len) == 0)
			sv->sa_len = (u32)len;
	}
	sk_saved_put(current, sv);
}

static void sk_probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	if (!sk_on())
		return;
	preempt_disable();
	sk_save_entry(regs, id);
	preempt_enable();
}

/* ---- sys_exit ------------------------------------------------------------------ */

/* A failed execve/execveat. */
static void sk_exit_exec(struct sk_work *w, const struct sk_call *c, const struct sk_ebpf_sc *sc,
			 const struct sk_saved *sv)
{
	bool at = sc->type == SK_SC_EXECVEAT;
	struct sk_rec r;

	sk_rec_begin(&r, w, sc->type, at ? SK_SC_EXECVEAT_NPARAMS : SK_SC_EXECVE_NPARAMS,
		     (u64)current->pid);
	sk_rec_exec_common(&r, w, current, c->ret);
	if (at)
		sk_rec_u64(&r, (u64)(s64)(int)c->args[0]);
	if (sv && sv->str_len > 0)
		sk_rec_bytes(&r, sv->str, sv->str_len);
	else
		sk_rec_ustr(&r, c->args[at ? 1 : 0]);
	sk_rec_submit(&r);
}

/* The parent's side of a clone-family call. */
static void sk_exit_clone(struct sk_work *w, const struct sk_call *c, const struct sk_ebpf_sc *sc)
{
	struct sk_rec r;

	sk_rec_begin(&r, w, sc->type, SK_SC_CLONE_NPARAMS, (u64)current->pid);
	sk_rec_clone(&r, w, current, c->ret, sk_clone_flags(sc, c->args[0]));
	sk_rec_submit(&r);
}

static void sk_sys_exit(struct pt_regs *regs, long ret)
{
	const struct sk_table *t = rcu_dereference_sched(sk_table);
	long raw = syscall_get_nr(current, regs);
	bool compat = in_compat_syscall();
	const struct sk_ebpf_sc *sc;
	const struct sk_saved *sv = NULL;
	struct sk_work *w;
	struct sk_call c;
	struct sk_rec r;

	if (!t || !sk_decode(t, regs, raw, compat, &c) || !sk_syscall_on(c.id))
		return;
	sc = &t->rows[c.id];
	if (sc->type == 0)
		return;
	c.ret = ret;
	w = sk_work_this_cpu();
	if ((sc->save_str || sc->save_sa) && sk_saved_get(current, c.id, &w->saved)) {
		sv = &w->saved;
		sk_saved_clear(current);
	}
	if (sc->special == SK_SP_EXEC || sc->special == SK_SP_CLONE) {
		/* a success is written by sched_process_exec, or (the
		 * child's side) sched_process_fork */
		if (ret == 0)
			return;
		if (sc->special == SK_SP_EXEC)
			sk_exit_exec(w, &c, sc, sv);
		else
			sk_exit_clone(w, &c, sc);
		return;
	}
	if (ret < 0 && (READ_ONCE(sk_settings.flags) & SK_KMOD_F_DROP_FAILED_EXIT))
		return;
	sk_rec_begin(&r, w, sc->type, sc->nparams, (u64)current->pid);
	sk_rec_params(&r, w, &c, sc, sv);
	sk_rec_submit(&r);
}

static void sk_probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	long raw;

	if (!sk_on())
		return;
	raw = syscall_get_nr(current, regs);
	/* the common case leaves on the bitmap alone (an ia32 call's number
	 * is not the table's: it goes through the compat map) */
	if (!in_compat_syscall() && !sk_syscall_on(raw))
		return;
	if (sk_excluded())
		return;
	preempt_disable();
	sk_sys_exit(regs, ret);
	preempt_enable();
}

/* ---- the scheduler ------------------------------------------------------------- */

/* The child's side of clone/fork/vfork/clone3 (res = 0). */
static void sk_probe_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
	const struct sk_table *t;
	const struct sk_ebpf_sc *sc;
	struct pt_regs *regs;
	struct sk_call c;
	struct sk_rec r;

	if (!sk_on() || sk_excluded() || (child->flags & PF_KTHREAD))
		return;
	preempt_disable();
	t = rcu_dereference_sched(sk_table);
	regs = task_pt_regs(current);
	if (!t || !sk_decode(t, regs, syscall_get_nr(current, regs), in_compat_syscall(), &c) ||
	    !sk_syscall_on(c.id))
		goto out;
	sc = &t->rows[c.id];
	if (sc->special != SK_SP_CLONE)
		goto out;
	sk_rec_begin(&r, sk_work_this_cpu(), sc->type, SK_SC_CLONE_NPARAMS, (u64)child->pid);
	sk_rec_clone(&r, sk_work_this_cpu(), child, 0, sk_clone_flags(sc, c.args[0]));
	sk_rec_submit(&r);
out:
	preempt_enable();
}

/* A successful execve/execveat: the new image. Which call it was comes
 * from what sys_enter saved, else from the registers. */
static void sk_probe_exec(void *data, struct task_struct *p, pid_t old_pid,
			  struct linux_binprm *bprm)
{
	const struct sk_table *t;
	const struct sk_ebpf_sc *sc;
	const struct sk_saved *sv = NULL;
	struct sk_work *w;
	struct sk_call c;
	struct sk_rec r;
	long id = -1;
	bool at;

	if (!sk_on() || sk_excluded())
		return;
	preempt_disable();
	t = rcu_dereference_sched(sk_table);
	if (!t)
		goto out;
	w = sk_work_this_cpu();
	if (sk_saved_any(current, &w->saved)) {
		sv = &w->saved;
		id = sv->id;
		sk_saved_clear(current);
	} else {
		struct pt_regs *regs = task_pt_regs(current);

		if (sk_decode(t, regs, syscall_get_nr(current, regs), in_compat_syscall(), &c))
			id = c.id;
	}
	if (id < 0 || id >= SK_KMOD_MAX_SYSCALLS || !sk_syscall_on(id))
		goto out;
	sc = &t->rows[id];
	if (sc->special != SK_SP_EXEC)
		goto out;
	at = sc->type == SK_SC_EXECVEAT;
	sk_rec_begin(&r, w, sc->type, at ? SK_SC_EXECVEAT_NPARAMS : SK_SC_EXECVE_NPARAMS,
		     (u64)current->pid);
	sk_rec_exec_common(&r, w, current, 0);
	if (at) {
		sk_rec_u64(&r, sv ? (u64)(s64)(int)sv->args[0] : (u64)-100);
		if (sv && sv->str_len > 0)
			sk_rec_bytes(&r, sv->str, sv->str_len);
		else
			sk_rec_empty(&r);
	} else {
		sk_rec_kstr(&r, bprm->filename);
	}
	sk_rec_submit(&r);
out:
	preempt_enable();
}

/* procexit: every user thread's exit. */
static void sk_probe_exit(void *data, struct task_struct *p)
{
	struct sk_rec r;
	int code;

	if (!sk_on() || sk_excluded() || (current->flags & PF_KTHREAD))
		return;
	preempt_disable();
	sk_saved_clear(current);
	code = READ_ONCE(current->exit_code);
	sk_rec_begin(&r, sk_work_this_cpu(), SK_SC_PROCEXIT, SK_SC_PROCEXIT_NPARAMS,
		     (u64)current->pid);
	sk_rec_u64(&r, (u64)(s64)code);			/* status */
	sk_rec_u64(&r, (u64)(s64)((code >> 8) & 0xff)); /* ret */
	sk_rec_u8(&r, (u8)(code & 0x7f));		/* sig */
	sk_rec_u8(&r, (code & 0x80) ? 1 : 0);		/* core */
	sk_rec_empty(&r);				/* reaper_tid */
	sk_rec_submit(&r);
	preempt_enable();
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
