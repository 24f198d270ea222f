#!/bin/sh
# tests/deploy/packages.sh - the Debian packages that scripts/build-debs.sh
# built (in $SK_DEBS_DIR) are what debian/ says, and they install, run,
# upgrade, remove and purge in a fresh Debian 12 root.
#
# The packages: all five are there with the version of configure.ac;
# lintian found no error, and every warning it reports is explained in
# debian/README.source; the daemon's package does not pull librdkafka or
# libcurl (the Kafka and HTTP outputs are their own packages); the
# configuration files are conffiles.
#
# The install: a fresh root made by mmdebstrap (--variant=apt, Debian's
# registry only), the .deb files installed there with apt, which takes
# their dependencies from Debian. From that root (chroot, with /proc,
# /sys and /dev of the host): `shrike --version`, `shrike --dry-run` on
# the installed configuration, and a live run on that configuration (the
# eBPF source, the shipped rules, alerts to stdout) that sees
# `cat /etc/shadow`. Then an upgrade to the same packages with a higher
# version (repacked), over a configuration the user changed: the change is
# kept. Then `apt-get remove` (the configuration stays) and `apt-get purge`
# (nothing of Shrike stays: files, configuration, logs). shrike-dkms is
# checked without installing it (dkms would pull a compiler and headers);
# tests/kmod/vm_module.sh builds the same source tree with dkms.
#
# SK_DEBS_DIR is set by the CI stage that builds the packages
# (scripts/run-tests.sh); without it the test skips, which CI counts as a
# failure. SK_DEBIAN_MIRROR and SK_DEBIAN_SECURITY name the mirrors (as
# for scripts/build-image.sh). Needs root, mmdebstrap, lintian output (lintian.txt next to the
# packages) and a kernel that loads the eBPF probe.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib/debian.sh"

debs=${SK_DEBS_DIR:-}
[ -n "$debs" ] || tap_skip_all "SK_DEBS_DIR is not set (scripts/build-debs.sh DIR builds the packages)"
[ -d "$debs" ] || tap_skip_all "SK_DEBS_DIR=$debs is not a directory"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root (chroot, mounts)"
command -v mmdebstrap >/dev/null || tap_skip_all "mmdebstrap is not installed (scripts/install-deps.sh --test)"
tap_plan 15

version=$(sed -n 's/^AC_INIT(\[shrike\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
pkgs="shrike shrike-plugin-kafka shrike-plugin-http libshrike-plugin-dev shrike-dkms"

# ---- the packages ------------------------------------------------------------

# deb NAME - the .deb of package NAME
deb() { ls "$debs/$1"_*.deb 2>/dev/null | head -n 1; }
missing= versions=
for p in $pkgs; do
	f=$(deb $p)
	if [ -z "$f" ]; then
		missing="$missing $p"
	else
		versions="$versions $p=$(dpkg-deb -f "$f" Version)"
	fi
done
clog=$(sed -n '1s/^shrike (\([^)]*\)).*/\1/p' "$top_srcdir/debian/changelog")
bad=$(echo "$versions" | tr ' ' '\n' | grep -v "^$" | grep -v "=$clog\$" || true)
if [ -z "$missing" ] && [ -z "$bad" ] && [ "${clog%-*}" = "$version" ]; then
	pass "the five packages are built, at version $clog (configure.ac: $version; debian/changelog)"
else
	fail "the five packages are built, at the version of configure.ac and debian/changelog" \
		"missing:${missing:-} wrong version: $(echo $bad) changelog=$clog configure.ac=$version"
fi

lint="$debs/lintian.txt"
if [ ! -s "$lint" ]; then
	fail "lintian: no error" "no $lint (scripts/build-debs.sh writes it)"
	fail "lintian: every warning is explained in debian/README.source"
else
	errs=$(grep '^E: ' "$lint" || true)
	is "$errs" "" "lintian: no error ($(grep -c '^[EWIPX]: ' "$lint") tags reported, $(grep -c '^W: ' "$lint") warning(s))"
	unexplained=
	for tag in $(sed -n 's/^W: [^:]*: \([^ ]*\).*/\1/p' "$lint" | sort -u); do
		grep -q -- "$tag" "$top_srcdir/debian/README.source" || unexplained="$unexplained $tag"
	done
	is "${unexplained# }" "" "lintian: every warning is explained in debian/README.source"
fi

d_shrike=$(deb shrike)
dep=$(dpkg-deb -f "$d_shrike" Depends)
kdep=$(dpkg-deb -f "$(deb shrike-plugin-kafka)" Depends)
hdep=$(dpkg-deb -f "$(deb shrike-plugin-http)" Depends)
if ! echo "$dep" | grep -Eq 'rdkafka|curl' && echo "$kdep" | grep -q librdkafka &&
	echo "$hdep" | grep -q libcurl && echo "$kdep" | grep -q "shrike (= $clog)"; then
	pass "shrike needs neither librdkafka nor libcurl; the output plugins do, and need shrike (= $clog)"
else
	fail "shrike needs neither librdkafka nor libcurl; the output plugins do" \
		"shrike: $dep" "kafka: $kdep" "http: $hdep"
fi

conff=$(dpkg-deb --ctrl-tarfile "$d_shrike" | tar -xOf - ./conffiles 2>/dev/null | sort | tr '\n' ' ')
list=$(dpkg-deb -c "$d_shrike" | awk '{ print $6 }')
want="./etc/shrike/config.d/ ./etc/shrike/rules.d/ ./usr/bin/shrike ./usr/share/man/man8/shrike.8.gz \
./usr/share/man/man5/shrike.yaml.5.gz ./usr/share/man/man5/shrike-rules.5.gz \
./lib/systemd/system/shrike.service ./lib/systemd/system/shrike-kmod.service \
./usr/share/shrike/rules/shrike_rules.yaml"
absent=
for f in $want; do echo "$list" | grep -qxF "$f" || absent="$absent $f"; done
echo "$list" | grep -q '/plugins/ebpf\.so$' || absent="$absent ebpf.so"
echo "$list" | grep -q '/plugins/kafka\.so$' && absent="$absent (kafka.so is in shrike)"
for f in /etc/logrotate.d/shrike /etc/shrike/shrike.yaml /etc/shrike/shrike_rules.local.yaml; do
	case " $conff" in *" $f "*) ;; *) absent="$absent (conffile $f)" ;; esac
done
if [ -z "$absent" ]; then
	pass "shrike: the daemon, plugins, rules, man pages and units; conffiles: $conff"
else
	fail "shrike: the daemon, plugins, rules, man pages and units; its configuration as conffiles" \
		"conffiles: $conff" "missing:$absent"
fi

# shrike-dkms: the module's source as `make install` lays it out (the tree
# tests/kmod/vm_module.sh builds with dkms), and dkms called at install
d_dkms=$(deb shrike-dkms)
dlist=$(dpkg-deb -c "$d_dkms" | awk '{ print $6 }')
dconf=$(dpkg-deb --fsys-tarfile "$d_dkms" | tar -xOf - "./usr/src/shrike-$version/dkms.conf" 2>/dev/null)
dpost=$(dpkg-deb --ctrl-tarfile "$d_dkms" | tar -xOf - ./postinst 2>/dev/null)
absent=
for f in dkms.conf Kbuild Makefile shrike_main.c shrike_priv.h include/shrike/event.h; do
	echo "$dlist" | grep -qxF "./usr/src/shrike-$version/$f" || absent="$absent $f"
done
if [ -z "$absent" ] && echo "$dconf" | grep -qx "PACKAGE_VERSION=\"$version\"" &&
	echo "$dpost" | grep -q 'dkms' && dpkg-deb -f "$d_dkms" Depends | grep -q dkms; then
	pass "shrike-dkms: the module's source in /usr/src/shrike-$version with its dkms.conf; postinst adds it to DKMS"
else
	fail "shrike-dkms: the module's source in /usr/src/shrike-$version with its dkms.conf; postinst adds it to DKMS" \
		"missing:$absent" "dkms.conf: $(echo "$dconf" | grep PACKAGE_VERSION)"
fi

# ---- a fresh Debian 12 root ----------------------------------------------------

R="$T/root"
# the mirrors as scripts/build-image.sh takes them
mirror=${SK_DEBIAN_MIRROR:-$(debian_mirror)}
secmirror=${SK_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
mounted=
umount_all() {
	for m in $mounted; do umount -l "$m" 2>/dev/null; done
	mounted=
}
on_exit 'umount_all'
t0=$(date +%s)
if mmdebstrap --quiet --variant=apt bookworm "$R" \
	"deb ${mirror:-http://deb.debian.org/debian} bookworm main" \
	"deb ${mirror:-http://deb.debian.org/debian} bookworm-updates main" \
	"deb $secmirror bookworm-security main" \
	>"$T/mmdebstrap.out" 2>&1; then
	pass "mmdebstrap made a fresh Debian 12 root in $(($(date +%s) - t0)) s ($(du -sm "$R" | cut -f1) MB)"
else
	fail "mmdebstrap made a fresh Debian 12 root" "$(tail -n 15 "$T/mmdebstrap.out")"
	tap_done
	exit 1
fi
cp /etc/resolv.conf "$R/etc/resolv.conf"
# all but shrike-dkms, whose dkms pulls a compiler and kernel headers: its
# source tree is built by tests/kmod/vm_module.sh
pkgs="shrike shrike-plugin-kafka shrike-plugin-http libshrike-plugin-dev"
mkdir -p "$R/tmp/debs"
for p in $pkgs; do cp "$(deb $p)" "$R/tmp/debs/"; done
for m in proc sys dev; do
	mount --rbind "/$m" "$R/$m" && mounted="$R/$m $mounted"
done
# in_root CMD... - CMD in the root, as apt and dpkg run there
in_root() { chroot "$R" env DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

t0=$(date +%s)
# mmdebstrap leaves no package lists
in_root apt-get update -q >"$T/install.out" 2>&1
files=$(cd "$R/tmp/debs" && ls *.deb | sed 's|^|/tmp/debs/|' | tr '\n' ' ')
# shellcheck disable=SC2086
if in_root apt-get install -y -q $files >>"$T/install.out" 2>&1; then
	pass "apt-get install of the .deb files but shrike-dkms, dependencies from Debian, in $(($(date +%s) - t0)) s ($(grep -c '^Setting up ' "$T/install.out") packages set up)"
else
	fail "apt-get install of the .deb files but shrike-dkms, dependencies from Debian" "$(tail -n 20 "$T/install.out")"
fi

v=$(in_root shrike --version 2>&1 | head -n 1)
like "$v" "^shrike $version( |\$)" "shrike --version in the root ($v)"

if in_root shrike --dry-run >"$T/dry.out" 2>&1; then
	pass "shrike --dry-run on the installed /etc/shrike/shrike.yaml ($(grep -c . "$T/dry.out") lines)"
else
	fail "shrike --dry-run on the installed /etc/shrike/shrike.yaml" "$(tail -n 15 "$T/dry.out")"
fi

# a live run on the installed configuration (chroot execs it: $sp is the
# daemon)
chroot "$R" /usr/bin/shrike -c /etc/shrike/shrike.yaml -o log_level=info >"$T/alerts" 2>"$T/log" &
sp=$!
on_exit 'kill -KILL $sp 2>/dev/null'
started=no
wait_for 60 grep -q "source 'ebpf' started" "$T/log" && started=yes
sleep 0.5
in_root sh -c 'cat /etc/shadow >/dev/null; echo $$' >"$T/cat.pid"
wait_for 10 grep -q 'shadow' "$T/alerts"
kill -TERM $sp 2>/dev/null
wait $sp
rc=$?
if [ $started = yes ] && [ $rc = 0 ] && grep -q 'Read sensitive file untrusted\|file=/etc/shadow' "$T/alerts"; then
	pass "a live run from the root on the installed configuration sees cat /etc/shadow ($(grep -m1 shadow "$T/alerts" | cut -c1-160))"
else
	fail "a live run from the root on the installed configuration sees cat /etc/shadow" \
		"started=$started exit=$rc" "alerts: $(tail -n 5 "$T/alerts")" "log: $(tail -n 10 "$T/log")"
fi

# ---- upgrade, remove, purge ----------------------------------------------------

# the same packages one version higher: what an upgrade does to the
# maintainer scripts and the conffiles
echo "# a local change" >>"$R/etc/shrike/shrike.yaml"
sum=$(md5sum <"$R/etc/shrike/shrike.yaml" 2>&1)
new="$clog+upgrade1"
mkdir -p "$R/tmp/debs2"
for f in "$R"/tmp/debs/*.deb; do
	x="$T/x.$(basename "$f")"
	dpkg-deb -R "$f" "$x"
	sed -i "s/^Version: .*/Version: $new/; s/(= $clog)/(= $new)/g" "$x/DEBIAN/control"
	dpkg-deb -b "$x" "$R/tmp/debs2/" >/dev/null
	rm -rf "$x"
done
files2=$(cd "$R/tmp/debs2" && ls *.deb | sed 's|^|/tmp/debs2/|' | tr '\n' ' ')
# shellcheck disable=SC2086
if in_root apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	$files2 >"$T/upgrade.out" 2>&1 && [ "$(in_root dpkg-query -W -f '${Version}' shrike)" = "$new" ]; then
	pass "the packages upgrade to $new"
else
	fail "the packages upgrade to $new" "$(tail -n 15 "$T/upgrade.out")"
fi
if [ -e "$R/usr/bin/shrike" ] && [ "$(md5sum <"$R/etc/shrike/shrike.yaml")" = "$sum" ] && [ -z "$(find "$R/etc/shrike" -name '*.dpkg-*')" ] &&
	[ -z "$(in_root dpkg --audit 2>&1)" ]; then
	pass "the upgrade kept the changed /etc/shrike/shrike.yaml; dpkg --audit is clean"
else
	fail "the upgrade kept the changed /etc/shrike/shrike.yaml; dpkg --audit is clean" \
		"$(find "$R/etc/shrike" -name '*.dpkg-*')" "$(in_root dpkg --audit 2>&1 | head -n 5)"
fi

mkdir -p "$R/var/log/shrike" && echo x >"$R/var/log/shrike/shrike.log"
# shellcheck disable=SC2086
in_root apt-get remove -y -q $pkgs >"$T/remove.out" 2>&1
st=$(in_root dpkg-query -W -f '${db:Status-Abbrev}' shrike 2>/dev/null)
if [ ! -e "$R/usr/bin/shrike" ] && [ -e "$R/etc/shrike/shrike.yaml" ] && [ "${st% }" = rc ]; then
	pass "apt-get remove: the program is gone, the configuration stays (status $st)"
else
	fail "apt-get remove: the program is gone, the configuration stays" "status=$st" "$(tail -n 10 "$T/remove.out")"
fi
# what remove left: the packages with configuration files (status rc)
rc_pkgs=$(for p in $pkgs; do in_root dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' $p 2>/dev/null; done |
	awk '$2 == "rc" { print $1 }')
# shellcheck disable=SC2086
in_root apt-get purge -y -q $rc_pkgs >"$T/purge.out" 2>&1
left=$(for p in $pkgs; do in_root dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' $p 2>/dev/null; done | grep -v ' un *$' || true)
stay=$(ls -d "$R/etc/shrike" "$R/var/log/shrike" "$R/var/lib/shrike" "$R/usr/include/shrike" \
	"$R/usr/lib/x86_64-linux-gnu/shrike" 2>/dev/null || true)
if [ -z "$left" ] && [ -z "$stay" ]; then
	pass "apt-get purge: no package, configuration or log of Shrike is left"
else
	fail "apt-get purge: no package, configuration or log of Shrike is left" \
		"packages: $left" "left: $stay" "$(tail -n 10 "$T/purge.out")"
fi
umount_all
tap_done
