/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Creates the planned mediated devices. The kernel creates one within the
 * write to TYPE/create (mdev_device_create: device_add, then the parent's
 * mdev driver attached) and refuses a UUID in use anywhere with EEXIST, so
 * a single look afterwards tells the truth and two runs for one parent
 * (udev's add and change events) cannot make two devices. */
#include "apply_mdev.h"
#include "kmsg.h"
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *mdev_result_name(enum mdev_result r)
{
	static const char *const n[] = { "created", "present", "failed", "refused", "waiting", "dry-run", "disabled" };
	return n[r];
}

static void outf(struct mdev_outcome *o, enum mdev_result res, const char *fmt, ...) PRINTF(3, 4);
static void outf(struct mdev_outcome *o, enum mdev_result res, const char *fmt, ...)
{
	va_list ap;
	o->res = res;
	va_start(ap, fmt);
	(void)vsnprintf(o->message, sizeof(o->message), fmt, ap);
	va_end(ap);
}

static void create_one(const struct sysroot *sr, const struct mdev_parent_info *p, const char *type, const struct mdev_inst *x, struct mdev_outcome *o)
{
	char path[SR_PATH_MAX];
	struct mdev_facts now = { 0 };
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/mdev_supported_types/%s/create", p->dir, type) >= sizeof(path)) {
		outf(o, MR_FAILED, "%s: path too long", p->name);
		return;
	}
	r = sr_write(sr, path, x->uuid_s);
	(void)snprintf(path, sizeof(path), "sys/bus/mdev/devices/%s", x->uuid_s);
	if (r == 0) {
		if (sr_exists(sr, path))
			outf(o, MR_CREATED, "%s created on %s as %s", x->uuid_s, p->name, type);
		else
			outf(o, MR_FAILED, "%s: the kernel took the UUID, but /%s did not appear", p->name, path);
		return;
	}
	if (r == -EEXIST) {
		/* Made meanwhile (another run), or in use elsewhere. */
		bool ours = false;
		scan_mdev_devices(sr, &now);
		for (size_t i = 0; i < now.nd; i++)
			ours |= uuid_eq(&now.d[i].uuid, &x->uuid) && streq(now.d[i].parent, p->name) && streq(now.d[i].type, type);
		mdev_facts_free(&now);
		if (ours)
			outf(o, MR_PRESENT, "%s: created meanwhile by another run", p->name);
		else
			outf(o, MR_FAILED, "%s: %s is in use by another mediated device (EEXIST)", p->name, x->uuid_s);
	} else if (r == -EUSERS || r == -ENOSPC) {
		outf(o, MR_FAILED, "%s: no instance of %s left (%s); see available_instances", p->name, type, strerror(-r));
	} else {
		outf(o, MR_FAILED, "%s: writing %s to %s/create failed (%s)", p->name, x->uuid_s, type, strerror(-r));
	}
}

void apply_mdev(const struct sysroot *sr, const struct mdev_facts *f, const struct mdev_plan *mp, const struct mdev_apply_opts *o, struct mdev_outcome *out)
{
	for (size_t i = 0; i < mp->n; i++) {
		const struct mdev_inst *x = &mp->v[i];
		struct mdev_outcome *oc = &out[i];

		memset(oc, 0, sizeof(*oc));
		switch (x->act) {
		case MA_PRESENT: oc->res = MR_PRESENT; break;
		case MA_WAIT: outf(oc, MR_WAITING, "%s", x->reason); break;
		case MA_CONFLICT:
		case MA_DUPLICATE:
		case MA_NO_TYPE: outf(oc, MR_REFUSED, "%s", x->reason); break;
		case MA_CREATE:
			if (o->disabled)
				outf(oc, MR_DISABLED, "%s", o->disabled);
			else if (o->dryrun)
				outf(oc, MR_DRYRUN, "would create %s on %s as %s", x->uuid_s, f->p[x->parent].name, x->type);
			else
				create_one(sr, &f->p[x->parent], x->type, x, oc);
			break;
		}
	}
}

static void record_json(const struct config *cfg, const struct mdev_facts *f, const struct mdev_plan *mp, const struct mdev_outcome *out,
			const struct mdev_apply_opts *o, size_t parent, struct json *j)
{
	json_begin_obj(j, NULL);
	json_str(j, "schema", "vfio-early-mdev/1");
	json_str(j, "parent", f->p[parent].name);
	json_str(j, "config", cfg->path);
	json_str(j, "event", o->event);
	json_bool(j, "dryrun", o->dryrun);
	json_str(j, "disabled", o->disabled);
	json_int(j, "start_monotonic_us", (long long)o->t_start);
	json_int(j, "elapsed_us", (long long)(now_us() - o->t_start));
	json_begin_arr(j, "instances");
	for (size_t i = 0; i < mp->n; i++) {
		const struct mdev_inst *x = &mp->v[i];
		if (x->parent != parent)
			continue;
		json_begin_obj(j, NULL);
		json_str(j, "uuid", x->uuid_s);
		json_str(j, "type", x->type);
		json_int(j, "index", x->index);
		json_str(j, "uuid_source", x->given ? "config" : "derived");
		json_int(j, "rule_line", cfg->mdev[x->rule].line);
		json_str(j, "action", mdev_action_name(x->act));
		json_str(j, "result", mdev_result_name(out[i].res));
		json_str(j, "message", out[i].message[0] ? out[i].message : NULL);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_end_obj(j);
}

/* Atomically: a temp file of this process (udev may run us for two
 * parents at once), renamed over NAME.json. */
static void record_write_parent(const struct sysroot *sr, const char *name, const struct json *j)
{
	char path[SR_PATH_MAX], tmp[SR_PATH_MAX];
	ssize_t w;
	int fd, e = 0;

	if (((e = mkdir_safe(sr, "run")) < 0 && e != -EPERM) || (e = mkdir_safe(sr, "run/vfio-early")) < 0 || (e = mkdir_safe(sr, MDEV_STATE_DIR)) < 0) {
		kmsg_log(sr, 4, "mdev %s: cannot use /%s (%s); no record written", name, MDEV_STATE_DIR, strerror(-e));
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/%s.json", MDEV_STATE_DIR, name);
	(void)snprintf(tmp, sizeof(tmp), "%s/.%s.json.%ld", MDEV_STATE_DIR, name, (long)getpid());
	(void)unlinkat(sr->fd, tmp, 0);
	fd = openat(sr->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		kmsg_log(sr, 4, "mdev %s: cannot write /%s (%s)", name, path, strerror(errno));
		return;
	}
	w = write(fd, j->sb.s, j->sb.len);
	e = w < 0 ? errno : EIO;
	if (close(fd) < 0 && w == (ssize_t)j->sb.len) {
		w = -1;
		e = errno;
	}
	if (w == (ssize_t)j->sb.len && renameat(sr->fd, tmp, sr->fd, path) < 0) {
		w = -1;
		e = errno;
	}
	if (w != (ssize_t)j->sb.len) {
		kmsg_log(sr, 4, "mdev %s: cannot write /%s (%s)", name, path, strerror(e));
		(void)unlinkat(sr->fd, tmp, 0);
	}
}

/* One line a parent: every instance with its result; failures spelled out. */
static void log_parent(const struct sysroot *sr, const struct mdev_facts *f, const struct mdev_plan *mp, const struct mdev_outcome *out,
		       const struct mdev_apply_opts *o, size_t parent)
{
	struct strbuf sb = { 0 };
	int prio = 6;

	for (size_t i = 0; i < mp->n; i++) {
		if (mp->v[i].parent != parent)
			continue;
		if (out[i].res == MR_FAILED || out[i].res == MR_REFUSED)
			prio = 3;
		else if (out[i].res == MR_WAITING && prio > 4)
			prio = 4;
		sb_printf(&sb, "%s%s %s %s", sb.len ? ", " : "", mp->v[i].type, mp->v[i].uuid_s, mdev_result_name(out[i].res));
		if (out[i].res == MR_FAILED || out[i].res == MR_REFUSED || out[i].res == MR_WAITING)
			sb_printf(&sb, " (%s)", out[i].message);
	}
	kmsg_log(sr, prio, "mdev %s%s%s%s: %s in %llu us; record in /%s/%s.json", f->p[parent].name, o->event ? " (udev " : "", o->event ? o->event : "",
		 o->event ? ")" : "", sb.s ? sb.s : "nothing", (unsigned long long)(now_us() - o->t_start), MDEV_STATE_DIR, f->p[parent].name);
	sb_free(&sb);
}

void mdev_log_and_record(const struct sysroot *sr, const struct config *cfg, const struct mdev_facts *f, const struct mdev_plan *mp,
			 const struct mdev_outcome *out, const struct mdev_apply_opts *o)
{
	for (size_t k = 0; k < f->np; k++) {
		struct json j = { .pretty = true };
		bool any = false;
		for (size_t i = 0; i < mp->n && !any; i++)
			any = mp->v[i].parent == k;
		if (!any)
			continue;
		log_parent(sr, f, mp, out, o, k);
		record_json(cfg, f, mp, out, o, k, &j);
		record_write_parent(sr, f->p[k].name, &j);
		sb_free(&j.sb);
	}
}
