#!/bin/sh
# tests/faults/faults_http.sh - delivery over HTTP while the receiver dies,
# as figures. Alerts at 1,000/s go through the real http output (one alert
# per request; max_retries 10) to tests/tools/http_sink, which is SIGKILLed
# (connections reset, a request in flight lost) and restarted on the same
# port a while later:
#  - within: 30,000 alerts, receiver dead for 10 s after the first third,
#    the default retry_budget (30 s): nothing failed or dropped, every
#    alert received;
#  - beyond: 15,000 alerts, receiver dead for 6 s, retry_budget 2s: the
#    alerts given up are counted as failed, and received + failed + dropped
#    = emitted still holds (nothing lost without being counted).
# Each case prints received, unique uuids, duplicates, failed, dropped,
# retried requests, how long the backlog took to drain after the restart,
# and its durations.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/faults/lib.sh"
GEN="$top_builddir/tests/tools/alertgen"
SINK="$top_builddir/tests/tools/http_sink"
[ -x "$SINK" ] || tap_skip_all "the http output or http_sink is not built (libcurl, libmicrohttpd)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 is missing"
tap_plan 14

RATE=${FAULTS_HTTP_RATE:-1000}
lines_at_least() { [ "$(wc -l <"$1")" -ge "$2" ]; }

# start_sink NAME [PORT] - sets SINK_PID and PORT; bodies go to $T/NAME.recv
start_sink() {
	"$SINK" -d "$T/sink" -a "$T/$1.recv" ${2:+-p "$2"} >"$T/$1.port" 2>>"$T/sink.err" &
	SINK_PID=$!
	on_exit "kill -KILL $SINK_PID 2>/dev/null"
	wait_for 20 grep -q '^[0-9]' "$T/$1.port"
	PORT=$(head -n 1 "$T/$1.port")
}

# run NAME N DOWN_S BUDGET - one stream with the receiver dead DOWN_S
# seconds from alert N/3; leaves the figures in $T/NAME.* and sets
# sent, failed, dropped, unique (and prints the figures)
run() {
	name=$1 n=$2 down_s=$3 budget=$4
	start_sink "$name"
	cat >"$T/$name.yaml" <<EOC
json_output: true
json_include_output_fields_property: false
stdout_output:
  enabled: false
http_output:
  enabled: true
  url: http://127.0.0.1:$PORT/alerts
  retry_budget: $budget
EOC
	t0=$(now_ms)
	"$GEN" -c "$T/$name.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n "$n" -r "$RATE" \
		-t 60000 >/dev/null 2>"$T/$name.err" &
	GEN_PID=$!
	on_exit "kill -KILL $GEN_PID 2>/dev/null"

	wait_for 120 progress_at_least "$T/$name.err" $((n / 3))
	kill -KILL $SINK_PID
	wait $SINK_PID 2>/dev/null
	killed_at=$(emitted "$T/$name.err")
	sleep "$down_s" # the fault itself lasts this long
	start_sink "$name" "$PORT"
	t_up=$(now_ms)
	up_at=$(emitted "$T/$name.err")
	# the backlog is drained when the receiver has as many bodies as
	# were emitted a moment ago (polled while the stream goes on; only
	# when nothing is given up, else it never catches up)
	while [ "$budget" = 30s ]; do
		lines_at_least "$T/$name.recv" "$(emitted "$T/$name.err")" && break
		[ $(($(now_ms) - t_up)) -gt 120000 ] && break
		sleep 0.1
	done
	t_caught=$(now_ms)
	wait_for 120 grep -q "^emitted $n\$" "$T/$name.err"
	t_emitted=$(now_ms)
	kill -TERM $GEN_PID
	wait $GEN_PID
	gen_rc=$?
	t_end=$(now_ms)

	uuid_figures "$T/$name.recv" >"$T/$name.fig"
	cnt() { sed -n "s/^http_output: sent \([0-9]*\) failed \([0-9]*\) dropped \([0-9]*\) .*/\\$1/p" "$T/$name.err"; }
	sent=$(cnt 1) failed=$(cnt 2) dropped=$(cnt 3)
	unique=$(fig "$T/$name.fig" unique) bad=$(fig "$T/$name.fig" bad)
	requests=$(sed -n 's/.* alert(s) delivered, [0-9]* failed, in \([0-9]*\) request(s).*/\1/p' "$T/$name.err")
	echo "# $name: $n alerts at $RATE/s, retry_budget $budget; receiver killed at alert $killed_at, back at alert $up_at (${down_s} s)"
	echo "# $name: output counters: sent $sent, failed $failed, dropped $dropped; $requests requests, $((requests - sent)) of them failed attempts"
	echo "# $name: received $(fig "$T/$name.fig" received) bodies, $unique unique uuids, $(fig "$T/$name.fig" duplicates) duplicates, $bad unreadable"
	[ "$budget" = 30s ] && echo "# $name: backlog drained $(secs $((t_caught - t_up))) s after the restart"
	echo "# $name: duration: emit $(secs $((t_emitted - t0))) s, stop $(secs $((t_end - t_emitted))) s, total $(secs $((t_end - t0))) s"
	is "$gen_rc" 0 "$name: alertgen emitted $n alerts at $RATE/s and exited 0"
	like "$(cat "$T/$name.err")" "will retry [0-9]+ failed request\(s\), last: .*(refused|Failed to connect|reset|Empty reply)" \
		"$name: the dead receiver was seen and retried (logged)"
	is "$((sent + failed + dropped))" "$n" "$name: sent + failed + dropped = $n emitted"
	is "$unique" "$sent" "$name: every alert counted as sent was received (unique uuids = sent)"
	is "$((unique + failed + dropped))" "$n" "$name: received + counted failures and drops = $n emitted"
	is "$bad" 0 "$name: every body is a whole JSON alert"
	kill -TERM $SINK_PID
	wait $SINK_PID
}

run within 30000 10 30s
is "$failed $dropped" "0 0" "within: a 10 s outage is within the retry budget: 0 failed, 0 dropped"
run beyond 15000 6 2s
like "$(cat "$T/beyond.err")" "output http_output: failing for [0-9]+ s, longer than its retry_budget" \
	"beyond: past the 2 s retry budget the alerts given up are logged"
[ -n "${FAULTS_KEEP:-}" ] && cp -r "$T" "$FAULTS_KEEP"
tap_done
