# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="mdev: mtty loaded before udevd (its change event lost, as for a parent registered before the initramfs's udev, or before switch_root): coldplug's synthetic add event runs vfio-early mdev-apply, once; the instances exist with the given and the derived UUID, and after switch_root into a real root they, the record and status still agree"
GENS="initramfs-tools dracut"
MACHINES="standard rootdisk"
ROOT=yes
MODULES_PREP=mtty
CONFIG="mdev parent=mtty type=mtty-2 count=2 uuid=0b0c0d0e-0000-4000-8000-000000000001"
APPEND="root=/dev/vda rootfstype=ext4 ro vfiotest.root intel_iommu=on iommu=pt vfiotest.native=mtty vfiotest.status"
assertions() {
	local given=0b0c0d0e-0000-4000-8000-000000000001 d1
	d1=$(mdev_v5 'mtty|mtty-2|1')
	use_report initrd || return
	expect_kmsg 'VFIOTEST-native loaded mtty' 1
	expect_mdev "$given" type=mtty-2 parent=mtty driver=mtty
	expect_mdev "$d1" type=mtty-2 parent=mtty driver=mtty
	expect_kmsg "vfio-early: mdev " 1
	expect_kmsg "vfio-early: mdev mtty \(udev add\): mtty-2 $given created, mtty-2 $d1 created in [0-9]+ us" 1
	expect_mdev_record mtty '[.event, .instances[].result]' '["add","created","created"]'
	expect_status_rc 0
	use_report root || return
	expect_rootfs 'ext4 /dev/vda'
	expect_mdev "$given" type=mtty-2 parent=mtty driver=mtty
	expect_mdev "$d1" type=mtty-2 parent=mtty driver=mtty
	expect_mdev_record mtty '[.instances[] | .uuid + " " + .result]' "[\"$given created\",\"$d1 created\"]"
	expect_status_rc 0
	grep -qE "^status\| $d1 +mtty +mtty-2 +1 +derived +created +ok$" <<< "$REPORT" || fail "$WHERE: status has no ok line for $d1"
}
