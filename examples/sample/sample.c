/* examples/sample/sample.c - a complete out-of-tree Shrike plugin, built
 * against the installed headers alone:
 *
 *   cc $(pkg-config --cflags shrike-plugin) -shared -fPIC -o sample.so sample.c
 *
 * It plays two roles, each with its own table (struct sk_source_ops,
 * struct sk_extract_ops, at the bottom of this file):
 *
 *   source "sample"  counts 1, 2, 3, ... one event every `interval`, using a
 *                    timerfd the host polls; stops after `count` events
 *                    (0: never). Each event is an SK_EVT_PLUGIN record:
 *                    param 0 = "sample", param 1 = the payload below.
 *   fields           sample.count (u64), sample.msg (string),
 *                    sample.is_even (bool)
 *
 * Configuration (the plugin's section of shrike.yaml):
 *
 *   plugins:
 *     - name: sample
 *       library_path: /usr/local/lib/shrike/plugins/sample.so
 *       init_config:
 *         interval: 500ms     # DURATION, default 1s
 *         count: 10           # UINT, default 0 (forever)
 *         message: hello      # STR, default "tick"
 *       open_params: ""       # non-empty: replaces `message`
 *
 * and a rule that uses it:
 *
 *   - rule: Even sample tick
 *     desc: every second tick of the sample source
 *     condition: sample.is_even = true
 *     output: tick %sample.count says %sample.msg
 *     priority: NOTICE
 *     source: sample
 *
 * Everything is static except the table SK_PLUGIN_DEFINE exports, so the
 * plain command above exports exactly one symbol, shrike_plugin_entry.
 * See docs/plugin-authoring.md for the rules this file follows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <shrike/plugin.h>

#define SAMPLE_SOURCE	 "sample"
#define SAMPLE_BATCH_MAX 64 /* records per next_batch() */

/* The configuration struct the host fills from `sample_params` (host-owned:
 * never free or modify it). */
struct sample_config {
	uint64_t interval_ms;
	uint64_t count;
	char *message;
};

static const struct sk_param sample_params[] = {
    {.name = "interval",
     .type = SK_PARAM_DURATION,
     .def = "1s",
     .offset = offsetof(struct sample_config, interval_ms),
     .min = 1,
     .max = 86400000,
     .desc = "time between two events (250ms, 5s, 2m ...)"},
    {.name = "count",
     .type = SK_PARAM_UINT,
     .def = "0",
     .offset = offsetof(struct sample_config, count),
     .desc = "number of events before the source ends; 0: never"},
    {.name = "message",
     .type = SK_PARAM_STR,
     .def = "tick",
     .offset = offsetof(struct sample_config, message),
     .desc = "text carried by every event (sample.msg)"},
    {.name = NULL},
};

/* Payload of one event (param 1), packed, no alignment:
 *   uint64_t count      host byte order
 *   char msg[]          the message, NUL-terminated */

/* The instance (plugin-owned: allocated by init(), freed by destroy()). */
struct sample {
	const struct sample_config *cfg;
	const struct sk_host_api *api;
	struct sk_host *host;
	char *message; /* open params or cfg->message, owned */
	int tfd;       /* the timerfd, -1 when closed */
	bool done;     /* `count` events delivered */
	uint64_t produced;
	uint64_t drops;
	/* next_batch() results: valid until the next call (ownership rule) */
	unsigned char *buf;
	size_t bufcap;
	const struct sk_evt_hdr *ptrs[SAMPLE_BATCH_MAX];
	/* extract() results for sample.msg: valid until the next extract() */
	char *msgcopy;
	size_t msgcap;
};

static const struct sk_field sample_fields[] = {
    {.name = "sample.count",
     .type = SK_TYPE_U64,
     .display = "Count",
     .desc = "the event's number, from 1"},
    {.name = "sample.msg",
     .type = SK_TYPE_STRING,
     .display = "Message",
     .desc = "the configured message"},
    {.name = "sample.is_even",
     .type = SK_TYPE_BOOL,
     .display = "Even",
     .desc = "whether sample.count is even"},
    {.name = NULL},
};
enum { F_COUNT, F_MSG, F_IS_EVEN };

static const char *const sample_sources[] = {SAMPLE_SOURCE, NULL};

/* ---- lifecycle ---------------------------------------------------------- */

static void sample_destroy(void *p)
{
	struct sample *s = p;
	if (s == NULL) {
		return; /* destroy(NULL) must be a no-op */
	}
	if (s->tfd >= 0) {
		close(s->tfd);
	}
	free(s->message);
	free(s->buf);
	free(s->msgcopy);
	free(s);
}

static int sample_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	struct sample *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	s->tfd = -1;
	*ret_inst = s; /* from here on the host calls destroy() even if we fail */
	s->cfg = in->config;
	s->api = in->api;
	s->host = in->host;
	s->api->log(s->host, SK_LOG_INFO, "one event every %llu ms%s",
		    (unsigned long long)s->cfg->interval_ms, s->cfg->count ? "" : ", forever");
	return SK_OK;
}

/* ---- the source role (struct sk_source_ops) ----------------------------- */

static int sample_arm(struct sample *s, uint64_t first_ns, uint64_t every_ms)
{
	struct itimerspec its = {
	    .it_value = {.tv_sec = (time_t)(first_ns / 1000000000u),
			 .tv_nsec = (long)(first_ns % 1000000000u)},
	    .it_interval = {.tv_sec = (time_t)(every_ms / 1000u),
			    .tv_nsec = (long)(every_ms % 1000u) * 1000000L},
	};
	return timerfd_settime(s->tfd, 0, &its, NULL);
}

static int sample_open(void *p, const char *params, int *ret_fd, char *err, size_t errlen)
{
	struct sample *s = p;
	char *msg = strdup(params != NULL && params[0] != '\0' ? params : s->cfg->message);
	if (msg == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	free(s->message);
	s->message = msg;
	if (s->tfd < 0) {
		s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (s->tfd < 0) {
			snprintf(err, errlen, "timerfd_create: %s", strerror(errno));
			return SK_ERR;
		}
	}
	if (sample_arm(s, s->cfg->interval_ms * 1000000u, s->cfg->interval_ms) != 0) {
		snprintf(err, errlen, "timerfd_settime: %s", strerror(errno));
		return SK_ERR;
	}
	s->done = false;
	s->produced = 0;
	*ret_fd = s->tfd; /* the host polls it and calls next_batch() */
	return SK_OK;
}

/* Append one record for event `count` at `off` in s->buf; returns its size. */
static size_t sample_record(struct sample *s, size_t off, uint64_t count)
{
	size_t msglen = strlen(s->message) + 1;
	uint32_t lens[2] = {sizeof(SAMPLE_SOURCE), (uint32_t)(sizeof(uint64_t) + msglen)};
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct sk_evt_hdr h = {
	    .ts = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec,
	    .tid = 0,
	    .len = (uint32_t)(SK_EVT_HDR_SIZE + sizeof(lens) + lens[0] + lens[1]),
	    .type = SK_EVT_PLUGIN,
	    .nparams = 2,
	    .flags = SK_EVT_F_LARGE, /* SK_EVT_PLUGIN records always use u32 lengths */
	};
	unsigned char *r = s->buf + off;
	memcpy(r, &h, sizeof(h));
	memcpy(r + SK_EVT_HDR_SIZE, lens, sizeof(lens));
	memcpy(r + SK_EVT_HDR_SIZE + sizeof(lens), SAMPLE_SOURCE, lens[0]);
	memcpy(r + SK_EVT_HDR_SIZE + sizeof(lens) + lens[0], &count, sizeof(count));
	memcpy(r + SK_EVT_HDR_SIZE + sizeof(lens) + lens[0] + sizeof(count), s->message, msglen);
	return h.len;
}

static int sample_next_batch(void *p, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			     char *err, size_t errlen)
{
	struct sample *s = p;
	uint64_t ticks = 0;

	if (s->done) {
		return SK_EOF;
	}
	if (read(s->tfd, &ticks, sizeof(ticks)) != (ssize_t)sizeof(ticks)) {
		if (errno == EAGAIN || errno == EINTR) {
			return SK_RETRY; /* not yet: wait for the fd */
		}
		snprintf(err, errlen, "reading the timer: %s", strerror(errno));
		return SK_ERR;
	}
	uint64_t n = ticks;
	if (n > SAMPLE_BATCH_MAX) {
		s->drops += n - SAMPLE_BATCH_MAX; /* we fell behind: say so in stats */
		n = SAMPLE_BATCH_MAX;
	}
	if (s->cfg->count > 0 && n > s->cfg->count - s->produced) {
		n = s->cfg->count - s->produced;
	}

	/* Records start at 8-byte boundaries so the host may read the header
	 * in place. */
	size_t slot =
	    (SK_EVT_HDR_SIZE + 8 + sizeof(SAMPLE_SOURCE) + 8 + strlen(s->message) + 1 + 7) &
	    ~(size_t)7;
	if (slot * n > s->bufcap) {
		unsigned char *nb = realloc(s->buf, slot * n);
		if (nb == NULL) {
			snprintf(err, errlen, "out of memory");
			return SK_ERR;
		}
		s->buf = nb;
		s->bufcap = slot * n;
	}
	for (size_t i = 0; i < n; i++) {
		sample_record(s, i * slot, ++s->produced);
		s->ptrs[i] = (const struct sk_evt_hdr *)(s->buf + i * slot);
	}
	if (s->cfg->count > 0 && s->produced >= s->cfg->count) {
		s->done = true;
		sample_arm(s, 1, 0); /* wake the host once more to collect SK_EOF */
	}
	*ret_evs = s->ptrs;
	*ret_n = n;
	return SK_OK;
}

static void sample_close(void *p)
{
	struct sample *s = p;
	if (s->tfd >= 0) {
		close(s->tfd);
		s->tfd = -1;
	}
}

static int sample_stats(void *p, struct sk_source_stats *ret_stats)
{
	struct sample *s = p;
	memset(ret_stats, 0, sizeof(*ret_stats));
	ret_stats->events = s->produced;
	ret_stats->drops = s->drops;
	return SK_OK;
}

/* ---- the extract role (struct sk_extract_ops) --------------------------- */

static int sample_extract(void *p, const struct sk_event *ev, const struct sk_field_req *req,
			  struct sk_value *ret_val)
{
	struct sample *s = p;
	const void *data;
	sk_u32 len;
	uint64_t count;

	/* The host only sends events of `sample_sources`, but check anyway:
	 * records are data, and data can be wrong. */
	if (strcmp(sk_evt_source_name(ev->rec), SAMPLE_SOURCE) != 0 ||
	    sk_evt_param(ev->rec, 1, &data, &len) != 0 || len <= sizeof(count) ||
	    ((const char *)data)[len - 1] != '\0') {
		return SK_NA;
	}
	memcpy(&count, data, sizeof(count)); /* params are not aligned */
	switch (req->field_idx) {
	case F_COUNT:
		ret_val->type = SK_TYPE_U64;
		ret_val->u64 = count;
		return SK_OK;
	case F_IS_EVEN:
		ret_val->type = SK_TYPE_BOOL;
		ret_val->b = count % 2 == 0;
		return SK_OK;
	case F_MSG: {
		/* Copy into memory we own: the value must stay valid until our
		 * next extract(), whatever the host does with the event. */
		size_t n = len - sizeof(count);
		if (n > s->msgcap) {
			char *nb = realloc(s->msgcopy, n);
			if (nb == NULL) {
				s->api->log(s->host, SK_LOG_ERROR, "out of memory");
				return SK_ERR;
			}
			s->msgcopy = nb;
			s->msgcap = n;
		}
		memcpy(s->msgcopy, (const char *)data + sizeof(count), n);
		ret_val->type = SK_TYPE_STRING;
		ret_val->str.ptr = s->msgcopy;
		ret_val->str.len = (uint32_t)(n - 1);
		return SK_OK;
	}
	default:
		return SK_ERR;
	}
}

/* ---- the plugin table --------------------------------------------------- */

/* One table per role this plugin plays; SK_PLUGIN_OPS fills in each
 * table's struct_size. Roles left out (parse, output) stay NULL. One
 * member a line, so the tables read like the structs in plugin.h. */
/* clang-format off */
SK_PLUGIN_OPS(sk_source_ops, sample_source_ops,
	      .event_source = SAMPLE_SOURCE,
	      .open = sample_open,
	      .next_batch = sample_next_batch,
	      .close = sample_close,
	      .stats = sample_stats);

SK_PLUGIN_OPS(sk_extract_ops, sample_extract_ops,
	      .sources = sample_sources,
	      .fields = sample_fields,
	      .extract = sample_extract);

/* The exported entry point: identity, configuration, lifecycle, and a
 * pointer to each role table. */
SK_PLUGIN_DEFINE(.name = "sample",
		 .version = "1.0.0",
		 .description = "counts ticks of a timer: an example of the Shrike plugin ABI",
		 .contact = "https://github.com/shrike-security/shrike",
		 .params = sample_params,
		 .config_size = sizeof(struct sample_config),
		 .init = sample_init,
		 .destroy = sample_destroy,
		 .source = &sample_source_ops,
		 .extract = &sample_extract_ops);
/* clang-format on */
