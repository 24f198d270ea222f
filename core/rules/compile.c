/* core/rules/compile.c - compiles a condition tree into an evaluable filter:
 * fields resolved through the registry, operators checked against field
 * types, constants pre-parsed (numbers, addresses and networks, hash sets
 * for in/intersects, prefix sets for pmatch, globs, PCRE2 regexes
 * JIT-compiled with their match data); and the evaluator, which
 * short-circuits and allocates nothing per event once its scratch buffers
 * have grown. Also computes the event types a tree can
 * match.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "lib/utf8.h"
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

/* ---- errors ------------------------------------------------------------ */

static int cerr_set(struct sk_filter_cerr *e, int rc, const struct sk_filter_node *n, uint32_t off,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int cerr_set(struct sk_filter_cerr *e, int rc, const struct sk_filter_node *n, uint32_t off,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->rc = rc;
	e->node = n;
	e->off = off;
	return rc;
}

/* ---- sets -------------------------------------------------------------- */

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* build the set from n malloc'd keys, which it takes (duplicates are freed
 * at once); on -ENOMEM the caller still owns them all */
static int strset_build(struct strset *s, const char *const *keys, const size_t *lens, size_t n)
{
	size_t nslots = 8;
	while (nslots < n * 2) {
		nslots *= 2;
	}
	s->slots = calloc(nslots, sizeof(*s->slots));
	s->keys = calloc(n ? n : 1, sizeof(*s->keys));
	s->lens = calloc(n ? n : 1, sizeof(*s->lens));
	if (!s->slots || !s->keys || !s->lens) {
		return -ENOMEM;
	}
	s->mask = nslots - 1;
	for (size_t i = 0; i < n; i++) {
		size_t slot = hash_bytes(keys[i], lens[i]) & s->mask;
		bool dup = false;
		while (s->slots[slot]) {
			uint32_t k = s->slots[slot] - 1;
			if (s->lens[k] == lens[i] && memcmp(s->keys[k], keys[i], lens[i]) == 0) {
				dup = true;
				break;
			}
			slot = (slot + 1) & s->mask;
		}
		if (dup) {
			free((char *)keys[i]);
			continue;
		}
		s->keys[s->n] = keys[i];
		s->lens[s->n] = (uint32_t)lens[i];
		s->slots[slot] = (uint32_t)++s->n;
	}
	return 0;
}

static bool strset_has(const struct strset *s, const char *key, size_t len)
{
	for (size_t slot = hash_bytes(key, len) & s->mask;; slot = (slot + 1) & s->mask) {
		uint32_t v = s->slots[slot];
		if (!v) {
			return false;
		}
		if (s->lens[v - 1] == len && memcmp(s->keys[v - 1], key, len) == 0) {
			return true;
		}
	}
}

static void strset_fini(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free((char *)s->keys[i]);
	}
	free(s->keys);
	free(s->lens);
	free(s->slots);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static bool numset_has(const struct numset *s, uint64_t v)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->v[mid] == v) {
			return true;
		}
		if (s->v[mid] < v) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return false;
}

/* ---- constants --------------------------------------------------------- */

static bool parse_u64(const char *s, uint64_t *ret)
{
	if (!*s || *s == '-' || isspace((unsigned char)*s)) {
		return false;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end) {
		return false;
	}
	*ret = v;
	return true;
}

static bool parse_i64(const char *s, int64_t *ret)
{
	if (!*s || isspace((unsigned char)*s)) {
		return false;
	}
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || *end) {
		return false;
	}
	*ret = v;
	return true;
}

static bool parse_bool(const char *s, bool *ret)
{
	if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0) {
		*ret = true;
		return true;
	}
	if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0) {
		*ret = false;
		return true;
	}
	return false;
}

/* "1.2.3.4", "::1", "10.0.0.0/8", "fe80::/10" */
static bool parse_ip(const char *s, struct sk_ip *ret)
{
	char buf[64];
	size_t l = strlen(s);
	if (l >= sizeof(buf)) {
		return false;
	}
	memcpy(buf, s, l + 1);
	char *slash = strchr(buf, '/');
	long prefix = -1;
	if (slash) {
		*slash = '\0';
		char *end;
		if (!slash[1]) {
			return false;
		}
		prefix = strtol(slash + 1, &end, 10);
		if (*end || prefix < 0) {
			return false;
		}
	}
	memset(ret, 0, sizeof(*ret));
	if (inet_pton(AF_INET, buf, ret->addr) == 1) {
		ret->family = 4;
		if (prefix > 32) {
			return false;
		}
		ret->prefix = (uint8_t)(prefix < 0 ? 32 : prefix);
		return true;
	}
	if (inet_pton(AF_INET6, buf, ret->addr) == 1) {
		ret->family = 6;
		if (prefix > 128) {
			return false;
		}
		ret->prefix = (uint8_t)(prefix < 0 ? 128 : prefix);
		return true;
	}
	return false;
}

/* whether address `a` lies in network `net` (prefix bits equal) */
static bool ip_in_net(const struct sk_ip *a, const struct sk_ip *net)
{
	if (a->family != net->family) {
		return false;
	}
	unsigned bits = net->prefix;
	unsigned full = bits / 8;
	if (memcmp(a->addr, net->addr, full) != 0) {
		return false;
	}
	if (bits % 8) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
		return (a->addr[full] & mask) == (net->addr[full] & mask);
	}
	return true;
}

static bool ip_equal(const struct sk_ip *a, const struct sk_ip *b)
{
	size_t n = a->family == 4 ? 4 : 16;
	return a->family == b->family && memcmp(a->addr, b->addr, n) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* hex text to bytes (malloc'd); false on bad input */
static bool parse_hex(const char *s, size_t len, char **ret, size_t *ret_len)
{
	if (len % 2) {
		return false;
	}
	char *out = malloc(len / 2 + 1);
	if (!out) {
		return false;
	}
	for (size_t i = 0; i < len; i += 2) {
		int h = hexval(s[i]), l = hexval(s[i + 1]);
		if (h < 0 || l < 0) {
			free(out);
			return false;
		}
		out[i / 2] = (char)(h * 16 + l);
	}
	out[len / 2] = '\0';
	*ret = out;
	*ret_len = len / 2;
	return true;
}

/* ---- type rules -------------------------------------------------------- */

static enum ctype ctype_of(uint32_t t)
{
	switch (t) {
	case SK_TYPE_STRING:
	case SK_TYPE_BYTES:
		return CT_STR;
	case SK_TYPE_U64:
	case SK_TYPE_ABSTIME:
	case SK_TYPE_RELTIME:
	case SK_TYPE_PORT:
		return CT_U64;
	case SK_TYPE_I64:
		return CT_I64;
	case SK_TYPE_BOOL:
		return CT_BOOL;
	case SK_TYPE_IPADDR:
	case SK_TYPE_IPNET:
		return CT_IP;
	default:
		return 0;
	}
}

static bool op_fits(enum ctype ct, enum sk_filter_op op)
{
	if (op == SK_OP_EXISTS) {
		return true;
	}
	switch (ct) {
	case CT_STR:
		return true;
	case CT_U64:
	case CT_I64:
		return op == SK_OP_EQ || op == SK_OP_NE || op == SK_OP_LT || op == SK_OP_LE ||
		       op == SK_OP_GT || op == SK_OP_GE || op == SK_OP_IN || op == SK_OP_INTERSECTS;
	case CT_BOOL:
	case CT_IP:
		return op == SK_OP_EQ || op == SK_OP_NE || op == SK_OP_IN || op == SK_OP_INTERSECTS;
	}
	return false;
}

static bool is_set_op(enum sk_filter_op op)
{
	return op == SK_OP_IN || op == SK_OP_INTERSECTS || op == SK_OP_PMATCH;
}

/* ---- fields ------------------------------------------------------------ */

static void xfield_fini(struct xfield *x)
{
	sk_field_ref_fini(&x->ref);
	free(x->buf);
}

static int xfield_resolve(struct xfield *x, const struct sk_filter_fexpr *fe,
			  const struct sk_filter_node *n, const struct sk_fields *fields,
			  const char *source, struct sk_filter_cerr *e)
{
	char msg[400];
	int rc = sk_fields_resolve(fields, source, fe->name, fe->arg, &x->ref, msg, sizeof(msg));
	if (rc) {
		if (rc == -ENOMEM) {
			return cerr_set(e, rc, n, fe->pos, "out of memory");
		}
		cerr_set(e, rc, n, fe->pos, "%s", msg);
		e->unknown_field = rc == -ENOENT;
		return rc;
	}
	const struct sk_field *f = x->ref.def->field;
	x->vtype = f->type;
	x->vlist = (f->flags & SK_FIELD_LIST) != 0;
	memcpy(x->xforms, fe->xforms, sizeof(x->xforms));
	x->nxforms = fe->nxforms;
	for (unsigned i = 0; i < fe->nxforms; i++) {
		int xf = fe->xforms[i];
		if (xf == SK_XF_LEN) {
			if (!x->vlist && ctype_of(x->vtype) != CT_STR) {
				return cerr_set(e, -EINVAL, n, fe->xpos,
						"transformer 'len' needs a string or list field, "
						"'%s' is %s",
						f->name, sk_type_name(x->vtype));
			}
			x->vtype = SK_TYPE_U64;
			x->vlist = false;
			continue;
		}
		if (x->vlist || ctype_of(x->vtype) != CT_STR) {
			return cerr_set(e, -EINVAL, n, fe->xpos,
					"transformer '%s' needs a string field, '%s' is %s%s",
					sk_filter_xform_name(xf), f->name,
					x->vlist ? "a list of " : "", sk_type_name(x->vtype));
		}
	}
	return 0;
}

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(unsigned char c)
{
	const char *p = c ? strchr(b64_chars, c) : NULL;
	return p ? (int)(p - b64_chars) : -1;
}

static bool ensure_buf(struct xfield *x, size_t need)
{
	if (need <= x->cap) {
		return true;
	}
	size_t cap = x->cap ? x->cap : 256;
	while (cap < need) {
		cap *= 2;
	}
	char *b = realloc(x->buf, cap);
	if (!b) {
		return false;
	}
	x->buf = b;
	x->cap = cap;
	return true;
}

/* apply the transformers to v in place; false: no value */
static bool apply_xforms(struct xfield *x, struct sk_value *v)
{
	for (unsigned i = 0; i < x->nxforms; i++) {
		int xf = x->xforms[i];
		if (v->type == SK_TYPE_LIST && xf != SK_XF_LEN) {
			return false; /* several values: only len() applies */
		}
		if (xf == SK_XF_LEN) {
			uint64_t l = v->type == SK_TYPE_LIST ? v->list.n : v->str.len;
			v->type = SK_TYPE_U64;
			v->u64 = l;
			continue;
		}
		const char *s = v->str.ptr;
		size_t len = v->str.len;
		if (xf == SK_XF_BASENAME) {
			const char *slash = memrchr(s, '/', len);
			if (slash) {
				v->str.ptr = slash + 1;
				v->str.len = (uint32_t)(len - (size_t)(slash + 1 - s));
			}
			continue;
		}
		if (s != x->buf && !ensure_buf(x, len + 1)) {
			return false;
		}
		char *out = x->buf;
		size_t n = 0;
		if (xf == SK_XF_TOLOWER || xf == SK_XF_TOUPPER) {
			for (size_t k = 0; k < len; k++) {
				unsigned char c = (unsigned char)s[k];
				out[k] = (char)(xf == SK_XF_TOLOWER ? tolower(c) : toupper(c));
			}
			n = len;
		} else { /* b64 */
			unsigned acc = 0;
			int bits = 0;
			for (size_t k = 0; k < len; k++) {
				unsigned char c = (unsigned char)s[k];
				if (c == '=') {
					break;
				}
				int d = b64_val(c);
				if (d < 0) {
					return false; /* not base64: no value */
				}
				acc = (acc << 6) | (unsigned)d;
				bits += 6;
				if (bits >= 8) {
					bits -= 8;
					out[n++] = (char)((acc >> bits) & 0xff);
				}
			}
		}
		out[n] = '\0';
		v->str.ptr = out;
		v->str.len = (uint32_t)n;
	}
	return true;
}

/* copy a value's borrowed memory into the slot (the plugin's memory lasts
 * only until its next extract()); false when memory runs out */
static bool slot_keep(struct cslot *s, const struct sk_value *in)
{
	size_t bytes = 0, nitems = in->type == SK_TYPE_LIST ? in->list.n : 0;
	if (in->type == SK_TYPE_STRING || in->type == SK_TYPE_BYTES) {
		bytes = (size_t)in->str.len + 1;
	}
	for (size_t i = 0; i < nitems; i++) {
		const struct sk_value *it = &in->list.items[i];
		if (it->type == SK_TYPE_STRING || it->type == SK_TYPE_BYTES) {
			bytes += (size_t)it->str.len + 1;
		}
	}
	if (bytes > s->cap) {
		size_t cap = s->cap ? s->cap : 64;
		while (cap < bytes) {
			cap *= 2;
		}
		char *b = realloc(s->buf, cap);
		if (!b) {
			return false;
		}
		s->buf = b;
		s->cap = cap;
	}
	if (nitems > s->icap) {
		struct sk_value *it = realloc(s->items, nitems * sizeof(*it));
		if (!it) {
			return false;
		}
		s->items = it;
		s->icap = nitems;
	}
	s->v = *in;
	char *p = s->buf;
	if (in->type == SK_TYPE_STRING || in->type == SK_TYPE_BYTES) {
		memcpy(p, in->str.ptr, in->str.len);
		p[in->str.len] = '\0';
		s->v.str.ptr = p;
		return true;
	}
	for (size_t i = 0; i < nitems; i++) {
		s->items[i] = in->list.items[i];
		if (s->items[i].type == SK_TYPE_STRING || s->items[i].type == SK_TYPE_BYTES) {
			memcpy(p, s->items[i].str.ptr, s->items[i].str.len);
			p[s->items[i].str.len] = '\0';
			s->items[i].str.ptr = p;
			p += s->items[i].str.len + 1;
		}
	}
	if (in->type == SK_TYPE_LIST) {
		s->v.list.items = s->items;
	}
	return true;
}

static bool extract(struct xfield *x, const struct sk_event *ev, struct sk_value *v)
{
	const struct sk_field_def *d = x->ref.def;
	struct cslot *s = x->slot;
	if (s) {
		if (s->stamp != x->cache->stamp) {
			struct sk_value tmp;
			memset(&tmp, 0, sizeof(tmp));
			s->stamp = x->cache->stamp;
			s->ok = d->ops->extract(d->inst, ev, &s->req, &tmp) == SK_OK &&
				tmp.type != SK_TYPE_NONE && slot_keep(s, &tmp);
		}
		if (!s->ok) {
			return false;
		}
		*v = s->v;
	} else {
		if (d->ops->extract(d->inst, ev, &x->ref.req, v) != SK_OK) {
			return false;
		}
		if (v->type == SK_TYPE_NONE) {
			return false;
		}
	}
	return x->nxforms ? apply_xforms(x, v) : true;
}

struct sk_filter_cache *sk_filter_cache_create(void)
{
	struct sk_filter_cache *c = calloc(1, sizeof(*c));
	if (c) {
		c->stamp = 1;
	}
	return c;
}

void sk_filter_cache_destroy(struct sk_filter_cache *c)
{
	if (!c) {
		return;
	}
	while (c->slots) {
		struct cslot *n = c->slots->next;
		free(c->slots->key);
		free(c->slots->buf);
		free(c->slots->items);
		free(c->slots);
		c->slots = n;
	}
	free(c);
}

void sk_filter_cache_next(struct sk_filter_cache *c)
{
	c->stamp++;
}

static bool same_req(const struct sk_field_ref *a, const struct cslot *s)
{
	if (a->def != s->def || a->req.has_index != s->req.has_index ||
	    (a->req.has_index && a->req.arg_index != s->req.arg_index)) {
		return false;
	}
	if (!a->req.arg_key || !s->req.arg_key) {
		return a->req.arg_key == s->req.arg_key;
	}
	return strcmp(a->req.arg_key, s->req.arg_key) == 0;
}

static int bind_slot(struct xfield *x, struct sk_filter_cache *c)
{
	struct cslot *s;
	for (s = c->slots; s; s = s->next) {
		if (same_req(&x->ref, s)) {
			break;
		}
	}
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s) {
			return -ENOMEM;
		}
		s->def = x->ref.def;
		s->req = x->ref.req;
		if (x->ref.req.arg_key) {
			s->key = strdup(x->ref.req.arg_key);
			if (!s->key) {
				free(s);
				return -ENOMEM;
			}
			s->req.arg_key = s->key;
		}
		s->next = c->slots;
		c->slots = s;
	}
	x->slot = s;
	x->cache = c;
	return 0;
}

/* ---- compile one check ------------------------------------------------- */

static void check_free(struct check *c)
{
	if (!c) {
		return;
	}
	xfield_fini(&c->lhs);
	xfield_fini(&c->rhs);
	free(c->str);
	pcre2_match_data_free(c->md);
	pcre2_code_free(c->re);
	pcre2_code_free(c->re_ascii);
	if (c->rb) {
		free(c->rb->p);
		free(c->rb);
	}
	strset_fini(&c->sset);
	free(c->tbits);
	free(c->nset.v);
	free(c->iset.v);
	free(c);
}

static bool str_icase(enum sk_filter_op op)
{
	return op == SK_OP_ICONTAINS || op == SK_OP_IGLOB;
}

/* A `regex` constant: PCRE2 with RE2's (Falco's) syntax. Like libsinsp
 * (RE2::Match with ANCHOR_BOTH) it matches the whole value, in UTF-8 (`.`
 * is one character). As in Falco's engine 0.63, a value's invalid UTF-8 is
 * replaced by U+FFFD before matching (regex_match), so such a value can
 * still match ("bar.baz" matches "bar\xffbaz"); a pattern that is not
 * valid UTF-8 itself is refused. JIT-compiled here when the platform
 * allows, else interpreted; the match data is made once so evaluation
 * allocates nothing unless a value needs repair. PCRE2's default limits
 * stay (10 million backtracking steps, 32 KiB of JIT stack): a value that
 * exceeds them does not match. */
static int compile_regex(struct check *c, const struct sk_filter_node *n,
			 const struct sk_filter_val *v, struct sk_filter_cerr *e)
{
	int err;
	PCRE2_SIZE erroff;
	c->re = pcre2_compile((PCRE2_SPTR)v->s, v->len,
			      PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_DOLLAR_ENDONLY,
			      &err,
			      &erroff, NULL);
	if (!c->re) {
		if (err == PCRE2_ERROR_NOMEMORY) {
			return cerr_set(e, -ENOMEM, n, v->pos, "out of memory");
		}
		PCRE2_UCHAR m[200];
		if (pcre2_get_error_message(err, m, sizeof(m)) < 0) {
			snprintf((char *)m, sizeof(m), "PCRE2 error %d", err);
		}
		return cerr_set(e, -EINVAL, n, v->pos,
				"invalid regex '%s': %s at offset %zu of the pattern", v->s,
				(const char *)m, (size_t)erroff);
	}
	/* JIT unavailable (or out of memory for it): the interpreter matches
	 * the same, pcre2_match picks whichever exists */
	(void)pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
	/* On an all-ASCII value the pattern matches the same without UTF-8
	 * mode (no character of the value is wider than a byte, \w and (?i)
	 * are ASCII either way), and PCRE2 is faster so; a pattern that only
	 * compiles in UTF-8 mode (\x{100}) always uses that mode. */
	c->re_ascii = pcre2_compile((PCRE2_SPTR)v->s, v->len,
				    PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_DOLLAR_ENDONLY, &err,
				    &erroff, NULL);
	if (c->re_ascii) {
		(void)pcre2_jit_compile(c->re_ascii, PCRE2_JIT_COMPLETE);
	}
	c->md = pcre2_match_data_create_from_pattern(c->re, NULL);
	c->rb = calloc(1, sizeof(*c->rb));
	if (!c->md || !c->rb) {
		return cerr_set(e, -ENOMEM, n, v->pos, "out of memory");
	}
	return 0;
}

/* one constant for a scalar comparison */
static int compile_const(struct check *c, const struct sk_filter_node *n,
			 const struct sk_filter_val *v, uint32_t ftype, const char *fname,
			 struct sk_filter_cerr *e)
{
	switch (c->ct) {
	case CT_STR:
		if (c->op == SK_OP_BCONTAINS || c->op == SK_OP_BSTARTSWITH) {
			if (!parse_hex(v->s, v->len, &c->str, &c->slen)) {
				return cerr_set(e, -EINVAL, n, v->pos,
						"'%s' needs hexadecimal bytes (e.g. 'cafe01'), "
						"not '%s'",
						sk_filter_op_name(c->op), v->s);
			}
			return 0;
		}
		if (memchr(v->s, '\0', v->len) != NULL && ftype != SK_TYPE_BYTES) {
			/* as in Falco: text values end at a NUL byte */
			return cerr_set(e, -EINVAL, n, v->pos,
					"\\x00 (a NUL byte) can only be matched in byte-buffer "
					"fields such as evt.buffer, not in '%s' (%s)",
					fname, sk_type_name(ftype));
		}
		c->str = malloc(v->len + 1);
		if (!c->str) {
			return cerr_set(e, -ENOMEM, n, v->pos, "out of memory");
		}
		memcpy(c->str, v->s, v->len + 1);
		c->slen = v->len;
		if (str_icase(c->op)) {
			for (size_t k = 0; k < c->slen; k++) {
				c->str[k] = (char)tolower((unsigned char)c->str[k]);
			}
		}
		if (c->op == SK_OP_REGEX) {
			return compile_regex(c, n, v, e);
		}
		return 0;
	case CT_U64:
		if (!parse_u64(v->s, &c->u)) {
			return cerr_set(e, -EINVAL, n, v->pos,
					"'%s' is not a valid %s value for field '%s'", v->s,
					sk_type_name(ftype), fname);
		}
		if (ftype == SK_TYPE_PORT && c->u > 65535) {
			return cerr_set(e, -EINVAL, n, v->pos,
					"'%s' is not a valid port for field '%s'", v->s, fname);
		}
		return 0;
	case CT_I64:
		if (!parse_i64(v->s, &c->i)) {
			return cerr_set(e, -EINVAL, n, v->pos,
					"'%s' is not a valid int64 value for field '%s'", v->s,
					fname);
		}
		return 0;
	case CT_BOOL:
		if (!parse_bool(v->s, &c->b)) {
			return cerr_set(e, -EINVAL, n, v->pos,
					"'%s' is not a valid bool value (true or false) for field "
					"'%s'",
					v->s, fname);
		}
		return 0;
	case CT_IP:
		if (!parse_ip(v->s, &c->ip)) {
			return cerr_set(e, -EINVAL, n, v->pos,
					"'%s' is not a valid IP address or network for field '%s'",
					v->s, fname);
		}
		return 0;
	}
	return -EINVAL;
}

/* the set for in/intersects/pmatch */
static int compile_set(struct check *c, const struct sk_filter_node *n, uint32_t ftype,
		       const char *fname, struct sk_filter_cerr *e)
{
	size_t nv = n->nvals;
	if (c->op == SK_OP_PMATCH || c->ct == CT_STR) {
		const char **keys = calloc(nv ? nv : 1, sizeof(*keys));
		size_t *lens = calloc(nv ? nv : 1, sizeof(*lens));
		size_t k = 0;
		int rc = 0;
		if (!keys || !lens) {
			rc = -ENOMEM;
			goto sout;
		}
		for (size_t i = 0; i < nv; i++) {
			size_t l = n->vals[i].len;
			if (c->op == SK_OP_PMATCH) {
				while (l > 0 && n->vals[i].s[l - 1] == '/') {
					l--;
				}
				if (l == 0 && n->vals[i].len > 0) {
					c->pmatch_root = true;
					continue;
				}
			}
			char *s = strndup(n->vals[i].s, l);
			if (!s) {
				rc = -ENOMEM;
				goto sout;
			}
			keys[k] = s;
			lens[k++] = l;
		}
		rc = strset_build(&c->sset, keys, lens, k);
		if (rc == 0) {
			k = 0; /* the set owns the keys now */
		}
	sout:
		for (size_t i = 0; i < k; i++) {
			free((char *)keys[i]);
		}
		free(keys);
		free(lens);
		if (rc) {
			return cerr_set(e, rc, n, n->pos, "out of memory");
		}
		return 0;
	}
	if (c->ct == CT_IP) {
		c->iset.v = calloc(nv ? nv : 1, sizeof(*c->iset.v));
		if (!c->iset.v) {
			return cerr_set(e, -ENOMEM, n, n->pos, "out of memory");
		}
		for (size_t i = 0; i < nv; i++) {
			if (!parse_ip(n->vals[i].s, &c->iset.v[i])) {
				return cerr_set(
				    e, -EINVAL, n, n->vals[i].pos,
				    "'%s' is not a valid IP address or network for field "
				    "'%s'",
				    n->vals[i].s, fname);
			}
		}
		c->iset.n = nv;
		return 0;
	}
	c->nset.v = calloc(nv ? nv : 1, sizeof(*c->nset.v));
	if (!c->nset.v) {
		return cerr_set(e, -ENOMEM, n, n->pos, "out of memory");
	}
	for (size_t i = 0; i < nv; i++) {
		struct check tmp = {.op = SK_OP_EQ, .ct = c->ct};
		int rc = compile_const(&tmp, n, &n->vals[i], ftype, fname, e);
		if (rc) {
			return rc;
		}
		c->nset.v[i] = c->ct == CT_U64	 ? tmp.u
			       : c->ct == CT_I64 ? (uint64_t)tmp.i
						 : (uint64_t)tmp.b;
	}
	qsort(c->nset.v, nv, sizeof(*c->nset.v), cmp_u64);
	c->nset.n = nv;
	return 0;
}

/* `evt.type = X`, `!= X`, `in (...)`: a bitmap of the numeric types the
 * source's lookup gives for the names (see sk_fields_evttypes) */
static int compile_evttype(struct check *c, const struct sk_filter_node *n,
			   const struct sk_fields *fields, const char *source,
			   struct sk_filter_cerr *e)
{
	if (strcmp(n->lhs.name, EVT_TYPE_FIELD) != 0 || n->lhs.nxforms || n->lhs.arg ||
	    (n->rhs != SK_RHS_VALUE && n->rhs != SK_RHS_LIST) ||
	    !(c->op == SK_OP_EQ || c->op == SK_OP_IN || c->op == SK_OP_INTERSECTS)) {
		/* != keeps extracting: a type without a name has no value, and
		 * then != is false like every comparison */
		return 0;
	}
	uint16_t probe;
	if (sk_fields_evttypes(fields, source, "", &probe, 1) < 0) {
		return 0; /* the source names no event types */
	}
	uint32_t max = 0;
	uint16_t types[64];
	for (size_t i = 0; i < n->nvals; i++) {
		int k = sk_fields_evttypes(fields, source, n->vals[i].s, types, 64);
		for (int j = 0; j < k && j < 64; j++) {
			if ((uint32_t)types[j] + 1 > max) {
				max = (uint32_t)types[j] + 1;
			}
		}
	}
	size_t words = (max + 63) / 64;
	c->tbits = calloc(words ? words : 1, sizeof(uint64_t));
	if (!c->tbits) {
		return cerr_set(e, -ENOMEM, n, n->pos, "out of memory");
	}
	c->tmax = max;
	for (size_t i = 0; i < n->nvals; i++) {
		int k = sk_fields_evttypes(fields, source, n->vals[i].s, types, 64);
		for (int j = 0; j < k && j < 64; j++) {
			c->tbits[types[j] / 64] |= 1ull << (types[j] % 64);
		}
	}
	return 0;
}

/* tell_constants - hand the constants of a compiled comparison to the
 * field's extractor when it asks for them (plugin.h, field_constants). */
static int tell_constants(const struct check *c, const struct sk_filter_node *n,
			  struct sk_filter_cerr *e)
{
	const struct sk_field_def *d = c->lhs.ref.def;
	if (d->ops->field_constants == NULL || n->nvals == 0) {
		return 0;
	}
	const char **vals = calloc(n->nvals, sizeof(*vals));
	if (vals == NULL) {
		return cerr_set(e, -ENOMEM, n, n->pos, "out of memory");
	}
	for (size_t i = 0; i < n->nvals; i++) {
		vals[i] = n->vals[i].s;
	}
	d->ops->field_constants(d->inst, &c->lhs.ref.req, vals, n->nvals);
	free(vals);
	return 0;
}

static int compile_check(const struct sk_filter_node *n, const struct sk_fields *fields,
			 const char *source, struct check **ret, struct sk_filter_cerr *e)
{
	struct check *c = calloc(1, sizeof(*c));
	int rc;
	if (!c) {
		return cerr_set(e, -ENOMEM, n, n->pos, "out of memory");
	}
	c->op = n->op;
	rc = xfield_resolve(&c->lhs, &n->lhs, n, fields, source, e);
	if (rc) {
		goto out;
	}
	const char *fname = c->lhs.ref.def->field->name;
	uint32_t ftype = c->lhs.vtype;
	c->ct = ctype_of(ftype);
	const char *opname = sk_filter_op_name(c->op);
	if (!op_fits(c->ct, c->op)) {
		rc = cerr_set(e, -EINVAL, n, n->oppos,
			      "operator '%s' is not supported for field '%s' of type %s", opname,
			      fname, sk_type_name(ftype));
		goto out;
	}
	if ((c->op == SK_OP_GLOB || c->op == SK_OP_IGLOB || c->op == SK_OP_REGEX ||
	     c->op == SK_OP_PMATCH) &&
	    ftype == SK_TYPE_BYTES) {
		rc = cerr_set(e, -EINVAL, n, n->oppos,
			      "operator '%s' is not supported for field '%s' of type bytes", opname,
			      fname);
		goto out;
	}
	switch (n->rhs) {
	case SK_RHS_NONE:
		if (c->op != SK_OP_EXISTS) {
			rc = cerr_set(e, -EINVAL, n, n->oppos, "operator '%s' needs a value",
				      opname);
		}
		break;
	case SK_RHS_FIELD:
		if (is_set_op(c->op) || c->op == SK_OP_GLOB || c->op == SK_OP_IGLOB ||
		    c->op == SK_OP_REGEX || c->op == SK_OP_BCONTAINS ||
		    c->op == SK_OP_BSTARTSWITH) {
			rc = cerr_set(e, -EINVAL, n, n->oppos,
				      "operator '%s' cannot compare with another field", opname);
			break;
		}
		rc = xfield_resolve(&c->rhs, &n->rhs_field, n, fields, source, e);
		if (rc) {
			break;
		}
		enum ctype rct = ctype_of(c->rhs.vtype);
		bool nums =
		    (rct == CT_U64 || rct == CT_I64) && (c->ct == CT_U64 || c->ct == CT_I64);
		if ((rct != c->ct && !nums) || c->rhs.vlist || c->lhs.vlist) {
			rc = cerr_set(e, -EINVAL, n, n->rhs_field.xpos,
				      "cannot compare field '%s' (%s%s) with field '%s' (%s%s)",
				      fname, c->lhs.vlist ? "list of " : "", sk_type_name(ftype),
				      c->rhs.ref.def->field->name, c->rhs.vlist ? "list of " : "",
				      sk_type_name(c->rhs.vtype));
			break;
		}
		c->has_rhs = true;
		break;
	case SK_RHS_VALUE:
		if (is_set_op(c->op)) {
			/* a single value after a list operator: a one-element list */
			rc = compile_set(c, n, ftype, fname, e);
		} else {
			rc = compile_const(c, n, &n->vals[0], ftype, fname, e);
		}
		break;
	case SK_RHS_LIST:
		if (!is_set_op(c->op)) {
			rc = cerr_set(e, -EINVAL, n, n->oppos,
				      "operator '%s' takes a single value, not a list", opname);
			break;
		}
		rc = compile_set(c, n, ftype, fname, e);
		break;
	case SK_RHS_LISTREF:
		rc = cerr_set(e, -EINVAL, n, n->vals[0].pos, "undefined list '%s'", n->vals[0].s);
		break;
	}
	if (!rc) {
		rc = compile_evttype(c, n, fields, source, e);
	}
	if (!rc && (n->rhs == SK_RHS_VALUE || n->rhs == SK_RHS_LIST)) {
		rc = tell_constants(c, n, e);
	}
out:
	if (rc) {
		check_free(c);
		return rc;
	}
	*ret = c;
	return 0;
}

static void cnode_free(struct cnode *c)
{
	if (!c) {
		return;
	}
	for (size_t i = 0; i < c->n; i++) {
		cnode_free(c->kids[i]);
	}
	check_free(c->chk);
	free(c);
}

static int compile_node(const struct sk_filter_node *n, const struct sk_fields *fields,
			const char *source, struct cnode **ret, struct sk_filter_cerr *e)
{
	bool inner = n->kind == SK_FN_AND || n->kind == SK_FN_OR || n->kind == SK_FN_NOT;
	struct cnode *c =
	    calloc(1, sizeof(*c) + (inner ? n->nkids : 0) * sizeof(c->kids[0]));
	int rc = 0;
	if (!c) {
		return cerr_set(e, -ENOMEM, n, n->pos, "out of memory");
	}
	switch (n->kind) {
	case SK_FN_AND:
	case SK_FN_OR:
	case SK_FN_NOT:
		c->kind = n->kind == SK_FN_AND ? CN_AND : n->kind == SK_FN_OR ? CN_OR : CN_NOT;
		for (size_t i = 0; i < n->nkids && !rc; i++) {
			rc = compile_node(n->kids[i], fields, source, &c->kids[i], e);
			if (!rc) {
				c->n++;
			}
		}
		break;
	case SK_FN_CHECK:
		c->kind = CN_CHECK;
		rc = compile_check(n, fields, source, &c->chk, e);
		break;
	case SK_FN_MACRO:
		rc = cerr_set(e, -EINVAL, n, n->pos, "undefined macro '%s'", n->name);
		break;
	}
	if (rc) {
		cnode_free(c);
		return rc;
	}
	*ret = c;
	return 0;
}

int sk_filter_compile(const struct sk_filter_node *tree, const struct sk_fields *fields,
		      const char *source, struct sk_filter **ret, struct sk_filter_cerr *cerr)
{
	memset(cerr, 0, sizeof(*cerr));
	struct sk_filter *f = calloc(1, sizeof(*f));
	if (!f) {
		return cerr_set(cerr, -ENOMEM, tree, 0, "out of memory");
	}
	int rc = compile_node(tree, fields, source, &f->root, cerr);
	if (rc) {
		free(f);
		return rc;
	}
	*ret = f;
	return 0;
}

static int use_cache(struct cnode *n, struct sk_filter_cache *c)
{
	for (size_t i = 0; i < n->n; i++) {
		int rc = use_cache(n->kids[i], c);
		if (rc) {
			return rc;
		}
	}
	if (!n->chk || n->chk->tbits) {
		return 0;
	}
	int rc = bind_slot(&n->chk->lhs, c);
	if (!rc && n->chk->has_rhs) {
		rc = bind_slot(&n->chk->rhs, c);
	}
	return rc;
}

int sk_filter_use_cache(struct sk_filter *f, struct sk_filter_cache *c)
{
	return use_cache(f->root, c);
}

void sk_filter_destroy(struct sk_filter *f)
{
	if (!f) {
		return;
	}
	cnode_free(f->root);
	free(f);
}

/* ---- evaluation -------------------------------------------------------- */

static bool icontains(const char *h, size_t hl, const char *needle, size_t nl)
{
	if (nl == 0) {
		return true;
	}
	if (nl > hl) {
		return false;
	}
	for (size_t i = 0; i + nl <= hl; i++) {
		size_t k = 0;
		while (k < nl && tolower((unsigned char)h[i + k]) == (unsigned char)needle[k]) {
			k++;
		}
		if (k == nl) {
			return true;
		}
	}
	return false;
}

/* the path or one of its parent directories is in the set */
static bool pmatch(const struct check *c, const char *s, size_t l)
{
	if (c->pmatch_root && l > 0 && s[0] == '/') {
		return true;
	}
	while (l > 0 && s[l - 1] == '/') {
		l--;
	}
	for (size_t i = 1; i <= l; i++) {
		if ((i == l || s[i] == '/') && strset_has(&c->sset, s, i)) {
			return true;
		}
	}
	return false;
}

static int cmp3_u(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp3_i(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static bool ordered(enum sk_filter_op op, int c)
{
	switch (op) {
	case SK_OP_EQ:
		return c == 0;
	case SK_OP_NE:
		return c != 0;
	case SK_OP_LT:
		return c < 0;
	case SK_OP_LE:
		return c <= 0;
	case SK_OP_GT:
		return c > 0;
	case SK_OP_GE:
		return c >= 0;
	default:
		return false;
	}
}

static int memcmp3(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	if (c) {
		return c < 0 ? -1 : 1;
	}
	return al < bl ? -1 : al > bl;
}

/* regex_match - the check's regex against (s, l), invalid UTF-8 replaced by
 * U+FFFD first (Falco's engine 0.63); a repair that cannot get memory does
 * not match. */
static bool regex_match(const struct check *c, const char *s, size_t l)
{
	size_t ascii = sk_utf8_ascii_prefix(s, l);
	if (ascii == l && c->re_ascii) {
		return pcre2_match(c->re_ascii, (PCRE2_SPTR)s, l, 0, 0, c->md, NULL) >= 0;
	}
	size_t ok = ascii + sk_utf8_valid_prefix(s + ascii, l - ascii);
	if (ok < l) {
		struct rebuf *b = c->rb;
		if (3 * l > b->cap) {
			char *p = realloc(b->p, 3 * l);
			if (!p) {
				return false;
			}
			b->p = p;
			b->cap = 3 * l;
		}
		memcpy(b->p, s, ok);
		l = ok + sk_utf8_sanitize(s + ok, l - ok, b->p + ok);
		s = b->p;
	}
	return pcre2_match(c->re, (PCRE2_SPTR)s, l, 0, PCRE2_NO_UTF_CHECK, c->md, NULL) >= 0;
}

/* string comparison of value (s, l) against (k, kl) */
static bool str_match(const struct check *c, enum sk_filter_op op, const char *s, size_t l,
		      const char *k, size_t kl)
{
	switch (op) {
	case SK_OP_EQ:
	case SK_OP_NE:
	case SK_OP_LT:
	case SK_OP_LE:
	case SK_OP_GT:
	case SK_OP_GE:
		return ordered(op, memcmp3(s, l, k, kl));
	case SK_OP_CONTAINS:
	case SK_OP_BCONTAINS:
		return kl == 0 || memmem(s, l, k, kl) != NULL;
	case SK_OP_ICONTAINS:
		return icontains(s, l, k, kl);
	case SK_OP_STARTSWITH:
	case SK_OP_BSTARTSWITH:
		return l >= kl && memcmp(s, k, kl) == 0;
	case SK_OP_ENDSWITH:
		return l >= kl && memcmp(s + l - kl, k, kl) == 0;
	case SK_OP_GLOB:
		return fnmatch(k, s, 0) == 0;
	case SK_OP_IGLOB:
		return fnmatch(k, s, FNM_CASEFOLD) == 0;
	case SK_OP_REGEX:
		return regex_match(c, s, l);
	case SK_OP_IN:
	case SK_OP_INTERSECTS:
		return strset_has(&c->sset, s, l);
	case SK_OP_PMATCH:
		return pmatch(c, s, l);
	default:
		return false;
	}
}

/* a number of either signedness, widened */
static __int128 num_wide(const struct sk_value *v)
{
	return v->type == SK_TYPE_I64 ? (__int128)v->i64 : (__int128)v->u64;
}

static int cmp3_w(__int128 a, __int128 b)
{
	return a < b ? -1 : a > b;
}

/* one scalar value against the constant (or rhs value) with operator op */
static bool match_one(const struct check *c, enum sk_filter_op op, const struct sk_value *v,
		      const struct sk_value *r)
{
	switch (c->ct) {
	case CT_STR:
		if (r) {
			return str_match(c, op, v->str.ptr, v->str.len, r->str.ptr, r->str.len);
		}
		return str_match(c, op, v->str.ptr, v->str.len, c->str, c->slen);
	case CT_U64:
		if (op == SK_OP_IN || op == SK_OP_INTERSECTS) {
			return numset_has(&c->nset, v->u64);
		}
		if (r) {
			return ordered(op, cmp3_w(num_wide(v), num_wide(r)));
		}
		return ordered(op, cmp3_u(v->u64, c->u));
	case CT_I64:
		if (op == SK_OP_IN || op == SK_OP_INTERSECTS) {
			return numset_has(&c->nset, (uint64_t)v->i64);
		}
		if (r) {
			return ordered(op, cmp3_w(num_wide(v), num_wide(r)));
		}
		return ordered(op, cmp3_i(v->i64, c->i));
	case CT_BOOL:
		if (op == SK_OP_IN || op == SK_OP_INTERSECTS) {
			return numset_has(&c->nset, (uint64_t)v->b);
		}
		return ordered(op, (r ? r->b : c->b) == v->b ? 0 : 1);
	case CT_IP:
		if (op == SK_OP_IN || op == SK_OP_INTERSECTS) {
			for (size_t i = 0; i < c->iset.n; i++) {
				if (ip_in_net(&v->ip, &c->iset.v[i])) {
					return true;
				}
			}
			return false;
		}
		if (r) {
			return ordered(op, ip_equal(&v->ip, &r->ip) ? 0 : 1);
		}
		return ordered(op, ip_in_net(&v->ip, &c->ip) ? 0 : 1);
	}
	return false;
}

static bool eval_check(struct check *c, const struct sk_event *ev)
{
	if (c->tbits) {
		uint32_t t = ev->rec->type;
		bool in = t < c->tmax && (c->tbits[t / 64] >> (t % 64)) & 1;
		return in;
	}
	struct sk_value v;
	if (!extract(&c->lhs, ev, &v)) {
		return false;
	}
	if (c->op == SK_OP_EXISTS) {
		return true;
	}
	if (v.type == SK_TYPE_LIST) {
		/* several values: a list field, or a field with several values
		 * at once (fd.ip: client and server; proc.aname without an
		 * index: every ancestor) */
		if (c->has_rhs || v.list.n == 0) {
			return false;
		}
		if (c->op == SK_OP_IN && c->lhs.vlist) {
			/* a list field is `in` a set when every item is */
			for (uint32_t i = 0; i < v.list.n; i++) {
				if (!match_one(c, c->op, &v.list.items[i], NULL)) {
					return false;
				}
			}
			return true;
		}
		if (c->op == SK_OP_NE) {
			/* != holds when no value equals */
			for (uint32_t i = 0; i < v.list.n; i++) {
				if (match_one(c, SK_OP_EQ, &v.list.items[i], NULL)) {
					return false;
				}
			}
			return true;
		}
		for (uint32_t i = 0; i < v.list.n; i++) {
			if (match_one(c, c->op, &v.list.items[i], NULL)) {
				return true;
			}
		}
		return false;
	}
	if (!c->has_rhs) {
		return match_one(c, c->op, &v, NULL);
	}
	/* the lhs value may point into plugin memory that the next extract()
	 * call replaces: keep strings in the lhs scratch */
	if (c->ct == CT_STR && v.str.ptr != c->lhs.buf) {
		if (!ensure_buf(&c->lhs, (size_t)v.str.len + 1)) {
			return false;
		}
		memcpy(c->lhs.buf, v.str.ptr, v.str.len);
		c->lhs.buf[v.str.len] = '\0';
		v.str.ptr = c->lhs.buf;
	}
	struct sk_value r;
	if (!extract(&c->rhs, ev, &r) || r.type == SK_TYPE_LIST) {
		return false;
	}
	return match_one(c, c->op, &v, &r);
}

static bool eval_node(struct cnode *n, const struct sk_event *ev)
{
	switch (n->kind) {
	case CN_AND:
		for (size_t i = 0; i < n->n; i++) {
			if (!eval_node(n->kids[i], ev)) {
				return false;
			}
		}
		return true;
	case CN_OR:
		for (size_t i = 0; i < n->n; i++) {
			if (eval_node(n->kids[i], ev)) {
				return true;
			}
		}
		return false;
	case CN_NOT:
		return !eval_node(n->kids[0], ev);
	default:
		return eval_check(n->chk, ev);
	}
}

bool sk_filter_eval(struct sk_filter *f, const struct sk_event *ev)
{
	return eval_node(f->root, ev);
}

/* ---- event types ------------------------------------------------------- */

#define NTYPES 65536u
#define NWORDS (NTYPES / 64u)

/* a set of event types; NULL bits means every type */
struct tset {
	uint64_t *bits;
};

static void tset_free(struct tset *t)
{
	free(t->bits);
	t->bits = NULL;
}

static int tset_complement(struct tset *t)
{
	if (!t->bits) {
		/* complement of "any" may still be "any" for an unrelated check:
		 * callers only complement sets from evt.type checks */
		return 0;
	}
	for (size_t i = 0; i < NWORDS; i++) {
		t->bits[i] = ~t->bits[i];
	}
	return 0;
}

/* a = a op b, b freed; op: 0 intersection, 1 union */
static void tset_combine(struct tset *a, struct tset *b, int uni)
{
	if (uni) {
		if (!a->bits || !b->bits) {
			tset_free(a);
		} else {
			for (size_t i = 0; i < NWORDS; i++) {
				a->bits[i] |= b->bits[i];
			}
		}
	} else {
		if (!a->bits) {
			a->bits = b->bits;
			b->bits = NULL;
		} else if (b->bits) {
			for (size_t i = 0; i < NWORDS; i++) {
				a->bits[i] &= b->bits[i];
			}
		}
	}
	tset_free(b);
}

static int tset_dup(const struct tset *src, struct tset *dst)
{
	dst->bits = NULL;
	if (!src->bits) {
		return 0;
	}
	dst->bits = malloc(NWORDS * sizeof(uint64_t));
	if (!dst->bits) {
		return -ENOMEM;
	}
	memcpy(dst->bits, src->bits, NWORDS * sizeof(uint64_t));
	return 0;
}

/* T: types where the node may be true; F: where it may be false */
static int evt_sets(const struct sk_filter_node *n, const struct sk_fields *fields,
		    const char *source, struct tset *T, struct tset *F)
{
	T->bits = F->bits = NULL;
	switch (n->kind) {
	case SK_FN_CHECK: {
		bool typed = strcmp(n->lhs.name, EVT_TYPE_FIELD) == 0 && !n->lhs.nxforms &&
			     !n->lhs.arg && (n->rhs == SK_RHS_VALUE || n->rhs == SK_RHS_LIST) &&
			     (n->op == SK_OP_EQ || n->op == SK_OP_NE || n->op == SK_OP_IN ||
			      n->op == SK_OP_INTERSECTS);
		if (!typed) {
			return 0;
		}
		T->bits = calloc(NWORDS, sizeof(uint64_t));
		if (!T->bits) {
			return -ENOMEM;
		}
		for (size_t i = 0; i < n->nvals; i++) {
			uint16_t types[64];
			int k = sk_fields_evttypes(fields, source, n->vals[i].s, types, 64);
			if (k < 0) {
				tset_free(T);
				return 0; /* no lookup for this source */
			}
			for (int j = 0; j < k && j < 64; j++) {
				T->bits[types[j] / 64] |= 1ull << (types[j] % 64);
			}
		}
		if (tset_dup(T, F)) {
			tset_free(T);
			return -ENOMEM;
		}
		tset_complement(F);
		if (n->op == SK_OP_NE) {
			/* true on the other types; false on these and on types
			 * without a name (no value), which are not known here:
			 * anywhere */
			free(T->bits);
			T->bits = F->bits;
			F->bits = NULL;
		}
		return 0;
	}
	case SK_FN_NOT: {
		int rc = evt_sets(n->kids[0], fields, source, F, T);
		return rc;
	}
	case SK_FN_AND:
	case SK_FN_OR: {
		bool is_and = n->kind == SK_FN_AND;
		for (size_t i = 0; i < n->nkids; i++) {
			struct tset t, f;
			int rc = evt_sets(n->kids[i], fields, source, &t, &f);
			if (rc) {
				tset_free(T);
				tset_free(F);
				return rc;
			}
			if (i == 0) {
				*T = t;
				*F = f;
				continue;
			}
			/* and: T = T1 & T2, F = F1 | F2; or: the reverse */
			tset_combine(T, &t, is_and ? 0 : 1);
			tset_combine(F, &f, is_and ? 1 : 0);
		}
		return 0;
	}
	default:
		return 0;
	}
}

int sk_filter_evttypes(const struct sk_filter_node *tree, const struct sk_fields *fields,
		       const char *source, uint16_t **ret_types, size_t *ret_n)
{
	struct tset T, F;
	*ret_types = NULL;
	*ret_n = 0;
	int rc = evt_sets(tree, fields, source, &T, &F);
	tset_free(&F);
	if (rc) {
		return rc;
	}
	if (!T.bits) {
		return 0;
	}
	size_t cnt = 0;
	for (size_t i = 0; i < NWORDS; i++) {
		cnt += (size_t)__builtin_popcountll(T.bits[i]);
	}
	if (cnt > NTYPES / 2) {
		/* all but a few (evt.type != X): not worth an index entry each */
		tset_free(&T);
		return 0;
	}
	uint16_t *out = malloc((cnt ? cnt : 1) * sizeof(*out));
	if (!out) {
		tset_free(&T);
		return -ENOMEM;
	}
	size_t k = 0;
	for (uint32_t t = 0; t < NTYPES; t++) {
		if (T.bits[t / 64] & (1ull << (t % 64))) {
			out[k++] = (uint16_t)t;
		}
	}
	tset_free(&T);
	*ret_types = out;
	*ret_n = k;
	return 1;
}
