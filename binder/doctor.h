/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host doctor behind `check`: judges the host facts (hostfacts.h) with
 * the device table and the plan into findings, each with a stable code and
 * a remedy (listed in conf/check-json.md). Pure. */
#pragma once
#include "hostfacts.h"
#include "snippets.h"

/* What check adds to a run (struct run's doc). */
struct doctor {
	struct hostfacts h;
	struct snippets s;
};

void doctor_eval(const struct hostfacts *h, const struct devtab *t, const struct plan *p, struct findings *out);
void doctor_json_host(const struct hostfacts *h, struct json *j);
void doctor_json_device(const struct hostfacts *h, struct json *j, size_t idx);
void doctor_text(const struct hostfacts *h, struct strbuf *sb);
const char *iommu_vendor_name(enum iommu_vendor v);
