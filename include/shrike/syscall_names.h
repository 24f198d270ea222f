/* include/shrike/syscall_names.h - names of syscall flag and enum values.
 *
 * Userspace companion of <shrike/syscall_events.h>: the SK_FT_* tables that
 * render a SK_PT_FLAGS32 / SK_PT_ENUM32 parameter the way Falco prints
 * `evt.arg.flags` (`O_RDONLY|O_CLOEXEC`), plus capability and signal names.
 * Values are the kernel's own for the architecture the header is compiled
 * for (the records carry kernel values; see syscall_events.h). Static data
 * only; no allocation.
 */
#ifndef SK_SHRIKE_SYSCALL_NAMES_H
#define SK_SHRIKE_SYSCALL_NAMES_H

#if defined(__KERNEL__) || defined(__bpf__) || defined(__BPF__)
#error "<shrike/syscall_names.h> is for userspace only"
#endif

#include <stddef.h>
#include <string.h>

#include <shrike/syscall_events.h>

/* One name: it applies when (value & mask) == val. A bit has mask == val; an
 * enum value or a multi-bit field (O_RDONLY, SOCK_STREAM) has a wider mask.
 * Tables end with {0, 0, NULL}. */
struct sk_flag_name {
	sk_u32 val;
	sk_u32 mask;
	const char *name;
};

#define SK_FN_BIT(v, n)                                                                            \
	{                                                                                          \
		(v), (v), (n)                                                                      \
	}
#define SK_FN_ENUM(v, n)                                                                           \
	{                                                                                          \
		(v), 0xffffffffu, (n)                                                              \
	}

/* O_* in the order Falco prints them (its file_flags table). */
#if defined(__aarch64__) || defined(__arm__)
#define SK_O_DIRECTORY 040000u
#define SK_O_NOFOLLOW  0100000u
#define SK_O_DIRECT    0200000u
#define SK_O_LARGEFILE 0400000u
#else
#define SK_O_DIRECTORY 0200000u
#define SK_O_NOFOLLOW  0400000u
#define SK_O_DIRECT    040000u
#define SK_O_LARGEFILE 0100000u
#endif
static const struct sk_flag_name sk_fn_open[] = {SK_FN_BIT(SK_O_LARGEFILE, "O_LARGEFILE"),
						 SK_FN_BIT(SK_O_DIRECTORY, "O_DIRECTORY"),
						 SK_FN_BIT(SK_O_DIRECT, "O_DIRECT"),
						 SK_FN_BIT(01000u, "O_TRUNC"),
						 SK_FN_BIT(04000000u, "O_SYNC"),
						 SK_FN_BIT(04000u, "O_NONBLOCK"),
						 SK_FN_BIT(0200u, "O_EXCL"),
						 SK_FN_BIT(010000u, "O_DSYNC"),
						 SK_FN_BIT(02000u, "O_APPEND"),
						 SK_FN_BIT(0100u, "O_CREAT"),
						 {2u, 3u, "O_RDWR"},
						 {1u, 3u, "O_WRONLY"},
						 {0u, 3u, "O_RDONLY"},
						 SK_FN_BIT(02000000u, "O_CLOEXEC"),
						 SK_FN_BIT(020000000u, "O_TMPFILE"),
						 SK_FN_BIT(SK_O_NOFOLLOW, "O_NOFOLLOW"),
						 SK_FN_BIT(0400u, "O_NOCTTY"),
						 SK_FN_BIT(01000000u, "O_NOATIME"),
						 SK_FN_BIT(010000000u, "O_PATH"),
						 SK_FN_BIT(020000u, "O_ASYNC"),
						 {0, 0, NULL}};

static const struct sk_flag_name sk_fn_clone[] = {SK_FN_BIT(0x400u, "CLONE_FILES"),
						  SK_FN_BIT(0x200u, "CLONE_FS"),
						  SK_FN_BIT(0x80000000u, "CLONE_IO"),
						  SK_FN_BIT(0x8000000u, "CLONE_NEWIPC"),
						  SK_FN_BIT(0x40000000u, "CLONE_NEWNET"),
						  SK_FN_BIT(0x20000u, "CLONE_NEWNS"),
						  SK_FN_BIT(0x20000000u, "CLONE_NEWPID"),
						  SK_FN_BIT(0x4000000u, "CLONE_NEWUTS"),
						  SK_FN_BIT(0x8000u, "CLONE_PARENT"),
						  SK_FN_BIT(0x100000u, "CLONE_PARENT_SETTID"),
						  SK_FN_BIT(0x2000u, "CLONE_PTRACE"),
						  SK_FN_BIT(0x800u, "CLONE_SIGHAND"),
						  SK_FN_BIT(0x40000u, "CLONE_SYSVSEM"),
						  SK_FN_BIT(0x10000u, "CLONE_THREAD"),
						  SK_FN_BIT(0x800000u, "CLONE_UNTRACED"),
						  SK_FN_BIT(0x100u, "CLONE_VM"),
						  SK_FN_BIT(0x10000000u, "CLONE_NEWUSER"),
						  SK_FN_BIT(0x200000u, "CLONE_CHILD_CLEARTID"),
						  SK_FN_BIT(0x1000000u, "CLONE_CHILD_SETTID"),
						  SK_FN_BIT(0x80000u, "CLONE_SETTLS"),
						  SK_FN_BIT(0x4000u, "CLONE_VFORK"),
						  SK_FN_BIT(0x2000000u, "CLONE_NEWCGROUP"),
						  SK_FN_BIT(0x1000u, "CLONE_PIDFD"),
						  SK_FN_BIT(0x80u, "CLONE_NEWTIME"),
						  {0, 0, NULL}};

static const struct sk_flag_name sk_fn_prot[] = {SK_FN_BIT(1u, "PROT_READ"),
						 SK_FN_BIT(2u, "PROT_WRITE"),
						 SK_FN_BIT(4u, "PROT_EXEC"),
						 SK_FN_BIT(8u, "PROT_SEM"),
						 SK_FN_BIT(0x01000000u, "PROT_GROWSDOWN"),
						 SK_FN_BIT(0x02000000u, "PROT_GROWSUP"),
						 {0u, 0x0300000fu, "PROT_NONE"},
						 {0, 0, NULL}};

static const struct sk_flag_name sk_fn_mmap[] = {{1u, 3u, "MAP_SHARED"},
						 {2u, 3u, "MAP_PRIVATE"},
						 {3u, 3u, "MAP_SHARED_VALIDATE"},
						 SK_FN_BIT(0x10u, "MAP_FIXED"),
						 SK_FN_BIT(0x20u, "MAP_ANONYMOUS"),
						 SK_FN_BIT(0x40u, "MAP_32BIT"),
						 SK_FN_BIT(0x100u, "MAP_GROWSDOWN"),
						 SK_FN_BIT(0x800u, "MAP_DENYWRITE"),
						 SK_FN_BIT(0x1000u, "MAP_EXECUTABLE"),
						 SK_FN_BIT(0x2000u, "MAP_LOCKED"),
						 SK_FN_BIT(0x4000u, "MAP_NORESERVE"),
						 SK_FN_BIT(0x8000u, "MAP_POPULATE"),
						 SK_FN_BIT(0x10000u, "MAP_NONBLOCK"),
						 SK_FN_BIT(0x20000u, "MAP_STACK"),
						 SK_FN_BIT(0x40000u, "MAP_HUGETLB"),
						 SK_FN_BIT(0x100000u, "MAP_FIXED_NOREPLACE"),
						 {0, 0, NULL}};

static const struct sk_flag_name sk_fn_sock_family[] = {SK_FN_ENUM(0, "AF_UNSPEC"),
							SK_FN_ENUM(1, "AF_UNIX"),
							SK_FN_ENUM(2, "AF_INET"),
							SK_FN_ENUM(3, "AF_AX25"),
							SK_FN_ENUM(4, "AF_IPX"),
							SK_FN_ENUM(5, "AF_APPLETALK"),
							SK_FN_ENUM(6, "AF_NETROM"),
							SK_FN_ENUM(7, "AF_BRIDGE"),
							SK_FN_ENUM(8, "AF_ATMPVC"),
							SK_FN_ENUM(9, "AF_X25"),
							SK_FN_ENUM(10, "AF_INET6"),
							SK_FN_ENUM(11, "AF_ROSE"),
							SK_FN_ENUM(12, "AF_DECnet"),
							SK_FN_ENUM(13, "AF_NETBEUI"),
							SK_FN_ENUM(14, "AF_SECURITY"),
							SK_FN_ENUM(15, "AF_KEY"),
							SK_FN_ENUM(16, "AF_NETLINK"),
							SK_FN_ENUM(17, "AF_PACKET"),
							SK_FN_ENUM(18, "AF_ASH"),
							SK_FN_ENUM(19, "AF_ECONET"),
							SK_FN_ENUM(20, "AF_ATMSVC"),
							SK_FN_ENUM(21, "AF_RDS"),
							SK_FN_ENUM(22, "AF_SNA"),
							SK_FN_ENUM(23, "AF_IRDA"),
							SK_FN_ENUM(24, "AF_PPPOX"),
							SK_FN_ENUM(25, "AF_WANPIPE"),
							SK_FN_ENUM(26, "AF_LLC"),
							SK_FN_ENUM(27, "AF_IB"),
							SK_FN_ENUM(28, "AF_MPLS"),
							SK_FN_ENUM(29, "AF_CAN"),
							SK_FN_ENUM(30, "AF_TIPC"),
							SK_FN_ENUM(31, "AF_BLUETOOTH"),
							SK_FN_ENUM(32, "AF_IUCV"),
							SK_FN_ENUM(33, "AF_RXRPC"),
							SK_FN_ENUM(34, "AF_ISDN"),
							SK_FN_ENUM(35, "AF_PHONET"),
							SK_FN_ENUM(36, "AF_IEEE802154"),
							SK_FN_ENUM(37, "AF_CAIF"),
							SK_FN_ENUM(38, "AF_ALG"),
							SK_FN_ENUM(39, "AF_NFC"),
							SK_FN_ENUM(40, "AF_VSOCK"),
							SK_FN_ENUM(41, "AF_KCM"),
							SK_FN_ENUM(42, "AF_QIPCRTR"),
							SK_FN_ENUM(43, "AF_SMC"),
							SK_FN_ENUM(44, "AF_XDP"),
							SK_FN_ENUM(45, "AF_MCTP"),
							{0, 0, NULL}};

static const struct sk_flag_name sk_fn_sock_type[] = {{1u, 0xfu, "SOCK_STREAM"},
						      {2u, 0xfu, "SOCK_DGRAM"},
						      {3u, 0xfu, "SOCK_RAW"},
						      {4u, 0xfu, "SOCK_RDM"},
						      {5u, 0xfu, "SOCK_SEQPACKET"},
						      {6u, 0xfu, "SOCK_DCCP"},
						      {10u, 0xfu, "SOCK_PACKET"},
						      SK_FN_BIT(04000u, "SOCK_NONBLOCK"),
						      SK_FN_BIT(02000000u, "SOCK_CLOEXEC"),
						      {0, 0, NULL}};

static const struct sk_flag_name sk_fn_ptrace[] = {
    SK_FN_ENUM(0, "PTRACE_TRACEME"),
    SK_FN_ENUM(1, "PTRACE_PEEKTEXT"),
    SK_FN_ENUM(2, "PTRACE_PEEKDATA"),
    SK_FN_ENUM(3, "PTRACE_PEEKUSR"),
    SK_FN_ENUM(4, "PTRACE_POKETEXT"),
    SK_FN_ENUM(5, "PTRACE_POKEDATA"),
    SK_FN_ENUM(6, "PTRACE_POKEUSR"),
    SK_FN_ENUM(7, "PTRACE_CONT"),
    SK_FN_ENUM(8, "PTRACE_KILL"),
    SK_FN_ENUM(9, "PTRACE_SINGLESTEP"),
    SK_FN_ENUM(12, "PTRACE_GETREGS"),
    SK_FN_ENUM(13, "PTRACE_SETREGS"),
    SK_FN_ENUM(14, "PTRACE_GETFPREGS"),
    SK_FN_ENUM(15, "PTRACE_SETFPREGS"),
    SK_FN_ENUM(16, "PTRACE_ATTACH"),
    SK_FN_ENUM(17, "PTRACE_DETACH"),
    SK_FN_ENUM(18, "PTRACE_GETFPXREGS"),
    SK_FN_ENUM(19, "PTRACE_SETFPXREGS"),
    SK_FN_ENUM(24, "PTRACE_SYSCALL"),
    SK_FN_ENUM(31, "PTRACE_SYSEMU"),
    SK_FN_ENUM(32, "PTRACE_SYSEMU_SINGLESTEP"),
    SK_FN_ENUM(0x4200, "PTRACE_SETOPTIONS"),
    SK_FN_ENUM(0x4201, "PTRACE_GETEVENTMSG"),
    SK_FN_ENUM(0x4202, "PTRACE_GETSIGINFO"),
    SK_FN_ENUM(0x4203, "PTRACE_SETSIGINFO"),
    SK_FN_ENUM(0x4204, "PTRACE_GETREGSET"),
    SK_FN_ENUM(0x4205, "PTRACE_SETREGSET"),
    SK_FN_ENUM(0x4206, "PTRACE_SEIZE"),
    SK_FN_ENUM(0x4207, "PTRACE_INTERRUPT"),
    SK_FN_ENUM(0x4208, "PTRACE_LISTEN"),
    SK_FN_ENUM(0x4209, "PTRACE_PEEKSIGINFO"),
    SK_FN_ENUM(0x420a, "PTRACE_GETSIGMASK"),
    SK_FN_ENUM(0x420b, "PTRACE_SETSIGMASK"),
    SK_FN_ENUM(0x420c, "PTRACE_SECCOMP_GET_FILTER"),
    SK_FN_ENUM(0x420d, "PTRACE_SECCOMP_GET_METADATA"),
    SK_FN_ENUM(0x420e, "PTRACE_GET_SYSCALL_INFO"),
    {0, 0, NULL}};

static const struct sk_flag_name sk_fn_prctl[] = {SK_FN_ENUM(1, "PR_SET_PDEATHSIG"),
						  SK_FN_ENUM(2, "PR_GET_PDEATHSIG"),
						  SK_FN_ENUM(3, "PR_GET_DUMPABLE"),
						  SK_FN_ENUM(4, "PR_SET_DUMPABLE"),
						  SK_FN_ENUM(5, "PR_GET_UNALIGN"),
						  SK_FN_ENUM(6, "PR_SET_UNALIGN"),
						  SK_FN_ENUM(7, "PR_GET_KEEPCAPS"),
						  SK_FN_ENUM(8, "PR_SET_KEEPCAPS"),
						  SK_FN_ENUM(9, "PR_GET_FPEMU"),
						  SK_FN_ENUM(10, "PR_SET_FPEMU"),
						  SK_FN_ENUM(11, "PR_GET_FPEXC"),
						  SK_FN_ENUM(12, "PR_SET_FPEXC"),
						  SK_FN_ENUM(13, "PR_GET_TIMING"),
						  SK_FN_ENUM(14, "PR_SET_TIMING"),
						  SK_FN_ENUM(15, "PR_SET_NAME"),
						  SK_FN_ENUM(16, "PR_GET_NAME"),
						  SK_FN_ENUM(19, "PR_GET_ENDIAN"),
						  SK_FN_ENUM(20, "PR_SET_ENDIAN"),
						  SK_FN_ENUM(21, "PR_GET_SECCOMP"),
						  SK_FN_ENUM(22, "PR_SET_SECCOMP"),
						  SK_FN_ENUM(23, "PR_CAPBSET_READ"),
						  SK_FN_ENUM(24, "PR_CAPBSET_DROP"),
						  SK_FN_ENUM(25, "PR_GET_TSC"),
						  SK_FN_ENUM(26, "PR_SET_TSC"),
						  SK_FN_ENUM(27, "PR_GET_SECUREBITS"),
						  SK_FN_ENUM(28, "PR_SET_SECUREBITS"),
						  SK_FN_ENUM(29, "PR_SET_TIMERSLACK"),
						  SK_FN_ENUM(30, "PR_GET_TIMERSLACK"),
						  SK_FN_ENUM(31, "PR_TASK_PERF_EVENTS_DISABLE"),
						  SK_FN_ENUM(32, "PR_TASK_PERF_EVENTS_ENABLE"),
						  SK_FN_ENUM(33, "PR_MCE_KILL"),
						  SK_FN_ENUM(34, "PR_MCE_KILL_GET"),
						  SK_FN_ENUM(35, "PR_SET_MM"),
						  SK_FN_ENUM(36, "PR_SET_CHILD_SUBREAPER"),
						  SK_FN_ENUM(37, "PR_GET_CHILD_SUBREAPER"),
						  SK_FN_ENUM(38, "PR_SET_NO_NEW_PRIVS"),
						  SK_FN_ENUM(39, "PR_GET_NO_NEW_PRIVS"),
						  SK_FN_ENUM(40, "PR_GET_TID_ADDRESS"),
						  SK_FN_ENUM(41, "PR_SET_THP_DISABLE"),
						  SK_FN_ENUM(42, "PR_GET_THP_DISABLE"),
						  SK_FN_ENUM(43, "PR_MPX_ENABLE_MANAGEMENT"),
						  SK_FN_ENUM(44, "PR_MPX_DISABLE_MANAGEMENT"),
						  SK_FN_ENUM(45, "PR_SET_FP_MODE"),
						  SK_FN_ENUM(46, "PR_GET_FP_MODE"),
						  SK_FN_ENUM(47, "PR_CAP_AMBIENT"),
						  SK_FN_ENUM(0x59616d61, "PR_SET_PTRACER"),
						  {0, 0, NULL}};

static const struct sk_flag_name sk_fn_mount[] = {SK_FN_BIT(1u, "RDONLY"),
						  SK_FN_BIT(2u, "NOSUID"),
						  SK_FN_BIT(4u, "NODEV"),
						  SK_FN_BIT(8u, "NOEXEC"),
						  SK_FN_BIT(16u, "SYNCHRONOUS"),
						  SK_FN_BIT(32u, "REMOUNT"),
						  SK_FN_BIT(64u, "MANDLOCK"),
						  SK_FN_BIT(128u, "DIRSYNC"),
						  SK_FN_BIT(256u, "NOSYMFOLLOW"),
						  SK_FN_BIT(1024u, "NOATIME"),
						  SK_FN_BIT(2048u, "NODIRATIME"),
						  SK_FN_BIT(4096u, "BIND"),
						  SK_FN_BIT(8192u, "MOVE"),
						  SK_FN_BIT(16384u, "REC"),
						  SK_FN_BIT(32768u, "SILENT"),
						  SK_FN_BIT(1u << 16, "POSIXACL"),
						  SK_FN_BIT(1u << 17, "UNBINDABLE"),
						  SK_FN_BIT(1u << 18, "PRIVATE"),
						  SK_FN_BIT(1u << 19, "SLAVE"),
						  SK_FN_BIT(1u << 20, "SHARED"),
						  SK_FN_BIT(1u << 21, "RELATIME"),
						  SK_FN_BIT(1u << 22, "KERNMOUNT"),
						  SK_FN_BIT(1u << 23, "I_VERSION"),
						  SK_FN_BIT(1u << 24, "STRICTATIME"),
						  SK_FN_BIT(1u << 25, "LAZYTIME"),
						  {0, 0, NULL}};

static const struct sk_flag_name sk_fn_umount[] = {SK_FN_BIT(1u, "FORCE"),
						   SK_FN_BIT(2u, "DETACH"),
						   SK_FN_BIT(4u, "EXPIRE"),
						   SK_FN_BIT(8u, "NOFOLLOW"),
						   {0, 0, NULL}};

static const struct sk_flag_name sk_fn_fcntl[] = {SK_FN_ENUM(0, "F_DUPFD"),
						  SK_FN_ENUM(1, "F_GETFD"),
						  SK_FN_ENUM(2, "F_SETFD"),
						  SK_FN_ENUM(3, "F_GETFL"),
						  SK_FN_ENUM(4, "F_SETFL"),
						  SK_FN_ENUM(5, "F_GETLK"),
						  SK_FN_ENUM(6, "F_SETLK"),
						  SK_FN_ENUM(7, "F_SETLKW"),
						  SK_FN_ENUM(8, "F_SETOWN"),
						  SK_FN_ENUM(9, "F_GETOWN"),
						  SK_FN_ENUM(10, "F_SETSIG"),
						  SK_FN_ENUM(11, "F_GETSIG"),
						  SK_FN_ENUM(15, "F_SETOWN_EX"),
						  SK_FN_ENUM(16, "F_GETOWN_EX"),
						  SK_FN_ENUM(36, "F_OFD_GETLK"),
						  SK_FN_ENUM(37, "F_OFD_SETLK"),
						  SK_FN_ENUM(38, "F_OFD_SETLKW"),
						  SK_FN_ENUM(1024, "F_SETLEASE"),
						  SK_FN_ENUM(1025, "F_GETLEASE"),
						  SK_FN_ENUM(1026, "F_NOTIFY"),
						  SK_FN_ENUM(1030, "F_DUPFD_CLOEXEC"),
						  SK_FN_ENUM(1031, "F_SETPIPE_SZ"),
						  SK_FN_ENUM(1032, "F_GETPIPE_SZ"),
						  SK_FN_ENUM(1033, "F_ADD_SEALS"),
						  SK_FN_ENUM(1034, "F_GET_SEALS"),
						  {0, 0, NULL}};

static const struct sk_flag_name sk_fn_execve[] = {SK_FN_BIT(SK_EXE_WRITABLE, "EXE_WRITABLE"),
						   SK_FN_BIT(SK_EXE_UPPER_LAYER, "EXE_UPPER_LAYER"),
						   SK_FN_BIT(SK_EXE_FROM_MEMFD, "EXE_FROM_MEMFD"),
						   SK_FN_BIT(SK_EXE_LOWER_LAYER, "EXE_LOWER_LAYER"),
						   {0, 0, NULL}};

static const struct sk_flag_name sk_fn_at[] = {
    SK_FN_BIT(0x100u, "AT_SYMLINK_NOFOLLOW"), SK_FN_BIT(0x200u, "AT_REMOVEDIR"),
    SK_FN_BIT(0x400u, "AT_SYMLINK_FOLLOW"),   SK_FN_BIT(0x800u, "AT_NO_AUTOMOUNT"),
    SK_FN_BIT(0x1000u, "AT_EMPTY_PATH"),      {0, 0, NULL}};

static const struct sk_flag_name sk_fn_renameat2[] = {SK_FN_BIT(1u, "RENAME_NOREPLACE"),
						      SK_FN_BIT(2u, "RENAME_EXCHANGE"),
						      SK_FN_BIT(4u, "RENAME_WHITEOUT"),
						      {0, 0, NULL}};

static const struct sk_flag_name sk_fn_memfd[] = {
    SK_FN_BIT(1u, "MFD_CLOEXEC"), SK_FN_BIT(2u, "MFD_ALLOW_SEALING"),
    SK_FN_BIT(4u, "MFD_HUGETLB"), SK_FN_BIT(8u, "MFD_NOEXEC_SEAL"),
    SK_FN_BIT(0x10u, "MFD_EXEC"), {0, 0, NULL}};

static const struct sk_flag_name sk_fn_resolve[] = {SK_FN_BIT(1u, "RESOLVE_NO_XDEV"),
						    SK_FN_BIT(2u, "RESOLVE_NO_MAGICLINKS"),
						    SK_FN_BIT(4u, "RESOLVE_NO_SYMLINKS"),
						    SK_FN_BIT(8u, "RESOLVE_BENEATH"),
						    SK_FN_BIT(0x10u, "RESOLVE_IN_ROOT"),
						    SK_FN_BIT(0x20u, "RESOLVE_CACHED"),
						    {0, 0, NULL}};

static const struct sk_flag_name sk_fn_shutdown[] = {
    SK_FN_ENUM(0, "SHUT_RD"), SK_FN_ENUM(1, "SHUT_WR"), SK_FN_ENUM(2, "SHUT_RDWR"), {0, 0, NULL}};

static const struct sk_flag_name sk_fn_finit_module[] = {
    SK_FN_BIT(1u, "MODULE_INIT_IGNORE_MODVERSIONS"),
    SK_FN_BIT(2u, "MODULE_INIT_IGNORE_VERMAGIC"),
    SK_FN_BIT(4u, "MODULE_INIT_COMPRESSED_FILE"),
    {0, 0, NULL}};

/* Capability names by bit number (Falco's CAP_* strings). */
static const char *const sk_cap_names[] = {"CAP_CHOWN",
					   "CAP_DAC_OVERRIDE",
					   "CAP_DAC_READ_SEARCH",
					   "CAP_FOWNER",
					   "CAP_FSETID",
					   "CAP_KILL",
					   "CAP_SETGID",
					   "CAP_SETUID",
					   "CAP_SETPCAP",
					   "CAP_LINUX_IMMUTABLE",
					   "CAP_NET_BIND_SERVICE",
					   "CAP_NET_BROADCAST",
					   "CAP_NET_ADMIN",
					   "CAP_NET_RAW",
					   "CAP_IPC_LOCK",
					   "CAP_IPC_OWNER",
					   "CAP_SYS_MODULE",
					   "CAP_SYS_RAWIO",
					   "CAP_SYS_CHROOT",
					   "CAP_SYS_PTRACE",
					   "CAP_SYS_PACCT",
					   "CAP_SYS_ADMIN",
					   "CAP_SYS_BOOT",
					   "CAP_SYS_NICE",
					   "CAP_SYS_RESOURCE",
					   "CAP_SYS_TIME",
					   "CAP_SYS_TTY_CONFIG",
					   "CAP_MKNOD",
					   "CAP_LEASE",
					   "CAP_AUDIT_WRITE",
					   "CAP_AUDIT_CONTROL",
					   "CAP_SETFCAP",
					   "CAP_MAC_OVERRIDE",
					   "CAP_MAC_ADMIN",
					   "CAP_SYSLOG",
					   "CAP_WAKE_ALARM",
					   "CAP_BLOCK_SUSPEND",
					   "CAP_AUDIT_READ",
					   "CAP_PERFMON",
					   "CAP_BPF",
					   "CAP_CHECKPOINT_RESTORE"};
#define SK_CAP_COUNT (sizeof(sk_cap_names) / sizeof(sk_cap_names[0]))

/* Signal names by number (1..31), as Falco prints `evt.arg.sig`. */
static const char *const sk_signal_names[] = {
    NULL,	 "SIGHUP",  "SIGINT",	 "SIGQUIT", "SIGILL",	"SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",	 "SIGKILL", "SIGUSR1",	 "SIGSEGV", "SIGUSR2",	"SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",	 "SIGSTOP", "SIGTSTP",	"SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",	 "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS"};
#define SK_SIGNAL_COUNT (sizeof(sk_signal_names) / sizeof(sk_signal_names[0]))

/* sk_flag_table - the name table of SK_FT_* `ft`, or NULL (SK_FT_NONE or
 * unknown). */
static inline const struct sk_flag_name *sk_flag_table(unsigned ft)
{
	switch (ft) {
	case SK_FT_OPEN:
		return sk_fn_open;
	case SK_FT_CLONE:
		return sk_fn_clone;
	case SK_FT_PROT:
		return sk_fn_prot;
	case SK_FT_MMAP:
		return sk_fn_mmap;
	case SK_FT_SOCK_FAMILY:
		return sk_fn_sock_family;
	case SK_FT_SOCK_TYPE:
		return sk_fn_sock_type;
	case SK_FT_PTRACE:
		return sk_fn_ptrace;
	case SK_FT_PRCTL:
		return sk_fn_prctl;
	case SK_FT_MOUNT:
		return sk_fn_mount;
	case SK_FT_UMOUNT:
		return sk_fn_umount;
	case SK_FT_FCNTL:
		return sk_fn_fcntl;
	case SK_FT_EXECVE:
		return sk_fn_execve;
	case SK_FT_AT:
		return sk_fn_at;
	case SK_FT_RENAMEAT2:
		return sk_fn_renameat2;
	case SK_FT_MEMFD:
		return sk_fn_memfd;
	case SK_FT_RESOLVE:
		return sk_fn_resolve;
	case SK_FT_SHUTDOWN:
		return sk_fn_shutdown;
	case SK_FT_FINIT_MODULE:
		return sk_fn_finit_module;
	default:
		return NULL;
	}
}

/* sk_flags_render - write the names of `value` under table `ft` into buf as
 * Falco does: every matching name in table order, joined by '|'. A value
 * with no matching name renders as its decimal number. Always NUL-terminates
 * (when buflen > 0). Returns the length the full text needs (snprintf's
 * convention), so a result >= buflen means it was cut. */
static inline size_t sk_flags_render(unsigned ft, sk_u32 value, char *buf, size_t buflen)
{
	const struct sk_flag_name *t = sk_flag_table(ft);
	size_t n = 0;
	if (buflen > 0) {
		buf[0] = '\0';
	}
	for (; t != NULL && t->name != NULL; t++) {
		if ((value & t->mask) != t->val) {
			continue;
		}
		size_t l = strlen(t->name);
		if (n > 0) {
			if (n + 1 < buflen) {
				buf[n] = '|';
				buf[n + 1] = '\0';
			}
			n++;
		}
		if (n < buflen) {
			size_t room = buflen - n - 1;
			size_t c = l < room ? l : room;
			memcpy(buf + n, t->name, c);
			buf[n + c] = '\0';
		}
		n += l;
	}
	if (n == 0) {
		char d[12];
		size_t k = sizeof(d);
		do {
			d[--k] = (char)('0' + value % 10u);
			value /= 10u;
		} while (value != 0 && k > 0);
		n = sizeof(d) - k;
		if (buflen > 0) {
			size_t c = n < buflen - 1 ? n : buflen - 1;
			memcpy(buf, d + k, c);
			buf[c] = '\0';
		}
	}
	return n;
}

/* sk_flag_lookup - the value of flag or enum name `name` in table `ft`
 * (e.g. "O_CREAT" -> 0100), for comparisons such as
 * `evt.arg.flags contains O_CREAT`. Returns 0 and sets *ret_val, or -1. */
static inline int sk_flag_lookup(unsigned ft, const char *name, sk_u32 *ret_val)
{
	for (const struct sk_flag_name *t = sk_flag_table(ft); t != NULL && t->name != NULL; t++) {
		if (strcmp(t->name, name) == 0) {
			*ret_val = t->val;
			return 0;
		}
	}
	return -1;
}

#endif /* SK_SHRIKE_SYSCALL_NAMES_H */
