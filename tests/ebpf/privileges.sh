#!/bin/sh
# tests/ebpf/privileges.sh - without the privileges the probe needs, the
# ebpf source refuses to start with one line naming what is missing, and
# the daemon exits 1; a configuration mistake is caught before that.
# Runs the daemon as `nobody` with no capabilities (setpriv, util-linux).
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to drop to nobody"
command -v setpriv >/dev/null || tap_skip_all "setpriv not installed (util-linux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built"

# nobody must be able to read the configuration
conf="$T/pub/shrike.yaml"
mkdir "$T/pub"
chmod 755 "$T" "$T/pub"
cat >"$conf" <<EOF
rules_files: []
stdout_output:
  enabled: false
engine:
  kind: ebpf
log_level: info
EOF
chmod 644 "$conf"

out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
	"$SHRIKE" -c "$conf" -o plugins_dir="$SK_TEST_PLUGINS_DIR" 2>&1 </dev/null)
rc=$?
is "$rc" 1 "without privileges the daemon exits 1"
like "$out" "source 'ebpf' could not start: loading the eBPF probe needs root or CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE; missing: CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE" \
	"the message names the missing capabilities"
n=$(printf '%s\n' "$out" | grep -c "could not start")
is "$n" 1 "one line, not a cascade"

# configuration errors come first, with the key and the fix
out=$("$SHRIKE" -c "$conf" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
	-o engine.ebpf.buf_size=100000 --dry-run 2>&1)
rc=$?
is "$rc" 2 "a ring buffer size that is not a power of two is a configuration error"
like "$out" "buf_size 100000: a ring buffer is a power of two" "the message says what a ring buffer size must be"
out=$("$SHRIKE" -c "$conf" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
	-o 'engine.ebpf.syscalls=[opnat]' --dry-run 2>&1)
rc=$?
is "$rc" 2 "an unknown syscall name is a configuration error"
like "$out" "unknown syscall 'opnat' \(did you mean 'openat'\?\)" "with a suggestion"

tap_plan "$_tap_n"
tap_done
