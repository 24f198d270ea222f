#!/bin/sh
# tests/faults/faults_kafka.sh - delivery to Kafka under a broker outage, as
# figures: 600,000 alerts at 10,000/s through the real kafka output into
# librdkafka's mock cluster (tests/tools/kafka_mock), every broker down for
# 5 s in the middle of the stream. All messages are read back with kcat:
# every uuid must arrive at least once (seqs 1..N complete); duplicates are
# counted and printed, as are the output's counters, the delivery reports
# and the durations. FAULTS_KAFKA_N / FAULTS_KAFKA_RATE scale it down for a
# quick look (the figures in docs/faults-network.md use the defaults).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/faults/lib.sh"
GEN="$top_builddir/tests/tools/alertgen"
MOCK="$top_builddir/tests/tools/kafka_mock"
[ -x "$MOCK" ] || tap_skip_all "the kafka output is not built (librdkafka missing)"
command -v kcat >/dev/null 2>&1 || tap_skip_all "kcat is missing (scripts/install-deps.sh --test)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 is missing"
tap_plan 10

N=${FAULTS_KAFKA_N:-600000}
RATE=${FAULTS_KAFKA_RATE:-10000}
DOWN_S=5

# The mock cluster keeps at most 5 MB (or 100,000 message sets) per
# partition and silently drops the oldest beyond (rdkafka_mock.c), and
# finds a fetch offset by walking a partition's message sets. So: small
# alerts (below), no key (a key per alert makes one message set per
# message, and the read-back quadratic), message sets of at most 256 KB,
# and 64 partitions: the ~130 MB of the run fill each to about 40%, and
# overflowing one would take 20 full message sets in it. Whether the mock dropped anything is
# checked below (a partition not starting at offset 0).
"$MOCK" -p 64 -t faults >"$T/boot" 2>"$T/mock.err" &
MOCK_PID=$!
on_exit "kill -KILL $MOCK_PID 2>/dev/null"
wait_for 20 grep -q : "$T/boot"
BOOT=$(head -n 1 "$T/boot")

# output_fields and output off: ~200-byte alerts keep the mock cluster's
# memory and kcat's read-back small; the path (render, queue, produce) is
# the same.
cat >"$T/k.yaml" <<EOC
json_output: true
json_include_output_fields_property: false
json_include_output_property: false
stdout_output:
  enabled: false
kafka_output:
  enabled: true
  brokers: $BOOT
  topic: faults
  flush_timeout: 60s
  options:
    reconnect.backoff.max.ms: 500
    batch.size: 262144
EOC

t0=$(now_ms)
"$GEN" -c "$T/k.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n "$N" -r "$RATE" >/dev/null \
	2>"$T/gen.err" &
GEN_PID=$!
on_exit "kill -KILL $GEN_PID 2>/dev/null"

# The outage: half-way through the stream, every broker down for 5 s.
wait_for 300 progress_at_least "$T/gen.err" $((N / 2))
kill -USR1 $MOCK_PID
wait_for 10 grep -q "^brokers down" "$T/mock.err"
down_at=$(emitted "$T/gen.err")
sleep $DOWN_S # the fault itself lasts this long
kill -USR2 $MOCK_PID
wait_for 10 grep -q "^brokers up" "$T/mock.err"
up_at=$(emitted "$T/gen.err")

wait_for 300 grep -q "^emitted $N\$" "$T/gen.err"
t_emitted=$(now_ms)
# SIGTERM: the output drains its queue, librdkafka flushes (flush_timeout).
kill -TERM $GEN_PID
wait $GEN_PID
is $? 0 "alertgen emitted $N alerts at $RATE/s and exited 0"
t_drained=$(now_ms)

timeout 300 kcat -C -b "$BOOT" -t faults -o beginning -e -q -f '%p\t%o\t%s\n' >"$T/got"
kcat_rc=$?
t_read=$(now_ms)
# messages the mock cluster itself dropped: each partition's first offset
evicted=$(awk -F'\t' '!($1 in m) || $2 < m[$1] { m[$1] = $2 } END { s = 0; for (p in m) s += m[p]; print s }' "$T/got")
cut -f3- "$T/got" >"$T/got.json"
uuid_figures "$T/got.json" "$N" >"$T/figures"
counters=$(grep -o 'kafka_output: sent [0-9]* failed [0-9]* dropped [0-9]*' "$T/gen.err")
reports=$(grep -o 'topic faults: [0-9]* message(s) delivered, [0-9]* failed' "$T/gen.err")
echo "# alerts sent: $N at $RATE/s; brokers down at alert $down_at, up at alert $up_at (${DOWN_S} s)"
echo "# output counters: $counters"
echo "# delivery reports: $reports"
echo "# mock cluster: $evicted message(s) dropped by its own 5 MB partition limit"
echo "# received: $(fig "$T/figures" received) messages, $(fig "$T/figures" unique) unique uuids, $(fig "$T/figures" duplicates) duplicates, $(fig "$T/figures" missing) missing, $(fig "$T/figures" bad) unreadable"
echo "# duration: emit $(secs $((t_emitted - t0))) s, drain after the last alert $(secs $((t_drained - t_emitted))) s, read back $(secs $((t_read - t_drained))) s"
like "$(cat "$T/mock.err")" "brokers down" "the brokers went down mid-stream (at alert $down_at of $N)"
like "$(cat "$T/gen.err")" "Disconnected|Connection refused|brokers are down" \
	"the output saw the outage (logged)"
is "$kcat_rc" 0 "kcat read every partition to its end (within 300 s)"
is "$evicted" 0 "the mock cluster kept every message (no partition overflowed)"
is "$(fig "$T/figures" missing)" 0 "every one of the $N alerts arrived at least once"
is "$(fig "$T/figures" unique)" "$N" "$N distinct uuids read back"
is "$(fig "$T/figures" bad)" 0 "every message is a whole JSON alert"
like "$counters" "kafka_output: sent $N failed 0 dropped 0" "core counters: all $N sent, none failed or dropped"
like "$reports" "topic faults: [0-9]+ message\(s\) delivered, 0 failed" \
	"delivery reports: none failed (duplicates: $(fig "$T/figures" duplicates))"
[ -n "${FAULTS_KEEP:-}" ] && cp -r "$T" "$FAULTS_KEEP"
tap_done
