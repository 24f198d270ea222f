/* sources/kmod/shrike_kmod.h - the interface between the shrike kernel
 * module (shrike.ko) and the `kmod` source plugin: devices, the shared
 * ring of each CPU, and the ioctls. Compiles in the kernel (kbuild) and in
 * userspace; types from <linux/types.h> and <linux/ioctl.h> only.
 *
 * Devices. One character device per possible CPU, /dev/shrike<N> (N = the
 * CPU number), created by the module. A reader opens every one of them;
 * only one process may have a given device open at a time (EBUSY).
 *
 * The ring of CPU N, mapped with mmap(fd, offset 0, SK_KMOD_CTRL_SIZE +
 * ring_size): first the control page (struct sk_kmod_ctrl), then ring_size
 * bytes of records (ring_size a power of two, from SK_KMOD_IOC_INFO).
 * Records are the event records of <shrike/event.h> and
 * <shrike/syscall_events.h>, exactly as the eBPF probe writes them, each
 * starting 8-byte aligned (lengths are rounded up to 8 in the ring; the
 * record's own `len` is exact). A record never wraps: when the space left
 * before the end of the ring is too small, the module writes a padding
 * header there (type SK_KMOD_PAD_TYPE, `len` = the bytes to the end) and
 * starts the record at offset 0. `head` and `tail` are byte counters that
 * only grow (position = counter & (ring_size - 1)). The module alone writes
 * `head` (release, after the record), the reader alone `tail` (release,
 * after it is done with the records); each reads the other's with acquire.
 * When a record does not fit in ring_size - (head - tail) bytes the module
 * drops it and counts it (`drops`), and writes an SK_EVT_DROP record with
 * the number lost as soon as there is room again, as the eBPF source does.
 * A record larger than the eBPF probe's largest (or one whose parameters
 * were not all written) is dropped too, counted in `drops` and, since
 * interface 1.1, in `drops_big`; no SK_EVT_DROP record reports it (the
 * reader finds it in the difference of `drops` and what the records said).
 *
 * What a record holds: the same table the eBPF probe runs from
 * (sources/ebpf/probe.h, struct sk_ebpf_sc: for each x86-64 syscall
 * number, its event type and where each parameter comes from), given to
 * the module with SK_KMOD_IOC_SET_TABLE before recording starts. The
 * eBPF source and the module thus write the same parameters, from the
 * same sources, for the same syscalls.
 *
 * Wake-ups: poll() on a device is readable when its ring holds at least
 * `wakeup_bytes` (SK_KMOD_IOC_SET_WAKEUP; 0: any record) or when the
 * ring is more than half full; the reader may also poll the ring on a
 * timer, as the eBPF source does.
 */
#ifndef SK_SHRIKE_KMOD_H
#define SK_SHRIKE_KMOD_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* API version: major << 16 | minor. The plugin refuses another major and
 * names both versions in its error. */
#define SK_KMOD_API_MAJOR   1
#define SK_KMOD_API_MINOR   1 /* 1.1: drops_big in the control page */
#define SK_KMOD_API_VERSION ((SK_KMOD_API_MAJOR << 16) | SK_KMOD_API_MINOR)

#define SK_KMOD_DEVICE_PREFIX "/dev/shrike" /* + the CPU number */
#define SK_KMOD_CTRL_SIZE     4096u	    /* the control page */
#define SK_KMOD_PAD_TYPE      0xffffu	    /* a padding header's type */

/* The control page at the start of each CPU's mapping. */
struct sk_kmod_ctrl {
	__u64 head;	    /* bytes written, ever (module) */
	__u64 tail;	    /* bytes consumed, ever (reader) */
	__u64 events;	    /* records written on this CPU */
	__u64 drops;	    /* records lost on this CPU, for any reason */
	__u64 drops_fault;  /* parameters left empty: user memory unreadable */
	__u32 ring_size;    /* bytes of records after this page */
	__u32 wakeup_bytes; /* SK_KMOD_IOC_SET_WAKEUP */
	__u64 drops_big;    /* of drops, the records too large (1.1) */
	__u64 reserved[25];
};

/* SK_KMOD_IOC_INFO: what the module is and how it was configured. */
struct sk_kmod_info {
	__u32 api_version; /* SK_KMOD_API_VERSION of the module */
	__u32 cpu;	   /* the CPU of this device */
	__u32 ring_size;   /* bytes, a power of two (module parameter ring_kb) */
	__u32 ncpus;	   /* number of devices (possible CPUs) */
	char kernel[65];   /* the release it was built for (UTS_RELEASE) */
	char version[31];  /* the module's own version (Shrike's) */
};

/* SK_KMOD_IOC_SET_SYSCALLS: which syscalls produce records, by syscall
 * number (x86-64 numbering; ia32 syscalls are mapped to it by the
 * module). A set bit records the syscall; the process events of the
 * scheduler tracepoints are always recorded. Takes effect at once, for
 * every CPU, whichever device receives it. */
#define SK_KMOD_MAX_SYSCALLS 512
struct sk_kmod_syscalls {
	__u64 bits[SK_KMOD_MAX_SYSCALLS / 64];
};

/* SK_KMOD_IOC_SET_FLAGS */
#define SK_KMOD_F_DROP_FAILED_EXIT (1u << 0) /* no record for a failed syscall */
#define SK_KMOD_F_CAPTURE_ENV	   (1u << 1) /* execve records carry the environment */
#define SK_KMOD_F_ALL		   (SK_KMOD_F_DROP_FAILED_EXIT | SK_KMOD_F_CAPTURE_ENV)

/* SK_KMOD_IOC_SET_TABLE: where each parameter of each syscall's record
 * comes from. `rows` points to `nrows` (SK_KMOD_MAX_SYSCALLS) entries of
 * `row_size` bytes, each a struct sk_ebpf_sc of sources/ebpf/probe.h
 * indexed by x86-64 syscall number (its `enabled` field is not read: the
 * set of SK_KMOD_IOC_SET_SYSCALLS decides); `compat` points to `ncompat`
 * (SK_KMOD_COMPAT_MAX) __u32 entries indexed by ia32 syscall number, or
 * SK_KMOD_MAX_SYSCALLS + a socketcall sub-call, each the x86-64 number + 1
 * of the row that records it (0: none) with probe.h's SK_CNR_SOCKETCALL
 * flag on socketcall's own entry (the other SK_CNR_* bits are not read).
 * The module checks every row against <shrike/syscall_events.h> (EINVAL
 * when one does not match) and refuses SK_KMOD_IOC_ENABLE (ENODATA) until
 * it has a table. Global, like the other settings. */
#define SK_KMOD_COMPAT_MAX (SK_KMOD_MAX_SYSCALLS + 32)
struct sk_kmod_table {
	__u64 rows;	/* user pointer to the rows */
	__u64 compat;	/* user pointer to the ia32 map */
	__u32 nrows;	/* SK_KMOD_MAX_SYSCALLS */
	__u32 row_size; /* sizeof(struct sk_ebpf_sc) */
	__u32 ncompat;	/* SK_KMOD_COMPAT_MAX */
	__u32 reserved; /* 0 */
};

#define SK_KMOD_IOC_MAGIC	 'S'
#define SK_KMOD_IOC_INFO	 _IOR(SK_KMOD_IOC_MAGIC, 1, struct sk_kmod_info)
#define SK_KMOD_IOC_SET_SYSCALLS _IOW(SK_KMOD_IOC_MAGIC, 2, struct sk_kmod_syscalls)
#define SK_KMOD_IOC_EXCLUDE_TGID _IOW(SK_KMOD_IOC_MAGIC, 3, __u32) /* 0: none */
#define SK_KMOD_IOC_SET_FLAGS	 _IOW(SK_KMOD_IOC_MAGIC, 4, __u32)
#define SK_KMOD_IOC_SET_WAKEUP	 _IOW(SK_KMOD_IOC_MAGIC, 5, __u32)
#define SK_KMOD_IOC_ENABLE	 _IO(SK_KMOD_IOC_MAGIC, 6) /* start recording */
#define SK_KMOD_IOC_DISABLE	 _IO(SK_KMOD_IOC_MAGIC, 7) /* stop recording */
#define SK_KMOD_IOC_SET_TABLE	 _IOW(SK_KMOD_IOC_MAGIC, 8, struct sk_kmod_table)

#endif /* SK_SHRIKE_KMOD_H */
