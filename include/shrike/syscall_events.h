/* include/shrike/syscall_events.h - the syscall event table.
 *
 * One X-macro list, SK_SYSCALL_EVENTS(EV, P), defines every syscall event a
 * kernel-side source (the eBPF probe, the kernel module) writes and every
 * consumer (the syscall state and field extractor, capdump) reads. It
 * compiles as BPF C, kernel C and userspace C: only sk_u* types from
 * <shrike/event.h>, no libc outside the userspace part at the end.
 *
 * One line per event:
 *
 *     EV(ID, N, "name", SK_SCF_* flags, P(type, "arg", aux) P(...) ...)
 *
 *   ID    the C name: the event type is SK_SC_<ID> = SK_EVT_SYSCALL_BASE + N.
 *         Numbers are stable: append new events, never renumber.
 *   name  `evt.type` as Falco spells it.
 *   P     one parameter, in record order, with Falco's argument name
 *         (`evt.arg.<name>`), a SK_PT_* type and an aux value: the flag-name
 *         table (SK_FT_*) of a SK_PT_FLAGS32 / SK_PT_ENUM32 parameter, the
 *         index of the dirfd parameter of a SK_PT_RELPATH one, else 0.
 *
 * Every event is one record written at syscall exit (Falco's current model:
 * no enter events; `evt.dir` is `<` for all of them) carrying the return value
 * and the arguments. The return value comes first, named `res` (or `fd` when
 * the syscall returns a descriptor), as Falco's exit events have it. Process
 * events come from the scheduler tracepoints:
 *   - clone/fork/vfork/clone3: the parent's record at syscall exit (res = the
 *     child's id as the caller sees it) and the child's record from
 *     sched_process_fork (res = 0, the header's tid = the child's host tid);
 *   - execve/execveat: one record; a successful exec is written from
 *     sched_process_exec (the new image), a failed one at syscall exit;
 *   - procexit: every thread's exit, from sched_process_exit (exit and
 *     exit_group never return, so they have no record of their own).
 *
 * Parameter encoding (host byte order, no padding). A parameter of length 0
 * means "no value" (NA) whatever its type: the probe could not read it, or it
 * does not apply (a failed call, a data buffer the source does not copy).
 *   SK_PT_I64, FD, ERRNO, PID          8 bytes, signed
 *   SK_PT_U64, ABSTIME, CAPS, HEX64    8 bytes (ABSTIME: ns since the epoch)
 *   SK_PT_I32                          4 bytes, signed
 *   SK_PT_U32, UID, GID, MODE, DEV,    4 bytes (DEV: the kernel's
 *     FLAGS32, ENUM32                    new_encode_dev() value)
 *   SK_PT_U16                          2 bytes
 *   SK_PT_U8, SIGNAL                   1 byte
 *   SK_PT_PATH, RELPATH, CHARBUF       a NUL-terminated string, NUL included
 *   SK_PT_BYTES                        raw bytes
 *   SK_PT_CHARBUFARRAY                 NUL-terminated strings back to back
 *                                      (argv, env, cgroup lines)
 *   SK_PT_SOCKADDR                     u8 family (AF_*), then
 *                                        AF_INET:  4 address bytes (network
 *                                                  order), u16 port (host order)
 *                                        AF_INET6: 16 address bytes, u16 port
 *                                        AF_UNIX:  the path, NUL-terminated (an
 *                                                  abstract name starts with '@')
 *                                        others:   nothing more
 *   SK_PT_SOCKTUPLE                    u8 family, then
 *                                        AF_INET:  saddr[4] u16 sport
 *                                                  daddr[4] u16 dport
 *                                        AF_INET6: saddr[16] u16 sport
 *                                                  daddr[16] u16 dport
 *                                        AF_UNIX:  u64 source, u64 dest (kernel
 *                                                  socket ids), path NUL-term.
 *                                      (addresses in network order, ports in
 *                                      host order). The source is the client:
 *                                      the local end for connect, sendto and
 *                                      sendmsg, the peer for accept, recvfrom
 *                                      and recvmsg (Falco's order).
 *   SK_PT_FDLIST                       u16 n, then n times (i64 fd, u16 flags)
 *                                      (poll, ppoll: the pollfd array, its
 *                                      revents as the flags; a source may
 *                                      keep only the first entries)
 *
 * Flag parameters carry the kernel's own values (O_*, CLONE_*, MS_*...), not
 * Falco's PPM_* renumbering; <shrike/syscall_names.h> renders them with
 * Falco's names (`O_RDONLY|O_CLOEXEC`). So `evt.arg.flags` reads as in Falco
 * while `evt.rawarg.flags` holds the kernel's number.
 */
#ifndef SK_SHRIKE_SYSCALL_EVENTS_H
#define SK_SHRIKE_SYSCALL_EVENTS_H

#include <shrike/event.h>

/* ---- parameter types ----------------------------------------------------- */

#define SK_PT_NONE	   0u
#define SK_PT_I64	   1u  /* signed 64-bit number */
#define SK_PT_U64	   2u  /* unsigned 64-bit number */
#define SK_PT_I32	   3u  /* signed 32-bit number */
#define SK_PT_U32	   4u  /* unsigned 32-bit number */
#define SK_PT_U16	   5u  /* unsigned 16-bit number */
#define SK_PT_U8	   6u  /* unsigned 8-bit number */
#define SK_PT_FD	   7u  /* i64 file descriptor (negative: -errno or AT_FDCWD) */
#define SK_PT_ERRNO	   8u  /* i64 return value: >= 0 success, < 0 -errno */
#define SK_PT_PID	   9u  /* i64 process or thread id */
#define SK_PT_UID	   10u /* u32 user id */
#define SK_PT_GID	   11u /* u32 group id */
#define SK_PT_MODE	   12u /* u32 file mode, rendered in octal */
#define SK_PT_FLAGS32	   13u /* u32 bit set; aux = SK_FT_* table */
#define SK_PT_ENUM32	   14u /* u32 one value of a list; aux = SK_FT_* table */
#define SK_PT_PATH	   15u /* string: a path as passed (relative to the cwd) */
#define SK_PT_RELPATH	   16u /* string: a path relative to the dirfd param `aux` */
#define SK_PT_CHARBUF	   17u /* string */
#define SK_PT_BYTES	   18u /* raw bytes */
#define SK_PT_SOCKADDR	   19u /* socket address, see above */
#define SK_PT_SOCKTUPLE	   20u /* socket tuple, see above */
#define SK_PT_FDLIST	   21u /* list of descriptors, see above */
#define SK_PT_CHARBUFARRAY 22u /* NUL-separated strings */
#define SK_PT_ABSTIME	   23u /* u64 ns since the Unix epoch */
#define SK_PT_SIGNAL	   24u /* u8 signal number */
#define SK_PT_DEV	   25u /* u32 device number, rendered in hex */
#define SK_PT_CAPS	   26u /* u64 capability mask (bit n = capability n) */
#define SK_PT_HEX64	   27u /* u64 rendered in hex (addresses, kernel ids) */
#define SK_PT_MAX	   28u

/* ---- flag-name tables (rendered by <shrike/syscall_names.h>) ------------- */

#define SK_FT_NONE	   0u
#define SK_FT_OPEN	   1u  /* O_* (open, openat, openat2, dup3, pipe2, ...) */
#define SK_FT_CLONE	   2u  /* CLONE_* (clone, unshare, setns) */
#define SK_FT_PROT	   3u  /* PROT_* */
#define SK_FT_MMAP	   4u  /* MAP_* */
#define SK_FT_SOCK_FAMILY  5u  /* AF_* (enum) */
#define SK_FT_SOCK_TYPE	   6u  /* SOCK_* type + SOCK_NONBLOCK/SOCK_CLOEXEC */
#define SK_FT_PTRACE	   7u  /* PTRACE_* requests (enum) */
#define SK_FT_PRCTL	   8u  /* PR_* options (enum) */
#define SK_FT_MOUNT	   9u  /* MS_* */
#define SK_FT_UMOUNT	   10u /* MNT_FORCE, MNT_DETACH, ... */
#define SK_FT_FCNTL	   11u /* F_* commands (enum) */
#define SK_FT_EXECVE	   12u /* SK_EXE_* (execve's `flags`) */
#define SK_FT_AT	   13u /* AT_* (unlinkat, linkat, fchownat) */
#define SK_FT_RENAMEAT2	   14u /* RENAME_* */
#define SK_FT_MEMFD	   15u /* MFD_* */
#define SK_FT_RESOLVE	   16u /* RESOLVE_* (openat2) */
#define SK_FT_SHUTDOWN	   17u /* SHUT_* (enum) */
#define SK_FT_FINIT_MODULE 18u /* MODULE_INIT_* */
#define SK_FT_MAX	   19u

/* execve/execveat `flags` (Falco's execve_flags): facts about the new
 * executable. */
#define SK_EXE_WRITABLE	   0x1u /* the exe file is writable by the process */
#define SK_EXE_UPPER_LAYER 0x2u /* on overlayfs, from the upper layer */
#define SK_EXE_FROM_MEMFD  0x4u /* a memfd (memfd_create + fexecve) */
#define SK_EXE_LOWER_LAYER 0x8u /* on overlayfs, from a lower layer */

/* The open family's `layer` (Falco keeps it in the open flags as
 * PPM_FD_UPPER_LAYER / PPM_FD_LOWER_LAYER): where the opened file lies when
 * it is on an overlayfs. Records written before the parameter existed have
 * fewer parameters: the layer reads as NA there. */
#define SK_LAYER_NONE  0u /* not on an overlayfs */
#define SK_LAYER_UPPER 1u /* the upper (writable) layer: created or copied up */
#define SK_LAYER_LOWER 2u /* a lower (read-only) layer, e.g. an image layer */

/* ---- event flags ---------------------------------------------------------- */

#define SK_SCF_STATE	  0x1u /* the state tracker needs it: always captured */
#define SK_SCF_HIGHVOL	  0x2u /* high volume: off unless a rule or config asks */
#define SK_SCF_CREATES_FD 0x4u /* success returns a new descriptor */
#define SK_SCF_SCHED	  0x8u /* written from a sched tracepoint, not sys_exit */

/* The parameters shared by the clone family and by execve/execveat. */
/* clang-format off */
#define SK_SC_CLONE_PARAMS(P) \
	P(SK_PT_PID, "res", 0) P(SK_PT_CHARBUF, "exe", 0) P(SK_PT_CHARBUFARRAY, "args", 0) \
	P(SK_PT_PID, "tid", 0) P(SK_PT_PID, "pid", 0) P(SK_PT_PID, "ptid", 0) \
	P(SK_PT_CHARBUF, "cwd", 0) P(SK_PT_I64, "fdlimit", 0) P(SK_PT_U32, "vm_size", 0) \
	P(SK_PT_U32, "vm_rss", 0) P(SK_PT_U32, "vm_swap", 0) P(SK_PT_CHARBUF, "comm", 0) \
	P(SK_PT_CHARBUFARRAY, "cgroups", 0) P(SK_PT_FLAGS32, "flags", SK_FT_CLONE) \
	P(SK_PT_UID, "uid", 0) P(SK_PT_GID, "gid", 0) P(SK_PT_PID, "vtid", 0) \
	P(SK_PT_PID, "vpid", 0) P(SK_PT_U64, "pidns_init_start_ts", 0) P(SK_PT_UID, "loginuid", 0) \
	P(SK_PT_U32, "tty", 0) P(SK_PT_PID, "vpgid", 0) P(SK_PT_PID, "pgid", 0) P(SK_PT_PID, "sid", 0) \
	P(SK_PT_CAPS, "cap_inheritable", 0) P(SK_PT_CAPS, "cap_permitted", 0) \
	P(SK_PT_CAPS, "cap_effective", 0)

/* execve/execveat: `uid`/`gid` are the effective ids (as Falco's). `env` is
 * empty unless the source was asked for it. `cgroups` holds one
 * "controller=path" string per cgroup controller, as Falco's parameter (with
 * cgroup v2 every controller shows the same path; a task with no controller
 * enabled gets one "=path" string for its v2 cgroup). `trusted_exepath` is
 * the executable's path as the kernel resolved it (d_path of the exe file),
 * `exe` is argv[0] and `filename` the path passed to execve. */
#define SK_SC_EXEC_PARAMS(P) \
	P(SK_PT_ERRNO, "res", 0) P(SK_PT_CHARBUF, "exe", 0) P(SK_PT_CHARBUFARRAY, "args", 0) \
	P(SK_PT_PID, "tid", 0) P(SK_PT_PID, "pid", 0) P(SK_PT_PID, "ptid", 0) \
	P(SK_PT_CHARBUF, "cwd", 0) P(SK_PT_U64, "fdlimit", 0) P(SK_PT_U32, "vm_size", 0) \
	P(SK_PT_U32, "vm_rss", 0) P(SK_PT_U32, "vm_swap", 0) P(SK_PT_CHARBUF, "comm", 0) \
	P(SK_PT_CHARBUFARRAY, "cgroups", 0) P(SK_PT_CHARBUFARRAY, "env", 0) P(SK_PT_U32, "tty", 0) \
	P(SK_PT_PID, "vpgid", 0) P(SK_PT_UID, "loginuid", 0) P(SK_PT_FLAGS32, "flags", SK_FT_EXECVE) \
	P(SK_PT_CAPS, "cap_inheritable", 0) P(SK_PT_CAPS, "cap_permitted", 0) \
	P(SK_PT_CAPS, "cap_effective", 0) P(SK_PT_U64, "exe_ino", 0) \
	P(SK_PT_ABSTIME, "exe_ino_ctime", 0) P(SK_PT_ABSTIME, "exe_ino_mtime", 0) \
	P(SK_PT_UID, "uid", 0) P(SK_PT_PATH, "trusted_exepath", 0) P(SK_PT_PID, "pgid", 0) \
	P(SK_PT_GID, "gid", 0) P(SK_PT_PID, "vtid", 0) P(SK_PT_PID, "vpid", 0)

#define SK_SYSCALL_EVENTS(EV, P) \
	/* ---- process family ---- */ \
	EV(EXECVE, 0, "execve", SK_SCF_STATE, SK_SC_EXEC_PARAMS(P) P(SK_PT_PATH, "filename", 0)) \
	EV(EXECVEAT, 1, "execveat", SK_SCF_STATE, SK_SC_EXEC_PARAMS(P) P(SK_PT_FD, "dirfd", 0) P(SK_PT_RELPATH, "pathname", 30)) \
	EV(CLONE, 2, "clone", SK_SCF_STATE, SK_SC_CLONE_PARAMS(P)) \
	EV(FORK, 3, "fork", SK_SCF_STATE, SK_SC_CLONE_PARAMS(P)) \
	EV(VFORK, 4, "vfork", SK_SCF_STATE, SK_SC_CLONE_PARAMS(P)) \
	EV(CLONE3, 5, "clone3", SK_SCF_STATE, SK_SC_CLONE_PARAMS(P)) \
	EV(PROCEXIT, 6, "procexit", SK_SCF_STATE | SK_SCF_SCHED, P(SK_PT_ERRNO, "status", 0) P(SK_PT_ERRNO, "ret", 0) P(SK_PT_SIGNAL, "sig", 0) P(SK_PT_U8, "core", 0) P(SK_PT_PID, "reaper_tid", 0)) \
	EV(SETUID, 7, "setuid", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_UID, "uid", 0)) \
	EV(SETGID, 8, "setgid", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_GID, "gid", 0)) \
	EV(SETRESUID, 9, "setresuid", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_UID, "ruid", 0) P(SK_PT_UID, "euid", 0) P(SK_PT_UID, "suid", 0)) \
	EV(SETRESGID, 10, "setresgid", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_GID, "rgid", 0) P(SK_PT_GID, "egid", 0) P(SK_PT_GID, "sgid", 0)) \
	EV(SETREUID, 11, "setreuid", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_UID, "ruid", 0) P(SK_PT_UID, "euid", 0)) \
	EV(SETREGID, 12, "setregid", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_GID, "rgid", 0) P(SK_PT_GID, "egid", 0)) \
	EV(CAPSET, 13, "capset", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_CAPS, "cap_inheritable", 0) P(SK_PT_CAPS, "cap_permitted", 0) P(SK_PT_CAPS, "cap_effective", 0)) \
	EV(PRCTL, 14, "prctl", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_ENUM32, "option", SK_FT_PRCTL) P(SK_PT_CHARBUF, "arg2_str", 0) P(SK_PT_I64, "arg2_int", 0)) \
	EV(SETNS, 15, "setns", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_FLAGS32, "nstype", SK_FT_CLONE)) \
	EV(UNSHARE, 16, "unshare", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FLAGS32, "flags", SK_FT_CLONE)) \
	EV(PTRACE, 17, "ptrace", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_HEX64, "addr", 0) P(SK_PT_HEX64, "data", 0) P(SK_PT_ENUM32, "request", SK_FT_PTRACE) P(SK_PT_PID, "pid", 0)) \
	EV(SETPGID, 18, "setpgid", SK_SCF_STATE, P(SK_PT_PID, "res", 0) P(SK_PT_PID, "pid", 0) P(SK_PT_PID, "pgid", 0)) \
	EV(SETSID, 19, "setsid", SK_SCF_STATE, P(SK_PT_PID, "res", 0)) \
	EV(CHROOT, 20, "chroot", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "path", 0)) \
	EV(KILL, 21, "kill", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PID, "pid", 0) P(SK_PT_SIGNAL, "sig", 0)) \
	EV(TKILL, 22, "tkill", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PID, "tid", 0) P(SK_PT_SIGNAL, "sig", 0)) \
	EV(TGKILL, 23, "tgkill", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PID, "pid", 0) P(SK_PT_PID, "tid", 0) P(SK_PT_SIGNAL, "sig", 0)) \
	/* ---- files ---- */ \
	EV(OPEN, 24, "open", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "fd", 0) P(SK_PT_PATH, "name", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN) P(SK_PT_MODE, "mode", 0) P(SK_PT_DEV, "dev", 0) P(SK_PT_U64, "ino", 0) P(SK_PT_U8, "layer", 0)) \
	EV(OPENAT, 25, "openat", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "fd", 0) P(SK_PT_FD, "dirfd", 0) P(SK_PT_RELPATH, "name", 1) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN) P(SK_PT_MODE, "mode", 0) P(SK_PT_DEV, "dev", 0) P(SK_PT_U64, "ino", 0) P(SK_PT_U8, "layer", 0)) \
	EV(OPENAT2, 26, "openat2", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "fd", 0) P(SK_PT_FD, "dirfd", 0) P(SK_PT_RELPATH, "name", 1) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN) P(SK_PT_MODE, "mode", 0) P(SK_PT_FLAGS32, "resolve", SK_FT_RESOLVE) P(SK_PT_DEV, "dev", 0) P(SK_PT_U64, "ino", 0) P(SK_PT_U8, "layer", 0)) \
	EV(CREAT, 27, "creat", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "fd", 0) P(SK_PT_PATH, "name", 0) P(SK_PT_MODE, "mode", 0) P(SK_PT_DEV, "dev", 0) P(SK_PT_U64, "ino", 0) P(SK_PT_U8, "layer", 0)) \
	EV(CLOSE, 28, "close", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd", 0)) \
	EV(DUP, 29, "dup", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_FD, "oldfd", 0)) \
	EV(DUP2, 30, "dup2", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_FD, "oldfd", 0) P(SK_PT_FD, "newfd", 0)) \
	EV(DUP3, 31, "dup3", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_FD, "oldfd", 0) P(SK_PT_FD, "newfd", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	EV(UNLINK, 32, "unlink", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "path", 0)) \
	EV(UNLINKAT, 33, "unlinkat", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "dirfd", 0) P(SK_PT_RELPATH, "name", 1) P(SK_PT_FLAGS32, "flags", SK_FT_AT)) \
	EV(RENAME, 34, "rename", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "oldpath", 0) P(SK_PT_PATH, "newpath", 0)) \
	EV(RENAMEAT, 35, "renameat", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "olddirfd", 0) P(SK_PT_RELPATH, "oldpath", 1) P(SK_PT_FD, "newdirfd", 0) P(SK_PT_RELPATH, "newpath", 3)) \
	EV(RENAMEAT2, 36, "renameat2", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "olddirfd", 0) P(SK_PT_RELPATH, "oldpath", 1) P(SK_PT_FD, "newdirfd", 0) P(SK_PT_RELPATH, "newpath", 3) P(SK_PT_FLAGS32, "flags", SK_FT_RENAMEAT2)) \
	EV(SYMLINK, 37, "symlink", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_CHARBUF, "target", 0) P(SK_PT_PATH, "linkpath", 0)) \
	EV(SYMLINKAT, 38, "symlinkat", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_CHARBUF, "target", 0) P(SK_PT_FD, "linkdirfd", 0) P(SK_PT_RELPATH, "linkpath", 2)) \
	EV(LINK, 39, "link", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "oldpath", 0) P(SK_PT_PATH, "newpath", 0)) \
	EV(LINKAT, 40, "linkat", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "olddir", 0) P(SK_PT_RELPATH, "oldpath", 1) P(SK_PT_FD, "newdir", 0) P(SK_PT_RELPATH, "newpath", 3) P(SK_PT_FLAGS32, "flags", SK_FT_AT)) \
	EV(MKDIR, 41, "mkdir", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "path", 0) P(SK_PT_MODE, "mode", 0)) \
	EV(MKDIRAT, 42, "mkdirat", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "dirfd", 0) P(SK_PT_RELPATH, "path", 1) P(SK_PT_MODE, "mode", 0)) \
	EV(RMDIR, 43, "rmdir", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "path", 0)) \
	EV(CHMOD, 44, "chmod", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "filename", 0) P(SK_PT_MODE, "mode", 0)) \
	EV(FCHMOD, 45, "fchmod", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_MODE, "mode", 0)) \
	EV(FCHMODAT, 46, "fchmodat", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "dirfd", 0) P(SK_PT_RELPATH, "filename", 1) P(SK_PT_MODE, "mode", 0)) \
	EV(CHOWN, 47, "chown", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "path", 0) P(SK_PT_UID, "uid", 0) P(SK_PT_GID, "gid", 0)) \
	EV(LCHOWN, 48, "lchown", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "path", 0) P(SK_PT_UID, "uid", 0) P(SK_PT_GID, "gid", 0)) \
	EV(FCHOWN, 49, "fchown", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_UID, "uid", 0) P(SK_PT_GID, "gid", 0)) \
	EV(FCHOWNAT, 50, "fchownat", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "dirfd", 0) P(SK_PT_RELPATH, "pathname", 1) P(SK_PT_UID, "uid", 0) P(SK_PT_GID, "gid", 0) P(SK_PT_FLAGS32, "flags", SK_FT_AT)) \
	EV(CHDIR, 51, "chdir", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_CHARBUF, "path", 0)) \
	EV(FCHDIR, 52, "fchdir", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd", 0)) \
	EV(MOUNT, 53, "mount", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_CHARBUF, "dev", 0) P(SK_PT_PATH, "dir", 0) P(SK_PT_CHARBUF, "type", 0) P(SK_PT_FLAGS32, "flags", SK_FT_MOUNT)) \
	EV(UMOUNT2, 54, "umount2", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "name", 0) P(SK_PT_FLAGS32, "flags", SK_FT_UMOUNT)) \
	EV(MEMFD_CREATE, 55, "memfd_create", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "fd", 0) P(SK_PT_CHARBUF, "name", 0) P(SK_PT_FLAGS32, "flags", SK_FT_MEMFD)) \
	EV(TRUNCATE, 56, "truncate", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_PATH, "path", 0) P(SK_PT_U64, "length", 0)) \
	EV(FTRUNCATE, 57, "ftruncate", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U64, "length", 0)) \
	EV(FCNTL, 58, "fcntl", SK_SCF_STATE, P(SK_PT_FD, "res", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_ENUM32, "cmd", SK_FT_FCNTL)) \
	EV(PIPE, 59, "pipe", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd1", 0) P(SK_PT_FD, "fd2", 0) P(SK_PT_U64, "ino", 0)) \
	EV(PIPE2, 60, "pipe2", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd1", 0) P(SK_PT_FD, "fd2", 0) P(SK_PT_U64, "ino", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	EV(EVENTFD, 61, "eventfd", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_U64, "initval", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	EV(EVENTFD2, 62, "eventfd2", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_U64, "initval", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	EV(SIGNALFD, 63, "signalfd", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U32, "mask", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	EV(SIGNALFD4, 64, "signalfd4", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U32, "mask", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	EV(INOTIFY_INIT, 65, "inotify_init", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	EV(INOTIFY_INIT1, 66, "inotify_init1", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	EV(TIMERFD_CREATE, 67, "timerfd_create", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_U32, "clockid", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	EV(EPOLL_CREATE, 68, "epoll_create", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_I32, "size", 0)) \
	EV(EPOLL_CREATE1, 69, "epoll_create1", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "res", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	EV(OPEN_BY_HANDLE_AT, 70, "open_by_handle_at", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "fd", 0) P(SK_PT_FD, "mountfd", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN) P(SK_PT_PATH, "path", 0) P(SK_PT_U8, "layer", 0)) \
	/* ---- network ---- */ \
	EV(SOCKET, 71, "socket", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "fd", 0) P(SK_PT_ENUM32, "domain", SK_FT_SOCK_FAMILY) P(SK_PT_U32, "type", 0) P(SK_PT_U32, "proto", 0)) \
	EV(SOCKETPAIR, 72, "socketpair", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd1", 0) P(SK_PT_FD, "fd2", 0) P(SK_PT_HEX64, "source", 0) P(SK_PT_HEX64, "peer", 0) P(SK_PT_ENUM32, "domain", SK_FT_SOCK_FAMILY) P(SK_PT_U32, "type", 0) P(SK_PT_U32, "proto", 0)) \
	EV(CONNECT, 73, "connect", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_SOCKTUPLE, "tuple", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_SOCKADDR, "addr", 0)) \
	EV(ACCEPT, 74, "accept", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "fd", 0) P(SK_PT_SOCKTUPLE, "tuple", 0) P(SK_PT_U8, "queuepct", 0) P(SK_PT_U32, "queuelen", 0) P(SK_PT_U32, "queuemax", 0)) \
	EV(ACCEPT4, 75, "accept4", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_FD, "fd", 0) P(SK_PT_SOCKTUPLE, "tuple", 0) P(SK_PT_U8, "queuepct", 0) P(SK_PT_U32, "queuelen", 0) P(SK_PT_U32, "queuemax", 0) P(SK_PT_I32, "flags", 0)) \
	EV(BIND, 76, "bind", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_SOCKADDR, "addr", 0) P(SK_PT_FD, "fd", 0)) \
	EV(LISTEN, 77, "listen", SK_SCF_STATE, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_I32, "backlog", 0)) \
	EV(SENDTO, 78, "sendto", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_BYTES, "data", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U32, "size", 0) P(SK_PT_SOCKTUPLE, "tuple", 0)) \
	EV(RECVFROM, 79, "recvfrom", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_BYTES, "data", 0) P(SK_PT_SOCKTUPLE, "tuple", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U32, "size", 0)) \
	EV(SENDMSG, 80, "sendmsg", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_BYTES, "data", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U32, "size", 0) P(SK_PT_SOCKTUPLE, "tuple", 0)) \
	EV(RECVMSG, 81, "recvmsg", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_U32, "size", 0) P(SK_PT_BYTES, "data", 0) P(SK_PT_SOCKTUPLE, "tuple", 0) P(SK_PT_FD, "fd", 0)) \
	EV(SHUTDOWN, 82, "shutdown", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_ENUM32, "how", SK_FT_SHUTDOWN)) \
	/* ---- modules and kernel ---- */ \
	EV(INIT_MODULE, 83, "init_module", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_BYTES, "img", 0) P(SK_PT_U64, "length", 0) P(SK_PT_CHARBUF, "uargs", 0)) \
	EV(FINIT_MODULE, 84, "finit_module", 0, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_CHARBUF, "uargs", 0) P(SK_PT_FLAGS32, "flags", SK_FT_FINIT_MODULE)) \
	EV(BPF, 85, "bpf", SK_SCF_CREATES_FD, P(SK_PT_FD, "fd", 0) P(SK_PT_I64, "cmd", 0)) \
	EV(USERFAULTFD, 86, "userfaultfd", SK_SCF_STATE | SK_SCF_CREATES_FD, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FLAGS32, "flags", SK_FT_OPEN)) \
	/* ---- high volume, off unless asked for ---- */ \
	EV(READ, 87, "read", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_BYTES, "data", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U32, "size", 0)) \
	EV(WRITE, 88, "write", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_BYTES, "data", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U32, "size", 0)) \
	EV(PREAD, 89, "pread", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_BYTES, "data", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U32, "size", 0) P(SK_PT_U64, "pos", 0)) \
	EV(PWRITE, 90, "pwrite", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_BYTES, "data", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U32, "size", 0) P(SK_PT_U64, "pos", 0)) \
	EV(READV, 91, "readv", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_U32, "size", 0) P(SK_PT_BYTES, "data", 0) P(SK_PT_FD, "fd", 0)) \
	EV(WRITEV, 92, "writev", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_BYTES, "data", 0) P(SK_PT_FD, "fd", 0) P(SK_PT_U32, "size", 0)) \
	EV(MMAP, 93, "mmap", SK_SCF_HIGHVOL, P(SK_PT_HEX64, "res", 0) P(SK_PT_U32, "vm_size", 0) P(SK_PT_U32, "vm_rss", 0) P(SK_PT_U32, "vm_swap", 0) P(SK_PT_HEX64, "addr", 0) P(SK_PT_U64, "length", 0) P(SK_PT_FLAGS32, "prot", SK_FT_PROT) P(SK_PT_FLAGS32, "flags", SK_FT_MMAP) P(SK_PT_FD, "fd", 0) P(SK_PT_U64, "offset", 0)) \
	EV(MPROTECT, 94, "mprotect", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_HEX64, "addr", 0) P(SK_PT_U64, "length", 0) P(SK_PT_FLAGS32, "prot", SK_FT_PROT)) \
	EV(MUNMAP, 95, "munmap", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_U32, "vm_size", 0) P(SK_PT_U32, "vm_rss", 0) P(SK_PT_U32, "vm_swap", 0) P(SK_PT_HEX64, "addr", 0) P(SK_PT_U64, "length", 0)) \
	/* ---- appended later (numbers are stable) ---- */ \
	EV(POLL, 96, "poll", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FDLIST, "fds", 0) P(SK_PT_I64, "timeout", 0)) \
	EV(PPOLL, 97, "ppoll", SK_SCF_HIGHVOL, P(SK_PT_ERRNO, "res", 0) P(SK_PT_FDLIST, "fds", 0))
/* clang-format on */

/* Number of event slots (one past the highest N). */
#define SK_SC_COUNT 98u

/* ---- derived definitions ------------------------------------------------- */

#define SK_SC_P_NONE_(t, n, a)
#define SK_SC_P_ONE_(t, n, a)			   +1
#define SK_SC_TYPE_(id, n, name, flags, params)	   SK_SC_##id = SK_EVT_SYSCALL_BASE + (n),
#define SK_SC_NPARAMS_(id, n, name, flags, params) SK_SC_##id##_NPARAMS = 0 params,

#define SK_SC_POS_(id, n, name, flags, params) SK_SC_POS_##id,
#define SK_SC_CHECK_(id, n, name, flags, params)                                                   \
	SK_SC_STATIC_ASSERT(SK_SC_POS_##id == (n), "SK_SYSCALL_EVENTS: " #id " out of order");
#define SK_SC_CHECKN_(id, n, name, flags, params)                                                  \
	SK_SC_STATIC_ASSERT(SK_SC_##id##_NPARAMS <= SK_EVT_MAX_PARAMS,                             \
			    "SK_SYSCALL_EVENTS: " #id " has too many parameters");
#if defined(__cplusplus)
#define SK_SC_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define SK_SC_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif

/* Event types: SK_SC_OPENAT, ... */
enum sk_sc_type { SK_SYSCALL_EVENTS(SK_SC_TYPE_, SK_SC_P_NONE_) SK_SC_TYPE_END_ };
/* Parameter counts: SK_SC_OPENAT_NPARAMS, ... */
enum sk_sc_nparams { SK_SYSCALL_EVENTS(SK_SC_NPARAMS_, SK_SC_P_ONE_) SK_SC_NPARAMS_END_ };

/* Numbers are dense and in list order (the userspace table is indexed by
 * them), and no event has more parameters than a record may carry. */
enum sk_sc_pos { SK_SYSCALL_EVENTS(SK_SC_POS_, SK_SC_P_NONE_) SK_SC_POS_END_ };
SK_SYSCALL_EVENTS(SK_SC_CHECK_, SK_SC_P_NONE_)
SK_SC_STATIC_ASSERT(SK_SC_POS_END_ == SK_SC_COUNT, "SK_SC_COUNT is wrong");
SK_SYSCALL_EVENTS(SK_SC_CHECKN_, SK_SC_P_NONE_)

/* Fixed size of a parameter type in bytes, or 0 for variable-length ones. */
static inline sk_u32 sk_sc_pt_size(sk_u32 pt)
{
	switch (pt) {
	case SK_PT_I64:
	case SK_PT_U64:
	case SK_PT_FD:
	case SK_PT_ERRNO:
	case SK_PT_PID:
	case SK_PT_ABSTIME:
	case SK_PT_CAPS:
	case SK_PT_HEX64:
		return 8;
	case SK_PT_I32:
	case SK_PT_U32:
	case SK_PT_UID:
	case SK_PT_GID:
	case SK_PT_MODE:
	case SK_PT_FLAGS32:
	case SK_PT_ENUM32:
	case SK_PT_DEV:
		return 4;
	case SK_PT_U16:
		return 2;
	case SK_PT_U8:
	case SK_PT_SIGNAL:
		return 1;
	default:
		return 0;
	}
}

#if !defined(__KERNEL__) && !defined(__bpf__) && !defined(__BPF__)

/* ---- userspace: the table as data ---------------------------------------- */

/* One parameter of an event. */
struct sk_sc_param {
	const char *name; /* Falco's argument name: evt.arg.<name> */
	sk_u8 type;	  /* SK_PT_* */
	sk_u8 aux;	  /* SK_FT_* table, or dirfd parameter index for RELPATH */
};

/* One event type. */
struct sk_sc_event {
	const char *name; /* evt.type; NULL for an unused slot */
	sk_u16 type;	  /* SK_SC_* */
	sk_u8 nparams;
	sk_u8 flags; /* SK_SCF_* */
	const struct sk_sc_param *params;
};

#define SK_SC_P_INIT_(t, n, a) {(n), (t), (a)},
#define SK_SC_PARAMS_(id, n, name, flags, params)                                                  \
	static const struct sk_sc_param sk_sc_params_##id[] = {params};
SK_SYSCALL_EVENTS(SK_SC_PARAMS_, SK_SC_P_INIT_)

#define SK_SC_EVENT_(id, n, name, flags, params)                                                   \
	{(name), (sk_u16)SK_SC_##id, (sk_u8)SK_SC_##id##_NPARAMS, (flags), sk_sc_params_##id},
/* Indexed by type - SK_EVT_SYSCALL_BASE (dense: checked above). */
static const struct sk_sc_event sk_sc_events[SK_SC_COUNT] = {
    SK_SYSCALL_EVENTS(SK_SC_EVENT_, SK_SC_P_NONE_)};

/* sk_sc_event_info - the table entry of a syscall event type, or NULL when
 * `type` is not one. Static data. */
static inline const struct sk_sc_event *sk_sc_event_info(sk_u32 type)
{
	if (type < SK_EVT_SYSCALL_BASE || type >= SK_EVT_SYSCALL_BASE + SK_SC_COUNT) {
		return NULL;
	}
	const struct sk_sc_event *e = &sk_sc_events[type - SK_EVT_SYSCALL_BASE];
	return e->name != NULL ? e : NULL;
}

/* sk_sc_event_by_name - the first event type named `name` (Falco's
 * evt.type), or NULL. */
static inline const struct sk_sc_event *sk_sc_event_by_name(const char *name)
{
	for (sk_u32 i = 0; i < SK_SC_COUNT; i++) {
		if (sk_sc_events[i].name != NULL && strcmp(sk_sc_events[i].name, name) == 0) {
			return &sk_sc_events[i];
		}
	}
	return NULL;
}

/* sk_sc_param_index - index of the parameter called `name` in event `e`, or
 * -1 (Falco's evt.arg.<name> takes the first match). */
static inline int sk_sc_param_index(const struct sk_sc_event *e, const char *name)
{
	for (unsigned i = 0; i < e->nparams; i++) {
		if (strcmp(e->params[i].name, name) == 0) {
			return (int)i;
		}
	}
	return -1;
}

#endif /* userspace */

#endif /* SK_SHRIKE_SYSCALL_EVENTS_H */
