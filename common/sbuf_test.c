/* common/sbuf_test.c - the string buffer: adding, growing, printf, cutting
 * back, taking the text, and the sticky out-of-memory flag. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sbuf.h"

static void test_add_and_grow(void **state)
{
	struct sk_sbuf b = {0};
	assert_null(b.p);
	assert_int_equal(sk_sbuf_add(&b, "", 0), 0);
	assert_string_equal(b.p, "");
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(sk_sbuf_adds(&b, "ab"), 0);
	}
	assert_int_equal(b.len, 2000);
	assert_int_equal(strlen(b.p), 2000);
	assert_true(b.cap > b.len);
	assert_int_equal(sk_sbuf_add(&b, "x\0y", 3), 0);
	assert_memory_equal(b.p + 2000, "x\0y", 4);
	sk_sbuf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	(void)state;
}

static void test_printf(void **state)
{
	struct sk_sbuf b;
	sk_sbuf_init(&b);
	assert_int_equal(sk_sbuf_printf(&b, "%s=%d", "n", 42), 0);
	char big[3000];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(sk_sbuf_printf(&b, " %s", big), 0);
	assert_int_equal(b.len, strlen("n=42 ") + strlen(big));
	assert_memory_equal(b.p, "n=42 zz", 7);
	assert_int_equal(strlen(b.p), b.len);
	sk_sbuf_free(&b);
	(void)state;
}

static void test_truncate_reset(void **state)
{
	struct sk_sbuf b = {0};
	sk_sbuf_adds(&b, "hello, world");
	sk_sbuf_truncate(&b, 5);
	assert_string_equal(b.p, "hello");
	sk_sbuf_truncate(&b, 50);
	assert_string_equal(b.p, "hello");
	size_t cap = b.cap;
	sk_sbuf_reset(&b);
	assert_string_equal(b.p, "");
	assert_int_equal(b.cap, cap);
	assert_int_equal(sk_sbuf_reserve(&b, 1000), 0);
	assert_true(b.cap >= 1001);
	assert_int_equal(b.len, 0);
	sk_sbuf_free(&b);
	(void)state;
}

static void test_take(void **state)
{
	struct sk_sbuf b = {0};
	char *s = sk_sbuf_take(&b);
	assert_string_equal(s, "");
	free(s);
	sk_sbuf_adds(&b, "kept");
	s = sk_sbuf_take(&b);
	assert_string_equal(s, "kept");
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	free(s);
	(void)state;
}

static void test_oom_is_sticky(void **state)
{
	struct sk_sbuf b = {0};
	sk_sbuf_adds(&b, "a");
	assert_int_equal(sk_sbuf_reserve(&b, SIZE_MAX / 2), -ENOMEM);
	assert_true(b.oom);
	assert_int_equal(sk_sbuf_adds(&b, "b"), -ENOMEM);
	assert_int_equal(sk_sbuf_printf(&b, "%d", 1), -ENOMEM);
	assert_string_equal(b.p, "a");
	assert_null(sk_sbuf_take(&b));
	assert_null(b.p);
	assert_false(b.oom);
	sk_sbuf_adds(&b, "a");
	sk_sbuf_reserve(&b, SIZE_MAX / 2);
	sk_sbuf_reset(&b);
	assert_false(b.oom);
	assert_int_equal(sk_sbuf_adds(&b, "c"), 0);
	assert_string_equal(b.p, "c");
	sk_sbuf_free(&b);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_and_grow),   cmocka_unit_test(test_printf),
	    cmocka_unit_test(test_truncate_reset), cmocka_unit_test(test_take),
	    cmocka_unit_test(test_oom_is_sticky),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
