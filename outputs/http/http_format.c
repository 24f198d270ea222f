/* outputs/http/http_format.c - pure parts of the http output: request
 * bodies for batches (JSON array or newline-delimited JSON), gzip for
 * compress_uploads, what an answer means (delivered, retry, failed) and
 * Retry-After. Unit-tested in http_format_test.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <zlib.h>

#include "http.h"

int http_buf_add(struct http_buf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1) {
			cap *= 2;
		}
		char *p = realloc(b->p, cap);
		if (!p) {
			return -ENOMEM;
		}
		b->p = p;
		b->cap = cap;
	}
	if (n > 0) {
		memcpy(b->p + b->len, s, n);
	}
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

void http_buf_free(struct http_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

int http_batch_open(struct http_buf *b, int format)
{
	b->len = 0;
	return http_buf_add(b, "[", format == HTTP_BATCH_ARRAY ? 1 : 0);
}

int http_batch_add(struct http_buf *b, int format, size_t n, const char *json, size_t len)
{
	int err = 0;
	if (format == HTTP_BATCH_ARRAY && n > 0) {
		err = http_buf_add(b, ",", 1);
	}
	if (!err) {
		err = http_buf_add(b, json, len);
	}
	if (!err && format == HTTP_BATCH_NDJSON) {
		err = http_buf_add(b, "\n", 1);
	}
	return err;
}

int http_batch_close(struct http_buf *b, int format)
{
	return http_buf_add(b, "]", format == HTTP_BATCH_ARRAY ? 1 : 0);
}

const char *http_batch_content_type(int format)
{
	return format == HTTP_BATCH_NDJSON ? "application/x-ndjson" : "application/json";
}

int http_gzip(const void *in, size_t n, struct http_buf *out)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	/* windowBits 15 + 16: a gzip header and trailer, not zlib's. */
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		return -ENOMEM;
	}
	int err = 0;
	size_t bound = deflateBound(&zs, (uLong)n);
	out->len = 0;
	if (out->cap < bound + 1) {
		char *p = realloc(out->p, bound + 1);
		if (!p) {
			err = -ENOMEM;
			goto out;
		}
		out->p = p;
		out->cap = bound + 1;
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = (Bytef *)out->p;
	zs.avail_out = (uInt)bound;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		err = -EIO;
		goto out;
	}
	out->len = zs.total_out;
	out->p[out->len] = '\0';
out:
	deflateEnd(&zs);
	return err;
}

enum http_verdict http_classify(int curl_rc, long status)
{
	switch ((CURLcode)curl_rc) {
	case CURLE_OK:
		break;
	/* The receiver is down, restarting, overloaded or cut the connection:
	 * it may well take the alert a moment later. */
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return HTTP_TRANSIENT;
	default:
		/* Wrong URL, certificate not trusted, unreadable client key...:
		 * retrying does not help. */
		return HTTP_FAILED;
	}
	if (status >= 200 && status <= 299) {
		return HTTP_DELIVERED;
	}
	if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
		return HTTP_TRANSIENT;
	}
	return HTTP_FAILED;
}

uint64_t http_retry_after(const char *value, int64_t now_s, uint64_t cap_s)
{
	if (!value) {
		return 0;
	}
	while (isspace((unsigned char)*value)) {
		value++;
	}
	if (!*value) {
		return 0;
	}
	uint64_t s = 0;
	if (isdigit((unsigned char)*value)) {
		const char *p = value;
		while (isdigit((unsigned char)*p)) {
			s = s > cap_s ? s : s * 10 + (uint64_t)(*p - '0');
			p++;
		}
		while (isspace((unsigned char)*p)) {
			p++;
		}
		if (*p) {
			return 0;
		}
	} else {
		time_t t = curl_getdate(value, NULL);
		if (t == (time_t)-1 || (int64_t)t <= now_s) {
			return 0;
		}
		s = (uint64_t)((int64_t)t - now_s);
	}
	return s > cap_s ? cap_s : s;
}
