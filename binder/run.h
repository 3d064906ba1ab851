/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One run of a command: every stage's input and output, for the renderers. */
#pragma once
#include "apply.h"
#include "sriov.h"
#include "json.h"

#include <stdio.h>

#define VFIO_EARLY_VERSION "0.1.0"
#define STATE_DIR "run/vfio-early"
#define STATE_FILE "run/vfio-early/state.json"

enum exit_code {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,   /* check: something refused / not ready; status: mismatch */
	EXIT_CONFIG = 2,
	EXIT_USAGE = 100,
	EXIT_SYSTEM = 111,
};

struct doctor; /* doctor.h: check's host findings and VM snippets */

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
	struct strlist notes;      /* protected-list problems, scan problems */
	struct plan plan;
	struct apply_result res;
	bool have_res;
	struct doctor *doc;         /* check only */
	struct sriov_plan sp;
	struct sriov_outcome *so;  /* parallel to sp.v, after apply */
	uint64_t t_start, t_end;
	uint64_t boot_start_us;    /* CLOCK_MONOTONIC at start (kernel timestamps) */
};

void report_json(const struct run *r, struct json *j);
void report_table(const struct run *r, FILE *out);
void record_write(struct run *r);
void kmsg_log(const struct run *r, int prio, const char *fmt, ...) PRINTF(3, 4);
void log_apply(const struct run *r);

/* protected.c: PCI devices behind /, /boot, /usr, swap and the default
 * route, computed from the sysroot. */
void protected_compute(const struct sysroot *sr, struct protlist *ret, struct strlist *notes);
int cmd_status(struct run *r, bool json);
size_t sriov_failed(const struct run *r);
