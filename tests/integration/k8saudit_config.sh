#!/bin/sh
# tests/integration/k8saudit_config.sh - switching the audit source on and
# off: the shipped config declares k8saudit without loading it (its rules,
# listed under its entry, load only with it; rules of an absent source given
# with -r are skipped with a warning, not an error), --enable-source loads it,
# --disable-source drops it, -o plugins.k8saudit.open_params=... overrides
# the address; a rules file written the way Falco's audit rules are
# (required_plugin_versions k8saudit and json, jevt.value, string codes)
# loads without complaint and fires; the webhook serves https with a
# certificate and key.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/k8saudit_lib.sh"
tap_plan 18

ship="$top_builddir/shrike.yaml"
out=$("$SHRIKE" -c "$ship" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -r "$K8S_RULES" --dry-run 2>"$T/err"); rc=$?
is "$rc" 0 "the shipped config with the audit rules but no audit source starts"
like "$(cat "$T/err")" "[0-9]+ rule\(s\) of source 'k8s_audit' skipped, starting with 'Attach/Exec Pod'" "its audit rules are skipped with one info line"
out=$("$SHRIKE" -c "$ship" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -r "$K8S_RULES" --enable-source k8s_audit --dry-run 2>"$T/err"); rc=$?
is "$rc" 0 "--enable-source k8s_audit with the shipped config"
like "$(echo $out)" "k8saudit 0\.18\.0 \(source,extract\).*json 0\.7\.4 \(extract\).*k8saudit: http://0\.0\.0\.0:9765/k8s-audit.*rules: 15 loaded, 15 enabled" \
	"loads k8saudit and json, listens on Falco's port, enables the audit rules"
# The shipped config lists the audit rules under the k8saudit entry
# (rules_files there): without the audit source they are not loaded at all,
# so the default start has no warning about them; with it they are.
"$SHRIKE" -c "$ship" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -o 'rules_files=[]' \
	-o "plugins.k8saudit.rules_files=[$K8S_RULES]" -o engine.kind=none --dry-run >"$T/out" 2>"$T/err"; rc=$?
is "$rc:$(grep 'warning' "$T/err" | grep -vc 'no rules file could be loaded')" "0:0" \
	"no audit source: the audit rules are not loaded, no warning"
out=$("$SHRIKE" -c "$ship" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -o 'rules_files=[]' \
	-o "plugins.k8saudit.rules_files=[$K8S_RULES]" --enable-source k8s_audit --dry-run 2>"$T/err")
like "$(echo $out)" "rules files: $K8S_RULES rules: 15 loaded, 15 enabled" \
	"--enable-source k8s_audit adds the k8saudit entry's rules_files"
is "$(grep -c 'warning' "$T/err")" 0 "... without a warning"
out=$("$SHRIKE" -c "$ship" -o plugins_dir="$SK_TEST_PLUGINS_DIR" --enable-source k8s_audit \
	-o plugins.k8saudit.open_params=http://127.0.0.1:19765/audit --dry-run 2>/dev/null)
like "$out" "k8saudit: http://127\.0\.0\.1:19765/audit" "-o plugins.k8saudit.open_params overrides the address"
out=$("$SHRIKE" -c "$ship" -o plugins_dir="$SK_TEST_PLUGINS_DIR" --enable-source k8s_audit \
	--disable-source k8s_audit --disable-source syscall --dry-run 2>/dev/null)
like "$(echo $out)" "sources: \(none" "--disable-source k8s_audit wins over --enable-source"

"$SHRIKE" -c "$ship" -o plugins_dir="$SK_TEST_PLUGINS_DIR" --enable-source k8s_audti --dry-run \
	>/dev/null 2>"$T/err"; rc=$?
like "$rc:$(tail -n 1 "$T/err")" "^2:shrike: error: --enable-source k8s_audti: no plugin under plugins: produces that source$" \
	"an unknown source for --enable-source stops start-up"

# Replay (-e) on the shipped config: a capture can only hold the sources a
# loaded plugin produces or parses, so the audit rules are skipped with one
# info line, as at live start; with the k8saudit plugin loaded they load.
cap="$top_srcdir/tests/fixtures/capture/small.scap"
"$SHRIKE" -c "$ship" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -r "$K8S_RULES" -e "$cap" \
	>/dev/null 2>"$T/err"; rc=$?
like "$rc:$(grep -c "rule(s) of source 'k8s_audit' skipped" "$T/err"):$(grep -c 'error' "$T/err")" \
	"^0:1:0$" "replay on the shipped config with the audit rules: one info line, no error"
"$SHRIKE" -c "$ship" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -o 'load_plugins=[k8saudit,json]' \
	-r "$K8S_RULES" -e "$cap" >/dev/null 2>"$T/err"; rc=$?
like "$rc:$(grep -c "skipped" "$T/err"):$(sed -n 's/.*rules: \([0-9]*\) loaded, \([0-9]*\) enabled.*/\1=\2/p' "$T/err")" \
	"^0:0:([0-9]+)=\1$" "replay with the k8saudit plugin loaded compiles the audit rules"

# Falco-style rules file.
cat > "$T/falco_style.yaml" <<'YAML'
- required_engine_version: 15
- required_plugin_versions:
  - name: k8saudit
    version: 0.7.0
    alternatives:
      - name: k8saudit-eks
        version: 0.4.0
  - name: json
    version: 0.7.0
- macro: kevt
  condition: (jevt.value[/stage] in (ResponseComplete))
- macro: response_successful
  condition: (ka.response.code startswith 2)
- rule: Pod In Host Network
  desc: test
  condition: kevt and ka.target.resource=pods and ka.verb=create and ka.req.pod.host_network intersects (true) and response_successful
  output: hostnet pod (user=%ka.user.name pod=%ka.resp.name ns=%ka.target.namespace stage=%jevt.value[/stage] raw=%json.value[/objectRef/name])
  priority: WARNING
  source: k8s_audit
YAML
k8s_conf "$T/f.yaml" "$K8S_FIX/audit.jsonl"
"$SHRIKE" -c "$T/f.yaml" --enable-source k8s_audit -r "$T/falco_style.yaml" > "$T/fout" 2>"$T/ferr"; rc=$?
is "$rc" 0 "a Falco-style audit rules file runs"
if grep -q "required_plugin\|rules require plugin" "$T/ferr"; then fail "k8saudit and json satisfy required_plugin_versions" "$(cat "$T/ferr")"; else pass "k8saudit and json satisfy required_plugin_versions"; fi
like "$(cat "$T/fout")" '"output_fields":\{"evt.time":1715679004123460000,"jevt.value\[/stage\]":"ResponseComplete","json.value\[/objectRef/name\]":"hostnet-1","ka.resp.name":"hostnet-1","ka.target.namespace":"default","ka.user.name":"alice"\}' \
	"it fires with jevt.value and json.value in its output"

# https
command -v openssl >/dev/null 2>&1 || { fail "openssl installed"; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
	-subj /CN=127.0.0.1 >/dev/null 2>&1
k8s_conf "$T/s.yaml" "https://127.0.0.1:0/k8s-audit" "ssl_certificate: $T/cert.pem" "ssl_key: $T/key.pem"
k8s_start "$T/s.yaml" "$T/sout" "$T/serr" || { fail "https webhook starts"; exit 1; }
like "$K8S_URL" "^https://127\.0\.0\.1:[0-9]+/k8s-audit$" "the webhook listens with https"
is "$(k8s_post "$K8S_FIX/events.json" --cacert "$T/cert.pem")" 200 "a client that trusts the certificate posts over TLS"
k8s_wait_alerts "$T/sout" "$(wc -l < "$K8S_FIX/expected.txt")"
k8s_stop
is "$(k8s_alerts "$T/sout")" "$(cat "$K8S_FIX/expected.txt")" "events over TLS raise the same alerts"
tap_done
