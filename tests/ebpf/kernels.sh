#!/bin/sh
# tests/ebpf/kernels.sh - the eBPF probe on five kernels: Debian's newest
# kernel of bullseye (5.10), bookworm (6.1), trixie (6.12) and sid, each
# booted in qemu-system-x86_64 (TCG, no KVM) with a busybox initramfs that
# holds the daemon, its plugins, their shared libraries, the shipped
# configuration and the default rules; and the host's own kernel, with the
# same steps run directly. One kernel's green run proves little (DESIGN.md).
#
# On each kernel the real daemon runs on the shipped shrike.yaml (engine
# ebpf, the default rules, alerts to stdout) with JSON alerts, debug logs
# and a capture (--capture), while a scenario execs a program from
# /dev/shm, runs cat /etc/shadow, makes a TCP connection from a program
# named ssh to a port other than 22, execs a memfd (execveat), and calls
# setuid then chmod 04755. The test checks each record (capdump), each
# default rule's alert, the verifier's count of every program (the
# daemon's debug lines, against the 100k budget), zero drops and a clean
# stop.
#
# The kernels, the initramfs and the qemu command are tests/ebpf/vm_lib.sh's
# (SK_KERNEL_CACHE, SK_KERNEL_MAX_AGE, SK_DEBIAN_MIRROR, SK_KERNEL_CONSOLE
# are described there); SK_KERNEL_SUITES picks the suites (e.g. "bookworm"
# for a quick run). Needs root (the host run loads the probe),
# qemu-system-x86, busybox-static, cpio, apt and dpkg.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ebpf/vm_lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe on the host"
vm_require

suites=${SK_KERNEL_SUITES:-bullseye bookworm trixie sid}
budget=100000
vm_fetch $suites

# ---- the scenario, the same in every VM and on the host ---------------------

# scenario.sh BIN PLUGINS CONFIG RULES WORK: BIN holds shrike, sysprobe and
# capdump; prints sections "== NAME" the checks below read.
cat >"$T/scenario.sh" <<'EOF'
#!/bin/sh
B=$1 P=$2 C=$3 R=$4 W=$5
echo "== kernel $(uname -r)"
"$B/shrike" -c "$C" -o plugins_dir="$P" \
	-o "rules_files=[$R/shrike_rules.yaml, $R/shrike_rules.local.yaml, $R/rules.d]" \
	-o json_output=true -o log_level=debug -o watch_config_files=false \
	--capture "$W/cap.scap" >"$W/alerts" 2>"$W/log" &
d=$!
. "$B/daemon_wait.sh"
wait_started "$W/log" $d
echo "== started $started after $waited s"
if [ $started = yes ]; then
	sleep 0.5
	x=/dev/shm/sk-exec-$$
	cp "$B/sysprobe" "$x"
	sh -c 'echo $$ >"$1/exec.pid"; exec "$2"' sh "$W" "$x" >/dev/null 2>&1
	# /bin/cat, not cat: busybox's shell runs an applet it is asked for by
	# name through /proc/self/exe, and the process is then named "exe"
	sh -c 'echo $$ >"$1/shadow.pid"; exec /bin/cat /etc/shadow' sh "$W" >/dev/null
	cp "$B/sysprobe" "$W/ssh"
	"$W/ssh" net >"$W/net.out"
	"$B/sysprobe" memfdexec >"$W/memfd.out" 2>/dev/null
	: >"$W/suid"
	"$B/sysprobe" setuid "$W/suid" >"$W/setuid.out"
	rm -f "$x"
	sleep 1
fi
"$B/sysprobe" stop $d 2>/dev/null
i=0
while kill -0 $d 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL $d 2>/dev/null
wait $d
echo "== exit $?"
tid() { sed -n 's/^tid=\([0-9]*\).*/\1/p' "$1" 2>/dev/null; }
lport=$(sed -n 's/.* lport=\([0-9]*\).*/\1/p' "$W/net.out" 2>/dev/null)
echo "== pids exec=$(cat "$W/exec.pid" 2>/dev/null) shadow=$(cat "$W/shadow.pid" 2>/dev/null)" \
	"net=$(tid "$W/net.out") lport=$lport memfd=$(tid "$W/memfd.out") setuid=$(tid "$W/setuid.out")" \
	"work=$W"
echo "== log"
cat "$W/log"
echo "== alerts"
grep -E '"rule":"(Execution from /dev/shm|Read sensitive file untrusted|Disallowed SSH Connection Non Standard Port|Fileless execution via memfd_create|Set Setuid or Setgid bit)"' \
	"$W/alerts" | grep -E "sk-exec-$$|/etc/shadow|:$lport|sk-memfd|$W/suid"
echo "== dump"
if [ -e "$W/cap.scap" ]; then
	pids=$(cat "$W/exec.pid" "$W/shadow.pid" 2>/dev/null | tr '\n' '|')
	pids="$pids$(tid "$W/net.out")|$(tid "$W/memfd.out")|$(tid "$W/setuid.out")"
	"$B/capdump" "$W/cap.scap" | grep -E "^[0-9]+ ($pids) |^# "
fi
echo "== end"
EOF

# ---- the initramfs ----------------------------------------------------------
vm_root "$T/root" "$T/scenario.sh"
vm_pack "$T/root" "$T/initrd.gz"
pass "initramfs with busybox, the daemon, its libraries, the shipped config and rules ($(du -k "$T/initrd.gz" | cut -f1) KiB)"

# ---- the checks -------------------------------------------------------------

# lines TEXT - TEXT for fail(): every line a TAP diagnostic, cut at 240
# characters (a verifier log line can be long).
lines() { printf '%s\n' "$1" | cut -c1-240 | sed '2,$s/^/# /'; }
# record PATTERN DESC - a capdump line matches PATTERN; its timestamp in
# $ts (empty when none does).
record() {
	ts=$(section dump "$out" | grep -E -m1 -- "$1" | cut -d' ' -f1)
	if [ -n "$ts" ]; then
		pass "$K: record of $2"
	else
		fail "$K: record of $2" "want: /$1/" "records of the scenario's processes:" \
			"$(lines "$(section dump "$out" | tail -n 40)")"
	fi
}
# alert RULE TEXT DESC - a JSON alert of RULE for the event of the last
# record() (same evt.time), or, without that record, one containing TEXT.
alert() {
	_m="\"evt.time\":$ts,"
	[ -n "$ts" ] || _m=$2
	if section alerts "$out" | grep -F "\"rule\":\"$1\"" | grep -qF -- "$_m"; then
		pass "$K: alert '$1' ($3)"
	else
		fail "$K: alert '$1' ($3)" "want: $_m" "alerts of the scenario:" \
			"$(lines "$(section alerts "$out")")"
	fi
}

# check LABEL OUT - the test points for one kernel's scenario output OUT.
check() {
	K=$1
	out=$2
	log=$(section log "$out")
	if ! grep -q "^== started yes" "$out"; then
		fail "$K: the probe loads and attaches" "$(grep '^== started' "$out")" "daemon log (tail):" \
			"$(lines "$(printf '%s\n' "$log" | tail -n 12)")"
		skip_rest 15 "$K" "the probe did not load"
		return
	fi
	pass "$K: the probe loads and attaches"
	# the verifier's count of every program loaded
	v=$(printf '%s\n' "$log" | sed -n 's/.*eBPF program \([^ :]*\): \([0-9]*\) verified instructions (budget .*/\1 \2/p')
	printf '%s\n' "$v" | sed "/^\$/d; s/^/# kernel $K: /"
	unrep=$(printf '%s\n' "$log" | grep 'verified instructions not reported' || true)
	over=$(printf '%s\n' "$v" | awk -v b=$budget '$2 > b { print $1 " " $2 }')
	if [ -z "$v" ]; then
		fail "$K: the verifier's instruction count is reported for each program" \
			"no 'eBPF program NAME: N verified instructions' line" "$(lines "$unrep")"
	elif [ -n "$unrep" ]; then
		fail "$K: the verifier's instruction count is reported for each program" "$(lines "$unrep")"
	else
		pass "$K: the verifier's instruction count is reported for each program ($(printf '%s\n' "$v" | wc -l))"
	fi
	if [ -z "$v" ]; then
		fail "$K: every program is within the budget of $budget verified instructions" \
			"no count reported"
	elif [ -z "$over" ]; then
		pass "$K: every program is within the budget of $budget verified instructions"
	else
		fail "$K: every program is within the budget of $budget verified instructions" \
			"over the budget: $(lines "$over")"
	fi
	pids=$(section pids "$out"; grep '^== pids' "$out")
	w=$(field work "$pids")
	p=$(field exec "$pids")
	record "^[0-9]+ $p execve res=0 exe=/dev/shm/sk-exec-" "the exec of a program in /dev/shm"
	alert "Execution from /dev/shm" "/dev/shm/sk-exec-" "exec of a program"
	p=$(field shadow "$pids")
	record "^[0-9]+ $p openat fd=[0-9]+ dirfd=-100 name=/etc/shadow flags=O_RDONLY" "cat /etc/shadow"
	alert "Read sensitive file untrusted" "/etc/shadow" "cat /etc/shadow"
	p=$(field net "$pids")
	lport=$(field lport "$pids")
	record "^[0-9]+ $p connect res=0 tuple=127\.0\.0\.1:[0-9]+->127\.0\.0\.1:$lport " "a TCP connect"
	alert "Disallowed SSH Connection Non Standard Port" ":$lport" "a TCP connect by ssh to port $lport"
	p=$(field memfd "$pids")
	record "^[0-9]+ $p execveat res=0 .*EXE_FROM_MEMFD" "the exec of a memfd (execveat)"
	alert "Fileless execution via memfd_create" "sk-memfd" "the exec of a memfd"
	p=$(field setuid "$pids")
	record "^[0-9]+ $p setuid res=0 uid=0" "setuid(0)"
	record "^[0-9]+ $p chmod res=0 filename=$w/suid mode=0?4755" "chmod 04755"
	alert "Set Setuid or Setgid bit" "$w/suid" "chmod 04755"
	d=$(section dump "$out" | grep '^# events=')
	like "$d" "^# events=[0-9]+ drops=0\$" "$K: the capture ends with zero drops"
	is "$(sed -n 's/^== exit //p' "$out")" 0 "$K: the daemon stops cleanly"
}

# ---- the VMs, one after the other, then the host ------------------------------
tall=$(date +%s)
for s in $suites; do
	K=$(vm_label "$s")
	if [ ! -s "$cache/$s/vmlinuz" ]; then
		fail "$K: the kernel is downloaded" "$(lines "$fetch_err")"
		skip_rest 17 "$K" "no kernel"
		continue
	fi
	rel=$(cat "$cache/$s/release")
	pass "$K: kernel $rel ($(cat "$cache/$s/package"))"
	t0=$(date +%s)
	vm_boot "$s" "$T/initrd.gz" "$T/out.$s"
	echo "# kernel $K: $(($(date +%s) - t0)) s"
	if grep -q "^== end" "$T/out.$s"; then
		pass "$K: the VM boots $rel and runs the scenario"
		check "$K" "$T/out.$s"
	else
		fail "$K: the VM boots $rel and runs the scenario" "qemu status $qrc; console (tail):" \
			"$(lines "$(tail -n 30 "$T/out.$s")")"
		skip_rest 16 "$K" "the scenario did not complete"
	fi
done

K="host $(uname -r | cut -d. -f1,2)"
t0=$(date +%s)
mkdir -p "$T/host"
vm_hostbin "$T/hostbin"
sh "$T/scenario.sh" "$T/hostbin" "$SK_TEST_PLUGINS_DIR" "$top_builddir/shrike.yaml" \
	"$top_srcdir/rules" "$T/host" >"$T/out.host" 2>&1
echo "# kernel $K: $(($(date +%s) - t0)) s"
check "$K" "$T/out.host"
echo "# the matrix took $(($(date +%s) - tall)) s"

tap_plan "$_tap_n"
tap_done
