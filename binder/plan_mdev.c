/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mdev rules x the host's mdev facts -> instances with their UUIDs and what
 * to do with each. Pure: the facts come from scan_mdev.c. vfio-early never
 * removes a mediated device: an instance that exists is kept, one in the
 * way is reported. */
#include "plan_mdev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRUB_NOTE "(GRUB_CMDLINE_LINUX in /etc/default/grub, update-grub, reboot)"

const char *mdev_action_name(enum mdev_action a)
{
	switch (a) {
	case MA_CREATE: return "create";
	case MA_PRESENT: return "present";
	case MA_CONFLICT: return "conflict";
	case MA_DUPLICATE: return "duplicate";
	case MA_NO_TYPE: return "no-type";
	case MA_WAIT: return "wait";
	}
	return "?";
}

const struct mdev_type_info *mdev_parent_type(const struct mdev_parent_info *p, const char *type)
{
	for (size_t i = 0; i < p->ntypes; i++)
		if (streq(p->types[i].name, type))
			return &p->types[i];
	return NULL;
}

void mdev_rule_describe(const struct mdev_rule *r, char *buf, size_t size)
{
	if (r->by_name)
		(void)snprintf(buf, size, "parent=%s", r->parent);
	else
		sel_describe(&r->sel, buf, size);
}

void mdev_uuid_name(const struct mdev_rule *r, const struct mdev_parent_info *p, const struct pci_dev *d, unsigned index, char *buf, size_t size)
{
	char where[128];

	/* The parent as the rule locates it: a rule that survives bus
	 * renumbering (slot=, path=, serial=) gives UUIDs that survive it. */
	if (r->by_name || !d)
		(void)snprintf(where, sizeof(where), "%s", p->name);
	else if (r->sel.kind == SEL_PHYSLOT)
		(void)snprintf(where, sizeof(where), "slot=%s.%x", r->sel.name, d->addr.func);
	else if (r->sel.kind == SEL_PATH && d->path[0])
		(void)snprintf(where, sizeof(where), "path=%s", d->path);
	else if (r->sel.kind == SEL_SERIAL)
		(void)snprintf(where, sizeof(where), "serial=%016llx.%x", (unsigned long long)r->sel.serial, d->addr.func);
	else
		(void)snprintf(where, sizeof(where), "%s", d->name);
	(void)snprintf(buf, size, "%s|%s|%u", where, r->type, index);
}

/* A selector that names functions, not whole cards. */
static bool function_level(const struct selector *s)
{
	const char *last = strrchr(s->name, '/');
	return s->kind == SEL_ADDR || s->kind == SEL_ID || (s->kind == SEL_PATH && strchr(last ? last : s->name, '.'));
}

/* The rule's parents: by name the one entry scan made; a PCI selector's
 * matches that registered with the mdev core, or, when none did, those it
 * names (function 0 of a card named whole). */
static size_t rule_parents(const struct mdev_rule *r, const struct mdev_facts *f, size_t *ret)
{
	size_t n = 0, reg = 0;

	for (size_t i = 0; i < f->np; i++) {
		const struct mdev_parent_info *p = &f->p[i];
		if (r->by_name ? !streq(p->name, r->parent) : (!p->is_pci || !selector_matches(&r->sel, &f->t.v[p->pci])))
			continue;
		reg += p->registered;
		ret[n++] = i;
	}
	if (r->by_name || reg == n)
		return n;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct mdev_parent_info *p = &f->p[ret[i]];
		if (reg ? p->registered : (function_level(&r->sel) || f->t.v[p->pci].addr.func == 0))
			ret[k++] = ret[i];
	}
	return k;
}

/* Why a parent offers no mdev types: one finding, its text in why. */
static void why_not_registered(const struct config *cfg, const struct mdev_rule *r, const struct mdev_facts *f, const struct mdev_parent_info *p,
			       struct findings *out, char *why, size_t size)
{
	const char *core = f->bus ? "" : " (the mdev core, module mdev, is not loaded either)";
	char *list = NULL;

	if (!p->is_pci) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < f->registered.n; i++)
			sb_printf(&sb, "%s%s", i ? ", " : "", f->registered.v[i]);
		list = sb_steal(&sb);
		(void)snprintf(why, size, "no mdev parent named %s is registered (/sys/class/mdev_bus/%s)%s", p->name, p->name, core);
		findings_add(out, SEV_WARN, "mdev-no-parent", p->name,
			     "load the parent's driver; NAME is its device name as in /sys/class/mdev_bus/ once it registers", "%s:%u: %s; registered: %s",
			     cfg->path, r->line, why, list && *list ? list : "none");
	} else if (!p->driver[0]) {
		(void)snprintf(why, size, "%s has no driver: its mdev types appear when its host driver registers it%s", p->name, core);
		findings_add(out, SEV_WARN, "mdev-parent-no-driver", p->name,
			     "load its host driver (i915 with kvmgt for Intel GVT-g, NVIDIA's vGPU host driver for NVIDIA vGPU)", "%s:%u: %s", cfg->path,
			     r->line, why);
	} else if (streq(p->driver, "i915") && f->gvt != 1) {
		(void)snprintf(why, size, "%s is on i915 with GVT-g off (i915.enable_gvt is %s)", p->name, f->gvt == 0 ? "N" : "not there: GVT-g not built in");
		findings_add(out, SEV_WARN, "mdev-gvt-disabled", p->name,
			     "add i915.enable_gvt=1 to the kernel command line " GRUB_NOTE
			     " and load kvmgt at boot (echo kvmgt > /etc/modules-load.d/kvmgt.conf); GVT-g exists for Broadwell to Comet Lake iGPUs only",
			     "%s:%u: %s", cfg->path, r->line, why);
	} else if (streq(p->driver, "i915") && !f->kvmgt) {
		(void)snprintf(why, size, "%s is on i915 with i915.enable_gvt=1, but kvmgt, which registers the GVT-g types, is not loaded", p->name);
		findings_add(out, SEV_WARN, "mdev-kvmgt-missing", p->name, "modprobe kvmgt; at every boot: echo kvmgt > /etc/modules-load.d/kvmgt.conf",
			     "%s:%u: %s", cfg->path, r->line, why);
	} else {
		const char *hint = streq(p->driver, "i915")
					   ? "i915.enable_gvt=1 and kvmgt are there: this iGPU has no GVT-g (Broadwell to Comet Lake only), or "
					     "GVT-g failed to start (dmesg | grep -i gvt)"
				   : startswith(p->driver, "nvidia")
					   ? "NVIDIA vGPU needs the vGPU host driver, not the desktop one; from Ampere on the types sit on the SR-IOV VFs "
					     "(sriov-manage -e)"
					   : "name a device whose driver offers mediated devices (ls /sys/class/mdev_bus/)";
		(void)snprintf(why, size, "%s is on %s, which registers no mdev types for it (no mdev_supported_types)%s", p->name, p->driver, core);
		findings_add(out, SEV_WARN, "mdev-not-parent", p->name, hint, "%s:%u: %s", cfg->path, r->line, why);
	}
	free(list);
}

static void type_missing(const struct config *cfg, const struct mdev_rule *r, const struct mdev_parent_info *p, struct findings *out, char *why, size_t size)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < p->ntypes; i++)
		sb_printf(&sb, "%s%s%s%s%s", i ? ", " : "", p->types[i].name, p->types[i].pretty[0] ? " (" : "", p->types[i].pretty,
			  p->types[i].pretty[0] ? ")" : "");
	(void)snprintf(why, size, "%s offers no mdev type %s", p->name, r->type);
	findings_add(out, SEV_ERROR, "mdev-type-missing", p->name, "use one of the types it offers in type=", "%s:%u: %s; it offers: %s", cfg->path, r->line,
		     why, sb.s ? sb.s : "none");
	sb_free(&sb);
}

static const struct mdev_dev_info *find_dev(const struct mdev_facts *f, const struct uuid *u)
{
	for (size_t i = 0; i < f->nd; i++)
		if (uuid_eq(&f->d[i].uuid, u))
			return &f->d[i];
	return NULL;
}

static const struct mdev_inst *find_planned(const struct mdev_plan *mp, const struct uuid *u)
{
	for (size_t i = 0; i < mp->n; i++)
		if (uuid_eq(&mp->v[i].uuid, u))
			return &mp->v[i];
	return NULL;
}

/* One instance: its UUID and what to do. why: the parent-level reason
 * (not registered, no such type), "" when there is none. */
static void plan_instance(const struct config *cfg, size_t ri, size_t pi, unsigned k, const struct mdev_facts *f, const char *why, enum mdev_action blocked,
			  struct mdev_plan *mp, struct findings *out)
{
	const struct mdev_rule *r = &cfg->mdev[ri];
	const struct mdev_parent_info *p = &f->p[pi];
	struct mdev_inst *x;
	const struct mdev_inst *dup;
	const struct mdev_dev_info *have;
	char name[256];

	GROW(mp->v, mp->cap, mp->n);
	x = &mp->v[mp->n];
	memset(x, 0, sizeof(*x));
	x->rule = ri;
	x->parent = pi;
	x->index = k;
	memcpy(x->type, r->type, sizeof(x->type));
	x->given = k < r->nuuids;
	if (x->given) {
		x->uuid = r->uuids[k];
	} else {
		struct uuid ns = { { 0 } };
		(void)uuid_parse(MDEV_UUID_NAMESPACE, &ns);
		mdev_uuid_name(r, p, p->is_pci ? &f->t.v[p->pci] : NULL, k, name, sizeof(name));
		uuid_v5(&ns, name, strlen(name), &x->uuid);
	}
	uuid_fmt(&x->uuid, x->uuid_s);
	dup = find_planned(mp, &x->uuid);
	have = find_dev(f, &x->uuid);
	if (dup && blocked != MA_DUPLICATE) { /* a rule-level duplicate is reported once */
		x->act = MA_DUPLICATE;
		(void)snprintf(x->reason, sizeof(x->reason), "%s:%u plans %s for %s too (instance %u)", cfg->path, cfg->mdev[dup->rule].line, x->uuid_s,
			       f->p[dup->parent].name, dup->index);
		findings_add(out, SEV_ERROR, "mdev-duplicate", p->name,
			     "one rule per parent and type (raise count=); uuid= only on a rule that selects one parent", "%s:%u: %s on %s: %s", cfg->path,
			     r->line, x->uuid_s, p->name, x->reason);
	} else if (why[0]) {
		x->act = blocked;
		(void)snprintf(x->reason, sizeof(x->reason), "%s", why);
	} else if (have && streq(have->parent, p->name) && streq(have->type, r->type)) {
		x->act = MA_PRESENT;
	} else if (have) {
		x->act = MA_CONFLICT;
		(void)snprintf(x->reason, sizeof(x->reason), "%s exists on %s as %s; left alone", x->uuid_s,
			       have->parent[0] ? have->parent : "an unknown parent", have->type[0] ? have->type : "an unknown type");
		findings_add(out, SEV_ERROR, "mdev-uuid-conflict", p->name,
			     "remove it (echo 1 > /sys/bus/mdev/devices/UUID/remove) or give another uuid=", "%s:%u: wants %s on %s as %s, but %s", cfg->path,
			     r->line, x->uuid_s, p->name, r->type, x->reason);
	} else {
		x->act = MA_CREATE;
	}
	mp->n++;
}

static void plan_parent(const struct config *cfg, size_t ri, size_t pi, const struct mdev_facts *f, struct mdev_plan *mp, struct findings *out)
{
	const struct mdev_rule *r = &cfg->mdev[ri];
	const struct mdev_parent_info *p = &f->p[pi];
	const struct mdev_type_info *ty = mdev_parent_type(p, r->type);
	enum mdev_action blocked = MA_WAIT;
	char why[256] = "";
	unsigned create = 0;

	/* Another rule that found this parent another way (an address and
	 * slot=, parent=NAME and its PCI address) and asks for the same type:
	 * its UUIDs are other names' hashes, so without this both sets would
	 * be created. */
	for (size_t i = 0; i < mp->ntg; i++)
		if (mp->tg[i].parent == pi && mp->tg[i].rule != ri && streq(cfg->mdev[mp->tg[i].rule].type, r->type)) {
			blocked = MA_DUPLICATE;
			(void)snprintf(why, sizeof(why), "%s:%u asks for %s on %s already", cfg->path, cfg->mdev[mp->tg[i].rule].line, r->type, p->name);
			findings_add(out, SEV_ERROR, "mdev-duplicate", p->name, "one rule per parent and type (raise count= on the first)", "%s:%u: %s",
				     cfg->path, r->line, why);
			break;
		}
	GROW(mp->tg, mp->captg, mp->ntg);
	mp->tg[mp->ntg].rule = ri;
	mp->tg[mp->ntg++].parent = pi;
	if (blocked == MA_DUPLICATE) {
		/* why says it */
	} else if (p->to_vfio) {
		(void)snprintf(why, sizeof(why), "this config binds %s to vfio-pci; its mediated devices come from its host driver", p->name);
		findings_add(out, SEV_ERROR, "mdev-parent-on-vfio", p->name,
			     "remove the bind rule or the mdev rule: a device is passed whole or shared as mediated devices, not both", "%s:%u: %s", cfg->path,
			     r->line, why);
	} else if (!p->registered) {
		why_not_registered(cfg, r, f, p, out, why, sizeof(why));
	} else if (!ty) {
		blocked = MA_NO_TYPE;
		type_missing(cfg, r, p, out, why, sizeof(why));
	}
	for (unsigned k = 0; k < r->count; k++) {
		plan_instance(cfg, ri, pi, k, f, why, blocked, mp, out);
		create += mp->v[mp->n - 1].act == MA_CREATE;
	}
	if (ty && ty->available >= 0 && create > (unsigned)ty->available)
		findings_add(
			out, SEV_WARN, "mdev-no-room", p->name, "lower count=, or remove instances not in use (echo 1 > /sys/bus/mdev/devices/UUID/remove)",
			"%s:%u: %u instance(s) of %s to create on %s, available_instances is %d", cfg->path, r->line, create, r->type, p->name, ty->available);
}

void plan_mdev(const struct config *cfg, const struct mdev_facts *f, struct mdev_plan *mp, struct findings *out)
{
	size_t *parents = xcalloc(f->np + 1, sizeof(*parents));

	memset(mp, 0, sizeof(*mp));
	for (size_t ri = 0; ri < cfg->nmdev; ri++) {
		const struct mdev_rule *r = &cfg->mdev[ri];
		size_t n = rule_parents(r, f, parents);
		char desc[128];

		if (n == 0) {
			mdev_rule_describe(r, desc, sizeof(desc));
			findings_add(out, SEV_WARN, "mdev-no-parent", "config", "check the address with 'lspci -nn', or remove the rule",
				     "%s:%u: no device matches '%s'", cfg->path, r->line, desc);
		}
		for (size_t i = 0; i < n; i++)
			plan_parent(cfg, ri, parents[i], f, mp, out);
	}
	free(parents);
}

void mdev_plan_only(struct mdev_plan *mp, const struct mdev_facts *f, const char *parent)
{
	size_t n = 0, ntg = 0;

	for (size_t i = 0; i < mp->n; i++)
		if (streq(f->p[mp->v[i].parent].name, parent))
			mp->v[n++] = mp->v[i];
	for (size_t i = 0; i < mp->ntg; i++)
		if (streq(f->p[mp->tg[i].parent].name, parent))
			mp->tg[ntg++] = mp->tg[i];
	mp->n = n;
	mp->ntg = ntg;
}

void mdev_plan_free(struct mdev_plan *mp)
{
	free(mp->v);
	free(mp->tg);
	memset(mp, 0, sizeof(*mp));
}
