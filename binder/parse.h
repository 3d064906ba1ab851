/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parse stage: config text -> rules (vfio-early.conf(5)). Pure. */
#pragma once
#include "pciaddr.h"
#include "uuid.h"

enum sel_kind {
	SEL_ADDR, /* one function, optionally with expected ids */
	SEL_SLOT, /* every function of a slot (bus address BB:SS) */
	SEL_ID, /* every device with these ids */
	SEL_PHYSLOT, /* slot=NAME: every function of the card in that physical slot */
	SEL_PATH, /* path=P: by the device numbers from the root bus down */
	SEL_SERIAL, /* serial=S: every function of the card with that PCIe DSN */
};

#define SEL_NAME_MAX 64

struct selector {
	enum sel_kind kind;
	struct pci_addr addr;
	bool has_id, has_sub;
	uint16_t vendor, device, sub_vendor, sub_device;
	char name[SEL_NAME_MAX]; /* SEL_PHYSLOT: the slot's name; SEL_PATH: canonical path */
	uint64_t serial; /* SEL_SERIAL */
};

enum rule_kind { RULE_BIND, RULE_PROTECT, RULE_SRIOV };

/* sriov VF identity (mac=, vlan=, trust=, spoofchk=; vfid.h); zeroed:
 * nothing asked. A list's MACs are config->vf_macs[mac_first, mac_first +
 * nmacs); "BASE+" sets mac_seq. MACs are 48-bit numbers, first octet
 * highest. */
enum onoff { ONOFF_UNSET = 0, ONOFF_OFF, ONOFF_ON };
struct vfid_rule {
	size_t mac_first, nmacs;
	bool mac_seq;
	uint64_t mac_base;
	bool has_vlan;
	uint16_t vlan;
	enum onoff trust, spoofchk;
};

#define VF_RANGES_MAX 16
struct vf_range {
	unsigned first, last;
};

/* A driver or module name, as the kernel limits module names
 * (MODULE_NAME_LEN): at most 55 characters. */
#define RULE_DRIVER_MAX 56

struct rule {
	enum rule_kind kind;
	unsigned line; /* 0 for rules from the kernel command line */
	struct selector sel;
	bool strict;
	bool allow_boot_vga;
	char driver[RULE_DRIVER_MAX]; /* bind driver=NAME; "": chosen at boot */
	/* sriov */
	unsigned numvfs;
	bool vfs_to_host; /* "host": VFs stay with their native driver */
	size_t nranges; /* 0: every VF goes to vfio-pci (unless vfs_to_host) */
	struct vf_range ranges[VF_RANGES_MAX];
	struct vfid_rule vfid;
};

/* mdev PARENT type=TYPE [count=N] [uuid=U,...]: mediated devices to create
 * on PARENT once its driver registers it (plan_mdev.h). Kept apart from
 * rules[]: they select no device for vfio-pci. */
#define MDEV_NAME_MAX 64 /* a parent's device name, a type's directory name */
#define MDEV_COUNT_MAX 64
struct mdev_rule {
	unsigned line;
	bool by_name; /* parent=NAME (any device in /sys/class/mdev_bus); else sel, a PCI device */
	char parent[MDEV_NAME_MAX];
	struct selector sel;
	char type[MDEV_NAME_MAX];
	unsigned count;
	size_t nuuids; /* uuid=: the first nuuids instances */
	struct uuid *uuids;
};

#define CONFIG_LINE_MAX 4096
#define SRIOV_VFS_MAX 4096
#define BIND_TIMEOUT_DEFAULT_MS 1000
#define VF_TIMEOUT_DEFAULT_MS 3000

struct config {
	const char *path;
	struct rule *rules;
	size_t n, cap;
	uint64_t *vf_macs; /* the MACs of every mac= list (struct vfid_rule) */
	size_t nvf_macs, vf_macs_cap;
	bool strict_groups;
	unsigned bind_timeout_ms;
	unsigned vf_timeout_ms;
	struct strlist errors; /* "FILE:LINE: ..." */
	struct mdev_rule *mdev;
	size_t nmdev, capmdev;
};

void config_init(struct config *c, const char *path);
/* Parses all of text (which need not be NUL-terminated) and returns the
 * number of errors; every error is appended to c->errors. */
size_t config_parse(struct config *c, const char *text, size_t len);
void config_free(struct config *c);
/* The one rule constructor: appends a zeroed rule of this kind, line and
 * selector to c and returns it for the kind's own fields. */
struct rule *config_add_rule(struct config *c, enum rule_kind kind, unsigned line, const struct selector *sel);
/* A bind rule for one function (VFs, kernel command line). */
void config_add_bind(struct config *c, unsigned line, const struct pci_addr *a);
bool rule_vf_to_vfio(const struct rule *r, unsigned vf);
/* VF identity words of an sriov rule (vfid.c). One word: 1 when it is
 * mac=, vlan=, trust= or spoofchk= and valid (list MACs appended to
 * c->vf_macs), 0 when it is none of them, -EINVAL with the reason in why. */
int vfid_parse_option(struct config *c, struct vfid_rule *id, const char *tok, char *why, size_t size);
/* The whole rule read: its MACs against vfs=N. 0 or -EINVAL with why. */
int vfid_check_rule(const struct vfid_rule *id, unsigned numvfs, char *why, size_t size);
/* The config read: a MAC given twice anywhere in it (lists and BASE+
 * ranges) is an error at the later line. Appends at most max
 * "FILE:LINE: ..." errors to c->errors; returns how many. */
size_t vfid_check_config(struct config *c, size_t max);
bool selector_is_address(const struct selector *s);
/* Where a selector points, from one word: an address (function or slot),
 * slot=NAME, path=P or serial=S. 1: parsed into sel (kind and location);
 * 0: not such a word; -EINVAL: such a word, but malformed (*why says how).
 * The grammar is in vfio-early.conf(5). */
int selector_parse_location(const char *tok, struct selector *sel, const char **why);
/* A device path in canonical form: "[DDDD:]BB:DD.F" on the root bus, then
 * "/DD.F" per bridge level down; the domain only when not 0000; lower-case.
 * The last element may omit ".F" (every function of that card). Returns 0
 * and the canonical form in buf, or -EINVAL. */
int pci_path_canon(const char *in, char *buf, size_t size);
bool config_has_sriov(const struct config *cfg);
/* A name as the kernel gives devices and mdev types (letters, digits,
 * _ . + - :, not "." or ".."): safe in a sysfs path. */
bool mdev_name_ok(const char *s);
/* A slot= name the config takes: letters, digits, _ . + - (not . or ..). */
bool slot_name_ok(const char *s);
/* True when every rule that selects devices names an address. */
bool config_address_only(const struct config *cfg);
