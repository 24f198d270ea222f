/* tests/fuzz/replay_main.c - main() for a fuzz target built without
 * libFuzzer (the normal compiler, any sanitizer stage): runs
 * LLVMFuzzerTestOneInput once on every file named, or in the directories
 * named, so `make check` replays the corpus and the regression inputs.
 * Prints "N inputs" and exits 0; a crash is the failure. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (f == NULL || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		if (f != NULL) {
			fclose(f);
		}
		return -1;
	}
	size_t size = (size_t)st.st_size;
	uint8_t *buf = malloc(size + 1); /* + 1: malloc(0) may be NULL */
	int rc = buf != NULL && fread(buf, 1, size, f) == size ? 0 : -1;
	fclose(f);
	if (rc == 0) {
		LLVMFuzzerTestOneInput(buf, size);
	} else {
		fprintf(stderr, "%s: cannot read\n", path);
	}
	free(buf);
	return rc;
}

static int run_path(const char *path, unsigned *count)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	DIR *d = opendir(path);
	if (d == NULL) {
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.') {
			continue;
		}
		char sub[4096];
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		rc |= run_path(sub, count);
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int rc = 0;
	if (LLVMFuzzerInitialize != NULL) {
		LLVMFuzzerInitialize(&argc, &argv);
	}
	for (int i = 1; i < argc; i++) {
		rc |= run_path(argv[i], &count);
	}
	printf("%u inputs\n", count);
	return rc != 0;
}
