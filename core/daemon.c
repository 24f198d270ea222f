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
#include "loader.h"
#include "log.h"
#include "loop.h"
#include "outputs.h"
#include "rules/engine.h"
#include "rules/fields.h"
#include "schema.h"
#include "daemon_priv.h"

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
	sk_tbucket_init(&ret->bucket, rate, (double)dc.max_burst, sk_mono_ns());
	sk_schema_free(drops_params, &dc);
	return r;
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

/* parse_event - one parser takes one event. A failure is counted (the
 * plugin's parse_errors metric) and its reason logged at most once every
 * PARSE_ERROR_LOG_S seconds; the event goes on to the rules regardless. */
static void parse_event(struct sk_plugin_handle *h, const struct sk_event *ev)
{
	if (h->def.parse->parse(h->inst, ev) == SK_OK) {
		return;
	}
	h->parse_errors++;
	uint64_t now = sk_mono_ns();
	if (h->parse_logged_ns == 0 ||
	    now - h->parse_logged_ns >= PARSE_ERROR_LOG_S * 1000000000ull) {
		h->parse_logged_ns = now;
		SK_WARN("plugin '%s' could not parse event %" PRIu64 " (%s): %s; %" PRIu64
			" parse error(s) so far",
			h->def.name, ev->num, ev->source, sk_loader_last_error(h), h->parse_errors);
	}
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
			parse_event(h, &ev);
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
	struct sk_evt_hdr h = {
	    .ts = sk_real_ns(),
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
		const struct sk_parse_ops *po = h->def.parse;
		if (po->snapshot != NULL && po->snapshot(h->inst) != SK_OK) {
			SK_WARN("plugin '%s' could not save its state in the capture file (%s): a "
				"replay may differ from this run",
				h->def.name, sk_loader_last_error(h));
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
	    .source = sk_loader_event_source(s->h) ? sk_loader_event_source(s->h)
						   : sk_evt_source_name(rec),
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
		if (sources_include(h->def.parse->sources, ev.source)) {
			parse_event(h, &ev);
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
	int rc = s->h->def.source->next_batch(s->h->inst, &evs, &n, err, sizeof(err));
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
	if (r == 0 && drules_load_conf(d, nc, &nr) < 0) {
		snprintf(err, sizeof(err), "the rules have errors (logged above)");
		r = -EINVAL;
	}
	if (r == 0) {
		r = pset_create_outputs(d, nc, &no, err, sizeof(err));
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
	drules_push_event_types(d);
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

/* ---- run ---------------------------------------------------------------- */

static int open_sources(struct daemon *d, char *err, size_t errlen)
{
	for (size_t i = 0; i < d->nsources; i++) {
		struct source *s = &d->sources[i];
		int fd = -1;
		int r = s->h->def.source->open(s->h->inst, s->open_params, &fd, err, errlen);
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
			s->h->def.source->close(s->h->inst);
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
		r = pset_load(&d, err, sizeof(err));
	}
	if (r == 0) {
		r = drules_build_fields(&d, err, sizeof(err));
	}
	if (r < 0) {
		SK_ERROR("%s", err[0] ? err : strerror(-r));
		d.exit_code = SK_EXIT_CONFIG;
		goto out;
	}
	if (opts->list_fields) {
		listing_fields(&d);
		goto out;
	}
	if (opts->nvalidate > 0) {
		d.exit_code = drules_validate(&d);
		goto out;
	}
	if (!opts->list_rules) {
		r = pset_create_outputs(&d, d.conf, &d.outputs, err, sizeof(err));
		if (r < 0) {
			SK_ERROR("%s", err[0] ? err : strerror(-r));
			d.exit_code = SK_EXIT_CONFIG;
			goto out;
		}
	}
	if (drules_load_conf(&d, d.conf, &d.rules) < 0) {
		d.exit_code = SK_EXIT_CONFIG;
		goto out;
	}
	if (opts->list_rules) {
		drules_list(d.rules);
		goto out;
	}
	if (opts->dry_run) {
		listing_plan(&d);
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
	drules_push_event_types(&d);
	if (sk_loop_add_timer(d.loop, DROP_CHECK_MS, tele_check_drops, &d) < 0) {
		SK_WARN("cannot start the drop-check timer: event drops will not be reported");
	}
	if (d.conf->metrics_enabled && d.conf->metrics_interval_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &d.metrics_last);
		if (sk_loop_add_timer(d.loop, d.conf->metrics_interval_ms, tele_metrics_tick, &d) <
		    0) {
			SK_WARN("cannot start the metrics timer");
		}
	}
	SK_NOTICE("Shrike %s running: %zu source(s), %zu plugin(s), engine %s", PACKAGE_VERSION,
		  d.nsources, d.nplugins, listing_engine_name(d.conf->engine_kind));
	if (d.nsources == 0 || d.nactive > 0) {
		r = sk_loop_run(d.loop);
		if (r < 0) {
			d.exit_code = SK_EXIT_RUNTIME;
		}
	}
	/* Final drop report, then stop in order: sources, capture, outputs. */
	sk_tbucket_fill(&d.drop_policy.bucket);
	tele_check_drops(d.loop, &d);

out:
	close_sources(&d);
	sk_loader_set_state_sink(NULL, NULL);
	free(d.state_buf);
	if (d.capture != NULL) {
		uint64_t n = sk_capture_count(d.capture) - d.state_records;
		if (sk_capture_close(d.capture, tele_source_drops(&d)) < 0) {
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
