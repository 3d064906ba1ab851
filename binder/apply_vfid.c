/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The PF's netdev by its ifindex (udev may rename it at any moment; the
 * index stays), one NETLINK_ROUTE socket per PF, one RTM_SETLINK per VF
 * and attribute so that each refusal is told apart, then one RTM_GETLINK
 * to see what the driver really holds: a driver can accept a value and
 * keep another, as drivers_probe can succeed without binding. Every
 * receive is bounded (SO_RCVTIMEO): nothing here can hang the boot. */
#include "apply_vfid.h"
#include "kmsg.h"
#include "rtnl.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define NL_TIMEOUT_S 2
#define NL_MAX_READS 64

struct sockaddr_nl_compat { /* <linux/netlink.h> struct sockaddr_nl */
	sa_family_t nl_family;
	unsigned short nl_pad;
	uint32_t nl_pid, nl_groups;
};

struct nl {
	int fd;
	uint32_t seq;
};

static int nl_open(struct nl *n)
{
	struct timeval tv = { NL_TIMEOUT_S, 0 };
	int one = 1;

	n->seq = (uint32_t)now_us();
	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, RTNL_NETLINK_ROUTE);
	if (n->fd < 0)
		return errno ? -errno : -EIO;
	if (setsockopt(n->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		int e = -errno;
		(void)close(n->fd);
		return e;
	}
	/* the kernel's own words on a refusal, where it has some (4.12+) */
	(void)setsockopt(n->fd, RTNL_SOL_NETLINK, RTNL_NETLINK_EXT_ACK, &one, sizeof(one));
	return 0;
}

static int nl_send(const struct nl *n, const void *buf, int len)
{
	struct sockaddr_nl_compat sa = { .nl_family = AF_NETLINK };
	ssize_t w;

	if (len < 0)
		return len;
	do
		w = sendto(n->fd, buf, (size_t)len, 0, (const struct sockaddr *)&sa, sizeof(sa));
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	return w == len ? 0 : -EIO;
}

/* Reads until seq's answer: an ack (returns its 0 or -errno, the kernel's
 * message in msg) or an RTM_NEWLINK (returns 0, *ret_link owned). */
static int nl_answer(const struct nl *n, uint32_t seq, char *msg, size_t msgsize, uint8_t **ret_link, size_t *ret_len)
{
	for (int i = 0; i < NL_MAX_READS; i++) {
		ssize_t len = recv(n->fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		const void *link = NULL;
		size_t linklen = 0;
		uint8_t *buf;
		int err = 0, r;
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		buf = xmalloc((size_t)len + 1);
		len = recv(n->fd, buf, (size_t)len, 0);
		if (len < 0) {
			free(buf);
			return -errno;
		}
		r = rtnl_scan(buf, (size_t)len, seq, &err, msg, msgsize, &link, &linklen);
		if (r == 2 && ret_link) {
			*ret_link = xmalloc(linklen);
			memcpy(*ret_link, link, linklen);
			*ret_len = linklen;
		}
		free(buf);
		if (r < 0)
			return r;
		if (r == 1)
			return err;
		if (r == 2)
			return ret_link ? 0 : -EBADMSG;
	}
	return -ETIMEDOUT;
}

/* The VFs the PF reports: live[k] for k < max. */
static int read_vfs(const struct nl *n, uint32_t seq, int ifindex, struct vf_live *live, size_t max, char *msg, size_t msgsize)
{
	uint8_t req[64], *link = NULL;
	size_t len = 0;
	int num, r = nl_send(n, req, rtnl_build_getlink(req, sizeof(req), seq, ifindex));

	if (r == 0)
		r = nl_answer(n, seq, msg, msgsize, &link, &len);
	if (r == 0)
		r = rtnl_parse_vfs(link, len, live, max, &num);
	free(link);
	return r;
}

/* The first netdev (by name) in the PF's net/ directory. */
static int find_netdev(const struct sysroot *sr, const char *pf, char *name, size_t size, int *ret_ifindex)
{
	char path[SR_PATH_MAX], attr[64], idx[16];
	DIR *d = sr_opendir(sr, pci_path(path, "devices", pf, "net"));
	struct dirent *e;

	if (!d)
		return -errno;
	name[0] = '\0';
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strlen(e->d_name) < size && (!name[0] || strcmp(e->d_name, name) < 0))
			strcpy(name, e->d_name);
	(void)closedir(d);
	if (!name[0])
		return -ENOENT;
	(void)snprintf(attr, sizeof(attr), "net/%s/ifindex", name);
	*ret_ifindex = sr_dev_read(sr, pf, attr, idx, sizeof(idx)) > 0 ? atoi(idx) : 0;
	return 0;
}

struct netdev_wait {
	const struct sysroot *sr;
	const char *pf;
	struct vfid_pf *id;
};

static bool netdev_there(void *arg)
{
	struct netdev_wait *w = arg;
	return find_netdev(w->sr, w->pf, w->id->netdev, sizeof(w->id->netdev), &w->id->ifindex) == 0;
}

void vfid_lookup(const struct sysroot *sr, const struct devtab *t, struct sriov_plan *sp, struct findings *f)
{
	bool noted = false;

	for (size_t i = 0; i < sp->n; i++) {
		struct sriov_pf *x = &sp->v[i];
		const struct pci_dev *pf = &t->v[x->pf];
		if (!x->id.wanted || x->id.refused)
			continue;
		if (!sr->is_root && !noted) {
			findings_add(f, SEV_INFO, "vf-identity-not-live", "host",
				     "run check without --sysroot on the host itself; at boot vfio-early sets it on the live kernel",
				     "VF MAC, VLAN, trust and spoofchk go through rtnetlink to the running kernel: with --sysroot %s, apply would record "
				     "that it cannot set them",
				     sr->path);
			noted = true;
		}
		if (find_netdev(sr, pf->name, x->id.netdev, sizeof(x->id.netdev), &x->id.ifindex) == 0)
			continue;
		if (pf->driver[0])
			findings_add(
				f, SEV_ERROR, "vf-identity-no-netdev", pf->name,
				"a PF driver without a netdev cannot set VF identity: remove mac=, vlan=, trust= and spoofchk=, or use the NIC's network driver",
				"%s has driver %s but no netdev (nothing in /sys/bus/pci/devices/%s/net/): VF MAC, VLAN, trust and spoofchk cannot be set",
				pf->name, pf->driver, pf->name);
		else
			findings_add(f, SEV_WARN, "vf-identity-no-netdev", pf->name,
				     "load the PF's network driver (modprobe) and run check again; at boot vfio-early loads it by modalias",
				     "%s has no driver now, so no netdev: check cannot see the netdev VF MAC, VLAN, trust and spoofchk would be set on",
				     pf->name);
	}
}

static void fail_all(struct sriov_pf *x, const char *fmt, ...) PRINTF(2, 3);
static void fail_all(struct sriov_pf *x, const char *fmt, ...)
{
	for (size_t k = 0; k < x->nvfs; k++) {
		struct vfid_vf *v = &x->vfs[k].id;
		va_list ap;
		if (!vf_ident_any(&v->want))
			continue;
		v->res = VFID_FAILED;
		va_start(ap, fmt);
		(void)vsnprintf(v->error, sizeof(v->error), fmt, ap);
		va_end(ap);
	}
}

/* Each asked attribute of VF k, one message each. */
static void set_vf(struct nl *n, int ifindex, unsigned k, struct vfid_vf *v)
{
	static const enum vf_attr order[VFA_COUNT] = { VFA_MAC, VFA_VLAN, VFA_SPOOFCHK, VFA_TRUST };
	const struct vf_ident *w = &v->want;
	struct strbuf err = { 0 };

	for (size_t i = 0; i < VFA_COUNT; i++) {
		enum vf_attr a = order[i];
		bool asked = a == VFA_MAC ? w->has_mac : a == VFA_VLAN ? w->has_vlan : (a == VFA_TRUST ? w->trust : w->spoofchk) != ONOFF_UNSET;
		bool on = (a == VFA_TRUST ? w->trust : w->spoofchk) == ONOFF_ON;
		uint8_t buf[128];
		char msg[128] = "";
		int r;
		if (!asked)
			continue;
		n->seq++;
		r = nl_send(n, buf, rtnl_build_setvf(buf, sizeof(buf), n->seq, ifindex, k, a, w->mac, w->vlan, on));
		if (r == 0)
			r = nl_answer(n, n->seq, msg, sizeof(msg), NULL, NULL);
		if (r < 0)
			sb_printf(&err, "%s%s: %s%s%s%s", err.len ? "; " : "", vf_attr_name(a), strerror(-r), msg[0] ? " (" : "", msg, msg[0] ? ")" : "");
	}
	v->res = err.len ? VFID_FAILED : VFID_SET;
	(void)snprintf(v->error, sizeof(v->error), "%s", err.len ? err.s : "");
	sb_free(&err);
}

/* What the driver holds now, against what was set. */
static void verify(struct nl *n, int ifindex, struct sriov_pf *x)
{
	struct vf_live *live = xcalloc(x->nvfs, sizeof(*live));
	char msg[128] = "", why[160];
	int r;

	n->seq++;
	r = read_vfs(n, n->seq, ifindex, live, x->nvfs, msg, sizeof(msg));
	for (size_t k = 0; k < x->nvfs; k++) {
		struct vfid_vf *v = &x->vfs[k].id;
		if (v->res != VFID_SET)
			continue;
		if (r < 0) {
			(void)snprintf(v->error, sizeof(v->error), "set; not read back: %s%s%s%s", strerror(-r), msg[0] ? " (" : "", msg, msg[0] ? ")" : "");
		} else if (!vfid_matches(&v->want, &live[k], why, sizeof(why))) {
			v->res = VFID_FAILED;
			(void)snprintf(v->error, sizeof(v->error), "accepted, but the PF reports: %s", why);
		}
	}
	free(live);
}

void vfid_apply(const struct sysroot *sr, const struct pci_dev *pf, struct sriov_pf *x, unsigned timeout_ms)
{
	struct netdev_wait w = { sr, pf->name, &x->id };
	struct nl n;
	int r;

	if (!x->id.wanted)
		return;
	if (x->id.refused) {
		fail_all(x, "not set: %s", x->id.reason);
		return;
	}
	if (!wait_until(timeout_ms, netdev_there, &w)) {
		fail_all(x, "not set: %s has no netdev (nothing in /sys/bus/pci/devices/%s/net/ within %u ms)", pf->name, pf->name, timeout_ms);
		return;
	}
	if (!sr->is_root) {
		fail_all(x, "not set: --sysroot %s is not the running system; rtnetlink reaches only the live kernel's %s", sr->path, x->id.netdev);
		return;
	}
	if (x->id.ifindex <= 0) {
		fail_all(x, "not set: %s's ifindex is unreadable", x->id.netdev);
		return;
	}
	if ((r = nl_open(&n)) < 0) {
		fail_all(x, "not set: no rtnetlink socket (%s)", strerror(-r));
		return;
	}
	for (size_t k = 0; k < x->nvfs; k++)
		if (vf_ident_any(&x->vfs[k].id.want))
			set_vf(&n, x->id.ifindex, (unsigned)k, &x->vfs[k].id);
	verify(&n, x->id.ifindex, x);
	(void)close(n.fd);
}

void vfid_kmsg(const struct sysroot *sr, const struct pci_dev *pf, const struct sriov_pf *x)
{
	size_t asked = 0, set = 0, failed = 0, first = 0;

	for (size_t k = 0; k < x->nvfs; k++) {
		const struct vfid_vf *v = &x->vfs[k].id;
		if (!vf_ident_any(&v->want))
			continue;
		asked++;
		set += v->res == VFID_SET;
		if (v->res == VFID_FAILED && !failed++)
			first = k;
	}
	if (!asked || set + failed == 0)
		return;
	if (!failed)
		kmsg_log(sr, 6, "sriov %s: VF identity set on %s for %zu VF(s)", pf->name, x->id.netdev, set);
	else
		kmsg_log(sr, 3, "sriov %s: VF identity FAILED for %zu of %zu VF(s) (VF %zu: %s); the VFs are bound regardless", pf->name, failed, asked, first,
			 x->vfs[first].id.error);
}

/* The record's identity_result of VF k of pf, "-" when none. */
static const char *recorded(const struct jv *rec, const char *pf, size_t k)
{
	const struct jv *arr = jv_get(rec, "sriov");
	const char *res = NULL;

	for (size_t i = 0; i < jv_len(arr); i++) {
		const struct jv *x = jv_at(arr, i);
		const char *a = jv_str(jv_get(x, "pf"));
		if (a && streq(a, pf))
			res = jv_str(jv_get(jv_at(jv_get(x, "vfs"), k), "identity_result"));
	}
	return res ? res : "-";
}

static void json_live(struct json *j, const struct vf_live *l)
{
	char a[MAC_STR_MAX];

	json_begin_obj(j, "now");
	if (l->has_mac)
		mac_fmt(l->mac, a);
	json_str(j, "mac", l->has_mac ? a : NULL);
	if (l->has_vlan)
		json_int(j, "vlan", l->vlan);
	else
		json_null(j, "vlan");
	if (l->trust >= 0)
		json_bool(j, "trust", l->trust);
	else
		json_null(j, "trust");
	if (l->spoofchk >= 0)
		json_bool(j, "spoofchk", l->spoofchk);
	else
		json_null(j, "spoofchk");
	json_end_obj(j);
}

/* The live list read once, a row per VF asked for. */
size_t vfid_status(const struct sysroot *sr, const struct pci_dev *pf, const struct sriov_pf *x, const struct jv *rec, struct json *j)
{
	struct vf_live *live;
	char err[200] = "", msg[128] = "";
	size_t mismatches = 0;
	int r = -ENOENT;

	if (j)
		json_begin_arr(j, "vf_identity");
	if (!x->id.wanted) {
		if (j)
			json_end_arr(j);
		return 0;
	}
	live = xcalloc(x->nvfs ? x->nvfs : 1, sizeof(*live));
	if (!sr->is_root)
		(void)snprintf(err, sizeof(err), "not read: --sysroot is not the running system");
	else if (!x->id.netdev[0] || x->id.ifindex <= 0)
		(void)snprintf(err, sizeof(err), "no netdev");
	else {
		struct nl n;
		if ((r = nl_open(&n)) == 0) {
			r = read_vfs(&n, ++n.seq, x->id.ifindex, live, x->nvfs, msg, sizeof(msg));
			(void)close(n.fd);
		}
		if (r < 0)
			(void)snprintf(err, sizeof(err), "not read: %s%s%s%s", strerror(-r), msg[0] ? " (" : "", msg, msg[0] ? ")" : "");
	}
	for (size_t k = 0; k < x->nvfs; k++) {
		const struct sriov_vf *vf = &x->vfs[k];
		struct strbuf want = { 0 }, now = { 0 };
		char why[160] = "";
		const char *state;
		if (!vf_ident_any(&vf->id.want))
			continue;
		if (x->id.refused)
			state = "refused";
		else if (!vf->exists)
			state = "no VF";
		else if (streq(err, "no netdev"))
			state = "MISMATCH";
		else if (r < 0)
			state = "unknown";
		else
			state = vfid_matches(&vf->id.want, &live[k], why, sizeof(why)) ? "ok" : "MISMATCH";
		mismatches += streq(state, "MISMATCH");
		vf_ident_text(&vf->id.want, &want);
		if (r == 0)
			vf_live_text(&vf->id.want, &live[k], &now);
		if (j) {
			json_begin_obj(j, NULL);
			json_int(j, "vf", (long long)k);
			json_str(j, "address", vf->name);
			json_str(j, "netdev", x->id.netdev[0] ? x->id.netdev : NULL);
			json_begin_obj(j, "config");
			vfid_json_vf(j, &vf->id, false);
			json_end_obj(j);
			if (r == 0 && live[k].present)
				json_live(j, &live[k]);
			else
				json_null(j, "now");
			json_str(j, "error", err[0] ? err : why[0] ? why : NULL);
			json_str(j, "boot", recorded(rec, pf->name, k));
			json_str(j, "state", state);
			json_end_obj(j);
		} else {
			/* what the PF reports only where it is not what was asked */
			bool same = streq(state, "ok") || streq(state, "refused") || streq(state, "no VF");
			printf("  VF %-4zu %-12s  %-10s  %-9s  %-8s  %s%s%s\n", k, vf->name, x->id.netdev[0] ? x->id.netdev : "-", recorded(rec, pf->name, k),
			       state, want.s,
			       same	? ""
			       : r == 0 ? "; now: "
					: "; ",
			       same		 ? ""
			       : r == 0 && now.s ? now.s
						 : err);
		}
		sb_free(&want);
		sb_free(&now);
	}
	free(live);
	if (j)
		json_end_arr(j);
	return mismatches;
}
