/* core/rules/rules_compiler.c - compiling what the collector gathered:
 * macro and list expansion, exceptions turned into conditions, rule
 * conditions and outputs compiled (with append_output), warnings (event
 * types, deprecated fields, unused lists and macros).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "rules/engine.h"
#include "rules/engine_priv.h"
#include "rules/filter.h"
#include "rules/format.h"

/* ---- compile: macros, lists, exceptions -------------------------------- */

static int expand_macros(struct sk_rules *r, struct sk_filter_node **np, const char *rule,
			 bool *bad);

static int macro_expanded(struct sk_rules *r, struct mdef *m, const char *rule, bool *bad)
{
	/* -EBADMSG: the macro's errors were reported before, when it was
	 * parsed or first expanded; -EINVAL: they are being reported now */
	if (m->state == 2) {
		return m->broken ? -EBADMSG : 0;
	}
	if (m->state == 1) {
		return -ELOOP;
	}
	if (m->broken || !m->tree) {
		return -EBADMSG;
	}
	m->state = 1;
	struct sk_filter_node *t = sk_filter_clone(m->tree);
	if (!t) {
		return -ENOMEM;
	}
	bool mbad = false;
	int rc = expand_macros(r, &t, rule, &mbad);
	m->state = 2;
	if (rc || mbad) {
		sk_filter_free(t);
		m->broken = true;
		*bad = true;
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	m->expanded = t;
	return 0;
}

static int expand_macros(struct sk_rules *r, struct sk_filter_node **np, const char *rule,
			 bool *bad)
{
	struct sk_filter_node *n = *np;
	if (n->kind == SK_FN_MACRO) {
		struct mdef *m = sk_rules_find_macro(r, n->name);
		char msg[400];
		if (!m) {
			char dym[300];
			snprintf(msg, sizeof(msg), "undefined macro '%s'%s", n->name,
				 sk_rules_did_you_mean(r, NAMES_MACRO, n->name, dym, sizeof(dym)));
			sk_rules_tdiag(r, SK_RULES_ERROR, n->src, n->pos, rule, msg);
			*bad = true;
			return 0;
		}
		m->used = true;
		int rc = macro_expanded(r, m, rule, bad);
		if (rc == -ELOOP) {
			snprintf(msg, sizeof(msg), "macro '%s' refers to itself", n->name);
			sk_rules_tdiag(r, SK_RULES_ERROR, n->src, n->pos, rule, msg);
			*bad = true;
			return 0;
		}
		if (rc == -ENOMEM) {
			return rc;
		}
		if (rc == -EBADMSG) {
			snprintf(msg, sizeof(msg), "macro '%s' cannot be used: it has errors",
				 n->name);
			sk_rules_tdiag(r, SK_RULES_ERROR, n->src, n->pos, rule, msg);
		}
		if (rc) {
			*bad = true;
			return 0;
		}
		struct sk_filter_node *c = sk_filter_clone(m->expanded);
		if (!c) {
			return -ENOMEM;
		}
		sk_filter_free(n);
		*np = c;
		return 0;
	}
	for (size_t i = 0; i < n->nkids; i++) {
		int rc = expand_macros(r, &n->kids[i], rule, bad);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

static int list_values(struct sk_rules *r, const struct sk_filter_val *v, uint32_t pos,
		       struct sk_filter_val **out, size_t *nout, unsigned depth)
{
	struct ldef *l = (!v->quoted && depth < LIST_DEPTH) ? sk_rules_find_list(r, v->s) : NULL;
	if (!l || l->state) {
		struct sk_filter_val *o = realloc(*out, (*nout + 1) * sizeof(*o));
		if (!o) {
			return -ENOMEM;
		}
		*out = o;
		o[*nout] = (struct sk_filter_val){
		    .s = strdup(v->s), .len = v->len, .pos = pos, .quoted = v->quoted};
		if (!o[*nout].s) {
			return -ENOMEM;
		}
		(*nout)++;
		return 0;
	}
	l->used = true;
	l->state = 1;
	int rc = 0;
	for (size_t i = 0; i < l->n && !rc; i++) {
		rc = list_values(r, &l->items[i], pos, out, nout, depth + 1);
	}
	l->state = 0;
	return rc;
}

static int expand_lists(struct sk_rules *r, struct sk_filter_node *n)
{
	for (size_t i = 0; i < n->nkids; i++) {
		int rc = expand_lists(r, n->kids[i]);
		if (rc) {
			return rc;
		}
	}
	if (n->kind != SK_FN_CHECK || (n->rhs != SK_RHS_LIST && n->rhs != SK_RHS_LISTREF)) {
		return 0;
	}
	struct sk_filter_val *out = NULL;
	size_t nout = 0;
	int rc = 0;
	for (size_t i = 0; i < n->nvals && !rc; i++) {
		rc = list_values(r, &n->vals[i], n->vals[i].pos, &out, &nout, 0);
	}
	for (size_t i = 0; i < n->nvals; i++) {
		free(n->vals[i].s);
	}
	free(n->vals);
	n->vals = out;
	n->nvals = nout;
	n->rhs = SK_RHS_LIST;
	return rc;
}

static bool is_set_op(enum sk_filter_op op)
{
	return op == SK_OP_IN || op == SK_OP_INTERSECTS || op == SK_OP_PMATCH;
}

/* one check `field comp value(s)` of an exception */
static struct sk_filter_node *exc_check(struct sk_rules *r, const struct sk_cfg_node *field,
					const struct sk_cfg_node *comp, const char *defcomp,
					const struct sk_cfg_node *value, const char *exname,
					const char *rule, bool *bad, int *rc)
{
	char err[300];
	struct sk_filter_src *s = sk_rules_src_new("rule", rule);
	struct sk_filter_node *n = NULL;
	if (!s || sk_rules_src_add_node(r, s, "", field)) {
		goto oom;
	}
	n = sk_filter_node_new(SK_FN_CHECK, s, 0);
	if (!n) {
		goto oom;
	}
	if (sk_filter_parse_fexpr(field->scalar, &n->lhs, err, sizeof(err))) {
		sk_rules_ndiag(r, SK_RULES_ERROR, field, "%s in exception '%s' of rule '%s'", err,
			       exname, rule);
		*bad = true;
		goto fail;
	}
	const char *ctext = comp ? comp->scalar : defcomp;
	n->oppos = (uint32_t)s->len + 1;
	if ((comp ? sk_rules_src_add_node(r, s, " ", comp)
		  : sk_rules_src_add_at(s, " ", ctext,
					&(struct pos){field->file, field->line, field->col}))) {
		goto oom;
	}
	n->op = sk_filter_parse_op(ctext);
	if (n->op == SK_OP_NONE || n->op == SK_OP_EXISTS) {
		sk_rules_ndiag(r, SK_RULES_ERROR, comp ? comp : field,
			       "invalid comparison operator '%s' in exception '%s' of rule '%s'",
			       ctext, exname, rule);
		*bad = true;
		goto fail;
	}
	const struct sk_cfg_node *one = value;
	size_t nv = 1;
	if (value->kind == SK_CFG_SEQ) {
		if (!is_set_op(n->op)) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, value,
			    "operator '%s' takes one value, not a list, in exception '%s' of rule "
			    "'%s'",
			    ctext, exname, rule);
			*bad = true;
			goto fail;
		}
		nv = value->n;
	}
	n->rhs = is_set_op(n->op) ? SK_RHS_LIST : SK_RHS_VALUE;
	for (size_t i = 0; i < nv; i++) {
		if (value->kind == SK_CFG_SEQ) {
			one = value->items[i];
		}
		if (one->kind != SK_CFG_SCALAR) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, one,
			    "exception values must be strings in exception '%s' of rule '%s'",
			    exname, rule);
			*bad = true;
			goto fail;
		}
		uint32_t at = (uint32_t)s->len + 1;
		if (sk_rules_src_add_node(r, s, " ", one)) {
			goto oom;
		}
		struct sk_filter_val *tmp = NULL;
		size_t nt = 0;
		if (sk_rules_add_value(&tmp, &nt, one->scalar)) {
			free(tmp);
			goto oom;
		}
		int e = sk_filter_node_add_val(n, tmp[0].s, tmp[0].len, at, tmp[0].quoted);
		free(tmp[0].s);
		free(tmp);
		if (e) {
			goto oom;
		}
	}
	sk_filter_src_unref(s);
	return n;
oom:
	*rc = -ENOMEM;
fail:
	sk_filter_free(n);
	sk_filter_src_unref(s);
	return NULL;
}

static struct sk_filter_node *junction(enum sk_filter_kind kind, struct sk_filter_src *src,
				       uint32_t pos)
{
	return sk_filter_node_new(kind, src, pos);
}

/* the fields of an exception without values must still exist */
static void exc_check_fields(struct sk_rules *r, const struct exdef *x, const char *rule,
			     const char *source, bool skip_unknown, bool *bad)
{
	const struct sk_cfg_node *f = x->fields;
	size_t n = f->kind == SK_CFG_SEQ ? f->n : 1;
	for (size_t i = 0; i < n; i++) {
		const struct sk_cfg_node *one = f->kind == SK_CFG_SEQ ? f->items[i] : f;
		char err[400];
		struct sk_filter_fexpr fe;
		struct sk_field_ref ref;
		if (one->kind != SK_CFG_SCALAR || one->is_null) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, one,
			    "'fields' must be field names in exception '%s' of rule '%s'", x->name,
			    rule);
			*bad = true;
			continue;
		}
		int rc = sk_filter_parse_fexpr(one->scalar, &fe, err, sizeof(err));
		if (rc == 0) {
			rc = sk_fields_resolve(r->fields, source, fe.name, fe.arg, &ref, err,
					       sizeof(err));
			sk_filter_fexpr_fini(&fe);
			if (rc == 0) {
				sk_field_ref_fini(&ref);
				continue;
			}
		}
		if (rc == -ENOENT && skip_unknown) {
			sk_rules_ndiag(r, SK_RULES_WARNING, one,
				       "rule '%s' skipped: %s in exception '%s'", rule, err,
				       x->name);
		} else {
			sk_rules_ndiag(r, SK_RULES_ERROR, one, "%s in exception '%s' of rule '%s'",
				       err, x->name, rule);
		}
		*bad = true;
	}
}

/* `not (...)` for one exception, or NULL (no values, or an error: *bad) */
static struct sk_filter_node *exc_tree(struct sk_rules *r, const struct exdef *x, const char *rule,
				       const struct sk_filter_src *csrc, bool *bad, int *rc)
{
	if (!x->nvalues) {
		return NULL;
	}
	struct sk_filter_node *any = junction(SK_FN_OR, NULL, 0);
	if (!any) {
		*rc = -ENOMEM;
		return NULL;
	}
	const struct sk_cfg_node *f = x->fields, *c = x->comps;
	if (f->kind == SK_CFG_SCALAR && !f->is_null) {
		if (c && c->kind != SK_CFG_SCALAR) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, c,
			    "'comps' must be one operator when 'fields' is one field, in exception "
			    "'%s' of rule '%s'",
			    x->name, rule);
			*bad = true;
			goto fail;
		}
		const char *ctext = c ? c->scalar : "in";
		enum sk_filter_op op = sk_filter_parse_op(ctext);
		if (is_set_op(op)) {
			/* one check with every value in its list */
			struct sk_cfg_node all = {.kind = SK_CFG_SEQ,
						  .file = f->file,
						  .line = f->line,
						  .col = f->col,
						  .n = x->nvalues,
						  .items = (struct sk_cfg_node **)x->values};
			struct sk_filter_node *k =
			    exc_check(r, f, c, "in", &all, x->name, rule, bad, rc);
			if (!k || sk_filter_node_add(any, k)) {
				goto fail;
			}
		} else {
			for (size_t i = 0; i < x->nvalues; i++) {
				struct sk_filter_node *k =
				    exc_check(r, f, c, "in", x->values[i], x->name, rule, bad, rc);
				if (!k || sk_filter_node_add(any, k)) {
					goto fail;
				}
			}
		}
	} else if (f->kind == SK_CFG_SEQ) {
		if (c && (c->kind != SK_CFG_SEQ || c->n != f->n)) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, c,
			    "'comps' must list one operator per field (%zu) in exception '%s' of "
			    "rule '%s'",
			    f->n, x->name, rule);
			*bad = true;
			goto fail;
		}
		for (size_t i = 0; i < f->n; i++) {
			if (f->items[i]->kind != SK_CFG_SCALAR || f->items[i]->is_null) {
				sk_rules_ndiag(
				    r, SK_RULES_ERROR, f->items[i],
				    "'fields' must be field names in exception '%s' of rule '%s'",
				    x->name, rule);
				*bad = true;
				goto fail;
			}
			if (c && c->items[i]->kind != SK_CFG_SCALAR) {
				sk_rules_ndiag(
				    r, SK_RULES_ERROR, c->items[i],
				    "'comps' must be operators in exception '%s' of rule '%s'",
				    x->name, rule);
				*bad = true;
				goto fail;
			}
		}
		for (size_t v = 0; v < x->nvalues; v++) {
			const struct sk_cfg_node *tuple = x->values[v];
			if (tuple->kind != SK_CFG_SEQ || tuple->n != f->n) {
				sk_rules_ndiag(
				    r, SK_RULES_ERROR, tuple,
				    "each value must be a list of %zu item(s), one per field, in "
				    "exception '%s' of rule '%s'",
				    f->n, x->name, rule);
				*bad = true;
				goto fail;
			}
			struct sk_filter_node *all = junction(SK_FN_AND, NULL, 0);
			if (!all) {
				*rc = -ENOMEM;
				goto fail;
			}
			for (size_t k = 0; k < f->n; k++) {
				struct sk_filter_node *ck =
				    exc_check(r, f->items[k], c ? c->items[k] : NULL, "=",
					      tuple->items[k], x->name, rule, bad, rc);
				if (!ck || sk_filter_node_add(all, ck)) {
					sk_filter_free(all);
					goto fail;
				}
			}
			if (sk_filter_node_add(any, all)) {
				*rc = -ENOMEM;
				goto fail;
			}
		}
	} else {
		sk_rules_ndiag(
		    r, SK_RULES_ERROR, f,
		    "'fields' must be a field or a list of fields in exception '%s' of rule "
		    "'%s'",
		    x->name, rule);
		*bad = true;
		goto fail;
	}
	struct sk_filter_node *neg = junction(SK_FN_NOT, NULL, 0);
	if (!neg) {
		*rc = -ENOMEM;
		goto fail;
	}
	/* a one-child or/and is just the child */
	struct sk_filter_node *body = any;
	if (any->nkids == 1) {
		body = any->kids[0];
		if (body->kind == SK_FN_AND && body->nkids == 1) {
			struct sk_filter_node *only = body->kids[0];
			body->nkids = 0;
			sk_filter_free(body);
			body = only;
		}
		any->nkids = 0;
		sk_filter_free(any);
	}
	if (sk_filter_node_add(neg, body)) { /* frees body */
		sk_filter_free(neg);
		*rc = -ENOMEM;
		return NULL;
	}
	return neg;
fail:
	sk_filter_free(any);
	return NULL;
}

/* ---- compile: rules ---------------------------------------------------- */

/* `evt.type = X` with an X the source does not know matches nothing: most
 * likely a typo */
static void warn_evttype_names(struct sk_rules *r, const struct sk_filter_node *n, const char *rule,
			       const char *source)
{
	for (size_t i = 0; i < n->nkids; i++) {
		warn_evttype_names(r, n->kids[i], rule, source);
	}
	if (n->kind != SK_FN_CHECK || strcmp(n->lhs.name, "evt.type") != 0 || n->lhs.nxforms ||
	    (n->rhs != SK_RHS_VALUE && n->rhs != SK_RHS_LIST)) {
		return;
	}
	for (size_t i = 0; i < n->nvals; i++) {
		uint16_t t;
		if (sk_fields_evttypes(r->fields, source, n->vals[i].s, &t, 1) == 0) {
			char msg[300];
			snprintf(msg, sizeof(msg), "unknown event type '%s'", n->vals[i].s);
			sk_rules_tdiag(r, SK_RULES_WARNING, n->src, n->vals[i].pos, rule, msg);
		}
	}
}

static bool append_matches(const struct append_entry *a, const struct sk_rule_priv *p)
{
	if (a->source && strcmp(a->source, p->source) != 0) {
		return false;
	}
	if (a->rule && strcmp(a->rule, p->name) != 0) {
		return false;
	}
	if (a->tag) {
		for (size_t i = 0; i < p->ntags; i++) {
			if (strcmp(p->tags[i], a->tag) == 0) {
				return true;
			}
		}
		return false;
	}
	return true;
}

/* an append_output problem, at the entry's position when it has one */
static void append_diag(struct sk_rules *r, const struct append_entry *a, const char *msg,
			const char *rule)
{
	if (a->pos.file) {
		sk_rules_pdiag(r, SK_RULES_ERROR, &a->pos, "append_output: %s (for rule '%s')", msg,
			       rule);
	} else {
		sk_rules_diagf(r, SK_RULES_ERROR, "append_output: %s (for rule '%s')", msg, rule);
	}
}

/* compile the rule's output plus matching append_output entries; -EINVAL
 * when an error was recorded, -ENOMEM */
static int compile_output(struct sk_rules *r, struct sk_rule_priv *p, char *msg, size_t msglen)
{
	const char *outtext = p->out ? p->out->text : "";
	size_t len = strlen(outtext), cap = len + 1;
	for (size_t i = 0; i < r->nappends; i++) {
		if (r->appends[i].text && append_matches(&r->appends[i], p)) {
			cap += strlen(r->appends[i].text) + 1;
		}
	}
	char *full = malloc(cap);
	size_t *starts = calloc(r->nappends + 1, sizeof(*starts));
	int rc = 0;
	if (!full || !starts) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(full, outtext, len + 1);
	for (size_t i = 0; i < r->nappends; i++) {
		const struct append_entry *a = &r->appends[i];
		starts[i] = SIZE_MAX;
		if (a->text && append_matches(a, p)) {
			starts[i] = len + 1;
			len += (size_t)snprintf(full + len, cap - len, " %s", a->text);
		}
	}
	size_t off = 0;
	rc = sk_rule_fmt_compile(full, r->fields, p->source, &p->fmt, msg, msglen, &off);
	if (rc && rc != -ENOMEM) {
		if (p->out && off <= p->out->len) {
			char m2[700];
			snprintf(m2, sizeof(m2), "%s in output", msg);
			sk_rules_tdiag(r, SK_RULES_ERROR, p->out, off, p->name, m2);
		} else {
			const struct append_entry *a = NULL;
			for (size_t i = 0; i < r->nappends; i++) {
				if (starts[i] != SIZE_MAX && starts[i] <= off) {
					a = &r->appends[i];
				}
			}
			append_diag(r, a ? a : &r->appends[0], msg, p->name);
		}
		rc = -EINVAL;
		goto out;
	}
	for (size_t i = 0; !rc && i < r->nappends; i++) {
		const struct append_entry *a = &r->appends[i];
		if (!append_matches(a, p)) {
			continue;
		}
		for (size_t k = 0; !rc && k < a->nfields; k++) {
			rc = sk_rule_fmt_add_field(p->fmt, a->fields[k], r->fields, p->source, msg,
						   msglen);
			if (rc && rc != -ENOMEM) {
				append_diag(r, a, msg, p->name);
				rc = -EINVAL;
			}
		}
		for (size_t k = 0; !rc && k < a->nconsts; k++) {
			rc = sk_rule_fmt_add_const(p->fmt, a->cnames[k], a->cvalues[k]);
		}
	}
out:
	free(full);
	free(starts);
	return rc;
}

/* deprecated_one - warn, once per run and field, about a field its plugin
 * marks deprecated (SK_FIELD_DEPRECATED), at the first place a rule uses it. */
static int deprecated_one(struct sk_rules *r, const struct sk_filter_node *n,
			  const struct sk_filter_fexpr *fe, const char *rule, const char *source)
{
	if (fe->name == NULL) {
		return 0;
	}
	const struct sk_field_def *d = sk_fields_find(r->fields, source, fe->name, NULL);
	if (d == NULL || !(d->field->flags & SK_FIELD_DEPRECATED)) {
		return 0;
	}
	for (size_t i = 0; i < r->ndeprecated; i++) {
		if (r->deprecated[i] == d) {
			return 0;
		}
	}
	const struct sk_field_def **a = realloc(r->deprecated, (r->ndeprecated + 1) * sizeof(*a));
	if (a == NULL) {
		return -ENOMEM;
	}
	r->deprecated = a;
	a[r->ndeprecated++] = d;
	char msg[400];
	snprintf(msg, sizeof(msg),
		 "field '%s' is deprecated: Falco deprecated it, and it is kept only so that "
		 "such rules load (it may give no value: see shrike --list)",
		 d->field->name);
	sk_rules_tdiag(r, SK_RULES_WARNING, n->src, fe->pos, rule, msg);
	return 0;
}

/* warn_deprecated - deprecated_one() for every field a condition tree uses. */
static int warn_deprecated(struct sk_rules *r, const struct sk_filter_node *n, const char *rule,
			   const char *source)
{
	if (n == NULL) {
		return 0;
	}
	if (n->kind == SK_FN_CHECK) {
		int rc = deprecated_one(r, n, &n->lhs, rule, source);
		if (rc == 0 && n->rhs == SK_RHS_FIELD) {
			rc = deprecated_one(r, n, &n->rhs_field, rule, source);
		}
		return rc;
	}
	for (size_t i = 0; i < n->nkids; i++) {
		int rc = warn_deprecated(r, n->kids[i], rule, source);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

static int compile_rule(struct sk_rules *r, struct sk_rule_priv *p)
{
	char msg[600];
	struct sk_filter_node *tree = NULL;
	int rc = 0;
	bool bad = false;
	p->pub.loaded = false;
	if (!p->cond) {
		return 0;
	}
	if (!sk_fields_has_source(r->fields, p->source)) {
		return 0; /* reported once per source by report_skipped_sources() */
	}
	size_t off = 0;
	rc = sk_filter_parse(p->cond, &tree, msg, sizeof(msg), &off);
	if (rc == -ENOMEM) {
		return rc;
	}
	if (rc) {
		char m2[700];
		snprintf(m2, sizeof(m2), "syntax error: %s", msg);
		sk_rules_tdiag(r, SK_RULES_ERROR, p->cond, off, p->name, m2);
		return 0;
	}
	rc = expand_macros(r, &tree, p->name, &bad);
	if (rc || bad) {
		goto out;
	}
	rc = warn_deprecated(r, tree, p->name, p->source);
	if (rc) {
		goto out;
	}
	if (p->nexc) {
		struct sk_filter_node *all = junction(SK_FN_AND, p->cond, 0);
		if (!all) {
			rc = -ENOMEM;
			goto out;
		}
		if (sk_filter_node_add(all, tree)) { /* frees tree */
			tree = NULL;
			sk_filter_free(all);
			rc = -ENOMEM;
			goto out;
		}
		tree = all;
		for (size_t i = 0; i < p->nexc; i++) {
			if (!p->exc[i].nvalues) {
				exc_check_fields(r, &p->exc[i], p->name, p->source, p->skip_unknown,
						 &bad);
				continue;
			}
			struct sk_filter_node *x =
			    exc_tree(r, &p->exc[i], p->name, p->cond, &bad, &rc);
			if (rc) {
				goto out;
			}
			if (x && sk_filter_node_add(tree, x)) {
				rc = -ENOMEM;
				goto out;
			}
		}
		if (bad) {
			goto out;
		}
	}
	rc = expand_lists(r, tree);
	if (rc) {
		goto out;
	}
	warn_evttype_names(r, tree, p->name, p->source);
	struct sk_filter_cerr ce;
	rc = sk_filter_compile(tree, r->fields, p->source, &p->filter, &ce);
	if (rc == -ENOMEM) {
		goto out;
	}
	if (rc) {
		rc = 0;
		const struct sk_filter_src *s = ce.node && ce.node->src ? ce.node->src : p->cond;
		if (ce.unknown_field && p->skip_unknown) {
			char where[512];
			sk_rules_src_where(s, ce.off, where, sizeof(where));
			sk_rules_diagf(r, SK_RULES_WARNING, "%s: rule '%s' skipped: %s", where,
				       p->name, ce.msg);
		} else {
			sk_rules_tdiag(r, SK_RULES_ERROR, s, ce.off, p->name, ce.msg);
		}
		goto out;
	}
	rc = sk_filter_use_cache(p->filter, r->cache);
	if (rc) {
		goto out;
	}
	uint16_t *types = NULL;
	size_t nt = 0;
	int er = sk_filter_evttypes(tree, r->fields, p->source, &types, &nt);
	if (er < 0) {
		rc = er;
		goto out;
	}
	free(p->types);
	p->types = types;
	p->ntypes = nt;
	p->restricted = er == 1;
	uint16_t probe;
	if (!p->restricted && p->warn_evttypes &&
	    sk_fields_evttypes(r->fields, p->source, "", &probe, 1) >= 0) {
		char where[512];
		sk_rules_src_where(p->cond, 0, where, sizeof(where));
		sk_rules_diagf(
		    r, SK_RULES_WARNING,
		    "%s: rule '%s' matches all event types (restrict it with evt.type, or set "
		    "warn_evttypes: false)",
		    where, p->name);
	}
	/* output, with the append_output entries that match the rule */
	rc = compile_output(r, p, msg, sizeof(msg));
	if (rc == -ENOMEM) {
		goto out;
	}
	if (rc) {
		rc = 0;
		goto out;
	}
	p->pub.loaded = true;
out:
	if (!p->pub.loaded) {
		sk_filter_destroy(p->filter);
		p->filter = NULL;
		sk_rule_fmt_destroy(p->fmt);
		p->fmt = NULL;
	}
	sk_filter_free(tree);
	sk_rules_sync_pub(p);
	return rc;
}

/* skipped_source_file - whether `file` defines a rule whose source is not
 * loaded: its macros and lists then go unused without anything being wrong. */
static bool skipped_source_file(const struct sk_rules *r, const char *file)
{
	for (size_t i = 0; i < r->nrules; i++) {
		const struct sk_rule_priv *p = r->rules[i];
		if (p->cond && !sk_fields_has_source(r->fields, p->source) && p->pos.file && file &&
		    strcmp(p->pos.file, file) == 0) {
			return true;
		}
	}
	return false;
}

/* report_skipped_sources - one note per source whose rules are skipped
 * because no loaded plugin provides it (e.g. k8s_audit rules while the
 * audit source is off), at its first rule's position, with the count. */
static void report_skipped_sources(struct sk_rules *r)
{
	for (size_t i = 0; i < r->nrules; i++) {
		const struct sk_rule_priv *p = r->rules[i];
		if (!p->cond || sk_fields_has_source(r->fields, p->source)) {
			continue;
		}
		bool first = true; /* the first rule of this source? */
		for (size_t k = 0; k < i && first; k++) {
			const struct sk_rule_priv *q = r->rules[k];
			first = !(q->cond && strcmp(q->source, p->source) == 0);
		}
		if (!first) {
			continue;
		}
		size_t n = 0;
		for (size_t k = i; k < r->nrules; k++) {
			const struct sk_rule_priv *q = r->rules[k];
			n += q->cond && strcmp(q->source, p->source) == 0;
		}
		sk_rules_pdiag(
		    r, SK_RULES_INFO, &p->pos,
		    "%zu rule(s) of source '%s' skipped, starting with '%s': no loaded plugin "
		    "provides that source (enable it, e.g. --enable-source %s)",
		    n, p->source, p->name, p->source);
	}
}

int sk_rules_compile(struct sk_rules *r)
{
	char msg[600];
	int rc = 0;
	if (r->compiled) {
		return -EALREADY;
	}
	for (size_t i = 0; i < r->nmacros; i++) {
		struct mdef *m = &r->macros[i];
		size_t off = 0;
		int e = sk_filter_parse(m->src, &m->tree, msg, sizeof(msg), &off);
		if (e == -ENOMEM) {
			return e;
		}
		if (e) {
			char where[512];
			sk_rules_src_where(m->src, off, where, sizeof(where));
			sk_rules_diagf(r, SK_RULES_ERROR, "%s: syntax error: %s in macro '%s'",
				       where, msg, m->name);
			m->broken = true;
		}
	}
	for (size_t i = 0; i < r->nrules; i++) {
		rc = compile_rule(r, r->rules[i]);
		if (rc) {
			return rc;
		}
	}
	report_skipped_sources(r);
	/* macros only used by other unused macros count as unused too; those
	 * of a file whose rules were skipped for their source are not news */
	for (size_t i = 0; i < r->nmacros; i++) {
		if (!r->macros[i].used && !skipped_source_file(r, r->macros[i].pos.file)) {
			sk_rules_pdiag(r, SK_RULES_WARNING, &r->macros[i].pos,
				       "macro '%s' is not used", r->macros[i].name);
		}
	}
	for (size_t i = 0; i < r->nlists; i++) {
		if (!r->lists[i].used && !skipped_source_file(r, r->lists[i].pos.file)) {
			sk_rules_pdiag(r, SK_RULES_WARNING, &r->lists[i].pos,
				       "list '%s' is not used", r->lists[i].name);
		}
	}
	r->compiled = true;
	r->dirty = true;
	return r->nerrors ? -EINVAL : 0;
}
