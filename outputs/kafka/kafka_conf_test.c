/* outputs/kafka/kafka_conf_test.c - kafka_output configuration: typed keys
 * become librdkafka properties, `options` pass through and a wrong one is
 * reported by name, cross-field rules (idempotence needs acks=all). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kafka.h"

static struct kafka_conf base(void)
{
	return (struct kafka_conf){
	    .brokers = "127.0.0.1:9092",
	    .topic = "alerts",
	    .acks = KAFKA_ACKS_ALL,
	    .compression = 0,
	    .client_id = "shrike",
	    .queue_buffering_max_ms = 5,
	    .queue_buffering_max_messages = 100000,
	    .queue_buffering_max_kbytes = 1048576,
	    .message_timeout_ms = 300000,
	    .enable_idempotence = true,
	    .flush_timeout = 5000,
	};
}

static void expect_prop(rd_kafka_conf_t *rc, const char *name, const char *want)
{
	char v[512];
	size_t n = sizeof(v);
	assert_int_equal(rd_kafka_conf_get(rc, name, v, &n), RD_KAFKA_CONF_OK);
	assert_string_equal(v, want);
}

static void test_typed_keys(void **state)
{
	(void)state;
	struct kafka_conf c = base();
	c.compression = 4; /* zstd */
	c.client_id = "node-7";
	c.queue_buffering_max_ms = 50;
	rd_kafka_conf_t *rc = NULL;
	char err[512] = "";
	assert_int_equal(kafka_conf_build(&c, &rc, err, sizeof(err)), 0);
	assert_non_null(rc);
	expect_prop(rc, "bootstrap.servers", "127.0.0.1:9092");
	expect_prop(rc, "enable.idempotence", "true");
	expect_prop(rc, "compression.codec", "zstd");
	expect_prop(rc, "client.id", "node-7");
	expect_prop(rc, "queue.buffering.max.ms", "50");
	expect_prop(rc, "message.timeout.ms", "300000");
	rd_kafka_conf_destroy(rc);
}

static void test_options_passthrough(void **state)
{
	(void)state;
	char *keys[] = {"security.protocol", "sasl.mechanism", "sasl.username", "sasl.password",
			"linger.ms"};
	char *vals[] = {"sasl_plaintext", "PLAIN", "shrike", "s3cr3t", "20"};
	struct kafka_conf c = base();
	c.options = (struct sk_strmap){.keys = keys, .values = vals, .n = 5};
	rd_kafka_conf_t *rc = NULL;
	char err[512] = "";
	assert_int_equal(kafka_conf_build(&c, &rc, err, sizeof(err)), 0);
	expect_prop(rc, "security.protocol", "sasl_plaintext");
	expect_prop(rc, "sasl.username", "shrike");
	/* options come last: they override the typed keys */
	expect_prop(rc, "linger.ms", "20");
	rd_kafka_conf_destroy(rc);
}

static void test_bad_option_named(void **state)
{
	(void)state;
	char *keys[] = {"ssl.ca.location", "no.such.property"};
	char *vals[] = {"/etc/ssl/ca.pem", "1"};
	struct kafka_conf c = base();
	c.options = (struct sk_strmap){.keys = keys, .values = vals, .n = 2};
	rd_kafka_conf_t *rc = NULL;
	char err[512] = "";
	assert_int_equal(kafka_conf_build(&c, &rc, err, sizeof(err)), -EINVAL);
	assert_null(rc);
	assert_non_null(strstr(err, "options.no.such.property: "));

	char *k2[] = {"security.protocol"};
	char *v2[] = {"carrier_pigeon"};
	c.options = (struct sk_strmap){.keys = k2, .values = v2, .n = 1};
	assert_int_equal(kafka_conf_build(&c, &rc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "options.security.protocol: "));
	assert_non_null(strstr(err, "carrier_pigeon"));
}

static void test_secret_not_echoed(void **state)
{
	(void)state;
	char *keys[] = {"ssl.key.password"};
	char *vals[] = {"hunter2"};
	struct kafka_conf c = base();
	c.options = (struct sk_strmap){.keys = keys, .values = vals, .n = 1};
	rd_kafka_conf_t *rc = NULL;
	char err[512] = "";
	/* accepted (a string): and when refused, never quoted */
	int rv = kafka_conf_build(&c, &rc, err, sizeof(err));
	if (rv == 0) {
		rd_kafka_conf_destroy(rc);
	} else {
		assert_null(strstr(err, "hunter2"));
	}
}

static void test_cross_field(void **state)
{
	(void)state;
	struct kafka_conf c = base();
	rd_kafka_conf_t *rc = NULL;
	char err[512] = "";
	c.acks = KAFKA_ACKS_ONE;
	assert_int_equal(kafka_conf_build(&c, &rc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "acks: the idempotent producer"));
	assert_non_null(strstr(err, "acks: 1"));
	c.enable_idempotence = false;
	assert_int_equal(kafka_conf_build(&c, &rc, err, sizeof(err)), 0);
	expect_prop(rc, "acks", "1");
	rd_kafka_conf_destroy(rc);

	c = base();
	c.key = "%rule-%";
	assert_int_equal(kafka_conf_build(&c, &rc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "key: '%' at offset 6"));

	c = base();
	c.brokers = "";
	assert_int_equal(kafka_conf_build(&c, &rc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "brokers:"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_typed_keys),	     cmocka_unit_test(test_options_passthrough),
	    cmocka_unit_test(test_bad_option_named), cmocka_unit_test(test_secret_not_echoed),
	    cmocka_unit_test(test_cross_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
