/* core/rules/rules_diag.c - diagnostics and YAML position mapping: the engine's
 * message list; messages at a YAML node, at a position or at a condition
 * offset; "did you mean"; the file line and column of every byte of a
 * scalar (plain, quoted or block), so condition errors point inside the
 * rules file.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "rules/engine.h"
#include "rules/engine_priv.h"
#include "rules/filter.h"
#include "rules/format.h"

/* ---- diagnostics ------------------------------------------------------- */

static void vdiag(struct sk_rules *r, int level, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void vdiag(struct sk_rules *r, int level, const char *fmt, va_list ap)
{
	char buf[1024];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (size_t i = 0; i < r->ndiags; i++) {
		if (strcmp(r->diags[i].msg, buf) == 0) {
			return; /* the same problem through another rule */
		}
	}
	struct sk_rules_diag *d = realloc(r->diags, (r->ndiags + 1) * sizeof(*d));
	if (!d) {
		return;
	}
	r->diags = d;
	d[r->ndiags].level = level;
	d[r->ndiags].msg = strdup(buf);
	if (!d[r->ndiags].msg) {
		return;
	}
	r->ndiags++;
	if (level == SK_RULES_ERROR) {
		r->nerrors++;
	}
}

void sk_rules_diagf(struct sk_rules *r, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(r, level, fmt, ap);
	va_end(ap);
}

/* "FILE:LINE:COL: " + message at a position */
static void vpdiag(struct sk_rules *r, int level, const struct pos *p, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void vpdiag(struct sk_rules *r, int level, const struct pos *p, const char *fmt, va_list ap)
{
	char buf[900];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	sk_rules_diagf(r, level, "%s:%u:%u: %s", p->file, p->line, p->col, buf);
}

/* the same at a node */
void sk_rules_ndiag(struct sk_rules *r, int level, const struct sk_cfg_node *n, const char *fmt,
		    ...)
{
	struct pos p = sk_rules_node_pos(n);
	va_list ap;
	va_start(ap, fmt);
	vpdiag(r, level, &p, fmt, ap);
	va_end(ap);
}

void sk_rules_pdiag(struct sk_rules *r, int level, const struct pos *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpdiag(r, level, p, fmt, ap);
	va_end(ap);
}

struct pos sk_rules_node_pos(const struct sk_cfg_node *n)
{
	return (struct pos){n->file, n->line, n->col};
}

/* " (did you mean 'X'?)" for the closest of n names, or "" */

const char *sk_rules_did_you_mean(const struct sk_rules *r, int kind, const char *name, char *buf,
				  size_t len)
{
	unsigned nl = (unsigned)strlen(name);
	if (nl < 2) {
		return "";
	}
	unsigned limit = nl / 3 < 1 ? 1 : nl / 3;
	limit = nl >= 6 && limit < 2 ? 2 : limit;
	limit = limit >= nl ? nl - 1 : limit; /* never suggest a wholly different name */
	const char *best = NULL;
	unsigned best_d = limit + 1;
	size_t n = kind == NAMES_LIST ? r->nlists : kind == NAMES_MACRO ? r->nmacros : r->nrules;
	for (size_t i = 0; i < n; i++) {
		const char *c = kind == NAMES_LIST    ? r->lists[i].name
				: kind == NAMES_MACRO ? r->macros[i].name
						      : r->rules[i]->name;
		unsigned d = sk_edit_distance(name, c);
		if (d < best_d && strcmp(c, name) != 0) {
			best_d = d;
			best = c;
		}
	}
	if (!best) {
		return "";
	}
	snprintf(buf, len, " (did you mean '%s'?)", best);
	return buf;
}

/* ---- positions inside scalars ------------------------------------------ */

static const struct rawtext *find_raw(const struct sk_rules *r, const char *file)
{
	for (size_t i = r->nraws; i > 0; i--) {
		if (strcmp(r->raws[i - 1].name, file) == 0) {
			return &r->raws[i - 1];
		}
	}
	return NULL;
}

struct cursor {
	const char *t;
	size_t len, at;
	unsigned line, col;
};

static void adv(struct cursor *c)
{
	if (c->at >= c->len) {
		return;
	}
	if (c->t[c->at] == '\n') {
		c->line++;
		c->col = 1;
	} else {
		c->col++;
	}
	c->at++;
}

/* file line/col of every byte of a scalar's value (and one past its end),
 * found by walking the raw file text from the scalar's start: plain,
 * quoted (with escapes) and block scalars (| and >) all map back. */
static void map_scalar(const struct rawtext *rt, const struct sk_cfg_node *n, unsigned *lines,
		       unsigned *cols)
{
	const char *v = n->scalar;
	size_t vl = strlen(v);
	for (size_t i = 0; i <= vl; i++) {
		lines[i] = n->line;
		cols[i] = n->col;
	}
	if (!rt) {
		return;
	}
	if (n->line == 0 || n->line > rt->nlines) {
		return;
	}
	struct cursor c = {.t = rt->text,
			   .len = rt->len,
			   .at = rt->line_off[n->line - 1],
			   .line = n->line,
			   .col = 1};
	while (c.at < c.len && c.col < n->col && c.t[c.at] != '\n') {
		adv(&c);
	}
	if (c.line != n->line || c.at >= c.len) {
		return;
	}
	char quote = 0;
	char first = c.t[c.at];
	if (first == '"' || first == '\'') {
		quote = first;
		adv(&c);
	} else if (first == '|' || first == '>') {
		while (c.at < c.len && c.t[c.at] != '\n') {
			adv(&c);
		}
		adv(&c);
	}
	for (size_t i = 0; i < vl; i++) {
		char want = v[i];
		if (isspace((unsigned char)want)) {
			lines[i] = c.line;
			cols[i] = c.col;
			if (c.at < c.len && isspace((unsigned char)c.t[c.at])) {
				adv(&c);
			}
			continue;
		}
		struct cursor save = c;
		for (int k = 0; k < 64 && c.at < c.len && c.t[c.at] != want; k++) {
			char ch = c.t[c.at];
			if (!isspace((unsigned char)ch) && ch != '\\' && ch != quote) {
				break;
			}
			adv(&c);
		}
		if (c.at >= c.len || c.t[c.at] != want) {
			c = save;
			lines[i] = c.line;
			cols[i] = c.col;
			continue;
		}
		lines[i] = c.line;
		cols[i] = c.col;
		adv(&c);
	}
	lines[vl] = c.line;
	cols[vl] = c.col;
}

/* the line and column arrays of a text of vl bytes (and one past its end) */
static int positions_new(size_t vl, unsigned **ret_lines, unsigned **ret_cols)
{
	unsigned *lines = malloc((vl + 1) * sizeof(*lines));
	unsigned *cols = malloc((vl + 1) * sizeof(*cols));
	if (!lines || !cols) {
		free(lines);
		free(cols);
		return -ENOMEM;
	}
	*ret_lines = lines;
	*ret_cols = cols;
	return 0;
}

/* append a scalar node's text, with its positions, to a source */
int sk_rules_src_add_node(struct sk_rules *r, struct sk_filter_src *s, const char *sep,
			  const struct sk_cfg_node *n)
{
	size_t vl = strlen(n->scalar);
	unsigned *lines, *cols;
	if (positions_new(vl, &lines, &cols)) {
		return -ENOMEM;
	}
	map_scalar(find_raw(r, n->file), n, lines, cols);
	return sk_filter_src_append(s, sep, n->scalar, vl, n->file, lines, cols);
}

/* append text that sits at one position (defaults that were not written) */
int sk_rules_src_add_at(struct sk_filter_src *s, const char *sep, const char *text,
			const struct pos *p)
{
	size_t vl = strlen(text);
	unsigned *lines, *cols;
	if (positions_new(vl, &lines, &cols)) {
		return -ENOMEM;
	}
	for (size_t i = 0; i <= vl; i++) {
		lines[i] = p->line;
		cols[i] = p->col;
	}
	return sk_filter_src_append(s, sep, text, vl, p->file, lines, cols);
}

struct sk_filter_src *sk_rules_src_new(const char *owner_kind, const char *name)
{
	struct sk_filter_src *s = sk_filter_src_create("", 0);
	if (!s) {
		return NULL;
	}
	size_t l = strlen(owner_kind) + strlen(name) + 4;
	s->owner = malloc(l);
	if (!s->owner) {
		sk_filter_src_unref(s);
		return NULL;
	}
	snprintf(s->owner, l, "%s '%s'", owner_kind, name);
	return s;
}

/* position text "FILE:LINE:COL" of an offset in a source */
void sk_rules_src_where(const struct sk_filter_src *s, size_t off, char *buf, size_t len)
{
	const char *file;
	unsigned line, col;
	sk_filter_src_pos(s, off, &file, &line, &col);
	snprintf(buf, len, "%s:%u:%u", file, line, col);
}

/* error at a tree position, naming the rule (and the macro it is in) */
void sk_rules_tdiag(struct sk_rules *r, int level, const struct sk_filter_src *s, size_t off,
		    const char *rule, const char *msg)
{
	char where[512];
	sk_rules_src_where(s, off, where, sizeof(where));
	char own[300];
	snprintf(own, sizeof(own), "rule '%s'", rule);
	if (s->owner && strcmp(s->owner, own) != 0 && level == SK_RULES_WARNING) {
		/* once per macro, not once per rule using it */
		sk_rules_diagf(r, level, "%s: %s in %s", where, msg, s->owner);
	} else if (s->owner && strcmp(s->owner, own) != 0) {
		sk_rules_diagf(r, level, "%s: %s in %s (used by rule '%s')", where, msg, s->owner,
			       rule);
	} else {
		sk_rules_diagf(r, level, "%s: %s in rule '%s'", where, msg, rule);
	}
}

size_t sk_rules_diag_count(const struct sk_rules *r)
{
	return r->ndiags;
}

const struct sk_rules_diag *sk_rules_diag_at(const struct sk_rules *r, size_t i)
{
	return i < r->ndiags ? &r->diags[i] : NULL;
}

size_t sk_rules_error_count(const struct sk_rules *r)
{
	return r->nerrors;
}
