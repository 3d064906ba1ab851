#!/usr/bin/env bats
# Boundaries: odd sysfs (missing iommu_group, dangling driver link, absurd
# class and sriov_totalvfs, NUL bytes), big hosts (10 000 devices, > 1 000
# groups), big or broken configs (very long lines, NUL bytes, 1 MiB): a clear
# message, exit codes as documented, and time and memory measured against
# loose bounds (x8 time, x16 memory under the sanitizer build).

load helpers

TSCALE=1
MSCALE=1
if [ -n "${VFIO_EARLY_SAN:-}" ]; then TSCALE=8; MSCALE=16; fi

# measure CMD...: runs it, sets status, output, SECS and KB (max RSS)
measure() {
	local t=$BATS_TEST_TMPDIR/time
	run /usr/bin/time -f '%e %M' -o "$t" "$@"
	read -r SECS KB < <(tail -1 "$t")
	echo "# $SECS s, $KB KiB: ${*: -1}" >&3
}

# within SECS_MAX KB_MAX
within() {
	awk -v s="$SECS" -v m="$1" -v k="$KB" -v km="$2" -v ts="$TSCALE" -v ms="$MSCALE" \
		'BEGIN { if (s > m * ts || k > km * ms) { print "over bound: " s " s / " k " KiB, bound " m * ts " s / " km * ms " KiB"; exit 1 } }'
}

big_tree() { # one 10 000-device tree per file, on disk (650 MB as files)
	BIG=$BATS_FILE_TMPDIR/big
	if [ ! -d "$BIG" ]; then
		"$TESTS_DIR/sysfs/gentree" 10000 "$BATS_FILE_TMPDIR/big.tree" 7 >/dev/null
		"$TESTS_DIR/sysfs/mktree" "$BATS_FILE_TMPDIR/big.tree" "$BIG" >/dev/null
	fi
}

@test "device without iommu_group: its group is refused with the reason, nothing written" {
	tree gpu-hda
	rm "$ROOT/sys/bus/pci/devices/0000:01:00.0/iommu_group"
	conf "bind 01:00.0"
	run ve check --json
	[ "$status" -eq 1 ]
	[[ "$(jq -r '.groups[0].reason' <<<"$output")" == *"0000:01:00.0 has no IOMMU group"* ]]
	apply_traced
	[ -z "$WRITES" ]
	[ "$(state '.groups[0].result')" = refused ]
}

@test "--sysroot: the kernel is the tree's, never the machine's running check" {
	tree gpu-hda
	rm -f "$ROOT/proc/sys/kernel/osrelease"
	run ve check --json
	[ "$(jq -r '.kernel' <<<"$output")" = 6.1.0-test ] # its one lib/modules entry
	mkdir -p "$ROOT/lib/modules/6.12.0-other"
	run ve check --json
	[ "$(jq -r '.kernel' <<<"$output")" = null ]
	[[ "$(jq -r '.kernel' <<<"$output")" != "$(uname -r)" ]]
	run ve check
	[[ "$output" == *"kernel unknown (no proc/sys/kernel/osrelease, not one lib/modules entry)"* ]]
	mkdir -p "$ROOT/proc/sys/kernel"
	printf '6.12.9-tree\n' >"$ROOT/proc/sys/kernel/osrelease"
	run ve check --json
	[ "$(jq -r '.kernel' <<<"$output")" = 6.12.9-tree ]
}

@test "dangling driver link: no crash, the unbind fails cleanly, group put back, exit 0" {
	tree gpu-hda
	mkdir -p "$ROOT/sys/bus/pci/drivers/vfio-pci"
	ln -sfn ../../../../bus/pci/drivers/ghost "$ROOT/sys/bus/pci/devices/0000:01:00.1/driver"
	conf "option bind-timeout=10" "bind 01:00.0"
	run ve check
	[ "$status" -eq 0 ]
	run ve apply
	[ "$status" -eq 0 ]
	[ "$(state '.groups[0].result')" = failed ]
	[[ "$(state '.groups[0].message')" == "0000:01:00.1: cannot unbind from ghost"* ]]
	[ "$(state '[.groups[0].devices[].result] | join(",")')" = "restored,restored" ]
}

@test "absurd class, ids and sriov_totalvfs values: reported, never trusted" {
	tree gpu-hda
	d=$ROOT/sys/bus/pci/devices/0000:01:00.1
	# no usable uevent: the attribute files are read, and they are garbage
	printf 'DRIVER=snd_hda_intel\nPCI_CLASS=zz\n' >"$d/uevent"
	printf '0xffffffffffffffff\n' >"$d/class"
	printf '99999999999999999999\n' >"$ROOT/sys/bus/pci/devices/0000:01:00.0/sriov_totalvfs"
	conf "bind 01:00.0" "sriov 01:00.0 vfs=2"
	run ve check --json
	[ "$status" -ne 0 ]
	# the unreadable member makes its group refused; the reason names it
	[[ "$(jq -r '.groups[] | select(.iommu_group == 12) | .reason' <<<"$output")" == *"0000:01:00.1"* ]]
	jq -r '.host.notes[]' <<<"$output" | grep -q '0000:01:00.1: cannot read its ids or class'
	run ve apply
	[ "$status" -eq 0 ]
	[ "$(state '.summary.groups_bound')" = 0 ]
}

@test "NUL bytes in a sysfs attribute: EBADMSG, falls back, no crash" {
	tree gpu-hda
	printf 'DRIVER=nouveau\0PCI_CLASS=030000\n' >"$ROOT/sys/bus/pci/devices/0000:01:00.0/uevent"
	conf "bind 01:00.0"
	run ve check --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.groups[0].devices[0].class' <<<"$output")" = 030000 ]
}

@test "config: a 5000-byte line, NUL bytes, CR LF endings: clear messages with line numbers" {
	tree gpu-hda
	CONF=$BATS_TEST_TMPDIR/long.conf
	{ echo "bind 01:00.0"; printf 'bind %05000d\n' 0; printf 'bind 01:00.1\0junk\n'; printf 'protect 00:17.0\r\n'; } >"$CONF"
	chmod 0644 "$CONF"
	run ve validate
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "$CONF:2: line is 5005 bytes long; at most 4096 are accepted" ]
	[ "${lines[1]}" = "$CONF:3: contains a NUL byte; the config is a text file" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "config of 1 MiB (31 000 rules) parses in bounded time; 1 MiB + 1 is refused" {
	tree gpu-hda
	CONF=$BATS_TEST_TMPDIR/big.conf
	python3 - "$CONF" <<'EOF'
import sys
out = open(sys.argv[1], "w")
n = 0
lines = []
for i in range(40000):
    l = "protect 0000:%02x:%02x.%d  # %05d\n" % (i >> 8 & 0xff, i >> 3 & 0x1f, i & 7, i)
    if n + len(l) > (1 << 20):
        break
    lines.append(l)
    n += len(l)
pad = (1 << 20) - n
lines.append("#" * (pad - 1) + "\n" if pad else "")
out.write("".join(lines))
EOF
	chmod 0644 "$CONF"
	[ "$(stat -c %s "$CONF")" -eq 1048576 ]
	measure "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" validate
	[ "$status" -eq 0 ]
	within 2 65536
	measure "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" check --json
	within 5 131072
	echo x >>"$CONF"
	run ve validate
	[ "$status" -eq 2 ]
	[[ "$output" == *"1048578 bytes; at most 1048576 are accepted"* ]]
}

@test "config with 100+ errors stops at 100 with one line saying so" {
	tree gpu-hda
	CONF=$BATS_TEST_TMPDIR/errs.conf
	for i in $(seq 1 5000); do echo "frob $i"; done >"$CONF"
	chmod 0644 "$CONF"
	run ve validate
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 101 ]
	[[ "${lines[100]}" == *"too many errors; stopping" ]]
}

@test "kernel command line of 64 KiB with 10 000 bind tokens: bounded" {
	tree gpu-hda
	conf "option bind-timeout=10"
	{ printf 'root=/dev/sda2 vfio-early.bind='; for i in $(seq 0 9999); do printf '%02x:%02x.%d,' $((i >> 8 & 0xff)) $((i >> 3 & 0x1f)) $((i & 7)); done; echo; } >"$BATS_TEST_TMPDIR/cmdline"
	measure "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" --cmdline "$BATS_TEST_TMPDIR/cmdline" check --json
	[ "$status" -le 1 ]
	within 10 131072
}

@test "10 000 devices, > 1 000 IOMMU groups: check by id (full scan) in bounded time and memory" {
	big_tree
	conf "bind id=10de:2204"
	measure "$VFIO_EARLY" --sysroot "$BIG" --config "$CONF" check --json
	[ "$status" -le 1 ]
	[ "$(jq -r '.host.devices_scanned' <<<"$output")" -eq 10000 ]
	[ "$(jq -r '.host.iommu_groups' <<<"$output")" -gt 1000 ]
	within 10 65536
}

@test "10 000 devices: apply of one address reads only its group (scan_targets)" {
	big_tree
	addr=$(jq -r 'first(.groups[].devices[] | select(.bridge == false) | .address)' <(ve check --json 2>/dev/null) 2>/dev/null || true)
	[ -n "$addr" ] || addr=$(find "$BIG/sys/bus/pci/devices/" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | sed -n 100p)
	CONF=$BATS_TEST_TMPDIR/one.conf
	printf 'option bind-timeout=10\nbind %s\n' "$addr" >"$CONF"
	chmod 0644 "$CONF"
	cp -a "$BIG/run" "$BATS_TEST_TMPDIR/run.keep"
	measure "$VFIO_EARLY" --sysroot "$BIG" --config "$CONF" apply
	[ "$status" -eq 0 ]
	within 2 16384
	[ "$(jq -r '.host.devices_scanned' "$BIG/run/vfio-early/state.json")" -lt 20 ]
}

@test "10 000 devices: protected and status complete in bounded time" {
	big_tree
	conf "bind id=10de:2204"
	measure "$VFIO_EARLY" --sysroot "$BIG" --config "$CONF" protected
	[ "$status" -eq 0 ]
	within 5 65536
	measure "$VFIO_EARLY" --sysroot "$BIG" --config "$CONF" status --json
	[ "$status" -le 1 ]
	within 10 65536
}
