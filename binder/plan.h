/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan stage: rules x device table x protected list -> plan. Pure. */
#pragma once
#include "device.h"

enum severity { SEV_INFO, SEV_WARN, SEV_ERROR };

struct finding {
	enum severity sev;
	char code[32];      /* stable, e.g. "no-iommu", "rule-no-match" */
	char *subject;      /* device address or "host" */
	char *message;
	char *remedy;       /* may be NULL */
};

struct findings {
	struct finding *v;
	size_t n, cap;
};
void findings_add(struct findings *f, enum severity sev, const char *code, const char *subject, const char *remedy, const char *fmt, ...) PRINTF(6, 7);
void findings_free(struct findings *f);
const char *severity_name(enum severity s);

struct protected_dev {
	struct pci_addr addr;
	char *why;
};

struct protlist {
	struct protected_dev *v;
	size_t n, cap;
};
void protlist_add(struct protlist *p, const struct pci_addr *a, const char *why);
const struct protected_dev *protlist_find(const struct protlist *p, const struct pci_addr *a);
void protlist_free(struct protlist *p);
/* "ADDR<TAB>why" lines, '#' comments. Bad lines are reported in errs. */
void protlist_parse(struct protlist *p, const char *name, const char *text, struct strlist *errs);

enum dev_action {
	DA_BIND,        /* override, (unbind), probe, verify */
	DA_ALREADY,     /* already on vfio-pci */
	DA_SKIP_BRIDGE, /* bridges stay as they are */
	DA_KEEP,        /* member of a refused group: left alone */
};

enum group_action {
	GA_BIND,
	GA_ALREADY,     /* every endpoint already on vfio-pci */
	GA_REFUSE,
};

struct plan_dev {
	size_t idx;         /* into the device table */
	enum dev_action act;
	unsigned line;      /* rule line that selected it; 0 = cmdline */
	bool selected;      /* explicitly selected (else: a group member) */
	bool by_cmdline;
};

struct plan_group {
	int group;          /* -1: no IOMMU group */
	enum group_action act;
	char reason[320];
	struct plan_dev *devs;
	size_t n, cap;
};

struct plan {
	struct plan_group *g;
	size_t n, cap;
	size_t nbind, nrefused, nalready;
	struct findings findings;
};

void plan_build(const struct config *cfg, const struct devtab *t, const struct protlist *prot, struct plan *ret);
void plan_free(struct plan *p);
/* Moves src's groups and findings to the end of dst. */
void plan_append(struct plan *dst, struct plan *src);
void findings_move(struct findings *dst, struct findings *src);
const char *dev_action_name(enum dev_action a);
const char *group_action_name(enum group_action a);
