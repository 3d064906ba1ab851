/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void default_oom(void)
{
	(void)fputs("vfio-early: out of memory\n", stderr);
	exit(111);
}

void (*oom_handler)(void) = default_oom;

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom_handler();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom_handler();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom_handler();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

char *xvasprintf(const char *fmt, va_list ap)
{
	struct strbuf sb = { 0 };
	sb_vprintf(&sb, fmt, ap);
	return sb_steal(&sb);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void grow(void **v, size_t *cap, size_t n, size_t sz)
{
	size_t c = *cap;
	if (n < c)
		return;
	c = c ? c : 8;
	while (c <= n) {
		if (c > SIZE_MAX / 2 / sz)
			oom_handler();
		c *= 2;
	}
	*v = xrealloc(*v, c * sz);
	*cap = c;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		size_t c = sb->cap ? sb->cap : 64;
		while (c < sb->len + n + 1)
			c *= 2;
		sb->s = xrealloc(sb->s, c);
		sb->cap = c;
	}
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	char buf[256];
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(buf)) {
		sb_add(sb, buf, (size_t)n);
		return;
	}
	char *big = xmalloc((size_t)n + 1);
	(void)vsnprintf(big, (size_t)n + 1, fmt, ap);
	sb_add(sb, big, (size_t)n);
	free(big);
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

char *sb_steal(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");
	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

void sl_add(struct strlist *l, char *owned)
{
	GROW(l->v, l->cap, l->n);
	l->v[l->n++] = owned;
}

void sl_addf(struct strlist *l, const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	sl_add(l, sb_steal(&sb));
}

void sl_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_hex(const char *s, size_t len, unsigned maxdigits, uint32_t *ret)
{
	uint32_t v = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > maxdigits || len > 8)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int d = hexval(s[i]);
		if (d < 0)
			return -EINVAL;
		v = v << 4 | (unsigned)d;
	}
	*ret = v;
	return 0;
}

bool parse_hex_exact(const char *s, size_t n, uint32_t *ret)
{
	uint32_t v = 0;

	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++) {
		int h = hexval(s[i]);
		if (h < 0)
			return false;
		v = v << 4 | (uint32_t)h;
	}
	*ret = v;
	return true;
}

char *strip(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

size_t split_ws(char *s, char **fields, size_t max)
{
	size_t n = 0;
	while (*s && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		fields[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

void copy_until(char *dst, size_t size, const char *s, char stop)
{
	size_t i = 0;
	while (s[i] && s[i] != stop && i + 1 < size) {
		dst[i] = s[i];
		i++;
	}
	dst[i] = '\0';
}

int parse_hex64(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s[i]; i++) {
		int d = hexval(s[i]);
		if (d < 0)
			return -EINVAL;
		if (i >= 16)
			return -ERANGE;
		v = v << 4 | (unsigned)d;
	}
	if (i == 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

uint64_t now_us(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

bool wait_until(unsigned timeout_ms, bool (*done)(void *arg), void *arg)
{
	uint64_t deadline = now_us() + (uint64_t)timeout_ms * 1000u;

	for (;;) {
		if (done(arg))
			return true;
		if (now_us() >= deadline)
			return false;
		sleep_ms(5);
	}
}

int read_fd_all(int fd, size_t max, char **ret, size_t *ret_len)
{
	struct strbuf sb = { 0 };
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;
			sb_free(&sb);
			return e;
		}
		if (n == 0)
			break;
		if (sb.len + (size_t)n > max) {
			sb_free(&sb);
			return -EFBIG;
		}
		sb_add(&sb, buf, (size_t)n);
	}
	if (ret_len)
		*ret_len = sb.len;
	*ret = sb_steal(&sb);
	return 0;
}

int read_file(const char *path, size_t max, bool regular, struct stat *st, char **ret, size_t *ret_len)
{
	struct stat tmp;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int r;

	if (fd < 0)
		return -errno;
	if (!st)
		st = &tmp;
	if (fstat(fd, st) < 0)
		r = -errno;
	else if (regular && !S_ISREG(st->st_mode))
		r = -EINVAL;
	else
		r = read_fd_all(fd, max, ret, ret_len);
	(void)close(fd);
	return r;
}
