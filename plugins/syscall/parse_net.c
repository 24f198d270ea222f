/* plugins/syscall/parse_net.c - the parser's part for sockets: socket,
 * connect, accept, bind and the message calls (sendto, recvfrom, sendmsg,
 * recvmsg) give a socket fd its family, addresses, role (client, server)
 * and Falco's name ("client->server" for IP, ids and path for unix). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"
#include "syscall.h"

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

uint8_t sys_fd_type_of_family(int family)
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
		fd = sk_fd_add(&in->st, in->ev.t, num, sys_fd_type_of_family(family));
		if (fd != NULL) {
			fd->family = (uint8_t)family;
			if (family == AF_INET || family == AF_INET6) {
				fd->l4proto = SK_L4_TCP; /* a guess; socket() was not seen */
			}
		}
	}
	return fd;
}

void sys_parse_connect(struct sys_inst *in)
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
	fd->type = sys_fd_type_of_family(family);
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

void sys_parse_accept(struct sys_inst *in, int64_t num)
{
	uint32_t tl = 0;
	const char *tp = p_mem(in, "tuple", &tl);
	struct socktuple_p tu;
	int family = tp && parse_socktuple(tp, tl, &tu) ? tu.family : AF_UNSPEC;
	struct sk_fd *fd = sk_fd_add(&in->st, in->ev.t, num, sys_fd_type_of_family(family));
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

void sys_parse_bind(struct sys_inst *in)
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
void sys_parse_msg(struct sys_inst *in)
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
	fd->type = sys_fd_type_of_family(tu.family);
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

void sys_parse_socket(struct sys_inst *in)
{
	int64_t num = -1, domain = 0, stype = 0, proto = 0;
	p_i64(in, "fd", &num);
	p_i64(in, "domain", &domain);
	p_i64(in, "type", &stype);
	p_i64(in, "proto", &proto);
	struct sk_fd *fd = sys_new_fd(in, num, sys_fd_type_of_family((int)domain), "");
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
