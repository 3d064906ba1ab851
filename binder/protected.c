/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The PCI devices the host cannot lose: those behind the block devices of
 * /, /boot, /boot/efi, /usr and swap (through dm and md slaves/), and the
 * NIC of the default route (through bond/bridge/vlan lower_ links). Run
 * at image build time on the live host; the list goes into the image,
 * where nothing is mounted yet. */
#include "protected.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH_MAX 8
#define PATH_MAX_ 1024

/* sys/dev/block/8:1 + "../../devices/pci0000:00/..." -> sys/devices/pci0000:00/... */
static int resolve(const struct sysroot *sr, const char *link, char *out, size_t size)
{
	char target[PATH_MAX_], buf[2 * PATH_MAX_];
	char *parts[128];
	size_t np = 0;
	int r = sr_readlink(sr, link, target, sizeof(target));

	if (r < 0)
		return r;
	if (target[0] == '/')
		(void)snprintf(buf, sizeof(buf), "%s", target + 1);
	else {
		const char *slash = strrchr(link, '/');
		(void)snprintf(buf, sizeof(buf), "%.*s/%s", slash ? (int)(slash - link) : 0, link, target);
	}
	for (char *save = NULL, *p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (streq(p, "."))
			continue;
		if (streq(p, "..")) {
			if (np)
				np--;
			continue;
		}
		if (np == ARRAY_SIZE(parts))
			return -ENAMETOOLONG;
		parts[np++] = p;
	}
	out[0] = '\0';
	for (size_t i = 0; i < np; i++) {
		size_t l = strlen(out);
		if (l + strlen(parts[i]) + 2 > size)
			return -ENAMETOOLONG;
		(void)snprintf(out + l, size - l, "%s%s", i ? "/" : "", parts[i]);
	}
	return 0;
}

/* The nearest PCI function in a canonical device path. */
static bool pci_in_path(const char *path, struct pci_addr *ret)
{
	char buf[PATH_MAX_];
	bool found = false;

	(void)snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		struct pci_addr a;
		if (pci_addr_parse(p, &a, NULL) == 0 && strlen(p) >= 12) {
			*ret = a;
			found = true;
		}
	}
	return found;
}

static void block_dev(const struct sysroot *sr, const char *link, const char *why, int depth, struct protlist *prot, struct strlist *notes)
{
	char path[PATH_MAX_], sub[PATH_MAX_ + 300];
	struct pci_addr a;
	DIR *d;
	struct dirent *e;
	bool any = false;

	if (depth > DEPTH_MAX || resolve(sr, link, path, sizeof(path)) < 0) {
		sl_addf(notes, "%s: cannot follow %s to a device", why, link);
		return;
	}
	if (pci_in_path(path, &a)) {
		protlist_add(prot, &a, why);
		return;
	}
	/* dm / md: the device is virtual; its slaves are the real ones. A
	 * partition's slaves/ is its disk's, one level up. */
	(void)snprintf(sub, sizeof(sub), "%s/slaves", path);
	d = sr_opendir(sr, sub);
	if (!d && strrchr(path, '/')) {
		(void)snprintf(sub, sizeof(sub), "%.*s/slaves", (int)(strrchr(path, '/') - path), path);
		d = sr_opendir(sr, sub);
	}
	if (d) {
		while ((e = readdir(d))) {
			char l[PATH_MAX_ + 600];
			if (e->d_name[0] == '.')
				continue;
			(void)snprintf(l, sizeof(l), "%s/%s", sub, e->d_name);
			block_dev(sr, l, why, depth + 1, prot, notes);
			any = true;
		}
		(void)closedir(d);
	}
	if (!any)
		sl_addf(notes, "%s: %s is not behind a PCI device (virtual, loop or network storage?)", why, path);
}

static void block_by_name(const struct sysroot *sr, const char *dev, const char *why, struct protlist *prot, struct strlist *notes)
{
	char link[PATH_MAX_];
	const char *name;

	if (startswith(dev, "/dev/mapper/")) {
		/* dm names live in dm/name; look them up. */
		DIR *d = sr_opendir(sr, "sys/class/block");
		struct dirent *e;
		const char *want = dev + strlen("/dev/mapper/");
		if (!d)
			return;
		while ((e = readdir(d))) {
			char n[256];
			if (startswith(e->d_name, "dm-") && sr_readf(sr, n, sizeof(n), "sys/class/block/%s/dm/name", e->d_name) > 0 && streq(n, want)) {
				(void)snprintf(link, sizeof(link), "sys/class/block/%s", e->d_name);
				block_dev(sr, link, why, 0, prot, notes);
				break;
			}
		}
		(void)closedir(d);
		return;
	}
	if (!startswith(dev, "/dev/"))
		return;
	name = strrchr(dev, '/') + 1;
	if (!*name || streq(name, "..") || streq(name, "."))
		return;
	(void)snprintf(link, sizeof(link), "sys/class/block/%s", name);
	block_dev(sr, link, why, 0, prot, notes);
}

struct mount {
	unsigned maj, min;
	char point[256];
	char source[256];
};

/* mountinfo escapes spaces as \040; the points we care about have none. */
static size_t read_mounts(const struct sysroot *sr, struct mount **ret)
{
	char *text = NULL;
	struct mount *v = NULL;
	size_t n = 0, cap = 0;

	if (sr_read_all(sr, "proc/self/mountinfo", 4 << 20, &text, NULL) < 0)
		return 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		/* id parent MAJ:MIN root point opts... - fstype source superopts */
		struct mount m = { 0 };
		char *dash = strstr(l, " - "), *f[6], *g[3], *colon;
		if (!dash)
			continue;
		*dash = '\0';
		if (split_ws(l, f, 6) < 5 || split_ws(dash + 3, g, 3) < 2 || !(colon = strchr(f[2], ':')))
			continue;
		*colon = '\0';
		m.maj = (unsigned)strtoul(f[2], NULL, 10);
		m.min = (unsigned)strtoul(colon + 1, NULL, 10);
		copy_until(m.point, sizeof(m.point), f[4], '\0');
		copy_until(m.source, sizeof(m.source), g[1], '\0');
		GROW(v, cap, n);
		v[n++] = m;
	}
	free(text);
	*ret = v;
	return n;
}

static void mount_dev(const struct sysroot *sr, const struct mount *m, const char *why, struct protlist *prot, struct strlist *notes)
{
	char link[64];
	/* btrfs and friends report an anonymous 0:N; use the source then. */
	if (m->maj == 0) {
		block_by_name(sr, m->source, why, prot, notes);
		return;
	}
	(void)snprintf(link, sizeof(link), "sys/dev/block/%u:%u", m->maj, m->min);
	block_dev(sr, link, why, 0, prot, notes);
}

static void mounts_and_swap(const struct sysroot *sr, struct protlist *prot, struct strlist *notes)
{
	static const char *const points[] = { "/", "/boot", "/boot/efi", "/efi", "/usr", "/var" };
	struct mount *m = NULL;
	size_t n = read_mounts(sr, &m);
	char *swaps = NULL;

	for (size_t p = 0; p < ARRAY_SIZE(points); p++) {
		const struct mount *last = NULL;
		for (size_t i = 0; i < n; i++)
			if (streq(m[i].point, points[p]))
				last = &m[i]; /* the topmost mount wins */
		if (last) {
			char why[320];
			(void)snprintf(why, sizeof(why), "holds %s (%s)", points[p], last->source);
			mount_dev(sr, last, why, prot, notes);
		}
	}
	if (sr_read_all(sr, "proc/swaps", 1 << 20, &swaps, NULL) == 0) {
		for (char *save = NULL, *l = strtok_r(swaps, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *f[2], why[320];
			if (split_ws(l, f, 2) != 2 || streq(f[0], "Filename"))
				continue;
			const char *file = f[0], *type = f[1];
			(void)snprintf(why, sizeof(why), "holds swap %s", file);
			if (streq(type, "partition")) {
				block_by_name(sr, file, why, prot, notes);
				continue;
			}
			const struct mount *best = NULL; /* swap file: its filesystem */
			for (size_t i = 0; i < n; i++)
				if (startswith(file, m[i].point) && (!best || strlen(m[i].point) >= strlen(best->point)))
					best = &m[i];
			if (best)
				mount_dev(sr, best, why, prot, notes);
		}
		free(swaps);
	}
	free(m);
}

static void net_dev(const struct sysroot *sr, const char *ifname, const char *why, int depth, struct protlist *prot, struct strlist *notes)
{
	char link[300], path[PATH_MAX_];
	struct pci_addr a;
	DIR *d;
	struct dirent *e;

	if (depth > DEPTH_MAX || strchr(ifname, '/') || streq(ifname, "..") || streq(ifname, "."))
		return;
	(void)snprintf(link, sizeof(link), "sys/class/net/%s", ifname);
	if (resolve(sr, link, path, sizeof(path)) < 0) {
		sl_addf(notes, "%s: no sysfs entry for %s", why, ifname);
		return;
	}
	if (pci_in_path(path, &a)) {
		char full[256];
		if (depth > 0)
			(void)snprintf(full, sizeof(full), "%s (port %s)", why, ifname);
		protlist_add(prot, &a, depth > 0 ? full : why);
		return;
	}
	d = sr_opendir(sr, path);
	if (!d)
		return;
	while ((e = readdir(d)))
		if (startswith(e->d_name, "lower_"))
			net_dev(sr, e->d_name + 6, why, depth + 1, prot, notes);
	(void)closedir(d);
}

static void default_route(const struct sysroot *sr, struct protlist *prot, struct strlist *notes)
{
	char *text = NULL;

	if (sr_read_all(sr, "proc/net/route", 1 << 20, &text, NULL) == 0) {
		for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
			char *f[8], why[128];
			if (split_ws(l, f, 8) != 8 || !streq(f[1], "00000000") || !streq(f[7], "00000000"))
				continue;
			const char *ifname = f[0];
			(void)snprintf(why, sizeof(why), "default route via %s", ifname);
			net_dev(sr, ifname, why, 0, prot, notes);
		}
		free(text);
	}
	if (sr_read_all(sr, "proc/net/ipv6_route", 1 << 20, &text, NULL) == 0) {
		for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			/* dest plen src splen nexthop metric refcnt use flags iface */
			char *f[10], why[128];
			if (split_ws(l, f, 10) != 10)
				continue;
			const char *ifname = f[9];
			if (!streq(f[0], "00000000000000000000000000000000") || !streq(f[1], "00") || streq(ifname, "lo"))
				continue;
			(void)snprintf(why, sizeof(why), "IPv6 default route via %s", ifname);
			net_dev(sr, ifname, why, 0, prot, notes);
		}
		free(text);
	}
}

void protected_compute(const struct sysroot *sr, struct protlist *prot, struct strlist *notes)
{
	mounts_and_swap(sr, prot, notes);
	default_route(sr, prot, notes);
}
