/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "run_mdev.h"
#include "kmsg.h"

#include <stdlib.h>
#include <string.h>

/* The udev event that ran us, for the log line: udev passes ACTION. */
static const char *udev_event(void)
{
	const char *a = getenv("ACTION");
	if (!a || !*a || strlen(a) > 16 || a[strspn(a, "abcdefghijklmnopqrstuvwxyz")])
		return NULL;
	return a;
}

/* check and status: a PCI parent the group plan puts on vfio-pci cannot
 * offer mdev types. */
static void mark_to_vfio(struct run *r, struct mdev_facts *f)
{
	for (size_t i = 0; i < f->np; i++) {
		struct mdev_parent_info *p = &f->p[i];
		const struct pci_dev *d = p->is_pci ? devtab_find(&r->t, &f->t.v[p->pci].addr) : NULL;
		size_t idx = d ? (size_t)(d - r->t.v) : 0;
		for (size_t g = 0; d && g < r->plan.n; g++)
			for (size_t k = 0; k < r->plan.g[g].n; k++)
				if (r->plan.g[g].devs[k].idx == idx && r->plan.g[g].act != GA_REFUSE)
					p->to_vfio |= plan_dev_to_vfio(&r->plan.g[g].devs[k], d);
	}
}

static struct mdev_run *prepare(struct run *r, struct findings *out)
{
	struct mdev_run *md = xcalloc(1, sizeof(*md));

	r->md = md;
	(void)scan_mdev(&r->sr, &r->cfg, &md->f, &r->notes);
	mark_to_vfio(r, &md->f);
	plan_mdev(&r->cfg, &md->f, &md->p, out ? out : &md->quiet);
	return md;
}

void mdev_check(struct run *r)
{
	if (r->cfg.nmdev && !r->cfg.errors.n)
		(void)prepare(r, &r->plan.findings);
}

void mdev_status_prepare(struct run *r)
{
	if (r->cfg.nmdev && !r->cfg.errors.n)
		(void)prepare(r, NULL);
}

void mdev_run_free(struct run *r)
{
	if (!r->md)
		return;
	mdev_facts_free(&r->md->f);
	mdev_plan_free(&r->md->p);
	findings_free(&r->md->quiet);
	free(r->md);
	r->md = NULL;
}

int run_mdev_apply(struct run *r, const char *parent)
{
	struct mdev_apply_opts o = { .t_start = r->t_start, .event = udev_event() };
	struct mdev_outcome *out;
	struct mdev_run *md;

	(void)config_load(r);
	if (r->config_missing || (!r->cfg.nmdev && !r->cfg.errors.n))
		return EXIT_OK; /* nothing asked of any parent */
	if (r->cfg.errors.n) {
		/* A notice: udev runs this for every parent, named or not. */
		kmsg_log(&r->sr, 5, "mdev %s: %s has errors; creating nothing (first: %s)", parent ? parent : "(all parents)", r->config_path,
			 r->cfg.errors.v[0]);
		return EXIT_OK;
	}
	cmdline_load(r);
	if (r->cl.off)
		o.disabled = "vfio-early.off on the kernel command line";
	o.dryrun = r->cl.dryrun;
	md = xcalloc(1, sizeof(*md));
	r->md = md;
	(void)scan_mdev(&r->sr, &r->cfg, &md->f, &r->notes);
	plan_mdev(&r->cfg, &md->f, &md->p, &md->quiet);
	if (parent)
		mdev_plan_only(&md->p, &md->f, parent);
	if (!md->p.n)
		return EXIT_OK; /* not a parent the config names */
	out = xcalloc(md->p.n, sizeof(*out));
	apply_mdev(&r->sr, &md->f, &md->p, &o, out);
	mdev_log_and_record(&r->sr, &r->cfg, &md->f, &md->p, out, &o);
	free(out);
	return EXIT_OK;
}
