/* common/tbucket.h - a token bucket: at most `rate` events a second on
 * average, `burst` at once. Used for output rate limits and for how often
 * the daemon acts on event drops. Not thread-safe: one owner per bucket.
 */
#ifndef SK_COMMON_TBUCKET_H
#define SK_COMMON_TBUCKET_H

#include <stdbool.h>
#include <stdint.h>

struct sk_tbucket {
	double rate;	  /* tokens added per second */
	double burst;	  /* bucket size */
	double tokens;	  /* now */
	uint64_t last_ns; /* when tokens was last refilled (CLOCK_MONOTONIC ns) */
};

/* sk_tbucket_init - a full bucket. */
void sk_tbucket_init(struct sk_tbucket *b, double rate, double burst, uint64_t now_ns);

/* sk_tbucket_take - refill for the time since the last call, then take one
 * token. Returns false (and takes nothing) when less than one is left. */
bool sk_tbucket_take(struct sk_tbucket *b, uint64_t now_ns);

/* sk_tbucket_fill - make the bucket full again (e.g. for a final report). */
void sk_tbucket_fill(struct sk_tbucket *b);

#endif /* SK_COMMON_TBUCKET_H */
