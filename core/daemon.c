/* core/daemon.c - one run of Shrike (see daemon.h).
 *
 * Two phases, as rsyslog does it: first everything is parsed, validated and
 * loaded (configuration, every plugin, then the runtime: outputs and rules,
 * built by runtime.c exactly as a SIGHUP rebuilds them) without touching the
 * outside world; `--dry-run` stops there and prints the plan. Then the
 * activation phase opens the capture file, starts the output threads, opens
 * the sources (pipeline.c) and runs the event loop. Signals: SIGHUP builds a
 * new runtime beside the running one and swaps it in, or keeps the old one
 * when the new one fails to build (watch_config_files does the same when a
 * configuration or rules file changes: watch.c); SIGUSR1 reopens output
 * files.
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
#include "common/hostroot.h"
#include "conf.h"
#include "daemon.h"
#include "loader.h"
#include "log.h"
#include "loop.h"
#include "notify.h"
#include "outputs.h"
#include "privs.h"
#include "rules/engine.h"
#include "rules/fields.h"
#include "schema.h"
#include "watch.h"
#include "daemon_priv.h"

/* ---- signals and reload -------------------------------------------------- */

/* log_includes - which files config_files merged, at start and reload. */
static void log_includes(const struct sk_conf *c)
{
	for (size_t i = 0; i < c->includes.nfiles; i++) {
		SK_INFO("configuration: included %s (%s)", c->includes.files[i].path,
			sk_cfg_strategy_name(c->includes.files[i].strategy));
	}
}

/* reload - why: what asked for it, for the log ("SIGHUP"); from_watch:
 * watch_config_files asked, so the files must also look quiet. */
static void reload(struct daemon *d, const char *why, bool from_watch)
{
	char err[ERRLEN] = "";
	struct sk_conf *nc = NULL;
	struct runtime rt;
	SK_NOTICE("%s: reloading the configuration", why);
	sk_notify_reloading();
	if (sk_watch_busy(d->watch, false, from_watch)) {
		SK_NOTICE("%s: a configuration or rules file is being written; reloading once the "
			  "files are quiet",
			  why);
		sk_notify_ready("reload postponed: files still changing");
		return;
	}
	int r = rt_load_conf(d->opts, &nc, err, sizeof(err));
	if (r == 0) {
		r = rt_build(d, nc, true, &rt, err, sizeof(err));
	}
	if (r == 0 && sk_watch_busy(d->watch, true, from_watch)) {
		/* A file changed while it was being read: what was read may be
		 * half of it (a writer that truncated it and has not written
		 * yet reads as an empty rules file, which loads fine and matches
		 * nothing). Throw the build away; the watch reloads once the
		 * files are quiet again. */
		SK_NOTICE("%s: a configuration or rules file changed while it was read; reloading "
			  "again once the files are quiet",
			  why);
		rt_free(&rt);
		sk_notify_ready("reload postponed: files still changing");
		return;
	}
	if (r == 0) {
		r = sk_outputs_start(rt.outputs, err, sizeof(err));
		if (r < 0) {
			rt_free(&rt);
			nc = NULL;
		}
	}
	if (r < 0) {
		SK_ERROR("reload failed, keeping the running configuration: %s",
			 err[0] != '\0' ? err : "the rules have errors (logged above)");
		sk_conf_free(nc);
		sk_notify_ready("reload failed, running the previous configuration");
		return;
	}
	if (nc->engine_kind != d->conf->engine_kind || nc->nplugins != d->conf->nplugins ||
	    nc->load_plugins.n != d->conf->load_plugins.n) {
		SK_NOTICE("changes to engine and plugins take effect at the next restart");
	}
	rt_install(d, &rt);
	d->reload_ns = sk_real_ns();
	drules_push_event_types(d);
	webp_versions(d);
	sk_log_setup(nc->log_level, nc->log_stderr, nc->log_syslog);
	log_includes(nc);
	SK_NOTICE("configuration and rules reloaded");
	sk_notify_ready("configuration reloaded");
}

/* watch_update - watch_config_files: watch the files the running
 * configuration came from (the main file, config_files' entries, the rules
 * files, the plugins' rules files), or stop watching when it is off. */
static void watch_update(struct daemon *d);

static void on_files_changed(void *arg)
{
	struct daemon *d = arg;
	reload(d, "a configuration or rules file changed (watch_config_files)", true);
	watch_update(d); /* the set of files may have changed */
}

static void watch_update(struct daemon *d)
{
	const struct sk_conf *c = d->conf;
	const char **paths = NULL;
	size_t n = 0;

	if (!c->watch_config_files) {
		sk_watch_destroy(d->watch);
		d->watch = NULL;
		return;
	}
	if (!d->watch) {
		d->watch = sk_watch_create(d->loop, on_files_changed, d);
		if (!d->watch) {
			SK_WARN("watch_config_files: cannot watch (%s); send SIGHUP to reload",
				strerror(errno));
			return;
		}
	}
	size_t max = 1 + c->includes.entries.n + c->rules_files.n;
	for (size_t i = 0; i < c->nplugins; i++) {
		max += c->plugins[i].rules_files.n;
	}
	paths = calloc(max, sizeof(*paths));
	if (!paths) {
		SK_WARN("watch_config_files: out of memory; send SIGHUP to reload");
		return;
	}
	paths[n++] = c->path;
	for (size_t i = 0; i < c->includes.entries.n; i++) {
		paths[n++] = c->includes.entries.items[i];
	}
	for (size_t i = 0; i < c->rules_files.n; i++) {
		paths[n++] = c->rules_files.items[i];
	}
	for (size_t i = 0; i < c->nplugins; i++) {
		for (size_t k = 0; k < c->plugins[i].rules_files.n; k++) {
			paths[n++] = c->plugins[i].rules_files.items[k];
		}
	}
	int r = sk_watch_set(d->watch, paths, n);
	if (r < 0) {
		SK_WARN("watch_config_files: cannot watch every file (%s); send SIGHUP to reload "
			"after changing one",
			strerror(-r));
	}
	free(paths);
}

static void on_signal(struct sk_loop *loop, int signo, void *arg)
{
	struct daemon *d = arg;
	switch (signo) {
	case SIGINT:
	case SIGTERM:
		SK_NOTICE("%s: stopping; delivering queued alerts",
			  signo == SIGINT ? "SIGINT" : "SIGTERM");
		sk_notify_stopping();
		sk_loop_stop(loop);
		break;
	case SIGHUP:
		reload(d, "SIGHUP", false);
		watch_update(d); /* the set of files may have changed */
		break;
	case SIGUSR1:
		SK_NOTICE("SIGUSR1: reopening output files");
		sk_outputs_reopen(d->outputs);
		break;
	default:
		break;
	}
}

/* ---- least privilege ----------------------------------------------------- */

/* drop_privileges - the sources are open: keep only what reading /proc and
 * the container runtimes needs (privs.c). Not undone by a reload, which
 * reopens no source (docs/security.md). A failure is logged, not fatal:
 * detection matters more. */
static void drop_privileges(struct daemon *d)
{
	char err[ERRLEN] = "", names[256];
	uint64_t kept = 0;
	unsigned stuck = 0;
	if (!d->conf->drop_capabilities) {
		SK_NOTICE("drop_capabilities is false: keeping every capability");
		return;
	}
	int r = sk_privs_drop(SK_PRIVS_KEEP, &kept, &stuck, err, sizeof(err));
	if (r < 0) {
		SK_WARN("drop_capabilities: %s; running with the capabilities Shrike started with",
			err);
		return;
	}
	if (err[0] != '\0') {
		SK_WARN("drop_capabilities: %s", err);
	}
	sk_privs_names(kept, names, sizeof(names));
	if (stuck > 0) {
		SK_WARN("drop_capabilities: %u thread(s) block the signal that drops capabilities "
			"and keep theirs (a plugin's threads?)",
			stuck);
	}
	SK_NOTICE("sources open: capabilities dropped, keeping %s", names);
}

/* ---- run ---------------------------------------------------------------- */

int sk_daemon_run(const struct sk_daemon_opts *opts)
{
	struct daemon d = {.opts = opts, .exit_code = SK_EXIT_OK};
	char err[ERRLEN] = "";
	int r;

	if (gethostname(d.hostname, sizeof(d.hostname) - 1) != 0) {
		snprintf(d.hostname, sizeof(d.hostname), "localhost");
	}

	if (sk_privs_init() < 0) {
		SK_WARN("cannot install the signal handler that drops capabilities: %s",
			strerror(errno));
	}
	/* Phase 1: parse, validate, load. Nothing outside is touched. */
	r = rt_load_conf(opts, &d.conf, err, sizeof(err));
	if (r < 0) {
		SK_ERROR("%s", err);
		return SK_EXIT_CONFIG;
	}
	sk_log_setup(d.conf->log_level, d.conf->log_stderr, d.conf->log_syslog);
	log_includes(d.conf);
	if (sk_hostroot()[0]) {
		SK_INFO("host root %s (HOST_ROOT): the host's /proc, users and container runtimes "
			"are read under it",
			sk_hostroot());
	}
	r = pset_load(&d, err, sizeof(err));
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
	/* The same build a SIGHUP does, beside a daemon that runs nothing yet. */
	struct runtime rt;
	r = rt_build(&d, d.conf, !opts->list_rules && !opts->profile_rules, &rt, err, sizeof(err));
	if (r < 0) {
		if (err[0] != '\0') {
			SK_ERROR("%s", err); /* the rules' errors are logged already */
		}
		d.exit_code = SK_EXIT_CONFIG;
		goto out;
	}
	rt_install(&d, &rt);
	if (opts->profile_rules) {
		sk_rules_set_cost_sampling(d.rules, 0); /* time every evaluation */
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
			pipe_snapshot_parsers(&d);
		}
	}
	r = sk_outputs_start(d.outputs, err, sizeof(err));
	if (r == 0) {
		/* /healthz answers "starting" while the sources open (a probe
		 * can take seconds to load) */
		r = webp_start(&d, err, sizeof(err));
	}
	if (r == 0) {
		r = pipe_open_sources(&d, err, sizeof(err));
	}
	if (r < 0) {
		SK_ERROR("%s", err);
		d.exit_code = SK_EXIT_RUNTIME;
		goto out;
	}
	drules_push_event_types(&d);
	watch_update(&d);
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
	const char *chosen = "";
	for (size_t i = 0; d.conf->engine_kind == SK_ENGINE_AUTO && i < d.nplugins; i++) {
		const char *n = d.plugins[i]->def.name;
		if (strcmp(n, "ebpf") == 0) {
			chosen = " (ebpf)";
		} else if (strcmp(n, "kmod") == 0) {
			chosen = " (kmod)";
		}
	}
	SK_NOTICE("Shrike %s running: %zu source(s), %zu plugin(s), engine %s%s", PACKAGE_VERSION,
		  d.nsources, d.nplugins, listing_engine_name(d.conf->engine_kind), chosen);
	drop_privileges(&d);
	uint64_t t0 = sk_mono_ns();
	webp_running(&d);
	if (d.nsources == 0 || d.nactive > 0) {
		if (sk_notify_watchdog_start(d.loop) < 0) {
			SK_WARN("cannot start the systemd watchdog timer");
		}
		char status[128];
		snprintf(status, sizeof(status), "running: %zu source(s), engine %s%s", d.nsources,
			 listing_engine_name(d.conf->engine_kind), chosen);
		sk_notify_ready(status);
		r = sk_loop_run(d.loop);
		if (r < 0) {
			d.exit_code = SK_EXIT_RUNTIME;
		}
	}
	if (opts->profile_rules) {
		listing_profile(&d, sk_mono_ns() - t0);
	}
	/* Final drop report, then stop in order: sources, capture, outputs. */
	sk_tbucket_fill(&d.drop_policy.bucket);
	tele_check_drops(d.loop, &d);

out:
	sk_watch_destroy(d.watch);
	webp_stop(&d);
	pipe_close_sources(&d);
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
