/* outputs/program/program_pending_test.c - unit tests of the program
 * output's unread-lines buffer: lines read completely are dropped, a line
 * read in part is kept whole, nothing is dropped when nothing was read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "program_pending.h"

static void add(struct pending *p, const char *s)
{
	assert_int_equal(pending_add(p, s, strlen(s)), 0);
}

static void assert_held(const struct pending *p, const char *want)
{
	assert_int_equal(p->len, strlen(want));
	assert_memory_equal(p->buf, want, p->len);
}

static void test_consumed_whole_lines(void **state)
{
	struct pending p = {0};
	add(&p, "one\ntwo\nthree\n");
	pending_consumed(&p, 14); /* nothing read */
	assert_held(&p, "one\ntwo\nthree\n");
	pending_consumed(&p, 10); /* "one\n" read */
	assert_held(&p, "two\nthree\n");
	pending_consumed(&p, 0); /* all read */
	assert_int_equal(p.len, 0);
	pending_fini(&p);
}

static void test_partly_read_line_kept_whole(void **state)
{
	struct pending p = {0};
	add(&p, "one\ntwo\nthree\n");
	pending_consumed(&p, 8); /* "one\ntw" read: "two" only in part */
	assert_held(&p, "two\nthree\n");
	pending_consumed(&p, 9); /* "t" of "two" read: no complete line */
	assert_held(&p, "two\nthree\n");
	pending_consumed(&p, 100); /* more unread than held: keep all */
	assert_held(&p, "two\nthree\n");
	pending_fini(&p);
}

static void test_grows_and_clears(void **state)
{
	struct pending p = {0};
	char line[1000];
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (int i = 0; i < 100; i++) {
		assert_int_equal(pending_add(&p, line, sizeof(line)), 0);
	}
	assert_int_equal(p.len, 100000);
	assert_true(p.cap >= p.len);
	pending_consumed(&p, 1500); /* 98.5 lines read: 2 lines kept */
	assert_int_equal(p.len, 2000);
	assert_int_equal(pending_add(&p, "", 0), 0);
	pending_clear(&p);
	assert_int_equal(p.len, 0);
	pending_fini(&p);
	pending_fini(&p); /* twice is fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_consumed_whole_lines),
	    cmocka_unit_test(test_partly_read_line_kept_whole),
	    cmocka_unit_test(test_grows_and_clears),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
