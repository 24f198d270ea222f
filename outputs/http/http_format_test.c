/* outputs/http/http_format_test.c - the http output's pure parts: batch
 * bodies, gzip, answer verdicts, Retry-After, and the configuration's
 * cross-field rules. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <zlib.h>

#include "http.h"

static void test_batch_bodies(void **state)
{
	(void)state;
	struct sk_sbuf b = {0};
	const char *a[] = {"{\"n\":1}", "{\"n\":2}", "{\"n\":3}"};
	assert_int_equal(http_batch_open(&b, HTTP_BATCH_ARRAY), 0);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(http_batch_add(&b, HTTP_BATCH_ARRAY, i, a[i], strlen(a[i])), 0);
	}
	assert_int_equal(http_batch_close(&b, HTTP_BATCH_ARRAY), 0);
	assert_string_equal(b.p, "[{\"n\":1},{\"n\":2},{\"n\":3}]");
	assert_int_equal(b.len, strlen(b.p));

	assert_int_equal(http_batch_open(&b, HTTP_BATCH_NDJSON), 0);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(http_batch_add(&b, HTTP_BATCH_NDJSON, i, a[i], strlen(a[i])), 0);
	}
	assert_int_equal(http_batch_close(&b, HTTP_BATCH_NDJSON), 0);
	assert_string_equal(b.p, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
	assert_string_equal(http_batch_content_type(HTTP_BATCH_NDJSON), "application/x-ndjson");
	assert_string_equal(http_batch_content_type(HTTP_BATCH_ARRAY), "application/json");
	sk_sbuf_free(&b);
}

static void test_gzip_roundtrip(void **state)
{
	(void)state;
	char in[5000];
	for (size_t i = 0; i < sizeof(in); i++) {
		in[i] = (char)('a' + i % 7);
	}
	struct sk_sbuf z = {0};
	assert_int_equal(http_gzip(in, sizeof(in), &z), 0);
	assert_true(z.len < sizeof(in));
	assert_int_equal((unsigned char)z.p[0], 0x1f); /* gzip magic */
	assert_int_equal((unsigned char)z.p[1], 0x8b);
	char out[6000];
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)z.p;
	zs.avail_in = (uInt)z.len;
	zs.next_out = (Bytef *)out;
	zs.avail_out = sizeof(out);
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, sizeof(in));
	assert_memory_equal(out, in, sizeof(in));
	inflateEnd(&zs);
	/* The buffer is reused. */
	assert_int_equal(http_gzip("", 0, &z), 0);
	assert_true(z.len > 0);
	sk_sbuf_free(&z);
}

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(http_classify(CURLE_OK, 200), HTTP_DELIVERED);
	assert_int_equal(http_classify(CURLE_OK, 204), HTTP_DELIVERED);
	assert_int_equal(http_classify(CURLE_OK, 408), HTTP_TRANSIENT);
	assert_int_equal(http_classify(CURLE_OK, 429), HTTP_TRANSIENT);
	assert_int_equal(http_classify(CURLE_OK, 500), HTTP_TRANSIENT);
	assert_int_equal(http_classify(CURLE_OK, 503), HTTP_TRANSIENT);
	assert_int_equal(http_classify(CURLE_OK, 400), HTTP_FAILED);
	assert_int_equal(http_classify(CURLE_OK, 401), HTTP_FAILED);
	assert_int_equal(http_classify(CURLE_OK, 404), HTTP_FAILED);
	assert_int_equal(http_classify(CURLE_OK, 301), HTTP_FAILED);
	assert_int_equal(http_classify(CURLE_COULDNT_CONNECT, 0), HTTP_TRANSIENT);
	assert_int_equal(http_classify(CURLE_OPERATION_TIMEDOUT, 0), HTTP_TRANSIENT);
	assert_int_equal(http_classify(CURLE_RECV_ERROR, 0), HTTP_TRANSIENT);
	assert_int_equal(http_classify(CURLE_GOT_NOTHING, 0), HTTP_TRANSIENT);
	assert_int_equal(http_classify(CURLE_PEER_FAILED_VERIFICATION, 0), HTTP_FAILED);
	assert_int_equal(http_classify(CURLE_URL_MALFORMAT, 0), HTTP_FAILED);
}

static void test_retry_after(void **state)
{
	(void)state;
	assert_int_equal(http_retry_after("3", 0, 60), 3);
	assert_int_equal(http_retry_after(" 7 ", 0, 60), 7);
	assert_int_equal(http_retry_after("3600", 0, 60), 60);
	assert_int_equal(http_retry_after("99999999999999999999999", 0, 60), 60);
	assert_int_equal(http_retry_after("", 0, 60), 0);
	assert_int_equal(http_retry_after(NULL, 0, 60), 0);
	assert_int_equal(http_retry_after("soon", 0, 60), 0);
	assert_int_equal(http_retry_after("5s", 0, 60), 0);
	/* HTTP-date: Sun, 06 Nov 1994 08:49:37 GMT is 784111777. */
	assert_int_equal(http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111770, 60), 7);
	assert_int_equal(http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111800, 60), 0);
}

static struct http_conf conf(void)
{
	return (struct http_conf){
	    .url = "http://127.0.0.1:2801/",
	    .timeout_ms = 1000,
	    .connect_timeout_ms = 1000,
	    .batch_size = 1,
	};
}

static void test_conf_check(void **state)
{
	(void)state;
	char err[512];
	struct http_conf c = conf();
	assert_int_equal(http_conf_check(&c, err, sizeof(err)), 0);

	c.url = "ftp://example.org/";
	assert_int_equal(http_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "url: "));

	c = conf();
	c.mtls = true;
	assert_int_equal(http_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "client_cert: mtls: true needs"));

	/* falco.yaml's defaults: client files and a CA directory that may not
	 * exist, with mtls: false. Accepted. */
	c = conf();
	c.client_cert = "/etc/falco/certs/client/client.crt";
	c.client_key = "/etc/falco/certs/client/client.key";
	c.ca_path = "/etc/falco/certs/";
	assert_int_equal(http_conf_check(&c, err, sizeof(err)), 0);
	c.mtls = true;
	assert_int_equal(http_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "client_cert: cannot read /etc/falco/certs/client/client.crt"));

	c = conf();
	c.ca_cert = "/nonexistent/ca.pem";
	assert_int_equal(http_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ca_cert: cannot read /nonexistent/ca.pem"));

	c = conf();
	c.ca_cert = "/dev/null";
	c.ca_bundle = "/dev/null";
	assert_int_equal(http_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not both"));

	char *keys[] = {"Authorization", "Bad Name"};
	char *vals[] = {"Bearer t0k3n", "x"};
	c = conf();
	c.headers = (struct sk_strmap){.keys = keys, .values = vals, .n = 1};
	assert_int_equal(http_conf_check(&c, err, sizeof(err)), 0);
	assert_false(http_conf_has_header(&c, "content-type"));
	assert_true(http_conf_has_header(&c, "AUTHORIZATION"));
	c.headers.n = 2;
	assert_int_equal(http_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "\"Bad Name\" is not a valid header name"));

	char *k2[] = {"Authorization"};
	char *v2[] = {"Bearer secret\r\nX-Evil: 1"};
	c.headers = (struct sk_strmap){.keys = k2, .values = v2, .n = 1};
	assert_int_equal(http_conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "headers.Authorization: "));
	assert_null(strstr(err, "secret")); /* values are never echoed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_batch_bodies), cmocka_unit_test(test_gzip_roundtrip),
	    cmocka_unit_test(test_classify),	 cmocka_unit_test(test_retry_after),
	    cmocka_unit_test(test_conf_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
