/* outputs/http/http_conf.c - the http output's configuration schema
 * (http_output keys: falco.yaml's, plus headers, timeouts, retries and
 * batching) and its cross-field rules.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http.h"

#define C(m) offsetof(struct http_conf, m)

static const char *const batch_formats[] = {"array", "ndjson", NULL};

const struct sk_param http_params[] = {
    {.name = "url",
     .type = SK_PARAM_STR,
     .offset = C(url),
     .desc = "where alerts are POSTed (http:// or https://); required when enabled"},
    {.name = "user_agent",
     .type = SK_PARAM_STR,
     .def = "shrike/1.0",
     .offset = C(user_agent),
     .desc = "User-Agent header"},
    {.name = "insecure",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = C(insecure),
     .desc = "do not verify the server's certificate and name (testing only)"},
    {.name = "ca_cert",
     .type = SK_PARAM_STR,
     .offset = C(ca_cert),
     .desc = "CA certificate (PEM file) that verifies the server"},
    {.name = "ca_bundle",
     .type = SK_PARAM_STR,
     .offset = C(ca_bundle),
     .desc = "CA bundle (PEM file) that verifies the server"},
    {.name = "ca_path",
     .type = SK_PARAM_STR,
     .offset = C(ca_path),
     .desc = "directory of CA certificates (c_rehash layout)"},
    {.name = "mtls",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = C(mtls),
     .desc = "present a client certificate (client_cert, client_key)"},
    {.name = "client_cert",
     .type = SK_PARAM_STR,
     .offset = C(client_cert),
     .desc = "client certificate (PEM file) for mtls"},
    {.name = "client_key",
     .type = SK_PARAM_STR,
     .offset = C(client_key),
     .desc = "client private key (PEM file) for mtls"},
    {.name = "echo",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = C(echo),
     .desc = "log the receiver's answers (Shrike logs them; Falco printed them)"},
    {.name = "compress_uploads",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = C(compress_uploads),
     .desc = "gzip request bodies (Content-Encoding: gzip)"},
    {.name = "keep_alive",
     .type = SK_PARAM_BOOL,
     .def = "true",
     .offset = C(keep_alive),
     .desc = "reuse one connection for every request"},
    {.name = "headers",
     .type = SK_PARAM_STRMAP,
     .flags = SK_PARAM_SECRET,
     .offset = C(headers),
     .desc = "extra request headers, e.g. Authorization: Bearer ... (never logged)"},
    {.name = "timeout_ms",
     .type = SK_PARAM_UINT,
     .def = "10000",
     .offset = C(timeout_ms),
     .min = 1,
     .max = 3600000,
     .desc = "limit of one whole request, ms"},
    {.name = "connect_timeout_ms",
     .type = SK_PARAM_UINT,
     .def = "5000",
     .offset = C(connect_timeout_ms),
     .min = 1,
     .max = 3600000,
     .desc = "limit of connecting (TCP and TLS), ms"},
    {.name = "max_retries",
     .type = SK_PARAM_UINT,
     .def = "10",
     .offset = C(max_retries),
     .max = 1000000,
     .desc = "retries of a request after 408, 429, 5xx, refused/reset "
	     "connections and timeouts, then it fails"},
    {.name = "batch_size",
     .type = SK_PARAM_UINT,
     .def = "1",
     .offset = C(batch_size),
     .min = 1,
     .max = 100000,
     .desc = "alerts per request (more than 1: a JSON array or NDJSON)"},
    {.name = "batch_format",
     .type = SK_PARAM_ENUM,
     .def = "array",
     .offset = C(batch_format),
     .enum_values = batch_formats,
     .desc = "body of a batch: array (JSON array) or ndjson (one JSON object per line)"},
    {.name = "batch_timeout_ms",
     .type = SK_PARAM_UINT,
     .def = "1000",
     .offset = C(batch_timeout_ms),
     .min = 1,
     .max = 3600000,
     .desc = "send a batch that is not full after this long, ms"},
    {.name = NULL},
};

static bool is_set(const char *s)
{
	return s && s[0];
}

static int readable(const char *key, const char *path, char *err, size_t errlen)
{
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: cannot read %s: %s", key, path, strerror(errno));
		return -EINVAL;
	}
	return 0;
}

/* RFC 9110 token characters. */
static bool is_token(const char *s)
{
	if (!*s) {
		return false;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!isalnum(c) && !strchr("!#$%&'*+-.^_`|~", c)) {
			return false;
		}
	}
	return true;
}

bool http_conf_has_header(const struct http_conf *c, const char *name)
{
	for (size_t i = 0; i < c->headers.n; i++) {
		if (strcasecmp(c->headers.keys[i], name) == 0) {
			return true;
		}
	}
	return false;
}

int http_conf_check(const struct http_conf *c, char *err, size_t errlen)
{
	if (!is_set(c->url)) {
		snprintf(err, errlen, "url: a URL is required");
		return -EINVAL;
	}
	if (strncasecmp(c->url, "http://", 7) != 0 && strncasecmp(c->url, "https://", 8) != 0) {
		snprintf(err, errlen, "url: \"%s\" must start with http:// or https://", c->url);
		return -EINVAL;
	}
	if (is_set(c->ca_cert) && is_set(c->ca_bundle)) {
		snprintf(err, errlen, "ca_bundle: set ca_cert or ca_bundle, not both");
		return -EINVAL;
	}
	if ((is_set(c->ca_cert) && readable("ca_cert", c->ca_cert, err, errlen)) ||
	    (is_set(c->ca_bundle) && readable("ca_bundle", c->ca_bundle, err, errlen))) {
		return -EINVAL;
	}
	/* ca_path is not checked: falco.yaml sets it to /etc/falco/certs/ by
	 * default, which rarely exists; libcurl then uses its own CAs. */
	if (c->mtls) {
		if (!is_set(c->client_cert) || !is_set(c->client_key)) {
			snprintf(err, errlen, "%s: mtls: true needs client_cert and client_key",
				 is_set(c->client_cert) ? "client_key" : "client_cert");
			return -EINVAL;
		}
		if (readable("client_cert", c->client_cert, err, errlen) ||
		    readable("client_key", c->client_key, err, errlen)) {
			return -EINVAL;
		}
	}
	/* Without mtls, client_cert and client_key are ignored: falco.yaml
	 * sets both by default with mtls: false. */
	for (size_t i = 0; i < c->headers.n; i++) {
		const char *k = c->headers.keys[i];
		const char *v = c->headers.values[i] ? c->headers.values[i] : "";
		if (!is_token(k)) {
			snprintf(err, errlen, "headers: \"%s\" is not a valid header name", k);
			return -EINVAL;
		}
		if (strpbrk(v, "\r\n")) {
			/* The value may be a secret: name the header only. */
			snprintf(err, errlen, "headers.%s: the value must be on one line", k);
			return -EINVAL;
		}
		if (strcasecmp(k, "Content-Length") == 0 ||
		    strcasecmp(k, "Content-Encoding") == 0 ||
		    strcasecmp(k, "Transfer-Encoding") == 0 || strcasecmp(k, "Host") == 0) {
			snprintf(err, errlen, "headers.%s: set by Shrike itself", k);
			return -EINVAL;
		}
	}
	return 0;
}
