/* core/outq.c - per-output bounded queue and worker thread (see outq.h).
 *
 * The queue is a single-producer single-consumer ring of message pointers
 * indexed by two ever-growing 64-bit counters: the producer owns `tail`,
 * the worker owns `head`. The worker sleeps in poll() on an eventfd; the
 * producer writes the eventfd only when the worker says it is sleeping
 * (Dekker-style handshake through seq_cst accesses), so a busy queue costs
 * no system call on the producer side and a push never waits for a lock.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <shrike/plugin.h>

#include "common/clock.h"
#include "common/tbucket.h"
#include "log.h"
#include "loader.h"
#include "outq.h"

#define DEFAULT_CAPACITY     65536
#define DEFAULT_RETRY_MIN_MS 100
#define DEFAULT_RETRY_MAX_MS 10000
#define DEFAULT_LOG_EVERY_S  10
#define DEFAULT_MAX_BURST    1000
#define STUCK_GRACE_MS	     2000 /* after the stop deadline, before abandoning a stuck write() */

enum { Q_RUNNING = 0, Q_DRAINING = 1, Q_ABORT = 2 };

/* Rate limiter for a log line: the first event is logged, then at most one
 * line per period carrying the count of events since the last line. */
struct ratelog {
	uint64_t last_ns;
	uint64_t pending;
	bool any;
};

struct sk_outq {
	char *name;
	struct sk_outq_ops ops;
	void *inst;
	size_t cap;
	struct sk_outq_msg **slots;
	unsigned idle_flush_ms;
	bool unbuffered;
	uint64_t retry_min_ms;
	uint64_t retry_max_ms;
	uint64_t retry_budget_ns;
	uint64_t log_every_ns;

	/* Token bucket (producer side only): rate 0 = no limit. */
	struct sk_tbucket bucket;

	_Alignas(64) _Atomic uint64_t tail; /* written by the producer */
	_Alignas(64) _Atomic uint64_t head; /* written by the worker */
	_Alignas(64) atomic_bool sleeping;  /* the worker is (about to be) in poll() */
	atomic_bool reopen_req;
	atomic_int state;
	_Atomic uint64_t deadline_ns; /* Q_DRAINING: give up at this time; 0 = never */

	_Atomic uint64_t sent;
	_Atomic uint64_t failed;
	_Atomic uint64_t dropped;
	_Atomic uint64_t ratelimited;
	_Atomic uint64_t late_failed; /* the plugin's late_failures(), last collected */
	_Atomic uint64_t failing_since_ns; /* first failure since the last success; 0: none */

	/* The plugin's metrics as the worker last collected them. */
	pthread_mutex_t metrics_lock;
	struct sk_metric metrics[SK_OUTPUT_MAX_METRICS];
	size_t nmetrics;
	uint64_t collected_ns; /* worker side */

	struct ratelog drop_log;  /* producer side */
	struct ratelog limit_log; /* producer side */
	struct ratelog fail_log;  /* worker side */
	struct ratelog retry_log; /* worker side */
	struct ratelog budget_log; /* worker side */

	int efd;
	pthread_t thread;
	bool started;
	bool stopped;
	bool abandoned; /* the worker never came back from write(): left running */
	uint64_t left;	/* undelivered at stop */
};

void sk_outq_msg_ref(struct sk_outq_msg *m)
{
	if (m) {
		atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
	}
}

void sk_outq_msg_unref(struct sk_outq_msg *m)
{
	if (m && atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1) {
		m->release(m);
	}
}

/* Whether to log now; *ret_n is the number of events the line covers. */
static bool ratelog_hit(struct ratelog *r, uint64_t every_ns, uint64_t *ret_n)
{
	uint64_t now = sk_mono_ns();
	r->pending++;
	if (!r->any || now - r->last_ns >= every_ns) {
		r->any = true;
		r->last_ns = now;
		*ret_n = r->pending;
		r->pending = 0;
		return true;
	}
	return false;
}

static void wake(struct sk_outq *q)
{
	if (q->efd >= 0) {
		uint64_t one = 1;
		ssize_t r = write(q->efd, &one, sizeof(one));
		(void)r; /* EAGAIN only if the counter is huge: the worker is awake anyway */
	}
}

static void drain_efd(struct sk_outq *q)
{
	uint64_t v;
	ssize_t r = read(q->efd, &v, sizeof(v));
	(void)r;
}

struct sk_outq *sk_outq_create(const struct sk_outq_conf *conf, const struct sk_outq_ops *ops,
			       void *inst)
{
	if (!conf || !ops || !ops->write) {
		errno = EINVAL;
		return NULL;
	}
	struct sk_outq *q = calloc(1, sizeof(*q));
	if (!q) {
		return NULL;
	}
	q->efd = -1;
	q->cap = conf->capacity ? conf->capacity : DEFAULT_CAPACITY;
	q->name = strdup(conf->name ? conf->name : "output");
	q->slots = calloc(q->cap, sizeof(*q->slots));
	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!q->name || !q->slots || q->efd < 0) {
		int e = q->efd < 0 && q->name && q->slots ? errno : ENOMEM;
		sk_outq_destroy(q);
		errno = e;
		return NULL;
	}
	q->ops = *ops;
	q->inst = inst;
	pthread_mutex_init(&q->metrics_lock, NULL);
	q->unbuffered = conf->unbuffered;
	q->idle_flush_ms = conf->idle_flush_ms;
	q->retry_min_ms = conf->retry_min_ms ? conf->retry_min_ms : DEFAULT_RETRY_MIN_MS;
	q->retry_max_ms = conf->retry_max_ms ? conf->retry_max_ms : DEFAULT_RETRY_MAX_MS;
	q->retry_budget_ns = conf->retry_budget_ms * 1000000ull;
	if (q->retry_max_ms < q->retry_min_ms) {
		q->retry_max_ms = q->retry_min_ms;
	}
	q->log_every_ns =
	    (uint64_t)(conf->log_every_s ? conf->log_every_s : DEFAULT_LOG_EVERY_S) * 1000000000ull;
	if (conf->rate > 0) {
		sk_tbucket_init(&q->bucket, conf->rate,
				(double)(conf->max_burst ? conf->max_burst : DEFAULT_MAX_BURST),
				sk_mono_ns());
	}
	atomic_init(&q->state, Q_RUNNING);
	return q;
}

bool sk_outq_push(struct sk_outq *q, struct sk_outq_msg *m)
{
	if (q->bucket.rate > 0 && !sk_tbucket_take(&q->bucket, sk_mono_ns())) {
		uint64_t total =
		    atomic_fetch_add_explicit(&q->ratelimited, 1, memory_order_relaxed) + 1;
		uint64_t n;
		if (ratelog_hit(&q->limit_log, q->log_every_ns, &n)) {
			SK_WARN("output %s: over its rate limit (%g alerts/s, burst %.0f), "
				"skipped %" PRIu64 " alert(s) (total rate-limited: %" PRIu64 ")",
				q->name, q->bucket.rate, q->bucket.burst, n, total);
		}
		return false;
	}
	uint64_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	int state = atomic_load_explicit(&q->state, memory_order_relaxed);
	if (state != Q_RUNNING || q->stopped || tail - head >= q->cap) {
		uint64_t total =
		    atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed) + 1;
		uint64_t n;
		if (ratelog_hit(&q->drop_log, q->log_every_ns, &n)) {
			if (state != Q_RUNNING || q->stopped) {
				SK_WARN("output %s: stopping, dropped %" PRIu64
					" alert(s) (total dropped: %" PRIu64 ")",
					q->name, n, total);
			} else {
				SK_WARN("output %s: queue full (%zu alerts), dropped %" PRIu64
					" alert(s) (total dropped: %" PRIu64 ")",
					q->name, q->cap, n, total);
			}
		}
		return false;
	}
	sk_outq_msg_ref(m);
	q->slots[tail % q->cap] = m;
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load(&q->sleeping)) {
		wake(q);
	}
	return true;
}

void sk_outq_reopen(struct sk_outq *q)
{
	if (q) {
		atomic_store(&q->reopen_req, true);
		wake(q);
	}
}

void sk_outq_stats(struct sk_outq *q, struct sk_output_stats *ret)
{
	uint64_t head = atomic_load(&q->head);
	uint64_t tail = atomic_load(&q->tail);
	ret->name = q->name;
	ret->sent = atomic_load_explicit(&q->sent, memory_order_relaxed);
	ret->failed = atomic_load_explicit(&q->failed, memory_order_relaxed) +
		      atomic_load_explicit(&q->late_failed, memory_order_relaxed);
	ret->dropped = atomic_load_explicit(&q->dropped, memory_order_relaxed);
	ret->ratelimited = atomic_load_explicit(&q->ratelimited, memory_order_relaxed);
	ret->queue_depth = tail >= head ? tail - head : 0;
	ret->queue_capacity = q->cap;
	uint64_t since = atomic_load_explicit(&q->failing_since_ns, memory_order_relaxed);
	uint64_t now = sk_mono_ns();
	uint64_t failing_ns = since != 0 && now > since ? now - since : 0;
	ret->failing_ms = since != 0 ? failing_ns / 1000000ull + 1 : 0;
	ret->down = since != 0 && q->retry_budget_ns != 0 && failing_ns >= q->retry_budget_ns;
}

size_t sk_outq_metrics(struct sk_outq *q, struct sk_metric *ret, size_t max)
{
	pthread_mutex_lock(&q->metrics_lock);
	size_t n = q->nmetrics < max ? q->nmetrics : max;
	memcpy(ret, q->metrics, n * sizeof(*ret));
	pthread_mutex_unlock(&q->metrics_lock);
	return n;
}

/* ---- worker ------------------------------------------------------------ */

/* collect - the plugin's late failures and metrics, read on the worker (the
 * only thread that calls into the output's instance) and kept for the
 * event loop's stats and metrics. */
static void collect(struct sk_outq *q)
{
	q->collected_ns = sk_mono_ns();
	if (q->ops.late_failures != NULL) {
		atomic_store_explicit(&q->late_failed, q->ops.late_failures(q->inst),
				      memory_order_relaxed);
	}
	const struct sk_metric *m = NULL;
	size_t n = 0;
	if (q->ops.metrics != NULL && q->ops.metrics(q->inst, &m, &n) == SK_OK) {
		pthread_mutex_lock(&q->metrics_lock);
		q->nmetrics = n < SK_OUTPUT_MAX_METRICS ? n : SK_OUTPUT_MAX_METRICS;
		memcpy(q->metrics, m, q->nmetrics * sizeof(*m));
		pthread_mutex_unlock(&q->metrics_lock);
	}
}

/* Under load the queue may never run empty: collect about once a second. */
static void collect_if_due(struct sk_outq *q)
{
	if ((q->ops.late_failures != NULL || q->ops.metrics != NULL) &&
	    sk_mono_ns() - q->collected_ns >= 1000000000ull) {
		collect(q);
	}
}

/* Whether the worker must give up now (abort, or drain deadline passed). */
static bool must_give_up(struct sk_outq *q)
{
	int st = atomic_load(&q->state);
	if (st == Q_ABORT) {
		return true;
	}
	if (st == Q_DRAINING) {
		uint64_t dl = atomic_load(&q->deadline_ns);
		return dl != 0 && sk_mono_ns() >= dl;
	}
	return false;
}

/* Sleep for ms, or less when stopping calls for it. Returns false when the
 * worker must give up. */
static bool backoff_wait(struct sk_outq *q, uint64_t ms)
{
	uint64_t until = sk_mono_ns() + ms * 1000000ull;
	for (;;) {
		if (must_give_up(q)) {
			return false;
		}
		uint64_t now = sk_mono_ns();
		if (now >= until) {
			return true;
		}
		uint64_t end = until;
		uint64_t dl = atomic_load(&q->deadline_ns);
		if (atomic_load(&q->state) == Q_DRAINING && dl != 0 && dl < end) {
			end = dl;
		}
		uint64_t wait_ms = (end > now ? end - now : 0) / 1000000ull + 1;
		struct pollfd pfd = {.fd = q->efd, .events = POLLIN};
		if (poll(&pfd, 1, (int)wait_ms) > 0) {
			drain_efd(q);
		}
	}
}

/* why - the output plugin's reason for its last failure. */
static const char *why(struct sk_outq *q)
{
	return sk_loader_reason(q->ops.last_error, q->inst);
}

static void do_reopen(struct sk_outq *q)
{
	if (!atomic_exchange(&q->reopen_req, false) || !q->ops.reopen) {
		return;
	}
	if (q->ops.reopen(q->inst) != SK_OK) {
		SK_WARN("output %s: reopen failed: %s", q->name, why(q));
	}
}

static void do_flush(struct sk_outq *q)
{
	if (q->ops.flush && q->ops.flush(q->inst) != SK_OK) {
		uint64_t n;
		if (ratelog_hit(&q->fail_log, q->log_every_ns, &n)) {
			SK_WARN("output %s: flush failed: %s", q->name, why(q));
		}
	}
	collect(q);
}

/* failing - note a failed delivery; returns how long deliveries have been
 * failing (ns). */
static uint64_t failing(struct sk_outq *q)
{
	uint64_t now = sk_mono_ns();
	uint64_t since = atomic_load_explicit(&q->failing_since_ns, memory_order_relaxed);
	if (since == 0) {
		atomic_store_explicit(&q->failing_since_ns, now, memory_order_relaxed);
		return 0;
	}
	return now - since;
}

/* over_budget - the alert has been retried past the retry budget: count it
 * as failed and say so (rate-limited). */
static bool over_budget(struct sk_outq *q, struct sk_outq_msg *m, uint64_t failing_ns)
{
	if (q->retry_budget_ns == 0 || failing_ns < q->retry_budget_ns) {
		return false;
	}
	uint64_t total = atomic_fetch_add_explicit(&q->failed, 1, memory_order_relaxed) + 1;
	uint64_t n;
	if (ratelog_hit(&q->budget_log, q->log_every_ns, &n)) {
		SK_ERROR("output %s: failing for %" PRIu64 " s, longer than its retry_budget: "
			 "gave up %" PRIu64 " alert(s), e.g. of rule '%s' (total failed: %" PRIu64
			 "); each alert gets one attempt until a delivery works: %s",
			 q->name, failing_ns / UINT64_C(1000000000), n, m->alert.rule ? m->alert.rule : "",
			 total, why(q));
	}
	return true;
}

/* Deliver one alert. Returns false when the worker gave up on it. */
static bool deliver(struct sk_outq *q, struct sk_outq_msg *m)
{
	uint64_t delay = q->retry_min_ms;
	for (;;) {
		do_reopen(q);
		int rc = q->ops.write(q->inst, &m->alert);
		if (rc == SK_OK) {
			atomic_fetch_add_explicit(&q->sent, 1, memory_order_relaxed);
			atomic_store_explicit(&q->failing_since_ns, 0, memory_order_relaxed);
			return true;
		}
		uint64_t failing_ns = failing(q);
		if (rc == SK_RETRY && over_budget(q, m, failing_ns)) {
			return true;
		}
		if (rc != SK_RETRY) {
			uint64_t total =
			    atomic_fetch_add_explicit(&q->failed, 1, memory_order_relaxed) + 1;
			uint64_t n;
			if (ratelog_hit(&q->fail_log, q->log_every_ns, &n)) {
				SK_ERROR(
				    "output %s: could not deliver %" PRIu64
				    " alert(s), e.g. of rule '%s' (total failed: %" PRIu64 "): %s",
				    q->name, n, m->alert.rule ? m->alert.rule : "", total, why(q));
			}
			return true;
		}
		if (q->retry_budget_ns != 0) {
			/* the last attempt comes when the budget ends, not later */
			uint64_t left_ms = (q->retry_budget_ns - failing_ns) / 1000000ull + 1;
			if (left_ms < delay) {
				delay = left_ms;
			}
		}
		uint64_t n;
		if (ratelog_hit(&q->retry_log, q->log_every_ns, &n)) {
			SK_WARN("output %s: delivery failed for now, retrying in %" PRIu64
				" ms (%" PRIu64 " retr%s since the last report)",
				q->name, delay, n, n == 1 ? "y" : "ies");
		}
		if (!backoff_wait(q, delay)) {
			return false;
		}
		delay = delay * 2 > q->retry_max_ms ? q->retry_max_ms : delay * 2;
	}
}

static void *worker(void *arg)
{
	struct sk_outq *q = arg;
	bool dirty = false;

	for (;;) {
		do_reopen(q);
		uint64_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
		uint64_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
		if (head == tail) {
			if (dirty) {
				do_flush(q);
				dirty = false;
			}
			if (atomic_load(&q->state) != Q_RUNNING) {
				break; /* drained, or nothing left to abort */
			}
			atomic_store(&q->sleeping, true);
			if (atomic_load(&q->tail) == head && atomic_load(&q->state) == Q_RUNNING &&
			    !atomic_load(&q->reopen_req)) {
				struct pollfd pfd = {.fd = q->efd, .events = POLLIN};
				int timeout = q->idle_flush_ms ? (int)q->idle_flush_ms : -1;
				int pr = poll(&pfd, 1, timeout);
				if (pr > 0) {
					drain_efd(q);
				} else if (pr == 0) {
					do_flush(q); /* idle: let it collect late results */
				}
			}
			atomic_store(&q->sleeping, false);
			continue;
		}
		if (must_give_up(q)) {
			break;
		}
		struct sk_outq_msg *m = q->slots[head % q->cap];
		if (!deliver(q, m)) {
			break;
		}
		q->slots[head % q->cap] = NULL;
		atomic_store_explicit(&q->head, head + 1, memory_order_release);
		sk_outq_msg_unref(m);
		dirty = true;
		collect_if_due(q);
		if (q->unbuffered) {
			do_flush(q);
			dirty = false;
		}
	}
	if (dirty || atomic_load(&q->head) != atomic_load(&q->tail)) {
		do_flush(q);
	}
	return NULL;
}

int sk_outq_start(struct sk_outq *q)
{
	sigset_t all, old;
	sigfillset(&all);
	/* The worker takes no signals: they belong to the event loop; but
	 * the one that drops its capabilities (privs.c). */
	sigdelset(&all, SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int err = pthread_create(&q->thread, NULL, worker, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		return -err;
	}
	char tname[16];
	snprintf(tname, sizeof(tname), "sk-%s", q->name);
	pthread_setname_np(q->thread, tname);
	q->started = true;
	return 0;
}

bool sk_outq_is_abandoned(const struct sk_outq *q)
{
	return q && q->abandoned;
}

uint64_t sk_outq_stop(struct sk_outq *q, bool drain, unsigned timeout_ms)
{
	if (!q || q->stopped) {
		return q ? q->left : 0;
	}
	if (drain && timeout_ms > 0) {
		atomic_store(&q->deadline_ns, sk_mono_ns() + (uint64_t)timeout_ms * 1000000ull);
	}
	atomic_store(&q->state, drain ? Q_DRAINING : Q_ABORT);
	wake(q);
	if (q->started && drain && timeout_ms == 0) {
		pthread_join(q->thread, NULL); /* no limit, as asked */
	} else if (q->started) {
		/* A write() that never returns (a FIFO nobody reads, a hung
		 * peer) must not hang shutdown or a reload: give the worker
		 * the deadline plus a grace period, then leave it running
		 * (the queue and the plugin are not freed while it may still
		 * use them). */
		uint64_t wait_ms = (drain ? timeout_ms : 0) + STUCK_GRACE_MS;
		struct timespec dl = sk_deadline_ms(CLOCK_REALTIME, wait_ms);
		if (pthread_timedjoin_np(q->thread, NULL, &dl) != 0) {
			q->abandoned = true;
		}
	}
	q->stopped = true;
	if (q->abandoned) {
		uint64_t head = atomic_load(&q->head);
		uint64_t tail = atomic_load(&q->tail);
		q->left = tail - head;
		atomic_fetch_add(&q->dropped, q->left);
		SK_ERROR("output %s: write() has not returned for more than %u ms; abandoning its "
			 "thread with %" PRIu64 " alert(s) undelivered (counted as dropped)",
			 q->name, (drain ? timeout_ms : 0) + STUCK_GRACE_MS, q->left);
		return q->left;
	}
	/* Whatever is still queued was never delivered. */
	uint64_t head = atomic_load(&q->head);
	uint64_t tail = atomic_load(&q->tail);
	q->left = tail - head;
	for (; head != tail; head++) {
		sk_outq_msg_unref(q->slots[head % q->cap]);
		q->slots[head % q->cap] = NULL;
	}
	atomic_store(&q->head, head);
	if (q->left > 0) {
		atomic_fetch_add(&q->dropped, q->left);
		SK_WARN("output %s: %" PRIu64 " queued alert(s) left undelivered at shutdown%s",
			q->name, q->left, drain && q->started ? " (drain timeout)" : "");
	}
	return q->left;
}

void sk_outq_destroy(struct sk_outq *q)
{
	if (!q) {
		return;
	}
	if (q->slots) {
		sk_outq_stop(q, false, 0);
	}
	if (q->abandoned) {
		if (pthread_tryjoin_np(q->thread, NULL) != 0) {
			return; /* still inside write(): leave it all to the thread */
		}
		/* It came back after all: free what is left. */
		for (uint64_t h = atomic_load(&q->head); h != atomic_load(&q->tail); h++) {
			sk_outq_msg_unref(q->slots[h % q->cap]);
		}
	}
	if (q->efd >= 0) {
		close(q->efd);
	}
	free(q->slots);
	free(q->name);
	pthread_mutex_destroy(&q->metrics_lock);
	free(q);
}
