# tests/ebpf/vm_lib.sh - what the tests that boot Debian kernels in QEMU
# share (tests/ebpf/kernels.sh, tests/ebpf/ia32.sh): the kernels, downloaded
# into a cache; a busybox initramfs holding the daemon, its plugins, the
# test tools, their shared libraries, the shipped configuration and the
# default rules; and the qemu command that boots one. Sourced after
# tests/lib.sh.
#
# Kernels are downloaded, never installed: a private apt configuration
# (sources list, lists, cache and status of its own; the Debian mirror is
# the one this machine's apt sources name) finds each suite's
# linux-image-amd64 dependency, `apt-get download`s it and extracts its
# vmlinuz into $SK_KERNEL_CACHE (default /var/cache/shrike/test-kernels,
# outside the build tree, so a second run and make distcheck download
# nothing). The cache is refreshed when older than SK_KERNEL_MAX_AGE days
# (default 7). SK_DEBIAN_MIRROR overrides the mirror; SK_KERNEL_CONSOLE=DIR
# keeps each VM's console. Needs qemu-system-x86, busybox-static, cpio, apt
# and dpkg.
#
#   vm_require                 skip the test (tap_skip_all) without the tools
#   vm_fetch SUITE...          the suites' kernels in $cache; failures in $fetch_err
#   vm_label SUITE             "6.1 (bookworm)": how the TAP lines name a kernel
#   vm_root DIR SCRIPT         an initramfs tree whose init runs SCRIPT
#   vm_pack DIR INITRD         the tree's libraries, packed (gzip'd newc cpio)
#   vm_boot SUITE INITRD OUT   boot it; the console, without \r, in OUT

qemu=$(command -v qemu-system-x86_64 || true)
busybox=/bin/busybox
capdump="$top_builddir/tests/tools/capdump"
sysprobe="$top_builddir/tests/ebpf/sysprobe"
cache=${SK_KERNEL_CACHE:-/var/cache/shrike/test-kernels}
maxage=${SK_KERNEL_MAX_AGE:-7}

# vm_tools_require - the tools to download kernels and boot them, else
# skip (tests/kmod/kmod_lib.sh's kmod_require uses it too).
vm_tools_require() {
	[ "$(uname -m)" = x86_64 ] || tap_skip_all "x86-64 only"
	[ -n "$qemu" ] || tap_skip_all "qemu-system-x86_64 not installed (qemu-system-x86)"
	{ [ -x "$busybox" ] && ldd "$busybox" 2>&1 | grep -q "not a dynamic"; } ||
		tap_skip_all "busybox-static not installed"
	command -v cpio >/dev/null || tap_skip_all "cpio not installed"
	command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
		tap_skip_all "apt-get and dpkg-deb are needed to download the kernels"
}

# vm_require - those tools and what the eBPF tests run in the VM, else skip.
vm_require() {
	vm_tools_require
	[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built"
	[ -r "$top_builddir/shrike.yaml" ] || tap_skip_all "the shipped shrike.yaml is not built"
}

# ---- the kernels ----------------------------------------------------------

# debian_mirror: tests/lib/debian.sh
. "$top_srcdir/tests/lib/debian.sh"

# A CMD ARG... - apt-get or apt-cache on the test's own apt state: it writes
# nothing below /etc/apt, /var/lib/apt or /var/cache/apt, and reads no
# sources or pins there (apt.conf.d still applies: a proxy, for one). The
# package cache is named explicitly: Debian's cloud and container images
# turn it off, and each apt-cache call would then parse the lists again.
st="$cache/apt"
A() {
	_cmd=$1
	shift
	"$_cmd" -o Dir::Etc::sourcelist="$st/sources.list" -o Dir::Etc::sourceparts="$st/none" \
		-o Dir::Etc::preferences="$st/none/preferences" -o Dir::Etc::preferencesparts="$st/none" \
		-o Dir::State="$st/state" -o Dir::State::Lists="$st/lists" \
		-o Dir::State::status="$st/status" -o Dir::Cache="$st/cache" \
		-o Dir::Cache::pkgcache="$st/cache/pkgcache.bin" -o Dir::Cache::srcpkgcache= \
		-o Acquire::Languages=none -o APT::Sandbox::User=root "$@"
}

# suite_version PKG SUITE - PKG's version in SUITE (apt-cache madison).
suite_version() {
	A apt-cache madison "$1" 2>/dev/null | awk -F'|' -v s="$2/main" '
		{ split($3, w, " ") } w[2] == s { gsub(/ /, "", $2); print $2; exit }'
}

# depends_on PKG=VER PREFIX - the first dependency of PKG=VER named PREFIX...
depends_on() {
	A apt-cache depends "$1" 2>/dev/null | sed -n "s/^ *Depends: \($2[^ <>]*\)\$/\1/p" | head -n1
}

# extract PKG VER DIR - download PKG=VER and extract its vmlinuz to DIR:
# boot/vmlinuz-RELEASE, or usr/lib/modules/RELEASE/vmlinuz (sid's
# linux-binary-*); only that file, the modules are not needed.
extract() {
	rm -rf "$st/dl" && mkdir -p "$st/dl" &&
		(cd "$st/dl" && A apt-get download "$1=$2") >>"$st/log" 2>&1 &&
		{ dpkg-deb --fsys-tarfile "$st"/dl/*.deb | tar -x -C "$3" --wildcards \
			'./boot/vmlinuz-*' './usr/lib/modules/*/vmlinuz' 2>/dev/null; }
	rm -rf "$st/dl"
	vmlinuz_in "$3" >/dev/null
}
# vmlinuz_in DIR - "PATH RELEASE" of the kernel extracted to DIR.
vmlinuz_in() {
	for _f in "$1"/boot/vmlinuz-* "$1"/usr/lib/modules/*/vmlinuz; do
		[ -f "$_f" ] || continue
		case $_f in
		*/boot/vmlinuz-*) echo "$_f ${_f##*/vmlinuz-}" ;;
		*) _r=${_f%/vmlinuz} && echo "$_f ${_r##*/}" ;;
		esac
		return 0
	done
	return 1
}

# fetch_suite SUITE - make $cache/SUITE/vmlinuz the newest kernel of SUITE
# (linux-image-amd64's dependency, or the linux-binary-* package that holds
# its vmlinuz, as sid's does).
fetch_suite() {
	_s=$1
	_ver=$(suite_version linux-image-amd64 "$_s")
	[ -n "$_ver" ] || { echo "no linux-image-amd64 in $_s"; return 1; }
	_img=$(depends_on "linux-image-amd64=$_ver" linux-image-)
	_iver=$(suite_version "$_img" "$_s")
	[ -n "$_img" ] && [ -n "$_iver" ] || { echo "no kernel image for linux-image-amd64 $_ver in $_s"; return 1; }
	if [ "$(cat "$cache/$_s/package" 2>/dev/null)" = "$_img $_iver" ] && [ -s "$cache/$_s/vmlinuz" ]; then
		return 0 # already the newest
	fi
	_x="$cache/$_s.new"
	rm -rf "$_x" && mkdir -p "$_x" || return 1
	if ! extract "$_img" "$_iver" "$_x"; then
		_bin=$(depends_on "$_img=$_iver" linux-binary-)
		_bver=$(suite_version "$_bin" "$_s")
		[ -n "$_bin" ] && [ -n "$_bver" ] && extract "$_bin" "$_bver" "$_x"
	fi
	_k=$(vmlinuz_in "$_x")
	[ -n "$_k" ] || { echo "no vmlinuz in $_img $_iver (nor in its linux-binary-*): $(tail -n 3 "$st/log")"; return 1; }
	mv "${_k% *}" "$_x/vmlinuz" && echo "${_k#* }" >"$_x/release" &&
		echo "$_img $_iver" >"$_x/package" && rm -rf "$_x/boot" "$_x/usr" "$cache/$_s" &&
		mv "$_x" "$cache/$_s"
}

# fetch_kernels - every suite's kernel in the cache; apt runs only when one
# is missing or the cache is older than $maxage days. Prints failures.
fetch_kernels() {
	_fresh=yes
	for s in $suites; do
		[ -s "$cache/$s/vmlinuz" ] || _fresh=no
	done
	if [ "$_fresh" = yes ] && [ -e "$st/updated" ] && [ -z "$(find "$st/updated" -mtime +"$maxage")" ]; then
		return 0
	fi
	mirror=${SK_DEBIAN_MIRROR:-$(debian_mirror)}
	if [ -z "$mirror" ]; then
		echo "no Debian mirror (a URI ending in /debian) in /etc/apt/sources.list{,.d}: set SK_DEBIAN_MIRROR"
		return 0
	fi
	mkdir -p "$st/none" "$st/state" "$st/lists/partial" "$st/cache/archives/partial" || return 0
	: >"$st/status"
	: >"$st/log"
	for s in $suites; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $s main"
	done >"$st/sources.list"
	if ! A apt-get -q update >>"$st/log" 2>&1; then
		echo "apt-get update from $mirror failed: $(tail -n 3 "$st/log" | tr '\n' ' ')"
		return 0
	fi
	for s in $suites; do
		fetch_suite "$s" || echo "$s: the kernel could not be downloaded"
	done
	rm -f "$st/cache/pkgcache.bin" # 100 MB, rebuilt at the next refresh
	touch "$st/updated"
}

# vm_fetch SUITE... - every SUITE's kernel in $cache/SUITE/{vmlinuz,release,
# package}; what could not be done in $fetch_err (empty when all went well).
vm_fetch() {
	suites=$*
	mkdir -p "$cache" 2>/dev/null || tap_skip_all "cannot create the kernel cache $cache (SK_KERNEL_CACHE)"
	_t0=$(date +%s)
	# one run at a time fills the cache (make check and make distcheck may meet)
	exec 9>>"$cache/.lock"
	command -v flock >/dev/null && flock -w 900 9
	fetch_err=$(fetch_kernels)
	exec 9>&-
	echo "# kernels: $(($(date +%s) - _t0)) s to check or fill the cache $cache"
	[ -z "$fetch_err" ] || printf '%s\n' "$fetch_err" | sed 's/^/# /'
}

# vm_label SUITE - the kernel's name in test points: "5.10 (bullseye)",
# "6.1 (bookworm)", "6.12 (trixie)", and sid's release, e.g. "7.2 (sid)".
vm_label() {
	case $1 in
	bullseye) echo "5.10 (bullseye)" ;;
	bookworm) echo "6.1 (bookworm)" ;;
	trixie) echo "6.12 (trixie)" ;;
	*) if [ -s "$cache/$1/release" ]; then
		echo "$(cut -d. -f1,2 "$cache/$1/release") ($1)"
	else
		echo "$1"
	fi ;;
	esac
}

# ---- the initramfs ----------------------------------------------------------

# vm_hostbin DIR - what the VM has in /shrike, for a scenario run on the
# host instead: links to the daemon, sysprobe, capdump and daemon_wait.sh;
# a daemon started from DIR is killed when the test exits.
vm_hostbin() {
	mkdir -p "$1"
	# a scenario that dies early leaves no daemon (and no probe) behind
	on_exit "pkill -KILL -f '^$1/shrike ' 2>/dev/null"
	ln -sf "$SHRIKE" "$1/shrike"
	ln -sf "$sysprobe" "$1/sysprobe"
	ln -sf "$capdump" "$1/capdump"
	ln -sf "$top_srcdir/tests/ebpf/daemon_wait.sh" "$1/daemon_wait.sh"
}

# vm_root DIR SCRIPT - an initramfs tree in DIR: busybox and its applets,
# in /shrike the daemon, capdump, sysprobe, daemon_wait.sh, the plugins, the shipped
# configuration, the default rules (/shrike/rules) and SCRIPT
# (/shrike/scenario.sh), which /init runs as
#   sh /shrike/scenario.sh /shrike /shrike/plugins /shrike/shrike.yaml /shrike/rules /tmp/w
# before powering off. Add files, then vm_pack.
vm_root() {
	_r=$1
	mkdir -p "$_r/bin" "$_r/etc" "$_r/proc" "$_r/sys" "$_r/dev" "$_r/tmp" \
		"$_r/shrike/plugins" "$_r/shrike/rules/rules.d" "$_r/lib64"
	cp "$busybox" "$_r/bin/busybox"
	for _a in sh mount cat true sleep mkdir poweroff echo ls kill cp grep sed tr rm uname ip ln stat; do
		ln -s busybox "$_r/bin/$_a"
	done
	cp "$SHRIKE" "$capdump" "$sysprobe" "$_r/shrike/"
	cp "$top_srcdir/tests/ebpf/daemon_wait.sh" "$_r/shrike/"
	for _so in "$SK_TEST_PLUGINS_DIR"/*.so; do
		cp -L "$_so" "$_r/shrike/plugins/"
	done
	# the shipped configuration and the default rules
	cp "$top_builddir/shrike.yaml" "$_r/shrike/shrike.yaml"
	cp "$top_srcdir/rules/shrike_rules.yaml" "$top_srcdir/rules/shrike_rules.local.yaml" "$_r/shrike/rules/"
	cp "$2" "$_r/shrike/scenario.sh"
	echo "root:x:0:0:root:/root:/bin/sh" >"$_r/etc/passwd"
	echo "root:x:0:" >"$_r/etc/group"
	echo 'root:$6$skqemu$notarealhash:20000:0:99999:7:::' >"$_r/etc/shadow"
	chmod 640 "$_r/etc/shadow"
	echo shrike-vm >"$_r/etc/hostname"
	# /dev/fd as on a real system (systemd and udev make it): an execveat
	# of a descriptor is named /dev/fd/N, and Linux 5.10's TOMOYO (active
	# in Debian's kernel: lsm=...,tomoyo) looks that name up; without the
	# link the exec fails with ENOENT.
	cat >"$_r/init" <<'EOI'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs tmp /tmp
mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
ip link set lo up
mkdir -p /tmp/w
sh /shrike/scenario.sh /shrike /shrike/plugins /shrike/shrike.yaml /shrike/rules /tmp/w
poweroff -f
EOI
	chmod +x "$_r/init" "$_r/shrike/scenario.sh"
}

# vm_pack DIR INITRD - copy the shared libraries of every program and
# plugin below DIR/shrike into DIR, and pack DIR into INITRD.
vm_pack() {
	for _f in $(find "$1/shrike" -type f); do
		ldd "$_f" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'
	done | sort -u | while read -r _lib; do
		mkdir -p "$1$(dirname "$_lib")"
		cp -L "$_lib" "$1$_lib"
	done
	(cd "$1" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$2"
}

# ---- the VM -----------------------------------------------------------------

# vm_boot SUITE INITRD OUT - boot SUITE's kernel on INITRD in
# qemu-system-x86_64 (TCG, no KVM; 4 minutes at most); the console in OUT
# without carriage returns (also copied to $SK_KERNEL_CONSOLE/console.SUITE
# when set), qemu's status in $qrc.
vm_boot() {
	# One TCG thread for both vCPUs: the kernel patches its own code when a
	# probe attaches (static keys, int3); with one host thread per vCPU,
	# 6.12 under TCG was seen to oops in that patching (2 boots in 3 of a
	# bench that flips bpf_stats_enabled).
	timeout 240 "$qemu" -accel tcg,thread=single -m 1024 -smp 2 -nographic -no-reboot \
		-kernel "$cache/$1/vmlinuz" \
		-initrd "$2" -append "console=ttyS0 panic=-1 quiet" \
		>"$3.console" 2>&1 </dev/null
	qrc=$?
	tr -d '\r' <"$3.console" >"$3"
	rm -f "$3.console"
	if [ -n "${SK_KERNEL_CONSOLE:-}" ]; then
		cp "$3" "$SK_KERNEL_CONSOLE/console.$1" 2>/dev/null
	fi
	return 0
}

# ---- reading a scenario's output --------------------------------------------

# section NAME FILE - the lines of section "== NAME" in FILE.
section() { sed -n "/^== $1/,/^== /p" "$2" | sed '1d;$d'; }
# field NAME TEXT - NAME=VALUE's value in TEXT.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }
# skip_rest N LABEL REASON - N test points that cannot run.
skip_rest() {
	_i=0
	while [ "$_i" -lt "$1" ]; do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n - $2 # SKIP $3"
		_i=$((_i + 1))
	done
}
