#!/bin/sh
# tests/integration/ebpf_fields_fd.sh - the fields of plugins/syscall/
# fields_fd.c on real events: shrike runs the eBPF source with the syscall
# and container plugins, poll and ppoll recorded, and captures while this
# script runs programs whose values it knows beforehand; fieldcheck then
# replays the capture and the fields must be exactly those:
#   - a TCP connection to a port /etc/services names (fd.*proto: the names
#     getservbyport(3) gives, or the number), then poll and ppoll on the
#     client, the accepted and the listening socket and a pipe (fdlist.*);
#   - mkdir, rename, link, symlink, unlink and a failed unlink (fs.path.*);
#   - fd.uid of an open (thread id and fd from the program itself),
#     fd.containername / fd.containerdirectory on the host (empty id);
#   - a real overlayfs mounted here (a lower and an upper directory): a file
#     only in the lower layer, one written through the mount (upper), one
#     copied up by an append, a program exec'd from the lower layer and one
#     from the upper (fd.is_lower_layer, fd.is_upper_layer,
#     proc.is_exe_lower_layer, proc.is_exe_upper_layer).
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe and mount an overlayfs"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf source plugin is not built"
PY=/usr/bin/python3
[ -x "$PY" ] || tap_skip_all "python3 is not installed (scripts/install-deps.sh --test)"
[ -r /etc/services ] || tap_skip_all "no /etc/services (the netbase package)"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
grep -qw overlay /proc/filesystems || tap_skip_all "the kernel has no overlayfs"
. "$top_srcdir/tests/integration/ebpf_capture_lib.sh"

tap_plan 21

# the overlay first: a mount that fails is a skip, not a half-run test
O="$T/ovl"
mkdir -p "$O/lower" "$O/upper" "$O/work" "$O/merged"
echo lower >"$O/lower/only-lower"
echo lower >"$O/lower/copied-up"
cp /bin/true "$O/lower/lower-true"
if ! mount -t overlay overlay -o "lowerdir=$O/lower,upperdir=$O/upper,workdir=$O/work" \
	"$O/merged" 2>"$T/mount.err"; then
	tap_skip_all "cannot mount an overlayfs here: $(cat "$T/mount.err")"
fi
on_exit "umount '$O/merged' 2>/dev/null"

cat >"$T/shrike.yaml" <<YAML
engine:
  kind: ebpf
  ebpf:
    syscalls: [poll, ppoll]
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
# TCP on a free port that /etc/services names; the expected names come from
# getservbyport(3), the C library's own reading of the file
"$PY" - "$T/net" <<'PYEOF'
import os, select, socket, sys
srv = None
for line in open("/etc/services"):
    f = line.split("#")[0].split()
    if len(f) < 2 or not f[1].endswith("/tcp"):
        continue
    port = int(f[1].split("/")[0])
    if port <= 1024:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        continue
    srv = s
    break
srv.listen(1)
cli = socket.create_connection(("127.0.0.1", port))
conn, _ = srv.accept()
cport = cli.getsockname()[1]
def svc(p):
    try:
        return socket.getservbyport(p, "tcp")
    except OSError:
        return str(p)
r, w = os.pipe()
cli.send(b"x")
p = select.poll()
for fd in (cli.fileno(), conn.fileno(), srv.fileno(), r):
    p.register(fd, select.POLLIN)
p.poll(0)
import ctypes, ctypes.util
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
class pollfd(ctypes.Structure):
    _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_short), ("revents", ctypes.c_short)]
arr = (pollfd * 2)(pollfd(conn.fileno(), select.POLLIN, 0), pollfd(w, select.POLLOUT, 0))
class timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]
libc.ppoll(arr, 2, ctypes.byref(timespec(0, 0)), None)
open(sys.argv[1], "w").write("%d %s %d %s %d %d %d %d %d\n" % (
    port, svc(port), cport, svc(cport), cli.fileno(), conn.fileno(), srv.fileno(), r, w))
conn.close(); cli.close(); srv.close()
PYEOF
read -r port svc cport csvc clifd connfd srvfd rfd wfd <"$T/net"
# fs.path.*: paths relative to the cwd
"$PY" - "$T/ids" <<'PYEOF'
import os, sys, threading
os.mkdir("sub")
os.rename("sub", "sub2")
open("file", "w").close()
os.link("file", "hl")
os.symlink("/etc/hosts", "sl")
os.unlink("hl")
try:
    os.unlink("never-there")
except OSError:
    pass
fd = os.open("uid-marker", os.O_WRONLY | os.O_CREAT, 0o600)
open(sys.argv[1], "w").write("%d %d\n" % (threading.get_native_id(), fd))
os.close(fd)
PYEOF
read -r tid ufd <"$T/ids"
# the overlay: read a lower file, write an upper one, copy one up, exec both
cat "$O/merged/only-lower" >/dev/null
echo upper >"$O/merged/new-upper"
cat "$O/merged/new-upper" >/dev/null
echo more >>"$O/merged/copied-up"
cat "$O/merged/copied-up" >/dev/null
"$O/merged/lower-true"
cp /bin/true "$O/merged/upper-true"
"$O/merged/upper-true"
cd / || exit 1
capture_stop
rc=$capture_rc
umount "$O/merged"
is "$rc" 0 "shrike with the eBPF source, poll and ppoll recorded, stops cleanly"


# ---- fd.*proto ----
got=$(fc "evt.type = connect and fd.sport = $port and fd.cport = $cport" fd.sproto fd.cproto fd.lproto fd.rproto)
is "$got" "fd.sproto=$svc fd.cproto=$csvc fd.lproto=$csvc fd.rproto=$svc" \
	"connect to $port/tcp: fd.sproto is /etc/services' '$svc', the client port as getservbyport gives it"
got=$(fc "evt.type in (accept, accept4) and fd.sport = $port and fd.cport = $cport" fd.lproto fd.rproto)
is "$got" "fd.lproto=$svc fd.rproto=$csvc" "accept: the server end is local (fd.lproto = '$svc')"
got=$(fc "evt.type = connect and fd.sport = $port and fd.proto = $port" fd.num)
is "$got" "fd.num=$clifd" "fd.proto matches the server port"

# ---- fdlist.* ----
got=$(fc "evt.type in (poll, ppoll) and proc.cwd = $T/w/ and fdlist.nums = \"$clifd,$connfd,$srvfd,$rfd\"" \
	fdlist.cips fdlist.sips fdlist.cports fdlist.sports)
is "$got" "fdlist.cips=127.0.0.1,127.0.0.1 fdlist.sips=127.0.0.1,127.0.0.1,127.0.0.1 fdlist.cports=$cport,$cport fdlist.sports=$port,$port" \
	"poll: the addresses and ports of the sockets in its fd list (the listening one has only a server end)"
got=$(fc "evt.type in (poll, ppoll) and proc.cwd = $T/w/ and fdlist.nums = \"$clifd,$connfd,$srvfd,$rfd\"" fdlist.names)
like "$got" "^fdlist.names=127\\.0\\.0\\.1:$cport->127\\.0\\.0\\.1:$port,127\\.0\\.0\\.1:$cport->127\\.0\\.0\\.1:$port,127\\.0\\.0\\.1:$port,pipe:\\[[0-9]+\\]\$" \
	"poll: fdlist.names, the pipe's too"
got=$(fc "evt.type in (poll, ppoll) and proc.cwd = $T/w/ and fdlist.nums = \"$connfd,$wfd\"" fdlist.cports evt.res)
is "$got" "fdlist.cports=$cport evt.res=SUCCESS" "ppoll: its own fd list"

# ---- fs.path.* ----
got=$(fc "evt.type in (mkdir, mkdirat) and proc.cwd = $T/w/ and evt.res = SUCCESS" fs.path.name fs.path.nameraw fs.path.source)
is "$got" "fs.path.name=$T/w/sub fs.path.nameraw=sub fs.path.source=<NA>" "mkdir: fs.path.name made absolute, nameraw as passed"
got=$(fc "evt.type in (rename, renameat, renameat2) and proc.cwd = $T/w/" fs.path.source fs.path.sourceraw fs.path.target fs.path.targetraw)
is "$got" "fs.path.source=$T/w/sub fs.path.sourceraw=sub fs.path.target=$T/w/sub2 fs.path.targetraw=sub2" \
	"rename: source is the old name, target the new one"
got=$(fc "evt.type in (link, linkat) and proc.cwd = $T/w/ and proc.name = python3" fs.path.source fs.path.target)
is "$got" "fs.path.source=$T/w/hl fs.path.target=$T/w/file" "link: source is the new link, target the existing file"
got=$(fc "evt.type in (symlink, symlinkat) and proc.cwd = $T/w/ and proc.name = python3" fs.path.source fs.path.target fs.path.targetraw)
is "$got" "fs.path.source=$T/w/sl fs.path.target=/etc/hosts fs.path.targetraw=/etc/hosts" "symlink: source is the link, target what it points to"
got=$(fc "evt.type in (unlink, unlinkat) and proc.cwd = $T/w/ and evt.res = SUCCESS" fs.path.name fs.path.nameraw)
is "$got" "fs.path.name=$T/w/hl fs.path.nameraw=hl" "unlink: the removed path"
got=$(fc "evt.type in (unlink, unlinkat) and proc.cwd = $T/w/ and evt.res = ENOENT" evt.arg.name fs.path.name)
like "$got" "fs.path.name=<NA>\$" "a failed unlink has no fs.path.name"

# ---- fd.uid, fd.container* ----
got=$(fc "evt.type in (open, openat) and fd.name = $T/w/uid-marker" fd.uid fd.containername fd.containerdirectory fd.is_upper_layer fd.is_lower_layer)
is "$got" "fd.uid=$tid$ufd fd.containername=:$T/w/uid-marker fd.containerdirectory=:$T/w fd.is_upper_layer=false fd.is_lower_layer=false" \
	"fd.uid is tid and fd number; on the host the container id is empty; not on an overlayfs"

# ---- the overlayfs layers ----
got=$(fc "evt.type in (open, openat) and fd.name = $O/merged/only-lower" fd.is_lower_layer fd.is_upper_layer)
is "$got" "fd.is_lower_layer=true fd.is_upper_layer=false" "a file only in the lower layer: fd.is_lower_layer"
got=$(fc "evt.type in (open, openat) and fd.name = $O/merged/new-upper and proc.name = cat" fd.is_lower_layer fd.is_upper_layer)
is "$got" "fd.is_lower_layer=false fd.is_upper_layer=true" "a file written through the mount: fd.is_upper_layer"
got=$(fc "evt.type in (open, openat) and fd.name = $O/merged/copied-up and proc.name = cat" fd.is_lower_layer fd.is_upper_layer)
is "$got" "fd.is_lower_layer=false fd.is_upper_layer=true" "a lower file appended to is copied up: upper"
got=$(fc "evt.type = execve and proc.exepath = $O/merged/lower-true" proc.is_exe_lower_layer proc.is_exe_upper_layer)
is "$got" "proc.is_exe_lower_layer=true proc.is_exe_upper_layer=false" "exec from the lower layer: proc.is_exe_lower_layer"
got=$(fc "evt.type = execve and proc.exepath = $O/merged/upper-true" proc.is_exe_lower_layer proc.is_exe_upper_layer)
is "$got" "proc.is_exe_lower_layer=false proc.is_exe_upper_layer=true" "exec from the upper layer: proc.is_exe_upper_layer"
got=$(fc "evt.type = execve and proc.name = cat and proc.args = $O/merged/only-lower" proc.is_exe_lower_layer proc.is_exe_upper_layer)
is "$got" "proc.is_exe_lower_layer=false proc.is_exe_upper_layer=false" "a program not on an overlayfs is in neither layer"

if [ -s "$T/fc.err" ]; then
	fail "fieldcheck ran without errors" "$(head -n 5 "$T/fc.err")"
else
	pass "fieldcheck ran without errors"
fi
tap_done
