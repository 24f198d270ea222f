/* core/websrv.c - the daemon's web server (see websrv.h): libmicrohttpd with
 * a fixed thread pool on epoll, the pages the daemon fills through
 * callbacks, connection limits, and a watchdog thread (common/connguard.c)
 * that closes a connection whose request takes longer than the timeout
 * (libmicrohttpd's own timeout only counts idle time, which a client
 * sending one byte a second never reaches).
 *
 * Before libmicrohttpd binds, the address is checked with a socket of our
 * own and the PEM file is read and split here, so every error can say what
 * is wrong and which key to change.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <shrike/plugin.h>

#include "common/clock.h"
#include "common/connguard.h"
#include "log.h"
#include "websrv.h"

#define TEXT_PLAIN "text/plain; charset=utf-8"
/* libmicrohttpd's messages: at most LOG_BURST lines every LOG_WINDOW_MS. */
#define LOG_BURST     3
#define LOG_WINDOW_MS 10000
/* The PEM file: a key and a certificate chain are a few KiB. */
#define PEM_MAX_BYTES (1024 * 1024)

struct sk_websrv {
	struct MHD_Daemon *mhd;
	struct sk_websrv_pages pages;
	char *healthz_path;
	bool metrics_enabled;
	char *not_found; /* the 404 text: the pages there are */
	unsigned port;
	uint64_t timeout_ms;
	char *tls_key, *tls_cert; /* what libmicrohttpd was given */

	struct sk_connguard *guard; /* cuts requests slower than timeout_ms */
	pthread_mutex_t mu;	    /* the log limiter, start_msg */
	uint64_t log_window_ms;
	unsigned log_n;
	uint64_t log_suppressed;
	bool starting;	     /* libmicrohttpd's messages go to start_msg */
	char start_msg[512]; /* its messages while starting */
};

/* ---- libmicrohttpd's messages ---------------------------------------------- */

/* Whether to log a line now (w->mu held); *ret_suppressed: lines not logged
 * since the last one. */
static bool log_allowed(struct sk_websrv *w, uint64_t *ret_suppressed)
{
	uint64_t now = sk_mono_ms();
	if (w->log_n == 0 || now - w->log_window_ms >= LOG_WINDOW_MS) {
		w->log_window_ms = now;
		w->log_n = 0;
	}
	if (w->log_n >= LOG_BURST) {
		w->log_suppressed++;
		return false;
	}
	w->log_n++;
	*ret_suppressed = w->log_suppressed;
	w->log_suppressed = 0;
	return true;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct sk_websrv *w = cls;
	char msg[256];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == '.')) {
		msg[--n] = '\0';
	}
	uint64_t suppressed = 0;
	bool say = false;
	pthread_mutex_lock(&w->mu);
	if (w->starting) {
		size_t len = strlen(w->start_msg);
		snprintf(w->start_msg + len, sizeof(w->start_msg) - len, "%s%s", len ? "; " : "",
			 msg);
	} else {
		say = log_allowed(w, &suppressed);
	}
	pthread_mutex_unlock(&w->mu);
	if (say && suppressed > 0) {
		SK_INFO("webserver: %s (%" PRIu64 " more lines not logged)", msg, suppressed);
	} else if (say) {
		SK_INFO("webserver: %s", msg);
	}
}

/* ---- answers --------------------------------------------------------------- */

/* Queue a reply that owns `body` (malloc'd, len bytes; freed here). */
static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, const char *content_type,
			     char *body, size_t len, const char *hname, const char *hval)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	enum MHD_Result ret = MHD_NO;
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type) == MHD_YES &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") == MHD_YES &&
	    (!hname || MHD_add_response_header(r, hname, hval) == MHD_YES)) {
		ret = MHD_queue_response(c, status, r);
	}
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer_text(struct MHD_Connection *c, unsigned status, const char *text,
				   const char *hname, const char *hval)
{
	char *body = strdup(text);
	if (!body) {
		return MHD_NO;
	}
	return queue(c, status, TEXT_PLAIN, body, strlen(body), hname, hval);
}

static enum MHD_Result answer_page(struct sk_websrv *w, struct MHD_Connection *c,
				   sk_websrv_page_fn page)
{
	struct sk_websrv_reply r = {.status = MHD_HTTP_OK, .content_type = NULL};
	sk_sbuf_init(&r.body);
	page(w->pages.arg, &r);
	if (r.body.oom) {
		sk_sbuf_free(&r.body);
		return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n", NULL,
				   NULL);
	}
	if (r.status < 100 || r.status > 599) {
		sk_sbuf_free(&r.body);
		return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "the page set an invalid HTTP status\n", NULL, NULL);
	}
	size_t len = r.body.len;
	char *body = sk_sbuf_take(&r.body);
	if (!body) {
		return MHD_NO;
	}
	return queue(c, (unsigned)r.status, r.content_type ? r.content_type : TEXT_PLAIN, body, len,
		     NULL, NULL);
}

static bool has_body(struct MHD_Connection *c)
{
	const char *cl =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	return te != NULL || (cl != NULL && strspn(cl, " 0") != strlen(cl));
}

static sk_websrv_page_fn find_page(const struct sk_websrv *w, const char *url)
{
	if (strcmp(url, w->healthz_path) == 0) {
		return w->pages.healthz;
	}
	if (strcmp(url, "/versions") == 0) {
		return w->pages.versions;
	}
	if (strcmp(url, "/metrics") == 0 && w->metrics_enabled) {
		return w->pages.metrics;
	}
	return NULL;
}

/* The first call, when the headers are in, refuses what needs refusing
 * (libmicrohttpd then closes the connection: a body is never read); the
 * second, the request being complete, answers and keeps the connection. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	static int headers_seen;
	struct sk_websrv *w = cls;
	if (*req_cls == NULL) {
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
			return answer_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
					   "method not allowed: use GET or HEAD\n",
					   MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		}
		if (has_body(c)) {
			return answer_text(c, MHD_HTTP_CONTENT_TOO_LARGE,
					   "request bodies are not accepted\n", NULL, NULL);
		}
		*req_cls = &headers_seen;
		return MHD_YES;
	}
	sk_websrv_page_fn page = find_page(w, url);
	if (!page) {
		return answer_text(c, MHD_HTTP_NOT_FOUND, w->not_found, NULL, NULL);
	}
	return answer_page(w, c, page);
}

/* ---- the watchdog (common/connguard.c) ------------------------------------ */

/* A request is done: the next one on this connection gets its own time. */
static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct sk_websrv *w = cls;
	sk_connguard_request_done(w->guard, c);
}

/* The watchdog closed n connections (its thread). */
static void on_cut(void *arg, unsigned n)
{
	struct sk_websrv *w = arg;
	uint64_t suppressed = 0;
	pthread_mutex_lock(&w->mu);
	bool log = log_allowed(w, &suppressed);
	pthread_mutex_unlock(&w->mu);
	if (log) {
		SK_INFO("webserver: closed %u connection(s) whose request took longer than "
			"webserver.connection_timeout (%" PRIu64 "s)",
			n, w->timeout_ms / 1000);
	}
}

/* ---- the PEM file ---------------------------------------------------------- */

static int read_pem_file(const char *path, struct sk_sbuf *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		int e = errno;
		snprintf(err, errlen,
			 "webserver.ssl_certificate: cannot open '%s': %s (it must be one PEM "
			 "file holding the private key and the certificate; or set "
			 "webserver.ssl_enabled: false)",
			 path, strerror(e));
		return -e;
	}
	char buf[4096];
	size_t r;
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0 && out->len <= PEM_MAX_BYTES) {
		sk_sbuf_add(out, buf, r);
	}
	int rc = 0;
	if (ferror(f)) {
		snprintf(err, errlen, "webserver.ssl_certificate: cannot read '%s': %s", path,
			 strerror(errno));
		rc = -EIO;
	} else if (out->len > PEM_MAX_BYTES) {
		snprintf(err, errlen,
			 "webserver.ssl_certificate: '%s' is larger than 1 MiB: not a PEM file "
			 "with a key and a certificate",
			 path);
		rc = -EINVAL;
	} else if (out->oom || sk_sbuf_add(out, "", 0) < 0) {
		snprintf(err, errlen, "webserver.ssl_certificate: '%s': out of memory", path);
		rc = -ENOMEM;
	}
	fclose(f);
	return rc;
}

/* The next "-----BEGIN <label>-----" block at or after *pos: its label in
 * `label`, its whole text (BEGIN to END line) as [*ret_start, *ret_end).
 * Returns 1 found, 0 no more blocks, -EINVAL a block without its END line. */
static int next_pem_block(const char *text, size_t *pos, char *label, size_t labellen,
			  const char **ret_start, const char **ret_end)
{
	static const char begin[] = "-----BEGIN ";
	const char *s = strstr(text + *pos, begin);
	if (!s) {
		return 0;
	}
	const char *l = s + strlen(begin);
	const char *le = strstr(l, "-----");
	size_t n = le ? (size_t)(le - l) : 0;
	if (!le || n == 0 || n >= labellen || memchr(l, '\n', n)) {
		snprintf(label, labellen, "?");
		return -EINVAL;
	}
	memcpy(label, l, n);
	label[n] = '\0';
	char end[96];
	snprintf(end, sizeof(end), "-----END %s-----", label);
	const char *e = strstr(le, end);
	if (!e) {
		return -EINVAL;
	}
	e += strlen(end);
	*ret_start = s;
	*ret_end = e;
	*pos = (size_t)(e - text);
	return 1;
}

static bool is_key_label(const char *label)
{
	size_t n = strlen(label);
	return n >= strlen("PRIVATE KEY") &&
	       strcmp(label + n - strlen("PRIVATE KEY"), "PRIVATE KEY") == 0;
}

/* Split the PEM text into the private key and the certificates (in their
 * order: the server's first, then its chain). */
static int split_pem(const char *path, const char *text, struct sk_sbuf *key, struct sk_sbuf *cert,
		     char *err, size_t errlen)
{
	size_t pos = 0;
	char label[64];
	const char *s, *e;
	int found;
	while ((found = next_pem_block(text, &pos, label, sizeof(label), &s, &e)) > 0) {
		if (strcmp(label, "CERTIFICATE") == 0) {
			sk_sbuf_add(cert, s, (size_t)(e - s));
			sk_sbuf_adds(cert, "\n");
		} else if (is_key_label(label) && memmem(s, (size_t)(e - s), "ENCRYPTED", 9)) {
			snprintf(err, errlen,
				 "webserver.ssl_certificate: the private key in '%s' is encrypted; "
				 "store it unencrypted (openssl pkey -in KEY -out KEY.plain)",
				 path);
			return -EINVAL;
		} else if (is_key_label(label)) {
			if (key->len > 0) {
				snprintf(err, errlen,
					 "webserver.ssl_certificate: '%s' holds more than one "
					 "private key; keep only the certificate's",
					 path);
				return -EINVAL;
			}
			sk_sbuf_add(key, s, (size_t)(e - s));
			sk_sbuf_adds(key, "\n");
		}
	}
	if (found < 0) {
		snprintf(err, errlen,
			 "webserver.ssl_certificate: '%s': a -----BEGIN %s----- block is not "
			 "closed by its END line; the file is cut short or not PEM",
			 path, label);
		return -EINVAL;
	}
	const char *missing = NULL;
	if (key->len == 0) {
		missing = "no private key (a -----BEGIN PRIVATE KEY----- block)";
	} else if (cert->len == 0) {
		missing = "no certificate (a -----BEGIN CERTIFICATE----- block)";
	}
	if (missing) {
		snprintf(err, errlen,
			 "webserver.ssl_certificate: '%s' holds %s; put the private key and the "
			 "certificate in this one file (e.g. cat server.key server.crt > %s)",
			 path, missing, path);
		return -EINVAL;
	}
	if (key->oom || cert->oom) {
		snprintf(err, errlen, "webserver.ssl_certificate: '%s': out of memory", path);
		return -ENOMEM;
	}
	return 0;
}

static int load_tls(struct sk_websrv *w, const char *path, char *err, size_t errlen)
{
	struct sk_sbuf text = {0}, key = {0}, cert = {0};
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, errlen,
			 "webserver.ssl_enabled: this libmicrohttpd was built without TLS; "
			 "install one with TLS (Debian's has it) or set webserver.ssl_enabled: "
			 "false");
		return -ENOTSUP;
	}
	if (!path || !*path) {
		snprintf(err, errlen,
			 "webserver.ssl_certificate: empty; name the PEM file holding the "
			 "private key and the certificate");
		return -EINVAL;
	}
	int rc = read_pem_file(path, &text, err, errlen);
	if (rc == 0) {
		rc = split_pem(path, text.p, &key, &cert, err, errlen);
	}
	if (rc == 0) {
		w->tls_key = sk_sbuf_take(&key);
		w->tls_cert = sk_sbuf_take(&cert);
	}
	if (text.p) {
		explicit_bzero(text.p, text.cap);
	}
	if (key.p) {
		explicit_bzero(key.p, key.cap);
	}
	sk_sbuf_free(&text);
	sk_sbuf_free(&key);
	sk_sbuf_free(&cert);
	return rc;
}

/* ---- the address ----------------------------------------------------------- */

/* addr as a socket address with port; false when it is not a literal. */
static bool fill_addr(const char *addr, unsigned port, struct sockaddr_storage *ss,
		      socklen_t *ret_len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof(*ss));
	if (addr && inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*ret_len = sizeof(*in4);
		return true;
	}
	if (addr && inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*ret_len = sizeof(*in6);
		return true;
	}
	return false;
}

bool sk_websrv_is_address(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	return fill_addr(addr, 0, &ss, &len);
}

/* The address and port as a socket address; *ret_any6: the address is "::". */
static int parse_addr(const char *addr, unsigned port, struct sockaddr_storage *ss,
		      socklen_t *ret_len, bool *ret_any6, char *err, size_t errlen)
{
	if (port > 65535) {
		snprintf(err, errlen, "webserver.listen_port: %u is out of range (0..65535)", port);
		return -EINVAL;
	}
	if (!fill_addr(addr, port, ss, ret_len)) {
		snprintf(err, errlen,
			 "webserver.listen_address: '%s' is not an IPv4 or IPv6 address; write "
			 "one (" SK_WEBSRV_ADDRESS_HINT ")",
			 addr ? addr : "");
		return -EINVAL;
	}
	*ret_any6 = ss->ss_family == AF_INET6 &&
		    IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)ss)->sin6_addr);
	return 0;
}

static void bind_error(const char *addr, unsigned port, int e, char *err, size_t errlen)
{
	if (e == EADDRINUSE) {
		snprintf(err, errlen,
			 "webserver.listen_port: port %u on %s is already in use (another "
			 "program, or another Shrike); stop it or choose another "
			 "webserver.listen_port",
			 port, addr);
	} else if (e == EACCES) {
		snprintf(err, errlen,
			 "webserver.listen_port: port %u needs privileges (ports below 1024 need "
			 "root or CAP_NET_BIND_SERVICE); choose a port from 1024 up",
			 port);
	} else if (e == EADDRNOTAVAIL) {
		snprintf(err, errlen,
			 "webserver.listen_address: %s is not an address of this host; use one "
			 "of its addresses, or 0.0.0.0 or :: for all of them",
			 addr);
	} else if (e == EAFNOSUPPORT) {
		snprintf(err, errlen,
			 "webserver.listen_address: %s: this host has no IPv6; use an IPv4 "
			 "address such as 0.0.0.0",
			 addr);
	} else {
		snprintf(err, errlen,
			 "webserver.listen_address, webserver.listen_port: cannot listen on %s "
			 "port %u: %s",
			 addr, port, strerror(e));
	}
}

/* Bind a socket of our own as libmicrohttpd will (SO_REUSEADDR; "::" takes
 * IPv4 too), so a taken port or a foreign address gets a precise message. */
static int check_bind(const char *addr, const struct sockaddr_storage *ss, socklen_t len, bool any6,
		      unsigned port, char *err, size_t errlen)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int e = fd < 0 ? errno : 0;
	if (fd >= 0) {
		int on = 1, off = 0;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (any6) {
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
		}
		if (bind(fd, (const struct sockaddr *)ss, len) < 0) {
			e = errno;
		}
		close(fd);
	}
	if (e) {
		bind_error(addr, port, e, err, errlen);
		return -e;
	}
	return 0;
}

/* ---- start and stop -------------------------------------------------------- */

const char *sk_websrv_path_problem(const char *path)
{
	if (!path || path[0] != '/') {
		return "must start with /";
	}
	if (strcmp(path, "/versions") == 0 || strcmp(path, "/metrics") == 0) {
		return "is the path of another page";
	}
	for (const char *p = path; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == '?' || *p == '#' || *p == 0x7f) {
			return "may not hold spaces, control characters, ? or #";
		}
	}
	return NULL;
}

static int set_pages(struct sk_websrv *w, const struct sk_websrv_conf *conf,
		     const struct sk_websrv_pages *pages, char *err, size_t errlen)
{
	const char *hz = conf->healthz_path ? conf->healthz_path : "/healthz";
	const char *problem = sk_websrv_path_problem(hz);
	if (problem) {
		snprintf(err, errlen, "webserver.k8s_healthz_endpoint: '%s' %s (e.g. /healthz)", hz,
			 problem);
		return -EINVAL;
	}
	w->pages = *pages;
	w->metrics_enabled = conf->prometheus_metrics_enabled;
	w->healthz_path = strdup(hz);
	struct sk_sbuf nf = {0};
	sk_sbuf_printf(&nf, "not found; the pages are %s, /versions%s\n", hz,
		       w->metrics_enabled ? ", /metrics" : "");
	w->not_found = sk_sbuf_take(&nf);
	if (!w->healthz_path || !w->not_found) {
		snprintf(err, errlen, "webserver: out of memory");
		return -ENOMEM;
	}
	return 0;
}

static unsigned pool_size(unsigned threadiness)
{
	if (threadiness > 0) {
		return threadiness;
	}
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static int start_mhd(struct sk_websrv *w, const struct sk_websrv_conf *conf,
		     const struct sockaddr_storage *ss, bool any6, char *err, size_t errlen)
{
	unsigned limit =
	    conf->connection_limit ? conf->connection_limit : SK_WEBSRV_DEFAULT_CONNECTION_LIMIT;
	unsigned per_ip = conf->per_ip_connection_limit ? conf->per_ip_connection_limit
							: (limit / 4 ? limit / 4 : 1);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (ss->ss_family == AF_INET6) {
		flags |= any6 ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	}
	if (w->tls_key) {
		flags |= MHD_USE_TLS;
	}
	struct MHD_OptionItem opts[] = {
	    {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, w},
	    {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)sk_connguard_on_connection, w->guard},
	    {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, w},
	    {MHD_OPTION_SOCK_ADDR, 0, (void *)ss},
	    {MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)pool_size(conf->threadiness), NULL},
	    {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)limit, NULL},
	    {MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)per_ip, NULL},
	    {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)(w->timeout_ms / 1000), NULL},
	    {MHD_OPTION_CONNECTION_MEMORY_LIMIT, SK_WEBSRV_CONNECTION_MEMORY, NULL},
	    {MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL},
	    /* without TLS the list ends here */
	    {w->tls_key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, w->tls_key},
	    {MHD_OPTION_HTTPS_MEM_CERT, 0, w->tls_cert},
	    {MHD_OPTION_END, 0, NULL},
	};
	w->starting = true;
	w->mhd = MHD_start_daemon(flags, (uint16_t)conf->listen_port, NULL, NULL, on_request, w,
				  MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	pthread_mutex_lock(&w->mu);
	w->starting = false;
	pthread_mutex_unlock(&w->mu);
	if (w->mhd) {
		return 0;
	}
	const char *why = w->start_msg[0] ? w->start_msg : "libmicrohttpd refused to start";
	if (w->tls_key) {
		snprintf(err, errlen,
			 "webserver.ssl_certificate: '%s': cannot serve HTTPS with its key and "
			 "certificate: %s (do they belong together?)",
			 conf->ssl_certificate, why);
		return -EINVAL;
	}
	snprintf(err, errlen, "webserver: cannot start on %s port %u: %s", conf->listen_address,
		 conf->listen_port, why);
	return -EIO;
}

int sk_websrv_start(const struct sk_websrv_conf *conf, const struct sk_websrv_pages *pages,
		    struct sk_websrv **ret, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	bool any6 = false;
	sigset_t all, old;
	struct sk_websrv *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "webserver: out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&w->mu, NULL);
	unsigned timeout_s =
	    conf->connection_timeout_s ? conf->connection_timeout_s : SK_WEBSRV_DEFAULT_TIMEOUT_S;
	w->timeout_ms = (uint64_t)timeout_s * 1000;

	int rc = set_pages(w, conf, pages, err, errlen);
	if (rc == 0) {
		rc = parse_addr(conf->listen_address, conf->listen_port, &ss, &sslen, &any6, err,
				errlen);
	}
	if (rc == 0 && conf->ssl_enabled) {
		rc = load_tls(w, conf->ssl_certificate, err, errlen);
	}
	if (rc == 0) {
		rc = check_bind(conf->listen_address, &ss, sslen, any6, conf->listen_port, err,
				errlen);
	}
	if (rc < 0) {
		goto out;
	}
	/* The server's threads take no signals: they belong to the event loop. */
	sigfillset(&all);
	sigdelset(&all, SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX); /* privs.c */
	pthread_sigmask(SIG_BLOCK, &all, &old);
	w->guard = sk_connguard_start(w->timeout_ms, "sk-websrv-wd", on_cut, w);
	if (w->guard == NULL) {
		rc = -errno;
		snprintf(err, errlen, "webserver: cannot start its watchdog thread: %s",
			 strerror(errno));
	}
	if (rc == 0) {
		rc = start_mhd(w, conf, &ss, any6, err, errlen);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0) {
		goto out;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(w->mhd, MHD_DAEMON_INFO_BIND_PORT);
	w->port = di ? di->port : conf->listen_port;
	bool v6 = ss.ss_family == AF_INET6;
	SK_NOTICE("webserver listening on %s://%s%s%s:%u (%s, /versions%s)",
		  w->tls_key ? "https" : "http", v6 ? "[" : "", conf->listen_address, v6 ? "]" : "",
		  w->port, w->healthz_path, w->metrics_enabled ? ", /metrics" : "");
out:
	if (rc < 0) {
		sk_websrv_stop(w);
		return rc;
	}
	*ret = w;
	return 0;
}

unsigned sk_websrv_port(const struct sk_websrv *w)
{
	return w->port;
}

void sk_websrv_stop(struct sk_websrv *w)
{
	if (!w) {
		return;
	}
	if (w->mhd) {
		MHD_stop_daemon(w->mhd); /* joins the pool; every connection closed */
	}
	sk_connguard_stop(w->guard);
	pthread_mutex_destroy(&w->mu);
	if (w->tls_key) {
		explicit_bzero(w->tls_key, strlen(w->tls_key));
	}
	free(w->tls_key);
	free(w->tls_cert);
	free(w->healthz_path);
	free(w->not_found);
	free(w);
}
