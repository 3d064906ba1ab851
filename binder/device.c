/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device table and PCI class facts. Pure. */
#include "device.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool driver_name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return false;
	return *a == *b;
}

bool pci_driver_is_vfio(const char *drv)
{
	size_t n = strlen(drv), m = strlen("vfio-pci");
	return n >= m && driver_name_eq(drv + n - m, "vfio-pci") && (n == m || drv[n - m - 1] == '-' || drv[n - m - 1] == '_');
}

void pci_vfio_modalias(const struct pci_dev *d, char *buf, size_t size)
{
	/* The kernel's own format (pci_uevent); built from the ids when the
	 * tree has no uevent MODALIAS line. */
	if (startswith(d->modalias, "pci:"))
		(void)snprintf(buf, size, "vfio_%s", d->modalias);
	else
		(void)snprintf(buf, size, "vfio_pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", d->vendor, d->device, d->sub_vendor, d->sub_device,
			       (unsigned)(d->class >> 16) & 0xff, (unsigned)(d->class >> 8) & 0xff, (unsigned)d->class & 0xff);
}

/* One "alias PATTERN MODULE" line at s (up to end) into ret; false when
 * it is not one or a field does not fit. */
static bool alias_line(const char *s, const char *end, struct alias_match *ret)
{
	const char *p = s + strlen("alias "), *q;
	size_t n;

	q = p;
	while (q < end && *q != ' ' && *q != '\t')
		q++;
	n = (size_t)(q - p);
	if (q == end || n == 0 || n >= sizeof(ret->pattern))
		return false;
	memcpy(ret->pattern, p, n);
	ret->pattern[n] = '\0';
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	p = q;
	while (q < end && *q != ' ' && *q != '\t' && *q != '\r')
		q++;
	n = (size_t)(q - p);
	if (n == 0 || n >= sizeof(ret->module) || strspn(p, MODULE_NAME_CHARS) < n)
		return false; /* the name goes into paths: a module name or nothing */
	memcpy(ret->module, p, n);
	ret->module[n] = '\0';
	ret->wildcards = 0;
	for (const char *c = ret->pattern; *c; c++)
		ret->wildcards += *c == '*';
	return true;
}

bool alias_best_match(const char *text, size_t len, const char *prefix, const char *modalias, const char *skip, struct alias_match *ret)
{
	const char *end = text + len, *s = text;
	size_t plen = strlen(prefix);
	bool found = false;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		struct alias_match m;

		if ((size_t)(eol - s) > strlen("alias ") + plen && !memcmp(s, "alias ", 6) && !memcmp(s + 6, prefix, plen) && alias_line(s, eol, &m) &&
		    !driver_name_eq(m.module, skip) && (!found || m.wildcards < ret->wildcards) && fnmatch(m.pattern, modalias, 0) == 0) {
			*ret = m;
			found = true;
		}
		s = eol + 1;
	}
	return found;
}

bool pci_class_is_bridge(uint32_t class)
{
	/* PCI-to-PCI (0604), CardBus (0607), semi-transparent PCI (0609):
	 * header types 1 and 2. They stay on pcieport or nothing. */
	uint32_t c = class >> 8;
	return c == 0x0604 || c == 0x0607 || c == 0x0609;
}

static const struct {
	uint16_t cls;
	const char *name; /* short, for tables and JSON */
	const char *noun; /* for sentences */
} class_names[] = {
	{ 0x0100, "SCSI storage", "a SCSI storage controller" },
	{ 0x0101, "IDE", "an IDE controller" },
	{ 0x0104, "RAID", "a RAID controller" },
	{ 0x0106, "SATA", "a SATA controller" },
	{ 0x0107, "SAS", "a SAS controller" },
	{ 0x0108, "NVMe", "an NVMe drive" },
	{ 0x0180, "storage", "a storage controller" },
	{ 0x0200, "Ethernet", "an Ethernet controller" },
	{ 0x0280, "network", "a network controller" },
	{ 0x0300, "VGA", "a VGA controller" },
	{ 0x0302, "3D", "a 3D controller" },
	{ 0x0380, "display", "a display controller" },
	{ 0x0401, "audio", "an audio device" },
	{ 0x0403, "HD audio", "an HD audio controller" },
	{ 0x0500, "RAM controller", "a RAM controller" },
	{ 0x0580, "memory controller", "a memory controller" },
	{ 0x0600, "host bridge", "a host bridge" },
	{ 0x0601, "ISA bridge", "an ISA bridge" },
	{ 0x0604, "PCI bridge", "a PCI bridge" },
	{ 0x0c03, "USB", "a USB controller" },
	{ 0x0c05, "SMBus", "an SMBus controller" },
	{ 0x0c80, "serial bus", "a serial bus controller" },
	{ 0x0880, "system peripheral", "a system peripheral" },
	{ 0x1180, "signal processing", "a signal processing controller" },
};

const char *pci_class_name(uint32_t class)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_names); i++)
		if (class_names[i].cls == class >> 8)
			return class_names[i].name;
	return "device";
}

const char *pci_class_noun(uint32_t class)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_names); i++)
		if (class_names[i].cls == class >> 8)
			return class_names[i].noun;
	return "a PCI device";
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
