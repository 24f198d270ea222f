#!/bin/sh
# tests/integration/privs_files.sh - every file Shrike creates (the file
# output, metrics.output_file, --capture) is created with mode 0600 whatever
# the umask, and a symbolic link planted at its path is refused with an
# error naming the path, not followed: the link's target is untouched. At
# start, and at a SIGUSR1 reopen. Alerts come from the daemon's own metrics
# snapshots (engine none).
. "$top_srcdir/tests/lib.sh"
tap_plan 13
umask 022

conf() { # conf FILE ALERTS METRICS
	cat >"$1" <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine: {kind: none}
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $2
metrics:
  enabled: true
  interval: 200ms
  output_rule: true
  output_file: $3
  log: false
YAML
}
mode() { stat -c %a "$1"; }
echo "precious" >"$T/target"

# Created 0600 (umask 022 would give 0644).
conf "$T/a.yaml" "$T/alerts.json" "$T/metrics.json"
"$SHRIKE" -c "$T/a.yaml" --capture "$T/cap" 2>"$T/a.err" &
pid=$!
on_exit "kill -9 $pid 2>/dev/null"
wait_for 10 test -s "$T/alerts.json"
wait_for 10 test -s "$T/metrics.json"
is "$(mode "$T/alerts.json")" 600 "the file output creates its file 0600"
is "$(mode "$T/metrics.json")" 600 "metrics.output_file is created 0600"
is "$(mode "$T/cap")" 600 "the capture file is created 0600"

# SIGUSR1 with a symlink planted at the path: refused, not followed.
mv "$T/alerts.json" "$T/alerts.json.1"
ln -s "$T/target" "$T/alerts.json"
kill -USR1 $pid
wait_for 10 grep -q "cannot reopen $T/alerts.json" "$T/a.err"
like "$(grep "cannot reopen" "$T/a.err")" \
	"cannot reopen $T/alerts.json: it is a symbolic link, which Shrike does not follow" \
	"SIGUSR1: a symlink at the path is refused, with an error naming it"
sleep 0.5
is "$(cat "$T/target")" "precious" "SIGUSR1: the link's target is untouched"
rm "$T/alerts.json"
kill -USR1 $pid
if wait_for 10 test -s "$T/alerts.json"; then
	pass "with the link gone the next reopen writes the file again"
else
	fail "with the link gone the next reopen writes the file again" "$(tail -n 3 "$T/a.err")"
fi
kill -TERM $pid
wait $pid
is "$?" 0 "shrike stops cleanly"

# At start: the file output refuses a symlink and shrike does not start.
ln -s "$T/target" "$T/link-alerts"
conf "$T/b.yaml" "$T/link-alerts" "$T/metrics2.json"
"$SHRIKE" -c "$T/b.yaml" >/dev/null 2>"$T/b.err"
is "$?" 2 "a symlink as file_output.filename: shrike refuses to start (exit 2)"
like "$(cat "$T/b.err")" "cannot open $T/link-alerts: it is a symbolic link, which Shrike does not follow for files it writes: remove the link or name the real file" \
	"... and says which path and what to do"

# metrics.output_file: a symlink is refused (warned once), not followed.
ln -s "$T/target" "$T/link-metrics"
conf "$T/c.yaml" "$T/alerts3.json" "$T/link-metrics"
"$SHRIKE" -c "$T/c.yaml" 2>"$T/c.err" &
pid=$!
on_exit "kill -9 $pid 2>/dev/null"
wait_for 10 grep -q "metrics.output_file" "$T/c.err"
like "$(cat "$T/c.err")" "metrics.output_file $T/link-metrics: cannot append the snapshot: it is a symbolic link" \
	"metrics.output_file: a symlink is refused with a warning naming it"
kill -TERM $pid
wait $pid

# --capture: a symlink is refused and shrike does not start.
ln -s "$T/target" "$T/link-cap"
"$SHRIKE" -c "$T/a.yaml" --capture "$T/link-cap" >/dev/null 2>"$T/d.err"
is "$?" 1 "--capture to a symlink: shrike refuses to start"
like "$(cat "$T/d.err")" "$T/link-cap: cannot create capture file: it is a symbolic link" \
	"... with an error naming the path"
is "$(cat "$T/target")" "precious" "no symlink's target was written or truncated"
tap_done
