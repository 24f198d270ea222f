/* core/rules/test_extractor.h - a synthetic, in-process extractor plugin for
 * the rule engine's unit tests: a real struct sk_plugin whose fields (one or
 * more of every type) read their values from a test event struct.
 */
#ifndef SK_CORE_RULES_TEST_EXTRACTOR_H
#define SK_CORE_RULES_TEST_EXTRACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include <shrike/plugin.h>

#define TX_MAX_ANAME 4
#define TX_MAX_ENV   4
#define TX_MAX_ARGS  4
#define TX_MAX_LIST  4

/* Event types of the synthetic source (see tx_evttypes). */
#define TX_EVT_OPEN	70
#define TX_EVT_OPENAT	71
#define TX_EVT_EXECVE	72
#define TX_EVT_CONNECT	73
#define TX_EVT_OPEN_X	80 /* "open" names two types, like enter/exit pairs */
#define TX_EVT_OTHER	90 /* a type without a name */
#define TX_EVT_OPENAT2	74 /* named only in the plugin's event_names */
#define TX_EVT_EXECVEAT 75

/* A test event: the record header first, so &ev.hdr is the record the
 * extractor receives; it finds the rest with container_of. A NULL string or
 * a clear has_* bit means "no value" (SK_NA). */
struct tx_event {
	struct sk_evt_hdr hdr;
	const char *proc_name;
	const char *proc_exe;
	const char *proc_cmdline;
	const char *fd_name;
	const char *aname[TX_MAX_ANAME]; /* proc.aname[i]: ancestors; without an index,
					  * a list of every ancestor (from [1]) */
	const char *env_keys[TX_MAX_ENV], *env_vals[TX_MAX_ENV];
	const char *arg_names[TX_MAX_ARGS], *arg_vals[TX_MAX_ARGS];
	const char *args[TX_MAX_LIST]; /* proc.args: a list field */
	uint32_t nargs;
	uint64_t ports[TX_MAX_LIST]; /* proc.ports: list of ports */
	uint32_t nports;
	bool has_list;
	bool has_pid, has_uid, has_rawres, has_sport, has_tty, has_sip, has_net, has_buf;
	int64_t pid;
	uint64_t uid;
	int64_t rawres;
	uint64_t sport;
	bool tty;
	struct sk_ip sip;
	struct sk_ip net;
	const char *buf; /* evt.buffer bytes */
	uint32_t buflen;
	uint64_t latency;
};

/* The plugin table: name "tx", sources {"syscall", NULL}, with event_names
 * for the TX_EVT_* types. */
extern const struct sk_plugin tx_plugin;
/* Same fields again under source "other" with plugin name "tx2". */
extern const struct sk_plugin tx_plugin_other;

/* Many more syscall-style field names (evt.dir, fd.typechar, user.name,
 * container.id, ...) that never have values: plugin name "txwide". */
extern const struct sk_plugin tx_plugin_wide;

/* tx_evttypes - event-type lookup for the synthetic source. */
size_t tx_evttypes(void *ctx, const char *name, uint16_t *ret_types, size_t max);

/* tx_event_init - zero the event and set its type, time and length. */
void tx_event_init(struct tx_event *e, uint16_t type);

/* tx_sk_event - the struct sk_event for a test event. */
struct sk_event tx_sk_event(const struct tx_event *e);

/* What tx_plugin's field_constants() received since the test last cleared
 * it: "field[arg]:v1,v2;" per call. */
extern char tx_constants[1024];

/* Number of extract() calls since start (for short-circuit tests). */
extern unsigned long tx_extract_calls;

#endif /* SK_CORE_RULES_TEST_EXTRACTOR_H */
