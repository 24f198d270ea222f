/* plugins/syscall/state.h - the syscall source's system state: threads and
 * processes, their file descriptors, users and groups per root directory.
 *
 * Seeded from /proc (state_scan.c) and kept current from events (parse.c
 * and its parts).
 * Memory is bounded: exited threads are removed (one event late, so fields
 * of the exit event itself still resolve), closed fds are freed, and tables
 * have caps (max_threads, max_fds) past which the oldest entries go.
 * Everything runs on the event-loop thread: no locking.
 */
#ifndef SK_PLUGINS_SYSCALL_STATE_H
#define SK_PLUGINS_SYSCALL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/htab.h"
#include "userdb.h"

/* fd types, with Falco's fd.type / fd.typechar text (state.c). */
enum sk_fd_type {
	SK_FD_UNKNOWN = 0,
	SK_FD_FILE,
	SK_FD_DIRECTORY,
	SK_FD_IPV4,
	SK_FD_IPV6,
	SK_FD_UNIX,
	SK_FD_PIPE,
	SK_FD_EVENT,
	SK_FD_SIGNALFD,
	SK_FD_EVENTPOLL,
	SK_FD_INOTIFY,
	SK_FD_TIMERFD,
	SK_FD_NETLINK,
	SK_FD_BPF,
	SK_FD_USERFAULTFD,
	SK_FD_IO_URING,
	SK_FD_MEMFD,
	SK_FD_PIDFD,
	SK_FD_NTYPES
};

/* Layer-4 protocols (fd.l4proto text: state.c). */
enum sk_l4 {
	SK_L4_NA = 0,
	SK_L4_TCP,
	SK_L4_UDP,
	SK_L4_ICMP,
	SK_L4_RAW,
};

/* Socket role, as Falco tracks it. */
enum sk_role {
	SK_ROLE_NONE = 0,
	SK_ROLE_CLIENT, /* connect() */
	SK_ROLE_SERVER, /* bind()/listen()/accept() */
};

/* One open file descriptor. The tuple follows Falco: "c" is the client
 * (the connecting side), "s" the server; local/remote follow from `role`. */
struct sk_fd {
	int64_t num;
	uint8_t type;		  /* enum sk_fd_type */
	uint8_t l4proto;	  /* enum sk_l4 */
	uint8_t role;		  /* enum sk_role */
	uint8_t family;		  /* AF_* of sockets, 0 otherwise */
	uint32_t flags;		  /* open flags as the event gave them (PPM_O_* for files) */
	uint32_t dev;		  /* device of files, when known */
	uint64_t ino;		  /* inode, when known */
	char *name;		  /* Falco's fd.name: absolute path, tuple, unix path ... owned */
	char *nameraw;		  /* path as the process passed it, or NULL; owned */
	uint8_t cip[16], sip[16]; /* IPv4 in the first 4 bytes, network order */
	uint16_t cport, sport;
	bool connected;
	bool from_proc; /* found by the /proc scan */
	uint8_t layer;	/* SK_LAYER_* of an opened file (the open record's `layer`) */
};

/* What the threads of a process share (CLONE_FILES/CLONE_FS): the fd table
 * and the working directory. */
struct sk_files {
	unsigned refs;
	char *cwd;	    /* absolute, with a trailing '/' as Falco keeps it; owned */
	struct sk_htab fds; /* fd number -> struct sk_fd */
};

#define SK_LOGINUID_NONE 0xffffffffu
#define SK_COMM_MAX	 16

/* One thread. Process-wide facts (exe, args, ...) are copied into every
 * thread of the process, as a clone copies them. */
struct sk_thread {
	int64_t tid, pid, ppid; /* host pid namespace; ppid = parent's pid */
	int64_t vtid, vpid;	/* in the thread's own pid namespace */
	int64_t sid, pgid, vpgid;
	char comm[SK_COMM_MAX + 1];
	char *exe;     /* argv[0], owned */
	char *exepath; /* full path of the executable, owned */
	char *args;    /* arguments after argv[0], NUL-separated, owned */
	size_t args_len;
	char *env; /* NUL-separated, owned; loaded lazily when env_loaded is false */
	size_t env_len;
	bool env_loaded;
	char *cgroups; /* "controller=path" entries, NUL-separated, owned */
	size_t cgroups_len;
	uint32_t uid, gid, euid, egid, loginuid;
	uint64_t cap_eff, cap_prm, cap_inh;
	uint32_t tty;
	uint64_t fdlimit;
	uint64_t start_ts;	/* clone/start time, ns since the epoch */
	uint64_t pidns_init_ts; /* start of the pid namespace's init, 0: unknown */
	uint64_t pidns;		/* pid namespace inode, 0: unknown */
	uint64_t exe_ino, exe_ctime, exe_mtime;
	bool exe_upper_layer, exe_lower_layer, exe_from_memfd, exe_writable;
	bool from_proc;	   /* seeded by the /proc scan */
	bool dead;	   /* exit seen: removed at the next event */
	uint64_t root_key; /* identity (dev, inode) of the thread's root dir, 0: unknown */
	uint64_t last_ts;  /* time of the last event of this thread */
	struct sk_files *files;
	/* memory of the process (KiB) as the kernel gave it at this thread's
	 * last clone, execve, mmap or munmap, or /proc at start; 0: unknown */
	uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
	/* page faults since the thread started, valid when pf_known (a clone
	 * starts them at 0, /proc gives them, an execve record has none) */
	uint64_t pfmajor, pfminor;
	bool pf_known;
};

/* What the state learnt from outside the events (proc_root, a root's
 * etc/passwd): a capture saves each as it happens (snapshot.c). */
enum sk_learnt {
	SK_LEARNT_THREAD,  /* t (and, when it owns them, its fds) read from proc_root */
	SK_LEARNT_ROOTKEY, /* t->root_key was found out */
	SK_LEARNT_USERDB,  /* the users and groups of root `key` were read */
	SK_LEARNT_ENV,	   /* t's environment was read (or found unreadable) */
	SK_LEARNT_REMOVED, /* t is gone from proc_root and was dropped */
};

/* Configuration of the state tables. */
struct sk_state_conf {
	const char *proc_root; /* "/proc", or a fake tree in tests */
	/* the host's "/" as this process sees it: "/" or $HOST_ROOT, whose
	 * etc/passwd and etc/group give the host's users when PID 1's root
	 * cannot be read under proc_root; borrowed, must outlive the state
	 * (NULL: "/") */
	const char *host_root;
	bool scan_proc;	       /* read /proc at start and for unknown threads */
	size_t max_threads;    /* 0: unbounded */
	size_t max_fds;	       /* per process, 0: unbounded */
};

struct sk_state {
	struct sk_state_conf conf;
	char *proc_root;
	struct sk_htab threads;	  /* tid -> struct sk_thread */
	struct sk_htab userdbs;	  /* root_key -> struct sk_userdb_ent (state.c) */
	int64_t pending_reap[64]; /* tids whose exit was seen, removed at the next event */
	size_t npending;
	uint64_t boot_ns;	/* boot time, ns since the epoch */
	uint64_t ticks_per_sec; /* sysconf(_SC_CLK_TCK) */
	uint64_t host_root_key;
	int64_t pin; /* a tid eviction must spare for now (a parent being copied), 0: none */
	/* The state comes from a capture (snapshot.c): proc_root and the
	 * roots' files are never read; what the live run read from them
	 * arrives as state records instead. */
	bool offline;
	/* Called when state is learnt from outside the events; NULL: nobody
	 * listens. `key` is the root key of SK_LEARNT_USERDB. */
	void (*learnt)(void *ctx, enum sk_learnt what, const struct sk_thread *t, uint64_t key);
	void *learnt_ctx;
	/* counters, for metrics and the periodic log line: an entry that
	 * replaces one of the same number counts as one added and one
	 * removed; purged threads count as removed, evicted ones do not */
	uint64_t nfds;
	uint64_t threads_added, threads_removed, threads_evicted;
	uint64_t fds_added, fds_removed, fds_evicted;
	uint64_t proc_lookups, proc_lookup_fails;
	/* an event's thread (sk_state_get_thread) or the descriptor its fd
	 * parameter names (parse.c) was not in the table when looked up */
	uint64_t thread_lookup_misses, fd_lookup_misses;
};

/* sk_state_init - empty tables with `conf` (proc_root copied). Does not
 * scan. Returns 0 or -ENOMEM. */
int sk_state_init(struct sk_state *st, const struct sk_state_conf *conf);

/* sk_state_fini - free everything. */
void sk_state_fini(struct sk_state *st);

/* sk_state_scan - read every process and thread of proc_root into the
 * table (state_scan.c). Returns the number of threads added, or -errno when
 * proc_root cannot be read. */
int sk_state_scan(struct sk_state *st);

/* sk_state_load_tid - read one thread (and, when missing, its process) from
 * proc_root into the table. Returns the thread or NULL when it does not
 * exist there. */
struct sk_thread *sk_state_load_tid(struct sk_state *st, int64_t tid);

/* sk_state_thread - the thread `tid`, or NULL. */
static inline struct sk_thread *sk_state_thread(const struct sk_state *st, int64_t tid)
{
	return sk_htab_get(&st->threads, (uint64_t)tid);
}

/* sk_state_get_thread - the thread `tid`: from the table, or (a miss,
 * counted in thread_lookup_misses) read from proc_root when scan_proc is
 * on, or a new empty entry. NULL only when out of memory. */
struct sk_thread *sk_state_get_thread(struct sk_state *st, int64_t tid);

/* sk_state_new_thread - a zeroed thread `tid` with fresh files, replacing
 * (and freeing) any previous entry with that tid. NULL when out of memory. */
struct sk_thread *sk_state_new_thread(struct sk_state *st, int64_t tid);

/* sk_state_clone - a new thread `tid` copied from `parent`; shares the
 * parent's files when share_files (threads), else copies them (fork).
 * NULL when out of memory. */
struct sk_thread *sk_state_clone(struct sk_state *st, const struct sk_thread *parent, int64_t tid,
				 bool share_files);

/* sk_state_remove - drop thread `tid` now (no-op when absent). */
void sk_state_remove(struct sk_state *st, int64_t tid);

/* sk_state_mark_dead - the thread exited: it stays until the next
 * sk_state_reap(). */
void sk_state_mark_dead(struct sk_state *st, struct sk_thread *t);

/* sk_state_reap - remove the threads marked dead. Called before each
 * event is parsed. */
void sk_state_reap(struct sk_state *st);

/* sk_state_purge - remove the threads whose last event is older than
 * `older_than_ns` and that no longer exist under proc_root (their exit
 * was lost). Returns how many went. Only meaningful with scan_proc (a live
 * source). */
size_t sk_state_purge(struct sk_state *st, uint64_t older_than_ns);

/* sk_state_parent - the thread of t's parent process (its pid), or NULL. */
struct sk_thread *sk_state_parent(const struct sk_state *st, const struct sk_thread *t);

/* sk_state_learnt - tell the `learnt` hook, if any. */
static inline void sk_state_learnt(const struct sk_state *st, enum sk_learnt what,
				   const struct sk_thread *t, uint64_t key)
{
	if (st->learnt != NULL) {
		st->learnt(st->learnt_ctx, what, t, key);
	}
}

/* sk_state_userdb_put - keep `db` (owned from now on) as the users and
 * groups of root `key`, replacing what was there. Returns 0 or -ENOMEM
 * (db freed). */
int sk_state_userdb_put(struct sk_state *st, uint64_t key, struct sk_userdb *db, uint64_t now_ns);

/* sk_state_userdb_of - the users and groups kept for root `key`, or NULL. */
const struct sk_userdb *sk_state_userdb_of(const struct sk_state *st, uint64_t key);

/* sk_state_files_new - an empty fd table with one reference, or NULL. */
struct sk_files *sk_files_new(void);

/* sk_files_put - drop one reference of `f` (NULL ok), freeing it with the
 * last. */
void sk_files_put(struct sk_state *st, struct sk_files *f);

/* sk_state_set_str - replace *dst with a copy of src[0..len) plus a NUL.
 * Returns 0 or -ENOMEM (dst unchanged). */
int sk_state_set_str(char **dst, const char *src, size_t len);

/* ---- fds ---- */

/* sk_fd_get - fd `num` of t's process, or NULL. */
struct sk_fd *sk_fd_get(const struct sk_thread *t, int64_t num);

/* sk_fd_add - a new zeroed fd `num` in t's process (replacing and freeing
 * a previous one). NULL when out of memory. */
struct sk_fd *sk_fd_add(struct sk_state *st, struct sk_thread *t, int64_t num, uint8_t type);

/* sk_fd_close - remove fd `num` of t's process. */
void sk_fd_close(struct sk_state *st, struct sk_thread *t, int64_t num);

/* sk_fd_dup - copy fd `oldnum` of t's process to `newnum` (closing what
 * newnum held). Returns the new fd or NULL when oldnum is unknown or out of
 * memory. */
struct sk_fd *sk_fd_dup(struct sk_state *st, struct sk_thread *t, int64_t oldnum, int64_t newnum);

/* sk_fd_type_name / sk_fd_type_char - Falco's fd.type and fd.typechar. */
const char *sk_fd_type_name(unsigned type);
char sk_fd_type_char(unsigned type);

/* sk_l4_name - fd.l4proto text: "tcp", "udp", "icmp", "raw"; NULL for NA. */
const char *sk_l4_name(unsigned l4);

/* sk_fd_set_tuple_name - rebuild fd->name from its tuple: for IPv4
 * "1.2.3.4:5->6.7.8.9:80", IPv6 "[::1]:5->[::1]:80" (client->server). */
int sk_fd_set_tuple_name(struct sk_fd *fd);

/* ---- paths ---- */

/* sk_path_join - resolve `path` against directory `dir` (absolute, may lack
 * a trailing '/') and normalise "." , ".." and repeated '/': writes the
 * absolute result into buf (cap bytes). An absolute `path` ignores dir.
 * Returns the length, or -ENAMETOOLONG. */
int sk_path_join(const char *dir, const char *path, char *buf, size_t cap);

/* ---- users ---- */

/* sk_state_userdb - the users and groups of t's root directory: the root
 * of /proc/PID/root for the thread's process (or an ancestor's, when the
 * process is gone), loaded once and cached per root (refreshed after 60 s
 * of event time when an id is not found). NULL when nothing can be read. */
const struct sk_userdb *sk_state_userdb(struct sk_state *st, struct sk_thread *t, uint64_t now_ns,
					bool miss);

/* sk_state_env - t's environment (NUL-separated, length in *ret_len):
 * loaded from /proc/PID/environ on first use while the process lives.
 * NULL when unknown. */
const char *sk_state_env(struct sk_state *st, struct sk_thread *t, size_t *ret_len);

#endif /* SK_PLUGINS_SYSCALL_STATE_H */
