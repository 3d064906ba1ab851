# shellcheck shell=bash disable=SC2034 # variables read by run.sh
# What scenarios 17 and 18 share: one image (one config) booted before and
# after the slot-8 e1000e moves from bus 01 to bus 02.
# serial=: QEMU gives an e1000e the PCIe Device Serial Number of its MAC
# as an EUI-64 (52:54:00:00:00:08: 52-54-00-ff-ff-00-00-08). The last rule
# is the address rule written at the first boot, with the card's id: after
# the move it finds another card there and fails closed.
GENS="initramfs-tools dracut"
CONFIG="bind path=00:08.0/00
bind slot=8 id=8086:10d3
bind serial=52-54-00-ff-ff-00-00-08 id=8086:10d3
bind 0000:01:00.0 id=8086:10d3"
APPEND="intel_iommu=on iommu=pt vfiotest.list"

# renumber_card BUS: the slot-8 card, on bus BUS, bound by every rule that
# names it where it is, and offered by list under the same serial= line.
renumber_card() {
	expect_dev "0000:$1:00.0" id=8086:10d3 driver=vfio-pci override=vfio-pci
	expect_kmsg "vfio-early: group [0-9]+: bound 0000:$1:00.0 to vfio-pci" 1
	# every rule found the card: slot=8 (pciehp's slot), path= and
	# serial= each on their own, or the record would hold a rule-no-match
	# finding
	if grep '^state ' <<< "$REPORT" | grep -q '"rule-no-match"'; then
		fail "$WHERE: a rule matched nothing: $(grep '^state ' <<< "$REPORT" | grep -A1 '"rule-no-match"' | tr -s ' ' | head -c 300)"
	fi
	# vfio-early list in the guest shows the card's slot, path and serial
	# number, and offers the most stable of them as the line to paste: the
	# same line before and after the move
	expect_list ".groups[].devices[] | select(.address == \"0000:$1:00.0\") | [.vendor, .device, .slot, .path, .serial, .driver]" \
		'["8086","10d3","8","00:08.0/00.0","525400ffff000008","vfio-pci"]'
	expect_list "[.groups[].cards[] | select(.card == \"0000:$1:00\") | .bind]" '["bind serial=525400ffff000008 id=8086:10d3"]'
	expect_list_rc 0
	expect_before_udev
}
