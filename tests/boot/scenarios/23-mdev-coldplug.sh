# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="mdev: mtty loaded before udevd starts (a parent registered before the initramfs's udev, or before switch_root): coldplug's synthetic add runs vfio-early mdev-apply; each instance is created once, with the given and the derived UUID (initramfs-tools: the change event was lost, only the add ran; dracut's systemd initrd: its socket-activated kernel socket kept the change event, which created them, and the add kept them); after switch_root into a real root the instances, the record and status still agree"
GENS="initramfs-tools dracut"
MACHINES="standard rootdisk"
ROOT=yes
MODULES_PREP=mtty
CONFIG="mdev parent=mtty type=mtty-2 count=2 uuid=0b0c0d0e-0000-4000-8000-000000000001"
APPEND="root=/dev/vda rootfstype=ext4 ro vfiotest.root intel_iommu=on iommu=pt vfiotest.native=mtty vfiotest.status"
assertions() {
	local given=0b0c0d0e-0000-4000-8000-000000000001 d1 last
	d1=$(mdev_v5 'mtty|mtty-2|1')
	use_report initrd || return
	expect_kmsg 'VFIOTEST-native loaded mtty' 1
	expect_mdev "$given" type=mtty-2 parent=mtty driver=mtty
	expect_mdev "$d1" type=mtty-2 parent=mtty driver=mtty
	# coldplug's add ran it; each instance was created exactly once
	expect_kmsg "vfio-early: mdev mtty \(udev add\): mtty-2 $given (created|present), mtty-2 $d1 (created|present) in [0-9]+ us" 1
	expect_kmsg "vfio-early: mdev mtty .*$given created" 1
	expect_kmsg "vfio-early: mdev mtty .*$d1 created" 1
	# gen: run_one's generator
	# shellcheck disable=SC2154
	case $gen in
	initramfs-tools)
		# udevd was not listening: the change event is gone, only the add ran
		expect_kmsg "vfio-early: mdev " 1
		last=created
		;;
	dracut)
		# systemd's udev kernel socket was listening before udevd: the
		# change event waited for it and ran first
		expect_kmsg "vfio-early: mdev mtty \(udev change\): mtty-2 $given created, mtty-2 $d1 created in" 1
		expect_kmsg "vfio-early: mdev " 2
		last=present
		;;
	esac
	expect_mdev_record mtty '[.event, .instances[].result]' "[\"add\",\"$last\",\"$last\"]"
	expect_status_rc 0
	use_report root || return
	expect_rootfs 'ext4 /dev/vda'
	expect_mdev "$given" type=mtty-2 parent=mtty driver=mtty
	expect_mdev "$d1" type=mtty-2 parent=mtty driver=mtty
	expect_mdev_record mtty '[.instances[] | .uuid + " " + .result]' "[\"$given $last\",\"$d1 $last\"]"
	expect_status_rc 0
	grep -qE "^status\| $d1 +mtty +mtty-2 +1 +derived +$last +ok$" <<< "$REPORT" || fail "$WHERE: status has no ok line for $d1"
}
