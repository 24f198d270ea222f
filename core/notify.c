/* core/notify.c - systemd's readiness and watchdog protocol (sd_notify(3)).
 *
 * One job: turn the daemon's life cycle into the messages a Type=notify
 * unit waits for. READY=1 once every source runs and the loop is about to
 * run, RELOADING=1 (with MONOTONIC_USEC, as systemd 253's Type=notify-reload
 * wants) around a SIGHUP, STOPPING=1 at SIGTERM, and WATCHDOG=1 from an event
 * loop timer at half the WatchdogSec= interval: the keep-alive comes from the
 * loop itself, so a loop that hangs gets the service restarted. Built
 * without libsystemd (HAVE_SYSTEMD unset) every function does nothing.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"
#include "loop.h"
#include "notify.h"

#ifdef HAVE_SYSTEMD

static void notify_send(const char *msg)
{
	/* 0 = no NOTIFY_SOCKET (not started by systemd): nothing to do */
	int r = sd_notify(0, msg);
	if (r < 0) {
		SK_WARN("sd_notify: %s", msg);
	}
}

void sk_notify_ready(const char *status)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "READY=1\nSTATUS=%s", status != NULL ? status : "running");
	notify_send(buf);
}

void sk_notify_reloading(void)
{
	struct timespec ts;
	char buf[96];
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ull +
		     (unsigned long long)ts.tv_nsec / 1000ull);
	notify_send(buf);
}

void sk_notify_stopping(void)
{
	notify_send("STOPPING=1");
}

uint64_t sk_notify_watchdog_usec(void)
{
	uint64_t usec = 0;
	if (sd_watchdog_enabled(0, &usec) <= 0) {
		return 0;
	}
	return usec;
}

static void watchdog_tick(struct sk_loop *loop, void *arg)
{
	notify_send("WATCHDOG=1");
}

int sk_notify_watchdog_start(struct sk_loop *loop)
{
	uint64_t usec = sk_notify_watchdog_usec();
	if (usec == 0) {
		return 0;
	}
	uint64_t ms = usec / 2000; /* half the interval, in milliseconds */
	if (ms == 0) {
		ms = 1;
	}
	int id = sk_loop_add_timer(loop, ms, watchdog_tick, NULL);
	if (id < 0) {
		return id;
	}
	SK_INFO("systemd watchdog: keep-alive every %llu ms", (unsigned long long)ms);
	notify_send("WATCHDOG=1");
	return 0;
}

#else /* !HAVE_SYSTEMD */

void sk_notify_ready(const char *status)
{
}

void sk_notify_reloading(void)
{
}

void sk_notify_stopping(void)
{
}

uint64_t sk_notify_watchdog_usec(void)
{
	return 0;
}

int sk_notify_watchdog_start(struct sk_loop *loop)
{
	return 0;
}

#endif /* HAVE_SYSTEMD */
