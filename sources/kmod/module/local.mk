# sources/kmod/module/local.mk - the kernel module's source (shrike.ko),
# shipped (make dist) and installed for DKMS; kbuild builds it, not automake.
#
# `make install` copies a self-contained source tree into
# $(prefix)/src/shrike-$(PACKAGE_VERSION)/: the module's C files and
# shrike_priv.h, shrike_kmod.h, probe.h and the include/shrike headers the module
# includes, under include/shrike/, a dkms.conf, and the Kbuild with
# SHRIKE_HEADERS set to `here` (the in-tree default, `tree`, looks two and
# three directories up) and SHRIKE_VERSION to this version. `dkms add`
# (source in /usr/src/shrike-VERSION: prefix=/usr) and
#   make -C /lib/modules/$KVER/build M=$(prefix)/src/shrike-VERSION
# both build it from there.
SK_KMOD_SRC_FILES = \
	sources/kmod/module/shrike_priv.h \
	sources/kmod/module/shrike_main.c \
	sources/kmod/module/shrike_dev.c \
	sources/kmod/module/shrike_ring.c \
	sources/kmod/module/shrike_table.c \
	sources/kmod/module/shrike_rec.c \
	sources/kmod/module/shrike_saved.c \
	sources/kmod/module/shrike_kobj.c \
	sources/kmod/module/shrike_sock.c \
	sources/kmod/module/shrike_params.c \
	sources/kmod/module/shrike_proc.c \
	sources/kmod/module/shrike_tp.c
# the headers shared with userspace that shrike_priv.h includes
SK_KMOD_SHARED_HDRS = include/shrike/event.h include/shrike/syscall_events.h
SK_KMOD_MODULE_FILES = sources/kmod/module/Kbuild sources/kmod/module/Makefile \
	$(SK_KMOD_SRC_FILES)
EXTRA_DIST += $(SK_KMOD_MODULE_FILES) sources/kmod/shrike_kmod.h \
	sources/kmod/module/dkms.conf.in

shrikekmodsrcdir = $(prefix)/src/shrike-$(PACKAGE_VERSION)

install-data-local: install-kmod-source
uninstall-local: uninstall-kmod-source

install-kmod-source:
	@d='$(DESTDIR)$(shrikekmodsrcdir)'; \
	echo " installing the module's source in $$d"; \
	$(MKDIR_P) "$$d/include/shrike" || exit 1; \
	for f in $(SK_KMOD_SRC_FILES) sources/kmod/module/Makefile sources/kmod/shrike_kmod.h \
		sources/ebpf/probe.h; do \
		$(INSTALL_DATA) "$(srcdir)/$$f" "$$d/" || exit 1; \
	done; \
	for f in $(SK_KMOD_SHARED_HDRS); do \
		$(INSTALL_DATA) "$(srcdir)/$$f" "$$d/include/shrike/" || exit 1; \
	done; \
	$(SED) -e 's/^SHRIKE_HEADERS ?= tree$$/SHRIKE_HEADERS ?= here/' \
		-e 's/^SHRIKE_VERSION ?=$$/SHRIKE_VERSION ?= $(PACKAGE_VERSION)/' \
		"$(srcdir)/sources/kmod/module/Kbuild" >"$$d/Kbuild.tmp" && \
	grep -q '^SHRIKE_HEADERS ?= here$$' "$$d/Kbuild.tmp" && \
	grep -q '^SHRIKE_VERSION ?= $(PACKAGE_VERSION)$$' "$$d/Kbuild.tmp" || \
		{ echo "sources/kmod/module/Kbuild: no SHRIKE_HEADERS or SHRIKE_VERSION line to set" >&2; \
		  rm -f "$$d/Kbuild.tmp"; exit 1; }; \
	chmod 644 "$$d/Kbuild.tmp" && mv "$$d/Kbuild.tmp" "$$d/Kbuild" && \
	$(SED) -e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g' \
		"$(srcdir)/sources/kmod/module/dkms.conf.in" >"$$d/dkms.conf.tmp" && \
	chmod 644 "$$d/dkms.conf.tmp" && mv "$$d/dkms.conf.tmp" "$$d/dkms.conf"

uninstall-kmod-source:
	@d='$(DESTDIR)$(shrikekmodsrcdir)'; \
	for f in $(SK_KMOD_SRC_FILES) sources/kmod/module/Makefile sources/kmod/shrike_kmod.h \
		sources/ebpf/probe.h $(SK_KMOD_SHARED_HDRS) Kbuild dkms.conf; do \
		case $$f in include/*) ;; *) f=`basename $$f`;; esac; \
		rm -f "$$d/$$f"; \
	done; \
	rmdir "$$d/include/shrike" "$$d/include" "$$d" 2>/dev/null; :

.PHONY: install-kmod-source uninstall-kmod-source
