/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: arbitrary bytes as a config file, then the rules it
 * yields planned against a small fixed device table, as check and apply
 * would. Besides the sanitizers it asserts the parser's promises: errors
 * carry "FILE:LINE: ", every accepted address formats back to something
 * that cannot leave sys/bus/pci/devices, VF ranges stay inside vfs=N; mdev
 * rules name parents and types that stay inside sysfs, every UUID once, and
 * their plan creates no UUID twice. */
#include "plan_mdev.h"

/* VF identity: MACs are unicast, non-zero, within their OUI and unique in
 * an accepted config; the SR-IOV plan wants identity on network PFs only. */
#include "plan_sriov.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FATAL(...)                                            \
	do {                                                  \
		fprintf(stderr, "fuzz_config: " __VA_ARGS__); \
		abort();                                      \
	} while (0)

static void dev(struct devtab *t, const char *addr, uint16_t v, uint16_t d, uint32_t cls, int group, const char *drv)
{
	struct pci_dev *x;

	GROW(t->v, t->cap, t->n);
	x = &t->v[t->n++];
	memset(x, 0, sizeof(*x));
	if (pci_addr_parse(addr, &x->addr, NULL) < 0)
		abort();
	pci_addr_fmt(&x->addr, x->name);
	x->vendor = v;
	x->device = d;
	x->sub_vendor = v;
	x->sub_device = d;
	x->class = cls;
	x->group = group;
	x->boot_vga = (cls >> 8) == 0x0300 ? 0 : -1;
	x->sriov_total = -1;
	x->vf_index = -1;
	(void)snprintf(x->driver, sizeof(x->driver), "%s", drv);
}

static void fixed_table(struct devtab *t)
{
	memset(t, 0, sizeof(*t));
	t->iommu = true;
	t->full = true;
	t->ngroups = 6;
	(void)snprintf(t->kver, sizeof(t->kver), "6.1.0-fuzz");
	dev(t, "0000:00:00.0", 0x8086, 0x1237, 0x060000, 0, "");
	dev(t, "0000:00:01.0", 0x8086, 0x1901, 0x060400, 1, "pcieport");
	dev(t, "0000:01:00.0", 0x10de, 0x2204, 0x030000, 1, "nouveau");
	dev(t, "0000:01:00.1", 0x10de, 0x1aef, 0x040300, 1, "snd_hda_intel");
	dev(t, "0000:02:00.0", 0x10de, 0x2204, 0x030000, 2, "vfio-pci");
	dev(t, "0000:00:1f.2", 0x8086, 0x2922, 0x010601, 3, "ahci");
	dev(t, "0000:03:00.0", 0x8086, 0x1521, 0x020000, 4, "igb");
	t->v[t->n - 1].sriov_total = 7;
	dev(t, "0000:03:10.0", 0x8086, 0x1520, 0x020000, 5, "igbvf");
	t->v[t->n - 1].is_vf = true;
	t->v[t->n - 1].physfn = t->v[t->n - 2].addr;
	t->v[t->n - 1].vf_index = 0;
	dev(t, "0000:04:00.0", 0x1b36, 0x0010, 0x010802, -1, "nvme");
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Every MAC a rule gives is a VF's own; without errors, none twice. */
static void check_macs(const struct config *c, bool clean)
{
	uint64_t *all = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct rule *r = &c->rules[i];
		const struct vfid_rule *id = &r->vfid;
		if (r->kind != RULE_SRIOV) {
			if (vfid_rule_wanted(id))
				FATAL("VF identity on a non-sriov rule\n");
			continue;
		}
		if (id->nmacs > r->numvfs || id->mac_first + id->nmacs > c->nvf_macs || (id->mac_seq && id->nmacs))
			FATAL("MAC list %zu+%zu of %zu with vfs=%u\n", id->mac_first, id->nmacs, c->nvf_macs, r->numvfs);
		if (id->has_vlan && id->vlan > VLAN_ID_MAX)
			FATAL("vlan %u\n", id->vlan);
		if (id->trust > ONOFF_ON || id->spoofchk > ONOFF_ON)
			FATAL("bad on/off\n");
		for (unsigned k = 0; k < r->numvfs; k++) {
			uint64_t m;
			if (!vfid_rule_mac(c, id, k, &m))
				continue;
			if (m == 0 || mac_is_multicast(m) || m >> 48 || (id->mac_seq && (m >> 24) != (id->mac_base >> 24)))
				FATAL("rule %zu VF %u: MAC %012llx\n", i, k, (unsigned long long)m);
			GROW(all, cap, n);
			all[n++] = m;
		}
	}
	if (clean && n) {
		qsort(all, n, sizeof(*all), u64_cmp);
		for (size_t i = 1; i < n; i++)
			if (all[i] == all[i - 1])
				FATAL("MAC %012llx twice in an accepted config\n", (unsigned long long)all[i]);
	}
	free(all);
}

static void check_rule(const struct rule *r)
{
	char a[PCI_ADDR_MAX];

	pci_addr_fmt(&r->sel.addr, a);
	if (strlen(a) > 16 || strchr(a, '/') || strstr(a, ".."))
		FATAL("rule address formats as '%s'\n", a);
	if (r->sel.kind > SEL_SERIAL || r->kind > RULE_SRIOV)
		FATAL("bad enum\n");
	if (r->sel.kind == SEL_PHYSLOT && (!r->sel.name[0] || strchr(r->sel.name, '/') || streq(r->sel.name, "..")))
		FATAL("slot name '%s' could leave sys/bus/pci/slots\n", r->sel.name);
	if (r->sel.kind == SEL_PATH) {
		char again[SEL_NAME_MAX];
		if (pci_path_canon(r->sel.name, again, sizeof(again)) < 0 || strcmp(again, r->sel.name))
			FATAL("path '%s' is not in canonical form\n", r->sel.name);
	}
	if (r->sel.addr.slot > 0x1f || r->sel.addr.func > 7)
		FATAL("slot/function out of range\n");
	if (r->nranges > VF_RANGES_MAX)
		FATAL("nranges %zu\n", r->nranges);
	if (r->kind == RULE_SRIOV) {
		if (r->numvfs < 1 || r->numvfs > SRIOV_VFS_MAX)
			FATAL("numvfs %u\n", r->numvfs);
		for (size_t k = 0; k < r->nranges; k++)
			if (r->ranges[k].first > r->ranges[k].last || r->ranges[k].last >= r->numvfs)
				FATAL("range %u-%u with vfs=%u\n", r->ranges[k].first, r->ranges[k].last, r->numvfs);
	}
}

static void check_mdev(const struct config *c, const struct devtab *t)
{
	static struct mdev_type_info types[2] = { { .name = "mtty-1", .available = 24 }, { .name = "mtty-2", .available = 1 } };
	struct mdev_facts f = { 0 };
	struct mdev_parent_info p[3] = { { .name = "mtty", .registered = true, .types = types, .ntypes = 2 },
					 { .name = "0000:01:00.0", .is_pci = true, .pci = 2, .found = true, .driver = "nouveau" },
					 { .name = "0000:02:00.0", .is_pci = true, .pci = 4, .found = true, .to_vfio = true } };
	struct findings out = { 0 };
	struct mdev_plan mp;
	size_t want = 0;

	for (size_t i = 0; i < c->nmdev; i++) {
		const struct mdev_rule *r = &c->mdev[i];
		if (!mdev_name_ok(r->type) || strchr(r->type, '/') || (r->by_name && (!mdev_name_ok(r->parent) || strchr(r->parent, '/'))))
			FATAL("mdev rule %zu: a name that could leave sysfs\n", i);
		if (r->count < 1 || r->count > MDEV_COUNT_MAX || r->nuuids > r->count)
			FATAL("mdev rule %zu: count %u, %zu UUIDs\n", i, r->count, r->nuuids);
		for (size_t k = 0; k <= i; k++)
			for (size_t a = 0; a < c->mdev[k].nuuids; a++)
				for (size_t b = 0; b < r->nuuids; b++)
					if ((k != i || a != b) && uuid_eq(&c->mdev[k].uuids[a], &r->uuids[b]))
						FATAL("mdev: a UUID given twice was accepted\n");
		if (r->by_name && streq(r->parent, "mtty"))
			want += r->count;
	}
	f.t = *t;
	f.p = p;
	f.np = 3;
	plan_mdev(c, &f, &mp, &out);
	for (size_t i = 0; i < mp.n; i++) {
		if (mp.v[i].parent >= 3 || mp.v[i].rule >= c->nmdev || mp.v[i].index >= c->mdev[mp.v[i].rule].count)
			FATAL("mdev plan: instance out of range\n");
		if (mp.v[i].act == MA_CREATE && mp.v[i].parent != 0)
			FATAL("mdev plan: creates on a parent that is not registered\n");
		want -= mp.v[i].parent == 0;
		for (size_t k = 0; k < i; k++)
			if (uuid_eq(&mp.v[i].uuid, &mp.v[k].uuid) && mp.v[i].act != MA_DUPLICATE)
				FATAL("mdev plan: one UUID planned twice\n");
	}
	if (want)
		FATAL("mdev plan: %zu instances on mtty missing\n", want);
	mdev_plan_free(&mp);
	findings_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct devtab t;
	static bool init;
	struct config c;
	struct protlist prot = { 0 };
	struct plan p;
	size_t nerr;
	/* An exact-size copy: ASan catches any read past the end. */
	char *text = malloc(size ? size : 1);

	if (!init) {
		fixed_table(&t);
		init = true;
	}
	if (size)
		memcpy(text, data, size);
	config_init(&c, "fuzz.conf");
	nerr = config_parse(&c, text, size);
	if (nerr != c.errors.n)
		FATAL("returned %zu errors, recorded %zu\n", nerr, c.errors.n);
	if (nerr > 101)
		FATAL("%zu errors: the cap is 100 + 1\n", nerr);
	for (size_t i = 0; i < c.errors.n; i++)
		if (strncmp(c.errors.v[i], "fuzz.conf:", 10) != 0 || strlen(c.errors.v[i]) > 4096)
			FATAL("error without FILE:LINE or too long: '%.80s'\n", c.errors.v[i]);
	for (size_t i = 0; i < c.n; i++)
		check_rule(&c.rules[i]);
	check_macs(&c, nerr == 0);
	if (c.bind_timeout_ms > 30000 || c.vf_timeout_ms > 30000)
		FATAL("timeout out of range\n");
	check_mdev(&c, &t);
	protlist_add(&prot, &t.v[5].addr, "holds / (fuzz)");
	plan_build(&c, &t, &prot, &p);
	for (size_t i = 0; i < p.n; i++)
		for (size_t k = 0; k < p.g[i].n; k++) {
			if (p.g[i].devs[k].idx >= t.n)
				FATAL("plan index out of the table\n");
			/* The protected SATA controller is never bound. */
			if (p.g[i].devs[k].idx == 5 && p.g[i].devs[k].act == DA_BIND)
				FATAL("plan binds a protected device\n");
			/* Neither is a bridge. */
			if (pci_class_is_bridge(t.v[p.g[i].devs[k].idx].class) && p.g[i].devs[k].act == DA_BIND)
				FATAL("plan binds a bridge\n");
		}
	{
		struct sriov_plan sp;
		struct findings f = { 0 };
		plan_sriov(&c, &t, &p, &sp, &f);
		for (size_t i = 0; i < sp.n; i++)
			if (sp.v[i].id.wanted && !sp.v[i].id.refused && (t.v[sp.v[i].pf].class >> 16) != 0x02)
				FATAL("VF identity planned on %s, not a network PF\n", t.v[sp.v[i].pf].name);
		sriov_plan_free(&sp);
		findings_free(&f);
	}
	plan_free(&p);
	protlist_free(&prot);
	config_free(&c);
	free(text);
	return 0;
}
