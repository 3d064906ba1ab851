/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host doctor's judgement: host facts x device table x plan -> findings,
 * each with a stable code and a remedy. Pure: no I/O, no globals. The codes
 * are listed in conf/check-json.md. */
#include "doctor.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define GROUP_LARGE 6 /* endpoints; a GPU with all its functions has at most 4 */

#define REBUILD_IMAGE "rebuild the image: 'update-initramfs -u -k %s' (Debian/Ubuntu) or 'dracut -f --kver %s' (Fedora, RHEL, Arch with dracut)"
#define ACS_NOTE                                                                                                                      \
	"use a slot wired to the CPU, or update the firmware / enable ACS in its setup; pcie_acs_override only pretends the devices are " \
	"isolated (they can still reach each other by DMA): a security trade-off, never a fix"
#define GRUB_NOTE "(Debian: GRUB_CMDLINE_LINUX in /etc/default/grub, then 'update-grub'; reboot)"

bool doctor_is_target(const struct plan_dev *pd, const struct pci_dev *d)
{
	return (pd->act == DA_BIND || pd->act == DA_ALREADY) && !pci_class_is_bridge(d->class);
}

const char *iommu_vendor_name(enum iommu_vendor v)
{
	return v == IOMMU_INTEL ? "intel" : v == IOMMU_AMD ? "amd" : v == IOMMU_OTHER ? "other" : NULL;
}

static const char *mod_state_name(enum mod_state m)
{
	return m == MOD_BUILTIN ? "builtin" : m == MOD_MODULE ? "module" : m == MOD_MISSING ? "missing" : "unknown";
}

/* The value of the last "key=value" (or "" for a bare "key") before "--",
 * where init's arguments start; NULL when absent. */
const char *cmdline_value(const char *cmdline, const char *key, char *buf, size_t size)
{
	const char *found = NULL;
	size_t kl = strlen(key);

	for (const char *p = cmdline; p && *p;) {
		size_t n;
		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n == 2 && startswith(p, "--"))
			break;
		if (n >= kl && !strncmp(p, key, kl) && (n == kl || p[kl] == '=')) {
			(void)snprintf(buf, size, "%.*s", n == kl ? 0 : (int)(n - kl - 1), p + kl + 1);
			found = buf;
		}
		p += n;
	}
	return found;
}

static bool cmdline_has(const char *cmdline, const char *key, const char *val)
{
	char buf[64];
	const char *v = cmdline_value(cmdline, key, buf, sizeof(buf));
	if (!v)
		return false;
	/* comma lists: intel_iommu=on,igfx_off */
	for (const char *p = v; *p; p += strcspn(p, ","), p += *p == ',') {
		size_t n = strcspn(p, ",");
		if (n == strlen(val) && !strncmp(p, val, n))
			return true;
	}
	return false;
}

static void eval_iommu_off(const struct hostfacts *h, struct findings *out)
{
	const char *cl = h->cmdline;
	bool amd = h->vendor == IOMMU_AMD || streq(h->cpu_vendor, "AuthenticAMD");
	bool intel = h->vendor == IOMMU_INTEL || streq(h->cpu_vendor, "GenuineIntel");

	if (!cl)
		return;
	if (cmdline_has(cl, "intel_iommu", "off") || cmdline_has(cl, "amd_iommu", "off") || cmdline_has(cl, "iommu", "off")) {
		findings_add(out, SEV_ERROR, "iommu-cmdline-off", "host", "remove intel_iommu=off / amd_iommu=off / iommu=off from the kernel command line " GRUB_NOTE,
			     "the kernel command line turns the IOMMU off");
	} else if (!amd && !cmdline_has(cl, "intel_iommu", "on")) {
		findings_add(out, SEV_ERROR, "iommu-cmdline-missing", "host",
			     "add intel_iommu=on (Intel VT-d; AMD-Vi needs no flag) " GRUB_NOTE "; VT-d must also be enabled in the firmware setup",
			     "the kernel command line lacks intel_iommu=on%s", intel ? "" : " (CPU vendor unknown: an AMD host needs no flag)");
	} else {
		findings_add(out, SEV_ERROR, "iommu-firmware-off", "host",
			     "enable VT-d (Intel) / IOMMU and SVM (AMD) in the firmware setup; in a virtual machine give it a virtual IOMMU (QEMU: -device intel-iommu,intremap=on)",
			     "the kernel command line asks for the IOMMU%s but none registered: the firmware has it disabled or the platform has none",
			     amd ? " (AMD-Vi is on by default)" : "");
	}
}

static void eval_iommu_on(const struct hostfacts *h, struct findings *out)
{
	const char *cl = h->cmdline ? h->cmdline : "";
	bool pt = cmdline_has(cl, "iommu", "pt");

	if (h->vendor == IOMMU_INTEL && !cmdline_has(cl, "intel_iommu", "on"))
		findings_add(out, SEV_INFO, "iommu-cmdline-implicit", "host", "optional: add intel_iommu=on so a kernel built with another default keeps it on " GRUB_NOTE,
			     "the IOMMU is on by this kernel's default (CONFIG_INTEL_IOMMU_DEFAULT_ON), not by intel_iommu=on");
	if (pt)
		findings_add(out, SEV_INFO, "iommu-passthrough", "host", "none needed",
			     "iommu=pt: host devices use identity DMA mapping (less overhead); devices given to VMs are still translated and isolated");
	if (h->ir_irqs == TRI_YES)
		return;
	bool off_cl = cmdline_has(cl, "intremap", "off") || cmdline_has(cl, "intremap", "no") || cmdline_has(cl, "amd_iommu_intr", "off");
	if (h->ir_irqs == TRI_NO || h->ir_ecap == TRI_NO || off_cl) {
		const char *why = off_cl ? "the kernel command line turns it off (intremap=off)"
			: h->ir_ecap == TRI_NO ? "the IOMMU does not offer it (VT-d ECAP bit 3 clear)"
					       : "no IR- interrupt chips in /proc/interrupts";
		findings_add(out, SEV_WARN, "interrupt-remapping-off", "host",
			     off_cl ? "remove intremap=off from the kernel command line " GRUB_NOTE
				    : "enable interrupt remapping / x2APIC in the firmware setup; if the hardware has none, vfio_iommu_type1.allow_unsafe_interrupts=1 lets VMs start but lets a device "
				      "forge interrupts into the host (MSI injection): a security trade-off vfio-early never applies for you",
			     "interrupt remapping is off: %s; vfio refuses to give devices to VMs (\"No interrupt remapping support\")", why);
	} else if (h->ir_ecap != TRI_YES) {
		findings_add(out, SEV_INFO, "interrupt-remapping-unknown", "host", "look for 'Interrupt remapping enabled' (AMD-Vi) or 'Enabled IRQ remapping' (DMAR) in 'dmesg'",
			     "interrupt remapping: no evidence either way (no readable /proc/interrupts%s)", h->vendor == IOMMU_AMD ? "; AMD-Vi does not show it in sysfs" : "");
	}
}

static void eval_modules(const struct hostfacts *h, const char *kver, struct findings *out)
{
	char rem[200];

	if (!h->modules_dir) {
		(void)snprintf(rem, sizeof(rem), "install the modules of the running kernel (Debian: apt install linux-image-%s) or boot a kernel whose modules are installed", kver);
		findings_add(out, SEV_WARN, "modules-missing", "host", rem, "/lib/modules/%s does not exist: the running kernel's modules (vfio-pci among them) are not installed", kver);
		return;
	}
	if (h->vfio_pci == MOD_UNKNOWN) {
		(void)snprintf(rem, sizeof(rem), "run 'depmod %s'", kver);
		findings_add(out, SEV_INFO, "modules-dep-missing", "host", rem, "/lib/modules/%s/modules.dep is missing: cannot tell whether vfio-pci exists", kver);
		return;
	}
	if (h->vfio_pci == MOD_MISSING || h->vfio == MOD_MISSING || h->type1 == MOD_MISSING) {
		(void)snprintf(rem, sizeof(rem), "install the kernel package that carries them (Debian: linux-image-%s) or build the kernel with CONFIG_VFIO_PCI=m", kver);
		findings_add(out, SEV_ERROR, "vfio-modules-missing", "host", rem, "vfio modules for kernel %s: vfio-pci %s, vfio %s, vfio_iommu_type1 %s", kver,
			     mod_state_name(h->vfio_pci), mod_state_name(h->vfio), mod_state_name(h->type1));
	}
}

static bool same_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && (!an || !memcmp(a, b, an));
}

static void eval_image(const struct hostfacts *h, const char *kver, bool wanted, struct findings *out)
{
	const struct initrd_facts *f = &h->img;
	char rem[400];

	(void)snprintf(rem, sizeof(rem), REBUILD_IMAGE, kver, kver);
	switch (f->state) {
	case IMG_NO_BOOT:
		return;
	case IMG_MISSING:
		findings_add(out, SEV_WARN, "initramfs-missing", "host", rem, "no initramfs image for kernel %s in /boot (initrd.img-%s or initramfs-%s.img)%s", kver, kver, kver,
			     " (is /boot mounted?)");
		return;
	case IMG_UNREADABLE:
		(void)snprintf(rem, sizeof(rem), "list it yourself: 'lsinitramfs /%s | grep vfio' (Debian) or 'lsinitrd /%s | grep vfio' (dracut)", f->path, f->path);
		findings_add(out, SEV_INFO, "initramfs-unreadable", "host", rem, "/%s: contents unknown: %s", f->path, f->why);
		return;
	case IMG_READ:
		break;
	}
	if (!wanted)
		return;
	if (!f->has_binary) {
		findings_add(out, SEV_ERROR, "initramfs-no-vfio-early", "host", rem,
			     "/%s has no vfio-early binary: boot binds nothing (hook not installed, or the image predates it)", f->path);
		return;
	}
	if (!f->has_boot_script)
		findings_add(out, SEV_ERROR, "initramfs-no-boot-script", "host", rem, "/%s has the vfio-early binary but no boot script that runs it", f->path);
	if (h->vfio_pci != MOD_BUILTIN && !f->has_vfio_pci)
		findings_add(out, SEV_ERROR, "initramfs-no-vfio-modules", "host", rem, "/%s has no vfio-pci module: the early bind cannot load it", f->path);
	if (h->config_read && !f->has_config)
		findings_add(out, SEV_ERROR, "initramfs-config-stale", "host", rem, "/%s has no /etc/vfio-early.conf: boot binds nothing", f->path);
	else if (h->config_read && !same_bytes(f->config, f->config_len, h->config, h->config_len))
		findings_add(out, SEV_ERROR, "initramfs-config-stale", "host", rem,
			     "the /etc/vfio-early.conf inside /%s differs from the current config: boot follows the old one", f->path);
}

static void eval_target(const struct hostfacts *h, const struct target_facts *tg, const struct pci_dev *d, struct findings *out)
{
	if (tg->driver_builtin == TRI_YES)
		findings_add(out, SEV_ERROR, "driver-builtin", d->name,
			     "no initramfs runs before a built-in driver: build that driver as a module (=m), or keep it from starting with initcall_blacklist=<its init function> (see System.map), "
			     "or rebind after boot with 'vfio-early apply'",
			     "%s is held by %s, which is built into the kernel: it binds before the initramfs runs", d->name, d->driver);
	for (size_t b = 0; b < 6; b++)
		for (size_t k = 0; k < h->nfb && tg->bar_end[b]; k++) {
			const struct fb_range *fb = &h->fb[k];
			if (fb->start > tg->bar_end[b] || fb->end < tg->bar_start[b])
				continue;
			findings_add(out, SEV_WARN, "framebuffer-overlap", d->name,
				     "add initcall_blacklist=sysfb_init to the kernel command line (kernel 5.15+; older kernels: video=efifb:off video=vesafb:off) " GRUB_NOTE
				     ", or make another GPU the boot display in the firmware setup",
				     "the firmware framebuffer %s (%" PRIx64 "-%" PRIx64 ") sits in BAR %zu of %s (%" PRIx64 "-%" PRIx64 "): the VM will fail with \"BAR %zu: can't reserve\"", fb->name,
				     fb->start, fb->end, b, d->name, tg->bar_start[b], tg->bar_end[b], b);
		}
	if (!tg->reset_attr && !d->virtual_vf)
		findings_add(out, SEV_WARN, "no-reset-method", d->name,
			     "expect it to work for the first VM start after a host boot only; AMD GPUs: the vendor-reset module; otherwise shut the VM down cleanly (the guest driver leaves it sane) or reboot the host between runs",
			     "%s has no reset method (no reset_method in sysfs): the kernel cannot reset it between VM runs", d->name);
}

static bool same_slot(const struct pci_dev *a, const struct pci_dev *b)
{
	return a->addr.domain == b->addr.domain && a->addr.bus == b->addr.bus && a->addr.slot == b->addr.slot;
}

static void eval_group(const struct devtab *t, const struct plan_group *g, struct findings *out)
{
	struct strbuf extra = { 0 };
	size_t endpoints = 0;
	char subj[16];

	(void)snprintf(subj, sizeof(subj), "group %d", g->group);
	for (size_t k = 0; k < g->n; k++) {
		const struct pci_dev *d = &t->v[g->devs[k].idx];
		bool related = g->devs[k].selected;
		if (pci_class_is_bridge(d->class))
			continue;
		endpoints++;
		for (size_t s = 0; s < g->n && !related; s++)
			related = g->devs[s].selected && same_slot(d, &t->v[g->devs[s].idx]);
		if (!related && !(d->is_vf && devtab_find(t, &d->physfn)))
			sb_printf(&extra, "%s%s (%s)", extra.len ? ", " : "", d->name, pci_class_name(d->class));
	}
	if (extra.len)
		findings_add(out, SEV_WARN, "group-unexpected-members", subj, "if the host needs any of them, do not bind this group: " ACS_NOTE,
			     "IOMMU group %d also holds %s, not functions of what the config names: they go to vfio-pci too (no ACS isolation on the path)", g->group, extra.s);
	else if (endpoints > GROUP_LARGE)
		findings_add(out, SEV_WARN, "group-large", subj, ACS_NOTE, "IOMMU group %d holds %zu endpoints: ACS isolation is missing on the path", g->group, endpoints);
	sb_free(&extra);
}

void doctor_eval(const struct hostfacts *h, const struct devtab *t, const struct plan *p, struct findings *out)
{
	bool wanted = h->config_read && p->n;

	if (!t->iommu)
		eval_iommu_off(h, out);
	else
		eval_iommu_on(h, out);
	eval_modules(h, t->kver, out);
	eval_image(h, t->kver, wanted || h->config_read, out);
	for (size_t i = 0; i < h->ntg; i++)
		eval_target(h, &h->tg[i], &t->v[h->tg[i].idx], out);
	for (size_t i = 0; i < p->n; i++)
		if (p->g[i].act != GA_REFUSE && p->g[i].group >= 0)
			eval_group(t, &p->g[i], out);
}

static const char *ir_name(const struct hostfacts *h)
{
	if (h->ir_irqs == TRI_YES)
		return "on";
	if (h->ir_irqs == TRI_NO || h->ir_ecap == TRI_NO || !h->units)
		return "off";
	return h->ir_ecap == TRI_YES ? "supported" : "unknown";
}

static const char *image_state_name(enum img_state s)
{
	return s == IMG_READ ? "read" : s == IMG_MISSING ? "missing" : s == IMG_UNREADABLE ? "unreadable" : "not_checked";
}

static const char *image_config_name(const struct hostfacts *h)
{
	if (h->img.state != IMG_READ || !h->config_read)
		return "unknown";
	if (!h->img.has_config)
		return "absent";
	return same_bytes(h->img.config, h->img.config_len, h->config, h->config_len) ? "match" : "stale";
}

void doctor_json_host(const struct hostfacts *h, struct json *j)
{
	char buf[20];
	const struct initrd_facts *f = &h->img;

	json_str(j, "iommu_vendor", iommu_vendor_name(h->vendor));
	json_int(j, "iommu_units", h->units);
	json_str(j, "interrupt_remapping", ir_name(h));
	json_bool(j, "iommu_passthrough", h->cmdline && cmdline_has(h->cmdline, "iommu", "pt"));
	json_str(j, "kernel_cmdline", h->cmdline);
	json_begin_obj(j, "vfio_modules");
	json_str(j, "vfio_pci", mod_state_name(h->vfio_pci));
	json_str(j, "vfio", mod_state_name(h->vfio));
	json_str(j, "vfio_iommu_type1", mod_state_name(h->type1));
	json_end_obj(j);
	json_begin_obj(j, "initramfs");
	json_str(j, "path", f->path[0] ? f->path : NULL);
	json_str(j, "state", image_state_name(f->state));
	json_str(j, "compression", f->state >= IMG_READ ? f->compression : NULL);
	json_str(j, "why", f->why[0] ? f->why : NULL);
	if (f->state == IMG_READ) {
		json_int(j, "entries", (long long)f->entries);
		json_bool(j, "vfio_early", f->has_binary);
		json_bool(j, "boot_script", f->has_boot_script);
		json_bool(j, "vfio_pci", f->has_vfio_pci);
	}
	json_str(j, "config", image_config_name(h));
	json_end_obj(j);
	json_begin_arr(j, "framebuffers");
	for (size_t i = 0; i < h->nfb; i++) {
		json_begin_obj(j, NULL);
		json_str(j, "name", h->fb[i].name);
		(void)snprintf(buf, sizeof(buf), "%" PRIx64, h->fb[i].start);
		json_str(j, "start", buf);
		(void)snprintf(buf, sizeof(buf), "%" PRIx64, h->fb[i].end);
		json_str(j, "end", buf);
		json_end_obj(j);
	}
	json_end_arr(j);
}

void doctor_json_device(const struct hostfacts *h, struct json *j, size_t idx)
{
	for (size_t i = 0; i < h->ntg; i++) {
		const struct target_facts *tg = &h->tg[i];
		if (tg->idx != idx)
			continue;
		json_str(j, "reset_method", tg->reset_attr ? tg->reset_method : NULL);
		if (tg->driver_builtin == TRI_UNKNOWN)
			json_null(j, "driver_builtin");
		else
			json_bool(j, "driver_builtin", tg->driver_builtin == TRI_YES);
	}
}

void doctor_text(const struct hostfacts *h, struct strbuf *sb)
{
	static const char *const vend[] = { "none", "Intel VT-d (DMAR)", "AMD-Vi", "other" };
	const struct initrd_facts *f = &h->img;

	sb_printf(sb, "IOMMU units: %u (%s); interrupt remapping: %s; iommu=pt: %s\n", h->units, vend[h->vendor], ir_name(h),
		  h->cmdline && cmdline_has(h->cmdline, "iommu", "pt") ? "yes" : "no");
	sb_printf(sb, "vfio modules: vfio-pci %s, vfio %s, vfio_iommu_type1 %s\n", mod_state_name(h->vfio_pci), mod_state_name(h->vfio), mod_state_name(h->type1));
	if (f->state == IMG_READ)
		sb_printf(sb, "initramfs: /%s (%s, %zu entries): vfio-early %s, vfio-pci %s, config %s\n", f->path, f->compression, f->entries, f->has_binary ? "yes" : "no",
			  f->has_vfio_pci ? "yes" : h->vfio_pci == MOD_BUILTIN ? "built in" : "no", image_config_name(h));
	else if (f->state == IMG_UNREADABLE)
		sb_printf(sb, "initramfs: /%s: unknown (%s)\n", f->path, f->why);
	else if (f->state == IMG_MISSING)
		sb_printf(sb, "initramfs: none for this kernel in /boot\n");
}
