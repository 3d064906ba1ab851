/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parse stage: config text and kernel command line -> rules. Pure. */
#pragma once
#include "util.h"

struct pci_addr {
	uint32_t domain;
	uint8_t bus, slot, func;
};
#define PCI_ADDR_MAX 20 /* "ffffffff:ff:1f.7" + NUL, rounded */

/* Strict: [DDDD:]BB:SS[.F], hex, slot <= 1f, function <= 7. *ret_slot is set
 * when the function was omitted (a whole slot). Nothing else is accepted, so
 * no parsed address can carry a path component into a sysfs path. */
int pci_addr_parse(const char *tok, struct pci_addr *ret, bool *ret_slot);
void pci_addr_fmt(const struct pci_addr *a, char buf[static PCI_ADDR_MAX]);
bool pci_addr_eq(const struct pci_addr *a, const struct pci_addr *b);
int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b);
/* "10de:2204" */
int pci_id_parse(const char *tok, uint16_t *ret_vendor, uint16_t *ret_device);

enum sel_kind {
	SEL_ADDR, /* one function, optionally with expected ids */
	SEL_SLOT, /* every function of a slot */
	SEL_ID,   /* every device with these ids */
};

struct selector {
	enum sel_kind kind;
	struct pci_addr addr;
	bool has_id, has_sub;
	uint16_t vendor, device, sub_vendor, sub_device;
};

enum rule_kind { RULE_BIND, RULE_PROTECT, RULE_SRIOV };

#define VF_RANGES_MAX 16
struct vf_range {
	unsigned first, last;
};

struct rule {
	enum rule_kind kind;
	unsigned line;      /* 0 for rules from the kernel command line */
	struct selector sel;
	bool strict;
	bool allow_boot_vga;
	/* sriov */
	unsigned numvfs;
	bool vfs_to_host;   /* "host": VFs stay with their native driver */
	size_t nranges;     /* 0: every VF goes to vfio-pci (unless vfs_to_host) */
	struct vf_range ranges[VF_RANGES_MAX];
};

#define CONFIG_LINE_MAX 4096
#define SRIOV_VFS_MAX 4096
#define BIND_TIMEOUT_DEFAULT_MS 1000
#define VF_TIMEOUT_DEFAULT_MS 3000

struct config {
	const char *path;
	struct rule *rules;
	size_t n, cap;
	bool strict_groups;
	unsigned bind_timeout_ms;
	unsigned vf_timeout_ms;
	struct strlist errors; /* "FILE:LINE: ..." */
};

void config_init(struct config *c, const char *path);
/* Parses all of text (which need not be NUL-terminated) and returns the
 * number of errors; every error is appended to c->errors. */
size_t config_parse(struct config *c, const char *text, size_t len);
void config_free(struct config *c);
bool rule_vf_to_vfio(const struct rule *r, unsigned vf);
bool selector_is_address(const struct selector *s);

struct cmdline {
	bool off;
	bool dryrun;
	size_t nbind;          /* rules appended to the config */
	struct strlist warnings;
};

/* Reads vfio-early.* switches from a kernel command line. Bind addresses
 * become RULE_BIND rules (line 0) appended to cfg. Bad tokens are skipped
 * with a warning: the command line must never stop a boot. */
void cmdline_parse(const char *text, struct config *cfg, struct cmdline *ret);
void cmdline_free(struct cmdline *c);
