/* core/outputs.h - the alert path: build an alert once (JSON and text), then
 * fan it out to every enabled output, each behind its own bounded queue
 * drained by its own thread, so a slow output never blocks the event loop.
 */
#ifndef SK_CORE_OUTPUTS_H
#define SK_CORE_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/alert.h>
#include <shrike/plugin.h>

#include "cfg.h"

/* How alerts are rendered (falco.yaml keys of the same names). */
struct sk_format_opts {
	bool json_output;
	bool json_include_output_property;	  /* "output" key */
	bool json_include_output_fields_property; /* "output_fields" key */
	bool json_include_message_property;	  /* "message" key (output without time/priority) */
	bool json_include_tags_property;	  /* "tags" key */
	bool json_include_uuid_property;	  /* "uuid" key (Shrike; falcosidekick adds one) */
	bool time_format_iso_8601;		  /* text lines start with an ISO 8601 time */
	const char *hostname;			  /* borrowed */
};

/* What a producer (rule engine, internal events, tests) hands in. Borrowed
 * for the duration of sk_outputs_emit(); the core copies what it keeps. */
struct sk_alert_in {
	uint64_t time_ns;
	int priority; /* enum sk_priority */
	const char *rule;
	const char *source;
	const char *message; /* formatted rule output */
	const char *const *tags;
	size_t ntags;
	const struct sk_alert_field *fields; /* any order; the core sorts */
	size_t nfields;
};

/* One configured output before it is started. */
struct sk_output_conf {
	const char *plugin;	       /* plugin name, e.g. "file" */
	const char *key;	       /* config key, e.g. "file_output" */
	const struct sk_cfg_node *section; /* borrowed from the config tree, may be NULL */
};

struct sk_outputs;

/* The keys the core itself handles in every output section, whatever the
 * plugin: "enabled", "rate", "max_burst", "queue_capacity" (NULL-terminated).
 * Pass them as the skip list of sk_loader_configure() / sk_schema_fill(). */
extern const char *const sk_outputs_core_keys[];

/* The core's per-output settings (keys of every output section). */
struct sk_output_opts {
	double rate;		 /* alerts per second (token bucket refill); 0: no limit */
	uint64_t max_burst;	 /* bucket size in alerts; 0: the default (1000) */
	uint64_t queue_capacity; /* 0: outputs_queue.capacity */
	uint64_t retry_budget_ms; /* give an alert up after failing this long; 0: never */
	bool retry_budget_set;	  /* retry_budget given (else the default) */
};

/* sk_outputs_parse_opts - check and read the core's keys of c->section
 * (NULL: all defaults). rate: a number >= 0, decimals allowed; max_burst:
 * an integer >= 1, only together with a non-zero rate; queue_capacity: an
 * integer 1..16777216. A key written with no value counts as absent.
 * Returns 0 or -EINVAL with "FILE:LINE:COL: file_output.rate: ..." in err.
 * Does not look at the plugin's own keys. */
int sk_outputs_parse_opts(const struct sk_output_conf *c, struct sk_output_opts *ret, char *err,
			  size_t errlen);

/* The default retry_budget of an output: past it, /healthz reports it. */
#define SK_OUTPUT_RETRY_BUDGET_MS 30000

/* Counters of one output. */
/* The most metrics of one output plugin a snapshot carries. */
#define SK_OUTPUT_MAX_METRICS 32

struct sk_output_stats {
	const char *name;
	uint64_t sent;	      /* write() returned SK_OK */
	uint64_t failed;      /* write() returned SK_ERR, or retries ran out */
	uint64_t dropped;     /* queue full (or left at shutdown): never handed to the output */
	uint64_t ratelimited; /* over the output's rate / max_burst: never queued */
	uint64_t queue_depth; /* now */
	uint64_t queue_capacity;
	uint64_t failing_ms;  /* how long deliveries have been failing; 0: the last worked */
	bool down;	      /* failing for longer than its retry budget */
};

/* sk_outputs_create - load and initialise each configured output plugin
 * from plugins_dir (through the loader), with a queue of `queue_capacity`
 * alerts each (0 means the default, 65536) unless the section sets its own
 * `queue_capacity`; `rate`/`max_burst` set a rate limit per output (see
 * sk_outputs_parse_opts). Nothing is started yet.
 * unbuffered: flush after every alert (-U, buffered_outputs: false).
 * Errors name the config key and position. */
int sk_outputs_create(const char *plugins_dir, const struct sk_output_conf *confs, size_t n,
		      const struct sk_format_opts *fmt, size_t queue_capacity, bool unbuffered,
		      struct sk_outputs **ret, char *err, size_t errlen);

/* sk_outputs_start - start one worker thread per output. */
int sk_outputs_start(struct sk_outputs *o, char *err, size_t errlen);

/* sk_outputs_emit - build the alert (uuid, JSON, text) and queue it on every
 * output. Never blocks: a full queue drops the alert for that output and
 * counts it (logged, rate-limited). Returns 0, or -ENOMEM. Event-loop thread
 * only (one producer). */
int sk_outputs_emit(struct sk_outputs *o, const struct sk_alert_in *in);

/* sk_outputs_reopen - ask every output to reopen its files (SIGUSR1); the
 * workers do it between alerts. */
void sk_outputs_reopen(struct sk_outputs *o);

/* sk_outputs_stats - fill up to `max` entries; returns the number of outputs. */
size_t sk_outputs_stats(struct sk_outputs *o, struct sk_output_stats *ret, size_t max);

/* sk_outputs_plugin_metrics - the metrics output i's plugin reported, as its
 * worker last collected them (at most max), and the plugin's name in
 * *ret_plugin. Returns how many; 0 for an output without a plugin or
 * metrics. Event-loop thread. */
size_t sk_outputs_plugin_metrics(struct sk_outputs *o, size_t i, const char **ret_plugin,
				 struct sk_metric *ret, size_t max);

/* sk_outputs_stop - stop accepting alerts, let every worker deliver what is
 * queued (waiting at most timeout_ms for each; 0 = wait forever), flush,
 * join the threads, log the counters. */
void sk_outputs_stop(struct sk_outputs *o, unsigned timeout_ms);

/* sk_outputs_destroy - stop if needed, then unload the plugins. NULL ok. */
void sk_outputs_destroy(struct sk_outputs *o);

/* Pure formatting, exported for tests and for the rule engine's previews. */

/* sk_alert_priority_name - "Emergency", "Alert", "Critical", "Error",
 * "Warning", "Notice", "Informational", "Debug". */
const char *sk_alert_priority_name(int priority);

/* sk_alert_priority_parse - case-insensitive long or short names
 * ("informational", "info", "WARNING", ...) to a priority; -1 if unknown. */
int sk_alert_priority_parse(const char *name);

/* sk_alert_format - render `a` (whose json/text/line members are ignored) as
 * Falco's JSON object and text line. Both malloc'd, NUL-terminated, caller
 * frees. Returns 0 or -ENOMEM. */
int sk_alert_format(const struct sk_alert *a, const struct sk_format_opts *fmt, char **ret_json,
		    char **ret_text);

#endif /* SK_CORE_OUTPUTS_H */
