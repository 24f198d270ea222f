/* core/watch.h - watch_config_files: notice when the configuration, a file
 * it includes or a rules file changes (or appears, or goes), and call back
 * once things have settled, so the daemon reloads as on SIGHUP.
 *
 * inotify on the directory holding each path (so that editors that save by
 * renaming, files created later and deletions are seen) and on each path
 * that is a directory (config.d, rules.d: a *.yaml or *.yml file added,
 * changed or removed there). A symlink's target elsewhere is not watched.
 */
#ifndef SK_CORE_WATCH_H
#define SK_CORE_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "loop.h"

struct sk_watch;

/* Called from the loop, WATCH_SETTLE_MS after the last change seen. */
typedef void (*sk_watch_cb)(void *arg);

/* How long the files must stay quiet before the callback: a package
 * dropping several files, or an editor writing one in steps, gives one
 * reload. */
#define SK_WATCH_SETTLE_MS 300

/* sk_watch_create - an inotify instance in `loop` watching nothing yet.
 * Returns NULL with errno set. */
struct sk_watch *sk_watch_create(struct sk_loop *loop, sk_watch_cb cb, void *arg);

/* sk_watch_set - watch exactly these paths (files or directories, existing
 * or not; NULL entries are ignored), replacing the previous set. A path
 * whose directory does not exist cannot be watched: it is skipped with a
 * debug message. Returns 0 or -errno (the set is then partial). */
int sk_watch_set(struct sk_watch *w, const char *const *paths, size_t n);

/* How many settle periods a reload waits at most for a writer to close a
 * watched file it modified (a file held open for writing forever must not
 * stop reloads for good). */
#define SK_WATCH_MAX_POSTPONE 10

/* sk_watch_busy - whether a reload should be put off because the watched
 * files are not quiet: a file was modified and not closed yet (a writer
 * that truncated it and has not finished: reading it now gives half a file,
 * or an empty rules file that loads fine and matches nothing), or, with
 * any_change, anything changed since the last call. A reload calls it with
 * false before it reads the files (the changes so far are then covered by
 * what it reads) and with true after it built the new runtime and before
 * it installs it (a change during the read makes the build suspect). With
 * quiet (a reload the watch itself asked for), a watched file whose ctime is
 * less than SK_WATCH_SETTLE_MS old counts as not quiet too: the kernel
 * changes a file before it queues the event, so a truncation can be read
 * before inotify reports it. When
 * true, the settle timer is (re)started so the callback comes again once
 * the files are quiet; after SK_WATCH_MAX_POSTPONE put-offs in a row it
 * returns false (with a warning). False for NULL. Loop thread only. */
bool sk_watch_busy(struct sk_watch *w, bool any_change, bool quiet);

/* sk_watch_destroy - stop watching and free; NULL ok. */
void sk_watch_destroy(struct sk_watch *w);

#endif /* SK_CORE_WATCH_H */
