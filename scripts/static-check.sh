#!/bin/sh
# scripts/static-check.sh - cppcheck and clang-tidy over every C file the
# daemon and its plugins are built from (`make static-check`; CI's gcc
# stage). Which checks and why: docs/static-checks.md, .clang-tidy,
# .cppcheck-suppressions.
#
#   scripts/static-check.sh [BUILDDIR]     (default: the current directory)
#
# BUILDDIR is a configured build tree. Its compile_commands.json is written
# by scripts/compdb.py from the flags automake knows (make -n: nothing is
# rebuilt). Left out: the eBPF probe (clang -target bpf, its own rule),
# the kernel module (kbuild), the unit tests, tests/ and bench/ (not built
# by `all`: test code misuses APIs on purpose). cppcheck does not read the
# generated BPF skeleton (its include guard is predefined): cppcheck 2.10
# spends over 20 minutes on its 4.5 MB embedded ELF string; clang-tidy
# reads it, and reports only our own headers (a finding inside the
# skeleton, libbpf's generated code, is dropped).
#
# Prints TAP: one point per tool, "not ok" with every finding; exits 1 on
# any finding. JOBS=N runs N clang-tidy processes (default: nproc).
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(dirname "$here")
builddir=$(cd "${1:-.}" && pwd) || exit 2
jobs=${JOBS:-$(nproc)}
if [ ! -f "$builddir/Makefile" ]; then
	echo "static-check: $builddir is not a configured build tree (run ./configure first)" >&2
	exit 2
fi
for t in cppcheck clang-tidy run-clang-tidy python3; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "static-check: $t not found: scripts/install-deps.sh --test installs it" >&2
		exit 2
	fi
done
out=$builddir/static-check
rm -rf "$out" && mkdir -p "$out/tidy" || exit 2
t0=$(date +%s)

# the compilation database: every C file `all` compiles
files=$(cd "$srcdir" && find common core outputs plugins sources -name '*.c' \
	! -name '*.bpf.c' ! -name '*_test.c' ! -path 'sources/kmod/module/*')
# shellcheck disable=SC2086
python3 "$here/compdb.py" "$builddir" "$out/tidy/compile_commands.json" $files || exit 1
python3 - "$out/tidy/compile_commands.json" "$out/cppcheck.json" <<'EOF' || exit 1
# cppcheck's copy: the skeleton's guard predefined, and each command as a
# shell-quoted string (cppcheck drops the quotes of -DSK_PLUGINS_DIR="..."
# in an argument list and then reports syntax errors where it is used)
import json, shlex, sys
db = json.load(open(sys.argv[1]))
for e in db:
    a = e.pop("arguments")
    a.insert(1, "-D__PROBE_BPF_SKEL_H__")
    e["command"] = " ".join(shlex.quote(x) for x in a)
json.dump(db, open(sys.argv[2], "w"), indent=1)
EOF
echo "1..2"
status=0

t=$(date +%s)
cppcheck --project="$out/cppcheck.json" -j"$jobs" --quiet \
	--enable=warning,portability,performance --std=c11 \
	--inline-suppr --suppressions-list="$srcdir/.cppcheck-suppressions" \
	--error-exitcode=1 --template='{file}:{line}: {severity} [{id}] {message}' \
	2>"$out/cppcheck.txt"
rc=$?
n=$(grep -c ': .* \[' "$out/cppcheck.txt")
if [ $rc -eq 0 ] && [ "$n" -eq 0 ]; then
	echo "ok 1 - cppcheck: no finding ($(($(date +%s) - t)) s)"
else
	status=1
	echo "not ok 1 - cppcheck: $n finding(s) ($(($(date +%s) - t)) s)"
	sed 's/^/# /' "$out/cppcheck.txt"
fi

t=$(date +%s)
run-clang-tidy -quiet -p "$out/tidy" -j "$jobs" >"$out/clang-tidy.txt" 2>&1
rc=$?
sed 's/\x1b\[[0-9;]*m//g' "$out/clang-tidy.txt" | grep -E ': (warning|error): ' >"$out/clang-tidy-all.txt"
grep -v '\.skel\.h:' "$out/clang-tidy-all.txt" | sort -u >"$out/clang-tidy-findings.txt"
n=$(wc -l <"$out/clang-tidy-findings.txt")
# run-clang-tidy fails on a finding in the skeleton too: only a failure
# with no finding at all (a file that does not compile) counts then
if [ "$n" -eq 0 ] && { [ $rc -eq 0 ] || [ -s "$out/clang-tidy-all.txt" ]; }; then
	echo "ok 2 - clang-tidy: no finding ($(($(date +%s) - t)) s)"
else
	status=1
	echo "not ok 2 - clang-tidy: $n finding(s) ($(($(date +%s) - t)) s)"
	sed 's/^/# /' "$out/clang-tidy-findings.txt"
	[ "$n" -eq 0 ] && tail -n 20 "$out/clang-tidy.txt" | sed 's/^/# /'
fi
echo "# static-check: $(($(date +%s) - t0)) s in all; logs in $out"
exit $status
