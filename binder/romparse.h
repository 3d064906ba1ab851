/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A PCI option ROM as the kernel's `rom` attribute returns it: the chain of
 * images, each checked (55 AA, the PCIR structure, ids against the card,
 * sizes, the x86 checksum, the EFI header). Pure: bytes in, a report out.
 * PCI Firmware Specification 3.0, chapter 5; UEFI 2.x, "EFI PCI Option ROMs". */
#pragma once
#include "util.h"

#define ROM_MAX_IMAGES 16
#define ROM_MAX_DEVLIST 256 /* PCIR 3.0 device list entries, before its 0 */

enum rom_code_type {
	ROM_CODE_X86 = 0, /* Intel x86, PC-AT compatible (legacy BIOS) */
	ROM_CODE_OPENFW = 1, /* Open Firmware (IEEE 1275) */
	ROM_CODE_HPPA = 2, /* HP PA-RISC */
	ROM_CODE_EFI = 3, /* UEFI driver */
};

struct rom_image {
	size_t offset; /* from the start of the ROM */
	size_t len; /* PCIR image length x 512 */
	size_t pcir; /* the PCIR structure, from the image's start */
	uint16_t vendor, device;
	uint32_t class; /* base, sub, prog-if */
	uint8_t pcir_rev; /* 0 (PCI 2.x), 3 (PCI Firmware 3.0) */
	uint8_t code_type;
	bool last; /* indicator bit 7 */
	bool id_match; /* vendor:device are the card's */
	size_t devlist_n; /* revision 3 device list: entries (0: none) */
	bool in_devlist; /* it names the card's device id */
	bool checksum_ok; /* x86 only: the image's bytes sum to 0 (mod 256) */
	uint8_t sum; /* x86 only: that sum over the PCIR image length */
	uint16_t efi_subsystem, efi_machine, efi_compression; /* EFI only */
};

struct rom_report {
	struct rom_image img[ROM_MAX_IMAGES];
	size_t n;
	size_t end; /* bytes the chain covers: what a romfile= needs */
	size_t trailing; /* bytes read after the last image */
	bool valid;
	struct strlist problems; /* why not valid: image, offset, what */
	struct strlist notes; /* worth knowing, not wrong */
};

/* Walks the images of buf (len bytes) and checks them against the card's
 * vendor:device. Returns 0 when the ROM is usable as a romfile, -EBADMSG
 * when not; *ret is filled either way (problems say why) and is
 * rom_report_free()d by the caller. */
int rom_parse(const uint8_t *buf, size_t len, uint16_t vendor, uint16_t device, struct rom_report *ret);
void rom_report_free(struct rom_report *r);
/* "x86", "Open Firmware", "HP PA-RISC", "EFI", "other" */
const char *rom_code_name(uint8_t code);
/* "x86", "open-firmware", "hp-pa-risc", "efi", "other" (JSON) */
const char *rom_code_key(uint8_t code);
/* "IA32", "x64", "AArch64", "EBC", ... or NULL when unknown */
const char *rom_efi_machine_name(uint16_t machine);
/* What the ROM holds, in one phrase: "x86 + EFI (x64)", "EFI only (x64)",
 * "x86 only"; into buf. */
const char *rom_kind(const struct rom_report *r, char *buf, size_t size);
