// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_kobj.c - the kernel objects a record
 * describes: a task's files by descriptor, inodes, devices and overlayfs
 * layers, pid numbers in namespaces, credentials and capabilities, the
 * terminal, memory counters, paths and cgroups.
 *
 * Each value is what the eBPF probe reads for it (probe_kernel.bpf.h,
 * probe_process.bpf.h), computed here with the kernel's own types. No
 * reference is taken (dropping one may sleep): the objects are read under
 * rcu_read_lock(), which keeps files, dentries, mounts, credentials and
 * pids from being freed, and the rest through get_kernel_nofault().
 *
 * Paths come from d_path(), which stops at the task's root and marks an
 * unlinked file " (deleted)"; the mark is removed, as the eBPF probe's
 * walk has none. A path below a chroot is the one the chrooted process
 * sees (the eBPF probe walks up to its mount namespace's root instead).
 */
#include <linux/kernel.h>
#include <linux/version.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/mm.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/fdtable.h>
#include <linux/dcache.h>
#include <linux/path.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/kdev_t.h>
#include <linux/cgroup.h>
#include <linux/kernfs.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/rcupdate.h>
#include <uapi/linux/magic.h>

#include "shrike_priv.h"

/* ---- files ------------------------------------------------------------------ */

struct file *sk_fd_file(struct task_struct *t, long fd)
{
	struct files_struct *files;
	struct fdtable *fdt;

	if (fd < 0 || !t)
		return NULL;
	files = READ_ONCE(t->files);
	if (!files)
		return NULL;
	fdt = rcu_dereference_raw(files->fdt);
	if (!fdt || (unsigned long)fd >= READ_ONCE(fdt->max_fds))
		return NULL;
	return rcu_dereference_raw(fdt->fd[fd]);
}

/* The inode of descriptor fd of the record's task, found once per record. */
struct inode *sk_rec_inode(struct sk_rec *r, long fd)
{
	struct file *f;

	if (r->fdno == fd && r->ino)
		return r->ino;
	f = sk_fd_file(r->task, fd);
	r->fdno = fd;
	r->ino = f ? READ_ONCE(f->f_inode) : NULL;
	return r->ino;
}

/* Which overlayfs layer the file is in (SK_LAYER_*): its dentry is on an
 * overlayfs, whose inode (struct ovl_inode, private to overlayfs) holds
 * the upper dentry right after the vfs inode, as it has since overlayfs
 * kept its own inodes (4.x): upper when that dentry has an inode, lower
 * otherwise. */
u8 sk_file_layer(struct file *f)
{
	struct dentry *d, *upper = NULL;
	struct inode *vfs, *ui;

	if (!f)
		return SK_LAYER_NONE;
	d = READ_ONCE(f->f_path.dentry);
	if (!d || !d->d_sb || d->d_sb->s_magic != OVERLAYFS_SUPER_MAGIC)
		return SK_LAYER_NONE;
	vfs = READ_ONCE(d->d_inode);
	if (!vfs ||
	    get_kernel_nofault(upper, (struct dentry **)((u8 *)vfs + sizeof(struct inode))) ||
	    !upper)
		return SK_LAYER_LOWER;
	if (get_kernel_nofault(ui, &upper->d_inode) || !ui)
		return SK_LAYER_LOWER;
	return READ_ONCE(ui->i_ino) != 0 ? SK_LAYER_UPPER : SK_LAYER_LOWER;
}

/* ---- credentials, pids, terminal ------------------------------------------- */

static const struct cred *sk_cred(struct task_struct *t)
{
	return rcu_dereference(t->cred);
}

u32 sk_task_euid(struct task_struct *t)
{
	return __kuid_val(sk_cred(t)->euid);
}

u32 sk_task_egid(struct task_struct *t)
{
	return __kgid_val(sk_cred(t)->egid);
}

/* The 64 bits of a kernel_cap_t, whichever its layout (two u32 before
 * 6.3, one u64 since). */
u64 sk_task_cap(struct task_struct *t, u32 which)
{
	const struct cred *c = sk_cred(t);
	const kernel_cap_t *k = which == 0   ? &c->cap_inheritable
				: which == 1 ? &c->cap_permitted
					     : &c->cap_effective;
	u64 v = 0;

	BUILD_BUG_ON(sizeof(kernel_cap_t) < sizeof(u64));
	memcpy(&v, k, sizeof(v));
	return v;
}

/* SK_EXE_* facts about the executable file. */
u32 sk_exe_flags(struct task_struct *t, struct file *exe)
{
	struct inode *ino;
	struct dentry *d;
	u32 fl = 0, euid, egid;
	u8 layer;
	umode_t mode;

	if (!exe)
		return 0;
	ino = READ_ONCE(exe->f_inode);
	layer = sk_file_layer(exe);
	if (layer == SK_LAYER_UPPER)
		fl |= SK_EXE_UPPER_LAYER;
	else if (layer == SK_LAYER_LOWER)
		fl |= SK_EXE_LOWER_LAYER;
	d = READ_ONCE(exe->f_path.dentry);
	if (d && strncmp((const char *)d->d_name.name, "memfd:", 6) == 0)
		fl |= SK_EXE_FROM_MEMFD;
	if (!ino)
		return fl;
	mode = ino->i_mode;
	euid = sk_task_euid(t);
	egid = sk_task_egid(t);
	if (euid == 0 || (mode & 0002) || (__kuid_val(ino->i_uid) == euid && (mode & 0200)) ||
	    (__kgid_val(ino->i_gid) == egid && (mode & 0020)))
		fl |= SK_EXE_WRITABLE;
	return fl;
}

static s64 sk_ts(const struct timespec64 *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

s64 sk_inode_ctime(struct inode *ino)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	struct timespec64 ts = inode_get_ctime(ino);
#else
	struct timespec64 ts = ino->i_ctime;
#endif
	return sk_ts(&ts);
}

s64 sk_inode_mtime(struct inode *ino)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	struct timespec64 ts = inode_get_mtime(ino);
#else
	struct timespec64 ts = ino->i_mtime;
#endif
	return sk_ts(&ts);
}

/* The terminal's device number, as new_encode_dev() gives it; 0: none. */
u32 sk_task_tty(struct task_struct *t)
{
	struct signal_struct *sig = READ_ONCE(t->signal);
	struct tty_struct *tty = NULL;
	struct tty_driver *drv = NULL;
	int index = 0, major = 0, minor = 0;

	if (!sig || get_kernel_nofault(tty, &sig->tty) || !tty)
		return 0;
	if (get_kernel_nofault(index, &tty->index) || get_kernel_nofault(drv, &tty->driver) ||
	    !drv || get_kernel_nofault(major, &drv->major) ||
	    get_kernel_nofault(minor, &drv->minor_start))
		return 0;
	return new_encode_dev(MKDEV(major, minor + index));
}

u32 sk_task_loginuid(struct task_struct *t)
{
#ifdef CONFIG_AUDIT
	return __kuid_val(t->loginuid);
#else
	return 0xffffffffu;
#endif
}

/* The number of pid `p` at namespace `level`, or at its own deepest
 * level when that is lower. */
static s64 sk_pid_nr_at(struct pid *p, u32 level)
{
	if (!p)
		return 0;
	if (level > p->level)
		level = p->level;
	return p->numbers[level].nr;
}

u32 sk_ns_level(struct task_struct *t)
{
	struct pid *p = rcu_dereference(t->thread_pid);

	return p ? p->level : 0;
}

s64 sk_thread_vnr(struct task_struct *t, u32 level)
{
	return sk_pid_nr_at(rcu_dereference(t->thread_pid), level);
}

/* type: PIDTYPE_TGID, PIDTYPE_PGID or PIDTYPE_SID, from the task's
 * signal_struct (where the eBPF probe reads them) */
s64 sk_sig_pid(struct task_struct *t, u32 type, u32 level)
{
	struct signal_struct *sig = READ_ONCE(t->signal);

	if (!sig || type >= PIDTYPE_MAX)
		return 0;
	return sk_pid_nr_at(rcu_dereference(sig->pids[type]), level);
}

/* Pages of the task's memory: total (vm_size), resident (file + anon +
 * shmem) and swapped out; 0 without memory (a kernel thread, an exiting
 * task). */
void sk_mm_pages(struct task_struct *t, s64 *ret_total, s64 *ret_rss, s64 *ret_swap)
{
	struct mm_struct *mm = READ_ONCE(t->mm);

	*ret_total = *ret_rss = *ret_swap = 0;
	if (!mm)
		return;
	*ret_total = (s64)READ_ONCE(mm->total_vm);
	*ret_rss = (s64)get_mm_counter(mm, MM_FILEPAGES) + (s64)get_mm_counter(mm, MM_ANONPAGES) +
		   (s64)get_mm_counter(mm, MM_SHMEMPAGES);
	*ret_swap = (s64)get_mm_counter(mm, MM_SWAPENTS);
}

/* ---- paths --------------------------------------------------------------------- */

#define SK_DELETED     " (deleted)"
#define SK_DELETED_LEN (sizeof(SK_DELETED) - 1)

/* The path of `p` as a string parameter. */
void sk_rec_path(struct sk_rec *r, struct sk_work *w, const struct path *p)
{
	char *s;
	size_t n;

	if (!p || !p->dentry || !p->mnt) {
		sk_rec_empty(r);
		return;
	}
	s = d_path(p, w->path, SK_PATH_BUF);
	if (IS_ERR(s)) {
		sk_rec_empty(r);
		return;
	}
	n = strlen(s);
	if (n >= SK_DELETED_LEN && strcmp(s + n - SK_DELETED_LEN, SK_DELETED) == 0)
		s[n - SK_DELETED_LEN] = 0;
	sk_rec_kstr(r, s);
}

/* ---- cgroups ------------------------------------------------------------------- */

#define SK_CG_LINE_MAX 4096u

/* The cgroups parameter: one "controller=path" string per controller of
 * the task's css_set (the default hierarchy's "=path" when it has none).
 * With cgroup v2 every controller names one cgroup: its path is made
 * once and copied. */
void sk_rec_cgroups(struct sk_rec *r, struct sk_work *w, struct task_struct *t)
{
	struct css_set *cs = rcu_dereference(t->cgroups);
	struct kernfs_node *last_kn = NULL;
	u32 last_len = 0, total = 0, i;
	u8 *base = sk_rec_room(r, 0);

	if (!cs || !base) {
		sk_rec_empty(r);
		return;
	}
	for (i = 0; i <= CGROUP_SUBSYS_COUNT; i++) {
		struct cgroup_subsys_state *css = NULL;
		struct kernfs_node *kn;
		const char *name = "";
		u32 nlen, room;
		int plen;

		if (i < CGROUP_SUBSYS_COUNT) {
			css = READ_ONCE(cs->subsys[i]);
			if (!css)
				continue;
			name = css->ss ? css->ss->name : "";
			kn = css->cgroup ? css->cgroup->kn : NULL;
		} else {
			if (total > 0)
				break;
			kn = cs->dfl_cgrp ? cs->dfl_cgrp->kn : NULL;
		}
		if (!kn)
			continue;
		nlen = strnlen(name, 63);
		if (r->off + total >= SK_EBPF_REC_MAX)
			break;
		room = min_t(u32, SK_EBPF_SCRATCH - (r->off + total), SK_CG_LINE_MAX);
		if (nlen + 3 > room)
			break;
		memcpy(base + total, name, nlen);
		base[total + nlen] = '=';
		if (kn == last_kn && last_len > 0 && nlen + 1 + last_len + 1 <= room) {
			plen = (int)last_len; /* still in w->path */
		} else {
			plen = kernfs_path(kn, w->path, min_t(u32, SK_PATH_BUF, room - nlen - 1));
			if (plen <= 0 || (u32)plen >= min_t(u32, SK_PATH_BUF, room - nlen - 1)) {
				last_kn = NULL; /* w->path no longer holds its path */
				continue;
			}
			last_kn = kn;
			last_len = (u32)plen;
		}
		memcpy(base + total + nlen + 1, w->path, plen);
		base[total + nlen + 1 + plen] = 0;
		total += nlen + 1 + (u32)plen + 1;
	}
	sk_rec_len(r, total);
}
