/* sources/kmod/kmod_ring_test.c - the kmod source's ring reader
 * (kmod_ring.c) on a control page and ring built in memory the way the
 * module writes them (shrike_kmod.h): records rounded up to 8 bytes, a
 * padding header where a record does not fit before the end (none when
 * fewer than a header's bytes are left), head and tail counters that run
 * past ring_size. Checks that every record comes out once, in order,
 * 8-byte aligned, and that tail moves only on release.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kmod_ring.h"
#include "kmod_test_writer.h"

static uint64_t rec_id(const struct sk_evt_hdr *h)
{
	uint64_t id;
	memcpy(&id, (const unsigned char *)h + SK_EVT_HDR_SIZE + 2, 8);
	assert_int_equal(h->ts, id);
	return id;
}

/* Read everything there is, max records at a time, checking ids from
 * *next on; release after each read. Returns the records read. */
static size_t drain(struct fake *f, struct kmod_ring *r, size_t max, uint64_t *next)
{
	const struct sk_evt_hdr *out[64];
	size_t total = 0, n;
	assert_true(max <= 64);
	do {
		size_t budget = SIZE_MAX;
		uint64_t before = f->ctrl->tail;
		n = kmod_ring_read(r, out, max, &budget);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal((uintptr_t)out[i] % 8, 0);
			assert_true((const unsigned char *)out[i] >= f->data);
			assert_true((const unsigned char *)out[i] + out[i]->len <= f->data + f->size);
			assert_int_equal(out[i]->type, TYPE);
			assert_int_equal(rec_id(out[i]), *next);
			(*next)++;
		}
		/* the host still holds them: tail has not moved */
		assert_int_equal(f->ctrl->tail, before);
		kmod_ring_release(r);
		assert_int_equal(f->ctrl->tail, r->pos);
		total += n;
	} while (n > 0);
	return total;
}

/* A ring of 4096 bytes whose counters start at `start`, and its reader. */
static struct fake *ring_at(uint64_t start, struct kmod_ring *r)
{
	struct fake *f = fake_new(4096, start);
	kmod_ring_attach(r, f->map, f->size);
	assert_int_equal(r->pos, start);
	return f;
}

static void test_in_order(void **state)
{
	(void)state;
	struct fake *f = fake_new(4096, 0);
	struct kmod_ring r;
	uint64_t next = 1;
	for (uint64_t id = 1; id <= 5; id++) {
		assert_int_equal(fake_put(f, 8 + (uint32_t)id, id), 0);
	}
	kmod_ring_attach(&r, f->map, f->size);
	assert_int_equal(drain(f, &r, 64, &next), 5);
	assert_int_equal(f->ctrl->tail, f->ctrl->head);
	assert_int_equal(r.bad + r.corrupt, 0);
	assert_int_equal(drain(f, &r, 64, &next), 0); /* nothing twice */
	fake_free(f);
}

/* Wrapping at the end of the ring, counters far beyond ring_size: the
 * second record of each case lands at offset 0. */
static void test_wrap(void **state)
{
	static const struct {
		const char *what;
		uint64_t left;	 /* bytes before the end at the start */
		uint32_t plen1;	 /* the first record's parameter */
		uint32_t plen2;	 /* the second's */
		uint64_t skipped; /* bytes between the first record and the end */
	} cases[] = {
	    {"a padding header", 64, 8, 100, 24},	/* 40-byte record: 24 left */
	    {"a gap too short for a header", 56, 8, 8, 16},
	    {"a record exactly filling the end", 48, 22, 8, 0}, /* 24 + 2 + 22 */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t start = (7ull + i) * 4096 + 4096 - cases[i].left;
		struct kmod_ring r;
		struct fake *f = ring_at(start, &r);
		const struct sk_evt_hdr *out[4];
		size_t budget = SIZE_MAX;
		print_message("# %s\n", cases[i].what);
		assert_int_equal(fake_put(f, cases[i].plen1, 1), 0);
		assert_int_equal(fake_put(f, cases[i].plen2, 2), 0);
		assert_int_equal(f->ctrl->head, (8ull + i) * 4096 +
						    step_of(rec_len(cases[i].plen2)));
		assert_int_equal(cases[i].left - step_of(rec_len(cases[i].plen1)),
				 cases[i].skipped);
		assert_int_equal(kmod_ring_read(&r, out, 4, &budget), 2);
		assert_ptr_equal(out[0], (const void *)(f->data + 4096 - cases[i].left));
		assert_ptr_equal(out[1], (const void *)f->data);
		assert_int_equal(rec_id(out[0]), 1);
		assert_int_equal(rec_id(out[1]), 2);
		assert_int_equal(f->ctrl->tail, start); /* not yet released */
		kmod_ring_release(&r);
		assert_int_equal(f->ctrl->tail, f->ctrl->head);
		assert_int_equal(r.bad + r.corrupt, 0);
		fake_free(f);
	}
}

/* Many laps of varied sizes, read a few at a time while the writer fills
 * what was released: every record once, in order. */
static void test_many_laps(void **state)
{
	(void)state;
	struct fake *f = fake_new(4096, (1ull << 40) - 4096 * 3 + 8);
	struct kmod_ring r;
	uint64_t next = 1, id = 1, seed = 12345;
	kmod_ring_attach(&r, f->map, f->size);
	for (int round = 0; round < 2000; round++) {
		for (int k = 0; k < 6; k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			uint32_t plen = 8 + (uint32_t)((seed >> 33) % 300);
			if (fake_put(f, plen, id) == 0) {
				id++;
			}
		}
		const struct sk_evt_hdr *out[8];
		size_t budget = SIZE_MAX;
		size_t n = kmod_ring_read(&r, out, 1 + (size_t)round % 8, &budget);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal((uintptr_t)out[i] % 8, 0);
			assert_int_equal(rec_id(out[i]), next);
			next++;
		}
		kmod_ring_release(&r);
	}
	drain(f, &r, 64, &next);
	assert_int_equal(next, id);
	assert_true(f->ctrl->head > (1ull << 40) + 100 * 4096ull); /* many laps */
	assert_int_equal(f->ctrl->tail, f->ctrl->head);
	assert_int_equal(r.bad + r.corrupt, 0);
	fake_free(f);
}

/* The byte budget ends a read, but never before the first record. */
static void test_budget(void **state)
{
	(void)state;
	struct fake *f = fake_new(4096, 0);
	struct kmod_ring r;
	const struct sk_evt_hdr *out[8];
	for (uint64_t id = 1; id <= 4; id++) {
		assert_int_equal(fake_put(f, 102, id), 0); /* 128 bytes each */
	}
	kmod_ring_attach(&r, f->map, f->size);
	size_t budget = 200;
	assert_int_equal(kmod_ring_read(&r, out, 8, &budget), 1);
	assert_int_equal(budget, 72);
	budget = 0;
	assert_int_equal(kmod_ring_read(&r, out, 8, &budget), 1);
	assert_int_equal(rec_id(out[0]), 2);
	budget = SIZE_MAX;
	assert_int_equal(kmod_ring_read(&r, out, 1, &budget), 1); /* max */
	assert_int_equal(rec_id(out[0]), 3);
	kmod_ring_release(&r);
	assert_int_equal(f->ctrl->tail, 3 * 128);
	fake_free(f);
}

/* A record whose parameters do not add up is skipped alone; a length that
 * runs past head skips to head. */
static void test_malformed(void **state)
{
	(void)state;
	struct fake *f = fake_new(4096, 0);
	struct kmod_ring r;
	const struct sk_evt_hdr *out[8];
	size_t budget = SIZE_MAX;
	assert_int_equal(fake_put(f, 8, 1), 0);
	assert_int_equal(fake_put(f, 8, 2), 0);
	assert_int_equal(fake_put(f, 8, 3), 0);
	uint16_t wrong = 9;
	memcpy(f->data + 40 + SK_EVT_HDR_SIZE, &wrong, 2); /* record 2 */
	kmod_ring_attach(&r, f->map, f->size);
	assert_int_equal(kmod_ring_read(&r, out, 8, &budget), 2);
	assert_int_equal(rec_id(out[0]), 1);
	assert_int_equal(rec_id(out[1]), 3);
	assert_int_equal(r.bad, 1);
	kmod_ring_release(&r);

	assert_int_equal(fake_put(f, 8, 4), 0);
	assert_int_equal(fake_put(f, 8, 5), 0);
	uint32_t huge = 4000;
	memcpy(f->data + 120 + offsetof(struct sk_evt_hdr, len), &huge, 4); /* record 4 */
	assert_int_equal(kmod_ring_read(&r, out, 8, &budget), 0);
	assert_int_equal(r.corrupt, 1);
	kmod_ring_release(&r);
	assert_int_equal(f->ctrl->tail, f->ctrl->head);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_order),  cmocka_unit_test(test_wrap),
	    cmocka_unit_test(test_many_laps), cmocka_unit_test(test_budget),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
