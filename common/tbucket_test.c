/* common/tbucket_test.c - the token bucket: burst, refill, cap. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tbucket.h"

#define SEC 1000000000ull

static void test_burst_then_empty(void **state)
{
	struct sk_tbucket b;
	sk_tbucket_init(&b, 1.0, 3.0, 100 * SEC);
	for (int i = 0; i < 3; i++) {
		assert_true(sk_tbucket_take(&b, 100 * SEC));
	}
	assert_false(sk_tbucket_take(&b, 100 * SEC));
	(void)state;
}

static void test_refill_rate_and_cap(void **state)
{
	struct sk_tbucket b;
	sk_tbucket_init(&b, 2.0, 4.0, 0);
	for (int i = 0; i < 4; i++) {
		assert_true(sk_tbucket_take(&b, 0));
	}
	/* half a second at 2/s: one token */
	assert_true(sk_tbucket_take(&b, SEC / 2));
	assert_false(sk_tbucket_take(&b, SEC / 2));
	/* a long pause refills to the burst size, not beyond */
	for (int i = 0; i < 4; i++) {
		assert_true(sk_tbucket_take(&b, 60 * SEC));
	}
	assert_false(sk_tbucket_take(&b, 60 * SEC));
	/* time going backwards adds nothing */
	assert_false(sk_tbucket_take(&b, 59 * SEC));
	(void)state;
}

static void test_slow_rate_and_fill(void **state)
{
	struct sk_tbucket b;
	sk_tbucket_init(&b, 1.0 / 30.0, 1.0, 0); /* Falco's drop-action default */
	assert_true(sk_tbucket_take(&b, 0));
	assert_false(sk_tbucket_take(&b, 29 * SEC));
	assert_true(sk_tbucket_take(&b, 31 * SEC));
	assert_false(sk_tbucket_take(&b, 31 * SEC));
	sk_tbucket_fill(&b);
	assert_true(sk_tbucket_take(&b, 31 * SEC));
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_burst_then_empty),
	    cmocka_unit_test(test_refill_rate_and_cap),
	    cmocka_unit_test(test_slow_rate_and_fill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
