/* SPDX-License-Identifier: GPL-2.0-only */
/* sources/kmod/module/shrike_priv.h - what the parts of shrike.ko share:
 * the per-CPU rings (shrike_ring.c), the devices that map them
 * (shrike_dev.c), the tracepoint probes that fill them (shrike_tp.c) and
 * the recording settings the ioctls change (shrike_main.c).
 */
#ifndef SK_KMOD_PRIV_H
#define SK_KMOD_PRIV_H

#include <linux/types.h>
#include <linux/wait.h>
#include <linux/atomic.h>

#include "shrike_kmod.h"
#include <shrike/event.h>
#include <shrike/syscall_events.h>

#define SK_KMOD_NAME "shrike"

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

/* shrike_tp.c */
int sk_tp_init(void);
void sk_tp_exit(void);

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

#endif /* SK_KMOD_PRIV_H */
