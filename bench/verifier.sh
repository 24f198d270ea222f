#!/bin/sh
# bench/verifier.sh - what the eBPF probe costs the kernel's verifier, per
# program, on the running kernel. Prints figures; never passes or fails.
# Needs root.
#
#   make check                       # builds shrike, the plugins, the tools
#   bench/verifier.sh [BUILDDIR]
#   SHRIKE_OPTS='-o engine.ebpf.capture_env=true' bench/verifier.sh ...
#                                    # the daemon with extra options
#
# Starts the built daemon with the ebpf source, no rules and log_level
# debug, reads its "eBPF program NAME: N verified instructions" lines (the
# kernel's bpf_prog_info.verified_insns, or the verifier's statistics line
# on kernels before 5.16; see docs/ebpf-source.md), stops it, and prints one
# row per program: verified instructions and their share of the project's
# budget of 100,000 per program (docs/ebpf-source.md; the verifier itself
# refuses 1,000,000). A program the verifier refused is shown as such, with
# the daemon's error line (the full verifier log is in the file it names).
set -eu
b=$(cd "${1:-.}" && pwd)
shrike="$b/shrike"
plugins="$b/tests/plugins.d"
stopper="$b/tests/ebpf/sysprobe"
for f in "$shrike" "$stopper" "$plugins/ebpf.so"; do
	[ -e "$f" ] || {
		echo "bench/verifier.sh: $f is missing: build first (make check) in $b" >&2
		exit 2
	}
done
[ "$(id -u)" = 0 ] || {
	echo "bench/verifier.sh: needs root (it loads eBPF programs)" >&2
	exit 2
}
t=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT

printf '%s\n' "rules_files: []" "stdout_output:" "  enabled: false" "engine:" \
	"  kind: ebpf" "log_level: debug" >"$t/shrike.yaml"
# shellcheck disable=SC2086 # SHRIKE_OPTS is a list of options
"$shrike" -c "$t/shrike.yaml" -o plugins_dir="$plugins" ${SHRIKE_OPTS:-} >"$t/log" 2>&1 &
pid=$!
# until the source started, or the daemon gave up (a refused probe ends it)
i=0
while [ $i -lt 600 ] && kill -0 "$pid" 2>/dev/null &&
	! grep -q "source 'ebpf' started" "$t/log"; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	"$stopper" stop "$pid"
	i=0
	while [ $i -lt 200 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
fi
wait "$pid" 2>/dev/null || true
pid=""

kernel=$(uname -r)
echo "eBPF verifier cost on Linux $kernel (budget: 100,000 verified instructions per program)"
awk -v kernel="$kernel" '
	/eBPF program [^ ]+: [0-9]+ verified instructions/ {
		for (i = 1; i <= NF; i++) if ($i == "program") { name = $(i + 1); n = $(i + 2) }
		sub(":", "", name)
		rows[++nr] = sprintf("%-22s %12d %9.1f%%  %s", name, n, n / 1000, kernel)
	}
	/eBPF program [^ ]+: verified instructions not reported/ {
		for (i = 1; i <= NF; i++) if ($i == "program") name = $(i + 1)
		sub(":", "", name)
		rows[++nr] = sprintf("%-22s %12s %10s  %s", name, "?", "?", kernel)
	}
	/refused eBPF program / {
		name = $0
		sub(/.*refused eBPF program \047/, "", name)
		sub(/\047.*/, "", name)
		rows[++nr] = sprintf("%-22s %12s %10s  %s", name, "refused", ">100%", kernel)
	}
	END {
		printf "%-22s %12s %10s  %s\n", "program", "verified", "of budget", "kernel"
		for (i = 1; i <= nr; i++) print rows[i]
	}' "$t/log"
if ! grep -q "source 'ebpf' started" "$t/log"; then
	echo
	echo "the probe did not load:"
	grep -E '^shrike: error' "$t/log" | sed 's/^/  /'
fi
