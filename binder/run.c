/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands: each loads what it needs (config, kernel command line,
 * protected list), then runs the stages in order: scan, plan, and for
 * apply the writes, the log and the record. check and status stop before
 * anything is written. */
#include "run.h"
#include "apply_vfid.h"
#include "doctor.h"
#include "hostfacts.h"
#include "kmsg.h"
#include "list.h"
#include "protected.h"
#include "record.h"
#include "report.h"
#include "rom.h"
#include "run_mdev.h"
#include "scan.h"
#include "snippets.h"
#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX (1u << 20)
#define CMDLINE_MAX 65536u
#define PROTECTED_MAX (1u << 20)

/* The config decides what root binds at boot: refuse one others can edit. */
int config_load(struct run *r)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int e = read_file(r->config_path, CONFIG_MAX, true, &st, &text, &len);

	config_init(&r->cfg, r->config_path);
	if (e == -ENOENT) {
		r->config_missing = true;
		return 0;
	}
	if (e == -EINVAL)
		sl_addf(&r->cfg.errors, "%s: not a regular file", r->config_path);
	else if (e == -EFBIG)
		sl_addf(&r->cfg.errors, "%s: %lld bytes; at most %u are accepted", r->config_path, (long long)st.st_size, CONFIG_MAX);
	else if (e < 0)
		sl_addf(&r->cfg.errors, "%s: cannot read: %s", r->config_path, strerror(-e));
	else if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022))
		sl_addf(&r->cfg.errors,
			"%s: writable by others (owner uid %u, mode %04o); it decides what root binds at boot: run 'chown root:root %s; chmod 644 %s'",
			r->config_path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), r->config_path, r->config_path);
	else
		(void)config_parse(&r->cfg, text, len);
	free(text);
	return r->cfg.errors.n ? -EINVAL : 0;
}

static void protected_load(struct run *r, bool compute)
{
	char *text = NULL;
	int e;

	if (r->protected_path) {
		e = read_file(r->protected_path, PROTECTED_MAX, false, NULL, &text, NULL);
		if (e == 0)
			protlist_parse(&r->prot, r->protected_path, text, &r->notes);
		else if (e != -ENOENT)
			sl_addf(&r->notes, "%s: cannot read (%s); build-time protected devices unknown", r->protected_path, strerror(-e));
		free(text);
	}
	if (compute)
		protected_compute(&r->sr, &r->prot, &r->notes);
}

void cmdline_load(struct run *r)
{
	char *text = NULL;
	int e;

	memset(&r->cl, 0, sizeof(r->cl));
	if (r->cmdline_path) {
		e = read_file(r->cmdline_path, CMDLINE_MAX, false, NULL, &text, NULL);
		if (e < 0) {
			sl_addf(&r->notes, "%s: cannot read the kernel command line (%s)", r->cmdline_path, strerror(-e));
			return;
		}
	} else if (sr_read_all(&r->sr, "proc/cmdline", CMDLINE_MAX, &text, NULL) < 0) {
		return; /* no /proc: no switches */
	}
	cmdline_parse(text, &r->cfg, &r->cl);
	r->have_cmdline = true;
	free(text);
}

/* An address-only config reads only what it names (apply's cost does not
 * grow with the host); check also reads the named cards' other functions. */
static int scan(struct run *r)
{
	bool check = streq(r->mode, "check");
	int e = config_address_only(&r->cfg) ? scan_targets(&r->sr, &r->cfg, check, &r->t) : scan_full(&r->sr, config_has_sriov(&r->cfg), &r->t);
	if (e < 0)
		sl_addf(&r->notes, "%s/sys/bus/pci/devices: cannot read (%s); is sysfs mounted?", streq(r->sysroot_path, "/") ? "" : r->sysroot_path,
			strerror(-e));
	else
		scan_selector_facts(&r->sr, config_selector_facts(&r->cfg), &r->t, &r->notes);
	return e;
}

static bool has_finding(const struct plan *p, const char *code)
{
	for (size_t i = 0; i < p->findings.n; i++)
		if (streq(p->findings.v[i].code, code))
			return true;
	return false;
}

/* Groups, then SR-IOV; VFs that already exist are bound like any device,
 * so their rules join the config and the groups are planned again. */
static void plan_all(struct run *r)
{
	struct findings sf = { 0 };
	size_t n0 = r->cfg.n;

	plan_build(&r->cfg, &r->t, &r->prot, &r->plan);
	plan_sriov(&r->cfg, &r->t, &r->plan, &r->sp, &sf);
	if (!streq(r->mode, "apply")) /* apply looks once the PF driver is bound */
		vfid_lookup(&r->sr, &r->t, &r->sp, &sf);
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
	bool *ready = xcalloc(r->sp.n, sizeof(*ready));
	struct config vcfg;
	struct plan p2;
	struct apply_result r2;

	for (size_t i = 0; i < r->sp.n; i++)
		ready[i] = r->so[i].res == SR_CREATED || r->so[i].res == SR_UNCHANGED;
	sriov_new_vf_config(&r->cfg, &r->sp, ready, &r->t, &vcfg);
	for (size_t i = 0; i < vcfg.n; i++)
		if (vcfg.rules[i].kind == RULE_BIND)
			scan_add(&r->sr, &r->t, &vcfg.rules[i].sel.addr);
	plan_build(&vcfg, &r->t, &r->prot, &p2);
	apply_choose_drivers(&r->sr, &r->t, &p2, &r->aliases);
	apply_plan(&r->sr, &r->t, &p2, o, &r2);
	plan_append(&r->plan, &p2);
	apply_result_append(&r->res, &r2);
	config_free(&vcfg);
	free(ready);
}

/* check's host doctor: facts read, judged into findings, VM snippets. */
static void doctor_run(struct run *r)
{
	struct doctor *d = xcalloc(1, sizeof(*d));
	hostfacts_read(r, &d->h);
	doctor_eval(&d->h, &r->t, &r->plan, &r->plan.findings);
	snippets_build(&r->t, &r->plan, &d->s);
	r->doc = d;
}

static void doctor_free(struct run *r)
{
	if (!r->doc)
		return;
	hostfacts_free(&r->doc->h);
	snippets_free(&r->doc->s);
	free(r->doc);
	r->doc = NULL;
}

int run_validate(struct run *r)
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

int run_check(struct run *r, bool json)
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
		size_t nrules = r->cfg.n;
		plan_all(r);
		if (!r->t.full && has_finding(&r->plan, "rule-no-match")) {
			/* Read every device to name the closest ones. */
			r->cfg.n = nrules; /* without the existing VFs' rules plan_all added */
			sriov_plan_free(&r->sp);
			plan_free(&r->plan);
			devtab_free(&r->t);
			if (scan_full(&r->sr, config_has_sriov(&r->cfg), &r->t) == 0)
				scan_selector_facts(&r->sr, config_selector_facts(&r->cfg), &r->t, &r->notes);
			plan_all(r);
		}
	}
	apply_choose_drivers(&r->sr, &r->t, &r->plan, &r->aliases);
	mdev_check(r);
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

int run_apply(struct run *r)
{
	struct apply_opts o = { 0 };

	kmsg_log(&r->sr, 6, "start (version %s)", VFIO_EARLY_VERSION);
	(void)config_load(r);
	cmdline_load(r);
	protected_load(r, false);
	for (size_t i = 0; i < r->cl.warnings.n; i++)
		kmsg_log(&r->sr, 4, "%s", r->cl.warnings.v[i]);
	for (size_t i = 0; i < r->notes.n; i++)
		kmsg_log(&r->sr, 4, "%s", r->notes.v[i]);
	if (r->cfg.errors.n) {
		kmsg_log(&r->sr, 3, "%s has errors; binding nothing (first: %s)", r->config_path, r->cfg.errors.v[0]);
		o.disabled = true;
		o.disabled_why = "config error";
		struct config keep = r->cfg;
		config_init(&r->cfg, r->config_path);
		r->cfg.errors = keep.errors;
		free(keep.rules);
		free(keep.vf_macs);
	}
	if (scan(r) < 0) {
		kmsg_log(&r->sr, 3, "%s", r->notes.v[r->notes.n - 1]);
		goto out;
	}
	plan_all(r);
	if (r->cl.off) {
		o.disabled = true;
		o.disabled_why = "vfio-early.off on the kernel command line";
		kmsg_log(&r->sr, 5, "disabled by vfio-early.off on the kernel command line: binding nothing");
	} else if (!r->t.iommu && r->plan.n) {
		o.disabled = true;
		o.disabled_why = "no IOMMU";
		kmsg_log(&r->sr, 4, "no IOMMU groups (IOMMU off or absent): binding nothing; enable VT-d/AMD-Vi and add intel_iommu=on or amd_iommu=on");
	}
	o.dryrun = r->cl.dryrun;
	o.bind_timeout_ms = r->cfg.bind_timeout_ms;
	if (!o.disabled)
		apply_choose_drivers(&r->sr, &r->t, &r->plan, &r->aliases);
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
		report_kmsg(r);
out:
	r->t_end = now_us();
	if (o.disabled)
		kmsg_log(&r->sr, 6, "done in %llu us: bound nothing (%s); record in /%s", (unsigned long long)(r->t_end - r->t_start), o.disabled_why,
			 STATE_FILE);
	else {
		/* An SR-IOV step that failed (no PF driver, no VFs) is a failure
		 * like a group that did not bind: the summary counts both. A VF
		 * whose MAC did not take is bound all the same: said apart. */
		char vfid[64] = "";
		if (vfid_nfailed(&r->sp))
			(void)snprintf(vfid, sizeof(vfid), ", VF identity failed on %zu VF(s)", vfid_nfailed(&r->sp));
		kmsg_log(&r->sr, 6, "done in %llu us: %zu group(s) bound, %zu already, %zu refused, %zu failed%s%s%s; record in /%s",
			 (unsigned long long)(r->t_end - r->t_start), r->res.nbound, r->res.nalready, r->res.nrefused,
			 r->res.nfailed + sriov_nfailed(r->so, r->sp.n), sriov_nfailed(r->so, r->sp.n) ? " (SR-IOV steps included)" : "", vfid,
			 r->cl.dryrun ? " (dry run)" : "", STATE_FILE);
	}
	record_write(r);
	return EXIT_OK;
}

int run_protected(struct run *r)
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

int run_rom(struct run *r, const char *addr, const char *out, bool json)
{
	struct rom_opts o = { .addr = addr, .out = out, .json = json };
	return rom_command(&r->sr, r->sysroot_path, &o);
}

int run_status(struct run *r, bool json)
{
	(void)config_load(r);
	for (size_t i = 0; i < r->cfg.errors.n; i++)
		fprintf(stderr, "%s\n", r->cfg.errors.v[i]);
	if (scan_full(&r->sr, true, &r->t) < 0) {
		fprintf(stderr, "vfio-early: cannot read %s/sys/bus/pci/devices\n", r->sysroot_path);
		return EXIT_SYSTEM;
	}
	scan_selector_facts(&r->sr, config_selector_facts(&r->cfg), &r->t, &r->notes);
	if (!r->cfg.errors.n)
		plan_all(r);
	mdev_status_prepare(r);
	int s = status_show(r, json);
	return r->cfg.errors.n ? EXIT_CONFIG : s;
}

/* Read-only, like check, but about the host rather than the config: every
 * device, so the full scan, SR-IOV included (a VF's line is its PF's
 * sriov rule), and every selector fact (slots, paths, serial numbers). */
int run_list(struct run *r, bool json, bool tree)
{
	int e;

	protected_load(r, true);
	if ((e = scan_full(&r->sr, true, &r->t)) < 0) {
		fprintf(stderr, "vfio-early: %s/sys/bus/pci/devices: cannot read (%s); is sysfs mounted?\n", streq(r->sysroot_path, "/") ? "" : r->sysroot_path,
			strerror(-e));
		return EXIT_SYSTEM;
	}
	scan_selector_facts(&r->sr, FACT_ALL, &r->t, &r->notes);
	return list_show(r, json, tree);
}

void run_free(struct run *r)
{
	mdev_run_free(r);
	apply_result_free(&r->res);
	modaliases_free(&r->aliases);
	sriov_plan_free(&r->sp);
	free(r->so);
	plan_free(&r->plan);
	devtab_free(&r->t);
	protlist_free(&r->prot);
	sl_free(&r->notes);
	cmdline_free(&r->cl);
	config_free(&r->cfg);
	sysroot_close(&r->sr);
}
