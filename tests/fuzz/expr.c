/* tests/fuzz/expr.c - fuzz target: a rule condition alone through the
 * condition parser (lexer, operators, lists, transformers), the tree printer
 * and clone, the event-type finder and the compiler (fields resolved against
 * the syscall plugin's table, constants, regexes, sets). */
#include "config.h"

#include "fz_syscall.h"
#include "rules/filter.h"

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
	struct sk_filter_src *src = sk_filter_src_create((const char *)data, size);
	struct sk_filter_node *tree = NULL;
	char err[512];
	size_t off = 0;
	if (src == NULL) {
		return 0;
	}
	if (sk_filter_parse(src, &tree, err, sizeof(err), &off) == 0) {
		free(sk_filter_to_string(tree));
		struct sk_filter_node *copy = sk_filter_clone(tree);
		sk_filter_free(copy);
		uint16_t *types = NULL;
		size_t ntypes = 0;
		(void)sk_filter_evttypes(tree, fields, "syscall", &types, &ntypes);
		free(types);
		struct sk_filter *f = NULL;
		struct sk_filter_cerr cerr;
		memset(&cerr, 0, sizeof(cerr));
		if (sk_filter_compile(tree, fields, "syscall", &f, &cerr) == 0) {
			sk_filter_destroy(f);
		}
		sk_filter_free(tree);
	}
	sk_filter_src_unref(src);
	/* a lone field expression, as exception `fields` take them */
	char *text = fz_strdup(data, size);
	struct sk_filter_fexpr fx;
	memset(&fx, 0, sizeof(fx));
	if (text != NULL) {
		(void)sk_filter_parse_fexpr(text, &fx, err, sizeof(err));
		sk_filter_fexpr_fini(&fx);
	}
	free(text);
	return 0;
}
