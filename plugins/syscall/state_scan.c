/* plugins/syscall/state_scan.c - seed the state from /proc: processes,
 * threads, their credentials, capabilities, namespaces, cgroups and open
 * fds (with socket tuples from the process's own network namespace). */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <shrike/syscall_events.h>

#include "../common/procfs.h"
#include "state.h"

#define SCAN_BUF 65536

/* A socket found in /proc/PID/net/... by inode, during one scan. */
struct net_sock {
	uint8_t type, l4, family, role;
	uint8_t cip[16], sip[16];
	uint16_t cport, sport;
	bool connected;
	char *name;
};

/* Sockets of one network namespace: inode -> struct net_sock. */
struct netns_socks {
	struct sk_htab socks;
};

struct scan_ctx {
	struct sk_state *st;
	char *buf;	      /* SCAN_BUF bytes */
	struct sk_htab netns; /* netns inode -> struct netns_socks */
};

static int64_t parse_i64(const char *s)
{
	return strtoll(s, NULL, 10);
}

/* status_field - the value text of "Key:\t..." in /proc/PID/status, or
 * NULL. */
static const char *status_field(const char *status, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = status; p && *p;) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
			p += kl + 1;
			while (*p == ' ' || *p == '\t') {
				p++;
			}
			return p;
		}
		p = strchr(p, '\n');
		if (p) {
			p++;
		}
	}
	return NULL;
}

/* last_number - the last number on the line at p (NSpid: 1234 5). */
static int64_t last_number(const char *p)
{
	int64_t v = -1;
	while (p && *p && *p != '\n') {
		while (*p == ' ' || *p == '\t') {
			p++;
		}
		if (*p >= '0' && *p <= '9') {
			v = strtoll(p, (char **)&p, 10);
		} else if (*p && *p != '\n') {
			p++;
		}
	}
	return v;
}

static uint64_t ns_inode(const struct sk_state *st, const char *pid, const char *ns)
{
	char path[PATH_MAX], link[128];
	snprintf(path, sizeof(path), "%s/%s/ns/%s", st->proc_root, pid, ns);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		return 0;
	}
	link[n] = '\0';
	const char *b = strchr(link, '[');
	return b ? strtoull(b + 1, NULL, 10) : 0;
}

/* read_link - readlink into a malloc'd string, or NULL. */
static char *read_link(const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0) {
		return NULL;
	}
	buf[n] = '\0';
	return strdup(buf);
}

/* cgroups_from_proc - /proc/PID/cgroup lines "N:ctrls:path" into Falco's
 * "ctrls=path" entries (v2's empty controller list becomes "unified"),
 * NUL-separated. */
static int cgroups_from_proc(struct sk_thread *t, const char *text)
{
	size_t cap = strlen(text) + 64, len = 0;
	char *out = malloc(cap);
	if (out == NULL) {
		return -ENOMEM;
	}
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);
		const char *c1 = memchr(line, ':', (size_t)(end - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		if (c2 != NULL) {
			const char *ctrl = c1 + 1;
			size_t cl = (size_t)(c2 - ctrl);
			if (cl == 0) {
				ctrl = "unified";
				cl = 7;
			}
			size_t pl = (size_t)(end - c2 - 1);
			if (len + cl + pl + 2 + 8 > cap) {
				cap = (len + cl + pl + 2) * 2;
				char *n = realloc(out, cap);
				if (n == NULL) {
					free(out);
					return -ENOMEM;
				}
				out = n;
			}
			memcpy(out + len, ctrl, cl);
			len += cl;
			out[len++] = '=';
			memcpy(out + len, c2 + 1, pl);
			len += pl;
			out[len++] = '\0';
		}
		line = nl ? nl + 1 : NULL;
	}
	free(t->cgroups);
	t->cgroups = out;
	/* entries are NUL-separated: the last terminator is not part of the
	 * list (as for the records' cgroups) */
	t->cgroups_len = len ? len - 1 : 0;
	if (len == 0) {
		out[0] = '\0';
	}
	return 0;
}

/* exe_layer - the overlayfs layer (SK_LAYER_*) of the executable at
 * `exepath` (as seen from the process's root): find the overlay mount
 * holding it in /proc/PID/mountinfo, then look for the file below that
 * mount's upperdir (upper layer); on an overlay but not there: a lower
 * layer. */
static uint8_t exe_layer(struct scan_ctx *c, const char *pid, const char *exepath)
{
	if (exepath == NULL || exepath[0] != '/') {
		return SK_LAYER_NONE;
	}
	if (sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/mountinfo", c->st->proc_root, pid) <= 0) {
		return SK_LAYER_NONE;
	}
	const char *best_mnt = NULL, *best_upper = NULL;
	size_t best_len = 0, best_ul = 0;
	for (char *line = c->buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl) {
			*nl = '\0';
		}
		/* id parent maj:min root mountpoint opts [optional...] - fstype src superopts */
		char *f[6] = {0};
		char *p = line;
		for (int i = 0; i < 5 && p; i++) {
			f[i] = p;
			p = strchr(p, ' ');
			if (p) {
				*p++ = '\0';
			}
		}
		char *dash = p ? strstr(p, " - ") : NULL;
		if (f[4] && dash && strncmp(dash + 3, "overlay ", 8) == 0) {
			const char *mnt = f[4];
			size_t ml = strlen(mnt);
			bool under = strcmp(mnt, "/") == 0 ||
				     (strncmp(exepath, mnt, ml) == 0 && exepath[ml] == '/');
			const char *up = strstr(dash, "upperdir=");
			if (under && up && (best_mnt == NULL || ml > best_len)) {
				best_mnt = mnt;
				best_len = strcmp(mnt, "/") == 0 ? 0 : ml;
				best_upper = up + 9;
				best_ul = strcspn(best_upper, ", ");
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	if (best_upper == NULL) {
		return SK_LAYER_NONE;
	}
	char path[PATH_MAX];
	int n =
	    snprintf(path, sizeof(path), "%.*s%s", (int)best_ul, best_upper, exepath + best_len);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		return SK_LAYER_NONE;
	}
	struct stat sb;
	return lstat(path, &sb) == 0 ? SK_LAYER_UPPER : SK_LAYER_LOWER;
}

/* ---- sockets ---- */

static void net_sock_free(struct net_sock *s)
{
	if (s) {
		free(s->name);
		free(s);
	}
}

static void hex_addr(const char *hex, uint8_t *out, int words)
{
	for (int w = 0; w < words; w++) {
		char tmp[9];
		memcpy(tmp, hex + 8 * w, 8);
		tmp[8] = '\0';
		uint32_t v = (uint32_t)strtoul(tmp, NULL, 16);
		memcpy(out + 4 * w, &v, 4); /* the kernel prints the raw __be32 as a host u32 */
	}
}

static void add_sock(struct netns_socks *ns, uint64_t ino, struct net_sock *s)
{
	void *old = NULL;
	if (sk_htab_put(&ns->socks, ino, s, &old) < 0) {
		net_sock_free(s);
		return;
	}
	net_sock_free(old);
}

/* read_inet - /proc/PID/net/{tcp,udp,raw}{,6}. */
static void read_inet(struct scan_ctx *c, const char *pid, const char *file, int family, int l4,
		      struct netns_socks *ns)
{
	if (sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/net/%s", c->st->proc_root, pid, file) <= 0) {
		return;
	}
	int words = family == AF_INET ? 1 : 4;
	char *line = strchr(c->buf, '\n');
	while (line && *++line) {
		char *nl = strchr(line, '\n');
		if (nl) {
			*nl = '\0';
		}
		char la[40], ra[40];
		unsigned lport, rport, state;
		unsigned long long ino;
		if (sscanf(line,
			   " %*d: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %*s %*s %*s %*s %*s %llu",
			   la, &lport, ra, &rport, &state, &ino) == 6 &&
		    ino != 0 && strlen(la) == (size_t)words * 8 &&
		    strlen(ra) == (size_t)words * 8) {
			struct net_sock *s = calloc(1, sizeof(*s));
			if (s == NULL) {
				return;
			}
			s->family = (uint8_t)family;
			s->type = family == AF_INET ? SK_FD_IPV4 : SK_FD_IPV6;
			s->l4 = (uint8_t)l4;
			uint8_t l[16] = {0}, r[16] = {0};
			hex_addr(la, l, words);
			hex_addr(ra, r, words);
			bool listening = l4 == SK_L4_TCP && state == 0x0a;
			bool unconnected = rport == 0;
			if (listening || unconnected) {
				/* a server socket: only the local end */
				s->role = listening ? SK_ROLE_SERVER : SK_ROLE_NONE;
				memcpy(s->sip, l, 16);
				s->sport = (uint16_t)lport;
			} else {
				/* connected: client -> server is local -> remote
				 * unless the local port is a listening one (fixed
				 * up below by the caller's order: listeners come
				 * first in the file for the same port) */
				s->role = SK_ROLE_CLIENT;
				s->connected = true;
				memcpy(s->cip, l, 16);
				s->cport = (uint16_t)lport;
				memcpy(s->sip, r, 16);
				s->sport = (uint16_t)rport;
			}
			char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], name[128];
			if (s->connected) {
				inet_ntop(family, s->cip, a, sizeof(a));
				inet_ntop(family, s->sip, b, sizeof(b));
				snprintf(name, sizeof(name), "%s:%u->%s:%u", a, s->cport, b,
					 s->sport);
			} else {
				inet_ntop(family, s->sip, a, sizeof(a));
				snprintf(name, sizeof(name), "%s:%u", a, s->sport);
			}
			s->name = strdup(name);
			add_sock(ns, ino, s);
		}
		line = nl;
	}
}

/* mark_servers - a connected socket whose local port is also a listening
 * port of the namespace was accepted: the local end is the server. */
static void mark_servers(struct netns_socks *ns)
{
	for (size_t i = 0; i < ns->socks.cap; i++) {
		struct net_sock *s = ns->socks.slots[i].val;
		if (s == NULL || !s->connected) {
			continue;
		}
		for (size_t j = 0; j < ns->socks.cap; j++) {
			struct net_sock *l = ns->socks.slots[j].val;
			if (l && l->role == SK_ROLE_SERVER && !l->connected &&
			    l->family == s->family && l->l4 == s->l4 && l->sport == s->cport) {
				uint8_t ip[16];
				uint16_t port = s->cport;
				memcpy(ip, s->cip, 16);
				memcpy(s->cip, s->sip, 16);
				s->cport = s->sport;
				memcpy(s->sip, ip, 16);
				s->sport = port;
				s->role = SK_ROLE_SERVER;
				char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], name[128];
				inet_ntop(s->family, s->cip, a, sizeof(a));
				inet_ntop(s->family, s->sip, b, sizeof(b));
				snprintf(name, sizeof(name), "%s:%u->%s:%u", a, s->cport, b,
					 s->sport);
				free(s->name);
				s->name = strdup(name);
				break;
			}
		}
	}
}

static void read_unix(struct scan_ctx *c, const char *pid, struct netns_socks *ns)
{
	if (sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/net/unix", c->st->proc_root, pid) <= 0) {
		return;
	}
	char *line = strchr(c->buf, '\n');
	while (line && *++line) {
		char *nl = strchr(line, '\n');
		if (nl) {
			*nl = '\0';
		}
		/* Num RefCount Protocol Flags Type St Inode Path */
		unsigned long long ino;
		int off = 0;
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %llu%n", &ino, &off) == 1) {
			struct net_sock *s = calloc(1, sizeof(*s));
			if (s == NULL) {
				return;
			}
			s->family = AF_UNIX;
			s->type = SK_FD_UNIX;
			const char *path = line + off;
			while (*path == ' ') {
				path++;
			}
			s->name = strdup(path);
			add_sock(ns, ino, s);
		}
		line = nl;
	}
}

static void read_netlink(struct scan_ctx *c, const char *pid, struct netns_socks *ns)
{
	if (sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/net/netlink", c->st->proc_root, pid) <= 0) {
		return;
	}
	char *line = strchr(c->buf, '\n');
	while (line && *++line) {
		char *nl = strchr(line, '\n');
		if (nl) {
			*nl = '\0';
		}
		/* sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode */
		unsigned long long ino;
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %llu", &ino) == 1) {
			struct net_sock *s = calloc(1, sizeof(*s));
			if (s == NULL) {
				return;
			}
			s->family = AF_NETLINK;
			s->type = SK_FD_NETLINK;
			s->name = strdup("");
			add_sock(ns, ino, s);
		}
		line = nl;
	}
}

static struct netns_socks *netns_socks(struct scan_ctx *c, const char *pid)
{
	uint64_t key = ns_inode(c->st, pid, "net");
	struct netns_socks *ns = sk_htab_get(&c->netns, key);
	if (ns != NULL) {
		return ns;
	}
	ns = calloc(1, sizeof(*ns));
	if (ns == NULL) {
		return NULL;
	}
	sk_htab_init(&ns->socks);
	if (sk_htab_put(&c->netns, key, ns, NULL) < 0) {
		free(ns);
		return NULL;
	}
	read_inet(c, pid, "tcp", AF_INET, SK_L4_TCP, ns);
	read_inet(c, pid, "tcp6", AF_INET6, SK_L4_TCP, ns);
	read_inet(c, pid, "udp", AF_INET, SK_L4_UDP, ns);
	read_inet(c, pid, "udp6", AF_INET6, SK_L4_UDP, ns);
	read_inet(c, pid, "raw", AF_INET, SK_L4_RAW, ns);
	read_inet(c, pid, "raw6", AF_INET6, SK_L4_RAW, ns);
	mark_servers(ns);
	read_unix(c, pid, ns);
	read_netlink(c, pid, ns);
	return ns;
}

static void netns_free_all(struct sk_htab *h)
{
	for (size_t i = 0; i < h->cap; i++) {
		struct netns_socks *ns = h->slots[i].val;
		if (ns == NULL) {
			continue;
		}
		for (size_t j = 0; j < ns->socks.cap; j++) {
			net_sock_free(ns->socks.slots[j].val);
		}
		sk_htab_fini(&ns->socks);
		free(ns);
	}
	sk_htab_fini(h);
}

/* ---- fds ---- */

static const struct {
	const char *link;
	uint8_t type;
} anon_types[] = {
    {"anon_inode:[eventfd]", SK_FD_EVENT},
    {"anon_inode:[signalfd]", SK_FD_SIGNALFD},
    {"anon_inode:[eventpoll]", SK_FD_EVENTPOLL},
    {"anon_inode:inotify", SK_FD_INOTIFY},
    {"anon_inode:[timerfd]", SK_FD_TIMERFD},
    {"anon_inode:bpf", SK_FD_BPF},
    {"anon_inode:[userfaultfd]", SK_FD_USERFAULTFD},
    {"anon_inode:[io_uring]", SK_FD_IO_URING},
    {"anon_inode:[pidfd]", SK_FD_PIDFD},
};

static void scan_fds(struct scan_ctx *c, struct sk_thread *t, const char *pid)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s/fd", c->st->proc_root, pid);
	DIR *d = opendir(path);
	if (d == NULL) {
		return;
	}
	struct netns_socks *ns = NULL;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0])) {
			continue;
		}
		int64_t num = parse_i64(de->d_name);
		char lpath[PATH_MAX + 300], link[PATH_MAX];
		snprintf(lpath, sizeof(lpath), "%s/%s", path, de->d_name);
		ssize_t n = readlink(lpath, link, sizeof(link) - 1);
		if (n <= 0) {
			continue;
		}
		link[n] = '\0';
		struct stat sb;
		bool have_stat = stat(lpath, &sb) == 0;
		struct sk_fd *fd = NULL;
		if (strncmp(link, "socket:[", 8) == 0) {
			uint64_t ino = strtoull(link + 8, NULL, 10);
			if (ns == NULL) {
				ns = netns_socks(c, pid);
			}
			const struct net_sock *s = ns ? sk_htab_get(&ns->socks, ino) : NULL;
			fd = sk_fd_add(c->st, t, num, s ? s->type : SK_FD_UNKNOWN);
			if (fd == NULL) {
				break;
			}
			fd->ino = ino;
			if (s != NULL) {
				fd->family = s->family;
				fd->l4proto = s->l4;
				fd->role = s->role;
				fd->connected = s->connected;
				memcpy(fd->cip, s->cip, 16);
				memcpy(fd->sip, s->sip, 16);
				fd->cport = s->cport;
				fd->sport = s->sport;
				fd->name = strdup(s->name ? s->name : "");
			} else {
				fd->name = strdup(link);
			}
		} else if (strncmp(link, "pipe:[", 6) == 0) {
			fd = sk_fd_add(c->st, t, num, SK_FD_PIPE);
			if (fd == NULL) {
				break;
			}
			fd->ino = strtoull(link + 6, NULL, 10);
			fd->name = strdup(link);
		} else if (strncmp(link, "/memfd:", 7) == 0) {
			fd = sk_fd_add(c->st, t, num, SK_FD_MEMFD);
			if (fd == NULL) {
				break;
			}
			char *del = strstr(link, " (deleted)");
			if (del) {
				*del = '\0';
			}
			fd->name = strdup(link + 1);
		} else if (link[0] == '/') {
			bool dir = have_stat && S_ISDIR(sb.st_mode);
			fd = sk_fd_add(c->st, t, num, dir ? SK_FD_DIRECTORY : SK_FD_FILE);
			if (fd == NULL) {
				break;
			}
			fd->name = strdup(link);
			if (have_stat) {
				fd->ino = sb.st_ino;
				fd->dev = (uint32_t)sb.st_dev;
			}
		} else {
			uint8_t type = SK_FD_UNKNOWN;
			for (size_t i = 0; i < sizeof(anon_types) / sizeof(anon_types[0]); i++) {
				if (strncmp(link, anon_types[i].link, strlen(anon_types[i].link)) ==
				    0) {
					type = anon_types[i].type;
					break;
				}
			}
			fd = sk_fd_add(c->st, t, num, type);
			if (fd == NULL) {
				break;
			}
			fd->name = strdup(link);
		}
		fd->from_proc = true;
	}
	closedir(d);
}

/* ---- processes ---- */

/* fill_creds - comm, ids, capabilities and namespace ids of one task from
 * its status file. */
static void fill_status(struct sk_thread *t, const char *status)
{
	const char *v;
	if ((v = status_field(status, "Name")) != NULL) {
		size_t l = strcspn(v, "\n");
		if (l > SK_COMM_MAX) {
			l = SK_COMM_MAX;
		}
		memcpy(t->comm, v, l);
		t->comm[l] = '\0';
	}
	if ((v = status_field(status, "Uid")) != NULL) {
		unsigned r, e;
		if (sscanf(v, "%u %u", &r, &e) == 2) {
			t->uid = r;
			t->euid = e;
		}
	}
	if ((v = status_field(status, "Gid")) != NULL) {
		unsigned r, e;
		if (sscanf(v, "%u %u", &r, &e) == 2) {
			t->gid = r;
			t->egid = e;
		}
	}
	if ((v = status_field(status, "CapInh")) != NULL) {
		t->cap_inh = strtoull(v, NULL, 16);
	}
	if ((v = status_field(status, "CapPrm")) != NULL) {
		t->cap_prm = strtoull(v, NULL, 16);
	}
	if ((v = status_field(status, "CapEff")) != NULL) {
		t->cap_eff = strtoull(v, NULL, 16);
	}
	if ((v = status_field(status, "NSpid")) != NULL) {
		t->vtid = last_number(v);
	}
	if ((v = status_field(status, "NStgid")) != NULL) {
		t->vpid = last_number(v);
	}
	if ((v = status_field(status, "NSpgid")) != NULL) {
		t->vpgid = last_number(v);
	}
	/* the process's memory (kB), as Falco's /proc scan reads it */
	if ((v = status_field(status, "VmSize")) != NULL) {
		t->vmsize_kb = (uint32_t)strtoul(v, NULL, 10);
	}
	if ((v = status_field(status, "VmRSS")) != NULL) {
		t->vmrss_kb = (uint32_t)strtoul(v, NULL, 10);
	}
	if ((v = status_field(status, "VmSwap")) != NULL) {
		t->vmswap_kb = (uint32_t)strtoul(v, NULL, 10);
	}
}

/* fill_faults - the thread's minor and major page faults from its stat
 * file (fields 10 and 12). */
static void fill_faults(struct sk_thread *t, const char *stat)
{
	const char *rp = strrchr(stat, ')');
	unsigned long long minflt, majflt;
	if (rp != NULL &&
	    sscanf(rp + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %*u %llu", &minflt, &majflt) == 2) {
		t->pfminor = minflt;
		t->pfmajor = majflt;
		t->pf_known = true;
	} else {
		t->pf_known = false;
	}
}

/* task_faults - fill_faults from /proc/PID/task/TID/stat. */
static void task_faults(struct sk_state *st, char *buf, struct sk_thread *t)
{
	if (sk_procfs_readf(buf, SCAN_BUF, "%s/%lld/task/%lld/stat", st->proc_root,
			    (long long)t->pid, (long long)t->tid) > 0) {
		fill_faults(t, buf);
	} else {
		t->pf_known = false;
	}
}

/* load_process - read /proc/<pid> into a new thread entry for its main
 * thread. */
static struct sk_thread *load_process(struct scan_ctx *c, int64_t pidn)
{
	struct sk_state *st = c->st;
	char pid[32], path[PATH_MAX];
	snprintf(pid, sizeof(pid), "%lld", (long long)pidn);
	/* stat: pid (comm) state ppid pgrp session tty_nr tpgid flags minflt
	 * cminflt majflt cmajflt utime stime cutime cstime priority nice
	 * num_threads itrealvalue starttime */
	if (sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/stat", st->proc_root, pid) <= 0) {
		return NULL;
	}
	const char *rp = strrchr(c->buf, ')');
	if (rp == NULL) {
		return NULL;
	}
	long long ppid, pgrp, sid;
	int tty;
	unsigned long long starttime;
	if (sscanf(rp + 1,
		   " %*c %lld %lld %lld %d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
		   "%*d %*d %llu",
		   &ppid, &pgrp, &sid, &tty, &starttime) != 5) {
		return NULL;
	}
	struct sk_thread *t = sk_state_new_thread(st, pidn);
	if (t == NULL) {
		return NULL;
	}
	fill_faults(t, c->buf);
	t->from_proc = true;
	t->pid = pidn;
	t->ppid = ppid;
	t->pgid = pgrp;
	t->sid = sid;
	t->tty = (uint32_t)tty;
	t->start_ts = st->boot_ns + starttime * (1000000000ULL / st->ticks_per_sec);
	if (sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/status", st->proc_root, pid) > 0) {
		fill_status(t, c->buf);
	}
	if (t->vpgid < 0) {
		t->vpgid = t->pgid;
	}
	ssize_t n = sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/cmdline", st->proc_root, pid);
	if (n > 0) {
		size_t l0 = strnlen(c->buf, (size_t)n);
		t->exe = strndup(c->buf, l0);
		if ((size_t)n > l0 + 1) {
			size_t al = (size_t)n - l0 - 1;
			if (c->buf[(size_t)n - 1] == '\0') {
				al--; /* drop the final terminator: entries are separated */
			}
			t->args = malloc(al + 1);
			if (t->args) {
				memcpy(t->args, c->buf + l0 + 1, al);
				t->args[al] = '\0';
				t->args_len = al;
			}
		}
	} else {
		t->exe = strdup(t->comm);
	}
	snprintf(path, sizeof(path), "%s/%s/exe", st->proc_root, pid);
	t->exepath = read_link(path);
	if (t->exepath != NULL) {
		char *del = strstr(t->exepath, " (deleted)");
		if (strncmp(t->exepath, "/memfd:", 7) == 0) {
			t->exe_from_memfd = true;
		}
		if (del != NULL && del[10] == '\0') {
			*del = '\0';
		}
		struct stat sb;
		if (stat(path, &sb) == 0) {
			t->exe_ino = sb.st_ino;
			t->exe_ctime = (uint64_t)sb.st_ctim.tv_sec * 1000000000ULL +
				       (uint64_t)sb.st_ctim.tv_nsec;
			t->exe_mtime = (uint64_t)sb.st_mtim.tv_sec * 1000000000ULL +
				       (uint64_t)sb.st_mtim.tv_nsec;
		}
		uint8_t layer = exe_layer(c, pid, t->exepath);
		t->exe_upper_layer = layer == SK_LAYER_UPPER;
		t->exe_lower_layer = layer == SK_LAYER_LOWER;
	}
	snprintf(path, sizeof(path), "%s/%s/cwd", st->proc_root, pid);
	t->files->cwd = read_link(path);
	if (sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/loginuid", st->proc_root, pid) > 0) {
		t->loginuid = (uint32_t)strtoul(c->buf, NULL, 10);
	}
	if (sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/cgroup", st->proc_root, pid) > 0) {
		cgroups_from_proc(t, c->buf);
	}
	t->pidns = ns_inode(st, pid, "pid");
	if (sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/limits", st->proc_root, pid) > 0) {
		const char *l = strstr(c->buf, "Max open files");
		if (l != NULL) {
			t->fdlimit = strtoull(l + 14, NULL, 10);
		}
	}
	struct stat sb;
	snprintf(path, sizeof(path), "%s/%s/root", st->proc_root, pid);
	if (stat(path, &sb) == 0) {
		t->root_key = ((uint64_t)sb.st_dev << 40) ^ (uint64_t)sb.st_ino;
	}
	scan_fds(c, t, pid);
	return t;
}

/* load_tasks - the other threads of process `main`. */
static int load_tasks(struct scan_ctx *c, struct sk_thread *main_t)
{
	char path[PATH_MAX];
	int added = 0;
	snprintf(path, sizeof(path), "%s/%lld/task", c->st->proc_root, (long long)main_t->pid);
	DIR *d = opendir(path);
	if (d == NULL) {
		return 0;
	}
	struct dirent *de;
	c->st->pin = main_t->tid; /* a full table must not evict it under us */
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0])) {
			continue;
		}
		int64_t tid = parse_i64(de->d_name);
		if (tid == main_t->pid) {
			continue;
		}
		struct sk_thread *t = sk_state_clone(c->st, main_t, tid, true);
		if (t == NULL) {
			break;
		}
		t->from_proc = true;
		if (sk_procfs_readf(c->buf, SCAN_BUF, "%s/%s/status", path, de->d_name) > 0) {
			fill_status(t, c->buf);
		}
		task_faults(c->st, c->buf, t);
		added++;
	}
	c->st->pin = 0;
	closedir(d);
	return added;
}

static int scan_ctx_init(struct scan_ctx *c, struct sk_state *st)
{
	c->st = st;
	c->buf = malloc(SCAN_BUF);
	sk_htab_init(&c->netns);
	return c->buf ? 0 : -ENOMEM;
}

static void scan_ctx_fini(struct scan_ctx *c)
{
	free(c->buf);
	netns_free_all(&c->netns);
}

int sk_state_scan(struct sk_state *st)
{
	struct scan_ctx c;
	if (scan_ctx_init(&c, st) < 0) {
		scan_ctx_fini(&c);
		return -ENOMEM;
	}
	DIR *d = opendir(st->proc_root);
	if (d == NULL) {
		int e = errno;
		scan_ctx_fini(&c);
		return -e;
	}
	int added = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0])) {
			continue;
		}
		struct sk_thread *t = load_process(&c, parse_i64(de->d_name));
		if (t != NULL) {
			added++;
			added += load_tasks(&c, t);
		}
	}
	closedir(d);
	scan_ctx_fini(&c);
	return added;
}

struct sk_thread *sk_state_load_tid(struct sk_state *st, int64_t tid)
{
	struct scan_ctx c;
	struct sk_thread *t = NULL;
	if (st->offline) {
		return NULL;
	}
	if (scan_ctx_init(&c, st) < 0) {
		goto out;
	}
	/* the thread's process: Tgid in /proc/<tid>/status (a thread's
	 * directory is reachable by tid even though it is not listed) */
	if (sk_procfs_readf(c.buf, SCAN_BUF, "%s/%lld/status", st->proc_root, (long long)tid) <=
	    0) {
		goto out;
	}
	const char *v = status_field(c.buf, "Tgid");
	int64_t pid = v ? strtoll(v, NULL, 10) : tid;
	struct sk_thread *main_t = sk_state_thread(st, pid);
	if (main_t == NULL) {
		main_t = load_process(&c, pid);
		if (main_t == NULL) {
			goto out;
		}
		sk_state_learnt(st, SK_LEARNT_THREAD, main_t, 0);
	}
	if (pid == tid) {
		t = main_t;
		goto out;
	}
	st->pin = main_t->tid;
	t = sk_state_clone(st, main_t, tid, true);
	st->pin = 0;
	if (t != NULL) {
		t->from_proc = true;
		if (sk_procfs_readf(c.buf, SCAN_BUF, "%s/%lld/task/%lld/status", st->proc_root,
				    (long long)pid, (long long)tid) > 0) {
			fill_status(t, c.buf);
		}
		task_faults(st, c.buf, t);
		sk_state_learnt(st, SK_LEARNT_THREAD, t, 0);
	}
out:
	scan_ctx_fini(&c);
	return t;
}
