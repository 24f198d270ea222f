/* bench/bare_probe.bpf.c - the floor for bench/syscalls.sh: the least a
 * probe can do for the same syscalls as Shrike's. At sys_exit it looks the
 * syscall up in an "interesting" array (filled by bare_reader with the
 * same default set the ebpf source records), skips its reader's own
 * process, and copies a fixed 64-byte record (time, thread, syscall,
 * return value, four arguments) into one ring buffer with
 * BPF_RB_NO_WAKEUP; the reader polls. No paths, no process information,
 * no per-thread state.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 self_tgid = 0;

struct bare_rec {
	__u64 ts;
	__u64 tid;
	__s64 id;
	__s64 ret;
	__u64 args[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} bare_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u8);
} bare_on SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} bare_drops SEC(".maps");

SEC("tp_btf/sys_exit")
int BPF_PROG(bare_sys_exit, struct pt_regs *regs, long ret)
{
	long id = BPF_CORE_READ(regs, orig_ax);
	if (id < 0 || id >= 512) {
		return 0;
	}
	__u32 k = (__u32)id;
	__u8 *on = bpf_map_lookup_elem(&bare_on, &k);
	if (on == NULL || !*on) {
		return 0;
	}
	__u64 pt = bpf_get_current_pid_tgid();
	if ((pt >> 32) == self_tgid) {
		return 0;
	}
	struct bare_rec *r = bpf_ringbuf_reserve(&bare_ring, sizeof(*r), 0);
	if (r == NULL) {
		__u32 zero = 0;
		__u64 *d = bpf_map_lookup_elem(&bare_drops, &zero);
		if (d != NULL) {
			(*d)++;
		}
		return 0;
	}
	r->ts = bpf_ktime_get_boot_ns();
	r->tid = (__u32)pt;
	r->id = id;
	r->ret = ret;
	r->args[0] = BPF_CORE_READ(regs, di);
	r->args[1] = BPF_CORE_READ(regs, si);
	r->args[2] = BPF_CORE_READ(regs, dx);
	r->args[3] = BPF_CORE_READ(regs, r10);
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	return 0;
}
