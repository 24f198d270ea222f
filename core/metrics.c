/* core/metrics.c - a set of metrics and its renderings: snapshot fields,
 * snapshot JSON, Prometheus text exposition 0.0.4 (see metrics.h). */
#include "config.h"

#include "metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "shrike/alert.h"

void met_set_init(struct met_set *s)
{
	memset(s, 0, sizeof(*s));
}

void met_set_free(struct met_set *s)
{
	for (size_t i = 0; i < s->nstrs; i++) {
		free(s->strs[i]);
	}
	free(s->strs);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

struct met *met_add(struct met_set *s, const struct met *m)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 128;
		struct met *v = realloc(s->v, cap * sizeof(*v));
		if (v == NULL) {
			s->oom = true;
			return NULL;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n] = *m;
	return &s->v[s->n++];
}

static char *keep(struct met_set *s, char *str)
{
	if (str == NULL) {
		s->oom = true;
		return NULL;
	}
	if (s->nstrs == s->capstrs) {
		size_t cap = s->capstrs ? s->capstrs * 2 : 128;
		char **v = realloc(s->strs, cap * sizeof(*v));
		if (v == NULL) {
			free(str);
			s->oom = true;
			return NULL;
		}
		s->strs = v;
		s->capstrs = cap;
	}
	s->strs[s->nstrs++] = str;
	return str;
}

char *met_strf(struct met_set *s, const char *fmt, ...)
{
	va_list ap;
	char *str = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&str, fmt, ap);
	va_end(ap);
	return keep(s, n < 0 ? NULL : str);
}

void met_label(struct sk_sbuf *b, const char *name, const char *value)
{
	if (b->len > 0) {
		sk_sbuf_adds(b, ",");
	}
	sk_sbuf_printf(b, "%s=\"", name);
	for (const char *p = value ? value : ""; *p != '\0'; p++) {
		if (*p == '\\') {
			sk_sbuf_adds(b, "\\\\");
		} else if (*p == '"') {
			sk_sbuf_adds(b, "\\\"");
		} else if (*p == '\n') {
			sk_sbuf_adds(b, "\\n");
		} else {
			sk_sbuf_add(b, p, 1);
		}
	}
	sk_sbuf_adds(b, "\"");
}

bool met_num_zero(const struct met_num *n)
{
	return n->is_double ? n->d == 0.0 : n->u == 0;
}

/* num_text - a number as text: integers exactly, others with at most four
 * decimals and no trailing zeros; NaN and infinities as Prometheus spells
 * them. */
static void num_text(const struct met_num *n, char *buf, size_t len)
{
	if (!n->is_double) {
		snprintf(buf, len, "%" PRIu64, n->u);
		return;
	}
	if (isnan(n->d)) {
		snprintf(buf, len, "NaN");
		return;
	}
	if (isinf(n->d)) {
		snprintf(buf, len, n->d > 0 ? "+Inf" : "-Inf");
		return;
	}
	snprintf(buf, len, "%.4f", n->d);
	char *dot = strchr(buf, '.');
	if (dot != NULL) {
		char *end = buf + strlen(buf) - 1;
		while (end > dot && *end == '0') {
			*end-- = '\0';
		}
		if (end == dot) {
			*end = '\0';
		}
	}
}

#define NUM_TEXT 48

static bool snap_empty(const struct met *m)
{
	return m->snap_str != NULL ? m->snap_str[0] == '\0' : met_num_zero(&m->snap_val);
}

long met_snapshot_fields(const struct met_set *s, bool with_empty, struct sk_alert_field **ret,
			 char **ret_text)
{
	struct sk_alert_field *f = calloc(s->n ? s->n : 1, sizeof(*f));
	char *text = calloc(s->n ? s->n : 1, NUM_TEXT);
	if (f == NULL || text == NULL) {
		free(f);
		free(text);
		return -ENOMEM;
	}
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct met *m = &s->v[i];
		if (m->snap == NULL || (!with_empty && snap_empty(m))) {
			continue;
		}
		f[n].name = m->snap;
		if (m->snap_str != NULL) {
			f[n].value = (struct sk_value){
			    .type = SK_TYPE_STRING,
			    .str = {.ptr = m->snap_str, .len = strlen(m->snap_str)}};
		} else if (m->snap_val.is_double) {
			char *t = text + i * NUM_TEXT;
			num_text(&m->snap_val, t, NUM_TEXT);
			f[n].value = (struct sk_value){.type = SK_TYPE_STRING,
						       .str = {.ptr = t, .len = strlen(t)}};
		} else {
			f[n].value = (struct sk_value){.type = SK_TYPE_U64, .u64 = m->snap_val.u};
		}
		n++;
	}
	*ret = f;
	*ret_text = text;
	return (long)n;
}

void met_snapshot_json(const struct met_set *s, bool with_empty, struct sk_sbuf *out)
{
	sk_sbuf_adds(out, "{");
	bool first = true;
	for (size_t i = 0; i < s->n; i++) {
		const struct met *m = &s->v[i];
		if (m->snap == NULL || (!with_empty && snap_empty(m))) {
			continue;
		}
		if (!first) {
			sk_sbuf_adds(out, ",");
		}
		first = false;
		sk_utf8_json_string(out, m->snap);
		if (m->snap_str != NULL) {
			sk_sbuf_adds(out, ":");
			sk_utf8_json_string(out, m->snap_str);
			continue;
		}
		char t[NUM_TEXT];
		num_text(&m->snap_val, t, sizeof(t));
		/* JSON has no NaN or infinity */
		sk_sbuf_printf(out, ":%s", (t[0] == 'N' || t[1] == 'I') ? "null" : t);
	}
	sk_sbuf_adds(out, "}");
}

/* ---- Prometheus ---------------------------------------------------------- */

struct prom_row {
	const char *name; /* whole name */
	const char *labels;
	const struct met *m;
	size_t order;
};

static int row_cmp(const void *a, const void *b)
{
	const struct prom_row *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c != 0) {
		return c;
	}
	return x->order < y->order ? -1 : x->order > y->order;
}

static void prom_rows(const struct met_set *s, struct prom_row *rows, size_t nrows,
		      struct sk_sbuf *out)
{
	qsort(rows, nrows, sizeof(*rows), row_cmp);
	for (size_t i = 0; i < nrows; i++) {
		const struct prom_row *r = &rows[i];
		if (i == 0 || strcmp(rows[i - 1].name, r->name) != 0) {
			sk_sbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", r->name,
				       r->m->help ? r->m->help : "see docs/metrics.md", r->name,
				       r->m->type == MET_COUNTER ? "counter" : "gauge");
		}
		char t[NUM_TEXT];
		if (r->m->prom_val.is_double && isfinite(r->m->prom_val.d)) {
			snprintf(t, sizeof(t), "%.15g", r->m->prom_val.d); /* every digit */
		} else {
			num_text(&r->m->prom_val, t, sizeof(t));
		}
		if (r->labels != NULL && r->labels[0] != '\0') {
			sk_sbuf_printf(out, "%s{%s} %s\n", r->name, r->labels, t);
		} else {
			sk_sbuf_printf(out, "%s %s\n", r->name, t);
		}
	}
	(void)s;
}

void met_prometheus(const struct met_set *s, bool falco_names, struct sk_sbuf *out)
{
	struct prom_row *rows = calloc(s->n ? s->n : 1, sizeof(*rows));
	char **full = calloc(s->n ? s->n : 1, sizeof(*full));
	if (rows == NULL || full == NULL) {
		out->oom = true;
		free(rows);
		free(full);
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].prom == NULL) {
			continue;
		}
		if (asprintf(&full[i], "shrike_%s", s->v[i].prom) < 0) {
			full[i] = NULL;
			out->oom = true;
			continue;
		}
		rows[n++] = (struct prom_row){full[i], s->v[i].prom_labels, &s->v[i], i};
	}
	prom_rows(s, rows, n, out);
	if (falco_names) {
		n = 0;
		for (size_t i = 0; i < s->n; i++) {
			if (s->v[i].falco != NULL) {
				rows[n++] = (struct prom_row){s->v[i].falco, s->v[i].falco_labels,
							      &s->v[i], i};
			}
		}
		prom_rows(s, rows, n, out);
	}
	for (size_t i = 0; i < s->n; i++) {
		free(full[i]);
	}
	free(full);
	free(rows);
}
