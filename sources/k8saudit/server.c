/* sources/k8saudit/server.c - the audit webhook: an HTTP(S) server
 * (libmicrohttpd, its own thread pool) that takes the API server's POSTs,
 * checks path, method, token, content type and size, splits the body into
 * event records and queues them for the event loop.
 *
 * Answers: 200 accepted; 400 bad JSON or not audit events (with the
 * reason); 401 missing or wrong bearer token; 404 another path; 405 not a
 * POST; 413 body above max_body_bytes; 415 not application/json; 503 the
 * queue to the engine is full (the API server retries). Every refusal is
 * logged with its reason (at most a few lines a second).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "common/connguard.h"
#include "k8saudit.h"

#define LOG_PER_SEC 5

struct k8s_server {
	struct MHD_Daemon *mhd;
	struct sk_connguard *guard; /* cuts requests slower than the timeout */
	struct k8s_server_args a;
	char *cert, *key;
	pthread_mutex_t mu; /* counters and the log limiter */
	uint64_t rejected;
	time_t log_sec;
	unsigned log_n;
	uint64_t log_suppressed;
};

/* Per request. */
struct req {
	char *buf;
	size_t len, cap;
	bool too_large;
};

static void slog(struct k8s_server *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void slog(struct k8s_server *s, int level, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->a.api->log(s->a.host, level, "%s", msg);
}

/* refuse_log - log why a request was refused, LOG_PER_SEC lines a second
 * at most; the rest are counted and reported with the next line. */
static void refuse_log(struct k8s_server *s, struct MHD_Connection *c, unsigned status,
		       const char *why)
{
	char addr[INET6_ADDRSTRLEN + 8] = "?";
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET) {
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, addr,
				  sizeof(addr));
		} else if (sa->sa_family == AF_INET6) {
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, addr,
				  sizeof(addr));
		}
	}
	time_t now = time(NULL);
	uint64_t suppressed = 0;
	bool say = false;
	pthread_mutex_lock(&s->mu);
	s->rejected++;
	if (now != s->log_sec) {
		s->log_sec = now;
		s->log_n = 0;
	}
	if (s->log_n < LOG_PER_SEC) {
		s->log_n++;
		say = true;
		suppressed = s->log_suppressed;
		s->log_suppressed = 0;
	} else {
		s->log_suppressed++;
	}
	pthread_mutex_unlock(&s->mu);
	if (say) {
		slog(s, SK_LOG_WARNING, "webhook: %u for %s: %s%s", status, addr, why,
		     suppressed ? " (and more refusals not logged)" : "");
	}
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *text,
			      const char *hname, const char *hval)
{
	char body[600];
	int n = snprintf(body, sizeof(body), "%s\n", text);
	if (n < 0) {
		n = 0;
	}
	if ((size_t)n >= sizeof(body)) {
		n = sizeof(body) - 1;
	}
	struct MHD_Response *r =
		MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL) {
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (hname != NULL) {
		MHD_add_response_header(r, hname, hval);
	}
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result refuse(struct k8s_server *s, struct MHD_Connection *c, unsigned status,
			      const char *why, const char *hname, const char *hval)
{
	refuse_log(s, c, status, why);
	return answer(c, status, why, hname, hval);
}

static bool token_ok(const struct k8s_server *s, struct MHD_Connection *c)
{
	const char *want = s->a.conf->webhook_token;
	if (want == NULL || want[0] == '\0') {
		return true;
	}
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		return false;
	}
	h += 7;
	while (*h == ' ') {
		h++;
	}
	size_t lw = strlen(want), lh = strlen(h);
	/* constant time in the token's length */
	unsigned char diff = (unsigned char)(lw != lh);
	for (size_t i = 0; i < lw; i++) {
		diff |= (unsigned char)(want[i] ^ (i < lh ? h[i] : 0));
	}
	return diff == 0;
}

static bool json_content_type(struct MHD_Connection *c)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ct == NULL) {
		return false;
	}
	while (*ct == ' ') {
		ct++;
	}
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The body is complete: split, queue, answer. */
static enum MHD_Result finish(struct k8s_server *s, struct MHD_Connection *c, struct req *rq)
{
	char why[300], msg[400];
	if (rq->too_large) {
		snprintf(msg, sizeof(msg), "request body larger than max_body_bytes (%" PRIu64 ")",
			 s->a.conf->max_body_bytes);
		return refuse(s, c, MHD_HTTP_CONTENT_TOO_LARGE, msg, NULL, NULL);
	}
	struct k8s_rec *head = NULL;
	size_t n = 0, bytes = 0;
	uint64_t over = 0;
	int rc = k8s_split(rq->buf ? rq->buf : "", rq->len, s->a.conf->max_event_bytes, &head, &n,
			   &bytes, &over, why, sizeof(why));
	if (rc == -ENOMEM) {
		return refuse(s, c, MHD_HTTP_SERVICE_UNAVAILABLE, "out of memory", NULL, NULL);
	}
	if (rc < 0) {
		snprintf(msg, sizeof(msg), "bad request: %s", why);
		return refuse(s, c, MHD_HTTP_BAD_REQUEST, msg, NULL, NULL);
	}
	if (over > 0) {
		pthread_mutex_lock(&s->a.queue->mu);
		s->a.queue->drops += over;
		pthread_mutex_unlock(&s->a.queue->mu);
		snprintf(msg, sizeof(msg),
			 "%" PRIu64 " event(s) larger than max_event_bytes (%" PRIu64 ") dropped",
			 over, s->a.conf->max_event_bytes);
		refuse_log(s, c, MHD_HTTP_OK, msg);
	}
	if (n > 0 && k8s_queue_push(s->a.queue, head, n, bytes) < 0) {
		k8s_rec_free_list(head);
		snprintf(msg, sizeof(msg), "queue to the engine full: %zu event(s) dropped", n);
		return refuse(s, c, MHD_HTTP_SERVICE_UNAVAILABLE, msg, MHD_HTTP_HEADER_RETRY_AFTER,
			      "1");
	}
	snprintf(msg, sizeof(msg), "accepted %zu event(s)", n);
	return answer(c, MHD_HTTP_OK, msg, NULL, NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct k8s_server *s = cls;
	struct req *rq = *con_cls;
	(void)version;
	if (rq == NULL) {
		/* Headers are in: decide what can be decided now. */
		if (strcmp(url, s->a.open->path) != 0) {
			return refuse(s, c, MHD_HTTP_NOT_FOUND, "no such path (the audit webhook "
								"is elsewhere)",
				      NULL, NULL);
		}
		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
			char msg[128];
			snprintf(msg, sizeof(msg), "method %.32s not allowed: POST audit events",
				 method);
			return refuse(s, c, MHD_HTTP_METHOD_NOT_ALLOWED, msg, MHD_HTTP_HEADER_ALLOW,
				      "POST");
		}
		if (!token_ok(s, c)) {
			return refuse(s, c, MHD_HTTP_UNAUTHORIZED, "missing or wrong bearer token",
				      MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
		}
		if (!json_content_type(c)) {
			return refuse(s, c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				      "content type must be application/json", NULL, NULL);
		}
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		uint64_t clen = cl ? strtoull(cl, NULL, 10) : 0;
		if (clen > s->a.conf->max_body_bytes) {
			char msg[160];
			snprintf(msg, sizeof(msg),
				 "request body of %" PRIu64 " bytes is larger than max_body_bytes "
				 "(%" PRIu64 ")",
				 clen, s->a.conf->max_body_bytes);
			return refuse(s, c, MHD_HTTP_CONTENT_TOO_LARGE, msg, NULL, NULL);
		}
		rq = calloc(1, sizeof(*rq));
		if (rq == NULL) {
			return MHD_NO;
		}
		if (clen > 0) {
			rq->buf = malloc(clen + 1);
			rq->cap = rq->buf ? clen + 1 : 0;
		}
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t add = *upload_size;
		*upload_size = 0;
		if (rq->too_large) {
			return MHD_YES; /* discard the rest, answer 413 at the end */
		}
		if (rq->len + add > s->a.conf->max_body_bytes) {
			rq->too_large = true;
			free(rq->buf);
			rq->buf = NULL;
			rq->len = rq->cap = 0;
			return MHD_YES;
		}
		if (rq->len + add + 1 > rq->cap) {
			size_t ncap = rq->cap ? rq->cap : 4096;
			while (ncap < rq->len + add + 1) {
				ncap *= 2;
			}
			char *nb = realloc(rq->buf, ncap);
			if (nb == NULL) {
				return MHD_NO;
			}
			rq->buf = nb;
			rq->cap = ncap;
		}
		memcpy(rq->buf + rq->len, upload, add);
		rq->len += add;
		rq->buf[rq->len] = '\0';
		return MHD_YES;
	}
	return finish(s, c, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;
	struct k8s_server *s = cls;
	(void)toe;
	sk_connguard_request_done(s->guard, c);
	if (rq != NULL) {
		free(rq->buf);
		free(rq);
		*con_cls = NULL;
	}
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct k8s_server *s = cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) {
		msg[--n] = '\0';
	}
	slog(s, SK_LOG_INFO, "webhook: %s", msg);
}

/* on_cut - the watchdog closed n connections (its thread). */
static void on_cut(void *arg, unsigned n)
{
	struct k8s_server *s = arg;
	slog(s, SK_LOG_INFO,
	     "webhook: closed %u connection(s) whose request took longer than timeout (%" PRIu64
	     " ms)",
	     n, s->a.conf->timeout_ms);
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (nb == NULL) {
				snprintf(err, errlen, "out of memory");
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + len, 1, 4096, f);
		len += r;
		if (r == 0) {
			break;
		}
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "%s: read error", path);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

int k8s_server_start(const struct k8s_server_args *a, struct k8s_server **ret, char *err,
		     size_t errlen)
{
	struct k8s_server *s = calloc(1, sizeof(*s));
	struct addrinfo *ai = NULL;
	int rc = 0;
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->a = *a;
	pthread_mutex_init(&s->mu, NULL);
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG; /* epoll on Linux */
	if (a->open->tls) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(err, errlen, "https:// is not available: libmicrohttpd was built "
					      "without TLS");
			rc = -ENOTSUP;
			goto out;
		}
		s->cert = read_file(a->conf->ssl_certificate, err, errlen);
		s->key = s->cert ? read_file(a->conf->ssl_key ? a->conf->ssl_key
							      : a->conf->ssl_certificate,
					     err, errlen)
				 : NULL;
		if (s->cert == NULL || s->key == NULL) {
			rc = -EIO;
			goto out;
		}
		flags |= MHD_USE_TLS;
	}
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	const struct sockaddr *bind_addr = NULL;
	if (a->open->host[0] != '\0') {
		struct addrinfo hints = {.ai_family = AF_UNSPEC,
					 .ai_socktype = SOCK_STREAM,
					 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
		char port[8];
		snprintf(port, sizeof(port), "%u", (unsigned)a->open->port);
		int g = getaddrinfo(a->open->host, port, &hints, &ai);
		if (g != 0 || ai == NULL) {
			snprintf(err, errlen, "webhook address '%s': %s", a->open->host,
				 gai_strerror(g));
			rc = -EINVAL;
			goto out;
		}
		memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
		bind_addr = (const struct sockaddr *)&ss;
		if (ss.ss_family == AF_INET6) {
			flags |= MHD_USE_IPv6;
		}
	}
	s->guard = sk_connguard_start(a->conf->timeout_ms, "k8s-conn-guard", on_cut, s);
	if (s->guard == NULL) {
		snprintf(err, errlen, "webhook: cannot start its connection watchdog: %s",
			 strerror(errno));
		rc = -errno;
		goto out;
	}
	uint64_t per_ip = a->conf->conn_per_ip < a->conf->conn_limit
			      ? a->conf->conn_per_ip
			      : a->conf->conn_limit;
	for (int attempt = 0; attempt < 2 && s->mhd == NULL; attempt++) {
		unsigned f = flags;
		if (bind_addr == NULL && attempt == 0) {
			f |= MHD_USE_DUAL_STACK; /* every address, IPv4 and IPv6 */
		}
		struct MHD_OptionItem opts[] = {
			{MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, s},
			{MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s},
			{MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)a->conf->threads, NULL},
			{MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)(a->conf->timeout_ms / 1000),
			 NULL},
			{MHD_OPTION_CONNECTION_LIMIT, (intptr_t)a->conf->conn_limit, NULL},
			{MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)per_ip, NULL},
			{MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)sk_connguard_on_connection,
			 s->guard},
			{bind_addr ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_END, 0, (void *)bind_addr},
			{s->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->cert},
			{s->key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, s->key},
			{MHD_OPTION_END, 0, NULL},
		};
		/* Compact the list: options left at MHD_OPTION_END end it early. */
		struct MHD_OptionItem list[sizeof(opts) / sizeof(opts[0])];
		size_t k = 0;
		for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]) - 1; i++) {
			if (opts[i].option != MHD_OPTION_END) {
				list[k++] = opts[i];
			}
		}
		list[k] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
		s->mhd = MHD_start_daemon(f, a->open->port, NULL, NULL, on_request, s,
					  MHD_OPTION_ARRAY, list, MHD_OPTION_END);
		if (bind_addr != NULL) {
			break;
		}
	}
	if (s->mhd == NULL) {
		snprintf(err, errlen, "webhook: cannot listen on %s:%u: %s",
			 a->open->host[0] ? a->open->host : "*", (unsigned)a->open->port,
			 errno ? strerror(errno) : "libmicrohttpd refused to start");
		rc = -EADDRINUSE;
		goto out;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = di ? di->port : a->open->port;
	slog(s, SK_LOG_NOTICE, "webhook listening on %s://%s%s%s:%u%s", a->open->tls ? "https" : "http",
	     strchr(a->open->host, ':') ? "[" : "", a->open->host[0] ? a->open->host : "*",
	     strchr(a->open->host, ':') ? "]" : "", port, a->open->path);
out:
	if (ai != NULL) {
		freeaddrinfo(ai);
	}
	if (rc < 0) {
		k8s_server_stop(s);
		return rc;
	}
	*ret = s;
	return 0;
}

void k8s_server_stop(struct k8s_server *s)
{
	if (s == NULL) {
		return;
	}
	if (s->mhd != NULL) {
		MHD_stop_daemon(s->mhd);
	}
	sk_connguard_stop(s->guard);
	pthread_mutex_destroy(&s->mu);
	free(s->cert);
	free(s->key);
	free(s);
}

uint64_t k8s_server_rejected(const struct k8s_server *s)
{
	uint64_t n;
	pthread_mutex_lock((pthread_mutex_t *)&s->mu);
	n = s->rejected;
	pthread_mutex_unlock((pthread_mutex_t *)&s->mu);
	return n;
}
