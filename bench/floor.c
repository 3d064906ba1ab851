/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's floor for a full PCI scan: the fewest syscalls a scanner can
 * make per device (list the devices; open, read, close uevent; readlink
 * iommu_group), nothing else. bench/run.sh times it next to vfio-early so a
 * missed time target shows whether user space or the kernel bounds it.
 *
 *   floor SYSROOT      (paths relative to one root dirfd, as vfio-early does,
 *                       but plain openat: no RESOLVE_IN_ROOT)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[512], buf[1024];
	unsigned long n = 0, bytes = 0;
	int root, fd;
	DIR *d;
	struct dirent *e;

	if (argc != 2)
		return 100;
	root = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0 || (fd = openat(root, "sys/bus/pci/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 111;
	d = fdopendir(fd);
	if (!d)
		return 111;
	while ((e = readdir(d))) {
		ssize_t r;
		if (e->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/uevent", e->d_name);
		fd = openat(root, path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			r = read(fd, buf, sizeof(buf));
			bytes += r > 0 ? (unsigned long)r : 0;
			close(fd);
		}
		(void)snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/iommu_group", e->d_name);
		r = readlinkat(root, path, buf, sizeof(buf));
		bytes += r > 0 ? (unsigned long)r : 0;
		n++;
	}
	closedir(d);
	printf("%lu devices, %lu bytes\n", n, bytes);
	return 0;
}
