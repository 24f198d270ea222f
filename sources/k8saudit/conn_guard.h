/* sources/k8saudit/conn_guard.h - the webhook's connection watchdog: a
 * connection whose request (headers, body, answer) is not done within the
 * timeout is shut down, even when it trickles bytes to stay "active"
 * (libmicrohttpd's own timeout only counts idle time). See conn_guard.c.
 */
#ifndef SK_SOURCES_K8SAUDIT_CONN_GUARD_H
#define SK_SOURCES_K8SAUDIT_CONN_GUARD_H

#include <stdint.h>

#include <microhttpd.h>

struct k8s_guard;

/* Called from the watchdog thread with how many connections it cut. */
typedef void (*k8s_guard_cut_cb)(void *arg, unsigned n);

/* k8s_guard_start - start the watchdog thread. Returns NULL and sets errno
 * on failure. */
struct k8s_guard *k8s_guard_start(uint64_t timeout_ms, k8s_guard_cut_cb cb, void *arg);

/* k8s_guard_on_connection - MHD_OPTION_NOTIFY_CONNECTION's callback, with
 * the guard as its argument. */
void k8s_guard_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			     enum MHD_ConnectionNotificationCode code);

/* k8s_guard_request_done - a request on c is finished: the next one gets
 * its own time (call from MHD_OPTION_NOTIFY_COMPLETED). */
void k8s_guard_request_done(struct k8s_guard *g, struct MHD_Connection *c);

/* k8s_guard_cut_total - connections cut so far. */
uint64_t k8s_guard_cut_total(struct k8s_guard *g);

/* k8s_guard_stop - stop the thread and free; after MHD_stop_daemon(). NULL
 * is a no-op. */
void k8s_guard_stop(struct k8s_guard *g);

#endif
