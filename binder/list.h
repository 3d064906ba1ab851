/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfio-early list: every IOMMU group with its devices (ids, class and
 * pci.ids names, driver, physical slot, path), whether it is isolated, what
 * is protected, and per card the bind line to paste; --tree draws the PCI
 * topology. Reads only (vfio-early(8), conf/check-json.md). */
#pragma once
#include "run.h"

/*
 * A device's path, in the grammar of the path= selector (vfio-early.conf(5)):
 * where it sits below its root bus, without the bus numbers firmware and
 * hotplug renumber. Taken from the resolved sysfs path of
 * sys/bus/pci/devices/ADDR: from the last root-bus component pciDDDD:BB on,
 * every component is a PCI address of that domain. The first (a device on
 * the root bus) is written [DDDD:]BB:DD.F, with the root bus number and the
 * domain only when it is not 0000; every later one DD.F; joined by '/', in
 * lower-case hex as the kernel prints them; at most 8 of them:
 *
 *   ../../../devices/pci0000:00/0000:00:01.1/0000:02:00.0/0000:03:00.0
 *   -> 00:01.1/00.0/00.0
 *
 * The last root bus is taken so that a root bus nested below a device (a
 * VMD domain) starts its own path. Returns 0, -EINVAL when the link does
 * not look like that (or is deeper than 8), or -ENAMETOOLONG; buf is
 * untouched on failure.
 */
#define PCI_PATH_STR_MAX 128
#define PCI_PATH_LEVELS 8
int pci_path_string(const char *resolved_link, char *buf, size_t size);

/* Prints the list of r's device table (scan_full) and protected list.
 * json and tree are mutually exclusive (main.c). Returns the exit
 * status. */
int list_show(const struct run *r, bool json, bool tree);
