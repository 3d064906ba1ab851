/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: arbitrary bytes as /proc/cmdline (cut at the first
 * NUL, as the binary reads it as a string). Asserts that every bind rule
 * it adds is a well-formed address that cannot name a path outside
 * sys/bus/pci/devices, and that warnings stay short. */
#include "cmdline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FATAL(...)                                             \
	do {                                                   \
		fprintf(stderr, "fuzz_cmdline: " __VA_ARGS__); \
		abort();                                       \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct cmdline cl;
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	config_init(&c, "fuzz.conf");
	cmdline_parse(text, &c, &cl);
	if (cl.nbind != c.n)
		FATAL("nbind %zu, rules %zu\n", cl.nbind, c.n);
	for (size_t i = 0; i < c.n; i++) {
		const struct rule *r = &c.rules[i];
		char a[PCI_ADDR_MAX];
		pci_addr_fmt(&r->sel.addr, a);
		/* an address, a slot, or slot=, path=, serial= (never id=) */
		if (r->kind != RULE_BIND || r->line != 0 || r->sel.kind == SEL_ID || r->sel.kind > SEL_SERIAL || r->sel.has_id)
			FATAL("rule %zu: kind %d line %u sel %d\n", i, r->kind, r->line, r->sel.kind);
		if (strlen(a) > 16 || strchr(a, '/') || r->sel.addr.slot > 0x1f || r->sel.addr.func > 7)
			FATAL("rule address '%s'\n", a);
	}
	for (size_t i = 0; i < cl.warnings.n; i++)
		if (strlen(cl.warnings.v[i]) > 300)
			FATAL("warning of %zu bytes: user text must be cut\n", strlen(cl.warnings.v[i]));
	cmdline_free(&cl);
	config_free(&c);
	free(text);
	return 0;
}
