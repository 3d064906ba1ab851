/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fnmatch(3) for libkmod's alias patterns (flags always 0), ASCII only.
 * musl's multibyte-aware fnmatch pulls in its wide-character tables
 * (~13 KiB); module aliases are ASCII. Linked in place of libc's: static
 * links take the first definition. Unit-tested against glibc's fnmatch
 * (tests/unit/test_fnmatch.c). Bracket expressions: ranges, '!' or '^'
 * negation, [:class:] for the ASCII classes; '\' escapes. */
#include <fnmatch.h>
#include <stdbool.h>
#include <string.h>

#ifndef VE_FNMATCH_NAME
#define VE_FNMATCH_NAME fnmatch
#endif

static bool in_class(const char *name, size_t len, unsigned char c)
{
#define CLASS(n, expr)                                         \
	if (len == sizeof(n) - 1 && memcmp(name, n, len) == 0) \
	return (expr)
	CLASS("alpha", (c | 32) >= 'a' && (c | 32) <= 'z');
	CLASS("digit", c >= '0' && c <= '9');
	CLASS("alnum", ((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9'));
	CLASS("upper", c >= 'A' && c <= 'Z');
	CLASS("lower", c >= 'a' && c <= 'z');
	CLASS("xdigit", (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f'));
	CLASS("space", c == ' ' || (c >= '\t' && c <= '\r'));
	CLASS("blank", c == ' ' || c == '\t');
	CLASS("punct", c > 32 && c < 127 && !(((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9')));
	CLASS("print", c >= 32 && c < 127);
	CLASS("graph", c > 32 && c < 127);
	CLASS("cntrl", c < 32 || c == 127);
#undef CLASS
	return false;
}

/* Matches one char against the bracket expression at p (just past '[').
 * Returns the pattern position after ']', or NULL if the bracket is not
 * closed (then '[' is an ordinary char, as POSIX says). */
static const char *bracket(const char *p, unsigned char c, bool *matched)
{
	bool neg = false, ok = false;
	const char *start;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	start = p;
	while (*p && (*p != ']' || p == start)) {
		unsigned char lo, hi;
		if (p[0] == '[' && p[1] == ':') {
			const char *end = strstr(p + 2, ":]");
			if (!end)
				return NULL;
			if (in_class(p + 2, (size_t)(end - (p + 2)), c))
				ok = true;
			p = end + 2;
			continue;
		}
		if (*p == '\\' && p[1])
			p++;
		lo = (unsigned char)*p++;
		hi = lo;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\' && p[1])
				p++;
			hi = (unsigned char)*p++;
		}
		if (c >= lo && c <= hi)
			ok = true;
	}
	if (*p != ']')
		return NULL;
	*matched = ok != neg;
	return p + 1;
}

int VE_FNMATCH_NAME(const char *pat, const char *str, int flags)
{
	const char *star_p = NULL, *star_s = NULL;

	(void)flags;
	for (;;) {
		if (*pat == '*') {
			while (*pat == '*')
				pat++;
			star_p = pat;
			star_s = str;
			continue;
		}
		if (*str) {
			const char *next = NULL;
			bool ok = false;
			if (*pat == '?') {
				ok = true;
				next = pat + 1;
			} else if (*pat == '[' && (next = bracket(pat + 1, (unsigned char)*str, &ok))) {
				/* bracket matched or not: ok says */
			} else if (*pat == '\\') {
				if (!pat[1])
					return FNM_NOMATCH; /* a trailing '\' matches nothing (glibc) */
				ok = pat[1] == *str;
				next = pat + 2;
			} else if (*pat) {
				ok = *pat == *str;
				next = pat + 1;
			}
			if (ok) {
				pat = next;
				str++;
				continue;
			}
		} else if (!*pat) {
			return 0;
		}
		if (!star_p || !*star_s)
			return FNM_NOMATCH;
		pat = star_p; /* let the last '*' take one more char */
		str = ++star_s;
	}
}
