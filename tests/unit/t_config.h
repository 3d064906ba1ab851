/* The config the parser tests share: t_parse() parses text as
 * "test.conf" into t_cfg (freeing the one before); t_expect_error() checks
 * that text is refused with exactly one error containing needle;
 * t_expect_line_error() also that no rule was kept (an error within one
 * line, not one found across lines). */
#pragma once
#include "parse.h"

extern struct config t_cfg;
size_t t_parse(const char *text);
void t_expect_error(const char *text, const char *needle);
void t_expect_line_error(const char *text, const char *needle);
void t_config_free(void);
