# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="vfio-early.bind= on the kernel command line adds a binding without rebuilding the image"
GENS="initramfs-tools dracut"
MACHINES=standard
CONFIG="# nothing configured: the command line names the device"
APPEND="intel_iommu=on iommu=pt vfio-early.bind=0000:00:04.0"
assertions() {
	use_report initrd || return
	expect_dev 0000:00:04.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:03.0 driver=e1000e override=none
	expect_kmsg 'vfio-early: group [0-9]+: bound 0000:00:04.0 to vfio-pci' 1
	expect_before_udev
}
