/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SR-IOV: plan (pure) and apply of "sriov PF vfs=N" rules. */
#pragma once
#include "apply.h"

struct sriov_vf {
	struct pci_addr addr;   /* predicted from offset/stride, or read from virtfnK */
	char name[PCI_ADDR_MAX];
	bool to_vfio;
	bool exists;
};

struct sriov_pf {
	size_t pf;              /* device table index */
	size_t rule;            /* config rule index */
	unsigned numvfs;
	bool refused;
	bool pf_to_vfio;        /* the PF itself is bound to vfio-pci (enable_sriov=1) */
	char reason[256];
	struct sriov_vf *vfs;
	size_t nvfs;
};

struct sriov_plan {
	struct sriov_pf *v;
	size_t n, cap;
};

enum sriov_result { SR_CREATED, SR_UNCHANGED, SR_FAILED, SR_REFUSED, SR_DRYRUN, SR_DISABLED };

struct sriov_outcome {
	enum sriov_result res;
	int numvfs_before;
	char message[300];
	uint64_t elapsed_us;
};

/* Pure: rules x devices (x the group plan, to know whether a PF goes to
 * vfio-pci) -> what to create. Errors become findings. */
void plan_sriov(const struct config *cfg, const struct devtab *t, const struct plan *p, struct sriov_plan *ret, struct findings *f);
/* Appends a bind rule for every existing VF bound for vfio-pci. */
void sriov_bind_rules(const struct sriov_plan *sp, struct config *cfg);
void sriov_plan_free(struct sriov_plan *sp);
const char *sriov_result_name(enum sriov_result r);

/* Apply: PF driver, autoprobe off, numvfs 0 then N, wait for the VFs.
 * Fills out[i] (parallel to sp->v) and marks VFs that now exist. */
void apply_sriov(const struct sysroot *sr, const struct devtab *t, struct sriov_plan *sp, const struct apply_opts *o, unsigned vf_timeout_ms, struct sriov_outcome *out);
/* After the VFs' groups are bound: autoprobe back as it was, probe the VFs
 * left to the host. */
void sriov_finish(const struct sysroot *sr, const struct devtab *t, const struct sriov_plan *sp, struct sriov_outcome *out);
