# sources/local.mk - event source plugins.

# replay: `shrike -e FILE` reads a capture file (include/shrike/capture.h).
# A plugin sees include/shrike/ only (plus config.h), never core/.
pkgplugin_LTLIBRARIES += sources/replay.la
sources_replay_la_SOURCES = sources/replay/replay.c
sources_replay_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include
sources_replay_la_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
sources_replay_la_LDFLAGS = $(AM_LDFLAGS) $(SK_MODULE_FLAGS)
sources_replay_la_LIBADD = $(ZLIB_LIBS)

if HAVE_CMOCKA
# Compiles replay.c into the test and drives its callbacks directly; writes
# its inputs with the core's capture writer; also runs the synth test plugin
# (tests/local.mk) through writer and replay.
check_PROGRAMS += sources/replay/replay_test
TESTS += sources/replay/replay_test
sources_replay_replay_test_SOURCES = sources/replay/replay_test.c sources/replay/replay.c
sources_replay_replay_test_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSK_FIXTURES_DIR='"$(abs_top_srcdir)/tests/fixtures"' \
	-DSK_SYNTH_SO='"$(abs_top_builddir)/tests/plugins/.libs/synth.so"'
EXTRA_sources_replay_replay_test_DEPENDENCIES = tests/plugins/synth.la
sources_replay_replay_test_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS) $(CMOCKA_CFLAGS)
sources_replay_replay_test_LDADD = core/libshrike.la $(ZLIB_LIBS) $(CMOCKA_LIBS)
endif

# Capture fixtures and the daemon round-trip test (run from
# tests/local.mk).
EXTRA_DIST += \
	tests/fixtures/capture/small.scap \
	tests/fixtures/capture/crc-mismatch.scap \
	tests/fixtures/capture/no-end.scap \
	tests/integration/capture_roundtrip.sh

# k8saudit: the Kubernetes audit source and the json extractor.
include sources/k8saudit/local.mk
