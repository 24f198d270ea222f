#!/bin/sh
# tests/plugins/abi/daemon_test.sh - the plugin built against the frozen ABI
# 1.0 headers (tests/plugins/abi/v1_0.c) runs in today's daemon as a source,
# an extractor and a parser: its three events reach the rules, its fields
# render, and the parse() failure it reports for event 2 is counted and
# logged with its last_error() text while the event is still evaluated; the
# field whose extract() fails renders as <NA> and its reason is logged.
. "$top_srcdir/tests/lib.sh"

so="$top_builddir/tests/plugins/fixtures/.libs/abi_v1_0.so"
[ -e "$so" ] || fail "the ABI 1.0 fixture is built" "$so is missing"
mkdir -p "$T/pd"
ln -s "$so" "$T/pd/abi10.so"
ln -s "$SK_TEST_PLUGINS_DIR/stdout.so" "$T/pd/stdout.so"
cat >"$T/rules.yaml" <<'YAML'
- rule: ABI 1.0 event
  desc: every event of the frozen-ABI fixture
  condition: abi10.num > 0
  output: num=%abi10.num tag=%abi10.tag broken=%abi10.broken
  priority: NOTICE
  source: abi10
YAML
cat >"$T/shrike.yaml" <<YAML
plugins_dir: $T/pd
engine:
  kind: none
plugins:
  - name: abi10
    library_path: abi10.so
    init_config: {tag: old-plugin}
load_plugins: [abi10]
rules_files: [$T/rules.yaml]
json_output: false
stdout_output:
  enabled: true
YAML
"$SHRIKE" -c "$T/shrike.yaml" >"$T/out" 2>"$T/err"
is "$?" 0 "the daemon runs the ABI 1.0 plugin to its end"
is "$(sed -n 's/.*Notice //p' "$T/out" | tr '\n' ' ')" \
	"num=1 tag=old-plugin broken=<NA> num=2 tag=old-plugin broken=<NA> num=3 tag=old-plugin broken=<NA> " \
	"its three events are evaluated and its fields rendered, event 2 too"
like "$(cat "$T/err")" "plugin 'abi10' could not parse event 2 \(abi10\): event 2 is refused; 1 parse error\(s\) so far" \
	"the parse() failure is logged with the plugin's last_error()"
like "$(cat "$T/err")" "plugin 'abi10' could not extract abi10.broken: field 2 never has a value; 1 extraction error\(s\) so far" \
	"an extract() failure is logged with the plugin's last_error()"
is "$(grep -c 'could not extract' "$T/err")" 1 "and at most once every 10 s"

tap_plan "$_tap_n"
tap_done
