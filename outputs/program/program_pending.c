/* outputs/program/program_pending.c - lines written to the program's pipe
 * and maybe not read yet (see program_pending.h). Pure, unit-tested in
 * program_pending_test.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "program_pending.h"

int pending_add(struct pending *p, const void *data, size_t n)
{
	if (n == 0) {
		return 0;
	}
	if (p->len + n > p->cap) {
		size_t cap = p->cap ? p->cap : 4096;
		while (cap < p->len + n) {
			cap *= 2;
		}
		char *b = realloc(p->buf, cap);
		if (!b) {
			return -ENOMEM;
		}
		p->buf = b;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, data, n);
	p->len += n;
	return 0;
}

void pending_consumed(struct pending *p, size_t unread)
{
	if (unread >= p->len) {
		return;
	}
	size_t consumed = p->len - unread;
	/* Drop up to and including the last '\n' within the consumed bytes. */
	size_t cut = 0;
	for (size_t i = consumed; i > 0; i--) {
		if (p->buf[i - 1] == '\n') {
			cut = i;
			break;
		}
	}
	if (cut == 0) {
		return;
	}
	memmove(p->buf, p->buf + cut, p->len - cut);
	p->len -= cut;
}

void pending_clear(struct pending *p)
{
	p->len = 0;
}

void pending_fini(struct pending *p)
{
	free(p->buf);
	p->buf = NULL;
	p->len = p->cap = 0;
}
