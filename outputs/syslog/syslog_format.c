/* outputs/syslog/syslog_format.c - pure syslog header formatting (RFC 5424,
 * RFC 3164, syslog(3)'s local form) and RFC 6587 octet counting; see
 * syslog_format.h. No I/O, unit-tested in syslog_format_test.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "syslog_format.h"

#define HOST_MAX     255
#define APP_MAX_5424 48
#define TAG_MAX_3164 32

static const struct {
	const char *name;
	int code;
} facilities[] = {
    {"kern", 0},      {"user", 1},    {"mail", 2},    {"daemon", 3},  {"auth", 4},
    {"syslog", 5},    {"lpr", 6},     {"news", 7},    {"uucp", 8},    {"cron", 9},
    {"authpriv", 10}, {"ftp", 11},    {"local0", 16}, {"local1", 17}, {"local2", 18},
    {"local3", 19},   {"local4", 20}, {"local5", 21}, {"local6", 22}, {"local7", 23},
};

int syslog_fmt_facility_code(const char *name)
{
	for (size_t i = 0; name && i < sizeof(facilities) / sizeof(facilities[0]); i++) {
		if (strcmp(facilities[i].name, name) == 0) {
			return facilities[i].code;
		}
	}
	return -1;
}

/* Append s cleaned (printable ASCII, no space; tag: no ':' '[' ']' either),
 * at most max bytes, "-" when empty. Returns the new offset. */
static size_t put_token(char *buf, size_t off, const char *s, size_t max, bool tag)
{
	size_t n = 0;
	for (; s && s[n] && n < max; n++) {
		unsigned char c = (unsigned char)s[n];
		bool ok = c > 32 && c < 127 && !(tag && (c == ':' || c == '[' || c == ']'));
		buf[off + n] = ok ? (char)c : '_';
	}
	if (n == 0) {
		buf[off + n++] = '-';
	}
	return off + n;
}

static size_t put_str(char *buf, size_t off, const char *s)
{
	size_t n = strlen(s);
	memcpy(buf + off, s, n);
	return off + n;
}

size_t syslog_fmt_header(char *buf, const struct syslog_hdr *h, int severity, uint64_t time_ns)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int sev = severity < 0 ? 0 : severity > 7 ? 7 : severity;
	int fac = h->facility < 0 || h->facility > 23 ? 1 : h->facility;
	time_t secs = (time_t)(time_ns / 1000000000ull);
	unsigned usec = (unsigned)(time_ns % 1000000000ull / 1000u);
	struct tm tm;
	char tmp[64];
	size_t off = 0;

	/* tmp holds at most 42 bytes below; snprintf bounds are for the compiler. */
	snprintf(tmp, sizeof(tmp), "<%d>", fac * 8 + sev);
	off = put_str(buf, off, tmp);
	if (h->fmt == SYSLOG_FMT_5424) {
		gmtime_r(&secs, &tm);
		snprintf(tmp, sizeof(tmp), "1 %04d-%02d-%02dT%02d:%02d:%02d.%06uZ ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, usec);
		off = put_str(buf, off, tmp);
		off = put_token(buf, off, h->hostname, HOST_MAX, false);
		buf[off++] = ' ';
		off = put_token(buf, off, h->ident, APP_MAX_5424, false);
		snprintf(tmp, sizeof(tmp), " %ld - - ", h->pid);
		off = put_str(buf, off, tmp);
	} else {
		localtime_r(&secs, &tm);
		snprintf(tmp, sizeof(tmp), "%s %2d %02d:%02d:%02d ", months[tm.tm_mon % 12],
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		off = put_str(buf, off, tmp);
		if (h->fmt == SYSLOG_FMT_3164) {
			off = put_token(buf, off, h->hostname, HOST_MAX, false);
			buf[off++] = ' ';
		}
		off = put_token(buf, off, h->ident, TAG_MAX_3164, true);
		snprintf(tmp, sizeof(tmp), "[%ld]: ", h->pid);
		off = put_str(buf, off, tmp);
	}
	buf[off] = '\0';
	return off;
}

size_t syslog_fmt_octet_prefix(char *buf, size_t len)
{
	int n = snprintf(buf, 24, "%zu ", len);
	return n < 0 ? 0 : (size_t)n;
}
