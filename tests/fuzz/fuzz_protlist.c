/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: arbitrary bytes as the build-time protected list
 * (read as a string, so cut at the first NUL). Every entry must be a full,
 * in-range address and carry a reason. */
#include "protlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FATAL(...)                                              \
	do {                                                    \
		fprintf(stderr, "fuzz_protlist: " __VA_ARGS__); \
		abort();                                        \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct protlist p = { 0 };
	struct strlist errs = { 0 };
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	protlist_parse(&p, "fuzz.list", text, &errs);
	for (size_t i = 0; i < p.n; i++) {
		if (!p.v[i].why || !p.v[i].why[0])
			FATAL("entry %zu has no reason\n", i);
		if (p.v[i].addr.slot > 0x1f || p.v[i].addr.func > 7)
			FATAL("entry %zu out of range\n", i);
		if (protlist_find(&p, &p.v[i].addr) == NULL)
			FATAL("entry %zu not found again\n", i);
	}
	for (size_t i = 0; i < errs.n; i++)
		if (strncmp(errs.v[i], "fuzz.list:", 10) != 0)
			FATAL("error without FILE:LINE: '%.80s'\n", errs.v[i]);
	protlist_free(&p);
	sl_free(&errs);
	free(text);
	return 0;
}
