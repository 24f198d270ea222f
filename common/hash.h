/* common/hash.h - FNV-1a, 64 bits, for hash tables keyed by strings (field
 * names, value sets). Not for anything that needs to resist attackers.
 */
#ifndef SK_COMMON_HASH_H
#define SK_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The offset basis the engine has always used: one digit short of FNV's
 * published 14695981039346656037. Kept so that table layouts (and so the
 * order of anything iterated from them) stay as they were. */
#define SK_HASH_FNV1A_BASIS 1469598103934665603ull
#define SK_HASH_FNV1A_PRIME 1099511628211ull

/* sk_hash_fnv1a - the hash of n bytes at p. Inline: it sits on the rules'
 * per-event path (value sets, field lookups), where a call costs ~1% of
 * the evaluation's instructions. */
static inline uint64_t sk_hash_fnv1a(const void *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	uint64_t h = SK_HASH_FNV1A_BASIS;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= SK_HASH_FNV1A_PRIME;
	}
	return h;
}

#endif /* SK_COMMON_HASH_H */
