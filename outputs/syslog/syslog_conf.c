/* outputs/syslog/syslog_conf.c - syslog_output's parameter table and the
 * cross-field checks: address parsing (unix/udp/tcp), format and facility
 * to their codes, ident and hostname checked against what syslog allows.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syslog_conf.h"

static const char *const facility_names[] = {
    "kern",   "user",	"mail",	  "daemon",   "auth",	"syslog", "lpr",
    "news",   "uucp",	"cron",	  "authpriv", "ftp",	"local0", "local1",
    "local2", "local3", "local4", "local5",   "local6", "local7", NULL};

static const char *const format_names[] = {"auto", "rfc5424", "rfc3164", NULL};

const struct sk_param syslog_params[] = {
    {.name = "ident",
     .type = SK_PARAM_STR,
     .def = "shrike",
     .offset = offsetof(struct syslog_conf, ident),
     .desc = "program name (tag / APP-NAME) of the messages"},
    {.name = "facility",
     .type = SK_PARAM_ENUM,
     .def = "user",
     .offset = offsetof(struct syslog_conf, facility),
     .enum_values = facility_names,
     .desc = "syslog facility (user, as Falco's syslog(3) calls, daemon, local0..local7, ...)"},
    {.name = "address",
     .type = SK_PARAM_STR,
     .def = "",
     .offset = offsetof(struct syslog_conf, address),
     .desc = "\"\" (local /dev/log), unix:///path, udp://host:port or tcp://host:port"},
    {.name = "format",
     .type = SK_PARAM_ENUM,
     .def = "auto",
     .offset = offsetof(struct syslog_conf, format),
     .enum_values = format_names,
     .desc = "auto (syslog(3)'s form on unix sockets, RFC 5424 over the network), rfc5424, "
	     "rfc3164"},
    {.name = "hostname",
     .type = SK_PARAM_STR,
     .def = "",
     .offset = offsetof(struct syslog_conf, hostname),
     .desc = "host name in remote messages (default: this host's)"},
    {.name = "timeout",
     .type = SK_PARAM_DURATION,
     .def = "5s",
     .offset = offsetof(struct syslog_conf, timeout_ms),
     .min = 1,
     .max = 600000,
     .desc = "connect and send timeout on stream sockets (tcp, stream unix sockets)"},
    {.name = NULL},
};

/* Printable ASCII without spaces; tag: without ':' '[' ']' either. */
static bool is_token(const char *s, bool tag)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 32 || c >= 127 || (tag && (c == ':' || c == '[' || c == ']'))) {
			return false;
		}
	}
	return true;
}

static int parse_hostport(const char *scheme, const char *rest, struct syslog_target *t, char *err,
			  size_t errlen)
{
	const char *host = rest, *port = NULL;
	size_t hlen;

	if (rest[0] == '[') {
		const char *end = strchr(rest, ']');
		if (!end) {
			snprintf(err, errlen,
				 "address: missing ']' after the IPv6 address in '%s://%s'", scheme,
				 rest);
			return -EINVAL;
		}
		host = rest + 1;
		hlen = (size_t)(end - host);
		if (end[1] == ':') {
			port = end + 2;
		} else if (end[1] != '\0') {
			snprintf(err, errlen, "address: expected ':PORT' after ']' in '%s://%s'",
				 scheme, rest);
			return -EINVAL;
		}
	} else {
		const char *colon = strchr(rest, ':');
		if (colon && strchr(colon + 1, ':')) {
			snprintf(err, errlen,
				 "address: write an IPv6 address in brackets: %s://[%s]:514",
				 scheme, rest);
			return -EINVAL;
		}
		hlen = colon ? (size_t)(colon - rest) : strlen(rest);
		port = colon ? colon + 1 : NULL;
	}
	if (hlen == 0 || hlen >= sizeof(t->host) || strchr(host, '/') != NULL) {
		snprintf(err, errlen, "address: expected %s://HOST[:PORT], got '%s://%s'", scheme,
			 scheme, rest);
		return -EINVAL;
	}
	memcpy(t->host, host, hlen);
	t->host[hlen] = '\0';
	if (port) {
		char *end = NULL;
		unsigned long p = strtoul(port, &end, 10);
		if (port[0] < '0' || port[0] > '9' || *end != '\0' || p == 0 || p > 65535) {
			snprintf(err, errlen, "address: port must be 1..65535, got '%s'", port);
			return -EINVAL;
		}
		snprintf(t->port, sizeof(t->port), "%lu", p);
	} else {
		snprintf(t->port, sizeof(t->port), "514");
	}
	return 0;
}

static int parse_address(const char *a, struct syslog_target *t, char *err, size_t errlen)
{
	if (a == NULL || a[0] == '\0') {
		t->transport = SYSLOG_UNIX;
		snprintf(t->path, sizeof(t->path), "%s", SYSLOG_DEFAULT_SOCKET);
		return 0;
	}
	if (strncmp(a, "unix://", 7) == 0) {
		const char *p = a + 7;
		if (p[0] != '/') {
			snprintf(
			    err, errlen,
			    "address: expected unix:///absolute/path (three slashes), got '%s'", a);
			return -EINVAL;
		}
		if (strlen(p) >= sizeof(t->path)) {
			snprintf(err, errlen, "address: socket path longer than %zu bytes: '%s'",
				 sizeof(t->path) - 1, p);
			return -EINVAL;
		}
		t->transport = SYSLOG_UNIX;
		snprintf(t->path, sizeof(t->path), "%s", p);
		return 0;
	}
	if (strncmp(a, "udp://", 6) == 0) {
		t->transport = SYSLOG_UDP;
		return parse_hostport("udp", a + 6, t, err, errlen);
	}
	if (strncmp(a, "tcp://", 6) == 0) {
		t->transport = SYSLOG_TCP;
		return parse_hostport("tcp", a + 6, t, err, errlen);
	}
	snprintf(err, errlen,
		 "address: expected \"\" (local syslog), unix:///path, udp://host:port or "
		 "tcp://host:port, got '%s'",
		 a);
	return -EINVAL;
}

int syslog_conf_check(const struct syslog_conf *c, struct syslog_target *ret, char *err,
		      size_t errlen)
{
	memset(ret, 0, sizeof(*ret));
	int rc = parse_address(c->address, ret, err, errlen);
	if (rc) {
		return rc;
	}
	const char *ident = c->ident ? c->ident : "shrike";
	if (ident[0] == '\0' || strlen(ident) > 48 || !is_token(ident, true)) {
		snprintf(err, errlen,
			 "ident: expected 1 to 48 printable characters without spaces, ':', '[' "
			 "or ']', got '%s'",
			 ident);
		return -EINVAL;
	}
	snprintf(ret->ident, sizeof(ret->ident), "%s", ident);
	const char *host = c->hostname ? c->hostname : "";
	if (strlen(host) > 255 || !is_token(host, false)) {
		snprintf(err, errlen,
			 "hostname: expected at most 255 printable characters without spaces, got "
			 "'%s'",
			 host);
		return -EINVAL;
	}
	snprintf(ret->hostname, sizeof(ret->hostname), "%s", host);
	int fac = c->facility >= 0 && c->facility < 20
		      ? syslog_fmt_facility_code(facility_names[c->facility])
		      : -1;
	ret->facility = fac < 0 ? 1 : fac;
	switch (c->format) {
	case 1:
		ret->fmt = SYSLOG_FMT_5424;
		break;
	case 2:
		ret->fmt = ret->transport == SYSLOG_UNIX ? SYSLOG_FMT_LOCAL : SYSLOG_FMT_3164;
		break;
	default:
		ret->fmt = ret->transport == SYSLOG_UNIX ? SYSLOG_FMT_LOCAL : SYSLOG_FMT_5424;
		break;
	}
	ret->timeout_ms = c->timeout_ms ? c->timeout_ms : 5000;
	return 0;
}
