/* plugins/syscall/fields_fdcore.c - the syscall plugin's fd.* fields of
 * fields.h, read from the event's fd: fd.num, fd.type, fd.typechar,
 * fd.name, fd.nameraw, fd.directory, fd.filename, the addresses, networks
 * and ports of sockets (fd.cip ... fd.rport, fd.ip, fd.port), the domain
 * names of addresses (fd.*ip.name, with field_constants() learning the
 * names to look for), fd.l4proto, fd.sockfamily, fd.is_server,
 * fd.connected, fd.dev*, fd.ino, fd.types, fd.name_changed; and the socket
 * helpers fields_fd.c uses too. Values point into the instance's scratch
 * buffer or into the state: valid until the next extract(). */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "fields.h"
#include "fields_fd.h"
#include "names.h"
#include "syscall.h"

static void set_ip(struct sk_value *v, uint32_t type, int family, const uint8_t *addr)
{
	v->type = type;
	memset(&v->ip, 0, sizeof(v->ip));
	if (family == AF_INET) {
		v->ip.family = 4;
		v->ip.prefix = 32;
		memcpy(v->ip.addr, addr, 4);
	} else {
		v->ip.family = 6;
		v->ip.prefix = 128;
		memcpy(v->ip.addr, addr, 16);
	}
}

/* ---- fd helpers ---- */

bool sys_fd_is_inet(const struct sk_fd *fd)
{
	return fd != NULL && (fd->type == SK_FD_IPV4 || fd->type == SK_FD_IPV6) &&
	       (fd->family == AF_INET || fd->family == AF_INET6);
}

static bool fd_is_local_server(const struct sk_fd *fd)
{
	return fd->role == SK_ROLE_SERVER;
}

bool sys_fd_has_client(const struct sk_fd *fd)
{
	return fd->connected || fd->role == SK_ROLE_CLIENT || fd->cport != 0;
}

char sys_fd_side(const struct sk_fd *fd, char which)
{
	if (!sys_fd_is_inet(fd)) {
		return 0;
	}
	bool server = fd_is_local_server(fd);
	bool client_side = which == 'c' || (which == 'l' && !server) || (which == 'r' && server);
	if (client_side && !sys_fd_has_client(fd)) {
		return 0;
	}
	return client_side ? 'c' : 's';
}

/* fd_addr - the address fd.cip, fd.sip, fd.lip, fd.rip (and their .net and
 * .name fields) read from an inet fd ('c', 's', 'l', 'r'): NULL when it has
 * none (a listening socket has no client). */
static const uint8_t *fd_addr(const struct sk_fd *fd, char which)
{
	char side = sys_fd_side(fd, which);
	return side == 0 ? NULL : side == 'c' ? fd->cip : fd->sip;
}

/* fd_addr_name - fd.*ip.name: the learnt domain names that resolve to the
 * address (dns.c): one name as a string, several as a list. */
static int fd_addr_name(struct sys_inst *in, const struct sk_fd *fd, char which, struct sk_value *v)
{
	const uint8_t *a = fd_addr(fd, which);
	if (a == NULL || in->dns == NULL) {
		return SK_NA;
	}
	sys_dns_start(in->dns);
	const char *names[16];
	size_t n = sys_dns_names(in->dns, fd->family == AF_INET ? 4 : 6, a, names, 16);
	if (n == 0) {
		return SK_NA;
	}
	if (n == 1) {
		return sys_ret_str(v, names[0]);
	}
	n = n < 16 ? n : 16;
	struct sk_value *items = (struct sk_value *)sys_scratch(in, n * sizeof(*items));
	if (items == NULL) {
		return SK_ERR;
	}
	for (size_t i = 0; i < n; i++) {
		memset(&items[i], 0, sizeof(items[i]));
		sys_ret_str(&items[i], names[i]);
	}
	v->type = SK_TYPE_LIST;
	v->list.items = items;
	v->list.n = (uint32_t)n;
	return SK_OK;
}

/* fd_types - fd.types: the types of the process's open fds, each once, in
 * enum order; fd.types[N]: the type of fd N. */
static int fd_types(struct sys_inst *in, const struct sk_field_req *req, struct sk_value *v)
{
	const struct sk_thread *t = in->ev.t;
	if (in->ev.fd == NULL && in->ev.fdnum < 0) {
		return SK_NA; /* as Falco: only on events about an fd */
	}
	bool seen[SK_FD_NTYPES] = {false};
	size_t n = 0;
	if (req->arg_key != NULL) {
		const struct sk_fd *fd =
		    req->has_index ? sk_fd_get(t, (int64_t)req->arg_index) : NULL;
		if (fd == NULL) {
			return SK_NA;
		}
		seen[fd->type < SK_FD_NTYPES ? fd->type : SK_FD_UNKNOWN] = true;
		n = 1;
	} else if (t->files != NULL) {
		for (size_t i = 0; i < t->files->fds.cap; i++) {
			const struct sk_fd *fd = t->files->fds.slots[i].val;
			if (fd != NULL) {
				unsigned ty = fd->type < SK_FD_NTYPES ? fd->type : SK_FD_UNKNOWN;
				n += !seen[ty];
				seen[ty] = true;
			}
		}
	}
	struct sk_value *items = (struct sk_value *)sys_scratch(in, (n ? n : 1) * sizeof(*items));
	if (items == NULL) {
		return SK_ERR;
	}
	size_t k = 0;
	for (unsigned ty = 0; ty < SK_FD_NTYPES && k < n; ty++) {
		if (seen[ty]) {
			memset(&items[k], 0, sizeof(items[k]));
			sys_ret_str(&items[k++], sk_fd_type_name(ty));
		}
	}
	v->type = SK_TYPE_LIST;
	v->list.items = items;
	v->list.n = (uint32_t)k;
	return SK_OK;
}

void sys_field_constants(void *inst, const struct sk_field_req *req, const char *const *values,
			 size_t n)
{
	struct sys_inst *in = inst;
	unsigned id = req->field_idx;
	if (id != F_FD_CIP_NAME && id != F_FD_SIP_NAME && id != F_FD_LIP_NAME &&
	    id != F_FD_RIP_NAME) {
		return;
	}
	if (in->dns == NULL && (in->dns = sys_dns_create()) == NULL) {
		goto oom;
	}
	for (size_t i = 0; i < n; i++) {
		if (sys_dns_add(in->dns, values[i]) < 0) {
			goto oom;
		}
	}
	return;
oom:
	if (in->api && in->api->log) {
		in->api->log(in->host, SK_LOG_ERROR,
			     "out of memory learning the domain names of %s: they stay NA",
			     sys_fields[id].name);
	}
}

int sys_fd_field(struct sys_inst *in, unsigned id, const struct sk_field_req *req,
		 struct sk_value *v)
{
	const struct sk_fd *fd = in->ev.fd;
	if (id == F_FD_TYPES) {
		return fd_types(in, req, v);
	}
	if (id == F_FD_NUM) {
		return in->ev.fdnum >= 0 || (fd && fd->num < 0)
			   ? sys_ret_i64(v, fd ? fd->num : in->ev.fdnum)
			   : SK_NA;
	}
	if (fd == NULL) {
		return SK_NA;
	}
	bool file = fd->type == SK_FD_FILE || fd->type == SK_FD_DIRECTORY;
	bool inet = sys_fd_is_inet(fd);
	bool server = fd_is_local_server(fd);
	switch (id) {
	case F_FD_TYPE:
		return sys_ret_str(v, sk_fd_type_name(fd->type));
	case F_FD_TYPECHAR:
		return sys_ret_fmt(in, v, "%c", sk_fd_type_char(fd->type));
	case F_FD_NAME:
		return sys_ret_str(v, fd->name);
	case F_FD_NAMERAW:
		/* as Falco: only files keep the name as passed */
		return sys_ret_str(v, fd->nameraw ? fd->nameraw : file ? fd->name : "");
	case F_FD_DIRECTORY: {
		if (!file || fd->name == NULL) {
			return SK_NA;
		}
		if (fd->type == SK_FD_DIRECTORY) {
			return sys_ret_str(v, fd->name);
		}
		const char *slash = strrchr(fd->name, '/');
		if (slash == NULL) {
			return SK_NA;
		}
		size_t l = slash == fd->name ? 1 : (size_t)(slash - fd->name);
		return sys_ret_fmt(in, v, "%.*s", (int)l, fd->name);
	}
	case F_FD_FILENAME: {
		if (fd->type != SK_FD_FILE || fd->name == NULL || in->ev.open_failed) {
			return SK_NA; /* as Falco: not recovered for a failed open */
		}
		const char *slash = strrchr(fd->name, '/');
		return sys_ret_str(v, slash ? slash + 1 : fd->name);
	}
	case F_FD_CIP:
	case F_FD_SIP:
	case F_FD_LIP:
	case F_FD_RIP:
	case F_FD_CNET:
	case F_FD_SNET:
	case F_FD_LNET:
	case F_FD_RNET: {
		/* both groups are in c, s, l, r order in the table */
		bool net = id == F_FD_CNET || id == F_FD_SNET || id == F_FD_LNET || id == F_FD_RNET;
		unsigned k = net ? id - F_FD_CNET : id - F_FD_CIP;
		const uint8_t *a = inet ? fd_addr(fd, "cslr"[k]) : NULL;
		if (a == NULL) {
			return SK_NA;
		}
		set_ip(v, net ? SK_TYPE_IPNET : SK_TYPE_IPADDR, fd->family, a);
		return SK_OK;
	}
	case F_FD_CIP_NAME:
		return inet ? fd_addr_name(in, fd, 'c', v) : SK_NA;
	case F_FD_SIP_NAME:
		return inet ? fd_addr_name(in, fd, 's', v) : SK_NA;
	case F_FD_LIP_NAME:
		return inet ? fd_addr_name(in, fd, 'l', v) : SK_NA;
	case F_FD_RIP_NAME:
		return inet ? fd_addr_name(in, fd, 'r', v) : SK_NA;
	case F_FD_NAME_CHANGED:
		return in->ev.open_failed ? SK_NA : sys_ret_bool(v, in->ev.fd_name_changed);
	case F_FD_IP:
	case F_FD_NET: {
		if (!inet) {
			return SK_NA;
		}
		uint32_t ty = id == F_FD_NET ? SK_TYPE_IPNET : SK_TYPE_IPADDR;
		uint32_t n = 0;
		if (sys_fd_has_client(fd)) {
			set_ip(&in->items[n++], ty, fd->family, fd->cip);
		}
		set_ip(&in->items[n++], ty, fd->family, fd->sip);
		v->type = SK_TYPE_LIST;
		v->list.items = in->items;
		v->list.n = n;
		return SK_OK;
	}
	case F_FD_CPORT:
	case F_FD_SPORT:
	case F_FD_LPORT:
	case F_FD_RPORT: {
		char side = sys_fd_side(fd, id == F_FD_CPORT   ? 'c'
					    : id == F_FD_SPORT ? 's'
					    : id == F_FD_LPORT ? 'l'
							       : 'r');
		if (side == 0) {
			return SK_NA;
		}
		return sys_ret_u64(v, SK_TYPE_PORT, side == 'c' ? fd->cport : fd->sport);
	}
	case F_FD_PORT: {
		if (!inet) {
			return SK_NA;
		}
		uint32_t n = 0;
		if (sys_fd_has_client(fd)) {
			in->items[n].type = SK_TYPE_PORT;
			in->items[n++].u64 = fd->cport;
		}
		in->items[n].type = SK_TYPE_PORT;
		in->items[n++].u64 = fd->sport;
		v->type = SK_TYPE_LIST;
		v->list.items = in->items;
		v->list.n = n;
		return SK_OK;
	}
	case F_FD_L4PROTO:
		return inet ? sys_ret_str(v, sk_l4_name(fd->l4proto)) : SK_NA;
	case F_FD_SOCKFAMILY:
		return sys_ret_str(v, sk_sockfamily_name(fd->family));
	case F_FD_IS_SERVER:
		return (inet || fd->type == SK_FD_UNIX) ? sys_ret_bool(v, server) : SK_NA;
	case F_FD_CONNECTED:
		return (inet || fd->type == SK_FD_UNIX) ? sys_ret_bool(v, fd->connected) : SK_NA;
	case F_FD_DEV:
		return file && fd->dev ? sys_ret_u64(v, SK_TYPE_U64, fd->dev) : SK_NA;
	case F_FD_DEV_MAJOR: /* the kernel's new_encode_dev() layout */
		return file && fd->dev ? sys_ret_u64(v, SK_TYPE_U64, (fd->dev & 0xfff00) >> 8)
				       : SK_NA;
	case F_FD_DEV_MINOR:
		return file && fd->dev ? sys_ret_u64(v, SK_TYPE_U64,
						     (fd->dev & 0xff) | ((fd->dev >> 12) & 0xfff00))
				       : SK_NA;
	case F_FD_INO:
		return fd->ino ? sys_ret_u64(v, SK_TYPE_U64, fd->ino) : SK_NA;
	default:
		return SK_NA;
	}
}

/* ---- shared with fields_fd.c ---- */

int sys_fd_directory(struct sys_inst *in, struct sk_value *v)
{
	const struct sk_field_req req = {.field_idx = F_FD_DIRECTORY};
	return sys_fd_field(in, F_FD_DIRECTORY, &req, v);
}
