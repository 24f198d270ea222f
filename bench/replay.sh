#!/bin/sh
# bench/replay.sh - events per second through the daemon's pipeline on a
# replayed capture (replay source -> checks -> parsers -> [rules] -> sink),
# and peak RSS. Prints figures; never passes or fails on time.
#
#   make check            # builds shrike, the plugins and the synth source
#   bench/replay.sh [BUILDDIR] [EVENTS] [RUNS]
#
# The capture is made by the synth test source: mostly syscall-sized records
# (60-300 bytes), with one 64 KiB+ k8s_audit record and one drop record per
# hundred.
set -eu
b=$(cd "${1:-.}" && pwd)
n=${2:-1000000}
runs=${3:-5}
shrike="$b/shrike"
plugins="$b/tests/plugins.d"
[ -x "$shrike" ] && [ -e "$plugins/synth.so" ] || {
	echo "bench/replay.sh: build first (make check) in $b" >&2
	exit 2
}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf 'stdout_output:\n  enabled: false\n' > "$t/shrike.yaml"

"$shrike" -c "$t/shrike.yaml" -o plugins_dir="$plugins" \
	-o "plugins=[{name: synth, library_path: synth.so, open_params: \"$n\"}]" \
	-o 'load_plugins=[synth]' --capture "$t/in.scap" 2>/dev/null
size=$(stat -c %s "$t/in.scap")

rates=""
rss=""
for i in $(seq "$runs"); do
	# /usr/bin/time is not always installed: measure with date and /proc.
	s=$(date +%s%N)
	"$shrike" -c "$t/shrike.yaml" -o plugins_dir="$plugins" -e "$t/in.scap" 2>/dev/null &
	pid=$!
	peak=0
	while kill -0 $pid 2>/dev/null; do
		r=$(awk '/^VmHWM/{print $2}' /proc/$pid/status 2>/dev/null || echo 0)
		[ -n "$r" ] && [ "$r" -gt "$peak" ] && peak=$r
		sleep 0.05
	done
	wait $pid
	e=$(date +%s%N)
	rates="$rates $(awk -v n="$n" -v ns=$((e - s)) 'BEGIN{printf "%.0f", n / (ns / 1e9)}')"
	rss="$rss $peak"
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "replay: $n events, $size bytes, $runs runs"
echo "replay: events/s per run:$rates"
echo "replay: median $(median "$rates") events/s, peak RSS median $(median "$rss") KiB"
