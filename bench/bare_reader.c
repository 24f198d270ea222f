/* bench/bare_reader.c - loads bench/bare_probe.bpf.c for bench/syscalls.sh,
 * enables the syscalls the ebpf source records by default, and drains the
 * ring buffer with the same back-off polling as the ebpf source (500 µs
 * while data comes, doubling to 30 ms when idle) until SIGTERM/SIGINT;
 * then prints "records=N drops=D". Prints "ready" on stdout once attached.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bare_probe.skel.h"
#include "ebpf_conf.h"

static volatile sig_atomic_t stop;
static unsigned long long records;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static int on_rec(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	records++;
	return 0;
}

int main(void)
{
	struct bare_probe_bpf *skel = bare_probe_bpf__open();
	struct ring_buffer *rb = NULL;
	struct sk_ebpf_sc tab[SK_EBPF_MAX_SYSCALLS];
	struct ebpf_conf conf = {.buf_size_preset = 4};
	char err[256];
	int rc = 1;
	if (skel == NULL) {
		perror("bare_reader: open");
		return 1;
	}
	skel->rodata->self_tgid = (__u32)getpid();
	if (bare_probe_bpf__load(skel) != 0 ||
	    ebpf_build_table(&conf, tab, err, sizeof(err)) != 0) {
		fprintf(stderr, "bare_reader: load failed\n");
		goto out;
	}
	for (__u32 i = 0; i < SK_EBPF_MAX_SYSCALLS; i++) {
		__u8 on = tab[i].enabled;
		bpf_map_update_elem(bpf_map__fd(skel->maps.bare_on), &i, &on, BPF_ANY);
	}
	if (bare_probe_bpf__attach(skel) != 0) {
		fprintf(stderr, "bare_reader: attach failed\n");
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.bare_ring), on_rec, NULL, NULL);
	if (rb == NULL) {
		goto out;
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	printf("ready\n");
	fflush(stdout);
	long wait_us = 500;
	while (!stop) {
		int n = ring_buffer__consume(rb);
		if (n > 0) {
			wait_us = 500;
		} else if (wait_us < 30000) {
			wait_us *= 2;
		}
		usleep((useconds_t)wait_us);
	}
	ring_buffer__consume(rb);
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long drops = 0, d[1024];
	__u32 zero = 0;
	if (ncpu > 0 && ncpu <= 1024 &&
	    bpf_map_lookup_elem(bpf_map__fd(skel->maps.bare_drops), &zero, d) == 0) {
		for (int i = 0; i < ncpu; i++) {
			drops += d[i];
		}
	}
	printf("records=%llu drops=%llu\n", records, drops);
	rc = 0;
out:
	ring_buffer__free(rb);
	bare_probe_bpf__destroy(skel);
	return rc;
}
