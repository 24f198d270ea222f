#!/bin/sh
# tests/ebpf/drops.sh - nothing is lost silently: with a one-page ring
# buffer and a tight open/close loop the probe runs out of room; the lost
# records are counted per CPU, come back as SK_EVT_DROP records in the event
# stream, add up in the capture's END block, and the daemon logs and alerts
# ("Event drops detected") as syscall_event_drops says. Needs root.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built (configure --enable-ebpf)"

capdump="$top_builddir/tests/tools/capdump"
sysprobe="$top_builddir/tests/ebpf/sysprobe"

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
  rate: 1
  max_burst: 10
log_level: info
EOF

"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
	--capture "$T/cap.scap" >"$T/out" 2>"$T/log" &
daemon=$!
on_exit "kill -KILL $daemon 2>/dev/null; wait $daemon 2>/dev/null"
if wait_for 20 grep -q "source 'ebpf' started" "$T/log"; then
	pass "the daemon starts with a 4096-byte ring buffer"
else
	fail "the daemon starts with a 4096-byte ring buffer" "$(cat "$T/log")"
	tap_plan "$_tap_n"
	exit 1
fi
like "$(cat "$T/log")" "1 ring buffer\(s\) of 4096 bytes" "one ring buffer of the configured size"

storm=$("$sysprobe" storm 200000)
sleep 1.5 # the drop check runs every second
"$sysprobe" stop $daemon
if wait_for 20 sh -c "! kill -0 $daemon"; then
	wait $daemon
	is "$?" 0 "the daemon stops cleanly"
else
	fail "the daemon stops cleanly" "still running 20 s after SIGTERM"
fi

"$capdump" "$T/cap.scap" >"$T/dump"
in_stream=$(awk '$3 == "drop" { sub("lost=", "", $4); n += $4 } END { print n + 0 }' "$T/dump")
end_drops=$(sed -n 's/^# events=[0-9]* drops=\([0-9]*\)$/\1/p' "$T/dump")
opens=$(awk '$3 == "openat" && / name=\/dev\/null /' "$T/dump" | wc -l)
ok=0; [ "$in_stream" -gt 0 ] && ok=1
is "$ok" 1 "SK_EVT_DROP records in the stream report $in_stream lost events ($storm)"
ok=0; [ -n "$end_drops" ] && [ "$end_drops" -ge "$in_stream" ] && ok=1
is "$ok" 1 "the capture's END block counts them ($end_drops >= $in_stream)"
ok=0; [ "$opens" -lt 200000 ] && [ "$opens" -gt 0 ] && ok=1
is "$ok" 1 "some records made it, not all ($opens of 200000 opens)"
like "$(cat "$T/log")" "Event drops detected: [0-9]+ events lost" "the drops are logged"
like "$(cat "$T/out")" "Event drops detected" "the drops raise an alert on the outputs"

tap_plan "$_tap_n"
tap_done
