#include "romparse.h"
#include "t.h"

#include <errno.h>
#include <stdlib.h>

#define VEN 0x10de
#define DEV 0x2204
#define PCIR 0x40

static uint8_t rom[64 * 512];

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* The x86 image at img (blocks x 512 bytes) sums to 0 again. */
static void fix_sum(uint8_t *img)
{
	size_t len = (size_t)(img[PCIR + 0x10] | img[PCIR + 0x11] << 8) * 512;
	unsigned s = 0;
	for (size_t i = 0; i + 1 < len; i++)
		s += img[i];
	img[len - 1] = (uint8_t)(0x100 - (s & 0xff));
}

/* One image at off, as mkrom (tests/sysfs) makes them: header, PCIR at
 * 0x40 for the card, x86 summed to 0, EFI x64. Returns the next offset. */
static size_t put(size_t off, uint8_t type, size_t blocks, bool last)
{
	uint8_t *img = rom + off;

	memset(img, 0, blocks * 512);
	img[0] = 0x55;
	img[1] = 0xaa;
	if (type == 3) {
		put16(img + 2, (uint16_t)blocks);
		put16(img + 4, 0x0ef1);
		put16(img + 8, 11);
		put16(img + 0x0a, 0x8664);
	} else {
		img[2] = (uint8_t)blocks;
	}
	put16(img + 0x18, PCIR);
	memcpy(img + PCIR, "PCIR", 4);
	put16(img + PCIR + 4, VEN);
	put16(img + PCIR + 6, DEV);
	put16(img + PCIR + 0x0a, 0x18);
	img[PCIR + 0x0f] = 0x03;
	put16(img + PCIR + 0x10, (uint16_t)blocks);
	img[PCIR + 0x14] = type;
	img[PCIR + 0x15] = last ? 0x80 : 0;
	if (type == 0)
		fix_sum(img);
	return off + blocks * 512;
}

/* Parses len bytes of rom for the card; the first problem (or "") in
 * first. */
static int parse(size_t len, struct rom_report *r, const char **first)
{
	int e = rom_parse(rom, len, VEN, DEV, r);
	*first = r->problems.n ? r->problems.v[0] : "";
	return e;
}

static void test_valid(void)
{
	struct rom_report r;
	const char *p;
	char kind[96];
	size_t end;

	t_name = "rom: one x86 image";
	end = put(0, 0, 2, true);
	CHECK(parse(end, &r, &p) == 0);
	CHECK(r.valid && r.n == 1 && r.end == 1024 && !r.trailing);
	CHECK(r.img[0].checksum_ok && r.img[0].last && r.img[0].id_match && r.img[0].pcir == PCIR);
	CHECK(r.img[0].class == 0x030000);
	CHECK_STR(rom_kind(&r, kind, sizeof(kind)), "x86 only");
	CHECK_CONTAINS(r.notes.n ? r.notes.v[0] : "", "no EFI image");
	rom_report_free(&r);

	t_name = "rom: x86 + EFI, two images";
	end = put(put(0, 0, 1, false), 3, 3, true);
	CHECK(parse(end, &r, &p) == 0);
	CHECK(r.valid && r.n == 2 && r.end == 2048);
	CHECK(r.img[1].offset == 512 && r.img[1].len == 1536 && r.img[1].code_type == ROM_CODE_EFI);
	CHECK(r.img[1].efi_machine == 0x8664 && r.img[1].efi_subsystem == 11 && !r.img[0].last && r.img[1].last);
	CHECK_STR(rom_kind(&r, kind, sizeof(kind)), "x86 + EFI (x64)");
	CHECK(r.notes.n == 0);
	rom_report_free(&r);

	t_name = "rom: EFI only";
	end = put(0, 3, 2, true);
	CHECK(parse(end, &r, &p) == 0);
	CHECK_STR(rom_kind(&r, kind, sizeof(kind)), "EFI only (x64)");
	CHECK_CONTAINS(r.notes.v[0], "EFI only (x64): no legacy x86 image");
	rom_report_free(&r);

	t_name = "rom: EFI machine types";
	CHECK_STR(rom_efi_machine_name(0x014c), "IA32");
	CHECK_STR(rom_efi_machine_name(0xaa64), "AArch64");
	CHECK_STR(rom_efi_machine_name(0x0ebc), "EBC");
	CHECK(rom_efi_machine_name(0x1234) == NULL);
	put16(rom + 0x0a, 0xaa64);
	CHECK(parse(end, &r, &p) == 0);
	CHECK_STR(rom_kind(&r, kind, sizeof(kind)), "EFI only (AArch64)");
	rom_report_free(&r);
	put16(rom + 0x0a, 0x1234);
	CHECK(parse(end, &r, &p) == 0);
	CHECK_STR(rom_kind(&r, kind, sizeof(kind)), "EFI only (0x1234)");
	CHECK_CONTAINS(r.notes.v[0], "machine type 0x1234");
	rom_report_free(&r);

	t_name = "rom: Open Firmware and other code types";
	end = put(put(0, 1, 1, false), 0x70, 1, true);
	CHECK(parse(end, &r, &p) == 0);
	CHECK_STR(rom_kind(&r, kind, sizeof(kind)), "Open Firmware + other");
	CHECK_STR(rom_code_name(0x70), "other");
	CHECK_STR(rom_code_key(1), "open-firmware");
	rom_report_free(&r);

	t_name = "rom: bytes after the last image";
	end = put(0, 0, 1, true);
	memset(rom + end, 0xff, 100);
	CHECK(parse(end + 100, &r, &p) == 0);
	CHECK(r.end == 512 && r.trailing == 100);
	CHECK_CONTAINS(r.notes.v[r.notes.n - 1], "100 bytes after the last image");
	rom_report_free(&r);

	t_name = "rom: x86 checksum over the initialization size";
	end = put(0, 0, 2, true);
	rom[2] = 1; /* the BIOS's size: the first 512 bytes */
	fix_sum(rom); /* the whole image sums to 0 ... */
	rom[511] = (uint8_t)(rom[511] - 1); /* ... no longer; the first half does */
	{
		unsigned s = 0;
		for (size_t i = 0; i < 511; i++)
			s += rom[i];
		rom[511] = (uint8_t)(0x100 - (s & 0xff));
	}
	CHECK(parse(end, &r, &p) == 0);
	CHECK(r.img[0].checksum_ok && r.img[0].sum != 0);
	rom_report_free(&r);
}

static void test_ids(void)
{
	static const uint16_t list[] = { 0x1111, DEV, 0 };
	struct rom_report r;
	const char *p;
	size_t end;

	t_name = "rom: another vendor's ROM";
	end = put(0, 0, 1, true);
	put16(rom + PCIR + 4, 0x1002);
	fix_sum(rom);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK(!r.valid && !r.img[0].id_match);
	CHECK_CONTAINS(p, "its PCIR names 1002:2204, the card is 10de:2204: a ROM for another vendor's card");
	rom_report_free(&r);

	t_name = "rom: another device of the vendor, no device list";
	end = put(0, 0, 1, true);
	put16(rom + PCIR + 6, 0x1111);
	fix_sum(rom);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "names device 10de:1111, the card is 10de:2204: a ROM for another card");
	rom_report_free(&r);

	t_name = "rom: revision 3 device list naming the card";
	rom[PCIR + 0x0c] = 3;
	put16(rom + PCIR + 8, 0x20);
	memcpy(rom + PCIR + 0x20, list, sizeof(list)); /* little-endian host */
	fix_sum(rom);
	CHECK(parse(end, &r, &p) == 0);
	CHECK(r.img[0].in_devlist && r.img[0].devlist_n == 2 && !r.img[0].id_match);
	CHECK_CONTAINS(r.notes.v[0], "its device list (2 ids) names the card's device 2204 (the PCIR's own device id is another)");
	rom_report_free(&r);

	t_name = "rom: a device list before revision 3 is not one";
	rom[PCIR + 0x0c] = 2;
	fix_sum(rom);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK(!r.img[0].in_devlist && r.img[0].devlist_n == 0);
	rom_report_free(&r);

	t_name = "rom: device list without the card";
	rom[PCIR + 0x0c] = 3;
	put16(rom + PCIR + 0x22, 0x3333);
	fix_sum(rom);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "and its device list does not name it either");
	rom_report_free(&r);

	t_name = "rom: the card's own id and a device list";
	put16(rom + PCIR + 6, DEV);
	fix_sum(rom);
	CHECK(parse(end, &r, &p) == 0);
	CHECK(r.img[0].id_match && !r.img[0].in_devlist && r.img[0].devlist_n == 2);
	rom_report_free(&r);

	t_name = "rom: device list without its 0";
	for (size_t i = PCIR + 0x20; i < 510; i += 2)
		put16(rom + i, 0x4444);
	fix_sum(rom);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "device list");
	rom_report_free(&r);
}

static void test_broken(void)
{
	struct rom_report r;
	const char *p;
	size_t end;

	t_name = "rom: empty";
	CHECK(parse(0, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "empty");
	rom_report_free(&r);

	t_name = "rom: one byte";
	put(0, 0, 1, true);
	CHECK(parse(1, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "truncated: 1 byte where a ROM header starts");
	rom_report_free(&r);

	t_name = "rom: header cut before the PCIR pointer";
	CHECK(parse(20, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "truncated: 20 bytes, its header needs 26");
	rom_report_free(&r);

	t_name = "rom: cut before the PCIR structure";
	CHECK(parse(PCIR + 10, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "truncated: its PCIR structure at +0x40 lies past the end");
	rom_report_free(&r);

	t_name = "rom: truncated image";
	end = put(put(0, 0, 1, false), 3, 3, true);
	CHECK(parse(end - 512, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "image 2 at 0x200: truncated: its PCIR says 1536 bytes (3 x 512), only 1024 are there");
	CHECK(r.n == 2 && !r.valid && r.end == 0);
	rom_report_free(&r);

	t_name = "rom: bad signature";
	end = put(0, 0, 1, true);
	rom[0] = 0;
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "no ROM signature: it starts 00 aa, not 55 aa");
	CHECK(r.n == 0);
	rom_report_free(&r);

	t_name = "rom: all ff (a card that does not answer)";
	memset(rom, 0xff, 512);
	CHECK(parse(512, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "it starts ff ff");
	rom_report_free(&r);

	t_name = "rom: bad signature of the second image";
	end = put(put(0, 0, 1, false), 3, 2, true);
	rom[512] = 0x12;
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "image 2 at 0x200: no ROM signature (12 aa, not 55 aa) where image 1 says another image follows");
	rom_report_free(&r);

	t_name = "rom: no PCIR signature";
	end = put(0, 0, 1, true);
	rom[PCIR] = 'X';
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "no PCIR signature at +0x40 (the pointer at +0x18): found 58 43 49 52");
	rom_report_free(&r);

	t_name = "rom: PCIR pointer past the data";
	end = put(0, 0, 1, true);
	put16(rom + 0x18, 0xfff0);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "PCIR structure at +0xfff0 lies past the end of the data");
	rom_report_free(&r);

	t_name = "rom: PCIR structure past the image";
	end = put(0, 0, 1, true);
	memset(rom + end, 0, 512); /* more data, not in the image */
	put16(rom + 0x18, 500);
	memcpy(rom + 500, "PCIR", 4);
	put16(rom + 500 + 0x10, 1);
	CHECK(parse(end + 512, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "ends past the image");
	rom_report_free(&r);

	t_name = "rom: short PCIR structure length";
	end = put(0, 0, 1, true);
	put16(rom + PCIR + 0x0a, 0x10);
	fix_sum(rom);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "PCIR structure length 16, at least 24");
	rom_report_free(&r);

	t_name = "rom: zero length";
	end = put(0, 0, 1, true);
	put16(rom + PCIR + 0x10, 0);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "zero length");
	rom_report_free(&r);

	t_name = "rom: bad checksum";
	end = put(0, 0, 1, true);
	rom[0x100]++;
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK(!r.img[0].checksum_ok && r.img[0].sum == 1);
	CHECK_CONTAINS(p, "image 1 (x86) at 0x0: bad checksum: its 512 bytes sum to 0x01, not 0");
	rom_report_free(&r);

	t_name = "rom: EFI images carry no checksum";
	end = put(0, 3, 1, true);
	rom[0x100]++;
	CHECK(parse(end, &r, &p) == 0);
	rom_report_free(&r);

	t_name = "rom: EFI image without the EFI signature";
	put16(rom + 4, 0x1234);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "no EFI signature (0x00001234 at +4, not 0x00000ef1)");
	rom_report_free(&r);

	t_name = "rom: last-image bit missing at the end";
	end = put(put(0, 0, 1, false), 3, 2, false);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK_CONTAINS(p, "image 2 at 0x200 is not marked as the last (indicator bit 7 clear), and the data ends after it");
	rom_report_free(&r);

	t_name = "rom: more images than any ROM holds";
	end = 0;
	for (int i = 0; i < ROM_MAX_IMAGES + 2; i++)
		end = put(end, 3, 1, false);
	CHECK(parse(end, &r, &p) == -EBADMSG);
	CHECK(r.n == ROM_MAX_IMAGES);
	CHECK_CONTAINS(p, "more than 16 images");
	rom_report_free(&r);
}

void test_rom(void)
{
	test_valid();
	test_ids();
	test_broken();
}
