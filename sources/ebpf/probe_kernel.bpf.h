/* sources/ebpf/probe_kernel.bpf.h - part of the eBPF probe (probe.bpf.c):
 * kernel objects a record describes: a task's files by fd, inodes, devices,
 * pid numbers in namespaces, capabilities; paths walked up from a dentry
 * (sk_g_path) and cgroup lines (sk_g_cgline).
 *
 * Not a standalone header: probe.bpf.c includes it once, after the files
 * before it in its list, and it uses what those define.
 */
#ifndef SK_SOURCES_EBPF_PROBE_KERNEL_BPF_H
#define SK_SOURCES_EBPF_PROBE_KERNEL_BPF_H

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

#endif /* SK_SOURCES_EBPF_PROBE_KERNEL_BPF_H */
