/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host doctor's judgement: host facts x device table x plan -> findings,
 * each with a stable code and a remedy. Pure: no I/O, no globals. The codes
 * are listed in conf/check-json.md. */
#include "doctor.h"
#include "cmdline.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define GROUP_LARGE 6 /* endpoints; a GPU with all its functions has at most 4 */

#define REBUILD_IMAGE "update-initramfs -u -k %s (Debian) or dracut -f --kver %s"
#define ACS_NOTE \
	"use a CPU-attached slot or enable ACS in the firmware; pcie_acs_override only hides the sharing (the devices can still DMA to each other): a security trade-off, never a fix"
#define GRUB_NOTE "(GRUB_CMDLINE_LINUX in /etc/default/grub, update-grub, reboot)"

const char *iommu_vendor_name(enum iommu_vendor v)
{
	return v == IOMMU_INTEL ? "intel" : v == IOMMU_AMD ? "amd" : v == IOMMU_OTHER ? "other" : NULL;
}

static const char *mod_state_name(enum mod_state m)
{
	return m == MOD_BUILTIN ? "builtin" : m == MOD_MODULE ? "module" : m == MOD_MISSING ? "missing" : "unknown";
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
		findings_add(out, SEV_ERROR, "iommu-cmdline-off", "host", "remove it " GRUB_NOTE,
			     "the kernel command line turns the IOMMU off (intel_iommu=off, amd_iommu=off or iommu=off)");
	} else if (!amd && !cmdline_has(cl, "intel_iommu", "on")) {
		findings_add(out, SEV_ERROR, "iommu-cmdline-missing", "host",
			     "add intel_iommu=on " GRUB_NOTE " and enable VT-d in the firmware setup (AMD-Vi needs no flag)",
			     "no IOMMU and the kernel command line lacks intel_iommu=on%s", intel ? "" : " (CPU vendor unknown)");
	} else {
		findings_add(out, SEV_ERROR, "iommu-firmware-off", "host",
			     "enable VT-d / AMD-Vi (IOMMU) in the firmware setup; a VM needs a virtual IOMMU (QEMU: -device intel-iommu,intremap=on)",
			     "the IOMMU is%s asked for but none registered: off in the firmware, or absent", amd ? " on by default (AMD) and" : "");
	}
}

static void eval_iommu_on(const struct hostfacts *h, struct findings *out)
{
	const char *cl = h->cmdline ? h->cmdline : "";
	bool pt = cmdline_has(cl, "iommu", "pt");

	if (h->vendor == IOMMU_INTEL && !cmdline_has(cl, "intel_iommu", "on"))
		findings_add(out, SEV_INFO, "iommu-cmdline-implicit", "host", "optional: add intel_iommu=on " GRUB_NOTE,
			     "the IOMMU is on by the kernel's default, not by intel_iommu=on");
	if (pt)
		findings_add(out, SEV_INFO, "iommu-passthrough", "host", "none needed",
			     "iommu=pt: host devices skip DMA translation; devices given to VMs stay isolated");
	if (h->ir_irqs == TRI_YES)
		return;
	bool off_cl = cmdline_has(cl, "intremap", "off") || cmdline_has(cl, "intremap", "no") || cmdline_has(cl, "amd_iommu_intr", "off");
	if (h->ir_irqs == TRI_NO || h->ir_ecap == TRI_NO || off_cl) {
		const char *why = off_cl ? "intremap=off" : h->ir_ecap == TRI_NO ? "VT-d ECAP bit 3 clear" : "no IR- chips in /proc/interrupts";
		findings_add(
			out, SEV_WARN, "interrupt-remapping-off", "host",
			off_cl ? "remove intremap=off " GRUB_NOTE
			       : "enable interrupt remapping / x2APIC in the firmware; without it vfio_iommu_type1.allow_unsafe_interrupts=1 lets VMs start but lets a device "
				 "inject interrupts into the host: a trade-off vfio-early never makes for you",
			"interrupt remapping is off (%s): vfio will refuse to start VMs (\"No interrupt remapping support\")", why);
	} else if (h->ir_ecap != TRI_YES) {
		findings_add(out, SEV_INFO, "interrupt-remapping-unknown", "host", "dmesg | grep -i remapping",
			     "interrupt remapping: no evidence in sysfs or /proc/interrupts");
	}
}

static void eval_modules(const struct hostfacts *h, const char *kver, struct findings *out)
{
	char rem[200];

	if (!kver[0])
		return; /* a tree whose kernel is unknown: nothing to judge by */
	if (!h->modules_dir) {
		(void)snprintf(rem, sizeof(rem), "install the running kernel's modules (Debian: linux-image-%s)", kver);
		findings_add(out, SEV_WARN, "modules-missing", "host", rem, "/lib/modules/%s is missing: no vfio-pci for the running kernel", kver);
		return;
	}
	if (h->vfio_pci == MOD_UNKNOWN) {
		(void)snprintf(rem, sizeof(rem), "depmod %s", kver);
		findings_add(out, SEV_INFO, "modules-dep-missing", "host", rem, "/lib/modules/%s/modules.dep is missing", kver);
		return;
	}
	if (h->vfio_pci == MOD_MISSING || h->vfio == MOD_MISSING || h->type1 == MOD_MISSING) {
		(void)snprintf(rem, sizeof(rem), "install linux-image-%s (Debian) or build with CONFIG_VFIO_PCI=m", kver);
		findings_add(out, SEV_ERROR, "vfio-modules-missing", "host", rem, "vfio modules for kernel %s: vfio-pci %s, vfio %s, vfio_iommu_type1 %s", kver,
			     mod_state_name(h->vfio_pci), mod_state_name(h->vfio), mod_state_name(h->type1));
	}
}

/* How kernel k's vfio modules load at boot: "plain", "kernel-decompresses",
 * "hook-unpacks" (the image hook stores them decompressed), "unknown". */
static const char *kernel_load_path(const struct kernel_facts *k)
{
	if (!k->modfmt[0])
		return "unknown";
	if (streq(k->modfmt, "none"))
		return "plain";
	if (streq(k->modfmt, k->kdecomp))
		return "kernel-decompresses";
	return "hook-unpacks";
}

/* The image of the running kernel, as read: can the binder load its
 * vfio-pci? NULL when it can (or when the image tells nothing). */
static const char *image_module_problem(const struct hostfacts *h, const struct kernel_facts *k)
{
	const char *f = h->img.vfio_pci_format;
	/* No /boot at all (inside the initramfs, a container): what the binder
	 * would load from here is the file in lib/modules itself. */
	if (h->img.state == IMG_NO_BOOT)
		f = k->filefmt;
	else if (h->img.state != IMG_READ || !h->img.has_vfio_pci)
		return NULL;
	if (!f[0] || streq(f, "elf"))
		return NULL;
	return streq(f, k->kdecomp) ? NULL : f;
}

static void eval_kernels(const struct hostfacts *h, struct findings *out)
{
	char rem[256];

	for (size_t i = 0; i < h->nkern; i++) {
		const struct kernel_facts *k = &h->kern[i];
		const char *bad = k->running ? image_module_problem(h, k) : NULL;
		(void)snprintf(rem, sizeof(rem), REBUILD_IMAGE " with this vfio-early installed (its hook unpacks them)", k->kver, k->kver);
		if (bad) {
			findings_add(out, SEV_ERROR, "vfio-modules-unloadable", "host", rem,
				     "%s%s: vfio-pci is %s-compressed and kernel %s decompresses %s: vfio-early cannot load it, boot binds nothing",
				     h->img.state == IMG_READ ? "/" : "/lib/modules/", h->img.state == IMG_READ ? h->img.path : k->kver, bad, k->kver,
				     k->kdecomp[0] && !streq(k->kdecomp, "none") ? k->kdecomp : "no modules");
		} else if (k->has_image && streq(kernel_load_path(k), "hook-unpacks")) {
			findings_add(out, SEV_INFO, "vfio-modules-unpacked", "host", rem,
				     "kernel %s: vfio modules are %s-compressed and the kernel decompresses %s: the image hook stores them decompressed "
				     "(an image built without it binds nothing)",
				     k->kver, k->modfmt, k->kdecomp[0] ? k->kdecomp : "an unknown format (no config in /boot)");
		}
	}
}

static bool same_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && (!an || !memcmp(a, b, an));
}

static void eval_image(const struct hostfacts *h, const char *kver, bool wanted, struct findings *out)
{
	const struct initrd_facts *f = &h->img;
	char rem[512];

	(void)snprintf(rem, sizeof(rem), REBUILD_IMAGE, kver, kver);
	switch (f->state) {
	case IMG_NO_BOOT: return;
	case IMG_MISSING: findings_add(out, SEV_WARN, "initramfs-missing", "host", rem, "no initramfs for %s in /boot (is /boot mounted?)", kver); return;
	case IMG_UNREADABLE:
		(void)snprintf(rem, sizeof(rem), "lsinitramfs /%s | grep vfio (dracut: lsinitrd)", f->path);
		findings_add(out, SEV_INFO, "initramfs-unreadable", "host", rem, "/%s: contents unknown: %s", f->path, f->why);
		return;
	case IMG_READ: break;
	}
	if (!wanted)
		return;
	if (!f->has_binary) {
		findings_add(out, SEV_ERROR, "initramfs-no-vfio-early", "host", rem,
			     "/%s lacks vfio-early: boot binds nothing (hook missing, or an older image)", f->path);
		return;
	}
	if (!f->has_boot_script)
		findings_add(out, SEV_ERROR, "initramfs-no-boot-script", "host", rem, "/%s has vfio-early but no boot script to run it", f->path);
	if (h->vfio_pci != MOD_BUILTIN && !f->has_vfio_pci)
		findings_add(out, SEV_ERROR, "initramfs-no-vfio-modules", "host", rem, "/%s lacks the vfio-pci module", f->path);
	if (h->config_read && !f->has_config)
		findings_add(out, SEV_ERROR, "initramfs-config-stale", "host", rem, "/%s has no /etc/vfio-early.conf", f->path);
	else if (h->config_read && !same_bytes(f->config, f->config_len, h->config, h->config_len))
		findings_add(out, SEV_ERROR, "initramfs-config-stale", "host", rem, "/%s holds an older /etc/vfio-early.conf: boot follows it", f->path);
}

static void eval_target(const struct hostfacts *h, const struct target_facts *tg, const struct pci_dev *d, struct findings *out)
{
	if (tg->driver_builtin == TRI_YES)
		findings_add(
			out, SEV_ERROR, "driver-builtin", d->name,
			"build it as a module (=m), stop it with initcall_blacklist=<its init function, see System.map>, or rebind after boot with 'vfio-early apply'",
			"%s is held by %s, built into the kernel: it binds before any initramfs", d->name, d->driver);
	for (size_t b = 0; b < 6; b++)
		for (size_t k = 0; k < h->nfb && tg->bar_end[b]; k++) {
			const struct fb_range *fb = &h->fb[k];
			if (fb->start > tg->bar_end[b] || fb->end < tg->bar_start[b])
				continue;
			findings_add(out, SEV_WARN, "framebuffer-overlap", d->name,
				     "add initcall_blacklist=sysfb_init (before 5.15: video=efifb:off video=vesafb:off) " GRUB_NOTE
				     ", or make another GPU the boot display",
				     "framebuffer %s (%" PRIx64 "-%" PRIx64 ") sits in BAR %zu of %s: VMs fail with \"BAR %zu: can't reserve\"", fb->name,
				     fb->start, fb->end, b, d->name, b);
		}
	if (!tg->reset_attr && !d->virtual_vf)
		findings_add(out, SEV_WARN, "no-reset-method", d->name, "expect one clean VM start per host boot; AMD GPUs: the vendor-reset module",
			     "%s has no reset method: it cannot be reset between VM runs", d->name);
}

/* A group holding endpoints nobody named is refused by the plan; one
 * where everything is named can still be large: no ACS on the path. */
static void eval_group(const struct devtab *t, const struct plan_group *g, struct findings *out)
{
	size_t endpoints = 0;
	char subj[24];

	for (size_t k = 0; k < g->n; k++)
		endpoints += !pci_class_is_bridge(t->v[g->devs[k].idx].class);
	(void)snprintf(subj, sizeof(subj), "group %d", g->group);
	if (endpoints > GROUP_LARGE)
		findings_add(out, SEV_WARN, "group-large", subj, ACS_NOTE, "IOMMU group %d holds %zu endpoints: no ACS isolation on the path", g->group,
			     endpoints);
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
	eval_kernels(h, out);
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
	json_str(j, "vfio_pci_format", f->state == IMG_READ && f->vfio_pci_format[0] ? f->vfio_pci_format : NULL);
	json_end_obj(j);
	json_begin_arr(j, "kernels");
	for (size_t i = 0; i < h->nkern; i++) {
		const struct kernel_facts *k = &h->kern[i];
		json_begin_obj(j, NULL);
		json_str(j, "kernel", k->kver);
		json_bool(j, "running", k->running);
		json_bool(j, "image", k->has_image);
		json_str(j, "module_compression", k->modfmt[0] ? k->modfmt : NULL);
		json_str(j, "kernel_decompresses", k->kdecomp[0] ? k->kdecomp : NULL);
		json_str(j, "vfio_modules_load", kernel_load_path(k));
		json_end_obj(j);
	}
	json_end_arr(j);
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
	sb_printf(sb, "vfio modules: vfio-pci %s, vfio %s, vfio_iommu_type1 %s\n", mod_state_name(h->vfio_pci), mod_state_name(h->vfio),
		  mod_state_name(h->type1));
	if (f->state == IMG_READ)
		sb_printf(sb, "initramfs: /%s (%s, %zu entries): vfio-early %s, vfio-pci %s, config %s\n", f->path, f->compression, f->entries,
			  f->has_binary ? "yes" : "no",
			  f->has_vfio_pci	       ? "yes"
			  : h->vfio_pci == MOD_BUILTIN ? "built in"
						       : "no",
			  image_config_name(h));
	else if (f->state == IMG_UNREADABLE)
		sb_printf(sb, "initramfs: /%s: unknown (%s)\n", f->path, f->why);
	else if (f->state == IMG_MISSING)
		sb_printf(sb, "initramfs: none for this kernel in /boot\n");
	for (size_t i = 0; i < h->nkern; i++) {
		const struct kernel_facts *k = &h->kern[i];
		sb_printf(sb, "kernel %s%s: modules %s, kernel decompresses %s, image %s: vfio modules load %s\n", k->kver, k->running ? " (running)" : "",
			  k->modfmt[0] ? k->modfmt : "?", k->kdecomp[0] ? k->kdecomp : "?", k->has_image ? "yes" : "no", kernel_load_path(k));
	}
}
