/* core/rules/filter_evttypes.c - the event types a condition tree can
 * match (from its evt.type comparisons through and/or/not), for the
 * ruleset's index by event type.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/filter_priv.h"

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
