# man/local.mk - the manual pages: shrike(8), shrike.yaml(5), shrike-rules(5).
# shrike.8 names the install directories, so it is generated from
# shrike.8.in with the same substitution as shrike.yaml (make variables, so
# `make prefix=...` works too); the section 5 pages are written as shipped.

man8_MANS = man/shrike.8
dist_man5_MANS = man/shrike.yaml.5 man/shrike-rules.5
man/shrike.8: $(srcdir)/man/shrike.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(SED) -e 's|@pluginsdir[@]|$(pluginsdir)|g' -e 's|@rulesdir[@]|$(rulesdir)|g' \
		-e 's|@confdir[@]|$(confdir)|g' $(srcdir)/man/shrike.8.in > $@.tmp && mv $@.tmp $@
EXTRA_DIST += man/shrike.8.in
CLEANFILES += man/shrike.8

# The pages render without a groff warning and agree with `shrike --help`
# and the configuration keys (tests/integration/manpages.sh).
TESTS += tests/integration/manpages.sh
EXTRA_DIST += tests/integration/manpages.sh
