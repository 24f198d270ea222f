#!/bin/sh
# tests/ebpf/metrics.sh - the ebpf source's metrics, as the daemon's
# metrics snapshots carry them (shrike.plugins.ebpf.*): the records
# written grow with a storm of opens and equal the sum of the per-CPU
# counts, one pair per possible CPU; the drops of a one-page ring add up
# by reason and agree with the daemon's own total; with
# engine.ebpf.bpf_stats the kernel counts the probe's program runs while
# the daemon runs, and only then (the prog_* metrics are there either way). kernel.bpf_stats_enabled shows only what
# was written to it, not a bpf_enable_stats() descriptor: `sysprobe
# bpfstats` asks the kernel whether it counts (a program run once), and the
# file must keep its value. Needs root.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ebpf/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built (configure --enable-ebpf)"
[ -r /proc/sys/kernel/bpf_stats_enabled ] || tap_skip_all "the kernel has no BPF run-time statistics (Linux 5.8)"

sysprobe="$top_builddir/tests/ebpf/sysprobe"
P=shrike.plugins.ebpf
# the CPUs libbpf counts: the highest possible one + 1
ncpus=$(awk -F'[-,]' '{ print $NF + 1 }' /sys/devices/system/cpu/possible)

# config FILE BPF_STATS [EBPF-KEY...] - JSON metrics snapshots every 300 ms
# on stdout, zeros included, no rules
config() {
	_f=$1 _s=$2
	shift 2
	printf '%s\n' "rules_files: []" "json_output: true" "stdout_output:" "  enabled: true" \
		"engine:" "  kind: ebpf" "  ebpf:" "    bpf_stats: $_s" "$@" "metrics:" \
		"  enabled: true" "  interval: 300ms" "  output_rule: true" "  include_empty_values: true" \
		"log_level: info" >"$_f"
}

# snapshots - the metrics snapshots the daemon printed, one a line
snapshots() { grep '"rule":"Shrike internal: metrics snapshot"' "$T/log"; }

stats_file0=$(cat /proc/sys/kernel/bpf_stats_enabled)
stats0=$("$sysprobe" bpfstats)

# ---- with bpf_stats and a one-page ring --------------------------------------
config "$T/stats.yaml" true "    buf_size: 4096" "    cpus_for_each_buffer: 0"
ebpf_start "$T/stats.yaml"
is "$("$sysprobe" bpfstats)" bpf_stats=1 "bpf_stats: the kernel counts BPF program runs while the daemon runs"
is "$(cat /proc/sys/kernel/bpf_stats_enabled)" "$stats_file0" \
	"kernel.bpf_stats_enabled keeps its value ($stats_file0): the daemon holds a descriptor, it does not write the file"
wait_for 10 sh -c "grep -q 'metrics snapshot' '$T/log'"
first=$(snapshots | tail -n 1)
"$sysprobe" storm 50000 >/dev/null
sleep 1
ebpf_stop
is "$("$sysprobe" bpfstats)" "$stats0" "after the stop the kernel's statistics are as before ($stats0)"
is "$(cat /proc/sys/kernel/bpf_stats_enabled)" "$stats_file0" "kernel.bpf_stats_enabled is as before"

last=$(snapshots | tail -n 1)
n0=$(json_num "$first" $P.n_evts)
n1=$(json_num "$last" $P.n_evts)
ok=0; [ -n "$n0" ] && [ -n "$n1" ] && [ "$n1" -gt "$n0" ] && ok=1
is "$ok" 1 "n_evts grows with a storm of opens ($n0, then $n1)"
set -- $(json_sum "$last" "$P\.n_evts_cpu_[0-9]+")
is "$1 $2" "$n1 $ncpus" "n_evts is the sum of n_evts_cpu_N, one for each of the $ncpus possible CPUs"
d=$(json_num "$last" $P.n_drops)
buf=$(json_num "$last" $P.n_drops_buffer)
big=$(json_num "$last" $P.n_drops_max_event_size)
miss=$(json_num "$last" $P.n_drops_prog_misses)
ok=0; [ -n "$d" ] && [ "$d" -gt 0 ] && [ "$d" = $((buf + big + miss)) ] && ok=1
is "$ok" 1 "a one-page ring drops records: n_drops = n_drops_buffer + n_drops_max_event_size + n_drops_prog_misses ($d = $buf + $big + $miss)"
set -- $(json_sum "$last" "$P\.n_drops_cpu_[0-9]+")
is "$1 $2" "$((buf + big)) $ncpus" "n_drops_cpu_N add up to the probe's drops, one for each CPU"
# the daemon's total (SK_EVT_DROP records + stats()) is read just before
# the plugins' metrics of the same snapshot, and the next snapshot's just
# after: n_drops sits between the two
total=$(json_num "$last" shrike.n_drops)
prev=$(snapshots | tail -n 2 | head -n 1)
ok=0
[ "$d" -ge "$total" ] && [ "$(json_num "$prev" $P.n_drops)" -le "$total" ] && ok=1
is "$ok" 1 "n_drops agrees with the daemon's total of drop records and stats() ($d, daemon $total)"
is "$(json_num "$last" $P.bpf_stats_enabled)" 1 "bpf_stats_enabled is 1"
progs=$(printf '%s\n' "$last" | grep -oE "\"$P\.prog_[^\"]*_run_cnt\":[0-9]+")
bad=$(printf '%s\n' "$progs" | grep -vE "^\"$P\.prog_[a-z0-9_]+_run_cnt\":" | head -n 3)
ok=0; [ -n "$progs" ] && [ -z "$bad" ] && ok=1
is "$ok" 1 "one prog_<name>_run_cnt per loaded program, names [a-z0-9_]+ ($(printf '%s\n' "$progs" | wc -l) programs)"
runs=$(json_num "$last" $P.prog_sk_sched_fork_run_cnt)
ns=$(json_num "$last" $P.prog_sk_sched_fork_run_time_ns)
ok=0; [ "${runs:-0}" -gt 0 ] && [ "${ns:-0}" -gt 0 ] && ok=1
is "$ok" 1 "the kernel counted the probe's runs and time (sk_sched_fork: $runs runs, $ns ns)"
set -- $(printf '%s\n' "$progs" | awk -F: '{ s += $NF } END { print s + 0 }')
ok=0; [ "$1" -gt "$n1" ] && ok=1
is "$ok" 1 "the programs ran more often than they wrote records ($1 runs, $n1 records)"

# ---- without bpf_stats -------------------------------------------------------
config "$T/plain.yaml" false
ebpf_start "$T/plain.yaml"
is "$("$sysprobe" bpfstats)" "$stats0" "without bpf_stats the daemon leaves the kernel's statistics alone ($stats0)"
wait_for 10 sh -c "grep -q 'metrics snapshot' '$T/log'"
ebpf_stop
last=$(snapshots | tail -n 1)
is "$(json_num "$last" $P.bpf_stats_enabled)" 0 "bpf_stats_enabled is 0"
set -- $(json_sum "$last" "$P\.prog_[a-z0-9_]+_run_cnt")
if [ "$stats0" = bpf_stats=1 ]; then
	pass "the prog_* metrics stay 0 # SKIP something else has the kernel's statistics on"
else
	is "$1 $2" "0 $(printf '%s\n' "$progs" | wc -l)" \
		"the prog_* metrics are there, one pair per program, and stay 0"
fi
set -- $(json_sum "$last" "$P\.n_evts_cpu_[0-9]+")
is "$1" "$(json_num "$last" $P.n_evts)" "n_evts is the sum of n_evts_cpu_N"

tap_plan "$_tap_n"
tap_done
