# tests/kmod/local.mk - the kernel module (sources/kmod/module, shrike.ko)
# and its test in QEMU: tests/kmod/vm_module.sh builds the module against
# Debian's headers of each kernel it boots and drives it with kmodcheck.

# The module's sources are shipped and installed by
# sources/kmod/module/local.mk; the test builds the installed copy.

check_PROGRAMS += tests/kmod/kmodcheck
tests_kmod_kmodcheck_SOURCES = tests/kmod/kmodcheck.c

TESTS += tests/kmod/vm_module.sh
EXTRA_DIST += tests/kmod/vm_module.sh tests/kmod/kmod_lib.sh
