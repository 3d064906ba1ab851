/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mdev rules in check's table and JSON, and in status against what
 * exists and what mdev-apply recorded (/run/vfio-early/mdev/PARENT.json). */
#include "report_mdev.h"
#include "record.h"
#include "run_mdev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The instances of target k (rule, parent), in plan order. */
static bool in_target(const struct mdev_plan *mp, size_t k, const struct mdev_inst *x)
{
	return x->rule == mp->tg[k].rule && x->parent == mp->tg[k].parent;
}

static bool rule_has_target(const struct mdev_plan *mp, size_t ri)
{
	for (size_t k = 0; k < mp->ntg; k++)
		if (mp->tg[k].rule == ri)
			return true;
	return false;
}

static void json_target(const struct run *r, struct json *j, size_t ri, const struct mdev_parent_info *p, size_t k)
{
	const struct mdev_run *md = r->md;
	const struct mdev_rule *rule = &r->cfg.mdev[ri];
	const struct mdev_type_info *ty = p ? mdev_parent_type(p, rule->type) : NULL;
	char desc[128];

	mdev_rule_describe(rule, desc, sizeof(desc));
	json_begin_obj(j, NULL);
	json_int(j, "rule_line", rule->line);
	json_str(j, "selector", desc);
	json_str(j, "type", rule->type);
	json_int(j, "count", rule->count);
	json_str(j, "parent", p ? p->name : NULL);
	json_bool(j, "parent_pci", p && p->is_pci);
	json_str(j, "parent_driver", p && p->driver[0] ? p->driver : NULL);
	json_bool(j, "registered", p && p->registered);
	json_bool(j, "type_exists", ty != NULL);
	json_str(j, "type_name", ty && ty->pretty[0] ? ty->pretty : NULL);
	json_str(j, "description", ty && ty->description[0] ? ty->description : NULL);
	json_str(j, "device_api", ty && ty->device_api[0] ? ty->device_api : NULL);
	if (ty && ty->available >= 0)
		json_int(j, "available_instances", ty->available);
	else
		json_null(j, "available_instances");
	json_begin_arr(j, "types");
	for (size_t i = 0; p && i < p->ntypes; i++)
		json_str(j, NULL, p->types[i].name);
	json_end_arr(j);
	json_begin_arr(j, "instances");
	for (size_t i = 0; p && i < md->p.n; i++) {
		const struct mdev_inst *x = &md->p.v[i];
		if (!in_target(&md->p, k, x))
			continue;
		json_begin_obj(j, NULL);
		json_int(j, "index", x->index);
		json_str(j, "uuid", x->uuid_s);
		json_str(j, "uuid_source", x->given ? "config" : "derived");
		json_str(j, "action", mdev_action_name(x->act));
		json_str(j, "reason", x->reason[0] ? x->reason : NULL);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_end_obj(j);
}

void mdev_report_json(const struct run *r, struct json *j)
{
	const struct mdev_run *md = r->md;

	json_begin_arr(j, "mdev");
	for (size_t ri = 0; md && ri < r->cfg.nmdev; ri++) {
		for (size_t k = 0; k < md->p.ntg; k++)
			if (md->p.tg[k].rule == ri)
				json_target(r, j, ri, &md->f.p[md->p.tg[k].parent], k);
		if (!rule_has_target(&md->p, ri))
			json_target(r, j, ri, NULL, 0);
	}
	json_end_arr(j);
}

void mdev_report_table(const struct run *r, FILE *out)
{
	const struct mdev_run *md = r->md;
	size_t n[MA_WAIT + 1] = { 0 };

	for (size_t i = 0; md && i < md->p.n; i++)
		n[md->p.v[i].act]++;
	if (md && md->p.n)
		fprintf(out,
			"\nmdev: %zu instance(s) to create (vfio-early mdev-apply, which udev runs when the parent registers), %zu present, %zu not ready, %zu in the way\n",
			n[MA_CREATE], n[MA_PRESENT], n[MA_WAIT] + n[MA_NO_TYPE], n[MA_CONFLICT] + n[MA_DUPLICATE]);

	for (size_t k = 0; md && k < md->p.ntg; k++) {
		const struct mdev_rule *rule = &r->cfg.mdev[md->p.tg[k].rule];
		const struct mdev_parent_info *p = &md->f.p[md->p.tg[k].parent];
		const struct mdev_type_info *ty = mdev_parent_type(p, rule->type);
		char desc[128];

		mdev_rule_describe(rule, desc, sizeof(desc));
		fprintf(out, "\nmdev %s (%s:%u, %s): ", p->name, r->cfg.path, rule->line, desc);
		if (!p->registered || !ty || p->to_vfio)
			fprintf(out, "%s %s, %u instance(s): NOT READY\n", rule->type, !p->registered || p->to_vfio ? "wanted" : "missing", rule->count);
		else
			fprintf(out, "type %s%s%s%s, %s, %d available%s%s\n", rule->type, ty->pretty[0] ? " \"" : "", ty->pretty, ty->pretty[0] ? "\"" : "",
				ty->device_api[0] ? ty->device_api : "device_api unknown", ty->available, ty->description[0] ? "; " : "", ty->description);
		for (size_t i = 0; i < md->p.n; i++) {
			const struct mdev_inst *x = &md->p.v[i];
			if (in_target(&md->p, k, x))
				fprintf(out, "  %-3u %s  %-7s  %s%s%s\n", x->index, x->uuid_s, x->given ? "uuid=" : "derived", mdev_action_name(x->act),
					x->reason[0] ? ": " : "", x->reason);
		}
	}
}

/* The result mdev-apply recorded for uuid on parent, "-" when none. */
static const char *recorded(const struct sysroot *sr, const char *parent, const char *uuid, char *buf, size_t size)
{
	char path[SR_PATH_MAX], err[64];
	char *text = NULL;
	size_t len = 0;
	struct jv *rec;
	const struct jv *arr;

	(void)snprintf(buf, size, "-");
	(void)snprintf(path, sizeof(path), "%s/%s.json", MDEV_STATE_DIR, parent);
	if (sr_read_all(sr, path, RECORD_MAX, &text, &len) < 0)
		return buf;
	rec = jv_parse(text, len, err, sizeof(err));
	free(text);
	arr = jv_get(rec, "instances");
	for (size_t i = 0; i < jv_len(arr); i++) {
		const char *u = jv_str(jv_get(jv_at(arr, i), "uuid"));
		const char *res = jv_str(jv_get(jv_at(arr, i), "result"));
		if (u && res && streq(u, uuid))
			(void)snprintf(buf, size, "%s", res);
	}
	jv_free(rec);
	return buf;
}

static const struct mdev_dev_info *find_dev(const struct mdev_facts *f, const struct uuid *u)
{
	for (size_t i = 0; i < f->nd; i++)
		if (uuid_eq(&f->d[i].uuid, u))
			return &f->d[i];
	return NULL;
}

struct row {
	const char *uuid, *parent, *type, *source, *boot, *state;
	long line; /* -1 none */
};

static void print_row(const struct row *w, struct json *j)
{
	if (!j) {
		char line[24] = "-";
		if (w->line >= 0)
			(void)snprintf(line, sizeof(line), "%ld", w->line);
		printf("%-36s  %-12s  %-16s  %-5s  %-8s  %-9s  %s\n", w->uuid, w->parent, w->type, line, w->source, w->boot, w->state);
		return;
	}
	json_begin_obj(j, NULL);
	json_str(j, "uuid", streq(w->uuid, "-") ? NULL : w->uuid);
	json_str(j, "parent", streq(w->parent, "-") ? NULL : w->parent);
	json_str(j, "type", w->type);
	if (w->line >= 0)
		json_int(j, "rule_line", w->line);
	else
		json_null(j, "rule_line");
	json_str(j, "uuid_source", streq(w->source, "-") ? NULL : w->source);
	json_str(j, "boot", w->boot);
	json_str(j, "state", w->state);
	json_end_obj(j);
}

/* An instance the config names: it exists where the config says, or not. */
static bool planned_row(const struct run *r, const struct mdev_inst *x, struct row *w, char *boot, size_t size)
{
	const struct mdev_facts *f = &r->md->f;
	const struct mdev_dev_info *have = find_dev(f, &x->uuid);
	const char *parent = f->p[x->parent].name;

	w->uuid = x->uuid_s;
	w->parent = parent;
	w->type = x->type;
	w->line = r->cfg.mdev[x->rule].line;
	w->source = x->given ? "uuid=" : "derived";
	w->boot = recorded(&r->sr, parent, x->uuid_s, boot, size);
	if (x->act == MA_DUPLICATE)
		w->state = "DUPLICATE";
	else if (have && streq(have->parent, parent) && streq(have->type, x->type))
		w->state = "ok";
	else if (have)
		w->state = "CONFLICT";
	else
		w->state = "MISSING";
	return !streq(w->state, "ok");
}

size_t mdev_status_show(const struct run *r, struct json *j)
{
	const struct mdev_run *md = r->md;
	size_t mismatches = 0;
	char boot[32];

	if (j)
		json_begin_arr(j, "mdev");
	else if (md)
		printf("\n%-36s  %-12s  %-16s  %-5s  %-8s  %-9s  %s\n", "MDEV UUID", "PARENT", "TYPE", "RULE", "UUID", "BOOT", "STATE");
	for (size_t ri = 0; md && ri < r->cfg.nmdev; ri++) {
		struct row w;
		if (!rule_has_target(&md->p, ri)) {
			w = (struct row){ "-", "-", r->cfg.mdev[ri].type, "-", "-", "NO PARENT", (long)r->cfg.mdev[ri].line };
			mismatches++;
			print_row(&w, j);
		}
		for (size_t i = 0; i < md->p.n; i++)
			if (md->p.v[i].rule == ri) {
				mismatches += planned_row(r, &md->p.v[i], &w, boot, sizeof(boot));
				print_row(&w, j);
			}
	}
	/* What exists on a configured parent that no rule names. */
	for (size_t i = 0; md && i < md->f.nd; i++) {
		const struct mdev_dev_info *d = &md->f.d[i];
		bool parent = false, planned = false;
		char u[UUID_STR_MAX];
		for (size_t k = 0; k < md->p.ntg; k++)
			parent |= streq(md->f.p[md->p.tg[k].parent].name, d->parent);
		for (size_t k = 0; k < md->p.n; k++)
			planned |= uuid_eq(&md->p.v[k].uuid, &d->uuid);
		if (!parent || planned)
			continue;
		uuid_fmt(&d->uuid, u);
		struct row w = { u, d->parent, d->type, "-", recorded(&r->sr, d->parent, u, boot, sizeof(boot)), "not in config", -1 };
		print_row(&w, j);
	}
	if (j)
		json_end_arr(j);
	return mismatches;
}
