#!/bin/sh
# A Debian userland for the distro matrix: debootstrap SUITE into
# build/distro/SUITE (cached; packages added when the list grows) and run
# commands inside it, in a private mount namespace so that no mount outlives
# the command, whatever happens to it.
#
#   tests/distro/root.sh SUITE                 make or update the tree; print its path
#   tests/distro/root.sh SUITE run CMD [ARG]...  run CMD chrooted into it
#
# Inside, /proc is the tree's own, /dev and /sys (read-only) are the host's,
# and the repository is bound at its own absolute path, so paths under it mean
# the same inside and out. Nothing is installed on the host (debootstrap aside)
# and nothing outside build/distro (or DISTRO_OVERLAY) is written.
# Environment: DISTRO_DIR (build/distro), DISTRO_MIRROR (deb.debian.org),
# DISTRO_OVERLAY=DIR: run CMD in a throwaway view of the tree, an overlay
# whose writes go to DIR/upper (the cached tree stays as it is; remove DIR).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
suite=${1:?usage: root.sh SUITE [run CMD...]}
shift
base=${DISTRO_DIR:-$repo/build/distro}
root=$base/$suite
mirror=${DISTRO_MIRROR:-http://deb.debian.org/debian}
# in_root's overlay: set for `run` only (never while making the tree).
overlay=

die() { printf 'distro/root.sh: %s\n' "$*" >&2; exit 1; }

case $suite in
bookworm | trixie) ;;
*) die "unknown suite '$suite' (bookworm, trixie)" ;;
esac

# What the boot matrix runs inside the tree: the distro's own kernel,
# generators, QEMU and the tools the harness calls; a C toolchain to show the
# binary builds with the distro's musl and GCC; the kernel's headers for the
# test variant driver (scenario 20), headers and source for the mdev
# scenarios' mtty module (22, 23), python3 for their UUIDs. Keep it sorted.
PKGS="bash busybox-static ca-certificates coreutils cpio dpkg-dev dracut-core e2fsprogs file gcc jq kmod libc6-dev
linux-headers-amd64 linux-image-amd64 linux-source make musl-tools procps python3 qemu-system-x86 systemd udev
util-linux xz-utils zstd initramfs-tools gzip"
# iproute2: `ip link show` lists a PF's VFs in the guest (scenario 21).
PKGS="$PKGS iproute2"
# shellcheck disable=SC2086 # PKGS is a word list
pkgs_key=$(printf '%s\n' $PKGS | LC_ALL=C sort -u | tr '\n' ' ')

# in_root CMD...: private mount namespace, mounts, chroot. The mounts vanish
# with the namespace (no umount to forget on failure). With DISTRO_OVERLAY,
# the chroot is an overlay on the tree (lower, never written) whose changes
# go to DISTRO_OVERLAY/upper: they last from one call to the next until the
# caller removes that directory.
in_root() {
	# shellcheck disable=SC2016 # the script's own variables
	unshare --mount --propagation private -- sh -eu -c '
		root=$1 repo=$2 ov=$3
		shift 3
		if [ -n "$ov" ]; then
			mkdir -p "$ov/upper" "$ov/work" "$ov/merged"
			mount -t overlay overlay -o "lowerdir=$root,upperdir=$ov/upper,workdir=$ov/work" "$ov/merged"
			root=$ov/merged
		fi
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount -t sysfs -o ro sysfs "$root/sys" 2>/dev/null || mount --rbind -o ro /sys "$root/sys"
		mkdir -p "$root$repo"
		mount --bind "$repo" "$root$repo"
		cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || :
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 TERM=dumb "$@"' sh "$root" "$repo" "$overlay" "$@"
}

ensure_tree() {
	stamp=$root/.vfiotest-packages
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs_key" ]; then
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "making the $suite tree needs root (debootstrap, chroot)"
	command -v debootstrap > /dev/null || die "debootstrap not found: apt-get install debootstrap"
	command -v unshare > /dev/null || die "unshare not found (util-linux)"
	if [ ! -x "$root/usr/bin/apt-get" ] || [ ! -f "$root/.vfiotest-debootstrapped" ]; then
		rm -rf "$root"
		mkdir -p "$base"
		printf 'distro/root.sh: debootstrap %s into %s\n' "$suite" "$root" >&2
		# Own namespace: debootstrap mounts proc/sys in the target and a
		# failure halfway would otherwise leave them mounted.
		unshare --mount --propagation private -- debootstrap --variant=minbase \
			"$suite" "$root" "$mirror" > "$base/$suite.debootstrap.log" 2>&1 ||
			die "debootstrap $suite failed; log: $base/$suite.debootstrap.log"
		: > "$root/.vfiotest-debootstrapped"
	fi
	# The kernel's own postinst would build an initrd into the tree's /boot:
	# nobody boots it, skip the time.
	mkdir -p "$root/etc/initramfs-tools/conf.d"
	printf 'distro/root.sh: installing into %s: %s\n' "$root" "$PKGS" | tr '\n' ' ' >&2
	echo >&2
	# shellcheck disable=SC2086 # PKGS is a word list
	in_root sh -c 'export DEBIAN_FRONTEND=noninteractive INITRD=No
		apt-get -q update && apt-get install -y -q --no-install-recommends "$@" && apt-get clean' \
		sh $PKGS > "$base/$suite.apt.log" 2>&1 ||
		die "installing packages into $root failed; log: $base/$suite.apt.log"
	printf '%s' "$pkgs_key" > "$stamp"
}

ensure_tree
case ${1:-} in
'') printf '%s\n' "$root" ;;
run)
	shift
	[ $# -gt 0 ] || die "run: no command"
	overlay=${DISTRO_OVERLAY:-}
	case $overlay in '' | /*) ;; *) overlay=$(pwd)/$overlay ;; esac
	in_root "$@"
	;;
*) die "unknown action '$1' (run)" ;;
esac
