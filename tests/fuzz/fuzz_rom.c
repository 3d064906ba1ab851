/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the option ROM checker. The first 4 bytes are the
 * card's vendor and device id (little-endian), the rest the ROM as the
 * kernel's rom attribute would return it. Images must lie inside the data,
 * in order; a valid ROM ends at its last image and has no problem; an
 * invalid one says why. */
#include "romparse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FATAL(...)                                         \
	do {                                               \
		fprintf(stderr, "fuzz_rom: " __VA_ARGS__); \
		abort();                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rom_report r;
	uint16_t vendor, device;
	size_t len, prev_end = 0;
	uint8_t *rom;
	char kind[96];
	int e;

	if (size < 4)
		return 0;
	vendor = (uint16_t)(data[0] | data[1] << 8);
	device = (uint16_t)(data[2] | data[3] << 8);
	len = size - 4;
	rom = malloc(len ? len : 1); /* its own allocation: ASan sees any read past it */
	memcpy(rom, data + 4, len);
	e = rom_parse(rom, len, vendor, device, &r);
	if (e != 0 && e != -EBADMSG)
		FATAL("returned %d\n", e);
	if ((e == 0) != r.valid || r.valid != (r.problems.n == 0))
		FATAL("valid %d, return %d, %zu problems\n", r.valid, e, r.problems.n);
	if (r.n > ROM_MAX_IMAGES)
		FATAL("%zu images\n", r.n);
	for (size_t i = 0; i < r.n; i++) {
		const struct rom_image *im = &r.img[i];
		if (im->offset != prev_end)
			FATAL("image %zu at %zu, the previous ended at %zu\n", i, im->offset, prev_end);
		if (i + 1 < r.n && (im->last || !im->len || im->offset + im->len > len))
			FATAL("image %zu: the chain went on past it\n", i);
		if (im->len % 512)
			FATAL("image %zu: length %zu\n", i, im->len);
		if (im->id_match && (im->vendor != vendor || im->device != device))
			FATAL("image %zu: id_match with other ids\n", i);
		prev_end = im->offset + im->len;
	}
	if (r.valid) {
		if (!r.n || !r.img[r.n - 1].last || r.end != prev_end || r.end + r.trailing != len || r.end > len)
			FATAL("valid, but n %zu end %zu trailing %zu len %zu\n", r.n, r.end, r.trailing, len);
		for (size_t i = 0; i < r.n; i++)
			if (r.img[i].vendor != vendor || (!r.img[i].id_match && !r.img[i].in_devlist))
				FATAL("valid with image %zu for another card\n", i);
		(void)rom_kind(&r, kind, sizeof(kind));
		if (!kind[0] || strstr(kind, "no images"))
			FATAL("kind '%s'\n", kind);
	} else if (r.end || r.trailing) {
		FATAL("invalid with end %zu\n", r.end);
	}
	for (size_t i = 0; i < r.problems.n; i++)
		if (!r.problems.v[i][0])
			FATAL("empty problem\n");
	rom_report_free(&r);
	free(rom);
	return 0;
}
