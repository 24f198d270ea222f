#!/bin/sh
# tests/integration/k8saudit_file.sh - an audit log file (JSON lines, as
# the API server's log backend writes it) replayed by the k8saudit source
# gives the same alerts as the same events sent to the webhook, and the
# daemon stops at its end; bad lines are skipped with a message naming
# file and line.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/k8saudit_lib.sh"
tap_plan 8

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
tap_done
