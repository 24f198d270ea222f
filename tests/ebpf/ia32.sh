#!/bin/sh
# tests/ebpf/ia32.sh - 32-bit (ia32) syscalls on x86-64 are recorded as the
# same events as 64-bit ones. The daemon records (--capture) while a
# 32-bit static program (tests/ebpf/ia32prog.c, built here with gcc -m32
# -static) opens a file with open and openat, makes a TCP connection
# through socketcall and another with the direct socket calls, fails an
# execve, forks and execs /bin/true; and while a 64-bit program opens a
# file through int 0x80. capdump prints the capture; the test asserts the
# parameters of each record. Needs root and gcc-multilib.
#
# When this machine cannot run a 32-bit program (a kernel without IA32
# emulation: exec gives ENOEXEC), the same steps run inside QEMU on Debian
# kernels that can, with tests/ebpf/vm_lib.sh's kernels and initramfs (the
# 32-bit program added): SK_IA32_SUITES (default "bookworm sid": 6.1 and
# sid's newest) picks them. There the probe takes its entry copies on
# fentry of the ia32 functions (__ia32_compat_sys_execve, __ia32_sys_connect,
# ...), which most hosts refuse. Each test point names the kernel it ran on.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ebpf/vm_lib.sh"

[ "$(uname -m)" = x86_64 ] || tap_skip_all "x86-64 only"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built (configure --enable-ebpf)"
prog="$T/ia32prog"
${CC:-gcc} -m32 -static -O2 -o "$prog" "$top_srcdir/tests/ebpf/ia32prog.c" 2>"$T/cc.err" ||
	tap_skip_all "cannot build a 32-bit static program (gcc-multilib): $(head -c 200 "$T/cc.err")"
host=yes
mkdir -p "$T/try"
"$prog" "$T/try" >/dev/null 2>"$T/run.err" || host=no
if [ $host = yes ]; then
	[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
else
	echo "# this kernel cannot run a 32-bit program ($(head -c 200 "$T/run.err" | tr '\n' ' ')):" \
		"the checks run in QEMU"
	vm_require
fi

# run.sh BIN PLUGINS PROG WORK: the daemon (the ebpf source, no rules,
# a capture) while PROG and sysprobe int80 run; BIN holds shrike, sysprobe
# and capdump. Prints sections "== NAME" the checks below read.
cat >"$T/run.sh" <<'EOF'
#!/bin/sh
B=$1 P=$2 X=$3 W=$4
echo "== kernel $(uname -r)"
printf '%s\n' "rules_files: []" "stdout_output:" "  enabled: false" "engine:" \
	"  kind: ebpf" "log_level: debug" >"$W/shrike.yaml"
"$B/shrike" -c "$W/shrike.yaml" -o plugins_dir="$P" --capture "$W/cap.scap" >"$W/log" 2>&1 &
d=$!
. "$B/daemon_wait.sh"
wait_started "$W/log" $d
echo "== started $started"
if [ $started = yes ]; then
	"$X" "$W" >"$W/prog.out" 2>"$W/prog.err"
	echo "== prog rc=$? exe=$X work=$W $(cat "$W/prog.out")"
	head -c 300 "$W/prog.err"
	"$B/sysprobe" int80 /etc/hostname >"$W/int80.out" 2>&1
	echo "== int80 $(cat "$W/int80.out")"
	echo "== stat dev=$(stat -c %d "$W/ia32-open") ino=$(stat -c %i "$W/ia32-open")" \
		"hostname_ino=$(stat -L -c %i /etc/hostname)"
	sleep 0.5 # the reader polls at most every 30 ms; leave it time
fi
"$B/sysprobe" stop $d 2>/dev/null
i=0
while kill -0 $d 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL $d 2>/dev/null
wait $d
echo "== exit $?"
echo "== log"
if [ $started = yes ]; then
	grep -E "entry copies|rror|arn" "$W/log" | head -n 20
else
	tail -n 20 "$W/log"
fi
"$B/capdump" "$W/cap.scap" >"$W/dump" 2>"$W/dump.err"
echo "== capdump $?"
head -c 300 "$W/dump.err"
echo "== dump"
# the records of the 32-bit program, its child and sysprobe int80
pids=$(sed -n 's/^pid=\([0-9]*\) .* child=\([0-9]*\).*/\1|\2/p' "$W/prog.out" 2>/dev/null)
tid=$(sed -n 's/^tid=\([0-9]*\).*/\1/p' "$W/int80.out" 2>/dev/null)
grep -E "^[0-9]+ (${pids:-x}|${tid:-x}) " "$W/dump"
echo "== end"
EOF

# head_of NAME FILE - what follows "== NAME " on its line.
head_of() { sed -n "s/^== $1 //p" "$2" | head -n1; }

# line PATTERN - the first record of the dump matching the extended regex.
line() { grep -E -m1 -- "$1" "$dump"; }

# check LABEL OUT - the test points for one kernel's run.sh output OUT.
check() {
	K=$1
	section log "$2" | grep "entry copies" | awk -v k="$K" '{ print "# " k ": " $0 }'
	if [ "$(head_of started "$2")" != yes ]; then
		fail "$K: the daemon loads and attaches the probe" "daemon log:" \
			"$(section log "$2" | sed '2,$s/^/# /')"
		skip_rest 24 "$K:" "the probe did not load"
		return
	fi
	pass "$K: the daemon loads and attaches the probe"
	o=$(head_of prog "$2")
	is "$(field rc "$o")" 0 "$K: the 32-bit program ran"
	[ "$(field rc "$o")" = 0 ] || section prog "$2" | sed 's/^/# /'
	is "$(head_of exit "$2")" 0 "$K: the daemon stops cleanly on SIGTERM"
	is "$(head_of capdump "$2")" 0 "$K: capdump reads the capture"
	dump="$T/dump.$_tap_n"
	section dump "$2" >"$dump"
	i80=$(head_of int80 "$2")
	st=$(head_of stat "$2")
	pid=$(field pid "$o")
	child=$(field child "$o")
	lport=$(field lport "$o")
	cport=$(field cport "$o")
	dport=$(field dport "$o")
	f="$(field work "$o")/ia32-open"
	dev=$(field dev "$st")
	ino=$(field ino "$st")

	l=$(line "^[0-9]+ $pid execve res=0 ")
	is "$(field filename "$l")" "$(field exe "$o")" "$K: exec of the 32-bit program: filename"
	is "$(field comm "$l")" "ia32prog" "$K: exec of the 32-bit program: comm"

	l=$(line "^[0-9]+ $pid open ")
	like "$l" " open fd=$(field ofd "$o") name=$f flags=O_CREAT[|]O_WRONLY mode=0644 " \
		"$K: open (ia32 5): fd, name, flags, mode"
	is "$(field ino "$l")" "$ino" "$K: open: ino of the file created"
	is "$(($(field dev "$l")))" "$dev" "$K: open: dev of the file created"
	l=$(line "^[0-9]+ $pid openat ")
	like "$l" " openat fd=$(field afd "$o") dirfd=-100 name=$f flags=O_RDONLY " \
		"$K: openat (ia32 295): fd, dirfd, name, flags"
	is "$(field ino "$l")" "$ino" "$K: openat: ino"
	like "$(line "^[0-9]+ $pid close res=0 fd=$(field ofd "$o")")" "close" "$K: close (ia32 6)"

	lfd=$(field lfd "$o")
	cfd=$(field cfd "$o")
	sfd=$(field sfd "$o")
	dfd=$(field dfd "$o")
	like "$(line "^[0-9]+ $pid socket fd=$lfd ")" "domain=AF_INET type=1 proto=0" \
		"$K: socketcall SYS_SOCKET: a socket record"
	like "$(line "^[0-9]+ $pid bind ")" "bind res=0 addr=127.0.0.1:0 fd=$lfd" \
		"$K: socketcall SYS_BIND: the address, the fd"
	like "$(line "^[0-9]+ $pid listen ")" "listen res=0 fd=$lfd backlog=8" "$K: socketcall SYS_LISTEN"
	like "$(line "^[0-9]+ $pid connect .* fd=$cfd ")" \
		"connect res=0 tuple=127.0.0.1:$cport->127.0.0.1:$lport fd=$cfd addr=127.0.0.1:$lport" \
		"$K: socketcall SYS_CONNECT: tuple, fd, addr"
	like "$(line "^[0-9]+ $pid accept ")" "accept fd=$sfd tuple=127.0.0.1:$cport->127.0.0.1:$lport " \
		"$K: socketcall SYS_ACCEPT: the new fd and its tuple"
	like "$(line "^[0-9]+ $pid connect .* fd=$dfd ")" \
		"connect res=0 tuple=127.0.0.1:$dport->127.0.0.1:$lport fd=$dfd addr=127.0.0.1:$lport" \
		"$K: connect (ia32 362, direct): tuple, fd, addr"

	l=$(line "^[0-9]+ $pid execve res=-2")
	is "$(field filename "$l")" "$(field work "$o")/no-such-program" "$K: a failed execve (ia32 11): res=ENOENT, filename"
	like "$(line "^[0-9]+ $pid fork res=$child ")" "tid=$pid pid=$pid " "$K: fork (ia32 2): the parent's record"
	like "$(line "^[0-9]+ $child fork res=0 ")" "tid=$child pid=$child ptid=$pid " \
		"$K: fork: the child's record"
	l=$(line "^[0-9]+ $child execve res=0 ")
	is "$(field filename "$l")" "/bin/true" "$K: the child's execve (ia32) of /bin/true: filename"
	is "$(field comm "$l")" "true" "$K: the child's execve: comm of the new image"

	tid=$(field tid "$i80")
	# the open of the file, not the first open of the thread: a sysprobe
	# built with --enable-sanitizers opens /proc/self/... at start-up
	l=$(line "^[0-9]+ $tid open .*name=/etc/hostname ")
	like "$l" "open fd=$(field fd "$i80") name=/etc/hostname flags=O_RDONLY " \
		"$K: int 0x80 from a 64-bit process: recorded as open"
	is "$(field ino "$l")" "$(field hostname_ino "$st")" "$K: int 0x80 open: ino"
}

if [ $host = yes ]; then
	K="host $(uname -r | cut -d. -f1,2)"
	mkdir -p "$T/host"
	vm_hostbin "$T/hostbin"
	sh "$T/run.sh" "$T/hostbin" "$SK_TEST_PLUGINS_DIR" "$prog" "$T/host" >"$T/out.host" 2>&1
	check "$K" "$T/out.host"
else
	suites=${SK_IA32_SUITES:-bookworm sid}
	vm_fetch $suites
	# the initramfs's init runs scenario.sh BIN PLUGINS CONFIG RULES WORK
	cat >"$T/scenario.sh" <<'EOF'
#!/bin/sh
exec sh /shrike/run.sh "$1" "$2" /shrike/ia32prog "$5"
EOF
	vm_root "$T/root" "$T/scenario.sh"
	cp "$T/run.sh" "$T/root/shrike/run.sh"
	cp "$prog" "$T/root/shrike/ia32prog"
	vm_pack "$T/root" "$T/initrd.gz"
	for s in $suites; do
		K=$(vm_label "$s")
		if [ ! -s "$cache/$s/vmlinuz" ]; then
			fail "$K: the kernel is downloaded" "$fetch_err"
			continue
		fi
		rel=$(cat "$cache/$s/release")
		t0=$(date +%s)
		vm_boot "$s" "$T/initrd.gz" "$T/out.$s"
		echo "# kernel $K: $(($(date +%s) - t0)) s"
		if grep -q "^== end" "$T/out.$s"; then
			pass "$K: the VM boots $rel ($(cat "$cache/$s/package")) and runs the checks' steps"
			check "$K" "$T/out.$s"
		else
			fail "$K: the VM boots $rel and runs the checks' steps" "qemu status $qrc; console (tail):" \
				"$(tail -n 30 "$T/out.$s" | sed '2,$s/^/# /')"
		fi
	done
fi

tap_plan "$_tap_n"
tap_done
