#!/bin/sh
# tests/integration/systemd_notify.sh - the daemon's sd_notify messages
# (core/notify.c), read from the unix datagram socket systemd would hold:
# READY=1 once the loop runs, WATCHDOG=1 at half of WATCHDOG_USEC,
# RELOADING=1 then READY=1 around a SIGHUP, STOPPING=1 at SIGTERM.
. "$top_srcdir/tests/lib.sh"
if ! grep -q '^#define HAVE_SYSTEMD 1' "$top_builddir/config.h"; then
	tap_skip_all "built without libsystemd (--with-systemd)"
fi
command -v python3 >/dev/null || tap_skip_all "python3 not installed"
tap_plan 8

sock="$T/notify.sock"
msgs="$T/notify.log"
# The receiver: one line per datagram, newlines inside turned into '|'.
python3 - "$sock" "$msgs" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        d = s.recv(4096).decode()
        f.write(d.replace("\n", "|") + "\n")
PY
rpid=$!
on_exit "kill $rpid 2>/dev/null"
wait_for 10 test -S "$sock"

cat > "$T/shrike.yaml" <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine: {kind: none}
stdout_output:
  enabled: false
YAML
# WATCHDOG_PID must be the daemon's own pid: the shell execs into it.
NOTIFY_SOCKET="$sock" WATCHDOG_USEC=2000000 \
	sh -c 'export WATCHDOG_PID=$$; exec "$0" -c "$1"' "$SHRIKE" "$T/shrike.yaml" 2>"$T/err.log" &
pid=$!
on_exit "kill -9 $pid 2>/dev/null"

wait_for 10 grep -q '^READY=1' "$msgs"
like "$(grep '^READY=1' "$msgs" | head -n 1)" '^READY=1\|STATUS=running: 0 source\(s\), engine none$' "READY=1 with a STATUS once the loop runs"
if grep -q 'running: 0 source' "$T/err.log"; then pass "READY=1 comes after the sources started"; else fail "READY=1 comes after the sources started" "$(cat "$T/err.log")"; fi

sleep 3
n=$(grep -c '^WATCHDOG=1$' "$msgs")
if [ "$n" -ge 2 ]; then pass "WATCHDOG=1 every second for a 2 s watchdog ($n in ~3 s)"; else fail "WATCHDOG=1 at least twice in ~3 s" "got $n: $(cat "$msgs")"; fi

nready=$(grep -c '^READY=1' "$msgs")
kill -HUP $pid
wait_for 10 sh -c "[ \$(grep -c '^READY=1' '$msgs') -gt $nready ]"
like "$(grep -v '^WATCHDOG' "$msgs" | tail -n 2 | head -n 1)" '^RELOADING=1\|MONOTONIC_USEC=[0-9]+$' "SIGHUP: RELOADING=1 with MONOTONIC_USEC"
like "$(grep -v '^WATCHDOG' "$msgs" | tail -n 1)" '^READY=1\|STATUS=configuration reloaded$' "then READY=1 after the reload"

kill -TERM $pid
wait $pid
rc=$?
is "$rc" 0 "SIGTERM: exit 0"
wait_for 5 grep -q '^STOPPING=1$' "$msgs"
like "$(grep -v '^WATCHDOG' "$msgs" | tail -n 1)" '^STOPPING=1$' "SIGTERM: STOPPING=1"

# Without NOTIFY_SOCKET nothing is sent and nothing breaks.
"$SHRIKE" -c "$T/shrike.yaml" 2>"$T/err2.log" &
p2=$!
on_exit "kill -9 $p2 2>/dev/null"
wait_for 10 grep -q 'running: 0 source' "$T/err2.log"
kill -TERM $p2
wait $p2
is "$?" 0 "without NOTIFY_SOCKET the daemon runs and stops as before"
tap_done
