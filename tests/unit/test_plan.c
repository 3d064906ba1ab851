#include "cmdline.h"
#include "plan.h"
#include "t.h"

#include <stdlib.h>

static struct devtab t;
static struct config cfg;
static struct protlist prot;
static struct plan p;

static void reset(void)
{
	devtab_free(&t);
	config_free(&cfg);
	protlist_free(&prot);
	plan_free(&p);
	config_init(&cfg, "t.conf");
	t.iommu = true;
	t.ngroups = 10;
}

static struct pci_dev *dev(const char *addr, uint16_t v, uint16_t d, uint32_t cls, int group, const char *drv)
{
	GROW(t.v, t.cap, t.n);
	struct pci_dev *x = &t.v[t.n++];
	memset(x, 0, sizeof(*x));
	(void)pci_addr_parse(addr, &x->addr, NULL);
	pci_addr_fmt(&x->addr, x->name);
	x->vendor = v;
	x->device = d;
	x->sub_vendor = 0x1458;
	x->sub_device = 0x1000;
	x->class = cls;
	x->group = group;
	x->boot_vga = (cls >> 8) == 0x0300 ? 0 : -1;
	x->sriov_total = -1;
	snprintf(x->driver, sizeof(x->driver), "%s", drv);
	return x;
}

static void conf(const char *text)
{
	CHECK(config_parse(&cfg, text, strlen(text)) == 0);
	plan_build(&cfg, &t, &prot, &p);
}

static const struct plan_dev *find(const char *addr, const struct plan_group **ret_g)
{
	for (size_t i = 0; i < p.n; i++)
		for (size_t k = 0; k < p.g[i].n; k++)
			if (strcmp(t.v[p.g[i].devs[k].idx].name, addr) == 0) {
				if (ret_g)
					*ret_g = &p.g[i];
				return &p.g[i].devs[k];
			}
	return NULL;
}

static bool has_finding(const char *code)
{
	for (size_t i = 0; i < p.findings.n; i++)
		if (strcmp(p.findings.v[i].code, code) == 0)
			return true;
	return false;
}

static void gpu_hda(void)
{
	reset();
	t_name = "gpu+hda: whole group from the GPU's address";
	dev("0000:00:02.0", 0x8086, 0x3e92, 0x030000, 1, "i915")->boot_vga = 1;
	dev("0000:01:00.0", 0x10de, 0x2204, 0x030000, 12, "nouveau");
	dev("0000:01:00.1", 0x10de, 0x1aef, 0x040300, 12, "snd_hda_intel");
	dev("0000:02:00.0", 0x8086, 0x1533, 0x020000, 13, "igb");
	conf("bind 01:00.0\n");
	const struct plan_group *g = NULL;
	const struct plan_dev *gpu = find("0000:01:00.0", &g), *hda = find("0000:01:00.1", NULL);
	CHECK(p.n == 1 && p.nbind == 1 && p.nrefused == 0);
	CHECK(g && g->group == 12 && g->act == GA_BIND);
	CHECK(gpu && gpu->act == DA_BIND && gpu->selected && gpu->line == 1);
	CHECK(hda && hda->act == DA_BIND && !hda->selected);
	CHECK(!find("0000:02:00.0", NULL) && !find("0000:00:02.0", NULL));
}

static void twins(void)
{
	reset();
	t_name = "twins by address";
	dev("0000:01:00.0", 0x10de, 0x2204, 0x030000, 12, "nouveau");
	dev("0000:02:00.0", 0x10de, 0x2204, 0x030000, 14, "nouveau")->sub_device = 0x2000;
	conf("bind 02:00.0\n");
	CHECK(p.n == 1 && find("0000:02:00.0", NULL) && !find("0000:01:00.0", NULL));
	reset();
	t_name = "twins by subsystem";
	dev("0000:01:00.0", 0x10de, 0x2204, 0x030000, 12, "nouveau");
	dev("0000:02:00.0", 0x10de, 0x2204, 0x030000, 14, "nouveau")->sub_device = 0x2000;
	conf("bind id=10de:2204 subsystem=1458:2000\n");
	CHECK(p.n == 1 && find("0000:02:00.0", NULL) && !find("0000:01:00.0", NULL));
	reset();
	t_name = "twins by id: both";
	dev("0000:01:00.0", 0x10de, 0x2204, 0x030000, 12, "nouveau");
	dev("0000:02:00.0", 0x10de, 0x2204, 0x030000, 14, "nouveau");
	conf("bind id=10de:2204\n");
	CHECK(p.n == 2 && p.nbind == 2);
}

static void bridges(void)
{
	reset();
	t_name = "bridge in group stays, every endpoint named";
	dev("0000:03:00.0", 0x1b36, 0x000e, 0x060400, 5, "");
	dev("0000:04:01.0", 0x8086, 0x100e, 0x020000, 5, "e1000");
	dev("0000:04:02.0", 0x8086, 0x100e, 0x020000, 5, "e1000");
	conf("bind 04:01.0\nbind 04:02.0\n");
	CHECK(p.n == 1 && p.g[0].act == GA_BIND && p.g[0].nwhy == 0);
	CHECK(find("0000:03:00.0", NULL)->act == DA_SKIP_BRIDGE);
	CHECK(find("0000:04:02.0", NULL)->act == DA_BIND);
	reset();
	t_name = "an endpoint of another card in the group: refused, named with the line to paste";
	dev("0000:03:00.0", 0x1b36, 0x000e, 0x060400, 5, "");
	dev("0000:04:01.0", 0x8086, 0x100e, 0x020000, 5, "e1000");
	dev("0000:04:02.0", 0x8086, 0x100e, 0x020000, 5, "e1000");
	conf("bind 04:01.0\n");
	CHECK(p.n == 1 && p.g[0].act == GA_REFUSE && p.nrefused == 1);
	CHECK(p.g[0].nwhy == 1 && streq(p.g[0].why[0].code, "unnamed") && p.g[0].why[0].idx == 2);
	CHECK(find("0000:04:02.0", NULL)->act == DA_KEEP && find("0000:04:01.0", NULL)->act == DA_KEEP);
	CHECK_CONTAINS(p.g[0].reason, "IOMMU group 5 also holds 0000:04:02.0 (an Ethernet controller, e1000), which no rule names");
	CHECK_CONTAINS(p.g[0].reason, "add 'bind 0000:04:02.0'");
	CHECK_CONTAINS(p.g[0].reason, "pcie_acs_override only hides the sharing");
	reset();
	t_name = "the other functions of the named card come along";
	dev("0000:01:00.0", 0x10de, 0x2204, 0x030000, 12, "nouveau");
	dev("0000:01:00.1", 0x10de, 0x1aef, 0x040300, 12, "snd_hda_intel");
	dev("0000:01:00.2", 0x10de, 0x1ada, 0x0c0330, 12, "xhci_hcd");
	conf("bind 0000:01:00.0\n");
	CHECK(p.nbind == 1 && p.nrefused == 0 && p.g[0].nwhy == 0);
	CHECK(find("0000:01:00.2", NULL)->act == DA_BIND);
	reset();
	t_name = "every reason, not the first";
	dev("0000:00:1c.0", 0x8086, 0xa33c, 0x060400, 9, "pcieport");
	dev("0000:02:00.0", 0x1002, 0x699f, 0x030000, 9, "amdgpu");
	dev("0000:02:00.1", 0x1002, 0xaae0, 0x040300, 9, "snd_hda_intel");
	dev("0000:03:00.0", 0x1022, 0x43ee, 0x0c0330, 9, "xhci_hcd");
	dev("0000:03:00.1", 0x1022, 0x43eb, 0x010601, 9, "ahci");
	dev("0000:04:00.0", 0x8086, 0x1533, 0x020000, 9, "igb");
	t.v[1].boot_vga = 1;
	conf("protect 04:00.0\nbind 02:00.0\n");
	CHECK(p.nrefused == 1 && p.g[0].nwhy == 4);
	if (p.g[0].nwhy == 4) {
		CHECK(streq(p.g[0].why[0].code, "protected") && p.g[0].why[0].idx == 5);
		CHECK(streq(p.g[0].why[1].code, "boot-vga") && p.g[0].why[1].idx == 1);
		CHECK(streq(p.g[0].why[2].code, "unnamed") && p.g[0].why[2].idx == 3);
		CHECK(streq(p.g[0].why[3].code, "unnamed") && p.g[0].why[3].idx == 4);
	}
	CHECK(plan_refusal(&p.g[0], 2) == NULL && plan_refusal(&p.g[0], 0) == NULL);
	CHECK_CONTAINS(p.g[0].reason, "0000:02:00.0 is the boot VGA device");
	CHECK_CONTAINS(p.g[0].reason, "0000:04:00.0 is protected by t.conf:1; ");
	CHECK_CONTAINS(p.g[0].reason, "also holds 0000:03:00.0 (a USB controller, xhci_hcd), 0000:03:00.1 (a SATA controller, ahci), which no rule names");
	reset();
	dev("0000:00:1c.0", 0x8086, 0xa33c, 0x060400, 9, "pcieport");
	dev("0000:02:00.0", 0x1002, 0x699f, 0x030000, 9, "amdgpu");
	dev("0000:02:00.1", 0x1002, 0xaae0, 0x040300, 9, "snd_hda_intel");
	dev("0000:03:00.0", 0x1022, 0x43ee, 0x0c0330, 9, "xhci_hcd");
	dev("0000:03:00.1", 0x1022, 0x43eb, 0x010601, 9, "ahci");
	t.v[1].boot_vga = 1;
	conf("bind 02:00.0 allow-boot-vga\n");
	CHECK(p.nrefused == 1 && p.g[0].nwhy == 2);
	reset();
	t_name = "only a bridge selected";
	dev("0000:03:00.0", 0x1b36, 0x000e, 0x060400, 5, "pcieport");
	conf("bind 03:00.0\n");
	CHECK(p.nrefused == 1);
	CHECK_CONTAINS(p.g[0].reason, "bridges are never bound");
}

static void refusals(void)
{
	reset();
	t_name = "protected by build-time list";
	dev("0000:00:1f.2", 0x8086, 0x2922, 0x010601, 7, "ahci");
	dev("0000:00:1f.6", 0x8086, 0x15b8, 0x020000, 7, "e1000e");
	struct pci_addr a;
	(void)pci_addr_parse("0000:00:1f.2", &a, NULL);
	protlist_add(&prot, &a, "holds / (/dev/sda2)");
	conf("bind 00:1f.6\n");
	CHECK(p.nrefused == 1 && p.g[0].act == GA_REFUSE);
	CHECK_CONTAINS(p.g[0].reason, "0000:00:1f.2 is protected: holds / (/dev/sda2)");
	CHECK(find("0000:00:1f.6", NULL)->act == DA_KEEP);

	reset();
	t_name = "protect rule";
	dev("0000:05:00.0", 0x8086, 0x1533, 0x020000, 9, "igb");
	dev("0000:05:00.1", 0x8086, 0x1533, 0x020000, 9, "igb");
	conf("protect id=8086:1533\nbind 05:00.0\n");
	CHECK(p.nrefused == 1);
	CHECK_CONTAINS(p.g[0].reason, "protected by t.conf:1");

	reset();
	t_name = "boot vga refused unless allowed";
	dev("0000:00:02.0", 0x8086, 0x3e92, 0x030000, 1, "i915")->boot_vga = 1;
	conf("bind 00:02.0\n");
	CHECK(p.nrefused == 1);
	CHECK_CONTAINS(p.g[0].reason, "boot VGA device");
	reset();
	dev("0000:00:02.0", 0x8086, 0x3e92, 0x030000, 1, "i915")->boot_vga = 1;
	conf("bind 00:02.0 allow-boot-vga\n");
	CHECK(p.nbind == 1 && p.nrefused == 0);

	static const uint32_t critical[] = { 0x060000, 0x060100, 0x0c0500, 0x058000 };
	for (size_t i = 0; i < 4; i++) {
		reset();
		t_name = "host-critical class in group";
		dev("0000:00:1f.0", 0x8086, 0x1234, critical[i], 3, "");
		dev("0000:00:1f.3", 0x8086, 0xa348, 0x040300, 3, "snd_hda_intel");
		conf("bind 00:1f.3\n");
		CHECK(p.nrefused == 1);
		CHECK_CONTAINS(p.g[0].reason, "the host needs");
	}

	reset();
	t_name = "ids changed at address";
	dev("0000:02:00.0", 0x1002, 0x67df, 0x030000, 4, "amdgpu");
	conf("bind 02:00.0 id=10de:2204\n");
	CHECK(p.nrefused == 1);
	CHECK_CONTAINS(p.g[0].reason, "0000:02:00.0 is 1002:67df");
	CHECK_CONTAINS(p.g[0].reason, "expects id=10de:2204");

	reset();
	t_name = "strict group";
	dev("0000:06:00.0", 0x10de, 0x2204, 0x030000, 20, "nouveau");
	dev("0000:06:00.1", 0x10de, 0x1aef, 0x040300, 20, "snd_hda_intel");
	conf("bind 06:00.0 strict\n");
	CHECK(p.nrefused == 1);
	CHECK(p.g[0].nwhy == 1 && streq(p.g[0].why[0].code, "strict"));
	CHECK_CONTAINS(p.g[0].reason, "strict: 0000:06:00.1 (an HD audio controller) is another function of the selected card and no rule names it");
	reset();
	dev("0000:06:00.0", 0x10de, 0x2204, 0x030000, 20, "nouveau");
	dev("0000:06:00.1", 0x10de, 0x1aef, 0x040300, 20, "snd_hda_intel");
	conf("option strict-groups\nbind 06:00\n");
	CHECK(p.nbind == 1 && p.nrefused == 0);

	reset();
	t_name = "no iommu";
	t.iommu = false;
	dev("0000:01:00.0", 0x10de, 0x2204, 0x030000, -1, "nouveau");
	conf("bind 01:00.0\n");
	CHECK(p.nrefused == 1 && has_finding("no-iommu"));
	CHECK_CONTAINS(p.g[0].reason, "has no IOMMU group");

	reset();
	t_name = "rule matching nothing";
	dev("0000:01:00.0", 0x10de, 0x2204, 0x030000, 1, "nouveau");
	conf("bind 09:00.0\nbind id=1234:5678\n");
	CHECK(p.n == 0 && has_finding("rule-no-match") && p.findings.n == 2);
}

static void states(void)
{
	reset();
	t_name = "already bound, native driver";
	dev("0000:01:00.0", 0x10de, 0x2204, 0x030000, 12, "vfio-pci");
	dev("0000:01:00.1", 0x10de, 0x1aef, 0x040300, 12, "vfio-pci");
	dev("0000:02:00.0", 0x10de, 0x2204, 0x030000, 14, "nouveau");
	conf("bind 01:00.0\nbind 02:00.0\n");
	CHECK(p.nalready == 1 && p.nbind == 1);
	CHECK(find("0000:01:00.0", NULL)->act == DA_ALREADY && find("0000:02:00.0", NULL)->act == DA_BIND);

	reset();
	t_name = "four-function GPU";
	dev("0000:0a:00.0", 0x10de, 0x1e87, 0x030000, 30, "nouveau");
	dev("0000:0a:00.1", 0x10de, 0x10f8, 0x040300, 30, "snd_hda_intel");
	dev("0000:0a:00.2", 0x10de, 0x1ad8, 0x0c0330, 30, "xhci_hcd");
	dev("0000:0a:00.3", 0x10de, 0x1ad9, 0x0c8000, 30, "nvidia-gpu");
	conf("bind 0a:00.0\n");
	CHECK(p.nbind == 1 && p.g[0].n == 4);
	for (size_t k = 0; k < p.g[0].n; k++)
		CHECK(p.g[0].devs[k].act == DA_BIND);

	reset();
	t_name = "cmdline rule (line 0)";
	dev("0000:01:00.0", 0x10de, 0x2204, 0x030000, 12, "nouveau");
	struct cmdline cl;
	cmdline_parse("vfio-early.bind=01:00.0", &cfg, &cl);
	plan_build(&cfg, &t, &prot, &p);
	CHECK(p.nbind == 1 && find("0000:01:00.0", NULL)->by_cmdline);
	cmdline_free(&cl);

	t_name = "protected list parse";
	struct strlist errs = { 0 };
	protlist_free(&prot);
	protlist_parse(&prot, "p.list", "# c\n0000:00:1f.2\tholds / (/dev/sda2)\n\nbogus line\n0000:00:03.0\n", &errs);
	CHECK(prot.n == 2 && errs.n == 1);
	CHECK_STR(prot.v[0].why, "holds / (/dev/sda2)");
	CHECK_STR(prot.v[1].why, "listed at image build time");
	CHECK_CONTAINS(errs.v[0], "p.list:4:");
	sl_free(&errs);
}

void test_plan(void)
{
	gpu_hda();
	twins();
	bridges();
	refusals();
	states();
	reset();
	devtab_free(&t);
	config_free(&cfg);
}
