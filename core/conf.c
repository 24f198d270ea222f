/* core/conf.c - the daemon's configuration (shrike.yaml): load the file,
 * apply -o overrides, check every key against what Shrike knows (falco.yaml's
 * names where Falco has the concept) and fill struct sk_conf (see conf.h).
 *
 * Simple sections go through param tables and sk_schema_fill(); sections that
 * belong to someone else (output plugins, sources, the rule selector) are
 * shape-checked here and kept as nodes.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/strlist.h"
#include "conf.h"
#include "outputs.h"
#include "log.h"
#include "schema.h"

#ifndef SK_PLUGINS_DIR
#define SK_PLUGINS_DIR "/usr/local/lib/shrike/plugins"
#endif
#ifndef SK_CONF_DIR
#define SK_CONF_DIR "/usr/local/etc/shrike"
#endif

#define PATH_MAX_KEY 128

const char *sk_conf_default_path(void)
{
	return SK_CONF_DIR "/shrike.yaml";
}

/* ---- small helpers ------------------------------------------------------- */

static bool is_null(const struct sk_cfg_node *n)
{
	return !n || (n->kind == SK_CFG_SCALAR && n->is_null);
}

/* The node of `key` in `map`, NULL when absent or written with no value. */
static const struct sk_cfg_node *get(const struct sk_cfg_node *map, const char *key)
{
	const struct sk_cfg_node *n = sk_cfg_get(map, key);
	return is_null(n) ? NULL : n;
}

/* The key node of `key` in `map` (for positions), or NULL. */
static const struct sk_cfg_node *key_node(const struct sk_cfg_node *map, const char *key)
{
	for (size_t i = 0; map && map->kind == SK_CFG_MAP && i < map->n; i++) {
		if (strcmp(map->keys[i], key) == 0) {
			return map->key_nodes[i];
		}
	}
	return NULL;
}

/* A section kept as a node must be `kind` (or absent/null). */
static int expect_kind(const struct sk_cfg_node *n, enum sk_cfg_kind kind, const char *path,
		       char *err, size_t errlen)
{
	if (!n || n->kind == kind) {
		return 0;
	}
	char buf[80];
	const char *what = sk_cfg_kind_name(n);
	if (n->kind == SK_CFG_SCALAR) {
		snprintf(buf, sizeof(buf), "'%.60s'", n->scalar);
		what = buf;
	}
	sk_cfg_errpos(err, errlen, n, "%s: expected %s, got %s", path,
		      kind == SK_CFG_MAP ? "a map" : "a list", what);
	return -EINVAL;
}

/* ---- the top level ------------------------------------------------------- */

struct top {
	struct sk_strlist rules_files;
	struct sk_strlist rules_file;
	char *priority;
	bool json_output;
	bool json_include_output_property;
	bool json_include_output_fields_property;
	bool json_include_message_property;
	bool json_include_tags_property;
	bool json_include_uuid_property;
	bool time_format_iso_8601;
	bool buffered_outputs;
	struct sk_strlist load_plugins;
	char *plugins_dir;
	char *log_level;
	bool log_stderr;
	bool log_syslog;
	bool watch_config_files;
	bool drop_capabilities;
	uint64_t shutdown_timeout_ms;
};

#define TOP(member) offsetof(struct top, member)

static const struct sk_param top_params[] = {
    {"rules_files", SK_PARAM_STRLIST, 0, NULL, TOP(rules_files), NULL, 0, 0,
     "rule files and directories, loaded in order"},
    {"rules_file", SK_PARAM_STRLIST, 0, NULL, TOP(rules_file), NULL, 0, 0,
     "legacy name of rules_files"},
    {"priority", SK_PARAM_STR, 0, "debug", TOP(priority), NULL, 0, 0,
     "least severe rule priority that is loaded"},
    {"json_output", SK_PARAM_BOOL, 0, "false", TOP(json_output), NULL, 0, 0,
     "write alerts as JSON objects instead of text lines"},
    {"json_include_output_property", SK_PARAM_BOOL, 0, "true", TOP(json_include_output_property),
     NULL, 0, 0, "JSON alerts carry \"output\""},
    {"json_include_output_fields_property", SK_PARAM_BOOL, 0, "true",
     TOP(json_include_output_fields_property), NULL, 0, 0, "JSON alerts carry \"output_fields\""},
    {"json_include_message_property", SK_PARAM_BOOL, 0, "false", TOP(json_include_message_property),
     NULL, 0, 0, "JSON alerts carry \"message\""},
    {"json_include_tags_property", SK_PARAM_BOOL, 0, "true", TOP(json_include_tags_property), NULL,
     0, 0, "JSON alerts carry \"tags\""},
    {"json_include_uuid_property", SK_PARAM_BOOL, 0, "true", TOP(json_include_uuid_property), NULL,
     0, 0, "JSON alerts carry \"uuid\""},
    {"time_format_iso_8601", SK_PARAM_BOOL, 0, "false", TOP(time_format_iso_8601), NULL, 0, 0,
     "text alerts and logs use ISO 8601 times"},
    {"buffered_outputs", SK_PARAM_BOOL, 0, "false", TOP(buffered_outputs), NULL, 0, 0,
     "let outputs buffer instead of flushing every alert"},
    {"load_plugins", SK_PARAM_STRLIST, 0, NULL, TOP(load_plugins), NULL, 0, 0,
     "names from plugins: to load (absent: all)"},
    {"plugins_dir", SK_PARAM_STR, 0, SK_PLUGINS_DIR, TOP(plugins_dir), NULL, 0, 0,
     "where relative library_path values and built-in modules are found"},
    {"log_level", SK_PARAM_STR, 0, "info", TOP(log_level), NULL, 0, 0,
     "most verbose level of Shrike's own log"},
    {"log_stderr", SK_PARAM_BOOL, 0, "true", TOP(log_stderr), NULL, 0, 0, "log to stderr"},
    {"log_syslog", SK_PARAM_BOOL, 0, "false", TOP(log_syslog), NULL, 0, 0, "log to syslog"},
    {"watch_config_files", SK_PARAM_BOOL, 0, "true", TOP(watch_config_files), NULL, 0, 0,
     "reload when the config or rule files change"},
    {"drop_capabilities", SK_PARAM_BOOL, 0, "true", TOP(drop_capabilities), NULL, 0, 0,
     "once the sources run, keep only CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"},
    {"shutdown_timeout", SK_PARAM_DURATION, 0, "5s", TOP(shutdown_timeout_ms), NULL, 0, 0,
     "how long outputs may take to drain at exit (0: forever)"},
    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
};

/* Top-level sections this file checks by hand (or keeps as nodes). */
static const char *const top_sections[] = {
    "rules",
    "outputs_queue",
    "stdout_output",
    "file_output",
    "syslog_output",
    "http_output",
    "program_output",
    "kafka_output",
    "plugins",
    "engine",
    "metrics",
    "webserver",
    "syscall_event_drops",
    "append_output",
    "base_syscalls",
    "config_files",
    NULL,
};

/* ---- rules: (enable/disable selection) ----------------------------------- */

struct rule_sel {
	char *rule;
	char *tag;
};

static const struct sk_param rule_sel_params[] = {
    {"rule", SK_PARAM_STR, 0, NULL, offsetof(struct rule_sel, rule), NULL, 0, 0,
     "rule name, * wildcards allowed"},
    {"tag", SK_PARAM_STR, 0, NULL, offsetof(struct rule_sel, tag), NULL, 0, 0, "rule tag"},
    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
};

static int check_rules_select(const struct sk_cfg_node *rules, char *err, size_t errlen)
{
	static const char *const verbs[] = {"disable", "enable", NULL};
	int rc = expect_kind(rules, SK_CFG_SEQ, "rules", err, errlen);
	for (size_t i = 0; rc == 0 && rules && i < rules->n; i++) {
		const struct sk_cfg_node *item = rules->items[i];
		char path[PATH_MAX_KEY];
		snprintf(path, sizeof(path), "rules[%zu]", i);
		if (item->kind != SK_CFG_MAP || item->n != 1) {
			sk_cfg_errpos(err, errlen, item,
				      "%s: expected a map with one key, 'enable' or 'disable'",
				      path);
			return -EINVAL;
		}
		struct rule_sel sel = {0};
		/* an empty table with `verbs` as skip: unknown keys get listed */
		static const struct sk_param none[] = {{NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL}};
		rc = sk_schema_fill(none, item, path, verbs, &sel, err, errlen);
		if (rc < 0) {
			return rc;
		}
		snprintf(path, sizeof(path), "rules[%zu].%s", i, item->keys[0]);
		const struct sk_cfg_node *what = item->items[0];
		if (is_null(what) || what->kind != SK_CFG_MAP) {
			sk_cfg_errpos(err, errlen, what,
				      "%s: expected a map with 'rule' or 'tag', got %s", path,
				      sk_cfg_kind_name(what));
			return -EINVAL;
		}
		rc = sk_schema_fill(rule_sel_params, what, path, NULL, &sel, err, errlen);
		if (rc < 0) {
			return rc;
		}
		if ((sel.rule != NULL) == (sel.tag != NULL)) {
			sk_cfg_errpos(err, errlen, what, "%s: give exactly one of 'rule' or 'tag'",
				      path);
			rc = -EINVAL;
		}
		sk_schema_free(rule_sel_params, &sel);
	}
	return rc;
}

/* ---- outputs ------------------------------------------------------------- */

static const struct {
	const char *key;
	const char *plugin;
	bool enabled;
} output_keys[] = {
    {"stdout_output", "stdout", true},	  {"file_output", "file", false},
    {"syslog_output", "syslog", false},	  {"http_output", "http", false},
    {"program_output", "program", false}, {"kafka_output", "kafka", false},
};

static int load_outputs(struct sk_conf *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(output_keys) / sizeof(output_keys[0]); i++) {
		const char *key = output_keys[i].key;
		const struct sk_cfg_node *sec = get(c->root, key);
		struct sk_conf_output *o = &c->outputs[c->noutputs++];
		int rc = expect_kind(sec, SK_CFG_MAP, key, err, errlen);
		if (rc < 0) {
			return rc;
		}
		o->key = key;
		o->plugin = output_keys[i].plugin;
		o->enabled = output_keys[i].enabled;
		o->section = sec;
		const struct sk_cfg_node *en = get(sec, "enabled");
		if (en) {
			char path[PATH_MAX_KEY];
			snprintf(path, sizeof(path), "%s.enabled", key);
			rc = sk_cfg_as_bool(en, path, &o->enabled, err, errlen);
			if (rc < 0) {
				return rc;
			}
		}
	}
	return 0;
}

/* ---- plugins ------------------------------------------------------------- */

struct plugin_entry {
	char *name;
	char *library_path;
	char *open_params;
	struct sk_strlist rules_files;
};

static const struct sk_param plugin_params[] = {
    {"name", SK_PARAM_STR, SK_PARAM_REQUIRED, NULL, offsetof(struct plugin_entry, name), NULL, 0, 0,
     "the plugin's name, as load_plugins refers to it"},
    {"library_path", SK_PARAM_STR, SK_PARAM_REQUIRED, NULL,
     offsetof(struct plugin_entry, library_path), NULL, 0, 0,
     "the .so file; relative paths are looked up in plugins_dir"},
    {"open_params", SK_PARAM_STR, 0, NULL, offsetof(struct plugin_entry, open_params), NULL, 0, 0,
     "what a source plugin opens"},
    {"rules_files", SK_PARAM_STRLIST, 0, NULL, offsetof(struct plugin_entry, rules_files), NULL, 0,
     0, "rule files loaded after rules_files, only when this plugin is loaded"},
    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
};

static int load_plugins(struct sk_conf *c, const struct sk_strlist *load, char *err, size_t errlen)
{
	static const char *const skip[] = {"init_config", NULL};
	const struct sk_cfg_node *list = get(c->root, "plugins");
	int rc = expect_kind(list, SK_CFG_SEQ, "plugins", err, errlen);
	if (rc < 0 || !list) {
		goto check_load;
	}
	c->plugins = calloc(list->n ? list->n : 1, sizeof(*c->plugins));
	if (!c->plugins) {
		sk_cfg_errpos(err, errlen, list, "plugins: out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < list->n; i++) {
		const struct sk_cfg_node *item = list->items[i];
		struct plugin_entry e = {0};
		char path[PATH_MAX_KEY];
		snprintf(path, sizeof(path), "plugins[%zu]", i);
		if (item->kind != SK_CFG_MAP) {
			sk_cfg_errpos(err, errlen, item,
				      "%s: expected a map with name and library_path, got %s", path,
				      sk_cfg_kind_name(item));
			return -EINVAL;
		}
		rc = sk_schema_fill_at(plugin_params, item, item, path, skip, &e, err, errlen);
		if (rc < 0) {
			return rc;
		}
		struct sk_conf_plugin *p = &c->plugins[c->nplugins++];
		p->name = e.name;
		p->library_path = e.library_path;
		p->open_params = e.open_params;
		p->rules_files = e.rules_files;
		p->node = item;
		p->init_config = get(item, "init_config");
		p->load = true;
		if (p->init_config && p->init_config->kind == SK_CFG_SEQ) {
			snprintf(path, sizeof(path), "plugins[%zu].init_config", i);
			sk_cfg_errpos(err, errlen, p->init_config,
				      "%s: expected a map or a string, got a list", path);
			return -EINVAL;
		}
		for (size_t j = 0; j + 1 < c->nplugins; j++) {
			if (strcmp(c->plugins[j].name, p->name) == 0) {
				const struct sk_cfg_node *first = c->plugins[j].node;
				sk_cfg_errpos(err, errlen, sk_cfg_get(item, "name"),
					      "%s.name: plugin '%s' is already defined at %s:%u:%u",
					      path, p->name, first->file, first->line, first->col);
				return -EINVAL;
			}
		}
	}

check_load:
	if (rc < 0) {
		return rc;
	}
	/* Falco's rule: without load_plugins every plugin loads; with it, only
	 * the plugins it names. */
	const struct sk_cfg_node *ln = get(c->root, "load_plugins");
	if (!ln) {
		return 0;
	}
	for (size_t i = 0; i < c->nplugins; i++) {
		c->plugins[i].load = false;
	}
	for (size_t i = 0; i < load->n; i++) {
		size_t j = 0;
		while (j < c->nplugins && strcmp(c->plugins[j].name, load->items[i]) != 0) {
			j++;
		}
		if (j == c->nplugins) {
			const struct sk_cfg_node *at = ln->kind == SK_CFG_SEQ ? ln->items[i] : ln;
			char path[PATH_MAX_KEY];
			if (ln->kind == SK_CFG_SEQ) {
				snprintf(path, sizeof(path), "load_plugins[%zu]", i);
			} else {
				snprintf(path, sizeof(path), "load_plugins");
			}
			sk_cfg_errpos(err, errlen, at,
				      "%s: no plugin named '%s' under plugins:", path,
				      load->items[i]);
			return -EINVAL;
		}
		c->plugins[j].load = true;
	}
	return 0;
}

/* ---- engine -------------------------------------------------------------- */

static const char *const engine_kinds[] = {
    "none", "ebpf", "modern_ebpf", "kmod", "replay", "nodriver", "auto", NULL,
};
static const enum sk_engine_kind engine_kind_values[] = {
    SK_ENGINE_NONE,   SK_ENGINE_EBPF, SK_ENGINE_EBPF, SK_ENGINE_KMOD,
    SK_ENGINE_REPLAY, SK_ENGINE_NONE, SK_ENGINE_AUTO,
};

struct engine {
	int kind;
};

static const struct sk_param engine_params[] = {
    {"kind", SK_PARAM_ENUM, 0, "auto", offsetof(struct engine, kind), engine_kinds, 0, 0,
     "where syscall events come from"},
    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
};

struct replay {
	char *capture_file;
};

static const struct sk_param replay_params[] = {
    {"capture_file", SK_PARAM_STR, 0, NULL, offsetof(struct replay, capture_file), NULL, 0, 0,
     "capture file to replay"},
    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
};

static int load_engine(struct sk_conf *c, char *err, size_t errlen)
{
	static const char *const subs[] = {"ebpf", "modern_ebpf", "kmod", "replay", "gvisor", NULL};
	const struct sk_cfg_node *eng = get(c->root, "engine");
	struct engine e = {0};
	struct replay r = {0};
	int rc = sk_schema_fill_at(engine_params, eng, key_node(c->root, "engine"), "engine", subs,
				   &e, err, errlen);
	if (rc < 0) {
		return rc;
	}
	c->engine = eng;
	c->engine_kind = engine_kind_values[e.kind];
	for (size_t i = 0; subs[i]; i++) {
		char path[PATH_MAX_KEY];
		snprintf(path, sizeof(path), "engine.%s", subs[i]);
		rc = expect_kind(get(eng, subs[i]), SK_CFG_MAP, path, err, errlen);
		if (rc < 0) {
			return rc;
		}
	}
	rc = sk_schema_fill_at(replay_params, get(eng, "replay"), key_node(eng, "replay"),
			       "engine.replay", NULL, &r, err, errlen);
	if (rc < 0) {
		return rc;
	}
	c->replay_file = r.capture_file;
	if (c->engine_kind == SK_ENGINE_REPLAY && !c->replay_file) {
		sk_cfg_errpos(err, errlen, get(eng, "kind"),
			      "engine.kind: 'replay' needs engine.replay.capture_file");
		return -EINVAL;
	}
	return 0;
}

/* ---- metrics ------------------------------------------------------------- */

struct metrics {
	bool enabled;
	uint64_t interval_ms;
	bool output_rule;
	bool log;
	char *output_file;
	bool resource_utilization_enabled;
	bool state_counters_enabled;
	bool rules_counters_enabled;
	bool kernel_event_counters_enabled;
	bool kernel_event_counters_per_cpu_enabled;
	bool libbpf_stats_enabled;
	bool plugins_metrics_enabled;
	bool jemalloc_stats_enabled;
	bool convert_memory_to_mb;
	bool include_empty_values;
};

#define MET(member) offsetof(struct metrics, member)
#define MET_BOOL(name, def, desc)                                                                  \
	{                                                                                          \
#name, SK_PARAM_BOOL, 0, def, MET(name), NULL, 0, 0, desc                          \
	}

static const struct sk_param metrics_params[] = {
    MET_BOOL(enabled, "false", "emit metrics periodically"),
    {"interval", SK_PARAM_DURATION, 0, "1h", MET(interval_ms), NULL, 100, 0,
     "time between two metrics snapshots"},
    MET_BOOL(output_rule, "true", "emit metrics as an internal alert to the outputs"),
    MET_BOOL(log, "false", "also write metrics to Shrike's log"),
    {"output_file", SK_PARAM_STR, 0, NULL, MET(output_file), NULL, 0, 0,
     "append metrics as JSON lines to this file (Falco)"},
    MET_BOOL(resource_utilization_enabled, "true", "CPU and memory of the daemon"),
    MET_BOOL(state_counters_enabled, "true", "process/fd table sizes"),
    MET_BOOL(rules_counters_enabled, "true", "matches per rule"),
    MET_BOOL(kernel_event_counters_enabled, "true", "events and drops of the kernel source"),
    MET_BOOL(kernel_event_counters_per_cpu_enabled, "false", "the same, per CPU"),
    MET_BOOL(libbpf_stats_enabled, "true", "libbpf program run counters"),
    MET_BOOL(plugins_metrics_enabled, "true", "counters reported by plugins"),
    MET_BOOL(jemalloc_stats_enabled, "false",
	     "accepted for falco.yaml compatibility (Shrike does not use jemalloc)"),
    MET_BOOL(convert_memory_to_mb, "true", "report memory in MB instead of bytes"),
    MET_BOOL(include_empty_values, "false", "include counters that are zero or empty"),
    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
};

static int load_metrics(struct sk_conf *c, char *err, size_t errlen)
{
	struct metrics m = {0};
	const struct sk_cfg_node *sec = get(c->root, "metrics");
	int rc = sk_schema_fill_at(metrics_params, sec, key_node(c->root, "metrics"), "metrics",
				   NULL, &m, err, errlen);
	if (rc < 0) {
		return rc;
	}
	c->metrics = sec;
	c->metrics_enabled = m.enabled;
	c->metrics_interval_ms = m.interval_ms;
	c->metrics_output_rule = m.output_rule;
	c->metrics_log = m.log;
	c->metrics_output_file = m.output_file;
	m.output_file = NULL; /* kept */
	c->metrics_groups = (struct sk_metrics_groups){
	    .resource = m.resource_utilization_enabled,
	    .state = m.state_counters_enabled,
	    .rules = m.rules_counters_enabled,
	    .kernel = m.kernel_event_counters_enabled,
	    .kernel_per_cpu = m.kernel_event_counters_per_cpu_enabled,
	    .libbpf = m.libbpf_stats_enabled,
	    .plugins = m.plugins_metrics_enabled,
	    .memory_mb = m.convert_memory_to_mb,
	    .empty_values = m.include_empty_values,
	};
	sk_schema_free(metrics_params, &m);
	return 0;
}

/* ---- webserver ----------------------------------------------------------- */

struct web {
	bool enabled;
	uint64_t threadiness;
	char *listen_address;
	uint64_t listen_port;
	char *k8s_healthz_endpoint;
	bool prometheus_metrics_enabled;
	bool prometheus_falco_names;
	bool ssl_enabled;
	char *ssl_certificate;
	uint64_t connection_limit;
	uint64_t connection_timeout_ms;
};

#define WEB(member) offsetof(struct web, member)

static const struct sk_param web_params[] = {
    {"enabled", SK_PARAM_BOOL, 0, "false", WEB(enabled), NULL, 0, 0,
     "serve the health, versions and metrics pages (off unless set, unlike Falco)"},
    {"threadiness", SK_PARAM_UINT, 0, "0", WEB(threadiness), NULL, 0, 1024,
     "threads serving requests (0: one per CPU)"},
    {"listen_address", SK_PARAM_STR, 0, "0.0.0.0", WEB(listen_address), NULL, 0, 0,
     "IPv4 or IPv6 address to listen on"},
    {"listen_port", SK_PARAM_UINT, 0, "8765", WEB(listen_port), NULL, 0, 65535,
     "TCP port to listen on"},
    {"k8s_healthz_endpoint", SK_PARAM_STR, 0, "/healthz", WEB(k8s_healthz_endpoint), NULL, 0, 0,
     "path of the health page"},
    {"prometheus_metrics_enabled", SK_PARAM_BOOL, 0, "false", WEB(prometheus_metrics_enabled), NULL,
     0, 0, "serve /metrics in Prometheus text format"},
    {"prometheus_falco_names", SK_PARAM_BOOL, 0, "false", WEB(prometheus_falco_names), NULL, 0, 0,
     "/metrics also has Falco's falcosecurity_* names"},
    {"ssl_enabled", SK_PARAM_BOOL, 0, "false", WEB(ssl_enabled), NULL, 0, 0, "serve HTTPS"},
    {"ssl_certificate", SK_PARAM_STR, 0, "/etc/shrike/shrike.pem", WEB(ssl_certificate), NULL, 0, 0,
     "PEM file holding the private key and the certificate"},
    {"connection_limit", SK_PARAM_UINT, 0, "64", WEB(connection_limit), NULL, 1, 100000,
     "open connections at most (a quarter of them from one address)"},
    {"connection_timeout", SK_PARAM_DURATION, 0, "10s", WEB(connection_timeout_ms), NULL, 1000,
     3600000, "close a connection idle for longer, or whose request takes longer"},
    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
};

/* What the schema cannot say: an address literal, a usable path. */
static int check_web(const struct sk_cfg_node *sec, const struct web *wb, char *err, size_t errlen)
{
	const char *problem = sk_websrv_path_problem(wb->k8s_healthz_endpoint);
	if (problem) {
		sk_cfg_errpos(err, errlen, get(sec, "k8s_healthz_endpoint"),
			      "webserver.k8s_healthz_endpoint: '%.60s' %s (e.g. /healthz)",
			      wb->k8s_healthz_endpoint, problem);
		return -EINVAL;
	}
	if (!sk_websrv_is_address(wb->listen_address)) {
		sk_cfg_errpos(err, errlen, get(sec, "listen_address"),
			      "webserver.listen_address: '%.60s' is not an IPv4 or IPv6 address; "
			      "write one (" SK_WEBSRV_ADDRESS_HINT ")",
			      wb->listen_address);
		return -EINVAL;
	}
	if (wb->ssl_enabled && !wb->ssl_certificate[0]) {
		sk_cfg_errpos(err, errlen, get(sec, "ssl_certificate"),
			      "webserver.ssl_certificate: empty while webserver.ssl_enabled is "
			      "true; name the PEM file holding the private key and the "
			      "certificate");
		return -EINVAL;
	}
	return 0;
}

static int load_webserver(struct sk_conf *c, char *err, size_t errlen)
{
	struct web wb = {0};
	const struct sk_cfg_node *sec = get(c->root, "webserver");
	int rc = expect_kind(sec, SK_CFG_MAP, "webserver", err, errlen);
	if (rc == 0) {
		rc = sk_schema_fill_at(web_params, sec, key_node(c->root, "webserver"), "webserver",
				       NULL, &wb, err, errlen);
	}
	if (rc < 0) {
		return rc;
	}
	rc = check_web(sec, &wb, err, errlen);
	if (rc == 0) {
		c->webserver = sec;
		c->web_enabled = wb.enabled;
		c->web_threadiness = (unsigned)wb.threadiness;
		c->web_listen_address = wb.listen_address;
		c->web_listen_port = (unsigned)wb.listen_port;
		c->web_healthz_path = wb.k8s_healthz_endpoint;
		c->web_prometheus_metrics = wb.prometheus_metrics_enabled;
		c->web_prometheus_falco_names = wb.prometheus_falco_names;
		c->web_ssl_enabled = wb.ssl_enabled;
		c->web_ssl_certificate = wb.ssl_certificate;
		c->web_connection_limit = (unsigned)wb.connection_limit;
		c->web_connection_timeout_ms = (wb.connection_timeout_ms + 999) / 1000 * 1000;
		wb = (struct web){0}; /* the strings are c's now */
	}
	sk_schema_free(web_params, &wb);
	return rc;
}

void sk_conf_websrv(const struct sk_conf *c, struct sk_websrv_conf *out)
{
	*out = (struct sk_websrv_conf){
	    .listen_address = c->web_listen_address,
	    .listen_port = c->web_listen_port,
	    .threadiness = c->web_threadiness,
	    .healthz_path = c->web_healthz_path,
	    .prometheus_metrics_enabled = c->web_prometheus_metrics,
	    .ssl_enabled = c->web_ssl_enabled,
	    .ssl_certificate = c->web_ssl_certificate,
	    .connection_limit = c->web_connection_limit,
	    .connection_timeout_s = (unsigned)(c->web_connection_timeout_ms / 1000),
	};
}

/* ---- outputs_queue ------------------------------------------------------- */

struct outq {
	uint64_t capacity;
};

static const struct sk_param outq_params[] = {
    {"capacity", SK_PARAM_UINT, 0, "0", offsetof(struct outq, capacity), NULL, 0, 0,
     "alerts each output may hold in its queue (0: the default)"},
    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
};

/* ---- load ---------------------------------------------------------------- */

/* ask_bpf_stats - metrics.libbpf_stats_enabled, with the snapshot or
 * /metrics on and the eBPF engine, asks the ebpf source to have the kernel
 * count its programs' runs: engine.ebpf.bpf_stats, unless the
 * configuration sets that key itself. */
static int ask_bpf_stats(struct sk_conf *c, char *err, size_t errlen)
{
	bool wanted = c->metrics_groups.libbpf &&
		      (c->metrics_enabled || (c->web_enabled && c->web_prometheus_metrics));
	if (!wanted || (c->engine_kind != SK_ENGINE_EBPF && c->engine_kind != SK_ENGINE_AUTO) ||
	    sk_cfg_get_path(c->root, "engine.ebpf.bpf_stats") != NULL) {
		return 0;
	}
	int rc = sk_cfg_override(c->root, "engine.ebpf.bpf_stats=true", err, errlen);
	if (rc == 0) {
		c->engine = get(c->root, "engine");
	}
	return rc;
}

static int load_tree(struct sk_conf *c, char *err, size_t errlen)
{
	struct top t = {0};
	struct outq q = {0};
	const struct sk_cfg_node *root = c->root;
	int rc = 0;

	if (root->kind != SK_CFG_MAP) {
		sk_cfg_errpos(err, errlen, root,
			      "expected a map of settings at the top level, got %s",
			      sk_cfg_kind_name(root));
		return -EINVAL;
	}
	rc = sk_schema_fill(top_params, root, "", top_sections, &t, err, errlen);
	if (rc < 0) {
		return rc;
	}

	/* rules_files, or the legacy rules_file, never both */
	if (get(root, "rules_files") && get(root, "rules_file")) {
		const struct sk_cfg_node *first = key_node(root, "rules_files");
		sk_cfg_errpos(err, errlen, key_node(root, "rules_file"),
			      "rules_file: set together with rules_files (at %s:%u:%u); keep "
			      "only rules_files",
			      first->file, first->line, first->col);
		rc = -EINVAL;
		goto out;
	}
	if (get(root, "rules_file")) {
		c->rules_files = t.rules_file;
		t.rules_file = (struct sk_strlist){0};
	} else {
		c->rules_files = t.rules_files;
		t.rules_files = (struct sk_strlist){0};
	}

	c->min_priority = sk_alert_priority_parse(t.priority);
	if (c->min_priority < 0) {
		sk_cfg_errpos(err, errlen, get(root, "priority"),
			      "priority: expected one of emergency, alert, critical, error, "
			      "warning, notice, informational, debug, got '%.60s'",
			      t.priority);
		rc = -EINVAL;
		goto out;
	}
	c->log_level = sk_log_level_parse(t.log_level);
	if (c->log_level < 0) {
		sk_cfg_errpos(err, errlen, get(root, "log_level"),
			      "log_level: expected one of emergency, alert, critical, error, "
			      "warning, notice, info, debug, got '%.60s'",
			      t.log_level);
		rc = -EINVAL;
		goto out;
	}

	c->fmt.json_output = t.json_output;
	c->fmt.json_include_output_property = t.json_include_output_property;
	c->fmt.json_include_output_fields_property = t.json_include_output_fields_property;
	c->fmt.json_include_message_property = t.json_include_message_property;
	c->fmt.json_include_tags_property = t.json_include_tags_property;
	c->fmt.json_include_uuid_property = t.json_include_uuid_property;
	c->fmt.time_format_iso_8601 = t.time_format_iso_8601;
	c->fmt.hostname = NULL;
	c->buffered_outputs = t.buffered_outputs;
	c->log_stderr = t.log_stderr;
	c->log_syslog = t.log_syslog;
	c->watch_config_files = t.watch_config_files;
	c->drop_capabilities = t.drop_capabilities;
	c->shutdown_timeout_ms = t.shutdown_timeout_ms;
	c->plugins_dir = t.plugins_dir;
	t.plugins_dir = NULL;

	rc = sk_schema_fill_at(outq_params, get(root, "outputs_queue"),
			       key_node(root, "outputs_queue"), "outputs_queue", NULL, &q, err,
			       errlen);
	if (rc < 0) {
		goto out;
	}
	c->queue_capacity = q.capacity;

	rc = check_rules_select(get(root, "rules"), err, errlen);
	if (rc < 0) {
		goto out;
	}
	c->rules_select = get(root, "rules");

	rc = load_outputs(c, err, errlen);
	if (rc < 0) {
		goto out;
	}
	rc = load_plugins(c, &t.load_plugins, err, errlen);
	if (rc < 0) {
		goto out;
	}
	c->load_plugins = t.load_plugins;
	t.load_plugins = (struct sk_strlist){0};

	rc = load_engine(c, err, errlen);
	if (rc < 0) {
		goto out;
	}
	rc = load_metrics(c, err, errlen);
	if (rc < 0) {
		goto out;
	}

	/* kept for their own modules: only the shape is checked here */
	rc = expect_kind(get(root, "append_output"), SK_CFG_SEQ, "append_output", err, errlen);
	if (rc == 0) {
		rc = expect_kind(get(root, "syscall_event_drops"), SK_CFG_MAP,
				 "syscall_event_drops", err, errlen);
	}
	if (rc == 0) {
		rc = expect_kind(get(root, "base_syscalls"), SK_CFG_MAP, "base_syscalls", err,
				 errlen);
	}
	if (rc < 0) {
		goto out;
	}
	c->append_output = get(root, "append_output");
	c->syscall_event_drops = get(root, "syscall_event_drops");
	c->base_syscalls = get(root, "base_syscalls");
	rc = load_webserver(c, err, errlen);
	if (rc == 0) {
		rc = ask_bpf_stats(c, err, errlen);
	}
out:
	sk_schema_free(top_params, &t);
	return rc;
}

/* -o config_files=..., -o config_files[1]=...: applied before the includes. */
static bool is_config_files_override(const char *assignment)
{
	size_t len = strlen("config_files");
	return strncmp(assignment, "config_files", len) == 0 &&
	       (assignment[len] == '=' || assignment[len] == '[' || assignment[len] == '.');
}

int sk_conf_load(const char *path, const char *const *overrides, size_t noverrides,
		 struct sk_conf **ret, char *err, size_t errlen)
{
	struct sk_conf *c = NULL;
	int rc = 0;

	if (!path) {
		path = sk_conf_default_path();
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		rc = -ENOMEM;
		goto nomem;
	}
	c->path = strdup(path);
	if (!c->path) {
		rc = -ENOMEM;
		goto nomem;
	}
	rc = sk_cfg_parse_file(path, &c->root, err, errlen);
	if (rc < 0) {
		goto out;
	}
	/* Falco's order: -o config_files=..., then the included files, then
	 * every other -o (so the command line wins over every file) */
	for (size_t i = 0; i < noverrides; i++) {
		if (is_config_files_override(overrides[i])) {
			rc = sk_cfg_override(c->root, overrides[i], err, errlen);
			if (rc < 0) {
				goto out;
			}
		}
	}
	if (c->root->kind == SK_CFG_MAP) { /* else load_tree() says what is wrong */
		rc = sk_conf_files_include(c->root, path, &c->includes, err, errlen);
		if (rc < 0) {
			goto out;
		}
	}
	for (size_t i = 0; i < noverrides; i++) {
		if (!is_config_files_override(overrides[i])) {
			rc = sk_cfg_override(c->root, overrides[i], err, errlen);
			if (rc < 0) {
				goto out;
			}
		}
	}
	rc = load_tree(c, err, errlen);
	if (rc < 0) {
		goto out;
	}
	*ret = c;
	c = NULL;
	goto out;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
out:
	sk_conf_free(c);
	return rc;
}

void sk_conf_free(struct sk_conf *c)
{
	if (!c) {
		return;
	}
	sk_strlist_free(&c->rules_files);
	sk_strlist_free(&c->load_plugins);
	for (size_t i = 0; i < c->nplugins; i++) {
		free(c->plugins[i].name);
		free(c->plugins[i].library_path);
		free(c->plugins[i].open_params);
		sk_strlist_free(&c->plugins[i].rules_files);
	}
	free(c->plugins);
	free(c->plugins_dir);
	free(c->replay_file);
	free(c->metrics_output_file);
	free(c->web_listen_address);
	free(c->web_healthz_path);
	free(c->web_ssl_certificate);
	sk_conf_files_fini(&c->includes);
	sk_cfg_free(c->root);
	free(c->path);
	free(c);
}
