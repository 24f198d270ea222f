# sources/k8saudit/local.mk - the k8saudit source plugin (Kubernetes audit
# webhook and audit log files, ka.* / jevt.* fields), the json extractor
# plugin that Falco's audit rule files require next to it, their unit test
# and the integration tests.

if BUILD_PLUGIN_K8SAUDIT
K8SAUDIT_SOURCES = sources/k8saudit/k8saudit.c sources/k8saudit/k8saudit_conf.c \
	sources/k8saudit/server.c sources/k8saudit/fields.c sources/k8saudit/k8saudit.h

pkgplugin_LTLIBRARIES += sources/k8saudit.la
sources_k8saudit_la_SOURCES = $(K8SAUDIT_SOURCES)
sources_k8saudit_la_CPPFLAGS = -I$(top_srcdir) -I$(top_srcdir)/include
sources_k8saudit_la_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS) $(PTHREAD_CFLAGS)
sources_k8saudit_la_LIBADD = common/libskmhd.la $(MHD_LIBS) $(JSONC_LIBS) $(PTHREAD_LIBS)
sources_k8saudit_la_LDFLAGS = $(AM_LDFLAGS) $(SK_MODULE_FLAGS)

pkgplugin_LTLIBRARIES += plugins/json.la
plugins_json_la_SOURCES = plugins/json/json.c
plugins_json_la_CPPFLAGS = -I$(top_srcdir)/include
plugins_json_la_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
plugins_json_la_LIBADD = $(JSONC_LIBS)
plugins_json_la_LDFLAGS = $(AM_LDFLAGS) $(SK_MODULE_FLAGS)
if HAVE_CMOCKA
check_PROGRAMS += plugins/json/json_test
TESTS += plugins/json/json_test
plugins_json_json_test_SOURCES = plugins/json/json_test.c plugins/json/json.c
plugins_json_json_test_CPPFLAGS = -I$(top_srcdir)/include
plugins_json_json_test_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(CMOCKA_CFLAGS)
plugins_json_json_test_LDADD = $(JSONC_LIBS) $(CMOCKA_LIBS)
endif

if HAVE_CMOCKA
# Compiles the plugin into the test: time parsing, body splitting (with a
# fuzz pass over random and mangled bodies), every field on real-shaped
# events, the queue.
check_PROGRAMS += sources/k8saudit/k8saudit_test
TESTS += sources/k8saudit/k8saudit_test
sources_k8saudit_k8saudit_test_SOURCES = sources/k8saudit/k8saudit_test.c $(K8SAUDIT_SOURCES)
sources_k8saudit_k8saudit_test_CPPFLAGS = -I$(top_srcdir) -I$(top_srcdir)/include \
	-DSK_FIXTURES_DIR='"$(abs_top_srcdir)/tests/fixtures"'
sources_k8saudit_k8saudit_test_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS) \
	$(PTHREAD_CFLAGS) $(CMOCKA_CFLAGS)
sources_k8saudit_k8saudit_test_LDADD = common/libskmhd.la $(MHD_LIBS) $(JSONC_LIBS) $(PTHREAD_LIBS) $(CMOCKA_LIBS)
endif

K8SAUDIT_TESTS = tests/integration/k8saudit_webhook.sh tests/integration/k8saudit_file.sh \
	tests/integration/k8saudit_errors.sh tests/integration/k8saudit_config.sh \
	tests/integration/k8saudit_slowloris.sh
TESTS += $(K8SAUDIT_TESTS)
endif
EXTRA_DIST += tests/integration/k8saudit_webhook.sh tests/integration/k8saudit_file.sh \
	tests/integration/k8saudit_errors.sh tests/integration/k8saudit_config.sh \
	tests/integration/k8saudit_lib.sh tests/integration/k8saudit_slowloris.sh \
	tests/fixtures/k8saudit
EXTRA_DIST += docs/k8saudit.md bench/k8saudit.sh
