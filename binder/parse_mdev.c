/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "mdev" keyword (vfio-early.conf(5)):
 *
 *   mdev SELECTOR|parent=NAME type=TYPE [count=N] [uuid=U[,U...]]
 *
 * into cfg->mdev, apart from the rules that select devices for vfio-pci.
 * Pure, like parse.c, whose line context and helpers it uses (parse_kw.h). */
#include "parse.h"
#include "parse_kw.h"

#include <stdlib.h>
#include <string.h>

bool mdev_name_ok(const char *s)
{
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-:")] == '\0' && *s && strlen(s) < MDEV_NAME_MAX &&
	       !streq(s, ".") && !streq(s, "..");
}

/* uuid=U,U...: into r (r->uuids allocated), each new to the whole config. */
static int parse_uuid_list(struct pctx *p, const char *list, struct mdev_rule *r)
{
	const char *s = list;
	char b[48];

	for (;;) {
		char one[48];
		size_t n = strcspn(s, ",");
		struct uuid u;
		if (n < sizeof(one)) {
			memcpy(one, s, n);
			one[n] = '\0';
		}
		if (n >= sizeof(one) || uuid_parse(one, &u) < 0) {
			perr(p, "'uuid=%s': expected UUIDs such as uuid=3b2f2f3e-8f0c-4c1e-9a53-7a1c1b5e2d10 (8-4-4-4-12 hex digits), comma-separated",
			     shown(list, b));
			return -1;
		}
		if (r->nuuids == MDEV_COUNT_MAX) {
			perr(p, "'uuid=%s': at most %d UUIDs a rule", shown(list, b), MDEV_COUNT_MAX);
			return -1;
		}
		for (size_t k = 0; k <= p->c->nmdev; k++) {
			const struct mdev_rule *o = k < p->c->nmdev ? &p->c->mdev[k] : r;
			for (size_t j = 0; j < o->nuuids; j++)
				if (uuid_eq(&o->uuids[j], &u)) {
					perr(p, "'%s': UUID given twice (%s line %u); a UUID names one mediated device", one, o == r ? "on this" : "also on",
					     o->line);
					return -1;
				}
		}
		r->uuids = xrealloc(r->uuids, (r->nuuids + 1) * sizeof(*r->uuids));
		r->uuids[r->nuuids++] = u;
		s += n;
		if (!*s++)
			return 0;
	}
}

static int parse_mdev_option(struct pctx *p, const char *tok, struct mdev_rule *r, bool *have_count)
{
	char b[48];

	if (startswith(tok, "type=")) {
		if (r->type[0] || !mdev_name_ok(tok + 5)) {
			perr(p, "'%s': %s", shown(tok, b),
			     r->type[0]
				     ? "type= given twice; write one rule per type"
				     : "expected type=TYPE, a directory name in the parent's mdev_supported_types/ (e.g. i915-GVTg_V5_4, nvidia-63, mtty-2)");
			return -1;
		}
		strcpy(r->type, tok + 5);
	} else if (startswith(tok, "count=")) {
		if (*have_count || parse_uint(tok + 6, MDEV_COUNT_MAX, &r->count) < 0 || r->count == 0) {
			perr(p, "'%s': %s", shown(tok, b), *have_count ? "count= given twice" : "expected count=N, from 1 to 64 instances");
			return -1;
		}
		*have_count = true;
	} else if (startswith(tok, "uuid=")) {
		if (r->nuuids) {
			perr(p, "'%s': uuid= given twice; list them in one, comma-separated", shown(tok, b));
			return -1;
		}
		return parse_uuid_list(p, tok + 5, r);
	} else {
		perr(p, "'%s': unknown mdev option; accepted: type=TYPE, count=N, uuid=UUID[,UUID...]", shown(tok, b));
		return -1;
	}
	return 0;
}

void parse_mdev(struct pctx *p, char **tok, int ntok)
{
	struct mdev_rule r = { .line = p->line };
	bool have_count = false;
	char b[48];
	int i = 2;

	if (ntok < 2 || startswith(tok[1], "type=") || startswith(tok[1], "count=") || startswith(tok[1], "uuid=")) {
		perr(p, "mdev needs a parent first: parent=NAME (as in /sys/class/mdev_bus/) or a PCI device (an address, slot=, path=, serial=, id=)");
		return;
	}
	if (startswith(tok[1], "parent=")) {
		if (!mdev_name_ok(tok[1] + 7)) {
			perr(p, "'%s': expected parent=NAME, the parent's device name as in /sys/class/mdev_bus/ (e.g. parent=mtty)", shown(tok[1], b));
			return;
		}
		r.by_name = true;
		strcpy(r.parent, tok[1] + 7);
	} else if ((i = parse_selector(p, tok, ntok, &r.sel)) < 0) {
		return;
	}
	for (; i < ntok; i++) {
		if (startswith(tok[i], "parent=")) {
			perr(p, "'%s': parent= names the parent alone; give it or a PCI selector, not both", shown(tok[i], b));
			goto fail;
		}
		if (parse_mdev_option(p, tok[i], &r, &have_count) < 0)
			goto fail;
	}
	if (!r.type[0]) {
		perr(p, "mdev needs type=TYPE (ls /sys/class/mdev_bus/*/mdev_supported_types/ lists them)");
		goto fail;
	}
	if (!have_count)
		r.count = r.nuuids ? (unsigned)r.nuuids : 1;
	if (r.nuuids > r.count) {
		perr(p, "uuid= lists %zu UUIDs for count=%u instances", r.nuuids, r.count);
		goto fail;
	}
	GROW(p->c->mdev, p->c->capmdev, p->c->nmdev);
	p->c->mdev[p->c->nmdev++] = r;
	return;
fail:
	free(r.uuids);
}
