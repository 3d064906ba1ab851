/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VF identity: what an sriov rule's mac=, vlan=, trust= and spoofchk= ask
 * the PF to give each of its VFs (vfio-early.conf(5)), from the config
 * words to the plan, its findings and the renderers. Pure. Setting it
 * through rtnetlink is apply_vfid.c's job. */
#pragma once
#include "parse.h"

struct devtab;
struct findings;
struct json;
struct sriov_plan;
struct vf_live;

#define MAC_STR_MAX 18 /* "02:00:00:00:00:01" */
#define VLAN_ID_MAX 4094

/* What one VF is to get. MACs are 48-bit numbers, first octet highest. */
struct vf_ident {
	bool has_mac;
	uint64_t mac;
	bool has_vlan;
	uint16_t vlan;
	enum onoff trust, spoofchk;
};

enum vfid_result { VFID_NOT_TRIED, VFID_SET, VFID_FAILED };

/* In struct sriov_vf: wanted by the plan, result of apply. */
struct vfid_vf {
	struct vf_ident want;
	enum vfid_result res;
	char error[200];
};

/* In struct sriov_pf. */
struct vfid_pf {
	bool wanted; /* the rule asks something of its VFs */
	bool refused; /* the plan knows it cannot be set: reason */
	char reason[256];
	char netdev[16]; /* the PF's netdev when looked up; "" none */
	int ifindex;
};

int mac_parse(const char *s, uint64_t *ret);
void mac_fmt(uint64_t mac, char buf[static MAC_STR_MAX]);
bool mac_is_multicast(uint64_t mac); /* broadcast included */

/* vfid_parse_option(), vfid_check_rule(), vfid_check_config(): parse.h */
bool vfid_rule_wanted(const struct vfid_rule *id);
/* VF k's MAC under the rule; false when it gets none. */
bool vfid_rule_mac(const struct config *c, const struct vfid_rule *id, unsigned k, uint64_t *ret);

/* The plan (called by plan_sriov): each VF's want from its rule; a PF that
 * can have no netdev at boot (not a network function, going to vfio-pci)
 * or a MAC rule that matches several PFs is refused, with a finding. */
void vfid_plan(const struct config *cfg, const struct devtab *t, struct sriov_plan *sp, struct findings *f);
bool vf_ident_any(const struct vf_ident *w);
/* now against want, field by field: true when every asked field is as
 * asked (a field the driver does not report is not held against it);
 * otherwise why says what differs. */
bool vfid_matches(const struct vf_ident *want, const struct vf_live *now, char *why, size_t size);
/* "mac 02:00:00:00:00:01, vlan 5, trust on, spoofchk off" */
void vf_ident_text(const struct vf_ident *w, struct strbuf *sb);
/* The fields of what now reports that want asks about, in the same form. */
void vf_live_text(const struct vf_ident *want, const struct vf_live *now, struct strbuf *sb);
const char *vfid_result_name(enum vfid_result r);
/* JSON: a VF's wanted fields (and with applied, the result); a PF's. */
void vfid_json_vf(struct json *j, const struct vfid_vf *v, bool applied);
void vfid_json_pf(struct json *j, const struct vfid_pf *p);
/* Failed VF identity sets over the plan. */
size_t vfid_nfailed(const struct sriov_plan *sp);
/* check's line about a PF's VF identity (nothing when none is asked). */
void vfid_pf_text(const struct vfid_pf *p, struct strbuf *sb);
