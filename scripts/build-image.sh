#!/bin/sh
# scripts/build-image.sh - build Shrike's container image (Containerfile)
# from Shrike's Debian packages, on a Debian 12 base made here from
# Debian's own packages: no image registry is needed, only Debian's
# archive (for the base and for the packages' dependencies).
#
#   scripts/build-image.sh [--tag IMAGE] DEBS_DIR
#
# DEBS_DIR holds shrike_*.deb and the shrike-plugin-*.deb to install
# (other .deb files there are ignored). The base, localhost/debian:bookworm,
# is `mmdebstrap --variant=minbase bookworm` (documentation excluded by
# dpkg, for this build and every package installed later) imported with
# `podman import`; the tarball is cached under $SK_IMAGE_CACHE (default
# /var/cache/shrike/image-base), one per day, and the image is reused when
# podman already has it. The image is tagged localhost/shrike:VERSION (the
# upstream version of shrike_*.deb, 0.1.0 for 0.1.0-1) unless --tag says
# otherwise, and its size is printed at the end.
#
# Environment: SK_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# SK_DEBIAN_SECURITY (default http://deb.debian.org/debian-security),
# SK_IMAGE_CACHE, SK_IMAGE_BASE (default localhost/debian:bookworm).
# Needs root, podman and mmdebstrap (scripts/install-deps.sh --test).
set -eu

usage() {
	echo "usage: $0 [--tag IMAGE] DEBS_DIR" >&2
	exit 2
}
tag=
while [ $# -gt 0 ]; do
	case $1 in
	--tag)
		[ $# -ge 2 ] || usage
		tag=$2
		shift 2
		;;
	-h | --help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
debs=$1
top=$(cd "$(dirname "$0")/.." && pwd)
mirror=${SK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${SK_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
cache=${SK_IMAGE_CACHE:-/var/cache/shrike/image-base}
base=${SK_IMAGE_BASE:-localhost/debian:bookworm}

die() {
	echo "$0: $*" >&2
	exit 1
}

# the packages: exactly one shrike_*.deb, whose version names the image
set -- "$debs"/shrike_*.deb
[ -f "$1" ] || die "$debs: no shrike_*.deb (build the packages first: dpkg-buildpackage)"
[ $# -eq 1 ] || die "$debs: $# shrike_*.deb files; keep one version there"
main=$1
version=$(dpkg-deb -f "$main" Version) || die "$main: not a Debian package"
# the upstream version (no epoch, no Debian revision), as the DaemonSet in
# deploy/kubernetes/ names the image
upstream=${version#*:}
upstream=${upstream%-*}
[ -n "$tag" ] || tag=localhost/shrike:$(echo "$upstream" | sed 's/[^A-Za-z0-9_.-]/_/g')

# the base image, from a cached tarball of today's Debian 12
if ! podman image exists "$base"; then
	command -v mmdebstrap >/dev/null || die "mmdebstrap is not installed (scripts/install-deps.sh --test)"
	mkdir -p "$cache"
	tarball=$cache/bookworm-minbase-$(date -u +%Y%m%d).tar
	if [ ! -s "$tarball" ]; then
		echo "making the Debian 12 base ($tarball)"
		mmdebstrap --variant=minbase --format=tar --quiet \
			--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
			--aptopt='APT::Install-Recommends "false"' \
			--dpkgopt='path-exclude=/usr/share/doc/*' \
			--dpkgopt='path-include=/usr/share/doc/*/copyright' \
			--dpkgopt='path-exclude=/usr/share/man/*' \
			--dpkgopt='path-exclude=/usr/share/info/*' \
			--dpkgopt='path-exclude=/usr/share/locale/*' \
			--dpkgopt='path-exclude=/usr/share/lintian/*' \
			bookworm "$tarball.tmp" \
			"deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
			"deb $security bookworm-security main" ||
			{
				rm -f "$tarball.tmp"
				die "mmdebstrap failed (is $mirror reachable?)"
			}
		mv "$tarball.tmp" "$tarball"
		# older days' bases are stale: keep the cache to one tarball
		find "$cache" -name 'bookworm-minbase-*.tar' ! -name "${tarball##*/}" -delete
	fi
	podman import --change 'CMD ["/bin/bash"]' "$tarball" "$base" >/dev/null ||
		die "podman import $tarball failed"
fi

# the build context: the Containerfile and the packages to install
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir "$ctx/debs"
cp "$top/Containerfile" "$ctx/"
cp "$main" "$ctx/debs/"
for d in "$debs"/shrike-plugin-*.deb; do
	[ -f "$d" ] && cp "$d" "$ctx/debs/"
done
echo "building $tag from $(cd "$ctx/debs" && echo *.deb)"
podman build --network=host --build-arg BASE="$base" -f "$ctx/Containerfile" -t "$tag" "$ctx" ||
	die "podman build failed"
size=$(podman image inspect --format '{{.Size}}' "$tag")
echo "$tag: $size bytes ($((size / 1048576)) MiB)"
