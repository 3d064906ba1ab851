#!/bin/sh
# selftest.sh -- build every tests/sysfs/trees/*.tree, check sysfs invariants, check
# description errors, and round-trip generated trees through record-host.sh.
# Prints "N passed, N failed"; exits non-zero on any failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd -P)
MKTREE=$HERE/mktree
GENTREE=$HERE/gentree
RECORD=$HERE/record-host.sh
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sysfs-selftest.XXXXXX") || exit 111
trap 'rm -rf "$TMP"' EXIT INT TERM
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); echo "ok   $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }

# invariants of one sysroot; prints problems, returns 1 if any
check_tree() {
	R=$(cd -P "$1" && pwd -P) || return 1
	(
	cd "$R" || exit 1
	n=0
	err() { echo "  $*"; n=$((n + 1)); }
	for l in sys/bus/pci/devices/*; do
		[ -L "$l" ] || continue
		a=${l##*/}
		t=$(readlink -f "$l")
		[ -d "$t" ] || { err "$l does not resolve"; continue; }
		[ "${t##*/}" = "$a" ] || err "$l resolves to ${t##*/}"
		case $t in "$R"/sys/devices/pci*) ;; *) err "$l outside sys/devices/pci*: $t" ;; esac
		for f in vendor device class subsystem_vendor subsystem_device driver_override modalias config resource; do
			[ -f "$t/$f" ] || err "$a: no $f"
		done
		# uevent as the kernel prints it: agrees with the link and the files
		if [ -f "$t/uevent" ]; then
			ue_drv="" ue_slot="" ue_id=""
			while IFS='=' read -r k v; do
				case $k in DRIVER) ue_drv=$v ;; PCI_SLOT_NAME) ue_slot=$v ;; PCI_ID) ue_id=$v ;; esac
			done <"$t/uevent"
			[ "$ue_slot" = "$a" ] || err "$a: uevent PCI_SLOT_NAME=$ue_slot"
			lk=""
			[ -L "$t/driver" ] && lk=$(readlink "$t/driver") && lk=${lk##*/}
			[ "$ue_drv" = "$lk" ] || err "$a: uevent DRIVER=$ue_drv, driver link $lk"
			read -r ven <"$t/vendor"; read -r dv <"$t/device"
			want=$(printf '%04X:%04X' "$ven" "$dv")
			[ "$ue_id" = "$want" ] || err "$a: uevent PCI_ID=$ue_id, files $want"
		fi
		if [ -L "$t/driver" ]; then
			dr=$(readlink -f "$t/driver")
			case $dr in "$R"/sys/bus/pci/drivers/*) ;; *) err "$a: driver link -> $dr" ;; esac
			[ "$(readlink -f "$dr/$a")" = "$t" ] || err "$a: driver dir has no link back"
			for f in bind unbind new_id remove_id; do [ -f "$dr/$f" ] || err "${dr##*/}: no $f"; done
		fi
		if [ -L "$t/iommu_group" ]; then
			g=$(readlink -f "$t/iommu_group")
			case $g in "$R"/sys/kernel/iommu_groups/[0-9]*) ;; *) err "$a: iommu_group -> $g" ;; esac
			[ "$(readlink -f "$g/devices/$a")" = "$t" ] || err "$a: not listed in its group ${g##*/}"
			[ -f "$g/type" ] || err "group ${g##*/}: no type"
			[ -d "$(readlink -f "$t/iommu")" ] || err "$a: iommu link does not resolve"
		fi
		# header type vs class: bridges (0604xx) are type 1
		ht=$(od -An -tx1 -j14 -N1 "$t/config" | tr -d ' ')
		case $(cat "$t/class") in
		0x0604*) case $ht in 01|81) ;; *) err "$a: bridge with header type $ht" ;; esac ;;
		*) case $ht in 00|80) ;; *) err "$a: endpoint with header type $ht" ;; esac ;;
		esac
		if [ -L "$t/physfn" ]; then
			pf=$(readlink -f "$t/physfn")
			[ "$(dirname "$pf")" = "$(dirname "$t")" ] || err "$a: VF not a sibling of its PF"
			found=0
			for v in "$pf"/virtfn*; do [ "$(readlink -f "$v")" = "$t" ] && found=1; done
			[ $found = 1 ] || err "$a: PF has no virtfn link to it"
		fi
		for v in "$t"/virtfn*; do
			[ -L "$v" ] || continue
			[ "$(readlink -f "$v/physfn")" = "$t" ] || err "$a: ${v##*/} has no physfn back"
		done
		if [ -f "$t/sriov_numvfs" ]; then
			nv=$(cat "$t/sriov_numvfs"); c=0
			for v in "$t"/virtfn*; do [ -L "$v" ] && c=$((c + 1)); done
			[ "$nv" = "$c" ] || err "$a: sriov_numvfs=$nv but $c virtfn links"
		fi
	done
	for g in sys/kernel/iommu_groups/*; do
		[ -d "$g" ] || continue
		for m in "$g"/devices/*; do
			[ -L "$m" ] || continue
			[ "$(readlink -f "$m/iommu_group")" = "$(readlink -f "$g")" ] || err "$m: member's iommu_group differs"
			[ -L "sys/bus/pci/devices/${m##*/}" ] || err "$m: not in sys/bus/pci/devices"
		done
	done
	# mdev: each device a child of its parent, of a type of that parent
	# that lists it; each registered parent's types complete
	for l in sys/bus/mdev/devices/*; do
		[ -L "$l" ] || continue
		u=${l##*/}
		t=$(readlink -f "$l")
		[ -d "$t" ] || { err "$l does not resolve"; continue; }
		ty=$(readlink -f "$t/mdev_type")
		case $ty in "$(dirname "$t")"/mdev_supported_types/*) ;; *) err "$u: mdev_type -> $ty is not a type of its parent" ;; esac
		[ "$(readlink -f "$ty/devices/$u")" = "$t" ] || err "$u: its type does not list it"
	done
	for l in sys/class/mdev_bus/*; do
		[ -L "$l" ] || continue
		t=$(readlink -f "$l")
		[ -d "$t/mdev_supported_types" ] || err "$l: no mdev_supported_types"
		for ty in "$t"/mdev_supported_types/*; do
			[ -d "$ty" ] || continue
			for f in create available_instances name device_api; do [ -f "$ty/$f" ] || err "${ty##*/}: no $f"; done
			[ -d "$ty/devices" ] || err "${ty##*/}: no devices/"
		done
	done
	for sl in sys/bus/pci/slots/*; do
		[ -d "$sl" ] || continue
		ad=$(cat "$sl/address" 2>/dev/null) || { err "$sl: no address"; continue; }
		case $ad in
		[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-1][0-9a-f]) ;;
		*) err "$sl: address '$ad' is not DDDD:BB:SS" ;;
		esac
	done
	for l in sys/dev/block/* sys/class/block/* sys/block/* sys/class/net/* sys/class/iommu/*; do
		[ -L "$l" ] || continue
		[ -d "$(readlink -f "$l")" ] || err "$l does not resolve"
	done
	for l in sys/dev/block/*; do
		[ -L "$l" ] || continue
		[ "$(cat "$l/dev" 2>/dev/null)" = "${l##*/}" ] || err "$l: dev file differs"
	done
	find sys -type l | while read -r l; do
		[ -e "$l" ] || echo "  dangling: $l -> $(readlink "$l")"
	done | grep . && n=$((n + 1))
	for f in proc/cmdline proc/self/mountinfo proc/mounts proc/swaps proc/net/route proc/iomem dev/kmsg; do
		[ -f "$f" ] || err "no $f"
	done
	[ -d run ] || err "no run/"
	[ $n = 0 ]
	)
}

# 1. every scenario builds and is consistent
for t in "$HERE"/trees/*.tree; do
	name=${t##*/}
	out=$TMP/${name%.tree}
	if ! msg=$("$MKTREE" "$t" "$out" 2>&1); then
		bad "build $name: $msg"; continue
	fi
	if msg=$(check_tree "$out"); then ok "tree $name"; else bad "tree $name"; echo "$msg"; fi
done

# the checker itself must notice breakage
if [ -d "$TMP/gpu-hda" ]; then
	cp -R -P "$TMP/gpu-hda" "$TMP/broken"
	rm "$TMP/broken/sys/kernel/iommu_groups/12/devices/0000:01:00.1"
	if check_tree "$TMP/broken" >/dev/null; then bad "checker missed a group link"; else ok "checker notices a missing group link"; fi
	rm -rf "$TMP/broken"
fi

if [ -d "$TMP/mdev" ]; then
	cp -R -P "$TMP/mdev" "$TMP/broken"
	rm "$TMP/broken/sys/devices/pci0000:00/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4/devices/a297db4a-f4c2-11e6-90f6-d3b88d6c9525"
	if check_tree "$TMP/broken" >/dev/null; then bad "checker missed an mdev type's device link"; else ok "checker notices a missing mdev type link"; fi
	rm -rf "$TMP/broken"
fi

# 2. description errors: exit 2 with FILE:LINE
expect_err() { # want-line text
	printf '%s\n' "$2" >"$TMP/bad.tree"
	rm -rf "$TMP/badout"
	msg=$("$MKTREE" "$TMP/bad.tree" "$TMP/badout" 2>&1); rc=$?
	case "$rc:$msg" in
	"2:"*"bad.tree:$1:"*) ok "error line $1: ${msg#*bad.tree:}" ;;
	*) bad "expected exit 2 at line $1, got $rc: $msg" ;;
	esac
}
expect_err 2 "kernel 6.1
dev 00:00.0 8086:29c0"
expect_err 3 "# c
dev 00:00.0 8086:29c0 class=060000
dev 00:00.0 8086:29c0 class=060000"
expect_err 1 "dev 00:20.0 8086:29c0 class=060000"
expect_err 1 "frobnicate 1"
expect_err 2 "dev 00:00.0 8086:29c0 class=060000
dev 01:00.0 10de:2204 class=030000 parent=00:00.0"
expect_err 2 "iommu off
dev 00:00.0 8086:29c0 class=060000 group=1"
expect_err 1 "dev 00:00.0 8086:29c0 class=020000 boot_vga=1"
expect_err 2 "dev 00:00.0 8086:29c0 class=060000
part sda1 of=sda dev=8:1"
expect_err 1 "dev 00:00.0 8086:29c0 class=060000 sriov_numvfs=2"
expect_err 1 "mdev 00:02.0 type=i915-GVTg_V5_4"
expect_err 2 "dev 00:02.0 8086:3e92 class=030000
mdev 00:02.0 name=x"
expect_err 2 "mdev mtty type=mtty-1 instances=a297db4a-f4c2-11e6-90f6-d3b88d6c9525
mdev mtty type=mtty-2 instances=a297db4a-f4c2-11e6-90f6-d3b88d6c9525"
expect_err 1 "loaded i915 enable_gvt"

expect_err 1 "slot 1 addr=01:00.0"
expect_err 1 "slot 1 addr=01:20"
expect_err 1 "slot a/b addr=01:00"
expect_err 2 "slot 1 addr=01:00
slot 1 addr=02:00"
expect_err 1 "slot 1"

# physical slots: sys/bus/pci/slots/NAME/address as drivers/pci/slot.c prints it
printf '%s\n' "bridge 00:01.0 8086:1901" "dev 01:00.0 10de:2204 class=030000 parent=00:01.0" \
	"slot 4 addr=01:00" "slot 'Slot 7' addr=0001:3a:1f" >"$TMP/slots.tree"
rm -rf "$TMP/slots"
if "$MKTREE" "$TMP/slots.tree" "$TMP/slots" && [ "$(cat "$TMP/slots/sys/bus/pci/slots/4/address")" = 0000:01:00 ] &&
	[ "$(cat "$TMP/slots/sys/bus/pci/slots/Slot 7/address")" = 0001:3a:1f ] && check_tree "$TMP/slots"; then
	ok "slot statements"
else
	bad "slot statements"
fi
if [ -d "$TMP/slots" ]; then
	cp -R -P "$TMP/slots" "$TMP/broken"
	echo 0000:01:00.0 >"$TMP/broken/sys/bus/pci/slots/4/address"
	if check_tree "$TMP/broken" >/dev/null; then bad "checker missed a slot address with a function"; else ok "checker notices a bad slot address"; fi
	rm -rf "$TMP/broken"
fi

# 2b. rom=FILE: the device's rom attribute holds FILE's bytes, mode 0600 as the
# kernel's; resource line 7 is the ROM BAR (automatic: a power of two >= the
# ROM, IORESOURCE_MEM|PREFETCH|READONLY|SIZEALIGN), the boot VGA's shadow, unset,
# or given. FILE is relative to the description's directory.
"$HERE/mkrom" "$TMP/t.rom" x86,blocks=3 efi
cat >"$TMP/rom.tree" <<EOF
dev 01:00.0 10de:2204 class=030000 group=1 rom=t.rom
dev 02:00.0 10de:2204 class=030000 group=2 rom=t.rom boot_vga=1 rombar=shadow
dev 03:00.0 10de:2204 class=030000 group=3 rom=t.rom rombar=none
dev 04:00.0 10de:2204 class=030000 group=4 rom=$TMP/t.rom rombar=0xfb000000-0xfb07ffff
dev 05:00.0 10de:2204 class=030000 group=5
EOF
rm -rf "$TMP/rom"
if msg=$("$MKTREE" "$TMP/rom.tree" "$TMP/rom" 2>&1) && check_tree "$TMP/rom" >/dev/null; then
	d=$TMP/rom/sys/bus/pci/devices
	r7() { sed -n 7p "$d/$1/resource"; }
	n=0
	for a in 01 02 03 04; do
		cmp -s "$TMP/t.rom" "$d/0000:$a:00.0/rom" || { echo "  $a: rom differs"; n=$((n + 1)); }
		[ "$(stat -c %a "$d/0000:$a:00.0/rom")" = 600 ] || { echo "  $a: rom mode"; n=$((n + 1)); }
	done
	[ ! -e "$d/0000:05:00.0/rom" ] || { echo "  05: a rom without rom="; n=$((n + 1)); }
	[ "$(r7 0000:01:00.0)" = "0x00000000fe000000 0x00000000fe000fff 0x0000000000046200" ] || { echo "  01: $(r7 0000:01:00.0)"; n=$((n + 1)); }
	[ "$(r7 0000:02:00.0)" = "0x00000000000c0000 0x00000000000dffff 0x0000000000000212" ] || { echo "  02: $(r7 0000:02:00.0)"; n=$((n + 1)); }
	[ "$(r7 0000:03:00.0)" = "0x0000000000000000 0x0000000000000000 0x0000000000000000" ] || { echo "  03: $(r7 0000:03:00.0)"; n=$((n + 1)); }
	[ "$(r7 0000:04:00.0)" = "0x00000000fb000000 0x00000000fb07ffff 0x0000000000046200" ] || { echo "  04: $(r7 0000:04:00.0)"; n=$((n + 1)); }
	if [ $n = 0 ]; then ok "rom= and rombar="; else bad "rom= and rombar="; fi
else
	bad "rom tree: $msg"
fi
expect_err 1 "dev 01:00.0 10de:2204 class=030000 rom=no-such.rom"
expect_err 1 "dev 01:00.0 10de:2204 class=030000 rombar=shadow"
expect_err 1 "dev 01:00.0 10de:2204 class=030000 rom=t.rom rombar=1-"

# 3. record-host.sh round trip: recorded copy must equal the source
roundtrip() { # label src
	rec=$TMP/rec-$1
	if ! msg=$("$RECORD" -s "$2" "$rec" 2>&1); then bad "record $1: $msg"; return; fi
	if d=$(diff -r --no-dereference -x .emptydirs "$2" "$rec" 2>&1); then
		ok "record round trip $1"
	else
		bad "record round trip $1"; echo "$d" | head -20
	fi
	# and mktree RECORDED OUT restores the empty directories git would drop
	find "$rec" -depth -type d -empty -exec rmdir {} \;
	if "$MKTREE" "$rec" "$rec.copy" && d=$(diff -r --no-dereference -x .emptydirs "$2" "$rec.copy" 2>&1); then
		ok "recorded copy $1"
	else
		bad "recorded copy $1"; echo "$d" | head -20
	fi
}
for s in swap-and-nic sriov-vfs root-disk-group virtio slots mdev; do
	[ -d "$TMP/$s" ] && roundtrip "$s" "$TMP/$s"
done
if "$GENTREE" 64 "$TMP/g64.tree" && "$MKTREE" "$TMP/g64.tree" "$TMP/g64"; then
	roundtrip gen64 "$TMP/g64"
else
	bad "gentree 64"
fi

# 4. big generated trees: exact device count, consistent
for n in 256 4096; do
	start=$(date +%s)
	if "$GENTREE" "$n" "$TMP/g$n.tree" && "$MKTREE" "$TMP/g$n.tree" "$TMP/g$n"; then
		end=$(date +%s)
		c=$(find "$TMP/g$n/sys/bus/pci/devices" -type l | wc -l)
		if [ "$c" -eq "$n" ]; then ok "gentree $n: $c devices in $((end - start))s"; else bad "gentree $n: $c devices"; fi
		if [ "$n" -le 256 ]; then
			if msg=$(check_tree "$TMP/g$n"); then ok "tree gen$n"; else bad "tree gen$n"; echo "$msg"; fi
		fi
	else
		bad "gentree $n"
	fi
done

# 5. the committed host recording is usable as a sysroot
for r in "$HERE"/recorded/*/; do
	[ -d "$r" ] || continue
	r=${r%/}
	rm -rf "$TMP/host"
	if "$MKTREE" "$r" "$TMP/host" && msg=$(check_tree "$TMP/host"); then
		ok "recorded ${r##*/}"
	else
		bad "recorded ${r##*/}"; echo "${msg:-}"
	fi
done

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
