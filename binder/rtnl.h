/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The few rtnetlink messages VF identity needs, built into and parsed from
 * caller buffers: RTM_SETLINK with one IFLA_VFINFO_LIST attribute, the
 * RTM_GETLINK request with IFLA_EXT_MASK, the VF list of its reply, the
 * ack. Pure; no library. musl ships no linux/ headers: the kernel's stable
 * ABI numbers are spelled here (the unit tests hold them against the
 * kernel headers). */
#pragma once
#include "util.h"

#define RTNL_NETLINK_ROUTE 0
#define RTNL_NLMSG_ERROR 2
#define RTNL_NLMSG_DONE 3
#define RTNL_NLM_F_REQUEST 0x1
#define RTNL_NLM_F_ACK 0x4
#define RTNL_NLM_F_CAPPED 0x100
#define RTNL_NLM_F_ACK_TLVS 0x200
#define RTNL_NLMSGERR_ATTR_MSG 1
#define RTNL_SOL_NETLINK 270
#define RTNL_NETLINK_EXT_ACK 11
#define RTNL_RTM_NEWLINK 16
#define RTNL_RTM_GETLINK 18
#define RTNL_RTM_SETLINK 19
#define RTNL_IFLA_NUM_VF 21
#define RTNL_IFLA_VFINFO_LIST 22
#define RTNL_IFLA_EXT_MASK 29
#define RTNL_IFLA_VF_INFO 1
#define RTNL_IFLA_VF_MAC 1
#define RTNL_IFLA_VF_VLAN 2
#define RTNL_IFLA_VF_SPOOFCHK 4
#define RTNL_IFLA_VF_TRUST 9
#define RTNL_RTEXT_FILTER_VF 0x1
#define RTNL_RTEXT_FILTER_SKIP_STATS 0x8

/* Header sizes (struct nlmsghdr, struct ifinfomsg, struct nlmsgerr). */
#define RTNL_HDRLEN 16
#define RTNL_IFINFOLEN 16
#define RTNL_ERRLEN 20

/* Payload sizes: struct ifla_vf_mac (u32 vf, u8 mac[32]), ifla_vf_vlan
 * (u32 vf, vlan, qos), ifla_vf_spoofchk and ifla_vf_trust (u32 vf, setting). */
#define RTNL_VF_MAC_LEN 36
#define RTNL_VF_VLAN_LEN 12
#define RTNL_VF_SETTING_LEN 8

enum vf_attr { VFA_MAC, VFA_VLAN, VFA_SPOOFCHK, VFA_TRUST };
#define VFA_COUNT 4

/* One VF as the PF reports it (RTM_NEWLINK, IFLA_VF_INFO). */
struct vf_live {
	bool present;
	bool has_mac, has_vlan;
	uint64_t mac;
	uint32_t vlan, qos;
	int spoofchk, trust; /* 0, 1, or -1: not reported */
};

const char *vf_attr_name(enum vf_attr a);
/* RTM_SETLINK for ifindex, one attribute a of VF vf (value from the
 * arguments that apply: mac for VFA_MAC, vlan for VFA_VLAN, on for the
 * others), NLM_F_REQUEST|NLM_F_ACK. Returns the length or -ENOSPC. */
int rtnl_build_setvf(void *buf, size_t size, uint32_t seq, int ifindex, uint32_t vf, enum vf_attr a, uint64_t mac, uint16_t vlan, bool on);
/* RTM_GETLINK for ifindex with IFLA_EXT_MASK RTEXT_FILTER_VF|SKIP_STATS. */
int rtnl_build_getlink(void *buf, size_t size, uint32_t seq, int ifindex);
/* Scans a datagram for seq's answer. 1: an NLMSG_ERROR (the ack): *ret_err
 * is 0 or -errno, the kernel's extended message (if any) copied to msg.
 * 2: an RTM_NEWLINK: *ret_link and *ret_len point at it. 0: not there.
 * -EBADMSG: malformed. */
int rtnl_scan(const void *buf, size_t len, uint32_t seq, int *ret_err, char *msg, size_t msgsize, const void **ret_link, size_t *ret_len);
/* The VF list of one RTM_NEWLINK message: ret[vf] for vf < max; *ret_num
 * from IFLA_NUM_VF (-1 when absent). 0 or -EBADMSG. */
int rtnl_parse_vfs(const void *msg, size_t len, struct vf_live *ret, size_t max, int *ret_num);
