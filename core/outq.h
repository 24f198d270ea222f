/* core/outq.h - one output's bounded alert queue and the worker thread that
 * drains it into the output plugin's write().
 *
 * One producer (the event loop) pushes refcounted alert messages; a push
 * never blocks: when the queue is full the alert is dropped for this output
 * and counted. With a rate limit (token bucket of max_burst alerts refilled
 * at `rate` per second), an alert over the limit is not queued either and is
 * counted as ratelimited. The worker calls write() in order: SK_OK counts as sent,
 * SK_ERR as failed (logged, rate-limited), SK_RETRY backs off (retry_min_ms
 * doubling up to retry_max_ms, interrupted by stop) and retries the same
 * alert. flush() runs when the queue becomes empty, or after every alert
 * when unbuffered. reopen() runs between alerts when asked.
 */
#ifndef SK_CORE_OUTQ_H
#define SK_CORE_OUTQ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/alert.h>
#include <shrike/plugin.h>

#include "outputs.h"

/* A refcounted, immutable alert shared by every queue. The creator sets
 * refs to 1 and release to the function that frees the whole message. */
struct sk_outq_msg {
	atomic_uint refs;
	void (*release)(struct sk_outq_msg *m);
	struct sk_alert alert; /* what write() receives */
};

/* sk_outq_msg_ref / sk_outq_msg_unref - take / drop a reference; the last
 * unref calls release(). Thread-safe. NULL ok. */
void sk_outq_msg_ref(struct sk_outq_msg *m);
void sk_outq_msg_unref(struct sk_outq_msg *m);

/* The output behind a queue (plugin.h, struct sk_output_ops). write is
 * required; the others may be NULL. All are called from the worker thread
 * only. late_failures and metrics are collected after every flush() and
 * about once a second under load; sk_outq_stats() and sk_outq_metrics()
 * hand out what was collected last. last_error gives the reason of a
 * failed write() for the log. */
struct sk_outq_ops {
	int (*write)(void *inst, const struct sk_alert *alert);
	int (*flush)(void *inst);
	int (*reopen)(void *inst);
	uint64_t (*late_failures)(void *inst);
	int (*metrics)(void *inst, const struct sk_metric **ret_metrics, size_t *ret_n);
	const char *(*last_error)(void *inst);
};

struct sk_outq_conf {
	const char *name;      /* for logs and stats ("file_output"); copied */
	size_t capacity;       /* alerts; 0 = 65536 */
	bool unbuffered;       /* flush after every alert */
	unsigned retry_min_ms; /* first back-off after SK_RETRY; 0 = 100 */
	unsigned retry_max_ms; /* back-off cap; 0 = 10000 */
	unsigned log_every_s;  /* rate limit of drop/failure logs; 0 = 10 */
	double rate;	       /* alerts per second let through (token bucket refill);
				* 0 = no limit */
	uint64_t max_burst;    /* token bucket size (alerts); 0 = 1000. With rate only */
	unsigned idle_flush_ms; /* while idle, call flush() this often (outputs that
				 * learn of deliveries later, e.g. Kafka); 0 = never */
	uint64_t retry_budget_ms; /* once deliveries have failed this long, each
				   * alert gets one attempt and is given up
				   * (failed) if it fails; 0 = retry forever */
};

struct sk_outq;

/* sk_outq_create - a queue in front of (ops, inst). Nothing runs until
 * sk_outq_start(). Returns NULL with errno set (ENOMEM, EINVAL). The ops and
 * inst are borrowed until sk_outq_destroy(). */
struct sk_outq *sk_outq_create(const struct sk_outq_conf *conf, const struct sk_outq_ops *ops,
			       void *inst);

/* sk_outq_start - start the worker thread. Returns 0 or -errno. */
int sk_outq_start(struct sk_outq *q);

/* sk_outq_push - queue m (taking a reference of its own on success).
 * Never blocks. Returns true when queued, false when not: over the rate
 * limit (counted as ratelimited), or dropped (queue full, or the queue is
 * stopping; counted as dropped). Both are logged, rate-limited (the first
 * at once, then at most one line every log_every_s with the count).
 * One producer thread only. */
bool sk_outq_push(struct sk_outq *q, struct sk_outq_msg *m);

/* sk_outq_reopen - ask the worker to call reopen() before its next write.
 * Thread-safe (async-signal-safe too: it only sets flags and writes an
 * eventfd). */
void sk_outq_reopen(struct sk_outq *q);

/* sk_outq_stats - current counters (failed includes the plugin's late
 * failures as last collected). name points into q. Thread-safe. */
void sk_outq_stats(struct sk_outq *q, struct sk_output_stats *ret);

/* sk_outq_metrics - copy at most max of the plugin's metrics as the worker
 * last collected them (names are the plugin's static strings). Returns how
 * many were copied. Thread-safe. */
size_t sk_outq_metrics(struct sk_outq *q, struct sk_metric *ret, size_t max);

/* sk_outq_stop - stop accepting alerts and stop the worker. drain: deliver
 * what is queued first, waiting at most timeout_ms (0 = no limit) before
 * giving up; without drain, or after the timeout, what is left is counted
 * as dropped and a log line says how many alerts were not delivered. Then
 * flush() and join. A write() that blocks cannot be interrupted: the
 * timeout is checked between attempts and during back-off; a write() still
 * blocked 2 s after the deadline (or 2 s after an abort) makes the queue
 * give up on its thread: it is left running, what is queued is counted as
 * dropped, an error is logged and sk_outq_is_abandoned() becomes true
 * (with drain and timeout_ms 0 it waits for ever instead). Returns the
 * number of alerts left undelivered. Idempotent; safe without a start. */
uint64_t sk_outq_stop(struct sk_outq *q, bool drain, unsigned timeout_ms);

/* sk_outq_is_abandoned - whether stop gave up on a worker stuck in
 * write(). The output's instance and plugin must then stay loaded: the
 * thread may still run in them. NULL: false. */
bool sk_outq_is_abandoned(const struct sk_outq *q);

/* sk_outq_destroy - stop (dropping what is queued) and free. An abandoned
 * queue is freed only if its thread has ended since; otherwise it is left
 * to the thread (a deliberate leak). NULL ok. */
void sk_outq_destroy(struct sk_outq *q);

#endif /* SK_CORE_OUTQ_H */
