/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "uuid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int uuid_parse(const char *s, struct uuid *ret)
{
	struct uuid u;
	size_t n = 0;

	if (strlen(s) != 36)
		return -EINVAL;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -EINVAL;
			continue;
		}
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		u.b[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	*ret = u;
	return 0;
}

void uuid_fmt(const struct uuid *u, char buf[static UUID_STR_MAX])
{
	const uint8_t *b = u->b;
	(void)snprintf(buf, UUID_STR_MAX, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5], b[6],
		       b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

bool uuid_eq(const struct uuid *a, const struct uuid *b)
{
	return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

/* SHA-1 (FIPS 180-4), only for version 5 UUIDs: no security rests on it. */
struct sha1_ctx {
	uint32_t h[5];
	uint64_t len;
	uint8_t buf[64];
	size_t n;
};

static uint32_t rol(uint32_t x, unsigned k)
{
	return x << k | x >> (32 - k);
}

static void sha1_block(struct sha1_ctx *c, const uint8_t *p)
{
	uint32_t w[80], a = c->h[0], b = c->h[1], d = c->h[3], e = c->h[4], cc = c->h[2];

	for (size_t i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;
		if (i < 20) {
			f = (b & cc) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ cc ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & cc) | (b & d) | (cc & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ cc ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = cc;
		cc = rol(b, 30);
		b = a;
		a = t;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
	c->h[4] += e;
}

static void sha1_add(struct sha1_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->len += len;
	while (len) {
		size_t k = 64 - c->n < len ? 64 - c->n : len;
		memcpy(c->buf + c->n, p, k);
		c->n += k;
		p += k;
		len -= k;
		if (c->n == 64) {
			sha1_block(c, c->buf);
			c->n = 0;
		}
	}
}

void sha1(const void *data, size_t len, uint8_t ret[static 20])
{
	struct sha1_ctx c = { .h = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 } };
	uint8_t pad[72] = { 0x80 };
	uint64_t bits;
	size_t npad;

	sha1_add(&c, data, len);
	bits = c.len * 8;
	npad = (c.n < 56 ? 56 : 120) - c.n;
	for (int i = 0; i < 8; i++)
		pad[npad + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
	sha1_add(&c, pad, npad + 8);
	for (int i = 0; i < 20; i++)
		ret[i] = (uint8_t)(c.h[i / 4] >> (24 - 8 * (i % 4)));
}

void uuid_v5(const struct uuid *ns, const char *name, size_t len, struct uuid *ret)
{
	uint8_t h[20];
	uint8_t *buf = xmalloc(16 + len);

	memcpy(buf, ns->b, 16);
	memcpy(buf + 16, name, len);
	sha1(buf, 16 + len, h);
	free(buf);
	memcpy(ret->b, h, 16);
	ret->b[6] = (uint8_t)((ret->b[6] & 0x0f) | 0x50);
	ret->b[8] = (uint8_t)((ret->b[8] & 0x3f) | 0x80);
}
