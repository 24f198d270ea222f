#!/bin/sh
# tests/integration/ebpf_fields.sh - the syscall and container plugins on
# real events: shrike runs the eBPF source (engine.kind: ebpf) with both
# plugins and records a capture while this script runs real programs; then
# tests/tools/fieldcheck replays the capture through the same plugins and
# prints the fields of the matching events, which must be exactly what the
# programs did: `cat /etc/shadow` (openat, fd.name, proc.name, proc.pname,
# user.name root, container.id host), a failed open, a TCP connect and its
# accept (tuple, roles), symlink and link arguments, a run as another user,
# an exec from a memfd, UDP datagrams from a new socket to two peers and
# their reception (the tuple from the sendto/recvfrom address,
# fd.name_changed), a process with three threads (proc.nthreads, fd.types).
# Rules shaped as Falco's outbound and inbound macros (datagram branch)
# check the live path of the UDP events.
# A rule on fd.sip.name = localhost checks the live path of domain names:
# the rule engine hands the name to the syscall plugin, whose resolver
# thread looks it up (/etc/hosts) while the events flow.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf source plugin is not built"
PY=/usr/bin/python3
[ -x "$PY" ] || tap_skip_all "python3 is not installed (scripts/install-deps.sh --test)"
. "$top_srcdir/tests/integration/ebpf_capture_lib.sh"

tap_plan 27

# the last rule has no evt.type in its condition: the probe keeps
# recording everything the configuration says (plus the datagram calls)
# for the fieldcheck part; the UDP rules come first (an event gives one
# alert, the first rule's that matches: fd.sip.name = localhost would too)
cat >"$T/rules.yaml" <<RULES
- rule: UDP out
  desc: Falco's outbound macro, datagram branch (no address filter)
  condition: >
    evt.type in (sendto, sendmsg) and fd.l4proto != tcp and fd.connected = false
    and fd.name_changed = true and fd.typechar = 4 and evt.rawres >= 0 and proc.cwd = "$T/w/"
  output: udp-out evt=%evt.type name=%fd.name rip=%fd.rip rport=%fd.rport
  priority: NOTICE
- rule: UDP in
  desc: Falco's inbound macro, datagram branch (no address filter)
  condition: >
    evt.type in (recvfrom, recvmsg) and fd.l4proto != tcp and fd.connected = false
    and fd.name_changed = true and fd.typechar = 4 and evt.rawres >= 0 and proc.cwd = "$T/w/"
  output: udp-in evt=%evt.type name=%fd.name rip=%fd.rip rport=%fd.rport
  priority: NOTICE
- rule: Named server
  desc: fd.sip.name with a name from /etc/hosts
  condition: fd.sip.name = localhost and proc.cwd = "$T/w/"
  output: named-server evt=%evt.type sip_name=%fd.sip.name sport=%fd.sport
  priority: NOTICE
RULES
cat >"$T/shrike.yaml" <<YAML
engine:
  kind: ebpf
  ebpf:
    syscalls: [sendto, sendmsg, recvfrom, recvmsg]
rules_files: [$T/rules.yaml]
plugins:
  - name: syscall
    library_path: syscall
  - name: container
    library_path: container
load_plugins: [syscall, container]
stdout_output:
  enabled: true
YAML
capture_start

# ---- the workload ----
mkdir "$T/w"
cd "$T/w" || exit 1
sh -c 'cat /etc/shadow >/dev/null'
cat "$T/w/nonexistent" 2>/dev/null
echo data >"$T/w/file"
ln -s /etc/passwd "$T/w/symlink"
ln "$T/w/file" "$T/w/hardlink"
# the scratch directory is 0700: nobody's open fails with EACCES
setpriv --reuid=65534 --regid=65534 --clear-groups cat "$T/w/nobody-reads" 2>/dev/null
"$PY" - "$T/port" <<'PYEOF'
import socket, sys
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
port = srv.getsockname()[1]
open(sys.argv[1], "w").write(str(port))
cli = socket.create_connection(("127.0.0.1", port))
conn, _ = srv.accept()
conn.close(); cli.close(); srv.close()
PYEOF
port=$(cat "$T/port")
"$PY" - "$T/udp" <<'PYEOF'
import socket, sys
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("127.0.0.1", 0))
rx2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx2.bind(("127.0.0.2", 0))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tx.sendto(b"a", rx.getsockname())
tx.sendto(b"b", rx.getsockname())
tx.sendto(b"c", rx2.getsockname())
rx.recvfrom(16)
rx.recvfrom(16)
rx2.recvmsg(16)
open(sys.argv[1], "w").write("%d %d %d" % (tx.getsockname()[1], rx.getsockname()[1],
                                           rx2.getsockname()[1]))
PYEOF
read -r udp udprx udprx2 <"$T/udp"
"$PY" - "$T/w/threads-marker" <<'PYEOF'
import os, socket, sys, threading
go = threading.Event()
threads = [threading.Thread(target=go.wait) for _ in range(2)]
for t in threads:
    t.start()
s = socket.socket()
r, w = os.pipe()
open(sys.argv[1], "w").close()
go.set()
for t in threads:
    t.join()
PYEOF
"$PY" - <<'PYEOF'
import os
fd = os.memfd_create("shrike-memfd", 0)
with open("/bin/true", "rb") as f:
    os.write(fd, f.read())
pid = os.fork()
if pid == 0:
    os.execv("/proc/self/fd/%d" % fd, ["memfd-true"])
os.waitpid(pid, 0)
PYEOF
cd / || exit 1
capture_stop
rc=$capture_rc
is "$rc" 0 "shrike with the eBPF source and both plugins stops cleanly"

# every condition names this test's own directory (proc.cwd or a path in
# it): other tests may run programs at the same time
got=$(fc "evt.type in (open, openat, openat2) and fd.name = /etc/shadow and proc.cwd = $T/w/" \
	evt.type fd.name proc.name proc.pname user.name user.uid container.id evt.res evt.is_open_read)
is "$got" "evt.type=openat fd.name=/etc/shadow proc.name=cat proc.pname=sh user.name=root user.uid=0 container.id=host evt.res=SUCCESS evt.is_open_read=true" \
	"cat /etc/shadow: openat of /etc/shadow by cat, child of sh, as root, on the host"

got=$(fc "evt.type = execve and proc.name = cat and proc.args = /etc/shadow and proc.cwd = $T/w/" proc.exepath proc.cmdline proc.pname proc.cwd)
is "$got" "proc.exepath=/usr/bin/cat proc.cmdline=cat /etc/shadow proc.pname=sh proc.cwd=$T/w/" \
	"the execve of cat: exepath, cmdline, parent and working directory"

got=$(fc "evt.type in (open, openat, openat2) and fd.nameraw = $T/w/nonexistent" evt.res evt.rawres evt.failed fd.name fd.num)
is "$got" "evt.res=ENOENT evt.rawres=-2 evt.failed=true fd.name=$T/w/nonexistent fd.num=-1" \
	"a failed open: ENOENT, and fd.name still names the file"

got=$(fc "evt.type in (open, openat, openat2) and fd.name = $T/w/file" evt.is_open_write evt.is_open_create fd.directory fd.filename fd.typechar)
is "$got" "evt.is_open_write=true evt.is_open_create=true fd.directory=$T/w fd.filename=file fd.typechar=f" \
	"a shell redirection: open for writing with O_CREAT"

got=$(fc "evt.type in (symlink, symlinkat) and evt.arg.target = /etc/passwd and proc.cwd = $T/w/" evt.arg.linkpath proc.name evt.res)
is "$got" "evt.arg.linkpath=$T/w/symlink proc.name=ln evt.res=SUCCESS" "symlink: evt.arg.target and evt.arg.linkpath"

got=$(fc "evt.type in (link, linkat) and proc.name = ln and proc.cwd = $T/w/" evt.arg.oldpath evt.arg.newpath)
is "$got" "evt.arg.oldpath=$T/w/file evt.arg.newpath=$T/w/hardlink" "link: evt.arg.oldpath and evt.arg.newpath"

got=$(fc "evt.type in (open, openat, openat2) and fd.name = $T/w/nobody-reads" proc.name user.uid user.name group.gid group.name evt.res)
is "$got" "proc.name=cat user.uid=65534 user.name=nobody group.gid=65534 group.name=nogroup evt.res=EACCES" \
	"setpriv to nobody: user and group names from /etc/passwd and /etc/group"

got=$(fc "evt.type = connect and fd.sport = $port" fd.sip fd.rip fd.cip fd.lip fd.l4proto fd.is_server fd.connected proc.name evt.res fd.type)
is "$got" "fd.sip=127.0.0.1 fd.rip=127.0.0.1 fd.cip=127.0.0.1 fd.lip=127.0.0.1 fd.l4proto=tcp fd.is_server=false fd.connected=true proc.name=python3 evt.res=SUCCESS fd.type=ipv4" \
	"connect: the tuple, client role"
like "$(fc "evt.type = connect and fd.sport = $port" fd.name)" "^fd.name=127\\.0\\.0\\.1:[0-9]+->127\\.0\\.0\\.1:$port\$" \
	"connect: fd.name is client->server"

got=$(fc "evt.type in (accept, accept4) and fd.lport = $port" fd.is_server fd.sport fd.typechar)
is "$got" "fd.is_server=true fd.sport=$port fd.typechar=4" "accept: the server end, local port = server port"

got=$(fc "evt.type = bind and proc.name = python3 and evt.arg.addr = 127.0.0.1:0 and proc.cwd = $T/w/" fd.name fd.is_server fd.typechar evt.res)
is "$got" "fd.name=127.0.0.1:0 fd.is_server=true fd.typechar=4 evt.res=SUCCESS" \
	"bind: fd.name is the address as bound (port 0: the kernel's choice is not in the call)"

# UDP: the tuple of a sendto on an unconnected socket is the destination
# given (the local end: 0.0.0.0 and the port the kernel picked); the first
# datagram names the fd, the second to the same peer changes nothing, one to
# another peer renames it; the receiver's recvfrom names the sender
got=$(fc "evt.type = sendto and fd.cport = $udp and fd.sport = $udprx and fd.name_changed = true" \
	evt.arg.tuple fd.name fd.rip fd.rport fd.lport fd.l4proto fd.is_server fd.connected)
is "$got" "evt.arg.tuple=0.0.0.0:$udp->127.0.0.1:$udprx fd.name=0.0.0.0:$udp->127.0.0.1:$udprx fd.rip=127.0.0.1 fd.rport=$udprx fd.lport=$udp fd.l4proto=udp fd.is_server=false fd.connected=false" \
	"sendto on an unconnected UDP socket: the destination given, and it names the fd"
got=$(fc "evt.type = sendto and fd.cport = $udp and fd.sport = $udprx and fd.name_changed = false" evt.type)
is "$got" "evt.type=sendto" "a second datagram to the same peer leaves the name as it was"
got=$(fc "evt.type = sendto and fd.cport = $udp and fd.sport = $udprx2" fd.name fd.name_changed fd.rip)
is "$got" "fd.name=0.0.0.0:$udp->127.0.0.2:$udprx2 fd.name_changed=true fd.rip=127.0.0.2" \
	"a datagram to another peer renames the fd: fd.name_changed"
got=$(fc "evt.type = recvfrom and fd.lport = $udprx and fd.name_changed = true" \
	evt.arg.tuple fd.name fd.cip fd.cport fd.rip fd.rport fd.is_server)
is "$got" "evt.arg.tuple=127.0.0.1:$udp->127.0.0.1:$udprx fd.name=127.0.0.1:$udp->127.0.0.1:$udprx fd.cip=127.0.0.1 fd.cport=$udp fd.rip=127.0.0.1 fd.rport=$udp fd.is_server=true" \
	"recvfrom: the sender's address, and the bound socket is the server"
got=$(fc "evt.type = recvfrom and fd.lport = $udprx and fd.name_changed = false" evt.type)
is "$got" "evt.type=recvfrom" "a second datagram from the same sender leaves the name as it was"
got=$(fc "evt.type = recvmsg and fd.lport = $udprx2" fd.name fd.name_changed)
is "$got" "fd.name=127.0.0.1:$udp->127.0.0.2:$udprx2 fd.name_changed=true" \
	"recvmsg: the sender's address from msg_name"

# the live rules shaped as Falco's outbound/inbound macros fire once per
# new peer, not for the repeated datagram
got=$(grep -c "udp-out evt=sendto name=0\.0\.0\.0:$udp->" "$T/out")
is "$got" 2 "the outbound rule fires for the two peers of the sender"
like "$(grep "udp-out evt=sendto name=0\.0\.0\.0:$udp->127\.0\.0\.2" "$T/out")" \
	"name=0\.0\.0\.0:$udp->127\.0\.0\.2:$udprx2 rip=127\.0\.0\.2 rport=$udprx2\$" \
	"outbound: the second peer's address and port"
like "$(grep "udp-in evt=recvfrom name=127\.0\.0\.1:$udp->127\.0\.0\.1:$udprx" "$T/out")" \
	"rip=127\.0\.0\.1 rport=$udp\$" "the inbound rule fires on the receiver, remote end = the sender"

got=$(fc "evt.type in (open, openat, openat2) and fd.name = $T/w/threads-marker" proc.nthreads proc.nchilds fd.types)
like "$got" "^proc.nthreads=3 proc.nchilds=2 fd.types=file(,[a-z_]+)*,ipv4(,[a-z_]+)*,pipe(,[a-z_]+)*\$" \
	"three threads: proc.nthreads, proc.nchilds; fd.types lists file, ipv4 and pipe once"

# the live rule: fd.sip.name = localhost matched the python client's connect
like "$(grep "named-server evt=connect" "$T/out" | head -n 1)" \
	"named-server evt=connect sip_name=localhost sport=$port\$" \
	"a rule on fd.sip.name = localhost fires on the connect to 127.0.0.1 (resolved in the background)"

got=$(fc "evt.type = execve and proc.exe = memfd-true" proc.is_exe_from_memfd proc.pname)
is "$got" "proc.is_exe_from_memfd=true proc.pname=python3" "exec of a memfd: proc.is_exe_from_memfd"

got=$(fc "evt.type = execve and proc.name = cat and proc.args = /etc/shadow and proc.cwd = $T/w/" proc.is_exe_from_memfd proc.is_exe_upper_layer)
is "$got" "proc.is_exe_from_memfd=false proc.is_exe_upper_layer=false" "a plain exec is neither from a memfd nor an upper layer"

got=$(fc "evt.type = procexit and proc.name = ln and proc.cwd = $T/w/" evt.type proc.name evt.dir)
is "$got" "evt.type=procexit proc.name=ln evt.dir=<" "the exit event still resolves the process"

if [ -s "$T/fc.err" ]; then
	fail "fieldcheck ran without errors" "$(head -n 5 "$T/fc.err")"
else
	pass "fieldcheck ran without errors"
fi
tap_done
