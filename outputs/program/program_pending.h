/* outputs/program/program_pending.h - the bytes the program output wrote
 * into a pipe that the program may not have read yet, kept as whole lines
 * so they can be written again to a restarted program. Pure (no I/O).
 */
#ifndef SK_OUTPUTS_PROGRAM_PENDING_H
#define SK_OUTPUTS_PROGRAM_PENDING_H

#include <stddef.h>

struct pending {
	char *buf;
	size_t len;
	size_t cap;
};

/* pending_add - append n bytes (what was just written into the pipe).
 * Returns 0 or -ENOMEM. */
int pending_add(struct pending *p, const void *data, size_t n);

/* pending_consumed - the pipe now holds `unread` bytes (FIONREAD): the
 * reader consumed the rest. Drop the lines read completely; a line read
 * only in part is kept whole (it is written again in full: at-least-once).
 * An `unread` larger than what is held keeps everything. */
void pending_consumed(struct pending *p, size_t unread);

/* pending_clear - forget everything (keeps the buffer). */
void pending_clear(struct pending *p);

/* pending_fini - free the buffer. */
void pending_fini(struct pending *p);

#endif /* SK_OUTPUTS_PROGRAM_PENDING_H */
