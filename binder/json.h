/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal streaming JSON writer into a strbuf, and a small strict reader. */
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

/*
 * A small strict (RFC 8259) JSON reader, for the record report.c writes.
 * The tree is owned by the root: jv_free() it; every pointer the accessors
 * return lives as long as the root. Accessors take NULL (and any type) and
 * answer "absent", so lookups chain: jv_str(jv_get(jv_at(a, 0), "address")).
 *
 * Strings: escapes decoded (\uXXXX and surrogate pairs to UTF-8); raw bytes
 * of 0x80 and above are passed through unchecked, as the writer passes them
 * (sysfs and config text is not promised to be UTF-8). A control character
 * or \u0000 in a string is an error, so every string is a C string.
 */
enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };
#define JV_MAX_DEPTH 64

struct jv_member {
	char *key; /* NULL in an array */
	struct jv *val;
	size_t pos; /* input order: of duplicate keys the last wins */
};

/* Visible for tests that walk a whole tree; callers use the accessors. */
struct jv {
	enum jv_type type;
	bool b; /* JV_BOOL */
	char *s; /* JV_STR: decoded; JV_NUM: the literal as written */
	struct jv_member *members; /* JV_ARR in order; JV_OBJ sorted by key, keys unique */
	size_t n, cap;
};

/* NULL on bad input, with "byte N: what was expected" in err (N counts from
 * 0; err may be NULL). text need not be NUL-terminated. Nesting deeper
 * than JV_MAX_DEPTH is an error; of duplicate keys the last wins. */
struct jv *jv_parse(const char *text, size_t len, char *err, size_t errsize);
void jv_free(struct jv *v);
enum jv_type jv_type(const struct jv *v); /* NULL -> JV_NULL */
const struct jv *jv_get(const struct jv *obj, const char *key); /* NULL: not an object, or absent */
size_t jv_len(const struct jv *v); /* array or object: members; else 0 */
const struct jv *jv_at(const struct jv *arr, size_t i); /* NULL: not an array, or out of range */
const char *jv_str(const struct jv *v); /* NULL unless a string */
/* A number written without fraction or exponent that fits; *ret untouched
 * otherwise. */
bool jv_int(const struct jv *v, long long *ret);
bool jv_bool(const struct jv *v, bool *ret);
