/* tests/fuzz/alertfmt.c - fuzz target: the alert formatters with alert
 * text an attacker shapes (command lines, file names, audit bodies end up in
 * rule names' outputs and fields): the core's Falco-shaped JSON and text
 * line (every json_include_* switch), the syslog headers (RFC 5424, RFC 3164,
 * local) with RFC 6587 framing, and the Kafka key template (checked, then
 * rendered). The input is lines: option bits and priority (first byte),
 * then rule, source, hostname, message, key template, tags (comma
 * separated), then fields as name=value (a value "#N" is a number, "NA"
 * none, "@a,b" a list). */
#include "config.h"

#include "fuzz.h"
#include "outputs.h"
#include "outputs/kafka/kafka.h"
#include "outputs/syslog/syslog_format.h"
#include "common/sbuf.h"

#define FZ_MAX_FIELDS 16
#define FZ_MAX_TAGS   8
#define FZ_MAX_ITEMS  4

static char *next_line(char **p)
{
	char *s = *p;
	if (s == NULL) {
		return NULL;
	}
	char *nl = strchr(s, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = NULL;
	}
	return s;
}

static void field_value(char *text, struct sk_value *v, struct sk_value *items)
{
	memset(v, 0, sizeof(*v));
	if (strcmp(text, "NA") == 0) {
		v->type = SK_TYPE_NONE;
	} else if (text[0] == '#') {
		v->type = SK_TYPE_U64;
		v->u64 = strtoull(text + 1, NULL, 0);
	} else if (text[0] == '@') {
		uint32_t n = 0;
		char *p = text + 1;
		while (p != NULL && n < FZ_MAX_ITEMS) {
			char *c = strchr(p, ',');
			if (c != NULL) {
				*c = '\0';
			}
			items[n] = (struct sk_value){.type = SK_TYPE_STRING};
			items[n].str.ptr = p;
			items[n].str.len = (uint32_t)strlen(p);
			n++;
			p = c ? c + 1 : NULL;
		}
		v->type = SK_TYPE_LIST;
		v->list.items = items;
		v->list.n = n;
	} else {
		v->type = SK_TYPE_STRING;
		v->str.ptr = text;
		v->str.len = (uint32_t)strlen(text);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) {
		return 0;
	}
	unsigned opts = data[0];
	char *text = fz_strdup(data + 1, size - 1);
	if (text == NULL) {
		return 0;
	}
	char *p = text;
	const char *rule = next_line(&p), *source = next_line(&p), *host = next_line(&p);
	const char *message = next_line(&p), *key = next_line(&p);
	char *tagline = next_line(&p);
	const char *tags[FZ_MAX_TAGS];
	uint32_t ntags = 0;
	for (char *t = tagline; t != NULL && ntags < FZ_MAX_TAGS;) {
		char *c = strchr(t, ',');
		if (c != NULL) {
			*c = '\0';
		}
		tags[ntags++] = t;
		t = c ? c + 1 : NULL;
	}
	struct sk_alert_field fields[FZ_MAX_FIELDS];
	struct sk_value items[FZ_MAX_FIELDS][FZ_MAX_ITEMS];
	uint32_t nfields = 0;
	char *line;
	while (nfields < FZ_MAX_FIELDS && (line = next_line(&p)) != NULL) {
		char *eq = strchr(line, '=');
		if (eq == NULL) {
			continue;
		}
		*eq = '\0';
		fields[nfields].name = line;
		field_value(eq + 1, &fields[nfields].value, items[nfields]);
		nfields++;
	}
	struct sk_alert a = {
	    .struct_size = sizeof(a),
	    .priority = opts & 7u,
	    .time_ns = (uint64_t)opts * 1000000007ull * 1000000000ull,
	    .rule = rule ? rule : "",
	    .source = source ? source : "",
	    .hostname = host ? host : "",
	    .message = message ? message : "",
	    .uuid = "6e0f4fd4-3c4a-4b8e-9f7e-2f4cf1d1b7a1",
	    .tags = tags,
	    .ntags = ntags,
	    .nfields = nfields,
	    .fields = fields,
	};
	struct sk_format_opts fo = {
	    .json_output = (opts & 8u) != 0,
	    .json_include_output_property = (opts & 16u) != 0,
	    .json_include_output_fields_property = (opts & 32u) == 0,
	    .json_include_message_property = (opts & 32u) != 0,
	    .json_include_tags_property = (opts & 64u) == 0,
	    .json_include_uuid_property = true,
	    .time_format_iso_8601 = (opts & 128u) != 0,
	    .hostname = a.hostname,
	};
	char *json = NULL, *line_text = NULL;
	if (sk_alert_format(&a, &fo, &json, &line_text) == 0) {
		a.json = json;
		a.json_len = (uint32_t)strlen(json);
		a.text = line_text;
		a.text_len = (uint32_t)strlen(line_text);
	}
	/* syslog: every header format, then octet-counting framing */
	static const enum syslog_fmt sfmt[] = {SYSLOG_FMT_LOCAL, SYSLOG_FMT_3164, SYSLOG_FMT_5424};
	for (size_t i = 0; i < 3; i++) {
		char hdr[SYSLOG_HDR_MAX];
		struct syslog_hdr h = {.fmt = sfmt[i],
				       .facility = (int)(opts % 24u),
				       .hostname = host,
				       .ident = rule,
				       .pid = (long)opts * 1000};
		size_t n = syslog_fmt_header(hdr, &h, (int)(opts >> 4), a.time_ns);
		if (n >= SYSLOG_HDR_MAX || strlen(hdr) != n) {
			abort();
		}
		char pre[32];
		(void)syslog_fmt_octet_prefix(pre, n + (a.json ? a.json_len : 0));
	}
	(void)syslog_fmt_facility_code(source ? source : "");
	/* kafka: the key template */
	char err[256];
	if (key != NULL && kafka_key_check(key, err, sizeof(err)) == 0) {
		struct sk_sbuf b;
		sk_sbuf_init(&b);
		(void)kafka_key_render(key, &a, &b);
		sk_sbuf_free(&b);
	}
	free(json);
	free(line_text);
	free(text);
	return 0;
}
