/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "json.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void json_begin_obj(struct json *j, const char *key)
{
	open_(j, key, "{");
}
void json_end_obj(struct json *j)
{
	close_(j, "}");
}
void json_begin_arr(struct json *j, const char *key)
{
	open_(j, key, "[");
}
void json_end_arr(struct json *j)
{
	close_(j, "]");
}

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

/*
 * The reader: recursive descent over [p, end). The first error is kept and
 * marks the parser bad; the steps check ps->bad rather than return codes.
 */

struct parser {
	const char *start, *p, *end;
	char *err;
	size_t errsize;
	bool bad;
};

static struct jv *value(struct parser *ps, int depth);

static void *fail(struct parser *ps, const char *what)
{
	if (!ps->bad && ps->err && ps->errsize)
		(void)snprintf(ps->err, ps->errsize, "byte %zu: %s", (size_t)(ps->p - ps->start), what);
	ps->bad = true;
	return NULL;
}

static int peek(const struct parser *ps)
{
	return ps->p < ps->end ? (unsigned char)*ps->p : -1;
}

/* Takes the next byte if it is one of set. */
static bool take(struct parser *ps, const char *set)
{
	if (peek(ps) <= 0 || !strchr(set, peek(ps)))
		return false;
	ps->p++;
	return true;
}

static void skip_ws(struct parser *ps)
{
	while (take(ps, " \t\n\r"))
		;
}

/* Skips blanks, then takes one of set. */
static bool eat(struct parser *ps, const char *set)
{
	skip_ws(ps);
	return take(ps, set);
}

static struct jv *node(enum jv_type type)
{
	struct jv *v = xcalloc(1, sizeof(*v));
	v->type = type;
	return v;
}

/* "\uXXXX" at p: its value, past it; or -1, p unmoved. */
static long uescape(struct parser *ps)
{
	long v = 0;

	if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u')
		return -1;
	for (int i = 2; i < 6; i++) {
		int d = hexval(ps->p[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	ps->p += 6;
	return v;
}

static void put_utf8(struct strbuf *sb, long cp)
{
	static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	char b[4];

	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		b[i] = (char)(0x80 | (cp & 0x3f));
	b[0] = (char)(lead[n] | cp);
	sb_add(sb, b, n);
}

/* At a backslash; an error points at it. */
static void escape(struct parser *ps, struct strbuf *sb)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *at = ps->p, *e = NULL, *why = NULL;
	long cp = 0, lo = 0;

	if (ps->end - ps->p > 1 && ps->p[1])
		e = strchr(from, ps->p[1]);
	if (e) {
		sb_add(sb, &to[e - from], 1);
		ps->p += 2;
		return;
	}
	if (ps->end - ps->p < 2 || ps->p[1] != 'u')
		why = "invalid escape";
	else if ((cp = uescape(ps)) < 0)
		why = "expected 4 hex digits after \\u";
	else if (cp == 0)
		why = "\\u0000 in a string";
	else if (cp >= 0xdc00 && cp <= 0xdfff)
		why = "low surrogate without a high one";
	else if (cp >= 0xd800 && cp <= 0xdbff && ((lo = uescape(ps)) < 0xdc00 || lo > 0xdfff))
		why = "high surrogate without a low one";
	if (why) {
		ps->p = at;
		fail(ps, why);
	} else {
		put_utf8(sb, lo ? 0x10000 + ((cp - 0xd800) << 10 | (lo - 0xdc00)) : cp);
	}
}

/* At the opening quote: the decoded string, owned. */
static char *string(struct parser *ps)
{
	struct strbuf sb = { 0 };

	if (peek(ps) != '"')
		return fail(ps, "expected a string");
	for (ps->p++; !ps->bad && peek(ps) != '"';) {
		const char *run = ps->p;
		while (peek(ps) >= 0x20 && peek(ps) != '"' && peek(ps) != '\\')
			ps->p++;
		sb_add(&sb, run, (size_t)(ps->p - run));
		if (peek(ps) == '\\')
			escape(ps, &sb);
		else if (peek(ps) < 0)
			fail(ps, "unterminated string");
		else if (peek(ps) < 0x20)
			fail(ps, "control character in a string");
	}
	if (ps->bad) {
		sb_free(&sb);
		return NULL;
	}
	ps->p++;
	return sb_steal(&sb);
}

static void digits(struct parser *ps)
{
	if (!isdigit(peek(ps)))
		fail(ps, "expected a digit");
	while (isdigit(peek(ps)))
		ps->p++;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, kept as written. */
static struct jv *number(struct parser *ps)
{
	const char *start = ps->p;
	struct strbuf sb = { 0 };
	struct jv *v;

	(void)take(ps, "-");
	if (peek(ps) == '0' && ps->end - ps->p > 1 && isdigit((unsigned char)ps->p[1]))
		return fail(ps, "leading zero in a number");
	digits(ps);
	if (take(ps, "."))
		digits(ps);
	if (take(ps, "eE")) {
		(void)take(ps, "+-");
		digits(ps);
	}
	if (ps->bad)
		return NULL;
	sb_add(&sb, start, (size_t)(ps->p - start));
	v = node(JV_NUM);
	v->s = sb_steal(&sb);
	return v;
}

static struct jv *literal(struct parser *ps)
{
	static const char *const words[] = { "null", "false", "true" };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, words[i], n) == 0) {
			struct jv *v = node(i ? JV_BOOL : JV_NULL);
			v->b = i == 2; /* "true" */
			ps->p += n;
			return v;
		}
	}
	return fail(ps, "expected a value");
}

static int member_cmp(const void *a, const void *b)
{
	const struct jv_member *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Sorted for jv_get's bsearch; of equal keys only the last stays. Sorting
 * once, not a scan per insert, keeps a 16 MiB object at n log n. */
static void sort_members(struct jv *v)
{
	size_t n = 0;

	qsort(v->members, v->n, sizeof(*v->members), member_cmp);
	for (size_t i = 0; i < v->n; i++) {
		struct jv_member *m = &v->members[i];
		if (i + 1 < v->n && streq(m->key, m[1].key)) {
			free(m->key);
			jv_free(m->val);
		} else {
			v->members[n++] = *m;
		}
	}
	v->n = n;
}

/* At '[' or '{': the members up to the closing bracket. */
static struct jv *container(struct parser *ps, int depth)
{
	bool obj = *ps->p == '{';
	const char *close = obj ? "}" : "]";
	struct jv *v;

	if (depth > JV_MAX_DEPTH)
		return fail(ps, "nested deeper than 64");
	ps->p++;
	v = node(obj ? JV_OBJ : JV_ARR);
	if (eat(ps, close))
		return v;
	do {
		struct jv_member m = { .pos = v->n };
		if (obj) {
			m.key = string(ps);
			if (m.key && !eat(ps, ":"))
				fail(ps, "expected ':'");
		}
		m.val = ps->bad ? NULL : value(ps, depth);
		if (ps->bad) {
			free(m.key);
			break;
		}
		GROW(v->members, v->cap, v->n);
		v->members[v->n++] = m;
		if (eat(ps, close)) {
			if (obj)
				sort_members(v);
			return v;
		}
		if (!eat(ps, ","))
			fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		skip_ws(ps);
		if (peek(ps) == *close)
			fail(ps, "trailing comma");
	} while (!ps->bad);
	jv_free(v);
	return NULL;
}

static struct jv *value(struct parser *ps, int depth)
{
	struct jv *v;

	skip_ws(ps);
	switch (peek(ps)) {
	case -1: return fail(ps, "unexpected end of input");
	case '[':
	case '{': return container(ps, depth + 1);
	case '"':
		v = node(JV_STR);
		if (!(v->s = string(ps))) {
			jv_free(v);
			return NULL;
		}
		return v;
	default:
		if (peek(ps) == '-' || isdigit(peek(ps)))
			return number(ps);
		return literal(ps);
	}
}

struct jv *jv_parse(const char *text, size_t len, char *err, size_t errsize)
{
	struct parser ps = { .start = text ? text : "", .err = err, .errsize = errsize };
	struct jv *v;

	ps.p = ps.start;
	ps.end = ps.start + (text ? len : 0);
	if (err && errsize)
		err[0] = '\0';
	v = value(&ps, 0);
	skip_ws(&ps);
	if (v && ps.p != ps.end) {
		jv_free(v);
		return fail(&ps, "expected the end after the value");
	}
	return v;
}

void jv_free(struct jv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->members[i].key);
		jv_free(v->members[i].val);
	}
	free(v->members);
	free(v->s);
	free(v);
}

enum jv_type jv_type(const struct jv *v)
{
	return v ? v->type : JV_NULL;
}

static int key_cmp(const void *key, const void *m)
{
	return strcmp(key, ((const struct jv_member *)m)->key);
}

const struct jv *jv_get(const struct jv *obj, const char *key)
{
	const struct jv_member *m;

	if (!obj || obj->type != JV_OBJ || !key || !obj->n)
		return NULL;
	m = bsearch(key, obj->members, obj->n, sizeof(*m), key_cmp);
	return m ? m->val : NULL;
}

size_t jv_len(const struct jv *v)
{
	return v ? v->n : 0;
}

const struct jv *jv_at(const struct jv *arr, size_t i)
{
	return arr && arr->type == JV_ARR && i < arr->n ? arr->members[i].val : NULL;
}

const char *jv_str(const struct jv *v)
{
	return v && v->type == JV_STR ? v->s : NULL;
}

bool jv_int(const struct jv *v, long long *ret)
{
	long long n;

	if (!v || v->type != JV_NUM || strpbrk(v->s, ".eE"))
		return false;
	errno = 0;
	n = strtoll(v->s, NULL, 10);
	if (errno == ERANGE)
		return false;
	*ret = n;
	return true;
}

bool jv_bool(const struct jv *v, bool *ret)
{
	if (!v || v->type != JV_BOOL)
		return false;
	*ret = v->b;
	return true;
}
