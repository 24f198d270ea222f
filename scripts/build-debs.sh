#!/bin/sh
# scripts/build-debs.sh - build Shrike's Debian packages from this git
# checkout in a clean copy of it, and check them with lintian:
#
#   scripts/build-debs.sh OUTDIR
#
# The tracked files (as they are in the working tree, uncommitted changes
# included) are copied to a fresh directory, so nothing a developer built
# in the tree gets in; `dpkg-buildpackage -us -uc -b` runs there with
# the build dependencies debian/control declares (install them with
# `apt-get build-dep ./` or scripts/install-deps.sh --test). OUTDIR gets the
# .deb files, the .changes and .buildinfo, build.log and lintian.txt
# (`lintian --info` of the .changes: every tag, E: errors make this script
# fail). DEB_BUILD_OPTIONS passes through (CI sets nocheck: it runs the
# unit tests in its own stages).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
out=${1:?usage: scripts/build-debs.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if ! git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "$0: not a git checkout: the package is built from the tracked files" >&2
	exit 2
fi
for t in dpkg-buildpackage lintian; do
	command -v $t >/dev/null || {
		echo "$0: $t is missing (scripts/install-deps.sh --test)" >&2
		exit 2
	}
done

work=$(mktemp -d "${TMPDIR:-/tmp}/shrike-debs.XXXXXX")
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's/^AC_INIT(\[shrike\], \[\([^]]*\)\].*/\1/p' configure.ac)
src="$work/shrike-$version"
mkdir "$src"
git ls-files -z | (cd "$top" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$src"

start=$(date +%s)
if ! (cd "$src" && dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$out/build.log" 2>&1; then
	tail -n 60 "$out/build.log" >&2
	echo "$0: dpkg-buildpackage failed (whole log: $out/build.log)" >&2
	exit 1
fi
echo "built in $(($(date +%s) - start)) s"
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out/"
# lintian reads the packages next to the .changes
lintian --info --display-info --pedantic "$out"/*.changes >"$out/lintian.txt" 2>&1 || :
ls -l "$out"/*.deb
grep -E '^[EW]: ' "$out/lintian.txt" || echo "lintian: no error, no warning"
if grep -q '^E: ' "$out/lintian.txt"; then
	echo "$0: lintian reports errors ($out/lintian.txt)" >&2
	exit 1
fi
