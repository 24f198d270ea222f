#!/bin/sh
# tests/integration/detect/detect.sh - the default rules against real
# attacks. Builds a small image locally (busybox-static, debugfs with its
# libraries, the sk_attack helper as /usr/sbin/nginx and
# /usr/local/bin/sk-attack; no registry), starts four podman containers on a
# network of its own (ordinary: the "nginx" web server; privileged; one with
# SYS_MODULE, SYS_PTRACE and NET_RAW added; a listener), starts the real
# shrike with the shipped shrike.yaml (engine auto, which picks ebpf on a
# host where the probe runs; the default rules files,
# JSON alerts to a file), performs every behaviour of issue 5 for real
# (podman exec, and on the host for host-scoped rules), then checks that
# each behaviour raised exactly the expected rule, with the container.id
# podman reports, the process name and the user name, that benign work in a
# container and on the host raised nothing, and that podman's own work
# raised nothing either. Network traffic stays on loopback and on the test's
# podman network. The daemon records the whole run (--capture); once the
# containers are removed, replaying that capture through the same
# configuration must give the same alerts, field for field: the capture
# carries the process table and the container metadata the live run used.
#
# Behaviours the machine cannot complete are still performed: a kernel
# without module support fails init_module/finit_module (ENOSYS or EPERM),
# and the rule catches the attempt by its syscall whatever the result.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib/containers.sh"

D=$top_srcdir/tests/integration/detect
HELPER=$top_builddir/tests/integration/detect/sk_attack
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe and run podman"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf source plugin is not built"
reason=$(ct_missing) && tap_skip_all "$reason"
[ -x "$HELPER" ] || tap_skip_all "tests/integration/detect/sk_attack is not built"
file_is_static "$HELPER" || tap_skip_all "sk_attack is not static (no libc.a: install libc6-dev)"
[ -x "$PY" ] || tap_skip_all "python3 is not installed (scripts/install-deps.sh --test)"
DEBUGFS=$(command -v debugfs || echo /usr/sbin/debugfs)
[ -x "$DEBUGFS" ] || tap_skip_all "debugfs is not installed (e2fsprogs)"
command -v ssh >/dev/null || tap_skip_all "ssh is not installed (openssh-client)"
command -v cc >/dev/null || tap_skip_all "cc is not installed (build-essential)"

# Everything this test starts carries an audit login id of its own, so the
# checker can tell its host processes from those of other tests (or another
# run of this one, as in make distcheck) running at the same time.
LUID=$((100000 + $$))
if ! { echo "$LUID" >/proc/self/loginuid; } 2>/dev/null; then
	LUID=- # no audit support: the checker then takes every host alert
fi

# ---- shrike, with the shipped configuration ----
ct_setup
ship=$top_builddir/shrike.yaml
rules_src=$top_srcdir/rules
# shrike_run ALERTS ARGS... - exec the daemon on the shipped config, the
# default rules files, JSON alerts to the file ALERTS (in a subshell: `&`
# or parentheses, so $! is the daemon)
shrike_run() {
	_alerts=$1
	shift
	exec "$SHRIKE" -c "$ship" -o plugins_dir="$SK_TEST_PLUGINS_DIR" \
		-o "rules_files=[$rules_src/shrike_rules.yaml, $rules_src/shrike_rules.local.yaml, $rules_src/rules.d]" \
		-o json_output=true -o stdout_output.enabled=false \
		-o file_output.enabled=true -o file_output.filename="$_alerts" \
		-o "plugins=[{name: container, library_path: container, init_config: {storage_roots: [$CT_DIR/storage]}}]" \
		-o "load_plugins=[container]" -o watch_config_files=false "$@"
}
shrike_run "$T/alerts.json" --capture "$T/detect.scap" >"$T/shrike.out" 2>"$T/shrike.err" &
spid=$!
on_exit "kill -INT $spid 2>/dev/null; wait $spid 2>/dev/null"
if wait_for 60 grep -q "source 'ebpf' started" "$T/shrike.err"; then
	pass "shrike starts with the shipped config (engine auto: ebpf) and the default rules"
else
	fail "shrike starts with the shipped config and the default rules" "$(tail -n 20 "$T/shrike.err")"
	echo "1..$_tap_n"
	exit 1
fi
warn=$(sed -n "1,/source 'ebpf' started/p" "$T/shrike.err" | grep -E 'warning|error' || true)
is "$warn" "" "the default rules load without a warning"
like "$(grep 'rules:' "$T/shrike.err")" "rules: [0-9]+ loaded, [0-9]+ enabled" "the default rules are loaded and enabled"

# ---- the image (built while shrike watches: podman's own work must not alert) ----
R=$T/rootfs
ct_rootfs "$R" || { fail "build the rootfs"; echo "1..$_tap_n"; exit 1; }
cp "$HELPER" "$R/usr/sbin/nginx"
cp "$HELPER" "$R/usr/local/bin/sk-attack"
ct_copy_binary "$R" "$DEBUGFS" /usr/sbin/debugfs
mkdir -p "$R/var/www/html"
echo '<html><body>hello from the benign web server</body></html>' >"$R/var/www/index.html"
printf 'Nov 23 10:00:00 shrike-test kernel: booted\n' >"$R/var/log/messages"
printf '#!/bin/sh\nexec /usr/local/bin/sk-attack noop -o stratum+tcp://pool.invalid:3333 -u wallet\n' \
	>"$R/usr/local/bin/start-miner"
chmod 755 "$R/usr/local/bin/start-miner"
IMG=localhost/shrike-detect:$$
if ct_import "$R" "$IMG"; then
	pass "the test image is built with podman import (busybox-static, debugfs, sk_attack)"
else
	fail "the test image is built with podman import" "$(tail -n 5 "$CT_DIR/podman.err")"
	echo "1..$_tap_n"
	exit 1
fi

# ---- the containers ----
NET=skdet$$
ct_network "$NET"
ORD=sk-ord-$$
PRIV=sk-priv-$$
CAP=sk-cap-$$
LIS=sk-lis-$$
ct podman run -d --name "$LIS" --network "$NET" "$IMG" /usr/local/bin/sk-attack listen 6443 9001 3333 >/dev/null
ct podman run -d --name "$ORD" --network "$NET" "$IMG" /usr/sbin/nginx serve 8080 >/dev/null
ord_started=$(date +%s)
ct podman run -d --name "$PRIV" --network "$NET" --privileged "$IMG" sleep 3600 >/dev/null
ct podman run -d --name "$CAP" --network "$NET" --cap-add SYS_MODULE,SYS_PTRACE,NET_RAW "$IMG" sleep 3600 >/dev/null
ORD_ID=$(ct_short_id "$ORD")
PRIV_ID=$(ct_short_id "$PRIV")
CAP_ID=$(ct_short_id "$CAP")
LIS_ID=$(ct_short_id "$LIS")
LIS_IP=$(ct_ip "$LIS" "$NET")
ORD_IP=$(ct_ip "$ORD" "$NET")
if echo "$ORD_ID $PRIV_ID $CAP_ID $LIS_ID" | grep -Eq '^[0-9a-f]{12} [0-9a-f]{12} [0-9a-f]{12} [0-9a-f]{12}$' &&
	[ -n "$LIS_IP" ] && [ -n "$ORD_IP" ]; then
	pass "four containers run on network $NET (listener at $LIS_IP)"
else
	fail "four containers run on network $NET" "ids: $ORD_ID $PRIV_ID $CAP_ID $LIS_ID ips: $LIS_IP $ORD_IP" \
		"$(tail -n 10 "$CT_DIR/podman.err")"
	echo "1..$_tap_n"
	exit 1
fi
# the web server and the listener answer before the behaviours start
wait_for 20 podman exec "$ORD" wget -q -O /dev/null http://127.0.0.1:8080/
wait_for 20 podman exec "$ORD" nc -w 1 "$LIS_IP" 9001
# a loopback listener on the host for the ssh client (another port if that
# one is taken)
for try in 0 1 2 3 4; do
	SSH_PORT=$((20000 + ($$ + try * 7919) % 20000))
	"$HELPER" listen "127.0.0.1:$SSH_PORT" 2>/dev/null &
	lpid=$!
	sleep 0.5
	kill -0 $lpid 2>/dev/null && break
done
on_exit "kill $lpid 2>/dev/null"

# ---- the behaviours ----
# B ID RULES WHERE PROC USER CMD... - run CMD and record its time window with
# what it must raise: RULES ('|'-separated, '' for none), in WHERE (a
# container id, or host) by a process named PROC ('@out': the first line CMD
# prints) run as USER.
: >"$T/behaviours.tsv"
B() {
	_id=$1 _rules=$2 _where=$3 _proc=$4 _user=$5
	shift 5
	sleep 0.3
	_start=$(date +%s%N)
	"$@" >"$T/b.$_id.out" 2>&1 </dev/null
	echo $? >"$T/b.$_id.rc"
	_end=$(date +%s%N)
	case $_proc in *@out*) _proc=$(echo "$_proc" | sed "s/@out/$(head -n 1 "$T/b.$_id.out")/") ;; esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$_id" "$_start" "$_end" "$_rules" "$_where" "$_proc" "$_user" \
		>>"$T/behaviours.tsv"
}
# X: podman exec. P: a preparation step, outside any window (busybox sh
# runs its applets in-process, so a command that must be exec'd for real is
# run directly by podman exec, with its files prepared beforehand).
X() { podman exec "$@"; }
P() { podman exec "$@" >/dev/null 2>&1; }

# 1..26: the behaviours of issue 5
B traversal "Directory traversal monitored file read" "$ORD_ID" nginx root \
	X "$ORD" wget -q -O - http://127.0.0.1:8080/traverse
B read_untrusted "Read sensitive file untrusted" "$ORD_ID" cat root X "$ORD" cat /etc/shadow
B read_untrusted_host "Read sensitive file untrusted" host cat root cat /etc/shadow
B shell_untrusted "Run shell untrusted" "$ORD_ID" sh root X "$ORD" wget -q -O - http://127.0.0.1:8080/shell
B system_user "System user interactive" "$ORD_ID" id www-data X -t -u www-data "$ORD" id
B terminal_shell "Terminal shell in container" "$ORD_ID" sh root X -t "$ORD" sh -c 'exit 0'
B k8s_api "Contact K8S API Server From Container" "$ORD_ID" nc root X "$ORD" nc -w 2 "$LIS_IP" 6443
B netcat_rce "Netcat Remote Code Execution in Container" "$ORD_ID" nc root \
	X "$ORD" nc -w 2 "$LIS_IP" 9001 -e /bin/true
B search_keys "Search Private Keys or Passwords" "$ORD_ID" find root X "$ORD" find /root /etc -name id_rsa
B search_passwords "Search Private Keys or Passwords" "$ORD_ID" grep root X "$ORD" grep -ril password /var/www
B clear_log "Clear Log Activities" "$ORD_ID" sh root X "$ORD" sh -c ': >/var/log/messages'
P "$ORD" sh -c 'echo data >/tmp/victim'
B bulk_remove "Remove Bulk Data from Disk" "$ORD_ID" shred root X "$ORD" shred -u /tmp/victim
B symlink "Create Symlink Over Sensitive Files" "$ORD_ID" ln root X "$ORD" ln -s /etc/shadow /tmp/shadow-link
B hardlink "Create Hardlink Over Sensitive Files" "$ORD_ID" ln root X "$ORD" ln /etc/shadow /tmp/shadow-hard
B packet_socket "Packet socket created in container" "$CAP_ID" sk-attack root X "$CAP" sk-attack packet
B redirect_stdio "Redirect STDOUT/STDIN to Network Connection in Container" "$ORD_ID" sk-attack root \
	X "$ORD" sk-attack redirect "$LIS_IP" 9001
B kernel_module "Linux Kernel Module Injection Detected" "$CAP_ID" sk-attack root X "$CAP" sk-attack module
B debugfs "Debugfs Launched in Privileged Container" "$PRIV_ID" debugfs root X "$PRIV" debugfs -V
B release_agent "Detect release_agent File Container Escapes" "$PRIV_ID" sh root \
	X "$PRIV" sh -c 'mkdir -p /tmp/cg && mount -t cgroup -o none,name=shrike_detect cgroup /tmp/cg &&
		echo /bin/true >/tmp/cg/release_agent && test -e /tmp/cg/cgroup.procs && echo escaped; umount /tmp/cg'
B ptrace_attach "PTRACE attached to process" "$CAP_ID" sk-attack root X "$CAP" sk-attack ptrace-attach
B ptrace_traceme "PTRACE anti-debug attempt" "$ORD_ID" sk-attack root X "$ORD" sk-attack traceme
B aws_credentials "Find AWS Credentials" "$ORD_ID" grep root X "$ORD" grep -rs aws_secret_access_key /root
B dev_shm "Execution from /dev/shm" host "shm$$" root \
	sh -c "cp '$HELPER' /dev/shm/shm$$ && /dev/shm/shm$$ noop; rc=\$?; rm -f /dev/shm/shm$$; exit \$rc"
B drop_execute "Drop and execute new binary in container" "$ORD_ID" dropped root \
	X "$ORD" sh -c 'cp /usr/local/bin/sk-attack /tmp/dropped && /tmp/dropped noop'
B ssh_port "Disallowed SSH Connection Non Standard Port" host ssh root \
	ssh -F /dev/null -o BatchMode=yes -o ConnectTimeout=3 -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -p "$SSH_PORT" root@127.0.0.1 true
# the new process is named after the memfd (recent kernels) or its fd number
B memfd "Fileless execution via memfd_create" host "memfd:sk-payloa|@out" root "$HELPER" memfd
B proc_environ "Read environment variable from /proc files" "$ORD_ID" cat root X "$ORD" cat /proc/1/environ
# a server reading /etc/shadow long after its start (it has been up for a
# while by now; make sure of 6 s, the rule's threshold is 5)
while [ $(($(date +%s) - ord_started)) -lt 7 ]; do sleep 0.5; done
B read_trusted_late "Read sensitive file trusted after startup" "$ORD_ID" nginx root \
	X "$ORD" wget -q -O - http://127.0.0.1:8080/shadow

# the cheap extras
B package_mgmt "Launch Package Management Process in Container" "$ORD_ID" dpkg root X "$ORD" dpkg -l
B write_etc "Write below etc" "$ORD_ID" sh root X "$ORD" sh -c 'echo welcome >>/etc/motd'
B write_bin "Write below binary dir" "$ORD_ID" cp root X "$ORD" cp /bin/busybox /usr/local/bin/tool
P "$ORD" touch /tmp/suid
B setuid "Set Setuid or Setgid bit" "$ORD_ID" chmod root X "$ORD" chmod u+s /tmp/suid
B setns "Change thread namespace" "$PRIV_ID" nsenter root X "$PRIV" nsenter -t 1 -n true
B unshare "Change namespace privileges via unshare" "$PRIV_ID" unshare root X "$PRIV" unshare -n true
B miner_port "Detect outbound connections to common miner pool ports" "$ORD_ID" nc root \
	X "$ORD" nc -w 2 "$LIS_IP" 3333
# (a script in the image: with the pool on podman's command line, the
# rule would rightly fire for podman on the host as well)
B stratum "Detect crypto miners using the Stratum protocol" "$ORD_ID" sk-attack root \
	X "$ORD" /usr/local/bin/start-miner
P "$ORD" sh -c 'echo ls >/root/.ash_history'
B shell_history "Delete or rename shell history" "$ORD_ID" rm root X "$ORD" rm /root/.ash_history

# benign work: nothing may fire
B benign_container "" "$ORD_ID" - - X "$ORD" sh -c '
	ls -la / /etc >/dev/null; cat /etc/os-release /etc/passwd /etc/hostname >/dev/null
	grep -c root /etc/passwd; find /usr -name "*.txt"; ps >/dev/null; sort /etc/group | wc -l
	mkdir -p /tmp/work && cd /tmp/work && echo note >notes.txt && cp notes.txt copy.txt
	tar czf /tmp/work.tgz -C /tmp work && tar tzf /tmp/work.tgz && rm -r /tmp/work
	id; date; uname -a; env >/dev/null; sha256sum /bin/busybox >/dev/null
	httpd -p 8081 -h /var/www && wget -q -O /tmp/page http://127.0.0.1:8081/index.html && cat /tmp/page
	wget -q -O - http://127.0.0.1:8080/'
B benign_network "" "$LIS_ID" - - X "$LIS" wget -q -O - "http://$ORD_IP:8081/index.html"
B benign_tty "" "$ORD_ID" - - X -t "$ORD" ls /
B benign_host "" host - - sh -c "
	cd '$T' && ls -la /etc >/dev/null && cat /etc/hostname /etc/os-release >/dev/null
	grep -c root /etc/passwd; grep -ci passwd /etc/nsswitch.conf
	find /usr/share/doc -maxdepth 1 -name 'libc*' | head -n 3
	ps aux >/dev/null; sort /etc/group | wc -l; id; uname -a
	mkdir -p work && echo note >work/notes.txt && tar czf work.tgz work && tar tzf work.tgz
	cp -pR work work2 && chmod 1777 work2 && chmod 755 work2 && rm -r work work2
	printf '#include <stdio.h>\nint main(void) { puts(\"built\"); return 0; }\n' >hello.c
	cc -O2 -o hello hello.c && ./hello
	'$PY' -c 'import json; print(json.dumps({\"ok\": True}))'"

# ---- did the behaviours really happen? (outputs and exit codes) ----
# ran ID RC REGEX - behaviour ID exited with RC (- for any) and printed a
# line matching REGEX (- for anything)
ran_bad=
ran() {
	_rc=$(cat "$T/b.$1.rc")
	if [ "$2" != - ] && [ "$_rc" != "$2" ]; then
		ran_bad="$ran_bad [$1: exit $_rc]"
	elif [ "$3" != - ] && ! tr -d '\0' <"$T/b.$1.out" | grep -Eq -- "$3"; then
		ran_bad="$ran_bad [$1: $(head -c 120 "$T/b.$1.out" | tr '\n\0' '  ')]"
	fi
}
ran traversal 0 '^read$'
ran read_untrusted 0 '^root:'
ran read_untrusted_host 0 '^root:'
ran shell_untrusted 0 '^shell$'
ran system_user 0 'uid=33\(www-data\)'
ran terminal_shell 0 -
ran k8s_api 0 -
ran netcat_rce - -
grep -q Usage "$T/b.netcat_rce.out" && ran_bad="$ran_bad [netcat_rce: nc refused its arguments]"
ran clear_log 0 -
ran bulk_remove 0 -
ran symlink 0 -
ran hardlink 0 -
ran packet_socket 0 '^ok$'
ran redirect_stdio 0 -
ran kernel_module 0 '^init_module: .*finit_module: |^finit_module: '
ran debugfs 0 '^debugfs [0-9]'
ran release_agent 0 '^escaped$'
ran ptrace_attach 0 '^ok$'
ran ptrace_traceme 0 '^ok$'
ran dev_shm 0 -
ran drop_execute 0 -
ran ssh_port - 'Connection closed|kex_exchange_identification|Connection reset'
ran memfd 0 '^[0-9]+$'
ran proc_environ 0 'HOSTNAME='
ran read_trusted_late 0 '^read$'
ran setns 0 -
ran unshare 0 -
ran miner_port 0 -
ran stratum 0 -
ran benign_container 0 'hello from the benign web server'
ran benign_network 0 'hello from the benign web server'
ran benign_host 0 '^built$'
is "$ran_bad" "" "every behaviour really happened (exit codes and outputs)"

# ---- stop shrike once it has seen everything, then check ----
sleep 1
kill -INT $spid
wait $spid
rc=$?
is "$rc" 0 "shrike stops cleanly"
[ -s "$T/alerts.json" ] || : >"$T/alerts.json"
"$PY" "$D/check_alerts.py" "$T/alerts.json" "$T/behaviours.tsv" \
	"$ORD_ID,$PRIV_ID,$CAP_ID,$LIS_ID" "$LUID" >"$T/results" 2>"$T/check.err"
is "$?" 0 "the alert checker runs"
[ -s "$T/check.err" ] && sed 's/^/# /' "$T/check.err"
# shellcheck disable=SC2162
while IFS='	' read status desc rest; do
	if [ "$status" = ok ]; then
		pass "$desc"
	else
		fail "$desc"
		printf '%s\n' "$rest" | tr '\t' '\n' | sed 's/^/#   /'
	fi
done <"$T/results"
# ---- the capture, replayed once the containers are gone, gives the same alerts ----
ct podman rm -f -t 0 "$ORD" "$PRIV" "$CAP" "$LIS" >/dev/null
(shrike_run "$T/replay.json" -e "$T/detect.scap") >"$T/replay.out" 2>"$T/replay.err"
is "$?" 0 "shrike -e replays the capture of the whole run"
[ -s "$T/replay.json" ] || : >"$T/replay.json"
# every rule alert, the uuid aside, in order
norm=$top_srcdir/tests/lib/alerts_norm.py
"$PY" "$norm" --rules-only "$T/alerts.json" >"$T/alerts.norm"
"$PY" "$norm" --rules-only "$T/replay.json" >"$T/replay.norm"
n_live=$(wc -l <"$T/alerts.norm")
n_ctr=$(grep -vc '"container.id": "host"' "$T/alerts.norm")
if cmp -s "$T/alerts.norm" "$T/replay.norm" && [ "$n_live" -gt 20 ] && [ "$n_ctr" -gt 10 ]; then
	pass "the replay gives the live run's $n_live alerts ($n_ctr in containers), field for field"
else
	fail "the replay gives the live run's alerts, field for field" "$n_live alerts, $n_ctr in containers" \
		"$(diff "$T/alerts.norm" "$T/replay.norm" | head -n 20)" "$(tail -n 5 "$T/replay.err")"
fi

# show what the behaviours printed when something failed (debugging help)
if [ "$_tap_failed" -gt 0 ]; then
	for f in "$T"/b.*.out; do
		[ -s "$f" ] && echo "# $(basename "$f"): $(head -c 300 "$f" | tr '\n\0' '  ')"
	done
fi
echo "1..$_tap_n"
tap_done
