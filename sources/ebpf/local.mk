# sources/ebpf/local.mk - the eBPF syscall source: the syscall event table's
# checks, the CO-RE probe, its skeleton and the `ebpf` source plugin.

# The syscall event table (include/shrike/syscall_events.h) and its flag
# names: a unit test of the table, and a compile check as BPF and kernel C.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/syscall_events_test
TESTS += tests/unit/syscall_events_test
tests_unit_syscall_events_test_SOURCES = tests/unit/syscall_events_test.c
tests_unit_syscall_events_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_syscall_events_test_LDADD = $(CMOCKA_LIBS)
endif
TESTS += tests/unit/syscall_events_bpf.sh
EXTRA_DIST += tests/unit/syscall_events_bpf.sh

# The probe: compiled with clang -target bpf against the checked-in
# vmlinux.h (CO-RE: relocated at load time for the running kernel), then
# wrapped in a libbpf skeleton header that ebpf.c includes.
# probe.bpf.c includes the probe_*.bpf.h files (one translation unit).
SK_PROBE_BPF_H = sources/ebpf/probe_maps.bpf.h sources/ebpf/probe_record.bpf.h \
	sources/ebpf/probe_kernel.bpf.h sources/ebpf/probe_socket.bpf.h \
	sources/ebpf/probe_process.bpf.h sources/ebpf/probe_params.bpf.h
EXTRA_DIST += sources/ebpf/probe.bpf.c sources/ebpf/probe.h $(SK_PROBE_BPF_H) \
	sources/ebpf/vmlinux/x86/vmlinux.h
if BUILD_PLUGIN_EBPF
BPF_CFLAGS = -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(BPF_ARCH) \
	-I$(srcdir)/sources/ebpf -I$(srcdir)/sources/ebpf/vmlinux/$(BPF_ARCH) \
	-I$(srcdir)/include
sources/ebpf/%.bpf.o: $(srcdir)/sources/ebpf/%.bpf.c $(srcdir)/sources/ebpf/%.h \
		$(srcdir)/include/shrike/syscall_events.h $(srcdir)/include/shrike/event.h
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(CLANG) $(BPF_CFLAGS) -c $< -o $@
sources/ebpf/probe.bpf.o: $(SK_PROBE_BPF_H:%=$(srcdir)/%)
sources/ebpf/%.skel.h: sources/ebpf/%.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@
BUILT_SOURCES += sources/ebpf/probe.skel.h
CLEANFILES += sources/ebpf/probe.skel.h sources/ebpf/probe.bpf.o

# The source plugin.
pkgplugin_LTLIBRARIES += sources/ebpf.la
sources_ebpf_la_SOURCES = sources/ebpf/ebpf.c sources/ebpf/ebpf_load.c \
	sources/ebpf/ebpf_diag.c sources/ebpf/ebpf_ring.c sources/ebpf/ebpf_metrics.c \
	sources/ebpf/ebpf_priv.h \
	sources/ebpf/ebpf_conf.c sources/ebpf/ebpf_ia32.c sources/ebpf/ebpf_conf.h \
	sources/ebpf/probe.h
nodist_sources_ebpf_la_SOURCES = sources/ebpf/probe.skel.h
sources_ebpf_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include -I$(top_srcdir) \
	-I$(top_builddir)/sources/ebpf -I$(top_srcdir)/sources/ebpf
sources_ebpf_la_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS)
sources_ebpf_la_LDFLAGS = $(AM_LDFLAGS) $(SK_MODULE_FLAGS)
sources_ebpf_la_LIBADD = common/libskcommon.la $(LIBBPF_LIBS) $(LIBELF_LIBS)
$(sources_ebpf_la_OBJECTS): sources/ebpf/probe.skel.h
.SECONDARY: sources/ebpf/probe.bpf.o
endif

# `make update-vmlinux`: regenerate the checked-in vmlinux.h from the running
# kernel's BTF (only needed to use kernel types the file lacks; CO-RE makes
# the probe run on other kernels with the same file).
update-vmlinux:
	$(MKDIR_P) $(srcdir)/sources/ebpf/vmlinux/$(BPF_ARCH)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c \
		> $(srcdir)/sources/ebpf/vmlinux/$(BPF_ARCH)/vmlinux.h.tmp && \
	mv $(srcdir)/sources/ebpf/vmlinux/$(BPF_ARCH)/vmlinux.h.tmp \
		$(srcdir)/sources/ebpf/vmlinux/$(BPF_ARCH)/vmlinux.h
.PHONY: update-vmlinux

# capdump FILE: a capture file as text, parameters named after the syscall
# event table; the eBPF tests assert on its output.
check_PROGRAMS += tests/tools/capdump
tests_tools_capdump_SOURCES = tests/tools/capdump.c tests/tools/evtfmt.c tests/tools/evtfmt.h

# Tests on the running kernel (root): records of real programs, drops,
# metrics;
# tests/ebpf/kernels.sh: the same probe, daemon and default rules on four
# Debian kernels in QEMU and on the host's kernel.
check_PROGRAMS += tests/ebpf/sysprobe
tests_ebpf_sysprobe_SOURCES = tests/ebpf/sysprobe.c
SK_EBPF_TESTS = tests/ebpf/capture.sh tests/ebpf/drops.sh \
	tests/ebpf/kernels.sh \
	tests/ebpf/privileges.sh tests/ebpf/rules_filter.sh tests/ebpf/replay_alerts.sh \
	tests/ebpf/ia32.sh tests/ebpf/metrics.sh
TESTS += $(SK_EBPF_TESTS)
SK_FAULT_TESTS += tests/ebpf/drops_flood.sh
EXTRA_DIST += $(SK_EBPF_TESTS) tests/ebpf/drops_flood.sh
# tests/ebpf/ia32.sh builds this with gcc -m32 -static when it runs; the
# tests' shared helpers (vm_lib.sh: the kernels in QEMU)
EXTRA_DIST += tests/ebpf/ia32prog.c tests/ebpf/lib.sh tests/ebpf/vm_lib.sh tests/lib/debian.sh \
	tests/ebpf/daemon_wait.sh

if HAVE_CMOCKA
# Records decoded from canned byte buffers (the probe's encodings).
check_PROGRAMS += tests/tools/evtfmt_test
TESTS += tests/tools/evtfmt_test
tests_tools_evtfmt_test_SOURCES = tests/tools/evtfmt_test.c tests/tools/evtfmt.c \
	tests/tools/evtfmt.h
tests_tools_evtfmt_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_tools_evtfmt_test_LDADD = $(CMOCKA_LIBS)
# The plugin's syscall table against the event table; config checks.
check_PROGRAMS += sources/ebpf/ebpf_conf_test
TESTS += sources/ebpf/ebpf_conf_test
sources_ebpf_ebpf_conf_test_SOURCES = sources/ebpf/ebpf_conf_test.c sources/ebpf/ebpf_conf.c \
	sources/ebpf/ebpf_ia32.c sources/ebpf/ebpf_conf.h sources/ebpf/probe.h
sources_ebpf_ebpf_conf_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sources/ebpf
sources_ebpf_ebpf_conf_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
sources_ebpf_ebpf_conf_test_LDADD = $(CMOCKA_LIBS)
endif
