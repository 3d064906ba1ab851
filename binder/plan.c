/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void findings_add(struct findings *f, enum severity sev, const char *code, const char *subject, const char *remedy, const char *fmt, ...)
{
	struct finding *x;
	va_list ap;

	GROW(f->v, f->cap, f->n);
	x = &f->v[f->n++];
	va_start(ap, fmt);
	x->message = xvasprintf(fmt, ap);
	va_end(ap);
	x->sev = sev;
	(void)snprintf(x->code, sizeof(x->code), "%s", code);
	x->subject = xstrdup(subject);
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

const char *vfio_why_text(const struct vfio_choice *c, char *buf, size_t size)
{
	switch (c->why) {
	case VW_NONE: return NULL;
	case VW_GENERIC: return "generic";
	case VW_VARIANT: (void)snprintf(buf, size, "variant matched %s", c->alias); return buf;
	case VW_RULE: (void)snprintf(buf, size, "rule driver=%s", streq(c->driver, VFIO_GENERIC_DRIVER) ? c->driver : c->module); return buf;
	case VW_ALREADY: return "already bound";
	}
	return NULL;
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

/* want: a canonical path (pci_path_canon); its last element without ".F"
 * matches every function of that card. */
static bool path_matches(const char *want, const char *have)
{
	size_t n = strlen(want);
	if (!have[0] || strncmp(want, have, n))
		return false;
	return have[n] == '\0' || (have[n] == '.' && !strchr(have + n, '/') && !strchr(want + (n > 2 ? n - 3 : 0), '.'));
}

bool selector_addr_matches(const struct selector *s, const struct pci_dev *d)
{
	switch (s->kind) {
	case SEL_ADDR: return pci_addr_eq(&s->addr, &d->addr);
	case SEL_SLOT: return pci_same_slot(&s->addr, &d->addr);
	case SEL_ID: return true;
	case SEL_PHYSLOT: return d->physslot[0] && streq(d->physslot, s->name);
	case SEL_PATH: return path_matches(s->name, d->path);
	case SEL_SERIAL: return d->has_dsn && d->dsn == s->serial;
	}
	return false;
}

bool selector_matches(const struct selector *s, const struct pci_dev *d)
{
	return selector_addr_matches(s, d) && ids_match(s, d);
}

void sel_describe(const struct selector *s, char *buf, size_t size)
{
	char a[PCI_ADDR_MAX];
	int n = 0;

	pci_addr_fmt(&s->addr, a);
	if (s->kind == SEL_PHYSLOT)
		n = snprintf(buf, size, "slot=%s", s->name);
	else if (s->kind == SEL_PATH)
		n = snprintf(buf, size, "path=%s", s->name);
	else if (s->kind == SEL_SERIAL)
		n = snprintf(buf, size, "serial=%016llx", (unsigned long long)s->serial);
	else if (s->kind == SEL_ADDR)
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
	const struct rule *rule; /* first bind rule that selected it */
	bool allow_boot_vga, strict;
	const struct rule *mismatch; /* address rule whose ids did not match */
	const struct rule *protect; /* protect rule matching it */
};

/* Up to three devices near what a rule that matched nothing asked for: the
 * same ids anywhere (the card moved), else the same vendor (id= rules), or
 * the same bus, else the same slot and function on other buses (renumbered). */
static void closest(const struct devtab *t, const struct selector *s, struct strbuf *sb)
{
	size_t n = 0;

	for (int pass = 0; pass < 2 && !n; pass++)
		for (size_t i = 0; i < t->n && n < 3; i++) {
			const struct pci_dev *d = &t->v[i];
			bool near;
			if (s->has_id)
				near = pass == 0 ? d->vendor == s->vendor && d->device == s->device : s->kind == SEL_ID && d->vendor == s->vendor;
			else if (selector_is_address(s))
				near = pass == 0 ? d->addr.domain == s->addr.domain && d->addr.bus == s->addr.bus
						 : d->addr.slot == s->addr.slot && d->addr.func == s->addr.func;
			else
				near = false; /* slot=, path=, serial=: vfio-early list shows them all */
			if (near && !pci_class_is_bridge(d->class))
				sb_printf(sb, "%s%s (%04x:%04x, %s)", n++ ? ", " : "; closest: ", d->name, d->vendor, d->device, pci_class_noun(d->class));
		}
}

/* An id= bind rule that takes several devices: name them, say how to take one. */
static void hint_several(const struct config *cfg, const struct devtab *t, const struct rule *r, struct plan *p)
{
	struct strbuf list = { 0 };
	size_t n = 0, first = 0;
	bool subs_differ = false;
	char origin[160], desc[96];

	for (size_t i = 0; i < t->n; i++)
		if (selector_matches(&r->sel, &t->v[i])) {
			const struct pci_dev *d = &t->v[i];
			if (!n)
				first = i;
			subs_differ |= d->sub_vendor != t->v[first].sub_vendor || d->sub_device != t->v[first].sub_device;
			sb_printf(&list, "%s%s (subsystem %04x:%04x)", n++ ? ", " : "", d->name, d->sub_vendor, d->sub_device);
		}
	if (n > 1) {
		const struct pci_dev *d = &t->v[first];
		char *remedy =
			subs_differ ? xasprintf("to take one, add its subsystem id, e.g. 'bind id=%04x:%04x subsystem=%04x:%04x', or name its address",
						r->sel.vendor, r->sel.device, d->sub_vendor, d->sub_device)
				    : xasprintf("to take one, name its address: 'bind %s id=%04x:%04x' (the ids make the rule fail closed if the card moves)",
						d->name, r->sel.vendor, r->sel.device);
		rule_origin(r, cfg->path, origin, sizeof(origin));
		sel_describe(&r->sel, desc, sizeof(desc));
		findings_add(&p->findings, SEV_INFO, "rule-matches-several", "config", remedy, "%s: '%s' matches %zu devices, all go to vfio-pci: %s", origin,
			     desc, n, list.s);
		free(remedy);
	}
	sb_free(&list);
}

/* A selector naming a whole card: a bus slot, slot=, serial=, or a path=
 * whose last element has no function. Its id= and subsystem= are the
 * card's: those of its function 0. */
static bool card_level(const struct selector *s)
{
	const char *last = strrchr(s->name, '/');
	return s->kind == SEL_SLOT || s->kind == SEL_PHYSLOT || s->kind == SEL_SERIAL || (s->kind == SEL_PATH && !strchr(last ? last : s->name, '.'));
}

static const struct pci_dev *card_head(const struct devtab *t, const struct pci_dev *d)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].addr.func == 0 && pci_same_slot(&t->v[i].addr, &d->addr))
			return &t->v[i];
	return d;
}

static void select_devices(const struct config *cfg, const struct devtab *t, struct selection *sel, struct plan *p)
{
	for (size_t k = 0; k < cfg->n; k++) {
		const struct rule *r = &cfg->rules[k];
		char desc[96], origin[160];
		struct strbuf near = { 0 };
		size_t hits = 0;

		if (r->kind == RULE_SRIOV)
			continue; /* the PF itself is not bound by an sriov rule */
		for (size_t i = 0; i < t->n; i++) {
			const struct pci_dev *d = &t->v[i];
			if (!selector_addr_matches(&r->sel, d))
				continue;
			if (!ids_match(&r->sel, card_level(&r->sel) ? card_head(t, d) : d)) {
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
		if (r->kind == RULE_BIND && r->sel.kind == SEL_ID && hits > 1)
			hint_several(cfg, t, r, p);
		if (hits || r->kind == RULE_PROTECT)
			continue;
		sel_describe(&r->sel, desc, sizeof(desc));
		rule_origin(r, cfg->path, origin, sizeof(origin));
		closest(t, &r->sel, &near);
		findings_add(&p->findings, SEV_WARN, "rule-no-match", "config",
			     "check the address with 'lspci -nn' (the bus may have been renumbered) or remove the rule", "%s: no device matches '%s'%s", origin,
			     desc, near.s ? near.s : "");
		sb_free(&near);
	}
}

static bool in_plan(const struct plan *p, size_t idx)
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < p->g[i].n; k++)
			if (p->g[i].devs[k].idx == idx)
				return true;
	return false;
}

/* A card named by one function's address whose other functions sit in
 * groups nothing selects (a GPU's HDA in a group of its own): they stay with
 * the host. Once per card, listing what its slot selector would take. */
static void hint_slot_functions(const struct devtab *t, const struct selection *sel, struct plan *p)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct pci_dev *d = &t->v[i];
		struct strbuf left = { 0 }, all = { 0 };
		bool first = true;
		if (!sel[i].rule || sel[i].rule->sel.kind != SEL_ADDR || d->is_vf || d->virtual_vf)
			continue;
		for (size_t j = 0; j < i && first; j++) /* an earlier named function of this card spoke for it */
			first = !(sel[j].rule && sel[j].rule->sel.kind == SEL_ADDR && pci_same_slot(&t->v[j].addr, &d->addr));
		for (size_t j = 0; first && j < t->n; j++) {
			const struct pci_dev *f = &t->v[j];
			if (!pci_same_slot(&f->addr, &d->addr) || f->is_vf || pci_class_is_bridge(f->class))
				continue;
			sb_printf(&all, "%s%s (%s)", all.len ? ", " : "", f->name, pci_class_noun(f->class));
			if (j != i && !in_plan(p, j))
				sb_printf(&left, "%s%s (%s, %s, IOMMU group %d)", left.len ? ", " : "", f->name, pci_class_noun(f->class),
					  f->driver[0] ? f->driver : "no driver", f->group);
		}
		if (left.len) {
			char *remedy = xasprintf("to pass the whole card, name its slot: 'bind %04x:%02x:%02x'; it takes every function of it: %s. "
						 "On an APU or a chipset those are the host's own devices: name only what you mean",
						 (unsigned)d->addr.domain, d->addr.bus, d->addr.slot, all.s);
			findings_add(&p->findings, SEV_INFO, "slot-function-elsewhere", d->name, remedy,
				     "%s's card has other functions in IOMMU groups no rule selects; they stay with the host: %s", d->name, left.s);
			free(remedy);
		}
		sb_free(&left);
		sb_free(&all);
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
	if (s->rule)
		memcpy(pd->rule_driver, s->rule->driver, sizeof(pd->rule_driver));
}

static bool host_critical(uint32_t class)
{
	uint32_t c = class >> 8;
	return c == 0x0600 || c == 0x0601 || c == 0x0c05 || (class >> 16) == 0x05;
}

static void refuse(struct plan_group *g, const char *code, size_t idx, const char *fmt, ...) PRINTF(4, 5);
static void refuse(struct plan_group *g, const char *code, size_t idx, const char *fmt, ...)
{
	struct refusal *x;
	va_list ap;

	g->act = GA_REFUSE;
	GROW(g->why, g->capwhy, g->nwhy);
	x = &g->why[g->nwhy++];
	va_start(ap, fmt);
	x->message = xvasprintf(fmt, ap);
	va_end(ap);
	(void)snprintf(x->code, sizeof(x->code), "%s", code);
	x->idx = idx;
}

const struct refusal *plan_refusal(const struct plan_group *g, size_t idx)
{
	for (size_t i = 0; i < g->nwhy; i++)
		if (g->why[i].idx == idx)
			return &g->why[i];
	return NULL;
}

/* Another function of a selected device's card (same domain, bus, slot)
 * comes along unnamed, except storage and network functions: on chipsets a
 * USB and a SATA controller are two functions of one device, and a dual-port
 * NIC's other port may be the host's. */
static bool of_selected_card(const struct devtab *t, const struct plan_group *g, const struct pci_dev *d)
{
	uint32_t base = d->class >> 16;

	if (base == 0x01 || base == 0x02)
		return false;
	for (size_t k = 0; k < g->n; k++)
		if (g->devs[k].selected && pci_same_slot(&t->v[g->devs[k].idx].addr, &d->addr))
			return true;
	return false;
}

/* Every reason a device gives against binding its group. */
static void judge_device(const struct config *cfg, const struct devtab *t, const struct protlist *prot, const struct selection *s, bool allow_vga, bool strict,
			 size_t idx, struct plan_group *g)
{
	const struct pci_dev *d = &t->v[idx];
	const struct protected_dev *pd = protlist_find(prot, &d->addr);
	size_t before = g->nwhy;

	if (pd)
		refuse(g, "protected", idx, "%s is protected: %s", d->name, pd->why);
	else if (s->protect)
		refuse(g, "protected", idx, "%s is protected by %s:%u", d->name, cfg->path, s->protect->line);
	if (host_critical(d->class))
		refuse(g, "host-critical", idx, "%s is %s the host needs; a group holding it is never bound", d->name, pci_class_noun(d->class));
	if (g->group < 0)
		refuse(g, "no-iommu-group", idx, "%s has no IOMMU group; vfio-pci needs one (is the IOMMU enabled for it?)", d->name);
	if (d->problem[0] && d->class == 0)
		refuse(g, "unreadable", idx, "%s in the group could not be read (%s); not binding what cannot be identified", d->name, d->problem);
	if (s->mismatch && !s->rule) {
		char want[96];
		struct selector ids = s->mismatch->sel;
		ids.kind = SEL_ID;
		sel_describe(&ids, want, sizeof(want));
		refuse(g, "id-mismatch", idx,
		       "%s is %04x:%04x (subsystem %04x:%04x), but %s:%u expects %s; hardware changed or the bus was renumbered: check and update the rule",
		       d->name, d->vendor, d->device, d->sub_vendor, d->sub_device, cfg->path, s->mismatch->line, want);
	}
	if (d->boot_vga == 1 && !allow_vga)
		refuse(g, "boot-vga", idx, "%s is the boot VGA device (the boot console); add allow-boot-vga to the rule if you mean it", d->name);
	if (s->rule || pci_class_is_bridge(d->class) || g->nwhy > before + (d->boot_vga == 1 && !allow_vga))
		return; /* named, a bridge, or refused for what naming would not change */
	if (!of_selected_card(t, g, d))
		refuse(g, "unnamed", idx, "%s (%s, %s%s) shares IOMMU group %d with the selected device(s) and no rule names it; to pass it too: bind %s",
		       d->name, pci_class_noun(d->class), d->driver[0] ? "driver " : "no driver", d->driver, g->group, d->name);
	else if (strict)
		refuse(g, "strict", idx, "strict: %s (%s) is another function of the selected card and no rule names it; to pass it too: bind %s", d->name,
		       pci_class_noun(d->class), d->name);
}

/* g->reason: every refusal, the unnamed devices in one sentence with the
 * lines to paste and the ways on. */
static void compose_reason(const struct devtab *t, struct plan_group *g)
{
	struct strbuf sb = { 0 }, names = { 0 }, lines = { 0 };
	size_t nunnamed = 0;

	for (size_t i = 0; i < g->nwhy; i++) {
		const struct refusal *x = &g->why[i];
		const struct pci_dev *d = &t->v[x->idx];
		if (!streq(x->code, "unnamed")) {
			sb_printf(&sb, "%s%s", sb.len ? "; " : "", x->message);
			continue;
		}
		sb_printf(&names, "%s%s (%s, %s)", nunnamed ? ", " : "", d->name, pci_class_noun(d->class), d->driver[0] ? d->driver : "no driver");
		sb_printf(&lines, "%s'bind %s'", nunnamed ? ", " : "", d->name);
		nunnamed++;
	}
	if (nunnamed)
		sb_printf(&sb,
			  "%sIOMMU group %d also holds %s, which no rule names: binding the group would take %s from the host; to pass %s too, add %s; "
			  "or move the card to a slot with its own IOMMU group (pcie_acs_override only hides the sharing: a security trade-off, never a fix)",
			  sb.len ? "; " : "", g->group, names.s, nunnamed > 1 ? "them" : "it", nunnamed > 1 ? "them" : "it", lines.s);
	free(g->reason);
	g->reason = sb_steal(&sb);
	sb_free(&names);
	sb_free(&lines);
}

static int code_rank(const char *code)
{
	static const char *const order[] = { "protected", "host-critical", "no-iommu-group", "unreadable", "id-mismatch", "boot-vga", "unnamed", "strict" };
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (streq(code, order[i]))
			return (int)i;
	return (int)ARRAY_SIZE(order);
}

/* Most important first (what the host needs, what cannot be identified,
 * what changed, what the user may override), then in device order. */
static void sort_refusals(struct plan_group *g)
{
	for (size_t i = 1; i < g->nwhy; i++)
		for (size_t k = i; k > 0 && code_rank(g->why[k - 1].code) > code_rank(g->why[k].code); k--) {
			struct refusal tmp = g->why[k];
			g->why[k] = g->why[k - 1];
			g->why[k - 1] = tmp;
		}
}

/* Why a group must not be bound: every reason of every device. */
static void judge_group(const struct config *cfg, const struct devtab *t, const struct protlist *prot, const struct selection *sel, struct plan_group *g)
{
	bool allow_vga = false, strict = false;

	for (size_t k = 0; k < g->n; k++) {
		const struct selection *s = &sel[g->devs[k].idx];
		allow_vga |= s->allow_boot_vga;
		strict |= s->strict;
	}
	for (size_t k = 0; k < g->n; k++)
		judge_device(cfg, t, prot, &sel[g->devs[k].idx], allow_vga, strict, g->devs[k].idx, g);
	if (g->act == GA_REFUSE) {
		sort_refusals(g);
		compose_reason(t, g);
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
		else if (pci_driver_is_vfio(d->driver) || (pd->rule_driver[0] && driver_name_eq(d->driver, pd->rule_driver))) {
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
		for (size_t k = 0; k < g->n; k++)
			refuse(g, "only-bridges", g->devs[k].idx, "%s is a bridge; bridges are never bound", t->v[g->devs[k].idx].name);
		compose_reason(t, g);
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
	hint_slot_functions(t, sel, p);
	if (!t->iommu)
		findings_add(&p->findings, SEV_ERROR, "no-iommu", "host",
			     "enable VT-d / AMD-Vi in the firmware and add intel_iommu=on (Intel) or amd_iommu=on (AMD) to the kernel command line",
			     "no IOMMU groups in /sys/kernel/iommu_groups: the IOMMU is off or absent, so nothing can be bound to vfio-pci");
	free(sel);
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		for (size_t k = 0; k < p->g[i].nwhy; k++)
			free(p->g[i].why[k].message);
		free(p->g[i].why);
		free(p->g[i].reason);
		free(p->g[i].devs);
	}
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
