#!/bin/sh
# tests/integration/fields_doc.sh - docs/fields.md is what the syscall and
# container plugins declare (regenerate with plugins/fields-doc.sh), and
# `shrike --list syscall` shows both plugins' fields with descriptions.
. "$top_srcdir/tests/lib.sh"
tap_plan 4

sh "$top_srcdir/plugins/fields-doc.sh" "$SHRIKE" "$SK_TEST_PLUGINS_DIR" >"$T/fields.md" 2>"$T/err"
if diff -u "$top_srcdir/docs/fields.md" "$T/fields.md" >"$T/diff"; then
	pass "docs/fields.md matches the plugins' field tables"
else
	fail "docs/fields.md matches the plugins' field tables" \
		"regenerate: plugins/fields-doc.sh \$SHRIKE \$SK_TEST_PLUGINS_DIR > docs/fields.md" \
		"$(head -n 30 "$T/diff")"
fi

cat >"$T/conf.yaml" <<'YAML'
plugins:
  - name: syscall
    library_path: syscall
  - name: container
    library_path: container
load_plugins: [syscall, container]
stdout_output:
  enabled: true
YAML
"$SHRIKE" -c "$T/conf.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" --list syscall >"$T/list" 2>"$T/err"
like "$(grep -E '^proc.aname ' "$T/list")" 'string.*ancestor' "proc.aname is listed with its description"
like "$(grep -E '^container.id ' "$T/list")" '12 hex' "container.id is listed with its description"
# the /proc scan at start reports what it found
like "$(cat "$T/err")" 'read [0-9]+ threads \([0-9]+ fds\) from /proc' "the syscall plugin seeds its tables from /proc"
tap_done
