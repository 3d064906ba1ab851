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
	# every rule found the card: slot=8 (pciehp/acpiphp's slot) and path=
	# each on their own, or the record would hold a rule-no-match finding
	if grep '^state ' <<< "$REPORT" | grep -q '"rule-no-match"'; then
		fail "$WHERE: a rule matched nothing: $(grep '^state ' <<< "$REPORT" | grep -A1 '"rule-no-match"' | tr -s ' ' | head -c 300)"
	fi
	expect_before_udev
}
