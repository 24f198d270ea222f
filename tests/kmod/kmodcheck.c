/* tests/kmod/kmodcheck.c - drives shrike.ko from inside a test VM
 * (tests/kmod/vm_module.sh): opens /dev/shrike0 (and checks that a second
 * open is refused), asks SK_KMOD_IOC_INFO, selects openat and close,
 * checks that recording cannot start before the module has a syscall table
 * (ENODATA), gives it the ebpf source's table (SK_KMOD_IOC_SET_TABLE, from
 * sources/ebpf/ebpf_conf.c), records while it opens and closes files
 * itself on CPU 0, then reads the ring it mapped: every record must pass
 * sk_evt_check() and its own openat and close records must carry their
 * parameters (the descriptor, AT_FDCWD, the path, O_RDONLY). Prints one line of key=value results
 * ("kmodcheck: ...") and exits 0 when all is as expected. Then it checks
 * the other settings: the excluded tgid, SK_KMOD_F_DROP_FAILED_EXIT, an
 * empty syscall set, recording disabled; and that a private mapping and
 * unknown flags are refused.
 *
 * With `wrap` (the module loaded with a small ring), it then makes the
 * ring wrap many times while reading it (padding records), and overflows
 * it without reading: the drops are counted and reported by one
 * SK_EVT_DROP record with the number lost, before the next record.
 *
 *   kmodcheck [wrap]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <shrike/event.h>
#include <shrike/syscall_events.h>
#include "sources/ebpf/ebpf_conf.h"
#include "sources/kmod/shrike_kmod.h"

#define LOOPS 40

static void setbit(struct sk_kmod_syscalls *s, unsigned nr)
{
	s->bits[nr / 64] |= 1ull << (nr % 64);
}

struct counts {
	unsigned n, bad, pads, nopen, nclose, enoent, mine, dropevts, badparams;
	unsigned long long lost; /* sum of the SK_EVT_DROP records' counts */
};

static long long param_i64(const struct sk_evt_hdr *rec, unsigned i, int *ok)
{
	const void *d = NULL;
	sk_u32 l = 0;
	long long v = 0;
	if (sk_evt_param(rec, i, &d, &l) != 0 || l != 8) {
		*ok = 0;
		return 0;
	}
	memcpy(&v, d, 8);
	return v;
}

/* openat: fd, dirfd, name, flags, mode, dev, ino, layer */
static int openat_params(const struct sk_evt_hdr *rec, long long res)
{
	const void *d = NULL;
	sk_u32 l = 0, flags = 1;
	int ok = 1;
	if (param_i64(rec, 1, &ok) != AT_FDCWD || sk_evt_param(rec, 2, &d, &l) != 0) {
		return 0;
	}
	const char *want = res >= 0 ? "/proc/self/stat" : "/nonexistent/kmodcheck";
	if (l != strlen(want) + 1 || memcmp(d, want, l) != 0) {
		return 0;
	}
	if (sk_evt_param(rec, 3, &d, &l) != 0 || l != 4) {
		return 0;
	}
	memcpy(&flags, d, 4);
	/* a descriptor that was opened has an inode */
	if (res >= 0 && param_i64(rec, 6, &ok) == 0) {
		return 0;
	}
	return ok && flags == O_RDONLY;
}

/* close: res, fd */
static int close_params(const struct sk_evt_hdr *rec)
{
	int ok = 1;
	long long fd = param_i64(rec, 1, &ok);
	return ok && (fd >= 0 || fd == -1);
}

/* Read every record from tail to head as a reader does, check each, count
 * them, and give the space back (tail, release). */
static void consume(struct counts *c, struct sk_kmod_ctrl *ctrl, const unsigned char *ring,
		    unsigned size, long tid)
{
	unsigned long long head = __atomic_load_n(&ctrl->head, __ATOMIC_ACQUIRE);
	unsigned long long tail = ctrl->tail;
	unsigned mask = size - 1;
	while (tail < head) {
		unsigned pos = (unsigned)(tail & mask);
		unsigned room = size - pos;
		struct sk_evt_hdr h;
		if (room < SK_EVT_HDR_SIZE || (pos & 7u) != 0) {
			c->bad++;
			break;
		}
		memcpy(&h, ring + pos, sizeof(h));
		if (h.type == SK_KMOD_PAD_TYPE) {
			if (h.len != room) {
				c->bad++;
				break;
			}
			c->pads++;
			tail += room;
			continue;
		}
		if (sk_evt_check(ring + pos, room) != 0) {
			c->bad++;
			break;
		}
		const struct sk_evt_hdr *rec = (const struct sk_evt_hdr *)(ring + pos);
		const void *d = NULL;
		sk_u32 l;
		c->n++;
		tail += (h.len + 7u) & ~7u;
		if (h.type == SK_EVT_DROP) {
			unsigned long long lost;
			if (h.nparams != 2 || sk_evt_param(rec, 0, &d, &l) != 0 || l != 8) {
				c->bad++;
				continue;
			}
			memcpy(&lost, d, 8);
			c->lost += lost;
			c->dropevts++;
			continue;
		}
		int ok = sk_evt_param(rec, 0, &d, &l) == 0 && l == 8;
		const struct sk_sc_event *e = sk_sc_event_info(h.type);
		if (!ok || e == NULL || e->nparams != h.nparams || h.flags != 0 || h.ts == 0) {
			c->bad++;
		} else if (h.tid == (sk_u64)tid) {
			long long res;
			sk_evt_param(rec, 0, &d, &l);
			memcpy(&res, d, 8);
			c->mine++;
			if (h.type == SK_SC_OPENAT) {
				c->nopen++;
				c->enoent += res == -ENOENT;
				c->badparams += !openat_params(rec, res);
			} else if (h.type == SK_SC_CLOSE) {
				c->nclose++;
				c->badparams += !close_params(rec);
			}
		}
	}
	__atomic_store_n(&ctrl->tail, tail, __ATOMIC_RELEASE);
}

/* openat (88-byte records) and close (48) by turns, both failing at once,
 * so that records do not end exactly at the end of the ring */
static void calls(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (i & 1) {
			close(-1);
		} else {
			openat(AT_FDCWD, "/nonexistent/kmodcheck", O_RDONLY);
		}
	}
}

static int wrap_and_drops(int fd, struct sk_kmod_ctrl *ctrl, const unsigned char *ring,
			  unsigned size, long tid)
{
	struct counts w = {0}, d = {0};
	unsigned per = size / 48 / 4; /* a quarter of the ring between reads */
	unsigned total = 0;
	ioctl(fd, SK_KMOD_IOC_ENABLE);
	for (unsigned round = 0; round < 40; round++) {
		calls(per);
		total += per;
		consume(&w, ctrl, ring, size, tid);
	}
	unsigned long long drops0 = ctrl->drops;
	/* twice the ring without reading, then read, then a few more */
	unsigned over = 2 * size / 40;
	calls(over);
	consume(&d, ctrl, ring, size, tid);
	calls(10);
	ioctl(fd, SK_KMOD_IOC_DISABLE);
	consume(&d, ctrl, ring, size, tid);
	unsigned long long drops = ctrl->drops - drops0;
	/* a full ring, not a record too large: drops_big stays 0 */
	unsigned long long big = ctrl->drops_big;
	printf("kmodcheck: wrap_calls=%u wrap_mine=%u wrap_pads=%u wrap_bad=%u wrap_drops=%llu "
	       "over_calls=%u over_mine=%u dropped=%llu drop_records=%u reported=%llu over_bad=%u "
	       "too_big=%llu\n",
	       total, w.mine, w.pads, w.bad, drops0, over + 10, d.mine, drops, d.dropevts, d.lost,
	       d.bad, big);
	return w.bad == 0 && w.mine == total && w.pads > 0 && drops0 == 0 && d.bad == 0 &&
	       drops > 0 && d.dropevts >= 1 && d.lost == drops && d.mine + drops == over + 10 &&
	       big == 0;
}

/* n successful openat+close pairs and n failing openat */
static void opens(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int f = openat(AT_FDCWD, "/proc/self/stat", O_RDONLY);
		if (f >= 0) {
			close(f);
		}
		openat(AT_FDCWD, "/nonexistent/kmodcheck", O_RDONLY);
	}
}

/* What each setting changes, and what is refused. */
static int settings(int fd, struct sk_kmod_ctrl *ctrl, const unsigned char *ring, unsigned size,
		    long tid)
{
	struct counts ex = {0}, nofail = {0}, none = {0}, off = {0};
	unsigned self = (unsigned)getpid(), zero = 0, dfe = SK_KMOD_F_DROP_FAILED_EXIT, bad = 0x80;
	struct sk_kmod_syscalls sc;

	/* a private mapping would hide the reader's tail from the module */
	void *p = mmap(NULL, SK_KMOD_CTRL_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	int private_refused = p == MAP_FAILED && errno == EINVAL;
	if (p != MAP_FAILED) {
		munmap(p, SK_KMOD_CTRL_SIZE);
	}
	int flags_refused = ioctl(fd, SK_KMOD_IOC_SET_FLAGS, &bad) != 0 && errno == EINVAL;

	ioctl(fd, SK_KMOD_IOC_EXCLUDE_TGID, &self);
	ioctl(fd, SK_KMOD_IOC_ENABLE);
	opens(5);
	ioctl(fd, SK_KMOD_IOC_DISABLE);
	consume(&ex, ctrl, ring, size, tid);
	ioctl(fd, SK_KMOD_IOC_EXCLUDE_TGID, &zero);

	ioctl(fd, SK_KMOD_IOC_SET_FLAGS, &dfe);
	ioctl(fd, SK_KMOD_IOC_ENABLE);
	opens(5);
	ioctl(fd, SK_KMOD_IOC_DISABLE);
	consume(&nofail, ctrl, ring, size, tid);
	ioctl(fd, SK_KMOD_IOC_SET_FLAGS, &zero);

	opens(5); /* disabled */
	consume(&off, ctrl, ring, size, tid);

	memset(&sc, 0, sizeof(sc));
	ioctl(fd, SK_KMOD_IOC_SET_SYSCALLS, &sc);
	ioctl(fd, SK_KMOD_IOC_ENABLE);
	opens(5);
	ioctl(fd, SK_KMOD_IOC_DISABLE);
	consume(&none, ctrl, ring, size, tid);

	printf("kmodcheck: excluded=%u drop_failed_exit=%u/%u/%u disabled=%u no_syscalls=%u "
	       "private_map=%s bad_flags=%s\n",
	       ex.n, nofail.nopen, nofail.enoent, nofail.nclose, off.n, none.n,
	       private_refused ? "refused" : "accepted", flags_refused ? "refused" : "accepted");
	return private_refused && flags_refused && ex.n == 0 && nofail.bad == 0 &&
	       nofail.nopen == 5 && nofail.enoent == 0 && nofail.nclose == 5 && off.n == 0 &&
	       none.n == 0 && nofail.badparams == 0;
}

int main(int argc, char **argv)
{
	int wrap = argc > 1 && strcmp(argv[1], "wrap") == 0;
	const char *dev = SK_KMOD_DEVICE_PREFIX "0";
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("kmodcheck: error=open errno=%d (%s)\n", errno, strerror(errno));
		return 1;
	}
	int fd2 = open(dev, O_RDWR | O_CLOEXEC);
	int busy = fd2 < 0 && errno == EBUSY;
	if (fd2 >= 0) {
		close(fd2);
	}

	struct sk_kmod_info info;
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, SK_KMOD_IOC_INFO, &info) != 0) {
		printf("kmodcheck: error=info errno=%d\n", errno);
		return 1;
	}
	info.kernel[sizeof(info.kernel) - 1] = '\0';
	info.version[sizeof(info.version) - 1] = '\0';
	printf("kmodcheck: api=%u.%u cpu=%u ring=%u ncpus=%u kernel=%s version=%s busy=%s\n",
	       info.api_version >> 16, info.api_version & 0xffff, info.cpu, info.ring_size,
	       info.ncpus, info.kernel, info.version, busy ? "yes" : "no");
	if (info.ring_size == 0 || (info.ring_size & (info.ring_size - 1)) != 0) {
		printf("kmodcheck: error=ring_size\n");
		return 1;
	}

	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(info.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		printf("kmodcheck: error=affinity errno=%d\n", errno);
		return 1;
	}
	size_t maplen = SK_KMOD_CTRL_SIZE + (size_t)info.ring_size;
	unsigned char *m = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		printf("kmodcheck: error=mmap errno=%d\n", errno);
		return 1;
	}
	struct sk_kmod_ctrl *ctrl = (struct sk_kmod_ctrl *)m;
	const unsigned char *ring = m + SK_KMOD_CTRL_SIZE;

	/* no table yet: nothing to record from */
	int notable = ioctl(fd, SK_KMOD_IOC_ENABLE) != 0 && errno == ENODATA;
	static struct sk_ebpf_sc rows[SK_KMOD_MAX_SYSCALLS];
	static __u32 compat[SK_KMOD_COMPAT_MAX];
	struct ebpf_conf ec;
	char err[256];
	memset(&ec, 0, sizeof(ec));
	if (ebpf_build_table(&ec, rows, err, sizeof(err)) != 0) {
		printf("kmodcheck: error=table %s\n", err);
		return 1;
	}
	ebpf_build_compat(rows, compat);
	struct sk_kmod_table tab = {.rows = (__u64)(uintptr_t)rows,
				    .compat = (__u64)(uintptr_t)compat,
				    .nrows = SK_KMOD_MAX_SYSCALLS,
				    .row_size = sizeof(rows[0]),
				    .ncompat = SK_KMOD_COMPAT_MAX};
	/* a row that does not match the event table is refused */
	rows[SYS_openat].nparams++;
	int badrow = ioctl(fd, SK_KMOD_IOC_SET_TABLE, &tab) != 0 && errno == EINVAL;
	rows[SYS_openat].nparams--;
	if (ioctl(fd, SK_KMOD_IOC_SET_TABLE, &tab) != 0) {
		printf("kmodcheck: error=set_table errno=%d\n", errno);
		return 1;
	}
	struct sk_kmod_syscalls sc;
	memset(&sc, 0, sizeof(sc));
	setbit(&sc, SYS_openat);
	setbit(&sc, SYS_close);
	unsigned zero = 0;
	if (ioctl(fd, SK_KMOD_IOC_SET_SYSCALLS, &sc) != 0 ||
	    ioctl(fd, SK_KMOD_IOC_EXCLUDE_TGID, &zero) != 0 ||
	    ioctl(fd, SK_KMOD_IOC_SET_WAKEUP, &zero) != 0 || ioctl(fd, SK_KMOD_IOC_ENABLE) != 0) {
		printf("kmodcheck: error=ioctl errno=%d\n", errno);
		return 1;
	}
	long tid = syscall(SYS_gettid);
	for (int i = 0; i < LOOPS; i++) {
		int f = openat(AT_FDCWD, "/proc/self/stat", O_RDONLY);
		if (f >= 0) {
			close(f);
		}
	}
	int fails = openat(AT_FDCWD, "/nonexistent/kmodcheck", O_RDONLY); /* -ENOENT */
	(void)fails;
	ioctl(fd, SK_KMOD_IOC_DISABLE);

	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int readable = poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);

	struct counts c = {0};
	consume(&c, ctrl, ring, info.ring_size, tid);
	int ok = c.bad == 0 && busy && c.nopen >= LOOPS + 1 && c.nclose >= LOOPS && c.enoent >= 1 &&
		 c.badparams == 0 && notable && badrow;
	printf("kmodcheck: records=%u mine=%u openat=%u close=%u enoent=%u bad=%u badparams=%u "
	       "pads=%u events=%llu drops=%llu readable=%s no_table=%s bad_row=%s ok=%s\n",
	       c.n, c.mine, c.nopen, c.nclose, c.enoent, c.bad, c.badparams, c.pads,
	       (unsigned long long)ctrl->events, (unsigned long long)ctrl->drops,
	       readable ? "yes" : "no", notable ? "refused" : "accepted",
	       badrow ? "refused" : "accepted", ok ? "yes" : "no");
	if (ok && !wrap) {
		ok = settings(fd, ctrl, ring, info.ring_size, tid);
	}
	if (ok && wrap) {
		ok = wrap_and_drops(fd, ctrl, ring, info.ring_size, tid);
	}
	munmap(m, maplen);
	close(fd);
	return ok ? 0 : 1;
}
