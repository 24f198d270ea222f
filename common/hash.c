/* common/hash.c - FNV-1a, 64 bits (see hash.h). */
#include "config.h"

#include "hash.h"

uint64_t sk_hash_fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = SK_HASH_FNV1A_BASIS;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= SK_HASH_FNV1A_PRIME;
	}
	return h;
}
