#!/bin/sh
# tests/integration/outputs_core_keys.sh - the keys the core handles in every
# output section: rate/max_burst (token bucket per output, over-limit alerts
# counted as rate-limited and logged), queue_capacity (per output, overriding
# outputs_queue.capacity), their checks with positions (also in a disabled
# section), and the per-output counters in the daemon's metrics snapshot.
. "$top_srcdir/tests/lib.sh"
GEN="$top_builddir/tests/tools/alertgen"
tap_plan 15

# Two file outputs are not possible, so: stdout unlimited, file limited.
cat >"$T/rate.yaml" <<EOC
json_output: true
stdout_output:
  enabled: true
file_output:
  enabled: true
  filename: $T/limited.json
  rate: 0.001
  max_burst: 10
EOC
"$GEN" -c "$T/rate.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 50 >"$T/stdout.json" \
	2>"$T/rate.err" &
pid=$!
on_exit "kill -KILL $pid 2>/dev/null"
wait_for 20 grep -q "^emitted 50\$" "$T/rate.err"
kill -TERM $pid
wait $pid
is $? 0 "alertgen with a rate-limited output exits 0"
is "$(wc -l <"$T/limited.json" | tr -d ' ')" 10 "rate-limited output: max_burst (10) alerts pass"
is "$(wc -l <"$T/stdout.json" | tr -d ' ')" 50 "the other output is not limited"
like "$(cat "$T/rate.err")" "file_output: sent 10 failed 0 dropped 0 ratelimited 40" \
	"40 alerts counted as rate-limited, not dropped"
like "$(cat "$T/rate.err")" "output file_output: over its rate limit \(0\.001 alerts/s, burst 10\)" \
	"going over the limit is logged"
like "$(cat "$T/rate.err")" "output file_output: 10 alerts sent, 0 failed, 0 dropped, 40 rate-limited" \
	"the shutdown line carries the rate-limited count"

# queue_capacity per output: a FIFO nobody reads holds the worker; the
# queue takes 4 alerts (plus the one in write()), the rest are dropped.
mkfifo "$T/fifo"
cat >"$T/cap.yaml" <<EOC
outputs_queue:
  capacity: 100000
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $T/fifo
  queue_capacity: 4
EOC
exec 7<>"$T/fifo" # keep a reader so open() succeeds; it never reads
"$GEN" -c "$T/cap.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 100000 >/dev/null \
	2>"$T/cap.err" &
pid=$!
on_exit "kill -KILL $pid 2>/dev/null"
wait_for 30 grep -q "^emitted 100000\$" "$T/cap.err"
like "$(cat "$T/cap.err")" "output file_output: queue full \(4 alerts\)" \
	"file_output.queue_capacity overrides outputs_queue.capacity"
kill -KILL $pid
wait $pid 2>/dev/null
exec 7<&-

# Checks, with positions.
check() { # yaml-fragment -> daemon's --dry-run stderr
	printf 'plugins_dir: %s\nstdout_output:\n  enabled: false\n%s\n' "$SK_TEST_PLUGINS_DIR" "$1" \
		>"$T/bad.yaml"
	"$SHRIKE" -c "$T/bad.yaml" --dry-run >/dev/null 2>"$T/bad.err"
	echo "rc=$? $(grep 'error:' "$T/bad.err" | tr '\n' ' ')"
}
like "$(check "file_output:
  enabled: true
  filename: $T/x
  rate: fast")" "rc=[1-9].*bad\.yaml:7:9: file_output\.rate: expected a number of alerts per second >= 0 \(e\.g\. 100 or 0\.5\), got 'fast'" \
	"a bad rate is refused with its position"
like "$(check "file_output:
  enabled: true
  filename: $T/x
  max_burst: 5")" "rc=[1-9].*bad\.yaml:7:14: file_output\.max_burst: has no effect without a rate" \
	"max_burst without rate is refused"
like "$(check "file_output:
  enabled: true
  filename: $T/x
  queue_capacity: 0")" "rc=[1-9].*bad\.yaml:7:19: file_output\.queue_capacity: .*out of range" \
	"queue_capacity 0 is refused"
like "$(check "file_output:
  enabled: false
  filename: $T/x
  rate: -1")" "rc=[1-9].*bad\.yaml:7:9: file_output\.rate:" \
	"a disabled output's core keys are checked too"
like "$(check "file_output:
  enabled: true
  filename: $T/x
  rate: 100
  max_burst: 200
  queue_capacity: 1000")" "^rc=0" "valid core keys are accepted next to the plugin's own keys"

# An output plugin that declares one of the core's keys is refused at load.
mkdir -p "$T/pd"
cat >"$T/pd/file.c" <<'EOF'
#include <stdbool.h>
#include <stddef.h>
#include <shrike/plugin.h>
struct conf { char *rate; };
static const struct sk_param params[] = {
    {.name = "rate", .type = SK_PARAM_STR, .offset = offsetof(struct conf, rate)},
    {.name = NULL},
};
static int init(const struct sk_init_input *in, void **ret, char *err, size_t errlen)
{
	(void)in; (void)err; (void)errlen;
	*ret = NULL;
	return SK_OK;
}
static void destroy(void *inst) { (void)inst; }
static int write_alert(void *inst, const struct sk_alert *a) { (void)inst; (void)a; return SK_OK; }
SK_PLUGIN_OPS(sk_output_ops, output, .write = write_alert);
SK_PLUGIN_DEFINE(.name = "file", .version = "0.0.1",
		 .params = params, .config_size = sizeof(struct conf), .init = init,
		 .destroy = destroy, .output = &output);
EOF
if ${CC:-cc} -shared -fPIC -I"$top_srcdir/include" -o "$T/pd/file.so" "$T/pd/file.c" 2>"$T/pd/cc.err"; then
	printf 'stdout_output:\n  enabled: false\nfile_output:\n  enabled: true\n' >"$T/pd.yaml"
	"$GEN" -c "$T/pd.yaml" -o plugins_dir="$T/pd" -n 1 >/dev/null 2>"$T/pd.err"
	like "rc=$? $(cat "$T/pd.err")" "^rc=1 .*plugin 'file' \(.*file\.so\) declares the key 'rate', which Shrike handles itself in every output section" \
		"an output plugin declaring 'rate' is refused at load"
else
	fail "an output plugin declaring 'rate' is refused at load" "cannot compile: $(cat "$T/pd/cc.err")"
fi

# The daemon's metrics snapshot carries per-output counters (zeros too,
# with include_empty_values).
cat >"$T/metrics.yaml" <<EOC
plugins_dir: $SK_TEST_PLUGINS_DIR
engine: {kind: none}
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $T/metrics.json
metrics:
  enabled: true
  interval: 200ms
  output_rule: true
  log: false
  include_empty_values: true
EOC
"$SHRIKE" -c "$T/metrics.yaml" 2>"$T/metrics.err" &
dpid=$!
on_exit "kill -KILL $dpid 2>/dev/null"
wait_for 10 sh -c "[ \$(wc -l <'$T/metrics.json') -ge 3 ]"
kill -TERM $dpid
wait $dpid
line=$(sed -n 3p "$T/metrics.json")
like "$line" '"shrike\.outputs\.file_output\.sent":[1-9][0-9]*' "metrics: shrike.outputs.file_output.sent counts earlier snapshots"
like "$line" '"shrike\.outputs\.file_output\.dropped":0,"shrike\.outputs\.file_output\.failed":0,"shrike\.outputs\.file_output\.queued":[0-9]+,"shrike\.outputs\.file_output\.ratelimited":0' \
	"metrics: dropped, failed, queued and ratelimited per output"
tap_done
