/* core/daemon.c - one run of Shrike (see daemon.h).
 *
 * Two phases, as rsyslog does it: first everything is parsed, validated and
 * loaded (configuration, every plugin, every output) without touching the
 * outside world; `--dry-run` stops there and prints the plan. Then the
 * activation phase opens the capture file, starts the output threads, opens
 * the sources and runs the event loop.
 *
 * Per event: check the record, number it, let parser plugins update their
 * state, hand it to the rule engine (when one is loaded), append it to the
 * capture file. Alerts leave through the per-output queues (outputs.c) so a
 * slow output never stalls this loop.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "conf.h"
#include "daemon.h"
#include "lib/tbucket.h"
#include "loader.h"
#include "log.h"
#include "loop.h"
#include "outputs.h"
#include "rules/engine.h"
#include "rules/fields.h"
#include "schema.h"

#define ERRLEN 4096
#define MAX_BATCHES_PER_WAKEUP 64
#define DROP_CHECK_MS 1000

struct daemon;

struct source {
	struct daemon *d;
	struct sk_plugin_handle *h; /* owned by daemon.plugins */
	char *open_params;
	int fd;
	bool opened;
	bool done;
	bool busy; /* no descriptor: polled from the loop's busy callback */
};

/* syscall_event_drops (falco.yaml): what to do when sources lose events. */
struct drop_policy {
	bool log;
	bool alert;
	bool exit;
	struct sk_tbucket bucket; /* how often to act */
};

struct daemon {
	const struct sk_daemon_opts *opts;
	struct sk_conf *conf;
	struct sk_loop *loop;
	struct sk_outputs *outputs;
	struct sk_capture *capture;
	struct sk_format_opts fmt;
	char hostname[256];

	struct sk_plugin_handle **plugins; /* every non-output plugin, load order */
	size_t nplugins;
	char **loaded_entries; /* names of the plugins: entries loaded (their rules_files apply) */
	size_t nloaded_entries;
	struct source *sources;
	size_t nsources;
	size_t nactive;
	size_t nbusy;
	struct sk_plugin_handle **parsers;
	size_t nparsers;
	struct sk_fields *fields; /* every extractor's fields, for the rules */
	struct sk_rules *rules;	  /* NULL until loaded; swapped on reload */
	uint64_t nalerts;

	uint64_t nevents;
	uint64_t drops;	     /* from SK_EVT_DROP records */
	uint64_t drops_seen; /* drops already acted upon */
	uint64_t bad_records;
	struct drop_policy drop_policy;

	/* --capture: state records of the parsers (save_state) */
	uint64_t *state_buf; /* one record being built, 8-byte aligned */
	size_t state_cap;
	uint64_t state_records;	 /* written so far */
	uint64_t state_unclaimed; /* replayed ones no loaded plugin took */
	bool capture_failed;

	uint64_t metrics_last_events;
	struct timespec metrics_last;

	int exit_code;
};

/* ---- small helpers ------------------------------------------------------ */

static double elapsed_s(const struct timespec *from, const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) + (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool plugin_applies(const struct sk_plugin_handle *h, const char *source)
{
	if (h->def.sources == NULL) {
		return true;
	}
	for (const char *const *s = h->def.sources; *s != NULL; s++) {
		if (strcmp(*s, source) == 0) {
			return true;
		}
	}
	return false;
}

static const char *caps_text(unsigned caps, char *buf, size_t len)
{
	buf[0] = '\0';
	static const struct {
		unsigned cap;
		const char *name;
	} names[] = {{SK_CAP_SOURCE, "source"},
		     {SK_CAP_EXTRACT, "extract"},
		     {SK_CAP_PARSE, "parse"},
		     {SK_CAP_OUTPUT, "output"}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (caps & names[i].cap) {
			size_t used = strlen(buf);
			snprintf(buf + used, len - used, "%s%s", used ? "," : "", names[i].name);
		}
	}
	return buf;
}

/* ---- configuration ------------------------------------------------------ */

/* load_conf - the config file plus -o overrides; -r replaces rules_files. */
static int load_conf(const struct sk_daemon_opts *o, struct sk_conf **ret, char *err,
		     size_t errlen)
{
	int r = sk_conf_load(o->config_path, o->overrides, o->noverrides, ret, err, errlen);
	if (r < 0) {
		return r;
	}
	struct sk_conf *c = *ret;
	if (o->nrules_files > 0) {
		for (size_t i = 0; i < c->rules_files.n; i++) {
			free(c->rules_files.items[i]);
		}
		free(c->rules_files.items);
		c->rules_files.items = calloc(o->nrules_files, sizeof(char *));
		c->rules_files.n = 0;
		if (c->rules_files.items == NULL) {
			goto nomem;
		}
		for (size_t i = 0; i < o->nrules_files; i++) {
			c->rules_files.items[i] = strdup(o->rules_files[i]);
			if (c->rules_files.items[i] == NULL) {
				goto nomem;
			}
			c->rules_files.n++;
		}
	}
	if (o->replay_file != NULL) {
		c->engine_kind = SK_ENGINE_REPLAY;
		free(c->replay_file);
		c->replay_file = strdup(o->replay_file);
		if (c->replay_file == NULL) {
			goto nomem;
		}
	}
	if (o->unbuffered) {
		c->buffered_outputs = false;
	}
	for (size_t i = 0; i < o->ndisable_sources; i++) {
		if (strcmp(o->disable_sources[i], "syscall") == 0 &&
		    (c->engine_kind == SK_ENGINE_EBPF || c->engine_kind == SK_ENGINE_KMOD)) {
			c->engine_kind = SK_ENGINE_NONE; /* --disable-source syscall */
		}
	}
	return 0;
nomem:
	sk_conf_free(c);
	*ret = NULL;
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

/* parse_drop_policy - syscall_event_drops: {actions, rate, max_burst,
 * threshold, simulate_drops}. Defaults as Falco's: log and alert, at most
 * one action every 30 s. */
struct drops_conf {
	struct sk_strlist actions;
	char *rate;
	uint64_t max_burst;
	char *threshold;
	bool simulate_drops;
};

static const char *const drops_actions_default = "[log, alert]";
static const struct sk_param drops_params[] = {
	{.name = "actions",
	 .type = SK_PARAM_STRLIST,
	 .def = drops_actions_default,
	 .offset = offsetof(struct drops_conf, actions),
	 .desc = "ignore, log, alert or exit"},
	{.name = "rate",
	 .type = SK_PARAM_STR,
	 .def = "0.03333",
	 .offset = offsetof(struct drops_conf, rate),
	 .desc = "actions per second"},
	{.name = "max_burst",
	 .type = SK_PARAM_UINT,
	 .def = "1",
	 .offset = offsetof(struct drops_conf, max_burst),
	 .min = 1,
	 .max = 1000000,
	 .desc = "most actions in a burst"},
	{.name = "threshold",
	 .type = SK_PARAM_STR,
	 .def = "0.1",
	 .offset = offsetof(struct drops_conf, threshold),
	 .desc = "accepted for falco.yaml compatibility"},
	{.name = "simulate_drops",
	 .type = SK_PARAM_BOOL,
	 .def = "false",
	 .offset = offsetof(struct drops_conf, simulate_drops),
	 .desc = "accepted for falco.yaml compatibility"},
	{0},
};

static int parse_drop_policy(const struct sk_conf *c, struct drop_policy *ret, char *err,
			     size_t errlen)
{
	const struct sk_cfg_node *n = sk_cfg_get(c->root, "syscall_event_drops");
	struct drops_conf dc = {0};
	int r = sk_schema_fill(drops_params, n, "syscall_event_drops", NULL, &dc, err, errlen);
	if (r < 0) {
		return r;
	}
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < dc.actions.n; i++) {
		const char *a = dc.actions.items[i];
		if (strcmp(a, "log") == 0) {
			ret->log = true;
		} else if (strcmp(a, "alert") == 0) {
			ret->alert = true;
		} else if (strcmp(a, "exit") == 0) {
			ret->exit = true;
		} else if (strcmp(a, "ignore") != 0) {
			sk_cfg_errpos(err, errlen, n,
				      "syscall_event_drops.actions: unknown action '%s' (use "
				      "ignore, log, alert or exit)",
				      a);
			r = -EINVAL;
		}
	}
	char *end = NULL;
	double rate = strtod(dc.rate ? dc.rate : "0.03333", &end);
	if (r == 0 && (end == NULL || *end != '\0' || rate <= 0)) {
		sk_cfg_errpos(err, errlen, n,
			      "syscall_event_drops.rate: expected a positive number, got '%s'",
			      dc.rate ? dc.rate : "");
		r = -EINVAL;
	}
	sk_tbucket_init(&ret->bucket, rate, (double)dc.max_burst, sk_tbucket_now_ns());
	sk_schema_free(drops_params, &dc);
	return r;
}

/* ---- plugins -------------------------------------------------------------- */

static int add_plugin(struct daemon *d, struct sk_plugin_handle *h, char *err, size_t errlen)
{
	for (size_t i = 0; i < d->nplugins; i++) {
		if (strcmp(d->plugins[i]->def.name, h->def.name) == 0) {
			snprintf(err, errlen, "%s: plugin name '%s' is already used by %s", h->path,
				 h->def.name, d->plugins[i]->path);
			return -EEXIST;
		}
	}
	struct sk_plugin_handle **p = realloc(d->plugins, (d->nplugins + 1) * sizeof(*p));
	if (p == NULL) {
		return -ENOMEM;
	}
	d->plugins = p;
	d->plugins[d->nplugins++] = h;
	return 0;
}

static int add_source(struct daemon *d, struct sk_plugin_handle *h, const char *params)
{
	struct source *s = realloc(d->sources, (d->nsources + 1) * sizeof(*s));
	if (s == NULL) {
		return -ENOMEM;
	}
	d->sources = s;
	s = &d->sources[d->nsources];
	memset(s, 0, sizeof(*s));
	s->h = h;
	s->fd = -1;
	s->open_params = strdup(params ? params : "");
	if (s->open_params == NULL) {
		return -ENOMEM;
	}
	d->nsources++;
	return 0;
}

/* load_one - open, configure and initialise one plugin. */
static int load_one(struct daemon *d, const char *name_or_path, const struct sk_cfg_node *section,
		    const char *prefix, const char *expect_name, struct sk_plugin_handle **ret,
		    char *err, size_t errlen)
{
	struct sk_plugin_handle *h = NULL;
	char *path = sk_loader_resolve(d->conf->plugins_dir, name_or_path);
	if (path == NULL) {
		return -ENOMEM;
	}
	int r = sk_loader_open(path, &h, err, errlen);
	free(path);
	if (r < 0) {
		return r;
	}
	if (expect_name != NULL && strcmp(expect_name, h->def.name) != 0) {
		snprintf(err, errlen,
			 "%s: %s: the plugin calls itself '%s', but the configuration names it '%s'",
			 h->path, prefix, h->def.name, expect_name);
		r = -EINVAL;
		goto fail;
	}
	r = sk_loader_configure(h, section, prefix, NULL, err, errlen);
	if (r < 0) {
		goto fail;
	}
	r = sk_loader_init(h, h->def.name, err, errlen);
	if (r < 0) {
		goto fail;
	}
	*ret = h;
	return 0;
fail:
	sk_loader_close(h);
	return r;
}

/* init_config may be a map (YAML) or a string holding JSON/YAML, as Falco
 * allows; either way the plugin gets a map node. */
static int init_config_node(const struct sk_conf_plugin *p, struct sk_cfg_node **ret_owned,
			    const struct sk_cfg_node **ret, char *err, size_t errlen)
{
	*ret_owned = NULL;
	*ret = p->init_config;
	if (p->init_config == NULL || p->init_config->kind != SK_CFG_SCALAR) {
		return 0;
	}
	if (p->init_config->is_null || p->init_config->scalar[0] == '\0') {
		*ret = NULL;
		return 0;
	}
	char name[512];
	snprintf(name, sizeof(name), "%s:%u:%u (init_config of '%s')", p->init_config->file,
		 p->init_config->line, p->init_config->col, p->name);
	int r = sk_cfg_parse_string(name, p->init_config->scalar, strlen(p->init_config->scalar),
				    ret_owned, err, errlen);
	if (r < 0) {
		return r;
	}
	*ret = *ret_owned;
	return 0;
}

static bool listed(const char *const *l, size_t n, const char *s)
{
	for (size_t i = 0; s != NULL && i < n; i++) {
		if (strcmp(l[i], s) == 0) {
			return true;
		}
	}
	return false;
}

/* plugin_in_sources - whether a plugin belongs to one of the sources in l:
 * it produces them, or its fields apply to them. */
static bool plugin_in_sources(const struct sk_plugin *def, const char *const *l, size_t n)
{
	if (listed(l, n, def->event_source)) {
		return true;
	}
	for (const char *const *s = def->sources; s != NULL && *s != NULL; s++) {
		if (listed(l, n, *s)) {
			return true;
		}
	}
	return false;
}

/* enabled_by_flag - --enable-source SRC loads a plugins: entry that
 * load_plugins leaves out when the plugin belongs to SRC. */
static bool enabled_by_flag(struct daemon *d, const struct sk_conf_plugin *p)
{
	if (d->opts->nenable_sources == 0) {
		return false;
	}
	char err[ERRLEN];
	struct sk_plugin_handle *h = NULL;
	char *path = sk_loader_resolve(d->conf->plugins_dir,
				       p->library_path ? p->library_path : p->name);
	bool yes = path != NULL && sk_loader_open(path, &h, err, sizeof(err)) == 0 &&
		   plugin_in_sources(&h->def, d->opts->enable_sources, d->opts->nenable_sources);
	sk_loader_close(h);
	free(path);
	return yes;
}

/* note_loaded_entry - remember that the plugins: entry `name` is loaded:
 * its rules_files join the rules (conf_rules_files). */
static int note_loaded_entry(struct daemon *d, const char *name, char *err, size_t errlen)
{
	char **n = realloc(d->loaded_entries, (d->nloaded_entries + 1) * sizeof(*n));
	if (n == NULL || (n[d->nloaded_entries] = strdup(name)) == NULL) {
		if (n != NULL) {
			d->loaded_entries = n;
		}
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->loaded_entries = n;
	d->nloaded_entries++;
	return 0;
}

static int load_plugins(struct daemon *d, char *err, size_t errlen)
{
	const struct sk_conf *c = d->conf;
	int r;

	/* Plugins under plugins: that load_plugins selects (all of them when
	 * load_plugins is absent, as in Falco; conf.c decides). */
	for (size_t i = 0; i < c->nplugins; i++) {
		const struct sk_conf_plugin *p = &c->plugins[i];
		if (!p->load && !enabled_by_flag(d, p)) {
			continue;
		}
		struct sk_cfg_node *owned = NULL;
		const struct sk_cfg_node *section = NULL;
		r = init_config_node(p, &owned, &section, err, errlen);
		if (r < 0) {
			return r;
		}
		char prefix[256];
		snprintf(prefix, sizeof(prefix), "plugins.%s.init_config", p->name);
		struct sk_plugin_handle *h = NULL;
		r = load_one(d, p->library_path ? p->library_path : p->name, section, prefix,
			     p->name, &h, err, errlen);
		sk_cfg_free(owned);
		if (r < 0) {
			return r;
		}
		if (h->def.event_source != NULL &&
		    listed(d->opts->disable_sources, d->opts->ndisable_sources,
			   h->def.event_source)) {
			SK_INFO("plugin '%s' not loaded: source '%s' is disabled", h->def.name,
				h->def.event_source);
			sk_loader_close(h);
			continue;
		}
		r = add_plugin(d, h, err, errlen);
		if (r < 0) {
			sk_loader_close(h);
			return r;
		}
		r = note_loaded_entry(d, p->name, err, errlen);
		if (r < 0) {
			return r;
		}
		/* A replayed capture is the only source: plugins that produce
		 * events lend their fields to its records. */
		if (sk_loader_has_cap(h, SK_CAP_SOURCE) && c->engine_kind != SK_ENGINE_REPLAY) {
			r = add_source(d, h, p->open_params);
			if (r < 0) {
				return r;
			}
		}
	}

	/* The engine's own source. */
	const char *engine_plugin = NULL;
	const char *engine_section = NULL;
	const char *engine_params = "";
	switch (c->engine_kind) {
	case SK_ENGINE_NONE:
		break;
	case SK_ENGINE_EBPF:
		engine_plugin = "ebpf";
		engine_section = "ebpf";
		break;
	case SK_ENGINE_KMOD:
		engine_plugin = "kmod";
		engine_section = "kmod";
		break;
	case SK_ENGINE_REPLAY:
		engine_plugin = "replay";
		engine_params = c->replay_file;
		if (engine_params == NULL || engine_params[0] == '\0') {
			snprintf(err, errlen,
				 "engine.kind is replay but no capture file is given (set "
				 "engine.replay.capture_file or use -e FILE)");
			return -EINVAL;
		}
		break;
	}
	if (engine_plugin != NULL) {
		const struct sk_cfg_node *section =
			engine_section ? sk_cfg_get(c->engine, engine_section) : NULL;
		char prefix[64];
		snprintf(prefix, sizeof(prefix), "engine.%s", engine_section ? engine_section : "");
		struct sk_plugin_handle *h = NULL;
		r = load_one(d, engine_plugin, section, prefix, NULL, &h, err, errlen);
		if (r < 0) {
			return r;
		}
		r = add_plugin(d, h, err, errlen);
		if (r < 0) {
			sk_loader_close(h);
			return r;
		}
		if (!sk_loader_has_cap(h, SK_CAP_SOURCE)) {
			snprintf(err, errlen, "%s: engine.kind needs a source plugin, but '%s' is not one",
				 h->path, h->def.name);
			return -EINVAL;
		}
		r = add_source(d, h, engine_params);
		if (r < 0) {
			return r;
		}
	}

	/* The syscall source's own extractors (state and fields, container
	 * metadata): required for live capture, used when installed for a
	 * replay (a capture may hold syscall records). */
	if (c->engine_kind != SK_ENGINE_NONE) {
		static const char *const builtin[] = {"syscall", "container"};
		for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
			bool have = false;
			for (size_t k = 0; k < d->nplugins; k++) {
				have |= strcmp(d->plugins[k]->def.name, builtin[i]) == 0;
			}
			char *path = sk_loader_resolve(c->plugins_dir, builtin[i]);
			if (path == NULL) {
				return -ENOMEM;
			}
			bool exists = access(path, F_OK) == 0;
			free(path);
			if (have || (!exists && c->engine_kind == SK_ENGINE_REPLAY)) {
				continue;
			}
			struct sk_plugin_handle *h = NULL;
			char prefix[64];
			snprintf(prefix, sizeof(prefix), "engine.%s", builtin[i]);
			r = load_one(d, builtin[i], NULL, prefix, builtin[i], &h, err, errlen);
			if (r < 0) {
				return r;
			}
			r = add_plugin(d, h, err, errlen);
			if (r < 0) {
				sk_loader_close(h);
				return r;
			}
		}
	}

	/* --enable-source names a source some plugin must produce (Falco
	 * refuses unknown sources too). */
	for (size_t i = 0; i < d->opts->nenable_sources; i++) {
		const char *src = d->opts->enable_sources[i];
		bool found = strcmp(src, "syscall") == 0;
		for (size_t k = 0; k < d->nplugins && !found; k++) {
			found = listed(&src, 1, d->plugins[k]->def.event_source);
		}
		if (!found && !listed(d->opts->disable_sources, d->opts->ndisable_sources, src)) {
			snprintf(err, errlen,
				 "--enable-source %s: no plugin under plugins: produces that source",
				 src);
			return -EINVAL;
		}
	}

	/* Parsers see every event of their sources, in load order. */
	for (size_t i = 0; i < d->nplugins; i++) {
		if (sk_loader_has_cap(d->plugins[i], SK_CAP_PARSE)) {
			struct sk_plugin_handle **p =
				realloc(d->parsers, (d->nparsers + 1) * sizeof(*p));
			if (p == NULL) {
				return -ENOMEM;
			}
			d->parsers = p;
			d->parsers[d->nparsers++] = d->plugins[i];
		}
	}
	return 0;
}

/* check_disabled_outputs - a disabled output section is still checked
 * against its plugin's schema when the plugin is installed (unknown keys,
 * types, ranges), so a typo is found before someone turns the output on.
 * Required keys are not demanded of a disabled section. */
static int check_disabled_outputs(const struct sk_conf *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->noutputs; i++) {
		if (c->outputs[i].enabled || c->outputs[i].section == NULL) {
			continue;
		}
		struct sk_output_conf oc = {.plugin = c->outputs[i].plugin,
					    .key = c->outputs[i].key,
					    .section = c->outputs[i].section};
		struct sk_output_opts opts;
		int rc = sk_outputs_parse_opts(&oc, &opts, err, errlen);
		if (rc < 0) {
			return rc;
		}
		char *path = sk_loader_resolve(c->plugins_dir, c->outputs[i].plugin);
		if (path == NULL) {
			return -ENOMEM;
		}
		struct sk_plugin_handle *h = NULL;
		struct sk_param *params = NULL;
		void *cfg = NULL;
		int r = 0;
		if (access(path, F_OK) == 0) {
			r = sk_loader_open(path, &h, err, errlen);
		}
		if (r == 0 && h != NULL && h->def.params != NULL) {
			size_t n = 0;
			while (h->def.params[n].name != NULL) {
				n++;
			}
			params = calloc(n + 1, sizeof(*params));
			cfg = calloc(1, h->def.config_size ? h->def.config_size : 1);
			if (params == NULL || cfg == NULL) {
				r = -ENOMEM;
			} else {
				memcpy(params, h->def.params, n * sizeof(*params));
				for (size_t k = 0; k < n; k++) {
					params[k].flags &= ~SK_PARAM_REQUIRED;
				}
				r = sk_schema_fill(params, c->outputs[i].section, c->outputs[i].key,
						   sk_outputs_core_keys, cfg, err, errlen);
				if (r == 0) {
					sk_schema_free(params, cfg);
				}
			}
		}
		free(cfg);
		free(params);
		sk_loader_close(h);
		free(path);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static int create_outputs(struct daemon *d, const struct sk_conf *c, struct sk_outputs **ret,
			  char *err, size_t errlen)
{
	int r = check_disabled_outputs(c, err, errlen);
	if (r < 0) {
		return r;
	}
	struct sk_output_conf confs[SK_CONF_MAX_OUTPUTS];
	size_t n = 0;
	for (size_t i = 0; i < c->noutputs; i++) {
		if (!c->outputs[i].enabled) {
			continue;
		}
		confs[n].plugin = c->outputs[i].plugin;
		confs[n].key = c->outputs[i].key;
		confs[n].section = c->outputs[i].section;
		n++;
	}
	d->fmt = c->fmt;
	d->fmt.hostname = d->hostname;
	return sk_outputs_create(c->plugins_dir, confs, n, &d->fmt, c->queue_capacity,
				 !c->buffered_outputs, ret, err, errlen);
}

/* ---- rules ---------------------------------------------------------------- */

/* build_fields - the field registry: every extractor's fields, and the
 * sources that exist in this run. */
static int build_fields(struct daemon *d, char *err, size_t errlen)
{
	d->fields = sk_fields_create();
	if (d->fields == NULL) {
		return -ENOMEM;
	}
	int r = 0;
	if (d->conf->engine_kind == SK_ENGINE_EBPF || d->conf->engine_kind == SK_ENGINE_KMOD) {
		r = sk_fields_add_source(d->fields, "syscall");
	}
	for (size_t i = 0; r == 0 && i < d->nsources; i++) {
		const char *src = d->sources[i].h->def.event_source;
		if (src != NULL) {
			r = sk_fields_add_source(d->fields, src);
		}
	}
	/* A replayed capture may hold events of any source; the ones that can
	 * be read are those a loaded plugin produces (its event_source) or
	 * parses (the syscall plugin's "syscall"). Rules of other sources are
	 * skipped with one line, as at live start. */
	if (d->conf->engine_kind == SK_ENGINE_REPLAY) {
		for (size_t i = 0; r == 0 && i < d->nplugins; i++) {
			const struct sk_plugin *def = &d->plugins[i]->def;
			if (def->event_source != NULL) {
				r = sk_fields_add_source(d->fields, def->event_source);
			}
			bool parses = sk_loader_has_cap(d->plugins[i], SK_CAP_PARSE);
			for (size_t k = 0; r == 0 && parses && def->sources && def->sources[k]; k++) {
				r = sk_fields_add_source(d->fields, def->sources[k]);
			}
		}
	}
	/* No source at all (engine none, no source plugin, e.g. the shipped
	 * config with k8s_audit not enabled): rules of every source are
	 * skipped instead of failing on fields nobody provides. */
	if (r == 0 && sk_fields_source_count(d->fields) == 0) {
		r = sk_fields_add_source(d->fields, "none");
	}
	for (size_t i = 0; r == 0 && i < d->nplugins; i++) {
		struct sk_plugin_handle *h = d->plugins[i];
		if (sk_loader_has_cap(h, SK_CAP_EXTRACT)) {
			r = sk_fields_add_plugin(d->fields, &h->def, h->inst, err, errlen);
		}
	}
	return r;
}

/* report_diags - every rule error, warning and note, one line each. */
static void report_diags(const struct sk_rules *r)
{
	for (size_t i = 0; i < sk_rules_diag_count(r); i++) {
		const struct sk_rules_diag *dg = sk_rules_diag_at(r, i);
		sk_log(dg->level == SK_RULES_ERROR	  ? SK_LOG_ERROR
		       : dg->level == SK_RULES_WARNING ? SK_LOG_WARNING
						       : SK_LOG_INFO,
		       "%s", dg->msg);
	}
}

/* load_rules - load `files` (rules_files, or -r / -V paths), apply the
 * config's priority, rules: selection and append_output, compile. Paths
 * that do not exist are skipped with a warning when `missing_ok` (the
 * configured defaults), errors otherwise. Every diagnostic is logged.
 * Returns 0 with *ret set, or -EINVAL (errors were logged). */
static int load_rules(struct daemon *d, const struct sk_conf *c, const char *const *files,
		      size_t nfiles, bool missing_ok, struct sk_rules **ret)
{
	struct sk_rules *r = sk_rules_create(d->fields);
	if (r == NULL) {
		SK_ERROR("rules: out of memory");
		return -ENOMEM;
	}
	size_t loaded = 0;
	for (size_t i = 0; i < nfiles; i++) {
		if (missing_ok && access(files[i], F_OK) != 0 && errno == ENOENT) {
			SK_WARN("rules file %s does not exist; skipped", files[i]);
			continue;
		}
		sk_rules_load_path(r, files[i]);
		loaded++;
	}
	sk_rules_set_min_priority(r, c->min_priority);
	sk_rules_apply_config(r, c->rules_select);
	sk_rules_apply_append_config(r, c->append_output);
	sk_rules_compile(r);
	report_diags(r);
	if (sk_rules_error_count(r) > 0) {
		SK_ERROR("rules: %zu error(s); fix them, or check a file alone with shrike -V FILE",
			 sk_rules_error_count(r));
		sk_rules_destroy(r);
		return -EINVAL;
	}
	size_t n = sk_rules_count(r), enabled = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sk_rule *rule = sk_rules_at(r, i);
		enabled += rule->enabled && rule->loaded;
	}
	if (loaded == 0) {
		SK_WARN("no rules file could be loaded: no rule will fire");
	}
	SK_INFO("rules: %zu loaded, %zu enabled", n, enabled);
	*ret = r;
	return 0;
}

/* conf_rules_files - the rule files of configuration c, in load order:
 * rules_files (or -r), then the rules_files of every loaded plugins: entry
 * (not with -r, which names every file to load). A source's own rules thus
 * load only when its plugin does, so the default start has no warnings
 * about rules of a source that is off. *ret_files (the strings borrowed
 * from c) is freed by the caller. */
static int conf_rules_files(const struct daemon *d, const struct sk_conf *c,
			    const char ***ret_files, size_t *ret_n)
{
	size_t n = c->rules_files.n;
	bool plugin_rules = d->opts->nrules_files == 0;
	for (size_t i = 0; i < c->nplugins && plugin_rules; i++) {
		n += c->plugins[i].rules_files.n;
	}
	const char **files = calloc(n ? n : 1, sizeof(*files));
	if (files == NULL) {
		return -ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < c->rules_files.n; i++) {
		files[k++] = c->rules_files.items[i];
	}
	for (size_t i = 0; i < c->nplugins && plugin_rules; i++) {
		if (!listed((const char *const *)d->loaded_entries, d->nloaded_entries,
			    c->plugins[i].name)) {
			continue;
		}
		for (size_t j = 0; j < c->plugins[i].rules_files.n; j++) {
			files[k++] = c->plugins[i].rules_files.items[j];
		}
	}
	*ret_files = files;
	*ret_n = k;
	return 0;
}

static int load_conf_rules(struct daemon *d, const struct sk_conf *c, struct sk_rules **ret)
{
	const char **files = NULL;
	size_t n = 0;
	if (conf_rules_files(d, c, &files, &n) < 0) {
		SK_ERROR("rules: out of memory");
		return -ENOMEM;
	}
	int r = load_rules(d, c, files, n, d->opts->nrules_files == 0, ret);
	free(files);
	return r;
}

/* push_event_types - tell every syscall source which event types the
 * rules use, so it can filter at the origin (the eBPF probe); NULL when a
 * rule matches every type. Called after the sources open and after every
 * rules reload. */
static void push_event_types(struct daemon *d)
{
	uint16_t *types = NULL;
	size_t n = 0;
	bool all = false;
	for (size_t i = 0; d->rules != NULL && i < sk_rules_count(d->rules) && !all; i++) {
		const struct sk_rule *rule = sk_rules_at(d->rules, i);
		if (!rule->enabled || !rule->loaded || strcmp(rule->source, "syscall") != 0) {
			continue;
		}
		if (rule->evttypes == NULL) {
			all = true;
			break;
		}
		uint16_t *p = realloc(types, (n + rule->nevttypes) * sizeof(*p));
		if (p == NULL) {
			all = true; /* record everything rather than miss something */
			break;
		}
		types = p;
		for (size_t k = 0; k < rule->nevttypes; k++) {
			bool dup = false;
			for (size_t j = 0; j < n && !dup; j++) {
				dup = types[j] == rule->evttypes[k];
			}
			if (!dup) {
				types[n++] = rule->evttypes[k];
			}
		}
	}
	for (size_t i = 0; i < d->nsources; i++) {
		struct source *s = &d->sources[i];
		const char *src = s->h->def.event_source;
		if (!s->opened || s->done || s->h->def.set_event_types == NULL || src == NULL ||
		    strcmp(src, "syscall") != 0) {
			continue;
		}
		if (s->h->def.set_event_types(s->h->inst, all ? NULL : types, all ? 0 : n) !=
		    SK_OK) {
			SK_WARN("source '%s' could not narrow its events to what the rules use",
				s->h->def.name);
		}
	}
	free(types);
}

/* validate_rules - `-V FILE...`: load and compile the files, print every
 * problem, say per file whether it is valid. Exit 0 when all are. */
static int validate_rules(struct daemon *d)
{
	int bad = 0;
	for (size_t i = 0; i < d->opts->nvalidate; i++) {
		const char *f = d->opts->validate[i];
		struct sk_rules *r = NULL;
		if (load_rules(d, d->conf, &f, 1, false, &r) < 0) {
			printf("%s: Invalid\n", f);
			bad = 1;
		} else {
			printf("%s: Ok (%zu rules)\n", f, sk_rules_count(r));
			sk_rules_destroy(r);
		}
	}
	fflush(stdout);
	return bad ? SK_EXIT_RUNTIME : SK_EXIT_OK;
}

/* list_rules - `-L`: name, source, priority, enabled, tags. */
static void list_rules(const struct sk_rules *r)
{
	printf("%-50s %-10s %-13s %-7s %s\n", "Rule", "Source", "Priority", "Enabled", "Tags");
	for (size_t i = 0; i < sk_rules_count(r); i++) {
		const struct sk_rule *rule = sk_rules_at(r, i);
		printf("%-50s %-10s %-13s %-7s ", rule->name, rule->source,
		       sk_alert_priority_name(rule->priority),
		       rule->enabled ? (rule->loaded ? "yes" : "skipped") : "no");
		for (size_t t = 0; t < rule->ntags; t++) {
			printf("%s%s", t ? "," : "", rule->tags[t]);
		}
		printf("\n");
	}
	fflush(stdout);
}

/* ---- internal alerts ---------------------------------------------------- */

static void emit_internal(struct daemon *d, int priority, const char *rule, const char *message,
			  const struct sk_alert_field *fields, size_t nfields)
{
	static const char *const tags[] = {"shrike_internal"};
	struct sk_alert_in in = {
		.time_ns = now_ns(),
		.priority = priority,
		.rule = rule,
		.source = "internal",
		.message = message,
		.tags = tags,
		.ntags = 1,
		.fields = fields,
		.nfields = nfields,
	};
	if (d->outputs != NULL) {
		sk_outputs_emit(d->outputs, &in);
	}
}

static uint64_t source_drops(struct daemon *d)
{
	uint64_t total = d->drops;
	for (size_t i = 0; i < d->nsources; i++) {
		struct source *s = &d->sources[i];
		struct sk_source_stats st = {0};
		if (s->opened && s->h->def.stats != NULL && s->h->def.stats(s->h->inst, &st) == SK_OK) {
			total += st.drops;
		}
	}
	return total;
}

/* check_drops - act on events lost since the last check, at most `rate`
 * times a second (token bucket), as syscall_event_drops says. */
static void check_drops(struct sk_loop *loop, void *arg)
{
	struct daemon *d = arg;
	uint64_t total = source_drops(d);
	if (total <= d->drops_seen) {
		return;
	}
	struct drop_policy *p = &d->drop_policy;
	if (!sk_tbucket_take(&p->bucket, sk_tbucket_now_ns())) {
		return; /* counted; reported with the next action */
	}
	uint64_t lost = total - d->drops_seen;
	d->drops_seen = total;
	char msg[256];
	snprintf(msg, sizeof(msg),
		 "Event drops detected: %" PRIu64 " events lost (%" PRIu64 " in total, %" PRIu64
		 " events processed)",
		 lost, total, d->nevents);
	if (p->log) {
		SK_WARN("%s", msg);
	}
	if (p->alert) {
		struct sk_alert_field f[] = {
			{.name = "n_drops", .value = {.type = SK_TYPE_U64, .u64 = lost}},
			{.name = "n_drops_total", .value = {.type = SK_TYPE_U64, .u64 = total}},
			{.name = "n_evts", .value = {.type = SK_TYPE_U64, .u64 = d->nevents}},
		};
		emit_internal(d, SK_PRI_CRITICAL, "Shrike internal: event drops", msg, f, 3);
	}
	if (p->exit) {
		SK_ERROR("exiting because syscall_event_drops.actions includes exit");
		d->exit_code = SK_EXIT_RUNTIME;
		sk_loop_stop(loop);
	}
}

static uint64_t rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "re");
	unsigned long size = 0, resident = 0;
	if (f == NULL) {
		return 0;
	}
	if (fscanf(f, "%lu %lu", &size, &resident) != 2) {
		resident = 0;
	}
	fclose(f);
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* metrics_tick - periodic snapshot of the counters, logged and/or emitted
 * as an internal alert (falco.yaml's metrics.output_rule). */
static void metrics_tick(struct sk_loop *loop, void *arg)
{
	struct daemon *d = arg;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double secs = elapsed_s(&d->metrics_last, &now);
	double rate = secs > 0 ? (double)(d->nevents - d->metrics_last_events) / secs : 0;
	d->metrics_last = now;
	d->metrics_last_events = d->nevents;

	struct sk_output_stats os[SK_CONF_MAX_OUTPUTS];
	size_t nos = d->outputs ? sk_outputs_stats(d->outputs, os, SK_CONF_MAX_OUTPUTS) : 0;
	if (nos > SK_CONF_MAX_OUTPUTS) {
		nos = SK_CONF_MAX_OUTPUTS;
	}
	uint64_t drops = source_drops(d), rss = rss_bytes();
	uint64_t sent = 0, failed = 0, dropped = 0, depth = 0;
	for (size_t i = 0; i < nos; i++) {
		sent += os[i].sent;
		failed += os[i].failed;
		dropped += os[i].dropped;
		depth += os[i].queue_depth;
	}
	char msg[512];
	snprintf(msg, sizeof(msg),
		 "Metrics snapshot: events=%" PRIu64 " rate=%.1f/s drops=%" PRIu64
		 " alerts_sent=%" PRIu64 " alerts_failed=%" PRIu64 " alerts_dropped=%" PRIu64
		 " queued=%" PRIu64 " rss=%" PRIu64,
		 d->nevents, rate, drops, sent, failed, dropped, depth, rss);
	if (d->conf->metrics_log) {
		SK_INFO("%s", msg);
	}
	if (d->conf->metrics_output_rule) {
		struct sk_alert_field f[] = {
			{.name = "shrike.alerts_dropped", .value = {.type = SK_TYPE_U64, .u64 = dropped}},
			{.name = "shrike.alerts_failed", .value = {.type = SK_TYPE_U64, .u64 = failed}},
			{.name = "shrike.alerts_queued", .value = {.type = SK_TYPE_U64, .u64 = depth}},
			{.name = "shrike.alerts_sent", .value = {.type = SK_TYPE_U64, .u64 = sent}},
			{.name = "shrike.drops", .value = {.type = SK_TYPE_U64, .u64 = drops}},
			{.name = "shrike.events", .value = {.type = SK_TYPE_U64, .u64 = d->nevents}},
			{.name = "shrike.events_rate_sec",
			 .value = {.type = SK_TYPE_U64, .u64 = (uint64_t)(rate + 0.5)}},
			{.name = "shrike.rss_bytes", .value = {.type = SK_TYPE_U64, .u64 = rss}},
		};
		/* Per output: shrike.outputs.<key>.{sent,failed,dropped,ratelimited,queued} */
		enum { NBASE = sizeof(f) / sizeof(f[0]), NPER = 5, NPLUG = 64 };
		static const char *const per[NPER] = {"sent", "failed", "dropped", "ratelimited",
						      "queued"};
		struct sk_alert_field all[NBASE + SK_CONF_MAX_OUTPUTS * NPER + NPLUG];
		char names[SK_CONF_MAX_OUTPUTS * NPER + NPLUG][96];
		size_t nall = NBASE;
		memcpy(all, f, sizeof(f));
		for (size_t i = 0; i < nos; i++) {
			const uint64_t v[NPER] = {os[i].sent, os[i].failed, os[i].dropped,
						  os[i].ratelimited, os[i].queue_depth};
			for (size_t k = 0; k < NPER; k++) {
				char *nm = names[i * NPER + k];
				snprintf(nm, sizeof(names[0]), "shrike.outputs.%s.%s", os[i].name,
					 per[k]);
				all[nall].name = nm;
				all[nall].value = (struct sk_value){.type = SK_TYPE_U64, .u64 = v[k]};
				nall++;
			}
		}
		/* Plugins' own: shrike.plugins.<plugin>.<metric> */
		size_t nname = nos * NPER;
		for (size_t i = 0; i < d->nplugins; i++) {
			const struct sk_plugin_handle *h = d->plugins[i];
			const struct sk_metric *pm = NULL;
			size_t npm = 0;
			if (h->def.metrics == NULL || h->def.metrics(h->inst, &pm, &npm) != SK_OK) {
				continue;
			}
			for (size_t k = 0; k < npm && nname < nos * NPER + NPLUG; k++) {
				char *nm = names[nname++];
				snprintf(nm, sizeof(names[0]), "shrike.plugins.%s.%s", h->def.name,
					 pm[k].name);
				all[nall].name = nm;
				all[nall].value =
				    (struct sk_value){.type = SK_TYPE_U64, .u64 = pm[k].value};
				nall++;
			}
		}
		emit_internal(d, SK_PRI_INFORMATIONAL, "Shrike internal: metrics snapshot", msg,
			      all, nall);
	}
	(void)loop;
}

/* ---- events ------------------------------------------------------------- */

static void capture_failed(struct daemon *d, int rc)
{
	if (d->capture_failed) {
		return;
	}
	d->capture_failed = true;
	SK_ERROR("capture file: write failed: %s; stopping", strerror(rc < 0 ? -rc : EIO));
	d->exit_code = SK_EXIT_RUNTIME;
	sk_loop_stop(d->loop);
}

/* hand_state - an SK_EVT_STATE record (a replayed capture's saved state)
 * goes to the parse() of the plugin that saved it, and nowhere else. */
static void hand_state(struct daemon *d, const struct sk_evt_hdr *rec)
{
	const void *p;
	uint32_t len;
	if (sk_evt_param(rec, 0, &p, &len) != 0 || len == 0 ||
	    ((const char *)p)[len - 1] != '\0') {
		return;
	}
	struct sk_event ev = {.rec = rec, .num = d->nevents, .source = "syscall"};
	for (size_t i = 0; i < d->nparsers; i++) {
		struct sk_plugin_handle *h = d->parsers[i];
		if (strcmp(h->def.name, (const char *)p) == 0) {
			h->def.parse(h->inst, &ev);
			return;
		}
	}
	if (d->state_unclaimed++ == 0) {
		SK_WARN("the capture holds state saved by plugin '%s', which is not loaded: a "
			"replay without it may not give the live run's results",
			(const char *)p);
	}
}

/* save_state - api->save_state() of a parser while --capture is on: the
 * piece becomes an SK_EVT_STATE record, written before the event being
 * processed (handle_event writes the event last). */
static int save_state(void *ctx, const char *plugin, const void *data, size_t len)
{
	struct daemon *d = ctx;
	if (d->capture == NULL || d->capture_failed) {
		return SK_NA;
	}
	size_t nl = strlen(plugin) + 1;
	size_t total = SK_EVT_HDR_SIZE + 8 + nl + len;
	if (total > SK_EVT_MAX_LEN) {
		return SK_ERR;
	}
	if (total > d->state_cap) {
		size_t cap = total < 4096 ? 4096 : total;
		uint64_t *b = realloc(d->state_buf, cap);
		if (b == NULL) {
			return SK_ERR;
		}
		d->state_buf = b;
		d->state_cap = cap;
	}
	unsigned char *b = (unsigned char *)d->state_buf;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct sk_evt_hdr h = {
	    .ts = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec,
	    .len = (uint32_t)total,
	    .type = SK_EVT_STATE,
	    .nparams = 2,
	    .flags = SK_EVT_F_LARGE,
	};
	uint32_t l0 = (uint32_t)nl, l1 = (uint32_t)len;
	memcpy(b, &h, sizeof(h));
	memcpy(b + SK_EVT_HDR_SIZE, &l0, 4);
	memcpy(b + SK_EVT_HDR_SIZE + 4, &l1, 4);
	memcpy(b + SK_EVT_HDR_SIZE + 8, plugin, nl);
	memcpy(b + SK_EVT_HDR_SIZE + 8 + nl, data, len);
	int rc = sk_capture_write(d->capture, (const struct sk_evt_hdr *)b);
	if (rc < 0) {
		capture_failed(d, rc);
		return SK_ERR;
	}
	d->state_records++;
	return SK_OK;
}

/* snapshot_parsers - a capture file starts with the parsers' state, so a
 * replay begins where this run begins. */
static void snapshot_parsers(struct daemon *d)
{
	sk_loader_set_state_sink(save_state, d);
	for (size_t i = 0; i < d->nparsers; i++) {
		struct sk_plugin_handle *h = d->parsers[i];
		if (h->def.snapshot != NULL && h->def.snapshot(h->inst) != SK_OK) {
			SK_WARN("plugin '%s' could not save its state in the capture file: a "
				"replay may differ from this run",
				h->def.name);
		}
	}
	SK_INFO("capture file: %" PRIu64 " state records saved at the start", d->state_records);
}

static void handle_event(struct daemon *d, const struct source *s, const struct sk_evt_hdr *rec)
{
	if (((uintptr_t)rec & 7u) != 0 || sk_evt_check(rec, rec->len) != 0) {
		/* A plugin broke its contract (plugin.h: aligned, well-formed
		 * records); count, say so now and then. */
		if (d->bad_records++ % 10000 == 0) {
			SK_ERROR("source '%s' delivered a misaligned or malformed event record; "
				 "%" PRIu64 " so far, skipped",
				 s->h->def.name, d->bad_records);
		}
		return;
	}
	if (rec->type == SK_EVT_STATE) {
		hand_state(d, rec);
		int rc = d->capture != NULL ? sk_capture_write(d->capture, rec) : 0;
		if (rc < 0) {
			capture_failed(d, rc);
		}
		d->state_records += d->capture != NULL;
		return;
	}
	d->nevents++;
	struct sk_event ev = {
		.rec = rec,
		.num = d->nevents,
		.source = s->h->def.event_source ? s->h->def.event_source : sk_evt_source_name(rec),
	};
	if (rec->type == SK_EVT_DROP) {
		const void *p;
		uint32_t len;
		uint64_t n;
		if (sk_evt_param(rec, 0, &p, &len) == 0 && len == sizeof(n)) {
			memcpy(&n, p, sizeof(n));
			d->drops += n;
		}
	}
	for (size_t i = 0; i < d->nparsers; i++) {
		struct sk_plugin_handle *h = d->parsers[i];
		if (plugin_applies(h, ev.source)) {
			h->def.parse(h->inst, &ev);
		}
	}
	if (d->rules != NULL) {
		const struct sk_rule *const *matched = NULL;
		size_t n = sk_rules_eval(d->rules, &ev, &matched);
		for (size_t i = 0; i < n; i++) {
			struct sk_alert_in in;
			if (sk_rules_alert(d->rules, matched[i], &ev, &in) == 0) {
				sk_outputs_emit(d->outputs, &in);
				d->nalerts++;
			}
		}
	}
	int rc = d->capture != NULL ? sk_capture_write(d->capture, rec) : 0;
	if (rc < 0) {
		capture_failed(d, rc);
	}
}

static void source_finish(struct daemon *d, struct source *s)
{
	if (s->done) {
		return;
	}
	s->done = true;
	if (s->fd >= 0) {
		sk_loop_del_fd(d->loop, s->fd);
	}
	if (s->busy) {
		d->nbusy--;
	}
	d->nactive--;
	if (d->nactive == 0) {
		SK_INFO("all sources finished after %" PRIu64 " events", d->nevents);
		sk_loop_stop(d->loop);
	}
}

/* pump - run one batch; returns true when more may be ready right away. */
static bool pump(struct daemon *d, struct source *s)
{
	const struct sk_evt_hdr *const *evs = NULL;
	size_t n = 0;
	char err[ERRLEN] = "";
	int rc = s->h->def.next_batch(s->h->inst, &evs, &n, err, sizeof(err));
	switch (rc) {
	case SK_OK:
		for (size_t i = 0; i < n && !s->done; i++) {
			handle_event(d, s, evs[i]);
		}
		return true;
	case SK_RETRY:
		return false;
	case SK_EOF:
		SK_INFO("source '%s' reached its end", s->h->def.name);
		source_finish(d, s);
		return false;
	default:
		SK_ERROR("source '%s' failed: %s", s->h->def.name, err[0] ? err : "unknown error");
		d->exit_code = SK_EXIT_RUNTIME;
		source_finish(d, s);
		sk_loop_stop(d->loop);
		return false;
	}
}

static void on_source_ready(struct sk_loop *loop, int fd, uint32_t events, void *arg)
{
	struct source *s = arg;
	for (int i = 0; i < MAX_BATCHES_PER_WAKEUP && !s->done; i++) {
		if (!pump(s->d, s)) {
			break;
		}
	}
	(void)loop;
	(void)fd;
	(void)events;
}

static bool on_busy(struct sk_loop *loop, void *arg)
{
	struct daemon *d = arg;
	for (size_t i = 0; i < d->nsources; i++) {
		struct source *s = &d->sources[i];
		if (s->busy && !s->done) {
			pump(d, s);
		}
	}
	(void)loop;
	return d->nbusy > 0;
}

/* ---- signals and reload -------------------------------------------------- */

static void reload(struct daemon *d)
{
	char err[ERRLEN] = "";
	struct sk_conf *nc = NULL;
	struct sk_outputs *no = NULL;
	struct drop_policy dp;
	SK_NOTICE("SIGHUP: reloading the configuration");
	int r = load_conf(d->opts, &nc, err, sizeof(err));
	if (r == 0) {
		r = parse_drop_policy(nc, &dp, err, sizeof(err));
	}
	struct sk_rules *nr = NULL;
	if (r == 0 && load_conf_rules(d, nc, &nr) < 0) {
		snprintf(err, sizeof(err), "the rules have errors (logged above)");
		r = -EINVAL;
	}
	if (r == 0) {
		r = create_outputs(d, nc, &no, err, sizeof(err));
	}
	if (r == 0) {
		r = sk_outputs_start(no, err, sizeof(err));
	}
	if (r < 0) {
		SK_ERROR("reload failed, keeping the running configuration: %s", err);
		sk_rules_destroy(nr);
		sk_outputs_destroy(no);
		sk_conf_free(nc);
		d->fmt = d->conf->fmt;
		d->fmt.hostname = d->hostname;
		return;
	}
	if (nc->engine_kind != d->conf->engine_kind || nc->nplugins != d->conf->nplugins ||
	    nc->load_plugins.n != d->conf->load_plugins.n) {
		SK_NOTICE("changes to engine and plugins take effect at the next restart");
	}
	struct sk_outputs *old = d->outputs;
	d->outputs = no;
	sk_outputs_stop(old, (unsigned)d->conf->shutdown_timeout_ms);
	sk_outputs_destroy(old);
	sk_rules_destroy(d->rules);
	d->rules = nr;
	push_event_types(d);
	sk_conf_free(d->conf);
	d->conf = nc;
	d->drop_policy = dp;
	sk_log_setup(nc->log_level, nc->log_stderr, nc->log_syslog);
	SK_NOTICE("configuration and rules reloaded");
}

static void on_signal(struct sk_loop *loop, int signo, void *arg)
{
	struct daemon *d = arg;
	switch (signo) {
	case SIGINT:
	case SIGTERM:
		SK_NOTICE("%s: stopping; delivering queued alerts",
			  signo == SIGINT ? "SIGINT" : "SIGTERM");
		sk_loop_stop(loop);
		break;
	case SIGHUP:
		reload(d);
		break;
	case SIGUSR1:
		SK_NOTICE("SIGUSR1: reopening output files");
		sk_outputs_reopen(d->outputs);
		break;
	default:
		break;
	}
}

/* ---- plan, listing ------------------------------------------------------ */

static const char *engine_name(enum sk_engine_kind k)
{
	switch (k) {
	case SK_ENGINE_EBPF:
		return "ebpf";
	case SK_ENGINE_KMOD:
		return "kmod";
	case SK_ENGINE_REPLAY:
		return "replay";
	default:
		return "none";
	}
}

static void print_plan(struct daemon *d)
{
	const struct sk_conf *c = d->conf;
	char caps[64];
	printf("configuration: %s\n", c->path ? c->path : "(built-in defaults)");
	printf("plugins directory: %s\n", c->plugins_dir);
	printf("engine: %s\n", engine_name(c->engine_kind));
	printf("plugins:\n");
	for (size_t i = 0; i < d->nplugins; i++) {
		const struct sk_plugin_handle *h = d->plugins[i];
		printf("  %s %s (%s) from %s\n", h->def.name, h->def.version,
		       caps_text(h->def.caps, caps, sizeof(caps)), h->path);
	}
	if (d->nplugins == 0) {
		printf("  (none)\n");
	}
	printf("sources:\n");
	for (size_t i = 0; i < d->nsources; i++) {
		printf("  %s: %s\n", d->sources[i].h->def.name,
		       d->sources[i].open_params[0] ? d->sources[i].open_params : "(no parameters)");
	}
	if (d->nsources == 0) {
		printf("  (none: waiting for signals only)\n");
	}
	printf("outputs:\n");
	struct sk_output_stats os[SK_CONF_MAX_OUTPUTS];
	size_t nos = sk_outputs_stats(d->outputs, os, SK_CONF_MAX_OUTPUTS);
	for (size_t i = 0; i < nos && i < SK_CONF_MAX_OUTPUTS; i++) {
		printf("  %s\n", os[i].name);
	}
	if (nos == 0) {
		printf("  (none)\n");
	}
	printf("alert format: %s%s\n", c->fmt.json_output ? "json" : "text",
	       c->buffered_outputs ? "" : ", unbuffered");
	printf("rules files:\n");
	const char **files = NULL;
	size_t nfiles = 0;
	if (conf_rules_files(d, c, &files, &nfiles) == 0) {
		for (size_t i = 0; i < nfiles; i++) {
			printf("  %s\n", files[i]);
		}
		free(files);
	}
	if (d->rules != NULL) {
		size_t n = sk_rules_count(d->rules), enabled = 0;
		for (size_t i = 0; i < n; i++) {
			const struct sk_rule *rule = sk_rules_at(d->rules, i);
			enabled += rule->enabled && rule->loaded;
		}
		printf("rules: %zu loaded, %zu enabled\n", n, enabled);
	}
	if (d->opts->capture_file) {
		printf("capture: %s\n", d->opts->capture_file);
	}
	fflush(stdout);
}

static const char *type_name(uint32_t t)
{
	static const char *const names[] = {"none",    "uint64",  "int64",	"bool",
					    "string",  "bytes",	  "ipaddr",	"ipnet",
					    "abstime", "reltime", "port",	"list"};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

/* list_fields - `--list [SOURCE]`: every field of the loaded extractors. */
static void list_fields(struct daemon *d)
{
	for (size_t i = 0; i < d->nplugins; i++) {
		const struct sk_plugin_handle *h = d->plugins[i];
		if (!sk_loader_has_cap(h, SK_CAP_EXTRACT)) {
			continue;
		}
		if (d->opts->list_source && !plugin_applies(h, d->opts->list_source)) {
			continue;
		}
		printf("Field class: %s (plugin %s %s)\n", h->def.name, h->def.name,
		       h->def.version);
		if (h->def.sources) {
			printf("Event sources:");
			for (const char *const *s = h->def.sources; *s; s++) {
				printf(" %s", *s);
			}
			printf("\n");
		}
		printf("\n");
		for (const struct sk_field *f = h->def.fields; f && f->name; f++) {
			if (f->flags & SK_FIELD_HIDDEN) {
				continue;
			}
			char ty[32];
			snprintf(ty, sizeof(ty), "(Type: %s%s)", type_name(f->type),
				 (f->flags & SK_FIELD_LIST) ? " list" : "");
			printf("%-30s %-20s %s\n", f->name, ty, f->desc ? f->desc : "");
		}
		printf("\n");
	}
}

/* ---- run ---------------------------------------------------------------- */

static int open_sources(struct daemon *d, char *err, size_t errlen)
{
	for (size_t i = 0; i < d->nsources; i++) {
		struct source *s = &d->sources[i];
		int fd = -1;
		int r = s->h->def.open(s->h->inst, s->open_params, &fd, err, errlen);
		if (r != SK_OK) {
			char msg[ERRLEN];
			snprintf(msg, sizeof(msg), "source '%s' could not start: %s", s->h->def.name,
				 err[0] ? err : "unknown error");
			snprintf(err, errlen, "%s", msg);
			return -EIO;
		}
		s->opened = true;
		s->fd = fd;
		d->nactive++;
		if (fd >= 0) {
			s->d = d;
			r = sk_loop_add_fd(d->loop, fd, on_source_ready, s);
			if (r < 0) {
				snprintf(err, errlen, "source '%s': cannot watch its descriptor: %s",
					 s->h->def.name, strerror(-r));
				return r;
			}
		} else {
			s->busy = true;
			d->nbusy++;
		}
		SK_INFO("source '%s' started%s%s", s->h->def.name, s->open_params[0] ? ": " : "",
			s->open_params);
	}
	if (d->nbusy > 0) {
		sk_loop_set_busy(d->loop, on_busy, d);
	}
	return 0;
}

static void close_sources(struct daemon *d)
{
	for (size_t i = 0; i < d->nsources; i++) {
		struct source *s = &d->sources[i];
		if (s->opened) {
			if (!s->done && s->fd >= 0) {
				sk_loop_del_fd(d->loop, s->fd);
			}
			s->h->def.close(s->h->inst);
			s->opened = false;
		}
	}
}

int sk_daemon_run(const struct sk_daemon_opts *opts)
{
	struct daemon d = {.opts = opts, .exit_code = SK_EXIT_OK};
	char err[ERRLEN] = "";
	int r;

	if (gethostname(d.hostname, sizeof(d.hostname) - 1) != 0) {
		snprintf(d.hostname, sizeof(d.hostname), "localhost");
	}

	/* Phase 1: parse, validate, load. Nothing outside is touched. */
	r = load_conf(opts, &d.conf, err, sizeof(err));
	if (r < 0) {
		SK_ERROR("%s", err);
		return SK_EXIT_CONFIG;
	}
	sk_log_setup(d.conf->log_level, d.conf->log_stderr, d.conf->log_syslog);
	r = parse_drop_policy(d.conf, &d.drop_policy, err, sizeof(err));
	if (r == 0) {
		r = load_plugins(&d, err, sizeof(err));
	}
	if (r == 0) {
		r = build_fields(&d, err, sizeof(err));
	}
	if (r < 0) {
		SK_ERROR("%s", err[0] ? err : strerror(-r));
		d.exit_code = SK_EXIT_CONFIG;
		goto out;
	}
	if (opts->list_fields) {
		list_fields(&d);
		goto out;
	}
	if (opts->nvalidate > 0) {
		d.exit_code = validate_rules(&d);
		goto out;
	}
	if (!opts->list_rules) {
		r = create_outputs(&d, d.conf, &d.outputs, err, sizeof(err));
		if (r < 0) {
			SK_ERROR("%s", err[0] ? err : strerror(-r));
			d.exit_code = SK_EXIT_CONFIG;
			goto out;
		}
	}
	if (load_conf_rules(&d, d.conf, &d.rules) < 0) {
		d.exit_code = SK_EXIT_CONFIG;
		goto out;
	}
	if (opts->list_rules) {
		list_rules(d.rules);
		goto out;
	}
	if (opts->dry_run) {
		print_plan(&d);
		goto out;
	}

	/* Phase 2: activate. */
	d.loop = sk_loop_create(on_signal, &d);
	if (d.loop == NULL) {
		SK_ERROR("cannot create the event loop: %s", strerror(errno));
		d.exit_code = SK_EXIT_RUNTIME;
		goto out;
	}
	if (opts->capture_file != NULL) {
		r = sk_capture_open(opts->capture_file, d.hostname, &d.capture, err, sizeof(err));
		if (r < 0) {
			SK_ERROR("%s", err);
			d.exit_code = SK_EXIT_RUNTIME;
			goto out;
		}
		/* Recording a replay copies the file's own state records. */
		if (d.conf->engine_kind != SK_ENGINE_REPLAY) {
			snapshot_parsers(&d);
		}
	}
	r = sk_outputs_start(d.outputs, err, sizeof(err));
	if (r == 0) {
		r = open_sources(&d, err, sizeof(err));
	}
	if (r < 0) {
		SK_ERROR("%s", err);
		d.exit_code = SK_EXIT_RUNTIME;
		goto out;
	}
	push_event_types(&d);
	if (sk_loop_add_timer(d.loop, DROP_CHECK_MS, check_drops, &d) < 0) {
		SK_WARN("cannot start the drop-check timer: event drops will not be reported");
	}
	if (d.conf->metrics_enabled && d.conf->metrics_interval_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &d.metrics_last);
		if (sk_loop_add_timer(d.loop, d.conf->metrics_interval_ms, metrics_tick, &d) < 0) {
			SK_WARN("cannot start the metrics timer");
		}
	}
	SK_NOTICE("Shrike %s running: %zu source(s), %zu plugin(s), engine %s", PACKAGE_VERSION,
		  d.nsources, d.nplugins, engine_name(d.conf->engine_kind));
	if (d.nsources == 0 || d.nactive > 0) {
		r = sk_loop_run(d.loop);
		if (r < 0) {
			d.exit_code = SK_EXIT_RUNTIME;
		}
	}
	/* Final drop report, then stop in order: sources, capture, outputs. */
	sk_tbucket_fill(&d.drop_policy.bucket);
	check_drops(d.loop, &d);

out:
	close_sources(&d);
	sk_loader_set_state_sink(NULL, NULL);
	free(d.state_buf);
	if (d.capture != NULL) {
		uint64_t n = sk_capture_count(d.capture) - d.state_records;
		if (sk_capture_close(d.capture, source_drops(&d)) < 0) {
			SK_ERROR("capture file %s: closing failed: %s", opts->capture_file,
				 strerror(errno));
			d.exit_code = SK_EXIT_RUNTIME;
		} else {
			SK_INFO("capture file %s: %" PRIu64 " events and %" PRIu64
				" state records written",
				opts->capture_file, n, d.state_records);
		}
	}
	if (d.outputs != NULL) {
		sk_outputs_stop(d.outputs, (unsigned)d.conf->shutdown_timeout_ms);
		sk_outputs_destroy(d.outputs);
	}
	/* Rules and the field registry point into plugin tables: first. */
	sk_rules_destroy(d.rules);
	sk_fields_destroy(d.fields);
	for (size_t i = d.nplugins; i > 0; i--) {
		sk_loader_close(d.plugins[i - 1]);
	}
	for (size_t i = 0; i < d.nsources; i++) {
		free(d.sources[i].open_params);
	}
	free(d.sources);
	free(d.plugins);
	free(d.parsers);
	for (size_t i = 0; i < d.nloaded_entries; i++) {
		free(d.loaded_entries[i]);
	}
	free(d.loaded_entries);
	sk_loop_destroy(d.loop);
	sk_conf_free(d.conf);
	return d.exit_code;
}
