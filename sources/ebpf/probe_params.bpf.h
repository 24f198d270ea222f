/* sources/ebpf/probe_params.bpf.h - part of the eBPF probe (probe.bpf.c):
 * table-driven parameters: the syscall being made (struct sk_call, its row
 * of the `syscalls` map), one parameter of a record (sk_g_param) as the row
 * describes it, fd parameters, inline parameters.
 *
 * Not a standalone header: probe.bpf.c includes it once, after the files
 * before it in its list, and it uses what those define.
 */
#ifndef SK_SOURCES_EBPF_PROBE_PARAMS_BPF_H
#define SK_SOURCES_EBPF_PROBE_PARAMS_BPF_H

/* ---- table-driven parameters ---------------------------------------------- */

/* The syscall being made, decoded: its number in the x86-64 table (the
 * `syscalls` map) and its arguments. */
struct sk_call {
	long id;
	__u64 args[8];	 /* 6 used; 8 so that an index masked with 7 stays inside */
	__u32 sock[6];	 /* socketcall's arguments as read */
	__s64 ret;	 /* sys_exit: the return value */
	__u32 compat;	 /* a 32-bit (ia32) call */
	__u32 has_saved; /* its row copies arguments at entry (saved_for) */
};

/* Where sys_exit, sched_process_fork and sched_process_exec decode the
 * call: a per-CPU slot each, not their stack (their deepest call chains,
 * through the cgroup walk, must stay within 512 bytes of stack on older
 * verifiers); the slots are the SK_SLOT_* of those programs. */
#define SK_CALL_EXIT SK_SLOT_EXIT
#define SK_CALL_FORK SK_SLOT_FORK
#define SK_CALL_EXEC SK_SLOT_EXEC
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, struct sk_call);
} call_map SEC(".maps");

static __always_inline struct sk_call *call_slot(__u32 which)
{
	return bpf_map_lookup_elem(&call_map, &which);
}

/* Argument i of the call, as call_decode found it. */
static __always_inline __u64 sk_arg(const struct sk_call *c, __u32 i)
{
	return c->args[i & 7];
}

/* The user registers of task `t` (the current one) in its syscall: from
 * bpf_task_pt_regs (5.15), else (x86-64) copied from the top of its kernel
 * stack, where task_pt_regs() finds them (THREAD_SIZE 16 KiB, no KASAN, as
 * Debian builds it). */
struct sk_regs_copy {
	__u8 b[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sk_regs_copy);
} regs_map SEC(".maps");

static __always_inline struct pt_regs *task_regs(struct task_struct *t)
{
	if (HAS_HELPER(task_pt_regs)) {
		return (struct pt_regs *)bpf_task_pt_regs(t);
	}
#if defined(__TARGET_ARCH_x86)
	__u32 zero = 0;
	struct sk_regs_copy *rc = bpf_map_lookup_elem(&regs_map, &zero);
	void *stack = BPF_CORE_READ(t, stack);
	if (rc == NULL || stack == NULL) {
		return NULL;
	}
	_Static_assert(sizeof(struct pt_regs) <= sizeof(rc->b), "pt_regs copy");
	if (bpf_probe_read_kernel(rc->b, sizeof(struct pt_regs),
				  stack + 16384 - sizeof(struct pt_regs)) != 0) {
		return NULL;
	}
	return (struct pt_regs *)rc->b;
#else
	return NULL;
#endif
}

static __always_inline bool self(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == self_tgid;
}

/* The address a datagram call names, copied from the caller's memory at
 * exit into dst (SK_EBPF_SA_MAX bytes at most); returns its length, 0 when
 * there is none. sendto and sendmsg: the destination passed (dest_addr,
 * msg_name), read at exit as Falco does: the call does not change it.
 * recvfrom and recvmsg: the sender's address the kernel wrote back
 * (src_addr, msg_name; the length it wrote through addrlen, msg_namelen),
 * only when the call succeeded. rec_tuple uses it for the remote end of a
 * socket that has none (not connected). A 32-bit caller's struct msghdr
 * starts with two 4-byte fields. */
static __always_inline __u32 msg_addr(const struct sk_call *c, __u16 type, long ret, __u8 *dst)
{
	__u64 uaddr = 0, len = 0;
	if (type == SK_SC_SENDTO) {
		uaddr = sk_arg(c, 4);
		len = (__u32)sk_arg(c, 5);
	} else if (type == SK_SC_RECVFROM) {
		__u32 l = 0;
		uaddr = sk_arg(c, 4);
		if (ret < 0 || uaddr == 0 ||
		    bpf_probe_read_user(&l, sizeof(l), (const void *)sk_arg(c, 5)) != 0) {
			return 0;
		}
		len = l;
	} else if (type == SK_SC_SENDMSG || type == SK_SC_RECVMSG) {
		const void *mh = (const void *)sk_arg(c, 1);
		if (type == SK_SC_RECVMSG && ret < 0) {
			return 0;
		}
		if (c->compat) {
			__u32 m[2] = {};
			if (bpf_probe_read_user(m, sizeof(m), mh) != 0) {
				return 0;
			}
			uaddr = m[0];
			len = m[1];
		} else {
			__u64 m[2] = {}; /* msg_name, msg_namelen (an int) */
			if (bpf_probe_read_user(m, sizeof(m), mh) != 0) {
				return 0;
			}
			uaddr = m[0];
			len = (__u32)m[1];
		}
	} else {
		return 0;
	}
	if (uaddr == 0 || len < 2) {
		return 0;
	}
	if (len > SK_EBPF_SA_MAX) {
		len = SK_EBPF_SA_MAX;
	}
	barrier_var(len);
	len &= 2 * SK_EBPF_SA_MAX - 1;
	if (bpf_probe_read_user(dst, len, (const void *)uaddr) != 0) {
		return 0;
	}
	return (__u32)len;
}

/* The device (dev) or inode number of `ino` as a parameter, empty when
 * there is none; fast: loads through bpf_rdonly_cast (6.2), else helper
 * reads. */
static __always_inline void rec_ino_param(struct sk_rec *r, struct inode *ino, bool dev, bool fast)
{
	if (ino == NULL) {
		rec_empty(r);
	} else if (fast) {
		struct inode *ti = bpf_rdonly_cast(ino, bpf_core_type_id_kernel(struct inode));
		if (dev) {
			rec_u32(r, encode_dev(ti->i_sb->s_dev));
		} else {
			rec_u64(r, ti->i_ino);
		}
	} else if (dev) {
		rec_u32(r, encode_dev(BPF_CORE_READ(ino, i_sb, s_dev)));
	} else {
		rec_u64(r, BPF_CORE_READ(ino, i_ino));
	}
}

/* poll's and ppoll's descriptors (SK_PT_FDLIST): the first
 * SK_EBPF_POLL_MAX struct pollfd of the array at user address `ua`, each
 * as its fd and the revents the call wrote. */
static __always_inline void rec_fdlist(struct sk_rec *r, __u64 ua, __u64 nfds)
{
	__u32 slot = SK_SLOT_EXIT;
	struct sk_tmp *t = bpf_map_lookup_elem(&tmp_map, &slot);
	__u32 n = nfds > SK_EBPF_POLL_MAX ? SK_EBPF_POLL_MAX : (__u32)nfds;
	__u32 off = r->st->off;
	if (t == NULL || off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return;
	}
	/* struct pollfd: int fd; short events; short revents (8 bytes, the
	 * same for 32-bit callers) */
	barrier_var(n);
	n &= 2 * SK_EBPF_POLL_MAX - 1;
	if (n > 0 && bpf_probe_read_user(t->buf, n * 8, (const void *)ua) != 0) {
		rec_empty(r);
		return;
	}
	__u16 cnt = (__u16)n;
	__builtin_memcpy(rat(r, off), &cnt, 2);
	for (__u32 k = 0; k < SK_EBPF_POLL_MAX; k++) {
		if (k >= n) {
			break;
		}
		__s32 fd;
		__u16 rev;
		__builtin_memcpy(&fd, tat(t->buf, k * 8), 4);
		__builtin_memcpy(&rev, tat(t->buf, k * 8 + 6), 2);
		__s64 fd64 = fd;
		__builtin_memcpy(rat(r, off + 2 + k * 10), &fd64, 8);
		__builtin_memcpy(rat(r, off + 10 + k * 10), &rev, 2);
	}
	rec_len(r, 2 + n * 10);
}

static __always_inline int rec_param(struct sk_rec *r, const struct sk_call *c, struct sk_saved *sv,
				     long ret, struct sk_ebpf_pspec *ps, bool fast)
{
	struct task_struct *task = r->task;
	__u8 kind = ps->kind, a = ps->a & 7, b = ps->b;
	__u64 v;
	/* registers and strings not copied at entry: param_inline; a
	 * descriptor's device and inode: fd_params */
	switch (kind) {
	case SK_K_ARG_STR:
		if (b && sv != NULL && sv->str_len > 0) {
			rec_kernel_bytes(r, sv->str, sv->str_len & (SK_EBPF_STR_MAX - 1));
		} else {
			rec_user_str(r, (const void *)sk_arg(c, a));
		}
		break;
	case SK_K_ARG_SOCKADDR: {
		if (ps->c && sv != NULL && sv->sa_len > 0) {
			rec_sockaddr(r, sv->sa, sv->sa_len);
			break;
		}
		__u32 slot = SK_SLOT_EXIT;
		struct sk_tmp *t = bpf_map_lookup_elem(&tmp_map, &slot);
		__u64 len = sk_arg(c, b & 7);
		if (t == NULL) {
			rec_empty(r);
			break;
		}
		if (len > SK_EBPF_SA_MAX) {
			len = SK_EBPF_SA_MAX;
		}
		barrier_var(len);
		len &= 2 * SK_EBPF_SA_MAX - 1;
		if (bpf_probe_read_user(t->buf, len, (const void *)sk_arg(c, a)) != 0) {
			rec_empty(r);
			break;
		}
		rec_sockaddr(r, t->buf, (__u32)len);
		break;
	}
	case SK_K_TUPLE: {
		long fd = ps->a == SK_K_RET_FD ? ret : (long)(int)sk_arg(c, a);
		struct sock *sk = file_sock(fd_file(task, fd));
		if (ps->c && sv != NULL && sv->sa_len > 0) {
			rec_tuple(r, sk, b, sv->sa, sv->sa_len);
			break;
		}
		/* the datagram calls: the address they name */
		__u16 type = ((struct sk_evt_hdr *)r->buf)->type;
		struct sk_tmp *t = NULL;
		__u32 salen = 0;
		if (sk != NULL && (type == SK_SC_SENDTO || type == SK_SC_RECVFROM ||
				   type == SK_SC_SENDMSG || type == SK_SC_RECVMSG)) {
			__u32 slot = SK_SLOT_EXIT;
			t = bpf_map_lookup_elem(&tmp_map, &slot);
			if (t != NULL) {
				salen = msg_addr(c, type, ret, t->buf);
			}
		}
		if (salen > 0 && t != NULL) {
			rec_tuple(r, sk, b, t->buf, salen);
		} else {
			rec_tuple(r, sk, b, NULL, 0);
		}
		break;
	}
	case SK_K_ARG_FDPAIR: {
		int fds[2] = {-1, -1};
		if (ret < 0 ||
		    bpf_probe_read_user(fds, sizeof(fds), (const void *)sk_arg(c, a)) != 0) {
			rec_empty(r);
		} else {
			int fd = fds[0];
			if (b & 1) {
				fd = fds[1];
			}
			barrier_var(fd);
			rec_u64(r, (__u64)(__s64)fd);
		}
		break;
	}
	case SK_K_PAIR_INO: {
		int fds[2] = {-1, -1};
		struct file *f = NULL;
		if (ret >= 0 &&
		    bpf_probe_read_user(fds, sizeof(fds), (const void *)sk_arg(c, a)) == 0) {
			f = fd_file(task, fds[0]);
		}
		if (f == NULL) {
			rec_empty(r);
		} else {
			rec_u64(r, BPF_CORE_READ(f, f_inode, i_ino));
		}
		break;
	}
	case SK_K_CAPS:
		rec_u64(r, task_cap(task, a));
		break;
	case SK_K_FD_LAYER: {
		long fd = ps->a == SK_K_RET_FD ? ret : (long)(int)sk_arg(c, a);
		struct file *f = fd_file(task, fd);
		if (f == NULL) {
			rec_empty(r);
		} else {
			rec_u8(r, file_layer(f));
		}
		break;
	}
	case SK_K_FDLIST:
		rec_fdlist(r, sk_arg(c, a), sk_arg(c, b & 7));
		break;
	case SK_K_VM: {
		/* mmap and munmap: the memory after the call, as Falco's */
		struct mm_struct *mm = BPF_CORE_READ(task, mm);
		if (mm == NULL) {
			rec_empty(r);
			break;
		}
		__s64 rss = 0, swap = 0;
		if (a == 0) {
			rss = (__s64)BPF_CORE_READ(mm, total_vm);
		} else {
			mm_pages(mm, &rss, &swap);
		}
		rec_u32(r, pages_kib(a == 2 ? swap : rss));
		break;
	}
	case SK_K_PRCTL_STR:
		v = sk_arg(c, 0);
		if (v == 15 /* PR_SET_NAME */) {
			rec_user_str(r, (const void *)sk_arg(c, 1));
		} else {
			rec_empty(r);
		}
		break;
	case SK_K_PRCTL_INT:
		v = sk_arg(c, 0);
		if (v == 15) {
			rec_empty(r);
		} else {
			rec_u64(r, sk_arg(c, 1));
		}
		break;
	case SK_K_HOW: {
		__u64 how[3] = {};
		if (bpf_probe_read_user(how, sizeof(how), (const void *)sk_arg(c, 2)) != 0) {
			rec_empty(r);
			break;
		}
		__u64 f = how[0];
		if (a == 1) {
			f = how[1];
		} else if (a == 2) {
			f = how[2];
		}
		rec_u32(r, (__u32)f);
		break;
	}
	default:
		rec_empty(r);
		break;
	}
	return (int)r->st->idx;
}

static __always_inline struct sk_saved *saved_for(struct task_struct *task, long id)
{
	struct sk_saved *sv = saved_get(task, false);
	if (sv == NULL || sv->id != id) {
		return NULL;
	}
	return sv;
}

/* Parameter i of sys_exit's table-driven record (the call in the EXIT
 * slot), for the kinds that find a kernel object or copy an address
 * (param_inline writes registers and strings, fd_params devices and
 * inodes). Global functions:
 * each verified once, however many parameters a record has;
 * sk_g_param_fast (bpf_rdonly_cast, 6.2) only in sk_sys_exit. */
static __always_inline int param_one(__u32 i, bool fast)
{
	struct sk_rec rr, *r = &rr;
	struct sk_call *c = call_slot(SK_CALL_EXIT);
	if (c == NULL || i >= SK_EBPF_MAX_PSPEC || !rec_open(r, SK_SLOT_EXIT)) {
		return 0;
	}
	__u32 key = (__u32)c->id;
	struct sk_ebpf_sc *sc = bpf_map_lookup_elem(&syscalls, &key);
	if (sc == NULL) {
		return 0;
	}
	r->task = cur_task();
	struct sk_saved *sv = NULL;
	if (c->has_saved) {
		sv = saved_for(r->task, c->id);
	}
	__u32 k = i;
	barrier_var(k);
	k &= 15;
	if (k >= SK_EBPF_MAX_PSPEC) {
		return 0;
	}
	rec_param(r, c, sv, c->ret, &sc->p[k], fast);
	return 1;
}

/* The device (SK_FD_DEV) and/or inode (SK_FD_INO) of descriptor fd of the
 * current task, in that order. Global functions taking the descriptor as a
 * number: no table to read, no switch; sk_g_fd_fast (bpf_rdonly_cast, 6.2)
 * walks task -> files -> fdtable -> file -> inode with direct loads. */
#define SK_FD_DEV 1u
#define SK_FD_INO 2u
static __always_inline int fd_params(__s64 fd, __u32 what, bool fast)
{
	struct sk_rec rr, *r = &rr;
	if (!rec_open(r, SK_SLOT_EXIT)) {
		return 0;
	}
	r->task = cur_task();
	struct inode *ino = rec_inode(r, fd, fast);
	for (__u32 k = SK_FD_DEV; k <= SK_FD_INO; k <<= 1) {
		if (!(what & k)) {
			continue;
		}
		rec_ino_param(r, ino, k == SK_FD_DEV, fast);
	}
	return 0;
}

__noinline int sk_g_fd(__s64 fd, __u32 what)
{
	return fd_params(fd, what, false);
}

__noinline int sk_g_fd_fast(__s64 fd, __u32 what)
{
	return fd_params(fd, what, true);
}

/* The parameter kinds the dispatcher writes itself (a register or a
 * string, no kernel object to find): a global function call per parameter
 * would cost more than the parameter. Returns false for the others. */
static __always_inline bool param_inline(struct sk_rec *r, const struct sk_call *c, long ret,
					 __u8 kind, __u8 a, __u8 b)
{
	switch (kind) {
	case SK_K_EMPTY:
		rec_empty(r);
		return true;
	case SK_K_RET:
		rec_u64(r, (__u64)ret);
		return true;
	case SK_K_ARG_INT:
		rec_u64(r, (__u64)(__s64)(int)sk_arg(c, a));
		return true;
	case SK_K_ARG_I64:
		rec_u64(r, sk_arg(c, a));
		return true;
	case SK_K_ARG_U32:
		rec_u32(r, (__u32)sk_arg(c, a));
		return true;
	case SK_K_ARG_U8:
		rec_u8(r, (__u8)sk_arg(c, a));
		return true;
	case SK_K_ARG_STR:
		if (b != 0) {
			return false; /* the copy taken at entry */
		}
		rec_user_str(r, (const void *)sk_arg(c, a));
		return true;
	default:
		return false;
	}
}

__noinline int sk_g_param(__u32 i)
{
	return param_one(i, false);
}

__noinline int sk_g_param_fast(__u32 i)
{
	return param_one(i, true);
}

#endif /* SK_SOURCES_EBPF_PROBE_PARAMS_BPF_H */
