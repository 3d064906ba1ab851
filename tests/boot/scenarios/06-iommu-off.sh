# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="IOMMU off (intel_iommu=off): nothing bound, one clear log line, boot continues; check --json in the guest says no IOMMU and why"
GENS="initramfs-tools dracut"
MACHINES=standard
CONFIG="bind 0000:00:05.0"
APPEND="intel_iommu=off vfiotest.check"
assertions() {
	use_report initrd || return
	expect_dev 0000:00:05.0 driver=bochs-drm override=none group=none
	expect_dev 0000:00:05.1 driver=snd_hda_intel override=none group=none
	expect_no_module vfio_pci
	expect_kmsg 'vfio-early: no IOMMU groups' 1
	expect_no_kmsg 'vfio-early: group'
	# The doctor, against the real kernel's /sys and /proc: no IOMMU, the
	# command line is the cause, and check fails. (Interrupt remapping is
	# not asserted: intel_iommu=off leaves it on, "DMAR-IR: Enabled IRQ
	# remapping", and check reports that.)
	expect_check_rc 1
	expect_check '.host.iommu' false
	expect_check '.host.iommu_vendor' null
	expect_check '.host.iommu_units' 0
	expect_check '[.host.findings[] | select(.code == "no-iommu" or .code == "iommu-cmdline-off") | .code] | sort' '["iommu-cmdline-off","no-iommu"]'
}
