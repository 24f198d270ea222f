/* core/outputs.c - the alert path (see outputs.h): load the output plugins,
 * build each alert once (a deep copy of the producer's input plus its JSON
 * and text renderings, refcounted), and queue it on every output.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/uuid.h"
#include "loader.h"
#include "log.h"
#include "outputs.h"
#include "outq.h"

#define DEFAULT_DESTROY_TIMEOUT_MS 10000
#define MAX_QUEUE_CAPACITY	   16777216u
#define MAX_BURST		   1000000000u

const char *const sk_outputs_core_keys[] = {"enabled",	 "rate",	 "max_burst",
					     "queue_capacity", "retry_budget", NULL};

struct output {
	char *key;    /* "file_output" */
	char *plugin; /* "file" */
	struct sk_plugin_handle *h;
	struct sk_outq *q;
};

struct sk_outputs {
	struct output *outs;
	size_t n;
	struct sk_format_opts fmt;
	char *hostname;
	bool started;
	bool stopped;
};

/* One alert, shared by every queue. */
struct alert_msg {
	struct sk_outq_msg base;
	char *json;
	char *text;
	char uuid[SK_UUID_STR_LEN];
	alignas(max_align_t) char arena[];
};

/* ---- deep copy into one allocation ------------------------------------- */

/* A bump allocator: with base == NULL it only measures. */
struct arena {
	char *base;
	size_t off;
};

static void *arena_alloc(struct arena *a, size_t n, size_t align)
{
	a->off = (a->off + align - 1) & ~(align - 1);
	void *p = a->base ? a->base + a->off : NULL;
	a->off += n;
	return p;
}

static const char *arena_str(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1, 1);
	if (p) {
		if (n > 0) {
			memcpy(p, s, n);
		}
		p[n] = '\0';
	}
	return p;
}

static void copy_value(struct arena *a, struct sk_value *dst, const struct sk_value *src)
{
	*dst = *src;
	switch (src->type) {
	case SK_TYPE_STRING:
	case SK_TYPE_BYTES: {
		uint32_t n = src->str.ptr ? src->str.len : 0;
		dst->str.ptr = arena_str(a, src->str.ptr, n);
		dst->str.len = n;
		break;
	}
	case SK_TYPE_LIST: {
		uint32_t n = src->list.items ? src->list.n : 0;
		struct sk_value *items =
		    arena_alloc(a, n * sizeof(struct sk_value), alignof(struct sk_value));
		for (uint32_t i = 0; i < n; i++) {
			struct sk_value scratch;
			copy_value(a, items ? &items[i] : &scratch, &src->list.items[i]);
		}
		dst->list.items = items;
		dst->list.n = n;
		break;
	}
	default:
		break;
	}
}

static const char *arena_cstr(struct arena *a, const char *s)
{
	return s ? arena_str(a, s, strlen(s)) : NULL;
}

static int cmp_names(const struct sk_alert_field *f, size_t a, size_t b)
{
	return strcmp(f[a].name ? f[a].name : "", f[b].name ? f[b].name : "");
}

static int cmp_index_by_name(const void *pa, const void *pb, void *arg)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = cmp_names(arg, a, b);
	return c != 0 ? c : (a < b ? -1 : a > b);
}

/* Copy `in` into the arena: fields sorted by name (the last of duplicate
 * names kept), tags as given. order: field indexes in output order, nuniq
 * of them. */
static void copy_alert(struct arena *a, struct sk_alert *al, const struct sk_alert_in *in,
		       const size_t *order, size_t nuniq)
{
	struct sk_alert_field *fields =
	    arena_alloc(a, nuniq * sizeof(*fields), alignof(struct sk_alert_field));
	for (size_t i = 0; i < nuniq; i++) {
		const struct sk_alert_field *src = &in->fields[order[i]];
		struct sk_alert_field scratch = {0};
		struct sk_alert_field *dst = fields ? &fields[i] : &scratch;
		dst->name = arena_cstr(a, src->name ? src->name : "");
		copy_value(a, &dst->value, &src->value);
	}
	size_t ntags = in->tags ? in->ntags : 0;
	const char **tags = arena_alloc(a, ntags * sizeof(*tags), alignof(const char *));
	for (size_t i = 0; i < ntags; i++) {
		const char *t = arena_cstr(a, in->tags[i] ? in->tags[i] : "");
		if (tags) {
			tags[i] = t;
		}
	}
	al->rule = arena_cstr(a, in->rule ? in->rule : "");
	al->source = arena_cstr(a, in->source ? in->source : "");
	al->message = arena_cstr(a, in->message ? in->message : "");
	al->fields = fields;
	al->nfields = (uint32_t)nuniq;
	al->tags = tags;
	al->ntags = (uint32_t)ntags;
}

static void alert_msg_release(struct sk_outq_msg *base)
{
	struct alert_msg *m = (struct alert_msg *)base;
	free(m->json);
	free(m->text);
	free(m);
}

/* Build the shared message for `in`, with one reference. */
static int build_msg(struct sk_outputs *o, const struct sk_alert_in *in, struct alert_msg **ret)
{
	size_t *order = NULL;
	struct alert_msg *m = NULL;
	size_t nf = in->fields ? in->nfields : 0;
	size_t nuniq = 0;
	int err = -ENOMEM;

	if (nf > 0) {
		order = malloc(nf * sizeof(*order));
		if (!order) {
			goto out;
		}
		for (size_t i = 0; i < nf; i++) {
			order[i] = i;
		}
		qsort_r(order, nf, sizeof(*order), cmp_index_by_name, (void *)in->fields);
		/* Sorted by (name, index): keep the last of each run of equal names. */
		for (size_t i = 0; i < nf; i++) {
			if (i + 1 < nf && cmp_names(in->fields, order[i], order[i + 1]) == 0) {
				continue;
			}
			order[nuniq++] = order[i];
		}
	}

	struct sk_alert scratch = {0};
	struct arena measure = {0};
	copy_alert(&measure, &scratch, in, order, nuniq);
	m = calloc(1, sizeof(*m) + measure.off);
	if (!m) {
		goto out;
	}
	struct sk_alert *al = &m->base.alert;
	struct arena arena = {.base = m->arena};
	copy_alert(&arena, al, in, order, nuniq);
	atomic_init(&m->base.refs, 1);
	m->base.release = alert_msg_release;
	al->struct_size = sizeof(*al);
	al->priority = (uint32_t)in->priority;
	al->time_ns = in->time_ns;
	al->hostname = o->fmt.hostname;
	if (sk_uuid_v4(m->uuid) != 0) {
		m->uuid[0] = '\0';
	}
	al->uuid = m->uuid;

	err = sk_alert_format(al, &o->fmt, &m->json, &m->text);
	if (err) {
		goto out;
	}
	size_t jl = strlen(m->json), tl = strlen(m->text);
	al->json = m->json;
	al->json_len = jl > UINT32_MAX ? UINT32_MAX : (uint32_t)jl;
	al->text = m->text;
	al->text_len = tl > UINT32_MAX ? UINT32_MAX : (uint32_t)tl;
	al->line = o->fmt.json_output ? al->json : al->text;
	al->line_len = o->fmt.json_output ? al->json_len : al->text_len;
	*ret = m;
	m = NULL;
	err = 0;
out:
	if (m) {
		alert_msg_release(&m->base);
	}
	free(order);
	return err;
}

/* ---- the core's keys of every output section ----------------------------- */

/* The value of `name` in the section, or NULL when absent or written empty. */
static const struct sk_cfg_node *opt_node(const struct sk_cfg_node *sec, const char *name)
{
	const struct sk_cfg_node *n = sec ? sk_cfg_get(sec, name) : NULL;
	if (n && n->kind == SK_CFG_SCALAR && n->is_null) {
		return NULL;
	}
	return n;
}

static int parse_rate(const struct sk_cfg_node *n, const char *path, double *ret, char *err,
		      size_t errlen)
{
	if (n->kind != SK_CFG_SCALAR) {
		sk_cfg_errpos(err, errlen, n, "%s: expected a number of alerts per second, got %s",
			      path, sk_cfg_kind_name(n));
		return -EINVAL;
	}
	char *end = NULL;
	errno = 0;
	double v = strtod(n->scalar, &end);
	if (end == n->scalar || *end != '\0' || errno != 0 || !isfinite(v) || v < 0) {
		sk_cfg_errpos(err, errlen, n,
			      "%s: expected a number of alerts per second >= 0 (e.g. 100 or 0.5), "
			      "got '%s'",
			      path, n->scalar);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

int sk_outputs_parse_opts(const struct sk_output_conf *c, struct sk_output_opts *ret, char *err,
			  size_t errlen)
{
	char path[256];
	const struct sk_cfg_node *n;
	int rc;

	memset(ret, 0, sizeof(*ret));
	if (c->section == NULL || c->section->kind != SK_CFG_MAP) {
		return 0;
	}
	n = opt_node(c->section, "rate");
	if (n) {
		snprintf(path, sizeof(path), "%s.rate", c->key);
		rc = parse_rate(n, path, &ret->rate, err, errlen);
		if (rc) {
			return rc;
		}
	}
	n = opt_node(c->section, "max_burst");
	if (n) {
		snprintf(path, sizeof(path), "%s.max_burst", c->key);
		rc = sk_cfg_as_uint(n, path, 1, MAX_BURST, &ret->max_burst, err, errlen);
		if (rc) {
			return rc;
		}
		if (ret->rate <= 0) {
			sk_cfg_errpos(err, errlen, n,
				      "%s: has no effect without a rate; set %s.rate (alerts per "
				      "second) too",
				      path, c->key);
			return -EINVAL;
		}
	}
	n = opt_node(c->section, "queue_capacity");
	if (n) {
		snprintf(path, sizeof(path), "%s.queue_capacity", c->key);
		rc = sk_cfg_as_uint(n, path, 1, MAX_QUEUE_CAPACITY, &ret->queue_capacity, err,
				    errlen);
		if (rc) {
			return rc;
		}
	}
	n = opt_node(c->section, "retry_budget");
	if (n) {
		snprintf(path, sizeof(path), "%s.retry_budget", c->key);
		rc = sk_cfg_as_duration_ms(n, path, &ret->retry_budget_ms, err, errlen);
		if (rc) {
			return rc;
		}
		ret->retry_budget_set = true;
	}
	return 0;
}

/* ---- lifecycle ---------------------------------------------------------- */

static void conf_error(char *err, size_t errlen, const struct sk_output_conf *c, const char *msg)
{
	if (c->section) {
		sk_cfg_errpos(err, errlen, c->section, "%s: %s", c->key, msg);
	} else {
		snprintf(err, errlen, "%s: %s", c->key, msg);
	}
}

static int output_open(struct output *out, const char *plugins_dir, const struct sk_output_conf *c,
		       const struct sk_outq_conf *qc, char *err, size_t errlen)
{
	const char *const *skip = sk_outputs_core_keys;
	char msg[1024];
	char *path = NULL;
	int rc;

	out->key = strdup(c->key);
	out->plugin = strdup(c->plugin);
	path = sk_loader_resolve(plugins_dir, c->plugin);
	if (!out->key || !out->plugin || !path) {
		snprintf(err, errlen, "%s: out of memory", c->key);
		rc = -ENOMEM;
		goto out;
	}
	msg[0] = '\0';
	rc = sk_loader_open(path, &out->h, msg, sizeof(msg));
	if (rc) {
		conf_error(err, errlen, c, msg);
		goto out;
	}
	if (!sk_loader_has_cap(out->h, SK_CAP_OUTPUT)) {
		snprintf(msg, sizeof(msg), "plugin '%s' (%s) is not an output plugin",
			 out->h->def.name ? out->h->def.name : c->plugin, path);
		conf_error(err, errlen, c, msg);
		rc = -EINVAL;
		goto out;
	}
	/* The core's keys would never reach a plugin that declares them too. */
	for (const struct sk_param *pp = out->h->def.params; pp && pp->name; pp++) {
		for (size_t k = 0; sk_outputs_core_keys[k]; k++) {
			if (strcmp(pp->name, sk_outputs_core_keys[k]) == 0) {
				snprintf(msg, sizeof(msg),
					 "plugin '%s' (%s) declares the key '%s', which Shrike "
					 "handles itself in every output section; rename it",
					 out->h->def.name, path, pp->name);
				conf_error(err, errlen, c, msg);
				rc = -EINVAL;
				goto out;
			}
		}
	}
	rc = sk_loader_configure(out->h, c->section, c->key, skip, err, errlen);
	if (rc) {
		goto out;
	}
	msg[0] = '\0';
	rc = sk_loader_init(out->h, c->key, msg, sizeof(msg));
	if (rc) {
		conf_error(err, errlen, c, msg);
		goto out;
	}
	const struct sk_output_ops *oo = out->h->def.output;
	struct sk_outq_ops ops = {
	    .write = oo->write,
	    .flush = oo->flush,
	    .reopen = oo->reopen,
	    .late_failures = oo->late_failures,
	    .metrics = out->h->def.metrics,
	    .last_error = out->h->def.last_error,
	};
	/* Outputs that learn of failures after write() (late_failures) or
	 * report metrics get an idle flush() every second to collect them. */
	struct sk_outq_conf qc2 = *qc;
	if (oo->late_failures != NULL || out->h->def.metrics != NULL) {
		qc2.idle_flush_ms = 1000;
	}
	out->q = sk_outq_create(&qc2, &ops, out->h->inst);
	if (!out->q) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot create the alert queue: %s", c->key,
			 strerror(errno));
		goto out;
	}
out:
	free(path);
	return rc;
}

int sk_outputs_create(const char *plugins_dir, const struct sk_output_conf *confs, size_t n,
		      const struct sk_format_opts *fmt, size_t queue_capacity, bool unbuffered,
		      struct sk_outputs **ret, char *err, size_t errlen)
{
	struct sk_outputs *o = NULL;
	int rc = -ENOMEM;

	*ret = NULL;
	tzset(); /* text lines use local time, as Falco's do */
	o = calloc(1, sizeof(*o));
	if (!o) {
		goto nomem;
	}
	o->fmt = *fmt;
	if (fmt->hostname) {
		o->hostname = strdup(fmt->hostname);
	} else {
		char host[HOST_NAME_MAX + 1] = "";
		if (gethostname(host, sizeof(host)) != 0) {
			host[0] = '\0';
		}
		host[sizeof(host) - 1] = '\0';
		o->hostname = strdup(host);
	}
	if (!o->hostname) {
		goto nomem;
	}
	o->fmt.hostname = o->hostname;
	o->outs = calloc(n ? n : 1, sizeof(*o->outs));
	if (!o->outs) {
		goto nomem;
	}
	for (size_t i = 0; i < n; i++) {
		struct sk_output_opts opts;
		rc = sk_outputs_parse_opts(&confs[i], &opts, err, errlen);
		if (rc) {
			goto fail;
		}
		struct sk_outq_conf qc = {
		    .name = confs[i].key,
		    .capacity = opts.queue_capacity ? opts.queue_capacity : queue_capacity,
		    .unbuffered = unbuffered,
		    .rate = opts.rate,
		    .max_burst = opts.max_burst,
		    .retry_budget_ms =
			opts.retry_budget_set ? opts.retry_budget_ms : SK_OUTPUT_RETRY_BUDGET_MS,
		};
		o->n = i + 1;
		rc = output_open(&o->outs[i], plugins_dir, &confs[i], &qc, err, errlen);
		if (rc) {
			goto fail;
		}
	}
	*ret = o;
	return 0;
nomem:
	snprintf(err, errlen, "outputs: out of memory");
	rc = -ENOMEM;
fail:
	if (o) {
		o->stopped = true; /* nothing was started: nothing to drain */
	}
	sk_outputs_destroy(o);
	return rc;
}

int sk_outputs_start(struct sk_outputs *o, char *err, size_t errlen)
{
	if (o == NULL || o->started) {
		return 0;
	}
	for (size_t i = 0; i < o->n; i++) {
		int rc = sk_outq_start(o->outs[i].q);
		if (rc) {
			snprintf(err, errlen, "%s: cannot start the output thread: %s",
				 o->outs[i].key, strerror(-rc));
			return rc;
		}
	}
	o->started = true;
	return 0;
}

int sk_outputs_emit(struct sk_outputs *o, const struct sk_alert_in *in)
{
	struct alert_msg *m = NULL;
	if (o == NULL || o->n == 0) {
		return 0; /* no output enabled: nothing to build */
	}
	int err = build_msg(o, in, &m);
	if (err) {
		return err;
	}
	for (size_t i = 0; i < o->n; i++) {
		sk_outq_push(o->outs[i].q, &m->base);
	}
	sk_outq_msg_unref(&m->base);
	return 0;
}

void sk_outputs_reopen(struct sk_outputs *o)
{
	for (size_t i = 0; o && i < o->n; i++) {
		sk_outq_reopen(o->outs[i].q);
	}
}

size_t sk_outputs_stats(struct sk_outputs *o, struct sk_output_stats *ret, size_t max)
{
	for (size_t i = 0; i < o->n && i < max; i++) {
		sk_outq_stats(o->outs[i].q, &ret[i]);
	}
	return o->n;
}

size_t sk_outputs_plugin_metrics(struct sk_outputs *o, size_t i, const char **ret_plugin,
				 struct sk_metric *ret, size_t max)
{
	*ret_plugin = NULL;
	if (i >= o->n || o->outs[i].h == NULL || o->outs[i].q == NULL) {
		return 0;
	}
	*ret_plugin = o->outs[i].h->def.name;
	return sk_outq_metrics(o->outs[i].q, ret, max);
}

void sk_outputs_stop(struct sk_outputs *o, unsigned timeout_ms)
{
	if (!o || o->stopped) {
		return;
	}
	o->stopped = true;
	for (size_t i = 0; i < o->n; i++) {
		if (!o->outs[i].q) {
			continue;
		}
		sk_outq_stop(o->outs[i].q, true, timeout_ms);
		if (!o->started) {
			continue; /* --dry-run or a failed start: nothing to report */
		}
		struct sk_output_stats st;
		sk_outq_stats(o->outs[i].q, &st);
		SK_INFO("output %s: %" PRIu64 " alerts sent, %" PRIu64 " failed, %" PRIu64
			" dropped, %" PRIu64 " rate-limited",
			st.name, st.sent, st.failed, st.dropped, st.ratelimited);
	}
}

/* Plugins of outputs whose thread is stuck in write(): they stay loaded and
 * allocated for the life of the process, on purpose, and stay reachable
 * from here (so leak checkers see them as kept, not lost). */
static struct sk_plugin_handle *kept_handles[64];
static size_t nkept;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static void keep_handle(struct sk_plugin_handle *h)
{
	pthread_mutex_lock(&kept_lock);
	if (nkept < sizeof(kept_handles) / sizeof(kept_handles[0])) {
		kept_handles[nkept++] = h;
	}
	pthread_mutex_unlock(&kept_lock);
}

void sk_outputs_destroy(struct sk_outputs *o)
{
	if (!o) {
		return;
	}
	sk_outputs_stop(o, DEFAULT_DESTROY_TIMEOUT_MS);
	for (size_t i = 0; o->outs && i < o->n; i++) {
		bool stuck = sk_outq_is_abandoned(o->outs[i].q);
		sk_outq_destroy(o->outs[i].q);
		if (stuck) {
			/* Its thread may still be inside write(): keep the plugin. */
			SK_WARN("output %s: plugin left loaded (its thread is stuck in write())",
				o->outs[i].key);
			keep_handle(o->outs[i].h);
		} else {
			sk_loader_close(o->outs[i].h);
		}
		free(o->outs[i].key);
		free(o->outs[i].plugin);
	}
	free(o->outs);
	free(o->hostname);
	free(o);
}
