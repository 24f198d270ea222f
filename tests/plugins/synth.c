/* tests/plugins/synth.c - `synth`, a test-only source plugin producing a
 * deterministic stream of records (never installed; see check_LTLIBRARIES).
 *
 * Configuration (`params`): count (records to produce, default 1000) and
 * seed (varies the generated parameters, default 0). Non-empty open
 * parameters override count: open_params: "500".
 *
 * Record i (0-based) is a pure function of (seed, i), so the output is byte
 * for byte the same on every run and whatever the batching:
 *   i % 100 == 1  SK_EVT_PLUGIN, source "k8s_audit", a JSON audit event of
 *                 more than 64 KiB (SK_EVT_F_LARGE)
 *   i % 100 == 2  SK_EVT_DROP, param 0 = u64 lost (1 + i % 7), param 1 = u32 cpu
 *   otherwise     a syscall-like record: type >= SK_EVT_SYSCALL_BASE, 0..5
 *                 u16-length params mixing u64, u32, strings, byte runs and
 *                 0-length params
 * Timestamps are SYNTH_TS_BASE + i * 1000 + (0..998) ns: strictly increasing.
 *
 * Descriptor: open() returns an eventfd that is always readable (one write
 * at open, one more per next_batch() so edge-triggered pollers wake too),
 * which exercises the host's fd path. Batches vary in size (0, 1, 3, 17, 31,
 * 64, 100, 256 records) and one call in nine returns SK_RETRY with no
 * records. stats() reports the records handed out and the sum of the DROP
 * records' counts.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <shrike/plugin.h>

#define SYNTH_TS_BASE	1700000000000000000ull /* 2023-11-14T22:13:20Z */
#define SYNTH_MAX_BATCH 256u
#define SYNTH_BLOB_MIN	66000u

struct synth_conf {
	uint64_t count;
	uint64_t seed;
};

static const struct sk_param synth_params[] = {
    {.name = "count",
     .type = SK_PARAM_UINT,
     .def = "1000",
     .offset = offsetof(struct synth_conf, count),
     .desc = "number of records to produce (open parameters override it)"},
    {.name = "seed",
     .type = SK_PARAM_UINT,
     .def = "0",
     .offset = offsetof(struct synth_conf, seed),
     .desc = "varies the generated parameters; same seed, same records"},
    {.name = NULL},
};

struct synth {
	const struct sk_host_api *api;
	struct sk_host *host;
	struct synth_conf conf;

	int efd;
	uint64_t count; /* records to produce in this open() */
	uint64_t next;	/* index of the next record */
	uint64_t calls; /* next_batch() calls since open() */
	uint64_t delivered, drops;

	unsigned char *arena; /* reused for every batch */
	size_t arena_cap;
	size_t offs[SYNTH_MAX_BATCH];
	const struct sk_evt_hdr *ptrs[SYNTH_MAX_BATCH];
};

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* ---- record building --------------------------------------------------- */

/* A record under construction in the arena at offset `base`. */
struct rec_builder {
	struct synth *s;
	size_t base;
	unsigned nparams;
	int large;
	size_t data; /* bytes of parameter data written so far */
	int failed;
};

/* Make room for `more` bytes after what the record holds. */
static unsigned char *room(struct rec_builder *b, size_t at, size_t more)
{
	size_t need = b->base + at + more;
	if (need > b->s->arena_cap) {
		size_t ncap = b->s->arena_cap ? b->s->arena_cap : 256u * 1024u;
		while (ncap < need) {
			ncap *= 2;
		}
		unsigned char *na = realloc(b->s->arena, ncap);
		if (na == NULL) {
			b->failed = 1;
			return NULL;
		}
		b->s->arena = na;
		b->s->arena_cap = ncap;
	}
	return b->s->arena + b->base + at;
}

static void rec_begin(struct rec_builder *b, struct synth *s, size_t base, unsigned nparams,
		      int large)
{
	b->s = s;
	b->base = base;
	b->nparams = nparams;
	b->large = large;
	b->data = 0;
	b->failed = 0;
	room(b, 0, SK_EVT_HDR_SIZE + sk_evt_lens_size((sk_u8)nparams, large ? SK_EVT_F_LARGE : 0));
}

static size_t lens_end(const struct rec_builder *b)
{
	return SK_EVT_HDR_SIZE + sk_evt_lens_size((sk_u8)b->nparams, b->large ? SK_EVT_F_LARGE : 0);
}

/* Append parameter number `idx` (params must be added in order). */
static void rec_param(struct rec_builder *b, unsigned idx, const void *p, size_t len)
{
	if (b->failed) {
		return;
	}
	unsigned char *dst = room(b, lens_end(b) + b->data, len);
	if (dst == NULL) {
		return;
	}
	if (len > 0) {
		memcpy(dst, p, len);
	}
	unsigned char *lens = b->s->arena + b->base + SK_EVT_HDR_SIZE;
	if (b->large) {
		uint32_t l = (uint32_t)len;
		memcpy(lens + 4u * idx, &l, 4);
	} else {
		uint16_t l = (uint16_t)len;
		memcpy(lens + 2u * idx, &l, 2);
	}
	b->data += len;
}

/* Finish the header; returns the record's length. */
static size_t rec_end(struct rec_builder *b, uint64_t ts, uint64_t tid, unsigned type)
{
	struct sk_evt_hdr h = {
	    .ts = ts,
	    .tid = tid,
	    .len = (sk_u32)(lens_end(b) + b->data),
	    .type = (sk_u16)type,
	    .nparams = (sk_u8)b->nparams,
	    .flags = b->large ? SK_EVT_F_LARGE : 0,
	};
	if (b->failed) {
		return 0;
	}
	memcpy(b->s->arena + b->base, &h, sizeof(h));
	return h.len;
}

static size_t build_syscall(struct rec_builder *b, struct synth *s, size_t base, uint64_t i,
			    uint64_t h, uint64_t ts)
{
	unsigned nparams = (unsigned)(h % 6u);
	rec_begin(b, s, base, nparams, 0);
	for (unsigned j = 0; j < nparams && !b->failed; j++) {
		uint64_t r = splitmix64(h + j);
		char str[64];
		unsigned char bytes[300];
		switch (r % 5u) {
		case 0: {
			uint64_t v = r >> 8;
			rec_param(b, j, &v, sizeof(v));
			break;
		}
		case 1: {
			int n =
			    snprintf(str, sizeof(str), "/tmp/synth/%" PRIu64 "/file-%u.txt", i, j);
			rec_param(b, j, str, (size_t)n + 1); /* with its NUL */
			break;
		}
		case 2:
			rec_param(b, j, NULL, 0);
			break;
		case 3: {
			size_t n = (size_t)((r >> 16) % sizeof(bytes));
			for (size_t k = 0; k < n; k++) {
				bytes[k] = (unsigned char)(r >> (k % 56)) ^ (unsigned char)k;
			}
			rec_param(b, j, bytes, n);
			break;
		}
		default: {
			uint32_t v = (uint32_t)(r >> 32);
			rec_param(b, j, &v, sizeof(v));
			break;
		}
		}
	}
	return rec_end(b, ts, 1000u + h % 16u, SK_EVT_SYSCALL_BASE + (unsigned)((h >> 8) % 32u));
}

static size_t build_drop(struct rec_builder *b, struct synth *s, size_t base, uint64_t i,
			 uint64_t ts)
{
	uint64_t lost = 1u + i % 7u;
	uint32_t cpu = (uint32_t)(i % 4u);
	rec_begin(b, s, base, 2, 0);
	rec_param(b, 0, &lost, sizeof(lost));
	rec_param(b, 1, &cpu, sizeof(cpu));
	if (!b->failed) {
		s->drops += lost;
	}
	return rec_end(b, ts, 0, SK_EVT_DROP);
}

static size_t build_plugin(struct rec_builder *b, struct synth *s, size_t base, uint64_t i,
			   uint64_t h, uint64_t ts)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char src[] = "k8s_audit";
	char head[512], tail[64];
	time_t sec = (time_t)(ts / 1000000000u);
	struct tm tm;
	char when[32];

	gmtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	int hn =
	    snprintf(head, sizeof(head),
		     "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":"
		     "\"RequestResponse\",\"auditID\":\"synth-%" PRIu64 "\",\"stage\":"
		     "\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/default/"
		     "configmaps/synth-%" PRIu64 "\",\"verb\":\"create\",\"user\":{\"username\":"
		     "\"system:serviceaccount:default:synth\"},\"objectRef\":{\"resource\":"
		     "\"configmaps\",\"namespace\":\"default\",\"name\":\"synth-%" PRIu64
		     "\"},\"stageTimestamp\":\"%s.%09" PRIu64 "Z\",\"requestObject\":{\"data\":"
		     "{\"blob\":\"",
		     i, i, i, when, ts % 1000000000u);
	int tn = snprintf(tail, sizeof(tail), "\"}}}");
	size_t blob = SYNTH_BLOB_MIN + (size_t)(h % 1000u);

	rec_begin(b, s, base, 2, 1);
	rec_param(b, 0, src, sizeof(src));
	/* Payload: head + blob + tail, written straight into the arena. */
	size_t plen = (size_t)hn + blob + (size_t)tn;
	unsigned char *dst = b->failed ? NULL : room(b, lens_end(b) + b->data, plen);
	if (dst != NULL) {
		memcpy(dst, head, (size_t)hn);
		for (size_t k = 0; k < blob; k++) {
			dst[hn + k] = (unsigned char)b64[(i + k * 7u) % 64u];
		}
		memcpy(dst + hn + blob, tail, (size_t)tn);
		uint32_t l = (uint32_t)plen;
		memcpy(b->s->arena + b->base + SK_EVT_HDR_SIZE + 4u, &l, 4);
		b->data += plen;
	}
	return rec_end(b, ts, 0, SK_EVT_PLUGIN);
}

/* Build record i at arena offset `base`; returns its length or 0 (ENOMEM). */
static size_t build_record(struct synth *s, size_t base, uint64_t i)
{
	struct rec_builder b;
	uint64_t h = splitmix64(s->conf.seed * 0x100000001b3ull ^ splitmix64(i));
	uint64_t ts = SYNTH_TS_BASE + i * 1000u + h % 999u;
	size_t len;

	if (i % 100u == 1u) {
		len = build_plugin(&b, s, base, i, h, ts);
	} else if (i % 100u == 2u) {
		len = build_drop(&b, s, base, i, ts);
	} else {
		len = build_syscall(&b, s, base, i, h, ts);
	}
	return b.failed ? 0 : len;
}

/* ---- plugin callbacks --------------------------------------------------- */

static int synth_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	struct synth *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	s->api = in->api;
	s->host = in->host;
	s->efd = -1;
	s->conf.count = 1000;
	if (in->config != NULL) {
		memcpy(&s->conf, in->config, sizeof(s->conf));
	}
	*ret_inst = s;
	return SK_OK;
}

static void synth_close(void *inst)
{
	struct synth *s = inst;
	if (s->efd >= 0) {
		close(s->efd);
	}
	s->efd = -1;
}

static void synth_destroy(void *inst)
{
	struct synth *s = inst;
	if (s == NULL) {
		return;
	}
	synth_close(s);
	free(s->arena);
	free(s);
}

static int synth_open(void *inst, const char *params, int *ret_fd, char *err, size_t errlen)
{
	struct synth *s = inst;

	*ret_fd = -1;
	synth_close(s);
	s->count = s->conf.count;
	if (params != NULL && params[0] != '\0') {
		char *end = NULL;
		errno = 0;
		unsigned long long v = strtoull(params, &end, 10);
		if (params[0] < '0' || params[0] > '9' || errno != 0 || *end != '\0') {
			snprintf(err, errlen,
				 "synth: open parameters must be a record count, got '%s'", params);
			return SK_ERR;
		}
		s->count = v;
	}
	s->efd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0) {
		snprintf(err, errlen, "synth: eventfd: %s", strerror(errno));
		return SK_ERR;
	}
	s->next = s->calls = s->delivered = s->drops = 0;
	*ret_fd = s->efd;
	return SK_OK;
}

static int synth_next_batch(void *inst, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			    char *err, size_t errlen)
{
	static const unsigned sizes[] = {1, 17, 64, 0, 256, 3, 100, 31, 0 /* SK_RETRY */};
	struct synth *s = inst;

	*ret_evs = NULL;
	*ret_n = 0;
	if (s->efd < 0) {
		snprintf(err, errlen, "synth: next_batch() without open()");
		return SK_ERR;
	}
	if (s->next >= s->count) {
		return SK_EOF;
	}
	/* Keep the eventfd readable and give edge-triggered pollers an edge. */
	uint64_t one = 1;
	if (write(s->efd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
		snprintf(err, errlen, "synth: eventfd write: %s", strerror(errno));
		return SK_ERR;
	}
	size_t k = (size_t)(s->calls++ % (sizeof(sizes) / sizeof(sizes[0])));
	if (k == sizeof(sizes) / sizeof(sizes[0]) - 1) {
		return SK_RETRY;
	}
	size_t n = 0, used = 0;
	while (n < sizes[k] && s->next < s->count) {
		size_t len = build_record(s, used, s->next);
		if (len == 0) {
			snprintf(err, errlen, "synth: out of memory");
			return SK_ERR;
		}
		s->offs[n++] = used;
		used += (len + 7u) & ~(size_t)7u;
		s->next++;
	}
	for (size_t j = 0; j < n; j++) {
		s->ptrs[j] = (const struct sk_evt_hdr *)(const void *)(s->arena + s->offs[j]);
	}
	s->delivered += n;
	*ret_evs = s->ptrs;
	*ret_n = n;
	return SK_OK;
}

static int synth_stats(void *inst, struct sk_source_stats *ret_stats)
{
	const struct synth *s = inst;
	memset(ret_stats, 0, sizeof(*ret_stats));
	ret_stats->events = s->delivered;
	ret_stats->drops = s->drops;
	return SK_OK;
}

SK_PLUGIN_OPS(sk_source_ops, synth_source_ops, .open = synth_open, .next_batch = synth_next_batch,
	      .close = synth_close, .stats = synth_stats);
SK_PLUGIN_DEFINE(.name = "synth", .version = PACKAGE_VERSION,
		 .description = "test source: a deterministic stream of syscall, k8s_audit and "
				"drop records",
		 .params = synth_params, .config_size = sizeof(struct synth_conf),
		 .init = synth_init, .destroy = synth_destroy, .source = &synth_source_ops);
