/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfio-early: bind PCI devices (whole IOMMU groups) to vfio-pci from the
 * initramfs, before udev coldplug. See vfio-early(8). */
#include "run.h"
#include "run_mdev.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool boot_mode; /* apply: never fail the boot */

static void oom_exit(void)
{
	(void)fputs("vfio-early: out of memory\n", stderr);
	_exit(boot_mode ? EXIT_OK : EXIT_SYSTEM);
}

NORETURN static void usage(FILE *out, int status)
{
	fprintf(out, "Usage: vfio-early [OPTIONS] COMMAND\n"
		     "\n"
		     "Bind PCI devices, whole IOMMU groups at a time, to vfio-pci from the initramfs.\n"
		     "\n"
		     "Commands:\n"
		     "  check [--json]   what boot would bind or refuse, and why; writes nothing\n"
		     "  apply            bind now (what the initramfs runs); always exits 0\n"
		     "  status [--json]  what is on vfio-pci, against the config and the boot record\n"
		     "  protected        PCI devices the host needs (root disk, swap, default-route NIC)\n"
		     "  list [--json] [--tree]\n"
		     "                   every IOMMU group, its devices, whether it is isolated, and\n"
		     "                   the config line to paste for each card; --tree: the topology\n"
		     "  validate         parse the config only (image build hooks)\n"
		     "  rom ADDR [-o FILE] [--json]\n"
		     "                   read and check a card's option ROM; write FILE only if valid\n"
		     "  mdev-apply [--parent NAME]\n"
		     "                   create the mediated devices the config names on that parent\n"
		     "                   (what the udev rule runs when it registers); always exits 0\n"
		     "\n"
		     "Options:\n"
		     "  --sysroot DIR     read sys/, proc/, run/, lib/modules/ under DIR (default /)\n"
		     "  --config FILE     config file (default /etc/vfio-early.conf)\n"
		     "  --protected FILE  protected-device list from image build time\n"
		     "                    (apply default: /etc/vfio-early/protected.list)\n"
		     "  --cmdline FILE    kernel command line (apply default: SYSROOT/proc/cmdline)\n"
		     "  --json            machine-readable output (check, status, list, rom)\n"
		     "  --tree            list: the PCI topology from the host bridges down\n"
		     "  -o, --output FILE rom: where to write the ROM\n"
		     "  --parent NAME     mdev-apply: only this parent (its name in /sys/class/mdev_bus)\n"
		     "  -h, --help        this text\n"
		     "  -V, --version     version\n"
		     "\n"
		     "Exit status: 0 ok, 1 something refused / status mismatch / ROM not valid, 2 config error,\n"
		     "100 usage, 111 system error. apply always exits 0.\n"
		     "Kernel command line: vfio-early.off, vfio-early.dryrun, vfio-early.bind=ADDR[,ADDR].\n");
	exit(status);
}

static const struct command {
	const char *name;
	bool takes_json;
	int args; /* operands after the command's name */
} commands[] = {
	{ "check", true, 0 },	  { "apply", false, 0 }, { "status", true, 0 }, { "protected", false, 0 },
	{ "validate", false, 0 }, { "list", true, 0 },	 { "rom", true, 1 },	{ "mdev-apply", false, 0 },
};

int main(int argc, char **argv)
{
	/* clang-format off */
	static const struct option opts[] = {
		{ "sysroot", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "protected", required_argument, NULL, 'p' },
		{ "cmdline", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "tree", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "parent", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	/* clang-format on */
	struct run r = { .sysroot_path = "/", .config_path = "/etc/vfio-early.conf" };
	const struct command *cmd = NULL;
	const char *out = NULL, *parent = NULL;
	bool json = false, tree = false;
	int c, e, status;

	oom_handler = oom_exit;
	r.t_start = now_us();
	if (argc > 1 && streq(argv[1], "apply"))
		boot_mode = true; /* a usage error is the only non-zero exit there */
	while ((c = getopt_long(argc, argv, "hVo:", opts, NULL)) != -1) {
		switch (c) {
		case 's': r.sysroot_path = optarg; break;
		case 'c': r.config_path = optarg; break;
		case 'p': r.protected_path = optarg; break;
		case 'k': r.cmdline_path = optarg; break;
		case 'j': json = true; break;
		case 'P': parent = optarg; break;
		case 'o': out = optarg; break;
		case 't': tree = true; break;
		case 'h': usage(stdout, EXIT_OK);
		case 'V': printf("vfio-early %s\n", VFIO_EARLY_VERSION); return EXIT_OK;
		default: usage(stderr, EXIT_USAGE);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "vfio-early: no command given\n");
		usage(stderr, EXIT_USAGE);
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "vfio-early: unknown command '%.40s'\n", argv[optind]);
		usage(stderr, EXIT_USAGE);
	}
	if (argc - optind - 1 != cmd->args) {
		if (cmd->args)
			fprintf(stderr, "vfio-early: %s takes one PCI address\n", cmd->name);
		else
			fprintf(stderr, "vfio-early: one command at a time\n");
		usage(stderr, EXIT_USAGE);
	}
	if (json && !cmd->takes_json) {
		fprintf(stderr, "vfio-early: --json goes with check, status, list or rom\n");
		usage(stderr, EXIT_USAGE);
	}
	if (tree && (!streq(cmd->name, "list") || json)) {
		fprintf(stderr, "vfio-early: --tree goes with list, without --json (the JSON has every device's path and parent)\n");
		usage(stderr, EXIT_USAGE);
	}
	if (out && !streq(cmd->name, "rom")) {
		fprintf(stderr, "vfio-early: -o goes with rom\n");
		usage(stderr, EXIT_USAGE);
	}
	if (parent && (!streq(cmd->name, "mdev-apply") || !mdev_name_ok(parent))) {
		fprintf(stderr, "vfio-early: %s\n", streq(cmd->name, "mdev-apply") ? "--parent: not a device name" : "--parent goes with mdev-apply");
		usage(stderr, EXIT_USAGE);
	}
	boot_mode |= streq(cmd->name, "mdev-apply"); /* udev runs it: exit 0 too */
	r.mode = cmd->name;
	if (streq(cmd->name, "validate")) {
		status = run_validate(&r);
		config_free(&r.cfg);
		return status;
	}
	if ((e = sysroot_open(&r.sr, r.sysroot_path)) < 0) {
		fprintf(stderr, "vfio-early: --sysroot %s: %s\n", r.sysroot_path, strerror(-e));
		return boot_mode ? EXIT_OK : EXIT_SYSTEM;
	}
	if (streq(cmd->name, "apply")) {
		if (!r.protected_path)
			r.protected_path = "/etc/vfio-early/protected.list";
		status = run_apply(&r);
	} else if (streq(cmd->name, "check"))
		status = run_check(&r, json);
	else if (streq(cmd->name, "status"))
		status = run_status(&r, json);
	else if (streq(cmd->name, "list"))
		status = run_list(&r, json, tree);
	else if (streq(cmd->name, "rom"))
		status = run_rom(&r, argv[optind + 1], out, json);
	else if (streq(cmd->name, "mdev-apply"))
		status = run_mdev_apply(&r, parent);
	else
		status = run_protected(&r);
	run_free(&r);
	return status;
}
