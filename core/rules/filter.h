/* core/rules/filter.h - conditions of the Falco rules language: the syntax
 * tree, the parser, and the compiled form that is evaluated per event.
 *
 * Grammar (Falco's; precedence not > and > or):
 *   expr      := or
 *   or        := and ('or' and)*
 *   and       := not ('and' not)*
 *   not       := 'not' not | check
 *   check     := '(' expr ')' | fieldexpr cond | identifier (a macro)
 *   fieldexpr := field | xform '(' fieldexpr ')'     xform: tolower toupper b64 basename len
 *   field     := name ('[' arg ']')?                 name: [a-zA-Z][a-zA-Z0-9_]*(.[a-zA-Z0-9_]+)+
 *   cond      := 'exists'
 *              | cmpop (value | 'val(' fieldexpr ')')
 *              | listop (list | identifier | 'val(' fieldexpr ')')
 *   list      := '(' (value (',' value)*)? ')'
 *   value     := quoted string | bare string [^ \t\r\n\f\v\b(),="']+
 * Words stop at a word boundary: `evt.type=open`, `not(a)` and `or(b)` work.
 */
#ifndef SK_CORE_RULES_FILTER_H
#define SK_CORE_RULES_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/plugin.h>

#include "rules/fields.h"

/* Operators */
enum sk_filter_op {
	SK_OP_NONE = 0,
	SK_OP_EQ,	  /* = and == */
	SK_OP_NE,	  /* != */
	SK_OP_LT,	  /* < */
	SK_OP_LE,	  /* <= */
	SK_OP_GT,	  /* > */
	SK_OP_GE,	  /* >= */
	SK_OP_CONTAINS,	  /* contains */
	SK_OP_ICONTAINS,  /* icontains */
	SK_OP_BCONTAINS,  /* bcontains (hex constant) */
	SK_OP_STARTSWITH, /* startswith */
	SK_OP_BSTARTSWITH,
	SK_OP_ENDSWITH,
	SK_OP_GLOB,
	SK_OP_IGLOB,
	SK_OP_REGEX,
	SK_OP_IN,
	SK_OP_INTERSECTS,
	SK_OP_PMATCH,
	SK_OP_EXISTS,
	SK_OP_COUNT_,
};

/* Field transformers */
enum sk_filter_xform {
	SK_XF_TOLOWER = 1,
	SK_XF_TOUPPER,
	SK_XF_B64,
	SK_XF_BASENAME,
	SK_XF_LEN,
};

#define SK_FILTER_MAX_XFORM 4

/* Where a piece of condition text came from: maps byte offsets of the text
 * to file:line:col. Conditions made of several pieces (appends) keep one
 * segment per piece. */
struct sk_filter_seg {
	size_t off; /* first byte of the segment in the text */
	size_t len;
	const char *file; /* borrowed, outlives the tree (the engine keeps names) */
	unsigned *line;	  /* per byte of the segment (len + 1 entries), owned */
	unsigned *col;
};

struct sk_filter_src {
	char *text; /* whole condition text, owned */
	size_t len;
	struct sk_filter_seg *segs;
	size_t nsegs;
	unsigned refs; /* trees share sources */
	char *owner;   /* what the text belongs to, e.g. "macro 'x'"; may be NULL */
};

/* sk_filter_src_create - a source of `len` bytes with no position info
 * (positions then read "<condition>:1:COL"). Returns NULL on ENOMEM. */
struct sk_filter_src *sk_filter_src_create(const char *text, size_t len);
void sk_filter_src_ref(struct sk_filter_src *s);
void sk_filter_src_unref(struct sk_filter_src *s);

/* sk_filter_src_append - append `text` (its bytes at file positions given by
 * line[]/col[] arrays of len + 1 entries, which are consumed; NULL: line 1,
 * col = offset + 1 of `file`) to the source, separated by `sep` when the
 * source is not empty. Returns 0 or -ENOMEM. */
int sk_filter_src_append(struct sk_filter_src *s, const char *sep, const char *text, size_t len,
			 const char *file, unsigned *line, unsigned *col);

/* sk_filter_src_pos - file, line and column of byte `off` of the text. */
void sk_filter_src_pos(const struct sk_filter_src *s, size_t off, const char **ret_file,
		       unsigned *ret_line, unsigned *ret_col);

/* A field as written: name, optional [arg], transformers (innermost first). */
struct sk_filter_fexpr {
	char *name;
	char *arg;     /* NULL when written without brackets */
	uint32_t pos;  /* offset of the field name */
	uint32_t xpos; /* offset of the outermost transformer (or pos) */
	uint8_t xforms[SK_FILTER_MAX_XFORM];
	uint8_t nxforms;
};

struct sk_filter_val {
	char *s; /* unescaped text, NUL-terminated */
	size_t len;
	uint32_t pos;
	bool quoted;
};

enum sk_filter_kind {
	SK_FN_AND = 1,
	SK_FN_OR,
	SK_FN_NOT,
	SK_FN_CHECK,
	SK_FN_MACRO,
};

enum sk_filter_rhs {
	SK_RHS_NONE = 0, /* exists */
	SK_RHS_VALUE,	 /* one value */
	SK_RHS_LIST,	 /* ( ... ) */
	SK_RHS_LISTREF,	 /* identifier after a list operator: a list name */
	SK_RHS_FIELD,	 /* val(field) */
};

struct sk_filter_node {
	enum sk_filter_kind kind;
	uint32_t pos;		      /* offset of the node's first token */
	struct sk_filter_src *src;    /* reference held */
	struct sk_filter_node **kids; /* AND, OR: n >= 2; NOT: 1 */
	size_t nkids;
	/* CHECK */
	struct sk_filter_fexpr lhs;
	enum sk_filter_op op;
	uint32_t oppos;
	enum sk_filter_rhs rhs;
	struct sk_filter_val *vals; /* VALUE: 1, LIST: n, LISTREF: 1 (the name) */
	size_t nvals;
	struct sk_filter_fexpr rhs_field;
	/* MACRO */
	char *name;
};

/* sk_filter_parse - parse the whole text of `src` into a tree (which takes a
 * reference on src). On a syntax error returns -EINVAL, writes the message
 * (without position) into err and the byte offset into *ret_off. -ENOMEM on
 * allocation failure. */
int sk_filter_parse(struct sk_filter_src *src, struct sk_filter_node **ret, char *err,
		    size_t errlen, size_t *ret_off);

/* sk_filter_parse_fexpr - parse a lone field expression ("proc.aname[2]",
 * "tolower(proc.name)") as used by exception `fields`. Returns 0 or -EINVAL
 * with a message. */
int sk_filter_parse_fexpr(const char *text, struct sk_filter_fexpr *ret, char *err, size_t errlen);

/* sk_filter_parse_op - an operator word ("=", "in", "pmatch"...), or SK_OP_NONE. */
enum sk_filter_op sk_filter_parse_op(const char *text);

/* sk_filter_unescape - resolve the escapes of a quoted string's body
 * (\" \' \\ \/ \b \f \n \r \t, and "\ " read as a lone backslash as
 * libsinsp does; others stay as written) from in[0..len) into
 * out (room for len + 1 bytes, may not overlap). Returns the length. */
size_t sk_filter_unescape(const char *in, size_t len, char *out);

/* sk_filter_free - free a tree; NULL is a no-op. */
void sk_filter_free(struct sk_filter_node *n);

/* sk_filter_clone - deep copy (sources are shared). NULL on ENOMEM. */
struct sk_filter_node *sk_filter_clone(const struct sk_filter_node *n);

/* sk_filter_fexpr_fini / sk_filter_fexpr_copy - free / deep copy a field
 * expression. copy returns 0 or -ENOMEM. */
void sk_filter_fexpr_fini(struct sk_filter_fexpr *f);
int sk_filter_fexpr_copy(struct sk_filter_fexpr *dst, const struct sk_filter_fexpr *src);

/* sk_filter_node_new - an empty node of `kind` at `pos` of src (reference
 * taken when src is not NULL). NULL on ENOMEM. */
struct sk_filter_node *sk_filter_node_new(enum sk_filter_kind kind, struct sk_filter_src *src,
					  uint32_t pos);

/* sk_filter_node_add - append a child to an AND/OR/NOT node (takes it).
 * Returns 0 or -ENOMEM (the child is then freed). */
int sk_filter_node_add(struct sk_filter_node *n, struct sk_filter_node *kid);

/* sk_filter_node_add_val - append a value (text copied). 0 or -ENOMEM. */
int sk_filter_node_add_val(struct sk_filter_node *n, const char *s, size_t len, uint32_t pos,
			   bool quoted);

/* sk_filter_to_string - the tree as condition text with full parentheses,
 * for tests and debugging. malloc'd, NULL on ENOMEM. */
char *sk_filter_to_string(const struct sk_filter_node *n);

/* sk_filter_op_name / sk_filter_xform_name - the words as written. */
const char *sk_filter_op_name(enum sk_filter_op op);
const char *sk_filter_xform_name(int xf);

/* ---- compiled conditions --------------------------------------------- */

struct sk_filter;

/* Result of compiling a tree. */
struct sk_filter_cerr {
	int rc;				   /* -ENOENT unknown field, -EINVAL otherwise */
	const struct sk_filter_node *node; /* where (borrowed from the tree) */
	uint32_t off;			   /* byte offset in node->src */
	bool unknown_field;
	char msg[512];
};

/* sk_filter_compile - resolve fields for `source` through the registry,
 * check that every operator fits its field's type, pre-parse constants.
 * The tree must have no macro references left (expand them first). On
 * error returns negative errno and fills *cerr. *ret is owned by the caller
 * (sk_filter_destroy). The registry must outlive the compiled filter. */
int sk_filter_compile(const struct sk_filter_node *tree, const struct sk_fields *fields,
		      const char *source, struct sk_filter **ret, struct sk_filter_cerr *cerr);

/* sk_filter_eval - evaluate against one event. Short-circuit; allocates
 * nothing in the steady state. Not thread-safe (scratch buffers live in the
 * filter). */
bool sk_filter_eval(struct sk_filter *f, const struct sk_event *ev);

/* Shared extraction: filters bound to one cache extract each field (with
 * its argument) once per event and reuse a copy for every other check, of
 * any of those filters, that asks for it. The caller marks each new event
 * with sk_filter_cache_next() before evaluating. Single-threaded, like the
 * filters. The cache must outlive the filters bound to it. */
struct sk_filter_cache;

/* sk_filter_cache_create - an empty cache, or NULL (ENOMEM). */
struct sk_filter_cache *sk_filter_cache_create(void);

/* sk_filter_cache_destroy - free; NULL is a no-op. */
void sk_filter_cache_destroy(struct sk_filter_cache *c);

/* sk_filter_cache_next - a new event: values taken so far are stale. */
void sk_filter_cache_next(struct sk_filter_cache *c);

/* sk_filter_use_cache - bind a compiled filter's extractions to the cache.
 * Returns 0 or -ENOMEM (the filter then still works, partly uncached). */
int sk_filter_use_cache(struct sk_filter *f, struct sk_filter_cache *c);

/* sk_filter_destroy - free; NULL is a no-op. */
void sk_filter_destroy(struct sk_filter *f);

/* sk_filter_evttypes - the event types the tree can match, from
 * `evt.type = X` / `evt.type in (...)` checks (and their negations), using
 * the registry's lookup for `source`. Returns 1 with a malloc'd sorted array
 * of the types (ret_types, ret_n) when restricted, 0 when it may match every
 * type (or more than half of them, as with `evt.type != X`), or -ENOMEM.
 * Unknown names add no types. The set is sound: an event of another type
 * never matches the tree. */
int sk_filter_evttypes(const struct sk_filter_node *tree, const struct sk_fields *fields,
		       const char *source, uint16_t **ret_types, size_t *ret_n);

#endif /* SK_CORE_RULES_FILTER_H */
