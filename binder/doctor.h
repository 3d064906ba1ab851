/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host doctor behind `check`: hostfacts.c reads what the host offers
 * (IOMMU units, interrupt remapping evidence, modules, the initramfs image,
 * framebuffers, each target's BARs and reset methods) into struct hostfacts;
 * doctor.c judges those facts (pure) into findings with a remedy each;
 * snippets.c turns the plan into VM configuration to paste (pure). */
#pragma once
#include "json.h"
#include "plan.h"

struct run;

enum tri { TRI_UNKNOWN = -1, TRI_NO = 0, TRI_YES = 1 };

enum iommu_vendor { IOMMU_NONE, IOMMU_INTEL, IOMMU_AMD, IOMMU_OTHER };

enum mod_state {
	MOD_UNKNOWN,    /* no modules.dep for the kernel: cannot tell */
	MOD_MISSING,
	MOD_MODULE,     /* listed in modules.dep and the file exists */
	MOD_BUILTIN,    /* listed in modules.builtin */
};

enum img_state {
	IMG_NO_BOOT,    /* the sysroot has no boot/ directory: not judged */
	IMG_MISSING,    /* boot/ exists, no image for the kernel */
	IMG_READ,       /* listed completely */
	IMG_UNREADABLE, /* compressed with no decompressor at hand, or damaged */
};

struct initrd_facts {
	enum img_state state;
	char path[160];         /* sysroot-relative, e.g. "boot/initrd.img-6.1.0-13-amd64" */
	char compression[8];    /* of the main archive: "none", "gzip", "zstd", "xz", ... */
	char why[200];          /* IMG_UNREADABLE: what stopped the reader */
	size_t entries;
	bool has_binary;        /* .../sbin/vfio-early */
	bool has_boot_script;   /* initramfs-tools init-top script or dracut pre-udev hook */
	bool has_vfio_pci, has_vfio, has_type1; /* module files, any compression */
	char vfio_pci_format[8]; /* by content: "elf", "xz", "zstd", "gzip", "?" */
	bool has_config;
	char *config;           /* etc/vfio-early.conf in the image (owned) */
	size_t config_len;
};

/* One kernel in lib/modules: how its vfio modules reach it at boot. The
 * binder's libkmod has no decompressor: a module loads when it is plain ELF
 * or in the one format the kernel decompresses (finit_module with
 * MODULE_INIT_COMPRESSED_FILE); the image hooks unpack the others. */
struct kernel_facts {
	char kver[65];
	bool running;           /* the sysroot's own kernel (t.kver) */
	bool has_image;         /* boot/initrd.img-K or boot/initramfs-K.img */
	char modfmt[8];         /* vfio-pci in modules.dep: "none" (.ko), "xz", "zstd", "gzip"; "" not listed */
	char kdecomp[8];        /* what the kernel decompresses: "xz", "zstd", "gzip", "none"; "" unknown */
	char filefmt[8];        /* running kernel: vfio-pci's file in lib/modules by content ("elf", "xz", ...) */
};

struct fb_range {
	uint64_t start, end;
	char name[24];
};

struct target_facts {
	size_t idx;             /* into the device table */
	uint64_t bar_start[6], bar_end[6]; /* memory BARs; end 0: unused */
	bool reset_attr;        /* reset_method exists (kernel 6.0+ shows it) */
	char reset_method[64];
	enum tri driver_builtin;
};

struct hostfacts {
	enum iommu_vendor vendor;
	unsigned units;         /* entries in sys/class/iommu */
	enum tri ir_ecap;       /* Intel: ecap bit 3 (IR) set on every DMAR unit */
	enum tri ir_irqs;       /* /proc/interrupts shows IR- irq chips */
	char cpu_vendor[16];    /* /proc/cpuinfo vendor_id, "" unknown */
	char *cmdline;          /* NULL: unknown */
	bool modules_dir;       /* lib/modules/KVER exists */
	enum mod_state vfio_pci, vfio, type1;
	bool iomem_read;        /* proc/iomem read with real addresses (root) */
	struct fb_range *fb;
	size_t nfb;
	bool config_read;
	char *config;
	size_t config_len;
	struct initrd_facts img;
	struct kernel_facts *kern;
	size_t nkern;
	struct target_facts *tg;
	size_t ntg;
};

struct snippets {
	struct strlist qemu;    /* one "-device ..." argument group per line */
	char *proxmox;          /* one `qm set` command, NULL when nothing to pass */
	struct strlist libvirt; /* one <hostdev> element per function */
};

struct doctor {
	struct hostfacts h;
	struct snippets s;
};

/* hostfacts.c (I/O). The devices to look at are the endpoints the plan would
 * put on vfio-pci. check only: it may run a decompressor to list the image. */
void hostfacts_read(const struct run *r, struct hostfacts *ret);
void hostfacts_free(struct hostfacts *h);
/* check: read, judge, append findings to r->plan.findings, set r->doc. */
void doctor_run(struct run *r);
void doctor_free(struct run *r);

/* initrd.c: lists an initramfs image (early uncompressed cpio parts, then
 * a compressed main archive read through an external decompressor). */
void initrd_read(int fd, struct initrd_facts *ret);
/* A module file's format from its first 6 bytes: "elf", "xz", "zstd",
 * "gzip" or "?". */
const char *module_format(const unsigned char m[6]);

/* doctor.c (pure). */
bool doctor_is_target(const struct plan_dev *pd, const struct pci_dev *d);
const char *cmdline_value(const char *cmdline, const char *key, char *buf, size_t size);
void doctor_eval(const struct hostfacts *h, const struct devtab *t, const struct plan *p, struct findings *out);
void doctor_json_host(const struct hostfacts *h, struct json *j);
void doctor_json_device(const struct hostfacts *h, struct json *j, size_t idx);
void doctor_text(const struct hostfacts *h, struct strbuf *sb);
const char *iommu_vendor_name(enum iommu_vendor v);

/* snippets.c (pure). */
void snippets_build(const struct devtab *t, const struct plan *p, struct snippets *ret);
void snippets_free(struct snippets *s);
void snippets_json(const struct snippets *s, struct json *j);
void snippets_text(const struct snippets *s, struct strbuf *sb);
