/* sources/k8saudit/k8saudit_conf.c - the k8saudit plugin's configuration:
 * its init_config schema, open_params (webhook URL or audit log file) and
 * the checks across keys.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "k8saudit.h"

#define C(m) offsetof(struct k8s_conf, m)

const struct sk_param k8s_params[] = {
    {.name = "max_body_bytes",
     .type = SK_PARAM_SIZE,
     .def = "12M",
     .offset = C(max_body_bytes),
     .min = 1024,
     .max = 1024 * 1024 * 1024,
     .desc = "largest webhook request body; larger ones get 413"},
    {.name = "max_event_bytes",
     .type = SK_PARAM_SIZE,
     .def = "256k",
     .offset = C(max_event_bytes),
     .min = 256,
     .max = 4 * 1024 * 1024 - 4096,
     .desc = "largest single audit event; larger ones are dropped and counted"},
    {.name = "queue_events",
     .type = SK_PARAM_UINT,
     .def = "65536",
     .offset = C(queue_events),
     .min = 1,
     .max = 16 * 1024 * 1024,
     .desc = "events waiting for the engine; a request that does not fit gets 503"},
    {.name = "queue_bytes",
     .type = SK_PARAM_SIZE,
     .def = "256M",
     .offset = C(queue_bytes),
     .min = 4096,
     .max = (int64_t)64 * 1024 * 1024 * 1024,
     .desc = "memory of events waiting for the engine (text, and parsed form as 8x the text)"},
    {.name = "threads",
     .type = SK_PARAM_UINT,
     .def = "2",
     .offset = C(threads),
     .min = 1,
     .max = 64,
     .desc = "webhook worker threads"},
    {.name = "timeout",
     .type = SK_PARAM_DURATION,
     .def = "30s",
     .offset = C(timeout_ms),
     .min = 1000,
     .max = 3600000,
     .desc = "close webhook connections idle this long, or whose request takes longer"},
    {.name = "connection_limit",
     .type = SK_PARAM_UINT,
     .def = "128",
     .offset = C(conn_limit),
     .min = 1,
     .max = 100000,
     .desc = "open webhook connections at most; more are refused"},
    {.name = "connection_limit_per_address",
     .type = SK_PARAM_UINT,
     .def = "32",
     .offset = C(conn_per_ip),
     .min = 1,
     .max = 100000,
     .desc = "open webhook connections from one client address at most"},
    {.name = "webhook_token",
     .type = SK_PARAM_STR,
     .flags = SK_PARAM_SECRET,
     .offset = C(webhook_token),
     .desc = "bearer token the webhook requires (Authorization: Bearer ...); unset: none"},
    {.name = "ssl_certificate",
     .type = SK_PARAM_STR,
     .offset = C(ssl_certificate),
     .desc = "PEM certificate for https:// (may also hold the key)"},
    {.name = "ssl_key",
     .type = SK_PARAM_STR,
     .offset = C(ssl_key),
     .desc = "PEM private key for https:// (default: ssl_certificate)"},
    {.name = "cluster_name",
     .type = SK_PARAM_STR,
     .offset = C(cluster_name),
     .desc = "value of ka.cluster.name for every event of this instance"},
    {.name = NULL},
};

static int parse_url(const char *p, struct k8s_open *o, char *err, size_t errlen)
{
	/* p points after "://": [HOST][:PORT][/PATH] */
	const char *slash = strchr(p, '/');
	const char *hend = slash ? slash : p + strlen(p);
	const char *colon = NULL;
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(hend - p));
		if (rb == NULL) {
			snprintf(err, errlen, "open_params: unterminated '[' in the address");
			return -EINVAL;
		}
		if ((size_t)(rb - p - 1) >= sizeof(o->host)) {
			goto toolong;
		}
		memcpy(o->host, p + 1, (size_t)(rb - p - 1));
		o->host[rb - p - 1] = '\0';
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (rb + 1 != hend && colon == NULL) {
			snprintf(err, errlen, "open_params: unexpected text after ']'");
			return -EINVAL;
		}
	} else {
		colon = memchr(p, ':', (size_t)(hend - p));
		const char *e = colon ? colon : hend;
		if ((size_t)(e - p) >= sizeof(o->host)) {
			goto toolong;
		}
		memcpy(o->host, p, (size_t)(e - p));
		o->host[e - p] = '\0';
	}
	o->port = o->tls ? 443 : 80;
	if (colon != NULL) {
		char *end = NULL;
		errno = 0;
		unsigned long port = strtoul(colon + 1, &end, 10);
		if (end == colon + 1 || end != hend || errno != 0 || port > 65535) {
			snprintf(err, errlen, "open_params: bad port '%.*s' (0-65535, 0: any free port)",
				 (int)(hend - colon - 1), colon + 1);
			return -EINVAL;
		}
		o->port = (uint16_t)port;
	}
	const char *path = slash ? slash : "/";
	if (strlen(path) >= sizeof(o->path)) {
		goto toolong;
	}
	snprintf(o->path, sizeof(o->path), "%s", path);
	return 0;
toolong:
	snprintf(err, errlen, "open_params: too long");
	return -EINVAL;
}

int k8s_parse_open_params(const char *params, struct k8s_open *ret, char *err, size_t errlen)
{
	memset(ret, 0, sizeof(*ret));
	if (params == NULL || params[0] == '\0') {
		params = "http://:9765/k8s-audit";
	}
	if (strncmp(params, "http://", 7) == 0) {
		ret->mode = K8S_MODE_WEBHOOK;
		return parse_url(params + 7, ret, err, errlen);
	}
	if (strncmp(params, "https://", 8) == 0) {
		ret->mode = K8S_MODE_WEBHOOK;
		ret->tls = true;
		return parse_url(params + 8, ret, err, errlen);
	}
	const char *path = strncmp(params, "file://", 7) == 0 ? params + 7 : params;
	if (strstr(params, "://") != NULL && path == params) {
		snprintf(err, errlen,
			 "open_params: unsupported scheme in '%s' (use http://, https://, "
			 "file:// or a file name)",
			 params);
		return -EINVAL;
	}
	if (path[0] == '\0' || strlen(path) >= sizeof(ret->path)) {
		snprintf(err, errlen, "open_params: bad file name '%s'", params);
		return -EINVAL;
	}
	ret->mode = K8S_MODE_FILE;
	snprintf(ret->path, sizeof(ret->path), "%s", path);
	return 0;
}

int k8s_check_conf(const struct k8s_conf *c, const struct k8s_open *o, char *err, size_t errlen)
{
	if (c->max_event_bytes > c->max_body_bytes) {
		snprintf(err, errlen, "max_event_bytes (%llu) is larger than max_body_bytes (%llu)",
			 (unsigned long long)c->max_event_bytes,
			 (unsigned long long)c->max_body_bytes);
		return -EINVAL;
	}
	if (o->mode == K8S_MODE_WEBHOOK && o->tls) {
		if (c->ssl_certificate == NULL) {
			snprintf(err, errlen, "https:// needs ssl_certificate (and ssl_key) in "
					      "init_config");
			return -EINVAL;
		}
		const char *files[2] = {c->ssl_certificate,
					c->ssl_key ? c->ssl_key : c->ssl_certificate};
		for (int i = 0; i < 2; i++) {
			if (access(files[i], R_OK) != 0) {
				snprintf(err, errlen, "%s: %s", files[i], strerror(errno));
				return -errno;
			}
		}
	}
	return 0;
}
