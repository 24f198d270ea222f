/* common/connguard.c - a watchdog over a libmicrohttpd server's connections
 * (see connguard.h), used by the metrics web server (core/websrv.c) and the
 * k8s audit webhook (sources/k8saudit/server.c): a slowloris client that opens connections and
 * trickles header bytes is never idle, so libmicrohttpd's idle timeout never closes it. Every
 * connection gets a deadline when it opens and again when a request on it completes; a thread wakes
 * every quarter timeout (at most 250 ms) and shut down(2)s the connections past theirs, and
 * libmicrohttpd then closes them. The socket is closed by libmicrohttpd only after the "closed"
 * notification, which takes the same lock: a reused descriptor is never touched.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "connguard.h"

struct conn {
	struct conn *prev, *next;
	int fd;
	uint64_t deadline_ms;
	bool cut;
};

struct sk_connguard {
	uint64_t timeout_ms;
	sk_connguard_cut_cb cb;
	void *arg;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct conn *conns;
	bool stopping;
	uint64_t cut_total;
	pthread_t thread;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void sk_connguard_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
				enum MHD_ConnectionNotificationCode code)
{
	struct sk_connguard *g = cls;
	struct conn *k = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		k = ci ? calloc(1, sizeof(*k)) : NULL;
		if (k == NULL) {
			return; /* not watched: the idle timeout still holds */
		}
		k->fd = ci->connect_fd;
		pthread_mutex_lock(&g->mu);
		k->deadline_ms = now_ms() + g->timeout_ms;
		k->next = g->conns;
		if (g->conns != NULL) {
			g->conns->prev = k;
		}
		g->conns = k;
		pthread_mutex_unlock(&g->mu);
		*socket_context = k;
		return;
	}
	if (k == NULL) {
		return;
	}
	pthread_mutex_lock(&g->mu);
	if (k->prev != NULL) {
		k->prev->next = k->next;
	} else {
		g->conns = k->next;
	}
	if (k->next != NULL) {
		k->next->prev = k->prev;
	}
	pthread_mutex_unlock(&g->mu);
	free(k);
	*socket_context = NULL;
}

void sk_connguard_request_done(struct sk_connguard *g, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *k = ci ? ci->socket_context : NULL;
	if (k == NULL) {
		return;
	}
	pthread_mutex_lock(&g->mu);
	k->deadline_ms = now_ms() + g->timeout_ms;
	pthread_mutex_unlock(&g->mu);
}

static void *guard_main(void *arg)
{
	struct sk_connguard *g = arg;
	uint64_t tick_ms = g->timeout_ms / 4 < 250 ? g->timeout_ms / 4 : 250;
	pthread_mutex_lock(&g->mu);
	while (!g->stopping) {
		struct timespec dl;
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_sec += (time_t)(tick_ms / 1000);
		dl.tv_nsec += (long)(tick_ms % 1000) * 1000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->cond, &g->mu, &dl);
		uint64_t now = now_ms();
		unsigned n = 0;
		for (struct conn *k = g->conns; k != NULL && !g->stopping; k = k->next) {
			if (!k->cut && now >= k->deadline_ms) {
				shutdown(k->fd, SHUT_RDWR);
				k->cut = true;
				n++;
			}
		}
		g->cut_total += n;
		if (n > 0 && g->cb != NULL) {
			g->cb(g->arg, n);
		}
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

struct sk_connguard *sk_connguard_start(uint64_t timeout_ms, const char *thread_name,
					sk_connguard_cut_cb cb, void *arg)
{
	struct sk_connguard *g = calloc(1, sizeof(*g));
	if (g == NULL) {
		return NULL;
	}
	g->timeout_ms = timeout_ms;
	g->cb = cb;
	g->arg = arg;
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	int rc = pthread_cond_init(&g->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (rc == 0) {
		rc = pthread_create(&g->thread, NULL, guard_main, g);
		if (rc != 0) {
			pthread_cond_destroy(&g->cond);
		}
	}
	if (rc != 0) {
		pthread_mutex_destroy(&g->mu);
		free(g);
		errno = rc;
		return NULL;
	}
	pthread_setname_np(g->thread, thread_name);
	return g;
}

uint64_t sk_connguard_cut_total(struct sk_connguard *g)
{
	pthread_mutex_lock(&g->mu);
	uint64_t n = g->cut_total;
	pthread_mutex_unlock(&g->mu);
	return n;
}

void sk_connguard_stop(struct sk_connguard *g)
{
	if (g == NULL) {
		return;
	}
	pthread_mutex_lock(&g->mu);
	g->stopping = true;
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->mu);
	free(g->conns); /* none left after MHD_stop_daemon() */
	free(g);
}
