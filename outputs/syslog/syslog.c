/* outputs/syslog/syslog.c - the `syslog` output plugin (syslog_output):
 * each alert line becomes one syslog message whose severity is the alert's
 * priority (emergency..debug map 1:1).
 *
 * One code path for every destination, so ident and facility are per
 * instance (syslog(3) is process-global and not used): the local syslog
 * socket (/dev/log, or unix:///path) gets syslog(3)'s own local form; UDP
 * and TCP collectors get RFC 5424 (or RFC 3164). TCP frames each message
 * with RFC 6587 octet counting. A broken or refused connection is closed
 * and SK_RETRY returned: the core backs off and the same alert is sent
 * again on a new connection (at-least-once). Before each TCP send the
 * socket is checked for a peer that closed meanwhile, so an alert is not
 * written into a dead connection. UDP messages above 65507 bytes are
 * truncated (logged once).
 */
#define _GNU_SOURCE /* POLLRDHUP */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <shrike/plugin.h>

#include "syslog_conf.h"
#include "syslog_format.h"

#define UDP_MAX_PAYLOAD 65507
#define ERR_RESOLVE	(-100000) /* the name did not resolve (logged where it happens) */

struct syslog_inst {
	const struct sk_host_api *api;
	struct sk_host *host;
	struct syslog_target t;
	long pid;
	int fd;		 /* connected socket, or -1 */
	bool stream;	 /* fd is a stream socket (tcp, or a SOCK_STREAM unix socket) */
	int last_errno;	 /* last logged problem, to log each one once */
	bool truncated;	 /* the UDP truncation was logged */
	char where[300]; /* "tcp://host:port" for messages */
};

/* "WHAT unix:///dev/log AFTER: strerror(err)", once per distinct error. */
static void log_once(struct syslog_inst *s, int err, int level, const char *what, const char *after)
{
	if (s->last_errno == err) {
		return;
	}
	s->last_errno = err;
	s->api->log(s->host, level, "%s %s%s: %s", what, s->where, after, strerror(err));
}

static void set_timeouts(int fd, uint64_t ms)
{
	struct timeval tv = {.tv_sec = (time_t)(ms / 1000),
			     .tv_usec = (suseconds_t)(ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int connect_unix(struct syslog_inst *s)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->t.path);
	/* Like syslog(3): a datagram socket, or a stream one if that is what
	 * the daemon listens on (messages then end with a NUL). */
	int types[2] = {SOCK_DGRAM, SOCK_STREAM};
	int err = 0;
	for (int i = 0; i < 2; i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			return -errno;
		}
		set_timeouts(fd, s->t.timeout_ms);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			s->fd = fd;
			s->stream = types[i] == SOCK_STREAM;
			return 0;
		}
		err = errno;
		close(fd);
		if (err != EPROTOTYPE) {
			break;
		}
	}
	return -err;
}

/* Connect with a timeout (non-blocking connect + poll). */
static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t len, uint64_t ms)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		return -errno;
	}
	if (connect(fd, sa, len) != 0) {
		if (errno != EINPROGRESS) {
			return -errno;
		}
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int r;
		do {
			r = poll(&p, 1, (int)ms);
		} while (r < 0 && errno == EINTR);
		if (r == 0) {
			return -ETIMEDOUT;
		}
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0) {
			return -errno;
		}
		if (soerr != 0) {
			return -soerr;
		}
	}
	return fcntl(fd, F_SETFL, fl) < 0 ? -errno : 0;
}

static int connect_inet(struct syslog_inst *s)
{
	bool tcp = s->t.transport == SYSLOG_TCP;
	struct addrinfo hints = {.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM,
				 .ai_flags = AI_ADDRCONFIG};
	struct addrinfo *res = NULL;
	int gai = getaddrinfo(s->t.host, s->t.port, &hints, &res);
	if (gai != 0) {
		if (s->last_errno != -1000 - gai) {
			s->last_errno = -1000 - gai;
			s->api->log(s->host, SK_LOG_WARNING, "cannot resolve %s: %s", s->where,
				    gai_strerror(gai));
		}
		return ERR_RESOLVE;
	}
	int err = -ECONNREFUSED;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		if (tcp) {
			err = connect_timeout(fd, ai->ai_addr, ai->ai_addrlen, s->t.timeout_ms);
			if (err == 0) {
				int one = 1;
				setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
				set_timeouts(fd, s->t.timeout_ms);
			}
		} else {
			err = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : -errno;
		}
		if (err == 0) {
			s->fd = fd;
			s->stream = tcp;
			break;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return err;
}

static void disconnect(struct syslog_inst *s)
{
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}

static int do_connect(struct syslog_inst *s)
{
	int err = s->t.transport == SYSLOG_UNIX ? connect_unix(s) : connect_inet(s);
	if (err == 0 && s->last_errno != 0) {
		s->api->log(s->host, SK_LOG_NOTICE, "connected to %s again", s->where);
		s->last_errno = 0;
	}
	return err;
}

/* A stream peer that closed (or reset) meanwhile: anything we write now
 * would be lost, so find out before writing. */
static bool peer_gone(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
	if (poll(&p, 1, 0) <= 0) {
		return false;
	}
	if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) {
		return true;
	}
	char junk[512];
	ssize_t r = recv(fd, junk, sizeof(junk), MSG_DONTWAIT); /* collectors send nothing */
	return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* Send all of iov on a stream socket. Returns 0 or -errno. */
static int send_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)n};
		ssize_t w = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		size_t left = (size_t)w;
		while (n > 0 && left >= iov->iov_len) {
			left -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
	return 0;
}

static int syslog_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	const struct syslog_conf *c = in->config;
	struct syslog_inst *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = s;
	s->api = in->api;
	s->host = in->host;
	s->fd = -1;
	s->pid = (long)getpid();
	if (syslog_conf_check(c, &s->t, err, errlen) != 0) {
		return SK_ERR;
	}
	if (s->t.transport == SYSLOG_UNIX) {
		snprintf(s->where, sizeof(s->where), "unix://%s", s->t.path);
	} else {
		bool v6 = strchr(s->t.host, ':') != NULL;
		snprintf(s->where, sizeof(s->where), "%s://%s%s%s:%s",
			 s->t.transport == SYSLOG_TCP ? "tcp" : "udp", v6 ? "[" : "", s->t.host,
			 v6 ? "]" : "", s->t.port);
	}
	/* Try now so a wrong address is seen at start-up; a collector that is
	 * not up yet is not an error: alerts wait in the queue. */
	int rc = do_connect(s);
	if (rc < 0 && rc != ERR_RESOLVE) {
		log_once(s, -rc, SK_LOG_WARNING, "cannot connect to", " (will retry)");
	}
	return SK_OK;
}

static void syslog_destroy(void *inst)
{
	struct syslog_inst *s = inst;
	if (!s) {
		return;
	}
	disconnect(s);
	free(s);
}

static int syslog_write(void *inst, const struct sk_alert *a)
{
	struct syslog_inst *s = inst;
	char hdr[SYSLOG_HDR_MAX];
	char prefix[24];
	int err;

	if (s->fd >= 0 && s->stream && peer_gone(s->fd)) {
		disconnect(s);
	}
	if (s->fd < 0) {
		err = do_connect(s);
		if (err < 0) {
			if (err != ERR_RESOLVE) {
				log_once(s, -err, SK_LOG_WARNING, "cannot connect to",
					 " (will retry)");
			}
			return SK_RETRY;
		}
	}
	struct syslog_hdr h = {
	    .fmt = s->t.fmt,
	    .facility = s->t.facility,
	    .hostname = s->t.hostname[0] ? s->t.hostname : a->hostname,
	    .ident = s->t.ident,
	    .pid = s->pid,
	};
	size_t hl = syslog_fmt_header(hdr, &h, (int)a->priority, a->time_ns);
	size_t ml = a->line_len;
	if (s->t.transport == SYSLOG_UDP && hl + ml > UDP_MAX_PAYLOAD) {
		ml = UDP_MAX_PAYLOAD - hl;
		if (!s->truncated) {
			s->truncated = true;
			s->api->log(s->host, SK_LOG_WARNING,
				    "alert of %u bytes truncated to fit one UDP datagram to %s "
				    "(use tcp:// for long alerts); logged once",
				    a->line_len, s->where);
		}
	}
	struct iovec iov[4];
	int n = 0;
	if (s->t.transport == SYSLOG_TCP) {
		iov[n++] = (struct iovec){prefix, syslog_fmt_octet_prefix(prefix, hl + ml)};
	}
	iov[n++] = (struct iovec){hdr, hl};
	iov[n++] = (struct iovec){(char *)a->line, ml};
	if (s->stream && s->t.transport == SYSLOG_UNIX) {
		iov[n++] = (struct iovec){"", 1}; /* syslog(3) ends stream messages with NUL */
	}
	if (s->stream) {
		err = send_all(s->fd, iov, n);
	} else {
		struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)n};
		ssize_t w;
		do {
			w = sendmsg(s->fd, &mh, MSG_NOSIGNAL);
		} while (w < 0 && errno == EINTR);
		err = w < 0 ? -errno : 0;
	}
	if (err == 0) {
		if (s->last_errno != 0) {
			s->last_errno = 0;
		}
		return SK_OK;
	}
	/* Refused, reset, gone, timed out, full: start again with a new
	 * connection; the core retries this alert after a back-off. */
	disconnect(s);
	if (err == -EMSGSIZE) {
		log_once(s, -err, SK_LOG_ERROR, "alert too long for", "");
		return SK_ERR; /* retrying cannot help */
	}
	log_once(s, -err, SK_LOG_WARNING, "cannot send to", " (will retry)");
	return SK_RETRY;
}

/* SIGUSR1: reconnect (and resolve the name again) before the next alert. */
static int syslog_reopen(void *inst)
{
	disconnect(inst);
	return SK_OK;
}

SK_PLUGIN_OPS(sk_output_ops, syslog_output_ops, .write = syslog_write, .reopen = syslog_reopen);
SK_PLUGIN_DEFINE(.name = "syslog", .version = "1.0.0",
		 .description = "Sends alerts to syslog: the local socket, or a UDP/TCP collector",
		 .contact = "https://github.com/shrike-security/shrike", .params = syslog_params,
		 .config_size = sizeof(struct syslog_conf), .init = syslog_init,
		 .destroy = syslog_destroy, .output = &syslog_output_ops);
