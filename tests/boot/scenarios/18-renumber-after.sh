# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="the machine of 17 with another root port and card before it: the slot-8 e1000e moved to bus 02; the same image (same config) binds it there by path=, slot= and serial=, the address rule (01:00.0 with its id) now finds the e1000 there and refuses it; list offers the same serial= line as before the move"
# shellcheck source=tests/boot/scenarios/renumber.bash
. "$BOOT_DIR/scenarios/renumber.bash"
MACHINES="standard rpextra rpslot"
assertions() {
	use_report initrd || return
	expect_dev 0000:01:00.0 id=8086:100e driver=e1000 override=none
	expect_kmsg 'vfio-early: group [0-9]+: refused: 0000:01:00.0 is 8086:100e .*expects id=8086:10d3' 1
	renumber_card 02
}
