/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads what `check` judges about the host: every path under the sysroot,
 * read only. doctor.c does the judging. */
#include "hostfacts.h"
#include "doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void read_iommu(const struct sysroot *sr, struct hostfacts *h)
{
	DIR *d = sr_opendir(sr, "sys/class/iommu");
	struct dirent *e;

	h->ir_ecap = TRI_UNKNOWN;
	while (d && (e = readdir(d))) {
		char buf[64];
		if (e->d_name[0] == '.')
			continue;
		h->units++;
		if (startswith(e->d_name, "dmar")) {
			/* VT-d ECAP register, bit 3: interrupt remapping supported. */
			uint64_t ecap;
			h->vendor = IOMMU_INTEL;
			if (sr_readf(sr, buf, sizeof(buf), "sys/class/iommu/%s/intel-iommu/ecap", e->d_name) > 0 && parse_hex64(buf, &ecap) == 0)
				h->ir_ecap = (ecap & 8) && h->ir_ecap != TRI_NO ? TRI_YES : TRI_NO;
		} else if (startswith(e->d_name, "ivhd")) {
			h->vendor = IOMMU_AMD;
		} else if (h->vendor == IOMMU_NONE) {
			h->vendor = IOMMU_OTHER; /* virtio-iommu, SMMU */
		}
	}
	if (d)
		(void)closedir(d);
}

/* Remapped interrupts are delivered through "IR-" irq chips (IR-IO-APIC,
 * IR-PCI-MSI...), for VT-d and AMD-Vi alike. */
static void read_irqs(const struct sysroot *sr, struct hostfacts *h)
{
	char *text = NULL;

	h->ir_irqs = TRI_UNKNOWN;
	if (sr_read_all(sr, "proc/interrupts", 16u << 20, &text, NULL) < 0)
		return;
	if (strstr(text, " IR-"))
		h->ir_irqs = TRI_YES;
	else if (strstr(text, "MSI") || strstr(text, "IO-APIC"))
		h->ir_irqs = TRI_NO;
	free(text);
}

static void read_cmdline(const struct run *r, struct hostfacts *h)
{
	char *text = NULL;

	if (r->cmdline_path) {
		if (read_file(r->cmdline_path, 65536, true, NULL, &text, NULL) < 0)
			return;
	} else if (sr_read_all(&r->sr, "proc/cmdline", 65536, &text, NULL) < 0) {
		return;
	}
	text[strcspn(text, "\n")] = 0;
	h->cmdline = text;
}

/* Module state from the text files depmod writes: fake trees and recorded
 * hosts have no .bin indexes, and a missing modules.dep is worth a word. */
static enum mod_state mod_state(const struct sysroot *sr, const char *kver, const char *builtin, const char *dep, const char *file)
{
	const char *p;
	size_t n = strlen(file);

	for (p = builtin; p && (p = strstr(p, file)); p += n)
		if ((p == builtin || p[-1] == '/') && p[n] == '\n')
			return MOD_BUILTIN;
	if (!dep)
		return MOD_UNKNOWN;
	for (p = dep; (p = strstr(p, file)); p += n) {
		const char *s = p;
		char path[512];
		if ((p != dep && p[-1] != '/') || (p[n] != ':' && p[n] != '.'))
			continue; /* "vfio-pci.ko:" or "vfio-pci.ko.zst:" */
		while (s > dep && s[-1] != '\n')
			s--;
		if (memchr(s, ':', (size_t)(p - s)) || memchr(s, ' ', (size_t)(p - s)) || p - s > 256)
			continue; /* a dependency, not the module's own line */
		(void)snprintf(path, sizeof(path), "lib/modules/%s/%.*s", kver, (int)strcspn(s, ":"), s);
		return sr_exists(sr, path) ? MOD_MODULE : MOD_MISSING;
	}
	return MOD_MISSING;
}

static void read_modules(const struct sysroot *sr, const char *kver, struct hostfacts *h, char **ret_builtin)
{
	char path[160], *dep = NULL;

	(void)snprintf(path, sizeof(path), "lib/modules/%s", kver);
	h->modules_dir = kver[0] && sr_exists(sr, path);
	(void)snprintf(path, sizeof(path), "lib/modules/%s/modules.builtin", kver);
	(void)sr_read_all(sr, path, 4u << 20, ret_builtin, NULL);
	(void)snprintf(path, sizeof(path), "lib/modules/%s/modules.dep", kver);
	(void)sr_read_all(sr, path, 32u << 20, &dep, NULL);
	h->vfio_pci = mod_state(sr, kver, *ret_builtin, dep, "vfio-pci.ko");
	h->vfio = mod_state(sr, kver, *ret_builtin, dep, "vfio.ko");
	h->type1 = mod_state(sr, kver, *ret_builtin, dep, "vfio_iommu_type1.ko");
	free(dep);
}

/* Firmware framebuffers: sysfb's platform device registers "BOOTFB"; efifb,
 * vesafb and simplefb claim regions under their own names. */
static void read_iomem(const struct sysroot *sr, struct hostfacts *h)
{
	static const char *const fbs[] = { "BOOTFB", "efifb", "vesafb", "simplefb", "simple-framebuffer", "efi-framebuffer", "vesa-framebuffer" };
	char *text = NULL, *save = NULL;
	size_t cap = 0;

	if (sr_read_all(sr, "proc/iomem", 4u << 20, &text, NULL) < 0)
		return;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		/* "  START-END : NAME", nested entries indented */
		uint64_t a, b;
		char *dash, *sep;
		size_t n;
		while (*l == ' ')
			l++;
		if (!(dash = strchr(l, '-')) || !(sep = strstr(dash, " : ")))
			continue;
		*dash = '\0';
		*sep = '\0';
		if (parse_hex64(l, &a) < 0 || parse_hex64(dash + 1, &b) < 0)
			continue;
		n = (size_t)(sep + 3 - l);
		if (b)
			h->iomem_read = true; /* non-root readers see zeros */
		for (size_t i = 0; i < ARRAY_SIZE(fbs); i++)
			if (startswith(l + n, fbs[i]) && b) {
				GROW(h->fb, cap, h->nfb);
				h->fb[h->nfb].start = a;
				h->fb[h->nfb].end = b;
				(void)snprintf(h->fb[h->nfb].name, sizeof(h->fb[0].name), "%s", l + n);
				h->nfb++;
				break;
			}
	}
	free(text);
}

static int kernel_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kernel_facts *)a)->kver, ((const struct kernel_facts *)b)->kver);
}

/* A whole line of a kernel config. */
static bool config_has(const char *cfg, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = cfg; (p = strstr(p, line)); p += n)
		if ((p == cfg || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* The format chosen by CONFIG_MODULE_COMPRESS_* when MODULE_DECOMPRESS=y
 * ("none" without it), "" when the config is not there. */
static void config_decomp(const struct sysroot *sr, const char *kver, char *ret, size_t size)
{
	static const char *const fmts[][2] = { { "XZ", "xz" }, { "ZSTD", "zstd" }, { "GZIP", "gzip" } };
	char path[160], *cfg = NULL, key[40];

	ret[0] = '\0';
	(void)snprintf(path, sizeof(path), "boot/config-%s", kver);
	if (sr_read_all(sr, path, 4u << 20, &cfg, NULL) < 0) {
		(void)snprintf(path, sizeof(path), "lib/modules/%s/config", kver);
		if (sr_read_all(sr, path, 4u << 20, &cfg, NULL) < 0)
			return;
	}
	(void)snprintf(ret, size, "none");
	if (config_has(cfg, "CONFIG_MODULE_DECOMPRESS=y"))
		for (size_t i = 0; i < ARRAY_SIZE(fmts); i++) {
			(void)snprintf(key, sizeof(key), "CONFIG_MODULE_COMPRESS_%s=y", fmts[i][0]);
			if (config_has(cfg, key))
				(void)snprintf(ret, size, "%s", fmts[i][1]);
		}
	free(cfg);
}

/* vfio-pci's file suffix in modules.dep ("none", "xz", "zstd", "gzip") and,
 * when want_content, the format of the file itself (by its first bytes). */
static void dep_format(const struct sysroot *sr, const char *kver, bool want_content, struct kernel_facts *k)
{
	static const char *const sfx[][2] = { { ".ko:", "none" }, { ".ko.xz:", "xz" }, { ".ko.zst:", "zstd" }, { ".ko.gz:", "gzip" } };
	char path[512], *dep = NULL, *p, *s;

	(void)snprintf(path, sizeof(path), "lib/modules/%s/modules.dep", kver);
	if (sr_read_all(sr, path, 32u << 20, &dep, NULL) < 0)
		return;
	/* The module's own line: "kernel/drivers/vfio/pci/vfio-pci.ko.xz: ..." */
	for (p = dep; (p = strstr(p, "/vfio-pci.ko")); p++) {
		for (s = p; s > dep && s[-1] != '\n' && s[-1] != ' '; s--)
			;
		if (s != dep && s[-1] == ' ')
			continue; /* another module's dependency */
		for (size_t i = 0; i < ARRAY_SIZE(sfx); i++)
			if (startswith(p + strlen("/vfio-pci"), sfx[i][0]))
				(void)snprintf(k->modfmt, sizeof(k->modfmt), "%s", sfx[i][1]);
		if (want_content) {
			unsigned char m[6];
			int fd;
			(void)snprintf(path, sizeof(path), "lib/modules/%s/%.*s", kver, (int)strcspn(s, ":"), s);
			if ((fd = sr_open(sr, path, O_RDONLY)) >= 0) {
				if (pread(fd, m, sizeof(m), 0) == (ssize_t)sizeof(m))
					(void)snprintf(k->filefmt, sizeof(k->filefmt), "%s", module_format(m));
				(void)close(fd);
			}
		}
		break;
	}
	free(dep);
}

/* Every kernel with modules in the sysroot: module format, what the kernel
 * decompresses (the running one says it in sys/module/compression; its
 * absence with sys/module present means none), whether it has an image. */
static void read_kernels(const struct sysroot *sr, const char *running, struct hostfacts *h)
{
	DIR *d = sr_opendir(sr, "lib/modules");
	struct dirent *e;
	size_t cap = 0;

	while (d && (e = readdir(d))) {
		struct kernel_facts *k;
		char path[200], buf[8];
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(k->kver))
			continue;
		GROW(h->kern, cap, h->nkern);
		k = &h->kern[h->nkern++];
		memset(k, 0, sizeof(*k));
		(void)snprintf(k->kver, sizeof(k->kver), "%.64s", e->d_name);
		k->running = streq(k->kver, running);
		(void)snprintf(path, sizeof(path), "boot/initrd.img-%s", k->kver);
		k->has_image = sr_exists(sr, path);
		(void)snprintf(path, sizeof(path), "boot/initramfs-%s.img", k->kver);
		k->has_image = k->has_image || sr_exists(sr, path);
		dep_format(sr, k->kver, k->running, k);
		if (k->running && sr_read(sr, "sys/module/compression", buf, sizeof(buf)) > 0)
			(void)snprintf(k->kdecomp, sizeof(k->kdecomp), "%.7s", buf);
		else if (k->running && sr_exists(sr, "sys/module"))
			(void)snprintf(k->kdecomp, sizeof(k->kdecomp), "none");
		else
			config_decomp(sr, k->kver, k->kdecomp, sizeof(k->kdecomp));
	}
	if (d)
		(void)closedir(d);
	if (h->nkern > 1)
		qsort(h->kern, h->nkern, sizeof(h->kern[0]), kernel_cmp);
}

static void read_image(const struct sysroot *sr, const char *kver, struct initrd_facts *f)
{
	const char *names[] = { "boot/initrd.img-%s", "boot/initramfs-%s.img" };
	int fd = -ENOENT;

	f->state = sr_exists(sr, "boot") ? IMG_MISSING : IMG_NO_BOOT;
	for (size_t i = 0; i < ARRAY_SIZE(names) && fd < 0 && kver[0]; i++) {
		(void)snprintf(f->path, sizeof(f->path), names[i], kver);
		fd = sr_open(sr, f->path, O_RDONLY);
	}
	if (fd < 0) {
		f->path[0] = 0;
		return;
	}
	initrd_read(fd, f);
	(void)close(fd);
}

static bool is_builtin(const char *builtin, const char *driver)
{
	size_t n = strlen(driver);
	for (const char *p = builtin; p && (p = strchr(p, '/')); p++) {
		size_t i = 0;
		for (; i < n; i++)
			if (p[1 + i] != driver[i] && !(p[1 + i] == '-' && driver[i] == '_') && !(p[1 + i] == '_' && driver[i] == '-'))
				break;
		if (i == n && startswith(p + 1 + n, ".ko\n"))
			return true;
	}
	return false;
}

static void read_target(const struct sysroot *sr, const struct pci_dev *d, const char *builtin, struct target_facts *tg)
{
	char *text = NULL, *save = NULL, p[SR_PATH_MAX];
	int i = 0;

	if (d->virtual_vf)
		return; /* created at boot: nothing to read yet */
	if (sr_dev_read(sr, d->name, "reset_method", tg->reset_method, sizeof(tg->reset_method)) >= 0)
		tg->reset_attr = true;
	tg->driver_builtin = !d->driver[0] || pci_driver_is_vfio(d->driver) ? TRI_UNKNOWN : builtin ? is_builtin(builtin, d->driver) : TRI_UNKNOWN;
	if (sr_read_all(sr, pci_path(p, "devices", d->name, "resource"), 8192, &text, NULL) < 0)
		return;
	for (char *l = strtok_r(text, "\n", &save); l && i < 6; l = strtok_r(NULL, "\n", &save), i++) {
		uint64_t a, b, fl;
		char *f[3];
		if (split_ws(l, f, 3) == 3 && parse_hex64(f[0], &a) == 0 && parse_hex64(f[1], &b) == 0 && parse_hex64(f[2], &fl) == 0 && (fl & 0x200) && b) {
			tg->bar_start[i] = a; /* IORESOURCE_MEM */
			tg->bar_end[i] = b;
		}
	}
	free(text);
}

void hostfacts_read(const struct run *r, struct hostfacts *h)
{
	char *builtin = NULL, buf[256];
	size_t cap = 0;

	memset(h, 0, sizeof(*h));
	read_iommu(&r->sr, h);
	read_irqs(&r->sr, h);
	read_cmdline(r, h);
	if (sr_read(&r->sr, "proc/cpuinfo", buf, sizeof(buf)) > 0) {
		char *v = strstr(buf, "vendor_id");
		if (v && (v = strchr(v, ':'))) {
			char *f[1];
			if (split_ws(v + 1, f, 1) == 1)
				copy_until(h->cpu_vendor, sizeof(h->cpu_vendor), f[0], '\n');
		}
	}
	read_modules(&r->sr, r->t.kver, h, &builtin);
	read_iomem(&r->sr, h);
	if (!r->config_missing)
		h->config_read = read_file(r->config_path, 1u << 20, true, NULL, &h->config, &h->config_len) >= 0;
	read_image(&r->sr, r->t.kver, &h->img);
	read_kernels(&r->sr, r->t.kver, h);
	for (size_t i = 0; i < r->plan.n; i++)
		for (size_t k = 0; k < r->plan.g[i].n; k++) {
			const struct plan_dev *pd = &r->plan.g[i].devs[k];
			if (r->plan.g[i].act == GA_REFUSE || !plan_dev_to_vfio(pd, &r->t.v[pd->idx]))
				continue;
			GROW(h->tg, cap, h->ntg);
			memset(&h->tg[h->ntg], 0, sizeof(h->tg[0]));
			h->tg[h->ntg].idx = pd->idx;
			read_target(&r->sr, &r->t.v[pd->idx], builtin, &h->tg[h->ntg++]);
		}
	free(builtin);
}

void hostfacts_free(struct hostfacts *h)
{
	free(h->cmdline);
	free(h->fb);
	free(h->config);
	free(h->img.config);
	free(h->tg);
	free(h->kern);
	memset(h, 0, sizeof(*h));
}
