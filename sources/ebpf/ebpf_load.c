/* sources/ebpf/ebpf_load.c - what the `ebpf` source loads on this kernel,
 * before and after probe_bpf__load (called from eb_open in ebpf.c): the
 * capabilities the process lacks, the programs the kernel's BTF allows
 * (fentry or sys_enter entry copies, sk_sys_exit or sk_sys_exit_old, the
 * task-storage fallback), the tail-call table, the kernel's release for
 * messages. The one file that opens the skeleton (ebpf_load_open).
 */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ebpf_priv.h"
#include "probe.skel.h"

/* ---- privileges ----------------------------------------------------------- */

/* Names of the capabilities among CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE
 * the process lacks ("" when it has them all). *ret_fatal: loading cannot
 * work at all (neither CAP_BPF + CAP_PERFMON nor CAP_SYS_ADMIN). A missing
 * CAP_SYS_RESOURCE alone matters only on kernels that charge BPF memory to
 * RLIMIT_MEMLOCK (before 5.11): it is named if loading fails. */
void ebpf_load_missing_caps(char *buf, size_t len, bool *ret_fatal)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	buf[0] = '\0';
	*ret_fatal = false;
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0) {
		return;
	}
	uint64_t eff = (uint64_t)d[0].effective | ((uint64_t)d[1].effective << 32);
	static const struct {
		int cap;
		const char *name;
	} need[] = {{39, "CAP_BPF"}, {38, "CAP_PERFMON"}, {24, "CAP_SYS_RESOURCE"}};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!(eff & (1ull << need[i].cap))) {
			size_t l = strlen(buf);
			snprintf(buf + l, len - l, "%s%s", l ? ", " : "", need[i].name);
		}
	}
	bool admin = (eff & (1ull << 21)) != 0; /* CAP_SYS_ADMIN */
	bool bpf = (eff & (1ull << 39)) && (eff & (1ull << 38));
	*ret_fatal = !admin && !bpf;
}

/* ---- programs ------------------------------------------------------------------ */

/* Choose what this kernel can run, before loading: sk_sys_exit where the
 * kernel has bpf_rdonly_cast (6.2), else sk_sys_exit_old (the same with
 * helper reads); the tail-called exec and clone programs are never attached
 * themselves (ebpf_load_fill_tails() puts them in exit_tails); and where the kernel
 * has no task-local storage (before 5.11), the per-thread state sys_enter
 * keeps for sys_exit lives in an LRU hash keyed by thread id instead (the
 * probe's saved_get() follows the kernel's helpers). */
#define EB_SAVED_FALLBACK_ENTRIES 1024u

/* Where the probe copies what the exec family, connect and bind need at
 * entry: fentry programs on those calls' own functions (probe.bpf.c
 * sk_fe_*), so that no other syscall pays for a sys_enter program; or
 * sk_sys_enter, for every syscall, where one of those functions is not in
 * the kernel's BTF (another architecture, another naming) or every one-path
 * call copies its path (engine.ebpf.paths_at_entry). A kernel without ia32
 * emulation has none of the __ia32_ functions and needs none. */
static const struct {
	const char *prog, *fn;
	bool ia32;
} entry_fns[] = {
    {"sk_fe_execve", "__x64_sys_execve", false},
    {"sk_fe_execveat", "__x64_sys_execveat", false},
    {"sk_fe_connect", "__x64_sys_connect", false},
    {"sk_fe_bind", "__x64_sys_bind", false},
    {"sk_fe_ia32_execve", "__ia32_compat_sys_execve", true},
    {"sk_fe_ia32_execveat", "__ia32_compat_sys_execveat", true},
    {"sk_fe_ia32_connect", "__ia32_sys_connect", true},
    {"sk_fe_ia32_bind", "__ia32_sys_bind", true},
    {"sk_fe_ia32_socketcall", "__ia32_compat_sys_socketcall", true},
};

static void pick_entry(struct ebpf *e, const struct btf *vm, bool allow)
{
	size_t n = sizeof(entry_fns) / sizeof(entry_fns[0]);
	bool x64 = vm != NULL, ia32 = vm != NULL, no_ia32 = true;
	for (size_t i = 0; i < n; i++) {
		bool has = vm != NULL &&
			   btf__find_by_name_kind(vm, entry_fns[i].fn, BTF_KIND_FUNC) >= 0 &&
			   bpf_object__find_program_by_name(e->skel->obj, entry_fns[i].prog) != NULL;
		if (entry_fns[i].ia32) {
			ia32 = ia32 && has;
			no_ia32 = no_ia32 && !has;
		} else {
			x64 = x64 && has;
		}
	}
	if (vm != NULL && btf__find_by_name_kind(vm, "__ia32_sys_getpid", BTF_KIND_FUNC) >= 0) {
		no_ia32 = false;
	}
	bool fe = allow && x64 && (ia32 || no_ia32) && !e->conf->paths_at_entry;
	e->fentry = fe;
	for (size_t i = 0; i < n; i++) {
		struct bpf_program *p =
		    bpf_object__find_program_by_name(e->skel->obj, entry_fns[i].prog);
		if (p != NULL) {
			bpf_program__set_autoload(p, fe && (!entry_fns[i].ia32 || ia32));
		}
	}
	bpf_program__set_autoload(e->skel->progs.sk_sys_enter, !fe);
	eb_log(e, SK_LOG_DEBUG, "entry copies: %s",
	       fe ? (ia32 ? "fentry on the exec family, connect, bind (64-bit and ia32)"
			  : "fentry on the exec family, connect, bind (no ia32 emulation)")
		  : "sys_enter, for every syscall");
}

void ebpf_load_pick_programs(struct ebpf *e, bool fentry)
{
	struct btf *vm = btf__load_vmlinux_btf();
	bool fast = vm != NULL && btf__find_by_name_kind(vm, "bpf_rdonly_cast", BTF_KIND_FUNC) >= 0;
	pick_entry(e, vm, fentry);
	btf__free(vm);
	bpf_program__set_autoload(e->skel->progs.sk_sys_exit, fast);
	bpf_program__set_autoload(e->skel->progs.sk_sys_exit_old, !fast);
	bpf_program__set_autoattach(e->skel->progs.sk_exit_exec, false);
	bpf_program__set_autoattach(e->skel->progs.sk_exit_clone, false);
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) <= 0) {
		struct bpf_map *m = e->skel->maps.saved_map;
		bpf_map__set_type(m, BPF_MAP_TYPE_LRU_HASH);
		bpf_map__set_map_flags(m, 0);
		bpf_map__set_max_entries(m, EB_SAVED_FALLBACK_ENTRIES);
		eb_log(e, SK_LOG_DEBUG,
		       "no task-local storage (Linux 5.11): per-thread state in an LRU hash of %u "
		       "threads",
		       EB_SAVED_FALLBACK_ENTRIES);
	}
}

/* After loading: the programs sys_exit tail-calls (exit_tails in
 * probe_maps.bpf.h, which probe.bpf.c includes: 0 SK_TAIL_EXEC, 1
 * SK_TAIL_CLONE). */
int ebpf_load_fill_tails(struct ebpf *e)
{
	int map = bpf_map__fd(e->skel->maps.exit_tails);
	const struct bpf_program *progs[] = {e->skel->progs.sk_exit_exec,
					     e->skel->progs.sk_exit_clone};
	for (__u32 k = 0; k < 2; k++) {
		int fd = bpf_program__fd(progs[k]);
		if (bpf_map_update_elem(map, &k, &fd, BPF_ANY) != 0) {
			return -errno;
		}
	}
	return 0;
}

/* uname -r, for messages. */
const char *ebpf_load_kernel_release(char *buf, size_t len)
{
	struct utsname u;
	snprintf(buf, len, "%s", uname(&u) == 0 ? u.release : "unknown");
	return buf;
}

/* probe_bpf__open() out of line: the skeleton embeds the whole probe
 * object in every file that calls it, so ebpf.c and ebpf_diag.c open the
 * probe through this one copy. */
struct probe_bpf *ebpf_load_open(void)
{
	return probe_bpf__open();
}
