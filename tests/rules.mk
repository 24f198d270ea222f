# tests/rules.mk - the rule engine inside the daemon: the ticker test source
# (tests/plugins/ticker.c, never installed), daemon-level rules tests, the
# Falco compatibility check for developers (tests/compat/falco_rules.sh,
# not in `make check`: Falco's rule files are not shipped), the field
# coverage against Falco's field names (tests/compat/field_coverage.sh, in
# `make check`) and the rules benchmark over a replayed capture
# (bench/rules_replay.sh).

EXTRA_DIST += tests/compat/falco_rules.sh tests/compat/field_coverage.sh \
	tests/compat/falco-fields/syscall.txt tests/compat/falco-fields/container.txt \
	tests/compat/falco-fields/k8saudit.txt
if BUILD_PLUGIN_K8SAUDIT
TESTS += tests/compat/field_coverage.sh
endif

# ticker: a test-only source of numbered events that runs until stopped.
SK_TEST_PLUGIN_MODULES += tests/plugins/ticker.la
check_LTLIBRARIES += tests/plugins/ticker.la
tests_plugins_ticker_la_SOURCES = tests/plugins/ticker.c
tests_plugins_ticker_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include
tests_plugins_ticker_la_LDFLAGS = $(AM_LDFLAGS) $(SK_MODULE_FLAGS) -rpath $(abs_builddir)

# Daemon-level rules tests (the ticker source keeps events flowing).
TESTS += tests/integration/rules_reload.sh tests/integration/rules_config.sh
SK_FAULT_TESTS += tests/integration/faults_reload.sh tests/integration/faults_disk.sh
EXTRA_DIST += tests/integration/rules_reload.sh tests/integration/rules_config.sh \
	tests/integration/faults_reload.sh tests/integration/faults_disk.sh

# The rules benchmark on a replayed syscall capture (prints figures, never
# fails on time): bench/rules_replay.sh [BUILDDIR] [RUNS].
EXTRA_DIST += bench/rules_replay.sh bench/rules_replay.yaml

# The language as implemented, differences from Falco, -V/-L, selection,
# the compatibility check and the benchmark figures.
EXTRA_DIST += docs/rules-engine.md
