/* include/shrike/event.h - the binary event record.
 *
 * One definition shared by the eBPF probe (BPF C), the kernel module (kernel
 * C), capture files and userspace. Every event that flows through Shrike is
 * one record:
 *
 *     struct sk_evt_hdr                       24 bytes, see below
 *     length of param 0 .. nparams-1          u16 each, or u32 each when
 *                                             (flags & SK_EVT_F_LARGE)
 *     bytes of param 0, param 1, ...          concatenated, no padding
 *
 * All integers are in host byte order (capture files record the byte order in
 * their header). `len` covers the whole record, header included. A record
 * produced by the kernel uses u16 lengths; records that carry large payloads
 * (plugin events such as Kubernetes audit documents) set SK_EVT_F_LARGE.
 *
 * Event types below SK_EVT_SYSCALL_BASE belong to the core. Types from
 * SK_EVT_SYSCALL_BASE upwards are syscall events, defined by the syscall
 * event table that the kernel-side sources share.
 *
 * The source an event belongs to follows from its type: SK_EVT_PLUGIN records
 * name their source in param 0 (a NUL-terminated string, e.g. "k8s_audit");
 * every other record belongs to the "syscall" source.
 */
#ifndef SK_SHRIKE_EVENT_H
#define SK_SHRIKE_EVENT_H

#if defined(__KERNEL__) || defined(__bpf__) || defined(__BPF__)
/* Kernel and BPF builds get __u8..__u64 from linux/types.h or vmlinux.h. */
typedef __u8 sk_u8;
typedef __u16 sk_u16;
typedef __u32 sk_u32;
typedef __u64 sk_u64;
#else
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t sk_u8;
typedef uint16_t sk_u16;
typedef uint32_t sk_u32;
typedef uint64_t sk_u64;
#endif

/* Fixed header of every record. Its size and layout never change within a
 * major version of the record format. */
struct sk_evt_hdr {
	sk_u64 ts;	/* nanoseconds since the Unix epoch, UTC (CLOCK_REALTIME) */
	sk_u64 tid;	/* producing thread id in the host pid namespace; 0 if none */
	sk_u32 len;	/* total record length in bytes, this header included */
	sk_u16 type;	/* SK_EVT_* or a syscall event type */
	sk_u8 nparams;	/* number of parameters that follow */
	sk_u8 flags;	/* SK_EVT_F_* */
};

#define SK_EVT_HDR_SIZE 24u
#define SK_EVT_MAX_PARAMS 32u
/* Largest record the core accepts (a 12 MiB audit request is split per
 * event, each at most 256 KiB in Falco's k8saudit; leave head-room). */
#define SK_EVT_MAX_LEN (4u * 1024u * 1024u)

/* flags */
#define SK_EVT_F_LARGE 0x01u /* parameter lengths are u32, not u16 */

/* Core event types (0 .. SK_EVT_SYSCALL_BASE-1). */
#define SK_EVT_NONE 0u
/* A source plugin's event: param 0 = source name (NUL-terminated string),
 * param 1 = payload bytes whose format the source defines (JSON for
 * k8s_audit). Always SK_EVT_F_LARGE. */
#define SK_EVT_PLUGIN 1u
/* The kernel or a source lost events: param 0 = u64 number lost since the
 * previous drop record, param 1 = u32 CPU or ring index (0xffffffff: any). */
#define SK_EVT_DROP 2u
/* A piece of a parser plugin's state, saved in a capture file so that a
 * replay starts from the state the live run had (plugin.h: save_state,
 * snapshot): param 0 = the name of the plugin that saved it (NUL-terminated
 * string), param 1 = bytes in that plugin's own format. Always
 * SK_EVT_F_LARGE. The host hands such a record to that plugin's parse()
 * only: it is not an event (no rules, no event number). */
#define SK_EVT_STATE 3u
#define SK_EVT_SYSCALL_BASE 64u

/* Size of the parameter length table of a record with these flags. */
static inline sk_u32 sk_evt_lens_size(sk_u8 nparams, sk_u8 flags)
{
	return (sk_u32)nparams * ((flags & SK_EVT_F_LARGE) ? 4u : 2u);
}

#if !defined(__KERNEL__) && !defined(__bpf__) && !defined(__BPF__)

#ifdef __cplusplus
static_assert(sizeof(struct sk_evt_hdr) == SK_EVT_HDR_SIZE, "sk_evt_hdr layout changed");
#else
_Static_assert(sizeof(struct sk_evt_hdr) == SK_EVT_HDR_SIZE, "sk_evt_hdr layout changed");
#endif

/* sk_evt_check - check that `len` bytes at `rec` hold one well-formed record.
 *
 * Returns 0 when the header fits, rec->len is between the header size and
 * `len`, nparams is at most SK_EVT_MAX_PARAMS, and the parameter lengths add
 * up to exactly rec->len. Otherwise returns a negative value:
 *   -1 the header or the declared length does not fit in `len` bytes,
 *   -2 too many parameters,
 *   -3 parameter lengths do not add up to the record length.
 * `rec` needs no alignment. Records that passed this check may be read with
 * sk_evt_param() without further bounds checks. */
static inline int sk_evt_check(const void *rec, size_t len)
{
	struct sk_evt_hdr h;
	const unsigned char *p = (const unsigned char *)rec;
	if (len < SK_EVT_HDR_SIZE) {
		return -1;
	}
	memcpy(&h, p, sizeof(h));
	if (h.len < SK_EVT_HDR_SIZE || h.len > len || h.len > SK_EVT_MAX_LEN) {
		return -1;
	}
	if (h.nparams > SK_EVT_MAX_PARAMS) {
		return -2;
	}
	size_t off = SK_EVT_HDR_SIZE + sk_evt_lens_size(h.nparams, h.flags);
	if (off > h.len) {
		return -3;
	}
	size_t sum = off;
	for (unsigned i = 0; i < h.nparams; i++) {
		if (h.flags & SK_EVT_F_LARGE) {
			sk_u32 l;
			memcpy(&l, p + SK_EVT_HDR_SIZE + 4u * i, 4);
			sum += l;
		} else {
			sk_u16 l;
			memcpy(&l, p + SK_EVT_HDR_SIZE + 2u * i, 2);
			sum += l;
		}
	}
	return sum == h.len ? 0 : -3;
}

/* sk_evt_param - find parameter `i` of a record that passed sk_evt_check().
 *
 * Sets *ret_data to the first byte of the parameter (inside the record; not
 * aligned) and *ret_len to its length. Returns 0, or -1 when i >= nparams. */
static inline int sk_evt_param(const struct sk_evt_hdr *rec, unsigned i, const void **ret_data,
			       sk_u32 *ret_len)
{
	const unsigned char *p = (const unsigned char *)rec;
	int large = (rec->flags & SK_EVT_F_LARGE) != 0;
	size_t off = SK_EVT_HDR_SIZE + sk_evt_lens_size(rec->nparams, rec->flags);
	if (i >= rec->nparams) {
		return -1;
	}
	for (unsigned k = 0; k <= i; k++) {
		sk_u32 l;
		if (large) {
			memcpy(&l, p + SK_EVT_HDR_SIZE + 4u * k, 4);
		} else {
			sk_u16 s;
			memcpy(&s, p + SK_EVT_HDR_SIZE + 2u * k, 2);
			l = s;
		}
		if (k == i) {
			*ret_data = p + off;
			*ret_len = l;
			return 0;
		}
		off += l;
	}
	return -1;
}

/* sk_evt_source_name - the source name a record belongs to: param 0 of an
 * SK_EVT_PLUGIN record (when it is a NUL-terminated string), otherwise
 * "syscall". The result points into the record or to a static string. */
static inline const char *sk_evt_source_name(const struct sk_evt_hdr *rec)
{
	if (rec->type == SK_EVT_PLUGIN) {
		const void *d;
		sk_u32 l;
		if (sk_evt_param(rec, 0, &d, &l) == 0 && l > 0 &&
		    ((const char *)d)[l - 1] == '\0') {
			return (const char *)d;
		}
		return "unknown";
	}
	return "syscall";
}

#endif /* userspace helpers */

#endif /* SK_SHRIKE_EVENT_H */
