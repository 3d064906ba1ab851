/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The apply stage for mdev rules: a UUID written to TYPE/create for each
 * instance that does not exist, checked, logged and recorded per parent in
 * /run/vfio-early/mdev/PARENT.json. Never removes one. */
#pragma once
#include "json.h"
#include "plan_mdev.h"

#define MDEV_STATE_DIR "run/vfio-early/mdev"

enum mdev_result { MR_CREATED, MR_PRESENT, MR_FAILED, MR_REFUSED, MR_WAITING, MR_DRYRUN, MR_DISABLED };

struct mdev_outcome {
	enum mdev_result res;
	char message[300];
};

struct mdev_apply_opts {
	bool dryrun;
	const char *disabled; /* why nothing is written (vfio-early.off), or NULL */
	const char *event; /* the udev event that ran us ("change", "add"), or NULL */
	uint64_t t_start;
};

/* Fills out[i] for every mp->v[i]. */
void apply_mdev(const struct sysroot *sr, const struct mdev_facts *f, const struct mdev_plan *mp, const struct mdev_apply_opts *o, struct mdev_outcome *out);
/* One kernel log line and one record for each parent in the plan. */
void mdev_log_and_record(const struct sysroot *sr, const struct config *cfg, const struct mdev_facts *f, const struct mdev_plan *mp,
			 const struct mdev_outcome *out, const struct mdev_apply_opts *o);
const char *mdev_result_name(enum mdev_result r);
