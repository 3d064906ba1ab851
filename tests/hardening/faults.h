/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault injection and a minimal fake kernel for the fault tests. Compiled
 * only into test builds (-DVFIO_EARLY_FAULTS, see tests/hardening); the
 * production binary has neither the hooks nor these functions.
 *
 *   VFIO_EARLY_FAULT="[OP@]SUBSTRING:ERR[:NTH][,...]"
 *     OP        write (default), read, readlink, exists, opendir
 *     SUBSTRING matched against the sysroot-relative path; for writes
 *               against "PATH VALUE" ("sys/bus/pci/drivers_probe 0000:01:00.0")
 *     ERR       EBUSY, EINVAL, ENODEV, EACCES, ENOENT, EIO, EPERM, EAGAIN,
 *               ENOSPC, ETIMEDOUT, ENXIO, or "short": the write is done
 *               but reported short (-EIO, as sr_write treats it), a read
 *               or readlink returns half of its bytes
 *     NTH       the NTH matching operation fails (default 1); "*" every one
 *   VFIO_EARLY_FAULT_LOG=FILE   appends "OP PATH[ VALUE]" for every hooked
 *               operation, and "FAULT ..." for each injected one
 *   VFIO_EARLY_FAKE_KERNEL=1    writes to bind, unbind and drivers_probe
 *               move the driver links of a fake tree as the PCI core would
 *               (driver_override honoured; no native driver probes itself)
 */
#pragma once
#include <stddef.h>

enum fault_op { FOP_WRITE, FOP_READ, FOP_READLINK, FOP_EXISTS, FOP_OPENDIR };

/* 0: go ahead; < 0: fail with this -errno; > 0: "short" (see above). */
int fault_check(enum fault_op op, const char *path, const char *val);
/* After a successful write: the fake kernel's reaction (0 or -errno). */
int fault_kernel(int rootfd, const char *path, const char *val);
