#!/bin/sh
# tests/integration/privs_caps.sh - least privilege on a live eBPF run as
# root: once the sources run, every thread of the daemon (/proc/PID/task/*)
# holds only CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH in its effective,
# permitted and bounding sets, nothing inheritable or ambient; detection
# still works (a non-root user's `cat /etc/shadow` alerts with its user name
# and proc.exepath, and in a podman container with the container's name),
# also after a SIGHUP reload and a SIGUSR1 reopen, which keep the set.
# `drop_capabilities: false` keeps every capability.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf source plugin is not built"
command -v setpriv >/dev/null || tap_skip_all "setpriv (util-linux) is not installed"
bnd=$(awk '$1 == "CapBnd:" {print $2}' /proc/self/status)
[ $(((0x$bnd >> 8) & (0x$bnd >> 19) & (0x$bnd >> 2) & 1)) = 1 ] ||
	tap_skip_all "the test needs CAP_SETPCAP, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"

tap_plan 14

KEPT=0000000000080004 # CAP_SYS_PTRACE (19), CAP_DAC_READ_SEARCH (2)

# caps_of PID FIELD - the distinct values of FIELD over every thread.
caps_of() {
	cat /proc/"$1"/task/*/status 2>/dev/null | awk -v f="$2:" '$1 == f {print $2}' | sort -u |
		tr '\n' ' ' | sed 's/ $//'
}

cat >"$T/rules.yaml" <<RULES
- rule: shadow read
  desc: a read of /etc/shadow, whoever asks
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow and proc.name = cat
  output: SHADOW user=%user.name exe=%proc.exepath ctr=%container.name
  priority: WARNING
RULES
cat >"$T/shrike.yaml" <<YAML
engine:
  kind: ebpf
plugins:
  - name: syscall
    library_path: syscall
  - name: container
    library_path: container
load_plugins: [syscall, container]
rules_files: [$T/rules.yaml]
stdout_output:
  enabled: true
file_output:
  enabled: true
  keep_alive: true
  filename: $T/alerts.txt
YAML
"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" >"$T/out" 2>"$T/err" &
pid=$!
on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
if ! wait_for 30 grep -q "capabilities dropped" "$T/err"; then
	fail "shrike starts and drops its capabilities" "$(tail -n 20 "$T/err")"
	exit 1
fi
like "$(grep 'capabilities dropped' "$T/err")" \
	"sources open: capabilities dropped, keeping CAP_DAC_READ_SEARCH CAP_SYS_PTRACE" \
	"the log names the capabilities kept"
ntask=$(ls /proc/$pid/task | wc -l)
is "$(caps_of $pid CapEff)" "$KEPT" "CapEff of all $ntask threads: only SYS_PTRACE and DAC_READ_SEARCH"
is "$(caps_of $pid CapPrm)" "$KEPT" "CapPrm of all threads: the same"
is "$(caps_of $pid CapBnd)" "$KEPT" "CapBnd of all threads: the same (programs it starts cannot regain more)"
is "$(caps_of $pid CapInh) $(caps_of $pid CapAmb)" "0000000000000000 0000000000000000" \
	"nothing inheritable or ambient"

# A non-root user's read of /etc/shadow (refused by the kernel, seen anyway).
cp /bin/cat "$T/cat"
chmod 755 "$T" "$T/cat"
setpriv --reuid=65534 --regid=65534 --clear-groups "$T/cat" /etc/shadow >/dev/null 2>&1
user=$(getent passwd 65534 | cut -d: -f1)
if wait_for 10 grep -q "SHADOW user=$user " "$T/out"; then
	like "$(grep -m 1 "SHADOW user=$user " "$T/out")" "SHADOW user=$user exe=$T/cat ctr=host" \
		"after the drop: uid 65534's cat /etc/shadow alerts with user $user and proc.exepath"
else
	fail "after the drop: uid 65534's cat /etc/shadow alerts" "$(tail -n 5 "$T/out" "$T/err")"
fi

# A podman container: its fields come from runtime files read after the drop.
if command -v podman >/dev/null && [ -x /bin/busybox ]; then
	cat >"$T/containers.conf" <<'CONF'
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
CONF
	CONTAINERS_CONF="$T/containers.conf"
	export CONTAINERS_CONF
	tag="localhost/shrike-privs:$$"
	name="shrike-privs-$$"
	mkdir -p "$T/rootfs/bin" "$T/rootfs/etc"
	cp /bin/busybox "$T/rootfs/bin/busybox"
	for a in sh cat sleep; do ln -s busybox "$T/rootfs/bin/$a"; done
	echo 'root:*:19000:0:99999:7:::' >"$T/rootfs/etc/shadow"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$T/rootfs/etc/passwd"
	tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
	on_exit "podman rm -f -t 0 $name >/dev/null 2>&1; podman rmi -f $tag >/dev/null 2>&1"
	if podman import "$T/rootfs.tar" "$tag" >/dev/null 2>&1 &&
		podman run --name "$name" "$tag" cat /etc/shadow >/dev/null 2>&1; then
		if wait_for 10 grep -q "ctr=$name" "$T/out"; then
			pass "after the drop: a podman container's read alerts with its container.name"
		else
			fail "after the drop: container fields" "$(grep SHADOW "$T/out" | tail -n 3)"
		fi
	else
		pass "# SKIP podman cannot run a container here"
	fi
else
	pass "# SKIP podman or busybox-static is not installed"
fi

# SIGHUP rebuilds the outputs and rules; SIGUSR1 reopens files: the set stays.
mv "$T/alerts.txt" "$T/alerts.txt.1"
kill -HUP $pid
wait_for 10 grep -q "configuration and rules reloaded" "$T/err"
kill -USR1 $pid
wait_for 10 grep -q "reopened $T/alerts.txt" "$T/err"
is "$(caps_of $pid CapEff) $(caps_of $pid CapBnd)" "$KEPT $KEPT" \
	"after SIGHUP and SIGUSR1 every thread still holds only the kept set"
setpriv --reuid=65534 --regid=65534 --clear-groups "$T/cat" /etc/shadow >/dev/null 2>&1
if wait_for 10 grep -q "SHADOW user=$user " "$T/alerts.txt"; then
	pass "after the reload the new outputs deliver (the reopened file has the alert)"
else
	fail "after the reload the new outputs deliver" "$(tail -n 5 "$T/err")"
fi
is "$(stat -c %a "$T/alerts.txt")" 600 "the file reopened without capabilities is mode 0600"
kill -TERM $pid
wait $pid
is "$?" 0 "shrike stops cleanly"
if grep -q "block the signal" "$T/err"; then
	fail "no thread kept its capabilities" "$(grep 'block the signal' "$T/err")"
else
	pass "no thread kept its capabilities (no warning logged)"
fi

# drop_capabilities: false keeps everything (engine none: no probe needed).
cat >"$T/keep.yaml" <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine: {kind: none}
drop_capabilities: false
stdout_output:
  enabled: true
YAML
"$SHRIKE" -c "$T/keep.yaml" >/dev/null 2>"$T/keep.err" &
kpid=$!
on_exit "kill $kpid 2>/dev/null"
wait_for 10 grep -q "drop_capabilities is false" "$T/keep.err"
is "$(caps_of $kpid CapEff)" "$(awk '$1 == "CapEff:" {print $2}' /proc/self/status)" \
	"drop_capabilities: false keeps every capability"
kill -TERM $kpid
wait $kpid

# librdkafka's threads block every signal: the kafka output creates its
# client on a thread without capabilities, so they start with none.
if [ -e "$SK_TEST_PLUGINS_DIR/kafka.so" ]; then
	cat >"$T/kafka.yaml" <<YAML
plugins_dir: $SK_TEST_PLUGINS_DIR
engine: {kind: none}
stdout_output:
  enabled: false
kafka_output:
  enabled: true
  brokers: 127.0.0.1:1
  topic: t
YAML
	"$SHRIKE" -c "$T/kafka.yaml" >/dev/null 2>"$T/kafka.err" &
	kpid=$!
	on_exit "kill $kpid 2>/dev/null"
	wait_for 10 grep -q "capabilities dropped" "$T/kafka.err"
	sleep 0.5
	got=$(for t in /proc/$kpid/task/*; do
		printf '%s=%s ' "$(cat $t/comm)" "$(awk '$1 == "CapPrm:" {print $2}' $t/status)"
	done)
	if echo "$got" | tr ' ' '\n' | grep -q '=' &&
		! echo "$got" | tr ' ' '\n' | grep -v -e "=$KEPT\$" -e '=0000000000000000$' | grep -q . &&
		echo "$got" | grep -q 'rdk:main=0000000000000000'; then
		pass "kafka output: librdkafka's threads hold no capability, the others only the kept set"
	else
		fail "kafka output: librdkafka's threads hold no capability" "$got"
	fi
	kill -TERM $kpid
	wait $kpid
else
	pass "# SKIP the kafka output is not built"
fi
tap_done
