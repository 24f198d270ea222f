#!/bin/sh
# tests/integration/detect/ruleset.sh - the default rules file itself: it
# validates with no warning (every rule indexed by evt.type), the local file
# and rules.d load beside it, every rule has a one-line desc and the tags
# docs/rules.md promises (maturity, host/container, a MITRE tactic and a
# technique id), every behaviour of issue 5 has its rule, docs/rules.md
# describes every rule and every override point, and the tuning shown there
# (macro override, list append, exception, rule disabled) loads and takes
# effect in `shrike -L`. No root needed: -V and -L load the syscall and
# container plugins without starting the eBPF probe.
. "$top_srcdir/tests/lib.sh"

RULES=$top_srcdir/rules/shrike_rules.yaml
LOCAL=$top_srcdir/rules/shrike_rules.local.yaml
DOC=$top_srcdir/docs/rules.md
run() {
	"$SHRIKE" -c "$top_builddir/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
		-o engine.kind=ebpf "$@"
}
tap_plan 14

out=$(run -V "$RULES" 2>"$T/err"); rc=$?
is "$rc" 0 "shrike -V shrike_rules.yaml exits 0"
like "$out" "shrike_rules\.yaml: Ok \([0-9]+ rules\)" "shrike -V says Ok"
is "$(grep -E 'warning|error' "$T/err")" "" "no warning (no rule matches all event types, no unused macro or list)"

# -V checks each file alone; -r ... --dry-run loads them together, as the
# daemon does
out=$(run -V "$LOCAL" 2>"$T/err"); rc=$?
is "$rc:$(grep -cE 'warning|error' "$T/err")" "0:0" "the shipped local file (comments only) validates, silently"
out=$(run -r "$RULES" -r "$LOCAL" -r "$top_srcdir/rules/rules.d" --dry-run 2>"$T/err"); rc=$?
is "$rc:$(grep -cE 'warning|error' "$T/err")" "0:0" "the default file, the local file and rules.d load together, silently"

run -r "$RULES" -L >"$T/list" 2>/dev/null
# Rule (50 columns) Source Priority Enabled Tags
# (-L cuts names at 50 columns: take names from the file, tags from -L)
sed -n 's/^- rule: //p' "$RULES" >"$T/names"
awk 'NR > 1 { print substr($0, 1, 50) "\t" $NF }' "$T/list" | sed 's/ *\t/\t/' >"$T/tags"
n=$(wc -l <"$T/names")
bad=$(awk -F'\t' '{
	t = "," $2 ","
	if (t !~ /,maturity_[a-z]+,/ || t !~ /,(host|container),/ || t !~ /,mitre_[a-z_]+,/ ||
	    t !~ /,T[0-9][0-9][0-9][0-9](\.[0-9][0-9][0-9])?,/) print $1 " [" $2 "]"
}' "$T/tags")
is "$bad" "" "all $n rules are tagged with maturity, host/container, a mitre_ tactic and a technique id"

# every rule's desc is one line of text (not a block scalar, not empty)
bad=$(awk '/^- rule:/ { if (r != "" && !d) print r; r = $0; d = 0 }
	/^  desc: / { d = ($0 !~ /desc: *[>|]/ && length($0) > 12) }
	END { if (r != "" && !d) print r }' "$RULES")
is "$bad" "" "every rule has a one-line desc"

# the 26 behaviours of issue 5
missing=
for r in "Directory traversal monitored file read" "Read sensitive file trusted after startup" \
	"Read sensitive file untrusted" "Run shell untrusted" "System user interactive" \
	"Terminal shell in container" "Contact K8S API Server From Container" \
	"Netcat Remote Code Execution in Container" "Search Private Keys or Passwords" \
	"Clear Log Activities" "Remove Bulk Data from Disk" "Create Symlink Over Sensitive Files" \
	"Create Hardlink Over Sensitive Files" "Packet socket created in container" \
	"Redirect STDOUT/STDIN to Network Connection in Container" \
	"Linux Kernel Module Injection Detected" "Debugfs Launched in Privileged Container" \
	"Detect release_agent File Container Escapes" "PTRACE attached to process" \
	"PTRACE anti-debug attempt" "Find AWS Credentials" "Execution from /dev/shm" \
	"Drop and execute new binary in container" "Disallowed SSH Connection Non Standard Port" \
	"Fileless execution via memfd_create" "Read environment variable from /proc files"; do
	grep -qxF "$r" "$T/names" || missing="$missing [$r]"
done
is "$missing" "" "every behaviour of issue 5 has its rule, under Falco's name"

# docs/rules.md: a section per rule, every override point named
missing=
while read -r r; do
	grep -qxF "#### $r" "$DOC" || missing="$missing [$r]"
done <"$T/names"
is "$missing" "" "docs/rules.md has a section for every rule"
missing=
for m in $(grep -oE '^- (macro|list): (user_known_[a-z_]+|user_expected_[a-z_]+|[a-z_]+_allowlist)$' "$RULES" |
	awk '{ print $3 }'); do
	grep -q "\`$m\`" "$DOC" || missing="$missing $m"
done
is "$missing" "" "docs/rules.md names every user_known_* macro and *_allowlist list"

# The tuning of docs/rules.md and shrike_rules.local.yaml: the commented
# examples of the local file, uncommented, and the YAML examples of the doc
# load with the default rules and apply.
sed -n 's/^# \{0,1\}\(- \|  \)/\1/p' "$LOCAL" | sed -n '/^- /,$p' >"$T/tuning.yaml"
awk '/^ *```yaml$/ { on = 1; ind = index($0, "`") - 1; next }
	/^ *```$/ { on = 0; next }
	on { print substr($0, ind + 1) }' "$DOC" | awk '/^- (macro|list|rule):/ { keep = 1 } /^[a-z_]+:/ { keep = 0 } keep' \
	>"$T/doc.yaml"
out=$(run -r "$RULES" -r "$T/tuning.yaml" --dry-run 2>"$T/err"); rc=$?
is "$rc:$(grep -cE 'warning|error' "$T/err"):$(grep -c '^- ' "$T/tuning.yaml")" "0:0:5" \
	"the examples of shrike_rules.local.yaml, uncommented, load with the default rules"
out=$(run -r "$RULES" -r "$T/doc.yaml" --dry-run 2>"$T/err"); rc=$?
is "$rc:$(grep -cE 'warning|error' "$T/err"):$(grep -c '^- ' "$T/doc.yaml")" "0:0:5" \
	"the YAML examples of docs/rules.md load with the default rules"
run -r "$RULES" -r "$T/tuning.yaml" -L >"$T/list2" 2>"$T/err"
like "$(grep '^Launch Package Management Process in Container ' "$T/list2")" " no " \
	"a rule disabled in the local file shows as disabled"
cat >"$T/bad.yaml" <<'EOF'
- macro: user_known_read_sensitive_files_activities
  condition: (proc.nmae = backup-agent)
EOF
out=$(run -r "$RULES" -r "$T/bad.yaml" --dry-run 2>&1); rc=$?
like "rc=$rc $(echo $out)" "^rc=2 .*bad\.yaml:2:15: .*proc\.nmae" "a mistake in an override macro is reported at its position"
tap_done
