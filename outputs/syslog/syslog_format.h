/* outputs/syslog/syslog_format.h - pure syslog message formatting for the
 * syslog output: the header of an RFC 5424 or RFC 3164 message (or the
 * local form syslog(3) writes to /dev/log), and RFC 6587 octet-counting
 * framing. No I/O: the transport sends header + message as they are.
 */
#ifndef SK_OUTPUTS_SYSLOG_FORMAT_H
#define SK_OUTPUTS_SYSLOG_FORMAT_H

#include <stddef.h>
#include <stdint.h>

enum syslog_fmt {
	SYSLOG_FMT_LOCAL = 0, /* "<PRI>Mmm dd hh:mm:ss ident[pid]: " (syslog(3)'s) */
	SYSLOG_FMT_3164 = 1,  /* "<PRI>Mmm dd hh:mm:ss host ident[pid]: " */
	SYSLOG_FMT_5424 = 2,  /* "<PRI>1 2026-11-22T10:00:00.123456Z host ident pid - - " */
};

/* Enough for every header: PRI, time, 255 bytes of host name, 48 of
 * app-name, the pid and separators. */
#define SYSLOG_HDR_MAX 512

/* What goes into the header besides the time and severity. */
struct syslog_hdr {
	enum syslog_fmt fmt;
	int facility;	      /* 0..23 (user = 1, daemon = 3, local0 = 16) */
	const char *hostname; /* FMT_3164 and FMT_5424; NULL or "" -> "-" */
	const char *ident;    /* app-name / tag; NULL or "" -> "-" */
	long pid;
};

/* syslog_fmt_header - write the header of a message of `severity` (0..7;
 * larger values count as 7) for an event at time_ns (ns since the epoch)
 * into buf (at least SYSLOG_HDR_MAX bytes), NUL-terminated. The message
 * itself follows the header unchanged. Host name and ident are cleaned to
 * what the RFCs allow: printable ASCII without spaces (others become '_'),
 * hostname at most 255 bytes, ident at most 48 (5424) or 32 (3164 and
 * local, which also turn ':' and '[' into '_'). FMT_LOCAL and FMT_3164 use
 * local time (TZ), FMT_5424 UTC with microseconds. Returns the length. */
size_t syslog_fmt_header(char *buf, const struct syslog_hdr *h, int severity, uint64_t time_ns);

/* syslog_fmt_octet_prefix - the RFC 6587 octet-counting prefix "LEN " for a
 * message of len bytes (header + message) into buf (at least 24 bytes).
 * Returns its length. */
size_t syslog_fmt_octet_prefix(char *buf, size_t len);

/* syslog_fmt_facility_code - the facility code of a name ("user" -> 1,
 * "local7" -> 23), or -1. Names: kern user mail daemon auth syslog lpr news
 * uucp cron authpriv ftp local0..local7. */
int syslog_fmt_facility_code(const char *name);

#endif /* SK_OUTPUTS_SYSLOG_FORMAT_H */
