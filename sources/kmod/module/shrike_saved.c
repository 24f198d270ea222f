// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_saved.c - what sys_enter keeps for the end
 * of a call, per task: the exec family's arguments and path (exec replaces
 * the memory they were in) and the sockaddr of connect and bind (another
 * thread may change it during the call), as the eBPF probe keeps them in
 * task storage. Which calls save what is the table's (save_str, save_sa).
 *
 * A fixed array of slots, allocated at load: a task hashes to
 * SK_SAVED_PROBE consecutive slots and takes the one that is its own, or
 * a free one, or else the first (the oldest call in flight loses its copy
 * and its record falls back to reading user memory at exit, as the eBPF
 * probe's LRU map does when full). A slot is keyed by the task and its
 * start time (a task freed and another allocated at the same address is
 * another task) and guarded by its own spinlock; it is free when its id
 * is -1. The task keeps its slot through exec's change of thread id.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/hash.h>
#include <linux/vmalloc.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "shrike_priv.h"

#define SK_SAVED_BITS  9
#define SK_SAVED_SLOTS (1u << SK_SAVED_BITS)
#define SK_SAVED_PROBE 8u

struct sk_saved_slot {
	spinlock_t lock;
	const struct task_struct *task;
	u64 start;
	struct sk_saved sv;
};

static struct sk_saved_slot *sk_slots;

int sk_saved_init(void)
{
	unsigned int i;

	sk_slots = vzalloc(sizeof(*sk_slots) * SK_SAVED_SLOTS);
	if (!sk_slots)
		return -ENOMEM;
	for (i = 0; i < SK_SAVED_SLOTS; i++) {
		spin_lock_init(&sk_slots[i].lock);
		sk_slots[i].sv.id = -1;
	}
	return 0;
}

void sk_saved_exit(void)
{
	vfree(sk_slots);
	sk_slots = NULL;
}

static unsigned int sk_slot_of(const struct task_struct *t, unsigned int k)
{
	return (hash_ptr((void *)t, SK_SAVED_BITS) + k) & (SK_SAVED_SLOTS - 1);
}

static bool sk_slot_owned(const struct sk_saved_slot *s, const struct task_struct *t)
{
	return s->task == t && s->start == t->start_time && s->sv.id >= 0;
}

static void sk_saved_copy(struct sk_saved *dst, const struct sk_saved *src)
{
	dst->id = src->id;
	memcpy(dst->args, src->args, sizeof(dst->args));
	dst->str_len = min_t(u32, src->str_len, SK_EBPF_STR_MAX);
	dst->sa_len = min_t(u32, src->sa_len, SK_EBPF_SA_MAX);
	memcpy(dst->str, src->str, dst->str_len);
	memcpy(dst->sa, src->sa, dst->sa_len);
}

/* id < 0: whatever the task saved */
static bool sk_saved_find(struct task_struct *t, long id, struct sk_saved *out)
{
	unsigned int k;
	unsigned long fl;
	bool found = false;

	for (k = 0; k < SK_SAVED_PROBE && !found; k++) {
		struct sk_saved_slot *s = &sk_slots[sk_slot_of(t, k)];

		spin_lock_irqsave(&s->lock, fl);
		if (sk_slot_owned(s, t) && (id < 0 || s->sv.id == id)) {
			sk_saved_copy(out, &s->sv);
			found = true;
		}
		spin_unlock_irqrestore(&s->lock, fl);
	}
	return found;
}

bool sk_saved_get(struct task_struct *t, long id, struct sk_saved *out)
{
	return id >= 0 && sk_saved_find(t, id, out);
}

bool sk_saved_any(struct task_struct *t, struct sk_saved *out)
{
	return sk_saved_find(t, -1, out);
}

void sk_saved_put(struct task_struct *t, const struct sk_saved *sv)
{
	struct sk_saved_slot *pick = NULL;
	unsigned int k;
	unsigned long fl;

	/* its own slot, else a free one, else the first */
	for (k = 0; k < SK_SAVED_PROBE; k++) {
		struct sk_saved_slot *s = &sk_slots[sk_slot_of(t, k)];
		bool own = READ_ONCE(s->task) == t, free = READ_ONCE(s->sv.id) < 0;

		if (own) {
			pick = s;
			break;
		}
		if (free && !pick)
			pick = s;
	}
	if (!pick)
		pick = &sk_slots[sk_slot_of(t, 0)];
	spin_lock_irqsave(&pick->lock, fl);
	pick->task = t;
	pick->start = t->start_time;
	sk_saved_copy(&pick->sv, sv);
	spin_unlock_irqrestore(&pick->lock, fl);
}

void sk_saved_clear(struct task_struct *t)
{
	unsigned int k;
	unsigned long fl;

	for (k = 0; k < SK_SAVED_PROBE; k++) {
		struct sk_saved_slot *s = &sk_slots[sk_slot_of(t, k)];

		if (READ_ONCE(s->task) != t)
			continue;
		spin_lock_irqsave(&s->lock, fl);
		if (s->task == t) {
			s->sv.id = -1;
			s->task = NULL;
		}
		spin_unlock_irqrestore(&s->lock, fl);
	}
}
