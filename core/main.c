/* core/main.c - the `shrike` command line: parse options, then hand over to
 * the daemon (daemon.c). Options follow Falco's where Falco has them.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shrike/plugin.h>

#include "conf.h"
#include "daemon.h"
#include "log.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: shrike [OPTION]...\n"
		"Runtime threat detection for Linux hosts, containers and Kubernetes.\n"
		"\n"
		"  -c, --config FILE       configuration file (default: %s)\n"
		"  -o, --option KEY=VALUE  override a configuration key; repeatable. VALUE is\n"
		"                          YAML: -o json_output=true, -o rules_files=[a.yaml,b.yaml],\n"
		"                          -o file_output.filename=/tmp/x.log\n"
		"  -r FILE|DIR             rules file or directory; repeatable, replaces rules_files\n"
		"  -V FILE                 validate a rules file (repeatable): print every problem,\n"
		"                          exit 0 when all files are valid, 1 otherwise\n"
		"  -L                      list the loaded rules (name, source, priority, tags)\n"
		"  -e FILE                 replay a capture file instead of live sources\n"
		"      --capture FILE      record every event from the sources into FILE\n"
		"      --profile-rules FILE  replay capture FILE timing every evaluation of\n"
		"                          every rule's condition, deliver no alerts, and print\n"
		"                          the rules sorted by the time they took\n"
		"  -U, --unbuffered        flush outputs after every alert (buffered_outputs: false)\n"
		"      --dry-run           load and check everything, print what would run, exit\n"
		"      --list [SOURCE]     list the fields the loaded plugins provide\n"
		"      --enable-source SRC load the plugins of event source SRC (k8s_audit) even\n"
		"                          when load_plugins leaves them out; repeatable\n"
		"      --disable-source SRC turn event source SRC off (syscall: no syscall\n"
		"                          engine, for an audit-only instance); repeatable\n"
		"  -h, --help              this help\n"
		"      --version           print the version and the plugin ABI version\n"
		"\n"
		"Signals: SIGINT/SIGTERM stop (queued alerts are delivered first), SIGHUP\n"
		"reloads the configuration (a failed reload keeps the running one), SIGUSR1\n"
		"reopens output files (for logrotate).\n"
		"\n"
		"Environment:\n"
		"  HOST_ROOT  where the host's root is mounted when shrike runs in a container\n"
		"             (/host): default host paths (/proc, the container runtimes'\n"
		"             state, users) are read under it; unset, empty or /: on the host\n"
		"\n"
		"Exit status:\n"
		"  0  stopped cleanly (signal, or the end of a replayed capture)\n"
		"  1  a source, output or capture file failed while running, or -V found\n"
		"     problems in a rules file\n"
		"  2  bad command line, configuration, plugin or rules\n",
		sk_conf_default_path());
}

enum {
	OPT_CAPTURE = 1000,
	OPT_DRY_RUN,
	OPT_VERSION,
	OPT_LIST,
	OPT_ENABLE_SOURCE,
	OPT_DISABLE_SOURCE,
	OPT_PROFILE_RULES,
};

/* Append `s` to a growing array of borrowed argv strings. */
static int push(const char ***arr, size_t *n, const char *s)
{
	const char **p = realloc(*arr, (*n + 1) * sizeof(*p));
	if (p == NULL) {
		return -1;
	}
	p[(*n)++] = s;
	*arr = p;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"option", required_argument, NULL, 'o'},
		{"unbuffered", no_argument, NULL, 'U'},
		{"help", no_argument, NULL, 'h'},
		{"capture", required_argument, NULL, OPT_CAPTURE},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"version", no_argument, NULL, OPT_VERSION},
		{"list", optional_argument, NULL, OPT_LIST},
		{"enable-source", required_argument, NULL, OPT_ENABLE_SOURCE},
		{"disable-source", required_argument, NULL, OPT_DISABLE_SOURCE},
		{"profile-rules", required_argument, NULL, OPT_PROFILE_RULES},
		{NULL, 0, NULL, 0},
	};
	struct sk_daemon_opts o = {0};
	const char **overrides = NULL, **rules = NULL, **validate = NULL;
	const char **enable = NULL, **disable = NULL;
	size_t noverrides = 0, nrules = 0, nvalidate = 0, nenable = 0, ndisable = 0;
	int c, rc = SK_EXIT_OK;

	while ((c = getopt_long(argc, argv, "c:o:r:e:V:LUh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.config_path = optarg;
			break;
		case 'o':
			if (push(&overrides, &noverrides, optarg) < 0) {
				goto nomem;
			}
			break;
		case 'r':
			if (push(&rules, &nrules, optarg) < 0) {
				goto nomem;
			}
			break;
		case 'e':
			o.replay_file = optarg;
			break;
		case 'V':
			if (push(&validate, &nvalidate, optarg) < 0) {
				goto nomem;
			}
			break;
		case 'L':
			o.list_rules = true;
			break;
		case 'U':
			o.unbuffered = true;
			break;
		case OPT_CAPTURE:
			o.capture_file = optarg;
			break;
		case OPT_DRY_RUN:
			o.dry_run = true;
			break;
		case OPT_LIST:
			o.list_fields = true;
			/* --list SOURCE or --list=SOURCE */
			if (optarg == NULL && optind < argc && argv[optind][0] != '-') {
				optarg = argv[optind++];
			}
			o.list_source = optarg;
			break;
		case OPT_ENABLE_SOURCE:
			if (push(&enable, &nenable, optarg) < 0) {
				goto nomem;
			}
			break;
		case OPT_DISABLE_SOURCE:
			if (push(&disable, &ndisable, optarg) < 0) {
				goto nomem;
			}
			break;
		case OPT_PROFILE_RULES:
			o.profile_rules = optarg;
			o.replay_file = optarg;
			break;
		case OPT_VERSION:
			printf("shrike %s (plugin ABI %u.%u)\n", PACKAGE_VERSION, SK_PLUGIN_ABI_MAJOR,
			       SK_PLUGIN_ABI_MINOR);
			goto out;
		case 'h':
			usage(stdout);
			goto out;
		default:
			fprintf(stderr, "Try 'shrike --help' for more information.\n");
			rc = SK_EXIT_CONFIG;
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "shrike: unexpected argument '%s'\nTry 'shrike --help' for more "
				"information.\n",
			argv[optind]);
		rc = SK_EXIT_CONFIG;
		goto out;
	}
	o.overrides = overrides;
	o.noverrides = noverrides;
	o.rules_files = rules;
	o.nrules_files = nrules;
	o.validate = validate;
	o.nvalidate = nvalidate;
	o.enable_sources = enable;
	o.nenable_sources = nenable;
	o.disable_sources = disable;
	o.ndisable_sources = ndisable;
	rc = sk_daemon_run(&o);
	goto out;
nomem:
	fprintf(stderr, "shrike: out of memory\n");
	rc = SK_EXIT_RUNTIME;
out:
	free(overrides);
	free(rules);
	free(validate);
	free(enable);
	free(disable);
	return rc;
}
