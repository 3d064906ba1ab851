/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device table (what scan reads, what plan and apply work on) and PCI
 * class facts. Pure. */
#pragma once
#include "pciaddr.h"

#define DRV_MAX 64

struct pci_dev {
	struct pci_addr addr;
	char name[PCI_ADDR_MAX];
	uint16_t vendor, device, sub_vendor, sub_device;
	uint32_t class; /* 24 bits: base, sub, prog-if */
	int group; /* -1: no iommu_group link */
	char driver[DRV_MAX]; /* "" : none */
	int boot_vga; /* -1: no boot_vga attribute */
	int sriov_total; /* -1: not an SR-IOV PF */
	int sriov_num;
	int sriov_offset, sriov_stride;
	int sriov_autoprobe; /* -1 unknown */
	char modalias[96];
	bool is_vf;
	struct pci_addr physfn;
	bool virtual_vf; /* planned VF that does not exist yet */
	int vf_index;
	char problem[128]; /* odd sysfs, e.g. "class unreadable (EBADMSG)" */
	/* Read only when wanted (scan_selector_facts): */
	char physslot[64]; /* name of the physical slot it sits in, "" none */
	char path[PCI_PATH_STR_MAX]; /* pci_path_string, "" unknown */
	bool has_dsn; /* dsn: the card's PCIe Device Serial Number */
	uint64_t dsn;
};

struct devtab {
	struct pci_dev *v;
	size_t n, cap;
	bool iommu; /* /sys/kernel/iommu_groups has entries */
	size_t ngroups;
	bool ngroups_known; /* counted (full scan); else ngroups is 0 or 1 */
	bool full; /* every device was read (else: only named + groups) */
	char kver[65]; /* kernel release of the sysroot */
	struct strlist problems;
};

/* vfio drivers: the generic vfio-pci and the variant drivers built on
 * vfio_pci_core, which bind only through driver_override and whose module
 * aliases begin "vfio_pci:" (PCI_DRIVER_OVERRIDE_DEVICE_VFIO id entries). */
#define VFIO_GENERIC_DRIVER "vfio-pci"
#define VFIO_GENERIC_MODULE "vfio_pci"
#define MODULE_NAME_MAX 56 /* the kernel's MODULE_NAME_LEN */
#define MODULE_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

/* Driver and module names compare with '-' and '_' alike, as libkmod and
 * the kernel's module names do. */
bool driver_name_eq(const char *a, const char *b);
/* vfio-pci or a variant: every variant in Linux (mlx5, hisi_acc, pds,
 * virtio, qat, nvgrace-gpu, ...) is named "..._vfio_pci" or "...-vfio-pci". */
bool pci_driver_is_vfio(const char *drv);
/* "vfio_pci:v0000VVVVd0000DDDDsv...": the device's modalias with the
 * prefix variant drivers' aliases carry. */
void pci_vfio_modalias(const struct pci_dev *d, char *buf, size_t size);

struct alias_match {
	char pattern[128];
	char module[MODULE_NAME_MAX];
	unsigned wildcards; /* '*' in pattern */
};
/* Among the "alias PATTERN MODULE" lines of a modules.alias text (len
 * bytes), the best match for modalias with a PATTERN beginning with prefix
 * and a MODULE other than skip: the fewest '*' wins (a named device beats a
 * vendor-wide or catch-all entry, as libvirt chooses), the first of equals.
 * False when none matches. */
bool alias_best_match(const char *text, size_t len, const char *prefix, const char *modalias, const char *skip, struct alias_match *ret);

bool pci_class_is_bridge(uint32_t class);
/* "SATA", "HD audio": short, for tables and JSON. */
const char *pci_class_name(uint32_t class);
/* "a SATA controller", "an ISA bridge": for sentences. */
const char *pci_class_noun(uint32_t class);
struct pci_dev *devtab_find(const struct devtab *t, const struct pci_addr *a);
void devtab_free(struct devtab *t);
