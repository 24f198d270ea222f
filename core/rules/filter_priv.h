/* core/rules/filter_priv.h - what the files of the condition compiler and
 * evaluator share: the compiled filter's structures (checks and their
 * constants, the node tree, the per-event value cache) and the constant
 * parsers and sets of filter_values.c. Private to core/rules/; the public
 * API is filter.h.
 */
#ifndef SK_CORE_RULES_FILTER_PRIV_H
#define SK_CORE_RULES_FILTER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rules/filter.h"

#define EVT_TYPE_FIELD "evt.type"

/* comparison classes */
enum ctype {
	CT_STR = 1, /* STRING, BYTES */
	CT_U64,	    /* U64, ABSTIME, RELTIME, PORT */
	CT_I64,
	CT_BOOL,
	CT_IP, /* IPADDR, IPNET */
};

/* one extracted value shared by every check that asks for the same field
 * and argument during one event (see struct sk_filter_cache) */
struct cslot {
	struct cslot *next;
	const struct sk_field_def *def;
	struct sk_field_req req; /* req.arg_key points to key */
	char *key;
	uint64_t stamp; /* the cache's stamp when the value was taken */
	bool ok;	/* a value was extracted */
	struct sk_value v;
	char *buf; /* copies of the value's strings, grows */
	size_t cap;
	struct sk_value *items; /* copies of list items, grows */
	size_t icap;
};

struct sk_filter_cache {
	uint64_t stamp; /* one per event */
	struct cslot *slots;
};

struct xfield {
	struct sk_field_ref ref;
	uint32_t vtype; /* value type after transformers */
	bool vlist;	/* list after transformers */
	uint8_t xforms[SK_FILTER_MAX_XFORM];
	uint8_t nxforms;
	char *buf; /* transformer scratch, grows */
	size_t cap;
	struct cslot *slot; /* shared value, or NULL: extract directly */
	const struct sk_filter_cache *cache;
};

struct strset {
	const char **keys;
	uint32_t *lens;
	uint32_t *slots; /* index + 1 */
	size_t mask;
	size_t n;
};

struct numset {
	uint64_t *v; /* sorted; i64 stored as u64 bit patterns with sign flip */
	size_t n;
};

struct ipset {
	struct sk_ip *v;
	size_t n;
};

/* Fields read on every evaluation come first, so that a check touches as
 * few cache lines as possible; the rest is ordered by use. */
struct check {
	/* evt.type compared with names: a bitmap of numeric types, tested
	 * against the record's type without extracting anything */
	uint64_t *tbits;
	uint32_t tmax; /* bits in tbits */
	enum sk_filter_op op;
	enum ctype ct;
	bool has_rhs; /* val(field) */
	bool pmatch_root; /* pmatch list holds "/" */
	bool b;
	struct xfield lhs;
	/* constant */
	char *str; /* STRING ops (lower-cased for icontains/iglob), hex-decoded for b* */
	size_t slen;
	uint64_t u;
	int64_t i;
	struct strset sset;
	struct numset nset;
	struct ipset iset;
	struct sk_ip ip;
	pcre2_code *re;	      /* regex: compiled, JIT-compiled when possible */
	pcre2_code *re_ascii; /* regex: the same without UTF-8 mode, for ASCII values */
	pcre2_match_data *md; /* regex: reused by every evaluation */
	struct rebuf *rb;     /* regex: a value with invalid UTF-8, repaired */
	struct xfield rhs;    /* val(field) */
};

/* A growable buffer for regex subjects that need repair; its own allocation
 * because evaluation sees the check as const. */
struct rebuf {
	char *p;
	size_t cap;
};

enum { CN_AND = 1, CN_OR, CN_NOT, CN_CHECK };

/* One allocation per node: the children's pointers follow the node. */
struct cnode {
	int kind;
	size_t n;
	struct check *chk;
	struct cnode *kids[];
};

struct sk_filter {
	struct cnode *root;
};

/* ---- filter_values.c: constants and sets --------------------------------- */

int sk_fval_strset_build(struct strset *s, const char *const *keys, const size_t *lens, size_t n);
bool sk_fval_strset_has(const struct strset *s, const char *key, size_t len);
void sk_fval_strset_fini(struct strset *s);
int sk_fval_cmp_u64(const void *a, const void *b);
bool sk_fval_numset_has(const struct numset *s, uint64_t v);
bool sk_fval_parse_u64(const char *s, uint64_t *ret);
bool sk_fval_parse_i64(const char *s, int64_t *ret);
bool sk_fval_parse_bool(const char *s, bool *ret);
bool sk_fval_parse_ip(const char *s, struct sk_ip *ret);
bool sk_fval_ip_in_net(const struct sk_ip *a, const struct sk_ip *net);
bool sk_fval_ip_equal(const struct sk_ip *a, const struct sk_ip *b);
bool sk_fval_parse_hex(const char *s, size_t len, char **ret, size_t *ret_len);

#endif /* SK_CORE_RULES_FILTER_PRIV_H */
