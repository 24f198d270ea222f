/* core/plugin_set.c - the daemon's plugin set: the plugins the
 * configuration (plugins:, load_plugins:) and the command line
 * (--enable-source, --disable-source) ask for, the engine's own source, the
 * syscall source's extractors, and the outputs (checked even when disabled). */
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
#include "loader.h"
#include "log.h"
#include "loop.h"
#include "outputs.h"
#include "rules/engine.h"
#include "rules/fields.h"
#include "schema.h"
#include "daemon_priv.h"

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
		snprintf(
		    err, errlen,
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

bool pset_listed(const char *const *l, size_t n, const char *s)
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
static bool plugin_in_sources(const struct sk_plugin_handle *h, const char *const *l, size_t n)
{
	if (pset_listed(l, n, sk_loader_event_source(h))) {
		return true;
	}
	const char *const *lists[] = {h->def.extract ? h->def.extract->sources : NULL,
				      h->def.parse ? h->def.parse->sources : NULL};
	for (size_t i = 0; i < 2; i++) {
		for (const char *const *s = lists[i]; s != NULL && *s != NULL; s++) {
			if (pset_listed(l, n, *s)) {
				return true;
			}
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
	char *path =
	    sk_loader_resolve(d->conf->plugins_dir, p->library_path ? p->library_path : p->name);
	bool yes = path != NULL && sk_loader_open(path, &h, err, sizeof(err)) == 0 &&
		   plugin_in_sources(h, d->opts->enable_sources, d->opts->nenable_sources);
	sk_loader_close(h);
	free(path);
	return yes;
}

/* note_loaded_entry - remember that the plugins: entry `name` is loaded:
 * its rules_files join the rules (drules_conf_files). */
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

/* load_add - load_one() and add_plugin(); the plugin is closed again when
 * it cannot be added. */
static int load_add(struct daemon *d, const char *name_or_path, const struct sk_cfg_node *section,
		    const char *prefix, const char *expect_name, struct sk_plugin_handle **ret,
		    char *err, size_t errlen)
{
	int r = load_one(d, name_or_path, section, prefix, expect_name, ret, err, errlen);
	if (r < 0) {
		return r;
	}
	r = add_plugin(d, *ret, err, errlen);
	if (r < 0) {
		sk_loader_close(*ret);
		*ret = NULL;
	}
	return r;
}

/* load_entries - the plugins under plugins: that load_plugins selects (all
 * of them when load_plugins is absent, as in Falco; conf.c decides), or
 * that --enable-source asks for; a source that --disable-source names is
 * not loaded. */
static int load_entries(struct daemon *d, char *err, size_t errlen)
{
	const struct sk_conf *c = d->conf;
	for (size_t i = 0; i < c->nplugins; i++) {
		const struct sk_conf_plugin *p = &c->plugins[i];
		if (!p->load && !enabled_by_flag(d, p)) {
			continue;
		}
		struct sk_cfg_node *owned = NULL;
		const struct sk_cfg_node *section = NULL;
		int r = init_config_node(p, &owned, &section, err, errlen);
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
		const char *esrc = sk_loader_event_source(h);
		if (esrc != NULL &&
		    pset_listed(d->opts->disable_sources, d->opts->ndisable_sources, esrc)) {
			SK_INFO("plugin '%s' not loaded: source '%s' is disabled", h->def.name,
				esrc);
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
	return 0;
}

/* load_source_plugin - the source plugin `name`, configured from
 * engine.<name>. */
static int load_source_plugin(struct daemon *d, const char *name, struct sk_plugin_handle **ret,
			      char *err, size_t errlen)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "engine.%s", name);
	int r =
	    load_add(d, name, sk_cfg_get(d->conf->engine, name), prefix, NULL, ret, err, errlen);
	if (r == 0 && !sk_loader_has_cap(*ret, SK_CAP_SOURCE)) {
		snprintf(err, errlen, "%s: engine.kind needs a source plugin, but '%s' is not one",
			 (*ret)->path, (*ret)->def.name);
		return -EINVAL;
	}
	return r;
}

/* load_auto - engine.kind auto: both the ebpf and the kmod source are
 * loaded and configured now (a mistake under engine.ebpf or engine.kmod is
 * found on any host); which one runs is decided when the sources open
 * (pipe_open_sources): ebpf, or kmod when ebpf's open fails. The core
 * knows nothing of what the probe needs: the plugins' own errors say. */
static int load_auto(struct daemon *d, char *err, size_t errlen)
{
	struct sk_plugin_handle *eb = NULL, *km = NULL;
	int r = load_source_plugin(d, "ebpf", &eb, err, errlen);
	if (r == 0) {
		r = load_source_plugin(d, "kmod", &km, err, errlen);
	}
	if (r == 0) {
		r = add_source(d, eb, "");
	}
	if (r == 0) {
		d->sources[d->nsources - 1].fallback = km;
	}
	return r;
}

void pset_drop(struct daemon *d, struct sk_plugin_handle *h)
{
	for (size_t i = 0; i < d->nplugins; i++) {
		if (d->plugins[i] == h) {
			memmove(&d->plugins[i], &d->plugins[i + 1],
				(d->nplugins - i - 1) * sizeof(d->plugins[0]));
			d->nplugins--;
			sk_loader_close(h);
			return;
		}
	}
}

/* load_engine - the engine's own source: ebpf, kmod or replay (none for
 * engine.kind none), configured from its engine.* section. */
static int load_engine(struct daemon *d, char *err, size_t errlen)
{
	const struct sk_conf *c = d->conf;
	const char *engine_plugin = NULL;
	const char *engine_section = NULL;
	const char *engine_params = "";
	switch (c->engine_kind) {
	case SK_ENGINE_NONE:
		return 0;
	case SK_ENGINE_AUTO:
		return load_auto(d, err, errlen);
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
	const struct sk_cfg_node *section =
	    engine_section ? sk_cfg_get(c->engine, engine_section) : NULL;
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "engine.%s", engine_section ? engine_section : "");
	struct sk_plugin_handle *h = NULL;
	int r = load_add(d, engine_plugin, section, prefix, NULL, &h, err, errlen);
	if (r < 0) {
		return r;
	}
	if (!sk_loader_has_cap(h, SK_CAP_SOURCE)) {
		snprintf(err, errlen, "%s: engine.kind needs a source plugin, but '%s' is not one",
			 h->path, h->def.name);
		return -EINVAL;
	}
	return add_source(d, h, engine_params);
}

/* load_builtin_extractors - the syscall source's own extractors (state and
 * fields, container metadata): required for live capture, used when
 * installed for a replay (a capture may hold syscall records). */
static int load_builtin_extractors(struct daemon *d, char *err, size_t errlen)
{
	const struct sk_conf *c = d->conf;
	if (c->engine_kind == SK_ENGINE_NONE) {
		return 0;
	}
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
		int r = load_add(d, builtin[i], NULL, prefix, builtin[i], &h, err, errlen);
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

/* check_enabled_sources - --enable-source names a source some plugin must
 * produce (Falco refuses unknown sources too). */
static int check_enabled_sources(struct daemon *d, char *err, size_t errlen)
{
	for (size_t i = 0; i < d->opts->nenable_sources; i++) {
		const char *src = d->opts->enable_sources[i];
		bool found = strcmp(src, "syscall") == 0;
		for (size_t k = 0; k < d->nplugins && !found; k++) {
			found = pset_listed(&src, 1, sk_loader_event_source(d->plugins[k]));
		}
		if (!found &&
		    !pset_listed(d->opts->disable_sources, d->opts->ndisable_sources, src)) {
			snprintf(err, errlen,
				 "--enable-source %s: no plugin under plugins: produces that source",
				 src);
			return -EINVAL;
		}
	}
	return 0;
}

/* collect_parsers - parsers see every event of their sources, in load
 * order. */
static int collect_parsers(struct daemon *d)
{
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

int pset_load(struct daemon *d, char *err, size_t errlen)
{
	int r = load_entries(d, err, errlen);
	if (r == 0) {
		r = load_engine(d, err, errlen);
	}
	if (r == 0) {
		r = load_builtin_extractors(d, err, errlen);
	}
	if (r == 0) {
		r = check_enabled_sources(d, err, errlen);
	}
	if (r == 0) {
		r = collect_parsers(d);
	}
	return r;
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

int pset_create_outputs(struct daemon *d, const struct sk_conf *c, struct sk_outputs **ret,
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
	struct sk_format_opts fmt = c->fmt; /* the outputs keep a copy */
	fmt.hostname = d->hostname;
	return sk_outputs_create(c->plugins_dir, confs, n, &fmt, c->queue_capacity,
				 !c->buffered_outputs, ret, err, errlen);
}
