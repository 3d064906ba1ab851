/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per PF: its driver bound (sriov_numvfs exists only then), VF autoprobe
 * off so no VF driver grabs them, numvfs 0 then N, every virtfnK waited
 * for. The VFs are then bound group by group like any device, and
 * sriov_finish() puts autoprobe back. Nothing here stops the boot. */
#include "modload.h"
#include "sriov.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The PF's own driver, loaded by modalias through libkmod if needed,
 * then probed; bounded wait for the driver link. */
static int ensure_pf_driver(const struct sysroot *sr, const struct devtab *t, const struct pci_dev *pf, unsigned timeout_ms, struct sriov_outcome *o)
{
	char drv[DRV_MAX], err[256] = "";
	uint64_t deadline;

	if (pf_has_driver(sr, pf->name, drv, sizeof(drv)))
		return 0;
	if (!pf->modalias[0]) {
		failf(o, "%s has no driver and no modalias to load one by", pf->name);
		return -ENOENT;
	}
	if (modload(sr, t->kver, pf->modalias, NULL, err, sizeof(err)) < 0) {
		failf(o, "%s has no driver and loading one failed: %s", pf->name, err);
		return -ENOENT;
	}
	(void)sr_write(sr, "sys/bus/pci/drivers_probe", pf->name);
	deadline = now_us() + (uint64_t)timeout_ms * 1000u;
	while (!pf_has_driver(sr, pf->name, drv, sizeof(drv))) {
		if (now_us() >= deadline) {
			failf(o, "%s: no driver bound within %u ms after loading its module; sriov_numvfs needs one", pf->name, timeout_ms);
			return -ETIMEDOUT;
		}
		sleep_ms(5);
	}
	return 0;
}

static bool wait_vfs(const struct sysroot *sr, const struct pci_dev *pf, struct sriov_pf *x, unsigned timeout_ms)
{
	uint64_t deadline = now_us() + (uint64_t)timeout_ms * 1000u;
	for (;;) {
		size_t have = 0;
		for (size_t k = 0; k < x->nvfs; k++) {
			char path[96], link[64];
			struct pci_addr a;
			(void)snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/virtfn%zu", pf->name, k);
			if (sr_readlink_base(sr, path, link, sizeof(link)) == 0 && pci_addr_parse(link, &a, NULL) == 0) {
				x->vfs[k].addr = a; /* the kernel's word over our prediction */
				pci_addr_fmt(&a, x->vfs[k].name);
				x->vfs[k].exists = true;
				have++;
			}
		}
		if (have == x->nvfs)
			return true;
		if (now_us() >= deadline)
			return false;
		sleep_ms(5);
	}
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
	if (sr_readf(sr, cur, sizeof(cur), "sys/bus/pci/devices/%s/sriov_numvfs", pf->name) < 0) {
		failf(o, "%s: sriov_numvfs unreadable although a driver is bound", pf->name);
		return;
	}
	o->numvfs_before = (int)strtol(cur, NULL, 10);
	/* Autoprobe off first: created VFs stay driverless until we bind them. */
	r = sr_writef(sr, "0", "sys/bus/pci/devices/%s/sriov_drivers_autoprobe", pf->name);
	if (r < 0) {
		failf(o, "%s: cannot turn off sriov_drivers_autoprobe (%s)", pf->name, strerror(-r));
		return;
	}
	(void)snprintf(num, sizeof(num), "%u", x->numvfs);
	if (!streq(cur, num)) {
		/* The kernel refuses N -> M with EBUSY: go through 0. */
		if (!streq(cur, "0") && (r = sr_writef(sr, "0", "sys/bus/pci/devices/%s/sriov_numvfs", pf->name)) < 0) {
			failf(o, "%s: writing 0 to sriov_numvfs failed (%s); VFs in use?", pf->name, strerror(-r));
			goto restore;
		}
		if ((r = sr_writef(sr, num, "sys/bus/pci/devices/%s/sriov_numvfs", pf->name)) < 0) {
			failf(o, "%s: writing %s to sriov_numvfs failed (%s)", pf->name, num, strerror(-r));
			goto restore;
		}
		o->res = SR_CREATED;
	} else {
		o->res = SR_UNCHANGED;
	}
	if (!wait_vfs(sr, pf, x, timeout_ms)) {
		failf(o, "%s: %u VFs asked, not all virtfn links appeared within %u ms", pf->name, x->numvfs, timeout_ms);
		goto restore;
	}
	(void)snprintf(o->message, sizeof(o->message), "%s: %u VF(s) %s", pf->name, x->numvfs, o->res == SR_CREATED ? "created" : "present");
	return;
restore:
	r = sr_writef(sr, pf->sriov_autoprobe == 0 ? "0" : "1", "sys/bus/pci/devices/%s/sriov_drivers_autoprobe", pf->name);
	if (r < 0) { /* the record must say VFs will not autoprobe any more */
		size_t l = strlen(o->message);
		(void)snprintf(o->message + l, sizeof(o->message) - l, "; sriov_drivers_autoprobe NOT restored to %d (%s)", pf->sriov_autoprobe == 0 ? 0 : 1,
			       strerror(-r));
	}
}

void apply_sriov(const struct sysroot *sr, const struct devtab *t, struct sriov_plan *sp, const struct apply_opts *o, unsigned vf_timeout_ms, struct sriov_outcome *out)
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
		int r = sr_writef(sr, pf->sriov_autoprobe == 0 ? "0" : "1", "sys/bus/pci/devices/%s/sriov_drivers_autoprobe", pf->name);
		if (r < 0) {
			size_t l = strlen(out[i].message);
			(void)snprintf(out[i].message + l, sizeof(out[i].message) - l, "; sriov_drivers_autoprobe NOT put back (%s): VFs added later get no driver",
				       strerror(-r));
		}
		for (size_t k = 0; k < x->nvfs; k++)
			if (x->vfs[k].exists && !x->vfs[k].to_vfio)
				(void)sr_write(sr, "sys/bus/pci/drivers_probe", x->vfs[k].name);
	}
}
