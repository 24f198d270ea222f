#!/bin/sh
# tests/integration/config_files.sh - config_files in the real daemon: a
# config.d directory whose files switch the alerts to JSON and add a rules
# file, what --dry-run says about the merged files, -o winning over them,
# errors naming the included file, and SIGHUP (or watch_config_files)
# picking up a file added to the directory while the daemon runs.
. "$top_srcdir/tests/lib.sh"
tap_plan 26

[ -e "$SK_TEST_PLUGINS_DIR/ticker.so" ] || tap_skip_all "ticker test plugin not built"

# main COUNT PERIOD - the main file: ticker events, text alerts, one rule
# file, and config.d plus a file that does not exist as includes
main() {
	cat <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine:
  kind: none
plugins:
  - name: ticker
    library_path: ticker.so
    init_config: {period: $2, count: $1}
load_plugins: [ticker]
json_output: false
rules_files: [$T/rules.yaml]
config_files:
  - $T/config.d
  - {path: $T/nowhere.yaml, strategy: override}
YAML
}
rule() { # NAME OUTPUT TICKER_NAME (the first matching rule wins, as in Falco)
	cat <<YAML
- rule: $1
  desc: every eighth tick
  condition: ticker.name = $3
  output: $2 %ticker.num
  priority: NOTICE
  source: ticker
YAML
}
main 80 0 > "$T/shrike.yaml"
main 0 2ms > "$T/endless.yaml"
rule "Tick from the main rules" main alpha > "$T/rules.yaml"
rule "Tick from config.d" dropin beta > "$T/extra.yaml"
rule "Tick added at reload" reloaded gamma > "$T/more.yaml"
mkdir "$T/config.d"
printf 'json_output: true\n' > "$T/config.d/10-json.yaml"
printf 'rules_files:\n  - %s\n' "$T/extra.yaml" > "$T/config.d/20-rules.yml"
printf 'json_output: [\n' > "$T/config.d/README"             # not YAML, not read
printf 'json_output: false\n' > "$T/config.d/10-json.yaml.dpkg-old" # not read

# --dry-run lists what was merged
"$SHRIKE" -c "$T/shrike.yaml" --dry-run >"$T/plan" 2>"$T/err"
is "$?" 0 "--dry-run accepts the merged configuration"
like "$(grep included: "$T/plan" | tr '\n' '|')" \
	"^  included: $T/config.d/10-json.yaml \\(append\\)\\|  included: $T/config.d/20-rules.yml \\(append\\)\\|\$" \
	"--dry-run lists the files of config.d in order, with their strategy"
like "$(cat "$T/plan")" "not found, skipped: $T/nowhere.yaml" "--dry-run names the entry that does not exist"

# run CONF [ARGS...] - the 80 ticks to the end; alerts in $T/out
run() {
	c=$1
	shift
	"$SHRIKE" -c "$c" "$@" >"$T/out" 2>"$T/err"
}
run "$T/shrike.yaml"
is "$?" 0 "the daemon runs the merged configuration"
is "$(grep -c '^{' "$T/out")" 20 "config.d's json_output applies: 20 JSON alerts (two rules, 80 ticks)"
is "$(grep -c '"rule":"Tick from config.d"' "$T/out")" 10 "config.d's rules_files is appended: its rule fires"
is "$(grep -c '"rule":"Tick from the main rules"' "$T/out")" 10 "the main file's rules still fire"
like "$(cat "$T/err")" "included $T/config.d/20-rules.yml \\(append\\)" "the log names the included files"

run "$T/shrike.yaml" -o json_output=false
is "$(grep -c '^{' "$T/out"):$(grep -c ': Notice dropin ' "$T/out")" "0:10" "-o wins over config.d"

# a wrong key in an included file: its name, line and column
printf '# local\nlog_levl: debug\n' > "$T/config.d/30-bad.yaml"
run "$T/shrike.yaml"
is "$?" 2 "an unknown key in an included file stops the start"
like "$(cat "$T/err")" "$T/config.d/30-bad.yaml:2:1: log_levl: unknown key \\(valid keys: " \
	"the error names the included file, line and column"
printf 'config_files: [/etc]\n' > "$T/config.d/30-bad.yaml"
run "$T/shrike.yaml"
like "$(cat "$T/err")" "$T/config.d/30-bad.yaml:1:1: config_files: not allowed in an included file" \
	"an included file cannot include more"
rm "$T/config.d/30-bad.yaml"

# SIGHUP reads config.d again: a file added there takes effect (the
# watcher is off here, so that only the signal can reload)
rm "$T/config.d/10-json.yaml"
"$SHRIKE" -c "$T/endless.yaml" -U -o watch_config_files=false >"$T/out" 2>"$T/err" &
pid=$!
on_exit "kill $pid 2>/dev/null"
count() { _c=$(grep -c -- "$1" "$T/out" 2>/dev/null); echo "${_c:-0}"; }
at_least() { [ "$(count "$1")" -ge "$2" ]; }
if wait_for 10 at_least ': Notice dropin ' 10; then pass "text alerts from config.d's rules flow"; else fail "text alerts from config.d's rules flow" "$(tail -n 5 "$T/err")"; fi

printf 'json_output: true\nrules_files: [%s]\n' "$T/more.yaml" > "$T/config.d/40-more.yaml"
kill -HUP $pid
if wait_for 10 at_least '"rule":"Tick added at reload"' 10; then
	pass "after SIGHUP the new file's rules fire, as JSON"
else
	fail "after SIGHUP the new file's rules fire, as JSON" "$(tail -n 5 "$T/err")"
fi

printf 'json_output: maybe\n' > "$T/config.d/50-broken.yaml"
kill -HUP $pid
if wait_for 10 grep -q 'reload failed, keeping the running configuration' "$T/err"; then
	pass "a broken file in config.d is refused at reload"
else
	fail "a broken file in config.d is refused at reload" "$(tail -n 5 "$T/err")"
fi
like "$(grep 'reload failed' "$T/err")" "$T/config.d/50-broken.yaml:1:14: json_output: expected a boolean" \
	"the refused reload names the included file, line and column"
n=$(count '"rule":"Tick added at reload"')
if wait_for 10 at_least '"rule":"Tick added at reload"' $((n + 10)); then pass "the running configuration keeps going"; else fail "the running configuration keeps going"; fi

kill -TERM $pid
wait $pid
is "$?" 0 "the daemon stops cleanly"
is "$(grep -c 'watch_config_files' "$T/err")" 0 "with watch_config_files off, only the signals reloaded"

# watch_config_files (the default): no signal needed
rm "$T/config.d/40-more.yaml" "$T/config.d/50-broken.yaml"
"$SHRIKE" -c "$T/endless.yaml" -U >"$T/out" 2>"$T/err" &
pid=$!
on_exit "kill $pid 2>/dev/null"
if wait_for 10 at_least ': Notice dropin ' 10; then pass "watching: text alerts flow"; else fail "watching: text alerts flow" "$(tail -n 5 "$T/err")"; fi
printf 'json_output: true\nrules_files: [%s]\n' "$T/more.yaml" > "$T/config.d/40-more.yaml"
if wait_for 10 at_least '"rule":"Tick added at reload"' 10; then
	pass "a file added to config.d is picked up without a signal"
else
	fail "a file added to config.d is picked up without a signal" "$(tail -n 5 "$T/err")"
fi
like "$(cat "$T/err")" "changed \(watch_config_files\)" "the log says why it reloaded"
# an editor's save: a new file renamed over the old one
printf 'json_output: false\nrules_files: [%s]\n' "$T/more.yaml" > "$T/config.d/.40-more.yaml.tmp"
mv "$T/config.d/.40-more.yaml.tmp" "$T/config.d/40-more.yaml"
if wait_for 10 at_least ': Notice reloaded ' 10; then
	pass "a changed file in config.d is picked up (text alerts again)"
else
	fail "a changed file in config.d is picked up (text alerts again)" "$(tail -n 5 "$T/err")"
fi
rule "Tick from the main rules, changed" mainchanged alpha > "$T/rules.yaml"
if wait_for 10 at_least ': Notice mainchanged ' 5; then
	pass "a changed rules file is picked up too"
else
	fail "a changed rules file is picked up too" "$(tail -n 5 "$T/err")"
fi
touch "$T/config.d/notes.txt" "$T/unrelated.yaml"
n=$(grep -c 'configuration and rules reloaded' "$T/err")
sleep 1
is "$(grep -c 'configuration and rules reloaded' "$T/err")" "$n" "other files do not cause a reload"
kill -TERM $pid
wait $pid
is "$?" 0 "the watching daemon stops cleanly"
tap_done
