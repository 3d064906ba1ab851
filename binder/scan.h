/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scan stage: sysroot -> device table. */
#pragma once
#include "device.h"
#include "parse.h"
#include "sysroot.h"

/* Reads every PCI device once. */
/* sriov: also read SR-IOV attributes (sriov_*, physfn): only needed when
 * the config has sriov rules. */
int scan_full(const struct sysroot *sr, bool sriov, struct devtab *ret);
/* Reads only devices named by address selectors and the members of their
 * IOMMU groups: the cost of an address-only config does not grow with the
 * size of the host. slots: also every function of a bind rule's slot
 * (check's hint about a card's functions left in other groups). */
int scan_targets(const struct sysroot *sr, const struct config *cfg, bool slots, struct devtab *ret);
/* Adds one device (a VF created by apply) and its group's members. */
void scan_add(const struct sysroot *sr, struct devtab *t, const struct pci_addr *a);
/* Reads one device (used by scan and by apply's re-verification). */
int scan_one(const struct sysroot *sr, const struct pci_addr *a, bool sriov, struct pci_dev *ret);
int scan_driver(const struct sysroot *sr, const char *name, char *buf, size_t size);
/* What slot=, path= and serial= rules select by: physical slot names,
 * device paths, PCIe Device Serial Numbers (root only: a note when they are
 * hidden), read for every device in t: those in facts, which for boot and
 * check are the ones cfg's rules use (an address-only config reads none),
 * for list all of them. */
enum { FACT_PHYSSLOT = 1u, FACT_PATH = 2u, FACT_SERIAL = 4u, FACT_ALL = 7u };
unsigned config_selector_facts(const struct config *cfg);
void scan_selector_facts(const struct sysroot *sr, unsigned facts, struct devtab *t, struct strlist *notes);
