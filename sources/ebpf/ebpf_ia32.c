/* sources/ebpf/ebpf_ia32.c - which 32-bit (ia32) syscalls the probe records
 * on x86-64, and as which event: ia32 numbers differ from x86-64 ones
 * (arch/x86/entry/syscalls/syscall_32.tbl; <asm/unistd_32.h> here), so the
 * probe maps each one to the x86-64 row of the same event and reads the
 * arguments from bx, cx, dx, si, di, bp. socketcall's sub-calls
 * (<linux/net.h> SYS_*) are mapped the same way, their arguments read from
 * the array the call points to. A separate file because <asm/unistd_32.h>
 * and the x86-64 <sys/syscall.h> define the same names.
 *
 * Not mapped (so not recorded from 32-bit processes): the 16-bit uid/gid
 * calls (setuid, chown, ... without the 32 suffix; glibc uses the 32 ones),
 * and calls whose 32-bit arguments do not line up with the x86-64 event's:
 * mmap and mmap2 (a struct / an offset in pages), pread64 and pwrite64,
 * truncate64 and ftruncate64 (64-bit values split over two registers).
 */
#include "config.h"

#include <stddef.h>

#include <shrike/syscall_events.h>

#include "ebpf_conf.h"

#if defined(__x86_64__)
#include <asm/unistd_32.h>
#include <linux/net.h>

#define I(nr, ev)   {__NR_##nr, SK_SC_##ev},
#define S(call, ev) {SK_EBPF_SOCKETCALL_BASE + SYS_##call, SK_SC_##ev},

/* clang-format off */
static const struct ebpf_ia32_row ia32_rows[] = {
	/* process family */
	I(execve, EXECVE) I(execveat, EXECVEAT) I(clone, CLONE) I(fork, FORK) I(vfork, VFORK)
	I(clone3, CLONE3)
	I(setuid32, SETUID) I(setgid32, SETGID) I(setresuid32, SETRESUID) I(setresgid32, SETRESGID)
	I(setreuid32, SETREUID) I(setregid32, SETREGID) I(capset, CAPSET) I(prctl, PRCTL)
	I(setns, SETNS) I(unshare, UNSHARE) I(ptrace, PTRACE) I(setpgid, SETPGID) I(setsid, SETSID)
	I(chroot, CHROOT) I(kill, KILL) I(tkill, TKILL) I(tgkill, TGKILL)
	/* files */
	I(open, OPEN) I(openat, OPENAT) I(openat2, OPENAT2) I(creat, CREAT) I(close, CLOSE)
	I(dup, DUP) I(dup2, DUP2) I(dup3, DUP3) I(unlink, UNLINK) I(unlinkat, UNLINKAT)
	I(rename, RENAME) I(renameat, RENAMEAT) I(renameat2, RENAMEAT2) I(symlink, SYMLINK)
	I(symlinkat, SYMLINKAT) I(link, LINK) I(linkat, LINKAT) I(mkdir, MKDIR) I(mkdirat, MKDIRAT)
	I(rmdir, RMDIR) I(chmod, CHMOD) I(fchmod, FCHMOD) I(fchmodat, FCHMODAT)
	I(chown32, CHOWN) I(lchown32, LCHOWN) I(fchown32, FCHOWN) I(fchownat, FCHOWNAT)
	I(chdir, CHDIR) I(fchdir, FCHDIR) I(mount, MOUNT) I(umount2, UMOUNT2)
	I(memfd_create, MEMFD_CREATE) I(truncate, TRUNCATE) I(ftruncate, FTRUNCATE)
	I(fcntl, FCNTL) I(fcntl64, FCNTL) I(pipe, PIPE) I(pipe2, PIPE2) I(eventfd, EVENTFD)
	I(eventfd2, EVENTFD2) I(signalfd, SIGNALFD) I(signalfd4, SIGNALFD4)
	I(inotify_init, INOTIFY_INIT) I(inotify_init1, INOTIFY_INIT1)
	I(timerfd_create, TIMERFD_CREATE) I(epoll_create, EPOLL_CREATE)
	I(epoll_create1, EPOLL_CREATE1) I(open_by_handle_at, OPEN_BY_HANDLE_AT)
	/* network: the direct calls (Linux 4.3) and socketcall's sub-calls */
	I(socket, SOCKET) I(socketpair, SOCKETPAIR) I(connect, CONNECT) I(accept4, ACCEPT4)
	I(bind, BIND) I(listen, LISTEN) I(sendto, SENDTO) I(recvfrom, RECVFROM)
	I(sendmsg, SENDMSG) I(recvmsg, RECVMSG) I(shutdown, SHUTDOWN)
	S(SOCKET, SOCKET) S(SOCKETPAIR, SOCKETPAIR) S(CONNECT, CONNECT) S(ACCEPT, ACCEPT)
	S(ACCEPT4, ACCEPT4) S(BIND, BIND) S(LISTEN, LISTEN) S(SENDTO, SENDTO)
	S(RECVFROM, RECVFROM) S(SENDMSG, SENDMSG) S(RECVMSG, RECVMSG) S(SHUTDOWN, SHUTDOWN)
	/* modules and kernel */
	I(init_module, INIT_MODULE) I(finit_module, FINIT_MODULE) I(bpf, BPF)
	I(userfaultfd, USERFAULTFD)
	/* high volume */
	I(read, READ) I(write, WRITE) I(readv, READV) I(writev, WRITEV) I(mprotect, MPROTECT)
	I(munmap, MUNMAP) I(poll, POLL) I(ppoll, PPOLL)
};
/* clang-format on */

const struct ebpf_ia32_row *ebpf_ia32_rows(size_t *ret_n)
{
	*ret_n = sizeof(ia32_rows) / sizeof(ia32_rows[0]);
	return ia32_rows;
}

int ebpf_ia32_socketcall_nr(void)
{
	return __NR_socketcall;
}
#else
const struct ebpf_ia32_row *ebpf_ia32_rows(size_t *ret_n)
{
	*ret_n = 0;
	return NULL;
}

int ebpf_ia32_socketcall_nr(void)
{
	return -1;
}
#endif
