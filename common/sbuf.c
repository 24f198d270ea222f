/* common/sbuf.c - a growable string buffer (see sbuf.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

#define SBUF_MIN_CAP 256

void sk_sbuf_init(struct sk_sbuf *b)
{
	memset(b, 0, sizeof(*b));
}

/* The capacity to grow to for `need` bytes: doubling from SBUF_MIN_CAP. */
static size_t grown_cap(size_t cap, size_t need)
{
	cap = cap ? cap : SBUF_MIN_CAP;
	while (cap < need) {
		cap *= 2;
	}
	return cap;
}

int sk_sbuf_reserve(struct sk_sbuf *b, size_t n)
{
	if (b->oom) {
		return -ENOMEM;
	}
	if (b->len + n + 1 <= b->cap) {
		return 0;
	}
	/* beyond this the doubling below would overflow */
	if (n >= SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return -ENOMEM;
	}
	size_t cap = grown_cap(b->cap, b->len + n + 1);
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return -ENOMEM;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

int sk_sbuf_add(struct sk_sbuf *b, const void *s, size_t n)
{
	int rc = sk_sbuf_reserve(b, n);
	if (rc) {
		return rc;
	}
	if (n > 0) {
		memcpy(b->p + b->len, s, n);
	}
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int sk_sbuf_adds(struct sk_sbuf *b, const char *s)
{
	return sk_sbuf_add(b, s, strlen(s));
}

int sk_sbuf_printf(struct sk_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return -EINVAL;
	}
	int rc = sk_sbuf_reserve(b, (size_t)n);
	if (rc) {
		return rc;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void sk_sbuf_truncate(struct sk_sbuf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

void sk_sbuf_reset(struct sk_sbuf *b)
{
	b->oom = false;
	b->len = 0;
	if (b->p) {
		b->p[0] = '\0';
	}
}

char *sk_sbuf_take(struct sk_sbuf *b)
{
	if (sk_sbuf_add(b, "", 0) != 0) {
		sk_sbuf_free(b);
		return NULL;
	}
	char *p = b->p;
	sk_sbuf_init(b);
	return p;
}

void sk_sbuf_free(struct sk_sbuf *b)
{
	free(b->p);
	sk_sbuf_init(b);
}
