/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI addresses and vendor:device ids: parse, print, compare. Pure. */
#pragma once
#include "util.h"

struct pci_addr {
	uint32_t domain;
	uint8_t bus, slot, func;
};
#define PCI_ADDR_MAX 20 /* "ffffffff:ff:1f.7" + NUL, rounded */

/* Strict: [DDDD:]BB:SS[.F], hex, slot <= 1f, function <= 7. *ret_slot is set
 * when the function was omitted (a whole slot). Nothing else is accepted, so
 * no parsed address can carry a path component into a sysfs path. */
int pci_addr_parse(const char *tok, struct pci_addr *ret, bool *ret_slot);
void pci_addr_fmt(const struct pci_addr *a, char buf[static PCI_ADDR_MAX]);
bool pci_addr_eq(const struct pci_addr *a, const struct pci_addr *b);
int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b);
/* Same domain, bus and slot: two functions of one card. */
bool pci_same_slot(const struct pci_addr *a, const struct pci_addr *b);
/* "10de:2204" */
int pci_id_parse(const char *tok, uint16_t *ret_vendor, uint16_t *ret_device);

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
#define PCI_PATH_STR_MAX 64 /* 8 levels: at most 51 bytes */
#define PCI_PATH_LEVELS 8
int pci_path_string(const char *resolved_link, char *buf, size_t size);
/* Parts of such a link: a root bus directory "pciDDDD:BB" (4 to 8 domain
 * digits), and a device directory "DDDD:BB:SS.F" (the kernel always writes
 * the domain); len bytes of s, not NUL-terminated. */
bool pci_root_bus_parse(const char *s, size_t len, uint32_t *ret_dom, uint32_t *ret_bus);
bool pci_addr_component(const char *s, size_t len, struct pci_addr *ret);
