#!/bin/sh
# tests/integration/outputs_program.sh - the program output: alerts piped
# to `cat >> file` with one run per alert and with keep_alive (one
# instance for all); a keep_alive program that exits after every 3 alerts
# is restarted and no alert is lost or repeated; a failing or hanging
# per-alert program is counted as failed and logged; a keep_alive program
# that never reads does not hang shutdown.
. "$top_srcdir/tests/lib.sh"
GEN="$top_builddir/tests/tools/alertgen"
tap_plan 19

# seqs FILE N: "ok" when FILE holds JSON alerts 1..N, each once, in order.
seqs() {
	python3 -c '
import json, sys
try:
    s = [json.loads(l)["output_fields"]["alert.seq"] for l in open(sys.argv[1])]
except Exception as e:
    print("unreadable: %s" % e); sys.exit()
n = int(sys.argv[2])
print("ok" if s == list(range(1, n + 1)) else "got %d lines, first %s" % (len(s), s[:12]))' "$1" "$2"
}

run() { # NAME N CONFIG-LINES...: alertgen with a program_output, until SIGTERM
	_name=$1 _n=$2; shift 2
	{
		printf 'json_output: true\nstdout_output:\n  enabled: false\nprogram_output:\n  enabled: true\n'
		for l in "$@"; do printf '  %s\n' "$l"; done
	} >"$T/$_name.yaml"
	"$GEN" -c "$T/$_name.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n "$_n" ${GEN_T:+-t $GEN_T} \
		>/dev/null 2>"$T/$_name.err" &
	_pid=$!
	on_exit "kill -KILL $_pid 2>/dev/null"
	wait_for 30 grep -q "^emitted $_n\$" "$T/$_name.err"
	kill -TERM $_pid
	wait $_pid
}

# One run per alert (Falco's default).
run oneshot 20 "program: \"echo \$\$ >> $T/oneshot.pids; cat >> $T/oneshot.txt\""
is $? 0 "one run per alert: alertgen exits 0"
is "$(seqs "$T/oneshot.txt" 20)" ok "one run per alert: 20 alerts in order, each once"
is "$(sort -u "$T/oneshot.pids" | wc -l | tr -d ' ')" 20 "one run per alert: 20 runs"
like "$(cat "$T/oneshot.err")" "program_output: sent 20 failed 0 dropped 0" "one run per alert: counted as sent"

# keep_alive: one instance for every alert.
run keep 500 "keep_alive: true" "program: \"echo \$\$ >> $T/keep.pids; exec cat >> $T/keep.txt\""
is $? 0 "keep_alive: alertgen exits 0"
is "$(seqs "$T/keep.txt" 500)" ok "keep_alive: 500 alerts in order, each once"
is "$(wc -l <"$T/keep.pids" | tr -d ' ')" 1 "keep_alive: one instance for all of them"

# keep_alive, a program that exits after 3 alerts: restarted, nothing lost.
cat >"$T/three.sh" <<EOF
echo \$\$ >> "$T/three.pids"
i=0
while [ \$i -lt 3 ] && IFS= read -r line; do
	printf '%s\n' "\$line" >> "$T/three.txt"
	i=\$((i + 1))
done
EOF
run three 20 "keep_alive: true" "program: sh $T/three.sh"
is $? 0 "exits after 3: alertgen exits 0"
is "$(seqs "$T/three.txt" 20)" ok "exits after 3: all 20 alerts arrived in order, none lost, none repeated"
is "$(wc -l <"$T/three.pids" | tr -d ' ')" 7 "exits after 3: the program ran 7 times (20 = 6 x 3 + 2)"
like "$(cat "$T/three.err")" "\[plugin:program_output\] program 'sh $T/three.sh' \(pid [0-9]+\) exited with status 0; restarting it" \
	"exits after 3: each exit is logged"
like "$(cat "$T/three.err")" "program_output: sent 20 failed 0 dropped 0" "exits after 3: counters: 20 sent"

# One run per alert, failing: counted as failed, with the status.
run fail 3 "program: \"cat >/dev/null; exit 3\""
like "$(cat "$T/fail.err")" "program_output: sent 0 failed 3 dropped 0" "a program exiting 3 fails the alert"
like "$(cat "$T/fail.err")" "program 'cat >/dev/null; exit 3' exited with status 3" "the exit status is logged"

# One run per alert, hanging: killed after timeout, counted as failed.
run hang 2 "timeout: 300ms" "program: \"sleep 30\""
like "$(cat "$T/hang.err")" "program_output: sent 0 failed 2 dropped 0" "a hanging program fails the alert"
like "$(cat "$T/hang.err")" "program 'sleep 30' did not finish within 300 ms; killed" "the timeout is logged"

# The program gets stdin/stdout/stderr only, not what alertgen inherited.
exec 7>"$T/inherited"
run fds 1 "program: \"cat >/dev/null; if [ -e /proc/\$\$/fd/7 ]; then echo leaked; else echo clean; fi > $T/fds.txt\""
exec 7>&-
is "$(cat "$T/fds.txt")" clean "the program does not inherit Shrike's other descriptors"

# keep_alive, never reads: retried; shutdown is bounded, leftovers counted.
t0=$(date +%s)
GEN_T=1000 run stuck 2000 "keep_alive: true" "timeout: 1s" "program: \"echo \$\$ > $T/stuck.pid; exec sleep 300\""
t1=$(date +%s)
if [ $((t1 - t0)) -lt 20 ] && ! kill -0 "$(cat "$T/stuck.pid")" 2>/dev/null; then
	pass "a program that never reads: shutdown is bounded and the program is stopped"
else
	fail "a program that never reads: shutdown is bounded and the program is stopped" \
		"took $((t1 - t0)) s" "$(cat "$T/stuck.err")"
fi
like "$(cat "$T/stuck.err")" "does not read its input; will retry" "a program that never reads is logged"
tap_done
