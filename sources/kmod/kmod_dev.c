/* sources/kmod/kmod_dev.c - the shrike module's devices: /dev/shrike<N>
 * for every CPU the module serves, each checked (SK_KMOD_IOC_INFO: the
 * interface version), its control page and ring mapped, and the module set
 * up for this process. The module's settings (syscalls, excluded tgid,
 * flags, enable) are global and go to the first device; the wake-up
 * threshold lives in each control page and goes to every device.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kmod_priv.h"

_Static_assert(sizeof(struct sk_kmod_ctrl) == 256, "struct sk_kmod_ctrl layout changed");

/* Open /dev/shrike<cpu>: 0, -ENOENT when it does not exist, or -errno with
 * the reason in err. */
static int open_one(struct kmod_dev *d, unsigned cpu, char *err, size_t errlen)
{
	char path[64];
	snprintf(path, sizeof(path), "%s%u", SK_KMOD_DEVICE_PREFIX, cpu);
	d->fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	d->cpu = cpu;
	if (d->fd >= 0) {
		return 0;
	}
	int r = -errno;
	if (r == -ENOENT || r == -ENXIO || r == -ENODEV) {
		return -ENOENT;
	}
	if (r == -EBUSY) {
		snprintf(err, errlen,
			 "%s is busy: another process reads the shrike module (one reader at a "
			 "time)",
			 path);
	} else if (r == -EACCES || r == -EPERM) {
		snprintf(err, errlen, "cannot open %s: %s (the kmod source runs as root)", path,
			 strerror(-r));
	} else {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(-r));
	}
	return r;
}

/* SK_KMOD_IOC_INFO and the version check, then the mapping. */
static int check_map(struct kmod_dev *d, struct sk_kmod_info *info, char *err, size_t errlen)
{
	memset(info, 0, sizeof(*info));
	if (ioctl(d->fd, SK_KMOD_IOC_INFO, info) != 0) {
		int r = -errno;
		snprintf(err, errlen, "%s%u: SK_KMOD_IOC_INFO failed: %s", SK_KMOD_DEVICE_PREFIX,
			 d->cpu, strerror(-r));
		return r;
	}
	if ((info->api_version >> 16) != SK_KMOD_API_MAJOR) {
		snprintf(err, errlen,
			 "the shrike module speaks interface %u.%u, this plugin %u.%u: install the "
			 "module of this Shrike version",
			 info->api_version >> 16, info->api_version & 0xffffu, SK_KMOD_API_MAJOR,
			 SK_KMOD_API_MINOR);
		return -EPROTO;
	}
	uint32_t sz = info->ring_size;
	if (sz < 4096 || (sz & (sz - 1)) != 0) {
		snprintf(err, errlen, "%s%u: the module reports a ring of %u bytes, not a power of "
			 "two of at least 4096", SK_KMOD_DEVICE_PREFIX, d->cpu, sz);
		return -EPROTO;
	}
	d->map_len = (size_t)SK_KMOD_CTRL_SIZE + sz;
	void *m = mmap(NULL, d->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);
	if (m == MAP_FAILED) {
		int r = -errno;
		snprintf(err, errlen, "cannot map the ring of %s%u (%zu bytes): %s",
			 SK_KMOD_DEVICE_PREFIX, d->cpu, d->map_len, strerror(-r));
		return r;
	}
	d->map = m;
	kmod_ring_attach(&d->ring, m, sz);
	return 0;
}

int kmod_dev_ioctl(struct kmod *k, unsigned long req, void *arg)
{
	if (k->ndevs == 0) {
		return -ENODEV;
	}
	return ioctl(k->devs[0].fd, req, arg) == 0 ? 0 : -errno;
}

/* SK_KMOD_IOC_SET_TABLE: where each parameter comes from, the ebpf
 * source's table for this configuration. */
static int send_table(struct kmod *k, char *err, size_t errlen)
{
	struct sk_ebpf_sc *rows = calloc(SK_KMOD_MAX_SYSCALLS, sizeof(*rows));
	__u32 *compat = calloc(SK_KMOD_COMPAT_MAX, sizeof(*compat));
	int r = -ENOMEM;
	if (rows == NULL || compat == NULL) {
		snprintf(err, errlen, "out of memory");
	} else if ((r = kmod_conf_table(k->conf, rows, compat, err, errlen)) == 0) {
		struct sk_kmod_table t = {
		    .rows = (__u64)(uintptr_t)rows,
		    .compat = (__u64)(uintptr_t)compat,
		    .nrows = SK_KMOD_MAX_SYSCALLS,
		    .row_size = sizeof(*rows),
		    .ncompat = SK_KMOD_COMPAT_MAX,
		};
		r = kmod_dev_ioctl(k, SK_KMOD_IOC_SET_TABLE, &t);
		if (r < 0) {
			snprintf(err, errlen, "the shrike module refused the syscall table: %s%s",
				 strerror(-r),
				 r == -EINVAL ? " (a module of another Shrike version? dmesg says "
						"which row it refused)"
					      : "");
		}
	}
	free(rows);
	free(compat);
	return r;
}

int kmod_dev_open_all(struct kmod *k, const struct sk_kmod_syscalls *sc, char *err,
		      size_t errlen)
{
	struct kmod_dev first = {.fd = -1};
	struct sk_kmod_info info;
	int r = open_one(&first, 0, err, errlen);
	if (r == -ENOENT) {
		snprintf(err, errlen,
			 "the shrike kernel module is not loaded (no /dev/shrike0): load it with "
			 "`modprobe shrike` (package shrike-dkms)");
		return r;
	}
	if (r < 0) {
		return r;
	}
	r = check_map(&first, &info, err, errlen); /* maps last: nothing to undo but fd */
	if (r < 0) {
		close(first.fd);
		return r;
	}
	unsigned ncpus = info.ncpus == 0 ? 1 : info.ncpus > KM_MAX_DEVS ? KM_MAX_DEVS : info.ncpus;
	k->devs = calloc(ncpus, sizeof(*k->devs));
	if (k->devs == NULL) {
		munmap(first.map, first.map_len);
		close(first.fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	k->devs[0] = first;
	k->ndevs = 1;
	for (unsigned cpu = 1; cpu < ncpus; cpu++) {
		struct kmod_dev *d = &k->devs[k->ndevs];
		r = open_one(d, cpu, err, errlen);
		if (r == -ENOENT) {
			d->fd = -1;
			continue; /* not a CPU the module serves */
		}
		if (r < 0) {
			return r;
		}
		k->ndevs++;
		r = check_map(d, &info, err, errlen);
		if (r < 0) {
			return r;
		}
	}

	__u32 self = (__u32)getpid();
	__u32 flags = kmod_conf_flags(k->conf);
	const char *what = NULL;
	if ((r = send_table(k, err, errlen)) < 0) {
		return r;
	}
	if ((r = kmod_dev_ioctl(k, SK_KMOD_IOC_EXCLUDE_TGID, &self)) < 0) {
		what = "SK_KMOD_IOC_EXCLUDE_TGID";
	} else if ((r = kmod_dev_ioctl(k, SK_KMOD_IOC_SET_FLAGS, &flags)) < 0) {
		what = "SK_KMOD_IOC_SET_FLAGS";
	} else if ((r = kmod_dev_ioctl(k, SK_KMOD_IOC_SET_SYSCALLS, (void *)sc)) < 0) {
		what = "SK_KMOD_IOC_SET_SYSCALLS";
	}
	for (unsigned i = 0; i < k->ndevs && what == NULL; i++) {
		/* as the ebpf probe: wake the reader once a ring is a quarter full */
		__u32 wake = (__u32)(k->devs[i].ring.size / 4);
		if (ioctl(k->devs[i].fd, SK_KMOD_IOC_SET_WAKEUP, &wake) != 0) {
			r = -errno;
			what = "SK_KMOD_IOC_SET_WAKEUP";
		}
	}
	if (what != NULL) {
		snprintf(err, errlen, "the shrike module refused %s: %s", what, strerror(-r));
		return r;
	}
	k->api->log(k->host, SK_LOG_DEBUG, "shrike module %.31s (interface %u.%u, built for Linux %.65s)",
	       info.version, info.api_version >> 16, info.api_version & 0xffffu, info.kernel);
	return 0;
}

void kmod_dev_close_all(struct kmod *k)
{
	for (unsigned i = 0; i < k->ndevs; i++) {
		struct kmod_dev *d = &k->devs[i];
		if (d->map != NULL) {
			munmap(d->map, d->map_len);
		}
		if (d->fd >= 0) {
			close(d->fd);
		}
	}
	free(k->devs);
	k->devs = NULL;
	k->ndevs = 0;
}

void kmod_dev_read_counts(const struct kmod_dev *d, struct kmod_counts *ret)
{
	const struct sk_kmod_ctrl *c = d->ring.ctrl;
	memset(ret, 0, sizeof(*ret));
	if (c == NULL) {
		return;
	}
	/* the module counts a drop in drops before drops_big: read in the
	 * other order, drops_big never exceeds drops */
	ret->drops_big = __atomic_load_n(&c->drops_big, __ATOMIC_ACQUIRE);
	ret->drops = __atomic_load_n(&c->drops, __ATOMIC_ACQUIRE);
	ret->events = __atomic_load_n(&c->events, __ATOMIC_RELAXED);
	ret->drops_fault = __atomic_load_n(&c->drops_fault, __ATOMIC_RELAXED);
	if (ret->drops_big > ret->drops) {
		ret->drops_big = ret->drops;
	}
}

void kmod_dev_counters(struct kmod *k, uint64_t *ret_events, uint64_t *ret_drops)
{
	*ret_events = *ret_drops = 0;
	for (unsigned i = 0; i < k->ndevs; i++) {
		struct kmod_counts c;
		kmod_dev_read_counts(&k->devs[i], &c);
		*ret_events += c.events;
		*ret_drops += c.drops;
	}
}
