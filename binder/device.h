/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scan stage: sysroot -> device table. */
#pragma once
#include "rules.h"
#include "sysroot.h"

#define DRV_MAX 64

struct pci_dev {
	struct pci_addr addr;
	char name[PCI_ADDR_MAX];
	uint16_t vendor, device, sub_vendor, sub_device;
	uint32_t class;     /* 24 bits: base, sub, prog-if */
	int group;          /* -1: no iommu_group link */
	char driver[DRV_MAX];   /* "" : none */
	int boot_vga;       /* -1: no boot_vga attribute */
	int sriov_total;    /* -1: not an SR-IOV PF */
	int sriov_num;
	int sriov_offset, sriov_stride;
	int sriov_autoprobe; /* -1 unknown */
	char modalias[96];
	bool is_vf;
	struct pci_addr physfn;
	bool virtual_vf;    /* planned VF that does not exist yet */
	int vf_index;
	char problem[128];  /* odd sysfs, e.g. "class unreadable (EBADMSG)" */
};

struct devtab {
	struct pci_dev *v;
	size_t n, cap;
	bool iommu;         /* /sys/kernel/iommu_groups has entries */
	size_t ngroups;
	bool ngroups_known; /* counted (full scan); else ngroups is 0 or 1 */
	bool full;          /* every device was read (else: only named + groups) */
	char kver[65];      /* kernel release of the sysroot */
	struct strlist problems;
};

bool pci_class_is_bridge(uint32_t class);
const char *pci_class_name(uint32_t class);

/* Reads every PCI device once. */
/* sriov: also read SR-IOV attributes (sriov_*, physfn): only needed when
 * the config has sriov rules. */
int scan_full(const struct sysroot *sr, bool sriov, struct devtab *ret);
bool config_has_sriov(const struct config *cfg);
/* Reads only devices named by address selectors and the members of their
 * IOMMU groups: the cost of an address-only config does not grow with the
 * size of the host. */
int scan_targets(const struct sysroot *sr, const struct config *cfg, struct devtab *ret);
/* True when every rule that selects devices names an address. */
bool config_address_only(const struct config *cfg);
/* Adds one device (a VF created by apply) and its group's members. */
void scan_add(const struct sysroot *sr, struct devtab *t, const struct pci_addr *a);
void devtab_free(struct devtab *t);
struct pci_dev *devtab_find(const struct devtab *t, const struct pci_addr *a);
/* Reads one device (used by scan and by apply's re-verification). */
int scan_one(const struct sysroot *sr, const struct pci_addr *a, bool sriov, struct pci_dev *ret);
int scan_driver(const struct sysroot *sr, const char *name, char *buf, size_t size);
