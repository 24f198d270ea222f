#!/bin/sh
# tests/ebpf/rules_filter.sh - kernel-side filtering follows the rules: the
# probe records only the syscalls the loaded rules use (plus what state
# tracking needs), and a SIGHUP that loads rules for another syscall turns
# it on without reloading the probe. Needs root.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built"
tap_plan 9

capdump="$top_builddir/tests/tools/capdump"
sysprobe="$top_builddir/tests/ebpf/sysprobe"

cat >"$T/open.yaml" <<'EOF2'
- rule: Hostname read
  desc: test rule on openat only
  condition: evt.type = openat and fd.name = /etc/hostname
  output: read by %proc.name
  priority: WARNING
EOF2
cat >"$T/mkdir.yaml" <<'EOF2'
- rule: Directory made
  desc: test rule on mkdir only
  condition: evt.type in (mkdir, mkdirat) and evt.arg.path contains shrike-filter-test
  output: mkdir by %proc.name
  priority: WARNING
EOF2
cp "$T/open.yaml" "$T/rules.yaml"
cat >"$T/shrike.yaml" <<EOF2
rules_files: [$T/rules.yaml]
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
  interval: 300ms
  output_rule: true
  log: false
# the reload under test is the SIGHUP's: the file watcher would reload on
# the rules file's change as well (two reloads)
watch_config_files: false
EOF2

"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
	--capture "$T/cap.scap" >"$T/log" 2>&1 &
daemon=$!
on_exit "kill $daemon 2>/dev/null; wait $daemon 2>/dev/null"
wait_for 20 grep -q "what the rules use" "$T/log"
like "$(cat "$T/log")" "recording [0-9]+ syscall numbers \(what the rules use" "the probe is narrowed to what the rules use"

mkdir "$T/shrike-filter-test-1"
cat /etc/hostname >/dev/null
wait_for 10 grep -q "Hostname read" "$T/alerts.json"
like "$(cat "$T/alerts.json")" '"rule":"Hostname read"' "the rule on openat fires"

# Reload with a rule on mkdir: the probe starts recording it.
cp "$T/mkdir.yaml" "$T/rules.yaml"
kill -HUP $daemon
wait_for 10 grep -q "configuration and rules reloaded" "$T/log"
n=$(grep -c "what the rules use" "$T/log")
is "$n" 2 "the reload narrowed the probe again"
mkdir "$T/shrike-filter-test-2"
if wait_for 10 grep -q "Directory made" "$T/alerts.json"; then
	pass "after the reload the rule on mkdir fires"
else
	fail "after the reload the rule on mkdir fires" "$(tail -n 5 "$T/log")"
fi
sleep 0.3
"$sysprobe" stop $daemon
wait $daemon; rc=$?
is "$rc" 0 "the daemon stops cleanly"

"$capdump" "$T/cap.scap" >"$T/dump" 2>&1
grep shrike-filter-test "$T/dump" | sed "s/^/# /" | cut -c1-160
# before the reload mkdir was not recorded, after it it was
# (execve records of mkdir(1) name the directory too: look at mkdir records)
like "$(grep -Ec ' mkdir(at)? res=.*shrike-filter-test-1' "$T/dump")" '^0$' "the first mkdir was filtered in the kernel"
like "$(grep -Ec ' mkdir(at)? res=.*shrike-filter-test-2' "$T/dump")" '^[1-9]' "the second mkdir was recorded"
is "$(grep -c 'Directory made' "$T/alerts.json")" 1 "exactly one mkdir alert"

# The syscall plugin's table sizes reach the metrics snapshot.
like "$(grep 'metrics snapshot' "$T/alerts.json" | tail -n 1)" '"shrike\.plugins\.syscall\.threads":[1-9][0-9]*,' \
	"the metrics snapshot carries the syscall plugin's table sizes"
