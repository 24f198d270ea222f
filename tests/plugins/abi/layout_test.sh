#!/bin/sh
# tests/plugins/abi/layout_test.sh - ABI 1.0 is frozen: every member 1.0 has
# keeps its offset and size, every constant its value, and no struct shrinks
# (docs/plugin-abi.md). Compares the layout printed by layout.c built against
# the frozen 1.0 headers with the one built against include/shrike/.
. "$top_srcdir/tests/lib.sh"

frozen="$top_builddir/tests/plugins/abi/layout_1_0"
current="$top_builddir/tests/plugins/abi/layout_current"

"$frozen" >"$T/frozen" || fail "the 1.0 layout program runs"
"$current" >"$T/current" || fail "the current layout program runs"

# offsets and constants: identical
grep -v '^size ' "$T/frozen" >"$T/f.fixed"
grep -v '^size ' "$T/current" >"$T/c.fixed"
if diff -u "$T/f.fixed" "$T/c.fixed" >"$T/diff"; then
	pass "every ABI 1.0 member keeps its offset and size, every constant its value ($(wc -l <"$T/f.fixed") checked)"
else
	fail "ABI 1.0 members or constants changed: restore them or bump SK_PLUGIN_ABI_MAJOR" "$(cat "$T/diff")"
fi

# sizes: never smaller than in 1.0
bad=$(awk 'NR == FNR { if ($1 == "size") old[$2] = $3; next }
	$1 == "size" && ($2 in old) && $3 + 0 < old[$2] + 0 { print $2 ": " old[$2] " -> " $3 }' \
	"$T/frozen" "$T/current")
is "$bad" "" "no ABI struct is smaller than in 1.0"
n=$(grep -c '^size ' "$T/frozen")
is "$(grep -c '^size ' "$T/current")" "$n" "the current headers still have all $n ABI 1.0 structs"

tap_plan "$_tap_n"
tap_done
