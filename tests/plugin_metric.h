/* tests/plugin_metric.h - for the plugins' cmocka tests: the value of one
 * metric a plugin instance reports through metrics(), by name; the test
 * fails when metrics() fails or does not report it. Include after
 * <cmocka.h> and <shrike/plugin.h>.
 */
#ifndef SK_TESTS_PLUGIN_METRIC_H
#define SK_TESTS_PLUGIN_METRIC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t sk_test_metric(const struct sk_plugin *p, void *inst, const char *name)
{
	const struct sk_metric *m = NULL;
	size_t n = 0;
	assert_non_null(p->metrics);
	assert_int_equal(p->metrics(inst, &m, &n), SK_OK);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(m[i].name, name) == 0) {
			return m[i].value;
		}
	}
	fail_msg("no metric %s", name);
	return 0;
}

#endif /* SK_TESTS_PLUGIN_METRIC_H */
