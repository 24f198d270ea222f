/* common/sbuf.h - a growable string buffer. p holds len bytes and a NUL
 * terminator (once anything was added, even ""), so it can be used as a C
 * string and as a byte buffer. Running out of memory is sticky: oom is set,
 * nothing more is added until sk_sbuf_reset(), and callers check once at
 * the end. Escaping (JSON, quotes) stays with the callers. Not thread-safe.
 */
#ifndef SK_COMMON_SBUF_H
#define SK_COMMON_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sk_sbuf {
	char *p;    /* NULL until the first add */
	size_t len; /* bytes in p, without the terminator */
	size_t cap; /* bytes allocated at p */
	bool oom;   /* an add or reserve failed */
};

/* A zeroed struct sk_sbuf ({0}) is an empty buffer; so is one after
 * sk_sbuf_init. */
void sk_sbuf_init(struct sk_sbuf *b);

/* sk_sbuf_reserve - room for n more bytes and the terminator. Returns 0 or
 * -ENOMEM (and sets oom). */
int sk_sbuf_reserve(struct sk_sbuf *b, size_t n);

/* sk_sbuf_add - append n bytes of s (n may be 0: p is then allocated and
 * terminated). sk_sbuf_adds appends a C string. Return 0 or -ENOMEM, also
 * when an earlier add failed. */
int sk_sbuf_add(struct sk_sbuf *b, const void *s, size_t n);
int sk_sbuf_adds(struct sk_sbuf *b, const char *s);

/* sk_sbuf_printf - append printf output, however long. 0 or -ENOMEM (or
 * -EINVAL for a format vsnprintf refuses). */
int sk_sbuf_printf(struct sk_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sk_sbuf_truncate - cut back to len bytes (no-op when len >= b->len). */
void sk_sbuf_truncate(struct sk_sbuf *b, size_t len);

/* sk_sbuf_reset - empty the buffer and clear oom; the memory is kept. */
void sk_sbuf_reset(struct sk_sbuf *b);

/* sk_sbuf_take - hand over the text (the caller frees it; "" when nothing
 * was added) and leave b empty. NULL when memory ran out (the text is
 * freed then). */
char *sk_sbuf_take(struct sk_sbuf *b);

/* sk_sbuf_free - free the memory; b is an empty buffer again. */
void sk_sbuf_free(struct sk_sbuf *b);

#endif /* SK_COMMON_SBUF_H */
