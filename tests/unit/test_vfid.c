/* VF identity: the MAC parser and its expansion (lists, BASE+), the config
 * errors with FILE:LINE, the plan's refusals, and the rtnetlink messages
 * byte for byte against the kernel's own UAPI structs and macros (this
 * test is built with the host's glibc, which has <linux/...>; the binder
 * spells the numbers itself for musl). */
#include "plan_sriov.h"
#include "rtnl.h"
#include "t.h"
#include "t_config.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <sys/socket.h>

/* The binder's ABI numbers are the kernel's. */
_Static_assert(RTNL_NETLINK_ROUTE == NETLINK_ROUTE, "NETLINK_ROUTE");
_Static_assert(RTNL_NLMSG_ERROR == NLMSG_ERROR && RTNL_NLMSG_DONE == NLMSG_DONE, "NLMSG_*");
_Static_assert(RTNL_NLM_F_REQUEST == NLM_F_REQUEST && RTNL_NLM_F_ACK == NLM_F_ACK, "NLM_F_*");
_Static_assert(RTNL_NLM_F_CAPPED == NLM_F_CAPPED && RTNL_NLM_F_ACK_TLVS == NLM_F_ACK_TLVS, "NLM_F_ACK_TLVS");
_Static_assert(RTNL_NLMSGERR_ATTR_MSG == NLMSGERR_ATTR_MSG && RTNL_NETLINK_EXT_ACK == NETLINK_EXT_ACK, "ext ack");
_Static_assert(RTNL_RTM_NEWLINK == RTM_NEWLINK && RTNL_RTM_GETLINK == RTM_GETLINK && RTNL_RTM_SETLINK == RTM_SETLINK, "RTM_*");
_Static_assert(RTNL_IFLA_NUM_VF == IFLA_NUM_VF && RTNL_IFLA_VFINFO_LIST == IFLA_VFINFO_LIST && RTNL_IFLA_EXT_MASK == IFLA_EXT_MASK, "IFLA_*");
_Static_assert(RTNL_IFLA_VF_INFO == IFLA_VF_INFO && RTNL_IFLA_VF_MAC == IFLA_VF_MAC && RTNL_IFLA_VF_VLAN == IFLA_VF_VLAN, "IFLA_VF_*");
_Static_assert(RTNL_IFLA_VF_SPOOFCHK == IFLA_VF_SPOOFCHK && RTNL_IFLA_VF_TRUST == IFLA_VF_TRUST, "IFLA_VF_*");
_Static_assert(RTNL_RTEXT_FILTER_VF == RTEXT_FILTER_VF && RTNL_RTEXT_FILTER_SKIP_STATS == RTEXT_FILTER_SKIP_STATS, "RTEXT_*");
_Static_assert(RTNL_HDRLEN == sizeof(struct nlmsghdr) && RTNL_IFINFOLEN == sizeof(struct ifinfomsg) && RTNL_ERRLEN == sizeof(struct nlmsgerr), "hdr");
_Static_assert(RTNL_VF_MAC_LEN == sizeof(struct ifla_vf_mac) && RTNL_VF_VLAN_LEN == sizeof(struct ifla_vf_vlan), "vf structs");
_Static_assert(RTNL_VF_SETTING_LEN == sizeof(struct ifla_vf_spoofchk) && RTNL_VF_SETTING_LEN == sizeof(struct ifla_vf_trust), "vf structs");

static const char *mac_of(unsigned rule, unsigned k)
{
	static char buf[MAC_STR_MAX];
	uint64_t m;
	if (!vfid_rule_mac(&t_cfg, &t_cfg.rules[rule].vfid, k, &m))
		return "none";
	mac_fmt(m, buf);
	return buf;
}

static void macs(void)
{
	uint64_t m = 0;
	char buf[MAC_STR_MAX];

	t_name = "mac_parse";
	CHECK(mac_parse("02:00:00:00:00:01", &m) == 0 && m == 0x020000000001ull);
	CHECK(mac_parse("AA:bb:Cc:dD:ee:FF", &m) == 0 && m == 0xaabbccddeeffull);
	mac_fmt(0xaabbccddeeffull, buf);
	CHECK_STR(buf, "aa:bb:cc:dd:ee:ff");
	mac_fmt(0x020000000001ull, buf);
	CHECK_STR(buf, "02:00:00:00:00:01");
	static const char *const bad[] = { "",
					   "02:00:00:00:00",
					   "02:00:00:00:00:01:",
					   "02:00:00:00:00:1",
					   "2:00:00:00:00:01",
					   "02-00-00-00-00-01",
					   "02:00:00:00:00:0g",
					   "0200.0000.0001",
					   "02:00:00:00:00:01 ",
					   "02::00:00:00:00:01",
					   "+02:00:00:00:00:01" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		t_name = bad[i];
		m = 7;
		CHECK(mac_parse(bad[i], &m) == -EINVAL && m == 7);
	}
	t_name = "multicast";
	CHECK(mac_is_multicast(0x010000000000ull) && mac_is_multicast(0xffffffffffffull) && mac_is_multicast(0x333300000001ull));
	CHECK(!mac_is_multicast(0x020000000000ull) && !mac_is_multicast(0x525400123456ull));
}

static void expansion(void)
{
	t_name = "a list: VF k gets the k-th MAC; VFs past the list get none";
	CHECK(t_parse("sriov 01:00.0 vfs=4 mac=02:00:00:00:00:0a,52:54:00:12:34:56\n") == 0);
	CHECK(t_cfg.n == 1 && t_cfg.rules[0].vfid.nmacs == 2 && !t_cfg.rules[0].vfid.mac_seq);
	CHECK_STR(mac_of(0, 0), "02:00:00:00:00:0a");
	CHECK_STR(mac_of(0, 1), "52:54:00:12:34:56");
	CHECK_STR(mac_of(0, 2), "none");
	CHECK(vfid_rule_wanted(&t_cfg.rules[0].vfid));

	t_name = "BASE+: base, base+1, ... carrying across bytes";
	CHECK(t_parse("sriov 01:00.0 vfs=3 mac=02:00:00:00:00:fe+ vlan=0 trust=off spoofchk=on\n") == 0);
	CHECK(t_cfg.rules[0].vfid.mac_seq && t_cfg.rules[0].vfid.nmacs == 0);
	CHECK_STR(mac_of(0, 0), "02:00:00:00:00:fe");
	CHECK_STR(mac_of(0, 1), "02:00:00:00:00:ff");
	CHECK_STR(mac_of(0, 2), "02:00:00:00:01:00");
	CHECK(t_cfg.rules[0].vfid.has_vlan && t_cfg.rules[0].vfid.vlan == 0);
	CHECK(t_cfg.rules[0].vfid.trust == ONOFF_OFF && t_cfg.rules[0].vfid.spoofchk == ONOFF_ON);

	t_name = "the last MAC of the low 24 bits is fine";
	CHECK(t_parse("sriov 01:00.0 vfs=2 mac=02:00:00:ff:ff:fe+\n") == 0);
	CHECK_STR(mac_of(0, 1), "02:00:00:ff:ff:ff");

	t_name = "two rules, two pools, no overlap; every VF count";
	CHECK(t_parse("sriov 01:00.0 vfs=2 mac=02:00:00:00:00:01,02:00:00:00:00:02\nsriov 02:00.0 vfs=2 mac=02:00:00:00:00:03+\n"
		      "sriov 03:00.0 vfs=2 mac=02:00:00:00:00:05 vlan=4094\nsriov 04:00.0 vfs=1\n") == 0);
	CHECK(t_cfg.n == 4 && t_cfg.nvf_macs == 3);
	CHECK_STR(mac_of(1, 1), "02:00:00:00:00:04");
	CHECK_STR(mac_of(2, 0), "02:00:00:00:00:05");
	CHECK(t_cfg.rules[2].vfid.vlan == 4094);
	CHECK(!vfid_rule_wanted(&t_cfg.rules[3].vfid));
	CHECK_STR(mac_of(3, 0), "none");
}

static void errors(void)
{
	t_expect_error("sriov 01:00.0 vfs=2 mac=01:00:5e:00:00:01\n", "test.conf:1: 01:00:5e:00:00:01 in mac= is a multicast address");
	t_expect_error("sriov 01:00.0 vfs=2 mac=ff:ff:ff:ff:ff:ff+\n", "test.conf:1: ff:ff:ff:ff:ff:ff in mac= is a multicast address");
	t_expect_error("sriov 01:00.0 vfs=2 mac=02:00:00:00:00:01,00:00:00:00:00:00\n", "test.conf:1: 00:00:00:00:00:00 in mac= is the zero MAC");
	t_expect_error("sriov 01:00.0 vfs=2 mac=02:00:00:00:00:1\n", "test.conf:1: '02:00:00:00:00:1' in mac= is not a MAC address");
	t_expect_error("sriov 01:00.0 vfs=2 mac=02:00:00:00:00:01,,02:00:00:00:00:02\n", "'' in mac= is not a MAC address");
	t_expect_error("sriov 01:00.0 vfs=2 mac=02:00:00:00:00:01,\n", "'' in mac= is not a MAC address");
	t_expect_error("sriov 01:00.0 vfs=2 mac=\n", "mac= needs a value");
	t_expect_error("sriov 01:00.0 vfs=2 mac=+\n", "'' in mac= is not a MAC address");
	t_expect_error("sriov 01:00.0 vfs=2 mac=02:00:00:00:00:01++\n", "'02:00:00:00:00:01+' in mac= is not a MAC address");
	t_expect_error("sriov 01:00.0 vfs=2 mac=02:00:00:00:00:01 mac=02:00:00:00:00:02\n", "mac= given twice");
	t_expect_error("sriov 01:00.0 vfs=2 mac=\x01\x02:00\n", "'??:00' in mac= is not a MAC address");
	t_expect_error("sriov 01:00.0 vfs=1 mac=02:00:00:00:00:01,02:00:00:00:00:02\n", "test.conf:1: mac= lists 2 MACs for vfs=1: more MACs than VFs");
	t_expect_error("sriov 01:00.0 vfs=3 mac=02:00:00:ff:ff:fe+\n",
		       "test.conf:1: mac=02:00:00:ff:ff:fe+ with vfs=3 runs past 02:00:00:ff:ff:ff: counting up would change the first three bytes");
	t_expect_error("sriov 01:00.0 vfs=2 vlan=4095\n", "'vlan=4095': expected a VLAN id from 0 to 4094");
	t_expect_error("sriov 01:00.0 vfs=2 vlan=\n", "'vlan=': expected a VLAN id");
	t_expect_error("sriov 01:00.0 vfs=2 vlan=-1\n", "'vlan=-1': expected a VLAN id");
	t_expect_error("sriov 01:00.0 vfs=2 vlan=99999999999999999999\n", "expected a VLAN id");
	t_expect_error("sriov 01:00.0 vfs=2 vlan=1 vlan=2\n", "vlan= given twice");
	t_expect_error("sriov 01:00.0 vfs=2 trust=yes\n", "'trust=yes': expected trust=on or trust=off");
	t_expect_error("sriov 01:00.0 vfs=2 spoofchk=\n", "'spoofchk=': expected spoofchk=on or spoofchk=off");
	t_expect_error("sriov 01:00.0 vfs=2 trust=on trust=off\n", "trust= given twice");
	t_expect_error("sriov 01:00.0 vfs=2 macs=02:00:00:00:00:01\n",
		       "unknown sriov option; accepted: vfs=N, host, vfio=LIST (e.g. vfio=0-1,3), mac=LIST|BASE+");

	/* duplicates, wherever they are written: reported at the later line */
	t_expect_error("sriov 01:00.0 vfs=3 mac=02:00:00:00:00:01,02:00:00:00:00:02,02:00:00:00:00:01\n",
		       "test.conf:1: mac=: 02:00:00:00:00:01 is given twice (VF 0 and VF 2); every VF needs its own MAC");
	t_expect_error("sriov 01:00.0 vfs=2 mac=02:00:00:00:00:07\n\nsriov 02:00.0 vfs=2 mac=02:00:00:00:00:08,02:00:00:00:00:07\n",
		       "test.conf:3: mac=: 02:00:00:00:00:07 (VF 1 here) is VF 0's MAC at test.conf:1 already");
	t_expect_error("sriov 01:00.0 vfs=4 mac=02:00:00:00:00:10+\nsriov 02:00.0 vfs=4 mac=02:00:00:00:00:13+\n",
		       "test.conf:2: mac=: 02:00:00:00:00:13 (VF 0 here) is VF 3's MAC at test.conf:1 already");
	/* the later line starts lower: still reported there, about the first shared MAC */
	t_expect_error("sriov 01:00.0 vfs=4 mac=02:00:00:00:00:12+\nsriov 02:00.0 vfs=4 mac=02:00:00:00:00:10+\n",
		       "test.conf:2: mac=: 02:00:00:00:00:12 (VF 2 here) is VF 0's MAC at test.conf:1 already");
	t_expect_error("sriov 01:00.0 vfs=8 mac=02:00:00:00:00:10+\nsriov 02:00.0 vfs=1 mac=02:00:00:00:00:17\n",
		       "test.conf:2: mac=: 02:00:00:00:00:17 (VF 0 here) is VF 7's MAC at test.conf:1 already");
	t_name = "adjacent ranges do not overlap";
	CHECK(t_parse("sriov 01:00.0 vfs=4 mac=02:00:00:00:00:10+\nsriov 02:00.0 vfs=4 mac=02:00:00:00:00:14+\nsriov 03:00.0 vfs=1 mac=02:00:00:00:00:0f\n") ==
	      0);
	t_name = "many duplicates stay within the 100-error cap";
	{
		struct strbuf sb = { 0 };
		for (int i = 0; i < 150; i++)
			sb_puts(&sb, "sriov 01:00.0 vfs=1 mac=02:00:00:00:00:01\n");
		CHECK(t_parse(sb.s) == 100 && t_cfg.errors.n == 100);
		sb_free(&sb);
	}
}

/* Plan: wants per VF, refusals with findings. */
static struct devtab t;

static struct pci_dev *dev(const char *addr, uint32_t cls, const char *drv, int total)
{
	GROW(t.v, t.cap, t.n);
	struct pci_dev *x = &t.v[t.n++];
	memset(x, 0, sizeof(*x));
	(void)pci_addr_parse(addr, &x->addr, NULL);
	pci_addr_fmt(&x->addr, x->name);
	x->vendor = 0x8086;
	x->device = 0x10c9;
	x->class = cls;
	x->group = (int)t.n;
	x->boot_vga = -1;
	x->sriov_total = total;
	x->sriov_offset = 128;
	x->sriov_stride = 2;
	snprintf(x->driver, sizeof(x->driver), "%s", drv);
	return x;
}

static bool has(const struct findings *f, const char *code, const char *subject)
{
	for (size_t i = 0; i < f->n; i++)
		if (streq(f->v[i].code, code) && streq(f->v[i].subject, subject))
			return true;
	return false;
}

static void plan(void)
{
	struct plan p;
	struct sriov_plan sp;
	struct findings f = { 0 };
	struct protlist prot = { 0 };

	memset(&t, 0, sizeof(t));
	t.iommu = true;
	dev("0000:01:00.0", 0x020000, "igb", 7);
	dev("0000:02:00.0", 0x020000, "igb", 7);
	dev("0000:03:00.0", 0x010802, "nvme", 2);
	dev("0000:04:00.0", 0x020000, "vfio-pci", 7);
	CHECK(t_parse("sriov 01:00.0 vfs=3 mac=02:00:00:00:00:01,02:00:00:00:00:02 trust=on\nsriov 03:00.0 vfs=1 vlan=3\n"
		      "sriov 04:00.0 vfs=1 spoofchk=off\nsriov 02:00.0 vfs=1\nbind 04:00.0\n") == 0);
	plan_build(&t_cfg, &t, &prot, &p);
	plan_sriov(&t_cfg, &t, &p, &sp, &f);
	t_name = "plan: wants per VF";
	CHECK(sp.n == 4);
	CHECK(sp.v[0].id.wanted && !sp.v[0].id.refused && sp.v[0].nvfs == 3);
	CHECK(sp.v[0].vfs[0].id.want.has_mac && sp.v[0].vfs[0].id.want.mac == 0x020000000001ull && sp.v[0].vfs[0].id.want.trust == ONOFF_ON);
	CHECK(sp.v[0].vfs[1].id.want.mac == 0x020000000002ull);
	CHECK(!sp.v[0].vfs[2].id.want.has_mac && sp.v[0].vfs[2].id.want.trust == ONOFF_ON && vf_ident_any(&sp.v[0].vfs[2].id.want));
	CHECK_STR(sp.v[0].vfs[1].name, "0000:01:10.2");
	t_name = "plan: a PF that is no network function is refused";
	CHECK(sp.v[1].id.refused && has(&f, "vf-identity-refused", "0000:03:00.0"));
	CHECK_CONTAINS(sp.v[1].id.reason, "not a network controller");
	t_name = "plan: a PF on vfio-pci has no netdev";
	CHECK(sp.v[2].pf_to_vfio && sp.v[2].id.refused && has(&f, "vf-identity-refused", "0000:04:00.0"));
	CHECK_CONTAINS(sp.v[2].id.reason, "goes to vfio-pci");
	t_name = "plan: nothing asked, nothing wanted";
	CHECK(!sp.v[3].id.wanted && !vf_ident_any(&sp.v[3].vfs[0].id.want) && !has(&f, "vf-identity-refused", "0000:02:00.0"));
	sriov_plan_free(&sp);
	plan_free(&p);
	findings_free(&f);

	t_name = "plan: MACs on a rule that matches two PFs: refused on both";
	CHECK(t_parse("sriov id=8086:10c9 vfs=1 mac=02:00:00:00:00:01\n") == 0);
	t.n = 2;
	plan_build(&t_cfg, &t, &prot, &p);
	plan_sriov(&t_cfg, &t, &p, &sp, &f);
	CHECK(sp.n == 2 && sp.v[0].id.refused && sp.v[1].id.refused);
	CHECK(has(&f, "vf-identity-refused", "0000:01:00.0") && has(&f, "vf-identity-refused", "0000:02:00.0"));
	CHECK_CONTAINS(sp.v[0].id.reason, "test.conf:1 gives MACs but matches 2 SR-IOV PFs");
	sriov_plan_free(&sp);
	plan_free(&p);
	findings_free(&f);
	t_name = "plan: trust alone on a rule that matches two PFs is fine";
	CHECK(t_parse("sriov id=8086:10c9 vfs=1 trust=on\n") == 0);
	plan_build(&t_cfg, &t, &prot, &p);
	plan_sriov(&t_cfg, &t, &p, &sp, &f);
	CHECK(sp.n == 2 && !sp.v[0].id.refused && !sp.v[1].id.refused && f.n == 0);
	sriov_plan_free(&sp);
	plan_free(&p);
	findings_free(&f);
	devtab_free(&t);
}

/* The expected message, built the kernel's way: its structs, RTA macros. */
struct expect {
	struct nlmsghdr h;
	struct ifinfomsg ifi;
	char attrs[256];
};

static size_t expected_setvf(struct expect *e, uint32_t seq, int ifindex, unsigned short type, const void *payload, size_t n)
{
	struct rtattr *list, *info, *a;
	memset(e, 0, sizeof(*e));
	e->h.nlmsg_type = RTM_SETLINK;
	e->h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	e->h.nlmsg_seq = seq;
	e->ifi.ifi_family = AF_UNSPEC;
	e->ifi.ifi_index = ifindex;
	list = (struct rtattr *)e->attrs;
	list->rta_type = IFLA_VFINFO_LIST;
	info = (struct rtattr *)RTA_DATA(list);
	info->rta_type = IFLA_VF_INFO;
	a = (struct rtattr *)RTA_DATA(info);
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(n);
	memcpy(RTA_DATA(a), payload, n);
	info->rta_len = (unsigned short)RTA_LENGTH(RTA_ALIGN(a->rta_len));
	list->rta_len = (unsigned short)RTA_LENGTH(info->rta_len);
	e->h.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(e->ifi)) + list->rta_len);
	return e->h.nlmsg_len;
}

static void messages(void)
{
	uint8_t buf[256];
	struct expect e;
	size_t n;
	int len;

	t_name = "RTM_SETLINK VF MAC: the kernel's layout";
	struct ifla_vf_mac vm = { .vf = 3 };
	memcpy(vm.mac, "\x02\x11\x22\x33\x44\x55", 6);
	memset(buf, 0xa5, sizeof(buf));
	len = rtnl_build_setvf(buf, sizeof(buf), 77, 9, 3, VFA_MAC, 0x021122334455ull, 0, false);
	n = expected_setvf(&e, 77, 9, IFLA_VF_MAC, &vm, sizeof(vm));
	CHECK(len == (int)n && n == 16 + 16 + 4 + 4 + 4 + 36);
	CHECK(memcmp(buf, &e, n) == 0);
	/* and by hand, the bytes that matter: length, type, flags, index, the nests, the MAC */
	static const uint8_t head[] = { 80, 0, 0, 0, 19, 0, 5,	0, 77, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 9, 0,	  0,	0,    0,    0,	  0, 0,
					0,  0, 0, 0, 48, 0, 22, 0, 44, 0, 1, 0, 40, 0, 1, 0, 3, 0, 0, 0, 2, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0 };
	CHECK(memcmp(buf, head, sizeof(head)) == 0);

	t_name = "RTM_SETLINK VF VLAN";
	struct ifla_vf_vlan vv = { .vf = 0, .vlan = 4094, .qos = 0 };
	len = rtnl_build_setvf(buf, sizeof(buf), 1, 2, 0, VFA_VLAN, 0, 4094, false);
	n = expected_setvf(&e, 1, 2, IFLA_VF_VLAN, &vv, sizeof(vv));
	CHECK(len == (int)n && memcmp(buf, &e, n) == 0);

	t_name = "RTM_SETLINK VF spoofchk off, trust on";
	struct ifla_vf_spoofchk vs = { .vf = 1, .setting = 0 };
	len = rtnl_build_setvf(buf, sizeof(buf), 2, 2, 1, VFA_SPOOFCHK, 0, 0, false);
	n = expected_setvf(&e, 2, 2, IFLA_VF_SPOOFCHK, &vs, sizeof(vs));
	CHECK(len == (int)n && memcmp(buf, &e, n) == 0);
	struct ifla_vf_trust vt = { .vf = 1, .setting = 1 };
	len = rtnl_build_setvf(buf, sizeof(buf), 3, 2, 1, VFA_TRUST, 0, 0, true);
	n = expected_setvf(&e, 3, 2, IFLA_VF_TRUST, &vt, sizeof(vt));
	CHECK(len == (int)n && memcmp(buf, &e, n) == 0);

	t_name = "a buffer too small is -ENOSPC, never an overrun";
	memset(buf, 0xa5, sizeof(buf));
	CHECK(rtnl_build_setvf(buf, 79, 1, 1, 0, VFA_MAC, 1, 0, false) == -ENOSPC);
	CHECK(buf[79] == 0xa5);
	CHECK(rtnl_build_setvf(buf, 80, 1, 1, 0, VFA_MAC, 1, 0, false) == 80);

	t_name = "RTM_GETLINK with IFLA_EXT_MASK";
	{
		struct {
			struct nlmsghdr h;
			struct ifinfomsg ifi;
			struct rtattr a;
			uint32_t mask;
		} g = { { sizeof(g), RTM_GETLINK, NLM_F_REQUEST, 5, 0 },
			{ .ifi_family = AF_UNSPEC, .ifi_index = 4 },
			{ RTA_LENGTH(4), IFLA_EXT_MASK },
			RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS };
		len = rtnl_build_getlink(buf, sizeof(buf), 5, 4);
		CHECK(len == (int)sizeof(g) && memcmp(buf, &g, sizeof(g)) == 0);
	}
}

/* An RTM_NEWLINK as the kernel writes it (rtnl_fill_vfinfo), VF 1 first. */
static size_t newlink(uint8_t *buf, size_t size, uint32_t seq)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct rtattr *a, *list;
	size_t off;

	memset(buf, 0, size);
	h->nlmsg_type = RTM_NEWLINK;
	h->nlmsg_seq = seq;
	off = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	a = (struct rtattr *)(buf + off); /* IFLA_IFNAME, to be skipped */
	a->rta_type = IFLA_IFNAME;
	a->rta_len = RTA_LENGTH(7);
	memcpy(RTA_DATA(a), "enp1s0", 7);
	off += RTA_ALIGN(a->rta_len);
	a = (struct rtattr *)(buf + off);
	a->rta_type = IFLA_NUM_VF;
	a->rta_len = RTA_LENGTH(4);
	*(uint32_t *)RTA_DATA(a) = 2;
	off += RTA_ALIGN(a->rta_len);
	list = (struct rtattr *)(buf + off);
	list->rta_type = IFLA_VFINFO_LIST | NLA_F_NESTED;
	off += RTA_LENGTH(0);
	for (uint32_t vf = 2; vf-- > 0;) {
		struct rtattr *info = (struct rtattr *)(buf + off);
		size_t i0 = off;
		info->rta_type = IFLA_VF_INFO | NLA_F_NESTED;
		off += RTA_LENGTH(0);
		struct ifla_vf_mac m = { .vf = vf };
		memcpy(m.mac, vf ? "\x02\x00\x00\x00\x00\x11" : "\x02\x00\x00\x00\x00\x10", 6);
		struct ifla_vf_vlan v = { .vf = vf, .vlan = vf ? 7 : 0 };
		struct ifla_vf_spoofchk s = { .vf = vf, .setting = vf ? 0 : (uint32_t)-1 };
		struct ifla_vf_trust tr = { .vf = vf, .setting = 1 };
		struct ifla_vf_tx_rate rate = { .vf = vf, .rate = 0 };
		const struct {
			unsigned short type;
			const void *p;
			size_t n;
		} at[] = { { IFLA_VF_MAC, &m, sizeof(m) },
			   { IFLA_VF_VLAN, &v, sizeof(v) },
			   { IFLA_VF_TX_RATE, &rate, sizeof(rate) },
			   { IFLA_VF_SPOOFCHK, &s, sizeof(s) },
			   { IFLA_VF_TRUST, &tr, sizeof(tr) } };
		for (size_t k = 0; k < ARRAY_SIZE(at); k++) {
			a = (struct rtattr *)(buf + off);
			a->rta_type = at[k].type;
			a->rta_len = (unsigned short)RTA_LENGTH(at[k].n);
			memcpy(RTA_DATA(a), at[k].p, at[k].n);
			off += RTA_ALIGN(a->rta_len);
		}
		info->rta_len = (unsigned short)(off - i0);
	}
	list->rta_len = (unsigned short)((uint8_t *)buf + off - (uint8_t *)list);
	h->nlmsg_len = (uint32_t)off;
	return off;
}

static void replies(void)
{
	uint8_t buf[1024];
	struct vf_live live[4];
	const void *link = NULL;
	size_t linklen = 0, n;
	char msg[64], why[160];
	int num, err = 99;

	t_name = "RTM_NEWLINK: the VF list";
	n = newlink(buf, sizeof(buf), 42);
	CHECK(rtnl_scan(buf, n, 41, &err, msg, sizeof(msg), &link, &linklen) == 0); /* another request's */
	CHECK(rtnl_scan(buf, n, 42, &err, msg, sizeof(msg), &link, &linklen) == 2 && link == buf && linklen == n);
	memset(live, 0x5a, sizeof(live));
	CHECK(rtnl_parse_vfs(link, linklen, live, 4, &num) == 0 && num == 2);
	CHECK(live[0].present && live[1].present && !live[2].present && !live[3].present);
	CHECK(live[0].has_mac && live[0].mac == 0x020000000010ull && live[1].mac == 0x020000000011ull);
	CHECK(live[0].has_vlan && live[0].vlan == 0 && live[1].vlan == 7);
	CHECK(live[0].spoofchk == -1 && live[1].spoofchk == 0 && live[0].trust == 1 && live[1].trust == 1);

	t_name = "compare: asked against reported";
	struct vf_ident w = { .has_mac = true, .mac = 0x020000000011ull, .has_vlan = true, .vlan = 7, .trust = ONOFF_ON, .spoofchk = ONOFF_OFF };
	CHECK(vfid_matches(&w, &live[1], why, sizeof(why)));
	w.mac = 0x020000000012ull;
	w.trust = ONOFF_OFF;
	CHECK(!vfid_matches(&w, &live[1], why, sizeof(why)));
	CHECK_STR(why, "mac is 02:00:00:00:00:11, not 02:00:00:00:00:12; trust is on");
	struct vf_ident s = { .spoofchk = ONOFF_ON };
	CHECK(vfid_matches(&s, &live[0], why, sizeof(why))); /* not reported: not held against it */
	CHECK(!vfid_matches(&s, &live[2], why, sizeof(why)));
	CHECK_STR(why, "the PF reports no such VF");
	{
		struct strbuf a = { 0 }, b = { 0 };
		vf_ident_text(&w, &a);
		vf_live_text(&w, &live[0], &b);
		CHECK_STR(a.s, "mac 02:00:00:00:00:12, vlan 7, trust off, spoofchk off");
		CHECK_STR(b.s, "mac 02:00:00:00:00:10, vlan 0, trust on, spoofchk ?");
		sb_free(&a);
		sb_free(&b);
	}

	t_name = "a VF list larger than asked for: only the first max";
	CHECK(rtnl_parse_vfs(link, linklen, live, 1, &num) == 0 && live[0].present && live[0].mac == 0x020000000010ull);

	t_name = "malformed: an attribute overruns its message";
	{
		struct rtattr *first = (struct rtattr *)(buf + NLMSG_LENGTH(sizeof(struct ifinfomsg)));
		first->rta_len = 2000;
		CHECK(rtnl_parse_vfs(buf, n, live, 4, &num) == -EBADMSG);
		first->rta_len = 2;
		CHECK(rtnl_parse_vfs(buf, n, live, 4, &num) == -EBADMSG);
		CHECK(rtnl_parse_vfs(buf, 10, live, 4, &num) == -EBADMSG);
	}
	n = newlink(buf, sizeof(buf), 1);
	for (size_t cut = 0; cut < n; cut++) /* every truncation: no overread (ASan) */
		(void)rtnl_parse_vfs(buf, cut, live, 4, &num);

	t_name = "ack: 0, -errno, the extended ack's message";
	{
		struct {
			struct nlmsghdr h;
			struct nlmsgerr e;
			struct rtattr a;
			char text[24];
		} ack = { { 0, NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 9, 0 },
			  { -EOPNOTSUPP, { 0 } },
			  { RTA_LENGTH(24), NLMSGERR_ATTR_MSG },
			  "VF trust unsupported" };
		ack.h.nlmsg_len = sizeof(ack);
		CHECK(rtnl_scan(&ack, sizeof(ack), 9, &err, msg, sizeof(msg), &link, &linklen) == 1 && err == -EOPNOTSUPP);
		CHECK_STR(msg, "VF trust unsupported");
		ack.e.error = 0;
		ack.h.nlmsg_flags = 0;
		ack.h.nlmsg_len = sizeof(ack.h) + sizeof(ack.e);
		CHECK(rtnl_scan(&ack, sizeof(ack.h) + sizeof(ack.e), 9, &err, msg, sizeof(msg), &link, &linklen) == 1 && err == 0 && msg[0] == '\0');
		ack.h.nlmsg_len = 1000;
		CHECK(rtnl_scan(&ack, sizeof(ack), 9, &err, msg, sizeof(msg), &link, &linklen) == -EBADMSG);
	}
}

void test_vfid(void)
{
	macs();
	expansion();
	errors();
	plan();
	messages();
	replies();
	t_config_free();
}
