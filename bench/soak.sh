#!/bin/sh
# bench/soak.sh - a long run of the daemon on the real kernel: does it stay
# flat? Capture with the eBPF source and the shipped rules at the highest
# syscall rate this machine sustains without drops, a rule reload every
# minute, and process and container churn, for SECONDS (30 min by default).
# Needs root; builds nothing (run `make check` first).
#
#   bench/soak.sh [BUILDDIR] [SECONDS] [OUTDIR]
#   SOAK_RATE=N bench/soak.sh ...      # skip the calibration: N syscalls/s
#   SOAK_CONTAINERS=0 bench/soak.sh    # no container churn (no podman)
#   SOAK_NICE=-10 bench/soak.sh        # the daemon at this nice value (on a
#                                      # machine busy with other work)
#
# 1. Calibration: the daemon runs while bench/syscall_load does open+close at
#    rising rates, 10 s each, until a step drops or the workload cannot
#    reach the rate asked; the soak runs at 3/4 of the highest clean step,
#    since the churn and the reloads run beside it.
# 2. The soak: a fresh daemon (ebpf source, the shipped rules, a file
#    output, metrics snapshots every 10 s into OUTDIR/metrics.jsonl with
#    resource and state counters) while these run side by side:
#      - open+close at the soak rate, in 10 s chunks;
#      - process churn: fork+exec of /bin/true, 50 a second;
#      - container churn: a podman container started and removed every
#        20 s (its own podman world, tests/lib/containers.sh), reading
#        /etc/shadow, so alerts carry container metadata;
#      - a reload every minute: SIGHUP, every other one after editing a
#        rules file (a rule added, then removed).
# 3. Figures from the daemon's own snapshots: OUTDIR/soak.tsv (time, RSS,
#    events/s, drops, thread/fd/container tables), OUTDIR/soak.png (RSS
#    and events/s against time, and the tables), and a summary. The run
#    fails (exit 1) when the daemon died or did not stop cleanly, RSS after
#    the warm-up (the first sixth of the run, at least 2 min) moved more
#    than 10%, or a state table grew past its configured bound. It never
#    fails on a rate or a time.
set -eu
b=$(cd "${1:-.}" && pwd)
secs=${2:-1800}
src=$(cd "$(dirname "$0")/.." && pwd)
out=${3:-$b/bench/soak-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)

load="$b/bench/syscall_load"
shrike="$b/shrike"
plugins="$b/tests/plugins.d"
sysprobe="$b/tests/ebpf/sysprobe"
for f in "$load" "$shrike" "$sysprobe" "$plugins/ebpf.so"; do
	[ -e "$f" ] || {
		echo "bench/soak.sh: $f is missing: build first (make check) in $b" >&2
		exit 2
	}
done
[ "$(id -u)" = 0 ] || {
	echo "bench/soak.sh: needs root (it loads eBPF programs)" >&2
	exit 2
}
command -v gnuplot >/dev/null || {
	echo "bench/soak.sh: gnuplot is missing (apt-get install gnuplot-nox)" >&2
	exit 2
}

# tests/lib.sh gives the scratch directory $T and the exit hooks;
# tests/lib/containers.sh a private podman world.
top_srcdir=$src top_builddir=$b SHRIKE=$shrike
. "$src/tests/lib.sh"
containers=${SOAK_CONTAINERS:-1}
if [ "$containers" = 1 ]; then
	. "$src/tests/lib/containers.sh"
	if reason=$(ct_missing); then
		echo "# no container churn: $reason"
		containers=0
	fi
fi

daemon=""
pids=""
stop_all() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	pids=""
}
on_exit 'stop_all; [ -n "$daemon" ] && kill -KILL "$daemon" 2>/dev/null; true'

# config FILE - the daemon's configuration for a run
config() {
	cat >"$1" <<EOF
rules_files:
  - $src/rules/shrike_rules.yaml
  - $T/local_rules.yaml
json_output: true
json_include_output_property: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  filename: $out/alerts.json
engine:
  kind: ebpf
watch_config_files: false
drop_capabilities: true
log_level: info
metrics:
  enabled: true
  interval: 10s
  output_rule: false
  output_file: $out/metrics.jsonl
  resource_utilization_enabled: true
  state_counters_enabled: true
  kernel_event_counters_enabled: true
  rules_counters_enabled: false
  include_empty_values: true
EOF
}
echo "# the soak's own rules: a rule comes and goes at every other reload" >"$T/local_rules.yaml"

# start_daemon LOG - the daemon on $T/soak.yaml; waits for the probe
start_daemon() {
	nice -n "${SOAK_NICE:-0}" "$shrike" -c "$T/soak.yaml" -o plugins_dir="$plugins" >"$1" 2>&1 &
	daemon=$!
	i=0
	until grep -q "source 'ebpf' started" "$1"; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$daemon" 2>/dev/null; then
			echo "bench/soak.sh: the daemon did not start:" >&2
			cat "$1" >&2
			exit 1
		fi
		sleep 0.1
	done
}

# stop_daemon - SIGTERM to its main thread; its exit status in $status
# (not in a command substitution: only this shell can reap the daemon)
stop_daemon() {
	"$sysprobe" stop "$daemon"
	i=0
	while kill -0 "$daemon" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$daemon" 2>/dev/null; then
		kill -KILL "$daemon"
		wait "$daemon" 2>/dev/null || true
		status=killed
	else
		set +e
		wait "$daemon"
		status=$?
		set -e
	fi
	daemon=""
}

# last_drops - the cumulative drop count of the newest metrics snapshot
last_drops() {
	tail -n 1 "$out/metrics.jsonl" 2>/dev/null | python3 -c '
import json, sys
line = sys.stdin.read().strip()
f = json.loads(line).get("output_fields", {}) if line else {}
print(int(f.get("shrike.n_drops", 0)))'
}

config "$T/soak.yaml"
rm -f "$out/metrics.jsonl" "$out/alerts.json"

# ---- 1. calibration ---------------------------------------------------------
rate=${SOAK_RATE:-}
if [ -z "$rate" ]; then
	echo "# calibration: open+close at rising rates, 10 s each"
	sed -i 's/interval: 10s/interval: 1s/' "$T/soak.yaml"
	start_daemon "$T/calib.log"
	best=0
	for r in 20000 40000 80000 120000 160000 240000 320000 480000 640000; do
		sleep 1.5
		d0=$(last_drops)
		got=$("$load" openclose $((r * 10 / 2)) "$r" | sed 's/.* rate=//')
		sleep 1.5
		d1=$(last_drops)
		echo "#   asked $r syscalls/s, ran $got/s: $((d1 - d0)) drops"
		[ "$((d1 - d0))" -gt 0 ] && break
		# the workload cannot go faster: that is the ceiling
		[ "$got" -lt $((r * 9 / 10)) ] && break
		best=$got
	done
	stop_daemon
	echo "# calibration: the daemon exited with $status"
	rm -f "$out/metrics.jsonl"
	sed -i 's/interval: 1s/interval: 10s/' "$T/soak.yaml"
	[ "$best" -gt 0 ] || {
		echo "bench/soak.sh: even 20,000 syscalls/s dropped events" >&2
		exit 1
	}
	# the churn and the reloads run beside it: keep a quarter in hand
	rate=$((best * 3 / 4))
	echo "# calibration: $best syscalls/s without drops; the soak runs at 3/4 of it"
fi
echo "# soak: ${secs} s at $rate syscalls/s of open+close, 50 fork+exec/s, containers: $containers"

# ---- 2. the soak ------------------------------------------------------------
if [ "$containers" = 1 ]; then
	ct_setup
	ct_rootfs "$T/rootfs"
	ct_import "$T/rootfs" localhost/soak:1 >/dev/null
fi
start_daemon "$out/daemon.log"
t0=$(date +%s)
end=$((t0 + secs))

# open+close at the soak rate, in 10 s chunks
(while [ "$(date +%s)" -lt "$end" ]; do "$load" openclose $((rate * 5)) "$rate" >/dev/null; done) &
pids="$pids $!"
# process churn: 50 fork+exec a second (syscall_load counts ~4 syscalls each)
(while [ "$(date +%s)" -lt "$end" ]; do "$load" forkexec 500 200 >/dev/null; done) &
pids="$pids $!"
if [ "$containers" = 1 ]; then
	(while [ "$(date +%s)" -lt "$end" ]; do
		ct podman run --rm localhost/soak:1 sh -c 'cat /etc/shadow >/dev/null; ls / >/dev/null' \
			>/dev/null 2>&1 || echo "# a container run failed" >&2
		sleep 20
	done) &
	pids="$pids $!"
fi

reloads=0
next=$((t0 + 60))
while [ "$(date +%s)" -lt "$end" ]; do
	if ! kill -0 "$daemon" 2>/dev/null; then
		echo "# the daemon died at $(($(date +%s) - t0)) s" >&2
		break
	fi
	if [ "$(date +%s)" -ge "$next" ]; then
		if [ $((reloads % 2)) = 1 ]; then
			# every other reload changes the rules: a rule comes or goes
			if grep -q "Soak rule" "$T/local_rules.yaml"; then
				echo "# the soak's own rules: a rule comes and goes at every other reload" >"$T/local_rules.yaml"
			else
				printf '%s\n' "- rule: Soak rule" \
					"  desc: a rule that comes and goes" \
					"  condition: evt.type = openat and fd.name = /soak/none" \
					"  output: soak %proc.name" "  priority: INFO" >"$T/local_rules.yaml"
			fi
		fi
		kill -HUP "$daemon"
		reloads=$((reloads + 1))
		next=$((next + 60))
	fi
	sleep 1
done
alive=1
kill -0 "$daemon" 2>/dev/null || alive=0
stop_all
stop_daemon
[ "$containers" = 1 ] && ct_cleanup >/dev/null 2>&1 || true

# ---- 3. figures -------------------------------------------------------------
ok_reloads=$(grep -c "configuration and rules reloaded" "$out/daemon.log" || true)
set +e
python3 - "$out" "$secs" "$alive" "$status" "$reloads" "$ok_reloads" "$rate" <<'EOF'
import json, statistics, sys
out, secs, alive, status, reloads, ok_reloads, rate = sys.argv[1:8]
secs = int(secs)
rows = []
for line in open(out + "/metrics.jsonl"):
    f = json.loads(line).get("output_fields", {})
    rows.append(f)
if not rows:
    print("soak: no metrics snapshot was written"); sys.exit(1)
def g(f, k):
    return float(f.get(k, 0) or 0)
with open(out + "/soak.tsv", "w") as tsv:
    tsv.write("# minutes rss_mb evts_per_s drops threads fds containers\n")
    pts = []
    for f in rows:
        m = g(f, "shrike.duration_sec") / 60
        p = (m, g(f, "shrike.memory_rss_mb"), g(f, "shrike.evts_rate_sec"), g(f, "shrike.n_drops"),
             g(f, "shrike.n_threads"), g(f, "shrike.n_fds"), g(f, "shrike.n_containers"))
        pts.append(p)
        tsv.write("%.2f %.2f %.0f %d %d %d %d\n" % p)
warm = max(120, secs / 6) / 60
after = [p for p in pts if p[0] >= warm]
fails = []
print("soak: %d s, %d snapshots, %s syscalls/s asked" % (secs, len(pts), rate))
if after:
    rss = [p[1] for p in after]
    lo, hi = min(rss), max(rss)
    spread = (hi - lo) / lo * 100 if lo else 0
    print("  RSS after the %.0f-min warm-up: first %.1f MiB, last %.1f, min %.1f, max %.1f: spread %.1f%%"
          % (warm, rss[0], rss[-1], lo, hi, spread))
    if spread > 10:
        fails.append("RSS moved %.1f%% after the warm-up (limit 10%%)" % spread)
    ev = [p[2] for p in after if p[2] > 0]
    if ev:
        print("  events/s: median %.0f, min %.0f, max %.0f" % (statistics.median(ev), min(ev), max(ev)))
    # the thread and fd tables follow the live processes: after the
    # warm-up they must not trend up (an entry per exited process that
    # is never removed would show here long before max_threads)
    for name, i in (("threads", 4), ("fds", 5), ("containers", 6)):
        v = [p[i] for p in after]
        print("  %s table: first %d, max %d, last %d" % (name, v[0], max(v), v[-1]))
        if name != "containers" and v[-1] > 2 * v[0] + 200:
            fails.append("the %s table grew from %d to %d after the warm-up" % (name, v[0], v[-1]))
else:
    fails.append("no snapshot after the warm-up")
last = rows[-1]
print("  events %d, drops %d, alerts %d" % (g(last, "shrike.num_evts"), g(last, "shrike.n_drops"),
                                            g(last, "shrike.n_alerts")))
print("  threads: added %d, removed %d, evicted %d, purged %d" % (
    g(last, "shrike.n_added_threads"), g(last, "shrike.n_removed_threads"),
    g(last, "shrike.n_evicted_threads"), g(last, "shrike.n_purged_threads")))
print("  reloads: %s sent, %s logged done" % (reloads, ok_reloads))
print("  daemon: %s through the run, exit status %s" % ("alive" if alive == "1" else "DIED", status))
if alive != "1":
    fails.append("the daemon died")
if status != "0":
    fails.append("the daemon's exit status was %s" % status)
for f in fails:
    print("FAIL: " + f)
print("soak: %s" % ("FAIL" if fails else "ok"))
sys.exit(1 if fails else 0)
EOF
res=$?
gnuplot <<EOF || true
set terminal png size 1000,700 noenhanced
set output "$out/soak.png"
set multiplot layout 2,1 title "shrike soak: ${secs} s, $rate syscalls/s asked, reload every minute"
set xlabel "minutes"
set ylabel "RSS (MiB)"
set y2label "events/s"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key bottom right
plot "$out/soak.tsv" using 1:2 with lines lw 2 title "RSS (MiB)", \
     "" using 1:3 axes x1y2 with lines title "events/s"
set ylabel "entries"
unset y2label
unset y2tics
set yrange [0:*]
plot "$out/soak.tsv" using 1:5 with lines title "threads", \
     "" using 1:6 with lines title "fds", \
     "" using 1:7 with lines title "containers"
unset multiplot
EOF
echo "# figures: $out/soak.tsv $out/soak.png $out/daemon.log"
exit $res
