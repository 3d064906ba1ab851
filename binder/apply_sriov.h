/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The apply stage for SR-IOV: PF driver, VFs created, autoprobe restored. */
#pragma once
#include "apply.h"
#include "plan_sriov.h"

enum sriov_result { SR_CREATED, SR_UNCHANGED, SR_FAILED, SR_REFUSED, SR_DRYRUN, SR_DISABLED };

struct sriov_outcome {
	enum sriov_result res;
	int numvfs_before;
	char message[300];
	uint64_t elapsed_us;
};

/* Apply: PF driver, autoprobe off, numvfs 0 then N, wait for the VFs.
 * Fills out[i] (parallel to sp->v) and marks VFs that now exist. */
void apply_sriov(const struct sysroot *sr, const struct devtab *t, struct sriov_plan *sp, const struct apply_opts *o, unsigned vf_timeout_ms,
		 struct sriov_outcome *out);
/* After the VFs' groups are bound: autoprobe back as it was, probe the VFs
 * left to the host. */
void sriov_finish(const struct sysroot *sr, const struct devtab *t, const struct sriov_plan *sp, struct sriov_outcome *out);
const char *sriov_result_name(enum sriov_result r);
/* How many of the n outcomes failed. */
size_t sriov_nfailed(const struct sriov_outcome *out, size_t n);
