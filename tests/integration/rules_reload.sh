#!/bin/sh
# tests/integration/rules_reload.sh - SIGHUP reloads the rules while events
# keep flowing from the ticker test source (an event every 2 ms): a broken
# rules file is refused with its position logged and the old rules keep
# firing; a good one takes over at one event boundary, so that every event
# is matched exactly once, by the old rule up to some event and by the new
# one from the next event on. Rules files are replaced whole (written
# beside, then renamed), as an editor or a package does: watch_config_files
# is on by default, and a file truncated and not yet written again reads as
# an empty rules file if a reload comes in between (docs/faults-local.md).
. "$top_srcdir/tests/lib.sh"
tap_plan 11

[ -e "$SK_TEST_PLUGINS_DIR/ticker.so" ] || tap_skip_all "ticker test plugin not built"
cat > "$T/shrike.yaml" <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine:
  kind: none
plugins:
  - name: ticker
    library_path: ticker.so
    init_config: {period: 2ms}
load_plugins: [ticker]
rules_files: [$T/rules.yaml]
YAML
cat > "$T/rules.yaml" <<'YAML'
- rule: Every tick, first version
  desc: matches every ticker event
  condition: ticker.num > 0
  output: old %ticker.num
  priority: NOTICE
  source: ticker
YAML

"$SHRIKE" -c "$T/shrike.yaml" -U >"$T/out" 2>"$T/err" &
pid=$!
on_exit "kill $pid 2>/dev/null"

count() { _c=$(grep -c -- "$1" "$T/out" 2>/dev/null); echo "${_c:-0}"; }
at_least() { [ "$(count "$1")" -ge "$2" ]; }

if wait_for 10 at_least ': Notice old ' 20; then pass "the first rules fire while ticks flow"; else fail "the first rules fire while ticks flow" "$(tail -n 5 "$T/err")"; fi

# A broken file: the condition ends after an operator (line 3, column 25).
cat > "$T/rules.new" <<'YAML'
- rule: Every tick, broken
  desc: a syntax error
  condition: ticker.num >
  output: broken %ticker.num
  priority: NOTICE
  source: ticker
YAML
mv "$T/rules.new" "$T/rules.yaml"
kill -HUP $pid
if wait_for 10 grep -q 'reload failed, keeping the running configuration' "$T/err"; then
	pass "a broken rules file is refused"
else
	fail "a broken rules file is refused" "$(tail -n 5 "$T/err")"
fi
like "$(grep 'rules.yaml:' "$T/err")" "$T/rules.yaml:3:[0-9]+: syntax error" "the error names the file, line and column"
n=$(count ': Notice old ')
if wait_for 10 at_least ': Notice old ' $((n + 20)); then pass "the old rules keep firing after the refused reload"; else fail "the old rules keep firing after the refused reload"; fi
is "$(count 'broken')" 0 "nothing from the refused file fires"
kill -0 $pid 2>/dev/null && pass "the daemon keeps running" || fail "the daemon keeps running"

cat > "$T/rules.new" <<'YAML'
- list: all_names
  items: [alpha, beta, gamma, delta, epsilon, zeta, eta, theta]
- rule: Every tick, second version
  desc: matches every ticker event too
  condition: ticker.name in (all_names)
  output: new %ticker.num
  priority: WARNING
  source: ticker
YAML
mv "$T/rules.new" "$T/rules.yaml"
kill -HUP $pid
if wait_for 10 at_least ': Warning new ' 20; then pass "a good rules file switches the alerts"; else fail "a good rules file switches the alerts" "$(tail -n 5 "$T/err")"; fi
n=$(count ': Notice old ')
sleep 0.3
is "$(count ': Notice old ')" "$n" "the old rules stop firing after the switch"

kill -TERM $pid
wait $pid
is "$?" 0 "the daemon stops cleanly"

# Every event number appears once; old ones all come first, then new ones
# from the very next event.
awk '/ old | new / { print $3, $4 }' "$T/out" > "$T/seq"
first=$(head -n 1 "$T/seq" | cut -d' ' -f2)
last=$(tail -n 1 "$T/seq" | cut -d' ' -f2)
lines=$(wc -l < "$T/seq" | tr -d ' ')
uniq=$(cut -d' ' -f2 "$T/seq" | sort -n | uniq | wc -l | tr -d ' ')
is "$lines/$uniq" "$((last - first + 1))/$((last - first + 1))" "every event between the first and the last alert matched exactly once ($first..$last)"
# the sequence read in order: numbers increase by one, "old" turns into "new" once
verdict=$(awk 'NR > 1 && $2 != prev + 1 { bad = "gap or reorder at " $2 } NR > 1 && $1 != pk { switches++ } { prev = $2; pk = $1 } END { print (bad ? bad : "ok") " " switches + 0 }' "$T/seq")
is "$verdict" "ok 1" "old alerts up to one event, new alerts from the next one"
tap_done
