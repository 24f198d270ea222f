/* core/loop.h - the event loop: one epoll set holding source descriptors,
 * a signalfd (SIGINT, SIGTERM, SIGHUP, SIGUSR1) and timerfds.
 */
#ifndef SK_CORE_LOOP_H
#define SK_CORE_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct sk_loop;

/* Called when `fd` is readable (or has hung up). */
typedef void (*sk_loop_fd_cb)(struct sk_loop *loop, int fd, uint32_t events, void *arg);
/* Called on each expiry of a timer. */
typedef void (*sk_loop_timer_cb)(struct sk_loop *loop, void *arg);
/* Called on a signal the loop catches. */
typedef void (*sk_loop_signal_cb)(struct sk_loop *loop, int signo, void *arg);
/* Called on every iteration while registered "busy" work exists (sources
 * without a descriptor); returns true while it still has work. */
typedef bool (*sk_loop_idle_cb)(struct sk_loop *loop, void *arg);

/* sk_loop_create - block SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGPIPE in the
 * calling thread (call before starting any other thread, so they inherit the
 * mask) and route the first four to `on_signal` through a signalfd. */
struct sk_loop *sk_loop_create(sk_loop_signal_cb on_signal, void *arg);

int sk_loop_add_fd(struct sk_loop *loop, int fd, sk_loop_fd_cb cb, void *arg);
int sk_loop_del_fd(struct sk_loop *loop, int fd);

/* sk_loop_add_timer - periodic timer every interval_ms; returns an id >= 0
 * or -errno. */
int sk_loop_add_timer(struct sk_loop *loop, uint64_t interval_ms, sk_loop_timer_cb cb,
		      void *arg);
void sk_loop_del_timer(struct sk_loop *loop, int id);

/* sk_loop_set_busy - register (cb != NULL) or clear the busy callback: while
 * it returns true the loop polls without sleeping. */
void sk_loop_set_busy(struct sk_loop *loop, sk_loop_idle_cb cb, void *arg);

/* sk_loop_run - dispatch until sk_loop_stop(). Returns 0 or -errno. */
int sk_loop_run(struct sk_loop *loop);
void sk_loop_stop(struct sk_loop *loop);

/* sk_loop_destroy - close every descriptor the loop created (not the ones
 * added with sk_loop_add_fd). NULL ok. */
void sk_loop_destroy(struct sk_loop *loop);

#endif /* SK_CORE_LOOP_H */
