/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mdev rules in check's table and JSON ("mdev", conf/check-json.md) and
 * in status. Each renders nothing when the config has no mdev rule. */
#pragma once
#include "run.h"

#include <stdio.h>

void mdev_report_json(const struct run *r, struct json *j);
void mdev_report_table(const struct run *r, FILE *out);
/* status: one row per configured instance (and per instance on a
 * configured parent no rule names); into j's "mdev" array, or as text when
 * j is NULL. Returns the mismatches (missing, in conflict, no parent). */
size_t mdev_status_show(const struct run *r, struct json *j);
