/* outputs/program/program.c - the `program` output plugin (program_output):
 * pipe alert lines to a command's standard input, run with /bin/sh -c.
 *
 * As Falco: without keep_alive the command runs once per alert (it gets
 * one line, then end of file; the alert counts as sent when it exits 0);
 * with keep_alive one instance runs and gets every alert, one per line.
 *
 * keep_alive and a program that dies: the next write finds the pipe
 * without a reader, the program is reaped and SK_RETRY returned, so the
 * core backs off and a new instance is started for the same alert. Lines
 * the dead program never read are not lost: every byte written stays in a
 * buffer until FIONREAD on the pipe shows it was read, and the unread
 * lines are written again, first, to the new instance (a line read only
 * in part is sent again whole: at-least-once). At shutdown the output
 * waits (bounded) until the program has read everything, restarting it if
 * it dies meanwhile, then closes its standard input and reaps it.
 *
 * Children start with default signal dispositions, an empty signal mask
 * (the output thread blocks every signal), their own process group, and
 * no descriptor but 0, 1 and 2.
 * A write never blocks for long: a program that does not read makes
 * write() return SK_RETRY after a second, resuming the same line later.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <shrike/plugin.h>

#include "common/clock.h"
#include "program_pending.h"

#define SHELL	      "/bin/sh"
#define STALL_MS      1000 /* keep_alive: longest wait for pipe space per write() */
#define KILL_GRACE_MS 1000

extern char **environ;

struct program_conf {
	char *program;
	bool keep_alive;
	uint64_t timeout_ms;
};

static const struct sk_param program_params[] = {
    {.name = "program",
     .type = SK_PARAM_STR,
     .flags = SK_PARAM_REQUIRED,
     .offset = offsetof(struct program_conf, program),
     .desc = "command run with /bin/sh -c; alerts arrive on its standard input, one per line"},
    {.name = "keep_alive",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = offsetof(struct program_conf, keep_alive),
     .desc = "keep one instance running for every alert (restarted if it dies) instead of one "
	     "run per alert"},
    {.name = "timeout",
     .type = SK_PARAM_DURATION,
     .def = "10s",
     .offset = offsetof(struct program_conf, timeout_ms),
     .min = 1,
     .max = 86400000,
     .desc = "one run per alert: killed (and the alert counted as failed) after this long; "
	     "keep_alive: how long shutdown waits in all for it to read what it was sent and "
	     "exit"},
    {.name = NULL},
};

struct program_inst {
	const struct sk_host_api *api;
	struct sk_host *host;
	char *program;
	bool keep_alive;
	uint64_t timeout_ms;
	/* keep_alive */
	pid_t pid;			/* running instance, or 0 */
	int wfd;			/* its standard input, non-blocking; -1 when none */
	struct pending written;		/* written into wfd, maybe unread */
	struct pending resend;		/* unread by a dead instance: goes first */
	const struct sk_alert *partial; /* alert whose line is in the pipe in part */
	char partial_uuid[40];
	size_t partial_done;
	uint64_t starts;
	int last_problem; /* last logged problem, to log each kind once in a row */
};

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* Describe a wait status: "exited with status 3", "was killed by signal 9". */
static void status_text(int status, char *buf, size_t len)
{
	if (WIFEXITED(status)) {
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	} else {
		snprintf(buf, len, "ended (status 0x%x)", (unsigned)status);
	}
}

/* Start `/bin/sh -c program` with its stdin on a new pipe. */
static int spawn(struct program_inst *p, pid_t *ret_pid, int *ret_wfd)
{
	int fds[2];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int err;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		return -errno;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* Nothing but stdin/stdout/stderr, even descriptors Shrike inherited
	 * without close-on-exec. */
	posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
#endif
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					    POSIX_SPAWN_SETPGROUP);
	char *argv[] = {"sh", "-c", p->program, NULL};
	err = posix_spawn(ret_pid, SHELL, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(fds[0]);
	if (err != 0) {
		close(fds[1]);
		return -err;
	}
	int fl = fcntl(fds[1], F_GETFL);
	if (fl >= 0) {
		fcntl(fds[1], F_SETFL, fl | O_NONBLOCK);
	}
	*ret_wfd = fds[1];
	return 0;
}

/* Wait up to timeout_ms for pid to end; *ret_status is its wait status.
 * Returns 0, -ETIMEDOUT, or -ECHILD (reaped elsewhere: status unknown). */
static int wait_exit(pid_t pid, uint64_t timeout_ms, int *ret_status)
{
	uint64_t end = sk_mono_ms() + timeout_ms;
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		pid_t r = waitpid(pid, ret_status, WNOHANG);
		if (r == pid) {
			break;
		}
		if (r < 0 && errno != EINTR) {
			if (pfd >= 0) {
				close(pfd);
			}
			return -errno;
		}
		uint64_t now = sk_mono_ms();
		if (now >= end) {
			if (pfd >= 0) {
				close(pfd);
			}
			return -ETIMEDOUT;
		}
		uint64_t left = end - now;
		if (pfd >= 0) {
			struct pollfd pl = {.fd = pfd, .events = POLLIN};
			poll(&pl, 1, left > 1000 ? 1000 : (int)left);
		} else {
			sleep_ms(left > 10 ? 10 : (unsigned)left); /* kernels without pidfd */
		}
	}
	if (pfd >= 0) {
		close(pfd);
	}
	return 0;
}

/* Reap pid: wait up to grace_ms, then SIGTERM its group, then SIGKILL. */
static int reap(pid_t pid, uint64_t grace_ms, int *ret_status)
{
	int rc = wait_exit(pid, grace_ms, ret_status);
	if (rc == -ETIMEDOUT) {
		kill(-pid, SIGTERM);
		rc = wait_exit(pid, KILL_GRACE_MS, ret_status);
		if (rc == -ETIMEDOUT) {
			kill(-pid, SIGKILL);
			rc = wait_exit(pid, 60000, ret_status);
		}
		if (rc == 0) {
			rc = -ETIMEDOUT; /* ended, but only because it was killed */
		}
	}
	return rc;
}

/* Write the rest of iov (total bytes, *done so far) to a non-blocking fd,
 * waiting at most until deadline (ms, monotonic) for space. Bytes written
 * are appended to `log` when not NULL. Returns 0, -EAGAIN (timed out),
 * -EPIPE (no reader) or another -errno. */
static int write_until(int fd, const struct iovec *iov, int n, size_t *done, uint64_t deadline,
		       struct pending *log)
{
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		total += iov[i].iov_len;
	}
	while (*done < total) {
		struct iovec rest[4];
		int m = 0;
		size_t skip = *done;
		for (int i = 0; i < n && m < 4; i++) {
			if (skip >= iov[i].iov_len) {
				skip -= iov[i].iov_len;
				continue;
			}
			rest[m].iov_base = (char *)iov[i].iov_base + skip;
			rest[m].iov_len = iov[i].iov_len - skip;
			skip = 0;
			m++;
		}
		ssize_t w = writev(fd, rest, m);
		if (w > 0) {
			size_t left = (size_t)w;
			for (int i = 0; i < m && left > 0; i++) {
				size_t k = left < rest[i].iov_len ? left : rest[i].iov_len;
				if (log && pending_add(log, rest[i].iov_base, k) != 0) {
					return -ENOMEM;
				}
				left -= k;
			}
			*done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w < 0 && errno != EAGAIN) {
			return -errno;
		}
		uint64_t now = sk_mono_ms();
		if (now >= deadline) {
			return -EAGAIN;
		}
		struct pollfd pl = {.fd = fd, .events = POLLOUT};
		uint64_t left = deadline - now;
		if (poll(&pl, 1, left > 1000 ? 1000 : (int)left) > 0 && (pl.revents & POLLERR)) {
			return -EPIPE;
		}
	}
	return 0;
}

static void log_problem(struct program_inst *p, int kind, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void log_problem(struct program_inst *p, int kind, int level, const char *fmt, ...)
{
	if (kind != 0 && kind == p->last_problem) {
		return;
	}
	p->last_problem = kind;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->api->log(p->host, level, "%s", msg);
}

/* ---- keep_alive --------------------------------------------------------- */

static size_t unread_bytes(int fd)
{
	int n = 0;
	return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (size_t)n : 0;
}

/* The pipe has no reader any more (the program closed it or died). */
static bool reader_gone(int fd)
{
	struct pollfd pl = {.fd = fd, .events = POLLOUT};
	return poll(&pl, 1, 0) > 0 && (pl.revents & POLLERR);
}

/* The instance is gone: keep what it did not read for the next one (the
 * unread part of `written`, then `resend`: together always whole lines, as
 * the rest of a line cut short is at the head of `resend`), close its
 * pipe, reap it and say so. */
static void instance_gone(struct program_inst *p)
{
	pending_consumed(&p->written, unread_bytes(p->wfd));
	if (pending_add(&p->written, p->resend.buf, p->resend.len) != 0) {
		/* Out of memory: what cannot be kept is lost, and said so. */
		p->api->log(p->host, SK_LOG_ERROR,
			    "out of memory: %zu bytes of alerts unread by the program are lost",
			    p->written.len + p->resend.len);
		pending_clear(&p->written);
		pending_clear(&p->resend);
		p->partial = NULL;
	} else {
		struct pending t = p->resend;
		p->resend = p->written; /* unread lines first, then the rest */
		p->written = t;
		pending_clear(&p->written);
	}
	close(p->wfd);
	p->wfd = -1;
	int status = 0;
	char how[128];
	int rc = reap(p->pid, 100, &status);
	if (rc == 0) {
		status_text(status, how, sizeof(how));
	} else if (rc == -ETIMEDOUT) {
		snprintf(how, sizeof(how), "closed its input and was stopped");
	} else {
		snprintf(how, sizeof(how), "ended");
	}
	size_t lines = 0;
	for (size_t i = 0; i < p->resend.len; i++) {
		lines += p->resend.buf[i] == '\n';
	}
	p->api->log(p->host, SK_LOG_WARNING,
		    "program '%s' (pid %d) %s; restarting it (%zu unread alert(s) will be sent "
		    "again)",
		    p->program, (int)p->pid, how, lines);
	p->pid = 0;
}

/* Start an instance if none runs. Returns 0 or -errno. */
static int instance_start(struct program_inst *p)
{
	if (p->pid > 0) {
		return 0;
	}
	int rc = spawn(p, &p->pid, &p->wfd);
	if (rc) {
		p->pid = 0;
		log_problem(p, 1, SK_LOG_ERROR, "cannot start program '%s': %s", p->program,
			    strerror(-rc));
		return rc;
	}
	p->starts++;
	p->last_problem = 0;
	return 0;
}

/* Write what a dead instance did not read, first. 0, -EAGAIN, -EPIPE... */
static int resend_pending(struct program_inst *p, uint64_t deadline)
{
	if (p->resend.len == 0) {
		return 0;
	}
	struct iovec iov = {p->resend.buf, p->resend.len};
	size_t done = 0;
	int rc = write_until(p->wfd, &iov, 1, &done, deadline, &p->written);
	memmove(p->resend.buf, p->resend.buf + done, p->resend.len - done);
	p->resend.len -= done;
	return rc;
}

static bool is_partial(const struct program_inst *p, const struct sk_alert *a)
{
	return p->partial == a && a->uuid && strcmp(p->partial_uuid, a->uuid) == 0;
}

static int keepalive_write(struct program_inst *p, const struct sk_alert *a)
{
	if (p->pid > 0 && reader_gone(p->wfd)) {
		instance_gone(p);
		return SK_RETRY; /* the core backs off before the restart */
	}
	if (instance_start(p) != 0) {
		return SK_RETRY;
	}
	uint64_t deadline = sk_mono_ms() + STALL_MS;
	/* A line cut short earlier has its rest at the head of `resend`: when
	 * the core retries that alert, sending `resend` completes it. */
	bool same = is_partial(p, a);
	int rc = resend_pending(p, deadline);
	if (rc == 0 && !same) {
		size_t done = 0;
		struct iovec iov[2] = {{(char *)a->line, a->line_len}, {"\n", 1}};
		rc = write_until(p->wfd, iov, 2, &done, deadline, &p->written);
		if (rc != 0 && done > 0) {
			size_t ll = a->line_len;
			int e = 0;
			if (done < ll) {
				e = pending_add(&p->resend, a->line + done, ll - done);
			}
			if (e == 0) {
				e = pending_add(&p->resend, "\n", 1);
			}
			if (e == 0) {
				p->partial = a;
				snprintf(p->partial_uuid, sizeof(p->partial_uuid), "%s",
					 a->uuid ? a->uuid : "");
			}
		}
	}
	if (rc == 0) {
		p->partial = NULL;
		pending_consumed(&p->written, unread_bytes(p->wfd));
		p->last_problem = 0;
		return SK_OK;
	}
	if (rc == -EAGAIN) {
		log_problem(p, 2, SK_LOG_WARNING,
			    "program '%s' (pid %d) does not read its input; will retry", p->program,
			    (int)p->pid);
		return SK_RETRY;
	}
	if (rc == -ENOMEM) {
		return SK_RETRY;
	}
	instance_gone(p); /* EPIPE, or the pipe broke otherwise */
	return SK_RETRY;
}

/* When the queue is empty: restart an instance that died with unread
 * alerts, so they do not wait for the next alert. */
static int program_flush(void *inst)
{
	struct program_inst *p = inst;
	if (!p->keep_alive || p->pid <= 0 || !reader_gone(p->wfd)) {
		return SK_OK;
	}
	instance_gone(p);
	if (p->resend.len > 0 && instance_start(p) == 0) {
		resend_pending(p, sk_mono_ms() + STALL_MS);
	}
	return SK_OK;
}

/* Shutdown: wait (bounded) for the program to read everything, restarting
 * it if it dies with alerts unread; then close its input and reap it. */
static void keepalive_finish(struct program_inst *p)
{
	uint64_t end = sk_mono_ms() + p->timeout_ms;
	while (sk_mono_ms() < end) {
		if (p->pid > 0 && reader_gone(p->wfd)) {
			instance_gone(p);
		}
		if (p->pid <= 0) {
			if (p->resend.len == 0 || instance_start(p) != 0) {
				break;
			}
		}
		if (resend_pending(p, sk_mono_ms() + 100) == -EPIPE) {
			continue;
		}
		if (p->resend.len == 0 && unread_bytes(p->wfd) == 0) {
			break;
		}
		sleep_ms(5);
	}
	size_t left = p->resend.len;
	if (p->wfd >= 0) {
		left += unread_bytes(p->wfd);
		close(p->wfd);
		p->wfd = -1;
	}
	if (left > 0) {
		p->api->log(p->host, SK_LOG_WARNING,
			    "program '%s' did not read %zu byte(s) of alerts before shutdown",
			    p->program, left);
	}
	if (p->pid > 0) {
		int status = 0;
		uint64_t now = sk_mono_ms();
		if (reap(p->pid, end > now + 100 ? end - now : 100, &status) == -ETIMEDOUT) {
			p->api->log(
			    p->host, SK_LOG_WARNING,
			    "program '%s' (pid %d) did not exit after its input was closed; "
			    "killed",
			    p->program, (int)p->pid);
		}
		p->pid = 0;
	}
}

/* ---- one run per alert -------------------------------------------------- */

static int oneshot_write(struct program_inst *p, const struct sk_alert *a)
{
	pid_t pid = 0;
	int wfd = -1;
	int rc = spawn(p, &pid, &wfd);
	if (rc) {
		log_problem(p, 1, SK_LOG_ERROR, "cannot start program '%s': %s", p->program,
			    strerror(-rc));
		return SK_RETRY; /* EAGAIN, ENOMEM: try again later */
	}
	uint64_t deadline = sk_mono_ms() + p->timeout_ms;
	struct iovec iov[2] = {{(char *)a->line, a->line_len}, {"\n", 1}};
	size_t done = 0;
	rc = write_until(wfd, iov, 2, &done, deadline, NULL);
	close(wfd); /* end of file: the program sees its one line */
	uint64_t now = sk_mono_ms();
	int status = 0;
	int wr = reap(pid, deadline > now ? deadline - now : 0, &status);
	if (wr == -ETIMEDOUT) {
		log_problem(p, 3, SK_LOG_ERROR,
			    "program '%s' did not finish within %llu ms; killed (alert of rule "
			    "'%s' counted as failed)",
			    p->program, (unsigned long long)p->timeout_ms, a->rule);
		return SK_ERR;
	}
	if (wr == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		char how[128];
		status_text(status, how, sizeof(how));
		log_problem(p, 1000 + status, SK_LOG_ERROR, "program '%s' %s", p->program, how);
		return SK_ERR;
	}
	(void)rc; /* EPIPE with exit 0: the program chose not to read it all */
	p->last_problem = 0;
	return SK_OK;
}

/* ---- plugin ------------------------------------------------------------- */

static int program_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	const struct program_conf *c = in->config;
	if (!c || !c->program || !c->program[0]) {
		snprintf(err, errlen, "program: a command to run is required");
		return SK_ERR;
	}
	if (access(SHELL, X_OK) != 0) {
		snprintf(err, errlen, "program: cannot run %s: %s", SHELL, strerror(errno));
		return SK_ERR;
	}
	struct program_inst *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = p;
	p->api = in->api;
	p->host = in->host;
	p->wfd = -1;
	p->keep_alive = c->keep_alive;
	p->timeout_ms = c->timeout_ms ? c->timeout_ms : 10000;
	p->program = strdup(c->program);
	if (!p->program) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	return SK_OK;
}

static void program_destroy(void *inst)
{
	struct program_inst *p = inst;
	if (!p) {
		return;
	}
	if (p->keep_alive && (p->pid > 0 || p->resend.len > 0)) {
		keepalive_finish(p);
	}
	if (p->wfd >= 0) {
		close(p->wfd);
	}
	pending_fini(&p->written);
	pending_fini(&p->resend);
	free(p->program);
	free(p);
}

static int program_write(void *inst, const struct sk_alert *alert)
{
	struct program_inst *p = inst;
	return p->keep_alive ? keepalive_write(p, alert) : oneshot_write(p, alert);
}

SK_PLUGIN_OPS(sk_output_ops, program_output_ops, .write = program_write, .flush = program_flush);
SK_PLUGIN_DEFINE(.name = "program", .version = "1.0.0",
		 .description = "Pipes alerts to a command's standard input (sh -c)",
		 .contact = "https://github.com/shrike-security/shrike", .params = program_params,
		 .config_size = sizeof(struct program_conf), .init = program_init,
		 .destroy = program_destroy, .output = &program_output_ops);
