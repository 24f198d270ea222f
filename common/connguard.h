/* common/connguard.h - a libmicrohttpd server's connection watchdog (the
 * metrics web server's and the k8s audit webhook's): a connection whose request (headers, body,
 * answer) is not done within the timeout is shut down, even when it trickles bytes to stay "active"
 * (libmicrohttpd's own timeout only counts idle time). See connguard.c.
 */
#ifndef SK_COMMON_CONNGUARD_H
#define SK_COMMON_CONNGUARD_H

#include <stdint.h>

#include <microhttpd.h>

struct sk_connguard;

/* Called from the watchdog thread with how many connections it cut. */
typedef void (*sk_connguard_cut_cb)(void *arg, unsigned n);

/* sk_connguard_start - start the watchdog thread (named thread_name, at most
 * 15 characters). Returns NULL and sets errno on failure. */
struct sk_connguard *sk_connguard_start(uint64_t timeout_ms, const char *thread_name,
					sk_connguard_cut_cb cb, void *arg);

/* sk_connguard_on_connection - MHD_OPTION_NOTIFY_CONNECTION's callback, with
 * the guard as its argument. */
void sk_connguard_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
				enum MHD_ConnectionNotificationCode code);

/* sk_connguard_request_done - a request on c is finished: the next one gets
 * its own time (call from MHD_OPTION_NOTIFY_COMPLETED). */
void sk_connguard_request_done(struct sk_connguard *g, struct MHD_Connection *c);

/* sk_connguard_cut_total - connections cut so far. */
uint64_t sk_connguard_cut_total(struct sk_connguard *g);

/* sk_connguard_stop - stop the thread and free; after MHD_stop_daemon(). NULL
 * is a no-op. */
void sk_connguard_stop(struct sk_connguard *g);

#endif
