# tests/lib_rsyslog.sh - start a private rsyslogd for the syslog output
# tests and benchmarks (sourced after tests/lib.sh; POSIX sh). Nothing in
# /etc is touched: the daemon runs with its own config, work directory,
# pid file and sockets under DIR.
#
#   . "$top_srcdir/tests/lib_rsyslog.sh"
#   rsyslog_pick_port            # sets RS_PORT (free on 127.0.0.1, TCP and UDP)
#   rsyslog_start "$T/rs"        # sets RS_SOCK, RS_OUT, RS_PID; 0 when ready
#   rsyslog_stop
#
# Every message received (unix socket RS_SOCK, UDP and TCP on RS_PORT) is
# written to RS_OUT as one line:
#   input|facility|severity|programname|procid|hostname|msg
# (input: imuxsock, imudp or imtcp; msg as received, so RFC 3164 messages
# keep the space after the tag).

RSYSLOGD=$(command -v rsyslogd 2>/dev/null || { [ -x /usr/sbin/rsyslogd ] && echo /usr/sbin/rsyslogd; })

rsyslog_pick_port() {
	RS_PORT=$(python3 -c '
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p); break')
}

# rsyslog_start DIR - start rsyslogd listening on DIR/log, udp and tcp
# 127.0.0.1:$RS_PORT (picked when unset); wait until all three are ready.
rsyslog_start() {
	_rs_dir=$1
	mkdir -p "$_rs_dir"
	[ -n "${RS_PORT:-}" ] || rsyslog_pick_port
	RS_SOCK=$_rs_dir/log
	RS_OUT=$_rs_dir/out.log
	cat >"$_rs_dir/rsyslog.conf" <<EOF
global(workDirectory="$_rs_dir" maxMessageSize="64k")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$RS_SOCK" RateLimit.Interval="0")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$RS_PORT" rcvbufSize="4m")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$RS_PORT")
template(name="sk" type="string"
         string="%inputname%|%syslogfacility-text%|%syslogseverity-text%|%programname%|%procid%|%hostname%|%msg%\n")
*.* action(type="omfile" file="$RS_OUT" template="sk" asyncWriting="off" flushOnTXEnd="on")
EOF
	rm -f "$_rs_dir/rsyslogd.pid"
	"$RSYSLOGD" -n -f "$_rs_dir/rsyslog.conf" -i "$_rs_dir/rsyslogd.pid" \
		>>"$_rs_dir/rsyslogd.log" 2>&1 &
	RS_PID=$!
	wait_for 20 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
s.close()' "$RS_PORT" && wait_for 10 test -S "$RS_SOCK"
}

rsyslog_stop() {
	if [ -n "${RS_PID:-}" ]; then
		kill -TERM "$RS_PID" 2>/dev/null
		wait "$RS_PID" 2>/dev/null
		RS_PID=
	fi
}

# rsyslog_count PROGRAMNAME - lines received so far from that program.
rsyslog_count() {
	[ -f "$RS_OUT" ] || { echo 0; return; }
	awk -F'|' -v p="$1" '$4 == p { n++ } END { print n + 0 }' "$RS_OUT"
}
