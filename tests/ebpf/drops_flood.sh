#!/bin/sh
# tests/ebpf/drops_flood.sh - a drop flood is reported, not used to hide:
# with a one-page ring and three bursts of 60,000 open/close the probe loses
# records; the daemon turns them into "Event drops detected" alerts no more
# often than syscall_event_drops' token bucket allows (rate 0.5/s, burst 2,
# plus the final report at stop), the alerts' per-report counts add up to
# their running total, and that total covers the probe's own counters (the
# daemon's per-CPU `counters` map, read with bpftool just before the stop;
# the host's other syscalls keep a one-page ring losing records, so the
# two cannot be read at the same instant).
# Needs root. Prints the figures.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ebpf/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built (configure --enable-ebpf)"
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
[ -x "$BPFTOOL" ] || tap_skip_all "bpftool is not installed"
sysprobe="$top_builddir/tests/ebpf/sysprobe"
tap_plan 7

RATE=0.5
BURST=2
cat >"$T/shrike.yaml" <<EOF
rules_files: []
stdout_output:
  enabled: true
engine:
  kind: ebpf
  ebpf:
    buf_size: 4096
    cpus_for_each_buffer: 0
syscall_event_drops:
  actions: [log, alert]
  rate: $RATE
  max_burst: $BURST
log_level: info
EOF

"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" >"$T/out" 2>"$T/log" &
daemon=$!
on_exit "kill -KILL $daemon 2>/dev/null; wait $daemon 2>/dev/null"
if wait_for 20 grep -q "source 'ebpf' started" "$T/log"; then
	pass "the daemon starts with a 4096-byte ring buffer"
else
	fail "the daemon starts with a 4096-byte ring buffer" "$(cat "$T/log")"
	tap_plan "$_tap_n"
	exit 1
fi
t0=$(date +%s%N)

# probe_drops - the probe's lost records: drops + drops_big summed over the
# CPUs of the daemon's `counters` map.
# the daemon's own map: the map ids its descriptors hold (fdinfo), named counters
map_id=
for id in $(sed -n 's/^map_id:[[:space:]]*//p' /proc/$daemon/fdinfo/* 2>/dev/null | sort -un); do
	if "$BPFTOOL" map show id "$id" 2>/dev/null | grep -q ' name counters '; then
		map_id=$id
		break
	fi
done
probe_drops() {
	"$BPFTOOL" map dump id "$map_id" -j 2>/dev/null |
		grep -oE '"drops(_big)?":[0-9]+' | awk -F: '{ s += $2 } END { print s + 0 }'
}
ok=0; [ -n "$map_id" ] && ok=1
is "$ok" 1 "the probe's counters map is found (id ${map_id:-none})"

for b in 1 2 3; do
	"$sysprobe" storm 60000 >/dev/null
	sleep 0.5
done
# The host keeps making syscalls: a one-page ring keeps losing some after
# the bursts, so the probe is read right before the stop and the daemon's
# final report (made at the stop) must cover at least that much.
probe=$(probe_drops)
ebpf_stop
t1=$(date +%s%N)
dur_ms=$(( (t1 - t0) / 1000000 ))

# "Event drops detected: L events lost (T in total, E events processed)"
grep 'Event drops detected' "$T/out" | sed -n 's/.*Event drops detected: \([0-9]*\) events lost (\([0-9]*\) in total.*/\1 \2/p' >"$T/reports"
nalerts=$(wc -l <"$T/reports" | tr -d ' ')
sum_lost=$(awk '{ s += $1 } END { print s + 0 }' "$T/reports")
last_total=$(tail -n 1 "$T/reports" | cut -d' ' -f2)
# token bucket: BURST at once, RATE per second after, plus the final report
allowed=$(awk -v b="$BURST" -v r="$RATE" -v ms="$dur_ms" 'BEGIN { printf "%d", b + r * ms / 1000 + 1 }')
ok=0; [ "$nalerts" -ge 1 ] && [ "$nalerts" -le "$allowed" ] && ok=1
is "$ok" 1 "drop alerts within the rate: $nalerts <= $allowed (burst $BURST, $RATE/s over ${dur_ms} ms, + final)"
is "$sum_lost" "${last_total:-none}" "the reports' counts add up to their running total"
ok=0; [ -n "$last_total" ] && [ "$probe" -gt 0 ] && [ "$last_total" -ge "$probe" ] && ok=1
is "$ok" 1 "the final report covers the probe's counters read just before the stop ($last_total >= $probe, +$(( ${last_total:-0} - probe )) lost during the stop)"
is "$(grep -c 'Event drops detected' "$T/log")" "$nalerts" "each report is logged once as well"
echo "# figures: drop_alerts=$nalerts allowed=$allowed reported_total=${last_total:-0}" \
	"sum_of_reports=$sum_lost probe_counters=$probe duration_ms=$dur_ms"
tap_done
