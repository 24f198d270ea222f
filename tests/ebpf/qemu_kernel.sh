#!/bin/sh
# tests/ebpf/qemu_kernel.sh - the same probe on a second kernel: Debian's
# linux-image-amd64 (a different version, different struct layouts: CO-RE
# must relocate) booted in qemu-system-x86_64 (TCG, no KVM needed) with an
# initramfs holding busybox-static, the daemon, its plugins and the shared
# libraries they need. Inside, the daemon records (--capture) while /init
# runs /bin/true and cat /etc/hostname; capdump prints the capture on the
# serial console, and the test checks the records. Needs root only for
# nothing; needs qemu-system-x86, linux-image-amd64 and busybox-static
# (scripts/install-deps.sh --test).
. "$top_srcdir/tests/lib.sh"

[ "$(uname -m)" = x86_64 ] || tap_skip_all "x86-64 only"
qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || tap_skip_all "qemu-system-x86_64 not installed (qemu-system-x86)"
busybox=/bin/busybox
{ [ -x "$busybox" ] && ldd "$busybox" 2>&1 | grep -q "not a dynamic"; } ||
	tap_skip_all "busybox-static not installed"
command -v cpio >/dev/null || tap_skip_all "cpio not installed"
kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n1)
[ -n "$kernel" ] && [ -r "$kernel" ] || tap_skip_all "no Debian kernel in /boot (linux-image-amd64)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built"
kver=${kernel#/boot/vmlinuz-}

capdump="$top_builddir/tests/tools/capdump"
sysprobe="$top_builddir/tests/ebpf/sysprobe"
root="$T/root"
mkdir -p "$root/bin" "$root/sbin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" \
	"$root/tmp" "$root/shrike/plugins" "$root/lib64" "$root/usr/bin"

# busybox and its applets
cp "$busybox" "$root/bin/busybox"
for a in sh mount umount cat true sleep mkdir poweroff echo ls kill cp grep uname; do
	ln -s busybox "$root/bin/$a"
done
# the daemon, the plugins it loads, the tools; and every shared library
# they need, at the same path
cp "$SHRIKE" "$root/shrike/shrike"
for so in "$SK_TEST_PLUGINS_DIR"/*.so; do
	cp -L "$so" "$root/shrike/plugins/"
done
cp "$capdump" "$sysprobe" "$root/shrike/"
for f in "$root"/shrike/shrike "$root"/shrike/capdump "$root"/shrike/sysprobe \
	"$root"/shrike/plugins/*.so; do
	ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'
done | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
echo qemu-guest >"$root/etc/hostname"
cat >"$root/shrike/shrike.yaml" <<EOF
rules_files: []
stdout_output:
  enabled: false
engine:
  kind: ebpf
  ebpf:
    buf_size_preset: 2
log_level: info
EOF
cat >"$root/init" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
echo "== kernel $(uname -r)"
cd /shrike
./shrike -c shrike.yaml -o plugins_dir=/shrike/plugins --capture /tmp/cap.scap >/tmp/log 2>&1 &
d=$!
i=0
while ! grep -q "source 'ebpf' started" /tmp/log && [ $i -lt 600 ]; do
	kill -0 $d 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
sh -c 'echo $$ > /tmp/true.pid; exec /bin/true'
sh -c 'exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; echo $$ > /tmp/cat.pid; exec cat /etc/hostname' >/dev/null
sleep 1
./sysprobe stop $d
i=0
while kill -0 $d 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
echo "== log"
cat /tmp/log
echo "== true $(cat /tmp/true.pid) cat $(cat /tmp/cat.pid)"
echo "== dump"
./capdump /tmp/cap.scap | grep -E " (execve|openat|procexit|clone|fork|vfork) |^# "
echo "== end"
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$T/initrd.gz"
pass "initramfs with busybox, the daemon and its libraries ($(du -k "$T/initrd.gz" | cut -f1) KiB)"

timeout 300 "$qemu" -m 1024 -smp 2 -nographic -no-reboot -kernel "$kernel" \
	-initrd "$T/initrd.gz" -append "console=ttyS0 panic=-1 quiet" \
	>"$T/console" 2>&1 </dev/null
tr -d '\r' <"$T/console" >"$T/c"
cp "$T/c" "${SK_QEMU_CONSOLE:-/dev/null}" 2>/dev/null || true
like "$(cat "$T/c")" "== kernel $kver" "the VM boots $kver"
like "$(sed -n '/== log/,/== true/p' "$T/c")" "eBPF probe attached" \
	"the probe built against $(uname -r)'s vmlinux.h loads on $kver (CO-RE)"
pids=$(sed -n 's/^== true \([0-9]*\) cat \([0-9]*\)$/\1 \2/p' "$T/c")
tp=${pids% *}
cp=${pids#* }
dump=$(sed -n '/== dump/,/== end/p' "$T/c")
like "$dump" "^[0-9]+ $tp execve res=0 exe=/bin/true " "execve of /bin/true recorded on $kver"
like "$dump" "^[0-9]+ $tp procexit status=0 " "procexit recorded on $kver"
like "$dump" "^[0-9]+ $cp openat fd=3 dirfd=-100 name=/etc/hostname flags=O_RDONLY mode=0 dev=0x[0-9a-f]+ ino=[0-9]+\$" \
	"openat of /etc/hostname with fd, flags, dev and inode on $kver"
like "$dump" "cgroups=\[" "process records carry cgroups on $kver"
like "$dump" "^# events=[0-9]+ drops=0$" "the capture ends cleanly on $kver"
if [ "$_tap_failed" -gt 0 ]; then
	diag_tail=$(tail -n 40 "$T/c")
	printf '# console:\n%s\n' "$diag_tail" | sed 's/^/# /'
fi

tap_plan "$_tap_n"
tap_done
