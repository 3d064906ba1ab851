#!/usr/bin/env bats
# Selectors that survive renumbering (issue 12): slot=, path=, serial= bind
# the same card in renumber.tree and in renumbered.tree (the same machine
# after a NIC went in before the GPU: the GPU moved from bus 01 to 02); an
# address rule with id= refuses in the second.
# shellcheck disable=SC2030,SC2031 # bats runs each test in a subshell

bats_require_minimum_version 1.5.0
load helpers

jcheck() { run ve check --json; JSON=$output; }
jq_() { jq -r "$1" <<<"$JSON"; }
bound() { jq_ '[.groups[] | select(.action == "bind") | .devices[] | select(.action == "bind") | .address] | join(",")'; }

# slot "1" is the physical slot behind root port 00:01.1: its address is the
# GPU's bus:slot, whatever bus that is.
slot1() { # BUS
	mkdir -p "$ROOT/sys/bus/pci/slots/1" "$ROOT/sys/bus/pci/slots/2"
	printf '0000:%s:00\n' "$1" >"$ROOT/sys/bus/pci/slots/1/address"
	: >"$ROOT/sys/bus/pci/slots/2/address" # an empty hotplug slot
}

both() { # RULE... : the GPU and its HDA bound in both trees
	local t bus
	for t in renumber:01 renumbered:02; do
		bus=${t#*:}
		tree "${t%%:*}"
		slot1 "$bus"
		conf "$@"
		jcheck
		[ "$status" -eq 0 ] || { echo "$t: exit $status"; false; }
		[ "$(bound)" = "0000:$bus:00.0,0000:$bus:00.1" ] || { echo "$t: bound $(bound)"; false; }
	done
}

@test "renumbering: an address rule with id= binds before and refuses after (fail closed)" {
	tree renumber
	conf "bind 01:00.0 id=10de:2204"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(bound)" = "0000:01:00.0,0000:01:00.1" ]
	tree renumbered
	jcheck
	[ "$status" -eq 1 ]
	[ "$(jq_ '[.groups[].reasons[].code] | join(",")')" = id-mismatch ]
	[ -z "$(bound)" ]
}

@test "slot=NAME follows the card (with and without id=)" {
	both "bind slot=1"
	both "bind slot=1 id=10de:2204"
	# the card's id is its function 0's: a wrong one refuses, in both trees
	tree renumbered
	slot1 02
	conf "bind slot=1 id=10de:1c82"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(jq_ '[.groups[].reasons[] | .code + " " + .device] | join(",")')" = "id-mismatch 0000:02:00.0,id-mismatch 0000:02:00.1" ]
	# a slot with no card, an unknown slot: no match, nothing bound
	conf "bind slot=2" "bind slot=9"
	jcheck
	[ "$(jq_ '[.host.findings[] | select(.code == "rule-no-match")] | length')" = 2 ]
	[ -z "$(bound)" ]
}

@test "path= follows the card: whole card, one function, the domain spelled out" {
	both "bind path=00:01.1/00"
	both "bind path=0000:00:01.1/00 id=10de:2204"
	both "bind path=00:01.1/00.0"
	# the NIC behind 00:01.0 is never taken by the GPU's path
	tree renumbered
	conf "bind path=00:01.1/00.1"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(jq_ '[.groups[].devices[] | select(.selected_by != "group") | .address] | join(",")')" = 0000:02:00.1 ]
	conf "bind path=00:01.0/00"
	jcheck
	[ "$(bound)" = 0000:01:00.0 ]
}

@test "serial= follows the card: the DSN of function 0 names every function" {
	both "bind serial=00-11-22-ff-ff-33-44-55"
	both "bind serial=001122ffff334455 id=10de:2204"
	tree renumbered
	conf "bind serial=aa-bb-cc-ff-ff-dd-ee-01"
	jcheck
	[ "$(bound)" = 0000:01:00.0 ]
}

@test "the kernel command line takes the same selectors" {
	tree renumbered
	slot1 02
	conf "# nothing here"
	printf 'root=/dev/sda1 vfio-early.bind=path=00:01.1/00,slot=9\n' >"$BATS_TEST_TMPDIR/cmdline"
	run ve --cmdline "$BATS_TEST_TMPDIR/cmdline" check --json
	JSON=$output
	[ "$(bound)" = "0000:02:00.0,0000:02:00.1" ]
	[ "$(jq_ '.cmdline.bind_rules')" = 2 ]
	printf 'vfio-early.bind=path=00:01.1/00/00.0,serial=12\n' >"$BATS_TEST_TMPDIR/cmdline"
	run ve --cmdline "$BATS_TEST_TMPDIR/cmdline" check --json
	JSON=$output
	[ "$(jq_ '.cmdline.bind_rules')" = 0 ]
	[ "$(jq_ '[.host.notes[] | select(test("is not a PCI address or device"))] | length')" = 2 ]
}

@test "bad selectors are config errors naming the line and the grammar" {
	tree renumber
	conf "bind slot=../x" "bind path=00:01.1/00/00.0" "bind path=00:01.1/20.0" "bind serial=123" \
		"bind slot=1 path=00:01.1/00" "protect path=00:1c.0"
	run ve validate
	[ "$status" -eq 2 ]
	[[ "$output" == *":1: 'slot=../x': expected slot=NAME"* ]]
	[[ "$output" == *":2: 'path=00:01.1/00/00.0': expected path=[DDDD:]BB:DD.F/DD.F/"* ]]
	[[ "$output" == *":3: 'path=00:01.1/20.0': expected path="* ]]
	[[ "$output" == *":4: 'serial=123': expected serial="* ]]
	[[ "$output" == *":5: 'path=00:01.1/00': a rule takes one address"* ]]
	[[ "$output" != *":6:"* ]] # protect by path is fine
}

@test "selectors are read only when a rule uses them" {
	tree renumber
	conf "bind 01:00.0"
	run strace -f -qq -e trace=openat,openat2,readlinkat -o "$BATS_TEST_TMPDIR/st" "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" apply
	run ! grep -E '/config"|bus/pci/slots' "$BATS_TEST_TMPDIR/st"
	conf "bind serial=00-11-22-ff-ff-33-44-55"
	run strace -f -qq -e trace=openat,openat2 -o "$BATS_TEST_TMPDIR/st" "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" check
	grep -qE '0000:01:00.0/config"' "$BATS_TEST_TMPDIR/st"
}
