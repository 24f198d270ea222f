# systemd/local.mk - the systemd units and the logrotate file, with the
# install directories filled in at make time (as shrike.yaml).

SK_UNIT_SED = $(SED) -e 's|@bindir[@]|$(bindir)|g' -e 's|@confdir[@]|$(confdir)|g'

if HAVE_SYSTEMDUNITDIR
systemdsystemunit_DATA = systemd/shrike.service systemd/shrike-kmod.service
endif
logrotatedir = $(sysconfdir)/logrotate.d
logrotate_DATA = systemd/shrike

systemd/shrike.service: $(srcdir)/systemd/shrike.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && $(SK_UNIT_SED) $(srcdir)/systemd/shrike.service.in > $@.tmp && mv $@.tmp $@
systemd/shrike-kmod.service: $(srcdir)/systemd/shrike-kmod.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && $(SK_UNIT_SED) $(srcdir)/systemd/shrike-kmod.service.in > $@.tmp && mv $@.tmp $@
systemd/shrike: $(srcdir)/systemd/shrike.logrotate.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && $(SK_UNIT_SED) $(srcdir)/systemd/shrike.logrotate.in > $@.tmp && mv $@.tmp $@
# built for the tests too, installed or not
noinst_DATA = systemd/shrike.service systemd/shrike-kmod.service
EXTRA_DIST += systemd/shrike.service.in systemd/shrike-kmod.service.in systemd/shrike.logrotate.in
CLEANFILES += systemd/shrike.service systemd/shrike-kmod.service systemd/shrike

# distcheck installs as a user below a prefix: the units go there too.
AM_DISTCHECK_CONFIGURE_FLAGS = --with-systemdsystemunitdir='$$(prefix)/lib/systemd/system'

SK_SYSTEMD_TESTS = tests/integration/systemd_units.sh
TESTS += $(SK_SYSTEMD_TESTS)
EXTRA_DIST += $(SK_SYSTEMD_TESTS)
