# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="protected: the root disk's controller (virtio-blk) shares a group with the selected e1000 behind one bridge; the image's protected list (computed at build time from a recording of this very guest) names it; the group is refused, the disk keeps its driver and the boot goes on into the root on that disk"
GENS="initramfs-tools dracut"
MACHINES=protected
ROOT=yes
SYSROOT=capture
CONFIG="bind 0000:01:02.0"
APPEND="root=/dev/vda rootfstype=ext4 ro vfiotest.root intel_iommu=on iommu=pt"
assertions() {
	use_report initrd || return
	expect_same_group 0000:01:01.0 0000:01:02.0
	expect_protected 0000:01:01.0
	expect_live_protected_matches
	expect_dev 0000:01:01.0 driver=virtio-pci override=none
	expect_dev 0000:01:02.0 driver=e1000 override=none
	expect_kmsg 'vfio-early: group [0-9]+: refused: .*0000:01:01.0' 1
	expect_no_kmsg 'vfio-early: group [0-9]+: bound'
	use_report root || return
	expect_rootfs 'ext4 /dev/vda'
	expect_dev 0000:01:01.0 driver=virtio-pci override=none
	expect_dev 0000:01:02.0 driver=e1000 override=none
}
