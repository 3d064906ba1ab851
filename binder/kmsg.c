/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "kmsg.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

void kmsg_log(const struct sysroot *sr, int prio, const char *fmt, ...)
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
	fd = sr_open(sr, "dev/kmsg", O_WRONLY | O_APPEND | O_NOCTTY);
	if (fd >= 0) {
		(void)!write(fd, sb.s, sb.len);
		(void)close(fd);
	} else {
		(void)fputs(sb.s + 3, stderr);
	}
	sb_free(&sb);
}
