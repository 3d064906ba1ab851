/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pciaddr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool allhex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return false;
	return true;
}

int pci_addr_parse(const char *tok, struct pci_addr *ret, bool *ret_slot)
{
	const char *c1, *c2, *dot, *bus, *slot;
	uint32_t dom = 0, b, s, f = 0;
	size_t len = strlen(tok);

	if (len == 0 || len > 16)
		return -EINVAL;
	c1 = strchr(tok, ':');
	if (!c1)
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	if (c2) {
		if (strchr(c2 + 1, ':'))
			return -EINVAL;
		/* the kernel always prints at least 4 domain digits */
		if (c1 - tok < 4 || !allhex(tok, (size_t)(c1 - tok)))
			return -EINVAL;
		if (parse_hex(tok, (size_t)(c1 - tok), 8, &dom) < 0)
			return -EINVAL;
		bus = c1 + 1;
		slot = c2 + 1;
	} else {
		bus = tok;
		slot = c1 + 1;
	}
	if (slot - bus != 3)
		return -EINVAL;
	if (!allhex(bus, 2) || parse_hex(bus, 2, 2, &b) < 0)
		return -EINVAL;
	dot = strchr(slot, '.');
	if (dot) {
		if (dot - slot != 2 || strlen(dot + 1) != 1)
			return -EINVAL;
		if (dot[1] < '0' || dot[1] > '7')
			return -EINVAL;
		f = (uint32_t)(dot[1] - '0');
	} else if (strlen(slot) != 2) {
		return -EINVAL;
	}
	if (!allhex(slot, 2) || parse_hex(slot, 2, 2, &s) < 0 || s > 0x1f)
		return -EINVAL;
	ret->domain = dom;
	ret->bus = (uint8_t)b;
	ret->slot = (uint8_t)s;
	ret->func = (uint8_t)f;
	if (ret_slot)
		*ret_slot = !dot;
	else if (!dot)
		return -EINVAL;
	return 0;
}

void pci_addr_fmt(const struct pci_addr *a, char buf[static PCI_ADDR_MAX])
{
	(void)snprintf(buf, PCI_ADDR_MAX, "%04x:%02x:%02x.%x", (unsigned)a->domain, a->bus, a->slot, a->func);
}

bool pci_addr_eq(const struct pci_addr *a, const struct pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot && a->func == b->func;
}

int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b)
{
	uint64_t x = (uint64_t)a->domain << 16 | (unsigned)a->bus << 8 | (unsigned)a->slot << 3 | a->func;
	uint64_t y = (uint64_t)b->domain << 16 | (unsigned)b->bus << 8 | (unsigned)b->slot << 3 | b->func;
	return x < y ? -1 : x > y;
}

bool pci_same_slot(const struct pci_addr *a, const struct pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}

int pci_id_parse(const char *tok, uint16_t *ret_vendor, uint16_t *ret_device)
{
	const char *c = strchr(tok, ':');
	uint32_t v, d;

	if (!c || c - tok != 4 || strlen(c + 1) != 4)
		return -EINVAL;
	if (!allhex(tok, 4) || !allhex(c + 1, 4))
		return -EINVAL;
	if (parse_hex(tok, 4, 4, &v) < 0 || parse_hex(c + 1, 4, 4, &d) < 0)
		return -EINVAL;
	*ret_vendor = (uint16_t)v;
	*ret_device = (uint16_t)d;
	return 0;
}

bool pci_root_bus_parse(const char *s, size_t len, uint32_t *ret_dom, uint32_t *ret_bus)
{
	const char *c;

	if (len < 10 || memcmp(s, "pci", 3) != 0 || !(c = memchr(s + 3, ':', len - 3)))
		return false;
	if (c - (s + 3) < 4 || c - (s + 3) > 8 || (size_t)(s + len - (c + 1)) != 2)
		return false;
	return parse_hex_exact(s + 3, (size_t)(c - (s + 3)), ret_dom) && parse_hex_exact(c + 1, 2, ret_bus);
}

bool pci_addr_component(const char *s, size_t len, struct pci_addr *ret)
{
	char comp[PCI_ADDR_MAX];
	bool slot;
	const char *c;

	if (len >= sizeof(comp))
		return false;
	memcpy(comp, s, len);
	comp[len] = '\0';
	c = strchr(comp, ':');
	if (!c || !strchr(c + 1, ':'))
		return false;
	return pci_addr_parse(comp, ret, &slot) == 0 && !slot;
}

int pci_path_string(const char *resolved_link, char *buf, size_t size)
{
	const char *from = NULL, *c, *e;
	char tmp[PCI_PATH_STR_MAX];
	uint32_t dom = 0, bus = 0, d, b;
	size_t len = 0, n = 0;

	for (c = resolved_link; *c; c = *e ? e + 1 : e) {
		e = strchrnul(c, '/');
		if (pci_root_bus_parse(c, (size_t)(e - c), &d, &b)) {
			from = e;
			dom = d;
			bus = b;
		}
	}
	if (!from)
		return -EINVAL;
	for (c = from; *c; c = *e ? e + 1 : e) {
		struct pci_addr a;
		int w;
		e = strchrnul(c, '/');
		if (e == c)
			continue;
		if (!pci_addr_component(c, (size_t)(e - c), &a) || a.domain != dom || (n == 0 && a.bus != bus) || n == PCI_PATH_LEVELS)
			return -EINVAL;
		if (n++ == 0)
			w = a.domain ? snprintf(tmp, sizeof(tmp), "%04x:%02x:%02x.%x", (unsigned)a.domain, a.bus, a.slot, a.func)
				     : snprintf(tmp, sizeof(tmp), "%02x:%02x.%x", a.bus, a.slot, a.func);
		else
			w = snprintf(tmp + len, sizeof(tmp) - len, "/%02x.%x", a.slot, a.func);
		if (w < 0 || (size_t)w >= sizeof(tmp) - len)
			return -ENAMETOOLONG;
		len += (size_t)w;
	}
	if (n == 0)
		return -EINVAL;
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, tmp, len + 1);
	return 0;
}
