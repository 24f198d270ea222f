#!/bin/sh
# tests/integration/hardening.sh - the daemon and every plugin module in
# tests/plugins.d carry the protections m4/sk_hardening.m4 asks for:
# hardening-check (devscripts) on each real ELF, and readelf for full RELRO
# (GNU_RELRO, BIND_NOW) and PIE (ET_DYN with DF_1_PIE for the daemon).
#
# Where hardening-check cannot prove a protection from the binary alone,
# the test says so and accepts only this evidence:
#   Stack protected "no"   every compile unit of ours in the object's DWARF
#                          names -fstack-protector-strong: it was compiled
#                          with it and no function has an array or an
#                          address-taken local to guard
#   Fortify "unknown, no protectable libc functions used"
#                          nothing the compiler could check; "no, only
#                          unprotected functions" is accepted only for the
#                          modules listed below (stdout.so; lintian's same
#                          verdict is explained in debian/README.source),
#                          and fails anywhere else
#   Stack clash "unknown"  no frame large enough to need probes
#   Control flow integrity Debian 12's crti.o and crtn.o (glibc 2.36) carry
#                          no IBT/SHSTK property, so ld drops it from every
#                          program and library linked there, ours and
#                          /usr/bin/ls alike; the test checks instead that
#                          our code has endbr64 landing pads (x86-64,
#                          -fcf-protection)
# Skipped only when configure ran with --disable-hardening (SK_HARDENING,
# from tests/local.mk). With --enable-sanitizers _FORTIFY_SOURCE is off on
# purpose (SK_FORTIFY says why) and the test checks that it is.
. "$top_srcdir/tests/lib.sh"

[ "${SK_HARDENING:-yes}" = no ] && tap_skip_all "configured with --disable-hardening"
command -v hardening-check >/dev/null 2>&1 ||
	tap_skip_all "hardening-check not installed (Debian package devscripts)"
command -v readelf >/dev/null 2>&1 || tap_skip_all "readelf not installed (binutils)"

# modules whose only fortifiable calls have sizes known at run time only:
# stdout.so's one snprintf writes into a buffer sized at run time. The
# list is here, not read from debian/README.source (which explains the
# same module to lintian's hardening-no-fortify-functions): the release
# tarball that `make distcheck` tests has no debian/.
no_fortify_ok="stdout.so"

# the real ELF behind the libtool wrapper, if shrike is one
is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }
daemon=$SHRIKE
if ! is_elf "$daemon"; then
	daemon=$(dirname "$SHRIKE")/.libs/$(basename "$SHRIKE")
fi
objs=$daemon
for so in "$SK_TEST_PLUGINS_DIR"/*.so; do
	[ -e "$so" ] && objs="$objs $(readlink -f "$so")"
done
n=$(echo "$objs" | wc -w)
tap_plan $((n * 10))

# field OUT NAME - hardening-check's verdict for NAME
field() { printf '%s\n' "$1" | sed -n "s/^ $2: //p"; }

# own_cus_have OBJ FLAG - every compile unit of our tree (by its DWARF
# producer) was compiled with FLAG; false without debug information
own_cus_have() {
	readelf --debug-dump=info --dwarf-depth=1 "$1" 2>/dev/null | awk -v flag="$2" -v top="$top_srcdir" '
		/DW_TAG_compile_unit/ { if (cu) check(); cu = 1; prod = ""; name = "" }
		/DW_AT_producer/ { prod = $0 }
		/DW_AT_name/ && name == "" { name = $NF }
		function check() {
			if (name ~ /^\// && index(name, top) != 1) return
			if (name ~ /\.S$/ || name == "") return
			n++; if (index(prod, " " flag) == 0) bad++
		}
		END { if (cu) check(); exit (n > 0 && bad == 0) ? 0 : 1 }'
}

for obj in $objs; do
	b=$(basename "$obj")
	out=$(hardening-check --nocfprotection "$obj" 2>&1)
	is_so=no
	case $b in *.so) is_so=yes ;; esac

	v=$(field "$out" "Position Independent Executable")
	if [ $is_so = yes ]; then
		is "$v" "no, regular shared library (ignored)" "$b: a shared library (position independent)"
	else
		is "$v" yes "$b: PIE (hardening-check)"
	fi

	v=$(field "$out" "Stack protected")
	if [ "$v" = yes ]; then
		pass "$b: stack protector"
	elif own_cus_have "$obj" -fstack-protector-strong; then
		pass "$b: stack protector: compiled with -fstack-protector-strong, no function needs a canary (DWARF producer)"
	else
		fail "$b: stack protector" "hardening-check: $v" "and the DWARF producer does not show -fstack-protector-strong"
	fi

	v=$(field "$out" "Fortify Source functions")
	case ${SK_FORTIFY:-3}:$v in
	[23]:yes*) pass "$b: _FORTIFY_SOURCE=${SK_FORTIFY:-3}: $v" ;;
	[23]:"unknown, no protectable libc functions used")
		pass "$b: _FORTIFY_SOURCE: no libc call the compiler could check ($v)" ;;
	[23]:"no, only unprotected functions found!")
		if printf ' %s ' $no_fortify_ok | grep -q " $b "; then
			pass "$b: _FORTIFY_SOURCE: every checkable call has a run-time size (known case)"
		else
			fail "$b: _FORTIFY_SOURCE" "hardening-check: $v" \
				"hardening-check -R $obj lists the calls; see docs/static-checks.md"
		fi ;;
	"none (--enable-sanitizers"*) pass "$b: _FORTIFY_SOURCE off on purpose: ${SK_FORTIFY}" ;;
	*) fail "$b: _FORTIFY_SOURCE" "configure: ${SK_FORTIFY:-}" "hardening-check: $v" ;;
	esac

	is "$(field "$out" "Read-only relocations")" yes "$b: RELRO (hardening-check)"
	is "$(field "$out" "Immediate binding")" yes "$b: immediate binding (hardening-check)"

	v=$(field "$out" "Stack clash protection")
	case $v in
	yes* | "unknown, no -fstack-clash-protection instructions found")
		pass "$b: stack clash protection: $v" ;;
	*) fail "$b: stack clash protection" "hardening-check: $v" ;;
	esac

	if [ "$(uname -m)" = x86_64 ]; then
		nendbr=$(objdump -d --no-show-raw-insn "$obj" | grep -c 'endbr64')
		if [ "$nendbr" -gt 0 ]; then
			pass "$b: -fcf-protection: $nendbr endbr64 landing pads"
		else
			fail "$b: -fcf-protection: no endbr64 landing pad"
		fi
	else
		pass "$b: control flow protection is only checked on x86-64"
	fi

	dyn=$(readelf -dW "$obj")
	like "$dyn" '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW' "$b: readelf: BIND_NOW"
	like "$(readelf -lW "$obj")" 'GNU_RELRO' "$b: readelf: GNU_RELRO segment"
	typ=$(readelf -hW "$obj" | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p')
	if [ $is_so = yes ]; then
		is "$typ" DYN "$b: readelf: ET_DYN"
	elif [ "$typ" = DYN ] && printf '%s\n' "$dyn" | grep -Eq '\(FLAGS_1\).*PIE'; then
		pass "$b: readelf: ET_DYN with DF_1_PIE"
	else
		fail "$b: readelf: ET_DYN with DF_1_PIE" "type $typ" "$(printf '%s\n' "$dyn" | grep FLAGS)"
	fi
done
tap_done
