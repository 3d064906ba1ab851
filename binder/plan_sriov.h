/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan stage for "sriov PF vfs=N" rules: which PFs get how many VFs,
 * where each VF will sit and where it goes. Pure. */
#pragma once
#include "plan.h"
#include "vfid.h"

struct sriov_vf {
	struct pci_addr addr; /* predicted from offset/stride, or read from virtfnK */
	char name[PCI_ADDR_MAX];
	bool to_vfio;
	bool exists;
	struct vfid_vf id; /* MAC, VLAN, trust, spoofchk (vfid.h) */
};

struct sriov_pf {
	size_t pf; /* device table index */
	size_t rule; /* config rule index */
	unsigned numvfs;
	bool refused;
	bool pf_to_vfio; /* the PF itself is bound to vfio-pci (enable_sriov=1) */
	char reason[256];
	struct sriov_vf *vfs;
	size_t nvfs;
	struct vfid_pf id;
};

struct sriov_plan {
	struct sriov_pf *v;
	size_t n, cap;
};

/* Pure: rules x devices (x the group plan, to know whether a PF goes to
 * vfio-pci) -> what to create. Errors become findings. */
void plan_sriov(const struct config *cfg, const struct devtab *t, const struct plan *p, struct sriov_plan *ret, struct findings *f);
/* Appends a bind rule for every existing VF bound for vfio-pci. */
void sriov_bind_rules(const struct sriov_plan *sp, struct config *cfg);
/* The second pass, for VFs created at this boot: a config with cfg's
 * protect rules and options and a bind rule for each VF bound for vfio-pci
 * of each PF with ready[i] that t does not hold yet (scan them, then plan). */
void sriov_new_vf_config(const struct config *cfg, const struct sriov_plan *sp, const bool *ready, const struct devtab *t, struct config *ret);
void sriov_plan_free(struct sriov_plan *sp);
