/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VF identity on the live kernel: the PF's netdev found in sysfs, MAC,
 * VLAN, spoofchk and trust set through rtnetlink (RTM_SETLINK) after the
 * VFs exist and before they are bound, read back (RTM_GETLINK) to verify
 * and for status. Only the live root: a --sysroot tree has no kernel. */
#pragma once
#include "json.h"
#include "plan_sriov.h"
#include "sysroot.h"

/* check and status: each PF's netdev (x->id.netdev); a PF that should have
 * one and has none is a finding. */
void vfid_lookup(const struct sysroot *sr, const struct devtab *t, struct sriov_plan *sp, struct findings *f);
/* apply, from apply_sriov once the VFs exist: sets what each VF wants and
 * records the result per VF (x->vfs[k].id). Waits at most timeout_ms for
 * the PF's netdev. Never fails the boot. */
void vfid_apply(const struct sysroot *sr, const struct pci_dev *pf, struct sriov_pf *x, unsigned timeout_ms);
/* apply's kernel log line for one PF (nothing when nothing was asked). */
void vfid_kmsg(const struct sysroot *sr, const struct pci_dev *pf, const struct sriov_pf *x);
/* status, for one PF: what its netdev reports now against the config, as
 * indented rows under the PF's (j NULL) or a "vf_identity" array in the
 * PF's object; rec is the boot record (may be NULL). Returns the number of
 * mismatches. */
size_t vfid_status(const struct sysroot *sr, const struct pci_dev *pf, const struct sriov_pf *x, const struct jv *rec, struct json *j);
