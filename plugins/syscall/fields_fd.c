/* plugins/syscall/fields_fd.c - the syscall plugin's fields about files
 * and descriptors that fields_fdcore.c does not have, with Falco's
 * names, types and meaning:
 *   - fd.uid, fd.containername, fd.containerdirectory;
 *   - fd.proto and fd.cproto/sproto/lproto/rproto: port numbers as the
 *     service names /etc/services gives them (read once, on first use);
 *   - fd.is_upper_layer, fd.is_lower_layer, proc.is_exe_lower_layer: the
 *     overlayfs layer the probe found at open and at exec;
 *   - fdlist.*: the descriptors of poll and ppoll (their `fds` argument);
 *   - fs.path.*: the paths of successful filesystem calls, per call the
 *     argument Falco reads.
 * Values point into the instance's scratch buffer or into the state: valid
 * until the next extract(). */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/hostroot.h"
#include "common/sbuf.h"
#include "../common/procfs.h"
#include "fields_fd.h"

/* ---- /etc/services ---- */

struct svc_ent {
	uint16_t port;
	uint8_t udp;   /* 0 tcp, 1 udp */
	uint32_t name; /* offset in svc_tab.names */
};

static struct svc_tab {
	char *path; /* the file loaded, NULL: none yet */
	struct svc_ent *ents;
	size_t n;
	char *names;
} svc;

static int svc_cmp(const void *a, const void *b)
{
	const struct svc_ent *x = a, *y = b;
	if (x->udp != y->udp) {
		return x->udp < y->udp ? -1 : 1;
	}
	if (x->port != y->port) {
		return x->port < y->port ? -1 : 1;
	}
	/* the first line wins, as getservbyport(3) answers */
	return x->name < y->name ? -1 : x->name > y->name;
}

static void svc_free(void)
{
	free(svc.path);
	free(svc.ents);
	free(svc.names);
	memset(&svc, 0, sizeof(svc));
}

/* svc_load - read "name port/proto [aliases] [# comment]" lines. A file
 * that cannot be read leaves an empty table: every port shows as its
 * number. */
static void svc_load(const char *path)
{
	svc_free();
	svc.path = strdup(path);
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		return;
	}
	size_t cap = 0, ncap = 0, nlen = 0;
	char line[512];
	while (fgets(line, sizeof(line), f) != NULL) {
		char *hash = strchr(line, '#');
		if (hash != NULL) {
			*hash = '\0';
		}
		char *save = NULL;
		char *name = strtok_r(line, " \t\r\n", &save);
		char *pp = name ? strtok_r(NULL, " \t\r\n", &save) : NULL;
		char *slash = pp ? strchr(pp, '/') : NULL;
		if (slash == NULL) {
			continue;
		}
		*slash = '\0';
		char *end = NULL;
		unsigned long port = strtoul(pp, &end, 10);
		bool tcp = strcmp(slash + 1, "tcp") == 0, udp = strcmp(slash + 1, "udp") == 0;
		if (end == pp || *end != '\0' || port > 65535 || (!tcp && !udp)) {
			continue;
		}
		size_t l = strlen(name) + 1;
		if (svc.n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct svc_ent *e = realloc(svc.ents, nc * sizeof(*e));
			if (e == NULL) {
				break;
			}
			svc.ents = e;
			cap = nc;
		}
		if (nlen + l > ncap) {
			size_t nc = ncap ? ncap * 2 : 4096;
			while (nc < nlen + l) {
				nc *= 2;
			}
			char *nn = realloc(svc.names, nc);
			if (nn == NULL) {
				break;
			}
			svc.names = nn;
			ncap = nc;
		}
		memcpy(svc.names + nlen, name, l);
		svc.ents[svc.n++] =
		    (struct svc_ent){.port = (uint16_t)port, .udp = udp, .name = (uint32_t)nlen};
		nlen += l;
	}
	fclose(f);
	if (svc.n > 0) {
		qsort(svc.ents, svc.n, sizeof(*svc.ents), svc_cmp);
	}
}

const char *sys_services_name(const char *path, uint16_t port, const char *proto)
{
	char def[PATH_MAX];
	if (path == NULL) {
		path = sk_hostroot_path("/etc/services", def, sizeof(def));
		if (path == NULL) {
			return NULL;
		}
	}
	if (svc.path == NULL || strcmp(svc.path, path) != 0) {
		svc_load(path);
	}
	uint8_t udp;
	if (strcmp(proto, "tcp") == 0) {
		udp = 0;
	} else if (strcmp(proto, "udp") == 0) {
		udp = 1;
	} else {
		return NULL;
	}
	/* the first entry of (udp, port): lower bound */
	size_t lo = 0, hi = svc.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct svc_ent *e = &svc.ents[mid];
		if (e->udp < udp || (e->udp == udp && e->port < port)) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo < svc.n && svc.ents[lo].udp == udp && svc.ents[lo].port == port) {
		return svc.names + svc.ents[lo].name;
	}
	return NULL;
}

/* ---- small helpers ---- */

/* side_port - the port of an inet fd's client ('c'), server ('s'), local
 * ('l') or remote ('r') end, as fd.cport ... fd.rport read it; false when
 * the fd has no such end. */
static bool side_port(const struct sk_fd *fd, char which, uint16_t *ret)
{
	char side = sys_fd_side(fd, which);
	if (side == 0) {
		return false;
	}
	*ret = side == 'c' ? fd->cport : fd->sport;
	return true;
}

/* the 12-digit container id of the thread's cgroups; "" on the host */
static void container_of(const struct sk_thread *t, char ret_id[13])
{
	char full[65] = "";
	ret_id[0] = '\0';
	const char *p = t->cgroups;
	size_t left = p ? t->cgroups_len : 0;
	while (left > 0) {
		size_t el = strnlen(p, left);
		const char *eq = memchr(p, '=', el);
		const char *path = eq ? eq + 1 : p;
		if (sk_cgroup_container_id(path, el - (size_t)(path - p), full) != SK_CTR_NONE) {
			memcpy(ret_id, full, 12);
			ret_id[12] = '\0';
			return;
		}
		if (el >= left) {
			break;
		}
		p += el + 1;
		left -= el + 1;
	}
}

/* ---- fd.* ---- */

static int proto_field(struct sys_inst *in, const struct sk_fd *fd, char which, struct sk_value *v)
{
	uint16_t port;
	if (!side_port(fd, which, &port)) {
		return SK_NA;
	}
	const char *l4 = sk_l4_name(fd->l4proto);
	const char *name = l4 ? sys_services_name(NULL, port, l4) : NULL;
	return name ? sys_ret_str(v, name) : sys_ret_fmt(in, v, "%u", port);
}

static int fd_extra(struct sys_inst *in, unsigned id, struct sk_value *v)
{
	const struct sk_fd *fd = in->ev.fd;
	if (fd == NULL) {
		return SK_NA;
	}
	char ctr[13];
	switch (id) {
	case FX_FD_UID:
		return sys_ret_fmt(in, v, "%" PRId64 "%" PRId64, in->ev.t->tid, fd->num);
	case FX_FD_CONTAINERNAME:
		if (fd->name == NULL) {
			return SK_NA;
		}
		container_of(in->ev.t, ctr);
		return sys_ret_fmt(in, v, "%s:%s", ctr, fd->name);
	case FX_FD_CONTAINERDIRECTORY: {
		struct sk_value d = {0};
		int rc = sys_fd_directory(in, &d);
		if (rc != SK_OK) {
			return rc;
		}
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%.*s", (int)d.str.len, d.str.ptr);
		container_of(in->ev.t, ctr);
		return sys_ret_fmt(in, v, "%s:%s", ctr, dir);
	}
	case FX_FD_PROTO: {
		uint16_t c, s;
		uint32_t n = 0;
		if (side_port(fd, 'c', &c)) {
			in->items[n].type = SK_TYPE_PORT;
			in->items[n++].u64 = c;
		}
		if (side_port(fd, 's', &s)) {
			in->items[n].type = SK_TYPE_PORT;
			in->items[n++].u64 = s;
		}
		if (n == 0) {
			return SK_NA;
		}
		v->type = SK_TYPE_LIST;
		v->list.items = in->items;
		v->list.n = n;
		return SK_OK;
	}
	case FX_FD_CPROTO:
		return proto_field(in, fd, 'c', v);
	case FX_FD_SPROTO:
		return proto_field(in, fd, 's', v);
	case FX_FD_LPROTO:
		return proto_field(in, fd, 'l', v);
	case FX_FD_RPROTO:
		return proto_field(in, fd, 'r', v);
	case FX_FD_IS_UPPER_LAYER:
		return sys_ret_bool(v, fd->layer == SK_LAYER_UPPER);
	case FX_FD_IS_LOWER_LAYER:
		return sys_ret_bool(v, fd->layer == SK_LAYER_LOWER);
	default:
		return SK_NA;
	}
}

/* ---- fdlist.* ---- */

/* one fd's item of fdlist field `id` into b; false: the fd gives none */
static bool fdlist_item(const struct sk_fd *fd, int64_t num, unsigned id, struct sk_sbuf *b)
{
	char ip[INET6_ADDRSTRLEN];
	char txt[24];
	switch (id) {
	case FX_FDLIST_NUMS:
		sk_sbuf_add(b, txt, (size_t)snprintf(txt, sizeof(txt), "%" PRId64, num));
		return true;
	case FX_FDLIST_NAMES: {
		const char *name = fd && fd->name && fd->name[0] ? fd->name : "<NA>";
		sk_sbuf_add(b, name, strlen(name));
		return true;
	}
	case FX_FDLIST_CIPS:
	case FX_FDLIST_SIPS: {
		bool client = id == FX_FDLIST_CIPS;
		if (!sys_fd_is_inet(fd) || (client && !sys_fd_has_client(fd))) {
			return false;
		}
		if (inet_ntop(fd->family, client ? fd->cip : fd->sip, ip, sizeof(ip)) == NULL) {
			return false;
		}
		sk_sbuf_add(b, ip, strlen(ip));
		return true;
	}
	case FX_FDLIST_CPORTS:
	case FX_FDLIST_SPORTS:
		/* as Falco: only sockets with both ends (not listening ones) */
		if (!sys_fd_is_inet(fd) || !sys_fd_has_client(fd)) {
			return false;
		}
		sk_sbuf_add(b, txt,
			    (size_t)snprintf(txt, sizeof(txt), "%u",
					     (unsigned)(id == FX_FDLIST_CPORTS ? fd->cport : fd->sport)));
		return true;
	default:
		return false;
	}
}

static int fdlist_field(struct sys_inst *in, unsigned id, struct sk_value *v)
{
	uint16_t type = in->ev.rec->type;
	if (type != SK_SC_POLL && type != SK_SC_PPOLL) {
		return SK_NA;
	}
	int pi = sys_param_named(in->ev.info, "fds");
	const void *data;
	uint32_t len;
	if (pi < 0 || !sys_param(in->ev.rec, (unsigned)pi, &data, &len) || len < 2) {
		return SK_NA;
	}
	const uint8_t *s = data;
	uint16_t n;
	memcpy(&n, s, 2);
	struct sk_sbuf b = {0};
	for (uint32_t k = 0; k < n && 2 + (k + 1) * 10 <= len; k++) {
		int64_t num;
		memcpy(&num, s + 2 + k * 10, 8);
		size_t mark = b.len;
		if (b.len > 0) {
			sk_sbuf_add(&b, ",", 1);
		}
		if (!fdlist_item(sk_fd_get(in->ev.t, num), num, id, &b) && !b.oom) {
			sk_sbuf_truncate(&b, mark); /* no item: no separator either */
		}
	}
	int rc = SK_NA;
	if (b.oom) {
		rc = SK_ERR;
	} else if (b.len > 0) {
		rc = sys_ret_fmt(in, v, "%s", b.p);
	}
	free(b.p);
	return rc;
}

/* ---- fs.path.* ---- */

/* Which argument each call's fs.path fields read (Falco's table): a
 * parameter name, or "" for the event's fd (fd.name). */
struct fsp_row {
	uint16_t type;
	const char *path, *source, *target;
};

static const struct fsp_row fsp_rows[] = {
    {SK_SC_MKDIR, "path", NULL, NULL},
    {SK_SC_MKDIRAT, "path", NULL, NULL},
    {SK_SC_RMDIR, "path", NULL, NULL},
    {SK_SC_UNLINK, "path", NULL, NULL},
    {SK_SC_UNLINKAT, "name", NULL, NULL},
    {SK_SC_OPEN, "name", NULL, NULL},
    {SK_SC_OPENAT, "name", NULL, NULL},
    {SK_SC_OPENAT2, "name", NULL, NULL},
    {SK_SC_FCHMODAT, "filename", NULL, NULL},
    {SK_SC_CHMOD, "filename", NULL, NULL},
    {SK_SC_FCHMOD, "", NULL, NULL},
    {SK_SC_CHOWN, "path", NULL, NULL},
    {SK_SC_LCHOWN, "path", NULL, NULL},
    {SK_SC_FCHOWN, "", NULL, NULL},
    {SK_SC_FCHOWNAT, "pathname", NULL, NULL},
    {SK_SC_UMOUNT2, "name", NULL, NULL},
    {SK_SC_RENAME, NULL, "oldpath", "newpath"},
    {SK_SC_RENAMEAT, NULL, "oldpath", "newpath"},
    {SK_SC_RENAMEAT2, NULL, "oldpath", "newpath"},
    /* the new name is the source, the existing file the target */
    {SK_SC_LINK, NULL, "newpath", "oldpath"},
    {SK_SC_LINKAT, NULL, "newpath", "oldpath"},
    {SK_SC_SYMLINK, NULL, "linkpath", "target"},
    {SK_SC_SYMLINKAT, NULL, "linkpath", "target"},
    {SK_SC_MOUNT, NULL, "dev", "dir"},
};

static bool is_open(uint16_t type)
{
	return type == SK_SC_OPEN || type == SK_SC_OPENAT || type == SK_SC_OPENAT2;
}

static int fspath_field(struct sys_inst *in, unsigned id, struct sk_value *v)
{
	uint16_t type = in->ev.rec->type;
	const struct fsp_row *row = NULL;
	for (size_t i = 0; i < sizeof(fsp_rows) / sizeof(fsp_rows[0]); i++) {
		if (fsp_rows[i].type == type) {
			row = &fsp_rows[i];
			break;
		}
	}
	if (row == NULL) {
		return SK_NA;
	}
	const char *arg = id <= FX_FS_PATH_NAMERAW     ? row->path
			  : id <= FX_FS_PATH_SOURCERAW ? row->source
						       : row->target;
	bool raw =
	    id == FX_FS_PATH_NAMERAW || id == FX_FS_PATH_SOURCERAW || id == FX_FS_PATH_TARGETRAW;
	if (arg == NULL) {
		return SK_NA;
	}
	/* only successful calls: res 0, or an open's new descriptor */
	int64_t res;
	if (!sys_param_i64(in->ev.rec, in->ev.info, 0, &res) ||
	    (is_open(type) ? res < 0 : res != 0)) {
		return SK_NA;
	}
	if (arg[0] == '\0' || (is_open(type) && !raw)) {
		/* fchmod, fchown: the fd's name; opens: the file's absolute name */
		const struct sk_fd *fd = in->ev.fd;
		return fd && fd->name ? sys_ret_str(v, fd->name) : SK_NA;
	}
	int pi = sys_param_named(in->ev.info, arg);
	const char *s = pi >= 0 ? sys_param_str(in->ev.rec, (unsigned)pi) : NULL;
	if (s == NULL) {
		return SK_NA;
	}
	if (raw) {
		return sys_ret_str(v, s);
	}
	if (type == SK_SC_SYMLINKAT && pi >= 0 && strcmp(arg, "target") == 0 && s[0] != '/') {
		/* no directory to resolve a symlinkat target against (Falco's) */
		return sys_ret_fmt(in, v, "<UNKNOWN>/%s", s);
	}
	char path[PATH_MAX];
	int n = sys_resolve_path(in, (unsigned)pi, path, sizeof(path));
	return n < 0 ? SK_NA : sys_ret_fmt(in, v, "%s", path);
}

/* ---- entry ---- */

int sys_fdx_extract(struct sys_inst *in, unsigned id, const struct sk_field_req *req,
		    struct sk_value *v)
{
	(void)req;
	if (in->ev.t == NULL || in->ev.rec == NULL || in->ev.info == NULL) {
		return SK_NA;
	}
	if (id == FX_PROC_IS_EXE_LOWER_LAYER) {
		return sys_ret_bool(v, in->ev.t->exe_lower_layer);
	}
	if (id < FX_PROC_IS_EXE_LOWER_LAYER) {
		return fd_extra(in, id, v);
	}
	if (id < FX_FS_PATH_NAME) {
		return fdlist_field(in, id, v);
	}
	if (id < FX_COUNT) {
		return fspath_field(in, id, v);
	}
	return SK_ERR;
}
