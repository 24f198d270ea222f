// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_rec.c - building a record: each CPU has a
 * work area (struct sk_work) where a probe lays out the record's header,
 * its parameter lengths and its values as <shrike/event.h> says, then
 * copies it into the CPU's ring with its exact length. Values are cut the
 * way the eBPF probe cuts them (probe.h: SK_EBPF_REC_MAX, STR_MAX), so
 * both sources write the same bytes. User memory is read only with
 * copy_from_user_nofault(): never a page fault, which a probe that runs
 * with preemption disabled could not take.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/uaccess.h>
#include <linux/mm.h>

#include "shrike_priv.h"

static struct sk_work **sk_works; /* one per possible CPU */

int sk_rec_init(void)
{
	unsigned int cpu;

	sk_works = kcalloc(nr_cpu_ids, sizeof(*sk_works), GFP_KERNEL);
	if (!sk_works)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
	{
		sk_works[cpu] = vzalloc(sizeof(struct sk_work));
		if (!sk_works[cpu]) {
			sk_rec_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

void sk_rec_exit(void)
{
	unsigned int cpu;

	if (!sk_works)
		return;
	for_each_possible_cpu(cpu) vfree(sk_works[cpu]);
	kfree(sk_works);
	sk_works = NULL;
}

struct sk_work *sk_work_this_cpu(void)
{
	return sk_works[smp_processor_id()];
}

void sk_rec_begin(struct sk_rec *r, struct sk_work *w, u16 type, u32 np, u64 tid)
{
	struct sk_evt_hdr *h = (struct sk_evt_hdr *)w->rec;

	if (np > SK_EVT_MAX_PARAMS)
		np = SK_EVT_MAX_PARAMS;
	h->ts = ktime_get_real_ns();
	h->tid = tid;
	h->len = 0;
	h->type = type;
	h->nparams = (u8)np;
	h->flags = 0; /* u16 lengths */
	r->buf = w->rec;
	r->np = np;
	r->idx = 0;
	r->off = SK_EVT_HDR_SIZE + 2u * np;
	r->fdno = -1;
	r->ino = NULL;
	r->task = current;
}

void sk_rec_len(struct sk_rec *r, u32 len)
{
	u16 l = (u16)len;

	if (r->idx >= r->np)
		return;
	memcpy(r->buf + SK_EVT_HDR_SIZE + 2u * r->idx, &l, 2);
	r->off += len;
	r->idx++;
}

/* The eBPF probe writes a value when the record so far is shorter than
 * SK_EBPF_REC_MAX; the value itself is bounded by its kind (at most
 * SK_EBPF_STR_MAX or SK_EBPF_ARGS_MAX bytes). The work area has room for
 * that: SK_EBPF_SCRATCH. */
u8 *sk_rec_room(struct sk_rec *r, u32 want)
{
	if (r->off >= SK_EBPF_REC_MAX || want > SK_EBPF_SCRATCH - r->off)
		return NULL;
	return r->buf + r->off;
}

void sk_rec_u64(struct sk_rec *r, u64 v)
{
	u8 *p = sk_rec_room(r, 8);

	if (!p) {
		sk_rec_empty(r);
		return;
	}
	memcpy(p, &v, 8);
	sk_rec_len(r, 8);
}

void sk_rec_u32(struct sk_rec *r, u32 v)
{
	u8 *p = sk_rec_room(r, 4);

	if (!p) {
		sk_rec_empty(r);
		return;
	}
	memcpy(p, &v, 4);
	sk_rec_len(r, 4);
}

void sk_rec_u8(struct sk_rec *r, u8 v)
{
	u8 *p = sk_rec_room(r, 1);

	if (!p) {
		sk_rec_empty(r);
		return;
	}
	*p = v;
	sk_rec_len(r, 1);
}

void sk_rec_bytes(struct sk_rec *r, const void *src, u32 len)
{
	u8 *p = len <= SK_EBPF_STR_MAX ? sk_rec_room(r, len) : NULL;

	if (!p) {
		sk_rec_empty(r);
		return;
	}
	memcpy(p, src, len);
	sk_rec_len(r, len);
}

void sk_rec_kstr(struct sk_rec *r, const char *s)
{
	u8 *p = s ? sk_rec_room(r, SK_EBPF_STR_MAX) : NULL;
	u32 n;

	if (!p) {
		sk_rec_empty(r);
		return;
	}
	n = strnlen(s, SK_EBPF_STR_MAX - 1);
	memcpy(p, s, n);
	p[n] = 0;
	sk_rec_len(r, n + 1);
}

static void sk_count_fault(void)
{
	struct sk_ring *ring = sk_dev_ring(smp_processor_id());

	if (ring)
		WRITE_ONCE(ring->ctrl->drops_fault, ring->ctrl->drops_fault + 1);
}

int sk_user_read(void *dst, u64 uaddr, u32 len)
{
	if (len == 0)
		return 0;
	if (uaddr == 0)
		return -EFAULT;
	if (copy_from_user_nofault(dst, (const void __user *)(uintptr_t)uaddr, len)) {
		sk_count_fault();
		return -EFAULT;
	}
	return 0;
}

/* In pieces of at most SK_USTR_STEP bytes that never cross a page: a
 * string that ends just before an unmapped page reads whole (what
 * bpf_probe_read_user_str does byte by byte), and a short one costs one
 * short copy, not the rest of its page. */
#define SK_USTR_STEP 128u
long sk_user_str(void *dst, u64 uaddr, u32 max)
{
	u8 *d = dst;
	u32 n = 0;

	if (uaddr == 0 || max == 0)
		return -EFAULT;
	while (n < max) {
		u64 a = uaddr + n;
		u32 chunk = PAGE_SIZE - (u32)(a & (PAGE_SIZE - 1));
		u8 *nul;

		if (chunk > SK_USTR_STEP)
			chunk = SK_USTR_STEP;
		if (chunk > max - n)
			chunk = max - n;
		if (copy_from_user_nofault(d + n, (const void __user *)(uintptr_t)a, chunk)) {
			sk_count_fault();
			return -EFAULT;
		}
		nul = memchr(d + n, 0, chunk);
		if (nul)
			return (long)(nul - d) + 1;
		n += chunk;
	}
	d[max - 1] = 0;
	return max;
}

void sk_rec_ustr(struct sk_rec *r, u64 uaddr)
{
	u8 *p = uaddr ? sk_rec_room(r, SK_EBPF_STR_MAX) : NULL;
	long n = p ? sk_user_str(p, uaddr, SK_EBPF_STR_MAX) : -1;

	sk_rec_len(r, n > 0 ? (u32)n : 0);
}

void sk_rec_submit(struct sk_rec *r)
{
	struct sk_ring *ring = sk_dev_ring(smp_processor_id());
	struct sk_evt_hdr *h = (struct sk_evt_hdr *)r->buf;
	u8 *dst;

	/* every parameter written, and no larger than the eBPF probe's
	 * largest record: as it does, count it as a drop otherwise */
	if (!ring)
		return;
	if (r->idx != r->np || r->off > SK_EBPF_REC_MAX + SK_EBPF_STR_MAX) {
		WRITE_ONCE(ring->ctrl->drops, ring->ctrl->drops + 1);
		WRITE_ONCE(ring->ctrl->drops_big, ring->ctrl->drops_big + 1);
		return;
	}
	h->len = r->off;
	dst = sk_ring_reserve(ring, r->off);
	if (!dst)
		return;
	memcpy(dst, r->buf, r->off);
	sk_ring_commit(ring, dst, r->off);
}
