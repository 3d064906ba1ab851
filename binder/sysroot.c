/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sysroot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10
#endif

struct open_how_compat {
	uint64_t flags, mode, resolve;
};

#ifdef VFIO_EARLY_FAULTS
#include "faults.h"
#endif

static bool have_openat2 = true;

int sysroot_open(struct sysroot *sr, const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	sr->fd = fd;
	sr->path = dir;
	sr->is_root = streq(dir, "/");
	return 0;
}

void sysroot_close(struct sysroot *sr)
{
	if (sr->fd >= 0)
		(void)close(sr->fd);
	sr->fd = -1;
}

int sr_open(const struct sysroot *sr, const char *path, int flags)
{
	int fd;

	flags |= O_CLOEXEC;
	while (*path == '/')
		path++;
	if (!sr->is_root && have_openat2) {
		struct open_how_compat how = { .flags = (uint64_t)flags, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
		fd = (int)syscall(SYS_openat2, sr->fd, path, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		have_openat2 = false; /* old kernel or seccomp: plain openat */
	}
	fd = openat(sr->fd, path, flags);
	return fd < 0 ? -errno : fd;
}

int sr_read(const struct sysroot *sr, const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

#ifdef VFIO_EARLY_FAULTS
	int injected = fault_check(FOP_READ, path, NULL);
	if (injected < 0)
		return injected;
#endif
	fd = sr_open(sr, path, O_RDONLY);
	if (fd < 0)
		return fd;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = -errno;
		(void)close(fd);
		return e;
	}
	(void)close(fd);
#ifdef VFIO_EARLY_FAULTS
	if (injected > 0)
		n /= 2; /* injected short read */
#endif
	if (memchr(buf, '\0', (size_t)n))
		return -EBADMSG; /* sysfs text attributes never hold NUL */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return (int)n;
}

/* A formatted sysfs path; too long is an error, never a truncated path. */
static int fmt_path(char path[static 512], const char *fmt, va_list ap)
{
	int n = vsnprintf(path, 512, fmt, ap);
	return n < 0 || n >= 512 ? -ENAMETOOLONG : 0;
}

int sr_readf(const struct sysroot *sr, char *buf, size_t size, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_path(path, fmt, ap);
	va_end(ap);
	return r < 0 ? r : sr_read(sr, path, buf, size);
}

int sr_read_all(const struct sysroot *sr, const char *path, size_t max, char **ret, size_t *ret_len)
{
	struct strbuf sb = { 0 };
	char buf[4096];
	int fd = sr_open(sr, path, O_RDONLY);

	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;
			(void)close(fd);
			sb_free(&sb);
			return e;
		}
		if (n == 0)
			break;
		if (sb.len + (size_t)n > max) {
			(void)close(fd);
			sb_free(&sb);
			return -EFBIG;
		}
		sb_add(&sb, buf, (size_t)n);
	}
	(void)close(fd);
	if (ret_len)
		*ret_len = sb.len;
	*ret = sb_steal(&sb);
	return 0;
}

int sr_readlink(const struct sysroot *sr, const char *path, char *buf, size_t size)
{
	ssize_t n;

	while (*path == '/')
		path++;
#ifdef VFIO_EARLY_FAULTS
	int injected = fault_check(FOP_READLINK, path, NULL);
	if (injected < 0)
		return injected;
#endif
	n = readlinkat(sr->fd, path, buf, size - 1);
	if (n < 0)
		return -errno;
#ifdef VFIO_EARLY_FAULTS
	if (injected > 0)
		n /= 2; /* injected short readlink */
#endif
	buf[n] = '\0';
	return (int)n;
}

int sr_readlink_base(const struct sysroot *sr, const char *path, char *buf, size_t size)
{
	char tmp[512];
	int n = sr_readlink(sr, path, tmp, sizeof(tmp));
	const char *base;

	if (n < 0)
		return n;
	base = strrchr(tmp, '/');
	base = base ? base + 1 : tmp;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

int sr_write(const struct sysroot *sr, const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;

#ifdef VFIO_EARLY_FAULTS
	int injected = fault_check(FOP_WRITE, path, val);
	if (injected < 0)
		return injected;
#endif
	fd = sr_open(sr, path, O_WRONLY | O_NOCTTY);
	if (fd < 0)
		return fd;
	do
		n = write(fd, val, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = -errno;
		(void)close(fd);
		return e;
	}
	(void)close(fd);
#ifdef VFIO_EARLY_FAULTS
	/* The fake kernel acts on the whole value; an injected short write is
	 * reported after that, as from a store that returned less. */
	if ((size_t)n == len) {
		int k = fault_kernel(sr->fd, path, val);
		if (k < 0)
			return k;
		if (injected > 0)
			return -EIO;
	}
#endif
	return (size_t)n == len ? 0 : -EIO;
}

int sr_writef(const struct sysroot *sr, const char *val, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_path(path, fmt, ap);
	va_end(ap);
	return r < 0 ? r : sr_write(sr, path, val);
}

DIR *sr_opendir(const struct sysroot *sr, const char *path)
{
	int fd;
	DIR *d;

#ifdef VFIO_EARLY_FAULTS
	if ((fd = fault_check(FOP_OPENDIR, path, NULL)) < 0) {
		errno = -fd;
		return NULL;
	}
#endif
	fd = sr_open(sr, *path ? path : ".", O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d) {
		int e = errno;
		(void)close(fd);
		errno = e;
	}
	return d;
}

bool sr_exists(const struct sysroot *sr, const char *path)
{
	struct stat st;
	while (*path == '/')
		path++;
#ifdef VFIO_EARLY_FAULTS
	if (fault_check(FOP_EXISTS, path, NULL) < 0)
		return false;
#endif
	return fstatat(sr->fd, path, &st, 0) == 0;
}
