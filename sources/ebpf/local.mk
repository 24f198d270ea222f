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
