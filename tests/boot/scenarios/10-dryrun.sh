# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="vfio-early.dryrun: the plan is logged, nothing is bound"
GENS="initramfs-tools dracut"
MACHINES=standard
CONFIG="bind 0000:00:05.0"
APPEND="intel_iommu=on iommu=pt vfio-early.dryrun"
assertions() {
	use_report initrd || return
	expect_dev 0000:00:05.0 driver=bochs-drm override=none
	expect_dev 0000:00:05.1 driver=snd_hda_intel override=none
	expect_kmsg 'vfio-early: group [0-9]+: dry run: would bind 0000:00:05.0 0000:00:05.1' 1
}
