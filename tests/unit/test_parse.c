#include "cmdline.h"
#include "t.h"

#include <errno.h>

static struct config cfg;

static size_t parse(const char *text)
{
	config_free(&cfg);
	config_init(&cfg, "test.conf");
	return config_parse(&cfg, text, strlen(text));
}

static void expect_error(const char *text, const char *needle)
{
	t_name = text;
	CHECK(parse(text) == 1);
	CHECK(cfg.errors.n == 1);
	if (cfg.errors.n)
		CHECK_CONTAINS(cfg.errors.v[0], needle);
	CHECK(cfg.n == 0);
}

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
	CHECK(parse("# comment\n\n  bind 0000:01:00.0   # trailing\nbind 02:00.0 id=10de:2204\nbind 03:00\n"
		    "bind id=10de:2204 subsystem=1458:403b strict allow-boot-vga\nbind id=8086:10fb\n") == 0);
	CHECK(cfg.n == 5);
	CHECK(cfg.rules[0].kind == RULE_BIND && cfg.rules[0].sel.kind == SEL_ADDR && cfg.rules[0].line == 3);
	CHECK(cfg.rules[1].sel.has_id && cfg.rules[1].sel.vendor == 0x10de && cfg.rules[1].sel.device == 0x2204);
	CHECK(cfg.rules[2].sel.kind == SEL_SLOT && cfg.rules[2].sel.addr.bus == 3);
	CHECK(cfg.rules[3].sel.kind == SEL_ID && cfg.rules[3].sel.has_sub && cfg.rules[3].sel.sub_vendor == 0x1458);
	CHECK(cfg.rules[3].strict && cfg.rules[3].allow_boot_vga);
	CHECK(!cfg.rules[4].strict && !cfg.rules[4].sel.has_sub);

	t_name = "protect";
	CHECK(parse("protect 00:1f.2\nprotect id=8086:1533\n") == 0);
	CHECK(cfg.n == 2 && cfg.rules[0].kind == RULE_PROTECT && cfg.rules[1].sel.kind == SEL_ID);

	t_name = "sriov";
	CHECK(parse("sriov 0000:02:00.0 vfs=4\nsriov id=8086:1521 vfs=2 host\nsriov 03:00.0 vfs=8 vfio=0-1,5\n") == 0);
	CHECK(cfg.n == 3 && cfg.rules[0].numvfs == 4 && rule_vf_to_vfio(&cfg.rules[0], 3));
	CHECK(cfg.rules[1].vfs_to_host && !rule_vf_to_vfio(&cfg.rules[1], 0));
	CHECK(rule_vf_to_vfio(&cfg.rules[2], 1) && !rule_vf_to_vfio(&cfg.rules[2], 2) && rule_vf_to_vfio(&cfg.rules[2], 5));

	t_name = "option";
	CHECK(parse("option strict-groups bind-timeout=250\noption vf-timeout=5000\n") == 0);
	CHECK(cfg.strict_groups && cfg.bind_timeout_ms == 250 && cfg.vf_timeout_ms == 5000);
	CHECK(parse("bind 01:00.0\r\n") == 0 && cfg.n == 1); /* CRLF files */
	CHECK(parse("bind 01:00.0") == 0 && cfg.n == 1); /* no final newline */
}

static void errors(void)
{
	expect_error("bnid 01:00.0\n", "test.conf:1: 'bnid': unknown keyword; expected bind, protect, sriov, mdev or option");
	expect_error("\n\nbind 1:00.0\n", "test.conf:3: '1:00.0': not a PCI address");
	expect_error("bind ../../etc\n", "'../../etc': not a PCI address");
	expect_error("bind\n", "'bind' needs a device");
	expect_error("bind 01:00.0 02:00.0\n", "a rule takes one address");
	expect_error("bind id=10de\n", "expected id=VVVV:DDDD");
	expect_error("bind id=10de:2204 id=10de:2205\n", "id= given twice");
	expect_error("bind subsystem=1458:403b\n", "subsystem= narrows id=");
	expect_error("bind 01:00.0 subsystem=1458\n", "expected subsystem=VVVV:DDDD");
	expect_error("bind 01:00.0 subsystem=1458:403b subsystem=1:2\n", "subsystem= given twice");
	expect_error("bind 01:00.0 stritc\n", "'stritc': unknown bind option; accepted:");
	expect_error("protect 01:00.0 strict\n", "protect takes only a device");
	expect_error("protect\n", "'protect' needs a device");
	expect_error("sriov 02:00.0\n", "sriov needs vfs=N");
	expect_error("sriov 02:00.0 vfs=0\n", "sriov needs vfs=N with N >= 1");
	expect_error("sriov 02:00.0 vfs=x\n", "expected vfs=N");
	expect_error("sriov 02:00.0 vfs=99999\n", "expected vfs=N");
	expect_error("sriov 02:00 vfs=2\n", "not a slot");
	expect_error("sriov 02:00.0 vfs=2 host vfio=0\n", "contradict");
	expect_error("sriov 02:00.0 vfs=2 vfio=0-3\n", "VF 3 does not exist with vfs=2");
	expect_error("sriov 02:00.0 vfs=2 vfio=1-0\n", "runs backwards");
	expect_error("sriov 02:00.0 vfs=2 vfio=a\n", "expected VF indexes");
	expect_error("sriov 02:00.0 vfs=2 bogus\n", "unknown sriov option");
	expect_error("option\n", "'option' needs a name");
	expect_error("option frobnicate\n", "'frobnicate': unknown option");
	expect_error("option bind-timeout=-1\n", "expected milliseconds");
	expect_error("option bind-timeout=99999999999\n", "expected milliseconds");
	expect_error("bind 01:00.0 a b c d e f g h i j k l m n o p q\n", "too many words");

	t_name = "NUL byte";
	config_free(&cfg);
	config_init(&cfg, "test.conf");
	CHECK(config_parse(&cfg, "bind 01:00.0\0x\n", 15) == 1);
	CHECK_CONTAINS(cfg.errors.v[0], "test.conf:1: contains a NUL byte");

	t_name = "long line";
	{
		static char big[CONFIG_LINE_MAX + 64];
		memset(big, ' ', sizeof(big) - 2);
		memcpy(big, "bind", 4);
		big[sizeof(big) - 2] = '\n';
		CHECK(parse(big) == 1);
		CHECK_CONTAINS(cfg.errors.v[0], "at most 4096 are accepted");
	}
	t_name = "all errors collected, good lines kept";
	CHECK(parse("bind 01:00.0\nbogus\nbind 02:00.0\nbind zz\n") == 2);
	CHECK(cfg.n == 2);
	CHECK_CONTAINS(cfg.errors.v[1], "test.conf:4:");
	t_name = "non-printable token shown safely";
	CHECK(parse("bind \x1b[31m\n") == 1);
	CHECK(cfg.errors.n && !strchr(cfg.errors.v[0], '\x1b'));
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
	CHECK(parse("bind slot=Slot_1.2 id=10de:2204\nbind path=00:01.1/00 strict\nsriov serial=00-11-22-ff-ff-33-44-55 vfs=2\n") == 0);
	CHECK(cfg.n == 3);
	if (cfg.n == 3) {
		CHECK(cfg.rules[0].sel.kind == SEL_PHYSLOT && streq(cfg.rules[0].sel.name, "Slot_1.2") && cfg.rules[0].sel.has_id);
		CHECK(cfg.rules[1].sel.kind == SEL_PATH && streq(cfg.rules[1].sel.name, "00:01.1/00") && cfg.rules[1].strict);
		CHECK(cfg.rules[2].sel.kind == SEL_SERIAL && cfg.rules[2].sel.serial == 0x001122ffff334455ull && cfg.rules[2].numvfs == 2);
		CHECK(!selector_is_address(&cfg.rules[0].sel) && !config_address_only(&cfg));
	}
	expect_error("bind slot=a/b\n", "expected slot=NAME");
	expect_error("bind serial=00-11-22-ff-ff-33-44\n", "expected serial=");
	expect_error("bind serial=00-11-22-ff-ff-33-44-55-66\n", "expected serial=");
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
	config_free(&cfg);
}
