/* plugins/syscall/fields.c - the syscall source's fields: evt.*, proc.*,
 * thread.*, fd.*, user.*, group.* with Falco's names, types and meaning,
 * extracted from the current record and the state parse() keeps. Values
 * point into the instance's scratch buffer or into the state: valid until
 * the next extract(). */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <shrike/syscall_names.h>

#include "fields_fd.h"
#include "fields_evtproc.h"
#include "names.h"
#include "syscall.h"

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

/* fields_evtproc.c's fields come after these: index F_COUNT + FE_* */
const struct sk_field sys_fields[] = {
#define X(id, name, type, flags, desc) {name, SK_TYPE_##type, flags, NULL, desc},
    SYS_FIELDS(X) SYS_FD_FIELDS(X) SYS_FIELDS_EVTPROC(X)
#undef X
    {NULL, 0, 0, NULL, NULL},
};

/* ---- value helpers ---- */

static char *scratch(struct sys_inst *in, size_t need)
{
	if (need > in->bufcap) {
		size_t cap = in->bufcap ? in->bufcap : 256;
		while (cap < need) {
			cap *= 2;
		}
		char *b = realloc(in->buf, cap);
		if (b == NULL) {
			return NULL;
		}
		in->buf = b;
		in->bufcap = cap;
	}
	return in->buf;
}

static int ret_str(struct sk_value *v, const char *s)
{
	if (s == NULL) {
		return SK_NA;
	}
	v->type = SK_TYPE_STRING;
	v->str.ptr = s;
	v->str.len = (uint32_t)strlen(s);
	return SK_OK;
}

int sys_ret_fmt(struct sys_inst *in, struct sk_value *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *b = n >= 0 ? scratch(in, (size_t)n + 1) : NULL;
	if (b == NULL) {
		return SK_ERR;
	}
	va_start(ap, fmt);
	vsnprintf(b, (size_t)n + 1, fmt, ap);
	va_end(ap);
	v->type = SK_TYPE_STRING;
	v->str.ptr = b;
	v->str.len = (uint32_t)n;
	return SK_OK;
}

static int ret_u64(struct sk_value *v, uint32_t type, uint64_t x)
{
	v->type = type;
	v->u64 = x;
	return SK_OK;
}

static int ret_i64(struct sk_value *v, int64_t x)
{
	v->type = SK_TYPE_I64;
	v->i64 = x;
	return SK_OK;
}

static int ret_bool(struct sk_value *v, bool b)
{
	v->type = SK_TYPE_BOOL;
	v->b = b;
	return SK_OK;
}

/* for fields_evtproc.c (syscall.h) */
char *sys_scratch(struct sys_inst *in, size_t need)
{
	return scratch(in, need);
}

int sys_ret_str(struct sk_value *v, const char *s)
{
	return ret_str(v, s);
}

int sys_ret_u64(struct sk_value *v, uint32_t type, uint64_t x)
{
	return ret_u64(v, type, x);
}

int sys_ret_bool(struct sk_value *v, bool b)
{
	return ret_bool(v, b);
}

static void set_ip(struct sk_value *v, uint32_t type, int family, const uint8_t *addr)
{
	v->type = type;
	memset(&v->ip, 0, sizeof(v->ip));
	if (family == AF_INET) {
		v->ip.family = 4;
		v->ip.prefix = 32;
		memcpy(v->ip.addr, addr, 4);
	} else {
		v->ip.family = 6;
		v->ip.prefix = 128;
		memcpy(v->ip.addr, addr, 16);
	}
}

/* join - NUL-separated entries joined by `sep` into the scratch buffer. */
static const char *join(struct sys_inst *in, const char *s, size_t len, char sep)
{
	char *b = scratch(in, len + 1);
	if (b == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		b[i] = s[i] == '\0' ? sep : s[i];
	}
	b[len] = '\0';
	return b;
}

/* ---- event helpers ---- */

static const char *const shells[] = {"ash",  "bash", "csh",  "ksh",  "sh",
				     "tcsh", "zsh",  "dash", "fish", NULL};

static bool is_shell(const char *comm)
{
	for (const char *const *s = shells; *s; s++) {
		if (strcmp(comm, *s) == 0) {
			return true;
		}
	}
	return false;
}

/* result - the return value of the event, when it has one. */
static bool result(const struct sys_inst *in, int64_t *ret)
{
	const struct sk_sc_event *e = in->ev.info;
	if (e == NULL || e->nparams == 0 || in->ev.rec->type == SK_SC_PROCEXIT) {
		return false;
	}
	uint8_t pt = e->params[0].type;
	if (pt != SK_PT_ERRNO && pt != SK_PT_FD && pt != SK_PT_PID && pt != SK_PT_HEX64) {
		return false;
	}
	return sys_param_i64(in->ev.rec, e, 0, ret);
}

static bool is_open_event(uint16_t type)
{
	return type == SK_SC_OPEN || type == SK_SC_OPENAT || type == SK_SC_OPENAT2 ||
	       type == SK_SC_CREAT || type == SK_SC_OPEN_BY_HANDLE_AT;
}

/* open_flags - flags (and mode) of an open-family event. */
static bool open_flags(const struct sys_inst *in, int64_t *ret_flags, int64_t *ret_mode)
{
	const struct sk_evt_hdr *rec = in->ev.rec;
	if (in->ev.info == NULL || !is_open_event(rec->type)) {
		return false;
	}
	*ret_flags = 0;
	*ret_mode = 0;
	int mi = sys_param_named(in->ev.info, "mode");
	if (mi >= 0) {
		sys_param_i64(rec, in->ev.info, (unsigned)mi, ret_mode);
	}
	if (rec->type == SK_SC_CREAT) {
		*ret_flags = O_CREAT | O_WRONLY | O_TRUNC;
		return true;
	}
	int fi = sys_param_named(in->ev.info, "flags");
	return fi >= 0 && sys_param_i64(rec, in->ev.info, (unsigned)fi, ret_flags);
}

enum io_kind { IO_NONE, IO_READ, IO_WRITE };

static enum io_kind io_kind(uint16_t type)
{
	switch (type) {
	case SK_SC_READ:
	case SK_SC_PREAD:
	case SK_SC_READV:
	case SK_SC_RECVFROM:
	case SK_SC_RECVMSG:
		return IO_READ;
	case SK_SC_WRITE:
	case SK_SC_PWRITE:
	case SK_SC_WRITEV:
	case SK_SC_SENDTO:
	case SK_SC_SENDMSG:
		return IO_WRITE;
	default:
		return IO_NONE;
	}
}

static const char *category(uint16_t type)
{
	switch (type) {
	case SK_SC_EXECVE:
	case SK_SC_EXECVEAT:
	case SK_SC_CLONE:
	case SK_SC_FORK:
	case SK_SC_VFORK:
	case SK_SC_CLONE3:
	case SK_SC_PROCEXIT:
	case SK_SC_SETPGID:
	case SK_SC_SETSID:
	case SK_SC_PRCTL:
	case SK_SC_SETNS:
	case SK_SC_UNSHARE:
	case SK_SC_PTRACE:
	case SK_SC_CHROOT:
	case SK_SC_CHDIR:
	case SK_SC_FCHDIR:
	case SK_SC_CAPSET:
		return "process";
	case SK_SC_SETUID:
	case SK_SC_SETGID:
	case SK_SC_SETRESUID:
	case SK_SC_SETRESGID:
	case SK_SC_SETREUID:
	case SK_SC_SETREGID:
		return "user";
	case SK_SC_KILL:
	case SK_SC_TKILL:
	case SK_SC_TGKILL:
	case SK_SC_SIGNALFD:
	case SK_SC_SIGNALFD4:
		return "signal";
	case SK_SC_SOCKET:
	case SK_SC_SOCKETPAIR:
	case SK_SC_CONNECT:
	case SK_SC_ACCEPT:
	case SK_SC_ACCEPT4:
	case SK_SC_BIND:
	case SK_SC_LISTEN:
	case SK_SC_SHUTDOWN:
		return "net";
	case SK_SC_PIPE:
	case SK_SC_PIPE2:
	case SK_SC_EVENTFD:
	case SK_SC_EVENTFD2:
		return "ipc";
	case SK_SC_MMAP:
	case SK_SC_MPROTECT:
	case SK_SC_MUNMAP:
		return "memory";
	case SK_SC_INIT_MODULE:
	case SK_SC_FINIT_MODULE:
	case SK_SC_BPF:
	case SK_SC_USERFAULTFD:
	case SK_SC_MOUNT:
	case SK_SC_UMOUNT2:
		return "system";
	default:
		break;
	}
	switch (io_kind(type)) {
	case IO_READ:
		return "io_read";
	case IO_WRITE:
		return "io_write";
	default:
		return "file";
	}
}

/* ---- argument rendering ---- */

void sys_sb_addn(struct strbuf *b, const char *s, size_t n)
{
	if (b->oom) {
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1) {
			cap *= 2;
		}
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_add(struct strbuf *b, const char *s)
{
	sys_sb_addn(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void sb_fmt(struct strbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0) {
		sys_sb_addn(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
	}
}

static void render_ip(struct strbuf *b, int family, const uint8_t *ip, uint16_t port)
{
	char a[INET6_ADDRSTRLEN] = "";
	inet_ntop(family, ip, a, sizeof(a));
	sb_fmt(b, "%s:%u", a, port);
}

/* render_fd - an fd argument: the number; resolved, AT_FDCWD, the error
 * name of a negative value, or <type>name of an open fd. */
static void render_fd(struct sys_inst *in, int64_t x, struct strbuf *val, struct strbuf *res)
{
	sb_fmt(val, "%" PRId64, x);
	if (x == AT_FDCWD) {
		sb_add(res, "AT_FDCWD");
	} else if (x < 0) {
		const char *e = sk_errno_name(-x);
		if (e) {
			sb_add(res, e);
		}
	} else {
		const struct sk_fd *fd =
		    in->ev.fd && in->ev.fdnum == x ? in->ev.fd : sk_fd_get(in->ev.t, x);
		if (fd != NULL) {
			sb_fmt(res, "<%c>%s", sk_fd_type_char(fd->type), fd->name ? fd->name : "");
		}
	}
}

/* render_path - a path argument as given; resolved, the absolute path of a
 * relative one. */
static void render_path(struct sys_inst *in, unsigned i, struct strbuf *val, struct strbuf *res)
{
	const char *s = sys_param_str(in->ev.rec, i);
	if (s == NULL) {
		return;
	}
	sb_add(val, s);
	if (s[0] != '/') {
		char path[PATH_MAX];
		int n = sys_resolve_path(in, i, path, sizeof(path));
		if (n >= 0) {
			sys_sb_addn(res, path, (size_t)n);
		}
	}
}

/* render_sockaddr - a socket address parameter (family byte, address,
 * port): ip:port, or a unix path. */
static void render_sockaddr(const char *s, uint32_t len, struct strbuf *val)
{
	int fam = (uint8_t)s[0];
	if (fam == AF_INET && len >= 7) {
		uint16_t port;
		memcpy(&port, s + 5, 2);
		render_ip(val, AF_INET, (const uint8_t *)s + 1, port);
	} else if (fam == AF_INET6 && len >= 19) {
		uint16_t port;
		memcpy(&port, s + 17, 2);
		render_ip(val, AF_INET6, (const uint8_t *)s + 1, port);
	} else if (fam == AF_UNIX && len >= 2 && s[len - 1] == '\0') {
		sb_add(val, s + 1);
	} else {
		sb_fmt(val, "family %d", fam);
	}
}

/* render_socktuple - a socket tuple parameter: src->dst for IP, the
 * kernel's socket ids and the path for unix sockets. */
static void render_socktuple(const char *s, uint32_t len, struct strbuf *val)
{
	int fam = (uint8_t)s[0];
	uint16_t sp, dp;
	if (fam == AF_INET && len >= 13) {
		memcpy(&sp, s + 5, 2);
		memcpy(&dp, s + 11, 2);
		render_ip(val, AF_INET, (const uint8_t *)s + 1, sp);
		sb_add(val, "->");
		render_ip(val, AF_INET, (const uint8_t *)s + 7, dp);
	} else if (fam == AF_INET6 && len >= 37) {
		memcpy(&sp, s + 17, 2);
		memcpy(&dp, s + 35, 2);
		render_ip(val, AF_INET6, (const uint8_t *)s + 1, sp);
		sb_add(val, "->");
		render_ip(val, AF_INET6, (const uint8_t *)s + 19, dp);
	} else if (fam == AF_UNIX && len >= 18 && s[len - 1] == '\0') {
		uint64_t a, b;
		memcpy(&a, s + 1, 8);
		memcpy(&b, s + 9, 8);
		sb_fmt(val, "%" PRIx64 "->%" PRIx64 " %s", a, b, s + 17);
	} else {
		sb_fmt(val, "family %d", fam);
	}
}

/* render_fdlist - poll's fd list: fd:events pairs separated by spaces. */
static void render_fdlist(const char *s, uint32_t len, struct strbuf *val)
{
	uint16_t n = 0;
	if (len >= 2) {
		memcpy(&n, s, 2);
	}
	for (uint32_t k = 0; k < n && 2 + (k + 1) * 10 <= len; k++) {
		int64_t fdn;
		uint16_t fl;
		memcpy(&fdn, s + 2 + k * 10, 8);
		memcpy(&fl, s + 10 + k * 10, 2);
		sb_fmt(val, "%s%" PRId64 ":%u", k ? " " : "", fdn, fl);
	}
}

/* render_param - param i of the current event: its plain text into `val`
 * and, for types Falco resolves (fds, errnos, flags, relative paths,
 * signals), the resolved text into `res` (left empty otherwise). */
static void render_param(struct sys_inst *in, unsigned i, struct strbuf *val, struct strbuf *res)
{
	const struct sk_evt_hdr *rec = in->ev.rec;
	const struct sk_sc_param *p = &in->ev.info->params[i];
	const void *data;
	uint32_t len;
	int64_t x = 0;
	if (!sys_param(rec, i, &data, &len)) {
		sb_add(val, "<NA>");
		return;
	}
	bool num = sk_sc_pt_size(p->type) != 0 && sys_param_i64(rec, in->ev.info, i, &x);
	if (sk_sc_pt_size(p->type) != 0 && !num) {
		sb_add(val, "<NA>"); /* a fixed-size parameter of the wrong length */
		return;
	}
	switch (p->type) {
	case SK_PT_FD:
		render_fd(in, x, val, res);
		return;
	case SK_PT_ERRNO:
		sb_fmt(val, "%" PRId64, x);
		if (x < 0 && sk_errno_name(-x)) {
			sb_add(res, sk_errno_name(-x));
		}
		return;
	case SK_PT_MODE:
		sb_fmt(val, "0%" PRIo64, (uint64_t)x & 0xffffffffu);
		return;
	case SK_PT_FLAGS32:
	case SK_PT_ENUM32: {
		sb_fmt(val, "%" PRIu64, (uint64_t)x & 0xffffffffu);
		if (sk_flag_table(p->aux) != NULL) {
			char tmp[1024];
			sk_flags_render(p->aux, (uint32_t)x, tmp, sizeof(tmp));
			sb_add(res, tmp);
		}
		return;
	}
	case SK_PT_SIGNAL:
		sb_fmt(val, "%" PRId64, x);
		if (x > 0 && (uint64_t)x < SK_SIGNAL_COUNT) {
			sb_add(res, sk_signal_names[x]);
		}
		return;
	case SK_PT_DEV:
		sb_fmt(val, "%" PRIx64, (uint64_t)x & 0xffffffffu);
		return;
	case SK_PT_HEX64:
		sb_fmt(val, "%" PRIx64, (uint64_t)x);
		return;
	case SK_PT_CAPS: {
		char tmp[1024];
		sb_fmt(val, "%" PRIx64, (uint64_t)x);
		sk_caps_format((uint64_t)x, tmp, sizeof(tmp));
		sb_add(res, tmp);
		return;
	}
	case SK_PT_I64:
	case SK_PT_I32:
	case SK_PT_PID:
		sb_fmt(val, "%" PRId64, x);
		return;
	case SK_PT_U64:
	case SK_PT_U32:
	case SK_PT_U16:
	case SK_PT_U8:
	case SK_PT_UID:
	case SK_PT_GID:
	case SK_PT_ABSTIME:
		if (num) {
			sb_fmt(val, "%" PRIu64, (uint64_t)x);
		}
		return;
	case SK_PT_PATH:
	case SK_PT_RELPATH:
		render_path(in, i, val, res);
		return;
	case SK_PT_CHARBUF: {
		const char *s = sys_param_str(rec, i);
		sb_add(val, s ? s : "");
		return;
	}
	case SK_PT_CHARBUFARRAY: {
		/* as Falco prints its byte buffers: each NUL as '.' (so execve's
		 * args read "-c.cat /etc/shadow.") */
		const char *s = data;
		for (uint32_t k = 0; k < len; k++) {
			sys_sb_addn(val, s[k] ? &s[k] : ".", 1);
		}
		return;
	}
	case SK_PT_BYTES: {
		const unsigned char *s = data;
		for (uint32_t k = 0; k < len; k++) {
			char c = isprint(s[k]) ? (char)s[k] : '.';
			sys_sb_addn(val, &c, 1);
		}
		return;
	}
	case SK_PT_SOCKADDR:
		render_sockaddr(data, len, val);
		return;
	case SK_PT_SOCKTUPLE:
		render_socktuple(data, len, val);
		return;
	case SK_PT_FDLIST:
		render_fdlist(data, len, val);
		return;
	default:
		return;
	}
}

static int arg_index(const struct sys_inst *in, const struct sk_field_req *req)
{
	if (req->arg_key == NULL) {
		return -1;
	}
	int i = sk_sc_param_index(in->ev.info, req->arg_key);
	if (i < 0 && req->has_index && req->arg_index < in->ev.info->nparams) {
		i = (int)req->arg_index;
	}
	return i;
}

static int extract_arg(struct sys_inst *in, const struct sk_field_req *req, struct sk_value *v)
{
	int i = arg_index(in, req);
	if (i < 0) {
		return SK_NA;
	}
	struct strbuf val = {0}, res = {0};
	render_param(in, (unsigned)i, &val, &res);
	int r = SK_ERR;
	if (!val.oom && !res.oom) {
		r = sys_ret_fmt(in, v, "%s", res.len ? res.p : val.p ? val.p : "");
	}
	free(val.p);
	free(res.p);
	return r;
}

static int extract_args(struct sys_inst *in, struct sk_value *v)
{
	struct strbuf all = {0};
	for (unsigned i = 0; i < in->ev.info->nparams; i++) {
		struct strbuf val = {0}, res = {0};
		render_param(in, i, &val, &res);
		sb_fmt(&all, "%s%s=", i ? " " : "", in->ev.info->params[i].name);
		sb_add(&all, val.p ? val.p : "");
		if (res.len) {
			sb_add(&all, "(");
			sb_add(&all, res.p);
			sb_add(&all, ")");
		}
		all.oom |= val.oom || res.oom;
		free(val.p);
		free(res.p);
	}
	int r = SK_ERR;
	if (!all.oom) {
		r = sys_ret_fmt(in, v, "%s", all.p ? all.p : "");
	}
	free(all.p);
	return r;
}

/* abspath - the absolute path of the first PATH/RELPATH parameter named in
 * `names` (NULL: the first path parameter of the event). */
static int abspath(struct sys_inst *in, const char *const *names, struct sk_value *v)
{
	const struct sk_sc_event *e = in->ev.info;
	int idx = -1;
	if (names == NULL) {
		for (unsigned i = 0; i < e->nparams; i++) {
			if (e->params[i].type == SK_PT_PATH || e->params[i].type == SK_PT_RELPATH) {
				idx = (int)i;
				break;
			}
		}
	} else {
		for (const char *const *n = names; *n && idx < 0; n++) {
			idx = sys_param_named(e, *n);
			if (idx >= 0 && e->params[idx].type != SK_PT_PATH &&
			    e->params[idx].type != SK_PT_RELPATH) {
				idx = -1;
			}
		}
	}
	char path[PATH_MAX];
	int n = idx >= 0 ? sys_resolve_path(in, (unsigned)idx, path, sizeof(path)) : -1;
	if (n < 0) {
		return SK_NA;
	}
	return sys_ret_fmt(in, v, "%s", path);
}

/* ---- time ---- */

enum tfmt { T_TIME, T_DATETIME, T_ISO };

static int time_str(struct sys_inst *in, struct sk_value *v, uint64_t ts, enum tfmt f, bool ns)
{
	time_t sec = (time_t)(ts / 1000000000ULL);
	struct tm tm;
	bool utc = f == T_ISO;
	if ((utc ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm)) == NULL) {
		return SK_NA;
	}
	char b[64];
	size_t n;
	switch (f) {
	case T_TIME:
		n = strftime(b, sizeof(b), "%H:%M:%S", &tm);
		break;
	case T_DATETIME:
		n = strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S", &tm);
		break;
	default:
		n = strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
		break;
	}
	if (ns) {
		snprintf(b + n, sizeof(b) - n, ".%09llu%s",
			 (unsigned long long)(ts % 1000000000ULL), utc ? "Z" : "");
	}
	return sys_ret_fmt(in, v, "%s", b);
}

/* ---- process helpers ---- */

static const char *cmdline(struct sys_inst *in, const char *first, const struct sk_thread *t)
{
	size_t fl = strlen(first);
	char *b = scratch(in, fl + t->args_len + 2);
	if (b == NULL) {
		return NULL;
	}
	memcpy(b, first, fl);
	size_t n = fl;
	if (t->args != NULL && t->args_len > 0) {
		b[n++] = ' ';
		for (size_t i = 0; i < t->args_len; i++) {
			b[n++] = t->args[i] == '\0' ? ' ' : t->args[i];
		}
	}
	b[n] = '\0';
	return b;
}

/* ancestor - the n-th ancestor (0: t itself). */
static const struct sk_thread *ancestor(const struct sys_inst *in, const struct sk_thread *t,
					uint64_t n)
{
	for (uint64_t i = 0; i < n && t != NULL; i++) {
		t = sk_state_parent(&in->st, t);
	}
	return t;
}

enum afield { A_NAME, A_PID, A_EXE, A_EXEPATH, A_CMDLINE };

static int proc_value(struct sys_inst *in, const struct sk_thread *t, enum afield f,
		      struct sk_value *v)
{
	if (t == NULL) {
		return SK_NA;
	}
	switch (f) {
	case A_NAME:
		return t->comm[0] ? ret_str(v, t->comm) : SK_NA;
	case A_PID:
		return ret_i64(v, t->pid);
	case A_EXE:
		return ret_str(v, t->exe);
	case A_EXEPATH:
		return ret_str(v, t->exepath);
	case A_CMDLINE: {
		const char *c = cmdline(in, t->comm, t);
		return c ? ret_str(v, c) : SK_ERR;
	}
	}
	return SK_NA;
}

/* ancestors - proc.a*[N], or every ancestor as a list without an index. */
static int ancestors(struct sys_inst *in, const struct sk_field_req *req, enum afield f,
		     struct sk_value *v)
{
	const struct sk_thread *t = in->ev.t;
	if (req->arg_key != NULL) {
		if (!req->has_index) {
			return SK_NA;
		}
		return proc_value(in, ancestor(in, t, req->arg_index), f, v);
	}
	/* a list of every known ancestor; strings are copied into one buffer */
	static const size_t max = 64;
	const struct sk_thread *chain[64];
	size_t n = 0, bytes = 0;
	for (const struct sk_thread *a = sk_state_parent(&in->st, t); a && n < max;
	     a = sk_state_parent(&in->st, a)) {
		chain[n++] = a;
		const char *s = f == A_NAME ? a->comm : f == A_EXE ? a->exe : a->exepath;
		bytes += (f == A_PID || s == NULL ? 0 : strlen(s)) + 1;
		if (f == A_CMDLINE) {
			bytes += strlen(a->comm) + a->args_len + 2;
		}
	}
	if (n == 0) {
		return SK_NA;
	}
	size_t head = n * sizeof(struct sk_value);
	char *b = scratch(in, head + bytes + 8);
	if (b == NULL) {
		return SK_ERR;
	}
	struct sk_value *items = (struct sk_value *)b;
	char *sp = b + head;
	for (size_t i = 0; i < n; i++) {
		const struct sk_thread *a = chain[i];
		memset(&items[i], 0, sizeof(items[i]));
		if (f == A_PID) {
			items[i].type = SK_TYPE_I64;
			items[i].i64 = a->pid;
			continue;
		}
		size_t l = 0;
		if (f == A_CMDLINE) {
			l = strlen(a->comm);
			memcpy(sp, a->comm, l);
			if (a->args && a->args_len) {
				sp[l++] = ' ';
				for (size_t k = 0; k < a->args_len; k++) {
					sp[l++] = a->args[k] ? a->args[k] : ' ';
				}
			}
		} else {
			const char *s = f == A_NAME ? a->comm : f == A_EXE ? a->exe : a->exepath;
			l = s ? strlen(s) : 0;
			memcpy(sp, s ? s : "", l);
		}
		sp[l] = '\0';
		items[i].type = SK_TYPE_STRING;
		items[i].str.ptr = sp;
		items[i].str.len = (uint32_t)l;
		sp += l + 1;
	}
	v->type = SK_TYPE_LIST;
	v->list.items = items;
	v->list.n = (uint32_t)n;
	return SK_OK;
}

/* session_leader - the process whose pid is t's session id, or else the
 * eldest ancestor in the same session. */
static const struct sk_thread *session_leader(const struct sys_inst *in, const struct sk_thread *t)
{
	if (t->sid <= 0) {
		return NULL;
	}
	const struct sk_thread *l = sk_state_thread(&in->st, t->sid);
	if (l != NULL && l->sid == t->sid) {
		return l;
	}
	const struct sk_thread *best = t;
	for (const struct sk_thread *a = sk_state_parent(&in->st, t); a;
	     a = sk_state_parent(&in->st, a)) {
		if (a->sid != t->sid) {
			break;
		}
		best = a;
	}
	return best;
}

static const struct sk_thread *group_leader(const struct sys_inst *in, const struct sk_thread *t)
{
	if (t->pgid <= 0) {
		return NULL;
	}
	const struct sk_thread *l = sk_state_thread(&in->st, t->pgid);
	if (l != NULL) {
		return l;
	}
	const struct sk_thread *best = t;
	for (const struct sk_thread *a = sk_state_parent(&in->st, t); a;
	     a = sk_state_parent(&in->st, a)) {
		if (a->pgid != t->pgid) {
			break;
		}
		best = a;
	}
	return best;
}

static int caps(struct sys_inst *in, uint64_t mask, struct sk_value *v)
{
	char *b = scratch(in, 1024);
	if (b == NULL) {
		return SK_ERR;
	}
	sk_caps_format(mask, b, 1024);
	return ret_str(v, b);
}

static int env_value(struct sys_inst *in, const char *key, struct sk_value *v)
{
	size_t len = 0;
	const char *env = sk_state_env(&in->st, in->ev.t, &len);
	if (env == NULL) {
		return SK_NA;
	}
	if (key == NULL) {
		const char *s = join(in, env, len, ' ');
		return s ? ret_str(v, s) : SK_ERR;
	}
	size_t kl = strlen(key);
	for (size_t off = 0; off < len;) {
		const char *e = env + off;
		size_t el = strnlen(e, len - off);
		if (el > kl && strncmp(e, key, kl) == 0 && e[kl] == '=') {
			return sys_ret_fmt(in, v, "%.*s", (int)(el - kl - 1), e + kl + 1);
		}
		off += el + 1;
	}
	return SK_NA;
}

static int cgroup_value(struct sys_inst *in, const char *ctrl, struct sk_value *v)
{
	const struct sk_thread *t = in->ev.t;
	if (t->cgroups == NULL) {
		return SK_NA;
	}
	if (ctrl == NULL) {
		const char *s = join(in, t->cgroups, t->cgroups_len, ' ');
		return s ? ret_str(v, s) : SK_ERR;
	}
	size_t kl = strlen(ctrl);
	for (size_t off = 0; off < t->cgroups_len;) {
		const char *e = t->cgroups + off;
		size_t el = strnlen(e, t->cgroups_len - off);
		/* "cpu,cpuacct=/path": any controller of the list matches */
		const char *eq = memchr(e, '=', el);
		if (eq != NULL) {
			for (const char *c = e; c < eq;) {
				const char *comma = memchr(c, ',', (size_t)(eq - c));
				const char *ce = comma ? comma : eq;
				if ((size_t)(ce - c) == kl && strncmp(c, ctrl, kl) == 0) {
					return sys_ret_fmt(in, v, "%.*s", (int)(e + el - eq - 1),
						       eq + 1);
				}
				c = ce + 1;
			}
		}
		off += el + 1;
	}
	return SK_NA;
}

/* ---- fd helpers ---- */

bool sys_fd_is_inet(const struct sk_fd *fd)
{
	return fd != NULL && (fd->type == SK_FD_IPV4 || fd->type == SK_FD_IPV6) &&
	       (fd->family == AF_INET || fd->family == AF_INET6);
}

static bool fd_is_local_server(const struct sk_fd *fd)
{
	return fd->role == SK_ROLE_SERVER;
}

bool sys_fd_has_client(const struct sk_fd *fd)
{
	return fd->connected || fd->role == SK_ROLE_CLIENT || fd->cport != 0;
}

char sys_fd_side(const struct sk_fd *fd, char which)
{
	if (!sys_fd_is_inet(fd)) {
		return 0;
	}
	bool server = fd_is_local_server(fd);
	bool client_side = which == 'c' || (which == 'l' && !server) || (which == 'r' && server);
	if (client_side && !sys_fd_has_client(fd)) {
		return 0;
	}
	return client_side ? 'c' : 's';
}

/* fd_addr - the address fd.cip, fd.sip, fd.lip, fd.rip (and their .net and
 * .name fields) read from an inet fd ('c', 's', 'l', 'r'): NULL when it has
 * none (a listening socket has no client). */
static const uint8_t *fd_addr(const struct sk_fd *fd, char which)
{
	char side = sys_fd_side(fd, which);
	return side == 0 ? NULL : side == 'c' ? fd->cip : fd->sip;
}

/* fd_addr_name - fd.*ip.name: the learnt domain names that resolve to the
 * address (dns.c): one name as a string, several as a list. */
static int fd_addr_name(struct sys_inst *in, const struct sk_fd *fd, char which, struct sk_value *v)
{
	const uint8_t *a = fd_addr(fd, which);
	if (a == NULL || in->dns == NULL) {
		return SK_NA;
	}
	sys_dns_start(in->dns);
	const char *names[16];
	size_t n = sys_dns_names(in->dns, fd->family == AF_INET ? 4 : 6, a, names, 16);
	if (n == 0) {
		return SK_NA;
	}
	if (n == 1) {
		return ret_str(v, names[0]);
	}
	n = n < 16 ? n : 16;
	struct sk_value *items = (struct sk_value *)scratch(in, n * sizeof(*items));
	if (items == NULL) {
		return SK_ERR;
	}
	for (size_t i = 0; i < n; i++) {
		memset(&items[i], 0, sizeof(items[i]));
		ret_str(&items[i], names[i]);
	}
	v->type = SK_TYPE_LIST;
	v->list.items = items;
	v->list.n = (uint32_t)n;
	return SK_OK;
}

/* fd_types - fd.types: the types of the process's open fds, each once, in
 * enum order; fd.types[N]: the type of fd N. */
static int fd_types(struct sys_inst *in, const struct sk_field_req *req, struct sk_value *v)
{
	const struct sk_thread *t = in->ev.t;
	if (in->ev.fd == NULL && in->ev.fdnum < 0) {
		return SK_NA; /* as Falco: only on events about an fd */
	}
	bool seen[SK_FD_NTYPES] = {false};
	size_t n = 0;
	if (req->arg_key != NULL) {
		const struct sk_fd *fd =
		    req->has_index ? sk_fd_get(t, (int64_t)req->arg_index) : NULL;
		if (fd == NULL) {
			return SK_NA;
		}
		seen[fd->type < SK_FD_NTYPES ? fd->type : SK_FD_UNKNOWN] = true;
		n = 1;
	} else if (t->files != NULL) {
		for (size_t i = 0; i < t->files->fds.cap; i++) {
			const struct sk_fd *fd = t->files->fds.slots[i].val;
			if (fd != NULL) {
				unsigned ty = fd->type < SK_FD_NTYPES ? fd->type : SK_FD_UNKNOWN;
				n += !seen[ty];
				seen[ty] = true;
			}
		}
	}
	struct sk_value *items = (struct sk_value *)scratch(in, (n ? n : 1) * sizeof(*items));
	if (items == NULL) {
		return SK_ERR;
	}
	size_t k = 0;
	for (unsigned ty = 0; ty < SK_FD_NTYPES && k < n; ty++) {
		if (seen[ty]) {
			memset(&items[k], 0, sizeof(items[k]));
			ret_str(&items[k++], sk_fd_type_name(ty));
		}
	}
	v->type = SK_TYPE_LIST;
	v->list.items = items;
	v->list.n = (uint32_t)k;
	return SK_OK;
}

/* thread_counts - live threads of process `pid` in the table, and those
 * other than its main thread. */
static void thread_counts(const struct sys_inst *in, int64_t pid, uint64_t *ret_all,
			  uint64_t *ret_others)
{
	uint64_t all = 0, others = 0;
	for (size_t i = 0; i < in->st.threads.cap; i++) {
		const struct sk_thread *o = in->st.threads.slots[i].val;
		if (o != NULL && o->pid == pid && !o->dead) {
			all++;
			others += o->tid != pid;
		}
	}
	*ret_all = all;
	*ret_others = others;
}

void sys_field_constants(void *inst, const struct sk_field_req *req, const char *const *values,
			 size_t n)
{
	struct sys_inst *in = inst;
	unsigned id = req->field_idx;
	if (id != F_FD_CIP_NAME && id != F_FD_SIP_NAME && id != F_FD_LIP_NAME &&
	    id != F_FD_RIP_NAME) {
		return;
	}
	if (in->dns == NULL && (in->dns = sys_dns_create()) == NULL) {
		goto oom;
	}
	for (size_t i = 0; i < n; i++) {
		if (sys_dns_add(in->dns, values[i]) < 0) {
			goto oom;
		}
	}
	return;
oom:
	if (in->api && in->api->log) {
		in->api->log(in->host, SK_LOG_ERROR,
			     "out of memory learning the domain names of %s: they stay NA",
			     sys_fields[id].name);
	}
}

static int fd_std(struct sys_inst *in, int64_t num, bool name, struct sk_value *v)
{
	const struct sk_fd *fd = sk_fd_get(in->ev.t, num);
	if (fd == NULL) {
		return SK_NA;
	}
	return ret_str(v, name ? fd->name : sk_fd_type_name(fd->type));
}

static int fd_field(struct sys_inst *in, unsigned id, const struct sk_field_req *req,
		    struct sk_value *v)
{
	const struct sk_fd *fd = in->ev.fd;
	if (id == F_FD_TYPES) {
		return fd_types(in, req, v);
	}
	if (id == F_FD_NUM) {
		return in->ev.fdnum >= 0 || (fd && fd->num < 0)
			   ? ret_i64(v, fd ? fd->num : in->ev.fdnum)
			   : SK_NA;
	}
	if (fd == NULL) {
		return SK_NA;
	}
	bool file = fd->type == SK_FD_FILE || fd->type == SK_FD_DIRECTORY;
	bool inet = sys_fd_is_inet(fd);
	bool server = fd_is_local_server(fd);
	switch (id) {
	case F_FD_TYPE:
		return ret_str(v, sk_fd_type_name(fd->type));
	case F_FD_TYPECHAR:
		return sys_ret_fmt(in, v, "%c", sk_fd_type_char(fd->type));
	case F_FD_NAME:
		return ret_str(v, fd->name);
	case F_FD_NAMERAW:
		/* as Falco: only files keep the name as passed */
		return ret_str(v, fd->nameraw ? fd->nameraw : file ? fd->name : "");
	case F_FD_DIRECTORY: {
		if (!file || fd->name == NULL) {
			return SK_NA;
		}
		if (fd->type == SK_FD_DIRECTORY) {
			return ret_str(v, fd->name);
		}
		const char *slash = strrchr(fd->name, '/');
		if (slash == NULL) {
			return SK_NA;
		}
		size_t l = slash == fd->name ? 1 : (size_t)(slash - fd->name);
		return sys_ret_fmt(in, v, "%.*s", (int)l, fd->name);
	}
	case F_FD_FILENAME: {
		if (fd->type != SK_FD_FILE || fd->name == NULL || in->ev.open_failed) {
			return SK_NA; /* as Falco: not recovered for a failed open */
		}
		const char *slash = strrchr(fd->name, '/');
		return ret_str(v, slash ? slash + 1 : fd->name);
	}
	case F_FD_CIP:
	case F_FD_SIP:
	case F_FD_LIP:
	case F_FD_RIP:
	case F_FD_CNET:
	case F_FD_SNET:
	case F_FD_LNET:
	case F_FD_RNET: {
		/* both groups are in c, s, l, r order in the table */
		bool net = id == F_FD_CNET || id == F_FD_SNET || id == F_FD_LNET || id == F_FD_RNET;
		unsigned k = net ? id - F_FD_CNET : id - F_FD_CIP;
		const uint8_t *a = inet ? fd_addr(fd, "cslr"[k]) : NULL;
		if (a == NULL) {
			return SK_NA;
		}
		set_ip(v, net ? SK_TYPE_IPNET : SK_TYPE_IPADDR, fd->family, a);
		return SK_OK;
	}
	case F_FD_CIP_NAME:
		return inet ? fd_addr_name(in, fd, 'c', v) : SK_NA;
	case F_FD_SIP_NAME:
		return inet ? fd_addr_name(in, fd, 's', v) : SK_NA;
	case F_FD_LIP_NAME:
		return inet ? fd_addr_name(in, fd, 'l', v) : SK_NA;
	case F_FD_RIP_NAME:
		return inet ? fd_addr_name(in, fd, 'r', v) : SK_NA;
	case F_FD_NAME_CHANGED:
		return in->ev.open_failed ? SK_NA : ret_bool(v, in->ev.fd_name_changed);
	case F_FD_IP:
	case F_FD_NET: {
		if (!inet) {
			return SK_NA;
		}
		uint32_t ty = id == F_FD_NET ? SK_TYPE_IPNET : SK_TYPE_IPADDR;
		uint32_t n = 0;
		if (sys_fd_has_client(fd)) {
			set_ip(&in->items[n++], ty, fd->family, fd->cip);
		}
		set_ip(&in->items[n++], ty, fd->family, fd->sip);
		v->type = SK_TYPE_LIST;
		v->list.items = in->items;
		v->list.n = n;
		return SK_OK;
	}
	case F_FD_CPORT:
	case F_FD_SPORT:
	case F_FD_LPORT:
	case F_FD_RPORT: {
		char side = sys_fd_side(fd, id == F_FD_CPORT   ? 'c'
					    : id == F_FD_SPORT ? 's'
					    : id == F_FD_LPORT ? 'l'
							       : 'r');
		if (side == 0) {
			return SK_NA;
		}
		return ret_u64(v, SK_TYPE_PORT, side == 'c' ? fd->cport : fd->sport);
	}
	case F_FD_PORT: {
		if (!inet) {
			return SK_NA;
		}
		uint32_t n = 0;
		if (sys_fd_has_client(fd)) {
			in->items[n].type = SK_TYPE_PORT;
			in->items[n++].u64 = fd->cport;
		}
		in->items[n].type = SK_TYPE_PORT;
		in->items[n++].u64 = fd->sport;
		v->type = SK_TYPE_LIST;
		v->list.items = in->items;
		v->list.n = n;
		return SK_OK;
	}
	case F_FD_L4PROTO:
		return inet ? ret_str(v, sk_l4_name(fd->l4proto)) : SK_NA;
	case F_FD_SOCKFAMILY:
		return ret_str(v, sk_sockfamily_name(fd->family));
	case F_FD_IS_SERVER:
		return (inet || fd->type == SK_FD_UNIX) ? ret_bool(v, server) : SK_NA;
	case F_FD_CONNECTED:
		return (inet || fd->type == SK_FD_UNIX) ? ret_bool(v, fd->connected) : SK_NA;
	case F_FD_DEV:
		return file && fd->dev ? ret_u64(v, SK_TYPE_U64, fd->dev) : SK_NA;
	case F_FD_DEV_MAJOR: /* the kernel's new_encode_dev() layout */
		return file && fd->dev ? ret_u64(v, SK_TYPE_U64, (fd->dev & 0xfff00) >> 8) : SK_NA;
	case F_FD_DEV_MINOR:
		return file && fd->dev
			   ? ret_u64(v, SK_TYPE_U64, (fd->dev & 0xff) | ((fd->dev >> 12) & 0xfff00))
			   : SK_NA;
	case F_FD_INO:
		return fd->ino ? ret_u64(v, SK_TYPE_U64, fd->ino) : SK_NA;
	default:
		return SK_NA;
	}
}

/* ---- extract ---- */

static int evt_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
		     const struct sk_field_req *req, struct sk_value *v)
{
	const struct sk_evt_hdr *rec = ev->rec;
	int64_t res, flags, mode;
	switch (id) {
	case F_EVT_NUM:
		return ret_u64(v, SK_TYPE_U64, ev->num);
	case F_EVT_TIME:
		return time_str(in, v, rec->ts, T_TIME, true);
	case F_EVT_TIME_S:
		return time_str(in, v, rec->ts, T_TIME, false);
	case F_EVT_TIME_ISO:
		return time_str(in, v, rec->ts, T_ISO, true);
	case F_EVT_DATETIME:
		return time_str(in, v, rec->ts, T_DATETIME, true);
	case F_EVT_DATETIME_S:
		return time_str(in, v, rec->ts, T_DATETIME, false);
	case F_EVT_RAWTIME:
		return ret_u64(v, SK_TYPE_ABSTIME, rec->ts);
	case F_EVT_RAWTIME_S:
		return ret_u64(v, SK_TYPE_U64, rec->ts / 1000000000ULL);
	case F_EVT_RAWTIME_NS:
		return ret_u64(v, SK_TYPE_U64, rec->ts % 1000000000ULL);
	case F_EVT_RELTIME:
		return ret_u64(v, SK_TYPE_RELTIME,
			       rec->ts >= in->first_ts ? rec->ts - in->first_ts : 0);
	case F_EVT_HOSTNAME:
		return in->api && in->api->hostname ? ret_str(v, in->api->hostname(in->host))
						    : SK_NA;
	case F_EVT_SOURCE:
		return ret_str(v, ev->source ? ev->source : "syscall");
	case F_EVT_PLUGINNAME:
		return SK_NA;
	default:
		break;
	}
	if (in->ev.info == NULL) {
		return SK_NA;
	}
	switch (id) {
	case F_EVT_DIR:
		return ret_str(v, "<");
	case F_EVT_TYPE:
		return ret_str(v, in->ev.info->name);
	case F_EVT_CATEGORY:
		return ret_str(v, category(rec->type));
	case F_EVT_ARGS:
		return extract_args(in, v);
	case F_EVT_ARG:
		return extract_arg(in, req, v);
	case F_EVT_RAWARG: {
		int i = arg_index(in, req);
		int64_t x;
		if (i < 0 || !sys_param_i64(rec, in->ev.info, (unsigned)i, &x)) {
			return SK_NA;
		}
		return ret_i64(v, x);
	}
	case F_EVT_RES:
		if (!result(in, &res)) {
			return SK_NA;
		}
		if (res >= 0) {
			return ret_str(v, "SUCCESS");
		}
		return sk_errno_name(-res) ? ret_str(v, sk_errno_name(-res))
					   : sys_ret_fmt(in, v, "E%" PRId64, -res);
	case F_EVT_RAWRES:
		return result(in, &res) ? ret_i64(v, res) : SK_NA;
	case F_EVT_FAILED:
		return result(in, &res) ? ret_bool(v, res < 0) : SK_NA;
	case F_EVT_IS_OPEN_READ:
		return ret_bool(
		    v, open_flags(in, &flags, &mode) &&
			   ((flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR));
	case F_EVT_IS_OPEN_WRITE:
		return ret_bool(
		    v, open_flags(in, &flags, &mode) &&
			   ((flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR));
	case F_EVT_IS_OPEN_EXEC:
		return ret_bool(v, open_flags(in, &flags, &mode) &&
				       (flags & (O_CREAT | O_TMPFILE)) &&
				       (mode & (S_IXUSR | S_IXGRP | S_IXOTH)));
	case F_EVT_IS_OPEN_CREATE:
		return ret_bool(v,
				open_flags(in, &flags, &mode) && (flags & (O_CREAT | O_TMPFILE)));
	case F_EVT_IS_IO:
		return ret_bool(v, io_kind(rec->type) != IO_NONE);
	case F_EVT_IS_IO_READ:
		return ret_bool(v, io_kind(rec->type) == IO_READ);
	case F_EVT_IS_IO_WRITE:
		return ret_bool(v, io_kind(rec->type) == IO_WRITE);
	case F_EVT_IO_DIR:
		switch (io_kind(rec->type)) {
		case IO_READ:
			return ret_str(v, "r");
		case IO_WRITE:
			return ret_str(v, "w");
		default:
			return SK_NA;
		}
	case F_EVT_BUFFER: {
		int i = sys_param_named(in->ev.info, "data");
		const void *p;
		uint32_t len;
		if (i < 0 || !sys_param(rec, (unsigned)i, &p, &len)) {
			return SK_NA;
		}
		v->type = SK_TYPE_BYTES;
		v->str.ptr = p;
		v->str.len = len;
		return SK_OK;
	}
	case F_EVT_BUFLEN:
		if (io_kind(rec->type) == IO_NONE || !result(in, &res) || res < 0) {
			return SK_NA;
		}
		return ret_u64(v, SK_TYPE_U64, (uint64_t)res);
	case F_EVT_ABSPATH:
		return abspath(in, NULL, v);
	case F_EVT_ABSPATH_SRC: {
		static const char *const src[] = {"oldpath", NULL};
		return abspath(in, src, v);
	}
	case F_EVT_ABSPATH_DST: {
		static const char *const dst[] = {"newpath", "linkpath", NULL};
		return abspath(in, dst, v);
	}
	default:
		return SK_NA;
	}
}

/* args_count - proc.cmdnargs (arguments) or, with `chars`, proc.cmdlenargs
 * (their characters, separators not counted). */
static int args_count(const struct sk_thread *t, bool chars, struct sk_value *v)
{
	uint64_t n = 0;
	if (chars) {
		for (size_t i = 0; t->args && i < t->args_len; i++) {
			n += t->args[i] != '\0';
		}
		return ret_u64(v, SK_TYPE_U64, n);
	}
	for (size_t i = 0; t->args && i <= t->args_len; i++) {
		n += i == t->args_len || t->args[i] == '\0';
	}
	return ret_u64(v, SK_TYPE_U64, t->args && t->args_len ? n : 0);
}

/* login_shell - proc.loginshellid: the pid of the eldest shell among the
 * thread and its ancestors. */
static int login_shell(const struct sys_inst *in, const struct sk_thread *t, struct sk_value *v)
{
	int64_t id = -1;
	for (const struct sk_thread *a = t; a; a = sk_state_parent(&in->st, a)) {
		if (is_shell(a->comm)) {
			id = a->pid;
		}
	}
	return id >= 0 ? ret_i64(v, id) : SK_NA;
}

/* thread_fd_field - the thread's fd counts and standard streams, and the
 * thread.* fields. */
static int thread_fd_field(struct sys_inst *in, unsigned id, const struct sk_field_req *req,
			   struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	switch (id) {
	case F_PROC_FDOPENCOUNT:
		return t->files ? ret_u64(v, SK_TYPE_U64, t->files->fds.n) : SK_NA;
	case F_PROC_FDLIMIT:
		return t->fdlimit ? ret_i64(v, (int64_t)t->fdlimit) : SK_NA;
	case F_PROC_STDIN_TYPE:
		return fd_std(in, 0, false, v);
	case F_PROC_STDIN_NAME:
		return fd_std(in, 0, true, v);
	case F_PROC_STDOUT_TYPE:
		return fd_std(in, 1, false, v);
	case F_PROC_STDOUT_NAME:
		return fd_std(in, 1, true, v);
	case F_PROC_STDERR_TYPE:
		return fd_std(in, 2, false, v);
	case F_PROC_STDERR_NAME:
		return fd_std(in, 2, true, v);
	case F_THREAD_TID:
		return ret_i64(v, t->tid);
	case F_THREAD_VTID:
		return t->vtid >= 0 ? ret_i64(v, t->vtid) : SK_NA;
	case F_THREAD_ISMAIN:
		return ret_bool(v, t->tid == t->pid);
	case F_THREAD_CAP_PERMITTED:
		return caps(in, t->cap_prm, v);
	case F_THREAD_CAP_INHERITABLE:
		return caps(in, t->cap_inh, v);
	case F_THREAD_CAP_EFFECTIVE:
		return caps(in, t->cap_eff, v);
	case F_THREAD_CGROUPS:
		return cgroup_value(in, NULL, v);
	case F_THREAD_CGROUP:
		return req->arg_key ? cgroup_value(in, req->arg_key, v) : SK_NA;
	default:
		return SK_NA;
	}
}

/* exe_time_field - start times and durations, and the executable's facts
 * (writable, layer, memfd, inode and its times). */
static int exe_time_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
			  const struct sk_field_req *req, struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	const struct sk_thread *p = sk_state_parent(&in->st, t);
	uint64_t now = ev->rec->ts;
	switch (id) {
	case F_PROC_DURATION:
		return t->start_ts && now >= t->start_ts
			   ? ret_u64(v, SK_TYPE_RELTIME, now - t->start_ts)
			   : SK_NA;
	case F_PROC_PID_TS:
		return t->start_ts ? ret_u64(v, SK_TYPE_ABSTIME, t->start_ts) : SK_NA;
	case F_PROC_PPID_TS:
		return p && p->start_ts ? ret_u64(v, SK_TYPE_ABSTIME, p->start_ts) : SK_NA;
	case F_PROC_PPID_DURATION:
		return p && p->start_ts && now >= p->start_ts
			   ? ret_u64(v, SK_TYPE_RELTIME, now - p->start_ts)
			   : SK_NA;
	case F_PROC_IS_EXE_WRITABLE:
		return ret_bool(v, t->exe_writable);
	case F_PROC_IS_EXE_UPPER_LAYER:
		return ret_bool(v, t->exe_upper_layer);
	case F_PROC_IS_EXE_FROM_MEMFD:
		return ret_bool(v, t->exe_from_memfd);
	case F_PROC_EXE_INO:
		return t->exe_ino ? ret_u64(v, SK_TYPE_U64, t->exe_ino) : SK_NA;
	case F_PROC_EXE_INO_CTIME:
		return t->exe_ctime ? ret_u64(v, SK_TYPE_ABSTIME, t->exe_ctime) : SK_NA;
	case F_PROC_EXE_INO_MTIME:
		return t->exe_mtime ? ret_u64(v, SK_TYPE_ABSTIME, t->exe_mtime) : SK_NA;
	case F_PROC_EXE_INO_CTIME_PROC:
		return t->exe_ctime && t->start_ts >= t->exe_ctime
			   ? ret_u64(v, SK_TYPE_RELTIME, t->start_ts - t->exe_ctime)
			   : SK_NA;
	case F_PROC_EXE_INO_CTIME_PIDNS:
		return t->exe_ctime && t->pidns_init_ts >= t->exe_ctime && t->pidns_init_ts
			   ? ret_u64(v, SK_TYPE_RELTIME, t->pidns_init_ts - t->exe_ctime)
			   : SK_NA;
	case F_PROC_PIDNS_INIT_TS:
		return t->pidns_init_ts ? ret_u64(v, SK_TYPE_ABSTIME, t->pidns_init_ts) : SK_NA;
	default:
		return thread_fd_field(in, id, req, v);
	}
}

/* proc_field - the process's identity, command line, family (parent,
 * ancestors, session, process group) and terminal; the rest in
 * exe_time_field and thread_fd_field. */
static int proc_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
		      const struct sk_field_req *req, struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	const struct sk_thread *p = sk_state_parent(&in->st, t);
	switch (id) {
	case F_PROC_PID:
		return ret_i64(v, t->pid);
	case F_PROC_EXE:
		return ret_str(v, t->exe);
	case F_PROC_NAME:
		return t->comm[0] ? ret_str(v, t->comm) : SK_NA;
	case F_PROC_ARGS: {
		if (t->args == NULL) {
			return ret_str(v, "");
		}
		const char *s = join(in, t->args, t->args_len, ' ');
		return s ? ret_str(v, s) : SK_ERR;
	}
	case F_PROC_ENV:
		return env_value(in, req->arg_key, v);
	case F_PROC_CMDLINE:
		return proc_value(in, t, A_CMDLINE, v);
	case F_PROC_EXELINE: {
		const char *c = cmdline(in, t->exe ? t->exe : "", t);
		return c ? ret_str(v, c) : SK_ERR;
	}
	case F_PROC_CMDNARGS:
	case F_PROC_CMDLENARGS:
		return args_count(t, id == F_PROC_CMDLENARGS, v);
	case F_PROC_CWD: {
		const char *cwd = t->files ? t->files->cwd : NULL;
		if (cwd == NULL) {
			return SK_NA;
		}
		size_t l = strlen(cwd);
		return sys_ret_fmt(in, v, "%s%s", cwd, l && cwd[l - 1] == '/' ? "" : "/");
	}
	case F_PROC_EXEPATH:
		return ret_str(v, t->exepath);
	case F_PROC_NTHREADS:
	case F_PROC_NCHILDS: {
		uint64_t all, others;
		thread_counts(in, t->pid, &all, &others);
		return ret_u64(v, SK_TYPE_U64, id == F_PROC_NTHREADS ? all : others);
	}
	case F_PROC_PPID:
		return t->ppid >= 0 ? ret_i64(v, t->ppid) : SK_NA;
	case F_PROC_PNAME:
		return proc_value(in, p, A_NAME, v);
	case F_PROC_PCMDLINE:
		return proc_value(in, p, A_CMDLINE, v);
	case F_PROC_PEXE:
		return proc_value(in, p, A_EXE, v);
	case F_PROC_PEXEPATH:
		return proc_value(in, p, A_EXEPATH, v);
	case F_PROC_ANAME:
		return ancestors(in, req, A_NAME, v);
	case F_PROC_APID:
		return ancestors(in, req, A_PID, v);
	case F_PROC_AEXE:
		return ancestors(in, req, A_EXE, v);
	case F_PROC_AEXEPATH:
		return ancestors(in, req, A_EXEPATH, v);
	case F_PROC_ACMDLINE:
		return ancestors(in, req, A_CMDLINE, v);
	case F_PROC_VPID:
		return t->vpid >= 0 ? ret_i64(v, t->vpid) : SK_NA;
	case F_PROC_PVPID:
		return p && p->vpid >= 0 ? ret_i64(v, p->vpid) : SK_NA;
	case F_PROC_SID:
		return t->sid >= 0 ? ret_i64(v, t->sid) : SK_NA;
	case F_PROC_SNAME:
		return proc_value(in, session_leader(in, t), A_NAME, v);
	case F_PROC_SID_EXE:
		return proc_value(in, session_leader(in, t), A_EXE, v);
	case F_PROC_SID_EXEPATH:
		return proc_value(in, session_leader(in, t), A_EXEPATH, v);
	case F_PROC_IS_SID_LEADER:
		return t->sid >= 0 ? ret_bool(v, t->sid == (t->vpid >= 0 ? t->vpid : t->pid))
				   : SK_NA;
	case F_PROC_VPGID:
		return t->vpgid >= 0 ? ret_i64(v, t->vpgid) : SK_NA;
	case F_PROC_VPGID_NAME:
		return proc_value(in, group_leader(in, t), A_NAME, v);
	case F_PROC_VPGID_EXE:
		return proc_value(in, group_leader(in, t), A_EXE, v);
	case F_PROC_VPGID_EXEPATH:
		return proc_value(in, group_leader(in, t), A_EXEPATH, v);
	case F_PROC_IS_VPGID_LEADER:
		return t->vpgid >= 0 ? ret_bool(v, t->vpgid == (t->vpid >= 0 ? t->vpid : t->pid))
				     : SK_NA;
	case F_PROC_TTY:
		return ret_u64(v, SK_TYPE_U64, t->tty);
	case F_PROC_LOGINSHELLID:
		return login_shell(in, t, v);
	default:
		return exe_time_field(in, ev, id, req, v);
	}
}

static int user_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
		      struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	uint32_t uid = id == F_USER_LOGINNAME ? t->loginuid : t->euid;
	switch (id) {
	case F_USER_UID:
		return ret_u64(v, SK_TYPE_U64, t->euid);
	case F_USER_LOGINUID:
		return ret_i64(v, t->loginuid == SK_LOGINUID_NONE ? -1 : (int64_t)t->loginuid);
	case F_GROUP_GID:
		return ret_u64(v, SK_TYPE_U64, t->egid);
	case F_GROUP_NAME: {
		const struct sk_userdb *db = sk_state_userdb(&in->st, t, ev->rec->ts, false);
		const struct sk_group *g = db ? sk_userdb_group(db, t->egid) : NULL;
		if (g == NULL && db != NULL) {
			db = sk_state_userdb(&in->st, t, ev->rec->ts, true);
			g = db ? sk_userdb_group(db, t->egid) : NULL;
		}
		return g ? ret_str(v, g->name) : SK_NA;
	}
	default:
		break;
	}
	if (id == F_USER_LOGINNAME && uid == SK_LOGINUID_NONE) {
		return SK_NA;
	}
	const struct sk_userdb *db = sk_state_userdb(&in->st, t, ev->rec->ts, false);
	const struct sk_user *u = db ? sk_userdb_user(db, uid) : NULL;
	if (u == NULL && db != NULL) {
		db = sk_state_userdb(&in->st, t, ev->rec->ts, true);
		u = db ? sk_userdb_user(db, uid) : NULL;
	}
	if (u == NULL) {
		return SK_NA;
	}
	switch (id) {
	case F_USER_NAME:
	case F_USER_LOGINNAME:
		return ret_str(v, u->name);
	case F_USER_HOMEDIR:
		return ret_str(v, u->home);
	case F_USER_SHELL:
		return ret_str(v, u->shell);
	default:
		return SK_NA;
	}
}

int sys_extract(void *inst, const struct sk_event *ev, const struct sk_field_req *req,
		struct sk_value *ret_val)
{
	struct sys_inst *in = inst;
	unsigned id = req->field_idx;
	memset(ret_val, 0, sizeof(*ret_val));
	if (id >= F_COUNT + FX_COUNT + FE_COUNT) {
		return SK_ERR;
	}
	if (in->ev.num != ev->num || in->ev.rec != ev->rec) {
		/* not parsed (should not happen: parse() runs first) */
		sys_parse_event(in, ev);
	}
	if (id >= F_COUNT) {
		if (id - F_COUNT < FX_COUNT) {
			return sys_fdx_extract(in, id - F_COUNT, req, ret_val);
		}
		return sys_evtproc_extract(in, ev, id - F_COUNT - FX_COUNT, req, ret_val);
	}
	if (id <= F_EVT_PLUGINNAME) {
		return evt_field(in, ev, id, req, ret_val);
	}
	if (in->ev.t == NULL) {
		return SK_NA;
	}
	if (id >= F_FD_NUM && id <= F_FD_TYPES) {
		return fd_field(in, id, req, ret_val);
	}
	if (id >= F_USER_UID) {
		return user_field(in, ev, id, ret_val);
	}
	return proc_field(in, ev, id, req, ret_val);
}

/* ---- shared with fields_fd.c ---- */

int sys_fd_directory(struct sys_inst *in, struct sk_value *v)
{
	const struct sk_field_req req = {.field_idx = F_FD_DIRECTORY};
	return fd_field(in, F_FD_DIRECTORY, &req, v);
}
