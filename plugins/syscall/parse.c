/* plugins/syscall/parse.c - keep the state current from syscall records:
 * the process family (clone, execve, exit, credential changes), the working
 * directory, and file descriptors (open, socket, connect, accept, dup,
 * close, pipe, ...). Also decides which fd an event is about, for the fd.*
 * fields. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <shrike/syscall_names.h>

#include "syscall.h"

/* ---- record access ---- */

bool sys_param(const struct sk_evt_hdr *rec, unsigned i, const void **ret_p, uint32_t *ret_len)
{
	if (sk_evt_param(rec, i, ret_p, ret_len) < 0 || *ret_len == 0) {
		return false;
	}
	return true;
}

bool sys_param_i64(const struct sk_evt_hdr *rec, const struct sk_sc_event *info, unsigned i,
		   int64_t *ret)
{
	const void *p;
	uint32_t len;
	if (info == NULL || i >= info->nparams || !sys_param(rec, i, &p, &len)) {
		return false;
	}
	uint32_t pt = info->params[i].type;
	if (len != sk_sc_pt_size(pt)) {
		return false;
	}
	switch (len) {
	case 8: {
		int64_t v;
		memcpy(&v, p, 8);
		*ret = v;
		return true;
	}
	case 4: {
		if (pt == SK_PT_I32) {
			int32_t v;
			memcpy(&v, p, 4);
			*ret = v;
		} else {
			uint32_t v;
			memcpy(&v, p, 4);
			*ret = v;
		}
		return true;
	}
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		*ret = v;
		return true;
	}
	case 1:
		*ret = *(const uint8_t *)p;
		return true;
	default:
		return false;
	}
}

const char *sys_param_str(const struct sk_evt_hdr *rec, unsigned i)
{
	const void *p;
	uint32_t len;
	if (!sys_param(rec, i, &p, &len) || ((const char *)p)[len - 1] != '\0') {
		return NULL;
	}
	return p;
}

/* A direct-mapped cache of (event type, name) -> parameter index: the
 * names come from string literals here and in fields.c, so the pointer
 * identifies the name (never pass text whose memory may be reused: use
 * sk_sc_param_index() for that); a miss falls back to the table's strcmp
 * loop. */
#define PARAM_CACHE_SIZE 1024u
static _Thread_local struct {
	const struct sk_sc_event *info;
	const char *name;
	int idx;
} param_cache[PARAM_CACHE_SIZE];

int sys_param_named(const struct sk_sc_event *info, const char *name)
{
	if (info == NULL) {
		return -1;
	}
	uintptr_t h = ((uintptr_t)info >> 4) * 31u + ((uintptr_t)name >> 2) * 17u;
	unsigned slot = (unsigned)(h % PARAM_CACHE_SIZE);
	if (param_cache[slot].info == info && param_cache[slot].name == name) {
		return param_cache[slot].idx;
	}
	int idx = sk_sc_param_index(info, name);
	param_cache[slot].info = info;
	param_cache[slot].name = name;
	param_cache[slot].idx = idx;
	return idx;
}

/* ---- helpers ---- */

static bool p_i64(const struct sys_inst *in, const char *name, int64_t *ret)
{
	int i = sys_param_named(in->ev.info, name);
	return i >= 0 && sys_param_i64(in->ev.rec, in->ev.info, (unsigned)i, ret);
}

static const char *p_str(const struct sys_inst *in, const char *name)
{
	int i = sys_param_named(in->ev.info, name);
	return i >= 0 ? sys_param_str(in->ev.rec, (unsigned)i) : NULL;
}

/* p_mem - a variable-length parameter (CHARBUFARRAY, BYTES, SOCKADDR...). */
static const char *p_mem(const struct sys_inst *in, const char *name, uint32_t *ret_len)
{
	int i = sys_param_named(in->ev.info, name);
	const void *p;
	if (i < 0 || !sys_param(in->ev.rec, (unsigned)i, &p, ret_len)) {
		return NULL;
	}
	return p;
}

static void set_mem(char **dst, size_t *dst_len, const char *src, uint32_t len)
{
	/* CHARBUFARRAY: drop the last terminator, entries stay NUL-separated */
	if (len > 0 && src[len - 1] == '\0') {
		len--;
	}
	if (sk_state_set_str(dst, src, len) == 0 && dst_len != NULL) {
		*dst_len = len;
	}
}

static const char *thread_cwd(const struct sk_thread *t)
{
	return t && t->files && t->files->cwd ? t->files->cwd : "/";
}

int sys_resolve_path(struct sys_inst *in, unsigned i, char *buf, size_t cap)
{
	const struct sk_sc_event *info = in->ev.info;
	if (info == NULL || i >= info->nparams) {
		return -1;
	}
	const char *path = sys_param_str(in->ev.rec, i);
	if (path == NULL) {
		return -1;
	}
	const char *dir = thread_cwd(in->ev.t);
	if (info->params[i].type == SK_PT_RELPATH && path[0] != '/') {
		int64_t dirfd;
		if (sys_param_i64(in->ev.rec, info, info->params[i].aux, &dirfd) &&
		    dirfd != AT_FDCWD) {
			const struct sk_fd *d = sk_fd_get(in->ev.t, dirfd);
			if (d == NULL || d->name == NULL || d->name[0] != '/') {
				/* unknown directory: Falco prints "<NA>" + path */
				int n = snprintf(buf, cap, "<NA>%s", path);
				return n < 0 || (size_t)n >= cap ? -1 : n;
			}
			dir = d->name;
		}
	}
	if (path[0] == '\0') {
		/* AT_EMPTY_PATH: the dirfd itself */
		int n = snprintf(buf, cap, "%s", dir);
		return n < 0 || (size_t)n >= cap ? -1 : n;
	}
	return sk_path_join(dir, path, buf, cap);
}

/* set_scratch_fd - make the event's fd a scratch copy (a closed fd, or the
 * would-be fd of a failed open). The scratch takes ownership of name/raw. */
static struct sk_fd *scratch_fd(struct sys_inst *in)
{
	free(in->ev.scratch_name);
	free(in->ev.scratch_raw);
	in->ev.scratch_name = in->ev.scratch_raw = NULL;
	memset(&in->ev.fd_scratch, 0, sizeof(in->ev.fd_scratch));
	in->ev.fd = &in->ev.fd_scratch;
	return in->ev.fd;
}

/* ---- sockets ---- */

struct sockaddr_p {
	uint8_t family;
	uint8_t ip[16];
	uint16_t port;
	const char *path; /* AF_UNIX, inside the record */
};

static bool parse_sockaddr(const char *p, uint32_t len, struct sockaddr_p *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (len < 1) {
		return false;
	}
	ret->family = (uint8_t)p[0];
	if (ret->family == AF_INET && len >= 1 + 4 + 2) {
		memcpy(ret->ip, p + 1, 4);
		memcpy(&ret->port, p + 5, 2);
	} else if (ret->family == AF_INET6 && len >= 1 + 16 + 2) {
		memcpy(ret->ip, p + 1, 16);
		memcpy(&ret->port, p + 17, 2);
	} else if (ret->family == AF_UNIX && len >= 2 && p[len - 1] == '\0') {
		ret->path = p + 1;
	} else if (ret->family == AF_INET || ret->family == AF_INET6 || ret->family == AF_UNIX) {
		return false;
	}
	return true;
}

struct socktuple_p {
	uint8_t family;
	uint8_t sip[16], dip[16];
	uint16_t sport, dport;
	uint64_t src, dst; /* AF_UNIX: kernel socket ids */
	const char *path;
};

static bool parse_socktuple(const char *p, uint32_t len, struct socktuple_p *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (len < 1) {
		return false;
	}
	ret->family = (uint8_t)p[0];
	if (ret->family == AF_INET && len >= 1 + 12) {
		memcpy(ret->sip, p + 1, 4);
		memcpy(&ret->sport, p + 5, 2);
		memcpy(ret->dip, p + 7, 4);
		memcpy(&ret->dport, p + 11, 2);
		return true;
	}
	if (ret->family == AF_INET6 && len >= 1 + 36) {
		memcpy(ret->sip, p + 1, 16);
		memcpy(&ret->sport, p + 17, 2);
		memcpy(ret->dip, p + 19, 16);
		memcpy(&ret->dport, p + 35, 2);
		return true;
	}
	if (ret->family == AF_UNIX && len >= 1 + 16 + 1 && p[len - 1] == '\0') {
		memcpy(&ret->src, p + 1, 8);
		memcpy(&ret->dst, p + 9, 8);
		ret->path = p + 17;
		return true;
	}
	return false;
}

/* unix_name - Falco's name of a unix socket with a tuple:
 * "<source id>-><dest id> <path>" (ids in hex). */
static void unix_name(struct sk_fd *fd, const struct socktuple_p *tu)
{
	char buf[PATH_MAX + 64];
	snprintf(buf, sizeof(buf), "%llx->%llx %s", (unsigned long long)tu->src,
		 (unsigned long long)tu->dst, tu->path ? tu->path : "");
	sk_state_set_str(&fd->name, buf, strlen(buf));
}

static uint8_t fd_type_of_family(int family)
{
	switch (family) {
	case AF_INET:
		return SK_FD_IPV4;
	case AF_INET6:
		return SK_FD_IPV6;
	case AF_UNIX:
		return SK_FD_UNIX;
	case AF_NETLINK:
		return SK_FD_NETLINK;
	default:
		return SK_FD_UNKNOWN;
	}
}

/* ipv4-mapped IPv6 addresses ("::ffff:1.2.3.4") become IPv4, as Falco
 * shows them. */
static void unmap_v4(struct sk_fd *fd)
{
	static const uint8_t pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (fd->family == AF_INET6 && memcmp(fd->cip, pre, 12) == 0 &&
	    memcmp(fd->sip, pre, 12) == 0) {
		memmove(fd->cip, fd->cip + 12, 4);
		memset(fd->cip + 4, 0, 12);
		memmove(fd->sip, fd->sip + 12, 4);
		memset(fd->sip + 4, 0, 12);
		fd->family = AF_INET;
		fd->type = SK_FD_IPV4;
	}
}

/* fd_for_socket - the socket fd `num` of the thread, created when unknown. */
static struct sk_fd *fd_for_socket(struct sys_inst *in, int64_t num, int family)
{
	struct sk_fd *fd = sk_fd_get(in->ev.t, num);
	if (fd == NULL) {
		fd = sk_fd_add(&in->st, in->ev.t, num, fd_type_of_family(family));
		if (fd != NULL) {
			fd->family = (uint8_t)family;
			if (family == AF_INET || family == AF_INET6) {
				fd->l4proto = SK_L4_TCP; /* a guess; socket() was not seen */
			}
		}
	}
	return fd;
}

static void parse_connect(struct sys_inst *in)
{
	int64_t res = 0, num;
	if (!p_i64(in, "fd", &num) || num < 0) {
		return;
	}
	p_i64(in, "res", &res);
	uint32_t tl = 0, al = 0;
	const char *tp = p_mem(in, "tuple", &tl);
	const char *ap = p_mem(in, "addr", &al);
	struct socktuple_p tu;
	struct sockaddr_p sa;
	bool have_tuple = tp && parse_socktuple(tp, tl, &tu);
	bool have_addr = ap && parse_sockaddr(ap, al, &sa);
	int family = have_tuple ? tu.family : have_addr ? sa.family : -1;
	if (family < 0) {
		in->ev.fd = sk_fd_get(in->ev.t, num);
		return;
	}
	struct sk_fd *fd = fd_for_socket(in, num, family);
	if (fd == NULL) {
		return;
	}
	in->ev.fd = fd;
	bool ok = res == 0 || res == -EINPROGRESS;
	if (family == AF_UNIX) {
		if (have_tuple) {
			unix_name(fd, &tu);
		} else if (have_addr && sa.path != NULL) {
			sk_state_set_str(&fd->name, sa.path, strlen(sa.path));
		}
		fd->role = SK_ROLE_CLIENT;
		fd->connected = ok;
		return;
	}
	if (family != AF_INET && family != AF_INET6) {
		return;
	}
	fd->family = (uint8_t)family;
	fd->type = fd_type_of_family(family);
	fd->role = SK_ROLE_CLIENT;
	fd->connected = ok;
	if (have_tuple) {
		memcpy(fd->cip, tu.sip, 16);
		fd->cport = tu.sport;
		memcpy(fd->sip, tu.dip, 16);
		fd->sport = tu.dport;
	} else {
		/* failed connect: only the destination is known */
		memset(fd->cip, 0, 16);
		fd->cport = 0;
		memcpy(fd->sip, sa.ip, 16);
		fd->sport = sa.port;
	}
	unmap_v4(fd);
	sk_fd_set_tuple_name(fd);
}

static void parse_accept(struct sys_inst *in, int64_t num)
{
	uint32_t tl = 0;
	const char *tp = p_mem(in, "tuple", &tl);
	struct socktuple_p tu;
	int family = tp && parse_socktuple(tp, tl, &tu) ? tu.family : AF_UNSPEC;
	struct sk_fd *fd = sk_fd_add(&in->st, in->ev.t, num, fd_type_of_family(family));
	if (fd == NULL) {
		return;
	}
	in->ev.fd = fd;
	fd->family = (uint8_t)family;
	fd->role = SK_ROLE_SERVER;
	fd->connected = true;
	if (family == AF_INET || family == AF_INET6) {
		fd->l4proto = SK_L4_TCP;
		/* the tuple's source is the remote end (the client) */
		memcpy(fd->cip, tu.sip, 16);
		fd->cport = tu.sport;
		memcpy(fd->sip, tu.dip, 16);
		fd->sport = tu.dport;
		unmap_v4(fd);
		sk_fd_set_tuple_name(fd);
	} else if (family == AF_UNIX) {
		unix_name(fd, &tu);
	} else {
		sk_state_set_str(&fd->name, "", 0);
	}
}

static void parse_bind(struct sys_inst *in)
{
	int64_t res = -1, num;
	if (!p_i64(in, "fd", &num) || num < 0) {
		return;
	}
	p_i64(in, "res", &res);
	uint32_t al = 0;
	const char *ap = p_mem(in, "addr", &al);
	struct sockaddr_p sa;
	if (ap == NULL || !parse_sockaddr(ap, al, &sa)) {
		in->ev.fd = sk_fd_get(in->ev.t, num);
		return;
	}
	struct sk_fd *fd = fd_for_socket(in, num, sa.family);
	if (fd == NULL) {
		return;
	}
	in->ev.fd = fd;
	if (res != 0) {
		return;
	}
	fd->role = SK_ROLE_SERVER;
	if (sa.family == AF_UNIX) {
		if (sa.path) {
			sk_state_set_str(&fd->name, sa.path, strlen(sa.path));
		}
	} else if (sa.family == AF_INET || sa.family == AF_INET6) {
		memcpy(fd->sip, sa.ip, 16);
		fd->sport = sa.port;
		char ip[64], name[80];
		inet_ntop(sa.family, sa.ip, ip, sizeof(ip));
		snprintf(name, sizeof(name), "%s:%u", ip, sa.port);
		sk_state_set_str(&fd->name, name, strlen(name));
	}
}

/* parse_msg - sendto/recvfrom/sendmsg/recvmsg, as Falco's parse_read_exit
 * and parse_write_exit do it: after a successful call, a socket that is
 * not connected (and not a named TCP one) takes the tuple of the call, so
 * the first datagram to or from a peer names the fd and one to another
 * peer renames it (fd.name_changed); a tuple that is the fd's own, either
 * way round, changes nothing. The probe's tuple has the local end first
 * for a send and the peer first for a receive; the fd keeps client ->
 * server: a socket with no role yet (or only bound) becomes a client when
 * it sends first and a server when it receives first (Falco's guess when
 * no other fd of the process owns the port), and the tuple is turned round
 * when the call runs the other way (a server's send, a client's receive).
 * Unix datagram sockets take Falco's "source->dest path" name. */
static void parse_msg(struct sys_inst *in)
{
	int64_t num, res = -1;
	if (!p_i64(in, "fd", &num)) {
		return;
	}
	struct sk_fd *fd = sk_fd_get(in->ev.t, num);
	in->ev.fd = fd;
	p_i64(in, "res", &res);
	uint32_t tl = 0;
	const char *tp = p_mem(in, "tuple", &tl);
	struct socktuple_p tu;
	if (fd == NULL || res < 0 || fd->connected || tp == NULL || !parse_socktuple(tp, tl, &tu)) {
		return;
	}
	if (tu.family == AF_UNIX) {
		if (fd->type == SK_FD_UNIX) {
			unix_name(fd, &tu);
		}
		return;
	}
	if ((tu.family != AF_INET && tu.family != AF_INET6) ||
	    (fd->name != NULL && fd->name[0] != '\0' && fd->l4proto == SK_L4_TCP)) {
		return;
	}
	if (fd->family == tu.family &&
	    ((memcmp(fd->cip, tu.sip, 16) == 0 && fd->cport == tu.sport &&
	      memcmp(fd->sip, tu.dip, 16) == 0 && fd->sport == tu.dport) ||
	     (memcmp(fd->cip, tu.dip, 16) == 0 && fd->cport == tu.dport &&
	      memcmp(fd->sip, tu.sip, 16) == 0 && fd->sport == tu.sport))) {
		return;
	}
	uint16_t t = in->ev.rec->type;
	bool recv = t == SK_SC_RECVFROM || t == SK_SC_RECVMSG;
	if (fd->role == SK_ROLE_NONE || (fd->role == SK_ROLE_SERVER && fd->cport == 0)) {
		fd->role = recv ? SK_ROLE_SERVER : SK_ROLE_CLIENT;
	}
	bool swap = recv ? fd->role == SK_ROLE_CLIENT : fd->role == SK_ROLE_SERVER;
	fd->family = tu.family;
	fd->type = fd_type_of_family(tu.family);
	if (fd->l4proto == SK_L4_NA) {
		fd->l4proto = SK_L4_UDP; /* a TCP socket cannot change its peer */
	}
	memcpy(fd->cip, swap ? tu.dip : tu.sip, 16);
	fd->cport = swap ? tu.dport : tu.sport;
	memcpy(fd->sip, swap ? tu.sip : tu.dip, 16);
	fd->sport = swap ? tu.sport : tu.dport;
	unmap_v4(fd);
	sk_fd_set_tuple_name(fd);
}

/* ---- files ---- */

static void parse_open(struct sys_inst *in)
{
	int64_t num = -1, flags = 0, dev = 0, ino = 0, layer = SK_LAYER_NONE;
	p_i64(in, "fd", &num);
	p_i64(in, "layer", &layer);
	bool creat = in->ev.rec->type == SK_SC_CREAT;
	if (creat) {
		flags = O_CREAT | O_WRONLY | O_TRUNC;
	} else {
		p_i64(in, "flags", &flags);
	}
	p_i64(in, "dev", &dev);
	p_i64(in, "ino", &ino);
	int pi = sys_param_named(in->ev.info,
				 in->ev.rec->type == SK_SC_OPEN_BY_HANDLE_AT ? "path" : "name");
	const char *raw = pi >= 0 ? sys_param_str(in->ev.rec, (unsigned)pi) : NULL;
	char path[PATH_MAX];
	int pl = pi >= 0 ? sys_resolve_path(in, (unsigned)pi, path, sizeof(path)) : -1;
	uint8_t type = (flags & O_DIRECTORY) ? SK_FD_DIRECTORY : SK_FD_FILE;
	struct sk_fd *fd;
	if (num >= 0) {
		fd = sk_fd_add(&in->st, in->ev.t, num, type);
		if (fd == NULL) {
			return;
		}
		if (pl >= 0) {
			sk_state_set_str(&fd->name, path, (size_t)pl);
		}
		if (raw != NULL) {
			sk_state_set_str(&fd->nameraw, raw, strlen(raw));
		}
	} else {
		/* a failed open still names its file (fd.name), as in Falco */
		fd = scratch_fd(in);
		fd->num = -1; /* Falco: the event's fd is -1 when the call failed */
		fd->type = type;
		in->ev.open_failed = true;
		if (pl >= 0) {
			in->ev.scratch_name = strndup(path, (size_t)pl);
			fd->name = in->ev.scratch_name;
		}
		if (raw != NULL) {
			in->ev.scratch_raw = strdup(raw);
			fd->nameraw = in->ev.scratch_raw;
		}
	}
	fd->flags = (uint32_t)flags;
	fd->dev = (uint32_t)dev;
	fd->ino = (uint64_t)ino;
	fd->layer = layer == SK_LAYER_UPPER || layer == SK_LAYER_LOWER ? (uint8_t)layer : 0;
	in->ev.fd = fd;
}

static struct sk_fd *new_fd(struct sys_inst *in, int64_t num, uint8_t type, const char *name)
{
	if (num < 0) {
		return NULL;
	}
	struct sk_fd *fd = sk_fd_add(&in->st, in->ev.t, num, type);
	if (fd != NULL) {
		sk_state_set_str(&fd->name, name, strlen(name));
		in->ev.fd = fd;
	}
	return fd;
}

static void parse_close(struct sys_inst *in)
{
	int64_t res = -1, num;
	if (!p_i64(in, "fd", &num)) {
		return;
	}
	p_i64(in, "res", &res);
	struct sk_fd *fd = sk_fd_get(in->ev.t, num);
	if (fd == NULL || res != 0) {
		in->ev.fd = fd;
		return;
	}
	/* keep what the fd was for this event's fields, then drop it */
	struct sk_fd *s = scratch_fd(in);
	*s = *fd;
	in->ev.scratch_name = fd->name ? strdup(fd->name) : NULL;
	in->ev.scratch_raw = fd->nameraw ? strdup(fd->nameraw) : NULL;
	s->name = in->ev.scratch_name;
	s->nameraw = in->ev.scratch_raw;
	sk_fd_close(&in->st, in->ev.t, num);
}

static void parse_dup(struct sys_inst *in)
{
	int64_t res = -1, oldfd = -1;
	p_i64(in, "res", &res);
	if (in->ev.rec->type == SK_SC_FCNTL) {
		int64_t cmd = -1;
		p_i64(in, "cmd", &cmd);
		p_i64(in, "fd", &oldfd);
		if (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) {
			in->ev.fd = sk_fd_get(in->ev.t, oldfd);
			return;
		}
	} else {
		p_i64(in, "oldfd", &oldfd);
	}
	if (res < 0) {
		in->ev.fd = sk_fd_get(in->ev.t, oldfd);
		return;
	}
	struct sk_fd *fd = sk_fd_dup(&in->st, in->ev.t, oldfd, res);
	if (fd == NULL) {
		/* unknown source fd: the new one is unknown too */
		sk_fd_close(&in->st, in->ev.t, res);
		return;
	}
	int64_t flags = 0;
	if (in->ev.rec->type == SK_SC_DUP3 && p_i64(in, "flags", &flags)) {
		fd->flags = (fd->flags & ~(uint32_t)O_CLOEXEC) | ((uint32_t)flags & O_CLOEXEC);
	} else {
		fd->flags &= ~(uint32_t)O_CLOEXEC;
	}
	in->ev.fd = fd;
}

static void parse_pipe(struct sys_inst *in, uint8_t type)
{
	int64_t res = -1, fd1 = -1, fd2 = -1, ino = 0, flags = 0;
	p_i64(in, "res", &res);
	p_i64(in, "fd1", &fd1);
	p_i64(in, "fd2", &fd2);
	p_i64(in, "ino", &ino);
	p_i64(in, "flags", &flags);
	if (res < 0) {
		return;
	}
	char name[64] = "";
	if (type == SK_FD_PIPE) {
		snprintf(name, sizeof(name), "pipe:[%lld]", (long long)ino);
	}
	struct sk_fd *b = new_fd(in, fd2, type, name);
	struct sk_fd *a = new_fd(in, fd1, type, name);
	for (struct sk_fd *f = b; f != NULL; f = f == b ? a : NULL) {
		f->ino = (uint64_t)ino;
		f->flags = (uint32_t)flags;
		if (type == SK_FD_UNIX) {
			f->family = AF_UNIX;
		}
	}
}

static void parse_socket(struct sys_inst *in)
{
	int64_t num = -1, domain = 0, stype = 0, proto = 0;
	p_i64(in, "fd", &num);
	p_i64(in, "domain", &domain);
	p_i64(in, "type", &stype);
	p_i64(in, "proto", &proto);
	struct sk_fd *fd = new_fd(in, num, fd_type_of_family((int)domain), "");
	if (fd == NULL) {
		return;
	}
	fd->family = (uint8_t)domain;
	if (domain == AF_INET || domain == AF_INET6) {
		switch (stype & 0xf) {
		case SOCK_STREAM:
			fd->l4proto = SK_L4_TCP;
			break;
		case SOCK_DGRAM:
			fd->l4proto = proto == 1 || proto == 58 ? SK_L4_ICMP : SK_L4_UDP;
			break;
		case SOCK_RAW:
			fd->l4proto = proto == 1 || proto == 58 ? SK_L4_ICMP : SK_L4_RAW;
			break;
		default:
			break;
		}
	}
	if (stype & SOCK_CLOEXEC) {
		fd->flags |= O_CLOEXEC;
	}
}

/* ---- processes ---- */

/* fill_proc_common - the parameters clone and execve records share. */
static void fill_proc_common(struct sys_inst *in, struct sk_thread *t)
{
	int64_t v;
	uint32_t len;
	const char *s;
	if ((s = p_str(in, "exe")) != NULL) {
		sk_state_set_str(&t->exe, s, strlen(s));
	}
	if ((s = p_mem(in, "args", &len)) != NULL) {
		set_mem(&t->args, &t->args_len, s, len);
	} else if (in->ev.info != NULL && sys_param_named(in->ev.info, "args") >= 0) {
		free(t->args);
		t->args = NULL;
		t->args_len = 0;
	}
	if ((s = p_str(in, "comm")) != NULL) {
		snprintf(t->comm, sizeof(t->comm), "%s", s);
	}
	if ((s = p_str(in, "cwd")) != NULL && s[0] == '/' && t->files != NULL) {
		sk_state_set_str(&t->files->cwd, s, strlen(s));
	}
	if ((s = p_mem(in, "cgroups", &len)) != NULL) {
		set_mem(&t->cgroups, &t->cgroups_len, s, len);
	}
	if (p_i64(in, "pid", &v)) {
		t->pid = v;
	}
	if (p_i64(in, "vtid", &v)) {
		t->vtid = v;
	}
	if (p_i64(in, "vpid", &v)) {
		t->vpid = v;
	}
	if (p_i64(in, "fdlimit", &v)) {
		t->fdlimit = (uint64_t)v;
	}
	if (p_i64(in, "tty", &v)) {
		t->tty = (uint32_t)v;
	}
	if (p_i64(in, "vpgid", &v)) {
		t->vpgid = v;
	}
	if (p_i64(in, "pgid", &v)) {
		t->pgid = v;
	}
	if (p_i64(in, "sid", &v)) {
		t->sid = v;
	}
	if (p_i64(in, "loginuid", &v)) {
		t->loginuid = (uint32_t)v;
	}
	if (p_i64(in, "pidns_init_start_ts", &v)) {
		t->pidns_init_ts = (uint64_t)v;
	}
	if (p_i64(in, "cap_inheritable", &v)) {
		t->cap_inh = (uint64_t)v;
	}
	if (p_i64(in, "cap_permitted", &v)) {
		t->cap_prm = (uint64_t)v;
	}
	if (p_i64(in, "cap_effective", &v)) {
		t->cap_eff = (uint64_t)v;
	}
	/* clone's uid/gid are the real ids, execve's the effective ones (as
	 * Falco's); both set the ids Falco's user.uid shows */
	if (p_i64(in, "uid", &v)) {
		t->euid = (uint32_t)v;
		if (in->ev.rec->type != SK_SC_EXECVE && in->ev.rec->type != SK_SC_EXECVEAT) {
			t->uid = (uint32_t)v;
		}
	}
	if (p_i64(in, "gid", &v)) {
		t->egid = (uint32_t)v;
		if (in->ev.rec->type != SK_SC_EXECVE && in->ev.rec->type != SK_SC_EXECVEAT) {
			t->gid = (uint32_t)v;
		}
	}
}

/* refresh_root - after an exec or a chroot (force: even when the root
 * looks the same), find the process's root directory again. Replaying a
 * capture, the live run's answer arrives as a state record instead. */
static void refresh_root(struct sys_inst *in, struct sk_thread *t, bool force)
{
	char path[PATH_MAX];
	struct stat sb;
	if (in->st.offline) {
		return;
	}
	snprintf(path, sizeof(path), "%s/%lld/root", in->st.proc_root, (long long)t->pid);
	if (stat(path, &sb) != 0) {
		/* gone already: the root inherited from the parent may be wrong
		 * (a container runtime's init changes its root before it execs),
		 * so resolve it later (sk_state_userdb) */
		if (t->root_key != 0) {
			t->root_key = 0;
			sk_state_learnt(&in->st, SK_LEARNT_ROOTKEY, t, 0);
		}
		/* recording a capture: resolve it now, through a process of
		 * the same container that is still alive, so the file holds
		 * the answer and the users of that root (a replay cannot ask
		 * /proc later) */
		if (in->snap.capturing) {
			sk_state_userdb(&in->st, t, in->ev.rec->ts, false);
		}
		return;
	}
	uint64_t key = ((uint64_t)sb.st_dev << 40) ^ (uint64_t)sb.st_ino;
	if (key != t->root_key || force) {
		t->root_key = key;
		sk_state_learnt(&in->st, SK_LEARNT_ROOTKEY, t, 0);
		/* load the users while the process is alive to show the way */
		sk_state_userdb(&in->st, t, in->ev.rec->ts, false);
	}
}

static void parse_clone(struct sys_inst *in)
{
	const struct sk_evt_hdr *rec = in->ev.rec;
	int64_t res = -1, flags = 0, ptid = -1, pid = -1;
	p_i64(in, "res", &res);
	p_i64(in, "flags", &flags);
	p_i64(in, "ptid", &ptid);
	p_i64(in, "pid", &pid);
	if (res < 0) {
		return;
	}
	if (res > 0) {
		/* the parent's record: its thread is the event's; the child
		 * comes from its own record (res = 0) */
		in->ev.t = sk_state_get_thread(&in->st, (int64_t)rec->tid);
		return;
	}
	/* the child's record: the header's tid is the child */
	int64_t tid = (int64_t)rec->tid;
	struct sk_thread *parent = ptid > 0 ? sk_state_thread(&in->st, ptid) : NULL;
	if (parent == NULL && ptid > 0 && in->st.conf.scan_proc && !in->st.offline) {
		parent = sk_state_load_tid(&in->st, ptid);
	}
	bool is_thread = (flags & CLONE_THREAD) != 0;
	/* what the child needs of its parent, read before the insertion (a
	 * full table may evict the parent) */
	int64_t parent_pid = parent ? parent->pid : ptid, parent_ppid = parent ? parent->ppid : -1;
	bool parent_env = parent != NULL && parent->env_loaded;
	struct sk_thread *t;
	if (parent != NULL) {
		in->st.pin = parent->tid;
		t = sk_state_clone(&in->st, parent, tid, is_thread || (flags & CLONE_FILES));
		in->st.pin = 0;
	} else {
		t = sk_state_new_thread(&in->st, tid);
	}
	if (t == NULL) {
		return;
	}
	t->start_ts = rec->ts;
	t->env_loaded = parent_env;
	t->pid = is_thread ? parent_pid : tid;
	fill_proc_common(in, t);
	if (!is_thread) {
		t->ppid = parent_pid;
		if ((flags & CLONE_PARENT) && parent_ppid >= 0) {
			t->ppid = parent_ppid;
		}
	}
	if (flags & CLONE_NEWPID) {
		t->pidns_init_ts = rec->ts;
	}
	in->ev.t = t;
}

static void parse_execve(struct sys_inst *in)
{
	int64_t res = -1, v;
	p_i64(in, "res", &res);
	struct sk_thread *t = in->ev.t;
	if (res != 0 || t == NULL) {
		return;
	}
	fill_proc_common(in, t);
	const char *s = p_str(in, "trusted_exepath");
	char path[PATH_MAX];
	if (s != NULL && s[0] != '\0') {
		sk_state_set_str(&t->exepath, s, strlen(s));
	} else {
		int fi = sys_param_named(
		    in->ev.info, in->ev.rec->type == SK_SC_EXECVEAT ? "pathname" : "filename");
		int pl = fi >= 0 ? sys_resolve_path(in, (unsigned)fi, path, sizeof(path)) : -1;
		if (pl >= 0) {
			sk_state_set_str(&t->exepath, path, (size_t)pl);
		}
	}
	uint32_t len;
	const char *env = p_mem(in, "env", &len);
	if (env != NULL) {
		set_mem(&t->env, &t->env_len, env, len);
		t->env_loaded = true;
	} else {
		free(t->env);
		t->env = NULL;
		t->env_len = 0;
		t->env_loaded = false;
	}
	t->exe_writable = t->exe_upper_layer = t->exe_lower_layer = t->exe_from_memfd = false;
	if (p_i64(in, "flags", &v)) {
		t->exe_writable = (v & SK_EXE_WRITABLE) != 0;
		t->exe_upper_layer = (v & SK_EXE_UPPER_LAYER) != 0;
		t->exe_lower_layer = (v & SK_EXE_LOWER_LAYER) != 0;
		t->exe_from_memfd = (v & SK_EXE_FROM_MEMFD) != 0;
	}
	/* the kernel names a memfd's file "/memfd:NAME (deleted)" */
	if (t->exepath != NULL && strncmp(t->exepath, "/memfd:", 7) == 0) {
		t->exe_from_memfd = true;
	}
	if (p_i64(in, "exe_ino", &v)) {
		t->exe_ino = (uint64_t)v;
	}
	if (p_i64(in, "exe_ino_ctime", &v)) {
		t->exe_ctime = (uint64_t)v;
	}
	if (p_i64(in, "exe_ino_mtime", &v)) {
		t->exe_mtime = (uint64_t)v;
	}
	/* the exec closed the close-on-exec descriptors */
	if (t->files != NULL) {
		for (size_t i = 0; i < t->files->fds.cap; i++) {
			struct sk_fd *fd = t->files->fds.slots[i].val;
			while (fd != NULL && (fd->flags & O_CLOEXEC) && !fd->from_proc) {
				sk_fd_close(&in->st, t, fd->num);
				fd = t->files->fds.slots[i].val; /* backward shift moved one here */
			}
		}
	}
	refresh_root(in, t, false);
}

static void parse_setids(struct sys_inst *in)
{
	int64_t res = -1, a = -1, b = -1;
	struct sk_thread *t = in->ev.t;
	p_i64(in, "res", &res);
	if (res != 0 || t == NULL) {
		return;
	}
	switch (in->ev.rec->type) {
	case SK_SC_SETUID:
		if (p_i64(in, "uid", &a)) {
			t->uid = t->euid = (uint32_t)a;
		}
		break;
	case SK_SC_SETGID:
		if (p_i64(in, "gid", &a)) {
			t->gid = t->egid = (uint32_t)a;
		}
		break;
	case SK_SC_SETRESUID:
	case SK_SC_SETREUID:
		if (p_i64(in, "ruid", &a) && (uint32_t)a != 0xffffffffu) {
			t->uid = (uint32_t)a;
		}
		if (p_i64(in, "euid", &b) && (uint32_t)b != 0xffffffffu) {
			t->euid = (uint32_t)b;
		}
		break;
	case SK_SC_SETRESGID:
	case SK_SC_SETREGID:
		if (p_i64(in, "rgid", &a) && (uint32_t)a != 0xffffffffu) {
			t->gid = (uint32_t)a;
		}
		if (p_i64(in, "egid", &b) && (uint32_t)b != 0xffffffffu) {
			t->egid = (uint32_t)b;
		}
		break;
	case SK_SC_CAPSET:
		if (p_i64(in, "cap_inheritable", &a)) {
			t->cap_inh = (uint64_t)a;
		}
		if (p_i64(in, "cap_permitted", &a)) {
			t->cap_prm = (uint64_t)a;
		}
		if (p_i64(in, "cap_effective", &a)) {
			t->cap_eff = (uint64_t)a;
		}
		break;
	default:
		break;
	}
}

static void parse_pgid_sid(struct sys_inst *in)
{
	int64_t res = -1, pid = -1, pgid = -1;
	struct sk_thread *t = in->ev.t;
	p_i64(in, "res", &res);
	if (res < 0 || t == NULL) {
		return;
	}
	if (in->ev.rec->type == SK_SC_SETSID) {
		t->sid = t->pid;
		t->pgid = t->pid;
		t->vpgid = t->vpid >= 0 ? t->vpid : t->pid;
		return;
	}
	p_i64(in, "pid", &pid);
	p_i64(in, "pgid", &pgid);
	if (pid == 0 || pid == t->vpid || (t->vpid < 0 && pid == t->pid)) {
		/* setpgid(0 or self, pgid): pgid is in the caller's namespace */
		int64_t vp = pgid == 0 ? (t->vpid >= 0 ? t->vpid : t->pid) : pgid;
		t->vpgid = vp;
		if (t->vpid < 0 || t->vpid == t->pid) {
			t->pgid = vp;
		} else if (pgid == 0) {
			t->pgid = t->pid;
		}
	}
}

static void parse_chdir(struct sys_inst *in)
{
	int64_t res = -1;
	struct sk_thread *t = in->ev.t;
	p_i64(in, "res", &res);
	if (res != 0 || t == NULL || t->files == NULL) {
		return;
	}
	if (in->ev.rec->type == SK_SC_FCHDIR) {
		int64_t num;
		const struct sk_fd *fd = p_i64(in, "fd", &num) ? sk_fd_get(t, num) : NULL;
		in->ev.fd = (struct sk_fd *)fd;
		if (fd != NULL && fd->name != NULL && fd->name[0] == '/') {
			sk_state_set_str(&t->files->cwd, fd->name, strlen(fd->name));
		}
		return;
	}
	const char *s = p_str(in, "path");
	char path[PATH_MAX];
	int pl = s ? sk_path_join(thread_cwd(t), s, path, sizeof(path)) : -1;
	if (pl >= 0) {
		sk_state_set_str(&t->files->cwd, path, (size_t)pl);
	}
}

/* fd_of_event - the descriptor an event is about when it only names one:
 * its "fd" parameter (e.g. fchmod, read, shutdown). */
static void fd_of_event(struct sys_inst *in)
{
	int64_t num;
	int i = sys_param_named(in->ev.info, "fd");
	if (i < 0 || in->ev.info->params[i].type != SK_PT_FD ||
	    !sys_param_i64(in->ev.rec, in->ev.info, (unsigned)i, &num)) {
		return;
	}
	in->ev.fd = sk_fd_get(in->ev.t, num);
	in->ev.fdnum = num;
}

static void parse_fd_creating(struct sys_inst *in)
{
	int64_t res = -1;
	const char *name;
	p_i64(in, "res", &res);
	switch (in->ev.rec->type) {
	case SK_SC_EVENTFD:
	case SK_SC_EVENTFD2:
		new_fd(in, res, SK_FD_EVENT, "");
		break;
	case SK_SC_SIGNALFD:
	case SK_SC_SIGNALFD4: {
		int64_t fd = -1;
		p_i64(in, "fd", &fd);
		if (fd == -1) {
			new_fd(in, res, SK_FD_SIGNALFD, "");
		} else {
			in->ev.fd = sk_fd_get(in->ev.t, fd);
		}
		break;
	}
	case SK_SC_INOTIFY_INIT:
	case SK_SC_INOTIFY_INIT1:
		new_fd(in, res, SK_FD_INOTIFY, "");
		break;
	case SK_SC_TIMERFD_CREATE:
		new_fd(in, res, SK_FD_TIMERFD, "");
		break;
	case SK_SC_EPOLL_CREATE:
	case SK_SC_EPOLL_CREATE1:
		new_fd(in, res, SK_FD_EVENTPOLL, "");
		break;
	case SK_SC_USERFAULTFD:
		new_fd(in, res, SK_FD_USERFAULTFD, "");
		break;
	case SK_SC_BPF: {
		int64_t fd = -1;
		p_i64(in, "fd", &fd);
		new_fd(in, fd, SK_FD_BPF, "");
		break;
	}
	case SK_SC_MEMFD_CREATE: {
		int64_t fd = -1;
		p_i64(in, "fd", &fd);
		name = p_str(in, "name");
		char buf[300];
		snprintf(buf, sizeof(buf), "memfd:%s", name ? name : "");
		new_fd(in, fd, SK_FD_MEMFD, buf);
		break;
	}
	default:
		break;
	}
	if (in->ev.fd != NULL) {
		int64_t flags;
		if (p_i64(in, "flags", &flags) && (flags & O_CLOEXEC)) {
			in->ev.fd->flags |= O_CLOEXEC;
		}
	}
}

/* fd_name_before - before the event is parsed: the number of the fd it
 * uses (its "fd" parameter, when that is not the result of the call) and
 * a copy of that fd's name into in->oldname. Returns the number, or -1 when
 * the process has no such fd. */
static int64_t fd_name_before(struct sys_inst *in)
{
	int i = sys_param_named(in->ev.info, "fd");
	int64_t num;
	if (i <= 0 || in->ev.info->params[i].type != SK_PT_FD ||
	    !sys_param_i64(in->ev.rec, in->ev.info, (unsigned)i, &num)) {
		return -1;
	}
	const struct sk_fd *fd = sk_fd_get(in->ev.t, num);
	if (fd == NULL) {
		return -1;
	}
	size_t l = fd->name ? strlen(fd->name) : 0;
	if (l + 1 > in->oldname_cap) {
		char *b = realloc(in->oldname, l + 64);
		if (b == NULL) {
			return -1;
		}
		in->oldname = b;
		in->oldname_cap = l + 64;
	}
	memcpy(in->oldname, fd->name ? fd->name : "", l + 1);
	return num;
}

/* fd_name_after - fd.name_changed: the event's fd has another name than
 * before the event, or the event created it (or gave it its number) with
 * a name. A closed fd (the scratch copy) keeps its name. */
static void fd_name_after(struct sys_inst *in, int64_t before)
{
	const struct sk_fd *fd = in->ev.fd;
	if (fd == NULL || fd != sk_fd_get(in->ev.t, fd->num)) {
		return;
	}
	const char *name = fd->name ? fd->name : "";
	if (before >= 0 && fd->num == before) {
		in->ev.fd_name_changed = strcmp(name, in->oldname) != 0;
	} else {
		in->ev.fd_name_changed = name[0] != '\0';
	}
}

void sys_parse_event(struct sys_inst *in, const struct sk_event *ev)
{
	const struct sk_evt_hdr *rec = ev->rec;
	sk_state_reap(&in->st);
	free(in->ev.scratch_name);
	free(in->ev.scratch_raw);
	memset(&in->ev, 0, sizeof(in->ev));
	in->ev.num = ev->num;
	in->ev.rec = rec;
	in->ev.fdnum = -1;
	in->ev.info = sk_sc_event_info(rec->type);
	if (in->first_ts == 0) {
		in->first_ts = rec->ts;
	}
	if (in->ev.info == NULL) {
		return;
	}
	int64_t res = 0;
	switch (rec->type) {
	case SK_SC_CLONE:
	case SK_SC_FORK:
	case SK_SC_VFORK:
	case SK_SC_CLONE3:
		parse_clone(in);
		if (in->ev.t != NULL) {
			in->ev.t->last_ts = rec->ts;
		}
		return;
	default:
		break;
	}
	in->ev.t = sk_state_get_thread(&in->st, (int64_t)rec->tid);
	if (in->ev.t == NULL) {
		return;
	}
	in->ev.t->last_ts = rec->ts;
	int64_t fd_before = fd_name_before(in);
	switch (rec->type) {
	case SK_SC_EXECVE:
	case SK_SC_EXECVEAT:
		parse_execve(in);
		break;
	case SK_SC_PROCEXIT:
		sk_state_mark_dead(&in->st, in->ev.t);
		break;
	case SK_SC_SETUID:
	case SK_SC_SETGID:
	case SK_SC_SETRESUID:
	case SK_SC_SETRESGID:
	case SK_SC_SETREUID:
	case SK_SC_SETREGID:
	case SK_SC_CAPSET:
		parse_setids(in);
		break;
	case SK_SC_SETPGID:
	case SK_SC_SETSID:
		parse_pgid_sid(in);
		break;
	case SK_SC_CHROOT:
		if (p_i64(in, "res", &res) && res == 0) {
			refresh_root(in, in->ev.t, true);
		}
		break;
	case SK_SC_CHDIR:
	case SK_SC_FCHDIR:
		parse_chdir(in);
		break;
	case SK_SC_OPEN:
	case SK_SC_OPENAT:
	case SK_SC_OPENAT2:
	case SK_SC_CREAT:
	case SK_SC_OPEN_BY_HANDLE_AT:
		parse_open(in);
		break;
	case SK_SC_CLOSE:
		parse_close(in);
		break;
	case SK_SC_DUP:
	case SK_SC_DUP2:
	case SK_SC_DUP3:
	case SK_SC_FCNTL:
		parse_dup(in);
		break;
	case SK_SC_PIPE:
	case SK_SC_PIPE2:
		parse_pipe(in, SK_FD_PIPE);
		break;
	case SK_SC_SOCKETPAIR: {
		int64_t domain = 0;
		p_i64(in, "domain", &domain);
		parse_pipe(in, fd_type_of_family((int)domain));
		break;
	}
	case SK_SC_SOCKET:
		parse_socket(in);
		break;
	case SK_SC_CONNECT:
		parse_connect(in);
		break;
	case SK_SC_ACCEPT:
	case SK_SC_ACCEPT4: {
		int64_t num = -1;
		p_i64(in, "fd", &num);
		if (num >= 0) {
			parse_accept(in, num);
		}
		break;
	}
	case SK_SC_BIND:
		parse_bind(in);
		break;
	case SK_SC_LISTEN: {
		fd_of_event(in);
		if (in->ev.fd != NULL && p_i64(in, "res", &res) && res == 0) {
			in->ev.fd->role = SK_ROLE_SERVER;
		}
		break;
	}
	case SK_SC_SENDTO:
	case SK_SC_RECVFROM:
	case SK_SC_SENDMSG:
	case SK_SC_RECVMSG:
		parse_msg(in);
		break;
	case SK_SC_EVENTFD:
	case SK_SC_EVENTFD2:
	case SK_SC_SIGNALFD:
	case SK_SC_SIGNALFD4:
	case SK_SC_INOTIFY_INIT:
	case SK_SC_INOTIFY_INIT1:
	case SK_SC_TIMERFD_CREATE:
	case SK_SC_EPOLL_CREATE:
	case SK_SC_EPOLL_CREATE1:
	case SK_SC_USERFAULTFD:
	case SK_SC_BPF:
	case SK_SC_MEMFD_CREATE:
		parse_fd_creating(in);
		break;
	default:
		fd_of_event(in);
		break;
	}
	if (in->ev.fd != NULL && in->ev.fdnum < 0) {
		in->ev.fdnum = in->ev.fd->num;
	}
	fd_name_after(in, fd_before);
}
