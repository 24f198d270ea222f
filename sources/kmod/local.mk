# sources/kmod/local.mk - the userspace side of the kernel-module source:
# the `kmod` source plugin (kmod.so) and the unit test of its ring reader.
# The module itself (sources/kmod/module/) is built by kbuild, not here.

# The plugin. Which syscall numbers make which event is the ebpf source's
# table (ebpf_conf.c, ebpf_ia32.c: pure C, no libbpf), compiled in here too.
pkgplugin_LTLIBRARIES += sources/kmod.la
sources_kmod_la_SOURCES = sources/kmod/kmod.c sources/kmod/kmod_conf.c \
	sources/kmod/kmod_dev.c sources/kmod/kmod_ring.c sources/kmod/kmod_ring.h \
	sources/kmod/kmod_priv.h sources/kmod/shrike_kmod.h \
	sources/ebpf/ebpf_conf.c sources/ebpf/ebpf_ia32.c sources/ebpf/ebpf_conf.h \
	sources/ebpf/probe.h
sources_kmod_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include -I$(top_srcdir) \
	-I$(top_srcdir)/sources/kmod -I$(top_srcdir)/sources/ebpf
sources_kmod_la_CFLAGS = $(AM_CFLAGS)
sources_kmod_la_LDFLAGS = $(AM_LDFLAGS) $(SK_MODULE_FLAGS)
sources_kmod_la_LIBADD = common/libskcommon.la

if HAVE_CMOCKA
# The ring reader on a control page and ring built in memory as the module
# writes them: padding, wrap-around, counters beyond ring_size.
check_PROGRAMS += sources/kmod/kmod_ring_test
TESTS += sources/kmod/kmod_ring_test
sources_kmod_kmod_ring_test_SOURCES = sources/kmod/kmod_ring_test.c sources/kmod/kmod_ring.c \
	sources/kmod/kmod_test_writer.h \
	sources/kmod/kmod_ring.h sources/kmod/shrike_kmod.h
sources_kmod_kmod_ring_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sources/kmod
sources_kmod_kmod_ring_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
sources_kmod_kmod_ring_test_LDADD = $(CMOCKA_LIBS)
# The plugin's callbacks against fake devices: open, ioctl and mmap of
# /dev/shrike<N> wrapped at link time.
check_PROGRAMS += sources/kmod/kmod_test
TESTS += sources/kmod/kmod_test
sources_kmod_kmod_test_SOURCES = sources/kmod/kmod_test.c sources/kmod/kmod_test_writer.h \
	$(sources_kmod_la_SOURCES)
sources_kmod_kmod_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sources/kmod \
	-I$(top_srcdir)/sources/ebpf
sources_kmod_kmod_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
sources_kmod_kmod_test_LDFLAGS = $(AM_LDFLAGS) \
	-Wl,--wrap=open,--wrap=ioctl,--wrap=mmap,--wrap=munmap
sources_kmod_kmod_test_LDADD = common/libskcommon.la $(CMOCKA_LIBS)
endif

# `shrike --dry-run` lists the kmod source; without the module, one line
# saying how to load it.
TESTS += tests/integration/kmod_missing.sh
EXTRA_DIST += tests/integration/kmod_missing.sh

# engine.kind auto (the default): ebpf here, else kmod, else one line
# naming what each lacks (skipped without root, BTF or either plugin).
TESTS += tests/integration/engine_auto.sh
EXTRA_DIST += tests/integration/engine_auto.sh
