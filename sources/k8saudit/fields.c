/* sources/k8saudit/fields.c - the ka.* and jevt.* fields of Kubernetes
 * audit events: names, types and meanings as Falco's k8saudit plugin
 * defines them (values are strings, lists of strings where Falco has
 * lists), read from the event's JSON with json-c.
 *
 * The payload is parsed once per event and kept until the next event.
 * Values point into that parsed document or into per-instance buffers that
 * the next extract() reuses (plugin.h's ownership rule): nothing is
 * allocated per field once the buffers have grown.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "k8saudit.h"

enum op {
	OP_KEYS,	 /* value at path (list: array at path, each item as text) */
	OP_URI_PARAM,	 /* query parameter of requestURI */
	OP_POD_NAME,	 /* objectRef.name when the target is a pod */
	OP_SUBJECTS,	 /* binding subjects of kind `sarg` */
	OP_SUBJECTS_NS,	 /* ServiceAccount subjects as namespace:name */
	OP_HAS_NAME,	 /* "true"/"false": a subject has name [arg] */
	OP_CTR,		 /* per container of array `carr`: sub-op `sub` */
	OP_CTR_FIRST,	 /* first container's image / repository */
	OP_CTR_ANY_PRIV, /* "true" when any container is privileged */
	OP_RULES,	 /* role rules' key `sarg`, flattened */
	OP_LIST_IDX,	 /* array at path, items as text, [index] selects one */
	OP_VOL_KEY,	 /* volumes[].<sarg>.<sarg2> */
	OP_VOL_TYPE,	 /* volumes' keys other than name */
	OP_VOL_HOSTPATH, /* "true"/"false": a hostPath volume matches [arg] */
	OP_CLUSTER,	 /* the configured cluster name */
	OP_JVALUE,	 /* JSON pointer */
	OP_JOBJ,	 /* the whole event */
	OP_JTIME,	 /* HH:MM:SS.nnnnnnnnn */
	OP_JTIME_ISO,	 /* RFC 3339 with ns */
	OP_JRAWTIME,	 /* ns since the epoch */
};

enum ctr_sub {
	C_NAME,
	C_IMAGE,
	C_REPO,
	C_COMMAND,
	C_ARGS,
	C_PRIV,
	C_APE,
	C_ROFS,
	C_RUN_USER,
	C_EFF_USER,
	C_RUN_GROUP,
	C_EFF_GROUP,
	C_PROC_MOUNT,
	C_ADD_CAPS,
	C_HOST_PORT,
};

struct fdef {
	enum op op;
	const char *path[6]; /* OP_KEYS, OP_LIST_IDX */
	const char *sarg, *sarg2;
	const char *carr; /* container array: containers, initContainers, ... */
	int sub;
};

#define S SK_TYPE_STRING
#define LST SK_FIELD_LIST
#define IDX SK_FIELD_ARG_INDEX
#define KEYREQ (SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED)
#define DEPR SK_FIELD_DEPRECATED /* as Falco's table marks it */

/* One line per field: table entry and how to compute it, kept side by side
 * so they cannot drift. */
#define K8S_FIELDS(X)                                                                              \
	X("ka.auditid", S, 0, "the unique id of the audit event", {.op = OP_KEYS, .path = {"auditID"}})          \
	X("ka.stage", S, 0, "stage of the request (RequestReceived, ResponseComplete, ...)",      \
	  {.op = OP_KEYS, .path = {"stage"}})                                                                     \
	X("ka.auth.decision", S, 0, "the authorization decision (allow, forbid)",                   \
	  {.op = OP_KEYS, .path = {"annotations", "authorization.k8s.io/decision"}})                              \
	X("ka.auth.reason", S, 0, "the authorization reason",                                       \
	  {.op = OP_KEYS, .path = {"annotations", "authorization.k8s.io/reason"}})                                \
	X("ka.auth.openshift.decision", S, 0,                                                       \
	  "the authentication decision of OpenShift's API server (OpenShift clusters only)",       \
	  {.op = OP_KEYS, .path = {"annotations", "authentication.openshift.io/decision"}})                      \
	X("ka.validations.admission.policy.failure", S, 0,                                          \
	  "the validation failure of a Validating Admission Policy",                                \
	  {.op = OP_KEYS, .path = {"annotations", "validation.policy.admission.k8s.io/validation_failure"}})     \
	X("ka.security.pod.violations", S, 0, "the pod security violations of the request",        \
	  {.op = OP_KEYS, .path = {"annotations", "pod-security.kubernetes.io/audit-violations"}})              \
	X("ka.auth.openshift.username", S, 0,                                                       \
	  "the user name OpenShift's API server authenticated (OpenShift clusters only)",          \
	  {.op = OP_KEYS, .path = {"annotations", "authentication.openshift.io/username"}})                      \
	X("ka.user.name", S, 0, "the user name performing the request", {.op = OP_KEYS, .path = {"user", "username"}}) \
	X("ka.user.groups", S, LST, "the groups the user belongs to", {.op = OP_KEYS, .path = {"user", "groups"}}) \
	X("ka.impuser.name", S, 0, "the impersonated user name",                                    \
	  {.op = OP_KEYS, .path = {"impersonatedUser", "username"}})                                              \
	X("ka.verb", S, 0, "the action being performed (get, create, delete, ...)",                 \
	  {.op = OP_KEYS, .path = {"verb"}})                                                                      \
	X("ka.uri", S, 0, "the request URI as sent from client to server", {.op = OP_KEYS, .path = {"requestURI"}}) \
	X("ka.uri.param", S, KEYREQ,                                                                \
	  "the value of a query parameter of the uri (uri=/foo?key=val: ka.uri.param[key] is val)", \
	  {.op = OP_URI_PARAM})                                                                           \
	X("ka.target.name", S, 0, "the target object name", {.op = OP_KEYS, .path = {"objectRef", "name"}})      \
	X("ka.target.namespace", S, 0, "the target object namespace",                              \
	  {.op = OP_KEYS, .path = {"objectRef", "namespace"}})                                                    \
	X("ka.target.resource", S, 0, "the target object resource (pods, configmaps, ...)",        \
	  {.op = OP_KEYS, .path = {"objectRef", "resource"}})                                                     \
	X("ka.target.subresource", S, 0, "the target object subresource (exec, attach, ...)",      \
	  {.op = OP_KEYS, .path = {"objectRef", "subresource"}})                                                  \
	X("ka.target.pod.name", S, 0, "the target pod name (when the target is a pod)",            \
	  {.op = OP_POD_NAME})                                                                            \
	X("ka.req.binding.subjects", S, LST,                                                        \
	  "for a (cluster) role binding, the subjects it links, as JSON",                           \
	  {.op = OP_KEYS, .path = {"requestObject", "subjects"}})                                                 \
	X("ka.req.binding.subjects.user_names", S, LST,                                             \
	  "for a (cluster) role binding, the user names it links", {.op = OP_SUBJECTS, .sarg = "User"})  \
	X("ka.req.binding.subjects.serviceaccount_names", S, LST,                                   \
	  "for a (cluster) role binding, the service account names it links",                      \
	  {.op = OP_SUBJECTS, .sarg = "ServiceAccount"})                                                  \
	X("ka.req.binding.subjects.serviceaccount_ns_names", S, LST,                                \
	  "for a (cluster) role binding, the service accounts it links as namespace:name",          \
	  {.op = OP_SUBJECTS_NS})                                                                         \
	X("ka.req.binding.subjects.group_names", S, LST,                                            \
	  "for a (cluster) role binding, the group names it links", {.op = OP_SUBJECTS, .sarg = "Group"}) \
	X("ka.req.binding.role", S, 0, "for a (cluster) role binding, the role it links",          \
	  {.op = OP_KEYS, .path = {"requestObject", "roleRef", "name"}})                                          \
	X("ka.req.binding.subject.has_name", S, KEYREQ | DEPR,                                      \
	  "\"true\" when a subject of the binding has the name [arg], else \"false\"",  \
	  {.op = OP_HAS_NAME})                                                                            \
	X("ka.req.configmap.name", S, 0, "for a configmap, its name",                               \
	  {.op = OP_KEYS, .path = {"objectRef", "name"}})                                                         \
	X("ka.req.configmap.obj", S, 0, "for a configmap, its data as JSON",                        \
	  {.op = OP_KEYS, .path = {"requestObject", "data"}})                                                     \
	CTR_FIELDS(X, "containers", "container")                                                  \
	CTR_HOST_PORT(X, "containers", "container")                                               \
	X("ka.req.container.image", S, DEPR, "the image of the first container",                   \
	  {.op = OP_CTR_FIRST, .sub = C_IMAGE})                                                           \
	X("ka.req.container.image.repository", S, DEPR,                                             \
	  "the image repository of the first container", {.op = OP_CTR_FIRST, .sub = C_REPO}) \
	X("ka.req.container.privileged", S, DEPR,                                                   \
	  "\"true\" when any container is privileged", {.op = OP_CTR_ANY_PRIV})              \
	X("ka.req.pod.host_ipc", S, 0, "for a pod, its hostIPC flag",                               \
	  {.op = OP_KEYS, .path = {"requestObject", "spec", "hostIPC"}})                                          \
	X("ka.req.pod.host_network", S, 0, "for a pod, its hostNetwork flag",                       \
	  {.op = OP_KEYS, .path = {"requestObject", "spec", "hostNetwork"}})                                      \
	X("ka.req.container.host_network", S, DEPR, "alias of ka.req.pod.host_network",            \
	  {.op = OP_KEYS, .path = {"requestObject", "spec", "hostNetwork"}})                                      \
	X("ka.req.pod.host_pid", S, 0, "for a pod, its hostPID flag",                               \
	  {.op = OP_KEYS, .path = {"requestObject", "spec", "hostPID"}})                                          \
	X("ka.req.pod.run_as_user", S, 0, "for a pod, the runAsUser of its security context",     \
	  {.op = OP_KEYS, .path = {"requestObject", "spec", "securityContext", "runAsUser"}})                     \
	X("ka.req.pod.run_as_group", S, 0, "for a pod, the runAsGroup of its security context",   \
	  {.op = OP_KEYS, .path = {"requestObject", "spec", "securityContext", "runAsGroup"}})                    \
	X("ka.req.pod.fs_group", S, 0, "for a pod, the fsGroup of its security context",          \
	  {.op = OP_KEYS, .path = {"requestObject", "spec", "securityContext", "fsGroup"}})                       \
	X("ka.req.pod.supplemental_groups", S, LST,                                                 \
	  "for a pod, the supplementalGroups of its security context",                              \
	  {.op = OP_KEYS, .path = {"requestObject", "spec", "securityContext", "supplementalGroups"}})            \
	X("ka.req.role.rules", S, LST, "for a (cluster) role, its rules, as JSON",                 \
	  {.op = OP_KEYS, .path = {"requestObject", "rules"}})                                                    \
	RULES_FIELD(X, "apiGroups", "API groups")                                                  \
	RULES_FIELD(X, "nonResourceURLs", "non-resource URLs")                                     \
	RULES_FIELD(X, "verbs", "verbs")                                                           \
	RULES_FIELD(X, "resources", "resources")                                                   \
	X("ka.req.service.type", S, 0, "for a service, its type (ClusterIP, NodePort, ...)",       \
	  {.op = OP_KEYS, .path = {"requestObject", "spec", "type"}})                                             \
	X("ka.req.service.ports", S, LST | IDX, "for a service, its ports, as JSON",               \
	  {.op = OP_LIST_IDX, .path = {"requestObject", "spec", "ports"}})                                        \
	X("ka.req.pod.volumes.hostpath", S, LST | IDX, "for a pod, the hostPath paths of its volumes", \
	  {.op = OP_VOL_KEY, .sarg = "hostPath", .sarg2 = "path"})                                        \
	X("ka.req.volume.hostpath", S, KEYREQ | DEPR,                                               \
	  "\"true\" when a hostPath volume is [path] (a trailing * matches a prefix)",  \
	  {.op = OP_VOL_HOSTPATH})                                                                        \
	X("ka.req.pod.volumes.flexvolume_driver", S, LST | IDX,                                     \
	  "for a pod, the flexVolume drivers of its volumes",                                       \
	  {.op = OP_VOL_KEY, .sarg = "flexVolume", .sarg2 = "driver"})                                    \
	X("ka.req.pod.volumes.volume_type", S, LST | IDX,                                           \
	  "for a pod, the types of its volumes (hostPath, secret, ...)", {.op = OP_VOL_TYPE})            \
	X("ka.resp.name", S, 0, "the response object name",                                         \
	  {.op = OP_KEYS, .path = {"responseObject", "metadata", "name"}})                                        \
	X("ka.response.code", S, 0, "the response code", {.op = OP_KEYS, .path = {"responseStatus", "code"}})    \
	X("ka.response.reason", S, 0, "the response reason (mostly on failures)",                   \
	  {.op = OP_KEYS, .path = {"responseStatus", "reason"}})                                                  \
	X("ka.useragent", S, 0, "the user agent of the client", {.op = OP_KEYS, .path = {"userAgent"}})          \
	X("ka.sourceips", S, LST | IDX, "the IP addresses of the client",                          \
	  {.op = OP_LIST_IDX, .path = {"sourceIPs"}})                                                             \
	X("ka.cluster.name", S, 0, "the cluster name (init_config cluster_name)", {.op = OP_CLUSTER})    \
	CTR_FIELDS(X, "initContainers", "init container")                                         \
	CTR_HOST_PORT(X, "initContainers", "init container")                                      \
	CTR_FIELDS(X, "ephemeralContainers", "ephemeral container")                               \
	X("jevt.value", S, KEYREQ, "the value at a JSON pointer: jevt.value[/user/username]",      \
	  {.op = OP_JVALUE})                                                                              \
	X("jevt.obj", S, 0, "the whole audit event as JSON", {.op = OP_JOBJ})                            \
	X("jevt.time", S, 0, "the event time (stageTimestamp) as HH:MM:SS.nnnnnnnnn, UTC",         \
	  {.op = OP_JTIME})                                                                               \
	X("jevt.time.iso8601", S, 0, "the event time in ISO 8601 with nanoseconds, UTC",           \
	  {.op = OP_JTIME_ISO})                                                                           \
	X("jevt.rawtime", SK_TYPE_U64, 0, "the event time in ns since the epoch", {.op = OP_JRAWTIME})

/* One key of a (cluster) role's rules, all rules' values flattened; [n]
 * takes rule n only. */
#define RULES_FIELD(X, key, what)                                                                  \
	X("ka.req.role.rules." key, S, LST | IDX,                                                   \
	  "for a (cluster) role, the " what " of its rules ([n]: of rule n)",                       \
	  {.op = OP_RULES, .sarg = key})

/* The per-container fields of a pod's container array `arr` (containers,
 * initContainers, ephemeralContainers): one implementation, op OP_CTR, for
 * the three. Ephemeral containers have no ports, so no host_port. */
#define CTR_FIELDS(X, arr, what)                                                               \
	X("ka.req.pod." arr ".name", S, LST | IDX, "for a pod, the name of each " what,            \
	  {.op = OP_CTR, .carr = arr, .sub = C_NAME})                                                     \
	X("ka.req.pod." arr ".image", S, LST | IDX, "for a pod, the image of each " what,           \
	  {.op = OP_CTR, .carr = arr, .sub = C_IMAGE})                                                    \
	X("ka.req.pod." arr ".image.repository", S, LST | IDX,                                       \
	  "for a pod, the image of each " what " without tag or digest",                            \
	  {.op = OP_CTR, .carr = arr, .sub = C_REPO})                                                     \
	X("ka.req.pod." arr ".command", S, LST | IDX, "for a pod, the command words of each " what, \
	  {.op = OP_CTR, .carr = arr, .sub = C_COMMAND})                                                  \
	X("ka.req.pod." arr ".args", S, LST | IDX, "for a pod, the arguments of each " what,        \
	  {.op = OP_CTR, .carr = arr, .sub = C_ARGS})                                                     \
	X("ka.req.pod." arr ".privileged", S, LST | IDX,                                             \
	  "for a pod, the privileged flag of each " what " that sets it",                           \
	  {.op = OP_CTR, .carr = arr, .sub = C_PRIV})                                                     \
	X("ka.req.pod." arr ".allow_privilege_escalation", S, LST | IDX,                             \
	  "for a pod, the allowPrivilegeEscalation flag of each " what " that sets it",             \
	  {.op = OP_CTR, .carr = arr, .sub = C_APE})                                                      \
	X("ka.req.pod." arr ".read_only_fs", S, LST | IDX,                                           \
	  "for a pod, the readOnlyRootFilesystem flag of each " what " that sets it",               \
	  {.op = OP_CTR, .carr = arr, .sub = C_ROFS})                                                     \
	X("ka.req.pod." arr ".run_as_user", S, LST | IDX,                                            \
	  "for a pod, the runAsUser of each " what " that sets it",                                 \
	  {.op = OP_CTR, .carr = arr, .sub = C_RUN_USER})                                                 \
	X("ka.req.pod." arr ".eff_run_as_user", S, LST | IDX,                                        \
	  "for a pod, the uid each " what " starts with (container, else pod, else 0)",             \
	  {.op = OP_CTR, .carr = arr, .sub = C_EFF_USER})                                                 \
	X("ka.req.pod." arr ".run_as_group", S, LST | IDX,                                           \
	  "for a pod, the runAsGroup of each " what " that sets it",                                \
	  {.op = OP_CTR, .carr = arr, .sub = C_RUN_GROUP})                                                \
	X("ka.req.pod." arr ".eff_run_as_group", S, LST | IDX,                                       \
	  "for a pod, the gid each " what " starts with (container, else pod, else 0)",             \
	  {.op = OP_CTR, .carr = arr, .sub = C_EFF_GROUP})                                                \
	X("ka.req.pod." arr ".proc_mount", S, LST | IDX,                                             \
	  "for a pod, the procMount of each " what " that sets it",                                 \
	  {.op = OP_CTR, .carr = arr, .sub = C_PROC_MOUNT})                                               \
	X("ka.req.pod." arr ".add_capabilities", S, LST | IDX,                                       \
	  "for a pod, the capabilities each " what " adds",                                         \
	  {.op = OP_CTR, .carr = arr, .sub = C_ADD_CAPS})

#define CTR_HOST_PORT(X, arr, what)                                                                \
	X("ka.req.pod." arr ".host_port", S, LST | IDX,                                              \
	  "for a pod, the host ports of each " what " (hostPort, else containerPort)",              \
	  {.op = OP_CTR, .carr = arr, .sub = C_HOST_PORT})

#define TABLE_ENTRY(n, t, fl, d, ...) {.name = n, .type = t, .flags = fl, .desc = d},
#define DEF_ENTRY(n, t, fl, d, ...) __VA_ARGS__,

const struct sk_field k8s_fields_table[] = {K8S_FIELDS(TABLE_ENTRY){.name = NULL}};
static const struct fdef defs[] = {K8S_FIELDS(DEF_ENTRY)};

_Static_assert(sizeof(defs) / sizeof(defs[0]) ==
		       sizeof(k8s_fields_table) / sizeof(k8s_fields_table[0]) - 1,
	       "field table and definitions differ");

/* ---- value building --------------------------------------------------------- */

/* Items whose text lives in f->buf carry its offset until finish() turns
 * it into a pointer (the buffer may move while it grows). */
#define IN_BUF 1u

static int push(struct k8s_fields *f, const char *s, size_t len)
{
	if (f->nitems == f->capitems) {
		size_t nc = f->capitems ? f->capitems * 2 : 16;
		struct sk_value *ni = realloc(f->items, nc * sizeof(*ni));
		if (ni == NULL) {
			return -ENOMEM;
		}
		f->items = ni;
		f->capitems = nc;
	}
	f->items[f->nitems++] = (struct sk_value){
		.type = SK_TYPE_STRING, .str = {.ptr = s, .len = (uint32_t)len}};
	return 0;
}

static int push_copy(struct k8s_fields *f, const char *s, size_t len)
{
	if (f->buflen + len + 1 > f->bufcap) {
		size_t nc = f->bufcap ? f->bufcap : 256;
		while (nc < f->buflen + len + 1) {
			nc *= 2;
		}
		char *nb = realloc(f->buf, nc);
		if (nb == NULL) {
			return -ENOMEM;
		}
		f->buf = nb;
		f->bufcap = nc;
	}
	size_t off = f->buflen;
	memcpy(f->buf + off, s, len);
	f->buf[off + len] = '\0';
	f->buflen += len + 1;
	int rc = push(f, NULL, len);
	if (rc == 0) {
		f->items[f->nitems - 1].reserved = IN_BUF;
		/* an offset into f->buf, which may still move: made a pointer
		 * when the value is returned */
		/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
		f->items[f->nitems - 1].str.ptr = (const char *)(uintptr_t)off;
	}
	return rc;
}

/* push_json - a JSON value as text: strings as they are, others as JSON. */
static int push_json(struct k8s_fields *f, json_object *o)
{
	if (o == NULL) {
		return 0;
	}
	if (json_object_is_type(o, json_type_string)) {
		return push(f, json_object_get_string(o), (size_t)json_object_get_string_len(o));
	}
	size_t len = 0;
	const char *s = json_object_to_json_string_length(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	return s ? push(f, s, len) : -ENOMEM;
}

/* push_flat - the items of an array, or the value itself when it is not one. */
static int push_flat(struct k8s_fields *f, json_object *o)
{
	if (!json_object_is_type(o, json_type_array)) {
		return push_json(f, o);
	}
	for (size_t i = 0; i < json_object_array_length(o); i++) {
		int rc = push_json(f, json_object_array_get_idx(o, i));
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static json_object *get(json_object *o, const char *const *path)
{
	for (size_t i = 0; i < 6 && path[i] != NULL && o != NULL; i++) {
		json_object *n = NULL;
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, path[i], &n)) {
			return NULL;
		}
		o = n;
	}
	return o;
}

static json_object *get1(json_object *o, const char *a, const char *b, const char *c)
{
	const char *path[6] = {a, b, c, NULL};
	return get(o, path);
}

static const char *str_of(json_object *o)
{
	return json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

/* ---- operations ----------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = (char)(c | 32);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decoding of a query component ('+' is a space). */
static int push_decoded(struct k8s_fields *f, const char *s, size_t len)
{
	/* tmp[0] set: gcc -O1 warns that tmp "may be used uninitialized"
	 * when len is 0 and strnlen() and push_copy() get it unwritten */
	char tmp[1024];
	tmp[0] = '\0';
	char *out = len < sizeof(tmp) ? tmp : malloc(len + 1);
	if (out == NULL) {
		return -ENOMEM;
	}
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[n++] = ' ';
		} else if (s[i] == '%' && i + 2 < len &&
			   hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[n++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[n++] = s[i];
		}
	}
	/* A decoded NUL would cut the string short: keep what precedes it. */
	size_t real = strnlen(out, n);
	int rc = push_copy(f, out, real);
	if (out != tmp) {
		free(out);
	}
	return rc;
}

static int op_uri_param(struct k8s_fields *f, json_object *root, const char *key)
{
	const char *uri = str_of(get1(root, "requestURI", NULL, NULL));
	if (uri == NULL || key == NULL) {
		return 0;
	}
	const char *q = strchr(uri, '?');
	if (q == NULL) {
		return 0;
	}
	q++;
	const char *hash = strchr(q, '#');
	const char *end = hash ? hash : q + strlen(q);
	size_t klen = strlen(key);
	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *pe = amp ? amp : end;
		const char *eq = memchr(q, '=', (size_t)(pe - q));
		const char *ke = eq ? eq : pe;
		if ((size_t)(ke - q) == klen && memcmp(q, key, klen) == 0) {
			return eq ? push_decoded(f, eq + 1, (size_t)(pe - eq - 1)) : push(f, "", 0);
		}
		q = pe + 1;
	}
	return 0;
}

static json_object *subjects(json_object *root)
{
	json_object *s = get1(root, "requestObject", "subjects", NULL);
	return json_object_is_type(s, json_type_array) ? s : NULL;
}

static int op_subjects(struct k8s_fields *f, json_object *root, const char *kind, bool ns)
{
	json_object *arr = subjects(root);
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *s = json_object_array_get_idx(arr, i);
		const char *k = str_of(get1(s, "kind", NULL, NULL));
		const char *name = str_of(get1(s, "name", NULL, NULL));
		if (k == NULL || name == NULL || strcmp(k, kind) != 0) {
			continue;
		}
		int rc;
		if (ns) {
			const char *nsn = str_of(get1(s, "namespace", NULL, NULL));
			char tmp[512];
			int n = snprintf(tmp, sizeof(tmp), "%s:%s", nsn ? nsn : "", name);
			rc = push_copy(f, tmp, n < 0 ? 0 : (size_t)n >= sizeof(tmp) ? sizeof(tmp) - 1 : (size_t)n);
		} else {
			rc = push(f, name, strlen(name));
		}
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int push_bool_text(struct k8s_fields *f, bool b)
{
	return b ? push(f, "true", 4) : push(f, "false", 5);
}

static json_object *ctr_array(json_object *root, const char *arr)
{
	json_object *a = get1(root, "requestObject", "spec", arr);
	return json_object_is_type(a, json_type_array) ? a : NULL;
}

/* The repository of an image: without :tag and @digest (a registry port
 * such as host:5000/img stays). */
static int push_repo(struct k8s_fields *f, const char *img)
{
	size_t len = strlen(img);
	const char *at = strchr(img, '@');
	if (at != NULL) {
		len = (size_t)(at - img);
	}
	const char *slash = NULL;
	for (size_t i = 0; i < len; i++) {
		if (img[i] == '/') {
			slash = img + i;
		}
	}
	const char *colon = memchr(slash ? slash : img, ':', len - (size_t)((slash ? slash : img) - img));
	if (colon != NULL) {
		len = (size_t)(colon - img);
	}
	return push_copy(f, img, len);
}

static int ctr_one(struct k8s_fields *f, json_object *root, json_object *c, int sub)
{
	static const char *const sc_key[] = {
		[C_PRIV] = "privileged",	[C_APE] = "allowPrivilegeEscalation",
		[C_ROFS] = "readOnlyRootFilesystem", [C_RUN_USER] = "runAsUser",
		[C_RUN_GROUP] = "runAsGroup",	[C_PROC_MOUNT] = "procMount",
		[C_EFF_USER] = "runAsUser",	[C_EFF_GROUP] = "runAsGroup",
	};
	switch (sub) {
	case C_NAME:
		return push_json(f, get1(c, "name", NULL, NULL));
	case C_IMAGE:
		return push_json(f, get1(c, "image", NULL, NULL));
	case C_REPO: {
		const char *img = str_of(get1(c, "image", NULL, NULL));
		return img ? push_repo(f, img) : 0;
	}
	case C_COMMAND:
		return push_flat(f, get1(c, "command", NULL, NULL));
	case C_ARGS:
		return push_flat(f, get1(c, "args", NULL, NULL));
	case C_ADD_CAPS:
		return push_flat(f, get1(c, "securityContext", "capabilities", "add"));
	case C_EFF_USER:
	case C_EFF_GROUP: {
		json_object *v = get1(c, "securityContext", sc_key[sub], NULL);
		if (v == NULL) {
			v = get1(root, "requestObject", "spec", NULL);
			v = get1(v, "securityContext", sc_key[sub], NULL);
		}
		return v ? push_json(f, v) : push(f, "0", 1);
	}
	case C_HOST_PORT: {
		json_object *ports = get1(c, "ports", NULL, NULL);
		for (size_t i = 0; json_object_is_type(ports, json_type_array) &&
				   i < json_object_array_length(ports);
		     i++) {
			json_object *p = json_object_array_get_idx(ports, i);
			json_object *hp = get1(p, "hostPort", NULL, NULL);
			int rc = push_json(f, hp ? hp : get1(p, "containerPort", NULL, NULL));
			if (rc < 0) {
				return rc;
			}
		}
		return 0;
	}
	default:
		return push_json(f, get1(c, "securityContext", sc_key[sub], NULL));
	}
}

static int op_ctr(struct k8s_fields *f, json_object *root, const struct fdef *d,
		  const struct sk_field_req *req, bool *na)
{
	json_object *arr = ctr_array(root, d->carr);
	if (arr == NULL) {
		*na = true;
		return 0;
	}
	size_t n = json_object_array_length(arr), from = 0, to = n;
	if (req->has_index) {
		if (req->arg_index >= n) {
			*na = true;
			return 0;
		}
		from = (size_t)req->arg_index;
		to = from + 1;
	}
	for (size_t i = from; i < to; i++) {
		int rc = ctr_one(f, root, json_object_array_get_idx(arr, i), d->sub);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int op_rules(struct k8s_fields *f, json_object *root, const char *key,
		    const struct sk_field_req *req, bool *na)
{
	json_object *arr = get1(root, "requestObject", "rules", NULL);
	if (!json_object_is_type(arr, json_type_array)) {
		*na = true;
		return 0;
	}
	size_t n = json_object_array_length(arr), from = 0, to = n;
	if (req->has_index) {
		if (req->arg_index >= n) {
			*na = true;
			return 0;
		}
		from = (size_t)req->arg_index;
		to = from + 1;
	}
	for (size_t i = from; i < to; i++) {
		json_object *v = get1(json_object_array_get_idx(arr, i), key, NULL, NULL);
		if (v == NULL && req->has_index) {
			/* as Falco: rule [n] without the key (a nonResourceURLs rule
			 * has no apiGroups) is N/A, not an empty list */
			*na = true;
			return 0;
		}
		if (json_object_is_type(v, json_type_array)) {
			int rc = push_flat(f, v);
			if (rc < 0) {
				return rc;
			}
		}
	}
	return 0;
}

static int op_list_idx(struct k8s_fields *f, json_object *arr, const struct sk_field_req *req,
		       bool *na)
{
	if (!json_object_is_type(arr, json_type_array)) {
		*na = true;
		return 0;
	}
	size_t n = json_object_array_length(arr);
	if (req->has_index) {
		if (req->arg_index >= n) {
			*na = true;
			return 0;
		}
		return push_json(f, json_object_array_get_idx(arr, (size_t)req->arg_index));
	}
	for (size_t i = 0; i < n; i++) {
		int rc = push_json(f, json_object_array_get_idx(arr, i));
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static json_object *volumes(json_object *root)
{
	json_object *v = get1(root, "requestObject", "spec", "volumes");
	return json_object_is_type(v, json_type_array) ? v : NULL;
}

static int op_vol(struct k8s_fields *f, json_object *root, const struct fdef *d,
		  const struct sk_field_req *req, bool *na)
{
	json_object *arr = volumes(root);
	if (arr == NULL) {
		*na = true;
		return 0;
	}
	size_t n = json_object_array_length(arr), from = 0, to = n;
	if (req->has_index) {
		if (req->arg_index >= n) {
			*na = true;
			return 0;
		}
		from = (size_t)req->arg_index;
		to = from + 1;
	}
	for (size_t i = from; i < to; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		int rc = 0;
		if (d->op == OP_VOL_KEY) {
			rc = push_json(f, get1(v, d->sarg, d->sarg2, NULL));
		} else if (json_object_is_type(v, json_type_object)) {
			json_object_object_foreach(v, key, val)
			{
				(void)val;
				if (strcmp(key, "name") != 0 && (rc = push(f, key, strlen(key))) < 0) {
					break;
				}
			}
		}
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int op_vol_hostpath(struct k8s_fields *f, json_object *root, const char *arg)
{
	json_object *arr = volumes(root);
	if (arr == NULL || arg == NULL) {
		return 0;
	}
	size_t alen = strlen(arg);
	bool prefix = alen > 0 && arg[alen - 1] == '*';
	bool found = false;
	for (size_t i = 0; i < json_object_array_length(arr) && !found; i++) {
		const char *p = str_of(get1(json_object_array_get_idx(arr, i), "hostPath", "path", NULL));
		if (p != NULL) {
			found = prefix ? strncmp(p, arg, alen - 1) == 0 : strcmp(p, arg) == 0;
		}
	}
	return push_bool_text(f, found);
}

/* ---- the parsed event ----------------------------------------------------- */

void k8s_fields_fini(struct k8s_fields *f)
{
	json_object_put(f->root);
	f->root = NULL;
	f->num = 0;
	free(f->items);
	free(f->buf);
	f->items = NULL;
	f->buf = NULL;
	f->nitems = f->capitems = f->buflen = f->bufcap = 0;
}

void k8s_fields_adopt(struct k8s_fields *f, const struct sk_event *ev, json_object *dom)
{
	json_object_put(f->root);
	f->root = dom;
	f->num = ev->num;
	f->rec = ev->rec;
	f->broken = dom == NULL;
}

static json_object *parse_event(struct k8s_fields *f, const struct sk_event *ev)
{
	if (f->num == ev->num && f->rec == ev->rec && ev->num != 0) {
		return f->broken ? NULL : f->root;
	}
	json_object_put(f->root);
	f->root = NULL;
	f->num = ev->num;
	f->rec = ev->rec;
	f->broken = true;
	const void *data;
	uint32_t len;
	if (ev->rec->type != SK_EVT_PLUGIN || sk_evt_param(ev->rec, 1, &data, &len) != 0 ||
	    len == 0 || len > INT32_MAX) {
		return NULL;
	}
	struct json_tokener *tok = json_tokener_new_ex(K8S_JSON_DEPTH);
	if (tok == NULL) {
		return NULL;
	}
	json_object *o = json_tokener_parse_ex(tok, data, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	f->root = o;
	f->broken = o == NULL;
	return o;
}

static const char *fmt_time(struct k8s_fields *f, uint64_t ns, bool iso)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	gmtime_r(&t, &tm);
	char base[40];
	strftime(base, sizeof(base), iso ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	snprintf(f->tbuf, sizeof(f->tbuf), "%s.%09" PRIu64 "%s", base, (uint64_t)(ns % 1000000000u),
		 iso ? "Z" : "");
	return f->tbuf;
}

int k8s_fields_extract(struct k8s_fields *f, const struct sk_event *ev,
		       const struct sk_field_req *req, struct sk_value *ret)
{
	if (req->field_idx >= sizeof(defs) / sizeof(defs[0])) {
		return SK_ERR;
	}
	const struct fdef *d = &defs[req->field_idx];
	const struct sk_field *fd = &k8s_fields_table[req->field_idx];
	json_object *root = parse_event(f, ev);
	if (root == NULL) {
		return SK_NA;
	}
	f->nitems = 0;
	f->buflen = 0;
	bool na = false;
	int rc = 0;
	switch (d->op) {
	case OP_KEYS: {
		json_object *o = get(root, d->path);
		if (o == NULL) {
			return SK_NA;
		}
		if (fd->flags & SK_FIELD_LIST) {
			if (!json_object_is_type(o, json_type_array)) {
				return SK_NA;
			}
			rc = push_flat(f, o);
		} else {
			rc = push_json(f, o);
		}
		break;
	}
	case OP_URI_PARAM:
		rc = op_uri_param(f, root, req->arg_key);
		break;
	case OP_POD_NAME: {
		const char *res = str_of(get1(root, "objectRef", "resource", NULL));
		if (res == NULL || strcmp(res, "pods") != 0) {
			return SK_NA;
		}
		rc = push_json(f, get1(root, "objectRef", "name", NULL));
		break;
	}
	case OP_SUBJECTS:
	case OP_SUBJECTS_NS:
		if (subjects(root) == NULL) {
			return SK_NA;
		}
		rc = op_subjects(f, root, d->op == OP_SUBJECTS ? d->sarg : "ServiceAccount",
				 d->op == OP_SUBJECTS_NS);
		break;
	case OP_HAS_NAME: {
		json_object *arr = subjects(root);
		if (arr == NULL || req->arg_key == NULL) {
			return SK_NA;
		}
		bool found = false;
		for (size_t i = 0; i < json_object_array_length(arr) && !found; i++) {
			const char *nm = str_of(get1(json_object_array_get_idx(arr, i), "name", NULL, NULL));
			found = nm != NULL && strcmp(nm, req->arg_key) == 0;
		}
		rc = push_bool_text(f, found);
		break;
	}
	case OP_CTR:
		rc = op_ctr(f, root, d, req, &na);
		break;
	case OP_CTR_FIRST: {
		json_object *arr = ctr_array(root, "containers");
		if (arr == NULL || json_object_array_length(arr) == 0) {
			return SK_NA;
		}
		rc = ctr_one(f, root, json_object_array_get_idx(arr, 0), d->sub);
		break;
	}
	case OP_CTR_ANY_PRIV: {
		json_object *arr = ctr_array(root, "containers");
		if (arr == NULL) {
			return SK_NA;
		}
		bool any = false;
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *p = get1(json_object_array_get_idx(arr, i), "securityContext",
					       "privileged", NULL);
			any |= json_object_is_type(p, json_type_boolean) && json_object_get_boolean(p);
		}
		rc = push_bool_text(f, any);
		break;
	}
	case OP_RULES:
		rc = op_rules(f, root, d->sarg, req, &na);
		break;
	case OP_LIST_IDX:
		rc = op_list_idx(f, get(root, d->path), req, &na);
		break;
	case OP_VOL_KEY:
	case OP_VOL_TYPE:
		rc = op_vol(f, root, d, req, &na);
		break;
	case OP_VOL_HOSTPATH:
		if (volumes(root) == NULL) {
			return SK_NA;
		}
		rc = op_vol_hostpath(f, root, req->arg_key);
		break;
	case OP_CLUSTER:
		if (f->cluster_name == NULL || f->cluster_name[0] == '\0') {
			return SK_NA;
		}
		rc = push(f, f->cluster_name, strlen(f->cluster_name));
		break;
	case OP_JVALUE: {
		json_object *v = NULL;
		const char *ptr = req->arg_key ? req->arg_key : "";
		if ((ptr[0] != '/' && ptr[0] != '\0') || json_pointer_get(root, ptr, &v) != 0 ||
		    v == NULL) {
			return SK_NA;
		}
		rc = push_json(f, v);
		break;
	}
	case OP_JOBJ:
		rc = push_json(f, root);
		break;
	case OP_JTIME:
	case OP_JTIME_ISO: {
		const char *s = fmt_time(f, ev->rec->ts, d->op == OP_JTIME_ISO);
		rc = push(f, s, strlen(s));
		break;
	}
	case OP_JRAWTIME:
		*ret = (struct sk_value){.type = SK_TYPE_U64, .u64 = ev->rec->ts};
		return SK_OK;
	}
	if (rc < 0) {
		return SK_ERR;
	}
	if (na) {
		return SK_NA;
	}
	for (size_t i = 0; i < f->nitems; i++) {
		if (f->items[i].reserved == IN_BUF) {
			f->items[i].str.ptr = f->buf + (uintptr_t)f->items[i].str.ptr;
			f->items[i].reserved = 0;
		}
	}
	if (fd->flags & SK_FIELD_LIST) {
		*ret = (struct sk_value){.type = SK_TYPE_LIST,
					 .list = {.items = f->items, .n = (uint32_t)f->nitems}};
		return SK_OK;
	}
	if (f->nitems == 0) {
		return SK_NA;
	}
	*ret = f->items[0];
	return SK_OK;
}
