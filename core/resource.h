/* core/resource.h - what the daemon and its host use: CPU, memory, file
 * descriptors, processes, read from /proc (and the daemon's cgroup). */
#ifndef SK_CORE_RESOURCE_H
#define SK_CORE_RESOURCE_H

#include <stdbool.h>
#include <stdint.h>

/* Host CPU counters between two readings (one per consumer). */
struct res_state {
	uint64_t host_busy, host_total; /* jiffies at the previous reading */
};

struct res_usage {
	double cpu_ratio;	/* the daemon's CPU time over its life, of one CPU */
	double cpu_seconds;	/* the daemon's CPU time (user + system) */
	uint64_t rss_bytes;	/* resident */
	uint64_t vsz_bytes;	/* virtual */
	uint64_t pss_bytes;	/* proportional share (smaps_rollup); 0 if unknown */
	uint64_t open_fds;	/* the daemon's */
	uint64_t cgroup_memory_bytes; /* the daemon's cgroup (memory.current); 0 if unknown */
	uint64_t start_time_ns;	      /* when the daemon started, ns since the epoch */
	double host_cpu_ratio;	      /* busy share of all CPUs since the previous reading */
	uint64_t host_memory_used_bytes; /* MemTotal - MemAvailable */
	uint64_t host_procs_running;
	uint64_t host_open_fds; /* allocated file handles, system-wide */
	uint64_t host_num_cpus;
	uint64_t host_boot_time_ns; /* ns since the epoch */
};

/* res_read - fill u; what cannot be read stays 0. st keeps the host CPU
 * counters between calls. */
void res_read(struct res_state *st, struct res_usage *u);

#endif /* SK_CORE_RESOURCE_H */
