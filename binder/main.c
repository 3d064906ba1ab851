/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfio-early: bind PCI devices (whole IOMMU groups) to vfio-pci from the
 * initramfs, before udev coldplug. See vfio-early(8). */
#include "doctor.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX (1u << 20)

static bool boot_mode; /* apply: never fail the boot */

static void oom_exit(void)
{
	(void)fputs("vfio-early: out of memory\n", stderr);
	_exit(boot_mode ? EXIT_OK : EXIT_SYSTEM);
}

NORETURN static void usage(FILE *out, int status)
{
	fprintf(out,
		"Usage: vfio-early [OPTIONS] COMMAND\n"
		"\n"
		"Bind PCI devices, whole IOMMU groups at a time, to vfio-pci from the initramfs.\n"
		"\n"
		"Commands:\n"
		"  check [--json]   what boot would bind or refuse, and why; writes nothing\n"
		"  apply            bind now (what the initramfs runs); always exits 0\n"
		"  status [--json]  what is on vfio-pci, against the config and the boot record\n"
		"  protected        PCI devices the host needs (root disk, swap, default-route NIC)\n"
		"  validate         parse the config only (image build hooks)\n"
		"\n"
		"Options:\n"
		"  --sysroot DIR     read sys/, proc/, run/, lib/modules/ under DIR (default /)\n"
		"  --config FILE     config file (default /etc/vfio-early.conf)\n"
		"  --protected FILE  protected-device list from image build time\n"
		"                    (apply default: /etc/vfio-early/protected.list)\n"
		"  --cmdline FILE    kernel command line (apply default: SYSROOT/proc/cmdline)\n"
		"  --json            machine-readable output (check, status)\n"
		"  -h, --help        this text\n"
		"  -V, --version     version\n"
		"\n"
		"Exit status: 0 ok, 1 something refused / status mismatch, 2 config error,\n"
		"100 usage, 111 system error. apply always exits 0.\n"
		"Kernel command line: vfio-early.off, vfio-early.dryrun, vfio-early.bind=ADDR[,ADDR].\n");
	exit(status);
}

/* The config decides what root binds at boot: refuse one others can edit. */
static int config_load(struct run *r)
{
	struct stat st;
	char *text;
	ssize_t n;
	size_t len = 0;
	int fd = open(r->config_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK); /* a FIFO must not hang the boot */

	config_init(&r->cfg, r->config_path);
	if (fd < 0) {
		if (errno == ENOENT) {
			r->config_missing = true;
			return 0;
		}
		sl_addf(&r->cfg.errors, "%s: cannot open: %s", r->config_path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		sl_addf(&r->cfg.errors, "%s: not a regular file", r->config_path);
		(void)close(fd);
		return -EINVAL;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
		sl_addf(&r->cfg.errors, "%s: writable by others (owner uid %u, mode %04o); it decides what root binds at boot: run 'chown root:root %s; chmod 644 %s'",
			r->config_path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), r->config_path, r->config_path);
		(void)close(fd);
		return -EPERM;
	}
	if ((size_t)st.st_size > CONFIG_MAX) {
		sl_addf(&r->cfg.errors, "%s: %lld bytes; at most %u are accepted", r->config_path, (long long)st.st_size, CONFIG_MAX);
		(void)close(fd);
		return -EFBIG;
	}
	text = xmalloc(CONFIG_MAX + 1);
	while ((n = read(fd, text + len, CONFIG_MAX + 1 - len)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			len += (size_t)n;
	(void)close(fd);
	if (len > CONFIG_MAX)
		sl_addf(&r->cfg.errors, "%s: more than %u bytes", r->config_path, CONFIG_MAX);
	else
		(void)config_parse(&r->cfg, text, len);
	free(text);
	return r->cfg.errors.n ? -EINVAL : 0;
}

static void protected_load(struct run *r, bool compute)
{
	char *text = NULL;
	int fd;

	if (r->protected_path) {
		fd = open(r->protected_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0) {
			struct strbuf sb = { 0 };
			char buf[4096];
			ssize_t n;
			while ((n = read(fd, buf, sizeof(buf))) > 0 && sb.len < (1u << 20))
				sb_add(&sb, buf, (size_t)n);
			(void)close(fd);
			text = sb_steal(&sb);
			protlist_parse(&r->prot, r->protected_path, text, &r->notes);
			free(text);
		} else if (errno != ENOENT) {
			sl_addf(&r->notes, "%s: cannot read (%s); build-time protected devices unknown", r->protected_path, strerror(errno));
		}
	}
	if (compute)
		protected_compute(&r->sr, &r->prot, &r->notes);
}

static void cmdline_load(struct run *r)
{
	char *text = NULL;

	if (r->cmdline_path) {
		int fd = open(r->cmdline_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		struct strbuf sb = { 0 };
		char buf[4096];
		ssize_t n;
		if (fd < 0) {
			sl_addf(&r->notes, "%s: cannot read the kernel command line (%s)", r->cmdline_path, strerror(errno));
			memset(&r->cl, 0, sizeof(r->cl));
			return;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0 && sb.len < 65536)
			sb_add(&sb, buf, (size_t)n);
		(void)close(fd);
		text = sb_steal(&sb);
	} else if (sr_read_all(&r->sr, "proc/cmdline", 65536, &text, NULL) < 0) {
		memset(&r->cl, 0, sizeof(r->cl));
		return; /* no /proc: no switches */
	}
	cmdline_parse(text, &r->cfg, &r->cl);
	r->have_cmdline = true;
	free(text);
}

static int scan(struct run *r)
{
	int e = config_address_only(&r->cfg) ? scan_targets(&r->sr, &r->cfg, &r->t) : scan_full(&r->sr, config_has_sriov(&r->cfg), &r->t);
	if (e < 0)
		sl_addf(&r->notes, "%s/sys/bus/pci/devices: cannot read (%s); is sysfs mounted?", streq(r->sysroot_path, "/") ? "" : r->sysroot_path, strerror(-e));
	return e;
}

/* Groups, then SR-IOV; VFs that already exist are bound like any device,
 * so their rules join the config and the groups are planned again. */
static void plan_all(struct run *r)
{
	struct findings sf = { 0 };
	size_t n0 = r->cfg.n;

	plan_build(&r->cfg, &r->t, &r->prot, &r->plan);
	plan_sriov(&r->cfg, &r->t, &r->plan, &r->sp, &sf);
	sriov_bind_rules(&r->sp, &r->cfg);
	if (r->cfg.n != n0) {
		plan_free(&r->plan);
		plan_build(&r->cfg, &r->t, &r->prot, &r->plan);
	}
	findings_move(&r->plan.findings, &sf);
}

/* VFs created at this boot: scan them, plan and bind their groups with
 * the config's protect rules and options still in force. */
static void apply_new_vfs(struct run *r, const struct apply_opts *o)
{
	struct config vcfg;
	struct plan p2;
	struct apply_result r2;

	config_init(&vcfg, r->config_path);
	vcfg.strict_groups = r->cfg.strict_groups;
	for (size_t i = 0; i < r->cfg.n; i++)
		if (r->cfg.rules[i].kind == RULE_PROTECT) {
			GROW(vcfg.rules, vcfg.cap, vcfg.n);
			vcfg.rules[vcfg.n++] = r->cfg.rules[i];
		}
	for (size_t i = 0; i < r->sp.n; i++) {
		struct sriov_pf *x = &r->sp.v[i];
		if (r->so[i].res != SR_CREATED && r->so[i].res != SR_UNCHANGED)
			continue;
		for (size_t k = 0; k < x->nvfs; k++) {
			if (!x->vfs[k].exists || !x->vfs[k].to_vfio || devtab_find(&r->t, &x->vfs[k].addr))
				continue;
			scan_add(&r->sr, &r->t, &x->vfs[k].addr);
			GROW(vcfg.rules, vcfg.cap, vcfg.n);
			struct rule *nr = &vcfg.rules[vcfg.n++];
			memset(nr, 0, sizeof(*nr));
			nr->kind = RULE_BIND;
			nr->line = r->cfg.rules[x->rule].line;
			nr->sel.kind = SEL_ADDR;
			nr->sel.addr = x->vfs[k].addr;
		}
	}
	plan_build(&vcfg, &r->t, &r->prot, &p2);
	apply_plan(&r->sr, &r->t, &p2, o, &r2);
	plan_append(&r->plan, &p2);
	apply_result_append(&r->res, &r2);
	config_free(&vcfg);
}

static int cmd_validate(struct run *r)
{
	if (config_load(r) < 0 || r->cfg.errors.n) {
		for (size_t i = 0; i < r->cfg.errors.n; i++)
			fprintf(stderr, "%s\n", r->cfg.errors.v[i]);
		return EXIT_CONFIG;
	}
	if (r->config_missing) {
		fprintf(stderr, "%s: no such file\n", r->config_path);
		return EXIT_CONFIG;
	}
	return EXIT_OK;
}

static int cmd_check(struct run *r, bool json)
{
	int status = EXIT_OK;
	size_t nplan;

	(void)config_load(r);
	if (r->config_missing)
		sl_addf(&r->cfg.errors, "%s: no such file; copy the example from /usr/share/doc/vfio-early/ and edit it", r->config_path);
	if (r->cmdline_path)
		cmdline_load(r);
	protected_load(r, true);
	if (scan(r) < 0 && !json) {
		for (size_t i = 0; i < r->notes.n; i++)
			fprintf(stderr, "vfio-early: %s\n", r->notes.v[i]);
		return EXIT_SYSTEM;
	}
	if (r->cfg.errors.n) {
		/* Show the host, bind nothing: boot would do the same. */
		struct config empty;
		config_init(&empty, r->config_path);
		plan_build(&empty, &r->t, &r->prot, &r->plan);
		config_free(&empty);
	} else {
		plan_all(r);
	}
	/* The host doctor: its warnings are advice; only its errors (boot
	 * would not bind) change the exit status. */
	nplan = r->plan.findings.n;
	doctor_run(r);
	r->t_end = now_us();
	if (json) {
		struct json j = { .pretty = true };
		report_json(r, &j);
		fputs(j.sb.s, stdout);
		sb_free(&j.sb);
	} else {
		report_table(r, stdout);
	}
	if (r->cfg.errors.n)
		status = EXIT_CONFIG;
	else if (r->plan.nrefused)
		status = EXIT_REFUSED;
	else
		for (size_t i = 0; i < r->plan.findings.n; i++)
			if (r->plan.findings.v[i].sev >= (i < nplan ? SEV_WARN : SEV_ERROR))
				status = EXIT_REFUSED;
	doctor_free(r);
	return status;
}

/* SR-IOV steps that failed in this run (0 before apply). */
size_t sriov_failed(const struct run *r)
{
	size_t n = 0;
	for (size_t i = 0; r->so && i < r->sp.n; i++)
		n += r->so[i].res == SR_FAILED;
	return n;
}

static int cmd_apply(struct run *r)
{
	struct apply_opts o = { 0 };

	boot_mode = true;
	kmsg_log(r, 6, "start (version %s)", VFIO_EARLY_VERSION);
	(void)config_load(r);
	cmdline_load(r);
	protected_load(r, false);
	for (size_t i = 0; i < r->cl.warnings.n; i++)
		kmsg_log(r, 4, "%s", r->cl.warnings.v[i]);
	for (size_t i = 0; i < r->notes.n; i++)
		kmsg_log(r, 4, "%s", r->notes.v[i]);
	if (r->cfg.errors.n) {
		kmsg_log(r, 3, "%s has errors; binding nothing (first: %s)", r->config_path, r->cfg.errors.v[0]);
		o.disabled = true;
		o.disabled_why = "config error";
		struct config keep = r->cfg;
		config_init(&r->cfg, r->config_path);
		r->cfg.errors = keep.errors;
		free(keep.rules);
	}
	if (scan(r) < 0) {
		kmsg_log(r, 3, "%s", r->notes.v[r->notes.n - 1]);
		goto out;
	}
	plan_all(r);
	if (r->cl.off) {
		o.disabled = true;
		o.disabled_why = "vfio-early.off on the kernel command line";
		kmsg_log(r, 5, "disabled by vfio-early.off on the kernel command line: binding nothing");
	} else if (!r->t.iommu && r->plan.n) {
		o.disabled = true;
		o.disabled_why = "no IOMMU";
		kmsg_log(r, 4, "no IOMMU groups (IOMMU off or absent): binding nothing; enable VT-d/AMD-Vi and add intel_iommu=on or amd_iommu=on");
	}
	o.dryrun = r->cl.dryrun;
	o.bind_timeout_ms = r->cfg.bind_timeout_ms;
	for (size_t i = 0; i < r->sp.n; i++)
		if (r->sp.v[i].pf_to_vfio && !r->sp.v[i].refused)
			o.vfio_options = "enable_sriov=1";
	apply_plan(&r->sr, &r->t, &r->plan, &o, &r->res);
	r->have_res = true;
	r->so = xcalloc(r->sp.n, sizeof(*r->so));
	apply_sriov(&r->sr, &r->t, &r->sp, &o, r->cfg.vf_timeout_ms, r->so);
	if (r->sp.n) {
		apply_new_vfs(r, &o);
		sriov_finish(&r->sr, &r->t, &r->sp, r->so);
	}
	if (!o.disabled)
		log_apply(r);
out:
	r->t_end = now_us();
	if (o.disabled)
		kmsg_log(r, 6, "done in %llu us: bound nothing (%s); record in /%s", (unsigned long long)(r->t_end - r->t_start), o.disabled_why, STATE_FILE);
	else
		/* An SR-IOV step that failed (no PF driver, no VFs) is a failure
		 * like a group that did not bind: the summary counts both. */
		kmsg_log(r, 6, "done in %llu us: %zu group(s) bound, %zu already, %zu refused, %zu failed%s%s; record in /%s",
			 (unsigned long long)(r->t_end - r->t_start), r->res.nbound, r->res.nalready, r->res.nrefused, r->res.nfailed + sriov_failed(r),
			 sriov_failed(r) ? " (SR-IOV steps included)" : "", r->cl.dryrun ? " (dry run)" : "", STATE_FILE);
	record_write(r);
	return EXIT_OK;
}

static int cmd_protected(struct run *r)
{
	protected_compute(&r->sr, &r->prot, &r->notes);
	for (size_t i = 0; i < r->prot.n; i++) {
		char a[PCI_ADDR_MAX];
		pci_addr_fmt(&r->prot.v[i].addr, a);
		printf("%s\t%s\n", a, r->prot.v[i].why);
	}
	for (size_t i = 0; i < r->notes.n; i++)
		fprintf(stderr, "vfio-early: note: %s\n", r->notes.v[i]);
	return EXIT_OK;
}

static int cmd_status_run(struct run *r, bool json)
{
	(void)config_load(r);
	for (size_t i = 0; i < r->cfg.errors.n; i++)
		fprintf(stderr, "%s\n", r->cfg.errors.v[i]);
	if (scan_full(&r->sr, true, &r->t) < 0) {
		fprintf(stderr, "vfio-early: cannot read %s/sys/bus/pci/devices\n", r->sysroot_path);
		return EXIT_SYSTEM;
	}
	if (!r->cfg.errors.n)
		plan_all(r);
	int s = cmd_status(r, json);
	return r->cfg.errors.n ? EXIT_CONFIG : s;
}

static const struct command {
	const char *name;
	bool takes_json;
} commands[] = {
	{ "check", true }, { "apply", false }, { "status", true }, { "protected", false }, { "validate", false },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysroot", required_argument, NULL, 's' }, { "config", required_argument, NULL, 'c' }, { "protected", required_argument, NULL, 'p' },
		{ "cmdline", required_argument, NULL, 'k' }, { "json", no_argument, NULL, 'j' },	       { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },	     { NULL, 0, NULL, 0 },
	};
	struct run r = { .sysroot_path = "/", .config_path = "/etc/vfio-early.conf" };
	const struct command *cmd = NULL;
	bool json = false;
	int c, e, status;

	oom_handler = oom_exit;
	r.t_start = now_us();
	if (argc > 1 && streq(argv[1], "apply"))
		boot_mode = true; /* a usage error is the only non-zero exit there */
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case 's': r.sysroot_path = optarg; break;
		case 'c': r.config_path = optarg; break;
		case 'p': r.protected_path = optarg; break;
		case 'k': r.cmdline_path = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(stdout, EXIT_OK);
		case 'V': printf("vfio-early %s\n", VFIO_EARLY_VERSION); return EXIT_OK;
		default: usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "vfio-early: %s\n", optind >= argc ? "no command given" : "one command at a time");
		usage(stderr, EXIT_USAGE);
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (streq(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "vfio-early: unknown command '%.40s'\n", argv[optind]);
		usage(stderr, EXIT_USAGE);
	}
	if (json && !cmd->takes_json) {
		fprintf(stderr, "vfio-early: --json goes with check or status\n");
		usage(stderr, EXIT_USAGE);
	}
	r.mode = cmd->name;
	if (streq(cmd->name, "validate")) {
		status = cmd_validate(&r);
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
		status = cmd_apply(&r);
	} else if (streq(cmd->name, "check"))
		status = cmd_check(&r, json);
	else if (streq(cmd->name, "status"))
		status = cmd_status_run(&r, json);
	else
		status = cmd_protected(&r);
	apply_result_free(&r.res);
	sriov_plan_free(&r.sp);
	free(r.so);
	plan_free(&r.plan);
	devtab_free(&r.t);
	protlist_free(&r.prot);
	sl_free(&r.notes);
	cmdline_free(&r.cl);
	config_free(&r.cfg);
	sysroot_close(&r.sr);
	return status;
}
