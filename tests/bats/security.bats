#!/usr/bin/env bats
# Security: hostile config and command-line tokens never reach a path outside
# the sysfs dirs apply is meant to touch (checked on the syscalls, via strace);
# a config others can write is refused; no shell; /run/vfio-early is created
# 0755 and a planted symlink or foreign dir there is not followed.

load helpers

BAD_ADDRS=(../../../etc ../../../../../etc/passwd /etc/passwd /sys/bus/pci/devices/0000:01:00.0
	0000:01:00.0/../../.. 0000:01:00.0/driver 01:00.0/.. 0000:01:00.0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	ffffffffff:01:00.0 0000:0g:00.0 0000:01:20.0 0000:01:00.8 -1:00.0 "0000:01:00.0%2f.." 0000::00.0
	"$(printf '0000:01:00.0\001')" "$(head -c 5000 /dev/zero | tr '\0' 'a')")

# every path a syscall of the run names, relative to the sysroot or absolute
traced_paths() {
	local log=$BATS_TEST_TMPDIR/sec.strace
	strace -f -qq -y -s 4096 -o "$log" -e trace=%file,write -e signal=none "$VFIO_EARLY" "$@" >/dev/null 2>&1 || true
	# openat(3</root>, "sys/...", ...) / readlinkat / newfstatat / mkdirat / unlinkat / renameat
	sed -n 's/^[0-9]* *[a-z0-9_]*at2\{0,1\}([0-9A-Z_]*<\([^>]*\)>, "\([^"]*\)".*/\1|\2/p; s/^[0-9]* *\(open\|stat\|execve\)("\([^"]*\)".*/\/|\2/p' "$log"
}

# paths apply/check may name under the sysroot
allowed_rel='^(sys/bus/pci/(devices|drivers)(/[^/]+)*|sys/bus/pci/drivers_probe|sys/kernel/iommu_groups(/[^/]+)*|sys/devices(/[^/]+)*|proc/(cmdline|sys/kernel/osrelease|self/mountinfo|swaps|net/[a-z6_]+)|dev/kmsg|run|run/vfio-early(/state\.json(\.tmp)?)?|lib/modules(/[^/]+)*|\.)$'

@test "config: ../, absolute, overlong, non-hex addresses are config errors naming the line" {
	tree gpu-hda
	for a in "${BAD_ADDRS[@]}"; do
		conf "bind $a"
		run ve validate
		[ "$status" -eq 2 ] || { echo "accepted: bind '$a'"; false; }
		[[ "$output" == "$CONF:1: "* ]]
		# the token is shown safely: no control characters, at most ~40 bytes
		[ "${#output}" -lt 400 ]
		[[ "$output" != *$'\001'* ]]
	done
	echo "# ${#BAD_ADDRS[@]} hostile addresses refused by validate" >&3
}

@test "config: hostile selectors and options in every rule kind are refused too" {
	tree gpu-hda
	for l in "protect ../../etc" "sriov ../../x vfs=1" "sriov 01:00.0 vfs=1 vfio=../1" "bind id=../..:0000" \
		"bind id=10de:2204/.." "bind 01:00.0 subsystem=/etc:0000" "option bind-timeout=-1" "option bind-timeout=99999999999999999999"; do
		conf "$l"
		run ve validate
		[ "$status" -eq 2 ] || { echo "accepted: '$l'"; false; }
	done
}

@test "apply with hostile config lines: every path touched is under the allowed sysfs dirs" {
	tree gpu-hda
	mkdir -p "$ROOT/sys/bus/pci/drivers/vfio-pci"
	lines=("option bind-timeout=10" "bind 01:00.0")
	for a in "${BAD_ADDRS[@]}"; do lines+=("bind $a"); done
	conf "${lines[@]}"
	n=0
	while IFS='|' read -r dir p; do
		n=$((n + 1))
		if [ "$dir" = "$ROOT" ]; then
			[[ "$p" =~ $allowed_rel ]] || { echo "outside: $p"; false; }
			[[ "$p" != *..* ]] || { echo "dot-dot: $p"; false; }
		elif [[ "$dir" == "$ROOT/"* && -z "$p" ]]; then
			: # fstat of a dir fd (glibc fdopendir)
		elif [[ "$dir" == "$ROOT/"* ]]; then
			echo "unexpected dirfd $dir: $p"; false
		elif [ -n "${VFIO_EARLY_SAN:-}" ]; then
			: # the sanitizer build is dynamic: ld.so, libasan
		else
			# absolute: the binary, the config, the cmdline/protected files, the root itself
			case "$p" in
			"$VFIO_EARLY" | "$CONF" | "$ROOT" | /etc/vfio-early/protected.list | /etc/localtime) ;;
			*) echo "absolute path opened: $dir $p"; false ;;
			esac
		fi
	done < <(traced_paths --sysroot "$ROOT" --config "$CONF" apply)
	[ "$n" -gt 10 ]
	# the config had errors: nothing written but the record and kmsg
	[ "$(state '.config_errors | length')" -ge "${#BAD_ADDRS[@]}" ]
	[ "$(state '.summary.groups_bound')" = 0 ]
}

@test "kernel command line: hostile vfio-early.bind tokens are skipped; paths stay inside" {
	tree gpu-hda
	mkdir -p "$ROOT/sys/bus/pci/drivers/vfio-pci"
	conf "option bind-timeout=10"
	list=$(IFS=,; echo "${BAD_ADDRS[*]}" | tr '\001' x)
	printf 'root=/dev/sda2 vfio-early.bind=%s,01:00.0 "vfio-early.bind=../../x y" vfio-early.bind=/proc/self/mem\n' "$list" >"$BATS_TEST_TMPDIR/cmdline"
	while IFS='|' read -r dir p; do
		if [ "$dir" = "$ROOT" ]; then
			[[ "$p" =~ $allowed_rel ]] || { echo "outside: $p"; false; }
			[[ "$p" != *..* ]] || { echo "dot-dot: $p"; false; }
		fi
	done < <(traced_paths --sysroot "$ROOT" --config "$CONF" --cmdline "$BATS_TEST_TMPDIR/cmdline" apply)
	# only the good address became a rule
	[ "$(state '.cmdline.bind_rules')" = 1 ]
	kmsg | grep -q "vfio-early.bind: '../../../etc' is not a PCI address"
	[ "$(kmsg | grep -c 'is not a PCI address')" -ge 10 ]
	# each warning is cut: no kmsg line over 1 KiB
	[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$ROOT/dev/kmsg")" -lt 1024 ]
}

@test "config writable by others, by its group, or owned by another user is refused" {
	tree gpu-hda
	conf "bind 01:00.0"
	for m in 0666 0646 0664 0660 0622; do
		chmod "$m" "$CONF"
		run ve validate
		[ "$status" -eq 2 ] || { echo "mode $m accepted"; false; }
		[[ "$output" == *"writable by others (owner uid 0, mode $m)"*"chmod 644"* ]]
	done
	chmod 0644 "$CONF"
	run ve validate
	[ "$status" -eq 0 ]
	if [ "$(id -u)" = 0 ]; then
		chown 65534 "$CONF"
		run ve validate
		[ "$status" -eq 2 ]
		[[ "$output" == *"owner uid 65534"* ]]
		# at boot: nothing bound, the reason in kmsg, exit 0
		run ve apply
		[ "$status" -eq 0 ]
		kmsg | grep -q "has errors; binding nothing (first: $CONF: writable by others"
		[ "$(state '.summary.groups_bound')" = 0 ]
	fi
}

@test "config that is not a regular file (fifo, dir) is refused without hanging" {
	tree gpu-hda
	CONF=$BATS_TEST_TMPDIR/fifo
	mkfifo -m 0644 "$CONF"
	run timeout 5 "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" validate
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a regular file"* ]]
	run timeout 5 "$VFIO_EARLY" --sysroot "$ROOT" --config "$BATS_TEST_TMPDIR" validate
	[ "$status" -eq 2 ]
}

@test "no system(), popen() or shell anywhere in binder/" {
	run grep -nE '\b(system|popen|execl|execlp|execle)[[:space:]]*\(' "$TESTS_DIR"/../binder/*.c
	[ "$status" -eq 1 ]
	run grep -nE '"/bin/sh"|"sh"[[:space:]]*,[[:space:]]*"-c"' "$TESTS_DIR"/../binder/*.c
	[ "$status" -eq 1 ]
	# modprobe.d "install" commands are never run at boot
	grep -q KMOD_PROBE_IGNORE_COMMAND "$TESTS_DIR/../binder/modload.c"
}

@test "/run/vfio-early is created 0755 whatever the umask" {
	tree gpu-hda
	conf "bind 01:00.0"
	rm -rf "$ROOT/run"
	(umask 000 && ve apply)
	[ "$(stat -c %a "$ROOT/run/vfio-early")" = 755 ]
	[ "$(stat -c %a "$ROOT/run/vfio-early/state.json")" = 644 ]
	rm -rf "$ROOT/run/vfio-early"
	(umask 077 && ve apply)
	[ -f "$ROOT/run/vfio-early/state.json" ]
	[ "$(stat -c %a "$ROOT/run/vfio-early/state.json")" = 600 ] || [ "$(stat -c %a "$ROOT/run/vfio-early/state.json")" = 644 ]
}

@test "/run/vfio-early planted as a symlink is not followed; as a world-writable dir is not used" {
	tree gpu-hda
	conf "bind 01:00.0"
	evil=$BATS_TEST_TMPDIR/evil
	mkdir -p "$evil"
	rm -rf "$ROOT/run/vfio-early"
	ln -s "$evil" "$ROOT/run/vfio-early"
	run ve apply
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$evil")" ]
	kmsg | grep -q "cannot use /run/vfio-early"
	rm "$ROOT/run/vfio-early"
	mkdir -m 0777 "$ROOT/run/vfio-early"
	chmod 0777 "$ROOT/run/vfio-early"
	run ve apply
	[ ! -e "$ROOT/run/vfio-early/state.json" ]
	kmsg | grep -q "cannot use /run/vfio-early"
	# a symlink planted at state.json or its .tmp is replaced, never written through
	rm -rf "$ROOT/run/vfio-early"
	mkdir -m 0755 "$ROOT/run/vfio-early"
	echo keep >"$evil/target"
	ln -s "$evil/target" "$ROOT/run/vfio-early/state.json"
	ln -s "$evil/target" "$ROOT/run/vfio-early/state.json.tmp"
	ve apply
	[ "$(cat "$evil/target")" = keep ]
	[ ! -L "$ROOT/run/vfio-early/state.json" ]
	jq -e .summary "$ROOT/run/vfio-early/state.json" >/dev/null
}

@test "the production binary ignores the test-only fault variables" {
	tree gpu-hda
	conf "option bind-timeout=10" "bind 01:00.0"
	VFIO_EARLY_FAULT="driver_override:EBUSY:*" VFIO_EARLY_FAKE_KERNEL=1 apply_traced
	[ "$(echo "$WRITES" | head -1)" = "0000:01:00.0/driver_override vfio-pci" ] || [ -n "${VFIO_EARLY_SAN:-}" ]
}
