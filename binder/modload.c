/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "modload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

struct logctx {
	char *err;
	size_t size;
	char failed[512]; /* path of the last module the kernel refused */
};

static void kmod_log_capture(void *data, int priority, const char *file, int line, const char *fn, const char *format, va_list args)
{
	struct logctx *l = data;
	(void)file;
	(void)line;
	(void)fn;
	/* libkmod names the file it could not insert at INFO level only. */
	if (priority == 6 && startswith(format, "Failed to insert module '")) {
		const char *path = va_arg(args, const char *);
		(void)snprintf(l->failed, sizeof(l->failed), "%s", path ? path : "");
		return;
	}
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
	kmod_set_log_priority(ctx, 6);
	return ctx;
}

/* The one compressed format the running kernel decompresses in finit_module
 * ("xz", "zstd", "gzip"), or "" when it decompresses none (no file: before
 * Linux 5.17, or CONFIG_MODULE_DECOMPRESS not set). */
static void kernel_compression(const struct sysroot *sr, char *buf, size_t size)
{
	if (sr_read(sr, "sys/module/compression", buf, size) < 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static const char *file_format(const char *path)
{
	unsigned char m[6] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : pread(fd, m, sizeof(m), 0);

	if (fd >= 0)
		(void)close(fd);
	if (n >= 4 && !memcmp(m,
			      "\x7f"
			      "ELF",
			      4))
		return "ELF";
	if (n == 6 && !memcmp(m,
			      "\xfd"
			      "7zXZ\0",
			      6))
		return "xz";
	if (n >= 4 && !memcmp(m, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return "gzip";
	return "?";
}

/* libkmod has no decompressor here (ENOSYS): say which file, which format,
 * what the kernel takes, and what to do. */
static void explain_enosys(const struct sysroot *sr, const char *name, const char *path, char *err, size_t errsize)
{
	char kc[16];
	const char *base = strrchr(path, '/');

	kernel_compression(sr, kc, sizeof(kc));
	(void)snprintf(err, errsize,
		       "loading %s failed: %s is %s-compressed and this kernel decompresses %s; rebuild the initramfs "
		       "with this vfio-early (its hook stores such modules decompressed)",
		       name, base ? base + 1 : path, file_format(path), kc[0] ? kc : "no modules");
}

int modload(const struct sysroot *sr, const char *kver, const char *name, const char *options, char *err, size_t errsize)
{
	struct logctx lc = { .err = err, .size = errsize };
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
	kmod_list_foreach (it, list) {
		struct kmod_module *m = kmod_module_get_module(it);
		/* IGNORE_COMMAND: never run an "install" shell command from
		 * modprobe.d as root at early boot. */
		r = kmod_module_probe_insert_module(m, KMOD_PROBE_IGNORE_COMMAND | KMOD_PROBE_IGNORE_LOADED, options, NULL, NULL, NULL);
		if (r == 0 || r == -EEXIST)
			loaded++;
		else if (r == -ENOSYS && lc.failed[0])
			explain_enosys(sr, kmod_module_get_name(m), lc.failed, err, errsize);
		else if (!err[0])
			(void)snprintf(err, errsize, "loading %s failed: %s", kmod_module_get_name(m), strerror(-r));
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return loaded ? 0 : (r < 0 ? r : -ENOENT);
}

#define MODULES_ALIAS_MAX (64u << 20)

void modaliases_free(struct modaliases *m)
{
	sb_free(&m->lines);
	memset(m, 0, sizeof(*m));
}

#define ALIAS_CHUNK (64u << 10)
#define VFIO_ALIAS "alias vfio_pci:"

/* Copies the "alias vfio_pci:" lines of the complete lines in [s, end) to
 * out; s is at a line start. */
static void keep_vfio_lines(const char *s, const char *end, struct strbuf *out)
{
	const char *p = s;

	while ((p = memmem(p, (size_t)(end - p), VFIO_ALIAS, strlen(VFIO_ALIAS)))) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (p == s || p[-1] == '\n') {
			sb_add(out, p, (size_t)(eol - p));
			sb_puts(out, "\n");
		}
		p = eol;
	}
}

/* Only the vfio_pci: lines of modules.alias are kept (a handful; 1 on a
 * Debian kernel), read in 64 KiB pieces: a distribution kernel's file is
 * 1.3 MB, an image's a few hundred KB, and holding it whole cost more in
 * page faults than the scan. A line longer than a piece is skipped. */
static int read_vfio_aliases(const struct sysroot *sr, const char *path, struct strbuf *out)
{
	char *buf = xmalloc(ALIAS_CHUNK);
	size_t have = 0, total = 0;
	bool skipping = false; /* inside a line longer than a piece */
	int r = 0, fd = sr_open(sr, path, O_RDONLY | O_NONBLOCK);

	if (fd < 0) {
		free(buf);
		return fd;
	}
	for (;;) {
		ssize_t n = read(fd, buf + have, ALIAS_CHUNK - have);
		char *lim;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (total += (size_t)n) > MODULES_ALIAS_MAX) {
			r = n < 0 ? -errno : -EFBIG;
			break;
		}
		have += (size_t)n;
		if (skipping) {
			char *nl = memchr(buf, '\n', have);
			if (!nl) {
				have = 0;
				if (n == 0)
					break;
				continue;
			}
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
			skipping = false;
		}
		/* buf starts a line; lim: the end of its complete lines. */
		lim = n == 0 ? buf + have : memrchr(buf, '\n', have);
		if (!lim) {
			if (have == ALIAS_CHUNK) {
				skipping = true;
				have = 0;
			}
			continue;
		}
		keep_vfio_lines(buf, lim, out);
		if (n == 0)
			break;
		have -= (size_t)(lim + 1 - buf);
		memmove(buf, lim + 1, have);
	}
	(void)close(fd);
	free(buf);
	return r;
}

int vfio_variant_lookup(const struct sysroot *sr, const char *kver, struct modaliases *m, const char *vfio_modalias, struct alias_match *ret)
{
	char path[160];

	if (!m->read) {
		m->read = true;
		(void)snprintf(path, sizeof(path), "lib/modules/%s/modules.alias", kver);
		m->err = kver[0] ? read_vfio_aliases(sr, path, &m->lines) : -ENOENT;
	}
	if (m->err < 0)
		return m->err;
	return alias_best_match(m->lines.s ? m->lines.s : "", m->lines.len, "vfio_pci:", vfio_modalias, VFIO_GENERIC_MODULE, ret);
}

int module_pci_driver(const struct sysroot *sr, const char *module, const char *want, char *ret, size_t size)
{
	char path[160], mod[MODULE_NAME_MAX];
	struct dirent *e;
	DIR *d;
	int r = -ENOENT;

	/* sys/module uses the kernel's spelling: '_' for '-'. */
	(void)snprintf(mod, sizeof(mod), "%s", module);
	for (char *c = mod; *c; c++)
		if (*c == '-')
			*c = '_';
	(void)snprintf(path, sizeof(path), "sys/module/%s/drivers", mod);
	if (!(d = sr_opendir(sr, path)))
		return -ENOENT;
	while ((e = readdir(d))) {
		const char *name = e->d_name + strlen("pci:");
		if (!startswith(e->d_name, "pci:") || !*name || strlen(name) >= size)
			continue;
		if (r == 0 && !(want && driver_name_eq(name, want)))
			continue; /* keep the first, unless this one is the one wanted */
		(void)snprintf(ret, size, "%s", name);
		r = 0;
	}
	(void)closedir(d);
	return r;
}
