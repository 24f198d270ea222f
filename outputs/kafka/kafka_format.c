/* outputs/kafka/kafka_format.c - the kafka output's message key: a template
 * such as `%container.id` or `%rule` rendered from an alert, so related
 * alerts land in one partition. Pure code, unit-tested in
 * kafka_format_test.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kafka.h"

#define NA_TEXT "<NA>"

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

/* Length of the field name at s (with its [arg]), 0 if none. -1: an
 * unterminated [. */
static long name_len(const char *s)
{
	size_t n = 0;
	while (is_name_char(s[n])) {
		n++;
	}
	if (n > 0 && s[n] == '[') {
		const char *close = strchr(s + n, ']');
		if (!close) {
			return -1;
		}
		n = (size_t)(close - s) + 1;
	}
	return (long)n;
}

int kafka_key_check(const char *tmpl, char *err, size_t errlen)
{
	for (const char *p = tmpl; *p; p++) {
		if (*p != '%') {
			continue;
		}
		if (p[1] == '%') {
			p++;
			continue;
		}
		long n = name_len(p + 1);
		if (n < 0) {
			snprintf(err, errlen, "'[' without ']' after '%%' at offset %zu of \"%s\"",
				 (size_t)(p - tmpl), tmpl);
			return -EINVAL;
		}
		if (n == 0) {
			snprintf(err, errlen,
				 "'%%' at offset %zu of \"%s\" must be followed by a field name "
				 "(write %%%% for a percent sign)",
				 (size_t)(p - tmpl), tmpl);
			return -EINVAL;
		}
		p += n;
	}
	return 0;
}

static const char *priority_name(uint32_t p)
{
	static const char *const names[] = {"Emergency", "Alert",  "Critical",	    "Error",
					    "Warning",	 "Notice", "Informational", "Debug"};
	return p < sizeof(names) / sizeof(names[0]) ? names[p] : NA_TEXT;
}

static int render_value(struct sk_sbuf *b, const struct sk_value *v)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	switch (v->type) {
	case SK_TYPE_STRING:
	case SK_TYPE_BYTES:
		return sk_sbuf_add(b, v->str.ptr ? v->str.ptr : "", v->str.ptr ? v->str.len : 0);
	case SK_TYPE_U64:
	case SK_TYPE_ABSTIME:
	case SK_TYPE_RELTIME:
	case SK_TYPE_PORT:
		snprintf(tmp, sizeof(tmp), "%" PRIu64, v->u64);
		return sk_sbuf_adds(b, tmp);
	case SK_TYPE_I64:
		snprintf(tmp, sizeof(tmp), "%" PRId64, v->i64);
		return sk_sbuf_adds(b, tmp);
	case SK_TYPE_BOOL:
		return sk_sbuf_adds(b, v->b ? "true" : "false");
	case SK_TYPE_IPADDR:
	case SK_TYPE_IPNET: {
		int af = v->ip.family == 6 ? AF_INET6 : AF_INET;
		if (!inet_ntop(af, v->ip.addr, tmp, INET6_ADDRSTRLEN)) {
			return sk_sbuf_adds(b, NA_TEXT);
		}
		if (v->type == SK_TYPE_IPNET) {
			size_t l = strlen(tmp);
			snprintf(tmp + l, sizeof(tmp) - l, "/%u", v->ip.prefix);
		}
		return sk_sbuf_adds(b, tmp);
	}
	case SK_TYPE_LIST:
		for (uint32_t i = 0; i < v->list.n; i++) {
			int err = i > 0 ? sk_sbuf_add(b, ",", 1) : 0;
			if (!err) {
				err = render_value(b, &v->list.items[i]);
			}
			if (err) {
				return err;
			}
		}
		return sk_sbuf_add(b, "", 0);
	default:
		return sk_sbuf_adds(b, NA_TEXT);
	}
}

/* The field of a named n bytes long, by binary search (fields are sorted by
 * name with strcmp), or NULL. */
static const struct sk_alert_field *find_field(const struct sk_alert *a, const char *name, size_t n)
{
	size_t lo = 0, hi = a->fields ? a->nfields : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *fn = a->fields[mid].name ? a->fields[mid].name : "";
		int c = strncmp(fn, name, n);
		if (c == 0 && fn[n] != '\0') {
			c = 1; /* fn is longer: it sorts after name */
		}
		if (c == 0) {
			return &a->fields[mid];
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

static bool name_is(const char *name, size_t n, const char *what)
{
	return strlen(what) == n && memcmp(name, what, n) == 0;
}

static int render_name(struct sk_sbuf *b, const struct sk_alert *a, const char *name, size_t n)
{
	const char *s = NULL;
	if (name_is(name, n, "rule")) {
		s = a->rule;
	} else if (name_is(name, n, "source")) {
		s = a->source;
	} else if (name_is(name, n, "priority")) {
		s = priority_name(a->priority);
	} else if (name_is(name, n, "hostname")) {
		s = a->hostname;
	} else if (name_is(name, n, "uuid")) {
		s = a->uuid;
	} else {
		const struct sk_alert_field *f = find_field(a, name, n);
		return f ? render_value(b, &f->value) : sk_sbuf_adds(b, NA_TEXT);
	}
	return sk_sbuf_adds(b, s ? s : NA_TEXT);
}

int kafka_key_render(const char *tmpl, const struct sk_alert *a, struct sk_sbuf *b)
{
	int err = 0;
	sk_sbuf_reset(b);
	err = sk_sbuf_add(b, "", 0);
	for (const char *p = tmpl; *p && !err;) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			err = sk_sbuf_adds(b, p);
			break;
		}
		err = sk_sbuf_add(b, p, (size_t)(pct - p));
		if (err) {
			break;
		}
		if (pct[1] == '%') {
			err = sk_sbuf_add(b, "%", 1);
			p = pct + 2;
			continue;
		}
		long n = name_len(pct + 1);
		if (n <= 0) {
			/* kafka_key_check() refuses this; render it literally. */
			err = sk_sbuf_add(b, "%", 1);
			p = pct + 1;
			continue;
		}
		err = render_name(b, a, pct + 1, (size_t)n);
		p = pct + 1 + n;
	}
	return err;
}
