#!/usr/bin/env bats
# Fault injection on apply: every sysfs write apply performs, and every read
# it depends on, made to fail alone (EBUSY, EINVAL, ENODEV, EACCES, short),
# against a fake kernel that moves driver links as the PCI core does. Each
# case is judged from the tree itself by tests/hardening/faultcheck.py: the
# group is bound or put back exactly (or the record and kmsg say which device
# is where and why), the other groups still bind, exit 0, kmsg and state.json
# tell the truth. Needs the test build (make san): build/san/vfio-early, or
# VFIO_EARLY_FAULTS_BIN. Every case is listed in the output.

load helpers

ERRS="EBUSY EINVAL ENODEV EACCES short"
HARD=$TESTS_DIR/hardening

setup_file() {
	FBIN=${VFIO_EARLY_FAULTS_BIN:-$TESTS_DIR/../build/san/vfio-early}
	export FBIN
	[ -x "$FBIN" ] || return 0
	P=$BATS_FILE_TMPDIR/pristine
	"$TESTS_DIR/sysfs/mktree" "$HARD/trees/faults.tree" "$P" >/dev/null
	printf '%s\n' "option bind-timeout=40" "bind 01:00.0" "bind 03:00.0" "bind 04:00.0" >"$BATS_FILE_TMPDIR/faults.conf"
	chmod 0644 "$BATS_FILE_TMPDIR/faults.conf"
	# the baseline: no fault, every operation in order
	base=$BATS_FILE_TMPDIR/base
	mkdir -p "$base" && cp -a "$P" "$base/root"
	VFIO_EARLY_FAKE_KERNEL=1 VFIO_EARLY_FAULT_LOG=$BATS_FILE_TMPDIR/base.ops \
		"$FBIN" --sysroot "$base/root" --config "$BATS_FILE_TMPDIR/faults.conf" apply >/dev/null 2>&1
	# rollback: drivers_probe of the HDA function fails, so group 12 is put
	# back; the operations seen after that are the restore path's
	trig=$BATS_FILE_TMPDIR/trig
	mkdir -p "$trig" && cp -a "$P" "$trig/root"
	VFIO_EARLY_FAKE_KERNEL=1 VFIO_EARLY_FAULT="drivers_probe 0000:01:00.1:EBUSY" VFIO_EARLY_FAULT_LOG=$BATS_FILE_TMPDIR/trig.ops \
		"$FBIN" --sysroot "$trig/root" --config "$BATS_FILE_TMPDIR/faults.conf" apply >/dev/null 2>&1
	export P
}

setup() {
	[ -x "$FBIN" ] || skip "no fault-injection build ($FBIN): make san"
	"$FBIN" --version >/dev/null
	run env VFIO_EARLY_FAULT=nonsense "$FBIN" --sysroot / --config /nonexistent check
	[[ "$output" == *"VFIO_EARLY_FAULT: cannot parse"* ]] || skip "$FBIN is not a fault-injection build"
}

# "OP TARGET" lines -> "OP TARGET<TAB>NTH", NTH counting earlier operations of
# the same kind whose target contains this one (the hook matches substrings)
with_nth() {
	awk '{ op = $1; t = substr($0, length(op) + 2); n = 1
	       for (j = 1; j < NR; j++) if (ops[j] == op && index(ts[j], t)) n++
	       ops[NR] = op; ts[NR] = t; print op "\t" t "\t" n }'
}

# run_case SPEC TARGET: one apply with one injected fault, in a fresh copy
run_case() {
	NCASE=$((NCASE + 1))
	local c=$BATS_TEST_TMPDIR/cases/$NCASE
	mkdir -p "$c"
	cp -a "$P" "$c/root"
	printf '%s\n' "$1" >"$c/spec"
	printf '%s\n' "$2" >"$c/target"
	VFIO_EARLY_FAKE_KERNEL=1 VFIO_EARLY_FAULT="$1" VFIO_EARLY_FAULT_LOG=$c/fault.log \
		"$FBIN" --sysroot "$c/root" --config "$BATS_FILE_TMPDIR/faults.conf" apply >"$c/out" 2>&1
	echo $? >"$c/rc"
	if ! grep -q '^FAULT ' "$c/fault.log"; then
		echo "case $NCASE: fault '$1' never fired" >&2
		MISSED=$((MISSED + 1))
	fi
}

# pick OPS_FILE REGEX: the operations of a logged run that a sweep fails,
# one "OP<TAB>TARGET<TAB>NTH" line each
pick() { grep -v '^FAULT ' "$1" | with_nth | grep -E "$2"; }

# sweep [EXTRA_SPEC] < selection: every selected operation x every error;
# EXTRA_SPEC is a fault injected in every case too (to reach the rollback)
sweep() {
	local extra=${1:+,$1} op t n e
	NCASE=0 MISSED=0
	rm -rf "$BATS_TEST_TMPDIR/cases"
	while IFS=$'\t' read -r op t n; do
		for e in $ERRS; do
			run_case "$op@$t:$e:$n$extra" "$t"
		done
	done
	[ "$NCASE" -gt 0 ]
	run python3 "$HARD/faultcheck.py" "$P" $(seq -f "$BATS_TEST_TMPDIR/cases/%g" 1 "$NCASE")
	printf '# %s\n' "${lines[@]}" >&3
	[ "$status" -eq 0 ]
	[ "$MISSED" -eq 0 ]
}

RE_CLAIM=$'^write\t.*/driver_override vfio-pci\t'
RE_UNBIND=$'^write\t.*/unbind '
RE_PROBE=$'^write\tsys/bus/pci/drivers_probe '
RE_APPLY_READ=$'^(readlink\t.*/driver|read\t.*/driver_override|exists\tsys/bus/pci/drivers/vfio-pci)\t'
RE_SCAN_READ=$'^(read\t.*/(uevent|boot_vga|osrelease)|readlink\t.*/iommu_group|opendir\t.*|exists\tsys/bus/pci/devices)\t'
RE_SRIOV=$'^write\t.*/(sriov_numvfs|sriov_drivers_autoprobe) '

@test "fault hooks are compiled into the test build only" {
	run grep -a -c -e VFIO_EARLY_FAULT -e VFIO_EARLY_FAKE_KERNEL -e fault_check "$TESTS_DIR/../build/vfio-early"
	[ "$output" = 0 ]
	grep -a -q VFIO_EARLY_FAULT "$FBIN"
}

@test "baseline: the fake kernel binds all three groups; every operation listed" {
	cases=$BATS_TEST_TMPDIR/cases/1
	mkdir -p "$cases"
	cp -a "$BATS_FILE_TMPDIR/base/root" "$cases/root"
	echo 0 >"$cases/rc"
	echo none >"$cases/spec"
	echo none >"$cases/target"
	run python3 "$HARD/faultcheck.py" "$P" "$cases"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"g12=bound[b,b] g15=bound[b] g16=bound[b]"* ]]
	[ "$(jq -r '.summary.groups_bound' "$cases/root/run/vfio-early/state.json")" = 3 ]
	printf '# %s\n' "$(grep -c . "$BATS_FILE_TMPDIR/base.ops") operations in a clean apply:" >&3
	sed 's/^/#   /' "$BATS_FILE_TMPDIR/base.ops" >&3
	# the old override of 03:00.0 (igb) is what a rollback must put back
	[ "$(cat "$P/sys/bus/pci/devices/0000:03:00.0/driver_override")" = igb ]
}

@test "every operation of a clean apply belongs to one of the sweeps below" {
	run pick "$BATS_FILE_TMPDIR/base.ops" .
	left=$(printf '%s\n' "${lines[@]}" | grep -Ev "$RE_CLAIM|$RE_UNBIND|$RE_PROBE|$RE_APPLY_READ|$RE_SCAN_READ|$RE_SRIOV" || true)
	[ -z "$left" ] || { echo "not swept: $left"; false; }
}

@test "fault x5 on each driver_override claim (4 devices): group put back, others bound" {
	sweep < <(pick "$BATS_FILE_TMPDIR/base.ops" "$RE_CLAIM")
}

@test "fault x5 on each unbind from the native driver (3 devices)" {
	sweep < <(pick "$BATS_FILE_TMPDIR/base.ops" "$RE_UNBIND")
}

@test "fault x5 on each drivers_probe (4 devices)" {
	sweep < <(pick "$BATS_FILE_TMPDIR/base.ops" "$RE_PROBE")
}

@test "fault x5 on each read apply decides by: driver link, driver_override, vfio-pci present" {
	sweep < <(pick "$BATS_FILE_TMPDIR/base.ops" "$RE_APPLY_READ")
}

@test "fault x5 on each read of the scan: uevent, iommu_group, boot_vga, group members, roots" {
	sweep < <(pick "$BATS_FILE_TMPDIR/base.ops" "$RE_SCAN_READ")
}

@test "fault x5 on each write of the rollback (after a failed probe of 01:00.1)" {
	grep -q '^FAULT write sys/bus/pci/drivers_probe 0000:01:00.1' "$BATS_FILE_TMPDIR/trig.ops"
	# the restore writes of group 12: driver_override back, vfio-pci
	# unbind, the old driver's bind (deterministic counts; the polling
	# readlinks before them are not, so they are not selected)
	k=$(sed -n '1,/^FAULT /p' "$BATS_FILE_TMPDIR/trig.ops" | grep -vc '^FAULT ')
	pick "$BATS_FILE_TMPDIR/trig.ops" . | sed "1,${k}d" |
		grep -E $'^write\t.*0000:01:00\\.[01]' >"$BATS_TEST_TMPDIR/restore.sel"
	cat "$BATS_TEST_TMPDIR/restore.sel"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/restore.sel")" -eq 5 ]
	sweep "drivers_probe 0000:01:00.1:EBUSY" <"$BATS_TEST_TMPDIR/restore.sel"
}

@test "fault x5 on each SR-IOV write and read (autoprobe, numvfs 0 then N, restore), a plain group beside" {
	S=$BATS_TEST_TMPDIR/sriov
	{ sed 's/^\(dev *02:00.0 .*\)sriov_numvfs=0/\1sriov_numvfs=1/' "$TESTS_DIR/sysfs/trees/sriov.tree"; echo "driver vfio-pci"; } >"$S.tree"
	"$TESTS_DIR/sysfs/mktree" "$S.tree" "$S.pristine" >/dev/null
	printf '%s\n' "option vf-timeout=20 bind-timeout=40" "sriov 02:00.0 vfs=2" "bind 03:00.0" >"$S.conf"
	chmod 0644 "$S.conf"
	cp -a "$S.pristine" "$S.base"
	VFIO_EARLY_FAKE_KERNEL=1 VFIO_EARLY_FAULT_LOG=$S.ops "$FBIN" --sysroot "$S.base" --config "$S.conf" apply >/dev/null 2>&1
	grep -q $'^write sys/bus/pci/devices/0000:02:00.0/sriov_numvfs 2' "$S.ops"
	ap0=$(cat "$S.pristine/sys/bus/pci/devices/0000:02:00.0/sriov_drivers_autoprobe")
	n=0 bad=0
	while IFS=$'\t' read -r op t k; do
		for e in $ERRS; do
			n=$((n + 1))
			c=$S.case$n
			cp -a "$S.pristine" "$c"
			VFIO_EARLY_FAKE_KERNEL=1 VFIO_EARLY_FAULT="$op@$t:$e:$k" "$FBIN" --sysroot "$c" --config "$S.conf" apply >/dev/null 2>&1
			rc=$?
			st=$c/run/vfio-early/state.json
			why=""
			[ "$rc" = 0 ] || why="$why exit $rc;"
			jq -e . "$st" >/dev/null 2>&1 || why="$why no state.json;"
			[ "$(jq -r '.groups[] | select(.iommu_group == 7) | .result' "$st" 2>/dev/null)" = bound ] || why="$why group 7 not bound;"
			msg=$(jq -r '.sriov[0].message // ""' "$st" 2>/dev/null)
			[ -n "$msg" ] || why="$why no sriov message;"
			grep -q 'vfio-early: sriov 0000:02:00.0' "$c/dev/kmsg" || why="$why no sriov kmsg line;"
			ap=$(cat "$c/sys/bus/pci/devices/0000:02:00.0/sriov_drivers_autoprobe")
			[ "$ap" = "$ap0" ] || [[ "$msg" == *autoprobe* ]] || why="$why autoprobe left $ap (was $ap0), record silent;"
			printf '# %-4s %-72s %s\n' "$([ -z "$why" ] && echo ok || echo FAIL)" "$op@$t:$e:$k" "$(jq -r '.sriov[0].result' "$st" 2>/dev/null)${why:+ --$why}" >&3
			[ -z "$why" ] || bad=$((bad + 1))
			rm -rf "$c"
		done
	done < <(pick "$S.ops" $'^(write|read)\tsys/bus/pci/devices/0000:02:00.0/sriov_')
	echo "# sriov: $n case(s), $bad failed" >&3
	[ "$n" -ge 20 ]
	[ "$bad" -eq 0 ]
}
