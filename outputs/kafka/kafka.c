/* outputs/kafka/kafka.c - the `kafka` output plugin (kafka_output): produce
 * every alert as a JSON message to a Kafka topic with librdkafka.
 *
 * The message value is always the JSON alert (alert->json), whatever
 * json_output says: Kafka consumers (SIEM connectors, falcosidekick-style
 * pipelines) expect JSON. The key comes from the `key` template; every
 * message also carries a `uuid` header with the alert's id, so consumers
 * can drop the duplicates an at-least-once producer may create.
 *
 * write() hands the message to librdkafka's local queue (copied) and serves
 * delivery reports with rd_kafka_poll(); a full local queue (broker down
 * for long) returns SK_RETRY so the core backs off and alerts wait in the
 * core's queue. librdkafka retries delivery by itself until
 * message_timeout_ms; the delivery-report callback counts delivered and
 * failed messages and logs failures with their count (rate-limited). At
 * destroy the producer flushes for at most flush_timeout and reports what
 * could not be delivered. librdkafka's own log goes into the host log.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "kafka.h"

#define FAIL_LOG_EVERY_NS (10ull * 1000000000ull)

struct kafka_inst {
	const struct sk_host_api *api;
	struct sk_host *host;
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	char *topic;
	char *key_tmpl;
	uint64_t flush_timeout_ms;
	struct sk_sbuf key;
	/* Delivery reports, counted on the output thread (rd_kafka_poll) and
	 * at destroy. */
	uint64_t delivered;
	uint64_t failed;
	uint64_t fail_pending; /* failures not logged yet */
	uint64_t fail_last_ns;
	char fail_last_err[256];
	bool shutting_down;
	uint64_t purged;		      /* messages purged at shutdown: never delivered */
	rd_kafka_resp_err_t last_produce_err; /* to log each produce error once */
};

/* librdkafka's log levels are syslog's, like ours. Called from librdkafka's
 * threads: the host's log is thread-safe. */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	struct kafka_inst *k = rd_kafka_opaque(rk);
	if (k && k->api) {
		k->api->log(k->host, level, "librdkafka: %s: %s", fac, buf);
	}
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct kafka_inst *k = opaque;
	(void)rk;
	if (err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__RESOLVE) {
		return; /* the log callback reports these already */
	}
	int level = err == RD_KAFKA_RESP_ERR__FATAL ? SK_LOG_ERROR : SK_LOG_WARNING;
	k->api->log(k->host, level, "%s: %s", rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

static void log_failures(struct kafka_inst *k, bool force)
{
	uint64_t now = sk_mono_ns();
	if (k->fail_pending == 0 ||
	    (!force && k->fail_last_ns != 0 && now - k->fail_last_ns < FAIL_LOG_EVERY_NS)) {
		return;
	}
	k->api->log(k->host, SK_LOG_ERROR,
		    "%" PRIu64 " message(s) to topic %s could not be delivered: %s "
		    "(total failed: %" PRIu64 ")",
		    k->fail_pending, k->topic, k->fail_last_err, k->failed);
	k->fail_pending = 0;
	k->fail_last_ns = now;
}

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct kafka_inst *k = opaque;
	(void)rk;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		k->delivered++;
		return;
	}
	if (k->shutting_down && (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
				 m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)) {
		__atomic_add_fetch(&k->purged, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_add_fetch(&k->failed, 1, __ATOMIC_RELAXED);
	k->fail_pending++;
	snprintf(k->fail_last_err, sizeof(k->fail_last_err), "%s", rd_kafka_err2str(m->err));
	log_failures(k, false);
}

/* set_termination_signal - librdkafka's threads block every signal but its
 * "termination signal": make that the one the daemon drops capabilities
 * with (include/shrike/plugin.h), so its threads drop theirs too. Only when
 * the host handles it (else librdkafka's own use of it at destroy would
 * kill the process). rd_kafka_new() installs a no-op handler for it over
 * the host's: *ret_host gets the host's, put back after. */
static bool set_termination_signal(rd_kafka_conf_t *rc, struct sigaction *ret_host)
{
	int signo = SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX;
	char v[16], rderr[256];
	if (sigaction(signo, NULL, ret_host) != 0 || ret_host->sa_handler == SIG_DFL ||
	    ret_host->sa_handler == SIG_IGN) {
		return false;
	}
	snprintf(v, sizeof(v), "%d", signo);
	return rd_kafka_conf_set(rc, "internal.termination.signal", v, rderr, sizeof(rderr)) ==
	       RD_KAFKA_CONF_OK;
}

/* make_client - rd_kafka_new() on a thread that has first given up every
 * capability (capset changes the calling thread only): librdkafka's
 * threads copy their creator's set, and a Kafka client needs none. Its
 * main thread blocks every signal, so the daemon could not reach it after
 * start. */
struct make_client {
	rd_kafka_conf_t *rc;
	char *errbuf;
	size_t errlen;
	rd_kafka_t *rk;
};

static void *make_client_main(void *arg)
{
	struct make_client *m = arg;
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	(void)syscall(SYS_capset, &h, d);
	m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, m->rc, m->errbuf, m->errlen);
	return NULL;
}

static rd_kafka_t *make_client(rd_kafka_conf_t *rc, char *errbuf, size_t errlen)
{
	struct make_client m = {.rc = rc, .errbuf = errbuf, .errlen = errlen};
	pthread_t t;
	if (pthread_create(&t, NULL, make_client_main, &m) != 0) {
		return rd_kafka_new(RD_KAFKA_PRODUCER, rc, errbuf, errlen);
	}
	pthread_join(t, NULL);
	return m.rk;
}

static int kafka_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	const struct kafka_conf *c = in->config;
	rd_kafka_conf_t *rc = NULL;
	struct kafka_inst *k = NULL;
	char rderr[512] = "";
	int rv = SK_ERR;

	if (!c) {
		snprintf(err, errlen, "brokers: a list of host:port is required");
		goto out;
	}
	if (kafka_conf_build(c, &rc, err, errlen) != 0) {
		goto out;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	*ret_inst = k;
	k->api = in->api;
	k->host = in->host;
	k->flush_timeout_ms = c->flush_timeout;
	k->topic = strdup(c->topic);
	k->key_tmpl = c->key && c->key[0] ? strdup(c->key) : NULL;
	if (!k->topic || (c->key && c->key[0] && !k->key_tmpl)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rd_kafka_conf_set_opaque(rc, k);
	rd_kafka_conf_set_log_cb(rc, log_cb);
	rd_kafka_conf_set_error_cb(rc, error_cb);
	rd_kafka_conf_set_dr_msg_cb(rc, dr_msg_cb);
	struct sigaction host_sa;
	bool term_sig = set_termination_signal(rc, &host_sa);
	k->rk = make_client(rc, rderr, sizeof(rderr));
	if (term_sig) {
		sigaction(SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX, &host_sa, NULL);
	}
	if (!k->rk) {
		snprintf(err, errlen, "cannot create the Kafka producer: %s", rderr);
		goto out;
	}
	rc = NULL; /* the producer owns it now */
	k->rkt = rd_kafka_topic_new(k->rk, k->topic, NULL);
	if (!k->rkt) {
		snprintf(err, errlen, "topic: %s: %s", k->topic,
			 rd_kafka_err2str(rd_kafka_last_error()));
		goto out;
	}
	k->api->log(k->host, SK_LOG_INFO, "producing to topic %s via %s (librdkafka %s)", k->topic,
		    c->brokers, rd_kafka_version_str());
	rv = SK_OK;
out:
	if (rc) {
		rd_kafka_conf_destroy(rc);
	}
	return rv;
}

static void kafka_destroy(void *inst)
{
	struct kafka_inst *k = inst;
	if (!k) {
		return;
	}
	if (k->rk) {
		int timeout =
		    k->flush_timeout_ms > 2147483647 ? 2147483647 : (int)k->flush_timeout_ms;
		rd_kafka_resp_err_t fe = rd_kafka_flush(k->rk, timeout);
		uint64_t left = 0;
		if (fe != RD_KAFKA_RESP_ERR_NO_ERROR) {
			left = (uint64_t)rd_kafka_outq_len(k->rk);
			k->shutting_down = true;
			rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
			rd_kafka_poll(k->rk, 0);
		}
		log_failures(k, true);
		if (left > 0 || k->purged > 0) {
			uint64_t lost = k->purged > left ? k->purged : left;
			k->api->log(k->host, SK_LOG_ERROR,
				    "%" PRIu64 " message(s) not delivered to topic %s at shutdown "
				    "(flush_timeout %" PRIu64 " ms)",
				    lost, k->topic, k->flush_timeout_ms);
		}
		k->api->log(k->host, SK_LOG_INFO,
			    "topic %s: %" PRIu64 " message(s) delivered, %" PRIu64 " failed",
			    k->topic, k->delivered, k->failed);
	}
	if (k->rkt) {
		rd_kafka_topic_destroy(k->rkt);
	}
	if (k->rk) {
		rd_kafka_destroy(k->rk);
	}
	sk_sbuf_free(&k->key);
	free(k->key_tmpl);
	free(k->topic);
	free(k);
}

static int kafka_write(void *inst, const struct sk_alert *alert)
{
	struct kafka_inst *k = inst;
	const char *key = NULL;
	size_t keylen = 0;

	rd_kafka_poll(k->rk, 0);
	if (k->key_tmpl) {
		if (kafka_key_render(k->key_tmpl, alert, &k->key) != 0) {
			k->api->log(k->host, SK_LOG_ERROR, "out of memory rendering the key");
			return SK_RETRY;
		}
		key = k->key.p;
		keylen = k->key.len;
	}
	const char *uuid = alert->uuid ? alert->uuid : "";
	rd_kafka_resp_err_t e = rd_kafka_producev(
	    k->rk, RD_KAFKA_V_RKT(k->rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
	    RD_KAFKA_V_VALUE((void *)alert->json, alert->json_len), RD_KAFKA_V_KEY(key, keylen),
	    RD_KAFKA_V_HEADER("uuid", uuid, (ssize_t)strlen(uuid)), RD_KAFKA_V_END);
	if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
		k->last_produce_err = e;
		return SK_OK;
	}
	if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
		/* Serve delivery reports so the queue drains, then let the core
		 * back off and call again with this alert. */
		rd_kafka_poll(k->rk, 0);
		if (k->last_produce_err != e) {
			k->last_produce_err = e;
			k->api->log(k->host, SK_LOG_WARNING,
				    "librdkafka's local queue is full (brokers unreachable or "
				    "slow?): alerts wait in the output queue");
		}
		return SK_RETRY;
	}
	if (k->last_produce_err != e) {
		k->last_produce_err = e;
		k->api->log(k->host, SK_LOG_ERROR, "cannot produce to topic %s: %s", k->topic,
			    rd_kafka_err2str(e));
	}
	return SK_ERR;
}

static int kafka_flush(void *inst)
{
	struct kafka_inst *k = inst;
	rd_kafka_poll(k->rk, 0);
	log_failures(k, false);
	return SK_OK;
}

/* Messages write() accepted that librdkafka finally could not deliver
 * (delivery failures, and what was purged at shutdown). */
static uint64_t kafka_late_failures(void *inst)
{
	struct kafka_inst *k = inst;
	return __atomic_load_n(&k->failed, __ATOMIC_RELAXED) +
	       __atomic_load_n(&k->purged, __ATOMIC_RELAXED);
}

SK_PLUGIN_OPS(sk_output_ops, kafka_output_ops, .write = kafka_write, .flush = kafka_flush,
	      .late_failures = kafka_late_failures);
SK_PLUGIN_DEFINE(.name = "kafka", .version = "1.0.0",
		 .description = "Produces JSON alerts to a Kafka topic (librdkafka)",
		 .contact = "https://github.com/shrike-security/shrike", .params = kafka_params,
		 .config_size = sizeof(struct kafka_conf), .init = kafka_init,
		 .destroy = kafka_destroy, .output = &kafka_output_ops);
