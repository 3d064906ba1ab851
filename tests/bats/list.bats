#!/usr/bin/env bats
# vfio-early list (issue 12, item 2): every IOMMU group with its devices,
# whether it is isolated, what is protected, the line to paste per card, the
# topology as a tree; names from pci.ids when the sysroot has one. Read-only.
# Schema: conf/check-json.md, "vfio-early list --json".

load helpers
bats_require_minimum_version 1.5.0

ljson() {
	run ve list --json
	[ "$status" -eq 0 ]
	JSON=$output
}
# dev ADDR FILTER: FILTER applied to that device's object
dev() { jq -r --arg a "$1" ".groups[].devices[] | select(.address == \$a) | $2" <<<"$JSON"; }
# grp N FILTER (N may be null)
grp() { jq -r --argjson g "$1" ".groups[] | select(.iommu_group == \$g) | $2" <<<"$JSON"; }
# the lines of text that mention ADDR
line_of() { grep -F -- "$1" <<<"$output"; }

# A tiny pci.ids in the sysroot: a vendor with devices and subsystem lines
# (one whose subvendor id is another device's id: it must not name that
# device), a vendor without our devices, and classes, one with no subclasses
# (its devices fall back to the base class name).
pciids() {
	mkdir -p "$ROOT/$1"
	printf '%s\n' "# test list" "10de  NVIDIA Corporation" $'\t2204  GA102 [GeForce RTX 3090]' \
		$'\t\t1458 403b  Gigabyte board' $'\t\t1aef 0001  a subsystem, not device 1aef' $'\t1aef  GA102 High Definition Audio Controller' \
		"8086  Intel Corporation" $'\t3e30  8th Gen Core Host Bridge/DRAM Registers' "1af4  Red Hat, Inc." \
		"C 03  Display controller" $'\t00  VGA compatible controller' $'\t\t00  VGA controller' \
		"C 04  Multimedia controller" $'\t03  Audio device' "C 0c  Serial bus controller" >"$ROOT/$1/pci.ids"
}

@test "list --json on gpu-hda: schema, every group once and sorted, every device once, every field with its type" {
	tree gpu-hda
	conf "# nothing"
	ljson
	jq -e '.schema == "vfio-early-list/1" and (.version | type) == "string" and .iommu == true and .iommu_groups == 8
		and .kernel == "6.1.0-test" and .pci_ids == null and (.notes | type) == "array"' <<<"$JSON"
	[ "$(jq -c '[.groups[].iommu_group]' <<<"$JSON")" = "[0,1,2,3,4,5,6,12]" ]
	# every device of the tree, each once
	want=$(find "$ROOT/sys/bus/pci/devices" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)
	[ "$(jq -r '.groups[].devices[].address' <<<"$JSON" | sort)" = "$want" ]
	[ "$(jq -r '.groups[].devices[].address' <<<"$JSON" | sort -u | wc -l)" -eq 10 ]
	jq -e '[.groups[] | (.iommu_group | type) == "number" and (.isolated | type) == "boolean"
		and (.bindable | type) == "boolean" and (.refusals | type) == "array"
		and ([.cards[] | (.card | test("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}$")) and (.functions | type) == "array"
			and (.bind | type) == "string" and (.slot == null)] | all)
		and ([.refusals[] | has("code", "device", "message")] | all)] | all' <<<"$JSON"
	jq -e '[.groups[].devices[] | (.address | test("^0000:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$"))
		and (.vendor | test("^[0-9a-f]{4}$")) and (.device | test("^[0-9a-f]{4}$"))
		and (.subsystem_vendor | test("^[0-9a-f]{4}$")) and (.subsystem_device | test("^[0-9a-f]{4}$"))
		and (.class | test("^[0-9a-f]{6}$")) and (.class_name | type) == "string"
		and .class_description == null and .vendor_name == null and .device_name == null
		and (.iommu_group | type) == "number" and (.driver | type) != "boolean"
		and (.bridge | type) == "boolean" and (.boot_vga | type) == "boolean"
		and .slot == null and (.path | type) == "string" and (.parent | type) != "boolean"
		and (.problem == null) and (.protected | type) != "boolean"] | all' <<<"$JSON"
	[ "$(dev 0000:01:00.0 '[.vendor, .device, .subsystem_vendor, .subsystem_device, .class, .class_name, .driver] | join(" ")')" = "10de 2204 1458 403b 030000 VGA nouveau" ]
	[ "$(dev 0000:00:00.0 .driver)" = null ]
	[ "$(dev 0000:00:01.0 .bridge)" = true ]
	[ "$(dev 0000:00:02.0 .boot_vga)" = true ]
	[ "$(dev 0000:01:00.0 .boot_vga)" = false ]
}

@test "every field of list --json is documented in conf/check-json.md's list section" {
	tree gpu-hda
	conf "# nothing"
	# a slot and pci.ids so that every field has a value somewhere
	mkdir -p "$ROOT/sys/bus/pci/slots/3" && echo 0000:01:00 >"$ROOT/sys/bus/pci/slots/3/address"
	ljson
	doc=$(sed -n '/^## `vfio-early list --json`/,$p' "$TESTS_DIR/../conf/check-json.md")
	[ -n "$doc" ]
	keys=$(jq -r '[paths | map(select(type == "string")) | last] | unique | .[]' <<<"$JSON")
	[ "$(wc -l <<<"$keys")" -ge 30 ]
	for k in $keys; do
		grep -q -e "\`$k\`" -e "\"$k\"" <<<"$doc" || { echo "field $k not documented"; false; }
	done
}

@test "path: the device.function chain from the root bus, no bus numbers below it; parent: the bridge above" {
	tree gpu-hda
	conf "# nothing"
	ljson
	[ "$(dev 0000:01:00.0 .path)" = 00:01.0/00.0 ]
	[ "$(dev 0000:01:00.1 .path)" = 00:01.0/00.1 ]
	[ "$(dev 0000:00:1f.4 .path)" = 00:1f.4 ]
	[ "$(dev 0000:01:00.0 .parent)" = 0000:00:01.0 ]
	[ "$(dev 0000:00:01.0 .parent)" = null ]
	# two bridges deep, in another PCI domain on root bus 40: the path
	# carries the domain (not 0000) and root bus, then only device.function
	# numbers, as path= in vfio-early.conf(5) reads it
	tree "
bridge 0001:40:01.0 1022:1483 group=1 driver=pcieport
bridge 0001:41:00.0 1022:57ad group=2 parent=0001:40:01.0 driver=pcieport
dev    0001:42:1f.3 8086:1533 class=020000 group=3 parent=0001:41:00.0 driver=igb"
	ljson
	[ "$(dev 0001:42:1f.3 .path)" = 0001:40:01.0/00.0/1f.3 ]
	[ "$(dev 0001:42:1f.3 .parent)" = 0001:41:00.0 ]
	[ "$(dev 0001:41:00.0 .path)" = 0001:40:01.0/00.0 ]
	# at most 8 levels, as path= takes them: a ninth has no path
	desc="bridge 00:01.0 8086:1901 group=1"
	for b in 1 2 3 4 5 6 7; do
		desc+=$'\n'"bridge 0$b:00.0 10b5:8747 group=$((b + 1)) parent=0$((b - 1)):0$((b == 1 ? 1 : 0)).0"
	done
	desc+=$'\n'"dev 08:00.0 10de:2204 class=030000 group=20 parent=07:00.0"
	tree "$desc"
	ljson
	[ "$(dev 0000:07:00.0 .path)" = 00:01.0/00.0/00.0/00.0/00.0/00.0/00.0/00.0 ]
	[ "$(dev 0000:08:00.0 .path)" = null ]
	[ "$(dev 0000:08:00.0 .parent)" = 0000:07:00.0 ]
}

@test "path: what list shows is what a path= rule selects (main's parser; skipped where path= is not parsed)" {
	conf "bind path=00:01.0"
	tree gpu-hda
	run ve validate
	[ "$status" -eq 0 ] || skip "this build's config parser has no path= selector"
	n=0
	for t in gpu-hda twins bridge-group "
bridge 0001:40:01.0 1022:1483 group=1 driver=pcieport
bridge 0001:41:00.0 1022:57ad group=2 parent=0001:40:01.0 driver=pcieport
dev    0001:42:1f.3 8086:1533 class=020000 group=3 parent=0001:41:00.0 driver=igb"; do
		tree "$t"
		conf "# nothing"
		ljson
		while read -r a p; do
			conf "bind path=$p"
			run ve check --json
			got=$(jq -r '[.groups[].devices[] | select(.selected_by != "group") | .address] | join(",")' <<<"$output")
			echo "$a path=$p -> $got"
			[ "$got" = "$a" ]
			n=$((n + 1))
		done < <(jq -r '.groups[].devices[] | select(.path != null and .bridge == false) | .address + " " + .path' <<<"$JSON")
	done
	[ "$n" -ge 20 ]
}

@test "path: a root bus nested below a device (VMD) starts its own path; an odd link gives null, not a guess" {
	tree gpu-hda
	conf "# nothing"
	# a VMD-style domain 10000 whose root bus sits below 0000:00:14.0, by hand
	vmd=sys/devices/pci0000:00/0000:00:14.0/pci10000:e0/10000:e0:1d.0/10000:e1:00.0
	mkdir -p "$ROOT/$vmd"
	for d in 10000:e0:1d.0 10000:e1:00.0; do
		p=$ROOT/sys/devices/pci0000:00/0000:00:14.0/pci10000:e0/10000:e0:1d.0
		[ "$d" = 10000:e0:1d.0 ] || p=$p/$d
		printf 'PCI_CLASS=%s\nPCI_ID=%s\nPCI_SUBSYS_ID=0000:0000\n' "$([ "$d" = 10000:e1:00.0 ] && echo 10802 || echo 60400)" \
			"$([ "$d" = 10000:e1:00.0 ] && echo 144D:A808 || echo 8086:A0BC)" >"$p/uevent"
		ln -s "../../../${p#"$ROOT"/sys/}" "$ROOT/sys/bus/pci/devices/$d"
	done
	# a link that does not end in a root bus's tree
	mkdir -p "$ROOT/sys/devices/platform/odd/0000:05:00.0"
	printf 'PCI_CLASS=20000\nPCI_ID=8086:1533\nPCI_SUBSYS_ID=8086:0001\n' >"$ROOT/sys/devices/platform/odd/0000:05:00.0/uevent"
	ln -s ../../../devices/platform/odd/0000:05:00.0 "$ROOT/sys/bus/pci/devices/0000:05:00.0"
	ljson
	[ "$(dev 10000:e1:00.0 .path)" = 10000:e0:1d.0/00.0 ]
	[ "$(dev 10000:e1:00.0 .parent)" = 10000:e0:1d.0 ]
	[ "$(dev 10000:e0:1d.0 .parent)" = null ]
	[ "$(dev 0000:05:00.0 .path)" = null ]
	run ve list --tree
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\npci10000:e0\n`-- 10000:e0:1d.0 '*$'\n    `-- 10000:e1:00.0  NVMe'* ]]
	[[ "$output" == *$'not placed (sysfs path unreadable or unusual):\n    0000:05:00.0  Ethernet'* ]]
}

@test "the line to paste per card: its most stable selector with ids; pasting what list offers binds those groups" {
	for t in gpu-hda four-function-gpu twins bridge-group renumbered gpu-hda-split; do
		tree "$t"
		conf "# nothing"
		ljson
		jq -r '.groups[] | select(.bindable) | .cards[].bind' <<<"$JSON" >"$BATS_TEST_TMPDIR/lines"
		case $t in
		# on the root bus the address; behind a bridge the path
		gpu-hda) want="bind 0000:00:14.0 id=8086:a36d,bind path=00:01.0/00 id=10de:2204" ;;
		four-function-gpu) want="bind path=00:01.0/00 id=10de:1e87" ;;
		twins) want="bind path=00:01.0/00 id=10de:2204,bind path=00:01.1/00 id=10de:2204" ;;
		bridge-group) want="bind path=00:1c.0/00.0/01 id=8086:100e,bind path=00:1c.0/00.0/02 id=1274:5000" ;;
		# each card's own serial number
		renumbered) want="bind serial=001122ffff334455 id=10de:2204,bind serial=aabbccffffddee01 id=8086:1533" ;;
		# a card whose functions are in two groups: per function, by address
		gpu-hda-split) want="bind 0000:08:00.0 id=10de:1c03,bind 0000:08:00.1 id=10de:10f1" ;;
		esac
		echo "$t: $(paste -sd, "$BATS_TEST_TMPDIR/lines")"
		[ "$(paste -sd, "$BATS_TEST_TMPDIR/lines")" = "$want" ]
		# the text gives the same lines, ready to paste
		run ve list
		while read -r l; do
			grep -qx "    $l" <<<"$output"
		done <"$BATS_TEST_TMPDIR/lines"
		# and check, with exactly those lines, binds every offered group whole
		mapfile -t L <"$BATS_TEST_TMPDIR/lines"
		conf "${L[@]}"
		run ve check --json
		jq -e --argjson want "$(jq -c '[.groups[] | select(.bindable) | .iommu_group]' <<<"$JSON")" \
			'[.groups[] | select(.action == "bind") | .iommu_group] == $want
			and ([.groups[].devices[] | select(.bridge | not) | .action] | all(. == "bind"))' <<<"$output"
	done
	# every function of the four-function GPU is listed under its one card
	tree four-function-gpu
	conf "# nothing"
	ljson
	[ "$(grp 14 '.cards[0].functions | join(",")')" = "0000:01:00.0,0000:01:00.1,0000:01:00.2,0000:01:00.3" ]
}

@test "SR-IOV: a VF's card offers its PF's sriov rule, not a bind rule (no VF exists at boot before it); check takes it" {
	tree sriov-vfs
	conf "# nothing"
	ljson
	[ "$(dev 0000:01:00.0 '[.sriov_totalvfs, .sriov_numvfs, .physfn] | map(tostring) | join(" ")')" = "32 4 null" ]
	[ "$(dev 0000:01:02.3 '[.sriov_totalvfs, .physfn] | map(tostring) | join(" ")')" = "null 0000:01:00.0" ]
	[ "$(dev 0000:00:17.0 '[.sriov_totalvfs, .physfn] | map(tostring) | join(" ")')" = "null null" ]
	for g in 21 22 23 24; do
		[ "$(grp "$g" '.cards[0] | [.bind, .sriov] | map(tostring) | join("|")')" = "null|sriov 0000:01:00.0 vfs=4" ]
		[ "$(grp "$g" .bindable)" = true ]
	done
	[ "$(grp 20 '.cards[0] | [.bind, .sriov] | map(tostring) | join("|")')" = "bind path=00:01.0/00 id=8086:1572|null" ]
	run ve list
	[ "$(grep -cx "    sriov 0000:01:00.0 vfs=4" <<<"$output")" -eq 4 ]
	[[ "$output" != *"bind 0000:01:02"* ]]
	[[ "$(grep "^  0000:01:00.0 " <<<"$output")" == *"SR-IOV PF, 4 of 32 VFs"* ]]
	[[ "$(line_of 0000:01:02.1)" == *"VF of 0000:01:00.0"* ]]
	conf "sriov 0000:01:00.0 vfs=4"
	run ve check --json
	[ "$(jq -r '[.groups[] | .iommu_group] | join(",")' <<<"$output")" = "21,22,23,24" ]
	[ "$(jq -r '[.groups[].action] | unique | join(",")' <<<"$output")" = already-bound ]
	# a PF without VFs is a card like any other
	tree sriov
	conf "# nothing"
	ljson
	[ "$(dev 0000:01:00.0 '[.sriov_totalvfs, .sriov_numvfs] | join(" ")')" = "2 0" ]
	[ "$(grp 5 '.cards[0] | [.bind, .sriov] | map(tostring) | join("|")')" = "bind path=00:02.0/00 id=1b36:0010|null" ]
}

@test "the line's selector: serial= for a card's own serial number, else slot=, else path=; what list offers before a renumbering binds the card after it" {
	local gpu
	gpu=$(grep -v '^dev    01:00.0 ' "$TESTS_DIR/sysfs/trees/gpu-hda.tree")
	# a physical slot beats the path
	tree "$gpu
dev    01:00.0 10de:2204 sub=1458:403b class=030000 group=12 parent=00:01.0 driver=nouveau
slot 3 addr=01:00"
	conf "# nothing"
	ljson
	[ "$(grp 12 '.cards[0].bind')" = "bind slot=3 id=10de:2204" ]
	[ "$(dev 0000:01:00.0 .serial)" = null ]
	# a slot name a rule cannot hold (a blank in it): the path instead
	tree "$gpu
dev    01:00.0 10de:2204 sub=1458:403b class=030000 group=12 parent=00:01.0 driver=nouveau
slot 'Slot 3' addr=01:00"
	ljson
	[ "$(dev 0000:01:00.0 .slot)" = "Slot 3" ]
	[ "$(grp 12 '.cards[0].bind')" = "bind path=00:01.0/00 id=10de:2204" ]
	# a serial number beats the slot; the HDA function shows its card's
	tree "$gpu
dev    01:00.0 10de:2204 sub=1458:403b class=030000 group=12 parent=00:01.0 driver=nouveau dsn=00-00-00-00-12-34-56-78
slot 3 addr=01:00"
	ljson
	[ "$(grp 12 '.cards[0].bind')" = "bind serial=0000000012345678 id=10de:2204" ]
	[ "$(dev 0000:01:00.1 .serial)" = 0000000012345678 ]
	run ve list
	[[ "$(line_of 0000:01:00.0)" == *"  slot 3  path 00:01.0/00.0  serial 0000000012345678"* ]]
	# not one card's: two cards with one serial number (some vendors write
	# the same on every card), or a serial number of zeros
	tree "$(grep -v '^dev    0[12]:00.0 ' "$TESTS_DIR/sysfs/trees/twins.tree")
dev    01:00.0 10de:2204 class=030000 group=12 parent=00:01.0 driver=nouveau dsn=11-11-11-11-11-11-11-11
dev    02:00.0 10de:2204 class=030000 group=13 parent=00:01.1 driver=nouveau dsn=11-11-11-11-11-11-11-11
dev    03:00.0 10de:2204 class=030000 group=14 parent=00:01.2 dsn=00-00-00-00-00-00-00-00
bridge 00:01.2 8086:1909 group=15 driver=pcieport"
	ljson
	[ "$(jq -r '[.groups[] | select(.bindable) | .cards[].bind] | join(",")' <<<"$JSON")" = \
		"bind path=00:01.0/00 id=10de:2204,bind path=00:01.1/00 id=10de:2204,bind path=00:01.2/00 id=10de:2204" ]
	# the card followed: list's line on the first machine binds it on the
	# renumbered one (an address line would have refused there)
	tree renumber
	conf "# nothing"
	ljson
	line=$(grp 12 '.cards[0].bind')
	[ "$line" = "bind serial=001122ffff334455 id=10de:2204" ]
	tree renumbered
	conf "$line"
	run ve check --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.groups[] | select(.action == "bind") | .devices[] | select(.bridge | not) | .address] | join(",")' <<<"$output")" = "0000:02:00.0,0000:02:00.1" ]
}

@test "a group never bound (a host bridge, an ISA bridge, protected) says why, without advice on naming its other functions" {
	# q35's 00:1f card: an ISA bridge, a SATA controller, an SMBus controller
	tree "kernel 6.1.0-test
iommu intel
dev 00:00.0 8086:29c0 class=060000 group=0
dev 00:1f.0 8086:2918 class=060100 group=6
dev 00:1f.2 8086:2922 class=010601 group=6
dev 00:1f.3 8086:2930 class=0c0500 group=6"
	conf "# nothing"
	ljson
	[ "$(grp 6 '[.bindable, (.refusals | map(.code + " " + .device) | join(","))] | map(tostring) | join("|")')" = \
		"false|host-critical 0000:00:1f.0,host-critical 0000:00:1f.3" ]
	run ve list
	[[ "$output" == *"never bound: 0000:00:1f.0 is an ISA bridge the host needs"* ]]
	[[ "$output" != *"to pass it too"* ]]
	# a card whose functions are in two groups: a line per function, by
	# address (a whole-card selector would reach into the other group)
	tree "kernel 6.1.0-test
iommu intel
dev 00:00.0 8086:29c0 class=060000 group=0
bridge 00:01.0 8086:1901 group=2 driver=pcieport
dev 01:00.0 1b21:2142 class=0c0330 group=9 parent=00:01.0 driver=xhci_hcd
dev 01:00.1 1b21:0612 class=010601 group=10 parent=00:01.0 driver=ahci"
	ljson
	[ "$(grp 9 .cards[0].bind)" = "bind 0000:01:00.0 id=1b21:2142" ]
	[ "$(grp 10 .cards[0].bind)" = "bind 0000:01:00.1 id=1b21:0612" ]
}

@test "isolated: one card's functions plus bridges; shared groups name every card and say binding needs them all" {
	tree gpu-hda
	conf "# nothing"
	ljson
	[ "$(grp 12 '[.isolated, (.cards | length)] | map(tostring) | join(" ")')" = "true 1" ]
	# bridges only: isolated, no card, nothing to paste
	[ "$(grp 2 '[.isolated, (.cards | length), .bindable] | map(tostring) | join(" ")')" = "true 0 false" ]
	run ve list
	[[ "$output" == *"IOMMU group 12: isolated (one card: 0000:01:00)"* ]]
	[[ "$output" == *"IOMMU group 2: bridges only"* ]]
	[[ "$output" != *"NOT isolated"* ]]
	tree bridge-group
	conf "# nothing"
	ljson
	[ "$(grp 7 .isolated)" = false ]
	[ "$(grp 7 '[.cards[].card] | join(",")')" = "0000:02:01,0000:02:02" ]
	[ "$(grp 7 .bindable)" = true ]
	run ve list
	[[ "$output" == *"IOMMU group 7: NOT isolated: 2 cards share it (0000:02:01, 0000:02:02)"* ]]
	[[ "$output" == *"binding is refused unless every card in it is named; to pass all 2, add to $CONF:"* ]]
	# which is what the binder does: one card named alone is refused
	conf "bind 0000:02:01.0 id=8086:100e"
	run ve check --json
	[ "$(jq -r '.groups[] | select(.iommu_group == 7) | .action' <<<"$output")" = refuse ]
	# the chipset group of root-disk-group: two cards, never bindable
	tree root-disk-group
	conf "# nothing"
	ljson
	[ "$(grp 5 '[.isolated, (.cards | length), .bindable] | map(tostring) | join(" ")')" = "false 2 false" ]
}

@test "protected devices are marked and say why; their groups are never bound and offer no line" {
	tree gpu-hda
	conf "# nothing"
	ljson
	[ "$(jq -c '[.protected[].address]' <<<"$JSON")" = '["0000:00:17.0","0000:00:1f.6"]' ]
	[[ "$(dev 0000:00:17.0 .protected)" == "holds / (/dev/sda2)"* ]]
	[ "$(dev 0000:00:1f.6 .protected)" = "default route via eno1" ]
	[ "$(jq '[.groups[].devices[] | select(.protected != null)] | length' <<<"$JSON")" -eq 2 ]
	[ "$(grp 4 '[.bindable, (.refusals[0].code), (.refusals[0].device)] | map(tostring) | join(" ")')" = "false protected 0000:00:17.0" ]
	[ "$(grp 0 '.refusals[0].code')" = host-critical ]
	run ve list
	[ "$status" -eq 0 ]
	[[ "$output" == *"protected: holds / (/dev/sda2)"* ]]
	[[ "$output" == *"never bound: 0000:00:17.0 is protected: holds / (/dev/sda2)"* ]]
	[[ "$output" == *"never bound: 0000:00:1f.6 is protected: default route via eno1"* ]]
	[[ "$output" != *"    bind 0000:00:17.0"* ]]
	[[ "$output" != *"    bind 0000:00:1f.6"* ]]
	[[ "$output" != *"    bind 0000:00:00.0"* ]]
	# the boot VGA: refused as it is, the line with allow-boot-vga offered
	[ "$(grp 1 '.refusals[0].code')" = boot-vga ]
	grep -qx "    bind 0000:00:02.0 id=8086:3e92 allow-boot-vga" <<<"$output"
	# in the tree too
	run ve list --tree
	[[ "$(line_of 0000:00:17.0)" == *"  protected"* ]]
	[[ "$(line_of 0000:01:00.0)" != *"protected"* ]]
}

@test "tree: from the host bridge down, a bridge's children indented under it, groups that are not isolated marked, ASCII" {
	tree bridge-group
	conf "# nothing"
	run ve list --tree
	[ "$status" -eq 0 ]
	echo "$output"
	mapfile -t T <<<"$output"
	[ "${T[1]}" = pci0000:00 ]
	[[ "${T[2]} " =~ ^\+--\ 0000:00:00\.0\ +host\ bridge\ +-\ +group\ 0\  ]]
	[[ "${T[4]}" =~ ^\+--\ 0000:00:1c\.0\ +PCI\ bridge\ +pcieport\ +group\ 6$ ]]
	[[ "${T[5]}" =~ ^\|\ \ \ \`--\ 0000:01:00\.0\ +PCI\ bridge\ +-\ +group\ 7\ \(not\ isolated\)$ ]]
	[[ "${T[6]}" =~ ^\|\ \ \ \ \ \ \ \+--\ 0000:02:01\.0\ +Ethernet\ +e1000\ +group\ 7\ \(not\ isolated\)$ ]]
	[[ "${T[7]}" =~ ^\|\ \ \ \ \ \ \ \`--\ 0000:02:02\.0\ +audio\ +snd_ens1370\ +group\ 7\ \(not\ isolated\)$ ]]
	[[ "${T[8]}" =~ ^\`--\ 0000:00:1f\.2\  ]]
	[ "${#T[@]}" -eq 9 ]
	run ! grep -P '[^\x00-\x7f]' <<<"$output"
	tree gpu-hda
	run ve list --tree
	[[ "$(line_of 0000:01:00.1)" =~ ^\|\ \ \ \`--\ 0000:01:00\.1\ +HD\ audio\ +snd_hda_intel\ +group\ 12$ ]]
	[[ "$(sed 1d <<<"$output")" != *"not isolated"* ]]
}

@test "slot: the physical slot name from sys/bus/pci/slots, for every function of the card; none: null" {
	tree "$(cat "$TESTS_DIR/sysfs/trees/gpu-hda.tree")
slot 3 addr=01:00
slot 9 addr=0000:05:00
slot 'CPU SLOT6' addr=00:14"
	conf "# nothing"
	ljson
	[ "$(dev 0000:01:00.0 .slot)" = 3 ]
	[ "$(dev 0000:01:00.1 .slot)" = 3 ]
	[ "$(dev 0000:00:14.0 .slot)" = "CPU SLOT6" ]
	[ "$(dev 0000:00:17.0 .slot)" = null ]
	[ "$(grp 12 '.cards[0].slot')" = 3 ]
	run ve list
	[[ "$(line_of 0000:01:00.1)" == *"  slot 3  path 00:01.0/00.1"* ]]
	run ve list --tree
	[[ "$(line_of 0000:01:00.0)" == *"group 12  slot 3"* ]]
	# a slot whose address is a whole bus (no device number) names no card
	mkdir "$ROOT/sys/bus/pci/slots/bus"
	echo 0000:01 >"$ROOT/sys/bus/pci/slots/bus/address"
	ljson
	[ "$(dev 0000:01:00.0 .slot)" = 3 ]
}

@test "pci.ids: names when the sysroot has one (misc or hwdata), only what it knows; absent: null and no names line" {
	tree gpu-hda
	conf "# nothing"
	run ve list
	[[ "$output" != *"names:"* ]]
	[[ "$output" != *"NVIDIA"* ]]
	for at in usr/share/misc usr/share/hwdata; do
		tree gpu-hda
		pciids "$at"
		ljson
		[ "$(jq -r .pci_ids <<<"$JSON")" = "/$at/pci.ids" ]
		[ "$(dev 0000:01:00.0 '[.vendor_name, .device_name, .class_description] | join("|")')" = "NVIDIA Corporation|GA102 [GeForce RTX 3090]|VGA compatible controller" ]
		[ "$(dev 0000:01:00.1 '[.device_name, .class_description] | join("|")')" = "GA102 High Definition Audio Controller|Audio device" ]
		# vendor known, device not; class 0c03 not listed: the base class
		[ "$(dev 0000:00:14.0 '[.vendor_name, .device_name, .class_description] | map(tostring) | join("|")')" = "Intel Corporation|null|Serial bus controller" ]
		# class 06 not in the file at all
		[ "$(dev 0000:00:00.0 '[.device_name, .class_description] | map(tostring) | join("|")')" = "8th Gen Core Host Bridge/DRAM Registers|null" ]
		run ve list
		[[ "$output" == *"names: /$at/pci.ids"* ]]
		[[ "$output" == *$'\n                VGA compatible controller: NVIDIA Corporation GA102 [GeForce RTX 3090]\n'* ]]
		[[ "$output" == *"Serial bus controller: Intel Corporation Device a36d"* ]]
		run ve list --tree
		[[ "$(line_of 0000:01:00.0)" == *"[GA102 [GeForce RTX 3090]]" ]]
	done
	# misc first when both exist
	pciids usr/share/misc
	ljson
	[ "$(jq -r .pci_ids <<<"$JSON")" = /usr/share/misc/pci.ids ]
	# one that cannot be read is a note, not a failure
	tree gpu-hda
	mkdir -p "$ROOT/usr/share/misc/pci.ids"
	ljson
	[ "$(jq -r .pci_ids <<<"$JSON")" = null ]
	[[ "$(jq -r '.notes[]' <<<"$JSON")" == *"/usr/share/misc/pci.ids: cannot read"* ]]
}

@test "odd sysfs: no uevent is read from the attribute files; ids unreadable too: listed with its problem, its group not bound" {
	tree gpu-hda
	conf "# nothing"
	rm "$ROOT/sys/bus/pci/devices/0000:01:00.0/uevent"
	ljson
	[ "$(dev 0000:01:00.0 '[.vendor, .device, .class, .driver, (.problem | tostring)] | join(" ")')" = "10de 2204 030000 nouveau null" ]
	[ "$(grp 12 .bindable)" = true ]
	rm "$ROOT/sys/bus/pci/devices/0000:01:00.1/uevent" "$ROOT/sys/bus/pci/devices/0000:01:00.1/class"
	ljson
	[ "$(jq '[.groups[].devices[]] | length' <<<"$JSON")" -eq 10 ]
	[[ "$(dev 0000:01:00.1 .problem)" == "ids or class unreadable: No such file or directory" ]]
	[ "$(dev 0000:01:00.1 '[.vendor, .device, .class, .class_name] | map(tostring) | join(" ")')" = "null null null null" ]
	[ "$(dev 0000:01:00.1 .iommu_group)" = 12 ]
	[ "$(grp 12 '[.bindable, ([.refusals[].code] | join(","))] | map(tostring) | join(" ")')" = "false unreadable" ]
	[[ "$(jq -r '.notes[]' <<<"$JSON")" == *"0000:01:00.1: cannot read its ids or class"* ]]
	run ve list
	[ "$status" -eq 0 ]
	[[ "$output" == *"problem: ids or class unreadable"* ]]
	[[ "$output" == *"never bound: 0000:01:00.1 in the group could not be read"* ]]
	run ve list --tree
	[ "$status" -eq 0 ]
	[[ "$(line_of 0000:01:00.1)" == *"?"*"group 12"*"problem"* ]]
	# and check refuses the group: its unreadable member is not left behind
	conf "bind 01:00.0"
	run ve check --json
	[ "$(jq -r '.groups[] | select(.iommu_group == 12) | .action' <<<"$output")" = refuse ]
	[ "$(jq -r '[.groups[] | select(.iommu_group == 12) | .devices[].address] | join(",")' <<<"$output")" = "0000:01:00.0,0000:01:00.1" ]
}

@test "recorded this-host: no IOMMU, every device listed once in the no-group entry, protected marked, exit 0" {
	tree this-host
	conf "# nothing"
	ljson
	[ "$(jq -r '[.iommu, .iommu_groups, (.groups | length)] | map(tostring) | join(" ")' <<<"$JSON")" = "false 0 1" ]
	[ "$(jq -r '.groups[0] | [.iommu_group, .isolated, .bindable] | map(tostring) | join(" ")' <<<"$JSON")" = "null null false" ]
	[ "$(jq -r '[.groups[0].devices[] | .address + "=" + .path] | join(",")' <<<"$JSON")" = \
		"0000:00:00.0=00:00.0,0000:00:01.0=00:01.0,0000:00:02.0=00:02.0,0000:00:03.0=00:03.0,0000:00:04.0=00:04.0,0000:00:05.0=00:05.0" ]
	[ "$(jq -r '[.groups[0].devices[] | select(.protected != null) | .address] | join(",")' <<<"$JSON")" = "0000:00:02.0,0000:00:03.0" ]
	jq -e '.groups[0].refusals | any(.code == "no-iommu-group")' <<<"$JSON"
	[ "$(dev 0000:00:03.0 '[.vendor, .device, .class_name, .driver] | join(" ")')" = "1af4 1041 Ethernet virtio-pci" ]
	run ve list
	[ "$status" -eq 0 ]
	[[ "$output" == *"IOMMU: OFF"* ]]
	[[ "$output" == *$'\nno IOMMU group:\n'* ]]
	[[ "$output" == *"not bindable: vfio-pci needs an IOMMU group"* ]]
	run ve list --tree
	[ "$status" -eq 0 ]
	[ "$(grep -c -E '^[+`]-- 0000:00:0[0-5]\.0 .*no IOMMU group' <<<"$output")" -eq 6 ]
}

@test "list writes nothing; usage and exit status: --tree only with list and without --json, 111 without sysfs" {
	tree twins
	conf "# nothing"
	before=$(cd "$ROOT" && find . -printf '%p %s %T@\n' | sort)
	run ve list
	run ve list --json
	run ve list --tree
	[ "$(cd "$ROOT" && find . -printf '%p %s %T@\n' | sort)" = "$before" ]
	run ve list --tree --json
	[ "$status" -eq 100 ]
	[[ "$output" == *"--tree goes with list"* ]]
	run ve check --tree
	[ "$status" -eq 100 ]
	run ve --help
	[[ "$output" == *"list [--json] [--tree]"* ]]
	mkdir "$BATS_TEST_TMPDIR/empty"
	ROOT=$BATS_TEST_TMPDIR/empty
	run ve list
	[ "$status" -eq 111 ]
	[[ "$output" == *"sys/bus/pci/devices: cannot read"* ]]
}

@test "a generated host of 1024 devices: every one listed, in the tree too, quickly" {
	"$TESTS_DIR/sysfs/gentree" 1024 "$BATS_TEST_TMPDIR/g.tree"
	ROOT=$BATS_TEST_TMPDIR/g
	"$TESTS_DIR/sysfs/mktree" "$BATS_TEST_TMPDIR/g.tree" "$ROOT"
	conf "# nothing"
	start=$(date +%s%N)
	ljson
	run ve list --tree
	end=$(date +%s%N)
	[ "$(jq '[.groups[].devices[]] | length' <<<"$JSON")" -eq 1024 ]
	[ "$(grep -c -E '^[| ]*[+`]-- [0-9a-f]{4}:' <<<"$output")" -eq 1024 ]
	[[ "$output" != *"not placed"* ]]
	echo "$(((end - start) / 1000000)) ms"
	[ $(((end - start) / 1000000)) -lt 5000 ]
}
