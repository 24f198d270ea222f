#!/bin/sh
# tests/metrics/snapshot.sh - the metrics snapshot on the live eBPF source
# with the shipped rules and the metrics block Falco's guides give: each
# switch adds its group to the snapshot (metrics.output_file, the internal
# alert), `cat /etc/shadow` three times is three matches of the shipped
# rule, convert_memory_to_mb and include_empty_values change what they say,
# and switching the groups off takes them out. Needs root.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
. "$top_srcdir/tests/ebpf/daemon_wait.sh"
. "$top_srcdir/tests/metrics/lib.sh"
tap_plan 22


# run CONF [-o ...] - start the daemon, read /etc/shadow three times, wait
# for two snapshots after that, stop it.
run() {
	c=$1
	shift
	rm -f "$T/stats.jsonl" "$T/alerts.json"
	"$SHRIKE" -c "$c" -o plugins_dir="$SK_TEST_PLUGINS_DIR" "$@" >"$T/log" 2>&1 &
	pid=$!
	wait_started "$T/log" $pid
	if [ "$started" != yes ]; then
		sed 's/^/# /' "$T/log"
		kill $pid 2>/dev/null
		return 1
	fi
	for _ in 1 2 3; do cat /etc/shadow >/dev/null; done
	wait_for 10 sh -c "[ \$(grep -c . '$T/stats.jsonl' 2>/dev/null || echo 0) -ge 1 ]"
	n=$(grep -c . "$T/stats.jsonl")
	wait_for 10 sh -c "[ \$(grep -c . '$T/stats.jsonl') -ge $((n + 2)) ]"
	kill -TERM $pid
	wait $pid
}

# last KEY - the key's value in the last snapshot of the file ("-" if absent).
last() {
	python3 - "$T/stats.jsonl" "$1" <<'PY'
import json, sys
line = open(sys.argv[1]).read().splitlines()[-1]
print(json.loads(line)["output_fields"].get(sys.argv[2], "-"))
PY
}

# keys PATTERN - how many keys of the last snapshot match the regex.
keys() {
	python3 - "$T/stats.jsonl" "$1" <<'PY'
import json, re, sys
line = open(sys.argv[1]).read().splitlines()[-1]
print(sum(1 for k in json.loads(line)["output_fields"] if re.search(sys.argv[2], k)))
PY
}

live_conf "$T/all.yaml"
sysprobe="$top_builddir/tests/ebpf/sysprobe"
before=$("$sysprobe" bpfstats)
run "$T/all.yaml"
is "$?" 0 "the daemon ran with the whole metrics block"

ok_cmd "every snapshot line is a JSON object shaped like an alert" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    assert j["rule"] == "Shrike internal: metrics snapshot" and j["source"] == "internal"
    assert j["priority"] == "Informational" and isinstance(j["output_fields"], dict)
' "$T/stats.jsonl"
is "$(last shrike.rules.read_sensitive_file_untrusted)" 3 \
	"cat /etc/shadow three times: 3 matches of the shipped rule"
is "$(last shrike.rules.matches_by_tag.mitre_credential_access)" 3 "matches by tag"
like "$(last shrike.rule_evals.read_sensitive_file_untrusted)" '^[1-9][0-9]*$' "evaluations counted"
like "$(last shrike.rule_eval_ns.read_sensitive_file_untrusted)" '^[1-9][0-9]*$' \
	"evaluation time estimated"
like "$(last shrike.cpu_usage_perc)" '^[0-9]+(\.[0-9]+)?$' "resource: CPU use in percent"
like "$(last shrike.memory_rss_mb)" '^[1-9][0-9]*(\.[0-9]+)?$' "resource: RSS in MB"
like "$(last shrike.host_memory_used_mb) $(last shrike.host_procs_running) $(last shrike.open_fds)" \
	'^[0-9.]+ [0-9]+ [0-9]+$' "resource: host memory, running processes, open fds"
like "$(last shrike.n_threads) $(last shrike.n_fds)" '^[1-9][0-9]* [1-9][0-9]*$' \
	"state: threads and fds in the tables"
like "$(last scap.n_evts)" '^[1-9][0-9]*$' "kernel: events the probe wrote"
is "$(keys '^scap\.n_evts_cpu_')" 0 "kernel: no per-CPU counts unless asked"
like "$(python3 - "$T/stats.jsonl" <<'PY'
import json, sys
f = json.loads(open(sys.argv[1]).read().splitlines()[-1])["output_fields"]
print(" ".join("%s=%s" % (k, v) for k, v in sorted(f.items()) if k.endswith(".run_cnt")))
PY
)" '\.run_cnt=[1-9]' "libbpf: programs' run counts (libbpf_stats_enabled asks the ebpf source for them)"
like "$(grep -c 'Shrike internal: metrics snapshot' "$T/alerts.json")" '^[1-9]' \
	"output_rule: the snapshot is an alert too"
is "$("$sysprobe" bpfstats)" "$before" \
	"the kernel's BPF statistics are as they were once Shrike has stopped ($before)"

# The other settings of the switches.
run "$T/all.yaml" -o metrics.convert_memory_to_mb=false -o metrics.include_empty_values=true \
	-o metrics.kernel_event_counters_per_cpu_enabled=true
is "$?" 0 "the daemon ran with kB, empty values and per-CPU counters"
like "$(last shrike.memory_rss_kb) $(last shrike.memory_rss_mb)" '^[1-9][0-9]* -$' \
	"convert_memory_to_mb: false: memory in kB"
is "$(last shrike.alerts_failed)" 0 "include_empty_values: zeros are kept"
cpus=$(nproc --all)
like "$(keys '^scap\.n_evts_cpu_[0-9]+$')" "^[1-9][0-9]*$" \
	"per-CPU event counts (one per possible CPU; $cpus CPUs online)"

run "$T/all.yaml" -o metrics.rules_counters_enabled=false -o metrics.resource_utilization_enabled=false \
	-o metrics.state_counters_enabled=false -o metrics.kernel_event_counters_enabled=false \
	-o metrics.libbpf_stats_enabled=false -o metrics.plugins_metrics_enabled=false
is "$?" 0 "the daemon ran with every group switched off"
is "$(keys '^(shrike\.rules?|shrike\.rule_|shrike\.cpu_|shrike\.memory_|shrike\.n_threads|scap\.|shrike\.plugins\.)')" 0 \
	"every group switched off is out of the snapshot"
like "$(last shrike.num_evts)" '^[1-9][0-9]*$' "the daemon's own counters stay"
tap_done
