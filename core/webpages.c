/* core/webpages.c - the web server's pages: /healthz, /versions and
 * /metrics. The server's threads never touch the daemon: a request wakes
 * the event loop (an eventfd), the loop thread collects the metrics and
 * judges health, publishes the text under a lock, and the waiting threads
 * serve it. A loop that does not answer within WEBP_WAIT_MS makes /healthz
 * fail (the daemon is stuck) and /metrics serve 503. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/utsname.h>

#include "lib/utf8.h"
#include "websrv.h"
#include "daemon_priv.h"

#define WEBP_WAIT_MS 3000

struct webp {
	struct daemon *d;
	struct sk_websrv *srv;
	int efd;
	bool falco_names;
	bool want_metrics;
	struct res_state res; /* host CPU between two scrapes */

	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t asked;	    /* requests made (generation) */
	uint64_t answered;  /* the generation the published text answers */
	struct sk_sbuf prom; /* the last /metrics text */
	struct sk_sbuf health; /* the last /healthz body */
	bool healthy;
	bool running; /* the loop runs: until then the pages say "starting" */
	struct sk_sbuf versions; /* /versions, made at start and on reload */
};

/* ---- loop side ----------------------------------------------------------- */

/* judge - whether the daemon is healthy: every source it opened still runs,
 * and not every output has failed past its retry budget. */
static bool judge(struct daemon *d, struct sk_sbuf *why)
{
	for (size_t i = 0; i < d->nsources; i++) {
		const struct source *s = &d->sources[i];
		if (!s->opened || s->done) {
			sk_sbuf_printf(why, "source %s is not running", s->h->def.name);
			return false;
		}
	}
	struct sk_output_stats os[SK_CONF_MAX_OUTPUTS];
	size_t nos = d->outputs ? sk_outputs_stats(d->outputs, os, SK_CONF_MAX_OUTPUTS) : 0;
	if (nos > SK_CONF_MAX_OUTPUTS) {
		nos = SK_CONF_MAX_OUTPUTS;
	}
	size_t down = 0;
	for (size_t i = 0; i < nos; i++) {
		down += os[i].down;
	}
	if (nos > 0 && down == nos) {
		sk_sbuf_adds(why, nos == 1 ? "the only output is failing:" : "every output is failing:");
		for (size_t i = 0; i < nos; i++) {
			sk_sbuf_printf(why, "%s %s for %" PRIu64 " s past its retry_budget",
				       i ? "," : "", os[i].name, os[i].failing_ms / 1000);
		}
		return false;
	}
	return true;
}

static void publish(struct webp *w)
{
	struct daemon *d = w->d;
	struct sk_sbuf prom = {0}, why = {0}, health = {0};
	if (w->want_metrics) {
		struct met_set s;
		met_set_init(&s);
		mcol_collect(d, &d->conf->metrics_groups, &w->res, &s, NULL);
		met_prometheus(&s, w->falco_names, &prom);
		met_set_free(&s);
	}
	bool ok = judge(d, &why);
	if (ok) {
		sk_sbuf_adds(&health, "{\"status\": \"ok\"}\n");
	} else {
		sk_sbuf_adds(&health, "{\"status\": \"error\", \"reason\": ");
		sk_utf8_json_string(&health, why.p ? why.p : "");
		sk_sbuf_adds(&health, "}\n");
	}
	pthread_mutex_lock(&w->lock);
	sk_sbuf_free(&w->prom);
	sk_sbuf_free(&w->health);
	w->prom = prom;
	w->health = health;
	w->healthy = ok;
	w->answered = w->asked;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	sk_sbuf_free(&why);
}

static void on_ask(struct sk_loop *loop, int fd, uint32_t events, void *arg)
{
	struct webp *w = arg;
	uint64_t v;
	while (read(fd, &v, sizeof(v)) == sizeof(v)) {
	}
	publish(w);
	(void)loop;
	(void)events;
}

/* webp_versions - /versions: Shrike, its plugin ABI and rules engine, the
 * kernel, the engine, the plugins and the rule files loaded. Loop thread. */
void webp_versions(struct daemon *d)
{
	struct webp *w = d->web;
	if (w == NULL) {
		return;
	}
	struct sk_sbuf b = {0};
	struct utsname un;
	sk_sbuf_printf(&b,
		       "{\"shrike_version\": \"%s\", \"plugin_api_version\": \"%u.%u\", "
		       "\"engine_version\": \"%s\", \"kernel_release\": ",
		       PACKAGE_VERSION, SK_PLUGIN_ABI_MAJOR, SK_PLUGIN_ABI_MINOR,
		       SK_RULES_ENGINE_VERSION);
	sk_utf8_json_string(&b, uname(&un) == 0 ? un.release : "");
	sk_sbuf_printf(&b, ", \"engine_kind\": \"%s\", \"plugins\": [",
		       listing_engine_name(d->conf->engine_kind));
	for (size_t i = 0; i < d->nplugins; i++) {
		sk_sbuf_adds(&b, i ? ", {\"name\": " : "{\"name\": ");
		sk_utf8_json_string(&b, d->plugins[i]->def.name);
		sk_sbuf_adds(&b, ", \"version\": ");
		sk_utf8_json_string(&b, d->plugins[i]->def.version);
		sk_sbuf_adds(&b, "}");
	}
	sk_sbuf_adds(&b, "], \"rules_files\": [");
	const char **files = NULL;
	size_t nfiles = 0;
	if (drules_conf_files(d, d->conf, &files, &nfiles) == 0) {
		for (size_t i = 0; i < nfiles; i++) {
			sk_sbuf_adds(&b, i ? ", " : "");
			sk_utf8_json_string(&b, files[i]);
		}
	}
	free(files);
	sk_sbuf_adds(&b, "]}\n");
	pthread_mutex_lock(&w->lock);
	sk_sbuf_free(&w->versions);
	w->versions = b;
	pthread_mutex_unlock(&w->lock);
}

/* ---- server side --------------------------------------------------------- */

/* fresh - ask the loop for new text and wait for it; false when the loop
 * did not answer in time. Called with w->lock held. */
static bool fresh(struct webp *w)
{
	uint64_t gen = ++w->asked;
	uint64_t one = 1;
	if (write(w->efd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
		return false;
	}
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += WEBP_WAIT_MS / 1000;
	until.tv_nsec += (long)(WEBP_WAIT_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (w->answered < gen) {
		if (pthread_cond_timedwait(&w->cond, &w->lock, &until) == ETIMEDOUT) {
			return w->answered >= gen;
		}
	}
	return true;
}

static void page_healthz(void *arg, struct sk_websrv_reply *r)
{
	struct webp *w = arg;
	pthread_mutex_lock(&w->lock);
	r->content_type = "application/json";
	if (!w->running) {
		r->status = 503;
		sk_sbuf_adds(&r->body, "{\"status\": \"error\", \"reason\": \"starting: the sources "
				       "are being opened\"}\n");
	} else if (!fresh(w)) {
		r->status = 503;
		sk_sbuf_adds(&r->body, "{\"status\": \"error\", \"reason\": \"the event loop did not "
				       "answer within 3 s\"}\n");
	} else {
		r->status = w->healthy ? 200 : 503;
		sk_sbuf_add(&r->body, w->health.p, w->health.len);
	}
	pthread_mutex_unlock(&w->lock);
}

static void page_metrics(void *arg, struct sk_websrv_reply *r)
{
	struct webp *w = arg;
	pthread_mutex_lock(&w->lock);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	if (!w->running) {
		r->status = 503;
		sk_sbuf_adds(&r->body, "# starting: the sources are being opened\n");
	} else if (!fresh(w)) {
		r->status = 503;
		sk_sbuf_adds(&r->body, "# the event loop did not answer within 3 s\n");
	} else {
		sk_sbuf_add(&r->body, w->prom.p, w->prom.len);
	}
	pthread_mutex_unlock(&w->lock);
}

static void page_versions(void *arg, struct sk_websrv_reply *r)
{
	struct webp *w = arg;
	pthread_mutex_lock(&w->lock);
	r->content_type = "application/json";
	sk_sbuf_add(&r->body, w->versions.p, w->versions.len);
	pthread_mutex_unlock(&w->lock);
}

/* ---- start and stop ------------------------------------------------------ */

static void webp_free(struct webp *w)
{
	if (w->efd >= 0) {
		close(w->efd);
	}
	sk_sbuf_free(&w->prom);
	sk_sbuf_free(&w->health);
	sk_sbuf_free(&w->versions);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

int webp_start(struct daemon *d, char *err, size_t errlen)
{
	const struct sk_conf *c = d->conf;
	if (!c->web_enabled) {
		return 0;
	}
	struct webp *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		snprintf(err, errlen, "webserver: out of memory");
		return -ENOMEM;
	}
	w->d = d;
	w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	w->falco_names = c->web_prometheus_falco_names;
	w->want_metrics = c->web_prometheus_metrics;
	if (w->efd < 0 || sk_loop_add_fd(d->loop, w->efd, on_ask, w) < 0) {
		snprintf(err, errlen, "webserver: cannot watch its eventfd: %s", strerror(errno));
		webp_free(w);
		return -EIO;
	}
	d->web = w;
	webp_versions(d);
	struct sk_websrv_conf wc;
	sk_conf_websrv(c, &wc);
	struct sk_websrv_pages pages = {
	    .healthz = page_healthz,
	    .versions = page_versions,
	    .metrics = page_metrics,
	    .arg = w,
	};
	int r = sk_websrv_start(&wc, &pages, &w->srv, err, errlen);
	if (r < 0) {
		sk_loop_del_fd(d->loop, w->efd);
		d->web = NULL;
		webp_free(w);
		return r;
	}
	return 0;
}

void webp_running(struct daemon *d)
{
	struct webp *w = d->web;
	if (w != NULL) {
		webp_versions(d); /* engine auto: the source chosen */
		pthread_mutex_lock(&w->lock);
		w->running = true;
		pthread_mutex_unlock(&w->lock);
	}
}

void webp_stop(struct daemon *d)
{
	struct webp *w = d->web;
	if (w == NULL) {
		return;
	}
	/* Waiting requests time out (the loop no longer answers); the server
	 * joins its threads before the pages go away. */
	pthread_mutex_lock(&w->lock);
	w->answered = UINT64_MAX; /* wake and release every waiter */
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	sk_websrv_stop(w->srv);
	if (d->loop != NULL) {
		sk_loop_del_fd(d->loop, w->efd);
	}
	d->web = NULL;
	webp_free(w);
}
