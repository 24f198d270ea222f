/* tests/fuzz/k8saudit.c - fuzz target: a Kubernetes audit body (an
 * EventList, an array of events or one event, as the webhook and the audit
 * log files deliver them) through the body splitter, then every ka.* and
 * jevt.* field extracted from every record it makes, with and without
 * arguments (indices, JSON pointers, keys), as rule conditions ask. */
#include "config.h"

#include "fuzz.h"
#include "sources/k8saudit/k8saudit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const args[] = {NULL, "0", "1", "/", "", "/a/0", "command", "x*"};
	struct k8s_rec *head = NULL;
	size_t n = 0, bytes = 0;
	uint64_t over = 0, num = 0;
	char err[256];
	char *body = fz_strdup(data, size);
	if (body == NULL) {
		return 0;
	}
	if (k8s_split(body, size, 64 * 1024, &head, &n, &bytes, &over, err, sizeof(err)) != 0) {
		free(body);
		return 0;
	}
	struct k8s_fields f;
	memset(&f, 0, sizeof(f));
	f.cluster_name = "fuzz";
	for (struct k8s_rec *r = head; r != NULL; r = r->next) {
		struct sk_event ev = {
		    .rec = (const struct sk_evt_hdr *)r->data, .num = ++num, .source = "k8s_audit"};
		if (sk_evt_check(ev.rec, r->size) != 0) {
			abort(); /* the splitter promises well-formed records */
		}
		if (r->dom != NULL && num % 2 == 0) {
			/* the webhook's path: the parsed form travels along */
			k8s_fields_adopt(&f, &ev, r->dom);
			r->dom = NULL;
		}
		for (uint32_t i = 0; k8s_fields_table[i].name != NULL; i++) {
			for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
				struct sk_field_req req = {.field_idx = i, .arg_key = args[a]};
				if (args[a] != NULL && args[a][0] >= '0' && args[a][0] <= '9') {
					req.has_index = 1;
					req.arg_index = (uint64_t)(args[a][0] - '0');
				}
				struct sk_value v;
				(void)k8s_fields_extract(&f, &ev, &req, &v);
			}
		}
	}
	k8s_fields_fini(&f);
	k8s_rec_free_list(head);
	free(body);
	return 0;
}
