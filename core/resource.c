/* core/resource.c - the daemon's and the host's resource use from /proc
 * (see resource.h). Every reading is best effort: a file that cannot be
 * read leaves its numbers at 0. The host's files are read under $HOST_ROOT
 * when it is set (common/hostroot.h): inside a container, its /proc/stat
 * and /proc/meminfo may be the container's own (lxcfs), the host's procfs
 * mounted under HOST_ROOT is not. */
#include "config.h"

#include "resource.h"

#include "common/hostroot.h"

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* read_text - the start of a small /proc file, NUL-terminated; false when
 * it cannot be read. */
static bool read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		return false;
	}
	size_t n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n > 0;
}

/* kv_kb - the number of kB after "key:" in a /proc file's text. */
static uint64_t kv_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	if (p == NULL) {
		return 0;
	}
	return strtoull(p + strlen(key), NULL, 10) * 1024;
}

static double uptime_s(void)
{
	char buf[128];
	return read_text("/proc/uptime", buf, sizeof(buf)) ? strtod(buf, NULL) : 0;
}

/* self_stat - utime, stime and starttime (clock ticks) of /proc/self/stat. */
static void self_stat(struct res_usage *u, double now_up)
{
	char buf[1024];
	if (!read_text("/proc/self/stat", buf, sizeof(buf))) {
		return;
	}
	const char *p = strrchr(buf, ')'); /* comm may hold spaces */
	if (p == NULL) {
		return;
	}
	/* after ")": state is field 3; utime 14, stime 15, starttime 22 */
	unsigned long long utime = 0, stime = 0, start = 0;
	int n = sscanf(p + 2,
		       "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d "
		       "%*d %llu",
		       &utime, &stime, &start);
	if (n != 3) {
		return;
	}
	double hz = (double)sysconf(_SC_CLK_TCK);
	u->cpu_seconds = (double)(utime + stime) / hz;
	double life = now_up - (double)start / hz;
	u->cpu_ratio = life > 0 ? u->cpu_seconds / life : 0;
	if (u->host_boot_time_ns != 0) {
		u->start_time_ns = u->host_boot_time_ns + (uint64_t)((double)start / hz * 1e9);
	}
}

static void self_memory(struct res_usage *u)
{
	char buf[4096];
	unsigned long size = 0, resident = 0;
	if (read_text("/proc/self/statm", buf, sizeof(buf)) &&
	    sscanf(buf, "%lu %lu", &size, &resident) == 2) {
		uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
		u->vsz_bytes = size * page;
		u->rss_bytes = resident * page;
	}
	if (read_text("/proc/self/smaps_rollup", buf, sizeof(buf))) {
		u->pss_bytes = kv_kb(buf, "\nPss:");
	}
}

static uint64_t count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL) {
		return 0;
	}
	uint64_t n = 0;
	const struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.') {
			n++;
		}
	}
	closedir(d);
	return n > 0 ? n - 1 : 0; /* not the directory's own descriptor */
}

/* cgroup_memory - memory.current of the daemon's cgroup (cgroup v2). */
static uint64_t cgroup_memory(void)
{
	char buf[4096], path[4352];
	if (!read_text("/proc/self/cgroup", buf, sizeof(buf))) {
		return 0;
	}
	const char *p = strstr(buf, "0::");
	if (p == NULL) {
		return 0;
	}
	p += 3;
	size_t len = strcspn(p, "\n");
	snprintf(path, sizeof(path), "/sys/fs/cgroup%.*s/memory.current", (int)len, p);
	char num[64];
	return read_text(path, num, sizeof(num)) ? strtoull(num, NULL, 10) : 0;
}

static void host_cpu(struct res_state *st, struct res_usage *u, const char *line)
{
	unsigned long long v[8] = {0};
	if (sscanf(line, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) < 4) {
		return;
	}
	uint64_t total = 0;
	for (int i = 0; i < 8; i++) {
		total += v[i];
	}
	uint64_t busy = total - v[3] - v[4]; /* minus idle and iowait */
	if (total > st->host_total && busy >= st->host_busy) {
		u->host_cpu_ratio = (double)(busy - st->host_busy) / (double)(total - st->host_total);
	}
	st->host_total = total;
	st->host_busy = busy;
}

/* host_stat - /proc/stat line by line (its intr line can be long). */
static void host_stat(struct res_state *st, struct res_usage *u)
{
	char path[PATH_MAX];
	FILE *f = sk_hostroot_path("/proc/stat", path, sizeof(path)) ? fopen(path, "re") : NULL;
	if (f == NULL) {
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "cpu ", 4) == 0) {
			host_cpu(st, u, line + 4);
		} else if (strncmp(line, "btime ", 6) == 0) {
			u->host_boot_time_ns = strtoull(line + 6, NULL, 10) * 1000000000ull;
		} else if (strncmp(line, "procs_running ", 14) == 0) {
			u->host_procs_running = strtoull(line + 14, NULL, 10);
		}
	}
	free(line);
	fclose(f);
}

void res_read(struct res_state *st, struct res_usage *u)
{
	memset(u, 0, sizeof(*u));
	host_stat(st, u);
	self_stat(u, uptime_s());
	self_memory(u);
	u->open_fds = count_fds();
	u->cgroup_memory_bytes = cgroup_memory();
	char buf[4096], path[PATH_MAX];
	if (sk_hostroot_path("/proc/meminfo", path, sizeof(path)) &&
	    read_text(path, buf, sizeof(buf))) {
		uint64_t total = kv_kb(buf, "MemTotal:"), avail = kv_kb(buf, "\nMemAvailable:");
		u->host_memory_used_bytes = total > avail ? total - avail : 0;
	}
	if (sk_hostroot_path("/proc/sys/fs/file-nr", path, sizeof(path)) &&
	    read_text(path, buf, sizeof(buf))) {
		u->host_open_fds = strtoull(buf, NULL, 10);
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	u->host_num_cpus = ncpu > 0 ? (uint64_t)ncpu : 0;
}
