/* core/loop.c - the event loop: epoll over source descriptors, one signalfd
 * and periodic timerfds (see loop.h). Single-threaded: every callback runs on
 * the thread that calls sk_loop_run().
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

enum watch_kind { WATCH_FD, WATCH_TIMER, WATCH_SIGNAL };

struct watch {
	enum watch_kind kind;
	int fd;
	int id;
	bool active;
	sk_loop_fd_cb fd_cb;
	sk_loop_timer_cb timer_cb;
	void *arg;
	struct watch *next;
};

struct sk_loop {
	int epfd;
	int sigfd;
	struct watch sigwatch;
	sk_loop_signal_cb on_signal;
	void *signal_arg;
	struct watch *watches; /* fds and timers, newest first */
	int next_timer_id;
	sk_loop_idle_cb busy_cb;
	void *busy_arg;
	bool stop;
	bool need_gc;
};

static const int caught_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1};

struct sk_loop *sk_loop_create(sk_loop_signal_cb on_signal, void *arg)
{
	struct sk_loop *loop = calloc(1, sizeof(*loop));
	if (loop == NULL) {
		return NULL;
	}
	loop->epfd = -1;
	loop->sigfd = -1;
	loop->on_signal = on_signal;
	loop->signal_arg = arg;

	sigset_t mask;
	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(caught_signals) / sizeof(caught_signals[0]); i++) {
		sigaddset(&mask, caught_signals[i]);
	}
	/* Block them (threads started later inherit the mask) and read them
	 * from a signalfd. SIGPIPE is blocked too: a closed pipe is an
	 * output's EPIPE, not a reason to die. */
	sigset_t block = mask;
	sigaddset(&block, SIGPIPE);
	int err = pthread_sigmask(SIG_BLOCK, &block, NULL);
	if (err != 0) {
		errno = err;
		goto fail;
	}
	/* A signal whose disposition is SIG_IGN is discarded before it can be
	 * queued for the signalfd, and a shell starts background jobs with
	 * SIGINT ignored: reset the dispositions (the signals stay blocked, so
	 * the default actions never run). */
	for (size_t i = 0; i < sizeof(caught_signals) / sizeof(caught_signals[0]); i++) {
		signal(caught_signals[i], SIG_DFL);
	}
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		goto fail;
	}
	loop->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->sigfd < 0) {
		goto fail;
	}
	loop->sigwatch.kind = WATCH_SIGNAL;
	loop->sigwatch.fd = loop->sigfd;
	loop->sigwatch.active = true;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &loop->sigwatch};
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->sigfd, &ev) < 0) {
		goto fail;
	}
	return loop;
fail:
	err = errno;
	sk_loop_destroy(loop);
	errno = err;
	return NULL;
}

static struct watch *watch_new(struct sk_loop *loop, enum watch_kind kind, int fd, void *arg)
{
	struct watch *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		return NULL;
	}
	w->kind = kind;
	w->fd = fd;
	w->arg = arg;
	w->active = true;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;
		free(w);
		errno = err;
		return NULL;
	}
	w->next = loop->watches;
	loop->watches = w;
	return w;
}

int sk_loop_add_fd(struct sk_loop *loop, int fd, sk_loop_fd_cb cb, void *arg)
{
	struct watch *w = watch_new(loop, WATCH_FD, fd, arg);
	if (w == NULL) {
		return -errno;
	}
	w->fd_cb = cb;
	return 0;
}

/* Watches are unlinked lazily: a callback may remove a watch whose event is
 * still pending in the current epoll batch. */
static void watch_remove(struct sk_loop *loop, struct watch *w)
{
	if (!w->active) {
		return;
	}
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	if (w->kind == WATCH_TIMER) {
		close(w->fd);
	}
	w->active = false;
	loop->need_gc = true;
}

static void watches_gc(struct sk_loop *loop)
{
	struct watch **pp = &loop->watches;
	while (*pp != NULL) {
		struct watch *w = *pp;
		if (!w->active) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
	loop->need_gc = false;
}

int sk_loop_del_fd(struct sk_loop *loop, int fd)
{
	for (struct watch *w = loop->watches; w != NULL; w = w->next) {
		if (w->active && w->kind == WATCH_FD && w->fd == fd) {
			watch_remove(loop, w);
			return 0;
		}
	}
	return -ENOENT;
}

int sk_loop_add_timer(struct sk_loop *loop, uint64_t interval_ms, sk_loop_timer_cb cb, void *arg)
{
	if (interval_ms == 0) {
		return -EINVAL;
	}
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (tfd < 0) {
		return -errno;
	}
	struct itimerspec its = {
		.it_interval = {.tv_sec = (time_t)(interval_ms / 1000),
				.tv_nsec = (long)(interval_ms % 1000) * 1000000L},
	};
	its.it_value = its.it_interval;
	if (timerfd_settime(tfd, 0, &its, NULL) < 0) {
		int err = errno;
		close(tfd);
		return -err;
	}
	struct watch *w = watch_new(loop, WATCH_TIMER, tfd, arg);
	if (w == NULL) {
		int err = errno;
		close(tfd);
		return -err;
	}
	w->timer_cb = cb;
	w->id = loop->next_timer_id++;
	return w->id;
}

void sk_loop_del_timer(struct sk_loop *loop, int id)
{
	for (struct watch *w = loop->watches; w != NULL; w = w->next) {
		if (w->active && w->kind == WATCH_TIMER && w->id == id) {
			watch_remove(loop, w);
			return;
		}
	}
}

void sk_loop_set_busy(struct sk_loop *loop, sk_loop_idle_cb cb, void *arg)
{
	loop->busy_cb = cb;
	loop->busy_arg = arg;
}

static void dispatch_signals(struct sk_loop *loop)
{
	struct signalfd_siginfo si;
	for (;;) {
		ssize_t n = read(loop->sigfd, &si, sizeof(si));
		if (n != (ssize_t)sizeof(si)) {
			return; /* EAGAIN: all read */
		}
		if (loop->on_signal != NULL) {
			loop->on_signal(loop, (int)si.ssi_signo, loop->signal_arg);
		}
	}
}

static void dispatch(struct sk_loop *loop, struct watch *w, uint32_t events)
{
	if (!w->active) {
		return;
	}
	switch (w->kind) {
	case WATCH_SIGNAL:
		dispatch_signals(loop);
		break;
	case WATCH_TIMER: {
		uint64_t expirations;
		if (read(w->fd, &expirations, sizeof(expirations)) == (ssize_t)sizeof(expirations)) {
			w->timer_cb(loop, w->arg);
		}
		break;
	}
	case WATCH_FD:
		w->fd_cb(loop, w->fd, events, w->arg);
		break;
	}
}

int sk_loop_run(struct sk_loop *loop)
{
	struct epoll_event evs[32];
	loop->stop = false;
	/* With a busy callback (sources without a descriptor) the first wait
	 * must not block: nothing may ever wake it but a timer. */
	bool busy = loop->busy_cb != NULL;
	while (!loop->stop) {
		int n = epoll_wait(loop->epfd, evs, (int)(sizeof(evs) / sizeof(evs[0])),
				   busy ? 0 : -1);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			int err = errno;
			SK_ERROR("event loop: epoll_wait failed: %s", strerror(err));
			return -err;
		}
		for (int i = 0; i < n && !loop->stop; i++) {
			dispatch(loop, evs[i].data.ptr, evs[i].events);
		}
		if (loop->need_gc) {
			watches_gc(loop);
		}
		busy = false;
		if (!loop->stop && loop->busy_cb != NULL) {
			busy = loop->busy_cb(loop, loop->busy_arg);
		}
	}
	return 0;
}

void sk_loop_stop(struct sk_loop *loop)
{
	loop->stop = true;
}

void sk_loop_destroy(struct sk_loop *loop)
{
	if (loop == NULL) {
		return;
	}
	for (struct watch *w = loop->watches; w != NULL; w = w->next) {
		watch_remove(loop, w);
	}
	watches_gc(loop);
	if (loop->sigfd >= 0) {
		close(loop->sigfd);
	}
	if (loop->epfd >= 0) {
		close(loop->epfd);
	}
	free(loop);
}
