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

	if (!path)
		return -ENAMETOOLONG;
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

/* One read() into rbuf, or one write() of wbuf, of a sysfs attribute:
 * opened, EINTR retried, closed. Returns the byte count or -errno. */
static ssize_t attr_io(const struct sysroot *sr, const char *path, char *rbuf, const char *wbuf, size_t len)
{
	int fd = sr_open(sr, path, wbuf ? O_WRONLY | O_NOCTTY : O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return fd;
	do
		n = wbuf ? write(fd, wbuf, len) : read(fd, rbuf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	(void)close(fd);
	return n;
}

int sr_read(const struct sysroot *sr, const char *path, char *buf, size_t size)
{
	ssize_t n;

	if (!path)
		return -ENAMETOOLONG;
#ifdef VFIO_EARLY_FAULTS
	int injected = fault_check(FOP_READ, path, NULL);
	if (injected < 0)
		return injected;
#endif
	n = attr_io(sr, path, buf, NULL, size - 1);
	if (n < 0)
		return (int)n;
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

int sr_readf(const struct sysroot *sr, char *buf, size_t size, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG; /* never a truncated path */
	return sr_read(sr, path, buf, size);
}

int sr_read_all(const struct sysroot *sr, const char *path, size_t max, char **ret, size_t *ret_len)
{
	int fd = sr_open(sr, path, O_RDONLY | O_NONBLOCK);
	int r;

	if (fd < 0)
		return fd;
	r = read_fd_all(fd, max, ret, ret_len);
	(void)close(fd);
	return r;
}

int sr_readlink(const struct sysroot *sr, const char *path, char *buf, size_t size)
{
	const char *base;
	ssize_t n;
	int dirfd;

	if (!path)
		return -ENAMETOOLONG;
	while (*path == '/')
		path++;
#ifdef VFIO_EARLY_FAULTS
	int injected = fault_check(FOP_READLINK, path, NULL);
	if (injected < 0)
		return injected;
#endif
	/* The directory is resolved inside the root like every open; the
	 * link itself is read, not followed. On the live root there is no
	 * outside to escape to: one readlinkat, as sr_open's plain openat. */
	base = sr->is_root ? NULL : strrchr(path, '/');
	if (base) {
		char dir[512];
		if ((size_t)(base - path) >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, path, (size_t)(base - path));
		dir[base - path] = '\0';
		dirfd = sr_open(sr, dir, O_PATH | O_DIRECTORY);
		if (dirfd < 0)
			return dirfd;
		base++;
	} else {
		dirfd = sr->fd;
		base = path;
	}
	n = readlinkat(dirfd, base, buf, size - 1);
	if (n < 0)
		n = -errno;
	if (dirfd != sr->fd)
		(void)close(dirfd);
	if (n < 0)
		return (int)n;
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

	if (!path)
		return -ENAMETOOLONG;
#ifdef VFIO_EARLY_FAULTS
	int injected = fault_check(FOP_WRITE, path, val);
	if (injected < 0)
		return injected;
#endif
	n = attr_io(sr, path, NULL, val, len);
	if (n < 0)
		return (int)n;
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

DIR *sr_opendir(const struct sysroot *sr, const char *path)
{
	int fd;
	DIR *d;

	if (!path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
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
	int fd;

	if (!path)
		return false;
	while (*path == '/')
		path++;
#ifdef VFIO_EARLY_FAULTS
	if (fault_check(FOP_EXISTS, path, NULL) < 0)
		return false;
#endif
	fd = sr_open(sr, *path ? path : ".", O_PATH);
	if (fd < 0)
		return false;
	(void)close(fd);
	return true;
}

const char *pci_path(char buf[static SR_PATH_MAX], const char *kind, const char *name, const char *attr)
{
	int n = snprintf(buf, SR_PATH_MAX, "sys/bus/pci/%s/%s%s%s", kind, name, *attr ? "/" : "", attr);
	return n < 0 || n >= SR_PATH_MAX ? NULL : buf;
}

int sr_dev_read(const struct sysroot *sr, const char *dev, const char *attr, char *buf, size_t size)
{
	char p[SR_PATH_MAX];
	return sr_read(sr, pci_path(p, "devices", dev, attr), buf, size);
}

int sr_dev_write(const struct sysroot *sr, const char *dev, const char *attr, const char *val)
{
	char p[SR_PATH_MAX];
	return sr_write(sr, pci_path(p, "devices", dev, attr), val);
}

int sr_dev_link(const struct sysroot *sr, const char *dev, const char *attr, char *buf, size_t size)
{
	char p[SR_PATH_MAX];
	return sr_readlink_base(sr, pci_path(p, "devices", dev, attr), buf, size);
}

int sr_probe(const struct sysroot *sr, const char *dev)
{
	return sr_write(sr, "sys/bus/pci/drivers_probe", dev);
}
