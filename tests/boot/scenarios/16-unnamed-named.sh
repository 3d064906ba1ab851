# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="the machine of 15, the USB controller and the NIC named too: the whole group on vfio-pci, the bridge untouched"
GENS="initramfs-tools dracut"
MACHINES="standard shared"
CONFIG="bind 0000:01:01.0
bind 0000:01:02.0
bind 0000:01:03.0"
APPEND="intel_iommu=on iommu=pt"
assertions() {
	use_report initrd || return
	expect_dev 0000:00:07.0 class=0x060400 driver=none override=none
	expect_dev 0000:01:01.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:01:02.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:01:03.0 driver=vfio-pci override=vfio-pci
	expect_kmsg 'vfio-early: group [0-9]+: bound 0000:01:01.0 0000:01:02.0 0000:01:03.0 to vfio-pci' 1
	expect_before_udev
}
