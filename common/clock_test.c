/* common/clock_test.c - clock readings: units, ordering, deadlines. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "clock.h"

static void test_mono_units(void **state)
{
	uint64_t ns = sk_mono_ns();
	uint64_t ms = sk_mono_ms();
	uint64_t ns2 = sk_mono_ns();
	assert_true(ns2 >= ns);
	assert_true(ms >= ns / 1000000u);
	assert_true(ms <= ns2 / 1000000u);
	(void)state;
}

static void test_real_is_epoch(void **state)
{
	uint64_t before = (uint64_t)time(NULL);
	uint64_t ns = sk_real_ns();
	assert_true(ns / SK_NS_PER_S >= before);
	assert_true(ns / SK_NS_PER_S <= (uint64_t)time(NULL));
	(void)state;
}

static void test_elapsed(void **state)
{
	struct timespec a = {.tv_sec = 10, .tv_nsec = 900000000};
	struct timespec b = {.tv_sec = 12, .tv_nsec = 400000000};
	assert_float_equal(sk_elapsed_s(&a, &b), 1.5, 1e-9);
	assert_float_equal(sk_elapsed_s(&b, &a), -1.5, 1e-9);
	(void)state;
}

static void test_deadline(void **state)
{
	uint64_t now = sk_mono_ns();
	struct timespec d = sk_deadline_ms(CLOCK_MONOTONIC, 2750);
	assert_true(d.tv_nsec >= 0 && d.tv_nsec < (long)SK_NS_PER_S);
	uint64_t at = (uint64_t)d.tv_sec * SK_NS_PER_S + (uint64_t)d.tv_nsec;
	assert_true(at >= now + 2750000000u);
	assert_true(at <= sk_mono_ns() + 2750000000u);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mono_units),
	    cmocka_unit_test(test_real_is_epoch),
	    cmocka_unit_test(test_elapsed),
	    cmocka_unit_test(test_deadline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
