/* core/websrv_test.c - unit tests for core/websrv.c against real clients:
 * the curl program, raw sockets and, for HTTPS, a key and certificate made
 * by the openssl program. Pages, methods, statuses, headers, refused and
 * malformed requests, slow and idle clients with the thread count watched,
 * TLS and its errors, address and port errors.
 *
 * Slow clients: every test connection comes from 127.0.0.1 unless a test
 * picks another loopback address (all of 127.0.0.0/8 is local on Linux), so
 * the per-address limit can be told apart from the global one.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/clock.h"
#include "log.h"
#include "websrv.h"

#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

static char err[1024];
static char tmpdir[64]; /* the TLS files, made once */

/* ---- pages ----------------------------------------------------------------- */

static atomic_uint n_healthz, n_versions, n_metrics;

static void page_healthz(void *arg, struct sk_websrv_reply *r)
{
	atomic_fetch_add(&n_healthz, 1);
	sk_sbuf_adds(&r->body, "ok\n");
}

static void page_versions(void *arg, struct sk_websrv_reply *r)
{
	atomic_fetch_add(&n_versions, 1);
	r->content_type = "application/json";
	sk_sbuf_printf(&r->body, "{\"shrike_version\":\"%s\"}\n", (const char *)arg);
}

static void page_metrics(void *arg, struct sk_websrv_reply *r)
{
	atomic_fetch_add(&n_metrics, 1);
	r->content_type = METRICS_TYPE;
	sk_sbuf_adds(&r->body, "# TYPE shrike_up gauge\nshrike_up 1\n");
}

static void page_unhealthy(void *arg, struct sk_websrv_reply *r)
{
	r->status = 503;
	sk_sbuf_adds(&r->body, "engine stopped\n");
}

static const struct sk_websrv_pages pages = {
    .healthz = page_healthz,
    .versions = page_versions,
    .metrics = page_metrics,
    .arg = "1.2.3",
};

/* The test servers' settings: this host only, an ephemeral port, two
 * threads, small limits. */
static struct sk_websrv_conf base_conf(void)
{
	return (struct sk_websrv_conf){
	    .listen_address = "127.0.0.1",
	    .listen_port = 0,
	    .threadiness = 2,
	    .healthz_path = "/healthz",
	    .prometheus_metrics_enabled = true,
	    .connection_limit = 8,
	    .connection_timeout_s = 5,
	};
}

static struct sk_websrv *start_ok(const struct sk_websrv_conf *conf)
{
	struct sk_websrv *w = NULL;
	err[0] = '\0';
	int rc = sk_websrv_start(conf, &pages, &w, err, sizeof(err));
	if (rc != 0) {
		print_error("sk_websrv_start: %s\n", err);
	}
	assert_int_equal(rc, 0);
	assert_non_null(w);
	assert_int_not_equal(sk_websrv_port(w), 0);
	return w;
}

/* Start must fail with rc and an error containing every string given. */
static void start_fails(const struct sk_websrv_conf *conf, int rc, ...)
{
	struct sk_websrv *w = (struct sk_websrv *)&w; /* must stay untouched */
	err[0] = '\0';
	assert_int_equal(sk_websrv_start(conf, &pages, &w, err, sizeof(err)), rc);
	assert_ptr_equal(w, (struct sk_websrv *)&w);
	va_list ap;
	va_start(ap, rc);
	for (const char *want; (want = va_arg(ap, const char *)) != NULL;) {
		if (!strstr(err, want)) {
			fail_msg("error '%s' lacks '%s'", err, want);
		}
	}
	va_end(ap);
}

/* ---- tools ----------------------------------------------------------------- */

/* A program the test drives must be there; outside CI its absence skips,
 * in CI (CI=true) it fails: CI installs it (scripts/install-deps.sh). */
static void need(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	if (system(cmd) == 0) {
		return;
	}
	const char *ci = getenv("CI");
	if (ci && strcmp(ci, "true") == 0) {
		fail_msg("%s is not installed (scripts/install-deps.sh --test installs it)", tool);
	}
	print_message("# %s is not installed: skipped\n", tool);
	skip();
}

static unsigned threads_now(void)
{
	DIR *d = opendir("/proc/self/task");
	assert_non_null(d);
	unsigned n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		n += e->d_name[0] != '.';
	}
	closedir(d);
	return n;
}

/* ---- curl ------------------------------------------------------------------ */

struct resp {
	int status; /* 0: no answer */
	char head[4096];
	char body[4096];
	char errors[512]; /* curl's stderr */
	double secs;	  /* how long curl took */
};

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	buf[0] = '\0';
	if (f) {
		buf[fread(buf, 1, len - 1, f)] = '\0';
		fclose(f);
	}
	unlink(path);
}

/* Run curl with `args` (shell words) on https/http://127.0.0.1:PORT + path,
 * headers and body in r. Returns curl's exit status. */
static int curl(unsigned port, const char *args, const char *path, struct resp *r)
{
	char cmd[1024], hfile[128], bfile[128], efile[128];
	memset(r, 0, sizeof(*r));
	snprintf(hfile, sizeof(hfile), "%s/h.%d", tmpdir, (int)getpid());
	snprintf(bfile, sizeof(bfile), "%s/b.%d", tmpdir, (int)getpid());
	snprintf(efile, sizeof(efile), "%s/e.%d", tmpdir, (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "curl -sS --max-time 5 -D %s -o %s -w '%%{http_code} %%{time_total}' %s "
		 "'%s://127.0.0.1:%u%s' 2>%s",
		 hfile, bfile, args, strstr(args, "--cacert") ? "https" : "http", port, path,
		 efile);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char out[64] = "";
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	sscanf(out, "%d %lf", &r->status, &r->secs);
	slurp(hfile, r->head, sizeof(r->head));
	slurp(bfile, r->body, sizeof(r->body));
	slurp(efile, r->errors, sizeof(r->errors));
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The value of header `name` in r->head ("" when absent). */
static const char *header(const struct resp *r, const char *name)
{
	static char val[256];
	size_t n = strlen(name);
	val[0] = '\0';
	for (const char *l = r->head; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncasecmp(l, name, n) == 0 && l[n] == ':') {
			const char *v = l + n + 1;
			v += strspn(v, " ");
			size_t len = strcspn(v, "\r\n");
			snprintf(val, sizeof(val), "%.*s", (int)len, v);
			break;
		}
	}
	return val;
}

static void get(unsigned port, const char *args, const char *path, int status, const char *type,
		const char *body)
{
	struct resp r;
	int rc = curl(port, args, path, &r);
	if (rc != 0 || r.status != status) {
		fail_msg("curl %s %s: exit %d, status %d (want %d)\n%s%s%s", args, path, rc,
			 r.status, status, r.errors, r.head, r.body);
	}
	assert_string_equal(header(&r, "Content-Type"), type);
	assert_string_equal(header(&r, "Cache-Control"), "no-store");
	if (body) {
		assert_string_equal(r.body, body);
	}
}

/* ---- raw sockets ----------------------------------------------------------- */

/* A TCP connection from `src` (a loopback address, NULL: any) to
 * 127.0.0.1:port. */
static int tcp_connect(const char *src, unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	if (src) {
		assert_int_equal(inet_pton(AF_INET, src, &a.sin_addr), 1);
		assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	}
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Read until the peer closes or timeout_ms pass; returns the bytes read
 * (NUL-terminated in buf), *ret_closed whether the peer closed. */
static size_t read_until_closed(int fd, char *buf, size_t len, int timeout_ms, bool *ret_closed)
{
	size_t got = 0;
	uint64_t end = sk_mono_ms() + (uint64_t)timeout_ms;
	*ret_closed = false;
	for (uint64_t now; (now = sk_mono_ms()) < end;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, (int)(end - now)) <= 0) {
			break;
		}
		ssize_t n = recv(fd, buf + got, len - 1 - got, 0);
		if (n <= 0) {
			*ret_closed = true;
			break;
		}
		got += (size_t)n;
		if (got == len - 1) {
			break;
		}
	}
	buf[got] = '\0';
	return got;
}

/* Send `req` on a new connection and return the status of the answer (0:
 * none), the answer in buf. */
static int raw_request(unsigned port, const char *req, size_t reqlen, char *buf, size_t len)
{
	int fd = tcp_connect(NULL, port);
	ssize_t n = send(fd, req, reqlen, MSG_NOSIGNAL);
	assert_true(n > 0);
	bool closed;
	read_until_closed(fd, buf, len, 3000, &closed);
	close(fd);
	int status = 0;
	sscanf(buf, "HTTP/1.%*d %d", &status);
	return status;
}

/* Milliseconds until the peer closes fd (-1: still open after timeout_ms). */
static int ms_until_closed(int fd, int timeout_ms)
{
	char buf[512];
	bool closed;
	uint64_t t0 = sk_mono_ms();
	read_until_closed(fd, buf, sizeof(buf), timeout_ms, &closed);
	return closed ? (int)(sk_mono_ms() - t0) : -1;
}

/* ---- the pages ------------------------------------------------------------- */

static void test_pages(void **state)
{
	need("curl");
	struct sk_websrv_conf conf = base_conf();
	struct sk_websrv *w = start_ok(&conf);
	unsigned port = sk_websrv_port(w);
	atomic_store(&n_healthz, 0);
	atomic_store(&n_versions, 0);
	atomic_store(&n_metrics, 0);

	get(port, "", "/healthz", 200, "text/plain; charset=utf-8", "ok\n");
	get(port, "", "/versions", 200, "application/json", "{\"shrike_version\":\"1.2.3\"}\n");
	get(port, "", "/metrics", 200, METRICS_TYPE, "# TYPE shrike_up gauge\nshrike_up 1\n");
	/* a query string does not change the page */
	get(port, "", "/healthz?verbose=1", 200, "text/plain; charset=utf-8", "ok\n");
	assert_int_equal(atomic_load(&n_healthz), 2);
	assert_int_equal(atomic_load(&n_versions), 1);
	assert_int_equal(atomic_load(&n_metrics), 1);
	sk_websrv_stop(w);

	/* another health path; the page sets its own status */
	conf.healthz_path = "/live";
	struct sk_websrv_pages sick = pages;
	sick.healthz = page_unhealthy;
	w = NULL;
	assert_int_equal(sk_websrv_start(&conf, &sick, &w, err, sizeof(err)), 0);
	get(sk_websrv_port(w), "", "/live", 503, "text/plain; charset=utf-8", "engine stopped\n");
	get(sk_websrv_port(w), "", "/healthz", 404, "text/plain; charset=utf-8",
	    "not found; the pages are /live, /versions, /metrics\n");
	sk_websrv_stop(w);
}

static void test_head(void **state)
{
	need("curl");
	struct sk_websrv_conf conf = base_conf();
	struct sk_websrv *w = start_ok(&conf);
	atomic_store(&n_healthz, 0);
	struct resp r;
	assert_int_equal(curl(sk_websrv_port(w), "-I", "/healthz", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(header(&r, "Content-Length"), "3"); /* as GET's */
	assert_string_equal(header(&r, "Content-Type"), "text/plain; charset=utf-8");
	assert_string_equal(header(&r, "Cache-Control"), "no-store");
	assert_int_equal(atomic_load(&n_healthz), 1);
	/* no body on the wire */
	char buf[1024];
	const char *req = "HEAD /versions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(raw_request(sk_websrv_port(w), req, strlen(req), buf, sizeof(buf)), 200);
	assert_non_null(strstr(buf, "\r\nContent-Type: application/json\r\n"));
	const char *end = strstr(buf, "\r\n\r\n");
	assert_non_null(end);
	assert_string_equal(end, "\r\n\r\n");
	sk_websrv_stop(w);
}

static void test_methods(void **state)
{
	need("curl");
	struct sk_websrv_conf conf = base_conf();
	struct sk_websrv *w = start_ok(&conf);
	unsigned port = sk_websrv_port(w);
	atomic_store(&n_healthz, 0);
	static const char *const args[] = {"-X POST -d x=1", "-X PUT -d x", "-X DELETE",
					   "-X OPTIONS", "-X PATCH -d {}"};
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		struct resp r;
		assert_int_equal(curl(port, args[i], "/healthz", &r), 0);
		assert_int_equal(r.status, 405);
		assert_string_equal(header(&r, "Allow"), "GET, HEAD");
		assert_string_equal(header(&r, "Cache-Control"), "no-store");
		assert_string_equal(r.body, "method not allowed: use GET or HEAD\n");
	}
	/* a POST to an unknown path is refused for its method too */
	struct resp r;
	assert_int_equal(curl(port, "-X POST -d x", "/nope", &r), 0);
	assert_int_equal(r.status, 405);
	assert_int_equal(atomic_load(&n_healthz), 0); /* no page was asked */
	sk_websrv_stop(w);
}

static void test_not_found(void **state)
{
	need("curl");
	struct sk_websrv_conf conf = base_conf();
	conf.prometheus_metrics_enabled = false;
	struct sk_websrv *w = start_ok(&conf);
	unsigned port = sk_websrv_port(w);
	atomic_store(&n_metrics, 0);
	const char *nf = "not found; the pages are /healthz, /versions\n";
	get(port, "", "/metrics", 404, "text/plain; charset=utf-8", nf);
	get(port, "", "/", 404, "text/plain; charset=utf-8", nf);
	get(port, "", "/healthz/", 404, "text/plain; charset=utf-8", nf);
	get(port, "", "/HEALTHZ", 404, "text/plain; charset=utf-8", nf);
	assert_int_equal(atomic_load(&n_metrics), 0);
	sk_websrv_stop(w);

	/* a page the daemon does not give is not found either */
	conf.prometheus_metrics_enabled = true;
	struct sk_websrv_pages few = {.healthz = page_healthz};
	assert_int_equal(sk_websrv_start(&conf, &few, &w, err, sizeof(err)), 0);
	get(sk_websrv_port(w), "", "/metrics", 404, "text/plain; charset=utf-8", NULL);
	get(sk_websrv_port(w), "", "/versions", 404, "text/plain; charset=utf-8", NULL);
	get(sk_websrv_port(w), "", "/healthz", 200, "text/plain; charset=utf-8", "ok\n");
	sk_websrv_stop(w);
}

/* ---- bad requests ---------------------------------------------------------- */

static void test_body_refused(void **state)
{
	struct sk_websrv_conf conf = base_conf();
	struct sk_websrv *w = start_ok(&conf);
	unsigned port = sk_websrv_port(w);
	char buf[2048];
	atomic_store(&n_healthz, 0);
	const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
	assert_int_equal(raw_request(port, req, strlen(req), buf, sizeof(buf)), 413);
	assert_non_null(strstr(buf, "request bodies are not accepted"));
	req = "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
	      "5\r\nhello\r\n0\r\n\r\n";
	assert_int_equal(raw_request(port, req, strlen(req), buf, sizeof(buf)), 413);
	/* an empty body is no body */
	req = "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	assert_int_equal(raw_request(port, req, strlen(req), buf, sizeof(buf)), 200);
	assert_int_equal(atomic_load(&n_healthz), 1);
	sk_websrv_stop(w);
}

static void test_malformed_requests(void **state)
{
	need("curl");
	struct sk_websrv_conf conf = base_conf();
	struct sk_websrv *w = start_ok(&conf);
	unsigned port = sk_websrv_port(w);
	char buf[4096];
	static const struct {
		const char *req;
		int status;
	} bad[] = {
	    {"GET /healthz HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400},
	    {"GET /healthz FOO/1.1\r\nHost: x\r\n\r\n", 400},
	    {"GET /healthz HTTP/1.x\r\nHost: x\r\n\r\n", 400},
	    {"GET /healthz\r\nHost: x\r\n\r\n", 400}, /* HTTP/0.9 */
	    {"GET /healthz HTTP/1.1\rHost: x\r\n\r\n", 400},
	    {"GET /healthz HTTP/7.0\r\nHost: x\r\n\r\n", 505},
	    {"GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400},
	    {"GET /healthz HTTP/1.1\r\nHost: x\r\n : folded\r\n\r\n", 400},
	    {"GET /healthz HTTP/1.1\r\n\r\n", 400}, /* HTTP/1.1 without Host */
	    /* no request line at all: libmicrohttpd closes without a word */
	    {"GARBAGE\r\n\r\n", 0},
	    {"GET\r\n\r\n", 0},
	    {" GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 0},
	    {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 0}, /* TLS, plain port */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int st = raw_request(port, bad[i].req, strlen(bad[i].req), buf, sizeof(buf));
		if (st != bad[i].status) {
			fail_msg("request %zu: status %d, want %d:\n%s", i, st, bad[i].status, buf);
		}
	}
	/* a request line and a header above the connection's memory */
	size_t big = SK_WEBSRV_CONNECTION_MEMORY + 4096;
	char *req = malloc(big + 128);
	assert_non_null(req);
	int n = snprintf(req, 128, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
	memset(req + n, 'a', big);
	memcpy(req + n + big, "\r\n\r\n", 5);
	int st = raw_request(port, req, strlen(req), buf, sizeof(buf));
	if (st != 431) {
		fail_msg("oversized header: status %d:\n%s", st, buf);
	}
	n = snprintf(req, 128, "GET /");
	memset(req + n, 'a', big);
	static const char tail[] = " HTTP/1.1\r\nHost: x\r\n\r\n";
	memcpy(req + n + big, tail, sizeof(tail));
	st = raw_request(port, req, strlen(req), buf, sizeof(buf));
	if (st != 414) {
		fail_msg("oversized request line: status %d:\n%s", st, buf);
	}
	free(req);
	/* and it still answers */
	get(port, "", "/healthz", 200, "text/plain; charset=utf-8", "ok\n");
	sk_websrv_stop(w);
}

/* ---- slow and idle clients ------------------------------------------------- */

/* Connections that send a request one byte at a time. */
struct trickle {
	int fd[32];
	size_t n, sent;
};

static const char trickle_req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaa";

static void trickle_open(struct trickle *t, size_t n, const char *src, unsigned port)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < n; i++) {
		t->fd[t->n++] = tcp_connect(src, port);
	}
}

/* One more byte on every connection; returns how many are still open. */
static size_t trickle_step(struct trickle *t)
{
	size_t open = 0;
	char c = trickle_req[t->sent++ % (sizeof(trickle_req) - 1)];
	for (size_t i = 0; i < t->n; i++) {
		char buf[512];
		struct pollfd p = {.fd = t->fd[i], .events = POLLIN};
		bool closed = poll(&p, 1, 0) > 0 && recv(t->fd[i], buf, sizeof(buf), 0) <= 0;
		if (!closed && send(t->fd[i], &c, 1, MSG_NOSIGNAL) == 1) {
			open++;
		}
	}
	return open;
}

static void trickle_close(struct trickle *t)
{
	for (size_t i = 0; i < t->n; i++) {
		close(t->fd[i]);
	}
}

/* Slowloris from one address: it gets its share of connections (a quarter
 * of the limit), no more threads, and other clients are served at once. */
static void test_slowloris(void **state)
{
	need("curl");
	struct sk_websrv_conf conf = base_conf();
	conf.connection_timeout_s = 30; /* nothing is cut during the test */
	unsigned before = threads_now();
	struct sk_websrv *w = start_ok(&conf);
	unsigned port = sk_websrv_port(w);
	unsigned running = threads_now();
	assert_int_equal(running, before + conf.threadiness + 1); /* the pool, the watchdog */

	struct trickle t;
	trickle_open(&t, 12, "127.0.0.1", port); /* more than the limit of 8 */
	size_t open = 0;
	for (int s = 0; s < 3; s++) {
		open = trickle_step(&t);
		struct resp r;
		assert_int_equal(curl(port, "--interface 127.0.0.2", "/healthz", &r), 0);
		assert_int_equal(r.status, 200);
		if (r.secs >= 2.0) {
			fail_msg("a normal client waited %.2fs beside %zu slow ones", r.secs, open);
		}
		assert_int_equal(threads_now(), running);
		sleep(1);
	}
	open = trickle_step(&t);
	assert_int_equal(open, 2); /* 8 / 4 per address; the others were closed */
	/* the slow address itself gets no more */
	int fd = tcp_connect("127.0.0.1", port);
	assert_true(ms_until_closed(fd, 2000) >= 0);
	close(fd);
	trickle_close(&t);
	sk_websrv_stop(w);
	assert_int_equal(threads_now(), before); /* every thread joined */
}

/* A client sending a byte every 200ms never idles, yet its connection is
 * closed after connection_timeout; slow clients from many addresses that
 * fill every connection are gone after it, so a normal client gets in. */
static void test_slow_clients_cut(void **state)
{
	need("curl");
	struct sk_websrv_conf conf = base_conf();
	conf.connection_timeout_s = 1;
	struct sk_websrv *w = start_ok(&conf);
	unsigned port = sk_websrv_port(w);
	struct trickle t[4];
	char src[INET_ADDRSTRLEN + 8];
	for (int i = 0; i < 4; i++) {
		snprintf(src, sizeof(src), "127.0.0.%d", 10 + i);
		trickle_open(&t[i], 2, src, port); /* 4 x 2: the limit of 8 */
	}
	uint64_t t0 = sk_mono_ms();
	size_t open = 8;
	while (open > 0 && sk_mono_ms() - t0 < 3000) {
		usleep(200 * 1000);
		open = 0;
		for (int i = 0; i < 4; i++) {
			open += trickle_step(&t[i]);
		}
	}
	uint64_t took = sk_mono_ms() - t0;
	assert_int_equal(open, 0);
	if (took < 800 || took > 2500) {
		fail_msg("slow connections closed after %" PRIu64 "ms, want about 1s", took);
	}
	struct resp r;
	assert_int_equal(curl(port, "--interface 127.0.0.20", "/healthz", &r), 0);
	assert_int_equal(r.status, 200);
	for (int i = 0; i < 4; i++) {
		trickle_close(&t[i]);
	}
	sk_websrv_stop(w);
}

static void test_idle_timeout(void **state)
{
	struct sk_websrv_conf conf = base_conf();
	conf.connection_timeout_s = 1;
	struct sk_websrv *w = start_ok(&conf);
	unsigned port = sk_websrv_port(w);
	/* silent from the start */
	int fd = tcp_connect(NULL, port);
	int ms = ms_until_closed(fd, 4000);
	close(fd);
	if (ms < 800 || ms > 2500) {
		fail_msg("an idle connection was closed after %dms, want about 1s", ms);
	}
	/* silent after a request (keep-alive) */
	fd = tcp_connect(NULL, port);
	const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
	char buf[1024];
	bool closed;
	read_until_closed(fd, buf, sizeof(buf), 300, &closed);
	assert_false(closed);
	assert_non_null(strstr(buf, "HTTP/1.1 200"));
	ms = ms_until_closed(fd, 4000);
	close(fd);
	if (ms < 500 || ms > 2500) {
		fail_msg("an idle kept-alive connection was closed after %dms, want about 1s", ms);
	}
	sk_websrv_stop(w);
}

/* threadiness 0: one thread per online CPU. */
static void test_threadiness_default(void **state)
{
	struct sk_websrv_conf conf = base_conf();
	conf.threadiness = 0;
	unsigned before = threads_now();
	struct sk_websrv *w = start_ok(&conf);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	assert_int_equal(threads_now(), before + (unsigned)cpus + 1);
	sk_websrv_stop(w);
	assert_int_equal(threads_now(), before);
}

/* ---- TLS ------------------------------------------------------------------- */

static const char *tmpfile_path(const char *name)
{
	static char path[4][160];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	return p;
}

static void sh(const char *cmd)
{
	int st = system(cmd);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fail_msg("failed: %s", cmd);
	}
}

/* key.pem, cert.pem (for 127.0.0.1), both.pem (key then certificate),
 * other.pem (another key with the first certificate), made once. */
static void make_tls_files(void)
{
	char cmd[1024];
	if (access(tmpfile_path("both.pem"), R_OK) == 0) {
		return;
	}
	need("openssl");
	snprintf(cmd, sizeof(cmd),
		 "cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
		 "-nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=127.0.0.1 "
		 "-addext subjectAltName=IP:127.0.0.1 2>/dev/null && "
		 "openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:prime256v1 "
		 "-out key2.pem 2>/dev/null && "
		 "cat key.pem cert.pem > both.pem && cat key2.pem cert.pem > other.pem",
		 tmpdir);
	sh(cmd);
}

static void test_tls(void **state)
{
	need("curl");
	make_tls_files();
	struct sk_websrv_conf conf = base_conf();
	conf.ssl_enabled = true;
	conf.ssl_certificate = tmpfile_path("both.pem");
	struct sk_websrv *w = start_ok(&conf);
	unsigned port = sk_websrv_port(w);
	char args[256];
	snprintf(args, sizeof(args), "--cacert %s", tmpfile_path("cert.pem"));
	get(port, args, "/healthz", 200, "text/plain; charset=utf-8", "ok\n");
	get(port, args, "/versions", 200, "application/json", "{\"shrike_version\":\"1.2.3\"}\n");
	/* plain HTTP to the TLS port gets nothing served */
	struct resp r;
	assert_int_equal(curl(port, "", "/healthz", &r), 52);
	assert_non_null(strstr(r.errors, "Empty reply from server"));
	assert_int_equal(r.status, 0);
	/* and it still answers over TLS */
	get(port, args, "/healthz", 200, "text/plain; charset=utf-8", "ok\n");
	sk_websrv_stop(w);

	/* the certificate first, then the key, works as well */
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cd %s && cat cert.pem key.pem > rev.pem", tmpdir);
	sh(cmd);
	conf.ssl_certificate = tmpfile_path("rev.pem");
	w = start_ok(&conf);
	get(sk_websrv_port(w), args, "/healthz", 200, "text/plain; charset=utf-8", "ok\n");
	sk_websrv_stop(w);
}

static void test_tls_errors(void **state)
{
	make_tls_files();
	struct sk_websrv_conf conf = base_conf();
	conf.ssl_enabled = true;

	conf.ssl_certificate = tmpfile_path("missing.pem");
	start_fails(&conf, -ENOENT, "webserver.ssl_certificate: cannot open '",
		    "/missing.pem': No such file or directory", "webserver.ssl_enabled: false",
		    NULL);

	conf.ssl_certificate = tmpfile_path("cert.pem");
	start_fails(&conf, -EINVAL, "webserver.ssl_certificate: '",
		    "/cert.pem' holds no private key",
		    "put the private key and the certificate in this one file", NULL);

	conf.ssl_certificate = tmpfile_path("key.pem");
	start_fails(&conf, -EINVAL, "/key.pem' holds no certificate", NULL);

	conf.ssl_certificate = tmpfile_path("other.pem");
	start_fails(&conf, -EINVAL, "/other.pem': cannot serve HTTPS with its key and certificate",
		    "do not match", NULL);

	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cd %s && head -c 100 both.pem > cut.pem", tmpdir);
	sh(cmd);
	conf.ssl_certificate = tmpfile_path("cut.pem");
	start_fails(&conf, -EINVAL, "/cut.pem': a -----BEGIN PRIVATE KEY----- block is not closed",
		    NULL);

	snprintf(cmd, sizeof(cmd),
		 "cd %s && openssl pkey -in key.pem -aes128 -passout pass:x -out enc.pem "
		 "2>/dev/null && cat cert.pem >> enc.pem",
		 tmpdir);
	sh(cmd);
	conf.ssl_certificate = tmpfile_path("enc.pem");
	start_fails(&conf, -EINVAL, "/enc.pem' is encrypted", NULL);

	if (geteuid() != 0) { /* root reads everything */
		snprintf(cmd, sizeof(cmd), "cd %s && cp both.pem locked.pem && chmod 0 locked.pem",
			 tmpdir);
		sh(cmd);
		conf.ssl_certificate = tmpfile_path("locked.pem");
		start_fails(&conf, -EACCES, "/locked.pem': Permission denied", NULL);
	}

	conf.ssl_certificate = "";
	start_fails(&conf, -EINVAL, "webserver.ssl_certificate: empty", NULL);
}

/* ---- addresses and ports --------------------------------------------------- */

static void test_port_in_use(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
	socklen_t alen = sizeof(a);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	struct sk_websrv_conf conf = base_conf();
	conf.listen_port = ntohs(a.sin_port);
	char want[128];
	snprintf(want, sizeof(want),
		 "webserver.listen_port: port %u on 127.0.0.1 is already in use", conf.listen_port);
	start_fails(&conf, -EADDRINUSE, want, "choose another webserver.listen_port", NULL);
	conf.listen_address = "0.0.0.0";
	start_fails(&conf, -EADDRINUSE, "webserver.listen_port: port", NULL);
	close(fd);

	/* the port free again: the server takes it */
	conf.listen_address = "127.0.0.1";
	struct sk_websrv *w = start_ok(&conf);
	assert_int_equal(sk_websrv_port(w), conf.listen_port);
	/* and a second server on it is refused */
	start_fails(&conf, -EADDRINUSE, want, NULL);
	sk_websrv_stop(w);
}

static void test_bad_addresses(void **state)
{
	struct sk_websrv_conf conf = base_conf();
	conf.listen_address = "localhost";
	start_fails(&conf, -EINVAL,
		    "webserver.listen_address: 'localhost' is not an IPv4 or IPv6 address", NULL);
	conf.listen_address = "127.0.0.1:80";
	start_fails(&conf, -EINVAL, "'127.0.0.1:80' is not an IPv4 or IPv6 address", NULL);
	conf.listen_address = NULL;
	start_fails(&conf, -EINVAL, "webserver.listen_address: '' is not", NULL);
	conf.listen_address = "192.0.2.1"; /* TEST-NET-1: not this host's */
	start_fails(&conf, -EADDRNOTAVAIL,
		    "webserver.listen_address: 192.0.2.1 is not an address of this host", NULL);
	conf.listen_address = "127.0.0.1";
	conf.listen_port = 70000;
	start_fails(&conf, -EINVAL, "webserver.listen_port: 70000 is out of range (0..65535)",
		    NULL);
	conf.listen_port = 0;
	static const struct {
		const char *path, *problem;
	} paths[] = {
	    {"healthz", "must start with /"},
	    {"", "must start with /"},
	    {"/metrics", "is the path of another page"},
	    {"/versions", "is the path of another page"},
	    {"/health z", "may not hold spaces, control characters, ? or #"},
	    {"/healthz?x=1", "may not hold spaces, control characters, ? or #"},
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char want[128];
		snprintf(want, sizeof(want),
			 "webserver.k8s_healthz_endpoint: '%s' %s (e.g. /healthz)", paths[i].path,
			 paths[i].problem);
		conf.healthz_path = paths[i].path;
		start_fails(&conf, -EINVAL, want, NULL);
		assert_string_equal(sk_websrv_path_problem(paths[i].path), paths[i].problem);
	}
	assert_null(sk_websrv_path_problem("/healthz"));
	assert_null(sk_websrv_path_problem("/k8s/live-ness_1"));
	assert_true(sk_websrv_is_address("::1"));
	assert_true(sk_websrv_is_address("10.1.2.3"));
	assert_false(sk_websrv_is_address("localhost"));
	assert_false(sk_websrv_is_address(NULL));
}

static void test_ephemeral_port_and_any(void **state)
{
	need("curl");
	struct sk_websrv_conf conf = base_conf();
	conf.listen_address = "0.0.0.0";
	struct sk_websrv *w = start_ok(&conf);
	struct sk_websrv *w2 = start_ok(&conf); /* another ephemeral port */
	assert_true(sk_websrv_port(w) >= 1024);
	assert_int_not_equal(sk_websrv_port(w), sk_websrv_port(w2));
	get(sk_websrv_port(w), "", "/healthz", 200, "text/plain; charset=utf-8", "ok\n");
	get(sk_websrv_port(w2), "", "/healthz", 200, "text/plain; charset=utf-8", "ok\n");
	sk_websrv_stop(w2);
	sk_websrv_stop(w);

	/* "::" takes IPv4 clients too, where the host has IPv6 */
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	conf.listen_address = "::";
	if (fd < 0) {
		start_fails(&conf, -EAFNOSUPPORT,
			    "webserver.listen_address: ::: this host has no IPv6", NULL);
		return;
	}
	close(fd);
	w = start_ok(&conf);
	get(sk_websrv_port(w), "", "/healthz", 200, "text/plain; charset=utf-8", "ok\n");
	sk_websrv_stop(w);
}

static void test_stop_null(void **state)
{
	sk_websrv_stop(NULL);
}

/* ---- main ------------------------------------------------------------------ */

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sk-websrv-test-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		return -1;
	}
	sk_log_setup(SK_LOG_WARNING, true, false);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_head),
	    cmocka_unit_test(test_methods),
	    cmocka_unit_test(test_not_found),
	    cmocka_unit_test(test_body_refused),
	    cmocka_unit_test(test_malformed_requests),
	    cmocka_unit_test(test_slowloris),
	    cmocka_unit_test(test_slow_clients_cut),
	    cmocka_unit_test(test_idle_timeout),
	    cmocka_unit_test(test_threadiness_default),
	    cmocka_unit_test(test_tls),
	    cmocka_unit_test(test_tls_errors),
	    cmocka_unit_test(test_port_in_use),
	    cmocka_unit_test(test_bad_addresses),
	    cmocka_unit_test(test_ephemeral_port_and_any),
	    cmocka_unit_test(test_stop_null),
	};
	return cmocka_run_group_tests_name("websrv", tests, setup, teardown);
}
