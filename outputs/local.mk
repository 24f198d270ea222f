# outputs/local.mk - the alert output plugins (stdout, file, syslog,
# program, kafka, http) and their tests, unit and end to end. The core's own
# alert-path tests (formatting, queues, output keys) are in core/local.mk.

pkgplugin_LTLIBRARIES += outputs/stdout.la
outputs_stdout_la_SOURCES = outputs/stdout/stdout.c
outputs_stdout_la_CPPFLAGS = -I$(top_srcdir)/include
outputs_stdout_la_LDFLAGS = $(SK_HARDEN_LDFLAGS) $(SK_MODULE_FLAGS)

pkgplugin_LTLIBRARIES += outputs/file.la
outputs_file_la_SOURCES = outputs/file/file.c
outputs_file_la_CPPFLAGS = -I$(top_srcdir)/include
outputs_file_la_LDFLAGS = $(SK_HARDEN_LDFLAGS) $(SK_MODULE_FLAGS)

pkgplugin_LTLIBRARIES += outputs/syslog.la
outputs_syslog_la_SOURCES = outputs/syslog/syslog.c outputs/syslog/syslog_conf.c \
	outputs/syslog/syslog_format.c outputs/syslog/syslog_conf.h outputs/syslog/syslog_format.h
outputs_syslog_la_CPPFLAGS = -I$(top_srcdir)/include
outputs_syslog_la_LDFLAGS = $(SK_HARDEN_LDFLAGS) $(SK_MODULE_FLAGS)

if HAVE_CMOCKA
check_PROGRAMS += outputs/syslog/syslog_format_test
TESTS += outputs/syslog/syslog_format_test
outputs_syslog_syslog_format_test_SOURCES = outputs/syslog/syslog_format_test.c \
	outputs/syslog/syslog_format.c outputs/syslog/syslog_conf.c \
	outputs/syslog/syslog_conf.h outputs/syslog/syslog_format.h
outputs_syslog_syslog_format_test_CPPFLAGS = -I$(top_srcdir)/include
outputs_syslog_syslog_format_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
outputs_syslog_syslog_format_test_LDADD = $(CMOCKA_LIBS)
endif
TESTS += tests/integration/outputs_syslog.sh
EXTRA_DIST += tests/integration/outputs_syslog.sh tests/lib_rsyslog.sh

pkgplugin_LTLIBRARIES += outputs/program.la
outputs_program_la_SOURCES = outputs/program/program.c outputs/program/program_pending.c \
	outputs/program/program_pending.h
outputs_program_la_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)
outputs_program_la_LIBADD = common/libskcommon.la
outputs_program_la_LDFLAGS = $(SK_HARDEN_LDFLAGS) $(SK_MODULE_FLAGS)

if HAVE_CMOCKA
check_PROGRAMS += outputs/program/program_pending_test
TESTS += outputs/program/program_pending_test
outputs_program_program_pending_test_SOURCES = outputs/program/program_pending_test.c \
	outputs/program/program_pending.c outputs/program/program_pending.h
outputs_program_program_pending_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
outputs_program_program_pending_test_LDADD = $(CMOCKA_LIBS)
endif
TESTS += tests/integration/outputs_program.sh
EXTRA_DIST += tests/integration/outputs_program.sh

# Every output at once (file, syslog, program, kafka, http).
TESTS += tests/integration/outputs_all.sh
EXTRA_DIST += tests/integration/outputs_all.sh


# alertgen: emits synthetic alerts through the real outputs, for the
# integration tests below.
check_PROGRAMS += tests/tools/alertgen
tests_tools_alertgen_SOURCES = tests/tools/alertgen.c
tests_tools_alertgen_LDADD = core/libshrike.la $(PTHREAD_LIBS)

OUTPUTS_TESTS = \
	tests/integration/outputs_json.sh \
	tests/integration/outputs_drain.sh \
	tests/integration/outputs_reopen.sh \
	tests/integration/outputs_core_keys.sh
TESTS += $(OUTPUTS_TESTS)
EXTRA_DIST += $(OUTPUTS_TESTS)

# kafka output (kafka_output) and its tests: librdkafka's mock cluster as
# the broker (tests/tools/kafka_mock), kcat as the independent consumer.
if BUILD_PLUGIN_KAFKA
pkgplugin_LTLIBRARIES += outputs/kafka.la
outputs_kafka_la_SOURCES = outputs/kafka/kafka.c outputs/kafka/kafka_conf.c \
	outputs/kafka/kafka_format.c outputs/kafka/kafka.h
outputs_kafka_la_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)
outputs_kafka_la_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS)
outputs_kafka_la_LIBADD = common/libskcommon.la $(RDKAFKA_LIBS)
outputs_kafka_la_LDFLAGS = $(SK_HARDEN_LDFLAGS) $(SK_MODULE_FLAGS)

check_PROGRAMS += tests/tools/kafka_mock
tests_tools_kafka_mock_SOURCES = tests/tools/kafka_mock.c
tests_tools_kafka_mock_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS) $(PTHREAD_CFLAGS)
tests_tools_kafka_mock_LDADD = $(RDKAFKA_LIBS) $(PTHREAD_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += outputs/kafka/kafka_format_test outputs/kafka/kafka_conf_test
TESTS += outputs/kafka/kafka_format_test outputs/kafka/kafka_conf_test
outputs_kafka_kafka_format_test_SOURCES = outputs/kafka/kafka_format_test.c \
	outputs/kafka/kafka_format.c outputs/kafka/kafka.h
outputs_kafka_kafka_format_test_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)
outputs_kafka_kafka_format_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(RDKAFKA_CFLAGS)
outputs_kafka_kafka_format_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS)
outputs_kafka_kafka_conf_test_SOURCES = outputs/kafka/kafka_conf_test.c \
	outputs/kafka/kafka_conf.c outputs/kafka/kafka_format.c outputs/kafka/kafka.h
outputs_kafka_kafka_conf_test_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)
outputs_kafka_kafka_conf_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(RDKAFKA_CFLAGS)
outputs_kafka_kafka_conf_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS) $(RDKAFKA_LIBS)
endif

TESTS += tests/integration/outputs_kafka.sh
endif
EXTRA_DIST += tests/integration/outputs_kafka.sh

# http output (http_output) and its tests: tests/tools/http_sink is the
# receiver (libmicrohttpd, GnuTLS for the client-certificate check), built
# when configure found libmicrohttpd (BUILD_PLUGIN_K8SAUDIT needs it too).
if BUILD_PLUGIN_HTTP
pkgplugin_LTLIBRARIES += outputs/http.la
outputs_http_la_SOURCES = outputs/http/http.c outputs/http/http_conf.c \
	outputs/http/http_format.c outputs/http/http.h
outputs_http_la_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)
outputs_http_la_CFLAGS = $(AM_CFLAGS) $(LIBCURL_CFLAGS) $(ZLIB_CFLAGS) $(PTHREAD_CFLAGS)
outputs_http_la_LIBADD = common/libskcommon.la $(LIBCURL_LIBS) $(ZLIB_LIBS) $(PTHREAD_LIBS)
outputs_http_la_LDFLAGS = $(SK_HARDEN_LDFLAGS) $(SK_MODULE_FLAGS)

if BUILD_PLUGIN_K8SAUDIT
check_PROGRAMS += tests/tools/http_sink
tests_tools_http_sink_SOURCES = tests/tools/http_sink.c
tests_tools_http_sink_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(ZLIB_CFLAGS) $(PTHREAD_CFLAGS)
tests_tools_http_sink_LDADD = $(MHD_LIBS) -lgnutls $(ZLIB_LIBS) $(PTHREAD_LIBS)
TESTS += tests/integration/outputs_http.sh
endif

if HAVE_CMOCKA
check_PROGRAMS += outputs/http/http_format_test
TESTS += outputs/http/http_format_test
outputs_http_http_format_test_SOURCES = outputs/http/http_format_test.c \
	outputs/http/http_format.c outputs/http/http_conf.c outputs/http/http.h
outputs_http_http_format_test_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)
outputs_http_http_format_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(LIBCURL_CFLAGS) $(ZLIB_CFLAGS)
outputs_http_http_format_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS) $(LIBCURL_LIBS) $(ZLIB_LIBS)
endif
endif
EXTRA_DIST += tests/integration/outputs_http.sh
