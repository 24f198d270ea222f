/* sources/ebpf/probe_record.bpf.h - part of the eBPF probe (probe.bpf.c):
 * building a record in the per-CPU scratch buffer and submitting it to the
 * ring buffer (with the drop counters); the syscall arguments and number
 * read from the registers.
 *
 * Not a standalone header: probe.bpf.c includes it once, after the files
 * before it in its list, and it uses what those define.
 */
#ifndef SK_SOURCES_EBPF_PROBE_RECORD_BPF_H
#define SK_SOURCES_EBPF_PROBE_RECORD_BPF_H

/* ---- record building ------------------------------------------------------- */

#define OFF_MASK (SK_EBPF_REC_MAX - 1u)

struct sk_rec {
	__u8 *buf;
	/* the record's scalars (where the next parameter goes, its number,
	 * the descriptor looked up last): in a per-CPU map value rather than
	 * on the stack, so that they cross global function calls and, being
	 * no part of the verifier's state, let the states of records whose
	 * parameters differ in length prune one another */
	struct sk_rstate *st;
	struct task_struct *task;
	__u32 slot; /* SK_SLOT_*: whose working memory */
};

/* &r->buf[off], with the mask kept where the verifier sees it. */
static __always_inline __u8 *rat(struct sk_rec *r, __u32 off)
{
	barrier_var(off);
	off &= OFF_MASK;
	barrier_var(off);
	return &r->buf[off];
}

/* &t->buf[pos] for pos < TMP_HALF. */
static __always_inline __u8 *tat(__u8 *tbuf, __u32 pos)
{
	barrier_var(pos);
	pos &= TMP_HALF - 1;
	barrier_var(pos);
	return &tbuf[pos];
}

/* Start a record; false: no per-CPU state (never, in practice). */
static __always_inline bool rec_begin(struct sk_rec *r, __u32 slot, __u8 *buf, __u16 type,
				      __u32 nparams, __u64 tid)
{
	struct sk_evt_hdr *h = (struct sk_evt_hdr *)buf;
	h->ts = bpf_ktime_get_boot_ns() + boot_to_epoch;
	h->tid = tid;
	h->type = type;
	h->nparams = (__u8)nparams;
	h->flags = 0;
	h->len = 0;
	r->buf = buf;
	r->slot = slot;
	r->st = bpf_map_lookup_elem(&rec_state, &slot);
	r->task = NULL;
	if (r->st == NULL) {
		return false;
	}
	r->st->fdno = -1;
	r->st->ino = 0;
	r->st->idx = 0;
	r->st->nparams = nparams > SK_EVT_MAX_PARAMS ? SK_EVT_MAX_PARAMS : nparams;
	r->st->off = SK_EVT_HDR_SIZE + 2u * (nparams & 63u);
	return true;
}

static __always_inline void rec_len(struct sk_rec *r, __u32 len)
{
	__u32 i = r->st->idx;
	if (i < r->st->nparams) {
		__u16 l = (__u16)len;
		__builtin_memcpy(rat(r, (SK_EVT_HDR_SIZE + 2u * (i & 31u))), &l, 2);
		r->st->off += len;
		r->st->idx = i + 1;
	}
}

static __always_inline void rec_empty(struct sk_rec *r)
{
	rec_len(r, 0);
}

static __always_inline void rec_u64(struct sk_rec *r, __u64 v)
{
	if (r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return;
	}
	__builtin_memcpy(rat(r, r->st->off), &v, 8);
	rec_len(r, 8);
}

static __always_inline void rec_u32(struct sk_rec *r, __u32 v)
{
	if (r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return;
	}
	__builtin_memcpy(rat(r, r->st->off), &v, 4);
	rec_len(r, 4);
}

static __always_inline void rec_u8(struct sk_rec *r, __u8 v)
{
	if (r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return;
	}
	*rat(r, r->st->off) = v;
	rec_len(r, 1);
}

/* A NUL-terminated string from user memory. */
static __always_inline void rec_user_str(struct sk_rec *r, const void *p)
{
	long n = -1;
	if (p != NULL && r->st->off < SK_EBPF_REC_MAX) {
		n = bpf_probe_read_user_str(rat(r, r->st->off), SK_EBPF_STR_MAX, p);
		if (n == 0) {
			/* an empty string: the helper returns 0 for it on older
			 * kernels, 1 (its NUL) on newer ones; it is "" on all */
			*rat(r, r->st->off) = 0;
			n = 1;
		}
	}
	rec_len(r, n > 0 ? (__u32)n : 0);
}

/* A NUL-terminated string from kernel memory. */
static __always_inline void rec_kernel_str(struct sk_rec *r, const void *p)
{
	long n = -1;
	if (p != NULL && r->st->off < SK_EBPF_REC_MAX) {
		n = bpf_probe_read_kernel_str(rat(r, r->st->off), SK_EBPF_STR_MAX, p);
	}
	rec_len(r, n > 0 ? (__u32)n : 0);
}

/* `len` bytes (at most SK_EBPF_STR_MAX) of kernel memory. */
static __always_inline void rec_kernel_bytes(struct sk_rec *r, const void *p, __u32 len)
{
	if (len > SK_EBPF_STR_MAX || r->st->off >= SK_EBPF_REC_MAX) {
		rec_empty(r);
		return;
	}
	barrier_var(len);
	len &= 2 * SK_EBPF_STR_MAX - 1; /* a bound the verifier sees on the 64-bit register */
	barrier_var(len);
	if (bpf_probe_read_kernel(rat(r, r->st->off), len, p) != 0) {
		rec_empty(r);
		return;
	}
	rec_len(r, len);
}

static __always_inline void count(__u32 what)
{
	__u32 zero = 0;
	struct sk_ebpf_counters *c = bpf_map_lookup_elem(&counters, &zero);
	if (c == NULL) {
		return;
	}
	if (what == 2) {
		c->drops_big++;
	} else {
		c->skipped++;
	}
}

/* Finish the record and copy it into this CPU's ring buffer. The reader is
 * woken only when the ring is past wakeup_bytes (it polls otherwise). */
static __always_inline void rec_submit(struct sk_rec *r)
{
	__u32 len = r->st->off;
	struct sk_evt_hdr *h = (struct sk_evt_hdr *)r->buf;
	if (r->st->idx != r->st->nparams || len > SK_EBPF_REC_MAX + SK_EBPF_STR_MAX) {
		count(2);
		return;
	}
	h->len = len;
	__u32 cpu = bpf_get_smp_processor_id();
	void *rb = bpf_map_lookup_elem(&ringbufs, &cpu);
	__u32 zero = 0;
	struct sk_ebpf_counters *c = bpf_map_lookup_elem(&counters, &zero);
	if (rb == NULL || c == NULL) {
		count(3);
		return;
	}
	__u64 flags = BPF_RB_NO_WAKEUP;
	/* asking the ring its fill level costs a helper call: every 16th record */
	if (wakeup_bytes != 0 && (c->evts & 15) == 0 &&
	    bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) >= wakeup_bytes) {
		flags = BPF_RB_FORCE_WAKEUP;
	}
	barrier_var(len); /* keep the mask: the verifier needs the bound here */
	len &= SK_EBPF_SCRATCH - 1u;
	if (bpf_ringbuf_output(rb, r->buf, len, flags) != 0) {
		c->drops++;
	} else {
		c->evts++;
	}
}

static __always_inline __u8 *scratch_get(__u32 slot)
{
	struct sk_scratch *s = bpf_map_lookup_elem(&scratch_map, &slot);
	return s != NULL ? s->buf : NULL;
}

/* In a global function: the record its caller is building. */
static __always_inline bool rec_open(struct sk_rec *r, __u32 slot)
{
	r->slot = slot;
	r->buf = scratch_get(slot);
	r->st = bpf_map_lookup_elem(&rec_state, &slot);
	r->task = NULL;
	if (r->buf == NULL || r->st == NULL) {
		return false;
	}
	return true;
}

/* ---- syscall arguments ----------------------------------------------------- */

/* Syscall arguments and number, loaded straight from the BTF-typed
 * registers (no helper call). */
static __always_inline __u64 regs_arg(struct pt_regs *regs, __u32 i)
{
#if defined(__TARGET_ARCH_x86)
	switch (i) {
	case 0:
		return regs->di;
	case 1:
		return regs->si;
	case 2:
		return regs->dx;
	case 3:
		return regs->r10;
	case 4:
		return regs->r8;
	default:
		return regs->r9;
	}
#elif defined(__TARGET_ARCH_arm64)
	if (i == 0) {
		return regs->orig_x0;
	}
	__u64 v = 0;
	bpf_probe_read_kernel(&v, sizeof(v), &((struct user_pt_regs *)regs)->regs[i & 7]);
	return v;
#else
#error "unsupported architecture"
#endif
}

static __always_inline long regs_id(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return (long)regs->orig_ax;
#else
	return (long)regs->syscallno;
#endif
}

/* A 32-bit (ia32) syscall: its numbers are not the table's. */
static __always_inline bool is_compat(struct task_struct *t)
{
#if defined(__TARGET_ARCH_x86)
	if (TASK_BTF) {
		return (t->thread_info.status & 0x0002u) != 0; /* TS_COMPAT */
	}
	return (BPF_CORE_READ(t, thread_info.status) & 0x0002u) != 0;
#else
	return false;
#endif
}

#endif /* SK_SOURCES_EBPF_PROBE_RECORD_BPF_H */
