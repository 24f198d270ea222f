/* plugins/common/htab.c - u64 -> pointer hash table (see htab.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "htab.h"

static size_t hash_u64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return (size_t)k;
}

void sk_htab_init(struct sk_htab *h)
{
	h->slots = NULL;
	h->cap = 0;
	h->n = 0;
}

void sk_htab_fini(struct sk_htab *h)
{
	if (h == NULL) {
		return;
	}
	free(h->slots);
	sk_htab_init(h);
}

void *sk_htab_get(const struct sk_htab *h, uint64_t key)
{
	if (h->cap == 0) {
		return NULL;
	}
	size_t mask = h->cap - 1;
	for (size_t i = hash_u64(key) & mask;; i = (i + 1) & mask) {
		if (h->slots[i].val == NULL) {
			return NULL;
		}
		if (h->slots[i].key == key) {
			return h->slots[i].val;
		}
	}
}

static void insert_slot(struct sk_htab_slot *slots, size_t cap, uint64_t key, void *val)
{
	size_t mask = cap - 1;
	size_t i = hash_u64(key) & mask;
	while (slots[i].val != NULL) {
		i = (i + 1) & mask;
	}
	slots[i].key = key;
	slots[i].val = val;
}

static int grow(struct sk_htab *h)
{
	size_t ncap = h->cap ? h->cap * 2 : 16;
	struct sk_htab_slot *ns = calloc(ncap, sizeof(*ns));
	if (ns == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->cap; i++) {
		if (h->slots[i].val != NULL) {
			insert_slot(ns, ncap, h->slots[i].key, h->slots[i].val);
		}
	}
	free(h->slots);
	h->slots = ns;
	h->cap = ncap;
	return 0;
}

int sk_htab_put(struct sk_htab *h, uint64_t key, void *val, void **ret_old)
{
	if (ret_old != NULL) {
		*ret_old = NULL;
	}
	if (h->cap != 0) {
		size_t mask = h->cap - 1;
		for (size_t i = hash_u64(key) & mask; h->slots[i].val != NULL; i = (i + 1) & mask) {
			if (h->slots[i].key == key) {
				if (ret_old != NULL) {
					*ret_old = h->slots[i].val;
				}
				h->slots[i].val = val;
				return 0;
			}
		}
	}
	if ((h->n + 1) * 4 > h->cap * 3) {
		int r = grow(h);
		if (r < 0) {
			return r;
		}
	}
	insert_slot(h->slots, h->cap, key, val);
	h->n++;
	return 0;
}

void *sk_htab_del(struct sk_htab *h, uint64_t key)
{
	if (h->cap == 0) {
		return NULL;
	}
	size_t mask = h->cap - 1;
	size_t i = hash_u64(key) & mask;
	while (h->slots[i].val != NULL && h->slots[i].key != key) {
		i = (i + 1) & mask;
	}
	if (h->slots[i].val == NULL) {
		return NULL;
	}
	void *val = h->slots[i].val;
	h->slots[i].val = NULL;
	h->n--;
	/* backward-shift: move later entries of the run into the hole when
	 * their home slot allows it */
	size_t hole = i;
	for (size_t j = (i + 1) & mask; h->slots[j].val != NULL; j = (j + 1) & mask) {
		size_t home = hash_u64(h->slots[j].key) & mask;
		/* can j move to hole? yes if home is not in (hole, j] cyclically */
		int between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!between) {
			h->slots[hole] = h->slots[j];
			h->slots[j].val = NULL;
			hole = j;
		}
	}
	return val;
}
