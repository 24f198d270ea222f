/* common/clock.c - clock readings as integers (see clock.h). */
#include "config.h"

#include "clock.h"

uint64_t sk_clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * SK_NS_PER_S + (uint64_t)ts.tv_nsec;
}

uint64_t sk_mono_ns(void)
{
	return sk_clock_ns(CLOCK_MONOTONIC);
}

uint64_t sk_mono_ms(void)
{
	return sk_mono_ns() / 1000000u;
}

uint64_t sk_real_ns(void)
{
	return sk_clock_ns(CLOCK_REALTIME);
}

double sk_elapsed_s(const struct timespec *from, const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) + (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

struct timespec sk_deadline_ms(clockid_t c, uint64_t ms)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	uint64_t ns = (uint64_t)ts.tv_nsec + ms % 1000u * 1000000u;
	ts.tv_sec += (time_t)(ms / 1000u + ns / SK_NS_PER_S);
	ts.tv_nsec = (long)(ns % SK_NS_PER_S);
	return ts;
}
