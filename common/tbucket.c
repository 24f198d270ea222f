/* common/tbucket.c - a token bucket (see tbucket.h). */
#include "config.h"

#include "tbucket.h"

void sk_tbucket_init(struct sk_tbucket *b, double rate, double burst, uint64_t now_ns)
{
	b->rate = rate;
	b->burst = burst;
	b->tokens = burst;
	b->last_ns = now_ns;
}

bool sk_tbucket_take(struct sk_tbucket *b, uint64_t now_ns)
{
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * b->rate / 1e9;
		if (b->tokens > b->burst) {
			b->tokens = b->burst;
		}
		b->last_ns = now_ns;
	}
	if (b->tokens < 1.0) {
		return false;
	}
	b->tokens -= 1.0;
	return true;
}

void sk_tbucket_fill(struct sk_tbucket *b)
{
	b->tokens = b->burst;
}

