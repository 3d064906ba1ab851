/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per group, in this order: variant drivers loaded (they bind only
 * through driver_override: loading one claims nothing), driver_override on
 * every endpoint (nothing else can claim them from here on), vfio-pci
 * loaded, current drivers unbound, drivers_probe, the driver link re-read.
 * Any failure puts the whole group back as it was. */
#include "apply.h"
#include "modload.h"
#include "scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dev_result_name(enum dev_result r)
{
	static const char *const n[] = { "bound", "already-bound", "skipped-bridge", "kept", "restored", "dirty", "planned" };
	return n[r];
}

const char *group_result_name(enum group_result r)
{
	static const char *const n[] = { "bound", "already-bound", "refused", "failed", "dry-run", "disabled" };
	return n[r];
}

static bool vfio_registered(const struct sysroot *sr)
{
	return sr_exists(sr, "sys/bus/pci/drivers/vfio-pci");
}

/* drv's bind or unbind file takes the device. */
static int drv_write(const struct sysroot *sr, const char *drv, const char *file, const char *dev)
{
	char p[SR_PATH_MAX];
	return sr_write(sr, pci_path(p, "drivers", drv, file), dev);
}

/* A driver name from a symlink is used in a path: refuse anything odd. */
static bool sane_driver(const char *d)
{
	return d[0] && !streq(d, ".") && !streq(d, "..") && !strchr(d, '/');
}

static int read_override(const struct sysroot *sr, const char *dev, char *buf, size_t size)
{
	int r = sr_dev_read(sr, dev, "driver_override", buf, size);
	if (r >= 0 && streq(buf, "(null)"))
		buf[0] = '\0';
	if (r == -ENOENT) { /* kernels before 3.16: no override at all */
		buf[0] = '\0';
		return -ENOTSUP;
	}
	return r < 0 ? r : 0;
}

static void set_err(struct dev_outcome *o, const char *what, int r)
{
	if (!o->error[0])
		(void)snprintf(o->error, sizeof(o->error), "%s: %s", what, strerror(-r));
}

static int ensure_vfio(const struct sysroot *sr, const struct devtab *t, const struct apply_opts *o, struct apply_result *res)
{
	int r;

	if (res->vfio_loaded)
		return 0;
	if (vfio_registered(sr)) {
		res->vfio_loaded = true; /* built in, or loaded earlier */
		return 0;
	}
	if (res->load_error[0])
		return -ENOENT; /* tried already; do not retry per group */
	r = modload(sr, t->kver, "vfio-pci", o->vfio_options, res->load_error, sizeof(res->load_error));
	if (r == 0 && !vfio_registered(sr)) {
		(void)snprintf(res->load_error, sizeof(res->load_error), "vfio-pci loaded but its driver did not register");
		r = -ENODEV;
	}
	if (r < 0 && !res->load_error[0])
		(void)snprintf(res->load_error, sizeof(res->load_error), "cannot load vfio-pci: %s", strerror(-r));
	res->vfio_loaded = r == 0;
	return r;
}

struct bind_wait {
	const struct sysroot *sr;
	const char *dev;
	const char *want;
	char *drv;
	size_t size;
};

static bool on_driver(void *arg)
{
	struct bind_wait *w = arg;
	return scan_driver(w->sr, w->dev, w->drv, w->size) == 0 && streq(w->drv, w->want);
}

static bool registered(const struct sysroot *sr, const char *drv)
{
	char p[SR_PATH_MAX];
	return sane_driver(drv) && sr_exists(sr, pci_path(p, "drivers", drv, ""));
}

/* The PCI driver name for a module or driver name, when it is registered
 * already (built in, or loaded): the driver of that name, else the one the
 * module registered. */
static int known_driver(const struct sysroot *sr, const char *name, char *ret, size_t size)
{
	if (registered(sr, name)) {
		(void)snprintf(ret, size, "%s", name);
		return 0;
	}
	return module_pci_driver(sr, name, name, ret, size);
}

static void choose(const struct sysroot *sr, const struct devtab *t, struct plan_dev *pd, struct modaliases *aliases)
{
	const struct pci_dev *d = &t->v[pd->idx];
	struct vfio_choice *c = &pd->vfio;
	struct alias_match m;
	char ma[128];
	int r;

	memset(c, 0, sizeof(*c));
	if (pd->act == DA_ALREADY) {
		c->why = VW_ALREADY;
		(void)snprintf(c->driver, sizeof(c->driver), "%s", d->driver);
		return;
	}
	if (pd->act != DA_BIND)
		return;
	if (pd->rule_driver[0]) {
		c->why = VW_RULE;
		(void)snprintf(c->module, sizeof(c->module), "%s", pd->rule_driver);
		if (driver_name_eq(pd->rule_driver, VFIO_GENERIC_DRIVER)) {
			(void)snprintf(c->module, sizeof(c->module), "%s", VFIO_GENERIC_MODULE);
			(void)snprintf(c->driver, sizeof(c->driver), "%s", VFIO_GENERIC_DRIVER);
		} else if (known_driver(sr, pd->rule_driver, c->driver, sizeof(c->driver)) < 0)
			c->driver[0] = '\0';
		return;
	}
	pci_vfio_modalias(d, ma, sizeof(ma));
	r = vfio_variant_lookup(sr, t->kver, aliases, ma, &m);
	if (r > 0) {
		c->why = VW_VARIANT;
		(void)snprintf(c->module, sizeof(c->module), "%s", m.module);
		(void)snprintf(c->alias, sizeof(c->alias), "%s", m.pattern);
		if (module_pci_driver(sr, m.module, NULL, c->driver, sizeof(c->driver)) < 0)
			c->driver[0] = '\0';
		return;
	}
	c->why = VW_GENERIC;
	(void)snprintf(c->module, sizeof(c->module), "%s", VFIO_GENERIC_MODULE);
	(void)snprintf(c->driver, sizeof(c->driver), "%s", VFIO_GENERIC_DRIVER);
	if (r < 0)
		(void)snprintf(c->note, sizeof(c->note), "variant drivers not looked up: /lib/modules/%s/modules.alias: %s", t->kver, strerror(-r));
}

void apply_choose_drivers(const struct sysroot *sr, const struct devtab *t, struct plan *p, struct modaliases *aliases)
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t k = 0; k < p->g[i].n; k++)
			choose(sr, t, &p->g[i].devs[k], aliases);
}

static bool generic(const struct vfio_choice *c)
{
	return c->why == VW_GENERIC || (c->why == VW_RULE && streq(c->driver, VFIO_GENERIC_DRIVER));
}

/* The driver device pd's override will name, into x->vfio_driver: a
 * variant's (or the rule's) module is loaded first when its driver is not
 * registered yet. No fallback to vfio-pci: a variant may be what makes the
 * device migratable; driver=vfio-pci on the rule asks for the generic one. */
static int target_driver(const struct sysroot *sr, const struct devtab *t, const struct plan_dev *pd, struct dev_outcome *x, char *err, size_t errsize)
{
	const struct vfio_choice *c = &pd->vfio;
	int r;

	err[0] = '\0';
	if (generic(c)) {
		(void)snprintf(x->vfio_driver, sizeof(x->vfio_driver), "%s", VFIO_GENERIC_DRIVER);
		return 0;
	}
	if (known_driver(sr, c->driver[0] ? c->driver : c->module, x->vfio_driver, sizeof(x->vfio_driver)) == 0)
		return 0;
	r = modload(sr, t->kver, c->module, NULL, err, errsize);
	if (r < 0)
		return r;
	r = known_driver(sr, c->module, x->vfio_driver, sizeof(x->vfio_driver));
	if (r < 0)
		(void)snprintf(err, errsize, "module %s loaded but registered no PCI driver (no /sys/module/%s/drivers/pci:*)", c->module, c->module);
	return r;
}

/* Puts one device back: override restored, vfio-pci released, previous
 * driver re-bound. Returns false if the device did not end as before. */
static bool restore_dev(const struct sysroot *sr, const struct pci_dev *d, struct dev_outcome *o)
{
	const char *to = o->vfio_driver[0] ? o->vfio_driver : VFIO_GENERIC_DRIVER;
	char cur[DRV_MAX];
	int r;

	r = sr_dev_write(sr, d->name, "driver_override", o->before_override[0] ? o->before_override : "\n");
	if (r < 0 && r != -ENOENT)
		set_err(o, "restoring driver_override", r);
	if (scan_driver(sr, d->name, cur, sizeof(cur)) == 0 && streq(cur, to) && !streq(o->before_driver, to))
		(void)drv_write(sr, to, "unbind", d->name);
	if (o->before_driver[0] && sane_driver(o->before_driver) && (scan_driver(sr, d->name, cur, sizeof(cur)) < 0 || !streq(cur, o->before_driver))) {
		r = drv_write(sr, o->before_driver, "bind", d->name);
		if (r < 0)
			(void)sr_probe(sr, d->name);
	}
	if (scan_driver(sr, d->name, o->after_driver, sizeof(o->after_driver)) < 0)
		o->after_driver[0] = '\0';
	return streq(o->after_driver, o->before_driver);
}

/* Devices from upto on were never touched: the record says so (kept). */
static void rollback(const struct sysroot *sr, const struct devtab *t, const struct plan_group *g, struct group_outcome *go, size_t upto)
{
	for (size_t k = g->n; k-- > 0;) {
		const struct plan_dev *pd = &g->devs[k];
		if (pd->act != DA_BIND)
			continue;
		if (k >= upto)
			go->devs[k].res = DR_KEPT;
		else
			go->devs[k].res = restore_dev(sr, &t->v[pd->idx], &go->devs[k]) ? DR_RESTORED : DR_DIRTY;
	}
}

static void fail(struct group_outcome *go, const char *dev, const char *fmt, ...) PRINTF(3, 4);
static void fail(struct group_outcome *go, const char *dev, const char *fmt, ...)
{
	va_list ap;
	int n;
	go->res = GR_FAILED;
	n = snprintf(go->message, sizeof(go->message), "%s: ", dev);
	va_start(ap, fmt);
	(void)vsnprintf(go->message + n, sizeof(go->message) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Each endpoint of group g that is to be bound, with its device d and its
 * outcome x. */
#define FOR_EACH_BIND(k, g, t, go, d, x)   \
	for ((k) = 0; (k) < (g)->n; (k)++) \
		if ((g)->devs[k].act == DA_BIND && ((d) = &(t)->v[(g)->devs[k].idx], (x) = &(go)->devs[k], 1))

static void bind_group(const struct sysroot *sr, const struct devtab *t, const struct plan_group *g, const struct apply_opts *o, struct group_outcome *go,
		       struct apply_result *res)
{
	const struct pci_dev *d;
	struct dev_outcome *x;
	bool need_generic = false;
	size_t k;
	int r;

	/* 0. Each endpoint's vfio driver, variants loaded (nothing written yet). */
	FOR_EACH_BIND (k, g, t, go, d, x) {
		char err[256], why[192];
		if (target_driver(sr, t, &g->devs[k], x, err, sizeof(err)) < 0) {
			const struct vfio_choice *c = &g->devs[k].vfio;
			(void)snprintf(x->error, sizeof(x->error), "%.*s", (int)sizeof(x->error) - 1, err);
			fail(go, d->name, "vfio driver %s (%s) unavailable: %s; not falling back to vfio-pci (driver=vfio-pci on the rule forces it)",
			     c->driver[0] ? c->driver : c->module, vfio_why_text(c, why, sizeof(why)), err);
			rollback(sr, t, g, go, 0);
			return;
		}
		need_generic |= streq(x->vfio_driver, VFIO_GENERIC_DRIVER);
	}
	/* 1. Remember, then claim every endpoint with driver_override. */
	FOR_EACH_BIND (k, g, t, go, d, x) {
		r = scan_driver(sr, d->name, x->before_driver, sizeof(x->before_driver));
		if (r == 0)
			r = read_override(sr, d->name, x->before_override, sizeof(x->before_override));
		if (r < 0 && r != -ENOTSUP) {
			/* What to put back is unknown: leave this device alone. */
			set_err(x, "reading driver and driver_override", r);
			fail(go, d->name, "cannot set driver_override: its driver or current value is unreadable (%s)", strerror(-r));
			rollback(sr, t, g, go, k);
			return;
		}
		if (r == 0)
			r = sr_dev_write(sr, d->name, "driver_override", x->vfio_driver);
		if (r < 0) {
			set_err(x, "writing driver_override", r);
			fail(go, d->name, "cannot set driver_override to %s (%s)", x->vfio_driver, strerror(-r));
			rollback(sr, t, g, go, k + 1);
			return;
		}
	}
	/* 2. vfio-pci binds the claimed devices as it registers. */
	r = need_generic ? ensure_vfio(sr, t, o, res) : 0;
	if (r < 0) {
		fail(go, "vfio-pci", "%s", res->load_error);
		rollback(sr, t, g, go, g->n);
		return;
	}
	/* 3. Release from current drivers, then probe. */
	FOR_EACH_BIND (k, g, t, go, d, x) {
		char cur[DRV_MAX];
		if (scan_driver(sr, d->name, cur, sizeof(cur)) < 0)
			cur[0] = '\0';
		if (streq(cur, x->vfio_driver))
			continue;
		if (cur[0]) {
			if (!sane_driver(cur))
				r = -EINVAL;
			else
				r = drv_write(sr, cur, "unbind", d->name);
			if (r < 0) {
				set_err(x, "unbinding", r);
				fail(go, d->name, "cannot unbind from %s (%s)", cur, strerror(-r));
				rollback(sr, t, g, go, g->n);
				return;
			}
		}
		r = sr_probe(sr, d->name);
		if (r < 0)
			set_err(x, "drivers_probe", r); /* the driver link decides */
	}
	/* 4. Only the driver link tells the truth. */
	FOR_EACH_BIND (k, g, t, go, d, x) {
		if (!wait_until(o->bind_timeout_ms, on_driver, &(struct bind_wait){ sr, d->name, x->vfio_driver, x->after_driver, sizeof(x->after_driver) })) {
			fail(go, d->name, "not on %s after %u ms (driver: %s)%s%s", x->vfio_driver, o->bind_timeout_ms,
			     x->after_driver[0] ? x->after_driver : "none", x->error[0] ? "; " : "", x->error);
			rollback(sr, t, g, go, g->n);
			return;
		}
		x->res = DR_BOUND;
	}
	go->res = GR_BOUND;
}

static void init_outcomes(const struct devtab *t, const struct plan_group *g, struct group_outcome *go)
{
	go->devs = xcalloc(g->n, sizeof(*go->devs));
	for (size_t k = 0; k < g->n; k++) {
		const struct pci_dev *d = &t->v[g->devs[k].idx];
		struct dev_outcome *x = &go->devs[k];
		(void)snprintf(x->before_driver, sizeof(x->before_driver), "%s", d->driver);
		(void)snprintf(x->after_driver, sizeof(x->after_driver), "%s", d->driver);
		switch (g->devs[k].act) {
		case DA_BIND: x->res = DR_PLANNED; break;
		case DA_ALREADY: x->res = DR_ALREADY; break;
		case DA_SKIP_BRIDGE: x->res = DR_SKIPPED; break;
		case DA_KEEP: x->res = DR_KEPT; break;
		}
	}
}

void apply_plan(const struct sysroot *sr, const struct devtab *t, const struct plan *p, const struct apply_opts *o, struct apply_result *res)
{
	memset(res, 0, sizeof(*res));
	res->g = xcalloc(p->n, sizeof(*res->g));
	res->n = p->n;
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_group *g = &p->g[i];
		struct group_outcome *go = &res->g[i];
		uint64_t t0 = now_us();

		init_outcomes(t, g, go);
		if (g->act == GA_REFUSE) {
			go->res = GR_REFUSED;
			(void)snprintf(go->message, sizeof(go->message), "%s", g->reason);
			res->nrefused++;
			continue;
		}
		if (o->disabled) {
			go->res = GR_DISABLED;
			(void)snprintf(go->message, sizeof(go->message), "%s", o->disabled_why ? o->disabled_why : "disabled");
			continue;
		}
		if (g->act == GA_ALREADY) {
			go->res = GR_ALREADY;
			res->nalready++;
			continue;
		}
		if (o->dryrun) {
			go->res = GR_DRYRUN;
			continue;
		}
		bind_group(sr, t, g, o, go, res);
		go->elapsed_us = now_us() - t0;
		if (go->res == GR_BOUND)
			res->nbound++;
		else
			res->nfailed++;
	}
}

void apply_result_append(struct apply_result *dst, struct apply_result *src)
{
	dst->g = xrealloc(dst->g, (dst->n + src->n) * sizeof(*dst->g));
	memcpy(dst->g + dst->n, src->g, src->n * sizeof(*src->g));
	dst->n += src->n;
	dst->nbound += src->nbound;
	dst->nfailed += src->nfailed;
	dst->nrefused += src->nrefused;
	dst->nalready += src->nalready;
	dst->vfio_loaded |= src->vfio_loaded;
	if (!dst->load_error[0])
		memcpy(dst->load_error, src->load_error, sizeof(dst->load_error));
	free(src->g);
	memset(src, 0, sizeof(*src));
}

void apply_result_free(struct apply_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->g[i].devs);
	free(r->g);
	memset(r, 0, sizeof(*r));
}
