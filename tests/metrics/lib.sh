# tests/metrics/lib.sh - what the live metrics tests share (sourced after
# tests/lib.sh): their configuration and the web server's address.

# live_conf FILE [INTERVAL] - the shipped rules, JSON alerts to
# $T/alerts.json, the eBPF engine, and the metrics block of Falco's guides
# (interval INTERVAL, default 1s) with the snapshots in $T/stats.jsonl.
live_conf() {
	cat >"$1" <<EOF2
rules_files: [$top_srcdir/rules/shrike_rules.yaml]
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $T/alerts.json
engine:
  kind: ebpf
metrics:
  enabled: true
  interval: ${2:-1s}
  output_rule: true
  output_file: $T/stats.jsonl
  rules_counters_enabled: true
  resource_utilization_enabled: true
  state_counters_enabled: true
  kernel_event_counters_enabled: true
  libbpf_stats_enabled: true
  convert_memory_to_mb: true
  include_empty_values: false
  kernel_event_counters_per_cpu_enabled: false
EOF2
}

# web_conf FILE - a web server on 127.0.0.1, a free port, /metrics on,
# appended to FILE.
web_conf() {
	cat >>"$1" <<'EOF2'
webserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: 0
  prometheus_metrics_enabled: true
EOF2
}

# web_url LOG - the URL the web server said it listens on.
web_url() {
	sed -n 's|.*webserver listening on \(https*://[^ ]*\) .*|\1|p' "$1" | head -n 1
}
