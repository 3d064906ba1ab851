/* binder/fnmatch.c against the C library's fnmatch, on the shapes module
 * aliases take and on random strings. */
#include "t.h"

#include <fnmatch.h>
#include <stdlib.h>

int ve_fnmatch(const char *pat, const char *str, int flags);

void test_fnmatch(void)
{
	static const char *const pats[] = {
		"pci:v000010DEd*sv*sd*bc03sc*i*",
		"pci:v*d*sv*sd*bc0Csc03i30*",
		"usb:v*p*d*dc*dsc*dp*ic02isc0[26]ip*",
		"acpi*:PNP0C0A:*",
		"of:N*T*Cqcom,foo",
		"*",
		"",
		"?",
		"a?c",
		"[abc]",
		"[!abc]",
		"[^abc]",
		"[a-f]x",
		"[]]",
		"[!]]",
		"[",
		"a[",
		"\\*",
		"a\\",
		"*a*b*c*",
		"[[:digit:]]*",
		"[[:alpha:][:digit:]]",
		"x[[:xdigit:]]y",
		"[a-]",
		"[-a]",
		"*.ko",
		"vfio?pci",
		"vfio[-_]pci",
	};
	static const char *const strs[] = {
		"pci:v000010DEd00002204sv00001458sd0000403Bbc03sc00i00",
		"pci:v00008086d0000A36Dsv00008086sd00007270bc0Csc03i30",
		"usb:v1D6Bp0002d0601dc09dsc00dp01ic02isc06ip00in00",
		"acpi:PNP0C0A:",
		"of:NfooTbarCqcom,foo",
		"",
		"a",
		"abc",
		"b",
		"]",
		"[",
		"a[",
		"*",
		"a\\",
		"xaybzc",
		"9lives",
		"x7y",
		"-",
		"vfio-pci",
		"vfio_pci",
		"nvme.ko",
	};
	t_name = "fnmatch vs libc";
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		for (size_t j = 0; j < sizeof(strs) / sizeof(strs[0]); j++) {
			int a = fnmatch(pats[i], strs[j], 0) == 0, b = ve_fnmatch(pats[i], strs[j], 0) == 0;
			if (a != b)
				fprintf(stderr, "fnmatch('%s', '%s'): libc %d, ours %d\n", pats[i], strs[j], a, b);
			CHECK(a == b);
		}
	/* random patterns over a small alphabet: many star/bracket shapes */
	srand(1);
	static const char alpha[] = "ab*?[]!-\\";
	for (int n = 0; n < 20000; n++) {
		char p[12], s[10];
		int lp = rand() % 11, ls = rand() % 9;
		for (int k = 0; k < lp; k++)
			p[k] = alpha[rand() % (sizeof(alpha) - 1)];
		p[lp] = '\0';
		for (int k = 0; k < ls; k++)
			s[k] = "ab-]!"[rand() % 5];
		s[ls] = '\0';
		int a = fnmatch(p, s, 0) == 0, b = ve_fnmatch(p, s, 0) == 0;
		if (a != b) {
			fprintf(stderr, "fnmatch('%s', '%s'): libc %d, ours %d\n", p, s, a, b);
			CHECK(a == b);
		}
	}
	CHECK(1);
}
