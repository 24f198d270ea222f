/* sources/ebpf/ebpf_conf.c - the ebpf source's configuration schema, ring
 * buffer sizing, and the syscall table the probe runs from: for each
 * syscall number, its event (<shrike/syscall_events.h>) and where each
 * parameter comes from (probe.h). The only place where strings of the
 * configuration become numbers.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include <shrike/syscall_events.h>

#include "ebpf_conf.h"

const struct sk_param ebpf_params[] = {
    {.name = "buf_size_preset",
     .type = SK_PARAM_UINT,
     .def = "4",
     .offset = offsetof(struct ebpf_conf, buf_size_preset),
     .min = 0,
     .max = 10,
     .desc = "ring buffer size as Falco's engine.ebpf.buf_size_preset: 1 = 1 MiB ... 4 = 8 MiB "
	     "... 10 = 512 MiB; 0: use buf_size"},
    {.name = "buf_size",
     .type = SK_PARAM_SIZE,
     .def = "0",
     .offset = offsetof(struct ebpf_conf, buf_size),
     .desc = "ring buffer size in bytes (a power of two, at least one page); overrides "
	     "buf_size_preset"},
    {.name = "cpus_for_each_buffer",
     .type = SK_PARAM_UINT,
     .def = "2",
     .offset = offsetof(struct ebpf_conf, cpus_for_each_buffer),
     .min = 0,
     .max = 1024,
     .desc = "CPUs sharing one ring buffer (1: one ring per CPU; 0: one ring for all CPUs)"},
    {.name = "drop_failed_exit",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = offsetof(struct ebpf_conf, drop_failed_exit),
     .desc = "drop the records of failed syscalls in the kernel (process events are kept)"},
    {.name = "syscalls",
     .type = SK_PARAM_STRLIST,
     .offset = offsetof(struct ebpf_conf, syscalls),
     .desc = "event names (evt.type) to record besides the default set, e.g. [read, write]"},
    {.name = "all_syscalls",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = offsetof(struct ebpf_conf, all_syscalls),
     .desc = "record every syscall Shrike knows, the high-volume ones included"},
    {.name = "capture_env",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = offsetof(struct ebpf_conf, capture_env),
     .desc = "execve records carry the new process's environment (proc.env)"},
    {.name = "paths_at_entry",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = offsetof(struct ebpf_conf, paths_at_entry),
     .desc = "copy the path of open, unlink, mkdir... at syscall entry, so another thread "
	     "cannot change the recorded name during the call (costs about 170 ns per open)"},
    {.name = "bpf_stats",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = offsetof(struct ebpf_conf, bpf_stats),
     .desc = "have the kernel count every BPF program's runs and run time while Shrike runs "
	     "(the prog_*_run_cnt and prog_*_run_time_ns metrics)"},
    {.name = NULL},
};

int ebpf_buf_size(const struct ebpf_conf *c, uint64_t *ret, char *err, size_t errlen)
{
	uint64_t sz = c->buf_size;
	if (sz == 0) {
		if (c->buf_size_preset == 0) {
			snprintf(err, errlen, "buf_size_preset is 0 but buf_size is not set");
			return -EINVAL;
		}
		sz = (uint64_t)1 << (20 + c->buf_size_preset - 1);
	}
	if (sz < 4096 || (sz & (sz - 1)) != 0 || sz > ((uint64_t)1 << 30)) {
		snprintf(err, errlen,
			 "buf_size %llu: a ring buffer is a power of two between 4096 and 1G bytes",
			 (unsigned long long)sz);
		return -EINVAL;
	}
	*ret = sz;
	return 0;
}

/* ---- the table ---------------------------------------------------------- */

#define R                                                                                          \
	{                                                                                          \
		SK_K_RET, 0, 0, 0                                                                  \
	}
#define E                                                                                          \
	{                                                                                          \
		SK_K_EMPTY, 0, 0, 0                                                                \
	}
#define AI(i)                                                                                      \
	{                                                                                          \
		SK_K_ARG_INT, (i), 0, 0                                                            \
	}
#define A64(i)                                                                                     \
	{                                                                                          \
		SK_K_ARG_I64, (i), 0, 0                                                            \
	}
#define A32(i)                                                                                     \
	{                                                                                          \
		SK_K_ARG_U32, (i), 0, 0                                                            \
	}
#define A8(i)                                                                                      \
	{                                                                                          \
		SK_K_ARG_U8, (i), 0, 0                                                             \
	}
#define STR(i)                                                                                     \
	{                                                                                          \
		SK_K_ARG_STR, (i), 0, 0                                                            \
	}
#define SSA(i, l)                                                                                  \
	{                                                                                          \
		SK_K_ARG_SOCKADDR, (i), (l), 1                                                     \
	}
#define TUP(fd, peer)                                                                              \
	{                                                                                          \
		SK_K_TUPLE, (fd), (peer), 0                                                        \
	}
/* the tuple, its remote end from the sockaddr copied at entry when the
 * socket has none (a refused connect) */
#define TUPSA(fd)                                                                                  \
	{                                                                                          \
		SK_K_TUPLE, (fd), 0, 1                                                             \
	}
#define DEV(fd)                                                                                    \
	{                                                                                          \
		SK_K_FD_DEV, (fd), 0, 0                                                            \
	}
#define INO(fd)                                                                                    \
	{                                                                                          \
		SK_K_FD_INO, (fd), 0, 0                                                            \
	}
#define FDP(i, w)                                                                                  \
	{                                                                                          \
		SK_K_ARG_FDPAIR, (i), (w), 0                                                       \
	}
#define PINO(i)                                                                                    \
	{                                                                                          \
		SK_K_PAIR_INO, (i), 0, 0                                                           \
	}
#define CAP(w)                                                                                     \
	{                                                                                          \
		SK_K_CAPS, (w), 0, 0                                                               \
	}
#define HOW(w)                                                                                     \
	{                                                                                          \
		SK_K_HOW, (w), 0, 0                                                                \
	}
#define LAYER(fd)                                                                                  \
	{                                                                                          \
		SK_K_FD_LAYER, (fd), 0, 0                                                          \
	}
#define FDL(i, n)                                                                                  \
	{                                                                                          \
		SK_K_FDLIST, (i), (n), 0                                                           \
	}
#define VM(w)                                                                                      \
	{                                                                                          \
		SK_K_VM, (w), 0, 0                                                                 \
	}
#define RFD SK_K_RET_FD

/* ROW(syscall, EVENT, special, save_str, save_sa, save_sa_len, params...) */
#define ROW(sc, ev, sp, ss, sa, sal, ...)                                                          \
	{SYS_##sc,                                                                                 \
	 SK_SC_##ev,                                                                               \
	 (sp),                                                                                     \
	 (ss),                                                                                     \
	 (sa),                                                                                     \
	 (sal),                                                                                    \
	 sizeof((struct sk_ebpf_pspec[]){__VA_ARGS__}) / sizeof(struct sk_ebpf_pspec),             \
	 {__VA_ARGS__}},
#define PROC(sc, ev, sp, ss) {SYS_##sc, SK_SC_##ev, (sp), (ss), 0, 0, 0, {E}},

/* clang-format off */
static const struct ebpf_sc_row rows[] = {
	/* process family */
	PROC(execve, EXECVE, SK_SP_EXEC, 1)
	PROC(execveat, EXECVEAT, SK_SP_EXEC, 2)
	PROC(clone, CLONE, SK_SP_CLONE, 0)
#ifdef SYS_fork
	PROC(fork, FORK, SK_SP_CLONE, 0)
#endif
#ifdef SYS_vfork
	PROC(vfork, VFORK, SK_SP_CLONE, 0)
#endif
#ifdef SYS_clone3
	PROC(clone3, CLONE3, SK_SP_CLONE, 0)
#endif
	ROW(setuid, SETUID, 0, 0, 0, 0, R, A32(0))
	ROW(setgid, SETGID, 0, 0, 0, 0, R, A32(0))
	ROW(setresuid, SETRESUID, 0, 0, 0, 0, R, A32(0), A32(1), A32(2))
	ROW(setresgid, SETRESGID, 0, 0, 0, 0, R, A32(0), A32(1), A32(2))
	ROW(setreuid, SETREUID, 0, 0, 0, 0, R, A32(0), A32(1))
	ROW(setregid, SETREGID, 0, 0, 0, 0, R, A32(0), A32(1))
	ROW(capset, CAPSET, 0, 0, 0, 0, R, CAP(0), CAP(1), CAP(2))
	ROW(prctl, PRCTL, 0, 0, 0, 0, R, A32(0), {SK_K_PRCTL_STR, 0, 0, 0}, {SK_K_PRCTL_INT, 0, 0, 0})
	ROW(setns, SETNS, 0, 0, 0, 0, R, AI(0), A32(1))
	ROW(unshare, UNSHARE, 0, 0, 0, 0, R, A32(0))
	ROW(ptrace, PTRACE, 0, 0, 0, 0, R, A64(2), A64(3), A32(0), AI(1))
	ROW(setpgid, SETPGID, 0, 0, 0, 0, R, AI(0), AI(1))
	ROW(setsid, SETSID, 0, 0, 0, 0, R)
	ROW(chroot, CHROOT, 0, 0, 0, 0, R, STR(0))
	ROW(kill, KILL, 0, 0, 0, 0, R, AI(0), A8(1))
	ROW(tkill, TKILL, 0, 0, 0, 0, R, AI(0), A8(1))
	ROW(tgkill, TGKILL, 0, 0, 0, 0, R, AI(0), AI(1), A8(2))
	/* files */
#ifdef SYS_open
	ROW(open, OPEN, 0, 0, 0, 0, R, STR(0), A32(1), A32(2), DEV(RFD), INO(RFD), LAYER(RFD))
#endif
	ROW(openat, OPENAT, 0, 0, 0, 0, R, AI(0), STR(1), A32(2), A32(3), DEV(RFD), INO(RFD), LAYER(RFD))
#ifdef SYS_openat2
	ROW(openat2, OPENAT2, 0, 0, 0, 0, R, AI(0), STR(1), HOW(0), HOW(1), HOW(2), DEV(RFD), INO(RFD), LAYER(RFD))
#endif
#ifdef SYS_creat
	ROW(creat, CREAT, 0, 0, 0, 0, R, STR(0), A32(1), DEV(RFD), INO(RFD), LAYER(RFD))
#endif
	ROW(close, CLOSE, 0, 0, 0, 0, R, AI(0))
	ROW(dup, DUP, 0, 0, 0, 0, R, AI(0))
#ifdef SYS_dup2
	ROW(dup2, DUP2, 0, 0, 0, 0, R, AI(0), AI(1))
#endif
	ROW(dup3, DUP3, 0, 0, 0, 0, R, AI(0), AI(1), A32(2))
#ifdef SYS_unlink
	ROW(unlink, UNLINK, 0, 0, 0, 0, R, STR(0))
#endif
	ROW(unlinkat, UNLINKAT, 0, 0, 0, 0, R, AI(0), STR(1), A32(2))
#ifdef SYS_rename
	ROW(rename, RENAME, 0, 0, 0, 0, R, STR(0), STR(1))
#endif
	ROW(renameat, RENAMEAT, 0, 0, 0, 0, R, AI(0), STR(1), AI(2), STR(3))
	ROW(renameat2, RENAMEAT2, 0, 0, 0, 0, R, AI(0), STR(1), AI(2), STR(3), A32(4))
#ifdef SYS_symlink
	ROW(symlink, SYMLINK, 0, 0, 0, 0, R, STR(0), STR(1))
#endif
	ROW(symlinkat, SYMLINKAT, 0, 0, 0, 0, R, STR(0), AI(1), STR(2))
#ifdef SYS_link
	ROW(link, LINK, 0, 0, 0, 0, R, STR(0), STR(1))
#endif
	ROW(linkat, LINKAT, 0, 0, 0, 0, R, AI(0), STR(1), AI(2), STR(3), A32(4))
#ifdef SYS_mkdir
	ROW(mkdir, MKDIR, 0, 0, 0, 0, R, STR(0), A32(1))
#endif
	ROW(mkdirat, MKDIRAT, 0, 0, 0, 0, R, AI(0), STR(1), A32(2))
#ifdef SYS_rmdir
	ROW(rmdir, RMDIR, 0, 0, 0, 0, R, STR(0))
#endif
#ifdef SYS_chmod
	ROW(chmod, CHMOD, 0, 0, 0, 0, R, STR(0), A32(1))
#endif
	ROW(fchmod, FCHMOD, 0, 0, 0, 0, R, AI(0), A32(1))
	ROW(fchmodat, FCHMODAT, 0, 0, 0, 0, R, AI(0), STR(1), A32(2))
#ifdef SYS_chown
	ROW(chown, CHOWN, 0, 0, 0, 0, R, STR(0), A32(1), A32(2))
#endif
#ifdef SYS_lchown
	ROW(lchown, LCHOWN, 0, 0, 0, 0, R, STR(0), A32(1), A32(2))
#endif
	ROW(fchown, FCHOWN, 0, 0, 0, 0, R, AI(0), A32(1), A32(2))
	ROW(fchownat, FCHOWNAT, 0, 0, 0, 0, R, AI(0), STR(1), A32(2), A32(3), A32(4))
	ROW(chdir, CHDIR, 0, 0, 0, 0, R, STR(0))
	ROW(fchdir, FCHDIR, 0, 0, 0, 0, R, AI(0))
	ROW(mount, MOUNT, 0, 0, 0, 0, R, STR(0), STR(1), STR(2), A32(3))
	ROW(umount2, UMOUNT2, 0, 0, 0, 0, R, STR(0), A32(1))
	ROW(memfd_create, MEMFD_CREATE, 0, 0, 0, 0, R, STR(0), A32(1))
	ROW(truncate, TRUNCATE, 0, 0, 0, 0, R, STR(0), A64(1))
	ROW(ftruncate, FTRUNCATE, 0, 0, 0, 0, R, AI(0), A64(1))
	ROW(fcntl, FCNTL, 0, 0, 0, 0, R, AI(0), A32(1))
#ifdef SYS_pipe
	ROW(pipe, PIPE, 0, 0, 0, 0, R, FDP(0, 0), FDP(0, 1), PINO(0))
#endif
	ROW(pipe2, PIPE2, 0, 0, 0, 0, R, FDP(0, 0), FDP(0, 1), PINO(0), A32(1))
#ifdef SYS_eventfd
	ROW(eventfd, EVENTFD, 0, 0, 0, 0, R, A64(0), E)
#endif
	ROW(eventfd2, EVENTFD2, 0, 0, 0, 0, R, A64(0), A32(1))
#ifdef SYS_signalfd
	ROW(signalfd, SIGNALFD, 0, 0, 0, 0, R, AI(0), E, E)
#endif
	ROW(signalfd4, SIGNALFD4, 0, 0, 0, 0, R, AI(0), E, A32(3))
#ifdef SYS_inotify_init
	ROW(inotify_init, INOTIFY_INIT, 0, 0, 0, 0, R, E)
#endif
	ROW(inotify_init1, INOTIFY_INIT1, 0, 0, 0, 0, R, A32(0))
	ROW(timerfd_create, TIMERFD_CREATE, 0, 0, 0, 0, R, A32(0), A32(1))
#ifdef SYS_epoll_create
	ROW(epoll_create, EPOLL_CREATE, 0, 0, 0, 0, R, A32(0))
#endif
	ROW(epoll_create1, EPOLL_CREATE1, 0, 0, 0, 0, R, A32(0))
	ROW(open_by_handle_at, OPEN_BY_HANDLE_AT, 0, 0, 0, 0, R, AI(0), A32(2), E, LAYER(RFD))
	/* network */
	ROW(socket, SOCKET, 0, 0, 0, 0, R, A32(0), A32(1), A32(2))
	ROW(socketpair, SOCKETPAIR, 0, 0, 0, 0, R, FDP(3, 0), FDP(3, 1), E, E, A32(0), A32(1), A32(2))
	ROW(connect, CONNECT, 0, 0, 2, 2, R, TUPSA(0), AI(0), SSA(1, 2))
	ROW(accept, ACCEPT, 0, 0, 0, 0, R, TUP(RFD, 1), E, E, E)
	ROW(accept4, ACCEPT4, 0, 0, 0, 0, R, TUP(RFD, 1), E, E, E, A32(3))
	ROW(bind, BIND, 0, 0, 2, 2, R, SSA(1, 2), AI(0))
	ROW(listen, LISTEN, 0, 0, 0, 0, R, AI(0), A32(1))
	ROW(sendto, SENDTO, 0, 0, 0, 0, R, E, AI(0), A32(2), TUP(0, 0))
	ROW(recvfrom, RECVFROM, 0, 0, 0, 0, R, E, TUP(0, 1), AI(0), A32(2))
	ROW(sendmsg, SENDMSG, 0, 0, 0, 0, R, E, AI(0), E, TUP(0, 0))
	ROW(recvmsg, RECVMSG, 0, 0, 0, 0, R, E, E, TUP(0, 1), AI(0))
	ROW(shutdown, SHUTDOWN, 0, 0, 0, 0, R, AI(0), A32(1))
	/* modules and kernel */
	ROW(init_module, INIT_MODULE, 0, 0, 0, 0, R, E, A64(1), STR(2))
	ROW(finit_module, FINIT_MODULE, 0, 0, 0, 0, R, AI(0), STR(1), A32(2))
	ROW(bpf, BPF, 0, 0, 0, 0, R, AI(0))
	ROW(userfaultfd, USERFAULTFD, 0, 0, 0, 0, R, A32(0))
	/* high volume */
	ROW(read, READ, 0, 0, 0, 0, R, E, AI(0), A32(2))
	ROW(write, WRITE, 0, 0, 0, 0, R, E, AI(0), A32(2))
	ROW(pread64, PREAD, 0, 0, 0, 0, R, E, AI(0), A32(2), A64(3))
	ROW(pwrite64, PWRITE, 0, 0, 0, 0, R, E, AI(0), A32(2), A64(3))
	ROW(readv, READV, 0, 0, 0, 0, R, E, E, AI(0))
	ROW(writev, WRITEV, 0, 0, 0, 0, R, E, AI(0), E)
	ROW(mmap, MMAP, 0, 0, 0, 0, R, VM(0), VM(1), VM(2), A64(0), A64(1), A32(2), A32(3), AI(4), A64(5))
	ROW(mprotect, MPROTECT, 0, 0, 0, 0, R, A64(0), A64(1), A32(2))
	ROW(munmap, MUNMAP, 0, 0, 0, 0, R, VM(0), VM(1), VM(2), A64(0), A64(1))
#ifdef SYS_poll
	ROW(poll, POLL, 0, 0, 0, 0, R, FDL(0, 1), AI(2))
#endif
	ROW(ppoll, PPOLL, 0, 0, 0, 0, R, FDL(0, 1))
};
/* clang-format on */

const struct ebpf_sc_row *ebpf_sc_rows(size_t *ret_n)
{
	*ret_n = sizeof(rows) / sizeof(rows[0]);
	return rows;
}

static void row_to_sc(const struct ebpf_sc_row *row, struct sk_ebpf_sc *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->type = (__u16)row->type;
	sc->special = (__u8)row->special;
	sc->save_str = (__u8)row->save_str;
	sc->save_sa = (__u8)row->save_sa;
	sc->save_sa_len = (__u8)row->save_sa_len;
	if (row->special == SK_SP_NONE) {
		sc->nparams = (__u8)row->nparams;
		memcpy(sc->p, row->p, sizeof(sc->p));
	}
}

/* Edit distance, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[64];
	if (la >= 63 || lb >= 63) {
		return 99;
	}
	for (size_t j = 0; j <= lb; j++) {
		d[j] = j;
	}
	for (size_t i = 1; i <= la; i++) {
		size_t prev = d[0];
		d[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = d[j];
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			size_t best = d[j] + 1 < d[j - 1] + 1 ? d[j] + 1 : d[j - 1] + 1;
			d[j] = sub < best ? sub : best;
			prev = cur;
		}
	}
	return d[lb];
}

int ebpf_set_enabled(struct sk_ebpf_sc *tab, const char *name, bool on)
{
	const struct sk_sc_event *e = sk_sc_event_by_name(name);
	int n = 0;
	if (e == NULL) {
		return -ENOENT;
	}
	for (unsigned i = 0; i < SK_EBPF_MAX_SYSCALLS; i++) {
		if (tab[i].type == e->type) {
			tab[i].enabled = on ? 1 : 0;
			n++;
		}
	}
	return n;
}

void ebpf_select_types(const struct ebpf_conf *c, struct sk_ebpf_sc *tab, const uint16_t *types,
		       size_t n)
{
	if (types == NULL || c->all_syscalls) {
		return;
	}
	for (unsigned i = 0; i < SK_EBPF_MAX_SYSCALLS; i++) {
		if (tab[i].type == 0) {
			continue;
		}
		const struct sk_sc_event *info = sk_sc_event_info(tab[i].type);
		bool on = info != NULL && (info->flags & SK_SCF_STATE);
		for (size_t k = 0; k < n && !on; k++) {
			on = types[k] == tab[i].type;
		}
		tab[i].enabled = on ? 1 : 0;
	}
	for (size_t k = 0; k < c->syscalls.n; k++) {
		ebpf_set_enabled(tab, c->syscalls.items[k], true);
	}
}

void ebpf_build_compat(const struct sk_ebpf_sc *tab, __u32 *out)
{
	size_t n;
	const struct ebpf_ia32_row *r = ebpf_ia32_rows(&n);
	int sock = ebpf_ia32_socketcall_nr();
	memset(out, 0, sizeof(*out) * SK_EBPF_COMPAT_MAX);
	for (size_t i = 0; i < n; i++) {
		if (r[i].nr < 0 || r[i].nr >= (int)SK_EBPF_COMPAT_MAX) {
			continue;
		}
		for (__u32 k = 0; k < SK_EBPF_MAX_SYSCALLS; k++) {
			const struct sk_ebpf_sc *sc = &tab[k];
			if (sc->type != r[i].type) {
				continue;
			}
			__u32 v = (k + 1) | (sc->enabled ? SK_CNR_ENABLED : 0);
			if (sc->enabled && (sc->save_str != 0 || sc->save_sa != 0)) {
				v |= SK_CNR_SAVES;
			}
			out[r[i].nr] = v;
			if (sock >= 0 && sock < (int)SK_EBPF_MAX_SYSCALLS &&
			    r[i].nr >= (int)SK_EBPF_SOCKETCALL_BASE) {
				out[sock] |=
				    SK_CNR_SOCKETCALL | (v & (SK_CNR_ENABLED | SK_CNR_SAVES));
			}
			break;
		}
	}
}

/* save_path_at_entry - paths_at_entry: a table-driven syscall with exactly
 * one string argument and nothing saved yet gets it copied at entry and
 * written from that copy (the exec family and connect/bind save theirs
 * anyway; two-path calls such as rename keep reading both at exit: the
 * probe keeps one saved string per call). */
static void save_path_at_entry(struct sk_ebpf_sc *sc)
{
	int str = -1, nstr = 0;
	if (sc->special != SK_SP_NONE || sc->save_str != 0 || sc->save_sa != 0) {
		return;
	}
	for (unsigned k = 0; k < sc->nparams && k < SK_EBPF_MAX_PSPEC; k++) {
		if (sc->p[k].kind == SK_K_ARG_STR) {
			str = (int)k;
			nstr++;
		}
	}
	if (nstr != 1) {
		return;
	}
	sc->save_str = (__u8)(sc->p[str].a + 1);
	sc->p[str].b = 1;
}

int ebpf_build_table(const struct ebpf_conf *c, struct sk_ebpf_sc *out, char *err, size_t errlen)
{
	size_t n;
	const struct ebpf_sc_row *r = ebpf_sc_rows(&n);
	memset(out, 0, sizeof(*out) * SK_EBPF_MAX_SYSCALLS);
	for (size_t i = 0; i < n; i++) {
		if (r[i].nr < 0 || r[i].nr >= (int)SK_EBPF_MAX_SYSCALLS) {
			continue;
		}
		struct sk_ebpf_sc *sc = &out[r[i].nr];
		row_to_sc(&r[i], sc);
		if (c->paths_at_entry) {
			save_path_at_entry(sc);
		}
		const struct sk_sc_event *e = sk_sc_event_info(r[i].type);
		sc->enabled = c->all_syscalls || (e != NULL && !(e->flags & SK_SCF_HIGHVOL));
	}
	for (size_t i = 0; i < c->syscalls.n; i++) {
		const char *name = c->syscalls.items[i];
		int k = ebpf_set_enabled(out, name, true);
		if (k == 0 && strcmp(name, "procexit") == 0) {
			continue; /* not a syscall: always recorded */
		}
		if (k <= 0) {
			const char *best = NULL;
			size_t bd = 3;
			for (unsigned t = 0; t < SK_SC_COUNT; t++) {
				size_t dd = distance(name, sk_sc_events[t].name);
				if (dd < bd) {
					bd = dd;
					best = sk_sc_events[t].name;
				}
			}
			if (k == 0) {
				snprintf(err, errlen,
					 "syscalls: '%s' does not exist on this architecture",
					 name);
			} else if (best != NULL) {
				snprintf(err, errlen,
					 "syscalls: unknown syscall '%s' (did you mean '%s'?)",
					 name, best);
			} else {
				snprintf(err, errlen, "syscalls: unknown syscall '%s'", name);
			}
			return -EINVAL;
		}
	}
	return 0;
}
