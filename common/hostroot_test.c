/* common/hostroot_test.c - HOST_ROOT values normalised, host paths joined
 * under them, and the value read once from the environment. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hostroot.h"

static void test_norm_none(void **state)
{
	char b[16];
	assert_string_equal(sk_hostroot_norm(NULL, b, sizeof(b)), "");
	assert_string_equal(sk_hostroot_norm("", b, sizeof(b)), "");
	assert_string_equal(sk_hostroot_norm("/", b, sizeof(b)), "");
	assert_string_equal(sk_hostroot_norm("///", b, sizeof(b)), "");
	(void)state;
}

static void test_norm_strips_slashes(void **state)
{
	char b[16];
	assert_string_equal(sk_hostroot_norm("/host", b, sizeof(b)), "/host");
	assert_string_equal(sk_hostroot_norm("/host//", b, sizeof(b)), "/host");
	assert_string_equal(sk_hostroot_norm("/a/b/", b, sizeof(b)), "/a/b");
	assert_string_equal(sk_hostroot_norm("rel/", b, sizeof(b)), "rel");
	(void)state;
}

static void test_norm_too_long(void **state)
{
	char b[6];
	assert_null(sk_hostroot_norm("/hosts", b, sizeof(b))); /* 6 chars + NUL */
	assert_string_equal(sk_hostroot_norm("/host/", b, sizeof(b)), "/host");
	(void)state;
}

static void test_join(void **state)
{
	char b[64];
	assert_string_equal(sk_hostroot_join("", "/proc", b, sizeof(b)), "/proc");
	assert_string_equal(sk_hostroot_join("/host", "/proc", b, sizeof(b)), "/host/proc");
	assert_string_equal(sk_hostroot_join("/host", "proc", b, sizeof(b)), "/host/proc");
	assert_string_equal(sk_hostroot_join("/host", "//etc/passwd", b, sizeof(b)),
			    "/host/etc/passwd");
	assert_string_equal(sk_hostroot_join("/host", "/", b, sizeof(b)), "/host/");
	assert_string_equal(sk_hostroot_join("", "/", b, sizeof(b)), "/");
	(void)state;
}

static void test_join_too_long(void **state)
{
	char b[10];
	assert_null(sk_hostroot_join("/host", "/proc", b, sizeof(b))); /* 10 + NUL */
	assert_string_equal(sk_hostroot_join("/host", "/run", b, sizeof(b)), "/host/run");
	assert_null(sk_hostroot_join("", "/0123456789", b, sizeof(b)));
	(void)state;
}

/* Read once: a later change of the environment changes nothing. */
static void test_env_read_once(void **state)
{
	setenv("HOST_ROOT", "/host/", 1);
	assert_string_equal(sk_hostroot(), "/host");
	setenv("HOST_ROOT", "/other", 1);
	assert_string_equal(sk_hostroot(), "/host");
	char b[64];
	assert_string_equal(sk_hostroot_path("/var/lib/docker", b, sizeof(b)),
			    "/host/var/lib/docker");
	char *d = sk_hostroot_dup("/run/containerd");
	assert_non_null(d);
	assert_string_equal(d, "/host/run/containerd");
	free(d);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_norm_none),    cmocka_unit_test(test_norm_strips_slashes),
	    cmocka_unit_test(test_norm_too_long), cmocka_unit_test(test_join),
	    cmocka_unit_test(test_join_too_long), cmocka_unit_test(test_env_read_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
