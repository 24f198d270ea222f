#!/bin/sh
# scripts/run-tests.sh - install the dependencies, then build Shrike and run
# the whole test suite in three configurations, because one configuration
# misses what another catches (in the order they run):
#
#   san     VPATH build in build-san/ with --enable-sanitizers (gcc, ASan
#           with its leak checker, UBSan with -fno-sanitize-recover), then
#           the whole `make check`, eBPF and QEMU tests included. Every
#           sanitizer report goes to build-san/sanitizer/ (log_path) as
#           well as failing its process, so a report from a daemon that a
#           test stops and does not wait for still fails the run: each
#           report file counts as one failed test.
#   clang   VPATH build in build-clang/ with CC=clang and warnings as
#           errors (configure --enable-werror: -Wall -Wextra -Werror ...),
#           then `make check`. clang warns where gcc does not.
#   fuzz    VPATH build in build-fuzz/ (CC=clang): `make fuzz` builds the
#           libFuzzer targets (docs/fuzzing.md), then tests/fuzz/run.sh runs
#           each for FUZZ_SECONDS (15) from a copy of its seed corpus: one
#           test per target, failed by any crash, leak, UB or timeout (the
#           inputs are kept in build-fuzz/tests/fuzz/findings/). Prints each
#           target's executions and coverage.
#   gcc     the in-tree build the README describes (./configure
#           --enable-werror), `make check`, `make static-check` (cppcheck
#           and clang-tidy, docs/static-checks.md: one test point per
#           tool) and `make distcheck` (one more check: its failure is one
#           failed test).
#   pkg     the Debian packages (scripts/build-debs.sh: dpkg-buildpackage
#           in a clean copy, lintian), then tests/deploy/packages.sh (a
#           fresh Debian 12 root: install, run, upgrade, purge) and
#           tests/deploy/image.sh (the container image built from them).
#
# The kernel module's QEMU tests (tests/kmod) build the module with each
# kernel's kbuild, whatever the stage's compiler: they run on all their
# kernels in the gcc stage's `make check`, and on the two the module must
# support (bullseye's 5.10 and bookworm's 6.1) in the other stages; in
# distcheck every QEMU test runs on bookworm's kernel only. The fault
# tests, which stream for minutes, run in the gcc stage's `make check`;
# the local ones (SK_FAULT_TESTS: 12 reloads under load, a full disk, a
# drop flood) also in the san stage, whose leak checker is part of what
# the reload test proves; the network ones (SK_FAULT_NET_TESTS: Kafka,
# HTTP, stalled receivers) in gcc only. That keeps the whole run, with
# the pkg stage, within the CI's time budget.
#
# The last line sums the runs: "tests: N passed, N failed" (plus
# ", N skipped"); a test counts once per run, so a failure in any
# configuration is a failure. A build that fails counts as one failed test.
# Each stage prints its timings. The sanitizer stage, the slowest, runs
# first so its findings come early. The VPATH builds come first: configure
# refuses a VPATH build while the source tree itself is configured, so a
# configured tree is `make distclean`ed first.
#
# Run from a clone as root (it installs Debian packages). Environment:
#   JOBS=N          parallel make jobs (default: number of CPUs)
#   DISTCHECK=0     skip `make distcheck`
#   STAGES="..."    the stages to run, in order (default: "san clang fuzz gcc pkg")
#   FUZZ_SECONDS=N  seconds each fuzz target runs in the fuzz stage (15)
#   CONFIGURE_FLAGS extra configure flags for every stage
#   STATIC_CHECK=1  run `make static-check` in the gcc stage
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
jobs=${JOBS:-$(nproc)}
stages=${STAGES:-san clang fuzz gcc pkg}
# the tests of the pkg stage, which need the packages it builds
pkg_tests="tests/deploy/packages.sh tests/deploy/image.sh"
status=0
npass=0
nfail=0
nskip=0
t_all=$(date +%s)

# elapsed START - seconds since START as "MmSSs"
elapsed() {
	_s=$(($(date +%s) - $1))
	printf '%dm%02ds' $((_s / 60)) $((_s % 60))
}

# add_counts LOG [EXTRA_FAILURES] - add a test-suite.log's totals
add_counts() {
	if [ ! -f "$1" ]; then
		echo "no $1: counted as 1 failed test"
		nfail=$((nfail + 1))
		status=1
		return
	fi
	_log=$1
	# shellcheck disable=SC2046
	set -- $(awk -v extra="${2:-0}" '/^# PASS:/{p=$3} /^# FAIL:/{f=$3} /^# ERROR:/{e=$3} /^# XPASS:/{x=$3} /^# SKIP:/{s=$3}
	     END{ printf "%d %d %d\n", p, f+e+x+extra, s }' "$1")
	echo "  $_log: $1 passed, $2 failed, $3 skipped"
	npass=$((npass + $1))
	nfail=$((nfail + $2))
	nskip=$((nskip + $3))
	[ "$2" -eq 0 ] || status=1
}

# show_failed DIR - the non-PASS results and the logs of what failed
show_failed() {
	grep -E '^(FAIL|SKIP|ERROR|XPASS|XFAIL):' "$1/check.out" || true
	for log in $(find "$1" -name '*.log' ! -name test-suite.log ! -name config.log ! -path '*/_build/*' ! -path './build-*'); do
		if grep -qE '^(not ok|Bail out)' "$log" 2>/dev/null; then
			# each failure with the diagnostics that follow it
			# (the "# ..." lines), then the log's end
			echo "==== $log: failures"
			awk '/^(not ok|Bail out)/ { n = 12 } n > 0 { print; n-- }' "$log" | head -n 60
			echo "==== $log: end"
			tail -n 15 "$log"
		fi
	done
}

# build NAME DIR CONFIGURE [ARGS...] - configure and make in DIR; 0 if built
build() {
	_name=$1 _dir=$2
	shift 2
	_t=$(date +%s)
	# shellcheck disable=SC2086
	(cd "$_dir" && "$@" --enable-werror ${CONFIGURE_FLAGS:-} >configure.out 2>&1) || {
		cat "$_dir/configure.out"
		echo "[$_name] configure FAILED: counted as 1 failed test"
		nfail=$((nfail + 1))
		status=1
		return 1
	}
	if ! make -C "$_dir" -j"$jobs" >"$_dir/make.out" 2>&1; then
		grep -E 'error|warning' "$_dir/make.out" | head -n 40
		tail -n 40 "$_dir/make.out"
		echo "[$_name] build FAILED: counted as 1 failed test"
		nfail=$((nfail + 1))
		status=1
		return 1
	fi
	echo "[$_name] build: $(elapsed "$_t")"
}

# check NAME DIR [MAKEARG...] - make check in DIR, counts added
check() {
	_t=$(date +%s)
	_st=$1 _dir=$2
	shift 2
	make -C "$_dir" -j"$jobs" check "$@" >"$_dir/check.out" 2>&1 || show_failed "$_dir"
	echo "[$_st] make check: $(elapsed "$_t")"
}

# static_check - `make static-check` in the tree: its TAP points ("ok" /
# "not ok", one per tool) added to the counts; no point at all (the script
# could not run) is one failed test
static_check() {
	_t=$(date +%s)
	make static-check >static-check.out 2>&1
	_p=$(grep -c '^ok ' static-check.out)
	_f=$(grep -c '^not ok ' static-check.out)
	if [ $((_p + _f)) -eq 0 ]; then
		_f=1
	fi
	if [ "$_f" -gt 0 ]; then
		tail -n 60 static-check.out
		status=1
	fi
	npass=$((npass + _p))
	nfail=$((nfail + _f))
	echo "[gcc] make static-check: $_p passed, $_f failed, $(elapsed "$_t")"
}

scripts/install-deps.sh --test || exit 1
t=$(date +%s)
if [ -f config.status ]; then
	# a VPATH build needs an unconfigured source tree
	make distclean >/dev/null 2>&1 || rm -f config.status
fi
autoreconf -fi >/dev/null || exit 1
echo "[setup] dependencies, autoreconf: $(elapsed "$t_all")"

for stage in $stages; do
	t=$(date +%s)
	case $stage in
	clang)
		rm -rf build-clang && mkdir build-clang
		if build clang build-clang env CC=clang ../configure; then
			SK_KMOD_SUITES=${SK_KMOD_SUITES:-bullseye bookworm} \
				check clang build-clang SK_FAULT_TESTS= SK_FAULT_NET_TESTS=
			add_counts build-clang/test-suite.log
		fi
		;;
	fuzz)
		rm -rf build-fuzz && mkdir build-fuzz
		_t=$(date +%s)
		# shellcheck disable=SC2086
		if (cd build-fuzz && env CC=clang ../configure --enable-werror ${CONFIGURE_FLAGS:-} \
			>configure.out 2>&1 && make -j"$jobs" fuzz >make.out 2>&1); then
			echo "[fuzz] make fuzz: $(elapsed "$_t")"
			_t=$(date +%s)
			(cd build-fuzz && ../tests/fuzz/run.sh -t "${FUZZ_SECONDS:-15}") >build-fuzz/fuzz.out 2>&1
			grep -E '^(ok|not ok|#)' build-fuzz/fuzz.out
			_p=$(grep -c '^ok ' build-fuzz/fuzz.out)
			_f=$(grep -c '^not ok ' build-fuzz/fuzz.out)
			if [ $((_p + _f)) -eq 0 ]; then
				tail -n 20 build-fuzz/fuzz.out
				_f=1 # run.sh itself failed
			fi
			echo "  build-fuzz/fuzz.out: $_p passed, $_f failed, 0 skipped"
			npass=$((npass + _p))
			nfail=$((nfail + _f))
			[ "$_f" -eq 0 ] || status=1
			echo "[fuzz] targets run: $(elapsed "$_t")"
		else
			tail -n 40 build-fuzz/configure.out build-fuzz/make.out 2>/dev/null
			echo "[fuzz] build FAILED: counted as 1 failed test"
			nfail=$((nfail + 1))
			status=1
		fi
		;;
	san)
		rm -rf build-san && mkdir -p build-san/sanitizer
		# the tests run some programs as nobody: reports must be writable
		chmod 1777 build-san/sanitizer
		if build san build-san ../configure --enable-sanitizers; then
			# UBSan stops at the first finding (also compiled in with
			# -fno-sanitize-recover=undefined); ASan checks for leaks at
			# exit; tests/local.mk adds tests/lsan.supp to LSAN_OPTIONS.
			ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$top/build-san/sanitizer/asan" \
			UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$top/build-san/sanitizer/ubsan" \
			SK_KMOD_SUITES=${SK_KMOD_SUITES:-bullseye bookworm} \
				check san build-san SK_FAULT_NET_TESTS=
			nrep=$(find build-san/sanitizer -type f | wc -l)
			if [ "$nrep" -gt 0 ]; then
				echo "[san] $nrep sanitizer report(s), each counted as a failed test:"
				for f in build-san/sanitizer/*; do
					echo "==== $f"
					head -n 60 "$f"
				done
			fi
			add_counts build-san/test-suite.log "$nrep"
		fi
		;;
	gcc)
		if build gcc . ./configure; then
			check gcc .
			# off until it fits its 3 minutes and is clean
			# (docs/static-checks.md): STATIC_CHECK=1 runs it
			[ "${STATIC_CHECK:-0}" = 1 ] && static_check
			dc_failed=0
			if [ "${DISTCHECK:-1}" != 0 ]; then
				t_dc=$(date +%s)
				# the tarball's own build runs every test, and the
				# QEMU ones on bookworm's kernel only: this stage's
				# make check just ran them on the whole matrix
				if SK_KMOD_SUITES=${SK_KMOD_SUITES:-bookworm} SK_KERNEL_SUITES=${SK_KERNEL_SUITES:-bookworm} \
					SK_IA32_SUITES=${SK_IA32_SUITES:-bookworm} \
					make -j"$jobs" distcheck SK_FAULT_TESTS= SK_FAULT_NET_TESTS= >distcheck.out 2>&1; then
					echo "make distcheck: passed"
				else
					echo "make distcheck: FAILED"
					# the tests that failed in the distribution's own
					# build, then the end of make's output
					grep -E '^(FAIL|ERROR|XPASS):' distcheck.out || true
					for log in $(find shrike-*/_build -name '*.log' 2>/dev/null); do
						if grep -qE '^(not ok|Bail out)' "$log"; then
							echo "==== $log: failures"
							awk '/^(not ok|Bail out)/ { n = 12 } n > 0 { print; n-- }' "$log" | head -n 60
						fi
					done
					tail -n 40 distcheck.out
					dc_failed=1
				fi
				echo "[gcc] make distcheck: $(elapsed "$t_dc")"
			fi
			add_counts test-suite.log "$dc_failed"
		fi
		;;
	pkg)
		# the Debian packages from a clean copy of the tree, then the
		# tests that install them (a fresh Debian 12 root) and build
		# the container image from them; they run with the in-tree
		# build's `make check` (configured by the gcc stage, or here)
		rm -rf build-debs
		if DEB_BUILD_OPTIONS="nocheck parallel=$jobs" scripts/build-debs.sh build-debs >build-debs.out 2>&1; then
			echo "[pkg] packages: $(sed -n 's/^built in //p' build-debs.out), $(grep -c '^W: ' build-debs/lintian.txt) lintian warning(s)"
		else
			tail -n 30 build-debs.out
		fi
		[ -f config.status ] || build pkg . ./configure || continue
		rm -f test-suite.log
		_t=$(date +%s)
		make SK_DEBS_DIR="$top/build-debs" TESTS="$pkg_tests" check >pkg-check.out 2>&1 ||
			{ cp pkg-check.out check.out; show_failed .; }
		echo "[pkg] make check: $(elapsed "$_t")"
		add_counts test-suite.log
		;;
	*)
		echo "unknown stage: $stage" >&2
		exit 2
		;;
	esac
	echo "[$stage] total: $(elapsed "$t")"
done
echo "[all] total: $(elapsed "$t_all")"

if [ "$nskip" -gt 0 ] && [ "${CI:-}" = true ]; then
	echo "CI: $nskip test(s) skipped; in CI every component is installed, so a skip is a failure"
	status=1
fi
if [ "$nskip" -gt 0 ]; then
	echo "tests: $npass passed, $nfail failed, $nskip skipped"
else
	echo "tests: $npass passed, $nfail failed"
fi
exit $status
