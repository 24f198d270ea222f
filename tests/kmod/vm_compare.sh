#!/bin/sh
# tests/kmod/vm_compare.sh - the kernel module gives the same records and
# the same alerts as the eBPF probe, on the same kernel; and it reports its
# drops as the eBPF source does.
#
# For each kernel of SK_KMOD_SUITES (default "bullseye bookworm trixie"), shrike.ko
# is built against Debian's headers (tests/kmod/kmod_lib.sh) and ONE VM
# boots with the daemon, its plugins, the module and the test tools
# (tests/ebpf/vm_lib.sh). In the VM the daemon runs twice with the shipped
# configuration and rules, JSON alerts to a file and a capture: first on
# engine.kind ebpf, then, with the module loaded, on engine.kind kmod. Each
# time the actions of tests/ebpf/kernels.sh run: the exec of a program in
# /dev/shm with arguments, /bin/cat /etc/shadow, a TCP connect by a program
# named ssh to a port the kernel picks, the exec of a memfd (execveat),
# setuid then chmod 04755, and a 32-bit open and close (int 0x80 from a
# 64-bit program: the ia32 map of both sources). The files the actions write, exec or chmod are
# made before the first run, so both runs see the same inodes.
#
# Both captures are dumped (capdump) and each action's records (its thread
# id) compared field for field, one test point per action: the same events
# in the same order (the capture's, which the rules saw; a record that
# arrives before one it follows in time is a difference too), each with
# the same parameters. What legitimately
# differs between the two runs is normalised, and only that: the
# timestamps; the thread id of the action, in the header and in the
# parameters tid, pid, vtid, vpid, pgid, vpgid, sid and reaper_tid when
# they hold it; vm_size, vm_rss and vm_swap; the ports the kernel picks for
# the connection (the action's listening and connecting ports); exe_ino,
# exe_ino_ctime and exe_ino_mtime of the memfd, a new file in each run;
# the res of a clone's parent side (the new thread's id: LeakSanitizer
# starts one at exit in a sanitizer build); the ino of a /proc file (made
# at each lookup; the sanitizer runtime reads /proc/self/maps). A
# value against no value (<NA>) is never normalised away. The alerts are
# compared too: the same rule names for the same actions (an alert belongs
# to the action whose record has its evt.time).
#
# Then the drop test, in the same VM: the module loaded with a 64 KiB ring
# per CPU, the daemon on engine.kind kmod, stopped (SIGSTOP) while sysprobe
# storm runs on each CPU (20000 open + close each), so the rings overflow. The daemon must log and alert "Event drops
# detected", as tests/ebpf/drops.sh checks for the eBPF source, and the
# total it logs must equal the module's per-CPU drop counters (the END block of
# the capture: the control pages' `drops`, read by the kmod plugin at
# close) and the lost events of the module's SK_EVT_DROP records; the
# storm's openat records that made it plus the drops cover every open.
#
# The variables of vm_lib.sh (SK_KERNEL_CACHE, SK_KERNEL_MAX_AGE,
# SK_DEBIAN_MIRROR, SK_KERNEL_CONSOLE) apply. Needs what vm_module.sh needs
# and the ebpf plugin; under CI (CI=true) a missing one is a failure.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ebpf/vm_lib.sh"
. "$top_srcdir/tests/kmod/kmod_lib.sh"

kmod_require
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built"
[ -e "$SK_TEST_PLUGINS_DIR/kmod.so" ] || tap_skip_all "the kmod plugin was not built"
[ -r "$top_builddir/shrike.yaml" ] || tap_skip_all "the shipped shrike.yaml is not built"
[ -x "$sysprobe" ] && [ -x "$capdump" ] || tap_skip_all "tests/ebpf/sysprobe and tests/tools/capdump were not built"

# Not sid by default: its 7.2 kernel runs BPF programs on the syscall
# tracepoints with preemption enabled, and the eBPF probe then loses a
# record now and then (a preempted sys_exit program makes the kernel skip
# the next run of it on that CPU: the child's first syscall after a
# clone, in 2 of 5 runs here); the module, which runs with preemption
# disabled, does not. Both sources are tested on sid separately
# (tests/ebpf/kernels.sh, tests/kmod/vm_module.sh); SK_KMOD_SUITES=sid
# compares them there.
suites=${SK_KMOD_SUITES:-bullseye bookworm trixie}
actions="exec shadow net memfd setuid int80"
per_kernel=12
tap_plan $(($(echo $suites | wc -w) * per_kernel))
vm_fetch $suites
kmod_fetch_headers $suites

# ---- the scenario in the VM ---------------------------------------------------

# scenario.sh BIN PLUGINS CONFIG RULES WORK; BIN also holds shrike.ko.
cat >"$T/scenario.sh" <<'EOS'
#!/bin/sh
B=$1 P=$2 C=$3 R=$4 W=$5
echo "== kernel $(uname -r)"
# made once: both runs exec, write and chmod the same inodes
x=/dev/shm/sk-exec-cmp
cp "$B/sysprobe" "$x"
cp "$B/sysprobe" "$W/ssh"
for f in exec.pid shadow.pid net.out memfd.out setuid.out int80.out suid; do : >"$W/$f"; done

# start KIND EXTRA... - the daemon on engine.kind KIND, its pid in $d;
# "== KIND started yes|no"
start() {
	k=$1
	shift
	"$B/shrike" -c "$C" -o plugins_dir="$P" -o engine.kind=$k \
		-o "rules_files=[$R/shrike_rules.yaml, $R/shrike_rules.local.yaml, $R/rules.d]" \
		-o json_output=true -o log_level=info -o watch_config_files=false "$@" \
		--capture "$W/$k.scap" >"$W/$k.alerts" 2>"$W/$k.log" &
	d=$!
	. "$B/daemon_wait.sh"
	wait_started "$W/$k.log" $d $k
	echo "== $k started $started after $waited s"
}
# stop KIND - stop the daemon, "== KIND exit STATUS"
stop() {
	"$B/sysprobe" stop $d 2>/dev/null
	i=0
	while kill -0 $d 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL $d 2>/dev/null
	wait $d
	echo "== $1 exit $?"
}
tid() { sed -n 's/^tid=\([0-9]*\).*/\1/p' "$1" 2>/dev/null; }
# run KIND - the actions under the daemon on KIND, then its records,
# alerts and log
run() {
	k=$1
	start $k
	if [ $started = yes ]; then
		sleep 0.5
		sh -c 'echo $$ >"$1/exec.pid"; exec "$2" sk-arg1 sk-arg2' sh "$W" "$x" >/dev/null 2>&1
		# /bin/cat, not cat: busybox's sh would run the applet as "exe"
		sh -c 'echo $$ >"$1/shadow.pid"; exec /bin/cat /etc/shadow' sh "$W" >/dev/null
		"$W/ssh" net >"$W/net.out"
		"$B/sysprobe" memfdexec >"$W/memfd.out" 2>/dev/null
		"$B/sysprobe" setuid "$W/suid" >"$W/setuid.out"
		# a 32-bit (ia32) open and close: int 0x80 from a 64-bit program
		"$B/sysprobe" int80 /etc/hostname >"$W/int80.out"
		sleep 1
	fi
	stop $k
	n=$(cat "$W/net.out")
	echo "== $k pids exec=$(cat "$W/exec.pid") shadow=$(cat "$W/shadow.pid") net=$(tid "$W/net.out")" \
		"lport=$(echo "$n" | sed -n 's/.* lport=\([0-9]*\).*/\1/p') cport=$(echo "$n" | sed -n 's/.* cport=\([0-9]*\).*/\1/p')" \
		"memfd=$(tid "$W/memfd.out") setuid=$(tid "$W/setuid.out") int80=$(tid "$W/int80.out")"
	pids="$(cat "$W/exec.pid")|$(cat "$W/shadow.pid")|$(tid "$W/net.out")|$(tid "$W/memfd.out")|$(tid "$W/setuid.out")|$(tid "$W/int80.out")"
	echo "== $k dump"
	[ -e "$W/$k.scap" ] && "$B/capdump" "$W/$k.scap" | grep -E "^[0-9]+ ($pids) |^# "
	echo "== $k alerts"
	grep '"rule":' "$W/$k.alerts"
	echo "== $k log"
	tail -n 15 "$W/$k.log"
}

run ebpf
insmod "$B/shrike.ko" 2>&1
echo "== insmod $?"
run kmod
rmmod shrike 2>&1
echo "== rmmod $?"

# drops: a 64 KiB ring per CPU and a storm of opens
insmod "$B/shrike.ko" ring_kb=64 2>&1
echo "== insmod64 $?"
start kmod -o "syscall_event_drops.actions=[log, alert]" -o syscall_event_drops.rate=100 \
	-o syscall_event_drops.max_burst=100
if [ $started = yes ]; then
	# The daemon is stopped (SIGSTOP) during the storms: a reader that
	# does not read is the slow reader whatever the host's load, so the
	# 64 KiB rings overflow in every run. (Left running, the daemon kept
	# up with the storms now and then on a loaded CI host: no drops.)
	kill -STOP $d
	sp=""
	for c in $(seq 0 $(($(nproc) - 1))); do
		taskset -c $c sh -c 'echo $$ >>"$1/storm.pid"; exec "$2" storm 20000' sh "$W" "$B/sysprobe" >>"$W/storm.out" &
		sp="$sp $!"
	done
	wait $sp
	kill -CONT $d
	sleep 0.5
	# a record on each CPU once its ring has room again writes the
	# SK_EVT_DROP record of what that CPU lost
	for c in $(seq 0 $(($(nproc) - 1))); do taskset -c $c /bin/cat /etc/hostname >/dev/null; done
	# the drop check runs every second: wait for its line (up to 30 s)
	i=0
	while ! grep -q 'Event drops detected' "$W/kmod.log" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 1.5
fi
stop drops
rmmod shrike 2>&1
echo "== rmmod64 $?"
s=$(cat "$W/storm.pid" | tr '\n' ' ')
"$B/capdump" "$W/kmod.scap" >"$W/drops.dump"
echo "== drops storm=n=$(awk '{ sub("n=", "", $1); n += $1 } END { print n + 0 }' "$W/storm.out"),storms=$(wc -l <"$W/storm.out")" \
	"opens=$(awk -v t=" $s" 'index(t, " " $2 " ") && $3 == "openat"' "$W/drops.dump" | wc -l)" \
	"stream=$(awk '$3 == "drop" { sub("lost=", "", $4); n += $4 } END { print n + 0 }' "$W/drops.dump")" \
	"records=$(awk '$3 == "drop"' "$W/drops.dump" | wc -l)" \
	"end=$(sed -n 's/^# events=[0-9]* drops=\([0-9]*\)$/\1/p' "$W/drops.dump")" \
	"logged=$(sed -n 's/.*Event drops detected: [0-9]* events lost (\([0-9]*\) in total.*/\1/p' "$W/kmod.log" | tail -n 1)" \
	"lines=$(grep -c 'Event drops detected' "$W/kmod.log")" \
	"alerts=$(grep -c 'Event drops detected' "$W/kmod.alerts")"
echo "== drops log"
grep -E 'drop|WARN|ERR' "$W/kmod.log" | tail -n 8
echo "== dmesg"
dmesg
echo "== end"
EOS

# ---- comparing the records ------------------------------------------------------

# records KIND ACTION - ACTION's records of the run on KIND, one per line,
# normalised: "evt.type param=value ...", without timestamp or thread id;
# a record whose timestamp is lower than the one before it (the capture's
# order, the order the rules saw) gets a field "(order)".
records() {
	_t=$(field "$2" "$(grep "^== $1 pids " "$out")")
	[ -n "$_t" ] || return 0
	_lp=$(field lport "$(grep "^== $1 pids " "$out")")
	_cp=$(field cport "$(grep "^== $1 pids " "$out")")
	section "$1 dump" "$out" | awk -v t="$_t" -v lp="$_lp" -v cp="$_cp" -v act="$2" '
	# port X P NAME - X with every ":P" port (not ":P0...") as ":<NAME>"
	function port(x, p, name,   y, o) {
		if (p == "") return x
		y = x " "; o = ""
		while (match(y, ":" p "[^0-9]")) {
			o = o substr(y, 1, RSTART - 1) ":<" name ">"
			y = substr(y, RSTART + 1 + length(p))
		}
		o = o y
		return substr(o, 1, length(o) - 1)
	}
	$2 != t || $1 ~ /^#/ { next }
	{
		line = $3
		# delivered after a record it precedes: the order itself differs
		if (prev != "" && $1 + 0 < prev + 0) line = line "\t(order)=before the record ahead of it"
		prev = $1
		# tokens name=value; a token without "=" belongs to the value before
		n = 0
		for (i = 4; i <= NF; i++) {
			if ($i ~ /^[a-z_0-9]+=/) { n++; v[n] = $i } else if (n > 0) v[n] = v[n] " " $i
		}
		# a file of /proc: its inode is made at each lookup (the
		# sanitizer runtime of an ASan build reads /proc/self/maps)
		proc = 0
		for (i = 1; i <= n; i++) if (v[i] ~ /^name=\/proc\//) proc = 1
		for (i = 1; i <= n; i++) {
			eq = index(v[i], "=")
			k = substr(v[i], 1, eq - 1)
			x = substr(v[i], eq + 1)
			if (k ~ /^(tid|pid|vtid|vpid|pgid|vpgid|sid|reaper_tid)$/ && x == t) x = "<self>"
			# the parent side of a clone: the id of the new thread (of
			# the action, e.g. the LeakSanitizer thread at exit in an
			# ASan build)
			else if (k == "res" && $3 ~ /^(clone|fork|vfork|clone3)$/ && x ~ /^[1-9][0-9]*$/) x = "<child>"
			else if (proc && k == "ino" && x ~ /^[0-9]+$/) x = "<proc>"
			else if (k ~ /^vm_(size|rss|swap)$/ && x ~ /^[0-9]+$/) x = "<n>"
			else if (act == "memfd" && k ~ /^exe_ino(_ctime|_mtime)?$/ && x ~ /^[0-9]+$/) x = "<n>"
			if (act == "net") x = port(port(x, lp, "lport"), cp, "cport")
			line = line "\t" k "=" x
		}
		print line
	}'
}

# compare_records A B - the differences between two lists of normalised
# records (files), one per line: "evt.type param: ebpf=VALUE kmod=VALUE",
# "evt.type: ebpf only (record N)", "evt.type: kmod only (record N)" or,
# for a record delivered in another place, "evt.type order: ebpf=record N
# kmod=record M". Each record of A is paired with the first record of B of
# the same type not paired yet.
compare_records() {
	awk -F'\t' '
	FNR == NR { e[++ne] = $0; et[ne] = $1; next }
	{ k[++nk] = $0; kt[nk] = $1 }
	function diff(a, b,   na, nb, pa, pb, i, eq, key, m, seen, ord, no, ev, kv) {
		na = split(a, pa, "\t"); nb = split(b, pb, "\t")
		no = 0
		for (i = 2; i <= na; i++) {
			eq = index(pa[i], "="); key = substr(pa[i], 1, eq - 1)
			m["e", key] = substr(pa[i], eq + 1); if (!((key) in seen)) { seen[key] = 1; ord[++no] = key }
		}
		for (i = 2; i <= nb; i++) {
			eq = index(pb[i], "="); key = substr(pb[i], 1, eq - 1)
			m["k", key] = substr(pb[i], eq + 1); if (!((key) in seen)) { seen[key] = 1; ord[++no] = key }
		}
		for (i = 1; i <= no; i++) {
			key = ord[i]
			ev = (("e", key) in m) ? m["e", key] : "(absent)"
			kv = (("k", key) in m) ? m["k", key] : "(absent)"
			if (ev != kv) printf "%s %s: ebpf=%s kmod=%s\n", pa[1], key, ev, kv
		}
	}
	END {
		for (i = 1; i <= ne; i++)
			for (j = 1; j <= nk; j++)
				if (!(j in by) && kt[j] == et[i]) { to[i] = j; by[j] = i; break }
		# a record of B placed before one that A has ahead of it
		top = 0
		for (j = 1; j <= nk; j++) {
			if (!(j in by)) continue
			if (by[j] < top) late[by[j]] = 1
			else top = by[j]
		}
		for (i = 1; i <= ne; i++) {
			if (!(i in to)) { printf "%s: ebpf only (record %d)\n", et[i], i; continue }
			if (i in late) printf "%s order: ebpf=record %d kmod=record %d\n", et[i], i, to[i]
			diff(e[i], k[to[i]])
		}
		for (j = 1; j <= nk; j++) if (!(j in by)) printf "%s: kmod only (record %d)\n", kt[j], j
	}' "$1" "$2"
}

# rules KIND - "action rule" of each alert of the run on KIND that belongs
# to one of the actions (its evt.time is the timestamp of the action's
# record), sorted and unique.
rules() {
	_p=$(grep "^== $1 pids " "$out")
	{
		for _a in $actions; do
			_t=$(field "$_a" "$_p")
			[ -n "$_t" ] && section "$1 dump" "$out" | awk -v t="$_t" -v a="$_a" '$2 == t { print "T " $1 " " a }'
		done
		section "$1 alerts" "$out" | sed -n 's/.*"evt\.time":\([0-9]*\).*/A \1 &/p' |
			sed 's/^\(A [0-9]*\) .*"rule":"\([^"]*\)".*/\1 \2/'
	} | awk '$1 == "T" { act[$2] = $3; next } $1 == "A" && ($2 in act) { r = $3; for (i = 4; i <= NF; i++) r = r " " $i; print act[$2] ": " r }' | sort -u
}

# ---- one kernel -----------------------------------------------------------------

kernel() {
	s=$1
	K=$(vm_label "$s")
	rel=$(cat "$cache/$s/release" 2>/dev/null)
	if [ ! -s "$cache/$s/vmlinuz" ] || [ ! -f "$(kmod_headers "$s")/Makefile" ]; then
		fail "$K: kernel and headers downloaded, shrike.ko builds" \
			"$(printf '%s\n' "$fetch_err$hdr_err" | grep -v '^$' | head -n 5)"
		skip_rest $((per_kernel - 1)) "$K" "no kernel or headers"
		return
	fi
	if kmod_build "$s" "$T/$s/dest" "$T/$s/build.log"; then
		pass "$K: kernel and headers downloaded, shrike.ko builds ($rel, $kmod_how)"
	else
		fail "$K: kernel and headers downloaded, shrike.ko builds (${kmod_how:-gcc})" \
			"$(tail -n 25 "$T/$s/build.log" | sed '2,$s/^/# /')"
		skip_rest $((per_kernel - 1)) "$K" "the module did not build"
		return
	fi
	rm -rf "$T/$s/root"
	vm_root "$T/$s/root" "$T/scenario.sh"
	for a in insmod rmmod dmesg awk wc tail seq nproc taskset; do
		ln -sf busybox "$T/$s/root/bin/$a"
	done
	cp "$ko" "$T/$s/root/shrike/"
	vm_pack "$T/$s/root" "$T/$s/initrd.gz"
	out="$T/$s/console"
	t0=$(date +%s)
	vm_boot "$s" "$T/$s/initrd.gz" "$out"
	echo "# $K: the VM ran $(($(date +%s) - t0)) s"

	est=$(sed -n 's/^== ebpf started //p' "$out" | head -n 1)
	kst=$(sed -n 's/^== kmod started //p' "$out" | head -n 1)
	if [ "${est%% *}" = yes ] && [ "$(sed -n 's/^== ebpf exit //p' "$out")" = 0 ] &&
		[ "$(sed -n 's/^== insmod //p' "$out")" = 0 ] && [ "${kst%% *}" = yes ] &&
		[ "$(sed -n 's/^== kmod exit //p' "$out")" = 0 ] && [ "$(sed -n 's/^== rmmod //p' "$out")" = 0 ]; then
		pass "$K: the daemon runs the actions on engine.kind ebpf (started ${est#yes }), then on kmod (started ${kst#yes }), and stops cleanly"
	else
		fail "$K: the daemon runs the actions on engine.kind ebpf, then on kmod, and stops cleanly" \
			"ebpf started=${est:-?} exit=$(sed -n 's/^== ebpf exit //p' "$out"); insmod=$(sed -n 's/^== insmod //p' "$out");" \
			"kmod started=${kst:-?} exit=$(sed -n 's/^== kmod exit //p' "$out"); rmmod=$(sed -n 's/^== rmmod //p' "$out")" \
			"ebpf log:" "$(section "ebpf log" "$out" | tail -n 6 | sed '2,$s/^/# /')" \
			"kmod log:" "$(section "kmod log" "$out" | tail -n 6 | sed '2,$s/^/# /')" \
			"console (tail):" "$(tail -n 10 "$out" | sed '2,$s/^/# /')"
	fi

	for a in $actions; do
		records ebpf "$a" >"$T/$s/e.$a"
		records kmod "$a" >"$T/$s/k.$a"
		ne=$(wc -l <"$T/$s/e.$a")
		nk=$(wc -l <"$T/$s/k.$a")
		d=$(compare_records "$T/$s/e.$a" "$T/$s/k.$a")
		more=$(printf '%s\n' "$d" | sed -n '81,$p' | wc -l)
		[ "$more" = 0 ] && more="" || more="... and $more more"
		if [ "$ne" -gt 0 ] && [ -z "$d" ]; then
			pass "$K: $a: the same $ne records on ebpf and kmod ($(cut -f1 "$T/$s/e.$a" | tr '\n' ' '))"
		else
			fail "$K: $a: the same records on ebpf and kmod" \
				"ebpf: $ne records ($(cut -f1 "$T/$s/e.$a" | tr '\n' ' ')), kmod: $nk records ($(cut -f1 "$T/$s/k.$a" | tr '\n' ' '))" \
				"$(printf '%s\n' "$d" | head -n 80 | cut -c1-300 | sed '2,$s/^/# /')" ${more:+"$more"}
			printf '%s\n' "$d" | sed "s|^|$s $a |" >>"$T/diffs"
		fi
	done

	er=$(rules ebpf)
	kr=$(rules kmod)
	missing=""
	for r in "exec: Execution from /dev/shm" "shadow: Read sensitive file untrusted" \
		"net: Disallowed SSH Connection Non Standard Port" "memfd: Fileless execution via memfd_create" \
		"setuid: Set Setuid or Setgid bit"; do
		printf '%s\n' "$er" | grep -qxF "$r" || missing="$missing; $r"
	done
	if [ "$er" = "$kr" ] && [ -z "$missing" ]; then
		pass "$K: the same alerts for the same actions on ebpf and kmod ($(printf '%s\n' "$er" | wc -l): $(printf '%s\n' "$er" | tr '\n' ';'))"
	else
		[ -z "$missing" ] || missing="ebpf lacks rules kernels.sh expects: ${missing#; }"
		fail "$K: the same alerts for the same actions on ebpf and kmod" ${missing:+"$missing"} \
			"ebpf only: $(printf '%s\n' "$er" | grep -vxF -e "$kr" -e '' | tr '\n' ';')" \
			"kmod only: $(printf '%s\n' "$kr" | grep -vxF -e "$er" -e '' | tr '\n' ';')" \
			"both: $(printf '%s\n' "$er" | grep -xF -e "$kr" | grep -v '^$' | tr '\n' ';')"
	fi

	dr=$(grep '^== drops storm=' "$out")
	dst=$(sed -n 's/^== kmod started //p' "$out" | sed -n 2p)
	logged=$(field logged "$dr")
	if [ "${dst%% *}" = yes ] && [ "$(sed -n 's/^== drops exit //p' "$out")" = 0 ] &&
		[ "${logged:-0}" -gt 0 ] && [ "$(field alerts "$dr")" -gt 0 ] 2>/dev/null &&
		[ "$(sed -n 's/^== rmmod64 //p' "$out")" = 0 ]; then
		pass "$K: a 64 KiB ring: the daemon on kmod logs and alerts the drops of a storm of opens ($(field lines "$dr") line(s), $(field alerts "$dr") alert(s), $logged in total; $(field storm "$dr"))"
	else
		fail "$K: a 64 KiB ring: the daemon on kmod logs and alerts the drops of a storm of opens" \
			"started=${dst:-?} exit=$(sed -n 's/^== drops exit //p' "$out") insmod=$(sed -n 's/^== insmod64 //p' "$out") rmmod=$(sed -n 's/^== rmmod64 //p' "$out")" \
			"${dr:-no drops line}" "$(section "drops log" "$out" | sed '2,$s/^/# /')"
	fi
	end=$(field end "$dr")
	stream=$(field stream "$dr")
	opens=$(field opens "$dr")
	n=$(field storm "$dr" | sed -n 's/^n=\([0-9]*\).*/\1/p')
	if [ "${logged:-0}" -gt 0 ] && [ "$logged" = "$end" ] && [ "$stream" = "$end" ] &&
		[ -n "$n" ] && [ $((opens + end)) -ge "$n" ] && [ "$opens" -lt "$n" ]; then
		pass "$K: the logged total equals the module's per-CPU drop counters and its SK_EVT_DROP records ($logged = $end = $stream; $opens of $n opens recorded)"
	else
		fail "$K: the logged total equals the module's per-CPU drop counters and its SK_EVT_DROP records" \
			"logged=${logged:-?} end(control pages)=${end:-?} SK_EVT_DROP=${stream:-?} ($(field records "$dr") records);" \
			"storm opens recorded=${opens:-?} of ${n:-?} (recorded + drops must cover them)"
	fi

	bad=$(section dmesg "$out" | grep -E 'Oops|BUG:|WARNING:|Call Trace|general protection|Kernel panic|RIP:|UBSAN|KASAN' || true)
	if [ -z "$bad" ] && grep -q '^== end' "$out"; then
		pass "$K: no oops or warning in dmesg, the VM ran to the end"
	else
		fail "$K: no oops or warning in dmesg, the VM ran to the end" \
			"$(printf '%s\n' "${bad:-the scenario did not finish (qemu status $qrc)}" | head -n 15 | sed '2,$s/^/# /')" \
			"console (tail):" "$(tail -n 15 "$out" | sed '2,$s/^/# /')"
	fi
}

for s in $suites; do
	mkdir -p "$T/$s"
	kernel "$s"
done
# every difference, one per line ("SUITE ACTION evt.type param: ebpf=... kmod=..."),
# in $SK_KERNEL_CONSOLE/kmod-compare.diffs
if [ -s "$T/diffs" ]; then
	echo "# $(wc -l <"$T/diffs") difference(s) between the ebpf and kmod records"
	[ -n "${SK_KERNEL_CONSOLE:-}" ] && cp "$T/diffs" "$SK_KERNEL_CONSOLE/kmod-compare.diffs" 2>/dev/null
fi
tap_done
