/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal streaming JSON writer into a strbuf. */
#pragma once
#include "util.h"

struct json {
	struct strbuf sb;
	int depth;
	bool need_comma[32];
	bool pretty;
};

void json_begin_obj(struct json *j, const char *key);
void json_end_obj(struct json *j);
void json_begin_arr(struct json *j, const char *key);
void json_end_arr(struct json *j);
void json_str(struct json *j, const char *key, const char *val); /* NULL -> null */
void json_int(struct json *j, const char *key, long long val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
void json_hex(struct json *j, const char *key, unsigned val, int digits); /* as a string */
