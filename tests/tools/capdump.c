/* tests/tools/capdump.c - print a capture file (<shrike/capture.h>) as text,
 * one record per line: "TS TID name param=value ...", parameters named
 * after the syscall event table (see evtfmt.h), then a summary line
 * "# events=N drops=N" from the END block (or "# no END block").
 *
 *   capdump FILE
 *
 * Exit status: 0, or 1 on a malformed file (the reason on stderr).
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shrike/capture.h>
#include <shrike/event.h>

#include "evtfmt.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: capdump FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (f == NULL) {
		perror(argv[1]);
		return 1;
	}
	int rc = 0;
	unsigned char *body = NULL;
	size_t cap = 0;
	struct sk_cap_file_hdr fh;
	if (fread(&fh, sizeof(fh), 1, f) != 1 || memcmp(fh.magic, SK_CAP_MAGIC, 8) != 0 ||
	    fh.byte_order != SK_CAP_BYTE_ORDER || fh.version_major != SK_CAP_VERSION_MAJOR ||
	    fh.hdr_len < sizeof(fh)) {
		fprintf(stderr, "%s: not a Shrike capture file of version 1\n", argv[1]);
		rc = 1;
		goto out;
	}
	if (fseek(f, (long)fh.hdr_len, SEEK_SET) != 0) {
		perror(argv[1]);
		rc = 1;
		goto out;
	}
	bool ended = false;
	for (;;) {
		struct sk_cap_block_hdr bh;
		size_t got = fread(&bh, 1, sizeof(bh), f);
		if (got == 0) {
			break;
		}
		if (got != sizeof(bh) || bh.body_len > SK_EVT_MAX_LEN + 4096u) {
			fprintf(stderr, "%s: truncated or bad block header\n", argv[1]);
			rc = 1;
			goto out;
		}
		if (bh.body_len > cap) {
			unsigned char *nb = realloc(body, bh.body_len);
			if (nb == NULL) {
				rc = 1;
				goto out;
			}
			body = nb;
			cap = bh.body_len;
		}
		if (bh.body_len > 0 && fread(body, bh.body_len, 1, f) != 1) {
			fprintf(stderr, "%s: truncated block\n", argv[1]);
			rc = 1;
			goto out;
		}
		if (bh.type == SK_CAP_BLOCK_END && bh.body_len >= sizeof(struct sk_cap_end)) {
			struct sk_cap_end end;
			memcpy(&end, body, sizeof(end));
			printf("# events=%" PRIu64 " drops=%" PRIu64 "\n", end.events, end.drops);
			ended = true;
			break;
		}
		if (bh.type != SK_CAP_BLOCK_EVENT) {
			continue;
		}
		if (sk_evt_check(body, bh.body_len) != 0) {
			fprintf(stderr, "%s: malformed record\n", argv[1]);
			rc = 1;
			goto out;
		}
		/* records are read into an aligned buffer (malloc) */
		const struct sk_evt_hdr *h = (const struct sk_evt_hdr *)body;
		char line[16384];
		sk_evtfmt(h, line, sizeof(line));
		printf("%" PRIu64 " %" PRIu64 " %s\n", h->ts, h->tid, line);
	}
	if (!ended) {
		printf("# no END block\n");
	}
out:
	free(body);
	fclose(f);
	return rc;
}
