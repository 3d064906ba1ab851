/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Lists an initramfs image the way the kernel unpacks it: uncompressed cpio
 * "newc" archives first (initramfs-tools and dracut put early microcode
 * there), NUL padding between archives, then one compressed main archive.
 * musl has no decompressors and libkmod was built without them, so the main
 * archive is piped through the host's own gzip/zstd/xz/... (what
 * lsinitramfs and lsinitrd run too). Only `check` gets here, never apply. */
#include "initrd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CPIO_HDR 110
#define CONF_MAX (1u << 20)
#define STREAM_MAX (4ull << 30) /* a decompressed image larger than this is not an initramfs */

struct rd {
	int fd;
	size_t pos, len;
	uint64_t off; /* bytes consumed: cpio pads relative to its start */
	unsigned char buf[32768];
};

static int rd_fill(struct rd *r, size_t want)
{
	if (r->len - r->pos >= want)
		return 0;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	while (r->len < want) {
		ssize_t n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;
		r->len += (size_t)n;
	}
	return 0;
}

/* Copies n bytes to dst (NULL: skips them). */
static int rd_take(struct rd *r, void *dst, uint64_t n)
{
	while (n) {
		size_t k = n < sizeof(r->buf) ? (size_t)n : sizeof(r->buf);
		int e = rd_fill(r, k);
		if (e < 0)
			return e;
		if (dst) {
			memcpy(dst, r->buf + r->pos, k);
			dst = (char *)dst + k;
		}
		r->pos += k;
		r->off += k;
		n -= k;
	}
	return 0;
}

/* Skips NUL padding; returns 1 at end of input. */
static int rd_skip_nuls(struct rd *r)
{
	for (;;) {
		int e = rd_fill(r, 1);
		if (e == -ENODATA)
			return 1;
		if (e < 0)
			return e;
		if (r->buf[r->pos])
			return 0;
		r->pos++;
		r->off++;
	}
}

static uint32_t hex8(const char *s)
{
	uint32_t v = 0;
	(void)parse_hex(s, 8, 8, &v);
	return v;
}

static bool module_is(const char *base, const char *mod)
{
	size_t n = strlen(mod);
	for (size_t i = 0; i < n; i++)
		if (base[i] != mod[i] && !(base[i] == '-' && mod[i] == '_'))
			return false;
	return startswith(base + n, ".ko");
}

const char *module_format(const unsigned char m[6])
{
	if (!memcmp(m,
		    "\x7f"
		    "ELF",
		    4))
		return "elf";
	if (!memcmp(m,
		    "\xfd"
		    "7zXZ",
		    6))
		return "xz";
	if (!memcmp(m, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (m[0] == 0x1f && m[1] == 0x8b)
		return "gzip";
	return "?";
}

static void note_entry(struct initrd_facts *f, const char *name, uint32_t mode)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	f->entries++;
	if ((mode & 0170000) != 0100000 && (mode & 0170000) != 0120000)
		return; /* directories, devices */
	if (streq(base, "vfio-early") && strstr(name, "sbin/"))
		f->has_binary = true;
	else if (strstr(base, "vfio-early") && (startswith(name, "scripts/init-top/") || strstr(name, "hooks/pre-udev/")))
		f->has_boot_script = true;
	else if (module_is(base, "vfio_pci"))
		f->has_vfio_pci = true;
	else if (module_is(base, "vfio"))
		f->has_vfio = true;
	else if (module_is(base, "vfio_iommu_type1"))
		f->has_type1 = true;
}

/* One cpio newc archive up to its trailer. */
static int cpio_walk(struct rd *r, struct initrd_facts *f)
{
	for (;;) {
		char h[CPIO_HDR + 1], name[4096];
		uint32_t mode, size, nsize;
		uint64_t start = r->off;
		int e;

		if ((e = rd_take(r, h, CPIO_HDR)) < 0)
			return e == -ENODATA ? -EBADMSG : e;
		if (memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2'))
			return -EBADMSG;
		mode = hex8(h + 14);
		size = hex8(h + 54);
		nsize = hex8(h + 94);
		if (nsize == 0 || nsize > sizeof(name))
			return -EBADMSG;
		if ((e = rd_take(r, name, nsize)) < 0 || (e = rd_take(r, NULL, (4 - (r->off - start) % 4) % 4)) < 0)
			return e == -ENODATA ? -EBADMSG : e;
		name[nsize - 1] = 0;
		if (streq(name, "TRAILER!!!"))
			return 0;
		char *n = name;
		while (*n == '/' || startswith(n, "./"))
			n += *n == '/' ? 1 : 2;
		note_entry(f, n, mode);
		const char *b = strrchr(n, '/');
		if (module_is(b ? b + 1 : n, "vfio_pci") && (mode & 0170000) == 0100000 && size >= 6) {
			/* What the kernel will be handed: the content decides. */
			unsigned char m[6];
			if ((e = rd_take(r, m, sizeof(m))) < 0 || (e = rd_take(r, NULL, size - sizeof(m))) < 0)
				return e == -ENODATA ? -EBADMSG : e;
			(void)snprintf(f->vfio_pci_format, sizeof(f->vfio_pci_format), "%s", module_format(m));
		} else if (streq(n, "etc/vfio-early.conf") && (mode & 0170000) == 0100000 && size <= CONF_MAX) {
			free(f->config);
			f->config = xmalloc((size_t)size + 1);
			f->config_len = size;
			f->has_config = true;
			if ((e = rd_take(r, f->config, size)) < 0)
				return e == -ENODATA ? -EBADMSG : e;
			f->config[size] = 0;
		} else if ((e = rd_take(r, NULL, size)) < 0) {
			return e == -ENODATA ? -EBADMSG : e;
		}
		if ((e = rd_take(r, NULL, (4 - size % 4) % 4)) < 0 && e != -ENODATA)
			return e;
		if (r->off > STREAM_MAX)
			return -EFBIG;
	}
}

static const struct comp {
	unsigned char magic[6], len;
	char name[6];
	const char *argv[4];
} comps[] = {
	{ { 0x1f, 0x8b }, 2, "gzip", { "gzip", "-dc", NULL } },
	{ { 0x28, 0xb5, 0x2f, 0xfd }, 4, "zstd", { "zstd", "-dcq", NULL } },
	{ { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, "xz", { "xz", "-dc", NULL } },
	{ { 0x5d, 0, 0 }, 3, "lzma", { "xz", "-dc", "--format=lzma" } },
	{ { 'B', 'Z', 'h' }, 3, "bzip2", { "bzip2", "-dc", NULL } },
	{ { 0x02, 0x21, 0x4c, 0x18 }, 4, "lz4", { "lz4", "-dc", NULL } },
	{ { 0x89, 'L', 'Z', 'O' }, 4, "lzop", { "lzop", "-dc", NULL } },
};

/* Archives in one stream. Returns 0 at the end, 1 at compressed data (its
 * offset in r->off), -errno on damage. */
static int walk_stream(struct rd *r, struct initrd_facts *f, int *ret_archives)
{
	for (;;) {
		int e = rd_skip_nuls(r);
		if (e)
			return e > 0 ? 0 : e;
		if ((e = rd_fill(r, 6)) < 0)
			return e == -ENODATA ? 1 : e;
		if (memcmp(r->buf + r->pos, "07070", 5))
			return 1;
		if ((e = cpio_walk(r, f)) < 0)
			return e;
		(*ret_archives)++;
	}
}

static void unreadable(struct initrd_facts *f, const char *fmt, ...) PRINTF(2, 3);
static void unreadable(struct initrd_facts *f, const char *fmt, ...)
{
	va_list ap;
	f->state = IMG_UNREADABLE;
	va_start(ap, fmt);
	(void)vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

static void read_compressed(int fd, uint64_t off, const struct comp *c, struct initrd_facts *f)
{
	struct rd *r = xcalloc(1, sizeof(*r));
	int p[2], st = 0, archives = 0, e;
	pid_t pid;

	if (lseek(fd, (off_t)off, SEEK_SET) < 0 || pipe2(p, O_CLOEXEC) < 0) {
		unreadable(f, "%s", strerror(errno));
		goto out;
	}
	pid = vfork(); /* the child only dup2s and execs: no atfork machinery */
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (dup2(fd, 0) < 0 || dup2(p[1], 1) < 0 || (null >= 0 && dup2(null, 2) < 0))
			_exit(126);
		(void)execvp(c->argv[0], (char *const *)c->argv);
		_exit(127);
	}
	(void)close(p[1]);
	if (pid < 0) {
		(void)close(p[0]);
		unreadable(f, "fork: %s", strerror(errno));
		goto out;
	}
	r->fd = p[0];
	e = walk_stream(r, f, &archives);
	(void)close(p[0]); /* a decompressor still writing gets SIGPIPE */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127 && !archives)
		unreadable(f, "compressed with %s; '%s' is not installed: run lsinitramfs or lsinitrd on it", c->name, c->argv[0]);
	else if (!archives)
		unreadable(f, "%s could not unpack it (%s %d)", c->argv[0], WIFEXITED(st) ? "exit status" : "signal",
			   WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	else if (e < 0)
		unreadable(f, "damaged archive after %llu bytes of %s data (%s)", (unsigned long long)r->off, c->name, strerror(-e));
	else if (e > 0)
		unreadable(f, "compressed data inside the %s archive", c->name);
out:
	free(r);
}

void initrd_read(int fd, struct initrd_facts *f)
{
	struct rd *r = xcalloc(1, sizeof(*r));
	int archives = 0, e;

	r->fd = fd;
	f->state = IMG_READ;
	snprintf(f->compression, sizeof(f->compression), "none");
	e = walk_stream(r, f, &archives);
	if (e < 0) {
		unreadable(f, "damaged cpio archive at byte %llu (%s)", (unsigned long long)r->off, strerror(-e));
	} else if (e > 0) {
		const struct comp *c = NULL;
		(void)rd_fill(r, 6);
		for (size_t i = 0; i < ARRAY_SIZE(comps) && !c; i++)
			if (r->len - r->pos >= comps[i].len && !memcmp(r->buf + r->pos, comps[i].magic, comps[i].len))
				c = &comps[i];
		if (!c) {
			unreadable(f, "unknown data at byte %llu (not cpio, not a known compression)", (unsigned long long)r->off);
		} else {
			snprintf(f->compression, sizeof(f->compression), "%s", c->name);
			read_compressed(fd, r->off, c, f);
		}
	} else if (!archives) {
		unreadable(f, "empty file");
	}
	free(r);
}
