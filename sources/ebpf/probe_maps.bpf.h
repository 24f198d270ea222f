/* sources/ebpf/probe_maps.bpf.h - part of the eBPF probe (probe.bpf.c):
 * configuration (rodata and bss), the maps, and the kernel feature checks
 * (HAS_HELPER, the current task, per-task saved state).
 *
 * Not a standalone header: probe.bpf.c includes it once, after the files
 * before it in its list, and it uses what those define.
 */
#ifndef SK_SOURCES_EBPF_PROBE_MAPS_BPF_H
#define SK_SOURCES_EBPF_PROBE_MAPS_BPF_H

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

#endif /* SK_SOURCES_EBPF_PROBE_MAPS_BPF_H */
