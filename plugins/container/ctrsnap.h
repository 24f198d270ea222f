/* plugins/container/ctrsnap.h - a container's metadata as the parameters of
 * a state record (plugins/common/staterec.h), so a capture file keeps what
 * the live run read from the container runtime's files and a replay shows
 * the same container.* and k8s.* values (ctrcapture.c saves and loads
 * them). */
#ifndef SK_PLUGINS_CONTAINER_CTRSNAP_H
#define SK_PLUGINS_CONTAINER_CTRSNAP_H

#include <stdint.h>

#include "../common/staterec.h"
#include "ctrmeta.h"

/* Parameters one container's metadata takes: CTRSNAP_META_PARTS_V1 in
 * captures of Shrike before container plugin 0.7.0, which a decoder still
 * reads (without the host namespaces, sandbox id and network). */
#define CTRSNAP_META_PARTS    19u
#define CTRSNAP_META_PARTS_V1 15u

/* Scratch an encoding needs (the mounts, packed); free with
 * ctrsnap_scratch_fini(). Zero it before the first use. */
struct ctrsnap_scratch {
	char *mounts;
	size_t cap;
	uint64_t fixed[3];
	uint32_t host_ns;
};

/* ctrsnap_meta_encode - the CTRSNAP_META_PARTS parameters of `m` into
 * parts (pointing into m and sc). Returns 0 or -ENOMEM. */
int ctrsnap_meta_encode(const struct ctr_meta *m, struct ctrsnap_scratch *sc,
			struct sk_staterec_part *parts);

/* ctrsnap_meta_decode - a new struct ctr_meta from parameters
 * first .. first+CTRSNAP_META_PARTS-1 of r (first+CTRSNAP_META_PARTS_V1-1
 * when r has no more). NULL when they are damaged or out of memory. */
struct ctr_meta *ctrsnap_meta_decode(const struct sk_evt_hdr *r, unsigned first);

void ctrsnap_scratch_fini(struct ctrsnap_scratch *sc);

#endif /* SK_PLUGINS_CONTAINER_CTRSNAP_H */
