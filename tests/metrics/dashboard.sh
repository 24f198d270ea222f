#!/bin/sh
# tests/metrics/dashboard.sh - the picture in docs/metrics.md, from real
# data: Shrike on the live eBPF source with the shipped rules, a changing
# workload (file reads, sensitive reads that fire a rule, process churn),
# /metrics scraped every 2 s with curl, and the Grafana dashboard's panels
# (examples/grafana/) computed from the scrapes and drawn by gnuplot
# (tests/metrics/dashboard.py). Checks that every panel had data and the
# PNG is a PNG. Needs root.
#
#   SK_DASHBOARD_SECONDS=120 SK_DASHBOARD_PNG=docs/metrics-dashboard.png \
#       make check TESTS=tests/metrics/dashboard.sh     # the docs' picture
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built"
command -v curl >/dev/null || tap_skip_all "curl is not installed"
command -v gnuplot >/dev/null || tap_skip_all "gnuplot (Debian package gnuplot-nox) is not installed"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
. "$top_srcdir/tests/ebpf/daemon_wait.sh"
. "$top_srcdir/tests/metrics/lib.sh"
tap_plan 5

secs=${SK_DASHBOARD_SECONDS:-30}
png=${SK_DASHBOARD_PNG:-$T/dashboard.png}
live_conf "$T/shrike.yaml" 10s
web_conf "$T/shrike.yaml"
"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" >"$T/log" 2>&1 &
pid=$!
on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
wait_started "$T/log" $pid
is "$started" yes "the daemon started with the web server"
WEB=$(web_url "$T/log")

mkdir "$T/series"
(
	while kill -0 $pid 2>/dev/null; do
		now=$(date +%s%3N)
		curl -s -o "$T/series/$now.tmp" "$WEB/metrics" && mv "$T/series/$now.tmp" "$T/series/$now.prom"
		sleep 2
	done
) &
scraper=$!
on_exit "kill $scraper 2>/dev/null"

# The workload, in phases of a fifth of the time each: quiet, file reads,
# sensitive reads (a shipped rule fires), process churn, all together.
phase=$((secs / 5))
[ $phase -ge 2 ] || phase=2
work() { # seconds reads sensitive churn
	end=$(($(date +%s) + $1))
	while [ "$(date +%s)" -lt "$end" ]; do
		[ "$2" = 1 ] && find /usr/share/doc -maxdepth 2 -type f -name 'c*' -exec head -c 16 {} + >/dev/null 2>&1
		[ "$3" = 1 ] && cat /etc/shadow >/dev/null
		[ "$4" = 1 ] && for _ in 1 2 3 4 5 6 7 8; do sh -c ':'; done
		sleep 0.1
	done
}
work $phase 0 0 0
work $phase 1 0 0
work $phase 0 1 0
work $phase 0 0 1
work $phase 1 1 1
sleep 2
kill $scraper
wait $scraper 2>/dev/null
kill -TERM $pid
wait $pid

n=$(ls "$T/series" | grep -c '\.prom$')
like "$n" '^[0-9]+$' "$n scrapes of /metrics in ${secs} s"
python3 "$top_srcdir/tests/metrics/dashboard.py" "$T/series" "$png" >"$T/panels" 2>"$T/panels.err"
is "$?" 0 "the dashboard's panels are computed and drawn"
sed 's/^/# /' "$T/panels"
is "$(grep -c ': [1-9][0-9]* series, [1-9][0-9]* points$' "$T/panels")" 8 "every panel has data"
is "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a "$png is a PNG image"
tap_done
