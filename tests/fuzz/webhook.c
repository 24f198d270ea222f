/* tests/fuzz/webhook.c - fuzz target: the k8saudit webhook's request
 * handling, end to end through libmicrohttpd. The real server
 * (sources/k8saudit/server.c: path, method, bearer token, content type,
 * Content-Length and body limits, the splitter, the queue) listens on a
 * loopback port; each input is one HTTP request (request line, headers,
 * empty line, body) sent on a new connection with its framing made true
 * (build_request), the answer is read and whatever was queued is freed.
 * MHD's own code is not instrumented: the coverage is the handler's. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <strings.h>
#include <sys/time.h>

#include "fuzz.h"
#include "sources/k8saudit/k8saudit.h"

static struct k8s_conf conf = {
    .max_body_bytes = 256 * 1024,
    .max_event_bytes = 64 * 1024,
    .queue_events = 1000,
    .queue_bytes = 4 * 1024 * 1024,
    .threads = 1,
    .timeout_ms = 1000,
    .conn_limit = 1000,
    .conn_per_ip = 1000,
    .webhook_token = (char *)"fuzz-token",
};
static struct k8s_open open_params = {
    .mode = K8S_MODE_WEBHOOK, .host = "127.0.0.1", .path = "/k8s-audit"};
static struct k8s_queue queue;
static struct k8s_server *server;
static struct sockaddr_in addr;

/* free_port - a loopback port nothing listens on now, or 0. */
static uint16_t free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	uint16_t port = 0;
	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &alen) == 0) {
		port = ntohs(a.sin_port);
	}
	if (s >= 0) {
		close(s);
	}
	return port;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[256];
	pthread_mutex_init(&queue.mu, NULL);
	queue.max_n = conf.queue_events;
	queue.max_bytes = conf.queue_bytes;
	queue.efd = -1;
	for (int attempt = 0; attempt < 5 && server == NULL; attempt++) {
		open_params.port = free_port();
		struct k8s_server_args a = {
		    .conf = &conf, .open = &open_params, .queue = &queue, .api = &fz_api};
		if (open_params.port != 0 && k8s_server_start(&a, &server, err, sizeof(err)) < 0) {
			fprintf(stderr, "webhook: %s\n", err);
			server = NULL;
		}
	}
	if (server == NULL) {
		abort();
	}
	addr = (struct sockaddr_in){.sin_family = AF_INET,
				    .sin_port = htons(open_params.port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	return 0;
}

/* read_answer - read one HTTP answer: its head, then Content-Length bytes
 * (MHD may keep the connection open after answering: EOF is not awaited). */
static void read_answer(int s)
{
	char buf[8192];
	size_t len = 0;
	char *body = NULL;
	unsigned long clen = 0;
	while (len < sizeof(buf) - 1) {
		ssize_t r = read(s, buf + len, sizeof(buf) - 1 - len);
		if (r <= 0) {
			return;
		}
		len += (size_t)r;
		buf[len] = '\0';
		if (body == NULL && (body = strstr(buf, "\r\n\r\n")) != NULL) {
			body += 4;
			const char *cl = strcasestr(buf, "\r\nContent-Length:");
			clen = cl != NULL ? strtoul(cl + 17, NULL, 10) : 0;
		}
		if (body != NULL && (size_t)(buf + len - body) >= clen) {
			return;
		}
	}
}

/* build_request - the input's request line and headers (up to the first
 * empty line) without its Content-Length, Transfer-Encoding and Connection
 * headers, then a true Content-Length for the rest (the body) and
 * "Connection: close": a request MHD always sees complete, so it answers at
 * once and nothing waits for a timeout. Returns a malloc'd buffer. */
static char *build_request(const uint8_t *data, size_t size, size_t *ret_len)
{
	const uint8_t *end = memmem(data, size, "\r\n\r\n", 4);
	size_t hlen = end ? (size_t)(end - data) : size;
	const uint8_t *body = end ? end + 4 : data + size;
	size_t blen = (size_t)(data + size - body);
	char *req = malloc(hlen + blen + 96);
	size_t n = 0;
	if (req == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < hlen;) {
		const uint8_t *nl = memmem(data + i, hlen - i, "\r\n", 2);
		size_t llen = nl ? (size_t)(nl - (data + i)) : hlen - i;
		const char *line = (const char *)data + i;
		if (!(i > 0 && ((llen >= 15 && strncasecmp(line, "Content-Length:", 15) == 0) ||
				(llen >= 18 && strncasecmp(line, "Transfer-Encoding:", 18) == 0) ||
				(llen >= 11 && strncasecmp(line, "Connection:", 11) == 0)))) {
			memcpy(req + n, line, llen);
			n += llen;
			memcpy(req + n, "\r\n", 2);
			n += 2;
		}
		i += llen + 2;
	}
	n += (size_t)sprintf(req + n, "Content-Length: %zu\r\nConnection: close\r\n\r\n", blen);
	memcpy(req + n, body, blen);
	*ret_len = n + blen;
	return req;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	char *req = build_request(data, size, &len);
	int s = req ? socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) : -1;
	if (s < 0) {
		free(req);
		return 0;
	}
	struct timeval tv = {.tv_sec = 2};
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* each connection from another 127.0.x.y: one source address would run
	 * out of ports within seconds (TIME_WAIT), and connect() slows down */
	static uint32_t nconn;
	struct sockaddr_in src = {.sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(0x7f000000u | (1u + nconn++ % 65000u))};
	if (bind(s, (struct sockaddr *)&src, sizeof(src)) == 0 &&
	    connect(s, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
		size_t off = 0;
		while (off < len) {
			ssize_t w = send(s, req + off, len - off, MSG_NOSIGNAL);
			if (w <= 0) {
				break;
			}
			off += (size_t)w;
		}
		shutdown(s, SHUT_WR);
		read_answer(s);
	}
	close(s);
	free(req);
	pthread_mutex_lock(&queue.mu);
	struct k8s_rec *head = queue.head;
	queue.head = queue.tail = NULL;
	queue.n = queue.bytes = 0;
	pthread_mutex_unlock(&queue.mu);
	k8s_rec_free_list(head);
	return 0;
}
