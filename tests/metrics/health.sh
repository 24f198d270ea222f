#!/bin/sh
# tests/metrics/health.sh - /healthz as a Kubernetes probe sees it (curl):
# 200 {"status": "ok"} while the only output delivers; 503 with the reason
# once its receiver has been down past the output's retry_budget; 200 again
# once the receiver is back (the metrics snapshots, internal alerts every
# second, are the traffic). Also /versions, HEAD, other methods, unknown
# paths, and that malformed requests and a crowd of idle clients leave the
# daemon serving with a bounded number of threads. No root: no syscall
# engine, the only source of alerts is the metrics snapshot.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/metrics/lib.sh"

command -v curl >/dev/null || tap_skip_all "curl is not installed"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
SINK="$top_builddir/tests/tools/http_sink"
[ -x "$SINK" ] || tap_skip_all "tests/tools/http_sink was not built"
tap_plan 16

# A port nothing listens on yet: the receiver's, once it has stopped.
"$SINK" -d "$T/probe" >"$T/probe.port" 2>/dev/null &
sp=$!
wait_for 20 grep -q '^[0-9]' "$T/probe.port"
PORT=$(head -n 1 "$T/probe.port")
kill $sp
wait $sp 2>/dev/null

cat >"$T/shrike.yaml" <<EOF2
engine:
  kind: none
rules_files: []
json_output: true
stdout_output:
  enabled: false
http_output:
  enabled: true
  url: http://127.0.0.1:$PORT/alerts
  retry_budget: 2s
metrics:
  enabled: true
  interval: 1s
  output_rule: true
webserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: 0
  connection_limit: 16
EOF2
"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" >"$T/log" 2>&1 &
pid=$!
on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
wait_for 20 grep -q "webserver listening on" "$T/log"
WEB=$(web_url "$T/log")
like "$WEB" '^http://127\.0\.0\.1:[0-9]+$' "the web server tells where it listens ($WEB)"

# code PATH [curl options] - the HTTP status of a request.
code() {
	_p=$1
	shift
	curl -s -o "$T/body" -w '%{http_code}' --max-time 5 "$@" "$WEB$_p"
}

# Down from the start: the first snapshot's delivery fails; past 2 s the
# output is down.
wait_for 15 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' $WEB/healthz)\" = 503 ]"
is "$(code /healthz)" 503 "/healthz: 503 once the only output failed past its retry_budget"
like "$(cat "$T/body")" '^\{"status": "error", "reason": "the only output is failing: http_output for [0-9]+ s past its retry_budget"\}$' \
	"/healthz says why"
wait_for 10 grep -q "longer than its retry_budget: gave up" "$T/log"
like "$(grep -c "longer than its retry_budget: gave up" "$T/log")" '^[1-9]' \
	"the log says an alert was given up"

"$SINK" -d "$T/sink" -p "$PORT" >"$T/sink.port" 2>"$T/sink.err" &
sink=$!
on_exit "kill $sink 2>/dev/null"
wait_for 15 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' $WEB/healthz)\" = 200 ]"
is "$(code /healthz)" 200 "/healthz: 200 again once the receiver is back"
is "$(cat "$T/body")" '{"status": "ok"}' "/healthz body"
like "$(ls "$T/sink" | grep -c 'hdr$')" '^[1-9]' "the receiver got the snapshots since"

is "$(code /healthz -I)" 200 "HEAD /healthz"
is "$(code /healthz -X POST -d x)" 405 "POST is refused"
is "$(code /nothing)" 404 "unknown path: 404"
is "$(code /metrics)" 404 "/metrics is off unless prometheus_metrics_enabled"
is "$(code /versions)" 200 "/versions"
ok_cmd "/versions: Shrike's version, the plugin API, the engine, the plugins" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert v["shrike_version"] == sys.argv[2], v
assert v["plugin_api_version"].startswith("1."), v
assert v["engine_kind"] == "none", v
assert isinstance(v["plugins"], list) and isinstance(v["rules_files"], list), v
' "$T/body" "$("$SHRIKE" --version | sed -n 's/^shrike \([^ ]*\) .*/\1/p')"

# Malformed requests, then 40 idle connections from another address (more
# than connection_limit) holding their sockets open: the daemon still
# answers the probe, with no new threads. One address gets a quarter of the
# connections at most, so a crowd from one client cannot lock the probe out.
threads=$(ls /proc/$pid/task | wc -l)
host=${WEB#http://}
python3 - "${host%:*}" "${host#*:}" <<'PY' >"$T/bad.out" 2>&1
import socket, sys, time
addr = (sys.argv[1], int(sys.argv[2]))
for req in [b"GARBAGE\r\n\r\n", b"GET /healthz HTTP/9.9\r\n\r\n", b"GET " + b"/x" * 20000 + b" HTTP/1.1\r\n\r\n",
            b"GET /healthz HTTP/1.1\r\nHost: a\r\n" + b"X-A: " + b"b" * 40000 + b"\r\n\r\n", b"\x00\xff\r\n\r\n"]:
    s = socket.create_connection(addr)
    try:
        s.sendall(req)
        s.settimeout(2)
        print(s.recv(64).split(b"\r\n")[0].decode(errors="replace"))
    except OSError as e:
        print("closed:", e)
    s.close()
PY
is "$(sed -n '2,4p' "$T/bad.out" | cut -d' ' -f2 | tr '\n' ' ')" "505 414 431 " \
	"a bad HTTP version, a 40 kB URL, a 40 kB header: 505, 414, 431"
python3 - "${host%:*}" "${host#*:}" <<'PY' &
import socket, sys, time
socks = []
for i in range(40):
    try:
        socks.append(socket.create_connection((sys.argv[1], int(sys.argv[2])), 2, ("127.0.0.2", 0)))
    except OSError:
        pass
time.sleep(6)
PY
idle=$!
sleep 1
t0=$(date +%s%N)
c=$(code /healthz)
t1=$(date +%s%N)
is "$c" 200 "/healthz answered while 40 idle clients hold connections ($(( (t1 - t0) / 1000000 )) ms)"
is "$(ls /proc/$pid/task | wc -l)" "$threads" "no thread was added for them ($threads threads)"
wait $idle
tap_done
