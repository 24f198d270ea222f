#!/bin/sh
# tests/integration/manpages.sh - the man pages render without a groff
# warning and say what the program and its configuration do: every option
# and exit status of `shrike --help` in shrike(8) and nothing more, every
# top-level key of the shipped shrike.yaml and every metrics./webserver. key
# of docs/configuration.md in shrike.yaml(5); the environment variables of
# --help (HOST_ROOT) exactly under shrike(8)'s ENVIRONMENT.
. "$top_srcdir/tests/lib.sh"

command -v groff >/dev/null 2>&1 || tap_skip_all "groff is not installed"
tap_plan 10

man8="$top_builddir/man/shrike.8"
man5="$top_srcdir/man/shrike.yaml.5"
rules5="$top_srcdir/man/shrike-rules.5"

# 1-3: each page renders with every warning on, and none is printed.
for page in "$man8" "$man5" "$rules5"; do
	w=$(groff -man -Tutf8 -ww -z "$page" 2>&1); rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$w" ]; then
		pass "$(basename "$page") renders without warnings"
	else
		fail "$(basename "$page") renders without warnings" "groff exit $rc" "$w"
	fi
done

# 4: the generated page has its install directories filled in.
left=$(grep -n '@[a-z_]*@' "$man8")
is "$left" "" "shrike.8 has no unsubstituted @dir@ left"

# tag_lines SECTION FILE - the tag line (the line after .TP) of every item
# of section SECTION of a man page, with \- turned into -.
tag_lines() {
	awk -v sec="$1" '
		/^\.SH/ { s = $0; sub(/^\.SH +"?/, "", s); sub(/"$/, "", s); in_sec = (s == sec); next }
		in_sec && tp { print; tp = 0; next }
		in_sec && /^\.TP/ { tp = 1 }
	' "$2" | sed 's/\\-/-/g'
}

# 5: the options --help prints and those shrike.8 documents are the same.
"$SHRIKE" --help >"$T/help" 2>&1 || fail "shrike --help exits 0"
# Option lines start with 2 to 6 blanks and a dash (no {2,6}: mawk); continuation lines are
# indented further. "-c, --config FILE" gives -c and --config.
awk '/^(  |   |    |     |      )-/ { o = $1; if (o ~ /,$/) { sub(/,$/, "", o); print o; o = $2 } print o }' \
	"$T/help" | sed 's/[=[].*//' | sort -u >"$T/help.opts"
tag_lines OPTIONS "$man8" | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z-]*' |
	sed 's/^[ ,]//' | sort -u >"$T/man.opts"
if [ -s "$T/help.opts" ] && cmp -s "$T/help.opts" "$T/man.opts"; then
	pass "shrike.8 documents exactly the options of --help ($(wc -l <"$T/help.opts") options)"
else
	fail "shrike.8 documents exactly the options of --help" \
		"< only in --help, > only in shrike.8:" "$(diff "$T/help.opts" "$T/man.opts" | grep '^[<>]' | tr '\n' ' ')"
fi

# 6: the same exit statuses.
sed -n '/^Exit status:/,$p' "$T/help" | awk '/^  [0-9]+  / { print $1 }' | sort -u >"$T/help.exit"
tag_lines "EXIT STATUS" "$man8" | grep -oE '[0-9]+' | sort -u >"$T/man.exit"
if [ -s "$T/help.exit" ] && cmp -s "$T/help.exit" "$T/man.exit"; then
	pass "shrike.8 documents exactly the exit statuses of --help ($(tr '\n' ' ' <"$T/help.exit"))"
else
	fail "shrike.8 documents exactly the exit statuses of --help" \
		"--help: $(tr '\n' ' ' <"$T/help.exit")" "shrike.8: $(tr '\n' ' ' <"$T/man.exit")"
fi

# 7: every signal --help names has an entry under SIGNALS.
missing=""
for sig in $(grep -oE 'SIG[A-Z0-9]+' "$T/help" | sort -u); do
	tag_lines SIGNALS "$man8" | grep -qw "$sig" || missing="$missing $sig"
done
is "$missing" "" "shrike.8 documents every signal --help names"

# 8: the environment variables --help names and those under ENVIRONMENT.
sed -n '/^Environment:/,/^$/p' "$T/help" | awk '/^  [A-Z_]+  / { print $1 }' | sort -u >"$T/help.env"
tag_lines ENVIRONMENT "$man8" | grep -oE '[A-Z][A-Z0-9_]+' | sort -u >"$T/man.env"
if [ -s "$T/help.env" ] && cmp -s "$T/help.env" "$T/man.env"; then
	pass "shrike.8 documents exactly the environment variables of --help ($(tr '\n' ' ' <"$T/help.env"))"
else
	fail "shrike.8 documents exactly the environment variables of --help" \
		"--help: $(tr '\n' ' ' <"$T/help.env")" "shrike.8: $(tr '\n' ' ' <"$T/man.env")"
fi

# The keys shrike.yaml.5 documents: the words of its tag lines.
tag_lines KEYS "$man5" | grep -oE '[a-z_][a-z0-9_.]*' | sort -u >"$T/man5.keys"

# 9: every top-level key of the shipped (generated) shrike.yaml, as a key
# or as the prefix of one (engine -> engine.kind).
missing=""
for k in $(sed -n 's/^\([a-z_][a-z0-9_]*\):.*/\1/p' "$top_builddir/shrike.yaml"); do
	grep -qE "^$k(\\.|\$)" "$T/man5.keys" || missing="$missing $k"
done
is "$missing" "" "shrike.yaml.5 documents every top-level key of shrike.yaml"

# 10: every metrics.* and webserver.* key of docs/configuration.md.
sed -n 's/^| `\(\(metrics\|webserver\)\.[a-z0-9_]*\)`.*/\1/p' "$top_srcdir/docs/configuration.md" \
	>"$T/doc.keys"
missing=""
for k in $(cat "$T/doc.keys"); do
	grep -qxF "$k" "$T/man5.keys" || missing="$missing $k"
done
if [ -s "$T/doc.keys" ] && [ -z "$missing" ]; then
	pass "shrike.yaml.5 documents the $(wc -l <"$T/doc.keys") metrics./webserver. keys of configuration.md"
else
	fail "shrike.yaml.5 documents every metrics./webserver. key of configuration.md" "missing:$missing"
fi

tap_done
