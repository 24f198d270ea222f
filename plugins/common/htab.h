/* plugins/common/htab.h - a hash table from u64 keys to pointers (open
 * addressing, linear probing, backward-shift deletion). Used for the thread
 * table (key: tid), the per-process fd tables (key: fd number) and the
 * container plugin's caches. Not thread-safe. */
#ifndef SK_PLUGINS_COMMON_HTAB_H
#define SK_PLUGINS_COMMON_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct sk_htab_slot {
	uint64_t key;
	void *val; /* NULL: empty slot */
};

struct sk_htab {
	struct sk_htab_slot *slots;
	size_t cap; /* power of two, or 0 */
	size_t n;
};

/* sk_htab_init - an empty table (no allocation). */
void sk_htab_init(struct sk_htab *h);

/* sk_htab_fini - free the slots (not the values). NULL-safe. */
void sk_htab_fini(struct sk_htab *h);

/* sk_htab_get - the value stored under key, or NULL. */
void *sk_htab_get(const struct sk_htab *h, uint64_t key);

/* sk_htab_put - store val (non-NULL) under key, replacing any previous value,
 * which is returned in *ret_old (NULL when there was none; ret_old may be
 * NULL). Returns 0 or -ENOMEM. */
int sk_htab_put(struct sk_htab *h, uint64_t key, void *val, void **ret_old);

/* sk_htab_del - remove key; returns its value or NULL. */
void *sk_htab_del(struct sk_htab *h, uint64_t key);

/* Iterate: for (size_t i = 0; i < h->cap; i++) if (h->slots[i].val) ...
 * Do not insert while iterating; sk_htab_del() while iterating may move a
 * later entry into the current slot, so re-check slot i after deleting. */

#endif /* SK_PLUGINS_COMMON_HTAB_H */
