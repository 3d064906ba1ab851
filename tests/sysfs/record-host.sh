#!/bin/sh
# record-host.sh [-s SRCROOT] OUTDIR
#
# Copy the subset of a host's sysfs/procfs that vfio-early reads into OUTDIR, so that
# OUTDIR can be used as --sysroot in tests. READ-ONLY on the source: it only reads
# SRCROOT (default /). Symlinks are recreated as symlinks with the same (relative)
# targets; attribute files are copied by content; write-only kernel files
# (bind, unbind, new_id, remove_id, drivers_probe, rescan) become empty files;
# binary BAR files (resourceN, rom), remove, reset and the like are never touched.
# SRCROOT may also be a tree made by tests/sysfs/mktree (self-test).
set -u

usage() {
	echo "usage: record-host.sh [-s SRCROOT] OUTDIR" >&2
	exit 100
}

SRC=/
while [ $# -gt 0 ]; do
	case $1 in
	-s) [ $# -ge 2 ] || usage; SRC=$2; shift 2 ;;
	-h|--help) sed -n '2,11p' "$0"; exit 0 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
OUT=$1

SRCC=$(cd -P "$SRC" 2>/dev/null && pwd -P) || { echo "record-host: no such dir: $SRC" >&2; exit 111; }
[ -d "$SRCC/sys/bus/pci" ] || [ -d "$SRCC/sys/devices" ] || {
	echo "record-host: $SRC has no sys/ tree" >&2; exit 111; }
if [ -e "$OUT" ]; then
	if ! [ -d "$OUT" ] || [ -n "$(ls -A "$OUT")" ]; then
		echo "record-host: $OUT exists and is not an empty directory" >&2; exit 111
	fi
fi
mkdir -p "$OUT" || exit 111
OUTC=$(cd -P "$OUT" && pwd -P) || exit 111
case $OUTC/ in
/sys/*|/proc/*|/boot/*|/dev/*|/) echo "record-host: refusing to write to $OUTC" >&2; exit 111 ;;
esac
case $OUTC/ in
"$SRCC"/sys/*|"$SRCC"/proc/*) echo "record-host: output inside the source tree" >&2; exit 111 ;;
esac
[ "$OUTC" != "$SRCC" ] || { echo "record-host: output is the source" >&2; exit 111; }

# "$SRCC/x" for tree-relative path x (SRCC may be "/")
if [ "$SRCC" = / ]; then PFX=; else PFX=$SRCC; fi

# tree-relative canonical path of an existing directory given by tree-relative path
canon() {
	_p=$(cd -P "$PFX/$1" 2>/dev/null && pwd -P) || return 1
	case $_p in
	"$PFX"/*) printf '%s\n' "${_p#"$PFX"/}" ;;
	*) return 1 ;;
	esac
}

copy_file() { # rel
	[ -f "$PFX/$1" ] || return 0
	mkdir -p "$OUT/${1%/*}"
	cat "$PFX/$1" >"$OUT/$1" 2>/dev/null || rm -f "$OUT/$1"
}

copy_files() { # dir name...
	_d=$1; shift
	for _f in "$@"; do
		[ -f "$PFX/$_d/$_f" ] || continue
		cat "$PFX/$_d/$_f" >"$OUT/$_d/$_f" 2>/dev/null || rm -f "$OUT/$_d/$_f"
	done
}

empty_files() { # dir name...   (write-only kernel files: create empty if present)
	_d=$1; shift
	for _f in "$@"; do
		[ -e "$PFX/$_d/$_f" ] && : >"$OUT/$_d/$_f"
	done
}

copy_link() { # rel
	[ -L "$PFX/$1" ] || return 0
	[ -L "$OUT/$1" ] && return 0
	mkdir -p "$OUT/${1%/*}"
	ln -s "$(readlink "$PFX/$1")" "$OUT/$1"
}

copy_links_in() { # dir glob...   (symlinks among the dir's entries matching the globs)
	_d=$1; shift
	for _g in "$@"; do
		for _l in "$PFX/$_d"/$_g; do
			[ -L "$_l" ] && copy_link "$_d/${_l##*/}"
		done
	done
}

copy_dir_links() { # rel dir whose content is only links (holders, slaves, brif, devices)
	[ -d "$PFX/$1" ] || return 0
	mkdir -p "$OUT/$1"
	copy_links_in "$1" '*'
}

PCI_ATTRS="vendor device subsystem_vendor subsystem_device class revision boot_vga
driver_override modalias uevent resource reset_method numa_node enable irq sriov_totalvfs
sriov_numvfs sriov_drivers_autoprobe sriov_offset sriov_stride sriov_vf_device
secondary_bus_number subordinate_bus_number"

copy_pci_dev() { # rel of device dir
	mkdir -p "$OUT/$1"
	# shellcheck disable=SC2086  # word splitting of the list is intended
	copy_files "$1" $PCI_ATTRS
	# config: header only (the kernel gives 256 or 4096 bytes; 256 is plenty)
	if [ -f "$PFX/$1/config" ]; then
		dd if="$PFX/$1/config" of="$OUT/$1/config" bs=256 count=1 2>/dev/null ||
			rm -f "$OUT/$1/config"
	fi
	copy_links_in "$1" driver iommu_group iommu physfn 'virtfn*' subsystem
}

# ---------------------------------------------------------------- PCI bus
mkdir -p "$OUT/sys/bus/pci/devices" "$OUT/sys/bus/pci/drivers"
copy_file sys/bus/pci/drivers_autoprobe
empty_files sys/bus/pci drivers_probe rescan
for l in "$PFX"/sys/bus/pci/devices/*; do
	[ -L "$l" ] || continue
	a=${l##*/}
	copy_link "sys/bus/pci/devices/$a"
	rel=$(canon "sys/bus/pci/devices/$a") || continue
	copy_pci_dev "$rel"
done
# physical slots: NAME/address (DDDD:BB:SS), only where a slot or hotplug driver registered one
mkdir -p "$OUT/sys/bus/pci/slots"
for d in "$PFX"/sys/bus/pci/slots/*/; do
	[ -d "$d" ] || continue
	d=${d%/}
	mkdir -p "$OUT/sys/bus/pci/slots/${d##*/}"
	copy_files "sys/bus/pci/slots/${d##*/}" address
done
for d in "$PFX"/sys/bus/pci/drivers/*/; do
	[ -d "$d" ] || continue
	d=${d%/}; n=${d##*/}
	mkdir -p "$OUT/sys/bus/pci/drivers/$n"
	empty_files "sys/bus/pci/drivers/$n" bind unbind new_id remove_id
	copy_links_in "sys/bus/pci/drivers/$n" '[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:*'
done

# ---------------------------------------------------------------- IOMMU
mkdir -p "$OUT/sys/kernel/iommu_groups" "$OUT/sys/class/iommu"
for g in "$PFX"/sys/kernel/iommu_groups/*/; do
	[ -d "$g" ] || continue
	g=${g%/}; rel=sys/kernel/iommu_groups/${g##*/}
	mkdir -p "$OUT/$rel"
	copy_files "$rel" type reserved_regions
	copy_dir_links "$rel/devices"
done
for l in "$PFX"/sys/class/iommu/*; do
	[ -L "$l" ] || continue
	rel=sys/class/iommu/${l##*/}
	copy_link "$rel"
	t=$(canon "$rel") || continue
	mkdir -p "$OUT/$t"
	for sub in intel-iommu amd-iommu; do
		[ -d "$PFX/$t/$sub" ] || continue
		mkdir -p "$OUT/$t/$sub"
		copy_files "$t/$sub" cap ecap address version features
	done
	copy_dir_links "$t/devices"
done

# ---------------------------------------------------------------- block
copy_block_dir() { # rel of a block device dir
	mkdir -p "$OUT/$1"
	copy_files "$1" dev size ro removable partition start
	copy_link "$1/device"
	copy_dir_links "$1/holders"
	copy_dir_links "$1/slaves"
	if [ -d "$PFX/$1/dm" ]; then
		mkdir -p "$OUT/$1/dm"
		copy_files "$1/dm" name uuid
	fi
	if [ -d "$PFX/$1/md" ]; then
		mkdir -p "$OUT/$1/md"
		copy_files "$1/md" level raid_disks
	fi
}
mkdir -p "$OUT/sys/class/block" "$OUT/sys/block" "$OUT/sys/dev/block"
for base in sys/class/block sys/block sys/dev/block; do
	for l in "$PFX/$base"/*; do
		[ -L "$l" ] || continue
		rel=$base/${l##*/}
		copy_link "$rel"
		t=$(canon "$rel") || continue
		[ -d "$OUT/$t" ] || copy_block_dir "$t"
	done
done

# ---------------------------------------------------------------- net
mkdir -p "$OUT/sys/class/net"
for l in "$PFX"/sys/class/net/*; do
	[ -L "$l" ] || continue
	rel=sys/class/net/${l##*/}
	copy_link "$rel"
	t=$(canon "$rel") || continue
	mkdir -p "$OUT/$t"
	copy_files "$t" address ifindex operstate type mtu
	copy_links_in "$t" device master 'lower_*' 'upper_*'
	copy_dir_links "$t/brif"
	if [ -d "$PFX/$t/bonding" ]; then
		mkdir -p "$OUT/$t/bonding"
		copy_files "$t/bonding" slaves
	fi
done

# ---------------------------------------------------------------- mdev
# Registered parents (sys/class/mdev_bus) with their types, every mediated
# device, and what check says a parent is missing (i915's enable_gvt, kvmgt).
if [ -d "$PFX/sys/class/mdev_bus" ]; then
	mkdir -p "$OUT/sys/class/mdev_bus" "$OUT/sys/bus/mdev/devices"
	for l in "$PFX"/sys/class/mdev_bus/*; do
		[ -L "$l" ] || continue
		rel=sys/class/mdev_bus/${l##*/}
		copy_link "$rel"
		t=$(canon "$rel") || continue
		for ty in "$PFX/$t"/mdev_supported_types/*/; do
			[ -d "$ty" ] || continue
			ty=${ty%/}
			r=$t/mdev_supported_types/${ty##*/}
			mkdir -p "$OUT/$r"
			copy_files "$r" name description device_api available_instances
			empty_files "$r" create
			copy_dir_links "$r/devices"
		done
	done
	for l in "$PFX"/sys/bus/mdev/devices/*; do
		[ -L "$l" ] || continue
		rel=sys/bus/mdev/devices/${l##*/}
		copy_link "$rel"
		t=$(canon "$rel") || continue
		mkdir -p "$OUT/$t"
		copy_files "$t" uevent
		empty_files "$t" remove
		copy_links_in "$t" mdev_type subsystem
	done
fi
if [ -f "$PFX/sys/module/i915/parameters/enable_gvt" ]; then
	mkdir -p "$OUT/sys/module/i915/parameters"
	copy_file sys/module/i915/parameters/enable_gvt
fi
for m in kvmgt mdev; do
	[ -d "$PFX/sys/module/$m" ] && mkdir -p "$OUT/sys/module/$m"
done

# ---------------------------------------------------------------- proc, modules, dev, run
mkdir -p "$OUT/proc/self" "$OUT/proc/net" "$OUT/dev" "$OUT/run"
for f in proc/cmdline proc/self/mountinfo proc/mounts proc/swaps proc/net/route proc/iomem; do
	copy_file "$f"
done
if [ "$SRCC" = / ]; then
	kvers=$(uname -r)
else
	kvers=$(ls "$PFX/lib/modules" 2>/dev/null)
fi
for k in $kvers; do
	[ -d "$PFX/lib/modules/$k" ] || continue
	mkdir -p "$OUT/lib/modules/$k"
	copy_file "lib/modules/$k/modules.builtin"
done
: >"$OUT/dev/kmsg"
# git keeps no empty directories: list them so 'mktree RECORDED OUT' can restore them
(cd "$OUT" && find . -type d -empty | sed 's|^\./||' | LC_ALL=C sort) >"$OUT/.emptydirs"
exit 0
