/* sources/ebpf/probe_process.bpf.h - part of the eBPF probe (probe.bpf.c):
 * process information for exec and clone records: the arguments and
 * environment, memory, tty, login uid, inode times, the overlayfs layer and
 * exe flags (sk_g_exec_common, sk_g_clone).
 *
 * Not a standalone header: probe.bpf.c includes it once, after the files
 * before it in its list, and it uses what those define.
 */
#ifndef SK_SOURCES_EBPF_PROBE_PROCESS_BPF_H
#define SK_SOURCES_EBPF_PROBE_PROCESS_BPF_H

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
			if (n == 0) { /* "" (older kernels return 0 for it) */
				*rat(r, r->st->off) = 0;
				n = 1;
			}
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

#endif /* SK_SOURCES_EBPF_PROBE_PROCESS_BPF_H */
