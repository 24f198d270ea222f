/* core/rules/filter_values.c - the constants of compiled conditions:
 * numbers, booleans, IP addresses and networks, hex bytes parsed from their
 * text; the sets behind in/intersects/pmatch (a hash set of strings, a
 * sorted array of numbers) and the tests the evaluator makes with them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/hash.h"
#include "rules/filter_priv.h"

/* ---- sets -------------------------------------------------------------- */

/* build the set from n malloc'd keys, which it takes (duplicates are freed
 * at once); on -ENOMEM the caller still owns them all */
int sk_fval_strset_build(struct strset *s, const char *const *keys, const size_t *lens, size_t n)
{
	size_t nslots = 8;
	while (nslots < n * 2) {
		nslots *= 2;
	}
	s->slots = calloc(nslots, sizeof(*s->slots));
	s->keys = calloc(n ? n : 1, sizeof(*s->keys));
	s->lens = calloc(n ? n : 1, sizeof(*s->lens));
	if (!s->slots || !s->keys || !s->lens) {
		return -ENOMEM;
	}
	s->mask = nslots - 1;
	for (size_t i = 0; i < n; i++) {
		size_t slot = sk_hash_fnv1a(keys[i], lens[i]) & s->mask;
		bool dup = false;
		while (s->slots[slot]) {
			uint32_t k = s->slots[slot] - 1;
			if (s->lens[k] == lens[i] && memcmp(s->keys[k], keys[i], lens[i]) == 0) {
				dup = true;
				break;
			}
			slot = (slot + 1) & s->mask;
		}
		if (dup) {
			free((char *)keys[i]);
			continue;
		}
		s->keys[s->n] = keys[i];
		s->lens[s->n] = (uint32_t)lens[i];
		s->slots[slot] = (uint32_t)++s->n;
	}
	return 0;
}

bool sk_fval_strset_has(const struct strset *s, const char *key, size_t len)
{
	for (size_t slot = sk_hash_fnv1a(key, len) & s->mask;; slot = (slot + 1) & s->mask) {
		uint32_t v = s->slots[slot];
		if (!v) {
			return false;
		}
		if (s->lens[v - 1] == len && memcmp(s->keys[v - 1], key, len) == 0) {
			return true;
		}
	}
}

void sk_fval_strset_fini(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free((char *)s->keys[i]);
	}
	free(s->keys);
	free(s->lens);
	free(s->slots);
}

int sk_fval_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

bool sk_fval_numset_has(const struct numset *s, uint64_t v)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->v[mid] == v) {
			return true;
		}
		if (s->v[mid] < v) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return false;
}

/* ---- constants --------------------------------------------------------- */

bool sk_fval_parse_u64(const char *s, uint64_t *ret)
{
	if (!*s || *s == '-' || isspace((unsigned char)*s)) {
		return false;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end) {
		return false;
	}
	*ret = v;
	return true;
}

bool sk_fval_parse_i64(const char *s, int64_t *ret)
{
	if (!*s || isspace((unsigned char)*s)) {
		return false;
	}
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || *end) {
		return false;
	}
	*ret = v;
	return true;
}

bool sk_fval_parse_bool(const char *s, bool *ret)
{
	if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0) {
		*ret = true;
		return true;
	}
	if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0) {
		*ret = false;
		return true;
	}
	return false;
}

/* "1.2.3.4", "::1", "10.0.0.0/8", "fe80::/10" */
bool sk_fval_parse_ip(const char *s, struct sk_ip *ret)
{
	char buf[64];
	size_t l = strlen(s);
	if (l >= sizeof(buf)) {
		return false;
	}
	memcpy(buf, s, l + 1);
	char *slash = strchr(buf, '/');
	long prefix = -1;
	if (slash) {
		*slash = '\0';
		char *end;
		if (!slash[1]) {
			return false;
		}
		prefix = strtol(slash + 1, &end, 10);
		if (*end || prefix < 0) {
			return false;
		}
	}
	memset(ret, 0, sizeof(*ret));
	if (inet_pton(AF_INET, buf, ret->addr) == 1) {
		ret->family = 4;
		if (prefix > 32) {
			return false;
		}
		ret->prefix = (uint8_t)(prefix < 0 ? 32 : prefix);
		return true;
	}
	if (inet_pton(AF_INET6, buf, ret->addr) == 1) {
		ret->family = 6;
		if (prefix > 128) {
			return false;
		}
		ret->prefix = (uint8_t)(prefix < 0 ? 128 : prefix);
		return true;
	}
	return false;
}

/* whether address `a` lies in network `net` (prefix bits equal) */
bool sk_fval_ip_in_net(const struct sk_ip *a, const struct sk_ip *net)
{
	if (a->family != net->family) {
		return false;
	}
	unsigned bits = net->prefix;
	unsigned full = bits / 8;
	if (memcmp(a->addr, net->addr, full) != 0) {
		return false;
	}
	if (bits % 8) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
		return (a->addr[full] & mask) == (net->addr[full] & mask);
	}
	return true;
}

bool sk_fval_ip_equal(const struct sk_ip *a, const struct sk_ip *b)
{
	size_t n = a->family == 4 ? 4 : 16;
	return a->family == b->family && memcmp(a->addr, b->addr, n) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* hex text to bytes (malloc'd); false on bad input */
bool sk_fval_parse_hex(const char *s, size_t len, char **ret, size_t *ret_len)
{
	if (len % 2) {
		return false;
	}
	char *out = malloc(len / 2 + 1);
	if (!out) {
		return false;
	}
	for (size_t i = 0; i < len; i += 2) {
		int h = hexval(s[i]), l = hexval(s[i + 1]);
		if (h < 0 || l < 0) {
			free(out);
			return false;
		}
		out[i / 2] = (char)(h * 16 + l);
	}
	out[len / 2] = '\0';
	*ret = out;
	*ret_len = len / 2;
	return true;
}
