/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The PCI devices the host cannot lose, computed on the live host: those
 * behind /, /boot, /boot/efi, /usr and swap, and the default route's NIC. */
#pragma once
#include "protlist.h"
#include "sysroot.h"

void protected_compute(const struct sysroot *sr, struct protlist *ret, struct strlist *notes);
