/* core/outq_test.c - unit tests of the per-output queue and worker thread
 * (core/outq.c) against an in-test fake output: order, drops when full
 * without blocking the producer, retry/back-off, failures, drain and
 * give-up on stop, flush and reopen calls, message reference counting. */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <shrike/plugin.h>

#include "outq.h"

/* ---- fake output -------------------------------------------------------- */

#define MAX_REC 20000

struct fake {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool gate_closed; /* write() waits while true */
	int retries_left; /* SK_RETRY this many times before each success */
	int retries_per_alert;
	bool always_retry;
	bool fail_odd; /* SK_ERR for odd sequence numbers */
	uint64_t rec[MAX_REC];
	size_t nrec;
	unsigned writes, flushes, reopens;
	unsigned reopen_before_first_write; /* reopens seen when the first write came */
};

static int fake_write(void *inst, const struct sk_alert *a)
{
	struct fake *f = inst;
	pthread_mutex_lock(&f->lock);
	while (f->gate_closed) {
		pthread_cond_wait(&f->cond, &f->lock);
	}
	if (f->writes++ == 0) {
		f->reopen_before_first_write = f->reopens;
	}
	int rc = SK_OK;
	if (f->always_retry) {
		rc = SK_RETRY;
	} else if (f->retries_left > 0) {
		f->retries_left--;
		rc = SK_RETRY;
	} else {
		f->retries_left = f->retries_per_alert;
		if (f->fail_odd && a->time_ns % 2 == 1) {
			rc = SK_ERR;
		} else if (f->nrec < MAX_REC) {
			f->rec[f->nrec++] = a->time_ns;
		}
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

static int fake_flush(void *inst)
{
	struct fake *f = inst;
	pthread_mutex_lock(&f->lock);
	f->flushes++;
	pthread_mutex_unlock(&f->lock);
	return SK_OK;
}

static int fake_reopen(void *inst)
{
	struct fake *f = inst;
	pthread_mutex_lock(&f->lock);
	f->reopens++;
	pthread_mutex_unlock(&f->lock);
	return SK_OK;
}

static const struct sk_outq_ops fake_ops = {
    .write = fake_write,
    .flush = fake_flush,
    .reopen = fake_reopen,
};

static void gate(struct fake *f, bool closed)
{
	pthread_mutex_lock(&f->lock);
	f->gate_closed = closed;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	return f;
}

static void fake_free(struct fake *f)
{
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	free(f);
}

/* ---- messages ----------------------------------------------------------- */

static atomic_uint released;

static void msg_release(struct sk_outq_msg *m)
{
	atomic_fetch_add(&released, 1);
	free(m);
}

static struct sk_outq_msg *msg_new(uint64_t seq)
{
	struct sk_outq_msg *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	atomic_init(&m->refs, 1);
	m->release = msg_release;
	m->alert.struct_size = sizeof(m->alert);
	m->alert.time_ns = seq;
	m->alert.rule = "Test rule";
	m->alert.line = "x";
	m->alert.line_len = 1;
	return m;
}

/* Push seq numbers [from, to); returns how many were queued. */
static unsigned push_range(struct sk_outq *q, uint64_t from, uint64_t to)
{
	unsigned ok = 0;
	for (uint64_t i = from; i < to; i++) {
		struct sk_outq_msg *m = msg_new(i);
		ok += sk_outq_push(q, m);
		sk_outq_msg_unref(m);
	}
	return ok;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct sk_outq *q_new(struct fake *f, size_t cap, bool unbuffered)
{
	struct sk_outq_conf c = {
	    .name = "fake_output",
	    .capacity = cap,
	    .unbuffered = unbuffered,
	    .retry_min_ms = 1,
	    .retry_max_ms = 8,
	};
	struct sk_outq *q = sk_outq_create(&c, &fake_ops, f);
	assert_non_null(q);
	return q;
}

static int reset(void **state)
{
	atomic_store(&released, 0);
	return 0;
}

/* ---- tests -------------------------------------------------------------- */

static void test_order_preserved(void **state)
{
	struct fake *f = fake_new();
	struct sk_outq *q = q_new(f, 0, false);
	assert_int_equal(sk_outq_start(q), 0);
	assert_int_equal(push_range(q, 0, 5000), 5000);
	assert_int_equal(sk_outq_stop(q, true, 0), 0);
	assert_int_equal(f->nrec, 5000);
	for (size_t i = 0; i < f->nrec; i++) {
		assert_int_equal(f->rec[i], i);
	}
	struct sk_output_stats st;
	sk_outq_stats(q, &st);
	assert_string_equal(st.name, "fake_output");
	assert_int_equal(st.sent, 5000);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.queue_depth, 0);
	assert_true(f->flushes >= 1);
	assert_int_equal(atomic_load(&released), 5000);
	sk_outq_destroy(q);
	fake_free(f);
}

static void test_full_queue_drops_without_blocking(void **state)
{
	struct fake *f = fake_new();
	gate(f, true); /* the output hangs */
	struct sk_outq *q = q_new(f, 4, false);
	assert_int_equal(sk_outq_start(q), 0);
	uint64_t t0 = mono_ms();
	/* The worker holds alert 0 in write() without popping it: exactly
	 * `capacity` alerts fit, whatever the timing. */
	unsigned queued = push_range(q, 0, 1000);
	uint64_t took = mono_ms() - t0;
	assert_int_equal(queued, 4);
	assert_true(took < 1000); /* never waited for the stuck output */
	struct sk_output_stats st;
	sk_outq_stats(q, &st);
	assert_int_equal(st.dropped, 996);
	assert_int_equal(st.queue_depth, 4);
	assert_int_equal(atomic_load(&released), 996); /* dropped ones are not kept */
	gate(f, false);
	assert_int_equal(sk_outq_stop(q, true, 0), 0);
	sk_outq_stats(q, &st);
	assert_int_equal(st.sent, 4);
	assert_int_equal(st.dropped, 996);
	assert_int_equal(f->nrec, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(f->rec[i], i);
	}
	assert_int_equal(atomic_load(&released), 1000);
	sk_outq_destroy(q);
	fake_free(f);
}

static void test_retry_until_ok(void **state)
{
	struct fake *f = fake_new();
	f->retries_left = 3;
	f->retries_per_alert = 2;
	struct sk_outq *q = q_new(f, 16, false);
	assert_int_equal(sk_outq_start(q), 0);
	assert_int_equal(push_range(q, 0, 5), 5);
	assert_int_equal(sk_outq_stop(q, true, 0), 0);
	/* 3 retries for the first, then 2 for each of the other 4 */
	assert_int_equal(f->writes, 5 + 3 + 2 * 4);
	assert_int_equal(f->nrec, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(f->rec[i], i); /* the same alert was retried, in order */
	}
	struct sk_output_stats st;
	sk_outq_stats(q, &st);
	assert_int_equal(st.sent, 5);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.dropped, 0);
	sk_outq_destroy(q);
	fake_free(f);
}

/* Past retry_budget the output counts as down, each alert gets one attempt
 * and is given up (failed); the first delivery that works ends it. */
static void test_retry_budget(void **state)
{
	struct fake *f = fake_new();
	f->always_retry = true;
	struct sk_outq_conf c = {
	    .name = "fake_output",
	    .capacity = 64,
	    .retry_min_ms = 1,
	    .retry_max_ms = 8,
	    .retry_budget_ms = 150,
	};
	struct sk_outq *q = sk_outq_create(&c, &fake_ops, f);
	assert_non_null(q);
	assert_int_equal(sk_outq_start(q), 0);
	uint64_t t0 = mono_ms();
	assert_int_equal(push_range(q, 0, 1), 1);
	struct sk_output_stats st;
	do {
		usleep(5000);
		sk_outq_stats(q, &st);
	} while (st.failed == 0 && mono_ms() - t0 < 5000);
	assert_int_equal(st.failed, 1); /* the first alert, given up after the budget */
	assert_true(mono_ms() - t0 >= 150);
	assert_true(st.down);
	assert_true(st.failing_ms >= 150);
	/* down: ten more alerts get one attempt each, at once */
	pthread_mutex_lock(&f->lock);
	unsigned w0 = f->writes;
	pthread_mutex_unlock(&f->lock);
	assert_int_equal(push_range(q, 1, 11), 10);
	do {
		usleep(2000);
		sk_outq_stats(q, &st);
	} while (st.failed < 11 && mono_ms() - t0 < 5000);
	assert_int_equal(st.failed, 11);
	pthread_mutex_lock(&f->lock);
	assert_int_equal(f->writes - w0, 10);
	f->always_retry = false; /* the receiver is back */
	pthread_mutex_unlock(&f->lock);
	assert_int_equal(push_range(q, 11, 12), 1);
	assert_int_equal(sk_outq_stop(q, true, 0), 0);
	sk_outq_stats(q, &st);
	assert_int_equal(st.sent, 1);
	assert_false(st.down);
	assert_int_equal(st.failing_ms, 0);
	sk_outq_destroy(q);
	fake_free(f);
}

static void test_errors_counted(void **state)
{
	struct fake *f = fake_new();
	f->fail_odd = true;
	struct sk_outq *q = q_new(f, 0, false);
	assert_int_equal(sk_outq_start(q), 0);
	assert_int_equal(push_range(q, 0, 100), 100);
	assert_int_equal(sk_outq_stop(q, true, 0), 0);
	struct sk_output_stats st;
	sk_outq_stats(q, &st);
	assert_int_equal(st.sent, 50);
	assert_int_equal(st.failed, 50);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(f->writes, 100); /* SK_ERR is not retried */
	for (size_t i = 0; i < f->nrec; i++) {
		assert_int_equal(f->rec[i], 2 * i);
	}
	assert_int_equal(atomic_load(&released), 100);
	sk_outq_destroy(q);
	fake_free(f);
}

static void test_drain_delivers_everything(void **state)
{
	struct fake *f = fake_new();
	gate(f, true);
	struct sk_outq *q = q_new(f, 20000, false);
	assert_int_equal(sk_outq_start(q), 0);
	assert_int_equal(push_range(q, 0, 20000), 20000);
	gate(f, false);
	/* stop right away: everything queued must still arrive */
	assert_int_equal(sk_outq_stop(q, true, 0), 0);
	assert_int_equal(f->nrec, 20000);
	assert_int_equal(f->rec[19999], 19999);
	struct sk_output_stats st;
	sk_outq_stats(q, &st);
	assert_int_equal(st.sent, 20000);
	assert_int_equal(st.dropped, 0);
	/* once stopped, pushes are refused and counted */
	assert_int_equal(push_range(q, 0, 3), 0);
	sk_outq_stats(q, &st);
	assert_int_equal(st.dropped, 3);
	sk_outq_destroy(q);
	fake_free(f);
}

static void test_stop_timeout_gives_up(void **state)
{
	struct fake *f = fake_new();
	f->always_retry = true;
	struct sk_outq_conf c = {
	    .name = "stuck_output",
	    .capacity = 16,
	    .retry_min_ms = 100,
	    .retry_max_ms = 10000,
	};
	struct sk_outq *q = sk_outq_create(&c, &fake_ops, f);
	assert_non_null(q);
	assert_int_equal(sk_outq_start(q), 0);
	assert_int_equal(push_range(q, 0, 5), 5);
	usleep(50 * 1000);
	uint64_t t0 = mono_ms();
	assert_int_equal(sk_outq_stop(q, true, 300), 5);
	uint64_t took = mono_ms() - t0;
	assert_true(took >= 250);
	assert_true(took < 3000);
	struct sk_output_stats st;
	sk_outq_stats(q, &st);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.dropped, 5);
	assert_int_equal(st.queue_depth, 0);
	assert_int_equal(atomic_load(&released), 5);
	assert_int_equal(sk_outq_stop(q, true, 300), 5); /* idempotent */
	sk_outq_destroy(q);
	fake_free(f);
}

static void test_abort_interrupts_backoff(void **state)
{
	struct fake *f = fake_new();
	f->always_retry = true;
	struct sk_outq_conf c = {.name = "o", .capacity = 4, .retry_min_ms = 10000};
	struct sk_outq *q = sk_outq_create(&c, &fake_ops, f);
	assert_non_null(q);
	assert_int_equal(sk_outq_start(q), 0);
	assert_int_equal(push_range(q, 0, 2), 2);
	usleep(50 * 1000); /* the worker is now in a 10 s back-off */
	uint64_t t0 = mono_ms();
	assert_int_equal(sk_outq_stop(q, false, 0), 2);
	assert_true(mono_ms() - t0 < 2000);
	sk_outq_destroy(q);
	fake_free(f);
}

static void test_unbuffered_flushes_each(void **state)
{
	struct fake *f = fake_new();
	struct sk_outq *q = q_new(f, 0, true);
	assert_int_equal(sk_outq_start(q), 0);
	assert_int_equal(push_range(q, 0, 50), 50);
	assert_int_equal(sk_outq_stop(q, true, 0), 0);
	assert_int_equal(f->nrec, 50);
	assert_true(f->flushes >= 50);
	sk_outq_destroy(q);
	fake_free(f);
}

static void test_reopen_between_alerts(void **state)
{
	struct fake *f = fake_new();
	struct sk_outq *q = q_new(f, 0, false);
	sk_outq_reopen(q); /* requested before the first alert */
	assert_int_equal(sk_outq_start(q), 0);
	assert_int_equal(push_range(q, 0, 3), 3);
	/* and once more while idle: handled without any new alert. Wait for
	 * the 3 writes first: two requests before the worker gets to them
	 * are one reopen (by design), which a loaded machine could cause. */
	for (int i = 0; i < 500; i++) {
		pthread_mutex_lock(&f->lock);
		size_t n = f->nrec;
		pthread_mutex_unlock(&f->lock);
		if (n == 3) {
			break;
		}
		usleep(10 * 1000);
	}
	sk_outq_reopen(q);
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&f->lock);
		unsigned r = f->reopens;
		pthread_mutex_unlock(&f->lock);
		if (r == 2) {
			break;
		}
		usleep(10 * 1000);
	}
	assert_int_equal(sk_outq_stop(q, true, 0), 0);
	assert_int_equal(f->reopen_before_first_write, 1);
	assert_int_equal(f->reopens, 2);
	assert_int_equal(f->nrec, 3);
	sk_outq_destroy(q);
	fake_free(f);
}

/* Token bucket: max_burst alerts pass at once, the rest are counted as
 * rate-limited (not dropped); tokens come back at `rate` per second. */
static void test_rate_limit_burst_then_refill(void **state)
{
	struct fake *f = fake_new();
	struct sk_outq_conf c = {
	    .name = "limited_output",
	    .capacity = 1000,
	    .rate = 50, /* one token every 20 ms */
	    .max_burst = 5,
	};
	struct sk_outq *q = sk_outq_create(&c, &fake_ops, f);
	assert_non_null(q);
	assert_int_equal(sk_outq_start(q), 0);
	uint64_t t0 = mono_ms();
	unsigned queued = push_range(q, 0, 100);
	uint64_t took = mono_ms() - t0;
	/* The burst, plus what refilled while pushing (slow or loaded machine). */
	assert_in_range(queued, 5, 5 + took * 50 / 1000 + 1);
	struct sk_output_stats st;
	sk_outq_stats(q, &st);
	assert_int_equal(st.ratelimited, 100 - queued);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.queue_capacity, 1000);
	usleep(110 * 1000); /* 5.5 tokens back, capped at the burst: 5 */
	t0 = mono_ms();
	unsigned later = push_range(q, 100, 120);
	took = mono_ms() - t0;
	assert_in_range(later, 5, 5 + took * 50 / 1000 + 1);
	assert_int_equal(sk_outq_stop(q, true, 0), 0);
	sk_outq_stats(q, &st);
	assert_int_equal(st.sent, queued + later);
	assert_int_equal(st.ratelimited, 120 - queued - later);
	assert_int_equal(f->nrec, queued + later);
	assert_int_equal(atomic_load(&released), 120);
	sk_outq_destroy(q);
	fake_free(f);
}

/* No rate: nothing is ever rate-limited. A fractional rate refills slowly. */
static void test_rate_fractional(void **state)
{
	struct fake *f = fake_new();
	struct sk_outq_conf c = {.name = "slow_output", .rate = 0.5, .max_burst = 1};
	struct sk_outq *q = sk_outq_create(&c, &fake_ops, f);
	assert_non_null(q);
	assert_int_equal(push_range(q, 0, 3), 1);
	struct sk_output_stats st;
	sk_outq_stats(q, &st);
	assert_int_equal(st.ratelimited, 2);
	assert_int_equal(st.queue_capacity, 65536);
	sk_outq_destroy(q);
	fake_free(f);
}

/* A write() that never returns does not hang stop(): after the deadline
 * and a grace period the thread is abandoned, what is queued counted as
 * dropped; when the write finally returns, destroy frees everything. */
static void test_stuck_write_abandoned(void **state)
{
	struct fake *f = fake_new();
	gate(f, true); /* write() blocks until the gate opens */
	struct sk_outq *q = q_new(f, 16, false);
	assert_int_equal(sk_outq_start(q), 0);
	assert_int_equal(push_range(q, 0, 10), 10);
	usleep(50 * 1000); /* the worker is inside write() with alert 0 */
	uint64_t t0 = mono_ms();
	uint64_t left = sk_outq_stop(q, true, 100);
	uint64_t took = mono_ms() - t0;
	assert_true(took >= 2000 && took < 5000); /* deadline + grace, not for ever */
	assert_true(sk_outq_is_abandoned(q));
	assert_int_equal(left, 10); /* alert 0 is still in write() */
	struct sk_output_stats st;
	sk_outq_stats(q, &st);
	assert_int_equal(st.dropped, 10);
	assert_int_equal(st.sent, 0);
	gate(f, false); /* write() returns at last; the thread ends */
	usleep(500 * 1000);
	sk_outq_destroy(q);
	assert_int_equal(atomic_load(&released), 10);
	fake_free(f);
}

static void test_destroy_unstarted(void **state)
{
	struct fake *f = fake_new();
	struct sk_outq *q = q_new(f, 8, false);
	assert_int_equal(push_range(q, 0, 3), 3);
	sk_outq_destroy(q); /* never started: releases what it holds */
	assert_int_equal(atomic_load(&released), 3);
	assert_int_equal(f->writes, 0);
	sk_outq_destroy(NULL);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_order_preserved, reset),
	    cmocka_unit_test_setup(test_full_queue_drops_without_blocking, reset),
	    cmocka_unit_test_setup(test_retry_until_ok, reset),
	    cmocka_unit_test_setup(test_errors_counted, reset),
	    cmocka_unit_test_setup(test_retry_budget, reset),
	    cmocka_unit_test_setup(test_drain_delivers_everything, reset),
	    cmocka_unit_test_setup(test_stop_timeout_gives_up, reset),
	    cmocka_unit_test_setup(test_abort_interrupts_backoff, reset),
	    cmocka_unit_test_setup(test_unbuffered_flushes_each, reset),
	    cmocka_unit_test_setup(test_reopen_between_alerts, reset),
	    cmocka_unit_test_setup(test_destroy_unstarted, reset),
	    cmocka_unit_test_setup(test_rate_limit_burst_then_refill, reset),
	    cmocka_unit_test_setup(test_rate_fractional, reset),
	    cmocka_unit_test_setup(test_stuck_write_abandoned, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
