/* core/pipeline.c - the event path: sources are opened, pumped and closed
 * here, and every record they deliver goes through handle_event: checked,
 * numbered, handed to the parser plugins, evaluated by the rules (alerts
 * leave through the per-output queues of outputs.c, so a slow output never
 * stalls the loop) and appended to the capture file. Saved parser state
 * (SK_EVT_STATE records) goes to the plugin that saved it. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_priv.h"

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

/* parse_failed - a parser's parse() failed: count it (the plugin's
 * parse_errors metric) and log its reason at most once every
 * PARSE_ERROR_LOG_S seconds; the event goes on to the rules regardless. */
static void parse_failed(struct sk_plugin_handle *h, const struct sk_event *ev)
{
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

/* parse_event - one parser takes one event. */
static inline void parse_event(struct sk_plugin_handle *h, const struct sk_event *ev)
{
	if (h->def.parse->parse(h->inst, ev) != SK_OK) {
		parse_failed(h, ev);
	}
}

/* hand_state - an SK_EVT_STATE record (a replayed capture's saved state)
 * goes to the parse() of the plugin that saved it, and nowhere else. */
static void hand_state(struct daemon *d, const struct sk_evt_hdr *rec)
{
	const void *p;
	uint32_t len;
	if (sk_evt_param(rec, 0, &p, &len) != 0 || len == 0 || ((const char *)p)[len - 1] != '\0') {
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
void pipe_snapshot_parsers(struct daemon *d)
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

static void handle_event(struct daemon *d, struct source *s, const struct sk_evt_hdr *rec)
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
	s->nevents++;
	struct sk_event ev = {
	    .rec = rec,
	    .num = d->nevents,
	    .source = s->event_source ? s->event_source : sk_evt_source_name(rec),
	};
	if (rec->type == SK_EVT_DROP) {
		const void *p;
		uint32_t len;
		uint64_t n;
		if (sk_evt_param(rec, 0, &p, &len) == 0 && len == sizeof(n)) {
			memcpy(&n, p, sizeof(n));
			d->drops += n;
			s->nlost += n;
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

/* ---- sources ------------------------------------------------------------ */

/* open_auto - engine.kind auto: open s->h (ebpf); when it cannot open,
 * say why in one info line and open s->fallback (kmod) instead; when
 * neither opens, one error line with both reasons (each plugin's error
 * names what is missing and what to install). The source not chosen is
 * dropped from the plugins. */
static int open_auto(struct daemon *d, struct source *s, int *ret_fd, char *err, size_t errlen)
{
	struct sk_plugin_handle *eb = s->h, *km = s->fallback;
	char eberr[ERRLEN] = "";
	s->fallback = NULL;
	if (eb->def.source->open(eb->inst, s->open_params, ret_fd, eberr, sizeof(eberr)) == SK_OK) {
		SK_INFO("engine auto: the eBPF probe runs on this kernel; using the ebpf source");
		pset_drop(d, km);
		return SK_OK;
	}
	if (eberr[0] == '\0') {
		snprintf(eberr, sizeof(eberr), "unknown error");
	}
	SK_INFO("engine auto: the eBPF probe cannot run here (%s); trying the kernel module",
		eberr);
	s->h = km;
	pset_drop(d, eb);
	char kmerr[ERRLEN] = "";
	if (km->def.source->open(km->inst, s->open_params, ret_fd, kmerr, sizeof(kmerr)) == SK_OK) {
		SK_INFO("engine auto: using the kmod source (the shrike kernel module)");
		return SK_OK;
	}
	snprintf(err, errlen,
		 "engine auto: no syscall source can run on this host: eBPF probe: %s; kernel "
		 "module: %s",
		 eberr, kmerr[0] ? kmerr : "unknown error");
	return SK_ERR;
}

int pipe_open_sources(struct daemon *d, char *err, size_t errlen)
{
	for (size_t i = 0; i < d->nsources; i++) {
		struct source *s = &d->sources[i];
		int fd = -1;
		int r;
		if (s->fallback != NULL) {
			r = open_auto(d, s, &fd, err, errlen);
			if (r != SK_OK) {
				return -EIO;
			}
		} else {
			r = s->h->def.source->open(s->h->inst, s->open_params, &fd, err, errlen);
		}
		if (r != SK_OK) {
			char msg[ERRLEN];
			snprintf(msg, sizeof(msg), "source '%s' could not start: %s",
				 s->h->def.name, err[0] ? err : "unknown error");
			snprintf(err, errlen, "%s", msg);
			return -EIO;
		}
		s->opened = true;
		s->event_source = sk_loader_event_source(s->h);
		s->fd = fd;
		d->nactive++;
		if (fd >= 0) {
			s->d = d;
			r = sk_loop_add_fd(d->loop, fd, on_source_ready, s);
			if (r < 0) {
				snprintf(err, errlen,
					 "source '%s': cannot watch its descriptor: %s",
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

void pipe_close_sources(struct daemon *d)
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
