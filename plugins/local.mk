# plugins/local.mk - field extractor plugins: `syscall` (process, thread, fd
# and user state of the syscall source, and its evt/proc/thread/fd/user/group
# fields) and `container` (container.* and k8s.* fields). Plugins see
# include/shrike/ only; code they share lives in plugins/common.

noinst_LTLIBRARIES += plugins/common/libskplugcommon.la
plugins_common_libskplugcommon_la_SOURCES = plugins/common/procfs.c plugins/common/procfs.h \
	plugins/common/htab.c plugins/common/htab.h \
	plugins/common/staterec.c plugins/common/staterec.h
plugins_common_libskplugcommon_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include
plugins_common_libskplugcommon_la_CFLAGS = $(AM_CFLAGS) -fPIC

SYSCALL_PLUGIN_SOURCES = \
	plugins/syscall/syscall.c plugins/syscall/syscall.h \
	plugins/syscall/parse.c plugins/syscall/parse.h \
	plugins/syscall/parse_proc.c plugins/syscall/parse_fd.c plugins/syscall/parse_net.c \
	plugins/syscall/fields.c plugins/syscall/fields.h \
	plugins/syscall/fields_evt.c plugins/syscall/fields_fdcore.c \
	plugins/syscall/fields_proc.c plugins/syscall/fields_user.c \
	plugins/syscall/fields_fd.c plugins/syscall/fields_fd.h \
	plugins/syscall/fields_evtproc.c plugins/syscall/fields_evtproc.h \
	plugins/syscall/state.c plugins/syscall/state_scan.c plugins/syscall/state.h \
	plugins/syscall/userdb.c plugins/syscall/userdb.h \
	plugins/syscall/names.c plugins/syscall/names.h \
	plugins/syscall/dns.c plugins/syscall/dns.h \
	plugins/syscall/snapshot.c plugins/syscall/snapshot.h

pkgplugin_LTLIBRARIES += plugins/syscall.la
plugins_syscall_la_SOURCES = $(SYSCALL_PLUGIN_SOURCES)
plugins_syscall_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include -I$(top_srcdir)
plugins_syscall_la_LDFLAGS = $(AM_LDFLAGS) $(SK_MODULE_FLAGS)
plugins_syscall_la_LIBADD = plugins/common/libskplugcommon.la common/libskcommon.la $(PTHREAD_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += plugins/common/procfs_test
TESTS += plugins/common/procfs_test
plugins_common_procfs_test_SOURCES = plugins/common/procfs_test.c
plugins_common_procfs_test_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include
plugins_common_procfs_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
plugins_common_procfs_test_LDADD = plugins/common/libskplugcommon.la $(CMOCKA_LIBS)
endif

if HAVE_CMOCKA
# Compiles the plugin's sources into the test and drives its callbacks.
check_PROGRAMS += plugins/syscall/syscall_test
TESTS += plugins/syscall/syscall_test
plugins_syscall_syscall_test_SOURCES = plugins/syscall/syscall_test.c $(SYSCALL_PLUGIN_SOURCES)
plugins_syscall_syscall_test_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include -I$(top_srcdir)
plugins_syscall_syscall_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
plugins_syscall_syscall_test_LDADD = plugins/common/libskplugcommon.la common/libskcommon.la \
	$(PTHREAD_LIBS) $(CMOCKA_LIBS)
# The state saved in capture files and restored from them.
check_PROGRAMS += plugins/syscall/snapshot_test
TESTS += plugins/syscall/snapshot_test
plugins_syscall_snapshot_test_SOURCES = plugins/syscall/snapshot_test.c $(SYSCALL_PLUGIN_SOURCES)
plugins_syscall_snapshot_test_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include -I$(top_srcdir)
plugins_syscall_snapshot_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
plugins_syscall_snapshot_test_LDADD = plugins/common/libskplugcommon.la common/libskcommon.la \
	$(PTHREAD_LIBS) $(CMOCKA_LIBS)
endif

CONTAINER_PLUGIN_SOURCES = \
	plugins/container/container.c plugins/container/container.h \
	plugins/container/ctrcache.c plugins/container/ctrcapture.c \
	plugins/container/ctrmeta.c plugins/container/ctrmeta.h \
	plugins/container/ctrsnap.c plugins/container/ctrsnap.h

pkgplugin_LTLIBRARIES += plugins/container.la
plugins_container_la_SOURCES = $(CONTAINER_PLUGIN_SOURCES)
plugins_container_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include -I$(top_srcdir)
plugins_container_la_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
plugins_container_la_LDFLAGS = $(AM_LDFLAGS) $(SK_MODULE_FLAGS)
plugins_container_la_LIBADD = plugins/common/libskplugcommon.la common/libskcommon.la $(JSONC_LIBS) \
	$(PTHREAD_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += plugins/container/container_test
TESTS += plugins/container/container_test
plugins_container_container_test_SOURCES = plugins/container/container_test.c \
	$(CONTAINER_PLUGIN_SOURCES)
plugins_container_container_test_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include -I$(top_srcdir)
plugins_container_container_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(JSONC_CFLAGS)
plugins_container_container_test_LDADD = plugins/common/libskplugcommon.la common/libskcommon.la \
	$(JSONC_LIBS) \
	$(PTHREAD_LIBS) $(CMOCKA_LIBS)
endif

# fieldcheck: field values of a capture's events through these plugins, for
# the integration tests (tests/tools/fieldcheck.c).
check_PROGRAMS += tests/tools/fieldcheck
tests_tools_fieldcheck_SOURCES = tests/tools/fieldcheck.c
tests_tools_fieldcheck_LDADD = core/libshrike.la $(PTHREAD_LIBS)

PLUGINS_TESTS = tests/integration/fields_doc.sh tests/integration/ebpf_fields.sh \
	tests/integration/ebpf_fields_fd.sh \
	tests/integration/ebpf_fields_evtproc.sh \
	tests/integration/podman_fields.sh tests/integration/containerd_fields.sh
TESTS += $(PLUGINS_TESTS)
EXTRA_DIST += $(PLUGINS_TESTS) plugins/fields-doc.sh tests/integration/ebpf_capture_lib.sh
