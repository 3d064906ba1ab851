#include "cmdline.h"
#include "t.h"
#include "t_config.h"

#include <errno.h>

static void addresses(void)
{
	struct pci_addr a;
	bool slot;
	char buf[PCI_ADDR_MAX];

	t_name = "addresses";
	CHECK(pci_addr_parse("0000:01:00.0", &a, &slot) == 0 && !slot && a.bus == 1);
	CHECK(pci_addr_parse("01:00.1", &a, &slot) == 0 && a.domain == 0 && a.func == 1);
	CHECK(pci_addr_parse("01:1f", &a, &slot) == 0 && slot && a.slot == 0x1f);
	CHECK(pci_addr_parse("10000:e1:00.0", &a, &slot) == 0 && a.domain == 0x10000);
	CHECK(pci_addr_parse("0000:01:00.0", &a, NULL) == 0);
	CHECK(pci_addr_parse("01:00", &a, NULL) < 0); /* NULL slot: a function is required */
	static const char *const bad[] = {
		"",
		"1:00.0",
		"001:00.0",
		"01:0.0",
		"01:00.8",
		"01:20.0",
		"0x01:00.0",
		"00:01:00.0",
		"0000:01:00.0/..",
		"../01:00.0",
		"0000:01:00.00",
		"0000:0g:00.0",
		"0000:01:00.0 ",
		"/sys/bus",
		"0000:01:00:0",
		"0x00:01:00.0",
		"00000000000:01:00.0",
		"0000:01:00.",
		"0000::00.0",
		"zz:zz.z",
		"01:00.-1",
		"+1:00.0",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t_name = bad[i];
		CHECK(pci_addr_parse(bad[i], &a, &slot) < 0);
	}
	t_name = "format";
	CHECK(pci_addr_parse("0a:1f.7", &a, NULL) == 0);
	pci_addr_fmt(&a, buf);
	CHECK_STR(buf, "0000:0a:1f.7");
}

static void keywords(void)
{
	t_name = "bind forms";
	CHECK(t_parse("# comment\n\n  bind 0000:01:00.0   # trailing\nbind 02:00.0 id=10de:2204\nbind 03:00\n"
		      "bind id=10de:2204 subsystem=1458:403b strict allow-boot-vga\nbind id=8086:10fb\n") == 0);
	CHECK(t_cfg.n == 5);
	CHECK(t_cfg.rules[0].kind == RULE_BIND && t_cfg.rules[0].sel.kind == SEL_ADDR && t_cfg.rules[0].line == 3);
	CHECK(t_cfg.rules[1].sel.has_id && t_cfg.rules[1].sel.vendor == 0x10de && t_cfg.rules[1].sel.device == 0x2204);
	CHECK(t_cfg.rules[2].sel.kind == SEL_SLOT && t_cfg.rules[2].sel.addr.bus == 3);
	CHECK(t_cfg.rules[3].sel.kind == SEL_ID && t_cfg.rules[3].sel.has_sub && t_cfg.rules[3].sel.sub_vendor == 0x1458);
	CHECK(t_cfg.rules[3].strict && t_cfg.rules[3].allow_boot_vga);
	CHECK(!t_cfg.rules[4].strict && !t_cfg.rules[4].sel.has_sub);

	t_name = "protect";
	CHECK(t_parse("protect 00:1f.2\nprotect id=8086:1533\n") == 0);
	CHECK(t_cfg.n == 2 && t_cfg.rules[0].kind == RULE_PROTECT && t_cfg.rules[1].sel.kind == SEL_ID);

	t_name = "sriov";
	CHECK(t_parse("sriov 0000:02:00.0 vfs=4\nsriov id=8086:1521 vfs=2 host\nsriov 03:00.0 vfs=8 vfio=0-1,5\n") == 0);
	CHECK(t_cfg.n == 3 && t_cfg.rules[0].numvfs == 4 && rule_vf_to_vfio(&t_cfg.rules[0], 3));
	CHECK(t_cfg.rules[1].vfs_to_host && !rule_vf_to_vfio(&t_cfg.rules[1], 0));
	CHECK(rule_vf_to_vfio(&t_cfg.rules[2], 1) && !rule_vf_to_vfio(&t_cfg.rules[2], 2) && rule_vf_to_vfio(&t_cfg.rules[2], 5));

	t_name = "option";
	CHECK(t_parse("option strict-groups bind-timeout=250\noption vf-timeout=5000\n") == 0);
	CHECK(t_cfg.strict_groups && t_cfg.bind_timeout_ms == 250 && t_cfg.vf_timeout_ms == 5000);
	CHECK(t_parse("bind 01:00.0\r\n") == 0 && t_cfg.n == 1); /* CRLF files */
	CHECK(t_parse("bind 01:00.0") == 0 && t_cfg.n == 1); /* no final newline */
}

static void errors(void)
{
	t_expect_line_error("bnid 01:00.0\n", "test.conf:1: 'bnid': unknown keyword; expected bind, protect, sriov, mdev or option");
	t_expect_line_error("\n\nbind 1:00.0\n", "test.conf:3: '1:00.0': not a PCI address");
	t_expect_line_error("bind ../../etc\n", "'../../etc': not a PCI address");
	t_expect_line_error("bind\n", "'bind' needs a device");
	t_expect_line_error("bind 01:00.0 02:00.0\n", "a rule takes one address");
	t_expect_line_error("bind id=10de\n", "expected id=VVVV:DDDD");
	t_expect_line_error("bind id=10de:2204 id=10de:2205\n", "id= given twice");
	t_expect_line_error("bind subsystem=1458:403b\n", "subsystem= narrows id=");
	t_expect_line_error("bind 01:00.0 subsystem=1458\n", "expected subsystem=VVVV:DDDD");
	t_expect_line_error("bind 01:00.0 subsystem=1458:403b subsystem=1:2\n", "subsystem= given twice");
	t_expect_line_error("bind 01:00.0 stritc\n", "'stritc': unknown bind option; accepted:");
	t_expect_line_error("protect 01:00.0 strict\n", "protect takes only a device");
	t_expect_line_error("protect\n", "'protect' needs a device");
	t_expect_line_error("sriov 02:00.0\n", "sriov needs vfs=N");
	t_expect_line_error("sriov 02:00.0 vfs=0\n", "sriov needs vfs=N with N >= 1");
	t_expect_line_error("sriov 02:00.0 vfs=x\n", "expected vfs=N");
	t_expect_line_error("sriov 02:00.0 vfs=99999\n", "expected vfs=N");
	t_expect_line_error("sriov 02:00 vfs=2\n", "not a slot");
	t_expect_line_error("sriov 02:00.0 vfs=2 host vfio=0\n", "contradict");
	t_expect_line_error("sriov 02:00.0 vfs=2 vfio=0-3\n", "VF 3 does not exist with vfs=2");
	t_expect_line_error("sriov 02:00.0 vfs=2 vfio=1-0\n", "runs backwards");
	t_expect_line_error("sriov 02:00.0 vfs=2 vfio=a\n", "expected VF indexes");
	t_expect_line_error("sriov 02:00.0 vfs=2 bogus\n", "unknown sriov option");
	t_expect_line_error("option\n", "'option' needs a name");
	t_expect_line_error("option frobnicate\n", "'frobnicate': unknown option");
	t_expect_line_error("option bind-timeout=-1\n", "expected milliseconds");
	t_expect_line_error("option bind-timeout=99999999999\n", "expected milliseconds");
	t_expect_line_error("bind 01:00.0 a b c d e f g h i j k l m n o p q\n", "too many words");

	t_name = "NUL byte";
	t_config_free();
	config_init(&t_cfg, "test.conf");
	CHECK(config_parse(&t_cfg, "bind 01:00.0\0x\n", 15) == 1);
	CHECK_CONTAINS(t_cfg.errors.v[0], "test.conf:1: contains a NUL byte");

	t_name = "long line";
	{
		static char big[CONFIG_LINE_MAX + 64];
		memset(big, ' ', sizeof(big) - 2);
		memcpy(big, "bind", 4);
		big[sizeof(big) - 2] = '\n';
		CHECK(t_parse(big) == 1);
		CHECK_CONTAINS(t_cfg.errors.v[0], "at most 4096 are accepted");
	}
	t_name = "all errors collected, good lines kept";
	CHECK(t_parse("bind 01:00.0\nbogus\nbind 02:00.0\nbind zz\n") == 2);
	CHECK(t_cfg.n == 2);
	CHECK_CONTAINS(t_cfg.errors.v[1], "test.conf:4:");
	t_name = "non-printable token shown safely";
	CHECK(t_parse("bind \x1b[31m\n") == 1);
	CHECK(t_cfg.errors.n && !strchr(t_cfg.errors.v[0], '\x1b'));
}

static void paths(void)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "00:01.1/00.0", "00:01.1/00.0" },
		{ "0000:00:01.1/00", "00:01.1/00" },
		{ "0001:40:1C.4/00.1/1f.7", "0001:40:1c.4/00.1/1f.7" },
		{ "00:02", "00:02" },
		{ "00:1c.0/00.0/00.0/00.0/00.0/00.0/00.0/05", "00:1c.0/00.0/00.0/00.0/00.0/00.0/00.0/05" },
	};
	static const char *const bad[] = {
		"",
		"/",
		"00:01.1/",
		"00:01.1//00",
		"00:01/00.0",
		"00:01.1/20.0",
		"00:01.1/00.8",
		"00:01.1/0.0",
		"00:01.1/000",
		"00:01.1/00.0x",
		"01.1/00",
		"00:01.1/00.0/00.0/00.0/00.0/00.0/00.0/00.0/00",
		"../00:01.1",
	};
	char buf[SEL_NAME_MAX];

	t_name = "path= canonical form";
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		CHECK(pci_path_canon(ok[i].in, buf, sizeof(buf)) == 0);
		CHECK_STR(buf, ok[i].out);
	}
	t_name = "path= refused";
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(pci_path_canon(bad[i], buf, sizeof(buf)) == -EINVAL);
	t_name = "slot=, path=, serial= rules";
	CHECK(t_parse("bind slot=Slot_1.2 id=10de:2204\nbind path=00:01.1/00 strict\nsriov serial=00-11-22-ff-ff-33-44-55 vfs=2\n") == 0);
	CHECK(t_cfg.n == 3);
	if (t_cfg.n == 3) {
		CHECK(t_cfg.rules[0].sel.kind == SEL_PHYSLOT && streq(t_cfg.rules[0].sel.name, "Slot_1.2") && t_cfg.rules[0].sel.has_id);
		CHECK(t_cfg.rules[1].sel.kind == SEL_PATH && streq(t_cfg.rules[1].sel.name, "00:01.1/00") && t_cfg.rules[1].strict);
		CHECK(t_cfg.rules[2].sel.kind == SEL_SERIAL && t_cfg.rules[2].sel.serial == 0x001122ffff334455ull && t_cfg.rules[2].numvfs == 2);
		CHECK(!selector_is_address(&t_cfg.rules[0].sel) && !config_address_only(&t_cfg));
	}
	t_expect_line_error("bind slot=a/b\n", "expected slot=NAME");
	t_expect_line_error("bind serial=00-11-22-ff-ff-33-44\n", "expected serial=");
	t_expect_line_error("bind serial=00-11-22-ff-ff-33-44-55-66\n", "expected serial=");
}

/* What scan reads for path= and list shows: from a resolved sysfs link,
 * in the selector's grammar, so every result parses back to itself. */
static void sysfs_paths(void)
{
	static const struct {
		const char *link, *out;
	} ok[] = {
		{ "../../../devices/pci0000:00/0000:00:01.1/0000:02:00.0/0000:03:00.0", "00:01.1/00.0/00.0" },
		{ "../../../devices/pci0000:00/0000:00:1f.6", "00:1f.6" },
		{ "../../../devices/pci0001:40/0001:40:1c.4/0001:41:00.1", "0001:40:1c.4/00.1" },
		/* a VMD domain below a device: its own root bus starts the path */
		{ "../../../devices/pci0000:00/0000:00:0e.0/pci10000:e0/10000:e0:1d.0/10000:e1:00.0", "10000:e0:1d.0/00.0" },
		{ "../../../devices/pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:00.0/0000:03:00.0/0000:04:00.0/0000:05:00.0/0000:06:00.0/"
		  "0000:07:00.0",
		  "00:1c.0/00.0/00.0/00.0/00.0/00.0/00.0/00.0" },
	};
	static const char *const bad[] = {
		"../../../devices/platform/odd/0000:05:00.0", /* no root bus */
		"../../../devices/pci0000:00/0000:01:00.0", /* bus 01 on root bus 00 */
		"../../../devices/pci0000:00/0001:00:01.0", /* another domain */
		"../../../devices/pci0000:00/0000:00:01.0/usb1", /* not a PCI address */
		"../../../devices/pci0000:00",
		"../../../devices/pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:00.0/0000:03:00.0/0000:04:00.0/0000:05:00.0/0000:06:00.0/"
		"0000:07:00.0/0000:08:00.0", /* 9 levels */
	};
	char buf[PCI_PATH_STR_MAX], canon[PCI_PATH_STR_MAX], tiny[8] = "keep";

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		CHECK(pci_path_string(ok[i].link, buf, sizeof(buf)) == 0);
		CHECK_STR(buf, ok[i].out);
		CHECK(pci_path_canon(buf, canon, sizeof(canon)) == 0);
		CHECK_STR(canon, buf);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(pci_path_string(bad[i], buf, sizeof(buf)) == -EINVAL);
	CHECK(pci_path_string(ok[0].link, tiny, sizeof(tiny)) == -ENAMETOOLONG);
	CHECK_STR(tiny, "keep"); /* untouched on failure */
}

void test_parse(void)
{
	addresses();
	keywords();
	errors();
	paths();
	sysfs_paths();
	t_config_free();
}
