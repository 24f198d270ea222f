/* outputs/kafka/kafka_conf.c - the kafka output's configuration schema
 * (kafka_output keys) and its translation into a librdkafka configuration.
 * Cross-field rules live here: idempotence needs acks=all; the key template
 * must parse; every `options` entry is handed to rd_kafka_conf_set() so a
 * wrong librdkafka property fails at start-up with its name.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kafka.h"

#define C(m) offsetof(struct kafka_conf, m)

static const char *const acks_names[] = {"all", "1", "0", NULL};
static const char *const compression_names[] = {"none", "gzip", "snappy", "lz4", "zstd", NULL};

const struct sk_param kafka_params[] = {
    {.name = "brokers",
     .type = SK_PARAM_STR,
     .offset = C(brokers),
     .desc = "bootstrap brokers, host:port[,host:port...] (bootstrap.servers); required"},
    {.name = "topic",
     .type = SK_PARAM_STR,
     .offset = C(topic),
     .desc = "topic the alerts are produced to; required"},
    {.name = "key",
     .type = SK_PARAM_STR,
     .offset = C(key),
     .desc = "message key template, e.g. %container.id or %rule (unset: no key)"},
    {.name = "acks",
     .type = SK_PARAM_ENUM,
     .def = "all",
     .offset = C(acks),
     .enum_values = acks_names,
     .desc = "acknowledgements the leader waits for: all, 1 or 0 (acks)"},
    {.name = "compression",
     .type = SK_PARAM_ENUM,
     .def = "none",
     .offset = C(compression),
     .enum_values = compression_names,
     .desc = "compression codec: none, gzip, snappy, lz4, zstd (compression.codec)"},
    {.name = "client_id",
     .type = SK_PARAM_STR,
     .def = "shrike",
     .offset = C(client_id),
     .desc = "client identifier sent to the brokers (client.id)"},
    {.name = "queue_buffering_max_ms",
     .type = SK_PARAM_UINT,
     .def = "5",
     .offset = C(queue_buffering_max_ms),
     .max = 900000,
     .desc = "how long to wait to fill a batch, ms (queue.buffering.max.ms)"},
    {.name = "queue_buffering_max_messages",
     .type = SK_PARAM_UINT,
     .def = "100000",
     .offset = C(queue_buffering_max_messages),
     .min = 1,
     .max = 2147483647,
     .desc = "messages librdkafka may hold locally (queue.buffering.max.messages)"},
    {.name = "queue_buffering_max_kbytes",
     .type = SK_PARAM_UINT,
     .def = "1048576",
     .offset = C(queue_buffering_max_kbytes),
     .min = 1,
     .max = 2147483647,
     .desc = "KiB librdkafka may hold locally (queue.buffering.max.kbytes)"},
    {.name = "message_timeout_ms",
     .type = SK_PARAM_UINT,
     .def = "300000",
     .offset = C(message_timeout_ms),
     .max = 2147483647,
     .desc = "give up delivering a message after this long, ms; 0: never "
	     "(message.timeout.ms)"},
    {.name = "enable_idempotence",
     .type = SK_PARAM_BOOL,
     .def = "true",
     .offset = C(enable_idempotence),
     .desc = "idempotent producer: no duplicates or reordering from retries "
	     "(enable.idempotence)"},
    {.name = "flush_timeout",
     .type = SK_PARAM_DURATION,
     .def = "5s",
     .offset = C(flush_timeout),
     .desc = "at shutdown, wait this long for outstanding messages"},
    {.name = "options",
     .type = SK_PARAM_STRMAP,
     .flags = SK_PARAM_SECRET,
     .offset = C(options),
     .desc = "any librdkafka property (security.protocol, sasl.*, ssl.* ...), "
	     "applied last"},
    {.name = NULL},
};

/* Properties whose values must not appear in messages. */
static bool is_secret_prop(const char *k)
{
	return strstr(k, "password") || strstr(k, "secret") || strstr(k, ".pem") ||
	       strstr(k, "oauthbearer");
}

static int set(rd_kafka_conf_t *rc, const char *key, const char *prop, const char *value, char *err,
	       size_t errlen)
{
	char rderr[512] = "";
	if (rd_kafka_conf_set(rc, prop, value, rderr, sizeof(rderr)) != RD_KAFKA_CONF_OK) {
		snprintf(err, errlen, "%s: %s", key, rderr);
		return -EINVAL;
	}
	return 0;
}

static int set_u64(rd_kafka_conf_t *rc, const char *key, const char *prop, uint64_t v, char *err,
		   size_t errlen)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return set(rc, key, prop, buf, err, errlen);
}

int kafka_conf_build(const struct kafka_conf *c, rd_kafka_conf_t **ret, char *err, size_t errlen)
{
	rd_kafka_conf_t *rc = NULL;
	char kerr[256];
	int rv = -EINVAL;

	*ret = NULL;
	if (!c->brokers || !c->brokers[0]) {
		snprintf(err, errlen, "brokers: a list of host:port is required");
		goto out;
	}
	if (!c->topic || !c->topic[0]) {
		snprintf(err, errlen, "topic: a topic name is required");
		goto out;
	}
	if (c->key && kafka_key_check(c->key, kerr, sizeof(kerr)) != 0) {
		snprintf(err, errlen, "key: %s", kerr);
		goto out;
	}
	if (c->enable_idempotence && c->acks != KAFKA_ACKS_ALL) {
		snprintf(err, errlen,
			 "acks: the idempotent producer (enable_idempotence: true, the default) "
			 "needs acks: all; set enable_idempotence: false to use acks: %s",
			 c->acks == KAFKA_ACKS_ONE ? "1" : "0");
		goto out;
	}
	rc = rd_kafka_conf_new();
	if (!rc) {
		snprintf(err, errlen, "out of memory");
		rv = -ENOMEM;
		goto out;
	}
	int acks = c->acks >= 0 && c->acks <= 2 ? c->acks : 0;
	int comp = c->compression >= 0 && c->compression <= 4 ? c->compression : 0;
	if (set(rc, "brokers", "bootstrap.servers", c->brokers, err, errlen) ||
	    set(rc, "acks", "acks", acks_names[acks], err, errlen) ||
	    set(rc, "compression", "compression.codec", compression_names[comp], err, errlen) ||
	    set(rc, "client_id", "client.id", c->client_id ? c->client_id : "shrike", err,
		errlen) ||
	    set_u64(rc, "queue_buffering_max_ms", "queue.buffering.max.ms",
		    c->queue_buffering_max_ms, err, errlen) ||
	    set_u64(rc, "queue_buffering_max_messages", "queue.buffering.max.messages",
		    c->queue_buffering_max_messages, err, errlen) ||
	    set_u64(rc, "queue_buffering_max_kbytes", "queue.buffering.max.kbytes",
		    c->queue_buffering_max_kbytes, err, errlen) ||
	    set_u64(rc, "message_timeout_ms", "message.timeout.ms", c->message_timeout_ms, err,
		    errlen) ||
	    set(rc, "enable_idempotence", "enable.idempotence",
		c->enable_idempotence ? "true" : "false", err, errlen)) {
		goto out;
	}
	for (size_t i = 0; i < c->options.n; i++) {
		const char *k = c->options.keys[i];
		const char *v = c->options.values[i] ? c->options.values[i] : "";
		char rderr[512] = "";
		if (rd_kafka_conf_set(rc, k, v, rderr, sizeof(rderr)) != RD_KAFKA_CONF_OK) {
			/* librdkafka quotes invalid values: not those of secrets. */
			if (is_secret_prop(k)) {
				snprintf(err, errlen, "options.%s: invalid value (not shown)", k);
			} else {
				snprintf(err, errlen, "options.%s: %s", k, rderr);
			}
			goto out;
		}
	}
	*ret = rc;
	rc = NULL;
	rv = 0;
out:
	if (rc) {
		rd_kafka_conf_destroy(rc);
	}
	return rv;
}
