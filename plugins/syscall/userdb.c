/* plugins/syscall/userdb.c - passwd/group files of a root directory (see
 * userdb.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/procfs.h"
#include "userdb.h"

#define USERDB_FILE_MAX (4u * 1024u * 1024u)

/* read_whole - the file's text in a malloc'd buffer ("" when missing). */
static char *read_whole(const char *root, const char *rel)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s", strcmp(root, "/") == 0 ? "" : root, rel);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		return strdup("");
	}
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		return strdup("");
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	while (buf != NULL) {
		if (len + 1 >= cap) {
			if (cap >= USERDB_FILE_MAX) {
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		/* the loop runs while buf != NULL: a failed realloc breaks out */
		/* cppcheck-suppress nullPointerArithmeticRedundantCheck */
		size_t r = fread(buf + len, 1, cap - 1 - len, f);
		len += r;
		if (r == 0) {
			break;
		}
	}
	fclose(f);
	if (buf != NULL) {
		buf[len] = '\0';
	}
	return buf;
}

/* split - cut `line` (NUL-terminated) at ':' into at most max fields. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	return n;
}

static int parse_id(const char *s, uint32_t *ret)
{
	char *end;
	if (*s < '0' || *s > '9') {
		return -1;
	}
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v > UINT32_MAX) {
		return -1;
	}
	*ret = (uint32_t)v;
	return 0;
}

static int cmp_user(const void *a, const void *b)
{
	const struct sk_user *x = a, *y = b;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static int cmp_group(const void *a, const void *b)
{
	const struct sk_group *x = a, *y = b;
	return x->gid < y->gid ? -1 : x->gid > y->gid;
}

static int cmp_user_pos(const void *a, const void *b)
{
	const struct sk_user *x = a, *y = b;
	int c = cmp_user(a, b);
	return c ? c : (x->name < y->name ? -1 : x->name > y->name);
}

static int cmp_group_pos(const void *a, const void *b)
{
	const struct sk_group *x = a, *y = b;
	int c = cmp_group(a, b);
	return c ? c : (x->name < y->name ? -1 : x->name > y->name);
}

static size_t count_lines(const char *s)
{
	size_t n = 1;
	for (; *s; s++) {
		n += *s == '\n';
	}
	return n;
}

/* dedup - keep the first entry of each id in an array sorted by (id, file
 * position). */
static size_t dedup_users(struct sk_user *u, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k == 0 || u[k - 1].uid != u[i].uid) {
			u[k++] = u[i];
		}
	}
	return k;
}

static size_t dedup_groups(struct sk_group *g, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k == 0 || g[k - 1].gid != g[i].gid) {
			g[k++] = g[i];
		}
	}
	return k;
}

struct sk_userdb *sk_userdb_load(const char *root)
{
	return sk_userdb_parse(read_whole(root, "etc/passwd"), read_whole(root, "etc/group"));
}

struct sk_userdb *sk_userdb_parse(char *passwd, char *group)
{
	struct sk_userdb *db = calloc(1, sizeof(*db));
	if (db == NULL) {
		free(passwd);
		free(group);
		return NULL;
	}
	db->passwd = passwd;
	db->group = group;
	if (db->passwd == NULL || db->group == NULL) {
		goto fail;
	}
	db->users = calloc(count_lines(db->passwd), sizeof(*db->users));
	db->groups = calloc(count_lines(db->group), sizeof(*db->groups));
	if (db->users == NULL || db->groups == NULL) {
		goto fail;
	}
	for (char *line = db->passwd; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl) {
			*nl = '\0';
		}
		char *f[7];
		/* name:passwd:uid:gid:gecos:home:shell */
		if (line[0] != '#' && split(line, f, 7) == 7) {
			struct sk_user *u = &db->users[db->nusers];
			if (f[0][0] != '\0' && parse_id(f[2], &u->uid) == 0 &&
			    parse_id(f[3], &u->gid) == 0) {
				u->name = f[0];
				u->home = f[5];
				u->shell = f[6];
				db->nusers++;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	for (char *line = db->group; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl) {
			*nl = '\0';
		}
		char *f[4];
		/* name:passwd:gid:members */
		if (line[0] != '#' && split(line, f, 4) >= 3) {
			struct sk_group *g = &db->groups[db->ngroups];
			if (f[0][0] != '\0' && parse_id(f[2], &g->gid) == 0) {
				g->name = f[0];
				db->ngroups++;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	/* Sort by id, then by file position (the name pointers grow with it),
	 * so dedup keeps the first entry of each id. */
	qsort(db->users, db->nusers, sizeof(*db->users), cmp_user_pos);
	qsort(db->groups, db->ngroups, sizeof(*db->groups), cmp_group_pos);
	db->nusers = dedup_users(db->users, db->nusers);
	db->ngroups = dedup_groups(db->groups, db->ngroups);
	return db;
fail:
	sk_userdb_free(db);
	return NULL;
}

void sk_userdb_free(struct sk_userdb *db)
{
	if (db == NULL) {
		return;
	}
	free(db->users);
	free(db->groups);
	free(db->passwd);
	free(db->group);
	free(db);
}

const struct sk_user *sk_userdb_user(const struct sk_userdb *db, uint32_t uid)
{
	struct sk_user key = {.uid = uid};
	return db->nusers ? bsearch(&key, db->users, db->nusers, sizeof(key), cmp_user) : NULL;
}

const struct sk_group *sk_userdb_group(const struct sk_userdb *db, uint32_t gid)
{
	struct sk_group key = {.gid = gid};
	return db->ngroups ? bsearch(&key, db->groups, db->ngroups, sizeof(key), cmp_group) : NULL;
}
