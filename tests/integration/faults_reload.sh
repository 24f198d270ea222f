#!/bin/sh
# tests/integration/faults_reload.sh - 12 reloads under 5,000 events/s: the
# ticker test source gives numbered events (1 ms period, 5 per tick: 5,000/s
# when the host keeps up); the rules file is replaced (by rename) and SIGHUP
# sent 12 times, each taken before the next is sent, switching between two
# rules that both match every event; then SIGTERM, which delivers what is
# queued. In = out, exactly: the alerts in the file carry the event numbers
# 1..M, each once (M events read, each evaluated once, each alert written
# once), the rules switch 12 times at event boundaries, and the outputs'
# counters (one output set per configuration) add up to M sent, 0 failed,
# 0 dropped. Leaks: the ASan build runs this same test (LSan at exit).
# Prints the figures as a TAP comment.
. "$top_srcdir/tests/lib.sh"
tap_plan 7

[ -e "$SK_TEST_PLUGINS_DIR/ticker.so" ] || tap_skip_all "ticker test plugin not built"
RELOADS=12
cat > "$T/shrike.yaml" <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine:
  kind: none
plugins:
  - name: ticker
    library_path: ticker.so
    init_config: {period: 1ms, per_tick: 5}
load_plugins: [ticker]
rules_files: [$T/rules.yaml]
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $T/alerts
log_level: info
YAML
rules() {
	cat > "$T/rules.new" <<YAML
- rule: Every tick, version $1
  desc: matches every ticker event
  condition: ticker.num > 0
  output: v$1 %ticker.num
  priority: NOTICE
  source: ticker
YAML
	mv "$T/rules.new" "$T/rules.yaml"
}
rules 0

t0=$(date +%s%N)
"$SHRIKE" -c "$T/shrike.yaml" >"$T/out" 2>"$T/err" &
pid=$!
on_exit "kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null"

# reloaded K - the K-th SIGHUP was taken (SIGHUPs are awaited one by one:
# two pending ones would merge into one); reloads run on the loop thread, so
# the next one starts after it.
reloaded() { [ "$(grep -c 'SIGHUP: reloading the configuration' "$T/err")" -ge "$1" ]; }
alerts_at_least() { [ "$(wc -l < "$T/alerts" 2>/dev/null || echo 0)" -ge "$1" ]; }
wait_for 20 alerts_at_least 100
done_reloads=0
i=1
while [ "$i" -le "$RELOADS" ] && kill -0 $pid 2>/dev/null; do
	sleep 0.4
	rules "$i"
	kill -HUP $pid
	# and an event went through the new rules: the last reload may
	# otherwise end just before the stop (a slow ASan build), with no
	# event of its version to show
	wait_for 20 reloaded "$i" && wait_for 20 grep -q " v$i " "$T/alerts" && done_reloads=$i
	i=$((i + 1))
done
is "$done_reloads" "$RELOADS" "$RELOADS reloads done while events flowed"
kill -TERM $pid
if wait_for 60 sh -c "! kill -0 $pid 2>/dev/null"; then
	wait $pid
	is "$?" 0 "the daemon stops cleanly, its queues delivered"
else
	fail "the daemon stops cleanly, its queues delivered" "still running 60 s after SIGTERM"
fi
t1=$(date +%s%N)
secs=$(( (t1 - t0) / 1000000 ))

awk '{ for (i = 1; i < NF; i++) if ($i ~ /^v[0-9]+$/) print $(i + 1) }' "$T/alerts" > "$T/nums"
lines=$(wc -l < "$T/nums" | tr -d ' ')
uniq=$(sort -n "$T/nums" | uniq | wc -l | tr -d ' ')
N=$(sort -n "$T/nums" | tail -n 1)
range=$(sort -n "$T/nums" | awk 'NR == 1 { f = $1 } { l = $1 } END { print f "-" l }')
ok=0; [ "${N:-0}" -ge 1000 ] && ok=1
is "$ok" 1 "events flowed: ${N:-0} read"
is "$lines/$uniq/$range" "$N/$N/1-$N" "every event read gave one alert, exactly once (lines/distinct/range)"
versions=$(awk '{ for (i = 1; i < NF; i++) if ($i ~ /^v[0-9]+$/) print $i }' "$T/alerts" | uniq | wc -l | tr -d ' ')
is "$versions" "$((RELOADS + 1))" "the alerts switch rules $RELOADS times, each at one event boundary"
sums=$(awk '/output file_output: [0-9]+ alerts sent/ { s += $5; f += $8; d += $10 } END { print s + 0, f + 0, d + 0 }' "$T/err")
is "$sums" "$N 0 0" "the outputs' counters over every reload: $N sent, 0 failed, 0 dropped"
like "$(grep -c 'reloading the configuration' "$T/err")" "^(1[2-9]|[2-9][0-9])$" "every SIGHUP reloaded (a watch reload may add some)"
echo "# figures: events=$N alerts=$lines distinct=$uniq reloads=$done_reloads" \
	"rule_versions=$versions counters(sent failed dropped)=$sums duration_ms=$secs" \
	"rate=$((N * 1000 / (secs > 0 ? secs : 1)))/s (wall clock, start to stop)"
tap_done
