/* SPDX-License-Identifier: GPL-2.0-or-later */
/* status: on the booted host, what is on vfio-pci, against the config and
 * the record boot left in /run/vfio-early/state.json. */
#include "status.h"
#include "apply_vfid.h"
#include "record.h"
#include "report_mdev.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

/* The record's field (e.g. "result") of the device at addr
 * (groups[].devices[]), or of the SR-IOV step of the PF at addr (sriov[]);
 * "-" when it has none. */
static const char *recorded_field(const struct jv *rec, const char *addr, bool sriov, const char *field)
{
	const struct jv *arr = jv_get(rec, sriov ? "sriov" : "groups");
	const char *res = NULL;

	for (size_t i = 0; i < jv_len(arr); i++) {
		const struct jv *g = jv_at(arr, i);
		if (sriov) {
			if (jv_str(jv_get(g, "pf")) && streq(jv_str(jv_get(g, "pf")), addr))
				res = jv_str(jv_get(g, field));
			continue;
		}
		const struct jv *devs = jv_get(g, "devices");
		for (size_t k = 0; k < jv_len(devs); k++) {
			const struct jv *d = jv_at(devs, k);
			if (jv_str(jv_get(d, "address")) && streq(jv_str(jv_get(d, "address")), addr))
				res = jv_str(jv_get(d, field));
		}
	}
	return res ? res : "-";
}

static const char *recorded(const struct jv *rec, const char *addr, bool sriov)
{
	return recorded_field(rec, addr, sriov, "result");
}

int status_show(const struct run *r, bool json)
{
	char err[160] = "";
	bool found;
	struct jv *rec = record_read(&r->sr, &found, err, sizeof(err));
	size_t mismatches = 0, extra = 0;
	struct json j = { .pretty = true };

	if (json) {
		json_begin_obj(&j, NULL);
		json_str(&j, "schema", "vfio-early-status/1");
		json_bool(&j, "record_found", found);
		json_str(&j, "record_error", rec || !found ? NULL : err);
		json_begin_arr(&j, "devices");
	} else {
		printf("vfio-early status: config %s, record %s\n", r->config_path, found ? "/" STATE_FILE : "none (not booted with vfio-early?)");
		if (found && !rec)
			printf("record unreadable: %s\n", err);
		printf("\n");
		printf("%-12s  %-5s  %-9s  %-14s  %-8s  %-14s  %s\n", "DEVICE", "GROUP", "IDS", "DRIVER", "CONFIG", "BOOT", "STATE");
	}
	for (size_t i = 0; i < r->t.n; i++) {
		const struct pci_dev *d = &r->t.v[i];
		const struct plan_dev *pd = NULL;
		const char *want, *state;
		bool on = pci_driver_is_vfio(d->driver); /* vfio-pci or a variant */
		const char *why = recorded_field(rec, d->name, false, "vfio_driver_why");

		for (size_t g = 0; g < r->plan.n && !pd; g++)
			for (size_t k = 0; k < r->plan.g[g].n; k++)
				if (r->plan.g[g].devs[k].idx == i)
					pd = &r->plan.g[g].devs[k];
		if (!on && !pd)
			continue;
		want = !pd ? "-" : (pd->act == DA_BIND || pd->act == DA_ALREADY) ? "vfio-pci" : pd->act == DA_SKIP_BRIDGE ? "bridge" : "refused";
		if (streq(want, "vfio-pci"))
			state = on ? "ok" : "MISMATCH";
		else if (on)
			state = pd ? "MISMATCH" : "not in config";
		else
			state = "ok";
		if (streq(state, "MISMATCH"))
			mismatches++;
		if (!pd && on)
			extra++;
		if (json) {
			json_begin_obj(&j, NULL);
			json_str(&j, "address", d->name);
			json_int(&j, "iommu_group", d->group);
			json_hex(&j, "vendor", d->vendor, 4);
			json_hex(&j, "device", d->device, 4);
			json_str(&j, "driver", d->driver[0] ? d->driver : NULL);
			json_str(&j, "config", want);
			json_str(&j, "boot", recorded(rec, d->name, false));
			json_str(&j, "state", state);
			json_str(&j, "vfio_driver_why", streq(why, "-") ? NULL : why);
			json_end_obj(&j);
		} else {
			char ids[16];
			(void)snprintf(ids, sizeof(ids), "%04x:%04x", d->vendor, d->device);
			printf("%-12s  %-5d  %-9s  %-14s  %-8s  %-14s  %s", d->name, d->group, ids, d->driver[0] ? d->driver : "-", want,
			       recorded(rec, d->name, false), state);
			/* Why boot chose a driver other than plain vfio-pci. */
			if (!streq(why, "-") && !streq(why, "generic") && !(streq(why, "already bound") && streq(d->driver, VFIO_GENERIC_DRIVER)))
				printf("  (%s)", why);
			printf("\n");
		}
	}
	/* SR-IOV: VFs that exist are devices above; VFs that were never
	 * created (PF driver missing, numvfs refused) show only here. */
	if (json) {
		json_end_arr(&j);
		json_begin_arr(&j, "sriov");
	} else if (r->sp.n) {
		printf("\n%-12s  %-8s  %-8s  %-14s  %s\n", "SR-IOV PF", "NUMVFS", "CONFIG", "BOOT", "STATE");
	}
	for (size_t i = 0; i < r->sp.n; i++) {
		const struct sriov_pf *x = &r->sp.v[i];
		const struct pci_dev *pf = &r->t.v[x->pf];
		const char *boot = recorded(rec, pf->name, true);
		bool ok = x->refused || pf->sriov_num == (int)x->numvfs;
		mismatches += !ok;
		if (json) {
			json_begin_obj(&j, NULL);
			json_str(&j, "pf", pf->name);
			json_int(&j, "numvfs", pf->sriov_num);
			json_int(&j, "numvfs_config", x->numvfs);
			json_str(&j, "boot", boot);
			json_str(&j, "state", x->refused ? "refused" : ok ? "ok" : "MISMATCH");
			mismatches += vfid_status(&r->sr, pf, x, rec, &j);
			json_end_obj(&j);
		} else {
			printf("%-12s  %-8d  %-8u  %-14s  %s\n", pf->name, pf->sriov_num, x->numvfs, boot, x->refused ? "refused" : ok ? "ok" : "MISMATCH");
			mismatches += vfid_status(&r->sr, pf, x, rec, NULL);
		}
	}
	if (json)
		json_end_arr(&j);
	mismatches += mdev_status_show(r, json ? &j : NULL);
	if (json) {
		json_int(&j, "mismatches", (long long)mismatches);
		json_int(&j, "bound_outside_config", (long long)extra);
		json_end_obj(&j);
		fputs(j.sb.s, stdout);
		sb_free(&j.sb);
	} else {
		printf("\n%zu mismatch(es)", mismatches);
		if (extra)
			printf(", %zu device(s) on vfio-pci not named by the config", extra);
		printf(".\n");
		if (mismatches)
			printf("fix: run 'vfio-early check' to see why, then rebuild the initramfs (update-initramfs -u / dracut -f) and reboot\n");
	}
	jv_free(rec);
	return mismatches ? EXIT_REFUSED : EXIT_OK;
}
