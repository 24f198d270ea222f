# tests/kmod/local.mk - the kernel module (sources/kmod/module, shrike.ko)
# and its tests in QEMU: tests/kmod/vm_module.sh builds the module against
# Debian's headers of each kernel it boots and drives it with kmodcheck;
# tests/kmod/vm_compare.sh checks that it gives the same records and alerts
# as the eBPF probe on the same kernel, and reports its drops. Both build
# the module with tests/kmod/kmod_lib.sh.

# The module's sources are shipped and installed by
# sources/kmod/module/local.mk; the test builds the installed copy.

check_PROGRAMS += tests/kmod/kmodcheck
tests_kmod_kmodcheck_SOURCES = tests/kmod/kmodcheck.c sources/ebpf/ebpf_conf.c \
	sources/ebpf/ebpf_ia32.c
tests_kmod_kmodcheck_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sources/ebpf

TESTS += tests/kmod/vm_module.sh tests/kmod/vm_compare.sh
EXTRA_DIST += tests/kmod/vm_module.sh tests/kmod/vm_compare.sh tests/kmod/kmod_lib.sh
