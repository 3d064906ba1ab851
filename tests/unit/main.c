#include "t.h"

int t_pass, t_fail;
const char *t_name = "";

int main(void)
{
	test_parse();
	test_cmdline();
	test_plan();
	test_vfid();
	test_fnmatch();
	test_json();
	test_mdev();
	test_rom();
	test_variant();
	printf("unit: %d passed, %d failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}
