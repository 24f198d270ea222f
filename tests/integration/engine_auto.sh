#!/bin/sh
# tests/integration/engine_auto.sh - engine.kind: auto (the default, issue
# 14): --dry-run names the auto engine and lists both source plugins; on a
# host where the eBPF probe runs, auto starts the ebpf source; with the
# probe made unsupported (SHRIKE_TEST_EBPF_BTF, a knob for tests: the BTF
# file the ebpf source checks) it falls back to the kernel module and, with
# no module loaded, stops with one error line naming what is missing for
# each of the two and what to install.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf source plugin is not built"
[ -e "$SK_TEST_PLUGINS_DIR/kmod.so" ] || tap_skip_all "the kmod source plugin is not built"
[ -e /dev/shrike0 ] && tap_skip_all "the shrike module is loaded on this host (/dev/shrike0 exists)"
tap_plan 16

P="-o plugins_dir=$SK_TEST_PLUGINS_DIR"
cat >"$T/rules.yaml" <<RULES
- rule: Marker open
  desc: an open of the test's marker file
  condition: evt.type in (open, openat, openat2) and fd.name = "$T/marker"
  output: marker-open file=%fd.name
  priority: NOTICE
RULES
# No engine: section: the default kind.
cat >"$T/auto.yaml" <<YAML
rules_files: [$T/rules.yaml]
stdout_output:
  enabled: true
YAML

out=$("$SHRIKE" -c "$T/auto.yaml" $P --dry-run 2>&1); rc=$?
is "$rc" 0 "--dry-run with the default engine exits 0"
like "$out" "^engine: auto \(ebpf where the kernel supports the probe, else kmod; decided at start\)$" \
	"--dry-run names the auto engine"
like "$out" "^  ebpf [0-9.]+ \(source\) from .*/ebpf\.so$" "--dry-run lists the ebpf source"
like "$out" "^  kmod [0-9.]+ \(source\) from .*/kmod\.so$" "--dry-run lists the kmod source"

# This host runs the probe: auto starts the ebpf source.
"$SHRIKE" -c "$T/auto.yaml" $P >"$T/run.out" 2>"$T/run.err" &
pid=$!
on_exit "kill -9 $pid 2>/dev/null"
if wait_for 60 grep -q "running" "$T/run.err"; then
	pass "the daemon starts on the default engine"
else
	fail "the daemon starts on the default engine" "$(tail -n 20 "$T/run.err")"
fi
like "$(cat "$T/run.err")" "engine auto: the eBPF probe runs on this kernel; using the ebpf source" \
	"auto says it chose the ebpf source"
like "$(cat "$T/run.err")" "source 'ebpf' started" "the ebpf source is started"
like "$(cat "$T/run.err")" "running: 1 source\(s\), [0-9]+ plugin\(s\), engine auto \(ebpf\)" \
	"the running line names the source chosen"
: >"$T/marker"
wait_for 10 sh -c "cat '$T/marker' >/dev/null; grep -q marker-open '$T/run.out'"
like "$(cat "$T/run.out")" "marker-open file=$T/marker" "syscall rules fire through the ebpf source"
kill -INT $pid
wait $pid; rc=$?
is "$rc" 0 "SIGINT stops it with 0"

# The probe made unsupported: auto tries the module, which is not loaded.
out=$(SHRIKE_TEST_EBPF_BTF="$T/no-btf" timeout 30 "$SHRIKE" -c "$T/auto.yaml" $P 2>&1); rc=$?
is "$rc" 1 "with neither source the daemon exits 1"
like "$out" "engine auto: the eBPF probe cannot run here \(Linux [^ ]+ has no BTF \($T/no-btf: No such file or directory\)[^)]*\); trying the kernel module" \
	"one info line says why eBPF cannot run and that the module is tried next"
like "$out" "engine auto: no syscall source can run on this host: eBPF probe: Linux [^ ]+ has no BTF \($T/no-btf: No such file or directory\), which the eBPF probe needs; run a kernel >= 5\.10 built with CONFIG_DEBUG_INFO_BTF=y; kernel module: the shrike kernel module is not loaded \(no /dev/shrike0\): load it with \`modprobe shrike\` \(package shrike-dkms\)" \
	"one error line names what is missing for each and what to install"
is "$(printf '%s\n' "$out" | grep -c 'no syscall source can run')" 1 "that line is said once"
is "$(printf '%s\n' "$out" | grep -c "source '[a-z]*' started")" 0 "no source is started"

# The knob alone, on engine.kind ebpf: the same reason, no fallback.
out=$(SHRIKE_TEST_EBPF_BTF="$T/no-btf" timeout 30 "$SHRIKE" -c "$T/auto.yaml" $P -o engine.kind=ebpf 2>&1)
if printf '%s\n' "$out" | grep -q "has no BTF ($T/no-btf" &&
	! printf '%s\n' "$out" | grep -q "kernel module"; then
	pass "engine.kind ebpf does not fall back"
else
	fail "engine.kind ebpf does not fall back" "$out"
fi
tap_done
