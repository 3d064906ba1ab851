/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The apply stage: the only one that changes the system. */
#pragma once
#include "modload.h"
#include "plan.h"
#include "sysroot.h"

enum dev_result {
	DR_BOUND, /* verified on its vfio driver */
	DR_ALREADY,
	DR_SKIPPED, /* bridge */
	DR_KEPT, /* refused group: untouched */
	DR_RESTORED, /* group failed: put back as it was */
	DR_DIRTY, /* group failed and could not be put back fully */
	DR_PLANNED, /* dry run */
};

enum group_result {
	GR_BOUND,
	GR_ALREADY,
	GR_REFUSED,
	GR_FAILED, /* rolled back */
	GR_DRYRUN,
	GR_DISABLED, /* kill switch or no IOMMU */
};

struct dev_outcome {
	enum dev_result res;
	char before_driver[DRV_MAX];
	char before_override[DRV_MAX];
	char after_driver[DRV_MAX];
	char vfio_driver[DRV_MAX]; /* the driver written to driver_override */
	char error[160];
};

struct group_outcome {
	enum group_result res;
	char message[400];
	uint64_t elapsed_us;
	struct dev_outcome *devs; /* parallel to plan_group.devs */
};

struct apply_opts {
	bool dryrun;
	bool disabled; /* kill switch / no IOMMU: record only */
	const char *disabled_why;
	unsigned bind_timeout_ms;
	const char *vfio_options; /* "enable_sriov=1" when a PF goes to vfio-pci */
};

struct apply_result {
	struct group_outcome *g; /* parallel to plan.g */
	size_t n;
	size_t nbound, nfailed, nrefused, nalready;
	bool vfio_loaded;
	char load_error[256];
};

/* Which vfio driver each endpoint of p goes to, and why (pd->vfio):
 * the rule's driver=, else the best variant in the kernel's module aliases
 * (read once into aliases, only when a device is to be bound and names no
 * driver), else vfio-pci. Loads nothing: a variant's PCI driver name is
 * filled in only when its module is loaded already. */
void apply_choose_drivers(const struct sysroot *sr, const struct devtab *t, struct plan *p, struct modaliases *aliases);
void apply_plan(const struct sysroot *sr, const struct devtab *t, const struct plan *p, const struct apply_opts *o, struct apply_result *ret);
void apply_result_free(struct apply_result *r);
/* Moves src's groups to the end of dst (second pass: created VFs). */
void apply_result_append(struct apply_result *dst, struct apply_result *src);
const char *dev_result_name(enum dev_result r);
const char *group_result_name(enum group_result r);
