#!/bin/bash
# Boot tests: real kernel, real initramfs-tools and dracut images, QEMU.
#
#   tests/boot/run.sh [-g GEN]... [-j JOBS] [SCENARIO...]
#
# GEN: initramfs-tools, dracut (systemd initrd), dracut-shell (dracut's shell
# initrd); default: every generator each scenario lists. SCENARIO: a name or
# number prefix from tests/boot/scenarios/ (default: all). JOBS: scenarios
# at once (default: BOOT_JOBS or the number of CPUs, at most 6; a QEMU run
# keeps one TCG thread busy).
# Environment: VFIO_EARLY_BIN (build/vfio-early), BOOT_OUT (build/boot),
# BOOT_KVER (newest in /boot), BOOT_TIMEOUT (150 s a boot).
#
# One line per scenario and generator, then "N passed, N failed"; exit 1 if
# anything failed. Serial logs: $BOOT_OUT/logs/GEN/SCENARIO.log.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 100
}

GENS_WANTED=()
JOBS=$(nproc)
((JOBS > 6)) && JOBS=6
JOBS=${BOOT_JOBS:-$JOBS}
while getopts g:j:h opt; do
	case $opt in
	g) GENS_WANTED+=("$OPTARG") ;;
	j) JOBS=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))

# ---------------------------------------------------------------- assertions
# Each check appends to FAILS; a scenario passes when FAILS stays empty.
FAILS=()
INFO=()
fail() { FAILS+=("$*"); }
info() { INFO+=("$*"); }

# use_report WHERE: select the report the guest printed in the initrd or in
# the real root; it must be complete (begin and end lines).
use_report() {
	REPORT=$(report "$LOG" "$1")
	WHERE=$1
	if ! grep -q '^end ' <<< "$REPORT"; then
		fail "no complete report from the $1 (see $LOG)"
		return 1
	fi
}

dev_attr() { # ADDR KEY
	awk -v a="$1" -v k="$2=" '$1 == "dev" && $2 == a {
		for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' <<< "$REPORT"
}

expect_dev() { # ADDR KEY=VALUE...
	local addr=$1 kv got
	shift
	if ! grep -q "^dev $addr " <<< "$REPORT"; then
		fail "$WHERE: device $addr not present"
		return
	fi
	for kv in "$@"; do
		got=$(dev_attr "$addr" "${kv%%=*}")
		[[ $got == "${kv#*=}" ]] || fail "$WHERE: $addr ${kv%%=*}=$got, expected ${kv#*=}"
	done
}

expect_same_group() { # ADDR ADDR
	local a b
	a=$(dev_attr "$1" group)
	b=$(dev_attr "$2" group)
	[[ -n $a && $a == "$b" ]] || fail "$WHERE: $1 (group $a) and $2 (group $b) should share an IOMMU group"
}

expect_module() {
	local m
	for m in "$@"; do
		grep -qx "module $m" <<< "$REPORT" || fail "$WHERE: module $m not loaded"
	done
}

expect_file() { # PATH present|absent
	grep -qx "file $1 $2" <<< "$REPORT" || fail "$WHERE: $1 not $2"
}

expect_kmsg() { # ERE [COUNT]
	local n
	n=$(grep '^kmsg ' <<< "$REPORT" | grep -cE -- "$1")
	if [[ -n ${2:-} ]]; then
		[[ $n -eq $2 ]] || fail "$WHERE: $n kernel log lines match /$1/, expected $2"
	else
		[[ $n -gt 0 ]] || fail "$WHERE: no kernel log line matches /$1/"
	fi
}

expect_no_kmsg() {
	! grep '^kmsg ' <<< "$REPORT" | grep -qE -- "$1" || fail "$WHERE: kernel log line matches /$1/"
}

expect_state() { # ERE: a line of /run/vfio-early/state.json
	grep '^state ' <<< "$REPORT" | grep -qE -- "$1" || fail "$WHERE: state.json has no line matching /$1/"
}

expect_protected() { # ADDR: named in the image's protected list
	grep -qE "^protected $1[[:space:]]" <<< "$REPORT" || fail "$WHERE: $1 not in the image's protected list"
}

expect_no_dev_matching() { # ERE no "dev" line may match
	! grep '^dev ' <<< "$REPORT" | grep -qE -- "$1" || fail "$WHERE: a device matches /$1/: $(grep '^dev ' <<< "$REPORT" | grep -E -- "$1" | head -n 1)"
}

expect_no_module() {
	local m
	for m in "$@"; do
		! grep -qx "module $m" <<< "$REPORT" || fail "$WHERE: module $m is loaded"
	done
}

# What libkmod in the binder reads: present in the image.
expect_kmsg_files() {
	local f
	for f in modules.dep.bin modules.alias.bin modules.symbols.bin modules.builtin.bin modules.softdep; do
		grep -qE "^file /lib/modules/[^/]+/$f present" <<< "$REPORT" || fail "$WHERE: $f missing from the image"
	done
}

expect_rootfs() { # "FSTYPE SOURCE" of the mount on /
	grep -qx "rootfs $1" <<< "$REPORT" || fail "$WHERE: / is $(sed -n 's/^rootfs //p' <<< "$REPORT"), expected $1"
}

expect_status_rc() {
	local rc
	rc=$(sed -n 's/^status rc=//p' <<< "$REPORT")
	[[ $rc == "$1" ]] || fail "$WHERE: vfio-early status exited ${rc:-?}, expected $1: $(sed -n 's/^status| //p' <<< "$REPORT" | head -n 3 | tr '\n' ' ')"
}

expect_check_rc() {
	local rc
	rc=$(sed -n 's/^check rc=//p' <<< "$REPORT")
	[[ $rc == "$1" ]] || fail "$WHERE: vfio-early check --json exited ${rc:-?} (no check ran?), expected $1: $(sed -n 's/^check-stderr| //p' <<< "$REPORT" | head -n 3 | tr '\n' ' ')"
}

# expect_json NAME JQ-FILTER VALUE: the filter, applied to the JSON a
# vfio-early command printed in the guest (report lines "NAME| ..."),
# prints VALUE (compact JSON, e.g. true, "intel", []). NAME: check
# (vfiotest.check: check --json), listjson (vfiotest.list: list --json).
expect_json() {
	local name=$1 json got
	json=$(sed -n "s/^$name| //p" <<< "$REPORT")
	if [[ -z $json ]]; then
		fail "$WHERE: no $name output in the report (vfiotest.check or vfiotest.list on the command line?)"
		return
	fi
	if ! got=$(jq -c "$2" <<< "$json" 2>&1); then
		fail "$WHERE: $name is not valid JSON or $2 failed: ${got//$'\n'/ }"
		return
	fi
	[[ $got == "$3" ]] || fail "$WHERE: $name: $2 is ${got//$'\n'/ }, expected $3"
}
expect_check() { expect_json check "$@"; }
expect_list() { expect_json listjson "$@"; }
expect_list_rc() {
	local rc
	rc=$(sed -n 's/^listjson rc=//p' <<< "$REPORT")
	[[ $rc == "$1" ]] || fail "$WHERE: vfio-early list --json exited ${rc:-?} (vfiotest.list on the command line?), expected $1"
}

# Mediated devices in the guest: "mdev UUID type= parent= driver=" lines.
expect_mdev() { # UUID KEY=VALUE...
	local u=$1 kv got
	shift
	if ! grep -q "^mdev $u " <<< "$REPORT"; then
		fail "$WHERE: no mediated device $u (present: $(sed -n 's/^mdev \([^ ]*\) .*/\1/p' <<< "$REPORT" | tr '\n' ' '))"
		return
	fi
	for kv in "$@"; do
		got=$(awk -v u="$u" -v k="${kv%%=*}=" '$1 == "mdev" && $2 == u {
			for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' <<< "$REPORT")
		[[ $got == "${kv#*=}" ]] || fail "$WHERE: mdev $u ${kv%%=*}=$got, expected ${kv#*=}"
	done
}

# expect_mdev_record PARENT JQ-FILTER VALUE: /run/vfio-early/mdev/PARENT.json
# as the guest printed it.
expect_mdev_record() {
	local got
	if ! got=$(sed -n "s/^mdevrec $1 //p" <<< "$REPORT" | jq -c "$2" 2>&1) || [[ -z $got ]]; then
		fail "$WHERE: no readable mdev record for $1 (${got//$'\n'/ })"
		return
	fi
	[[ $got == "$3" ]] || fail "$WHERE: mdev record $1: $2 is $got, expected $3"
}

# The version 5 UUID vfio-early derives for NAME (vfio-early.conf(5)), by
# Python's uuid5: an implementation independent of the binary's.
mdev_v5() {
	python3 -c 'import sys, uuid; print(uuid.uuid5(uuid.UUID("e6d08a62-a3ad-43f0-8928-ab5e6b01d097"), sys.argv[1]))' "$1"
}

# The protected list in the image (from the recorded tree, at build time)
# names the same devices as `vfio-early protected` run live in that guest.
expect_live_protected_matches() {
	local live image
	live=$(cut -f1 "$OUT/sysroot/${MACHINES%% *}.live-protected" 2> /dev/null | grep -v '^#' | sort)
	image=$(sed -n 's/^protected //p' <<< "$REPORT" | grep -v '^#' | cut -f1 | sort)
	[[ -n $live && $live == "$image" ]] || fail "$WHERE: image protected list [${image//$'\n'/ }] differs from the live guest's [${live//$'\n'/ }]"
}

# Build-only scenarios: the build log and the image's file list.
expect_build_log() { # fixed string
	grep -qF -- "$1" "$IMGBASE.build.log" || fail "the build log has no \"$1\" ($IMGBASE.build.log)"
}

expect_in_image() { # path without leading /
	lsinitramfs "$IMGBASE.img" 2> /dev/null | grep -qx -- "$1" || fail "$1 is not in the image"
}

# One of several paths (the generators' versions differ: dracut 059 keeps
# hooks under usr/lib/dracut/hooks, dracut 106 under var/lib/dracut/hooks).
expect_in_image_any() { # path...
	local list p
	list=$(lsinitramfs "$IMGBASE.img" 2> /dev/null)
	for p in "$@"; do
		grep -qx -- "$p" <<< "$list" && return
	done
	fail "none of $* is in the image"
}

# A kernel module by file name, with or without a compression suffix.
expect_module_in_image() { # NAME (as the file is named: vfio-pci, vfio)
	# -F for the kernel version: Debian 13's has a "+".
	lsinitramfs "$IMGBASE.img" 2> /dev/null | grep -F -- "lib/modules/$KVER/" |
		grep -qE -- "/$1\.ko(\.xz|\.zst|\.gz)?\$" ||
		fail "module $1 is not in the image"
}

# The vfio modules in the image are in a form the kernel loads: plain ELF, or
# compressed in the one format it decompresses, and then left compressed (the
# hook unpacks only what the kernel cannot).
expect_modules_as_kernel_takes() {
	local dir kfmt kext f fmt n=0
	dir=$(mktemp -d "$OUT/tmp/unpack.XXXXXX")
	if ! unmkinitramfs "$IMGBASE.img" "$dir" > /dev/null 2>&1; then
		fail "unmkinitramfs $IMGBASE.img failed"
		rm -rf "$dir"
		return
	fi
	# shellcheck source=hooks/vfio-early-image.sh
	kfmt=$(. "$REPO/hooks/vfio-early-image.sh" && vfio_early_kernel_decompresses "$KVER")
	case $kfmt in xz) kext=.xz ;; zstd) kext=.zst ;; gzip) kext=.gz ;; *) kext=none ;; esac
	while IFS= read -r f; do
		n=$((n + 1))
		# shellcheck source=hooks/vfio-early-image.sh
		fmt=$(. "$REPO/hooks/vfio-early-image.sh" && vfio_early_file_format "$f")
		if [[ $fmt == elf && $f == *"$kext" ]]; then
			fail "${f##*/} was unpacked although kernel $KVER decompresses $kfmt itself"
		elif [[ $fmt != elf && $fmt != "$kfmt" ]]; then
			fail "${f##*/} is $fmt; kernel $KVER decompresses $kfmt: it cannot be loaded"
		fi
	done < <(find "$dir" -type f \( -name 'vfio*.ko*' -o -name 'irqbypass.ko*' \))
	((n >= 4)) || fail "only $n vfio modules found in the unpacked image"
	info "kernel decompresses: $kfmt; vfio modules in the image: $n"
	rm -rf "$dir"
}

expect_not_in_image() { # path without leading /
	[[ -e $IMGBASE.img ]] || return
	! lsinitramfs "$IMGBASE.img" | grep -qx -- "$1" || fail "$1 is in the image"
}

# A scenario about the image build itself.
build_only() {
	local gen=$1 cfg=$2 built=no
	IMGBASE=$(image_base "$gen" "$cfg")
	# The generators write to $IMGBASE.img.tmp: an "old image" there must
	# survive a failed build untouched.
	mkdir -p "${IMGBASE%/*}"
	[[ $EXPECT_BUILD == fail ]] && echo "old image" > "$IMGBASE.img.tmp"
	build_image "$gen" "$cfg" > /dev/null 2>&1 && built=yes
	case $EXPECT_BUILD in
	fail)
		[[ $built == no ]] || fail "$gen built an image although it should not"
		[[ ! -e $IMGBASE.img ]] || fail "an image was written: $IMGBASE.img"
		[[ $(cat "$IMGBASE.img.tmp" 2> /dev/null) == "old image" ]] || fail "the failed build replaced the old image"
		;;
	*)
		[[ $built == yes ]] || fail "the $gen build failed: $IMGBASE.build.log"
		;;
	esac
	assertions
}

# The last value of a numeric key in state.json (the summary comes last).
state_num() {
	grep '^state ' <<< "$REPORT" | sed -n "s/.*\"$1\": *\([0-9][0-9]*\).*/\1/p" | tail -n 1
}

# The binder's own elapsed time (from the record), the kernel timestamp of
# its start line and when udevd started, for the result line (once a boot).
timing_info() {
	local el ks ticks
	[[ -z ${TIMED:-} ]] || return 0
	TIMED=yes
	el=$(state_num elapsed_us)
	ks=$(sed -n 's/^kmsg \[ *\([0-9.]*\)\] vfio-early: start.*/\1/p' <<< "$REPORT" | head -n 1)
	ticks=$(sed -n 's/^udevd start_ticks=\([0-9]*\).*/\1/p' <<< "$REPORT")
	info "binder ${el:-?} us, its start line at ${ks:-?} s, udevd started at $((${ticks:-0} * 10)) ms"
}

# "Ran before udev", asserted: the binder's own start (CLOCK_MONOTONIC, from
# the record) is before udevd's start (/proc/PID/stat starttime, clock ticks
# since boot on the same clock, 10 ms resolution), and it finished no later
# than that tick allows.
expect_before_udev() {
	local start el ticks udev
	timing_info
	start=$(state_num start_monotonic_us)
	el=$(state_num elapsed_us)
	ticks=$(sed -n 's/^udevd start_ticks=\([0-9]*\).*/\1/p' <<< "$REPORT")
	if [[ -z $start || -z $el ]]; then
		fail "$WHERE: state.json has no start_monotonic_us/elapsed_us"
		return
	fi
	if [[ -z $ticks ]]; then
		fail "$WHERE: no udevd process found"
		return
	fi
	udev=$((ticks * 10000))
	((start < udev)) || fail "$WHERE: binder started at ${start} us, not before udevd (${udev} us)"
	((start + el <= udev + 10000)) || fail "$WHERE: binder ended at $((start + el)) us, after udevd started (${udev} us)"
}

# ---------------------------------------------------------------- scenarios
SCENARIOS=()
for f in "$BOOT_DIR"/scenarios/[0-9]*.sh; do
	n=${f##*/}
	n=${n%.sh}
	if [[ $# -eq 0 ]]; then
		SCENARIOS+=("$n")
	else
		for want in "$@"; do
			[[ $n == "$want" || $n == "$want"-* ]] && SCENARIOS+=("$n")
		done
	fi
done
[[ ${#SCENARIOS[@]} -gt 0 ]] || die "no scenario matches: $*"

load_scenario() {
	unset -f assertions
	# shellcheck disable=SC2034 # DESC documents the scenario
	DESC='' GENS='' CONFIG='' MACHINES='' APPEND='' ROOT='' SYSROOT='' BUILD_ONLY='' EXPECT_BUILD=ok DRACUT_MODE='' MODULES_PREP=''
	DISTROS='bookworm trixie' IT_MODULES=list
	# shellcheck source=/dev/null
	. "$BOOT_DIR/scenarios/$1.sh"
}

gen_wanted() {
	local g
	[[ ${#GENS_WANTED[@]} -eq 0 ]] && return 0
	for g in "${GENS_WANTED[@]}"; do [[ $g == "$1" ]] && return 0; done
	return 1
}

# capture_sysroot MACHINE -> directory: boot the machine into its real root
# with no vfio-early config in the image, record the live guest with
# tests/sysfs/record-host.sh (as a real host is recorded) and bring the tree
# back over the serial console; the live `vfio-early protected` comes along.
# Once per machine and run (parallel scenarios wait on the lock).
capture_sysroot() {
	local machine=$1 dir=$OUT/sysroot/$1 log=$OUT/logs/capture-$1.log img
	mkdir -p "$OUT/sysroot" "$OUT/logs"
	exec 8> "$dir.lock"
	flock 8
	if [[ ! -d $dir/sys ]]; then
		img=$(build_image initramfs-tools "$OUT/cfg/absent/vfio-early.conf") || return 1
		boot_retry "$img" "$log" "root=/dev/vda rootfstype=ext4 ro vfiotest.root vfiotest.capture intel_iommu=on iommu=pt" "$machine"
		rm -rf "$dir"
		mkdir -p "$dir"
		tr -d '\r' < "$log" | sed -n '/VFIOTEST capture-tar-begin/,/VFIOTEST capture-tar-end/p' |
			sed '1d;$d' | base64 -d | tar -xzf - -C "$dir" || {
			say "boot: capturing the guest's sysfs failed; log: $log"
			rm -rf "$dir"
			return 1
		}
		tr -d '\r' < "$log" | sed -n 's/^.*VFIOTEST live-protected //p' > "$dir.live-protected"
	fi
	exec 8>&-
	printf '%s\n' "$dir"
}

# boot_retry: boot, and once more if the kernel died before it ran /init
# (the guest never reached any of our code: a TCG hiccup, reported).
boot_retry() {
	boot "$@"
	if grep -q 'Linux version' "$2" && ! grep -q 'Run /init as init process' "$2"; then
		cp "$2" "$2.first"
		say "boot: the kernel did not reach /init ($2.first); booting again"
		boot "$@"
		RETRIED=yes
	fi
}

# run_one SCENARIO GEN: build, boot, assert; print one result line and keep
# it in $OUT/results/.
run_one() {
	local scn=$1 gen=$2 cfg img sysroot='' t0 tb line rc
	FAILS=()
	INFO=()
	RETRIED=
	LOG=$OUT/logs/$gen/$scn.log
	mkdir -p "$OUT/logs/$gen" "$OUT/cfg" "$OUT/results"
	cfg=$OUT/cfg/$scn.conf
	if [[ $CONFIG == NONE ]]; then
		cfg=$OUT/cfg/absent/vfio-early.conf
	else
		printf '%s\n' "$CONFIG" > "$cfg"
	fi
	# shellcheck disable=SC2034 # read by the scenarios' assertions
	CFG=$cfg
	t0=$(now)
	if [[ -n $BUILD_ONLY ]]; then
		# A scenario about the image build itself (e.g. a broken config).
		build_only "$gen" "$cfg"
	else
		ROOTFS=
		if [[ -n $ROOT ]]; then
			ROOTFS=$(build_rootfs "$cfg") || fail "building the root filesystem failed"
		fi
		if [[ $SYSROOT == capture ]]; then
			sysroot=$(capture_sysroot "${MACHINES%% *}") || fail "capturing the guest sysroot failed"
		fi
		if [[ ${#FAILS[@]} -eq 0 ]]; then
			IMGBASE=$(image_base "$gen" "$cfg" "$sysroot")
			if img=$(build_image "$gen" "$cfg" "$sysroot"); then
				local append=$APPEND
				# dracut's shell initrd stops before pre-udev without root=; a
				# root that never appears keeps both dracut initrds in the
				# initqueue, where the report runs once udev has settled.
				[[ $gen == dracut* && " $append " != *" root="* ]] &&
					append+=" root=LABEL=vfiotest-absent"
				tb=$(now)
				# shellcheck disable=SC2086 # MACHINES is a word list
				boot_retry "$img" "$LOG" "$append" $MACHINES
				info "boot $(since "$tb") s${RETRIED:+ (retried: kernel died before /init)}"
				rc=$(cat "$LOG.rc" 2> /dev/null)
				[[ $rc == 124 ]] && fail "the guest did not power off within ${BOOT_TIMEOUT} s"
				[[ -s $LOG.qemu ]] && grep -q '^qemu-system' "$LOG.qemu" && fail "QEMU: $(grep -m1 '^qemu-system' "$LOG.qemu")"
				TIMED=
				assertions
				[[ $(report "$LOG" initrd) == *"state "* ]] && REPORT=$(report "$LOG" initrd) && timing_info
			else
				fail "building the $gen image failed"
			fi
		fi
	fi
	local about
	about="$(since "$t0") s total"
	[[ ${#INFO[@]} -gt 0 ]] && about+=$(printf '; %s' "${INFO[@]}")
	if [[ ${#FAILS[@]} -eq 0 ]]; then
		line="PASS $DISTRO $gen $scn ($about)"
	else
		line="FAIL $DISTRO $gen $scn ($about): ${FAILS[0]}"
		local f
		for f in "${FAILS[@]:1}"; do line+=$'\n'"     $f"; done
		line+=$'\n'"     serial log: $LOG"
	fi
	printf '%s\n' "$line" | tee "$OUT/results/$gen-$scn"
}

# What these tests must never change on the host: /boot and the generators'
# own dirs. Checked before and after the run.
host_state() {
	find /boot /usr/share/initramfs-tools /etc/initramfs-tools /usr/lib/dracut /etc/dracut.conf.d \
		-printf '%p %s %T@ %l\n' 2> /dev/null | LC_ALL=C sort | sha256sum
}

find_kernel
need_tools
T0=$(now)
HOST_BEFORE=$(host_state)
rm -rf "$OUT/images" "$OUT/logs" "$OUT/cfg" "$OUT/sysroot" "$OUT/tmp" "$OUT/results"
mkdir -p "$OUT"
# The binary under test, frozen for this run (a rebuild meanwhile does not
# mix two binaries in one run).
install -m 0755 "$BIN" "$OUT/vfio-early"
say "boot tests: $DISTRO, kernel $KVER, binary $BIN ($(sha256sum < "$BIN" | cut -c1-12)), $JOBS at a time, output $OUT"
BIN=$OUT/vfio-early
prepare_generators

for scn in "${SCENARIOS[@]}"; do
	load_scenario "$scn"
	[[ " $DISTROS " == *" $DISTRO "* ]] || continue
	for gen in $GENS; do
		gen_wanted "$gen" || continue
		if [[ $JOBS -le 1 ]]; then
			run_one "$scn" "$gen"
		else
			while [[ $(jobs -rp | wc -l) -ge $JOBS ]]; do
				wait -n
			done
			run_one "$scn" "$gen" &
		fi
	done
done
wait

if [[ $(host_state) != "$HOST_BEFORE" ]]; then
	echo "FAIL host: /boot, /usr/share/initramfs-tools, /usr/lib/dracut or /etc/{initramfs-tools,dracut.conf.d} changed during the run" |
		tee "$OUT/results/zz-host"
fi
PASSED=$(cat "$OUT"/results/* 2> /dev/null | grep -c '^PASS')
FAILED=$(cat "$OUT"/results/* 2> /dev/null | grep -c '^FAIL')
say "boot tests took $(since "$T0") s"
echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 && $PASSED -gt 0 ]]
