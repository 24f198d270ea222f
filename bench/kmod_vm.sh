#!/bin/sh
# bench/kmod_vm.sh - what the kernel module costs the programs being
# watched, beside the eBPF probe, on Debian's kernels in QEMU (the module
# cannot be loaded on a host without module support; Debian's kernels
# boot in QEMU). Prints figures; never passes or fails on time.
#
#   make check                       # builds shrike, the plugins, the tools
#   bench/kmod_vm.sh [BUILDDIR] [RUNS] [SUITES]
#                                    # default: . 5 "bookworm"
#
# Builds shrike.ko against the suite's headers (tests/kmod/kmod_lib.sh:
# downloaded through a private apt configuration, cached), boots the
# suite's kernel with the module, the daemon, its plugins, the shipped
# rules and bench/syscall_load, and runs the workload RUNS times in each
# configuration, by turns in one boot (the VM drifts over a run: taking
# turns spreads the drift over all three):
#   none    no probe, no module recording
#   kmod    the daemon on engine.kind kmod (the module loaded, ring_kb 8192)
#   ebpf    the daemon on engine.kind ebpf
# The workload (syscall_load: open+close, stat, connect+accept, fork+exec)
# runs on CPU 1, the daemon on CPU 0. Printed: the median ns per syscall
# of each workload in each configuration, the overhead ratio against the
# first `none`, and what the module adds against what the eBPF probe adds.
#
# QEMU here is TCG (no KVM): every instruction is translated, so absolute
# figures are many times the host's and mean little; the ratios, measured
# side by side in one boot, are what to read, and even they carry TCG's
# bias (it slows down the kernel's own C and a JIT-compiled BPF program
# about alike, but not exactly alike).
set -eu
b=$(cd "${1:-.}" && pwd)
runs=${2:-5}
suites=${3:-bookworm}
top_builddir=$b
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
SHRIKE="$b/shrike"
SK_TEST_PLUGINS_DIR="$b/tests/plugins.d"
load="$b/bench/syscall_load"
for f in "$SHRIKE" "$load" "$SK_TEST_PLUGINS_DIR/kmod.so" "$SK_TEST_PLUGINS_DIR/ebpf.so" \
	"$b/tests/tools/capdump"; do
	[ -e "$f" ] || {
		echo "bench/kmod_vm.sh: $f is missing: build first (make check) in $b" >&2
		exit 2
	}
done
# the tests' scratch directory, cleanup and the VM and module helpers
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ebpf/vm_lib.sh"
. "$top_srcdir/tests/kmod/kmod_lib.sh"
[ -n "$qemu" ] || {
	echo "bench/kmod_vm.sh: qemu-system-x86_64 is needed (qemu-system-x86)" >&2
	exit 2
}

workloads="openclose:20000 stat:20000 connect:1000 forkexec:100"

cat >"$T/scenario.sh" <<EOS
#!/bin/sh
B=\$1 P=\$2 C=\$3 R=\$4 W=\$5
RUNS=$runs
WORKLOADS="$workloads"
EOS
cat >>"$T/scenario.sh" <<'EOS'
echo "== kernel $(uname -r)"
insmod "$B/shrike.ko" ring_kb=8192 || echo "== error insmod"
work() {
	for w in $WORKLOADS; do
		busybox taskset -c 1 "$B/syscall_load" "${w%%:*}" "${w#*:}" | sed "s/^/$1 /"
	done
}
start() {
	busybox taskset -c 0 "$B/shrike" -c "$C" -o plugins_dir="$P" -o engine.kind="$1" \
		-o "rules_files=[$R/shrike_rules.yaml]" -o stdout_output.enabled=false \
		-o watch_config_files=false -o log_level=info >/dev/null 2>"$W/$1.log" &
	d=$!
	. "$B/daemon_wait.sh"
	wait_started "$W/$1.log" $d "$1"
	[ $started = yes ] || { echo "== error $1 did not start"; sed 's/^/log: /' "$W/$1.log" | tail -n 5; }
}
stop() {
	kill -TERM $d
	wait $d
	grep -E "drop|dropped" "$W/$1.log" | tail -n 2 | sed "s/^/$1 log: /"
}
for i in $(seq "$RUNS"); do
	work none
	start kmod
	work kmod
	stop kmod
	start ebpf
	work ebpf
	stop ebpf
done
echo "== end"
EOS

vm_fetch $suites >/dev/null
kmod_fetch_headers $suites >/dev/null
for s in $suites; do
	K=$(vm_label "$s")
	mkdir -p "$T/$s"
	if [ ! -s "$cache/$s/vmlinuz" ] || ! kmod_build "$s" "$T/$s/dest" "$T/$s/build.log"; then
		echo "$K: no kernel, or the module does not build:" >&2
		printf '%s\n' "$fetch_err$hdr_err" >&2
		tail -n 20 "$T/$s/build.log" >&2 2>/dev/null
		continue
	fi
	vm_root "$T/$s/root" "$T/scenario.sh"
	cp "$ko" "$load" "$T/$s/root/shrike/"
	vm_pack "$T/$s/root" "$T/$s/initrd.gz"
	vm_boot "$s" "$T/$s/initrd.gz" "$T/$s/out"
	o="$T/$s/out"
	if ! grep -q '^== end' "$o" || grep -q '^== error' "$o"; then
		echo "$K: the run did not finish:" >&2
		grep -E '^== error|^log:|Oops|BUG|panic' "$o" >&2 || tail -n 20 "$o" >&2
		continue
	fi
	echo "$K, $runs runs each: median ns per syscall in QEMU (TCG), overhead against no probe"
	printf '  %-10s %9s %9s %9s %7s %7s %12s\n' workload none kmod ebpf kmod/n ebpf/n "kmod/ebpf +"
	for w in $workloads; do
		m=${w%%:*}
		med() { sed -n "s/^$1 $m .* ns_per_syscall=\([0-9]*\) .*/\1/p" "$o" |
			sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
		n=$(med none) k=$(med kmod) e=$(med ebpf)
		awk -v m="$m" -v n="$n" -v k="$k" -v e="$e" 'BEGIN {
			if (n == 0) { printf "  %-10s (no figures)\n", m; exit }
			add = (e - n > 0) ? sprintf("%.2f", (k - n) / (e - n)) : "-"
			printf "  %-10s %9d %9d %9d %7.2f %7.2f %12s\n", m, n, k, e, k / n, e / n, add }'
	done
	grep -E '^(kmod|ebpf) log:' "$o" | sort -u | sed 's/^/  /'
done
