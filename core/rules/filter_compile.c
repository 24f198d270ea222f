/* core/rules/filter_compile.c - compiles a condition tree into an
 * evaluable filter: fields resolved through the registry, operators checked
 * against field types, constants pre-parsed (numbers, addresses and
 * networks, hash sets for in/intersects, prefix sets for pmatch, globs,
 * PCRE2 regexes JIT-compiled with their match data), `evt.type`
 * comparisons turned into bitmaps; and freeing a compiled filter.
 * Evaluation is filter_eval.c's, the constants and sets filter_values.c's.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/filter_priv.h"

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
	sk_fval_strset_fini(&c->sset);
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
			if (!sk_fval_parse_hex(v->s, v->len, &c->str, &c->slen)) {
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
		if (!sk_fval_parse_u64(v->s, &c->u)) {
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
		if (!sk_fval_parse_i64(v->s, &c->i)) {
			return cerr_set(e, -EINVAL, n, v->pos,
					"'%s' is not a valid int64 value for field '%s'", v->s,
					fname);
		}
		return 0;
	case CT_BOOL:
		if (!sk_fval_parse_bool(v->s, &c->b)) {
			return cerr_set(e, -EINVAL, n, v->pos,
					"'%s' is not a valid bool value (true or false) for field "
					"'%s'",
					v->s, fname);
		}
		return 0;
	case CT_IP:
		if (!sk_fval_parse_ip(v->s, &c->ip)) {
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
		rc = sk_fval_strset_build(&c->sset, keys, lens, k);
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
			if (!sk_fval_parse_ip(n->vals[i].s, &c->iset.v[i])) {
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
	qsort(c->nset.v, nv, sizeof(*c->nset.v), sk_fval_cmp_u64);
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

void sk_filter_destroy(struct sk_filter *f)
{
	if (!f) {
		return;
	}
	cnode_free(f->root);
	free(f);
}
