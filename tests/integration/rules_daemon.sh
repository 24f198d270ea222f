#!/bin/sh
# tests/integration/rules_daemon.sh - the rule engine inside the real daemon:
# events from a source plugin meet the rules of their source, matches leave
# as Falco-shaped alerts; -L lists rules; -V validates files (exit 0/1 with
# positions); a broken rules file stops start-up with exit 2.
. "$top_srcdir/tests/lib.sh"
tap_plan 12

good="$top_builddir/tests/plugins/fixtures/.libs/good.so"
[ -e "$good" ] || tap_skip_all "fixture plugin $good not built"
cat > "$T/shrike.yaml" <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine:
  kind: none
json_output: true
plugins:
  - name: good
    library_path: $good
    init_config: {str: x}
YAML
cat > "$T/rules.yaml" <<'YAML'
- list: odd_flags
  items: [true]
- macro: is_odd
  condition: good.odd in (odd_flags)
- rule: Odd good event
  desc: fires for odd numbers above 2
  condition: is_odd and good.num > 2
  output: odd event num=%good.num odd=%good.odd
  priority: WARNING
  source: good
  tags: [test, numbers]
- rule: Never
  desc: disabled in the file
  condition: good.num = 1
  output: never %good.num
  priority: INFO
  source: good
  enabled: false
YAML

out=$("$SHRIKE" -c "$T/shrike.yaml" -r "$T/rules.yaml" 2>"$T/err"); rc=$?
is "$rc" 0 "the daemon runs the source to its end and exits 0"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2 "two events match (num 3 and 5)"
like "$(printf '%s\n' "$out" | head -n 1)" '^\{"hostname":"[^"]+","output":"[0-9:.]+: Warning odd event num=3 odd=true","output_fields":\{"evt\.time":[0-9]+,"good\.num":3,"good\.odd":true\},"priority":"Warning","rule":"Odd good event","source":"good","tags":\["numbers","test"\],"time":"[^"]+","uuid":"[0-9a-f-]{36}"\}$' "the alert has Falco's shape with typed output_fields"

out=$("$SHRIKE" -c "$T/shrike.yaml" -r "$T/rules.yaml" -L 2>/dev/null); rc=$?
is "$rc" 0 "-L exits 0"
like "$out" 'Odd good event +good +Warning +yes +test,numbers' "-L lists name, source, priority, enabled and tags"
like "$out" 'Never +good +Informational +no' "-L shows disabled rules"

out=$("$SHRIKE" -c "$T/shrike.yaml" -V "$T/rules.yaml" 2>&1); rc=$?
is "$rc" 0 "-V on a valid file exits 0"
like "$out" "rules\.yaml: Ok" "-V says the file is valid"

cat > "$T/bad.yaml" <<'YAML'
- rule: Typo
  desc: a misspelt field
  condition: good.nmu > 2
  output: x
  priority: WARNING
  source: good
YAML
out=$("$SHRIKE" -c "$T/shrike.yaml" -V "$T/bad.yaml" 2>&1); rc=$?
is "$rc" 1 "-V on a broken file exits 1"
like "$out" "bad\.yaml:3:[0-9]+: .*good\.nmu.*good\.num" "the error has file:line:col and a suggestion"

"$SHRIKE" -c "$T/shrike.yaml" -r "$T/bad.yaml" >/dev/null 2>"$T/err"; rc=$?
is "$rc" 2 "a broken rules file stops start-up with exit 2"
like "$(cat "$T/err")" "bad\.yaml:3:[0-9]+: " "and says where"
