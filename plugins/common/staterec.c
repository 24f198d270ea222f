/* plugins/common/staterec.c - nested state records (see staterec.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "staterec.h"

static bool reserve(struct sk_staterec_buf *b, size_t len)
{
	if (len <= b->cap) {
		return true;
	}
	size_t cap = len < 4096 ? 4096 : len + len / 2;
	char *p = realloc(b->p, cap);
	if (p == NULL) {
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

size_t sk_staterec_build(struct sk_staterec_buf *b, uint16_t type, int64_t tid,
			 const struct sk_staterec_part *parts, unsigned n)
{
	size_t total = SK_EVT_HDR_SIZE + 4u * n;
	for (unsigned i = 0; i < n; i++) {
		total += parts[i].len;
	}
	if (n > SK_EVT_MAX_PARAMS || total > SK_EVT_MAX_LEN || !reserve(b, total)) {
		return 0;
	}
	struct sk_evt_hdr h = {
	    .tid = (uint64_t)tid,
	    .len = (uint32_t)total,
	    .type = type,
	    .nparams = (uint8_t)n,
	    .flags = SK_EVT_F_LARGE,
	};
	memcpy(b->p, &h, sizeof(h));
	size_t off = SK_EVT_HDR_SIZE + 4u * n;
	for (unsigned i = 0; i < n; i++) {
		uint32_t l = (uint32_t)parts[i].len;
		memcpy(b->p + SK_EVT_HDR_SIZE + 4u * i, &l, 4);
		if (l) {
			memcpy(b->p + off, parts[i].p, l);
		}
		off += l;
	}
	return total;
}

const struct sk_evt_hdr *sk_staterec_open(const struct sk_evt_hdr *state,
					  struct sk_staterec_buf *b)
{
	const void *p;
	uint32_t len;
	if (state->type != SK_EVT_STATE || sk_evt_param(state, 1, &p, &len) != 0 ||
	    len < SK_EVT_HDR_SIZE || !reserve(b, len)) {
		return NULL;
	}
	memcpy(b->p, p, len);
	const struct sk_evt_hdr *r = (const struct sk_evt_hdr *)(void *)b->p;
	if (sk_evt_check(r, len) != 0 || r->len != len || !(r->flags & SK_EVT_F_LARGE)) {
		return NULL;
	}
	return r;
}

bool sk_staterec_fixed(const struct sk_evt_hdr *r, unsigned i, void *dst, size_t size)
{
	const void *p;
	uint32_t len;
	if (sk_evt_param(r, i, &p, &len) != 0 || len != size) {
		return false;
	}
	memcpy(dst, p, size);
	return true;
}

int sk_staterec_str(const struct sk_evt_hdr *r, unsigned i, bool present, char **dst,
		    size_t *dst_len)
{
	const void *p;
	uint32_t len = 0;
	free(*dst);
	*dst = NULL;
	if (dst_len) {
		*dst_len = 0;
	}
	if (!present || sk_evt_param(r, i, &p, &len) != 0) {
		return 0;
	}
	*dst = malloc((size_t)len + 1);
	if (*dst == NULL) {
		return -ENOMEM;
	}
	if (len) {
		memcpy(*dst, p, len);
	}
	(*dst)[len] = '\0';
	if (dst_len) {
		*dst_len = len;
	}
	return 0;
}
