/* sources/kmod/kmod_ring.c - one CPU's ring of the shrike kernel module,
 * read in place (see kmod_ring.h and the layout in shrike_kmod.h).
 *
 * The module alone writes `head` (release, after the record) and the
 * reader alone `tail`: loaded here with acquire, stored with release. The
 * reader's own position `pos` runs ahead of `tail` while the host holds the
 * records of a batch; they are released on the next read, so the module
 * never overwrites a record the host still looks at.
 *
 * Anything that cannot be what the module writes (a misaligned position, a
 * length running past head or past the end of the ring, a padding header
 * that does not reach the end) means the ring is not what this reader
 * expects: it skips to head and counts it, rather than handing the host
 * bytes it cannot trust. A record whose parameters do not add up
 * (sk_evt_check) is skipped alone.
 */
#include "config.h"

#include <string.h>

#include "kmod_ring.h"

void kmod_ring_attach(struct kmod_ring *r, void *map, uint32_t ring_size)
{
	memset(r, 0, sizeof(*r));
	r->ctrl = map;
	r->data = (const unsigned char *)map + SK_KMOD_CTRL_SIZE;
	r->size = ring_size;
	r->pos = __atomic_load_n(&r->ctrl->tail, __ATOMIC_ACQUIRE);
}

uint64_t kmod_ring_pending(const struct kmod_ring *r)
{
	return __atomic_load_n(&r->ctrl->head, __ATOMIC_ACQUIRE) - r->pos;
}

size_t kmod_ring_read(struct kmod_ring *r, const struct sk_evt_hdr **out, size_t max,
		      size_t *budget)
{
	uint64_t head = __atomic_load_n(&r->ctrl->head, __ATOMIC_ACQUIRE);
	size_t n = 0;
	if (head - r->pos > r->size) {
		goto corrupt; /* the module wrote over what was not released */
	}
	while (n < max && r->pos != head) {
		uint64_t avail = head - r->pos;
		uint64_t off = r->pos & (r->size - 1);
		uint64_t to_end = r->size - off;
		if ((off & 7u) != 0) {
			goto corrupt;
		}
		if (to_end < SK_EVT_HDR_SIZE) {
			/* no header fits before the end: padding without one */
			if (avail < to_end) {
				goto corrupt;
			}
			r->pos += to_end;
			continue;
		}
		if (avail < SK_EVT_HDR_SIZE) {
			goto corrupt;
		}
		struct sk_evt_hdr h;
		memcpy(&h, r->data + off, sizeof(h));
		if (h.type == SK_KMOD_PAD_TYPE) {
			if (h.len != to_end || avail < to_end) {
				goto corrupt;
			}
			r->pos += to_end;
			continue;
		}
		uint64_t step = ((uint64_t)h.len + 7u) & ~(uint64_t)7u;
		if (h.len < SK_EVT_HDR_SIZE || step > to_end || step > avail) {
			goto corrupt;
		}
		if (n > 0 && step > *budget) {
			break;
		}
		if (sk_evt_check(r->data + off, h.len) != 0) {
			r->bad++;
		} else {
			out[n++] = (const struct sk_evt_hdr *)(const void *)(r->data + off);
			*budget = step > *budget ? 0 : *budget - step;
		}
		r->pos += step;
	}
	return n;

corrupt:
	r->corrupt++;
	r->pos = head;
	return n;
}

void kmod_ring_release(struct kmod_ring *r)
{
	__atomic_store_n(&r->ctrl->tail, r->pos, __ATOMIC_RELEASE);
}
