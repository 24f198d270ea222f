/* core/websrv.h - the daemon's small web server (libmicrohttpd): the
 * Kubernetes health page, /versions and, when enabled, /metrics, over HTTP
 * or HTTPS. It knows nothing about what the pages say: the daemon fills
 * them through callbacks.
 *
 * Only GET and HEAD are served (any other method: 405 with an Allow header,
 * on every path), an unknown path is 404, a request with a body is refused
 * (413). Requests are served by a fixed pool of threads (epoll; never a
 * thread per connection) plus one watchdog thread, with a limit on open
 * connections, a limit per client address, a per-connection memory limit
 * (oversized request lines and headers are refused), and a timeout that
 * closes a connection idle for connection_timeout_s and one whose request
 * (read, answer, write) takes longer than that, so slow clients cannot hold
 * a connection by trickling bytes. Every reply carries `Cache-Control:
 * no-store`.
 */
#ifndef SK_CORE_WEBSRV_H
#define SK_CORE_WEBSRV_H

#include <stdbool.h>
#include <stddef.h>

#include "common/sbuf.h"

/* Defaults for the members of struct sk_websrv_conf left at 0. */
#define SK_WEBSRV_DEFAULT_CONNECTION_LIMIT 64
#define SK_WEBSRV_DEFAULT_TIMEOUT_S	   10
/* Memory libmicrohttpd may use per connection for the request line, the
 * headers and the reply's headers; a request that does not fit is refused
 * (414 or 431). */
#define SK_WEBSRV_CONNECTION_MEMORY (16 * 1024)

struct sk_websrv;

/* What a page answers. */
struct sk_websrv_reply {
	int status;		  /* HTTP status, 200 unless the page says otherwise */
	const char *content_type; /* static string; "text/plain; charset=utf-8" unless set */
	struct sk_sbuf body;	  /* initialised by the server, filled by the page; a body
				   * that ran out of memory (body.oom) is answered 500 */
};

/* A page: called from a server thread, possibly from several at once (the
 * callee synchronises). For HEAD too: the server sends the headers only. */
typedef void (*sk_websrv_page_fn)(void *arg, struct sk_websrv_reply *r);

/* The pages; a NULL page is 404. Borrowed by sk_websrv_start: must stay valid
 * until sk_websrv_stop returns. */
struct sk_websrv_pages {
	sk_websrv_page_fn healthz;  /* at conf->healthz_path */
	sk_websrv_page_fn versions; /* /versions */
	sk_websrv_page_fn metrics;  /* /metrics, only when conf->prometheus_metrics_enabled */
	void *arg;
};

struct sk_websrv_conf {
	const char *listen_address; /* IPv4 or IPv6 literal; "0.0.0.0", "::", "127.0.0.1" ...
				     * "::" takes IPv4 clients too */
	unsigned listen_port;	    /* 0: an ephemeral port (tests) */
	unsigned threadiness;	    /* threads serving requests; 0: one per online CPU */
	const char *healthz_path;   /* "/healthz"; NULL: "/healthz" */
	bool prometheus_metrics_enabled;
	bool ssl_enabled;
	const char *ssl_certificate;	  /* PEM file holding the private key and the certificate
					   * (and any intermediate certificates after it) */
	unsigned connection_limit;	  /* at most this many open connections; 0: the default */
	unsigned connection_timeout_s;	  /* an idle or slow connection is closed after this;
					   * 0: the default */
	unsigned per_ip_connection_limit; /* at most this many from one client address;
					   * 0: a quarter of connection_limit, at least 1 */
};

/* The checks sk_websrv_start makes on the address and the health path, for
 * the configuration to make them early, with positions. */

/* sk_websrv_is_address - whether addr is an IPv4 or IPv6 literal (no host
 * names: the server binds before name resolution could be trusted). */
bool sk_websrv_is_address(const char *addr);
#define SK_WEBSRV_ADDRESS_HINT "0.0.0.0 or :: for every address, 127.0.0.1 for this host only"

/* sk_websrv_path_problem - what is wrong with `path` as the health page's
 * path ("must start with /", ...), NULL when nothing. */
const char *sk_websrv_path_problem(const char *path);

/* sk_websrv_start - check conf, bind and start serving `pages`.
 *
 * conf and the strings in it are read during the call only; pages is
 * borrowed until sk_websrv_stop. Signals are blocked in the server's
 * threads. Returns 0 and the server in *ret, or -errno with one line for
 * people in err naming the key to change (webserver.listen_address,
 * webserver.listen_port, webserver.ssl_certificate ...): -EINVAL a bad
 * address or path, -EADDRINUSE the port is taken, -EACCES a privileged
 * port, -ENOENT/-EACCES/-EIO the certificate file cannot be read, -EINVAL a
 * PEM file without a key or certificate, -ENOTSUP libmicrohttpd without
 * TLS, -ENOMEM. Logs one line with the address it listens on. */
int sk_websrv_start(const struct sk_websrv_conf *conf, const struct sk_websrv_pages *pages,
		    struct sk_websrv **ret, char *err, size_t errlen);

/* sk_websrv_port - the port the server is bound to (the ephemeral one when
 * listen_port was 0). */
unsigned sk_websrv_port(const struct sk_websrv *w);

/* sk_websrv_stop - close every connection, join every thread and free w.
 * NULL ok. No page is called after it returns. */
void sk_websrv_stop(struct sk_websrv *w);

#endif /* SK_CORE_WEBSRV_H */
