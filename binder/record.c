/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The record apply leaves in /run/vfio-early/state.json (report_json's
 * document), and status's reading of it. */
#include "record.h"
#include "kmsg.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int mkdir_safe(const struct sysroot *sr, const char *path)
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

void record_write(const struct run *r)
{
	struct json j = { .pretty = true };
	char tmp[64];
	int fd, e;

	if ((e = mkdir_safe(&r->sr, "run")) < 0 && e != -EPERM) {
		kmsg_log(&r->sr, 4, "cannot create /run (%s); no record written", strerror(-e));
		return;
	}
	if ((e = mkdir_safe(&r->sr, STATE_DIR)) < 0) {
		kmsg_log(&r->sr, 4, "cannot use /%s (%s); no record written", STATE_DIR, strerror(-e));
		return;
	}
	report_json(r, &j);
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", STATE_FILE);
	(void)unlinkat(r->sr.fd, tmp, 0);
	fd = openat(r->sr.fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		kmsg_log(&r->sr, 4, "cannot write /%s (%s)", STATE_FILE, strerror(errno));
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
		kmsg_log(&r->sr, 4, "cannot write /%s (%s)", STATE_FILE, strerror(errno));
		(void)unlinkat(r->sr.fd, tmp, 0);
	}
	sb_free(&j.sb);
}

struct jv *record_read(const struct sysroot *sr, bool *found, char *err, size_t errsize)
{
	char *text = NULL;
	size_t len = 0;
	struct jv *v;
	int e = sr_read_all(sr, STATE_FILE, RECORD_MAX, &text, &len);

	*found = e != -ENOENT;
	if (e < 0) {
		(void)snprintf(err, errsize, "/%s: %s", STATE_FILE, strerror(-e));
		return NULL;
	}
	v = jv_parse(text, len, err, errsize);
	free(text);
	return v;
}
