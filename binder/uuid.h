/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UUIDs as mediated devices are named: parse, print, and derive one by name
 * (RFC 9562 version 5: SHA-1 over a namespace and a name). Pure. */
#pragma once
#include "util.h"

#define UUID_STR_MAX 37 /* 8-4-4-4-12 hex digits, dashes, NUL */

struct uuid {
	uint8_t b[16];
};

/* Exactly 36 characters, 8-4-4-4-12 hex digits (either case) and dashes:
 * what the kernel's guid_parse() takes. 0 or -EINVAL. */
int uuid_parse(const char *s, struct uuid *ret);
/* Lower case, as the kernel names an mdev ("%pUl"). */
void uuid_fmt(const struct uuid *u, char buf[static UUID_STR_MAX]);
bool uuid_eq(const struct uuid *a, const struct uuid *b);
/* Version 5: SHA-1 of the namespace's 16 bytes and the name, first 16 bytes
 * of the hash, version 5 and the RFC variant set. Python's uuid.uuid5(). */
void uuid_v5(const struct uuid *ns, const char *name, size_t len, struct uuid *ret);
void sha1(const void *data, size_t len, uint8_t ret[static 20]);
