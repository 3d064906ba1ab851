#!/usr/bin/env bats
# SR-IOV VF identity (sriov ... mac= vlan= trust= spoofchk=) against fake
# sysroots: every config error with FILE:LINE, check's plan, the plan's
# refusals, and apply where the identity cannot be set (no netdev, a
# --sysroot tree): recorded per VF, logged, the VFs still bound. Setting it
# on a real PF is proven by boot scenario 21 (QEMU's igb).

load helpers
bats_require_minimum_version 1.5.0

NIC_TREE=$BATS_TEST_DIRNAME/../sysfs/trees/sriov-nic.tree
# the sriov-nic tree with sed edits
ntree() { tree "$(sed -e "$1" "$NIC_TREE")"; }
# conf_error EXPECTED LINE... : check and validate both refuse the config
# with EXPECTED (its "$CONF:" prefix added here) and bind nothing
conf_error() {
	local want=$1
	shift
	conf "$@"
	run ve check
	[ "$status" -eq 2 ]
	[[ $output == *"$CONF:$want"* ]] || {
		echo "expected: $CONF:$want"
		false
	}
	[[ $output == *"config error: nothing would be bound"* ]]
	run ve validate
	[ "$status" -eq 2 ]
	[[ $output == *"$CONF:$want"* ]]
}

@test "vfid config: a bad MAC is an error with FILE:LINE" {
	tree sriov-nic
	conf_error "2: 01:00:5e:00:00:01 in mac= is a multicast address" "# nic" "sriov 01:00.0 vfs=2 mac=02:00:00:00:00:01,01:00:5e:00:00:01"
	conf_error "1: ff:ff:ff:ff:ff:ff in mac= is a multicast address" "sriov 01:00.0 vfs=2 mac=ff:ff:ff:ff:ff:ff+"
	conf_error "1: 00:00:00:00:00:00 in mac= is the zero MAC" "sriov 01:00.0 vfs=2 mac=00:00:00:00:00:00"
	conf_error "1: 00:00:00:00:00:00 in mac= is the zero MAC" "sriov 01:00.0 vfs=2 mac=00:00:00:00:00:00+"
	conf_error "1: '02:00:00:00:00' in mac= is not a MAC address; expected six hex pairs" "sriov 01:00.0 vfs=2 mac=02:00:00:00:00"
	conf_error "1: '02-00-00-00-00-01' in mac= is not a MAC address" "sriov 01:00.0 vfs=2 mac=02-00-00-00-00-01"
	conf_error "1: mac= given twice" "sriov 01:00.0 vfs=2 mac=02:00:00:00:00:01 mac=02:00:00:00:00:02"
}

@test "vfid config: duplicate MACs anywhere in the config, at the later line" {
	tree sriov-nic
	conf_error "1: mac=: 02:00:00:00:00:01 is given twice (VF 0 and VF 1)" "sriov 01:00.0 vfs=2 mac=02:00:00:00:00:01,02:00:00:00:00:01"
	conf_error "3: mac=: 02:00:00:00:00:11 (VF 0 here) is VF 1's MAC at $CONF:1 already" \
		"sriov 01:00.0 vfs=4 mac=02:00:00:00:00:10+" "" "sriov 02:00.0 vfs=1 mac=02:00:00:00:00:11"
	# two BASE+ ranges that overlap by one MAC
	conf_error "2: mac=: 02:00:00:00:00:13 (VF 0 here) is VF 3's MAC at $CONF:1 already" \
		"sriov 01:00.0 vfs=4 mac=02:00:00:00:00:10+" "sriov 02:00.0 vfs=4 mac=02:00:00:00:00:13+"
	# back to back is fine
	conf "sriov 01:00.0 vfs=4 mac=02:00:00:00:00:10+" "sriov 02:00.0 vfs=4 mac=02:00:00:00:00:14+"
	run ve validate
	[ "$status" -eq 0 ]
}

@test "vfid config: more MACs than VFs, BASE+ past the low 24 bits" {
	tree sriov-nic
	conf_error "1: mac= lists 3 MACs for vfs=2: more MACs than VFs" "sriov 01:00.0 vfs=2 mac=02:00:00:00:00:01,02:00:00:00:00:02,02:00:00:00:00:03"
	conf_error "1: mac=02:00:00:ff:ff:fd+ with vfs=4 runs past 02:00:00:ff:ff:ff: counting up would change the first three bytes (the OUI)" \
		"sriov 01:00.0 vfs=4 mac=02:00:00:ff:ff:fd+"
	# the last one that fits
	conf "sriov 01:00.0 vfs=3 mac=02:00:00:ff:ff:fd+"
	run ve validate
	[ "$status" -eq 0 ]
}

@test "vfid config: vlan=, trust=, spoofchk= out of range or misspelt" {
	tree sriov-nic
	conf_error "1: 'vlan=4095': expected a VLAN id from 0 to 4094" "sriov 01:00.0 vfs=2 vlan=4095"
	conf_error "1: 'vlan=x': expected a VLAN id from 0 to 4094" "sriov 01:00.0 vfs=2 vlan=x"
	conf_error "1: vlan= given twice" "sriov 01:00.0 vfs=2 vlan=1 vlan=1"
	conf_error "1: 'trust=yes': expected trust=on or trust=off" "sriov 01:00.0 vfs=2 trust=yes"
	conf_error "1: 'spoofchk=1': expected spoofchk=on or spoofchk=off" "sriov 01:00.0 vfs=2 spoofchk=1"
	conf_error "1: trust= given twice" "sriov 01:00.0 vfs=2 trust=on trust=on"
}

@test "vfid check: what boot would set on each VF, and through which netdev" {
	tree sriov-nic
	conf "sriov 01:00.0 vfs=3 vfio=0-1 mac=02:00:00:00:00:10,02:00:00:00:00:11 trust=on spoofchk=off" \
		"sriov 02:00.0 vfs=2 mac=02:00:00:00:01:fe+ vlan=7"
	run ve check
	[ "$status" -eq 0 ]
	[[ $output == *"SR-IOV 0000:01:00.0 (8086:10c9, driver igb, 7 VFs max, 0 now): create 3 VF(s)
  VF 0  0000:01:10.0  -> vfio-pci (created at boot); mac 02:00:00:00:00:10, trust on, spoofchk off
  VF 1  0000:01:10.2  -> vfio-pci (created at boot); mac 02:00:00:00:00:11, trust on, spoofchk off
  VF 2  0000:01:10.4  -> host driver (created at boot); trust on, spoofchk off
  VF identity: set through rtnetlink on enp1s0 once the VFs exist, before any driver binds them"* ]]
	[[ $output == *"  VF 1  0000:02:10.2  -> vfio-pci (created at boot); mac 02:00:00:00:01:ff, vlan 7"* ]]
	# --sysroot: said, not an error
	[[ $output == *"info: VF MAC, VLAN, trust and spoofchk go through rtnetlink to the running kernel: with --sysroot $ROOT, apply would record that it cannot set them"* ]]
	run ve check --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.sriov[] | .pf + "=" + .netdev + "=" + (.vf_identity | tostring)] | join(",")' <<<"$output")" = \
		"0000:01:00.0=enp1s0=true,0000:02:00.0=enp2s0=true" ]
	[ "$(jq -c '[.sriov[0].vfs[] | [.mac, .vlan, .trust, .spoofchk]]' <<<"$output")" = \
		'[["02:00:00:00:00:10",null,true,false],["02:00:00:00:00:11",null,true,false],[null,null,true,false]]' ]
	[ "$(jq -c '[.sriov[1].vfs[] | [.mac, .vlan, .trust, .spoofchk]]' <<<"$output")" = \
		'[["02:00:00:00:01:fe",7,null,null],["02:00:00:00:01:ff",7,null,null]]' ]
	# check has no result fields: nothing was applied
	[ "$(jq -r '.sriov[0].vfs[0] | has("identity_result")' <<<"$output")" = false ]
	[ "$(jq -r '[.host.findings[] | select(.code == "vf-identity-not-live") | .severity] | join(",")' <<<"$output")" = info ]
}

@test "vfid check: a PF without a netdev is a finding; with no driver a warning" {
	ntree '/^net/d; s/^\(dev *02:00.0 .*\)driver=igb/\1/'
	conf "sriov 01:00.0 vfs=2 mac=02:00:00:00:00:10+" "sriov 02:00.0 vfs=2 trust=on"
	run ve check
	[ "$status" -eq 1 ]
	[[ $output == *"error: 0000:01:00.0 has driver igb but no netdev (nothing in /sys/bus/pci/devices/0000:01:00.0/net/): VF MAC, VLAN, trust and spoofchk cannot be set"* ]]
	[[ $output == *"warning: 0000:02:00.0 has no driver now, so no netdev"* ]]
	[[ $output == *"  VF identity: set through rtnetlink on the PF's netdev once the VFs exist"* ]]
	run ve check --json
	[ "$(jq -r '[.host.findings[] | select(.code == "vf-identity-no-netdev") | .subject + ":" + .severity] | join(",")' <<<"$output")" = \
		"0000:01:00.0:error,0000:02:00.0:warning" ]
	[ "$(jq -r '.sriov[0].netdev' <<<"$output")" = null ]
}

@test "vfid check: identity on a PF that cannot have a netdev, or MACs for several PFs, is refused" {
	tree sriov
	conf "sriov 02:00.0 vfs=2 mac=02:00:00:00:00:10+"
	run ve check
	[ "$status" -eq 1 ]
	[[ $output == *"  VF identity: REFUSE: 0000:02:00.0 is an NVMe drive (class 010802), not a network controller: it has no netdev to set VF MAC, VLAN, trust or spoofchk on"* ]]
	tree sriov-nic
	conf "sriov id=8086:10c9 vfs=2 mac=02:00:00:00:00:10+"
	run ve check --json
	[ "$status" -eq 1 ]
	[ "$(jq -r '[.host.findings[] | select(.code == "vf-identity-refused") | .subject] | join(",")' <<<"$output")" = "0000:01:00.0,0000:02:00.0" ]
	[[ "$(jq -r '.sriov[0].vf_identity_refused' <<<"$output")" == "$CONF:1 gives MACs but matches 2 SR-IOV PFs: each would give its VFs the same MACs"* ]]
	# the VFs themselves are still planned
	[ "$(jq -r '[.sriov[].action] | join(",")' <<<"$output")" = "create,create" ]
	# a PF bound by a rule goes to vfio-pci: no netdev
	conf "bind 01:00.0" "sriov 01:00.0 vfs=1 trust=on"
	run ve check --json
	[ "$(jq -r '.sriov[0].vf_identity_refused' <<<"$output")" = \
		"0000:01:00.0 goes to vfio-pci: a PF on vfio-pci has no netdev to set VF MAC, VLAN, trust or spoofchk on" ]
}

@test "vfid apply: a PF without a netdev: recorded failure per VF, logged, the VFs still bound" {
	ntree 's/sriov_numvfs=0/sriov_numvfs=2/; /^net/d'
	mkdir -p "$ROOT/sys/bus/pci/drivers/vfio-pci"
	conf "option vf-timeout=20 bind-timeout=10" "sriov 01:00.0 vfs=2 mac=02:00:00:00:00:10,02:00:00:00:00:11 trust=on"
	apply_traced
	# both VFs claimed for vfio-pci and probed, as without identity
	[ "$(grep -c -e '^0000:01:10\.[02]/driver_override vfio-pci$' -e '^pci/drivers_probe 0000:01:10\.[02]$' <<<"$WRITES")" = 4 ]
	[ "$(state '.sriov[0].result')" = unchanged ]
	[ "$(state '[.sriov[0].vfs[] | .mac + " " + .identity_result] | join(",")')" = \
		"02:00:00:00:00:10 failed,02:00:00:00:00:11 failed" ]
	[ "$(state '.sriov[0].vfs[1].identity_error')" = \
		"not set: 0000:01:00.0 has no netdev (nothing in /sys/bus/pci/devices/0000:01:00.0/net/ within 20 ms)" ]
	[ "$(state '.summary.vf_identity_failed')" = 2 ]
	[ "$(state '.sriov[0].netdev')" = null ]
	kmsg | grep -qx '<3>vfio-early: sriov 0000:01:00.0: VF identity FAILED for 2 of 2 VF(s) (VF 0: not set: 0000:01:00.0 has no netdev (nothing in /sys/bus/pci/devices/0000:01:00.0/net/ within 20 ms)); the VFs are bound regardless'
	kmsg | grep -q 'done in [0-9]* us: 0 group(s) bound, 0 already, 0 refused, 2 failed, VF identity failed on 2 VF(s); record in'
	# the PF's other VF steps went on: autoprobe put back
	[[ $WRITES == *"0000:01:00.0/sriov_drivers_autoprobe 1" ]]
	run ve status
	[[ $output == *"0000:01:00.0  2         2         unchanged       ok
  VF 0    0000:01:10.0  -           failed     unknown   mac 02:00:00:00:00:10, trust on; not read: --sysroot is not the running system
  VF 1    0000:01:10.2  -           failed     unknown   mac 02:00:00:00:00:11, trust on; not read: --sysroot is not the running system"* ]]
	run ve status --json
	[ "$(jq -r '[.sriov[0].vf_identity[] | .address + "=" + .boot + "=" + .state] | join(",")' <<<"$output")" = \
		"0000:01:10.0=failed=unknown,0000:01:10.2=failed=unknown" ]
}

@test "vfid apply: --sysroot is not the live kernel: nothing goes to rtnetlink, recorded" {
	ntree 's/sriov_numvfs=0/sriov_numvfs=2/'
	mkdir -p "$ROOT/sys/bus/pci/drivers/vfio-pci"
	conf "option vf-timeout=20 bind-timeout=10" "sriov 01:00.0 vfs=2 mac=02:00:00:00:00:10+ vlan=5"
	strace -f -qq -e trace=socket -o "$BATS_TEST_TMPDIR/socket.log" "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" apply
	[ ! -s "$BATS_TEST_TMPDIR/socket.log" ]
	[ "$(state '.sriov[0].netdev')" = enp1s0 ]
	[ "$(state '[.sriov[0].vfs[].identity_result] | join(",")')" = failed,failed ]
	[ "$(state '.sriov[0].vfs[0].identity_error')" = \
		"not set: --sysroot $ROOT is not the running system; rtnetlink reaches only the live kernel's enp1s0" ]
	kmsg | grep -q 'sriov 0000:01:00.0: VF identity FAILED for 2 of 2 VF(s)'
}

@test "vfid apply: dry run and refused PFs set nothing; a rule without identity records none" {
	ntree 's/sriov_numvfs=0/sriov_numvfs=2/'
	conf "option vf-timeout=20 bind-timeout=10" "sriov 01:00.0 vfs=2 mac=02:00:00:00:00:10+" "sriov 02:00.0 vfs=2"
	echo "vfio-early.dryrun" >"$BATS_TEST_TMPDIR/cmdline"
	apply_traced --cmdline "$BATS_TEST_TMPDIR/cmdline"
	[ "$(state '.sriov[0].result')" = dry-run ]
	[ "$(state '[.sriov[0].vfs[].identity_result] | join(",")')" = not-tried,not-tried ]
	[ "$(state '[.sriov[1].vfs[] | .identity_result == null and .mac == null] | all')" = true ]
	[ "$(state '.summary.vf_identity_failed')" = 0 ]
	run grep -c 'VF identity' "$ROOT/dev/kmsg"
	[ "$output" = 0 ]
	# MACs on an NVMe PF: refused by the plan, recorded on each VF at boot
	tree "$(sed 's/^\(dev *02:00.0 .*\)sriov_numvfs=0/\1sriov_numvfs=2/' "$BATS_TEST_DIRNAME/../sysfs/trees/sriov.tree")"
	conf "option vf-timeout=20 bind-timeout=10" "sriov 02:00.0 vfs=2 trust=off"
	apply_traced
	[[ "$(state '.sriov[0].vfs[0].identity_error')" == "not set: 0000:02:00.0 is an NVMe drive (class 010802), not a network controller"* ]]
	[ "$(state '.summary.vf_identity_failed')" = 2 ]
}

@test "vfid: every finding code and record field is documented" {
	doc=$TESTS_DIR/../conf/check-json.md
	# every code the binder can emit: each is a string literal
	codes=$(cat "$TESTS_DIR"/../binder/vfid.c "$TESTS_DIR"/../binder/apply_vfid.c | grep -o '"vf-identity-[a-z-]*"' | tr -d '"' | sort -u)
	[ "$(echo "$codes" | wc -l)" -eq 3 ]
	for c in $codes; do
		grep -q "| \`$c\` |" "$doc" || {
			echo "code $c not in $doc"
			false
		}
	done
	for f in netdev vf_identity vf_identity_refused mac vlan trust spoofchk identity_result identity_error vf_identity_failed; do
		grep -q "\`$f\`" "$doc" || {
			echo "field $f not in $doc"
			false
		}
	done
}
