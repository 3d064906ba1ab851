/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Module loading through libkmod (the only place that links it). */
#pragma once
#include "sysroot.h"

/* Loads a module (name or modalias) with its dependencies and softdeps.
 * Only on the live root: with another --sysroot it returns -EROFS.
 * err gets a one-line explanation on failure. */
int modload(const struct sysroot *sr, const char *kver, const char *name, const char *options, char *err, size_t errsize);
