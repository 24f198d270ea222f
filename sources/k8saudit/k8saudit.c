/* sources/k8saudit/k8saudit.c - the k8saudit plugin: Kubernetes audit
 * events as the `k8s_audit` source, from the API server's webhook backend
 * (an HTTP(S) server on its own threads, server.c) or from a JSON-lines
 * audit log file (the log backend), plus their ka.* and jevt.* fields
 * (fields.c).
 *
 * Each audit event becomes one SK_EVT_PLUGIN record: param 0 "k8s_audit",
 * param 1 the event as compact JSON, ts = its stageTimestamp. Webhook
 * threads hand records to the event loop through a bounded queue and an
 * eventfd (the descriptor open() returns); a request that does not fit is
 * refused with 503 and counted, so neither side ever waits for the other.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "k8saudit.h"

#define BATCH_MAX 256
#define FILE_BATCH_BYTES (4u * 1024u * 1024u)

struct k8s {
	const struct sk_host_api *api;
	struct sk_host *host;
	const struct k8s_conf *conf;
	struct k8s_open open;
	bool opened;

	struct k8s_queue q;
	bool q_ready;
	struct k8s_server *server;

	FILE *file;
	uint64_t line;
	char *linebuf;
	size_t linecap;

	/* the batch handed out by the last next_batch() */
	struct k8s_rec *batch_head;
	const struct sk_evt_hdr *batch[BATCH_MAX];
	struct k8s_rec *batch_rec[BATCH_MAX];
	size_t batch_n;
	size_t batch_hint; /* where the next extract() probably looks */
	struct k8s_rec *pending; /* file mode: records split but not handed out */

	uint64_t events;
	uint64_t file_drops;

	struct k8s_fields fields;
};

/* ---- records -------------------------------------------------------------- */

static const char *skip_digits(const char *s, int n, int *ret)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return NULL;
		}
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return s + n;
}

int k8s_parse_time(const char *s, uint64_t *ret_ns)
{
	int y, mo, d, h, mi, sec;
	const char *p = s;
	if (!(p = skip_digits(p, 4, &y)) || *p++ != '-' || !(p = skip_digits(p, 2, &mo)) ||
	    *p++ != '-' || !(p = skip_digits(p, 2, &d)) || (*p != 'T' && *p != 't' && *p != ' ')) {
		return -EINVAL;
	}
	p++;
	if (!(p = skip_digits(p, 2, &h)) || *p++ != ':' || !(p = skip_digits(p, 2, &mi)) ||
	    *p++ != ':' || !(p = skip_digits(p, 2, &sec))) {
		return -EINVAL;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
		return -EINVAL;
	}
	uint64_t frac = 0;
	if (*p == '.') {
		p++;
		int digits = 0;
		while (*p >= '0' && *p <= '9') {
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
			}
			digits++;
			p++;
		}
		if (digits == 0) {
			return -EINVAL;
		}
		for (int i = digits; i < 9; i++) {
			frac *= 10;
		}
	}
	int64_t off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		int sign = *p == '-' ? -1 : 1;
		p++;
		if (!(p = skip_digits(p, 2, &oh)) || *p++ != ':' || !(p = skip_digits(p, 2, &om)) ||
		    oh > 23 || om > 59) {
			return -EINVAL;
		}
		off = sign * (int64_t)(oh * 3600 + om * 60);
	} else {
		return -EINVAL;
	}
	if (*p != '\0') {
		return -EINVAL;
	}
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = sec};
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || (int64_t)t - off < 0) {
		return -EINVAL;
	}
	*ret_ns = (uint64_t)((int64_t)t - off) * 1000000000ull + frac;
	return 0;
}

void k8s_rec_free_list(struct k8s_rec *head)
{
	while (head != NULL) {
		struct k8s_rec *n = head->next;
		json_object_put(head->dom);
		free(head);
		head = n;
	}
}

/* make_rec - one SK_EVT_PLUGIN record for the JSON text js[0..len). */
static struct k8s_rec *make_rec(const char *js, size_t len, uint64_t ts)
{
	static const char src[] = K8S_SOURCE; /* with its NUL */
	size_t reclen = SK_EVT_HDR_SIZE + 2 * 4 + sizeof(src) + len;
	struct k8s_rec *r = malloc(sizeof(*r) + reclen);
	if (r == NULL) {
		return NULL;
	}
	r->next = NULL;
	r->size = reclen;
	r->cost = reclen + K8S_DOM_FACTOR * len;
	r->dom = NULL;
	unsigned char *p = (unsigned char *)r->data;
	struct sk_evt_hdr h = {.ts = ts,
			       .tid = 0,
			       .len = (uint32_t)reclen,
			       .type = SK_EVT_PLUGIN,
			       .nparams = 2,
			       .flags = SK_EVT_F_LARGE};
	memcpy(p, &h, sizeof(h));
	uint32_t l0 = sizeof(src), l1 = (uint32_t)len;
	memcpy(p + SK_EVT_HDR_SIZE, &l0, 4);
	memcpy(p + SK_EVT_HDR_SIZE + 4, &l1, 4);
	memcpy(p + SK_EVT_HDR_SIZE + 8, src, sizeof(src));
	memcpy(p + SK_EVT_HDR_SIZE + 8 + sizeof(src), js, len);
	return r;
}

static const char *kind_of(json_object *o)
{
	json_object *k = NULL;
	if (json_object_object_get_ex(o, "kind", &k) && json_object_is_type(k, json_type_string)) {
		return json_object_get_string(k);
	}
	return NULL;
}

/* ---- item spans ---------------------------------------------------------- */

/* The events of a body keep their own text when it can be found: these
 * helpers walk a body that json-c has already accepted in strict mode, so
 * they only track strings and nesting. */

static size_t skip_ws(const char *b, size_t len, size_t p)
{
	while (p < len && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n')) {
		p++;
	}
	return p;
}

/* p at '"': the position after the closing quote. */
static size_t skip_string(const char *b, size_t len, size_t p)
{
	for (p++; p < len; p++) {
		if (b[p] == '\\') {
			p++;
		} else if (b[p] == '"') {
			return p + 1;
		}
	}
	return len;
}

/* The position after the value that starts at p (after blanks). */
static size_t skip_value(const char *b, size_t len, size_t p)
{
	p = skip_ws(b, len, p);
	if (p >= len) {
		return len;
	}
	if (b[p] == '"') {
		return skip_string(b, len, p);
	}
	if (b[p] != '{' && b[p] != '[') {
		while (p < len && b[p] != ',' && b[p] != ']' && b[p] != '}' && b[p] != ' ' &&
		       b[p] != '\t' && b[p] != '\r' && b[p] != '\n') {
			p++;
		}
		return p;
	}
	size_t depth = 0;
	while (p < len) {
		char c = b[p];
		if (c == '"') {
			p = skip_string(b, len, p);
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return p + 1;
		}
		p++;
	}
	return len;
}

/* find_items - where the events' array starts: the body itself, or the
 * value of the root object's "items". len if not found. */
static size_t find_items(const char *b, size_t len, bool list)
{
	size_t p = skip_ws(b, len, 0);
	if (!list) {
		return p < len && b[p] == '[' ? p : len;
	}
	if (p >= len || b[p] != '{') {
		return len;
	}
	p++;
	for (;;) {
		p = skip_ws(b, len, p);
		if (p >= len || b[p] != '"') {
			return len;
		}
		size_t k0 = p;
		p = skip_string(b, len, p);
		bool is_items = p - k0 == 7 && memcmp(b + k0, "\"items\"", 7) == 0;
		p = skip_ws(b, len, p);
		if (p >= len || b[p] != ':') {
			return len;
		}
		size_t v = skip_ws(b, len, p + 1);
		if (is_items) {
			return v < len && b[v] == '[' ? v : len;
		}
		p = skip_ws(b, len, skip_value(b, len, v));
		if (p >= len || b[p] != ',') {
			return len;
		}
		p++;
	}
}

/* item_spans - [start, end) of each element of the array at b[at]; returns
 * how many (at most max), or -1 when the walk goes wrong. */
static long item_spans(const char *b, size_t len, size_t at, size_t (*spans)[2], size_t max)
{
	size_t p = at + 1, n = 0;
	for (;;) {
		p = skip_ws(b, len, p);
		if (p < len && b[p] == ']' && n == 0) {
			return 0;
		}
		if (p >= len || n == max) {
			return -1;
		}
		spans[n][0] = p;
		p = skip_value(b, len, p);
		spans[n][1] = p;
		n++;
		p = skip_ws(b, len, p);
		if (p < len && b[p] == ']') {
			return (long)n;
		}
		if (p >= len || b[p] != ',') {
			return -1;
		}
		p++;
	}
}

int k8s_split(const char *body, size_t len, uint64_t max_event, struct k8s_rec **ret_head,
	      size_t *ret_n, size_t *ret_bytes, uint64_t *ret_oversize, char *err, size_t errlen)
{
	struct k8s_rec *head = NULL, **tail = &head;
	size_t n = 0, bytes = 0;
	uint64_t oversize = 0;
	json_object *root = NULL;
	size_t(*spans)[2] = NULL;
	int rc = 0;

	*ret_head = NULL;
	*ret_n = 0;
	*ret_bytes = 0;
	*ret_oversize = 0;
	if (len > INT32_MAX) {
		snprintf(err, errlen, "body too large to parse");
		return -EINVAL;
	}
	struct json_tokener *tok = json_tokener_new_ex(K8S_JSON_DEPTH);
	if (tok == NULL) {
		return -ENOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, body, (int)len);
	enum json_tokener_error je = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	if (je == json_tokener_continue) {
		/* A bare number or a truncated document: end of input. */
		root = json_tokener_parse_ex(tok, "", 1);
		je = json_tokener_get_error(tok);
		used = len;
	}
	json_tokener_free(tok);
	if (je != json_tokener_success || root == NULL) {
		snprintf(err, errlen, "invalid JSON at byte %zu: %s", used,
			 je != json_tokener_success ? json_tokener_error_desc(je) : "null document");
		rc = -EINVAL;
		goto out;
	}
	for (size_t i = used; i < len; i++) {
		if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r' && body[i] != '\n') {
			snprintf(err, errlen, "invalid JSON: trailing data at byte %zu", i);
			rc = -EINVAL;
			goto out;
		}
	}
	json_object *items = NULL;
	json_object *single = NULL;
	if (json_object_is_type(root, json_type_array)) {
		items = root;
	} else if (json_object_is_type(root, json_type_object)) {
		const char *kind = kind_of(root);
		if (kind != NULL && strcmp(kind, "EventList") == 0) {
			if (!json_object_object_get_ex(root, "items", &items) ||
			    !json_object_is_type(items, json_type_array)) {
				snprintf(err, errlen, "EventList without an 'items' array");
				rc = -EINVAL;
				goto out;
			}
		} else {
			single = root;
		}
	} else {
		snprintf(err, errlen, "expected an EventList, an array of events or an Event, "
				      "got a JSON %s",
			 json_type_to_name(json_object_get_type(root)));
		rc = -EINVAL;
		goto out;
	}
	size_t count = items ? json_object_array_length(items) : 1;
	if (items != NULL && count > 0) {
		spans = malloc(count * sizeof(*spans));
		size_t at = find_items(body, used, items != root);
		if (spans != NULL && at < used &&
		    item_spans(body, used, at, spans, count) != (long)count) {
			free(spans); /* not found as expected: print each event instead */
			spans = NULL;
		} else if (at >= used) {
			free(spans);
			spans = NULL;
		}
	}
	for (size_t i = 0; i < count; i++) {
		json_object *ev = items ? json_object_array_get_idx(items, i) : single;
		json_object *st = NULL;
		uint64_t ts = 0;
		if (!json_object_is_type(ev, json_type_object)) {
			snprintf(err, errlen, "event %zu: not a JSON object", i);
			rc = -EINVAL;
			goto out;
		}
		if (!json_object_object_get_ex(ev, "stageTimestamp", &st) ||
		    !json_object_is_type(st, json_type_string) ||
		    k8s_parse_time(json_object_get_string(st), &ts) < 0) {
			snprintf(err, errlen, "event %zu: %s", i,
				 st == NULL ? "no stageTimestamp"
					    : "stageTimestamp is not an RFC 3339 time");
			rc = -EINVAL;
			goto out;
		}
		size_t jl = 0;
		const char *js;
		if (single != NULL) {
			/* One Event: its own text is the payload (the audit log's
			 * lines), no need to print it again. */
			size_t from = 0;
			while (from < used && body[from] != '{') {
				from++;
			}
			js = body + from;
			jl = used - from;
		} else if (spans != NULL) {
			js = body + spans[i][0];
			jl = spans[i][1] - spans[i][0];
		} else {
			js = json_object_to_json_string_length(
				ev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &jl);
		}
		if (js == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		if (jl > max_event) {
			oversize++;
			continue;
		}
		struct k8s_rec *r = make_rec(js, jl, ts);
		if (r == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		r->dom = json_object_get(ev);
		*tail = r;
		tail = &r->next;
		n++;
		bytes += r->cost;
	}
out:
	free(spans);
	json_object_put(root);
	if (rc < 0) {
		k8s_rec_free_list(head);
		return rc;
	}
	*ret_head = head;
	*ret_n = n;
	*ret_bytes = bytes;
	*ret_oversize = oversize;
	return 0;
}

/* ---- queue ---------------------------------------------------------------- */

int k8s_queue_push(struct k8s_queue *q, struct k8s_rec *head, size_t n, size_t bytes)
{
	if (n == 0) {
		return 0;
	}
	pthread_mutex_lock(&q->mu);
	if (q->n + n > q->max_n || q->bytes + bytes > q->max_bytes) {
		q->drops += n;
		pthread_mutex_unlock(&q->mu);
		return -EAGAIN;
	}
	struct k8s_rec *last = head;
	while (last->next != NULL) {
		last = last->next;
	}
	if (q->tail != NULL) {
		q->tail->next = head;
	} else {
		q->head = head;
	}
	q->tail = last;
	q->n += n;
	q->bytes += bytes;
	q->accepted += n;
	pthread_mutex_unlock(&q->mu);
	uint64_t one = 1;
	ssize_t w = write(q->efd, &one, sizeof(one));
	(void)w; /* EAGAIN: the counter is already huge, the loop is awake */
	return 0;
}

/* ---- plugin callbacks ------------------------------------------------------ */

static void plog(struct k8s *k, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void plog(struct k8s *k, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->api->log(k->host, level, "%s", msg);
}

static int k8s_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	struct k8s *k = calloc(1, sizeof(*k));
	if (k == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = k;
	k->api = in->api;
	k->host = in->host;
	k->conf = in->config;
	k->q.efd = -1;
	k->fields.cluster_name = k->conf->cluster_name;
	/* json-c seeds its string hash on first use, unguarded: do it here,
	 * before the webhook threads parse in parallel. */
	json_object_put(json_tokener_parse("{\"seed\":1}"));
	(void)err;
	(void)errlen;
	return SK_OK;
}

static void k8s_close(void *inst);

static void k8s_destroy(void *inst)
{
	struct k8s *k = inst;
	if (k == NULL) {
		return;
	}
	k8s_close(k);
	k8s_fields_fini(&k->fields);
	free(k);
}

static int k8s_open_cb(void *inst, const char *params, int *ret_fd, char *err, size_t errlen)
{
	struct k8s *k = inst;
	if (k8s_parse_open_params(params, &k->open, err, errlen) < 0 ||
	    k8s_check_conf(k->conf, &k->open, err, errlen) < 0) {
		return SK_ERR;
	}
	k->opened = true;
	if (k->open.mode == K8S_MODE_FILE) {
		k->file = fopen(k->open.path, "re");
		if (k->file == NULL) {
			snprintf(err, errlen, "%s: %s", k->open.path, strerror(errno));
			return SK_ERR;
		}
		k->line = 0;
		*ret_fd = -1;
		return SK_OK;
	}
	k->q.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (k->q.efd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		return SK_ERR;
	}
	pthread_mutex_init(&k->q.mu, NULL);
	k->q_ready = true;
	k->q.max_n = k->conf->queue_events;
	k->q.max_bytes = k->conf->queue_bytes;
	struct k8s_server_args a = {.conf = k->conf,
				    .open = &k->open,
				    .queue = &k->q,
				    .api = k->api,
				    .host = k->host};
	if (k8s_server_start(&a, &k->server, err, errlen) < 0) {
		return SK_ERR;
	}
	*ret_fd = k->q.efd;
	return SK_OK;
}

static void free_batch(struct k8s *k)
{
	k8s_rec_free_list(k->batch_head);
	k->batch_head = NULL;
	k->batch_n = 0;
	k->batch_hint = 0;
}

/* next_file - split up to a batch of lines of the audit log. */
static int next_file(struct k8s *k, size_t *ret_n, char *err, size_t errlen)
{
	size_t n = 0, bytes = 0;
	struct k8s_rec **tail = &k->batch_head;
	while (n < BATCH_MAX && bytes < FILE_BATCH_BYTES) {
		if (k->pending == NULL) {
			errno = 0;
			ssize_t len = getline(&k->linebuf, &k->linecap, k->file);
			if (len < 0) {
				if (ferror(k->file)) {
					snprintf(err, errlen, "%s: read error: %s", k->open.path,
						 strerror(errno ? errno : EIO));
					return SK_ERR;
				}
				break;
			}
			k->line++;
			while (len > 0 && (k->linebuf[len - 1] == '\n' ||
					   k->linebuf[len - 1] == '\r')) {
				k->linebuf[--len] = '\0';
			}
			size_t sp = strspn(k->linebuf, " \t");
			if ((size_t)len == sp) {
				continue;
			}
			char why[256];
			size_t m = 0, mb = 0;
			uint64_t over = 0;
			if ((uint64_t)len > k->conf->max_body_bytes) {
				k->file_drops++;
				plog(k, SK_LOG_WARNING, "%s:%" PRIu64 ": line of %zd bytes skipped "
					 "(max_body_bytes)", k->open.path, k->line, len);
				continue;
			}
			int rc = k8s_split(k->linebuf, (size_t)len, k->conf->max_event_bytes,
					   &k->pending, &m, &mb, &over, why, sizeof(why));
			if (rc == -ENOMEM) {
				snprintf(err, errlen, "out of memory");
				return SK_ERR;
			}
			if (rc < 0) {
				k->file_drops++;
				plog(k, SK_LOG_WARNING, "%s:%" PRIu64 ": skipped: %s", k->open.path,
				     k->line, why);
				continue;
			}
			if (over > 0) {
				k->file_drops += over;
				plog(k, SK_LOG_WARNING,
				     "%s:%" PRIu64 ": %" PRIu64 " event(s) above max_event_bytes "
				     "skipped",
				     k->open.path, k->line, over);
			}
		}
		while (k->pending != NULL && n < BATCH_MAX) {
			struct k8s_rec *r = k->pending;
			k->pending = r->next;
			r->next = NULL;
			*tail = r;
			tail = &r->next;
			k->batch_rec[n] = r;
			k->batch[n++] = (const struct sk_evt_hdr *)r->data;
			bytes += r->size;
		}
	}
	*ret_n = n;
	return n > 0 ? SK_OK : SK_EOF;
}

static int k8s_next_batch(void *inst, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			  char *err, size_t errlen)
{
	struct k8s *k = inst;
	free_batch(k);
	*ret_evs = k->batch;
	*ret_n = 0;
	if (k->file != NULL) {
		int rc = next_file(k, ret_n, err, errlen);
		k->events += *ret_n;
		k->batch_n = *ret_n;
		return rc;
	}
	if (!k->q_ready) {
		snprintf(err, errlen, "not open");
		return SK_ERR;
	}
	uint64_t cnt;
	ssize_t rd = read(k->q.efd, &cnt, sizeof(cnt));
	(void)rd; /* EAGAIN: nothing signalled, the queue may still hold events */
	size_t n = 0;
	struct k8s_rec **tail = &k->batch_head;
	pthread_mutex_lock(&k->q.mu);
	while (k->q.head != NULL && n < BATCH_MAX) {
		struct k8s_rec *r = k->q.head;
		k->q.head = r->next;
		if (k->q.head == NULL) {
			k->q.tail = NULL;
		}
		r->next = NULL;
		k->q.n--;
		k->q.bytes -= r->cost;
		*tail = r;
		tail = &r->next;
		k->batch_rec[n] = r;
		k->batch[n++] = (const struct sk_evt_hdr *)r->data;
	}
	bool more = k->q.head != NULL;
	pthread_mutex_unlock(&k->q.mu);
	if (more) {
		uint64_t one = 1;
		ssize_t w = write(k->q.efd, &one, sizeof(one));
		(void)w;
	}
	k->events += n;
	k->batch_n = n;
	*ret_n = n;
	return n > 0 ? SK_OK : SK_RETRY;
}

static void k8s_close(void *inst)
{
	struct k8s *k = inst;
	if (k == NULL || !k->opened) {
		return;
	}
	k8s_server_stop(k->server);
	k->server = NULL;
	free_batch(k);
	k8s_rec_free_list(k->pending);
	k->pending = NULL;
	if (k->q_ready) {
		k8s_rec_free_list(k->q.head);
		k->q.head = k->q.tail = NULL;
		k->q.n = k->q.bytes = 0;
		pthread_mutex_destroy(&k->q.mu);
		k->q_ready = false;
	}
	if (k->q.efd >= 0) {
		close(k->q.efd);
		k->q.efd = -1;
	}
	if (k->file != NULL) {
		fclose(k->file);
		k->file = NULL;
	}
	free(k->linebuf);
	k->linebuf = NULL;
	k->linecap = 0;
	k->opened = false;
}

static int k8s_stats(void *inst, struct sk_source_stats *ret)
{
	struct k8s *k = inst;
	memset(ret, 0, sizeof(*ret));
	ret->events = k->events;
	ret->drops = k->file_drops;
	if (k->q_ready) {
		pthread_mutex_lock(&k->q.mu);
		ret->drops += k->q.drops;
		pthread_mutex_unlock(&k->q.mu);
	}
	return SK_OK;
}

static int k8s_extract(void *inst, const struct sk_event *ev, const struct sk_field_req *req,
		       struct sk_value *ret_val)
{
	struct k8s *k = inst;
	/* An event of our own last batch brings its parsed form along (events
	 * of a replayed capture are parsed by the fields code). */
	if (k->fields.rec != ev->rec || k->fields.num != ev->num) {
		for (size_t c = 0; c < k->batch_n; c++) {
			size_t i = (k->batch_hint + c) % k->batch_n;
			if (k->batch[i] == ev->rec) {
				if (k->batch_rec[i]->dom != NULL) {
					k8s_fields_adopt(&k->fields, ev, k->batch_rec[i]->dom);
					k->batch_rec[i]->dom = NULL;
				}
				k->batch_hint = i + 1;
				break;
			}
		}
	}
	return k8s_fields_extract(&k->fields, ev, req, ret_val);
}

static const char *const k8s_sources[] = {K8S_SOURCE, NULL};

SK_PLUGIN_OPS(sk_source_ops, k8s_source_ops, .event_source = K8S_SOURCE, .open = k8s_open_cb,
	      .next_batch = k8s_next_batch, .close = k8s_close, .stats = k8s_stats);
SK_PLUGIN_OPS(sk_extract_ops, k8s_extract_ops, .sources = k8s_sources, .fields = k8s_fields_table,
	      .extract = k8s_extract);
SK_PLUGIN_DEFINE(.name = "k8saudit", .version = "0.18.0",
		 .description = "Kubernetes audit events (webhook or audit log file) and their "
				"ka.* / jevt.* fields",
		 .params = k8s_params, .config_size = sizeof(struct k8s_conf), .init = k8s_init,
		 .destroy = k8s_destroy, .source = &k8s_source_ops, .extract = &k8s_extract_ops);
