/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Renders a run: check's table, the check/record JSON document (schema in
 * conf/check-json.md), and apply's kernel log lines. */
#pragma once
#include "run.h"

#include <stdio.h>

void report_json(const struct run *r, struct json *j);
/* A device's ids and class as every document spells them (check, record, list). */
void report_json_ids(struct json *j, const struct pci_dev *d);
void report_table(const struct run *r, FILE *out);
void report_kmsg(const struct run *r);
