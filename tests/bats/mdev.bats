#!/usr/bin/env bats
# mdev rules (issue 14) against fake sysroots: check's mdev section and every
# finding, mdev-apply's exact writes, record and log line, every way a
# creation fails, status against what exists. A fake tree has no kernel:
# writing create makes no device, except under the fault-injection build's
# fake kernel (make san), which the success paths use when it is there.
# (Boot scenarios 22 and 23 prove the real kernel with the mtty sample driver.)

load helpers
bats_require_minimum_version 1.5.0

NS=e6d08a62-a3ad-43f0-8928-ab5e6b01d097
GIVEN=3b2f2f3e-8f0c-4c1e-9a53-7a1c1b5e2d10
EXISTING=a297db4a-f4c2-11e6-90f6-d3b88d6c9525
FBIN=${VFIO_EARLY_FAULTS_BIN:-$BATS_TEST_DIRNAME/../../build/san/vfio-early}

# The UUID vfio-early derives, computed by Python's uuid5 (independent of
# the binary's SHA-1): v5 NAME
v5() { python3 -c 'import sys, uuid; print(uuid.uuid5(uuid.UUID(sys.argv[1]), sys.argv[2]))' "$NS" "$1"; }
vtree() { tree "$(sed -e "$2" "$TESTS_DIR/sysfs/trees/$1.tree")"; }
jcheck() {
	run ve check --json
	JSON=$output
}
codes() { jq -r '[.host.findings[].code | select(startswith("mdev-"))] | join(" ")' <<<"$JSON"; }
finding() { jq -r --arg c "$1" --arg f "$2" '[.host.findings[] | select(.code == $c) | .[$f]] | join("\n")' <<<"$JSON"; }

# mdev-apply under strace: WRITES gets "TYPE/create UUID" lines (as
# apply_traced shows writes), kmsg and records left out.
mdev_traced() {
	local log=$BATS_TEST_TMPDIR/strace.log
	strace -f -qq -e trace=write -e signal=none -y -s 256 -o "$log" \
		"${BIN:-$VFIO_EARLY}" --sysroot "$ROOT" --config "$CONF" mdev-apply "$@"
	MDEV_RC=$?
	WRITES=$(sed -n 's/^[0-9]* *write([0-9]*<\([^>]*\)>, "\(.*\)", [0-9]*) = .*/\1 \2/p' "$log" |
		grep -v -e '/dev/kmsg ' -e '/run/vfio-early/' |
		sed -e "s|^$ROOT/||" -e 's|^.*/\([^/]*/[^/ ]*\) |\1 |' -e 's/\\n$//' -e 's/ $//')
}
record() { jq -r "$2" "$ROOT/run/vfio-early/mdev/$1.json"; }
need_fake_kernel() {
	run env VFIO_EARLY_FAULT=nonsense "$FBIN" --sysroot / --config /nonexistent check
	[[ "$output" == *"VFIO_EARLY_FAULT: cannot parse"* ]] || skip "$FBIN is not a fault-injection build (make san)"
	BIN=$FBIN
	export VFIO_EARLY_FAKE_KERNEL=1 ASAN_OPTIONS=detect_leaks=0
}

@test "mdev check: the parent, its type, available instances, given and derived UUIDs" {
	tree mdev
	conf "mdev parent=mtty type=mtty-2 count=2 uuid=$GIVEN" "mdev 00:02.0 type=i915-GVTg_V5_4 uuid=$EXISTING"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(jq -r '.mdev | length' <<<"$JSON")" = 2 ]
	[ "$(jq -r '.mdev[0] | [.rule_line, .selector, .parent, .parent_pci, .registered, .type_exists, .type_name, .device_api, .available_instances] | join(" ")' <<<"$JSON")" = \
		"1 parent=mtty mtty false true true Dual port serial vfio-pci 12" ]
	[ "$(jq -r '.mdev[0].description' <<<"$JSON")" = null ]
	[ "$(jq -r '.mdev[0].types | join(",")' <<<"$JSON")" = "mtty-1,mtty-2" ]
	[ "$(jq -r '[.mdev[0].instances[] | .uuid + " " + .uuid_source + " " + .action] | join(",")' <<<"$JSON")" = \
		"$GIVEN config create,$(v5 'mtty|mtty-2|1') derived create" ]
	[ "$(jq -r '.mdev[1] | [.parent, .parent_driver, .type_name, .available_instances] | join(" ")' <<<"$JSON")" = "0000:00:02.0 i915 GVTg_V5_4 1" ]
	[[ "$(jq -r '.mdev[1].description' <<<"$JSON")" == "low_gm_size: 128MB, high_gm_size: 512MB"* ]]
	[ "$(jq -r '.mdev[1].instances[0] | .uuid + " " + .action' <<<"$JSON")" = "$EXISTING present" ]
	run ve check
	[ "$status" -eq 0 ]
	[[ "$output" == *"mdev mtty ($CONF:1, parent=mtty): type mtty-2 \"Dual port serial\", vfio-pci, 12 available"* ]]
	[[ "$output" == *"  1   $(v5 'mtty|mtty-2|1')  derived  create"* ]]
	[[ "$output" == *"  0   $EXISTING  uuid=    present"* ]]
}

@test "mdev check: derived UUIDs follow the rule's location (address, slot=, path=)" {
	tree mdev
	mkdir -p "$ROOT/sys/bus/pci/slots/8"
	echo 0000:01:00 >"$ROOT/sys/bus/pci/slots/8/address"
	for sel in "00:02.0|0000:00:02.0" "id=8086:3e92|0000:00:02.0" "slot=8|slot=8.0" "path=00:01.0/00|path=00:01.0/00.0"; do
		conf "mdev ${sel%%|*} type=T count=2"
		jcheck
		[ "$(jq -r '[.mdev[0].instances[].uuid] | join(" ")' <<<"$JSON")" = "$(v5 "${sel#*|}|T|0") $(v5 "${sel#*|}|T|1")" ]
	done
}

@test "mdev check: a parent that is not registered says why, with the remedy" {
	# GVT-g off
	vtree mdev 's/^loaded i915 enable_gvt=Y/loaded i915 enable_gvt=N/; /^mdev 00:02.0/d'
	conf "mdev 00:02.0 type=i915-GVTg_V5_4"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(codes)" = mdev-gvt-disabled ]
	[[ "$(finding mdev-gvt-disabled remedy)" == "add i915.enable_gvt=1 to the kernel command line"* ]]
	[ "$(jq -r '.mdev[0] | [.registered, .instances[0].action] | join(" ")' <<<"$JSON")" = "false wait" ]
	# GVT-g on, kvmgt not loaded
	vtree mdev '/^loaded kvmgt/d; /^mdev 00:02.0/d'
	jcheck
	[ "$(codes)" = mdev-kvmgt-missing ]
	[ "$(finding mdev-kvmgt-missing remedy)" = "modprobe kvmgt; at every boot: echo kvmgt > /etc/modules-load.d/kvmgt.conf" ]
	# both, and still nothing: not this iGPU
	vtree mdev '/^mdev 00:02.0/d'
	jcheck
	[ "$(codes)" = mdev-not-parent ]
	[[ "$(finding mdev-not-parent remedy)" == *"Broadwell to Comet Lake"* ]]
	# a GPU on nouveau
	conf "mdev 01:00.0 type=nvidia-63"
	jcheck
	[ "$(codes)" = mdev-not-parent ]
	[[ "$(finding mdev-not-parent message)" == *"0000:01:00.0 is on nouveau, which registers no mdev types for it"* ]]
	# no driver, no mdev core
	vtree mdev 's/^\(dev 01:00.0 .*\) driver=nouveau/\1/; /^mdev /d; /^loaded mdev/d'
	jcheck
	[ "$(codes)" = mdev-parent-no-driver ]
	[[ "$(finding mdev-parent-no-driver message)" == *"0000:01:00.0 has no driver"*"(the mdev core, module mdev, is not loaded either)" ]]
	run ve check
	[[ "$output" == *"mdev 0000:01:00.0 ($CONF:1, 0000:01:00.0): nvidia-63 wanted, 1 instance(s): NOT READY"* ]]
	[[ "$output" == *"  fix: load its host driver"* ]]
}

@test "mdev check: no such parent, no such type, no room, in use, planned twice, parent on vfio-pci" {
	tree mdev
	conf "mdev parent=mbochs type=mbochs-1"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(codes)" = mdev-no-parent ]
	[[ "$(finding mdev-no-parent message)" == "$CONF:1: no mdev parent named mbochs is registered (/sys/class/mdev_bus/mbochs); registered: 0000:00:02.0, mtty" ]]
	conf "mdev 05:00.0 type=x"
	jcheck
	[ "$(finding mdev-no-parent message)" = "$CONF:1: no device matches '0000:05:00.0'" ]
	[ "$(jq -r '.mdev[0] | [(.parent|tostring), (.instances|length)] | join(" ")' <<<"$JSON")" = "null 0" ]
	conf "mdev parent=mtty type=mtty-3"
	jcheck
	[ "$(codes)" = mdev-type-missing ]
	[[ "$(finding mdev-type-missing message)" == *"mtty offers no mdev type mtty-3; it offers: mtty-1 (Single port serial), mtty-2 (Dual port serial)" ]]
	[ "$(jq -r '.host.findings[0].severity' <<<"$JSON")" = error ]
	conf "mdev 00:02.0 type=i915-GVTg_V5_8 count=3"
	jcheck
	[ "$(codes)" = mdev-no-room ]
	[[ "$(finding mdev-no-room message)" == *"3 instance(s) of i915-GVTg_V5_8 to create on 0000:00:02.0, available_instances is 2" ]]
	conf "mdev parent=mtty type=mtty-1 uuid=$EXISTING"
	jcheck
	[ "$(codes)" = mdev-uuid-conflict ]
	[[ "$(finding mdev-uuid-conflict message)" == *"$EXISTING exists on 0000:00:02.0 as i915-GVTg_V5_4; left alone" ]]
	conf "mdev parent=mtty type=mtty-1" "mdev parent=mtty type=mtty-1"
	jcheck
	[ "$(codes)" = mdev-duplicate ]
	[ "$(jq -r '[.mdev[1].instances[].action] | join(" ")' <<<"$JSON")" = duplicate ]
	conf "bind 01:00.0" "mdev 01:00.0 type=nvidia-63"
	jcheck
	[[ " $(codes) " == *" mdev-parent-on-vfio "* ]]
	[[ "$(finding mdev-parent-on-vfio message)" == *"this config binds 0000:01:00.0 to vfio-pci; its mediated devices come from its host driver" ]]
}

@test "mdev check: every finding code is documented in conf/check-json.md" {
	for c in $(grep -o '"mdev-[a-z-]*"' "$TESTS_DIR/../binder/plan_mdev.c" | tr -d '"' | sort -u); do
		grep -q "^| \`$c\` |" "$TESTS_DIR/../conf/check-json.md" || {
			echo "$c is not in conf/check-json.md"
			return 1
		}
	done
}

@test "mdev-apply: one write per missing instance, none for the one that exists; record and log line" {
	tree mdev
	conf "mdev 00:02.0 type=i915-GVTg_V5_4 count=2 uuid=$EXISTING" "mdev parent=mtty type=mtty-2 uuid=$GIVEN"
	ACTION=change mdev_traced --parent 0000:00:02.0
	[ "$MDEV_RC" -eq 0 ]
	[ "$WRITES" = "i915-GVTg_V5_4/create $(v5 '0000:00:02.0|i915-GVTg_V5_4|1')" ]
	# no kernel behind a fake tree: the device never appears, and it says so
	[ "$(record 0000:00:02.0 '[.instances[] | .uuid + " " + .action + " " + .result] | join(",")')" = \
		"$EXISTING present present,$(v5 '0000:00:02.0|i915-GVTg_V5_4|1') create failed" ]
	[ "$(record 0000:00:02.0 '.instances[1].message')" = \
		"0000:00:02.0: the kernel took the UUID, but /sys/bus/mdev/devices/$(v5 '0000:00:02.0|i915-GVTg_V5_4|1') did not appear" ]
	[ "$(record 0000:00:02.0 '[.schema, .parent, .event, .instances[1].uuid_source, .instances[1].rule_line] | join(" ")')" = \
		"vfio-early-mdev/1 0000:00:02.0 change derived 1" ]
	run kmsg
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "<3>vfio-early: mdev 0000:00:02.0 (udev change): i915-GVTg_V5_4 $EXISTING present, i915-GVTg_V5_4 "*" failed ("*"record in /run/vfio-early/mdev/0000:00:02.0.json" ]]
	[[ ! -e "$ROOT/run/vfio-early/mdev/mtty.json" ]]
}

@test "mdev-apply: a parent the config does not name, or no mdev rule: nothing written, nothing logged" {
	tree mdev
	conf "mdev parent=mtty type=mtty-2"
	mdev_traced --parent 0000:00:02.0
	[ "$MDEV_RC" -eq 0 ]
	[ -z "$WRITES" ]
	[ -z "$(kmsg)" ]
	[[ ! -e "$ROOT/run/vfio-early/mdev" ]]
	conf "bind 01:00.0"
	mdev_traced --parent mtty
	[ -z "$WRITES" ]
	[ -z "$(kmsg)" ]
	rm -f "$CONF"
	mdev_traced --parent mtty
	[ "$MDEV_RC" -eq 0 ]
	[ -z "$(kmsg)" ]
}

@test "mdev-apply: a config with errors creates nothing and says so; vfio-early.off and dryrun write nothing" {
	tree mdev
	conf "mdev parent=mtty type=mtty-2" "mdev parent=mtty"
	mdev_traced --parent mtty
	[ "$MDEV_RC" -eq 0 ]
	[ -z "$WRITES" ]
	[ "$(kmsg)" = "<5>vfio-early: mdev mtty: $CONF has errors; creating nothing (first: $CONF:2: mdev needs type=TYPE (ls /sys/class/mdev_bus/*/mdev_supported_types/ lists them))" ]
	conf "mdev parent=mtty type=mtty-2"
	echo "root=/dev/sda1 vfio-early.off" >"$ROOT/proc/cmdline"
	mdev_traced --parent mtty
	[ -z "$WRITES" ]
	[ "$(record mtty '.instances[0].result + " " + .disabled')" = "disabled vfio-early.off on the kernel command line" ]
	echo "root=/dev/sda1 vfio-early.dryrun" >"$ROOT/proc/cmdline"
	mdev_traced --parent mtty
	[ -z "$WRITES" ]
	[ "$(record mtty '.instances[0].result + " " + (.dryrun|tostring)')" = "dry-run true" ]
	[[ "$(kmsg)" == *"mdev mtty: mtty-2 $(v5 'mtty|mtty-2|0') dry-run in "* ]]
}

@test "mdev-apply: refused and waiting instances are never written" {
	tree mdev
	conf "mdev parent=mtty type=mtty-1 uuid=$EXISTING" "mdev parent=mtty type=mtty-3" "mdev parent=mtty type=mtty-2" "mdev parent=mtty type=mtty-2"
	mdev_traced --parent mtty
	[ "$WRITES" = "mtty-2/create $(v5 'mtty|mtty-2|0')" ]
	[ "$(record mtty '[.instances[] | .action + ":" + .result] | join(" ")')" = "conflict:refused no-type:refused create:failed duplicate:refused" ]
	[[ "$(record mtty '.instances[0].message')" == "$EXISTING exists on 0000:00:02.0 as i915-GVTg_V5_4; left alone" ]]
	[[ "$(kmsg)" == "<3>"* ]]
	# a parent whose driver has not registered it: waits, writes nothing
	vtree mdev 's/^loaded i915 enable_gvt=Y/loaded i915 enable_gvt=N/; /^mdev 00:02.0/d'
	conf "mdev 00:02.0 type=i915-GVTg_V5_4"
	mdev_traced --parent 0000:00:02.0
	[ -z "$WRITES" ]
	[[ "$(record 0000:00:02.0 '.instances[0].result + ": " + .instances[0].message')" == "waiting: 0000:00:02.0 is on i915 with GVT-g off (i915.enable_gvt is N)" ]]
	[[ "$(kmsg)" == "<4>vfio-early: mdev 0000:00:02.0: "* ]]
}

@test "mdev-apply --parent: which parent a UUID goes to is decided over every parent, as check decides it" {
	tree "$(cat "$TESTS_DIR/sysfs/trees/mdev.tree")
mdev 01:00.0 type=nvidia-63 name=GRID available=4
mdev 01:00.1 type=nvidia-63 name=GRID available=4"
	# uuid= on a rule that locates two parents: the first has it
	conf "mdev 01:00 type=nvidia-63 uuid=$GIVEN"
	jcheck
	[ "$(jq -r '[.mdev[] | .parent + ":" + ([.instances[].action] | join(","))] | join(" ")' <<<"$JSON")" = "0000:01:00.0:create 0000:01:00.1:duplicate" ]
	# the second parent registering first (its udev event) does not take it
	mdev_traced --parent 0000:01:00.1
	[ -z "$WRITES" ]
	[ "$(record 0000:01:00.1 '[.instances[] | .uuid + " " + .action + ":" + .result] | join(",")')" = "$GIVEN duplicate:refused" ]
	[[ ! -e "$ROOT/run/vfio-early/mdev/0000:01:00.0.json" ]]
	mdev_traced --parent 0000:01:00.0
	[ "$WRITES" = "nvidia-63/create $GIVEN" ]
}

@test "mdev: one parent located two ways is one parent: one record, and one rule per type" {
	tree mdev
	# parent=NAME and a PCI address naming one device: one record holds both
	conf "mdev 00:02.0 type=i915-GVTg_V5_8" "mdev parent=0000:00:02.0 type=i915-GVTg_V5_4 uuid=$EXISTING"
	mdev_traced --parent 0000:00:02.0
	[ "$WRITES" = "i915-GVTg_V5_8/create $(v5 '0000:00:02.0|i915-GVTg_V5_8|0')" ]
	[ "$(record 0000:00:02.0 '[.instances[] | .type + " " + .action] | join(",")')" = "i915-GVTg_V5_8 create,i915-GVTg_V5_4 present" ]
	[ "$(kmsg | grep -c 'mdev 0000:00:02.0')" -eq 1 ]
	# the same type asked by both: the second rule is a duplicate, not a
	# second set of instances under other UUIDs
	conf "mdev 00:02.0 type=i915-GVTg_V5_8" "mdev parent=0000:00:02.0 type=i915-GVTg_V5_8"
	jcheck
	[ "$status" -eq 1 ]
	[[ "$(finding mdev-duplicate message)" == "$CONF:2: $CONF:1 asks for i915-GVTg_V5_8 on 0000:00:02.0 already" ]]
	: >"$ROOT/dev/kmsg"
	mdev_traced --parent 0000:00:02.0
	[ "$WRITES" = "i915-GVTg_V5_8/create $(v5 '0000:00:02.0|i915-GVTg_V5_8|0')" ]
	[ "$(record 0000:00:02.0 '[.instances[] | .action] | join(",")')" = "create,duplicate" ]
}

@test "mdev-apply: usage: --parent takes a device name and goes with mdev-apply only" {
	tree mdev
	conf "mdev parent=mtty type=mtty-2"
	for bad in ../../etc x/y . .. "" "$(printf 'a%.0s' {1..70})"; do
		run ve mdev-apply --parent "$bad"
		[ "$status" -eq 100 ]
	done
	run ve check --parent mtty
	[ "$status" -eq 100 ]
	[[ "$output" == *"--parent goes with mdev-apply"* ]]
	# anything else ends 0: udev runs it
	run "$VFIO_EARLY" --sysroot "$BATS_TEST_TMPDIR/none" --config "$CONF" mdev-apply --parent mtty
	[ "$status" -eq 0 ]
	run env ACTION='change; rm -rf /' "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" mdev-apply --parent mtty
	[ "$status" -eq 0 ]
	[[ "$(kmsg)" == "<3>vfio-early: mdev mtty: "* ]]
	[ "$(record mtty '.event')" = null ]
}

@test "mdev-apply: the record is not written through a planted link" {
	tree mdev
	conf "mdev parent=mtty type=mtty-2"
	mkdir -p "$ROOT/run/vfio-early" "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$ROOT/run/vfio-early/mdev"
	run ve mdev-apply --parent mtty
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ]
	[[ "$(kmsg)" == *"mdev mtty: cannot use /run/vfio-early/mdev (Operation not permitted); no record written"* ]]
}

@test "mdev-apply with the fake kernel: created, then kept on the next event; status agrees" {
	need_fake_kernel
	tree mdev
	conf "mdev parent=mtty type=mtty-2 count=2 uuid=$GIVEN" "mdev 00:02.0 type=i915-GVTg_V5_4 uuid=$EXISTING"
	ACTION=change mdev_traced --parent mtty
	[ "$MDEV_RC" -eq 0 ]
	[ "$WRITES" = "mtty-2/create $GIVEN
mtty-2/create $(v5 'mtty|mtty-2|1')" ]
	[ "$(record mtty '[.instances[].result] | join(" ")')" = "created created" ]
	[ "$(readlink "$ROOT/sys/bus/mdev/devices/$GIVEN")" = "../../../devices/virtual/mtty/mtty/$GIVEN" ]
	[ "$(cat "$ROOT/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2/available_instances")" = 10 ]
	[[ "$(kmsg)" == "<6>vfio-early: mdev mtty (udev change): mtty-2 $GIVEN created, mtty-2 $(v5 'mtty|mtty-2|1') created in "* ]]
	ACTION=add mdev_traced --parent mtty
	[ -z "$WRITES" ]
	[ "$(record mtty '[.event, .instances[].result] | join(" ")')" = "add present present" ]
	run "$BIN" --sysroot "$ROOT" --config "$CONF" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"$GIVEN  mtty          mtty-2            1      uuid=     present    ok"* ]]
	[[ "$output" == *"$EXISTING  0000:00:02.0  i915-GVTg_V5_4    2      uuid=     -          ok"* ]]
	run "$BIN" --sysroot "$ROOT" --config "$CONF" check --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.mdev[0].instances[].action] | join(" ")' <<<"$output")" = "present present" ]
}

@test "mdev-apply with the fake kernel: every failed write is recorded, the others still made" {
	need_fake_kernel
	tree mdev
	conf "mdev parent=mtty type=mtty-2 count=2"
	local u0 u1
	u0=$(v5 'mtty|mtty-2|0') u1=$(v5 'mtty|mtty-2|1')
	for e in EUSERS:"no instance of mtty-2 left (Too many users); see available_instances" \
		EACCES:"writing $u0 to mtty-2/create failed (Permission denied)" \
		EEXIST:"$u0 is in use by another mediated device (EEXIST)" short:"writing $u0 to mtty-2/create failed (Input/output error)"; do
		tree mdev
		VFIO_EARLY_FAULT="create $u0:${e%%:*}" run "$BIN" --sysroot "$ROOT" --config "$CONF" mdev-apply --parent mtty
		[ "$status" -eq 0 ]
		[ "$(record mtty '[.instances[].result] | join(" ")')" = "failed created" ]
		[ "$(record mtty '.instances[0].message')" = "mtty: ${e#*:}" ]
		[[ "$(kmsg)" == "<3>"*"mtty-2 $u0 failed (mtty: ${e#*:}), mtty-2 $u1 created"* ]]
	done
	# made meanwhile by another run (not there when planned: the first
	# listing of the mdev bus fails): EEXIST, and it is there: present
	tree mdev
	"$BIN" --sysroot "$ROOT" --config "$CONF" mdev-apply --parent mtty
	VFIO_EARLY_FAULT="opendir@bus/mdev/devices:ENOENT:1" "$BIN" --sysroot "$ROOT" --config "$CONF" mdev-apply --parent mtty
	[ "$(record mtty '[.instances[] | .result + ": " + .message] | join(", ")')" = \
		"present: mtty: created meanwhile by another run, present: mtty: created meanwhile by another run" ]
	# the fake kernel's own limit: no instance left
	vtree mdev 's/^\(mdev mtty type=mtty-2 .*\)available=12/\1available=1/'
	"$BIN" --sysroot "$ROOT" --config "$CONF" mdev-apply --parent mtty
	[ "$(record mtty '[.instances[].result] | join(" ")')" = "created failed" ]
}

@test "mdev status: missing, in conflict, no parent, and what exists outside the config" {
	tree mdev
	conf "mdev parent=mtty type=mtty-2 uuid=$GIVEN" "mdev 00:02.0 type=i915-GVTg_V5_8" "mdev 05:00.0 type=x" "mdev parent=mtty type=mtty-1 uuid=$EXISTING"
	run ve status
	[ "$status" -eq 1 ]
	[[ "$output" == *"$GIVEN  mtty          mtty-2            1      uuid=     -          MISSING"* ]]
	[[ "$output" == *"$(v5 '0000:00:02.0|i915-GVTg_V5_8|0')  0000:00:02.0  i915-GVTg_V5_8    2      derived   -          MISSING"* ]]
	[[ "$output" == *"-                                     -             x                 3      -         -          NO PARENT"* ]]
	[[ "$output" == *"$EXISTING  mtty          mtty-1            4      uuid=     -          CONFLICT"* ]]
	[[ "$output" == *"4 mismatch(es)."* ]]
	conf "mdev 00:02.0 type=i915-GVTg_V5_8"
	run ve status --json
	[ "$status" -eq 1 ]
	[ "$(jq -r '[.mdev[] | (.uuid // "-") + " " + .state] | join(",")' <<<"$output")" = \
		"$(v5 '0000:00:02.0|i915-GVTg_V5_8|0') MISSING,$EXISTING not in config" ]
	[ "$(jq -r '.mismatches' <<<"$output")" = 1 ]
	[ "$(jq -r '.mdev[1] | [.parent, .type, (.rule_line|tostring), (.uuid_source|tostring), .boot] | join(" ")' <<<"$output")" = \
		"0000:00:02.0 i915-GVTg_V5_4 null null -" ]
}

@test "mdev: a config without mdev rules shows no mdev section and reads no mdev facts" {
	tree mdev
	conf "bind 01:00.0"
	run ve check --json
	[ "$(jq -r '.mdev | length' <<<"$output")" = 0 ]
	strace -f -qq -e trace=%file -o "$BATS_TEST_TMPDIR/st" "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" check >/dev/null
	run ! grep -E 'bus/mdev|mdev_bus|mdev_supported_types|sys/module/(i915|kvmgt)' "$BATS_TEST_TMPDIR/st"
	run ve status
	[[ "$output" != *"MDEV UUID"* ]]
}
