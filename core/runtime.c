/* core/runtime.c - what a SIGHUP can change, built beside the running
 * daemon: the configuration (file, -o overrides and the command line's
 * replacements), the drop policy, the outputs and the compiled rules. Start
 * and reload build it the same way (rt_build) and install it the same way
 * (rt_install); a reload that fails to build leaves the running one
 * untouched. Plugins are loaded once, at start (plugin_set.c). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_priv.h"

/* ---- configuration ------------------------------------------------------ */

/* rt_load_conf - the config file plus -o overrides; -r replaces rules_files. */
int rt_load_conf(const struct sk_daemon_opts *o, struct sk_conf **ret, char *err, size_t errlen)
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
		    (c->engine_kind == SK_ENGINE_EBPF || c->engine_kind == SK_ENGINE_KMOD ||
		     c->engine_kind == SK_ENGINE_AUTO)) {
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
	sk_tbucket_init(&ret->bucket, rate, (double)dc.max_burst, sk_mono_ns());
	sk_schema_free(drops_params, &dc);
	return r;
}

/* ---- building and installing -------------------------------------------- */

int rt_build(struct daemon *d, struct sk_conf *conf, bool with_outputs, struct runtime *rt,
	     char *err, size_t errlen)
{
	memset(rt, 0, sizeof(*rt));
	rt->conf = conf;
	int r = parse_drop_policy(conf, &rt->drop_policy, err, errlen);
	if (r == 0 && with_outputs) {
		r = pset_create_outputs(d, conf, &rt->outputs, err, errlen);
		if (r < 0 && err[0] == '\0') {
			snprintf(err, errlen, "cannot create the outputs: %s", strerror(-r));
		}
	}
	if (r == 0 && drules_load_conf(d, conf, &rt->rules) < 0) {
		err[0] = '\0'; /* drules_load_conf logged every error */
		r = -EINVAL;
	}
	if (r < 0) {
		rt->conf = NULL; /* the caller's still */
		rt_free(rt);
	}
	return r;
}

void rt_install(struct daemon *d, struct runtime *rt)
{
	struct runtime old = {.conf = d->conf, .outputs = d->outputs, .rules = d->rules};
	d->conf = rt->conf;
	d->drop_policy = rt->drop_policy;
	d->outputs = rt->outputs;
	d->rules = rt->rules;
	sk_rules_carry_counters(d->rules, old.rules); /* a reload keeps them */
	if (d->rules != NULL) {
		/* rules_counters_enabled: false also stops timing the rules */
		sk_rules_set_cost_sampling(d->rules, d->conf->metrics_groups.rules
							 ? SK_RULES_COST_SAMPLING
							 : SK_RULES_COST_OFF);
	}
	memset(rt, 0, sizeof(*rt));
	if (old.outputs != NULL) {
		sk_outputs_stop(old.outputs, (unsigned)old.conf->shutdown_timeout_ms);
	}
	/* Nothing runs the old rules any more (this is the loop thread). At
	 * start the configuration is installed already (plugins needed it). */
	if (old.conf == d->conf) {
		old.conf = NULL;
	}
	rt_free(&old);
}

void rt_free(struct runtime *rt)
{
	sk_outputs_destroy(rt->outputs);
	sk_rules_destroy(rt->rules);
	sk_conf_free(rt->conf);
	memset(rt, 0, sizeof(*rt));
}
