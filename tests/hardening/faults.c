/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test builds only: see faults.h. Not part of the production binary (the
 * top Makefile's SRCS does not list this file). */
#include "faults.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FAULTS_MAX 8

struct fault {
	enum fault_op op;
	char sub[256];
	int err; /* errno, or 0 for "short" */
	unsigned nth; /* 0: every match */
	unsigned seen;
};

static struct fault faults[FAULTS_MAX];
static size_t nfaults;
static bool loaded;
static const char *logpath;

static const char *const op_names[] = { "write", "read", "readlink", "exists", "opendir" };

static const struct {
	const char *name;
	int err;
} errnames[] = {
	{ "EBUSY", EBUSY }, { "EINVAL", EINVAL }, { "ENODEV", ENODEV }, { "EACCES", EACCES }, { "ENOENT", ENOENT },
	{ "EIO", EIO },	    { "EPERM", EPERM },	  { "EAGAIN", EAGAIN }, { "ENOSPC", ENOSPC }, { "ETIMEDOUT", ETIMEDOUT },
	{ "ENXIO", ENXIO }, { "short", 0 },	  { "EEXIST", EEXIST }, { "EUSERS", EUSERS },
};

NORETURN static void bad_spec(const char *spec)
{
	fprintf(stderr, "VFIO_EARLY_FAULT: cannot parse '%s'; expected [OP@]SUBSTRING:ERR[:NTH]\n", spec);
	exit(100);
}

static bool parse_err(const char *s, int *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnames); i++)
		if (streq(s, errnames[i].name)) {
			*ret = errnames[i].err;
			return true;
		}
	return false;
}

static void parse_one(char *spec)
{
	struct fault *f = &faults[nfaults];
	char *at = strchr(spec, '@'), *c, *s = spec;

	memset(f, 0, sizeof(*f));
	f->nth = 1;
	if (at) {
		size_t i;
		*at = '\0';
		for (i = 0; i < ARRAY_SIZE(op_names) && !streq(spec, op_names[i]); i++)
			;
		if (i == ARRAY_SIZE(op_names))
			bad_spec(spec);
		f->op = (enum fault_op)i;
		s = at + 1;
	}
	/* From the right: the substring may hold ':' (PCI addresses do). */
	c = strrchr(s, ':');
	if (!c)
		bad_spec(s);
	if (streq(c + 1, "*") || (c[1] && strspn(c + 1, "0123456789") == strlen(c + 1))) {
		f->nth = streq(c + 1, "*") ? 0 : (unsigned)strtoul(c + 1, NULL, 10);
		if (!f->nth && !streq(c + 1, "*"))
			bad_spec(s);
		*c = '\0';
		c = strrchr(s, ':');
		if (!c)
			bad_spec(s);
	}
	if (!parse_err(c + 1, &f->err))
		bad_spec(s);
	*c = '\0';
	if (!*s || strlen(s) >= sizeof(f->sub))
		bad_spec(s);
	strcpy(f->sub, s);
	nfaults++;
}

static void load(void)
{
	const char *env = getenv("VFIO_EARLY_FAULT");
	char *dup, *save = NULL;

	loaded = true;
	logpath = getenv("VFIO_EARLY_FAULT_LOG");
	if (!env || !*env)
		return;
	dup = xstrdup(env);
	for (char *s = strtok_r(dup, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (nfaults == FAULTS_MAX)
			bad_spec(s);
		parse_one(s);
	}
	free(dup);
}

static void logf_(const char *fmt, ...) PRINTF(1, 2);
static void logf_(const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	if (!logpath)
		return;
	f = fopen(logpath, "ae");
	if (!f)
		return;
	va_start(ap, fmt);
	(void)vfprintf(f, fmt, ap);
	va_end(ap);
	(void)fclose(f);
}

int fault_check(enum fault_op op, const char *path, const char *val)
{
	char target[1024];

	if (!loaded)
		load();
	while (*path == '/')
		path++;
	(void)snprintf(target, sizeof(target), "%s%s%s", path, val ? " " : "", val ? val : "");
	/* one line per operation: values written never hold a newline but "\n" */
	if (val && streq(val, "\n"))
		(void)snprintf(target, sizeof(target), "%s \\n", path);
	logf_("%s %s\n", op_names[op], target);
	for (size_t i = 0; i < nfaults; i++) {
		struct fault *f = &faults[i];
		if (f->op != op || !strstr(target, f->sub))
			continue;
		f->seen++;
		if (f->nth && f->seen != f->nth)
			continue;
		logf_("FAULT %s %s -> %s\n", op_names[op], target, f->err ? strerror(f->err) : "short");
		return f->err ? -f->err : 1;
	}
	return 0;
}

/* --- the fake kernel ------------------------------------------------- */

/* A link to a device directory ("sys/bus/pci/devices/ADDR",
 * "sys/class/mdev_bus/NAME") -> that directory, root-relative; returns its
 * depth. */
static int link_dir(int rootfd, const char *link, char *out, size_t size)
{
	char target[512], buf[1024];
	char *parts[64];
	size_t np = 0;
	ssize_t n;

	n = readlinkat(rootfd, link, target, sizeof(target) - 1);
	if (n < 0)
		return -ENODEV;
	target[n] = '\0';
	(void)snprintf(buf, sizeof(buf), "%s/../%s", link, target);
	for (char *save = NULL, *p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (streq(p, ".."))
			np -= np > 0;
		else if (!streq(p, ".") && np < ARRAY_SIZE(parts))
			parts[np++] = p;
	}
	out[0] = '\0';
	for (size_t i = 0; i < np; i++) {
		size_t l = strlen(out);
		(void)snprintf(out + l, size - l, "%s%s", i ? "/" : "", parts[i]);
	}
	return (int)np;
}

/* "sys/bus/pci/devices/ADDR" -> its real directory, root-relative. */
static int dev_dir(int rootfd, const char *addr, char *out, size_t size)
{
	char link[300];

	if (strchr(addr, '/') || !*addr || addr[0] == '.')
		return -ENODEV;
	(void)snprintf(link, sizeof(link), "sys/bus/pci/devices/%s", addr);
	return link_dir(rootfd, link, out, size);
}

/* PARENT/mdev_supported_types/TYPE/create: the mdev core makes PARENT/UUID
 * with its mdev_type link, TYPE/devices/UUID and sys/bus/mdev/devices/UUID,
 * or refuses a UUID in use (EEXIST) and a type with no instance left
 * (EUSERS); available_instances goes down by one. */
static int mdev_create(int rootfd, const char *path, const char *val)
{
	const char *types = strstr(path, "/mdev_supported_types/");
	char link[300], dir[600], type[128], p[1400], t[1400];
	char avail[32] = "";
	int depth, fd;
	ssize_t n;

	if (!types || (size_t)(types - path) >= sizeof(link) || strlen(val) != 36 || strchr(val, '/'))
		return -EINVAL;
	(void)snprintf(link, sizeof(link), "%.*s", (int)(types - path), path);
	(void)snprintf(type, sizeof(type), "%.*s", (int)strcspn(types + 22, "/"), types + 22);
	if ((depth = link_dir(rootfd, link, dir, sizeof(dir))) < 0)
		return -ENODEV;
	(void)snprintf(p, sizeof(p), "sys/bus/mdev/devices/%s", val);
	if (faccessat(rootfd, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return -EEXIST;
	(void)snprintf(p, sizeof(p), "%s/mdev_supported_types/%s/available_instances", dir, type);
	if ((fd = openat(rootfd, p, O_RDWR | O_CLOEXEC)) >= 0) {
		n = read(fd, avail, sizeof(avail) - 1);
		avail[n > 0 ? n : 0] = '\0';
		if (atoi(avail) <= 0) {
			(void)close(fd);
			return -EUSERS;
		}
		(void)snprintf(avail, sizeof(avail), "%d\n", atoi(avail) - 1);
		(void)!pwrite(fd, avail, strlen(avail), 0);
		(void)!ftruncate(fd, (off_t)strlen(avail));
		(void)close(fd);
	}
	(void)snprintf(p, sizeof(p), "%s/%s", dir, val);
	if (mkdirat(rootfd, p, 0755) < 0)
		return -errno;
	(void)snprintf(p, sizeof(p), "%s/%s/mdev_type", dir, val);
	(void)snprintf(t, sizeof(t), "../mdev_supported_types/%s", type);
	(void)symlinkat(t, rootfd, p);
	(void)snprintf(p, sizeof(p), "%s/mdev_supported_types/%s/devices/%s", dir, type, val);
	(void)snprintf(t, sizeof(t), "../../../%s", val);
	(void)symlinkat(t, rootfd, p);
	(void)snprintf(p, sizeof(p), "sys/bus/mdev/devices/%s", val);
	(void)snprintf(t, sizeof(t), "../../../%s/%s", dir + 4, val); /* from sys/bus/mdev/devices: up to sys/ */
	(void)depth;
	(void)mkdirat(rootfd, "sys/bus/mdev", 0755);
	(void)mkdirat(rootfd, "sys/bus/mdev/devices", 0755);
	return symlinkat(t, rootfd, p) < 0 ? -errno : 0;
}

static int cur_driver(int rootfd, const char *dir, char *drv, size_t size)
{
	char link[1100], target[512];
	ssize_t n;
	const char *b;

	(void)snprintf(link, sizeof(link), "%s/driver", dir);
	n = readlinkat(rootfd, link, target, sizeof(target) - 1);
	drv[0] = '\0';
	if (n < 0)
		return 0;
	target[n] = '\0';
	b = strrchr(target, '/');
	(void)snprintf(drv, size, "%s", b ? b + 1 : target);
	return 1;
}

static void read_override(int rootfd, const char *dir, char *ov, size_t size)
{
	char path[1100];
	ssize_t n;
	int fd;

	ov[0] = '\0';
	(void)snprintf(path, sizeof(path), "%s/driver_override", dir);
	fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, ov, size - 1);
	(void)close(fd);
	if (n < 0)
		n = 0;
	ov[n] = '\0';
	ov[strcspn(ov, "\n")] = '\0';
	if (streq(ov, "(null)"))
		ov[0] = '\0';
}

static int attach(int rootfd, const char *addr, const char *dir, int depth, const char *drv)
{
	char link[1100], target[1100], drvdir[300];
	struct stat st;

	(void)snprintf(drvdir, sizeof(drvdir), "sys/bus/pci/drivers/%s", drv);
	if (fstatat(rootfd, drvdir, &st, 0) < 0 || !S_ISDIR(st.st_mode))
		return -ENODEV; /* not loaded */
	target[0] = '\0';
	for (int i = 1; i < depth; i++)
		strcat(target, "../");
	(void)snprintf(target + strlen(target), sizeof(target) - strlen(target), "bus/pci/drivers/%s", drv);
	(void)snprintf(link, sizeof(link), "%s/driver", dir);
	if (symlinkat(target, rootfd, link) < 0)
		return -errno;
	(void)snprintf(link, sizeof(link), "%s/%s", drvdir, addr);
	target[0] = '\0';
	for (int i = 0; i < 4; i++) /* sys/bus/pci/drivers/X/ADDR -> ../../../../devices/... */
		strcat(target, "../");
	(void)snprintf(target + strlen(target), sizeof(target) - strlen(target), "%s", dir + 4);
	(void)unlinkat(rootfd, link, 0);
	(void)symlinkat(target, rootfd, link);
	return 0;
}

static int detach(int rootfd, const char *addr, const char *dir, const char *drv)
{
	char link[1100];

	(void)snprintf(link, sizeof(link), "%s/driver", dir);
	if (unlinkat(rootfd, link, 0) < 0)
		return -errno;
	(void)snprintf(link, sizeof(link), "sys/bus/pci/drivers/%s/%s", drv, addr);
	(void)unlinkat(rootfd, link, 0);
	return 0;
}

static bool endswith_override(const char *path)
{
	size_t n = strlen(path), m = strlen("/driver_override");
	return n > m && streq(path + n - m, "/driver_override");
}

/* pci_bus_match(): with driver_override set only that driver matches; the
 * fake has no id tables, so without one any driver asked by name matches
 * (bind), and none probes on its own (drivers_probe): at early boot the
 * native modules are not loaded yet. */
int fault_kernel(int rootfd, const char *path, const char *val)
{
	static const char drivers[] = "sys/bus/pci/drivers/";
	char addr[64], dir[1024], drv[256], ov[256], name[256];
	const char *attr;
	int depth;

	if (!getenv("VFIO_EARLY_FAKE_KERNEL"))
		return 0;
	while (*path == '/')
		path++;
	(void)snprintf(addr, sizeof(addr), "%s", val);
	addr[strcspn(addr, "\n")] = '\0';
	if (streq(path, "sys/bus/pci/drivers_probe")) {
		if ((depth = dev_dir(rootfd, addr, dir, sizeof(dir))) < 0)
			return -ENODEV;
		if (cur_driver(rootfd, dir, drv, sizeof(drv)))
			return 0;
		read_override(rootfd, dir, ov, sizeof(ov));
		if (ov[0])
			(void)attach(rootfd, addr, dir, depth, ov);
		return 0; /* the kernel reports success even when nothing bound */
	}
	if (endswith_override(path)) {
		/* A store replaces the value; reads show "(null)" when unset. */
		int fd = openat(rootfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		size_t n = strcspn(val, "\n");
		if (fd >= 0) {
			if (n)
				(void)!write(fd, val, n);
			else
				(void)!write(fd, "(null)", 6);
			(void)!write(fd, "\n", 1);
			(void)close(fd);
		}
		return 0;
	}
	if (strstr(path, "/mdev_supported_types/") && (attr = strrchr(path, '/')) && streq(attr, "/create"))
		return mdev_create(rootfd, path, val);
	if (!startswith(path, drivers))
		return 0;
	attr = strrchr(path, '/');
	if (!attr || (size_t)(attr - path) <= strlen(drivers) || (size_t)(attr - path) - strlen(drivers) >= sizeof(name))
		return 0;
	(void)snprintf(name, sizeof(name), "%.*s", (int)(attr - path - (ptrdiff_t)strlen(drivers)), path + strlen(drivers));
	attr++;
	if (!streq(attr, "bind") && !streq(attr, "unbind"))
		return 0;
	if ((depth = dev_dir(rootfd, addr, dir, sizeof(dir))) < 0)
		return -ENODEV;
	cur_driver(rootfd, dir, drv, sizeof(drv));
	if (streq(attr, "unbind"))
		return streq(drv, name) ? detach(rootfd, addr, dir, name) : -ENODEV;
	read_override(rootfd, dir, ov, sizeof(ov));
	if (drv[0] || (ov[0] && !streq(ov, name)))
		return -ENODEV;
	return attach(rootfd, addr, dir, depth, name);
}

/* LeakSanitizer cannot work under ptrace, and the bats helpers trace the
 * binary with strace: skip the leak check there (only there). */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	char buf[2048];
	const char *tp;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	tp = strstr(buf, "TracerPid:");
	return tp && strtol(tp + 10, NULL, 10) != 0;
}
