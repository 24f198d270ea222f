/* tests/tools/evtfmt.c - syscall event records as text (see evtfmt.h). */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <shrike/syscall_events.h>
#include <shrike/syscall_names.h>

#include "evtfmt.h"

struct out {
	char *buf;
	size_t len, n;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	if (o->n >= o->len) {
		return;
	}
	va_start(ap, fmt);
	int r = vsnprintf(o->buf + o->n, o->len - o->n, fmt, ap);
	va_end(ap);
	if (r > 0) {
		o->n += (size_t)r;
		if (o->n >= o->len) {
			o->n = o->len - 1;
		}
	}
}

static uint64_t rd(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	memcpy(&v, p, n); /* little-endian hosts: the low bytes */
	return v;
}

static void put_ip4(struct out *o, const unsigned char *a)
{
	char s[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, a, s, sizeof(s));
	put(o, "%s", s);
}

static void put_ip6(struct out *o, const unsigned char *a)
{
	char s[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, a, s, sizeof(s));
	put(o, "[%s]", s);
}

/* A string that may lack its NUL (cut records). */
static void put_str(struct out *o, const unsigned char *p, size_t l)
{
	size_t k = strnlen((const char *)p, l);
	put(o, "%.*s", (int)k, (const char *)p);
}

static void put_value(struct out *o, const struct sk_sc_param *pm, const unsigned char *p,
		      uint32_t l)
{
	uint32_t fixed = sk_sc_pt_size(pm->type);
	if (l == 0) {
		put(o, "<NA>");
		return;
	}
	if (fixed != 0 && l != fixed) {
		put(o, "<bad length %u>", l);
		return;
	}
	switch (pm->type) {
	case SK_PT_ERRNO: {
		int64_t v = (int64_t)rd(p, 8);
		if (v < 0 && v > -4096) {
			const char *nm = strerrorname_np((int)-v);
			put(o, "%" PRId64 "(%s)", v, nm ? nm : "?");
		} else {
			put(o, "%" PRId64, v);
		}
		break;
	}
	case SK_PT_I64:
	case SK_PT_FD:
	case SK_PT_PID:
		put(o, "%" PRId64, (int64_t)rd(p, 8));
		break;
	case SK_PT_I32:
		put(o, "%" PRId32, (int32_t)rd(p, 4));
		break;
	case SK_PT_U64:
	case SK_PT_ABSTIME:
		put(o, "%" PRIu64, rd(p, 8));
		break;
	case SK_PT_HEX64:
	case SK_PT_CAPS:
		put(o, "0x%" PRIx64, rd(p, 8));
		break;
	case SK_PT_U32:
	case SK_PT_UID:
	case SK_PT_GID:
		put(o, "%" PRIu32, (uint32_t)rd(p, 4));
		break;
	case SK_PT_U16:
		put(o, "%u", (unsigned)rd(p, 2));
		break;
	case SK_PT_U8:
		put(o, "%u", (unsigned)p[0]);
		break;
	case SK_PT_SIGNAL:
		if (p[0] > 0 && p[0] < SK_SIGNAL_COUNT) {
			put(o, "%s", sk_signal_names[p[0]]);
		} else {
			put(o, "%u", (unsigned)p[0]);
		}
		break;
	case SK_PT_MODE:
		if (rd(p, 4) == 0) {
			put(o, "0");
		} else {
			put(o, "0%" PRIo32, (uint32_t)rd(p, 4));
		}
		break;
	case SK_PT_DEV:
		put(o, "0x%" PRIx32, (uint32_t)rd(p, 4));
		break;
	case SK_PT_FLAGS32:
	case SK_PT_ENUM32: {
		char f[256];
		sk_flags_render(pm->aux, (sk_u32)rd(p, 4), f, sizeof(f));
		put(o, "%s", f);
		break;
	}
	case SK_PT_PATH:
	case SK_PT_RELPATH:
	case SK_PT_CHARBUF:
		put_str(o, p, l);
		break;
	case SK_PT_CHARBUFARRAY: {
		put(o, "[");
		size_t i = 0;
		bool first = true;
		while (i < l) {
			size_t k = strnlen((const char *)p + i, l - i);
			put(o, "%s%.*s", first ? "" : ",", (int)k, (const char *)p + i);
			first = false;
			i += k + 1;
		}
		put(o, "]");
		break;
	}
	case SK_PT_SOCKADDR:
		if (p[0] == 2 && l >= 7) {
			put_ip4(o, p + 1);
			put(o, ":%u", (unsigned)rd(p + 5, 2));
		} else if (p[0] == 10 && l >= 19) {
			put_ip6(o, p + 1);
			put(o, ":%u", (unsigned)rd(p + 17, 2));
		} else if (p[0] == 1) {
			put(o, "unix:");
			put_str(o, p + 1, l - 1);
		} else {
			put(o, "family=%u", (unsigned)p[0]);
		}
		break;
	case SK_PT_SOCKTUPLE:
		if (p[0] == 2 && l >= 13) {
			put_ip4(o, p + 1);
			put(o, ":%u->", (unsigned)rd(p + 5, 2));
			put_ip4(o, p + 7);
			put(o, ":%u", (unsigned)rd(p + 11, 2));
		} else if (p[0] == 10 && l >= 37) {
			put_ip6(o, p + 1);
			put(o, ":%u->", (unsigned)rd(p + 17, 2));
			put_ip6(o, p + 19);
			put(o, ":%u", (unsigned)rd(p + 35, 2));
		} else if (p[0] == 1 && l >= 17) {
			put(o, "unix:0x%" PRIx64 "->0x%" PRIx64 ":", rd(p + 1, 8), rd(p + 9, 8));
			put_str(o, p + 17, l - 17);
		} else {
			put(o, "family=%u", (unsigned)p[0]);
		}
		break;
	case SK_PT_FDLIST: {
		unsigned n = l >= 2 ? (unsigned)rd(p, 2) : 0;
		put(o, "[");
		for (unsigned i = 0; i < n && 2u + 10u * (i + 1) <= l; i++) {
			put(o, "%s%" PRId64 ":%u", i ? "," : "", (int64_t)rd(p + 2 + 10 * i, 8),
			    (unsigned)rd(p + 10 + 10 * i, 2));
		}
		put(o, "]");
		break;
	}
	default:
		for (uint32_t i = 0; i < l && i < 32; i++) {
			put(o, "%02x", p[i]);
		}
		if (l > 32) {
			put(o, "...(%u bytes)", l);
		}
		break;
	}
}

size_t sk_evtfmt(const struct sk_evt_hdr *rec, char *buf, size_t len)
{
	struct out o = {.buf = buf, .len = len, .n = 0};
	if (len == 0) {
		return 0;
	}
	buf[0] = '\0';
	const struct sk_sc_event *e = sk_sc_event_info(rec->type);
	if (rec->type == SK_EVT_DROP) {
		const void *d0, *d1;
		uint32_t l0, l1;
		if (sk_evt_param(rec, 0, &d0, &l0) == 0 && l0 == 8 &&
		    sk_evt_param(rec, 1, &d1, &l1) == 0 && l1 == 4) {
			uint32_t ring = (uint32_t)rd(d1, 4);
			put(&o, "drop lost=%" PRIu64, rd(d0, 8));
			if (ring == 0xffffffffu) {
				put(&o, " ring=any");
			} else {
				put(&o, " ring=%" PRIu32, ring);
			}
		} else {
			put(&o, "drop <malformed>");
		}
		return o.n;
	}
	if (rec->type == SK_EVT_STATE) {
		const void *d0, *d1;
		uint32_t l0, l1;
		if (sk_evt_param(rec, 0, &d0, &l0) == 0 && l0 > 0 &&
		    ((const char *)d0)[l0 - 1] == '\0' && sk_evt_param(rec, 1, &d1, &l1) == 0) {
			put(&o, "state plugin=%s bytes=%" PRIu32, (const char *)d0, l1);
		} else {
			put(&o, "state <malformed>");
		}
		return o.n;
	}
	if (e == NULL) {
		put(&o, "type=%u", (unsigned)rec->type);
		for (unsigned i = 0; i < rec->nparams; i++) {
			const void *d = NULL;
			uint32_t l = 0;
			sk_evt_param(rec, i, &d, &l);
			put(&o, " p%u=", i);
			for (uint32_t k = 0; k < l && k < 32; k++) {
				put(&o, "%02x", ((const unsigned char *)d)[k]);
			}
		}
		return o.n;
	}
	put(&o, "%s", e->name);
	if (rec->nparams != e->nparams) {
		put(&o, " <%u parameters, the table has %u>", (unsigned)rec->nparams,
		    (unsigned)e->nparams);
	}
	for (unsigned i = 0; i < rec->nparams && i < e->nparams; i++) {
		const void *d = NULL;
		uint32_t l = 0;
		sk_evt_param(rec, i, &d, &l);
		put(&o, " %s=", e->params[i].name);
		put_value(&o, &e->params[i], d, l);
	}
	return o.n;
}
