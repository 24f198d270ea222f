#!/bin/sh
# bench/outputs_net.sh - sustained alerts/s the network outputs take, with
# JSON alerts, on 127.0.0.1: Kafka (librdkafka's mock cluster) and HTTP
# (tests/tools/http_sink -n: reads and answers, records nothing; one alert
# per request and in batches). Each figure
# is N alerts from the first emitted to the last delivered (alertgen starts,
# emits N into the output's queue, and stops once everything is delivered:
# for Kafka that includes the final flush). Prints figures; never passes or
# fails on time. Last, the producer's side with a receiver that answers and
# one that stalls: the same, by design (each output has its own queue and
# thread).
#
#   make check            # builds alertgen, the plugins, kafka_mock, http_sink
#   bench/outputs_net.sh [BUILDDIR] [N]
set -eu
b=$(cd "${1:-.}" && pwd)
n=${2:-50000}
gen="$b/tests/tools/alertgen"
plugins="$b/tests/plugins.d"
for f in "$gen" "$b/tests/tools/kafka_mock" "$b/tests/tools/http_sink"; do
	[ -x "$f" ] || {
		echo "bench/outputs_net.sh: build first (make check) in $b: $f is missing" >&2
		exit 2
	}
done
t=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill -KILL $p 2>/dev/null || true; done; rm -rf "$t"' EXIT

# measure NAME N [LABEL] - run alertgen on $t/NAME.yaml; print alerts/s.
measure() {
	s=$(date +%s%N)
	"$gen" -c "$t/$1.yaml" -o plugins_dir="$plugins" -n "$2" >/dev/null 2>"$t/$1.err" &
	g=$!
	while ! grep -q "^emitted $2\$" "$t/$1.err" 2>/dev/null; do
		kill -0 $g 2>/dev/null || break
		sleep 0.01
	done
	kill -TERM $g 2>/dev/null || true
	wait $g || true
	e=$(date +%s%N)
	sent=$(sed -n 's/^.*_output: sent \([0-9]*\) failed \([0-9]*\) dropped \([0-9]*\).*/\1 sent, \2 failed, \3 dropped/p' "$t/$1.err")
	awk -v n="$2" -v ns=$((e - s)) -v name="${3:-$1}" -v st="$sent" \
		'BEGIN { printf "%-28s %8d alerts %8.2f s %10.0f alerts/s  (%s)\n", name, n, ns / 1e9, n / (ns / 1e9), st }'
}

# emit_rate NAME N LABEL - alerts/s alertgen pushes into the outputs' queues
# (the event loop's side), whatever the output does with them.
emit_rate() {
	s=$(date +%s%N)
	"$gen" -c "$t/$1.yaml" -o plugins_dir="$plugins" -n "$2" -t 500 >/dev/null 2>"$t/$1.err" &
	g=$!
	while ! grep -q "^emitted $2\$" "$t/$1.err" 2>/dev/null; do
		kill -0 $g 2>/dev/null || break
		sleep 0.005
	done
	e=$(date +%s%N)
	kill -TERM $g 2>/dev/null || true
	wait $g || true
	awk -v n="$2" -v ns=$((e - s)) -v name="$3" \
		'BEGIN { printf "%-28s %8d alerts %8.2f s %10.0f alerts/s queued\n", name, n, ns / 1e9, n / (ns / 1e9) }'
}

header() {
	printf 'json_output: true\nbuffered_outputs: true\noutputs_queue:\n  capacity: %d\nstdout_output:\n  enabled: false\n' $((n + 1024))
}

echo "outputs_net: $n JSON alerts per run, 127.0.0.1, $(nproc) CPU(s)"

"$b/tests/tools/kafka_mock" -p 3 -t bench >"$t/boot" 2>"$t/mock.err" &
pids="$pids $!"
while ! grep -q : "$t/boot" 2>/dev/null; do sleep 0.05; done
boot=$(head -n 1 "$t/boot")
{ header; printf 'kafka_output:\n  enabled: true\n  brokers: %s\n  topic: bench\n  key: "%%rule"\n' "$boot"; } >"$t/kafka.yaml"
measure kafka "$n"
{ header; printf 'kafka_output:\n  enabled: true\n  brokers: %s\n  topic: bench\n  compression: lz4\n  queue_buffering_max_ms: 20\n' "$boot"; } >"$t/kafka_lz4.yaml"
measure kafka_lz4 "$n"

"$b/tests/tools/http_sink" -n -d "$t/sink" >"$t/port" 2>"$t/sink.err" &
pids="$pids $!"
while ! grep -q '^[0-9]' "$t/port" 2>/dev/null; do sleep 0.05; done
port=$(head -n 1 "$t/port")
hn=$((n / 5))
{ header; printf 'http_output:\n  enabled: true\n  url: http://127.0.0.1:%s/\n' "$port"; } >"$t/http_1.yaml"
measure http_1 "$hn" http_1_per_request
for fmt in array ndjson; do
	{ header; printf 'http_output:\n  enabled: true\n  url: http://127.0.0.1:%s/\n  batch_size: 100\n  batch_format: %s\n' "$port" $fmt; } >"$t/http_$fmt.yaml"
	measure "http_$fmt" "$n" "http_batch100_$fmt"
done
{ header; printf 'http_output:\n  enabled: true\n  url: http://127.0.0.1:%s/\n  batch_size: 100\n  compress_uploads: true\n' "$port"; } >"$t/http_gz.yaml"
measure http_gz "$n" http_batch100_gzip

# A stalled receiver (answers nothing for 100 s) must not slow the producer:
# alerts wait in the output's queue. Compare with a receiver that answers.
"$b/tests/tools/http_sink" -n -d "$t/stall" -f -1 -s 503 -w 100000 >"$t/sport" 2>/dev/null &
pids="$pids $!"
while ! grep -q '^[0-9]' "$t/sport" 2>/dev/null; do sleep 0.05; done
sport=$(head -n 1 "$t/sport")
{ header; printf 'http_output:\n  enabled: true\n  url: http://127.0.0.1:%s/\n  timeout_ms: 1000\n' "$sport"; } >"$t/stalled.yaml"
echo "producer side (alerts built, formatted and queued; the event loop's cost):"
emit_rate http_1 "$n" "  receiver answering"
emit_rate stalled "$n" "  receiver stalled"
