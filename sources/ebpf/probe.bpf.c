/* sources/ebpf/probe.bpf.c - Shrike's CO-RE syscall probe.
 *
 * Raw BTF tracepoints: sys_enter (for the exec family, connect and bind
 * only: copies the path or sockaddr the call uses, which exec replaces or
 * another thread may change during the call), sys_exit (one record per
 * syscall, arguments + return value, other paths and the addresses of
 * datagram calls read from the caller's memory there), sched_process_fork (the
 * child's clone record), sched_process_exec (the record of a successful
 * execve/execveat, describing the new image) and sched_process_exit
 * (procexit). Records are exactly <shrike/event.h> records laid out as
 * <shrike/syscall_events.h> says; they are built in a per-CPU scratch buffer
 * and copied into the ring buffer of the CPU's group with BPF_RB_NO_WAKEUP,
 * forcing a wake-up only when the ring is filling up (the reader otherwise
 * polls on a back-off timer). A record that finds no room is counted in the
 * per-CPU `counters` map, never lost silently.
 *
 * Verification cost. Every program must stay far below the verifier's
 * limit on every kernel from 5.10 on (the project's budget: 100,000
 * verified instructions). The costly parts are global functions (sk_g_*),
 * which the verifier checks once each, whatever the number of callers: one
 * parameter of a table-driven record (sk_g_param), a path (sk_g_path), a
 * cgroup line (sk_g_cgline), the process parameters of exec and clone
 * records (sk_g_exec_common, sk_g_clone). Loops are bounded loops with
 * small bodies, never bpf_loop (5.17; its callbacks are re-verified until
 * their states converge, so a switch inside one multiplies). sys_exit's
 * exec and clone records are built by their own programs, reached through
 * the `exit_tails` program array, so the dispatcher that runs for every
 * syscall stays small.
 *
 * Kernels. Helpers newer than 5.10 are used behind HAS_HELPER() checks that
 * libbpf turns into constants at load time, each with a fallback: the
 * current task as a BTF pointer (5.11) or read through BPF_CORE_READ; task
 * storage (5.11) or an LRU hash keyed by thread id (the plugin changes the
 * map's type before load); bpf_task_pt_regs (5.15) or the registers at the
 * top of the kernel stack. bpf_rdonly_cast (6.2) is a kfunc, which older
 * kernels refuse even in dead code: sk_sys_exit uses it, sk_sys_exit_old
 * does not, and the plugin loads one of the two.
 *
 * Which syscalls are recorded, and where each parameter comes from, is data:
 * the `syscalls` array map, written by the plugin before and during the run
 * (see probe.h). 32-bit (ia32) calls on x86-64 are mapped to the row of the
 * same event through the `compat_nr` map (call_decode). The daemon's own
 * process (self_tgid) is never recorded.
 *
 * Timestamps: bpf_ktime_get_boot_ns() (monotonic, counts suspend) plus
 * boot_to_epoch, the offset to CLOCK_REALTIME that the plugin computes at
 * start and refreshes every second, so records carry ns since the Unix epoch
 * and follow clock steps within a second.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include <shrike/syscall_events.h>

#include "probe.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* ---- configuration (rodata: set before load; bss: live) ------------------ */

const volatile __u32 self_tgid = 0;
const volatile __u8 capture_env = 0;
const volatile __u8 drop_failed = 0;   /* drop_failed_exit: no records of failed calls */
const volatile __u64 wakeup_bytes = 0; /* force a wake-up past this much unread data */
__u64 boot_to_epoch = 0;

/* ---- maps ----------------------------------------------------------------- */

struct ringbuf_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
};

/* CPU -> ring buffer of its group; sized and filled by the plugin. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct ringbuf_map);
} ringbufs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SK_EBPF_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct sk_ebpf_sc);
} syscalls SEC(".maps");

/* ia32 syscall number (or socketcall sub-call) -> x86-64 row, probe.h */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SK_EBPF_COMPAT_MAX);
	__type(key, __u32);
	__type(value, __u32);
} compat_nr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sk_ebpf_counters);
} counters SEC(".maps");

/* Per-CPU working memory comes in one slot per program that builds
 * records: the kernel keeps a program from running nested with itself on
 * one CPU, but a program can be preempted (kernels with full or lazy
 * preemption) and another of the probe's programs run on that CPU in the
 * meantime; with a slot each, neither overwrites the other's record. The
 * tail-called exec and clone programs and the global functions use their
 * caller's slot. */
#define SK_SLOT_EXIT  0u /* sys_exit, its tail calls */
#define SK_SLOT_FORK  1u /* sched_process_fork */
#define SK_SLOT_EXEC  2u /* sched_process_exec */
#define SK_SLOT_PEXIT 3u /* sched_process_exit */
#define SK_SLOTS      4u

struct sk_scratch {
	__u8 buf[SK_EBPF_SCRATCH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SK_SLOTS);
	__type(key, __u32);
	__type(value, struct sk_scratch);
} scratch_map SEC(".maps");

/* Work area for paths built backwards and for sockaddr copies. */
#define TMP_SIZE 8192u
#define TMP_HALF 4096u
struct sk_tmp {
	__u8 buf[TMP_SIZE];
	__u64 ptrs[32];
	/* the state a loop carries from one step to the next (a path walk, a
	 * cgroup walk): kept here, not in registers, so that the verifier
	 * checks one step and prunes the next instead of following every
	 * combination of lengths to the loop's bound */
	__u64 w_d, w_mnt, w_root;
	__u32 w_pos, w_depth, w_off, w_pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SK_SLOTS);
	__type(key, __u32);
	__type(value, struct sk_tmp);
} tmp_map SEC(".maps");

/* What sys_enter keeps for sys_exit, per thread (task storage: freed with
 * the task, allocated only for threads that make such calls; before 5.11 the
 * plugin makes this map an LRU hash keyed by thread id, see saved_get). */
struct sk_saved {
	__s64 id; /* syscall number; -1: nothing saved */
	__u64 args[6];
	__u32 str_len;
	__u32 sa_len;
	__u8 str[SK_EBPF_STR_MAX];
	__u8 sa[SK_EBPF_SA_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sk_saved);
} saved_map SEC(".maps");

/* bpf_rdonly_cast (Linux 6.2): turns a kernel address into a typed,
 * read-only pointer the program can load through directly (no helper
 * call). Only sk_sys_exit uses it; on older kernels the plugin loads
 * sk_sys_exit_old instead, which reads the same fields with
 * bpf_probe_read_kernel (see rec_param). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* ---- kernel features -------------------------------------------------------- */

/* Whether the kernel has helper `name`: a CO-RE relocation of enum
 * bpf_func_id, a constant once loaded, so the verifier never walks the
 * branch a kernel cannot run. */
#define HAS_HELPER(name) bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_##name)

/* The current task: a trusted BTF pointer (5.11), which allows direct
 * loads, else an address that only BPF_CORE_READ may follow. Code that
 * loads through it directly checks HAS_HELPER(get_current_task_btf). */
static __always_inline struct task_struct *cur_task(void)
{
	if (HAS_HELPER(get_current_task_btf)) {
		return bpf_get_current_task_btf();
	}
	return (struct task_struct *)bpf_get_current_task();
}

#define TASK_BTF HAS_HELPER(get_current_task_btf)

/* The per-thread state sys_enter saved, for the current task `t` (create:
 * make it when missing). Task storage where the kernel has it, else the
 * same map as an LRU hash keyed by thread id (the plugin's choice before
 * load), created from a per-CPU work area's bytes (every field that is read
 * is written first). */
static __always_inline struct sk_saved *saved_get(struct task_struct *t, bool create)
{
	if (HAS_HELPER(task_storage_get)) {
		return bpf_task_storage_get(&saved_map, t, NULL,
					    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	}
	int tid = (int)bpf_get_current_pid_tgid();
	struct sk_saved *sv = bpf_map_lookup_elem(&saved_map, &tid);
	if (sv != NULL || !create) {
		return sv;
	}
	__u32 zero = 0;
	struct sk_tmp *tmp = bpf_map_lookup_elem(&tmp_map, &zero);
	if (tmp == NULL) {
		return NULL;
	}
	bpf_map_update_elem(&saved_map, &tid, tmp->buf, BPF_ANY);
	return bpf_map_lookup_elem(&saved_map, &tid);
}

/* Where global functions find the record being built: its scalars cross a
 * call through this per-CPU map (struct sk_rec holds pointers, which a
 * global function cannot take), one entry per SK_SLOT_* program. */
struct sk_rstate {
	__u32 off, idx, nparams, pad;
	__s64 fdno;
	__u64 ino;
	/* the cgroup path written last (cgroup_line) */
	__u64 cg_kn;
	__u32 cg_at, cg_len;
	/* the task whose process parameters sk_g_exec_common and sk_g_clone
	 * write (a pointer argument would not be a scalar) */
	__u64 task;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SK_SLOTS);
	__type(key, __u32);
	__type(value, struct sk_rstate);
} rec_state SEC(".maps");

/* sys_exit's exec and clone records: programs of their own. */
#define SK_TAIL_EXEC  0u
#define SK_TAIL_CLONE 1u
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} exit_tails SEC(".maps");

/* ---- record building ------------------------------------------------------- */

#define OFF_MASK (SK_EBPF_REC_MAX - 1u)

struct sk_rec {
	__u8 *buf;
	/* the record's scalars (where the next parameter goes, its number,
	 * the descriptor looked up last): in a per-CPU map value rather than
	 * on the stack, so that they cross global function calls and, being
	 * no part of the verifier's state, let the states of records whose
	 * parameters differ in length prune one another */
	struct sk_rstate *st;
	struct task_struct *task;
	__u32 slot; /* SK_SLOT_*: whose working memory */
};

/* &r->buf[off], with the mask kept where the verifier sees it. */
static __always_inline __u8 *rat(struct sk_rec *r, __u32 off)
{
	barrier_var(off);
	off &= OFF_MASK;
	barrier_var(off);
	return &r->buf[off];
}

/* &t->buf[pos] for pos < TMP_HALF. */
static __always_inline __u8 *tat(__u8 *tbuf, __u32 pos)
{
	barrier_var(pos);
	pos &= TMP_HALF - 1;
	barrier_var(pos);
	return &tbuf[pos];
}

/* Start a record; false: no per-CPU state (never, in practice). */
static __always_inline bool rec_begin(struct sk_rec *r, __u32 slot, __u8 *buf, __u16 type,
				      __u32 nparams, __u64 tid)
{
	struct sk_evt_hdr *h = (struct sk_evt_hdr *)buf;
	h->ts = bpf_ktime_get_boot_ns() + boot_to_epoch;
	h->tid = tid;
	h->type = type;
	h->nparams = (__u8)nparams;
	h->flags = 0;
	h->len = 0;
	r->buf = buf;
	r->slot = slot;
	r->st = bpf_map_lookup_elem(&rec_state, &slot);
	r->task = NULL;
	if (r->st == NULL) {
		return false;
	}
	r->st->fdno = -1;
	r->st->ino = 0;
	r->st->idx = 0;
	r->st->nparams = nparams > SK_EVT_MAX_PARAMS ? SK_EVT_MAX_PARAMS : nparams;
	r->st->off = SK_EVT_HDR_SIZE + 2u * (nparams & 63u);
	return true;
}

static __always_inline void rec_len(struct sk_rec *r, __u32 len)
{
	__u32 i = r->st->idx;
	if (i < r->st->nparams) {
		__u16 l = (__u16)len;
		__builtin_memcpy(rat(r, (SK_EVT_HDR_SIZE + 2u * (i & 31u))), &l, 2);
		r->st->off += len;
		r->st->idx = i + 1;
	}
}

static __always_inline void rec_empty(struct sk_rec *r)
{
	rec_len(r, 0);
}

static __always_inline void rec_u64(struct sk_rec *r, __u64 v)
{
	if (r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return;
	}
	__builtin_memcpy(rat(r, r->st->off), &v, 8);
	rec_len(r, 8);
}

static __always_inline void rec_u32(struct sk_rec *r, __u32 v)
{
	if (r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return;
	}
	__builtin_memcpy(rat(r, r->st->off), &v, 4);
	rec_len(r, 4);
}

static __always_inline void rec_u8(struct sk_rec *r, __u8 v)
{
	if (r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return;
	}
	*rat(r, r->st->off) = v;
	rec_len(r, 1);
}

/* A NUL-terminated string from user memory. */
static __always_inline void rec_user_str(struct sk_rec *r, const void *p)
{
	long n = -1;
	if (p != NULL && r->st->off < SK_EBPF_REC_MAX) {
		n = bpf_probe_read_user_str(rat(r, r->st->off), SK_EBPF_STR_MAX, p);
	}
	rec_len(r, n > 0 ? (__u32)n : 0);
}

/* A NUL-terminated string from kernel memory. */
static __always_inline void rec_kernel_str(struct sk_rec *r, const void *p)
{
	long n = -1;
	if (p != NULL && r->st->off < SK_EBPF_REC_MAX) {
		n = bpf_probe_read_kernel_str(rat(r, r->st->off), SK_EBPF_STR_MAX, p);
	}
	rec_len(r, n > 0 ? (__u32)n : 0);
}

/* `len` bytes (at most SK_EBPF_STR_MAX) of kernel memory. */
static __always_inline void rec_kernel_bytes(struct sk_rec *r, const void *p, __u32 len)
{
	if (len > SK_EBPF_STR_MAX || r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return;
	}
	barrier_var(len);
	len &= 2 * SK_EBPF_STR_MAX - 1; /* a bound the verifier sees on the 64-bit register */
	barrier_var(len);
	if (bpf_probe_read_kernel(rat(r, r->st->off), len, p) != 0) {
		rec_empty(r);
		return;
	}
	rec_len(r, len);
}

static __always_inline void count(__u32 what)
{
	__u32 zero = 0;
	struct sk_ebpf_counters *c = bpf_map_lookup_elem(&counters, &zero);
	if (c == NULL) {
		return;
	}
	if (what == 2) {
		c->drops_big++;
	} else {
		c->skipped++;
	}
}

/* Finish the record and copy it into this CPU's ring buffer. The reader is
 * woken only when the ring is past wakeup_bytes (it polls otherwise). */
static __always_inline void rec_submit(struct sk_rec *r)
{
	__u32 len = r->st->off;
	struct sk_evt_hdr *h = (struct sk_evt_hdr *)r->buf;
	if (r->st->idx != r->st->nparams || len > SK_EBPF_REC_MAX + SK_EBPF_STR_MAX) {
		count(2);
		return;
	}
	h->len = len;
	__u32 cpu = bpf_get_smp_processor_id();
	void *rb = bpf_map_lookup_elem(&ringbufs, &cpu);
	__u32 zero = 0;
	struct sk_ebpf_counters *c = bpf_map_lookup_elem(&counters, &zero);
	if (rb == NULL || c == NULL) {
		count(3);
		return;
	}
	__u64 flags = BPF_RB_NO_WAKEUP;
	/* asking the ring its fill level costs a helper call: every 16th record */
	if (wakeup_bytes != 0 && (c->evts & 15) == 0 &&
	    bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) >= wakeup_bytes) {
		flags = BPF_RB_FORCE_WAKEUP;
	}
	barrier_var(len); /* keep the mask: the verifier needs the bound here */
	len &= SK_EBPF_SCRATCH - 1u;
	if (bpf_ringbuf_output(rb, r->buf, len, flags) != 0) {
		c->drops++;
	} else {
		c->evts++;
	}
}

static __always_inline __u8 *scratch_get(__u32 slot)
{
	struct sk_scratch *s = bpf_map_lookup_elem(&scratch_map, &slot);
	return s != NULL ? s->buf : NULL;
}

/* In a global function: the record its caller is building. */
static __always_inline bool rec_open(struct sk_rec *r, __u32 slot)
{
	r->slot = slot;
	r->buf = scratch_get(slot);
	r->st = bpf_map_lookup_elem(&rec_state, &slot);
	r->task = NULL;
	if (r->buf == NULL || r->st == NULL) {
		return false;
	}
	return true;
}

/* ---- syscall arguments ----------------------------------------------------- */

/* Syscall arguments and number, loaded straight from the BTF-typed
 * registers (no helper call). */
static __always_inline __u64 regs_arg(struct pt_regs *regs, __u32 i)
{
#if defined(__TARGET_ARCH_x86)
	switch (i) {
	case 0:
		return regs->di;
	case 1:
		return regs->si;
	case 2:
		return regs->dx;
	case 3:
		return regs->r10;
	case 4:
		return regs->r8;
	default:
		return regs->r9;
	}
#elif defined(__TARGET_ARCH_arm64)
	if (i == 0) {
		return regs->orig_x0;
	}
	__u64 v = 0;
	bpf_probe_read_kernel(&v, sizeof(v), &((struct user_pt_regs *)regs)->regs[i & 7]);
	return v;
#else
#error "unsupported architecture"
#endif
}

static __always_inline long regs_id(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return (long)regs->orig_ax;
#else
	return (long)regs->syscallno;
#endif
}

/* A 32-bit (ia32) syscall: its numbers are not the table's. */
static __always_inline bool is_compat(struct task_struct *t)
{
#if defined(__TARGET_ARCH_x86)
	if (TASK_BTF) {
		return (t->thread_info.status & 0x0002u) != 0; /* TS_COMPAT */
	}
	return (BPF_CORE_READ(t, thread_info.status) & 0x0002u) != 0;
#else
	return false;
#endif
}

/* ---- kernel objects -------------------------------------------------------- */

static __always_inline struct file *fd_file(struct task_struct *t, long fd)
{
	struct file *f = NULL;
	if (fd < 0) {
		return NULL;
	}
	struct files_struct *files;
	struct fdtable *fdt;
	unsigned int max;
	struct file **arr;
	if (TASK_BTF) {
		/* t is a trusted task (the current one): direct loads */
		files = t->files;
		if (files == NULL) {
			return NULL;
		}
		fdt = files->fdt;
		max = fdt->max_fds;
		arr = fdt->fd;
	} else {
		files = BPF_CORE_READ(t, files);
		if (files == NULL) {
			return NULL;
		}
		fdt = BPF_CORE_READ(files, fdt);
		max = BPF_CORE_READ(fdt, max_fds);
		arr = BPF_CORE_READ(fdt, fd);
	}
	if ((unsigned long)fd >= max) {
		return NULL;
	}
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]);
	return f;
}

/* fd_file without a helper call: the descriptor table's slot is read
 * through bpf_rdonly_cast as a struct list_head, whose first member is a
 * pointer (any kernel struct that starts with one would do), so the load
 * is a direct one. */
static __always_inline struct file *fd_file_fast(struct task_struct *t, long fd)
{
	if (t == NULL || fd < 0) {
		return NULL;
	}
	struct files_struct *files = t->files;
	if (files == NULL) {
		return NULL;
	}
	struct fdtable *fdt = files->fdt;
	if ((unsigned long)fd >= fdt->max_fds) {
		return NULL;
	}
	struct list_head *slot =
	    bpf_rdonly_cast(&fdt->fd[fd], bpf_core_type_id_kernel(struct list_head));
	return (struct file *)slot->next;
}

/* The inode of descriptor `fd` of the record's task, looked up once per
 * record (a dev and an ino parameter of one fd share it). fast: direct
 * loads through bpf_rdonly_cast, no helper call; else two
 * bpf_probe_read_kernel calls, and two or one more for dev or ino (each
 * call costs about 40 ns: the walk was a third of an open's record). */
static __always_inline struct inode *rec_inode(struct sk_rec *r, long fd, bool fast)
{
	if (r->st->fdno == fd && r->st->ino != 0) {
		return (struct inode *)r->st->ino;
	}
	struct file *f = NULL;
	struct inode *ino = NULL;
	if (fast) {
		f = fd_file_fast(r->task, fd);
		if (f != NULL) {
			struct file *tf = bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));
			ino = tf->f_inode;
		}
	} else if ((f = fd_file(r->task, fd)) != NULL) {
		bpf_probe_read_kernel(&ino, sizeof(ino),
				      __builtin_preserve_access_index(&f->f_inode));
	}
	r->st->fdno = fd;
	r->st->ino = (__u64)ino;
	return ino;
}

static __always_inline __u32 encode_dev(__u32 kdev)
{
	__u32 major = kdev >> 20, minor = kdev & 0xfffffu;
	return (minor & 0xffu) | (major << 8) | ((minor & ~0xffu) << 12);
}

/* Number from the pid namespace at `level` (or the deepest level the pid
 * has, when lower). */
static __always_inline __s64 pid_nr_at(struct pid *pid, __u32 level)
{
	struct upid up = {};
	if (pid == NULL) {
		return 0;
	}
	__u32 plevel = BPF_CORE_READ(pid, level);
	if (level > plevel) {
		level = plevel;
	}
	void *base = (void *)pid + bpf_core_field_offset(struct pid, numbers);
	bpf_probe_read_kernel(&up, sizeof(up), base + (level & 31u) * sizeof(struct upid));
	return up.nr;
}

static __always_inline __u32 task_ns_level(struct task_struct *t)
{
	return BPF_CORE_READ(t, thread_pid, level);
}

static __always_inline __u64 cap_read(const kernel_cap_t *c)
{
	__u64 v = 0;
	bpf_probe_read_kernel(&v, sizeof(v), c);
	return v;
}

static __always_inline __u64 task_cap(struct task_struct *t, __u32 which)
{
	const struct cred *cr = BPF_CORE_READ(t, cred);
	if (which == 0) {
		return cap_read(__builtin_preserve_access_index(&cr->cap_inheritable));
	}
	if (which == 1) {
		return cap_read(__builtin_preserve_access_index(&cr->cap_permitted));
	}
	return cap_read(__builtin_preserve_access_index(&cr->cap_effective));
}

/* ---- paths ------------------------------------------------------------------- */

/* One step up the path walk in t->w_* (a dentry, or a mount crossing):
 * returns 1 to stop. */
static __always_inline int path_step(struct sk_tmp *t)
{
	struct dentry *d = (struct dentry *)t->w_d;
	if (d == NULL) {
		return 1;
	}
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	if ((__u64)d == t->w_root) {
		struct mount *mnt = (struct mount *)t->w_mnt;
		struct mount *mp = BPF_CORE_READ(mnt, mnt_parent);
		if (mp == mnt || mp == NULL) {
			return 1;
		}
		t->w_d = (__u64)BPF_CORE_READ(mnt, mnt_mountpoint);
		t->w_mnt = (__u64)mp;
		struct vfsmount *vm = __builtin_preserve_access_index(&mp->mnt);
		t->w_root = (__u64)BPF_CORE_READ(vm, mnt_root);
		return 0;
	}
	/* d == parent here: the root of a tree with no mount over it (a memfd,
	 * an anonymous inode): its name is all the path there is */
	bool last = d == parent;
	__u32 len = BPF_CORE_READ(d, d_name.len) & 255u;
	const unsigned char *name = BPF_CORE_READ(d, d_name.name);
	__u32 pos = t->w_pos;
	if (pos < len + 1 || pos > TMP_HALF) {
		return 1;
	}
	pos -= len;
	bpf_probe_read_kernel(tat(t->buf, pos), len, name);
	pos -= 1;
	*tat(t->buf, pos) = '/';
	t->w_pos = pos;
	t->w_d = (__u64)parent;
	return last ? 1 : 0;
}

/* Append the path of `p` (a kernel struct path *) as a string: the dentry
 * names up to the root of the mount namespace, crossing mounts, at most
 * SK_EBPF_PATH_DEPTH steps. A global function: verified once. */
__noinline int sk_g_path(__u64 p, __u32 slot)
{
	struct sk_rec rr, *r = &rr;
	if (!rec_open(r, slot)) {
		return 0;
	}
	struct sk_tmp *t = bpf_map_lookup_elem(&tmp_map, &slot);
	const struct path *pp = (const struct path *)p;
	if (t == NULL || pp == NULL) {
		rec_empty(r);
		return 0;
	}
	struct vfsmount *vm = BPF_CORE_READ(pp, mnt);
	t->w_d = (__u64)BPF_CORE_READ(pp, dentry);
	t->w_mnt = (__u64)container_of(vm, struct mount, mnt);
	t->w_root = (__u64)BPF_CORE_READ(vm, mnt_root);
	t->w_pos = TMP_HALF;
	t->buf[TMP_HALF] = 0;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < SK_EBPF_PATH_DEPTH; i++) {
		if (path_step(t)) {
			break;
		}
	}
	__u32 pos = t->w_pos;
	if (pos >= TMP_HALF) {
		pos = TMP_HALF - 1;
		t->buf[TMP_HALF - 1] = '/';
	}
	__u32 n = TMP_HALF + 1 - pos; /* with the NUL */
	if (n > TMP_HALF) {
		n = TMP_HALF;
	}
	rec_kernel_bytes(r, tat(t->buf, pos), n);
	return 0;
}

static __always_inline void rec_path(struct sk_rec *r, const struct path *p)
{
	sk_g_path((__u64)p, r->slot);
}

struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(((struct kernfs_node___old *)0)->parent)) {
		return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
	}
	return BPF_CORE_READ(kn, __parent);
}

#define CG_COPY_MAX 4096u
#define CG_DEPTH    32u

/* Write "name=/path/of/cgroup\0" at `at` of the record without closing the
 * parameter; returns the bytes written. ssname: the controller's name (a
 * kernel string, 0: none); kn: its cgroup's kernfs node. The path written
 * last is kept (rec_state cg_*) and copied when the next controller's
 * cgroup is the same node: with cgroup v2 every controller of a task names
 * one cgroup (or an ancestor), so one walk serves them all. A global
 * function: verified once. */
__noinline int sk_g_cgline(__u32 at, __u64 ssname, __u64 knp, __u32 slot)
{
	struct sk_rec rr, *r = &rr;
	if (!rec_open(r, slot)) {
		return 0;
	}
	struct sk_rstate *st = r->st;
	struct sk_tmp *t = bpf_map_lookup_elem(&tmp_map, &slot);
	if (t == NULL || st == NULL || at >= SK_EBPF_REC_MAX) {
		return 0;
	}
	__u32 off = at;
	long n = 0;
	if (ssname != 0) {
		n = bpf_probe_read_kernel_str(rat(r, off), 64, (const void *)ssname);
	}
	off += n > 1 ? (__u32)n - 1 : 0;
	if (off >= SK_EBPF_REC_MAX) {
		return 0;
	}
	*rat(r, off) = '=';
	off++;
	__u32 path_at = off;
	__u32 plen = st->cg_len;
	if (st->cg_kn == knp && plen > 0 && plen < CG_COPY_MAX) {
		if (off + plen >= SK_EBPF_REC_MAX) {
			return 0;
		}
		__u8 *dst = rat(r, off), *src = rat(r, st->cg_at);
		barrier_var(plen);
		plen &= CG_COPY_MAX - 1;
		barrier_var(plen);
		if (bpf_probe_read_kernel(dst, plen, src) != 0) {
			return 0;
		}
		off += plen;
	} else {
		/* the names from kn up to (not including) the hierarchy's root */
		t->w_d = knp;
		t->w_depth = 0;
#pragma clang loop unroll(disable)
		for (__u32 i = 0; i < CG_DEPTH; i++) {
			struct kernfs_node *k = (struct kernfs_node *)t->w_d;
			struct kernfs_node *parent = k != NULL ? kn_parent(k) : NULL;
			if (parent == NULL) {
				break;
			}
			__u32 dep = t->w_depth;
			t->ptrs[dep & (CG_DEPTH - 1)] = (__u64)BPF_CORE_READ(k, name);
			t->w_depth = dep + 1;
			t->w_d = (__u64)parent;
		}
		if (t->w_depth == 0) {
			*rat(r, off) = '/';
			off++;
		}
		/* written from the root down */
		t->w_off = off;
#pragma clang loop unroll(disable)
		for (__u32 i = 0; i < CG_DEPTH; i++) {
			__u32 depth = t->w_depth, o = t->w_off;
			if (i >= depth || o >= SK_EBPF_REC_MAX) {
				break;
			}
			__u32 idx = depth - 1 - i;
			*rat(r, o) = '/';
			o++;
			long k = bpf_probe_read_kernel_str(
			    rat(r, o), 256, (const void *)t->ptrs[idx & (CG_DEPTH - 1)]);
			o += k > 1 ? (__u32)k - 1 : 0;
			t->w_off = o;
		}
		off = t->w_off;
		if (off >= SK_EBPF_REC_MAX) {
			return 0;
		}
		st->cg_kn = knp;
		st->cg_at = path_at;
		st->cg_len = off - path_at;
	}
	*rat(r, off) = 0;
	off++;
	return (int)(off - at);
}

/* The cgroups parameter: one "controller=path" per attached controller. */
static __always_inline void rec_cgroups(struct sk_rec *r, struct task_struct *task)
{
	struct css_set *cs = BPF_CORE_READ(task, cgroups);
	__u32 n = bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT);
	__u32 total = 0;
	if (r->st == NULL) {
		rec_empty(r);
		return;
	}
	r->st->cg_kn = 0;
	r->st->cg_len = 0;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < 16; i++) {
		if (i >= n) {
			break;
		}
		struct cgroup_subsys_state *css = NULL;
		bpf_probe_read_kernel(&css, sizeof(css),
				      __builtin_preserve_access_index(&cs->subsys[i & 15]));
		if (css == NULL) {
			continue;
		}
		const char *name = BPF_CORE_READ(css, ss, name);
		struct kernfs_node *kn = BPF_CORE_READ(css, cgroup, kn);
		int w = sk_g_cgline(r->st->off + total, (__u64)name, (__u64)kn, r->slot);
		if (w > 0 && w < (int)SK_EBPF_REC_MAX) {
			total += (__u32)w;
		}
	}
	if (total == 0) {
		struct kernfs_node *kn = BPF_CORE_READ(cs, dfl_cgrp, kn);
		int w = sk_g_cgline(r->st->off, 0, (__u64)kn, r->slot);
		if (w > 0 && w < (int)SK_EBPF_REC_MAX) {
			total = (__u32)w;
		}
	}
	rec_len(r, total);
}

/* ---- sockets ------------------------------------------------------------------ */

#define SK_S_IFMT   00170000u
#define SK_S_IFSOCK 0140000u

static __always_inline struct sock *file_sock(struct file *f)
{
	if (f == NULL) {
		return NULL;
	}
	__u16 mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & SK_S_IFMT) != SK_S_IFSOCK) {
		return NULL;
	}
	struct socket *so = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(so, sk);
}

static __always_inline __u16 swab16(__u16 v)
{
	return (__u16)((v >> 8) | (v << 8));
}

/* Copy the path of a unix socket address (abstract names start with '@'). */
/* Copy the path of a unix socket address, NUL-terminated (an abstract
 * name, which starts with a NUL and is not terminated, as "@name"). */
static __always_inline __u32 unix_path(__u8 *dst, struct unix_address *ua)
{
	if (ua == NULL) {
		dst[0] = 0;
		return 1;
	}
	int alen = BPF_CORE_READ(ua, len); /* with the 2-byte family */
	char *path = (char *)__builtin_preserve_access_index(&ua->name[0].sun_path);
	char first = 0;
	bpf_probe_read_kernel(&first, 1, path);
	if (first == 0 && alen > 3) {
		__u32 n = (__u32)(alen - 3);
		if (n > 106) {
			n = 106;
		}
		barrier_var(n);
		n &= 127;
		dst[0] = '@';
		if (bpf_probe_read_kernel(dst + 1, n, path + 1) != 0) {
			n = 0;
		}
		dst[(1 + n) & 127] = 0;
		return n + 2;
	}
	long k = bpf_probe_read_kernel_str(dst, 108, path);
	if (k <= 0) {
		dst[0] = 0;
		k = 1;
	}
	return (__u32)k;
}

/* The path of a unix sockaddr of `salen` bytes (sun_path is salen - 2
 * bytes: not NUL-terminated when full; an abstract name starts with a NUL
 * and becomes "@name"), NUL-terminated at dst; returns the bytes written,
 * NUL included. dst has room for 110 bytes. */
static __always_inline __u32 sa_unix_path(__u8 *dst, const __u8 *sa, __u32 salen)
{
	__u32 n = salen > 2 ? salen - 2 : 0;
	if (n > 108) {
		n = 108;
	}
	if (n > 0 && sa[2] == 0) {
		n -= 1;
		barrier_var(n);
		n &= 127;
		dst[0] = '@';
		bpf_probe_read_kernel(dst + 1, n, sa + 3);
		dst[(1 + n) & 255] = 0;
		return 2 + n;
	}
	barrier_var(n);
	n &= 127;
	bpf_probe_read_kernel(dst, n, sa + 2);
	dst[n & 255] = 0;
	/* stop at the first NUL, as a C string */
	long k = bpf_probe_read_kernel_str(dst, 109, dst);
	return k > 0 ? (__u32)k : 1;
}

/* The socket tuple of `sk`; peer_first: the peer is the source. `sa`
 * (salen bytes, or NULL): an address the call names, used for the remote
 * end when the socket has none: the one connect() was given (a refused
 * connect resets the socket's), the destination of a datagram sent on an
 * unconnected socket, the sender the kernel wrote back to a receive. A
 * unix socket without a peer takes the path of `sa` for the calls whose
 * source is the socket itself (connect, sendto, sendmsg; the peer's id
 * stays 0); a receive keeps the socket's own path, as Falco does: the
 * path of a unix tuple names the server end. */
static __noinline int rec_tuple(struct sk_rec *r, struct sock *sk, __u32 peer_first, const __u8 *sa,
				__u32 salen)
{
	if (sk == NULL || r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return (int)r->st->idx;
	}
	__u8 *b = rat(r, r->st->off);
	__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	__u16 rport = swab16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (fam == 2 /* AF_INET */) {
		__u32 laddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 raddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		if (rport == 0 && sa != NULL && salen >= 8 && sa[0] == 2 && sa[1] == 0) {
			__builtin_memcpy(&rport, sa + 2, 2);
			rport = swab16(rport);
			__builtin_memcpy(&raddr, sa + 4, 4);
		}
		b[0] = 2;
		if (peer_first) {
			__builtin_memcpy(b + 1, &raddr, 4);
			__builtin_memcpy(b + 5, &rport, 2);
			__builtin_memcpy(b + 7, &laddr, 4);
			__builtin_memcpy(b + 11, &lport, 2);
		} else {
			__builtin_memcpy(b + 1, &laddr, 4);
			__builtin_memcpy(b + 5, &lport, 2);
			__builtin_memcpy(b + 7, &raddr, 4);
			__builtin_memcpy(b + 11, &rport, 2);
		}
		rec_len(r, 13);
	} else if (fam == 10 /* AF_INET6 */) {
		struct in6_addr la = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
		struct in6_addr ra = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
		if (rport == 0 && sa != NULL && salen >= 24 && sa[0] == 10 && sa[1] == 0) {
			__builtin_memcpy(&rport, sa + 2, 2);
			rport = swab16(rport);
			__builtin_memcpy(&ra, sa + 8, 16);
		}
		b[0] = 10;
		if (peer_first) {
			__builtin_memcpy(b + 1, &ra, 16);
			__builtin_memcpy(b + 17, &rport, 2);
			__builtin_memcpy(b + 19, &la, 16);
			__builtin_memcpy(b + 35, &lport, 2);
		} else {
			__builtin_memcpy(b + 1, &la, 16);
			__builtin_memcpy(b + 17, &lport, 2);
			__builtin_memcpy(b + 19, &ra, 16);
			__builtin_memcpy(b + 35, &rport, 2);
		}
		rec_len(r, 37);
	} else if (fam == 1 /* AF_UNIX */) {
		struct unix_sock *us = (struct unix_sock *)sk;
		struct sock *peer = BPF_CORE_READ(us, peer);
		__u64 src = (__u64)sk, dst = (__u64)peer;
		b[0] = 1;
		if (peer_first) {
			__builtin_memcpy(b + 1, &dst, 8);
			__builtin_memcpy(b + 9, &src, 8);
		} else {
			__builtin_memcpy(b + 1, &src, 8);
			__builtin_memcpy(b + 9, &dst, 8);
		}
		if (!peer_first && peer == NULL && sa != NULL && salen >= 2 && sa[0] == 1 &&
		    sa[1] == 0) {
			rec_len(r, 17 + sa_unix_path(b + 17, sa, salen));
			return (int)r->st->idx;
		}
		struct unix_address *ua = NULL;
		if (peer != NULL) {
			ua = BPF_CORE_READ((struct unix_sock *)peer, addr);
		}
		if (ua == NULL) {
			ua = BPF_CORE_READ(us, addr);
		}
		rec_len(r, 17 + unix_path(b + 17, ua));
	} else {
		b[0] = (__u8)fam;
		rec_len(r, 1);
	}
	return (int)r->st->idx;
}

/* A sockaddr copied (at most SK_EBPF_SA_MAX bytes) into `sa`, encoded. */
static __noinline int rec_sockaddr(struct sk_rec *r, const __u8 *sa, __u32 salen)
{
	if (salen < 2 || r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return (int)r->st->idx;
	}
	__u8 *b = rat(r, r->st->off);
	__u16 fam = 0;
	__builtin_memcpy(&fam, sa, 2);
	__u16 port = 0;
	if (fam == 2 && salen >= 8) {
		b[0] = 2;
		__builtin_memcpy(b + 1, sa + 4, 4);
		__builtin_memcpy(&port, sa + 2, 2);
		port = swab16(port);
		__builtin_memcpy(b + 5, &port, 2);
		rec_len(r, 7);
	} else if (fam == 10 && salen >= 24) {
		b[0] = 10;
		__builtin_memcpy(b + 1, sa + 8, 16);
		__builtin_memcpy(&port, sa + 2, 2);
		port = swab16(port);
		__builtin_memcpy(b + 17, &port, 2);
		rec_len(r, 19);
	} else if (fam == 1) {
		b[0] = 1;
		rec_len(r, 1 + sa_unix_path(b + 1, sa, salen));
	} else {
		b[0] = (__u8)fam;
		rec_len(r, 1);
	}
	return (int)r->st->idx;
}

/* ---- process information --------------------------------------------------- */

static __always_inline void rec_args(struct sk_rec *r, struct task_struct *t, bool env)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	unsigned long start = 0, end = 0;
	if (mm != NULL) {
		if (env) {
			start = BPF_CORE_READ(mm, env_start);
			end = BPF_CORE_READ(mm, env_end);
		} else {
			start = BPF_CORE_READ(mm, arg_start);
			end = BPF_CORE_READ(mm, arg_end);
		}
	}
	if (env && !capture_env) {
		rec_empty(r);
		return;
	}
	if (start == 0 || end <= start) {
		/* exe: empty string; args: none */
		if (!env) {
			rec_empty(r);
		}
		rec_empty(r);
		return;
	}
	__u32 skip = 0;
	if (!env) {
		/* exe = argv[0] */
		long n = -1;
		if (r->st->off < SK_EBPF_REC_MAX) {
			n = bpf_probe_read_user_str(rat(r, r->st->off), SK_EBPF_STR_MAX,
						    (const void *)start);
		}
		skip = n > 0 ? (__u32)n : 0;
		rec_len(r, skip);
	}
	__u32 len = end - start - skip;
	if (end - start <= skip) {
		rec_empty(r);
		return;
	}
	if (len > SK_EBPF_ARGS_MAX) {
		len = SK_EBPF_ARGS_MAX;
	}
	barrier_var(len);
	len &= 2 * SK_EBPF_ARGS_MAX - 1;
	if (len == 0 || r->st->off >= SK_EBPF_REC_MAX ||
	    bpf_probe_read_user(rat(r, r->st->off), len, (const void *)(start + skip)) != 0) {
		rec_empty(r);
		return;
	}
	/* make sure a cut list still ends with a NUL */
	*rat(r, (r->st->off + len - 1)) = 0;
	rec_len(r, len);
}

struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));
struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

/* The resident (file + anon + shmem) and swapped-out pages of mm, as the
 * kernel's get_mm_counter() reads them. */
static __always_inline void mm_pages(struct mm_struct *mm, __s64 *ret_rss, __s64 *ret_swap)
{
	__s64 file = 0, anon = 0, swap = 0, shmem = 0;
	if (bpf_core_type_exists(struct mm_rss_stat___old)) {
		/* before 6.2: struct mm_rss_stat { atomic_long_t count[4]; } */
		struct mm_struct___old *om = (void *)mm;
		struct mm_rss_stat___old st = BPF_CORE_READ(om, rss_stat);
		file = st.count[0].counter;
		anon = st.count[1].counter;
		swap = st.count[2].counter;
		shmem = st.count[3].counter;
	} else {
		/* 6.2 and later: struct percpu_counter rss_stat[4] */
		struct percpu_counter *pc = __builtin_preserve_access_index(&mm->rss_stat[0]);
		bpf_probe_read_kernel(&file, 8, __builtin_preserve_access_index(&pc[0].count));
		bpf_probe_read_kernel(&anon, 8, __builtin_preserve_access_index(&pc[1].count));
		bpf_probe_read_kernel(&swap, 8, __builtin_preserve_access_index(&pc[2].count));
		bpf_probe_read_kernel(&shmem, 8, __builtin_preserve_access_index(&pc[3].count));
	}
	*ret_rss = file + anon + shmem;
	*ret_swap = swap;
}

/* pages -> KiB (4 KiB pages); a counter that ran negative (per-CPU deltas
 * not yet folded in) is 0 */
static __always_inline __u32 pages_kib(__s64 pages)
{
	return pages > 0 ? (__u32)(pages * 4) : 0;
}

static __always_inline void rec_vm(struct sk_rec *r, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (mm == NULL) {
		rec_empty(r);
		rec_empty(r);
		rec_empty(r);
		return;
	}
	rec_u32(r, pages_kib((__s64)BPF_CORE_READ(mm, total_vm)));
	__s64 rss, swap;
	mm_pages(mm, &rss, &swap);
	rec_u32(r, pages_kib(rss));
	rec_u32(r, pages_kib(swap));
}

static __always_inline __u32 task_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	if (tty == NULL) {
		return 0;
	}
	int index = BPF_CORE_READ(tty, index);
	int major = BPF_CORE_READ(tty, driver, major);
	int minor = BPF_CORE_READ(tty, driver, minor_start);
	return encode_dev(((__u32)major << 20) | (__u32)(minor + index));
}

static __always_inline __u32 task_loginuid(struct task_struct *t)
{
	if (bpf_core_field_exists(t->loginuid)) {
		return BPF_CORE_READ(t, loginuid.val);
	}
	return 0xffffffffu;
}

static __always_inline __s64 task_sig_pid(struct task_struct *t, __u32 type, __u32 level)
{
	struct pid *p = NULL;
	struct signal_struct *sig = BPF_CORE_READ(t, signal);
	bpf_probe_read_kernel(&p, sizeof(p), __builtin_preserve_access_index(&sig->pids[type & 3]));
	return pid_nr_at(p, level);
}

static __always_inline __s64 ts_of(__s64 sec, long nsec)
{
	return sec * 1000000000LL + nsec;
}

struct timespec64___old {
	__s64 tv_sec;
	long tv_nsec;
};
struct inode___old {
	struct timespec64___old i_ctime;
	struct timespec64___old i_mtime;
} __attribute__((preserve_access_index));
struct inode___mid {
	struct timespec64___old __i_ctime;
	struct timespec64___old i_mtime;
} __attribute__((preserve_access_index));

static __always_inline __s64 inode_ctime(struct inode *ino)
{
	if (bpf_core_field_exists(ino->i_ctime_sec)) {
		/* the top bits of i_ctime_nsec are multigrain flags (I_CTIME_QUERIED) */
		return ts_of(BPF_CORE_READ(ino, i_ctime_sec),
			     BPF_CORE_READ(ino, i_ctime_nsec) & 0x3fffffffu);
	}
	if (bpf_core_field_exists(((struct inode___mid *)ino)->__i_ctime)) {
		struct timespec64___old t = BPF_CORE_READ((struct inode___mid *)ino, __i_ctime);
		return ts_of(t.tv_sec, t.tv_nsec);
	}
	struct timespec64___old t = BPF_CORE_READ((struct inode___old *)ino, i_ctime);
	return ts_of(t.tv_sec, t.tv_nsec);
}

static __always_inline __s64 inode_mtime(struct inode *ino)
{
	if (bpf_core_field_exists(ino->i_mtime_sec)) {
		return ts_of(BPF_CORE_READ(ino, i_mtime_sec), BPF_CORE_READ(ino, i_mtime_nsec));
	}
	struct timespec64___old t = BPF_CORE_READ((struct inode___old *)ino, i_mtime);
	return ts_of(t.tv_sec, t.tv_nsec);
}

#define SK_OVERLAYFS_MAGIC 0x794c7630u

/* Which overlayfs layer the file is in (SK_LAYER_*), as Falco's probe
 * decides it: the file's dentry is on an overlayfs, and its struct
 * ovl_inode, which wraps the vfs inode, has an upper dentry with an inode
 * (upper), or not (lower). Where the kernel's BTF (or overlay's module
 * BTF) describes struct ovl_inode, the upper dentry's offset comes from
 * it; otherwise it is taken to follow the vfs inode, as it has since
 * overlayfs kept its own inodes (4.x). */
static __always_inline __u8 file_layer(struct file *f)
{
	if (f == NULL) {
		return SK_LAYER_NONE;
	}
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
	if (BPF_CORE_READ(d, d_sb, s_magic) != SK_OVERLAYFS_MAGIC) {
		return SK_LAYER_NONE;
	}
	__u8 *vfs = (__u8 *)BPF_CORE_READ(d, d_inode);
	__u64 off = bpf_core_type_size(struct inode);
	if (bpf_core_field_exists(((struct ovl_inode *)0)->__upperdentry) &&
	    bpf_core_field_exists(((struct ovl_inode *)0)->vfs_inode)) {
		off = bpf_core_field_offset(struct ovl_inode, __upperdentry) -
		      bpf_core_field_offset(struct ovl_inode, vfs_inode);
	}
	struct dentry *upper = NULL;
	if (vfs == NULL || off == 0 ||
	    bpf_probe_read_kernel(&upper, sizeof(upper), vfs + (off & 0xffff)) != 0 ||
	    upper == NULL) {
		return SK_LAYER_LOWER;
	}
	return BPF_CORE_READ(upper, d_inode, i_ino) != 0 ? SK_LAYER_UPPER : SK_LAYER_LOWER;
}

/* SK_EXE_* facts about the executable file. */
static __always_inline __u32 exe_flags(struct task_struct *t, struct file *exe)
{
	__u32 fl = 0;
	if (exe == NULL) {
		return 0;
	}
	struct inode *ino = BPF_CORE_READ(exe, f_inode);
	__u8 layer = file_layer(exe);
	if (layer == SK_LAYER_UPPER) {
		fl |= SK_EXE_UPPER_LAYER;
	} else if (layer == SK_LAYER_LOWER) {
		fl |= SK_EXE_LOWER_LAYER;
	}
	char pfx[8] = {};
	const unsigned char *name = BPF_CORE_READ(exe, f_path.dentry, d_name.name);
	bpf_probe_read_kernel(pfx, 6, name);
	if (pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' && pfx[3] == 'f' && pfx[4] == 'd' &&
	    pfx[5] == ':') {
		fl |= SK_EXE_FROM_MEMFD;
	}
	__u16 mode = BPF_CORE_READ(ino, i_mode);
	__u32 iuid = BPF_CORE_READ(ino, i_uid.val), igid = BPF_CORE_READ(ino, i_gid.val);
	__u32 euid = BPF_CORE_READ(t, cred, euid.val), egid = BPF_CORE_READ(t, cred, egid.val);
	if (euid == 0 || (mode & 0002) || (iuid == euid && (mode & 0200)) ||
	    (igid == egid && (mode & 0020))) {
		fl |= SK_EXE_WRITABLE;
	}
	return fl;
}

/* The 30 parameters shared by execve and execveat (SK_SC_EXEC_PARAMS), of
 * the task in rec_state. A global function: verified once. */
__noinline int sk_g_exec_common(__s64 res, __u32 slot)
{
	struct sk_rec rr, *r = &rr;
	if (!rec_open(r, slot)) {
		return 0;
	}
	struct task_struct *t = (struct task_struct *)r->st->task;
	if (t == NULL) {
		return 0;
	}
	__u32 level = task_ns_level(t);
	struct file *exe = BPF_CORE_READ(t, mm, exe_file);
	rec_u64(r, (__u64)res);					       /* res */
	rec_args(r, t, false);					       /* exe, args */
	rec_u64(r, (__u64)(__s64)BPF_CORE_READ(t, pid));	       /* tid */
	rec_u64(r, (__u64)(__s64)BPF_CORE_READ(t, tgid));	       /* pid */
	rec_u64(r, (__u64)(__s64)BPF_CORE_READ(t, real_parent, tgid)); /* ptid */
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	rec_path(r, __builtin_preserve_access_index(&fs->pwd)); /* cwd */
	rec_u64(r, BPF_CORE_READ(t, signal, rlim[7].rlim_cur)); /* fdlimit (RLIMIT_NOFILE) */
	rec_vm(r, t);						/* vm_size, vm_rss, vm_swap */
	if (r->st->off < SK_EBPF_REC_MAX) {			/* comm */
		long n = bpf_probe_read_kernel_str(rat(r, r->st->off), 16,
						   __builtin_preserve_access_index(&t->comm));
		rec_len(r, n > 0 ? (__u32)n : 0);
	} else {
		rec_empty(r);
	}
	rec_cgroups(r, t);						 /* cgroups */
	rec_args(r, t, true);						 /* env */
	rec_u32(r, task_tty(t));					 /* tty */
	rec_u64(r, (__u64)task_sig_pid(t, 2 /* PIDTYPE_PGID */, level)); /* vpgid */
	rec_u32(r, task_loginuid(t));					 /* loginuid */
	rec_u32(r, exe_flags(t, exe));					 /* flags */
	rec_u64(r, task_cap(t, 0));
	rec_u64(r, task_cap(t, 1));
	rec_u64(r, task_cap(t, 2));
	if (exe != NULL) {
		struct inode *ino = BPF_CORE_READ(exe, f_inode);
		rec_u64(r, BPF_CORE_READ(ino, i_ino));
		rec_u64(r, (__u64)inode_ctime(ino));
		rec_u64(r, (__u64)inode_mtime(ino));
	} else {
		rec_empty(r);
		rec_empty(r);
		rec_empty(r);
	}
	rec_u32(r, BPF_CORE_READ(t, cred, euid.val)); /* uid */
	if (exe != NULL) {			      /* trusted_exepath */
		rec_path(r, __builtin_preserve_access_index(&exe->f_path));
	} else {
		rec_empty(r);
	}
	rec_u64(r, (__u64)task_sig_pid(t, 2, 0));			   /* pgid */
	rec_u32(r, BPF_CORE_READ(t, cred, egid.val));			   /* gid */
	rec_u64(r, (__u64)pid_nr_at(BPF_CORE_READ(t, thread_pid), level)); /* vtid */
	rec_u64(r, (__u64)task_sig_pid(t, 1 /* PIDTYPE_TGID */, level));   /* vpid */
	return 0;
}

static __always_inline void rec_exec_common(struct sk_rec *r, struct task_struct *t, __s64 res)
{
	if (r->st != NULL) {
		r->st->task = (__u64)t;
	}
	sk_g_exec_common(res, r->slot);
}

/* The clone family's parameters (SK_SC_CLONE_PARAMS), describing the task
 * in rec_state. A global function: verified once. */
__noinline int sk_g_clone(__s64 res, __u32 flags, __u32 slot)
{
	struct sk_rec rr, *r = &rr;
	if (!rec_open(r, slot)) {
		return 0;
	}
	struct task_struct *t = (struct task_struct *)r->st->task;
	if (t == NULL) {
		return 0;
	}
	__u32 level = task_ns_level(t);
	rec_u64(r, (__u64)res);					       /* res */
	rec_args(r, t, false);					       /* exe, args */
	rec_u64(r, (__u64)(__s64)BPF_CORE_READ(t, pid));	       /* tid */
	rec_u64(r, (__u64)(__s64)BPF_CORE_READ(t, tgid));	       /* pid */
	rec_u64(r, (__u64)(__s64)BPF_CORE_READ(t, real_parent, tgid)); /* ptid */
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	rec_path(r, __builtin_preserve_access_index(&fs->pwd)); /* cwd */
	rec_u64(r, BPF_CORE_READ(t, signal, rlim[7].rlim_cur)); /* fdlimit */
	rec_vm(r, t);
	if (r->st->off < SK_EBPF_REC_MAX) { /* comm */
		long n = bpf_probe_read_kernel_str(rat(r, r->st->off), 16,
						   __builtin_preserve_access_index(&t->comm));
		rec_len(r, n > 0 ? (__u32)n : 0);
	} else {
		rec_empty(r);
	}
	rec_cgroups(r, t);
	rec_u32(r, flags);						   /* flags */
	rec_u32(r, BPF_CORE_READ(t, cred, euid.val));			   /* uid */
	rec_u32(r, BPF_CORE_READ(t, cred, egid.val));			   /* gid */
	rec_u64(r, (__u64)pid_nr_at(BPF_CORE_READ(t, thread_pid), level)); /* vtid */
	rec_u64(r, (__u64)task_sig_pid(t, 1, level));			   /* vpid */
	rec_empty(r);							   /* pidns_init_start_ts */
	rec_u32(r, task_loginuid(t));					   /* loginuid */
	rec_u32(r, task_tty(t));					   /* tty */
	rec_u64(r, (__u64)task_sig_pid(t, 2, level));			   /* vpgid */
	rec_u64(r, (__u64)task_sig_pid(t, 2, 0));			   /* pgid */
	rec_u64(r, (__u64)task_sig_pid(t, 3 /* SID */, 0));		   /* sid */
	rec_u64(r, task_cap(t, 0));
	rec_u64(r, task_cap(t, 1));
	rec_u64(r, task_cap(t, 2));
	return 0;
}

static __always_inline void rec_clone(struct sk_rec *r, struct task_struct *t, __s64 res,
				      __u32 flags)
{
	if (r->st != NULL) {
		r->st->task = (__u64)t;
	}
	sk_g_clone(res, flags, r->slot);
}

/* ---- table-driven parameters ---------------------------------------------- */

/* The syscall being made, decoded: its number in the x86-64 table (the
 * `syscalls` map) and its arguments. */
struct sk_call {
	long id;
	__u64 args[8];	 /* 6 used; 8 so that an index masked with 7 stays inside */
	__u32 sock[6];	 /* socketcall's arguments as read */
	__s64 ret;	 /* sys_exit: the return value */
	__u32 compat;	 /* a 32-bit (ia32) call */
	__u32 has_saved; /* its row copies arguments at entry (saved_for) */
};

/* Where sys_exit, sched_process_fork and sched_process_exec decode the
 * call: a per-CPU slot each, not their stack (their deepest call chains,
 * through the cgroup walk, must stay within 512 bytes of stack on older
 * verifiers); the slots are the SK_SLOT_* of those programs. */
#define SK_CALL_EXIT SK_SLOT_EXIT
#define SK_CALL_FORK SK_SLOT_FORK
#define SK_CALL_EXEC SK_SLOT_EXEC
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, struct sk_call);
} call_map SEC(".maps");

static __always_inline struct sk_call *call_slot(__u32 which)
{
	return bpf_map_lookup_elem(&call_map, &which);
}

/* Argument i of the call, as call_decode found it. */
static __always_inline __u64 sk_arg(const struct sk_call *c, __u32 i)
{
	return c->args[i & 7];
}

/* The user registers of task `t` (the current one) in its syscall: from
 * bpf_task_pt_regs (5.15), else (x86-64) copied from the top of its kernel
 * stack, where task_pt_regs() finds them (THREAD_SIZE 16 KiB, no KASAN, as
 * Debian builds it). */
struct sk_regs_copy {
	__u8 b[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sk_regs_copy);
} regs_map SEC(".maps");

static __always_inline struct pt_regs *task_regs(struct task_struct *t)
{
	if (HAS_HELPER(task_pt_regs)) {
		return (struct pt_regs *)bpf_task_pt_regs(t);
	}
#if defined(__TARGET_ARCH_x86)
	__u32 zero = 0;
	struct sk_regs_copy *rc = bpf_map_lookup_elem(&regs_map, &zero);
	void *stack = BPF_CORE_READ(t, stack);
	if (rc == NULL || stack == NULL) {
		return NULL;
	}
	_Static_assert(sizeof(struct pt_regs) <= sizeof(rc->b), "pt_regs copy");
	if (bpf_probe_read_kernel(rc->b, sizeof(struct pt_regs),
				  stack + 16384 - sizeof(struct pt_regs)) != 0) {
		return NULL;
	}
	return (struct pt_regs *)rc->b;
#else
	return NULL;
#endif
}

static __always_inline bool self(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == self_tgid;
}

/* The address a datagram call names, copied from the caller's memory at
 * exit into dst (SK_EBPF_SA_MAX bytes at most); returns its length, 0 when
 * there is none. sendto and sendmsg: the destination passed (dest_addr,
 * msg_name), read at exit as Falco does: the call does not change it.
 * recvfrom and recvmsg: the sender's address the kernel wrote back
 * (src_addr, msg_name; the length it wrote through addrlen, msg_namelen),
 * only when the call succeeded. rec_tuple uses it for the remote end of a
 * socket that has none (not connected). A 32-bit caller's struct msghdr
 * starts with two 4-byte fields. */
static __always_inline __u32 msg_addr(const struct sk_call *c, __u16 type, long ret, __u8 *dst)
{
	__u64 uaddr = 0, len = 0;
	if (type == SK_SC_SENDTO) {
		uaddr = sk_arg(c, 4);
		len = (__u32)sk_arg(c, 5);
	} else if (type == SK_SC_RECVFROM) {
		__u32 l = 0;
		uaddr = sk_arg(c, 4);
		if (ret < 0 || uaddr == 0 ||
		    bpf_probe_read_user(&l, sizeof(l), (const void *)sk_arg(c, 5)) != 0) {
			return 0;
		}
		len = l;
	} else if (type == SK_SC_SENDMSG || type == SK_SC_RECVMSG) {
		const void *mh = (const void *)sk_arg(c, 1);
		if (type == SK_SC_RECVMSG && ret < 0) {
			return 0;
		}
		if (c->compat) {
			__u32 m[2] = {};
			if (bpf_probe_read_user(m, sizeof(m), mh) != 0) {
				return 0;
			}
			uaddr = m[0];
			len = m[1];
		} else {
			__u64 m[2] = {}; /* msg_name, msg_namelen (an int) */
			if (bpf_probe_read_user(m, sizeof(m), mh) != 0) {
				return 0;
			}
			uaddr = m[0];
			len = (__u32)m[1];
		}
	} else {
		return 0;
	}
	if (uaddr == 0 || len < 2) {
		return 0;
	}
	if (len > SK_EBPF_SA_MAX) {
		len = SK_EBPF_SA_MAX;
	}
	barrier_var(len);
	len &= 2 * SK_EBPF_SA_MAX - 1;
	if (bpf_probe_read_user(dst, len, (const void *)uaddr) != 0) {
		return 0;
	}
	return (__u32)len;
}

/* The device (dev) or inode number of `ino` as a parameter, empty when
 * there is none; fast: loads through bpf_rdonly_cast (6.2), else helper
 * reads. */
static __always_inline void rec_ino_param(struct sk_rec *r, struct inode *ino, bool dev, bool fast)
{
	if (ino == NULL) {
		rec_empty(r);
	} else if (fast) {
		struct inode *ti = bpf_rdonly_cast(ino, bpf_core_type_id_kernel(struct inode));
		if (dev) {
			rec_u32(r, encode_dev(ti->i_sb->s_dev));
		} else {
			rec_u64(r, ti->i_ino);
		}
	} else if (dev) {
		rec_u32(r, encode_dev(BPF_CORE_READ(ino, i_sb, s_dev)));
	} else {
		rec_u64(r, BPF_CORE_READ(ino, i_ino));
	}
}

/* poll's and ppoll's descriptors (SK_PT_FDLIST): the first
 * SK_EBPF_POLL_MAX struct pollfd of the array at user address `ua`, each
 * as its fd and the revents the call wrote. */
static __always_inline void rec_fdlist(struct sk_rec *r, __u64 ua, __u64 nfds)
{
	__u32 slot = SK_SLOT_EXIT;
	struct sk_tmp *t = bpf_map_lookup_elem(&tmp_map, &slot);
	__u32 n = nfds > SK_EBPF_POLL_MAX ? SK_EBPF_POLL_MAX : (__u32)nfds;
	__u32 off = r->st->off;
	if (t == NULL || off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return;
	}
	/* struct pollfd: int fd; short events; short revents (8 bytes, the
	 * same for 32-bit callers) */
	barrier_var(n);
	n &= 2 * SK_EBPF_POLL_MAX - 1;
	if (n > 0 && bpf_probe_read_user(t->buf, n * 8, (const void *)ua) != 0) {
		rec_empty(r);
		return;
	}
	__u16 cnt = (__u16)n;
	__builtin_memcpy(rat(r, off), &cnt, 2);
	for (__u32 k = 0; k < SK_EBPF_POLL_MAX; k++) {
		if (k >= n) {
			break;
		}
		__s32 fd;
		__u16 rev;
		__builtin_memcpy(&fd, tat(t->buf, k * 8), 4);
		__builtin_memcpy(&rev, tat(t->buf, k * 8 + 6), 2);
		__s64 fd64 = fd;
		__builtin_memcpy(rat(r, off + 2 + k * 10), &fd64, 8);
		__builtin_memcpy(rat(r, off + 10 + k * 10), &rev, 2);
	}
	rec_len(r, 2 + n * 10);
}

static __always_inline int rec_param(struct sk_rec *r, const struct sk_call *c, struct sk_saved *sv,
				     long ret, struct sk_ebpf_pspec *ps, bool fast)
{
	struct task_struct *task = r->task;
	__u8 kind = ps->kind, a = ps->a & 7, b = ps->b;
	__u64 v;
	/* registers and strings not copied at entry: param_inline; a
	 * descriptor's device and inode: fd_params */
	switch (kind) {
	case SK_K_ARG_STR:
		if (b && sv != NULL && sv->str_len > 0) {
			rec_kernel_bytes(r, sv->str, sv->str_len & (SK_EBPF_STR_MAX - 1));
		} else {
			rec_user_str(r, (const void *)sk_arg(c, a));
		}
		break;
	case SK_K_ARG_SOCKADDR: {
		if (ps->c && sv != NULL && sv->sa_len > 0) {
			rec_sockaddr(r, sv->sa, sv->sa_len);
			break;
		}
		__u32 slot = SK_SLOT_EXIT;
		struct sk_tmp *t = bpf_map_lookup_elem(&tmp_map, &slot);
		__u64 len = sk_arg(c, b & 7);
		if (t == NULL) {
			rec_empty(r);
			break;
		}
		if (len > SK_EBPF_SA_MAX) {
			len = SK_EBPF_SA_MAX;
		}
		barrier_var(len);
		len &= 2 * SK_EBPF_SA_MAX - 1;
		if (bpf_probe_read_user(t->buf, len, (const void *)sk_arg(c, a)) != 0) {
			rec_empty(r);
			break;
		}
		rec_sockaddr(r, t->buf, (__u32)len);
		break;
	}
	case SK_K_TUPLE: {
		long fd = ps->a == SK_K_RET_FD ? ret : (long)(int)sk_arg(c, a);
		struct sock *sk = file_sock(fd_file(task, fd));
		if (ps->c && sv != NULL && sv->sa_len > 0) {
			rec_tuple(r, sk, b, sv->sa, sv->sa_len);
			break;
		}
		/* the datagram calls: the address they name */
		__u16 type = ((struct sk_evt_hdr *)r->buf)->type;
		struct sk_tmp *t = NULL;
		__u32 salen = 0;
		if (sk != NULL && (type == SK_SC_SENDTO || type == SK_SC_RECVFROM ||
				   type == SK_SC_SENDMSG || type == SK_SC_RECVMSG)) {
			__u32 slot = SK_SLOT_EXIT;
			t = bpf_map_lookup_elem(&tmp_map, &slot);
			if (t != NULL) {
				salen = msg_addr(c, type, ret, t->buf);
			}
		}
		if (salen > 0 && t != NULL) {
			rec_tuple(r, sk, b, t->buf, salen);
		} else {
			rec_tuple(r, sk, b, NULL, 0);
		}
		break;
	}
	case SK_K_ARG_FDPAIR: {
		int fds[2] = {-1, -1};
		if (ret < 0 ||
		    bpf_probe_read_user(fds, sizeof(fds), (const void *)sk_arg(c, a)) != 0) {
			rec_empty(r);
		} else {
			int fd = fds[0];
			if (b & 1) {
				fd = fds[1];
			}
			barrier_var(fd);
			rec_u64(r, (__u64)(__s64)fd);
		}
		break;
	}
	case SK_K_PAIR_INO: {
		int fds[2] = {-1, -1};
		struct file *f = NULL;
		if (ret >= 0 &&
		    bpf_probe_read_user(fds, sizeof(fds), (const void *)sk_arg(c, a)) == 0) {
			f = fd_file(task, fds[0]);
		}
		if (f == NULL) {
			rec_empty(r);
		} else {
			rec_u64(r, BPF_CORE_READ(f, f_inode, i_ino));
		}
		break;
	}
	case SK_K_CAPS:
		rec_u64(r, task_cap(task, a));
		break;
	case SK_K_FD_LAYER: {
		long fd = ps->a == SK_K_RET_FD ? ret : (long)(int)sk_arg(c, a);
		struct file *f = fd_file(task, fd);
		if (f == NULL) {
			rec_empty(r);
		} else {
			rec_u8(r, file_layer(f));
		}
		break;
	}
	case SK_K_FDLIST:
		rec_fdlist(r, sk_arg(c, a), sk_arg(c, b & 7));
		break;
	case SK_K_VM: {
		/* mmap and munmap: the memory after the call, as Falco's */
		struct mm_struct *mm = BPF_CORE_READ(task, mm);
		if (mm == NULL) {
			rec_empty(r);
			break;
		}
		__s64 rss = 0, swap = 0;
		if (a == 0) {
			rss = (__s64)BPF_CORE_READ(mm, total_vm);
		} else {
			mm_pages(mm, &rss, &swap);
		}
		rec_u32(r, pages_kib(a == 2 ? swap : rss));
		break;
	}
	case SK_K_PRCTL_STR:
		v = sk_arg(c, 0);
		if (v == 15 /* PR_SET_NAME */) {
			rec_user_str(r, (const void *)sk_arg(c, 1));
		} else {
			rec_empty(r);
		}
		break;
	case SK_K_PRCTL_INT:
		v = sk_arg(c, 0);
		if (v == 15) {
			rec_empty(r);
		} else {
			rec_u64(r, sk_arg(c, 1));
		}
		break;
	case SK_K_HOW: {
		__u64 how[3] = {};
		if (bpf_probe_read_user(how, sizeof(how), (const void *)sk_arg(c, 2)) != 0) {
			rec_empty(r);
			break;
		}
		__u64 f = how[0];
		if (a == 1) {
			f = how[1];
		} else if (a == 2) {
			f = how[2];
		}
		rec_u32(r, (__u32)f);
		break;
	}
	default:
		rec_empty(r);
		break;
	}
	return (int)r->st->idx;
}

static __always_inline struct sk_saved *saved_for(struct task_struct *task, long id)
{
	struct sk_saved *sv = saved_get(task, false);
	if (sv == NULL || sv->id != id) {
		return NULL;
	}
	return sv;
}

/* Parameter i of sys_exit's table-driven record (the call in the EXIT
 * slot), for the kinds that find a kernel object or copy an address
 * (param_inline writes registers and strings, fd_params devices and
 * inodes). Global functions:
 * each verified once, however many parameters a record has;
 * sk_g_param_fast (bpf_rdonly_cast, 6.2) only in sk_sys_exit. */
static __always_inline int param_one(__u32 i, bool fast)
{
	struct sk_rec rr, *r = &rr;
	struct sk_call *c = call_slot(SK_CALL_EXIT);
	if (c == NULL || i >= SK_EBPF_MAX_PSPEC || !rec_open(r, SK_SLOT_EXIT)) {
		return 0;
	}
	__u32 key = (__u32)c->id;
	struct sk_ebpf_sc *sc = bpf_map_lookup_elem(&syscalls, &key);
	if (sc == NULL) {
		return 0;
	}
	r->task = cur_task();
	struct sk_saved *sv = NULL;
	if (c->has_saved) {
		sv = saved_for(r->task, c->id);
	}
	__u32 k = i;
	barrier_var(k);
	k &= 15;
	if (k >= SK_EBPF_MAX_PSPEC) {
		return 0;
	}
	rec_param(r, c, sv, c->ret, &sc->p[k], fast);
	return 1;
}

/* The device (SK_FD_DEV) and/or inode (SK_FD_INO) of descriptor fd of the
 * current task, in that order. Global functions taking the descriptor as a
 * number: no table to read, no switch; sk_g_fd_fast (bpf_rdonly_cast, 6.2)
 * walks task -> files -> fdtable -> file -> inode with direct loads. */
#define SK_FD_DEV 1u
#define SK_FD_INO 2u
static __always_inline int fd_params(__s64 fd, __u32 what, bool fast)
{
	struct sk_rec rr, *r = &rr;
	if (!rec_open(r, SK_SLOT_EXIT)) {
		return 0;
	}
	r->task = cur_task();
	struct inode *ino = rec_inode(r, fd, fast);
	for (__u32 k = SK_FD_DEV; k <= SK_FD_INO; k <<= 1) {
		if (!(what & k)) {
			continue;
		}
		rec_ino_param(r, ino, k == SK_FD_DEV, fast);
	}
	return 0;
}

__noinline int sk_g_fd(__s64 fd, __u32 what)
{
	return fd_params(fd, what, false);
}

__noinline int sk_g_fd_fast(__s64 fd, __u32 what)
{
	return fd_params(fd, what, true);
}

/* The parameter kinds the dispatcher writes itself (a register or a
 * string, no kernel object to find): a global function call per parameter
 * would cost more than the parameter. Returns false for the others. */
static __always_inline bool param_inline(struct sk_rec *r, const struct sk_call *c, long ret,
					 __u8 kind, __u8 a, __u8 b)
{
	switch (kind) {
	case SK_K_EMPTY:
		rec_empty(r);
		return true;
	case SK_K_RET:
		rec_u64(r, (__u64)ret);
		return true;
	case SK_K_ARG_INT:
		rec_u64(r, (__u64)(__s64)(int)sk_arg(c, a));
		return true;
	case SK_K_ARG_I64:
		rec_u64(r, sk_arg(c, a));
		return true;
	case SK_K_ARG_U32:
		rec_u32(r, (__u32)sk_arg(c, a));
		return true;
	case SK_K_ARG_U8:
		rec_u8(r, (__u8)sk_arg(c, a));
		return true;
	case SK_K_ARG_STR:
		if (b != 0) {
			return false; /* the copy taken at entry */
		}
		rec_user_str(r, (const void *)sk_arg(c, a));
		return true;
	default:
		return false;
	}
}

__noinline int sk_g_param(__u32 i)
{
	return param_one(i, false);
}

__noinline int sk_g_param_fast(__u32 i)
{
	return param_one(i, true);
}

/* ---- programs ------------------------------------------------------------------ */

/* Decode the current syscall (raw: the number in the registers). A 64-bit
 * call is its own row. A 32-bit (ia32) call -- a 32-bit program, or int
 * 0x80 from a 64-bit one -- is mapped through compat_nr to the x86-64 row
 * of the same event, its arguments taken from bx, cx, dx, si, di, bp; for
 * socketcall, from the array its second argument points to. Returns false
 * when the call is not one that is recorded (or, 32-bit, enabled). */
static __always_inline bool call_decode(struct pt_regs *regs, long raw, bool compat,
					struct sk_call *c)
{
	c->id = raw;
	c->compat = compat ? 1 : 0;
	if (!compat) {
		for (__u32 i = 0; i < 6; i++) {
			c->args[i] = regs_arg(regs, i);
		}
		return true;
	}
#if defined(__TARGET_ARCH_x86)
	__u32 key = (__u32)raw;
	__u32 *cm = bpf_map_lookup_elem(&compat_nr, &key);
	if (cm == NULL || !(*cm & SK_CNR_ENABLED)) {
		return false;
	}
	__u32 v = *cm;
	c->args[0] = (__u32)regs->bx;
	c->args[1] = (__u32)regs->cx;
	c->args[2] = (__u32)regs->dx;
	c->args[3] = (__u32)regs->si;
	c->args[4] = (__u32)regs->di;
	c->args[5] = (__u32)regs->bp;
	if (v & SK_CNR_SOCKETCALL) {
		__u32 call = (__u32)c->args[0];
		if (call >= SK_EBPF_COMPAT_MAX - SK_EBPF_SOCKETCALL_BASE) {
			return false;
		}
		key = SK_EBPF_SOCKETCALL_BASE + call;
		cm = bpf_map_lookup_elem(&compat_nr, &key);
		if (cm == NULL || !(*cm & SK_CNR_ENABLED)) {
			return false;
		}
		v = *cm;
		/* the kernel reads 2 to 6 of them; 3 (or 6) are readable
		 * wherever the call's own are */
		const void *p = (const void *)c->args[1];
		__builtin_memset(c->sock, 0, sizeof(c->sock));
		if (bpf_probe_read_user(c->sock, sizeof(c->sock), p) != 0 &&
		    bpf_probe_read_user(c->sock, 3 * sizeof(c->sock[0]), p) != 0) {
			return false;
		}
		for (__u32 i = 0; i < 6; i++) {
			c->args[i] = c->sock[i];
		}
	}
	if ((v & SK_CNR_NR) == 0) {
		return false;
	}
	c->id = (long)(v & SK_CNR_NR) - 1;
	return true;
#else
	return false;
#endif
}

/* What the exec family, connect and bind keep for sys_exit and
 * sched_process_exec: the syscall number (which exec call it was: exec
 * itself sets the registers' number to execve's), the arguments (the exec
 * tracepoint has none of the call's), and the path or sockaddr as it was
 * when the kernel read it. Called at the entry of the calls that copy
 * something (the sk_fe_* programs), or, where those cannot attach or every
 * one-path call copies its path (paths_at_entry), at sys_enter for every
 * syscall, most of which leave after two array lookups. */
static __always_inline int save_entry(struct pt_regs *regs, long id)
{
	if (id < 0 || id >= SK_EBPF_MAX_SYSCALLS) {
		return 0;
	}
	__u32 key = (__u32)id;
	struct sk_ebpf_sc *sc = bpf_map_lookup_elem(&syscalls, &key);
	__u32 *cm = bpf_map_lookup_elem(&compat_nr, &key);
	bool s64 = sc != NULL && (sc->save_str != 0 || sc->save_sa != 0) && sc->enabled;
	bool s32 = cm != NULL && (*cm & SK_CNR_SAVES);
	if ((!s64 && !s32) || self()) {
		return 0;
	}
	struct task_struct *task = cur_task();
	bool compat = is_compat(task);
	struct sk_call c;
	if ((compat ? !s32 : !s64) || !call_decode(regs, id, compat, &c)) {
		return 0;
	}
	if (compat) {
		key = (__u32)c.id;
		sc = bpf_map_lookup_elem(&syscalls, &key);
		if (sc == NULL || (sc->save_str == 0 && sc->save_sa == 0) || !sc->enabled) {
			return 0;
		}
	}
	if (sc == NULL) {
		return 0;
	}
	struct sk_saved *sv = saved_get(task, true);
	if (sv == NULL) {
		return 0;
	}
	sv->id = c.id;
	if (sc->special == SK_SP_EXEC) {
		/* sched_process_exec has no registers of the call: keep them */
		for (__u32 i = 0; i < 6; i++) {
			sv->args[i] = c.args[i];
		}
	}
	sv->str_len = 0;
	sv->sa_len = 0;
	if (sc->save_str != 0) {
		long n = bpf_probe_read_user_str(sv->str, SK_EBPF_STR_MAX,
						 (const void *)c.args[(sc->save_str - 1) & 7]);
		sv->str_len = n > 0 ? (__u32)n : 0;
	}
	if (sc->save_sa != 0) {
		__u64 len = c.args[sc->save_sa_len & 7];
		if (len > SK_EBPF_SA_MAX) {
			len = SK_EBPF_SA_MAX;
		}
		barrier_var(len);
		len &= SK_EBPF_SA_MAX - 1 | SK_EBPF_SA_MAX;
		if (bpf_probe_read_user(sv->sa, len, (const void *)c.args[(sc->save_sa - 1) & 7]) ==
		    0) {
			sv->sa_len = (__u32)len;
		}
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sk_sys_enter, struct pt_regs *regs, long id)
{
	return save_entry(regs, id);
}

#if defined(__TARGET_ARCH_x86)
/* The same at the entry of the calls themselves (fentry: these calls pay
 * for it, not every syscall of the machine). The registers are the
 * caller's, its syscall number in orig_ax; the ia32 ones (a 32-bit
 * program, int 0x80) have ia32 numbers, which save_entry maps through
 * compat_nr like sys_enter. The plugin loads them when the kernel has
 * every one of these functions, else sk_sys_enter. */
#define SK_ENTRY_PROG(name, fn)                                                                    \
	SEC("fentry/" #fn)                                                                         \
	int BPF_PROG(name, struct pt_regs *regs)                                                   \
	{                                                                                          \
		return save_entry(regs, regs_id(regs));                                            \
	}
SK_ENTRY_PROG(sk_fe_execve, __x64_sys_execve)
SK_ENTRY_PROG(sk_fe_execveat, __x64_sys_execveat)
SK_ENTRY_PROG(sk_fe_connect, __x64_sys_connect)
SK_ENTRY_PROG(sk_fe_bind, __x64_sys_bind)
SK_ENTRY_PROG(sk_fe_ia32_execve, __ia32_compat_sys_execve)
SK_ENTRY_PROG(sk_fe_ia32_execveat, __ia32_compat_sys_execveat)
SK_ENTRY_PROG(sk_fe_ia32_connect, __ia32_sys_connect)
SK_ENTRY_PROG(sk_fe_ia32_bind, __ia32_sys_bind)
SK_ENTRY_PROG(sk_fe_ia32_socketcall, __ia32_compat_sys_socketcall)
#endif

/* The flags of a clone-family call whose first argument is arg0. */
static __always_inline __u32 clone_flags(struct sk_ebpf_sc *sc, __u64 arg0)
{
	if (sc->type == SK_SC_CLONE) {
		return (__u32)arg0;
	}
	if (sc->type == SK_SC_CLONE3) {
		__u64 f = 0;
		bpf_probe_read_user(&f, sizeof(f), (const void *)arg0);
		return (__u32)f;
	}
	if (sc->type == SK_SC_VFORK) {
		return 0x4000u | 0x100u; /* CLONE_VFORK | CLONE_VM */
	}
	return 0;
}

/* One record per syscall at its exit: the dispatcher. It filters (the
 * recorded set, the daemon itself, drop_failed_exit), decodes the call into
 * the EXIT slot, then builds a table-driven record one sk_g_param call per
 * parameter, or hands an exec or clone record to its own program through
 * exit_tails. fast: bpf_rdonly_cast is there (sk_sys_exit); else
 * sk_sys_exit_old, the same with helper reads. */
static __always_inline int sys_exit(void *ctx, struct pt_regs *regs, long ret, bool fast)
{
	long raw = regs_id(regs);
	if (raw < 0 || raw >= SK_EBPF_MAX_SYSCALLS) {
		return 0;
	}
	__u32 key = (__u32)raw;
	struct sk_ebpf_sc *sc = bpf_map_lookup_elem(&syscalls, &key);
	bool on64 = sc != NULL && sc->enabled && sc->type != 0;
	if (!on64) {
		/* perhaps the 32-bit call of that number is recorded */
		__u32 *cm = bpf_map_lookup_elem(&compat_nr, &key);
		if (cm == NULL || !(*cm & SK_CNR_ENABLED)) {
			return 0;
		}
	}
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if ((pid_tgid >> 32) == self_tgid) {
		return 0;
	}
	struct task_struct *task = cur_task();
	struct sk_call *c = call_slot(SK_CALL_EXIT);
	if (c == NULL || !call_decode(regs, raw, is_compat(task), c)) {
		return 0;
	}
	if (c->compat) {
		key = (__u32)c->id;
		sc = bpf_map_lookup_elem(&syscalls, &key);
	}
	if (sc == NULL || !sc->enabled || sc->type == 0) {
		return 0;
	}
	c->ret = ret;
	c->has_saved = sc->save_str != 0 || sc->save_sa != 0;
	if (sc->special == SK_SP_EXEC || sc->special == SK_SP_CLONE) {
		/* a success is written by sched_process_exec, or (the child's
		 * side) sched_process_fork */
		if (ret == 0) {
			return 0;
		}
		bpf_tail_call(ctx, &exit_tails,
			      sc->special == SK_SP_EXEC ? SK_TAIL_EXEC : SK_TAIL_CLONE);
		count(3); /* not reached unless the program is missing */
		return 0;
	}
	struct sk_saved *sv = NULL;
	if (c->has_saved) {
		sv = saved_for(task, c->id);
	}
	if (drop_failed && ret < 0) {
		if (sv != NULL) {
			sv->id = -1;
		}
		return 0;
	}
	__u32 n = sc->nparams;
	__u8 *buf = scratch_get(SK_SLOT_EXIT);
	if (n > SK_EBPF_MAX_PSPEC || buf == NULL) {
		return 0;
	}
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_EXIT, buf, sc->type, n, (__u32)pid_tgid)) {
		return 0;
	}
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < SK_EBPF_MAX_PSPEC; i++) {
		if (i >= n) {
			break;
		}
		struct sk_ebpf_pspec *ps = &sc->p[i];
		if (param_inline(&r, c, ret, ps->kind, ps->a & 7, ps->b)) {
			continue;
		}
		if (ps->kind == SK_K_FD_DEV || ps->kind == SK_K_FD_INO) {
			/* a descriptor's device and/or inode: one call for both */
			__u8 a = ps->a;
			long fd = a == SK_K_RET_FD ? ret : (long)(int)sk_arg(c, a & 7);
			__u32 what = ps->kind == SK_K_FD_DEV ? SK_FD_DEV : SK_FD_INO;
			if (what == SK_FD_DEV && i + 1 < n && i + 1 < SK_EBPF_MAX_PSPEC &&
			    sc->p[i + 1].kind == SK_K_FD_INO && sc->p[i + 1].a == a) {
				what |= SK_FD_INO;
				i++;
			}
			if (fast) {
				sk_g_fd_fast(fd, what);
			} else {
				sk_g_fd(fd, what);
			}
			continue;
		}
		if (fast) {
			sk_g_param_fast(i);
		} else {
			sk_g_param(i);
		}
	}
	if (sv != NULL) {
		sv->id = -1;
	}
	rec_submit(&r);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sk_sys_exit, struct pt_regs *regs, long ret)
{
	return sys_exit(ctx, regs, ret, true);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sk_sys_exit_old, struct pt_regs *regs, long ret)
{
	return sys_exit(ctx, regs, ret, false);
}

/* In a program sys_exit tail-called: the call the dispatcher decoded (the
 * EXIT slot), its row, and the record buffer; false when one is missing. */
static __always_inline bool tail_call_state(struct sk_call **ret_c, struct sk_ebpf_sc **ret_sc,
					    __u8 **ret_buf)
{
	struct sk_call *c = call_slot(SK_CALL_EXIT);
	*ret_buf = scratch_get(SK_SLOT_EXIT);
	if (c == NULL || *ret_buf == NULL) {
		return false;
	}
	__u32 key = (__u32)c->id;
	*ret_c = c;
	*ret_sc = bpf_map_lookup_elem(&syscalls, &key);
	return *ret_sc != NULL;
}

/* A failed execve/execveat (exit_tails[SK_TAIL_EXEC]). */
SEC("tp_btf/sys_exit")
int BPF_PROG(sk_exit_exec, struct pt_regs *regs, long ret)
{
	struct sk_call *c = NULL;
	struct sk_ebpf_sc *sc = NULL;
	__u8 *buf = NULL;
	if (!tail_call_state(&c, &sc, &buf)) {
		return 0;
	}
	struct task_struct *task = cur_task();
	struct sk_saved *sv = c->has_saved ? saved_for(task, c->id) : NULL;
	bool at = sc->type == SK_SC_EXECVEAT;
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_EXIT, buf, sc->type,
		       at ? SK_SC_EXECVEAT_NPARAMS : SK_SC_EXECVE_NPARAMS,
		       (__u32)bpf_get_current_pid_tgid())) {
		return 0;
	}
	rec_exec_common(&r, task, c->ret);
	if (at) {
		rec_u64(&r, (__u64)(__s64)(int)sk_arg(c, 0));
	}
	if (sv != NULL && sv->str_len > 0) {
		rec_kernel_bytes(&r, sv->str, sv->str_len & (SK_EBPF_STR_MAX - 1));
	} else {
		rec_user_str(&r, (const void *)sk_arg(c, at ? 1 : 0));
	}
	if (sv != NULL) {
		sv->id = -1;
	}
	rec_submit(&r);
	return 0;
}

/* The parent's side of a clone-family call (exit_tails[SK_TAIL_CLONE]). */
SEC("tp_btf/sys_exit")
int BPF_PROG(sk_exit_clone, struct pt_regs *regs, long ret)
{
	struct sk_call *c = NULL;
	struct sk_ebpf_sc *sc = NULL;
	__u8 *buf = NULL;
	if (!tail_call_state(&c, &sc, &buf)) {
		return 0;
	}
	__u32 flags = clone_flags(sc, sk_arg(c, 0));
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_EXIT, buf, sc->type, SK_SC_CLONE_NPARAMS,
		       (__u32)bpf_get_current_pid_tgid())) {
		return 0;
	}
	rec_clone(&r, cur_task(), c->ret, flags);
	rec_submit(&r);
	return 0;
}

/* The child's side of clone/fork/vfork/clone3 (res = 0). */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(sk_sched_fork, struct task_struct *parent, struct task_struct *child)
{
	if (self()) {
		return 0;
	}
	if (BPF_CORE_READ(child, flags) & 0x00200000u /* PF_KTHREAD */) {
		return 0;
	}
	struct task_struct *task = cur_task();
	struct pt_regs *regs = task_regs(task);
	if (regs == NULL) {
		return 0;
	}
	long raw = regs_id(regs);
	struct sk_call *c = call_slot(SK_CALL_FORK);
	if (c == NULL || raw < 0 || raw >= SK_EBPF_MAX_SYSCALLS ||
	    !call_decode(regs, raw, is_compat(task), c)) {
		return 0;
	}
	__u32 key = (__u32)c->id;
	struct sk_ebpf_sc *sc = bpf_map_lookup_elem(&syscalls, &key);
	if (sc == NULL || !sc->enabled || sc->special != SK_SP_CLONE) {
		return 0;
	}
	__u8 *buf = scratch_get(SK_SLOT_FORK);
	if (buf == NULL) {
		return 0;
	}
	__u32 flags = clone_flags(sc, c->args[0]);
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_FORK, buf, sc->type, SK_SC_CLONE_NPARAMS,
		       (__u64)BPF_CORE_READ(child, pid))) {
		return 0;
	}
	rec_clone(&r, child, 0, flags);
	rec_submit(&r);
	return 0;
}

/* A successful execve/execveat: the new image. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(sk_sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (self()) {
		return 0;
	}
	struct task_struct *task = cur_task();
	/* Which exec call this is: the number sys_enter saved (the registers
	 * of the new image no longer say execveat on x86), else the
	 * registers' syscall number. */
	struct sk_saved *sv = saved_get(task, false);
	long id = -1;
	if (sv != NULL && sv->id >= 0) {
		id = sv->id;
	} else {
		/* exec set the registers' number to execve's, 64- or 32-bit */
		struct pt_regs *regs = task_regs(task);
		struct sk_call *c = call_slot(SK_CALL_EXEC);
		long raw = regs != NULL ? regs_id(regs) : -1;
		sv = NULL;
		if (c != NULL && raw >= 0 && raw < SK_EBPF_MAX_SYSCALLS &&
		    call_decode(regs, raw, is_compat(task), c)) {
			id = c->id;
		}
	}
	if (id < 0 || id >= SK_EBPF_MAX_SYSCALLS) {
		return 0;
	}
	__u32 key = (__u32)id;
	struct sk_ebpf_sc *sc = bpf_map_lookup_elem(&syscalls, &key);
	if (sc == NULL || !sc->enabled || sc->special != SK_SP_EXEC) {
		return 0;
	}
	__u8 *buf = scratch_get(SK_SLOT_EXEC);
	if (buf == NULL) {
		return 0;
	}
	bool at = sc->type == SK_SC_EXECVEAT;
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_EXEC, buf, sc->type,
		       at ? SK_SC_EXECVEAT_NPARAMS : SK_SC_EXECVE_NPARAMS,
		       (__u32)bpf_get_current_pid_tgid())) {
		return 0;
	}
	rec_exec_common(&r, task, 0);
	if (at) {
		rec_u64(&r, sv != NULL ? (__u64)(__s64)(int)sv->args[0] : (__u64)-100);
		if (sv != NULL && sv->str_len > 0) {
			rec_kernel_bytes(&r, sv->str, sv->str_len & (SK_EBPF_STR_MAX - 1));
		} else {
			rec_empty(&r);
		}
	} else {
		rec_kernel_str(&r, BPF_CORE_READ(bprm, filename));
	}
	if (sv != NULL) {
		sv->id = -1;
	}
	rec_submit(&r);
	return 0;
}

/* procexit: every thread's exit. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(sk_sched_exit, struct task_struct *p)
{
	if (self()) {
		return 0;
	}
	struct task_struct *task = cur_task();
	if (BPF_CORE_READ(task, flags) & 0x00200000u /* PF_KTHREAD */) {
		return 0;
	}
	__u8 *buf = scratch_get(SK_SLOT_PEXIT);
	if (buf == NULL) {
		return 0;
	}
	int code = BPF_CORE_READ(task, exit_code);
	struct sk_rec r;
	if (!rec_begin(&r, SK_SLOT_PEXIT, buf, SK_SC_PROCEXIT, SK_SC_PROCEXIT_NPARAMS,
		       (__u32)bpf_get_current_pid_tgid())) {
		return 0;
	}
	rec_u64(&r, (__u64)(__s64)code);		 /* status */
	rec_u64(&r, (__u64)(__s64)((code >> 8) & 0xff)); /* ret */
	rec_u8(&r, (__u8)(code & 0x7f));		 /* sig */
	rec_u8(&r, (code & 0x80) ? 1 : 0);		 /* core */
	rec_empty(&r);					 /* reaper_tid */
	rec_submit(&r);
	return 0;
}
