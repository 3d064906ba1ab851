/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Config grammar (vfio-early.conf(5)): one rule per line, '#' starts a
 * comment, the first word dispatches:
 *
 *   bind    SELECTOR [strict] [allow-boot-vga] [driver=NAME]
 *   protect SELECTOR
 *   sriov   SELECTOR vfs=N [host | vfio=LIST] [mac=LIST|BASE+] [vlan=ID]
 *           [trust=on|off] [spoofchk=on|off]
 *   option  strict-groups | bind-timeout=MS | vf-timeout=MS
 *   mdev    SELECTOR|parent=NAME type=TYPE [count=N] [uuid=U,...]  (parse_mdev.c)
 *
 * SELECTOR is an address (0000:01:00.0, 01:00.0, slot 01:00) and/or
 * id=VVVV:DDDD [subsystem=VVVV:DDDD]. Everything is parsed before anything
 * is acted on; errors are collected as "FILE:LINE: ...". Pure: no I/O. */
#include "parse.h"
#include "device.h"
#include "parse_kw.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 16

void perr(struct pctx *p, const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	va_list ap;

	sb_printf(&sb, "%s:%u: ", p->c->path, p->line);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	sl_add(&p->c->errors, sb_steal(&sb));
	p->nerr++;
}

void config_init(struct config *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->bind_timeout_ms = BIND_TIMEOUT_DEFAULT_MS;
	c->vf_timeout_ms = VF_TIMEOUT_DEFAULT_MS;
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < c->nmdev; i++)
		free(c->mdev[i].uuids);
	free(c->mdev);
	c->mdev = NULL;
	c->nmdev = c->capmdev = 0;
	free(c->rules);
	free(c->vf_macs);
	sl_free(&c->errors);
	c->vf_macs = NULL;
	c->nvf_macs = c->vf_macs_cap = 0;
	c->rules = NULL;
	c->n = c->cap = 0;
}

bool selector_is_address(const struct selector *s)
{
	return s->kind == SEL_ADDR || s->kind == SEL_SLOT;
}

bool rule_vf_to_vfio(const struct rule *r, unsigned vf)
{
	if (r->vfs_to_host)
		return false;
	if (r->nranges == 0)
		return true;
	for (size_t i = 0; i < r->nranges; i++)
		if (vf >= r->ranges[i].first && vf <= r->ranges[i].last)
			return true;
	return false;
}

/* Decimal, no sign, no leading junk, bounded. */
int parse_uint(const char *s, unsigned max, unsigned *ret)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*ret = (unsigned)v;
	return 0;
}

/* Shows a token safely: a config line may hold anything. */
const char *shown(const char *tok, char buf[static 48])
{
	size_t i, n = 0;
	for (i = 0; tok[i] && n < 40; i++)
		buf[n++] = (tok[i] >= 0x20 && tok[i] < 0x7f) ? tok[i] : '?';
	if (tok[i]) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* KEY=VVVV:DDDD, given once. */
static int parse_id(struct pctx *p, const char *tok, const char *key, const char *what, const char *example, bool *has, uint16_t *v, uint16_t *d)
{
	char b[48];

	if (*has) {
		perr(p, "'%s': %s given twice", shown(tok, b), key);
		return -EINVAL;
	}
	if (pci_id_parse(tok + strlen(key), v, d) < 0) {
		perr(p, "'%s': not a %s; expected %sVVVV:DDDD in hex, e.g. %s", shown(tok, b), what, key, example);
		return -EINVAL;
	}
	*has = true;
	return 1;
}

static bool hex_n(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return false;
	return true;
}

int pci_path_canon(const char *in, char *buf, size_t size)
{
	struct strbuf sb = { 0 };
	const char *p = in;
	unsigned level = 0;
	int r = 0;

	while (*p && r == 0) {
		size_t n = strcspn(p, "/");
		char el[16];
		struct pci_addr a;
		bool whole = false;
		if (n == 0 || n >= sizeof(el) || ++level > 8) {
			r = -EINVAL;
			break;
		}
		memcpy(el, p, n);
		el[n] = '\0';
		if (level == 1) {
			if (pci_addr_parse(el, &a, &whole) < 0)
				r = -EINVAL;
			else if (a.domain)
				sb_printf(&sb, "%04x:%02x:%02x", (unsigned)a.domain, a.bus, a.slot);
			else
				sb_printf(&sb, "%02x:%02x", a.bus, a.slot);
		} else {
			/* DD or DD.F below a bridge */
			uint32_t dev, fn = 0;
			whole = n == 2;
			if ((n != 2 && n != 4) || !hex_n(el, 2) || parse_hex(el, 2, 2, &dev) < 0 || dev > 0x1f ||
			    (n == 4 && (el[2] != '.' || el[3] < '0' || el[3] > '7')))
				r = -EINVAL;
			else {
				fn = n == 4 ? (uint32_t)(el[3] - '0') : 0;
				a.func = (uint8_t)fn;
				sb_printf(&sb, "/%02x", (unsigned)dev);
			}
		}
		if (r == 0 && !whole)
			sb_printf(&sb, ".%x", a.func);
		p += n;
		if (*p == '/') {
			p++;
			if (whole || !*p)
				r = -EINVAL; /* only the last element may name a whole card */
		}
	}
	if (r == 0 && (!sb.len || sb.len >= size))
		r = -EINVAL;
	if (r == 0)
		memcpy(buf, sb.s, sb.len + 1);
	sb_free(&sb);
	return r;
}

/* 16 hex digits, any '-' or ':' between them ignored (lspci prints
 * 00-11-22-ff-ff-33-44-55). */
static int parse_serial(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	unsigned n = 0;

	for (; *s; s++) {
		if (*s == '-' || *s == ':')
			continue;
		if (hexval(*s) < 0 || ++n > 16)
			return -EINVAL;
		v = v << 4 | (unsigned)hexval(*s);
	}
	if (n != 16)
		return -EINVAL;
	*ret = v;
	return 0;
}

bool slot_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= SEL_NAME_MAX || streq(s, ".") || streq(s, ".."))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr("_.+-", *s)))
			return false;
	return true;
}

int selector_parse_location(const char *tok, struct selector *sel, const char **why)
{
	bool slot;

	if (startswith(tok, "slot=")) {
		*why = "expected slot=NAME, the name of a physical slot as in /sys/bus/pci/slots/ (letters, digits, _ . + -)";
		if (!slot_name_ok(tok + 5))
			return -EINVAL;
		sel->kind = SEL_PHYSLOT;
		strcpy(sel->name, tok + 5);
		return 1;
	}
	if (startswith(tok, "path=")) {
		*why = "expected path=[DDDD:]BB:DD.F/DD.F/... from the root bus down, the last element DD.F or DD (the whole card), e.g. path=00:01.1/00";
		if (pci_path_canon(tok + 5, sel->name, sizeof(sel->name)) < 0)
			return -EINVAL;
		sel->kind = SEL_PATH;
		return 1;
	}
	if (startswith(tok, "serial=")) {
		*why = "expected serial= and the PCIe Device Serial Number's 16 hex digits, e.g. serial=00-11-22-ff-ff-33-44-55 (lspci -vv)";
		if (parse_serial(tok + 7, &sel->serial) < 0)
			return -EINVAL;
		sel->kind = SEL_SERIAL;
		return 1;
	}
	if (strchr(tok, '='))
		return 0;
	*why = "not a PCI address; expected DDDD:BB:SS.F, BB:SS.F or a slot BB:SS (hex, slot <= 1f, function 0-7), e.g. 0000:01:00.0";
	if (pci_addr_parse(tok, &sel->addr, &slot) < 0)
		return -EINVAL;
	sel->kind = slot ? SEL_SLOT : SEL_ADDR;
	return 1;
}

static int parse_selector_token(struct pctx *p, const char *tok, struct selector *sel, bool *has_addr)
{
	struct selector loc = { 0 };
	const char *why = "";
	char b[48];
	int r;

	if (startswith(tok, "id="))
		return parse_id(p, tok, "id=", "vendor:device id", "id=10de:2204", &sel->has_id, &sel->vendor, &sel->device);
	if (startswith(tok, "subsystem="))
		return parse_id(p, tok, "subsystem=", "subsystem id", "subsystem=1458:403b", &sel->has_sub, &sel->sub_vendor, &sel->sub_device);
	if (streq(tok, "strict") || streq(tok, "allow-boot-vga") || streq(tok, "host"))
		return 0; /* an option, for the caller */
	if (*has_addr && !strchr(tok, ':') && !startswith(tok, "slot=") && !startswith(tok, "path=") && !startswith(tok, "serial="))
		return 0; /* an option or an unknown word, reported by the caller */
	r = selector_parse_location(tok, &loc, &why);
	if (r == 0)
		return 0; /* KEY=VALUE: an option, for the caller */
	if (*has_addr) {
		perr(p, "'%s': a rule takes one address (or one slot=, path=, serial=); write one rule per device", shown(tok, b));
		return -EINVAL;
	}
	if (r < 0) {
		perr(p, "'%s': %s", shown(tok, b), why);
		return -EINVAL;
	}
	sel->kind = loc.kind;
	sel->addr = loc.addr;
	sel->serial = loc.serial;
	memcpy(sel->name, loc.name, sizeof(sel->name));
	*has_addr = true;
	return 1;
}

/* Consumes selector tokens from tok[1..]; returns the index of the first
 * other token, or -1 on error (already reported). */
int parse_selector(struct pctx *p, char **tok, int ntok, struct selector *sel)
{
	bool has_addr = false;
	int i;

	memset(sel, 0, sizeof(*sel));
	for (i = 1; i < ntok; i++) {
		int r = parse_selector_token(p, tok[i], sel, &has_addr);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
	}
	if (sel->has_sub && !sel->has_id && !has_addr) {
		perr(p, "subsystem= narrows id=; add id=VVVV:DDDD");
		return -1;
	}
	if (!has_addr && !sel->has_id) {
		perr(p, "'%s' needs a device: an address (0000:01:00.0, 01:00.0, slot 01:00), slot=NAME, path=P or serial=S, and/or id=VVVV:DDDD", tok[0]);
		return -1;
	}
	if (!has_addr)
		sel->kind = SEL_ID;
	return i;
}

struct rule *config_add_rule(struct config *c, enum rule_kind kind, unsigned line, const struct selector *sel)
{
	struct rule *r;

	GROW(c->rules, c->cap, c->n);
	r = &c->rules[c->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->line = line;
	r->sel = *sel;
	return r;
}

void config_add_bind(struct config *c, unsigned line, const struct pci_addr *a)
{
	struct selector sel = { .kind = SEL_ADDR, .addr = *a };
	(void)config_add_rule(c, RULE_BIND, line, &sel);
}

bool config_has_sriov(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (cfg->rules[i].kind == RULE_SRIOV)
			return true;
	return false;
}

bool config_address_only(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		const struct rule *r = &cfg->rules[i];
		if (r->kind != RULE_PROTECT && !selector_is_address(&r->sel))
			return false;
	}
	return true;
}

/* driver=NAME: a PCI driver or module name, as the kernel spells them. */
static int parse_driver(struct pctx *p, const char *tok, char *driver)
{
	const char *v = tok + strlen("driver=");
	size_t n = strspn(v, MODULE_NAME_CHARS);
	char b[48];

	if (driver[0]) {
		perr(p, "'%s': driver= given twice", shown(tok, b));
		return -EINVAL;
	}
	if (!*v || v[n] || n >= RULE_DRIVER_MAX) {
		perr(p,
		     "'%s': expected driver=NAME, a driver or module name (letters, digits, '_', '-'; at most %d), e.g. driver=vfio-pci or driver=mlx5_vfio_pci",
		     shown(tok, b), RULE_DRIVER_MAX - 1);
		return -EINVAL;
	}
	memcpy(driver, v, n + 1);
	return 0;
}

static void parse_bind(struct pctx *p, char **tok, int ntok)
{
	struct selector sel;
	bool strict = false, allow_vga = false;
	char b[48], driver[RULE_DRIVER_MAX] = "";
	int i = parse_selector(p, tok, ntok, &sel);

	if (i < 0)
		return;
	for (; i < ntok; i++) {
		if (streq(tok[i], "strict"))
			strict = true;
		else if (streq(tok[i], "allow-boot-vga"))
			allow_vga = true;
		else if (startswith(tok[i], "driver=")) {
			if (parse_driver(p, tok[i], driver) < 0)
				return;
		} else {
			perr(p, "'%s': unknown bind option; accepted: an address, id=VVVV:DDDD, subsystem=VVVV:DDDD, strict, allow-boot-vga, driver=NAME",
			     shown(tok[i], b));
			return;
		}
	}
	struct rule *r = config_add_rule(p->c, RULE_BIND, p->line, &sel);
	r->strict = strict;
	r->allow_boot_vga = allow_vga;
	memcpy(r->driver, driver, sizeof(r->driver));
}

static void parse_protect(struct pctx *p, char **tok, int ntok)
{
	struct selector sel;
	char b[48];
	int i = parse_selector(p, tok, ntok, &sel);

	if (i < 0)
		return;
	if (i < ntok) {
		perr(p, "'%s': protect takes only a device: an address and/or id=VVVV:DDDD [subsystem=VVVV:DDDD]", shown(tok[i], b));
		return;
	}
	(void)config_add_rule(p->c, RULE_PROTECT, p->line, &sel);
}

static int parse_vf_list(struct pctx *p, const char *list, struct rule *r)
{
	char buf[256], b[48];
	char *save = NULL, *item;

	if (strlen(list) >= sizeof(buf) || !*list) {
		perr(p, "'vfio=%s': expected a list of VF indexes such as vfio=0-3,6", shown(list, b));
		return -1;
	}
	strcpy(buf, list);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(item, '-');
		unsigned first, last;
		if (dash)
			*dash = '\0';
		if (parse_uint(item, SRIOV_VFS_MAX - 1, &first) < 0 || (dash && parse_uint(dash + 1, SRIOV_VFS_MAX - 1, &last) < 0)) {
			perr(p, "'vfio=%s': expected VF indexes (0-%u) such as vfio=0-3,6", shown(list, b), SRIOV_VFS_MAX - 1);
			return -1;
		}
		if (!dash)
			last = first;
		if (last < first) {
			perr(p, "'vfio=%s': range %u-%u runs backwards", shown(list, b), first, last);
			return -1;
		}
		if (r->nranges == VF_RANGES_MAX) {
			perr(p, "'vfio=%s': at most %d ranges", shown(list, b), VF_RANGES_MAX);
			return -1;
		}
		r->ranges[r->nranges].first = first;
		r->ranges[r->nranges].last = last;
		r->nranges++;
	}
	return 0;
}

static void parse_sriov(struct pctx *p, char **tok, int ntok)
{
	struct selector sel;
	struct rule tmp = { 0 };
	bool have_vfs = false;
	const char *vfio = NULL;
	char b[48], why[320];
	int i = parse_selector(p, tok, ntok, &sel), rc;

	if (i < 0)
		return;
	if (sel.kind == SEL_SLOT) {
		perr(p, "sriov needs a PF function address (e.g. 0000:02:00.0), not a slot");
		return;
	}
	for (; i < ntok; i++) {
		if (startswith(tok[i], "vfs=")) {
			int r = parse_uint(tok[i] + 4, SRIOV_VFS_MAX, &tmp.numvfs);
			if (r < 0) {
				perr(p, "'%s': expected vfs=N, a VF count from 1 to %u", shown(tok[i], b), SRIOV_VFS_MAX);
				return;
			}
			have_vfs = true;
		} else if (streq(tok[i], "host")) {
			tmp.vfs_to_host = true;
		} else if (startswith(tok[i], "vfio=")) {
			vfio = tok[i] + 5;
		} else if ((rc = vfid_parse_option(p->c, &tmp.vfid, tok[i], why, sizeof(why))) != 0) {
			if (rc < 0) {
				perr(p, "%s", why);
				return;
			}
		} else {
			perr(p,
			     "'%s': unknown sriov option; accepted: vfs=N, host, vfio=LIST (e.g. vfio=0-1,3), mac=LIST|BASE+, vlan=ID, trust=on|off, spoofchk=on|off",
			     shown(tok[i], b));
			return;
		}
	}
	if (!have_vfs || tmp.numvfs == 0) {
		perr(p, "sriov needs vfs=N with N >= 1 (to remove VFs, delete the rule)");
		return;
	}
	if (tmp.vfs_to_host && vfio) {
		perr(p, "'host' and 'vfio=' contradict each other; use one");
		return;
	}
	if (vfio && parse_vf_list(p, vfio, &tmp) < 0)
		return;
	for (size_t k = 0; k < tmp.nranges; k++)
		if (tmp.ranges[k].last >= tmp.numvfs) {
			perr(p, "'vfio=%s': VF %u does not exist with vfs=%u (indexes run from 0 to %u)", shown(vfio ? vfio : "", b), tmp.ranges[k].last,
			     tmp.numvfs, tmp.numvfs - 1);
			return;
		}
	if (vfid_check_rule(&tmp.vfid, tmp.numvfs, why, sizeof(why)) < 0) {
		perr(p, "%s", why);
		return;
	}
	struct rule *r = config_add_rule(p->c, RULE_SRIOV, p->line, &sel);
	r->numvfs = tmp.numvfs;
	r->vfs_to_host = tmp.vfs_to_host;
	r->nranges = tmp.nranges;
	memcpy(r->ranges, tmp.ranges, sizeof(r->ranges));
	r->vfid = tmp.vfid;
}

static void parse_option(struct pctx *p, char **tok, int ntok)
{
	char b[48];

	if (ntok < 2) {
		perr(p, "'option' needs a name: strict-groups, bind-timeout=MS, vf-timeout=MS");
		return;
	}
	for (int i = 1; i < ntok; i++) {
		unsigned *dst = NULL;
		const char *val = NULL;
		if (streq(tok[i], "strict-groups")) {
			p->c->strict_groups = true;
			continue;
		}
		if (startswith(tok[i], "bind-timeout=")) {
			dst = &p->c->bind_timeout_ms;
			val = tok[i] + 13;
		} else if (startswith(tok[i], "vf-timeout=")) {
			dst = &p->c->vf_timeout_ms;
			val = tok[i] + 11;
		}
		if (!dst) {
			perr(p, "'%s': unknown option; accepted: strict-groups, bind-timeout=MS, vf-timeout=MS", shown(tok[i], b));
			return;
		}
		if (parse_uint(val, 30000, dst) < 0) {
			perr(p, "'%s': expected milliseconds from 0 to 30000", shown(tok[i], b));
			return;
		}
	}
}

static void parse_line(struct pctx *p, char *s)
{
	char *tok[MAX_TOKENS + 1];
	char *hash = strchr(s, '#');
	int ntok = 0;
	char b[48];

	if (hash)
		*hash = '\0';
	for (char *save = NULL, *t = strtok_r(s, " \t\r\v\f", &save); t; t = strtok_r(NULL, " \t\r\v\f", &save)) {
		if (ntok == MAX_TOKENS) {
			perr(p, "too many words (more than %d); write one rule per line", MAX_TOKENS);
			return;
		}
		tok[ntok++] = t;
	}
	if (ntok == 0)
		return;
	if (streq(tok[0], "bind"))
		parse_bind(p, tok, ntok);
	else if (streq(tok[0], "protect"))
		parse_protect(p, tok, ntok);
	else if (streq(tok[0], "sriov"))
		parse_sriov(p, tok, ntok);
	else if (streq(tok[0], "option"))
		parse_option(p, tok, ntok);
	else if (streq(tok[0], "mdev"))
		parse_mdev(p, tok, ntok);
	else
		perr(p, "'%s': unknown keyword; expected bind, protect, sriov, mdev or option", shown(tok[0], b));
}

size_t config_parse(struct config *c, const char *text, size_t len)
{
	struct pctx p = { .c = c };
	char *line = xmalloc(CONFIG_LINE_MAX + 1);
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		p.line++;
		if (memchr(text + pos, '\0', n)) {
			perr(&p, "contains a NUL byte; the config is a text file");
		} else if (n > CONFIG_LINE_MAX) {
			perr(&p, "line is %zu bytes long; at most %d are accepted", n, CONFIG_LINE_MAX);
		} else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			parse_line(&p, line);
		}
		pos += n + (nl ? 1 : 0);
		if (p.nerr >= 100) {
			perr(&p, "too many errors; stopping");
			break;
		}
	}
	if (p.nerr < 100)
		p.nerr += vfid_check_config(c, 100 - p.nerr);
	free(line);
	return p.nerr;
}
