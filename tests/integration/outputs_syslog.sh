#!/bin/sh
# tests/integration/outputs_syslog.sh - the syslog output against a real
# rsyslogd started by the test (its own config, sockets and files; nothing
# in /etc): N of N alerts over TCP (RFC 5424, octet counting), UDP
# (loopback, RFC 3164, text lines) and a unix socket (syslog(3)'s local
# form), read back from rsyslog's output file: severity from the alert's
# priority, facility, ident, host name, JSON intact, each alert once. The
# TCP collector is started only after the alerts were queued: they wait,
# are retried, and all arrive. Also: the bytes on the wire (octet counting,
# RFC 5424 header), a stream unix socket (NUL-terminated), long alerts (UDP
# truncation, whole over TCP), the daemon's own alerts, configuration
# errors, and a collector that goes away and comes back.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib_rsyslog.sh"
GEN="$top_builddir/tests/tools/alertgen"
[ -n "$RSYSLOGD" ] || tap_skip_all "rsyslogd is missing (scripts/install-deps.sh --test)"
tap_plan 20
N=200

# check.py INPUT PROGRAM FACILITY N MODE [HOSTNAME]: every alert 1..N once,
# severity = priority, facility, JSON (MODE json) or text lines (MODE text).
cat >"$T/check.py" <<'EOF'
import json, re, sys
out, inp, prog, fac, n, mode = sys.argv[1:7]
host = sys.argv[7] if len(sys.argv) > 7 else None
n = int(n)
sev = {"Emergency": "emerg", "Alert": "alert", "Critical": "crit", "Error": "err",
       "Warning": "warning", "Notice": "notice", "Informational": "info", "Debug": "debug"}
seen, problems = {}, []
for line in open(out, encoding="utf-8", errors="replace"):
    f = line.rstrip("\n").split("|", 6)
    if len(f) < 7 or f[3] != prog:
        continue
    i, facility, severity, _, procid, hostname, msg = f
    msg = msg[1:] if msg.startswith(" ") else msg
    if i != inp: problems.append("input %s" % i)
    if facility != fac: problems.append("facility %s" % facility)
    if not procid.isdigit(): problems.append("procid %r" % procid)
    if host and hostname != host: problems.append("hostname %r" % hostname)
    if mode == "json":
        try:
            a = json.loads(msg)
        except ValueError as e:
            problems.append("bad JSON (%s): %r" % (e, msg[:80])); continue
        seq, pri = a["output_fields"]["alert.seq"], a["priority"]
        if not re.fullmatch(r"[0-9a-f-]{36}", a.get("uuid", "")): problems.append("no uuid")
    else:
        m = re.match(r"\d\d:\d\d:\d\d\.\d{9}: (\w+) Test alert (\d+) \(", msg)
        if not m:
            problems.append("bad text line %r" % msg[:80]); continue
        pri, seq = m.group(1), int(m.group(2))
        if sev[pri] != ["emerg", "alert", "crit", "err", "warning", "notice", "info",
                        "debug"][seq % 8]:
            problems.append("alert %d has priority %s" % (seq, pri))
    if severity != sev[pri]: problems.append("severity %s for %s" % (severity, pri))
    seen[seq] = seen.get(seq, 0) + 1
missing = [s for s in range(1, n + 1) if s not in seen]
dups = [s for s, c in seen.items() if c > 1]
if missing: problems.append("missing %d, e.g. %s" % (len(missing), missing[:5]))
if dups: problems.append("duplicated %s" % dups[:5])
print("ok" if not problems else "; ".join(sorted(set(problems))[:6]))
EOF

gen() { # NAME [-o ...] -> runs alertgen in the background, pid in $gpid
	_name=$1; shift
	"$GEN" -c "$T/base.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -H testhost -n $N "$@" \
		>/dev/null 2>"$T/$_name.err" &
	gpid=$!
	on_exit "kill -KILL $gpid 2>/dev/null"
}
finish() { # NAME PROGRAM: SIGTERM after emitted, wait for N lines at rsyslog
	wait_for 20 grep -q "^emitted $N\$" "$T/$1.err"
	kill -TERM $gpid
	wait $gpid
	_rc=$?
	wait_for 20 sh -c "[ \$(awk -F'|' -v p='$2' '\$4 == p' '$RS_OUT' | wc -l) -ge $N ]"
	return $_rc
}
cat >"$T/base.yaml" <<EOC
json_output: true
json_include_uuid_property: true
stdout_output:
  enabled: false
syslog_output:
  enabled: true
EOC

rsyslog_pick_port
mkdir -p "$T/rs"
RS_OUT=$T/rs/out.log

# TCP, collector down at first: the alerts wait in the queue and are retried.
gen tcp -o syslog_output.address="tcp://127.0.0.1:$RS_PORT" -o syslog_output.ident=sk-tcp \
	-o syslog_output.facility=daemon -o syslog_output.hostname=override.example
wait_for 20 grep -q "^emitted $N\$" "$T/tcp.err"
sleep 0.5
like "$(cat "$T/tcp.err")" "\[plugin:syslog_output\] cannot connect to tcp://127\.0\.0\.1:$RS_PORT \(will retry\): Connection refused" \
	"tcp: a collector that is down is logged and retried"
if rsyslog_start "$T/rs"; then
	pass "rsyslogd started (udp/tcp 127.0.0.1:$RS_PORT, unix $RS_SOCK)"
else
	fail "rsyslogd started" "$(cat "$T/rs/rsyslogd.log")"
fi
on_exit "rsyslog_stop"
finish tcp sk-tcp
is $? 0 "tcp: alertgen exits 0 after delivering everything"
is "$(python3 "$T/check.py" "$RS_OUT" imtcp sk-tcp daemon $N json override.example)" ok \
	"tcp: $N of $N alerts once each, JSON intact, severity = priority, facility daemon, hostname override"
like "$(cat "$T/tcp.err")" "syslog_output: sent $N failed 0 dropped 0" "tcp: counters: $N sent"
like "$(cat "$T/tcp.err")" "connected to tcp://127\.0\.0\.1:$RS_PORT again" "tcp: reconnection is logged"

# UDP over loopback, RFC 3164, text lines, facility local3.
gen udp -o syslog_output.address="udp://127.0.0.1:$RS_PORT" -o syslog_output.ident=sk-udp \
	-o syslog_output.facility=local3 -o syslog_output.format=rfc3164 -o json_output=false
finish udp sk-udp
is $? 0 "udp: alertgen exits 0"
is "$(python3 "$T/check.py" "$RS_OUT" imudp sk-udp local3 $N text testhost)" ok \
	"udp: $N of $N alerts once each, RFC 3164 text lines, severity = priority, facility local3, host name"

# Unix socket (what syslog(3) would send to /dev/log), default facility user.
gen unix -o syslog_output.address="unix://$RS_SOCK"
finish unix shrike
is $? 0 "unix: alertgen exits 0"
is "$(python3 "$T/check.py" "$RS_OUT" imuxsock shrike user $N json)" ok \
	"unix: $N of $N alerts once each, JSON intact, default ident shrike and facility user"

# The header is the one we expect on the wire: capture what TCP sends.
python3 - "$T/wire" >"$T/port" <<'EOF' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept(); data = b""
while True:
    b = c.recv(65536)
    if not b: break
    data += b
open(sys.argv[1], "wb").write(data)
EOF
wpid=$!
wait_for 10 test -s "$T/port"
"$GEN" -c "$T/base.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -H wirehost -n 3 \
	-o syslog_output.address="tcp://127.0.0.1:$(cat "$T/port")" -o json_output=false \
	-o syslog_output.facility=local7 >/dev/null 2>"$T/wire.err" &
gpid=$!
wait_for 20 grep -q "^emitted 3\$" "$T/wire.err"
kill -TERM $gpid
wait $gpid
wait $wpid
first=$(python3 -c '
import sys
d = open(sys.argv[1], "rb").read().decode()
n, rest = d.split(" ", 1)
print(n, "|", rest[:int(n)].split(" Test alert")[0])' "$T/wire")
like "$first" '^[0-9]+ \| <185>1 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z wirehost shrike [0-9]+ - - [0-9:.]+: Alert$' \
	"wire: RFC 6587 octet count, then <185>1 TIME HOST shrike PID - - and the text line (local7, alert 1 = Alert)"
is "$(python3 -c '
import sys
d = open(sys.argv[1], "rb").read().decode(); n = 0
while d:
    l, d = d.split(" ", 1); d = d[int(l):]; n += 1
print(n)' "$T/wire")" 3 "wire: the octet counts frame exactly 3 messages"

# A stream unix socket (some daemons listen that way): like syslog(3), the
# output falls back to SOCK_STREAM and ends each message with a NUL.
cat >"$T/stream.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); data = b""
while True:
    b = c.recv(65536)
    if not b: break
    data += b
open(sys.argv[2], "wb").write(data)
EOF
python3 "$T/stream.py" "$T/stream.sock" "$T/stream.got" &
spid=$!
on_exit "kill -KILL $spid 2>/dev/null"
wait_for 10 test -S "$T/stream.sock"
"$GEN" -c "$T/base.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 3 -o json_output=false \
	-o syslog_output.address="unix://$T/stream.sock" >/dev/null 2>"$T/stream.err" &
gpid=$!
wait_for 20 grep -q "^emitted 3\$" "$T/stream.err"
kill -TERM $gpid
wait $gpid
wait $spid
cat >"$T/stream_check.py" <<'EOF'
import re, sys
d = open(sys.argv[1], "rb").read().decode()
parts = d.split("\0")
pat = r"<%d>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d shrike\[\d+\]: \d\d:\d\d:\d\d\.\d{9}: \w+ Test alert %d \(.*\)"
ok = len(parts) == 4 and parts[3] == "" and all(
    re.fullmatch(pat % (8 + i % 8, i), p) for i, p in zip((1, 2, 3), parts))
print("ok" if ok else repr(d[:300]))
EOF
is "$(python3 "$T/stream_check.py" "$T/stream.got")" ok \
	"stream unix socket: 3 messages in syslog(3)'s local form, each ended by a NUL"

# Long alerts (-m pads the message to 100000+ bytes): UDP truncates each to
# one datagram (65507 bytes) and says so once; TCP carries them whole.
cat >"$T/udp.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
sizes = [len(s.recv(70000)) for _ in range(2)]
open(sys.argv[1], "w").write(" ".join(map(str, sizes)))
EOF
python3 "$T/udp.py" "$T/udp.sizes" >"$T/udp.port" &
upid=$!
on_exit "kill -KILL $upid 2>/dev/null"
wait_for 10 test -s "$T/udp.port"
"$GEN" -c "$T/base.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 2 -m 100000 \
	-o syslog_output.address="udp://127.0.0.1:$(cat "$T/udp.port")" >/dev/null 2>"$T/long.err" &
gpid=$!
wait_for 20 grep -q "^emitted 2\$" "$T/long.err"
kill -TERM $gpid
wait $gpid
wait_for 10 test -s "$T/udp.sizes"
is "$(cat "$T/udp.sizes"):$(grep -c 'truncated to fit one UDP datagram' "$T/long.err")" "65507 65507:1" \
	"udp: 100 KB alerts are cut to one 65507-byte datagram each, logged once"
python3 - "$T/wire2" >"$T/port2" <<'EOF' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept(); data = b""
while True:
    b = c.recv(65536)
    if not b: break
    data += b
open(sys.argv[1], "wb").write(data)
EOF
wpid=$!
wait_for 10 test -s "$T/port2"
"$GEN" -c "$T/base.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 1 -m 100000 \
	-o syslog_output.address="tcp://127.0.0.1:$(cat "$T/port2")" >/dev/null 2>"$T/long2.err" &
gpid=$!
wait_for 20 grep -q "^emitted 1\$" "$T/long2.err"
kill -TERM $gpid
wait $gpid
wait $wpid
is "$(python3 -c '
import json, sys
d = open(sys.argv[1], "rb").read()
n, rest = d.split(b" ", 1)
msg = rest[rest.index(b"{"):]
a = json.loads(msg)
print(int(n) == len(rest), len(a["output"]) > 100000)' "$T/wire2")" "True True" \
	"tcp: a 100 KB alert arrives whole, framed by its octet count"

# Configuration errors, with the key.
"$GEN" -c "$T/base.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
	-o syslog_output.address=http://x >/dev/null 2>"$T/bad.err"
like "$(cat "$T/bad.err")" "syslog_output: .*address: expected \"\" \(local syslog\), unix:///path, udp://host:port or tcp://host:port, got 'http://x'" \
	"a bad address is refused with a message that lists the forms"
"$GEN" -c "$T/base.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
	-o syslog_output.facility=local9 >/dev/null 2>"$T/bad2.err"
like "$(cat "$T/bad2.err")" "syslog_output\.facility: expected one of .*local7.*got 'local9'" \
	"an unknown facility is refused, listing the valid ones"

# The daemon itself: its metrics snapshots (internal alerts, Informational)
# reach rsyslog through the syslog output.
cat >"$T/daemon.yaml" <<EOC
plugins_dir: $SK_TEST_PLUGINS_DIR
engine: {kind: none}
json_output: true
stdout_output:
  enabled: false
syslog_output:
  enabled: true
  address: unix://$RS_SOCK
  ident: sk-daemon
  facility: local5
metrics:
  enabled: true
  interval: 200ms
  output_rule: true
  log: false
EOC
"$SHRIKE" -c "$T/daemon.yaml" 2>"$T/daemon.err" &
dpid=$!
on_exit "kill -KILL $dpid 2>/dev/null"
wait_for 20 sh -c "[ \$(awk -F'|' '\$4 == \"sk-daemon\"' '$RS_OUT' | wc -l) -ge 2 ]"
kill -TERM $dpid
wait $dpid
like "$(awk -F'|' '$4 == "sk-daemon"' "$RS_OUT" | head -n 1)" \
	'^imuxsock\|local5\|info\|sk-daemon\|[0-9]+\|[^|]+\| ?\{.*"rule":"Shrike internal: metrics snapshot","source":"internal"' \
	"daemon: metrics snapshots arrive at rsyslog as local5.info JSON alerts"

# A collector that goes away: the unix socket disappears, alerts are
# retried, nothing is lost once it is back.
rsyslog_stop
gen gone -o syslog_output.address="unix://$RS_SOCK" -o syslog_output.ident=sk-gone
wait_for 20 grep -q "^emitted $N\$" "$T/gone.err"
sleep 0.3
like "$(cat "$T/gone.err")" "cannot (connect to|send to) unix://$RS_SOCK \(will retry\)" \
	"unix: a collector that is gone is logged and retried"
rsyslog_start "$T/rs"
finish gone sk-gone
is "$(python3 "$T/check.py" "$RS_OUT" imuxsock sk-gone user $N json)" ok \
	"unix: after the collector came back, $N of $N alerts arrived once each"
tap_done
