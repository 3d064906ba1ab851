# shellcheck shell=bash
# Shared by the bats suites: build a fake sysroot from a description, run
# the binary against it, and read back what apply wrote (through strace,
# since a fake tree has no kernel and keeps only the last value written).

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VFIO_EARLY=${VFIO_EARLY:-$TESTS_DIR/../build/vfio-early}

tree() { # tree NAME|DESC-TEXT : builds $ROOT
	ROOT=$BATS_TEST_TMPDIR/root
	rm -rf "$ROOT"
	if [ -f "$TESTS_DIR/sysfs/trees/$1.tree" ]; then
		"$TESTS_DIR/sysfs/mktree" "$TESTS_DIR/sysfs/trees/$1.tree" "$ROOT"
	elif [ -d "$TESTS_DIR/sysfs/recorded/$1" ]; then
		"$TESTS_DIR/sysfs/mktree" "$TESTS_DIR/sysfs/recorded/$1" "$ROOT"
	else
		printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/custom.tree"
		"$TESTS_DIR/sysfs/mktree" "$BATS_TEST_TMPDIR/custom.tree" "$ROOT"
	fi
}

conf() { # conf LINE... : writes $CONF (mode 0644, as the binary demands)
	CONF=$BATS_TEST_TMPDIR/vfio-early.conf
	printf '%s\n' "$@" >"$CONF"
	chmod 0644 "$CONF"
}

ve() { "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" "$@"; }

# apply under strace; WRITES gets one line per sysfs write, in order:
#   "<dir>/<attr> <value>" e.g. "0000:01:00.0/driver_override vfio-pci",
#   "nouveau/unbind 0000:01:00.0", "pci/drivers_probe 0000:01:00.0"
apply_traced() {
	local log=$BATS_TEST_TMPDIR/strace.log
	strace -f -qq -e trace=write -e signal=none -y -s 256 -o "$log" \
		"$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" "$@" apply
	WRITES=$(sed -n 's/^[0-9]* *write([0-9]*<\([^>]*\)>, "\(.*\)", [0-9]*) = .*/\1 \2/p' "$log" |
		grep -v -e '/dev/kmsg ' -e '/run/vfio-early/' |
		sed -e "s|^$ROOT/||" -e 's|^.*/\([^/]*/[^/ ]*\) |\1 |' -e 's/\\n$//' -e 's/ $//')
	export WRITES
}

kmsg() { cat "$ROOT/dev/kmsg"; }
state() { jq -r "$1" "$ROOT/run/vfio-early/state.json"; }
