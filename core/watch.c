/* core/watch.c - watch_config_files (see watch.h): one inotify descriptor
 * in the event loop, one inotify watch per directory involved, each with
 * the names in it that matter; a change restarts a short timer, and the
 * timer calls back.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <dirent.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "watch.h"

/* IN_MODIFY too: a writer that truncates a file (open with O_TRUNC) and
 * writes it later must be seen at the truncation, or a reload that reads
 * the file in between takes the empty file for the new rules. */
#define DIR_EVENTS                                                                                 \
	(IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |         \
	 IN_DELETE_SELF | IN_MOVE_SELF)

/* One watched directory. */
struct wdir {
	int wd;
	int dirfd;     /* O_PATH descriptor of the directory, for fstatat */
	bool all_yaml; /* every *.yaml / *.yml name in it counts */
	char **names;  /* and these names */
	size_t nnames;
};

struct sk_watch {
	struct sk_loop *loop;
	int fd;
	int timer; /* the settle timer's id, -1 when none runs */
	bool writing;	   /* a watched file was modified and not closed since */
	unsigned postponed; /* reloads put off in a row (sk_watch_busy) */
	sk_watch_cb cb;
	void *arg;
	struct wdir *dirs;
	size_t ndirs;
};

static bool is_yaml_name(const char *name)
{
	size_t len = strlen(name);
	return (len > 5 && strcmp(name + len - 5, ".yaml") == 0) ||
	       (len > 4 && strcmp(name + len - 4, ".yml") == 0);
}

/* dirs_free - forget n entries of dirs; an entry whose watch descriptor
 * is not in keep (the new set) stops being watched. */
static void dirs_free(struct sk_watch *w, struct wdir *dirs, size_t n, const struct wdir *keep,
		      size_t nkeep)
{
	for (size_t i = 0; i < n; i++) {
		bool kept = false;
		for (size_t k = 0; k < nkeep && !kept; k++) {
			kept = keep[k].wd == dirs[i].wd;
		}
		if (!kept) {
			inotify_rm_watch(w->fd, dirs[i].wd);
		}
		if (dirs[i].dirfd >= 0) {
			close(dirs[i].dirfd);
		}
		for (size_t k = 0; k < dirs[i].nnames; k++) {
			free(dirs[i].names[k]);
		}
		free(dirs[i].names);
	}
	free(dirs);
}

static void dirs_clear(struct sk_watch *w)
{
	dirs_free(w, w->dirs, w->ndirs, NULL, 0);
	w->dirs = NULL;
	w->ndirs = 0;
}

static struct wdir *dir_by_wd(struct sk_watch *w, int wd)
{
	for (size_t i = 0; i < w->ndirs; i++) {
		if (w->dirs[i].wd == wd) {
			return &w->dirs[i];
		}
	}
	return NULL;
}

/* add_dir - watch directory `dir` for `name` in it (NULL: for every YAML
 * name). inotify gives one descriptor per directory, so a directory met
 * twice gets one entry. */
static int add_dir(struct sk_watch *w, const char *dir, const char *name)
{
	int wd = inotify_add_watch(w->fd, dir, DIR_EVENTS | IN_ONLYDIR);
	if (wd < 0) {
		SK_DEBUG("watch_config_files: cannot watch %s: %s", dir, strerror(errno));
		return errno == ENOMEM || errno == ENOSPC ? -errno : 0;
	}
	struct wdir *d = dir_by_wd(w, wd);
	if (!d) {
		struct wdir *dirs = realloc(w->dirs, (w->ndirs + 1) * sizeof(*dirs));
		if (!dirs) {
			return -ENOMEM;
		}
		w->dirs = dirs;
		d = &w->dirs[w->ndirs++];
		*d = (struct wdir){.wd = wd,
				   .dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)};
	}
	if (!name) {
		d->all_yaml = true;
		return 0;
	}
	char *copy = strdup(name);
	char **names = copy ? realloc(d->names, (d->nnames + 1) * sizeof(*names)) : NULL;
	if (!names) {
		free(copy);
		return -ENOMEM;
	}
	d->names = names;
	d->names[d->nnames++] = copy;
	return 0;
}

/* add_path - the directory holding `path` (for its name) and, when `path`
 * is a directory, `path` itself (for its YAML files). */
static int add_path(struct sk_watch *w, const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof(buf)) {
		return 0;
	}
	memcpy(buf, path, len + 1);
	while (len > 1 && buf[len - 1] == '/') {
		buf[--len] = '\0';
	}
	struct stat st;
	if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
		int rc = add_dir(w, buf, NULL);
		if (rc < 0) {
			return rc;
		}
	}
	char *slash = strrchr(buf, '/');
	if (!slash) {
		return add_dir(w, ".", buf);
	}
	if (slash[1] == '\0') {
		return 0; /* "/" */
	}
	*slash = '\0';
	return add_dir(w, slash == buf ? "/" : buf, slash + 1);
}

int sk_watch_set(struct sk_watch *w, const char *const *paths, size_t n)
{
	/* A directory watched before keeps its watch descriptor (inotify
	 * gives the same one back): removing and adding it again would make
	 * the events already queued under the old descriptor unknown, and a
	 * change made during a reload would go unseen. */
	struct wdir *old = w->dirs;
	size_t nold = w->ndirs;
	int rc = 0;
	w->dirs = NULL;
	w->ndirs = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (paths[i]) {
			rc = add_path(w, paths[i]);
		}
	}
	dirs_free(w, old, nold, w->dirs, w->ndirs);
	return rc;
}

static void settled(struct sk_loop *loop, void *arg)
{
	struct sk_watch *w = arg;
	sk_loop_del_timer(loop, w->timer);
	w->timer = -1;
	w->cb(w->arg);
}

/* restart_timer - (re)start the settle timer: the callback comes once the
 * files have been quiet for SK_WATCH_SETTLE_MS. False (with a warning)
 * when no timer could be made: the caller reloads now instead. */
static bool restart_timer(struct sk_watch *w)
{
	if (w->timer >= 0) {
		sk_loop_del_timer(w->loop, w->timer);
	}
	int id = sk_loop_add_timer(w->loop, SK_WATCH_SETTLE_MS, settled, w);
	w->timer = id < 0 ? -1 : id;
	if (id < 0) {
		SK_WARN("watch_config_files: cannot start a timer (%s); reloading now",
			strerror(-id));
		return false;
	}
	return true;
}

static void changed(struct sk_watch *w)
{
	if (!restart_timer(w)) {
		w->cb(w->arg);
	}
}

static bool matters(const struct sk_watch *w, const struct inotify_event *ev)
{
	if (ev->mask & IN_Q_OVERFLOW) {
		return true; /* events were lost: assume the worst */
	}
	const struct wdir *d = dir_by_wd((struct sk_watch *)w, ev->wd);
	if (!d) {
		return false;
	}
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
		return true;
	}
	if (ev->len == 0) {
		return false;
	}
	if (d->all_yaml && is_yaml_name(ev->name)) {
		return true;
	}
	for (size_t i = 0; i < d->nnames; i++) {
		if (strcmp(d->names[i], ev->name) == 0) {
			return true;
		}
	}
	return false;
}

/* drain - read every pending inotify event; whether one of them matters. */
static bool drain(struct sk_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool hit = false;
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof(buf));
		if (n <= 0) {
			break; /* EAGAIN: all read */
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (matters(w, ev)) {
				SK_DEBUG("watch_config_files: %s changed",
					 ev->len > 0 ? ev->name : "a watched directory");
				hit = true;
				/* Created or modified: a writer has it open
				 * (truncated, half written) until it closes it. */
				if (ev->mask & (IN_MODIFY | IN_CREATE)) {
					w->writing = true;
				} else if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE |
						       IN_MOVED_FROM)) {
					w->writing = false;
				}
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return hit;
}

static void on_readable(struct sk_loop *loop, int fd, uint32_t events, void *arg)
{
	struct sk_watch *w = arg;
	if (drain(w)) {
		changed(w);
	}
	(void)loop;
	(void)fd;
	(void)events;
}

/* fresh - whether the file `name` in `d` changed (its ctime) less than
 * SK_WATCH_SETTLE_MS ago. The inode changes before inotify hears of it (a
 * truncation is queued after the size is cut), so a reader can see a
 * truncated file before its event: the timestamp closes that window. */
static bool fresh(const struct wdir *d, const char *name, int64_t now_ns)
{
	struct stat st;
	if (d->dirfd < 0 || fstatat(d->dirfd, name, &st, 0) != 0) {
		return false;
	}
	int64_t c = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
	return now_ns - c < (int64_t)SK_WATCH_SETTLE_MS * 1000000;
}

/* recent - whether a watched file changed within the settle time. */
static bool recent(const struct sk_watch *w)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	for (size_t i = 0; i < w->ndirs; i++) {
		const struct wdir *d = &w->dirs[i];
		for (size_t k = 0; k < d->nnames; k++) {
			if (fresh(d, d->names[k], now)) {
				return true;
			}
		}
		if (!d->all_yaml || d->dirfd < 0) {
			continue;
		}
		int fd = openat(d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
		if (!dir) {
			if (fd >= 0) {
				close(fd);
			}
			continue;
		}
		bool hit = false;
		for (struct dirent *e = readdir(dir); e && !hit; e = readdir(dir)) {
			hit = is_yaml_name(e->d_name) && fresh(d, e->d_name, now);
		}
		closedir(dir);
		if (hit) {
			return true;
		}
	}
	return false;
}

bool sk_watch_busy(struct sk_watch *w, bool any_change, bool quiet)
{
	if (!w) {
		return false;
	}
	bool hit = drain(w);
	if (!w->writing && !(any_change && hit) && !(quiet && recent(w))) {
		w->postponed = 0;
		return false;
	}
	if (w->postponed >= SK_WATCH_MAX_POSTPONE) {
		SK_WARN("watch_config_files: a watched file has stayed open for writing for %u ms; "
			"reloading anyway",
			SK_WATCH_MAX_POSTPONE * SK_WATCH_SETTLE_MS);
		w->postponed = 0;
		w->writing = false;
		return false;
	}
	w->postponed++;
	if (!restart_timer(w)) {
		w->postponed = 0;
		return false;
	}
	return true;
}

struct sk_watch *sk_watch_create(struct sk_loop *loop, sk_watch_cb cb, void *arg)
{
	struct sk_watch *w = calloc(1, sizeof(*w));
	if (!w) {
		return NULL;
	}
	*w = (struct sk_watch){.loop = loop, .cb = cb, .arg = arg, .timer = -1};
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	int rc = w->fd < 0 ? -errno : sk_loop_add_fd(loop, w->fd, on_readable, w);
	if (rc < 0) {
		if (w->fd >= 0) {
			close(w->fd);
		}
		free(w);
		errno = -rc;
		return NULL;
	}
	return w;
}

void sk_watch_destroy(struct sk_watch *w)
{
	if (!w) {
		return;
	}
	if (w->timer >= 0) {
		sk_loop_del_timer(w->loop, w->timer);
	}
	sk_loop_del_fd(w->loop, w->fd);
	dirs_clear(w);
	close(w->fd);
	free(w);
}
