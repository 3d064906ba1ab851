# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="SR-IOV: asking for 3 VFs on a 2-VF PF is refused with a clear log line; no VF is created and the boot continues"
GENS="initramfs-tools dracut"
MACHINES=sriov
CONFIG="sriov 0000:01:00.0 vfs=3"
APPEND="intel_iommu=on iommu=pt"
assertions() {
	use_report initrd || return
	expect_dev 0000:01:00.0 driver=nvme numvfs=0
	expect_dev 0000:02:00.0 driver=nvme numvfs=0
	expect_no_dev_matching 'physfn='
	expect_kmsg 'vfio-early: sriov 0000:01:00.0: refused: .*at most 2 VFs' 1
}
