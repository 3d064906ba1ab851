# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="IOMMU off (intel_iommu=off): nothing bound, one clear log line, boot continues"
GENS="initramfs-tools dracut"
MACHINES=standard
CONFIG="bind 0000:00:05.0"
APPEND="intel_iommu=off"
assertions() {
	use_report initrd || return
	expect_dev 0000:00:05.0 driver=bochs-drm override=none group=none
	expect_dev 0000:00:05.1 driver=snd_hda_intel override=none group=none
	expect_no_module vfio_pci
	expect_kmsg 'vfio-early: no IOMMU groups' 1
	expect_no_kmsg 'vfio-early: group'
}
