/* include/shrike/alert.h - the alert that output plugins receive.
 *
 * The core builds one struct sk_alert per alert, formats it once (JSON and
 * text) and hands the same immutable alert to every output's worker thread.
 */
#ifndef SK_SHRIKE_ALERT_H
#define SK_SHRIKE_ALERT_H

#include <stdint.h>

#include <shrike/value.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Priorities, most severe first, with syslog's numbering (emerg = 0). */
enum sk_priority {
	SK_PRI_EMERGENCY = 0,
	SK_PRI_ALERT = 1,
	SK_PRI_CRITICAL = 2,
	SK_PRI_ERROR = 3,
	SK_PRI_WARNING = 4,
	SK_PRI_NOTICE = 5,
	SK_PRI_INFORMATIONAL = 6,
	SK_PRI_DEBUG = 7,
};

/* One named value of output_fields. A value of type SK_TYPE_NONE is NA and
 * appears as null in JSON and <NA> in text. */
struct sk_alert_field {
	const char *name; /* as written in the rule output, e.g. "proc.aname[2]" */
	struct sk_value value;
};

/* An alert. Everything is borrowed from the core and valid only during the
 * output's write() call; an output that keeps something must copy it. */
struct sk_alert {
	uint32_t struct_size; /* sizeof(struct sk_alert) of the host */
	uint32_t priority;    /* enum sk_priority */
	uint64_t time_ns;     /* event time, ns since the Unix epoch, UTC */
	const char *rule;     /* rule name */
	const char *source;   /* event source: "syscall", "k8s_audit", "internal" */
	const char *hostname;
	const char *message;  /* the rule's formatted output, without time and priority */
	const char *uuid;     /* unique id of this alert, RFC 4122 v4 text */
	const char *const *tags;
	uint32_t ntags;
	uint32_t nfields;
	const struct sk_alert_field *fields; /* sorted by name */
	/* Ready-made renderings, NUL-terminated, no trailing newline. */
	const char *json; /* Falco-shaped JSON object, honouring json_include_* */
	uint32_t json_len;
	uint32_t text_len;
	const char *text; /* "HH:MM:SS.nnnnnnnnn: Priority message" */
	const char *line; /* json or text, as the json_output setting chose */
	uint32_t line_len;
	uint32_t reserved;
	/* ABI 1.1+: append here only. */
};

#ifdef __cplusplus
}
#endif

#endif /* SK_SHRIKE_ALERT_H */
