/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "modload.h"

#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>

struct logctx {
	char *err;
	size_t size;
};

static void kmod_log_capture(void *data, int priority, const char *file, int line, const char *fn, const char *format, va_list args)
{
	struct logctx *l = data;
	(void)file;
	(void)line;
	(void)fn;
	if (priority > 3 || !l->err || l->err[0])
		return; /* keep the first error only; libkmod is chatty */
	(void)vsnprintf(l->err, l->size, format, args);
	char *nl = strchr(l->err, '\n');
	if (nl)
		*nl = '\0';
}

static struct kmod_ctx *open_ctx(const struct sysroot *sr, const char *kver, struct logctx *lc)
{
	static const char *const no_config[] = { NULL };
	char dir[4096];
	struct kmod_ctx *ctx;

	(void)snprintf(dir, sizeof(dir), "%s/lib/modules/%s", sr->is_root ? "" : sr->path, kver);
	/* libkmod reads /etc/modprobe.d on the live root only: a recorded
	 * tree's options must not come from the host running the test. */
	ctx = kmod_new(dir, sr->is_root ? NULL : (const char *const *)no_config);
	if (!ctx)
		return NULL;
	kmod_set_log_fn(ctx, kmod_log_capture, lc);
	kmod_set_log_priority(ctx, 3);
	return ctx;
}

int modload(const struct sysroot *sr, const char *kver, const char *name, const char *options, char *err, size_t errsize)
{
	struct logctx lc = { err, errsize };
	struct kmod_list *list = NULL, *it;
	struct kmod_ctx *ctx;
	int r, loaded = 0;

	err[0] = '\0';
	if (!sr->is_root) {
		(void)snprintf(err, errsize, "not loading %s into the running kernel for --sysroot %s", name, sr->path);
		return -EROFS;
	}
	ctx = open_ctx(sr, kver, &lc);
	if (!ctx) {
		(void)snprintf(err, errsize, "libkmod cannot open /lib/modules/%s", kver);
		return -ENOENT;
	}
	r = kmod_module_new_from_lookup(ctx, name, &list);
	if (r < 0 || !list) {
		if (!err[0])
			(void)snprintf(err, errsize, "no module '%s' for kernel %s (is it in the initramfs? run update-initramfs -u or dracut -f)", name, kver);
		kmod_unref(ctx);
		return r < 0 ? r : -ENOENT;
	}
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);
		/* IGNORE_COMMAND: never run an "install" shell command from
		 * modprobe.d as root at early boot. */
		r = kmod_module_probe_insert_module(m, KMOD_PROBE_IGNORE_COMMAND | KMOD_PROBE_IGNORE_LOADED, options, NULL, NULL, NULL);
		if (r == 0 || r == -EEXIST)
			loaded++;
		else if (!err[0])
			(void)snprintf(err, errsize, "loading %s failed: %s", kmod_module_get_name(m), strerror(-r));
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return loaded ? 0 : (r < 0 ? r : -ENOENT);
}

int modlookup(const struct sysroot *sr, const char *kver, const char *name, char *ret_name, size_t size)
{
	char err[256] = "";
	struct logctx lc = { err, sizeof(err) };
	struct kmod_list *list = NULL;
	struct kmod_ctx *ctx = open_ctx(sr, kver, &lc);
	int r;

	if (!ctx)
		return -ENOENT;
	r = kmod_module_new_from_lookup(ctx, name, &list);
	if (r < 0 || !list) {
		kmod_unref(ctx);
		return -ENOENT;
	}
	struct kmod_module *m = kmod_module_get_module(list);
	if (ret_name)
		(void)snprintf(ret_name, size, "%s", kmod_module_get_name(m));
	/* A module's path is NULL when it is built in. */
	r = kmod_module_get_path(m) ? 0 : 1;
	kmod_module_unref(m);
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return r;
}
