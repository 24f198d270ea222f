#!/bin/sh
# tests/fuzz/run.sh - run the libFuzzer targets `make fuzz` built, one at a
# time, each for SECONDS, and print one TAP line per target with its
# executions and coverage (libFuzzer's final "cov:"): a crash, leak, UB
# report or timeout is "not ok". Each target starts from a copy of its seed
# corpus and regression inputs in a scratch directory (the tree is never
# written), with its dictionary; what it finds stays in
# $FUZZ_OUT/<target>/ (crash-*, leak-*, timeout-*) with its log.
#
#   tests/fuzz/run.sh [-t SECONDS] [TARGET...]     (from the build directory)
#
# Environment: FUZZ_OUT (default tests/fuzz/findings), FUZZ_NICE (default 19),
# FUZZ_ARGS (more libFuzzer flags). Targets: all that were built.
set -u
secs=15
if [ "${1:-}" = -t ]; then
	secs=$2
	shift 2
fi
here=$(cd "$(dirname "$0")" && pwd)   # the source tree's tests/fuzz
bin=${FUZZ_BIN:-tests/fuzz}
out=${FUZZ_OUT:-tests/fuzz/findings}
targets=${*:-rules expr config capture k8saudit webhook alertfmt}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shrike-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' TERM INT HUP

dict_for() {
	case $1 in
	rules) cat "$here/yaml.dict" "$here/rules.dict" >"$tmp/dict" && echo "-dict=$tmp/dict" ;;
	expr) echo "-dict=$here/rules.dict" ;;
	config) echo "-dict=$here/yaml.dict" ;;
	esac
}

n=0
failed=0
# shellcheck disable=SC2086 # a list of names
set -- $targets
echo "1..$#"
for t in "$@"; do
	n=$((n + 1))
	if [ ! -x "$bin/fuzz-$t" ]; then
		echo "not ok $n - fuzz-$t: not built (make fuzz)"
		failed=$((failed + 1))
		continue
	fi
	rm -rf "$tmp/corpus" && mkdir -p "$tmp/corpus" "$out/$t"
	cp "$here/corpus/$t"/* "$tmp/corpus/" 2>/dev/null
	[ -d "$here/regress/$t" ] && cp "$here/regress/$t"/* "$tmp/corpus/" 2>/dev/null
	log=$out/$t/fuzz.log
	t0=$(date +%s)
	# shellcheck disable=SC2046,SC2086
	nice -n "${FUZZ_NICE:-19}" "$bin/fuzz-$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$t/" \
		$(dict_for "$t") ${FUZZ_ARGS:-} "$tmp/corpus" >"$log" 2>&1
	rc=$?
	el=$(($(date +%s) - t0))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o ' cov: [0-9]*' "$log" | tail -n 1 | sed 's/ cov: //')
	ft=$(grep -o ' ft: [0-9]*' "$log" | tail -n 1 | sed 's/ ft: //')
	corp=$(find "$tmp/corpus" -type f | wc -l)
	found=$(find "$out/$t" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
		-o -name 'oom-*' -o -name 'slow-unit-*' \) | wc -l)
	line="fuzz-$t: ${el}s, ${execs:-0} execs, cov ${cov:-?}, ft ${ft:-?}, corpus $corp, $found finding(s)"
	if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]; then
		echo "ok $n - $line"
	else
		echo "not ok $n - $line (exit $rc, see $log)"
		grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -n 5 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]
