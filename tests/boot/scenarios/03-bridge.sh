# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="group with a bridge (pcie-pci-bridge + e1000 + rtl8139 behind it), both NICs named: both bound, the bridge untouched"
GENS="initramfs-tools dracut"
MACHINES=bridge
CONFIG="bind 0000:01:01.0
bind 0000:01:02.0"
APPEND="intel_iommu=on iommu=pt"
assertions() {
	use_report initrd || return
	expect_same_group 0000:00:07.0 0000:01:01.0
	expect_same_group 0000:00:07.0 0000:01:02.0
	expect_dev 0000:00:07.0 class=0x060400 driver=none override=none
	expect_dev 0000:01:01.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:01:02.0 driver=vfio-pci override=vfio-pci
	expect_module e1000 8139cp
	expect_kmsg 'vfio-early: group [0-9]+: bound 0000:01:01.0 0000:01:02.0 to vfio-pci' 1
	expect_before_udev
}
