/* common/mtab_test.c - metrics tables: names made with a format, checked
 * ([a-z0-9_]+, length, room), the syscall sources' per-CPU pairs. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mtab.h"

static void test_add(void **state)
{
	struct sk_mtab t;
	(void)state;
	assert_int_equal(sk_mtab_init(&t, 3), 0);
	assert_int_equal(sk_mtab_add(&t, "n_evts"), 0);
	assert_int_equal(sk_mtab_add(&t, "prog_%s_run_cnt", "sk_sys_exit"), 1);
	t.m[1].value = 7;
	assert_string_equal(t.m[0].name, "n_evts");
	assert_string_equal(t.m[1].name, "prog_sk_sys_exit_run_cnt");
	assert_int_equal(t.m[1].value, 7);
	/* refused names leave the table as it was */
	assert_int_equal(sk_mtab_add(&t, "Upper"), -EINVAL);
	assert_int_equal(sk_mtab_add(&t, "a.b"), -EINVAL);
	assert_int_equal(sk_mtab_add(&t, "%s", ""), -EINVAL);
	char longname[SK_MTAB_NAME_MAX + 1];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(sk_mtab_add(&t, "%s", longname), -ENAMETOOLONG);
	longname[SK_MTAB_NAME_MAX - 1] = '\0';
	assert_int_equal(sk_mtab_add(&t, "%s", longname), 2);
	assert_int_equal(t.n, 3);
	assert_int_equal(sk_mtab_add(&t, "more"), -ENOSPC);
	assert_string_equal(t.m[1].name, "prog_sk_sys_exit_run_cnt");
	sk_mtab_fini(&t);
	assert_null(t.m);
	assert_int_equal(t.n, 0);
	sk_mtab_fini(&t); /* twice is fine */
}

static void test_cpus(void **state)
{
	struct sk_mtab t;
	(void)state;
	assert_int_equal(sk_mtab_init(&t, 6), 0);
	assert_int_equal(sk_mtab_add(&t, "n_evts"), 0);
	assert_int_equal(sk_mtab_add_cpus(&t, NULL, 2), 1);
	assert_string_equal(t.m[1].name, "n_evts_cpu_0");
	assert_string_equal(t.m[2].name, "n_drops_cpu_0");
	assert_string_equal(t.m[3].name, "n_evts_cpu_1");
	assert_string_equal(t.m[4].name, "n_drops_cpu_1");
	/* no room for a whole pair: nothing added */
	const unsigned cpus[] = {12};
	assert_int_equal(sk_mtab_add_cpus(&t, cpus, 1), -ENOSPC);
	assert_int_equal(t.n, 5);
	sk_mtab_fini(&t);
	assert_int_equal(sk_mtab_init(&t, 4), 0);
	const unsigned sparse[] = {0, 12};
	assert_int_equal(sk_mtab_add_cpus(&t, sparse, 2), 0);
	assert_string_equal(t.m[2].name, "n_evts_cpu_12");
	assert_string_equal(t.m[3].name, "n_drops_cpu_12");
	sk_mtab_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add),
	    cmocka_unit_test(test_cpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
