/* core/rules/rules_collector.c - collecting lists, macros and rules from
 * rule-file items (append, override, redefinition); until they move to
 * rules_compiler.c, also macro and list expansion, exceptions and compiling.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "outputs.h"
#include "rules/engine.h"
#include "rules/engine_priv.h"
#include "rules/filter.h"
#include "rules/format.h"

static void exc_free(struct exdef *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].values);
	}
	free(e);
}

void sk_rules_rule_clear(struct sk_rule_priv *p)
{
	free(p->name);
	free(p->desc);
	free(p->source);
	sk_filter_src_unref(p->cond);
	sk_filter_src_unref(p->out);
	for (size_t i = 0; i < p->ntags; i++) {
		free(p->tags[i]);
	}
	free(p->tags);
	exc_free(p->exc, p->nexc);
	sk_filter_destroy(p->filter);
	sk_rule_fmt_destroy(p->fmt);
	free(p->types);
	memset(p, 0, sizeof(*p));
}

/* ---- lookups ----------------------------------------------------------- */

static struct ldef *find_list(struct sk_rules *r, const char *name)
{
	for (size_t i = 0; i < r->nlists; i++) {
		if (strcmp(r->lists[i].name, name) == 0) {
			return &r->lists[i];
		}
	}
	return NULL;
}

static struct mdef *find_macro(struct sk_rules *r, const char *name)
{
	for (size_t i = 0; i < r->nmacros; i++) {
		if (strcmp(r->macros[i].name, name) == 0) {
			return &r->macros[i];
		}
	}
	return NULL;
}

struct sk_rule_priv *sk_rules_find_rule(const struct sk_rules *r, const char *name)
{
	for (size_t i = 0; i < r->nrules; i++) {
		if (strcmp(r->rules[i]->name, name) == 0) {
			return r->rules[i];
		}
	}
	return NULL;
}

/* ---- item helpers ------------------------------------------------------ */

static const char *const rule_keys[] = {
    "rule",
    "desc",
    "condition",
    "output",
    "priority",
    "enabled",
    "tags",
    "source",
    "exceptions",
    "warn_evttypes",
    "skip-if-unknown-filter",
    "append",
    "override",
    "capture",
    "capture_duration",
    NULL,
};
static const char *const macro_keys[] = {"macro", "condition", "append", "override", NULL};
static const char *const list_keys[] = {"list", "items", "append", "override", NULL};

bool sk_rules_in_set(const char *const *set, const char *k)
{
	for (size_t i = 0; set[i]; i++) {
		if (strcmp(set[i], k) == 0) {
			return true;
		}
	}
	return false;
}

/* the name of an item (the value of its `rule`/`macro`/`list` key) */
static const char *get_name(struct sk_rules *r, const struct sk_cfg_node *item, const char *kind)
{
	const struct sk_cfg_node *n = sk_cfg_get(item, kind);
	if (n->kind != SK_CFG_SCALAR || n->is_null || !*n->scalar) {
		sk_rules_ndiag(r, SK_RULES_ERROR, n, "a %s needs a name: '%s: NAME'", kind, kind);
		return NULL;
	}
	return n->scalar;
}

static int parse_bool_node(struct sk_rules *r, const struct sk_cfg_node *n, const char *key,
			   const char *what, const char *name, bool *ret)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
					  "YES",  "on",	  "On",	  "ON",	 NULL};
	static const char *const no[] = {"false", "False", "FALSE", "no",  "No",
					 "NO",	  "off",   "Off",   "OFF", NULL};
	if (n->kind == SK_CFG_SCALAR) { /* quoted too, as yaml-cpp reads it */
		if (sk_rules_in_set(yes, n->scalar)) {
			*ret = true;
			return 0;
		}
		if (sk_rules_in_set(no, n->scalar)) {
			*ret = false;
			return 0;
		}
	}
	sk_rules_ndiag(r, SK_RULES_ERROR, n, "'%s' must be true or false in %s '%s'", key, what,
		       name);
	return -EINVAL;
}

/* a list item or exception value: one level of quotes written inside the
 * YAML string ('"(systemd)"', '"a \\"b\\""') is removed and its escapes
 * resolved, as Falco's condition parser would */
static int add_value(struct sk_filter_val **vals, size_t *n, const char *s)
{
	size_t l = strlen(s);
	bool quoted = false;
	if (l >= 2 && (s[0] == '"' || s[0] == '\'') && s[l - 1] == s[0]) {
		s++;
		l -= 2;
		quoted = true;
	}
	struct sk_filter_val *v = realloc(*vals, (*n + 1) * sizeof(*v));
	if (!v) {
		return -ENOMEM;
	}
	*vals = v;
	char *c = malloc(l + 1);
	if (!c) {
		return -ENOMEM;
	}
	if (quoted) {
		/* the text between the quotes as the condition parser reads it */
		l = sk_filter_unescape(s, l, c);
	} else {
		memcpy(c, s, l);
		c[l] = '\0';
	}
	v[*n] = (struct sk_filter_val){.s = c, .len = l, .quoted = quoted};
	(*n)++;
	return 0;
}

static int list_items_add(struct sk_rules *r, struct ldef *l, const struct sk_cfg_node *items,
			  const char *name)
{
	if (items->kind == SK_CFG_SCALAR && items->is_null) {
		return 0;
	}
	if (items->kind != SK_CFG_SEQ) {
		sk_rules_ndiag(r, SK_RULES_ERROR, items, "'items' must be a list in list '%s'",
			       name);
		return -EINVAL;
	}
	for (size_t i = 0; i < items->n; i++) {
		const struct sk_cfg_node *it = items->items[i];
		if (it->kind == SK_CFG_SEQ) {
			/* a nested list is flattened */
			int rc = list_items_add(r, l, it, name);
			if (rc) {
				return rc;
			}
			continue;
		}
		if (it->kind != SK_CFG_SCALAR || it->is_null) {
			sk_rules_ndiag(r, SK_RULES_ERROR, it,
				       "list items must be strings in list '%s'", name);
			return -EINVAL;
		}
		if (add_value(&l->items, &l->n, it->scalar)) {
			return -ENOMEM;
		}
	}
	return 0;
}

static void list_clear_items(struct ldef *l)
{
	for (size_t k = 0; k < l->n; k++) {
		free(l->items[k].s);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* check an `override:` map; fills which keys append (1) or replace (2) */
static int check_override(struct sk_rules *r, const struct sk_cfg_node *item,
			  const struct sk_cfg_node *ov, const char *what, const char *name,
			  const char *const *appendable, const char *const *replaceable,
			  const char *namekey)
{
	if (ov->kind != SK_CFG_MAP) {
		sk_rules_ndiag(r, SK_RULES_ERROR, ov,
			       "'override' must be a map of keys to append or replace "
			       "in %s '%s'",
			       what, name);
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < ov->n; i++) {
		const struct sk_cfg_node *v = ov->items[i];
		const char *k = ov->keys[i];
		bool app = v->kind == SK_CFG_SCALAR && strcmp(v->scalar, "append") == 0;
		bool rep = v->kind == SK_CFG_SCALAR && strcmp(v->scalar, "replace") == 0;
		if (!app && !rep) {
			sk_rules_ndiag(r, SK_RULES_ERROR, v,
				       "override of '%s' must be 'append' or 'replace' in %s '%s'",
				       k, what, name);
			rc = -EINVAL;
		} else if (app && !sk_rules_in_set(appendable, k)) {
			sk_rules_ndiag(r, SK_RULES_ERROR, ov->key_nodes[i],
				       "key '%s' cannot be appended in %s '%s'", k, what, name);
			rc = -EINVAL;
		} else if (rep && !sk_rules_in_set(replaceable, k)) {
			sk_rules_ndiag(r, SK_RULES_ERROR, ov->key_nodes[i],
				       "key '%s' cannot be replaced in %s '%s'", k, what, name);
			rc = -EINVAL;
		} else if (!sk_cfg_get(item, k)) {
			sk_rules_ndiag(r, SK_RULES_ERROR, ov->key_nodes[i],
				       "key '%s' is in 'override' but not given in %s '%s'", k,
				       what, name);
			rc = -EINVAL;
		}
	}
	for (size_t i = 0; i < item->n; i++) {
		const char *k = item->keys[i];
		if (strcmp(k, namekey) == 0 || strcmp(k, "override") == 0) {
			continue;
		}
		if (!sk_cfg_get(ov, k) &&
		    (sk_rules_in_set(appendable, k) || sk_rules_in_set(replaceable, k))) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, item->key_nodes[i],
			    "key '%s' needs an entry in 'override' (append or replace) in %s "
			    "'%s'",
			    k, what, name);
			rc = -EINVAL;
		}
	}
	return rc;
}

static bool ov_is(const struct sk_cfg_node *ov, const char *key, const char *mode)
{
	const struct sk_cfg_node *v = ov ? sk_cfg_get(ov, key) : NULL;
	return v && v->kind == SK_CFG_SCALAR && strcmp(v->scalar, mode) == 0;
}

static void warn_unknown_keys(struct sk_rules *r, const struct sk_cfg_node *item,
			      const char *const *known, const char *what, const char *name)
{
	for (size_t i = 0; i < item->n; i++) {
		if (!sk_rules_in_set(known, item->keys[i])) {
			sk_rules_ndiag(r, SK_RULES_WARNING, item->key_nodes[i],
				       "unknown key '%s' in %s '%s'", item->keys[i], what, name);
		}
	}
}

/* ---- lists and macros -------------------------------------------------- */

/* no_target - an item that appends to or overrides one that does not exist
 * yet: record the error, with the closest defined name. Returns -EINVAL. */
static int no_target(struct sk_rules *r, const struct sk_cfg_node *item, const char *kind,
		     int names, const char *name, bool append)
{
	char dym[300];
	sk_rules_ndiag(r, SK_RULES_ERROR, item,
		       "%s '%s' has '%s' but no %s of that name is defined before%s", kind, name,
		       append ? "append: true" : "override", kind,
		       sk_rules_did_you_mean(r, names, name, dym, sizeof(dym)));
	return -EINVAL;
}

/* item_head - what every list, macro and rule item starts with: its name,
 * a warning for unknown keys, `append` (a boolean) and `override`, which
 * cannot be used together. Returns 0, or -EINVAL with the error recorded. */
static int item_head(struct sk_rules *r, const struct sk_cfg_node *item, const char *kind,
		     const char *const *keys, const char **ret_name, bool *ret_append,
		     const struct sk_cfg_node **ret_override)
{
	const char *name = get_name(r, item, kind);
	if (!name) {
		return -EINVAL;
	}
	warn_unknown_keys(r, item, keys, kind, name);
	bool append = false;
	const struct sk_cfg_node *n = sk_cfg_get(item, "append");
	if (n && parse_bool_node(r, n, "append", kind, name, &append)) {
		return -EINVAL;
	}
	const struct sk_cfg_node *ov = sk_cfg_get(item, "override");
	if (append && ov) {
		sk_rules_ndiag(r, SK_RULES_ERROR, ov,
			       "'append' and 'override' cannot be used together in %s '%s'", kind,
			       name);
		return -EINVAL;
	}
	*ret_name = name;
	*ret_append = append;
	*ret_override = ov;
	return 0;
}

int sk_rules_load_list(struct sk_rules *r, const struct sk_cfg_node *item)
{
	const char *name;
	bool append;
	const struct sk_cfg_node *ov;
	if (item_head(r, item, "list", list_keys, &name, &append, &ov) < 0) {
		return -EINVAL;
	}
	const struct sk_cfg_node *items = sk_cfg_get(item, "items");
	struct ldef *l = find_list(r, name);
	static const char *const app[] = {"items", NULL};
	if (!items) {
		sk_rules_ndiag(r, SK_RULES_ERROR, item, "missing key 'items' in list '%s'", name);
		return -EINVAL;
	}
	if (append || ov) {
		if (!l) {
			return no_target(r, item, "list", NAMES_LIST, name, append);
		}
		if (ov && check_override(r, item, ov, "list", name, app, app, "list")) {
			return -EINVAL;
		}
		if (ov_is(ov, "items", "replace")) {
			list_clear_items(l);
		}
		return list_items_add(r, l, items, name);
	}
	if (l) {
		list_clear_items(l);
	} else {
		struct ldef *nl = realloc(r->lists, (r->nlists + 1) * sizeof(*nl));
		if (!nl) {
			return -ENOMEM;
		}
		r->lists = nl;
		l = &nl[r->nlists];
		memset(l, 0, sizeof(*l));
		l->name = strdup(name);
		if (!l->name) {
			return -ENOMEM;
		}
		r->nlists++;
	}
	l->pos = sk_rules_node_pos(item);
	return list_items_add(r, l, items, name);
}

int sk_rules_load_macro(struct sk_rules *r, const struct sk_cfg_node *item)
{
	const char *name;
	bool append;
	const struct sk_cfg_node *ov;
	if (item_head(r, item, "macro", macro_keys, &name, &append, &ov) < 0) {
		return -EINVAL;
	}
	const struct sk_cfg_node *cond = sk_cfg_get(item, "condition");
	struct mdef *m = find_macro(r, name);
	static const char *const app[] = {"condition", NULL};
	if (!cond) {
		sk_rules_ndiag(r, SK_RULES_ERROR, item, "missing key 'condition' in macro '%s'",
			       name);
		return -EINVAL;
	}
	if (cond->kind != SK_CFG_SCALAR || cond->is_null) {
		sk_rules_ndiag(r, SK_RULES_ERROR, cond,
			       "'condition' must be a string in macro '%s'", name);
		return -EINVAL;
	}
	if (append || ov) {
		if (!m) {
			return no_target(r, item, "macro", NAMES_MACRO, name, append);
		}
		if (ov && check_override(r, item, ov, "macro", name, app, app, "macro")) {
			return -EINVAL;
		}
		if (ov_is(ov, "condition", "replace")) {
			struct sk_filter_src *s = sk_rules_src_new("macro", name);
			if (!s) {
				return -ENOMEM;
			}
			sk_filter_src_unref(m->src);
			m->src = s;
		}
		return sk_rules_src_add_node(r, m->src, " ", cond);
	}
	struct sk_filter_src *s = sk_rules_src_new("macro", name);
	if (!s) {
		return -ENOMEM;
	}
	if (m) {
		sk_filter_src_unref(m->src);
	} else {
		struct mdef *nm = realloc(r->macros, (r->nmacros + 1) * sizeof(*nm));
		if (!nm) {
			sk_filter_src_unref(s);
			return -ENOMEM;
		}
		r->macros = nm;
		m = &nm[r->nmacros];
		memset(m, 0, sizeof(*m));
		m->name = strdup(name);
		if (!m->name) {
			sk_filter_src_unref(s);
			return -ENOMEM;
		}
		r->nmacros++;
	}
	m->src = s;
	m->pos = sk_rules_node_pos(item);
	return sk_rules_src_add_node(r, m->src, " ", cond);
}

/* ---- rules ------------------------------------------------------------- */

static int set_tags(struct sk_rules *r, struct sk_rule_priv *p, const struct sk_cfg_node *n,
		    bool append)
{
	if (n->kind == SK_CFG_SCALAR && n->is_null) {
		if (!append) {
			for (size_t i = 0; i < p->ntags; i++) {
				free(p->tags[i]);
			}
			p->ntags = 0;
		}
		return 0;
	}
	if (n->kind != SK_CFG_SEQ) {
		sk_rules_ndiag(r, SK_RULES_ERROR, n,
			       "'tags' must be a list of strings in rule '%s'", p->name);
		return -EINVAL;
	}
	if (!append) {
		for (size_t i = 0; i < p->ntags; i++) {
			free(p->tags[i]);
		}
		p->ntags = 0;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct sk_cfg_node *t = n->items[i];
		if (t->kind != SK_CFG_SCALAR || t->is_null) {
			sk_rules_ndiag(r, SK_RULES_ERROR, t,
				       "'tags' must be a list of strings in rule '%s'", p->name);
			return -EINVAL;
		}
		bool dup = false;
		for (size_t k = 0; k < p->ntags && !dup; k++) {
			dup = strcmp(p->tags[k], t->scalar) == 0;
		}
		if (dup) {
			continue;
		}
		char **nt = realloc(p->tags, (p->ntags + 2) * sizeof(*nt));
		if (!nt) {
			return -ENOMEM;
		}
		p->tags = nt;
		nt[p->ntags] = strdup(t->scalar);
		if (!nt[p->ntags]) {
			return -ENOMEM;
		}
		p->ntags++;
		nt[p->ntags] = NULL;
	}
	return 0;
}

/* merge exceptions from a node (a sequence of maps) into the rule */
static int add_exceptions(struct sk_rules *r, struct sk_rule_priv *p, const struct sk_cfg_node *n,
			  bool append)
{
	if (n->kind == SK_CFG_SCALAR && n->is_null) {
		return 0;
	}
	if (n->kind != SK_CFG_SEQ) {
		sk_rules_ndiag(r, SK_RULES_ERROR, n, "'exceptions' must be a list in rule '%s'",
			       p->name);
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < n->n; i++) {
		const struct sk_cfg_node *e = n->items[i];
		if (e->kind != SK_CFG_MAP) {
			sk_rules_ndiag(r, SK_RULES_ERROR, e,
				       "an exception must be a map in rule '%s'", p->name);
			rc = -EINVAL;
			continue;
		}
		const struct sk_cfg_node *nm = sk_cfg_get(e, "name");
		if (!nm || nm->kind != SK_CFG_SCALAR || nm->is_null) {
			sk_rules_ndiag(r, SK_RULES_ERROR, e,
				       "an exception needs a 'name' in rule '%s'", p->name);
			rc = -EINVAL;
			continue;
		}
		static const char *const ekeys[] = {"name", "fields", "comps", "values", NULL};
		for (size_t k = 0; k < e->n; k++) {
			if (!sk_rules_in_set(ekeys, e->keys[k])) {
				sk_rules_ndiag(r, SK_RULES_WARNING, e->key_nodes[k],
					       "unknown key '%s' in exception '%s' of rule '%s'",
					       e->keys[k], nm->scalar, p->name);
			}
		}
		const struct sk_cfg_node *fields = sk_cfg_get(e, "fields");
		const struct sk_cfg_node *comps = sk_cfg_get(e, "comps");
		const struct sk_cfg_node *values = sk_cfg_get(e, "values");
		struct exdef *x = NULL;
		for (size_t k = 0; k < p->nexc; k++) {
			if (strcmp(p->exc[k].name, nm->scalar) == 0) {
				x = &p->exc[k];
			}
		}
		if (x && append) {
			if (fields || comps) {
				sk_rules_ndiag(
				    r, SK_RULES_ERROR, fields ? fields : comps,
				    "exception '%s' exists: only 'values' can be appended in rule "
				    "'%s'",
				    nm->scalar, p->name);
				rc = -EINVAL;
				continue;
			}
		} else if (x) {
			sk_rules_ndiag(r, SK_RULES_ERROR, nm,
				       "exception '%s' is defined twice in rule '%s'", nm->scalar,
				       p->name);
			rc = -EINVAL;
			continue;
		} else {
			if (!fields) {
				sk_rules_ndiag(r, SK_RULES_ERROR, e,
					       "exception '%s' needs 'fields' in rule '%s'",
					       nm->scalar, p->name);
				rc = -EINVAL;
				continue;
			}
			struct exdef *ne = realloc(p->exc, (p->nexc + 1) * sizeof(*ne));
			if (!ne) {
				return -ENOMEM;
			}
			p->exc = ne;
			x = &ne[p->nexc];
			memset(x, 0, sizeof(*x));
			x->name = strdup(nm->scalar);
			if (!x->name) {
				return -ENOMEM;
			}
			p->nexc++;
			x->pos = sk_rules_node_pos(e);
			x->fields = fields;
			x->comps = comps;
		}
		if (!values || (values->kind == SK_CFG_SCALAR && values->is_null)) {
			continue;
		}
		if (values->kind != SK_CFG_SEQ) {
			sk_rules_ndiag(r, SK_RULES_ERROR, values,
				       "'values' of exception '%s' must be a list in rule '%s'",
				       nm->scalar, p->name);
			rc = -EINVAL;
			continue;
		}
		const struct sk_cfg_node **nv =
		    realloc(x->values, (x->nvalues + values->n + 1) * sizeof(*nv));
		if (!nv) {
			return -ENOMEM;
		}
		x->values = nv;
		for (size_t k = 0; k < values->n; k++) {
			nv[x->nvalues++] = values->items[k];
		}
	}
	return rc;
}

/* set_src - a rule's condition or output text (`key`, into *dst): a new
 * source, or the text appended to the current one. A null condition is
 * refused; a null output is an empty one. */
static int set_src(struct sk_rules *r, struct sk_rule_priv *p, const struct sk_cfg_node *n,
		   bool append, const char *key, bool null_ok, struct sk_filter_src **dst)
{
	if (n->kind != SK_CFG_SCALAR || (n->is_null && !null_ok)) {
		sk_rules_ndiag(r, SK_RULES_ERROR, n, "'%s' must be a string in rule '%s'", key,
			       p->name);
		return -EINVAL;
	}
	if (!append || !*dst) {
		struct sk_filter_src *s = sk_rules_src_new("rule", p->name);
		if (!s) {
			return -ENOMEM;
		}
		sk_filter_src_unref(*dst);
		*dst = s;
	}
	return sk_rules_src_add_node(r, *dst, " ", n);
}

static int set_output(struct sk_rules *r, struct sk_rule_priv *p, const struct sk_cfg_node *n,
		      bool append)
{
	return set_src(r, p, n, append, "output", true, &p->out);
}

static int set_cond(struct sk_rules *r, struct sk_rule_priv *p, const struct sk_cfg_node *n,
		    bool append)
{
	return set_src(r, p, n, append, "condition", false, &p->cond);
}

static int set_desc(struct sk_rules *r, struct sk_rule_priv *p, const struct sk_cfg_node *n,
		    bool append)
{
	if (n->kind != SK_CFG_SCALAR) {
		sk_rules_ndiag(r, SK_RULES_ERROR, n, "'desc' must be a string in rule '%s'",
			       p->name);
		return -EINVAL;
	}
	const char *add = n->is_null ? "" : n->scalar;
	char *d;
	if (append && p->desc && *p->desc) {
		size_t l = strlen(p->desc) + strlen(add) + 2;
		d = malloc(l);
		if (d) {
			snprintf(d, l, "%s %s", p->desc, add);
		}
	} else {
		d = strdup(add);
	}
	if (!d) {
		return -ENOMEM;
	}
	free(p->desc);
	p->desc = d;
	return 0;
}

static int set_priority(struct sk_rules *r, struct sk_rule_priv *p, const struct sk_cfg_node *n)
{
	int pri = n->kind == SK_CFG_SCALAR ? sk_alert_priority_parse(n->scalar) : -1;
	if (pri < 0) {
		sk_rules_ndiag(
		    r, SK_RULES_ERROR, n,
		    "invalid priority '%s' in rule '%s' (one of emergency, alert, critical, "
		    "error, warning, notice, informational, debug)",
		    n->kind == SK_CFG_SCALAR ? n->scalar : "?", p->name);
		return -EINVAL;
	}
	p->priority = pri;
	return 0;
}

/* the keys of a rule definition or replacement, `rep` selects which */
static int apply_rule_keys(struct sk_rules *r, struct sk_rule_priv *p,
			   const struct sk_cfg_node *item, const struct sk_cfg_node *ov, bool all)
{
	int rc = 0, e;
	const struct sk_cfg_node *n;
#define WANT(k) ((n = sk_cfg_get(item, k)) != NULL && (all || ov_is(ov, k, "replace")))
	if (WANT("condition") && (e = set_cond(r, p, n, false))) {
		rc = e;
	}
	if (WANT("output") && (e = set_output(r, p, n, false))) {
		rc = e;
	}
	if (WANT("desc") && (e = set_desc(r, p, n, false))) {
		rc = e;
	}
	if (WANT("priority") && (e = set_priority(r, p, n))) {
		rc = e;
	}
	if (WANT("tags") && (e = set_tags(r, p, n, false))) {
		rc = e;
	}
	if (WANT("enabled") &&
	    (e = parse_bool_node(r, n, "enabled", "rule", p->name, &p->enabled))) {
		rc = e;
	}
	if (WANT("warn_evttypes") &&
	    (e = parse_bool_node(r, n, "warn_evttypes", "rule", p->name, &p->warn_evttypes))) {
		rc = e;
	}
	if (WANT("skip-if-unknown-filter") &&
	    (e = parse_bool_node(r, n, "skip-if-unknown-filter", "rule", p->name,
				 &p->skip_unknown))) {
		rc = e;
	}
	if (WANT("exceptions")) {
		exc_free(p->exc, p->nexc);
		p->exc = NULL;
		p->nexc = 0;
		if ((e = add_exceptions(r, p, n, false))) {
			rc = e;
		}
	}
	if (all && (n = sk_cfg_get(item, "source"))) {
		if (n->kind != SK_CFG_SCALAR || n->is_null) {
			sk_rules_ndiag(r, SK_RULES_ERROR, n,
				       "'source' must be a string in rule '%s'", p->name);
			rc = -EINVAL;
		} else {
			char *s = strdup(n->scalar);
			if (!s) {
				return -ENOMEM;
			}
			free(p->source);
			p->source = s;
		}
	}
#undef WANT
	return rc;
}

static int apply_rule_appends(struct sk_rules *r, struct sk_rule_priv *p,
			      const struct sk_cfg_node *item, const struct sk_cfg_node *ov,
			      bool all)
{
	int rc = 0, e;
	const struct sk_cfg_node *n;
#define WANT(k) ((n = sk_cfg_get(item, k)) != NULL && (all || ov_is(ov, k, "append")))
	if (WANT("condition") && (e = set_cond(r, p, n, true))) {
		rc = e;
	}
	if (WANT("output") && (e = set_output(r, p, n, true))) {
		rc = e;
	}
	if (WANT("desc") && (e = set_desc(r, p, n, true))) {
		rc = e;
	}
	if (WANT("tags") && (e = set_tags(r, p, n, true))) {
		rc = e;
	}
	if (WANT("exceptions") && (e = add_exceptions(r, p, n, true))) {
		rc = e;
	}
#undef WANT
	return rc;
}

static void sync_pub(struct sk_rule_priv *p)
{
	struct sk_rule *u = &p->pub;
	u->name = p->name;
	u->desc = p->desc ? p->desc : "";
	u->output = p->out ? p->out->text : "";
	u->source = p->source;
	u->priority = p->priority;
	u->enabled = p->enabled;
	u->tags = (const char *const *)p->tags;
	u->ntags = p->ntags;
	u->file = p->pos.file;
	u->line = p->pos.line;
	u->col = p->pos.col;
	u->evttypes = p->restricted ? p->types : NULL;
	u->nevttypes = p->restricted ? p->ntypes : 0;
	u->priv = p;
}

int sk_rules_load_rule(struct sk_rules *r, const struct sk_cfg_node *item)
{
	const char *name;
	bool append;
	const struct sk_cfg_node *ov;
	if (item_head(r, item, "rule", rule_keys, &name, &append, &ov) < 0) {
		return -EINVAL;
	}
	struct sk_rule_priv *p = sk_rules_find_rule(r, name);
	if (append || ov) {
		if (!p) {
			return no_target(r, item, "rule", NAMES_RULE, name, append);
		}
		static const char *const app[] = {"condition", "output",     "desc",
						  "tags",      "exceptions", NULL};
		static const char *const rep[] = {"condition",
						  "output",
						  "desc",
						  "priority",
						  "tags",
						  "exceptions",
						  "enabled",
						  "warn_evttypes",
						  "capture",
						  "capture_duration",
						  "skip-if-unknown-filter",
						  NULL};
		if (ov) {
			if (check_override(r, item, ov, "rule", name, app, rep, "rule")) {
				return -EINVAL;
			}
			int rc = apply_rule_keys(r, p, item, ov, false);
			int rc2 = apply_rule_appends(r, p, item, ov, false);
			sync_pub(p);
			return rc ? rc : rc2;
		}
		for (size_t i = 0; i < item->n; i++) {
			const char *k = item->keys[i];
			if (strcmp(k, "rule") && strcmp(k, "append") && !sk_rules_in_set(app, k) &&
			    sk_rules_in_set(rule_keys, k)) {
				sk_rules_ndiag(
				    r, SK_RULES_ERROR, item->key_nodes[i],
				    "key '%s' cannot be appended in rule '%s' (use override)", k,
				    name);
				return -EINVAL;
			}
		}
		int rc = apply_rule_appends(r, p, item, NULL, true);
		sync_pub(p);
		return rc;
	}
	/* only `enabled`: switch an existing rule on or off */
	const struct sk_cfg_node *en = sk_cfg_get(item, "enabled");
	if (!p && en && item->n == 2) {
		char dym[300];
		sk_rules_ndiag(
		    r, SK_RULES_ERROR, item,
		    "rule '%s' has only 'enabled' but no rule of that name is defined before%s",
		    name, sk_rules_did_you_mean(r, NAMES_RULE, name, dym, sizeof(dym)));
		return -EINVAL;
	}
	if (p && en && item->n == 2) {
		int rc = parse_bool_node(r, en, "enabled", "rule", name, &p->enabled);
		sync_pub(p);
		return rc;
	}
	static const char *const required[] = {"condition", "output", "desc", "priority", NULL};
	int rc = 0;
	for (size_t i = 0; required[i]; i++) {
		if (!sk_cfg_get(item, required[i])) {
			sk_rules_ndiag(r, SK_RULES_ERROR, item, "missing key '%s' in rule '%s'",
				       required[i], name);
			rc = -EINVAL;
		}
	}
	if (rc) {
		return rc;
	}
	bool is_new = p == NULL;
	if (is_new) {
		struct sk_rule_priv **nr = realloc(r->rules, (r->nrules + 1) * sizeof(*nr));
		if (!nr) {
			return -ENOMEM;
		}
		r->rules = nr;
		p = calloc(1, sizeof(*p));
		if (!p) {
			return -ENOMEM;
		}
		p->pub.index = r->nrules;
		nr[r->nrules++] = p;
	} else {
		size_t idx = p->pub.index;
		sk_rules_rule_clear(p);
		p->pub.index = idx;
	}
	p->name = strdup(name);
	p->source = strdup("syscall");
	if (!p->name || !p->source) {
		return -ENOMEM;
	}
	p->enabled = true;
	p->warn_evttypes = true;
	p->pos = sk_rules_node_pos(item);
	rc = apply_rule_keys(r, p, item, NULL, true);
	sync_pub(p);
	return rc;
}

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
		struct mdef *m = find_macro(r, n->name);
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
	struct ldef *l = (!v->quoted && depth < LIST_DEPTH) ? find_list(r, v->s) : NULL;
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
		if (add_value(&tmp, &nt, one->scalar)) {
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
	sync_pub(p);
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
