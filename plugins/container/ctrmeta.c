/* plugins/container/ctrmeta.c - read container metadata from podman/CRI-O
 * storage, Docker's data root and containerd's state directory (see
 * ctrmeta.h). */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "common/hostroot.h"
#include "ctrmeta.h"

#define META_FILE_MAX (64u * 1024u * 1024u) /* containers.json can be large */

void ctr_meta_free(struct ctr_meta *m)
{
	if (m == NULL) {
		return;
	}
	free(m->name);
	free(m->image);
	free(m->image_repo);
	free(m->image_tag);
	free(m->image_id);
	free(m->image_digest);
	free(m->mounts);
	for (size_t i = 0; i < m->nmounts; i++) {
		struct ctr_mount *mt = &m->mountv[i];
		free(mt->source);
		free(mt->dest);
		free(mt->mode);
		free(mt->propagation);
		free(mt->text);
	}
	free(m->mountv);
	free(m->runtime);
	free(m->labels.text);
	free(m->pod_name);
	free(m->pod_ns);
	free(m->pod_uid);
	free(m->pod_labels.text);
	free(m->sandbox_id);
	free(m->ip);
	free(m->cni_json);
	free(m);
}

/* read_json - parse a JSON file; NULL when missing or malformed. */
static struct json_object *read_json(const char *path)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		return NULL;
	}
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj = NULL;
	char buf[65536];
	size_t total = 0, n;
	enum json_tokener_error jerr = json_tokener_continue;
	while (tok != NULL && (n = fread(buf, 1, sizeof(buf), f)) > 0 && total < META_FILE_MAX) {
		total += n;
		obj = json_tokener_parse_ex(tok, buf, (int)n);
		jerr = json_tokener_get_error(tok);
		if (jerr != json_tokener_continue) {
			break;
		}
	}
	if (jerr != json_tokener_success) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	fclose(f);
	return obj;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string)) {
		return NULL;
	}
	return json_object_get_string(v);
}

static struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v;
	return o != NULL && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int dup_to(char **dst, const char *s)
{
	if (s == NULL) {
		return 0;
	}
	free(*dst);
	*dst = strdup(s);
	return *dst ? 0 : -ENOMEM;
}

/* kv_from_object - a JSON object of strings into a NUL-separated list. */
static int kv_from_object(struct ctr_kv *kv, struct json_object *o)
{
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		return 0;
	}
	size_t cap = 256, len = 0;
	char *t = malloc(cap);
	if (t == NULL) {
		return -ENOMEM;
	}
	json_object_object_foreach(o, k, v)
	{
		const char *s = json_object_is_type(v, json_type_string)
				    ? json_object_get_string(v)
				    : json_object_to_json_string(v);
		size_t need = strlen(k) + strlen(s) + 2;
		if (len + need > cap) {
			while (len + need > cap) {
				cap *= 2;
			}
			char *n = realloc(t, cap);
			if (n == NULL) {
				free(t);
				return -ENOMEM;
			}
			t = n;
		}
		len += (size_t)sprintf(t + len, "%s=%s", k, s) + 1;
	}
	free(kv->text);
	kv->text = t;
	kv->len = len ? len - 1 : 0;
	if (len == 0) {
		t[0] = '\0';
	}
	return 0;
}

const char *ctr_kv_get(const struct ctr_kv *kv, const char *key, size_t *ret_len)
{
	size_t kl = strlen(key);
	for (size_t off = 0; kv->text != NULL && off < kv->len + 1;) {
		const char *e = kv->text + off;
		size_t el = strnlen(e, kv->len + 1 - off);
		if (el > kl && strncmp(e, key, kl) == 0 && e[kl] == '=') {
			*ret_len = el - kl - 1;
			return e + kl + 1;
		}
		off += el + 1;
	}
	return NULL;
}

int ctr_split_image(const char *image, char **ret_repo, char **ret_tag, char **ret_digest)
{
	*ret_repo = *ret_tag = *ret_digest = NULL;
	const char *at = strchr(image, '@');
	size_t name_len = at ? (size_t)(at - image) : strlen(image);
	const char *slash = memrchr(image, '/', name_len);
	const char *colon = memrchr(image, ':', name_len);
	size_t repo_len = name_len;
	const char *tag = "";
	size_t tag_len = 0;
	if (colon != NULL && (slash == NULL || colon > slash)) {
		repo_len = (size_t)(colon - image);
		tag = colon + 1;
		tag_len = name_len - repo_len - 1;
	}
	*ret_repo = strndup(image, repo_len);
	*ret_tag = strndup(tag, tag_len);
	*ret_digest = strdup(at ? at + 1 : "");
	if (*ret_repo == NULL || *ret_tag == NULL || *ret_digest == NULL) {
		free(*ret_repo);
		free(*ret_tag);
		free(*ret_digest);
		*ret_repo = *ret_tag = *ret_digest = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* mounts_add - append one mount to m->mountv. */
static int mounts_add(struct ctr_meta *m, const char *src, const char *dst, const char *mode,
		      bool rw, const char *prop)
{
	struct ctr_mount *v = realloc(m->mountv, (m->nmounts + 1) * sizeof(*v));
	if (v == NULL) {
		return -ENOMEM;
	}
	m->mountv = v;
	struct ctr_mount *mt = &v[m->nmounts];
	*mt = (struct ctr_mount){.rw = rw};
	mt->source = strdup(src);
	mt->dest = strdup(dst);
	mt->mode = strdup(mode);
	mt->propagation = strdup(prop);
	if (mt->source && mt->dest && mt->mode && mt->propagation &&
	    asprintf(&mt->text, "%s:%s:%s:%s:%s", src, dst, mode, rw ? "true" : "false", prop) <
		0) {
		mt->text = NULL;
	}
	m->nmounts++; /* even half-built: ctr_meta_free() frees it */
	return mt->text ? 0 : -ENOMEM;
}

/* mounts_text - Falco's container.mounts: every mount's text, comma-joined. */
static int mounts_text(struct ctr_meta *m)
{
	size_t len = 1;
	for (size_t i = 0; i < m->nmounts; i++) {
		len += strlen(m->mountv[i].text) + 1;
	}
	char *t = malloc(len);
	if (t == NULL) {
		return -ENOMEM;
	}
	size_t off = 0;
	for (size_t i = 0; i < m->nmounts; i++) {
		off += (size_t)sprintf(t + off, "%s%s", i ? "," : "", m->mountv[i].text);
	}
	t[off] = '\0';
	free(m->mounts);
	m->mounts = t;
	return 0;
}

const struct ctr_mount *ctr_mount_find(const struct ctr_meta *m, bool by_index, uint64_t index,
				       const char *pattern, bool match_dest)
{
	if (by_index) {
		return index < m->nmounts ? &m->mountv[index] : NULL;
	}
	for (size_t i = 0; pattern != NULL && i < m->nmounts; i++) {
		const struct ctr_mount *mt = &m->mountv[i];
		if (fnmatch(pattern, match_dest ? mt->dest : mt->source, 0) == 0) {
			return mt;
		}
	}
	return NULL;
}

static bool str_in_array(struct json_object *arr, const char *s)
{
	if (arr == NULL || !json_object_is_type(arr, json_type_array)) {
		return false;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		if (json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), s) == 0) {
			return true;
		}
	}
	return false;
}

/* oci_mounts - the bind mounts of an OCI runtime spec that the user asked
 * for: the runtime's own /etc/hosts, resolv.conf ... are left out, found by
 * a source path holding the container's id (podman's userdata directory) or
 * its pod sandbox's id (containerd's CRI sandbox directory); `sandbox_id`
 * may be NULL. */
static int oci_mounts(struct ctr_meta *m, struct json_object *spec, const char *full_id,
		      const char *sandbox_id)
{
	struct json_object *arr = jget(spec, "mounts");
	if (arr == NULL || !json_object_is_type(arr, json_type_array)) {
		return 0;
	}
	if (sandbox_id != NULL && strlen(sandbox_id) < 12) {
		sandbox_id = NULL; /* too short to tell a path by */
	}
	int r = 0;
	for (size_t i = 0; r == 0 && i < json_object_array_length(arr); i++) {
		struct json_object *mt = json_object_array_get_idx(arr, i);
		const char *type = jstr(mt, "type");
		const char *src = jstr(mt, "source");
		const char *dst = jstr(mt, "destination");
		struct json_object *opts = jget(mt, "options");
		bool bind = (type && strcmp(type, "bind") == 0) || str_in_array(opts, "bind") ||
			    str_in_array(opts, "rbind");
		if (!bind || src == NULL || dst == NULL || strstr(src, full_id) != NULL ||
		    (sandbox_id != NULL && strstr(src, sandbox_id) != NULL)) {
			continue;
		}
		static const char *const props[] = {"rprivate", "private", "rshared", "shared",
						    "rslave",	"slave",   NULL};
		const char *prop = "";
		for (const char *const *p = props; *p; p++) {
			if (str_in_array(opts, *p)) {
				prop = *p;
				break;
			}
		}
		r = mounts_add(m, src, dst, "", !str_in_array(opts, "ro"), prop);
	}
	return r;
}

/* all_devices_allowed - the device cgroup rules of an OCI spec let the
 * container use every device: a rule {"allow": true} for no particular
 * type ("a" or none), major or minor. */
static bool all_devices_allowed(struct json_object *linux_)
{
	struct json_object *devs = jget(jget(linux_, "resources"), "devices");
	if (devs == NULL || !json_object_is_type(devs, json_type_array)) {
		return false;
	}
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *d = json_object_array_get_idx(devs, i);
		struct json_object *allow = jget(d, "allow");
		const char *type = jstr(d, "type");
		if (allow != NULL && json_object_get_boolean(allow) &&
		    (type == NULL || strcmp(type, "a") == 0) && jget(d, "major") == NULL &&
		    jget(d, "minor") == NULL) {
			return true;
		}
	}
	return false;
}

/* oci_privileged - podman, CRI-O and containerd (ctr --privileged and the
 * CRI plugin alike: oci.WithPrivileged) drop the masked paths and keep every
 * capability for a privileged container; containerd also allows every
 * device, which `need_devices` requires. */
static bool oci_privileged(struct json_object *spec, bool need_devices)
{
	struct json_object *linux_ = jget(spec, "linux");
	struct json_object *masked = jget(linux_, "maskedPaths");
	if (masked != NULL && json_object_is_type(masked, json_type_array) &&
	    json_object_array_length(masked) > 0) {
		return false;
	}
	if (need_devices && !all_devices_allowed(linux_)) {
		return false;
	}
	struct json_object *caps = jget(jget(jget(spec, "process"), "capabilities"), "bounding");
	return str_in_array(caps, "CAP_SYS_ADMIN");
}

/* ns_path_is_hosts - a namespace joined by path (a host path) is the
 * host's when it is PID 1's (`proc_name` is its name under /proc/<pid>/ns). */
static bool ns_path_is_hosts(const struct ctr_meta_conf *conf, const char *path,
			     const char *proc_name)
{
	char init[PATH_MAX], at[PATH_MAX];
	struct stat a, b;
	int n = snprintf(init, sizeof(init), "%s/1/ns/%s",
			 conf->proc_root ? conf->proc_root : "/proc", proc_name);
	return n > 0 && (size_t)n < sizeof(init) &&
	       sk_hostroot_join(conf->host_root ? conf->host_root : "", path, at, sizeof(at)) &&
	       stat(at, &a) == 0 && stat(init, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* oci_host_ns - which of the host's PID, network and IPC namespaces the
 * container of an OCI spec shares. The OCI runtime spec: a namespace type
 * that linux.namespaces does not list is inherited from the runtime, the
 * host's (podman --pid=host, Kubernetes hostPID ... leave it out); one
 * listed with a path is joined (a pod's containers join the sandbox's),
 * which is the host's only when the path is PID 1's. A spec without a
 * linux section says nothing: all false. */
static void oci_host_ns(const struct ctr_meta_conf *conf, struct ctr_meta *m,
			struct json_object *spec)
{
	struct json_object *linux_ = jget(spec, "linux");
	if (linux_ == NULL || !json_object_is_type(linux_, json_type_object)) {
		return;
	}
	struct json_object *nss = jget(linux_, "namespaces");
	size_t n =
	    nss && json_object_is_type(nss, json_type_array) ? json_object_array_length(nss) : 0;
	m->host_pid = m->host_network = m->host_ipc = true;
	for (size_t i = 0; i < n; i++) {
		struct json_object *ns = json_object_array_get_idx(nss, i);
		const char *type = jstr(ns, "type");
		const char *path = jstr(ns, "path");
		static const struct {
			const char *type, *proc;
		} kinds[] = {{"pid", "pid"}, {"network", "net"}, {"ipc", "ipc"}};
		for (size_t k = 0; type != NULL && k < 3; k++) {
			if (strcmp(type, kinds[k].type) != 0) {
				continue;
			}
			bool host =
			    path != NULL && path[0] && ns_path_is_hosts(conf, path, kinds[k].proc);
			bool *f = k == 0 ? &m->host_pid : k == 1 ? &m->host_network : &m->host_ipc;
			*f = host;
		}
	}
}

/* cni_ipv4 - the first IPv4 address of a CNI result (spec 0.3+: ips[] with
 * "address": "10.88.0.5/16"; 0.1/0.2: ip4.ip), without its prefix length,
 * into buf (INET_ADDRSTRLEN). false when it has none. */
static bool cni_ipv4(struct json_object *res, char *buf)
{
	struct json_object *ips = jget(res, "ips");
	size_t n =
	    ips && json_object_is_type(ips, json_type_array) ? json_object_array_length(ips) : 0;
	for (size_t i = 0; i <= n; i++) {
		const char *a = i < n ? jstr(json_object_array_get_idx(ips, i), "address")
				      : jstr(jget(res, "ip4"), "ip");
		if (a == NULL) {
			continue;
		}
		size_t len = strcspn(a, "/");
		char tmp[INET_ADDRSTRLEN];
		struct in_addr in;
		if (len < sizeof(tmp)) {
			memcpy(tmp, a, len);
			tmp[len] = '\0';
			if (inet_pton(AF_INET, tmp, &in) == 1) {
				memcpy(buf, tmp, len + 1);
				return true;
			}
		}
	}
	return false;
}

#define CNI_JSON_MAX 4096u /* Falco's cap on container.cni.json */

/* cni_read - the network of container (or pod sandbox) `id` as libcni
 * cached it when the runtime set it up: results/<network>-<id>-<ifname>
 * under each of `dirs`, {"containerId": id, "ifName", "result": {...}}.
 * The address is the first IPv4 of the result of interface eth0 (the
 * runtimes' default), else of the only result; `one_network` (podman)
 * wants exactly one network, as podman shows an address only then.
 * `with_json` also keeps that result as m->cni_json (at most
 * CNI_JSON_MAX bytes). Missing directories and damaged files are skipped. */
static int cni_read(struct ctr_meta *m, const char *const *dirs, const char *id, bool one_network,
		    bool with_json)
{
	struct json_object *best = NULL;
	bool best_eth0 = false;
	size_t nfound = 0;
	size_t idlen = strlen(id);
	for (const char *const *d = dirs; d != NULL && *d; d++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/results", *d);
		DIR *dh = opendir(dir);
		struct dirent *de;
		while (dh != NULL && (de = readdir(dh)) != NULL) {
			const char *at = strstr(de->d_name, id);
			if (at == NULL || at == de->d_name || at[-1] != '-' || at[idlen] != '-') {
				continue;
			}
			char path[PATH_MAX * 2];
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			struct json_object *c = read_json(path);
			const char *cid = jstr(c, "containerId");
			struct json_object *res = jget(c, "result");
			if (cid == NULL || strcmp(cid, id) != 0 || res == NULL ||
			    !json_object_is_type(res, json_type_object)) {
				json_object_put(c);
				continue;
			}
			nfound++;
			const char *ifn = jstr(c, "ifName");
			bool eth0 = ifn != NULL && strcmp(ifn, "eth0") == 0;
			if (best == NULL || (eth0 && !best_eth0)) {
				json_object_put(best);
				best = c;
				best_eth0 = eth0;
			} else {
				json_object_put(c);
			}
		}
		if (dh != NULL) {
			closedir(dh);
		}
	}
	int r = 0;
	char ip[INET_ADDRSTRLEN];
	struct json_object *res = jget(best, "result");
	if (best != NULL && (!one_network || nfound == 1) && m->ip == NULL && cni_ipv4(res, ip)) {
		r |= dup_to(&m->ip, ip);
	}
	if (best != NULL && with_json) {
		const char *j = json_object_to_json_string_ext(
		    res, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		free(m->cni_json);
		m->cni_json = j ? strndup(j, CNI_JSON_MAX) : NULL;
		r |= j && m->cni_json == NULL ? -ENOMEM : 0;
	}
	json_object_put(best);
	return r ? -ENOMEM : 0;
}

/* k8s_from_annotations - the CRI annotations the kubelet sets. */
static int k8s_from(struct ctr_meta *m, const char *name, const char *ns, const char *uid)
{
	int r = 0;
	r |= dup_to(&m->pod_name, name);
	r |= dup_to(&m->pod_ns, ns);
	r |= dup_to(&m->pod_uid, uid);
	return r ? -ENOMEM : 0;
}

/* storage_read - podman and CRI-O: containers/storage under `root`. */
static struct ctr_meta *storage_read(const struct ctr_meta_conf *conf, const char *root,
				     const char *full_id)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/overlay-containers/%s/userdata/config.json", root,
		 full_id);
	struct json_object *spec = read_json(path);
	if (spec == NULL) {
		return NULL;
	}
	struct ctr_meta *m = calloc(1, sizeof(*m));
	struct json_object *list = NULL;
	int r = m ? 0 : -ENOMEM;
	struct json_object *ann = jget(spec, "annotations");
	const char *mgr = jstr(ann, "io.container.manager");
	bool crio = jstr(ann, "io.kubernetes.cri-o.ContainerID") != NULL;
	if (r == 0) {
		r |= dup_to(&m->runtime, crio ? "cri-o" : "podman");
		(void)mgr;
		/* podman says it in an annotation; otherwise judge by the spec */
		const char *priv = jstr(ann, "io.podman.annotations.privileged");
		m->privileged = priv ? strcasecmp(priv, "TRUE") == 0 : oci_privileged(spec, false);
		oci_host_ns(conf, m, spec);
		r |= oci_mounts(m, spec, full_id, NULL);
		if (!crio) {
			/* podman's own network (CNI backend): its address when
			 * it has one network, as `podman inspect` shows it */
			r |= cni_read(m, conf->cni_dirs, full_id, true, false);
		}
		r |= k8s_from(m, jstr(ann, "io.kubernetes.pod.name"),
			      jstr(ann, "io.kubernetes.pod.namespace"),
			      jstr(ann, "io.kubernetes.pod.uid"));
	}
	if (r == 0 && crio) {
		r |= dup_to(&m->name, jstr(ann, "io.kubernetes.container.name"));
		r |= dup_to(&m->image, jstr(ann, "io.kubernetes.cri-o.ImageName"));
		r |= dup_to(&m->image_id, jstr(ann, "io.kubernetes.cri-o.ImageRef"));
		const char *labels = jstr(ann, "io.kubernetes.cri-o.Labels");
		struct json_object *lo = labels ? json_tokener_parse(labels) : NULL;
		r |= kv_from_object(&m->labels, lo);
		json_object_put(lo);
		/* the pod's labels are the sandbox's */
		const char *sandbox = jstr(ann, "io.kubernetes.cri-o.SandboxID");
		r |= dup_to(&m->sandbox_id, sandbox);
		if (sandbox != NULL && sandbox[0]) {
			r |= cni_read(m, conf->cni_dirs, sandbox, false, true);
		}
		if (sandbox != NULL && strlen(sandbox) < 128) {
			snprintf(path, sizeof(path),
				 "%s/overlay-containers/%s/userdata/config.json", root, sandbox);
			struct json_object *ss = read_json(path);
			const char *sl =
			    jstr(jget(ss, "annotations"), "io.kubernetes.cri-o.Labels");
			struct json_object *slo = sl ? json_tokener_parse(sl) : NULL;
			r |= kv_from_object(&m->pod_labels, slo);
			json_object_put(slo);
			json_object_put(ss);
		}
	}
	/* containers.json: the name, the image as named, the image id */
	snprintf(path, sizeof(path), "%s/overlay-containers/containers.json", root);
	list = r == 0 ? read_json(path) : NULL;
	for (size_t i = 0; list && json_object_is_type(list, json_type_array) &&
			   i < json_object_array_length(list);
	     i++) {
		struct json_object *c = json_object_array_get_idx(list, i);
		const char *id = jstr(c, "id");
		if (id == NULL || strcmp(id, full_id) != 0) {
			continue;
		}
		struct json_object *names = jget(c, "names");
		if (m->name == NULL && names && json_object_is_type(names, json_type_array) &&
		    json_object_array_length(names) > 0) {
			r |= dup_to(&m->name,
				    json_object_get_string(json_object_array_get_idx(names, 0)));
		}
		if (m->image_id == NULL) {
			r |= dup_to(&m->image_id, jstr(c, "image"));
		}
		const char *md = jstr(c, "metadata");
		struct json_object *mo = md ? json_tokener_parse(md) : NULL;
		if (m->image == NULL) {
			r |= dup_to(&m->image, jstr(mo, "image-name"));
		}
		struct json_object *ca = jget(mo, "created-at");
		if (ca != NULL && json_object_is_type(ca, json_type_int)) {
			m->created_ns = (uint64_t)json_object_get_int64(ca) * 1000000000ULL;
		}
		json_object_put(mo);
		break;
	}
	json_object_put(list);
	json_object_put(spec);
	if (r != 0) {
		ctr_meta_free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

/* docker_read - Docker: <root>/containers/<id>/config.v2.json and
 * hostconfig.json. */
/* docker_ip - Docker's address of a container: NetworkSettings.IPAddress
 * (the default bridge's, as `docker inspect` has it at the top), else that
 * of its "bridge" network; for --network container:<id> (a Kubernetes
 * pod's containers under cri-dockerd) the other container's. `depth`
 * bounds that chain. NULL when none. */
static char *docker_ip(const char *root, struct json_object *cfg, struct json_object *hc, int depth)
{
	struct json_object *ns = jget(cfg, "NetworkSettings");
	const char *ip = jstr(ns, "IPAddress");
	if (ip == NULL || ip[0] == '\0') {
		ip = jstr(jget(jget(ns, "Networks"), "bridge"), "IPAddress");
	}
	if (ip != NULL && ip[0] != '\0') {
		return strdup(ip);
	}
	const char *mode = jstr(hc, "NetworkMode");
	if (depth <= 0 || mode == NULL || strncmp(mode, "container:", 10) != 0 ||
	    strlen(mode + 10) != 64 || strchr(mode + 10, '/') != NULL) {
		return NULL;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", root, mode + 10);
	struct json_object *ocfg = read_json(path);
	snprintf(path, sizeof(path), "%s/containers/%s/hostconfig.json", root, mode + 10);
	struct json_object *ohc = read_json(path);
	char *r = docker_ip(root, ocfg, ohc, depth - 1);
	json_object_put(ocfg);
	json_object_put(ohc);
	return r;
}

static bool jstr_is(struct json_object *o, const char *key, const char *want)
{
	const char *s = jstr(o, key);
	return s != NULL && strcmp(s, want) == 0;
}

static struct ctr_meta *docker_read(const struct ctr_meta_conf *conf, const char *root,
				    const char *full_id)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", root, full_id);
	struct json_object *cfg = read_json(path);
	if (cfg == NULL) {
		return NULL;
	}
	struct ctr_meta *m = calloc(1, sizeof(*m));
	int r = m ? 0 : -ENOMEM;
	if (r == 0) {
		const char *name = jstr(cfg, "Name");
		r |= dup_to(&m->runtime, "docker");
		r |= dup_to(&m->name, name && name[0] == '/' ? name + 1 : name);
		struct json_object *config = jget(cfg, "Config");
		r |= dup_to(&m->image, jstr(config, "Image"));
		const char *iid = jstr(cfg, "Image");
		if (iid && strncmp(iid, "sha256:", 7) == 0) {
			iid += 7;
		}
		r |= dup_to(&m->image_id, iid);
		struct json_object *labels = jget(config, "Labels");
		r |= kv_from_object(&m->labels, labels);
		r |= k8s_from(m, jstr(labels, "io.kubernetes.pod.name"),
			      jstr(labels, "io.kubernetes.pod.namespace"),
			      jstr(labels, "io.kubernetes.pod.uid"));
		struct json_object *mps = jget(cfg, "MountPoints");
		if (mps && json_object_is_type(mps, json_type_object)) {
			json_object_object_foreach(mps, dest, mp)
			{
				const char *src = jstr(mp, "Source");
				const char *dst = jstr(mp, "Destination");
				const char *mode = jstr(mp, "Mode");
				const char *prop = jstr(mp, "Propagation");
				struct json_object *rw = jget(mp, "RW");
				r |= mounts_add(
				    m, src ? src : "", dst ? dst : dest, mode ? mode : "",
				    rw ? json_object_get_boolean(rw) : true, prop ? prop : "");
			}
		}
		snprintf(path, sizeof(path), "%s/containers/%s/hostconfig.json", root, full_id);
		struct json_object *hc = read_json(path);
		struct json_object *priv = jget(hc, "Privileged");
		m->privileged = priv && json_object_get_boolean(priv);
		m->host_pid = jstr_is(hc, "PidMode", "host");
		m->host_network = jstr_is(hc, "NetworkMode", "host");
		m->host_ipc = jstr_is(hc, "IpcMode", "host");
		m->ip = docker_ip(root, cfg, hc, 1);
		/* cri-dockerd: the pod's sandbox is a container of its own */
		const char *sandbox = jstr(labels, "io.kubernetes.sandbox.id");
		if (sandbox == NULL && jstr_is(labels, "io.kubernetes.docker.type", "podsandbox")) {
			sandbox = full_id;
		}
		r |= dup_to(&m->sandbox_id, sandbox);
		if (sandbox != NULL && sandbox[0]) {
			r |= cni_read(m, conf->cni_dirs, sandbox, false, true);
		}
		json_object_put(hc);
	}
	json_object_put(cfg);
	if (r != 0) {
		ctr_meta_free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

/* containerd_spec - the OCI spec of task `full_id` under a containerd state
 * directory: <root>/io.containerd.runtime.v2.task/<namespace>/<id>/config.json
 * (or the v1 shim's io.containerd.runtime.v1.linux), whatever the namespace
 * ("k8s.io" for the CRI plugin, "default" for ctr, "moby" for Docker). Its
 * path goes to ret_path. */
static struct json_object *containerd_spec(const char *root, const char *full_id, char *ret_path,
					   size_t pathlen)
{
	static const char *const shims[] = {"io.containerd.runtime.v2.task",
					    "io.containerd.runtime.v1.linux", NULL};
	struct json_object *spec = NULL;
	for (const char *const *shim = shims; spec == NULL && *shim; shim++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/%s", root, *shim);
		DIR *d = opendir(dir);
		struct dirent *de;
		while (d != NULL && spec == NULL && (de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.') {
				continue;
			}
			int n = snprintf(ret_path, pathlen, "%s/%s/%s/config.json", dir, de->d_name,
					 full_id);
			if (n > 0 && (size_t)n < pathlen) {
				spec = read_json(ret_path);
			}
		}
		if (d != NULL) {
			closedir(d);
		}
	}
	return spec;
}

/* containerd_read - containerd: the task's OCI spec under the state
 * directory `root`. The CRI plugin's annotations give the names; without
 * them (a container of `ctr run`) the name is the containerd id and the
 * image is unknown: labels, the image and its id live in containerd's
 * metadata database (bolt), which Shrike does not read. The creation time
 * is the bundle's config.json's: written when the task was created. */
static struct ctr_meta *containerd_read(const struct ctr_meta_conf *conf, const char *root,
					const char *full_id)
{
	char path[PATH_MAX];
	struct json_object *spec = containerd_spec(root, full_id, path, sizeof(path));
	if (spec == NULL) {
		return NULL;
	}
	struct ctr_meta *m = calloc(1, sizeof(*m));
	int r = m ? 0 : -ENOMEM;
	if (r == 0) {
		struct json_object *ann = jget(spec, "annotations");
		const char *type = jstr(ann, "io.kubernetes.cri.container-type");
		const char *name = jstr(ann, "io.kubernetes.cri.container-name");
		const char *sandbox = jstr(ann, "io.kubernetes.cri.sandbox-id");
		if (type != NULL && strcmp(type, "sandbox") == 0) {
			name = jstr(ann, "io.kubernetes.cri.sandbox-name");
			if (sandbox == NULL) {
				sandbox = full_id; /* the sandbox is its own pod's */
			}
		}
		r |= dup_to(&m->runtime, "containerd");
		r |= dup_to(&m->name, name ? name : full_id);
		r |= dup_to(&m->image, jstr(ann, "io.kubernetes.cri.image-name"));
		r |= k8s_from(m, jstr(ann, "io.kubernetes.cri.sandbox-name"),
			      jstr(ann, "io.kubernetes.cri.sandbox-namespace"),
			      jstr(ann, "io.kubernetes.cri.sandbox-uid"));
		m->privileged = oci_privileged(spec, true);
		oci_host_ns(conf, m, spec);
		r |= oci_mounts(m, spec, full_id, sandbox);
		r |= dup_to(&m->sandbox_id, sandbox);
		if (sandbox != NULL && sandbox[0]) {
			r |= cni_read(m, conf->cni_dirs, sandbox, false, true);
		}
		struct stat st;
		if (stat(path, &st) == 0) {
			m->created_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000ULL +
					(uint64_t)st.st_mtim.tv_nsec;
		}
	}
	json_object_put(spec);
	if (r != 0) {
		ctr_meta_free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

struct ctr_meta *ctr_meta_read(const struct ctr_meta_conf *conf, const char *full_id)
{
	struct ctr_meta *m = NULL;
	for (const char *const *r = conf->storage_roots; m == NULL && r && *r; r++) {
		m = storage_read(conf, *r, full_id);
	}
	for (const char *const *r = conf->docker_roots; m == NULL && r && *r; r++) {
		m = docker_read(conf, *r, full_id);
	}
	for (const char *const *r = conf->containerd_roots; m == NULL && r && *r; r++) {
		m = containerd_read(conf, *r, full_id);
	}
	if (m == NULL) {
		errno = errno == ENOMEM ? ENOMEM : ENOENT;
		return NULL;
	}
	if (mounts_text(m) < 0 ||
	    (m->image != NULL && m->image_repo == NULL &&
	     ctr_split_image(m->image, &m->image_repo, &m->image_tag, &m->image_digest) < 0)) {
		ctr_meta_free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}
