#!/bin/sh
# tests/ebpf/ia32.sh - 32-bit (ia32) syscalls on x86-64 are recorded as the
# same events as 64-bit ones. The daemon records (--capture) while a
# 32-bit static program (tests/ebpf/ia32prog.c, built here with gcc -m32
# -static) opens a file with open and openat, makes a TCP connection
# through socketcall and another with the direct socket calls, fails an
# execve, forks and execs /bin/true; and while a 64-bit program opens a
# file through int 0x80. capdump prints the capture; the test asserts the
# parameters of each record. Needs root and gcc-multilib.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ebpf/lib.sh"

[ "$(uname -m)" = x86_64 ] || tap_skip_all "x86-64 only"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built (configure --enable-ebpf)"
prog="$T/ia32prog"
${CC:-gcc} -m32 -static -O2 -o "$prog" "$top_srcdir/tests/ebpf/ia32prog.c" 2>"$T/cc.err" ||
	tap_skip_all "cannot build a 32-bit static program (gcc-multilib): $(head -c 200 "$T/cc.err")"
"$prog" "$T" >/dev/null 2>"$T/run.err" ||
	tap_skip_all "cannot run a 32-bit program (kernel without IA32 emulation?): $(head -c 200 "$T/run.err")"
rm -f "$T/ia32-open"

ebpf_config "$T/shrike.yaml"
ebpf_start "$T/shrike.yaml" --capture "$T/cap.scap"

out=$("$prog" "$T")
is "$?" 0 "the 32-bit program ran"
int80_out=$("$top_builddir/tests/ebpf/sysprobe" int80 /etc/hostname)
sleep 0.5 # the reader polls at most every 30 ms; leave it time
ebpf_stop
"$top_builddir/tests/tools/capdump" "$T/cap.scap" >"$T/dump" 2>"$T/dump.err"
is "$?" 0 "capdump reads the capture"

# val NAME TEXT - the value of NAME=... in TEXT.
val() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }
# line PATTERN - the first dump line matching the extended regex.
line() { grep -E -m1 -- "$1" "$T/dump"; }
pid=$(val pid "$out")
child=$(val child "$out")
lport=$(val lport "$out")
cport=$(val cport "$out")
dport=$(val dport "$out")
f="$T/ia32-open"
dev=$(stat -c %d "$f")
ino=$(stat -c %i "$f")

l=$(line "^[0-9]+ $pid execve res=0 ")
is "$(val filename "$l")" "$prog" "exec of the 32-bit program: filename"
is "$(val comm "$l")" "ia32prog" "exec of the 32-bit program: comm"

l=$(line "^[0-9]+ $pid open ")
like "$l" " open fd=$(val ofd "$out") name=$f flags=O_CREAT[|]O_WRONLY mode=0644 " \
	"open (ia32 5): fd, name, flags, mode"
is "$(val ino "$l")" "$ino" "open: ino of the file created"
is "$(($(val dev "$l")))" "$dev" "open: dev of the file created"
l=$(line "^[0-9]+ $pid openat ")
like "$l" " openat fd=$(val afd "$out") dirfd=-100 name=$f flags=O_RDONLY " \
	"openat (ia32 295): fd, dirfd, name, flags"
is "$(val ino "$l")" "$ino" "openat: ino"
like "$(line "^[0-9]+ $pid close res=0 fd=$(val ofd "$out")")" "close" "close (ia32 6)"

lfd=$(val lfd "$out")
cfd=$(val cfd "$out")
sfd=$(val sfd "$out")
dfd=$(val dfd "$out")
like "$(line "^[0-9]+ $pid socket fd=$lfd ")" "domain=AF_INET type=1 proto=0" \
	"socketcall SYS_SOCKET: a socket record"
like "$(line "^[0-9]+ $pid bind ")" "bind res=0 addr=127.0.0.1:0 fd=$lfd" \
	"socketcall SYS_BIND: the address, the fd"
like "$(line "^[0-9]+ $pid listen ")" "listen res=0 fd=$lfd backlog=8" "socketcall SYS_LISTEN"
like "$(line "^[0-9]+ $pid connect .* fd=$cfd ")" \
	"connect res=0 tuple=127.0.0.1:$cport->127.0.0.1:$lport fd=$cfd addr=127.0.0.1:$lport" \
	"socketcall SYS_CONNECT: tuple, fd, addr"
like "$(line "^[0-9]+ $pid accept ")" "accept fd=$sfd tuple=127.0.0.1:$cport->127.0.0.1:$lport " \
	"socketcall SYS_ACCEPT: the new fd and its tuple"
like "$(line "^[0-9]+ $pid connect .* fd=$dfd ")" \
	"connect res=0 tuple=127.0.0.1:$dport->127.0.0.1:$lport fd=$dfd addr=127.0.0.1:$lport" \
	"connect (ia32 362, direct): tuple, fd, addr"

l=$(line "^[0-9]+ $pid execve res=-2")
is "$(val filename "$l")" "$T/no-such-program" "a failed execve (ia32 11): res=ENOENT, filename"
like "$(line "^[0-9]+ $pid fork res=$child ")" "tid=$pid pid=$pid " "fork (ia32 2): the parent's record"
like "$(line "^[0-9]+ $child fork res=0 ")" "tid=$child pid=$child ptid=$pid " \
	"fork: the child's record"
l=$(line "^[0-9]+ $child execve res=0 ")
is "$(val filename "$l")" "/bin/true" "the child's execve (ia32) of /bin/true: filename"
is "$(val comm "$l")" "true" "the child's execve: comm of the new image"

tid=$(val tid "$int80_out")
l=$(line "^[0-9]+ $tid open ")
like "$l" "open fd=$(val fd "$int80_out") name=/etc/hostname flags=O_RDONLY " \
	"int 0x80 from a 64-bit process: recorded as open"
is "$(val ino "$l")" "$(stat -L -c %i /etc/hostname)" "int 0x80 open: ino"

tap_plan "$_tap_n"
tap_done
