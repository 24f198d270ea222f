# common/local.mk - libskcommon, the support code that the core, sources,
# plugins and outputs all link statically: string buffer, clocks, hash,
# string lists, token bucket, batches of records sorted by time, plugins'
# metrics tables, host paths under HOST_ROOT. Built with -fPIC so that
# plugin modules (shared objects) can take it in.

noinst_LTLIBRARIES += common/libskcommon.la
common_libskcommon_la_SOURCES = \
	common/sbuf.c common/sbuf.h \
	common/clock.c common/clock.h \
	common/hash.h \
	common/strlist.c common/strlist.h \
	common/tbucket.c common/tbucket.h \
	common/evtsort.c common/evtsort.h \
	common/mtab.c common/mtab.h \
	common/hostroot.c common/hostroot.h
common_libskcommon_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include
common_libskcommon_la_CFLAGS = $(AM_CFLAGS) -fPIC

# libskmhd: the connection watchdog of libmicrohttpd servers (the core's web
# server, the k8saudit webhook), apart because it needs libmicrohttpd and a
# convenience library goes whole into every plugin that links it.
noinst_LTLIBRARIES += common/libskmhd.la
common_libskmhd_la_SOURCES = common/connguard.c common/connguard.h
common_libskmhd_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include
common_libskmhd_la_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(PTHREAD_CFLAGS) -fPIC

if HAVE_CMOCKA
# Each test is common/NAME_test.c (automake's default source).
COMMON_TESTS = common/sbuf_test common/clock_test common/hash_test common/strlist_test \
	common/tbucket_test common/evtsort_test common/mtab_test \
	common/hostroot_test
check_PROGRAMS += $(COMMON_TESTS)
TESTS += $(COMMON_TESTS)
common_sbuf_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
common_sbuf_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS)
common_clock_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
common_clock_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS)
common_hash_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
common_hash_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS)
common_strlist_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
common_strlist_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS)
common_tbucket_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
common_tbucket_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS)
common_evtsort_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
common_evtsort_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS)
common_mtab_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
common_mtab_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS)
common_hostroot_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
common_hostroot_test_LDADD = common/libskcommon.la $(PTHREAD_LIBS) $(CMOCKA_LIBS)
endif
