/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a keyword parser in a file of its own (parse_mdev.c) shares with
 * parse.c: the line being parsed and parse.c's helpers. Pure. */
#pragma once
#include "parse.h"

struct pctx {
	struct config *c;
	unsigned line;
	size_t nerr;
};

/* "FILE:LINE: ..." into the config's errors. */
void perr(struct pctx *p, const char *fmt, ...) PRINTF(2, 3);
/* A token as it may be shown in a message (printable, cut at 40). */
const char *shown(const char *tok, char buf[static 48]);
/* Decimal, no sign, at most max: 0, -EINVAL or -ERANGE. */
int parse_uint(const char *s, unsigned max, unsigned *ret);
/* The selector words from tok[1]: the index of the first other word, or -1
 * (reported). */
int parse_selector(struct pctx *p, char **tok, int ntok, struct selector *sel);
void parse_mdev(struct pctx *p, char **tok, int ntok);
