#!/bin/sh
# tests/integration/cli.sh - the `shrike` command line: help, version, exit
# codes, configuration errors with positions, --dry-run.
. "$top_srcdir/tests/lib.sh"
tap_plan 15

conf="$top_builddir/shrike.yaml"
P="-o plugins_dir=$SK_TEST_PLUGINS_DIR"

out=$("$SHRIKE" --help 2>&1); rc=$?
is "$rc" 0 "--help exits 0"
like "$out" "Exit status:" "--help documents the exit codes"

out=$("$SHRIKE" --version 2>&1)
like "$out" "^shrike [0-9]+\.[0-9]+\.[0-9]+ \(plugin ABI 1\.[0-9]+\)$" "--version prints the version and ABI"

"$SHRIKE" --no-such-option >/dev/null 2>&1; rc=$?
is "$rc" 2 "an unknown option exits 2"

# A YAML syntax error: one line, file:line:col, exit 2.
printf 'json_output: true\nfile_output:\n  enabled: [true\n' > "$T/broken.yaml"
out=$("$SHRIKE" -c "$T/broken.yaml" $P --dry-run 2>&1); rc=$?
is "$rc" 2 "a malformed config exits 2"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 "a malformed config gives a one-line error"
like "$out" "broken\.yaml:[0-9]+:[0-9]+: " "the error carries file:line:col"

# An unknown key: position and key path.
printf 'json_output: true\nfile_output:\n  enabled: false\n  filname: /tmp/x\n' > "$T/typo.yaml"
out=$("$SHRIKE" -c "$T/typo.yaml" $P --dry-run 2>&1); rc=$?
is "$rc" 2 "an unknown key exits 2"
like "$out" "typo\.yaml:4:3: .*file_output\.filname" "the unknown key is named with its position"

# A wrong type from -o.
out=$("$SHRIKE" -c "$conf" $P -o json_output=maybe --dry-run 2>&1); rc=$?
is "$rc" 2 "a wrong type given with -o exits 2"

# The shipped default config validates and --dry-run prints the plan.
out=$("$SHRIKE" -c "$conf" $P --dry-run 2>&1); rc=$?
is "$rc" 0 "--dry-run on the default config exits 0"
like "$out" "outputs:" "--dry-run prints the plan"

# A missing plugin gives the loader's message.
out=$("$SHRIKE" -c "$conf" -o plugins_dir="$T/nowhere" -o engine.kind=none --dry-run 2>&1); rc=$?
is "$rc" 2 "a missing output plugin exits 2"
like "$out" "nowhere/stdout\.so.*No such file" "the missing plugin file is named"

# SIGINT stops a daemon started in the background by a script, although the
# shell starts background jobs with SIGINT ignored.
"$SHRIKE" -c "$conf" $P -o engine.kind=none 2>"$T/int.err" &
pid=$!
wait_for 10 grep -q "running" "$T/int.err"
kill -INT $pid
if wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"; then
	pass "SIGINT stops a background daemon"
else
	kill -9 $pid
	fail "SIGINT stops a background daemon" "$(cat "$T/int.err")"
fi
