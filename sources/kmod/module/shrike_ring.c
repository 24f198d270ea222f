// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_ring.c - one CPU's ring of records, shared
 * with the reader through mmap (see shrike_kmod.h for the layout).
 *
 * The module writes `head` (release, after the record), the reader writes
 * `tail` (release, when it is done with the records); each reads the
 * other's with acquire. Records start 8-byte aligned and never wrap: when
 * the space before the end of the ring is too small, a padding header
 * covers it and the record starts at offset 0. The space before the end is
 * never left smaller than a header (24 bytes): a record that would leave
 * 8 or 16 bytes there goes to offset 0 instead, after a padding header, so
 * that the reader always finds a whole header where it looks for one.
 *
 * A record that does not fit is dropped and counted (`drops`); the next
 * record that finds room is preceded by an SK_EVT_DROP record with the
 * number lost, as the eBPF source reports them.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/compiler.h>
#include <asm/barrier.h>

#include "shrike_priv.h"

#define SK_ALIGN8(x) (((x) + 7u) & ~7u)
/* an SK_EVT_DROP record: u64 lost, u32 cpu */
#define SK_DROP_REC_LEN (SK_EVT_HDR_SIZE + 2u * 2u + 8u + 4u)

struct sk_ring *sk_ring_alloc(unsigned int cpu, u32 size)
{
	struct sk_ring *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	/* zeroed, and mappable with remap_vmalloc_range() */
	r->ctrl = vmalloc_user(SK_KMOD_CTRL_SIZE + (unsigned long)size);
	if (!r->ctrl) {
		kfree(r);
		return NULL;
	}
	r->data = (u8 *)r->ctrl + SK_KMOD_CTRL_SIZE;
	r->size = size;
	r->cpu = cpu;
	atomic_set(&r->opened, 0);
	init_waitqueue_head(&r->wq);
	r->ctrl->ring_size = size;
	return r;
}

void sk_ring_free(struct sk_ring *r)
{
	if (!r)
		return;
	vfree(r->ctrl);
	kfree(r);
}

/* Empty the ring and its counters. Only while no probe writes it (the
 * device is not active and the probes that saw it active are done). */
void sk_ring_reset(struct sk_ring *r)
{
	WRITE_ONCE(r->ctrl->head, 0);
	WRITE_ONCE(r->ctrl->tail, 0);
	WRITE_ONCE(r->ctrl->events, 0);
	WRITE_ONCE(r->ctrl->drops, 0);
	WRITE_ONCE(r->ctrl->drops_fault, 0);
	WRITE_ONCE(r->ctrl->drops_big, 0);
	WRITE_ONCE(r->ctrl->ring_size, r->size);
	WRITE_ONCE(r->ctrl->wakeup_bytes, 0);
	r->wakeup_bytes = 0;
	r->pending_drops = 0;
}

/* Bytes the reader has not consumed; the whole ring when the reader's
 * tail makes no sense (ahead of head, or more than a ring behind). */
u64 sk_ring_used(const struct sk_ring *r)
{
	u64 head = READ_ONCE(r->ctrl->head);
	u64 tail = smp_load_acquire(&r->ctrl->tail);

	if (tail > head || head - tail > r->size)
		return r->size;
	return head - tail;
}

/* poll's rule: at least wakeup_bytes (0: any record), or more than half
 * full. */
bool sk_ring_readable(const struct sk_ring *r)
{
	u64 used = sk_ring_used(r);
	u32 wb = READ_ONCE(r->wakeup_bytes);

	if (used == 0)
		return false;
	return wb == 0 || used >= wb || used > r->size / 2;
}

static void sk_fill_hdr(struct sk_evt_hdr *h, u32 len, u16 type, u8 nparams)
{
	h->ts = 0;
	h->tid = 0;
	h->len = len;
	h->type = type;
	h->nparams = nparams;
	h->flags = 0;
}

/* Where a record of alen (aligned) bytes goes at head: its offset, or -1
 * when it does not fit; *pad = bytes of padding written before it. */
static long sk_place(struct sk_ring *r, u64 head, u64 used, u32 alen, u32 *pad)
{
	u32 pos = (u32)(head & (r->size - 1));
	u32 to_end = r->size - pos;
	u64 free = r->size - used;

	*pad = 0;
	if (alen > r->size - SK_EVT_HDR_SIZE && alen != r->size)
		return -1; /* could never be placed */
	if (alen == to_end || (alen < to_end && to_end - alen >= SK_EVT_HDR_SIZE)) {
		if (alen > free)
			return -1;
		return pos;
	}
	/* pad to the end (to_end >= a header, see above), start at 0 */
	if ((u64)to_end + alen > free)
		return -1;
	if (r->size - alen != 0 && r->size - alen < SK_EVT_HDR_SIZE)
		return -1;
	*pad = to_end;
	return 0;
}

/* Room for `len` bytes at the current head, padding written when needed;
 * NULL when full. Does not publish anything. */
static void *sk_reserve_raw(struct sk_ring *r, u32 len)
{
	u64 head = READ_ONCE(r->ctrl->head);
	u32 alen = SK_ALIGN8(len);
	u32 pad;
	long off = sk_place(r, head, sk_ring_used(r), alen, &pad);

	if (off < 0)
		return NULL;
	if (pad) {
		struct sk_evt_hdr *p = (struct sk_evt_hdr *)(r->data + (head & (r->size - 1)));

		/* published with the record that follows it: head moves
		 * over both at once (sk_new_head) */
		sk_fill_hdr(p, pad, SK_KMOD_PAD_TYPE, 0);
	}
	return r->data + off;
}

/* The new head after a record at `rec` of `len` bytes: past the record,
 * and past the padding before it when it starts at 0 after a wrap. */
static u64 sk_new_head(struct sk_ring *r, const void *rec, u32 len)
{
	u64 head = READ_ONCE(r->ctrl->head);
	u32 pos = (u32)(head & (r->size - 1));
	u32 off = (u32)((const u8 *)rec - r->data);

	if (off != pos) /* padding from pos to the end, then the record at 0 */
		head += r->size - pos;
	return head + SK_ALIGN8(len);
}

static void sk_publish(struct sk_ring *r, const void *rec, u32 len)
{
	smp_store_release(&r->ctrl->head, sk_new_head(r, rec, len));
}

/* The SK_EVT_DROP record of the records lost so far, when there is room. */
static bool sk_flush_drops(struct sk_ring *r)
{
	u8 *p;
	u16 lens[2] = {8, 4};
	u64 lost = r->pending_drops;
	u32 cpu = r->cpu;

	p = sk_reserve_raw(r, SK_DROP_REC_LEN);
	if (!p)
		return false;
	sk_fill_hdr((struct sk_evt_hdr *)p, SK_DROP_REC_LEN, SK_EVT_DROP, 2);
	((struct sk_evt_hdr *)p)->ts = ktime_get_real_ns();
	memcpy(p + SK_EVT_HDR_SIZE, lens, sizeof(lens));
	memcpy(p + SK_EVT_HDR_SIZE + sizeof(lens), &lost, 8);
	memcpy(p + SK_EVT_HDR_SIZE + sizeof(lens) + 8, &cpu, 4);
	sk_publish(r, p, SK_DROP_REC_LEN);
	r->pending_drops = 0;
	return true;
}

void *sk_ring_reserve(struct sk_ring *r, u32 len)
{
	void *p;

	if (r->pending_drops && !sk_flush_drops(r))
		p = NULL;
	else
		p = sk_reserve_raw(r, len);
	if (!p) {
		WRITE_ONCE(r->ctrl->drops, r->ctrl->drops + 1);
		r->pending_drops++;
	}
	return p;
}

void sk_ring_commit(struct sk_ring *r, void *rec, u32 len)
{
	sk_publish(r, rec, len);
	WRITE_ONCE(r->ctrl->events, r->ctrl->events + 1);
	/* wq_has_sleeper() has the barrier that pairs with poll_wait() */
	if (wq_has_sleeper(&r->wq) && sk_ring_readable(r))
		wake_up_interruptible(&r->wq);
}
