/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Module loading through libkmod (the only place that links it). */
#pragma once
#include "device.h"
#include "sysroot.h"

/* Loads a module (name or modalias) with its dependencies and softdeps.
 * Only on the live root: with another --sysroot it returns -EROFS.
 * err gets a one-line explanation on failure. */
int modload(const struct sysroot *sr, const char *kver, const char *name, const char *options, char *err, size_t errsize);

/* lib/modules/KVER/modules.alias (text: fake trees and recorded hosts have
 * no .bin indexes, and libkmod does not say which pattern matched), read
 * once per run, only when a device is to be bound. */
struct modaliases {
	bool read;
	int err; /* -errno when unreadable */
	struct strbuf lines; /* its "alias vfio_pci:" lines only */
};
void modaliases_free(struct modaliases *m);
/* The vfio variant driver module for a device modalias ("vfio_pci:v..."):
 * the best "alias vfio_pci:..." entry other than vfio_pci's own catch-all.
 * 1 with ret filled, 0 when none matches, -errno when modules.alias
 * cannot be read. */
int vfio_variant_lookup(const struct sysroot *sr, const char *kver, struct modaliases *m, const char *vfio_modalias, struct alias_match *ret);
/* The PCI driver a module registered (sys/module/MOD/drivers/pci:NAME);
 * with several, the one named like want. -ENOENT: not loaded or none. */
int module_pci_driver(const struct sysroot *sr, const char *module, const char *want, char *ret, size_t size);
