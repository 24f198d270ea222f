/* core/rules/filter_tree.c - the syntax tree of filter.h and where its
 * text comes from: condition sources (text with the file positions of its
 * pieces, reference-counted), tree nodes (create, add children and values,
 * clone, free), and printing a tree back as condition text.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/sbuf.h"
#include "rules/filter.h"

/* ---- sources ----------------------------------------------------------- */

struct sk_filter_src *sk_filter_src_create(const char *text, size_t len)
{
	struct sk_filter_src *s = calloc(1, sizeof(*s));
	if (!s) {
		return NULL;
	}
	s->text = malloc(len + 1);
	if (!s->text) {
		free(s);
		return NULL;
	}
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	s->len = len;
	s->refs = 1;
	return s;
}

void sk_filter_src_ref(struct sk_filter_src *s)
{
	if (s) {
		s->refs++;
	}
}

void sk_filter_src_unref(struct sk_filter_src *s)
{
	if (!s || --s->refs > 0) {
		return;
	}
	for (size_t i = 0; i < s->nsegs; i++) {
		free(s->segs[i].line);
		free(s->segs[i].col);
	}
	free(s->segs);
	free(s->text);
	free(s->owner);
	free(s);
}

int sk_filter_src_append(struct sk_filter_src *s, const char *sep, const char *text, size_t len,
			 const char *file, unsigned *line, unsigned *col)
{
	size_t seplen = (s->len && sep) ? strlen(sep) : 0;
	char *t = realloc(s->text, s->len + seplen + len + 1);
	struct sk_filter_seg *g = realloc(s->segs, (s->nsegs + 1) * sizeof(*g));
	if (t) {
		s->text = t;
	}
	if (g) {
		s->segs = g;
	}
	if (!t || !g) {
		free(line);
		free(col);
		return -ENOMEM;
	}
	memcpy(t + s->len, sep, seplen);
	memcpy(t + s->len + seplen, text, len);
	t[s->len + seplen + len] = '\0';
	g[s->nsegs] = (struct sk_filter_seg){
	    .off = s->len + seplen, .len = len, .file = file, .line = line, .col = col};
	s->nsegs++;
	s->len += seplen + len;
	return 0;
}

void sk_filter_src_pos(const struct sk_filter_src *s, size_t off, const char **ret_file,
		       unsigned *ret_line, unsigned *ret_col)
{
	const struct sk_filter_seg *g = NULL;
	for (size_t i = 0; i < s->nsegs; i++) {
		if (s->segs[i].off <= off) {
			g = &s->segs[i];
		}
	}
	if (!g) {
		*ret_file = "<condition>";
		*ret_line = 1;
		*ret_col = (unsigned)off + 1;
		return;
	}
	size_t rel = off - g->off;
	if (rel > g->len) {
		rel = g->len;
	}
	*ret_file = g->file;
	if (g->line && g->col) {
		*ret_line = g->line[rel];
		*ret_col = g->col[rel];
	} else {
		*ret_line = 1;
		*ret_col = (unsigned)rel + 1;
	}
}

/* ---- nodes ------------------------------------------------------------- */

struct sk_filter_node *sk_filter_node_new(enum sk_filter_kind kind, struct sk_filter_src *src,
					  uint32_t pos)
{
	struct sk_filter_node *n = calloc(1, sizeof(*n));
	if (!n) {
		return NULL;
	}
	n->kind = kind;
	n->pos = pos;
	n->src = src;
	sk_filter_src_ref(src);
	return n;
}

void sk_filter_fexpr_fini(struct sk_filter_fexpr *f)
{
	free(f->name);
	free(f->arg);
	f->name = NULL;
	f->arg = NULL;
}

int sk_filter_fexpr_copy(struct sk_filter_fexpr *dst, const struct sk_filter_fexpr *src)
{
	*dst = *src;
	dst->name = src->name ? strdup(src->name) : NULL;
	dst->arg = src->arg ? strdup(src->arg) : NULL;
	if ((src->name && !dst->name) || (src->arg && !dst->arg)) {
		sk_filter_fexpr_fini(dst);
		return -ENOMEM;
	}
	return 0;
}

void sk_filter_free(struct sk_filter_node *n)
{
	if (!n) {
		return;
	}
	for (size_t i = 0; i < n->nkids; i++) {
		sk_filter_free(n->kids[i]);
	}
	free(n->kids);
	for (size_t i = 0; i < n->nvals; i++) {
		free(n->vals[i].s);
	}
	free(n->vals);
	sk_filter_fexpr_fini(&n->lhs);
	sk_filter_fexpr_fini(&n->rhs_field);
	free(n->name);
	sk_filter_src_unref(n->src);
	free(n);
}

int sk_filter_node_add(struct sk_filter_node *n, struct sk_filter_node *kid)
{
	struct sk_filter_node **k = realloc(n->kids, (n->nkids + 1) * sizeof(*k));
	if (!k) {
		sk_filter_free(kid);
		return -ENOMEM;
	}
	n->kids = k;
	k[n->nkids++] = kid;
	return 0;
}

int sk_filter_node_add_val(struct sk_filter_node *n, const char *s, size_t len, uint32_t pos,
			   bool quoted)
{
	struct sk_filter_val *v = realloc(n->vals, (n->nvals + 1) * sizeof(*v));
	if (!v) {
		return -ENOMEM;
	}
	n->vals = v;
	char *c = malloc(len + 1);
	if (!c) {
		return -ENOMEM;
	}
	memcpy(c, s, len);
	c[len] = '\0';
	v[n->nvals++] = (struct sk_filter_val){.s = c, .len = len, .pos = pos, .quoted = quoted};
	return 0;
}

struct sk_filter_node *sk_filter_clone(const struct sk_filter_node *n)
{
	struct sk_filter_node *c = sk_filter_node_new(n->kind, n->src, n->pos);
	if (!c) {
		return NULL;
	}
	c->op = n->op;
	c->oppos = n->oppos;
	c->rhs = n->rhs;
	if (sk_filter_fexpr_copy(&c->lhs, &n->lhs) ||
	    sk_filter_fexpr_copy(&c->rhs_field, &n->rhs_field)) {
		goto fail;
	}
	if (n->name && !(c->name = strdup(n->name))) {
		goto fail;
	}
	for (size_t i = 0; i < n->nvals; i++) {
		if (sk_filter_node_add_val(c, n->vals[i].s, n->vals[i].len, n->vals[i].pos,
					   n->vals[i].quoted)) {
			goto fail;
		}
	}
	for (size_t i = 0; i < n->nkids; i++) {
		struct sk_filter_node *k = sk_filter_clone(n->kids[i]);
		if (!k || sk_filter_node_add(c, k)) {
			goto fail;
		}
	}
	return c;
fail:
	sk_filter_free(c);
	return NULL;
}

/* ---- printing ---------------------------------------------------------- */

static void print_fexpr(struct sk_sbuf *b, const struct sk_filter_fexpr *f)
{
	for (int i = f->nxforms - 1; i >= 0; i--) {
		sk_sbuf_adds(b, sk_filter_xform_name(f->xforms[i]));
		sk_sbuf_adds(b, "(");
	}
	sk_sbuf_adds(b, f->name);
	if (f->arg) {
		sk_sbuf_adds(b, "[");
		sk_sbuf_adds(b, f->arg);
		sk_sbuf_adds(b, "]");
	}
	for (int i = 0; i < f->nxforms; i++) {
		sk_sbuf_adds(b, ")");
	}
}

static void print_val(struct sk_sbuf *b, const struct sk_filter_val *v)
{
	if (!v->quoted) {
		sk_sbuf_add(b, v->s, v->len);
		return;
	}
	sk_sbuf_adds(b, "\"");
	for (size_t i = 0; i < v->len; i++) {
		if (v->s[i] == '"' || v->s[i] == '\\') {
			sk_sbuf_adds(b, "\\");
		}
		sk_sbuf_add(b, v->s + i, 1);
	}
	sk_sbuf_adds(b, "\"");
}

static void print_node(struct sk_sbuf *b, const struct sk_filter_node *n)
{
	switch (n->kind) {
	case SK_FN_AND:
	case SK_FN_OR:
		sk_sbuf_adds(b, "(");
		for (size_t i = 0; i < n->nkids; i++) {
			if (i) {
				sk_sbuf_adds(b, n->kind == SK_FN_AND ? " and " : " or ");
			}
			print_node(b, n->kids[i]);
		}
		sk_sbuf_adds(b, ")");
		break;
	case SK_FN_NOT:
		sk_sbuf_adds(b, "not ");
		print_node(b, n->kids[0]);
		break;
	case SK_FN_MACRO:
		sk_sbuf_adds(b, n->name);
		break;
	case SK_FN_CHECK:
		print_fexpr(b, &n->lhs);
		sk_sbuf_adds(b, " ");
		sk_sbuf_adds(b, sk_filter_op_name(n->op));
		switch (n->rhs) {
		case SK_RHS_NONE:
			break;
		case SK_RHS_VALUE:
		case SK_RHS_LISTREF:
			sk_sbuf_adds(b, " ");
			print_val(b, &n->vals[0]);
			break;
		case SK_RHS_LIST:
			sk_sbuf_adds(b, " (");
			for (size_t i = 0; i < n->nvals; i++) {
				if (i) {
					sk_sbuf_adds(b, ", ");
				}
				print_val(b, &n->vals[i]);
			}
			sk_sbuf_adds(b, ")");
			break;
		case SK_RHS_FIELD:
			sk_sbuf_adds(b, " val(");
			print_fexpr(b, &n->rhs_field);
			sk_sbuf_adds(b, ")");
			break;
		}
		break;
	}
}

char *sk_filter_to_string(const struct sk_filter_node *n)
{
	struct sk_sbuf b = {0};
	print_node(&b, n);
	if (b.oom) {
		sk_sbuf_free(&b);
		return NULL;
	}
	return sk_sbuf_take(&b);
}
