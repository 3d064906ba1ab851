# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="SR-IOV: an NVMe PF with sriov_max_vfs=2 gets 2 VFs before udev, both on vfio-pci, the PF still on nvme with sriov_drivers_autoprobe restored; the identical second PF, not named, gets none"
GENS="initramfs-tools dracut"
MACHINES=sriov
CONFIG="sriov 0000:01:00.0 vfs=2"
APPEND="intel_iommu=on iommu=pt"
assertions() {
	use_report initrd || return
	# autoprobe=1: sriov_drivers_autoprobe was restored after the VFs were bound
	expect_dev 0000:01:00.0 id=1b36:0010 driver=nvme numvfs=2 autoprobe=1
	expect_dev 0000:01:00.1 physfn=0000:01:00.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:01:00.2 physfn=0000:01:00.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:02:00.0 id=1b36:0010 driver=nvme numvfs=0
	expect_no_dev_matching 'physfn=0000:02:00.0'
	expect_kmsg 'vfio-early: sriov 0000:01:00.0: 2 VF\(s\) created in [0-9]+ us: 0000:01:00.1 0000:01:00.2$' 1
	expect_module nvme vfio_pci vfio_iommu_type1
	info "VF step $(sed -n 's/^kmsg .*vfio-early: sriov 0000:01:00.0: 2 VF(s) created in \([0-9]*\) us.*/\1/p' <<< "$REPORT") us"
	expect_before_udev
}
