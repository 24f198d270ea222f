/* common/evtsort.c - a batch of event records put in time order (a stable
 * bottom-up merge sort), see evtsort.h. */
#include "config.h"

#include <string.h>

#include "evtsort.h"

void sk_evt_sort_by_time(const struct sk_evt_hdr **evs, const struct sk_evt_hdr **tmp, size_t n)
{
	const struct sk_evt_hdr **src = evs, **dst = tmp;
	/* already in order: the common case of one ring, or of one busy CPU */
	size_t i = 1;
	while (i < n && evs[i - 1]->ts <= evs[i]->ts) {
		i++;
	}
	if (i >= n) {
		return;
	}
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t a = lo, b = mid, o = lo;
			while (a < mid && b < hi) {
				/* the right run's record first only when strictly
				 * earlier: ties keep their order */
				dst[o++] = src[b]->ts < src[a]->ts ? src[b++] : src[a++];
			}
			while (a < mid) {
				dst[o++] = src[a++];
			}
			while (b < hi) {
				dst[o++] = src[b++];
			}
		}
		const struct sk_evt_hdr **t = src;
		src = dst;
		dst = t;
	}
	if (src != evs) {
		memcpy(evs, src, n * sizeof(*evs));
	}
}
