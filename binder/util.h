/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))

/* Allocation failure is not recoverable in a 100 KiB tool; the handler
 * decides the exit status (apply must still exit 0 at boot). */
extern void (*oom_handler)(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap);

/* Grow *v (of *cap elements of size sz) so that index n fits. */
void grow(void **v, size_t *cap, size_t n, size_t sz);
#define GROW(v, cap, n) grow((void **)&(v), &(cap), (n), sizeof(*(v)))

struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) PRINTF(2, 3);
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
char *sb_steal(struct strbuf *sb);
void sb_free(struct strbuf *sb);

/* A list of owned strings (messages, findings). */
struct strlist {
	char **v;
	size_t n, cap;
};
void sl_add(struct strlist *l, char *owned);
void sl_addf(struct strlist *l, const char *fmt, ...) PRINTF(2, 3);
void sl_free(struct strlist *l);

bool streq(const char *a, const char *b);
bool startswith(const char *s, const char *prefix);
/* CLOCK_MONOTONIC in microseconds. */
uint64_t now_us(void);
/* The one bounded wait: polls done(arg) every 5 ms until it returns true
 * (true) or timeout_ms have passed (false); done is asked once more at the
 * deadline. EINTR resumes the rest of a sleep. */
bool wait_until(unsigned timeout_ms, bool (*done)(void *arg), void *arg);
/* The one file reader: reads fd to its end (EINTR retried), at most max
 * bytes, into *ret (NUL-terminated, owned). -EFBIG when longer, -errno on a
 * read error; fd stays open. */
int read_fd_all(int fd, size_t max, char **ret, size_t *ret_len);
struct stat;
/* A file named on the command line (--config, --cmdline, --protected),
 * outside the sysroot: opened without blocking on a FIFO, its stat in *st
 * (may be NULL), then read with read_fd_all. regular: refuse anything but
 * a regular file (-EINVAL) before reading. */
int read_file(const char *path, size_t max, bool regular, struct stat *st, char **ret, size_t *ret_len);
/* 0-15 for a hex digit, -1 for anything else. */
int hexval(char c);
/* Parse an unsigned hex number of exactly 1..maxdigits digits, optional 0x. */
int parse_hex(const char *s, size_t len, unsigned maxdigits, uint32_t *ret);
/* Exactly n (1 to 8) hex digits, no prefix: pci.ids keys, sysfs path parts. */
bool parse_hex_exact(const char *s, size_t n, uint32_t *ret);
char *strip(char *s);
/* Splits s in place at blanks; returns the number of fields (at most max). */
size_t split_ws(char *s, char **fields, size_t max);
/* Copies s up to (not including) the first stop char or NUL, truncating to
 * size-1 bytes. */
void copy_until(char *dst, size_t size, const char *s, char stop);
/* Unsigned hex (optional 0x), any length up to 16 digits. */
int parse_hex64(const char *s, uint64_t *ret);
