#!/bin/sh
# bench/k8saudit.sh - figures for the Kubernetes audit source; never passes
# or fails.
#
#   make check            # builds shrike and the k8saudit and json plugins
#   bench/k8saudit.sh [BUILDDIR] [REQUESTS] [EVENTS_PER_REQUEST] [CLIENTS] [MIX]
#
# MIX: `alerts` (default; the fixture events, most of them raise an alert)
# or `quiet` (only the kubelet's routine get, which raises none: the cost
# of the source and the rules without alert formatting).
#
# 1. Webhook: REQUESTS EventList bodies of EVENTS_PER_REQUEST real-shaped
#    audit events (tests/fixtures/k8saudit, 15 of every 17 events raise an
#    alert under rules/k8s_audit_rules.yaml) POSTed over loopback by CLIENTS
#    parallel connections; the clock stops when the last alert reached the
#    file output. Prints requests/s and events/s accepted by the webhook,
#    events/s through webhook + engine + file output, and drops (503s).
# 2. File mode: the same number of events as one JSON-lines audit log read
#    by the source to its end, alerts to a file: events/s.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
b=$(cd "${1:-.}" && pwd)
REQ=${2:-400}
PER=${3:-500}
CLIENTS=${4:-4}
MIX=${5:-alerts}
top_srcdir=$src
. "$src/tests/lib.sh"
SHRIKE="$b/shrike"
P="$b/tests/plugins.d"
[ -x "$SHRIKE" ] && [ -e "$P/k8saudit.so" ] && command -v curl >/dev/null || {
	echo "bench/k8saudit.sh: build first (make check) in $b, and install curl" >&2
	exit 2
}
FIX="$src/tests/fixtures/k8saudit"
RULES="$src/rules/k8s_audit_rules.yaml"
ns() { date +%s%N; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }

# One body of PER events: the fixture events over and over; all of them
# alert except the kubelet's get and the health check (lines 12 and 13).
nfix=$(wc -l < "$FIX/audit.jsonl")
alerts_per_body=0
{
	printf '{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":['
	i=0
	while [ $i -lt "$PER" ]; do
		[ $i -gt 0 ] && printf ','
		if [ "$MIX" = quiet ]; then line=12; else line=$((i % nfix + 1)); fi
		sed -n "${line}p" "$FIX/audit.jsonl" | tr -d '\n'
		i=$((i + 1))
	done
	printf ']}'
} > "$T/body.json"
i=0
while [ $i -lt "$PER" ]; do
	[ "$MIX" = quiet ] && break
	case $((i % nfix + 1)) in 12|13) ;; *) alerts_per_body=$((alerts_per_body + 1)) ;; esac
	i=$((i + 1))
done
total_events=$((REQ * PER))
total_alerts=$((REQ * alerts_per_body))

conf() { # FILE OPEN_PARAMS
	cat > "$1" <<YAML
plugins_dir: $P
json_output: true
buffered_outputs: true
stdout_output: {enabled: false}
file_output: {enabled: true, filename: $T/alerts.json}
outputs_queue: {capacity: 1000000}
engine: {kind: none}
log_level: notice
plugins:
  - name: k8saudit
    library_path: k8saudit.so
    open_params: "$2"
    init_config: {queue_events: 10000000, queue_bytes: 4G, threads: $CLIENTS}
  - name: json
    library_path: json.so
load_plugins: [k8saudit, json]
YAML
}

echo "k8saudit benchmark ($MIX): $REQ requests x $PER events ($(wc -c < "$T/body.json") bytes per body), $CLIENTS clients"
conf "$T/w.yaml" "http://127.0.0.1:0/k8s-audit"
: > "$T/alerts.json"
"$SHRIKE" -c "$T/w.yaml" -r "$RULES" 2>"$T/err" &
pid=$!
on_exit "kill $pid 2>/dev/null"
wait_for 10 grep -q "webhook listening" "$T/err" || { cat "$T/err"; exit 1; }
url=$(sed -n 's/.*webhook listening on \(http:\/\/[^ ]*\).*/\1/p' "$T/err")
urls=$(i=0; while [ $i -lt "$REQ" ]; do printf '%s ' "$url"; i=$((i + 1)); done)
t0=$(ns)
# shellcheck disable=SC2086
curl -s -Z --no-progress-meter --parallel-max "$CLIENTS" -o /dev/null -w '%{http_code}\n' \
	-H 'Content-Type: application/json' --data-binary @"$T/body.json" $urls > "$T/codes"
t1=$(ns)
# A last single event that alerts: the queue is FIFO, so its alert marks
# the end of everything posted before it.
sed -n 7p "$FIX/audit.jsonl" > "$T/sentinel.json"
curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary @"$T/sentinel.json" "$url"
while [ "$(wc -l < "$T/alerts.json")" -lt $((total_alerts + 1)) ] && kill -0 $pid 2>/dev/null; do
	sleep 0.01
	[ $(( ($(ns) - t1) / 1000000000 )) -gt 120 ] && break
done
t2=$(ns)
kill -TERM $pid; wait $pid
ok=$(grep -c '^200$' "$T/codes"); busy=$(grep -c '^503$' "$T/codes")
printf '  webhook accepted: %s of %s requests (%s answered 503), %s req/s, %s events/s\n' \
	"$ok" "$REQ" "$busy" "$(rate "$REQ" $((t1 - t0)))" "$(rate $((ok * PER)) $((t1 - t0)))"
printf '  webhook + engine + file output: %s events/s (%s of %s alerts written, %.2f s)\n' \
	"$(rate $((ok * PER)) $((t2 - t0)))" "$(($(wc -l < "$T/alerts.json") - 1))" "$((ok * alerts_per_body))" \
	"$(awk -v t=$((t2 - t0)) 'BEGIN { print t / 1e9 }')"
grep -o 'maxrss=[0-9]*' "$T/err" 2>/dev/null | tail -n 1

# File mode.
i=0; : > "$T/audit.log"
while [ $i -lt "$REQ" ]; do
	tr -d '\n' < "$T/body.json" | sed -e 's/^{"kind":"EventList","apiVersion":"audit.k8s.io\/v1","items":\[//' \
		-e 's/\]}$//' -e 's/},{"kind":"Event"/}\n{"kind":"Event"/g' >> "$T/audit.log"
	echo >> "$T/audit.log"
	i=$((i + 1))
done
conf "$T/f.yaml" "$T/audit.log"
: > "$T/alerts.json"
t0=$(ns)
"$SHRIKE" -c "$T/f.yaml" -r "$RULES" 2>"$T/ferr"
t1=$(ns)
printf '  audit log file (%s lines) + engine + file output: %s events/s (%s alerts)\n' \
	"$(wc -l < "$T/audit.log")" "$(rate "$total_events" $((t1 - t0)))" "$(wc -l < "$T/alerts.json")"
