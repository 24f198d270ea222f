/* tests/tools/fieldcheck.c - print field values of the events of a capture
 * file, as the syscall and container plugins extract them, for the
 * integration tests (the rule engine is not wired into the daemon yet).
 *
 *   fieldcheck [-d PLUGINS_DIR] [-C PLUGIN=YAML]... CAPTURE CONDITION FIELD...
 *
 * Replays CAPTURE through the `replay` source plugin, lets the `syscall` and
 * `container` plugins (loaded through the core's loader) parse every event,
 * and for each event matching CONDITION (a Falco condition, compiled by the
 * rule engine: `evt.type = openat and fd.name = /etc/shadow`) prints one
 * line: `FIELD=value FIELD=value ...`, values as text, `<NA>` when a field
 * has no value. State records (a capture's saved process table) go to the
 * plugin that saved them, as the daemon does; plugins log warnings and
 * errors only. -C gives a plugin's init_config (`-C syscall='{scan_proc:
 * false}'`). PLUGINS_DIR defaults to $SK_TEST_PLUGINS_DIR. Exit status: 0,
 * 1 when nothing matched, 2 on errors.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <shrike/plugin.h>

#include "cfg.h"
#include "loader.h"
#include "log.h"
#include "rules/fields.h"
#include "rules/filter.h"

#define MAX_PLUGIN_CONF 8

struct pconf {
	const char *name;
	const char *yaml;
};

static struct sk_plugin_handle *load(const char *dir, const char *name, const struct pconf *pc,
				     size_t npc)
{
	char err[1024] = "";
	char *path = sk_loader_resolve(dir, name);
	struct sk_plugin_handle *h = NULL;
	struct sk_cfg_node *node = NULL;
	if (path == NULL || sk_loader_open(path, &h, err, sizeof(err)) < 0) {
		fprintf(stderr, "fieldcheck: %s\n", path ? err : "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < npc; i++) {
		if (strcmp(pc[i].name, name) == 0 &&
		    sk_cfg_parse_string("-C", pc[i].yaml, strlen(pc[i].yaml), &node, err,
					sizeof(err)) < 0) {
			fprintf(stderr, "fieldcheck: %s\n", err);
			goto fail;
		}
	}
	if (sk_loader_configure(h, node, name, NULL, err, sizeof(err)) < 0 ||
	    sk_loader_init(h, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "fieldcheck: %s\n", err);
		goto fail;
	}
	sk_cfg_free(node);
	free(path);
	return h;
fail:
	sk_cfg_free(node);
	sk_loader_close(h);
	free(path);
	return NULL;
}

/* evttypes - `evt.type = NAME` lookups through the syscall plugin's names */
static size_t evttypes(void *ctx, const char *name, uint16_t *ret, size_t max)
{
	const struct sk_plugin *p = ctx;
	size_t n = 0;
	for (const struct sk_evt_name *e = p->extract->event_names; e && e->name; e++) {
		if (strcmp(e->name, name) == 0 && n < max) {
			ret[n++] = (uint16_t)e->type;
		}
	}
	return n;
}

static void print_value(const struct sk_value *v)
{
	char ip[INET6_ADDRSTRLEN];
	switch (v->type) {
	case SK_TYPE_STRING:
	case SK_TYPE_BYTES:
		fwrite(v->str.ptr, 1, v->str.len, stdout);
		break;
	case SK_TYPE_I64:
		printf("%" PRId64, v->i64);
		break;
	case SK_TYPE_U64:
	case SK_TYPE_PORT:
	case SK_TYPE_ABSTIME:
	case SK_TYPE_RELTIME:
		printf("%" PRIu64, v->u64);
		break;
	case SK_TYPE_BOOL:
		fputs(v->b ? "true" : "false", stdout);
		break;
	case SK_TYPE_IPADDR:
	case SK_TYPE_IPNET:
		inet_ntop(v->ip.family == 4 ? AF_INET : AF_INET6, v->ip.addr, ip, sizeof(ip));
		fputs(ip, stdout);
		break;
	case SK_TYPE_LIST:
		for (uint32_t i = 0; i < v->list.n; i++) {
			if (i) {
				putchar(',');
			}
			print_value(&v->list.items[i]);
		}
		break;
	default:
		fputs("?", stdout);
	}
}

int main(int argc, char **argv)
{
	const char *dir = getenv("SK_TEST_PLUGINS_DIR");
	struct pconf pc[MAX_PLUGIN_CONF];
	sk_log_setup(SK_LOG_WARNING, true, false); /* plugins' warnings and errors only */
	size_t npc = 0;
	int opt;
	while ((opt = getopt(argc, argv, "d:C:")) != -1) {
		if (opt == 'd') {
			dir = optarg;
		} else if (opt == 'C' && npc < MAX_PLUGIN_CONF && strchr(optarg, '=')) {
			char *eq = strchr(optarg, '=');
			*eq = '\0';
			pc[npc++] = (struct pconf){optarg, eq + 1};
		} else {
			goto usage;
		}
	}
	if (argc - optind < 2 || dir == NULL) {
		goto usage;
	}
	const char *capture = argv[optind];
	const char *cond = argv[optind + 1];
	char **fnames = argv + optind + 2;
	int nf = argc - optind - 2;

	int rc = 2;
	char err[1024];
	struct sk_plugin_handle *replay = NULL, *sys = NULL, *ctr = NULL;
	struct sk_fields *fields = NULL;
	struct sk_filter_node *tree = NULL;
	struct sk_filter *filter = NULL;
	struct sk_field_ref *refs = calloc((size_t)nf + 1, sizeof(*refs));
	replay = load(dir, "replay", pc, npc);
	sys = load(dir, "syscall", pc, npc);
	ctr = load(dir, "container", pc, npc);
	fields = sk_fields_create();
	if (!replay || !sys || !ctr || !fields || !refs) {
		goto out;
	}
	if (sk_fields_add_plugin(fields, &sys->def, sys->inst, err, sizeof(err)) < 0 ||
	    sk_fields_add_plugin(fields, &ctr->def, ctr->inst, err, sizeof(err)) < 0 ||
	    sk_fields_add_source(fields, "syscall") < 0 ||
	    sk_fields_set_evttypes(fields, "syscall", evttypes, (void *)&sys->def) < 0) {
		fprintf(stderr, "fieldcheck: %s\n", err);
		goto out;
	}
	struct sk_filter_src *src = sk_filter_src_create(cond, strlen(cond));
	size_t off = 0;
	int r = src ? sk_filter_parse(src, &tree, err, sizeof(err), &off) : -ENOMEM;
	sk_filter_src_unref(src);
	if (r < 0) {
		fprintf(stderr, "fieldcheck: condition, offset %zu: %s\n", off, err);
		goto out;
	}
	struct sk_filter_cerr cerr = {0};
	if (sk_filter_compile(tree, fields, "syscall", &filter, &cerr) < 0) {
		fprintf(stderr, "fieldcheck: condition, offset %u: %s\n", cerr.off, cerr.msg);
		goto out;
	}
	for (int i = 0; i < nf; i++) {
		char name[256];
		const char *arg = NULL;
		snprintf(name, sizeof(name), "%s", fnames[i]);
		char *br = strchr(name, '[');
		if (br != NULL && name[strlen(name) - 1] == ']') {
			name[strlen(name) - 1] = '\0';
			*br = '\0';
			arg = br + 1;
		}
		if (sk_fields_resolve(fields, "syscall", name, arg, &refs[i], err, sizeof(err)) <
		    0) {
			fprintf(stderr, "fieldcheck: %s\n", err);
			goto out;
		}
	}
	int fd = -1;
	if (replay->def.source->open(replay->inst, capture, &fd, err, sizeof(err)) != SK_OK) {
		fprintf(stderr, "fieldcheck: %s\n", err);
		goto out;
	}
	uint64_t num = 0, matched = 0;
	for (;;) {
		const struct sk_evt_hdr *const *evs;
		size_t n = 0;
		r = replay->def.source->next_batch(replay->inst, &evs, &n, err, sizeof(err));
		if (r == SK_EOF) {
			break;
		}
		if (r == SK_ERR) {
			fprintf(stderr, "fieldcheck: %s\n", err);
			goto out;
		}
		for (size_t i = 0; r == SK_OK && i < n; i++) {
			struct sk_event ev = {
			    .rec = evs[i], .num = ++num, .source = sk_evt_source_name(evs[i])};
			if (strcmp(ev.source, "syscall") != 0) {
				continue;
			}
			if (evs[i]->type == SK_EVT_STATE) {
				/* saved state goes to the plugin that saved it */
				const void *p;
				uint32_t pl;
				struct sk_plugin_handle *to[] = {sys, ctr};
				num--;
				for (size_t k = 0; k < 2; k++) {
					if (sk_evt_param(evs[i], 0, &p, &pl) == 0 &&
					    pl == strlen(to[k]->def.name) + 1 &&
					    memcmp(p, to[k]->def.name, pl) == 0) {
						to[k]->def.parse->parse(to[k]->inst, &ev);
					}
				}
				continue;
			}
			sys->def.parse->parse(sys->inst, &ev);
			ctr->def.parse->parse(ctr->inst, &ev);
			if (!sk_filter_eval(filter, &ev)) {
				continue;
			}
			matched++;
			for (int k = 0; k < nf; k++) {
				const struct sk_field_def *d = refs[k].def;
				struct sk_value v;
				printf("%s%s=", k ? " " : "", fnames[k]);
				if (d->ops->extract(d->inst, &ev, &refs[k].req, &v) == SK_OK) {
					print_value(&v);
				} else {
					fputs("<NA>", stdout);
				}
			}
			putchar('\n');
		}
	}
	replay->def.source->close(replay->inst);
	rc = matched ? 0 : 1;
out:
	for (int i = 0; refs && i < nf; i++) {
		sk_field_ref_fini(&refs[i]);
	}
	free(refs);
	sk_filter_destroy(filter);
	sk_filter_free(tree);
	sk_fields_destroy(fields);
	sk_loader_close(ctr);
	sk_loader_close(sys);
	sk_loader_close(replay);
	return rc;
usage:
	fprintf(stderr, "usage: fieldcheck [-d PLUGINS_DIR] [-C PLUGIN=YAML]... CAPTURE CONDITION "
			"FIELD...\n");
	return 2;
}
