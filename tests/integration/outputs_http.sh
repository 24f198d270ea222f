#!/bin/sh
# tests/integration/outputs_http.sh - the http output against a real HTTP(S)
# receiver on 127.0.0.1 (tests/tools/http_sink, libmicrohttpd) that records
# every request and answers scripted statuses:
#  - headers (Authorization from `headers`, Content-Type, User-Agent), bodies;
#  - 500 then 200: retried, nothing lost; 429 with Retry-After honoured;
#  - 400: failed at once, counted, logged with the status; 503 for good:
#    retried max_retries times, then failed;
#  - TLS with ca_cert (certificates made here with openssl), refused without
#    it; mTLS with a client certificate, 403 without one;
#  - the receiver killed and restarted mid-stream: nothing lost;
#  - batches of N alerts as a JSON array and as NDJSON, a partial batch sent
#    after batch_timeout_ms; compress_uploads (gzip) decoded by the receiver.
. "$top_srcdir/tests/lib.sh"
GEN="$top_builddir/tests/tools/alertgen"
SINK="$top_builddir/tests/tools/http_sink"
command -v openssl >/dev/null 2>&1 || tap_skip_all "openssl is missing (scripts/install-deps.sh --test)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 is missing"
tap_plan 56

# start_sink NAME ARGS... - start a receiver recording into $T/NAME; sets
# SINK_PID and PORT.
start_sink() {
	_name=$1
	shift
	"$SINK" -d "$T/$_name" "$@" >"$T/$_name.port" 2>"$T/$_name.sink.err" &
	SINK_PID=$!
	on_exit "kill -KILL $SINK_PID 2>/dev/null"
	wait_for 20 grep -q '^[0-9]' "$T/$_name.port"
	PORT=$(head -n 1 "$T/$_name.port")
}

# conf NAME URL [EXTRA_KEYS] [TOP_LEVEL] - write $T/NAME.yaml.
conf() {
	cat >"$T/$1.yaml" <<EOC
json_output: ${5:-true}
stdout_output:
  enabled: false
http_output:
  enabled: true
  url: $2
${3:-}
EOC
}

# run NAME N - alertgen sends N alerts, waits until the output is idle
# (queue drained), stops; its stderr in $T/NAME.err. Returns its status.
run() {
	"$GEN" -c "$T/$1.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n "$2" >/dev/null \
		2>"$T/$1.err" &
	_pid=$!
	on_exit "kill -KILL $_pid 2>/dev/null"
	wait_for 30 grep -q "^emitted $2\$" "$T/$1.err"
	kill -TERM $_pid
	wait $_pid
}

# check DIR N [OPTIONS] - the recorded requests: every alert 1..N exactly
# once among the 2xx-answered bodies. Prints "ok" or what is wrong.
check() {
	python3 - "$@" <<'EOP'
import glob, json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
opts = dict(a.split("=", 1) for a in sys.argv[3:])
seqs, problems, sizes = [], [], []
for hdr in sorted(glob.glob(os.path.join(d, "*.hdr"))):
    h = {}
    for line in open(hdr).read().splitlines()[1:]:
        k, _, v = line.partition(": ")
        h[k.lower()] = v
    if h["x-sink-status"] != "200":
        continue
    body = open(hdr[:-4] + ".body", encoding="utf-8").read()
    fmt = opts.get("format", "one")
    try:
        if fmt == "array":
            alerts = json.loads(body)
            assert isinstance(alerts, list)
        elif fmt == "ndjson":
            assert body.endswith("\n")
            alerts = [json.loads(l) for l in body.splitlines()]
        else:
            alerts = [json.loads(body)]
    except (ValueError, AssertionError) as e:
        problems.append("bad body in %s: %r" % (hdr, body[:80]))
        continue
    sizes.append(len(alerts))
    seqs += [a["output_fields"]["alert.seq"] for a in alerts]
    for k, v in opts.items():
        if k.startswith("h:") and h.get(k[2:].lower()) != v:
            problems.append("%s: %r, want %r" % (k[2:], h.get(k[2:].lower()), v))
missing = sorted(set(range(1, n + 1)) - set(seqs))
if missing:
    problems.append("%d missing, e.g. %s" % (len(missing), missing[:5]))
if len(seqs) != len(set(seqs)):
    problems.append("%d duplicates" % (len(seqs) - len(set(seqs))))
if len(seqs) != n:
    problems.append("%d alerts delivered, want %d" % (len(seqs), n))
if "sizes" in opts and ",".join(map(str, sizes)) != opts["sizes"]:
    problems.append("batch sizes %s, want %s" % (sizes, opts["sizes"]))
print("ok" if not problems else "; ".join(sorted(set(problems))[:5]))
EOP
}

# statuses DIR - the statuses answered, in order, space-separated.
statuses() {
	for f in "$T/$1"/*.hdr; do sed -n 's/^X-Sink-Status: //p' "$f"; done | tr '\n' ' ' | sed 's/ $//'
}

# ---- headers and bodies ------------------------------------------------------
start_sink hdr
conf hdr "http://127.0.0.1:$PORT/alerts" '  user_agent: shrike-test/2.0
  headers:
    Authorization: Bearer t0k3n-not-for-logs
    X-Team: secops'
run hdr 20
is $? 0 "alertgen exits 0"
is "$(check "$T/hdr" 20 'h:Authorization=Bearer t0k3n-not-for-logs' 'h:X-Team=secops' \
	'h:Content-Type=application/json' 'h:User-Agent=shrike-test/2.0')" ok \
	"20 alerts, one per request, with the auth header, content type and user agent"
is "$(head -n 1 "$T/hdr/000001.hdr")" "POST /alerts" "alerts are POSTed to the URL's path"
like "$(cat "$T/hdr.err")" "http_output: sent 20 failed 0 dropped 0" "core counters: 20 sent"
is "$(grep -c t0k3n "$T/hdr.err")" 0 "the auth token never appears in the log"
is "$(sed -n 's/^X-Sink-Peer-Port: //p' "$T"/hdr/*.hdr | sort -u | wc -l | tr -d ' ')" 1 \
	"keep_alive (default): the 20 requests share one connection"

conf text "http://127.0.0.1:$PORT/text" '' '' false
run text 1
is "$(sed -n 's/^Content-Type: //p' "$T/hdr/000021.hdr")" "text/plain" \
	"json_output: false sends the text line as text/plain (as Falco does)"
like "$(cat "$T/hdr/000021.body")" "^[0-9:.]+: [A-Z][a-z]+ Test alert 1 " "the body is the text line"
conf echo "http://127.0.0.1:$PORT/echo" '  echo: true
  keep_alive: false'
run echo 3
like "$(cat "$T/echo.err")" 'answer: HTTP 200 \{"ok":true\}' "echo: true logs the receiver's answers"
like "$(cat "$T/echo.err")" "http_output: sent 3 failed 0" "keep_alive: false delivers too"
is "$(grep -l "^POST /echo" "$T"/hdr/*.hdr | xargs sed -n 's/^X-Sink-Peer-Port: //p' | sort -u | wc -l | tr -d ' ')" 3 \
	"keep_alive: false: a new connection for each request"
is "$(grep -c "^POST /echo" "$T"/hdr/*.hdr | awk -F: '{ s += $2 } END { print s }')" 3 \
	"keep_alive: false: one request per alert"
# An http_output section copied from falco.yaml (its defaults) works as is.
conf falco "http://127.0.0.1:$PORT/falco" '  user_agent: "falcosecurity/falco"
  insecure: false
  ca_cert: ""
  ca_bundle: ""
  ca_path: "/etc/falco/certs/"
  mtls: false
  client_cert: "/etc/falco/certs/client/client.crt"
  client_key: "/etc/falco/certs/client/client.key"
  echo: false
  compress_uploads: false
  keep_alive: false'
run falco 2
is $? 0 "falco.yaml's http_output section is accepted as is"
like "$(cat "$T/falco.err")" "http_output: sent 2 failed 0" "... and delivers"
kill -TERM $SINK_PID
wait $SINK_PID

# ---- 500 then 200: retried, nothing lost --------------------------------------
start_sink r500 -f 3 -s 500
conf r500 "http://127.0.0.1:$PORT/"
run r500 20
is "$(statuses r500 | cut -d' ' -f1-4)" "500 500 500 200" "the first 3 answers are 500, then 200"
is "$(check "$T/r500" 20)" ok "500 then 200: all 20 alerts delivered once"
like "$(cat "$T/r500.err")" "http_output: sent 20 failed 0 dropped 0" "500 then 200: none failed"
like "$(cat "$T/r500.err")" "retrying in 100 ms" "500 then 200: the core backs off"
kill -TERM $SINK_PID
wait $SINK_PID

# ---- 429 with Retry-After -----------------------------------------------------
start_sink r429 -f 1 -s 429 -r 1
conf r429 "http://127.0.0.1:$PORT/"
run r429 3
is "$(check "$T/r429" 3)" ok "429: all 3 alerts delivered once"
is "$(python3 -c '
import sys
t = [int(l.split(": ")[1]) for f in sys.argv[1:] for l in open(f) if l.startswith("X-Sink-Time")]
print("ok" if t[1] - t[0] >= 950 else "retried after %d ms" % (t[1] - t[0]))' "$T"/r429/00000[12].hdr)" ok \
	"429 with Retry-After: 1 - the retry waits at least a second"
kill -TERM $SINK_PID
wait $SINK_PID

# ---- a receiver that does not answer in time: timeouts are retried -----------
start_sink slow -f 1 -s 503 -w 2000
conf slow "http://127.0.0.1:$PORT/" '  timeout_ms: 400'
run slow 3
is "$(check "$T/slow" 3)" ok "timeout: all 3 alerts delivered once"
like "$(cat "$T/slow.err")" "http_output: sent 3 failed 0 dropped 0" "timeout: none failed"
like "$(cat "$T/slow.err")" "will retry 1 failed request\(s\), last: Operation timed out" \
	"timeout: the request that timed out is retried, the reason logged"
kill -TERM $SINK_PID
wait $SINK_PID

# ---- 400: failed at once; 503 for good: retries run out ------------------------
start_sink r400 -f -1 -s 400
conf r400 "http://127.0.0.1:$PORT/"
run r400 5
is "$(ls "$T/r400"/*.hdr | wc -l | tr -d ' ')" 5 "400: one request per alert, no retry"
like "$(cat "$T/r400.err")" "http_output: sent 0 failed 5 dropped 0" "400: 5 alerts counted as failed"
like "$(cat "$T/r400.err")" "alert\(s\) refused: HTTP 400" "400: the log gives the status"
kill -TERM $SINK_PID
wait $SINK_PID

start_sink r503 -f -1 -s 503
conf r503 "http://127.0.0.1:$PORT/" '  max_retries: 2'
run r503 2
is "$(ls "$T/r503"/*.hdr | wc -l | tr -d ' ')" 6 "503 for good: 1 attempt + 2 retries per alert"
like "$(cat "$T/r503.err")" "http_output: sent 0 failed 2 dropped 0" "503 for good: both counted as failed"
like "$(cat "$T/r503.err")" "not delivered after 3 attempt\(s\), last: HTTP 503" \
	"503 for good: the log gives attempts and the status"
kill -TERM $SINK_PID
wait $SINK_PID

# ---- TLS and mTLS ----------------------------------------------------------------
cd "$T" || exit 1
cat >ext.cnf <<EOC
[srv]
subjectAltName = IP:127.0.0.1
basicConstraints = CA:FALSE
[cli]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
EOC
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=shrike-test-ca \
	-keyout ca.key -out ca.pem >/dev/null 2>&1 &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout srv.key -out srv.csr \
		>/dev/null 2>&1 &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
		-extfile ext.cnf -extensions srv -out srv.pem >/dev/null 2>&1 &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=shrike-client -keyout cli.key -out cli.csr \
		>/dev/null 2>&1 &&
	openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
		-extfile ext.cnf -extensions cli -out cli.pem >/dev/null 2>&1
is $? 0 "openssl makes a CA, a server and a client certificate"
cd - >/dev/null || exit 1

start_sink tls -c "$T/srv.pem" -k "$T/srv.key"
conf tls "https://127.0.0.1:$PORT/" "  ca_cert: $T/ca.pem"
run tls 10
is "$(check "$T/tls" 10)" ok "TLS with ca_cert: 10 alerts delivered"
mkdir "$T/capath" && cp "$T/ca.pem" "$T/capath/" && openssl rehash "$T/capath" 2>/dev/null
conf capath "https://127.0.0.1:$PORT/" "  ca_path: $T/capath"
run capath 2
like "$(cat "$T/capath.err")" "http_output: sent 2 failed 0" "TLS with ca_path (a hashed directory of CAs)"
conf notrust "https://127.0.0.1:$PORT/"
run notrust 2
like "$(cat "$T/notrust.err")" "http_output: sent 0 failed 2" \
	"TLS without the CA: the server is not trusted, alerts fail"
conf insecure "https://127.0.0.1:$PORT/" "  insecure: true"
run insecure 1
like "$(cat "$T/insecure.err")" "http_output: sent 1 failed 0" "insecure: true skips verification"
kill -TERM $SINK_PID
wait $SINK_PID

start_sink mtls -c "$T/srv.pem" -k "$T/srv.key" -C "$T/ca.pem"
conf mtls "https://127.0.0.1:$PORT/" "  ca_cert: $T/ca.pem
  mtls: true
  client_cert: $T/cli.pem
  client_key: $T/cli.key"
run mtls 10
is "$(check "$T/mtls" 10)" ok "mTLS: 10 alerts delivered with the client certificate"
conf nocert "https://127.0.0.1:$PORT/" "  ca_cert: $T/ca.pem"
run nocert 1
like "$(cat "$T/nocert.err")" "HTTP 403.*client certificate required" \
	"mTLS: without a client certificate the receiver answers 403, logged"
like "$(cat "$T/nocert.err")" "http_output: sent 0 failed 1" "mTLS: ... and counted as failed"
kill -TERM $SINK_PID
wait $SINK_PID

# ---- the receiver killed and restarted mid-stream ---------------------------------
start_sink live1
conf live "http://127.0.0.1:$PORT/" '  max_retries: 1000'
"$GEN" -c "$T/live.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 100 >/dev/null 2>"$T/live.err" &
gpid=$!
on_exit "kill -KILL $gpid 2>/dev/null"
wait_for 30 grep -q "^emitted 100\$" "$T/live.err"
wait_for 30 test -e "$T/live1/000100.hdr"
is $? 0 "restart: the first 100 alerts reach the receiver"
kill -KILL $SINK_PID
wait $SINK_PID 2>/dev/null
kill -USR1 $gpid # 100 more while nobody listens
wait_for 30 grep -q "^emitted 200\$" "$T/live.err"
sleep 1
like "$(cat "$T/live.err")" "retrying in" "restart: refused connections are retried"
start_sink live2 -p "$PORT"
kill -TERM $gpid
wait $gpid
is $? 0 "restart: alertgen exits 0"
mkdir "$T/live"
for f in "$T"/live1/* "$T"/live2/*; do
	b=$(basename "$f")
	case $f in */live2/*) b="2$b" ;; esac
	cp "$f" "$T/live/$b"
done
is "$(check "$T/live" 200)" ok "restart: all 200 alerts delivered once, none lost"
like "$(cat "$T/live.err")" "http_output: sent 200 failed 0 dropped 0" "restart: counters, none failed"
kill -TERM $SINK_PID
wait $SINK_PID

# ---- batches ----------------------------------------------------------------------
start_sink arr
conf arr "http://127.0.0.1:$PORT/" '  batch_size: 10
  batch_format: array'
run arr 95
is "$(check "$T/arr" 95 format=array sizes=10,10,10,10,10,10,10,10,10,5 \
	h:Content-Type=application/json)" ok \
	"batch_size 10, array: 95 alerts in 10 requests (the last 5 sent at shutdown)"
kill -TERM $SINK_PID
wait $SINK_PID

start_sink nd -f 2 -s 503
conf nd "http://127.0.0.1:$PORT/" '  batch_size: 25
  batch_format: ndjson
  batch_timeout_ms: 300'
"$GEN" -c "$T/nd.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 60 >/dev/null 2>"$T/nd.err" &
gpid=$!
on_exit "kill -KILL $gpid 2>/dev/null"
wait_for 30 grep -q "^emitted 60\$" "$T/nd.err"
wait_for 10 test -e "$T/nd/000005.hdr"
is $? 0 "ndjson: the partial batch goes out after batch_timeout_ms, before shutdown"
kill -TERM $gpid
wait $gpid
is "$(statuses nd)" "503 503 200 200 200" "ndjson: two 503 answers, retried"
is "$(check "$T/nd" 60 format=ndjson sizes=25,25,10 h:Content-Type=application/x-ndjson)" ok \
	"batch_size 25, ndjson: 60 alerts in 25+25+10, none lost to the 503s"
kill -TERM $SINK_PID
wait $SINK_PID

# A partial batch the receiver refuses at first: the timer thread retries it.
start_sink part -f 2 -s 503
conf part "http://127.0.0.1:$PORT/" '  batch_size: 50
  batch_timeout_ms: 200'
"$GEN" -c "$T/part.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 7 >/dev/null 2>"$T/part.err" &
gpid=$!
on_exit "kill -KILL $gpid 2>/dev/null"
wait_for 30 grep -q "^emitted 7\$" "$T/part.err"
wait_for 10 test -e "$T/part/000003.hdr"
is "$(statuses part)" "503 503 200" "partial batch: refused twice, retried by the timer before shutdown"
kill -TERM $gpid
wait $gpid
is "$(check "$T/part" 7 format=array sizes=7)" ok "partial batch: the 7 alerts delivered once"
like "$(cat "$T/part.err")" "7 alert\(s\) delivered, 0 failed, in 3 request\(s\)" \
	"partial batch: the plugin's totals at shutdown"
kill -TERM $SINK_PID
wait $SINK_PID

# ---- compress_uploads ----------------------------------------------------------------
start_sink gz
conf gz "http://127.0.0.1:$PORT/" '  compress_uploads: true'
run gz 10
is "$(check "$T/gz" 10 h:Content-Encoding=gzip)" ok \
	"compress_uploads: gzip bodies, decoded by the receiver into the 10 alerts"
is "$(statuses gz | tr ' ' '\n' | sort -u)" 200 "compress_uploads: every request accepted"
kill -TERM $SINK_PID
wait $SINK_PID

# ---- configuration errors -------------------------------------------------------------
conf bad "ftp://127.0.0.1/"
"$GEN" -c "$T/bad.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 1 >/dev/null 2>"$T/bad.err"
is $? 1 "a non-HTTP URL fails at start"
like "$(cat "$T/bad.err")" "bad.yaml:[0-9]+:[0-9]+: http_output: .*url: .* must start with http" \
	"the error names the file, position and key"
conf badmtls "https://127.0.0.1:1/" '  mtls: true'
"$GEN" -c "$T/badmtls.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 1 >/dev/null 2>"$T/badmtls.err"
like "$(cat "$T/badmtls.err")" "client_cert: mtls: true needs client_cert and client_key" \
	"mtls without a certificate is refused"
printf 'stdout_output:\n  enabled: false\nhttp_output:\n  enabled: true\n' >"$T/nourl.yaml"
"$GEN" -c "$T/nourl.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 1 >/dev/null 2>"$T/nourl.err"
like "$(cat "$T/nourl.err")" "http_output: .*url: a URL is required" "enabled without url is refused"
printf 'stdout_output:\n  enabled: false\nhttp_output:\n  enabled: false\n' >"$T/off.yaml"
"$SHRIKE" -c "$T/off.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" --dry-run >/dev/null 2>"$T/off.err"
is $? 0 "a disabled section needs no url (as in falco.yaml)"
tap_done
