/* core/metrics_test.c - a metric set rendered three ways: snapshot fields
 * (integers as numbers, fractions as text, zeros left out unless asked),
 * snapshot JSON, and Prometheus text (grouped by name with one HELP and
 * TYPE, labels escaped, Falco's names only when asked). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"
#include "shrike/alert.h"

static void fill(struct met_set *s)
{
	met_set_init(s);
	met_add(s, &(struct met){.snap = "shrike.n_threads",
				 .snap_val = met_u64(12),
				 .prom = "state_threads",
				 .falco = "falcosecurity_scap_n_threads",
				 .prom_val = met_u64(12),
				 .type = MET_GAUGE,
				 .help = "threads"});
	met_add(s, &(struct met){.snap = "shrike.rules.a",
				 .snap_val = met_u64(3),
				 .prom = "rules_matches_total",
				 .prom_labels = "rule_name=\"A\"",
				 .prom_val = met_u64(3),
				 .type = MET_COUNTER,
				 .help = "matches"});
	met_add(s, &(struct met){.snap = "shrike.memory_rss_mb",
				 .snap_val = met_dbl(25.5),
				 .prom = "memory_rss_bytes",
				 .prom_val = met_u64(26738688),
				 .type = MET_GAUGE,
				 .help = "rss"});
	met_add(s, &(struct met){.snap = "shrike.rules.b",
				 .snap_val = met_u64(0),
				 .prom = "rules_matches_total",
				 .prom_labels = "rule_name=\"B\"",
				 .prom_val = met_u64(0),
				 .type = MET_COUNTER,
				 .help = "matches"});
	met_add(s, &(struct met){.snap = "shrike.version", .snap_str = "1.2.3"});
}

static void test_fields(void **state)
{
	struct met_set s;
	fill(&s);
	struct sk_alert_field *f = NULL;
	char *text = NULL;
	long n = met_snapshot_fields(&s, false, &f, &text);
	assert_int_equal(n, 4); /* shrike.rules.b is 0 */
	assert_string_equal(f[0].name, "shrike.n_threads");
	assert_int_equal(f[0].value.type, SK_TYPE_U64);
	assert_int_equal(f[0].value.u64, 12);
	assert_string_equal(f[2].name, "shrike.memory_rss_mb");
	assert_int_equal(f[2].value.type, SK_TYPE_STRING);
	assert_string_equal(f[2].value.str.ptr, "25.5");
	assert_int_equal(f[3].value.type, SK_TYPE_STRING);
	assert_string_equal(f[3].value.str.ptr, "1.2.3");
	free(f);
	free(text);
	assert_int_equal(met_snapshot_fields(&s, true, &f, &text), 5);
	free(f);
	free(text);
	met_set_free(&s);
}

static void test_json(void **state)
{
	struct met_set s;
	fill(&s);
	struct sk_sbuf b = {0};
	met_snapshot_json(&s, false, &b);
	assert_string_equal(b.p, "{\"shrike.n_threads\":12,\"shrike.rules.a\":3,"
				 "\"shrike.memory_rss_mb\":25.5,\"shrike.version\":\"1.2.3\"}");
	sk_sbuf_free(&b);
	met_set_free(&s);
}

static void test_prometheus(void **state)
{
	struct met_set s;
	fill(&s);
	struct sk_sbuf b = {0};
	met_prometheus(&s, false, &b);
	assert_string_equal(b.p, "# HELP shrike_memory_rss_bytes rss\n"
				 "# TYPE shrike_memory_rss_bytes gauge\n"
				 "shrike_memory_rss_bytes 26738688\n"
				 "# HELP shrike_rules_matches_total matches\n"
				 "# TYPE shrike_rules_matches_total counter\n"
				 "shrike_rules_matches_total{rule_name=\"A\"} 3\n"
				 "shrike_rules_matches_total{rule_name=\"B\"} 0\n"
				 "# HELP shrike_state_threads threads\n"
				 "# TYPE shrike_state_threads gauge\n"
				 "shrike_state_threads 12\n");
	sk_sbuf_reset(&b);
	met_prometheus(&s, true, &b);
	assert_non_null(strstr(b.p, "# TYPE falcosecurity_scap_n_threads gauge\n"
				    "falcosecurity_scap_n_threads 12\n"));
	sk_sbuf_free(&b);
	met_set_free(&s);
}

static void test_labels(void **state)
{
	struct sk_sbuf b = {0};
	met_label(&b, "rule_name", "a \"quoted\" \\ rule\nx");
	met_label(&b, "source", "syscall");
	assert_string_equal(b.p, "rule_name=\"a \\\"quoted\\\" \\\\ rule\\nx\",source=\"syscall\"");
	sk_sbuf_free(&b);
}

static void test_numbers(void **state)
{
	struct met_set s;
	met_set_init(&s);
	met_add(&s, &(struct met){.prom = "a", .prom_val = met_dbl(0.25), .help = "h"});
	met_add(&s, &(struct met){.prom = "b", .prom_val = met_dbl(2.0), .help = "h"});
	met_add(&s, &(struct met){.prom = "c", .prom_val = met_dbl(1e-7), .help = "h"});
	struct sk_sbuf b = {0};
	met_prometheus(&s, false, &b);
	assert_non_null(strstr(b.p, "\nshrike_a 0.25\n"));
	assert_non_null(strstr(b.p, "\nshrike_b 2\n"));
	assert_non_null(strstr(b.p, "\nshrike_c 1e-07\n")); /* every digit */
	sk_sbuf_free(&b);
	met_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields),	cmocka_unit_test(test_json),
	    cmocka_unit_test(test_prometheus), cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
