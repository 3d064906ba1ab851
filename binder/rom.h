/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfio-early rom: a card's option ROM read through sysfs, checked
 * (romparse.h), written only when valid, with the lines that hand it to a
 * VM. */
#pragma once
#include "sysroot.h"

struct rom_opts {
	const char *addr; /* as given on the command line */
	const char *out; /* -o FILE, or NULL */
	bool json;
};

/* Prints the report (text or JSON) and returns the exit status: 0 valid
 * (and written with -o), 1 not valid or no ROM, 100 a bad address, 111
 * when it cannot be read (not root, no such device, I/O). */
int rom_command(const struct sysroot *sr, const char *sysroot_path, const struct rom_opts *o);
