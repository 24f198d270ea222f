/* plugins/syscall/fields.h - the first part of the syscall plugin's field
 * table (SYS_FIELDS: evt.*, proc.*, thread.*, fd.*, user.*, group.*) and
 * the extractors of its groups, one file each: fields_evt.c (the event:
 * time, type, arguments, result), fields_fdcore.c (the event's fd),
 * fields_proc.c (the process and thread) and fields_user.c (user and
 * group). fields.c puts the table together (this list, then
 * fields_fd.h's and fields_evtproc.h's) and dispatches extract() to them. */
#ifndef SK_PLUGINS_SYSCALL_FIELDS_H
#define SK_PLUGINS_SYSCALL_FIELDS_H

#include <shrike/plugin.h>

#include "syscall.h"

/* X(id, name, type, flags, description) */
/* clang-format off */
#define SYS_FIELDS(X) \
	X(EVT_NUM, "evt.num", U64, 0, "event number") \
	X(EVT_TIME, "evt.time", STRING, 0, "event time as a local time string with nanoseconds (HH:MM:SS.nnnnnnnnn)") \
	X(EVT_TIME_S, "evt.time.s", STRING, 0, "event time as a local time string without nanoseconds") \
	X(EVT_TIME_ISO, "evt.time.iso8601", STRING, 0, "event time in ISO 8601 format with nanoseconds, UTC") \
	X(EVT_DATETIME, "evt.datetime", STRING, 0, "event time as a local date and time string with nanoseconds") \
	X(EVT_DATETIME_S, "evt.datetime.s", STRING, 0, "event time as a local date and time string without nanoseconds") \
	X(EVT_RAWTIME, "evt.rawtime", ABSTIME, 0, "event time in nanoseconds since the epoch") \
	X(EVT_RAWTIME_S, "evt.rawtime.s", U64, 0, "integer part of the event time in seconds since the epoch") \
	X(EVT_RAWTIME_NS, "evt.rawtime.ns", U64, 0, "fractional part of the event time, in nanoseconds") \
	X(EVT_RELTIME, "evt.reltime", RELTIME, 0, "time since the first event, in nanoseconds") \
	X(EVT_DIR, "evt.dir", STRING, 0, "event direction: always '<' (every syscall event is an exit event)") \
	X(EVT_TYPE, "evt.type", STRING, 0, "event type name, e.g. 'openat' (Falco's name of the syscall)") \
	X(EVT_CATEGORY, "evt.category", STRING, 0, "event category: file, net, ipc, process, memory, signal, system, io_read, io_write") \
	X(EVT_ARGS, "evt.args", STRING, 0, "all event arguments as one string: name=value(resolved) ...") \
	X(EVT_ARG, "evt.arg", STRING, SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_KEY | SK_FIELD_ARG_INDEX, "one argument by name (evt.arg.flags, evt.arg[flags]) or position (evt.arg[1]), as text; flags and fds render resolved (O_RDONLY|O_CLOEXEC, <f>/etc/passwd)") \
	X(EVT_RAWARG, "evt.rawarg", I64, SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_KEY, "one numeric argument by name, as its raw number (kernel flag values); NA for text arguments") \
	X(EVT_RES, "evt.res", STRING, 0, "result as text: SUCCESS, or the error name (ENOENT) when the call failed") \
	X(EVT_RAWRES, "evt.rawres", I64, 0, "result as a number: the return value (a negative errno on failure; the new fd for dup and open)") \
	X(EVT_FAILED, "evt.failed", BOOL, 0, "true when the call returned an error") \
	X(EVT_IS_OPEN_READ, "evt.is_open_read", BOOL, 0, "true for open/openat/openat2/open_by_handle_at/creat opening a file for reading") \
	X(EVT_IS_OPEN_WRITE, "evt.is_open_write", BOOL, 0, "true for open/openat/openat2/open_by_handle_at/creat opening a file for writing") \
	X(EVT_IS_OPEN_EXEC, "evt.is_open_exec", BOOL, 0, "true for open-family calls that create a file with execute permission") \
	X(EVT_IS_OPEN_CREATE, "evt.is_open_create", BOOL, 0, "true for open-family calls with O_CREAT (and creat)") \
	X(EVT_IS_IO, "evt.is_io", BOOL, 0, "true for events that read or write data (read, write, send, recv ...)") \
	X(EVT_IS_IO_READ, "evt.is_io_read", BOOL, 0, "true for events that read data") \
	X(EVT_IS_IO_WRITE, "evt.is_io_write", BOOL, 0, "true for events that write data") \
	X(EVT_IO_DIR, "evt.io_dir", STRING, 0, "'r' for events that read data, 'w' for events that write data") \
	X(EVT_BUFFER, "evt.buffer", BYTES, 0, "the data buffer of I/O events, when the source copied it") \
	X(EVT_BUFLEN, "evt.buflen", U64, 0, "length of the data of I/O events (the return value of a successful read or write)") \
	X(EVT_ABSPATH, "evt.abspath", STRING, 0, "absolute path of the event's path argument, resolved against its dirfd or the working directory") \
	X(EVT_ABSPATH_SRC, "evt.abspath.src", STRING, 0, "absolute source path of rename/link/symlink family calls") \
	X(EVT_ABSPATH_DST, "evt.abspath.dst", STRING, 0, "absolute destination path of rename/link/symlink family calls") \
	X(EVT_HOSTNAME, "evt.hostname", STRING, 0, "name of the host the event happened on") \
	X(EVT_SOURCE, "evt.source", STRING, 0, "event source: syscall") \
	X(EVT_PLUGINNAME, "evt.pluginname", STRING, 0, "name of the plugin that produced a plugin-defined event; NA for syscall events") \
	X(PROC_PID, "proc.pid", I64, 0, "id of the process (thread group) generating the event") \
	X(PROC_EXE, "proc.exe", STRING, 0, "first command-line argument (argv[0]) of the process") \
	X(PROC_NAME, "proc.name", STRING, 0, "name of the executable generating the event (the thread's comm, at most 16 characters)") \
	X(PROC_ARGS, "proc.args", STRING, 0, "command-line arguments after argv[0], separated by spaces") \
	X(PROC_ENV, "proc.env", STRING, SK_FIELD_ARG_KEY, "environment of the process; proc.env[NAME] gives one variable") \
	X(PROC_CMDLINE, "proc.cmdline", STRING, 0, "full command line: proc.name and proc.args") \
	X(PROC_EXELINE, "proc.exeline", STRING, 0, "full command line with argv[0] as the first word: proc.exe and proc.args") \
	X(PROC_CMDNARGS, "proc.cmdnargs", U64, 0, "number of command-line arguments after argv[0]") \
	X(PROC_CMDLENARGS, "proc.cmdlenargs", U64, 0, "total length of the command-line arguments after argv[0], separators excluded") \
	X(PROC_CWD, "proc.cwd", STRING, 0, "current working directory of the process, with a trailing '/'") \
	X(PROC_NTHREADS, "proc.nthreads", U64, 0, "number of live threads of the process, the main thread included (0 when none is known, e.g. after the main thread of a single-threaded process exited)") \
	X(PROC_NCHILDS, "proc.nchilds", U64, 0, "number of live threads of the process other than the main thread") \
	X(PROC_EXEPATH, "proc.exepath", STRING, 0, "full path of the executable of the process") \
	X(PROC_PPID, "proc.ppid", I64, 0, "pid of the parent process") \
	X(PROC_PNAME, "proc.pname", STRING, 0, "name of the parent process") \
	X(PROC_PCMDLINE, "proc.pcmdline", STRING, 0, "full command line of the parent process") \
	X(PROC_PEXE, "proc.pexe", STRING, 0, "argv[0] of the parent process") \
	X(PROC_PEXEPATH, "proc.pexepath", STRING, 0, "full executable path of the parent process") \
	X(PROC_ANAME, "proc.aname", STRING, SK_FIELD_ARG_INDEX, "name of an ancestor: proc.aname[1] is the parent, [2] the grandparent ...; without an index, any ancestor") \
	X(PROC_APID, "proc.apid", I64, SK_FIELD_ARG_INDEX, "pid of an ancestor: proc.apid[1] is the parent ...; without an index, any ancestor") \
	X(PROC_AEXE, "proc.aexe", STRING, SK_FIELD_ARG_INDEX, "argv[0] of an ancestor: proc.aexe[1] is the parent ...; without an index, any ancestor") \
	X(PROC_AEXEPATH, "proc.aexepath", STRING, SK_FIELD_ARG_INDEX, "executable path of an ancestor: proc.aexepath[1] is the parent ...; without an index, any ancestor") \
	X(PROC_ACMDLINE, "proc.acmdline", STRING, SK_FIELD_ARG_INDEX, "command line of an ancestor: proc.acmdline[1] is the parent ...; without an index, any ancestor") \
	X(PROC_VPID, "proc.vpid", I64, 0, "pid of the process as seen from its own pid namespace") \
	X(PROC_PVPID, "proc.pvpid", I64, 0, "pid of the parent process as seen from its own pid namespace") \
	X(PROC_SID, "proc.sid", I64, 0, "session id of the process") \
	X(PROC_SNAME, "proc.sname", STRING, 0, "name of the session leader: the process whose pid is proc.sid, or else the eldest known ancestor in the same session") \
	X(PROC_SID_EXE, "proc.sid.exe", STRING, 0, "argv[0] of the session leader") \
	X(PROC_SID_EXEPATH, "proc.sid.exepath", STRING, 0, "executable path of the session leader") \
	X(PROC_IS_SID_LEADER, "proc.is_sid_leader", BOOL, 0, "true when the process leads its session (proc.sid = proc.vpid)") \
	X(PROC_VPGID, "proc.vpgid", I64, 0, "process group id as seen from the process's own pid namespace") \
	X(PROC_VPGID_NAME, "proc.vpgid.name", STRING, 0, "name of the process group leader") \
	X(PROC_VPGID_EXE, "proc.vpgid.exe", STRING, 0, "argv[0] of the process group leader") \
	X(PROC_VPGID_EXEPATH, "proc.vpgid.exepath", STRING, 0, "executable path of the process group leader") \
	X(PROC_IS_VPGID_LEADER, "proc.is_vpgid_leader", BOOL, 0, "true when the process leads its process group (proc.vpgid = proc.vpid)") \
	X(PROC_TTY, "proc.tty", U64, 0, "controlling terminal of the process (the tty_nr device number); 0 without one") \
	X(PROC_LOGINSHELLID, "proc.loginshellid", I64, 0, "pid of the eldest shell among the ancestors of the process, when there is one") \
	X(PROC_DURATION, "proc.duration", RELTIME, 0, "nanoseconds since the process started") \
	X(PROC_PID_TS, "proc.pid.ts", ABSTIME, 0, "start time of the process, ns since the epoch") \
	X(PROC_PPID_TS, "proc.ppid.ts", ABSTIME, 0, "start time of the parent process, ns since the epoch") \
	X(PROC_PPID_DURATION, "proc.ppid.duration", RELTIME, 0, "nanoseconds since the parent process started") \
	X(PROC_IS_EXE_WRITABLE, "proc.is_exe_writable", BOOL, 0, "true when the executable file is writable by the process") \
	X(PROC_IS_EXE_UPPER_LAYER, "proc.is_exe_upper_layer", BOOL, 0, "true when the executable lies in the upper (writable) layer of an overlayfs, e.g. a file added to a running container") \
	X(PROC_IS_EXE_FROM_MEMFD, "proc.is_exe_from_memfd", BOOL, 0, "true when the executable is a memfd (fileless execution)") \
	X(PROC_EXE_INO, "proc.exe_ino", U64, 0, "inode number of the executable") \
	X(PROC_EXE_INO_CTIME, "proc.exe_ino.ctime", ABSTIME, 0, "last status change time of the executable's inode") \
	X(PROC_EXE_INO_MTIME, "proc.exe_ino.mtime", ABSTIME, 0, "last modification time of the executable's inode") \
	X(PROC_EXE_INO_CTIME_PROC, "proc.exe_ino.ctime_duration_proc_start", RELTIME, 0, "nanoseconds between the executable's ctime and the process start") \
	X(PROC_EXE_INO_CTIME_PIDNS, "proc.exe_ino.ctime_duration_pidns_start", RELTIME, 0, "nanoseconds between the executable's ctime and the start of the pid namespace's init") \
	X(PROC_PIDNS_INIT_TS, "proc.pidns_init_start_ts", ABSTIME, 0, "start time of the init process of the process's pid namespace") \
	X(PROC_FDOPENCOUNT, "proc.fdopencount", U64, 0, "number of open fds of the process known to the state") \
	X(PROC_FDLIMIT, "proc.fdlimit", I64, 0, "maximum number of fds the process may open (RLIMIT_NOFILE)") \
	X(PROC_STDIN_TYPE, "proc.stdin.type", STRING, 0, "fd.type of the process's fd 0") \
	X(PROC_STDIN_NAME, "proc.stdin.name", STRING, 0, "fd.name of the process's fd 0") \
	X(PROC_STDOUT_TYPE, "proc.stdout.type", STRING, 0, "fd.type of the process's fd 1") \
	X(PROC_STDOUT_NAME, "proc.stdout.name", STRING, 0, "fd.name of the process's fd 1") \
	X(PROC_STDERR_TYPE, "proc.stderr.type", STRING, 0, "fd.type of the process's fd 2") \
	X(PROC_STDERR_NAME, "proc.stderr.name", STRING, 0, "fd.name of the process's fd 2") \
	X(THREAD_TID, "thread.tid", I64, 0, "id of the thread generating the event") \
	X(THREAD_VTID, "thread.vtid", I64, 0, "id of the thread as seen from its own pid namespace") \
	X(THREAD_ISMAIN, "thread.ismain", BOOL, 0, "true when the thread is the main thread of its process") \
	X(THREAD_CAP_PERMITTED, "thread.cap_permitted", STRING, 0, "permitted capabilities of the thread (CAP_* names separated by spaces)") \
	X(THREAD_CAP_INHERITABLE, "thread.cap_inheritable", STRING, 0, "inheritable capabilities of the thread (CAP_* names separated by spaces)") \
	X(THREAD_CAP_EFFECTIVE, "thread.cap_effective", STRING, 0, "effective capabilities of the thread (CAP_* names separated by spaces)") \
	X(THREAD_CGROUPS, "thread.cgroups", STRING, 0, "all cgroups of the thread as one string: controller=path ...") \
	X(THREAD_CGROUP, "thread.cgroup", STRING, SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_KEY, "the thread's cgroup of one controller, e.g. thread.cgroup[cpuset]") \
	X(FD_NUM, "fd.num", I64, 0, "number of the file descriptor the event is about") \
	X(FD_TYPE, "fd.type", STRING, 0, "type of the fd: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, io_uring, memfd, pidfd, unknown") \
	X(FD_TYPECHAR, "fd.typechar", STRING, 0, "type of the fd as one character: f file, d directory, 4 ipv4, 6 ipv6, u unix, p pipe, e event, s signalfd, l eventpoll, i inotify, t timerfd, n netlink, b bpf, r io_uring, m memfd, o unknown") \
	X(FD_NAME, "fd.name", STRING, 0, "full name of the fd: the absolute path of a file, the client->server tuple of a socket, the path of a unix socket") \
	X(FD_NAMERAW, "fd.nameraw", STRING, 0, "the path of a file exactly as the process passed it (not made absolute)") \
	X(FD_DIRECTORY, "fd.directory", STRING, 0, "directory of a file fd (the path itself for a directory fd)") \
	X(FD_FILENAME, "fd.filename", STRING, 0, "file name of a file fd, without the directory") \
	X(FD_IP, "fd.ip", IPADDR, SK_FIELD_LIST, "(for conditions) matches the client or the server address of the fd") \
	X(FD_CIP, "fd.cip", IPADDR, 0, "client IP address") \
	X(FD_SIP, "fd.sip", IPADDR, 0, "server IP address") \
	X(FD_LIP, "fd.lip", IPADDR, 0, "local IP address") \
	X(FD_RIP, "fd.rip", IPADDR, 0, "remote IP address") \
	X(FD_PORT, "fd.port", PORT, SK_FIELD_LIST, "(for conditions) matches the client or the server port of the fd") \
	X(FD_CPORT, "fd.cport", PORT, 0, "client port of a TCP/UDP fd") \
	X(FD_SPORT, "fd.sport", PORT, 0, "server port of a TCP/UDP fd") \
	X(FD_LPORT, "fd.lport", PORT, 0, "local port of a TCP/UDP fd") \
	X(FD_RPORT, "fd.rport", PORT, 0, "remote port of a TCP/UDP fd") \
	X(FD_L4PROTO, "fd.l4proto", STRING, 0, "IP protocol of a socket: tcp, udp, icmp or raw") \
	X(FD_SOCKFAMILY, "fd.sockfamily", STRING, 0, "socket family: ip for IPv4/IPv6 sockets, unix for unix sockets") \
	X(FD_IS_SERVER, "fd.is_server", BOOL, 0, "true when the process owning the fd is the server end of the connection") \
	X(FD_NET, "fd.net", IPNET, SK_FIELD_LIST, "(for conditions) matches the client or the server address against a network (fd.net = 10.0.0.0/8)") \
	X(FD_CNET, "fd.cnet", IPNET, 0, "(for conditions) matches the client address against a network") \
	X(FD_SNET, "fd.snet", IPNET, 0, "(for conditions) matches the server address against a network") \
	X(FD_LNET, "fd.lnet", IPNET, 0, "(for conditions) matches the local address against a network") \
	X(FD_RNET, "fd.rnet", IPNET, 0, "(for conditions) matches the remote address against a network") \
	X(FD_CONNECTED, "fd.connected", BOOL, 0, "true when the socket is connected (or a non-blocking connect is in progress)") \
	X(FD_NAME_CHANGED, "fd.name_changed", BOOL, 0, "true when this event gave its fd a new name: a connect, bind, or a datagram (sendto, recvfrom ...) to or from another address than the last on an unconnected socket; also an fd the event creates with a name (open, accept)") \
	X(FD_CIP_NAME, "fd.cip.name", STRING, 0, "domain name of the client IP address, among the names the loaded rules compare fd.*ip.name with (resolved in the background, again every 10 s to 320 s): the name, or a list of them when several resolve to the address; NA when none does") \
	X(FD_SIP_NAME, "fd.sip.name", STRING, 0, "domain name of the server IP address, among the names the loaded rules compare fd.*ip.name with (see fd.cip.name)") \
	X(FD_LIP_NAME, "fd.lip.name", STRING, 0, "domain name of the local IP address, among the names the loaded rules compare fd.*ip.name with (see fd.cip.name)") \
	X(FD_RIP_NAME, "fd.rip.name", STRING, 0, "domain name of the remote IP address, among the names the loaded rules compare fd.*ip.name with (see fd.cip.name)") \
	X(FD_DEV, "fd.dev", U64, 0, "device number of the file's filesystem") \
	X(FD_DEV_MAJOR, "fd.dev.major", U64, 0, "major device number of the file's filesystem") \
	X(FD_DEV_MINOR, "fd.dev.minor", U64, 0, "minor device number of the file's filesystem") \
	X(FD_INO, "fd.ino", U64, 0, "inode number of the file") \
	X(FD_TYPES, "fd.types", STRING, SK_FIELD_LIST | SK_FIELD_ARG_INDEX, "(on events about an fd) the types (fd.type) of the fds the process has open, each once: (file,ipv4); fd.types[N] is the type of fd N alone") \
	X(USER_UID, "user.uid", U64, 0, "effective user id of the thread") \
	X(USER_NAME, "user.name", STRING, 0, "name of the user, from the passwd file of the process's own root (a container's, not the host's)") \
	X(USER_HOMEDIR, "user.homedir", STRING, 0, "home directory of the user") \
	X(USER_SHELL, "user.shell", STRING, 0, "login shell of the user") \
	X(USER_LOGINUID, "user.loginuid", I64, 0, "audit login user id of the process (-1 when unset)") \
	X(USER_LOGINNAME, "user.loginname", STRING, 0, "name of the audit login user") \
	X(GROUP_GID, "group.gid", U64, 0, "effective group id of the thread") \
	X(GROUP_NAME, "group.name", STRING, 0, "name of the group, from the group file of the process's own root")
/* clang-format on */

enum sys_field_id {
#define X(id, name, type, flags, desc) F_##id,
	SYS_FIELDS(X)
#undef X
	    F_COUNT
};

/* sys_evt_field - evt.* field `id` (F_EVT_NUM .. F_EVT_PLUGINNAME) of the
 * current event (fields_evt.c). */
int sys_evt_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
		  const struct sk_field_req *req, struct sk_value *v);

/* sys_fd_field - fd.* field `id` (F_FD_NUM .. F_FD_TYPES) of the event's fd
 * (fields_fdcore.c). */
int sys_fd_field(struct sys_inst *in, unsigned id, const struct sk_field_req *req,
		 struct sk_value *v);

/* sys_proc_field - a proc.* or thread.* field of the event's thread, which
 * is known (fields_proc.c). */
int sys_proc_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
		   const struct sk_field_req *req, struct sk_value *v);

/* sys_user_field - a user.* or group.* field (F_USER_UID on) of the
 * event's thread, which is known (fields_user.c). */
int sys_user_field(struct sys_inst *in, const struct sk_event *ev, unsigned id, struct sk_value *v);

#endif /* SK_PLUGINS_SYSCALL_FIELDS_H */
