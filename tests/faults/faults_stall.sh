#!/bin/sh
# tests/faults/faults_stall.sh - a stalled receiver never delays the file
# output, as figures. Alerts at 1,000/s go through the real outputs to a
# file, a syslog TCP receiver and an HTTP receiver at once, in two streams
# run side by side (two alertgen processes):
#  - healthy: the syslog receiver reads everything, http_sink answers;
#  - stalled: the syslog receiver accepts and never reads (a 4 KB receive
#    buffer, so the sender's socket fills within seconds) and http_sink is
#    SIGSTOPped (connections accepted by the kernel, no answer ever).
# A reader tails the file and notes, for every alert, the time it appears
# minus the alert's own time (evt.rawtime): the file output's per-alert
# latency. Asserts that the stall was real (syslog and http delivered only
# part of the stream) and that the file's p99 latency stays normal (under
# 100 ms, or within 2x the healthy run); prints both runs' p50/p99/max.
. "$top_srcdir/tests/lib.sh"
GEN="$top_builddir/tests/tools/alertgen"
SINK="$top_builddir/tests/tools/http_sink"
[ -x "$SINK" ] || tap_skip_all "the http output or http_sink is not built (libcurl, libmicrohttpd)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 is missing"
tap_plan 10

N=${FAULTS_STALL_N:-10000}
RATE=${FAULTS_STALL_RATE:-1000}

# rx.py MODE - a syslog TCP receiver on 127.0.0.1: prints its port, then
# "read" reads and discards everything, "stall" accepts and never reads.
cat >"$T/rx.py" <<'EOP'
import socket, sys, threading
mode = sys.argv[1]
s = socket.socket()
if mode == "stall":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # inherited by accepted sockets
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
def drain(c):
    while c.recv(65536):
        pass
while True:
    c, _ = s.accept()
    if mode == "stall":
        held.append(c)
    else:
        threading.Thread(target=drain, args=(c,), daemon=True).start()
EOP
# lat.py FILE N TIMEOUT_S - say "ready" on stderr, then tail FILE until N
# alerts were read; print the latency figures (ms): count p50 p99 max
cat >"$T/lat.py" <<'EOP'
import json, os, sys, time
path, n, end = sys.argv[1], int(sys.argv[2]), time.monotonic() + float(sys.argv[3])
print("ready", file=sys.stderr, flush=True)
while not os.path.exists(path) and time.monotonic() < end:
    time.sleep(0.001)
lats, buf = [], ""
with open(path, encoding="utf-8") as f:
    while len(lats) < n and time.monotonic() < end:
        chunk = f.read()
        if not chunk:
            time.sleep(0.0005)
            continue
        now = time.time_ns()
        buf += chunk
        lines = buf.split("\n")
        buf = lines.pop()
        for l in lines:
            lats.append((now - json.loads(l)["output_fields"]["evt.rawtime"]) / 1e6)
with open(path + ".lat", "w") as out:  # in order, for a look after a failure
    out.write("".join("%.2f\n" % x for x in lats))
lats.sort()
pct = lambda p: lats[min(len(lats) - 1, int(p * len(lats)))] if lats else -1
print("%d %.1f %.1f %.1f" % (len(lats), pct(0.5), pct(0.99), lats[-1] if lats else -1))
EOP

# start NAME MODE - start one stream's receivers, reader and alertgen
start() {
	name=$1 mode=$2
	python3 "$T/rx.py" "$mode" >"$T/$name.rxport" &
	echo $! >"$T/$name.rxpid"
	on_exit "kill -KILL $! 2>/dev/null"
	"$SINK" -d "$T/$name.sink" -n >"$T/$name.hport" 2>"$T/$name.sink.err" &
	echo $! >"$T/$name.sinkpid"
	on_exit "kill -KILL $! 2>/dev/null"
	wait_for 20 grep -q '^[0-9]' "$T/$name.rxport"
	wait_for 20 grep -q '^[0-9]' "$T/$name.hport"
	[ "$mode" = stall ] && kill -STOP "$(cat "$T/$name.sinkpid")"
	cat >"$T/$name.yaml" <<EOC
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $T/$name.json
syslog_output:
  enabled: true
  address: tcp://127.0.0.1:$(cat "$T/$name.rxport")
http_output:
  enabled: true
  url: http://127.0.0.1:$(cat "$T/$name.hport")/alerts
EOC
	python3 "$T/lat.py" "$T/$name.json" "$N" 120 >"$T/$name.lat" 2>"$T/$name.lat.err" &
	echo $! >"$T/$name.latpid"
	on_exit "kill -KILL $! 2>/dev/null"
	# the reader must be tailing before the first alert (a late reader
	# would read a backlog and count its own start as latency)
	wait_for 20 grep -q '^ready' "$T/$name.lat.err"
}
# go NAME - start alertgen for NAME
go() {
	"$GEN" -c "$T/$1.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n "$N" -r "$RATE" \
		-t 1000 >/dev/null 2>"$T/$1.err" &
	echo $! >"$T/$1.genpid"
	on_exit "kill -KILL $! 2>/dev/null"
}
# finish NAME - wait for NAME's stream; sets gen_rc, count p50 p99 max and
# the sent counters, and prints them
finish() {
	name=$1
	wait_for 120 grep -q "^emitted $N\$" "$T/$name.err"
	wait "$(cat "$T/$name.latpid")"
	# stop: the stalled outputs give up after 1 s (+2 s for a stuck write)
	kill -TERM "$(cat "$T/$name.genpid")"
	wait "$(cat "$T/$name.genpid")"
	gen_rc=$?
	read -r count p50 p99 max <"$T/$name.lat"
	cnt() { sed -n "s/^$1: sent \([0-9]*\) .*/\1/p" "$T/$name.err"; }
	file_sent=$(cnt file_output) syslog_sent=$(cnt syslog_output) http_sent=$(cnt http_output)
	echo "# $name: file latency over $count alerts: p50 $p50 ms, p99 $p99 ms, max $max ms"
	echo "# $name: sent: file $file_sent, syslog $syslog_sent, http $http_sent (of $N)"
	kill -KILL "$(cat "$T/$name.rxpid")" "$(cat "$T/$name.sinkpid")"
	wait "$(cat "$T/$name.rxpid")" "$(cat "$T/$name.sinkpid")" 2>/dev/null
}

# Both streams run at the same time, so both see the same machine (other
# jobs, CPU bursts): their latencies compare fairly.
t0=$(date +%s)
start healthy read
start stalled stall
go healthy
go stalled
finish healthy
h_p99=$p99 h_rc=$gen_rc
is "$count $file_sent $syslog_sent $http_sent" "$N $N $N $N" \
	"healthy: all $N alerts reach the file (read back), syslog and http"
is "$h_rc" 0 "healthy: alertgen exits 0"
finish stalled
echo "# duration: $(($(date +%s) - t0)) s"
is "$count" "$N" "stalled: the reader saw all $N alerts in the file"
is "$file_sent" "$N" "stalled: the file output sent all $N"
ok_cmd "stalled: the syslog receiver really stalled (sent $syslog_sent < $N)" test "$syslog_sent" -lt "$N"
ok_cmd "stalled: the http receiver really stalled (sent $http_sent < $N)" test "$http_sent" -lt "$N"
is "$gen_rc" 0 "stalled: alertgen still stops and exits 0"
like "$(cat "$T/stalled.err")" "output (syslog|http)_output: .*(left undelivered|abandoning)" \
	"stalled: what the stalled outputs never delivered is counted at stop"
# normal: p99 under 100 ms, or within 2x the healthy run's
ok_cmd "stalled: file p99 latency $p99 ms stays normal (healthy $h_p99 ms; < 100 ms or < 2x)" \
	python3 -c "import sys; s, h = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if s < 100 or s <= 2 * h else 1)" "$p99" "$h_p99"
# blocked behind a stalled peer, alerts would wait seconds (the syslog
# send timeout, http's 10 s request timeout)
ok_cmd "stalled: no file alert waited 1 s or more (max $max ms)" \
	python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 1000 else 1)" "$max"
[ -n "${FAULTS_KEEP:-}" ] && cp -r "$T" "$FAULTS_KEEP"
tap_done
