/* include/shrike/plugin.h - the Shrike plugin ABI.
 *
 * A plugin is a shared object that exports exactly one symbol,
 * `shrike_plugin_entry`, a const struct sk_plugin. Define it with
 * SK_PLUGIN_DEFINE(...) so the ABI version and struct size are filled in.
 * The host (the `shrike` daemon) dlopen()s the file, checks the ABI version
 * and size, validates the plugin's configuration section against `params`,
 * then calls init().
 *
 * Roles (any combination; see "the plugin table" below):
 *   source   produces events: open, next_batch, close
 *   extract  provides fields for conditions and outputs: fields, extract
 *   parse    sees every event of its sources before extraction: parse
 *   output   delivers alerts: write (flush, reopen, late_failures optional)
 *
 * ABI 1.0 is frozen (docs/plugin-abi.md has the whole policy).
 * SK_PLUGIN_ABI_MAJOR changes on any incompatible change; the host refuses
 * other majors. SK_PLUGIN_ABI_MINOR grows when members are appended to the
 * END of struct sk_plugin, of a role table or of struct sk_host_api, or
 * when a new flag or a new optional role is defined; the host refuses a
 * plugin built for a newer minor. The host copies min(struct_size, its own
 * size) bytes of each table into a zeroed copy, so members a plugin does
 * not know read as NULL/0, and refuses a table smaller than its 1.0 size.
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
 *     otherwise it keeps the line for last_error(). No plugin calls exit(),
 *     and no plugin writes to stdout or stderr.
 *
 * Threading: configuration is immutable after init(). Each callback below
 * says which thread calls it; the host never calls into one instance from
 * two threads at once.
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

/* Counters a source reports (optional sk_source_ops.stats). */
struct sk_source_stats {
	uint64_t events; /* events delivered to the host */
	uint64_t drops;	 /* events lost before reaching the host */
	uint64_t reserved[6];
};

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

/* ---- the plugin table ---------------------------------------------------
 *
 * struct sk_plugin holds what every plugin has (names, configuration,
 * lifecycle) and one pointer per role. A plugin plays a role by pointing to
 * that role's table; NULL means it does not. Each role table starts with
 * its own struct_size, so a minor version can append to one table without
 * moving the others. Define the tables with SK_PLUGIN_OPS and the entry
 * point with SK_PLUGIN_DEFINE (bottom of this file).
 *
 * Each member says whether it is required (the loader refuses a table
 * without it) or optional (NULL: the host does without), and which thread
 * calls it:
 *   loop   the event-loop thread (the daemon's main thread);
 *   worker the output's own worker thread, one per output instance.
 * The host never calls into one instance from two threads at once: init()
 * and destroy() run on the loop thread while no other call is in progress;
 * an output instance, after init(), is called only from its worker until
 * the worker has stopped; every other instance only from the loop thread.
 * Only sk_host_api.log may be called from threads the plugin starts itself.
 *
 * Errors. A callback that returns SK_ERR and has no err/errlen parameters
 * (extract, parse, write, flush, reopen, snapshot, set_event_types) may
 * keep the reason for last_error(): the host asks for it right after the
 * failure, on the same thread, and logs it (rate-limited). */

/* The source role: the plugin produces events.
 *
 * One open stream per instance. open() is called once after init(); after
 * close() the host may call open() again (with the same or other params).
 * To read two streams at once (two capture files, two webhooks), configure
 * two instances of the plugin: each has its own name, configuration,
 * counters and event types. */
struct sk_source_ops {
	uint32_t struct_size; /* sizeof(struct sk_source_ops) at build time */
	uint32_t reserved;    /* 0 */
	/* Optional. The source name of the events ("k8s_audit"), or NULL when
	 * the records name it (SK_EVT_PLUGIN) or are syscall records. Static. */
	const char *event_source;
	/* Required, loop. Start producing events. params: the open parameters
	 * (a file name, a URL), borrowed, may be "". *ret_fd: a descriptor the
	 * host polls for readability before calling next_batch(), or -1 when
	 * events are always ready (the host then calls next_batch() whenever
	 * the loop is otherwise idle). SK_OK or SK_ERR with the reason in err. */
	int (*open)(void *inst, const char *params, int *ret_fd, char *err, size_t errlen);
	/* Required, loop. Hand over events: SK_OK with *ret_n >= 0 records,
	 * SK_RETRY when none are ready (wait for the fd), SK_EOF when the
	 * source is finished for good, SK_ERR on a fatal error (reason in err:
	 * the host stops this source and logs it). Records are plugin-owned
	 * until the next call; each passes sk_evt_check() and starts at an
	 * 8-byte aligned address. Must not block. */
	int (*next_batch)(void *inst, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			  char *err, size_t errlen);
	/* Required, loop. Stop the stream opened by open(). */
	void (*close)(void *inst);
	/* Optional, loop. Counters of the open stream. SK_OK or SK_ERR. */
	int (*stats)(void *inst, struct sk_source_stats *ret_stats);
	/* Optional, loop. The event types the loaded rules can use, so the
	 * source can filter at the origin (the eBPF probe then records only
	 * those syscalls plus what state tracking needs). Called after open()
	 * and after every rules reload. `types` is borrowed: n event types, or
	 * NULL (n = 0) when some rule is not restricted by event type (record
	 * what the configuration says). A source keeps delivering what parsers
	 * need. SK_OK or SK_ERR (the host logs it and goes on). */
	int (*set_event_types)(void *inst, const uint16_t *types, size_t n);
};

/* The extract role: the plugin provides fields for conditions and outputs. */
struct sk_extract_ops {
	uint32_t struct_size; /* sizeof(struct sk_extract_ops) at build time */
	uint32_t reserved;    /* 0 */
	/* Optional. The sources the fields apply to: a NULL-terminated list,
	 * or NULL for every source. Static. */
	const char *const *sources;
	/* Required. The fields, ending with a NULL name. Static. */
	const struct sk_field *fields;
	/* Required, loop. Extract one field: SK_OK with *ret_val filled (its
	 * pointers plugin-owned until the next extract() on this instance),
	 * SK_NA when the event has no such value, SK_ERR on a failure (the
	 * host treats the value as missing and logs last_error()). Must not
	 * block. */
	int (*extract)(void *inst, const struct sk_event *ev, const struct sk_field_req *req,
		       struct sk_value *ret_val);
	/* Optional. The names of the event types of `sources`, for conditions
	 * such as `evt.type = openat` and for indexing rules by event type.
	 * Ends with {NULL, 0}; one name may map to several types. Static. Set
	 * by the plugin that defines a source's event types. */
	const struct sk_evt_name *event_names;
	/* Optional, loop. The constants a rule condition compares one of the
	 * fields with, as written in the rule (`fd.sip.name in (a.com, b.org)`
	 * gives "a.com" and "b.org"; `=` and `!=` give one). Called once per
	 * comparison while a rule set is compiled (at start, by -V, on reload),
	 * before any event is evaluated with it, so an extractor can prepare
	 * values it only produces for known constants (the syscall plugin
	 * resolves the domain names of fd.*ip.name in the background). A
	 * compiled set may still be thrown away (a failed reload). `req` and
	 * `values` are borrowed. */
	void (*field_constants)(void *inst, const struct sk_field_req *req,
				const char *const *values, size_t n);
};

/* The parse role: the plugin sees every event of its sources before any
 * extraction, to keep state (processes, file descriptors, containers). */
struct sk_parse_ops {
	uint32_t struct_size; /* sizeof(struct sk_parse_ops) at build time */
	uint32_t reserved;    /* 0 */
	/* Optional. The sources parsed: a NULL-terminated list, or NULL for
	 * every source. Static. */
	const char *const *sources;
	/* Required, loop. Take what the event says into the plugin's state.
	 * SK_OK: done (also when the event says nothing to this parser).
	 * SK_ERR: the event could not be taken into the state (a record
	 * inconsistent with what the parser knows, no memory): the host counts
	 * it in the plugin's parse_errors metric, logs last_error() at most
	 * once every 10 s, and still evaluates the rules on the event, so a
	 * state problem never hides an event. Any other value counts as
	 * SK_ERR. Must not block. */
	int (*parse)(void *inst, const struct sk_event *ev);
	/* Optional, loop. Save the whole state now, one piece per
	 * api->save_state() call. Called once when a capture file starts,
	 * before the first event goes in, so the file opens with the state
	 * (the processes, say) that existed when recording began. A plugin
	 * that receives SK_EVT_STATE records in parse() takes its state from
	 * them (a replay) instead of from the machine it runs on. SK_OK or
	 * SK_ERR. */
	int (*snapshot)(void *inst);
};

/* The output role: the plugin delivers alerts. Every callback runs on the
 * output's worker thread, so write() may block (the host's queue in front
 * of it absorbs bursts and counts what it must drop). */
struct sk_output_ops {
	uint32_t struct_size; /* sizeof(struct sk_output_ops) at build time */
	uint32_t reserved;    /* 0 */
	/* Required, worker. Deliver one alert. SK_OK: delivered. SK_RETRY:
	 * transient failure; the host backs off and calls again with the same
	 * alert. SK_ERR: this alert failed for good; the host counts it and
	 * logs last_error(). */
	int (*write)(void *inst, const struct sk_alert *alert);
	/* Optional, worker. Push buffered data out: called when the queue
	 * becomes empty, after every alert with unbuffered outputs, about once
	 * a second while idle when late_failures or metrics is set, and at
	 * shutdown. SK_OK or SK_ERR. */
	int (*flush)(void *inst);
	/* Optional, worker. Reopen files (SIGUSR1, for logrotate), between
	 * two write() calls. SK_OK or SK_ERR. */
	int (*reopen)(void *inst);
	/* Optional, worker. How many alerts failed after write() had accepted
	 * them (a Kafka message whose delivery finally failed), as a running
	 * total. Called after every flush() and about once a second under
	 * load; the host adds it to the output's `failed` counter. */
	uint64_t (*late_failures)(void *inst);
};

struct sk_plugin {
	/* Header, fixed forever. */
	uint32_t abi_major;   /* SK_PLUGIN_ABI_MAJOR at build time */
	uint32_t abi_minor;   /* SK_PLUGIN_ABI_MINOR at build time */
	uint32_t struct_size; /* sizeof(struct sk_plugin) at build time */
	uint32_t flags;	      /* 0: no flag is defined in ABI 1.0 */

	/* Identity. name and version required; all static. */
	const char *name;	 /* [a-z0-9_]+, unique among loaded plugins */
	const char *version;	 /* the plugin's own version, semver */
	const char *description; /* one line, may be NULL */
	const char *contact;	 /* URL or maintainer, may be NULL */

	/* Configuration schema, optional. */
	const struct sk_param *params; /* NULL-name-terminated; NULL: no schema */
	size_t config_size;	       /* size of the struct params fill */

	/* Required, loop. Create the instance (see the ownership rules). */
	int (*init)(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen);
	/* Required, loop, last call. Free the instance; destroy(NULL) is a
	 * no-op. For an output, its worker has stopped. */
	void (*destroy)(void *inst);
	/* Optional, same thread as the failing call. One line saying why the
	 * last call into this instance that returned SK_ERR failed, or NULL.
	 * Plugin-owned, valid until the next call into the instance. */
	const char *(*last_error)(void *inst);
	/* Optional, loop (worker for an output). The plugin's own counters and
	 * gauges (table sizes, evictions ...) for the daemon's metrics
	 * snapshot, where they appear as shrike.plugins.<plugin>.<name>.
	 * *ret_metrics is plugin-owned, valid until the next call. SK_OK or
	 * SK_ERR. */
	int (*metrics)(void *inst, const struct sk_metric **ret_metrics, size_t *ret_n);

	/* Roles: at least one must be set. Static tables (SK_PLUGIN_OPS). */
	const struct sk_source_ops *source;
	const struct sk_extract_ops *extract;
	const struct sk_parse_ops *parse;
	const struct sk_output_ops *output;

	/* ABI 1.1+: append here only; never reorder or remove within a major. */
};

/* The ABI 1.0 sizes of the tables: the loader refuses anything smaller. */
#define SK_PLUGIN_V1_0_SIZE	 (offsetof(struct sk_plugin, output) + sizeof(void *))
#define SK_SOURCE_OPS_V1_0_SIZE	 (offsetof(struct sk_source_ops, set_event_types) + sizeof(void *))
#define SK_EXTRACT_OPS_V1_0_SIZE (offsetof(struct sk_extract_ops, field_constants) + sizeof(void *))
#define SK_PARSE_OPS_V1_0_SIZE	 (offsetof(struct sk_parse_ops, snapshot) + sizeof(void *))
#define SK_OUTPUT_OPS_V1_0_SIZE	 (offsetof(struct sk_output_ops, late_failures) + sizeof(void *))

/* Threads and capabilities. Capabilities belong to each thread on Linux.
 * Once its sources are open the daemon drops the ones it no longer needs
 * in every thread: it sends each thread the real-time signal
 * SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX, whose handler (the daemon's) drops
 * that thread's. A plugin thread that blocks signals leaves this one
 * unblocked, else it keeps root's capabilities:
 *   sigfillset(&all); sigdelset(&all, SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX);
 * The daemon installs the handler before it loads plugins; a host that does
 * not (a test tool) leaves the signal at its default action, which kills:
 * check with sigaction() before handing the signal to a library. */
#define SK_PRIVS_SIGNAL_BELOW_MAX 1

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

/* Define a role table:
 *
 *   SK_PLUGIN_OPS(sk_output_ops, file_output, .write = file_write,
 *		   .reopen = file_reopen);
 *
 * defines `static const struct sk_output_ops file_output` with its
 * struct_size filled in; point the plugin table's role member to it.
 */
/* clang-format off */
#ifdef __cplusplus
/* The static_assert after the pragma takes the caller's semicolon. */
#define SK_PLUGIN_OPS(type, var, ...)                                                              \
	_Pragma("GCC diagnostic push")                                                             \
	_Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"")                        \
	static const struct type var = {.struct_size = sizeof(struct type), __VA_ARGS__};          \
	_Pragma("GCC diagnostic pop")                                                              \
	static_assert(sizeof(var) > 0, #var)
#else
#define SK_PLUGIN_OPS(type, var, ...)                                                              \
	static const struct type var = {.struct_size = sizeof(struct type), __VA_ARGS__}
#endif
/* clang-format on */

/* Define the plugin's entry point:
 *
 *   SK_PLUGIN_DEFINE(.name = "file", .version = "1.0.0", ...,
 *		      .init = file_init, .destroy = file_destroy,
 *		      .output = &file_output);
 *
 * C++ needs C++20 (designated initializers), and lists the members in their
 * order in the structs, as C++20 requires. A C++17 plugin defines the tables
 * itself: see docs/plugin-authoring.md.
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
