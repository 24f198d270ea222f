#!/bin/sh
# tests/ebpf/kernels.sh - the eBPF probe on five kernels: Debian's newest
# kernel of bullseye (5.10), bookworm (6.1), trixie (6.12) and sid, each
# booted in qemu-system-x86_64 (TCG, no KVM) with a busybox initramfs that
# holds the daemon, its plugins, their shared libraries, the shipped
# configuration and the default rules; and the host's own kernel, with the
# same steps run directly. One kernel's green run proves little (DESIGN.md).
#
# On each kernel the real daemon runs on the shipped shrike.yaml (engine
# ebpf, the default rules, alerts to stdout) with JSON alerts, debug logs
# and a capture (--capture), while a scenario execs a program from
# /dev/shm, runs cat /etc/shadow, makes a TCP connection from a program
# named ssh to a port other than 22, execs a memfd (execveat), and calls
# setuid then chmod 04755. The test checks each record (capdump), each
# default rule's alert, the verifier's count of every program (the
# daemon's debug lines, against the 100k budget), zero drops and a clean
# stop.
#
# Kernels are downloaded, never installed: a private apt configuration
# (sources list, lists, cache and status of its own; the Debian mirror is
# the one this machine's apt sources name) finds each suite's
# linux-image-amd64 dependency, `apt-get download`s it and extracts its
# vmlinuz into $SK_KERNEL_CACHE (default /var/cache/shrike/test-kernels,
# outside the build tree, so a second run and make distcheck download
# nothing). The cache is refreshed when older than SK_KERNEL_MAX_AGE days
# (default 7). SK_DEBIAN_MIRROR overrides the mirror; SK_KERNEL_SUITES the
# suites (e.g. "bookworm" for a quick run); SK_KERNEL_CONSOLE=DIR keeps
# each VM's console. Needs root (the host run loads the probe),
# qemu-system-x86, busybox-static, cpio, apt and dpkg.
. "$top_srcdir/tests/lib.sh"

[ "$(uname -m)" = x86_64 ] || tap_skip_all "x86-64 only"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe on the host"
qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || tap_skip_all "qemu-system-x86_64 not installed (qemu-system-x86)"
busybox=/bin/busybox
{ [ -x "$busybox" ] && ldd "$busybox" 2>&1 | grep -q "not a dynamic"; } ||
	tap_skip_all "busybox-static not installed"
command -v cpio >/dev/null || tap_skip_all "cpio not installed"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
	tap_skip_all "apt-get and dpkg-deb are needed to download the kernels"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built"
[ -r "$top_builddir/shrike.yaml" ] || tap_skip_all "the shipped shrike.yaml is not built"

capdump="$top_builddir/tests/tools/capdump"
sysprobe="$top_builddir/tests/ebpf/sysprobe"
cache=${SK_KERNEL_CACHE:-/var/cache/shrike/test-kernels}
maxage=${SK_KERNEL_MAX_AGE:-7}
suites=${SK_KERNEL_SUITES:-bullseye bookworm trixie sid}
budget=100000

# ---- the kernels ----------------------------------------------------------

# debian_mirror - the first Debian archive (a URI ending in /debian) that
# this machine's apt sources name, one-line or deb822 format.
debian_mirror() {
	{
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -r "$f" ] || continue
			sed -n 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]\{1,\}\).*/\2/p' "$f"
		done
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -r "$f" ] || continue
			# stanzas are separated by blank lines; skip disabled ones
			awk 'BEGIN { RS = ""; FS = "\n" }
			{
				deb = 0; on = 1; uris = ""
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^[ \t]*#/) continue
					if (tolower($i) ~ /^types:/ && $i ~ /[ \t]deb([ \t]|$)/) deb = 1
					if (tolower($i) ~ /^enabled:[ \t]*no/) on = 0
					if (tolower($i) ~ /^uris:/) uris = substr($i, 6)
				}
				if (deb && on) { n = split(uris, u, /[ \t]+/); for (j = 1; j <= n; j++) if (u[j] != "") print u[j] }
			}' "$f"
		done
	} | sed 's,/*$,,' | grep -E '^https?://[^[:space:]]+/debian$' | head -n1
}

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

mkdir -p "$cache" 2>/dev/null || tap_skip_all "cannot create the kernel cache $cache (SK_KERNEL_CACHE)"
t0=$(date +%s)
# one run at a time fills the cache (make check and make distcheck may meet)
exec 9>>"$cache/.lock"
command -v flock >/dev/null && flock -w 900 9
fetch_err=$(fetch_kernels)
exec 9>&-
echo "# kernels: $(($(date +%s) - t0)) s to check or fill the cache $cache"
[ -z "$fetch_err" ] || printf '%s\n' "$fetch_err" | sed 's/^/# /'

# ---- the scenario, the same in every VM and on the host ---------------------

# scenario.sh BIN PLUGINS CONFIG RULES WORK: BIN holds shrike, sysprobe and
# capdump; prints sections "== NAME" the checks below read.
cat >"$T/scenario.sh" <<'EOF'
#!/bin/sh
B=$1 P=$2 C=$3 R=$4 W=$5
echo "== kernel $(uname -r)"
"$B/shrike" -c "$C" -o plugins_dir="$P" \
	-o "rules_files=[$R/shrike_rules.yaml, $R/shrike_rules.local.yaml, $R/rules.d]" \
	-o json_output=true -o log_level=debug -o watch_config_files=false \
	--capture "$W/cap.scap" >"$W/alerts" 2>"$W/log" &
d=$!
started=no
i=0
while [ $i -lt 1500 ]; do
	if grep -q "source 'ebpf' started" "$W/log"; then started=yes; break; fi
	kill -0 $d 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
echo "== started $started after $((i / 10)) s"
if [ $started = yes ]; then
	sleep 0.5
	x=/dev/shm/sk-exec-$$
	cp "$B/sysprobe" "$x"
	sh -c 'echo $$ >"$1/exec.pid"; exec "$2"' sh "$W" "$x" >/dev/null 2>&1
	# /bin/cat, not cat: busybox's shell runs an applet it is asked for by
	# name through /proc/self/exe, and the process is then named "exe"
	sh -c 'echo $$ >"$1/shadow.pid"; exec /bin/cat /etc/shadow' sh "$W" >/dev/null
	cp "$B/sysprobe" "$W/ssh"
	"$W/ssh" net >"$W/net.out"
	"$B/sysprobe" memfdexec >"$W/memfd.out" 2>/dev/null
	: >"$W/suid"
	"$B/sysprobe" setuid "$W/suid" >"$W/setuid.out"
	rm -f "$x"
	sleep 1
fi
"$B/sysprobe" stop $d 2>/dev/null
i=0
while kill -0 $d 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL $d 2>/dev/null
wait $d
echo "== exit $?"
tid() { sed -n 's/^tid=\([0-9]*\).*/\1/p' "$1" 2>/dev/null; }
lport=$(sed -n 's/.* lport=\([0-9]*\).*/\1/p' "$W/net.out" 2>/dev/null)
echo "== pids exec=$(cat "$W/exec.pid" 2>/dev/null) shadow=$(cat "$W/shadow.pid" 2>/dev/null)" \
	"net=$(tid "$W/net.out") lport=$lport memfd=$(tid "$W/memfd.out") setuid=$(tid "$W/setuid.out")" \
	"work=$W"
echo "== log"
cat "$W/log"
echo "== alerts"
grep -E '"rule":"(Execution from /dev/shm|Read sensitive file untrusted|Disallowed SSH Connection Non Standard Port|Fileless execution via memfd_create|Set Setuid or Setgid bit)"' \
	"$W/alerts" | grep -E "sk-exec-$$|/etc/shadow|:$lport|sk-memfd|$W/suid"
echo "== dump"
if [ -e "$W/cap.scap" ]; then
	pids=$(cat "$W/exec.pid" "$W/shadow.pid" 2>/dev/null | tr '\n' '|')
	pids="$pids$(tid "$W/net.out")|$(tid "$W/memfd.out")|$(tid "$W/setuid.out")"
	"$B/capdump" "$W/cap.scap" | grep -E "^[0-9]+ ($pids) |^# "
fi
echo "== end"
EOF

# ---- the initramfs ----------------------------------------------------------
root="$T/root"
mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
	"$root/shrike/plugins" "$root/shrike/rules/rules.d" "$root/lib64"
cp "$busybox" "$root/bin/busybox"
for a in sh mount cat true sleep mkdir poweroff echo ls kill cp grep sed tr rm uname ip; do
	ln -s busybox "$root/bin/$a"
done
cp "$SHRIKE" "$capdump" "$sysprobe" "$root/shrike/"
for so in "$SK_TEST_PLUGINS_DIR"/*.so; do
	cp -L "$so" "$root/shrike/plugins/"
done
for f in "$root"/shrike/shrike "$root"/shrike/capdump "$root"/shrike/sysprobe \
	"$root"/shrike/plugins/*.so; do
	ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'
done | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
# the shipped configuration and the default rules
cp "$top_builddir/shrike.yaml" "$root/shrike/shrike.yaml"
cp "$top_srcdir/rules/shrike_rules.yaml" "$top_srcdir/rules/shrike_rules.local.yaml" "$root/shrike/rules/"
cp "$T/scenario.sh" "$root/shrike/scenario.sh"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo 'root:$6$skqemu$notarealhash:20000:0:99999:7:::' >"$root/etc/shadow"
chmod 640 "$root/etc/shadow"
cat >"$root/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
ip link set lo up
mkdir -p /tmp/w
sh /shrike/scenario.sh /shrike /shrike/plugins /shrike/shrike.yaml /shrike/rules /tmp/w
poweroff -f
EOF
chmod +x "$root/init" "$root/shrike/scenario.sh"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$T/initrd.gz"
pass "initramfs with busybox, the daemon, its libraries, the shipped config and rules ($(du -k "$T/initrd.gz" | cut -f1) KiB)"

# ---- the checks -------------------------------------------------------------

# section NAME FILE - the lines of section "== NAME" in FILE.
section() { sed -n "/^== $1/,/^== /p" "$2" | sed '1d;$d'; }
# field NAME TEXT - NAME=VALUE's value in TEXT.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }
# lines TEXT - TEXT for fail(): every line a TAP diagnostic, cut at 240
# characters (a verifier log line can be long).
lines() { printf '%s\n' "$1" | cut -c1-240 | sed '2,$s/^/# /'; }
# skip_rest N LABEL REASON - N test points that cannot run.
skip_rest() {
	_i=0
	while [ "$_i" -lt "$1" ]; do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n - $2 # SKIP $3"
		_i=$((_i + 1))
	done
}
# record PATTERN DESC - a capdump line matches PATTERN; its timestamp in
# $ts (empty when none does).
record() {
	ts=$(section dump "$out" | grep -E -m1 -- "$1" | cut -d' ' -f1)
	if [ -n "$ts" ]; then
		pass "$K: record of $2"
	else
		fail "$K: record of $2" "want: /$1/" "records of the scenario's processes:" \
			"$(lines "$(section dump "$out" | tail -n 40)")"
	fi
}
# alert RULE TEXT DESC - a JSON alert of RULE for the event of the last
# record() (same evt.time), or, without that record, one containing TEXT.
alert() {
	_m="\"evt.time\":$ts,"
	[ -n "$ts" ] || _m=$2
	if section alerts "$out" | grep -F "\"rule\":\"$1\"" | grep -qF -- "$_m"; then
		pass "$K: alert '$1' ($3)"
	else
		fail "$K: alert '$1' ($3)" "want: $_m" "alerts of the scenario:" \
			"$(lines "$(section alerts "$out")")"
	fi
}

# check LABEL OUT - the test points for one kernel's scenario output OUT.
check() {
	K=$1
	out=$2
	log=$(section log "$out")
	if ! grep -q "^== started yes" "$out"; then
		fail "$K: the probe loads and attaches" "$(grep '^== started' "$out")" "daemon log (tail):" \
			"$(lines "$(printf '%s\n' "$log" | tail -n 12)")"
		skip_rest 15 "$K" "the probe did not load"
		return
	fi
	pass "$K: the probe loads and attaches"
	# the verifier's count of every program loaded
	v=$(printf '%s\n' "$log" | sed -n 's/.*eBPF program \([^ :]*\): \([0-9]*\) verified instructions (budget .*/\1 \2/p')
	printf '%s\n' "$v" | sed "/^\$/d; s/^/# kernel $K: /"
	unrep=$(printf '%s\n' "$log" | grep 'verified instructions not reported' || true)
	over=$(printf '%s\n' "$v" | awk -v b=$budget '$2 > b { print $1 " " $2 }')
	if [ -z "$v" ]; then
		fail "$K: the verifier's instruction count is reported for each program" \
			"no 'eBPF program NAME: N verified instructions' line" "$(lines "$unrep")"
	elif [ -n "$unrep" ]; then
		fail "$K: the verifier's instruction count is reported for each program" "$(lines "$unrep")"
	else
		pass "$K: the verifier's instruction count is reported for each program ($(printf '%s\n' "$v" | wc -l))"
	fi
	if [ -z "$v" ]; then
		fail "$K: every program is within the budget of $budget verified instructions" \
			"no count reported"
	elif [ -z "$over" ]; then
		pass "$K: every program is within the budget of $budget verified instructions"
	else
		fail "$K: every program is within the budget of $budget verified instructions" \
			"over the budget: $(lines "$over")"
	fi
	pids=$(section pids "$out"; grep '^== pids' "$out")
	w=$(field work "$pids")
	p=$(field exec "$pids")
	record "^[0-9]+ $p execve res=0 exe=/dev/shm/sk-exec-" "the exec of a program in /dev/shm"
	alert "Execution from /dev/shm" "/dev/shm/sk-exec-" "exec of a program"
	p=$(field shadow "$pids")
	record "^[0-9]+ $p openat fd=[0-9]+ dirfd=-100 name=/etc/shadow flags=O_RDONLY" "cat /etc/shadow"
	alert "Read sensitive file untrusted" "/etc/shadow" "cat /etc/shadow"
	p=$(field net "$pids")
	lport=$(field lport "$pids")
	record "^[0-9]+ $p connect res=0 tuple=127\.0\.0\.1:[0-9]+->127\.0\.0\.1:$lport " "a TCP connect"
	alert "Disallowed SSH Connection Non Standard Port" ":$lport" "a TCP connect by ssh to port $lport"
	p=$(field memfd "$pids")
	record "^[0-9]+ $p execveat res=0 .*EXE_FROM_MEMFD" "the exec of a memfd (execveat)"
	alert "Fileless execution via memfd_create" "sk-memfd" "the exec of a memfd"
	p=$(field setuid "$pids")
	record "^[0-9]+ $p setuid res=0 uid=0" "setuid(0)"
	record "^[0-9]+ $p chmod res=0 filename=$w/suid mode=0?4755" "chmod 04755"
	alert "Set Setuid or Setgid bit" "$w/suid" "chmod 04755"
	d=$(section dump "$out" | grep '^# events=')
	like "$d" "^# events=[0-9]+ drops=0\$" "$K: the capture ends with zero drops"
	is "$(sed -n 's/^== exit //p' "$out")" 0 "$K: the daemon stops cleanly"
}

# ---- the VMs, one after the other, then the host ------------------------------
tall=$(date +%s)
for s in $suites; do
	case $s in
	bullseye) K="5.10 (bullseye)" ;;
	bookworm) K="6.1 (bookworm)" ;;
	trixie) K="6.12 (trixie)" ;;
	*) K="$s" ;;
	esac
	if [ ! -s "$cache/$s/vmlinuz" ]; then
		fail "$K: the kernel is downloaded" "$(lines "$fetch_err")"
		skip_rest 17 "$K" "no kernel"
		continue
	fi
	rel=$(cat "$cache/$s/release")
	case $s in sid) K="$(echo "$rel" | cut -d. -f1,2) (sid)" ;; esac
	pass "$K: kernel $rel ($(cat "$cache/$s/package"))"
	t0=$(date +%s)
	timeout 240 "$qemu" -m 1024 -smp 2 -nographic -no-reboot -kernel "$cache/$s/vmlinuz" \
		-initrd "$T/initrd.gz" -append "console=ttyS0 panic=-1 quiet" \
		>"$T/console.$s" 2>&1 </dev/null
	qrc=$?
	tr -d '\r' <"$T/console.$s" >"$T/out.$s"
	echo "# kernel $K: $(($(date +%s) - t0)) s"
	[ -n "${SK_KERNEL_CONSOLE:-}" ] && cp "$T/out.$s" "$SK_KERNEL_CONSOLE/console.$s" 2>/dev/null
	if grep -q "^== end" "$T/out.$s"; then
		pass "$K: the VM boots $rel and runs the scenario"
		check "$K" "$T/out.$s"
	else
		fail "$K: the VM boots $rel and runs the scenario" "qemu status $qrc; console (tail):" \
			"$(lines "$(tail -n 30 "$T/out.$s")")"
		skip_rest 16 "$K" "the scenario did not complete"
	fi
done

K="host $(uname -r | cut -d. -f1,2)"
t0=$(date +%s)
mkdir -p "$T/hostbin" "$T/host"
ln -s "$SHRIKE" "$T/hostbin/shrike"
ln -s "$sysprobe" "$T/hostbin/sysprobe"
ln -s "$capdump" "$T/hostbin/capdump"
sh "$T/scenario.sh" "$T/hostbin" "$SK_TEST_PLUGINS_DIR" "$top_builddir/shrike.yaml" \
	"$top_srcdir/rules" "$T/host" >"$T/out.host" 2>&1
echo "# kernel $K: $(($(date +%s) - t0)) s"
check "$K" "$T/out.host"
echo "# the matrix took $(($(date +%s) - tall)) s"

tap_plan "$_tap_n"
tap_done
