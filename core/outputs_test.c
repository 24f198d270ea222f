/* core/outputs_test.c - unit tests of the keys the core handles in every
 * output section (sk_outputs_parse_opts, sk_outputs_core_keys): rate with
 * decimals, max_burst only with a rate, queue_capacity bounds, empty values,
 * errors with positions. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cfg.h"
#include "outputs.h"

/* Parse "section:\n  ..." and run sk_outputs_parse_opts on it. */
static int parse(const char *yaml, struct sk_output_opts *ret, char *err, size_t errlen)
{
	struct sk_cfg_node *root = NULL;
	char perr[256];
	assert_int_equal(
	    sk_cfg_parse_string("t.yaml", yaml, strlen(yaml), &root, perr, sizeof(perr)), 0);
	struct sk_output_conf c = {
	    .plugin = "file", .key = "file_output", .section = sk_cfg_get(root, "file_output")};
	err[0] = '\0';
	int rc = sk_outputs_parse_opts(&c, ret, err, errlen);
	sk_cfg_free(root);
	return rc;
}

static void test_defaults(void **state)
{
	struct sk_output_opts o;
	char err[512];
	assert_int_equal(
	    parse("file_output:\n  enabled: true\n  filename: x\n", &o, err, sizeof(err)), 0);
	assert_true(o.rate == 0);
	assert_int_equal(o.max_burst, 0);
	assert_int_equal(o.queue_capacity, 0);
	/* no section at all */
	struct sk_output_conf c = {.plugin = "file", .key = "file_output", .section = NULL};
	assert_int_equal(sk_outputs_parse_opts(&c, &o, err, sizeof(err)), 0);
	/* keys written without a value count as absent */
	assert_int_equal(
	    parse("file_output:\n  rate:\n  max_burst:\n  queue_capacity:\n", &o, err, sizeof(err)),
	    0);
	assert_true(o.rate == 0);
}

static void test_values(void **state)
{
	struct sk_output_opts o;
	char err[512];
	assert_int_equal(
	    parse("file_output:\n  rate: 0.5\n  max_burst: 20\n  queue_capacity: 100\n", &o, err,
		  sizeof(err)),
	    0);
	assert_true(o.rate > 0.49 && o.rate < 0.51);
	assert_int_equal(o.max_burst, 20);
	assert_int_equal(o.queue_capacity, 100);
	assert_int_equal(parse("file_output:\n  rate: \"25\"\n", &o, err, sizeof(err)), 0);
	assert_true(o.rate == 25);
	assert_int_equal(parse("file_output:\n  rate: 0\n", &o, err, sizeof(err)), 0);
	assert_int_equal(parse("file_output:\n  queue_capacity: 16777216\n", &o, err, sizeof(err)),
			 0);
	assert_false(o.retry_budget_set);
	assert_int_equal(parse("file_output:\n  retry_budget: 2m\n", &o, err, sizeof(err)), 0);
	assert_true(o.retry_budget_set);
	assert_int_equal(o.retry_budget_ms, 120000);
	assert_int_equal(parse("file_output:\n  retry_budget: 0\n", &o, err, sizeof(err)), 0);
	assert_true(o.retry_budget_set);
	assert_int_equal(o.retry_budget_ms, 0);
}

static void test_errors(void **state)
{
	struct sk_output_opts o;
	char err[512];
	assert_int_equal(parse("file_output:\n  rate: fast\n", &o, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.yaml:2:9: file_output.rate: expected a number of alerts per "
				 "second >= 0 (e.g. 100 or 0.5), got 'fast'");
	assert_int_equal(parse("file_output:\n  rate: -1\n", &o, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse("file_output:\n  rate: inf\n", &o, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse("file_output:\n  rate: 10/s\n", &o, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse("file_output:\n  rate: [1]\n", &o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "file_output.rate: expected a number of alerts per second, "
				    "got a list"));
	assert_int_equal(parse("file_output:\n  max_burst: 5\n", &o, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.yaml:2:14: file_output.max_burst: has no effect without a "
				 "rate; set file_output.rate (alerts per second) too");
	assert_int_equal(parse("file_output:\n  rate: 1\n  max_burst: 0\n", &o, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(parse("file_output:\n  queue_capacity: 0\n", &o, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "t.yaml:2:19: file_output.queue_capacity: 0 is out of range"));
	assert_int_equal(parse("file_output:\n  queue_capacity: 16777217\n", &o, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(parse("file_output:\n  retry_budget: soon\n", &o, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "t.yaml:2:17: file_output.retry_budget:"));
}

static void test_core_keys(void **state)
{
	const char *want[] = {"enabled", "rate", "max_burst", "queue_capacity", "retry_budget"};
	size_t n = 0;
	for (; sk_outputs_core_keys[n]; n++) {
		assert_true(n < 5);
		assert_string_equal(sk_outputs_core_keys[n], want[n]);
	}
	assert_int_equal(n, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_core_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
