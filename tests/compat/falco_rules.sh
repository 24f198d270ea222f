#!/bin/sh
# tests/compat/falco_rules.sh - Falco's public rule files through `shrike -V`:
# how many items parse, how many rules compile, and which rules fail
# because a field is not provided yet (grouped by the plugin that should
# provide it) rather than because of an engine problem. For developers who
# have those files locally; they cannot be shipped, so this is not part of
# `make check`.
#
#   SK_FALCO_RULES_DIR=~/falco-rules tests/compat/falco_rules.sh
#
# Environment: SK_FALCO_RULES_DIR (required: a directory of *.yaml rule
# files, e.g. falco_rules.yaml, falco-incubating_rules.yaml,
# falco-sandbox_rules.yaml, k8s_audit_rules.yaml); SHRIKE (default: the
# build tree's ./shrike, else `shrike` on PATH); SK_TEST_PLUGINS_DIR
# (default: ./tests/plugins.d, made by `make check` or
# `make tests/plugins.d/.stamp`).
#
# Exit status: 0 when every error is an unknown field or a source nobody
# provides (expected while plugins grow), 1 when any other error shows up
# (an engine incompatibility to fix), 2 on bad usage.
set -u

dir=${SK_FALCO_RULES_DIR:-}
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
	echo "usage: SK_FALCO_RULES_DIR=DIR $0   (DIR holds Falco's *.yaml rule files)" >&2
	exit 2
fi
if [ -z "${SHRIKE:-}" ]; then
	if [ -x ./shrike ]; then SHRIKE=./shrike; else SHRIKE=shrike; fi
fi
plugins=${SK_TEST_PLUGINS_DIR:-$PWD/tests/plugins.d}
[ -d "$plugins" ] || { echo "no plugin directory $plugins (run make check, or set SK_TEST_PLUGINS_DIR)" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/shrike-compat.XXXXXX")
trap 'rm -rf "$T"' EXIT

# The syscall source must exist so that rules for other sources (k8s_audit)
# are told apart: the ebpf engine is only loaded, never started, by -V.
# Without it, a replay engine still loads the syscall and container
# extractors (every source is then accepted).
# The Kubernetes audit source and the json fields join when built.
extra=""
if [ -e "$plugins/k8saudit.so" ] && [ -e "$plugins/json.so" ]; then
	extra='plugins:
  - name: k8saudit
    library_path: k8saudit.so
  - name: json
    library_path: json.so
load_plugins: [k8saudit, json]'
fi
printf 'engine:\n  kind: ebpf\n%s\n' "$extra" > "$T/conf.yaml"
if ! "$SHRIKE" -c "$T/conf.yaml" -o "plugins_dir=$plugins" --list >"$T/fields" 2>"$T/list.err"; then
	printf 'engine:\n  kind: replay\n  replay:\n    capture_file: /dev/null\n%s\n' "$extra" > "$T/conf.yaml"
	if ! "$SHRIKE" -c "$T/conf.yaml" -o "plugins_dir=$plugins" --list >"$T/fields" 2>"$T/list.err"; then
		cat "$T/list.err" >&2
		exit 2
	fi
	echo "note: ebpf engine not loadable here; rules of every source are compiled"
fi
# known field names, one per line
awk '/^[a-z][a-z0-9_]*\.[A-Za-z0-9_.]+ +\(Type:/ { print $1 }' "$T/fields" | sort -u > "$T/known"

# every field name Falco has, deprecated ones included
fields_dir=$(dirname "$0")/falco-fields
cat "$fields_dir"/*.txt | grep -v '^#' | awk '{ print $1 }' | sort -u > "$T/falco"

# plugin_of FIELD - which plugin should provide a field
plugin_of() {
	case $1 in
	container.* | k8s.*) echo container ;;
	ka.* | jevt.*) echo k8saudit ;;
	json.*) echo json ;;
	*) echo syscall ;;
	esac
}

status=0
tot_items=0 tot_rules=0 tot_ok=0 tot_field=0 tot_src=0 tot_other=0
: > "$T/all_missing"
for f in "$dir"/*.yaml "$dir"/*.yml; do
	[ -f "$f" ] || continue
	items=$(grep -c '^- ' "$f")
	rules=$(grep -c '^- rule:' "$f")
	appends=$(awk '/^- rule:/ { r = 1; next } /^- / { r = 0 } r && /^  append: *true/ { n++ } END { print n + 0 }' "$f")
	rules=$((rules - appends))
	"$SHRIKE" -c "$T/conf.yaml" -o "plugins_dir=$plugins" -V "$f" >"$T/out" 2>"$T/diag"
	rc=$?
	# rule names of errors: "in rule 'X'" or "(used by rule 'X')"
	grep ': error: ' "$T/diag" | grep "unknown field" |
		sed -n "s/.*rule '\(.*\)'.*/\1/p" | sort -u > "$T/field_rules"
	grep ': error: ' "$T/diag" | grep -v "unknown field" | grep -v "rules: [0-9]* error(s)" > "$T/other"
	# "N rule(s) of source 'S' skipped, starting with 'X'": one line a source
	nsrc=$(sed -n "s/.* \([0-9][0-9]*\) rule(s) of source '.*' skipped.*/\1/p" "$T/diag" |
		awk '{n += $1} END {print n + 0}')
	nfield=$(wc -l < "$T/field_rules" | tr -d ' ')
	nother=$(wc -l < "$T/other" | tr -d ' ')
	ok=$((rules - nfield - nsrc))
	# every field name the file uses that no plugin registers (-V names
	# only the first unknown field of each rule)
	# (list items are values, not fields: `user.log` is a file name)
	# Only Falco's own field names count (tests/compat/falco-fields), so
	# that values such as k8s.gcr.io are not taken for fields.
	awk '/^- list:/ { l = 1; next } /^- / { l = 0 } !l' "$f" |
		tr -c 'A-Za-z0-9_.%/:-' '\n' | sed 's/^%//; s/\.*$//' |
		sort -u | comm -12 - "$T/falco" | comm -23 - "$T/known" > "$T/missing" || true
	cat "$T/missing" >> "$T/all_missing"
	printf '%s: %s items parsed, %s rules: %s compiled, %s failing for missing fields, %s skipped (source not loaded), %s other errors (-V exit %s)\n' \
		"$(basename "$f")" "$items" "$rules" "$ok" "$nfield" "$nsrc" "$nother" "$rc"
	if [ "$nother" -gt 0 ]; then
		sed 's/^/    /' "$T/other"
		status=1
	fi
	tot_items=$((tot_items + items)) tot_rules=$((tot_rules + rules)) tot_ok=$((tot_ok + ok))
	tot_field=$((tot_field + nfield)) tot_src=$((tot_src + nsrc)) tot_other=$((tot_other + nother))
done
echo "total: $tot_items items parsed, $tot_rules rules: $tot_ok compiled, $tot_field failing for missing fields, $tot_src skipped (source not loaded), $tot_other other errors"
echo "fields used by these files that no loaded plugin provides, by plugin:"
sort -u "$T/all_missing" | while read -r fld; do
	printf '%s\t%s\n' "$(plugin_of "$fld")" "$fld"
done | sort | awk -F '\t' '$1 != p { if (p != "") printf "\n"; printf "  %s:", $1; p = $1 } { printf " %s", $2 } END { if (p != "") printf "\n" }'
exit $status
