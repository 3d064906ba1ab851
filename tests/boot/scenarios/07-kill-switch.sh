# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="kill switch vfio-early.off on the kernel command line: nothing bound, one log line"
GENS="initramfs-tools dracut"
MACHINES=standard
CONFIG="bind 0000:00:05.0"
APPEND="intel_iommu=on iommu=pt vfio-early.off"
assertions() {
	use_report initrd || return
	expect_dev 0000:00:05.0 driver=bochs-drm override=none
	expect_dev 0000:00:05.1 driver=snd_hda_intel override=none
	expect_no_module vfio_pci
	expect_kmsg 'vfio-early: disabled by vfio-early.off' 1
	expect_no_kmsg 'vfio-early: group'
}
