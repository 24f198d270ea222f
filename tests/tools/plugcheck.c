/* tests/tools/plugcheck.c - load one plugin the way the daemon does and show
 * what it offers:
 *
 *   plugcheck PATH [CONFIG.yaml [OPEN_PARAMS]]
 *
 * Opens PATH with the loader, configures it from CONFIG.yaml (whose whole
 * document is the plugin's section; none: defaults), calls init(), prints
 * name, version, roles and fields, runs a source until SK_EOF or 10
 * batches (extracting every field of every event when the plugin is also an
 * extractor), then closes it. Exit status 0, or 1 with the loader's or the
 * plugin's message on stderr. Used by tests/integration/out_of_tree.sh; handy
 * for plugin authors too.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "loader.h"
#include "log.h"

#define MAX_BATCHES 10
#define POLL_MS	    5000

static const char *type_name(uint32_t t)
{
	static const char *const names[] = {"none",    "u64",	  "i64",    "bool",
					    "string",  "bytes",	  "ipaddr", "ipnet",
					    "abstime", "reltime", "port",   "list"};
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static void print_value(const struct sk_value *v)
{
	char buf[INET6_ADDRSTRLEN];
	switch (v->type) {
	case SK_TYPE_U64:
	case SK_TYPE_ABSTIME:
	case SK_TYPE_RELTIME:
	case SK_TYPE_PORT:
		printf("%llu", (unsigned long long)v->u64);
		break;
	case SK_TYPE_I64:
		printf("%lld", (long long)v->i64);
		break;
	case SK_TYPE_BOOL:
		printf("%s", v->b ? "true" : "false");
		break;
	case SK_TYPE_STRING:
		printf("\"%.*s\"", (int)v->str.len, v->str.ptr);
		break;
	case SK_TYPE_BYTES:
		printf("<%u bytes>", (unsigned)v->str.len);
		break;
	case SK_TYPE_IPADDR:
	case SK_TYPE_IPNET:
		inet_ntop(v->ip.family == 6 ? AF_INET6 : AF_INET, v->ip.addr, buf, sizeof(buf));
		printf(v->type == SK_TYPE_IPNET ? "%s/%u" : "%s", buf, (unsigned)v->ip.prefix);
		break;
	case SK_TYPE_LIST:
		printf("(");
		for (uint32_t i = 0; i < v->list.n; i++) {
			printf(i ? "," : "");
			print_value(&v->list.items[i]);
		}
		printf(")");
		break;
	default:
		printf("<NA>");
	}
}

static bool applies_to(const struct sk_extract_ops *x, const char *source)
{
	if (x->sources == NULL) {
		return true;
	}
	for (size_t i = 0; x->sources[i] != NULL; i++) {
		if (strcmp(x->sources[i], source) == 0) {
			return true;
		}
	}
	return false;
}

static int run_source(struct sk_plugin_handle *h, const char *open_params, char *err, size_t errlen)
{
	const struct sk_source_ops *p = h->def.source;
	const struct sk_extract_ops *x = h->def.extract;
	int fd = -1;
	uint64_t num = 0;
	int rc = p->open(h->inst, open_params, &fd, err, errlen);
	if (rc != SK_OK) {
		return -EIO;
	}
	for (int batches = 0; batches < MAX_BATCHES;) {
		const struct sk_evt_hdr *const *evs = NULL;
		size_t n = 0;
		rc = p->next_batch(h->inst, &evs, &n, err, errlen);
		if (rc == SK_EOF) {
			printf("eof\n");
			break;
		}
		if (rc == SK_RETRY) {
			if (fd >= 0) {
				struct pollfd pfd = {.fd = fd, .events = POLLIN};
				int pr = poll(&pfd, 1, POLL_MS);
				if (pr == 0) {
					snprintf(err, errlen, "no event within %d ms", POLL_MS);
					rc = SK_ERR;
					break;
				}
			}
			continue;
		}
		if (rc != SK_OK) {
			break;
		}
		batches++;
		for (size_t i = 0; i < n; i++) {
			int cr = sk_evt_check(evs[i], evs[i]->len);
			const char *source = cr == 0 ? sk_evt_source_name(evs[i]) : "?";
			printf("event %llu: type=%u source=%s len=%u check=%d",
			       (unsigned long long)++num, (unsigned)evs[i]->type, source,
			       (unsigned)evs[i]->len, cr);
			if (cr == 0 && x != NULL && applies_to(x, source)) {
				struct sk_event ev = {.rec = evs[i], .num = num, .source = source};
				for (uint32_t f = 0; x->fields[f].name != NULL; f++) {
					struct sk_field_req req = {.field_idx = f};
					struct sk_value v = {.type = SK_TYPE_NONE};
					int er = x->extract(h->inst, &ev, &req, &v);
					printf(" %s=", x->fields[f].name);
					if (er == SK_OK) {
						print_value(&v);
					} else {
						printf(er == SK_NA ? "<NA>" : "<error>");
					}
				}
			}
			printf("\n");
		}
	}
	if (p->stats != NULL) {
		struct sk_source_stats st;
		if (p->stats(h->inst, &st) == SK_OK) {
			printf("stats: events=%llu drops=%llu\n", (unsigned long long)st.events,
			       (unsigned long long)st.drops);
		}
	}
	p->close(h->inst);
	return rc == SK_OK || rc == SK_EOF ? 0 : -EIO;
}

int main(int argc, char **argv)
{
	struct sk_plugin_handle *h = NULL;
	struct sk_cfg_node *root = NULL;
	char err[2048] = "";
	const char *who = NULL; /* the plugin, when the message is its own */
	int status = 1;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: plugcheck PATH [CONFIG.yaml [OPEN_PARAMS]]\n");
		return 2;
	}
	sk_log_setup(SK_LOG_INFO, true, false);
	if (sk_loader_open(argv[1], &h, err, sizeof(err)) < 0) {
		goto out;
	}
	if (argc > 2 && sk_cfg_parse_file(argv[2], &root, err, sizeof(err)) < 0) {
		goto out;
	}
	if (sk_loader_configure(h, root, h->def.name, NULL, err, sizeof(err)) < 0 ||
	    sk_loader_init(h, h->def.name, err, sizeof(err)) < 0) {
		goto out;
	}

	const struct sk_plugin *p = &h->def;
	printf("name: %s\nversion: %s\nabi: %u.%u\n", p->name, p->version, (unsigned)p->abi_major,
	       (unsigned)p->abi_minor);
	printf("roles:%s%s%s%s\n", p->source ? " source" : "", p->extract ? " extract" : "",
	       p->parse ? " parse" : "", p->output ? " output" : "");
	if (sk_loader_event_source(h) != NULL) {
		printf("event_source: %s\n", sk_loader_event_source(h));
	}
	const struct sk_field *fl = p->extract ? p->extract->fields : NULL;
	for (size_t i = 0; fl != NULL && fl[i].name != NULL; i++) {
		printf("field: %s %s%s\n", fl[i].name, type_name(fl[i].type),
		       fl[i].flags & SK_FIELD_LIST ? " list" : "");
	}
	printf("config: %s\n", h->config_json);
	if (p->source != NULL) {
		if (run_source(h, argc > 3 ? argv[3] : "", err, sizeof(err)) < 0) {
			who = p->name;
			goto out;
		}
	}
	status = 0;
out:
	if (status != 0) {
		if (who != NULL) {
			fprintf(stderr, "plugcheck: plugin '%s': %s\n", who, err);
		} else {
			fprintf(stderr, "plugcheck: %s\n", err);
		}
	}
	sk_loader_close(h);
	sk_cfg_free(root);
	return status;
}
