#!/bin/sh
# tests/integration/kmod_missing.sh - engine.kind: kmod without the shrike
# kernel module: --dry-run lists the kmod source (and the syscall and
# container plugins with it, as for ebpf); a real run stops with one line
# saying how to load the module or which engine to use instead; a syscall
# name the table does not know is refused when the plugin starts.
. "$top_srcdir/tests/lib.sh"
if [ -e /dev/shrike0 ]; then
	tap_skip_all "the shrike module is loaded on this host (/dev/shrike0 exists)"
fi
tap_plan 9

P="-o plugins_dir=$SK_TEST_PLUGINS_DIR"
printf 'engine:\n  kind: kmod\n' > "$T/kmod.yaml"

out=$("$SHRIKE" -c "$T/kmod.yaml" $P --dry-run 2>&1); rc=$?
is "$rc" 0 "--dry-run with engine.kind: kmod exits 0"
like "$out" "^engine: kmod$" "--dry-run names the kmod engine"
like "$out" "^  kmod [0-9.]+ \(source\) from .*/kmod\.so$" "--dry-run lists the kmod source plugin"
like "$out" "^  syscall .*\(extract,parse\)" "the syscall plugin is loaded with it"
like "$out" "^  container .*\(extract,parse\)" "the container plugin is loaded with it"

out=$(timeout 20 "$SHRIKE" -c "$T/kmod.yaml" $P 2>&1); rc=$?
is "$rc" 1 "without the module the daemon exits 1"
like "$out" "the shrike kernel module is not loaded \(no /dev/shrike0\): load it with \`modprobe shrike\` \(package shrike-dkms\)$" \
	"without the module one line says how to load it"
is "$(printf '%s\n' "$out" | grep -c 'kernel module is not loaded')" 1 "that line is said once"

printf 'engine:\n  kind: kmod\n  kmod:\n    syscalls: [opne]\n' > "$T/typo.yaml"
out=$("$SHRIKE" -c "$T/typo.yaml" $P --dry-run 2>&1)
like "$out" "unknown syscall 'opne' \(did you mean 'open'\?\)" "an unknown syscall name is refused at start"
tap_done
