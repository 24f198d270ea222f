#!/bin/sh
# tests/ebpf/capture.sh - the eBPF source on the running kernel: the daemon
# with engine.kind: ebpf records (--capture) while the test runs real
# programs; the capture, printed by capdump with the event table's parameter
# names, holds exactly the expected records: an exec of /bin/true and its
# exit, a failed execve, both sides of a fork, cat's openat of /etc/hostname (path, fd, flags, dev, inode), a failed
# openat (ENOENT), symlink/link/unlink with their paths, socket/bind/listen/
# connect/accept on 127.0.0.1 with the right tuple; datagrams (sendto,
# recvfrom, sendmsg, recvmsg on IPv4, IPv6 and unix sockets) whose tuple
# names the address of the call when the socket is not connected; and none
# of the daemon's own syscalls (writes of the capture file included). Needs
# root and python3.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ebpf/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built (configure --enable-ebpf)"
PY=/usr/bin/python3
[ -x "$PY" ] || tap_skip_all "python3 is not installed (scripts/install-deps.sh --test)"

capdump="$top_builddir/tests/tools/capdump"
sysprobe="$top_builddir/tests/ebpf/sysprobe"

cat >"$T/shrike.yaml" <<EOF
rules_files: []
stdout_output:
  enabled: false
engine:
  kind: ebpf
  ebpf:
    buf_size_preset: 4
    syscalls: [write, sendto, recvfrom, sendmsg, recvmsg]
log_level: info
EOF

ebpf_start "$T/shrike.yaml" --capture "$T/cap.scap"
daemon_tids=$(ls /proc/$daemon/task | tr '\n' ' ')

# The workload.
sh -c 'echo $$ >"$1"; exec /bin/true' sh "$T/true.pid"
true_pid=$(cat "$T/true.pid")
# a failed execve (sys_exit's exec program, through its tail call) and a
# fork whose parent's record is sys_exit's clone program
sh -c 'echo $$ >"$1"; exec "$2" 2>/dev/null' sh "$T/noexec.pid" "$T/no-such-program"
noexec_pid=$(cat "$T/noexec.pid")
sh -c 'echo $$ >"$1"; /bin/true & echo $! >"$2"; wait' sh "$T/parent.pid" "$T/child.pid"
parent_pid=$(cat "$T/parent.pid")
child_pid=$(cat "$T/child.pid")
# with fds 3-9 closed, cat's file is fd 3
sh -c 'exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; echo $$ >"$1"; exec cat /etc/hostname' \
	sh "$T/cat.pid" >/dev/null
cat_pid=$(cat "$T/cat.pid")
mkdir "$T/d"
files_out=$("$sysprobe" files "$T/d")
net_out=$("$sysprobe" net)
unix_out=$("$sysprobe" unix "$T/d")
memfd_out=$("$sysprobe" memfdexec)
# datagrams: each socket's fd and port, printed as NAME=VALUE
dgram_out=$("$PY" - "$T/d" <<'PYEOF'
import socket, sys, threading
d = sys.argv[1]
v = {"tid": threading.get_native_id()}
D = socket.SOCK_DGRAM
rx = socket.socket(socket.AF_INET, D)
rx.bind(("127.0.0.1", 0))
tx = socket.socket(socket.AF_INET, D)
tx.sendto(b"a", rx.getsockname())
rx.recvfrom(16)
tx.sendmsg([b"b"], [], 0, rx.getsockname())
rx.recvmsg(16)
# connected: the socket's own peer, whatever sendto names; recv() passes
# no address: the socket's own tuple
cu = socket.socket(socket.AF_INET, D)
cu.connect(rx.getsockname())
cu.sendto(b"c", ("127.0.0.1", 9))
cu.send(b"d")
rx.recv(16)
r6 = socket.socket(socket.AF_INET6, D)
r6.bind(("::1", 0))
t6 = socket.socket(socket.AF_INET6, D)
t6.sendto(b"e", r6.getsockname())
r6.recvfrom(16)
ru = socket.socket(socket.AF_UNIX, D)
ru.bind(d + "/ru.sock")
tu = socket.socket(socket.AF_UNIX, D)
tu.bind(d + "/tu.sock")
tu.sendto(b"f", d + "/ru.sock")
ru.recvfrom(16)
ra = socket.socket(socket.AF_UNIX, D)
ra.bind("\0sk-dgram")
tu.sendmsg([b"g"], [], 0, "\0sk-dgram")
ra.recvmsg(16)
try:
    tu.sendto(b"h", d + "/nonexistent.sock")
except OSError:
    pass
for k, s in (("rx", rx), ("tx", tx), ("cu", cu), ("r6", r6), ("t6", t6), ("ru", ru),
             ("tu", tu), ("ra", ra)):
    v[k + "fd"] = s.fileno()
    if s.family != socket.AF_UNIX:
        v[k + "port"] = s.getsockname()[1]
print(" ".join("%s=%s" % kv for kv in v.items()))
PYEOF
)
sleep 0.5 # the reader polls at most every 30 ms; leave it time
daemon_tids="$daemon_tids $(ls /proc/$daemon/task 2>/dev/null | tr '\n' ' ')"
ebpf_stop

"$capdump" "$T/cap.scap" >"$T/dump" 2>"$T/dump.err"
is "$?" 0 "capdump reads the capture"

# line PATTERN - the first dump line matching the extended regex.
line() { grep -E -m1 -- "$1" "$T/dump"; }
# field NAME LINE - the value of NAME=... in LINE.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }

# exec of /bin/true: the record describes the new image.
l=$(line "^[0-9]+ $true_pid execve res=0 exe=/bin/true ")
like "$l" " res=0 exe=/bin/true args=<NA> tid=$true_pid pid=$true_pid " "execve of /bin/true: res, exe, args, tid, pid"
is "$(field filename "$l")" "/bin/true" "execve filename is the path passed"
is "$(field trusted_exepath "$l")" "$(readlink -f /bin/true)" "execve trusted_exepath is the resolved executable"
is "$(field comm "$l")" "true" "execve comm is the new image's"
is "$(field cwd "$l")" "$(pwd -P)" "execve cwd"
is "$(field exe_ino "$l")" "$(stat -L -c %i /bin/true)" "execve exe_ino is the executable's inode"
is "$(field uid "$l")" "0" "execve uid"
like "$(field cgroups "$l")" "^\[.*=/" "execve cgroups lists controller=path"
is "$(field vpid "$l")" "$true_pid" "execve vpid (host pid namespace)"
l=$(line "^[0-9]+ $true_pid procexit ")
like "$l" "procexit status=0 ret=0 sig=0 core=0" "procexit of /bin/true with status 0"

# the child side of the fork that ran it
l=$(line "^[0-9]+ $true_pid (clone|clone3|fork|vfork) res=0 ")
like "$l" "res=0 .* tid=$true_pid pid=$true_pid ptid=$$ " "the child's clone record (res=0, ptid = this shell)"
l=$(line "^[0-9]+ $noexec_pid execve res=-2")
like "$l" "res=-2\\(ENOENT\\) exe=sh .* tid=$noexec_pid pid=$noexec_pid " \
	"a failed execve: res=ENOENT, the caller's process"
is "$(field filename "$l")" "$T/no-such-program" "a failed execve: the filename passed"
l=$(line "^[0-9]+ $parent_pid (clone|clone3|fork|vfork) res=$child_pid ")
like "$l" " tid=$parent_pid pid=$parent_pid " "the parent's clone record: res = the child"

# cat /etc/hostname
ino=$(stat -c %i /etc/hostname)
dev=$(printf '0x%x' "$(stat -c %d /etc/hostname)")
l=$(line "^[0-9]+ $cat_pid openat [^ ]+ dirfd=-100 name=/etc/hostname ")
is "${l#* * }" "openat fd=3 dirfd=-100 name=/etc/hostname flags=O_RDONLY mode=0 dev=$dev ino=$ino layer=0" \
	"cat's openat of /etc/hostname: exact fd, path, flags, dev, inode"
l=$(line "^[0-9]+ $cat_pid close res=0 fd=3$")
like "$l" "close res=0 fd=3" "cat closes fd 3"

# files: symlink, link, unlink, a failed open
ftid=$(field tid "$files_out")
like "$(line "^[0-9]+ $ftid symlink ")" "symlink res=0 target=target-of-lnk linkpath=$T/d/lnk\$" "symlink: target and linkpath"
like "$(line "^[0-9]+ $ftid link ")" "link res=0 oldpath=$T/d/file newpath=$T/d/hard\$" "link: oldpath and newpath"
like "$(line "^[0-9]+ $ftid unlink ")" "unlink res=0 path=$T/d/hard\$" "unlink: path"
l=$(line "^[0-9]+ $ftid openat .*name=$T/d/nonexistent ")
is "${l#* * }" "openat fd=-2 dirfd=-100 name=$T/d/nonexistent flags=O_RDONLY|O_CLOEXEC mode=0 dev=<NA> ino=<NA> layer=<NA>" \
	"a failed openat: fd = -ENOENT, no dev/inode"

# net: the tuple is client -> server for both ends
ntid=$(field tid "$net_out")
lport=$(field lport "$net_out"); cport=$(field cport "$net_out")
lfd=$(field lfd "$net_out"); cfd=$(field cfd "$net_out"); afd=$(field afd "$net_out")
like "$(line "^[0-9]+ $ntid socket fd=$lfd ")" "socket fd=$lfd domain=AF_INET type=1 proto=0" "socket: fd, domain, type"
like "$(line "^[0-9]+ $ntid bind ")" "bind res=0 addr=127.0.0.1:0 fd=$lfd" "bind: the address as passed"
like "$(line "^[0-9]+ $ntid listen ")" "listen res=0 fd=$lfd backlog=8" "listen: fd and backlog"
l=$(line "^[0-9]+ $ntid connect ")
is "${l#* * }" "connect res=0 tuple=127.0.0.1:$cport->127.0.0.1:$lport fd=$cfd addr=127.0.0.1:$lport" \
	"connect: tuple, fd, addr"
l=$(line "^[0-9]+ $ntid accept ")
like "$l" "accept fd=$afd tuple=127.0.0.1:$cport->127.0.0.1:$lport " "accept: new fd and tuple (client first)"

# fexecve of a memfd: execveat with AT_EMPTY_PATH, the exe flagged as
# coming from a memfd
mtid=$(field tid "$memfd_out")
mfd=$(field fd "$memfd_out")
l=$(line "^[0-9]+ $mtid execveat ")
like "$l" "execveat res=0 exe=sk-memfd-exe args=<NA> tid=$mtid pid=$mtid " "execveat of a memfd: res, exe, tid"
like "$(field flags "$l")" "EXE_FROM_MEMFD" "execveat of a memfd: flags say EXE_FROM_MEMFD"
is "$(field trusted_exepath "$l")" "/memfd:sk-memfd" "execveat of a memfd: trusted_exepath names the memfd"
like "$l" " dirfd=$mfd pathname=\$" "execveat of a memfd: dirfd and the empty pathname"
like "$(line "^[0-9]+ $mtid memfd_create ")" "memfd_create fd=$mfd name=sk-memfd flags=0\$" "memfd_create: fd, name, flags"

# a refused connect: the remote end comes from the address passed; unix
# sockets by path and by abstract name
utid=$(field tid "$unix_out")
uport=$(field port "$unix_out")
like "$(line "^[0-9]+ $utid connect res=-111")" \
	"connect res=-111\(ECONNREFUSED\) tuple=0\.0\.0\.0:0->127\.0\.0\.1:$uport fd=[0-9]+ addr=127\.0\.0\.1:$uport\$" \
	"a refused connect keeps the address it was given in its tuple"
like "$(line "^[0-9]+ $utid bind .*u\.sock")" "bind res=0 addr=unix:$T/d/u\.sock fd=" "bind of a unix socket path"
like "$(line "^[0-9]+ $utid connect res=0 tuple=unix:.*u\.sock")" \
	"connect res=0 tuple=unix:0x[0-9a-f]+->0x[0-9a-f]+:$T/d/u\.sock fd=[0-9]+ addr=unix:$T/d/u\.sock\$" \
	"connect to a unix socket path: tuple and address"
like "$(line "^[0-9]+ $utid connect res=0 tuple=unix:.*@")" \
	"connect res=0 tuple=unix:0x[0-9a-f]+->0x[0-9a-f]+:@sk-abstract fd=[0-9]+ addr=unix:@sk-abstract\$" \
	"connect to an abstract unix socket: the name, exactly"

# datagrams: an unconnected socket's tuple names the address of the call
# (sendto/sendmsg: the destination given, the local end with the port the
# kernel picked; recvfrom/recvmsg: the sender the kernel wrote back, the
# peer first); a connected one keeps its own peer
gtid=$(field tid "$dgram_out")
g() { field "$1" "$dgram_out"; }
rx=$(g rxport); tx=$(g txport); cu=$(g cuport); r6=$(g r6port); t6=$(g t6port)
l=$(line "^[0-9]+ $gtid sendto res=1 .* fd=$(g txfd) ")
is "${l#* * }" "sendto res=1 data=<NA> fd=$(g txfd) size=1 tuple=0.0.0.0:$tx->127.0.0.1:$rx" \
	"sendto, unconnected IPv4: the destination given"
l=$(line "^[0-9]+ $gtid recvfrom res=1 .* fd=$(g rxfd) ")
is "${l#* * }" "recvfrom res=1 data=<NA> tuple=127.0.0.1:$tx->127.0.0.1:$rx fd=$(g rxfd) size=16" \
	"recvfrom, unconnected IPv4: the sender's address, peer first"
l=$(line "^[0-9]+ $gtid sendmsg res=1 .* fd=$(g txfd) ")
is "${l#* * }" "sendmsg res=1 data=<NA> fd=$(g txfd) size=<NA> tuple=0.0.0.0:$tx->127.0.0.1:$rx" \
	"sendmsg, unconnected IPv4: the destination in msg_name"
l=$(line "^[0-9]+ $gtid recvmsg res=1 .* fd=$(g rxfd)\$")
is "${l#* * }" "recvmsg res=1 size=<NA> data=<NA> tuple=127.0.0.1:$tx->127.0.0.1:$rx fd=$(g rxfd)" \
	"recvmsg, unconnected IPv4: the sender's address from msg_name"
n=$(grep -E -c "^[0-9]+ $gtid sendto res=1 data=<NA> fd=$(g cufd) size=1 tuple=127\.0\.0\.1:$cu->127\.0\.0\.1:$rx\$" "$T/dump")
is "$n" 2 "sendto on a connected UDP socket (with an address and without): the socket's own tuple"
n=$(grep -E -c "^[0-9]+ $gtid recvfrom res=1 data=<NA> tuple=0\.0\.0\.0:0->127\.0\.0\.1:$rx fd=$(g rxfd) size=16\$" "$T/dump")
is "$n" 1 "recv() (no address asked for) on an unconnected socket: the socket's own tuple"
l=$(line "^[0-9]+ $gtid sendto res=1 .* fd=$(g t6fd) ")
is "${l#* * }" "sendto res=1 data=<NA> fd=$(g t6fd) size=1 tuple=[::]:$t6->[::1]:$r6" \
	"sendto, unconnected IPv6: the destination given"
l=$(line "^[0-9]+ $gtid recvfrom res=1 .* fd=$(g r6fd) ")
is "${l#* * }" "recvfrom res=1 data=<NA> tuple=[::1]:$t6->[::1]:$r6 fd=$(g r6fd) size=16" \
	"recvfrom, unconnected IPv6: the sender's address"
like "$(line "^[0-9]+ $gtid sendto res=1 .* fd=$(g tufd) ")" \
	"sendto res=1 data=<NA> fd=$(g tufd) size=1 tuple=unix:0x[0-9a-f]+->0x0:$T/d/ru\.sock\$" \
	"sendto, unix datagram socket: the destination path"
like "$(line "^[0-9]+ $gtid recvfrom res=1 .* fd=$(g rufd) ")" \
	"recvfrom res=1 data=<NA> tuple=unix:0x0->0x[0-9a-f]+:$T/d/ru\.sock fd=$(g rufd) size=16\$" \
	"recvfrom, unix datagram socket: the receiver's own path, as Falco has it"
like "$(line "^[0-9]+ $gtid sendmsg res=1 .* fd=$(g tufd) ")" \
	"sendmsg res=1 data=<NA> fd=$(g tufd) size=<NA> tuple=unix:0x[0-9a-f]+->0x0:@sk-dgram\$" \
	"sendmsg, unix datagram socket: an abstract destination name"
like "$(line "^[0-9]+ $gtid recvmsg res=1 .* fd=$(g rafd)\$")" \
	"recvmsg res=1 size=<NA> data=<NA> tuple=unix:0x0->0x[0-9a-f]+:@sk-dgram fd=$(g rafd)\$" \
	"recvmsg, abstract unix datagram socket: its own name"
like "$(line "^[0-9]+ $gtid sendto res=-2")" \
	"sendto res=-2\(ENOENT\) data=<NA> fd=$(g tufd) size=1 tuple=unix:0x[0-9a-f]+->0x0:$T/d/nonexistent\.sock\$" \
	"a failed sendto still names the destination it was given"

# The daemon's own syscalls are never recorded (it wrote the capture
# file with write(2), which this configuration records).
own=0
for t in $daemon_tids; do
	n=$(awk -v t="$t" '$2 == t' "$T/dump" | wc -l)
	own=$((own + n))
done
is "$own" 0 "no record comes from the daemon's own threads ($daemon_tids)"
n=$(awk '$3 == "write"' "$T/dump" | wc -l)
ok=0; [ "$n" -gt 0 ] && ok=1
is "$ok" 1 "writes of other processes are recorded ($n), so the check above means something"
# (other tests may load the machine at the same time: drops are allowed
# here, silent ones are not; tests/ebpf/drops.sh checks them)
end=$(tail -n1 "$T/dump")
like "$end" "^# events=[0-9]+ drops=[0-9]+$" "the capture ends cleanly (END block)"
d=$(printf '%s\n' "$end" | sed -n 's/.*drops=//p')
n=$(awk '$3 == "drop" { sub("lost=", "", $4); n += $4 } END { print n + 0 }' "$T/dump")
ok=0; [ "${d:-0}" -ge "$n" ] && ok=1
is "$ok" 1 "every drop in the stream is in the END block's count ($n <= ${d:-0})"

# engine.ebpf.paths_at_entry: the open family's path comes from the copy
# taken at entry; the records read the same
ebpf_config "$T/entry.yaml"
sed -i 's/^  kind: ebpf$/  kind: ebpf\n  ebpf:\n    paths_at_entry: true/' "$T/entry.yaml"
mv "$T/log" "$T/log.first"
ebpf_start "$T/entry.yaml" --capture "$T/entry.scap"
sh -c 'exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; echo $$ >"$1"; exec cat /etc/hostname' \
	sh "$T/cat2.pid" >/dev/null
cat2_pid=$(cat "$T/cat2.pid")
sleep 0.5
ebpf_stop
"$capdump" "$T/entry.scap" >"$T/entry.dump" 2>&1
like "$(grep -E -m1 "^[0-9]+ $cat2_pid openat .*name=/etc/hostname " "$T/entry.dump")" \
	"openat fd=[0-9]+ dirfd=-100 name=/etc/hostname flags=O_RDONLY mode=0 dev=0x[0-9a-f]+ ino=[0-9]+ layer=0$" \
	"paths_at_entry: cat's openat carries the path copied at entry"

tap_plan "$_tap_n"
tap_done
