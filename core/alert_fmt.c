/* core/alert_fmt.c - render an alert as Falco's JSON object and text line.
 * Pure (no I/O, no global state besides the C library's time zone), so it
 * is unit-tested with golden strings (alert_fmt_test.c).
 *
 * What Falco does, and what we copy (read from falcosecurity/falco
 * userspace/engine/formats.cpp and libsinsp's utils/filterchecks):
 *   - The text line is "<time>: <Priority> <message>". <time> is
 *     %evt.time, i.e. "HH:MM:SS.nnnnnnnnn" in LOCAL time (libsinsp's
 *     ts_to_string adds the local zone offset). With time_format_iso_8601
 *     it is %evt.time.iso8601 instead: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000",
 *     UTC with a numeric zone (strftime "%FT%T", ".%09u", "%z" of gmtime).
 *   - The JSON "time" key is always UTC RFC 3339 with nine fractional
 *     digits and a "Z" ("%FT%T" of gmtime plus ".%09luZ"), whatever
 *     time_format_iso_8601 says.
 *   - "output" is the full text line; "message" the rule output alone.
 *   - The JSON object is an nlohmann::json (a std::map), so keys come out
 *     sorted byte-wise, output_fields included; tags are a std::set, so
 *     they come out sorted and without duplicates.
 *   - output_fields also holds the prefix's time field: "evt.time" (or
 *     "evt.time.iso8601" in ISO mode) with the event time as an integer of
 *     ns (libsinsp's extract_as_js returns get_ts() for both). It wins over
 *     a rule field of the same name, as in Falco.
 *   - Invalid UTF-8 is replaced by U+FFFD (nlohmann's error_handler_t::replace),
 *     one replacement character per maximal broken piece.
 *   - The text line is encoded as the inside of a JSON string (Falco engine
 *     0.63, Falco after 0.44.0): '"' and '\\' escaped, control characters as \n, \t,
 *     \u0000..., invalid UTF-8 as U+FFFD. The JSON "output" holds the line
 *     itself, which the JSON encoding escapes once.
 * Shrike adds "uuid" (after "time", still alphabetical) when asked to.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "lib/timefmt.h"
#include "lib/utf8.h"
#include "outputs.h"

static const char *const priority_names[] = {
    "Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

const char *sk_alert_priority_name(int priority)
{
	if (priority < 0 || priority > SK_PRI_DEBUG) {
		return "Unknown";
	}
	return priority_names[priority];
}

int sk_alert_priority_parse(const char *name)
{
	static const struct {
		const char *name;
		int pri;
	} names[] = {
	    {"emergency", SK_PRI_EMERGENCY},
	    {"emerg", SK_PRI_EMERGENCY},
	    {"alert", SK_PRI_ALERT},
	    {"critical", SK_PRI_CRITICAL},
	    {"crit", SK_PRI_CRITICAL},
	    {"error", SK_PRI_ERROR},
	    {"err", SK_PRI_ERROR},
	    {"warning", SK_PRI_WARNING},
	    {"warn", SK_PRI_WARNING},
	    {"notice", SK_PRI_NOTICE},
	    {"informational", SK_PRI_INFORMATIONAL},
	    {"info", SK_PRI_INFORMATIONAL},
	    {"debug", SK_PRI_DEBUG},
	};
	if (!name) {
		return -1;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			return names[i].pri;
		}
	}
	return -1;
}

/* A JSON string from n bytes, invalid UTF-8 replaced by U+FFFD. */
static struct json_object *json_str(const char *s, size_t n)
{
	if (!s) {
		return json_object_new_string("");
	}
	if (sk_utf8_valid_prefix(s, n) == n) {
		return json_object_new_string_len(s, (int)n);
	}
	char *buf = malloc(3 * n + 1);
	if (!buf) {
		return NULL;
	}
	size_t o = sk_utf8_sanitize(s, n, buf);
	struct json_object *j = json_object_new_string_len(buf, (int)o);
	free(buf);
	return j;
}

static struct json_object *json_cstr(const char *s)
{
	return json_str(s ? s : "", s ? strlen(s) : 0);
}

static int ip_text(const struct sk_ip *ip, bool net, char *buf, size_t len)
{
	int af = ip->family == 6 ? AF_INET6 : AF_INET;
	if (!inet_ntop(af, ip->addr, buf, (socklen_t)len)) {
		return -errno;
	}
	if (net) {
		size_t n = strlen(buf);
		snprintf(buf + n, len - n, "/%u", ip->prefix);
	}
	return 0;
}

/* The JSON value of v. *ret is NULL for null (NA). Returns 0 or -ENOMEM. */
static int json_value(const struct sk_value *v, struct json_object **ret)
{
	struct json_object *j = NULL;
	char ipbuf[INET6_ADDRSTRLEN + 8];

	*ret = NULL;
	switch (v->type) {
	case SK_TYPE_U64:
	case SK_TYPE_ABSTIME:
	case SK_TYPE_RELTIME:
	case SK_TYPE_PORT:
		j = json_object_new_uint64(v->u64);
		break;
	case SK_TYPE_I64:
		j = json_object_new_int64(v->i64);
		break;
	case SK_TYPE_BOOL:
		j = json_object_new_boolean(v->b);
		break;
	case SK_TYPE_STRING:
	case SK_TYPE_BYTES:
		j = json_str(v->str.ptr, v->str.ptr ? v->str.len : 0);
		break;
	case SK_TYPE_IPADDR:
	case SK_TYPE_IPNET:
		if (ip_text(&v->ip, v->type == SK_TYPE_IPNET, ipbuf, sizeof(ipbuf)) != 0) {
			return 0; /* unknown family: null */
		}
		j = json_object_new_string(ipbuf);
		break;
	case SK_TYPE_LIST:
		j = json_object_new_array_ext((int)v->list.n);
		if (!j) {
			return -ENOMEM;
		}
		for (uint32_t i = 0; i < v->list.n && v->list.items; i++) {
			struct json_object *item = NULL;
			int err = json_value(&v->list.items[i], &item);
			if (err || json_object_array_add(j, item) != 0) {
				json_object_put(item);
				json_object_put(j);
				return -ENOMEM;
			}
		}
		break;
	default: /* SK_TYPE_NONE (NA) and unknown types */
		return 0;
	}
	if (!j) {
		return -ENOMEM;
	}
	*ret = j;
	return 0;
}

static int cmp_field_ptr(const void *a, const void *b)
{
	const struct sk_alert_field *fa = *(const struct sk_alert_field *const *)a;
	const struct sk_alert_field *fb = *(const struct sk_alert_field *const *)b;
	int c = strcmp(fa->name ? fa->name : "", fb->name ? fb->name : "");
	if (c != 0) {
		return c;
	}
	/* Same name: keep input order, so the last one wins when added. */
	return fa < fb ? -1 : fa > fb;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Add key:val to obj, taking val (NULL = null). */
static int add(struct json_object *obj, const char *key, struct json_object *val)
{
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

/* Add key:"s" to obj. */
static int add_str(struct json_object *obj, const char *key, const char *s)
{
	struct json_object *j = json_cstr(s);
	if (!j) {
		return -ENOMEM;
	}
	return add(obj, key, j);
}

static int build_output_fields(const struct sk_alert *a, const struct sk_format_opts *fmt,
			       struct json_object **ret)
{
	const struct sk_alert_field **sorted = NULL;
	struct json_object *of = json_object_new_object();
	const char *time_key = fmt->time_format_iso_8601 ? "evt.time.iso8601" : "evt.time";
	bool time_done = false;
	int err = -ENOMEM;

	if (!of) {
		goto out;
	}
	if (a->nfields > 0 && a->fields) {
		sorted = malloc(a->nfields * sizeof(*sorted));
		if (!sorted) {
			goto out;
		}
		for (uint32_t i = 0; i < a->nfields; i++) {
			sorted[i] = &a->fields[i];
		}
		qsort(sorted, a->nfields, sizeof(*sorted), cmp_field_ptr);
	}
	for (uint32_t i = 0; i <= a->nfields; i++) {
		const struct sk_alert_field *f = sorted && i < a->nfields ? sorted[i] : NULL;
		const char *name = f ? (f->name ? f->name : "") : NULL;
		int c = name ? strcmp(name, time_key) : 1;
		if (!time_done && c >= 0) {
			struct json_object *t = json_object_new_uint64(a->time_ns);
			err = t ? add(of, time_key, t) : -ENOMEM;
			if (err) {
				goto out;
			}
			time_done = true;
		}
		if (!f || c == 0) {
			continue;
		}
		struct json_object *v = NULL;
		err = json_value(&f->value, &v);
		if (err) {
			goto out;
		}
		err = add(of, name, v);
		if (err) {
			goto out;
		}
	}
	*ret = of;
	of = NULL;
	err = 0;
out:
	free(sorted);
	json_object_put(of);
	return err;
}

static int build_tags(const struct sk_alert *a, struct json_object **ret)
{
	const char **sorted = NULL;
	struct json_object *arr = json_object_new_array();
	int err = -ENOMEM;

	if (!arr) {
		goto out;
	}
	size_t n = 0;
	if (a->ntags > 0 && a->tags) {
		sorted = malloc(a->ntags * sizeof(*sorted));
		if (!sorted) {
			goto out;
		}
		for (uint32_t i = 0; i < a->ntags; i++) {
			if (a->tags[i]) {
				sorted[n++] = a->tags[i];
			}
		}
		qsort(sorted, n, sizeof(*sorted), cmp_str_ptr);
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0) {
			continue; /* a set, like Falco's */
		}
		struct json_object *t = json_cstr(sorted[i]);
		if (!t || json_object_array_add(arr, t) != 0) {
			json_object_put(t);
			goto out;
		}
	}
	*ret = arr;
	arr = NULL;
	err = 0;
out:
	free(sorted);
	json_object_put(arr);
	return err;
}

/* The text line: "<time>: <Priority> <message>". malloc'd. */
static char *build_text(const struct sk_alert *a, const struct sk_format_opts *fmt)
{
	char tbuf[SK_TIMEFMT_ISO8601_LEN];
	int n = fmt->time_format_iso_8601 ? sk_timefmt_iso8601(a->time_ns, tbuf, sizeof(tbuf))
					  : sk_timefmt_clock(a->time_ns, 1, tbuf, sizeof(tbuf));
	if (n < 0) {
		snprintf(tbuf, sizeof(tbuf), "N/A");
	}
	char *text = NULL;
	if (asprintf(&text, "%s: %s %s", tbuf, sk_alert_priority_name((int)a->priority),
		     a->message ? a->message : "") < 0) {
		return NULL;
	}
	return text;
}

int sk_alert_format(const struct sk_alert *a, const struct sk_format_opts *fmt, char **ret_json,
		    char **ret_text)
{
	struct json_object *obj = NULL;
	char *text = NULL;
	char *json = NULL;
	struct json_object *sub = NULL;
	char tbuf[SK_TIMEFMT_RFC3339_LEN];
	int err = -ENOMEM;

	*ret_json = NULL;
	*ret_text = NULL;
	text = build_text(a, fmt);
	obj = json_object_new_object();
	if (!text || !obj) {
		goto out;
	}
	/* Insertion order is the output order: keep it alphabetical. */
	const char *hostname = a->hostname ? a->hostname : fmt->hostname;
	if ((err = add_str(obj, "hostname", hostname)) != 0) {
		goto out;
	}
	if (fmt->json_include_message_property &&
	    (err = add_str(obj, "message", a->message)) != 0) {
		goto out;
	}
	if (fmt->json_include_output_property && (err = add_str(obj, "output", text)) != 0) {
		goto out;
	}
	if (fmt->json_include_output_fields_property) {
		if ((err = build_output_fields(a, fmt, &sub)) != 0 ||
		    (err = add(obj, "output_fields", sub)) != 0) {
			goto out;
		}
	}
	if ((err = add_str(obj, "priority", sk_alert_priority_name((int)a->priority))) != 0 ||
	    (err = add_str(obj, "rule", a->rule)) != 0 ||
	    (err = add_str(obj, "source", a->source)) != 0) {
		goto out;
	}
	if (fmt->json_include_tags_property) {
		if ((err = build_tags(a, &sub)) != 0 || (err = add(obj, "tags", sub)) != 0) {
			goto out;
		}
	}
	if (sk_timefmt_rfc3339(a->time_ns, tbuf, sizeof(tbuf)) < 0) {
		snprintf(tbuf, sizeof(tbuf), "N/A");
	}
	if ((err = add_str(obj, "time", tbuf)) != 0) {
		goto out;
	}
	if (fmt->json_include_uuid_property && (err = add_str(obj, "uuid", a->uuid)) != 0) {
		goto out;
	}
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE);
	json = s ? strdup(s) : NULL;
	if (!json) {
		err = -ENOMEM;
		goto out;
	}
	/* The text line as Falco (engine 0.63) writes it: the inside of a JSON string,
	 * so a newline or escape sequence in a field cannot forge log lines. */
	size_t tl = strlen(text);
	char *esc = malloc(6 * tl + 1);
	if (!esc) {
		err = -ENOMEM;
		goto out;
	}
	sk_utf8_json_escape(text, tl, esc);
	*ret_json = json;
	*ret_text = esc;
	json = NULL;
	err = 0;
out:
	json_object_put(obj);
	free(json);
	free(text);
	return err;
}
