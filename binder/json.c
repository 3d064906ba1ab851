/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "json.h"

#include <stdio.h>

static void indent(struct json *j)
{
	if (!j->pretty)
		return;
	sb_puts(&j->sb, "\n");
	for (int i = 0; i < j->depth; i++)
		sb_puts(&j->sb, "  ");
}

static void quoted(struct json *j, const char *s)
{
	sb_puts(&j->sb, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			sb_printf(&j->sb, "\\%c", c);
		else if (c == '\n')
			sb_puts(&j->sb, "\\n");
		else if (c == '\t')
			sb_puts(&j->sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			sb_printf(&j->sb, "\\u%04x", c);
		else
			sb_add(&j->sb, (const char *)&c, 1);
	}
	sb_puts(&j->sb, "\"");
}

static void item(struct json *j, const char *key)
{
	if (j->depth > 0 && j->need_comma[j->depth])
		sb_puts(&j->sb, ",");
	if (j->depth > 0)
		j->need_comma[j->depth] = true;
	if (j->depth > 0)
		indent(j);
	if (key) {
		quoted(j, key);
		sb_puts(&j->sb, j->pretty ? ": " : ":");
	}
}

static void open_(struct json *j, const char *key, const char *c)
{
	item(j, key);
	sb_puts(&j->sb, c);
	if (j->depth < 31)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(struct json *j, const char *c)
{
	bool had = j->need_comma[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had)
		indent(j);
	sb_puts(&j->sb, c);
	if (j->depth == 0)
		sb_puts(&j->sb, "\n");
}

void json_begin_obj(struct json *j, const char *key) { open_(j, key, "{"); }
void json_end_obj(struct json *j) { close_(j, "}"); }
void json_begin_arr(struct json *j, const char *key) { open_(j, key, "["); }
void json_end_arr(struct json *j) { close_(j, "]"); }

void json_str(struct json *j, const char *key, const char *val)
{
	item(j, key);
	if (val)
		quoted(j, val);
	else
		sb_puts(&j->sb, "null");
}

void json_int(struct json *j, const char *key, long long val)
{
	item(j, key);
	sb_printf(&j->sb, "%lld", val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	item(j, key);
	sb_puts(&j->sb, val ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	item(j, key);
	sb_puts(&j->sb, "null");
}

void json_hex(struct json *j, const char *key, unsigned val, int digits)
{
	char buf[16];
	(void)snprintf(buf, sizeof(buf), "%0*x", digits, val);
	json_str(j, key, buf);
}
