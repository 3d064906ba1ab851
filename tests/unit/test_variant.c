/* vfio-pci variant drivers: the rule's driver=, the modules.alias match
 * (fewest wildcards wins), driver names, and "already bound" in the plan. */
#include "t.h"
#include "plan.h"

static struct config cfg;

static size_t parse(const char *text)
{
	config_free(&cfg);
	config_init(&cfg, "v.conf");
	return config_parse(&cfg, text, strlen(text));
}

static void driver_option(void)
{
	static const char *const bad[] = {
		"bind 01:00.0 driver=",
		"bind 01:00.0 driver=mlx5/../x",
		"bind 01:00.0 driver=a.b",
		"bind 01:00.0 driver=vfio pci", /* "pci" is then an unknown option */
		"bind 01:00.0 driver=12345678901234567890123456789012345678901234567890123456", /* 56 */
	};

	t_name = "driver=: a module or driver name";
	CHECK(parse("bind 01:00.0 driver=mlx5_vfio_pci\nbind id=1af4:1041 driver=virtio-vfio-pci strict\nbind 02:00.0\n") == 0);
	CHECK(cfg.n == 3);
	CHECK_STR(cfg.rules[0].driver, "mlx5_vfio_pci");
	CHECK_STR(cfg.rules[1].driver, "virtio-vfio-pci");
	CHECK(cfg.rules[1].strict);
	CHECK_STR(cfg.rules[2].driver, "");
	t_name = "driver=: 55 characters are accepted";
	CHECK(parse("bind 01:00.0 driver=123456789012345678901234567890123456789012345678901234_\n") == 0);
	CHECK(cfg.n == 1 && strlen(cfg.rules[0].driver) == 55);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t_name = bad[i];
		CHECK(parse(bad[i]) == 1 && cfg.n == 0);
		CHECK(cfg.errors.n == 1 && (strstr(cfg.errors.v[0], "driver=NAME") || strstr(cfg.errors.v[0], "unknown bind option")));
	}
	t_name = "driver=: given twice";
	CHECK(parse("bind 01:00.0 driver=a driver=b\n") == 1);
	CHECK(cfg.errors.n == 1 && strstr(cfg.errors.v[0], "driver= given twice"));
	t_name = "driver=: only on bind";
	CHECK(parse("protect 01:00.0 driver=vfio-pci\n") == 1);
	config_free(&cfg);
}

static const char aliases[] = "alias pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_core\n"
			      "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n"
			      "alias vfio_pci:v000015B3d*sv*sd*bc*sc*i* vendor_vfio_pci\n"
			      "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\n"
			      "alias vfio_pci:v000015B3d0000101Esv*sd*bc02sc00i* mlx5_eth_vfio_pci\n"
			      "alias vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i* virtio_vfio_pci\n"
			      "alias vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i* virtio_other_vfio_pci\n"
			      "alias vfio_pci:v00001234d*sv*sd*bc*sc*i*\n" /* no module: not a line */
			      "# alias vfio_pci:v00001234d00001111sv*sd*bc*sc*i* commented\n"
			      "alias vfio_pci:v00001B36d00000010sv*sd*bc*sc*i* ../../etc\n" /* not a module name */
			      "alias vfio_pci:v00008086d00001521sv*sd*bc*sc*i* igb_vfio_pci"; /* no final newline */

static const char *best(const char *modalias)
{
	static struct alias_match m;
	return alias_best_match(aliases, strlen(aliases), "vfio_pci:", modalias, VFIO_GENERIC_MODULE, &m) ? m.module : "-";
}

static void alias_matching(void)
{
	static const struct {
		const char *name, *modalias, *want; /* "-": no variant */
	} cases[] = {
		{ "alias: an exact device entry beats a vendor-wide one and the catch-all", "vfio_pci:v000015B3d0000101Esv000015B3sd00000051bc03sc00i00",
		  "mlx5_vfio_pci" },
		{ "alias: fewer wildcards win (class-narrowed entry)", "vfio_pci:v000015B3d0000101Esv000015B3sd00000051bc02sc00i00", "mlx5_eth_vfio_pci" },
		{ "alias: a vendor-wide entry when no device entry matches", "vfio_pci:v000015B3d00001017sv000015B3sd00000051bc02sc00i00", "vendor_vfio_pci" },
		{ "alias: of two with as many wildcards, the first", "vfio_pci:v00001AF4d00001041sv00001AF4sd00001100bc02sc00i00", "virtio_vfio_pci" },
		{ "alias: vfio_pci's own catch-all is not a variant", "vfio_pci:v000010DEd00002204sv00001458sd0000403Bbc03sc00i00", "-" },
		{ "alias: a pci: alias is a native driver, not a variant", "pci:v000015B3d0000101Esv000015B3sd00000051bc02sc00i00", "-" },
		{ "alias: comment and module-less lines are not entries", "vfio_pci:v00001234d00001111sv00001AF4sd00001100bc03sc00i00", "-" },
		{ "alias: a module that is not a module name is no entry", "vfio_pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02", "-" },
		{ "alias: the last line without a newline", "vfio_pci:v00008086d00001521sv00008086sd00000001bc02sc00i00", "igb_vfio_pci" },
	};
	struct alias_match m;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		t_name = cases[i].name;
		CHECK_STR(best(cases[i].modalias), cases[i].want);
	}
	t_name = "alias: the pattern and its wildcard count are returned";
	CHECK(alias_best_match(aliases, strlen(aliases), "vfio_pci:", "vfio_pci:v000015B3d0000101Esv000015B3sd00000051bc03sc00i00", "vfio_pci", &m));
	CHECK_STR(m.pattern, "vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i*");
	CHECK(m.wildcards == 5);
	t_name = "alias: empty text";
	CHECK(!alias_best_match("", 0, "vfio_pci:", "vfio_pci:v0d0", "vfio_pci", &m));
}

static void driver_names(void)
{
	struct pci_dev d;
	char buf[128];

	t_name = "driver names: '-' and '_' alike";
	CHECK(driver_name_eq("virtio-vfio-pci", "virtio_vfio_pci"));
	CHECK(!driver_name_eq("vfio-pci", "vfio-pci2"));
	CHECK(!driver_name_eq("vfio", "vfio-pci"));
	t_name = "driver names: vfio-pci and variants are vfio drivers";
	CHECK(pci_driver_is_vfio("vfio-pci"));
	CHECK(pci_driver_is_vfio("mlx5_vfio_pci"));
	CHECK(pci_driver_is_vfio("virtio-vfio-pci"));
	CHECK(pci_driver_is_vfio("nvgrace-gpu-vfio-pci"));
	CHECK(!pci_driver_is_vfio("xvfio-pci"));
	CHECK(!pci_driver_is_vfio("nouveau"));
	CHECK(!pci_driver_is_vfio(""));
	CHECK(!pci_driver_is_vfio("vfio-pci-core"));
	t_name = "modalias: from the uevent, or built from ids and class";
	memset(&d, 0, sizeof(d));
	d.vendor = 0x1234;
	d.device = 0x1111;
	d.sub_vendor = 0x1af4;
	d.sub_device = 0x1100;
	d.class = 0x030000;
	pci_vfio_modalias(&d, buf, sizeof(buf));
	CHECK_STR(buf, "vfio_pci:v00001234d00001111sv00001AF4sd00001100bc03sc00i00");
	snprintf(d.modalias, sizeof(d.modalias), "pci:v00001234d00001111sv00001AF4sd00001100bc03sc00i00");
	pci_vfio_modalias(&d, buf, sizeof(buf));
	CHECK_STR(buf, "vfio_pci:v00001234d00001111sv00001AF4sd00001100bc03sc00i00");
}

static void already_bound(void)
{
	static const char *const drivers[] = { "vfio-pci", "mlx5_vfio_pci", "fancy", "nouveau" };
	static const enum dev_action want[] = { DA_ALREADY, DA_ALREADY, DA_ALREADY, DA_BIND };
	struct devtab t = { .iommu = true };
	struct protlist prot = { 0 };
	struct plan p;

	GROW(t.v, t.cap, t.n);
	memset(&t.v[0], 0, sizeof(t.v[0]));
	(void)pci_addr_parse("0000:01:00.0", &t.v[0].addr, NULL);
	pci_addr_fmt(&t.v[0].addr, t.v[0].name);
	t.v[0].class = 0x020000;
	t.v[0].group = 7;
	t.v[0].boot_vga = -1;
	t.v[0].sriov_total = -1;
	t.n = 1;
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		t_name = drivers[i];
		snprintf(t.v[0].driver, sizeof(t.v[0].driver), "%s", drivers[i]);
		CHECK(parse("bind 01:00.0 driver=fancy\n") == 0);
		plan_build(&cfg, &t, &prot, &p);
		CHECK(p.n == 1 && p.g[0].n == 1 && p.g[0].devs[0].act == want[i]);
		CHECK(p.n == 1 && p.g[0].act == (want[i] == DA_ALREADY ? GA_ALREADY : GA_BIND));
		CHECK_STR(p.n ? p.g[0].devs[0].rule_driver : "", "fancy");
		plan_free(&p);
	}
	devtab_free(&t);
	config_free(&cfg);
}

void test_variant(void)
{
	driver_option();
	alias_matching();
	driver_names();
	already_bound();
}
