/* core/daemon_priv.h - what the parts of the daemon share: its state
 * (struct daemon, the sources, the drop policy) and each part's entry
 * points. daemon.c runs it (the phases of a run, signals and reload);
 * runtime.c builds what a reload can change (configuration, drop policy,
 * outputs, rules) for both start and SIGHUP; pipeline.c opens, pumps and
 * closes the sources and takes each event through parsers, rules and the
 * capture file; plugin_set.c assembles the plugins and outputs;
 * daemon_rules.c builds the field registry and loads the rules;
 * telemetry.c makes internal alerts, acts on drops and writes metrics;
 * listings.c prints the plan and the field lists. Not installed. */
#ifndef SK_CORE_DAEMON_PRIV_H
#define SK_CORE_DAEMON_PRIV_H

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "common/clock.h"
#include "common/tbucket.h"
#include "conf.h"
#include "daemon.h"
#include "loader.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "outputs.h"
#include "resource.h"
#include "rules/engine.h"
#include "rules/fields.h"
#include "schema.h"

#define ERRLEN		       4096
#define MAX_BATCHES_PER_WAKEUP 64
#define DROP_CHECK_MS	       1000
#define PARSE_ERROR_LOG_S      10 /* at most one parse-error line this often */

struct daemon;
struct webp;

struct source {
	struct daemon *d;
	struct sk_plugin_handle *h; /* owned by daemon.plugins */
	/* engine.kind auto: the kmod source, tried when h (ebpf) cannot open;
	 * also in daemon.plugins until the choice is made, then the plugin
	 * not chosen is dropped (pset_drop) */
	struct sk_plugin_handle *fallback;
	const char *event_source; /* h's event_source (NULL: each record names it) */
	char *open_params;
	int fd;
	bool opened;
	bool done;
	bool busy; /* no descriptor: polled from the loop's busy callback */
	uint64_t nevents; /* records taken from it (drop records included) */
	uint64_t nlost;	  /* events its drop records said were lost */
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
	uint64_t state_records;	  /* written so far */
	uint64_t state_unclaimed; /* replayed ones no loaded plugin took */
	bool capture_failed;

	uint64_t metrics_last_events;
	struct timespec metrics_last;
	uint64_t metrics_samples;	  /* snapshots made */
	bool metrics_file_failed;	  /* output_file's last append failed (logged) */
	struct res_state metrics_res;	  /* host CPU between two snapshots */
	uint64_t reload_ns;		  /* last successful reload, ns since the epoch */
	struct sk_watch *watch;		  /* watch_config_files; NULL when off */
	struct webp *web;		  /* the web server's pages; NULL without */

	int exit_code;
};

/* ---- small helpers ---- */

/* sources_include - whether a role table's `sources` list (NULL: every
 * source) includes `source`. */
static inline bool sources_include(const char *const *sources, const char *source)
{
	if (sources == NULL) {
		return true;
	}
	for (const char *const *s = sources; *s != NULL; s++) {
		if (strcmp(*s, source) == 0) {
			return true;
		}
	}
	return false;
}

/* ---- runtime.c ---- */

/* What a reload can change, built beside the running daemon. */
struct runtime {
	struct sk_conf *conf;
	struct drop_policy drop_policy;
	struct sk_outputs *outputs; /* created, not started; NULL without outputs */
	struct sk_rules *rules;
};

/* rt_load_conf - the config file plus -o overrides; -r replaces rules_files,
 * -e the engine, -U buffering, --disable-source syscall the engine. */
int rt_load_conf(const struct sk_daemon_opts *o, struct sk_conf **ret, char *err, size_t errlen);
/* rt_build - from `conf` (taken on success, left to the caller on failure):
 * the drop policy, the outputs (when with_outputs) and the compiled rules,
 * without touching the running daemon. Returns 0 or -errno with err set;
 * err is "" when the rules failed (their errors are logged already). */
int rt_build(struct daemon *d, struct sk_conf *conf, bool with_outputs, struct runtime *rt,
	     char *err, size_t errlen);
/* rt_install - make rt the running configuration (its outputs must have been
 * started by the caller, when the daemon runs), stop and free the old one.
 * rt is left empty. Loop thread. */
void rt_install(struct daemon *d, struct runtime *rt);
/* rt_free - release what rt holds; rt is left empty. */
void rt_free(struct runtime *rt);

/* ---- pipeline.c ---- */

/* pipe_snapshot_parsers - a capture file starts with the parsers' state. */
void pipe_snapshot_parsers(struct daemon *d);
/* pipe_open_sources - open every source and watch it in the loop. */
int pipe_open_sources(struct daemon *d, char *err, size_t errlen);
/* pipe_close_sources - close every opened source. */
void pipe_close_sources(struct daemon *d);

/* ---- plugin_set.c ---- */

bool pset_listed(const char *const *l, size_t n, const char *s);
/* pset_load - every plugin the configuration and the command line ask for,
 * the engine's source and the syscall source's own extractors. */
int pset_load(struct daemon *d, char *err, size_t errlen);
/* pset_drop - take plugin h out of the daemon's plugins and close it
 * (engine.kind auto: the source not chosen). */
void pset_drop(struct daemon *d, struct sk_plugin_handle *h);
int pset_create_outputs(struct daemon *d, const struct sk_conf *c, struct sk_outputs **ret,
			char *err, size_t errlen);

/* ---- daemon_rules.c ---- */

int drules_build_fields(struct daemon *d, char *err, size_t errlen);
int drules_conf_files(const struct daemon *d, const struct sk_conf *c, const char ***ret_files,
		      size_t *ret_n);
int drules_load_conf(struct daemon *d, const struct sk_conf *c, struct sk_rules **ret);
void drules_push_event_types(struct daemon *d);
int drules_validate(struct daemon *d);
void drules_list(const struct sk_rules *r);

/* ---- telemetry.c ---- */

uint64_t tele_source_drops(struct daemon *d);
void tele_check_drops(struct sk_loop *loop, void *arg);
void tele_metrics_tick(struct sk_loop *loop, void *arg);

/* ---- metrics_collect.c ---- */

/* mcol_collect - the daemon's metrics, the groups g selects, into s. */
void mcol_collect(struct daemon *d, const struct sk_metrics_groups *g, struct res_state *rs,
		  struct met_set *s, struct res_usage *ret_usage);

/* ---- webpages.c ---- */

/* webp_start - start the web server when webserver.enabled (before the
 * sources open: until webp_running, /healthz and /metrics answer 503
 * "starting"). 0 or -errno with err. */
int webp_start(struct daemon *d, char *err, size_t errlen);
/* webp_running - the event loop is about to run: the pages ask it. */
void webp_running(struct daemon *d);
/* webp_versions - remake /versions (at start and after a reload). */
void webp_versions(struct daemon *d);
/* webp_stop - stop the web server; NULL-safe. */
void webp_stop(struct daemon *d);

/* ---- listings.c ---- */

const char *listing_engine_name(enum sk_engine_kind k);
void listing_plan(struct daemon *d);
void listing_fields(struct daemon *d);
/* listing_profile - --profile-rules: the rules by the time their conditions
 * took during a replay that lasted `ns`, on stdout. */
void listing_profile(struct daemon *d, uint64_t ns);

#endif
