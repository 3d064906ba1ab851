# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="GPU+HDA sharing a group, selected by the GPU's address only: both on vfio-pci; another HDA stays on snd_hda_intel; udev loaded the native drivers and they did not bind the targets"
GENS="initramfs-tools dracut dracut-shell"
MACHINES=standard
CONFIG="bind 0000:00:05.0"
APPEND="intel_iommu=on iommu=pt"
assertions() {
	use_report initrd || return
	expect_same_group 0000:00:05.0 0000:00:05.1
	expect_dev 0000:00:05.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:05.1 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:06.0 driver=snd_hda_intel override=none
	expect_dev 0000:00:02.0 driver=bochs-drm override=none boot_vga=1
	# The native drivers were loaded (by udev: nothing else in the image
	# loads them) and still did not get the targets.
	expect_module bochs snd_hda_intel
	expect_no_kmsg 'VFIOTEST-native'
	expect_module vfio_pci vfio_iommu_type1
	expect_kmsg 'vfio-early: group [0-9]+: bound 0000:00:05.0 0000:00:05.1 \(group member\) to vfio-pci' 1
	expect_kmsg_files
	expect_before_udev
}
