// SPDX-License-Identifier: GPL-2.0-only
/* sources/kmod/module/shrike_params.c - a table-driven record: sys_exit's
 * record of a syscall whose row (struct sk_ebpf_sc, shrike_table.c) lists
 * where each parameter comes from (probe.h SK_K_*). One function per kind
 * family, each doing what the eBPF probe's rec_param and param_inline do
 * (probe_params.bpf.h), so that both sources write the same values.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/kdev_t.h>
#include <linux/rcupdate.h>

#include "shrike_priv.h"

#define SK_PR_SET_NAME 15

static long sk_fd_of(const struct sk_call *c, u8 a)
{
	return a == SK_K_RET_FD ? (long)c->ret : (long)(int)c->args[a];
}

/* The address a datagram call names, copied from the caller at exit into
 * dst (SK_EBPF_SA_MAX bytes at most): sendto's and sendmsg's destination,
 * recvfrom's and recvmsg's sender as the kernel wrote it back (a
 * successful call only). Its length, 0 when there is none. */
static u32 sk_msg_addr(const struct sk_call *c, u16 type, u8 *dst)
{
	u64 uaddr = 0, len = 0;

	if (type == SK_SC_SENDTO) {
		uaddr = c->args[4];
		len = (u32)c->args[5];
	} else if (type == SK_SC_RECVFROM) {
		u32 l = 0;

		uaddr = c->args[4];
		if (c->ret < 0 || uaddr == 0 || sk_user_read(&l, c->args[5], sizeof(l)))
			return 0;
		len = l;
	} else if (type == SK_SC_SENDMSG || type == SK_SC_RECVMSG) {
		if (type == SK_SC_RECVMSG && c->ret < 0)
			return 0;
		if (c->compat) {
			u32 m[2] = {0, 0}; /* a 32-bit caller's msg_name, msg_namelen */

			if (sk_user_read(m, c->args[1], sizeof(m)))
				return 0;
			uaddr = m[0];
			len = m[1];
		} else {
			u64 m[2] = {0, 0}; /* msg_name, msg_namelen (an int) */

			if (sk_user_read(m, c->args[1], sizeof(m)))
				return 0;
			uaddr = m[0];
			len = (u32)m[1];
		}
	} else {
		return 0;
	}
	if (uaddr == 0 || len < 2)
		return 0;
	if (len > SK_EBPF_SA_MAX)
		len = SK_EBPF_SA_MAX;
	if (sk_user_read(dst, uaddr, (u32)len))
		return 0;
	return (u32)len;
}

static void sk_p_tuple(struct sk_rec *r, struct sk_work *w, const struct sk_call *c, u16 type,
		       const struct sk_ebpf_pspec *ps, const struct sk_saved *sv)
{
	struct sock *sk = sk_file_sock(sk_fd_file(r->task, sk_fd_of(c, ps->a)));
	u32 salen = 0;

	if (ps->c && sv && sv->sa_len > 0) {
		sk_rec_tuple(r, sk, ps->b, sv->sa, sv->sa_len);
		return;
	}
	if (sk && (type == SK_SC_SENDTO || type == SK_SC_RECVFROM || type == SK_SC_SENDMSG ||
		   type == SK_SC_RECVMSG))
		salen = sk_msg_addr(c, type, w->tmp);
	sk_rec_tuple(r, sk, ps->b, salen > 0 ? w->tmp : NULL, salen);
}

static void sk_p_sockaddr(struct sk_rec *r, struct sk_work *w, const struct sk_call *c,
			  const struct sk_ebpf_pspec *ps, const struct sk_saved *sv)
{
	u64 len = c->args[ps->b];

	if (ps->c && sv && sv->sa_len > 0) {
		sk_rec_sockaddr(r, sv->sa, sv->sa_len);
		return;
	}
	if (len > SK_EBPF_SA_MAX)
		len = SK_EBPF_SA_MAX;
	if (sk_user_read(w->tmp, c->args[ps->a], (u32)len)) {
		sk_rec_empty(r);
		return;
	}
	sk_rec_sockaddr(r, w->tmp, (u32)len);
}

/* poll's and ppoll's descriptors: the first SK_EBPF_POLL_MAX struct
 * pollfd (int fd; short events; short revents) as (i64 fd, u16 revents) */
static void sk_p_fdlist(struct sk_rec *r, struct sk_work *w, u64 ua, u64 nfds)
{
	u32 n = nfds > SK_EBPF_POLL_MAX ? SK_EBPF_POLL_MAX : (u32)nfds, k;
	u8 *p = sk_rec_room(r, 2 + SK_EBPF_POLL_MAX * 10);
	u16 cnt = (u16)n;

	BUILD_BUG_ON(SK_EBPF_POLL_MAX * 8 > sizeof(w->tmp));
	if (!p || (n > 0 && sk_user_read(w->tmp, ua, n * 8))) {
		sk_rec_empty(r);
		return;
	}
	memcpy(p, &cnt, 2);
	for (k = 0; k < n; k++) {
		s32 fd;
		u16 rev;
		s64 fd64;

		memcpy(&fd, w->tmp + k * 8, 4);
		memcpy(&rev, w->tmp + k * 8 + 6, 2);
		fd64 = fd;
		memcpy(p + 2 + k * 10, &fd64, 8);
		memcpy(p + 10 + k * 10, &rev, 2);
	}
	sk_rec_len(r, 2 + n * 10);
}

static void sk_p_fdpair(struct sk_rec *r, const struct sk_call *c, const struct sk_ebpf_pspec *ps)
{
	int fds[2] = {-1, -1};

	if (c->ret < 0 || sk_user_read(fds, c->args[ps->a], sizeof(fds))) {
		sk_rec_empty(r);
		return;
	}
	if (ps->kind == SK_K_ARG_FDPAIR) {
		sk_rec_u64(r, (u64)(s64)fds[ps->b & 1]);
	} else {
		struct file *f = sk_fd_file(r->task, fds[0]);
		struct inode *ino = f ? READ_ONCE(f->f_inode) : NULL;

		if (ino)
			sk_rec_u64(r, ino->i_ino);
		else
			sk_rec_empty(r);
	}
}

static void sk_p_vm(struct sk_rec *r, u8 which)
{
	s64 total, rss, swap;

	if (!READ_ONCE(r->task->mm)) {
		sk_rec_empty(r);
		return;
	}
	sk_mm_pages(r->task, &total, &rss, &swap);
	sk_rec_u32(r, sk_pages_kib(which == 0 ? total : which == 1 ? rss : swap));
}

static void sk_p_how(struct sk_rec *r, const struct sk_call *c, u8 which)
{
	u64 how[3] = {0, 0, 0}; /* struct open_how: flags, mode, resolve */

	if (sk_user_read(how, c->args[2], sizeof(how))) {
		sk_rec_empty(r);
		return;
	}
	sk_rec_u32(r, (u32)how[which]);
}

static void sk_p_fdobj(struct sk_rec *r, const struct sk_call *c, const struct sk_ebpf_pspec *ps)
{
	long fd = sk_fd_of(c, ps->a);

	if (ps->kind == SK_K_FD_LAYER) {
		struct file *f = sk_fd_file(r->task, fd);

		if (f)
			sk_rec_u8(r, sk_file_layer(f));
		else
			sk_rec_empty(r);
		return;
	}
	{
		struct inode *ino = sk_rec_inode(r, fd);

		if (!ino)
			sk_rec_empty(r);
		else if (ps->kind == SK_K_FD_DEV)
			sk_rec_u32(r, new_encode_dev(ino->i_sb->s_dev));
		else
			sk_rec_u64(r, ino->i_ino);
	}
}

static void sk_param(struct sk_rec *r, struct sk_work *w, const struct sk_call *c, u16 type,
		     const struct sk_ebpf_pspec *ps, const struct sk_saved *sv)
{
	u8 a = ps->a;

	switch (ps->kind) {
	case SK_K_RET:
		sk_rec_u64(r, (u64)c->ret);
		break;
	case SK_K_ARG_INT:
		sk_rec_u64(r, (u64)(s64)(int)c->args[a]);
		break;
	case SK_K_ARG_I64:
		sk_rec_u64(r, c->args[a]);
		break;
	case SK_K_ARG_U32:
		sk_rec_u32(r, (u32)c->args[a]);
		break;
	case SK_K_ARG_U8:
		sk_rec_u8(r, (u8)c->args[a]);
		break;
	case SK_K_ARG_STR:
		if (ps->b && sv && sv->str_len > 0)
			sk_rec_bytes(r, sv->str, sv->str_len);
		else
			sk_rec_ustr(r, c->args[a]);
		break;
	case SK_K_ARG_SOCKADDR:
		sk_p_sockaddr(r, w, c, ps, sv);
		break;
	case SK_K_TUPLE:
		sk_p_tuple(r, w, c, type, ps, sv);
		break;
	case SK_K_FD_DEV:
	case SK_K_FD_INO:
	case SK_K_FD_LAYER:
		sk_p_fdobj(r, c, ps);
		break;
	case SK_K_ARG_FDPAIR:
	case SK_K_PAIR_INO:
		sk_p_fdpair(r, c, ps);
		break;
	case SK_K_CAPS:
		sk_rec_u64(r, sk_task_cap(r->task, a));
		break;
	case SK_K_FDLIST:
		sk_p_fdlist(r, w, c->args[a], c->args[ps->b]);
		break;
	case SK_K_VM:
		sk_p_vm(r, a);
		break;
	case SK_K_PRCTL_STR:
		if (c->args[0] == SK_PR_SET_NAME)
			sk_rec_ustr(r, c->args[1]);
		else
			sk_rec_empty(r);
		break;
	case SK_K_PRCTL_INT:
		if (c->args[0] == SK_PR_SET_NAME)
			sk_rec_empty(r);
		else
			sk_rec_u64(r, c->args[1]);
		break;
	case SK_K_HOW:
		sk_p_how(r, c, a);
		break;
	default: /* SK_K_EMPTY */
		sk_rec_empty(r);
		break;
	}
}

void sk_rec_params(struct sk_rec *r, struct sk_work *w, const struct sk_call *c,
		   const struct sk_ebpf_sc *sc, const struct sk_saved *sv)
{
	u32 i;

	rcu_read_lock();
	for (i = 0; i < sc->nparams && i < SK_EBPF_MAX_PSPEC; i++)
		sk_param(r, w, c, sc->type, &sc->p[i], sv);
	rcu_read_unlock();
}
