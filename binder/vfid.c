/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VF identity from the config to the plan. A MAC given twice would put two
 * VFs (often in two VMs) on one address: the config is refused for it,
 * wherever the two are written. */
#include "vfid.h"
#include "json.h"
#include "plan_sriov.h"
#include "rtnl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAC_LOW_MASK 0xffffffu /* the NIC-specific half; the OUI is above */

int mac_parse(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		v = v << 8 | (unsigned)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	*ret = v;
	return 0;
}

void mac_fmt(uint64_t mac, char buf[static MAC_STR_MAX])
{
	(void)snprintf(buf, MAC_STR_MAX, "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(mac >> 40) & 0xff, (unsigned)(mac >> 32) & 0xff,
		       (unsigned)(mac >> 24) & 0xff, (unsigned)(mac >> 16) & 0xff, (unsigned)(mac >> 8) & 0xff, (unsigned)mac & 0xff);
}

bool mac_is_multicast(uint64_t mac)
{
	return (mac >> 40) & 1;
}

/* A config word is arbitrary bytes: shown with non-printables as '?'. */
static const char *safe(const char *s, size_t n, char buf[static 48])
{
	size_t i;
	for (i = 0; i < n && s[i] && i < 40; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (i < n && s[i]) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

#define MAC_FORMS "mac=02:00:00:00:00:01,02:00:00:00:00:02 (one per VF, from VF 0) or mac=02:00:00:00:00:10+ (that MAC for VF 0, the next for VF 1, ...)"

/* One MAC of mac=: well-formed, unicast, not zero. */
static int one_mac(const char *s, size_t n, uint64_t *ret, char *why, size_t size)
{
	char item[24], b[48];

	if (n >= sizeof(item) || (memcpy(item, s, n), item[n] = '\0', mac_parse(item, ret) < 0)) {
		(void)snprintf(why, size, "'%s' in mac= is not a MAC address; expected six hex pairs separated by ':', e.g. " MAC_FORMS, safe(s, n, b));
		return -EINVAL;
	}
	if (*ret == 0) {
		(void)snprintf(why, size, "%s in mac= is the zero MAC, not an address (to let the driver choose, leave the VF out of mac=)", item);
		return -EINVAL;
	}
	if (mac_is_multicast(*ret)) {
		(void)snprintf(why, size,
			       "%s in mac= is a multicast address (bit 0 of the first byte set); a VF needs a unicast one, e.g. 02:... (locally administered)",
			       item);
		return -EINVAL;
	}
	return 0;
}

static int parse_macs(struct config *c, struct vfid_rule *id, const char *v, char *why, size_t size)
{
	size_t n = strlen(v);
	uint64_t m;

	if (id->nmacs || id->mac_seq) {
		(void)snprintf(why, size, "mac= given twice; give every MAC in one mac= list");
		return -EINVAL;
	}
	if (n == 0) {
		(void)snprintf(why, size, "mac= needs a value: " MAC_FORMS);
		return -EINVAL;
	}
	if (v[n - 1] == '+') {
		if (one_mac(v, n - 1, &m, why, size) < 0)
			return -EINVAL;
		id->mac_seq = true;
		id->mac_base = m;
		return 1;
	}
	id->mac_first = c->nvf_macs;
	for (const char *p = v;; p++) {
		size_t len = strcspn(p, ",");
		if (one_mac(p, len, &m, why, size) < 0)
			return -EINVAL;
		GROW(c->vf_macs, c->vf_macs_cap, c->nvf_macs);
		c->vf_macs[c->nvf_macs++] = m;
		id->nmacs++;
		p += len;
		if (!*p)
			break;
	}
	return 1;
}

static int parse_onoff(const char *tok, const char *key, enum onoff *ret, char *why, size_t size)
{
	const char *v = tok + strlen(key);
	char b[48];

	if (*ret != ONOFF_UNSET) {
		(void)snprintf(why, size, "%s given twice", key);
		return -EINVAL;
	}
	if (streq(v, "on"))
		*ret = ONOFF_ON;
	else if (streq(v, "off"))
		*ret = ONOFF_OFF;
	else {
		(void)snprintf(why, size, "'%s': expected %son or %soff", safe(tok, strlen(tok), b), key, key);
		return -EINVAL;
	}
	return 1;
}

static int parse_vlan(const char *v, struct vfid_rule *id, char *why, size_t size)
{
	unsigned long n = 0;
	const char *s = v;

	if (id->has_vlan) {
		(void)snprintf(why, size, "vlan= given twice");
		return -EINVAL;
	}
	for (; *s >= '0' && *s <= '9' && n <= VLAN_ID_MAX; s++)
		n = n * 10 + (unsigned long)(*s - '0');
	if (s == v || *s || n > VLAN_ID_MAX) {
		char b[48];
		(void)snprintf(why, size, "'vlan=%s': expected a VLAN id from 0 to %d (0: no VLAN tag)", safe(v, strlen(v), b), VLAN_ID_MAX);
		return -EINVAL;
	}
	id->has_vlan = true;
	id->vlan = (uint16_t)n;
	return 1;
}

int vfid_parse_option(struct config *c, struct vfid_rule *id, const char *tok, char *why, size_t size)
{
	if (startswith(tok, "mac="))
		return parse_macs(c, id, tok + 4, why, size);
	if (startswith(tok, "vlan="))
		return parse_vlan(tok + 5, id, why, size);
	if (startswith(tok, "trust="))
		return parse_onoff(tok, "trust=", &id->trust, why, size);
	if (startswith(tok, "spoofchk="))
		return parse_onoff(tok, "spoofchk=", &id->spoofchk, why, size);
	return 0;
}

int vfid_check_rule(const struct vfid_rule *id, unsigned numvfs, char *why, size_t size)
{
	char a[MAC_STR_MAX], b[MAC_STR_MAX];

	if (id->nmacs > numvfs) {
		(void)snprintf(why, size, "mac= lists %zu MACs for vfs=%u: more MACs than VFs", id->nmacs, numvfs);
		return -EINVAL;
	}
	if (id->mac_seq && numvfs && (id->mac_base & MAC_LOW_MASK) + (numvfs - 1) > MAC_LOW_MASK) {
		mac_fmt(id->mac_base, a);
		mac_fmt((id->mac_base & ~(uint64_t)MAC_LOW_MASK) | MAC_LOW_MASK, b);
		(void)snprintf(why, size, "mac=%s+ with vfs=%u runs past %s: counting up would change the first three bytes (the OUI); start lower", a, numvfs,
			       b);
		return -EINVAL;
	}
	return 0;
}

bool vfid_rule_wanted(const struct vfid_rule *id)
{
	return id->nmacs || id->mac_seq || id->has_vlan || id->trust != ONOFF_UNSET || id->spoofchk != ONOFF_UNSET;
}

bool vfid_rule_mac(const struct config *c, const struct vfid_rule *id, unsigned k, uint64_t *ret)
{
	if (id->mac_seq) {
		*ret = id->mac_base + k;
		return true;
	}
	if (k >= id->nmacs || id->mac_first + k >= c->nvf_macs)
		return false;
	*ret = c->vf_macs[id->mac_first + k];
	return true;
}

/* A run of MACs one rule gives: [first, last], from VF index vf0. */
struct mac_span {
	uint64_t first, last;
	unsigned line;
	size_t rule;
	unsigned vf0;
};

static int span_cmp(const void *a, const void *b)
{
	const struct mac_span *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->vf0 < y->vf0 ? -1 : x->vf0 > y->vf0;
}

/* Sorted by first MAC, each span overlaps an earlier one exactly when it
 * starts at or before the highest end seen so far. */
size_t vfid_check_config(struct config *c, size_t max)
{
	struct mac_span *s = NULL, *hi = NULL;
	size_t n = 0, cap = 0, nerr = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct rule *r = &c->rules[i];
		const struct vfid_rule *id = &r->vfid;
		if (r->kind != RULE_SRIOV || (!id->mac_seq && !id->nmacs))
			continue;
		for (unsigned k = 0; k < (id->mac_seq ? 1 : id->nmacs); k++) {
			GROW(s, cap, n);
			s[n].first = id->mac_seq ? id->mac_base : c->vf_macs[id->mac_first + k];
			s[n].last = s[n].first + (id->mac_seq ? r->numvfs - 1 : 0);
			s[n].line = r->line;
			s[n].rule = i;
			s[n].vf0 = k;
			n++;
		}
	}
	if (n)
		qsort(s, n, sizeof(*s), span_cmp);
	for (size_t i = 0; i < n && nerr < max; i++) {
		if (hi && s[i].first <= hi->last) {
			/* report at the later of the two lines, about the first MAC both give */
			const struct mac_span *late = s[i].line >= hi->line ? &s[i] : hi, *early = late == hi ? &s[i] : hi;
			uint64_t m = s[i].first;
			unsigned long long vl = late->vf0 + (m - late->first), ve = early->vf0 + (m - early->first);
			char a[MAC_STR_MAX];
			mac_fmt(m, a);
			if (late->rule == early->rule)
				sl_addf(&c->errors, "%s:%u: mac=: %s is given twice (VF %llu and VF %llu); every VF needs its own MAC", c->path, late->line, a,
					ve, vl);
			else
				sl_addf(&c->errors, "%s:%u: mac=: %s (VF %llu here) is VF %llu's MAC at %s:%u already; every VF needs its own MAC", c->path,
					late->line, a, vl, ve, c->path, early->line);
			nerr++;
		}
		if (!hi || s[i].last > hi->last)
			hi = &s[i];
	}
	free(s);
	return nerr;
}

bool vf_ident_any(const struct vf_ident *w)
{
	return w->has_mac || w->has_vlan || w->trust != ONOFF_UNSET || w->spoofchk != ONOFF_UNSET;
}

static size_t rule_pfs(const struct sriov_plan *sp, size_t rule)
{
	size_t n = 0;
	for (size_t i = 0; i < sp->n; i++)
		n += sp->v[i].rule == rule && !sp->v[i].refused;
	return n;
}

static void refuse(struct sriov_pf *x, const struct pci_dev *pf, struct findings *f, const char *remedy, const char *why)
{
	x->id.refused = true;
	(void)snprintf(x->id.reason, sizeof(x->id.reason), "%s", why);
	findings_add(f, SEV_ERROR, "vf-identity-refused", pf->name, remedy, "%s", why);
}

void vfid_plan(const struct config *cfg, const struct devtab *t, struct sriov_plan *sp, struct findings *f)
{
	char why[256];

	for (size_t i = 0; i < sp->n; i++) {
		struct sriov_pf *x = &sp->v[i];
		const struct rule *r = &cfg->rules[x->rule];
		const struct pci_dev *pf = &t->v[x->pf];
		size_t npf;
		if (x->refused || !vfid_rule_wanted(&r->vfid))
			continue;
		x->id.wanted = true;
		for (unsigned k = 0; k < x->nvfs; k++) {
			struct vf_ident *w = &x->vfs[k].id.want;
			w->has_mac = vfid_rule_mac(cfg, &r->vfid, k, &w->mac);
			w->has_vlan = r->vfid.has_vlan;
			w->vlan = r->vfid.vlan;
			w->trust = r->vfid.trust;
			w->spoofchk = r->vfid.spoofchk;
		}
		npf = rule_pfs(sp, x->rule);
		if ((r->vfid.nmacs || r->vfid.mac_seq) && npf > 1) {
			(void)snprintf(why, sizeof(why),
				       "%s:%u gives MACs but matches %zu SR-IOV PFs: each would give its VFs the same MACs; no VF identity is set", cfg->path,
				       r->line, npf);
			refuse(x, pf, f, "write one sriov rule per PF, by address, each with its own MACs", why);
		} else if ((pf->class >> 16) != 0x02) {
			(void)snprintf(why, sizeof(why),
				       "%s is %s (class %06x), not a network controller: it has no netdev to set VF MAC, VLAN, trust or spoofchk on", pf->name,
				       pci_class_noun(pf->class), pf->class);
			refuse(x, pf, f, "remove mac=, vlan=, trust= and spoofchk= from the rule", why);
		} else if (x->pf_to_vfio) {
			(void)snprintf(why, sizeof(why), "%s goes to vfio-pci: a PF on vfio-pci has no netdev to set VF MAC, VLAN, trust or spoofchk on",
				       pf->name);
			refuse(x, pf, f, "leave the PF on its network driver (do not bind it), or remove mac=, vlan=, trust= and spoofchk=", why);
		}
	}
}

bool vfid_matches(const struct vf_ident *want, const struct vf_live *now, char *why, size_t size)
{
	struct strbuf sb = { 0 };
	char a[MAC_STR_MAX], b[MAC_STR_MAX];
	bool ok;

	if (!now->present) {
		(void)snprintf(why, size, "the PF reports no such VF");
		return false;
	}
	if (want->has_mac && now->has_mac && now->mac != want->mac) {
		mac_fmt(now->mac, a);
		mac_fmt(want->mac, b);
		sb_printf(&sb, "%smac is %s, not %s", sb.len ? "; " : "", a, b);
	}
	if (want->has_vlan && now->has_vlan && now->vlan != want->vlan)
		sb_printf(&sb, "%svlan is %u, not %u", sb.len ? "; " : "", now->vlan, want->vlan);
	if (want->trust != ONOFF_UNSET && now->trust >= 0 && now->trust != (want->trust == ONOFF_ON))
		sb_printf(&sb, "%strust is %s", sb.len ? "; " : "", now->trust ? "on" : "off");
	if (want->spoofchk != ONOFF_UNSET && now->spoofchk >= 0 && now->spoofchk != (want->spoofchk == ONOFF_ON))
		sb_printf(&sb, "%sspoofchk is %s", sb.len ? "; " : "", now->spoofchk ? "on" : "off");
	ok = sb.len == 0;
	if (!ok)
		(void)snprintf(why, size, "%s", sb.s);
	sb_free(&sb);
	return ok;
}

static void field(struct strbuf *sb, size_t n0, const char *key, const char *val)
{
	sb_printf(sb, "%s%s %s", sb->len > n0 ? ", " : "", key, val);
}

void vf_ident_text(const struct vf_ident *w, struct strbuf *sb)
{
	char a[MAC_STR_MAX], v[16];
	size_t n0 = sb->len;

	if (w->has_mac) {
		mac_fmt(w->mac, a);
		field(sb, n0, "mac", a);
	}
	if (w->has_vlan) {
		(void)snprintf(v, sizeof(v), "%u", w->vlan);
		field(sb, n0, "vlan", v);
	}
	if (w->trust != ONOFF_UNSET)
		field(sb, n0, "trust", w->trust == ONOFF_ON ? "on" : "off");
	if (w->spoofchk != ONOFF_UNSET)
		field(sb, n0, "spoofchk", w->spoofchk == ONOFF_ON ? "on" : "off");
}

void vf_live_text(const struct vf_ident *want, const struct vf_live *now, struct strbuf *sb)
{
	char a[MAC_STR_MAX], v[16];
	size_t n0 = sb->len;

	if (!now->present) {
		sb_puts(sb, "no such VF");
		return;
	}
	if (want->has_mac) {
		if (now->has_mac)
			mac_fmt(now->mac, a);
		field(sb, n0, "mac", now->has_mac ? a : "?");
	}
	if (want->has_vlan) {
		(void)snprintf(v, sizeof(v), "%u", now->vlan);
		field(sb, n0, "vlan", now->has_vlan ? v : "?");
	}
	if (want->trust != ONOFF_UNSET)
		field(sb, n0, "trust", now->trust < 0 ? "?" : now->trust ? "on" : "off");
	if (want->spoofchk != ONOFF_UNSET)
		field(sb, n0, "spoofchk", now->spoofchk < 0 ? "?" : now->spoofchk ? "on" : "off");
}

const char *vfid_result_name(enum vfid_result r)
{
	static const char *const n[] = { "not-tried", "set", "failed" };
	return n[r];
}

static void json_onoff(struct json *j, const char *key, enum onoff v)
{
	if (v == ONOFF_UNSET)
		json_null(j, key);
	else
		json_bool(j, key, v == ONOFF_ON);
}

void vfid_json_vf(struct json *j, const struct vfid_vf *v, bool applied)
{
	char a[MAC_STR_MAX];

	if (v->want.has_mac)
		mac_fmt(v->want.mac, a);
	json_str(j, "mac", v->want.has_mac ? a : NULL);
	if (v->want.has_vlan)
		json_int(j, "vlan", v->want.vlan);
	else
		json_null(j, "vlan");
	json_onoff(j, "trust", v->want.trust);
	json_onoff(j, "spoofchk", v->want.spoofchk);
	if (!applied)
		return;
	json_str(j, "identity_result", vf_ident_any(&v->want) ? vfid_result_name(v->res) : NULL);
	json_str(j, "identity_error", v->error[0] ? v->error : NULL);
}

void vfid_json_pf(struct json *j, const struct vfid_pf *p)
{
	json_str(j, "netdev", p->netdev[0] ? p->netdev : NULL);
	json_bool(j, "vf_identity", p->wanted);
	json_str(j, "vf_identity_refused", p->refused ? p->reason : NULL);
}

size_t vfid_nfailed(const struct sriov_plan *sp)
{
	size_t n = 0;
	for (size_t i = 0; i < sp->n; i++)
		for (size_t k = 0; k < sp->v[i].nvfs; k++)
			n += sp->v[i].vfs[k].id.res == VFID_FAILED;
	return n;
}

void vfid_pf_text(const struct vfid_pf *p, struct strbuf *sb)
{
	if (p->refused)
		sb_printf(sb, "  VF identity: REFUSE: %s\n", p->reason);
	else if (p->wanted)
		sb_printf(sb, "  VF identity: set through rtnetlink on %s once the VFs exist, before any driver binds them\n",
			  p->netdev[0] ? p->netdev : "the PF's netdev");
}
