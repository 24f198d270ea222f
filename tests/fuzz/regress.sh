#!/bin/sh
# tests/fuzz/regress.sh - every seed of tests/fuzz/corpus/<target>/ and every
# input a fuzzer once crashed on (tests/fuzz/regress/<target>/) through its
# target built without libFuzzer (tests/fuzz/replay_<target>, the normal
# compiler: under the sanitizer stage's ASan and UBSan too). One test point
# per target; a crash, a sanitizer report or a leak fails it.
. "$top_srcdir/tests/lib.sh"

targets="rules expr config capture k8saudit webhook alertfmt"
tap_plan 7
for t in $targets; do
	prog=$top_builddir/tests/fuzz/replay_$t
	if [ ! -x "$prog" ]; then
		# k8saudit/webhook need libmicrohttpd, alertfmt librdkafka
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n - # SKIP $t: not built (plugin disabled by configure)"
		continue
	fi
	dirs=$top_srcdir/tests/fuzz/corpus/$t
	[ -d "$top_srcdir/tests/fuzz/regress/$t" ] && dirs="$dirs $top_srcdir/tests/fuzz/regress/$t"
	# shellcheck disable=SC2086
	if out=$("$prog" $dirs 2>"$T/$t.err"); then
		pass "$t: $out replayed"
	else
		fail "$t: replay failed"
		sed 's/^/# /' "$T/$t.err" | head -n 40
	fi
done
tap_done
