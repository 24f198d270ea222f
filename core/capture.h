/* core/capture.h - write capture files (format: <shrike/capture.h>).
 *
 * `shrike --capture FILE` appends every event the live sources deliver, in
 * delivery order, so `shrike -e FILE` (the replay source plugin) gives the
 * same records back byte for byte.
 */
#ifndef SK_CORE_CAPTURE_H
#define SK_CORE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include <shrike/event.h>

struct sk_capture;

/* sk_capture_open - create (truncate) `path` and write the file header.
 * Returns 0 or -errno with "PATH: cannot create capture file: REASON". */
int sk_capture_open(const char *path, const char *hostname, struct sk_capture **ret, char *err,
		    size_t errlen);

/* sk_capture_write - append one record (which passed sk_evt_check()) as an
 * EVENT block. Buffered. Returns 0 or -errno (-EINVAL for a record whose len
 * is out of range). The first I/O failure is logged once with SK_ERROR as
 * "PATH: cannot write capture file: REASON" and is sticky: later calls
 * return the same -errno without writing. */
int sk_capture_write(struct sk_capture *c, const struct sk_evt_hdr *rec);

/* sk_capture_close - write the END block with the counts, flush, fsync and
 * close. Returns 0 or -errno (the file is closed either way; a failure is
 * logged with SK_ERROR naming the file). NULL ok. */
int sk_capture_close(struct sk_capture *c, uint64_t drops);

/* sk_capture_count - events written so far. */
uint64_t sk_capture_count(const struct sk_capture *c);

/* sk_capture_error - the message of the first failure (see
 * sk_capture_write), or "" when there was none. Valid until
 * sk_capture_close(). */
const char *sk_capture_error(const struct sk_capture *c);

#endif /* SK_CORE_CAPTURE_H */
