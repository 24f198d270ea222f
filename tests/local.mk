# tests/local.mk - the test harness: every test speaks TAP through automake's
# tap-driver, so test-suite.log counts every assertion. Unit tests (cmocka,
# CMOCKA_MESSAGE_OUTPUT=TAP) sit beside their modules as foo_test.c;
# integration tests are shell scripts under tests/integration that run the
# real `shrike` binary.

TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(LOG_DRIVER)
LOG_COMPILER = $(top_srcdir)/tests/run-test.sh
# A test script that hangs is stopped (SIGTERM, then SIGKILL 10 s later)
# after SK_TEST_TIMEOUT seconds and fails, so CI always ends; lib.sh turns
# the SIGTERM into its normal cleanup. `make check SK_TEST_TIMEOUT=...`
SK_TEST_TIMEOUT = 900
SH_LOG_COMPILER = timeout -k 10 $(SK_TEST_TIMEOUT) $(SHELL)
AM_TESTS_ENVIRONMENT = \
	CMOCKA_MESSAGE_OUTPUT=TAP; export CMOCKA_MESSAGE_OUTPUT; \
	LSAN_OPTIONS="suppressions=$(abs_top_srcdir)/tests/lsan.supp:print_suppressions=0"; export LSAN_OPTIONS; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	SHRIKE='$(abs_top_builddir)/shrike'; export SHRIKE; \
	SK_TEST_PLUGINS_DIR='$(abs_top_builddir)/tests/plugins.d'; export SK_TEST_PLUGINS_DIR; \
	SK_FIXTURES='$(abs_top_srcdir)/tests/fixtures'; export SK_FIXTURES; \
	CC='$(CC)'; export CC; CXX='$(CXX)'; export CXX; \
	SK_HARDENING='$(SK_HARDENING)'; export SK_HARDENING; \
	SK_FORTIFY='$(SK_FORTIFY)'; export SK_FORTIFY;

EXTRA_DIST += tests/run-test.sh tests/lib.sh tests/lsan.supp tests/plugin_metric.h

# synth: a test-only source of deterministic records (tests/plugins/synth.c).
SK_TEST_PLUGIN_MODULES = tests/plugins/synth.la
check_LTLIBRARIES += tests/plugins/synth.la
tests_plugins_synth_la_SOURCES = tests/plugins/synth.c
tests_plugins_synth_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include
tests_plugins_synth_la_LDFLAGS = $(AM_LDFLAGS) $(SK_MODULE_FLAGS) -rpath $(abs_builddir)
include tests/rules.mk

# tests/plugins.d: symlinks to every plugin module built in this tree (and the
# test-only ones), so the build tree's shrike runs with
# `-o plugins_dir=$SK_TEST_PLUGINS_DIR`.
tests/plugins.d/.stamp: $(pkgplugin_LTLIBRARIES) $(SK_TEST_PLUGIN_MODULES)
	$(AM_V_GEN)rm -rf tests/plugins.d && $(MKDIR_P) tests/plugins.d && \
	for la in $(pkgplugin_LTLIBRARIES) $(SK_TEST_PLUGIN_MODULES); do \
		d=`dirname $$la`; b=`basename $$la .la`; \
		$(LN_S) '$(abs_top_builddir)'/$$d/.libs/$$b.so tests/plugins.d/$$b.so || exit 1; \
	done && touch $@
check_DATA = tests/plugins.d/.stamp
clean-local: clean-local-plugins-d
clean-local-plugins-d:
	rm -rf tests/plugins.d
.PHONY: clean-local-plugins-d

# Integration tests of the daemon itself (command line, signals, capture).
SK_DAEMON_TESTS = \
	tests/integration/cli.sh \
	tests/integration/daemon_signals.sh \
	tests/integration/capture_roundtrip.sh \
	tests/integration/rules_daemon.sh \
	tests/integration/systemd_notify.sh \
	tests/integration/config_files.sh \
	tests/integration/host_root.sh \
	tests/integration/privs_caps.sh tests/integration/privs_files.sh \
	tests/integration/privs_program.sh
TESTS += $(SK_DAEMON_TESTS)
EXTRA_DIST += tests/integration/cli.sh tests/integration/daemon_signals.sh \
	tests/integration/rules_daemon.sh tests/integration/systemd_notify.sh \
	tests/integration/config_files.sh tests/integration/host_root.sh \
	tests/integration/privs_caps.sh tests/integration/privs_files.sh \
	tests/integration/privs_program.sh

# The daemon's and the plugins' hardening (m4/sk_hardening.m4):
# hardening-check and readelf on the built objects.
TESTS += tests/integration/hardening.sh
EXTRA_DIST += tests/integration/hardening.sh
