/* core/listings.c - what --dry-run and --list print: the plan (plugins,
 * sources, outputs, rules) and the fields of every extractor. */
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

/* ---- plan, listing ------------------------------------------------------ */

const char *listing_engine_name(enum sk_engine_kind k)
{
	switch (k) {
	case SK_ENGINE_EBPF:
		return "ebpf";
	case SK_ENGINE_KMOD:
		return "kmod";
	case SK_ENGINE_REPLAY:
		return "replay";
	case SK_ENGINE_AUTO:
		return "auto";
	default:
		return "none";
	}
}

void listing_plan(struct daemon *d)
{
	const struct sk_conf *c = d->conf;
	char caps[64];
	printf("configuration: %s\n", c->path ? c->path : "(built-in defaults)");
	for (size_t i = 0; i < c->includes.nfiles; i++) {
		printf("  included: %s (%s)\n", c->includes.files[i].path,
		       sk_cfg_strategy_name(c->includes.files[i].strategy));
	}
	for (size_t i = 0; i < c->includes.missing.n; i++) {
		printf("  not found, skipped: %s\n", c->includes.missing.items[i]);
	}
	printf("plugins directory: %s\n", c->plugins_dir);
	printf("engine: %s%s\n", listing_engine_name(c->engine_kind),
	       c->engine_kind == SK_ENGINE_AUTO
		   ? " (ebpf where the kernel supports the probe, else kmod; decided at start)"
		   : "");
	printf("plugins:\n");
	for (size_t i = 0; i < d->nplugins; i++) {
		const struct sk_plugin_handle *h = d->plugins[i];
		printf("  %s %s (%s) from %s\n", h->def.name, h->def.version,
		       caps_text(sk_loader_caps(h), caps, sizeof(caps)), h->path);
	}
	if (d->nplugins == 0) {
		printf("  (none)\n");
	}
	printf("sources:\n");
	for (size_t i = 0; i < d->nsources; i++) {
		printf("  %s: %s\n", d->sources[i].h->def.name,
		       d->sources[i].open_params[0] ? d->sources[i].open_params
						    : "(no parameters)");
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
	if (drules_conf_files(d, c, &files, &nfiles) == 0) {
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
	static const char *const names[] = {"none",    "uint64",  "int64",  "bool",
					    "string",  "bytes",	  "ipaddr", "ipnet",
					    "abstime", "reltime", "port",   "list"};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

/* listing_fields - `--list [SOURCE]`: every field of the loaded extractors. */
void listing_fields(struct daemon *d)
{
	for (size_t i = 0; i < d->nplugins; i++) {
		const struct sk_plugin_handle *h = d->plugins[i];
		if (!sk_loader_has_cap(h, SK_CAP_EXTRACT)) {
			continue;
		}
		const struct sk_extract_ops *x = h->def.extract;
		if (d->opts->list_source && !sources_include(x->sources, d->opts->list_source)) {
			continue;
		}
		printf("Field class: %s (plugin %s %s)\n", h->def.name, h->def.name,
		       h->def.version);
		if (x->sources) {
			printf("Event sources:");
			for (const char *const *s = x->sources; *s; s++) {
				printf(" %s", *s);
			}
			printf("\n");
		}
		printf("\n");
		for (const struct sk_field *f = x->fields; f && f->name; f++) {
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

/* ---- --profile-rules ------------------------------------------------------ */

struct prow {
	const struct sk_rule *r;
	double ns; /* evaluation time, the timer's own cost taken out */
};

static int prow_cmp(const void *a, const void *b)
{
	const struct prow *x = a, *y = b;
	if (x->ns != y->ns) {
		return x->ns < y->ns ? 1 : -1;
	}
	return strcmp(x->r->name, y->r->name);
}

/* timer_cost - what one timed evaluation adds by itself: the least of many
 * back-to-back clock readings (ns). */
static double timer_cost(void)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < 10000; i++) {
		uint64_t t0 = sk_mono_ns();
		uint64_t t1 = sk_mono_ns();
		if (t1 - t0 < best) {
			best = t1 - t0;
		}
	}
	return (double)best;
}

void listing_profile(struct daemon *d, uint64_t ns)
{
	size_t n = d->rules ? sk_rules_count(d->rules) : 0;
	struct prow *rows = calloc(n ? n : 1, sizeof(*rows));
	if (rows == NULL) {
		SK_ERROR("--profile-rules: out of memory");
		return;
	}
	double tc = timer_cost(), total = 0;
	size_t nrows = 0, idle = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sk_rule *r = sk_rules_at(d->rules, i);
		if (!r->enabled || !r->loaded) {
			continue;
		}
		if (r->evals == 0) {
			idle++;
			continue;
		}
		double t = sk_rule_eval_ns(r) - tc * (double)r->evals;
		rows[nrows++] = (struct prow){r, t > 0 ? t : 0};
		total += t > 0 ? t : 0;
	}
	qsort(rows, nrows, sizeof(*rows), prow_cmp);
	printf("Rules by the time their conditions took: %" PRIu64 " events replayed from %s in "
	       "%.3f s\n",
	       d->nevents, d->opts->profile_rules, (double)ns / 1e9);
	printf("(every evaluation timed; %.0f ns of timer cost per evaluation taken out)\n\n", tc);
	printf("%4s %10s %6s %10s %8s %8s  %s\n", "rank", "total_ms", "share", "evals", "ns/eval",
	       "matches", "rule");
	for (size_t i = 0; i < nrows; i++) {
		const struct prow *p = &rows[i];
		printf("%4zu %10.3f %5.1f%% %10" PRIu64 " %8.1f %8" PRIu64 "  %s\n", i + 1,
		       p->ns / 1e6, total > 0 ? 100.0 * p->ns / total : 0.0, p->r->evals,
		       p->ns / (double)p->r->evals, p->r->matches, p->r->name);
	}
	printf("\n%zu rule(s) evaluated, %.3f ms in conditions (%.1f%% of the replay); %zu enabled "
	       "rule(s) never evaluated (no event of their types)\n",
	       nrows, total / 1e6, ns > 0 ? 100.0 * total / (double)ns : 0.0, idle);
	fflush(stdout);
	free(rows);
}
