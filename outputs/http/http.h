/* outputs/http/http.h - what the http output plugin's files share: the
 * configuration struct the host fills (http_conf.c checks it) and the pure
 * helpers of http_format.c (request bodies, gzip, answer classification).
 * Internal to the plugin: nothing here is exported from the module.
 */
#ifndef SK_OUTPUTS_HTTP_HTTP_H
#define SK_OUTPUTS_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/plugin.h>

#include "common/sbuf.h"

enum http_batch_format { HTTP_BATCH_ARRAY = 0, HTTP_BATCH_NDJSON = 1 };

/* Filled by the host from http_params (http_conf.c). */
struct http_conf {
	char *url;
	char *user_agent;
	bool insecure;
	char *ca_cert;
	char *ca_bundle;
	char *ca_path;
	bool mtls;
	char *client_cert;
	char *client_key;
	bool echo;
	bool compress_uploads;
	bool keep_alive;
	struct sk_strmap headers;
	uint64_t timeout_ms;
	uint64_t connect_timeout_ms;
	uint64_t max_retries;
	uint64_t batch_size;
	int batch_format; /* enum http_batch_format */
	uint64_t batch_timeout_ms;
};

extern const struct sk_param http_params[];

/* http_conf_check - cross-field rules (URL scheme, CA options, mTLS files,
 * header names). Returns 0, or -EINVAL with one line in err naming the key.
 * Header values (secrets) never appear in err. */
int http_conf_check(const struct http_conf *c, char *err, size_t errlen);

/* http_conf_has_header - whether c->headers sets `name` (case-insensitive). */
bool http_conf_has_header(const struct http_conf *c, const char *name);

/* http_batch_open / http_batch_add / http_batch_close - build a request
 * body of JSON alerts: `[a,b,c]` for HTTP_BATCH_ARRAY, `a\nb\nc\n` for
 * HTTP_BATCH_NDJSON. add() appends one JSON object (json, len) after n
 * earlier ones. Return 0 or -ENOMEM; add() and close() leave the body as it
 * was when they fail (and the next call may succeed). */
int http_batch_open(struct sk_sbuf *b, int format);
int http_batch_add(struct sk_sbuf *b, int format, size_t n, const char *json, size_t len);
int http_batch_close(struct sk_sbuf *b, int format);

/* http_batch_content_type - "application/json" or "application/x-ndjson". */
const char *http_batch_content_type(int format);

/* http_gzip - compress in (n bytes) as a gzip member into out (replacing
 * its content). Returns 0, -ENOMEM or -EIO. */
int http_gzip(const void *in, size_t n, struct sk_sbuf *out);

/* What to do after one attempt. */
enum http_verdict {
	HTTP_DELIVERED = 0, /* 2xx */
	HTTP_TRANSIENT = 1, /* 408, 429, 5xx, refused/reset connections, timeouts: retry */
	HTTP_FAILED = 2,    /* any other answer or error: give up now */
};

/* http_classify - verdict for a libcurl result code `curl_rc` (a CURLcode)
 * and, when curl_rc is 0, the HTTP status. */
enum http_verdict http_classify(int curl_rc, long status);

/* http_retry_after - seconds to wait from a Retry-After header value
 * (delta-seconds, or an HTTP-date relative to now_s), capped at cap_s; 0 when
 * absent, in the past or unreadable. */
uint64_t http_retry_after(const char *value, int64_t now_s, uint64_t cap_s);

#endif /* SK_OUTPUTS_HTTP_HTTP_H */
