/* plugins/container/ctrsnap.c - container metadata in state records (see
 * ctrsnap.h). Layout, in order: a fixed part (u32 bit set of the strings
 * that are set, u32 privileged, u64 creation time, u64 mount count), name,
 * image, image repository, tag, image id, digest, mounts text, the mounts
 * one by one (six NUL-terminated strings each: source, dest, mode,
 * propagation, text, "1"/"0" for read-write), runtime, labels, pod name,
 * namespace, uid and labels (label lists as the NUL-separated text they
 * are kept in); then (since 0.7.0) a u32 bit set of the host namespaces
 * shared (1 PID, 2 network, 4 IPC), the pod sandbox id, the IPv4 address
 * and the CNI result. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ctrsnap.h"

#define MOUNT_STRS 6u

/* the optional strings, in parameter order after the fixed part */
static char **meta_str(struct ctr_meta *m, unsigned i)
{
	char **s[] = {&m->name,	    &m->image,	      &m->image_repo, &m->image_tag,
		      &m->image_id, &m->image_digest, &m->mounts};
	return i < sizeof(s) / sizeof(s[0]) ? s[i] : NULL;
}

#define NSTR 7u /* strings before the mounts */

int ctrsnap_meta_encode(const struct ctr_meta *m, struct ctrsnap_scratch *sc,
			struct sk_staterec_part *parts)
{
	struct ctr_meta *mm = (struct ctr_meta *)m; /* meta_str() gives addresses; read only */
	uint32_t present = 0;
	for (unsigned i = 0; i < NSTR; i++) {
		present |= *meta_str(mm, i) != NULL ? 1u << i : 0;
	}
	present |= m->runtime ? 1u << 7 : 0;
	present |= m->pod_name ? 1u << 8 : 0;
	present |= m->pod_ns ? 1u << 9 : 0;
	present |= m->pod_uid ? 1u << 10 : 0;
	present |= m->labels.text ? 1u << 11 : 0;
	present |= m->pod_labels.text ? 1u << 12 : 0;
	present |= m->sandbox_id ? 1u << 13 : 0;
	present |= m->ip ? 1u << 14 : 0;
	present |= m->cni_json ? 1u << 15 : 0;
	sc->host_ns = (m->host_pid ? 1u : 0) | (m->host_network ? 2u : 0) | (m->host_ipc ? 4u : 0);
	uint32_t priv = m->privileged;
	sc->fixed[0] = (uint64_t)present | ((uint64_t)priv << 32);
	sc->fixed[1] = m->created_ns;
	sc->fixed[2] = m->nmounts;
	size_t need = 1;
	for (size_t k = 0; k < m->nmounts; k++) {
		const struct ctr_mount *mt = &m->mountv[k];
		need += strlen(mt->source) + strlen(mt->dest) + strlen(mt->mode) +
			strlen(mt->propagation) + strlen(mt->text) + 2 + MOUNT_STRS;
	}
	if (need > sc->cap) {
		char *p = realloc(sc->mounts, need);
		if (p == NULL) {
			return -ENOMEM;
		}
		sc->mounts = p;
		sc->cap = need;
	}
	size_t off = 0;
	for (size_t k = 0; k < m->nmounts; k++) {
		const struct ctr_mount *mt = &m->mountv[k];
		const char *s[MOUNT_STRS] = {mt->source, mt->dest,	  mt->mode,
					     mt->propagation, mt->text, mt->rw ? "1" : "0"};
		for (unsigned i = 0; i < MOUNT_STRS; i++) {
			size_t l = strlen(s[i]) + 1;
			memcpy(sc->mounts + off, s[i], l);
			off += l;
		}
	}
	unsigned n = 0;
	parts[n++] = (struct sk_staterec_part){sc->fixed, sizeof(sc->fixed)};
	for (unsigned i = 0; i < NSTR; i++) {
		parts[n++] = sk_staterec_s(*meta_str(mm, i));
	}
	parts[n++] = (struct sk_staterec_part){sc->mounts, off};
	parts[n++] = sk_staterec_s(m->runtime);
	parts[n++] = (struct sk_staterec_part){m->labels.text, m->labels.text ? m->labels.len : 0};
	parts[n++] = sk_staterec_s(m->pod_name);
	parts[n++] = sk_staterec_s(m->pod_ns);
	parts[n++] = sk_staterec_s(m->pod_uid);
	parts[n++] = (struct sk_staterec_part){m->pod_labels.text,
					       m->pod_labels.text ? m->pod_labels.len : 0};
	parts[n++] = (struct sk_staterec_part){&sc->host_ns, sizeof(sc->host_ns)};
	parts[n++] = sk_staterec_s(m->sandbox_id);
	parts[n++] = sk_staterec_s(m->ip);
	parts[n++] = sk_staterec_s(m->cni_json);
	return n == CTRSNAP_META_PARTS ? 0 : -EINVAL;
}

/* next_str - the NUL-terminated string at *off in p[0..len), or NULL. */
static const char *next_str(const char *p, size_t len, size_t *off)
{
	if (*off >= len) {
		return NULL;
	}
	const char *s = p + *off;
	const char *nul = memchr(s, '\0', len - *off);
	if (nul == NULL) {
		return NULL;
	}
	*off += (size_t)(nul - s) + 1;
	return s;
}

static int decode_mounts(struct ctr_meta *m, const void *p, uint32_t len, uint64_t n)
{
	if (n == 0) {
		return 0;
	}
	if (n > len / MOUNT_STRS) {
		return -EINVAL; /* each mount takes at least six bytes */
	}
	m->mountv = calloc((size_t)n, sizeof(*m->mountv));
	if (m->mountv == NULL) {
		return -ENOMEM;
	}
	size_t off = 0;
	for (uint64_t k = 0; k < n; k++) {
		const char *s[MOUNT_STRS];
		for (unsigned i = 0; i < MOUNT_STRS; i++) {
			s[i] = next_str(p, len, &off);
			if (s[i] == NULL) {
				return -EINVAL;
			}
		}
		struct ctr_mount *mt = &m->mountv[m->nmounts++];
		mt->source = strdup(s[0]);
		mt->dest = strdup(s[1]);
		mt->mode = strdup(s[2]);
		mt->propagation = strdup(s[3]);
		mt->text = strdup(s[4]);
		mt->rw = strcmp(s[5], "1") == 0;
		if (!mt->source || !mt->dest || !mt->mode || !mt->propagation || !mt->text) {
			return -ENOMEM;
		}
	}
	return off == len ? 0 : -EINVAL;
}

struct ctr_meta *ctrsnap_meta_decode(const struct sk_evt_hdr *r, unsigned first)
{
	uint64_t fixed[3];
	if (r->nparams < first + CTRSNAP_META_PARTS_V1 ||
	    !sk_staterec_fixed(r, first, fixed, sizeof(fixed))) {
		return NULL;
	}
	struct ctr_meta *m = calloc(1, sizeof(*m));
	if (m == NULL) {
		return NULL;
	}
	uint32_t present = (uint32_t)fixed[0];
	m->privileged = (fixed[0] >> 32) != 0;
	m->created_ns = fixed[1];
	unsigned i = first + 1;
	int rc = 0;
	for (unsigned k = 0; k < NSTR; k++, i++) {
		rc |= sk_staterec_str(r, i, present & (1u << k), meta_str(m, k), NULL);
	}
	const void *p;
	uint32_t len;
	if (rc == 0 && sk_evt_param(r, i++, &p, &len) == 0) {
		rc = decode_mounts(m, p, len, fixed[2]);
	}
	rc |= sk_staterec_str(r, i++, present & (1u << 7), &m->runtime, NULL);
	rc |= sk_staterec_str(r, i++, present & (1u << 11), &m->labels.text, &m->labels.len);
	rc |= sk_staterec_str(r, i++, present & (1u << 8), &m->pod_name, NULL);
	rc |= sk_staterec_str(r, i++, present & (1u << 9), &m->pod_ns, NULL);
	rc |= sk_staterec_str(r, i++, present & (1u << 10), &m->pod_uid, NULL);
	rc |= sk_staterec_str(r, i++, present & (1u << 12), &m->pod_labels.text,
			      &m->pod_labels.len);
	uint32_t host_ns = 0;
	if (rc == 0 && r->nparams >= first + CTRSNAP_META_PARTS) {
		if (!sk_staterec_fixed(r, i++, &host_ns, sizeof(host_ns))) {
			rc = -EINVAL;
		}
		rc |= sk_staterec_str(r, i++, present & (1u << 13), &m->sandbox_id, NULL);
		rc |= sk_staterec_str(r, i++, present & (1u << 14), &m->ip, NULL);
		rc |= sk_staterec_str(r, i++, present & (1u << 15), &m->cni_json, NULL);
	}
	m->host_pid = (host_ns & 1u) != 0;
	m->host_network = (host_ns & 2u) != 0;
	m->host_ipc = (host_ns & 4u) != 0;
	if (rc != 0) {
		ctr_meta_free(m);
		return NULL;
	}
	return m;
}

void ctrsnap_scratch_fini(struct ctrsnap_scratch *sc)
{
	free(sc->mounts);
	sc->mounts = NULL;
	sc->cap = 0;
}
