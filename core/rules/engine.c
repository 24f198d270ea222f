/* core/rules/engine.c - the rule engine (see engine.h): loading rule files
 * into lists, macros and rules (append, override, redefinition), turning
 * exceptions into conditions, expanding macros and lists, compiling, the
 * per-source and per-event-type index, evaluation and alert building.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfg.h"
#include "outputs.h"
#include "rules/engine.h"
#include "rules/filter.h"
#include "rules/format.h"

#define LIST_DEPTH 32

struct pos {
	const char *file; /* interned by cfg, or an engine-owned name */
	unsigned line, col;
};

struct ldef { /* list */
	char *name;
	struct pos pos;
	struct sk_filter_val *items;
	size_t n;
	bool used;
	int state; /* expansion: 0 new, 1 in progress */
};

struct mdef { /* macro */
	char *name;
	struct pos pos;
	struct sk_filter_src *src;
	struct sk_filter_node *tree;	 /* parsed */
	struct sk_filter_node *expanded; /* macros inside expanded */
	int state;			 /* 0 new, 1 expanding, 2 done */
	bool broken;
	bool used;
};

struct exdef { /* exception */
	char *name;
	struct pos pos;
	const struct sk_cfg_node *fields; /* scalar or sequence */
	const struct sk_cfg_node *comps;  /* may be NULL */
	const struct sk_cfg_node **values;
	size_t nvalues;
};

struct sk_rule_priv {
	struct sk_rule pub;
	char *name, *desc, *source;
	struct sk_filter_src *cond;
	struct sk_filter_src *out;
	char **tags;
	size_t ntags;
	struct exdef *exc;
	size_t nexc;
	int priority;
	bool enabled, warn_evttypes, skip_unknown;
	struct pos pos;
	/* compiled */
	struct sk_filter *filter;
	struct sk_rule_fmt *fmt;
	uint16_t *types;
	size_t ntypes;
	bool restricted;
};

struct rawtext {
	const char *name;
	char *text;
	size_t len;
	size_t *line_off; /* offset of the start of each line (index line - 1) */
	size_t nlines;
};

struct rlist {
	struct sk_rule_priv **v;
	size_t n;
};

struct srcidx {
	char *source;
	struct rlist other; /* unrestricted rules: types beyond the table */
	struct rlist *by_type;
	size_t ntypes;
};

/* one append_output entry: extra output text and fields for the rules it
 * matches */
struct append_entry {
	char *source, *tag, *rule; /* match; NULL: any */
	char *text;		   /* appended after a space, or NULL */
	char **fields;		   /* field names for output_fields */
	size_t nfields;
	char **cnames, **cvalues; /* fixed `name: value` output fields */
	size_t nconsts;
	struct pos pos; /* where it was configured; file NULL: set by the API */
};

struct sk_rules {
	const struct sk_fields *fields;
	struct ldef *lists;
	size_t nlists;
	struct mdef *macros;
	size_t nmacros;
	struct sk_rule_priv **rules;
	size_t nrules;
	struct sk_rules_diag *diags; /* msg is owned */
	size_t ndiags, nerrors;
	struct sk_cfg_node **docs; /* kept: exceptions point into them */
	size_t ndocs;
	struct rawtext *raws;
	size_t nraws;
	char **names; /* file names the engine owns */
	size_t nnames;
	/* options */
	int min_priority;
	bool match_all;
	struct append_entry *appends;
	size_t nappends;
	bool compiled;
	/* index */
	bool dirty;
	struct srcidx *idx;
	size_t nidx;
	struct srcidx *last;
	const struct sk_rule **matched;
	struct sk_rule_fmt_buf *fbuf;
	struct sk_filter_cache *cache; /* values shared by all rules during one event */
	const struct sk_field_def **deprecated; /* deprecated fields already warned about */
	size_t ndeprecated;
};

/* ---- diagnostics ------------------------------------------------------- */

static void vdiag(struct sk_rules *r, int level, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
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

static void diag(struct sk_rules *r, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void diag(struct sk_rules *r, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(r, level, fmt, ap);
	va_end(ap);
}

/* "FILE:LINE:COL: " + message at a node */
static void ndiag(struct sk_rules *r, int level, const struct sk_cfg_node *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void ndiag(struct sk_rules *r, int level, const struct sk_cfg_node *n, const char *fmt, ...)
{
	char buf[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag(r, level, "%s:%u:%u: %s", n->file, n->line, n->col, buf);
}

static void pdiag(struct sk_rules *r, int level, const struct pos *p, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void pdiag(struct sk_rules *r, int level, const struct pos *p, const char *fmt, ...)
{
	char buf[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag(r, level, "%s:%u:%u: %s", p->file, p->line, p->col, buf);
}

static struct pos node_pos(const struct sk_cfg_node *n)
{
	return (struct pos){n->file, n->line, n->col};
}

/* ---- lifecycle --------------------------------------------------------- */

struct sk_rules *sk_rules_create(const struct sk_fields *fields)
{
	struct sk_rules *r = calloc(1, sizeof(*r));
	if (!r) {
		return NULL;
	}
	r->fields = fields;
	r->min_priority = SK_PRI_DEBUG;
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

static void exc_free(struct exdef *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].values);
	}
	free(e);
}

static void rule_clear(struct sk_rule_priv *p)
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
		rule_clear(r->rules[i]);
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

static struct sk_rule_priv *find_rule(const struct sk_rules *r, const char *name)
{
	for (size_t i = 0; i < r->nrules; i++) {
		if (strcmp(r->rules[i]->name, name) == 0) {
			return r->rules[i];
		}
	}
	return NULL;
}

/* " (did you mean 'X'?)" for the closest of n names, or "" */
enum { NAMES_LIST, NAMES_MACRO, NAMES_RULE };

static const char *did_you_mean(const struct sk_rules *r, int kind, const char *name, char *buf,
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

/* append a scalar node's text, with its positions, to a source */
static int src_add_node(struct sk_rules *r, struct sk_filter_src *s, const char *sep,
			const struct sk_cfg_node *n)
{
	size_t vl = strlen(n->scalar);
	unsigned *lines = malloc((vl + 1) * sizeof(*lines));
	unsigned *cols = malloc((vl + 1) * sizeof(*cols));
	if (!lines || !cols) {
		free(lines);
		free(cols);
		return -ENOMEM;
	}
	map_scalar(find_raw(r, n->file), n, lines, cols);
	return sk_filter_src_append(s, sep, n->scalar, vl, n->file, lines, cols);
}

/* append text that sits at one position (defaults that were not written) */
static int src_add_at(struct sk_filter_src *s, const char *sep, const char *text,
		      const struct pos *p)
{
	size_t vl = strlen(text);
	unsigned *lines = malloc((vl + 1) * sizeof(*lines));
	unsigned *cols = malloc((vl + 1) * sizeof(*cols));
	if (!lines || !cols) {
		free(lines);
		free(cols);
		return -ENOMEM;
	}
	for (size_t i = 0; i <= vl; i++) {
		lines[i] = p->line;
		cols[i] = p->col;
	}
	return sk_filter_src_append(s, sep, text, vl, p->file, lines, cols);
}

static struct sk_filter_src *src_new(const char *owner_kind, const char *name)
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

static bool in_set(const char *const *set, const char *k)
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
		ndiag(r, SK_RULES_ERROR, n, "a %s needs a name: '%s: NAME'", kind, kind);
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
		if (in_set(yes, n->scalar)) {
			*ret = true;
			return 0;
		}
		if (in_set(no, n->scalar)) {
			*ret = false;
			return 0;
		}
	}
	ndiag(r, SK_RULES_ERROR, n, "'%s' must be true or false in %s '%s'", key, what, name);
	return -EINVAL;
}

/* "1.2.3", "17" (as 0.17.0) */
static bool parse_version(const char *s, unsigned long v[3])
{
	v[0] = v[1] = v[2] = 0;
	if (!*s) {
		return false;
	}
	char *end;
	if (!strchr(s, '.')) {
		if (!isdigit((unsigned char)*s)) {
			return false;
		}
		v[1] = strtoul(s, &end, 10);
		return *end == '\0';
	}
	const char *p = s;
	for (int i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*p)) {
			return false;
		}
		v[i] = strtoul(p, &end, 10);
		if (i < 2) {
			if (*end != '.') {
				return i == 1 && (*end == '\0' || *end == '-' || *end == '+');
			}
			p = end + 1;
		}
	}
	return *end == '\0' || *end == '-' || *end == '+';
}

int sk_rules_version_cmp(const char *a, const char *b, bool *ok)
{
	unsigned long va[3], vb[3];
	if (!parse_version(a, va) || !parse_version(b, vb)) {
		if (ok) {
			*ok = false;
		}
		return -2;
	}
	if (ok) {
		*ok = true;
	}
	for (int i = 0; i < 3; i++) {
		if (va[i] != vb[i]) {
			return va[i] < vb[i] ? -1 : 1;
		}
	}
	return 0;
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
		ndiag(r, SK_RULES_ERROR, items, "'items' must be a list in list '%s'", name);
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
			ndiag(r, SK_RULES_ERROR, it, "list items must be strings in list '%s'",
			      name);
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
		ndiag(r, SK_RULES_ERROR, ov,
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
			ndiag(r, SK_RULES_ERROR, v,
			      "override of '%s' must be 'append' or 'replace' in %s '%s'", k, what,
			      name);
			rc = -EINVAL;
		} else if (app && !in_set(appendable, k)) {
			ndiag(r, SK_RULES_ERROR, ov->key_nodes[i],
			      "key '%s' cannot be appended in %s '%s'", k, what, name);
			rc = -EINVAL;
		} else if (rep && !in_set(replaceable, k)) {
			ndiag(r, SK_RULES_ERROR, ov->key_nodes[i],
			      "key '%s' cannot be replaced in %s '%s'", k, what, name);
			rc = -EINVAL;
		} else if (!sk_cfg_get(item, k)) {
			ndiag(r, SK_RULES_ERROR, ov->key_nodes[i],
			      "key '%s' is in 'override' but not given in %s '%s'", k, what, name);
			rc = -EINVAL;
		}
	}
	for (size_t i = 0; i < item->n; i++) {
		const char *k = item->keys[i];
		if (strcmp(k, namekey) == 0 || strcmp(k, "override") == 0) {
			continue;
		}
		if (!sk_cfg_get(ov, k) && (in_set(appendable, k) || in_set(replaceable, k))) {
			ndiag(r, SK_RULES_ERROR, item->key_nodes[i],
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
		if (!in_set(known, item->keys[i])) {
			ndiag(r, SK_RULES_WARNING, item->key_nodes[i],
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
	ndiag(r, SK_RULES_ERROR, item,
	      "%s '%s' has '%s' but no %s of that name is defined before%s", kind, name,
	      append ? "append: true" : "override", kind,
	      did_you_mean(r, names, name, dym, sizeof(dym)));
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
		ndiag(r, SK_RULES_ERROR, ov,
		      "'append' and 'override' cannot be used together in %s '%s'", kind, name);
		return -EINVAL;
	}
	*ret_name = name;
	*ret_append = append;
	*ret_override = ov;
	return 0;
}

static int load_list(struct sk_rules *r, const struct sk_cfg_node *item)
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
		ndiag(r, SK_RULES_ERROR, item, "missing key 'items' in list '%s'", name);
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
	l->pos = node_pos(item);
	return list_items_add(r, l, items, name);
}

static int load_macro(struct sk_rules *r, const struct sk_cfg_node *item)
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
		ndiag(r, SK_RULES_ERROR, item, "missing key 'condition' in macro '%s'", name);
		return -EINVAL;
	}
	if (cond->kind != SK_CFG_SCALAR || cond->is_null) {
		ndiag(r, SK_RULES_ERROR, cond, "'condition' must be a string in macro '%s'", name);
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
			struct sk_filter_src *s = src_new("macro", name);
			if (!s) {
				return -ENOMEM;
			}
			sk_filter_src_unref(m->src);
			m->src = s;
		}
		return src_add_node(r, m->src, " ", cond);
	}
	struct sk_filter_src *s = src_new("macro", name);
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
	m->pos = node_pos(item);
	return src_add_node(r, m->src, " ", cond);
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
		ndiag(r, SK_RULES_ERROR, n, "'tags' must be a list of strings in rule '%s'",
		      p->name);
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
			ndiag(r, SK_RULES_ERROR, t, "'tags' must be a list of strings in rule '%s'",
			      p->name);
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
		ndiag(r, SK_RULES_ERROR, n, "'exceptions' must be a list in rule '%s'", p->name);
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < n->n; i++) {
		const struct sk_cfg_node *e = n->items[i];
		if (e->kind != SK_CFG_MAP) {
			ndiag(r, SK_RULES_ERROR, e, "an exception must be a map in rule '%s'",
			      p->name);
			rc = -EINVAL;
			continue;
		}
		const struct sk_cfg_node *nm = sk_cfg_get(e, "name");
		if (!nm || nm->kind != SK_CFG_SCALAR || nm->is_null) {
			ndiag(r, SK_RULES_ERROR, e, "an exception needs a 'name' in rule '%s'",
			      p->name);
			rc = -EINVAL;
			continue;
		}
		static const char *const ekeys[] = {"name", "fields", "comps", "values", NULL};
		for (size_t k = 0; k < e->n; k++) {
			if (!in_set(ekeys, e->keys[k])) {
				ndiag(r, SK_RULES_WARNING, e->key_nodes[k],
				      "unknown key '%s' in exception '%s' of rule '%s'", e->keys[k],
				      nm->scalar, p->name);
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
				ndiag(
				    r, SK_RULES_ERROR, fields ? fields : comps,
				    "exception '%s' exists: only 'values' can be appended in rule "
				    "'%s'",
				    nm->scalar, p->name);
				rc = -EINVAL;
				continue;
			}
		} else if (x) {
			ndiag(r, SK_RULES_ERROR, nm, "exception '%s' is defined twice in rule '%s'",
			      nm->scalar, p->name);
			rc = -EINVAL;
			continue;
		} else {
			if (!fields) {
				ndiag(r, SK_RULES_ERROR, e,
				      "exception '%s' needs 'fields' in rule '%s'", nm->scalar,
				      p->name);
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
			x->pos = node_pos(e);
			x->fields = fields;
			x->comps = comps;
		}
		if (!values || (values->kind == SK_CFG_SCALAR && values->is_null)) {
			continue;
		}
		if (values->kind != SK_CFG_SEQ) {
			ndiag(r, SK_RULES_ERROR, values,
			      "'values' of exception '%s' must be a list in rule '%s'", nm->scalar,
			      p->name);
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
		ndiag(r, SK_RULES_ERROR, n, "'%s' must be a string in rule '%s'", key, p->name);
		return -EINVAL;
	}
	if (!append || !*dst) {
		struct sk_filter_src *s = src_new("rule", p->name);
		if (!s) {
			return -ENOMEM;
		}
		sk_filter_src_unref(*dst);
		*dst = s;
	}
	return src_add_node(r, *dst, " ", n);
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
		ndiag(r, SK_RULES_ERROR, n, "'desc' must be a string in rule '%s'", p->name);
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
		ndiag(r, SK_RULES_ERROR, n,
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
			ndiag(r, SK_RULES_ERROR, n, "'source' must be a string in rule '%s'",
			      p->name);
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

static int load_rule(struct sk_rules *r, const struct sk_cfg_node *item)
{
	const char *name;
	bool append;
	const struct sk_cfg_node *ov;
	if (item_head(r, item, "rule", rule_keys, &name, &append, &ov) < 0) {
		return -EINVAL;
	}
	struct sk_rule_priv *p = find_rule(r, name);
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
			if (strcmp(k, "rule") && strcmp(k, "append") && !in_set(app, k) &&
			    in_set(rule_keys, k)) {
				ndiag(r, SK_RULES_ERROR, item->key_nodes[i],
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
		ndiag(r, SK_RULES_ERROR, item,
		      "rule '%s' has only 'enabled' but no rule of that name is defined before%s",
		      name, did_you_mean(r, NAMES_RULE, name, dym, sizeof(dym)));
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
			ndiag(r, SK_RULES_ERROR, item, "missing key '%s' in rule '%s'", required[i],
			      name);
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
		rule_clear(p);
		p->pub.index = idx;
	}
	p->name = strdup(name);
	p->source = strdup("syscall");
	if (!p->name || !p->source) {
		return -ENOMEM;
	}
	p->enabled = true;
	p->warn_evttypes = true;
	p->pos = node_pos(item);
	rc = apply_rule_keys(r, p, item, NULL, true);
	sync_pub(p);
	return rc;
}

static int load_engine_version(struct sk_rules *r, const struct sk_cfg_node *item)
{
	const struct sk_cfg_node *n = sk_cfg_get(item, "required_engine_version");
	bool ok;
	if (n->kind != SK_CFG_SCALAR ||
	    (sk_rules_version_cmp(n->scalar, SK_RULES_ENGINE_VERSION, &ok), !ok)) {
		ndiag(r, SK_RULES_ERROR, n, "invalid required_engine_version '%s'",
		      n->kind == SK_CFG_SCALAR ? n->scalar : "?");
		return -EINVAL;
	}
	if (sk_rules_version_cmp(n->scalar, SK_RULES_ENGINE_VERSION, NULL) > 0) {
		ndiag(r, SK_RULES_ERROR, n,
		      "rules require engine version %s, but this engine is version %s", n->scalar,
		      SK_RULES_ENGINE_VERSION);
		return -EINVAL;
	}
	return 0;
}

/* a loaded extractor plugin named `name` of at least `version`: 1 yes,
 * 0 loaded but older, -1 not loaded */
static int plugin_version_ok(const struct sk_rules *r, const char *name, const char *version)
{
	int found = -1;
	for (size_t i = 0; i < sk_fields_count(r->fields); i++) {
		const struct sk_plugin *p = sk_fields_at(r->fields, i)->plugin;
		if (strcmp(p->name, name) != 0) {
			continue;
		}
		bool ok;
		int c = sk_rules_version_cmp(p->version ? p->version : "0.0.0", version, &ok);
		return ok && c >= 0 ? 1 : 0;
	}
	return found;
}

static int load_plugin_versions(struct sk_rules *r, const struct sk_cfg_node *item)
{
	const struct sk_cfg_node *n = sk_cfg_get(item, "required_plugin_versions");
	if (n->kind != SK_CFG_SEQ) {
		ndiag(r, SK_RULES_ERROR, n, "required_plugin_versions must be a list");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < n->n; i++) {
		const struct sk_cfg_node *e = n->items[i];
		const struct sk_cfg_node *nm = sk_cfg_get(e, "name");
		const struct sk_cfg_node *ver = sk_cfg_get(e, "version");
		if (!nm || !ver || nm->kind != SK_CFG_SCALAR || ver->kind != SK_CFG_SCALAR) {
			ndiag(r, SK_RULES_ERROR, e,
			      "required_plugin_versions entries need 'name' and 'version'");
			rc = -EINVAL;
			continue;
		}
		int best = plugin_version_ok(r, nm->scalar, ver->scalar);
		const struct sk_cfg_node *alts = sk_cfg_get(e, "alternatives");
		for (size_t k = 0; alts && alts->kind == SK_CFG_SEQ && k < alts->n && best < 1;
		     k++) {
			const struct sk_cfg_node *an = sk_cfg_get(alts->items[k], "name");
			const struct sk_cfg_node *av = sk_cfg_get(alts->items[k], "version");
			if (an && av && an->kind == SK_CFG_SCALAR && av->kind == SK_CFG_SCALAR) {
				int b = plugin_version_ok(r, an->scalar, av->scalar);
				best = b > best ? b : best;
			}
		}
		if (best == 0) {
			ndiag(r, SK_RULES_ERROR, e,
			      "plugin '%s' is loaded in an older version than the %s these rules "
			      "require",
			      nm->scalar, ver->scalar);
			rc = -EINVAL;
		} else if (best < 0) {
			ndiag(r, SK_RULES_WARNING, e,
			      "rules require plugin '%s' version %s, which is not loaded",
			      nm->scalar, ver->scalar);
		}
	}
	return rc;
}

static int load_doc(struct sk_rules *r, const struct sk_cfg_node *doc)
{
	if (doc->kind == SK_CFG_SCALAR && doc->is_null) {
		return 0;
	}
	if (doc->kind != SK_CFG_SEQ) {
		ndiag(r, SK_RULES_ERROR, doc,
		      "a rules file must be a list of items (rule, macro, list, ...)");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < doc->n; i++) {
		const struct sk_cfg_node *item = doc->items[i];
		int e = 0;
		if (item->kind != SK_CFG_MAP) {
			ndiag(r, SK_RULES_ERROR, item,
			      "expected an item (rule, macro, list, ...), found a %s",
			      item->kind == SK_CFG_SEQ ? "list" : "scalar");
			e = -EINVAL;
		} else if (sk_cfg_get(item, "rule")) {
			e = load_rule(r, item);
		} else if (sk_cfg_get(item, "macro")) {
			e = load_macro(r, item);
		} else if (sk_cfg_get(item, "list")) {
			e = load_list(r, item);
		} else if (sk_cfg_get(item, "required_engine_version")) {
			e = load_engine_version(r, item);
		} else if (sk_cfg_get(item, "required_plugin_versions")) {
			e = load_plugin_versions(r, item);
		} else {
			ndiag(r, SK_RULES_WARNING, item, "unknown item with key '%s' ignored",
			      item->n ? item->keys[0] : "");
		}
		if (e == -ENOMEM) {
			diag(r, SK_RULES_ERROR, "out of memory loading rules");
			return e;
		}
		if (e) {
			rc = e;
		}
	}
	return rc;
}

static int keep_raw(struct sk_rules *r, const char *name, char *text, size_t len)
{
	struct rawtext *n = realloc(r->raws, (r->nraws + 1) * sizeof(*n));
	if (!n) {
		free(text);
		return -ENOMEM;
	}
	r->raws = n;
	char **names = realloc(r->names, (r->nnames + 1) * sizeof(*names));
	if (!names) {
		free(text);
		return -ENOMEM;
	}
	r->names = names;
	names[r->nnames] = strdup(name);
	if (!names[r->nnames]) {
		free(text);
		return -ENOMEM;
	}
	size_t nl = 1;
	for (size_t i = 0; i < len; i++) {
		nl += text[i] == '\n';
	}
	size_t *off = malloc(nl * sizeof(*off));
	if (!off) {
		free(names[r->nnames]);
		free(text);
		return -ENOMEM;
	}
	off[0] = 0;
	for (size_t i = 0, k = 1; i < len; i++) {
		if (text[i] == '\n') {
			off[k++] = i + 1;
		}
	}
	n[r->nraws++] = (struct rawtext){
	    .name = names[r->nnames++], .text = text, .len = len, .line_off = off, .nlines = nl};
	return 0;
}

static int keep_doc(struct sk_rules *r, struct sk_cfg_node *doc)
{
	struct sk_cfg_node **d = realloc(r->docs, (r->ndocs + 1) * sizeof(*d));
	if (!d) {
		sk_cfg_free(doc);
		return -ENOMEM;
	}
	r->docs = d;
	d[r->ndocs++] = doc;
	return 0;
}

int sk_rules_load_string(struct sk_rules *r, const char *name, const char *text)
{
	char err[512];
	struct sk_cfg_node *root = NULL;
	size_t len = strlen(text);
	if (r->compiled) {
		return -EALREADY;
	}
	char *copy = strdup(text);
	if (!copy || keep_raw(r, name, copy, len)) {
		return -ENOMEM;
	}
	r->dirty = true;
	err[0] = '\0';
	int rc = sk_cfg_parse_string(name, text, len, &root, err, sizeof(err));
	if (rc) {
		diag(r, SK_RULES_ERROR, "%s", *err ? err : strerror(-rc));
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	if (keep_doc(r, root)) {
		return -ENOMEM;
	}
	/* an empty text parses as an empty map */
	if (root->kind == SK_CFG_MAP && root->n == 0) {
		return 0;
	}
	return load_doc(r, root);
}

static int load_file(struct sk_rules *r, const char *path)
{
	char err[512];
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		diag(r, SK_RULES_ERROR, "%s: cannot open rules file: %s", path, strerror(e));
		return -e;
	}
	char *text = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *t = realloc(text, cap);
			if (!t) {
				free(text);
				fclose(f);
				return -ENOMEM;
			}
			text = t;
		}
		size_t got = fread(text + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0) {
			break;
		}
	}
	fclose(f);
	text[len] = '\0';
	if (keep_raw(r, path, text, len)) {
		return -ENOMEM;
	}
	struct sk_cfg_node *docs = NULL;
	err[0] = '\0';
	int rc = sk_cfg_parse_file_docs(path, &docs, err, sizeof(err));
	if (rc) {
		diag(r, SK_RULES_ERROR, "%s", *err ? err : strerror(-rc));
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	if (keep_doc(r, docs)) {
		return -ENOMEM;
	}
	rc = 0;
	for (size_t i = 0; i < docs->n; i++) {
		int e = load_doc(r, docs->items[i]);
		if (e == -ENOMEM) {
			return e;
		}
		if (e) {
			rc = e;
		}
	}
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sk_rules_load_path(struct sk_rules *r, const char *path)
{
	struct stat st;
	if (r->compiled) {
		return -EALREADY;
	}
	r->dirty = true;
	if (stat(path, &st) != 0) {
		int e = errno;
		diag(r, SK_RULES_ERROR, "%s: cannot read rules: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		return load_file(r, path);
	}
	DIR *d = opendir(path);
	if (!d) {
		int e = errno;
		diag(r, SK_RULES_ERROR, "%s: cannot read rules directory: %s", path, strerror(e));
		return -e;
	}
	char **names = NULL;
	size_t n = 0;
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		bool yaml = (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0) ||
			    (l > 4 && strcmp(de->d_name + l - 4, ".yml") == 0);
		if (!yaml || de->d_name[0] == '.') {
			continue;
		}
		char **nn = realloc(names, (n + 1) * sizeof(*nn));
		if (!nn) {
			rc = -ENOMEM;
			break;
		}
		names = nn;
		size_t pl = strlen(path) + l + 2;
		names[n] = malloc(pl);
		if (!names[n]) {
			rc = -ENOMEM;
			break;
		}
		snprintf(names[n], pl, "%s/%s", path, de->d_name);
		n++;
	}
	closedir(d);
	if (!rc) {
		if (n > 1) { /* an empty directory leaves names NULL: qsort wants a pointer */
			qsort(names, n, sizeof(*names), cmp_str);
		}
		for (size_t i = 0; i < n; i++) {
			struct stat fs;
			if (stat(names[i], &fs) == 0 && S_ISDIR(fs.st_mode)) {
				continue;
			}
			int e = load_file(r, names[i]);
			if (e == -ENOMEM) {
				rc = e;
				break;
			}
			if (e) {
				rc = e;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
	}
	free(names);
	return rc;
}

/* ---- options ----------------------------------------------------------- */

void sk_rules_set_min_priority(struct sk_rules *r, int pri)
{
	r->min_priority = pri;
	r->dirty = true;
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
		ndiag(r, SK_RULES_ERROR, sec,
		      "rules: expected a list of '- enable:' / '- disable:' entries");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < sec->n; i++) {
		const struct sk_cfg_node *e = sec->items[i];
		if (e->kind != SK_CFG_MAP || e->n != 1 ||
		    (strcmp(e->keys[0], "enable") != 0 && strcmp(e->keys[0], "disable") != 0)) {
			ndiag(r, SK_RULES_ERROR, e,
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
			ndiag(r, SK_RULES_ERROR, sel,
			      "rules[%zu].%s: expected one of 'rule: NAME-PATTERN' or 'tag: TAG'",
			      i, e->keys[0]);
			rc = -EINVAL;
			continue;
		}
		size_t n = sk_rules_select(r, enable, rule ? which->scalar : NULL,
					   rule ? NULL : which->scalar);
		if (n == 0) {
			ndiag(r, SK_RULES_WARNING, which, "rules[%zu].%s: %s '%s' matches no rule",
			      i, e->keys[0], rule ? "rule" : "tag", which->scalar);
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
		ndiag(r, SK_RULES_ERROR, sec,
		      "append_output: expected a list of entries with 'match', 'extra_output' "
		      "and 'extra_fields'");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < sec->n; i++) {
		const struct sk_cfg_node *e = sec->items[i];
		if (e->kind != SK_CFG_MAP) {
			ndiag(r, SK_RULES_ERROR, e, "append_output[%zu]: expected a map", i);
			rc = -EINVAL;
			continue;
		}
		bool bad = false;
		for (size_t k = 0; k < e->n; k++) {
			static const char *const keys[] = {"match", "extra_output", "extra_fields",
							   NULL};
			if (!in_set(keys, e->keys[k])) {
				ndiag(r, SK_RULES_ERROR, e->key_nodes[k],
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
				ndiag(
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
					ndiag(
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
			ndiag(r, SK_RULES_ERROR, t,
			      "append_output[%zu].extra_output: expected a string", i);
			bad = true;
		}
		if (f && f->kind != SK_CFG_SEQ && !(f->kind == SK_CFG_SCALAR && f->is_null)) {
			ndiag(r, SK_RULES_ERROR, f,
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
		a->pos = node_pos(t ? t : e);
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
				ndiag(
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

/* ---- compile: macros, lists, exceptions -------------------------------- */

/* position text "FILE:LINE:COL" of an offset in a source */
static void src_where(const struct sk_filter_src *s, size_t off, char *buf, size_t len)
{
	const char *file;
	unsigned line, col;
	sk_filter_src_pos(s, off, &file, &line, &col);
	snprintf(buf, len, "%s:%u:%u", file, line, col);
}

/* error at a tree position, naming the rule (and the macro it is in) */
static void tdiag(struct sk_rules *r, int level, const struct sk_filter_src *s, size_t off,
		  const char *rule, const char *msg)
{
	char where[512];
	src_where(s, off, where, sizeof(where));
	char own[300];
	snprintf(own, sizeof(own), "rule '%s'", rule);
	if (s->owner && strcmp(s->owner, own) != 0 && level == SK_RULES_WARNING) {
		/* once per macro, not once per rule using it */
		diag(r, level, "%s: %s in %s", where, msg, s->owner);
	} else if (s->owner && strcmp(s->owner, own) != 0) {
		diag(r, level, "%s: %s in %s (used by rule '%s')", where, msg, s->owner, rule);
	} else {
		diag(r, level, "%s: %s in rule '%s'", where, msg, rule);
	}
}

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
				 did_you_mean(r, NAMES_MACRO, n->name, dym, sizeof(dym)));
			tdiag(r, SK_RULES_ERROR, n->src, n->pos, rule, msg);
			*bad = true;
			return 0;
		}
		m->used = true;
		int rc = macro_expanded(r, m, rule, bad);
		if (rc == -ELOOP) {
			snprintf(msg, sizeof(msg), "macro '%s' refers to itself", n->name);
			tdiag(r, SK_RULES_ERROR, n->src, n->pos, rule, msg);
			*bad = true;
			return 0;
		}
		if (rc == -ENOMEM) {
			return rc;
		}
		if (rc == -EBADMSG) {
			snprintf(msg, sizeof(msg), "macro '%s' cannot be used: it has errors",
				 n->name);
			tdiag(r, SK_RULES_ERROR, n->src, n->pos, rule, msg);
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
	struct sk_filter_src *s = src_new("rule", rule);
	struct sk_filter_node *n = NULL;
	if (!s || src_add_node(r, s, "", field)) {
		goto oom;
	}
	n = sk_filter_node_new(SK_FN_CHECK, s, 0);
	if (!n) {
		goto oom;
	}
	if (sk_filter_parse_fexpr(field->scalar, &n->lhs, err, sizeof(err))) {
		ndiag(r, SK_RULES_ERROR, field, "%s in exception '%s' of rule '%s'", err, exname,
		      rule);
		*bad = true;
		goto fail;
	}
	const char *ctext = comp ? comp->scalar : defcomp;
	n->oppos = (uint32_t)s->len + 1;
	if ((comp ? src_add_node(r, s, " ", comp)
		  : src_add_at(s, " ", ctext,
			       &(struct pos){field->file, field->line, field->col}))) {
		goto oom;
	}
	n->op = sk_filter_parse_op(ctext);
	if (n->op == SK_OP_NONE || n->op == SK_OP_EXISTS) {
		ndiag(r, SK_RULES_ERROR, comp ? comp : field,
		      "invalid comparison operator '%s' in exception '%s' of rule '%s'", ctext,
		      exname, rule);
		*bad = true;
		goto fail;
	}
	const struct sk_cfg_node *one = value;
	size_t nv = 1;
	if (value->kind == SK_CFG_SEQ) {
		if (!is_set_op(n->op)) {
			ndiag(
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
			ndiag(r, SK_RULES_ERROR, one,
			      "exception values must be strings in exception '%s' of rule '%s'",
			      exname, rule);
			*bad = true;
			goto fail;
		}
		uint32_t at = (uint32_t)s->len + 1;
		if (src_add_node(r, s, " ", one)) {
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
			ndiag(r, SK_RULES_ERROR, one,
			      "'fields' must be field names in exception '%s' of rule '%s'",
			      x->name, rule);
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
			ndiag(r, SK_RULES_WARNING, one, "rule '%s' skipped: %s in exception '%s'",
			      rule, err, x->name);
		} else {
			ndiag(r, SK_RULES_ERROR, one, "%s in exception '%s' of rule '%s'", err,
			      x->name, rule);
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
			ndiag(
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
			ndiag(r, SK_RULES_ERROR, c,
			      "'comps' must list one operator per field (%zu) in exception '%s' of "
			      "rule '%s'",
			      f->n, x->name, rule);
			*bad = true;
			goto fail;
		}
		for (size_t i = 0; i < f->n; i++) {
			if (f->items[i]->kind != SK_CFG_SCALAR || f->items[i]->is_null) {
				ndiag(r, SK_RULES_ERROR, f->items[i],
				      "'fields' must be field names in exception '%s' of rule '%s'",
				      x->name, rule);
				*bad = true;
				goto fail;
			}
			if (c && c->items[i]->kind != SK_CFG_SCALAR) {
				ndiag(r, SK_RULES_ERROR, c->items[i],
				      "'comps' must be operators in exception '%s' of rule '%s'",
				      x->name, rule);
				*bad = true;
				goto fail;
			}
		}
		for (size_t v = 0; v < x->nvalues; v++) {
			const struct sk_cfg_node *tuple = x->values[v];
			if (tuple->kind != SK_CFG_SEQ || tuple->n != f->n) {
				ndiag(r, SK_RULES_ERROR, tuple,
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
		ndiag(r, SK_RULES_ERROR, f,
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
			tdiag(r, SK_RULES_WARNING, n->src, n->vals[i].pos, rule, msg);
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
		pdiag(r, SK_RULES_ERROR, &a->pos, "append_output: %s (for rule '%s')", msg, rule);
	} else {
		diag(r, SK_RULES_ERROR, "append_output: %s (for rule '%s')", msg, rule);
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
			tdiag(r, SK_RULES_ERROR, p->out, off, p->name, m2);
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
	const struct sk_field_def **a =
		realloc(r->deprecated, (r->ndeprecated + 1) * sizeof(*a));
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
	tdiag(r, SK_RULES_WARNING, n->src, fe->pos, rule, msg);
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
		tdiag(r, SK_RULES_ERROR, p->cond, off, p->name, m2);
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
			src_where(s, ce.off, where, sizeof(where));
			diag(r, SK_RULES_WARNING, "%s: rule '%s' skipped: %s", where, p->name,
			     ce.msg);
		} else {
			tdiag(r, SK_RULES_ERROR, s, ce.off, p->name, ce.msg);
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
		src_where(p->cond, 0, where, sizeof(where));
		diag(r, SK_RULES_WARNING,
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
		pdiag(r, SK_RULES_INFO, &p->pos,
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
			src_where(m->src, off, where, sizeof(where));
			diag(r, SK_RULES_ERROR, "%s: syntax error: %s in macro '%s'", where, msg,
			     m->name);
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
			pdiag(r, SK_RULES_WARNING, &r->macros[i].pos, "macro '%s' is not used",
			      r->macros[i].name);
		}
	}
	for (size_t i = 0; i < r->nlists; i++) {
		if (!r->lists[i].used && !skipped_source_file(r, r->lists[i].pos.file)) {
			pdiag(r, SK_RULES_WARNING, &r->lists[i].pos, "list '%s' is not used",
			      r->lists[i].name);
		}
	}
	r->compiled = true;
	r->dirty = true;
	return r->nerrors ? -EINVAL : 0;
}

/* ---- diagnostics and listing ------------------------------------------- */

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
	struct sk_rule_priv *p = find_rule(r, name);
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
		if (sk_filter_eval(l->v[i]->filter, ev)) {
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
