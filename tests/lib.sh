# tests/lib.sh - TAP helpers for integration tests (sourced, POSIX sh).
#
#   . "$top_srcdir/tests/lib.sh"
#   tap_plan 3
#   ok "$(cat x)" = "y" "x holds y"     # compare with test(1) semantics
#   tap_skip_all "reason"              # 1..0 # SKIP (a failure under CI=true)
#
# Every test gets a private scratch directory in $T, removed on exit.
set -u
_tap_n=0
_tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/shrike-test.XXXXXX")
_tap_cleanup() {
	[ -n "${_tap_on_exit:-}" ] && eval "$_tap_on_exit"
	rm -rf "$T"
}
trap _tap_cleanup EXIT
# stopped (the harness's timeout, ^C): clean up as on a normal exit
trap 'echo "# stopped by a signal"; exit 143' TERM INT HUP

# on_exit CMD - run CMD (before the scratch directory is removed).
on_exit() { _tap_on_exit="${_tap_on_exit:-}${_tap_on_exit:+; }$1"; }

tap_plan() { echo "1..$1"; }

# tap_skip_all REASON - skip the whole file. Under CI a skip is a failure:
# CI installs every component, so a missing one means a broken install.
tap_skip_all() {
	if [ "${CI:-}" = true ]; then
		echo "1..1"
		echo "not ok 1 - component missing in CI: $1"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

pass() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
fail() {
	_tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $1"
	shift
	for l in "$@"; do echo "# $l"; done
}

# ok_cmd DESC CMD... - pass when CMD exits 0.
ok_cmd() {
	d=$1; shift
	if "$@" >"$T/.ok_out" 2>&1; then pass "$d"; else fail "$d" "command failed: $*" "$(tail -n 20 "$T/.ok_out")"; fi
}

# is GOT WANT DESC - pass when the strings are equal.
is() {
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "got:  $1" "want: $2"; fi
}

# like GOT PATTERN DESC - pass when grep -E PATTERN matches GOT.
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then pass "$3"; else fail "$3" "got:  $1" "want: /$2/"; fi
}

# wait_for SECONDS CMD... - retry CMD every 0.1 s until it succeeds.
wait_for() {
	_w_end=$(( $(date +%s) + $1 )); shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$_w_end" ] && return 1
		sleep 0.1
	done
	return 0
}

# json_num LINE NAME - the number the output field NAME has in the JSON
# alert LINE (a metrics snapshot's shrike.plugins.ebpf.n_evts, say); empty
# when the field is absent.
json_num() {
	printf '%s\n' "$1" | grep -o "\"$(printf '%s' "$2" | sed 's/[.]/\\./g')\":[0-9]*" |
		head -n 1 | cut -d: -f2
}

# json_sum LINE ERE - "SUM N": the sum of the N numeric output fields of
# the JSON alert LINE whose names match ERE (anchored at both ends).
json_sum() {
	printf '%s\n' "$1" | grep -oE "\"$2\":[0-9]+" | awk -F: '{ s += $NF; n++ } END { print s + 0, n + 0 }'
}

tap_done() { [ "$_tap_failed" -eq 0 ]; }
