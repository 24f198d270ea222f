/* core/notify.h - tell systemd how the daemon is doing (sd_notify): ready,
 * reloading, stopping, and the watchdog keep-alive. Every call is a no-op
 * when Shrike is built without libsystemd or not started by systemd (no
 * NOTIFY_SOCKET). */
#ifndef SK_CORE_NOTIFY_H
#define SK_CORE_NOTIFY_H

#include <stdint.h>

struct sk_loop;

/* sk_notify_ready - READY=1 with STATUS=status (may be NULL). */
void sk_notify_ready(const char *status);
/* sk_notify_reloading - RELOADING=1 with MONOTONIC_USEC= now; follow with
 * sk_notify_ready once the reload is done (or refused). */
void sk_notify_reloading(void);
/* sk_notify_stopping - STOPPING=1. */
void sk_notify_stopping(void);

/* sk_notify_watchdog_usec - the service's watchdog interval in microseconds,
 * 0 when no watchdog is asked for (or it is meant for another pid). */
uint64_t sk_notify_watchdog_usec(void);
/* sk_notify_watchdog_start - when the service has a watchdog, send
 * WATCHDOG=1 from a loop timer every half interval, so a stuck loop stops
 * the keep-alives. Returns 0 (also when there is no watchdog) or -errno. */
int sk_notify_watchdog_start(struct sk_loop *loop);

#endif /* SK_CORE_NOTIFY_H */
