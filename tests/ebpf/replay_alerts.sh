#!/bin/sh
# tests/ebpf/replay_alerts.sh - a capture replays to the live run's alerts.
#
# The real daemon (eBPF source, the default rules plus a test rule file)
# records with --capture while programs act for real: processes that
# started BEFORE the daemon (so their state came from /proc, not from
# events: a shell with a file descriptor it opened earlier, its parent and
# grandparent, its environment) open and close files, and new processes read
# /etc/shadow. Then those processes are gone, and `shrike -e` replays the
# capture through the same rules. The replay must give the same alerts,
# field for field (all but the uuid), because the capture starts with the
# syscall state and keeps every piece the live run read from /proc on the
# way (state records); the values themselves are checked too, so an NA on
# both sides does not pass. Needs root.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf plugin was not built (configure --enable-ebpf)"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed (scripts/install-deps.sh --test)"

sysprobe="$top_builddir/tests/ebpf/sysprobe"
rules_src=$top_srcdir/rules

cat >"$T/test_rules.yaml" <<EOF
- rule: test held fd closed
  desc: a descriptor opened before the daemon started is closed
  condition: evt.type = close and fd.name = "$T/held"
  output: "held fd closed (fd=%fd.num name=%fd.name type=%fd.type proc=%proc.name
    pname=%proc.pname gpname=%proc.aname[2] cmdline=%proc.cmdline exepath=%proc.exepath
    cwd=%proc.cwd user=%user.name uid=%user.uid vpid=%proc.vpid ppid=%proc.ppid
    env=%proc.env[SK_REPLAY_MARK] sid=%proc.sid tty=%proc.tty)"
  priority: NOTICE
- rule: test marker opened
  desc: a process opens the test's marker file
  condition: evt.type in (open, openat) and fd.name = "$T/marker"
  output: "marker opened (proc=%proc.name pname=%proc.pname aname=%proc.aname[3]
    exe=%proc.exe args=%proc.args user=%user.name group=%group.name
    loginuid=%user.loginuid fdname=%fd.name caps=%thread.cap_effective)"
  priority: NOTICE
EOF

cat >"$T/shrike.yaml" <<EOF
rules_files: [$rules_src/shrike_rules.yaml, $T/test_rules.yaml]
json_output: true
json_include_output_property: true
stdout_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $T/live.json
engine:
  kind: ebpf
log_level: info
watch_config_files: false
EOF

# Started before the daemon: a shell (child of a subshell) holding fd 7 on
# $T/held, waiting on a FIFO to go on, then on another (and alive until the
# daemon has read its environment: the probe does not record environments
# by default). Two FIFOs: a second read of one FIFO could open it while the
# first writer still holds it, read end-of-file and go on at once.
mkfifo "$T/go1" "$T/go2"
: >"$T/held"
: >"$T/marker"
(
	cd "$T" && SK_REPLAY_MARK=before-capture sh -c \
		'exec 7>>"$1"; read x <"$2"; cat "$3" >/dev/null; exec 7>&-; read x <"$4"; cat /etc/shadow "$3" >/dev/null; exit 0' \
		sh "$T/held" "$T/go1" "$T/marker" "$T/go2"
) &
early=$!
on_exit "kill $early 2>/dev/null"

"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
	--capture "$T/cap.scap" >"$T/log" 2>&1 &
daemon=$!
on_exit "kill $daemon 2>/dev/null; wait $daemon 2>/dev/null"
if wait_for 30 grep -q "source 'ebpf' started" "$T/log"; then
	pass "the daemon records with the probe attached"
else
	fail "the daemon records with the probe attached" "$(cat "$T/log")"
	tap_plan "$_tap_n"
	exit 1
fi
like "$(grep 'state records saved' "$T/log")" "capture file: [1-9][0-9]* state records saved at the start" \
	"the capture starts with the syscall state"

# The workload: the early shell goes on; new processes too.
# (a writer waits for the reader: bounded, in case the shell is gone)
timeout 20 sh -c 'echo go >"$1"' sh "$T/go1"
sleep 0.5
timeout 20 sh -c 'echo go >"$1"' sh "$T/go2"
wait $early
cat /etc/shadow "$T/marker" >/dev/null
sh -c 'cat "$1" >/dev/null' sh "$T/marker"
sleep 0.5
"$sysprobe" stop $daemon
if wait_for 20 sh -c "! kill -0 $daemon"; then
	wait $daemon
	is "$?" 0 "the daemon stops cleanly on SIGTERM"
else
	kill -KILL $daemon
	fail "the daemon stops cleanly on SIGTERM" "still running 20 s after SIGTERM"
fi
like "$(grep 'events and' "$T/log")" "[0-9]+ events and [1-9][0-9]* state records written" \
	"the log counts events and state records apart"

# The live run's alerts, as the checks below need them.
live=$T/live.json
held=$(grep '"test held fd closed"' "$live" | head -n1)
like "$held" "fd=7 name=$T/held type=file proc=sh pname=[a-z]+ gpname=[a-z]+ " \
	"live: the early shell's fd 7 (from /proc) is named at its close"
like "$held" "cmdline=sh -c exec 7>>" "live: the early shell's command line (from /proc)"
like "$held" "cwd=$T/ user=root uid=0 " "live: its working directory and user (from /proc)"
like "$held" "env=before-capture " "live: its environment (read from /proc at extraction)"
n_early_marker=$(grep '"test marker opened"' "$live" | grep -cE "proc=cat pname=sh aname=[a-z]+ exe=cat args=$T/marker user=root group=root")
is "$n_early_marker" 2 "live: both cats opening the marker have sh as parent"
# (other tests may read /etc/shadow meanwhile: count this test's)
n_shadow=$(grep '"Read sensitive file untrusted"' "$live" | grep -c "command=cat /etc/shadow $T/marker")
is "$n_shadow" 2 "live: both reads of /etc/shadow raise the default rule"

# Now the early processes are gone: replay through the same rules.
sed -e "s|$T/live.json|$T/replay.json|" "$T/shrike.yaml" >"$T/replay.yaml"
"$SHRIKE" -c "$T/replay.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -e "$T/cap.scap" \
	>"$T/replay.log" 2>&1
is "$?" 0 "shrike -e replays the capture"
like "$(cat "$T/replay.log")" "state of [1-9][0-9]* threads restored from the capture" \
	"the replay takes the processes from the capture, not from this machine's /proc"

# Same alerts, field for field, in the same order (the uuid aside).
norm="$top_srcdir/tests/lib/alerts_norm.py"
python3 "$norm" "$live" >"$T/live.norm"
python3 "$norm" "$T/replay.json" >"$T/replay.norm"
n_live=$(wc -l <"$T/live.norm")
[ "$n_live" -ge 5 ] && pass "the live run raised $n_live alerts" ||
	fail "the live run raised alerts" "only $n_live: $(cat "$live")"
if cmp -s "$T/live.norm" "$T/replay.norm"; then
	pass "the replay gives the live run's $n_live alerts, field for field"
else
	fail "the replay gives the live run's alerts, field for field" \
		"$(diff "$T/live.norm" "$T/replay.norm" | head -n 20)"
fi

# Without the state records (an older capture, or a plugin that is not
# there to take them) the early shell is unknown on replay: what the test
# above proves is not a coincidence.
python3 - "$T/cap.scap" "$T/nostate.scap" <<'EOF'
import struct, sys, zlib
src = open(sys.argv[1], "rb").read()
hdr_len = struct.unpack_from("<I", src, 16)[0]
out = bytearray(src[:hdr_len])
off = hdr_len
while off + 16 <= len(src):
    typ, blen, crc, _ = struct.unpack_from("<IIII", src, off)
    body = src[off + 16:off + 16 + blen]
    # an EVENT block whose record type (u16 at offset 20) is SK_EVT_STATE (3)
    if not (typ == 1 and blen >= 24 and struct.unpack_from("<H", body, 20)[0] == 3):
        out += src[off:off + 16 + blen]
    off += 16 + blen
open(sys.argv[2], "wb").write(out)
EOF
sed -e "s|$T/live.json|$T/nostate.json|" "$T/shrike.yaml" >"$T/nostate.yaml"
"$SHRIKE" -c "$T/nostate.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" -e "$T/nostate.scap" \
	>"$T/nostate.log" 2>&1
held_ns=$(grep '"test held fd closed"' "$T/nostate.json" | head -n1)
case $held_ns in
*"cmdline=sh -c exec 7>>"*) fail "without state records the early shell is unknown" "$held_ns" ;;
*) pass "without state records the early shell is unknown (the replay needs them)" ;;
esac

tap_plan "$_tap_n"
tap_done
