/* tests/fuzz/rules.c - fuzz target: a rules file (YAML text) through the
 * loader and the compiler, as `shrike -V FILE` does: lists, macros, rules,
 * exceptions, append/override, conditions and outputs compiled against the
 * syscall plugin's fields. Every diagnostic is read back; nothing is
 * evaluated. */
#include "config.h"

#include "fz_syscall.h"
#include "rules/engine.h"

static struct sk_fields *fields;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fields = fz_syscall_setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_strdup(data, size);
	struct sk_rules *r = text ? sk_rules_create(fields) : NULL;
	if (r == NULL) {
		free(text);
		return 0;
	}
	if (sk_rules_load_string(r, "fuzz.yaml", text) == 0) {
		(void)sk_rules_compile(r);
	}
	size_t len = 0;
	for (size_t i = 0; i < sk_rules_diag_count(r); i++) {
		len += strlen(sk_rules_diag_at(r, i)->msg);
	}
	for (size_t i = 0; i < sk_rules_count(r); i++) {
		const struct sk_rule *rule = sk_rules_at(r, i);
		len += rule->name ? strlen(rule->name) : 0;
	}
	(void)len;
	sk_rules_destroy(r);
	free(text);
	return 0;
}
