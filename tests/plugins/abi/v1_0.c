/* tests/plugins/abi/v1_0.c - a plugin built against the frozen ABI 1.0
 * headers (tests/plugins/abi/1.0/shrike/, a copy of include/shrike/ as 1.0
 * was declared), never against include/shrike/. It plays every role and
 * sets every member 1.0 has, so tests/plugins/loader_test.c can load it
 * with today's host and drive each callback: a later change that breaks
 * plugins built for 1.0 fails `make check`.
 *
 * Source "abi10": three SK_EVT_PLUGIN records numbered 1..3, then SK_EOF.
 * Fields abi10.num (u64), abi10.tag (the `tag` parameter) and abi10.broken,
 * whose extract() fails and says why through last_error(). parse()
 * refuses event 2 and says why through last_error(). write() refuses alerts
 * of rule "refuse"; late_failures() reports 7; metrics() counts writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shrike/plugin.h>

#if SK_PLUGIN_ABI_MAJOR != 1 || SK_PLUGIN_ABI_MINOR != 0
#error "this fixture must be built against the frozen ABI 1.0 headers"
#endif

#define NREC	  3
#define RECLEN	  (SK_EVT_HDR_SIZE + 8 + 6 + 8)
#define RECSTRIDE ((RECLEN + 7) & ~7) /* every record starts 8-byte aligned */

struct abi_conf {
	char *tag;
};

struct abi_inst {
	const struct abi_conf *conf;
	unsigned char recs[NREC][RECSTRIDE] __attribute__((aligned(8)));
	const struct sk_evt_hdr *ptrs[NREC];
	int batches;
	uint64_t types_set; /* set_event_types() calls */
	uint64_t constants; /* values field_constants() saw */
	uint64_t written;   /* alerts write() accepted */
	uint64_t flushes;
	uint64_t reopens;
	struct sk_metric metrics[3];
	char error[128];
};

static const struct sk_param abi_params[] = {
    {.name = "tag",
     .type = SK_PARAM_STR,
     .def = "frozen",
     .offset = offsetof(struct abi_conf, tag),
     .desc = "the value of abi10.tag"},
    {.name = NULL},
};

static const char *const abi_sources[] = {"abi10", NULL};

static const struct sk_field abi_fields[] = {
    {.name = "abi10.num", .type = SK_TYPE_U64, .desc = "event number"},
    {.name = "abi10.tag", .type = SK_TYPE_STRING, .desc = "the configured tag"},
    {.name = "abi10.broken", .type = SK_TYPE_U64, .desc = "extract() always fails"},
    {.name = NULL},
};

static const struct sk_evt_name abi_event_names[] = {{"tick", SK_EVT_PLUGIN}, {NULL, 0}};

static void abi_destroy(void *p)
{
	free(p);
}

static int abi_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	struct abi_inst *inst = calloc(1, sizeof(*inst));
	if (inst == NULL || in->config == NULL) {
		snprintf(err, errlen, "out of memory or no configuration");
		free(inst);
		return SK_ERR;
	}
	inst->conf = in->config;
	*ret_inst = inst;
	return SK_OK;
}

static const char *abi_last_error(void *p)
{
	struct abi_inst *inst = p;
	return inst->error[0] != '\0' ? inst->error : NULL;
}

static int abi_metrics(void *p, const struct sk_metric **ret, size_t *ret_n)
{
	struct abi_inst *inst = p;
	inst->metrics[0] = (struct sk_metric){"written", inst->written};
	inst->metrics[1] = (struct sk_metric){"flushes", inst->flushes};
	inst->metrics[2] = (struct sk_metric){"reopens", inst->reopens};
	*ret = inst->metrics;
	*ret_n = 3;
	return SK_OK;
}

/* ---- source ---- */

static int abi_open(void *p, const char *params, int *ret_fd, char *err, size_t errlen)
{
	struct abi_inst *inst = p;
	if (strcmp(params, "fail") == 0) {
		snprintf(err, errlen, "cannot open '%s'", params);
		return SK_ERR;
	}
	inst->batches = 0;
	*ret_fd = -1;
	return SK_OK;
}

static int abi_next_batch(void *p, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			  char *err, size_t errlen)
{
	struct abi_inst *inst = p;
	(void)err;
	(void)errlen;
	if (inst->batches++ > 0) {
		return SK_EOF;
	}
	for (uint64_t i = 0; i < NREC; i++) {
		uint64_t num = i + 1;
		struct sk_evt_hdr h = {.ts = 1800000000000000000ull + num,
				       .len = RECLEN,
				       .type = SK_EVT_PLUGIN,
				       .nparams = 2,
				       .flags = SK_EVT_F_LARGE};
		uint32_t lens[2] = {6, 8};
		unsigned char *b = inst->recs[i];
		memcpy(b, &h, sizeof(h));
		memcpy(b + SK_EVT_HDR_SIZE, lens, sizeof(lens));
		memcpy(b + SK_EVT_HDR_SIZE + 8, "abi10", 6);
		memcpy(b + SK_EVT_HDR_SIZE + 8 + 6, &num, 8);
		inst->ptrs[i] = (const struct sk_evt_hdr *)b;
	}
	*ret_evs = inst->ptrs;
	*ret_n = NREC;
	return SK_OK;
}

static void abi_close(void *p)
{
	((struct abi_inst *)p)->batches = 1;
}

static int abi_stats(void *p, struct sk_source_stats *ret)
{
	struct abi_inst *inst = p;
	memset(ret, 0, sizeof(*ret));
	ret->events = inst->batches > 0 ? NREC : 0;
	return SK_OK;
}

static int abi_set_event_types(void *p, const uint16_t *types, size_t n)
{
	(void)types;
	(void)n;
	((struct abi_inst *)p)->types_set++;
	return SK_OK;
}

/* ---- extract ---- */

static uint64_t event_num(const struct sk_event *ev)
{
	const void *d;
	sk_u32 l;
	uint64_t num = 0;
	if (sk_evt_param(ev->rec, 1, &d, &l) == 0 && l == 8) {
		memcpy(&num, d, 8);
	}
	return num;
}

static int abi_extract(void *p, const struct sk_event *ev, const struct sk_field_req *req,
		       struct sk_value *ret)
{
	struct abi_inst *inst = p;
	if (strcmp(sk_evt_source_name(ev->rec), "abi10") != 0) {
		return SK_NA;
	}
	switch (req->field_idx) {
	case 0:
		ret->type = SK_TYPE_U64;
		ret->u64 = event_num(ev);
		return SK_OK;
	case 1:
		ret->type = SK_TYPE_STRING;
		ret->str.ptr = inst->conf->tag;
		ret->str.len = (uint32_t)strlen(inst->conf->tag);
		return SK_OK;
	default:
		snprintf(inst->error, sizeof(inst->error), "field %u never has a value",
			 (unsigned)req->field_idx);
		return SK_ERR;
	}
}

static void abi_field_constants(void *p, const struct sk_field_req *req, const char *const *values,
				size_t n)
{
	(void)req;
	(void)values;
	((struct abi_inst *)p)->constants += n;
}

/* ---- parse ---- */

static int abi_parse(void *p, const struct sk_event *ev)
{
	struct abi_inst *inst = p;
	if (event_num(ev) == 2) {
		snprintf(inst->error, sizeof(inst->error), "event 2 is refused");
		return SK_ERR;
	}
	return SK_OK;
}

static int abi_snapshot(void *p)
{
	(void)p;
	return SK_OK;
}

/* ---- output ---- */

static int abi_write(void *p, const struct sk_alert *alert)
{
	struct abi_inst *inst = p;
	if (alert->rule != NULL && strcmp(alert->rule, "refuse") == 0) {
		snprintf(inst->error, sizeof(inst->error), "rule 'refuse' is refused");
		return SK_ERR;
	}
	inst->written++;
	return SK_OK;
}

static int abi_flush(void *p)
{
	((struct abi_inst *)p)->flushes++;
	return SK_OK;
}

static int abi_reopen(void *p)
{
	((struct abi_inst *)p)->reopens++;
	return SK_OK;
}

static uint64_t abi_late_failures(void *p)
{
	(void)p;
	return 7;
}

SK_PLUGIN_OPS(sk_source_ops, abi_source, .event_source = "abi10", .open = abi_open,
	      .next_batch = abi_next_batch, .close = abi_close, .stats = abi_stats,
	      .set_event_types = abi_set_event_types);
SK_PLUGIN_OPS(sk_extract_ops, abi_extract_ops, .sources = abi_sources, .fields = abi_fields,
	      .extract = abi_extract, .event_names = abi_event_names,
	      .field_constants = abi_field_constants);
SK_PLUGIN_OPS(sk_parse_ops, abi_parse_ops, .sources = abi_sources, .parse = abi_parse,
	      .snapshot = abi_snapshot);
SK_PLUGIN_OPS(sk_output_ops, abi_output, .write = abi_write, .flush = abi_flush,
	      .reopen = abi_reopen, .late_failures = abi_late_failures);
SK_PLUGIN_DEFINE(.name = "abi10", .version = "1.0.0",
		 .description = "built against the frozen plugin ABI 1.0",
		 .contact = "tests/plugins", .params = abi_params,
		 .config_size = sizeof(struct abi_conf), .init = abi_init, .destroy = abi_destroy,
		 .last_error = abi_last_error, .metrics = abi_metrics, .source = &abi_source,
		 .extract = &abi_extract_ops, .parse = &abi_parse_ops, .output = &abi_output);
