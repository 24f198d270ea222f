/* core/rules/engine_priv.h - what the rule engine's files share: the
 * engine's structures (definitions collected from rule files, compiled
 * rules, the index) and the functions one file gives the others. Private
 * to core/rules/; the public API is engine.h.
 */
#ifndef SK_CORE_RULES_ENGINE_PRIV_H
#define SK_CORE_RULES_ENGINE_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
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
	uint64_t sample_mask; /* evaluations timed: those with (evals & mask) == 0 */
	bool cost_off;	      /* none timed */
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
	struct sk_filter_cache *cache;		/* values shared by all rules during one event */
	const struct sk_field_def **deprecated; /* deprecated fields already warned about */
	size_t ndeprecated;
};

/* the kinds of names sk_rules_did_you_mean() looks through */
enum { NAMES_LIST, NAMES_MACRO, NAMES_RULE };

/* rules_diag.c: diagnostics */
void sk_rules_diagf(struct sk_rules *r, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sk_rules_ndiag(struct sk_rules *r, int level, const struct sk_cfg_node *n, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));
void sk_rules_pdiag(struct sk_rules *r, int level, const struct pos *p, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
struct pos sk_rules_node_pos(const struct sk_cfg_node *n);
const char *sk_rules_did_you_mean(const struct sk_rules *r, int kind, const char *name, char *buf,
				  size_t len);
int sk_rules_src_add_node(struct sk_rules *r, struct sk_filter_src *s, const char *sep,
			  const struct sk_cfg_node *n);
int sk_rules_src_add_at(struct sk_filter_src *s, const char *sep, const char *text,
			const struct pos *p);
struct sk_filter_src *sk_rules_src_new(const char *owner_kind, const char *name);
void sk_rules_src_where(const struct sk_filter_src *s, size_t off, char *buf, size_t len);
void sk_rules_tdiag(struct sk_rules *r, int level, const struct sk_filter_src *s, size_t off,
		    const char *rule, const char *msg);

/* rules_collector.c: collector */
void sk_rules_rule_clear(struct sk_rule_priv *p);
struct ldef *sk_rules_find_list(struct sk_rules *r, const char *name);
struct mdef *sk_rules_find_macro(struct sk_rules *r, const char *name);
struct sk_rule_priv *sk_rules_find_rule(const struct sk_rules *r, const char *name);
bool sk_rules_in_set(const char *const *set, const char *k);
int sk_rules_add_value(struct sk_filter_val **vals, size_t *n, const char *s);
int sk_rules_load_list(struct sk_rules *r, const struct sk_cfg_node *item);
int sk_rules_load_macro(struct sk_rules *r, const struct sk_cfg_node *item);
void sk_rules_sync_pub(struct sk_rule_priv *p);
int sk_rules_load_rule(struct sk_rules *r, const struct sk_cfg_node *item);

#endif /* SK_CORE_RULES_ENGINE_PRIV_H */
