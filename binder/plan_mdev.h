/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan stage for "mdev" rules: which parents each rule names, the
 * instances on each with their UUIDs (given, or derived by name: version 5,
 * see vfio-early.conf(5)), and what to do with each. Pure. */
#pragma once
#include "plan.h"
#include "scan_mdev.h"

/* The namespace of derived UUIDs; never changes (vfio-early.conf(5)). */
#define MDEV_UUID_NAMESPACE "e6d08a62-a3ad-43f0-8928-ab5e6b01d097"

enum mdev_action {
	MA_CREATE, /* write the UUID to TYPE/create */
	MA_PRESENT, /* exists on this parent with this type: kept */
	MA_CONFLICT, /* the UUID exists on another parent or with another type: left alone */
	MA_DUPLICATE, /* another rule or parent plans the same UUID */
	MA_NO_TYPE, /* the parent is registered but offers no such type */
	MA_WAIT, /* the parent is not registered (yet): its driver will call us */
};

struct mdev_inst {
	size_t rule; /* cfg->mdev index */
	size_t parent; /* facts->p index */
	unsigned index; /* 0..count-1 */
	char type[MDEV_NAME_MAX]; /* the rule's */
	struct uuid uuid;
	char uuid_s[UUID_STR_MAX];
	bool given; /* from uuid=, else derived */
	enum mdev_action act;
	char reason[256];
};

/* A rule's parents: facts->p indexes, in the order found. */
struct mdev_target {
	size_t rule, parent;
};

struct mdev_plan {
	struct mdev_inst *v;
	size_t n, cap;
	struct mdev_target *tg;
	size_t ntg, captg;
};

/* The name hashed for instance index of rule r on parent p: the parent as
 * the rule locates it, the type and the index, '|'-separated, e.g.
 * "mtty|mtty-2|0", "0000:00:02.0|i915-GVTg_V5_4|1", "path=00:01.1/00.0|nvidia-63|0". */
void mdev_uuid_name(const struct mdev_rule *r, const struct mdev_parent_info *p, const struct pci_dev *d, unsigned index, char *buf, size_t size);
/* Every rule on every parent it locates, in config order: the first to
 * plan a UUID, or a parent and type, has it. Findings (codes mdev-*,
 * conf/check-json.md) go to out. */
void plan_mdev(const struct config *cfg, const struct mdev_facts *f, struct mdev_plan *mp, struct findings *out);
/* Keeps only the instances (and targets) on the parent of that device name:
 * mdev-apply --parent, after planning them all. */
void mdev_plan_only(struct mdev_plan *mp, const struct mdev_facts *f, const char *parent);
void mdev_plan_free(struct mdev_plan *mp);
const char *mdev_action_name(enum mdev_action a);
/* The type's facts on a parent, NULL when it offers no such type. */
const struct mdev_type_info *mdev_parent_type(const struct mdev_parent_info *p, const char *type);
/* "parent=mtty", "0000:00:02.0 id=8086:3e92": the rule's parent as written. */
void mdev_rule_describe(const struct mdev_rule *r, char *buf, size_t size);
