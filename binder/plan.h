/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan stage: rules x device table x protected list -> plan. Pure. */
#pragma once
#include "device.h"
#include "parse.h"
#include "protlist.h"

enum severity { SEV_INFO, SEV_WARN, SEV_ERROR };

struct finding {
	enum severity sev;
	char code[32]; /* stable, e.g. "no-iommu", "rule-no-match" */
	char *subject; /* device address or "host" */
	char *message;
	char *remedy; /* may be NULL */
};

struct findings {
	struct finding *v;
	size_t n, cap;
};
void findings_add(struct findings *f, enum severity sev, const char *code, const char *subject, const char *remedy, const char *fmt, ...) PRINTF(6, 7);
void findings_free(struct findings *f);
const char *severity_name(enum severity s);

enum dev_action {
	DA_BIND, /* override, (unbind), probe, verify */
	DA_ALREADY, /* already on vfio-pci or a variant driver */
	DA_SKIP_BRIDGE, /* bridges stay as they are */
	DA_KEEP, /* member of a refused group: left alone */
};

enum group_action {
	GA_BIND,
	GA_ALREADY, /* every endpoint already on vfio-pci */
	GA_REFUSE,
};

/* Which vfio driver a device goes to, and why. Chosen after planning by
 * apply_choose_drivers (the kernel's module aliases are read: I/O). */
enum vfio_why {
	VW_NONE, /* not going to a vfio driver (bridge, refused group) */
	VW_GENERIC, /* vfio-pci: no variant matches */
	VW_VARIANT, /* a vfio_pci: module alias matched */
	VW_RULE, /* the rule's driver= */
	VW_ALREADY, /* already on vfio-pci or a variant */
};

struct vfio_choice {
	enum vfio_why why;
	char module[MODULE_NAME_MAX]; /* to load: vfio_pci, the variant's, the rule's name */
	char driver[DRV_MAX]; /* PCI driver name; "": known once its module is loaded */
	char alias[128]; /* VW_VARIANT: the modules.alias pattern that matched */
	char note[160]; /* VW_GENERIC: why no variant could be looked up, else "" */
};

struct plan_dev {
	size_t idx; /* into the device table */
	enum dev_action act;
	unsigned line; /* rule line that selected it; 0 = cmdline */
	bool selected; /* explicitly selected (else: a group member) */
	bool by_cmdline;
	char rule_driver[RULE_DRIVER_MAX]; /* the selecting rule's driver= */
	struct vfio_choice vfio;
};

/* One reason a group is refused, about one of its devices. */
struct refusal {
	char code[16]; /* protected, host-critical, no-iommu-group, unreadable,
			* id-mismatch, boot-vga, unnamed, strict, only-bridges */
	size_t idx; /* the device, into the device table */
	char *message;
};

struct plan_group {
	int group; /* -1: no IOMMU group */
	enum group_action act;
	char *reason; /* GA_REFUSE: every refusal, "; "-joined */
	struct refusal *why; /* GA_REFUSE: every reason, most important first */
	size_t nwhy, capwhy;
	struct plan_dev *devs;
	size_t n, cap;
};

struct plan {
	struct plan_group *g;
	size_t n, cap;
	size_t nbind, nrefused, nalready;
	struct findings findings;
};

/* The one selector matcher: address (function or slot) and ids. */
bool selector_matches(const struct selector *s, const struct pci_dev *d);
/* Only the address part (SEL_ID: every device). */
bool selector_addr_matches(const struct selector *s, const struct pci_dev *d);
/* The selector as written: "0000:01:00.0 id=10de:2204", "slot=8", "path=00:01.1/00". */
void sel_describe(const struct selector *s, char *buf, size_t size);

void plan_build(const struct config *cfg, const struct devtab *t, const struct protlist *prot, struct plan *ret);
void plan_free(struct plan *p);
/* Moves src's groups and findings to the end of dst. */
void plan_append(struct plan *dst, struct plan *src);
void findings_move(struct findings *dst, struct findings *src);
/* The refusal about device idx in g, NULL when it has none. */
const struct refusal *plan_refusal(const struct plan_group *g, size_t idx);
/* An endpoint the plan puts (or finds) on vfio-pci. */
bool plan_dev_to_vfio(const struct plan_dev *pd, const struct pci_dev *d);
/* Why a device goes to its vfio driver, for people and the record:
 * "generic", "variant matched vfio_pci:v...", "rule driver=NAME",
 * "already bound"; NULL for VW_NONE. */
const char *vfio_why_text(const struct vfio_choice *c, char *buf, size_t size);
const char *dev_action_name(enum dev_action a);
const char *group_action_name(enum group_action a);
