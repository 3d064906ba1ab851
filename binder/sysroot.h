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

/* Every access below resolves path inside the root: absolute symlinks in a
 * recorded tree stay inside it (openat2 RESOLVE_IN_ROOT where the kernel
 * has it; plain openat on the live root "/" and on kernels without it). */
int sr_open(const struct sysroot *sr, const char *path, int flags);
/* Reads a small attribute: at most size-1 bytes, NUL-terminated, trailing
 * newline stripped. Returns the length or -errno (-ENOENT: absent). */
int sr_read(const struct sysroot *sr, const char *path, char *buf, size_t size);
int sr_readf(const struct sysroot *sr, char *buf, size_t size, const char *fmt, ...) PRINTF(4, 5);
/* Reads a whole file of at most max bytes into *ret (NUL-terminated). */
int sr_read_all(const struct sysroot *sr, const char *path, size_t max, char **ret, size_t *ret_len);
/* A symlink's target (its directory resolved inside the root, the link
 * itself read), and its last component ("driver" -> "nouveau"). */
int sr_readlink(const struct sysroot *sr, const char *path, char *buf, size_t size);
int sr_readlink_base(const struct sysroot *sr, const char *path, char *buf, size_t size);
/* One unbuffered write() of the whole value; EINTR retried; short write is
 * -EIO. */
int sr_write(const struct sysroot *sr, const char *path, const char *val);
DIR *sr_opendir(const struct sysroot *sr, const char *path);
bool sr_exists(const struct sysroot *sr, const char *path);

/* PCI sysfs paths are spelled in one place: "sys/bus/pci/KIND/NAME/ATTR"
 * (KIND "devices" or "drivers"; ATTR "" the directory itself) into buf, or
 * NULL when it does not fit. Every sr_* function answers a NULL path with
 * -ENAMETOOLONG (false for sr_exists): a path is never truncated. */
#define SR_PATH_MAX 512
const char *pci_path(char buf[static SR_PATH_MAX], const char *kind, const char *name, const char *attr);
/* The device attributes read and written most: DEV/ATTR. */
int sr_dev_read(const struct sysroot *sr, const char *dev, const char *attr, char *buf, size_t size);
int sr_dev_write(const struct sysroot *sr, const char *dev, const char *attr, const char *val);
/* The last component of the link DEV/ATTR ("driver", "iommu_group", "physfn", "virtfnN"). */
int sr_dev_link(const struct sysroot *sr, const char *dev, const char *attr, char *buf, size_t size);
/* drivers_probe: the PCI core finds DEV a driver (driver_override first). */
int sr_probe(const struct sysroot *sr, const char *dev);
