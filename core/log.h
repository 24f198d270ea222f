/* core/log.h - the daemon's own log: levels, stderr and syslog sinks.
 *
 * Shrike logs to stderr (and to syslog when log_syslog is on), never to
 * stdout: stdout belongs to the stdout alert output. Thread-safe.
 */
#ifndef SK_CORE_LOG_H
#define SK_CORE_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include <shrike/plugin.h> /* enum sk_log_level */

/* sk_log_setup - choose where logs go and the most verbose level written.
 * level: SK_LOG_ERROR..SK_LOG_DEBUG. Safe to call again (reload). */
void sk_log_setup(int level, bool to_stderr, bool to_syslog);

/* sk_log_level_parse - "error", "warning", "notice", "info", "debug" (also
 * syslog names "err", "warn", "informational") to a level; -1 if unknown. */
int sk_log_level_parse(const char *name);

/* sk_log - write one line "shrike: <level>: <message>" (no newline needed). */
void sk_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sk_logv(int level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* sk_log_enabled - whether a message at `level` would be written. */
bool sk_log_enabled(int level);

#define SK_ERROR(...) sk_log(SK_LOG_ERROR, __VA_ARGS__)
#define SK_WARN(...) sk_log(SK_LOG_WARNING, __VA_ARGS__)
#define SK_NOTICE(...) sk_log(SK_LOG_NOTICE, __VA_ARGS__)
#define SK_INFO(...) sk_log(SK_LOG_INFO, __VA_ARGS__)
#ifdef SK_ENABLE_DEBUG
#define SK_DEBUG(...) sk_log(SK_LOG_DEBUG, __VA_ARGS__)
#else
#define SK_DEBUG(...) ((void)0)
#endif

#endif /* SK_CORE_LOG_H */
