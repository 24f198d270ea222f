# tests/kmod/kmod_lib.sh - what the tests that build shrike.ko against
# Debian's headers and load it in QEMU share (tests/kmod/vm_module.sh,
# tests/kmod/vm_compare.sh). Sourced after tests/lib.sh and
# tests/ebpf/vm_lib.sh (its cache, its private apt configuration and A()).
#
# The headers of each kernel vm_lib.sh boots: linux-headers-RELEASE,
# linux-headers-RELEASE-common (same version) and linux-kbuild-X.Y are
# downloaded the way vm_lib.sh downloads the kernels (a private apt
# configuration: nothing below /etc/apt or /var/lib/apt is read or
# written) into $SK_KERNEL_CACHE/headers/SUITE, extracted with dpkg-deb
# -x, and the headers' Makefile, which includes the -common tree by
# absolute path, is pointed at the extracted copy. The module's source is
# installed as `make install` installs it (the install-kmod-source part,
# prefix=/usr: the self-contained copy in /usr/src/shrike-VERSION with its
# dkms.conf) and built there with this machine's gcc, warnings as errors.
#
#   kmod_require               skip the test (tap_skip_all) without the tools
#   kmod_fetch_headers SUITE...  the suites' headers; failures in $hdr_err
#   kmod_headers SUITE         the headers' directory of SUITE's kernel
#   install_source DESTDIR     the module's source as make install installs it
#   kmod_build SUITE DIR LOG   install the source below DIR and build it for
#                              SUITE's kernel; the module's path in $ko
#                              (in a root of SUITE made by kmod_root when
#                              the kernel asks for a newer gcc)

# kmod_require - the tools to download kernels and boot them
# (vm_tools_require) and the module's build tools, else skip.
kmod_require() {
	vm_tools_require
	command -v make >/dev/null && command -v gcc >/dev/null || tap_skip_all "make and gcc are needed to build the module"
}

# ---- the headers --------------------------------------------------------------

hcache="$cache/headers"

# fetch_headers SUITE - the headers of SUITE's kernel (the one in
# $cache/SUITE) in $hcache/SUITE/tree, their Makefile pointed at the
# extracted -common tree; "linux-headers-RELEASE VERSION" in
# $hcache/SUITE/package. Prints what went wrong.
fetch_headers() {
	_s=$1
	_rel=$(cat "$cache/$_s/release" 2>/dev/null)
	_ver=$(cut -d' ' -f2 "$cache/$_s/package" 2>/dev/null)
	[ -n "$_rel" ] && [ -n "$_ver" ] || { echo "$_s: no kernel in the cache"; return 1; }
	_want="linux-headers-$_rel $_ver"
	if [ "$(cat "$hcache/$_s/package" 2>/dev/null)" = "$_want" ] &&
		[ -f "$hcache/$_s/tree/usr/src/linux-headers-$_rel/Makefile" ]; then
		return 0
	fi
	mirror=${SK_DEBIAN_MIRROR:-$(debian_mirror)}
	[ -n "$mirror" ] || { echo "no Debian mirror in /etc/apt/sources.list{,.d}: set SK_DEBIAN_MIRROR"; return 1; }
	# vm_lib.sh's A() on an apt state of its own (st is read at each call)
	st="$hcache/apt"
	mkdir -p "$st/none" "$st/state" "$st/lists/partial" "$st/cache/archives/partial" || return 1
	: >"$st/status"
	: >"$st/log"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $_s main" >"$st/sources.list"
	A apt-get -q update >>"$st/log" 2>&1 || { echo "$_s: apt-get update failed: $(tail -n 3 "$st/log" | tr '\n' ' ')"; return 1; }
	_hp="linux-headers-$_rel"
	_common=$(depends_on "$_hp=$_ver" linux-headers-)
	_kb=$(depends_on "$_hp=$_ver" linux-kbuild-)
	_cver=$(suite_version "$_common" "$_s")
	_kbver=$(suite_version "$_kb" "$_s")
	[ -n "$_common" ] && [ -n "$_cver" ] && [ -n "$_kb" ] && [ -n "$_kbver" ] ||
		{ echo "$_s: $_hp=$_ver: no -common or linux-kbuild dependency found"; return 1; }
	_x="$hcache/$_s.new"
	rm -rf "$_x" "$st/dl" && mkdir -p "$_x/tree" "$st/dl" || return 1
	if ! (cd "$st/dl" && A apt-get download "$_hp=$_ver" "$_common=$_cver" "$_kb=$_kbver") >>"$st/log" 2>&1; then
		echo "$_s: apt-get download $_hp $_common $_kb failed: $(tail -n 3 "$st/log" | tr '\n' ' ')"
		rm -rf "$_x" "$st/dl"
		return 1
	fi
	for _d in "$st"/dl/*.deb; do
		dpkg-deb -x "$_d" "$_x/tree" || { echo "$_s: dpkg-deb -x $_d failed"; rm -rf "$_x" "$st/dl"; return 1; }
	done
	rm -rf "$st/dl" "$st/cache/pkgcache.bin"
	# the Makefile is "include /usr/src/linux-headers-RELEASE-common/Makefile",
	# since 7.x preceded by "KBUILD_OUTPUT=/usr/src/linux-headers-RELEASE"
	_mk="$_x/tree/usr/src/$_hp/Makefile"
	sed -i -e "s|^include /usr/src/|include $hcache/$_s/tree/usr/src/|" \
		-e "s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$hcache/$_s/tree/usr/src/|" "$_mk" || return 1
	grep -q "^include $hcache/$_s/tree/usr/src/" "$_mk" ||
		{ echo "$_s: unexpected $_hp/Makefile: $(head -n 3 "$_mk" | tr '\n' ' ')"; return 1; }
	echo "$_want" >"$_x/package" && rm -rf "$hcache/$_s" && mv "$_x" "$hcache/$_s"
}

# kmod_fetch_headers SUITE... - every SUITE's headers in $hcache (one run
# at a time, under the kernel cache's lock); what went wrong in $hdr_err.
kmod_fetch_headers() {
	_t0=$(date +%s)
	mkdir -p "$hcache" 2>/dev/null || tap_skip_all "cannot create $hcache (SK_KERNEL_CACHE)"
	exec 9>>"$cache/.lock"
	command -v flock >/dev/null && flock -w 900 9
	hdr_err=""
	for _fs in "$@"; do
		_e=$(fetch_headers "$_fs") || hdr_err="$hdr_err$_fs: $_e
"
	done
	exec 9>&-
	echo "# headers: $(($(date +%s) - _t0)) s to check or fill $hcache"
}

# kmod_headers SUITE - the directory of SUITE's headers (it may not exist).
kmod_headers() { echo "$hcache/$1/tree/usr/src/linux-headers-$(cat "$cache/$1/release" 2>/dev/null)"; }

# ---- the module -----------------------------------------------------------------

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h" 2>/dev/null)

# install_source DESTDIR - the module's source as `make install` installs it,
# below DESTDIR/usr/src/shrike-$version
install_source() {
	rm -rf "$1" &&
		env -u MAKEFLAGS -u MFLAGS make -C "$top_builddir" install-kmod-source DESTDIR="$1" prefix=/usr &&
		[ -f "$1/usr/src/shrike-$version/dkms.conf" ] && [ -f "$1/usr/src/shrike-$version/Kbuild" ]
}

# kmod_root SUITE - $kroot: a root of SUITE ($cache/build-roots/SUITE)
# made with mmdebstrap from Debian's registry, with the headers of SUITE's
# kernel installed by apt and what they depend on (their gcc, their
# kbuild tools), for kernels this machine cannot build for: trixie's
# headers ask for gcc 14, sid's for gcc 16, and their kbuild tools
# (objtool, modpost) for a newer glibc than Debian 12's. Kept while the
# kernel's release stays the same; made under the cache's lock. Prints
# what went wrong.
kmod_root() {
	_s=$1
	_rel=$(cat "$cache/$_s/release" 2>/dev/null)
	kroot="$cache/build-roots/$_s"
	[ -f "$kroot/usr/src/linux-headers-$_rel/Makefile" ] && return 0
	command -v mmdebstrap >/dev/null || { echo "$_s: mmdebstrap is needed to build for this kernel (package mmdebstrap)"; return 1; }
	[ "$(id -u)" = 0 ] || { echo "$_s: building in a $_s root needs root (chroot)"; return 1; }
	_m=${SK_DEBIAN_MIRROR:-$(debian_mirror)}
	[ -n "$_m" ] || { echo "no Debian mirror in /etc/apt/sources.list{,.d}: set SK_DEBIAN_MIRROR"; return 1; }
	mkdir -p "$cache/build-roots" || return 1
	exec 9>>"$cache/.lock"
	command -v flock >/dev/null && flock -w 900 9
	_rc=0
	if [ ! -f "$kroot/usr/src/linux-headers-$_rel/Makefile" ]; then
		rm -rf "$kroot.tmp"
		_t0=$(date +%s)
		# the expiry of Release files as this machine's apt sees it (a
		# mirror frozen in time has expired ones: sid's)
		_vu=$(apt-config dump 2>/dev/null | sed -n 's/^Acquire::Check-Valid-Until "\(.*\)";$/\1/p' | head -n1)
		if mmdebstrap --variant=apt ${_vu:+--aptopt="Acquire::Check-Valid-Until \"$_vu\""} \
			--include="linux-headers-$_rel,make" "$_s" "$kroot.tmp" "$_m" \
			>"$cache/build-roots/$_s.log" 2>&1; then
			rm -rf "$kroot" && mv "$kroot.tmp" "$kroot" || _rc=1
			echo "# $_s root for the module's build: $(($(date +%s) - _t0)) s" >&2
		else
			echo "$_s: mmdebstrap failed: $(tail -n 3 "$cache/build-roots/$_s.log" | tr '\n' ' ')"
			rm -rf "$kroot.tmp"
			_rc=1
		fi
	fi
	exec 9>&-
	return $_rc
}

# kmod_gcc_of HEADERS - the major version of the gcc the kernel of those
# headers was built with (0 when unknown)
kmod_gcc_of() { sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)[0-9][0-9][0-9][0-9]$/\1/p' "$1/.config" 2>/dev/null | head -n1 | grep . || echo 0; }

# kmod_build SUITE DIR LOG - install the module's source below DIR (as
# make install does) and build it there for SUITE's kernel, warnings as
# errors: with this machine's gcc, or, when the kernel was built with a
# newer gcc than this machine has, in a root of SUITE (kmod_root) with
# that suite's own gcc, as DKMS builds it on such a system. The module in
# $ko, how it was built in $kmod_how ("gcc 12", "gcc 14 in a trixie
# root"), the output in LOG. Fails when it does not build. The build in a
# root runs in a mount namespace of its own with /proc mounted (sid's
# objtool reads it), so nothing is left mounted.
kmod_build() {
	ko="$2/usr/src/shrike-$version/shrike.ko"
	_hdr=$(kmod_headers "$1")
	_want=$(kmod_gcc_of "$_hdr")
	_have=$(gcc -dumpversion 2>/dev/null | cut -d. -f1)
	install_source "$2" >"$3" 2>&1 || return 1
	if [ "${_want:-0}" -le "${_have:-0}" ]; then
		kmod_how="gcc $_have"
		make -C "$_hdr" M="$2/usr/src/shrike-$version" CC=gcc SHRIKE_WERROR=1 >>"$3" 2>&1 &&
			[ -f "$ko" ]
		return
	fi
	kmod_how="gcc $_want in a $1 root"
	kmod_root "$1" >>"$3" 2>&1 || return 1
	_rel=$(cat "$cache/$1/release")
	_b="/build/$$.$(date +%s%N)"
	mkdir -p "$kroot$_b" &&
		cp -R "$2/usr/src/shrike-$version" "$kroot$_b/" &&
		unshare -m sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" make -C "$2" M="$3" SHRIKE_WERROR=1' \
			sh "$kroot" "/usr/src/linux-headers-$_rel" "$_b/shrike-$version" >>"$3" 2>&1 &&
		cp "$kroot$_b/shrike-$version/shrike.ko" "$ko"
	_rc=$?
	rm -rf "$kroot$_b"
	return $_rc
}
