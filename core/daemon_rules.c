/* core/daemon_rules.c - the daemon's rules: the field registry over the
 * loaded extractors and the sources that run, loading rule files with the
 * configuration's selections, -V and -L, and telling sources which event
 * types the rules need. */
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

/* ---- rules ---------------------------------------------------------------- */

/* drules_build_fields - the field registry: every extractor's fields, and the
 * sources that exist in this run. */
int drules_build_fields(struct daemon *d, char *err, size_t errlen)
{
	d->fields = sk_fields_create();
	if (d->fields == NULL) {
		return -ENOMEM;
	}
	int r = 0;
	if (d->conf->engine_kind == SK_ENGINE_EBPF || d->conf->engine_kind == SK_ENGINE_KMOD ||
	    d->conf->engine_kind == SK_ENGINE_AUTO) {
		r = sk_fields_add_source(d->fields, "syscall");
	}
	for (size_t i = 0; r == 0 && i < d->nsources; i++) {
		const char *src = sk_loader_event_source(d->sources[i].h);
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
			const struct sk_plugin_handle *h = d->plugins[i];
			if (sk_loader_event_source(h) != NULL) {
				r = sk_fields_add_source(d->fields, sk_loader_event_source(h));
			}
			const char *const *ps = h->def.parse ? h->def.parse->sources : NULL;
			for (size_t k = 0; r == 0 && ps && ps[k]; k++) {
				r = sk_fields_add_source(d->fields, ps[k]);
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
		sk_log(dg->level == SK_RULES_ERROR     ? SK_LOG_ERROR
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

/* drules_conf_files - the rule files of configuration c, in load order:
 * rules_files (or -r), then the rules_files of every loaded plugins: entry
 * (not with -r, which names every file to load). A source's own rules thus
 * load only when its plugin does, so the default start has no warnings
 * about rules of a source that is off. *ret_files (the strings borrowed
 * from c) is freed by the caller. */
int drules_conf_files(const struct daemon *d, const struct sk_conf *c, const char ***ret_files,
		      size_t *ret_n)
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
		if (!pset_listed((const char *const *)d->loaded_entries, d->nloaded_entries,
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

int drules_load_conf(struct daemon *d, const struct sk_conf *c, struct sk_rules **ret)
{
	const char **files = NULL;
	size_t n = 0;
	if (drules_conf_files(d, c, &files, &n) < 0) {
		SK_ERROR("rules: out of memory");
		return -ENOMEM;
	}
	int r = load_rules(d, c, files, n, d->opts->nrules_files == 0, ret);
	free(files);
	return r;
}

/* drules_push_event_types - tell every syscall source which event types the
 * rules use, so it can filter at the origin (the eBPF probe); NULL when a
 * rule matches every type. Called after the sources open and after every
 * rules reload. */
void drules_push_event_types(struct daemon *d)
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
		const char *src = sk_loader_event_source(s->h);
		const struct sk_source_ops *so = s->h->def.source;
		if (!s->opened || s->done || so->set_event_types == NULL || src == NULL ||
		    strcmp(src, "syscall") != 0) {
			continue;
		}
		if (so->set_event_types(s->h->inst, all ? NULL : types, all ? 0 : n) != SK_OK) {
			SK_WARN("source '%s' could not narrow its events to what the rules use: %s",
				s->h->def.name, sk_loader_last_error(s->h));
		}
	}
	free(types);
}

/* drules_validate - `-V FILE...`: load and compile the files, print every
 * problem, say per file whether it is valid. Exit 0 when all are. */
int drules_validate(struct daemon *d)
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

/* drules_list - `-L`: name, source, priority, enabled, tags. */
void drules_list(const struct sk_rules *r)
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
