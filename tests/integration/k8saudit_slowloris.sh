#!/bin/sh
# tests/integration/k8saudit_slowloris.sh - the webhook's connection limits
# and timeout against a slowloris client: 40 connections from 127.0.0.2
# that trickle a header line every 300 ms (never idle, never done). The
# per-address limit (8) refuses most of them at once; the ones accepted are
# cut at the timeout (2 s) although they keep sending; meanwhile a normal
# POST from 127.0.0.1 is answered 200 within a second, and so is one from
# 127.0.0.2 once the slow ones are cut.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/k8saudit_lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || tap_skip_all "python3 is not installed (scripts/install-deps.sh --test)"
"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.2", 0))' 2>/dev/null ||
	tap_skip_all "cannot use 127.0.0.2 as a source address here"

tap_plan 8

k8s_conf "$T/c.yaml" "http://0.0.0.0:0/k8s-audit" "timeout: 2s" "connection_limit: 64" \
	"connection_limit_per_address: 8"
k8s_start "$T/c.yaml" "$T/out" "$T/err" || { fail "daemon starts"; exit 1; }
K8S_URL=$(echo "$K8S_URL" | sed 's/0\.0\.0\.0/127.0.0.1/')
port=$(echo "$K8S_URL" | sed 's/.*:\([0-9]*\)\/.*/\1/')
sed -n '2p' "$K8S_FIX/audit.jsonl" >"$T/one.json"

# slow.py PORT N: N slowloris connections from 127.0.0.2; prints
# "refused R", then for each accepted one the seconds until the server
# closed it, "open" if it did not within 6 s.
cat >"$T/slow.py" <<'PY'
import select, socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks, refused = [], 0
t0 = time.monotonic()
for i in range(n):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.connect(("127.0.0.1", port))
    s.sendall(b"POST /k8s-audit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
    socks.append(s)
time.sleep(0.3)
live, closed = {}, {}
for s in socks:
    r, _, _ = select.select([s], [], [], 0)
    if r:
        refused += 1   # closed before any timeout: over the limit
        s.close()
    else:
        live[s] = t0
print("refused %d" % refused, flush=True)
open(sys.argv[3], "w").write("slow clients connected\n")
while live and time.monotonic() - t0 < 6:
    for s in list(live):
        try:
            s.sendall(b"X-Slow: 1\r\n")
            r, _, _ = select.select([s], [], [], 0)
            if r and not s.recv(4096):
                raise ConnectionError
        except (OSError, ConnectionError):
            closed[s] = time.monotonic() - t0
            del live[s]
            s.close()
    time.sleep(0.3)
for s, t in closed.items():
    print("%.1f" % t)
for s in live:
    print("open")
PY
"$PY" "$T/slow.py" "$port" 40 "$T/slow.ready" >"$T/slow.out" 2>"$T/slow.err" &
spid=$!
on_exit "kill $spid 2>/dev/null"
wait_for 10 test -s "$T/slow.ready"
sleep 0.5
code=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 1 \
	-H 'Content-Type: application/json' --data-binary @"$T/one.json" "$K8S_URL")
like "$code" "^200 0\." "while the slow clients hang, a normal POST gets 200 within a second ($code)"
wait $spid
refused=$(sed -n 's/^refused //p' "$T/slow.out")
is "$refused" 32 "the per-address limit (8) refuses the other 32 slow connections at once"
cut=$(grep -c '^[0-9]' "$T/slow.out")
is "$cut" 8 "the 8 accepted slow connections are all closed by the server"
is "$(grep -c '^open' "$T/slow.out")" 0 "none stays open although each keeps sending"
times=$(grep '^[0-9]' "$T/slow.out" | sort -n | sed -n '1p;$p' | tr '\n' ' ')
if grep '^[0-9]' "$T/slow.out" | awk '$1 < 1.7 || $1 > 3.5 {bad=1} END {exit bad}'; then
	pass "they are cut at the 2 s timeout (first and last: $times s)"
else
	fail "they are cut at the 2 s timeout" "$(cat "$T/slow.out")"
fi
like "$(cat "$T/err")" "webhook: closed [0-9]+ connection\(s\) whose request took longer than timeout \(2000 ms\)" \
	"the cut is logged"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 --interface 127.0.0.2 \
	-H 'Content-Type: application/json' --data-binary @"$T/one.json" "$K8S_URL")
is "$code" 200 "afterwards the slow clients' address is served again"
k8s_stop
is "$K8S_RC" 0 "the daemon stops cleanly"
tap_done
