#!/bin/sh
# tests/integration/k8saudit_file.sh - an audit log file (JSON lines, as
# the API server's log backend writes it) replayed by the k8saudit source
# gives the same alerts as the same events sent to the webhook, and the
# daemon stops at its end; bad lines are skipped with a message naming
# file and line. Falco 0.18.0's camel-case fields (initContainers,
# ephemeralContainers, apiGroups, ...) work in conditions and outputs.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/k8saudit_lib.sh"
tap_plan 12

k8s_conf "$T/c.yaml" "$K8S_FIX/audit.jsonl"
"$SHRIKE" -c "$T/c.yaml" --enable-source k8s_audit -r "$K8S_RULES" > "$T/out" 2>"$T/err"; rc=$?
is "$rc" 0 "the daemon reads the audit log to its end and exits 0"
is "$(k8s_alerts "$T/out")" "$(cat "$K8S_FIX/expected.txt")" "the same alerts as through the webhook"
like "$(cat "$T/err")" "source 'k8saudit' reached its end" "the end of the file is logged"

# file:// form, with a broken line, a blank line and an event without
# stageTimestamp in the middle.
{ sed -n '1,3p' "$K8S_FIX/audit.jsonl"; echo '{"kind":"Event","verb":"get"'; echo;
  echo '{"kind":"Event","stage":"ResponseComplete"}'; sed -n '4,$p' "$K8S_FIX/audit.jsonl"; } > "$T/mixed.log"
k8s_conf "$T/m.yaml" "file://$T/mixed.log"
"$SHRIKE" -c "$T/m.yaml" --enable-source k8s_audit -r "$K8S_RULES" > "$T/mout" 2>"$T/merr"; rc=$?
is "$rc" 0 "file:// with bad lines still runs to the end"
grep -v '"source":"internal"' "$T/mout" > "$T/mout.k8s"
is "$(k8s_alerts "$T/mout.k8s")" "$(cat "$K8S_FIX/expected.txt")" "bad lines are skipped, every good event still alerts"
like "$(grep '"source":"internal"' "$T/mout")" '"n_drops":2,' "the two skipped events are counted as drops"
like "$(cat "$T/merr")" "mixed\.log:4: skipped: invalid JSON" "a broken line is reported with file and line"
like "$(cat "$T/merr")" "mixed\.log:6: skipped: event 0: no stageTimestamp" "an event without stageTimestamp is reported"

# falco018.json (one EventList, written on one line): a pod whose init
# container is privileged raises Create Privileged Pod with its images.
tr -d '\n' < "$K8S_FIX/falco018.json" > "$T/f018.log"; echo >> "$T/f018.log"
k8s_conf "$T/n.yaml" "$T/f018.log"
"$SHRIKE" -c "$T/n.yaml" --enable-source k8s_audit -r "$K8S_RULES" > "$T/nout" 2>"$T/nerr"; rc=$?
is "$rc" 0 "the init and ephemeral container events run through the shipped rules"
is "$(k8s_alerts "$T/nout" | grep Privileged)" \
	'Create Privileged Pod|Warning|k8s_audit|{"evt.time":1715760001200000000,"ka.req.pod.containers.image":["docker.io/library/nginx:1.25"],"ka.req.pod.initContainers.image":["registry.example.com:5000/tools/setup:v2","ghcr.io/acme/migrate@sha256:feedbeef"],"ka.resp.name":"init-1","ka.target.namespace":"default","ka.user.name":"alice"}' \
	"a privileged init container raises Create Privileged Pod, init images in the output"

# The new fields in a condition, with an index, and in outputs.
cat > "$T/camel.yaml" <<'YAML'
- required_plugin_versions:
  - name: k8saudit
    version: 0.18.0
- rule: Debug Container
  desc: test
  condition: ka.target.subresource = ephemeralcontainers and ka.req.pod.ephemeralContainers.add_capabilities intersects (SYS_PTRACE)
  output: debug (names=%ka.req.pod.ephemeralContainers.name image0=%ka.req.pod.ephemeralContainers.image[0] uid=%ka.req.pod.ephemeralContainers.eff_run_as_user)
  priority: NOTICE
  source: k8s_audit
- rule: Role Groups
  desc: test
  condition: ka.req.role.rules.apiGroups[1] contains batch
  output: groups (all=%ka.req.role.rules.apiGroups urls=%ka.req.role.rules.nonResourceURLs[2] ports=%ka.req.pod.initContainers.host_port)
  priority: NOTICE
  source: k8s_audit
- rule: OpenShift Login Denied
  desc: test
  condition: ka.auth.openshift.decision = deny
  output: denied (user=%ka.auth.openshift.username)
  priority: NOTICE
  source: k8s_audit
YAML
"$SHRIKE" -c "$T/n.yaml" --enable-source k8s_audit -r "$T/camel.yaml" > "$T/cout" 2>"$T/cerr"; rc=$?
is "$rc" 0 "rules with camel-case fields load and run"
is "$(sed -E 's/.*"output":"[^ ]* ([^"]*)",.*/\1/' "$T/cout")" \
'Notice debug (names=(debugger-x7k2p) image0=(busybox:1.36) uid=(0))
Notice groups (all=(,apps,batch) urls=(/metrics,/healthz/*) ports=<NA>)
Notice denied (user=developer)' "they extract the init, ephemeral, role and OpenShift values"
tap_done
