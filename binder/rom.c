/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfio-early rom ADDR [-o FILE] [--json]: the kernel's `rom` attribute
 * read as the kernel wants it (turned on, read, turned off; the device
 * enabled for it when nothing else did), checked image by image, the boot
 * VGA's shadow copy told apart from the card's own ROM, the file written
 * only when valid, and the QEMU, Proxmox and libvirt lines for it. */
#include "rom.h"
#include "json.h"
#include "romparse.h"
#include "run.h"
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A ROM BAR is at most 16 MiB on any card seen; the kernel returns only
 * the chain of images (pci_get_rom_size()). */
#define ROM_READ_MAX (16u << 20)
/* include/linux/ioport.h: a ROM resource's "use the RAM copy" bit. */
#define IORESOURCE_ROM_SHADOW 0x2u

struct rom_dump {
	const struct sysroot *sr;
	const char *sysroot_path;
	struct pci_dev d;
	bool found; /* the device exists and was read */
	bool enabled; /* the device was enabled for the read */
	bool have_res;
	uint64_t res_start, res_end, res_flags; /* resource line 7 */
	const char *shadow; /* why the kernel reads the legacy shadow copy, or NULL */
	char *buf;
	size_t len;
	char *error; /* why nothing could be read */
	int status;
	struct strlist warnings; /* undo steps that failed */
	struct rom_report rep;
	bool parsed;
	char *file; /* absolute path of the file written */
	char *pve_name, *pve_copy; /* Proxmox: the name in /usr/share/kvm, a cp if needed */
};

static const char *dev_attr(const struct rom_dump *x, const char *attr, char buf[static SR_PATH_MAX])
{
	int n = snprintf(buf, SR_PATH_MAX, "%s/sys/bus/pci/devices/%s/%s", x->sr->is_root ? "" : x->sysroot_path, x->d.name, attr);
	return n < 0 || n >= SR_PATH_MAX ? "the device's attribute" : buf;
}

static void fail(struct rom_dump *x, int e, const char *what, const char *attr)
{
	char p[SR_PATH_MAX];

	if (e == -EACCES || e == -EPERM) {
		x->error = xasprintf("%s: reading an option ROM needs root (%s %s: %s); run it as root", x->d.name, what, dev_attr(x, attr, p), strerror(-e));
		x->status = EXIT_SYSTEM;
	} else if (e == -EIO && streq(attr, "rom")) {
		x->error = xasprintf("%s: the kernel found no ROM image (%s %s: %s): %s", x->d.name, what, dev_attr(x, attr, p), strerror(-e),
				     x->shadow ? "the boot VGA's shadow copy at 0xC0000 holds none (a UEFI boot leaves it empty)"
					       : "it does not start with 55 aa, or the card did not answer (powered down?); the kernel log says which");
		x->status = EXIT_REFUSED;
	} else if (e == -EFBIG) {
		x->error = xasprintf("%s: the ROM is larger than %u MiB: not a ROM", x->d.name, ROM_READ_MAX >> 20);
		x->status = EXIT_REFUSED;
	} else {
		x->error = xasprintf("%s: %s %s: %s", x->d.name, what, dev_attr(x, attr, p), strerror(-e));
		x->status = EXIT_SYSTEM;
	}
}

/* Resource line 7 (index 6, PCI_ROM_RESOURCE) and boot_vga: arch/x86's
 * pci_fixup_video() points a VGA device's ROM resource at the legacy
 * shadow, 0xC0000-0xDFFFF, flagged IORESOURCE_ROM_SHADOW ("Video device
 * with shadowed ROM" in the kernel log); older kernels set the flag and
 * left the resource unset. Reading then returns that RAM copy the firmware
 * made of the boot VGA's ROM and ran. Since the fixup runs as each device
 * is found, before the VGA arbiter picks the boot device, it marks every
 * VGA-class device that decodes at boot and has VGA routed to it: seen on
 * Debian's 6.1 and 6.12 with two VGA devices on the root bus (boot
 * scenario 19), the second one's `rom` returns the first one's shadow. */
static void find_shadow(struct rom_dump *x)
{
	char p[SR_PATH_MAX], *text = NULL, *line;
	size_t i = 0;

	if (sr_read_all(x->sr, pci_path(p, "devices", x->d.name, "resource"), 8192, &text, NULL) < 0)
		return;
	for (line = text; line && i < 6; i++) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (line) {
		char *f[4];
		uint64_t v[3];
		line[strcspn(line, "\n")] = '\0';
		x->have_res = split_ws(line, f, 4) == 3 && !parse_hex64(f[0], &v[0]) && !parse_hex64(f[1], &v[1]) && !parse_hex64(f[2], &v[2]);
		if (x->have_res) {
			x->res_start = v[0];
			x->res_end = v[1];
			x->res_flags = v[2];
		}
	}
	free(text);
	if (x->have_res && ((x->res_flags & IORESOURCE_ROM_SHADOW) || x->res_start == 0xc0000))
		x->shadow = "its ROM resource is the legacy shadow at 0xC0000 (IORESOURCE_ROM_SHADOW; the kernel log says \"Video device with "
			    "shadowed ROM\")";
	else if (x->d.boot_vga == 1 && x->have_res && !x->res_start && !x->res_end)
		x->shadow = "it has no ROM BAR of its own (resource line 7 unset), yet the kernel returned a ROM: the legacy shadow at 0xC0000";
}

static int write_attr(struct rom_dump *x, const char *attr, const char *val)
{
	return sr_dev_write(x->sr, x->d.name, attr, val);
}

/* enable (if needed), rom on, read, rom off, enable put back: the undo
 * steps run whatever failed before them. */
static void read_rom(struct rom_dump *x)
{
	char p[SR_PATH_MAX], en[16];
	int e, fd;

	if (!sr_exists(x->sr, pci_path(p, "devices", x->d.name, "rom"))) {
		x->error = xasprintf("%s: no option ROM: the kernel shows no rom attribute (the card has no ROM BAR)", x->d.name);
		x->status = EXIT_REFUSED;
		return;
	}
	/* A device nothing enabled may decode no memory: its ROM would read
	 * as ff ff. With a driver bound the kernel refuses `enable` (EBUSY),
	 * and the driver enabled it if it uses it. */
	if (!x->d.driver[0] && sr_dev_read(x->sr, x->d.name, "enable", en, sizeof(en)) >= 0 && streq(en, "0")) {
		if ((e = write_attr(x, "enable", "1")) < 0) {
			fail(x, e, "writing 1 to", "enable");
			return;
		}
		x->enabled = true;
	}
	if ((e = write_attr(x, "rom", "1\n")) < 0) {
		fail(x, e, "writing 1 to", "rom");
		goto out;
	}
	fd = sr_open(x->sr, pci_path(p, "devices", x->d.name, "rom"), O_RDONLY);
	e = fd < 0 ? fd : read_fd_all(fd, ROM_READ_MAX, &x->buf, &x->len);
	if (fd >= 0)
		(void)close(fd);
	if (e < 0)
		fail(x, e, "reading", "rom");
	/* "0\n", two bytes: pci_write_rom() turns the ROM off only for a
	 * 2-byte write starting with '0'; any other write turns it on. */
	if ((e = write_attr(x, "rom", "0\n")) < 0)
		sl_addf(&x->warnings, "%s: could not turn the ROM off again (writing 0 to %s: %s)", x->d.name, dev_attr(x, "rom", p), strerror(-e));
out:
	if (x->enabled && (e = write_attr(x, "enable", "0")) < 0)
		sl_addf(&x->warnings, "%s: could not disable the device again (writing 0 to %s: %s)", x->d.name, dev_attr(x, "enable", p), strerror(-e));
}

static int write_file(struct rom_dump *x, const char *out)
{
	char *tmp = xasprintf("%s.vfio-early-tmp", out), cwd[PATH_MAX];
	size_t done = 0;
	int fd = -1, e = 0;

	/* O_EXCL: never through a link someone left in a shared directory;
	 * a stale temporary file (an earlier run killed) goes first. */
	for (int tries = 0; fd < 0 && tries < 2; tries++) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd < 0 && (errno != EEXIST || unlink(tmp) < 0))
			break;
	}
	if (fd < 0)
		e = -errno;
	while (!e && done < x->rep.end) {
		ssize_t n = write(fd, x->buf + done, x->rep.end - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			e = n < 0 ? -errno : -EIO;
		else
			done += (size_t)n;
	}
	if (fd >= 0 && close(fd) < 0 && !e)
		e = -errno;
	if (!e && rename(tmp, out) < 0)
		e = -errno;
	if (e && fd >= 0)
		(void)unlink(tmp);
	free(tmp);
	if (e)
		return e;
	/* QEMU and libvirt are started elsewhere: the lines need an absolute path. */
	if (*out != '/' && getcwd(cwd, sizeof(cwd)))
		x->file = xasprintf("%s/%s", streq(cwd, "/") ? "" : cwd, startswith(out, "./") ? out + 2 : out);
	else
		x->file = xstrdup(out);
	return 0;
}

/* Proxmox looks up romfile= in /usr/share/kvm/ only. */
static void proxmox_names(struct rom_dump *x)
{
	static const char kvm[] = "/usr/share/kvm/";
	const char *base = strrchr(x->file, '/');

	if (startswith(x->file, kvm) && !strchr(x->file + strlen(kvm), '/')) {
		x->pve_name = xstrdup(base + 1);
		return;
	}
	x->pve_name = xasprintf("%04x-%04x.rom", x->d.vendor, x->d.device);
	x->pve_copy = xasprintf("cp %s %s%s", x->file, kvm, x->pve_name);
}

static const char *efi_subsystem_name(uint16_t s)
{
	switch (s) {
	case 10: return "application";
	case 11: return "boot service driver";
	case 12: return "runtime driver";
	default: return "subsystem ?";
	}
}

static void text_images(const struct rom_dump *x)
{
	for (size_t i = 0; i < x->rep.n; i++) {
		const struct rom_image *im = &x->rep.img[i];
		const char *m = rom_efi_machine_name(im->efi_machine);

		printf("  image %zu at 0x%zx: %s", i + 1, im->offset, rom_code_name(im->code_type));
		if (im->code_type == ROM_CODE_EFI) {
			if (m)
				printf(" %s", m);
			else
				printf(" machine 0x%04x", im->efi_machine);
			printf(" (%s%s)", efi_subsystem_name(im->efi_subsystem), im->efi_compression ? ", compressed" : "");
		} else if (im->code_type > ROM_CODE_EFI) {
			printf(" (code type 0x%02x)", im->code_type);
		}
		printf(", %zu bytes%s\n", im->len, im->last ? ", last image" : "");
		printf("      PCIR at +0x%zx, revision %u: %04x:%04x%s, class %06x", im->pcir, im->pcir_rev, im->vendor, im->device,
		       im->id_match ? " (the card)" : "", im->class);
		if (im->devlist_n)
			printf(", device list of %zu%s", im->devlist_n, im->in_devlist ? " naming the card" : "");
		if (im->code_type == ROM_CODE_X86)
			printf(", checksum %s", im->checksum_ok ? "ok" : "BAD");
		printf("\n");
	}
}

static void text_report(const struct rom_dump *x, const struct rom_opts *o)
{
	char kind[96];

	if (!x->found)
		return;
	printf("%s %04x:%04x (%s, %s%s): ", x->d.name, x->d.vendor, x->d.device, pci_class_name(x->d.class), x->d.driver[0] ? "driver " : "no driver",
	       x->d.driver);
	if (!x->parsed) {
		printf("not read\n");
		return;
	}
	printf("%zu bytes read from %s%s\n", x->len, x->shadow ? "the legacy shadow at 0xC0000, not its ROM BAR" : "its ROM BAR",
	       x->enabled ? " (device enabled for the read)" : "");
	text_images(x);
	if (x->shadow && x->d.boot_vga == 1)
		printf("note: shadow copy, not the card's own ROM: %s. It is the firmware's copy of this boot VGA's ROM, which the firmware may "
		       "have changed when it ran it; the card's own ROM reads when another GPU is the boot VGA, or take the vendor's file\n",
		       x->shadow);
	for (size_t i = 0; i < x->rep.notes.n; i++)
		printf("note: %s\n", x->rep.notes.v[i]);
	for (size_t i = 0; i < x->rep.problems.n; i++)
		printf("problem: %s\n", x->rep.problems.v[i]);
	if (!x->rep.valid) {
		printf("invalid: %s%s\n", o->out ? "not written: " : "", o->out ? o->out : "nothing to write");
		return;
	}
	printf("valid: %s, %zu bytes\n", rom_kind(&x->rep, kind, sizeof(kind)), x->rep.end);
	if (!x->file) {
		if (!o->out)
			printf("(save it with: vfio-early rom %s -o FILE)\n", x->d.name);
		return;
	}
	printf("wrote %s\nUse it:\n", x->file);
	printf("  QEMU:    -device vfio-pci,host=%s,romfile=%s\n", x->d.name, x->file);
	if (x->pve_copy)
		printf("  Proxmox: %s\n           hostpci0: %s,romfile=%s   (in /etc/pve/qemu-server/VMID.conf)\n", x->pve_copy, x->d.name, x->pve_name);
	else
		printf("  Proxmox: hostpci0: %s,romfile=%s   (in /etc/pve/qemu-server/VMID.conf)\n", x->d.name, x->pve_name);
	printf("  libvirt: <rom file='%s'/>   (inside the card's <hostdev>)\n", x->file);
}

static void json_images(struct json *j, const struct rom_report *rep)
{
	json_begin_arr(j, "images");
	for (size_t i = 0; i < rep->n; i++) {
		const struct rom_image *im = &rep->img[i];
		bool efi = im->code_type == ROM_CODE_EFI, x86 = im->code_type == ROM_CODE_X86;

		json_begin_obj(j, NULL);
		json_int(j, "offset", (long long)im->offset);
		json_int(j, "length", (long long)im->len);
		json_int(j, "code_type", im->code_type);
		json_str(j, "type", rom_code_key(im->code_type));
		json_hex(j, "vendor", im->vendor, 4);
		json_hex(j, "device", im->device, 4);
		json_hex(j, "class", im->class, 6);
		json_bool(j, "id_match", im->id_match);
		json_int(j, "pcir_offset", (long long)im->pcir);
		json_int(j, "pcir_revision", im->pcir_rev);
		json_int(j, "device_list", (long long)im->devlist_n);
		json_bool(j, "in_device_list", im->in_devlist);
		json_bool(j, "last", im->last);
		if (x86)
			json_bool(j, "checksum_ok", im->checksum_ok);
		else
			json_null(j, "checksum_ok");
		json_str(j, "efi_machine", efi ? rom_efi_machine_name(im->efi_machine) : NULL);
		if (efi) {
			json_hex(j, "efi_machine_type", im->efi_machine, 4);
			json_int(j, "efi_subsystem", im->efi_subsystem);
			json_bool(j, "efi_compressed", im->efi_compression != 0);
		} else {
			json_null(j, "efi_machine_type");
			json_null(j, "efi_subsystem");
			json_null(j, "efi_compressed");
		}
		json_end_obj(j);
	}
	json_end_arr(j);
}

static void json_strlist(struct json *j, const char *key, const struct strlist *l)
{
	json_begin_arr(j, key);
	for (size_t i = 0; i < l->n; i++)
		json_str(j, NULL, l->v[i]);
	json_end_arr(j);
}

static void json_report(const struct rom_dump *x)
{
	struct json j = { .pretty = true };
	char kind[96];

	json_begin_obj(&j, NULL);
	json_str(&j, "schema", "vfio-early-rom/1");
	json_str(&j, "address", x->d.name);
	if (x->found) {
		json_hex(&j, "vendor", x->d.vendor, 4);
		json_hex(&j, "device", x->d.device, 4);
		json_hex(&j, "class", x->d.class, 6);
	} else {
		json_null(&j, "vendor");
		json_null(&j, "device");
		json_null(&j, "class");
	}
	json_str(&j, "driver", x->d.driver[0] ? x->d.driver : NULL);
	if (x->d.boot_vga >= 0)
		json_bool(&j, "boot_vga", x->d.boot_vga == 1);
	else
		json_null(&j, "boot_vga");
	json_bool(&j, "enabled_for_read", x->enabled);
	json_str(&j, "error", x->error);
	json_str(&j, "source", !x->buf ? NULL : x->shadow ? "shadow" : "rom-bar");
	json_str(&j, "shadow_why", x->buf ? x->shadow : NULL);
	json_int(&j, "bytes_read", (long long)x->len);
	json_bool(&j, "valid", x->parsed && x->rep.valid);
	json_str(&j, "kind", x->parsed && x->rep.valid ? rom_kind(&x->rep, kind, sizeof(kind)) : NULL);
	json_int(&j, "rom_size", (long long)x->rep.end);
	json_images(&j, &x->rep);
	json_strlist(&j, "problems", &x->rep.problems);
	json_strlist(&j, "notes", &x->rep.notes);
	json_strlist(&j, "warnings", &x->warnings);
	json_str(&j, "file", x->file);
	if (x->file) {
		json_begin_obj(&j, "use");
		char *q = xasprintf("-device vfio-pci,host=%s,romfile=%s", x->d.name, x->file);
		char *h = xasprintf("hostpci0: %s,romfile=%s", x->d.name, x->pve_name);
		char *l = xasprintf("<rom file='%s'/>", x->file);
		json_str(&j, "qemu", q);
		json_begin_arr(&j, "proxmox");
		if (x->pve_copy)
			json_str(&j, NULL, x->pve_copy);
		json_str(&j, NULL, h);
		json_end_arr(&j);
		json_str(&j, "libvirt", l);
		json_end_obj(&j);
		free(q);
		free(h);
		free(l);
	} else {
		json_null(&j, "use");
	}
	json_end_obj(&j);
	fputs(j.sb.s, stdout);
	sb_free(&j.sb);
}

static int identify(struct rom_dump *x, const char *addr)
{
	struct pci_addr a;
	bool slot = false;
	int e;

	if (pci_addr_parse(addr, &a, &slot) < 0 || slot) {
		fprintf(stderr, "vfio-early: rom: '%.40s' is not a PCI address (DDDD:BB:SS.F, e.g. 0000:01:00.0)\n", addr);
		return EXIT_USAGE;
	}
	e = scan_one(x->sr, &a, false, &x->d);
	if (e < 0) {
		char p[SR_PATH_MAX];
		pci_addr_fmt(&a, x->d.name);
		x->d.boot_vga = -1;
		if (e == -ENODEV || e == -ENOENT)
			x->error = xasprintf("no PCI device %s (no %s)", x->d.name, dev_attr(x, "", p));
		else
			x->error = xasprintf("%s: cannot read the device: %s", x->d.name, strerror(-e));
		return EXIT_SYSTEM;
	}
	x->found = true;
	return EXIT_OK;
}

int rom_command(const struct sysroot *sr, const char *sysroot_path, const struct rom_opts *o)
{
	struct rom_dump x = { .sr = sr, .sysroot_path = sysroot_path };
	int status = identify(&x, o->addr), e;

	if (status == EXIT_USAGE)
		return status;
	if (x.found) {
		find_shadow(&x);
		read_rom(&x);
	}
	if (!x.error) {
		x.parsed = true;
		status = rom_parse((const uint8_t *)x.buf, x.len, x.d.vendor, x.d.device, &x.rep) < 0 ? EXIT_REFUSED : EXIT_OK;
		if (x.shadow && x.d.boot_vga != 1) {
			sl_addf(&x.rep.problems, "not this card's ROM: it is not the boot VGA, yet %s, which holds the boot VGA's ROM", x.shadow);
			x.rep.valid = false;
			x.rep.end = x.rep.trailing = 0;
			status = EXIT_REFUSED;
		}
		if (status == EXIT_OK && o->out) {
			if ((e = write_file(&x, o->out)) < 0) {
				x.error = xasprintf("%s: cannot write %s: %s", x.d.name, o->out, strerror(-e));
				status = EXIT_SYSTEM;
			} else {
				proxmox_names(&x);
			}
		}
	} else if (x.found) {
		status = x.status;
	}
	if (o->json)
		json_report(&x);
	else
		text_report(&x, o);
	for (size_t i = 0; i < x.warnings.n; i++)
		fprintf(stderr, "vfio-early: warning: %s\n", x.warnings.v[i]);
	if (x.error)
		fprintf(stderr, "vfio-early: rom: %s\n", x.error);
	free(x.buf);
	free(x.error);
	free(x.file);
	free(x.pve_name);
	free(x.pve_copy);
	sl_free(&x.warnings);
	rom_report_free(&x.rep);
	return status;
}
