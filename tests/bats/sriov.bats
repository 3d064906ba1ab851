#!/usr/bin/env bats
# SR-IOV rules against fake sysroots: plan, exact write sequence, failures.
# (A fake tree has no kernel: VFs never appear on their own, so creation
# ends in the bounded wait; boot tests prove the real kernel path.)

load helpers

SRIOV_TREE=$BATS_TEST_DIRNAME/../sysfs/trees/sriov.tree

@test "sriov check: VFs that boot would create, with addresses and driver" {
	tree sriov
	conf "sriov 02:00.0 vfs=2"
	run ve check --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.sriov | length' <<<"$output")" = 1 ]
	[ "$(jq -r '.sriov[0] | .pf + " " + .action + " " + (.numvfs_requested|tostring) + " " + .pf_driver' <<<"$output")" = "0000:02:00.0 create 2 nvme" ]
	[ "$(jq -r '[.sriov[0].vfs[] | .address + "=" + .to + "=" + (.exists|tostring)] | join(",")' <<<"$output")" = \
		"0000:02:00.1=vfio-pci=false,0000:02:00.2=vfio-pci=false" ]
	run ve check
	[[ "$output" == *"SR-IOV 0000:02:00.0 (1b36:0010, driver nvme, 2 VFs max, 0 now): create 2 VF(s)"* ]]
	[[ "$output" == *"VF 1  0000:02:00.2  -> vfio-pci (created at boot)"* ]]
}

@test "sriov check: host / vfio= lists decide each VF's driver" {
	tree sriov
	conf "sriov 02:00.0 vfs=2 vfio=1" "sriov 01:00.0 vfs=1 host"
	run ve check --json
	[ "$(jq -r '[.sriov[] | .pf + ":" + ([.vfs[].to] | join("/"))] | join(",")' <<<"$output")" = \
		"0000:02:00.0:host/vfio-pci,0000:01:00.0:host" ]
}

@test "sriov: more VFs than sriov_totalvfs is an error at check time and at boot" {
	tree sriov
	conf "sriov 02:00.0 vfs=3"
	run ve check
	[ "$status" -eq 1 ]
	[[ "$output" == *"0000:02:00.0 supports at most 2 VFs (sriov_totalvfs), $CONF:1 asks for 3"* ]]
	apply_traced
	[ -z "$WRITES" ]
	kmsg | grep -q "sriov 0000:02:00.0: refused: 0000:02:00.0 supports at most 2 VFs"
	[ "$(state '.sriov[0].result')" = refused ]
}

@test "sriov apply: autoprobe off, numvfs N, bounded wait, autoprobe restored" {
	tree sriov
	conf "option vf-timeout=30" "sriov 02:00.0 vfs=2"
	apply_traced
	[ "$WRITES" = "0000:02:00.0/sriov_drivers_autoprobe 0
0000:02:00.0/sriov_numvfs 2
0000:02:00.0/sriov_drivers_autoprobe 1" ]
	[ "$(state '.sriov[0].result')" = failed ]
	[[ "$(state '.sriov[0].message')" == "0000:02:00.0: 2 VFs asked, not all virtfn links appeared within 30 ms" ]]
	kmsg | grep -q 'sriov 0000:02:00.0: FAILED'
}

@test "sriov apply: a different VF count goes through 0 first" {
	tree "$(sed 's/^\(dev *02:00.0 .*\)sriov_numvfs=0/\1sriov_numvfs=1/' "$SRIOV_TREE")"
	conf "option vf-timeout=20" "sriov 02:00.0 vfs=2"
	apply_traced
	[ "$(echo "$WRITES" | grep -v driver_override | grep -v drivers_probe | grep -v unbind)" = "0000:02:00.0/sriov_drivers_autoprobe 0
0000:02:00.0/sriov_numvfs 0
0000:02:00.0/sriov_numvfs 2
0000:02:00.0/sriov_drivers_autoprobe 1" ]
	[ "$(state '.sriov[0].numvfs_before')" = 1 ]
}

@test "sriov apply: existing VFs are bound like any device, count unchanged" {
	tree "$(sed 's/^\(dev *02:00.0 .*\)sriov_numvfs=0/\1sriov_numvfs=2/' "$SRIOV_TREE")"
	mkdir -p "$ROOT/sys/bus/pci/drivers/vfio-pci"
	conf "option vf-timeout=20 bind-timeout=10" "sriov 02:00.0 vfs=2"
	apply_traced
	# each VF (own group) claimed and probed; numvfs left alone
	echo "$WRITES" | grep -qx '0000:02:00.1/driver_override vfio-pci'
	echo "$WRITES" | grep -qx '0000:02:00.2/driver_override vfio-pci'
	[[ "$WRITES" != *sriov_numvfs* ]]
	[ "$(state '.sriov[0].result')" = unchanged ]
	[ "$(state '[.groups[].devices[].address] | join(",")')" = "0000:02:00.1,0000:02:00.2" ]
}

@test "sriov apply: a PF without a driver gets its module loaded (not possible on a sysroot: clear failure)" {
	tree "$(sed 's/^\(dev *02:00.0 .*\)driver=nvme/\1/' "$SRIOV_TREE")"
	conf "sriov 02:00.0 vfs=2" "bind 01:00.0"
	mkdir -p "$ROOT/sys/bus/pci/drivers/vfio-pci"
	apply_traced
	[[ "$WRITES" != *02:00.0* ]]
	[[ "$(state '.sriov[0].message')" == "0000:02:00.0 has no driver and loading one failed: not loading pci:v00001B36d00000010"* ]]
	# the rest of the config still ran
	echo "$WRITES" | grep -qx '0000:01:00.0/driver_override vfio-pci'
	# and the failure is counted everywhere, not hidden behind "0 failed"
	[ "$(state '.sriov[0].result')" = failed ]
	[ "$(state '.summary.sriov_failed')" = 1 ]
	# 2: the SR-IOV step, and 01:00.0 (a fake tree binds nothing)
	[ "$(state '.summary.groups_failed')" = 1 ]
	kmsg | grep -q 'done in [0-9]* us: 0 group(s) bound, 0 already, 0 refused, 2 failed (SR-IOV steps included);'
	run ve status
	[ "$status" -eq 1 ]
	[[ "$output" == *"0000:02:00.0  0         2         failed          MISMATCH"* ]]
	run ve status --json
	[ "$(jq -r '.sriov[0] | [.pf, .numvfs, .numvfs_config, .boot, .state] | join(",")' <<<"$output")" = "0000:02:00.0,0,2,failed,MISMATCH" ]
}

@test "sriov: a second identical PF not named gets nothing" {
	tree sriov
	conf "option vf-timeout=10" "sriov 0000:02:00.0 vfs=2"
	apply_traced
	[[ "$WRITES" != *0000:01:00.0* ]]
}

@test "sriov status: VFs on vfio-pci against the config" {
	tree sriov-vfs
	run ve --config /dev/null check
	local pf
	pf=$(grep -m1 -o 'dev *[0-9a-f:.]* .*sriov_totalvfs' "$BATS_TEST_DIRNAME/../sysfs/trees/sriov-vfs.tree" | awk '{print $2}')
	conf "sriov $pf vfs=4"
	run ve status
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c ' ok$')" -ge 4 ]
}

@test "sriov apply: failing to put sriov_drivers_autoprobe back is recorded, not hidden" {
	FBIN=${VFIO_EARLY_FAULTS_BIN:-$BATS_TEST_DIRNAME/../../build/san/vfio-early}
	run env VFIO_EARLY_FAULT=nonsense "$FBIN" --sysroot / --config /nonexistent check
	[[ "$output" == *"VFIO_EARLY_FAULT: cannot parse"* ]] || skip "$FBIN is not a fault-injection build (make san)"
	tree "$(sed 's/^\(dev *02:00.0 .*\)sriov_numvfs=0/\1sriov_numvfs=2/' "$SRIOV_TREE")"
	mkdir -p "$ROOT/sys/bus/pci/drivers/vfio-pci"
	conf "option vf-timeout=20 bind-timeout=10" "sriov 02:00.0 vfs=2"
	# the second autoprobe write is the one that puts it back ("1")
	ASAN_OPTIONS=detect_leaks=0 VFIO_EARLY_FAULT="sriov_drivers_autoprobe 1:EBUSY" "$FBIN" --sysroot "$ROOT" --config "$CONF" apply
	[[ "$(state '.sriov[0].message')" == *"sriov_drivers_autoprobe NOT put back (Device or resource busy)"* ]]
}
