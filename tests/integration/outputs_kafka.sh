#!/bin/sh
# tests/integration/outputs_kafka.sh - the kafka output against librdkafka's
# mock cluster (tests/tools/kafka_mock: the real Kafka protocol over TCP on
# 127.0.0.1), alerts consumed back with kcat:
#  - 1000 alerts arrive exactly once (uuids distinct and complete, seqs
#    1..N), keys rendered from the template, JSON intact whatever
#    json_output says, the uuid header equal to the JSON's uuid;
#  - one key always lands in one partition;
#  - brokers down at start, then up: every alert delivered;
#  - brokers down mid-stream, then up: no loss, no duplicate;
#  - shutdown with the brokers down gives up after flush_timeout and says
#    how many messages were not delivered;
#  - a wrong librdkafka property in `options` fails at start with its name.
. "$top_srcdir/tests/lib.sh"
GEN="$top_builddir/tests/tools/alertgen"
MOCK="$top_builddir/tests/tools/kafka_mock"
command -v kcat >/dev/null 2>&1 || tap_skip_all "kcat is missing (scripts/install-deps.sh --test)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 is missing"
tap_plan 38

# start_mock NAME ARGS... - start a mock cluster; sets MOCK_PID and BOOT.
start_mock() {
	_name=$1
	shift
	"$MOCK" "$@" >"$T/$_name.boot" 2>"$T/$_name.mock.err" &
	MOCK_PID=$!
	on_exit "kill -KILL $MOCK_PID 2>/dev/null"
	wait_for 20 grep -q : "$T/$_name.boot"
	BOOT=$(head -n 1 "$T/$_name.boot")
}

# conf NAME TOPIC KEY [EXTRA] - write $T/NAME.yaml for the kafka output.
conf() {
	cat >"$T/$1.yaml" <<EOC
json_output: false
stdout_output:
  enabled: false
kafka_output:
  enabled: true
  brokers: $BOOT
  topic: $2
  key: "$3"
${4:-}
EOC
}

# gen NAME N - run alertgen in the background; sets GEN_PID.
gen() {
	"$GEN" -c "$T/$1.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n "$2" >/dev/null \
		2>"$T/$1.err" &
	GEN_PID=$!
	on_exit "kill -KILL $GEN_PID 2>/dev/null"
}

# consume TOPIC FILE - every message of TOPIC as "partition TAB key TAB
# headers TAB value" lines.
consume() {
	timeout 60 kcat -C -b "$BOOT" -t "$1" -o beginning -e -q -f '%p\t%k\t%h\t%s\n' >"$2"
}

# has_n TOPIC N - whether TOPIC holds at least N messages.
has_n() {
	[ "$(timeout 20 kcat -C -b "$BOOT" -t "$1" -o beginning -e -q -f '%o\n' | wc -l)" -ge "$2" ]
}

# check FILE N KEYFMT - verify the consumed messages, print "ok" or why not.
# KEYFMT: python format of the expected key from the JSON alert j and its
# seq s ("" for no check).
check() {
	python3 - "$1" "$2" "$3" <<'EOP'
import json, sys
path, n, keyfmt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seqs, uuids, problems = [], set(), []
for line in open(path, encoding="utf-8"):
    part, key, hdrs, value = line.rstrip("\n").split("\t", 3)
    try:
        j = json.loads(value)
    except ValueError as e:
        problems.append("bad JSON: %s" % e)
        continue
    s = j["output_fields"]["alert.seq"]
    seqs.append(s)
    uuids.add(j["uuid"])
    if hdrs != "uuid=" + j["uuid"]:
        problems.append("header %r != uuid %s" % (hdrs, j["uuid"]))
    if keyfmt:
        want = keyfmt.format(j=j, s=s)
        if key != want:
            problems.append("key %r, want %r" % (key, want))
missing = sorted(set(range(1, n + 1)) - set(seqs))
if missing:
    problems.append("%d missing, e.g. %s" % (len(missing), missing[:5]))
if len(seqs) != len(set(seqs)):
    problems.append("%d duplicates" % (len(seqs) - len(set(seqs))))
if len(uuids) != n or len(seqs) != n:
    problems.append("%d messages, %d distinct uuids, want %d" % (len(seqs), len(uuids), n))
print("ok" if not problems else "; ".join(problems[:5]))
EOP
}

# stop_gen NAME - SIGTERM alertgen and wait for it; prints its status.
stop_gen() {
	kill -TERM "$GEN_PID"
	wait "$GEN_PID"
}

# ---- 1000 alerts, exactly once, keys, JSON ------------------------------
N=1000
start_mock main -p 3 -t alerts -t bypri
conf main alerts '%priority:%rule:%alert.seq:%container.id'
gen main $N
wait_for 30 grep -q "^emitted $N\$" "$T/main.err"
stop_gen main
is $? 0 "alertgen exits 0 after producing $N alerts"
like "$(cat "$T/main.err")" "kafka_output: sent $N failed 0 dropped 0" "core counters: $N sent"
like "$(cat "$T/main.err")" "topic alerts: $N message\(s\) delivered, 0 failed" \
	"delivery reports: $N delivered, none failed"
consume alerts "$T/main.got"
is "$(wc -l <"$T/main.got" | tr -d ' ')" $N "kcat reads $N messages back"
is "$(check "$T/main.got" $N '{j[priority]}:{j[rule]}:{s}:<NA>')" ok \
	"every alert once, uuids distinct, keys from the template, JSON intact"
is "$(cut -f1 "$T/main.got" | sort -u | wc -l | tr -d ' ')" 3 "messages spread over the 3 partitions"

# One key, one partition: the key keeps related alerts together.
conf bypri bypri '%priority'
gen bypri 200
wait_for 30 grep -q "^emitted 200\$" "$T/bypri.err"
stop_gen bypri
consume bypri "$T/bypri.got"
is "$(check "$T/bypri.got" 200 '{j[priority]}')" ok "key %priority: 200 alerts, right keys"
is "$(cut -f1,2 "$T/bypri.got" | sort -u | cut -f2 | sort | uniq -d | wc -l | tr -d ' ')" 0 \
	"each key lands in a single partition"
is "$(cut -f2 "$T/bypri.got" | sort -u | wc -l | tr -d ' ')" 8 "8 priorities, 8 keys"
kill -TERM $MOCK_PID
wait $MOCK_PID

# ---- brokers down at start, then up --------------------------------------
start_mock late -p 2 -t late -d
# options: any librdkafka property; a short reconnect back-off keeps this quick.
conf late late '%rule' '  options:
    reconnect.backoff.max.ms: 500'
gen late 300
wait_for 30 grep -q "^emitted 300\$" "$T/late.err"
sleep 2
like "$(cat "$T/late.err")" "Connection refused|Disconnected|brokers are down" \
	"brokers down at start: the connection failure is logged"
kill -USR2 $MOCK_PID
wait_for 30 grep -q "^brokers up" "$T/late.mock.err"
# librdkafka reconnects with its back-off (up to reconnect.backoff.max.ms,
# 10 s): wait for the delivery rather than bet on flush_timeout.
wait_for 40 has_n late 300
is $? 0 "brokers down at start: the alerts arrive once the brokers are up"
stop_gen late
is $? 0 "brokers down at start: alertgen exits 0"
consume late "$T/late.got"
is "$(check "$T/late.got" 300 '{j[rule]}')" ok "brokers down at start: all 300 delivered once when they come up"
like "$(cat "$T/late.err")" "topic late: 300 message\(s\) delivered, 0 failed" \
	"brokers down at start: 300 delivery reports, none failed"
kill -TERM $MOCK_PID
wait $MOCK_PID

# ---- librdkafka's local queue full: the core holds the alerts back ---------
start_mock full -t full -d
conf full full '%rule' '  queue_buffering_max_messages: 10
  options:
    reconnect.backoff.max.ms: 500'
gen full 50
wait_for 30 grep -q "^emitted 50\$" "$T/full.err"
wait_for 10 grep -q "local queue is full" "$T/full.err"
is $? 0 "local queue full (10 messages, brokers down): logged, write() asks the core to retry"
kill -USR2 $MOCK_PID
wait_for 40 has_n full 50
is $? 0 "local queue full: the held-back alerts go out once the brokers are up"
stop_gen full
consume full "$T/full.got"
is "$(check "$T/full.got" 50 '{j[rule]}')" ok "local queue full: all 50 alerts once, in the topic"
like "$(cat "$T/full.err")" "kafka_output: sent 50 failed 0 dropped 0" "local queue full: none failed or dropped"
kill -TERM $MOCK_PID
wait $MOCK_PID

# ---- brokers down mid-stream ----------------------------------------------
start_mock mid -p 2 -t mid
conf mid mid '%rule' '  options:
    reconnect.backoff.max.ms: 500'
gen mid 400
wait_for 30 grep -q "^emitted 400\$" "$T/mid.err"
wait_for 30 has_n mid 400
is $? 0 "mid-stream: the first 400 alerts are in the topic"
kill -USR1 $MOCK_PID
wait_for 10 grep -q "^brokers down" "$T/mid.mock.err"
kill -USR1 $GEN_PID # 400 more alerts while the brokers are down
wait_for 30 grep -q "^emitted 800\$" "$T/mid.err"
sleep 2
kill -USR2 $MOCK_PID
wait_for 10 grep -q "^brokers up" "$T/mid.mock.err"
wait_for 40 has_n mid 800
is $? 0 "mid-stream: the alerts held back arrive once the brokers are up"
stop_gen mid
is $? 0 "mid-stream: alertgen exits 0"
consume mid "$T/mid.got"
is "$(check "$T/mid.got" 800 '{j[rule]}')" ok \
	"mid-stream outage: all 800 alerts arrive exactly once"
like "$(cat "$T/mid.err")" "topic mid: 800 message\(s\) delivered, 0 failed" \
	"mid-stream outage: 800 delivery reports, none failed"
kill -TERM $MOCK_PID
wait $MOCK_PID

# ---- shutdown with the brokers down: bounded flush -----------------------
start_mock gone -t gone -d
conf gone gone '%rule' '  flush_timeout: 1s'
gen gone 50
wait_for 30 grep -q "^emitted 50\$" "$T/gone.err"
start=$(date +%s)
stop_gen gone
is $? 0 "brokers gone at shutdown: alertgen still exits 0"
end=$(date +%s)
ok_cmd "brokers gone at shutdown: the flush gives up within a few seconds" \
	test $((end - start)) -le 6
like "$(cat "$T/gone.err")" "50 message\(s\) not delivered to topic gone at shutdown \(flush_timeout 1000 ms\)" \
	"brokers gone at shutdown: the log says how many were not delivered"
kill -TERM $MOCK_PID
wait $MOCK_PID

# ---- messages that time out: delivery reports count and log them ---------
start_mock expire -t expire -d
conf expire expire '%rule' '  message_timeout_ms: 1000'
gen expire 20
wait_for 30 grep -q "^emitted 20\$" "$T/expire.err"
# the failures are learnt from delivery reports once the messages time
# out (1 s, then librdkafka's timeout scan and the output's idle poll,
# each up to about 1 s): stop once all 20 are known, so the shutdown line
# must count them (failures found by the final flush at shutdown are the
# plugin's own "not delivered at shutdown" line, checked above)
wait_for 30 grep -q "(total failed: 20)" "$T/expire.err"
stop_gen expire
like "$(cat "$T/expire.err")" "message\(s\) to topic expire could not be delivered: .*timed out \(total failed: 20\)" \
	"message_timeout_ms: failed deliveries are logged with their count and reason (rate-limited)"
like "$(cat "$T/expire.err")" "topic expire: 0 message\(s\) delivered, 20 failed" \
	"message_timeout_ms: ... and counted"
like "$(cat "$T/expire.err")" "kafka_output: sent 20 failed 20 " \
	"message_timeout_ms: ... and reach the core's failed counter (metrics, shutdown line)"
kill -TERM $MOCK_PID
wait $MOCK_PID

# ---- options reach librdkafka: SASL (which the mock cluster lacks) -------
start_mock sasl -t sasl
conf sasl sasl '%rule' '  flush_timeout: 500ms
  options:
    security.protocol: sasl_plaintext
    sasl.mechanism: PLAIN
    sasl.username: shrike
    sasl.password: pw-not-for-logs'
gen sasl 3
wait_for 30 grep -q "^emitted 3\$" "$T/sasl.err"
wait_for 10 grep -q "SASL" "$T/sasl.err"
is $? 0 "options: security.protocol and sasl.* reach librdkafka (it tries SASL; the mock refuses)"
stop_gen sasl
like "$(cat "$T/sasl.err")" "3 message\(s\) not delivered to topic sasl at shutdown" \
	"options: the undeliverable messages are reported at shutdown"
is "$(grep -c pw-not-for-logs "$T/sasl.err")" 0 "options: the SASL password never appears in the log"
kill -TERM $MOCK_PID
wait $MOCK_PID

# ---- configuration errors -------------------------------------------------
BOOT=127.0.0.1:1
conf bad alerts '%rule' '  options:
    no.such.property: 1'
"$GEN" -c "$T/bad.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 1 >/dev/null 2>"$T/bad.err"
is $? 1 "an unknown librdkafka option fails at start"
like "$(cat "$T/bad.err")" "bad.yaml:[0-9]+:[0-9]+: kafka_output: .*options\.no\.such\.property: No such configuration property" \
	"the error names the file, position and the property"
conf acks alerts '%rule' '  acks: 1'
"$GEN" -c "$T/acks.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 1 >/dev/null 2>"$T/acks.err"
like "$(cat "$T/acks.err")" "acks: the idempotent producer .* needs acks: all" \
	"acks: 1 with idempotence on is refused with the way out"
conf key alerts 'x-%'
"$GEN" -c "$T/key.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 1 >/dev/null 2>"$T/key.err"
like "$(cat "$T/key.err")" "kafka_output: .*key: '%' at offset 2" "a broken key template is refused"
printf 'stdout_output:\n  enabled: false\nkafka_output:\n  enabled: true\n  topic: t\n' >"$T/nob.yaml"
"$GEN" -c "$T/nob.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 1 >/dev/null 2>"$T/nob.err"
like "$(cat "$T/nob.err")" "kafka_output: .*brokers: a list of host:port is required" \
	"enabled without brokers is refused"
printf 'stdout_output:\n  enabled: false\nkafka_output:\n  enabled: false\n' >"$T/off.yaml"
"$SHRIKE" -c "$T/off.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" --dry-run >/dev/null 2>"$T/off.err"
is $? 0 "a disabled section needs no brokers nor topic"
tap_done
