// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_table.c - the syscall table of
 * SK_KMOD_IOC_SET_TABLE: for each x86-64 syscall number, its event and
 * where each parameter comes from (struct sk_ebpf_sc, the rows the eBPF
 * probe runs from), and the ia32 numbers mapped onto those rows.
 *
 * The reader sends it before it enables recording. Each row is checked
 * against <shrike/syscall_events.h> (a known event, its parameter count,
 * known parameter kinds with arguments in range), so that a probe can use
 * it without further checks. A new table replaces the old one under RCU:
 * the probes read it with preemption disabled, and synchronize_rcu() waits
 * for them before the old one is freed.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

#include "shrike_priv.h"

struct sk_table __rcu *sk_table;
static DEFINE_MUTEX(sk_table_lock);

#define SK_NP_(id, n, name, flags, params) [n] = SK_SC_##id##_NPARAMS,
static const u8 sk_nparams[SK_SC_COUNT] = {SK_SYSCALL_EVENTS(SK_NP_, SK_SC_P_NONE_)};
#undef SK_NP_

static bool sk_arg_ok(u8 a)
{
	return a < 6;
}

static bool sk_fd_ok(u8 a)
{
	return a < 6 || a == SK_K_RET_FD;
}

static bool sk_pspec_ok(const struct sk_ebpf_pspec *p)
{
	switch (p->kind) {
	case SK_K_EMPTY:
	case SK_K_RET:
	case SK_K_PRCTL_STR:
	case SK_K_PRCTL_INT:
		return true;
	case SK_K_ARG_INT:
	case SK_K_ARG_I64:
	case SK_K_ARG_U32:
	case SK_K_ARG_U8:
	case SK_K_ARG_STR:
	case SK_K_PAIR_INO:
		return sk_arg_ok(p->a);
	case SK_K_ARG_SOCKADDR:
	case SK_K_FDLIST:
		return sk_arg_ok(p->a) && sk_arg_ok(p->b);
	case SK_K_ARG_FDPAIR:
		return sk_arg_ok(p->a) && p->b < 2;
	case SK_K_TUPLE:
	case SK_K_FD_DEV:
	case SK_K_FD_INO:
	case SK_K_FD_LAYER:
		return sk_fd_ok(p->a);
	case SK_K_CAPS:
	case SK_K_HOW:
	case SK_K_VM:
		return p->a < 3;
	default:
		return false;
	}
}

/* 0, or the number + 1 of the first bad row */
static unsigned int sk_rows_check(const struct sk_table *t)
{
	unsigned int i, k;

	for (i = 0; i < SK_KMOD_MAX_SYSCALLS; i++) {
		const struct sk_ebpf_sc *sc = &t->rows[i];
		u32 ev;

		if (sc->type == 0)
			continue;
		if (sc->type < SK_EVT_SYSCALL_BASE || sc->type >= SK_EVT_SYSCALL_BASE + SK_SC_COUNT)
			return i + 1;
		ev = sc->type - SK_EVT_SYSCALL_BASE;
		if (sk_nparams[ev] == 0 || sc->special > SK_SP_CLONE || sc->save_str > 6 ||
		    sc->save_sa > 6 || sc->save_sa_len >= 6)
			return i + 1;
		if (sc->special == SK_SP_EXEC && sc->type != SK_SC_EXECVE &&
		    sc->type != SK_SC_EXECVEAT)
			return i + 1;
		if (sc->special == SK_SP_CLONE && sc->type != SK_SC_CLONE &&
		    sc->type != SK_SC_FORK && sc->type != SK_SC_VFORK && sc->type != SK_SC_CLONE3)
			return i + 1;
		if (sc->special != SK_SP_NONE)
			continue;
		if (sc->nparams != sk_nparams[ev] || sc->nparams > SK_EBPF_MAX_PSPEC)
			return i + 1;
		for (k = 0; k < sc->nparams; k++) {
			if (!sk_pspec_ok(&sc->p[k]))
				return i + 1;
		}
	}
	return 0;
}

long sk_table_set(const struct sk_kmod_table __user *arg)
{
	struct sk_kmod_table req;
	struct sk_table *t, *old;
	unsigned int bad, i;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.nrows != SK_KMOD_MAX_SYSCALLS || req.row_size != sizeof(struct sk_ebpf_sc) ||
	    req.ncompat != SK_KMOD_COMPAT_MAX || req.reserved != 0)
		return -EINVAL;
	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	if (copy_from_user(t->rows, u64_to_user_ptr(req.rows), sizeof(t->rows)) ||
	    copy_from_user(t->compat, u64_to_user_ptr(req.compat), sizeof(t->compat))) {
		kvfree(t);
		return -EFAULT;
	}
	bad = sk_rows_check(t);
	if (bad) {
		pr_warn(SK_KMOD_NAME
			": SK_KMOD_IOC_SET_TABLE: row %u does not match the event table "
			"this module was built with\n",
			bad - 1);
		kvfree(t);
		return -EINVAL;
	}
	for (i = 0; i < SK_KMOD_COMPAT_MAX; i++) {
		u32 nr = t->compat[i] & SK_CNR_NR;

		if (nr > SK_KMOD_MAX_SYSCALLS) {
			kvfree(t);
			return -EINVAL;
		}
		t->compat[i] &= SK_CNR_NR | SK_CNR_SOCKETCALL;
	}
	mutex_lock(&sk_table_lock);
	old = rcu_dereference_protected(sk_table, lockdep_is_held(&sk_table_lock));
	rcu_assign_pointer(sk_table, t);
	mutex_unlock(&sk_table_lock);
	if (old) {
		synchronize_rcu();
		kvfree(old);
	}
	return 0;
}

bool sk_table_loaded(void)
{
	return rcu_access_pointer(sk_table) != NULL;
}

/* at unload, once no probe runs */
void sk_table_exit(void)
{
	struct sk_table *t = rcu_dereference_protected(sk_table, 1);

	RCU_INIT_POINTER(sk_table, NULL);
	kvfree(t);
}
