/* plugins/container/container.c - the `container` plugin: container.* and
 * k8s.* fields of syscall events (Falco's rule files require a plugin of
 * this name).
 *
 * The container of a thread comes from its cgroups: the cgroups parameter of
 * its clone/execve records (parse()), or /proc/<tid>/cgroup read once and
 * cached per thread. The id is computed on the event loop (cheap string
 * work); the metadata (name, image, mounts, Kubernetes pod) is read from the
 * runtime's files (podman, CRI-O, Docker, containerd: see ctrmeta.h) by a
 * worker thread, so the event loop does not do that I/O itself.
 *
 * First events of a new container. The lookup starts as early as it can:
 * at the first clone or exec record that shows a container id not seen
 * before (typically a clone of the runtime's init process once it is in
 * the container's cgroup, milliseconds before the workload runs), before
 * any field is asked for. Should the workload's first syscalls still come
 * before the worker is done (a slow lookup, or the workload's exec as the
 * first record), an extraction that finds the lookup running waits for it,
 * up to wait_metadata (default 10ms), once per container: later extractions
 * while it is still pending (or after the wait timed out) give NA at once,
 * and the fields are filled for the events after it completes. The
 * trade-off: the event loop may stall for at most wait_metadata per new
 * container (the lookups are local file reads, well under a millisecond for
 * a few hundred containers), against rules on a container's first events
 * seeing NA names and images. wait_metadata: 0 restores "never wait";
 * replaying captures in tests uses seconds.
 *
 * Capture files: while `shrike --capture` records, the containers of the
 * threads (all of them at the start) and each container's metadata, at the
 * event where the live run first had it, are saved as state records; a
 * replay takes them from there and looks nothing up itself, so it shows
 * what the live run showed (ctrcapture.c, ctrsnap.c,
 * docs/capture-format.md).
 *
 * Configuration (init_config); the defaults are host paths, taken under
 * $HOST_ROOT when that names the host's root (common/hostroot.h), while a
 * value set here is used as written:
 *   proc_root         where to read /proc/<tid>/cgroup (default /proc)
 *   storage_roots     containers/storage roots of podman and CRI-O
 *                     (default [/var/lib/containers/storage])
 *   docker_roots      Docker data roots (default [/var/lib/docker])
 *   containerd_roots  containerd state directories (default [/run/containerd])
 *   cni_cache_dirs    libcni's cache directories, where the runtimes' CNI
 *                     results are (default [/var/lib/cni])
 *   wait_metadata     how long an extraction may wait, once per container,
 *                     for a lookup in flight (default 10ms; 0: never)
 *   retry_interval    how soon a failed lookup is tried again (default 5s)
 * Depends on include/shrike/ only (plugins/common, json-c, pthreads).
 *
 * This file has the configuration, the plugin's callbacks and its fields;
 * the caches and the metadata worker are in ctrcache.c, the capture-file
 * state in ctrcapture.c (shared declarations: container.h).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <shrike/plugin.h>
#include <shrike/syscall_events.h>

#include "../common/htab.h"
#include "common/hostroot.h"
#include "../common/procfs.h"
#include "../common/staterec.h"
#include "container.h"
#include "ctrmeta.h"
#include "ctrsnap.h"

/* the host paths of the defaults, taken under $HOST_ROOT when it is set */
static const char def_storage[] = "/var/lib/containers/storage";
static const char def_docker[] = "/var/lib/docker";
static const char def_containerd[] = "/run/containerd";
static const char def_cni[] = "/var/lib/cni";

static const struct sk_param ctr_params[] = {
    {.name = "proc_root",
     .type = SK_PARAM_STR,
     .offset = offsetof(struct ctr_conf, proc_root),
     .desc = "directory to read /proc/<tid>/cgroup from (default /proc)"},
    {.name = "storage_roots",
     .type = SK_PARAM_STRLIST,
     .offset = offsetof(struct ctr_conf, storage_roots),
     .desc = "containers/storage roots of podman and CRI-O (default /var/lib/containers/storage)"},
    {.name = "docker_roots",
     .type = SK_PARAM_STRLIST,
     .offset = offsetof(struct ctr_conf, docker_roots),
     .desc = "Docker data roots (default /var/lib/docker)"},
    {.name = "containerd_roots",
     .type = SK_PARAM_STRLIST,
     .offset = offsetof(struct ctr_conf, containerd_roots),
     .desc = "containerd state directories, holding io.containerd.runtime.v2.task (default "
	     "/run/containerd)"},
    {.name = "cni_cache_dirs",
     .type = SK_PARAM_STRLIST,
     .offset = offsetof(struct ctr_conf, cni_cache_dirs),
     .desc = "libcni cache directories, holding the CNI results (results/) the runtimes' "
	     "networks were set up with: container.ip of podman, the pod's address of CRI-O and "
	     "containerd (default /var/lib/cni)"},
    {.name = "wait_metadata",
     .type = SK_PARAM_DURATION,
     .def = "10ms",
     .offset = offsetof(struct ctr_conf, wait_ms),
     .max = 60000,
     .desc = "how long an extraction may wait, once per container, for its metadata lookup in "
	     "flight (0: never)"},
    {.name = "retry_interval",
     .type = SK_PARAM_DURATION,
     .def = "5s",
     .offset = offsetof(struct ctr_conf, retry_ms),
     .desc = "how soon a failed metadata lookup is tried again"},
    {.name = NULL},
};

/* ---- parse ---- */

static void reap_exits(struct ctr_inst *in)
{
	for (size_t i = 0; i < in->npending_exit; i++) {
		free(sk_htab_del(&in->tids, (uint64_t)in->pending_exit[i]));
	}
	in->npending_exit = 0;
}

/* param_named - a parameter of a syscall record by name. */
static bool param_named(const struct sk_evt_hdr *rec, const struct sk_sc_event *info,
			const char *name, const void **ret_p, uint32_t *ret_len)
{
	int i = sk_sc_param_index(info, name);
	return i >= 0 && sk_evt_param(rec, (unsigned)i, ret_p, ret_len) == 0 && *ret_len > 0;
}

static int ctr_parse(void *inst, const struct sk_event *ev)
{
	struct ctr_inst *in = inst;
	const struct sk_evt_hdr *rec = ev->rec;
	if (rec->type == SK_EVT_STATE) {
		ctr_load_state(in, rec);
		return SK_OK;
	}
	reap_exits(in);
	in->ev_num = ev->num;
	in->ev_rec = rec;
	const struct sk_sc_event *info = sk_sc_event_info(rec->type);
	if (info == NULL) {
		return SK_OK;
	}
	const void *p;
	uint32_t len;
	int64_t res = -1;
	switch (rec->type) {
	case SK_SC_CLONE:
	case SK_SC_FORK:
	case SK_SC_VFORK:
	case SK_SC_CLONE3:
	case SK_SC_EXECVE:
	case SK_SC_EXECVEAT:
		if (param_named(rec, info, "res", &p, &len) && len == 8) {
			memcpy(&res, p, 8);
		}
		/* the child's clone record (res 0) and a successful exec carry
		 * the thread's own cgroups */
		if (res == 0 && param_named(rec, info, "cgroups", &p, &len)) {
			struct tid_ent *te = ctr_tid_put(in, (int64_t)rec->tid);
			if (te != NULL) {
				ctr_set_from_cgroups(te, p, len);
			}
			/* a container seen for the first time: start reading its
			 * metadata now, before any rule asks for it */
			if (te != NULL && te->rt != SK_CTR_NONE) {
				ctr_lookup(in, te);
			}
		}
		break;
	case SK_SC_PROCEXIT:
		if (in->npending_exit == sizeof(in->pending_exit) / sizeof(in->pending_exit[0])) {
			reap_exits(in);
		}
		in->pending_exit[in->npending_exit++] = (int64_t)rec->tid;
		break;
	default:
		break;
	}
	if (in->capture_on) {
		ctr_save_done(in, (int64_t)rec->tid);
	}
	return SK_OK;
}

/* ---- fields ---- */

/* container.mount*[N] or [GLOB], as Falco has them */
#define MOUNT_ARG (SK_FIELD_ARG_INDEX | SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED)

/* clang-format off */
#define CTR_FIELDS(X) \
	X(CONTAINER_ID, "container.id", STRING, 0, "container id: the first 12 hex digits of the full id, or 'host' for host processes") \
	X(CONTAINER_FULL_ID, "container.full_id", STRING, 0, "full (64 hex digit) container id, or 'host'") \
	X(CONTAINER_NAME, "container.name", STRING, 0, "container name ('host' for host processes); NA until the runtime's metadata is read") \
	X(CONTAINER_TYPE, "container.type", STRING, 0, "container runtime: podman, docker, containerd or cri-o") \
	X(CONTAINER_IMAGE, "container.image", STRING, 0, "container image as named at creation, e.g. docker.io/library/busybox:latest") \
	X(CONTAINER_IMAGE_REPO, "container.image.repository", STRING, 0, "container image repository, e.g. docker.io/library/busybox") \
	X(CONTAINER_IMAGE_TAG, "container.image.tag", STRING, 0, "container image tag, e.g. latest") \
	X(CONTAINER_IMAGE_ID, "container.image.id", STRING, 0, "container image id") \
	X(CONTAINER_IMAGE_DIGEST, "container.image.digest", STRING, 0, "container image digest, when the image was named by digest") \
	X(CONTAINER_PRIVILEGED, "container.privileged", BOOL, 0, "true for a privileged container") \
	X(CONTAINER_MOUNTS, "container.mounts", STRING, 0, "the container's bind mounts: source:dest:mode:rw:propagation, comma-separated") \
	X(CONTAINER_MOUNT, "container.mount", STRING, MOUNT_ARG, "one bind mount as source:dest:mode:rw:propagation, by position (container.mount[0]) or by a glob on its source (container.mount[/var/run/*]); NA when none matches") \
	X(CONTAINER_MOUNT_SOURCE, "container.mount.source", STRING, MOUNT_ARG, "a bind mount's source, by position or by a glob on its destination (container.mount.source[/host/proc*])") \
	X(CONTAINER_MOUNT_DEST, "container.mount.dest", STRING, MOUNT_ARG, "a bind mount's destination, by position or by a glob on its source (container.mount.dest[/proc*]: where the host's /proc is mounted)") \
	X(CONTAINER_MOUNT_MODE, "container.mount.mode", STRING, MOUNT_ARG, "a bind mount's mode (Docker's z, Z...), by position or by a glob on its source") \
	X(CONTAINER_MOUNT_RDWR, "container.mount.rdwr", STRING, MOUNT_ARG, "'true' for a read-write bind mount, 'false' for a read-only one, by position or by a glob on its source") \
	X(CONTAINER_MOUNT_PROPAGATION, "container.mount.propagation", STRING, MOUNT_ARG, "a bind mount's propagation (rprivate, shared...), by position or by a glob on its source") \
	X(CONTAINER_LABELS, "container.labels", STRING, 0, "container labels as key:value, comma-separated") \
	X(CONTAINER_LABEL, "container.label", STRING, SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED, "one container label, e.g. container.label[app]") \
	X(CONTAINER_START_TS, "container.start_ts", ABSTIME, 0, "creation time of the container") \
	X(CONTAINER_DURATION, "container.duration", RELTIME, 0, "nanoseconds since the container was created") \
	X(CONTAINER_IP, "container.ip", STRING, 0, "the container's primary IPv4 address (the pod's, in Kubernetes), e.g. 10.88.0.5; NA with the host's network or none") \
	X(CONTAINER_CNI_JSON, "container.cni.json", STRING, 0, "the pod's CNI result as JSON (every interface's addresses, IPv4 and IPv6), CRI-O and containerd; at most 4096 bytes") \
	X(CONTAINER_HOST_PID, "container.host_pid", BOOL, 0, "true when the container shares the host's PID namespace (podman --pid=host, hostPID: true)") \
	X(CONTAINER_HOST_NETWORK, "container.host_network", BOOL, 0, "true when the container shares the host's network namespace (--network=host, hostNetwork: true)") \
	X(CONTAINER_HOST_IPC, "container.host_ipc", BOOL, 0, "true when the container shares the host's IPC namespace (--ipc=host, hostIPC: true)") \
	X(CONTAINER_HEALTHCHECK, "container.healthcheck", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0: always NA") \
	X(CONTAINER_LIVENESS_PROBE, "container.liveness_probe", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(CONTAINER_READINESS_PROBE, "container.readiness_probe", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(PROC_IS_HEALTHCHECK, "proc.is_container_healthcheck", BOOL, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0: always NA") \
	X(PROC_IS_LIVENESS_PROBE, "proc.is_container_liveness_probe", BOOL, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(PROC_IS_READINESS_PROBE, "proc.is_container_readiness_probe", BOOL, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(K8S_POD_NAME, "k8s.pod.name", STRING, 0, "Kubernetes pod name (from the CRI annotations)") \
	X(K8S_NS_NAME, "k8s.ns.name", STRING, 0, "Kubernetes namespace name") \
	X(K8S_POD_UID, "k8s.pod.uid", STRING, 0, "Kubernetes pod UID") \
	X(K8S_POD_ID, "k8s.pod.id", STRING, 0, "Kubernetes pod UID (legacy name of k8s.pod.uid)") \
	X(K8S_POD_LABELS, "k8s.pod.labels", STRING, 0, "Kubernetes pod labels as key:value, comma-separated") \
	X(K8S_POD_LABEL, "k8s.pod.label", STRING, SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED, "one Kubernetes pod label, e.g. k8s.pod.label[app]") \
	X(K8S_POD_SANDBOX_ID, "k8s.pod.sandbox_id", STRING, 0, "the pod's sandbox id, first 12 hex digits: the container id of the pod's sandbox (pause) container, not the pod UID") \
	X(K8S_POD_FULL_SANDBOX_ID, "k8s.pod.full_sandbox_id", STRING, 0, "the pod's full (64 hex digit) sandbox id") \
	X(K8S_POD_IP, "k8s.pod.ip", STRING, 0, "the pod's IPv4 address (its sandbox's, shared by its containers); NA outside a pod") \
	X(K8S_POD_CNI_JSON, "k8s.pod.cni.json", STRING, 0, "the pod's CNI result as JSON, as container.cni.json; NA outside a pod") \
	DEPRECATED_K8S(X, RC, "rc", "replication controller") \
	DEPRECATED_K8S(X, SVC, "svc", "service") \
	X(K8S_NS_ID, "k8s.ns.id", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(K8S_NS_LABEL, "k8s.ns.label", STRING, SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED | SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	X(K8S_NS_LABELS, "k8s.ns.labels", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): always NA") \
	DEPRECATED_K8S(X, RS, "rs", "replica set") \
	DEPRECATED_K8S(X, DEPLOYMENT, "deployment", "deployment")

/* k8s.<kind>.name/id/label/labels: Kubernetes objects Falco's container
 * plugin 0.7.0 keeps only as deprecated names (the k8smeta plugin has them) */
#define DEPRECATED_K8S(X, ID, kind, what) \
	X(K8S_##ID##_NAME, "k8s." kind ".name", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): " what " name, always NA") \
	X(K8S_##ID##_ID, "k8s." kind ".id", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): " what " id, always NA") \
	X(K8S_##ID##_LABEL, "k8s." kind ".label", STRING, SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED | SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): one " what " label, always NA") \
	X(K8S_##ID##_LABELS, "k8s." kind ".labels", STRING, SK_FIELD_DEPRECATED, "deprecated in Falco's container plugin 0.7.0 (see the k8smeta plugin): " what " labels, always NA")
/* clang-format on */

enum ctr_field_id {
#define X(id, name, type, flags, desc) F_##id,
	CTR_FIELDS(X)
#undef X
	    F_COUNT
};

static const struct sk_field ctr_fields[] = {
#define X(id, name, type, flags, desc) {name, SK_TYPE_##type, flags, NULL, desc},
    CTR_FIELDS(X)
#undef X
	{NULL, 0, 0, NULL, NULL},
};

static int ret_str(struct sk_value *v, const char *s)
{
	if (s == NULL) {
		return SK_NA;
	}
	v->type = SK_TYPE_STRING;
	v->str.ptr = s;
	v->str.len = (uint32_t)strlen(s);
	return SK_OK;
}

/* kv_text - "k1:v1,k2:v2" from a label list, into the scratch buffer. */
static int kv_text(struct ctr_inst *in, const struct ctr_kv *kv, struct sk_value *v)
{
	if (kv->text == NULL) {
		return SK_NA;
	}
	if (kv->len + 1 > in->bufcap) {
		char *b = realloc(in->buf, kv->len + 1);
		if (b == NULL) {
			return SK_ERR;
		}
		in->buf = b;
		in->bufcap = kv->len + 1;
	}
	bool key = true;
	for (size_t i = 0; i < kv->len; i++) {
		char c = kv->text[i];
		if (c == '\0') {
			c = ',';
			key = true;
		} else if (c == '=' && key) {
			c = ':';
			key = false;
		}
		in->buf[i] = c;
	}
	in->buf[kv->len] = '\0';
	return ret_str(v, in->buf);
}

static int kv_one(struct ctr_inst *in, const struct ctr_kv *kv, const char *key, struct sk_value *v)
{
	size_t len;
	const char *s = key ? ctr_kv_get(kv, key, &len) : NULL;
	if (s == NULL) {
		return SK_NA;
	}
	if (len + 1 > in->bufcap) {
		char *b = realloc(in->buf, len + 1);
		if (b == NULL) {
			return SK_ERR;
		}
		in->buf = b;
		in->bufcap = len + 1;
	}
	memcpy(in->buf, s, len);
	in->buf[len] = '\0';
	return ret_str(v, in->buf);
}

/* mount_field - Falco's container.mount* fields: the mount by position, or
 * the first whose source (destination, for container.mount.source) matches
 * the argument as a glob. */
static int mount_field(const struct ctr_meta *m, const struct sk_field_req *req, struct sk_value *v)
{
	const struct ctr_mount *mt =
	    ctr_mount_find(m, req->has_index != 0, req->arg_index, req->arg_key,
			   req->field_idx == F_CONTAINER_MOUNT_SOURCE);
	if (mt == NULL) {
		return SK_NA;
	}
	switch (req->field_idx) {
	case F_CONTAINER_MOUNT:
		return ret_str(v, mt->text);
	case F_CONTAINER_MOUNT_SOURCE:
		return ret_str(v, mt->source);
	case F_CONTAINER_MOUNT_DEST:
		return ret_str(v, mt->dest);
	case F_CONTAINER_MOUNT_MODE:
		return ret_str(v, mt->mode);
	case F_CONTAINER_MOUNT_RDWR:
		return ret_str(v, mt->rw ? "true" : "false");
	default:
		return ret_str(v, mt->propagation);
	}
}

static int ctr_extract(void *inst, const struct sk_event *ev, const struct sk_field_req *req,
		       struct sk_value *v)
{
	struct ctr_inst *in = inst;
	memset(v, 0, sizeof(*v));
	if (req->field_idx >= F_COUNT) {
		return SK_ERR;
	}
	/* deprecated in Falco's plugin 0.7.0, nothing to extract: the
	 * healthcheck and probe fields, and from F_K8S_RC_NAME on the
	 * Kubernetes objects of the k8smeta plugin (new fields go above) */
	if ((req->field_idx >= F_CONTAINER_HEALTHCHECK &&
	     req->field_idx <= F_PROC_IS_READINESS_PROBE) ||
	    req->field_idx >= F_K8S_RC_NAME) {
		return SK_NA;
	}
	if (in->ev_num != ev->num || in->ev_rec != ev->rec) {
		ctr_parse(in, ev);
	}
	int64_t tid = (int64_t)ev->rec->tid;
	if (tid <= 0 || sk_sc_event_info(ev->rec->type) == NULL) {
		return SK_NA;
	}
	struct tid_ent *te = sk_htab_get(&in->tids, (uint64_t)tid);
	if (te == NULL || (!te->known && !te->tried)) {
		te = ctr_tid_put(in, tid);
		if (te == NULL) {
			return SK_ERR;
		}
		if (!in->offline) {
			ctr_set_from_proc(in, te, tid);
		}
		te->tried = true; /* once: a thread gone from /proc stays unknown */
		ctr_save_tid(in, tid, te);
	}
	if (!te->known) {
		return SK_NA;
	}
	bool host = te->rt == SK_CTR_NONE;
	switch (req->field_idx) {
	case F_CONTAINER_ID:
		if (host) {
			return ret_str(v, "host");
		}
		memcpy(in->buf, te->id, 12); /* buf has at least 256 bytes */
		in->buf[12] = '\0';
		return ret_str(v, in->buf);
	case F_CONTAINER_FULL_ID:
		return ret_str(v, host ? "host" : te->id);
	case F_CONTAINER_TYPE:
		return host ? SK_NA : ret_str(v, sk_ctr_runtime_name((enum sk_ctr_runtime)te->rt));
	case F_CONTAINER_NAME:
		if (host) {
			return ret_str(v, "host");
		}
		break;
	default:
		if (host) {
			return SK_NA;
		}
		break;
	}
	const struct ctr_meta *m = ctr_get(in, te);
	if (m == NULL) {
		return SK_NA;
	}
	uint64_t now = ev->rec->ts;
	switch (req->field_idx) {
	case F_CONTAINER_NAME:
		return ret_str(v, m->name);
	case F_CONTAINER_IMAGE:
		return ret_str(v, m->image);
	case F_CONTAINER_IMAGE_REPO:
		return ret_str(v, m->image_repo);
	case F_CONTAINER_IMAGE_TAG:
		return ret_str(v, m->image_tag);
	case F_CONTAINER_IMAGE_ID:
		return ret_str(v, m->image_id);
	case F_CONTAINER_IMAGE_DIGEST:
		return m->image_digest && m->image_digest[0] ? ret_str(v, m->image_digest) : SK_NA;
	case F_CONTAINER_PRIVILEGED:
		v->type = SK_TYPE_BOOL;
		v->b = m->privileged;
		return SK_OK;
	case F_CONTAINER_MOUNTS:
		return ret_str(v, m->mounts);
	case F_CONTAINER_MOUNT:
	case F_CONTAINER_MOUNT_SOURCE:
	case F_CONTAINER_MOUNT_DEST:
	case F_CONTAINER_MOUNT_MODE:
	case F_CONTAINER_MOUNT_RDWR:
	case F_CONTAINER_MOUNT_PROPAGATION:
		return mount_field(m, req, v);
	case F_CONTAINER_LABELS:
		return kv_text(in, &m->labels, v);
	case F_CONTAINER_LABEL:
		return kv_one(in, &m->labels, req->arg_key, v);
	case F_CONTAINER_START_TS:
		if (m->created_ns == 0) {
			return SK_NA;
		}
		v->type = SK_TYPE_ABSTIME;
		v->u64 = m->created_ns;
		return SK_OK;
	case F_CONTAINER_DURATION:
		if (m->created_ns == 0 || now < m->created_ns) {
			return SK_NA;
		}
		v->type = SK_TYPE_RELTIME;
		v->u64 = now - m->created_ns;
		return SK_OK;
	case F_K8S_POD_NAME:
		return ret_str(v, m->pod_name);
	case F_K8S_NS_NAME:
		return ret_str(v, m->pod_ns);
	case F_K8S_POD_UID:
	case F_K8S_POD_ID:
		return ret_str(v, m->pod_uid);
	case F_K8S_POD_LABELS:
		return kv_text(in, &m->pod_labels, v);
	case F_K8S_POD_LABEL:
		return kv_one(in, &m->pod_labels, req->arg_key, v);
	case F_CONTAINER_IP:
		return ret_str(v, m->ip);
	case F_CONTAINER_CNI_JSON:
		return ret_str(v, m->cni_json);
	case F_CONTAINER_HOST_PID:
	case F_CONTAINER_HOST_NETWORK:
	case F_CONTAINER_HOST_IPC:
		v->type = SK_TYPE_BOOL;
		v->b = req->field_idx == F_CONTAINER_HOST_PID	    ? m->host_pid
		       : req->field_idx == F_CONTAINER_HOST_NETWORK ? m->host_network
								    : m->host_ipc;
		return SK_OK;
	case F_K8S_POD_SANDBOX_ID:
		if (m->sandbox_id == NULL) {
			return SK_NA;
		}
		snprintf(in->buf, in->bufcap, "%.12s", m->sandbox_id); /* bufcap >= 256 */
		return ret_str(v, in->buf);
	case F_K8S_POD_FULL_SANDBOX_ID:
		return ret_str(v, m->sandbox_id);
	case F_K8S_POD_IP:
		return m->sandbox_id ? ret_str(v, m->ip) : SK_NA;
	case F_K8S_POD_CNI_JSON:
		return m->sandbox_id ? ret_str(v, m->cni_json) : SK_NA;
	default:
		return SK_NA;
	}
}

/* ---- lifecycle ---- */

/* list_view - a NULL-terminated view of a configured list, or of the
 * default `def` under the host root (a string kept in *ret_owned). */
static const char **list_view(const struct sk_strlist *l, const char *def, char **ret_owned)
{
	size_t n = l->n;
	const char **v = calloc(n + 2, sizeof(*v));
	if (v == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		v[i] = l->items[i];
	}
	if (n == 0) {
		*ret_owned = sk_hostroot_dup(def);
		if (*ret_owned == NULL) {
			free(v);
			return NULL;
		}
		v[0] = *ret_owned;
	}
	return v;
}

static void ctr_destroy(void *inst)
{
	struct ctr_inst *in = inst;
	if (in == NULL) {
		return;
	}
	bool sync_made = in->worker_started || in->offline;
	ctr_stop_worker(in);
	if (sync_made) {
		pthread_mutex_destroy(&in->mu);
		pthread_cond_destroy(&in->work_cv);
		pthread_cond_destroy(&in->done_cv);
	}
	ctr_clear_caches(in);
	free(in->snap_out.p);
	free(in->snap_in.p);
	ctrsnap_scratch_fini(&in->snap_scratch);
	free(in->storage_roots);
	free(in->docker_roots);
	free(in->containerd_roots);
	free(in->cni_dirs);
	for (size_t i = 0; i < sizeof(in->defaults) / sizeof(in->defaults[0]); i++) {
		free(in->defaults[i]);
	}
	free(in->proc_root);
	free(in->buf);
	free(in);
}

static int ctr_init(const struct sk_init_input *input, void **ret_inst, char *err, size_t errlen)
{
	struct ctr_inst *in = calloc(1, sizeof(*in));
	if (in == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = in;
	in->api = input->api;
	in->host = input->host;
	static const struct ctr_conf defaults = {.wait_ms = 10, .retry_ms = 5000};
	in->conf = input->config ? input->config : &defaults;
	in->proc_root =
	    in->conf->proc_root ? strdup(in->conf->proc_root) : sk_hostroot_dup("/proc");
	in->storage_roots = list_view(&in->conf->storage_roots, def_storage, &in->defaults[0]);
	in->docker_roots = list_view(&in->conf->docker_roots, def_docker, &in->defaults[1]);
	in->containerd_roots =
	    list_view(&in->conf->containerd_roots, def_containerd, &in->defaults[2]);
	in->cni_dirs = list_view(&in->conf->cni_cache_dirs, def_cni, &in->defaults[3]);
	in->buf = malloc(256);
	in->bufcap = in->buf ? 256 : 0;
	if (in->proc_root == NULL || in->storage_roots == NULL || in->docker_roots == NULL ||
	    in->containerd_roots == NULL || in->cni_dirs == NULL || in->buf == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	in->mconf.storage_roots = in->storage_roots;
	in->mconf.docker_roots = in->docker_roots;
	in->mconf.containerd_roots = in->containerd_roots;
	in->mconf.cni_dirs = in->cni_dirs;
	in->mconf.host_root = sk_hostroot();
	in->mconf.proc_root = in->proc_root;
	sk_htab_init(&in->tids);
	sk_htab_init(&in->ctrs);
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->work_cv, NULL);
	/* waits on done_cv are bounded in CLOCK_MONOTONIC time: a clock step
	 * must not stretch them */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&in->done_cv, &ca);
	pthread_condattr_destroy(&ca);
	/* the worker takes no signals: they are the host's to handle (a
	 * thread with SIGTERM unblocked would let it kill the daemon) */
	sigset_t all, old;
	sigfillset(&all);
	sigdelset(&all, SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX); /* drops its capabilities */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&in->worker, NULL, ctr_worker_main, in);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		snprintf(err, errlen, "cannot start the metadata thread: %s", strerror(r));
		pthread_mutex_destroy(&in->mu);
		pthread_cond_destroy(&in->work_cv);
		pthread_cond_destroy(&in->done_cv);
		return SK_ERR;
	}
	in->worker_started = true;
	return SK_OK;
}

/* ctr_metrics - the caches for the metrics snapshot, read under the lock
 * the worker takes: containers and threads are gauges (entries in the
 * metadata and thread caches), lookups_pending the lookups queued or
 * being read; the rest count from init: lookups_done every lookup that
 * ended, lookups_failed those of them that found no metadata
 * (docs/fields.md). */
static int ctr_metrics(void *inst, const struct sk_metric **ret, size_t *ret_n)
{
	struct ctr_inst *in = inst;
	pthread_mutex_lock(&in->mu);
	const struct sk_metric m[] = {
	    {"containers", in->ctrs.n},
	    {"containers_evicted", in->ctrs_evicted},
	    {"lookups_pending", in->qlen + (in->working ? 1u : 0u)},
	    {"lookups_done", in->lookups},
	    {"lookups_failed", in->lookup_fails},
	    {"threads", in->tids.n},
	    {"threads_evicted", in->tids_evicted},
	};
	pthread_mutex_unlock(&in->mu);
	_Static_assert(sizeof(m) == sizeof(in->metrics), "ctr_inst.metrics: one slot per metric");
	memcpy(in->metrics, m, sizeof(m));
	*ret = in->metrics;
	*ret_n = sizeof(m) / sizeof(m[0]);
	return SK_OK;
}

static const char *const ctr_sources[] = {"syscall", NULL};

SK_PLUGIN_OPS(sk_extract_ops, ctr_extract_ops, .sources = ctr_sources, .fields = ctr_fields,
	      .extract = ctr_extract);
SK_PLUGIN_OPS(sk_parse_ops, ctr_parse_ops, .sources = ctr_sources, .parse = ctr_parse,
	      .snapshot = ctr_snapshot);
SK_PLUGIN_DEFINE(.name = "container", .version = "0.7.0",
		 .description = "container.* and k8s.* fields of syscall events: container ids "
				"from cgroups, metadata from podman, CRI-O, Docker and containerd",
		 .contact = PACKAGE_BUGREPORT, .params = ctr_params,
		 .config_size = sizeof(struct ctr_conf), .init = ctr_init, .destroy = ctr_destroy,
		 .metrics = ctr_metrics, .extract = &ctr_extract_ops, .parse = &ctr_parse_ops);
