/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What apply leaves behind: a few kmsg lines (/dev/kmsg is rate-limited)
 * and the full record in /run/vfio-early/state.json. */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void kmsg_log(const struct run *r, int prio, const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	va_list ap;
	int fd;

	sb_printf(&sb, "<%d>vfio-early: ", prio);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	if (sb.len > 900) { /* kmsg takes at most ~1 KiB a record */
		sb.len = 900;
		sb.s[sb.len] = '\0';
	}
	sb_puts(&sb, "\n");
	fd = sr_open(&r->sr, "dev/kmsg", O_WRONLY | O_APPEND | O_NOCTTY);
	if (fd >= 0) {
		(void)!write(fd, sb.s, sb.len);
		(void)close(fd);
	} else {
		(void)fputs(sb.s + 3, stderr);
	}
	sb_free(&sb);
}

static void group_devices(const struct run *r, const struct plan_group *g, const struct group_outcome *go, struct strbuf *sb)
{
	for (size_t k = 0; k < g->n; k++) {
		const struct plan_dev *pd = &g->devs[k];
		const struct pci_dev *d = &r->t.v[pd->idx];
		if (pd->act == DA_SKIP_BRIDGE)
			continue;
		sb_printf(sb, " %s", d->name);
		if (!pd->selected)
			sb_puts(sb, " (group member)");
		if (go && go->devs[k].res == DR_DIRTY)
			sb_printf(sb, " (NOT restored: driver %s)", go->devs[k].after_driver[0] ? go->devs[k].after_driver : "none");
	}
}

static void log_sriov(const struct run *r)
{
	for (size_t i = 0; r->so && i < r->sp.n; i++) {
		const struct sriov_pf *x = &r->sp.v[i];
		const struct sriov_outcome *o = &r->so[i];
		const char *pf = r->t.v[x->pf].name;
		struct strbuf sb = { 0 };
		for (size_t k = 0; k < x->nvfs; k++)
			if (x->vfs[k].exists)
				sb_printf(&sb, " %s%s", x->vfs[k].name, x->vfs[k].to_vfio ? "" : "(host)");
		switch (o->res) {
		case SR_CREATED:
		case SR_UNCHANGED:
			kmsg_log(r, 6, "sriov %s: %u VF(s) %s in %llu us:%s", pf, x->numvfs, o->res == SR_CREATED ? "created" : "present",
				 (unsigned long long)o->elapsed_us, sb.s ? sb.s : "");
			break;
		case SR_FAILED:
			kmsg_log(r, 3, "sriov %s: FAILED: %s", pf, o->message);
			break;
		case SR_REFUSED:
			kmsg_log(r, 3, "sriov %s: refused: %s", pf, o->message);
			break;
		case SR_DRYRUN:
			kmsg_log(r, 6, "sriov %s: dry run: would create %u VF(s)", pf, x->numvfs);
			break;
		case SR_DISABLED:
			break;
		}
		sb_free(&sb);
	}
}

void log_apply(const struct run *r)
{
	log_sriov(r);
	for (size_t i = 0; i < r->plan.n; i++) {
		const struct plan_group *g = &r->plan.g[i];
		const struct group_outcome *go = &r->res.g[i];
		struct strbuf sb = { 0 };
		char grp[24];

		(void)snprintf(grp, sizeof(grp), g->group >= 0 ? "group %d" : "no group", g->group);
		switch (go->res) {
		case GR_BOUND:
			group_devices(r, g, NULL, &sb);
			kmsg_log(r, 6, "%s: bound%s to vfio-pci (%llu us)", grp, sb.s, (unsigned long long)go->elapsed_us);
			break;
		case GR_ALREADY:
			group_devices(r, g, NULL, &sb);
			kmsg_log(r, 6, "%s: already on vfio-pci:%s", grp, sb.s);
			break;
		case GR_REFUSED:
			kmsg_log(r, 4, "%s: refused: %s; left as is", grp, go->message);
			break;
		case GR_FAILED:
			group_devices(r, g, go, &sb);
			kmsg_log(r, 3, "%s: FAILED: %s; %s:%s", grp, go->message,
				 sb.s && strstr(sb.s, "(NOT restored") ? "group NOT fully put back" : "group put back as it was", sb.s);
			break;
		case GR_DRYRUN:
			group_devices(r, g, NULL, &sb);
			kmsg_log(r, 6, "%s: dry run: would bind%s", grp, sb.s);
			break;
		case GR_DISABLED:
			break;
		}
		sb_free(&sb);
	}
}

static int mkdir_safe(const struct sysroot *sr, const char *path)
{
	struct stat st;
	if (mkdirat(sr->fd, path, 0755) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	/* Never follow a planted symlink or write into someone else's dir. */
	if (fstatat(sr->fd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || (st.st_uid != geteuid()) || (st.st_mode & 022))
		return -EPERM;
	return 0;
}

void record_write(struct run *r)
{
	struct json j = { .pretty = true };
	char tmp[64];
	int fd, e;

	if ((e = mkdir_safe(&r->sr, "run")) < 0 && e != -EPERM) {
		kmsg_log(r, 4, "cannot create /run (%s); no record written", strerror(-e));
		return;
	}
	if ((e = mkdir_safe(&r->sr, STATE_DIR)) < 0) {
		kmsg_log(r, 4, "cannot use /%s (%s); no record written", STATE_DIR, strerror(-e));
		return;
	}
	report_json(r, &j);
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", STATE_FILE);
	(void)unlinkat(r->sr.fd, tmp, 0);
	fd = openat(r->sr.fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		kmsg_log(r, 4, "cannot write /%s (%s)", STATE_FILE, strerror(errno));
		sb_free(&j.sb);
		return;
	}
	ssize_t w = write(fd, j.sb.s, j.sb.len);
	e = w < 0 ? errno : EIO;
	if (close(fd) < 0 && w == (ssize_t)j.sb.len) {
		w = -1;
		e = errno;
	}
	if (w == (ssize_t)j.sb.len && renameat(r->sr.fd, tmp, r->sr.fd, STATE_FILE) < 0) {
		w = -1;
		e = errno;
	}
	if (w != (ssize_t)j.sb.len) {
		errno = e;
		kmsg_log(r, 4, "cannot write /%s (%s)", STATE_FILE, strerror(errno));
		(void)unlinkat(r->sr.fd, tmp, 0);
	}
	sb_free(&j.sb);
}
