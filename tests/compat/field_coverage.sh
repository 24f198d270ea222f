#!/bin/sh
# tests/compat/field_coverage.sh - how many of Falco's fields Shrike has:
# `shrike --list` with the syscall, container, k8saudit and json plugins,
# against Falco's field names kept in tests/compat/falco-fields/ (one file a
# field class: libsinsp's syscall fields, the container plugin's, the
# k8saudit plugin's). For each class it prints the count and the missing
# names, and fails when coverage falls under 97% or when a missing field is
# not named in docs/fields.md ("Falco fields Shrike does not provide"), so a
# field that disappears, or one Falco adds, shows up as a failing count.
# Deprecated and table-only fields are counted apart: they may be missing.
# Refresh the lists from newer Falco sources when its rule files move.
. "$top_srcdir/tests/lib.sh"

data="$top_srcdir/tests/compat/falco-fields"
doc="$top_srcdir/docs/fields.md"
[ -e "$SK_TEST_PLUGINS_DIR/k8saudit.so" ] || tap_skip_all "the k8saudit plugin is not built (libmicrohttpd)"
tap_plan 7

cat >"$T/conf.yaml" <<'YAML'
plugins:
  - name: syscall
    library_path: syscall
    init_config: {scan_proc: false}
  - name: container
    library_path: container
  - name: k8saudit
    library_path: k8saudit.so
  - name: json
    library_path: json.so
load_plugins: [syscall, container, k8saudit, json]
stdout_output:
  enabled: true
YAML
"$SHRIKE" -c "$T/conf.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" --list >"$T/list" 2>"$T/err"
is "$?" 0 "shrike --list with the syscall, container, k8saudit and json plugins"
# field names Shrike lists, and the ones listed as deprecated
awk 'NF >= 2 && $2 ~ /^\(Type:/ { print $1 }' "$T/list" | sort -u >"$T/have"
# names docs/fields.md explains as not provided: "- `name`: why" in that section
sed -n '/^## Falco fields Shrike does not provide/,/^## [^F]/p' "$doc" |
	sed -n 's/^- `\([^`]*\)`.*/\1/p' | sort -u >"$T/documented"

for class in syscall container k8saudit; do
	grep -v '^#' "$data/$class.txt" | awk 'NF == 1 { print $1 }' | sort -u >"$T/want"
	grep -v '^#' "$data/$class.txt" | awk 'NF == 2 { print $1 }' | sort -u >"$T/old"
	total=$(wc -l <"$T/want")
	comm -23 "$T/want" "$T/have" >"$T/missing"
	nmiss=$(wc -l <"$T/missing")
	have=$((total - nmiss))
	# percent with one decimal, in integer arithmetic
	pm=$((have * 1000 / total))
	pct="$((pm / 10)).$((pm % 10))"
	oldhave=$(comm -12 "$T/old" "$T/have" | wc -l)
	echo "# $class: $have of $total Falco fields ($pct%); deprecated or table-only: $oldhave of $(wc -l <"$T/old") accepted"
	[ "$nmiss" -gt 0 ] && echo "# $class missing: $(tr '\n' ' ' <"$T/missing")"
	if [ "$pm" -ge 970 ]; then
		pass "$class fields: $have of $total ($pct%, at least 97%)"
	else
		fail "$class fields: $have of $total ($pct%, at least 97%)" "missing: $(tr '\n' ' ' <"$T/missing")"
	fi
	undoc=$(comm -23 "$T/missing" "$T/documented" | tr '\n' ' ')
	if [ -z "$undoc" ]; then
		pass "$class: every missing field is named in docs/fields.md with the reason"
	else
		fail "$class: every missing field is named in docs/fields.md with the reason" \
			"not in docs/fields.md: $undoc"
	fi
done
