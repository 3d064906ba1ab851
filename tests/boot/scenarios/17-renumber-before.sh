# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="selectors that survive renumbering, first boot: the e1000e in physical slot 8 (behind root port 00:08.0) is bus 01; path=, slot= and serial= rules name it, so does an address rule with its id; vfio-early list in the guest shows its slot, path and serial number and offers the serial= line"
# shellcheck source=tests/boot/scenarios/renumber.bash
. "$BOOT_DIR/scenarios/renumber.bash"
MACHINES="standard rpslot"
assertions() {
	use_report initrd || return
	renumber_card 01
}
