# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="identical twins (two e1000e 8086:10d3): selecting one by address binds only it"
GENS="initramfs-tools dracut"
MACHINES=standard
CONFIG="bind 0000:00:04.0"
APPEND="intel_iommu=on iommu=pt"
assertions() {
	use_report initrd || return
	expect_dev 0000:00:03.0 id=8086:10d3 driver=e1000e override=none
	expect_dev 0000:00:04.0 id=8086:10d3 driver=vfio-pci override=vfio-pci
	expect_module e1000e
	expect_kmsg 'vfio-early: group [0-9]+: bound 0000:00:04.0 to vfio-pci' 1
	expect_before_udev
}
