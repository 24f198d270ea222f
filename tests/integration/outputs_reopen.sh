#!/bin/sh
# tests/integration/outputs_reopen.sh - logrotate support of the file
# output: rename the file, send SIGUSR1 (alertgen reopens the outputs like
# the daemon, then emits a second batch), and the second batch lands in a
# new file while the renamed one keeps the first batch. With and without
# keep_alive; new files get mode 0600 (umask 022 would give 0644).
. "$top_srcdir/tests/lib.sh"
GEN="$top_builddir/tests/tools/alertgen"
tap_plan 12
umask 022

lines() { wc -l <"$1" 2>/dev/null | tr -d ' '; }
has_lines() { [ "$(lines "$1")" = "$2" ]; }
seqs() {
	python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["output_fields"]["alert.seq"]) for l in open(sys.argv[1])))' "$1"
}

for keep in true false; do
	f="$T/alerts-$keep.json"
	cat >"$T/$keep.yaml" <<EOC
json_output: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: $keep
  filename: $f
EOC
	"$GEN" -c "$T/$keep.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -n 5 >/dev/null 2>"$T/$keep.err" &
	pid=$!
	on_exit "kill -KILL $pid 2>/dev/null"
	wait_for 20 has_lines "$f" 5
	is "$(stat -c %a "$f")" 600 "keep_alive=$keep: the file is created with mode 0600"
	mv "$f" "$f.1"
	kill -USR1 $pid
	if wait_for 20 has_lines "$f" 5; then
		pass "keep_alive=$keep: after rename + SIGUSR1 new alerts go to a new file"
	else
		fail "keep_alive=$keep: after rename + SIGUSR1 new alerts go to a new file" \
			"$(cat "$T/$keep.err")"
	fi
	kill -TERM $pid
	wait $pid
	is $? 0 "keep_alive=$keep: alertgen exits 0"
	is "$(seqs "$f.1")" "1 2 3 4 5" "keep_alive=$keep: the rotated file kept the first batch"
	is "$(seqs "$f")" "6 7 8 9 10" "keep_alive=$keep: the new file has the second batch"
	like "$(cat "$T/$keep.err")" "file_output: sent 10 failed 0 dropped 0" \
		"keep_alive=$keep: nothing lost across the reopen"
done
tap_done
