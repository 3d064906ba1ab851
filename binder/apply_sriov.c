/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per PF: its driver bound (sriov_numvfs exists only then), VF autoprobe
 * off so no VF driver grabs them, numvfs 0 then N, every virtfnK waited
 * for. The VFs are then bound group by group like any device, and
 * sriov_finish() puts autoprobe back. Nothing here stops the boot. */
#include "apply_sriov.h"
#include "apply_vfid.h"
#include "modload.h"
#include "scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sriov_result_name(enum sriov_result r)
{
	static const char *const n[] = { "created", "unchanged", "failed", "refused", "dry-run", "disabled" };
	return n[r];
}

size_t sriov_nfailed(const struct sriov_outcome *out, size_t n)
{
	size_t failed = 0;
	for (size_t i = 0; out && i < n; i++)
		failed += out[i].res == SR_FAILED;
	return failed;
}

static void failf(struct sriov_outcome *o, const char *fmt, ...) PRINTF(2, 3);
static void failf(struct sriov_outcome *o, const char *fmt, ...)
{
	va_list ap;
	o->res = SR_FAILED;
	va_start(ap, fmt);
	(void)vsnprintf(o->message, sizeof(o->message), fmt, ap);
	va_end(ap);
}

static bool pf_has_driver(const struct sysroot *sr, const char *pf, char *drv, size_t size)
{
	return scan_driver(sr, pf, drv, size) == 0 && drv[0];
}

struct pf_wait {
	const struct sysroot *sr;
	const char *pf;
};

static bool pf_bound(void *arg)
{
	const struct pf_wait *w = arg;
	char drv[DRV_MAX];
	return pf_has_driver(w->sr, w->pf, drv, sizeof(drv));
}

/* The PF's own driver, loaded by modalias through libkmod if needed,
 * then probed; bounded wait for the driver link. */
static int ensure_pf_driver(const struct sysroot *sr, const struct devtab *t, const struct pci_dev *pf, unsigned timeout_ms, struct sriov_outcome *o)
{
	struct pf_wait w = { sr, pf->name };
	char err[256] = "";

	if (pf_bound(&w))
		return 0;
	if (!pf->modalias[0]) {
		failf(o, "%s has no driver and no modalias to load one by", pf->name);
		return -ENOENT;
	}
	if (modload(sr, t->kver, pf->modalias, NULL, err, sizeof(err)) < 0) {
		failf(o, "%s has no driver and loading one failed: %s", pf->name, err);
		return -ENOENT;
	}
	(void)sr_probe(sr, pf->name);
	if (!wait_until(timeout_ms, pf_bound, &w)) {
		failf(o, "%s: no driver bound within %u ms after loading its module; sriov_numvfs needs one", pf->name, timeout_ms);
		return -ETIMEDOUT;
	}
	return 0;
}

struct vf_wait {
	const struct sysroot *sr;
	const struct pci_dev *pf;
	struct sriov_pf *x;
};

/* Every virtfnK link there; the kernel's addresses over our prediction. */
static bool vfs_present(void *arg)
{
	struct vf_wait *w = arg;
	size_t have = 0;

	for (size_t k = 0; k < w->x->nvfs; k++) {
		char attr[32], link[64];
		struct pci_addr a;
		(void)snprintf(attr, sizeof(attr), "virtfn%zu", k);
		if (sr_dev_link(w->sr, w->pf->name, attr, link, sizeof(link)) == 0 && pci_addr_parse(link, &a, NULL) == 0) {
			w->x->vfs[k].addr = a;
			pci_addr_fmt(&a, w->x->vfs[k].name);
			w->x->vfs[k].exists = true;
			have++;
		}
	}
	return have == w->x->nvfs;
}

static int set_autoprobe(const struct sysroot *sr, const struct pci_dev *pf, const char *val)
{
	return sr_dev_write(sr, pf->name, "sriov_drivers_autoprobe", val);
}

/* What the PF's autoprobe was before: "0" only when it was off. */
static const char *autoprobe_before(const struct pci_dev *pf)
{
	return pf->sriov_autoprobe == 0 ? "0" : "1";
}

static void one_pf(const struct sysroot *sr, const struct devtab *t, struct sriov_pf *x, unsigned timeout_ms, struct sriov_outcome *o)
{
	const struct pci_dev *pf = &t->v[x->pf];
	char num[16], cur[16];
	int r;

	if (x->pf_to_vfio) {
		char drv[DRV_MAX];
		if (!pf_has_driver(sr, pf->name, drv, sizeof(drv)) || !streq(drv, "vfio-pci")) {
			failf(o, "%s should be on vfio-pci (loaded with enable_sriov=1) to create VFs, but is on %s", pf->name, drv[0] ? drv : "no driver");
			return;
		}
	} else if (ensure_pf_driver(sr, t, pf, timeout_ms, o) < 0) {
		return;
	}
	if (sr_dev_read(sr, pf->name, "sriov_numvfs", cur, sizeof(cur)) < 0) {
		failf(o, "%s: sriov_numvfs unreadable although a driver is bound", pf->name);
		return;
	}
	o->numvfs_before = (int)strtol(cur, NULL, 10);
	/* Autoprobe off first: created VFs stay driverless until we bind them. */
	r = set_autoprobe(sr, pf, "0");
	if (r < 0) {
		failf(o, "%s: cannot turn off sriov_drivers_autoprobe (%s)", pf->name, strerror(-r));
		return;
	}
	(void)snprintf(num, sizeof(num), "%u", x->numvfs);
	if (!streq(cur, num)) {
		/* The kernel refuses N -> M with EBUSY: go through 0. */
		if (!streq(cur, "0") && (r = sr_dev_write(sr, pf->name, "sriov_numvfs", "0")) < 0) {
			failf(o, "%s: writing 0 to sriov_numvfs failed (%s); VFs in use?", pf->name, strerror(-r));
			goto restore;
		}
		if ((r = sr_dev_write(sr, pf->name, "sriov_numvfs", num)) < 0) {
			failf(o, "%s: writing %s to sriov_numvfs failed (%s)", pf->name, num, strerror(-r));
			goto restore;
		}
		o->res = SR_CREATED;
	} else {
		o->res = SR_UNCHANGED;
	}
	if (!wait_until(timeout_ms, vfs_present, &(struct vf_wait){ sr, pf, x })) {
		failf(o, "%s: %u VFs asked, not all virtfn links appeared within %u ms", pf->name, x->numvfs, timeout_ms);
		goto restore;
	}
	(void)snprintf(o->message, sizeof(o->message), "%s: %u VF(s) %s", pf->name, x->numvfs, o->res == SR_CREATED ? "created" : "present");
	/* MAC, VLAN, trust, spoofchk: while no driver holds the VFs */
	vfid_apply(sr, pf, x, timeout_ms);
	return;
restore:
	r = set_autoprobe(sr, pf, autoprobe_before(pf));
	if (r < 0) { /* the record must say VFs will not autoprobe any more */
		size_t l = strlen(o->message);
		(void)snprintf(o->message + l, sizeof(o->message) - l, "; sriov_drivers_autoprobe NOT restored to %d (%s)", pf->sriov_autoprobe == 0 ? 0 : 1,
			       strerror(-r));
	}
}

void apply_sriov(const struct sysroot *sr, const struct devtab *t, struct sriov_plan *sp, const struct apply_opts *o, unsigned vf_timeout_ms,
		 struct sriov_outcome *out)
{
	for (size_t i = 0; i < sp->n; i++) {
		struct sriov_pf *x = &sp->v[i];
		uint64_t t0 = now_us();
		memset(&out[i], 0, sizeof(out[i]));
		out[i].numvfs_before = t->v[x->pf].sriov_num;
		if (x->refused) {
			out[i].res = SR_REFUSED;
			(void)snprintf(out[i].message, sizeof(out[i].message), "%s", x->reason);
		} else if (o->disabled) {
			out[i].res = SR_DISABLED;
		} else if (o->dryrun) {
			out[i].res = SR_DRYRUN;
		} else {
			one_pf(sr, t, x, vf_timeout_ms, &out[i]);
		}
		out[i].elapsed_us = now_us() - t0;
	}
}

void sriov_finish(const struct sysroot *sr, const struct devtab *t, const struct sriov_plan *sp, struct sriov_outcome *out)
{
	for (size_t i = 0; i < sp->n; i++) {
		const struct sriov_pf *x = &sp->v[i];
		const struct pci_dev *pf = &t->v[x->pf];
		if (out[i].res != SR_CREATED && out[i].res != SR_UNCHANGED)
			continue;
		int r = set_autoprobe(sr, pf, autoprobe_before(pf));
		if (r < 0) {
			size_t l = strlen(out[i].message);
			(void)snprintf(out[i].message + l, sizeof(out[i].message) - l,
				       "; sriov_drivers_autoprobe NOT put back (%s): VFs added later get no driver", strerror(-r));
		}
		for (size_t k = 0; k < x->nvfs; k++)
			if (x->vfs[k].exists && !x->vfs[k].to_vfio)
				(void)sr_probe(sr, x->vfs[k].name);
	}
}
