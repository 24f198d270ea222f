# tests/kmod/local.mk - the kernel module (sources/kmod/module, shrike.ko)
# and its test in QEMU: tests/kmod/vm_module.sh builds the module against
# Debian's headers of each kernel it boots and drives it with kmodcheck.

# The module's sources are shipped (make dist) and built by kbuild, not by
# automake: kbuild wants a directory it may write its objects into, so the
# test builds a copy.
SK_KMOD_MODULE_FILES = \
	sources/kmod/module/Kbuild \
	sources/kmod/module/Makefile \
	sources/kmod/module/shrike_priv.h \
	sources/kmod/module/shrike_main.c \
	sources/kmod/module/shrike_dev.c \
	sources/kmod/module/shrike_ring.c \
	sources/kmod/module/shrike_tp.c
EXTRA_DIST += $(SK_KMOD_MODULE_FILES) sources/kmod/shrike_kmod.h

check_PROGRAMS += tests/kmod/kmodcheck
tests_kmod_kmodcheck_SOURCES = tests/kmod/kmodcheck.c

TESTS += tests/kmod/vm_module.sh
EXTRA_DIST += tests/kmod/vm_module.sh
