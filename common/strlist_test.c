/* common/strlist_test.c - freeing string lists, empty or not. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strlist.h"

static void test_free_leaves_empty(void **state)
{
	struct sk_strlist l = {0};
	l.items = calloc(2, sizeof(char *));
	assert_non_null(l.items);
	l.items[0] = strdup("a");
	l.items[1] = strdup("b");
	l.n = 2;
	sk_strlist_free(&l);
	assert_null(l.items);
	assert_int_equal(l.n, 0);
	sk_strlist_free(&l); /* twice is fine */
	(void)state;
}

static void test_free_empty_array(void **state)
{
	struct sk_strlist l = {.items = calloc(1, sizeof(char *)), .n = 0};
	sk_strlist_free(&l);
	assert_null(l.items);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_free_leaves_empty),
	    cmocka_unit_test(test_free_empty_array),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
