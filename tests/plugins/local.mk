# tests/plugins/local.mk - the plugin loader's tests: fixture plugins (built
# for `make check` only, never installed), the cmocka loader test, the
# exported-symbols check, the public header checks, the plugcheck tool and
# the out-of-tree build of examples/sample against an installed tree.

# Fixtures follow the module rules unless breaking them is their point.
SK_FIXTURE_LDFLAGS = -module -rpath $(abs_builddir) $(SK_MODULE_FLAGS)

check_LTLIBRARIES += \
	tests/plugins/fixtures/good.la \
	tests/plugins/fixtures/wrong_major.la \
	tests/plugins/fixtures/newer_minor.la \
	tests/plugins/fixtures/short_size.la \
	tests/plugins/fixtures/cap_source.la \
	tests/plugins/fixtures/cap_extract.la \
	tests/plugins/fixtures/cap_parse.la \
	tests/plugins/fixtures/cap_output.la \
	tests/plugins/fixtures/no_init.la \
	tests/plugins/fixtures/bad_name.la \
	tests/plugins/fixtures/bad_field.la \
	tests/plugins/fixtures/no_version.la \
	tests/plugins/fixtures/bad_param.la \
	tests/plugins/fixtures/short_role.la \
	tests/plugins/fixtures/flags.la \
	tests/plugins/fixtures/no_role.la \
	tests/plugins/fixtures/no_entry.la \
	tests/plugins/fixtures/undef_sym.la \
	tests/plugins/fixtures/init_fail.la \
	tests/plugins/fixtures/init_fail_inst.la

tests_plugins_fixtures_good_la_SOURCES = tests/plugins/fixtures/good.c tests/plugins/fixtures/good.h
tests_plugins_fixtures_good_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)

tests_plugins_fixtures_wrong_major_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_wrong_major_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_WRONG_MAJOR
tests_plugins_fixtures_wrong_major_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_newer_minor_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_newer_minor_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_NEWER_MINOR
tests_plugins_fixtures_newer_minor_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_short_size_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_short_size_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_SHORT_SIZE
tests_plugins_fixtures_short_size_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_cap_source_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_cap_source_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_CAP_SOURCE
tests_plugins_fixtures_cap_source_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_cap_extract_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_cap_extract_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_CAP_EXTRACT
tests_plugins_fixtures_cap_extract_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_cap_parse_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_cap_parse_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_CAP_PARSE
tests_plugins_fixtures_cap_parse_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_cap_output_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_cap_output_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_CAP_OUTPUT
tests_plugins_fixtures_cap_output_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_no_init_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_no_init_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_NO_INIT
tests_plugins_fixtures_no_init_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_bad_name_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_bad_name_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_BAD_NAME
tests_plugins_fixtures_bad_name_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_bad_field_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_bad_field_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_BAD_FIELD
tests_plugins_fixtures_bad_field_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_no_version_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_no_version_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_NO_VERSION
tests_plugins_fixtures_no_version_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_bad_param_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_bad_param_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_BAD_PARAM
tests_plugins_fixtures_bad_param_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_short_role_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_short_role_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_SHORT_ROLE
tests_plugins_fixtures_short_role_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_flags_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_flags_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_FLAGS
tests_plugins_fixtures_flags_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_no_role_la_SOURCES = tests/plugins/fixtures/broken.c
tests_plugins_fixtures_no_role_la_CPPFLAGS = $(AM_CPPFLAGS) -DBROKEN_NO_ROLE
tests_plugins_fixtures_no_role_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)

# Exports something, but not the entry symbol.
tests_plugins_fixtures_no_entry_la_SOURCES = tests/plugins/fixtures/no_entry.c
tests_plugins_fixtures_no_entry_la_LDFLAGS = -module -rpath $(abs_builddir) -avoid-version \
	-shared -export-symbols-regex '^shrike_plugin_init$$'
# Links although a symbol stays undefined (no -no-undefined, no -z defs).
tests_plugins_fixtures_undef_sym_la_SOURCES = tests/plugins/fixtures/undef_sym.c
tests_plugins_fixtures_undef_sym_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS) -Wl,--unresolved-symbols=ignore-all

tests_plugins_fixtures_init_fail_la_SOURCES = tests/plugins/fixtures/init_fail.c
tests_plugins_fixtures_init_fail_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
tests_plugins_fixtures_init_fail_inst_la_SOURCES = tests/plugins/fixtures/init_fail.c
tests_plugins_fixtures_init_fail_inst_la_CPPFLAGS = $(AM_CPPFLAGS) -DINIT_FAIL_AFTER_INST
tests_plugins_fixtures_init_fail_inst_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)

if HAVE_CMOCKA
check_PROGRAMS += tests/plugins/loader_test
TESTS += tests/plugins/loader_test
tests_plugins_loader_test_SOURCES = tests/plugins/loader_test.c
tests_plugins_loader_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/plugins/fixtures \
	-DFIXTURE_DIR='"$(abs_builddir)/tests/plugins/fixtures/.libs"'
tests_plugins_loader_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS)
tests_plugins_loader_test_LDADD = core/libshrike.la $(CMOCKA_LIBS) $(JSONC_LIBS)
endif

# plugcheck PATH [CONFIG.yaml [OPEN_PARAMS]]: load, configure, init, describe
# and (for a source) run one plugin, as the daemon would.
check_PROGRAMS += tests/tools/plugcheck
tests_tools_plugcheck_SOURCES = tests/tools/plugcheck.c
tests_tools_plugcheck_LDADD = core/libshrike.la

TESTS += tests/plugins/exports_test.sh tests/unit/headers_test.sh \
	tests/integration/out_of_tree.sh
EXTRA_DIST += tests/plugins/exports_test.sh tests/unit/headers_test.sh \
	tests/integration/out_of_tree.sh

# Plugin ABI 1.0 is frozen (docs/plugin-abi.md). tests/plugins/abi/1.0/ holds
# the headers as 1.0 was declared; a fixture plugin and a layout printer are
# built against them, the loader test loads the fixture with today's host,
# and layout_test.sh compares the 1.0 layout with include/shrike/'s.
SK_ABI10_FROZEN_H = tests/plugins/abi/1.0/shrike/plugin.h tests/plugins/abi/1.0/shrike/alert.h \
	tests/plugins/abi/1.0/shrike/event.h tests/plugins/abi/1.0/shrike/value.h
check_LTLIBRARIES += tests/plugins/fixtures/abi_v1_0.la
tests_plugins_fixtures_abi_v1_0_la_SOURCES = tests/plugins/abi/v1_0.c $(SK_ABI10_FROZEN_H)
tests_plugins_fixtures_abi_v1_0_la_CPPFLAGS = -I$(top_srcdir)/tests/plugins/abi/1.0
tests_plugins_fixtures_abi_v1_0_la_LDFLAGS = $(SK_FIXTURE_LDFLAGS)
check_PROGRAMS += tests/plugins/abi/layout_1_0 tests/plugins/abi/layout_current
tests_plugins_abi_layout_1_0_SOURCES = tests/plugins/abi/layout.c $(SK_ABI10_FROZEN_H)
tests_plugins_abi_layout_1_0_CPPFLAGS = -I$(top_srcdir)/tests/plugins/abi/1.0
tests_plugins_abi_layout_current_SOURCES = tests/plugins/abi/layout.c
TESTS += tests/plugins/abi/layout_test.sh tests/plugins/abi/daemon_test.sh
EXTRA_DIST += tests/plugins/abi/layout_test.sh tests/plugins/abi/daemon_test.sh
