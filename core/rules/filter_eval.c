/* core/rules/filter_eval.c - evaluates a compiled filter against an
 * event: field values extracted (once per event for all rules through the
 * per-event cache, struct sk_filter_cache) and transformed, compared with
 * the check's constants or another field, the tree walked with
 * short-circuits. Allocates nothing per event once its scratch buffers
 * have grown.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "rules/filter_priv.h"

/* ---- field values: transformers, extraction, the per-event cache --------- */

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
			s->ok = sk_fields_extract(d, ev, &s->req, &tmp) == SK_OK &&
				tmp.type != SK_TYPE_NONE && slot_keep(s, &tmp);
		}
		if (!s->ok) {
			return false;
		}
		*v = s->v;
	} else {
		if (sk_fields_extract(d, ev, &x->ref.req, v) != SK_OK) {
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
		if ((i == l || s[i] == '/') && sk_fval_strset_has(&c->sset, s, i)) {
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
		return sk_fval_strset_has(&c->sset, s, l);
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
			return sk_fval_numset_has(&c->nset, v->u64);
		}
		if (r) {
			return ordered(op, cmp3_w(num_wide(v), num_wide(r)));
		}
		return ordered(op, cmp3_u(v->u64, c->u));
	case CT_I64:
		if (op == SK_OP_IN || op == SK_OP_INTERSECTS) {
			return sk_fval_numset_has(&c->nset, (uint64_t)v->i64);
		}
		if (r) {
			return ordered(op, cmp3_w(num_wide(v), num_wide(r)));
		}
		return ordered(op, cmp3_i(v->i64, c->i));
	case CT_BOOL:
		if (op == SK_OP_IN || op == SK_OP_INTERSECTS) {
			return sk_fval_numset_has(&c->nset, (uint64_t)v->b);
		}
		return ordered(op, (r ? r->b : c->b) == v->b ? 0 : 1);
	case CT_IP:
		if (op == SK_OP_IN || op == SK_OP_INTERSECTS) {
			for (size_t i = 0; i < c->iset.n; i++) {
				if (sk_fval_ip_in_net(&v->ip, &c->iset.v[i])) {
					return true;
				}
			}
			return false;
		}
		if (r) {
			return ordered(op, sk_fval_ip_equal(&v->ip, &r->ip) ? 0 : 1);
		}
		return ordered(op, sk_fval_ip_in_net(&v->ip, &c->ip) ? 0 : 1);
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
