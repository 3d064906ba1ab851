/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One line to the kernel log, as vfio-early: (stderr when /dev/kmsg is not
 * there). */
#pragma once
#include "sysroot.h"

/* prio: syslog level (3 error, 4 warning, 5 notice, 6 info). */
void kmsg_log(const struct sysroot *sr, int prio, const char *fmt, ...) PRINTF(3, 4);
