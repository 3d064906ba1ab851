/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "plan_sriov.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool pf_bound_to_vfio(const struct plan *p, size_t idx)
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < p->g[i].n; k++)
			if (p->g[i].devs[k].idx == idx)
				return p->g[i].devs[k].act == DA_BIND || p->g[i].devs[k].act == DA_ALREADY;
	return false;
}

/* VF k's routing id is the PF's + offset + k * stride (PCIe SR-IOV 3.3.9). */
static void predict_vfs(const struct pci_dev *d, const struct rule *r, struct sriov_pf *x)
{
	unsigned rid = (unsigned)d->addr.bus << 8 | (unsigned)d->addr.slot << 3 | d->addr.func;

	x->vfs = xcalloc(r->numvfs, sizeof(*x->vfs));
	x->nvfs = r->numvfs;
	for (unsigned k = 0; k < r->numvfs; k++) {
		unsigned v = rid + (unsigned)d->sriov_offset + k * (unsigned)d->sriov_stride;
		struct sriov_vf *vf = &x->vfs[k];
		vf->addr.domain = d->addr.domain;
		vf->addr.bus = (uint8_t)(v >> 8);
		vf->addr.slot = (uint8_t)((v >> 3) & 0x1f);
		vf->addr.func = (uint8_t)(v & 7);
		pci_addr_fmt(&vf->addr, vf->name);
		vf->to_vfio = rule_vf_to_vfio(r, k);
		vf->exists = false;
	}
}

void plan_sriov(const struct config *cfg, const struct devtab *t, const struct plan *p, struct sriov_plan *sp, struct findings *f)
{
	memset(sp, 0, sizeof(*sp));
	for (size_t ri = 0; ri < cfg->n; ri++) {
		const struct rule *r = &cfg->rules[ri];
		size_t hits = 0;
		if (r->kind != RULE_SRIOV)
			continue;
		for (size_t i = 0; i < t->n; i++) {
			const struct pci_dev *d = &t->v[i];
			struct sriov_pf *x;
			if (d->is_vf || !selector_matches(&r->sel, d))
				continue;
			if (d->sriov_total < 0 && r->sel.kind != SEL_ADDR)
				continue;
			hits++;
			GROW(sp->v, sp->cap, sp->n);
			x = &sp->v[sp->n++];
			memset(x, 0, sizeof(*x));
			x->pf = i;
			x->rule = ri;
			x->numvfs = r->numvfs;
			x->pf_to_vfio = pf_bound_to_vfio(p, i);
			if (d->sriov_total < 0) {
				x->refused = true;
				(void)snprintf(x->reason, sizeof(x->reason), "%s is not SR-IOV capable (no sriov_totalvfs)", d->name);
			} else if (r->numvfs > (unsigned)d->sriov_total) {
				x->refused = true;
				(void)snprintf(x->reason, sizeof(x->reason), "%s supports at most %d VFs (sriov_totalvfs), %s:%u asks for %u", d->name,
					       d->sriov_total, cfg->path, r->line, r->numvfs);
			}
			if (x->refused) {
				findings_add(f, SEV_ERROR, "sriov-refused", d->name, "lower vfs= to at most sriov_totalvfs, or fix the rule's address", "%s",
					     x->reason);
				continue;
			}
			predict_vfs(d, r, x);
			/* VFs that exist already (same count): their real addresses. */
			if (d->sriov_num == (int)r->numvfs) {
				for (size_t k = 0; k < x->nvfs; k++) {
					for (size_t j = 0; j < t->n; j++)
						if (t->v[j].is_vf && pci_addr_eq(&t->v[j].physfn, &d->addr) && pci_addr_eq(&t->v[j].addr, &x->vfs[k].addr))
							x->vfs[k].exists = true;
				}
			}
		}
		if (!hits) {
			char a[PCI_ADDR_MAX];
			pci_addr_fmt(&r->sel.addr, a);
			findings_add(f, SEV_WARN, "rule-no-match", "config", "check the PF's address with 'lspci -nn' or remove the rule",
				     "%s:%u: no SR-IOV PF matches '%s'", cfg->path, r->line, r->sel.kind == SEL_ID ? "id=" : a);
		}
	}
	vfid_plan(cfg, t, sp, f);
}

/* A bind rule in dst for each VF bound for vfio-pci that exists, of each
 * PF with ready[i] (NULL: all), that skip does not hold (NULL: none). */
static void vf_rules(const struct sriov_plan *sp, const struct config *src, const bool *ready, const struct devtab *skip, struct config *dst)
{
	for (size_t i = 0; i < sp->n; i++) {
		const struct sriov_pf *x = &sp->v[i];
		unsigned line = src->rules[x->rule].line;
		if (ready && !ready[i])
			continue;
		for (size_t k = 0; k < x->nvfs; k++)
			if (x->vfs[k].exists && x->vfs[k].to_vfio && !(skip && devtab_find(skip, &x->vfs[k].addr)))
				config_add_bind(dst, line, &x->vfs[k].addr);
	}
}

void sriov_bind_rules(const struct sriov_plan *sp, struct config *cfg)
{
	vf_rules(sp, cfg, NULL, NULL, cfg);
}

void sriov_new_vf_config(const struct config *cfg, const struct sriov_plan *sp, const bool *ready, const struct devtab *t, struct config *ret)
{
	config_init(ret, cfg->path);
	ret->strict_groups = cfg->strict_groups;
	for (size_t i = 0; i < cfg->n; i++)
		if (cfg->rules[i].kind == RULE_PROTECT)
			*config_add_rule(ret, RULE_PROTECT, cfg->rules[i].line, &cfg->rules[i].sel) = cfg->rules[i];
	vf_rules(sp, cfg, ready, t, ret);
}

void sriov_plan_free(struct sriov_plan *sp)
{
	for (size_t i = 0; i < sp->n; i++)
		free(sp->v[i].vfs);
	free(sp->v);
	memset(sp, 0, sizeof(*sp));
}
