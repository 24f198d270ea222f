/* sources/ebpf/probe.bpf.c - Shrike's CO-RE syscall probe.
 *
 * Raw BTF tracepoints: sys_enter (for the exec family, connect and bind
 * only: copies the path or sockaddr the call uses, which exec replaces or
 * another thread may change during the call), sys_exit (one record per
 * syscall, arguments + return value, other paths and the addresses of
 * datagram calls read from the caller's memory there), sched_process_fork (the
 * child's clone record), sched_process_exec (the record of a successful
 * execve/execveat, describing the new image) and sched_process_exit
 * (procexit). Records are exactly <shrike/event.h> records laid out as
 * <shrike/syscall_events.h> says; they are built in a per-CPU scratch buffer
 * and copied into the ring buffer of the CPU's group with BPF_RB_NO_WAKEUP,
 * forcing a wake-up only when the ring is filling up (the reader otherwise
 * polls on a back-off timer). A record that finds no room is counted in the
 * per-CPU `counters` map, never lost silently.
 *
 * Verification cost. Every program must stay far below the verifier's
 * limit on every kernel from 5.10 on (the project's budget: 100,000
 * verified instructions). The costly parts are global functions (sk_g_*),
 * which the verifier checks once each, whatever the number of callers: one
 * parameter of a table-driven record (sk_g_param), a path (sk_g_path), a
 * cgroup line (sk_g_cgline), the process parameters of exec and clone
 * records (sk_g_exec_common, sk_g_clone). Loops are bounded loops with
 * small bodies, never bpf_loop (5.17; its callbacks are re-verified until
 * their states converge, so a switch inside one multiplies). sys_exit's
 * exec and clone records are built by their own programs, reached through
 * the `exit_tails` program array, so the dispatcher that runs for every
 * syscall stays small.
 *
 * Kernels. Helpers newer than 5.10 are used behind HAS_HELPER() checks that
 * libbpf turns into constants at load time, each with a fallback: the
 * current task as a BTF pointer (5.11) or read through BPF_CORE_READ; task
 * storage (5.11) or an LRU hash keyed by thread id (the plugin changes the
 * map's type before load); bpf_task_pt_regs (5.15) or the registers at the
 * top of the kernel stack. bpf_rdonly_cast (6.2) is a kfunc, which older
 * kernels refuse even in dead code: sk_sys_exit uses it, sk_sys_exit_old
 * does not, and the plugin loads one of the two.
 *
 * Which syscalls are recorded, and where each parameter comes from, is data:
 * the `syscalls` array map, written by the plugin before and during the run
 * (see probe.h). 32-bit (ia32) calls on x86-64 are mapped to the row of the
 * same event through the `compat_nr` map (call_decode). The daemon's own
 * process (self_tgid) is never recorded.
 *
 * Timestamps: bpf_ktime_get_boot_ns() (monotonic, counts suspend) plus
 * boot_to_epoch, the offset to CLOCK_REALTIME that the plugin computes at
 * start and refreshes every second, so records carry ns since the Unix epoch
 * and follow clock steps within a second.
 *
 * Files. This file holds the programs; the helpers they use are in
 * probe_*.bpf.h, included below in this order (each uses what the ones
 * before it define): probe_maps (configuration, maps, kernel features),
 * probe_record (building and submitting records, syscall arguments),
 * probe_kernel (files, inodes, pids, capabilities, paths, cgroups),
 * probe_socket (sockets and addresses), probe_process (exec and clone
 * records' process information), probe_params (table-driven parameters).
 * One translation unit, as before the split: the object is the same.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include <shrike/syscall_events.h>

#include "probe.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#include "probe_maps.bpf.h"
#include "probe_record.bpf.h"
#include "probe_kernel.bpf.h"
#include "probe_socket.bpf.h"
#include "probe_process.bpf.h"
#include "probe_params.bpf.h"

/* ---- programs ------------------------------------------------------------------ */

/* Decode the current syscall (raw: the number in the registers). A 64-bit
 * call is its own row. A 32-bit (ia32) call -- a 32-bit program, or int
 * 0x80 from a 64-bit one -- is mapped through compat_nr to the x86-64 row
 * of the same event, its arguments taken from bx, cx, dx, si, di, bp; for
 * socketcall, from the array its second argument points to. Returns false
 * when the call is not one that is recorded (or, 32-bit, enabled). */
static __always_inline bool call_decode(struct pt_regs *regs, long raw, bool compat,
					struct sk_call *c)
{
	c->id = raw;
	c->compat = compat ? 1 : 0;
	if (!compat) {
		for (__u32 i = 0; i < 6; i++) {
			c->args[i] = regs_arg(regs, i);
		}
		return true;
	}
#if defined(__TARGET_ARCH_x86)
	__u32 key = (__u32)raw;
	__u32 *cm = bpf_map_lookup_elem(&compat_nr, &key);
	if (cm == NULL || !(*cm & SK_CNR_ENABLED)) {
		return false;
	}
	__u32 v = *cm;
	c->args[0] = (__u32)regs->bx;
	c->args[1] = (__u32)regs->cx;
	c->args[2] = (__u32)regs->dx;
	c->args[3] = (__u32)regs->si;
	c->args[4] = (__u32)regs->di;
	c->args[5] = (__u32)regs->bp;
	if (v & SK_CNR_SOCKETCALL) {
		__u32 call = (__u32)c->args[0];
		if (call >= SK_EBPF_COMPAT_MAX - SK_EBPF_SOCKETCALL_BASE) {
			return false;
		}
		key = SK_EBPF_SOCKETCALL_BASE + call;
		cm = bpf_map_lookup_elem(&compat_nr, &key);
		if (cm == NULL || !(*cm & SK_CNR_ENABLED)) {
			return false;
		}
		v = *cm;
		/* the kernel reads 2 to 6 of them; 3 (or 6) are readable
		 * wherever the call's own are */
		const void *p = (const void *)c->args[1];
		__builtin_memset(c->sock, 0, sizeof(c->sock));
		if (bpf_probe_read_user(c->sock, sizeof(c->sock), p) != 0 &&
		    bpf_probe_read_user(c->sock, 3 * sizeof(c->sock[0]), p) != 0) {
			return false;
		}
		for (__u32 i = 0; i < 6; i++) {
			c->args[i] = c->sock[i];
		}
	}
	if ((v & SK_CNR_NR) == 0) {
		return false;
	}
	c->id = (long)(v & SK_CNR_NR) - 1;
	return true;
#else
	return false;
#endif
}

/* What the exec family, connect and bind keep for sys_exit and
 * sched_process_exec: the syscall number (which exec call it was: exec
 * itself sets the registers' number to execve's), the arguments (the exec
 * tracepoint has none of the call's), and the path or sockaddr as it was
 * when the kernel read it. Called at the entry of the calls that copy
 * something (the sk_fe_* programs), or, where those cannot attach or every
 * one-path call copies its path (paths_at_entry), at sys_enter for every
 * syscall, most of which leave after two array lookups. */
static __always_inline int save_entry(struct pt_regs *regs, long id)
{
	if (id < 0 || id >= SK_EBPF_MAX_SYSCALLS) {
		return 0;
	}
	__u32 key = (__u32)id;
	struct sk_ebpf_sc *sc = bpf_map_lookup_elem(&syscalls, &key);
	__u32 *cm = bpf_map_lookup_elem(&compat_nr, &key);
	bool s64 = sc != NULL && (sc->save_str != 0 || sc->save_sa != 0) && sc->enabled;
	bool s32 = cm != NULL && (*cm & SK_CNR_SAVES);
	if ((!s64 && !s32) || self()) {
		return 0;
	}
	struct task_struct *task = cur_task();
	bool compat = is_compat(task);
	struct sk_call c;
	if ((compat ? !s32 : !s64) || !call_decode(regs, id, compat, &c)) {
		return 0;
	}
	if (compat) {
		key = (__u32)c.id;
		sc = bpf_map_lookup_elem(&syscalls, &key);
		if (sc == NULL || (sc->save_str == 0 && sc->save_sa == 0) || !sc->enabled) {
			return 0;
		}
	}
	if (sc == NULL) {
		return 0;
	}
	struct sk_saved *sv = saved_get(task, true);
	if (sv == NULL) {
		return 0;
	}
	sv->id = c.id;
	if (sc->special == SK_SP_EXEC) {
		/* sched_process_exec has no registers of the call: keep them */
		for (__u32 i = 0; i < 6; i++) {
			sv->args[i] = c.args[i];
		}
	}
	sv->str_len = 0;
	sv->sa_len = 0;
	if (sc->save_str != 0) {
		long n = bpf_probe_read_user_str(sv->str, SK_EBPF_STR_MAX,
						 (const void *)c.args[(sc->save_str - 1) & 7]);
		if (n == 0) { /* "" (older kernels return 0 for it) */
			sv->str[0] = 0;
			n = 1;
		}
		sv->str_len = n > 0 ? (__u32)n : 0;
	}
	if (sc->save_sa != 0) {
		__u64 len = c.args[sc->save_sa_len & 7];
		if (len > SK_EBPF_SA_MAX) {
			len = SK_EBPF_SA_MAX;
		}
		barrier_var(len);
		len &= SK_EBPF_SA_MAX - 1 | SK_EBPF_SA_MAX;
		if (bpf_probe_read_user(sv->sa, len, (const void *)c.args[(sc->save_sa - 1) & 7]) ==
		    0) {
			sv->sa_len = (__u32)len;
		}
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sk_sys_enter, struct pt_regs *regs, long id)
{
	return save_entry(regs, id);
}

#if defined(__TARGET_ARCH_x86)
/* The same at the entry of the calls themselves (fentry: these calls pay
 * for it, not every syscall of the machine). The registers are the
 * caller's, its syscall number in orig_ax; the ia32 ones (a 32-bit
 * program, int 0x80) have ia32 numbers, which save_entry maps through
 * compat_nr like sys_enter. The plugin loads them when the kernel has
 * every one of these functions, else sk_sys_enter. */
#define SK_ENTRY_PROG(name, fn)                                                                    \
	SEC("fentry/" #fn)                                                                         \
	int BPF_PROG(name, struct pt_regs *regs)                                                   \
	{                                                                                          \
		return save_entry(regs, regs_id(regs));                                            \
	}
SK_ENTRY_PROG(sk_fe_execve, __x64_sys_execve)
SK_ENTRY_PROG(sk_fe_execveat, __x64_sys_execveat)
SK_ENTRY_PROG(sk_fe_connect, __x64_sys_connect)
SK_ENTRY_PROG(sk_fe_bind, __x64_sys_bind)
SK_ENTRY_PROG(sk_fe_ia32_execve, __ia32_compat_sys_execve)
SK_ENTRY_PROG(sk_fe_ia32_execveat, __ia32_compat_sys_execveat)
SK_ENTRY_PROG(sk_fe_ia32_connect, __ia32_sys_connect)
SK_ENTRY_PROG(sk_fe_ia32_bind, __ia32_sys_bind)
SK_ENTRY_PROG(sk_fe_ia32_socketcall, __ia32_compat_sys_socketcall)
#endif

/* The flags of a clone-family call whose first argument is arg0. */
static __always_inline __u32 clone_flags(struct sk_ebpf_sc *sc, __u64 arg0)
{
	if (sc->type == SK_SC_CLONE) {
		return (__u32)arg0;
	}
	if (sc->type == SK_SC_CLONE3) {
		__u64 f = 0;
		bpf_probe_read_user(&f, sizeof(f), (const void *)arg0);
		return (__u32)f;
	}
	if (sc->type == SK_SC_VFORK) {
		return 0x4000u | 0x100u; /* CLONE_VFORK | CLONE_VM */
	}
	return 0;
}

/* One record per syscall at its exit: the dispatcher. It filters (the
 * recorded set, the daemon itself, drop_failed_exit), decodes the call into
 * the EXIT slot, then builds a table-driven record one sk_g_param call per
 * parameter, or hands an exec or clone record to its own program through
 * exit_tails. fast: bpf_rdonly_cast is there (sk_sys_exit); else
 * sk_sys_exit_old, the same with helper reads. */
static __always_inline int sys_exit(void *ctx, struct pt_regs *regs, long ret, bool fast)
{
	long raw = regs_id(regs);
	if (raw < 0 || raw >= SK_EBPF_MAX_SYSCALLS) {
		return 0;
	}
	__u32 key = (__u32)raw;
	struct sk_ebpf_sc *sc = bpf_map_lookup_elem(&syscalls, &key);
	bool on64 = sc != NULL && sc->enabled && sc->type != 0;
	if (!on64) {
		/* perhaps the 32-bit call of that number is recorded */
		__u32 *cm = bpf_map_lookup_elem(&compat_nr, &key);
		if (cm == NULL || !(*cm & SK_CNR_ENABLED)) {
			return 0;
		}
	}
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if ((pid_tgid >> 32) == self_tgid) {
		return 0;
	}
	struct task_struct *task = cur_task();
	struct sk_call *c = call_slot(SK_CALL_EXIT);
	if (c == NULL || !call_decode(regs, raw, is_compat(task), c)) {
		return 0;
	}
	if (c->compat) {
		key = (__u32)c->id;
		sc = bpf_map_lookup_elem(&syscalls, &key);
	}
	if (sc == NULL || !sc->enabled || sc->type == 0) {
		return 0;
	}
	c->ret = ret;
	c->has_saved = sc->save_str != 0 || sc->save_sa != 0;
	if (sc->special == SK_SP_EXEC || sc->special == SK_SP_CLONE) {
		/* a success is written by sched_process_exec, or (the child's
		 * side) sched_process_fork */
		if (ret == 0) {
			return 0;
		}
		bpf_tail_call(ctx, &exit_tails,
			      sc->special == SK_SP_EXEC ? SK_TAIL_EXEC : SK_TAIL_CLONE);
		count(3); /* not reached unless the program is missing */
		return 0;
	}
	struct sk_saved *sv = NULL;
	if (c->has_saved) {
		sv = saved_for(task, c->id);
	}
	if (drop_failed && ret < 0) {
		if (sv != NULL) {
			sv->id = -1;
		}
		return 0;
	}
	__u32 n = sc->nparams;
	__u8 *buf = scratch_get(SK_SLOT_EXIT);
	if (n > SK_EBPF_MAX_PSPEC || buf == NULL) {
		return 0;
	}
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_EXIT, buf, sc->type, n, (__u32)pid_tgid)) {
		return 0;
	}
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < SK_EBPF_MAX_PSPEC; i++) {
		if (i >= n) {
			break;
		}
		struct sk_ebpf_pspec *ps = &sc->p[i];
		if (param_inline(&r, c, ret, ps->kind, ps->a & 7, ps->b)) {
			continue;
		}
		if (ps->kind == SK_K_FD_DEV || ps->kind == SK_K_FD_INO) {
			/* a descriptor's device and/or inode: one call for both */
			__u8 a = ps->a;
			long fd = a == SK_K_RET_FD ? ret : (long)(int)sk_arg(c, a & 7);
			__u32 what = ps->kind == SK_K_FD_DEV ? SK_FD_DEV : SK_FD_INO;
			if (what == SK_FD_DEV && i + 1 < n && i + 1 < SK_EBPF_MAX_PSPEC &&
			    sc->p[i + 1].kind == SK_K_FD_INO && sc->p[i + 1].a == a) {
				what |= SK_FD_INO;
				i++;
			}
			if (fast) {
				sk_g_fd_fast(fd, what);
			} else {
				sk_g_fd(fd, what);
			}
			continue;
		}
		if (fast) {
			sk_g_param_fast(i);
		} else {
			sk_g_param(i);
		}
	}
	if (sv != NULL) {
		sv->id = -1;
	}
	rec_submit(&r);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sk_sys_exit, struct pt_regs *regs, long ret)
{
	return sys_exit(ctx, regs, ret, true);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sk_sys_exit_old, struct pt_regs *regs, long ret)
{
	return sys_exit(ctx, regs, ret, false);
}

/* In a program sys_exit tail-called: the call the dispatcher decoded (the
 * EXIT slot), its row, and the record buffer; false when one is missing. */
static __always_inline bool tail_call_state(struct sk_call **ret_c, struct sk_ebpf_sc **ret_sc,
					    __u8 **ret_buf)
{
	struct sk_call *c = call_slot(SK_CALL_EXIT);
	*ret_buf = scratch_get(SK_SLOT_EXIT);
	if (c == NULL || *ret_buf == NULL) {
		return false;
	}
	__u32 key = (__u32)c->id;
	*ret_c = c;
	*ret_sc = bpf_map_lookup_elem(&syscalls, &key);
	return *ret_sc != NULL;
}

/* A failed execve/execveat (exit_tails[SK_TAIL_EXEC]). */
SEC("tp_btf/sys_exit")
int BPF_PROG(sk_exit_exec, struct pt_regs *regs, long ret)
{
	struct sk_call *c = NULL;
	struct sk_ebpf_sc *sc = NULL;
	__u8 *buf = NULL;
	if (!tail_call_state(&c, &sc, &buf)) {
		return 0;
	}
	struct task_struct *task = cur_task();
	struct sk_saved *sv = c->has_saved ? saved_for(task, c->id) : NULL;
	bool at = sc->type == SK_SC_EXECVEAT;
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_EXIT, buf, sc->type,
		       at ? SK_SC_EXECVEAT_NPARAMS : SK_SC_EXECVE_NPARAMS,
		       (__u32)bpf_get_current_pid_tgid())) {
		return 0;
	}
	rec_exec_common(&r, task, c->ret);
	if (at) {
		rec_u64(&r, (__u64)(__s64)(int)sk_arg(c, 0));
	}
	if (sv != NULL && sv->str_len > 0) {
		rec_kernel_bytes(&r, sv->str, sv->str_len & (SK_EBPF_STR_MAX - 1));
	} else {
		rec_user_str(&r, (const void *)sk_arg(c, at ? 1 : 0));
	}
	if (sv != NULL) {
		sv->id = -1;
	}
	rec_submit(&r);
	return 0;
}

/* The parent's side of a clone-family call (exit_tails[SK_TAIL_CLONE]). */
SEC("tp_btf/sys_exit")
int BPF_PROG(sk_exit_clone, struct pt_regs *regs, long ret)
{
	struct sk_call *c = NULL;
	struct sk_ebpf_sc *sc = NULL;
	__u8 *buf = NULL;
	if (!tail_call_state(&c, &sc, &buf)) {
		return 0;
	}
	__u32 flags = clone_flags(sc, sk_arg(c, 0));
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_EXIT, buf, sc->type, SK_SC_CLONE_NPARAMS,
		       (__u32)bpf_get_current_pid_tgid())) {
		return 0;
	}
	rec_clone(&r, cur_task(), c->ret, flags);
	rec_submit(&r);
	return 0;
}

/* The child's side of clone/fork/vfork/clone3 (res = 0). */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(sk_sched_fork, struct task_struct *parent, struct task_struct *child)
{
	if (self()) {
		return 0;
	}
	if (BPF_CORE_READ(child, flags) & 0x00200000u /* PF_KTHREAD */) {
		return 0;
	}
	struct task_struct *task = cur_task();
	struct pt_regs *regs = task_regs(task);
	if (regs == NULL) {
		return 0;
	}
	long raw = regs_id(regs);
	struct sk_call *c = call_slot(SK_CALL_FORK);
	if (c == NULL || raw < 0 || raw >= SK_EBPF_MAX_SYSCALLS ||
	    !call_decode(regs, raw, is_compat(task), c)) {
		return 0;
	}
	__u32 key = (__u32)c->id;
	struct sk_ebpf_sc *sc = bpf_map_lookup_elem(&syscalls, &key);
	if (sc == NULL || !sc->enabled || sc->special != SK_SP_CLONE) {
		return 0;
	}
	__u8 *buf = scratch_get(SK_SLOT_FORK);
	if (buf == NULL) {
		return 0;
	}
	__u32 flags = clone_flags(sc, c->args[0]);
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_FORK, buf, sc->type, SK_SC_CLONE_NPARAMS,
		       (__u64)BPF_CORE_READ(child, pid))) {
		return 0;
	}
	rec_clone(&r, child, 0, flags);
	rec_submit(&r);
	return 0;
}

/* A successful execve/execveat: the new image. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(sk_sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (self()) {
		return 0;
	}
	struct task_struct *task = cur_task();
	/* Which exec call this is: the number sys_enter saved (the registers
	 * of the new image no longer say execveat on x86), else the
	 * registers' syscall number. */
	struct sk_saved *sv = saved_get(task, false);
	long id = -1;
	if (sv != NULL && sv->id >= 0) {
		id = sv->id;
	} else {
		/* exec set the registers' number to execve's, 64- or 32-bit */
		struct pt_regs *regs = task_regs(task);
		struct sk_call *c = call_slot(SK_CALL_EXEC);
		long raw = regs != NULL ? regs_id(regs) : -1;
		sv = NULL;
		if (c != NULL && raw >= 0 && raw < SK_EBPF_MAX_SYSCALLS &&
		    call_decode(regs, raw, is_compat(task), c)) {
			id = c->id;
		}
	}
	if (id < 0 || id >= SK_EBPF_MAX_SYSCALLS) {
		return 0;
	}
	__u32 key = (__u32)id;
	struct sk_ebpf_sc *sc = bpf_map_lookup_elem(&syscalls, &key);
	if (sc == NULL || !sc->enabled || sc->special != SK_SP_EXEC) {
		return 0;
	}
	__u8 *buf = scratch_get(SK_SLOT_EXEC);
	if (buf == NULL) {
		return 0;
	}
	bool at = sc->type == SK_SC_EXECVEAT;
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_EXEC, buf, sc->type,
		       at ? SK_SC_EXECVEAT_NPARAMS : SK_SC_EXECVE_NPARAMS,
		       (__u32)bpf_get_current_pid_tgid())) {
		return 0;
	}
	rec_exec_common(&r, task, 0);
	if (at) {
		rec_u64(&r, sv != NULL ? (__u64)(__s64)(int)sv->args[0] : (__u64)-100);
		if (sv != NULL && sv->str_len > 0) {
			rec_kernel_bytes(&r, sv->str, sv->str_len & (SK_EBPF_STR_MAX - 1));
		} else {
			rec_empty(&r);
		}
	} else {
		rec_kernel_str(&r, BPF_CORE_READ(bprm, filename));
	}
	if (sv != NULL) {
		sv->id = -1;
	}
	rec_submit(&r);
	return 0;
}

/* procexit: every thread's exit. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(sk_sched_exit, struct task_struct *p)
{
	if (self()) {
		return 0;
	}
	struct task_struct *task = cur_task();
	if (BPF_CORE_READ(task, flags) & 0x00200000u /* PF_KTHREAD */) {
		return 0;
	}
	__u8 *buf = scratch_get(SK_SLOT_PEXIT);
	if (buf == NULL) {
		return 0;
	}
	int code = BPF_CORE_READ(task, exit_code);
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_PEXIT, buf, SK_SC_PROCEXIT, SK_SC_PROCEXIT_NPARAMS,
		       (__u32)bpf_get_current_pid_tgid())) {
		return 0;
	}
	rec_u64(&r, (__u64)(__s64)code);		 /* status */
	rec_u64(&r, (__u64)(__s64)((code >> 8) & 0xff)); /* ret */
	rec_u8(&r, (__u8)(code & 0x7f));		 /* sig */
	rec_u8(&r, (code & 0x80) ? 1 : 0);		 /* core */
	rec_empty(&r);					 /* reaper_tid */
	rec_submit(&r);
	return 0;
}
