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
