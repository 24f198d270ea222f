// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_sock.c - sockets: the socket behind a file,
 * the connection tuple of a socket and an address passed to a call, laid
 * out as <shrike/syscall_events.h> says (SK_PT_SOCKTUPLE, SK_PT_SOCKADDR),
 * with the eBPF probe's rules (probe_socket.bpf.h) for which end is the
 * source and where an unconnected socket's remote end comes from.
 */
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include <net/af_unix.h>

#include "shrike_priv.h"

struct sock *sk_file_sock(struct file *f)
{
	struct inode *ino;
	struct socket *so;

	if (!f)
		return NULL;
	ino = READ_ONCE(f->f_inode);
	if (!ino || !S_ISSOCK(ino->i_mode))
		return NULL;
	so = READ_ONCE(f->private_data);
	return so ? READ_ONCE(so->sk) : NULL;
}

/* The path of a unix socket's address at dst, NUL-terminated, an abstract
 * name (a leading NUL, not terminated) as "@name"; returns the bytes
 * written with the NUL. dst has room for 110 bytes. */
static u32 sk_unix_path(u8 *dst, struct unix_address *ua)
{
	const char *path;
	int alen;
	u32 n;

	if (!ua) {
		dst[0] = 0;
		return 1;
	}
	alen = READ_ONCE(ua->len); /* with the 2-byte family */
	path = ua->name[0].sun_path;
	if (path[0] == 0 && alen > 3) {
		n = min_t(u32, (u32)(alen - 3), 106);
		dst[0] = '@';
		memcpy(dst + 1, path + 1, n);
		dst[1 + n] = 0;
		return n + 2;
	}
	n = strnlen(path, 107);
	memcpy(dst, path, n);
	dst[n] = 0;
	return n + 1;
}

/* The path of a unix sockaddr of salen bytes (sun_path: salen - 2 bytes,
 * not terminated when full; abstract: "@name"), NUL-terminated at dst;
 * returns the bytes written with the NUL. dst has room for 110 bytes. */
static u32 sk_sa_unix_path(u8 *dst, const u8 *sa, u32 salen)
{
	u32 n = salen > 2 ? salen - 2 : 0;

	if (n > 108)
		n = 108;
	if (n > 0 && sa[2] == 0) {
		n -= 1;
		dst[0] = '@';
		memcpy(dst + 1, sa + 3, n);
		dst[1 + n] = 0;
		return 2 + n;
	}
	memcpy(dst, sa + 2, n);
	dst[n] = 0;
	return (u32)strnlen((const char *)dst, 108) + 1;
}

/* The tuple of `sk`; peer_first: the peer is the source (accept and the
 * receives). `sa` (salen bytes, or NULL): an address the call names, used
 * for the remote end when the socket has none (a refused connect, a
 * datagram on an unconnected socket); a unix socket without a peer takes
 * its path for the calls whose source is the socket itself. */
void sk_rec_tuple(struct sk_rec *r, struct sock *sk, bool peer_first, const u8 *sa, u32 salen)
{
	u8 *b = sk ? sk_rec_room(r, 17 + 110) : NULL;
	u16 fam, lport, rport;

	if (!b) {
		sk_rec_empty(r);
		return;
	}
	fam = READ_ONCE(sk->__sk_common.skc_family);
	lport = READ_ONCE(sk->__sk_common.skc_num);
	rport = ntohs(READ_ONCE(sk->__sk_common.skc_dport));
	if (fam == AF_INET) {
		__be32 laddr = READ_ONCE(sk->__sk_common.skc_rcv_saddr);
		__be32 raddr = READ_ONCE(sk->__sk_common.skc_daddr);

		if (rport == 0 && sa && salen >= 8 && sa[0] == AF_INET && sa[1] == 0) {
			memcpy(&rport, sa + 2, 2);
			rport = ntohs(rport);
			memcpy(&raddr, sa + 4, 4);
		}
		b[0] = AF_INET;
		if (peer_first) {
			memcpy(b + 1, &raddr, 4);
			memcpy(b + 5, &rport, 2);
			memcpy(b + 7, &laddr, 4);
			memcpy(b + 11, &lport, 2);
		} else {
			memcpy(b + 1, &laddr, 4);
			memcpy(b + 5, &lport, 2);
			memcpy(b + 7, &raddr, 4);
			memcpy(b + 11, &rport, 2);
		}
		sk_rec_len(r, 13);
#if IS_ENABLED(CONFIG_IPV6)
	} else if (fam == AF_INET6) {
		struct in6_addr la = sk->__sk_common.skc_v6_rcv_saddr;
		struct in6_addr ra = sk->__sk_common.skc_v6_daddr;

		if (rport == 0 && sa && salen >= 24 && sa[0] == AF_INET6 && sa[1] == 0) {
			memcpy(&rport, sa + 2, 2);
			rport = ntohs(rport);
			memcpy(&ra, sa + 8, 16);
		}
		b[0] = AF_INET6;
		if (peer_first) {
			memcpy(b + 1, &ra, 16);
			memcpy(b + 17, &rport, 2);
			memcpy(b + 19, &la, 16);
			memcpy(b + 35, &lport, 2);
		} else {
			memcpy(b + 1, &la, 16);
			memcpy(b + 17, &lport, 2);
			memcpy(b + 19, &ra, 16);
			memcpy(b + 35, &rport, 2);
		}
		sk_rec_len(r, 37);
#endif
	} else if (fam == AF_UNIX) {
		struct unix_sock *us = unix_sk(sk);
		struct sock *peer = READ_ONCE(us->peer);
		struct unix_address *ua = NULL;
		u64 src = (u64)(uintptr_t)sk, dst = (u64)(uintptr_t)peer;

		b[0] = AF_UNIX;
		if (peer_first) {
			memcpy(b + 1, &dst, 8);
			memcpy(b + 9, &src, 8);
		} else {
			memcpy(b + 1, &src, 8);
			memcpy(b + 9, &dst, 8);
		}
		if (!peer_first && !peer && sa && salen >= 2 && sa[0] == AF_UNIX && sa[1] == 0) {
			sk_rec_len(r, 17 + sk_sa_unix_path(b + 17, sa, salen));
			return;
		}
		if (peer)
			ua = READ_ONCE(unix_sk(peer)->addr);
		if (!ua)
			ua = READ_ONCE(us->addr);
		sk_rec_len(r, 17 + sk_unix_path(b + 17, ua));
	} else {
		b[0] = (u8)fam;
		sk_rec_len(r, 1);
	}
}

/* A sockaddr of salen bytes (at most SK_EBPF_SA_MAX) copied from the
 * caller, encoded. */
void sk_rec_sockaddr(struct sk_rec *r, const u8 *sa, u32 salen)
{
	u8 *b = salen >= 2 ? sk_rec_room(r, 1 + 110) : NULL;
	u16 fam = 0, port = 0;

	if (!b) {
		sk_rec_empty(r);
		return;
	}
	memcpy(&fam, sa, 2);
	if (fam == AF_INET && salen >= 8) {
		b[0] = AF_INET;
		memcpy(b + 1, sa + 4, 4);
		memcpy(&port, sa + 2, 2);
		port = ntohs(port);
		memcpy(b + 5, &port, 2);
		sk_rec_len(r, 7);
	} else if (fam == AF_INET6 && salen >= 24) {
		b[0] = AF_INET6;
		memcpy(b + 1, sa + 8, 16);
		memcpy(&port, sa + 2, 2);
		port = ntohs(port);
		memcpy(b + 17, &port, 2);
		sk_rec_len(r, 19);
	} else if (fam == AF_UNIX) {
		b[0] = AF_UNIX;
		sk_rec_len(r, 1 + sk_sa_unix_path(b + 1, sa, salen));
	} else {
		b[0] = (u8)fam;
		sk_rec_len(r, 1);
	}
}
