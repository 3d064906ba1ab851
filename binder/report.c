/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Renders a run: the check table, the check/state JSON document. The JSON
 * schema is documented in vfio-early(8) and is stable: fields are added,
 * never renamed or removed, within one "schema" value. */
#include "report.h"
#include "apply_vfid.h"
#include "doctor.h"
#include "kmsg.h"
#include "report_mdev.h"
#include "snippets.h"

#include <string.h>

static const char *selected_by(const struct run *r, const struct plan_dev *pd, char *buf, size_t size)
{
	if (pd->by_cmdline)
		return "cmdline";
	if (pd->selected)
		(void)snprintf(buf, size, "%s:%u", r->cfg.path, pd->line);
	else
		(void)snprintf(buf, size, "group");
	return buf;
}

/* The vfio driver device k of g goes to: the one apply wrote to its
 * driver_override, else the one chosen (NULL: a variant whose module is not
 * loaded yet names its PCI driver only then). */
static const char *vfio_driver_of(const struct run *r, const struct plan_group *g, size_t k)
{
	const struct plan_dev *pd = &g->devs[k];

	if (r->have_res && r->res.g[g - r->plan.g].devs[k].vfio_driver[0])
		return r->res.g[g - r->plan.g].devs[k].vfio_driver;
	return pd->vfio.driver[0] ? pd->vfio.driver : NULL;
}

void report_json_ids(struct json *j, const struct pci_dev *d)
{
	json_hex(j, "vendor", d->vendor, 4);
	json_hex(j, "device", d->device, 4);
	json_hex(j, "subsystem_vendor", d->sub_vendor, 4);
	json_hex(j, "subsystem_device", d->sub_device, 4);
	json_hex(j, "class", d->class, 6);
	json_str(j, "class_name", pci_class_name(d->class));
}

static void json_device(const struct run *r, struct json *j, const struct plan_group *g, size_t k)
{
	const struct plan_dev *pd = &g->devs[k];
	const struct pci_dev *d = &r->t.v[pd->idx];
	char buf[256];

	json_begin_obj(j, NULL);
	json_str(j, "address", d->name);
	report_json_ids(j, d);
	if (d->group >= 0)
		json_int(j, "iommu_group", d->group);
	else
		json_null(j, "iommu_group");
	json_str(j, "driver", d->driver[0] ? d->driver : NULL);
	json_bool(j, "boot_vga", d->boot_vga == 1);
	json_bool(j, "bridge", pci_class_is_bridge(d->class));
	json_str(j, "action", dev_action_name(pd->act));
	json_str(j, "selected_by", selected_by(r, pd, buf, sizeof(buf)));
	json_str(j, "vfio_driver", vfio_driver_of(r, g, k));
	json_str(j, "vfio_module", pd->vfio.module[0] ? pd->vfio.module : NULL);
	json_str(j, "vfio_driver_why", vfio_why_text(&pd->vfio, buf, sizeof(buf)));
	if (r->doc)
		doctor_json_device(&r->doc->h, j, pd->idx);
	if (r->have_res) {
		const struct dev_outcome *o = &r->res.g[g - r->plan.g].devs[k];
		json_str(j, "result", dev_result_name(o->res));
		json_str(j, "driver_before", o->before_driver[0] ? o->before_driver : NULL);
		json_str(j, "driver_after", o->after_driver[0] ? o->after_driver : NULL);
		json_str(j, "error", o->error[0] ? o->error : NULL);
	}
	json_end_obj(j);
}

static void json_findings(const struct findings *f, struct json *j)
{
	for (size_t i = 0; i < f->n; i++) {
		json_begin_obj(j, NULL);
		json_str(j, "severity", severity_name(f->v[i].sev));
		json_str(j, "code", f->v[i].code);
		json_str(j, "subject", f->v[i].subject);
		json_str(j, "message", f->v[i].message);
		json_str(j, "remedy", f->v[i].remedy);
		json_end_obj(j);
	}
}

void report_json(const struct run *r, struct json *j)
{
	json_begin_obj(j, NULL);
	json_str(j, "schema", "vfio-early/1");
	json_str(j, "version", VFIO_EARLY_VERSION);
	json_str(j, "mode", r->mode);
	json_str(j, "sysroot", r->sysroot_path);
	json_str(j, "config", r->config_path);
	json_str(j, "kernel", r->t.kver[0] ? r->t.kver : NULL);
	json_begin_obj(j, "cmdline");
	json_bool(j, "off", r->cl.off);
	json_bool(j, "dryrun", r->cl.dryrun);
	json_int(j, "bind_rules", (long long)r->cl.nbind);
	json_end_obj(j);
	json_begin_arr(j, "config_errors");
	for (size_t i = 0; i < r->cfg.errors.n; i++)
		json_str(j, NULL, r->cfg.errors.v[i]);
	json_end_arr(j);
	json_begin_obj(j, "host");
	json_bool(j, "iommu", r->t.iommu);
	if (r->t.ngroups_known)
		json_int(j, "iommu_groups", (long long)r->t.ngroups);
	else
		json_null(j, "iommu_groups"); /* not counted: address-only scan */
	json_bool(j, "full_scan", r->t.full);
	json_int(j, "devices_scanned", (long long)r->t.n);
	if (r->doc)
		doctor_json_host(&r->doc->h, j);
	json_begin_arr(j, "findings");
	json_findings(&r->plan.findings, j);
	json_end_arr(j);
	json_begin_arr(j, "notes");
	for (size_t i = 0; i < r->notes.n; i++)
		json_str(j, NULL, r->notes.v[i]);
	for (size_t i = 0; i < r->t.problems.n; i++)
		json_str(j, NULL, r->t.problems.v[i]);
	for (size_t i = 0; i < r->cl.warnings.n; i++)
		json_str(j, NULL, r->cl.warnings.v[i]);
	json_end_arr(j);
	json_end_obj(j);
	json_begin_arr(j, "protected");
	for (size_t i = 0; i < r->prot.n; i++) {
		char a[PCI_ADDR_MAX];
		pci_addr_fmt(&r->prot.v[i].addr, a);
		json_begin_obj(j, NULL);
		json_str(j, "address", a);
		json_str(j, "reason", r->prot.v[i].why);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_begin_arr(j, "groups");
	for (size_t i = 0; i < r->plan.n; i++) {
		const struct plan_group *g = &r->plan.g[i];
		json_begin_obj(j, NULL);
		if (g->group >= 0)
			json_int(j, "iommu_group", g->group);
		else
			json_null(j, "iommu_group");
		json_str(j, "action", group_action_name(g->act));
		json_str(j, "reason", g->reason);
		json_begin_arr(j, "reasons");
		for (size_t k = 0; k < g->nwhy; k++) {
			json_begin_obj(j, NULL);
			json_str(j, "code", g->why[k].code);
			json_str(j, "device", r->t.v[g->why[k].idx].name);
			json_str(j, "message", g->why[k].message);
			json_end_obj(j);
		}
		json_end_arr(j);
		if (r->have_res) {
			json_str(j, "result", group_result_name(r->res.g[i].res));
			json_str(j, "message", r->res.g[i].message[0] ? r->res.g[i].message : NULL);
			json_int(j, "elapsed_us", (long long)r->res.g[i].elapsed_us);
		}
		json_begin_arr(j, "devices");
		for (size_t k = 0; k < g->n; k++)
			json_device(r, j, g, k);
		json_end_arr(j);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_begin_arr(j, "sriov");
	for (size_t i = 0; i < r->sp.n; i++) {
		const struct sriov_pf *x = &r->sp.v[i];
		const struct pci_dev *pf = &r->t.v[x->pf];
		json_begin_obj(j, NULL);
		json_str(j, "pf", pf->name);
		json_int(j, "rule_line", r->cfg.rules[x->rule].line);
		json_str(j, "pf_driver", pf->driver[0] ? pf->driver : NULL);
		json_bool(j, "pf_to_vfio", x->pf_to_vfio);
		json_int(j, "sriov_totalvfs", pf->sriov_total);
		json_int(j, "numvfs_requested", x->numvfs);
		json_int(j, "numvfs_before", r->so ? r->so[i].numvfs_before : pf->sriov_num);
		json_str(j, "action", x->refused ? "refuse" : "create");
		json_str(j, "reason", x->refused ? x->reason : NULL);
		vfid_json_pf(j, &x->id);
		if (r->so) {
			json_str(j, "result", sriov_result_name(r->so[i].res));
			json_str(j, "message", r->so[i].message[0] ? r->so[i].message : NULL);
			json_int(j, "elapsed_us", (long long)r->so[i].elapsed_us);
		}
		json_begin_arr(j, "vfs");
		for (size_t k = 0; k < x->nvfs; k++) {
			json_begin_obj(j, NULL);
			json_int(j, "index", (long long)k);
			json_str(j, "address", x->vfs[k].name);
			json_str(j, "to", x->vfs[k].to_vfio ? "vfio-pci" : "host");
			json_bool(j, "exists", x->vfs[k].exists);
			vfid_json_vf(j, &x->vfs[k].id, r->so != NULL);
			json_end_obj(j);
		}
		json_end_arr(j);
		json_end_obj(j);
	}
	json_end_arr(j);
	mdev_report_json(r, j);
	if (r->doc)
		snippets_json(&r->doc->s, j);
	json_begin_obj(j, "summary");
	json_int(j, "groups_to_bind", (long long)r->plan.nbind);
	json_int(j, "groups_already_bound", (long long)r->plan.nalready);
	json_int(j, "groups_refused", (long long)r->plan.nrefused);
	if (r->have_res) {
		json_int(j, "groups_bound", (long long)r->res.nbound);
		json_int(j, "groups_failed", (long long)r->res.nfailed);
		json_int(j, "sriov_failed", (long long)sriov_nfailed(r->so, r->sp.n));
		json_int(j, "vf_identity_failed", (long long)vfid_nfailed(&r->sp));
		json_str(j, "vfio_load_error", r->res.load_error[0] ? r->res.load_error : NULL);
		json_int(j, "start_monotonic_us", (long long)r->t_start);
	}
	json_int(j, "elapsed_us", (long long)(r->t_end - r->t_start));
	json_end_obj(j);
	json_end_obj(j);
}

static const char *dev_reason(const struct run *r, const struct plan_group *g, const struct plan_dev *pd, char *buf, size_t size)
{
	const struct refusal *x = plan_refusal(g, pd->idx);

	if (x)
		return streq(x->code, "unnamed") ? "no rule names it (see below)" : x->message;
	if (pd->by_cmdline)
		return "selected on the kernel command line";
	switch (pd->act) {
	case DA_BIND:
	case DA_KEEP:
		if (pd->selected)
			(void)snprintf(buf, size, "selected (%s:%u)", r->cfg.path, pd->line);
		else if (pci_class_is_bridge(r->t.v[pd->idx].class))
			(void)snprintf(buf, size, "bridge: stays as it is");
		else
			(void)snprintf(buf, size, "another function of the selected card");
		return buf;
	case DA_ALREADY: (void)snprintf(buf, size, "already on %s", r->t.v[pd->idx].driver); return buf;
	case DA_SKIP_BRIDGE: return "bridge: stays as it is";
	}
	return "";
}

/* A refused group, every reason; the unnamed devices with the lines to
 * paste and the ways on. */
static void refused_text(const struct run *r, const struct plan_group *g, FILE *out)
{
	size_t unnamed = 0;

	if (g->group >= 0)
		fprintf(out, "\nIOMMU group %d is refused:\n", g->group);
	else
		fprintf(out, "\nrefused:\n");
	for (size_t k = 0; k < g->nwhy; k++) {
		if (streq(g->why[k].code, "unnamed"))
			unnamed++;
		else
			fprintf(out, "  - %s\n", g->why[k].message);
	}
	if (!unnamed)
		return;
	fprintf(out, "  - it also holds %zu device(s) no rule names; binding the group would take them from the host:\n", unnamed);
	for (size_t k = 0; k < g->nwhy; k++) {
		const struct pci_dev *d = &r->t.v[g->why[k].idx];
		if (streq(g->why[k].code, "unnamed"))
			fprintf(out, "      %s  %04x:%04x  %s, %s\n", d->name, d->vendor, d->device, pci_class_noun(d->class),
				d->driver[0] ? d->driver : "no driver");
	}
	fprintf(out, "    to pass them too, add to %s:\n", r->cfg.path);
	for (size_t k = 0; k < g->nwhy; k++)
		if (streq(g->why[k].code, "unnamed"))
			fprintf(out, "      bind %s\n", r->t.v[g->why[k].idx].name);
	fprintf(out, "    or move the card to a slot with its own IOMMU group; pcie_acs_override only hides the sharing (the devices can still\n"
		     "    reach each other's memory): a security trade-off, never a fix\n");
}

/* Which vfio driver each device goes to, when any is not plain vfio-pci
 * (a variant, a rule's driver=) or no variant could be looked up. */
static void vfio_drivers_text(const struct run *r, FILE *out)
{
	bool show = false;
	char why[192];

	for (size_t i = 0; i < r->plan.n; i++)
		for (size_t k = 0; k < r->plan.g[i].n; k++) {
			const struct vfio_choice *c = &r->plan.g[i].devs[k].vfio;
			show |= c->why == VW_VARIANT || c->why == VW_RULE || c->note[0] || (c->why == VW_ALREADY && !streq(c->driver, VFIO_GENERIC_DRIVER));
		}
	if (!show)
		return;
	fprintf(out, "\nvfio drivers:\n");
	for (size_t i = 0; i < r->plan.n; i++)
		for (size_t k = 0; k < r->plan.g[i].n; k++) {
			const struct plan_dev *pd = &r->plan.g[i].devs[k];
			const struct vfio_choice *c = &pd->vfio;
			if (c->why == VW_NONE)
				continue;
			fprintf(out, "  %-12s  ", r->t.v[pd->idx].name);
			if (c->driver[0])
				fprintf(out, "%-20s", c->driver);
			else
				fprintf(out, "module %s (its PCI driver name shows once it is loaded)", c->module);
			fprintf(out, "  %s", vfio_why_text(c, why, sizeof(why)));
			if (c->why == VW_VARIANT && c->driver[0])
				fprintf(out, " (module %s)", c->module);
			if (c->note[0])
				fprintf(out, "; %s", c->note);
			fprintf(out, "\n");
		}
}

void report_table(const struct run *r, FILE *out)
{
	char buf[400];

	fprintf(out, "vfio-early %s: config %s, sysroot %s, kernel %s\n", r->mode, r->config_path, r->sysroot_path,
		r->t.kver[0] ? r->t.kver : "unknown (no proc/sys/kernel/osrelease, not one lib/modules entry)");
	fprintf(out, "IOMMU: %s", r->t.iommu ? "on" : "OFF");
	if (r->t.iommu && r->t.ngroups_known)
		fprintf(out, " (%zu groups)", r->t.ngroups);
	fprintf(out, "\n");
	if (r->doc) {
		struct strbuf sb = { 0 };
		doctor_text(&r->doc->h, &sb);
		fputs(sb.s, out);
		sb_free(&sb);
	}
	for (size_t i = 0; i < r->prot.n; i++) {
		char a[PCI_ADDR_MAX];
		pci_addr_fmt(&r->prot.v[i].addr, a);
		fprintf(out, "protected: %s  %s\n", a, r->prot.v[i].why);
	}
	if (r->cfg.errors.n) {
		for (size_t i = 0; i < r->cfg.errors.n; i++)
			fprintf(out, "%s\n", r->cfg.errors.v[i]);
		fprintf(out, "config error: nothing would be bound until %s parses\n", r->config_path);
	}
	if (r->plan.n) {
		fprintf(out, "\n%-5s  %-12s  %-9s  %-9s  %-6s  %-14s  %-13s  %s\n", "GROUP", "DEVICE", "IDS", "SUBSYS", "CLASS", "DRIVER", "ACTION", "REASON");
	}
	for (size_t i = 0; i < r->plan.n; i++) {
		const struct plan_group *g = &r->plan.g[i];
		for (size_t k = 0; k < g->n; k++) {
			const struct plan_dev *pd = &g->devs[k];
			const struct pci_dev *d = &r->t.v[pd->idx];
			char grp[16], ids[16], sub[16];
			(void)snprintf(grp, sizeof(grp), g->group >= 0 ? "%d" : "-", g->group);
			(void)snprintf(ids, sizeof(ids), "%04x:%04x", d->vendor, d->device);
			(void)snprintf(sub, sizeof(sub), "%04x:%04x", d->sub_vendor, d->sub_device);
			fprintf(out, "%-5s  %-12s  %-9s  %-9s  %06x  %-14s  %-13s  %s\n", grp, d->name, ids, sub, d->class, d->driver[0] ? d->driver : "-",
				g->act == GA_REFUSE ? "REFUSE" : dev_action_name(pd->act), dev_reason(r, g, pd, buf, sizeof(buf)));
		}
	}
	vfio_drivers_text(r, out);
	for (size_t i = 0; i < r->plan.n; i++) {
		const struct plan_group *g = &r->plan.g[i];
		if (g->act == GA_REFUSE)
			refused_text(r, g, out);
	}
	for (size_t i = 0; i < r->sp.n; i++) {
		const struct sriov_pf *x = &r->sp.v[i];
		const struct pci_dev *pf = &r->t.v[x->pf];
		fprintf(out, "\nSR-IOV %s (%04x:%04x, driver %s, %d VFs max, %d now): ", pf->name, pf->vendor, pf->device, pf->driver[0] ? pf->driver : "none",
			pf->sriov_total, pf->sriov_num);
		if (x->refused) {
			fprintf(out, "REFUSE: %s\n", x->reason);
			continue;
		}
		fprintf(out, "%s %u VF(s)%s\n", pf->sriov_num == (int)x->numvfs ? "keep" : "create", x->numvfs,
			x->pf_to_vfio ? " (PF on vfio-pci, enable_sriov=1)" : "");
		for (size_t k = 0; k < x->nvfs; k++) {
			struct strbuf id = { 0 };
			vf_ident_text(&x->vfs[k].id.want, &id);
			fprintf(out, "  VF %zu  %s  -> %s%s%s%s\n", k, x->vfs[k].name, x->vfs[k].to_vfio ? "vfio-pci" : "host driver",
				x->vfs[k].exists ? "" : " (created at boot)", id.len ? "; " : "", id.len ? id.s : "");
			sb_free(&id);
		}
		struct strbuf idl = { 0 };
		vfid_pf_text(&x->id, &idl);
		fputs(idl.s ? idl.s : "", out);
		sb_free(&idl);
	}
	mdev_report_table(r, out);
	if (r->plan.findings.n)
		fprintf(out, "\n");
	for (size_t i = 0; i < r->plan.findings.n; i++) {
		const struct finding *f = &r->plan.findings.v[i];
		fprintf(out, "%s: %s\n", severity_name(f->sev), f->message);
		if (f->remedy)
			fprintf(out, "  fix: %s\n", f->remedy);
	}
	for (size_t i = 0; i < r->notes.n; i++)
		fprintf(out, "note: %s\n", r->notes.v[i]);
	for (size_t i = 0; i < r->t.problems.n; i++)
		fprintf(out, "note: %s\n", r->t.problems.v[i]);
	for (size_t i = 0; i < r->cl.warnings.n; i++)
		fprintf(out, "note: %s\n", r->cl.warnings.v[i]);
	if (r->doc) {
		struct strbuf sb = { 0 };
		snippets_text(&r->doc->s, &sb);
		if (sb.s)
			fputs(sb.s, out);
		sb_free(&sb);
	}
	fprintf(out, "\n%zu group(s) would be bound, %zu already bound, %zu refused.\n", r->plan.nbind, r->plan.nalready, r->plan.nrefused);
}

/* apply's kernel log lines (/dev/kmsg is rate-limited: a line a PF and a
 * group; the whole story is in the record). */
/* True when every endpoint of g goes to plain vfio-pci (today's line). */
static bool all_generic(const struct plan_group *g)
{
	for (size_t k = 0; k < g->n; k++) {
		const struct vfio_choice *c = &g->devs[k].vfio;
		if (c->why == VW_VARIANT || c->why == VW_RULE || (c->why == VW_ALREADY && !streq(c->driver, VFIO_GENERIC_DRIVER)))
			return false;
	}
	return true;
}

/* The devices of a group; with drivers (to_each) each one's vfio driver and
 * why ("to vfiotest-vfio-pci (variant matched vfio_pci:v...)"). */
static void group_devices(const struct run *r, const struct plan_group *g, const struct group_outcome *go, bool to_each, struct strbuf *sb)
{
	char why[192];

	for (size_t k = 0, n = 0; k < g->n; k++) {
		const struct plan_dev *pd = &g->devs[k];
		const struct pci_dev *d = &r->t.v[pd->idx];
		const char *drv = go && go->devs[k].vfio_driver[0] ? go->devs[k].vfio_driver : pd->vfio.driver[0] ? pd->vfio.driver : pd->vfio.module;
		if (pd->act == DA_SKIP_BRIDGE)
			continue;
		sb_printf(sb, "%s %s", to_each && n++ ? "," : "", d->name);
		if (!pd->selected)
			sb_puts(sb, " (group member)");
		if (to_each && pd->vfio.why != VW_NONE)
			sb_printf(sb, " to %s (%s)", drv, vfio_why_text(&pd->vfio, why, sizeof(why)));
		if (go && go->devs[k].res == DR_DIRTY)
			sb_printf(sb, " (NOT restored: driver %s)", go->devs[k].after_driver[0] ? go->devs[k].after_driver : "none");
	}
}

static void log_sriov(const struct run *r)
{
	for (size_t i = 0; r->so && i < r->sp.n; i++) {
		const struct sriov_pf *x = &r->sp.v[i];
		const struct sriov_outcome *o = &r->so[i];
		const char *pf = r->t.v[x->pf].name;
		struct strbuf sb = { 0 };
		for (size_t k = 0; k < x->nvfs; k++)
			if (x->vfs[k].exists)
				sb_printf(&sb, " %s%s", x->vfs[k].name, x->vfs[k].to_vfio ? "" : "(host)");
		switch (o->res) {
		case SR_CREATED:
		case SR_UNCHANGED:
			kmsg_log(&r->sr, 6, "sriov %s: %u VF(s) %s in %llu us:%s", pf, x->numvfs, o->res == SR_CREATED ? "created" : "present",
				 (unsigned long long)o->elapsed_us, sb.s ? sb.s : "");
			break;
		case SR_FAILED: kmsg_log(&r->sr, 3, "sriov %s: FAILED: %s", pf, o->message); break;
		case SR_REFUSED: kmsg_log(&r->sr, 3, "sriov %s: refused: %s", pf, o->message); break;
		case SR_DRYRUN: kmsg_log(&r->sr, 6, "sriov %s: dry run: would create %u VF(s)", pf, x->numvfs); break;
		case SR_DISABLED: break;
		}
		vfid_kmsg(&r->sr, &r->t.v[x->pf], x);
		sb_free(&sb);
	}
}

/* One reason: the whole sentence. Several: each code with its devices
 * (a kernel log line holds ~900 bytes; check and the record say it all). */
static void refused_kmsg(const struct run *r, const struct plan_group *g, struct strbuf *sb)
{
	if (g->nwhy == 1) {
		sb_puts(sb, g->why[0].message);
		return;
	}
	sb_printf(sb, "%zu reasons:", g->nwhy);
	for (size_t k = 0; k < g->nwhy; k++) {
		size_t m = 0;
		while (m < k && !streq(g->why[m].code, g->why[k].code))
			m++;
		if (m < k)
			continue; /* this code is listed already */
		sb_printf(sb, "%s %s", k ? ";" : "", g->why[k].code);
		for (size_t j = k; j < g->nwhy; j++)
			if (streq(g->why[j].code, g->why[k].code))
				sb_printf(sb, " %s", r->t.v[g->why[j].idx].name);
	}
	sb_puts(sb, " (vfio-early check tells why and what to do)");
}

void report_kmsg(const struct run *r)
{
	log_sriov(r);
	for (size_t i = 0; i < r->plan.n; i++) {
		const struct plan_group *g = &r->plan.g[i];
		const struct group_outcome *go = &r->res.g[i];
		struct strbuf sb = { 0 };
		char grp[24];

		(void)snprintf(grp, sizeof(grp), g->group >= 0 ? "group %d" : "no group", g->group);
		switch (go->res) {
		case GR_BOUND:
			group_devices(r, g, go, !all_generic(g), &sb);
			kmsg_log(&r->sr, 6, "%s: bound%s%s (%llu us)", grp, sb.s, all_generic(g) ? " to vfio-pci" : "", (unsigned long long)go->elapsed_us);
			break;
		case GR_ALREADY:
			group_devices(r, g, NULL, !all_generic(g), &sb);
			kmsg_log(&r->sr, 6, "%s: already on %s:%s", grp, all_generic(g) ? "vfio-pci" : "vfio drivers", sb.s);
			break;
		case GR_REFUSED:
			refused_kmsg(r, g, &sb);
			kmsg_log(&r->sr, 4, "%s: refused: %s; left as is", grp, sb.s);
			break;
		case GR_FAILED:
			group_devices(r, g, go, false, &sb);
			kmsg_log(&r->sr, 3, "%s: FAILED: %s; %s:%s", grp, go->message,
				 sb.s && strstr(sb.s, "(NOT restored") ? "group NOT fully put back" : "group put back as it was", sb.s);
			break;
		case GR_DRYRUN:
			group_devices(r, g, NULL, !all_generic(g), &sb);
			kmsg_log(&r->sr, 6, "%s: dry run: would bind%s", grp, sb.s);
			break;
		case GR_DISABLED: break;
		}
		sb_free(&sb);
	}
}
