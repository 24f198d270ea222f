#!/bin/sh
# bench/syscalls.sh - what capturing syscalls costs the programs being
# watched. Prints figures; never passes or fails on time. Needs root.
#
#   make check                       # builds shrike, the plugins, the tools
#   bench/syscalls.sh [BUILDDIR] [RUNS]
#   SHRIKE_OPTS='-o engine.ebpf.paths_at_entry=true' bench/syscalls.sh ...
#                                    # the daemon with extra options
#
# 1. A syscall-heavy workload (bench/syscall_load: open+close, stat,
#    connect+accept, fork+exec) timed in one run, side by side:
#      none    no probe of ours attached
#      bare    bench/bare_probe.bpf.c: the floor, a probe that only copies
#              the same syscalls (64-byte records, no wake-ups) into a ring
#              buffer, and a reader that drains it (bench/bare_reader)
#      shrike  the daemon with engine.kind: ebpf, the syscall state plugins
#              and the default rules when there are any
#    as the median ns per syscall of RUNS runs, the overhead ratio against
#    `none`, and what Shrike adds against what the bare probe adds. Timed
#    with the kernel's BPF accounting off (it reads the clock twice per
#    program run: a probe with two programs per syscall would pay it
#    twice), the workload on the last CPU and the daemon or the bare
#    probe's reader on the first (when there are two or more).
# 2. The event rate at which drops start: open+close at fixed rates, the
#    daemon's drop count at each (default 8 MiB ring buffer).
# 3. Where the time goes: the kernel's own accounting of each BPF program
#    (kernel.bpf_stats_enabled, switched on for the run and restored), ns
#    per run of every program of the bare probe and of Shrike's probe, and
#    the daemon's CPU time per event.
set -eu
b=$(cd "${1:-.}" && pwd)
runs=${2:-5}
src=$(cd "$(dirname "$0")/.." && pwd)
load="$b/bench/syscall_load"
bare="$b/bench/bare_reader"
shrike="$b/shrike"
plugins="$b/tests/plugins.d"
stopper="$b/tests/ebpf/sysprobe"
for f in "$load" "$bare" "$shrike" "$stopper" "$plugins/ebpf.so"; do
	[ -e "$f" ] || {
		echo "bench/syscalls.sh: $f is missing: build first (make check) in $b" >&2
		exit 2
	}
done
[ "$(id -u)" = 0 ] || {
	echo "bench/syscalls.sh: needs root (it loads eBPF programs)" >&2
	exit 2
}
t=$(mktemp -d)
pid=""
bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
old_stats=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	sysctl -qw kernel.bpf_stats_enabled="$old_stats" 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT
sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null || true
# the workload on the last CPU, the reader (daemon, bare reader) on the
# first: the reader's work does not land on the workload's CPU
ncpu=$(nproc)
pin_load=""
pin_reader=""
if [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null; then
	pin_load="taskset -c $((ncpu - 1))"
	pin_reader="taskset -c 0"
fi

# BPF programs loaded now: "id name" lines.
progs() { "$bpftool" prog list 2>/dev/null | awk '/^[0-9]+: / { sub(":", "", $1); print $1, $4 }' | sort; }
# ours BEFORE_FILE OUT_FILE: the programs loaded since BEFORE (taken right
# after a probe attached, so another tool's probes loaded later are not
# counted as ours).
ours() {
	progs >"$t/progs.now"
	join -v2 "$1" "$t/progs.now" >"$2"
}
# prog_cost IDS_FILE: ns per run and runs of those programs.
prog_cost() {
	while read -r id name; do
		"$bpftool" prog show id "$id" 2>/dev/null | awk -v n="$name" '
			/run_time_ns/ { for (i = 1; i <= NF; i++) { if ($i == "run_time_ns") t = $(i + 1); if ($i == "run_cnt") c = $(i + 1) } }
			END { if (c > 0) printf "  %-20s %10d runs %8.0f ns/run\n", n, c, t / c; else printf "  %-20s %10d runs\n", n, 0 }'
	done <"$1"
}

rules=""
if [ -f "$src/rules/shrike_rules.yaml" ]; then
	rules="$src/rules/shrike_rules.yaml"
	rules_note="the default rules ($rules)"
else
	rules_note="NO RULES: the default ruleset does not exist yet, so Shrike captures, checks and tracks state only"
fi
cat >"$t/shrike.yaml" <<EOF
rules_files: [${rules}]
stdout_output:
  enabled: false
engine:
  kind: ebpf
syscall_event_drops:
  actions: [log]
  rate: 1000
  max_burst: 1000
metrics:
  enabled: true
  interval: 1s
  log: true
  output_rule: false
log_level: info
EOF

workloads="openclose:100000 stat:200000 connect:10000 forkexec:1000"

median() {
	sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# once CONFIG: run every workload once, appending "mode ns_per_syscall" to
# $t/CONFIG.raw.
once() {
	sysctl -qw kernel.bpf_stats_enabled=0 2>/dev/null || true
	for w in $workloads; do
		mode=${w%%:*}
		n=${w#*:}
		$pin_load "$load" "$mode" "$n" | sed -n "s/^\([a-z]*\) .* ns_per_syscall=\([0-9]*\) .*/\1 \2/p" >>"$t/$1.raw"
	done
	sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null || true
}

# medians CONFIG: the median ns per syscall of each workload into $t/CONFIG.
medians() {
	: >"$t/$1"
	for w in $workloads; do
		mode=${w%%:*}
		awk -v m="$mode" '$1 == m { print $2 }' "$t/$1.raw" | median | sed "s/^/$mode /" >>"$t/$1"
	done
}

# run_ns IDS_FILE: total kernel run time (ns) of those programs.
run_ns() {
	while read -r id name; do
		"$bpftool" prog show id "$id" 2>/dev/null |
			awk '/run_time_ns/ { for (i = 1; i <= NF; i++) if ($i == "run_time_ns") print $(i + 1) }'
	done <"$1" | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# kernel_per_syscall IDS_FILE: the probe's kernel time per syscall of an
# open+close loop (from the kernel's own accounting, so other load on the
# machine does not blur it the way it blurs wall-clock time).
kernel_per_syscall() {
	a=$(run_ns "$1")
	$pin_load "$load" openclose 200000 >/dev/null
	z=$(run_ns "$1")
	echo $(((z - a) / 400000))
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

start_shrike() {
	# shellcheck disable=SC2086
	$pin_reader "$shrike" -c "$t/shrike.yaml" -o plugins_dir="$plugins" ${SHRIKE_OPTS:-} >"$t/shrike.log" 2>&1 &
	pid=$!
	for i in $(seq 200); do
		grep -q "source 'ebpf' started" "$t/shrike.log" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "bench/syscalls.sh: the daemon did not start:" >&2
	cat "$t/shrike.log" >&2
	exit 1
}

stop_shrike() {
	"$stopper" stop "$pid"
	for i in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	wait "$pid" 2>/dev/null || true
	pid=""
}

# total drops and events the daemon reported in its log
drops_in_log() { sed -n 's/.*(\([0-9]*\) in total.*/\1/p' "$t/shrike.log" | tail -n1; }
events_in_log() { sed -n 's/.*Metrics snapshot: events=\([0-9]*\) .*/\1/p' "$t/shrike.log" | tail -n1; }

echo "bench/syscalls.sh: $(uname -r), $(nproc) CPUs, median of $runs runs"
echo "Shrike runs with $rules_note."
others=$(/usr/sbin/bpftool prog list 2>/dev/null | grep -c 'name sk_sys_exit' || true)
if [ "${others:-0}" -gt 0 ]; then
	echo "WARNING: $others other Shrike probe(s) already attached on this machine: every"
	echo "configuration below pays for them too, so the figures are inflated."
fi
echo

# The three configurations take turns, RUNS rounds, so a change in the
# machine's load hits them alike.
: >"$t/bare.cost"
: >"$t/shrike.cost"
c_total=0
for round in $(seq "$runs"); do
	once none

	progs >"$t/progs.before"
	$pin_reader "$bare" >"$t/bare.out" 2>&1 &
	pid=$!
	for i in $(seq 100); do grep -q ready "$t/bare.out" && break; sleep 0.1; done
	ours "$t/progs.before" "$t/bare.ids"
	once bare
	kernel_per_syscall "$t/bare.ids" >>"$t/bare.kns"
	[ "$round" = "$runs" ] && prog_cost "$t/bare.ids" >"$t/bare.cost"
	kill -TERM "$pid"
	wait "$pid" || true
	pid=""
	bare_stats=$(tail -n1 "$t/bare.out")

	progs >"$t/progs.before"
	start_shrike
	ours "$t/progs.before" "$t/shrike.ids"
	c0=$(cpu_ticks "$pid")
	once shrike
	c1=$(cpu_ticks "$pid")
	c_total=$((c_total + c1 - c0))
	kernel_per_syscall "$t/shrike.ids" >>"$t/shrike.kns"
	[ "$round" = "$runs" ] && prog_cost "$t/shrike.ids" >"$t/shrike.cost"
	sleep 1.2 # one more metrics snapshot
	ev_round=$(events_in_log)
	ev=$(( ${ev:-0} + ${ev_round:-0} ))
	stop_shrike
	d=$(drops_in_log)
	sdrops=$(( ${sdrops:-0} + ${d:-0} ))
done
medians none
medians bare
medians shrike
c0=0
c1=$c_total

printf '%-10s %12s %12s %12s %10s %10s %14s\n' workload "none ns/sc" "bare ns/sc" "shrike ns/sc" "bare x" "shrike x" "added vs bare"
for w in $workloads; do
	mode=${w%%:*}
	n0=$(awk -v m="$mode" '$1 == m { print $2 }' "$t/none")
	n1=$(awk -v m="$mode" '$1 == m { print $2 }' "$t/bare")
	n2=$(awk -v m="$mode" '$1 == m { print $2 }' "$t/shrike")
	awk -v m="$mode" -v a="$n0" -v b="$n1" -v c="$n2" 'BEGIN {
		ab = b - a; ac = c - a
		printf "%-10s %12d %12d %12d %9.2fx %9.2fx %13s\n", m, a, b, c, b / a, c / a,
			(ab > 0 ? sprintf("%.2fx", ac / ab) : "n/a")
	}'
done
echo
kb=$(median <"$t/bare.kns")
ks=$(median <"$t/shrike.kns")
awk -v b="$kb" -v s="$ks" 'BEGIN {
	printf "kernel time per open/close syscall (median of the rounds): bare probe %d ns, shrike %d ns: shrike adds %.2fx what the bare probe adds\n", b, s, (b > 0 ? s / b : 0)
}'
if grep -q " sk_sys_enter$" "$t/shrike.ids" 2>/dev/null; then
	echo "(under the accounting each program run also pays two clock reads: Shrike runs two"
	echo " programs per syscall here, sys_enter for its entry copies because this kernel"
	echo " refuses fentry programs, the bare probe one; the timings above ran without it)"
fi
echo
echo "bare probe: $bare_stats; kernel time per program run:"
cat "$t/bare.cost"
echo "shrike's probe, kernel time per program run:"
cat "$t/shrike.cost"
hz=$(getconf CLK_TCK)
awk -v ev="${ev:-0}" -v c="$((c1 - c0))" -v hz="$hz" -v d="${sdrops:-0}" 'BEGIN {
	printf "shrike: %d events, %d dropped; daemon CPU %.2f s", ev, d, c / hz
	if (ev > 0) printf " = %.0f ns per event", c / hz * 1e9 / ev
	printf "\n"
}'
echo

# 2. Drops against the event rate (open+close, 2 events per op).
echo "event rate at which drops start (open+close at a fixed rate, 2 s each, 8 MiB ring):"
printf '%14s %14s %10s\n' "target ev/s" "achieved ev/s" drops
first=""
for rate in 100000 200000 400000 800000 1600000; do
	start_shrike
	n=$((rate))
	got=$("$load" openclose "$n" "$rate" | sed -n 's/.* rate=\([0-9]*\)$/\1/p')
	sleep 1.2
	stop_shrike
	d=$(drops_in_log)
	d=${d:-0}
	printf '%14d %14d %10d\n' "$rate" "$got" "$d"
	if [ "$d" -gt 0 ] && [ -z "$first" ]; then
		first=$got
	fi
	# the loader could not reach the target: faster ones will not either
	[ "$got" -lt $((rate * 9 / 10)) ] && break
done
if [ -n "$first" ]; then
	echo "drops start at about $first events/s"
else
	echo "no drops up to the highest rate one loader reached"
fi

# Two loaders at full speed, one per CPU.
start_shrike
"$load" openclose 300000 >"$t/l1" &
l1=$!
"$load" openclose 300000 >"$t/l2"
wait "$l1"
sleep 1.2
stop_shrike
r1=$(sed -n 's/.* rate=\([0-9]*\)$/\1/p' "$t/l1")
r2=$(sed -n 's/.* rate=\([0-9]*\)$/\1/p' "$t/l2")
d=$(drops_in_log)
echo "two loaders at full speed: $((r1 + r2)) events/s together, ${d:-0} dropped"
