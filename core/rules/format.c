/* core/rules/format.c - rule output strings (see format.h): compiled once
 * into text pieces and field references, rendered per alert into a message
 * and typed output fields, using scratch memory that is reused.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/sbuf.h"
#include "rules/format.h"

struct piece {
	char *text; /* literal text, or NULL for a field */
	size_t len;
	size_t field; /* index into fields */
};

struct ffield {
	char *name; /* as written: "proc.aname[2]" */
	struct sk_field_ref ref;
	char *cval; /* a constant string value instead of a field, or NULL */
};

struct sk_rule_fmt {
	struct piece *pieces;
	size_t npieces;
	struct ffield *fields;
	size_t nfields;
};

/* memory blocks that never move while in use; reset per render */
struct block {
	struct block *next;
	size_t size, used;
	char data[];
};

struct sk_rule_fmt_buf {
	struct block *blocks;
	struct sk_sbuf msg;
	struct sk_alert_field *fields;
	size_t fcap;
	bool oom; /* balloc failed (msg keeps its own flag) */
};

/* ---- compile ----------------------------------------------------------- */

static bool is_fchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int add_piece(struct sk_rule_fmt *f, const char *text, size_t len, size_t field)
{
	if (text && len == 0) {
		return 0;
	}
	/* merge adjacent text */
	if (text && f->npieces && f->pieces[f->npieces - 1].text) {
		struct piece *p = &f->pieces[f->npieces - 1];
		char *t = realloc(p->text, p->len + len + 1);
		if (!t) {
			return -ENOMEM;
		}
		memcpy(t + p->len, text, len);
		p->len += len;
		t[p->len] = '\0';
		p->text = t;
		return 0;
	}
	struct piece *p = realloc(f->pieces, (f->npieces + 1) * sizeof(*p));
	if (!p) {
		return -ENOMEM;
	}
	f->pieces = p;
	p = &p[f->npieces];
	p->text = NULL;
	p->len = len;
	p->field = field;
	if (text) {
		p->text = strndup(text, len);
		if (!p->text) {
			return -ENOMEM;
		}
	}
	f->npieces++;
	return 0;
}

/* find or add field `name` [arg]; *ret_idx its index */
static int add_field(struct sk_rule_fmt *f, const char *name, const char *arg,
		     const struct sk_fields *fields, const char *source, size_t *ret_idx, char *err,
		     size_t errlen)
{
	size_t l = strlen(name) + (arg ? strlen(arg) + 2 : 0) + 1;
	char *full = malloc(l);
	if (!full) {
		return -ENOMEM;
	}
	snprintf(full, l, arg ? "%s[%s]" : "%s", name, arg);
	for (size_t i = 0; i < f->nfields; i++) {
		if (strcmp(f->fields[i].name, full) == 0) {
			free(full);
			*ret_idx = i;
			return 0;
		}
	}
	struct ffield ff = {.name = full};
	int rc = sk_fields_resolve(fields, source, name, arg, &ff.ref, err, errlen);
	if (rc) {
		free(full);
		return rc;
	}
	struct ffield *n = realloc(f->fields, (f->nfields + 1) * sizeof(*n));
	if (!n) {
		sk_field_ref_fini(&ff.ref);
		free(full);
		return -ENOMEM;
	}
	f->fields = n;
	n[f->nfields] = ff;
	*ret_idx = f->nfields++;
	return 0;
}

/* the longest prefix of s[0..len) (cut at dots) that names a field */
static size_t longest_field(const char *s, size_t len, const struct sk_fields *fields,
			    const char *source)
{
	char name[256];
	if (len >= sizeof(name)) {
		len = sizeof(name) - 1;
	}
	for (size_t l = len; l > 0; l--) {
		if (l < len && s[l] != '.') {
			continue;
		}
		memcpy(name, s, l);
		name[l] = '\0';
		if (sk_fields_find(fields, source, name, NULL)) {
			return l;
		}
	}
	return 0;
}

int sk_rule_fmt_compile(const char *text, const struct sk_fields *fields, const char *source,
			struct sk_rule_fmt **ret, char *err, size_t errlen, size_t *ret_off)
{
	struct sk_rule_fmt *f = calloc(1, sizeof(*f));
	char *name = NULL, *arg = NULL;
	int rc = 0;
	size_t i = 0, lit = 0, n = strlen(text);
	*ret_off = 0;
	if (!f) {
		return -ENOMEM;
	}
	while (i < n) {
		if (text[i] != '%') {
			i++;
			continue;
		}
		size_t start = i;
		size_t nstart, nlen, end;
		bool paren = text[i + 1] == '(';
		if (paren) {
			nstart = i + 2;
			const char *close = strchr(text + nstart, ')');
			if (!close) {
				snprintf(err, errlen, "missing ')' after '%%('");
				*ret_off = start;
				rc = -EINVAL;
				goto out;
			}
			nlen = (size_t)(close - (text + nstart));
			end = nstart + nlen + 1;
			const char *br = memchr(text + nstart, '[', nlen);
			size_t fl = br ? (size_t)(br - (text + nstart)) : nlen;
			name = strndup(text + nstart, fl);
			if (br) {
				if (text[nstart + nlen - 1] != ']') {
					snprintf(err, errlen, "missing ']' in '%%(%.*s)'",
						 (int)nlen, text + nstart);
					*ret_off = start;
					rc = -EINVAL;
					goto out;
				}
				arg = strndup(br + 1, nlen - fl - 2);
			}
		} else {
			nstart = i + 1;
			if (!is_alpha(text[nstart])) {
				i++; /* a lone '%' is text */
				continue;
			}
			size_t cand = 0;
			while (nstart + cand < n && is_fchar(text[nstart + cand])) {
				cand++;
			}
			while (cand > 0 && text[nstart + cand - 1] == '.') {
				cand--;
			}
			nlen = longest_field(text + nstart, cand, fields, source);
			if (!nlen) {
				nlen = cand; /* unknown: report it whole */
			}
			end = nstart + nlen;
			name = strndup(text + nstart, nlen);
			if (text[end] == '[') {
				const char *close = strchr(text + end, ']');
				if (!close) {
					snprintf(err, errlen, "missing ']' after '%%%.*s['",
						 (int)nlen, text + nstart);
					*ret_off = start;
					rc = -EINVAL;
					goto out;
				}
				arg = strndup(text + end + 1, (size_t)(close - (text + end + 1)));
				end = (size_t)(close - text) + 1;
			}
		}
		if (!name || (text[end - 1] == ']' && !paren && !arg)) {
			rc = -ENOMEM;
			goto out;
		}
		size_t idx;
		rc = add_piece(f, text + lit, start - lit, 0);
		if (!rc && !arg && strcmp(name, "container.info") == 0 &&
		    !sk_fields_find(fields, source, name, NULL)) {
			/* Falco's placeholder for container details: without a
			 * plugin that provides it, it prints nothing */
			free(name);
			name = NULL;
			i = lit = end;
			continue;
		}
		if (!rc) {
			rc = add_field(f, name, arg, fields, source, &idx, err, errlen);
		}
		if (rc) {
			*ret_off = paren ? start + 2 : start + 1;
			goto out;
		}
		rc = add_piece(f, NULL, 0, idx);
		if (rc) {
			goto out;
		}
		free(name);
		free(arg);
		name = arg = NULL;
		i = lit = end;
	}
	rc = add_piece(f, text + lit, n - lit, 0);
out:
	free(name);
	free(arg);
	if (rc) {
		if (rc == -ENOMEM) {
			snprintf(err, errlen, "out of memory");
		}
		sk_rule_fmt_destroy(f);
		return rc;
	}
	*ret = f;
	return 0;
}

int sk_rule_fmt_add_field(struct sk_rule_fmt *f, const char *name, const struct sk_fields *fields,
			  const char *source, char *err, size_t errlen)
{
	const char *br = strchr(name, '[');
	size_t idx;
	if (!br) {
		return add_field(f, name, NULL, fields, source, &idx, err, errlen);
	}
	size_t l = strlen(name);
	if (name[l - 1] != ']') {
		snprintf(err, errlen, "missing ']' in field '%s'", name);
		return -EINVAL;
	}
	char *base = strndup(name, (size_t)(br - name));
	char *arg = strndup(br + 1, l - (size_t)(br - name) - 2);
	int rc =
	    (base && arg) ? add_field(f, base, arg, fields, source, &idx, err, errlen) : -ENOMEM;
	free(base);
	free(arg);
	return rc;
}

int sk_rule_fmt_add_const(struct sk_rule_fmt *f, const char *name, const char *value)
{
	for (size_t i = 0; i < f->nfields; i++) {
		if (strcmp(f->fields[i].name, name) == 0) {
			return 0; /* a field of the output keeps its value */
		}
	}
	struct ffield ff = {.name = strdup(name), .cval = strdup(value)};
	struct ffield *n =
	    ff.name && ff.cval ? realloc(f->fields, (f->nfields + 1) * sizeof(*n)) : NULL;
	if (!n) {
		free(ff.name);
		free(ff.cval);
		return -ENOMEM;
	}
	f->fields = n;
	n[f->nfields++] = ff;
	return 0;
}

void sk_rule_fmt_destroy(struct sk_rule_fmt *f)
{
	if (!f) {
		return;
	}
	for (size_t i = 0; i < f->npieces; i++) {
		free(f->pieces[i].text);
	}
	for (size_t i = 0; i < f->nfields; i++) {
		free(f->fields[i].name);
		free(f->fields[i].cval);
		sk_field_ref_fini(&f->fields[i].ref);
	}
	free(f->pieces);
	free(f->fields);
	free(f);
}

/* ---- render ------------------------------------------------------------ */

struct sk_rule_fmt_buf *sk_rule_fmt_buf_create(void)
{
	return calloc(1, sizeof(struct sk_rule_fmt_buf));
}

void sk_rule_fmt_buf_destroy(struct sk_rule_fmt_buf *b)
{
	if (!b) {
		return;
	}
	while (b->blocks) {
		struct block *n = b->blocks->next;
		free(b->blocks);
		b->blocks = n;
	}
	sk_sbuf_free(&b->msg);
	free(b->fields);
	free(b);
}

static void *balloc(struct sk_rule_fmt_buf *b, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	struct block **pp = &b->blocks;
	for (struct block *k = b->blocks; k; k = k->next) {
		if (k->size - k->used >= size) {
			void *p = k->data + k->used;
			k->used += size;
			return p;
		}
		pp = &k->next;
	}
	size_t bs = size > 8192 ? size : 8192;
	struct block *k = malloc(sizeof(*k) + bs);
	if (!k) {
		b->oom = true;
		return NULL;
	}
	k->next = NULL;
	k->size = bs;
	k->used = size;
	*pp = k;
	return k->data;
}

/* deep-copy a value's borrowed memory into the buffer */
static bool copy_value(struct sk_rule_fmt_buf *b, struct sk_value *v)
{
	if (v->type == SK_TYPE_STRING || v->type == SK_TYPE_BYTES) {
		char *s = balloc(b, (size_t)v->str.len + 1);
		if (!s) {
			return false;
		}
		memcpy(s, v->str.ptr, v->str.len);
		s[v->str.len] = '\0';
		v->str.ptr = s;
	} else if (v->type == SK_TYPE_LIST) {
		struct sk_value *items = balloc(b, (v->list.n ? v->list.n : 1) * sizeof(*items));
		if (!items) {
			return false;
		}
		for (uint32_t i = 0; i < v->list.n; i++) {
			items[i] = v->list.items[i];
			if (items[i].type == SK_TYPE_LIST || !copy_value(b, &items[i])) {
				if (items[i].type == SK_TYPE_LIST) {
					items[i].type = SK_TYPE_NONE;
					continue;
				}
				return false;
			}
		}
		v->list.items = items;
	}
	return true;
}

static size_t put(char *out, size_t outlen, size_t at, const char *s, size_t l)
{
	if (at < outlen) {
		size_t room = outlen - at - 1;
		memcpy(out + at, s, l < room ? l : room);
		out[at + (l < room ? l : room)] = '\0';
	}
	return at + l;
}

size_t sk_value_to_text(const struct sk_value *v, char *out, size_t outlen)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	if (outlen) {
		out[0] = '\0';
	}
	switch (v->type) {
	case SK_TYPE_STRING:
		return put(out, outlen, 0, v->str.ptr, v->str.len);
	case SK_TYPE_BYTES: {
		size_t at = 0;
		for (uint32_t i = 0; i < v->str.len; i++) {
			char c = v->str.ptr[i];
			at = put(out, outlen, at, (c >= 0x20 && c < 0x7f) ? &c : ".", 1);
		}
		return at;
	}
	case SK_TYPE_U64:
	case SK_TYPE_RELTIME:
	case SK_TYPE_PORT:
		return (size_t)snprintf(out, outlen, "%" PRIu64, v->u64);
	case SK_TYPE_I64:
		return (size_t)snprintf(out, outlen, "%" PRId64, v->i64);
	case SK_TYPE_BOOL:
		return put(out, outlen, 0, v->b ? "true" : "false", v->b ? 4 : 5);
	case SK_TYPE_ABSTIME: {
		time_t secs = (time_t)(v->u64 / 1000000000u);
		struct tm tm;
		gmtime_r(&secs, &tm);
		return (size_t)snprintf(out, outlen, "%02d:%02d:%02d.%09" PRIu64, tm.tm_hour,
					tm.tm_min, tm.tm_sec, v->u64 % 1000000000u);
	}
	case SK_TYPE_IPADDR:
	case SK_TYPE_IPNET: {
		if (!inet_ntop(v->ip.family == 4 ? AF_INET : AF_INET6, v->ip.addr, tmp,
			       sizeof(tmp))) {
			return put(out, outlen, 0, "<NA>", 4);
		}
		if (v->type == SK_TYPE_IPNET) {
			return (size_t)snprintf(out, outlen, "%s/%u", tmp, v->ip.prefix);
		}
		return put(out, outlen, 0, tmp, strlen(tmp));
	}
	case SK_TYPE_LIST: {
		size_t at = put(out, outlen, 0, "(", 1);
		for (uint32_t i = 0; i < v->list.n; i++) {
			if (i) {
				at = put(out, outlen, at, ",", 1);
			}
			size_t l =
			    sk_value_to_text(&v->list.items[i], at < outlen ? out + at : NULL,
					     at < outlen ? outlen - at : 0);
			at += l;
		}
		return put(out, outlen, at, ")", 1);
	}
	default:
		return put(out, outlen, 0, "<NA>", 4);
	}
}

int sk_rule_fmt_render(const struct sk_rule_fmt *f, const struct sk_event *ev,
		       struct sk_rule_fmt_buf *b, const char **ret_msg,
		       const struct sk_alert_field **ret_fields, size_t *ret_nfields)
{
	for (struct block *k = b->blocks; k; k = k->next) {
		k->used = 0;
	}
	sk_sbuf_reset(&b->msg);
	b->oom = false;
	if (f->nfields > b->fcap) {
		struct sk_alert_field *nf = realloc(b->fields, f->nfields * sizeof(*nf));
		if (!nf) {
			return -ENOMEM;
		}
		b->fields = nf;
		b->fcap = f->nfields;
	}
	for (size_t i = 0; i < f->nfields; i++) {
		const struct ffield *ff = &f->fields[i];
		struct sk_value v;
		memset(&v, 0, sizeof(v));
		const struct sk_field_def *d = ff->ref.def;
		if (ff->cval) {
			v.type = SK_TYPE_STRING;
			v.str.ptr = ff->cval;
			v.str.len = (uint32_t)strlen(ff->cval);
		} else if (sk_fields_extract(d, ev, &ff->ref.req, &v) != SK_OK ||
			   !copy_value(b, &v)) {
			memset(&v, 0, sizeof(v));
			v.type = SK_TYPE_NONE;
		}
		b->fields[i].name = ff->name;
		b->fields[i].value = v;
	}
	sk_sbuf_add(&b->msg, "", 0);
	for (size_t i = 0; i < f->npieces; i++) {
		const struct piece *p = &f->pieces[i];
		if (p->text) {
			sk_sbuf_add(&b->msg, p->text, p->len);
			continue;
		}
		const struct sk_value *v = &b->fields[p->field].value;
		char small[128];
		size_t l = sk_value_to_text(v, small, sizeof(small));
		if (l < sizeof(small)) {
			sk_sbuf_add(&b->msg, small, l);
			continue;
		}
		char *big = balloc(b, l + 1);
		if (!big) {
			break;
		}
		sk_value_to_text(v, big, l + 1);
		sk_sbuf_add(&b->msg, big, l);
	}
	if (b->oom || b->msg.oom) {
		return -ENOMEM;
	}
	*ret_msg = b->msg.p;
	*ret_fields = b->fields;
	*ret_nfields = f->nfields;
	return 0;
}
