/* common/hash_test.c - FNV-1a with the engine's offset basis: known values,
 * so table layouts cannot change by accident. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hash.h"

static void test_empty_is_basis(void **state)
{
	assert_true(sk_hash_fnv1a("", 0) == SK_HASH_FNV1A_BASIS);
	(void)state;
}

/* Values of the loop the rules engine had in fields.c and compile.c. */
static void test_same_as_before(void **state)
{
	static const struct {
		const char *key;
		uint64_t hash;
	} known[] = {
	    {"proc.name", 0x9ee62f25481178bcull}, {"fd.name", 0xb29c2c73d94dfc1eull},
	    {"evt.type", 0x61fd239a561581c2ull},  {"\xff\x80 high bytes", 0x922a00aa07dba693ull},
	    {"a", 0x44bd8ad473cd9906ull},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const char *k = known[i].key;
		assert_true(sk_hash_fnv1a(k, strlen(k)) == known[i].hash);
	}
	(void)state;
}

static void test_length_counts(void **state)
{
	assert_true(sk_hash_fnv1a("abc", 2) == sk_hash_fnv1a("ab", 2));
	assert_true(sk_hash_fnv1a("abc", 3) != sk_hash_fnv1a("ab", 2));
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_is_basis),
	    cmocka_unit_test(test_same_as_before),
	    cmocka_unit_test(test_length_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
