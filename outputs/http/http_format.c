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

/* After a failed add, cut the body back to mark and clear the failure: the
 * batch keeps what it had and a later add may succeed. */
static int undo_failed(struct sk_sbuf *b, size_t mark)
{
	if (!b->oom) {
		return 0;
	}
	b->oom = false;
	sk_sbuf_truncate(b, mark);
	return -ENOMEM;
}

int http_batch_open(struct sk_sbuf *b, int format)
{
	sk_sbuf_reset(b);
	return sk_sbuf_add(b, "[", format == HTTP_BATCH_ARRAY ? 1 : 0);
}

int http_batch_add(struct sk_sbuf *b, int format, size_t n, const char *json, size_t len)
{
	size_t mark = b->len;
	if (format == HTTP_BATCH_ARRAY && n > 0) {
		sk_sbuf_add(b, ",", 1);
	}
	sk_sbuf_add(b, json, len);
	if (format == HTTP_BATCH_NDJSON) {
		sk_sbuf_add(b, "\n", 1);
	}
	return undo_failed(b, mark);
}

int http_batch_close(struct sk_sbuf *b, int format)
{
	size_t mark = b->len;
	sk_sbuf_add(b, "]", format == HTTP_BATCH_ARRAY ? 1 : 0);
	return undo_failed(b, mark);
}

const char *http_batch_content_type(int format)
{
	return format == HTTP_BATCH_NDJSON ? "application/x-ndjson" : "application/json";
}

int http_gzip(const void *in, size_t n, struct sk_sbuf *out)
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
	sk_sbuf_reset(out);
	if (sk_sbuf_reserve(out, bound) != 0) {
		err = -ENOMEM;
		goto out;
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
