/* tests/fuzz/capture.c - fuzz target: a capture file (`shrike -e FILE`; a
 * capture is untrusted input) through the replay source's reader (file
 * header, blocks, lengths, CRC-32, END block), then every record it hands
 * over through the syscall plugin's parser (state records included, as the
 * pipeline routes them) and every syscall field extracted from it. The
 * input is the whole file, written to a memfd; in an input of even length
 * every block's CRC-32 is made right first (fix_crcs), or mutations would
 * hardly ever get past the CRC check to the records. replay.c is compiled in here
 * with its entry point renamed, beside the syscall plugin's. */
#include "config.h"

#define shrike_plugin_entry replay_plugin_entry
#include "sources/replay/replay.c"
#undef shrike_plugin_entry

#include "fz_syscall.h"

static void *replay;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct sk_init_input in = {.struct_size = sizeof(in),
				   .api = &fz_api,
				   .config_json = "{}",
				   .instance_name = "replay"};
	char err[256];
	if (replay_plugin_entry.init(&in, &replay, err, sizeof(err)) != SK_OK) {
		fprintf(stderr, "replay init: %s\n", err);
		abort();
	}
	return 0;
}

/* extract_all - every syscall field without an argument, and a few with. */
static void extract_all(void *sys, const struct sk_event *ev)
{
	static const char *const args[] = {NULL, "0", "1", "2"};
	const struct sk_extract_ops *xo = shrike_plugin_entry.extract;
	for (uint32_t i = 0; xo->fields[i].name != NULL; i++) {
		bool has_arg = (xo->fields[i].flags & (SK_FIELD_ARG_REQUIRED | SK_FIELD_ARG_INDEX |
						       SK_FIELD_ARG_KEY)) != 0;
		for (size_t a = 0; a < (has_arg ? 4u : 1u); a++) {
			struct sk_field_req req = {.field_idx = i, .arg_key = args[a]};
			if (args[a] != NULL && (xo->fields[i].flags & SK_FIELD_ARG_INDEX) != 0) {
				req.has_index = 1;
				req.arg_index = (uint64_t)(args[a][0] - '0');
			}
			struct sk_value v;
			(void)xo->extract(sys, ev, &req, &v);
		}
	}
}

/* fix_crcs - walk the blocks after a file header (its hdr_len) and write
 * each body's CRC-32 into its block header, as far as the blocks fit. */
static void fix_crcs(uint8_t *buf, size_t size)
{
	struct sk_cap_file_hdr fh;
	if (size < sizeof(fh)) {
		return;
	}
	memcpy(&fh, buf, sizeof(fh));
	size_t off = fh.hdr_len;
	while (off <= size && size - off >= sizeof(struct sk_cap_block_hdr)) {
		struct sk_cap_block_hdr bh;
		memcpy(&bh, buf + off, sizeof(bh));
		off += sizeof(bh);
		if (bh.body_len > size - off) {
			return;
		}
		bh.crc32 = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf + off, bh.body_len);
		memcpy(buf + off - sizeof(bh), &bh, sizeof(bh));
		off += bh.body_len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	uint8_t *copy = malloc(size + 1);
	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	if (size % 2 == 0) {
		fix_crcs(copy, size);
	}
	int fd = fz_memfd(copy, size, path, sizeof(path));
	free(copy);
	int pollfd = -1;
	void *sys = NULL;
	if (fd < 0) {
		return 0;
	}
	if (replay_plugin_entry.source->open(replay, path, &pollfd, err, sizeof(err)) != SK_OK) {
		goto out;
	}
	sys = fz_syscall_new();
	if (sys == NULL) {
		goto out;
	}
	uint64_t num = 0;
	for (;;) {
		const struct sk_evt_hdr *const *evs = NULL;
		size_t n = 0;
		if (replay_plugin_entry.source->next_batch(replay, &evs, &n, err, sizeof(err)) !=
		    SK_OK) {
			break;
		}
		for (size_t i = 0; i < n; i++) {
			const struct sk_evt_hdr *rec = evs[i];
			if (sk_evt_check(rec, rec->len) != 0) {
				abort(); /* the reader promises well-formed records */
			}
			struct sk_event ev = {.rec = rec, .num = ++num, .source = "syscall"};
			if (rec->type == SK_EVT_STATE) {
				const void *p;
				uint32_t len;
				if (sk_evt_param(rec, 0, &p, &len) == 0 && len > 0 &&
				    ((const char *)p)[len - 1] == '\0' &&
				    strcmp(p, "syscall") == 0) {
					(void)shrike_plugin_entry.parse->parse(sys, &ev);
				}
				continue;
			}
			if (strcmp(sk_evt_source_name(rec), "syscall") != 0) {
				continue;
			}
			(void)shrike_plugin_entry.parse->parse(sys, &ev);
			if (num <= 64) {
				extract_all(sys, &ev);
			}
		}
	}
out:
	replay_plugin_entry.source->close(replay);
	shrike_plugin_entry.destroy(sys);
	close(fd);
	return 0;
}
