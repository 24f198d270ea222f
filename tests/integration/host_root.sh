#!/bin/sh
# tests/integration/host_root.sh - HOST_ROOT without a container: the daemon
# (--dry-run, which loads and initialises every plugin) reads the host's
# processes under $HOST_ROOT/proc and logs the host root once; "/" means
# no host root; a HOST_ROOT with no /proc under it fails with a message
# naming HOST_ROOT; a proc_root the configuration sets is used as written.
# tests/deploy/image.sh checks the same inside the image.
. "$top_srcdir/tests/lib.sh"

[ -r /proc/1/stat ] || tap_skip_all "no /proc"
tap_plan 5

# a host root whose proc is this machine's /proc
mkdir -p "$T/host"
ln -s /proc "$T/host/proc"
# the shipped rules, every other setting its default (not the installed
# shrike.yaml: make check runs before make install)
echo "rules_files: [$top_srcdir/rules/shrike_rules.yaml]" >"$T/shrike.yaml"
run() { "$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -o log_level=info --dry-run "$@" 2>&1; }

out=$(HOST_ROOT="$T/host/" run)
like "$(printf '%s\n' "$out" | grep -c "host root $T/host (HOST_ROOT)")" '^1$' \
	"HOST_ROOT=$T/host/: the host root is logged once, without the trailing slash"
like "$out" "\\[plugin:syscall\\] read [0-9]+ threads .* from $T/host/proc\$" \
	"the syscall plugin reads the processes from \$HOST_ROOT/proc"

out=$(HOST_ROOT=/ run)
like "$(printf '%s\n' "$out" | grep -c 'host root') $(printf '%s\n' "$out" | grep 'read [0-9]* threads')" \
	'^0 .* from /proc$' "HOST_ROOT=/: no host root, /proc as it is"

out=$(HOST_ROOT="$T/none" run); rc=$?
like "$rc $(printf "%s" "$out" | tr "\n" " ")" "^2 .*cannot read processes from $T/none/proc: .*HOST_ROOT is $T/none: mount the host's / there" \
	"a HOST_ROOT without /proc: exit 2, and the message names HOST_ROOT"

out=$(HOST_ROOT="$T/none" run -o 'plugins=[{name: syscall, library_path: syscall, init_config: {proc_root: /proc}}]' \
	-o 'load_plugins=[syscall]'); rc=$?
like "$rc $(printf "%s" "$out" | tr "\n" " ")" '^0 .*read [0-9]+ threads .* from /proc' \
	"a proc_root the configuration sets is used as written, HOST_ROOT or not"
tap_done
