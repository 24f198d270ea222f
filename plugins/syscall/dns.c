/* plugins/syscall/dns.c - names for fd.*ip.name (see dns.h): a table of
 * the domain names rule conditions compare those fields with, and one
 * resolver thread that looks each name up (getaddrinfo) and keeps its
 * addresses current. The event loop only reads the table under a mutex
 * held for a scan of it, never for a lookup.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <shrike/plugin.h>

#include "common/clock.h"
#include "dns.h"

#define DNS_BASE_NS (10ULL * 1000000000ULL)  /* refresh period after a change */
#define DNS_MAX_NS  (320ULL * 1000000000ULL) /* longest period while unchanged */
#define DNS_JOIN_S  2			     /* how long destroy waits for a lookup */

struct dns_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t a[16];
};

struct dns_name {
	char *name;		/* owned; never moves or goes before the table */
	struct dns_addr *addrs; /* sorted; owned */
	size_t naddrs;
	uint64_t next_ns;   /* next lookup, CLOCK_MONOTONIC; 0: now */
	uint64_t period_ns; /* 0: never looked up */
};

struct sys_dns {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* CLOCK_MONOTONIC */
	struct dns_name *names;
	size_t n, cap;
	bool stop;	   /* the thread must end */
	unsigned refs;	   /* the instance, and the thread while it runs */
	uint64_t resolved; /* lookups done */
	/* event-loop thread only */
	bool running, failed;
	pthread_t thr;
};

static void dns_free(struct sys_dns *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->names[i].name);
		free(d->names[i].addrs);
	}
	free(d->names);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

struct sys_dns *sys_dns_create(void)
{
	struct sys_dns *d = calloc(1, sizeof(*d));
	pthread_condattr_t ca;
	if (d == NULL) {
		return NULL;
	}
	d->refs = 1;
	pthread_mutex_init(&d->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cv, &ca);
	pthread_condattr_destroy(&ca);
	return d;
}

/* pin_module - keep this plugin's code mapped after dlclose(): a detached
 * resolver thread may still be running it. */
static void pin_module(void)
{
	Dl_info info;
	if (dladdr((void *)pin_module, &info) != 0 && info.dli_fname != NULL) {
		/* the handle is kept on purpose: RTLD_NODELETE makes it permanent */
		(void)dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
	}
}

void sys_dns_destroy(struct sys_dns *d)
{
	if (d == NULL) {
		return;
	}
	if (!d->running) {
		dns_free(d);
		return;
	}
	pthread_mutex_lock(&d->mu);
	d->stop = true;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	struct timespec until = sk_deadline_ms(CLOCK_REALTIME, DNS_JOIN_S * 1000u);
	if (pthread_timedjoin_np(d->thr, NULL, &until) != 0) {
		/* a lookup hangs (an unreachable name server): the thread
		 * frees the table when it returns */
		pin_module();
		pthread_detach(d->thr);
	}
	pthread_mutex_lock(&d->mu);
	bool last = --d->refs == 0;
	pthread_mutex_unlock(&d->mu);
	if (last) {
		dns_free(d);
	}
}

int sys_dns_add(struct sys_dns *d, const char *name)
{
	if (name == NULL || name[0] == '\0') {
		return 0;
	}
	for (size_t i = 0; i < d->n; i++) {
		if (strcmp(d->names[i].name, name) == 0) {
			return 0;
		}
	}
	char *copy = strdup(name);
	if (copy == NULL) {
		return -ENOMEM;
	}
	pthread_mutex_lock(&d->mu);
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct dns_name *p = realloc(d->names, cap * sizeof(*p));
		if (p == NULL) {
			pthread_mutex_unlock(&d->mu);
			free(copy);
			return -ENOMEM;
		}
		d->names = p;
		d->cap = cap;
	}
	d->names[d->n++] = (struct dns_name){.name = copy};
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	return 0;
}

static int cmp_addr(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct dns_addr));
}

/* lookup - the addresses of `name`, sorted and without duplicates. 0 with
 * the answer (possibly none: the name does not exist), -1 when the lookup
 * failed for now (the previous answer stays). */
static int lookup(const char *name, struct dns_addr **ret, size_t *ret_n)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	*ret = NULL;
	*ret_n = 0;
	int rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc == EAI_NONAME
#ifdef EAI_NODATA
	    || rc == EAI_NODATA
#endif
	) {
		return 0;
	}
	if (rc != 0) {
		return -1;
	}
	size_t n = 0;
	for (const struct addrinfo *r = res; r != NULL; r = r->ai_next) {
		n++;
	}
	struct dns_addr *v = calloc(n ? n : 1, sizeof(*v));
	if (v == NULL) {
		freeaddrinfo(res);
		return -1;
	}
	size_t k = 0;
	for (const struct addrinfo *r = res; r != NULL; r = r->ai_next) {
		if (r->ai_family == AF_INET) {
			const struct sockaddr_in *s = (const void *)r->ai_addr;
			v[k].family = 4;
			memcpy(v[k++].a, &s->sin_addr, 4);
		} else if (r->ai_family == AF_INET6) {
			const struct sockaddr_in6 *s = (const void *)r->ai_addr;
			v[k].family = 6;
			memcpy(v[k++].a, &s->sin6_addr, 16);
		}
	}
	freeaddrinfo(res);
	qsort(v, k, sizeof(*v), cmp_addr);
	size_t u = 0;
	for (size_t i = 0; i < k; i++) {
		if (u == 0 || cmp_addr(&v[u - 1], &v[i]) != 0) {
			v[u++] = v[i];
		}
	}
	*ret = v;
	*ret_n = u;
	return 0;
}

static void *resolver(void *arg)
{
	struct sys_dns *d = arg;
	pthread_mutex_lock(&d->mu);
	while (!d->stop) {
		uint64_t now = sk_mono_ns(), when = UINT64_MAX;
		size_t next = SIZE_MAX;
		for (size_t i = 0; i < d->n; i++) {
			if (d->names[i].next_ns < when) {
				when = d->names[i].next_ns;
				next = i;
			}
		}
		if (next == SIZE_MAX) {
			pthread_cond_wait(&d->cv, &d->mu);
			continue;
		}
		if (when > now) {
			struct timespec ts = {.tv_sec = (time_t)(when / 1000000000ULL),
					      .tv_nsec = (long)(when % 1000000000ULL)};
			pthread_cond_timedwait(&d->cv, &d->mu, &ts);
			continue;
		}
		/* names only ever get appended and their strings stay put:
		 * `next` and `name` are still valid after the unlocked lookup */
		const char *name = d->names[next].name;
		pthread_mutex_unlock(&d->mu);
		struct dns_addr *addrs;
		size_t naddrs;
		int rc = lookup(name, &addrs, &naddrs);
		pthread_mutex_lock(&d->mu);
		struct dns_name *e = &d->names[next];
		if (rc == 0) {
			bool same =
			    e->period_ns != 0 && naddrs == e->naddrs &&
			    (naddrs == 0 || memcmp(addrs, e->addrs, naddrs * sizeof(*addrs)) == 0);
			free(e->addrs);
			e->addrs = addrs;
			e->naddrs = naddrs;
			/* the same answer again: back off; another one: watch it */
			if (!same) {
				e->period_ns = DNS_BASE_NS;
			} else if (e->period_ns < DNS_MAX_NS) {
				e->period_ns *= 2;
			}
		} else {
			e->period_ns = DNS_BASE_NS;
		}
		e->next_ns = sk_mono_ns() + e->period_ns;
		d->resolved++;
		pthread_cond_broadcast(&d->cv);
	}
	bool last = --d->refs == 0;
	pthread_mutex_unlock(&d->mu);
	if (last) {
		dns_free(d);
	}
	return NULL;
}

int sys_dns_start(struct sys_dns *d)
{
	if (d->running || d->failed || d->n == 0) {
		return 0;
	}
	/* the thread takes no signals: the event loop reads them (signalfd) */
	sigset_t all, old;
	sigfillset(&all);
	sigdelset(&all, SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX); /* drops its capabilities */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	d->refs++;
	int rc = pthread_create(&d->thr, NULL, resolver, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		d->refs--;
		d->failed = true;
		return -rc;
	}
	d->running = true;
	return 0;
}

size_t sys_dns_names(struct sys_dns *d, int family, const uint8_t *addr, const char **ret_names,
		     size_t max)
{
	size_t alen = family == 4 ? 4 : 16, k = 0;
	pthread_mutex_lock(&d->mu);
	for (size_t i = 0; i < d->n; i++) {
		const struct dns_name *e = &d->names[i];
		for (size_t j = 0; j < e->naddrs; j++) {
			if (e->addrs[j].family == family &&
			    memcmp(e->addrs[j].a, addr, alen) == 0) {
				if (k < max) {
					ret_names[k] = e->name;
				}
				k++;
				break;
			}
		}
	}
	pthread_mutex_unlock(&d->mu);
	return k;
}

uint64_t sys_dns_resolved(struct sys_dns *d)
{
	pthread_mutex_lock(&d->mu);
	uint64_t n = d->resolved;
	pthread_mutex_unlock(&d->mu);
	return n;
}
