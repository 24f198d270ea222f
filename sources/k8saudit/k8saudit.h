/* sources/k8saudit/k8saudit.h - private interfaces of the k8saudit plugin:
 * configuration (k8saudit_conf.c), audit bodies split into event records
 * (k8saudit.c), the webhook server (server.c) and the ka.* / jevt.* fields
 * (fields.c).
 */
#ifndef SK_SOURCES_K8SAUDIT_H
#define SK_SOURCES_K8SAUDIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include <shrike/plugin.h>

#define K8S_SOURCE "k8s_audit"
/* Deepest JSON nesting accepted in a body (an audit event is ~10 deep). */
#define K8S_JSON_DEPTH 64

/* init_config */
struct k8s_conf {
	uint64_t max_body_bytes;  /* per request: 413 above */
	uint64_t max_event_bytes; /* per event: dropped and counted above */
	uint64_t queue_events;	  /* events waiting for the core loop */
	uint64_t queue_bytes;	  /* and their bytes */
	uint64_t threads;	  /* webhook worker threads */
	uint64_t timeout_ms;	  /* a request idle or unfinished this long is cut */
	uint64_t conn_limit;	  /* open connections at most */
	uint64_t conn_per_ip;	  /* from one client address */
	char *webhook_token;	  /* bearer token the webhook demands; NULL: none */
	char *ssl_certificate;	  /* PEM certificate (https://) */
	char *ssl_key;		  /* PEM private key; default: ssl_certificate */
	char *cluster_name;	  /* ka.cluster.name */
};

extern const struct sk_param k8s_params[];

/* Parsed open_params. */
enum k8s_mode { K8S_MODE_WEBHOOK, K8S_MODE_FILE };
struct k8s_open {
	enum k8s_mode mode;
	bool tls;
	char host[256]; /* "" = every address */
	uint16_t port;
	char path[512]; /* webhook path, or the file name */
};

/* k8s_parse_open_params - "http[s]://[HOST][:PORT][/PATH]", "file://PATH"
 * or a plain file name; "" means http://:9765/k8s-audit. Returns 0 or
 * -EINVAL with a message in err. */
int k8s_parse_open_params(const char *params, struct k8s_open *ret, char *err, size_t errlen);

/* k8s_check_conf - cross-key checks (limits, TLS files). */
int k8s_check_conf(const struct k8s_conf *c, const struct k8s_open *o, char *err, size_t errlen);

/* An event record on its way to the core: one allocation, 8-aligned. The
 * event's parsed form travels with it, so the event loop does not parse it
 * again for its fields (the webhook thread hands it over through the
 * queue's mutex; json-c objects are never shared between threads). */
struct k8s_rec {
	struct k8s_rec *next;
	size_t size;	  /* of the record */
	size_t cost;	  /* memory it holds, parsed form included (an estimate) */
	json_object *dom; /* the parsed event, owned; NULL once handed over */
	/* the sk_evt_hdr record follows, 8-aligned */
	uint64_t data[];
};

/* Memory of a parsed event, estimated per byte of its text (json-c's
 * objects and hash tables). */
#define K8S_DOM_FACTOR 8

/* k8s_parse_time - RFC 3339 ("2024-05-01T10:00:00.123456Z", offsets
 * allowed) to ns since the epoch. Returns 0 or -EINVAL. */
int k8s_parse_time(const char *s, uint64_t *ret_ns);

/* k8s_split - parse one body (an EventList, an array of events or one
 * event) and build one record per event into a list (*ret_head, in order,
 * *ret_n records, *ret_bytes their total cost). Events larger than max_event bytes
 * are skipped and counted in *ret_oversize. Returns 0, or -EINVAL with the
 * reason in err (nothing is returned then), or -ENOMEM. */
int k8s_split(const char *body, size_t len, uint64_t max_event, struct k8s_rec **ret_head,
	      size_t *ret_n, size_t *ret_bytes, uint64_t *ret_oversize, char *err, size_t errlen);

/* k8s_rec_free_list - free a list of records. */
void k8s_rec_free_list(struct k8s_rec *head);

/* The bounded queue between the webhook threads and the core loop. */
struct k8s_queue {
	pthread_mutex_t mu;
	struct k8s_rec *head, *tail;
	size_t n, bytes;
	size_t max_n, max_bytes;
	int efd; /* eventfd, readable while events wait */
	uint64_t drops;
	uint64_t accepted;
};

/* k8s_queue_push - append a whole list or nothing: -EAGAIN when it does not
 * fit (the events are counted as drops, the list is left to the caller). */
int k8s_queue_push(struct k8s_queue *q, struct k8s_rec *head, size_t n, size_t bytes);

/* The webhook server. */
struct k8s_server;
struct k8s_server_args {
	const struct k8s_conf *conf;
	const struct k8s_open *open;
	struct k8s_queue *queue;
	const struct sk_host_api *api;
	struct sk_host *host;
};
/* k8s_server_start - bind and start the threads. Returns 0 or a negative
 * errno with the reason in err. */
int k8s_server_start(const struct k8s_server_args *a, struct k8s_server **ret, char *err,
		     size_t errlen);
/* k8s_server_stop - stop the threads and free; NULL is a no-op. */
void k8s_server_stop(struct k8s_server *s);
/* Requests refused so far (any status but 200). */
uint64_t k8s_server_rejected(const struct k8s_server *s);

/* Field extraction state (one per instance, event-loop thread only). */
struct k8s_fields {
	json_object *root;  /* the parsed payload of event `num` */
	uint64_t num;	    /* 0: none */
	const void *rec;    /* the record it was parsed from */
	bool broken;	    /* the payload of `num` is not JSON */
	struct sk_value *items;
	size_t nitems, capitems;
	char *buf; /* computed strings */
	size_t buflen, bufcap;
	char tbuf[64];
	const char *cluster_name;
};

extern const struct sk_field k8s_fields_table[];

void k8s_fields_fini(struct k8s_fields *f);
/* k8s_fields_adopt - take `dom`, the parsed payload of ev, as the parsed
 * form of this event (owned from now on). */
void k8s_fields_adopt(struct k8s_fields *f, const struct sk_event *ev, json_object *dom);
int k8s_fields_extract(struct k8s_fields *f, const struct sk_event *ev,
		       const struct sk_field_req *req, struct sk_value *ret);

#endif /* SK_SOURCES_K8SAUDIT_H */
