#include "cmdline.h"
#include "t.h"

void test_cmdline(void)
{
	struct config cfg;
	struct cmdline cl;

	t_name = "cmdline switches";
	config_init(&cfg, "c");
	cmdline_parse("BOOT_IMAGE=/vmlinuz root=/dev/sda1 quiet vfio-early.off vfio-early.bind=0000:01:00.0,02:00.1,03:00\n", &cfg, &cl);
	CHECK(cl.off && !cl.dryrun && cl.nbind == 3 && cfg.n == 3);
	CHECK(cfg.rules[0].line == 0 && cfg.rules[0].kind == RULE_BIND && cfg.rules[2].sel.kind == SEL_SLOT);
	CHECK(cl.warnings.n == 0);
	cmdline_free(&cl);
	config_free(&cfg);

	t_name = "cmdline values and bad tokens";
	config_init(&cfg, "c");
	cmdline_parse("vfio-early.off=0 vfio-early.dryrun=1 vfio-early.bind=../../x,01:00.0 vfio-early.frob \"vfio-early.bind=04:00.0\" -- vfio-early.off",
		      &cfg, &cl);
	CHECK(!cl.off && cl.dryrun && cfg.n == 2);
	CHECK(cl.warnings.n == 2);
	if (cl.warnings.n == 2) {
		CHECK_CONTAINS(cl.warnings.v[0], "'../../x' is not a PCI address");
		CHECK_CONTAINS(cl.warnings.v[1], "unknown switch");
	}
	cmdline_free(&cl);
	config_free(&cfg);

	t_name = "cmdline garbage value is safe";
	config_init(&cfg, "c");
	cmdline_parse("vfio-early.off=maybe vfio-early.bind=", &cfg, &cl);
	CHECK(cl.off && cfg.n == 0 && cl.warnings.n == 2);
	cmdline_free(&cl);
	config_free(&cfg);

	t_name = "cmdline_value: the switches' tokenizer (quotes, last wins, -- ends)";
	{
		char buf[64];
		const char *text = "root=/dev/sda1 intel_iommu=on \"acpi_osi=Windows 2020\" iommu=pt iommu=off quiet -- intel_iommu=off";
		CHECK(cmdline_value(text, "intel_iommu", buf, sizeof(buf)) && streq(buf, "on"));
		CHECK(cmdline_value(text, "acpi_osi", buf, sizeof(buf)) && streq(buf, "Windows 2020"));
		CHECK(cmdline_value(text, "iommu", buf, sizeof(buf)) && streq(buf, "off"));
		CHECK(cmdline_value(text, "quiet", buf, sizeof(buf)) && streq(buf, ""));
		CHECK(!cmdline_value(text, "root=/dev", buf, sizeof(buf)));
		CHECK(!cmdline_value(text, "intel", buf, sizeof(buf)));
		CHECK(!cmdline_value("a=\"b c=d\"", "c", buf, sizeof(buf)));
	}
}
