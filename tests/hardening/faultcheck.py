#!/usr/bin/python3
"""faultcheck.py PRISTINE_ROOT CASEDIR... -- judge fault-injection runs of `vfio-early apply`.

Each CASEDIR holds: spec (the VFIO_EARLY_FAULT value), target (the operation it hit),
rc (exit status), root/ (the sysroot after the run: driver links, driver_override,
dev/kmsg, run/vfio-early/state.json), fault.log (VFIO_EARLY_FAULT_LOG).
The truth is read from the tree itself, never from the binary's own account:

  A  exit status 0; state.json written and parseable; kmsg has the closing line
  B  every device the record calls bound is on vfio-pci; restored is exactly as
     before (driver link AND driver_override); dirty/bound/restored driver_after
     is the real driver
  C  per IOMMU group: either every endpoint is on vfio-pci, or every device is as
     before, or the record marks each device that moved as dirty and kmsg says
     "NOT restored" for it
  D  devices outside the groups being bound are untouched
  E  a fault aimed at one device leaves every other group bound
  F  kmsg has one line per group that tells the same story as the record
Prints one line per case; exit 1 if any case fails."""
import json
import os
import re
import sys

ADDR = re.compile(r"[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]")


def snapshot(root):
    """address -> (driver, override, group) as the tree says now"""
    out = {}
    base = os.path.join(root, "sys/bus/pci/devices")
    for a in sorted(os.listdir(base)):
        d = os.path.join(base, a)
        drv = os.path.basename(os.readlink(d + "/driver")) if os.path.islink(d + "/driver") else ""
        try:
            ov = open(d + "/driver_override").read().split("\n")[0]
        except OSError:
            ov = ""
        if ov == "(null)":
            ov = ""
        grp = os.path.basename(os.readlink(d + "/iommu_group")) if os.path.islink(d + "/iommu_group") else None
        cls = open(d + "/class").read().strip()
        out[a] = (drv, ov, grp, cls.startswith("0x0604"))
    return out


def judge(pristine, case):
    errs = []
    root = os.path.join(case, "root")
    rc = int(open(os.path.join(case, "rc")).read())
    if rc != 0:
        errs.append("A: exit status %d" % rc)
    try:
        st = json.load(open(os.path.join(root, "run/vfio-early/state.json")))
    except (OSError, ValueError) as e:
        return ["A: no state.json (%s)" % e], {}
    kmsg = open(os.path.join(root, "dev/kmsg")).read()
    if "vfio-early: done in" not in kmsg:
        errs.append("A: kmsg has no closing line")
    now = snapshot(root)
    recorded = {}
    bind_groups = {}
    for g in st.get("groups", []):
        gid = g.get("iommu_group")
        devs = [d for d in g["devices"] if d["action"] == "bind"]
        if g["action"] != "bind":
            continue
        bind_groups[gid] = g
        res = g.get("result")
        if res not in ("bound", "failed", "disabled", "dry-run"):
            errs.append("B: group %s result %s" % (gid, res))
        for d in devs:
            a = d["address"]
            recorded[a] = d
            drv, ov = now[a][0], now[a][1]
            after = d.get("driver_after") or ""
            if d["result"] == "bound" and drv != "vfio-pci":
                errs.append("B: %s recorded bound, driver is %r" % (a, drv))
            if d["result"] == "restored" and (drv, ov) != pristine[a][:2]:
                errs.append("B: %s recorded restored, but is %r/override %r (was %r/%r)" % (a, drv, ov, *pristine[a][:2]))
            if d["result"] in ("bound", "restored", "dirty") and after != drv:
                errs.append("B: %s driver_after %r, real driver %r" % (a, after, drv))
            if d["result"] == "dirty" and not re.search(r"%s (\(group member\) )?\(NOT restored" % re.escape(a), kmsg):
                errs.append("F: %s dirty but kmsg does not say NOT restored" % a)
            if res == "bound" and d["result"] != "bound":
                errs.append("B: group %s bound but %s is %s" % (gid, a, d["result"]))
            if d["result"] == "kept" and (drv, ov) != pristine[a][:2]:
                errs.append("B: %s recorded kept (untouched), but is %r/override %r (was %r/%r)" % (a, drv, ov, *pristine[a][:2]))
            if res == "failed" and d["result"] not in ("restored", "dirty", "kept"):
                errs.append("B: group %s failed but %s is %s" % (gid, a, d["result"]))
        if res == "bound" and not re.search(r"vfio-early: group %s: bound " % gid, kmsg):
            errs.append("F: group %s bound, kmsg does not say so" % gid)
        if res == "failed":
            if not g.get("message"):
                errs.append("F: group %s failed with no message" % gid)
            elif "group %s: FAILED: %s" % (gid, g["message"]) not in kmsg:
                errs.append("F: group %s: kmsg does not carry the record's message" % gid)
            dirty = [d["address"] for d in devs if d["result"] == "dirty"]
            line = [l for l in kmsg.splitlines() if "group %s: FAILED" % gid in l]
            if dirty and line and "put back as it was" in line[0]:
                errs.append("F: group %s: kmsg says 'put back as it was' with %s not restored" % (gid, ",".join(dirty)))
    # C and D from the tree alone
    groups = {}
    for a, (drv, ov, grp, bridge) in now.items():
        if not bridge:
            groups.setdefault(grp, []).append(a)
    for grp, members in groups.items():
        moved = [a for a in members if now[a][:2] != pristine[a][:2]]
        if not moved:
            continue
        if all(now[a][0] == "vfio-pci" for a in members):
            continue
        unexplained = [a for a in moved if recorded.get(a, {}).get("result") != "dirty"]
        if unexplained:
            errs.append("C: group %s half-bound: %s moved (%s) and the record does not say dirty" %
                        (grp, ",".join(unexplained), ";".join("%s=%s/%s" % (a, *now[a][:2]) for a in unexplained)))
    for a in now:
        if a not in recorded and now[a][2] not in bind_groups and now[a][:2] != pristine[a][:2]:
            errs.append("D: %s touched (%s/%s) though not in a group to bind" % (a, *now[a][:2]))
    # E: isolation
    target = open(os.path.join(case, "target")).read()
    hit = {pristine[a][2] for a in ADDR.findall(target) if a in pristine}
    if hit:
        for gid, g in bind_groups.items():
            if str(gid) not in hit and g.get("result") != "bound":
                errs.append("E: fault on group %s, but group %s is %s (%s)" % (",".join(sorted(hit)), gid, g.get("result"), g.get("message")))
    summary = {str(g.get("iommu_group")): "%s%s" % (g.get("result", g["action"]),
               "[" + ",".join(d["result"][0] for d in g["devices"] if d["action"] == "bind") + "]")
               for g in st.get("groups", [])}
    return errs, summary


def main():
    pristine = snapshot(sys.argv[1])
    bad = 0
    for case in sys.argv[2:]:
        spec = open(os.path.join(case, "spec")).read().strip()
        errs, summary = judge(pristine, case)
        res = " ".join("g%s=%s" % kv for kv in sorted(summary.items()))
        print("%-4s %-70s %s" % ("ok" if not errs else "FAIL", spec, res))
        for e in errs:
            print("       " + e)
        bad += bool(errs)
    print("faultcheck: %d case(s), %d failed" % (len(sys.argv) - 2, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
