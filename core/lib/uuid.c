/* core/lib/uuid.c - RFC 4122 version 4 UUIDs (see uuid.h). Random bytes come
 * from getrandom(2) in 4 KiB batches, so one alert costs no system call. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "uuid.h"

#define POOL_SIZE 4096

static _Thread_local uint8_t pool[POOL_SIZE];
static _Thread_local size_t pool_left;

static int pool_take(uint8_t *dst, size_t n)
{
	if (pool_left < n) {
		size_t got = 0;
		while (got < POOL_SIZE) {
			ssize_t r = getrandom(pool + got, POOL_SIZE - got, 0);
			if (r < 0) {
				if (errno == EINTR) {
					continue;
				}
				pool_left = 0;
				return -errno;
			}
			got += (size_t)r;
		}
		pool_left = POOL_SIZE;
	}
	memcpy(dst, pool + POOL_SIZE - pool_left, n);
	/* Never hand out the same bytes twice. */
	memset(pool + POOL_SIZE - pool_left, 0, n);
	pool_left -= n;
	return 0;
}

int sk_uuid_v4(char out[SK_UUID_STR_LEN])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[16];
	int err = pool_take(b, sizeof(b));
	if (err) {
		out[0] = '\0';
		return err;
	}
	/* pool_take() returned 0: it copied all 16 bytes from the pool; the
	 * analyzer loses that through the getrandom() loop */
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* variant 10xx */
	char *p = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10) {
			*p++ = '-';
		}
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 0x0f];
	}
	*p = '\0';
	return 0;
}
