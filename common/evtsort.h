/* common/evtsort.h - a batch of event records put in time order: the
 * sources that read several kernel rings (one per CPU, or per group of
 * CPUs) hand the host batches in which each ring's records are in order
 * but the rings are not merged; a thread that moves between CPUs (a clone
 * on one, the child's exec on another) must reach the state tracker in
 * the order things happened.
 */
#ifndef SK_COMMON_EVTSORT_H
#define SK_COMMON_EVTSORT_H

#include <stddef.h>

#include <shrike/event.h>

/* sk_evt_sort_by_time - sort the n records of `evs` by their `ts`,
 * stable (records of the same nanosecond keep their order), with `tmp`,
 * room for n pointers, as the merge's other half. O(n log n), no
 * allocation. */
void sk_evt_sort_by_time(const struct sk_evt_hdr **evs, const struct sk_evt_hdr **tmp, size_t n);

#endif /* SK_COMMON_EVTSORT_H */
