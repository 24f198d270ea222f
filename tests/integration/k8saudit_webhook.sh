#!/bin/sh
# tests/integration/k8saudit_webhook.sh - Kubernetes audit events POSTed to
# the running daemon over loopback (an audit.k8s.io/v1 EventList, a bare
# array, one Event) meet the audit rules and leave as exactly the expected
# Falco-shaped alerts; the same events recorded with --capture and replayed
# with -e give the same alerts; --list k8s_audit lists the fields; a bearer
# token is enforced when configured.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/k8saudit_lib.sh"
tap_plan 17

k8s_conf "$T/c.yaml" "http://127.0.0.1:0/k8s-audit"
n=$(wc -l < "$K8S_FIX/expected.txt" | tr -d ' ')

k8s_start "$T/c.yaml" "$T/out" "$T/err" --capture "$T/cap.scap" || { fail "daemon starts"; exit 1; }
pass "daemon starts with --enable-source k8s_audit --disable-source syscall and listens"
is "$(k8s_post "$K8S_FIX/events.json")" 200 "an EventList is accepted with 200"
like "$(cat "$T/.resp")" "accepted 17 event" "the answer counts the events"
k8s_wait_alerts "$T/out" "$n"
is "$(k8s_alerts "$T/out")" "$(cat "$K8S_FIX/expected.txt")" \
	"exactly the expected alerts: rule, priority, source, typed output_fields"
like "$(head -n 1 "$T/out")" '^\{"hostname":"[^"]+","output":"[0-9:.]+: Notice Attach/Exec to pod \(user=alice pod=web-1 ns=default action=exec command=sh\)",' \
	"the text output names user, pod, action and command"

# A bare array of events and a single Event.
sed -n '2p' "$K8S_FIX/audit.jsonl" > "$T/one.json"
printf '[%s,%s]' "$(sed -n '8p' "$K8S_FIX/audit.jsonl")" "$(sed -n '11p' "$K8S_FIX/audit.jsonl")" > "$T/arr.json"
: > "$T/out.mark"; before=$(wc -l < "$T/out")
is "$(k8s_post "$T/one.json")" 200 "a single Event is accepted"
is "$(k8s_post "$T/arr.json")" 200 "a bare array of events is accepted"
k8s_wait_alerts "$T/out" $((before + 3))
is "$(tail -n 3 "$T/out" | k8s_alerts /dev/stdin | cut -d'|' -f1)" "Create Privileged Pod
Attach to cluster-admin Role
K8s Namespace Deleted by Unexpected User" "they raise their alerts in order"
k8s_stop
is "$K8S_RC" 0 "SIGTERM stops the daemon with status 0"

# Replay the capture: same alerts, from the record alone.
k8s_conf "$T/r.yaml" "http://127.0.0.1:0/unused"
sed -i 's/^load_plugins: \[\]/load_plugins: [k8saudit, json]/' "$T/r.yaml"
"$SHRIKE" -c "$T/r.yaml" -r "$K8S_RULES" -e "$T/cap.scap" > "$T/replay" 2>"$T/rerr"; rc=$?
is "$rc" 0 "shrike -e replays the capture to its end"
is "$(k8s_alerts "$T/replay")" "$(k8s_alerts "$T/out")" "the replayed capture gives the same alerts"
if grep -q "webhook listening" "$T/rerr"; then fail "a replay opens no webhook"; else pass "a replay opens no webhook"; fi

# --list k8s_audit
"$SHRIKE" -c "$T/r.yaml" --list k8s_audit > "$T/list" 2>/dev/null
like "$(cat "$T/list")" 'ka\.req\.pod\.containers\.privileged +\(Type: string list\)' "--list shows the list fields"
like "$(cat "$T/list")" 'jevt\.value +\(Type: string\)' "--list shows jevt.value"
is "$(grep -cE '^ka\.req\.pod\.(initContainers\.[a-z_.]+ +\(Type: string list\)|ephemeralContainers\.[a-z_.]+ +\(Type: string list\))' "$T/list")" 29 \
	"--list shows Falco 0.18.0's 15 initContainers and 14 ephemeralContainers fields"
like "$(cat "$T/list")" 'json\.value' "--list shows the json plugin's fields for k8s_audit"

# Bearer token.
k8s_conf "$T/t.yaml" "http://127.0.0.1:0/k8s-audit" "webhook_token: s3cret-t0ken"
k8s_start "$T/t.yaml" "$T/tout" "$T/terr" || { fail "daemon with a token starts"; exit 1; }
a=$(k8s_post "$K8S_FIX/events.json"); b=$(k8s_post "$K8S_FIX/events.json" -H 'Authorization: Bearer nope')
c=$(k8s_post "$K8S_FIX/events.json" -H 'Authorization: Bearer s3cret-t0ken')
is "$a $b $c" "401 401 200" "no token and a wrong token get 401, the right one 200"
k8s_stop >/dev/null
tap_done
