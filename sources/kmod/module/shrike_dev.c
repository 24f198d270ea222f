// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_dev.c - the character devices /dev/shrike<N>,
 * one per possible CPU (so a CPU that comes online later has its ring
 * already): open (one opener per device), mmap of the control page and
 * the ring, poll, and the ioctls of shrike_kmod.h.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/version.h>
#include <linux/utsname.h>
#include <linux/rcupdate.h>
#include <generated/utsrelease.h>

#include "shrike_priv.h"

#ifndef SHRIKE_VERSION
#define SHRIKE_VERSION "unknown"
#endif

static dev_t sk_devt;
static struct cdev sk_cdev;
static struct class *sk_class;
static struct sk_ring **sk_rings; /* nr_cpu_ids entries; NULL: not possible */
static unsigned int sk_ndevs;	  /* devices created */
static atomic_t sk_nopen = ATOMIC_INIT(0);

struct sk_ring *sk_dev_ring(unsigned int cpu)
{
	struct sk_ring *r;

	if (cpu >= nr_cpu_ids)
		return NULL;
	r = sk_rings[cpu];
	if (!r || !smp_load_acquire(&r->active))
		return NULL;
	return r;
}

static int sk_open(struct inode *inode, struct file *f)
{
	unsigned int cpu = iminor(inode);
	struct sk_ring *r;

	if (cpu >= nr_cpu_ids || !sk_rings[cpu])
		return -ENODEV;
	r = sk_rings[cpu];
	if (atomic_cmpxchg(&r->opened, 0, 1) != 0)
		return -EBUSY;
	/* no probe writes an inactive ring once those that saw it active
	 * are done (they run with preemption disabled: an RCU-sched reader) */
	synchronize_rcu();
	sk_ring_reset(r);
	f->private_data = r;
	atomic_inc(&sk_nopen);
	smp_store_release(&r->active, 1);
	return 0;
}

static int sk_release(struct inode *inode, struct file *f)
{
	struct sk_ring *r = f->private_data;

	smp_store_release(&r->active, 0);
	/* the last reader gone: stop recording, no one would read it */
	if (atomic_dec_and_test(&sk_nopen))
		sk_settings_disable_all();
	atomic_set(&r->opened, 0);
	return 0;
}

static int sk_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct sk_ring *r = f->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff != 0 || len > SK_KMOD_CTRL_SIZE + (unsigned long)r->size)
		return -EINVAL;
	/* a private mapping would keep the reader's tail to itself */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	return remap_vmalloc_range(vma, r->ctrl, 0);
}

static __poll_t sk_poll(struct file *f, struct poll_table_struct *wait)
{
	struct sk_ring *r = f->private_data;

	poll_wait(f, &r->wq, wait);
	return sk_ring_readable(r) ? EPOLLIN | EPOLLRDNORM : 0;
}

static long sk_ioctl_info(struct sk_ring *r, void __user *arg)
{
	struct sk_kmod_info info;

	memset(&info, 0, sizeof(info));
	info.api_version = SK_KMOD_API_VERSION;
	info.cpu = r->cpu;
	info.ring_size = r->size;
	info.ncpus = sk_ndevs;
	strscpy(info.kernel, UTS_RELEASE, sizeof(info.kernel));
	strscpy(info.version, SHRIKE_VERSION, sizeof(info.version));
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long sk_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct sk_ring *r = f->private_data;
	void __user *up = (void __user *)arg;
	struct sk_kmod_syscalls sc;
	u32 v;
	unsigned int i;

	switch (cmd) {
	case SK_KMOD_IOC_INFO:
		return sk_ioctl_info(r, up);
	case SK_KMOD_IOC_SET_SYSCALLS:
		if (copy_from_user(&sc, up, sizeof(sc)))
			return -EFAULT;
		/* word by word: a probe sees each word old or new */
		for (i = 0; i < ARRAY_SIZE(sc.bits); i++)
			WRITE_ONCE(sk_settings.syscalls[i], sc.bits[i]);
		return 0;
	case SK_KMOD_IOC_EXCLUDE_TGID:
	case SK_KMOD_IOC_SET_FLAGS:
	case SK_KMOD_IOC_SET_WAKEUP:
		if (copy_from_user(&v, up, sizeof(v)))
			return -EFAULT;
		if (cmd == SK_KMOD_IOC_EXCLUDE_TGID) {
			WRITE_ONCE(sk_settings.exclude_tgid, v);
		} else if (cmd == SK_KMOD_IOC_SET_FLAGS) {
			if (v & ~SK_KMOD_F_ALL)
				return -EINVAL;
			WRITE_ONCE(sk_settings.flags, v);
		} else {
			WRITE_ONCE(r->wakeup_bytes, v);
			WRITE_ONCE(r->ctrl->wakeup_bytes, v);
		}
		return 0;
	case SK_KMOD_IOC_SET_TABLE:
		return sk_table_set(up);
	case SK_KMOD_IOC_ENABLE:
		/* nothing to record from without a table */
		if (!sk_table_loaded())
			return -ENODATA;
		smp_store_release(&sk_settings.enabled, 1);
		return 0;
	case SK_KMOD_IOC_DISABLE:
		smp_store_release(&sk_settings.enabled, 0);
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations sk_fops = {
	.owner = THIS_MODULE,
	.open = sk_open,
	.release = sk_release,
	.mmap = sk_mmap,
	.poll = sk_poll,
	.unlocked_ioctl = sk_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static void sk_dev_cleanup(void)
{
	unsigned int cpu;

	if (sk_class) {
		/* harmless for a device that was not created */
		for_each_possible_cpu(cpu)
			device_destroy(sk_class, MKDEV(MAJOR(sk_devt), cpu));
		sk_ndevs = 0;
		class_destroy(sk_class);
		sk_class = NULL;
	}
	if (sk_cdev.ops)
		cdev_del(&sk_cdev);
	if (sk_devt)
		unregister_chrdev_region(sk_devt, nr_cpu_ids);
	if (sk_rings) {
		for_each_possible_cpu(cpu)
			sk_ring_free(sk_rings[cpu]);
		kfree(sk_rings);
		sk_rings = NULL;
	}
}

int sk_dev_init(u32 ring_size)
{
	unsigned int cpu;
	int err;

	sk_rings = kcalloc(nr_cpu_ids, sizeof(*sk_rings), GFP_KERNEL);
	if (!sk_rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		sk_rings[cpu] = sk_ring_alloc(cpu, ring_size);
		if (!sk_rings[cpu]) {
			err = -ENOMEM;
			goto fail;
		}
	}
	err = alloc_chrdev_region(&sk_devt, 0, nr_cpu_ids, SK_KMOD_NAME);
	if (err) {
		sk_devt = 0;
		goto fail;
	}
	cdev_init(&sk_cdev, &sk_fops);
	sk_cdev.owner = THIS_MODULE;
	err = cdev_add(&sk_cdev, sk_devt, nr_cpu_ids);
	if (err) {
		sk_cdev.ops = NULL;
		goto fail;
	}
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	sk_class = class_create(SK_KMOD_NAME);
#else
	sk_class = class_create(THIS_MODULE, SK_KMOD_NAME);
#endif
	if (IS_ERR(sk_class)) {
		err = PTR_ERR(sk_class);
		sk_class = NULL;
		goto fail;
	}
	for_each_possible_cpu(cpu) {
		struct device *d = device_create(sk_class, NULL, MKDEV(MAJOR(sk_devt), cpu), NULL,
						 SK_KMOD_NAME "%u", cpu);
		if (IS_ERR(d)) {
			err = PTR_ERR(d);
			goto fail;
		}
		sk_ndevs++;
	}
	return 0;
fail:
	sk_dev_cleanup();
	return err;
}

void sk_dev_exit(void)
{
	sk_dev_cleanup();
}
