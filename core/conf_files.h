/* core/conf_files.h - `config_files:` in shrike.yaml (Falco's configuration
 * includes): the files and directories it lists are read after the main
 * file, in order, and merged into its tree with a strategy (append,
 * override, add-only) before -o overrides and the key checks run.
 */
#ifndef SK_CORE_CONF_FILES_H
#define SK_CORE_CONF_FILES_H

#include <stddef.h>

#include <shrike/plugin.h>

#include "cfg.h"

/* One file merged into the configuration. */
struct sk_conf_file {
	char *path; /* as found: the entry itself, or DIR/NAME for a directory's file */
	enum sk_cfg_strategy strategy;
};

/* What config_files did, for --dry-run and the reload watcher. */
struct sk_conf_files {
	struct sk_conf_file *files; /* merged, in order (the main file not included) */
	size_t nfiles;
	struct sk_strlist entries; /* every config_files path as written, files and
				    * directories, found or not */
	struct sk_strlist missing; /* the entries that did not exist (skipped) */
};

/* sk_conf_files_include - read `config_files` of map `root` (the main
 * file's tree, loaded from main_path) and merge every file it names into
 * root. Each item is a path or a map {path: P, strategy: S}; S is append
 * (the default), override or add-only (see sk_cfg_include). A directory
 * contributes its *.yaml and *.yml regular files (symlinks followed) in
 * strcmp order of their names; an entry that does not exist is skipped, as
 * Falco does. An included file may not have config_files itself, nor be the
 * main file. Fills *out (zeroed by the caller; free with
 * sk_conf_files_fini, also after an error). Errors (-EINVAL, -ENOMEM, or
 * -errno for an unreadable file or directory) come as one line
 * "FILE:LINE:COL: what is wrong", FILE being the file at fault. */
int sk_conf_files_include(struct sk_cfg_node *root, const char *main_path,
			  struct sk_conf_files *out, char *err, size_t errlen);

/* sk_conf_files_fini - free what *f holds; f is empty again. NULL ok. */
void sk_conf_files_fini(struct sk_conf_files *f);

#endif /* SK_CORE_CONF_FILES_H */
