#!/bin/sh
# Installs the Debian packages a step needs; idempotent, quiet when all are
# there. Groups: build (the binary), check (unit, bats, lint), boot (QEMU
# boot tests and make demo), distro (the Debian 13 boot matrix), pkg (make
# deb: debhelper, lintian), bench, fuzz.
# usage: tests/deps.sh GROUP...
set -eu

pkgs_build="make musl-tools gcc libc6-dev dpkg-dev xz-utils ca-certificates file"
pkgs_check="bats jq strace shellcheck python3 valgrind cppcheck clang-tidy clang-format time"
# linux-headers-amd64: the boot tests build a test vfio-pci variant driver
# (scenario 20) and the mtty mdev parent (scenarios 22, 23) for the archive
# kernel; linux-source holds mtty.c.
pkgs_boot="qemu-system-x86 linux-image-amd64 linux-headers-amd64 linux-source initramfs-tools dracut-core busybox-static cpio e2fsprogs kmod udev systemd zstd xz-utils jq"
# The distro matrix: a Debian 13 userland made with debootstrap (tests/distro).
pkgs_distro="debootstrap debian-archive-keyring util-linux"
# make deb: debhelper builds the package, lintian checks it.
pkgs_pkg="debhelper lintian dpkg-dev"
pkgs_bench="driverctl valgrind strace util-linux hyperfine"
# libclang-rt-dev follows the release's default clang (14 on Debian 12, 19 on
# Debian 13): no versioned name.
pkgs_fuzz="clang libclang-rt-dev"

want=""
for g in "$@"; do
	case "$g" in
	build) want="$want $pkgs_build" ;;
	check) want="$want $pkgs_check" ;;
	boot) want="$want $pkgs_boot" ;;
	distro) want="$want $pkgs_distro" ;;
	pkg) want="$want $pkgs_pkg" ;;
	bench) want="$want $pkgs_bench" ;;
	fuzz) want="$want $pkgs_fuzz" ;;
	*) echo "deps.sh: unknown group '$g' (build check boot distro pkg bench fuzz)" >&2; exit 100 ;;
	esac
done

missing=""
for p in $want; do
	dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing Debian packages:$missing; run as root or install them" >&2
	exit 111
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# The kernel package's own postinst builds /boot/initrd.img for itself; our
# tests never write /boot.
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
