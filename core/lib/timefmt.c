/* core/lib/timefmt.c - timestamp rendering for alerts (see timefmt.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "timefmt.h"

#define NS_PER_SEC 1000000000ull

static int finish(int n, char *buf, size_t len)
{
	if (n < 0 || (size_t)n >= len) {
		if (len > 0) {
			buf[0] = '\0';
		}
		return -ENOSPC;
	}
	return n;
}

static int breakdown(uint64_t ns, int local, struct tm *tm)
{
	time_t sec = (time_t)(ns / NS_PER_SEC);
	struct tm *r = local ? localtime_r(&sec, tm) : gmtime_r(&sec, tm);
	return r ? 0 : -EOVERFLOW;
}

int sk_timefmt_rfc3339(uint64_t ns, char *buf, size_t len)
{
	struct tm tm;
	int err = breakdown(ns, 0, &tm);
	if (err) {
		return err;
	}
	int n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned)(ns % NS_PER_SEC));
	return finish(n, buf, len);
}

int sk_timefmt_clock(uint64_t ns, int local, char *buf, size_t len)
{
	struct tm tm;
	int err = breakdown(ns, local, &tm);
	if (err) {
		return err;
	}
	int n = snprintf(buf, len, "%02d:%02d:%02d.%09u", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned)(ns % NS_PER_SEC));
	return finish(n, buf, len);
}

int sk_timefmt_iso8601(uint64_t ns, char *buf, size_t len)
{
	struct tm tm;
	int err = breakdown(ns, 0, &tm);
	if (err) {
		return err;
	}
	int n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09u+0000", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned)(ns % NS_PER_SEC));
	return finish(n, buf, len);
}
