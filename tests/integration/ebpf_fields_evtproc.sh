#!/bin/sh
# tests/integration/ebpf_fields_evtproc.sh - fields_evtproc.c's fields on
# real events: shrike runs the eBPF source with the syscall plugin and
# records a capture while this script runs programs whose values are known
# in advance; tests/tools/fieldcheck replays the capture and prints the
# fields. Pinned: the process group of `setsid -w sh` and its child
# (proc.pgid*, proc.is_pgid_leader), the error counters of a failed open,
# connect, mkdir and mmap (evt.count.error.*), the arguments and
# environments of a chain of shells (proc.aargs, proc.aenv), the memory of
# a process that touched 64 MiB (proc.vm*, thread.vm*), page faults of a
# process running before the capture (from /proc, through the capture's
# state records) and of a forked child, a write to a file named */dev/log
# (evt.is_syslog), and the constant fields (evt.count, evt.is_async ...).
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf source plugin is not built"
PY=/usr/bin/python3
[ -x "$PY" ] || tap_skip_all "python3 is not installed (scripts/install-deps.sh --test)"
command -v setsid >/dev/null || tap_skip_all "setsid (util-linux) is not installed"
. "$top_srcdir/tests/integration/ebpf_capture_lib.sh"

tap_plan 22

mkdir "$T/w" "$T/w/dev"
# a process that runs before the capture starts: the /proc scan's facts
# (page faults, memory) reach the replay through the state records
(cd "$T/w" && exec sleep 30) &
early=$!
on_exit "kill $early 2>/dev/null"

cat >"$T/shrike.yaml" <<YAML
engine:
  kind: ebpf
  ebpf:
    capture_env: true
    syscalls: [mmap, munmap, write]
plugins:
  - name: syscall
    library_path: syscall
load_plugins: [syscall]
stdout_output:
  enabled: true
YAML
capture_start

# ---- the workload ----
cd "$T/w" || exit 1
# a new session and process group: sh leads it, its cat does not
setsid -w sh -c 'echo $$ >pgid-leader; cat /etc/hostname >/dev/null; true'
pg=$(cat pgid-leader)
# failures: ENOENT open (file), EEXIST mkdir (other: no fd, not an open),
# ECONNREFUSED connect (net), EBADF mmap (memory)
cat "$T/w/nonexistent" 2>/dev/null
mkdir "$T/w" 2>/dev/null
"$PY" - <<'PYEOF'
import ctypes, socket
s = socket.socket()
try:
    s.connect(("127.0.0.1", 1))
except OSError:
    pass
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                      ctypes.c_int, ctypes.c_long]
libc.mmap(None, 4096, 1, 2, 12345, 0)  # PROT_READ, MAP_PRIVATE, a bad fd: EBADF
PYEOF
# ancestors' arguments and environments (a small environment: the
# records cut it at 4096 bytes, and `env` appends its variables)
env -i PATH=/usr/bin:/bin SK_AENV_OUTER=outer-value sh -c \
	'env SK_AENV_INNER=inner-value sh -c "SK_AENV_SELF=self cat \$1; true" inner0 "$1"' \
	outer0 "$T/w/aenv-target" 2>/dev/null
# memory: 64 MiB touched, then an munmap records the process's figures;
# a second thread and a forked child open markers too
"$PY" - "$T/w" <<'PYEOF'
import mmap, os, sys, threading
d = sys.argv[1]
m = mmap.mmap(-1, 64 << 20)
for i in range(0, 64 << 20, 4096):
    m[i] = 1
small = mmap.mmap(-1, 4096)
small.close()
open(d + "/vm-marker", "w").close()
t = threading.Thread(target=lambda: open(d + "/vm-thread-marker", "w").close())
t.start()
t.join()
pid = os.fork()
if pid == 0:
    open(d + "/fork-marker", "w").close()
    os._exit(0)
os.waitpid(pid, 0)
with open(d + "/dev/log", "w") as f:
    f.write("syslog-like\n")
with open(d + "/plain", "w") as f:
    f.write("plain\n")
PYEOF
kill $early
wait $early 2>/dev/null
cd / || exit 1
capture_stop
rc=$capture_rc
is "$rc" 0 "shrike with the eBPF source stops cleanly"


# ---- process group ----
got=$(fc "evt.type in (open, openat) and fd.name = /etc/hostname and proc.cwd = $T/w/ and proc.name = cat" \
	proc.pgid proc.pgid.name proc.pgid.exe proc.is_pgid_leader proc.pname)
is "$got" "proc.pgid=$pg proc.pgid.name=sh proc.pgid.exe=sh proc.is_pgid_leader=false proc.pname=sh" \
	"cat in setsid's group: proc.pgid is its shell's pid, the shell leads"
got=$(fc "evt.type in (open, openat) and fd.name = $T/w/pgid-leader" proc.pid proc.pgid proc.is_pgid_leader proc.pgid.exepath)
like "$got" "^proc.pid=$pg proc.pgid=$pg proc.is_pgid_leader=true proc.pgid.exepath=/.*sh\$" \
	"the shell's own open: it leads its process group"

# ---- error counters ----
got=$(fc "evt.type in (open, openat) and fd.nameraw = $T/w/nonexistent" \
	evt.count evt.count.error evt.count.error.file evt.count.error.net evt.count.error.memory evt.count.error.other evt.count.exit)
is "$got" "evt.count=1 evt.count.error=1 evt.count.error.file=1 evt.count.error.net=<NA> evt.count.error.memory=<NA> evt.count.error.other=<NA> evt.count.exit=1" \
	"a failed open counts as a file error"
got=$(fc "evt.type in (open, openat) and fd.name = /etc/hostname and proc.cwd = $T/w/" evt.count.error evt.count.error.file)
is "$got" "evt.count.error=0 evt.count.error.file=0" "a successful open: no error"
got=$(fc "evt.type = connect and fd.sport = 1 and proc.cwd = $T/w/" evt.res evt.count.error evt.count.error.net evt.count.error.file)
is "$got" "evt.res=ECONNREFUSED evt.count.error=1 evt.count.error.net=1 evt.count.error.file=<NA>" \
	"a refused connect counts as a network error"
got=$(fc "evt.type in (mkdir, mkdirat) and proc.cwd = $T/w/ and evt.failed = true" evt.res evt.count.error.other evt.count.error.file)
is "$got" "evt.res=EEXIST evt.count.error.other=1 evt.count.error.file=<NA>" \
	"a failed mkdir has no fd and is no open: Falco counts it as 'other'"
got=$(fc "evt.type = mmap and evt.failed = true and proc.cwd = $T/w/" evt.res evt.count.error.memory evt.count.error.other)
is "$got" "evt.res=EBADF evt.count.error.memory=1 evt.count.error.other=<NA>" \
	"a failed mmap counts as a memory error"

# ---- ancestors ----
got=$(fc "evt.type in (open, openat) and fd.name = $T/w/aenv-target" \
	proc.aargs[0] proc.aargs[1] proc.aenv[SK_AENV_INNER] proc.aenv[SK_AENV_OUTER] proc.aenv[SK_AENV_SELF] proc.env[SK_AENV_SELF])
is "$got" "proc.aargs[0]=$T/w/aenv-target proc.aargs[1]=-c SK_AENV_SELF=self cat \$1; true inner0 $T/w/aenv-target proc.aenv[SK_AENV_INNER]=inner-value proc.aenv[SK_AENV_OUTER]=outer-value proc.aenv[SK_AENV_SELF]= proc.env[SK_AENV_SELF]=self" \
	"proc.aargs by level; proc.aenv[NAME] looks at the parents only"
got=$(fc "evt.type in (open, openat) and fd.name = $T/w/aenv-target" proc.aargs[2] proc.aenv[0])
like "$got" "^proc.aargs\\[2\\]=-c env SK_AENV_INNER=inner-value sh -c .* outer0 $T/w/aenv-target proc.aenv\\[0\\]=.*SK_AENV_SELF=self" \
	"proc.aargs[2] is the outer shell's; proc.aenv[0] is the process's own environment"
got=$(fc "evt.type in (open, openat) and fd.name = $T/w/aenv-target and proc.aenv contains \"SK_AENV_INNER=inner-value\" and not proc.aenv[2] contains SK_AENV_INNER" evt.type)
is "$got" "evt.type=openat" "proc.aenv without argument matches any parent; the grandparent has no SK_AENV_INNER"
got=$(fc "evt.type in (open, openat) and fd.name = $T/w/aenv-target" proc.aargs)
like "$got" "^proc.aargs=-c SK_AENV_SELF=self cat .* inner0 .* -c env SK_AENV_INNER" \
	"proc.aargs without index: every parent's arguments, nearest first"

# ---- memory and page faults ----
got=$(fc "evt.type in (open, openat) and fd.name = $T/w/vm-marker" proc.vmrss proc.vmsize thread.vmrss thread.vmsize proc.vmswap)
set -- $(echo "$got" | sed 's/[a-z.]*=//g')
if [ "${1:-0}" -ge 65536 ] && [ "${2:-0}" -ge "$1" ] && [ "$3" = "$1" ] && [ "$4" = "$2" ] && [ -n "$5" ]; then
	pass "after touching 64 MiB: proc.vmrss >= 65536 KiB, vmsize >= vmrss, thread.vm* = proc.vm* for the main thread"
else
	fail "after touching 64 MiB: proc.vmrss >= 65536 KiB, vmsize >= vmrss, thread.vm* = proc.vm* for the main thread" "$got"
fi
got=$(fc "evt.type in (open, openat) and fd.name = $T/w/vm-thread-marker" thread.ismain thread.vmrss thread.vmsize proc.vmsize)
like "$got" "^thread.ismain=false thread.vmrss=0 thread.vmsize=0 proc.vmsize=[1-9][0-9]*\$" \
	"another thread: thread.vm* are 0, proc.vmsize is the figure of its clone"
got=$(fc "evt.type in (open, openat) and fd.name = $T/w/fork-marker" thread.pfmajor thread.pfminor proc.vmrss)
like "$got" "^thread.pfmajor=0 thread.pfminor=0 proc.vmrss=[1-9][0-9]*\$" \
	"a forked child: page faults start at 0, memory from its clone record"
got=$(fc "evt.type in (open, openat) and fd.name = /etc/hostname and proc.cwd = $T/w/ and proc.name = cat" thread.pfmajor thread.pfminor)
is "$got" "thread.pfmajor=<NA> thread.pfminor=<NA>" "after an execve the page faults are unknown (no room in the record)"
got=$(fc "evt.type = procexit and proc.pid = $early" thread.pfminor proc.vmrss syscall.type evt.count.exit evt.count.error)
like "$got" "^thread.pfminor=[1-9][0-9]* proc.vmrss=[1-9][0-9]* syscall.type=<NA> evt.count.exit=<NA> evt.count.error=<NA>\$" \
	"a process from before the capture: page faults and memory from /proc; procexit is no syscall"

# ---- event type, syslog, constants ----
got=$(fc "evt.type = write and fd.name = $T/w/dev/log" evt.is_syslog evt.type.is.write evt.type.is[openat] syscall.type)
is "$got" "evt.is_syslog=true evt.type.is.write=1 evt.type.is[openat]=0 syscall.type=write" \
	"a write to */dev/log is a syslog write; evt.type.is and syscall.type"
got=$(fc "evt.type = write and fd.name = $T/w/plain" evt.is_syslog evt.is_wait evt.is_async evt.asynctype evt.plugininfo thread.cpu thread.exectime thread.totexectime)
is "$got" "evt.is_syslog=false evt.is_wait=false evt.is_async=false evt.asynctype=<NA> evt.plugininfo=<NA> thread.cpu=<NA> thread.exectime=0 thread.totexectime=0" \
	"another write; the fields that have no data in Shrike's syscall source"

# times: the parts add up, evt.info is evt.args, evt.outputtime is evt.time
got=$(fc "evt.type = write and fd.name = $T/w/plain" evt.reltime evt.reltime.s evt.reltime.ns evt.deltatime evt.deltatime.s evt.deltatime.ns)
set -- $(echo "$got" | sed 's/[a-z.]*=//g')
if [ $# -eq 6 ] && [ "$1" -gt 0 ] && [ "$1" = "$(($2 * 1000000000 + $3))" ] &&
	[ "$4" = "$(($5 * 1000000000 + $6))" ] && [ "$4" -le "$1" ]; then
	pass "evt.reltime and evt.deltatime split into seconds and nanoseconds"
else
	fail "evt.reltime and evt.deltatime split into seconds and nanoseconds" "$got"
fi
a=$(fc "evt.type = write and fd.name = $T/w/plain" evt.info evt.outputtime | sed 's/^evt.info=//; s/ evt.outputtime=/|/')
b=$(fc "evt.type = write and fd.name = $T/w/plain" evt.args evt.time | sed 's/^evt.args=//; s/ evt.time=/|/')
if [ -n "$a" ] && [ "$a" = "$b" ]; then
	pass "evt.info = evt.args and evt.outputtime = evt.time"
else
	fail "evt.info = evt.args and evt.outputtime = evt.time" "$a" "$b"
fi

if [ -s "$T/fc.err" ]; then
	fail "fieldcheck ran without errors" "$(head -n 5 "$T/fc.err")"
else
	pass "fieldcheck ran without errors"
fi
tap_done
