/* SPDX-License-Identifier: GPL-2.0-or-later */
/* All kernel-facing I/O goes through one root directory fd (--sysroot). */
#pragma once
#include "util.h"

#include <dirent.h>

struct sysroot {
	int fd;
	const char *path;
	bool is_root; /* "/" : the live system */
};

int sysroot_open(struct sysroot *sr, const char *dir);
void sysroot_close(struct sysroot *sr);

/* Opens path relative to the root. Absolute symlinks inside a recorded tree
 * stay inside it (openat2 RESOLVE_IN_ROOT where the kernel has it). */
int sr_open(const struct sysroot *sr, const char *path, int flags);
/* Reads a small attribute: at most size-1 bytes, NUL-terminated, trailing
 * newline stripped. Returns the length or -errno (-ENOENT: absent). */
int sr_read(const struct sysroot *sr, const char *path, char *buf, size_t size);
int sr_readf(const struct sysroot *sr, char *buf, size_t size, const char *fmt, ...) PRINTF(4, 5);
/* Reads a whole file of at most max bytes into *ret (NUL-terminated). */
int sr_read_all(const struct sysroot *sr, const char *path, size_t max, char **ret, size_t *ret_len);
/* The last path component of a symlink's target ("driver" -> "nouveau"). */
int sr_readlink_base(const struct sysroot *sr, const char *path, char *buf, size_t size);
int sr_readlink(const struct sysroot *sr, const char *path, char *buf, size_t size);
/* One unbuffered write() of the whole value; EINTR retried; short write is
 * -EIO. */
int sr_write(const struct sysroot *sr, const char *path, const char *val);
int sr_writef(const struct sysroot *sr, const char *val, const char *fmt, ...) PRINTF(3, 4);
DIR *sr_opendir(const struct sysroot *sr, const char *path);
bool sr_exists(const struct sysroot *sr, const char *path);
