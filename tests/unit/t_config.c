#include "t_config.h"
#include "t.h"

struct config t_cfg;

size_t t_parse(const char *text)
{
	config_free(&t_cfg);
	config_init(&t_cfg, "test.conf");
	return config_parse(&t_cfg, text, strlen(text));
}

void t_expect_error(const char *text, const char *needle)
{
	t_name = text;
	CHECK(t_parse(text) == 1);
	CHECK(t_cfg.errors.n == 1);
	if (t_cfg.errors.n)
		CHECK_CONTAINS(t_cfg.errors.v[0], needle);
}

void t_expect_line_error(const char *text, const char *needle)
{
	t_expect_error(text, needle);
	CHECK(t_cfg.n == 0 && t_cfg.nmdev == 0);
}

void t_config_free(void)
{
	config_free(&t_cfg);
}
