/* SPDX-License-Identifier: GPL-2.0-or-later */
/* status: on the booted host, what is on vfio-pci, against the config and
 * the record boot left. */
#pragma once
#include "run.h"

/* r: scanned (full) and planned. Returns EXIT_REFUSED on any mismatch. */
int status_show(const struct run *r, bool json);
