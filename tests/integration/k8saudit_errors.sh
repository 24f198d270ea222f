#!/bin/sh
# tests/integration/k8saudit_errors.sh - the webhook under bad requests:
# each gets its HTTP status (400 with the reason, 401, 404, 405, 413, 415,
# 503 when the queue to the engine is full) and a log line, and the daemon
# keeps serving through a fuzz run of random bytes, deep nesting, huge
# strings, truncated bodies and wrong types.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/k8saudit_lib.sh"
tap_plan 16

k8s_conf "$T/c.yaml" "http://127.0.0.1:0/k8s-audit" "max_body_bytes: 64k" "max_event_bytes: 16k" \
	"queue_events: 20"
k8s_start "$T/c.yaml" "$T/out" "$T/err" || { fail "daemon starts"; exit 1; }
pass "daemon starts"

post_text() { # BODY [CURL ARGS...] -> status
	_b=$1; shift
	printf '%s' "$_b" > "$T/body"
	k8s_post "$T/body" "$@"
}
is "$(post_text '{"kind":"EventList","items":[{"kind":"Event"')" 400 "a truncated body gets 400"
like "$(cat "$T/.resp")" "bad request: invalid JSON" "and the reason"
is "$(post_text '{"kind":"EventList","items":[{"kind":"Event","verb":"get"}]}')" 400 \
	"an event without stageTimestamp gets 400"
like "$(cat "$T/.resp")" "event 0: no stageTimestamp" "and the reason names the event"
is "$(post_text '{"kind":"EventList","items":{"a":1}}')" 400 "items that is not an array gets 400"
is "$(curl -s -o /dev/null -w '%{http_code}' "$K8S_URL")" 405 "GET gets 405"
is "$(post_text '{}' -X PUT)" 405 "PUT gets 405"
is "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data '[]' "${K8S_URL%/k8s-audit}/other")" 404 "another path gets 404"
is "$(curl -s -o /dev/null -w '%{http_code}' --data '[]' "$K8S_URL")" 415 "a form content type gets 415"
head -c 70000 /dev/zero | tr '\0' ' ' > "$T/big"
is "$(k8s_post "$T/big")" 413 "a body above max_body_bytes gets 413"
is "$(k8s_post "$T/big" -H 'Transfer-Encoding: chunked')" 413 "so does a chunked one (no Content-Length)"
# 21 events do not fit a queue of 20: 503, nothing half-queued.
{ printf '['; for i in $(seq 1 21); do [ "$i" -gt 1 ] && printf ','; sed -n '12p' "$K8S_FIX/audit.jsonl" | tr -d '\n'; done; printf ']'; } > "$T/many"
is "$(k8s_post "$T/many")" 503 "a request that does not fit the queue gets 503"

# Fuzz: the daemon must answer every request and stay up.
i=0; bad=0
while [ $i -lt 60 ]; do
	case $((i % 6)) in
	0) head -c $((i * 37 + 1)) /dev/urandom > "$T/f" ;;
	1) { printf '{"items":'; head -c 5000 /dev/zero | tr '\0' '['; } > "$T/f" ;;
	2) { printf '{"kind":"Event","stageTimestamp":"2024-05-14T09:30:00Z","x":"'; head -c 30000 /dev/zero | tr '\0' 'a'; printf '"}'; } > "$T/f" ;;
	3) head -c $((i * 53 % 900 + 1)) "$K8S_FIX/events.json" > "$T/f" ;;
	4) printf '[{"kind":"Event","stageTimestamp":%s,"user":7,"objectRef":[1],"requestObject":{"spec":{"containers":"x","volumes":[1,null,{"hostPath":3}]}}}]' \
		"$(echo '"2024-05-14T09:30:00Z" 12 null [] "yesterday" "2024-13-40T99:99:99Z"' | tr ' ' '\n' | sed -n "$((i % 6 + 1))p")" > "$T/f" ;;
	5) printf '[{"kind":"Event","stageTimestamp":"2024-05-14T09:30:00.5Z","verb":"create","objectRef":{"resource":"pods"},"requestObject":{"spec":{"containers":[{"securityContext":{"privileged":"yes","capabilities":{"add":7}},"image":5,"ports":[{"hostPort":{}}]},7,null],"volumes":"none"}},"stage":"ResponseComplete","requestURI":"/x?command=%%zz&command"}]' > "$T/f" ;;
	esac
	s=$(k8s_post "$T/f")
	case "$s" in 200|400|413) ;; *) bad=$((bad + 1)); echo "# fuzz case $i: status $s" ;; esac
	i=$((i + 1))
done
is "$bad" 0 "60 fuzz requests all get 200, 400 or 413"
is "$(k8s_post "$K8S_FIX/events.json")" 200 "the daemon still serves a valid EventList after all that"
like "$(cat "$T/err")" "webhook: 400 for 127\.0\.0\.1: bad request: invalid JSON at byte [0-9]+" "refusals are logged with status, client and reason"
k8s_stop
tap_done
