/* tests/plugins/ticker.c - `ticker`, a test-only source and extractor plugin
 * (never installed; see tests/rules.mk): a stream of events of source
 * "ticker" that runs until stopped, for tests that need events to keep
 * flowing (rules reloaded on SIGHUP) and for the rules benchmark.
 *
 * Configuration: period (default 5ms; 0 = as fast as the host takes them),
 * per_tick (events per period, default 1: period 1ms with per_tick 5 gives
 * 5,000 events/s) and count (events to produce before SK_EOF; 0 = no end). Non-empty open
 * parameters override count. With a period, open() returns a timerfd and
 * every expiry yields one event; without, the host calls next_batch() in a
 * loop and gets 256 events each time.
 *
 * Event n (from 1) is an SK_EVT_PLUGIN record holding n; every field is a
 * pure function of n:
 *   ticker.num   u64     n
 *   ticker.odd   bool    n is odd
 *   ticker.name  string  one of 8 names: alpha beta gamma delta epsilon zeta
 *                        eta theta, by n % 8
 *   ticker.path  string  /tick/NAME/(n % 100)
 *   ticker.port  port    1000 + n % 50
 *   ticker.ip    ipaddr  10.0.(n % 4).(n % 256)
 *   ticker.tag   string  with an argument: ticker.tag[K] is "K-NAME", and
 *                        missing (NA) when K is "none"
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <shrike/plugin.h>

#define TICKER_MAX_BATCH 256u
#define TICKER_REC_SLOT	 64u /* bytes per record, a multiple of 8 */

struct ticker_conf {
	uint64_t period_ms;
	uint64_t per_tick;
	uint64_t count;
};

static const struct sk_param ticker_params[] = {
    {.name = "period",
     .type = SK_PARAM_DURATION,
     .def = "5ms",
     .offset = offsetof(struct ticker_conf, period_ms),
     .desc = "time between events; 0: as fast as the host takes them"},
    {.name = "per_tick",
     .type = SK_PARAM_UINT,
     .def = "1",
     .offset = offsetof(struct ticker_conf, per_tick),
     .desc = "events per period"},
    {.name = "count",
     .type = SK_PARAM_UINT,
     .def = "0",
     .offset = offsetof(struct ticker_conf, count),
     .desc = "events to produce before the end (0: no end); open parameters override it"},
    {.name = NULL},
};

static const struct sk_field ticker_fields[] = {
    {.name = "ticker.num", .type = SK_TYPE_U64, .desc = "event number, from 1"},
    {.name = "ticker.odd", .type = SK_TYPE_BOOL, .desc = "whether the event number is odd"},
    {.name = "ticker.name", .type = SK_TYPE_STRING, .desc = "one of eight names, by number"},
    {.name = "ticker.path", .type = SK_TYPE_STRING, .desc = "/tick/NAME/(number % 100)"},
    {.name = "ticker.port", .type = SK_TYPE_PORT, .desc = "1000 + number % 50"},
    {.name = "ticker.ip", .type = SK_TYPE_IPADDR, .desc = "10.0.(number % 4).(number % 256)"},
    {.name = "ticker.tag",
     .type = SK_TYPE_STRING,
     .flags = SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_KEY,
     .desc = "ticker.tag[K] is K-NAME; no value when K is 'none'"},
    {.name = NULL},
};

static const char *const ticker_names[8] = {"alpha",   "beta", "gamma", "delta",
					    "epsilon", "zeta", "eta",	"theta"};
static const char *const ticker_sources[] = {"ticker", NULL};

struct ticker {
	const struct sk_host_api *api;
	struct sk_host *host;
	const struct ticker_conf *conf;
	int tfd;
	uint64_t count; /* 0: no end */
	uint64_t next;	/* number of the next event */
	uint64_t owed;	/* timer expiries not turned into events yet */
	unsigned char *arena;
	const struct sk_evt_hdr *ptrs[TICKER_MAX_BATCH];
	/* scratch for extracted strings, valid until the next extract() */
	char path[64];
	char tag[96];
};

static void ticker_destroy(void *p)
{
	struct ticker *t = p;
	if (t == NULL) {
		return;
	}
	if (t->tfd >= 0) {
		close(t->tfd);
	}
	free(t->arena);
	free(t);
}

static int ticker_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	struct ticker *t = calloc(1, sizeof(*t));
	if (t == NULL || in->config == NULL) {
		free(t);
		snprintf(err, errlen, "out of memory or no configuration");
		return SK_ERR;
	}
	t->api = in->api;
	t->host = in->host;
	t->conf = in->config;
	t->tfd = -1;
	t->arena = aligned_alloc(8, (size_t)TICKER_MAX_BATCH * TICKER_REC_SLOT);
	if (t->arena == NULL) {
		snprintf(err, errlen, "out of memory");
		ticker_destroy(t);
		return SK_ERR;
	}
	*ret_inst = t;
	return SK_OK;
}

static int ticker_open(void *p, const char *params, int *ret_fd, char *err, size_t errlen)
{
	struct ticker *t = p;
	t->count = t->conf->count;
	if (params != NULL && params[0] != '\0') {
		char *end = NULL;
		errno = 0;
		unsigned long long c = strtoull(params, &end, 10);
		if (errno != 0 || end == params || *end != '\0') {
			snprintf(err, errlen, "open parameters: '%s' is not a count", params);
			return SK_ERR;
		}
		t->count = c;
	}
	t->next = 1;
	t->owed = 0;
	*ret_fd = -1;
	if (t->conf->period_ms == 0) {
		return SK_OK;
	}
	t->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->tfd < 0) {
		snprintf(err, errlen, "timerfd_create: %s", strerror(errno));
		return SK_ERR;
	}
	struct itimerspec its = {0};
	its.it_interval.tv_sec = (time_t)(t->conf->period_ms / 1000);
	its.it_interval.tv_nsec = (long)(t->conf->period_ms % 1000) * 1000000L;
	its.it_value = its.it_interval;
	if (timerfd_settime(t->tfd, 0, &its, NULL) != 0) {
		snprintf(err, errlen, "timerfd_settime: %s", strerror(errno));
		close(t->tfd);
		t->tfd = -1;
		return SK_ERR;
	}
	*ret_fd = t->tfd;
	return SK_OK;
}

static void build_record(unsigned char *buf, uint64_t num)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct sk_evt_hdr h = {
	    .ts = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec,
	    .tid = 0,
	    .len = SK_EVT_HDR_SIZE + 8 + 7 + 8,
	    .type = SK_EVT_PLUGIN,
	    .nparams = 2,
	    .flags = SK_EVT_F_LARGE,
	};
	uint32_t lens[2] = {7, 8};
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + SK_EVT_HDR_SIZE, lens, sizeof(lens));
	memcpy(buf + SK_EVT_HDR_SIZE + 8, "ticker", 7);
	memcpy(buf + SK_EVT_HDR_SIZE + 8 + 7, &num, 8);
}

static int ticker_next_batch(void *p, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			     char *err, size_t errlen)
{
	struct ticker *t = p;
	if (t->count != 0 && t->next > t->count) {
		return SK_EOF;
	}
	uint64_t want = TICKER_MAX_BATCH;
	if (t->tfd >= 0) {
		uint64_t exp = 0;
		ssize_t r = read(t->tfd, &exp, sizeof(exp));
		if (r == (ssize_t)sizeof(exp)) {
			t->owed += exp * (t->conf->per_tick ? t->conf->per_tick : 1);
		} else if (r < 0 && errno != EAGAIN && errno != EINTR) {
			snprintf(err, errlen, "timerfd read: %s", strerror(errno));
			return SK_ERR;
		}
		if (t->owed == 0) {
			return SK_RETRY;
		}
		want = t->owed < TICKER_MAX_BATCH ? t->owed : TICKER_MAX_BATCH;
		t->owed -= want;
	}
	if (t->count != 0 && want > t->count - t->next + 1) {
		want = t->count - t->next + 1;
	}
	for (uint64_t i = 0; i < want; i++) {
		unsigned char *rec = t->arena + i * TICKER_REC_SLOT;
		build_record(rec, t->next++);
		t->ptrs[i] = (const struct sk_evt_hdr *)rec;
	}
	*ret_evs = t->ptrs;
	*ret_n = (size_t)want;
	return SK_OK;
}

static void ticker_close(void *p)
{
	struct ticker *t = p;
	if (t->tfd >= 0) {
		close(t->tfd);
		t->tfd = -1;
	}
}

static int ticker_extract(void *p, const struct sk_event *ev, const struct sk_field_req *req,
			  struct sk_value *ret_val)
{
	struct ticker *t = p;
	const void *d;
	sk_u32 l;
	uint64_t n;
	if (strcmp(sk_evt_source_name(ev->rec), "ticker") != 0 ||
	    sk_evt_param(ev->rec, 1, &d, &l) != 0 || l != 8) {
		return SK_NA;
	}
	memcpy(&n, d, 8);
	const char *name = ticker_names[n % 8];
	switch (req->field_idx) {
	case 0:
		ret_val->type = SK_TYPE_U64;
		ret_val->u64 = n;
		return SK_OK;
	case 1:
		ret_val->type = SK_TYPE_BOOL;
		ret_val->b = (n & 1) != 0;
		return SK_OK;
	case 2:
		ret_val->type = SK_TYPE_STRING;
		ret_val->str.ptr = name;
		ret_val->str.len = strlen(name);
		return SK_OK;
	case 3: {
		int len = snprintf(t->path, sizeof(t->path), "/tick/%s/%" PRIu64, name, n % 100);
		ret_val->type = SK_TYPE_STRING;
		ret_val->str.ptr = t->path;
		ret_val->str.len = (size_t)len;
		return SK_OK;
	}
	case 4:
		ret_val->type = SK_TYPE_PORT;
		ret_val->u64 = 1000 + n % 50;
		return SK_OK;
	case 5:
		memset(&ret_val->ip, 0, sizeof(ret_val->ip));
		ret_val->type = SK_TYPE_IPADDR;
		ret_val->ip.family = 4;
		ret_val->ip.prefix = 32;
		ret_val->ip.addr[0] = 10;
		ret_val->ip.addr[1] = 0;
		ret_val->ip.addr[2] = (uint8_t)(n % 4);
		ret_val->ip.addr[3] = (uint8_t)(n % 256);
		return SK_OK;
	case 6: {
		const char *k = req->arg_key ? req->arg_key : "";
		if (strcmp(k, "none") == 0) {
			return SK_NA;
		}
		int len = snprintf(t->tag, sizeof(t->tag), "%.40s-%s", k, name);
		ret_val->type = SK_TYPE_STRING;
		ret_val->str.ptr = t->tag;
		ret_val->str.len = (size_t)len;
		return SK_OK;
	}
	default:
		return SK_ERR;
	}
}

SK_PLUGIN_OPS(sk_source_ops, ticker_source_ops, .event_source = "ticker", .open = ticker_open,
	      .next_batch = ticker_next_batch, .close = ticker_close);
SK_PLUGIN_OPS(sk_extract_ops, ticker_extract_ops, .sources = ticker_sources,
	      .fields = ticker_fields, .extract = ticker_extract);
SK_PLUGIN_DEFINE(.name = "ticker", .version = "0.1.0",
		 .description = "test source: numbered events until stopped",
		 .contact = "tests/plugins", .params = ticker_params,
		 .config_size = sizeof(struct ticker_conf), .init = ticker_init,
		 .destroy = ticker_destroy, .source = &ticker_source_ops,
		 .extract = &ticker_extract_ops);
