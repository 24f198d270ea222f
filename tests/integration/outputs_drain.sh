#!/bin/sh
# tests/integration/outputs_drain.sh - SIGTERM loses no queued alert: the
# file output writes into a FIFO that nobody reads until after SIGTERM was
# sent, and every alert still arrives once. Also: a file output that keeps
# failing with ENOSPC (/dev/full) is retried, and shutdown gives up after
# its timeout, counting what was left. And a write() that never returns (a
# FIFO whose reader never reads) does not hang shutdown: the output thread
# is abandoned 2 s after the timeout, what was queued counted as dropped.
. "$top_srcdir/tests/lib.sh"
GEN="$top_builddir/tests/tools/alertgen"
command -v mkfifo >/dev/null 2>&1 || tap_skip_all "mkfifo is missing"
tap_plan 13

N=5000
mkfifo "$T/fifo"
cat >"$T/fifo.yaml" <<EOC
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $T/fifo
EOC
"$GEN" -c "$T/fifo.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n $N >/dev/null 2>"$T/fifo.err" &
pid=$!
on_exit "kill -KILL $pid 2>/dev/null"
if wait_for 30 grep -q "^emitted $N\$" "$T/fifo.err"; then
	pass "alertgen queued $N alerts while nobody reads the FIFO"
else
	fail "alertgen queued $N alerts while nobody reads the FIFO" "$(cat "$T/fifo.err")"
fi
kill -TERM $pid
sleep 0.5
kill -0 $pid 2>/dev/null
is $? 0 "after SIGTERM alertgen waits for its output to drain"
# Only now does anyone read; cat ends when alertgen closes the FIFO.
cat "$T/fifo" >"$T/got"
wait $pid
is $? 0 "alertgen exits 0"
is "$(wc -l <"$T/got" | tr -d ' ')" $N "exactly $N lines came out of the FIFO"
is "$(sort -u "$T/got" | wc -l | tr -d ' ')" $N "all $N lines are distinct"
is "$(python3 -c '
import json, sys
seqs = sorted(json.loads(l)["output_fields"]["alert.seq"] for l in open(sys.argv[1]))
print("ok" if seqs == list(range(1, int(sys.argv[2]) + 1)) else "missing")' "$T/got" $N)" ok \
	"alerts 1..$N each arrived once"
like "$(cat "$T/fifo.err")" "file_output: sent $N failed 0 dropped 0" "counters: all sent, none dropped"

# ENOSPC: retried with back-off, then given up at the shutdown timeout.
cat >"$T/full.yaml" <<EOC
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: /dev/full
EOC
if [ -w /dev/full ]; then
	"$GEN" -c "$T/full.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 3 -t 600 \
		>/dev/null 2>"$T/full.err" &
	pid2=$!
	wait_for 20 grep -q "^emitted 3\$" "$T/full.err"
	sleep 0.3
	kill -TERM $pid2
	wait $pid2
	is $? 0 "ENOSPC: alertgen still exits 0"
	like "$(cat "$T/full.err")" "retrying in 100 ms" "ENOSPC: the write is retried with back-off"
	like "$(cat "$T/full.err")" "file_output: 3 queued alert\(s\) left undelivered" \
		"ENOSPC: shutdown gives up after its timeout and says how many were lost"
else
	pass "# SKIP /dev/full is not writable"
	pass "# SKIP /dev/full is not writable"
	pass "# SKIP /dev/full is not writable"
fi
# A write() stuck for ever: the FIFO has a reader (so open() succeeds) that
# never reads; the pipe fills and write() blocks.
mkfifo "$T/stuck"
exec 8<>"$T/stuck"
cat >"$T/stuck.yaml" <<EOC
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $T/stuck
EOC
"$GEN" -c "$T/stuck.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 2000 -t 500 \
	>/dev/null 2>"$T/stuck.err" &
pid3=$!
on_exit "kill -KILL $pid3 2>/dev/null"
wait_for 20 grep -q "^emitted 2000\$" "$T/stuck.err"
t0=$(date +%s)
kill -TERM $pid3
wait $pid3
rc=$?
t1=$(date +%s)
exec 8<&-
is "$rc/$([ $((t1 - t0)) -le 10 ] && echo bounded)" "0/bounded" \
	"stuck write(): alertgen exits 0 within seconds, not never"
like "$(cat "$T/stuck.err")" "output file_output: write\(\) has not returned for more than 2500 ms; abandoning its thread with [0-9]+ alert\(s\) undelivered \(counted as dropped\)" \
	"stuck write(): the abandoned thread is logged with the alerts left"
like "$(cat "$T/stuck.err")" "file_output: sent [0-9]+ failed 0 dropped [1-9][0-9]* " \
	"stuck write(): what was left is counted as dropped"
tap_done
