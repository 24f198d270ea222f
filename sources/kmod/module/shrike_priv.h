/* SPDX-License-Identifier: GPL-2.0-only */
/* sources/kmod/module/shrike_priv.h - what the parts of shrike.ko share:
 * the per-CPU rings (shrike_ring.c), the devices that map them
 * (shrike_dev.c), the recording settings and the syscall table the ioctls
 * change (shrike_main.c, shrike_table.c), records built in a per-CPU work
 * area (shrike_rec.c), the kernel objects they describe (shrike_kobj.c,
 * shrike_sock.c), process records (shrike_proc.c), table-driven
 * parameters (shrike_params.c) and the tracepoint probes that write them
 * (shrike_tp.c).
 *
 * Everything a probe calls runs with preemption disabled, on one CPU,
 * without sleeping: no allocation, no lock that sleeps, user memory read
 * only with copy_from_user_nofault().
 */
#ifndef SK_KMOD_PRIV_H
#define SK_KMOD_PRIV_H

#include <linux/types.h>
#include <linux/wait.h>
#include <linux/atomic.h>
#include <linux/spinlock.h>

#include "shrike_kmod.h"
#include "probe.h"
#include <shrike/event.h>
#include <shrike/syscall_events.h>

#define SK_KMOD_NAME "shrike"

struct task_struct;
struct file;
struct inode;
struct path;
struct sock;

/* One CPU's ring: the control page and ring_size bytes of records, one
 * vmalloc_user() area mapped by the reader. Only the probes on `cpu` write
 * it (preemption disabled), so there is one producer. */
struct sk_ring {
	struct sk_kmod_ctrl *ctrl; /* the start of the area */
	u8 *data;		   /* ctrl + SK_KMOD_CTRL_SIZE */
	u32 size;		   /* the module's own copy: ctrl is writable by the reader */
	u32 wakeup_bytes;	   /* idem */
	unsigned int cpu;
	/* records lost since the last SK_EVT_DROP record */
	u64 pending_drops;
	/* the probes write only while the device is open (release/acquire):
	 * a ring nobody reads is not filled, and open() resets it safely */
	int active;
	atomic_t opened; /* one opener at a time */
	wait_queue_head_t wq;
};

/* shrike_ring.c */
struct sk_ring *sk_ring_alloc(unsigned int cpu, u32 size);
void sk_ring_free(struct sk_ring *r);
void sk_ring_reset(struct sk_ring *r);
u64 sk_ring_used(const struct sk_ring *r);
bool sk_ring_readable(const struct sk_ring *r);
/* sk_ring_reserve - room for a record of `len` bytes, or NULL (counted as a
 * drop). sk_ring_commit publishes it. Tracepoint context only, on r->cpu. */
void *sk_ring_reserve(struct sk_ring *r, u32 len);
void sk_ring_commit(struct sk_ring *r, void *rec, u32 len);

/* shrike_dev.c */
int sk_dev_init(u32 ring_size);
void sk_dev_exit(void);
/* the ring of `cpu` when its device is open, else NULL */
struct sk_ring *sk_dev_ring(unsigned int cpu);

/* shrike_main.c: the recording settings (read in the probes with READ_ONCE) */
struct sk_settings {
	int enabled;
	u32 exclude_tgid;
	u32 flags; /* SK_KMOD_F_* */
	u64 syscalls[SK_KMOD_MAX_SYSCALLS / 64];
};
extern struct sk_settings sk_settings;
extern u32 sk_ring_size;
void sk_settings_disable_all(void);

static inline bool sk_syscall_on(long nr)
{
	return nr >= 0 && nr < SK_KMOD_MAX_SYSCALLS &&
	       (READ_ONCE(sk_settings.syscalls[nr / 64]) & (1ULL << (nr % 64)));
}

/* shrike_table.c: the table of SK_KMOD_IOC_SET_TABLE, replaced under RCU
 * (a probe reads it with preemption disabled: synchronize_rcu() waits for
 * it). */
struct sk_table {
	struct sk_ebpf_sc rows[SK_KMOD_MAX_SYSCALLS];
	u32 compat[SK_KMOD_COMPAT_MAX];
};
extern struct sk_table __rcu *sk_table;
long sk_table_set(const struct sk_kmod_table __user *arg);
bool sk_table_loaded(void);
void sk_table_exit(void);

/* shrike_rec.c: records built in this CPU's work area, then copied into
 * its ring. */
struct sk_rec {
	u8 *buf;
	u32 off; /* where the next parameter goes */
	u32 idx; /* the next parameter's number */
	u32 np;	 /* the parameters the record has */
	/* the descriptor looked up last (a dev and an ino of one fd share it) */
	long fdno;
	struct inode *ino;
	struct task_struct *task; /* the task the record describes */
};

/* What sys_enter keeps for sys_exit and sched_process_exec (shrike_saved.c).
 * Owned by one task between those points. */
struct sk_saved {
	long id; /* syscall number; -1: nothing saved */
	u64 args[6];
	u32 str_len;
	u32 sa_len;
	u8 str[SK_EBPF_STR_MAX];
	u8 sa[SK_EBPF_SA_MAX];
};

/* This CPU's work area: the record, a buffer for paths and one for
 * sockaddrs and pollfd arrays. */
#define SK_PATH_BUF 4096u
struct sk_work {
	u8 rec[SK_EBPF_SCRATCH];
	char path[SK_PATH_BUF];
	u8 tmp[SK_EBPF_SA_MAX * 2];
	struct sk_saved saved; /* a copy of the saved state, read outside its lock */
};

int sk_rec_init(void);
void sk_rec_exit(void);
struct sk_work *sk_work_this_cpu(void);
void sk_rec_begin(struct sk_rec *r, struct sk_work *w, u16 type, u32 np, u64 tid);
void sk_rec_len(struct sk_rec *r, u32 len);
static inline void sk_rec_empty(struct sk_rec *r)
{
	sk_rec_len(r, 0);
}
/* where `want` bytes of the next parameter go, or NULL (the record is full) */
u8 *sk_rec_room(struct sk_rec *r, u32 want);
void sk_rec_u64(struct sk_rec *r, u64 v);
void sk_rec_u32(struct sk_rec *r, u32 v);
void sk_rec_u8(struct sk_rec *r, u8 v);
void sk_rec_bytes(struct sk_rec *r, const void *p, u32 len);
/* a NUL-terminated string (at most SK_EBPF_STR_MAX bytes, NUL included) */
void sk_rec_kstr(struct sk_rec *r, const char *s);
void sk_rec_ustr(struct sk_rec *r, u64 uaddr);
/* sk_user_str - copy the string at user address `uaddr` into dst (at most
 * max bytes, NUL included; a longer one is cut and terminated): its length
 * with the NUL (1 for an empty string, as the eBPF probe records it on
 * every kernel), or -EFAULT. sk_user_read - `len` bytes, 0 or -EFAULT. Both
 * never fault pages in and count failures in the ring's drops_fault. */
long sk_user_str(void *dst, u64 uaddr, u32 max);
int sk_user_read(void *dst, u64 uaddr, u32 len);
/* sk_rec_submit - finish the record and copy it into this CPU's ring */
void sk_rec_submit(struct sk_rec *r);

/* shrike_saved.c */
int sk_saved_init(void);
void sk_saved_exit(void);
/* copy what is saved for task `t` and syscall `id` into *out; false: none */
bool sk_saved_get(struct task_struct *t, long id, struct sk_saved *out);
/* the same for whatever call `t` saved last (sched_process_exec) */
bool sk_saved_any(struct task_struct *t, struct sk_saved *out);
void sk_saved_put(struct task_struct *t, const struct sk_saved *sv);
void sk_saved_clear(struct task_struct *t);

/* shrike_kobj.c: kernel objects, under rcu_read_lock() */
struct file *sk_fd_file(struct task_struct *t, long fd);
struct inode *sk_rec_inode(struct sk_rec *r, long fd);
u8 sk_file_layer(struct file *f);
u32 sk_exe_flags(struct task_struct *t, struct file *exe);
s64 sk_inode_ctime(struct inode *ino);
s64 sk_inode_mtime(struct inode *ino);
u64 sk_task_cap(struct task_struct *t, u32 which);
u32 sk_task_euid(struct task_struct *t);
u32 sk_task_egid(struct task_struct *t);
u32 sk_task_tty(struct task_struct *t);
u32 sk_task_loginuid(struct task_struct *t);
u32 sk_ns_level(struct task_struct *t);
s64 sk_thread_vnr(struct task_struct *t, u32 level);
s64 sk_sig_pid(struct task_struct *t, u32 type, u32 level);
void sk_mm_pages(struct task_struct *t, s64 *ret_total, s64 *ret_rss, s64 *ret_swap);
static inline u32 sk_pages_kib(s64 pages)
{
	return pages > 0 ? (u32)(pages * 4) : 0;
}
void sk_rec_path(struct sk_rec *r, struct sk_work *w, const struct path *p);
void sk_rec_cgroups(struct sk_rec *r, struct sk_work *w, struct task_struct *t);

/* shrike_sock.c */
struct sock *sk_file_sock(struct file *f);
void sk_rec_tuple(struct sk_rec *r, struct sock *sk, bool peer_first, const u8 *sa, u32 salen);
void sk_rec_sockaddr(struct sk_rec *r, const u8 *sa, u32 salen);

/* The syscall being made, decoded (shrike_tp.c). */
struct sk_call {
	long id; /* the x86-64 number of its row */
	u64 args[6];
	s64 ret;
	bool compat;
};

/* shrike_params.c: sys_exit's table-driven records */
void sk_rec_params(struct sk_rec *r, struct sk_work *w, const struct sk_call *c,
		   const struct sk_ebpf_sc *sc, const struct sk_saved *sv);

/* shrike_proc.c: exec, clone and procexit records */
void sk_rec_exec_common(struct sk_rec *r, struct sk_work *w, struct task_struct *t, s64 res);
void sk_rec_clone(struct sk_rec *r, struct sk_work *w, struct task_struct *t, s64 res, u32 flags);

/* shrike_tp.c */
int sk_tp_init(void);
void sk_tp_exit(void);

#endif /* SK_KMOD_PRIV_H */
