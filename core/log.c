/* core/log.c - the daemon's own log (see log.h). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "log.h"

static int log_level = SK_LOG_INFO;
static bool log_stderr = true;
static bool log_syslog;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void sk_log_setup(int level, bool to_stderr, bool to_syslog)
{
	pthread_mutex_lock(&log_lock);
	log_level = level;
	log_stderr = to_stderr;
	if (to_syslog && !log_syslog) {
		openlog("shrike", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	} else if (!to_syslog && log_syslog) {
		closelog();
	}
	log_syslog = to_syslog;
	pthread_mutex_unlock(&log_lock);
}

int sk_log_level_parse(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} names[] = {
		{"emergency", SK_LOG_ERROR}, {"alert", SK_LOG_ERROR},
		{"critical", SK_LOG_ERROR},  {"error", SK_LOG_ERROR},
		{"err", SK_LOG_ERROR},	     {"warning", SK_LOG_WARNING},
		{"warn", SK_LOG_WARNING},    {"notice", SK_LOG_NOTICE},
		{"info", SK_LOG_INFO},	     {"informational", SK_LOG_INFO},
		{"debug", SK_LOG_DEBUG},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			return names[i].level;
		}
	}
	return -1;
}

bool sk_log_enabled(int level)
{
	return level <= log_level;
}

static const char *level_name(int level)
{
	switch (level) {
	case SK_LOG_ERROR:
		return "error";
	case SK_LOG_WARNING:
		return "warning";
	case SK_LOG_NOTICE:
		return "notice";
	case SK_LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void sk_logv(int level, const char *fmt, va_list ap)
{
	if (level > log_level) {
		return;
	}
	char msg[2048];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n') {
		msg[--n] = '\0';
	}
	pthread_mutex_lock(&log_lock);
	if (log_stderr) {
		fprintf(stderr, "shrike: %s: %s\n", level_name(level), msg);
	}
	if (log_syslog) {
		syslog(level, "%s", msg);
	}
	pthread_mutex_unlock(&log_lock);
}

void sk_log(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sk_logv(level, fmt, ap);
	va_end(ap);
}
