/* include/shrike/plugin.h - the Shrike plugin ABI.
 *
 * A plugin is a shared object that exports exactly one symbol,
 * `shrike_plugin_entry`, a const struct sk_plugin. Define it with
 * SK_PLUGIN_DEFINE(...) so the ABI version and struct size are filled in.
 * The host (the `shrike` daemon) dlopen()s the file, checks the ABI version
 * and size, validates the plugin's configuration section against `params`,
 * then calls init().
 *
 * Capabilities (any combination):
 *   SK_CAP_SOURCE  produces events: open, next_batch, close
 *   SK_CAP_EXTRACT provides fields for conditions and outputs: fields, extract
 *   SK_CAP_PARSE   sees every event of its sources before extraction: parse
 *   SK_CAP_OUTPUT  delivers alerts: write (flush, reopen optional)
 *
 * Versioning. SK_PLUGIN_ABI_MAJOR changes on any incompatible change; the host
 * refuses other majors. SK_PLUGIN_ABI_MINOR grows when members are appended
 * to the END of struct sk_plugin or struct sk_host_api; the host refuses a
 * plugin built for a newer minor. The host copies min(struct_size,
 * sizeof(struct sk_plugin)) bytes into a zeroed struct, so members a plugin
 * does not know read as NULL/0.
 *
 * Ownership rules (the same everywhere in this header):
 *   - Inputs are borrowed. Events, alerts, configuration and strings the host
 *     passes are valid only during the call. A plugin copies what it keeps
 *     and never frees host memory.
 *   - Plugin results stay plugin-owned. Pointers a plugin returns (values from
 *     extract(), record arrays from next_batch()) stay valid until the next
 *     call of the same function on the same instance, or until close() or
 *     destroy(). The host copies what it keeps.
 *   - The configuration struct is host-owned. When `params` is set the host
 *     allocates `config_size` zeroed bytes, fills them from the plugin's
 *     configuration section, and keeps them alive until after destroy().
 *     Strings and lists in it are host-owned too.
 *   - The instance is plugin-owned. init() allocates *ret_inst; destroy()
 *     frees everything reachable from it. destroy(NULL) must be a no-op. If
 *     init() fails after setting *ret_inst, the host still calls destroy().
 *   - Errors go into the caller's buffer: a failing call writes one line
 *     (no trailing newline) into err/errlen when it has those parameters,
 *     otherwise it logs through the host API. No plugin calls exit(), and no
 *     plugin writes to stdout or stderr.
 *
 * Threading: configuration is immutable after init(). Unless the plugin sets
 * SK_CAP_MT_SAFE the host never calls into one instance from two threads at
 * once. Sources, extractors and parsers run on the event-loop thread; each
 * output instance runs on its own worker thread, so write() may block.
 */
#ifndef SK_SHRIKE_PLUGIN_H
#define SK_SHRIKE_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/alert.h>
#include <shrike/event.h>
#include <shrike/value.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SK_PLUGIN_ABI_MAJOR 1u
#define SK_PLUGIN_ABI_MINOR 0u
#define SHRIKE_PLUGIN_ENTRY "shrike_plugin_entry"

/* Return codes of plugin callbacks. */
enum sk_rc {
	SK_OK = 0,
	SK_RETRY = 1, /* nothing now / transient failure: try again later */
	SK_EOF = 2,   /* source: no more events, ever */
	SK_NA = 3,    /* extract: the field has no value for this event */
	SK_ERR = -1,  /* failure */
};

/* Capabilities */
#define SK_CAP_SOURCE (1u << 0)
#define SK_CAP_EXTRACT (1u << 1)
#define SK_CAP_PARSE (1u << 2)
#define SK_CAP_OUTPUT (1u << 3)
#define SK_CAP_MT_SAFE (1u << 16) /* callbacks may run concurrently on one instance */

/* Log levels: syslog's numbering. */
enum sk_log_level {
	SK_LOG_ERROR = 3,
	SK_LOG_WARNING = 4,
	SK_LOG_NOTICE = 5,
	SK_LOG_INFO = 6,
	SK_LOG_DEBUG = 7,
};

/* ---- configuration schema --------------------------------------------- */

/* Types of configuration parameters, and what the host stores at `offset`
 * in the plugin's configuration struct. */
enum sk_param_type {
	SK_PARAM_STR = 1,      /* char * (host-owned), NULL when unset without default */
	SK_PARAM_BOOL = 2,     /* bool */
	SK_PARAM_INT = 3,      /* int64_t */
	SK_PARAM_UINT = 4,     /* uint64_t */
	SK_PARAM_DURATION = 5, /* uint64_t milliseconds; accepts 250ms, 5s, 2m, 1h or a number of ms */
	SK_PARAM_SIZE = 6,     /* uint64_t bytes; accepts 4096, 64k, 8M, 1G (powers of 1024) */
	SK_PARAM_ENUM = 7,     /* int: index into enum_values */
	SK_PARAM_STRLIST = 8,  /* struct sk_strlist */
	SK_PARAM_STRMAP = 9,   /* struct sk_strmap: a map of scalar values, kept as text */
};

#define SK_PARAM_REQUIRED (1u << 0) /* the key must be present */
#define SK_PARAM_SECRET (1u << 1)   /* never printed (passwords, tokens) */

/* A list of strings in a configuration struct. Host-owned. */
struct sk_strlist {
	char **items;
	size_t n;
};

/* A map of strings in a configuration struct, in file order. Host-owned. */
struct sk_strmap {
	char **keys;
	char **values;
	size_t n;
};

/* One configuration key. Tables end with an entry whose name is NULL. */
struct sk_param {
	const char *name;		/* key in the plugin's section: [a-z0-9_]+ */
	uint32_t type;			/* enum sk_param_type */
	uint32_t flags;			/* SK_PARAM_* */
	const char *def;		/* default as YAML text, NULL: none */
	size_t offset;			/* offsetof(config struct, member) */
	const char *const *enum_values; /* SK_PARAM_ENUM: NULL-terminated names */
	int64_t min, max;		/* numeric bounds; both 0: unbounded */
	const char *desc;		/* one line for --help-plugin and docs */
};

/* ---- host services ----------------------------------------------------- */

struct sk_host; /* opaque: the host's handle for one plugin instance */

/* Services the host offers. Versioned like struct sk_plugin: members are
 * appended only; check struct_size before using a member added after 1.0. */
struct sk_host_api {
	uint32_t struct_size;
	uint32_t abi_minor;
	/* Log a line for this instance, prefixed by the host with its name.
	 * level: enum sk_log_level. Thread-safe. */
	void (*log)(struct sk_host *host, int level, const char *fmt, ...)
#if defined(__GNUC__)
		__attribute__((format(printf, 3, 4)))
#endif
		;
	/* The host's hostname (borrowed, valid for the instance's lifetime). */
	const char *(*hostname)(struct sk_host *host);
	/* Parsers: save a piece of state in the capture file being written
	 * (`shrike --capture`), so that replaying the file rebuilds the state
	 * this live run had. `data` (len bytes, the plugin's own format,
	 * borrowed) becomes an SK_EVT_STATE record that a replay hands back to
	 * this plugin's parse(). Called from snapshot(), or from parse() and
	 * extract() when the plugin learns state from outside the events (a
	 * /proc lookup, a file it read): the record lands in the file before
	 * the event being processed. Returns SK_OK; SK_NA when no capture is
	 * being written (nothing to do: a plugin may call it with len 0 to ask
	 * before building its data); SK_ERR when the record cannot be written.
	 * Event-loop thread only. */
	int (*save_state)(struct sk_host *host, const void *data, size_t len);
};

/* What init() receives. Borrowed: valid during init() only, except `config`
 * (see the ownership rules) and `api`/`host` (valid until destroy()). */
struct sk_init_input {
	uint32_t struct_size;
	uint32_t reserved;
	const struct sk_host_api *api;
	struct sk_host *host;
	const void *config;	   /* filled struct when params is set, else NULL */
	const char *config_json;   /* the plugin's whole section as JSON text ("{}" when empty) */
	const char *instance_name; /* e.g. "file" or the name from plugins: */
};

/* Counters a source reports (SK_CAP_SOURCE, optional stats()). */
struct sk_source_stats {
	uint64_t events; /* events delivered to the host */
	uint64_t drops;	 /* events lost before reaching the host */
	uint64_t reserved[6];
};

/* ---- the plugin table -------------------------------------------------- */

/* One metric a plugin reports: name [a-z0-9_]+ (static), current value. */
struct sk_metric {
	const char *name;
	uint64_t value;
};

/* An event type name: `evt.type = NAME` matches records of type `type`. */
struct sk_evt_name {
	const char *name;
	uint32_t type;
};

/* The event handed to extract() and parse(). Borrowed. */
struct sk_event {
	const struct sk_evt_hdr *rec; /* the record; passed sk_evt_check() */
	uint64_t num;		      /* sequence number, from 1, per host run */
	const char *source;	      /* source name */
};

struct sk_plugin {
	/* Header, fixed forever. */
	uint32_t abi_major;   /* SK_PLUGIN_ABI_MAJOR at build time */
	uint32_t abi_minor;   /* SK_PLUGIN_ABI_MINOR at build time */
	uint32_t struct_size; /* sizeof(struct sk_plugin) at build time */
	uint32_t caps;	      /* SK_CAP_* */
	const char *name;     /* [a-z0-9_]+, unique among loaded plugins; static */
	const char *version;  /* the plugin's own version, semver; static */
	const char *description;
	const char *contact; /* URL or maintainer, may be NULL */

	/* Configuration schema, optional. */
	const struct sk_param *params; /* NULL-name-terminated; NULL: no schema */
	size_t config_size;	       /* size of the struct params fill */

	/* Lifecycle: required. */
	int (*init)(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen);
	void (*destroy)(void *inst);

	/* SK_CAP_SOURCE */
	/* Source name of the events produced ("syscall", "k8s_audit"), or NULL
	 * when the records name it (SK_EVT_PLUGIN) or are syscall records. */
	const char *event_source;
	/* Start producing events. params: the open parameters (e.g. a file name
	 * or URL), borrowed, may be "". *ret_fd: a descriptor the host polls
	 * for readability before calling next_batch(), or -1 when events are
	 * always ready (the host then calls next_batch() in a loop). */
	int (*open)(void *inst, const char *params, int *ret_fd, char *err, size_t errlen);
	/* Hand over events. Returns SK_OK with *ret_n >= 0 records, SK_RETRY
	 * when none are ready (wait for the fd), SK_EOF when the source is
	 * finished, SK_ERR on a fatal error (the reason in err). Records are
	 * plugin-owned until the next call; each must pass sk_evt_check()
	 * and start at an 8-byte aligned address. */
	int (*next_batch)(void *inst, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			  char *err, size_t errlen);
	void (*close)(void *inst);
	/* Optional counters. */
	int (*stats)(void *inst, struct sk_source_stats *ret_stats);

	/* SK_CAP_EXTRACT and SK_CAP_PARSE */
	/* Sources this plugin's fields or parser apply to: NULL-terminated list
	 * of names, or NULL for every source. */
	const char *const *sources;
	const struct sk_field *fields; /* NULL-name-terminated */
	/* Extract one field. Returns SK_OK with *ret_val filled, SK_NA when the
	 * event has no such value, SK_ERR on failure. */
	int (*extract)(void *inst, const struct sk_event *ev, const struct sk_field_req *req,
		       struct sk_value *ret_val);
	/* See every event of `sources` before any extraction (state keeping). */
	int (*parse)(void *inst, const struct sk_event *ev);

	/* SK_CAP_OUTPUT */
	/* Deliver one alert. SK_OK: delivered. SK_RETRY: transient failure;
	 * the host backs off and calls again with the same alert. SK_ERR: this
	 * alert failed for good; the host counts it. */
	int (*write)(void *inst, const struct sk_alert *alert);
	/* Optional: push buffered data out (called when the queue is empty,
	 * after every alert with unbuffered outputs, and at shutdown). */
	int (*flush)(void *inst);
	/* Optional: reopen files (SIGUSR1, for logrotate). */
	int (*reopen)(void *inst);

	/* SK_CAP_EXTRACT, optional: names of the event types of `sources`, for
	 * conditions such as `evt.type = openat` and for indexing rules by
	 * event type. Ends with {NULL, 0}; one name may map to several types.
	 * Static. Set by the plugin that defines a source's event types (the
	 * syscall extractor). */
	const struct sk_evt_name *event_names;

	/* SK_CAP_SOURCE, optional: the event types the loaded rules can use,
	 * so a source can filter at the origin (the eBPF probe then records
	 * only those syscalls plus the ones state tracking needs). Called on
	 * the event-loop thread after open() and after every rules reload.
	 * `types` is borrowed: n event types, or NULL (n = 0) when some rule
	 * is not restricted by event type (the source then records what its
	 * configuration says). A source keeps delivering what parsers need.
	 * Returns SK_OK or SK_ERR. */
	int (*set_event_types)(void *inst, const uint16_t *types, size_t n);

	/* SK_CAP_OUTPUT, optional: how many alerts failed after write() had
	 * accepted them (a Kafka message whose delivery finally failed, say),
	 * as a running total. The host adds it to the output's `failed`
	 * counter in metrics and at shutdown. Called from the event-loop
	 * thread while the output's own thread runs: read the counter
	 * atomically. A plugin that sets it gets flush() about once a second
	 * while idle, on its own thread, to collect such results. */
	uint64_t (*late_failures)(void *inst);

	/* Optional, any capability: the plugin's own counters and gauges
	 * (table sizes, evictions ...) for the daemon's metrics snapshot,
	 * where they appear as shrike.plugins.<plugin>.<name>. Called on the
	 * event-loop thread (an output plugin reads its counters atomically).
	 * *ret_metrics is plugin-owned, valid until the next call. */
	int (*metrics)(void *inst, const struct sk_metric **ret_metrics, size_t *ret_n);

	/* SK_CAP_PARSE, optional: save the whole state now, one piece per
	 * api->save_state() call. The host calls it once when a capture file
	 * starts, before the first event goes in, so the file opens with the
	 * processes (say) that existed when recording began. A plugin that
	 * receives SK_EVT_STATE records in parse() takes its state from them
	 * (a replay) instead of from the machine it runs on. Event-loop
	 * thread. Returns SK_OK or SK_ERR. */
	int (*snapshot)(void *inst);

	/* SK_CAP_EXTRACT, optional: the constants a rule condition compares
	 * one of the plugin's fields with, as written in the rule
	 * (`fd.sip.name in (a.com, b.org)` gives "a.com" and "b.org"; `=` and
	 * `!=` give one). Called once per comparison while a rule set is
	 * compiled (at start, by -V, on reload), before any event is
	 * evaluated with it, on the event-loop thread. It lets an extractor
	 * prepare values it can only produce for known constants (the
	 * syscall plugin resolves the domain names of fd.*ip.name in the
	 * background). A compiled set may still be thrown away (a reload
	 * that fails). `req` and `values` are borrowed. */
	void (*field_constants)(void *inst, const struct sk_field_req *req,
				const char *const *values, size_t n);

	/* ABI 1.1+: append here only; never reorder or remove within a major. */
};

/* Size of the ABI 1.0 part of struct sk_plugin: the loader refuses anything
 * smaller. */
#define SK_PLUGIN_V1_0_SIZE (offsetof(struct sk_plugin, field_constants) + sizeof(void *))

#if defined(__GNUC__)
#define SK_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define SK_PLUGIN_EXPORT
#endif

#ifdef __cplusplus
#define SK_PLUGIN_EXTERN extern "C"
#else
#define SK_PLUGIN_EXTERN extern
#endif

/* Define the plugin's entry point:
 *
 *   SK_PLUGIN_DEFINE(.caps = SK_CAP_OUTPUT, .name = "file", ...);
 *
 * C++ needs C++20 (designated initializers), and lists the members in their
 * order in struct sk_plugin, as C++20 requires. A C++17 plugin defines the
 * table itself: see docs/plugin-authoring.md.
 */
#ifdef __cplusplus
/* C++ takes the visibility from the first declaration only, and -Wextra
 * would flag every member a designated initializer leaves out; the final
 * redeclaration takes the caller's semicolon after the pragma. */
#define SK_PLUGIN_DEFINE(...)                                                                      \
	_Pragma("GCC diagnostic push")                                                             \
	_Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"")                        \
	SK_PLUGIN_EXTERN SK_PLUGIN_EXPORT const struct sk_plugin shrike_plugin_entry = {           \
		.abi_major = SK_PLUGIN_ABI_MAJOR,                                                  \
		.abi_minor = SK_PLUGIN_ABI_MINOR,                                                  \
		.struct_size = sizeof(struct sk_plugin),                                           \
		__VA_ARGS__};                                                                      \
	_Pragma("GCC diagnostic pop")                                                              \
	SK_PLUGIN_EXTERN const struct sk_plugin shrike_plugin_entry
#else
#define SK_PLUGIN_DEFINE(...)                                                                      \
	SK_PLUGIN_EXTERN SK_PLUGIN_EXPORT const struct sk_plugin shrike_plugin_entry;              \
	SK_PLUGIN_EXPORT const struct sk_plugin shrike_plugin_entry = {                            \
		.abi_major = SK_PLUGIN_ABI_MAJOR,                                                  \
		.abi_minor = SK_PLUGIN_ABI_MINOR,                                                  \
		.struct_size = sizeof(struct sk_plugin),                                           \
		__VA_ARGS__}
#endif

#ifdef __cplusplus
}
#endif

#endif /* SK_SHRIKE_PLUGIN_H */
