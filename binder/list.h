/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfio-early list: every IOMMU group with its devices (ids, class and
 * pci.ids names, driver, physical slot, path), whether it is isolated, what
 * is protected, and per card the bind line to paste; --tree draws the PCI
 * topology. Reads only (vfio-early(8), conf/check-json.md). */
#pragma once
#include "run.h"

/* Prints the list of r's device table (scan_full) and protected list.
 * json and tree are mutually exclusive (main.c). Returns the exit
 * status. */
int list_show(const struct run *r, bool json, bool tree);
