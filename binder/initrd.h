/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Lists an initramfs image (early uncompressed cpio parts, then a
 * compressed main archive read through an external decompressor): check
 * only, never apply. */
#pragma once
#include "util.h"

enum img_state {
	IMG_NO_BOOT, /* the sysroot has no boot/ directory: not judged */
	IMG_MISSING, /* boot/ exists, no image for the kernel */
	IMG_READ, /* listed completely */
	IMG_UNREADABLE, /* compressed with no decompressor at hand, or damaged */
};

struct initrd_facts {
	enum img_state state;
	char path[160]; /* sysroot-relative, e.g. "boot/initrd.img-6.1.0-13-amd64" */
	char compression[8]; /* of the main archive: "none", "gzip", "zstd", "xz", ... */
	char why[200]; /* IMG_UNREADABLE: what stopped the reader */
	size_t entries;
	bool has_binary; /* .../sbin/vfio-early */
	bool has_boot_script; /* initramfs-tools init-top script or dracut pre-udev hook */
	bool has_vfio_pci, has_vfio, has_type1; /* module files, any compression */
	char vfio_pci_format[8]; /* by content: "elf", "xz", "zstd", "gzip", "?" */
	bool has_config;
	char *config; /* etc/vfio-early.conf in the image (owned) */
	size_t config_len;
};

void initrd_read(int fd, struct initrd_facts *ret);
/* A module file's format from its first 6 bytes: "elf", "xz", "zstd",
 * "gzip" or "?". */
const char *module_format(const unsigned char m[6]);
