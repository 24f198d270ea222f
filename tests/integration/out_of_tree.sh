#!/bin/sh
# tests/integration/out_of_tree.sh - what an out-of-tree plugin author gets:
# `make install` into a scratch DESTDIR, the installed layout, a relocatable
# shrike-plugin.pc (pkg-config --define-prefix), and examples/sample built
# from a copy outside the source tree with nothing but the installed headers,
# exporting one symbol and loading through the real loader (plugcheck).
. "$top_srcdir/tests/lib.sh"

tap_plan 24

# A make of our own: not the jobserver or the variables of the make check
# that runs us.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
MAKE=${MAKE:-make}
D="$T/dest"
plugcheck="$top_builddir/tests/tools/plugcheck"

# mkvar NAME - a variable of the build tree's Makefile, fully expanded.
mkvar() {
	printf 'sk-print-%%:\n\t@echo $($*)\n' |
		$MAKE -s --no-print-directory -C "$top_builddir" -f Makefile -f - "sk-print-$1"
}
prefix=$(mkvar prefix)
bindir=$(mkvar bindir)
includedir=$(mkvar includedir)
pkgconfigdir=$(mkvar pkgconfigdir)
pluginsdir=$(mkvar pluginsdir)
confdir=$(mkvar confdir)

if $MAKE -C "$top_builddir" install DESTDIR="$D" >"$T/install.log" 2>&1; then
	pass "make install DESTDIR=\$T/dest"
else
	fail "make install DESTDIR=\$T/dest" "$(tail -n 30 "$T/install.log")"
fi

# ---- installed layout -------------------------------------------------------
ok_cmd "bin: $bindir/shrike is an executable" test -x "$D$bindir/shrike"
missing=
for h in alert capture event plugin value; do
	cmp -s "$top_srcdir/include/shrike/$h.h" "$D$includedir/shrike/$h.h" || missing="$missing $h.h"
done
is "$missing" "" "include: $includedir/shrike holds the public headers, unchanged"
ok_cmd "pkgconfig: $pkgconfigdir/shrike-plugin.pc" test -f "$D$pkgconfigdir/shrike-plugin.pc"
nso=$(ls "$D$pluginsdir"/*.so 2>/dev/null | wc -l)
like "$nso" '^[1-9]' "plugins: $pluginsdir holds the shipped modules ($nso)"
ok_cmd "conf: $confdir/shrike.yaml" test -f "$D$confdir/shrike.yaml"
if [ "$nso" -gt 0 ]; then
	bad=
	for so in "$D$pluginsdir"/*.so; do
		got=$(nm -D --defined-only "$so" | awk 'NF == 3 { print $3 }' | tr '\n' ' ')
		[ "$got" = "shrike_plugin_entry " ] || bad="$bad $(basename "$so")"
	done
	is "$bad" "" "every installed module exports only shrike_plugin_entry"
else
	fail "every installed module exports only shrike_plugin_entry" "no modules installed"
fi

# ---- the .pc file, relocated ------------------------------------------------
pc() { PKG_CONFIG_PATH="$D$pkgconfigdir" PKG_CONFIG_LIBDIR=/nonexistent pkg-config "$@" shrike-plugin; }
is "$(pc --define-prefix --cflags | sed 's/ *$//')" "-I$D$includedir" \
	"pkg-config --define-prefix --cflags points into the DESTDIR"
is "$(pc --define-prefix --variable=pluginsdir)" "$D$pluginsdir" \
	"pkg-config --define-prefix --variable=pluginsdir points into the DESTDIR"
is "$(pc --cflags | sed 's/ *$//')" "-I$includedir" \
	"without --define-prefix the configured includedir stays"
is "$(pc --modversion)" "$(mkvar VERSION)" "Version is the package version"
is "$(pc --variable=abi_major).$(pc --variable=abi_minor)" \
	"$(sed -n 's/^#define SK_PLUGIN_ABI_MAJOR \([0-9]*\)u$/\1/p' "$top_srcdir/include/shrike/plugin.h").$(sed -n 's/^#define SK_PLUGIN_ABI_MINOR \([0-9]*\)u$/\1/p' "$top_srcdir/include/shrike/plugin.h")" \
	"abi_major/abi_minor variables match plugin.h"
# (pkgconf ignores --with-path when PKG_CONFIG_LIBDIR is set, and looks in
# the system directories first, where a system-wide install of Shrike would
# shadow this one: look the installed file up under a name no system has.)
ln -s shrike-plugin.pc "$D$pkgconfigdir/shrike-plugin-oot-test.pc"
got=$(env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR pkg-config --with-path="$D$pkgconfigdir" \
	--define-prefix --cflags shrike-plugin-oot-test | sed 's/ *$//')
rm -f "$D$pkgconfigdir/shrike-plugin-oot-test.pc"
is "$got" "-I$D$includedir" "pkg-config --with-path finds it too"

# ---- the sample, outside the source tree ------------------------------------
mkdir -p "$T/sample"
cp "$top_srcdir/examples/sample/sample.c" "$top_srcdir/examples/sample/Makefile" "$T/sample/"
cflags=$(pc --define-prefix --cflags)
if ${CC:-cc} $cflags -shared -fPIC -o "$T/sample/direct.so" "$T/sample/sample.c" >"$T/cc.log" 2>&1; then
	pass "cc \$(pkg-config --cflags shrike-plugin) -shared -fPIC builds sample.c"
else
	fail "cc \$(pkg-config --cflags shrike-plugin) -shared -fPIC builds sample.c" "$(cat "$T/cc.log")"
fi
if PKG_CONFIG_PATH="$D$pkgconfigdir" PKG_CONFIG_LIBDIR=/nonexistent \
	$MAKE -C "$T/sample" PKG_CONFIG='pkg-config --define-prefix' >"$T/make.log" 2>&1; then
	pass "examples/sample/Makefile builds sample.so"
else
	fail "examples/sample/Makefile builds sample.so" "$(cat "$T/make.log")"
fi
is "$(nm -D --defined-only "$T/sample/sample.so" 2>&1 | awk 'NF == 3 { print $3 }')" \
	"shrike_plugin_entry" "sample.so exports exactly shrike_plugin_entry"
is "$(nm -D --defined-only "$T/sample/direct.so" 2>&1 | awk 'NF == 3 { print $3 }')" \
	"shrike_plugin_entry" "the plain cc build exports exactly shrike_plugin_entry"

# ---- loading it -------------------------------------------------------------
printf 'interval: 10ms\ncount: 3\nmessage: hi there\n' >"$T/sample.yaml"
"$plugcheck" "$T/sample/sample.so" "$T/sample.yaml" >"$T/pc.out" 2>"$T/pc.err"
is "$?" 0 "plugcheck loads, configures, inits and runs sample.so"
is "$(sed -n '1,5p' "$T/pc.out" | tr '\n' '|')" \
	"name: sample|version: 1.0.0|abi: 1.0|roles: source extract|event_source: sample|" \
	"it reports the plugin's name, version, ABI and roles"
is "$(grep '^field: ' "$T/pc.out" | tr '\n' '|')" \
	"field: sample.count u64|field: sample.msg string|field: sample.is_even bool|" \
	"it lists the sample's fields"
is "$(grep '^event \|^eof' "$T/pc.out" | sed 's/ len=[0-9]*//' | tr '\n' '|')" \
	'event 1: type=1 source=sample check=0 sample.count=1 sample.msg="hi there" sample.is_even=false|event 2: type=1 source=sample check=0 sample.count=2 sample.msg="hi there" sample.is_even=true|event 3: type=1 source=sample check=0 sample.count=3 sample.msg="hi there" sample.is_even=false|eof|' \
	"the source delivers count=3 events, then SK_EOF, with every field extracted"
is "$(cat "$T/pc.err")" "shrike: info: [plugin:sample] one event every 10 ms" \
	"the plugin logs through the host API, prefixed with its instance"

printf 'interval: soon\n' >"$T/bad.yaml"
"$plugcheck" "$T/sample/sample.so" "$T/bad.yaml" >/dev/null 2>"$T/bad.err"
st=$?
like "$st $(cat "$T/bad.err")" "^1 plugcheck: .*bad.yaml:1:11: sample.interval: " \
	"a bad parameter is refused with file:line:col before init()"

# ---- installing it ----------------------------------------------------------
if PKG_CONFIG_PATH="$D$pkgconfigdir" PKG_CONFIG_LIBDIR=/nonexistent \
	$MAKE -C "$T/sample" PKG_CONFIG='pkg-config --define-prefix' install >"$T/inst.log" 2>&1 &&
	test -f "$D$pluginsdir/sample.so"; then
	pass "make install puts sample.so into the (relocated) plugins directory"
else
	fail "make install puts sample.so into the (relocated) plugins directory" "$(cat "$T/inst.log")"
fi
tap_done
