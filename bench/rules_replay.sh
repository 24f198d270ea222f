#!/bin/sh
# bench/rules_replay.sh - the rule engine on a replayed syscall capture,
# single core: events per second of CPU through the daemon with and without the
# 60-rule ruleset of bench/rules_replay.yaml (side by side in one run,
# medians), the time to load and compile that ruleset, and where the time
# goes (perf when the CPU counts instructions, else callgrind's top 10
# functions). Prints figures; never passes or fails on time.
#
#   make check    # builds shrike and the plugins (tests/plugins.d)
#   bench/rules_replay.sh [BUILDDIR] [RUNS]
#
# The capture: $SK_BENCH_CAPTURE when set; otherwise one is recorded with
# the eBPF source for $SK_BENCH_SECONDS (default 10) seconds while a small
# workload runs (needs root and a BTF kernel). SK_BENCH_RULES=FILE uses
# another ruleset (written for the syscall fields). SK_BENCH_PROFILE=0 skips the
# profile.
set -eu
b=$(cd "${1:-.}" && pwd)
runs=${2:-5}
secs=${SK_BENCH_SECONDS:-10}
src=$(cd "$(dirname "$0")/.." && pwd)
shrike="$b/shrike"
plugins="$b/tests/plugins.d"
rules=${SK_BENCH_RULES:-$src/bench/rules_replay.yaml}
[ -x "$shrike" ] && [ -e "$plugins/syscall.so" ] && [ -e "$plugins/replay.so" ] || {
	echo "bench/rules_replay.sh: build first (make check) in $b" >&2
	exit 2
}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
# Alerts are formatted and written, to /dev/null; no other output.
printf 'stdout_output:\n  enabled: true\nlog_level: info\n' > "$t/replay.yaml"
: > "$t/none.yaml"

cap=${SK_BENCH_CAPTURE:-}
if [ -z "$cap" ]; then
	[ -e "$plugins/ebpf.so" ] && [ "$(id -u)" = 0 ] || {
		echo "bench/rules_replay.sh: no capture: set SK_BENCH_CAPTURE=FILE, or run as root with the ebpf plugin built" >&2
		exit 2
	}
	cap="$t/bench.scap"
	printf 'engine:\n  kind: ebpf\nstdout_output:\n  enabled: false\n' > "$t/rec.yaml"
	"$shrike" -c "$t/rec.yaml" -o plugins_dir="$plugins" -r "$t/none.yaml" --capture "$cap" 2>"$t/rec.err" &
	rec=$!
	sleep 1
	end=$(($(date +%s) + secs))
	# a workload with execs, opens, reads, stats and a few connections
	while [ "$(date +%s)" -lt "$end" ]; do
		ls -la /usr/bin > /dev/null
		cat /etc/hostname /etc/os-release /etc/passwd > /dev/null 2>&1 || true
		sh -c 'for f in /etc/*.conf; do head -c 64 "$f"; done' > /dev/null 2>&1 || true
		find /usr/share/doc -maxdepth 2 -name 'c*' > /dev/null 2>&1 || true
		stat /etc/shadow /tmp > /dev/null 2>&1 || true
		(exec 3<>/dev/tcp/127.0.0.1/9) 2>/dev/null || true
	done
	kill -TERM $rec   # (an asynchronous job ignores SIGINT in sh)
	wait $rec 2>/dev/null || true
fi
size=$(stat -c %s "$cap")

# run RULESFILE [extra options] - CPU time (user + system, every thread) of
# one replay in ns: bash's `time` (getrusage, microseconds) when bash is
# there, else the shell's `times` (clock ticks). CPU time, not wall time,
# so that other work on the machine and idle waits do not count.
run() {
	if command -v bash > /dev/null; then
		TIMEFORMAT='%3U %3S' bash -c 'time "$@" > /dev/null 2>&1' sh \
			"$shrike" -c "$t/replay.yaml" -o plugins_dir="$plugins" -e "$cap" -r "$@" 2>&1 |
			tail -n 1 | awk '{ printf "%.0f\n", ($1 + $2) * 1e9 }'
	else
		( "$shrike" -c "$t/replay.yaml" -o plugins_dir="$plugins" -e "$cap" -r "$@" \
			> /dev/null 2>&1; times ) | tail -n 1 |
			awk '{ for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); ns += (p[1] * 60 + p[2]) * 1e9 } printf "%.0f\n", ns }'
	fi
}
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# events in the capture, and alerts the ruleset gives on it
"$shrike" -c "$t/replay.yaml" -o plugins_dir="$plugins" -e "$cap" -r "$rules" \
	> "$t/alerts" 2> "$t/count.err"
events=$(sed -n 's/.*all sources finished after \([0-9]*\) events.*/\1/p' "$t/count.err" | tail -n 1)
[ -n "$events" ] || { cat "$t/count.err" >&2; exit 1; }
alerts=$(wc -l < "$t/alerts" | tr -d ' ')
nrules=$(grep -c '^- rule:' "$rules")

# Side by side, RUNS times: the replay and the start-up alone (-L: same
# plugins, same rules, no events), with no rules and with the ruleset. The
# start-up (the syscall plugin reads /proc, the rules compile) is taken off
# each replay, so the rates are those of the event path; the difference of
# the two -L runs is the ruleset's load and compile time.
# The rules are also replayed with rules_counters_enabled: false, which
# stops timing one evaluation in 64 of each rule: the cost of measuring
# the rules' cost.
pn="" pr="" ld="" po=""
for i in $(seq "$runs"); do
	a=$(run "$t/none.yaml")
	b=$(run "$rules")
	c=$(run "$t/none.yaml" -L)
	d=$(run "$rules" -L)
	e=$(run "$rules" -o metrics.rules_counters_enabled=false)
	pn="$pn $((a - c))"
	pr="$pr $((b - d))"
	po="$po $((e - d))"
	ld="$ld $((d - c))"
done
mn=$(median "$pn")
mr=$(median "$pr")

echo "rules_replay: capture $cap: $events events, $size bytes; $nrules rules; $alerts alerts; $runs runs each, CPU time"
awk -v ev="$events" -v n="$mn" -v r="$mr" -v pn="$pn" -v pr="$pr" 'BEGIN {
	if (n <= 0 || r <= 0) { print "rules_replay: the capture is too small to measure; record a longer one"; exit }
	printf "rules_replay: event path without rules: median %.0f events/s (%.1f ms)\n", ev / (n / 1e9), n / 1e6
	printf "rules_replay: event path with the rules: median %.0f events/s (%.1f ms)\n", ev / (r / 1e9), r / 1e6
	if (r > n)
		printf "rules_replay: the rules alone (difference of medians): %.0f events/s, %.0f ns/event\n", ev / ((r - n) / 1e9), (r - n) / ev
	printf "rules_replay: runs without rules (ms):"; k = split(pn, a, " "); for (i = 1; i <= k; i++) printf " %.1f", a[i] / 1e6; printf "\n"
	printf "rules_replay: runs with the rules (ms):"; k = split(pr, a, " "); for (i = 1; i <= k; i++) printf " %.1f", a[i] / 1e6; printf "\n"
}'
awk -v ev="$events" -v on="$(median "$pr")" -v off="$(median "$po")" -v po="$po" 'BEGIN {
	if (on <= 0 || off <= 0) exit
	printf "rules_replay: with the rules, cost sampling off (rules_counters_enabled: false): median %.0f events/s (%.1f ms); sampling on costs %.2f%% of throughput (negative: within noise)\n", ev / (off / 1e9), off / 1e6, 100 * (1 - off / on)
	printf "rules_replay: runs with sampling off (ms):"; k = split(po, a, " "); for (i = 1; i <= k; i++) printf " %.1f", a[i] / 1e6; printf "\n"
}'
awk -v l="$(median "$ld")" -v ld="$ld" 'BEGIN {
	printf "rules_replay: load and compile the ruleset: median %.1f ms (runs:", l / 1e6
	k = split(ld, a, " "); for (i = 1; i <= k; i++) printf " %.1f", a[i] / 1e6; printf ")\n"
}'

[ "${SK_BENCH_PROFILE:-1}" = 0 ] && exit 0
if perf stat -e instructions true 2>&1 | grep -q '[0-9] *instructions'; then
	perf record -q -o "$t/perf.data" -- "$shrike" -c "$t/replay.yaml" -o plugins_dir="$plugins" \
		-e "$cap" -r "$rules" > /dev/null 2>&1
	echo "rules_replay: where time goes (perf, top 10 symbols):"
	perf report -q -i "$t/perf.data" --sort symbol --stdio 2>/dev/null | grep -v '^$' | head -n 10
elif command -v valgrind > /dev/null && command -v callgrind_annotate > /dev/null; then
	valgrind -q --tool=callgrind --callgrind-out-file="$t/cg.out" "$shrike" -c "$t/replay.yaml" \
		-o plugins_dir="$plugins" -e "$cap" -r "$rules" > /dev/null 2>&1
	echo "rules_replay: where time goes (callgrind, instructions, whole daemon, top 10 functions by self cost):"
	callgrind_annotate --inclusive=no "$t/cg.out" 2>/dev/null |
		grep -E '^ *[0-9,]+ +\([ 0-9.]+%\) +' | grep -v 'PROGRAM TOTALS' | head -n 10 | sed 's/^/  /'
	echo "rules_replay: engine functions (core/rules), inclusive:"
	callgrind_annotate --inclusive=yes "$t/cg.out" 2>/dev/null |
		grep -E '^ *[0-9,]+ +\([ 0-9.]+%\) +[^ ]*:(sk_rules_eval|sk_filter_eval|sk_rules_alert|sk_rules_format) \[' |
		sed 's/^/  /'
else
	echo "rules_replay: no perf counters and no valgrind: no profile"
fi
