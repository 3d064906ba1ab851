/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel command line switches (vfio-early(8)). Pure: takes the text.
 *   vfio-early.off[=1]            bind nothing (rescue)
 *   vfio-early.dryrun[=1]         plan and log only
 *   vfio-early.bind=ADDR[,ADDR]   extra bind rules, full or short address */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

static bool truthy(const char *v)
{
	return !v || streq(v, "1") || streq(v, "y") || streq(v, "yes") || streq(v, "on") || streq(v, "true");
}

static bool falsy(const char *v)
{
	return v && (streq(v, "0") || streq(v, "n") || streq(v, "no") || streq(v, "off") || streq(v, "false"));
}

static void add_binds(const char *list, struct config *cfg, struct cmdline *ret)
{
	char *dup = xstrdup(list), *save = NULL;

	for (char *a = strtok_r(dup, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
		struct selector sel = { 0 };
		bool slot;
		if (pci_addr_parse(a, &sel.addr, &slot) < 0 || strlen(a) > 16) {
			sl_addf(&ret->warnings, "vfio-early.bind: '%.32s' is not a PCI address (expected 0000:01:00.0, 01:00.0 or slot 01:00); ignored", a);
			continue;
		}
		sel.kind = slot ? SEL_SLOT : SEL_ADDR;
		GROW(cfg->rules, cfg->cap, cfg->n);
		struct rule *r = &cfg->rules[cfg->n++];
		memset(r, 0, sizeof(*r));
		r->kind = RULE_BIND;
		r->sel = sel;
		ret->nbind++;
	}
	free(dup);
}

static void one_switch(char *word, struct config *cfg, struct cmdline *ret)
{
	char *eq = strchr(word, '=');
	const char *val = NULL;
	const char *name = word + strlen("vfio-early.");

	if (eq) {
		*eq = '\0';
		val = eq + 1;
	}
	if (streq(name, "off") || streq(name, "dryrun")) {
		bool *dst = streq(name, "off") ? &ret->off : &ret->dryrun;
		if (truthy(val))
			*dst = true;
		else if (falsy(val))
			*dst = false;
		else
			sl_addf(&ret->warnings, "vfio-early.%s=%.32s: expected 1 or 0; taken as 1 to be safe", name, val);
		if (!truthy(val) && !falsy(val))
			*dst = true;
	} else if (streq(name, "bind")) {
		if (!val || !*val)
			sl_addf(&ret->warnings, "vfio-early.bind needs addresses, e.g. vfio-early.bind=0000:01:00.0; ignored");
		else
			add_binds(val, cfg, ret);
	} else {
		sl_addf(&ret->warnings, "vfio-early.%.32s: unknown switch; accepted: vfio-early.off, vfio-early.dryrun, vfio-early.bind=ADDR[,ADDR]", name);
	}
}

void cmdline_parse(const char *text, struct config *cfg, struct cmdline *ret)
{
	char *dup = xstrdup(text);
	char *s = dup;

	memset(ret, 0, sizeof(*ret));
	while (*s) {
		char *w, *o;
		bool quoted = false;
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		/* The kernel's own rule: double quotes group, and are dropped. */
		w = o = s;
		while (*s && (quoted || (*s != ' ' && *s != '\t' && *s != '\n'))) {
			if (*s == '"')
				quoted = !quoted;
			else
				*o++ = *s;
			s++;
		}
		if (*s)
			s++;
		*o = '\0';
		if (streq(w, "--"))
			break; /* the rest belongs to init */
		if (startswith(w, "vfio-early."))
			one_switch(w, cfg, ret);
	}
	free(dup);
}

void cmdline_free(struct cmdline *c)
{
	sl_free(&c->warnings);
}
