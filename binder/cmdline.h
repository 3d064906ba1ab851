/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel command line: vfio-early.* switches (vfio-early(8)) and any
 * key's value, tokenized as the kernel does. Pure. */
#pragma once
#include "parse.h"

struct cmdline {
	bool off;
	bool dryrun;
	size_t nbind; /* rules appended to the config */
	struct strlist warnings;
};

/* Reads vfio-early.* switches from a kernel command line. Bind addresses
 * become RULE_BIND rules (line 0) appended to cfg. Bad tokens are skipped
 * with a warning: the command line must never stop a boot. */
void cmdline_parse(const char *text, struct config *cfg, struct cmdline *ret);
void cmdline_free(struct cmdline *c);
/* The value of the last "key=value" ("" for a bare "key") before "--",
 * where init's arguments start; NULL when absent. Quotes group and are
 * dropped, as the kernel does. */
const char *cmdline_value(const char *text, const char *key, char *buf, size_t size);
