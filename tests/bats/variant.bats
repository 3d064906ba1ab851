#!/usr/bin/env bats
# vfio-pci variant drivers: which driver each device goes to and why (the
# kernel's modules.alias, the fewest wildcards winning; a rule's driver=),
# what apply writes to driver_override (the variant's PCI driver name, not
# its module's), and that a variant that cannot be had fails the group
# instead of falling back to vfio-pci. Tree: tests/sysfs/trees/variant.tree.

bats_require_minimum_version 1.5.0
load helpers

dev_json() { # ADDR FIELD: from the last `run ve check --json`
	jq -r --arg a "$1" ".groups[].devices[] | select(.address == \$a) | .$2" <<<"$output"
}

@test "check: the device entry beats the vendor-wide one and vfio_pci's catch-all; the module is named until it is loaded" {
	tree variant
	conf "bind 01:00.0"
	run ve check --json
	[ "$(dev_json 0000:01:00.0 vfio_module)" = mlx5_vfio_pci ]
	[ "$(dev_json 0000:01:00.0 vfio_driver)" = null ]
	[ "$(dev_json 0000:01:00.0 vfio_driver_why)" = 'variant matched vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i*' ]
	run ve check
	echo "$output" | grep -E '^  0000:01:00\.0 +module mlx5_vfio_pci \(its PCI driver name shows once it is loaded\) +variant matched vfio_pci:v000015B3d0000101Esv\*sd\*bc\*sc\*i\*$'
}

@test "check: without the device entry the vendor-wide one matches; without both, vfio-pci" {
	tree variant
	sed -i '/mlx5_vfio_pci$/d' "$ROOT/lib/modules/6.1.0-test/modules.alias"
	conf "bind 01:00.0"
	run ve check --json
	[ "$(dev_json 0000:01:00.0 vfio_module)" = mlx5_any_vfio_pci ]
	[ "$(dev_json 0000:01:00.0 vfio_driver_why)" = 'variant matched vfio_pci:v000015B3d*sv*sd*bc*sc*i*' ]
	sed -i '/mlx5_any_vfio_pci$/d' "$ROOT/lib/modules/6.1.0-test/modules.alias"
	run ve check --json
	[ "$(dev_json 0000:01:00.0 vfio_driver)" = vfio-pci ]
	[ "$(dev_json 0000:01:00.0 vfio_module)" = vfio_pci ]
	[ "$(dev_json 0000:01:00.0 vfio_driver_why)" = generic ]
	run ve check
	[[ $output != *"vfio drivers:"* ]]
}

@test "check: order in modules.alias does not decide, wildcards do" {
	tree variant
	a=$ROOT/lib/modules/6.1.0-test/modules.alias
	# the device entry first, the vendor-wide one after it
	grep -v 'mlx5_any_vfio_pci$' "$a" >"$a.new"
	echo 'alias vfio_pci:v000015B3d*sv*sd*bc*sc*i* mlx5_any_vfio_pci' >>"$a.new"
	mv "$a.new" "$a"
	conf "bind 01:00.0"
	run ve check --json
	[ "$(dev_json 0000:01:00.0 vfio_module)" = mlx5_vfio_pci ]
}

@test "check: a loaded variant names its PCI driver (virtio-vfio-pci, module virtio_vfio_pci); its group sibling no variant names goes to vfio-pci" {
	tree variant
	conf "bind 02:00.0" "bind 02:00.1"
	run ve check --json
	[ "$status" -eq 0 ]
	[ "$(dev_json 0000:02:00.0 vfio_driver)" = virtio-vfio-pci ]
	[ "$(dev_json 0000:02:00.0 vfio_module)" = virtio_vfio_pci ]
	[ "$(dev_json 0000:02:00.1 vfio_driver)" = vfio-pci ]
	[ "$(dev_json 0000:02:00.1 vfio_driver_why)" = generic ]
	run ve check
	echo "$output" | grep -E '^  0000:02:00\.0 +virtio-vfio-pci +variant matched vfio_pci:v00001AF4d00001041sv\*sd\*bc\*sc\*i\* \(module virtio_vfio_pci\)$'
	echo "$output" | grep -E '^  0000:02:00\.1 +vfio-pci +generic$'
}

@test "check: driver=vfio-pci forces the generic driver over a matching variant; driver=NAME names one" {
	tree variant
	conf "bind 01:00.0 driver=vfio-pci" "bind 02:00.0 driver=virtio_vfio_pci" "bind 02:00.1 driver=virtio-vfio-pci"
	run ve check --json
	[ "$(dev_json 0000:01:00.0 vfio_driver)" = vfio-pci ]
	[ "$(dev_json 0000:01:00.0 vfio_driver_why)" = 'rule driver=vfio-pci' ]
	[ "$(dev_json 0000:02:00.0 vfio_driver)" = virtio-vfio-pci ]
	[ "$(dev_json 0000:02:00.0 vfio_driver_why)" = 'rule driver=virtio_vfio_pci' ]
	[ "$(dev_json 0000:02:00.1 vfio_driver)" = virtio-vfio-pci ]
}

@test "check: no modules.alias: vfio-pci, and it says variants were not looked up" {
	tree variant
	rm "$ROOT/lib/modules/6.1.0-test/modules.alias"
	conf "bind 01:00.0"
	run ve check --json
	[ "$(dev_json 0000:01:00.0 vfio_driver)" = vfio-pci ]
	run ve check
	[[ $output == *"0000:01:00.0  vfio-pci              generic; variant drivers not looked up: /lib/modules/6.1.0-test/modules.alias: No such file or directory"* ]]
}

@test "config: driver= takes a driver or module name only, once" {
	tree variant
	conf "bind 01:00.0 driver=../../x" "bind 02:00.0 driver=" "bind 02:00.1 driver=a driver=b" "bind 03:00.0 driver=1234567890123456789012345678901234567890123456789012345678"
	run ve validate
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ ${lines[0]} == "$CONF:1: 'driver=../../x': expected driver=NAME, a driver or module name (letters, digits, '_', '-'; at most 55)"* ]]
	[[ ${lines[1]} == "$CONF:2: 'driver=': expected driver=NAME"* ]]
	[ "${lines[2]}" = "$CONF:3: 'driver=b': driver= given twice" ]
	[[ ${lines[3]} == "$CONF:4: 'driver=123456789012345678901234567890123...': expected driver=NAME"* ]]
}

@test "apply: the override names the variant's PCI driver, its sibling's vfio-pci; vfio-pci is registered already" {
	tree variant
	conf "option bind-timeout=0" "bind 02:00.0" "bind 02:00.1"
	apply_traced
	# no kernel behind a fake tree: nothing binds, the group is put back
	[ "$WRITES" = "0000:02:00.0/driver_override virtio-vfio-pci
0000:02:00.1/driver_override vfio-pci
virtio-pci/unbind 0000:02:00.0
pci/drivers_probe 0000:02:00.0
virtio-pci/unbind 0000:02:00.1
pci/drivers_probe 0000:02:00.1
0000:02:00.1/driver_override
0000:02:00.0/driver_override" ]
	kmsg | grep -q 'group 13: FAILED: 0000:02:00.0: not on virtio-vfio-pci after 0 ms (driver: virtio-pci); group put back as it was'
	[ "$(state '.groups[0].devices[0].vfio_driver')" = virtio-vfio-pci ]
	[ "$(state '.groups[0].devices[1].vfio_driver')" = vfio-pci ]
}

@test "apply: a variant that cannot be loaded fails its group, names the driver and does not fall back to vfio-pci" {
	tree variant
	conf "bind 01:00.0" "bind 03:00.0" "bind 03:00.1"
	apply_traced
	# mlx5_vfio_pci is not loaded and apply never loads into the running
	# kernel for another --sysroot: group 12 untouched; group 14 goes on
	[[ $WRITES != *"0000:01:00.0"* ]]
	[[ $WRITES == "0000:03:00.0/driver_override vfio-pci"* ]]
	kmsg | grep -q "group 12: FAILED: 0000:01:00.0: vfio driver mlx5_vfio_pci (variant matched vfio_pci:v000015B3d0000101Esv\*sd\*bc\*sc\*i\*) unavailable: not loading mlx5_vfio_pci into the running kernel for --sysroot $ROOT; not falling back to vfio-pci (driver=vfio-pci on the rule forces it); group put back as it was: 0000:01:00.0"
	[ "$(state '.groups[] | select(.iommu_group == 12) | .result')" = failed ]
	[ "$(state '.groups[] | select(.iommu_group == 12) | .devices[0].result')" = kept ]
	[ "$(state '.groups[] | select(.iommu_group == 12) | .devices[0].vfio_module')" = mlx5_vfio_pci ]
}

@test "apply: driver=vfio-pci on the rule binds the generic driver although a variant matches" {
	tree variant
	conf "option bind-timeout=0" "bind 01:00.0 driver=vfio-pci"
	apply_traced
	[[ $WRITES == "0000:01:00.0/driver_override vfio-pci"* ]]
	[ "$(state '.groups[0].devices[0].vfio_driver_why')" = 'rule driver=vfio-pci' ]
}

@test "apply: a device already on a variant is already bound; the log names its driver" {
	tree "$(sed 's/^dev    02:00.0 \(.*\) driver=virtio-pci/dev    02:00.0 \1 driver=virtio-vfio-pci/; s/^dev    02:00.1 \(.*\) driver=virtio-pci/dev    02:00.1 \1 driver=vfio-pci/' "$TESTS_DIR/sysfs/trees/variant.tree")"
	conf "bind 02:00.0" "bind 02:00.1"
	apply_traced
	[ -z "$WRITES" ]
	[ "$(state '.groups[0].result')" = already-bound ]
	kmsg | grep -q 'group 13: already on vfio drivers: 0000:02:00.0 to virtio-vfio-pci (already bound), 0000:02:00.1 to vfio-pci (already bound)'
	run ve status
	[ "$status" -eq 0 ]
	echo "$output" | grep -E '^0000:02:00\.0 +13 +1af4:1041 +virtio-vfio-pci +vfio-pci +already-bound +ok  \(already bound\)$'
	echo "$output" | grep -E '^0000:02:00\.1 +13 +1af4:1042 +vfio-pci +vfio-pci +already-bound +ok$'
}

@test "apply: a dry run logs each device's driver and why" {
	tree variant
	conf "bind 02:00.0" "bind 02:00.1"
	echo "vfio-early.dryrun" >"$BATS_TEST_TMPDIR/cmdline"
	apply_traced --cmdline "$BATS_TEST_TMPDIR/cmdline"
	[ -z "$WRITES" ]
	kmsg | grep -q 'group 13: dry run: would bind 0000:02:00.0 to virtio-vfio-pci (variant matched vfio_pci:v00001AF4d00001041sv\*sd\*bc\*sc\*i\*), 0000:02:00.1 to vfio-pci (generic)'
}

@test "apply: a config binding nothing does not read modules.alias" {
	tree variant
	conf "protect 01:00.0"
	run strace -f -qq -e trace=%file -o "$BATS_TEST_TMPDIR/open.log" "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" apply
	[ "$status" -eq 0 ]
	run ! grep -q modules.alias "$BATS_TEST_TMPDIR/open.log"
	conf "bind 03:00.0 driver=vfio-pci" "bind 03:00.1 driver=vfio-pci"
	run strace -f -qq -e trace=%file -o "$BATS_TEST_TMPDIR/open.log" "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" apply
	run ! grep -q modules.alias "$BATS_TEST_TMPDIR/open.log"
	conf "bind 03:00.0" "bind 03:00.1"
	run strace -f -qq -e trace=%file -o "$BATS_TEST_TMPDIR/open.log" "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" apply
	[ "$(grep -c 'modules.alias' "$BATS_TEST_TMPDIR/open.log")" -eq 1 ]
}

@test "fake kernel: the variant binds by its driver name; the record, the log and status say which and why" {
	FBIN=${VFIO_EARLY_FAULTS_BIN:-$TESTS_DIR/../build/san/vfio-early}
	[ -x "$FBIN" ] || skip "no fault-injection build ($FBIN): make san"
	run env VFIO_EARLY_FAULT=nonsense "$FBIN" --sysroot / --config /nonexistent check
	[[ "$output" == *"VFIO_EARLY_FAULT: cannot parse"* ]] || skip "$FBIN is not a fault-injection build"
	tree variant
	conf "bind 02:00.0" "bind 02:00.1"
	VFIO_EARLY_FAKE_KERNEL=1 "$FBIN" --sysroot "$ROOT" --config "$CONF" apply
	[ "$(readlink "$ROOT/sys/bus/pci/devices/0000:02:00.0/driver")" = ../../../bus/pci/drivers/virtio-vfio-pci ]
	[ "$(readlink "$ROOT/sys/bus/pci/devices/0000:02:00.1/driver")" = ../../../bus/pci/drivers/vfio-pci ]
	[ "$(state '.groups[0].result')" = bound ]
	[ "$(state '.groups[0].devices[0].driver_after')" = virtio-vfio-pci ]
	kmsg | grep -q 'group 13: bound 0000:02:00.0 to virtio-vfio-pci (variant matched vfio_pci:v00001AF4d00001041sv\*sd\*bc\*sc\*i\*), 0000:02:00.1 to vfio-pci (generic) ('
	# the fake kernel moves driver links, not uevent's DRIVER= (scan reads it)
	sed -i 's/^DRIVER=.*/DRIVER=virtio-vfio-pci/' "$ROOT/sys/bus/pci/devices/0000:02:00.0/uevent"
	sed -i 's/^DRIVER=.*/DRIVER=vfio-pci/' "$ROOT/sys/bus/pci/devices/0000:02:00.1/uevent"
	run "$FBIN" --sysroot "$ROOT" --config "$CONF" status
	[ "$status" -eq 0 ]
	echo "$output" | grep -E '^0000:02:00\.0 .* virtio-vfio-pci +vfio-pci +bound +ok  \(variant matched vfio_pci:v00001AF4d00001041sv\*sd\*bc\*sc\*i\*\)$'
	run "$FBIN" --sysroot "$ROOT" --config "$CONF" status --json
	[ "$(jq -r '.devices[] | select(.address == "0000:02:00.0") | .vfio_driver_why' <<<"$output")" = 'variant matched vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i*' ]
}

@test "modules.alias is read in 64 KiB pieces: a line across a boundary, after a line longer than a piece, the last without a newline" {
	tree variant
	a=$ROOT/lib/modules/6.1.0-test/modules.alias
	python3 - "$a" <<-'PY'
		import sys
		out = "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n"
		while len(out) < 65536 - 20:
		    out += "alias pci:v00008086d%08Xsv*sd*bc*sc*i* filler\n" % len(out)
		out = out[:65536 - 20 - 1] + "\n"  # the next line starts 20 bytes before 64 KiB
		out += "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\n"
		# longer than a piece; what starts the next piece is no line start
		out += "alias long_" + "x" * (65536 - 11) + "alias vfio_pci:v000010DEd00001AEFsv*sd*bc*sc*i* mid_line\n"
		out += "alias vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i* virtio_vfio_pci\n"
		out += "alias pci:v*d*sv*sd*bc*sc*i* filler\n" * 2000
		out += "alias vfio_pci:v000010DEd00002204sv*sd*bc*sc*i* nv_vfio_pci"
		open(sys.argv[1], "w").write(out)
	PY
	conf "bind 01:00.0" "bind 02:00.0" "bind 02:00.1" "bind 03:00.0" "bind 03:00.1"
	run ve check --json
	[ "$(dev_json 0000:01:00.0 vfio_module)" = mlx5_vfio_pci ]
	[ "$(dev_json 0000:02:00.0 vfio_module)" = virtio_vfio_pci ]
	[ "$(dev_json 0000:02:00.1 vfio_module)" = vfio_pci ]
	[ "$(dev_json 0000:03:00.0 vfio_module)" = nv_vfio_pci ]
	[ "$(dev_json 0000:03:00.1 vfio_module)" = vfio_pci ]
}

@test "fake kernel: a fault on each variant step binds the whole group or puts it back, and the record keeps each device's driver" {
	FBIN=${VFIO_EARLY_FAULTS_BIN:-$TESTS_DIR/../build/san/vfio-early}
	[ -x "$FBIN" ] || skip "no fault-injection build ($FBIN): make san"
	run env VFIO_EARLY_FAULT=nonsense "$FBIN" --sysroot / --config /nonexistent check
	[[ "$output" == *"VFIO_EARLY_FAULT: cannot parse"* ]] || skip "$FBIN is not a fault-injection build"
	conf "option bind-timeout=50" "bind 02:00.0" "bind 02:00.1"
	n=0
	# SPEC|OUTCOME: kept (nothing written), restored, bound, dirty
	for c in "opendir@virtio_vfio_pci/drivers:EACCES:*|kept" \
		"exists@drivers/virtio-vfio-pci:ENOENT:*|bound" \
		"driver_override virtio-vfio-pci:EBUSY|restored" \
		"drivers_probe 0000:02:00.0:ENODEV|restored" \
		"drivers_probe 0000:02:00.1:EIO|restored" \
		"drivers_probe 0000:02:00.1:EIO,virtio-vfio-pci/unbind:EBUSY|dirty"; do
		spec=${c%|*} want=${c##*|}
		n=$((n + 1))
		tree variant
		run env VFIO_EARLY_FAKE_KERNEL=1 VFIO_EARLY_FAULT="$spec" ASAN_OPTIONS=detect_leaks=0 "$FBIN" --sysroot "$ROOT" --config "$CONF" apply
		[ "$status" -eq 0 ]
		d0=$(basename "$(readlink "$ROOT/sys/bus/pci/devices/0000:02:00.0/driver")")
		d1=$(basename "$(readlink "$ROOT/sys/bus/pci/devices/0000:02:00.1/driver")")
		o0=$(cat "$ROOT/sys/bus/pci/devices/0000:02:00.0/driver_override")
		o1=$(cat "$ROOT/sys/bus/pci/devices/0000:02:00.1/driver_override")
		res=$(state '.groups[0].result') r0=$(state '.groups[0].devices[0].result')
		echo "# $spec: $res ($r0); $d0/$o0 $d1/$o1" >&3
		[ "$(state '.groups[0].devices[0].vfio_module')" = virtio_vfio_pci ]
		[ "$(state '.groups[0].devices[1].vfio_module')" = vfio_pci ]
		case $want in
		bound)
			[ "$res $r0" = "bound bound" ]
			[ "$d0/$o0 $d1/$o1" = "virtio-vfio-pci/virtio-vfio-pci vfio-pci/vfio-pci" ]
			;;
		kept | restored)
			[ "$res $r0" = "failed $want" ]
			[ "$d0/$o0 $d1/$o1" = "virtio-pci/(null) virtio-pci/(null)" ]
			kmsg | grep -q 'group 13: FAILED: .*; group put back as it was: 0000:02:00.0 0000:02:00.1$'
			;;
		dirty)
			# the rollback could not take 02:00.0 off the variant: said so
			[ "$res $r0" = "failed dirty" ]
			[ "$d0 $d1" = "virtio-vfio-pci virtio-pci" ]
			kmsg | grep -q 'group 13: FAILED: .*; group NOT fully put back: 0000:02:00.0 (NOT restored: driver virtio-vfio-pci) 0000:02:00.1$'
			;;
		esac
	done
	[ "$n" -eq 6 ]
}
