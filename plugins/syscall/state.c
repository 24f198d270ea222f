/* plugins/syscall/state.c - thread, fd and user tables (see state.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/procfs.h"
#include "state.h"

#define USERDB_REFRESH_NS (60ULL * 1000000000ULL)

struct sk_userdb_ent {
	struct sk_userdb *db;
	uint64_t loaded_ns;
};

static const struct {
	const char *name;
	char c;
} fd_types[SK_FD_NTYPES] = {
    [SK_FD_UNKNOWN] = {"unknown", 'o'},
    [SK_FD_FILE] = {"file", 'f'},
    [SK_FD_DIRECTORY] = {"directory", 'd'},
    [SK_FD_IPV4] = {"ipv4", '4'},
    [SK_FD_IPV6] = {"ipv6", '6'},
    [SK_FD_UNIX] = {"unix", 'u'},
    [SK_FD_PIPE] = {"pipe", 'p'},
    [SK_FD_EVENT] = {"event", 'e'},
    [SK_FD_SIGNALFD] = {"signalfd", 's'},
    [SK_FD_EVENTPOLL] = {"eventpoll", 'l'},
    [SK_FD_INOTIFY] = {"inotify", 'i'},
    [SK_FD_TIMERFD] = {"timerfd", 't'},
    [SK_FD_NETLINK] = {"netlink", 'n'},
    [SK_FD_BPF] = {"bpf", 'b'},
    [SK_FD_USERFAULTFD] = {"userfaultfd", 'u'},
    [SK_FD_IO_URING] = {"io_uring", 'r'},
    [SK_FD_MEMFD] = {"memfd", 'm'},
    [SK_FD_PIDFD] = {"pidfd", 'P'},
};

const char *sk_fd_type_name(unsigned type)
{
	return type < SK_FD_NTYPES ? fd_types[type].name : "unknown";
}

char sk_fd_type_char(unsigned type)
{
	return type < SK_FD_NTYPES ? fd_types[type].c : 'o';
}

const char *sk_l4_name(unsigned l4)
{
	switch (l4) {
	case SK_L4_TCP:
		return "tcp";
	case SK_L4_UDP:
		return "udp";
	case SK_L4_ICMP:
		return "icmp";
	case SK_L4_RAW:
		return "raw";
	default:
		return NULL;
	}
}

int sk_state_set_str(char **dst, const char *src, size_t len)
{
	char *p = malloc(len + 1);
	if (p == NULL) {
		return -ENOMEM;
	}
	if (len) {
		memcpy(p, src, len);
	}
	p[len] = '\0';
	free(*dst);
	*dst = p;
	return 0;
}

/* ---- fds ---- */

static void fd_free(struct sk_fd *fd)
{
	if (fd == NULL) {
		return;
	}
	free(fd->name);
	free(fd->nameraw);
	free(fd);
}

struct sk_files *sk_files_new(void)
{
	struct sk_files *f = calloc(1, sizeof(*f));
	if (f == NULL) {
		return NULL;
	}
	f->refs = 1;
	sk_htab_init(&f->fds);
	return f;
}

void sk_files_put(struct sk_state *st, struct sk_files *f)
{
	if (f == NULL || --f->refs > 0) {
		return;
	}
	for (size_t i = 0; i < f->fds.cap; i++) {
		if (f->fds.slots[i].val != NULL) {
			fd_free(f->fds.slots[i].val);
			st->nfds--;
			st->fds_removed++;
		}
	}
	sk_htab_fini(&f->fds);
	free(f->cwd);
	free(f);
}

static struct sk_fd *fd_copy(const struct sk_fd *src)
{
	struct sk_fd *fd = malloc(sizeof(*fd));
	if (fd == NULL) {
		return NULL;
	}
	*fd = *src;
	fd->name = src->name ? strdup(src->name) : NULL;
	fd->nameraw = src->nameraw ? strdup(src->nameraw) : NULL;
	if ((src->name && !fd->name) || (src->nameraw && !fd->nameraw)) {
		fd_free(fd);
		return NULL;
	}
	return fd;
}

static struct sk_files *files_copy(struct sk_state *st, const struct sk_files *src)
{
	struct sk_files *f = sk_files_new();
	if (f == NULL) {
		return NULL;
	}
	if (src->cwd && (f->cwd = strdup(src->cwd)) == NULL) {
		goto fail;
	}
	for (size_t i = 0; i < src->fds.cap; i++) {
		const struct sk_fd *s = src->fds.slots[i].val;
		if (s == NULL) {
			continue;
		}
		struct sk_fd *d = fd_copy(s);
		if (d == NULL || sk_htab_put(&f->fds, (uint64_t)d->num, d, NULL) < 0) {
			fd_free(d);
			goto fail;
		}
		st->nfds++;
		st->fds_added++;
	}
	return f;
fail:
	sk_files_put(st, f);
	return NULL;
}

struct sk_fd *sk_fd_get(const struct sk_thread *t, int64_t num)
{
	if (t == NULL || t->files == NULL || num < 0) {
		return NULL;
	}
	return sk_htab_get(&t->files->fds, (uint64_t)num);
}

static int cmp_i64_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x > y ? -1 : x < y;
}

/* evict_fds - make room in a full fd table: drop about an eighth of it,
 * the highest fd numbers other than `keep` (a cheap, deterministic choice:
 * long-lived descriptors tend to have low numbers). */
static void evict_fds(struct sk_state *st, struct sk_files *f, int64_t keep)
{
	size_t n = f->fds.n, want = n / 8 + 1, k = 0;
	int64_t *nums = malloc(n * sizeof(*nums));
	if (nums == NULL) {
		return;
	}
	for (size_t i = 0; i < f->fds.cap; i++) {
		const struct sk_fd *fd = f->fds.slots[i].val;
		if (fd != NULL && fd->num != keep && k < n) {
			nums[k++] = fd->num;
		}
	}
	qsort(nums, k, sizeof(*nums), cmp_i64_desc);
	for (size_t i = 0; i < k && i < want; i++) {
		fd_free(sk_htab_del(&f->fds, (uint64_t)nums[i]));
		st->nfds--;
		st->fds_evicted++;
	}
	free(nums);
}

struct sk_fd *sk_fd_add(struct sk_state *st, struct sk_thread *t, int64_t num, uint8_t type)
{
	if (num < 0 || t->files == NULL) {
		return NULL;
	}
	struct sk_fd *fd = calloc(1, sizeof(*fd));
	if (fd == NULL) {
		return NULL;
	}
	fd->num = num;
	fd->type = type;
	if (st->conf.max_fds && t->files->fds.n >= st->conf.max_fds &&
	    sk_htab_get(&t->files->fds, (uint64_t)num) == NULL) {
		evict_fds(st, t->files, num);
	}
	void *old = NULL;
	if (sk_htab_put(&t->files->fds, (uint64_t)num, fd, &old) < 0) {
		free(fd);
		return NULL;
	}
	if (old != NULL) {
		fd_free(old);
		st->fds_removed++;
	} else {
		st->nfds++;
	}
	st->fds_added++;
	return fd;
}

void sk_fd_close(struct sk_state *st, struct sk_thread *t, int64_t num)
{
	if (t == NULL || t->files == NULL || num < 0) {
		return;
	}
	struct sk_fd *fd = sk_htab_del(&t->files->fds, (uint64_t)num);
	if (fd != NULL) {
		fd_free(fd);
		st->nfds--;
		st->fds_removed++;
	}
}

struct sk_fd *sk_fd_dup(struct sk_state *st, struct sk_thread *t, int64_t oldnum, int64_t newnum)
{
	const struct sk_fd *src = sk_fd_get(t, oldnum);
	if (src == NULL || newnum < 0) {
		return NULL;
	}
	if (oldnum == newnum) {
		return (struct sk_fd *)src;
	}
	struct sk_fd *d = fd_copy(src);
	if (d == NULL) {
		return NULL;
	}
	d->num = newnum;
	d->from_proc = false;
	void *old = NULL;
	if (sk_htab_put(&t->files->fds, (uint64_t)newnum, d, &old) < 0) {
		fd_free(d);
		return NULL;
	}
	if (old != NULL) {
		fd_free(old);
		st->fds_removed++;
	} else {
		st->nfds++;
	}
	st->fds_added++;
	return d;
}

int sk_fd_set_tuple_name(struct sk_fd *fd)
{
	char c[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN], buf[2 * INET6_ADDRSTRLEN + 32];
	if (fd->family == AF_INET) {
		inet_ntop(AF_INET, fd->cip, c, sizeof(c));
		inet_ntop(AF_INET, fd->sip, s, sizeof(s));
		snprintf(buf, sizeof(buf), "%s:%u->%s:%u", c, fd->cport, s, fd->sport);
	} else if (fd->family == AF_INET6) {
		inet_ntop(AF_INET6, fd->cip, c, sizeof(c));
		inet_ntop(AF_INET6, fd->sip, s, sizeof(s));
		snprintf(buf, sizeof(buf), "%s:%u->%s:%u", c, fd->cport, s, fd->sport);
	} else {
		return 0;
	}
	return sk_state_set_str(&fd->name, buf, strlen(buf));
}

/* ---- paths ---- */

int sk_path_join(const char *dir, const char *path, char *buf, size_t cap)
{
	char tmp[PATH_MAX * 2];
	int n;
	if (path[0] == '/' || dir == NULL || dir[0] == '\0') {
		n = snprintf(tmp, sizeof(tmp), "/%s", path);
	} else {
		n = snprintf(tmp, sizeof(tmp), "%s/%s", dir, path);
	}
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		return -ENAMETOOLONG;
	}
	/* normalise in place into buf: components separated by one '/' */
	size_t len = 0;
	const char *p = tmp;
	if (cap < 2) {
		return -ENAMETOOLONG;
	}
	buf[len++] = '/';
	while (*p) {
		while (*p == '/') {
			p++;
		}
		if (*p == '\0') {
			break;
		}
		const char *e = p;
		while (*e && *e != '/') {
			e++;
		}
		size_t cl = (size_t)(e - p);
		if (cl == 1 && p[0] == '.') {
			/* skip */
		} else if (cl == 2 && p[0] == '.' && p[1] == '.') {
			if (len > 1) {
				len--; /* the '/' after the last component */
				while (len > 0 && buf[len - 1] != '/') {
					len--;
				}
			}
		} else {
			if (len + cl + 1 >= cap) {
				return -ENAMETOOLONG;
			}
			memcpy(buf + len, p, cl);
			len += cl;
			buf[len++] = '/';
		}
		p = e;
	}
	if (len > 1) {
		len--; /* no trailing '/' */
	}
	buf[len] = '\0';
	return (int)len;
}

/* ---- threads ---- */

static void thread_free(struct sk_state *st, struct sk_thread *t)
{
	if (t == NULL) {
		return;
	}
	free(t->exe);
	free(t->exepath);
	free(t->args);
	free(t->env);
	free(t->cgroups);
	sk_files_put(st, t->files);
	free(t);
}

/* host_root - the host's root directory as this process sees it. */
static const char *host_root(const struct sk_state *st)
{
	return st->conf.host_root && st->conf.host_root[0] ? st->conf.host_root : "/";
}

int sk_state_init(struct sk_state *st, const struct sk_state_conf *conf)
{
	memset(st, 0, sizeof(*st));
	st->conf = *conf;
	st->proc_root = strdup(conf->proc_root ? conf->proc_root : "/proc");
	if (st->proc_root == NULL) {
		return -ENOMEM;
	}
	st->conf.proc_root = st->proc_root;
	sk_htab_init(&st->threads);
	sk_htab_init(&st->userdbs);
	long tck = sysconf(_SC_CLK_TCK);
	st->ticks_per_sec = tck > 0 ? (uint64_t)tck : 100;
	char buf[8192];
	if (sk_procfs_readf(buf, sizeof(buf), "%s/stat", st->proc_root) > 0) {
		const char *b = strstr(buf, "\nbtime ");
		if (b != NULL) {
			st->boot_ns = strtoull(b + 7, NULL, 10) * 1000000000ULL;
		}
	}
	struct stat sb;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/1/root", st->proc_root);
	if (stat(path, &sb) == 0 || stat(host_root(st), &sb) == 0) {
		st->host_root_key = ((uint64_t)sb.st_dev << 40) ^ (uint64_t)sb.st_ino;
	}
	return 0;
}

void sk_state_fini(struct sk_state *st)
{
	for (size_t i = 0; i < st->threads.cap; i++) {
		if (st->threads.slots[i].val != NULL) {
			thread_free(st, st->threads.slots[i].val);
		}
	}
	sk_htab_fini(&st->threads);
	for (size_t i = 0; i < st->userdbs.cap; i++) {
		struct sk_userdb_ent *e = st->userdbs.slots[i].val;
		if (e != NULL) {
			sk_userdb_free(e->db);
			free(e);
		}
	}
	sk_htab_fini(&st->userdbs);
	free(st->proc_root);
	st->proc_root = NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* evict_threads - the table is full: drop about an eighth of it, the
 * threads whose last event is oldest (dead ones first), so a full table
 * costs one scan per many insertions. `keep` stays. */
static void evict_threads(struct sk_state *st, int64_t keep)
{
	size_t n = st->threads.n, want = n / 8 + 1, k = 0;
	uint64_t *ts = malloc(n * sizeof(*ts));
	int64_t *victims = malloc(want * sizeof(*victims));
	if (ts == NULL || victims == NULL) {
		free(ts);
		free(victims);
		return;
	}
	for (size_t i = 0; i < st->threads.cap; i++) {
		const struct sk_thread *t = st->threads.slots[i].val;
		if (t != NULL && k < n) {
			ts[k++] = t->dead ? 0 : t->last_ts;
		}
	}
	qsort(ts, k, sizeof(*ts), cmp_u64);
	uint64_t limit = ts[want <= k ? want - 1 : k - 1];
	size_t nv = 0;
	for (size_t i = 0; i < st->threads.cap && nv < want; i++) {
		const struct sk_thread *t = st->threads.slots[i].val;
		if (t != NULL && t->tid != keep && t->tid != st->pin &&
		    (t->dead ? 0 : t->last_ts) <= limit) {
			victims[nv++] = t->tid;
		}
	}
	for (size_t i = 0; i < nv; i++) {
		thread_free(st, sk_htab_del(&st->threads, (uint64_t)victims[i]));
		st->threads_evicted++;
	}
	free(ts);
	free(victims);
}

static int insert_thread(struct sk_state *st, struct sk_thread *t)
{
	if (st->conf.max_threads && st->threads.n >= st->conf.max_threads &&
	    sk_htab_get(&st->threads, (uint64_t)t->tid) == NULL) {
		evict_threads(st, t->tid);
	}
	void *old = NULL;
	if (sk_htab_put(&st->threads, (uint64_t)t->tid, t, &old) < 0) {
		return -ENOMEM;
	}
	if (old != NULL) {
		thread_free(st, old);
		st->threads_removed++;
	}
	st->threads_added++;
	return 0;
}

struct sk_thread *sk_state_new_thread(struct sk_state *st, int64_t tid)
{
	struct sk_thread *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		return NULL;
	}
	t->tid = tid;
	t->pid = tid;
	t->vtid = -1;
	t->vpid = -1;
	t->ppid = -1;
	t->sid = -1;
	t->pgid = -1;
	t->vpgid = -1;
	t->loginuid = SK_LOGINUID_NONE;
	t->files = sk_files_new();
	if (t->files == NULL || insert_thread(st, t) < 0) {
		thread_free(st, t);
		return NULL;
	}
	return t;
}

static int dup_mem(char **dst, size_t *dst_len, const char *src, size_t len)
{
	*dst = NULL;
	if (dst_len) {
		*dst_len = 0;
	}
	if (src == NULL) {
		return 0;
	}
	*dst = malloc(len + 1);
	if (*dst == NULL) {
		return -ENOMEM;
	}
	memcpy(*dst, src, len);
	(*dst)[len] = '\0';
	if (dst_len) {
		*dst_len = len;
	}
	return 0;
}

struct sk_thread *sk_state_clone(struct sk_state *st, const struct sk_thread *parent, int64_t tid,
				 bool share_files)
{
	struct sk_thread *t = malloc(sizeof(*t));
	if (t == NULL) {
		return NULL;
	}
	*t = *parent;
	t->tid = tid;
	t->from_proc = false;
	t->dead = false;
	/* the kernel counts a new task's page faults from 0 (copy_mm) */
	t->pfmajor = t->pfminor = 0;
	t->pf_known = true;
	t->exe = t->exepath = t->args = t->env = t->cgroups = NULL;
	t->files = NULL;
	int r = 0;
	r |= dup_mem(&t->exe, NULL, parent->exe, parent->exe ? strlen(parent->exe) : 0);
	r |= dup_mem(&t->exepath, NULL, parent->exepath,
		     parent->exepath ? strlen(parent->exepath) : 0);
	r |= dup_mem(&t->args, &t->args_len, parent->args, parent->args_len);
	r |= dup_mem(&t->env, &t->env_len, parent->env, parent->env_len);
	r |= dup_mem(&t->cgroups, &t->cgroups_len, parent->cgroups, parent->cgroups_len);
	if (share_files && parent->files) {
		t->files = parent->files;
		t->files->refs++;
	} else if (parent->files) {
		t->files = files_copy(st, parent->files);
	} else {
		t->files = sk_files_new();
	}
	if (r != 0 || t->files == NULL || insert_thread(st, t) < 0) {
		thread_free(st, t);
		return NULL;
	}
	return t;
}

void sk_state_remove(struct sk_state *st, int64_t tid)
{
	struct sk_thread *t = sk_htab_del(&st->threads, (uint64_t)tid);
	if (t != NULL) {
		thread_free(st, t);
		st->threads_removed++;
	}
}

void sk_state_mark_dead(struct sk_state *st, struct sk_thread *t)
{
	if (t->dead) {
		return;
	}
	t->dead = true;
	if (st->npending == sizeof(st->pending_reap) / sizeof(st->pending_reap[0])) {
		sk_state_reap(st);
	}
	st->pending_reap[st->npending++] = t->tid;
}

void sk_state_reap(struct sk_state *st)
{
	for (size_t i = 0; i < st->npending; i++) {
		struct sk_thread *t = sk_state_thread(st, st->pending_reap[i]);
		if (t != NULL && t->dead) {
			sk_state_remove(st, t->tid);
		}
	}
	st->npending = 0;
}

size_t sk_state_purge(struct sk_state *st, uint64_t older_than_ns)
{
	size_t n = 0, cap = 0;
	int64_t *gone = NULL;
	char path[PATH_MAX];
	struct stat sb;
	if (st->offline) {
		return 0;
	}
	for (size_t i = 0; i < st->threads.cap; i++) {
		const struct sk_thread *t = st->threads.slots[i].val;
		if (t == NULL || t->last_ts >= older_than_ns) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%lld", st->proc_root, (long long)t->tid);
		if (stat(path, &sb) == 0) {
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			int64_t *g = realloc(gone, cap * sizeof(*g));
			if (g == NULL) {
				break;
			}
			gone = g;
		}
		gone[n++] = t->tid;
	}
	for (size_t i = 0; i < n; i++) {
		sk_state_learnt(st, SK_LEARNT_REMOVED, sk_state_thread(st, gone[i]), 0);
		sk_state_remove(st, gone[i]);
	}
	free(gone);
	return n;
}

struct sk_thread *sk_state_parent(const struct sk_state *st, const struct sk_thread *t)
{
	if (t == NULL || t->ppid <= 0 || t->ppid == t->pid) {
		return NULL;
	}
	return sk_state_thread(st, t->ppid);
}

struct sk_thread *sk_state_get_thread(struct sk_state *st, int64_t tid)
{
	struct sk_thread *t = sk_state_thread(st, tid);
	if (t != NULL) {
		return t;
	}
	st->thread_lookup_misses++;
	if (st->conf.scan_proc && !st->offline) {
		st->proc_lookups++;
		t = sk_state_load_tid(st, tid);
		if (t != NULL) {
			return t;
		}
		st->proc_lookup_fails++;
	}
	return sk_state_new_thread(st, tid);
}

/* ---- users ---- */

static uint64_t root_key_of(const struct sk_state *st, int64_t pid, char *path, size_t cap)
{
	struct stat sb;
	if (st->offline) {
		return 0;
	}
	snprintf(path, cap, "%s/%lld/root", st->proc_root, (long long)pid);
	if (stat(path, &sb) != 0) {
		return 0;
	}
	return ((uint64_t)sb.st_dev << 40) ^ (uint64_t)sb.st_ino;
}

/* sibling_root_key - the root of a live process in exactly the same cgroups
 * as t (its container, when t itself is gone: the container's runtime
 * parents live on the host, so ancestors would give the host's root). */
static uint64_t sibling_root_key(const struct sk_state *st, const struct sk_thread *t, char *path,
				 size_t cap)
{
	if (t->cgroups == NULL || t->cgroups_len == 0) {
		return 0;
	}
	int tries = 0; /* bounded: a replay has many dead processes in one cgroup */
	for (size_t i = 0; i < st->threads.cap && tries < 16; i++) {
		const struct sk_thread *o = st->threads.slots[i].val;
		if (o == NULL || o == t || o->pid == t->pid || o->dead ||
		    o->cgroups_len != t->cgroups_len ||
		    memcmp(o->cgroups, t->cgroups, t->cgroups_len) != 0) {
			continue;
		}
		tries++;
		uint64_t key = root_key_of(st, o->pid, path, cap);
		if (key != 0) {
			return key;
		}
	}
	return 0;
}

int sk_state_userdb_put(struct sk_state *st, uint64_t key, struct sk_userdb *db, uint64_t now_ns)
{
	struct sk_userdb_ent *e = sk_htab_get(&st->userdbs, key);
	if (e == NULL) {
		e = calloc(1, sizeof(*e));
		if (e == NULL || sk_htab_put(&st->userdbs, key, e, NULL) < 0) {
			free(e);
			sk_userdb_free(db);
			return -ENOMEM;
		}
	}
	sk_userdb_free(e->db);
	e->db = db;
	e->loaded_ns = now_ns;
	return 0;
}

const struct sk_userdb *sk_state_userdb_of(const struct sk_state *st, uint64_t key)
{
	const struct sk_userdb_ent *e = sk_htab_get(&st->userdbs, key);
	return e ? e->db : NULL;
}

const struct sk_userdb *sk_state_userdb(struct sk_state *st, struct sk_thread *t, uint64_t now_ns,
					bool miss)
{
	char path[PATH_MAX];
	uint64_t old_key = t->root_key;
	if (t->root_key == 0) {
		t->root_key = root_key_of(st, t->pid, path, sizeof(path));
	}
	if (t->root_key == 0) {
		t->root_key = sibling_root_key(st, t, path, sizeof(path));
	}
	if (t->root_key == 0) {
		/* the nearest ancestor's root (known or still readable), or
		 * else the host's */
		const struct sk_thread *a = sk_state_parent(st, t);
		for (int depth = 0; depth < 64 && a != NULL && t->root_key == 0; depth++) {
			t->root_key =
			    a->root_key ? a->root_key : root_key_of(st, a->pid, path, sizeof(path));
			a = sk_state_parent(st, a);
		}
		if (t->root_key == 0) {
			t->root_key = st->host_root_key;
		}
	}
	if (t->root_key != old_key) {
		sk_state_learnt(st, SK_LEARNT_ROOTKEY, t, 0);
	}
	struct sk_userdb_ent *e = sk_htab_get(&st->userdbs, t->root_key);
	if (st->offline || (e != NULL && !(miss && now_ns > e->loaded_ns + USERDB_REFRESH_NS))) {
		return e ? e->db : NULL;
	}
	/* (re)load through a live process with this root: the thread itself,
	 * a process in the same cgroups, or an ancestor */
	const char *root = NULL;
	if (root_key_of(st, t->pid, path, sizeof(path)) == t->root_key ||
	    sibling_root_key(st, t, path, sizeof(path)) == t->root_key) {
		root = path;
	}
	const struct sk_thread *a = sk_state_parent(st, t);
	for (int depth = 0; root == NULL && depth < 64 && a != NULL;
	     depth++, a = sk_state_parent(st, a)) {
		if (root_key_of(st, a->pid, path, sizeof(path)) == t->root_key) {
			root = path;
		}
	}
	if (root == NULL && t->root_key == st->host_root_key) {
		snprintf(path, sizeof(path), "%s/1/root", st->proc_root);
		struct stat sb;
		root = stat(path, &sb) == 0 ? path : host_root(st);
	}
	if (root == NULL) {
		return e ? e->db : NULL;
	}
	struct sk_userdb *db = sk_userdb_load(root);
	if (db == NULL) {
		return e ? e->db : NULL;
	}
	if (sk_state_userdb_put(st, t->root_key, db, now_ns) < 0) {
		return NULL;
	}
	sk_state_learnt(st, SK_LEARNT_USERDB, t, t->root_key);
	return db;
}

const char *sk_state_env(struct sk_state *st, struct sk_thread *t, size_t *ret_len)
{
	if (!t->env_loaded && !st->offline) {
		t->env_loaded = true;
		char *buf = malloc(65536);
		if (buf != NULL) {
			ssize_t n = sk_procfs_readf(buf, 65536, "%s/%lld/environ", st->proc_root,
						    (long long)t->pid);
			if (n > 0) {
				free(t->env);
				t->env = buf;
				/* NUL-separated: the final terminator is not an entry */
				t->env_len = (size_t)n - (buf[n - 1] == '\0');
				buf = NULL;
			}
			free(buf);
		}
		sk_state_learnt(st, SK_LEARNT_ENV, t, 0);
	}
	*ret_len = t->env_len;
	return t->env;
}
