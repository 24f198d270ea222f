#!/bin/sh
# tests/integration/daemon_signals.sh - the real daemon under signals:
# SIGTERM stops cleanly, SIGHUP reloads (and refuses a broken config while
# the old one keeps running), SIGUSR1 reopens the file output. Alerts come
# from the daemon's own metrics snapshots (source "internal").
. "$top_srcdir/tests/lib.sh"
tap_plan 11

cat > "$T/shrike.yaml" <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine: {kind: none}
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $T/alerts.json
metrics:
  enabled: true
  interval: 200ms
  output_rule: true
  log: false
YAML
"$SHRIKE" -c "$T/shrike.yaml" 2>"$T/err.log" &
pid=$!
on_exit "kill -9 $pid 2>/dev/null"

wait_for 10 test -s "$T/alerts.json"
line=$(head -n 1 "$T/alerts.json")
like "$line" '^\{"hostname":"[^"]+","output":"[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: Informational Metrics snapshot' "metrics alert in Falco's JSON shape"
like "$line" '"rule":"Shrike internal: metrics snapshot","source":"internal"' "internal alerts use source internal"
like "$line" '"time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z"' "time is RFC 3339 with nanoseconds"

# SIGUSR1: reopen after a logrotate-style rename.
mv "$T/alerts.json" "$T/alerts.json.1"
kill -USR1 $pid
if wait_for 10 test -s "$T/alerts.json"; then pass "SIGUSR1 reopened the file output"; else fail "SIGUSR1 reopened the file output" "$(cat "$T/err.log")"; fi

# SIGHUP with a broken config: refused, old config keeps running.
cp "$T/shrike.yaml" "$T/good.yaml"
printf 'json_output: [\n' >> "$T/shrike.yaml"
kill -HUP $pid
wait_for 10 grep -q "reload failed, keeping the running configuration" "$T/err.log"
like "$(cat "$T/err.log")" "reload failed, keeping the running configuration: .*shrike\.yaml:[0-9]+:[0-9]+" "a broken reload is refused with its position"
n1=$(wc -l < "$T/alerts.json")
sleep 1
n2=$(wc -l < "$T/alerts.json")
if [ "$n2" -gt "$n1" ] && kill -0 $pid; then pass "the daemon keeps running on the old config"; else fail "the daemon keeps running on the old config"; fi

# SIGHUP with a good config that switches to text output.
sed 's/^json_output: true/json_output: false/' "$T/good.yaml" > "$T/shrike.yaml"
kill -HUP $pid
wait_for 10 grep -q "configuration and rules reloaded" "$T/err.log"
like "$(cat "$T/err.log")" "configuration and rules reloaded" "a good reload is applied"
wait_for 10 sh -c "tail -n 1 '$T/alerts.json' | grep -q '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{9\}: Informational Metrics snapshot'"
like "$(tail -n 1 "$T/alerts.json")" '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: Informational Metrics snapshot' "after reload alerts are text lines"

# SIGTERM: clean exit 0.
kill -TERM $pid
wait $pid; rc=$?
is "$rc" 0 "SIGTERM exits 0"
like "$(cat "$T/err.log")" "SIGTERM: stopping" "SIGTERM is logged"
if grep -q "sent" "$T/err.log"; then pass "output counters are logged at shutdown"; else fail "output counters are logged at shutdown" "$(tail -n 5 "$T/err.log")"; fi
