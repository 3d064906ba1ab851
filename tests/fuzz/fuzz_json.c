/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: arbitrary bytes as the record (state.json). A refusal
 * must say "byte N: ..." with N inside the input. An accepted tree must
 * answer its own accessors (every key found again, keys sorted and unique),
 * and, when the writer can say it (31 levels, integers only), be written
 * back with json.c's writer and read again into an equal tree. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FATAL(...)                                          \
	do {                                                \
		fprintf(stderr, "fuzz_json: " __VA_ARGS__); \
		abort();                                    \
	} while (0)

/* json.c's writer nests 31 levels; the 32nd loses its commas. */
#define WRITER_DEPTH 31

/* Checks the accessors over v, inside depth containers; false when the
 * writer cannot say v. */
static bool walk(const struct jv *v, int depth)
{
	bool container = jv_type(v) == JV_ARR || jv_type(v) == JV_OBJ;
	bool ok = !container || depth < WRITER_DEPTH;
	long long n;

	if (container && depth >= JV_MAX_DEPTH)
		FATAL("%d levels of nesting accepted\n", depth + 1);
	if ((jv_str(v) != NULL) != (jv_type(v) == JV_STR))
		FATAL("jv_str on type %d\n", jv_type(v));
	if (jv_type(v) == JV_NUM && !jv_int(v, &n))
		ok = false;
	if (!container && jv_len(v) != 0)
		FATAL("a scalar of length %zu\n", jv_len(v));
	for (size_t i = 0; i < jv_len(v); i++) {
		const struct jv_member *m = &v->members[i];
		if (jv_type(v) == JV_ARR && jv_at(v, i) != m->val)
			FATAL("jv_at(%zu) lost\n", i);
		if (jv_type(v) == JV_OBJ && (jv_get(v, m->key) != m->val || jv_at(v, i)))
			FATAL("key '%.40s' not found again\n", m->key);
		if (jv_type(v) == JV_OBJ && i > 0 && strcmp(v->members[i - 1].key, m->key) >= 0)
			FATAL("keys out of order at '%.40s'\n", m->key);
		if (!walk(m->val, depth + 1))
			ok = false;
	}
	if (jv_at(v, jv_len(v)) != NULL)
		FATAL("jv_at past the end\n");
	return ok;
}

static void write_back(struct json *j, const char *key, const struct jv *v)
{
	long long n = 0;
	bool b = false;

	switch (jv_type(v)) {
	case JV_NULL: json_null(j, key); break;
	case JV_BOOL:
		(void)jv_bool(v, &b);
		json_bool(j, key, b);
		break;
	case JV_NUM:
		(void)jv_int(v, &n);
		json_int(j, key, n);
		break;
	case JV_STR: json_str(j, key, jv_str(v)); break;
	case JV_ARR:
	case JV_OBJ:
		if (jv_type(v) == JV_ARR)
			json_begin_arr(j, key);
		else
			json_begin_obj(j, key);
		for (size_t i = 0; i < jv_len(v); i++)
			write_back(j, v->members[i].key, v->members[i].val);
		if (jv_type(v) == JV_ARR)
			json_end_arr(j);
		else
			json_end_obj(j);
		break;
	}
}

static bool same(const struct jv *a, const struct jv *b)
{
	long long x = 0, y = 0;

	if (jv_type(a) != jv_type(b) || jv_len(a) != jv_len(b))
		return false;
	switch (jv_type(a)) {
	case JV_NULL: return true;
	case JV_BOOL: return a->b == b->b;
	case JV_NUM: return jv_int(a, &x) && jv_int(b, &y) && x == y;
	case JV_STR: return strcmp(jv_str(a), jv_str(b)) == 0;
	case JV_ARR:
	case JV_OBJ:
		for (size_t i = 0; i < jv_len(a); i++) {
			const struct jv_member *m = &a->members[i], *n = &b->members[i];
			if ((m->key || n->key) && (!m->key || !n->key || strcmp(m->key, n->key) != 0))
				return false;
			if (!same(m->val, n->val))
				return false;
		}
		return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128];
	struct jv *v = jv_parse((const char *)data, size, err, sizeof(err));
	unsigned long at;
	int used = 0;

	if (!v) {
		if (sscanf(err, "byte %lu: %n", &at, &used) != 1 || !used || !err[used] || at > size)
			FATAL("refusal without 'byte N: why' inside the input: '%s'\n", err);
		return 0;
	}
	if (err[0])
		FATAL("accepted with an error: '%s'\n", err);
	for (int pretty = 0; pretty < 2 && walk(v, 0); pretty++) {
		struct json j = { .pretty = pretty };
		struct jv *again;

		write_back(&j, NULL, v);
		again = jv_parse(j.sb.s, j.sb.len, err, sizeof(err));
		if (!again)
			FATAL("the writer's output refused: %s\n%.400s\n", err, j.sb.s);
		if (!same(v, again))
			FATAL("written back, read differently:\n%.400s\n", j.sb.s);
		jv_free(again);
		sb_free(&j.sb);
	}
	jv_free(v);
	return 0;
}
