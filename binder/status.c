/* SPDX-License-Identifier: GPL-2.0-or-later */
/* status: on the booted host, what is on vfio-pci, against the config and
 * the record boot left in /run/vfio-early/state.json. */
#include "run.h"

#include <stdlib.h>
#include <string.h>

struct recorded {
	char addr[PCI_ADDR_MAX];
	char result[24];
};

/* The record is our own output (report.c, pretty-printed): every device
 * object has "address" before "result" and no nested objects. */
static size_t read_record(const struct run *r, struct recorded **ret, bool *found, char **ret_text)
{
	char *text = NULL, *groups, *p;
	struct recorded *v = NULL;
	size_t n = 0, cap = 0;

	*found = sr_read_all(&r->sr, STATE_FILE, 16 << 20, &text, NULL) == 0;
	if (!*found)
		return 0;
	groups = strstr(text, "\"groups\":");
	for (p = groups; p && (p = strstr(p, "\"address\": \"")); p++) {
		char *end = strchr(p, '}'), *res;
		struct recorded x = { 0 };
		if (!end)
			break;
		copy_until(x.addr, sizeof(x.addr), p + 12, '"');
		res = strstr(p, "\"result\": \"");
		if (res && res < end)
			copy_until(x.result, sizeof(x.result), res + 11, '"');
		GROW(v, cap, n);
		v[n++] = x;
	}
	*ret_text = text;
	*ret = v;
	return n;
}

/* The record's "result" of the SR-IOV step for PF, "-" when none. The
 * "sriov" array comes after "groups"; each PF object starts with "pf". */
static const char *recorded_sriov(const char *text, const char *pf)
{
	static char res[24];
	char key[PCI_ADDR_MAX + 16];
	const char *p = text ? strstr(text, "\"sriov\": [") : NULL;

	(void)snprintf(key, sizeof(key), "\"pf\": \"%s\"", pf);
	if (!p || !(p = strstr(p, key)) || !(p = strstr(p, "\"result\": \"")))
		return "-";
	copy_until(res, sizeof(res), p + 11, '"');
	return res;
}

static const char *recorded_result(const struct recorded *v, size_t n, const char *addr)
{
	for (size_t i = 0; i < n; i++)
		if (streq(v[i].addr, addr))
			return v[i].result[0] ? v[i].result : "-";
	return "-";
}

int cmd_status(struct run *r, bool json)
{
	struct recorded *rec = NULL;
	char *text = NULL;
	bool found;
	size_t nrec = read_record(r, &rec, &found, &text);
	size_t mismatches = 0, extra = 0;
	struct json j = { .pretty = true };

	if (json) {
		json_begin_obj(&j, NULL);
		json_str(&j, "schema", "vfio-early-status/1");
		json_bool(&j, "record_found", found);
		json_begin_arr(&j, "devices");
	} else {
		printf("vfio-early status: config %s, record %s\n\n", r->config_path, found ? "/" STATE_FILE : "none (not booted with vfio-early?)");
		printf("%-12s  %-5s  %-9s  %-14s  %-8s  %-14s  %s\n", "DEVICE", "GROUP", "IDS", "DRIVER", "CONFIG", "BOOT", "STATE");
	}
	for (size_t i = 0; i < r->t.n; i++) {
		const struct pci_dev *d = &r->t.v[i];
		const struct plan_dev *pd = NULL;
		const struct plan_group *pg = NULL;
		const char *want, *state;
		bool on = streq(d->driver, "vfio-pci");

		for (size_t g = 0; g < r->plan.n && !pd; g++)
			for (size_t k = 0; k < r->plan.g[g].n; k++)
				if (r->plan.g[g].devs[k].idx == i) {
					pd = &r->plan.g[g].devs[k];
					pg = &r->plan.g[g];
				}
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
		(void)pg;
		if (json) {
			json_begin_obj(&j, NULL);
			json_str(&j, "address", d->name);
			json_int(&j, "iommu_group", d->group);
			json_hex(&j, "vendor", d->vendor, 4);
			json_hex(&j, "device", d->device, 4);
			json_str(&j, "driver", d->driver[0] ? d->driver : NULL);
			json_str(&j, "config", want);
			json_str(&j, "boot", recorded_result(rec, nrec, d->name));
			json_str(&j, "state", state);
			json_end_obj(&j);
		} else {
			char ids[16];
			(void)snprintf(ids, sizeof(ids), "%04x:%04x", d->vendor, d->device);
			printf("%-12s  %-5d  %-9s  %-14s  %-8s  %-14s  %s\n", d->name, d->group, ids, d->driver[0] ? d->driver : "-", want,
			       recorded_result(rec, nrec, d->name), state);
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
		const char *boot = recorded_sriov(text, pf->name);
		bool ok = x->refused || pf->sriov_num == (int)x->numvfs;
		mismatches += !ok;
		if (json) {
			json_begin_obj(&j, NULL);
			json_str(&j, "pf", pf->name);
			json_int(&j, "numvfs", pf->sriov_num);
			json_int(&j, "numvfs_config", x->numvfs);
			json_str(&j, "boot", boot);
			json_str(&j, "state", x->refused ? "refused" : ok ? "ok" : "MISMATCH");
			json_end_obj(&j);
		} else {
			printf("%-12s  %-8d  %-8u  %-14s  %s\n", pf->name, pf->sriov_num, x->numvfs, boot, x->refused ? "refused" : ok ? "ok" : "MISMATCH");
		}
	}
	if (json) {
		json_end_arr(&j);
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
	free(rec);
	free(text);
	return mismatches ? EXIT_REFUSED : EXIT_OK;
}
