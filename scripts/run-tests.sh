#!/bin/sh
# scripts/run-tests.sh - install the dependencies, build Shrike with warnings
# as errors, run the whole test suite (`make check`) and `make distcheck`,
# and print the totals as the last line: "tests: N passed, N failed".
#
# Run from a clone as root (it installs Debian packages). Environment:
#   JOBS=N         parallel make jobs (default: number of CPUs)
#   DISTCHECK=0    skip `make distcheck`
#   CONFIGURE_FLAGS extra ./configure flags (e.g. --enable-sanitizers)
set -u
cd "$(dirname "$0")/.."
jobs=${JOBS:-$(nproc)}
status=0

scripts/install-deps.sh --test || exit 1
autoreconf -fi >/dev/null || exit 1
# shellcheck disable=SC2086
./configure --enable-werror ${CONFIGURE_FLAGS:-} >configure.out 2>&1 || {
	cat configure.out
	exit 1
}
tail -n 12 configure.out
make -j"$jobs" >make.out 2>&1 || {
	tail -n 60 make.out
	exit 1
}
make -j"$jobs" check >check.out 2>&1 || status=1
grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):' check.out | grep -v '^PASS' || true
if [ "$status" -ne 0 ]; then
	# show the logs of what failed
	for log in $(find . -name '*.log' ! -name test-suite.log ! -name config.log); do
		if grep -qE '^(not ok|Bail out)' "$log" 2>/dev/null; then
			echo "==== $log"
			tail -n 40 "$log"
		fi
	done
fi
dc_failed=0
if [ "${DISTCHECK:-1}" != 0 ]; then
	if make -j"$jobs" distcheck >distcheck.out 2>&1; then
		echo "make distcheck: passed"
	else
		echo "make distcheck: FAILED"
		# the tests that failed in the distribution's own build, then
		# the end of make's output
		grep -E '^(FAIL|ERROR|XPASS):' distcheck.out || true
		tail -n 40 distcheck.out
		status=1
		dc_failed=1
	fi
fi
if [ ! -f test-suite.log ]; then
	echo "0 passed, 1 failed"
	exit 1
fi
# make distcheck counts as one more check: its failure is a failure
counts=$(awk -v dc="$dc_failed" '/^# PASS:/{p=$3} /^# FAIL:/{f=$3} /^# ERROR:/{e=$3} /^# XPASS:/{x=$3} /^# SKIP:/{s=$3}
     END{ printf "%d %d %d\n", p, f+e+x+dc, s }' test-suite.log)
set -- $counts
if [ "$3" -gt 0 ] && [ "${CI:-}" = true ]; then
	echo "CI: $3 test(s) skipped; in CI every component is installed, so a skip is a failure"
	status=1
fi
if [ "$3" -gt 0 ]; then
	echo "tests: $1 passed, $2 failed, $3 skipped"
else
	echo "tests: $1 passed, $2 failed"
fi
exit $status
