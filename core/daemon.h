/* core/daemon.h - one run of Shrike: load the configuration, validate and
 * load every plugin, then wire sources -> parsers -> (rules) -> outputs and
 * capture through the event loop until a signal or the end of the input.
 */
#ifndef SK_CORE_DAEMON_H
#define SK_CORE_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

/* Exit codes of the `shrike` command (documented in --help). */
enum sk_exit {
	SK_EXIT_OK = 0,	     /* clean stop (signal, or end of a replayed capture) */
	SK_EXIT_RUNTIME = 1, /* a source, output or capture failed while running */
	SK_EXIT_CONFIG = 2,  /* bad command line, configuration or plugin */
};

struct sk_daemon_opts {
	const char *config_path;	/* -c; NULL: the default path */
	const char *const *overrides;	/* -o key=value, in order */
	size_t noverrides;
	const char *const *rules_files; /* -r, replace rules_files when given */
	size_t nrules_files;
	const char *replay_file;	/* -e FILE */
	const char *capture_file;	/* --capture FILE */
	const char *profile_rules;	/* --profile-rules FILE: replay it, time every rule */
	bool unbuffered;		/* -U */
	bool dry_run;			/* --dry-run: validate, print the plan, exit */
	bool list_plugins;		/* --list-plugins */
	const char *help_plugin;	/* --help-plugin NAME */
	bool list_fields;		/* --list [SOURCE] */
	bool list_rules;		/* -L */
	const char *const *validate;	/* -V FILE: validate these rules files */
	size_t nvalidate;
	const char *list_source;	/* NULL: every source */
	const char *const *enable_sources;  /* --enable-source: load the plugins of these */
	size_t nenable_sources;
	const char *const *disable_sources; /* --disable-source: neither open nor load these */
	size_t ndisable_sources;
};

/* sk_daemon_run - do it all; returns an enum sk_exit value. Logs every
 * problem (file:line:col where there is one) to the log. */
int sk_daemon_run(const struct sk_daemon_opts *opts);

#endif /* SK_CORE_DAEMON_H */
