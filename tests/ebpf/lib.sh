# tests/ebpf/lib.sh - what the eBPF tests share: starting the daemon with
# the ebpf source and stopping it the way the daemon expects. Sourced after
# tests/lib.sh.

# ebpf_config FILE - the smallest configuration with the ebpf source: no
# rules, no stdout alerts.
ebpf_config() {
	printf '%s\n' "rules_files: []" "stdout_output:" "  enabled: false" "engine:" \
		"  kind: ebpf" "log_level: info" >"$1"
}

# ebpf_start CONFIG [ARG...] - the daemon on CONFIG (plus ARGs, e.g.
# --capture FILE) in the background, its pid in $daemon and its log in
# $T/log; one test point: the probe is attached (else the test ends).
ebpf_start() {
	_cfg=$1
	shift
	"$SHRIKE" -c "$_cfg" -o plugins_dir="$SK_TEST_PLUGINS_DIR" "$@" >"$T/log" 2>&1 &
	daemon=$!
	on_exit "kill $daemon 2>/dev/null; wait $daemon 2>/dev/null"
	if wait_for 20 grep -q "source 'ebpf' started" "$T/log"; then
		pass "the daemon loads and attaches the probe"
	else
		fail "the daemon loads and attaches the probe" "$(cat "$T/log")"
		tap_plan "$_tap_n"
		exit 1
	fi
}

# ebpf_stop - SIGTERM to the daemon's main thread (a background job of a
# non-interactive shell starts with SIGINT ignored; see sysprobe.c for why
# not kill(1)); one test point: it exits 0 within 20 s.
ebpf_stop() {
	"$top_builddir/tests/ebpf/sysprobe" stop "$daemon"
	if wait_for 20 sh -c "! kill -0 $daemon"; then
		wait "$daemon"
		is "$?" 0 "the daemon stops cleanly on SIGTERM"
	else
		kill -KILL "$daemon"
		fail "the daemon stops cleanly on SIGTERM" "still running 20 s after SIGTERM"
	fi
}
