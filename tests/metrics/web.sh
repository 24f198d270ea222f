#!/bin/sh
# tests/metrics/web.sh - the issue's whole scenario on the live eBPF source:
# the shipped rules, the metrics block of Falco's guides (interval 1s) and
# webserver.prometheus_metrics_enabled. /healthz is 200; /metrics passes
# Prometheus' own `promtool check metrics`; `cat /etc/shadow` three times is
# 3 in shrike_rules_matches_total for the shipped rule and in the snapshot;
# Falco's names come with prometheus_falco_names; every metric the Grafana
# dashboard uses is on the page; and --profile-rules ranks the shipped
# rules by cost on a capture of the same run. Needs root.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built"
command -v curl >/dev/null || tap_skip_all "curl is not installed"
command -v promtool >/dev/null || tap_skip_all "promtool (Debian package prometheus) is not installed"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
. "$top_srcdir/tests/ebpf/daemon_wait.sh"
. "$top_srcdir/tests/metrics/lib.sh"
tap_plan 17

live_conf "$T/shrike.yaml"
web_conf "$T/shrike.yaml"
"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
	-o webserver.prometheus_falco_names=true --capture "$T/run.scap" >"$T/log" 2>&1 &
pid=$!
on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
wait_started "$T/log" $pid
is "$started" yes "the daemon started on the shipped rules with the web server"
WEB=$(web_url "$T/log")

for _ in 1 2 3; do cat /etc/shadow >/dev/null; done
wait_for 10 grep -q "Read sensitive file untrusted" "$T/alerts.json"
sleep 2 # a snapshot after the reads

is "$(curl -s -o "$T/h" -w '%{http_code}' "$WEB/healthz") $(cat "$T/h")" '200 {"status": "ok"}' \
	"/healthz: 200 ok"
curl -s -D "$T/hdr" -o "$T/metrics" "$WEB/metrics"
like "$(grep -i '^content-type' "$T/hdr")" 'text/plain; version=0\.0\.4' \
	"/metrics: the text exposition format 0.0.4"
ok_cmd "promtool check metrics accepts /metrics (Falco's names included)" \
	sh -c "promtool check metrics < '$T/metrics'"
line=$(grep '^shrike_rules_matches_total{rule_name="Read sensitive file untrusted"' "$T/metrics")
like "$line" '^shrike_rules_matches_total\{rule_name="Read sensitive file untrusted",priority="Warning",source="syscall"\} 3$' \
	"cat /etc/shadow three times: 3 matches of the shipped rule"
like "$(grep '^falcosecurity_falco_rules_matches_total{priority="4",rule_name="Read sensitive file untrusted"' "$T/metrics")" \
	'tag_mitre_credential_access="true".*\} 3$' "the same under Falco's name, with its tag labels"
snap=$(python3 -c '
import json, sys
print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["output_fields"].get("shrike.rules.read_sensitive_file_untrusted"))
' "$T/stats.jsonl")
is "$snap" 3 "and 3 in the snapshot file"
like "$(grep '^shrike_rule_eval_seconds_total{rule_name="Read sensitive file untrusted"}' "$T/metrics")" \
	' [0-9.e-]+$' "the rule's evaluation time"
like "$(grep -c '^shrike_bpf_prog_runs_total{program=' "$T/metrics")" '^[1-9]' \
	"libbpf stats: each BPF program's runs"
like "$(grep '^shrike_kernel_events_total{source="syscall"}' "$T/metrics")" ' [1-9][0-9]*$' \
	"kernel event counter"
like "$(grep '^shrike_state_threads ' "$T/metrics")" ' [1-9][0-9]*$' "state: threads"
like "$(grep '^shrike_memory_rss_bytes ' "$T/metrics")" ' [1-9][0-9]*$' "resource: RSS in bytes"
like "$(grep '^shrike_outputs_sent_total{output="file_output"}' "$T/metrics")" ' [1-9][0-9]*$' \
	"output counters"

# The Grafana dashboard uses only names that are on the page.
missing=$(python3 - "$top_srcdir/examples/grafana/shrike-dashboard.json" "$T/metrics" <<'PY'
import json, re, sys
dash = json.load(open(sys.argv[1]))
page = set(re.findall(r"^([a-z_]+)", open(sys.argv[2]).read(), re.M))
used = set()
for p in dash["panels"]:
    for t in p.get("targets", []):
        used |= set(re.findall(r"\b(shrike_[a-z_]+)", t["expr"]))
print(" ".join(sorted(n for n in used if n not in page)) or "none")
PY
)
is "$missing" none "every metric the Grafana dashboard uses is on /metrics"

kill -TERM $pid
wait $pid

# --profile-rules on the capture of this run: the shipped rules by cost.
"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -o webserver.enabled=false \
	-o metrics.enabled=false --profile-rules "$T/run.scap" >"$T/profile" 2>"$T/profile.err"
is "$?" 0 "--profile-rules replays the capture"
ok_cmd "the rules are ranked by the time they took, each with its evaluations and matches" \
	python3 - "$T/profile" <<'PY'
import re, sys
rows = [l.split(None, 6) for l in open(sys.argv[1]) if re.match(r"^ +[0-9]+ +[0-9.]+ +[0-9.]+% ", l)]
assert len(rows) >= 10, rows
ms = [float(r[1]) for r in rows]
assert ms == sorted(ms, reverse=True), ms
assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
assert all(int(r[3]) > 0 for r in rows)
PY
like "$(grep 'Read sensitive file untrusted$' "$T/profile")" ' 3  Read sensitive file untrusted$' \
	"the replay matches the rule 3 times, as live"
tap_done
