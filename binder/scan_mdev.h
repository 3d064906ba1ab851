/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the mdev rules need to know about the host, read only: each
 * candidate parent (a PCI device a rule selects, or a device named in
 * /sys/class/mdev_bus), whether it registered with the mdev core, its
 * mdev_supported_types, every mediated device that exists, and what tells
 * why a parent is not registered (its driver, i915.enable_gvt, kvmgt). */
#pragma once
#include "device.h"
#include "parse.h"
#include "sysroot.h"

struct mdev_type_info {
	char name[MDEV_NAME_MAX]; /* the directory name, e.g. mtty-2 */
	char pretty[64]; /* its "name" file, "" when absent */
	char description[256]; /* "" when absent (optional in the kernel) */
	char device_api[32];
	int available; /* available_instances, -1 unreadable */
};

struct mdev_parent_info {
	char name[MDEV_NAME_MAX]; /* device name: 0000:00:02.0, mtty */
	char dir[SR_PATH_MAX]; /* sysroot-relative directory of the device */
	bool is_pci;
	size_t pci; /* is_pci: index into the mdev devtab */
	bool found; /* the device exists */
	bool registered; /* it has mdev_supported_types */
	char driver[DRV_MAX]; /* "" none */
	bool to_vfio; /* check: the config puts it on vfio-pci */
	struct mdev_type_info *types;
	size_t ntypes;
};

struct mdev_dev_info {
	struct uuid uuid;
	char parent[MDEV_NAME_MAX]; /* "" unknown */
	char type[MDEV_NAME_MAX]; /* "" unknown */
};

struct mdev_facts {
	struct devtab t; /* the PCI devices the mdev rules select */
	struct mdev_parent_info *p;
	size_t np, capp;
	struct mdev_dev_info *d; /* every mediated device on the host */
	size_t nd, capd;
	bool bus; /* sys/bus/mdev exists: the mdev core is loaded */
	struct strlist registered; /* every name in sys/class/mdev_bus */
	int gvt; /* sys/module/i915/parameters/enable_gvt: 1 Y, 0 N, -1 absent */
	bool kvmgt; /* sys/module/kvmgt exists */
};

/* Reads the facts for cfg's mdev rules, every parent (mdev-apply --parent
 * too: which parent a UUID goes to is decided over all of them, as check
 * decides it). Problems go to notes. Returns -errno when the PCI devices
 * cannot be read at all. */
int scan_mdev(const struct sysroot *sr, const struct config *cfg, struct mdev_facts *ret, struct strlist *notes);
/* The mediated devices again (after apply's writes). */
void scan_mdev_devices(const struct sysroot *sr, struct mdev_facts *f);
void mdev_facts_free(struct mdev_facts *f);
