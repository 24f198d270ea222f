/* sources/kmod/kmod.c - the `kmod` source plugin: syscall records from the
 * shrike kernel module (shrike.ko, sources/kmod/module/), through the
 * interface of shrike_kmod.h.
 *
 * open() opens /dev/shrike<N> for every CPU, checks the module's interface
 * version, maps each CPU's ring, tells the module to skip this process and
 * which syscalls to record, and enables it. The descriptor it gives the
 * host is an epoll set holding the devices (readable when a ring is a
 * quarter full) and a timerfd that polls the rings with the ebpf source's
 * policy: every 500 µs while data comes, backing off to 30 ms when idle.
 *
 * Records are handed to the host in place, as pointers into the rings (the
 * module writes them 8-byte aligned and checked here with sk_evt_check());
 * a ring's tail moves past them on the next call, when the host is done.
 * Each batch takes a share from every ring and is put in time order, as
 * the records of several CPUs must be (common/evtsort.c).
 *
 * Drops. The module counts records that found no room per CPU and writes
 * an SK_EVT_DROP record with the number lost once there is room again;
 * this plugin hands those over like any record and counts what they carry.
 * stats() reports the records handed over and the drops of the control
 * pages not yet handed over as SK_EVT_DROP records, so the host's total
 * counts each lost event once (as the ebpf source does).
 *
 * set_event_types() gives the module the syscall numbers of the event
 * types the rules use, from the ebpf source's table (kmod_conf.c).
 *
 * metrics() reports the control pages' counters under the names the ebpf
 * source uses for the same things (docs/kmod-source.md, "Metrics"): the
 * totals, then events and drops per CPU. The names are made at open; the
 * values read at close stay until the next open.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "common/evtsort.h"
#include "kmod_priv.h"

static void set_poll(struct kmod *k, uint64_t ns)
{
	if (ns == k->poll_ns) {
		return;
	}
	k->poll_ns = ns;
	struct timespec t = {.tv_sec = (time_t)(ns / 1000000000ull),
			     .tv_nsec = (long)(ns % 1000000000ull)};
	struct itimerspec its = {.it_interval = t, .it_value = t};
	timerfd_settime(k->tfd, 0, &its, NULL);
}

/* The metrics: these totals, in this order, then one pair per CPU. */
enum { KM_M_EVTS, KM_M_DROPS, KM_M_BUFFER, KM_M_BIG, KM_M_FAULT, KM_M_NTOTALS };
static const char *const km_totals[KM_M_NTOTALS] = {"n_evts", "n_drops", "n_drops_buffer",
						    "n_drops_max_event_size", "n_params_fault"};

/* The metrics table for the devices just opened. 0 or -errno. */
static int metrics_make(struct kmod *k)
{
	unsigned *cpus = calloc(k->ndevs, sizeof(*cpus));
	sk_mtab_fini(&k->mt);
	int r = cpus != NULL ? sk_mtab_init(&k->mt, KM_M_NTOTALS + 2u * k->ndevs) : -ENOMEM;
	for (size_t i = 0; r >= 0 && i < KM_M_NTOTALS; i++) {
		r = sk_mtab_add(&k->mt, "%s", km_totals[i]);
	}
	if (r >= 0) {
		for (unsigned i = 0; i < k->ndevs; i++) {
			cpus[i] = k->devs[i].cpu;
		}
		r = sk_mtab_add_cpus(&k->mt, cpus, k->ndevs);
	}
	free(cpus);
	return r < 0 ? r : 0;
}

/* The metrics' values from the control pages, while they are mapped. */
static void metrics_read(struct kmod *k)
{
	struct sk_metric *m = k->mt.m;
	if (k->mt.n != KM_M_NTOTALS + 2u * k->ndevs || k->ndevs == 0) {
		return;
	}
	for (unsigned i = 0; i < KM_M_NTOTALS; i++) {
		m[i].value = 0;
	}
	for (unsigned i = 0; i < k->ndevs; i++) {
		struct kmod_counts c;
		kmod_dev_read_counts(&k->devs[i], &c);
		m[KM_M_EVTS].value += c.events;
		m[KM_M_DROPS].value += c.drops;
		m[KM_M_BIG].value += c.drops_big;
		m[KM_M_FAULT].value += c.drops_fault;
		m[KM_M_NTOTALS + 2 * i].value = c.events;
		m[KM_M_NTOTALS + 2 * i + 1].value = c.drops;
	}
	m[KM_M_BUFFER].value = m[KM_M_DROPS].value - m[KM_M_BIG].value;
}

static int km_metrics(void *inst, const struct sk_metric **ret, size_t *ret_n)
{
	struct kmod *k = inst;
	metrics_read(k);
	*ret = k->mt.m;
	*ret_n = k->mt.n;
	return SK_OK;
}

static int km_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	struct kmod *k = calloc(1, sizeof(*k));
	struct sk_kmod_syscalls sc;
	unsigned count;
	if (k == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = k;
	k->api = in->api;
	k->host = in->host;
	k->conf = in->config;
	k->epfd = k->tfd = -1;
	/* check the syscall names now, not at open */
	if (kmod_conf_syscalls(k->conf, NULL, 0, &sc, &count, err, errlen) < 0) {
		return SK_ERR;
	}
	return SK_OK;
}

static void km_close(void *inst)
{
	struct kmod *k = inst;
	if (k == NULL) {
		return;
	}
	if (k->enabled) {
		kmod_dev_ioctl(k, SK_KMOD_IOC_DISABLE, NULL);
		k->enabled = false;
		/* never silently: what the host will not see */
		uint64_t left = 0;
		for (unsigned i = 0; i < k->ndevs; i++) {
			left += kmod_ring_pending(&k->devs[i].ring);
		}
		if (left > 0) {
			k->api->log(k->host, SK_LOG_NOTICE,
			       "%" PRIu64 " bytes of records written after the last batch were not "
			       "processed (the source was stopped)",
			       left);
		}
	}
	metrics_read(k); /* the totals at the stop stay */
	kmod_dev_close_all(k);
	if (k->tfd >= 0) {
		close(k->tfd);
		k->tfd = -1;
	}
	if (k->epfd >= 0) {
		close(k->epfd);
		k->epfd = -1;
	}
	k->poll_ns = 0;
}

static void km_destroy(void *inst)
{
	struct kmod *k = inst;
	km_close(k);
	if (k != NULL) {
		sk_mtab_fini(&k->mt);
	}
	free(k);
}

static int km_set_event_types(void *inst, const uint16_t *types, size_t n)
{
	struct kmod *k = inst;
	struct sk_kmod_syscalls sc;
	unsigned count;
	char err[256] = "";
	if (kmod_conf_syscalls(k->conf, types, n, &sc, &count, err, sizeof(err)) < 0) {
		k->api->log(k->host, SK_LOG_ERROR, "cannot build the syscall set: %s", err);
		return SK_ERR;
	}
	int r = k->ndevs > 0 ? kmod_dev_ioctl(k, SK_KMOD_IOC_SET_SYSCALLS, &sc) : 0;
	if (r < 0) {
		k->api->log(k->host, SK_LOG_ERROR, "the shrike module refused the syscall set: %s",
		       strerror(-r));
		return SK_ERR;
	}
	k->api->log(k->host, SK_LOG_INFO, "recording %u syscall numbers (%s)", count,
	       types == NULL ? "every type the configuration enables" : "what the rules use");
	return SK_OK;
}

static int km_open(void *inst, const char *params, int *ret_fd, char *err, size_t errlen)
{
	struct kmod *k = inst;
	struct sk_kmod_syscalls sc;
	unsigned count;
	(void)params;
	if (kmod_conf_syscalls(k->conf, NULL, 0, &sc, &count, err, errlen) < 0 ||
	    kmod_dev_open_all(k, &sc, err, errlen) < 0) {
		goto fail;
	}
	if (metrics_make(k) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	k->epfd = epoll_create1(EPOLL_CLOEXEC);
	k->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (k->epfd < 0 || k->tfd < 0) {
		snprintf(err, errlen, "cannot create the poll timer: %s", strerror(errno));
		goto fail;
	}
	struct epoll_event ev = {.events = EPOLLIN};
	for (unsigned i = 0; i <= k->ndevs; i++) {
		ev.data.fd = i < k->ndevs ? k->devs[i].fd : k->tfd;
		if (epoll_ctl(k->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) != 0) {
			snprintf(err, errlen, "epoll: %s", strerror(errno));
			goto fail;
		}
	}
	int r = kmod_dev_ioctl(k, SK_KMOD_IOC_ENABLE, NULL);
	if (r < 0) {
		snprintf(err, errlen, "the shrike module refused to start recording: %s",
			 strerror(-r));
		goto fail;
	}
	k->enabled = true;
	set_poll(k, KM_POLL_MIN_NS);
	k->api->log(k->host, SK_LOG_INFO,
	       "shrike module recording: %u ring(s) of %" PRIu64 " bytes, %u syscall numbers",
	       k->ndevs, k->devs[0].ring.size, count);
	*ret_fd = k->epfd;
	return SK_OK;

fail:
	km_close(k);
	return SK_ERR;
}

/* The number of events an SK_EVT_DROP record says were lost. */
static uint64_t drop_count(const struct sk_evt_hdr *h)
{
	const unsigned char *p = (const unsigned char *)h;
	uint64_t lost = 0;
	uint16_t l0;
	if (h->nparams < 1 || (h->flags & SK_EVT_F_LARGE)) {
		return 0;
	}
	memcpy(&l0, p + SK_EVT_HDR_SIZE, 2);
	if (l0 != 8) {
		return 0;
	}
	memcpy(&lost, p + SK_EVT_HDR_SIZE + sk_evt_lens_size(h->nparams, h->flags), 8);
	return lost;
}

static int km_next_batch(void *inst, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			 char *err, size_t errlen)
{
	struct kmod *k = inst;
	uint64_t ticks;
	(void)err;
	(void)errlen;
	*ret_n = 0;
	if (k->ndevs == 0) {
		return SK_EOF;
	}
	/* the ring to start the next batch with, fixed before the host's
	 * log() below is called */
	const int next_dev = (int)(((unsigned)k->next_dev + 1) % k->ndevs);
	while (read(k->tfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks)) {
	}
	/* the host is done with the previous batch */
	for (unsigned i = 0; i < k->ndevs; i++) {
		kmod_ring_release(&k->devs[i].ring);
	}
	size_t n = 0, budget = KM_BATCH_BYTES;
	uint64_t corrupt = 0;
	/* a share of the batch for each ring first, so that every CPU's
	 * records of the same moment are in it; then what room is left */
	size_t share = KM_BATCH_MAX / k->ndevs > 16 ? KM_BATCH_MAX / k->ndevs : 16;
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned j = 0; j < k->ndevs && n < KM_BATCH_MAX && budget > 0; j++) {
			struct kmod_ring *r = &k->devs[((unsigned)k->next_dev + j) % k->ndevs].ring;
			size_t max = KM_BATCH_MAX - n;
			if (pass == 0 && max > share) {
				max = share;
			}
			n += kmod_ring_read(r, k->ptrs + n, max, &budget);
		}
	}
	sk_evt_sort_by_time(k->ptrs, k->tmp, n);
	for (unsigned i = 0; i < k->ndevs; i++) {
		corrupt += k->devs[i].ring.corrupt + k->devs[i].ring.bad;
	}
	if (corrupt > k->warned_corrupt) {
		k->api->log(k->host, SK_LOG_WARNING,
		       "%" PRIu64 " malformed record(s) or ring state(s) from the shrike module "
		       "skipped",
		       corrupt - k->warned_corrupt);
		k->warned_corrupt = corrupt;
	}
	k->next_dev = next_dev;
	if (n == 0) {
		uint64_t next = k->poll_ns * 2;
		set_poll(k, next > KM_POLL_MAX_NS ? KM_POLL_MAX_NS : next);
		return SK_RETRY;
	}
	set_poll(k, KM_POLL_MIN_NS);
	for (size_t i = 0; i < n; i++) {
		if (k->ptrs[i]->type == SK_EVT_DROP) {
			k->drops_recorded += drop_count(k->ptrs[i]);
		}
	}
	k->delivered += n;
	*ret_evs = k->ptrs;
	*ret_n = n;
	return SK_OK;
}

static int km_stats(void *inst, struct sk_source_stats *ret)
{
	struct kmod *k = inst;
	uint64_t events, drops;
	memset(ret, 0, sizeof(*ret));
	kmod_dev_counters(k, &events, &drops);
	ret->events = k->delivered;
	ret->drops = drops > k->drops_recorded ? drops - k->drops_recorded : 0;
	return SK_OK;
}

SK_PLUGIN_OPS(sk_source_ops, km_source_ops, .event_source = "syscall", .open = km_open,
	      .next_batch = km_next_batch, .close = km_close, .stats = km_stats,
	      .set_event_types = km_set_event_types);
SK_PLUGIN_DEFINE(.name = "kmod", .version = "0.1.0",
		 .description = "Syscalls from the kernel through the shrike kernel module",
		 .contact = "https://github.com/shrike-security/shrike", .params = kmod_params,
		 .config_size = sizeof(struct kmod_conf), .init = km_init, .destroy = km_destroy,
		 .metrics = km_metrics, .source = &km_source_ops);
