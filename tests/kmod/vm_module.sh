#!/bin/sh
# tests/kmod/vm_module.sh - the kernel module, shrike.ko, on Debian's
# bullseye (5.10), bookworm (6.1), trixie (6.12) and sid kernels in QEMU
# (trixie's and sid's module built in a root of that suite, kmod_lib.sh).
#
# For each kernel that tests/ebpf/vm_lib.sh boots, the matching
# linux-headers-RELEASE, linux-headers-RELEASE-common (same version) and
# linux-kbuild-X.Y packages are downloaded the way vm_lib.sh downloads the
# kernels (a private apt configuration: nothing below /etc/apt or
# /var/lib/apt is read or written) into $SK_KERNEL_CACHE/headers/SUITE,
# extracted with dpkg-deb -x, and the headers' Makefile, which includes the
# -common tree by absolute path, is pointed at the extracted copy. The
# module's source is installed as `make install` installs it (the
# install-kmod-source part, DESTDIR=$T/SUITE/dest prefix=/usr: the
# self-contained copy in /usr/src/shrike-VERSION with its dkms.conf), built
# there against them with this machine's gcc (warnings are errors; or in a
# root of the suite with its own gcc, kmod_lib.sh), and put with
# tests/kmod/kmodcheck and the module built for the next suite of the list
# into a busybox initramfs. In the VM: that other kernel's module is
# refused and dmesg says why (vermagic, symbol versions); insmod, one
# /dev/shrike<N> per CPU, kmodcheck (the handshake, the one-opener rule,
# the table required and checked, records of its own openat and close
# calls that pass sk_evt_check with their parameters; the other settings),
# rmmod; then with a 64 KiB ring, kmodcheck
# wrap (the ring wraps with padding records, then overflows: the drops are
# counted and reported by an SK_EVT_DROP record), rmmod; and no oops or
# warning in dmesg. Between the two, the daemon runs on engine.kind kmod
# with the shipped rules and a capture: it must start, capture the
# records of /bin/cat's opens and stop, and the module must unload after it;
# its metrics snapshots carry the kmod source's counters (records written,
# in total and one per CPU, drops by reason).
# Then `dkms build` (a private dkms tree under $T, --kernelsourcedir at the
# extracted headers) builds the installed source for bookworm's kernel, whose
# headers ask for gcc-12, this machine's gcc (bullseye's ask for gcc-10);
# skipped when dkms is not installed or bookworm is not among the suites.
#
# SK_KMOD_SUITES picks the suites (default "bullseye bookworm trixie sid"); the
# variables of vm_lib.sh (SK_KERNEL_CACHE, SK_KERNEL_MAX_AGE,
# SK_DEBIAN_MIRROR, SK_KERNEL_CONSOLE) apply. Needs qemu-system-x86,
# busybox-static, cpio, apt, dpkg, make and gcc; dkms for the last point.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ebpf/vm_lib.sh"
. "$top_srcdir/tests/kmod/kmod_lib.sh"

kmodcheck="$top_builddir/tests/kmod/kmodcheck"

kmod_require
[ -x "$kmodcheck" ] || tap_skip_all "tests/kmod/kmodcheck was not built"

suites=${SK_KMOD_SUITES:-bullseye bookworm trixie sid}
per_kernel=14
tap_plan $(($(echo $suites | wc -w) * per_kernel + 1))
vm_fetch $suites
kmod_fetch_headers $suites

# ---- the scenario in the VM ---------------------------------------------------

cat >"$T/scenario.sh" <<'EOS'
#!/bin/sh
B=$1 P=$2 C=$3 R=$4 W=$5
echo "== kernel $(uname -r)"
# a module built for another kernel: refused, and dmesg says why
if [ -f "$B/other.ko" ]; then
	n0=$(dmesg | wc -l)
	insmod "$B/other.ko" >"$W/other" 2>&1
	echo "== other $?"
	echo "== otherwhy $(dmesg | tail -n +$((n0 + 1)) | grep -i shrike | head -n 1 | sed 's/^\[[^]]*\] //')"
	lsmod | grep -q '^shrike ' && rmmod shrike
fi
insmod "$B/shrike.ko" ring_kb=256 2>&1
echo "== insmod $?"
echo "== devices $(ls /dev/shrike* 2>/dev/null | tr '\n' ' ')"
"$B/kmodcheck" >"$W/kc" 2>&1
echo "== kmodcheck $?"
cat "$W/kc"
rmmod shrike 2>&1
echo "== rmmod $?"
echo "== after $(ls /dev/shrike* 2>/dev/null | tr '\n' ' ')"
# the daemon on the module: engine.kind kmod, the shipped rules, a capture
insmod "$B/shrike.ko" ring_kb=1024 2>&1
"$B/shrike" -c "$C" -o plugins_dir="$P" -o engine.kind=kmod \
	-o "rules_files=[$R/shrike_rules.yaml]" -o log_level=info -o watch_config_files=false \
	-o json_output=true -o metrics.enabled=true -o metrics.interval=300ms \
	-o metrics.include_empty_values=true \
	--capture "$W/k.scap" >"$W/kalerts" 2>"$W/klog" &
d=$!
i=0
while [ $i -lt 600 ] && ! grep -q "source 'kmod' started" "$W/klog" && kill -0 $d 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
echo "== kstarted $(grep -c "source 'kmod' started" "$W/klog")"
for n in 1 2 3 4 5; do /bin/cat /etc/passwd >/dev/null; done
sleep 1
kill -TERM $d
wait $d
echo "== kdaemon $?"
echo "== kmetrics $(grep '"rule":"Shrike internal: metrics snapshot"' "$W/kalerts" | tail -n 1)"
rmmod shrike 2>&1
echo "== krmmod $?"
"$B/capdump" "$W/k.scap" >"$W/kdump" 2>&1
echo "== kcapdump $?"
echo "== kevents $(grep -vc '^#' "$W/kdump")"
echo "== kopenat $(grep -c ' openat fd=' "$W/kdump")"
sed 's/^/klog: /' "$W/klog" | tail -n 8
insmod "$B/shrike.ko" ring_kb=64 2>&1
"$B/kmodcheck" wrap >"$W/kw" 2>&1
echo "== wrap $?"
cat "$W/kw"
rmmod shrike 2>&1
echo "== rmmod2 $?"
echo "== dmesg"
dmesg
echo "== end"
EOS

# kernel SUITE - the test points of one kernel
kernel() {
	s=$1
	K=$(vm_label "$s")
	rel=$(cat "$cache/$s/release" 2>/dev/null)
	hdr="$hcache/$s/tree/usr/src/linux-headers-$rel"
	if [ ! -s "$cache/$s/vmlinuz" ] || [ ! -f "$hdr/Makefile" ]; then
		fail "$K: kernel and headers downloaded" "$(printf '%s\n' "$fetch_err$hdr_err" | grep -v '^$' | head -n 5)"
		skip_rest $((per_kernel - 1)) "$K" "no kernel or headers"
		return
	fi
	pass "$K: kernel and headers downloaded ($(cat "$hcache/$s/package"))"

	# build the installed source (make install's install-kmod-source part):
	# its Kbuild finds shrike_kmod.h and include/shrike/ in that directory
	# and sets SHRIKE_VERSION itself
	src="$T/$s/dest/usr/src/shrike-$version"
	if kmod_build "$s" "$T/$s/dest" "$T/$s/build.log"; then
		pass "$K: shrike.ko builds from the installed source (/usr/src/shrike-$version) with ${kmod_how:-gcc}, warnings as errors"
	else
		fail "$K: shrike.ko builds from the installed source with ${kmod_how:-gcc}, warnings as errors" \
			"$(tail -n 25 "$T/$s/build.log" | sed '2,$s/^/# /')"
		skip_rest $((per_kernel - 2)) "$K" "the module did not build"
		return
	fi

	rm -rf "$T/$s/root"
	vm_root "$T/$s/root" "$T/scenario.sh" 2>/dev/null
	for a in insmod rmmod lsmod dmesg head wc; do
		ln -sf busybox "$T/$s/root/bin/$a"
	done
	cp "$src/shrike.ko" "$kmodcheck" "$T/$s/root/shrike/"
	# the module of the next suite in the list (the first after the last):
	# built for another kernel, it must be refused
	other=$(echo $suites $suites | tr ' ' '\n' | grep -A1 -x "$s" | sed -n 2p)
	ko_self=$ko
	mkdir -p "$T/$other"
	if [ -n "$other" ] && [ "$other" != "$s" ] &&
		{ [ -f "$T/$other/dest/usr/src/shrike-$version/shrike.ko" ] ||
			kmod_build "$other" "$T/$other/dest" "$T/$other/build-other.log"; }; then
		cp "$T/$other/dest/usr/src/shrike-$version/shrike.ko" "$T/$s/root/shrike/other.ko"
	fi
	ko=$ko_self
	vm_pack "$T/$s/root" "$T/$s/initrd.gz"
	out="$T/$s/console"
	vm_boot "$s" "$T/$s/initrd.gz" "$out"

	ins=$(sed -n 's/^== insmod //p' "$out")
	if [ "$ins" = 0 ]; then
		pass "$K: insmod shrike.ko"
	else
		fail "$K: insmod shrike.ko" "insmod: ${ins:-no answer (qemu status $qrc)}" \
			"$(grep -v '^$' "$out" | grep -iE 'shrike|insmod|module|error' | head -n 10 | sed '2,$s/^/# /')"
		skip_rest $((per_kernel - 3)) "$K" "the module did not load"
		return
	fi
	orc=$(sed -n 's/^== other //p' "$out")
	why=$(sed -n 's/^== otherwhy //p' "$out")
	if [ ! -f "$T/$s/root/shrike/other.ko" ]; then
		if [ "$other" = "$s" ] || [ -z "$other" ]; then
			skip_rest 1 "$K" "one suite only: no module built for another kernel"
		else
			fail "$K: shrike.ko built for $other's kernel is refused" "it did not build: $(tail -n 5 "$T/$other/build-other.log" 2>/dev/null)"
		fi
	elif [ -n "$orc" ] && [ "$orc" != 0 ] && [ -n "$why" ]; then
		pass "$K: shrike.ko built for $(vm_label "$other") is refused, dmesg says why ($why)"
	else
		fail "$K: shrike.ko built for $(vm_label "$other") is refused, dmesg says why" "insmod: ${orc:-no answer} dmesg: ${why:-nothing}"
	fi
	kc=$(grep -m1 '^kmodcheck: api=' "$out")
	ncpus=$(field ncpus "$kc")
	devs=$(sed -n 's/^== devices //p' "$out")
	ndevs=$(echo $devs | wc -w)
	if [ -n "$ncpus" ] && [ "$ndevs" = "$ncpus" ] && echo " $devs " | grep -q " /dev/shrike0 "; then
		pass "$K: one device per CPU ($devs)"
	else
		fail "$K: one device per CPU" "devices: $devs" "kmodcheck: $kc"
	fi
	if [ "$(field api "$kc")" = 1.1 ] && [ "$(field kernel "$kc")" = "$rel" ] &&
		[ "$(field ring "$kc")" = 262144 ] && [ "$(field busy "$kc")" = yes ]; then
		pass "$K: SK_KMOD_IOC_INFO (API 1.1, $rel, 256 KiB) and a second open is refused"
	else
		fail "$K: SK_KMOD_IOC_INFO (API 1.1, $rel, 256 KiB) and a second open is refused" "got: $kc"
	fi
	rc=$(sed -n 's/^== kmodcheck //p' "$out")
	res=$(grep -m1 '^kmodcheck: records=' "$out")
	if [ "$(field ok "$res")" = yes ]; then
		pass "$K: openat and close records of kmodcheck pass sk_evt_check ($(echo "$res" | cut -d' ' -f2-))"
	else
		fail "$K: openat and close records of kmodcheck pass sk_evt_check" "status ${rc:-none}: $res"
	fi
	sres=$(grep -m1 '^kmodcheck: excluded=' "$out")
	if [ "$rc" = 0 ] && [ -n "$sres" ]; then
		pass "$K: EXCLUDE_TGID, DROP_FAILED_EXIT, the syscall set and DISABLE take effect; MAP_PRIVATE and unknown flags refused ($(echo "$sres" | cut -d' ' -f2-))"
	else
		fail "$K: EXCLUDE_TGID, DROP_FAILED_EXIT, the syscall set and DISABLE take effect; MAP_PRIVATE and unknown flags refused" \
			"status ${rc:-none}: ${sres:-no result line}"
	fi
	rm_rc=$(sed -n 's/^== rmmod //p' "$out")
	after=$(sed -n 's/^== after //p' "$out")
	if [ "$rm_rc" = 0 ] && [ -z "$(echo $after)" ]; then
		pass "$K: rmmod shrike, the devices are gone"
	else
		fail "$K: rmmod shrike, the devices are gone" "rmmod: ${rm_rc:-no answer}" "devices left: $after"
	fi
	wrc=$(sed -n 's/^== wrap //p' "$out")
	wres=$(grep '^kmodcheck: wrap_calls=' "$out")
	if [ "$wrc" = 0 ] && [ "$(sed -n 's/^== rmmod2 //p' "$out")" = 0 ]; then
		pass "$K: a 64 KiB ring wraps with padding and overflows, drops reported by SK_EVT_DROP ($(echo "$wres" | cut -d' ' -f2-))"
	else
		fail "$K: a 64 KiB ring wraps with padding and overflows, drops reported by SK_EVT_DROP" \
			"status ${wrc:-none}: ${wres:-$(grep '^kmodcheck: ' "$out" | tail -n 1)}"
	fi
	kst=$(sed -n 's/^== kstarted //p' "$out")
	kev=$(sed -n 's/^== kevents //p' "$out")
	kop=$(sed -n 's/^== kopenat //p' "$out")
	if [ "$kst" = 1 ] && [ "$(sed -n 's/^== kdaemon //p' "$out")" = 0 ] &&
		[ "$(sed -n 's/^== kcapdump //p' "$out")" = 0 ] && [ "${kop:-0}" -ge 5 ]; then
		pass "$K: shrike on engine.kind kmod reads the module's rings ($kev records captured, $kop openat) and stops cleanly"
	else
		fail "$K: shrike on engine.kind kmod reads the module's rings and stops cleanly" \
			"started=${kst:-?} daemon=$(sed -n 's/^== kdaemon //p' "$out") records=${kev:-?} openat=${kop:-?}" \
			"$(grep '^klog: ' "$out" | sed '2,$s/^/# /')"
	fi
	km=$(sed -n 's/^== kmetrics //p' "$out")
	m=shrike.plugins.kmod
	kn=$(json_num "$km" $m.n_evts)
	kd=$(json_num "$km" $m.n_drops)
	set -- $(json_sum "$km" "$m\.n_evts_cpu_[0-9]+") $(json_sum "$km" "$m\.n_drops_cpu_[0-9]+")
	kbuf=$(json_num "$km" $m.n_drops_buffer)
	kbig=$(json_num "$km" $m.n_drops_max_event_size)
	if [ "${kn:-0}" -gt 0 ] && [ "$1 $2" = "$kn $ndevs" ] && [ "$3 $4" = "$kd $ndevs" ] &&
		[ -n "$kbuf" ] && [ -n "$kbig" ] && [ "$((kbuf + kbig))" = "$kd" ] &&
		[ -n "$(json_num "$km" $m.n_params_fault)" ]; then
		pass "$K: the daemon's metrics carry the module's counters (n_evts $kn, the sum of n_evts_cpu_N for $ndevs CPUs; n_drops $kd, by reason and per CPU)"
	else
		fail "$K: the daemon's metrics carry the module's counters" \
			"got: $(printf '%s\n' "$km" | grep -oE "\"$m\.[a-z0-9_]+\":[0-9]+" | tr '\n' ' ')"
	fi
	if [ "$(sed -n 's/^== krmmod //p' "$out")" = 0 ]; then
		pass "$K: rmmod after the daemon stopped"
	else
		fail "$K: rmmod after the daemon stopped" "rmmod: $(sed -n 's/^== krmmod //p' "$out")"
	fi
	bad=$(section dmesg "$out" | grep -E 'Oops|BUG:|WARNING:|Call Trace|general protection|Kernel panic|RIP:|UBSAN|KASAN' || true)
	if [ -z "$bad" ] && grep -q '^== end' "$out"; then
		pass "$K: no oops or warning in dmesg, the VM ran to the end"
	else
		fail "$K: no oops or warning in dmesg, the VM ran to the end" \
			"$(printf '%s\n' "${bad:-the scenario did not finish (qemu status $qrc)}" | head -n 15 | sed '2,$s/^/# /')" \
			"console (tail):" "$(tail -n 15 "$out" | sed '2,$s/^/# /')"
	fi
	section dmesg "$out" | grep -i shrike | sed "s/^/# $K dmesg: /"
}

for s in $suites; do
	mkdir -p "$T/$s"
	kernel "$s"
done

# ---- dkms build ---------------------------------------------------------------

# dkms on the installed source, in a private dkms tree: bookworm only (its
# headers ask for gcc-12, which is this machine's gcc; dkms.conf's make
# command takes the compiler the headers name)
D="dkms build -m shrike -v $version for bookworm's kernel"
brel=$(cat "$cache/bookworm/release" 2>/dev/null)
bhdr="$hcache/bookworm/tree/usr/src/linux-headers-$brel"
if ! command -v dkms >/dev/null; then
	# under CI every component is installed: a missing dkms is a failure
	if [ "${CI:-}" = true ]; then
		fail "$D" "dkms not installed (scripts/install-deps.sh --test installs it)"
	else
		skip_rest 1 "$D" "dkms not installed (scripts/install-deps.sh --test installs it)"
	fi
elif ! echo " $suites " | grep -q " bookworm "; then
	skip_rest 1 "$D" "bookworm is not in SK_KMOD_SUITES"
elif [ -z "$brel" ] || [ ! -f "$bhdr/Makefile" ]; then
	skip_rest 1 "$D" "no bookworm kernel or headers"
else
	dk="$T/dkms"
	mkdir -p "$dk/tree" "$dk/modules"
	if install_source "$dk/dest" >"$dk/log" 2>&1 &&
		(cd "$dk" && dkms build -m shrike -v "$version" -k "$brel" --kernelsourcedir "$bhdr" \
			--dkmstree "$dk/tree" --sourcetree "$dk/dest/usr/src" --installtree "$dk/modules") >>"$dk/log" 2>&1 &&
		ko=$(find "$dk/tree/shrike/$version/$brel" -name 'shrike.ko*' | head -n 1) && [ -n "$ko" ] &&
		{ ! command -v modinfo >/dev/null || modinfo -F vermagic "$ko" | grep -q "^$brel "; }; then
		pass "$D (${ko#"$dk/tree/"})"
	else
		fail "$D" "$(tail -n 20 "$dk/log" "$dk"/tree/shrike/*/build/make.log 2>/dev/null | sed '2,$s/^/# /')"
	fi
fi
tap_done
