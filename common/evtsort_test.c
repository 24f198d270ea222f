/* common/evtsort_test.c - unit tests of sk_evt_sort_by_time: order, ties
 * kept in their order, runs already sorted left alone, sizes around the
 * merge widths. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evtsort.h"

#define N 1000

static struct sk_evt_hdr recs[N];
static const struct sk_evt_hdr *ptrs[N], *tmp[N];

/* two rings of `n` records: ring A's at even times, ring B's at odd times,
 * read one ring after the other, as a source hands them over */
static void two_rings(size_t n)
{
	for (size_t i = 0; i < n; i++) {
		recs[i].ts = i < n / 2 ? 2 * i : 2 * (i - n / 2) + 1;
		recs[i].tid = i;
		ptrs[i] = &recs[i];
	}
}

static void test_merges_rings(void **state)
{
	(void)state;
	for (size_t n = 0; n <= 70; n++) {
		two_rings(n);
		sk_evt_sort_by_time(ptrs, tmp, n);
		for (size_t i = 1; i < n; i++) {
			assert_true(ptrs[i - 1]->ts <= ptrs[i]->ts);
		}
	}
	two_rings(N);
	sk_evt_sort_by_time(ptrs, tmp, N);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(ptrs[i]->ts, i);
	}
}

static void test_stable(void **state)
{
	(void)state;
	/* times 5,3,5,3,5,3...: the records of one time keep their order */
	for (size_t i = 0; i < 101; i++) {
		recs[i].ts = (i % 2) ? 3 : 5;
		recs[i].tid = i;
		ptrs[i] = &recs[i];
	}
	sk_evt_sort_by_time(ptrs, tmp, 101);
	for (size_t i = 1; i < 101; i++) {
		assert_true(ptrs[i - 1]->ts <= ptrs[i]->ts);
		if (ptrs[i - 1]->ts == ptrs[i]->ts) {
			assert_true(ptrs[i - 1]->tid < ptrs[i]->tid);
		}
	}
}

static void test_sorted_untouched(void **state)
{
	(void)state;
	for (size_t i = 0; i < N; i++) {
		recs[i].ts = i / 3;
		ptrs[i] = &recs[i];
		tmp[i] = NULL;
	}
	sk_evt_sort_by_time(ptrs, tmp, N);
	for (size_t i = 0; i < N; i++) {
		assert_ptr_equal(ptrs[i], &recs[i]);
		assert_null(tmp[i]); /* not even looked at */
	}
}

static void test_random(void **state)
{
	(void)state;
	srand(7);
	for (int round = 0; round < 50; round++) {
		size_t n = (size_t)(rand() % N);
		for (size_t i = 0; i < n; i++) {
			recs[i].ts = (uint64_t)(rand() % 64);
			recs[i].tid = i;
			ptrs[i] = &recs[i];
		}
		sk_evt_sort_by_time(ptrs, tmp, n);
		for (size_t i = 1; i < n; i++) {
			assert_true(
			    ptrs[i - 1]->ts < ptrs[i]->ts ||
			    (ptrs[i - 1]->ts == ptrs[i]->ts && ptrs[i - 1]->tid < ptrs[i]->tid));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merges_rings),
	    cmocka_unit_test(test_stable),
	    cmocka_unit_test(test_sorted_untouched),
	    cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
