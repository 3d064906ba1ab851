/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads the facts the mdev rules are planned on; writes nothing. Layout
 * (drivers/vfio/mdev/mdev_sysfs.c): PARENT/mdev_supported_types/TYPE/
 * {create,available_instances,name,device_api[,description],devices/};
 * /sys/class/mdev_bus/PARENT for every registered parent; each mediated
 * device PARENT/UUID, linked from /sys/bus/mdev/devices/UUID, with an
 * mdev_type link to its type. */
#include "scan_mdev.h"
#include "plan.h"
#include "scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MDEV_TYPES_MAX 256
#define MDEV_DEVICES_MAX 4096

void mdev_facts_free(struct mdev_facts *f)
{
	for (size_t i = 0; i < f->np; i++)
		free(f->p[i].types);
	free(f->p);
	free(f->d);
	sl_free(&f->registered);
	devtab_free(&f->t);
	memset(f, 0, sizeof(*f));
}

static void read_type(const struct sysroot *sr, const char *dir, struct mdev_type_info *ty)
{
	char buf[32];

	ty->available = -1;
	if (sr_readf(sr, buf, sizeof(buf), "%s/mdev_supported_types/%s/available_instances", dir, ty->name) > 0) {
		char *end;
		long v = strtol(buf, &end, 10);
		if (!*end && v >= 0 && v < 1000000)
			ty->available = (int)v;
	}
	if (sr_readf(sr, ty->pretty, sizeof(ty->pretty), "%s/mdev_supported_types/%s/name", dir, ty->name) < 0)
		ty->pretty[0] = '\0';
	if (sr_readf(sr, ty->description, sizeof(ty->description), "%s/mdev_supported_types/%s/description", dir, ty->name) < 0)
		ty->description[0] = '\0';
	if (sr_readf(sr, ty->device_api, sizeof(ty->device_api), "%s/mdev_supported_types/%s/device_api", dir, ty->name) < 0)
		ty->device_api[0] = '\0';
}

static int cmp_type(const void *a, const void *b)
{
	return strcmp(((const struct mdev_type_info *)a)->name, ((const struct mdev_type_info *)b)->name);
}

static void read_parent(const struct sysroot *sr, struct mdev_parent_info *p)
{
	char path[SR_PATH_MAX];
	size_t cap = 0;
	struct dirent *e;
	DIR *d;

	if (!p->is_pci) {
		p->found = sr_exists(sr, p->dir);
		if (!p->found || (size_t)snprintf(path, sizeof(path), "%.500s/driver", p->dir) >= sizeof(path) ||
		    sr_readlink_base(sr, path, p->driver, sizeof(p->driver)) < 0)
			p->driver[0] = '\0';
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/mdev_supported_types", p->dir) >= sizeof(path) || !(d = sr_opendir(sr, path)))
		return;
	p->registered = true;
	while ((e = readdir(d)) && p->ntypes < MDEV_TYPES_MAX) {
		if (e->d_name[0] == '.' || !mdev_name_ok(e->d_name))
			continue;
		GROW(p->types, cap, p->ntypes);
		memset(&p->types[p->ntypes], 0, sizeof(p->types[0]));
		memcpy(p->types[p->ntypes].name, e->d_name, strlen(e->d_name) + 1); /* mdev_name_ok: it fits */
		read_type(sr, p->dir, &p->types[p->ntypes++]);
	}
	(void)closedir(d);
	if (p->ntypes > 1)
		qsort(p->types, p->ntypes, sizeof(p->types[0]), cmp_type);
}

static struct mdev_parent_info *add_parent(struct mdev_facts *f, const char *name)
{
	struct mdev_parent_info *p;

	GROW(f->p, f->capp, f->np);
	p = &f->p[f->np++];
	memset(p, 0, sizeof(*p));
	(void)snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

/* "../../../devices/virtual/mtty/mtty/UUID": the parent is the directory
 * the device sits in. */
static void read_device(const struct sysroot *sr, const char *name, struct mdev_dev_info *x)
{
	char link[SR_PATH_MAX], path[SR_PATH_MAX];
	char *slash;

	(void)snprintf(path, sizeof(path), "sys/bus/mdev/devices/%s", name);
	if (sr_readlink(sr, path, link, sizeof(link)) > 0 && (slash = strrchr(link, '/'))) {
		*slash = '\0';
		slash = strrchr(link, '/');
		(void)snprintf(x->parent, sizeof(x->parent), "%.63s", slash ? slash + 1 : link);
	}
	(void)snprintf(path, sizeof(path), "sys/bus/mdev/devices/%s/mdev_type", name);
	if (sr_readlink_base(sr, path, x->type, sizeof(x->type)) < 0)
		x->type[0] = '\0';
}

void scan_mdev_devices(const struct sysroot *sr, struct mdev_facts *f)
{
	DIR *d = sr_opendir(sr, "sys/bus/mdev/devices");
	struct dirent *e;

	f->nd = 0;
	while (d && (e = readdir(d)) && f->nd < MDEV_DEVICES_MAX) {
		struct uuid u;
		if (uuid_parse(e->d_name, &u) < 0)
			continue;
		GROW(f->d, f->capd, f->nd);
		memset(&f->d[f->nd], 0, sizeof(f->d[0]));
		f->d[f->nd].uuid = u;
		read_device(sr, e->d_name, &f->d[f->nd++]);
	}
	if (d)
		(void)closedir(d);
}

/* The PCI devices the rules select: as the group scan reads them (every
 * device unless all rules name addresses), with the facts slot=, path= and
 * serial= need. */
static int scan_pci(const struct sysroot *sr, const struct config *cfg, struct mdev_facts *f, struct strlist *notes)
{
	struct config tmp;
	int e;

	config_init(&tmp, cfg->path);
	for (size_t i = 0; i < cfg->nmdev; i++)
		if (!cfg->mdev[i].by_name)
			(void)config_add_rule(&tmp, RULE_BIND, cfg->mdev[i].line, &cfg->mdev[i].sel);
	if (!tmp.n) {
		config_free(&tmp);
		return 0;
	}
	e = config_address_only(&tmp) ? scan_targets(sr, &tmp, false, &f->t) : scan_full(sr, false, &f->t);
	if (e == 0)
		scan_selector_facts(sr, config_selector_facts(&tmp), &f->t, notes);
	config_free(&tmp);
	return e;
}

static void read_host(const struct sysroot *sr, struct mdev_facts *f)
{
	DIR *d = sr_opendir(sr, "sys/class/mdev_bus");
	struct dirent *e;
	char buf[8];

	f->bus = sr_exists(sr, "sys/bus/mdev");
	while (d && (e = readdir(d)) && f->registered.n < MDEV_DEVICES_MAX)
		if (e->d_name[0] != '.')
			sl_addf(&f->registered, "%.63s", e->d_name);
	if (d)
		(void)closedir(d);
	f->gvt = -1;
	if (sr_read(sr, "sys/module/i915/parameters/enable_gvt", buf, sizeof(buf)) > 0)
		f->gvt = buf[0] == 'Y' || buf[0] == '1';
	f->kvmgt = sr_exists(sr, "sys/module/kvmgt");
}

int scan_mdev(const struct sysroot *sr, const struct config *cfg, struct mdev_facts *f, struct strlist *notes)
{
	int e;

	memset(f, 0, sizeof(*f));
	e = scan_pci(sr, cfg, f, notes);
	for (size_t i = 0; i < f->t.n; i++) {
		const struct pci_dev *d = &f->t.v[i];
		struct mdev_parent_info *p;
		bool want = false;
		for (size_t k = 0; k < cfg->nmdev && !want; k++)
			want = !cfg->mdev[k].by_name && selector_matches(&cfg->mdev[k].sel, d);
		if (!want)
			continue;
		p = add_parent(f, d->name);
		p->is_pci = true;
		p->pci = i;
		p->found = true;
		(void)snprintf(p->driver, sizeof(p->driver), "%s", d->driver);
		(void)snprintf(p->dir, sizeof(p->dir), "sys/bus/pci/devices/%s", d->name);
	}
	/* parent=NAME: the device of that name in sys/class/mdev_bus; one
	 * entry per name, so a PCI parent also named so is one parent (one
	 * record, one log line, duplicates across its rules seen). */
	for (size_t k = 0; k < cfg->nmdev; k++) {
		const struct mdev_rule *r = &cfg->mdev[k];
		bool seen = false;
		if (!r->by_name)
			continue;
		for (size_t i = 0; i < f->np && !seen; i++)
			seen = streq(f->p[i].name, r->parent);
		if (!seen)
			(void)snprintf(add_parent(f, r->parent)->dir, sizeof(f->p[0].dir), "sys/class/mdev_bus/%s", r->parent);
	}
	for (size_t i = 0; i < f->np; i++)
		read_parent(sr, &f->p[i]);
	read_host(sr, f);
	scan_mdev_devices(sr, f);
	return e;
}
