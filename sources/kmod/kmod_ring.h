/* sources/kmod/kmod_ring.h - reading one CPU's ring of the shrike kernel
 * module (shrike_kmod.h): the records between the reader's position and the
 * module's `head`, handed out in place, and `tail` published once the host
 * is done with them. Works on any mapping laid out as the module lays it
 * out (control page, then ring_size bytes), so the unit test
 * (kmod_ring_test.c) drives it on malloc'd memory.
 */
#ifndef SK_SOURCES_KMOD_KMOD_RING_H
#define SK_SOURCES_KMOD_KMOD_RING_H

#include <stddef.h>
#include <stdint.h>

#include <shrike/event.h>

#include "shrike_kmod.h"

struct kmod_ring {
	struct sk_kmod_ctrl *ctrl;  /* the start of the mapping */
	const unsigned char *data;  /* the records: ctrl + SK_KMOD_CTRL_SIZE */
	uint64_t size;		    /* ring_size, a power of two */
	uint64_t pos;		    /* next byte to read (a counter, as head and tail) */
	uint64_t bad;		    /* records that failed sk_evt_check(), skipped */
	uint64_t corrupt;	    /* times the ring held no valid header: skipped to head */
};

/* kmod_ring_attach - read the ring mapped at `map` (SK_KMOD_CTRL_SIZE +
 * ring_size bytes), starting at its current tail. */
void kmod_ring_attach(struct kmod_ring *r, void *map, uint32_t ring_size);

/* kmod_ring_read - append to out[] up to `max` records written since the
 * last read (not since the last release), in order, as pointers into the
 * ring (each 8-byte aligned, each passing sk_evt_check()); stops early once
 * *budget bytes are used (at least one record is always taken) and
 * subtracts what it used. Skips padding (SK_KMOD_PAD_TYPE, and the bytes
 * before the end of the ring when fewer than a header's). Returns the
 * number of records appended. The records stay valid until
 * kmod_ring_release(). */
size_t kmod_ring_read(struct kmod_ring *r, const struct sk_evt_hdr **out, size_t max,
		      size_t *budget);

/* kmod_ring_release - give the module back everything read so far (tail =
 * pos, store-release). */
void kmod_ring_release(struct kmod_ring *r);

/* kmod_ring_pending - bytes written and not yet read. */
uint64_t kmod_ring_pending(const struct kmod_ring *r);

#endif /* SK_SOURCES_KMOD_KMOD_RING_H */
