/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfio-early list: the host's IOMMU groups as someone about to write a
 * config needs them. The device table comes from the scan stage; list adds
 * what only it needs (each device's sysfs path, the physical slots, names
 * from pci.ids) and asks the planner what check would say if every card's
 * line were in the config, so the lines it offers are ones boot takes. */
#include "list.h"
#include "plan.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)
#define ROOT_NAME_MAX 24 /* "pciDDDDDDDD:BB" */
#define PCI_IDS_MAX (16u << 20) /* the real one is 1.5 MB */
#define IDS_NAME_MAX 160
#define TREE_DEPTH_MAX 32

/* ---- names from pci.ids: only the ids the host has are looked up ---- */

struct idname {
	uint32_t key;
	char *name; /* NULL: not in pci.ids */
};

struct idtab {
	struct idname *v;
	size_t n, cap;
};

struct pciids {
	const char *path; /* sysroot-relative, NULL: none read */
	struct idtab vendors; /* vendor */
	struct idtab devices; /* vendor << 16 | device */
	struct idtab classes; /* base << 8 | sub; 0x10000 | base for the base class */
};

static int idname_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct idname *)a)->key, y = ((const struct idname *)b)->key;
	return (x > y) - (x < y);
}

static void idtab_want(struct idtab *it, uint32_t key)
{
	GROW(it->v, it->cap, it->n);
	it->v[it->n].key = key;
	it->v[it->n++].name = NULL;
}

static void idtab_seal(struct idtab *it)
{
	size_t k = 0;

	if (!it->n)
		return;
	qsort(it->v, it->n, sizeof(*it->v), idname_cmp);
	for (size_t i = 1; i < it->n; i++)
		if (it->v[i].key != it->v[k].key)
			it->v[++k] = it->v[i];
	it->n = k + 1;
}

static struct idname *idtab_find(const struct idtab *it, uint32_t key)
{
	struct idname k = { .key = key };
	return it->n ? bsearch(&k, it->v, it->n, sizeof(*it->v), idname_cmp) : NULL;
}

static const char *idtab_name(const struct idtab *it, uint32_t key)
{
	const struct idname *x = idtab_find(it, key);
	return x ? x->name : NULL;
}

/* The first entry wins; control characters never reach a terminal. */
static void idtab_set(struct idtab *it, uint32_t key, const char *name)
{
	struct idname *x = idtab_find(it, key);
	size_t n = strlen(name);

	if (!x || x->name)
		return;
	while (n && (name[n - 1] == ' ' || name[n - 1] == '\r'))
		n--;
	if (n > IDS_NAME_MAX)
		n = IDS_NAME_MAX;
	x->name = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		x->name[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
	x->name[n] = '\0';
}

/* "ID  name": n hex digits, blanks, a name. */
static const char *ids_entry(const char *s, size_t n, uint32_t *ret)
{
	if (!parse_hex_exact(s, n, ret) || s[n] != ' ')
		return NULL;
	s += n;
	while (*s == ' ')
		s++;
	return *s ? s : NULL;
}

/* pci.ids: vendors ("vvvv  name") with their devices ("\tdddd  name") and
 * subsystems (two tabs, not used), then classes ("C cc  name") with their
 * subclasses ("\tss  name") and programming interfaces (two tabs). */
static void ids_parse(struct pciids *ids, char *text)
{
	enum { OTHER, VENDOR, CLASS } sect = OTHER;
	uint32_t vendor = 0, base = 0, x;
	const char *name;

	for (char *line = text, *next; line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (line[0] == 'C' && line[1] == ' ') {
			sect = (name = ids_entry(line + 2, 2, &base)) ? CLASS : OTHER;
			if (name)
				idtab_set(&ids->classes, 0x10000 | base, name);
		} else if (line[0] != '\t' && line[0] != '#' && line[0]) {
			sect = (name = ids_entry(line, 4, &vendor)) ? VENDOR : OTHER;
			if (name)
				idtab_set(&ids->vendors, vendor, name);
		} else if (line[0] == '\t' && line[1] != '\t') {
			if (sect == VENDOR && (name = ids_entry(line + 1, 4, &x)))
				idtab_set(&ids->devices, vendor << 16 | x, name);
			else if (sect == CLASS && (name = ids_entry(line + 1, 2, &x)))
				idtab_set(&ids->classes, base << 8 | x, name);
		}
	}
}

static bool identified(const struct pci_dev *d)
{
	return !(d->problem[0] && d->class == 0); /* as the planner judges "unreadable" */
}

/* Debian's pci.ids package, then hwdata (Fedora, Arch). Never needed: a
 * host without one gets the short class names only. */
static void ids_load(const struct sysroot *sr, const struct devtab *t, struct pciids *ids, struct strlist *notes)
{
	static const char *const paths[] = { "usr/share/misc/pci.ids", "usr/share/hwdata/pci.ids" };
	char *text = NULL;
	int e = -ENOENT;

	for (size_t i = 0; i < ARRAY_SIZE(paths) && e == -ENOENT; i++) {
		e = sr_read_all(sr, paths[i], PCI_IDS_MAX, &text, NULL);
		if (e == 0)
			ids->path = paths[i];
		else if (e != -ENOENT)
			sl_addf(notes, "/%s: cannot read (%s); names from it are left out", paths[i], strerror(-e));
	}
	if (e < 0)
		return;
	for (size_t i = 0; i < t->n; i++) {
		const struct pci_dev *d = &t->v[i];
		if (!identified(d))
			continue;
		idtab_want(&ids->vendors, d->vendor);
		idtab_want(&ids->devices, (uint32_t)d->vendor << 16 | d->device);
		idtab_want(&ids->classes, d->class >> 8);
		idtab_want(&ids->classes, 0x10000 | d->class >> 16);
	}
	idtab_seal(&ids->vendors);
	idtab_seal(&ids->devices);
	idtab_seal(&ids->classes);
	ids_parse(ids, text);
	free(text);
}

static void idtab_free(struct idtab *it)
{
	for (size_t i = 0; i < it->n; i++)
		free(it->v[i].name);
	free(it->v);
}

/* ---- the list: devices by group, cards, the plan ---- */

struct ldev {
	char root[ROOT_NAME_MAX]; /* the root bus it sits on, "" : below a device */
	size_t parent; /* the device above it, NONE: a root bus or unknown */
	bool placed; /* its place in the topology is known */
	const char *vendor_name, *device_name, *class_desc; /* pci.ids */
	const char *why_protected;
	const struct plan_group *pg; /* what check would plan for its group */
	size_t group; /* into list.g */
};

/* One card's functions in one group (a card is a domain:bus:slot). */
struct lcard {
	struct pci_addr slot;
	size_t first, end; /* into list.order: its first function, its group's end */
	size_t fn; /* the device its line names, NONE: none could be identified */
	struct selector sel; /* the line's selector (when fn is set) */
	char line[128]; /* "bind ...", "" : none (or VFs) */
	char sriov[64]; /* VFs: the PF's "sriov ..." rule, which creates them at boot */
};

struct lgroup {
	int group; /* -1: devices without an IOMMU group */
	size_t first, n; /* into list.order */
	size_t card0, ncards; /* into list.c */
};

struct list {
	const struct run *r;
	const struct devtab *t;
	struct ldev *x; /* parallel to t->v */
	size_t *order; /* device indices: by group (none last), then address */
	struct lgroup *g;
	size_t ng, capg;
	struct lcard *c;
	size_t nc, capc;
	struct plan plan;
	struct pciids ids;
	struct strlist notes;
};

static size_t find_dev(const struct devtab *t, const struct pci_addr *a)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) { /* scan_full sorts the table by address */
		size_t mid = lo + (hi - lo) / 2;
		int c = pci_addr_cmp(&t->v[mid].addr, a);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

/* From the device's sysfs link: what is above it (the component before
 * its own: a bridge, or a root bus). */
static void read_place(const struct list *l, size_t i)
{
	struct ldev *x = &l->x[i];
	char p[SR_PATH_MAX], link[SR_PATH_MAX];
	const char *end, *last, *prev;
	struct pci_addr a;
	uint32_t dom, bus;

	x->parent = NONE;
	if (sr_readlink(&l->r->sr, pci_path(p, "devices", l->t->v[i].name, ""), link, sizeof(link)) < 0)
		return;
	end = link + strlen(link);
	while (end > link && end[-1] == '/')
		end--;
	if (!(last = memrchr(link, '/', (size_t)(end - link))))
		return;
	prev = memrchr(link, '/', (size_t)(last - link));
	prev = prev ? prev + 1 : link;
	if (pci_root_bus_parse(prev, (size_t)(last - prev), &dom, &bus)) {
		(void)snprintf(x->root, sizeof(x->root), "%.*s", (int)(last - prev), prev);
		x->placed = true;
	} else if (pci_addr_component(prev, (size_t)(last - prev), &a) && (x->parent = find_dev(l->t, &a)) != NONE && x->parent != i) {
		x->placed = true;
	} else {
		x->parent = NONE;
	}
}

struct grouped {
	int group;
	size_t idx;
};

static int grouped_cmp(const void *a, const void *b)
{
	const struct grouped *x = a, *y = b;
	unsigned gx = (unsigned)x->group, gy = (unsigned)y->group; /* -1 last */
	if (gx != gy)
		return gx < gy ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Groups in order, each device once; within a group, runs of endpoints of
 * one slot are its cards (the table is sorted by address). */
static void build_groups(struct list *l)
{
	const struct devtab *t = l->t;
	struct grouped *gv = xcalloc(t->n ? t->n : 1, sizeof(*gv));

	for (size_t i = 0; i < t->n; i++)
		gv[i] = (struct grouped){ t->v[i].group < 0 ? -1 : t->v[i].group, i };
	if (t->n)
		qsort(gv, t->n, sizeof(*gv), grouped_cmp);
	l->order = xcalloc(t->n ? t->n : 1, sizeof(*l->order));
	for (size_t k = 0; k < t->n; k++) {
		const struct pci_dev *d = &t->v[gv[k].idx];
		struct lgroup *g = l->ng ? &l->g[l->ng - 1] : NULL;
		l->order[k] = gv[k].idx;
		if (!g || g->group != gv[k].group) {
			GROW(l->g, l->capg, l->ng);
			g = &l->g[l->ng++];
			*g = (struct lgroup){ .group = gv[k].group, .first = k, .card0 = l->nc };
		}
		g->n++;
		l->x[gv[k].idx].group = (size_t)(g - l->g);
		if (pci_class_is_bridge(d->class))
			continue;
		if (!g->ncards || !pci_same_slot(&l->c[l->nc - 1].slot, &d->addr)) {
			GROW(l->c, l->capc, l->nc);
			l->c[l->nc++] = (struct lcard){ .slot = d->addr, .first = k, .fn = NONE };
			l->c[l->nc - 1].slot.func = 0;
			g->ncards++;
		}
	}
	for (size_t i = 0; i < l->ng; i++)
		for (size_t k = l->g[i].card0; k < l->g[i].card0 + l->g[i].ncards; k++)
			l->c[k].end = l->g[i].first + l->g[i].n;
	free(gv);
}

/* The card's function 0, when every function of the card is identified
 * and in the group of the line's function (so a selector naming the whole
 * card reaches no other group); else NULL. */
static const struct pci_dev *whole_card(const struct list *l, const struct lcard *c)
{
	const struct pci_dev *f0 = NULL;

	for (size_t i = 0; i < l->t->n; i++) {
		const struct pci_dev *d = &l->t->v[i];
		if (!pci_same_slot(&d->addr, &c->slot))
			continue;
		if (d->group != l->t->v[c->fn].group || !identified(d))
			return NULL;
		if (d->addr.func == 0)
			f0 = d;
	}
	return f0;
}

/* A serial number that names one card: not 0 or all ones (unset), and no
 * other card on the host has it. */
static bool serial_names_one(const struct list *l, const struct pci_dev *d)
{
	if (!d->has_dsn || d->dsn == 0 || d->dsn == UINT64_MAX)
		return false;
	for (size_t i = 0; i < l->t->n; i++)
		if (l->t->v[i].has_dsn && l->t->v[i].dsn == d->dsn && !pci_same_slot(&l->t->v[i].addr, &d->addr))
			return false;
	return true;
}

/* The line to paste for a card: the most stable selector it has, with ids
 * so the rule fails closed if another card turns up there:
 *   serial=  its PCIe Device Serial Number, which goes with the card to
 *            any slot (when no other card shares it);
 *   slot=    the physical slot it is in;
 *   path=    its place below a root port, without bus numbers (a card
 *            behind a bridge; on the root bus the address is as stable);
 *   else the address of its first identifiable function in the group.
 * The first three name the whole card (its function 0's ids), so they are
 * offered only when every function of the card is in this group. A VF
 * exists only once its PF's sriov rule has created it, at boot too, so a
 * bind rule would find nothing there: its card gets the PF's sriov rule
 * instead. */
static void card_line(const struct list *l, struct lcard *c)
{
	const struct pci_dev *d, *f0;
	struct selector *sel = &c->sel;
	char desc[sizeof(c->line) - 8];

	for (size_t k = c->first; k < c->end && c->fn == NONE; k++) {
		const struct pci_dev *e = &l->t->v[l->order[k]];
		if (pci_same_slot(&e->addr, &c->slot) && !pci_class_is_bridge(e->class) && identified(e))
			c->fn = l->order[k];
	}
	if (c->fn == NONE)
		return;
	d = &l->t->v[c->fn];
	*sel = (struct selector){ .kind = SEL_ADDR, .addr = d->addr, .has_id = true, .vendor = d->vendor, .device = d->device };
	if (d->is_vf) {
		size_t pf = find_dev(l->t, &d->physfn);
		if (pf != NONE && l->t->v[pf].sriov_num > 0)
			(void)snprintf(c->sriov, sizeof(c->sriov), "sriov %s vfs=%d", l->t->v[pf].name, l->t->v[pf].sriov_num);
		return;
	}
	if ((f0 = whole_card(l, c))) {
		const char *dot = strrchr(f0->path, '.');
		struct selector card = { .has_id = true, .vendor = f0->vendor, .device = f0->device };
		if (serial_names_one(l, f0)) {
			card.kind = SEL_SERIAL;
			card.serial = f0->dsn;
		} else if (slot_name_ok(f0->physslot)) { /* "CPU SLOT6" cannot be written in a rule */
			card.kind = SEL_PHYSLOT;
			memcpy(card.name, f0->physslot, strlen(f0->physslot) + 1);
		} else if (strchr(f0->path, '/') && dot && (size_t)(dot - f0->path) < sizeof(card.name)) {
			card.kind = SEL_PATH;
			memcpy(card.name, f0->path, (size_t)(dot - f0->path)); /* ".F" off: the whole card */
		}
		if (card.kind != SEL_ADDR)
			*sel = card;
	}
	sel_describe(sel, desc, sizeof(desc));
	(void)snprintf(c->line, sizeof(c->line), "bind %s", desc);
}

/* What check would say with every card's line in the config: the same
 * planner, so a group offered as bindable is one boot binds. */
static void plan_lines(struct list *l)
{
	struct config cfg;
	unsigned line = 0;

	config_init(&cfg, "vfio-early list");
	for (size_t i = 0; i < l->nc; i++) {
		if (l->c[i].fn != NONE) /* a VF's too: planned as once its PF made it */
			(void)config_add_rule(&cfg, RULE_BIND, ++line, &l->c[i].sel);
	}
	plan_build(&cfg, l->t, &l->r->prot, &l->plan);
	for (size_t i = 0; i < l->plan.n; i++)
		for (size_t k = 0; k < l->plan.g[i].n; k++)
			l->x[l->plan.g[i].devs[k].idx].pg = &l->plan.g[i];
	config_free(&cfg);
}

static void list_build(struct list *l, const struct run *r)
{
	memset(l, 0, sizeof(*l));
	l->r = r;
	l->t = &r->t;
	l->x = xcalloc(l->t->n ? l->t->n : 1, sizeof(*l->x));
	for (size_t i = 0; i < l->t->n; i++) {
		const struct pci_dev *d = &l->t->v[i];
		const struct protected_dev *pd = protlist_find(&r->prot, &d->addr);
		l->x[i].why_protected = pd ? pd->why : NULL;
		read_place(l, i);
	}
	ids_load(&r->sr, l->t, &l->ids, &l->notes);
	for (size_t i = 0; i < l->t->n && l->ids.path; i++) {
		const struct pci_dev *d = &l->t->v[i];
		struct ldev *x = &l->x[i];
		if (!identified(d))
			continue;
		x->vendor_name = idtab_name(&l->ids.vendors, d->vendor);
		x->device_name = idtab_name(&l->ids.devices, (uint32_t)d->vendor << 16 | d->device);
		x->class_desc = idtab_name(&l->ids.classes, d->class >> 8);
		if (!x->class_desc)
			x->class_desc = idtab_name(&l->ids.classes, 0x10000 | d->class >> 16);
	}
	build_groups(l);
	for (size_t i = 0; i < l->nc; i++)
		card_line(l, &l->c[i]);
	plan_lines(l);
}

static void list_free(struct list *l)
{
	plan_free(&l->plan);
	idtab_free(&l->ids.vendors);
	idtab_free(&l->ids.devices);
	idtab_free(&l->ids.classes);
	sl_free(&l->notes);
	free(l->x);
	free(l->order);
	free(l->g);
	free(l->c);
}

/* The planned groups holding g's devices (one for an IOMMU group; for the
 * devices without one, one each): none refused, at least one planned. */
static bool group_bindable(const struct list *l, const struct lgroup *g)
{
	const struct plan_group *last = NULL;
	bool any = false;

	for (size_t k = g->first; k < g->first + g->n; k++) {
		const struct plan_group *pg = l->x[l->order[k]].pg;
		if (!pg || pg == last)
			continue;
		if (pg->act == GA_REFUSE)
			return false;
		any = true;
		last = pg;
	}
	return any;
}

/* Refusals only allow-boot-vga can lift: the lines are still worth giving. */
static bool only_boot_vga(const struct list *l, const struct lgroup *g)
{
	for (size_t k = g->first; k < g->first + g->n; k++) {
		const struct plan_group *pg = l->x[l->order[k]].pg;
		for (size_t w = 0; pg && w < pg->nwhy; w++)
			if (!streq(pg->why[w].code, "boot-vga"))
				return false;
	}
	return true;
}

/* Reasons worth showing for a refused group: 'unnamed' and 'strict' say
 * that a function list's own lines leave out needs its own rule; beside a
 * reason that keeps the group from vfio for good (a protected device, a host
 * bridge, ...) that advice is noise. */
static bool why_shown(const struct plan_group *pg, size_t w)
{
	if (!streq(pg->why[w].code, "unnamed") && !streq(pg->why[w].code, "strict"))
		return true;
	for (size_t k = 0; k < pg->nwhy; k++)
		if (!streq(pg->why[k].code, "unnamed") && !streq(pg->why[k].code, "strict") && !streq(pg->why[k].code, "boot-vga"))
			return false;
	return true;
}

static const char *card_name(const struct lcard *c, char buf[static PCI_ADDR_MAX])
{
	pci_addr_fmt(&c->slot, buf);
	buf[strlen(buf) - 2] = '\0'; /* "0000:01:00" */
	return buf;
}

/* ---- JSON: schema vfio-early-list/1 (conf/check-json.md) ---- */

static void json_dev(const struct list *l, struct json *j, size_t i)
{
	const struct pci_dev *d = &l->t->v[i];
	const struct ldev *x = &l->x[i];
	bool known = identified(d);

	json_begin_obj(j, NULL);
	json_str(j, "address", d->name);
	if (known) {
		report_json_ids(j, d);
	} else {
		static const char *const unknown[] = { "vendor", "device", "subsystem_vendor", "subsystem_device", "class", "class_name" };
		for (size_t k = 0; k < ARRAY_SIZE(unknown); k++)
			json_null(j, unknown[k]);
	}
	json_str(j, "class_description", x->class_desc);
	json_str(j, "vendor_name", x->vendor_name);
	json_str(j, "device_name", x->device_name);
	if (d->group >= 0)
		json_int(j, "iommu_group", d->group);
	else
		json_null(j, "iommu_group");
	json_str(j, "driver", d->driver[0] ? d->driver : NULL);
	json_bool(j, "bridge", known && pci_class_is_bridge(d->class));
	json_bool(j, "boot_vga", d->boot_vga == 1);
	json_str(j, "slot", d->physslot[0] ? d->physslot : NULL);
	json_str(j, "path", d->path[0] ? d->path : NULL);
	if (d->has_dsn) {
		char sn[17];
		(void)snprintf(sn, sizeof(sn), "%016llx", (unsigned long long)d->dsn);
		json_str(j, "serial", sn);
	} else {
		json_null(j, "serial");
	}
	json_str(j, "parent", x->parent != NONE ? l->t->v[x->parent].name : NULL);
	json_str(j, "protected", x->why_protected);
	json_str(j, "problem", d->problem[0] ? d->problem : NULL);
	if (d->sriov_total >= 0) {
		json_int(j, "sriov_totalvfs", d->sriov_total);
		json_int(j, "sriov_numvfs", d->sriov_num);
	} else {
		json_null(j, "sriov_totalvfs");
		json_null(j, "sriov_numvfs");
	}
	if (d->is_vf) {
		char pf[PCI_ADDR_MAX];
		pci_addr_fmt(&d->physfn, pf);
		json_str(j, "physfn", pf);
	} else {
		json_null(j, "physfn");
	}
	json_end_obj(j);
}

static void json_group(const struct list *l, struct json *j, const struct lgroup *g)
{
	const struct plan_group *last = NULL;
	char a[PCI_ADDR_MAX];

	json_begin_obj(j, NULL);
	if (g->group >= 0) {
		json_int(j, "iommu_group", g->group);
		json_bool(j, "isolated", g->ncards <= 1);
	} else {
		json_null(j, "iommu_group");
		json_null(j, "isolated");
	}
	json_begin_arr(j, "cards");
	for (size_t i = g->card0; i < g->card0 + g->ncards; i++) {
		const struct lcard *c = &l->c[i];
		json_begin_obj(j, NULL);
		json_str(j, "card", card_name(c, a));
		json_begin_arr(j, "functions");
		for (size_t k = c->first; k < c->end; k++) {
			const struct pci_dev *d = &l->t->v[l->order[k]];
			if (pci_same_slot(&d->addr, &c->slot) && !pci_class_is_bridge(d->class))
				json_str(j, NULL, d->name);
		}
		json_end_arr(j);
		json_str(j, "slot", l->t->v[l->order[c->first]].physslot[0] ? l->t->v[l->order[c->first]].physslot : NULL);
		json_str(j, "bind", c->line[0] ? c->line : NULL);
		json_str(j, "sriov", c->sriov[0] ? c->sriov : NULL);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_bool(j, "bindable", group_bindable(l, g));
	json_begin_arr(j, "refusals");
	for (size_t k = g->first; k < g->first + g->n; k++) {
		const struct plan_group *pg = l->x[l->order[k]].pg;
		if (!pg || pg == last)
			continue;
		last = pg;
		for (size_t w = 0; w < pg->nwhy; w++) {
			if (!why_shown(pg, w))
				continue;
			json_begin_obj(j, NULL);
			json_str(j, "code", pg->why[w].code);
			json_str(j, "device", l->t->v[pg->why[w].idx].name);
			json_str(j, "message", pg->why[w].message);
			json_end_obj(j);
		}
	}
	json_end_arr(j);
	json_begin_arr(j, "devices");
	for (size_t k = g->first; k < g->first + g->n; k++)
		json_dev(l, j, l->order[k]);
	json_end_arr(j);
	json_end_obj(j);
}

static void list_json(const struct list *l, FILE *out)
{
	const struct run *r = l->r;
	struct json j = { .pretty = true };
	char buf[PCI_ADDR_MAX + 1];

	json_begin_obj(&j, NULL);
	json_str(&j, "schema", "vfio-early-list/1");
	json_str(&j, "version", VFIO_EARLY_VERSION);
	json_str(&j, "sysroot", r->sysroot_path);
	json_str(&j, "kernel", r->t.kver[0] ? r->t.kver : NULL);
	json_bool(&j, "iommu", r->t.iommu);
	json_int(&j, "iommu_groups", (long long)r->t.ngroups);
	if (l->ids.path) {
		char *p = xasprintf("/%s", l->ids.path);
		json_str(&j, "pci_ids", p);
		free(p);
	} else {
		json_null(&j, "pci_ids");
	}
	json_begin_arr(&j, "protected");
	for (size_t i = 0; i < r->prot.n; i++) {
		pci_addr_fmt(&r->prot.v[i].addr, buf);
		json_begin_obj(&j, NULL);
		json_str(&j, "address", buf);
		json_str(&j, "reason", r->prot.v[i].why);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	json_begin_arr(&j, "groups");
	for (size_t i = 0; i < l->ng; i++)
		json_group(l, &j, &l->g[i]);
	json_end_arr(&j);
	json_begin_arr(&j, "notes");
	for (size_t i = 0; i < r->notes.n; i++)
		json_str(&j, NULL, r->notes.v[i]);
	for (size_t i = 0; i < r->t.problems.n; i++)
		json_str(&j, NULL, r->t.problems.v[i]);
	for (size_t i = 0; i < l->notes.n; i++)
		json_str(&j, NULL, l->notes.v[i]);
	json_end_arr(&j);
	json_end_obj(&j);
	fputs(j.sb.s, out);
	sb_free(&j.sb);
}

/* ---- text ---- */

static void text_header(const struct list *l, FILE *out)
{
	const struct run *r = l->r;

	fprintf(out, "vfio-early list: sysroot %s, kernel %s, %zu PCI devices\n", r->sysroot_path, r->t.kver[0] ? r->t.kver : "unknown", r->t.n);
	if (r->t.iommu)
		fprintf(out, "IOMMU: on (%zu groups)\n", r->t.ngroups);
	else
		fprintf(out, "IOMMU: OFF: no groups in /sys/kernel/iommu_groups, nothing can be bound ('vfio-early check' says how to turn it on)\n");
	if (l->ids.path)
		fprintf(out, "names: /%s\n", l->ids.path);
	for (size_t i = 0; i < r->prot.n; i++) {
		char a[PCI_ADDR_MAX];
		pci_addr_fmt(&r->prot.v[i].addr, a);
		fprintf(out, "protected: %s  %s\n", a, r->prot.v[i].why);
	}
}

static void text_dev(const struct list *l, FILE *out, size_t i)
{
	const struct pci_dev *d = &l->t->v[i];
	const struct ldev *x = &l->x[i];
	char ids[16] = "?", sub[16] = "?";

	if (identified(d)) {
		(void)snprintf(ids, sizeof(ids), "%04x:%04x", d->vendor, d->device);
		(void)snprintf(sub, sizeof(sub), "%04x:%04x", d->sub_vendor, d->sub_device);
	}
	fprintf(out, "  %-12s  %-9s  %-9s  %-11s  %-14s", d->name, ids, sub, identified(d) ? pci_class_name(d->class) : "?", d->driver[0] ? d->driver : "-");
	if (d->physslot[0])
		fprintf(out, "  slot %s", d->physslot);
	fprintf(out, "  path %s", d->path[0] ? d->path : "?");
	if (d->has_dsn)
		fprintf(out, "  serial %016llx", (unsigned long long)d->dsn);
	if (d->boot_vga == 1)
		fprintf(out, "  boot VGA");
	if (d->sriov_total > 0)
		fprintf(out, "  SR-IOV PF, %d of %d VFs", d->sriov_num, d->sriov_total);
	if (d->is_vf) {
		char pf[PCI_ADDR_MAX];
		pci_addr_fmt(&d->physfn, pf);
		fprintf(out, "  VF of %s", pf);
	}
	fputc('\n', out);
	if (x->vendor_name || x->class_desc) {
		fprintf(out, "                %s: ", x->class_desc ? x->class_desc : pci_class_name(d->class));
		if (!x->vendor_name)
			fprintf(out, "Device %04x:%04x\n", d->vendor, d->device);
		else if (!x->device_name)
			fprintf(out, "%s Device %04x\n", x->vendor_name, d->device);
		else
			fprintf(out, "%s %s\n", x->vendor_name, x->device_name);
	}
	if (x->why_protected)
		fprintf(out, "                protected: %s\n", x->why_protected);
	if (d->problem[0])
		fprintf(out, "                problem: %s\n", d->problem);
}

/* vga: the group is refused only for its boot VGA device; the rule of the
 * card holding it says allow-boot-vga. */
static void text_lines(const struct list *l, FILE *out, const struct lgroup *g, bool vga)
{
	for (size_t i = g->card0; i < g->card0 + g->ncards; i++) {
		const struct lcard *c = &l->c[i];
		bool has_vga = false;
		for (size_t k = c->first; k < c->end && vga; k++)
			has_vga |= pci_same_slot(&l->t->v[l->order[k]].addr, &c->slot) && l->t->v[l->order[k]].boot_vga == 1;
		if (c->line[0])
			fprintf(out, "    %s%s\n", c->line, has_vga ? " allow-boot-vga" : "");
		else if (c->sriov[0] && (i == g->card0 || !streq(c->sriov, l->c[i - 1].sriov)))
			fprintf(out, "    %s\n", c->sriov);
	}
}

static void text_group(const struct list *l, FILE *out, const struct lgroup *g)
{
	const char *conf = l->r->config_path;
	const struct plan_group *last = NULL;
	char a[PCI_ADDR_MAX];

	fputc('\n', out);
	if (g->group < 0)
		fprintf(out, "no IOMMU group:\n");
	else if (g->ncards == 0)
		fprintf(out, "IOMMU group %d: bridges only\n", g->group);
	else if (g->ncards == 1)
		fprintf(out, "IOMMU group %d: isolated (one card: %s)\n", g->group, card_name(&l->c[g->card0], a));
	else {
		fprintf(out, "IOMMU group %d: NOT isolated: %zu cards share it (", g->group, g->ncards);
		for (size_t i = g->card0; i < g->card0 + g->ncards; i++)
			fprintf(out, "%s%s", i > g->card0 ? ", " : "", card_name(&l->c[i], a));
		fprintf(out, ")\n");
	}
	for (size_t k = g->first; k < g->first + g->n; k++)
		text_dev(l, out, l->order[k]);
	if (g->ncards == 0)
		return;
	if (g->group < 0) {
		fprintf(out, "  not bindable: vfio-pci needs an IOMMU group\n");
		return;
	}
	if (group_bindable(l, g)) {
		if (g->ncards > 1)
			fprintf(out, "  binding is refused unless every card in it is named; to pass all %zu, add to %s:\n", g->ncards, conf);
		else if (l->c[g->card0].sriov[0])
			fprintf(out, "  VFs exist once their PF's sriov rule creates them, at boot too (a bind rule finds none); add to %s:\n", conf);
		else
			fprintf(out, "  to pass it through, add to %s:\n", conf);
		text_lines(l, out, g, false);
		return;
	}
	bool vga = only_boot_vga(l, g);
	for (size_t k = g->first; k < g->first + g->n; k++) {
		const struct plan_group *pg = l->x[l->order[k]].pg;
		if (!pg || pg == last)
			continue;
		last = pg;
		for (size_t w = 0; w < pg->nwhy; w++)
			if (why_shown(pg, w))
				fprintf(out, "  %s: %s\n", vga ? "refused" : "never bound", pg->why[w].message);
	}
	if (!last)
		fprintf(out, "  not bindable: none of its devices could be identified\n");
	else if (vga) {
		fprintf(out, "  if you mean it (the console goes with it), add to %s:\n", conf);
		text_lines(l, out, g, true);
	}
}

static void text_notes(const struct list *l, FILE *out)
{
	const struct run *r = l->r;

	for (size_t i = 0; i < r->notes.n; i++)
		fprintf(out, "note: %s\n", r->notes.v[i]);
	for (size_t i = 0; i < r->t.problems.n; i++)
		fprintf(out, "note: %s\n", r->t.problems.v[i]);
	for (size_t i = 0; i < l->notes.n; i++)
		fprintf(out, "note: %s\n", l->notes.v[i]);
}

static void list_text(const struct list *l, FILE *out)
{
	text_header(l, out);
	for (size_t i = 0; i < l->ng; i++)
		text_group(l, out, &l->g[i]);
	if (l->r->notes.n || l->r->t.problems.n || l->notes.n)
		fputc('\n', out);
	text_notes(l, out);
}

/* ---- tree ---- */

struct tree {
	const struct list *l;
	size_t *child, *next; /* first child, next sibling; NONE ends */
	bool *shown;
	FILE *out;
};

static void tree_desc(const struct list *l, FILE *out, size_t i)
{
	const struct pci_dev *d = &l->t->v[i];
	const struct ldev *x = &l->x[i];
	const struct lgroup *g = &l->g[x->group];

	fprintf(out, "%s  %-11s  %-14s", d->name, identified(d) ? pci_class_name(d->class) : "?", d->driver[0] ? d->driver : "-");
	if (d->group >= 0)
		fprintf(out, "  group %d%s", d->group, g->ncards > 1 ? " (not isolated)" : "");
	else
		fprintf(out, "  no IOMMU group");
	if (d->physslot[0])
		fprintf(out, "  slot %s", d->physslot);
	if (x->why_protected)
		fprintf(out, "  protected");
	if (d->problem[0])
		fprintf(out, "  problem");
	if (x->device_name)
		fprintf(out, "  [%s]", x->device_name);
	fputc('\n', out);
}

static void tree_node(struct tree *tr, size_t i, char *prefix, size_t plen, unsigned depth)
{
	bool last = tr->next[i] == NONE;

	fprintf(tr->out, "%s%s", prefix, last ? "`-- " : "+-- ");
	tree_desc(tr->l, tr->out, i);
	tr->shown[i] = true;
	if (depth >= TREE_DEPTH_MAX)
		return; /* deeper ones are listed at the end */
	memcpy(prefix + plen, last ? "    " : "|   ", 5);
	for (size_t c = tr->child[i]; c != NONE; c = tr->next[c])
		tree_node(tr, c, prefix, plen + 4, depth + 1);
	prefix[plen] = '\0';
}

static void list_tree(const struct list *l, FILE *out)
{
	const struct devtab *t = l->t;
	struct tree tr = { .l = l, .out = out };
	char prefix[4 * (TREE_DEPTH_MAX + 2) + 1] = "";
	size_t *tail, n = t->n ? t->n : 1, left = 0;
	bool *chained;

	tr.child = xmalloc(n * sizeof(size_t));
	tr.next = xmalloc(n * sizeof(size_t));
	tail = xmalloc(n * sizeof(size_t));
	tr.shown = xcalloc(n, sizeof(bool));
	chained = xcalloc(n, sizeof(bool));
	for (size_t i = 0; i < t->n; i++)
		tr.child[i] = tr.next[i] = tail[i] = NONE;
	/* children in address order; root-bus devices chained per root below */
	for (size_t i = 0; i < t->n; i++) {
		size_t p = l->x[i].parent;
		if (!l->x[i].placed || p == NONE)
			continue;
		if (tail[p] == NONE)
			tr.child[p] = i;
		else
			tr.next[tail[p]] = i;
		tail[p] = i;
	}
	fprintf(out, "vfio-early list --tree: sysroot %s; \"(not isolated)\": the group holds more than one card\n", l->r->sysroot_path);
	/* each root bus once, where its first device is */
	for (size_t i = 0; i < t->n; i++) {
		const char *root = l->x[i].root;
		size_t prev = NONE;
		if (!l->x[i].placed || l->x[i].parent != NONE || chained[i])
			continue;
		for (size_t k = i; k < t->n; k++)
			if (l->x[k].placed && l->x[k].parent == NONE && streq(l->x[k].root, root)) {
				if (prev != NONE)
					tr.next[prev] = k;
				prev = k;
				chained[k] = true;
			}
		fprintf(out, "%s\n", root);
		for (size_t k = i; k != NONE; k = tr.next[k])
			tree_node(&tr, k, prefix, 0, 0);
	}
	for (size_t i = 0; i < t->n; i++)
		left += !tr.shown[i];
	if (left) {
		fprintf(out, "not placed (sysfs path unreadable or unusual):\n");
		for (size_t i = 0; i < t->n; i++)
			if (!tr.shown[i]) {
				fprintf(out, "    ");
				tree_desc(l, out, i);
			}
	}
	text_notes(l, out);
	free(tr.child);
	free(tr.next);
	free(tail);
	free(tr.shown);
	free(chained);
}

int list_show(const struct run *r, bool json, bool tree)
{
	struct list l;

	list_build(&l, r);
	if (json)
		list_json(&l, stdout);
	else if (tree)
		list_tree(&l, stdout);
	else
		list_text(&l, stdout);
	list_free(&l);
	return EXIT_OK;
}
