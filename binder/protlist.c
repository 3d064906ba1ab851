/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "protlist.h"

#include <stdlib.h>
#include <string.h>

void protlist_add(struct protlist *p, const struct pci_addr *a, const char *why)
{
	for (size_t i = 0; i < p->n; i++)
		if (pci_addr_eq(&p->v[i].addr, a)) {
			/* One device, several reasons (root and swap on one disk). */
			char *old = p->v[i].why;
			if (strstr(old, why) || strlen(old) > 400)
				return;
			p->v[i].why = xasprintf("%s; %s", old, why);
			free(old);
			return;
		}
	GROW(p->v, p->cap, p->n);
	p->v[p->n].addr = *a;
	p->v[p->n].why = xstrdup(why);
	p->n++;
}

const struct protected_dev *protlist_find(const struct protlist *p, const struct pci_addr *a)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (pci_addr_eq(&p->v[i].addr, a))
			return &p->v[i];
	return NULL;
}

void protlist_free(struct protlist *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].why);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void protlist_parse(struct protlist *p, const char *name, const char *text, struct strlist *errs)
{
	char *dup = xstrdup(text), *save = NULL;
	unsigned line = 0;

	for (char *l = dup; l; l = save) {
		char *nl = strchr(l, '\n'), *why;
		struct pci_addr a;
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		line++;
		l = strip(l);
		if (!*l || *l == '#')
			continue;
		why = l + strcspn(l, " \t");
		if (*why)
			*why++ = '\0';
		why = strip(why);
		if (pci_addr_parse(l, &a, NULL) < 0) {
			sl_addf(errs, "%s:%u: '%.40s' is not a full PCI address; line ignored", name, line, l);
			continue;
		}
		protlist_add(p, &a, *why ? why : "listed at image build time");
	}
	free(dup);
}
