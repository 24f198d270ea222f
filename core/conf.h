/* core/conf.h - the daemon's configuration (shrike.yaml): load the file,
 * apply -o overrides, check every key, and expose typed settings.
 *
 * Keys follow falco.yaml where Falco has the concept. Unknown keys are errors
 * with file:line:col and the key path. Output and plugin sections are kept as
 * nodes and checked against the plugin's own schema when it is loaded.
 */
#ifndef SK_CORE_CONF_H
#define SK_CORE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/plugin.h>

#include "cfg.h"
#include "conf_files.h"
#include "outputs.h"
#include "websrv.h"

enum sk_engine_kind {
	SK_ENGINE_NONE = 0,   /* no live source (replay only, or idle) */
	SK_ENGINE_EBPF = 1,   /* sources/ebpf ("modern_ebpf" is accepted as a synonym) */
	SK_ENGINE_KMOD = 2,   /* sources/kmod */
	SK_ENGINE_REPLAY = 3, /* engine.replay.capture_file, same as -e */
	SK_ENGINE_AUTO = 4,   /* the default: ebpf, or kmod where the eBPF source cannot
			       * open (decided at open time, core/pipeline.c) */
};

/* One entry of `plugins:` (falco.yaml shape). */
struct sk_conf_plugin {
	char *name;
	char *library_path;		       /* as written; resolved against plugins_dir */
	const struct sk_cfg_node *init_config; /* borrowed from the tree, may be NULL;
						* a map or a scalar (JSON text) */
	char *open_params;		       /* may be NULL */
	struct sk_strlist rules_files;	       /* loaded after the top-level rules_files,
						* only when this plugin is loaded */
	const struct sk_cfg_node *node;	       /* the entry, for positions */
	bool load; /* Falco's rule: true for every entry when load_plugins is
		    * absent, else only for the names it lists */
};

/* One output section (stdout_output, file_output, syslog_output, ...).
 * sk_conf fills one entry per known section, in the fixed order stdout,
 * file, syslog, http, program, kafka, whether the section is present or not;
 * consumers start those with `enabled`. The section still holds `enabled`:
 * pass "enabled" in sk_schema_fill()'s skip list. */
struct sk_conf_output {
	const char *key;    /* "file_output" */
	const char *plugin; /* "file" */
	bool enabled;
	const struct sk_cfg_node *section; /* borrowed, may be NULL */
};

#define SK_CONF_MAX_OUTPUTS 8

struct sk_conf {
	struct sk_cfg_node *root; /* the whole tree, owned; sections point into it */
	char *path;		  /* config file, owned */
	struct sk_conf_files includes; /* what config_files merged into root */

	/* rules */
	struct sk_strlist rules_files;		 /* files and directories, in order */
	int min_priority;			 /* `priority:` (enum sk_priority) */
	const struct sk_cfg_node *rules_select;	 /* `rules:` enable/disable list, may be NULL */
	const struct sk_cfg_node *append_output; /* a sequence, may be NULL */

	/* alert rendering and delivery */
	struct sk_format_opts fmt; /* fmt.hostname is NULL here; the daemon sets it */
	bool buffered_outputs;
	uint64_t queue_capacity; /* outputs_queue.capacity; 0 = default */
	struct sk_conf_output outputs[SK_CONF_MAX_OUTPUTS];
	size_t noutputs;

	/* plugins */
	char *plugins_dir;
	struct sk_conf_plugin *plugins;
	size_t nplugins;
	struct sk_strlist load_plugins;

	/* engine */
	enum sk_engine_kind engine_kind;
	char *replay_file;		  /* engine.replay.capture_file */
	const struct sk_cfg_node *engine; /* the engine section, for source plugins */

	/* logging */
	int log_level;
	bool log_stderr;
	bool log_syslog;

	/* metrics (periodic internal alerts and log lines) */
	bool metrics_enabled;
	uint64_t metrics_interval_ms;
	bool metrics_output_rule;	   /* emit metrics as an internal alert */
	bool metrics_log;		   /* also log them */
	char *metrics_output_file;	   /* append snapshots as JSON lines; NULL: no */
	struct sk_metrics_groups {	   /* the groups a snapshot carries */
		bool resource;		   /* resource_utilization_enabled */
		bool state;		   /* state_counters_enabled */
		bool rules;		   /* rules_counters_enabled */
		bool kernel;		   /* kernel_event_counters_enabled */
		bool kernel_per_cpu;	   /* kernel_event_counters_per_cpu_enabled */
		bool libbpf;		   /* libbpf_stats_enabled */
		bool plugins;		   /* plugins_metrics_enabled */
		bool memory_mb;		   /* convert_memory_to_mb */
		bool empty_values;	   /* include_empty_values */
	} metrics_groups;
	const struct sk_cfg_node *metrics; /* the whole section (checked), may be NULL:
					    * Falco's finer switches live there */

	/* webserver: the health, /versions and /metrics pages (core/websrv.h);
	 * sk_conf_websrv() turns these into the server's settings */
	bool web_enabled;		 /* Shrike's default: false */
	unsigned web_threadiness;	 /* 0: one thread per CPU */
	char *web_listen_address;	 /* an IPv4 or IPv6 literal */
	unsigned web_listen_port;	 /* 0..65535 */
	char *web_healthz_path;		 /* k8s_healthz_endpoint */
	bool web_prometheus_metrics;	 /* prometheus_metrics_enabled: serve /metrics */
	bool web_prometheus_falco_names; /* /metrics also has Falco's falcosecurity_* names */
	bool web_ssl_enabled;
	char *web_ssl_certificate;	     /* one PEM file: private key and certificate */
	unsigned web_connection_limit;	     /* open connections at most */
	uint64_t web_connection_timeout_ms;  /* whole seconds (the server's unit), >= 1s */
	const struct sk_cfg_node *webserver; /* the section (checked), may be NULL */

	/* sections kept for their modules (shape checked: maps), may be NULL */
	const struct sk_cfg_node *syscall_event_drops;
	const struct sk_cfg_node *base_syscalls;
	bool watch_config_files; /* reload on change (default true) */
	bool drop_capabilities;	 /* after start keep SK_PRIVS_KEEP only (default true) */

	/* watchdog-ish timers */
	uint64_t shutdown_timeout_ms; /* how long outputs may take to drain at exit */
};

/* sk_conf_load - read `path` (NULL: the compiled-in default path), merge
 * the files its config_files lists (conf_files.h; overrides of config_files
 * itself apply before that), apply the other overrides in order
 * ("key.sub=value", see sk_cfg_override), check every key of the merged
 * tree and fill *ret. Relative paths in the file (rules_files, plugins_dir,
 * filenames) stay as written. Errors: -errno/-EINVAL with one line
 * "FILE:LINE:COL: KEYPATH: what is wrong" in err (an unknown top-level key
 * lists every valid key: give err 2 KiB). docs/configuration.md lists the
 * keys and their defaults. */
int sk_conf_load(const char *path, const char *const *overrides, size_t noverrides,
		 struct sk_conf **ret, char *err, size_t errlen);

/* sk_conf_websrv - the web server's settings from c, for sk_websrv_start()
 * (whether to start it at all is c->web_enabled). The strings in *out are
 * borrowed from c. */
void sk_conf_websrv(const struct sk_conf *c, struct sk_websrv_conf *out);

/* sk_conf_free - NULL ok. */
void sk_conf_free(struct sk_conf *c);

/* sk_conf_default_path - the compiled-in default config path
 * ($(sysconfdir)/shrike/shrike.yaml). */
const char *sk_conf_default_path(void);

#endif /* SK_CORE_CONF_H */
