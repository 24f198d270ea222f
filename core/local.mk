# core/local.mk - libshrike (the core, as a convenience library shared by the
# daemon and the tests) and the `shrike` daemon.

noinst_LTLIBRARIES += core/libshrike.la
core_libshrike_la_SOURCES = \
	core/log.c core/log.h \
	core/cfg.c core/cfg.h core/cfg_priv.h core/cfg_edit.c core/cfg_convert.c \
	core/schema.c core/schema.h \
	core/conf.c core/conf.h core/conf_files.c core/conf_files.h \
	core/loader.c core/loader.h \
	core/alert_fmt.c \
	core/outq.c core/outq.h \
	core/outputs.c core/outputs.h \
	core/capture.c core/capture.h \
	core/loop.c core/loop.h core/watch.c core/watch.h \
	core/notify.c core/notify.h core/privs.c core/privs.h \
	core/daemon.c core/daemon.h core/daemon_priv.h \
	core/plugin_set.c core/daemon_rules.c core/telemetry.c core/listings.c \
	core/metrics.c core/metrics.h core/metrics_collect.c core/resource.c core/resource.h \
	core/webpages.c \
	core/runtime.c core/pipeline.c \
	core/websrv.c core/websrv.h \
	core/lib/uuid.c core/lib/uuid.h \
	core/lib/timefmt.c core/lib/timefmt.h \
	core/lib/utf8.c core/lib/utf8.h
core_libshrike_la_CFLAGS = $(AM_CFLAGS) $(SYSTEMD_CFLAGS) $(YAML_CFLAGS) $(JSONC_CFLAGS) $(ZLIB_CFLAGS) \
	$(PCRE2_CFLAGS) $(MHD_CFLAGS)
core_libshrike_la_LIBADD = common/libskcommon.la common/libskmhd.la $(YAML_LIBS) $(JSONC_LIBS) $(ZLIB_LIBS) $(PCRE2_LIBS) \
	$(MHD_LIBS) $(SYSTEMD_LIBS) $(PTHREAD_LIBS)

bin_PROGRAMS += shrike
shrike_SOURCES = core/main.c
shrike_CFLAGS = $(AM_CFLAGS) $(SK_PIE_CFLAGS)
shrike_LDADD = core/libshrike.la
shrike_LDFLAGS = $(AM_LDFLAGS) $(SK_PIE_LDFLAGS) -export-dynamic

if HAVE_CMOCKA
check_PROGRAMS += core/capture_test
TESTS += core/capture_test
core_capture_test_SOURCES = core/capture_test.c
core_capture_test_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS) $(CMOCKA_CFLAGS)
core_capture_test_LDADD = core/libshrike.la $(ZLIB_LIBS) $(CMOCKA_LIBS)
endif

# configuration: YAML node tree, param-table schemas, shrike.yaml
if HAVE_CMOCKA
check_PROGRAMS += core/cfg_test core/schema_test core/conf_test
TESTS += core/cfg_test core/schema_test core/conf_test
CONF_TEST_CPPFLAGS = $(AM_CPPFLAGS) -DSK_TEST_FIXTURES='"$(abs_top_srcdir)/tests/fixtures"' \
	-DSK_TEST_BUILDDIR='"$(abs_top_builddir)"'
core_cfg_test_SOURCES = core/cfg_test.c
core_cfg_test_CPPFLAGS = $(CONF_TEST_CPPFLAGS)
core_cfg_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_cfg_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
core_schema_test_SOURCES = core/schema_test.c
core_schema_test_CPPFLAGS = $(CONF_TEST_CPPFLAGS)
core_schema_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_schema_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
check_PROGRAMS += core/conf_files_test core/watch_test
TESTS += core/conf_files_test core/watch_test
core_watch_test_SOURCES = core/watch_test.c
core_watch_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_watch_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
core_conf_files_test_SOURCES = core/conf_files_test.c
core_conf_files_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_conf_files_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
core_conf_test_SOURCES = core/conf_test.c
core_conf_test_CPPFLAGS = $(CONF_TEST_CPPFLAGS)
core_conf_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_conf_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
# conf_test checks the generated shrike.yaml of the build tree
EXTRA_core_conf_test_DEPENDENCIES = shrike.yaml
endif
EXTRA_DIST += tests/fixtures/config

# The alert path: the keys the core handles in every output section, alert
# formatting, the output queues, time text.
if HAVE_CMOCKA
check_PROGRAMS += core/outputs_test
TESTS += core/outputs_test
core_outputs_test_SOURCES = core/outputs_test.c
core_outputs_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_outputs_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
check_PROGRAMS += core/alert_fmt_test core/outq_test core/lib/timefmt_test
TESTS += core/alert_fmt_test core/outq_test core/lib/timefmt_test
core_alert_fmt_test_SOURCES = core/alert_fmt_test.c
core_alert_fmt_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS)
core_alert_fmt_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
check_PROGRAMS += core/metrics_test
TESTS += core/metrics_test
core_metrics_test_SOURCES = core/metrics_test.c
core_metrics_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_metrics_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
core_outq_test_SOURCES = core/outq_test.c
core_outq_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_outq_test_LDADD = core/libshrike.la $(CMOCKA_LIBS) $(PTHREAD_LIBS)
core_lib_timefmt_test_SOURCES = core/lib/timefmt_test.c
core_lib_timefmt_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_lib_timefmt_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
endif

# The web server (health, versions, metrics pages) against real clients: the
# curl and openssl programs and raw sockets.
if HAVE_CMOCKA
check_PROGRAMS += core/websrv_test
TESTS += core/websrv_test
core_websrv_test_SOURCES = core/websrv_test.c
core_websrv_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(PTHREAD_CFLAGS)
core_websrv_test_LDADD = core/libshrike.la $(CMOCKA_LIBS) $(PTHREAD_LIBS)
endif

# Dropping capabilities in every thread (core/privs.c).
if HAVE_CMOCKA
check_PROGRAMS += core/privs_test
TESTS += core/privs_test
core_privs_test_SOURCES = core/privs_test.c
core_privs_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(PTHREAD_CFLAGS)
core_privs_test_LDADD = core/libshrike.la $(CMOCKA_LIBS) $(PTHREAD_LIBS)
endif
