# bench/local.mk - benchmarks: print figures, never pass or fail on time.
# bench/verifier.sh: each eBPF program's verified instructions against the
# 100k budget, on the running kernel (root; uses the build's daemon).
EXTRA_DIST += bench/verifier.sh
EXTRA_DIST += bench/replay.sh
EXTRA_DIST += bench/outputs_net.sh
EXTRA_DIST += bench/outputs.sh
# bench/kmod_vm.sh: the kernel module's syscall overhead beside the eBPF
# probe's, in QEMU on Debian's kernels (uses tests/kmod/kmod_lib.sh).
EXTRA_DIST += bench/kmod_vm.sh

# bench/syscalls.sh: syscall overhead with and without Shrike, against a
# bare probe (bench/bare_probe.bpf.c + bench/bare_reader), and the event
# rate at which drops start. Built by `make check`.
EXTRA_DIST += bench/syscalls.sh bench/bare_probe.bpf.c
check_PROGRAMS += bench/syscall_load
bench_syscall_load_SOURCES = bench/syscall_load.c
if BUILD_PLUGIN_EBPF
bench/bare_probe.bpf.o: $(srcdir)/bench/bare_probe.bpf.c
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(CLANG) $(BPF_CFLAGS) -c $< -o $@
bench/bare_probe.skel.h: bench/bare_probe.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@
CLEANFILES += bench/bare_probe.bpf.o bench/bare_probe.skel.h
check_PROGRAMS += bench/bare_reader
bench_bare_reader_SOURCES = bench/bare_reader.c sources/ebpf/ebpf_conf.c sources/ebpf/ebpf_ia32.c
nodist_bench_bare_reader_SOURCES = bench/bare_probe.skel.h
bench_bare_reader_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/bench -I$(top_srcdir)/sources/ebpf
bench_bare_reader_CFLAGS = $(AM_CFLAGS) $(LIBBPF_CFLAGS)
bench_bare_reader_LDADD = $(LIBBPF_LIBS) $(LIBELF_LIBS)
$(bench_bare_reader_OBJECTS): bench/bare_probe.skel.h
endif

# bench/soak.sh: 30 minutes of capture at the highest drop-free rate with
# reloads and process/container churn; RSS, rates and state tables as a
# TSV and a PNG (gnuplot). Uses what `make check` builds.
EXTRA_DIST += bench/soak.sh
