# tests/integration/ebpf_capture_lib.sh - sourced by the field tests that
# record live eBPF events and check them on the capture (ebpf_fields*.sh):
#
#   capture_start          shrike -c $T/shrike.yaml --capture $T/cap in the
#                          background, until the eBPF source runs (a failed
#                          start fails the test and exits)
#   capture_stop           let the last records reach the capture, stop
#                          shrike with SIGTERM; its exit status in $capture_rc
#   fc CONDITION FIELD...  the first matching event's fields, from
#                          tests/tools/fieldcheck over the capture
#
# fc replays without the /proc scan: the replay runs after the programs
# exited (their pids may belong to other processes by now), and what a test
# asserts started while the capture was recorded, so the records alone must
# tell.
FIELDCHECK="$top_builddir/tests/tools/fieldcheck"

capture_start() {
	"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" --capture "$T/cap" \
		>"$T/out" 2>"$T/err" &
	capture_pid=$!
	on_exit "kill $capture_pid 2>/dev/null; wait $capture_pid 2>/dev/null"
	if ! wait_for 30 grep -q "source 'ebpf' started" "$T/err"; then
		fail "shrike starts the eBPF source" "$(tail -n 20 "$T/err")"
		exit 1
	fi
}

capture_stop() {
	sleep 1
	# TERM, not INT: a background job of a non-interactive shell ignores SIGINT
	kill -TERM $capture_pid
	wait $capture_pid
	capture_rc=$?
}

fc() {
	"$FIELDCHECK" -d "$SK_TEST_PLUGINS_DIR" -C syscall='{scan_proc: false}' "$T/cap" "$@" \
		2>>"$T/fc.err" | head -n 1
}
