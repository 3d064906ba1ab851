/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM configuration to paste for what the plan puts on vfio-pci: QEMU
 * arguments, a Proxmox `qm set`, libvirt <hostdev> elements. Pure. */
#pragma once
#include "json.h"
#include "plan.h"

struct snippets {
	struct strlist qemu; /* one "-device ..." argument group per line */
	char *proxmox; /* one `qm set` command, NULL when nothing to pass */
	struct strlist libvirt; /* one <hostdev> element per function */
};

void snippets_build(const struct devtab *t, const struct plan *p, struct snippets *ret);
void snippets_free(struct snippets *s);
void snippets_json(const struct snippets *s, struct json *j);
void snippets_text(const struct snippets *s, struct strbuf *sb);
