/* tests/fuzz/config.c - fuzz target: the configuration loader with -o
 * overrides. The input is a shrike.yaml, then optionally a line "%%" and one
 * override ("key.sub=value", as `-o` takes it) per line. The YAML is read
 * from a memfd, merged with the overrides (config_files among them) and every
 * key checked, as `shrike -c FILE -o ...` does at start and on SIGHUP. */
#include "config.h"

#include "conf.h"
#include "fuzz.h"
#include "log.h"

#define FZ_MAX_OVERRIDES 16

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sk_log_setup(0, false, false);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_strdup(data, size);
	const char *ovr[FZ_MAX_OVERRIDES];
	size_t novr = 0;
	if (text == NULL) {
		return 0;
	}
	size_t ylen = size;
	char *sep = strstr(text, "\n%%\n");
	if (sep != NULL) {
		ylen = (size_t)(sep - text) + 1;
		char *p = sep + 4;
		while (*p != '\0' && novr < FZ_MAX_OVERRIDES) {
			char *nl = strchr(p, '\n');
			if (nl != NULL) {
				*nl = '\0';
			}
			ovr[novr++] = p;
			if (nl == NULL) {
				break;
			}
			p = nl + 1;
		}
	}
	char path[64];
	int fd = fz_memfd(text, ylen, path, sizeof(path));
	if (fd >= 0) {
		struct sk_conf *c = NULL;
		char err[2048];
		if (sk_conf_load(path, ovr, novr, &c, err, sizeof(err)) == 0) {
			sk_conf_free(c);
		}
		close(fd);
	}
	free(text);
	return 0;
}
