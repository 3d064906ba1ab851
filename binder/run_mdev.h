/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mdev part of the commands: mdev-apply (what the udev rule runs when
 * a parent registers), and the mdev rules' facts and plan for check and
 * status (report_mdev.c renders them). */
#pragma once
#include "apply_mdev.h"
#include "run.h"

struct mdev_run {
	struct mdev_facts f;
	struct mdev_plan p;
	struct findings quiet; /* status: findings not shown */
};

/* vfio-early mdev-apply [--parent NAME]: create what the config asks for
 * on that parent (every parent without NAME). Always EXIT_OK: udev runs it. */
int run_mdev_apply(struct run *r, const char *parent);
/* check: facts, plan, findings into r->plan.findings (counted in the exit
 * status like the plan's). After plan_all. */
void mdev_check(struct run *r);
/* status: facts and plan (after plan_all). */
void mdev_status_prepare(struct run *r);
void mdev_run_free(struct run *r);
