/* plugins/container/ctrmeta.h - container metadata read from the container
 * runtime's own files: podman and CRI-O (containers/storage:
 * overlay-containers/containers.json and <id>/userdata/config.json, the OCI
 * runtime spec with the CRI annotations), Docker
 * (containers/<id>/config.v2.json and hostconfig.json) and containerd (the
 * running task's OCI bundle under the state directory:
 * io.containerd.runtime.v2.task/<namespace>/<id>/config.json, with the CRI
 * plugin's io.kubernetes.cri.* annotations). Blocking file I/O: called from
 * the container plugin's worker thread, never from the event loop. */
#ifndef SK_PLUGINS_CONTAINER_CTRMETA_H
#define SK_PLUGINS_CONTAINER_CTRMETA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A key/value list (labels), NUL-separated "key=value" entries. */
struct ctr_kv {
	char *text; /* "k1=v1\0k2=v2" owned */
	size_t len;
};

/* One bind mount of a container, as Falco's container.mount* fields show
 * it. Strings are owned, never NULL ("" when unknown). */
struct ctr_mount {
	char *source;	   /* host path */
	char *dest;	   /* path in the container */
	char *mode;	   /* Docker's mode ("z", "Z", ...), "" elsewhere */
	char *propagation; /* "rprivate", "shared", ... or "" */
	char *text;	   /* "source:dest:mode:rw:propagation" */
	bool rw;
};

/* What Shrike knows about one container. Immutable once published. */
struct ctr_meta {
	char *name;
	char *image;		  /* as the user named it: docker.io/library/busybox:latest */
	char *image_repo;	  /* docker.io/library/busybox */
	char *image_tag;	  /* latest */
	char *image_id;		  /* the runtime's image id (hex) */
	char *image_digest;	  /* sha256:... when the image was named by digest */
	char *mounts;		  /* Falco's "source:dest:mode:rw:propagation,..." */
	struct ctr_mount *mountv; /* the same, one by one */
	size_t nmounts;
	char *runtime; /* "podman", "docker", "cri-o", "containerd" */
	bool privileged;
	uint64_t created_ns; /* 0: unknown */
	struct ctr_kv labels;
	char *pod_name, *pod_ns, *pod_uid;
	struct ctr_kv pod_labels;
	char *sandbox_id; /* the full id of the pod's sandbox (CRI runtimes) */
	char *ip;	  /* primary IPv4 address, dotted quad; NULL: none */
	char *cni_json;	  /* the pod's CNI result, compact JSON (CRI runtimes) */
	/* the container shares the host's PID, network, IPC namespace */
	bool host_pid, host_network, host_ipc;
};

/* Where to look. NULL-terminated lists of directories. */
struct ctr_meta_conf {
	const char *const *storage_roots;    /* containers/storage roots (podman, CRI-O) */
	const char *const *docker_roots;     /* Docker data roots */
	const char *const *containerd_roots; /* containerd state directories */
	const char *const *cni_dirs;	     /* libcni cache directories (holding results/) */
	/* a spec's namespace paths are host paths, read under host_root ("" or
	 * $HOST_ROOT); PID 1's namespaces under proc_root; NULL: "", "/proc" */
	const char *host_root;
	const char *proc_root;
};

/* ctr_meta_read - read the metadata of container `full_id` (64 hex digits):
 * containers/storage roots first, then Docker's, then containerd's. The
 * host namespaces a container shares come from its OCI spec (a namespace
 * the spec does not list, or joins by a path that is PID 1's, is the
 * host's) or Docker's hostconfig.json; its address from Docker's
 * NetworkSettings or from the CNI results libcni caches under cni_dirs
 * (results/<network>-<id>-<interface>: the container's own for podman
 * with one network, the pod sandbox's for CRI-O and containerd). Returns a new struct (free
 * with ctr_meta_free()) or NULL when no runtime knows the id (errno ENOENT)
 * or out of memory (ENOMEM). */
struct ctr_meta *ctr_meta_read(const struct ctr_meta_conf *conf, const char *full_id);

/* ctr_meta_free - NULL-safe. */
void ctr_meta_free(struct ctr_meta *m);

/* ctr_split_image - split an image reference into repository, tag and
 * digest ("reg:5000/a/b:1.2@sha256:ab" -> "reg:5000/a/b", "1.2",
 * "sha256:ab"). Missing parts come back as "". Each result is malloc'd.
 * Returns 0 or -ENOMEM. */
int ctr_split_image(const char *image, char **ret_repo, char **ret_tag, char **ret_digest);

/* ctr_mount_find - one mount of `m`, the way Falco's container.mount*
 * fields pick it: by position when `by_index` (the field argument was a
 * number), otherwise the first mount whose source (or, with `match_dest`,
 * whose destination) matches the glob `pattern` (fnmatch(3) without flags:
 * '*' also matches '/'). NULL when none does. */
const struct ctr_mount *ctr_mount_find(const struct ctr_meta *m, bool by_index, uint64_t index,
				       const char *pattern, bool match_dest);

/* ctr_kv_get - the value of `key` in a label list, or NULL; *ret_len gets
 * its length. */
const char *ctr_kv_get(const struct ctr_kv *kv, const char *key, size_t *ret_len);

#endif /* SK_PLUGINS_CONTAINER_CTRMETA_H */
