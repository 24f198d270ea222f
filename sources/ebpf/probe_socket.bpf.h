/* sources/ebpf/probe_socket.bpf.h - part of the eBPF probe (probe.bpf.c):
 * sockets: the socket behind a file, unix paths, the connection tuple
 * (rec_tuple) and a sockaddr (rec_sockaddr).
 *
 * Not a standalone header: probe.bpf.c includes it once, after the files
 * before it in its list, and it uses what those define.
 */
#ifndef SK_SOURCES_EBPF_PROBE_SOCKET_BPF_H
#define SK_SOURCES_EBPF_PROBE_SOCKET_BPF_H

/* ---- sockets ------------------------------------------------------------------ */

#define SK_S_IFMT   00170000u
#define SK_S_IFSOCK 0140000u

static __always_inline struct sock *file_sock(struct file *f)
{
	if (f == NULL) {
		return NULL;
	}
	__u16 mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & SK_S_IFMT) != SK_S_IFSOCK) {
		return NULL;
	}
	struct socket *so = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(so, sk);
}

static __always_inline __u16 swab16(__u16 v)
{
	return (__u16)((v >> 8) | (v << 8));
}

/* Copy the path of a unix socket address (abstract names start with '@'). */
/* Copy the path of a unix socket address, NUL-terminated (an abstract
 * name, which starts with a NUL and is not terminated, as "@name"). */
static __always_inline __u32 unix_path(__u8 *dst, struct unix_address *ua)
{
	if (ua == NULL) {
		dst[0] = 0;
		return 1;
	}
	int alen = BPF_CORE_READ(ua, len); /* with the 2-byte family */
	char *path = (char *)__builtin_preserve_access_index(&ua->name[0].sun_path);
	char first = 0;
	bpf_probe_read_kernel(&first, 1, path);
	if (first == 0 && alen > 3) {
		__u32 n = (__u32)(alen - 3);
		if (n > 106) {
			n = 106;
		}
		barrier_var(n);
		n &= 127;
		dst[0] = '@';
		if (bpf_probe_read_kernel(dst + 1, n, path + 1) != 0) {
			n = 0;
		}
		dst[(1 + n) & 127] = 0;
		return n + 2;
	}
	long k = bpf_probe_read_kernel_str(dst, 108, path);
	if (k <= 0) {
		dst[0] = 0;
		k = 1;
	}
	return (__u32)k;
}

/* The path of a unix sockaddr of `salen` bytes (sun_path is salen - 2
 * bytes: not NUL-terminated when full; an abstract name starts with a NUL
 * and becomes "@name"), NUL-terminated at dst; returns the bytes written,
 * NUL included. dst has room for 110 bytes. */
static __always_inline __u32 sa_unix_path(__u8 *dst, const __u8 *sa, __u32 salen)
{
	__u32 n = salen > 2 ? salen - 2 : 0;
	if (n > 108) {
		n = 108;
	}
	if (n > 0 && sa[2] == 0) {
		n -= 1;
		barrier_var(n);
		n &= 127;
		dst[0] = '@';
		bpf_probe_read_kernel(dst + 1, n, sa + 3);
		dst[(1 + n) & 255] = 0;
		return 2 + n;
	}
	barrier_var(n);
	n &= 127;
	bpf_probe_read_kernel(dst, n, sa + 2);
	dst[n & 255] = 0;
	/* stop at the first NUL, as a C string */
	long k = bpf_probe_read_kernel_str(dst, 109, dst);
	return k > 0 ? (__u32)k : 1;
}

/* The socket tuple of `sk`; peer_first: the peer is the source. `sa`
 * (salen bytes, or NULL): an address the call names, used for the remote
 * end when the socket has none: the one connect() was given (a refused
 * connect resets the socket's), the destination of a datagram sent on an
 * unconnected socket, the sender the kernel wrote back to a receive. A
 * unix socket without a peer takes the path of `sa` for the calls whose
 * source is the socket itself (connect, sendto, sendmsg; the peer's id
 * stays 0); a receive keeps the socket's own path, as Falco does: the
 * path of a unix tuple names the server end. */
static __noinline int rec_tuple(struct sk_rec *r, struct sock *sk, __u32 peer_first, const __u8 *sa,
				__u32 salen)
{
	if (sk == NULL || r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return (int)r->st->idx;
	}
	__u8 *b = rat(r, r->st->off);
	__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	__u16 rport = swab16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (fam == 2 /* AF_INET */) {
		__u32 laddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 raddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		if (rport == 0 && sa != NULL && salen >= 8 && sa[0] == 2 && sa[1] == 0) {
			__builtin_memcpy(&rport, sa + 2, 2);
			rport = swab16(rport);
			__builtin_memcpy(&raddr, sa + 4, 4);
		}
		b[0] = 2;
		if (peer_first) {
			__builtin_memcpy(b + 1, &raddr, 4);
			__builtin_memcpy(b + 5, &rport, 2);
			__builtin_memcpy(b + 7, &laddr, 4);
			__builtin_memcpy(b + 11, &lport, 2);
		} else {
			__builtin_memcpy(b + 1, &laddr, 4);
			__builtin_memcpy(b + 5, &lport, 2);
			__builtin_memcpy(b + 7, &raddr, 4);
			__builtin_memcpy(b + 11, &rport, 2);
		}
		rec_len(r, 13);
	} else if (fam == 10 /* AF_INET6 */) {
		struct in6_addr la = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
		struct in6_addr ra = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
		if (rport == 0 && sa != NULL && salen >= 24 && sa[0] == 10 && sa[1] == 0) {
			__builtin_memcpy(&rport, sa + 2, 2);
			rport = swab16(rport);
			__builtin_memcpy(&ra, sa + 8, 16);
		}
		b[0] = 10;
		if (peer_first) {
			__builtin_memcpy(b + 1, &ra, 16);
			__builtin_memcpy(b + 17, &rport, 2);
			__builtin_memcpy(b + 19, &la, 16);
			__builtin_memcpy(b + 35, &lport, 2);
		} else {
			__builtin_memcpy(b + 1, &la, 16);
			__builtin_memcpy(b + 17, &lport, 2);
			__builtin_memcpy(b + 19, &ra, 16);
			__builtin_memcpy(b + 35, &rport, 2);
		}
		rec_len(r, 37);
	} else if (fam == 1 /* AF_UNIX */) {
		struct unix_sock *us = (struct unix_sock *)sk;
		struct sock *peer = BPF_CORE_READ(us, peer);
		__u64 src = (__u64)sk, dst = (__u64)peer;
		b[0] = 1;
		if (peer_first) {
			__builtin_memcpy(b + 1, &dst, 8);
			__builtin_memcpy(b + 9, &src, 8);
		} else {
			__builtin_memcpy(b + 1, &src, 8);
			__builtin_memcpy(b + 9, &dst, 8);
		}
		if (!peer_first && peer == NULL && sa != NULL && salen >= 2 && sa[0] == 1 &&
		    sa[1] == 0) {
			rec_len(r, 17 + sa_unix_path(b + 17, sa, salen));
			return (int)r->st->idx;
		}
		struct unix_address *ua = NULL;
		if (peer != NULL) {
			ua = BPF_CORE_READ((struct unix_sock *)peer, addr);
		}
		if (ua == NULL) {
			ua = BPF_CORE_READ(us, addr);
		}
		rec_len(r, 17 + unix_path(b + 17, ua));
	} else {
		b[0] = (__u8)fam;
		rec_len(r, 1);
	}
	return (int)r->st->idx;
}

/* A sockaddr copied (at most SK_EBPF_SA_MAX bytes) into `sa`, encoded. */
static __noinline int rec_sockaddr(struct sk_rec *r, const __u8 *sa, __u32 salen)
{
	if (salen < 2 || r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return (int)r->st->idx;
	}
	__u8 *b = rat(r, r->st->off);
	__u16 fam = 0;
	__builtin_memcpy(&fam, sa, 2);
	__u16 port = 0;
	if (fam == 2 && salen >= 8) {
		b[0] = 2;
		__builtin_memcpy(b + 1, sa + 4, 4);
		__builtin_memcpy(&port, sa + 2, 2);
		port = swab16(port);
		__builtin_memcpy(b + 5, &port, 2);
		rec_len(r, 7);
	} else if (fam == 10 && salen >= 24) {
		b[0] = 10;
		__builtin_memcpy(b + 1, sa + 8, 16);
		__builtin_memcpy(&port, sa + 2, 2);
		port = swab16(port);
		__builtin_memcpy(b + 17, &port, 2);
		rec_len(r, 19);
	} else if (fam == 1) {
		b[0] = 1;
		rec_len(r, 1 + sa_unix_path(b + 1, sa, salen));
	} else {
		b[0] = (__u8)fam;
		rec_len(r, 1);
	}
	return (int)r->st->idx;
}

#endif /* SK_SOURCES_EBPF_PROBE_SOCKET_BPF_H */
