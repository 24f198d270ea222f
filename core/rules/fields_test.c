/* core/rules/fields_test.c - unit tests of the field registry: registration
 * from a real plugin table, lookup with arguments, suggestions, sources,
 * event-type lookups. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rules/fields.h"
#include "rules/test_extractor.h"

static int setup(void **state)
{
	struct sk_fields *f = sk_fields_create();
	char err[256];
	assert_non_null(f);
	assert_int_equal(sk_fields_add_plugin(f, &tx_plugin, NULL, err, sizeof(err)), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	sk_fields_destroy(*state);
	return 0;
}

static void test_find(void **state)
{
	struct sk_fields *f = *state;
	const char *suffix = "x";
	const struct sk_field_def *d = sk_fields_find(f, "syscall", "proc.name", &suffix);
	assert_non_null(d);
	assert_string_equal(d->field->name, "proc.name");
	assert_int_equal(d->field->type, SK_TYPE_STRING);
	assert_ptr_equal(d->plugin, &tx_plugin);
	assert_null(suffix);
	assert_null(sk_fields_find(f, "syscall", "proc.nam", NULL));
	assert_null(sk_fields_find(f, "k8s_audit", "proc.name", NULL));
	assert_non_null(sk_fields_find(f, NULL, "proc.name", NULL));
	/* evt.arg.name: the key-argument spelling */
	d = sk_fields_find(f, "syscall", "evt.arg.flags", &suffix);
	assert_non_null(d);
	assert_string_equal(d->field->name, "evt.arg");
	assert_string_equal(suffix, "flags");
	/* proc.name takes no key: no prefix match */
	assert_null(sk_fields_find(f, "syscall", "proc.name.x", NULL));
	assert_int_equal(sk_fields_count(f), 24);
	assert_string_equal(sk_fields_at(f, 0)->field->name, "evt.type");
	assert_null(sk_fields_at(f, 24));
}

static void test_resolve_args(void **state)
{
	struct sk_fields *f = *state;
	struct sk_field_ref r;
	char err[256];
	assert_int_equal(sk_fields_resolve(f, "syscall", "proc.aname", "2", &r, err, sizeof(err)),
			 0);
	assert_true(r.req.has_index);
	assert_int_equal(r.req.arg_index, 2);
	assert_string_equal(r.req.arg_key, "2");
	assert_int_equal(r.req.field_idx, 11);
	sk_field_ref_fini(&r);

	assert_int_equal(sk_fields_resolve(f, "syscall", "proc.env", "HOME", &r, err, sizeof(err)),
			 0);
	assert_false(r.req.has_index);
	assert_string_equal(r.req.arg_key, "HOME");
	struct sk_field_ref c;
	assert_int_equal(sk_field_ref_copy(&c, &r), 0);
	assert_ptr_not_equal(c.arg, r.arg);
	assert_string_equal(c.req.arg_key, "HOME");
	sk_field_ref_fini(&c);
	sk_field_ref_fini(&r);

	assert_int_equal(sk_fields_resolve(f, "syscall", "evt.arg.fd", NULL, &r, err, sizeof(err)),
			 0);
	assert_string_equal(r.req.arg_key, "fd");
	sk_field_ref_fini(&r);
	assert_int_equal(sk_fields_resolve(f, "syscall", "evt.arg", "0", &r, err, sizeof(err)), 0);
	assert_true(r.req.has_index);
	sk_field_ref_fini(&r);

	assert_int_equal(
	    sk_fields_resolve(f, "syscall", "proc.aname", "HOME", &r, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "field 'proc.aname' needs a numeric argument, not 'HOME'");
	assert_int_equal(sk_fields_resolve(f, "syscall", "proc.name", "1", &r, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "field 'proc.name' does not take an argument");
	assert_int_equal(sk_fields_resolve(f, "syscall", "evt.arg", NULL, &r, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "field 'evt.arg' requires an argument: evt.arg[...]");
	assert_int_equal(sk_fields_resolve(f, "syscall", "proc.env", "", &r, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "field 'proc.env' has an empty argument");
}

static void test_suggest(void **state)
{
	struct sk_fields *f = *state;
	struct sk_field_ref r;
	char err[256];
	assert_int_equal(sk_fields_resolve(f, "syscall", "proc.nmae", NULL, &r, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "unknown field 'proc.nmae' (did you mean 'proc.name'?)");
	assert_int_equal(sk_fields_resolve(f, "syscall", "zzz.qqqqq", NULL, &r, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "unknown field 'zzz.qqqqq'");
	assert_string_equal(sk_fields_suggest(f, "syscall", "fd.nam"), "fd.name");
	/* hidden fields are never suggested */
	const char *s = sk_fields_suggest(f, "syscall", "proc.hidde");
	assert_true(s == NULL || strcmp(s, "proc.hidden") != 0);
	assert_int_equal(sk_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(sk_edit_distance("", "abc"), 3);
	assert_int_equal(sk_edit_distance("abc", "abc"), 0);
}

static void test_duplicates_and_sources(void **state)
{
	struct sk_fields *f = *state;
	char err[256];
	assert_int_equal(sk_fields_add_plugin(f, &tx_plugin, NULL, err, sizeof(err)), -EEXIST);
	assert_string_equal(err,
			    "plugin 'tx': field 'evt.type' is already provided by plugin 'tx'");
	/* the same names for another source are fine */
	assert_int_equal(sk_fields_add_plugin(f, &tx_plugin_other, NULL, err, sizeof(err)), 0);
	const struct sk_field_def *d = sk_fields_find(f, "other", "proc.name", NULL);
	assert_non_null(d);
	assert_ptr_equal(d->plugin, &tx_plugin_other);
	d = sk_fields_find(f, "syscall", "proc.name", NULL);
	assert_ptr_equal(d->plugin, &tx_plugin);

	struct sk_plugin nox = tx_plugin;
	nox.extract = NULL; /* not an extractor */
	assert_int_equal(sk_fields_add_plugin(f, &nox, NULL, err, sizeof(err)), -EINVAL);

	assert_true(sk_fields_has_source(f, "anything"));
	assert_int_equal(sk_fields_add_source(f, "syscall"), 0);
	assert_int_equal(sk_fields_add_source(f, "syscall"), 0);
	assert_true(sk_fields_has_source(f, "syscall"));
	assert_false(sk_fields_has_source(f, "k8s_audit"));
}

static void test_evttypes(void **state)
{
	struct sk_fields *f = *state;
	uint16_t t[4];
	/* from the plugin's event_names */
	assert_int_equal(sk_fields_evttypes(f, "syscall", "open", t, 4), 2);
	assert_int_equal(t[0], TX_EVT_OPEN);
	assert_int_equal(sk_fields_evttypes(f, "syscall", "execve", t, 1), 1);
	assert_int_equal(t[0], TX_EVT_EXECVE);
	assert_int_equal(sk_fields_evttypes(f, "other", "open", t, 4), -ENOENT);
	/* replaced by an explicit lookup */
	assert_int_equal(sk_fields_set_evttypes(f, "syscall", tx_evttypes, NULL), 0);
	assert_int_equal(sk_fields_evttypes(f, "syscall", "open", t, 4), 2);
	assert_int_equal(t[0], TX_EVT_OPEN);
	assert_int_equal(t[1], TX_EVT_OPEN_X);
	assert_int_equal(sk_fields_evttypes(f, "syscall", "nope", t, 4), 0);
	assert_string_equal(sk_type_name(SK_TYPE_IPNET), "ipnet");
}

static void test_evttypes_all_sources(void **state)
{
	struct sk_fields *f = sk_fields_create();
	struct sk_plugin any = tx_plugin;
	struct sk_extract_ops anyx = *tx_plugin.extract;
	char err[256];
	uint16_t t[4];
	anyx.sources = NULL; /* fields for every source */
	any.extract = &anyx;
	assert_int_equal(sk_fields_add_plugin(f, &any, NULL, err, sizeof(err)), 0);
	assert_non_null(sk_fields_find(f, "k8s_audit", "proc.name", NULL));
	/* its event names describe syscall events */
	assert_int_equal(sk_fields_evttypes(f, "syscall", "execve", t, 4), 1);
	assert_int_equal(sk_fields_evttypes(f, "k8s_audit", "execve", t, 4), -ENOENT);
	sk_fields_destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_find, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resolve_args, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_suggest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_duplicates_and_sources, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_evttypes, setup, teardown),
	    cmocka_unit_test(test_evttypes_all_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
