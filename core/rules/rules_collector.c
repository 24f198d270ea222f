/* core/rules/rules_collector.c - collecting definitions: lists, macros and
 * rules read from items, with append, override and redefinition; the
 * exceptions and tags of a rule; lookups by name.
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

struct ldef *sk_rules_find_list(struct sk_rules *r, const char *name)
{
	for (size_t i = 0; i < r->nlists; i++) {
		if (strcmp(r->lists[i].name, name) == 0) {
			return &r->lists[i];
		}
	}
	return NULL;
}

struct mdef *sk_rules_find_macro(struct sk_rules *r, const char *name)
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
int sk_rules_add_value(struct sk_filter_val **vals, size_t *n, const char *s)
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
		if (sk_rules_add_value(&l->items, &l->n, it->scalar)) {
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

/* append_or_override - the step every list, macro and rule item shares
 * after its head: an item without `append: true` or `override` defines (or
 * redefines) one: 0. Otherwise it changes the one of that name defined
 * before, which must exist, and its `override` map must name keys that
 * `app` lets append and `rep` lets replace: 1. Returns -EINVAL with the
 * error recorded. */
static int append_or_override(struct sk_rules *r, const struct sk_cfg_node *item, const char *kind,
			      int names, const char *name, bool append,
			      const struct sk_cfg_node *ov, bool exists, const char *const *app,
			      const char *const *rep)
{
	if (!append && !ov) {
		return 0;
	}
	if (!exists) {
		return no_target(r, item, kind, names, name, append);
	}
	if (ov && check_override(r, item, ov, kind, name, app, rep, kind)) {
		return -EINVAL;
	}
	return 1;
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
	struct ldef *l = sk_rules_find_list(r, name);
	static const char *const app[] = {"items", NULL};
	if (!items) {
		sk_rules_ndiag(r, SK_RULES_ERROR, item, "missing key 'items' in list '%s'", name);
		return -EINVAL;
	}
	int mode =
	    append_or_override(r, item, "list", NAMES_LIST, name, append, ov, l != NULL, app, app);
	if (mode < 0) {
		return mode;
	}
	if (mode) {
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
	struct mdef *m = sk_rules_find_macro(r, name);
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
	int mode = append_or_override(r, item, "macro", NAMES_MACRO, name, append, ov, m != NULL,
				      app, app);
	if (mode < 0) {
		return mode;
	}
	if (mode) {
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

void sk_rules_sync_pub(struct sk_rule_priv *p)
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
	int mode =
	    append_or_override(r, item, "rule", NAMES_RULE, name, append, ov, p != NULL, app, rep);
	if (mode < 0) {
		return mode;
	}
	if (mode) {
		if (ov) {
			int rc = apply_rule_keys(r, p, item, ov, false);
			int rc2 = apply_rule_appends(r, p, item, ov, false);
			sk_rules_sync_pub(p);
			return rc ? rc : rc2;
		}
		for (size_t i = 0; i < item->n; i++) {
			const char *k = item->keys[i];
			if (strcmp(k, "rule") != 0 && strcmp(k, "append") != 0 && !sk_rules_in_set(app, k) &&
			    sk_rules_in_set(rule_keys, k)) {
				sk_rules_ndiag(
				    r, SK_RULES_ERROR, item->key_nodes[i],
				    "key '%s' cannot be appended in rule '%s' (use override)", k,
				    name);
				return -EINVAL;
			}
		}
		int rc = apply_rule_appends(r, p, item, NULL, true);
		sk_rules_sync_pub(p);
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
		sk_rules_sync_pub(p);
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
	sk_rules_sync_pub(p);
	return rc;
}
