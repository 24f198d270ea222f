#!/bin/sh
# tests/integration/privs_program.sh - program_output never puts alert text
# on a shell command line: the configured program (trusted) runs with
# /bin/sh -c and the alert arrives only on its standard input. A live eBPF
# run watches a process whose command line is an injection attempt:
# $(touch ...), backticks, quotes and "; rm ...". The alert reaches the
# program byte for byte, and nothing it names is run: no file is created
# and none removed. Once per alert and with keep_alive.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf source plugin is not built"
[ -x /usr/bin/python3 ] || tap_skip_all "python3 is not installed (scripts/install-deps.sh --test)"

tap_plan 8

cp /bin/true "$T/victim"
mkdir "$T/keep"
a1="\$(touch $T/pwned-dollar)"
a2="\`touch $T/pwned-backtick\`"
a3="'\"; touch $T/pwned-quote; \""
a4="; rm -rf $T/keep"
cat >"$T/rules.yaml" <<RULES
- rule: victim runs
  desc: the process with a hostile command line
  condition: evt.type = execve and proc.exepath = "$T/victim"
  output: VICTIM cmd=%proc.cmdline
  priority: WARNING
RULES
for keep in false true; do
	cat >"$T/$keep.yaml" <<YAML
engine:
  kind: ebpf
plugins:
  - name: syscall
    library_path: syscall
load_plugins: [syscall]
rules_files: [$T/rules.yaml]
json_output: true
stdout_output:
  enabled: false
program_output:
  enabled: true
  keep_alive: $keep
  program: "cat >> $T/got-$keep.txt"
YAML
	"$SHRIKE" -c "$T/$keep.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" 2>"$T/$keep.err" &
	pid=$!
	on_exit "kill $pid 2>/dev/null"
	if ! wait_for 30 grep -q "source 'ebpf' started" "$T/$keep.err"; then
		fail "keep_alive=$keep: shrike starts" "$(tail -n 5 "$T/$keep.err")"
		continue
	fi
	"$T/victim" "$a1" "$a2" "$a3" "$a4"
	wait_for 10 grep -q "VICTIM" "$T/got-$keep.txt"
	kill -TERM $pid
	wait $pid
	# proc.cmdline as the program read it (JSON: no escaping left)
	line=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["output_fields"]["proc.cmdline"])' "$T/got-$keep.txt" 2>&1)
	is "$line" "victim $a1 $a2 $a3 $a4" \
		"keep_alive=$keep: the alert reaches the program's stdin intact"
	if [ -e "$T/pwned-dollar" ] || [ -e "$T/pwned-backtick" ] || [ -e "$T/pwned-quote" ]; then
		fail "keep_alive=$keep: no command from the alert ran" "$(ls "$T")"
	else
		pass "keep_alive=$keep: no command from the alert ran (no file created)"
	fi
	if [ -d "$T/keep" ]; then
		pass "keep_alive=$keep: '; rm -rf' in the alert removed nothing"
	else
		fail "keep_alive=$keep: '; rm -rf' in the alert removed nothing"
	fi
	like "$(cat "$T/$keep.err")" "output program_output: 1 alerts sent, 0 failed" "keep_alive=$keep: counted as sent"
done
tap_done
