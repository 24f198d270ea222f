/* sources/ebpf/probe.h - what the eBPF probe (probe.bpf.c) and the ebpf
 * source plugin (ebpf.c) share: the per-syscall table the plugin fills and
 * the probe reads, the per-CPU counters, and the limits of a record.
 *
 * Fixed-width types only, no pointers, explicit sizes: the layout is the
 * same in BPF and in userspace (ebpf.c checks the sizes with _Static_assert).
 *
 * How a syscall becomes a record. The plugin writes one struct sk_ebpf_sc per
 * syscall number into the `syscalls` array map: the event type, whether it
 * is enabled, and one struct sk_ebpf_pspec per parameter telling the probe
 * where the value comes from (the return value, an argument as a number, a
 * string or sockaddr in user memory, the socket tuple or inode of a
 * descriptor, ...). The probe walks that list at sys_exit and appends each
 * parameter to the record, so the layout of every record follows the event
 * table in <shrike/syscall_events.h> without per-syscall BPF code. Process
 * events (execve, the clone family, procexit) have their own code
 * (`special`). Enabling or disabling a syscall is one map update: no
 * reload.
 */
#ifndef SK_SOURCES_EBPF_PROBE_H
#define SK_SOURCES_EBPF_PROBE_H

#define SK_EBPF_MAX_SYSCALLS 512u /* syscall numbers 0..511 */
#define SK_EBPF_MAX_PSPEC    12u  /* parameters per table-driven event */
#define SK_EBPF_MAX_CPUS     1024u

/* Where a parameter's value comes from (struct sk_ebpf_pspec.kind). `a` is
 * an argument index (0..5) unless said otherwise. */
#define SK_K_EMPTY   0u /* no value: a zero-length parameter */
#define SK_K_RET     1u /* the return value, i64 */
#define SK_K_ARG_INT 2u /* argument a as a C int, sign-extended to i64 (fds, pids) */
#define SK_K_ARG_I64 3u /* argument a, 8 bytes */
#define SK_K_ARG_U32 4u /* argument a, low 4 bytes */
#define SK_K_ARG_U8  5u /* argument a, low byte (signals) */
#define SK_K_ARG_STR                                                                               \
	6u /* NUL-terminated string at user pointer a; b = 1: the                                  \
	    * copy taken at syscall entry */
#define SK_K_ARG_SOCKADDR                                                                          \
	7u /* sockaddr at user pointer a, length in argument b;                                    \
	    * c = 1: the copy taken at entry */
#define SK_K_TUPLE                                                                                 \
	8u		    /* socket tuple of descriptor a (0xff: the return value);              \
			     * b = 1: the peer is the source (accept); c = 1: the                  \
			     * remote end from the sockaddr copied at entry when                   \
			     * the socket has none. In the records of sendto,                      \
			     * sendmsg, recvfrom and recvmsg, a socket with no                     \
			     * remote end takes the address the call names (read                   \
			     * at exit: probe_params.bpf.h msg_addr) */
#define SK_K_FD_DEV	9u  /* device of descriptor a (0xff: the return value), u32 */
#define SK_K_FD_INO	10u /* inode number of descriptor a (0xff: return value), u64 */
#define SK_K_ARG_FDPAIR 11u /* int[2] at user pointer a: element b, as i64 */
#define SK_K_PAIR_INO	12u /* inode number of the first fd of int[2] at pointer a */
#define SK_K_CAPS                                                                                  \
	13u		   /* the task's capabilities: a = 0 inheritable, 1 permitted,             \
			    * 2 effective; u64 */
#define SK_K_PRCTL_STR 14u /* string at argument 1 when argument 0 is PR_SET_NAME */
#define SK_K_PRCTL_INT 15u /* argument 1 as i64 when argument 0 is not PR_SET_NAME */
#define SK_K_HOW                                                                                   \
	16u		    /* field a (0 flags, 1 mode, 2 resolve) of the struct                  \
			     * open_how at user pointer argument 2, as u32 */
#define SK_K_FDLIST   17u   /* struct pollfd array at pointer a, nfds in arg b (SK_EBPF_POLL_MAX) */
#define SK_K_FD_LAYER 18u   /* overlayfs layer (SK_LAYER_*, u8) of fd a (0xff: return value) */
#define SK_K_VM                                                                                    \
	19u		    /* the task's memory after the call, KiB, u32: a = 0 total             \
			     * (vm_size), 1 resident (vm_rss), 2 swapped out (vm_swap) */
#define SK_K_RET_FD   0xffu /* `a` of SK_K_TUPLE/FD_DEV/FD_INO: the returned fd */

/* Special handling of an event (struct sk_ebpf_sc.special). */
#define SK_SP_NONE 0u
#define SK_SP_EXEC                                                                                 \
	1u /* execve/execveat: failures at sys_exit, success at                                    \
	    * sched_process_exec */
#define SK_SP_CLONE                                                                                \
	2u /* clone family: parent at sys_exit, child at                                           \
	    * sched_process_fork */

/* One parameter source. */
struct sk_ebpf_pspec {
	__u8 kind; /* SK_K_* */
	__u8 a, b, c;
};

/* One syscall number. 56 bytes. */
struct sk_ebpf_sc {
	__u16 type;	  /* event type (SK_SC_*); 0: not a known syscall */
	__u8 enabled;	  /* 1: write records for it */
	__u8 nparams;	  /* entries used in p[] (table-driven events) */
	__u8 special;	  /* SK_SP_* */
	__u8 save_str;	  /* 1 + argument index of a string to copy at entry, or 0 */
	__u8 save_sa;	  /* 1 + argument index of a sockaddr to copy at entry, or 0 */
	__u8 save_sa_len; /* argument index of that sockaddr's length */
	struct sk_ebpf_pspec p[SK_EBPF_MAX_PSPEC];
};

/* 32-bit (ia32) syscalls on x86-64: the `compat_nr` array map, indexed by
 * the ia32 syscall number, or SK_EBPF_SOCKETCALL_BASE + a socketcall
 * sub-call (SYS_CONNECT, ...), says which x86-64 row records it. The
 * plugin rewrites an entry when its row's enabled bit changes. */
#define SK_EBPF_SOCKETCALL_BASE SK_EBPF_MAX_SYSCALLS
#define SK_EBPF_COMPAT_MAX	(SK_EBPF_MAX_SYSCALLS + 32u)
#define SK_CNR_NR		0xffffu	 /* x86-64 number + 1; 0: not recorded */
#define SK_CNR_ENABLED		0x10000u /* that row (a sub-call's, for socketcall) is enabled */
#define SK_CNR_SAVES		0x20000u /* ... and copies arguments at entry */
#define SK_CNR_SOCKETCALL	0x40000u /* socketcall: the sub-call decides */

/* Per-CPU counters (the `counters` per-CPU array, one entry). */
struct sk_ebpf_counters {
	__u64 evts;	 /* records written */
	__u64 drops;	 /* records lost: the ring buffer had no room */
	__u64 drops_big; /* records lost: larger than the scratch buffer */
	__u64 skipped;	 /* syscalls of interest not recorded (no ring) */
};

/* Record scratch: a record is built in a per-CPU buffer of this size, then
 * copied into the ring buffer. Variable parameters are cut to fit:
 * strings at SK_EBPF_STR_MAX bytes, argv/env at SK_EBPF_ARGS_MAX. */
#define SK_EBPF_SCRATCH	   32768u
#define SK_EBPF_REC_MAX	   16384u /* largest record */
#define SK_EBPF_STR_MAX	   4096u  /* one path or string */
#define SK_EBPF_ARGS_MAX   4096u  /* argv, env */
#define SK_EBPF_SA_MAX	   128u	  /* sockaddr copied from user memory */
#define SK_EBPF_PATH_DEPTH 48u	  /* components walked for cwd/exe paths */
#define SK_EBPF_POLL_MAX   16u	  /* pollfd entries recorded (Falco keeps 16 too) */

#endif /* SK_SOURCES_EBPF_PROBE_H */
