/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Netlink in host byte order: a 16-byte header (len, type, flags, seq,
 * pid), the payload, attributes as (u16 len, u16 type, data) padded to 4
 * bytes (Documentation/userspace-api/netlink/intro.rst). One attribute per
 * RTM_SETLINK: the kernel's do_setvfinfo() stops at the first attribute a
 * driver refuses, and one per message tells which one it was. */
#include "rtnl.h"

#include <errno.h>
#include <string.h>

#define ALIGN4(n) (((n) + 3u) & ~3u)
#define NLA_TYPE_MASK 0x3fff /* without NLA_F_NESTED, NLA_F_NET_BYTEORDER */
#define AF_UNSPEC_ 0

struct nlbuf {
	uint8_t *p;
	size_t size, len;
	bool full;
};

static void put(struct nlbuf *b, const void *data, size_t n)
{
	size_t pad = ALIGN4(n) - n;
	if (b->full || b->len + n + pad > b->size) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->len, data, n);
	memset(b->p + b->len + n, 0, pad);
	b->len += n + pad;
}

static void put_u16_at(struct nlbuf *b, size_t off, uint16_t v)
{
	if (!b->full)
		memcpy(b->p + off, &v, 2);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint16_t get_u16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

/* Opens an attribute; close it with attr_end() to write its length. */
static size_t attr_begin(struct nlbuf *b, uint16_t type)
{
	uint8_t h[4];
	size_t off = b->len;
	memset(h, 0, 2);
	memcpy(h + 2, &type, 2);
	put(b, h, 4);
	return off;
}

static void attr_end(struct nlbuf *b, size_t off)
{
	put_u16_at(b, off, (uint16_t)(b->len - off));
}

static void attr(struct nlbuf *b, uint16_t type, const void *data, size_t n)
{
	size_t off = attr_begin(b, type);
	put(b, data, n);
	/* the length excludes the padding */
	put_u16_at(b, off, (uint16_t)(4 + n));
}

static void header(struct nlbuf *b, uint16_t type, uint16_t flags, uint32_t seq, int ifindex)
{
	uint8_t h[RTNL_HDRLEN + RTNL_IFINFOLEN] = { 0 };
	int32_t idx = ifindex;
	memcpy(h + 4, &type, 2);
	memcpy(h + 6, &flags, 2);
	put_u32(h + 8, seq);
	/* ifinfomsg: family (u8), pad, type (u16), index (s32), flags, change */
	h[RTNL_HDRLEN] = AF_UNSPEC_;
	memcpy(h + RTNL_HDRLEN + 4, &idx, 4);
	put(b, h, sizeof(h));
}

static int finish(struct nlbuf *b)
{
	if (b->full)
		return -ENOSPC;
	put_u32(b->p, (uint32_t)b->len);
	return (int)b->len;
}

const char *vf_attr_name(enum vf_attr a)
{
	static const char *const n[] = { "mac", "vlan", "spoofchk", "trust" };
	return n[a];
}

int rtnl_build_setvf(void *buf, size_t size, uint32_t seq, int ifindex, uint32_t vf, enum vf_attr a, uint64_t mac, uint16_t vlan, bool on)
{
	struct nlbuf b = { buf, size, 0, false };
	uint8_t v[RTNL_VF_MAC_LEN] = { 0 };
	size_t list, info, n = RTNL_VF_SETTING_LEN;
	uint16_t type = RTNL_IFLA_VF_SPOOFCHK;

	header(&b, RTNL_RTM_SETLINK, RTNL_NLM_F_REQUEST | RTNL_NLM_F_ACK, seq, ifindex);
	put_u32(v, vf);
	switch (a) {
	case VFA_MAC:
		for (int i = 0; i < 6; i++)
			v[4 + i] = (uint8_t)(mac >> (40 - 8 * i));
		type = RTNL_IFLA_VF_MAC;
		n = RTNL_VF_MAC_LEN;
		break;
	case VFA_VLAN:
		put_u32(v + 4, vlan);
		put_u32(v + 8, 0); /* qos */
		type = RTNL_IFLA_VF_VLAN;
		n = RTNL_VF_VLAN_LEN;
		break;
	case VFA_SPOOFCHK:
	case VFA_TRUST:
		put_u32(v + 4, on ? 1 : 0);
		type = a == VFA_TRUST ? RTNL_IFLA_VF_TRUST : RTNL_IFLA_VF_SPOOFCHK;
		break;
	}
	list = attr_begin(&b, RTNL_IFLA_VFINFO_LIST);
	info = attr_begin(&b, RTNL_IFLA_VF_INFO);
	attr(&b, type, v, n);
	attr_end(&b, info);
	attr_end(&b, list);
	return finish(&b);
}

int rtnl_build_getlink(void *buf, size_t size, uint32_t seq, int ifindex)
{
	struct nlbuf b = { buf, size, 0, false };
	uint32_t mask = RTNL_RTEXT_FILTER_VF | RTNL_RTEXT_FILTER_SKIP_STATS;

	header(&b, RTNL_RTM_GETLINK, RTNL_NLM_F_REQUEST, seq, ifindex);
	attr(&b, RTNL_IFLA_EXT_MASK, &mask, 4);
	return finish(&b);
}

/* Attributes in p[0, len): calls back for each well-formed one; -EBADMSG
 * when one overruns. */
struct nla {
	uint16_t type;
	const uint8_t *data;
	size_t len;
};

static int nla_next(const uint8_t *p, size_t len, size_t *off, struct nla *ret)
{
	uint16_t alen;
	if (*off + 4 > len)
		return 0;
	alen = get_u16(p + *off);
	if (alen < 4 || *off + alen > len)
		return -EBADMSG;
	ret->type = get_u16(p + *off + 2) & NLA_TYPE_MASK;
	ret->data = p + *off + 4;
	ret->len = alen - 4u;
	*off += ALIGN4(alen);
	return 1;
}

/* The extended ack's NLMSGERR_ATTR_MSG, after the nlmsgerr and (unless
 * capped) the echoed request. */
static void ack_message(const uint8_t *m, size_t mlen, uint16_t flags, char *msg, size_t msgsize)
{
	size_t off = RTNL_HDRLEN + RTNL_ERRLEN;
	struct nla a;

	if (!(flags & RTNL_NLM_F_ACK_TLVS) || !msgsize)
		return;
	if (!(flags & RTNL_NLM_F_CAPPED)) {
		/* the request's header is in nlmsgerr; its payload follows */
		uint32_t qlen = get_u32(m + RTNL_HDRLEN + 4);
		if (qlen < RTNL_HDRLEN || off + ALIGN4(qlen - RTNL_HDRLEN) > mlen)
			return;
		off += ALIGN4(qlen - RTNL_HDRLEN);
	}
	m += off;
	mlen -= off;
	off = 0;
	while (nla_next(m, mlen, &off, &a) > 0)
		if (a.type == RTNL_NLMSGERR_ATTR_MSG && a.len) {
			size_t n = strnlen((const char *)a.data, a.len);
			if (n >= msgsize)
				n = msgsize - 1;
			memcpy(msg, a.data, n);
			msg[n] = '\0';
		}
}

int rtnl_scan(const void *buf, size_t len, uint32_t seq, int *ret_err, char *msg, size_t msgsize, const void **ret_link, size_t *ret_len)
{
	const uint8_t *p = buf;
	size_t off = 0;

	if (msgsize)
		msg[0] = '\0';
	while (off + RTNL_HDRLEN <= len) {
		const uint8_t *m = p + off;
		uint32_t mlen = get_u32(m);
		uint16_t type = get_u16(m + 4), flags = get_u16(m + 6);
		if (mlen < RTNL_HDRLEN || mlen > len - off)
			return -EBADMSG;
		if (get_u32(m + 8) == seq) {
			if (type == RTNL_NLMSG_ERROR) {
				int32_t e;
				if (mlen < RTNL_HDRLEN + RTNL_ERRLEN)
					return -EBADMSG;
				memcpy(&e, m + RTNL_HDRLEN, 4);
				*ret_err = e > 0 ? -e : e;
				ack_message(m, mlen, flags, msg, msgsize);
				return 1;
			}
			if (type == RTNL_RTM_NEWLINK) {
				*ret_link = m;
				*ret_len = mlen;
				return 2;
			}
		}
		off += ALIGN4(mlen);
	}
	return 0;
}

static void parse_vf_info(const uint8_t *p, size_t len, struct vf_live *ret, size_t max)
{
	size_t off = 0;
	struct nla a;

	while (nla_next(p, len, &off, &a) > 0) {
		uint32_t vf, v;
		struct vf_live *l;
		if (a.len < 8)
			continue;
		vf = get_u32(a.data);
		if (vf >= max)
			continue;
		l = &ret[vf];
		if (!l->present) {
			memset(l, 0, sizeof(*l));
			l->present = true;
			l->spoofchk = l->trust = -1;
		}
		v = get_u32(a.data + 4);
		switch (a.type) {
		case RTNL_IFLA_VF_MAC:
			if (a.len < 10)
				break;
			l->has_mac = true;
			l->mac = 0;
			for (int i = 0; i < 6; i++)
				l->mac = l->mac << 8 | a.data[4 + i];
			break;
		case RTNL_IFLA_VF_VLAN:
			if (a.len < RTNL_VF_VLAN_LEN)
				break;
			l->has_vlan = true;
			l->vlan = v;
			l->qos = get_u32(a.data + 8);
			break;
		case RTNL_IFLA_VF_SPOOFCHK: l->spoofchk = v == 0 || v == 1 ? (int)v : -1; break;
		case RTNL_IFLA_VF_TRUST: l->trust = v == 0 || v == 1 ? (int)v : -1; break;
		}
	}
}

int rtnl_parse_vfs(const void *msg, size_t len, struct vf_live *ret, size_t max, int *ret_num)
{
	const uint8_t *p = msg;
	size_t off = RTNL_HDRLEN + RTNL_IFINFOLEN;
	struct nla a;
	int r;

	*ret_num = -1;
	for (size_t i = 0; i < max; i++)
		ret[i].present = false;
	if (len < off || get_u16(p + 4) != RTNL_RTM_NEWLINK)
		return -EBADMSG;
	p += off;
	len -= off;
	off = 0;
	while ((r = nla_next(p, len, &off, &a)) > 0) {
		if (a.type == RTNL_IFLA_NUM_VF && a.len >= 4)
			*ret_num = (int)get_u32(a.data);
		if (a.type != RTNL_IFLA_VFINFO_LIST)
			continue;
		size_t o2 = 0;
		struct nla info;
		int r2;
		while ((r2 = nla_next(a.data, a.len, &o2, &info)) > 0)
			if (info.type == RTNL_IFLA_VF_INFO)
				parse_vf_info(info.data, info.len, ret, max);
		if (r2 < 0)
			return r2;
	}
	return r;
}
