#!/bin/sh
# tests/integration/capture_roundtrip.sh - `shrike --capture` records the
# test-only `synth` source; `shrike -e` replays that capture into a second
# one; both must agree byte for byte after the 64-byte file header (which
# holds the creation time). Damaged captures must fail with one error line
# naming the byte offset; a capture without an END block replays with a
# warning.
#
# Needs the daemon's --capture / -e (core/daemon.c) and tests/plugins.d with
# synth.so and replay.so (tests/local.mk).
. "$top_srcdir/tests/lib.sh"

[ -x "$SHRIKE" ] || tap_skip_all "shrike daemon not built"
[ -e "$SK_TEST_PLUGINS_DIR/synth.so" ] || tap_skip_all "synth.so missing from $SK_TEST_PLUGINS_DIR"
[ -e "$SK_TEST_PLUGINS_DIR/replay.so" ] || tap_skip_all "replay.so missing from $SK_TEST_PLUGINS_DIR"

tap_plan 13

conf=$T/shrike.yaml
cat >"$conf" <<'YAML'
# No rules, no alert outputs: only the capture matters here.
rules_files: []
stdout_output:
  enabled: false
YAML

# shrike ARGS... - run the daemon with the test plugins; stderr to $T/err.
shrike() {
	timeout 120 "$SHRIKE" -c "$conf" -o "plugins_dir=$SK_TEST_PLUGINS_DIR" "$@" \
		>"$T/out" 2>"$T/err"
}

# 1. Record 500 synth records.
shrike -o engine.kind=none \
	-o 'plugins=[{name: synth, library_path: synth.so, open_params: "500"}]' \
	-o 'load_plugins=[synth]' --capture "$T/a.scap"
is "$?" 0 "shrike --capture with the synth source exits 0"
is "$(head -c 8 "$T/a.scap" 2>/dev/null)" SHRIKECP "the capture starts with the magic"
# 5 k8s_audit records of > 64 KiB each, plus 495 small ones.
size=$(wc -c <"$T/a.scap" 2>/dev/null || echo 0)
ok_cmd "the capture holds all 500 records ($size bytes)" test "$size" -gt 330000

# 2. Replay it into a second capture.
shrike -e "$T/a.scap" --capture "$T/b.scap"
rc=$?
is "$rc" 0 "shrike -e CAPTURE --capture OUT exits 0"
[ "$rc" = 0 ] || cat "$T/err" | sed 's/^/# /'
ok_cmd "replayed capture equals the original from byte 64 on" cmp -i 64 "$T/a.scap" "$T/b.scap"
# (The drops the synth source reported are replayed too: that warning is fine.)
is "$(grep -c 'error\|END block\|unknown type' "$T/err")" 0 "a clean replay logs no error"

# 3. A flipped payload byte: exit != 0 and one line naming the byte.
shrike -e "$SK_FIXTURES/capture/crc-mismatch.scap"
rc=$?
ok_cmd "a corrupt capture makes shrike -e fail (exit $rc)" test "$rc" -ne 0
like "$(cat "$T/err")" "crc-mismatch\.scap: corrupt capture file at byte [0-9]+: event block CRC mismatch" \
	"the error names the file, the byte and the reason"
is "$(grep -c 'at byte' "$T/err")" 1 "the error is one line"

# 4. A capture cut in the middle of a block.
head -c 100000 "$T/a.scap" >"$T/cut.scap"
shrike -e "$T/cut.scap"
rc=$?
ok_cmd "a truncated capture makes shrike -e fail (exit $rc)" test "$rc" -ne 0
like "$(cat "$T/err")" "cut\.scap: truncated capture file at byte [0-9]+: block header says [0-9]+ bytes but only [0-9]+ remain" \
	"the truncation error names the byte"

# 5. No END block (the recorder was killed): replays, warns, exits 0.
shrike -e "$SK_FIXTURES/capture/no-end.scap"
is "$?" 0 "a capture without an END block still replays"
like "$(cat "$T/err")" "no-end\.scap: capture file ends at byte [0-9]+ without an END block" \
	"and warns that it was cut short"

tap_done
