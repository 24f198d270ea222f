#!/bin/sh
# tests/integration/rules_config.sh - what the configuration does to rules
# in the real daemon, on a finite stream of ticker events: the `rules:`
# section (disable by wildcard, then enable by tag, in order), the
# `priority:` minimum, `append_output` (extra text and output_fields),
# `skip-if-unknown-filter`, and a rule for a source nobody loads.
. "$top_srcdir/tests/lib.sh"
tap_plan 17

[ -e "$SK_TEST_PLUGINS_DIR/ticker.so" ] || tap_skip_all "ticker test plugin not built"
# conf EXTRA... - a configuration: 40 ticker events as fast as possible,
# then the extra lines
conf() {
	cat <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine:
  kind: none
plugins:
  - name: ticker
    library_path: ticker.so
    init_config: {period: 0, count: 40}
load_plugins: [ticker]
rules_files: [$T/rules.yaml]
YAML
	for l in "$@"; do printf '%s\n' "$l"; done
}
cat > "$T/rules.yaml" <<'YAML'
- rule: Tick alpha
  desc: names
  condition: ticker.name = alpha
  output: alpha %ticker.num
  priority: INFO
  source: ticker
  tags: [greek, first]
- rule: Tick beta
  desc: names
  condition: ticker.name = beta
  output: beta %ticker.num
  priority: ERROR
  source: ticker
  tags: [greek]
- rule: Tick multiple of five
  desc: numbers
  condition: ticker.num in (5, 10, 15, 20, 25, 30, 35, 40)
  output: five %ticker.num
  priority: WARNING
  source: ticker
  tags: [numbers]
- rule: Tick gamma, off in the file
  desc: names, disabled here
  condition: ticker.name = gamma
  output: gamma %ticker.num
  priority: WARNING
  source: ticker
  enabled: false
  tags: [numbers]
YAML
# run CONF - run to the end of the stream; alert messages (sorted) in $out
run() {
	out=$("$SHRIKE" -c "$1" 2>"$T/err" | sed 's/^[0-9:.]*: //' | sort); rc=$?
}

conf > "$T/all.yaml"
run "$T/all.yaml"
# the first matching rule wins (Falco's default): 40 is alpha, 25 is beta
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 16 "without selection: alpha 5 + beta 5 + five 6 alerts"

conf 'rules:' '  - disable:' '      rule: "Tick *"' '  - enable:' '      tag: numbers' > "$T/sel.yaml"
list=$("$SHRIKE" -c "$T/sel.yaml" -L 2>/dev/null)
like "$list" 'Tick alpha +ticker +Informational +no ' "-L: a wildcard disables alpha"
like "$list" 'Tick beta +ticker +Error +no ' "-L: and beta"
like "$list" 'Tick gamma, off in the file +ticker +Warning +yes ' "-L: enabling a tag turns on a rule disabled in the file"
run "$T/sel.yaml"
is "$(printf '%s\n' "$out" | sed 's/ [0-9]*$//' | sort -u | tr '\n' ' ')" "Warning five Warning gamma " "rules: disable by wildcard, then enable by tag, in order"

conf 'rules:' '  - disable:' '      tag: nosuch' > "$T/nomatch.yaml"
"$SHRIKE" -c "$T/nomatch.yaml" -L >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "warning: .*nomatch\.yaml:[0-9]+:[0-9]+: .*nosuch" "a selector that matches no rule is a warning with its position"

conf 'priority: warning' > "$T/pri.yaml"
run "$T/pri.yaml"
is "$(printf '%s\n' "$out" | grep -c alpha)" 0 "priority: warning drops the INFO rule"
is "$(printf '%s\n' "$out" | grep -c -e '^Error beta' -e '^Warning five')" 12 "and keeps ERROR and WARNING rules"

conf 'json_output: true' 'append_output:' '  - match:' '      source: ticker' '      rule: Tick beta' \
	'    extra_output: "at %ticker.path"' '    extra_fields:' '      - ticker.port' '      - team: blue' > "$T/app.yaml"
"$SHRIKE" -c "$T/app.yaml" 2>"$T/err" > "$T/app.json"
beta=$(grep '"rule":"Tick beta"' "$T/app.json" | head -n 1)
like "$beta" '"output":"[0-9:.]+: Error beta 1 at /tick/beta/1"' "append_output adds its text to the matching rule's output"
like "$beta" '"output_fields":\{[^}]*"team":"blue"' "a fixed extra field goes to output_fields"
like "$beta" '"output_fields":\{[^}]*"ticker\.port":1001' "an extra field is extracted into output_fields"
like "$(grep '"rule":"Tick alpha"' "$T/app.json" | head -n 1)" '"output":"[0-9:.]+: Informational alpha [0-9]+"' "other rules are left alone"

cat > "$T/skip.yaml" <<'YAML'
- rule: Needs a field nobody provides
  desc: skipped
  condition: ticker.num > 0 and ticker.colour = red
  output: colour %ticker.num
  priority: WARNING
  source: ticker
  skip-if-unknown-filter: true
- rule: For a source that is not loaded
  desc: skipped with a warning
  condition: ct.name = CreateUser
  output: cloudtrail %ct.name
  priority: WARNING
  source: aws_cloudtrail
- rule: Still here
  desc: fires
  condition: ticker.num = 7
  output: seven %ticker.num
  priority: WARNING
  source: ticker
YAML
sed "s|$T/rules.yaml|$T/skip.yaml|" "$T/all.yaml" > "$T/skipconf.yaml"
run "$T/skipconf.yaml"
is "$rc/$out" "0/Warning seven 7" "skipped rules leave the others running"
like "$(cat "$T/err")" "warning: $T/skip\.yaml:3:[0-9]+: rule 'Needs a field nobody provides' skipped: unknown field 'ticker\.colour'" "skip-if-unknown-filter: a warning with the position"
like "$(cat "$T/err")" "info: $T/skip\.yaml:8:3: 1 rule\(s\) of source 'aws_cloudtrail' skipped, starting with 'For a source that is not loaded'" "a rule for a source not loaded: one info line with the position"

sed '/skip-if-unknown-filter/d' "$T/skip.yaml" > "$T/noskip.yaml"
sed "s|$T/rules.yaml|$T/noskip.yaml|" "$T/all.yaml" > "$T/noskipconf.yaml"
"$SHRIKE" -c "$T/noskipconf.yaml" >/dev/null 2>"$T/err"
is "$?" 2 "without skip-if-unknown-filter an unknown field stops start-up (exit 2)"
like "$(cat "$T/err")" "error: $T/noskip\.yaml:3:[0-9]+: unknown field 'ticker\.colour'" "and the error has the position"
tap_done
