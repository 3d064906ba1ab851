#include "json.h"
#include "t.h"

#include <limits.h>
#include <stdlib.h>

static char err[128];

static struct jv *parse(const char *s)
{
	return jv_parse(s, strlen(s), err, sizeof(err));
}

/* len bytes of s must be refused with exactly this message. */
static void bad_n(const char *s, size_t len, const char *want)
{
	struct jv *v = jv_parse(s, len, err, sizeof(err));
	CHECK(v == NULL);
	CHECK_STR(err, want);
	jv_free(v);
}

static void bad(const char *s, const char *want)
{
	bad_n(s, strlen(s), want);
}

static long long get_int(const struct jv *v)
{
	long long n = -12345;
	return jv_int(v, &n) ? n : -12345;
}

static void writer_doc(struct json *j)
{
	json_begin_obj(j, NULL);
	json_str(j, "schema", "vfio-early/1");
	json_int(j, "min", LLONG_MIN);
	json_int(j, "max", LLONG_MAX);
	json_bool(j, "yes", true);
	json_bool(j, "no", false);
	json_null(j, "none");
	json_str(j, "null_str", NULL);
	json_hex(j, "vendor", 0x10de, 4);
	json_str(j, "tricky", "q\"b\\n\nt\tc\x01 del\x7f \xc3\xa9 raw\xff");
	json_str(j, "we\"ird\nkey", "v");
	json_begin_arr(j, "groups");
	json_begin_obj(j, NULL);
	json_str(j, "address", "0000:01:00.0");
	json_int(j, "iommu_group", 14);
	json_begin_arr(j, "members");
	json_str(j, NULL, "0000:01:00.1");
	json_str(j, NULL, "");
	json_end_arr(j);
	json_end_obj(j);
	json_begin_arr(j, NULL);
	json_end_arr(j);
	json_begin_obj(j, NULL);
	json_end_obj(j);
	json_end_arr(j);
	json_end_obj(j);
}

static void round_trip(bool pretty)
{
	struct json j = { .pretty = pretty };
	const struct jv *g, *a;
	struct jv *v;
	bool b = false, b2 = true;

	writer_doc(&j);
	v = jv_parse(j.sb.s, j.sb.len, err, sizeof(err));
	CHECK_STR(err, "");
	CHECK(jv_type(v) == JV_OBJ && jv_len(v) == 11);
	CHECK_STR(jv_str(jv_get(v, "schema")), "vfio-early/1");
	CHECK(get_int(jv_get(v, "min")) == LLONG_MIN);
	CHECK(get_int(jv_get(v, "max")) == LLONG_MAX);
	CHECK(jv_bool(jv_get(v, "yes"), &b) && b);
	CHECK(jv_bool(jv_get(v, "no"), &b2) && !b2);
	CHECK(jv_get(v, "none") && jv_type(jv_get(v, "none")) == JV_NULL);
	CHECK(jv_get(v, "null_str") && jv_type(jv_get(v, "null_str")) == JV_NULL);
	CHECK_STR(jv_str(jv_get(v, "vendor")), "10de");
	CHECK_STR(jv_str(jv_get(v, "tricky")), "q\"b\\n\nt\tc\x01 del\x7f \xc3\xa9 raw\xff");
	CHECK_STR(jv_str(jv_get(v, "we\"ird\nkey")), "v");
	g = jv_get(v, "groups");
	CHECK(jv_type(g) == JV_ARR && jv_len(g) == 3);
	CHECK_STR(jv_str(jv_get(jv_at(g, 0), "address")), "0000:01:00.0");
	CHECK(get_int(jv_get(jv_at(g, 0), "iommu_group")) == 14);
	a = jv_get(jv_at(g, 0), "members");
	CHECK(jv_len(a) == 2);
	CHECK_STR(jv_str(jv_at(a, 0)), "0000:01:00.1");
	CHECK_STR(jv_str(jv_at(a, 1)), "");
	CHECK(jv_type(jv_at(g, 1)) == JV_ARR && jv_len(jv_at(g, 1)) == 0);
	CHECK(jv_type(jv_at(g, 2)) == JV_OBJ && jv_len(jv_at(g, 2)) == 0);
	jv_free(v);
	sb_free(&j.sb);
}

static void accessors(void)
{
	struct jv *v = parse(" {\"s\": \"x\", \"n\": 7, \"b\": true, \"a\": [1, \"two\"], \"z\": null} ");
	long long n = 99;
	bool b = false;

	t_name = "json accessors";
	CHECK_STR(err, "");
	CHECK(jv_type(NULL) == JV_NULL && jv_len(NULL) == 0 && !jv_get(NULL, "s") && !jv_at(NULL, 0) && !jv_str(NULL));
	CHECK(!jv_int(NULL, &n) && !jv_bool(NULL, &b) && n == 99 && !b);
	CHECK(jv_get(v, "missing") == NULL && jv_get(v, "") == NULL);
	CHECK(jv_at(v, 0) == NULL); /* an object is not an array */
	CHECK(jv_get(jv_get(v, "a"), "s") == NULL); /* an array is not an object */
	CHECK(jv_str(jv_get(v, "n")) == NULL && jv_str(jv_get(v, "z")) == NULL);
	CHECK(!jv_int(jv_get(v, "s"), &n) && !jv_int(jv_get(v, "b"), &n) && n == 99);
	CHECK(!jv_bool(jv_get(v, "n"), &b) && !b);
	CHECK(jv_len(jv_get(v, "s")) == 0 && jv_len(jv_get(v, "n")) == 0);
	CHECK(jv_len(jv_get(v, "a")) == 2 && get_int(jv_at(jv_get(v, "a"), 0)) == 1);
	CHECK_STR(jv_str(jv_at(jv_get(v, "a"), 1)), "two");
	CHECK(jv_at(jv_get(v, "a"), 2) == NULL && jv_at(jv_get(v, "a"), (size_t)-1) == NULL);
	jv_free(v);

	/* len is honoured: no NUL needed, bytes past it are not read */
	v = jv_parse("[1]garbage", 3, err, sizeof(err));
	CHECK(jv_len(v) == 1);
	jv_free(v);
	v = jv_parse(NULL, 0, NULL, 0);
	CHECK(v == NULL);
}

static void numbers(void)
{
	static const char *const ok[] = { "0", "-0", "12", "-12", "0.5", "-0.5e+10", "1E400", "1e-2", "123.456E7" };
	struct jv *v;
	long long n = 5;

	t_name = "json numbers";
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		v = parse(ok[i]);
		CHECK(jv_type(v) == JV_NUM);
		jv_free(v);
	}
	v = parse("[9223372036854775807, -9223372036854775808, 9223372036854775808, -9223372036854775809, 1.0, 1e2, -0]");
	CHECK(get_int(jv_at(v, 0)) == LLONG_MAX && get_int(jv_at(v, 1)) == LLONG_MIN);
	CHECK(!jv_int(jv_at(v, 2), &n) && !jv_int(jv_at(v, 3), &n) && n == 5);
	CHECK(!jv_int(jv_at(v, 4), &n) && !jv_int(jv_at(v, 5), &n) && n == 5); /* written with fraction/exponent */
	CHECK(jv_int(jv_at(v, 6), &n) && n == 0);
	jv_free(v);
}

static void strings(void)
{
	struct jv *v;

	t_name = "json escapes";
	v = parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t.\"");
	CHECK_STR(jv_str(v), "\"\\/\b\f\n\r\t.");
	jv_free(v);

	t_name = "json unicode";
	v = parse("[\"\\u0041\\u00e9\\u20AC\", \"\\ud83d\\ude00\", \"\\uDBFF\\uDFFF\", \"\\u007f\\u0080\\u07ff\\u0800\\uffff\", \"h\xc3\xa9 \xe2\x82\xac\"]");
	CHECK_STR(err, "");
	CHECK_STR(jv_str(jv_at(v, 0)), "A\xc3\xa9\xe2\x82\xac");
	CHECK_STR(jv_str(jv_at(v, 1)), "\xf0\x9f\x98\x80");
	CHECK_STR(jv_str(jv_at(v, 2)), "\xf4\x8f\xbf\xbf");
	CHECK_STR(jv_str(jv_at(v, 3)), "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf");
	CHECK_STR(jv_str(jv_at(v, 4)), "h\xc3\xa9 \xe2\x82\xac"); /* raw UTF-8 passes as is */
	jv_free(v);
	v = parse("\" \x7f\xff\"");
	CHECK_STR(jv_str(v), " \x7f\xff"); /* DEL is not a control character to JSON; bytes are not checked */
	jv_free(v);
}

static void containers(void)
{
	char deep[2 * (JV_MAX_DEPTH + 1) + 1];
	struct jv *v;

	t_name = "json empty containers";
	v = parse("{\"a\": [], \"o\": {}, \"aa\": [[], {}]}");
	CHECK(jv_len(v) == 3 && jv_type(jv_get(v, "a")) == JV_ARR && jv_len(jv_get(v, "a")) == 0);
	CHECK(jv_type(jv_get(v, "o")) == JV_OBJ && jv_len(jv_get(v, "o")) == 0 && !jv_get(jv_get(v, "o"), "a"));
	CHECK(jv_len(jv_get(v, "aa")) == 2 && jv_type(jv_at(jv_get(v, "aa"), 1)) == JV_OBJ);
	jv_free(v);
	v = parse(" [ ] ");
	CHECK(jv_type(v) == JV_ARR && jv_len(v) == 0);
	jv_free(v);

	t_name = "json duplicate keys: the last wins";
	v = parse("{\"a\": 1, \"b\": 2, \"a\": 3, \"c\": {\"x\": 1}, \"a\": 4, \"c\": \"s\"}");
	CHECK(jv_len(v) == 3);
	CHECK(get_int(jv_get(v, "a")) == 4 && get_int(jv_get(v, "b")) == 2);
	CHECK_STR(jv_str(jv_get(v, "c")), "s");
	jv_free(v);

	t_name = "json depth";
	for (int i = 0; i < JV_MAX_DEPTH; i++) {
		deep[i] = '[';
		deep[2 * JV_MAX_DEPTH - 1 - i] = ']';
	}
	v = jv_parse(deep, 2 * JV_MAX_DEPTH, err, sizeof(err));
	CHECK(v != NULL && jv_len(v) == 1);
	jv_free(v);
	memset(deep, '[', JV_MAX_DEPTH + 1);
	memset(deep + JV_MAX_DEPTH + 1, ']', JV_MAX_DEPTH + 1);
	bad_n(deep, sizeof(deep) - 1, "byte 64: nested deeper than 64");
	memset(deep, '[', JV_MAX_DEPTH + 1);
	deep[JV_MAX_DEPTH] = '{';
	bad_n(deep, JV_MAX_DEPTH + 1, "byte 64: nested deeper than 64");
}

static void errors(void)
{
	t_name = "json truncated";
	bad("", "byte 0: unexpected end of input");
	bad(" \n\t", "byte 3: unexpected end of input");
	bad("[1, 2", "byte 5: expected ',' or ']'");
	bad("{\"a\": 1", "byte 7: expected ',' or '}'");
	bad("{\"a\"", "byte 4: expected ':'");
	bad("{\"a\":", "byte 5: unexpected end of input");
	bad("\"abc", "byte 4: unterminated string");
	bad("\"ab\\", "byte 3: invalid escape");
	bad("\"\\u12", "byte 1: expected 4 hex digits after \\u");
	bad("-", "byte 1: expected a digit");
	bad("1.", "byte 2: expected a digit");
	bad("1e+", "byte 3: expected a digit");
	bad("- 1", "byte 1: expected a digit");
	bad("[1 .5]", "byte 3: expected ',' or ']'");
	bad("1 e5", "byte 2: expected the end after the value");
	bad("tru", "byte 0: expected a value");

	t_name = "json bad literal";
	bad("nul", "byte 0: expected a value");
	bad("True", "byte 0: expected a value");
	bad("[nulL]", "byte 1: expected a value");
	bad("[truex]", "byte 5: expected ',' or ']'");
	bad("'a'", "byte 0: expected a value");
	bad("+1", "byte 0: expected a value");
	bad(".5", "byte 0: expected a value");
	bad("NaN", "byte 0: expected a value");
	bad("\v1", "byte 0: expected a value"); /* whitespace is " \t\n\r" only */
	bad("[1\f]", "byte 2: expected ',' or ']'");

	t_name = "json trailing comma";
	bad("[1,]", "byte 3: trailing comma");
	bad("{\"a\": 1 , }", "byte 10: trailing comma");
	bad("[,1]", "byte 1: expected a value");
	bad("{,}", "byte 1: expected a string");
	bad("[1 2]", "byte 3: expected ',' or ']'");
	bad("{1: 2}", "byte 1: expected a string");

	t_name = "json leading zero";
	bad("01", "byte 0: leading zero in a number");
	bad("[-012]", "byte 2: leading zero in a number");
	bad("00", "byte 0: leading zero in a number");

	t_name = "json control characters and NUL in strings";
	bad_n("\"a\0b\"", 5, "byte 2: control character in a string");
	bad("\"a\nb\"", "byte 2: control character in a string");
	bad("\"\t\"", "byte 1: control character in a string");
	bad("\"\x1f\"", "byte 1: control character in a string");
	bad("\"\\u0000\"", "byte 1: \\u0000 in a string");
	bad_n("[1]\0", 4, "byte 3: expected the end after the value");

	t_name = "json invalid escape (errors in a string point at the backslash)";
	bad("\"\\x\"", "byte 1: invalid escape");
	bad("\"\\U0041\"", "byte 1: invalid escape");
	bad("\"\\ u0041\"", "byte 1: invalid escape");
	bad("\"\\u00G1\"", "byte 1: expected 4 hex digits after \\u");
	bad("[\"ok\", \"x\\u00\"]", "byte 9: expected 4 hex digits after \\u");
	bad("{\"k\": \"\\ud83d\\n\"}", "byte 7: high surrogate without a low one");

	t_name = "json lone surrogate";
	bad("\"\\ud800\"", "byte 1: high surrogate without a low one");
	bad("\"\\ud800x\"", "byte 1: high surrogate without a low one");
	bad("\"\\ud800\\u0041\"", "byte 1: high surrogate without a low one");
	bad("\"\\ud800\\ud800\"", "byte 1: high surrogate without a low one");
	bad("\"\\udc00\"", "byte 1: low surrogate without a high one");
	bad("\"\\ude00\\ud83d\"", "byte 1: low surrogate without a high one");

	t_name = "json trailing garbage";
	bad("{} {}", "byte 3: expected the end after the value");
	bad("[1]]", "byte 3: expected the end after the value");
	bad("1 2", "byte 2: expected the end after the value");
	bad("\"a\"x", "byte 3: expected the end after the value");
	bad("[1] // no comments", "byte 4: expected the end after the value");

	t_name = "json err is optional, and cut to its size";
	CHECK(jv_parse("[", 1, NULL, 0) == NULL);
	{
		char small[8];
		CHECK(jv_parse("[", 1, small, sizeof(small)) == NULL);
		CHECK_STR(small, "byte 1:");
	}
}

void test_json(void)
{
	t_name = "json round trip of the writer, pretty";
	round_trip(true);
	t_name = "json round trip of the writer, compact";
	round_trip(false);
	accessors();
	numbers();
	strings();
	containers();
	errors();
}
