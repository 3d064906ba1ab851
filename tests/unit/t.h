/* Tiny test harness: one process, every case counted, a closing line
 * "N passed, N failed". */
#pragma once
#include <stdio.h>
#include <string.h>

extern int t_pass, t_fail;
extern const char *t_name;

#define CHECK(cond)                                                                                  \
	do {                                                                                         \
		if (cond)                                                                            \
			t_pass++;                                                                    \
		else {                                                                               \
			t_fail++;                                                                    \
			fprintf(stderr, "FAIL %s:%d [%s]: %s\n", __FILE__, __LINE__, t_name, #cond); \
		}                                                                                    \
	} while (0)

#define CHECK_STR(a, b)                                                                                                                         \
	do {                                                                                                                                    \
		const char *a_ = (a), *b_ = (b);                                                                                                \
		if (a_ && b_ && strcmp(a_, b_) == 0)                                                                                            \
			t_pass++;                                                                                                               \
		else {                                                                                                                          \
			t_fail++;                                                                                                               \
			fprintf(stderr, "FAIL %s:%d [%s]: '%s' != '%s'\n", __FILE__, __LINE__, t_name, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		}                                                                                                                               \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                                                                                           \
	do {                                                                                                                                  \
		const char *h_ = (hay), *n_ = (needle);                                                                                       \
		if (h_ && strstr(h_, n_))                                                                                                     \
			t_pass++;                                                                                                             \
		else {                                                                                                                        \
			t_fail++;                                                                                                             \
			fprintf(stderr, "FAIL %s:%d [%s]: '%s' does not contain '%s'\n", __FILE__, __LINE__, t_name, h_ ? h_ : "(null)", n_); \
		}                                                                                                                             \
	} while (0)

void test_parse(void);
void test_plan(void);
void test_vfid(void);
void test_cmdline(void);
void test_fnmatch(void);
void test_json(void);
void test_mdev(void);
void test_rom(void);
void test_variant(void);
