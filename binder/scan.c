/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static int parse_idpair(const char *s, uint16_t *a, uint16_t *b)
{
	uint32_t x, y;
	const char *c = strchr(s, ':');
	if (!c || parse_hex(s, (size_t)(c - s), 4, &x) < 0 || parse_hex(c + 1, strlen(c + 1), 4, &y) < 0)
		return -EINVAL;
	*a = (uint16_t)x;
	*b = (uint16_t)y;
	return 0;
}

/* The kernel's uevent file holds driver, class, ids and subsystem in one
 * read: 3 syscalls instead of 18 for separate attributes. */
static int read_uevent(const struct sysroot *sr, struct pci_dev *d)
{
	char buf[1024];
	int n = sr_dev_read(sr, d->name, "uevent", buf, sizeof(buf));
	bool cls = false, id = false;

	if (n < 0)
		return n;
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		uint32_t v;
		if (startswith(l, "DRIVER=")) {
			if (strlen(l + 7) < sizeof(d->driver))
				strcpy(d->driver, l + 7);
		} else if (startswith(l, "PCI_CLASS=")) {
			if (parse_hex(l + 10, strlen(l + 10), 6, &v) == 0) {
				d->class = v;
				cls = true;
			}
		} else if (startswith(l, "PCI_ID=")) {
			id = parse_idpair(l + 7, &d->vendor, &d->device) == 0;
		} else if (startswith(l, "PCI_SUBSYS_ID=")) {
			(void)parse_idpair(l + 14, &d->sub_vendor, &d->sub_device);
		} else if (startswith(l, "MODALIAS=")) {
			(void)snprintf(d->modalias, sizeof(d->modalias), "%s", l + 9);
		}
	}
	return cls && id ? 0 : -EBADMSG;
}

static int read_hex_attr(const struct sysroot *sr, const char *dev, const char *attr, unsigned digits, uint32_t *ret)
{
	char buf[32];
	int n = sr_dev_read(sr, dev, attr, buf, sizeof(buf));
	if (n < 0)
		return n;
	return parse_hex(buf, (size_t)n, digits, ret);
}

/* Fallback for trees (or kernels) without a usable uevent. */
static int read_attrs(const struct sysroot *sr, struct pci_dev *d)
{
	uint32_t v, dv, sv = 0, sd = 0, cls;
	int r;

	if ((r = read_hex_attr(sr, d->name, "vendor", 4, &v)) < 0 || (r = read_hex_attr(sr, d->name, "device", 4, &dv)) < 0)
		return r;
	if ((r = read_hex_attr(sr, d->name, "class", 6, &cls)) < 0)
		return r;
	(void)read_hex_attr(sr, d->name, "subsystem_vendor", 4, &sv);
	(void)read_hex_attr(sr, d->name, "subsystem_device", 4, &sd);
	d->vendor = (uint16_t)v;
	d->device = (uint16_t)dv;
	d->class = cls;
	d->sub_vendor = (uint16_t)sv;
	d->sub_device = (uint16_t)sd;
	return scan_driver(sr, d->name, d->driver, sizeof(d->driver));
}

int scan_driver(const struct sysroot *sr, const char *name, char *buf, size_t size)
{
	int r = sr_dev_link(sr, name, "driver", buf, size);

	if (r == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return r;
}

static int read_int_attr(const struct sysroot *sr, const char *dev, const char *attr, int *ret)
{
	char buf[32], *end;
	long v;
	int n = sr_dev_read(sr, dev, attr, buf, sizeof(buf));

	if (n < 0)
		return n;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || *end || end == buf || v < 0 || v > 65535)
		return -ERANGE;
	*ret = (int)v;
	return 0;
}

static void read_sriov(const struct sysroot *sr, struct pci_dev *d)
{
	char link[64];
	int r = read_int_attr(sr, d->name, "sriov_totalvfs", &d->sriov_total);

	if (r == 0) {
		if (read_int_attr(sr, d->name, "sriov_numvfs", &d->sriov_num) < 0)
			d->sriov_num = 0;
		if (read_int_attr(sr, d->name, "sriov_offset", &d->sriov_offset) < 0)
			d->sriov_offset = 1;
		if (read_int_attr(sr, d->name, "sriov_stride", &d->sriov_stride) < 0)
			d->sriov_stride = 1;
		if (read_int_attr(sr, d->name, "sriov_drivers_autoprobe", &d->sriov_autoprobe) < 0)
			d->sriov_autoprobe = -1;
		if (!d->modalias[0])
			(void)sr_dev_read(sr, d->name, "modalias", d->modalias, sizeof(d->modalias));
	} else {
		d->sriov_total = -1;
		if (r != -ENOENT)
			(void)snprintf(d->problem, sizeof(d->problem), "sriov_totalvfs unreadable or absurd (%s)", strerror(-r));
	}
	if (sr_dev_link(sr, d->name, "physfn", link, sizeof(link)) == 0 && pci_addr_parse(link, &d->physfn, NULL) == 0)
		d->is_vf = true;
}

int scan_one(const struct sysroot *sr, const struct pci_addr *a, bool sriov, struct pci_dev *d)
{
	char link[64];
	int r;

	memset(d, 0, sizeof(*d));
	d->addr = *a;
	pci_addr_fmt(a, d->name);
	d->group = -1;
	d->boot_vga = -1;
	d->sriov_total = -1;
	d->sriov_autoprobe = -1;
	d->vf_index = -1;
	r = read_uevent(sr, d);
	if (r == -ENOENT && !sr_exists(sr, "sys/bus/pci/devices")) /* no sysfs at all */
		return -ENOENT;
	if (r < 0 && r != -ENOENT)
		r = read_attrs(sr, d);
	else if (r == -ENOENT) {
		char p[SR_PATH_MAX];
		if (!sr_exists(sr, pci_path(p, "devices", d->name, "")))
			return -ENODEV;
		r = read_attrs(sr, d);
	}
	if (r < 0)
		return r;
	if (sr_dev_link(sr, d->name, "iommu_group", link, sizeof(link)) == 0) {
		char *end;
		long g = strtol(link, &end, 10);
		if (*end == '\0' && end != link && g >= 0 && g < 1000000)
			d->group = (int)g;
		else
			(void)snprintf(d->problem, sizeof(d->problem), "iommu_group link '%.40s' is not a group number", link);
	}
	if (d->class >> 8 == 0x0300) {
		int v;
		if (read_int_attr(sr, d->name, "boot_vga", &v) == 0)
			d->boot_vga = v ? 1 : 0;
	}
	if (sriov)
		read_sriov(sr, d);
	return 0;
}

static int add_group_members(const struct sysroot *sr, struct devtab *t, int group, bool sriov);
static void groups_from_dirs(const struct sysroot *sr, struct devtab *t);

static struct pci_dev *add_dev(struct devtab *t)
{
	GROW(t->v, t->cap, t->n);
	return &t->v[t->n++];
}

static int cmp_dev(const void *a, const void *b)
{
	return pci_addr_cmp(&((const struct pci_dev *)a)->addr, &((const struct pci_dev *)b)->addr);
}

/* The sysroot's kernel: proc/sys/kernel/osrelease; a tree without it
 * (recorded, generated) by its one lib/modules/ entry. Never the kernel
 * running the command unless the sysroot is "/": "" when unknown. */
static void read_kver(const struct sysroot *sr, struct devtab *t)
{
	struct utsname u;
	DIR *d;
	struct dirent *e;
	int found = 0;

	if (sr_read(sr, "proc/sys/kernel/osrelease", t->kver, sizeof(t->kver)) > 0)
		return;
	if (sr->is_root) {
		if (uname(&u) == 0)
			(void)snprintf(t->kver, sizeof(t->kver), "%s", u.release);
		return;
	}
	d = sr_opendir(sr, "lib/modules");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && found++ == 0)
			(void)snprintf(t->kver, sizeof(t->kver), "%.64s", e->d_name);
	if (d)
		(void)closedir(d);
	if (found != 1)
		t->kver[0] = '\0';
}

/* IOMMU on = at least one group. Counting them all is a full listing:
 * only the full scan pays for it, so an address-only config costs the same
 * on a host with 10 groups or 1000. */
static void scan_groups(const struct sysroot *sr, struct devtab *t, bool count)
{
	DIR *d = sr_opendir(sr, "sys/kernel/iommu_groups");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			t->ngroups++;
			if (!count)
				break;
		}
	(void)closedir(d);
	t->iommu = t->ngroups > 0;
	t->ngroups_known = count;
}

static void add_new(const struct sysroot *sr, struct devtab *t, const struct pci_addr *a, bool sriov);

static void add_one(const struct sysroot *sr, struct devtab *t, const struct pci_addr *a, bool sriov)
{
	if (!devtab_find(t, a))
		add_new(sr, t, a, sriov);
}

/* The caller knows a is not in the table yet (directory names are unique):
 * no lookup, so a full scan stays linear in the number of devices. */
static void add_new(const struct sysroot *sr, struct devtab *t, const struct pci_addr *a, bool sriov)
{
	struct pci_dev tmp;
	int r;

	r = scan_one(sr, a, sriov, &tmp);
	if (r == -ENODEV)
		return; /* gone; -ENOENT: its directory is there, its ids and class files are not */
	if (r < 0) {
		/* Kept, unidentified: a group holding it is refused. */
		struct pci_dev *d = add_dev(t);
		memset(d, 0, sizeof(*d));
		d->addr = *a;
		pci_addr_fmt(a, d->name);
		d->boot_vga = d->sriov_total = d->sriov_autoprobe = d->vf_index = -1;
		d->group = tmp.group;
		(void)snprintf(d->problem, sizeof(d->problem), "ids or class unreadable: %s", strerror(-r));
		sl_addf(&t->problems, "%s: cannot read its ids or class (%s)", d->name, strerror(-r));
		return;
	}
	*add_dev(t) = tmp;
}

void scan_add(const struct sysroot *sr, struct devtab *t, const struct pci_addr *a)
{
	size_t n0 = t->n;
	add_one(sr, t, a, true);
	if (t->n > n0 && t->v[n0].group >= 0)
		add_group_members(sr, t, t->v[n0].group, true);
	/* Appended, not sorted: plan indices into the table stay valid. */
}

int scan_full(const struct sysroot *sr, bool sriov, struct devtab *t)
{
	DIR *d;
	struct dirent *e;

	memset(t, 0, sizeof(*t));
	t->full = true;
	read_kver(sr, t);
	scan_groups(sr, t, true);
	d = sr_opendir(sr, "sys/bus/pci/devices");
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		struct pci_addr a;
		if (e->d_name[0] == '.')
			continue;
		if (pci_addr_parse(e->d_name, &a, NULL) < 0) {
			sl_addf(&t->problems, "sys/bus/pci/devices/%.40s: not a PCI address; ignored", e->d_name);
			continue;
		}
		add_new(sr, t, &a, sriov);
	}
	(void)closedir(d);
	groups_from_dirs(sr, t);
	if (t->n) /* qsort(NULL, 0, ...) is undefined (UBSan) */
		qsort(t->v, t->n, sizeof(*t->v), cmp_dev);
	return 0;
}

/* The kernel lists a group's members twice: each device's iommu_group link
 * and the group's devices/ dir. A member whose link could not be read takes
 * its group from the dir; a caller that cannot read the dir must not plan
 * the group from its links alone: a member bound without its group mates
 * leaves the group half on vfio-pci. */
static int add_group_members(const struct sysroot *sr, struct devtab *t, int group, bool sriov)
{
	char path[96];
	DIR *d;
	struct dirent *e;

	(void)snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices", group);
	d = sr_opendir(sr, path);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		struct pci_addr a;
		struct pci_dev *m;
		if (e->d_name[0] == '.' || pci_addr_parse(e->d_name, &a, NULL) < 0)
			continue;
		add_one(sr, t, &a, sriov);
		if ((m = devtab_find(t, &a)) && m->group < 0)
			m->group = group;
	}
	(void)closedir(d);
	return 0;
}

/* scan_full: devices whose iommu_group link was unreadable, from the
 * groups' devices/ dirs (only read when there are such devices). */
static void groups_from_dirs(const struct sysroot *sr, struct devtab *t)
{
	struct dirent *e;
	size_t i;
	DIR *d;

	for (i = 0; i < t->n && t->v[i].group >= 0; i++)
		;
	if (i == t->n || !t->iommu || !(d = sr_opendir(sr, "sys/kernel/iommu_groups")))
		return;
	while ((e = readdir(d))) {
		char *end;
		long g = strtol(e->d_name, &end, 10);
		if (e->d_name[0] != '.' && *end == '\0' && end != e->d_name && g >= 0 && g < 1000000)
			(void)add_group_members(sr, t, (int)g, true);
	}
	(void)closedir(d);
}

int scan_targets(const struct sysroot *sr, const struct config *cfg, bool slots, struct devtab *t)
{
	bool sriov = config_has_sriov(cfg);
	size_t named;

	memset(t, 0, sizeof(*t));
	read_kver(sr, t);
	scan_groups(sr, t, false);
	if (!sr_exists(sr, "sys/bus/pci/devices"))
		return -ENOENT;
	for (size_t i = 0; i < cfg->n; i++) {
		const struct rule *r = &cfg->rules[i];
		struct pci_addr a = r->sel.addr;
		if (r->kind == RULE_PROTECT || !selector_is_address(&r->sel))
			continue;
		if (r->sel.kind == SEL_ADDR) {
			add_one(sr, t, &a, sriov);
			continue;
		}
		for (unsigned f = 0; f < 8; f++) {
			a.func = (uint8_t)f;
			add_one(sr, t, &a, sriov);
		}
	}
	/* Existing VFs of named PFs (sriov rules): they are bound like any
	 * device, so they and their groups are part of the plan. */
	for (size_t i = 0, n0 = t->n; i < n0; i++) {
		for (int k = 0; t->v[i].sriov_num > 0 && k < t->v[i].sriov_num && k < SRIOV_VFS_MAX; k++) {
			char attr[32], link[64];
			struct pci_addr a;
			(void)snprintf(attr, sizeof(attr), "virtfn%d", k);
			if (sr_dev_link(sr, t->v[i].name, attr, link, sizeof(link)) == 0 && pci_addr_parse(link, &a, NULL) == 0)
				add_one(sr, t, &a, sriov);
		}
	}
	named = t->n;
	for (size_t i = 0; i < named; i++)
		if (t->v[i].group >= 0 && add_group_members(sr, t, t->v[i].group, sriov) < 0) {
			/* membership unknown: learn it from every device's link */
			devtab_free(t);
			return scan_full(sr, sriov, t);
		}
	/* The named cards' other functions, after the groups: read for check's
	 * hint only, they change no group's membership, so check plans what
	 * apply plans. */
	for (size_t i = 0; slots && i < cfg->n; i++) {
		struct pci_addr a = cfg->rules[i].sel.addr;
		if (cfg->rules[i].kind != RULE_BIND || cfg->rules[i].sel.kind != SEL_ADDR)
			continue;
		for (unsigned f = 0; f < 8; f++) {
			a.func = (uint8_t)f;
			add_one(sr, t, &a, sriov);
		}
	}
	if (t->n) /* qsort(NULL, 0, ...) is undefined (UBSan) */
		qsort(t->v, t->n, sizeof(*t->v), cmp_dev);
	return 0;
}

/* "../../../devices/pci0000:00/0000:00:01.1/0000:02:00.0" -> "00:01.1/00.0"
 * (pci_path_string; "" when the link is not what the kernel makes). */
static void read_path(const struct sysroot *sr, struct pci_dev *d)
{
	char link[SR_PATH_MAX];

	if (sr_readlink(sr, pci_path(link, "devices", d->name, ""), link, sizeof(link)) < 0 || pci_path_string(link, d->path, sizeof(d->path)) < 0)
		d->path[0] = '\0';
}

/* PCIe extended capability 0x0003 in config space. Unprivileged readers
 * see 64 bytes of it: false then, and *short_read set. */
static bool read_dsn(const struct sysroot *sr, const struct pci_dev *d, uint64_t *ret, bool *short_read)
{
	char p[SR_PATH_MAX];
	unsigned char cfg[4096];
	int fd = sr_open(sr, pci_path(p, "devices", d->name, "config"), O_RDONLY);
	ssize_t n;
	unsigned off = 0x100;

	if (fd < 0)
		return false;
	n = pread(fd, cfg, sizeof(cfg), 0);
	(void)close(fd);
	if (n < 0x108) {
		*short_read |= n == 64 && geteuid() != 0; /* what sysfs shows the unprivileged */
		return false;
	}
	for (int hops = 0; hops < 64 && off >= 0x100 && off + 12 <= (unsigned)n; hops++) {
		uint32_t h = (uint32_t)cfg[off] | (uint32_t)cfg[off + 1] << 8 | (uint32_t)cfg[off + 2] << 16 | (uint32_t)cfg[off + 3] << 24;
		if (h == 0 || h == 0xffffffffu)
			return false;
		if ((h & 0xffff) == 0x0003) {
			uint64_t lo = 0, hi = 0;
			for (int i = 3; i >= 0; i--) {
				lo = lo << 8 | cfg[off + 4 + (unsigned)i];
				hi = hi << 8 | cfg[off + 8 + (unsigned)i];
			}
			*ret = hi << 32 | lo;
			return true;
		}
		off = (h >> 20) & 0xffc;
	}
	return false;
}

unsigned config_selector_facts(const struct config *cfg)
{
	unsigned facts = 0;

	for (size_t i = 0; i < cfg->n; i++)
		facts |= cfg->rules[i].sel.kind == SEL_PHYSLOT	? FACT_PHYSSLOT
			 : cfg->rules[i].sel.kind == SEL_PATH	? FACT_PATH
			 : cfg->rules[i].sel.kind == SEL_SERIAL ? FACT_SERIAL
								: 0;
	return facts;
}

void scan_selector_facts(const struct sysroot *sr, unsigned facts, struct devtab *t, struct strlist *notes)
{
	bool short_read = false;
	DIR *dir;
	struct dirent *e;

	/* Several slots may give one address (firmware and pciehp both
	 * register one): the smallest name, whatever order readdir has. */
	if ((facts & FACT_PHYSSLOT) && (dir = sr_opendir(sr, "sys/bus/pci/slots"))) {
		while ((e = readdir(dir))) {
			char addr[32];
			struct pci_addr a;
			bool whole;
			if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(t->v[0].physslot) ||
			    sr_readf(sr, addr, sizeof(addr), "sys/bus/pci/slots/%s/address", e->d_name) <= 0 || pci_addr_parse(addr, &a, &whole) < 0 || !whole)
				continue; /* an empty hotplug slot has no address */
			for (size_t i = 0; i < t->n; i++)
				if (pci_same_slot(&t->v[i].addr, &a) && (!t->v[i].physslot[0] || strcmp(e->d_name, t->v[i].physslot) < 0))
					memcpy(t->v[i].physslot, e->d_name, strlen(e->d_name) + 1); /* length checked above */
		}
		(void)closedir(dir);
	}
	for (size_t i = 0; i < t->n; i++) {
		if (facts & FACT_PATH)
			read_path(sr, &t->v[i]);
		if (facts & FACT_SERIAL)
			t->v[i].has_dsn = read_dsn(sr, &t->v[i], &t->v[i].dsn, &short_read);
	}
	/* serial= names the card: functions without a DSN of their own take
	 * function 0's. */
	for (size_t i = 0; (facts & FACT_SERIAL) && i < t->n; i++)
		for (size_t j = 0; !t->v[i].has_dsn && j < t->n; j++)
			if (t->v[j].has_dsn && t->v[j].addr.func == 0 && pci_same_slot(&t->v[i].addr, &t->v[j].addr)) {
				t->v[i].has_dsn = true;
				t->v[i].dsn = t->v[j].dsn;
			}
	if (short_read)
		sl_addf(notes, "serial=: the Device Serial Numbers are in PCI config space beyond the first 64 bytes, which only root can read; run as root");
}
