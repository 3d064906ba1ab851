/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void findings_add(struct findings *f, enum severity sev, const char *code, const char *subject, const char *remedy, const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	struct finding *x;
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	GROW(f->v, f->cap, f->n);
	x = &f->v[f->n++];
	x->sev = sev;
	(void)snprintf(x->code, sizeof(x->code), "%s", code);
	x->subject = xstrdup(subject);
	x->message = sb_steal(&sb);
	x->remedy = remedy ? xstrdup(remedy) : NULL;
}

void findings_free(struct findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].subject);
		free(f->v[i].message);
		free(f->v[i].remedy);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

const char *severity_name(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARN ? "warning" : "info";
}

bool plan_dev_to_vfio(const struct plan_dev *pd, const struct pci_dev *d)
{
	return (pd->act == DA_BIND || pd->act == DA_ALREADY) && !pci_class_is_bridge(d->class);
}

const char *dev_action_name(enum dev_action a)
{
	switch (a) {
	case DA_BIND: return "bind";
	case DA_ALREADY: return "already-bound";
	case DA_SKIP_BRIDGE: return "skip-bridge";
	case DA_KEEP: return "keep";
	}
	return "?";
}

const char *group_action_name(enum group_action a)
{
	switch (a) {
	case GA_BIND: return "bind";
	case GA_ALREADY: return "already-bound";
	case GA_REFUSE: return "refuse";
	}
	return "?";
}

static bool ids_match(const struct selector *s, const struct pci_dev *d)
{
	if (s->has_id && (s->vendor != d->vendor || s->device != d->device))
		return false;
	if (s->has_sub && (s->sub_vendor != d->sub_vendor || s->sub_device != d->sub_device))
		return false;
	return true;
}

bool selector_addr_matches(const struct selector *s, const struct pci_dev *d)
{
	switch (s->kind) {
	case SEL_ADDR:
		return pci_addr_eq(&s->addr, &d->addr);
	case SEL_SLOT:
		return pci_same_slot(&s->addr, &d->addr);
	case SEL_ID:
		return true;
	}
	return false;
}

bool selector_matches(const struct selector *s, const struct pci_dev *d)
{
	return selector_addr_matches(s, d) && ids_match(s, d);
}

static void sel_describe(const struct selector *s, char *buf, size_t size)
{
	char a[PCI_ADDR_MAX];
	int n = 0;

	pci_addr_fmt(&s->addr, a);
	if (s->kind == SEL_ADDR)
		n = snprintf(buf, size, "%s", a);
	else if (s->kind == SEL_SLOT)
		n = snprintf(buf, size, "slot %.*s", (int)strlen(a) - 2, a);
	if (s->has_id && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "%sid=%04x:%04x", n ? " " : "", s->vendor, s->device);
	if (s->has_sub && n >= 0 && (size_t)n < size)
		(void)snprintf(buf + n, size - (size_t)n, " subsystem=%04x:%04x", s->sub_vendor, s->sub_device);
}

static void rule_origin(const struct rule *r, const char *path, char *buf, size_t size)
{
	if (r->line)
		(void)snprintf(buf, size, "%s:%u", path, r->line);
	else
		(void)snprintf(buf, size, "vfio-early.bind on the kernel command line");
}

/* Per device: what selected it, what the selecting rules allow. */
struct selection {
	const struct rule *rule;   /* first bind rule that selected it */
	bool allow_boot_vga, strict;
	const struct rule *mismatch; /* address rule whose ids did not match */
	const struct rule *protect;  /* protect rule matching it */
};

static void select_devices(const struct config *cfg, const struct devtab *t, struct selection *sel, struct plan *p)
{
	for (size_t k = 0; k < cfg->n; k++) {
		const struct rule *r = &cfg->rules[k];
		char desc[96], origin[160];
		size_t hits = 0;

		if (r->kind == RULE_SRIOV)
			continue; /* the PF itself is not bound by an sriov rule */
		for (size_t i = 0; i < t->n; i++) {
			const struct pci_dev *d = &t->v[i];
			if (!selector_addr_matches(&r->sel, d))
				continue;
			if (!ids_match(&r->sel, d)) {
				if (r->sel.kind != SEL_ID && r->kind == RULE_BIND) {
					sel[i].mismatch = r;
					hits++;
				}
				continue;
			}
			hits++;
			if (r->kind == RULE_PROTECT) {
				if (!sel[i].protect)
					sel[i].protect = r;
				continue;
			}
			if (!sel[i].rule)
				sel[i].rule = r;
			sel[i].allow_boot_vga |= r->allow_boot_vga;
			sel[i].strict |= r->strict || cfg->strict_groups;
		}
		if (hits || r->kind == RULE_PROTECT)
			continue;
		sel_describe(&r->sel, desc, sizeof(desc));
		rule_origin(r, cfg->path, origin, sizeof(origin));
		findings_add(&p->findings, SEV_WARN, "rule-no-match", "config", "check the address with 'lspci -nn' (the bus may have been renumbered) or remove the rule",
			     "%s: no device matches '%s'", origin, desc);
	}
}

static struct plan_group *group_for(struct plan *p, int group)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->g[i].group == group && group >= 0)
			return &p->g[i];
	GROW(p->g, p->cap, p->n);
	struct plan_group *g = &p->g[p->n++];
	memset(g, 0, sizeof(*g));
	g->group = group;
	g->act = GA_BIND;
	return g;
}

static void add_member(struct plan_group *g, size_t idx, const struct selection *s)
{
	GROW(g->devs, g->cap, g->n);
	struct plan_dev *pd = &g->devs[g->n++];
	memset(pd, 0, sizeof(*pd));
	pd->idx = idx;
	pd->selected = s->rule != NULL;
	pd->line = s->rule ? s->rule->line : 0;
	pd->by_cmdline = s->rule && s->rule->line == 0;
}

static bool host_critical(uint32_t class)
{
	uint32_t c = class >> 8;
	return c == 0x0600 || c == 0x0601 || c == 0x0c05 || (class >> 16) == 0x05;
}

static void refuse(struct plan_group *g, const char *fmt, ...) PRINTF(2, 3);
static void refuse(struct plan_group *g, const char *fmt, ...)
{
	va_list ap;
	if (g->act == GA_REFUSE)
		return; /* the first reason is the one reported */
	g->act = GA_REFUSE;
	va_start(ap, fmt);
	(void)vsnprintf(g->reason, sizeof(g->reason), fmt, ap);
	va_end(ap);
}

/* Why a group must not be bound, checked in order of importance. */
static void judge_group(const struct config *cfg, const struct devtab *t, const struct protlist *prot, const struct selection *sel, struct plan_group *g)
{
	bool allow_vga = false, strict = false;

	for (size_t k = 0; k < g->n; k++) {
		const struct selection *s = &sel[g->devs[k].idx];
		allow_vga |= s->allow_boot_vga;
		strict |= s->strict;
	}
	/* Most important reason first: what the host needs, then what
	 * cannot be identified, then what the user may override. */
	for (int pass = 0; pass < 5 && g->act != GA_REFUSE; pass++) {
		for (size_t k = 0; k < g->n; k++) {
			const struct pci_dev *d = &t->v[g->devs[k].idx];
			const struct selection *s = &sel[g->devs[k].idx];
			const struct protected_dev *pd = protlist_find(prot, &d->addr);

			if (pass == 0 && pd)
				refuse(g, "%s is protected: %s", d->name, pd->why);
			else if (pass == 0 && s->protect)
				refuse(g, "%s is protected by %s:%u", d->name, cfg->path, s->protect->line);
			else if (pass == 1 && host_critical(d->class))
				refuse(g, "%s is a %s the host needs; a group holding it is never bound", d->name, pci_class_name(d->class));
			else if (pass == 2 && g->group < 0)
				refuse(g, "%s has no IOMMU group; vfio-pci needs one (is the IOMMU enabled for it?)", d->name);
			else if (pass == 2 && d->problem[0] && d->class == 0)
				refuse(g, "%s in the group could not be read (%s); not binding what cannot be identified", d->name, d->problem);
			else if (pass == 3 && s->mismatch && !s->rule) {
				char want[96];
				struct selector ids = s->mismatch->sel;
				ids.kind = SEL_ID;
				sel_describe(&ids, want, sizeof(want));
				refuse(g, "%s is %04x:%04x (subsystem %04x:%04x), but %s:%u expects %s; hardware changed or the bus was renumbered: check and update the rule",
				       d->name, d->vendor, d->device, d->sub_vendor, d->sub_device, cfg->path, s->mismatch->line, want);
			} else if (pass == 4 && d->boot_vga == 1 && !allow_vga)
				refuse(g, "%s is the boot VGA device (the boot console); add allow-boot-vga to the rule if you mean it", d->name);
		}
	}
	if (strict && g->act != GA_REFUSE)
		for (size_t k = 0; k < g->n; k++) {
			const struct pci_dev *d = &t->v[g->devs[k].idx];
			if (!g->devs[k].selected && !pci_class_is_bridge(d->class))
				refuse(g, "strict: %s is in IOMMU group %d but no rule selects it", d->name, g->group);
		}
}

static void decide_devices(const struct devtab *t, struct plan_group *g, struct plan *p)
{
	size_t endpoints = 0, already = 0;

	for (size_t k = 0; k < g->n; k++) {
		struct plan_dev *pd = &g->devs[k];
		const struct pci_dev *d = &t->v[pd->idx];
		if (g->act == GA_REFUSE)
			pd->act = DA_KEEP;
		else if (pci_class_is_bridge(d->class))
			pd->act = DA_SKIP_BRIDGE;
		else if (streq(d->driver, "vfio-pci")) {
			pd->act = DA_ALREADY;
			endpoints++;
			already++;
		} else {
			pd->act = DA_BIND;
			endpoints++;
		}
	}
	if (g->act == GA_REFUSE) {
		p->nrefused++;
		return;
	}
	if (endpoints == 0) {
		g->act = GA_REFUSE;
		(void)snprintf(g->reason, sizeof(g->reason), "only bridges selected; bridges are never bound");
		for (size_t k = 0; k < g->n; k++)
			g->devs[k].act = DA_KEEP;
		p->nrefused++;
	} else if (already == endpoints) {
		g->act = GA_ALREADY;
		p->nalready++;
	} else {
		p->nbind++;
	}
}

static int cmp_group(const void *a, const void *b)
{
	const struct plan_group *x = a, *y = b;
	return (x->group > y->group) - (x->group < y->group);
}

void plan_build(const struct config *cfg, const struct devtab *t, const struct protlist *prot, struct plan *p)
{
	struct selection *sel = xcalloc(t->n, sizeof(*sel));

	memset(p, 0, sizeof(*p));
	select_devices(cfg, t, sel, p);
	for (size_t i = 0; i < t->n; i++) {
		const struct pci_dev *d = &t->v[i];
		if (!sel[i].rule && !sel[i].mismatch)
			continue;
		struct plan_group *g = group_for(p, d->group);
		if (d->group < 0) {
			add_member(g, i, &sel[i]);
			continue;
		}
		if (g->n)
			continue; /* members already added by an earlier device */
		for (size_t j = 0; j < t->n; j++)
			if (t->v[j].group == d->group)
				add_member(g, j, &sel[j]);
	}
	if (p->n)
		qsort(p->g, p->n, sizeof(*p->g), cmp_group);
	for (size_t k = 0; k < p->n; k++) {
		judge_group(cfg, t, prot, sel, &p->g[k]);
		decide_devices(t, &p->g[k], p);
	}
	if (!t->iommu)
		findings_add(&p->findings, SEV_ERROR, "no-iommu", "host",
			     "enable VT-d / AMD-Vi in the firmware and add intel_iommu=on (Intel) or amd_iommu=on (AMD) to the kernel command line",
			     "no IOMMU groups in /sys/kernel/iommu_groups: the IOMMU is off or absent, so nothing can be bound to vfio-pci");
	free(sel);
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->g[i].devs);
	free(p->g);
	findings_free(&p->findings);
	memset(p, 0, sizeof(*p));
}

void findings_move(struct findings *dst, struct findings *src)
{
	for (size_t i = 0; i < src->n; i++) {
		GROW(dst->v, dst->cap, dst->n);
		dst->v[dst->n++] = src->v[i];
	}
	free(src->v);
	memset(src, 0, sizeof(*src));
}

void plan_append(struct plan *dst, struct plan *src)
{
	for (size_t i = 0; i < src->n; i++) {
		GROW(dst->g, dst->cap, dst->n);
		dst->g[dst->n++] = src->g[i];
	}
	dst->nbind += src->nbind;
	dst->nrefused += src->nrefused;
	dst->nalready += src->nalready;
	findings_move(&dst->findings, &src->findings);
	free(src->g);
	memset(src, 0, sizeof(*src));
}
