/* outputs/http/http.c - the `http` output plugin (http_output): POST alerts
 * to an HTTP(S) collector with libcurl (one easy handle, so one connection
 * reused between requests).
 *
 * One alert per request (batch_size: 1, the default): the body is the alert
 * line (JSON with json_output: true, as application/json, else the text
 * line as text/plain, as Falco does). write() sends it at once: a 2xx
 * answer is SK_OK; 408, 429, 5xx, refused or reset connections and timeouts
 * are SK_RETRY (the core backs off and calls again with the same alert; a
 * Retry-After answer also holds further attempts back that long) until
 * max_retries retries, then SK_ERR; any other answer is SK_ERR at once.
 * Failures are logged with the HTTP status (rate-limited).
 *
 * Batches (batch_size > 1): write() appends the JSON alert to the current
 * batch and returns SK_OK (the core counts it as sent); the write() that
 * fills the batch sends it, with the same verdicts as above for the whole
 * batch. A batch that is not full goes out batch_timeout_ms after its first
 * alert, sent by a timer thread that retries it with its own back-off. A
 * batch that finally fails is logged with its size; the totals (delivered,
 * failed) are logged at shutdown, when a last partial batch is sent too.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/clock.h"
#include "http.h"

#define RESP_KEEP	  4096 /* bytes of an answer kept for logs */
#define LOG_EVERY_NS	  (10ull * 1000000000ull)
#define RETRY_AFTER_CAP_S 60
#define BACKOFF_MIN_MS	  100
#define BACKOFF_MAX_MS	  10000
#define SHUTDOWN_SEND_MS  5000

struct http_inst {
	const struct sk_host_api *api;
	struct sk_host *host;
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdr_json;   /* Content-Type: application/json + common */
	struct curl_slist *hdr_text;   /* text/plain */
	struct curl_slist *hdr_ndjson; /* application/x-ndjson */
	bool compress;
	bool echo;
	uint64_t max_retries;
	size_t batch_size;
	int batch_format;
	uint64_t batch_timeout_ms;
	struct sk_sbuf zbody; /* gzip'd body */
	/* The last answer. */
	struct sk_sbuf resp;
	long status;
	uint64_t retry_after_s;

	/* The payload being delivered: its failed attempts and when the next
	 * may start (Retry-After). */
	uint64_t attempts;
	uint64_t not_before_ns;
	const struct sk_alert *cur; /* single mode: the alert being retried */
	char cur_uuid[40];

	/* Batch mode: lock guards everything below and the curl handle. */
	pthread_mutex_t lock;
	pthread_cond_t cv;
	pthread_t timer;
	bool timer_started;
	bool stop;
	struct sk_sbuf batch;
	size_t batch_n;
	uint64_t batch_first_ns;
	uint64_t next_try_ns;	     /* timer thread's back-off */
	const struct sk_alert *last; /* the alert that filled the batch */
	char last_uuid[40];

	/* Counters (alerts). */
	uint64_t delivered;
	uint64_t failed;
	uint64_t requests;
	/* Rate-limited failure and retry logs. */
	uint64_t fail_log_ns;
	uint64_t fail_log_pending;
	uint64_t retry_log_ns;
	uint64_t retry_log_pending;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_inst *h = arg;
	size_t n = size * nmemb;
	if (h->resp.len < RESP_KEEP) {
		size_t keep = RESP_KEEP - h->resp.len < n ? RESP_KEEP - h->resp.len : n;
		if (sk_sbuf_add(&h->resp, ptr, keep) != 0) {
			return 0;
		}
	}
	return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_inst *h = arg;
	size_t n = size * nmemb;
	static const char name[] = "retry-after:";
	if (n > sizeof(name) - 1 && strncasecmp(ptr, name, sizeof(name) - 1) == 0) {
		char v[128];
		size_t vl = n - (sizeof(name) - 1);
		if (vl >= sizeof(v)) {
			vl = sizeof(v) - 1;
		}
		memcpy(v, ptr + sizeof(name) - 1, vl);
		v[vl] = '\0';
		v[strcspn(v, "\r\n")] = '\0';
		h->retry_after_s = http_retry_after(v, (int64_t)time(NULL), RETRY_AFTER_CAP_S);
	}
	return n;
}

/* A printable excerpt of the last answer's body, for logs. */
static const char *resp_excerpt(struct http_inst *h, char *buf, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < h->resp.len && o + 1 < len && i < 200; i++) {
		unsigned char c = (unsigned char)h->resp.p[i];
		buf[o++] = c >= 0x20 && c < 0x7f ? (char)c : ' ';
	}
	buf[o] = '\0';
	return buf;
}

/* What went wrong with the last attempt, in words. */
static void describe(struct http_inst *h, CURLcode rc, char *buf, size_t len)
{
	if (rc != CURLE_OK) {
		snprintf(buf, len, "%s", h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
		return;
	}
	char ex[256];
	resp_excerpt(h, ex, sizeof(ex));
	snprintf(buf, len, "HTTP %ld%s%s", h->status, ex[0] ? ": " : "", ex);
}

static void log_failure(struct http_inst *h, size_t n, const char *why, uint64_t attempts)
{
	uint64_t now = sk_mono_ns();
	h->fail_log_pending += n;
	if (h->fail_log_ns != 0 && now - h->fail_log_ns < LOG_EVERY_NS) {
		return;
	}
	if (attempts > 0) {
		h->api->log(h->host, SK_LOG_ERROR,
			    "%" PRIu64 " alert(s) not delivered after %" PRIu64
			    " attempt(s), last: %s (total failed: %" PRIu64 ")",
			    h->fail_log_pending, attempts, why, h->failed);
	} else {
		h->api->log(h->host, SK_LOG_ERROR,
			    "%" PRIu64 " alert(s) refused: %s (total failed: %" PRIu64 ")",
			    h->fail_log_pending, why, h->failed);
	}
	h->fail_log_pending = 0;
	h->fail_log_ns = now;
}

/* Why a request will be retried: at once, then at most every 10 s. */
static void log_retry(struct http_inst *h, const char *why)
{
	uint64_t now = sk_mono_ns();
	h->retry_log_pending++;
	if (h->retry_log_ns != 0 && now - h->retry_log_ns < LOG_EVERY_NS) {
		return;
	}
	h->api->log(h->host, SK_LOG_WARNING, "will retry %" PRIu64 " failed request(s), last: %s",
		    h->retry_log_pending, why);
	h->retry_log_pending = 0;
	h->retry_log_ns = now;
}

/* One POST of body with headers hdr. Returns the verdict; on failure *why
 * says what happened. */
static enum http_verdict post(struct http_inst *h, const char *body, size_t len,
			      struct curl_slist *hdr, char *why, size_t whylen)
{
	if (h->compress) {
		if (http_gzip(body, len, &h->zbody) != 0) {
			snprintf(why, whylen, "cannot compress the request body");
			return HTTP_TRANSIENT;
		}
		body = h->zbody.p;
		len = h->zbody.len;
	}
	sk_sbuf_reset(&h->resp);
	h->status = 0;
	h->retry_after_s = 0;
	h->errbuf[0] = '\0';
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdr);
	CURLcode rc = curl_easy_perform(h->curl);
	h->requests++;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &h->status);
	}
	if (h->echo && rc == CURLE_OK) {
		char ex[256];
		h->api->log(h->host, SK_LOG_INFO, "answer: HTTP %ld %s", h->status,
			    resp_excerpt(h, ex, sizeof(ex)));
	}
	enum http_verdict v = http_classify((int)rc, h->status);
	if (v != HTTP_DELIVERED) {
		describe(h, rc, why, whylen);
	}
	return v;
}

/* After a transient failure: hold attempts back as Retry-After asks. */
static void note_transient(struct http_inst *h)
{
	h->attempts++;
	h->not_before_ns = h->retry_after_s ? sk_mono_ns() + h->retry_after_s * 1000000000ull : 0;
}

/* ---- one alert per request ---------------------------------------------- */

static int write_single(struct http_inst *h, const struct sk_alert *a)
{
	bool same = h->cur == a && a->uuid && strcmp(h->cur_uuid, a->uuid) == 0;
	if (!same) {
		h->cur = a;
		snprintf(h->cur_uuid, sizeof(h->cur_uuid), "%s", a->uuid ? a->uuid : "");
		h->attempts = 0;
		h->not_before_ns = 0;
	}
	if (h->not_before_ns && sk_mono_ns() < h->not_before_ns) {
		return SK_RETRY; /* Retry-After has not elapsed */
	}
	bool json = a->line == a->json;
	char why[512];
	enum http_verdict v =
	    post(h, a->line, a->line_len, json ? h->hdr_json : h->hdr_text, why, sizeof(why));
	if (v == HTTP_DELIVERED) {
		h->delivered++;
		h->cur = NULL;
		return SK_OK;
	}
	if (v == HTTP_TRANSIENT) {
		note_transient(h);
		if (h->attempts <= h->max_retries) {
			log_retry(h, why);
			return SK_RETRY;
		}
	}
	h->failed++;
	log_failure(h, 1, why, v == HTTP_TRANSIENT ? h->attempts : 0);
	h->cur = NULL;
	return SK_ERR;
}

/* ---- batches -------------------------------------------------------------- */

static void batch_reset(struct http_inst *h)
{
	h->batch_n = 0;
	h->attempts = 0;
	h->not_before_ns = 0;
	h->next_try_ns = 0;
	h->last = NULL;
	h->last_uuid[0] = '\0';
	http_batch_open(&h->batch, h->batch_format);
}

/* Send the current batch once. Caller holds the lock. Returns the verdict
 * after counting: DELIVERED and FAILED reset the batch; TRANSIENT keeps it
 * (or fails it when the retries are used up, returning FAILED). */
static enum http_verdict batch_send(struct http_inst *h)
{
	char why[512];
	size_t len = h->batch.len;
	int err = http_batch_close(&h->batch, h->batch_format);
	enum http_verdict v = HTTP_TRANSIENT;
	if (err) {
		snprintf(why, sizeof(why), "out of memory");
	} else {
		v = post(h, h->batch.p, h->batch.len,
			 h->batch_format == HTTP_BATCH_NDJSON ? h->hdr_ndjson : h->hdr_json, why,
			 sizeof(why));
	}
	sk_sbuf_truncate(&h->batch, len); /* reopen: more alerts may be appended */
	if (v == HTTP_DELIVERED) {
		h->delivered += h->batch_n;
		batch_reset(h);
		return v;
	}
	if (v == HTTP_TRANSIENT) {
		note_transient(h);
		if (h->attempts <= h->max_retries) {
			log_retry(h, why);
			uint64_t ms = BACKOFF_MIN_MS;
			for (uint64_t i = 1; i < h->attempts && ms < BACKOFF_MAX_MS; i++) {
				ms *= 2;
			}
			ms = ms > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms;
			h->next_try_ns = sk_mono_ns() + ms * 1000000ull;
			return v;
		}
	}
	h->failed += h->batch_n;
	log_failure(h, h->batch_n, why, v == HTTP_TRANSIENT ? h->attempts : 0);
	batch_reset(h);
	return HTTP_FAILED;
}

static int write_batch(struct http_inst *h, const struct sk_alert *a)
{
	int rc = SK_OK;
	pthread_mutex_lock(&h->lock);
	bool retry = h->last == a && a->uuid && strcmp(h->last_uuid, a->uuid) == 0;
	if (!retry) {
		if (http_batch_add(&h->batch, h->batch_format, h->batch_n, a->json, a->json_len) !=
		    0) {
			rc = SK_RETRY;
			goto out;
		}
		if (h->batch_n++ == 0) {
			h->batch_first_ns = sk_mono_ns();
			pthread_cond_signal(&h->cv);
		}
		if (h->batch_n < h->batch_size) {
			goto out; /* the timer thread sends it if it does not fill up */
		}
		h->last = a;
		snprintf(h->last_uuid, sizeof(h->last_uuid), "%s", a->uuid ? a->uuid : "");
	}
	/* The batch is full (only this thread sends full batches). */
	if (h->not_before_ns && sk_mono_ns() < h->not_before_ns) {
		rc = SK_RETRY;
		goto out;
	}
	switch (batch_send(h)) {
	case HTTP_DELIVERED:
		rc = SK_OK;
		break;
	case HTTP_TRANSIENT:
		rc = SK_RETRY;
		break;
	default:
		rc = SK_ERR;
		break;
	}
out:
	pthread_mutex_unlock(&h->lock);
	return rc;
}

static void *timer_main(void *arg)
{
	struct http_inst *h = arg;
	pthread_mutex_lock(&h->lock);
	while (!h->stop) {
		if (h->batch_n == 0 || h->batch_n >= h->batch_size) {
			pthread_cond_wait(&h->cv, &h->lock);
			continue;
		}
		uint64_t due = h->batch_first_ns + h->batch_timeout_ms * 1000000ull;
		due = h->not_before_ns > due ? h->not_before_ns : due;
		due = h->next_try_ns > due ? h->next_try_ns : due;
		uint64_t now = sk_mono_ns();
		if (now < due) {
			struct timespec ts = {.tv_sec = (time_t)(due / 1000000000ull),
					      .tv_nsec = (long)(due % 1000000000ull)};
			pthread_cond_timedwait(&h->cv, &h->lock, &ts);
			continue;
		}
		batch_send(h);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* ---- lifecycle ------------------------------------------------------------- */

static int add_header(struct curl_slist **l, const char *line)
{
	struct curl_slist *n = curl_slist_append(*l, line);
	if (!n) {
		return -ENOMEM;
	}
	*l = n;
	return 0;
}

/* The header list for one content type, plus the configured headers. */
static int make_headers(const struct http_conf *c, const char *ctype, struct curl_slist **ret)
{
	char line[8192];
	int err = 0;
	*ret = NULL;
	if (!http_conf_has_header(c, "Content-Type")) {
		snprintf(line, sizeof(line), "Content-Type: %s", ctype);
		err = add_header(ret, line);
	}
	if (!err && c->compress_uploads) {
		err = add_header(ret, "Content-Encoding: gzip");
	}
	if (!err) {
		err = add_header(ret, "Expect:"); /* no 100-continue round trip */
	}
	for (size_t i = 0; !err && i < c->headers.n; i++) {
		const char *v = c->headers.values[i] ? c->headers.values[i] : "";
		/* "Name;" sends an empty header in libcurl, "Name:" removes one. */
		if (v[0]) {
			snprintf(line, sizeof(line), "%s: %s", c->headers.keys[i], v);
		} else {
			snprintf(line, sizeof(line), "%s;", c->headers.keys[i]);
		}
		err = add_header(ret, line);
	}
	return err;
}

static int setup_curl(struct http_inst *h, const struct http_conf *c, char *err, size_t errlen)
{
	CURL *e = h->curl;
	CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                                              \
	do {                                                                                       \
		if (rc == CURLE_OK) {                                                              \
			rc = curl_easy_setopt(e, opt, val);                                        \
		}                                                                                  \
	} while (0)
	SET(CURLOPT_URL, c->url);
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_USERAGENT, c->user_agent ? c->user_agent : "shrike/1.0");
	SET(CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, h);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, h);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->ca_cert && c->ca_cert[0]) {
		SET(CURLOPT_CAINFO, c->ca_cert);
	} else if (c->ca_bundle && c->ca_bundle[0]) {
		SET(CURLOPT_CAINFO, c->ca_bundle);
	}
	if (c->ca_path && c->ca_path[0]) {
		SET(CURLOPT_CAPATH, c->ca_path);
	}
	if (c->mtls) {
		SET(CURLOPT_SSLCERT, c->client_cert);
		SET(CURLOPT_SSLKEY, c->client_key);
	}
	if (c->keep_alive) {
		SET(CURLOPT_TCP_KEEPALIVE, 1L);
	} else {
		SET(CURLOPT_FORBID_REUSE, 1L);
	}
#undef SET
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "libcurl refuses an option: %s", curl_easy_strerror(rc));
		return -EINVAL;
	}
	return 0;
}

static int http_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	const struct http_conf *c = in->config;
	struct http_inst *h = NULL;

	if (!c) {
		snprintf(err, errlen, "url: a URL is required");
		return SK_ERR;
	}
	if (http_conf_check(c, err, errlen) != 0) {
		return SK_ERR;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return SK_ERR;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		curl_global_cleanup();
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = h;
	h->api = in->api;
	h->host = in->host;
	h->compress = c->compress_uploads;
	h->echo = c->echo;
	h->max_retries = c->max_retries;
	h->batch_size = c->batch_size ? (size_t)c->batch_size : 1;
	h->batch_format = c->batch_format;
	h->batch_timeout_ms = c->batch_timeout_ms ? c->batch_timeout_ms : 1000;
	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);

	h->curl = curl_easy_init();
	if (!h->curl || make_headers(c, "application/json", &h->hdr_json) ||
	    make_headers(c, "text/plain", &h->hdr_text) ||
	    make_headers(c, "application/x-ndjson", &h->hdr_ndjson)) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	if (setup_curl(h, c, err, errlen) != 0) {
		return SK_ERR;
	}
	if (h->batch_size > 1) {
		if (http_batch_open(&h->batch, h->batch_format) != 0) {
			snprintf(err, errlen, "out of memory");
			return SK_ERR;
		}
		int e = pthread_create(&h->timer, NULL, timer_main, h);
		if (e) {
			snprintf(err, errlen, "cannot start the batch timer thread: %s",
				 strerror(e));
			return SK_ERR;
		}
		h->timer_started = true;
	}
	if (c->ca_path && c->ca_path[0] && access(c->ca_path, R_OK | X_OK) != 0) {
		h->api->log(h->host, SK_LOG_WARNING, "ca_path %s: %s (ignored)", c->ca_path,
			    strerror(errno));
	}
	h->api->log(h->host, SK_LOG_INFO, "posting alerts to %s%s", c->url,
		    h->batch_size > 1 ? " in batches" : "");
	return SK_OK;
}

/* At shutdown: send what is left of the batch, retrying for a few seconds. */
static void send_last_batch(struct http_inst *h)
{
	uint64_t end = sk_mono_ns() + SHUTDOWN_SEND_MS * 1000000ull;
	while (h->batch_n > 0) {
		size_t n = h->batch_n;
		enum http_verdict v = batch_send(h);
		if (v != HTTP_TRANSIENT) {
			return;
		}
		uint64_t wake =
		    h->next_try_ns > h->not_before_ns ? h->next_try_ns : h->not_before_ns;
		if (wake >= end) {
			h->failed += n;
			h->api->log(h->host, SK_LOG_ERROR,
				    "%zu alert(s) of the last batch not delivered at shutdown", n);
			return;
		}
		uint64_t now = sk_mono_ns();
		if (wake > now) {
			struct timespec ts = {.tv_sec = (time_t)((wake - now) / 1000000000ull),
					      .tv_nsec = (long)((wake - now) % 1000000000ull)};
			nanosleep(&ts, NULL);
		}
	}
}

static void http_destroy(void *inst)
{
	struct http_inst *h = inst;
	if (!h) {
		return;
	}
	if (h->timer_started) {
		pthread_mutex_lock(&h->lock);
		h->stop = true;
		pthread_cond_signal(&h->cv);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->timer, NULL);
	}
	if (h->curl && h->batch_n > 0) {
		send_last_batch(h);
	}
	if (h->api && h->curl) {
		h->api->log(h->host, SK_LOG_INFO,
			    "%" PRIu64 " alert(s) delivered, %" PRIu64 " failed, in %" PRIu64
			    " request(s)",
			    h->delivered, h->failed, h->requests);
	}
	if (h->curl) {
		curl_easy_cleanup(h->curl);
	}
	curl_slist_free_all(h->hdr_json);
	curl_slist_free_all(h->hdr_text);
	curl_slist_free_all(h->hdr_ndjson);
	sk_sbuf_free(&h->zbody);
	sk_sbuf_free(&h->resp);
	sk_sbuf_free(&h->batch);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->lock);
	free(h);
	curl_global_cleanup();
}

static int http_write(void *inst, const struct sk_alert *alert)
{
	struct http_inst *h = inst;
	return h->batch_size > 1 ? write_batch(h, alert) : write_single(h, alert);
}

SK_PLUGIN_OPS(sk_output_ops, http_output_ops, .write = http_write);
SK_PLUGIN_DEFINE(.name = "http", .version = "1.0.0",
		 .description = "POSTs alerts to an HTTP(S) collector (libcurl)",
		 .contact = "https://github.com/shrike-security/shrike", .params = http_params,
		 .config_size = sizeof(struct http_conf), .init = http_init,
		 .destroy = http_destroy, .output = &http_output_ops);
