#!/bin/sh
# tests/integration/faults_disk.sh - the file output on a 1 MiB tmpfs that
# fills up. The ticker test source gives N events at 500/s, each an alert
# in the file. Once alerts land, a filler file takes every free byte: the
# output gets ENOSPC, retries, gives alerts up past its retry_budget (1 s)
# and counts them; the daemon keeps running; the ENOSPC log lines are few
# (each logger says it once per interval, log_every 10 s, not per alert).
# Then the filler goes and new alerts land in the file again. At the end
# the output's counters account for every alert: sent + failed + dropped =
# N, and the file holds the sent ones. Needs root (mount). Prints figures.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to mount a tmpfs"
[ -e "$SK_TEST_PLUGINS_DIR/ticker.so" ] || tap_skip_all "ticker test plugin not built"
tap_plan 8
N=${SK_FAULTS_DISK_EVENTS:-4000}
mkdir "$T/mnt"
mount -t tmpfs -o size=1m tmpfs "$T/mnt" || tap_skip_all "cannot mount a tmpfs here"
cat > "$T/shrike.yaml" <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine:
  kind: none
plugins:
  - name: ticker
    library_path: ticker.so
    init_config: {period: 2ms, count: $N}
load_plugins: [ticker]
rules_files: [$T/rules.yaml]
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $T/mnt/alerts
  retry_budget: 1s
log_level: info
YAML
cat > "$T/rules.yaml" <<'YAML'
- rule: Every tick
  desc: matches every ticker event
  condition: ticker.num > 0
  output: tick %ticker.num
  priority: NOTICE
  source: ticker
YAML

"$SHRIKE" -c "$T/shrike.yaml" -o watch_config_files=false >"$T/out" 2>"$T/err" &
pid=$!
on_exit "kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null; umount '$T/mnt' 2>/dev/null"

lines() { _l=$(grep -c ' tick [0-9]' "$T/mnt/alerts" 2>/dev/null); echo "${_l:-0}"; }
at_least() { [ "$(lines)" -ge "$1" ]; }
if wait_for 20 at_least 100; then pass "alerts land in the file"; else fail "alerts land in the file" "$(tail -n 5 "$T/err")"; fi

# Fill the disk: dd stops at ENOSPC.
dd if=/dev/zero of="$T/mnt/fill" bs=4k 2>/dev/null
full_at=$(date +%s)
if wait_for 20 grep -q 'longer than its retry_budget' "$T/err"; then
	pass "the full disk fails the output past its retry_budget"
else
	fail "the full disk fails the output past its retry_budget" "$(tail -n 5 "$T/err")"
fi
kill -0 $pid 2>/dev/null && pass "the daemon keeps running on a full disk" || fail "the daemon keeps running on a full disk"

# Space returns: new alerts land again.
before=$(lines)
rm -f "$T/mnt/fill"
freed_at=$(date +%s)
if wait_for 20 at_least $((before + 50)); then
	pass "writing resumes when space returns ($before -> $(lines) alerts)"
else
	fail "writing resumes when space returns" "$before -> $(lines)" "$(tail -n 5 "$T/err")"
fi
full_s=$((freed_at - full_at))

if wait_for 60 sh -c "! kill -0 $pid 2>/dev/null"; then
	wait $pid
	is "$?" 0 "the daemon ends cleanly when the source is done"
else
	fail "the daemon ends cleanly when the source is done" "still running after 60 s"
fi
# "output file_output: S alerts sent, F failed, D dropped, R rate-limited"
set -- $(sed -n 's/.*output file_output: \([0-9]*\) alerts sent, \([0-9]*\) failed, \([0-9]*\) dropped.*/\1 \2 \3/p' "$T/err") 0 0 0
sent=$1 failed=$2 dropped=$3
is "$((sent + failed + dropped))" "$N" "every alert is accounted for: sent $sent + failed $failed + dropped $dropped"
ok=0; [ "$((failed + dropped))" -gt 0 ] && ok=1
is "$ok" 1 "the alerts the full disk cost are counted ($failed failed, $dropped dropped)"
enospc=$(grep -c 'No space left on device' "$T/err")
# Three loggers may say it (the plugin once per error streak; the core's
# retry and retry_budget lines once per 10 s each).
max=$((3 * (full_s / 10 + 1)))
ok=0; [ "$enospc" -ge 1 ] && [ "$enospc" -le "$max" ] && ok=1
is "$ok" 1 "ENOSPC is logged, at most once per interval per logger ($enospc lines in ${full_s}s, max $max)"
echo "# figures: alerts=$N sent=$sent failed=$failed dropped=$dropped in_file=$(lines)" \
	"enospc_log_lines=$enospc full_for_s=$full_s"
echo "# log lines about the full disk:"
grep 'No space left' "$T/err" | sed 's/^/#   /'
tap_done
