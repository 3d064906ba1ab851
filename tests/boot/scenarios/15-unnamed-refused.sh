# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="never take what was not named: the named GPU shares its group (behind one bridge) with a USB controller and a NIC nobody named; the group is refused, all three keep what they had (bochs-drm, e1000; the xHCI has no driver in this image), one kernel log line lists the two"
GENS="initramfs-tools dracut"
MACHINES="standard shared"
CONFIG="bind 0000:01:01.0"
APPEND="intel_iommu=on iommu=pt"
assertions() {
	use_report initrd || return
	expect_same_group 0000:00:07.0 0000:01:01.0
	expect_same_group 0000:01:01.0 0000:01:02.0
	expect_same_group 0000:01:01.0 0000:01:03.0
	expect_dev 0000:01:01.0 driver=bochs-drm override=none
	expect_dev 0000:01:02.0 driver=none override=none # xhci_pci is not in this image
	expect_dev 0000:01:03.0 driver=e1000 override=none
	expect_kmsg 'vfio-early: group [0-9]+: refused: 2 reasons: unnamed 0000:01:02.0 0000:01:03.0 ' 1
	expect_no_kmsg 'vfio-early: group [0-9]+: bound'
	expect_state '"code": "unnamed"'
	expect_before_udev
}
