#!/bin/sh
# bench/outputs.sh - figures for the alert outputs; never passes or fails.
#
#   make check            # builds shrike, alertgen, the plugins and test peers
#   bench/outputs.sh [BUILDDIR] [ALERTS] [EVENTS]
#
# 1. Sustained alerts/s per output with JSON formatting: alertgen emits
#    ALERTS alerts (queue large enough to hold them all) to one output and
#    the time runs until every one was delivered (alertgen exits after its
#    queue drained). Peers run on this machine: a private rsyslogd (unix
#    socket, UDP, TCP), cat for the program output, librdkafka's mock
#    cluster, tests/tools/http_sink.
# 2. A stalled receiver does not slow event processing: a capture of EVENTS
#    events (synth source) replayed through the daemon, alerts (metrics
#    snapshots every 100 ms) going to a file on /dev/null, then to a syslog
#    TCP receiver that accepts and never reads, then to a program that never
#    reads; events/s side by side. And the producer side at full speed:
#    ALERTS alerts pushed with the output stalled vs. not (a stalled output's
#    full queue drops, counted, without waiting).
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
b=$(cd "${1:-.}" && pwd)
N=${2:-100000}
EVENTS=${3:-3000000}
top_srcdir=$src
. "$src/tests/lib.sh"
. "$src/tests/lib_rsyslog.sh"
GEN="$b/tests/tools/alertgen"
SHRIKE="$b/shrike"
P="$b/tests/plugins.d"
[ -x "$GEN" ] && [ -x "$SHRIKE" ] && [ -e "$P/syslog.so" ] || {
	echo "bench/outputs.sh: build first (make check) in $b" >&2
	exit 2
}
ns() { date +%s%N; }
slug() { printf '%s' "$1" | tr -c 'A-Za-z0-9' '_'; }
# emitted PID FILE N: wait until alertgen PID logged "emitted N" (or died).
emitted() {
	while kill -0 "$1" 2>/dev/null && ! grep -q "^emitted $3\$" "$2"; do
		sleep 0.02
	done
}

# gen_rate NAME COUNT YAML-LINES...: alerts/s until COUNT were delivered.
gen_rate() {
	_name=$1 _n=$2 _f=$T/g-$(slug "$1")
	shift 2
	{
		printf 'json_output: true\njson_include_uuid_property: true\n'
		printf 'stdout_output:\n  enabled: false\noutputs_queue:\n  capacity: %s\n' "$_n"
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$_f.yaml"
	_s=$(ns)
	"$GEN" -c "$_f.yaml" -o plugins_dir="$P" -n "$_n" >/dev/null 2>"$_f.err" &
	_pid=$!
	emitted $_pid "$_f.err" "$_n"
	kill -TERM $_pid
	wait $_pid
	_e=$(ns)
	_c=$(grep -E '_output: sent' "$_f.err" | tail -n 1 | sed 's/.*: sent/sent/')
	awk -v n="$_n" -v d=$((_e - _s)) -v name="$_name" -v c="$_c" \
		'BEGIN { printf "  %-22s %8d alerts %9.0f alerts/s   (%s)\n", name, n, n / (d / 1e9), c }'
}

echo "outputs: sustained alerts/s with JSON formatting (median machine noise applies)"
gen_rate file "$N" "file_output:" "  enabled: true" "  keep_alive: true" "  filename: $T/out.json"
rm -f "$T/out.json"
if [ -n "$RSYSLOGD" ] && rsyslog_start "$T/rs"; then
	for tr in unix udp tcp; do
		case $tr in
		unix) a="unix://$RS_SOCK" ;;
		*) a="$tr://127.0.0.1:$RS_PORT" ;;
		esac
		gen_rate "syslog ($tr)" "$N" "syslog_output:" "  enabled: true" "  address: $a" \
			"  ident: bench-$tr"
		wait_for 60 sh -c "[ \$(awk -F'|' '\$4 == \"bench-$tr\"' '$RS_OUT' | wc -l) -ge $N ]"
		echo "                         rsyslogd wrote $(rsyslog_count "bench-$tr") of $N"
	done
	rsyslog_stop
else
	echo "  syslog: rsyslogd not available, skipped"
fi
gen_rate "program (keep_alive)" "$N" "program_output:" "  enabled: true" "  keep_alive: true" \
	"  program: cat > /dev/null"
gen_rate "program (per alert)" 2000 "program_output:" "  enabled: true" \
	"  program: cat > /dev/null"
if [ -e "$P/kafka.so" ] && [ -x "$b/tests/tools/kafka_mock" ]; then
	"$b/tests/tools/kafka_mock" -p 3 -t bench >"$T/kafka.boot" 2>/dev/null &
	mpid=$!
	wait_for 20 grep -q : "$T/kafka.boot"
	gen_rate kafka "$N" "kafka_output:" "  enabled: true" "  brokers: $(head -n 1 "$T/kafka.boot")" \
		"  topic: bench" "  key: \"%rule\""
	kill -TERM $mpid
	wait $mpid
fi
if [ -e "$P/http.so" ] && [ -x "$b/tests/tools/http_sink" ]; then
	"$b/tests/tools/http_sink" -d "$T/http" >"$T/http.port" 2>/dev/null &
	hpid=$!
	wait_for 20 grep -q '^[0-9]' "$T/http.port"
	hn=$((N / 10))
	gen_rate "http (1 per request)" "$hn" "http_output:" "  enabled: true" \
		"  url: http://127.0.0.1:$(head -n 1 "$T/http.port")/"
	rm -rf "$T/http"
	gen_rate "http (batches of 100)" "$N" "http_output:" "  enabled: true" \
		"  url: http://127.0.0.1:$(head -n 1 "$T/http.port")/" "  batch_size: 100"
	kill -TERM $hpid
	wait $hpid
fi

# ---- 2. stalled receivers -------------------------------------------------
echo
echo "stalled receivers: events/s replaying $EVENTS events through the daemon"
printf 'stdout_output:\n  enabled: false\n' >"$T/cap.yaml"
"$SHRIKE" -c "$T/cap.yaml" -o plugins_dir="$P" \
	-o "plugins=[{name: synth, library_path: synth.so, open_params: \"$EVENTS\"}]" \
	-o 'load_plugins=[synth]' --capture "$T/in.scap" 2>/dev/null
# A TCP receiver that accepts and never reads.
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' >"$T/stall.port" &
spid=$!
on_exit "kill -KILL $spid 2>/dev/null"
wait_for 10 grep -q '^[0-9]' "$T/stall.port"
SPORT=$(head -n 1 "$T/stall.port")

mkfifo "$T/nobody.fifo"
# replay NAME YAML-LINES...: events/s until the capture was processed (the
# "all sources finished" line, stamped as it arrives), and the whole run.
replay() {
	_name=$1 _f=$T/r-$(slug "$1")
	shift
	{
		printf 'json_output: true\nstdout_output:\n  enabled: false\nshutdown_timeout: 1s\n'
		printf 'metrics:\n  enabled: true\n  interval: 100ms\n  output_rule: true\n  log: false\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$_f.yaml"
	rm -f "$_f.done"
	_s=$(ns)
	"$SHRIKE" -c "$_f.yaml" -o plugins_dir="$P" -e "$T/in.scap" 2>&1 >/dev/null |
		while IFS= read -r line; do
			case $line in *"all sources finished"*) ns >"$_f.done" ;; esac
			printf '%s\n' "$line"
		done >"$_f.err"
	_e=$(ns)
	_d=$(cat "$_f.done" 2>/dev/null || echo "$_e")
	_sh=$(grep -o 'output [a-z_]*: [0-9]* alerts sent, .*' "$_f.err" | head -n 1 | sed 's/^output //')
	awk -v n="$EVENTS" -v d=$((_d - _s)) -v t=$((_e - _s)) -v name="$_name" -v c="$_sh" \
		'BEGIN { printf "  %-34s %9.0f events/s  (events %5.2f s, run %5.2f s)  %s\n",
			 name, n / (d / 1e9), d / 1e9, t / 1e9, c }'
}
for i in 1 2; do
	replay "file to /dev/null" "file_output:" "  enabled: true" "  keep_alive: true" \
		"  filename: /dev/null"
	replay "file to a FIFO nobody opens" "file_output:" "  enabled: true" "  keep_alive: true" \
		"  filename: $T/nobody.fifo"
	replay "syslog tcp, receiver never reads" "syslog_output:" "  enabled: true" \
		"  address: tcp://127.0.0.1:$SPORT" "  timeout: 1s"
	replay "program that never reads" "program_output:" "  enabled: true" \
		"  keep_alive: true" "  timeout: 1s" "  program: exec sleep 600"
done
echo "  (events/s: until the capture was processed; a stalled run's shutdown then takes"
echo "   shutdown_timeout 1s plus the bounded waits, and a write() stuck for ever is"
echo "   abandoned 2 s after that)"

echo
echo "producer side: $N alerts pushed, output stalled vs. not (queue 65536)"
emit_rate() { # NAME YAML-LINES...
	_name=$1 _f=$T/e-$(slug "$1")
	shift
	{
		printf 'json_output: true\nstdout_output:\n  enabled: false\nshutdown_timeout: 1s\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$_f.yaml"
	"$GEN" -c "$_f.yaml" -o plugins_dir="$P" -n "$N" -t 500 >/dev/null 2>"$_f.err" &
	_pid=$!
	_s=$(ns)
	emitted $_pid "$_f.err" "$N"
	_e=$(ns)
	kill -TERM $_pid
	wait $_pid
	_c=$(grep -E '_output: sent' "$_f.err" | tail -n 1 | sed 's/.*: sent/sent/')
	awk -v n="$N" -v d=$((_e - _s)) -v name="$_name" -v c="$_c" \
		'BEGIN { printf "  %-34s %9.0f alerts/s emitted  (%s)\n", name, n / (d / 1e9), c }'
}
emit_rate "file to /dev/null" "file_output:" "  enabled: true" "  keep_alive: true" \
	"  filename: /dev/null"
emit_rate "file to a FIFO nobody opens" "file_output:" "  enabled: true" "  keep_alive: true" \
	"  filename: $T/nobody.fifo"
emit_rate "syslog tcp, receiver never reads" "syslog_output:" "  enabled: true" \
	"  address: tcp://127.0.0.1:$SPORT" "  timeout: 1s"
echo "  (emitted/s is measured by polling alertgen's log every 20 ms: a floor, not a ceiling)"
kill -TERM $spid
