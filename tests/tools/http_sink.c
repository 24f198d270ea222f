/* tests/tools/http_sink.c - an HTTP(S) receiver for the http output's tests
 * (libmicrohttpd), listening on 127.0.0.1 only.
 *
 *   http_sink -d DIR [-p PORT] [-f N] [-s STATUS] [-r SECONDS] [-w MS]
 *             [-c CERT -k KEY [-C CA]] [-n] [-a FILE]
 *
 * Prints the port it listens on, then a newline, on stdout and runs until
 * SIGTERM/SIGINT. Every request is recorded in DIR as NNNNNN.hdr (the
 * request line, each header as "Name: value", then "X-Sink-Status: S" with
 * the status answered, "X-Sink-Time: MS", the wall-clock time in ms, and
 * "X-Sink-Peer-Port: PORT", the client's port: one per connection)
 * and NNNNNN.body (the body, gunzipped when it came with
 * Content-Encoding: gzip); both appear atomically (renamed into
 * place), the .hdr last.
 *   -f N -s STATUS  answer STATUS (default 500) to the first N requests,
 *                   then 200 (-f -1: to every request)
 *   -r SECONDS      add Retry-After: SECONDS to those answers
 *   -w MS           wait MS before giving those answers (client timeouts)
 *   -c CERT -k KEY  serve HTTPS with this certificate and key (PEM)
 *   -C CA           require a client certificate signed by CA (PEM):
 *                   requests without one are answered 403
 *   -n              record nothing (benchmarks: creating files is slow on
 *                   some file systems)
 *   -a FILE         instead of the files above, append every body, as one
 *                   line (a newline added when it lacks one), to FILE with
 *                   one write(2) (O_APPEND): the fault tests' thousands of
 *                   requests, read back with one pass; a sink killed and
 *                   restarted appends to the same file
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <zlib.h>

static const char *dir;
static long fail_n;
static unsigned fail_status = 500;
static const char *retry_after;
static bool require_client_cert;
static unsigned fail_wait_ms;
static bool no_record;
static int append_fd = -1; /* -a */
static atomic_long nreq;

struct req {
	char *body;
	size_t len;
	size_t cap;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "http_sink: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = calloc(1, (size_t)n + 1);
	if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "http_sink: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	return p;
}

static int gunzip(const char *in, size_t n, char **ret, size_t *ret_len)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK) {
		return -1;
	}
	size_t cap = n * 4 + 1024, len = 0;
	char *out = malloc(cap);
	int rc = Z_OK;
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	while (out && rc == Z_OK) {
		if (len == cap) {
			cap *= 2;
			char *p = realloc(out, cap);
			if (!p) {
				break;
			}
			out = p;
		}
		zs.next_out = (Bytef *)out + len;
		zs.avail_out = (uInt)(cap - len);
		rc = inflate(&zs, Z_NO_FLUSH);
		len = cap - zs.avail_out;
	}
	inflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(out);
		return -1;
	}
	*ret = out;
	*ret_len = len;
	return 0;
}

static enum MHD_Result put_header(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	(void)kind;
	fprintf(cls, "%s: %s\n", key, value ? value : "");
	return MHD_YES;
}

static void write_file(const char *name, const char *data, size_t len)
{
	if (no_record) {
		return;
	}
	char tmp[4096], path[4096];
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(tmp, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "http_sink: cannot write %s\n", path);
	}
}

/* -a: body plus a newline in one write(2), so lines never interleave. */
static void append_line(const char *body, size_t len)
{
	bool nl = len == 0 || body[len - 1] != '\n';
	char *line = malloc(len + 1);
	if (!line) {
		fprintf(stderr, "http_sink: out of memory\n");
		return;
	}
	if (len > 0) {
		memcpy(line, body, len);
	}
	if (nl) {
		line[len++] = '\n';
	}
	if (write(append_fd, line, len) != (ssize_t)len) {
		fprintf(stderr, "http_sink: cannot append: %s\n", strerror(errno));
	}
	free(line);
}

static bool client_cert_ok(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session) {
		return false;
	}
	unsigned status = 0;
	int r = gnutls_certificate_verify_peers2((gnutls_session_t)ci->tls_session, &status);
	return r == GNUTLS_E_SUCCESS && status == 0;
}

/* The request's headers as NNNNNN.hdr (see the top). */
static void record_headers(struct MHD_Connection *c, const char *url, const char *method,
			   unsigned status, long n)
{
	char name[64];
	char *hdr = NULL;
	size_t hlen = 0;
	FILE *hf = open_memstream(&hdr, &hlen);
	if (hf) {
		fprintf(hf, "%s %s\n", method, url);
		MHD_get_connection_values(c, MHD_HEADER_KIND, put_header, hf);
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		fprintf(hf, "X-Sink-Status: %u\n", status);
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET) {
			const struct sockaddr_in *sin = (const struct sockaddr_in *)ci->client_addr;
			fprintf(hf, "X-Sink-Peer-Port: %u\n", ntohs(sin->sin_port));
		}
		fprintf(hf, "X-Sink-Time: %lld\n",
			(long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
		fclose(hf);
		snprintf(name, sizeof(name), "%06ld.hdr", n);
		write_file(name, hdr, hlen);
		free(hdr);
	}
}

static enum MHD_Result answer(struct MHD_Connection *c, const char *url, const char *method,
			      struct req *r)
{
	long n = atomic_fetch_add(&nreq, 1) + 1;
	unsigned status = 200;
	const char *msg = "{\"ok\":true}";
	if (require_client_cert && !client_cert_ok(c)) {
		status = 403;
		msg = "{\"error\":\"client certificate required\"}";
	} else if (fail_n < 0 || n <= fail_n) {
		status = fail_status;
		msg = "{\"error\":\"scripted failure\"}";
		if (fail_wait_ms) {
			usleep(fail_wait_ms * 1000u);
		}
	}

	char *body = r->body;
	size_t len = r->len;
	char *decoded = NULL;
	const char *enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Encoding");
	if (enc && strcasecmp(enc, "gzip") == 0) {
		if (gunzip(r->body, r->len, &decoded, &len) != 0) {
			status = 400;
			msg = "{\"error\":\"bad gzip\"}";
			len = 0;
		}
		body = decoded;
	}
	if (append_fd >= 0) {
		append_line(body, len);
	} else {
		char name[64];
		snprintf(name, sizeof(name), "%06ld.body", n);
		write_file(name, body ? body : "", body ? len : 0);
	}
	free(decoded);

	if (append_fd < 0) {
		record_headers(c, url, method, status, n);
	}

	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, "Content-Type", "application/json");
	if (status != 200 && retry_after) {
		MHD_add_response_header(resp, "Retry-After", retry_after);
	}
	enum MHD_Result ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload_data,
			       size_t *upload_data_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct req *r = *con_cls;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r) {
			return MHD_NO;
		}
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (r->len + *upload_data_size > r->cap) {
			size_t cap = (r->len + *upload_data_size) * 2;
			char *p = realloc(r->body, cap);
			if (!p) {
				return MHD_NO;
			}
			r->body = p;
			r->cap = cap;
		}
		memcpy(r->body + r->len, upload_data, *upload_data_size);
		r->len += *upload_data_size;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(c, url, method, r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct req *r = *con_cls;
	if (r) {
		free(r->body);
		free(r);
		*con_cls = NULL;
	}
}

int main(int argc, char **argv)
{
	unsigned port = 0;
	const char *cert = NULL, *key = NULL, *ca = NULL;
	int c;
	while ((c = getopt(argc, argv, "d:p:f:s:r:w:c:k:C:na:")) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'p':
			port = (unsigned)atoi(optarg);
			break;
		case 'f':
			fail_n = atol(optarg);
			break;
		case 's':
			fail_status = (unsigned)atoi(optarg);
			break;
		case 'r':
			retry_after = optarg;
			break;
		case 'w':
			fail_wait_ms = (unsigned)atoi(optarg);
			break;
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'C':
			ca = optarg;
			break;
		case 'n':
			no_record = true;
			break;
		case 'a':
			append_fd = open(optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
			if (append_fd < 0) {
				fprintf(stderr, "http_sink: %s: %s\n", optarg, strerror(errno));
				return 1;
			}
			break;
		default:
			fprintf(stderr, "usage: http_sink -d DIR [-p PORT] [-f N] [-s STATUS] "
					"[-r SECONDS] [-w MS] [-c CERT -k KEY [-C CA]] [-n] "
					"[-a FILE]\n");
			return 2;
		}
	}
	if (!dir || (!cert != !key) || (ca && !cert)) {
		fprintf(stderr, "http_sink: -d is required; -c and -k go together; -C needs -c\n");
		return 2;
	}
	mkdir(dir, 0755);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* A thread per connection: a slow (-w) answer holds up no other. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	char *cert_pem = NULL, *key_pem = NULL, *ca_pem = NULL;
	struct MHD_OptionItem opts[8];
	int no = 0;
	opts[no++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &sa};
	opts[no++] = (struct MHD_OptionItem){MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL};
	opts[no++] =
	    (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, NULL};
	if (cert) {
		flags |= MHD_USE_TLS;
		cert_pem = slurp(cert);
		key_pem = slurp(key);
		opts[no++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, cert_pem};
		opts[no++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, key_pem};
		if (ca) {
			ca_pem = slurp(ca);
			require_client_cert = true;
			opts[no++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, ca_pem};
		}
	}
	opts[no++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	struct MHD_Daemon *d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, NULL,
						MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "http_sink: cannot listen on 127.0.0.1:%u\n", port);
		return 1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("%u\n", di ? di->port : port);
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	free(cert_pem);
	free(key_pem);
	free(ca_pem);
	return 0;
}
