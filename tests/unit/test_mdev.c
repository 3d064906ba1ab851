/* mdev rules: UUIDs (SHA-1, version 5), the grammar, the planner. The
 * expected derived UUIDs were computed with Python's uuid.uuid5(), an
 * implementation independent of ours. */
#include "plan_mdev.h"
#include "t.h"
#include "t_config.h"

#include <stdlib.h>

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void sha1_vectors(void)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		/* 56 bytes: the length no longer fits the first block */
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	uint8_t h[20];
	char s[41];

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		t_name = v[i].in;
		sha1(v[i].in, strlen(v[i].in), h);
		hex(h, 20, s);
		CHECK_STR(s, v[i].out);
	}
	t_name = "sha1 of a million a";
	char *m = malloc(1000000);
	memset(m, 'a', 1000000);
	sha1(m, 1000000, h);
	free(m);
	hex(h, 20, s);
	CHECK_STR(s, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

static void uuids(void)
{
	struct uuid u, ns;
	char s[UUID_STR_MAX];

	t_name = "uuid parse and print";
	CHECK(uuid_parse("3B2F2F3E-8F0C-4C1E-9A53-7A1C1B5E2D10", &u) == 0);
	uuid_fmt(&u, s);
	CHECK_STR(s, "3b2f2f3e-8f0c-4c1e-9a53-7a1c1b5e2d10");
	static const char *const bad[] = {
		"",
		"3b2f2f3e-8f0c-4c1e-9a53-7a1c1b5e2d1",
		"3b2f2f3e-8f0c-4c1e-9a53-7a1c1b5e2d100",
		"3b2f2f3e8f0c-4c1e-9a53-7a1c1b5e2d10-",
		"3b2f2f3e-8f0c-4c1e-9a53_7a1c1b5e2d10",
		"3b2f2f3g-8f0c-4c1e-9a53-7a1c1b5e2d10",
		"../../../../../../../../../../../..",
		"3b2f2f3e-8f0c-4c1e-9a5-37a1c1b5e2d10",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		t_name = bad[i];
		CHECK(uuid_parse(bad[i], &u) < 0);
	}
	t_name = "uuid v5: RFC example namespace (DNS, python.org)";
	CHECK(uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", &ns) == 0);
	uuid_v5(&ns, "python.org", 10, &u);
	uuid_fmt(&u, s);
	CHECK_STR(s, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	t_name = "uuid v5: the mdev namespace";
	CHECK(uuid_parse(MDEV_UUID_NAMESPACE, &ns) == 0);
	uuid_v5(&ns, "mtty|mtty-2|0", 13, &u);
	uuid_fmt(&u, s);
	CHECK_STR(s, "4c93cdf2-4ddb-54a8-93fb-b7eeec544e9e");
}

#define U1 "3b2f2f3e-8f0c-4c1e-9a53-7a1c1b5e2d10"
#define U2 "0b0c0d0e-0000-4000-8000-000000000001"

static void grammar(void)
{
	t_name = "mdev parent=NAME type=T";
	CHECK(t_parse("mdev parent=mtty type=mtty-2\n") == 0);
	CHECK(t_cfg.nmdev == 1 && t_cfg.n == 0);
	CHECK(t_cfg.mdev[0].by_name && t_cfg.mdev[0].count == 1 && t_cfg.mdev[0].nuuids == 0 && t_cfg.mdev[0].line == 1);
	CHECK_STR(t_cfg.mdev[0].parent, "mtty");
	CHECK_STR(t_cfg.mdev[0].type, "mtty-2");

	t_name = "mdev ADDR type count uuid";
	CHECK(t_parse("# c\nmdev 00:02.0 type=i915-GVTg_V5_4 count=3 uuid=" U1 "\n") == 0);
	CHECK(t_cfg.nmdev == 1 && !t_cfg.mdev[0].by_name && t_cfg.mdev[0].sel.kind == SEL_ADDR && t_cfg.mdev[0].count == 3 && t_cfg.mdev[0].nuuids == 1);
	CHECK(t_cfg.mdev[0].line == 2 && t_cfg.n == 0);

	t_name = "mdev slot= id= with two UUIDs: count follows";
	CHECK(t_parse("mdev slot=8 id=10de:1eb8 type=nvidia-63 uuid=" U1 "," U2) == 0);
	CHECK(t_cfg.nmdev == 1 && t_cfg.mdev[0].sel.kind == SEL_PHYSLOT && t_cfg.mdev[0].sel.has_id && t_cfg.mdev[0].count == 2 && t_cfg.mdev[0].nuuids == 2);
	CHECK(t_cfg.mdev[0].uuids[1].b[15] == 1);

	t_name = "mdev rules next to bind rules";
	CHECK(t_parse("bind 01:00.0\nmdev id=8086:3e92 type=i915-GVTg_V5_8\nmdev path=00:01.1/00 type=nvidia-63\n") == 0);
	CHECK(t_cfg.n == 1 && t_cfg.nmdev == 2 && t_cfg.mdev[0].sel.kind == SEL_ID && t_cfg.mdev[1].sel.kind == SEL_PATH);

	t_expect_error("mdev\n", "mdev needs a parent first");
	t_expect_error("mdev type=mtty-2\n", "mdev needs a parent first");
	t_expect_error("mdev parent=../x type=t\n", "expected parent=NAME");
	t_expect_error("mdev parent= type=t\n", "expected parent=NAME");
	t_expect_error("mdev parent=mtty\n", "mdev needs type=TYPE");
	t_expect_error("mdev parent=mtty type=a/b\n", "expected type=TYPE");
	t_expect_error("mdev parent=mtty type=..\n", "expected type=TYPE");
	t_expect_error("mdev parent=mtty type=a type=b\n", "type= given twice");
	t_expect_error("mdev parent=mtty type=a count=0\n", "expected count=N, from 1 to 64");
	t_expect_error("mdev parent=mtty type=a count=65\n", "expected count=N, from 1 to 64");
	t_expect_error("mdev parent=mtty type=a count=x\n", "expected count=N");
	t_expect_error("mdev parent=mtty type=a count=1 count=2\n", "count= given twice");
	t_expect_error("mdev parent=mtty type=a uuid=xyz\n", "expected UUIDs such as");
	t_expect_error("mdev parent=mtty type=a uuid=" U1 ",\n", "expected UUIDs such as");
	t_expect_error("mdev parent=mtty type=a uuid=\n", "expected UUIDs such as");
	t_expect_error("mdev parent=mtty type=a uuid=" U1 "," U1 "\n", "UUID given twice");
	t_expect_error("mdev parent=mtty type=a uuid=" U1 "\nmdev parent=mtty type=b uuid=" U1 "\n", "also on line 1");
	t_expect_error("mdev parent=mtty type=a uuid=" U1 " uuid=" U2 "\n", "uuid= given twice");
	t_expect_error("mdev parent=mtty type=a count=1 uuid=" U1 "," U2 "\n", "uuid= lists 2 UUIDs for count=1");
	t_expect_error("mdev parent=mtty type=a frob=1\n", "unknown mdev option");
	t_expect_error("mdev 00:02.0 parent=mtty type=a\n", "parent= names the parent alone");
	t_expect_error("mdev 00:02.0 01:00.0 type=a\n", "a rule takes one address");
	t_expect_error("mdev 00:02.0 type=a host\n", "unknown mdev option");
	t_expect_error("mdev zz:zz type=a\n", "not a PCI address");
	t_name = "a rule with an error is not kept";
	CHECK(t_parse("mdev parent=mtty type=a uuid=" U1 "," U1 "\n") == 1 && t_cfg.nmdev == 0);
	t_name = "64 UUIDs at most";
	struct strbuf sb = { 0 };
	sb_puts(&sb, "mdev parent=mtty type=a uuid=");
	for (int i = 0; i < 65; i++)
		sb_printf(&sb, "%s00000000-0000-4000-8000-%012d", i ? "," : "", i);
	CHECK(t_parse(sb.s) == 1);
	CHECK_CONTAINS(t_cfg.errors.v[0], "at most 64 UUIDs");
	sb_free(&sb);
	t_config_free();
}

/* A host: 00:02.0 an Intel iGPU, 01:00.0/.1 a card in slot 8 (GPU + HDA),
 * and the mtty sample's virtual parent. */
struct host {
	struct mdev_facts f;
	struct mdev_plan p;
	struct findings out;
};

static struct mdev_type_info mtty_types[2] = {
	{ .name = "mtty-1", .pretty = "Single port serial", .device_api = "vfio-pci", .available = 24 },
	{ .name = "mtty-2", .pretty = "Dual port serial", .device_api = "vfio-pci", .available = 2 },
};

static void host_init(struct host *h, const char *conf)
{
	struct pci_dev *d;

	memset(h, 0, sizeof(*h));
	CHECK(t_parse(conf) == 0);
	h->f.gvt = -1;
	h->f.bus = true;
	sl_addf(&h->f.registered, "mtty");
	h->f.t.v = xcalloc(3, sizeof(*h->f.t.v));
	h->f.t.n = h->f.t.cap = 3;
	d = h->f.t.v;
	(void)pci_addr_parse("0000:00:02.0", &d[0].addr, NULL);
	d[0].vendor = 0x8086, d[0].device = 0x3e92, d[0].class = 0x030000;
	strcpy(d[0].driver, "i915");
	(void)pci_addr_parse("0000:01:00.0", &d[1].addr, NULL);
	d[1].vendor = 0x10de, d[1].device = 0x1eb8, d[1].class = 0x030200;
	strcpy(d[1].physslot, "8");
	strcpy(d[1].path, "00:01.1/00.0");
	d[1].has_dsn = true, d[1].dsn = 0x00112233445566ffull;
	(void)pci_addr_parse("0000:01:00.1", &d[2].addr, NULL);
	d[2].vendor = 0x10de, d[2].device = 0x10f8, d[2].class = 0x040300;
	strcpy(d[2].physslot, "8");
	strcpy(d[2].path, "00:01.1/00.1");
	d[2].has_dsn = true, d[2].dsn = 0x00112233445566ffull;
	for (size_t i = 0; i < 3; i++) {
		pci_addr_fmt(&d[i].addr, d[i].name);
		d[i].group = (int)i;
	}
	/* the parents: every PCI device and mtty */
	h->f.p = xcalloc(4, sizeof(*h->f.p));
	h->f.np = h->f.capp = 4;
	for (size_t i = 0; i < 3; i++) {
		h->f.p[i].is_pci = true;
		h->f.p[i].pci = i;
		h->f.p[i].found = true;
		strcpy(h->f.p[i].name, d[i].name);
		strcpy(h->f.p[i].driver, d[i].driver);
	}
	strcpy(h->f.p[3].name, "mtty");
	h->f.p[3].found = h->f.p[3].registered = true;
	h->f.p[3].types = mtty_types;
	h->f.p[3].ntypes = 2;
}

static void host_plan(struct host *h, const char *only)
{
	mdev_plan_free(&h->p);
	findings_free(&h->out);
	plan_mdev(&t_cfg, &h->f, &h->p, &h->out);
	if (only)
		mdev_plan_only(&h->p, &h->f, only);
}

static void host_free(struct host *h)
{
	free(h->f.p); /* the types are static */
	free(h->f.d);
	sl_free(&h->f.registered);
	devtab_free(&h->f.t);
	mdev_plan_free(&h->p);
	findings_free(&h->out);
}

static const struct finding *finding(const struct findings *f, const char *code)
{
	for (size_t i = 0; i < f->n; i++)
		if (streq(f->v[i].code, code))
			return &f->v[i];
	return NULL;
}

static void plan_mtty(void)
{
	struct host h;

	t_name = "mtty: given then derived UUIDs, created or kept";
	host_init(&h, "mdev parent=mtty type=mtty-2 count=2 uuid=" U1 "\nmdev parent=mtty type=mtty-1 count=2\n");
	/* mtty-1 instance 1 exists already */
	h.f.d = xcalloc(1, sizeof(*h.f.d));
	h.f.nd = h.f.capd = 1;
	(void)uuid_parse("42937349-ee67-5967-b8b1-98a80bfc1876", &h.f.d[0].uuid);
	strcpy(h.f.d[0].parent, "mtty");
	strcpy(h.f.d[0].type, "mtty-1");
	host_plan(&h, NULL);
	CHECK(h.p.n == 4 && h.p.ntg == 2 && h.out.n == 0);
	CHECK_STR(h.p.v[0].uuid_s, U1);
	CHECK(h.p.v[0].given && h.p.v[0].act == MA_CREATE && h.p.v[0].index == 0);
	CHECK_STR(h.p.v[1].uuid_s, "6c8cea8d-ed2c-59aa-a0ff-84ea75b490ce");
	CHECK(!h.p.v[1].given && h.p.v[1].index == 1 && h.p.v[1].act == MA_CREATE);
	CHECK_STR(h.p.v[2].uuid_s, "b1d1738d-b1ed-524d-8502-78f4cb695578");
	CHECK_STR(h.p.v[3].uuid_s, "42937349-ee67-5967-b8b1-98a80bfc1876");
	CHECK(h.p.v[3].act == MA_PRESENT && h.p.v[2].act == MA_CREATE);
	CHECK_STR(h.p.v[3].type, "mtty-1");

	t_name = "mtty: more than available_instances";
	CHECK(t_parse("mdev parent=mtty type=mtty-2 count=3\n") == 0);
	host_plan(&h, NULL);
	CHECK(finding(&h.out, "mdev-no-room") != NULL);
	if (finding(&h.out, "mdev-no-room"))
		CHECK_CONTAINS(finding(&h.out, "mdev-no-room")->message, "3 instance(s) of mtty-2 to create on mtty, available_instances is 2");

	t_name = "mtty: the UUID exists with another type";
	CHECK(t_parse("mdev parent=mtty type=mtty-2 uuid=42937349-ee67-5967-b8b1-98a80bfc1876\n") == 0);
	host_plan(&h, NULL);
	CHECK(h.p.n == 1 && h.p.v[0].act == MA_CONFLICT);
	CHECK_CONTAINS(h.p.v[0].reason, "exists on mtty as mtty-1; left alone");
	CHECK(finding(&h.out, "mdev-uuid-conflict") && finding(&h.out, "mdev-uuid-conflict")->sev == SEV_ERROR);

	t_name = "mtty: two rules for one parent and type plan the same UUIDs";
	CHECK(t_parse("mdev parent=mtty type=mtty-1\nmdev parent=mtty type=mtty-1 count=2\n") == 0);
	host_plan(&h, NULL);
	CHECK(h.p.n == 3 && h.p.v[0].act == MA_CREATE && h.p.v[1].act == MA_DUPLICATE && h.p.v[2].act == MA_DUPLICATE);
	CHECK_CONTAINS(h.p.v[1].reason, "test.conf:1 asks for mtty-1 on mtty already");
	CHECK_CONTAINS(h.p.v[2].reason, "test.conf:1 asks for mtty-1 on mtty already");
	CHECK(finding(&h.out, "mdev-duplicate") != NULL && h.out.n == 1); /* once, for the rule */

	t_name = "mtty: a type it does not offer";
	CHECK(t_parse("mdev parent=mtty type=mtty-3 count=2\n") == 0);
	host_plan(&h, NULL);
	CHECK(h.p.n == 2 && h.p.v[0].act == MA_NO_TYPE && h.p.v[1].act == MA_NO_TYPE);
	CHECK(finding(&h.out, "mdev-type-missing") != NULL);
	if (finding(&h.out, "mdev-type-missing"))
		CHECK_CONTAINS(finding(&h.out, "mdev-type-missing")->message, "it offers: mtty-1 (Single port serial), mtty-2 (Dual port serial)");

	t_name = "a parent name nobody registered";
	CHECK(t_parse("mdev parent=mbochs type=mbochs-1\n") == 0);
	struct mdev_parent_info *p = &h.f.p[2]; /* reuse 01:00.1's slot as a by-name parent */
	p->is_pci = false;
	strcpy(p->name, "mbochs");
	p->found = false;
	host_plan(&h, NULL);
	CHECK(h.p.n == 1 && h.p.v[0].act == MA_WAIT);
	CHECK_CONTAINS(h.p.v[0].reason, "no mdev parent named mbochs is registered");
	CHECK(finding(&h.out, "mdev-no-parent") != NULL);
	if (finding(&h.out, "mdev-no-parent"))
		CHECK_CONTAINS(finding(&h.out, "mdev-no-parent")->message, "registered: mtty");
	t_name = "the derived UUIDs of a by-name parent do not depend on it being there";
	CHECK(t_parse("mdev parent=mtty type=mtty-2\n") == 0);
	host_plan(&h, NULL);
	CHECK_STR(h.p.v[0].uuid_s, "4c93cdf2-4ddb-54a8-93fb-b7eeec544e9e");

	t_name = "mdev-apply --parent: only that parent's instances are kept";
	CHECK(t_parse("mdev parent=mtty type=mtty-2\nmdev 00:02.0 type=i915-GVTg_V5_4\n") == 0);
	host_plan(&h, "mtty");
	CHECK(h.p.n == 1 && h.p.v[0].parent == 3 && h.p.ntg == 1 && h.p.tg[0].parent == 3);
	host_plan(&h, "0000:00:02.0");
	CHECK(h.p.n == 1 && h.p.v[0].parent == 0);
	host_plan(&h, "other");
	CHECK(h.p.n == 0 && h.p.ntg == 0);

	t_name = "mdev-apply --parent: a given UUID on a rule with two parents goes to the first, whichever registers first";
	h.f.p[2].is_pci = h.f.p[2].found = true; /* 01:00.1 again (mbochs above) */
	strcpy(h.f.p[2].name, "0000:01:00.1");
	for (size_t i = 1; i <= 2; i++) {
		h.f.p[i].registered = true;
		h.f.p[i].types = mtty_types;
		h.f.p[i].ntypes = 2;
	}
	CHECK(t_parse("mdev 01:00 type=mtty-2 uuid=" U1 "\n") == 0);
	host_plan(&h, NULL);
	CHECK(h.p.n == 2 && h.p.v[0].parent == 1 && h.p.v[0].act == MA_CREATE && h.p.v[1].parent == 2 && h.p.v[1].act == MA_DUPLICATE);
	host_plan(&h, "0000:01:00.1");
	CHECK(h.p.n == 1 && h.p.v[0].parent == 2 && h.p.v[0].act == MA_DUPLICATE);

	t_name = "one parent found by two rules another way each, one type: the second rule is a duplicate";
	h.f.p[2].registered = false; /* slot=8 locates the registered 01:00.0 only */
	CHECK(t_parse("mdev 01:00.0 type=mtty-1\nmdev slot=8 type=mtty-1\nmdev path=00:01.1/00.0 type=mtty-2\n") == 0);
	host_plan(&h, NULL);
	CHECK(h.p.n == 3 && h.p.v[0].act == MA_CREATE && h.p.v[1].act == MA_DUPLICATE && h.p.v[2].act == MA_CREATE);
	CHECK(h.p.v[0].parent == 1 && h.p.v[1].parent == 1 && h.p.v[2].parent == 1);
	CHECK_CONTAINS(h.p.v[1].reason, "test.conf:1 asks for mtty-1 on 0000:01:00.0 already");
	CHECK(finding(&h.out, "mdev-duplicate") != NULL);
	for (size_t i = 1; i <= 2; i++) {
		h.f.p[i].registered = false;
		h.f.p[i].types = NULL;
		h.f.p[i].ntypes = 0;
	}
	host_free(&h);
}

static void plan_pci(void)
{
	struct host h;
	char name[160];

	t_name = "i915 with GVT-g off";
	host_init(&h, "mdev 00:02.0 type=i915-GVTg_V5_4\n");
	h.f.gvt = 0;
	host_plan(&h, NULL);
	CHECK(h.p.n == 1 && h.p.v[0].act == MA_WAIT && finding(&h.out, "mdev-gvt-disabled"));
	CHECK_STR(h.p.v[0].uuid_s, "195538e8-3446-51a2-9cdc-07abdf4d6914");
	if (finding(&h.out, "mdev-gvt-disabled"))
		CHECK_CONTAINS(finding(&h.out, "mdev-gvt-disabled")->remedy, "i915.enable_gvt=1");
	t_name = "i915 with GVT-g on, no kvmgt";
	h.f.gvt = 1;
	host_plan(&h, NULL);
	CHECK(finding(&h.out, "mdev-kvmgt-missing") && !finding(&h.out, "mdev-gvt-disabled"));
	t_name = "i915 with GVT-g and kvmgt, still no types";
	h.f.kvmgt = true;
	host_plan(&h, NULL);
	CHECK(finding(&h.out, "mdev-not-parent") != NULL);
	if (finding(&h.out, "mdev-not-parent"))
		CHECK_CONTAINS(finding(&h.out, "mdev-not-parent")->remedy, "Broadwell to Comet Lake");
	t_name = "no driver";
	h.f.p[0].driver[0] = '\0';
	h.f.bus = false;
	host_plan(&h, NULL);
	CHECK(finding(&h.out, "mdev-parent-no-driver") != NULL);
	if (finding(&h.out, "mdev-parent-no-driver"))
		CHECK_CONTAINS(finding(&h.out, "mdev-parent-no-driver")->message, "the mdev core, module mdev, is not loaded");
	t_name = "nvidia without vGPU types";
	strcpy(h.f.p[0].driver, "nvidia");
	host_plan(&h, NULL);
	CHECK(finding(&h.out, "mdev-not-parent") && strstr(finding(&h.out, "mdev-not-parent")->remedy, "vGPU host driver"));
	t_name = "the config binds the parent to vfio-pci";
	h.f.p[0].to_vfio = true;
	host_plan(&h, NULL);
	CHECK(finding(&h.out, "mdev-parent-on-vfio") && h.out.n == 1 && h.p.v[0].act == MA_WAIT);
	h.f.p[0].to_vfio = false;

	t_name = "a selector that matches nothing";
	CHECK(t_parse("mdev 05:00.0 type=x\n") == 0);
	host_plan(&h, NULL);
	CHECK(h.p.n == 0 && h.p.ntg == 0 && finding(&h.out, "mdev-no-parent"));
	if (finding(&h.out, "mdev-no-parent"))
		CHECK_STR(finding(&h.out, "mdev-no-parent")->message, "test.conf:1: no device matches '0000:05:00.0'");

	t_name = "a whole card: function 0 while none registered";
	CHECK(t_parse("mdev slot=8 type=nvidia-63\n") == 0);
	host_plan(&h, NULL);
	CHECK(h.p.n == 1 && h.p.v[0].parent == 1);
	CHECK_STR(h.p.v[0].uuid_s, "b724607b-8b08-518b-9202-d2379eb75760");
	t_name = "a whole card: the function that registered";
	h.f.p[2].registered = true;
	host_plan(&h, NULL);
	CHECK(h.p.n == 1 && h.p.v[0].parent == 2 && h.p.v[0].act == MA_NO_TYPE);
	h.f.p[2].registered = false;
	t_name = "id= names every match";
	CHECK(t_parse("mdev id=10de:1eb8 type=nvidia-63\n") == 0);
	host_plan(&h, NULL);
	CHECK(h.p.n == 1 && h.p.v[0].parent == 1);

	t_name = "derived names: the parent as the rule locates it";
	static const struct {
		const char *conf, *name, *uuid;
	} v[] = {
		{ "mdev slot=8 type=nvidia-63", "slot=8.0|nvidia-63|0", "b724607b-8b08-518b-9202-d2379eb75760" },
		{ "mdev path=00:01.1/00 type=nvidia-63", "path=00:01.1/00.0|nvidia-63|0", "e2c503ec-eefa-59dd-b706-5b36103beede" },
		{ "mdev serial=00-11-22-33-44-55-66-ff type=nvidia-63", "serial=00112233445566ff.0|nvidia-63|0", "cc43cb36-3862-5895-8099-a63fa905e41d" },
		{ "mdev 01:00.0 type=nvidia-63", "0000:01:00.0|nvidia-63|0", NULL },
		{ "mdev 01:00 type=nvidia-63", "0000:01:00.0|nvidia-63|0", NULL },
		{ "mdev id=10de:1eb8 type=nvidia-63", "0000:01:00.0|nvidia-63|0", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		t_name = v[i].conf;
		CHECK(t_parse(v[i].conf) == 0);
		mdev_uuid_name(&t_cfg.mdev[0], &h.f.p[1], &h.f.t.v[1], 0, name, sizeof(name));
		CHECK_STR(name, v[i].name);
		host_plan(&h, NULL);
		CHECK(h.p.n == 1);
		if (v[i].uuid && h.p.n)
			CHECK_STR(h.p.v[0].uuid_s, v[i].uuid);
	}
	t_name = "uuid= on a rule that selects two parents";
	h.f.t.v[2].device = 0x1eb8; /* the second function now matches id= too */
	CHECK(t_parse("mdev id=10de:1eb8 type=nvidia-63 uuid=" U1 "\n") == 0);
	host_plan(&h, NULL);
	CHECK(h.p.n == 2 && h.p.v[1].act == MA_DUPLICATE && finding(&h.out, "mdev-duplicate"));
	host_free(&h);
	t_config_free();
}

void test_mdev(void)
{
	sha1_vectors();
	uuids();
	grammar();
	plan_mtty();
	plan_pci();
}
