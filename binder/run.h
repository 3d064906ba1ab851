/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command layer: one run of a command, every stage's input and output
 * (what the renderers read), and the commands themselves (run.c). */
#pragma once
#include "apply_sriov.h"
#include "cmdline.h"
#include "json.h"

#define VFIO_EARLY_VERSION "0.1.0"

enum exit_code {
	EXIT_OK = 0,
	EXIT_REFUSED = 1, /* check: something refused / not ready; status: mismatch */
	EXIT_CONFIG = 2,
	EXIT_USAGE = 100,
	EXIT_SYSTEM = 111,
};

struct doctor; /* doctor.h: check's host findings and VM snippets */
struct mdev_run; /* run_mdev.h: the mdev rules' facts and plan */

struct run {
	const char *mode;
	const char *sysroot_path;
	const char *config_path;
	const char *protected_path;
	const char *cmdline_path;
	struct sysroot sr;
	struct config cfg;
	bool config_missing;
	struct cmdline cl;
	bool have_cmdline;
	struct devtab t;
	struct protlist prot;
	struct strlist notes; /* protected-list problems, scan problems */
	struct plan plan;
	struct apply_result res;
	bool have_res;
	struct doctor *doc; /* check only */
	struct modaliases aliases; /* read when a device is to be bound */
	struct sriov_plan sp;
	struct sriov_outcome *so; /* parallel to sp.v, after apply */
	uint64_t t_start, t_end;
	struct mdev_run *md; /* check, status and mdev-apply, when the config has mdev rules */
};

/* The commands (vfio-early(8)); each returns the exit status. apply always
 * returns EXIT_OK: it must never fail the boot. */
int run_validate(struct run *r);
int run_check(struct run *r, bool json);
int run_apply(struct run *r);
int run_status(struct run *r, bool json);
int run_protected(struct run *r);
int run_list(struct run *r, bool json, bool tree);
/* vfio-early rom ADDR [-o FILE]: see rom.h. */
int run_rom(struct run *r, const char *addr, const char *out, bool json);
void run_free(struct run *r);
/* The config (refused when others can write it) and the kernel command
 * line's switches, as every command loads them. */
int config_load(struct run *r);
void cmdline_load(struct run *r);
