# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="a device whose native driver got there first (e1000e loaded by a test hook before ours) ends on vfio-pci; its twin keeps e1000e"
GENS="initramfs-tools dracut"
MACHINES=standard
CONFIG="bind 0000:00:04.0"
APPEND="intel_iommu=on iommu=pt vfiotest.native=e1000e"
assertions() {
	use_report initrd || return
	expect_kmsg 'VFIOTEST-native loaded e1000e' 1
	expect_dev 0000:00:04.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:03.0 driver=e1000e override=none
	expect_state '"driver_before": "e1000e"'
	expect_kmsg 'vfio-early: group [0-9]+: bound 0000:00:04.0 to vfio-pci' 1
	expect_before_udev
}
