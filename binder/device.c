/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device table and PCI class facts. Pure. */
#include "device.h"

#include <stdlib.h>
#include <string.h>

bool pci_class_is_bridge(uint32_t class)
{
	/* PCI-to-PCI (0604), CardBus (0607), semi-transparent PCI (0609):
	 * header types 1 and 2. They stay on pcieport or nothing. */
	uint32_t c = class >> 8;
	return c == 0x0604 || c == 0x0607 || c == 0x0609;
}

const char *pci_class_name(uint32_t class)
{
	static const struct {
		uint32_t cls;
		const char *name;
	} names[] = {
		{ 0x0100, "SCSI storage" }, { 0x0101, "IDE" }, { 0x0104, "RAID" }, { 0x0106, "SATA" },
		{ 0x0107, "SAS" }, { 0x0108, "NVMe" }, { 0x0180, "storage" }, { 0x0200, "Ethernet" },
		{ 0x0280, "network" }, { 0x0300, "VGA" }, { 0x0302, "3D" }, { 0x0380, "display" },
		{ 0x0401, "audio" }, { 0x0403, "HD audio" }, { 0x0500, "RAM controller" },
		{ 0x0580, "memory controller" }, { 0x0600, "host bridge" }, { 0x0601, "ISA bridge" },
		{ 0x0604, "PCI bridge" }, { 0x0c03, "USB" }, { 0x0c05, "SMBus" }, { 0x0c80, "serial bus" },
		{ 0x0880, "system peripheral" }, { 0x1180, "signal processing" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].cls == class >> 8)
			return names[i].name;
	return "device";
}

struct pci_dev *devtab_find(const struct devtab *t, const struct pci_addr *a)
{
	for (size_t i = 0; i < t->n; i++)
		if (pci_addr_eq(&t->v[i].addr, a))
			return &t->v[i];
	return NULL;
}

void devtab_free(struct devtab *t)
{
	free(t->v);
	sl_free(&t->problems);
	memset(t, 0, sizeof(*t));
}
