#!/bin/sh
# tests/plugins/exports_test.sh - every plugin module exports exactly one
# dynamic symbol of ours, shrike_plugin_entry: the fixture plugins that follow
# the module rules, and every module the tree ships ($SK_TEST_PLUGINS_DIR
# holds links to them). A second exported symbol would be a name clash
# waiting to happen between plugins.
. "$top_srcdir/tests/lib.sh"

fixtures="$top_builddir/tests/plugins/fixtures/.libs"
list="$T/modules"
: >"$list"
for so in "$fixtures"/*.so; do
	case $(basename "$so") in
	no_entry.so) ;; # exports something else on purpose
	*) [ -f "$so" ] && echo "$so" >>"$list" ;;
	esac
done
if [ -d "${SK_TEST_PLUGINS_DIR:-}" ]; then
	for so in "$SK_TEST_PLUGINS_DIR"/*.so; do
		[ -e "$so" ] && echo "$so" >>"$list"
	done
fi

n=$(wc -l <"$list")
if [ "$n" -eq 0 ]; then
	echo "1..1"
	echo "not ok 1 - no plugin modules found in $fixtures"
	exit 1
fi
tap_plan $((n + 1))
while read -r so; do
	got=$(nm -D --defined-only "$so" 2>&1 | awk 'NF == 3 { print $3 }' | tr '\n' ' ')
	is "$got" "shrike_plugin_entry " "$(basename "$so") exports only shrike_plugin_entry"
done <"$list"

got=$(nm -D --defined-only "$fixtures/no_entry.so" 2>&1 | awk 'NF == 3 { print $3 }' | tr '\n' ' ')
is "$got" "shrike_plugin_init " "no_entry.so exports only its decoy symbol"
tap_done
