/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM configuration to paste for what the plan puts on vfio-pci: QEMU
 * arguments, a Proxmox `qm set`, libvirt <hostdev> elements. Pure.
 * Functions of one slot stay together as one multifunction device in the
 * guest (GPU + its HDA); the first VGA-class function 0 gets x-vga. */
#include "snippets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	const struct pci_dev *f[8];
	size_t n;
};

/* Targets by slot, in address order (the plan's groups are sorted). */
static size_t collect(const struct devtab *t, const struct plan *p, struct slot **ret)
{
	struct slot *s = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < p->n; i++) {
		if (p->g[i].act == GA_REFUSE)
			continue;
		for (size_t k = 0; k < p->g[i].n; k++) {
			const struct pci_dev *d = &t->v[p->g[i].devs[k].idx];
			size_t j = 0;
			if (!plan_dev_to_vfio(&p->g[i].devs[k], d))
				continue;
			while (j < n && !pci_same_slot(&s[j].f[0]->addr, &d->addr))
				j++;
			if (j == n) {
				GROW(s, cap, n);
				memset(&s[n++], 0, sizeof(*s));
			}
			if (s[j].n < ARRAY_SIZE(s[j].f))
				s[j].f[s[j].n++] = d;
		}
	}
	*ret = s;
	return n;
}

static bool is_vga(const struct pci_dev *d)
{
	return d->class >> 8 == 0x0300;
}

void snippets_build(const struct devtab *t, const struct plan *p, struct snippets *ret)
{
	struct slot *s;
	size_t n = collect(t, p, &s);
	struct strbuf pve = { 0 };
	bool vga_done = false;

	memset(ret, 0, sizeof(*ret));
	for (size_t j = 0; j < n; j++) {
		const struct pci_dev *f0 = s[j].f[0];
		bool multi = s[j].n > 1, xvga = !vga_done && is_vga(f0) && !f0->is_vf;
		struct strbuf q = { 0 };
		char slotname[PCI_ADDR_MAX];

		vga_done |= xvga;
		/* a root port per slot: q35 guests see a PCIe device, as on the host */
		sb_printf(&q, "-device pcie-root-port,id=vfio%zu,chassis=%zu,slot=0", j, 100 + j);
		for (size_t k = 0; k < s[j].n; k++) {
			const struct pci_dev *d = s[j].f[k];
			sb_printf(&q, " -device vfio-pci,host=%s,bus=vfio%zu,addr=00.%u%s%s", d->name, j, multi ? d->addr.func : 0,
				  multi && k == 0 ? ",multifunction=on" : "", xvga && k == 0 ? ",x-vga=on" : "");
			sl_add(&ret->libvirt, xasprintf("<hostdev mode='subsystem' type='pci' managed='no'>\n"
							"  <source>\n"
							"    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n"
							"  </source>\n"
							"</hostdev>",
							d->addr.domain, d->addr.bus, d->addr.slot, d->addr.func));
		}
		if (xvga)
			sb_puts(&q, " -vga none");
		sl_add(&ret->qemu, sb_steal(&q));
		/* Proxmox passes every function of a slot when the function is left out. */
		(void)snprintf(slotname, sizeof(slotname), "%s", f0->name);
		if (multi)
			slotname[strlen(slotname) - 2] = 0;
		sb_printf(&pve, "%s -hostpci%zu %s,pcie=1%s", pve.len ? "" : "qm set VMID", j, slotname, xvga ? ",x-vga=1" : "");
	}
	ret->proxmox = pve.len ? sb_steal(&pve) : NULL;
	free(s);
}

void snippets_free(struct snippets *s)
{
	sl_free(&s->qemu);
	sl_free(&s->libvirt);
	free(s->proxmox);
	memset(s, 0, sizeof(*s));
}

void snippets_json(const struct snippets *s, struct json *j)
{
	json_begin_obj(j, "snippets");
	json_begin_arr(j, "qemu");
	for (size_t i = 0; i < s->qemu.n; i++)
		json_str(j, NULL, s->qemu.v[i]);
	json_end_arr(j);
	json_str(j, "proxmox", s->proxmox);
	json_begin_arr(j, "libvirt");
	for (size_t i = 0; i < s->libvirt.n; i++)
		json_str(j, NULL, s->libvirt.v[i]);
	json_end_arr(j);
	json_end_obj(j);
}

void snippets_text(const struct snippets *s, struct strbuf *sb)
{
	if (!s->qemu.n)
		return;
	sb_puts(sb, "\nVM snippets for what would be on vfio-pci:\n  QEMU (q35):\n");
	for (size_t i = 0; i < s->qemu.n; i++)
		sb_printf(sb, "    %s\n", s->qemu.v[i]);
	sb_printf(sb, "  Proxmox (q35 machine):\n    %s\n", s->proxmox);
	sb_puts(sb, "  libvirt ('virsh edit VM', inside <devices>; managed='no': vfio-early already binds them):\n");
	for (size_t i = 0; i < s->libvirt.n; i++) {
		const char *l = s->libvirt.v[i];
		while (*l) {
			size_t n = strcspn(l, "\n");
			sb_printf(sb, "    %.*s\n", (int)n, l);
			l += n + (l[n] == '\n');
		}
	}
}
