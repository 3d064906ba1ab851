/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Protected devices: what the host needs, each with why. Filled from the
 * list written at image build time (protlist_parse) or computed on the live
 * host (protected.h). Pure. */
#pragma once
#include "pciaddr.h"

struct protected_dev {
	struct pci_addr addr;
	char *why;
};

struct protlist {
	struct protected_dev *v;
	size_t n, cap;
};
void protlist_add(struct protlist *p, const struct pci_addr *a, const char *why);
const struct protected_dev *protlist_find(const struct protlist *p, const struct pci_addr *a);
void protlist_free(struct protlist *p);
/* "ADDR<TAB>why" lines, '#' comments. Bad lines are reported in errs. */
void protlist_parse(struct protlist *p, const char *name, const char *text, struct strlist *errs);
