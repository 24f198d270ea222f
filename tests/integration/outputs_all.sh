#!/bin/sh
# tests/integration/outputs_all.sh - every output at once: file, syslog (a
# private rsyslogd over TCP), program (keep_alive), Kafka (librdkafka's mock
# cluster, read back with kcat) and HTTP (tests/tools/http_sink). 200
# distinct alerts produce 200 at each output, none lost, none repeated, and
# every output got the same 200 alerts (same uuids).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib_rsyslog.sh"
GEN="$top_builddir/tests/tools/alertgen"
MOCK="$top_builddir/tests/tools/kafka_mock"
SINK="$top_builddir/tests/tools/http_sink"
[ -n "$RSYSLOGD" ] || tap_skip_all "rsyslogd is missing (scripts/install-deps.sh --test)"
command -v kcat >/dev/null 2>&1 || tap_skip_all "kcat is missing (scripts/install-deps.sh --test)"
[ -e "$SK_TEST_PLUGINS_DIR/kafka.so" ] && [ -x "$MOCK" ] ||
	tap_skip_all "the kafka output is not built (librdkafka missing at configure time)"
[ -e "$SK_TEST_PLUGINS_DIR/http.so" ] && [ -x "$SINK" ] ||
	tap_skip_all "the http output is not built (libcurl/libmicrohttpd missing at configure time)"
tap_plan 9
N=200

# The peers.
if rsyslog_start "$T/rs"; then
	pass "rsyslogd started"
else
	fail "rsyslogd started" "$(cat "$T/rs/rsyslogd.log")"
fi
on_exit "rsyslog_stop"
"$MOCK" -p 2 -t all >"$T/kafka.boot" 2>"$T/kafka.err" &
mock_pid=$!
on_exit "kill -KILL $mock_pid 2>/dev/null"
"$SINK" -d "$T/http" >"$T/http.port" 2>"$T/http.err" &
sink_pid=$!
on_exit "kill -KILL $sink_pid 2>/dev/null"
wait_for 20 grep -q : "$T/kafka.boot"
wait_for 20 grep -q '^[0-9]' "$T/http.port"
BOOT=$(head -n 1 "$T/kafka.boot")
PORT=$(head -n 1 "$T/http.port")

cat >"$T/all.yaml" <<EOC
json_output: true
json_include_uuid_property: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $T/file.json
syslog_output:
  enabled: true
  address: tcp://127.0.0.1:$RS_PORT
  ident: sk-all
program_output:
  enabled: true
  keep_alive: true
  program: "cat >> $T/program.json"
kafka_output:
  enabled: true
  brokers: $BOOT
  topic: all
  key: "%rule"
http_output:
  enabled: true
  url: http://127.0.0.1:$PORT/alerts
EOC
"$GEN" -c "$T/all.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n $N >/dev/null 2>"$T/gen.err" &
gpid=$!
on_exit "kill -KILL $gpid 2>/dev/null"
wait_for 30 grep -q "^emitted $N\$" "$T/gen.err"
kill -TERM $gpid
wait $gpid
is $? 0 "alertgen with five outputs exits 0 after delivering"
like "$(grep -c ": sent $N failed 0 dropped 0 ratelimited 0" "$T/gen.err")" "^5$" \
	"core counters: $N sent by each of the 5 outputs, nothing failed, dropped or rate-limited"

# Collect what each peer got, as JSON lines.
cp "$T/file.json" "$T/got.file"
cp "$T/program.json" "$T/got.program"
wait_for 20 sh -c "[ \$(awk -F'|' '\$4 == \"sk-all\"' '$RS_OUT' | wc -l) -ge $N ]"
awk -F'|' '$4 == "sk-all"' "$RS_OUT" | cut -d'|' -f7- >"$T/got.syslog"
timeout 60 kcat -C -b "$BOOT" -t all -o beginning -e -q -f '%s\n' >"$T/got.kafka"
python3 - "$T/http" >"$T/got.http" <<'EOF'
import glob, os, sys
for hdr in sorted(glob.glob(os.path.join(sys.argv[1], "*.hdr"))):
    if "X-Sink-Status: 200" in open(hdr).read():
        print(open(hdr[:-4] + ".body", encoding="utf-8").read().strip())
EOF

# check FILE: "ok uuids-digest" when FILE holds alerts 1..N once each.
check() {
	python3 - "$1" "$N" <<'EOF'
import hashlib, json, sys
seqs, uuids, bad = [], [], 0
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        a = json.loads(line)
    except ValueError:
        bad += 1
        continue
    seqs.append(a["output_fields"]["alert.seq"])
    uuids.append(a["uuid"])
n = int(sys.argv[2])
problems = []
if bad: problems.append("%d lines are not JSON" % bad)
missing = sorted(set(range(1, n + 1)) - set(seqs))
if missing: problems.append("%d missing, e.g. %s" % (len(missing), missing[:5]))
if len(seqs) != len(set(seqs)): problems.append("%d duplicates" % (len(seqs) - len(set(seqs))))
if problems:
    print("; ".join(problems))
else:
    print("ok", hashlib.sha256("\n".join(sorted(uuids)).encode()).hexdigest()[:16])
EOF
}
for o in file syslog program kafka http; do
	got=$(check "$T/got.$o")
	like "$got" "^ok " "$o: $N of $N alerts, each once"
	sums="${sums:-}$got
"
done
is "$(printf '%s' "$sums" | sort -u | wc -l | tr -d ' ')" 1 \
	"every output got the same $N alerts (same uuids)"
kill -TERM $mock_pid $sink_pid
wait $mock_pid $sink_pid 2>/dev/null
tap_done
