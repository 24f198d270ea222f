/* outputs/kafka/kafka.h - what the kafka output plugin's files share: the
 * configuration struct the host fills (kafka_conf.c turns it into a
 * librdkafka configuration) and the message key template (kafka_format.c).
 * Internal to the plugin: nothing here is exported from the module.
 */
#ifndef SK_OUTPUTS_KAFKA_KAFKA_H
#define SK_OUTPUTS_KAFKA_KAFKA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>
#include <shrike/plugin.h>

#include "common/sbuf.h"

enum kafka_acks { KAFKA_ACKS_ALL = 0, KAFKA_ACKS_ONE = 1, KAFKA_ACKS_NONE = 2 };

/* Filled by the host from kafka_params (kafka_conf.c). */
struct kafka_conf {
	char *brokers;
	char *topic;
	char *key;	 /* template, NULL: messages have no key */
	int acks;	 /* enum kafka_acks */
	int compression; /* index into kafka_compression_names */
	char *client_id;
	uint64_t queue_buffering_max_ms;
	uint64_t queue_buffering_max_messages;
	uint64_t queue_buffering_max_kbytes;
	uint64_t message_timeout_ms;
	bool enable_idempotence;
	uint64_t flush_timeout; /* ms */
	struct sk_strmap options;
};

extern const struct sk_param kafka_params[];

/* kafka_conf_build - check c (cross-field rules, the key template) and turn
 * it into a librdkafka configuration: the typed keys first, then every
 * `options` entry, each validated by rd_kafka_conf_set(). Returns 0 with
 * *ret set (caller owns it), or -EINVAL/-ENOMEM with one line in err naming
 * the key ("options.ssl.ca.location: ..."). */
int kafka_conf_build(const struct kafka_conf *c, rd_kafka_conf_t **ret, char *err, size_t errlen);

/* kafka_key_check - 0 when tmpl is a valid key template, else -EINVAL with
 * the reason in err. Syntax: literal text, `%name` (name: letters, digits,
 * `_` and `.`, optionally followed by `[arg]`), `%%` for a percent sign. */
int kafka_key_check(const char *tmpl, char *err, size_t errlen);

/* kafka_key_render - render tmpl for alert a into b (b->p NUL-terminated,
 * b->len without the terminator). Names: rule, source, priority (long name),
 * hostname, uuid, else an output field of the alert by its exact name; a
 * missing name or an NA value renders as <NA>. Returns 0 or -ENOMEM. */
int kafka_key_render(const char *tmpl, const struct sk_alert *a, struct sk_sbuf *b);

#endif /* SK_OUTPUTS_KAFKA_KAFKA_H */
