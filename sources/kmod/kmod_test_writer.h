/* sources/kmod/kmod_test_writer.h - the kmod tests' stand-in for the
 * module's ring writer: a control page and ring in malloc'd memory, and
 * records written into it the way shrike_kmod.h says the module writes
 * them (rounded up to 8 bytes, a padding header where a record does not
 * fit before the end, none when fewer than a header's bytes are left).
 * Each record has one parameter of plen bytes starting with its id (also
 * its ts). Static functions: for the test programs only.
 */
#ifndef SK_SOURCES_KMOD_KMOD_TEST_WRITER_H
#define SK_SOURCES_KMOD_KMOD_TEST_WRITER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <shrike/event.h>

#include "shrike_kmod.h"

#define TYPE (SK_EVT_SYSCALL_BASE + 1u)

struct fake {
	unsigned char *map;
	struct sk_kmod_ctrl *ctrl;
	unsigned char *data;
	uint32_t size;
};

static inline struct fake *fake_new(uint32_t size, uint64_t start)
{
	struct fake *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->map = aligned_alloc(4096, SK_KMOD_CTRL_SIZE + size);
	assert_non_null(f->map);
	memset(f->map, 0, SK_KMOD_CTRL_SIZE);
	memset(f->map + SK_KMOD_CTRL_SIZE, 0xab, size); /* never a valid record */
	f->ctrl = (struct sk_kmod_ctrl *)(void *)f->map;
	f->data = f->map + SK_KMOD_CTRL_SIZE;
	f->size = size;
	f->ctrl->ring_size = size;
	f->ctrl->head = f->ctrl->tail = start;
	return f;
}

static inline void fake_free(struct fake *f)
{
	free(f->map);
	free(f);
}

static inline uint32_t rec_len(uint32_t plen)
{
	return SK_EVT_HDR_SIZE + 2 + plen;
}

static inline uint64_t step_of(uint32_t len)
{
	return ((uint64_t)len + 7u) & ~(uint64_t)7u;
}

/* Write record `id` of event type `type` with a plen-byte parameter (>= 8)
 * as the module does. Returns 0, or -1 when the ring has no room. */
static inline int fake_put_as(struct fake *f, uint16_t type, uint32_t plen, uint64_t id)
{
	uint64_t head = f->ctrl->head, tail = __atomic_load_n(&f->ctrl->tail, __ATOMIC_ACQUIRE);
	uint32_t len = rec_len(plen);
	uint64_t step = step_of(len);
	uint64_t off = head & (f->size - 1), to_end = f->size - off;
	uint64_t pad = step > to_end ? to_end : 0;
	if (head + pad + step - tail > f->size) {
		return -1;
	}
	if (pad > 0) {
		if (pad >= SK_EVT_HDR_SIZE) {
			struct sk_evt_hdr h = {.len = (uint32_t)pad, .type = SK_KMOD_PAD_TYPE};
			memcpy(f->data + off, &h, sizeof(h));
		}
		head += pad;
		off = 0;
	}
	struct sk_evt_hdr h = {.ts = id, .tid = id, .len = len, .type = type, .nparams = 1};
	uint16_t l = (uint16_t)plen;
	memcpy(f->data + off, &h, sizeof(h));
	memcpy(f->data + off + SK_EVT_HDR_SIZE, &l, 2);
	memset(f->data + off + SK_EVT_HDR_SIZE + 2, (int)(id & 0xff), plen);
	memcpy(f->data + off + SK_EVT_HDR_SIZE + 2, &id, 8);
	__atomic_store_n(&f->ctrl->head, head + step, __ATOMIC_RELEASE);
	return 0;
}

static inline int fake_put(struct fake *f, uint32_t plen, uint64_t id)
{
	return fake_put_as(f, TYPE, plen, id);
}

#endif /* SK_SOURCES_KMOD_KMOD_TEST_WRITER_H */
