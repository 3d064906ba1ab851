/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel command line switches (vfio-early(8)). Pure: takes the text.
 *   vfio-early.off[=1]            bind nothing (rescue)
 *   vfio-early.dryrun[=1]         plan and log only
 *   vfio-early.bind=ADDR[,ADDR]   extra bind rules, full or short address
 * One tokenizer serves the switches and cmdline_value (the doctor's reads
 * of intel_iommu=, iommu= ...): what one sees, the other sees. */
#include "cmdline.h"

#include <stdio.h>
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
		const char *why = "";
		if (strlen(a) > 80 || selector_parse_location(a, &sel, &why) <= 0) {
			sl_addf(&ret->warnings,
				"vfio-early.bind: '%.32s' is not a PCI address or device (expected 0000:01:00.0, 01:00.0, slot 01:00, slot=NAME, path=P or "
				"serial=S); ignored",
				a);
			continue;
		}
		(void)config_add_rule(cfg, RULE_BIND, 0, &sel);
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

/* The next word of *s, in place: the kernel's own rule, double quotes
 * group and are dropped. NULL at the end or at "--" (the rest belongs to
 * init). */
static char *next_word(char **s)
{
	char *p = *s, *w, *o;
	bool quoted = false;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!*p)
		return NULL;
	w = o = p;
	while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n'))) {
		if (*p == '"')
			quoted = !quoted;
		else
			*o++ = *p;
		p++;
	}
	if (*p)
		p++;
	*o = '\0';
	*s = p;
	return streq(w, "--") ? NULL : w;
}

void cmdline_parse(const char *text, struct config *cfg, struct cmdline *ret)
{
	char *dup = xstrdup(text), *s = dup, *w;

	memset(ret, 0, sizeof(*ret));
	while ((w = next_word(&s)))
		if (startswith(w, "vfio-early."))
			one_switch(w, cfg, ret);
	free(dup);
}

const char *cmdline_value(const char *text, const char *key, char *buf, size_t size)
{
	char *dup = xstrdup(text), *s = dup, *w;
	size_t kl = strlen(key);
	const char *found = NULL;

	while ((w = next_word(&s)))
		if (!strncmp(w, key, kl) && (w[kl] == '\0' || w[kl] == '=')) {
			(void)snprintf(buf, size, "%s", w[kl] ? w + kl + 1 : "");
			found = buf;
		}
	free(dup);
	return found;
}

void cmdline_free(struct cmdline *c)
{
	sl_free(&c->warnings);
}
