/* common/clock.h - clock readings as integers: CLOCK_MONOTONIC for
 * intervals, timeouts and rate limits, CLOCK_REALTIME for timestamps, and
 * absolute deadlines for pthread's timed waits.
 */
#ifndef SK_COMMON_CLOCK_H
#define SK_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

#define SK_NS_PER_S 1000000000ull

/* sk_clock_ns - the clock c in ns. */
uint64_t sk_clock_ns(clockid_t c);

/* sk_mono_ns, sk_mono_ms - CLOCK_MONOTONIC in ns, in ms. */
uint64_t sk_mono_ns(void);
uint64_t sk_mono_ms(void);

/* sk_real_ns - CLOCK_REALTIME (ns since the Unix epoch). */
uint64_t sk_real_ns(void);

/* sk_elapsed_s - seconds from one reading to a later one. */
double sk_elapsed_s(const struct timespec *from, const struct timespec *to);

/* sk_deadline_ms - the clock c ms milliseconds from now, as
 * pthread_timedjoin_np() and pthread_cond_timedwait() take it. */
struct timespec sk_deadline_ms(clockid_t c, uint64_t ms);

#endif /* SK_COMMON_CLOCK_H */
