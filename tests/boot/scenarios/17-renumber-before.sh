# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="selectors that survive renumbering, first boot: the e1000e in physical slot 8 (behind root port 00:08.0) is bus 01; path= and slot= rules name it, so does an address rule with its id"
GENS="initramfs-tools dracut"
MACHINES="standard rpslot"
# The last rule is the address rule written at the first boot, with the
# card's id: after the move it finds another card there and fails closed.
CONFIG="bind path=00:08.0/00
bind slot=8 id=8086:10d3
bind 0000:01:00.0 id=8086:10d3"
APPEND="intel_iommu=on iommu=pt"
assertions() {
	use_report initrd || return
	expect_dev 0000:01:00.0 id=8086:10d3 driver=vfio-pci override=vfio-pci
	expect_kmsg 'vfio-early: group [0-9]+: bound 0000:01:00.0 to vfio-pci' 1
	expect_before_udev
}
