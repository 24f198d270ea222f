/* core/lib/timefmt.h - render event timestamps (ns since the Unix epoch) the
 * way alerts show them: RFC 3339 UTC with nanoseconds for JSON, and Falco's
 * "HH:MM:SS.nnnnnnnnn" / ISO 8601 prefixes for text lines. Pure, thread-safe.
 */
#ifndef SK_CORE_LIB_TIMEFMT_H
#define SK_CORE_LIB_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Buffer sizes, terminator included. */
#define SK_TIMEFMT_RFC3339_LEN 32 /* "2026-11-22T10:00:00.123456789Z" (30) + NUL, room to spare */
#define SK_TIMEFMT_CLOCK_LEN   20 /* "10:00:00.123456789" (18) + NUL */
#define SK_TIMEFMT_ISO8601_LEN 36 /* "2026-11-22T10:00:00.123456789+0000" (34) + NUL */

/* sk_timefmt_rfc3339 - "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" in UTC (always nine
 * fractional digits). Returns the length written (without NUL), or -ENOSPC
 * when buf is too small (buf then holds ""), -EOVERFLOW if the time cannot
 * be broken down. */
int sk_timefmt_rfc3339(uint64_t ns, char *buf, size_t len);

/* sk_timefmt_clock - "HH:MM:SS.nnnnnnnnn" in local time (local != 0, what
 * Falco's %evt.time prints) or UTC (local == 0). Local time honours TZ as of
 * the last tzset(). Returns the length or -ENOSPC/-EOVERFLOW. */
int sk_timefmt_clock(uint64_t ns, int local, char *buf, size_t len);

/* sk_timefmt_iso8601 - "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000": what Falco's
 * %evt.time.iso8601 prints (UTC, numeric zone). Returns the length or
 * -ENOSPC/-EOVERFLOW. */
int sk_timefmt_iso8601(uint64_t ns, char *buf, size_t len);

#endif /* SK_CORE_LIB_TIMEFMT_H */
