/* plugins/common/staterec.h - the pieces of state a parser plugin saves in
 * a capture file (api->save_state(), replayed as SK_EVT_STATE records): one
 * nested record per piece, in <shrike/event.h> layout with u32 parameter
 * lengths, whose type and tid the plugin gives meaning to. Building them,
 * and reading them back with every length checked. */
#ifndef SK_PLUGINS_COMMON_STATEREC_H
#define SK_PLUGINS_COMMON_STATEREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/event.h>
#include <shrike/plugin.h>

/* sk_staterec_can_save - the host offers api->save_state() (a host older
 * than it, or a test harness, may not). */
static inline bool sk_staterec_can_save(const struct sk_host_api *api)
{
	return api != NULL &&
	       api->struct_size >= offsetof(struct sk_host_api, save_state) + sizeof(api->save_state) &&
	       api->save_state != NULL;
}

/* A growable, 8-byte aligned buffer. Zero it before the first use. */
struct sk_staterec_buf {
	char *p;
	size_t cap;
};

/* One parameter: bytes (NULL with len 0: empty). */
struct sk_staterec_part {
	const void *p;
	size_t len;
};

/* A string parameter: its bytes without the NUL (strings come back
 * NUL-terminated from sk_staterec_str()); NULL gives an empty one. */
static inline struct sk_staterec_part sk_staterec_s(const char *s)
{
	struct sk_staterec_part part = {s, 0};
	while (s != NULL && s[part.len] != '\0') {
		part.len++;
	}
	return part;
}

/* sk_staterec_build - the nested record of `type` about `tid` with n
 * parameters (n <= SK_EVT_MAX_PARAMS) into b. Returns its length, or 0 when
 * out of memory or too long (over SK_EVT_MAX_LEN). */
size_t sk_staterec_build(struct sk_staterec_buf *b, uint16_t type, int64_t tid,
			 const struct sk_staterec_part *parts, unsigned n);

/* sk_staterec_open - the nested record inside an SK_EVT_STATE record
 * (param 1), copied into b so it is aligned, and checked (sk_evt_check(),
 * u32 lengths). NULL when it is damaged. */
const struct sk_evt_hdr *sk_staterec_open(const struct sk_evt_hdr *state,
					  struct sk_staterec_buf *b);

/* sk_staterec_fixed - copy parameter i into dst when it has exactly `size`
 * bytes. */
bool sk_staterec_fixed(const struct sk_evt_hdr *r, unsigned i, void *dst, size_t size);

/* sk_staterec_str - *dst = a malloc'd copy of parameter i plus a NUL
 * (*dst_len its length when dst_len is set), freeing what *dst held; NULL
 * when !present or the record has no parameter i. Returns 0 or -ENOMEM. */
int sk_staterec_str(const struct sk_evt_hdr *r, unsigned i, bool present, char **dst,
		    size_t *dst_len);

#endif /* SK_PLUGINS_COMMON_STATEREC_H */
