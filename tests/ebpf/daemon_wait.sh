# tests/ebpf/daemon_wait.sh - sourced by the scripts that run the daemon
# inside the test VMs (tests/ebpf/vm_lib.sh copies it next to them) or on
# the host: busybox sh and POSIX sh alike.

# wait_started LOG PID [SOURCE] - wait up to 150 s for the daemon PID to
# log that its SOURCE (default ebpf) started; sets started (yes or no) and
# waited (seconds).
wait_started() {
	started=no
	_ws_i=0
	while [ $_ws_i -lt 1500 ]; do
		if grep -q "source '${3:-ebpf}' started" "$1"; then
			started=yes
			break
		fi
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
		_ws_i=$((_ws_i + 1))
	done
	waited=$((_ws_i / 10))
}
