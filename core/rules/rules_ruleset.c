/* core/rules/rules_ruleset.c - the ruleset: create and destroy, options
 * (minimum priority, match all), enable/disable selection, append_output
 * entries, listing, the per-source and per-event-type index, evaluation and
 * alert building.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "common/clock.h"
#include "outputs.h"
#include "rules/engine.h"
#include "rules/engine_priv.h"
#include "rules/filter.h"
#include "rules/format.h"

/* ---- lifecycle --------------------------------------------------------- */

struct sk_rules *sk_rules_create(const struct sk_fields *fields)
{
	struct sk_rules *r = calloc(1, sizeof(*r));
	if (!r) {
		return NULL;
	}
	r->fields = fields;
	r->min_priority = SK_PRI_DEBUG;
	r->sample_mask = (1u << SK_RULES_COST_SAMPLING) - 1;
	r->dirty = true;
	r->fbuf = sk_rule_fmt_buf_create();
	r->cache = sk_filter_cache_create();
	if (!r->fbuf || !r->cache) {
		sk_rule_fmt_buf_destroy(r->fbuf);
		sk_filter_cache_destroy(r->cache);
		free(r);
		return NULL;
	}
	return r;
}

static void index_free(struct sk_rules *r)
{
	for (size_t i = 0; i < r->nidx; i++) {
		struct srcidx *x = &r->idx[i];
		free(x->source);
		free(x->other.v);
		for (size_t t = 0; t < x->ntypes; t++) {
			free(x->by_type[t].v);
		}
		free(x->by_type);
	}
	free(r->idx);
	r->idx = NULL;
	r->nidx = 0;
	r->last = NULL;
}

static void append_entry_fini(struct append_entry *a)
{
	free(a->source);
	free(a->tag);
	free(a->rule);
	free(a->text);
	for (size_t i = 0; i < a->nfields; i++) {
		free(a->fields[i]);
	}
	free(a->fields);
	for (size_t i = 0; i < a->nconsts; i++) {
		free(a->cnames[i]);
		free(a->cvalues[i]);
	}
	free(a->cnames);
	free(a->cvalues);
	memset(a, 0, sizeof(*a));
}

void sk_rules_destroy(struct sk_rules *r)
{
	if (!r) {
		return;
	}
	index_free(r);
	for (size_t i = 0; i < r->nlists; i++) {
		free(r->lists[i].name);
		for (size_t k = 0; k < r->lists[i].n; k++) {
			free(r->lists[i].items[k].s);
		}
		free(r->lists[i].items);
	}
	free(r->lists);
	for (size_t i = 0; i < r->nmacros; i++) {
		free(r->macros[i].name);
		sk_filter_src_unref(r->macros[i].src);
		sk_filter_free(r->macros[i].tree);
		sk_filter_free(r->macros[i].expanded);
	}
	free(r->macros);
	for (size_t i = 0; i < r->nrules; i++) {
		sk_rules_rule_clear(r->rules[i]);
		free(r->rules[i]);
	}
	free(r->rules);
	for (size_t i = 0; i < r->ndiags; i++) {
		free((char *)r->diags[i].msg);
	}
	free(r->diags);
	free(r->deprecated);
	for (size_t i = 0; i < r->ndocs; i++) {
		sk_cfg_free(r->docs[i]);
	}
	free(r->docs);
	for (size_t i = 0; i < r->nraws; i++) {
		free(r->raws[i].text);
		free(r->raws[i].line_off);
	}
	free(r->raws);
	for (size_t i = 0; i < r->nnames; i++) {
		free(r->names[i]);
	}
	free(r->names);
	for (size_t i = 0; i < r->nappends; i++) {
		append_entry_fini(&r->appends[i]);
	}
	free(r->appends);
	free(r->matched);
	sk_rule_fmt_buf_destroy(r->fbuf);
	sk_filter_cache_destroy(r->cache);
	free(r);
}

/* ---- options ----------------------------------------------------------- */

void sk_rules_set_min_priority(struct sk_rules *r, int pri)
{
	r->min_priority = pri;
	r->dirty = true;
}

void sk_rules_set_cost_sampling(struct sk_rules *r, unsigned shift)
{
	r->cost_off = shift >= SK_RULES_COST_OFF;
	r->sample_mask = r->cost_off ? 0 : (1ull << shift) - 1;
}

double sk_rule_eval_ns(const struct sk_rule *rule)
{
	if (rule->evals_timed == 0) {
		return 0;
	}
	return (double)rule->eval_ns_timed * (double)rule->evals / (double)rule->evals_timed;
}

void sk_rules_carry_counters(struct sk_rules *to, const struct sk_rules *from)
{
	if (to == NULL || from == NULL) {
		return;
	}
	for (size_t i = 0; i < sk_rules_count(to); i++) {
		struct sk_rule *t = (struct sk_rule *)sk_rules_at(to, i);
		const struct sk_rule *f = sk_rules_find(from, t->name);
		if (f != NULL) {
			t->matches = f->matches;
			t->evals = f->evals;
			t->evals_timed = f->evals_timed;
			t->eval_ns_timed = f->eval_ns_timed;
		}
	}
}

void sk_rules_set_match_all(struct sk_rules *r, bool all)
{
	r->match_all = all;
}

size_t sk_rules_select(struct sk_rules *r, bool enable, const char *rule_pattern, const char *tag)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nrules; i++) {
		struct sk_rule_priv *p = r->rules[i];
		bool hit = false;
		if (rule_pattern) {
			hit = fnmatch(rule_pattern, p->name, 0) == 0;
		} else if (tag) {
			for (size_t k = 0; k < p->ntags && !hit; k++) {
				hit = strcmp(p->tags[k], tag) == 0;
			}
		}
		if (hit) {
			p->enabled = enable;
			p->pub.enabled = enable;
			n++;
		}
	}
	r->dirty = true;
	return n;
}

int sk_rules_apply_config(struct sk_rules *r, const struct sk_cfg_node *sec)
{
	if (!sec || (sec->kind == SK_CFG_SCALAR && sec->is_null)) {
		return 0;
	}
	if (sec->kind != SK_CFG_SEQ) {
		sk_rules_ndiag(r, SK_RULES_ERROR, sec,
			       "rules: expected a list of '- enable:' / '- disable:' entries");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < sec->n; i++) {
		const struct sk_cfg_node *e = sec->items[i];
		if (e->kind != SK_CFG_MAP || e->n != 1 ||
		    (strcmp(e->keys[0], "enable") != 0 && strcmp(e->keys[0], "disable") != 0)) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, e,
			    "rules[%zu]: expected 'enable:' or 'disable:' with 'rule:' or 'tag:'",
			    i);
			rc = -EINVAL;
			continue;
		}
		bool enable = strcmp(e->keys[0], "enable") == 0;
		const struct sk_cfg_node *sel = e->items[0];
		const struct sk_cfg_node *rule = sk_cfg_get(sel, "rule");
		const struct sk_cfg_node *tag = sk_cfg_get(sel, "tag");
		const struct sk_cfg_node *which = rule ? rule : tag;
		if (sel->kind != SK_CFG_MAP || sel->n != 1 || !which ||
		    which->kind != SK_CFG_SCALAR || which->is_null) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, sel,
			    "rules[%zu].%s: expected one of 'rule: NAME-PATTERN' or 'tag: TAG'", i,
			    e->keys[0]);
			rc = -EINVAL;
			continue;
		}
		size_t n = sk_rules_select(r, enable, rule ? which->scalar : NULL,
					   rule ? NULL : which->scalar);
		if (n == 0) {
			sk_rules_ndiag(r, SK_RULES_WARNING, which,
				       "rules[%zu].%s: %s '%s' matches no rule", i, e->keys[0],
				       rule ? "rule" : "tag", which->scalar);
		}
	}
	return rc;
}

static int dup_or_null(const char *in, char **out)
{
	*out = in ? strdup(in) : NULL;
	return in && !*out ? -ENOMEM : 0;
}

static int strv_add(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv) {
		return -ENOMEM;
	}
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n]) {
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

/* a new, empty entry at the end of the list (NULL on ENOMEM) */
static struct append_entry *append_new(struct sk_rules *r)
{
	struct append_entry *a = realloc(r->appends, (r->nappends + 1) * sizeof(*a));
	if (!a) {
		return NULL;
	}
	r->appends = a;
	memset(&a[r->nappends], 0, sizeof(*a));
	return &a[r->nappends++];
}

int sk_rules_set_append_output(struct sk_rules *r, const char *source, const char *text,
			       const char *const *extra_fields, size_t nextra)
{
	struct append_entry *a = append_new(r);
	if (!a || dup_or_null(source, &a->source) || dup_or_null(text, &a->text)) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < nextra; i++) {
		if (strv_add(&a->fields, &a->nfields, extra_fields[i])) {
			return -ENOMEM;
		}
	}
	return 0;
}

int sk_rules_apply_append_config(struct sk_rules *r, const struct sk_cfg_node *sec)
{
	if (!sec || (sec->kind == SK_CFG_SCALAR && sec->is_null)) {
		return 0;
	}
	if (sec->kind != SK_CFG_SEQ) {
		sk_rules_ndiag(
		    r, SK_RULES_ERROR, sec,
		    "append_output: expected a list of entries with 'match', 'extra_output' "
		    "and 'extra_fields'");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < sec->n; i++) {
		const struct sk_cfg_node *e = sec->items[i];
		if (e->kind != SK_CFG_MAP) {
			sk_rules_ndiag(r, SK_RULES_ERROR, e, "append_output[%zu]: expected a map",
				       i);
			rc = -EINVAL;
			continue;
		}
		bool bad = false;
		for (size_t k = 0; k < e->n; k++) {
			static const char *const keys[] = {"match", "extra_output", "extra_fields",
							   NULL};
			if (!sk_rules_in_set(keys, e->keys[k])) {
				sk_rules_ndiag(
				    r, SK_RULES_ERROR, e->key_nodes[k],
				    "append_output[%zu]: unknown key '%s' (match, extra_output, "
				    "extra_fields)",
				    i, e->keys[k]);
				bad = true;
			}
		}
		const struct sk_cfg_node *m = sk_cfg_get(e, "match");
		const struct sk_cfg_node *t = sk_cfg_get(e, "extra_output");
		const struct sk_cfg_node *f = sk_cfg_get(e, "extra_fields");
		const char *msrc = NULL, *mtag = NULL, *mrule = NULL;
		if (m && !(m->kind == SK_CFG_SCALAR && m->is_null)) {
			if (m->kind != SK_CFG_MAP) {
				sk_rules_ndiag(
				    r, SK_RULES_ERROR, m,
				    "append_output[%zu].match: expected a map of source, tag, rule",
				    i);
				bad = true;
			}
			for (size_t k = 0; m->kind == SK_CFG_MAP && k < m->n; k++) {
				const struct sk_cfg_node *v = m->items[k];
				const char **dst = strcmp(m->keys[k], "source") == 0 ? &msrc
						   : strcmp(m->keys[k], "tag") == 0  ? &mtag
						   : strcmp(m->keys[k], "rule") == 0 ? &mrule
										     : NULL;
				if (!dst || v->kind != SK_CFG_SCALAR || v->is_null) {
					sk_rules_ndiag(
					    r, SK_RULES_ERROR, m->key_nodes[k],
					    "append_output[%zu].match: '%s' must be one of source, "
					    "tag, rule with a string value",
					    i, m->keys[k]);
					bad = true;
					continue;
				}
				*dst = v->scalar;
			}
		}
		if (t && (t->kind != SK_CFG_SCALAR)) {
			sk_rules_ndiag(r, SK_RULES_ERROR, t,
				       "append_output[%zu].extra_output: expected a string", i);
			bad = true;
		}
		if (f && f->kind != SK_CFG_SEQ && !(f->kind == SK_CFG_SCALAR && f->is_null)) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, f,
			    "append_output[%zu].extra_fields: expected a list of field names or "
			    "'name: value' maps",
			    i);
			bad = true;
		}
		if (bad) {
			rc = -EINVAL;
			continue;
		}
		struct append_entry *a = append_new(r);
		if (!a || dup_or_null(msrc, &a->source) || dup_or_null(mtag, &a->tag) ||
		    dup_or_null(mrule, &a->rule) ||
		    dup_or_null(t && !t->is_null ? t->scalar : NULL, &a->text)) {
			return -ENOMEM;
		}
		a->pos = sk_rules_node_pos(t ? t : e);
		for (size_t k = 0; f && f->kind == SK_CFG_SEQ && k < f->n; k++) {
			const struct sk_cfg_node *x = f->items[k];
			if (x->kind == SK_CFG_SCALAR && !x->is_null) {
				if (strv_add(&a->fields, &a->nfields, x->scalar)) {
					return -ENOMEM;
				}
			} else if (x->kind == SK_CFG_MAP && x->n == 1 &&
				   x->items[0]->kind == SK_CFG_SCALAR) {
				const char *v = x->items[0]->is_null ? "" : x->items[0]->scalar;
				size_t nv = a->nconsts;
				if (strv_add(&a->cvalues, &nv, v)) {
					return -ENOMEM;
				}
				if (strv_add(&a->cnames, &a->nconsts, x->keys[0])) {
					free(a->cvalues[nv - 1]);
					return -ENOMEM;
				}
			} else {
				sk_rules_ndiag(
				    r, SK_RULES_ERROR, x,
				    "append_output[%zu].extra_fields: expected a field name or one "
				    "'name: value'",
				    i);
				rc = -EINVAL;
			}
		}
	}
	return rc;
}

/* ---- diagnostics and listing ------------------------------------------- */

size_t sk_rules_count(const struct sk_rules *r)
{
	return r->nrules;
}

const struct sk_rule *sk_rules_at(const struct sk_rules *r, size_t i)
{
	return i < r->nrules ? &r->rules[i]->pub : NULL;
}

const struct sk_rule *sk_rules_find(const struct sk_rules *r, const char *name)
{
	struct sk_rule_priv *p = sk_rules_find_rule(r, name);
	return p ? &p->pub : NULL;
}

/* ---- index and evaluation ---------------------------------------------- */

static bool active(const struct sk_rules *r, const struct sk_rule_priv *p)
{
	return p->pub.loaded && p->enabled && p->priority <= r->min_priority;
}

static int rlist_add(struct rlist *l, struct sk_rule_priv *p)
{
	struct sk_rule_priv **v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		return -ENOMEM;
	}
	l->v = v;
	v[l->n++] = p;
	return 0;
}

static int build_index(struct sk_rules *r)
{
	index_free(r);
	free(r->matched);
	r->matched = calloc(r->nrules ? r->nrules : 1, sizeof(*r->matched));
	if (!r->matched) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->nrules; i++) {
		struct sk_rule_priv *p = r->rules[i];
		if (!active(r, p)) {
			continue;
		}
		struct srcidx *x = NULL;
		for (size_t k = 0; k < r->nidx; k++) {
			if (strcmp(r->idx[k].source, p->source) == 0) {
				x = &r->idx[k];
			}
		}
		if (!x) {
			struct srcidx *ni = realloc(r->idx, (r->nidx + 1) * sizeof(*ni));
			if (!ni) {
				return -ENOMEM;
			}
			r->idx = ni;
			x = &ni[r->nidx];
			memset(x, 0, sizeof(*x));
			x->source = strdup(p->source);
			if (!x->source) {
				return -ENOMEM;
			}
			r->nidx++;
		}
		if (p->restricted && p->ntypes) {
			size_t need = (size_t)p->types[p->ntypes - 1] + 1;
			if (need > x->ntypes) {
				struct rlist *bt = realloc(x->by_type, need * sizeof(*bt));
				if (!bt) {
					return -ENOMEM;
				}
				/* new types start with every unrestricted rule so far */
				for (size_t t = x->ntypes; t < need; t++) {
					bt[t].v = NULL;
					bt[t].n = 0;
					for (size_t k = 0; k < x->other.n; k++) {
						if (rlist_add(&bt[t], x->other.v[k])) {
							x->by_type = bt;
							x->ntypes = t + 1;
							return -ENOMEM;
						}
					}
				}
				x->by_type = bt;
				x->ntypes = need;
			}
			for (size_t k = 0; k < p->ntypes; k++) {
				if (rlist_add(&x->by_type[p->types[k]], p)) {
					return -ENOMEM;
				}
			}
		} else if (!p->restricted) {
			if (rlist_add(&x->other, p)) {
				return -ENOMEM;
			}
			for (size_t t = 0; t < x->ntypes; t++) {
				if (rlist_add(&x->by_type[t], p)) {
					return -ENOMEM;
				}
			}
		}
	}
	r->dirty = false;
	return 0;
}

size_t sk_rules_eval(struct sk_rules *r, const struct sk_event *ev,
		     const struct sk_rule *const **ret_matched)
{
	*ret_matched = r->matched;
	if (!r->compiled) {
		return 0;
	}
	if (r->dirty && build_index(r)) {
		r->dirty = true;
		return 0;
	}
	const char *src = ev->source ? ev->source : sk_evt_source_name(ev->rec);
	struct srcidx *x = r->last;
	if (!x || strcmp(x->source, src) != 0) {
		x = NULL;
		for (size_t i = 0; i < r->nidx; i++) {
			if (strcmp(r->idx[i].source, src) == 0) {
				x = &r->idx[i];
			}
		}
		if (!x) {
			return 0;
		}
		r->last = x;
	}
	uint16_t t = ev->rec->type;
	const struct rlist *l = t < x->ntypes ? &x->by_type[t] : &x->other;
	sk_filter_cache_next(r->cache);
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++) {
		struct sk_rule *pub = &l->v[i]->pub;
		bool hit;
		/* each rule's timed evaluations start at its own offset, so
		 * not every rule's first (cold) evaluation is timed */
		if (r->cost_off || ((pub->evals + pub->index * 37) & r->sample_mask) != 0) {
			hit = sk_filter_eval(l->v[i]->filter, ev);
		} else {
			uint64_t t0 = sk_mono_ns();
			hit = sk_filter_eval(l->v[i]->filter, ev);
			pub->eval_ns_timed += sk_mono_ns() - t0;
			pub->evals_timed++;
		}
		pub->evals++;
		if (hit) {
			l->v[i]->pub.matches++;
			r->matched[n++] = &l->v[i]->pub;
			if (!r->match_all) {
				break;
			}
		}
	}
	*ret_matched = r->matched;
	return n;
}

int sk_rules_format(struct sk_rules *r, const struct sk_rule *rule, const struct sk_event *ev,
		    const char **ret_msg, const struct sk_alert_field **ret_fields,
		    size_t *ret_nfields)
{
	const struct sk_rule_priv *p = rule->priv;
	if (!p->fmt) {
		return -EINVAL;
	}
	return sk_rule_fmt_render(p->fmt, ev, r->fbuf, ret_msg, ret_fields, ret_nfields);
}

int sk_rules_alert(struct sk_rules *r, const struct sk_rule *rule, const struct sk_event *ev,
		   struct sk_alert_in *ret)
{
	const char *msg;
	const struct sk_alert_field *f;
	size_t n;
	int rc = sk_rules_format(r, rule, ev, &msg, &f, &n);
	if (rc) {
		return rc;
	}
	memset(ret, 0, sizeof(*ret));
	ret->time_ns = ev->rec->ts;
	ret->priority = rule->priority;
	ret->rule = rule->name;
	ret->source = rule->source;
	ret->message = msg;
	ret->tags = rule->tags;
	ret->ntags = rule->ntags;
	ret->fields = f;
	ret->nfields = n;
	return 0;
}
