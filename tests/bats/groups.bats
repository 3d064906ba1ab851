#!/usr/bin/env bats
# Issue 11: never take a device the user did not name. A group is bound only
# when each endpoint in it is selected by a rule or is another function of a
# selected device's slot (bridges aside); a refused group gives every reason
# (.groups[].reasons, all of them in .reason, the text, one kernel log line); hints
# where users trip (slot-function-elsewhere, rule-matches-several, closest
# devices in rule-no-match). The trees are built from published layouts, their
# sources in their headers: b550-chipset-group, b550-chipset-group-boot-vga,
# intel-pch-group, server-bmc, gpu-hda-split (tests/sysfs/trees).

load helpers
bats_require_minimum_version 1.5.0

REASON_CODES="protected host-critical no-iommu-group unreadable id-mismatch boot-vga unnamed strict only-bridges"

jcheck() { run ve check --json; JSON=$output; }
jq_() { jq -r "$@" <<<"$JSON"; }
# grp N FILTER: FILTER applied to IOMMU group N of the plan (N may be null)
grp() { jq -r --argjson g "$1" ".groups[] | select(.iommu_group == \$g) | $2" <<<"$JSON"; }
# the devices of group N's reasons with code C, sorted, comma-joined
reason_devs() { grp "$1" "[.reasons[] | select(.code == \"$2\") | .device] | sort | join(\",\")"; }
# the distinct reason codes of group N
codes_of() { grp "$1" '[.reasons[].code] | unique | join(",")'; }
# group N's members as "bus:dev.fn=action", in the plan's order
members() { grp "$1" '[.devices[] | .address[5:] + "=" + .action] | join(",")'; }
fcodes() { jq -r '[.host.findings[].code] | join(" ")' <<<"$JSON"; }
# not "! has": bats ignores a negated command's status mid-test
hasnt() { [[ " $(fcodes) " != *" $1 "* ]]; }
finding() { jq -r --arg c "$1" --arg f "$2" '[.host.findings[] | select(.code == $c) | .[$f]] | join("\n")' <<<"$JSON"; }

B550_UNNAMED="0000:02:00.0,0000:02:00.1,0000:2a:00.0"

@test "B550 chipset group: binding the GT 710 alone is refused, USB, SATA and NIC named, not its HDA, not the bridges" {
	tree b550-chipset-group
	conf "bind 04:00.0"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(grp 13 .action)" = refuse ]
	[ "$(reason_devs 13 unnamed)" = "$B550_UNNAMED" ]
	[ "$(codes_of 13)" = unnamed ]
	[ "$(grp 13 '[.devices[].action] | unique | join(",")')" = keep ]
	[ "$(jq_ '.summary.groups_refused')" = 1 ]
	# nothing in group 13 is protected: only the new rule keeps them
	[ "$(jq_ '[.protected[].address] | join(",")')" = "0000:01:00.0,0000:2d:00.3" ]
	# one name missing is still refused, and only that one is named
	conf "bind 04:00.0" "bind 02:00.0" "bind 02:00.1"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(grp 13 .action)" = refuse ]
	[ "$(reason_devs 13 unnamed)" = 0000:2a:00.0 ]
}

@test "B550 chipset group: naming every endpoint binds the group, the GT 710's HDA with it" {
	tree b550-chipset-group
	conf "bind 04:00.0" "bind 02:00.0" "bind 02:00.1" "bind 2a:00.0"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(grp 13 .action)" = bind ]
	[ "$(members 13)" = "02:00.0=bind,02:00.1=bind,02:00.2=skip-bridge,03:00.0=skip-bridge,03:09.0=skip-bridge,04:00.0=bind,04:00.1=bind,2a:00.0=bind" ]
	[ "$(grp 13 '(.reasons | type) + ":" + (.reasons | length | tostring)')" = array:0 ]
	[ "$(grp 13 .reason)" = null ]
}

@test "B550 chipset group: the text names each unnamed device with class and driver, and the bind lines to paste" {
	tree b550-chipset-group
	conf "bind 04:00.0"
	jcheck
	run ve check
	[ "$status" -eq 1 ]
	text=$output
	# the refusal, not the table rows (which always show address, class, driver)
	notable=$(grep -v -E '^13 +0000:' <<<"$text")
	local -A drv=([0000:02:00.0]=xhci_hcd [0000:02:00.1]=ahci [0000:2a:00.0]=r8169)
	local -A cls=([0000:02:00.0]=0c0330 [0000:02:00.1]=010601 [0000:2a:00.0]=020000)
	for a in 0000:02:00.0 0000:02:00.1 0000:2a:00.0; do
		name=$(jq -r --arg a "$a" '.groups[].devices[] | select(.address == $a) | .class_name' <<<"$JSON")
		[ -n "$name" ]
		line=$(grep -F -- "$a" <<<"$notable" | grep -F -- "${drv[$a]}" || true)
		echo "$a: ${line:-no line with its driver ${drv[$a]}}"
		[ -n "$line" ]
		[[ "${line,,}" == *"${cls[$a]}"* || "${line,,}" == *"${name,,}"* ]]
		# a line to paste into the config as it is (a trailing comment allowed)
		grep -E "^[[:space:]]*bind ${a//./\\.}([[:space:]]+#.*)?[[:space:]]*$" <<<"$text"
	done
	# the other ways on: its own group, and what pcie_acs_override really is
	[[ "$notable" == *"pcie_acs_override"*"trade-off"* ]]
	# no line offered for the card's own HDA or the bridges
	[[ "$text" != *"bind 0000:04:00.1"* ]]
	[[ "$text" != *"bind 0000:02:00.2"* ]]
	[[ "$text" != *"bind 0000:03:00.0"* ]]
	[[ "$text" != *"bind 0000:03:09.0"* ]]
	[[ "$text" == *"0 group(s) would be bound, 0 already bound, 1 refused."* ]]
}

@test "B550 boot-VGA board: every reason, not the first; allow-boot-vga leaves the unnamed ones refusing" {
	tree b550-chipset-group-boot-vga
	conf "bind 04:00.0"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(grp 13 .action)" = refuse ]
	[ "$(reason_devs 13 boot-vga)" = 0000:04:00.0 ]
	[ "$(reason_devs 13 unnamed)" = "$B550_UNNAMED" ]
	[ "$(codes_of 13)" = boot-vga,unnamed ]
	# the string field still holds every one of them (check-json.md: "every
	# reason in one text"), not only the first
	reason=$(grp 13 .reason)
	[[ "$reason" == *"0000:04:00.0"*"allow-boot-vga"* ]]
	[[ "$reason" == *"0000:02:00.0"* && "$reason" == *"0000:02:00.1"* && "$reason" == *"0000:2a:00.0"* ]]
	# allowing the boot VGA does not silently take the rest
	conf "bind 04:00.0 allow-boot-vga"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(grp 13 .action)" = refuse ]
	[ "$(codes_of 13)" = unnamed ]
	[ "$(reason_devs 13 unnamed)" = "$B550_UNNAMED" ]
	[ "$(grp 13 '[.devices[].action] | unique | join(",")')" = keep ]
	# and with all of them named it binds
	conf "bind 04:00.0 allow-boot-vga" "bind 02:00.0" "bind 02:00.1" "bind 2a:00.0"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(grp 13 .action)" = bind ]
}

@test "reasons: an array of {code, device, message}, codes from the documented set, .reason names every one" {
	tree b550-chipset-group-boot-vga
	conf "bind 04:00.0"
	jcheck
	[ "$(jq_ '[.groups[].reasons[]] | length')" = 4 ]
	[ "$(jq_ '[.groups[].reasons[] | (keys - ["code", "device", "message"]) == [] and (.code | type) == "string"
		and (.device | type) == "string" and (.message | type) == "string" and .message != ""] | all')" = true ]
	for c in $(jq_ '[.groups[].reasons[].code] | unique | join(" ")'); do
		[[ " $REASON_CODES " == *" $c "* ]] || { echo "code $c is not a documented one"; false; }
	done
	[ "$(jq_ '.groups | length')" = 1 ]
	reason=$(jq_ '.groups[0].reason')
	for d in $(jq_ '.groups[0].reasons[].device'); do
		[[ "$reason" == *"$d"* ]] || { echo "reason does not name $d: $reason"; false; }
	done
}

@test "the new codes are documented: findings in check-json.md's table, reason codes there or in vfio-early(8)" {
	doc=$TESTS_DIR/../conf/check-json.md
	for c in slot-function-elsewhere rule-matches-several; do
		grep -q -F -- "| \`$c\` |" "$doc" || { echo "finding $c not in $doc's table"; false; }
	done
	for c in $REASON_CODES; do
		grep -q -F -- "\`$c\`" "$doc" || grep -q -w -F -- "$c" "$TESTS_DIR/../conf/vfio-early.8" ||
			{ echo "reason code $c documented nowhere"; false; }
	done
}

@test "reason codes: protected, host-critical, no-iommu-group, unreadable, id-mismatch, only-bridges, each with its device" {
	tree server-bmc
	conf "bind 02:00.0"
	jcheck
	[ "$(reason_devs 15 protected)" = 0000:02:00.0 ]
	# the slot's other functions are not 'unnamed': what refuses them is the class
	conf "bind 00:1f.5"
	jcheck
	[ "$(reason_devs 14 host-critical)" = "0000:00:1f.0,0000:00:1f.4" ]
	[ "$(codes_of 14)" = host-critical ]
	conf "bind 00:1d.0"
	jcheck
	[ "$(codes_of 12)" = only-bridges ]
	# a protect rule is a reason beside the unnamed ones
	tree b550-chipset-group
	conf "bind 04:00.0" "protect 2a:00.0"
	jcheck
	[ "$(reason_devs 13 protected)" = 0000:2a:00.0 ]
	[[ "$(reason_devs 13 unnamed)" == "0000:02:00.0,0000:02:00.1"* ]]
	tree gpu-hda
	conf "bind 01:00.0 id=1002:67df"
	jcheck
	[ "$(reason_devs 12 id-mismatch)" = 0000:01:00.0 ]
	printf 'DRIVER=snd_hda_intel\nPCI_CLASS=zz\n' >"$ROOT/sys/bus/pci/devices/0000:01:00.1/uevent"
	printf '0xffffffffffffffff\n' >"$ROOT/sys/bus/pci/devices/0000:01:00.1/class"
	conf "bind 01:00.0"
	jcheck
	[ "$(reason_devs 12 unreadable)" = 0000:01:00.1 ]
	tree gpu-hda
	rm "$ROOT/sys/bus/pci/devices/0000:01:00.0/iommu_group"
	jcheck
	[ "$(reason_devs null no-iommu-group)" = 0000:01:00.0 ]
}

@test "strict: the card's other functions must be named too; the slot selector names them" {
	tree b550-chipset-group
	# the default rule: the HDA is another function of the named card
	conf "bind 2b:00.0 allow-boot-vga"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(members 14)" = "2b:00.0=bind,2b:00.1=bind" ]
	conf "bind 2b:00.0 strict allow-boot-vga"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(grp 14 .action)" = refuse ]
	[ "$(codes_of 14)" = strict ]
	[ "$(reason_devs 14 strict)" = 0000:2b:00.1 ]
	conf "option strict-groups" "bind 2b:00.0 allow-boot-vga"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(reason_devs 14 strict)" = 0000:2b:00.1 ]
	conf "option strict-groups" "bind 2b:00 allow-boot-vga"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(members 14)" = "2b:00.0=bind,2b:00.1=bind" ]
	conf "bind 2b:00.0 strict allow-boot-vga" "bind 2b:00.1"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(grp 14 .action)" = bind ]
}

@test "Intel PCH group: root ports never count; the ASMedia USB card refuses the PCH-slot GPU until named" {
	tree intel-pch-group
	conf "bind 03:00.0"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(grp 7 .action)" = refuse ]
	[ "$(codes_of 7)" = unnamed ]
	[ "$(reason_devs 7 unnamed)" = 0000:04:00.0 ]
	conf "bind 03:00.0" "bind 04:00.0"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(members 7)" = "00:1c.0=skip-bridge,00:1c.4=skip-bridge,03:00.0=bind,03:00.1=bind,04:00.0=bind" ]
	# the CPU slot: the PEG port shares the card's group and does not count
	conf "bind 01:00.0"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(members 1)" = "00:01.0=skip-bridge,01:00.0=bind,01:00.1=bind" ]
}

@test "server BMC: the AST VGA is refused as the boot VGA only (its bridge never counts); the I350's second port must be named" {
	tree server-bmc
	conf "bind 06:00.0"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(grp 17 .action)" = refuse ]
	[ "$(codes_of 17)" = boot-vga ]
	[ "$(reason_devs 17 boot-vga)" = 0000:06:00.0 ]
	conf "bind 06:00.0 allow-boot-vga"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(members 17)" = "05:00.0=skip-bridge,06:00.0=bind" ]
	# A NIC's other port is never taken unnamed: it may be the host's.
	conf "bind 01:00.0"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(codes_of 1)" = unnamed ]
	[ "$(reason_devs 1 unnamed)" = 0000:01:00.1 ]
	conf "bind 01:00"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(members 1)" = "00:01.0=skip-bridge,01:00.0=bind,01:00.1=bind" ]
	[ "$(grp 1 '(.reasons | type) + ":" + (.reasons | length | tostring)')" = array:0 ]
	conf "bind 01:00 strict"
	jcheck
	[ "$status" -eq 0 ]
	conf "bind 01:00.0 strict" "bind 01:00.1"
	jcheck
	[ "$status" -eq 0 ]
}

@test "B550: the chipset's USB named alone never takes its SATA sibling (storage and network functions must be named)" {
	tree b550-chipset-group
	conf "bind 04:00.0" "bind 02:00.0" "bind 2a:00.0"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(codes_of 13)" = unnamed ]
	[ "$(reason_devs 13 unnamed)" = 0000:02:00.1 ]
	conf "bind 04:00.0" "bind 02:00.0" "bind 02:00.1" "bind 2a:00.0"
	jcheck
	[ "$status" -eq 0 ]
}

@test "hint: the named GPU's HDA sits in a group nothing selects: slot-function-elsewhere with the slot selector" {
	tree gpu-hda-split
	conf "bind 08:00.0"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(members 20)" = "08:00.0=bind" ]
	[ "$(finding slot-function-elsewhere severity)" = info ]
	# the selector may be in the message or its remedy ("fix:" in the text)
	msg="$(finding slot-function-elsewhere message) $(finding slot-function-elsewhere remedy)"
	echo "$msg"
	[[ "$msg" == *"0000:08:00.1"* ]]
	grep -E 'bind 0000:08:00([^.0-9a-f]|$)' <<<"$msg"
	# the slot selector takes both groups, and the hint goes
	conf "bind 0000:08:00"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(jq_ '[.groups[] | "\(.iommu_group)=\(.action)"] | join(",")')" = "20=bind,21=bind" ]
	hasnt slot-function-elsewhere
	# GPU and HDA in one group: nothing to say
	tree gpu-hda
	conf "bind 01:00.0"
	jcheck
	hasnt slot-function-elsewhere
}

@test "hint: an id= rule matching several devices names them all and how to narrow it" {
	tree twins
	conf "bind id=10de:2204"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(finding rule-matches-several severity)" = info ]
	msg=$(finding rule-matches-several message)
	echo "$msg"
	[[ "$msg" == *"0000:01:00.0"* && "$msg" == *"0000:02:00.0"* ]]
	[[ "$msg $(finding rule-matches-several remedy)" == *"subsystem="* ]]
	conf "bind id=10de:2204 subsystem=1458:403b"
	jcheck
	hasnt rule-matches-several
	conf "bind 01:00.0 id=10de:2204"
	jcheck
	hasnt rule-matches-several
	tree gpu-hda
	conf "bind id=10de:2204"
	jcheck
	hasnt rule-matches-several
}

@test "hint: an id= rule that matches nothing names the devices with that id" {
	tree twins
	conf "bind id=10de:2204 subsystem=1043:87d7"
	jcheck
	[ "$(finding rule-no-match severity)" = warning ]
	msg=$(finding rule-no-match message)
	echo "$msg"
	[[ "$msg" == *"0000:01:00.0"* && "$msg" == *"0000:02:00.0"* ]]
	conf "bind id=10de:2204 subsystem=1458:403b"
	jcheck
	hasnt rule-no-match
}

@test "hint: an address with id= where nothing is (bus renumbered) names where that id is now" {
	tree twins
	conf "bind 0000:03:00.0 id=10de:2204"
	jcheck
	[ "$(finding rule-no-match severity)" = warning ]
	msg=$(finding rule-no-match message)
	echo "$msg"
	[[ "$msg" == *"0000:01:00.0"* && "$msg" == *"0000:02:00.0"* ]]
}

@test "apply on the B550 group: nothing written, one kernel log line listing the unnamed devices" {
	tree b550-chipset-group
	conf "bind 04:00.0"
	apply_traced
	# no driver_override, unbind or probe anywhere: the only group is refused
	[ -z "$WRITES" ]
	[ "$(state '.groups[0].iommu_group')" = 13 ]
	[ "$(state '.groups[0].result')" = refused ]
	[ "$(state '[.groups[0].reasons[] | select(.code == "unnamed") | .device] | sort | join(",")')" = "$B550_UNNAMED" ]
	# (a fake tree has no kernel: driver links never move, so what shows the
	# drivers are untouched is that nothing was written; the override files
	# keep what the tree was built with)
	for d in "$ROOT"/sys/kernel/iommu_groups/13/devices/*; do
		[ "$(cat "$d/driver_override")" = "(null)" ]
	done
	kmsg
	[ "$(kmsg | grep -c 'group 13')" = 1 ]
	line=$(kmsg | grep 'group 13')
	re='^(<[0-7]>)?vfio-early: group 13: refused'
	[[ "$line" =~ $re ]]
	[[ "$line" == *"0000:02:00.0"* && "$line" == *"0000:02:00.1"* && "$line" == *"0000:2a:00.0"* ]]
}
