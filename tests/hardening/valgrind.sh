#!/bin/sh
# valgrind --error-exitcode over representative commands of a glibc build
# (valgrind cannot see inside the static musl binary's malloc): check, check
# --json, apply with a rollback, status, protected, validate, list (text,
# JSON, tree), mdev-apply, on fake trees.
# The exit status must match the static build's on the same input.
# usage: tests/hardening/valgrind.sh GLIBC_BINARY STATIC_BINARY
set -eu
bin=$1
ref=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
vg() { # vg ARGS... (the static build runs first on a copy of the tree)
	n=$((n + 1))
	set +e
	rm -rf "$tmp/ref" && cp -a "$tmp/root" "$tmp/ref"
	# shellcheck disable=SC2046 # paths from mktemp hold no blanks
	"$ref" $(printf '%s\n' "$@" | sed "s|^$tmp/root\$|$tmp/ref|") >/dev/null 2>&1
	want=$?
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--track-fds=no "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	set -e
	if [ "$got" != "$want" ]; then
		cat "$tmp/err" >&2
		echo "valgrind: '$*' exited $got, expected $want" >&2
		exit 1
	fi
	echo "valgrind ok (exit $got): $*"
}
mktree() { rm -rf "$tmp/root"; "$here/../sysfs/mktree" "$1" "$tmp/root" >/dev/null; }
conf() { printf '%s\n' "$@" >"$tmp/conf"; chmod 0644 "$tmp/conf"; }

mktree "$here/../sysfs/trees/gpu-hda.tree"
conf "bind 01:00.0" "protect 00:17.0"
vg --sysroot "$tmp/root" --config "$tmp/conf" check
vg --sysroot "$tmp/root" --config "$tmp/conf" check --json
vg --sysroot "$tmp/root" --config "$tmp/conf" protected
vg --sysroot "$tmp/root" --config "$tmp/conf" validate
conf "option bind-timeout=20" "bind 01:00.0" "bind id=8086:15bc"
vg --sysroot "$tmp/root" --config "$tmp/conf" apply
vg --sysroot "$tmp/root" --config "$tmp/conf" status --json
mktree "$here/../sysfs/trees/renumbered.tree"
vg --sysroot "$tmp/root" --config "$tmp/conf" list
vg --sysroot "$tmp/root" --config "$tmp/conf" list --json
vg --sysroot "$tmp/root" --config "$tmp/conf" list --tree
mktree "$here/trees/faults.tree"
conf "option bind-timeout=20" "bind 01:00.0" "bind 03:00.0" "bind 04:00.0"
vg --sysroot "$tmp/root" --config "$tmp/conf" apply
conf "bind 01:00.0" "bind zz:00.0" "sriov 01:00 vfs=0"
vg --sysroot "$tmp/root" --config "$tmp/conf" validate
vg --sysroot "$tmp/root" --config "$tmp/conf" check
# VF identity: check's plan, apply where it cannot be set (no netdev; a
# --sysroot PF with one), status
sed 's/sriov_numvfs=0/sriov_numvfs=2/; /^net *enp2s0/d' "$here/../sysfs/trees/sriov-nic.tree" >"$tmp/nic.tree"
mktree "$tmp/nic.tree"
conf "option vf-timeout=20 bind-timeout=10" "sriov 01:00.0 vfs=2 mac=02:00:00:00:00:10,02:00:00:00:00:11 trust=on" \
	"sriov 02:00.0 vfs=2 mac=02:00:00:00:01:00+ vlan=5 spoofchk=off"
vg --sysroot "$tmp/root" --config "$tmp/conf" check --json
vg --sysroot "$tmp/root" --config "$tmp/conf" apply
vg --sysroot "$tmp/root" --config "$tmp/conf" status --json
mktree "$here/../sysfs/trees/sriov.tree"
conf "sriov 0000:03:00.0 vfs=2"
vg --sysroot "$tmp/root" --config "$tmp/conf" check
mktree "$here/../sysfs/trees/mdev.tree"
conf "mdev parent=mtty type=mtty-2 count=2 uuid=3b2f2f3e-8f0c-4c1e-9a53-7a1c1b5e2d10" "mdev 00:02.0 type=i915-GVTg_V5_4 count=2" \
	"mdev 01:00.0 type=nvidia-63" "mdev parent=mtty type=mtty-2" "mdev parent=mbochs type=x"
vg --sysroot "$tmp/root" --config "$tmp/conf" check
vg --sysroot "$tmp/root" --config "$tmp/conf" check --json
vg --sysroot "$tmp/root" --config "$tmp/conf" mdev-apply
vg --sysroot "$tmp/root" --config "$tmp/conf" mdev-apply --parent mtty
vg --sysroot "$tmp/root" --config "$tmp/conf" status --json
echo "valgrind: $n commands, no errors"
