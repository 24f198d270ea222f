/* plugins/syscall/fields_evtproc.h - the second part of the syscall
 * plugin's field table (fields_evtproc.c): event counters and timing
 * (evt.count*, evt.deltatime*, evt.reltime.s/ns, evt.type.is, syscall.type,
 * ...), process-group, ancestor-argument and memory fields (proc.pgid*,
 * proc.aargs, proc.aenv, proc.vm*, proc.fdusage) and the thread.* CPU,
 * page-fault and memory fields, with the memory facts the state keeps for
 * them. fields.c appends this list to fields.h's and fields_fd.h's. */
#ifndef SK_PLUGINS_SYSCALL_FIELDS_EVTPROC_H
#define SK_PLUGINS_SYSCALL_FIELDS_EVTPROC_H

#include <stdint.h>

#include <shrike/plugin.h>

struct sys_inst;

/* Per-instance bookkeeping of these fields. */
struct sys_evtproc {
	uint64_t cur_ts;  /* time of the event parsed last */
	uint64_t prev_ts; /* time of the event before it, 0: none */
	uint64_t cnt;	  /* util.cnt */
};

/* clang-format off */
#define SYS_FIELDS_EVTPROC(X) \
	X(EVT_COUNT, "evt.count", U64, 0, "always 1 (for counting events in aggregations)") \
	X(EVT_COUNT_ERROR, "evt.count.error", U64, 0, "1 when the call returned an error, 0 when it succeeded; NA for events without a return value (procexit)") \
	X(EVT_COUNT_ERROR_FILE, "evt.count.error.file", U64, 0, "evt.count.error for events about a file or directory fd, or open-family calls without one; NA for other events") \
	X(EVT_COUNT_ERROR_NET, "evt.count.error.net", U64, 0, "evt.count.error for events about an IPv4, IPv6 or unix socket, or accept/accept4/connect without a known fd; NA for other events") \
	X(EVT_COUNT_ERROR_MEMORY, "evt.count.error.memory", U64, 0, "evt.count.error for memory events (mmap, munmap, mprotect); NA for other events") \
	X(EVT_COUNT_ERROR_OTHER, "evt.count.error.other", U64, 0, "evt.count.error for events that are neither file, network nor memory events (see the three fields above); NA for those") \
	X(EVT_COUNT_EXIT, "evt.count.exit", U64, 0, "1 for exit events: every syscall event (all are recorded at exit); NA for procexit, which Falco counts as an enter event") \
	X(EVT_DELTATIME, "evt.deltatime", RELTIME, 0, "nanoseconds between the previous event of the syscall source and this one (0 for the first)") \
	X(EVT_DELTATIME_S, "evt.deltatime.s", RELTIME, 0, "integer part of evt.deltatime, in seconds") \
	X(EVT_DELTATIME_NS, "evt.deltatime.ns", RELTIME, 0, "fractional part of evt.deltatime, in nanoseconds") \
	X(EVT_RELTIME_S, "evt.reltime.s", RELTIME, 0, "integer part of evt.reltime (time since the first event), in seconds") \
	X(EVT_RELTIME_NS, "evt.reltime.ns", RELTIME, 0, "fractional part of evt.reltime, in nanoseconds") \
	X(EVT_OUTPUTTIME, "evt.outputtime", STRING, SK_FIELD_INFO, "event time as outputs print it: Falco's default (-t h), the same text as evt.time") \
	X(EVT_INFO, "evt.info", STRING, 0, "the same text as evt.args (as in Falco)") \
	X(EVT_TYPE_IS, "evt.type.is", U64, SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_KEY, "1 when the event is of the type named in the argument, else 0: evt.type.is.open (or evt.type.is[open]) is 1 for open events") \
	X(SYSCALL_TYPE, "syscall.type", STRING, 0, "for syscall events the name of the system call (e.g. 'open'); NA for events that are not a system call (procexit)") \
	X(EVT_IS_WAIT, "evt.is_wait", BOOL, 0, "true for events that make the thread wait (nanosleep, select, poll, epoll_wait); none of them is in Shrike's event table, so always false") \
	X(EVT_IS_SYSLOG, "evt.is_syslog", BOOL, 0, "true for writes (write, pwrite, writev, sendto, sendmsg) to an fd whose name contains /dev/log") \
	X(EVT_IS_ASYNC, "evt.is_async", BOOL, 0, "true for asynchronous events; the syscall source has none (every event is a thread's own syscall or scheduler event), so always false") \
	X(EVT_ASYNCTYPE, "evt.asynctype", STRING, 0, "the type of an asynchronous event; the syscall source has none, so always NA") \
	X(EVT_PLUGININFO, "evt.plugininfo", STRING, 0, "summary of a plugin-defined event as its plugin formats it; NA for syscall events, which are not plugin events") \
	X(UTIL_CNT, "util.cnt", U64, 0, "incremental counter: one more at every extraction of this field (as Falco, a debugging aid)") \
	X(PROC_AARGS, "proc.aargs", STRING, SK_FIELD_ARG_INDEX, "arguments (proc.args) of an ancestor: proc.aargs[0] is the process itself, [1] the parent ...; without an index, the arguments of every known ancestor, separated by spaces") \
	X(PROC_AENV, "proc.aenv", STRING, SK_FIELD_ARG_INDEX | SK_FIELD_ARG_KEY, "environment of an ancestor: proc.aenv[0] is proc.env, proc.aenv[2] the grandparent's; proc.aenv[NAME] is the first non-empty value of NAME among the ancestors (parent first, 20 levels at most); without an argument, any ancestor's environment") \
	X(PROC_PGID, "proc.pgid", I64, 0, "process group id of the process, as seen from the host pid namespace") \
	X(PROC_PGID_NAME, "proc.pgid.name", STRING, 0, "name of the process group leader: the process whose pid is proc.pgid, or else the eldest known ancestor with the same pgid") \
	X(PROC_PGID_EXE, "proc.pgid.exe", STRING, 0, "argv[0] of the process group leader") \
	X(PROC_PGID_EXEPATH, "proc.pgid.exepath", STRING, 0, "executable path of the process group leader") \
	X(PROC_IS_PGID_LEADER, "proc.is_pgid_leader", BOOL, 0, "true when the process leads its process group (proc.pgid = proc.pid)") \
	X(PROC_FDUSAGE, "proc.fdusage", U64, 0, "open fds of the process as a percentage of its fd limit (proc.fdopencount * 100 / proc.fdlimit, rounded down: Falco gives a fraction); 0 without a limit") \
	X(PROC_VMSIZE, "proc.vmsize", U64, 0, "total virtual memory of the process in KiB, as the kernel gave it at the thread's last clone, execve, mmap or munmap (or in /proc at start); 0 when unknown") \
	X(PROC_VMRSS, "proc.vmrss", U64, 0, "resident (non-swapped) memory of the process in KiB, as of the same moment as proc.vmsize") \
	X(PROC_VMSWAP, "proc.vmswap", U64, 0, "swapped-out memory of the process in KiB, as of the same moment as proc.vmsize") \
	X(THREAD_VMSIZE, "thread.vmsize", U64, 0, "for the main thread of a process, proc.vmsize; 0 for other threads") \
	X(THREAD_VMRSS, "thread.vmrss", U64, 0, "for the main thread of a process, proc.vmrss; 0 for other threads") \
	X(THREAD_PFMAJOR, "thread.pfmajor", U64, 0, "major page faults of the thread since it started: from /proc for threads running at start, 0 at a clone (the kernel starts counting anew); NA after an execve, whose record has no room for the counter") \
	X(THREAD_PFMINOR, "thread.pfminor", U64, 0, "minor page faults of the thread since it started; known when thread.pfmajor is") \
	X(THREAD_CPU, "thread.cpu", U64, 0, "CPU used by the thread in the last second; Falco computes it on procinfo events only, which no Shrike source produces: always NA") \
	X(THREAD_CPU_USER, "thread.cpu.user", U64, 0, "user CPU used by the thread in the last second; procinfo events only: always NA") \
	X(THREAD_CPU_SYSTEM, "thread.cpu.system", U64, 0, "system CPU used by the thread in the last second; procinfo events only: always NA") \
	X(THREAD_EXECTIME, "thread.exectime", RELTIME, 0, "CPU time of the last scheduled thread, set by context-switch events only; Shrike records none, so 0 (as Falco gives on other events)") \
	X(THREAD_TOTEXECTIME, "thread.totexectime", RELTIME, 0, "CPU time of the thread summed over context-switch events; Shrike records none, so 0") \
	SYS_FIELDS_LEGACY(X)

/* Fields libsinsp keeps for its tables (buffer lengths by direction and
 * kind, thread.nametid, byte sizes) with their values, and the ones it
 * deprecated, accepted so old rules load and always NA: the latency of an
 * enter/exit pair (Shrike records exit events only), procinfo counters and
 * Docker infrastructure events (no Shrike source has them). */
#define SYS_FIELDS_LEGACY(X) \
	X(EVT_BUFLEN_IN, "evt.buflen.in", U64, 0, "evt.buflen of events that read data (evt.is_io_read); NA otherwise") \
	X(EVT_BUFLEN_OUT, "evt.buflen.out", U64, 0, "evt.buflen of events that write data (evt.is_io_write); NA otherwise") \
	X(EVT_BUFLEN_FILE, "evt.buflen.file", U64, 0, "evt.buflen of I/O on a file (fd.typechar f)") \
	X(EVT_BUFLEN_FILE_IN, "evt.buflen.file.in", U64, 0, "evt.buflen of reads from a file") \
	X(EVT_BUFLEN_FILE_OUT, "evt.buflen.file.out", U64, 0, "evt.buflen of writes to a file") \
	X(EVT_BUFLEN_NET, "evt.buflen.net", U64, 0, "evt.buflen of I/O on an IPv4 or IPv6 socket") \
	X(EVT_BUFLEN_NET_IN, "evt.buflen.net.in", U64, 0, "evt.buflen of reads from an IPv4 or IPv6 socket") \
	X(EVT_BUFLEN_NET_OUT, "evt.buflen.net.out", U64, 0, "evt.buflen of writes to an IPv4 or IPv6 socket") \
	X(THREAD_NAMETID, "thread.nametid", STRING, 0, "the thread's proc.name followed by its tid (bash1234): names one thread of one execve") \
	X(THREAD_VMSIZE_B, "thread.vmsize.b", U64, 0, "thread.vmsize in bytes") \
	X(THREAD_VMRSS_B, "thread.vmrss.b", U64, 0, "thread.vmrss in bytes") \
	X(EVT_LATENCY, "evt.latency", RELTIME, SK_FIELD_DEPRECATED, "deprecated in Falco: time between a call's enter and exit events; Shrike records exit events only, always NA") \
	X(EVT_LATENCY_S, "evt.latency.s", RELTIME, SK_FIELD_DEPRECATED, "deprecated in Falco: seconds of evt.latency; always NA") \
	X(EVT_LATENCY_NS, "evt.latency.ns", RELTIME, SK_FIELD_DEPRECATED, "deprecated in Falco: nanoseconds of evt.latency; always NA") \
	X(EVT_LATENCY_QUANTIZED, "evt.latency.quantized", U64, SK_FIELD_DEPRECATED, "deprecated in Falco: evt.latency on a log scale; always NA") \
	X(EVT_LATENCY_HUMAN, "evt.latency.human", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco: evt.latency as text; always NA") \
	X(EVT_WAIT_LATENCY, "evt.wait_latency", RELTIME, SK_FIELD_DEPRECATED, "deprecated in Falco: time spent waiting in a blocking call; always NA") \
	X(EVT_COUNT_PROCINFO, "evt.count.procinfo", U64, SK_FIELD_DEPRECATED, "Falco's count of procinfo events, which no Shrike source produces: always NA") \
	X(EVT_COUNT_THREADINFO, "evt.count.threadinfo", U64, SK_FIELD_DEPRECATED, "Falco's count of procinfo events of threads; always NA") \
	X(EVT_INFRA_DOCKER_NAME, "evt.infra.docker.name", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco: name of a Docker infrastructure event, which no Shrike source produces; always NA") \
	X(EVT_INFRA_DOCKER_CONTAINER_ID, "evt.infra.docker.container.id", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco: container id of a Docker infrastructure event; always NA") \
	X(EVT_INFRA_DOCKER_CONTAINER_NAME, "evt.infra.docker.container.name", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco: container name of a Docker infrastructure event; always NA") \
	X(EVT_INFRA_DOCKER_CONTAINER_IMAGE, "evt.infra.docker.container.image", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco: container image of a Docker infrastructure event; always NA")
/* clang-format on */

enum sys_evtproc_id {
#define X(id, name, type, flags, desc) FE_##id,
	SYS_FIELDS_EVTPROC(X)
#undef X
	    FE_COUNT
};

/* sys_evtproc_parse - bookkeeping after parse() updated the state for one
 * syscall event: event times, and the memory and page-fault facts of the
 * clone, execve, mmap and munmap records. */
void sys_evtproc_parse(struct sys_inst *in, const struct sk_event *ev);

/* sys_evtproc_extract - field `id` (an enum sys_evtproc_id) of the event
 * parse() saw last. Same contract as the plugin's extract(). */
int sys_evtproc_extract(struct sys_inst *in, const struct sk_event *ev, unsigned id,
			const struct sk_field_req *req, struct sk_value *v);

#endif /* SK_PLUGINS_SYSCALL_FIELDS_EVTPROC_H */
