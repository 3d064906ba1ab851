/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Option ROM images, checked the way firmware walks them (SeaBIOS, OVMF,
 * the kernel's pci_get_rom_size()): 55 AA, the pointer at 0x18 to "PCIR",
 * the image length at PCIR+0x10 in 512-byte units, the indicator bit 7 at
 * PCIR+0x15 ending the chain. Pure. */
#include "romparse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define HDR_MIN 0x1a /* 55 AA ... the PCIR pointer at 0x18 */
#define PCIR_MIN 0x18 /* the PCIR structure up to the indicator byte */
#define EFI_SIGNATURE 0x0ef1

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	unsigned s = 0;
	while (n--)
		s += *p++;
	return (uint8_t)s;
}

const char *rom_code_name(uint8_t code)
{
	switch (code) {
	case ROM_CODE_X86: return "x86";
	case ROM_CODE_OPENFW: return "Open Firmware";
	case ROM_CODE_HPPA: return "HP PA-RISC";
	case ROM_CODE_EFI: return "EFI";
	default: return "other";
	}
}

const char *rom_code_key(uint8_t code)
{
	switch (code) {
	case ROM_CODE_X86: return "x86";
	case ROM_CODE_OPENFW: return "open-firmware";
	case ROM_CODE_HPPA: return "hp-pa-risc";
	case ROM_CODE_EFI: return "efi";
	default: return "other";
	}
}

/* PE/COFF machine types (UEFI 2.x, "EFI Image" machine types). */
const char *rom_efi_machine_name(uint16_t machine)
{
	switch (machine) {
	case 0x014c: return "IA32";
	case 0x0200: return "Itanium";
	case 0x0ebc: return "EBC";
	case 0x8664: return "x64";
	case 0x01c2: return "ARM";
	case 0xaa64: return "AArch64";
	case 0x5032: return "RISC-V32";
	case 0x5064: return "RISC-V64";
	case 0x6264: return "LoongArch64";
	default: return NULL;
	}
}

/* The PCI Firmware 3.0 device list: 16-bit device ids after the PCIR's
 * vendor, ended by 0, inside the image. */
static void devlist(const uint8_t *img, size_t ilen, size_t at, uint16_t device, size_t no, size_t off, struct rom_image *im, struct rom_report *r)
{
	size_t n = 0;

	for (;; at += 2) {
		if (at + 2 > ilen) {
			sl_addf(&r->problems, "image %zu at 0x%zx: its device list runs past the end of the image (no 0 at its end)", no, off);
			return;
		}
		uint16_t id = le16(img + at);
		if (!id)
			break;
		if (++n > ROM_MAX_DEVLIST) {
			sl_addf(&r->problems, "image %zu at 0x%zx: its device list has more than %d ids (no 0 at its end)", no, off, ROM_MAX_DEVLIST);
			return;
		}
		im->in_devlist |= id == device;
	}
	im->devlist_n = n;
}

static void check_ids(const uint8_t *img, size_t ilen, uint16_t vendor, uint16_t device, size_t no, struct rom_image *im, struct rom_report *r)
{
	const uint8_t *pcir = img + im->pcir;
	uint16_t dl = le16(pcir + 0x08);

	/* +0x08 is the device list pointer only from revision 3 on; before,
	 * it was reserved (or pointed at VPD). */
	if (im->pcir_rev >= 3 && dl)
		devlist(img, ilen, im->pcir + dl, device, no, im->offset, im, r);
	im->id_match = im->vendor == vendor && im->device == device;
	if (im->vendor != vendor)
		sl_addf(&r->problems, "image %zu at 0x%zx: its PCIR names %04x:%04x, the card is %04x:%04x: a ROM for another vendor's card", no, im->offset,
			im->vendor, im->device, vendor, device);
	else if (im->device != device && !im->in_devlist)
		sl_addf(&r->problems, "image %zu at 0x%zx: its PCIR names device %04x:%04x, the card is %04x:%04x%s", no, im->offset, im->vendor, im->device,
			vendor, device, im->devlist_n ? ", and its device list does not name it either" : ": a ROM for another card");
	else if (im->in_devlist)
		sl_addf(&r->notes, "image %zu: its device list (%zu id%s) names the card's device %04x%s", no, im->devlist_n, im->devlist_n == 1 ? "" : "s",
			device, im->device != device ? " (the PCIR's own device id is another)" : "");
}

static void check_x86(const uint8_t *img, size_t ilen, size_t no, struct rom_image *im, struct rom_report *r)
{
	size_t init = (size_t)img[2] * 512;

	im->sum = sum8(img, ilen);
	/* The BIOS checksums the initialization size (byte 2); PCI 3.0 asks
	 * the whole image to sum to 0. Either is how firmware accepts it. */
	im->checksum_ok = im->sum == 0 || (init && init < ilen && sum8(img, init) == 0);
	if (!im->checksum_ok)
		sl_addf(&r->problems, "image %zu (x86) at 0x%zx: bad checksum: its %zu bytes sum to 0x%02x, not 0: corrupt or edited", no, im->offset, ilen,
			im->sum);
}

static void check_efi(const uint8_t *img, size_t no, struct rom_image *im, struct rom_report *r)
{
	uint32_t sig = le32(img + 4);

	im->efi_subsystem = le16(img + 8);
	im->efi_machine = le16(img + 0x0a);
	im->efi_compression = le16(img + 0x0c);
	if (sig != EFI_SIGNATURE)
		sl_addf(&r->problems, "image %zu (EFI) at 0x%zx: no EFI signature (0x%08x at +4, not 0x%08x)", no, im->offset, sig, EFI_SIGNATURE);
	else if (!rom_efi_machine_name(im->efi_machine))
		sl_addf(&r->notes, "image %zu (EFI): machine type 0x%04x is none this tool knows", no, im->efi_machine);
}

/* The image at off: 1 when another follows, 0 at the last image, -1 when
 * the chain cannot be followed further (a problem says why). */
static int image(const uint8_t *buf, size_t len, size_t off, uint16_t vendor, uint16_t device, struct rom_report *r)
{
	const uint8_t *img = buf + off, *pcir;
	size_t left = len - off, no = r->n + 1, ptr, ilen, plen;
	struct rom_image *im;

	if (left < 2 || img[0] != 0x55 || img[1] != 0xaa) {
		if (left < 2)
			sl_addf(&r->problems, "image %zu at 0x%zx: truncated: %zu byte%s where a ROM header starts", no, off, left, left == 1 ? "" : "s");
		else if (!off)
			sl_addf(&r->problems, "no ROM signature: it starts %02x %02x, not 55 aa: not an option ROM", img[0], img[1]);
		else
			sl_addf(&r->problems, "image %zu at 0x%zx: no ROM signature (%02x %02x, not 55 aa) where image %zu says another image follows", no, off,
				img[0], img[1], no - 1);
		return -1;
	}
	if (left < HDR_MIN) {
		sl_addf(&r->problems, "image %zu at 0x%zx: truncated: %zu bytes, its header needs %d", no, off, left, HDR_MIN);
		return -1;
	}
	ptr = le16(img + 0x18);
	if (ptr + PCIR_MIN > left) {
		sl_addf(&r->problems, "image %zu at 0x%zx: truncated: its PCIR structure at +0x%zx lies past the end of the data (%zu bytes)", no, off, ptr,
			left);
		return -1;
	}
	pcir = img + ptr;
	if (memcmp(pcir, "PCIR", 4)) {
		sl_addf(&r->problems, "image %zu at 0x%zx: no PCIR signature at +0x%zx (the pointer at +0x18): found %02x %02x %02x %02x", no, off, ptr,
			pcir[0], pcir[1], pcir[2], pcir[3]);
		return -1;
	}
	im = &r->img[r->n++];
	im->offset = off;
	im->pcir = ptr;
	im->vendor = le16(pcir + 4);
	im->device = le16(pcir + 6);
	im->pcir_rev = pcir[0x0c];
	im->class = (uint32_t)pcir[0x0d] | (uint32_t)pcir[0x0e] << 8 | (uint32_t)pcir[0x0f] << 16;
	im->code_type = pcir[0x14];
	im->last = pcir[0x15] & 0x80;
	im->len = ilen = (size_t)le16(pcir + 0x10) * 512;
	plen = le16(pcir + 0x0a);
	if (!ilen) {
		sl_addf(&r->problems, "image %zu at 0x%zx: zero length (PCIR +0x10 is 0): the chain ends in nothing", no, off);
		return -1;
	}
	if (ilen > left) {
		sl_addf(&r->problems, "image %zu at 0x%zx: truncated: its PCIR says %zu bytes (%zu x 512), only %zu are there", no, off, ilen, ilen / 512,
			left);
		return -1;
	}
	if (plen < PCIR_MIN)
		sl_addf(&r->problems, "image %zu at 0x%zx: PCIR structure length %zu, at least %d", no, off, plen, PCIR_MIN);
	if (ptr + (plen > PCIR_MIN ? plen : PCIR_MIN) > ilen) {
		sl_addf(&r->problems, "image %zu at 0x%zx: its PCIR structure (+0x%zx, %zu bytes) ends past the image (%zu bytes)", no, off, ptr, plen, ilen);
		return -1;
	}
	check_ids(img, ilen, vendor, device, no, im, r);
	if (im->code_type == ROM_CODE_X86)
		check_x86(img, ilen, no, im, r);
	else if (im->code_type == ROM_CODE_EFI)
		check_efi(img, no, im, r);
	return im->last ? 0 : 1;
}

static void add_notes(struct rom_report *r)
{
	bool x86 = false, efi = false;
	char kind[96];

	for (size_t i = 0; i < r->n; i++) {
		x86 |= r->img[i].code_type == ROM_CODE_X86;
		efi |= r->img[i].code_type == ROM_CODE_EFI;
	}
	if (efi && !x86)
		sl_addf(&r->notes, "%s: no legacy x86 image: a UEFI (OVMF) guest can use it, a SeaBIOS guest cannot", rom_kind(r, kind, sizeof(kind)));
	else if (x86 && !efi && r->img[0].class >> 16 == 0x03)
		sl_addf(&r->notes, "no EFI image: a UEFI (OVMF) guest gets no display driver (GOP) from this ROM before its OS driver loads");
	if (r->trailing)
		sl_addf(&r->notes, "%zu byte%s after the last image: not part of the ROM, left out of the file", r->trailing, r->trailing == 1 ? "" : "s");
}

int rom_parse(const uint8_t *buf, size_t len, uint16_t vendor, uint16_t device, struct rom_report *ret)
{
	size_t off = 0;
	int k;

	memset(ret, 0, sizeof(*ret));
	if (!len)
		sl_addf(&ret->problems, "empty: no bytes were read");
	while (len) {
		k = image(buf, len, off, vendor, device, ret);
		if (k <= 0)
			break;
		off += ret->img[ret->n - 1].len;
		if (off == len) {
			sl_addf(&ret->problems,
				"image %zu at 0x%zx is not marked as the last (indicator bit 7 clear), and the data ends after it: cut short, or a broken chain",
				ret->n, ret->img[ret->n - 1].offset);
			break;
		}
		if (ret->n == ROM_MAX_IMAGES) {
			sl_addf(&ret->problems, "more than %d images: not a ROM's chain of images", ROM_MAX_IMAGES);
			break;
		}
	}
	ret->valid = !ret->problems.n;
	if (ret->valid) {
		ret->end = ret->img[ret->n - 1].offset + ret->img[ret->n - 1].len;
		ret->trailing = len - ret->end;
		add_notes(ret);
	}
	return ret->valid ? 0 : -EBADMSG;
}

void rom_report_free(struct rom_report *r)
{
	sl_free(&r->problems);
	sl_free(&r->notes);
}

/* "x86 + EFI (x64)"; a lone kind says so: "EFI only (x64)", "x86 only". */
const char *rom_kind(const struct rom_report *r, char *buf, size_t size)
{
	const char *names[] = { "x86", "EFI", "Open Firmware", "other" };
	bool have[ARRAY_SIZE(names)] = { false };
	struct strbuf sb = { 0 }, efi = { 0 };
	size_t parts = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct rom_image *im = &r->img[i];
		const char *m = rom_efi_machine_name(im->efi_machine);
		size_t k = im->code_type == ROM_CODE_X86 ? 0 : im->code_type == ROM_CODE_EFI ? 1 : im->code_type == ROM_CODE_OPENFW ? 2 : 3;
		parts += !have[k];
		have[k] = true;
		if (k != 1)
			continue;
		if (efi.len)
			sb_puts(&efi, ", ");
		if (m)
			sb_puts(&efi, m);
		else
			sb_printf(&efi, "0x%04x", im->efi_machine);
	}
	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		if (!have[k])
			continue;
		sb_printf(&sb, "%s%s%s", sb.len ? " + " : "", names[k], parts == 1 ? " only" : "");
		if (k == 1)
			sb_printf(&sb, " (%s)", efi.s);
	}
	(void)snprintf(buf, size, "%s", parts ? sb.s : "no images");
	sb_free(&sb);
	sb_free(&efi);
	return buf;
}
