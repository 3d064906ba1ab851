/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What `check` reads about the host, read only: IOMMU units, interrupt
 * remapping evidence, modules and kernels, the initramfs image,
 * framebuffers, each target's BARs and reset methods. doctor.h judges it. */
#pragma once
#include "initrd.h"
#include "run.h"

enum tri { TRI_UNKNOWN = -1, TRI_NO = 0, TRI_YES = 1 };

enum iommu_vendor { IOMMU_NONE, IOMMU_INTEL, IOMMU_AMD, IOMMU_OTHER };

enum mod_state {
	MOD_UNKNOWN, /* no modules.dep for the kernel: cannot tell */
	MOD_MISSING,
	MOD_MODULE, /* listed in modules.dep and the file exists */
	MOD_BUILTIN, /* listed in modules.builtin */
};

/* One kernel in lib/modules: how its vfio modules reach it at boot. The
 * binder's libkmod has no decompressor: a module loads when it is plain ELF
 * or in the one format the kernel decompresses (finit_module with
 * MODULE_INIT_COMPRESSED_FILE); the image hooks unpack the others. */
struct kernel_facts {
	char kver[65];
	bool running; /* the sysroot's own kernel (t.kver) */
	bool has_image; /* boot/initrd.img-K or boot/initramfs-K.img */
	char modfmt[8]; /* vfio-pci in modules.dep: "none" (.ko), "xz", "zstd", "gzip"; "" not listed */
	char kdecomp[8]; /* what the kernel decompresses: "xz", "zstd", "gzip", "none"; "" unknown */
	char filefmt[8]; /* running kernel: vfio-pci's file in lib/modules by content ("elf", "xz", ...) */
};

struct fb_range {
	uint64_t start, end;
	char name[24];
};

struct target_facts {
	size_t idx; /* into the device table */
	uint64_t bar_start[6], bar_end[6]; /* memory BARs; end 0: unused */
	bool reset_attr; /* reset_method exists (kernel 6.0+ shows it) */
	char reset_method[64];
	enum tri driver_builtin;
};

struct hostfacts {
	enum iommu_vendor vendor;
	unsigned units; /* entries in sys/class/iommu */
	enum tri ir_ecap; /* Intel: ecap bit 3 (IR) set on every DMAR unit */
	enum tri ir_irqs; /* /proc/interrupts shows IR- irq chips */
	char cpu_vendor[16]; /* /proc/cpuinfo vendor_id, "" unknown */
	char *cmdline; /* NULL: unknown */
	bool modules_dir; /* lib/modules/KVER exists */
	enum mod_state vfio_pci, vfio, type1;
	bool iomem_read; /* proc/iomem read with real addresses (root) */
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

/* The devices looked at are the endpoints the plan would put on vfio-pci.
 * It may run a decompressor to list the image (check only). */
void hostfacts_read(const struct run *r, struct hostfacts *ret);
void hostfacts_free(struct hostfacts *h);
