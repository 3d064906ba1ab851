/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The record of a boot: /run/vfio-early/state.json, written by apply, read
 * back by status. */
#pragma once
#include "json.h"
#include "run.h"

#define STATE_DIR "run/vfio-early"
#define STATE_FILE "run/vfio-early/state.json"
#define RECORD_MAX (16u << 20)

/* mkdirat 0755 under the root; an existing path must be a directory of
 * ours that others cannot write (never a planted link). 0 or -errno. */
int mkdir_safe(const struct sysroot *sr, const char *path);
/* Atomically (temp file, rename); never follows a planted link. Problems go
 * to the kernel log: apply must go on. */
void record_write(const struct run *r);
/* The record parsed; NULL with *found false when there is none, NULL with
 * *found true and err set when it cannot be read or parsed. */
struct jv *record_read(const struct sysroot *sr, bool *found, char *err, size_t errsize);
