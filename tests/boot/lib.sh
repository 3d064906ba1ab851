# shellcheck shell=bash disable=SC2054 # QEMU options are comma lists
# Boot-test library: builds real initramfs images (mkinitramfs, dracut) into
# private places, boots them under QEMU and asserts on the guest's report.
# Sourced by tests/boot/run.sh and tests/boot/demo.sh.
#
# Never touches /boot (only reads the kernel), /usr/share/initramfs-tools,
# /usr/lib/dracut or /etc: mkinitramfs gets a private -d CONFDIR (a copy of
# /etc/initramfs-tools plus our files), dracut a private copy of
# /usr/lib/dracut through $dracutbasedir with our module in it.

BOOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BOOT_DIR/../.." && pwd)
GUEST=$BOOT_DIR/guest
OUT=${BOOT_OUT:-$REPO/build/boot}
BIN=${VFIO_EARLY_BIN:-$REPO/build/vfio-early}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}

# Native drivers of the emulated devices, put into every test image (without
# being force-loaded) so udev loads them in the initramfs, as on a host whose
# initramfs carries its GPU/NIC/NVMe drivers: that is where the race is.
VFIOTEST_MODULES="bochs snd_hda_intel e1000e e1000 8139cp nvme virtio_pci virtio_blk ext4 igb"
export VFIOTEST_MODULES

say() { printf '%s\n' "$*" >&2; }
die() { say "boot: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The Debian release the generators and the kernel come from: the host's,
# or the debootstrap tree's when run through tests/distro/root.sh.
# shellcheck disable=SC2034 # read by run.sh
DISTRO=$(. /etc/os-release && printf '%s\n' "${VERSION_CODENAME:-unknown}")

# The newest kernel that has both a vmlinuz in /boot and its modules
# (Debian's linux-image-amd64), or $BOOT_KVER.
find_kernel() {
	local k
	if [[ -n ${BOOT_KVER:-} ]]; then
		KVER=$BOOT_KVER
	else
		KVER=
		for k in $(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' 2> /dev/null | sort -V); do
			[[ -r /boot/vmlinuz-$k && -e /lib/modules/$k/modules.dep ]] && KVER=$k
		done
	fi
	[[ -n $KVER ]] || die "no kernel with /boot/vmlinuz-K and /lib/modules/K; install linux-image-amd64"
	VMLINUZ=/boot/vmlinuz-$KVER
	[[ -r $VMLINUZ ]] || die "$VMLINUZ is not readable"
}

need_tools() {
	local t missing=
	for t in qemu-system-x86_64 mkinitramfs lsinitramfs dracut busybox mkfs.ext4 cpio zstd timeout flock base64 tar sha256sum jq; do
		command -v "$t" > /dev/null || missing+=" $t"
	done
	[[ -z $missing ]] || die "missing:$missing (apt-get install qemu-system-x86 initramfs-tools dracut-core busybox-static e2fsprogs cpio zstd jq)"
	[[ -x $BIN ]] || die "$BIN does not exist: run make first"
}

# sha256 of files and strings, for the image cache key.
hash_of() {
	local x
	for x in "$@"; do
		if [[ -d $x ]]; then
			(cd "$x" && find . \( -type f -o -type l \) -print | LC_ALL=C sort | while IFS= read -r f; do
				if [[ -L $f ]]; then printf '%s -> %s\n' "$f" "$(readlink "$f")"; else printf '%s %s\n' "$f" "$(sha256sum < "$f")"; fi
			done)
		elif [[ -f $x ]]; then
			sha256sum < "$x"
		else
			printf '%s\n' "$x"
		fi
	done | sha256sum | cut -c1-16
}

# Private copies of the generators' trees, refreshed once per run.
prepare_generators() {
	local it=$OUT/gen/initramfs-tools db=$OUT/gen/dracut
	rm -rf "$OUT/gen"
	mkdir -p "$OUT/gen" "$OUT/tmp"
	# initramfs-tools: the host's /etc/initramfs-tools plus our hook and boot
	# script, exactly as `make install` would place them (but here), plus the
	# test-only report hooks. MODULES=list keeps the image small: the vfio
	# modules must then come from our hook alone.
	local dest=$OUT/gen/dest
	# Our files as `make install` lays them out (the install rules are
	# tested too), in a private DESTDIR.
	make -C "$REPO" --no-print-directory -s install-hooks DESTDIR="$dest" PREFIX=/usr > /dev/null ||
		die "make install-hooks DESTDIR=$dest failed"
	cp -a /etc/initramfs-tools "$it"
	printf 'MODULES=list\nBUSYBOX=y\nCOMPRESS=zstd\n' > "$it/conf.d/zz-vfiotest"
	: > "$it/modules"
	mkdir -p "$it/hooks" "$it/scripts/init-top" "$it/scripts/init-premount"
	cp -a "$dest/usr/share/initramfs-tools/hooks/vfio-early" "$it/hooks/vfio-early"
	cp -a "$dest/usr/share/initramfs-tools/scripts/init-top/00-vfio-early" "$it/scripts/init-top/00-vfio-early"
	cp -a "$GUEST/initramfs-tools/." "$it/"
	# The distribution's default (MODULES=most) in a second config dir, for
	# the scenarios that set IT_MODULES=most.
	cp -a "$it" "$it-most"
	printf 'MODULES=most\nBUSYBOX=y\nCOMPRESS=zstd\n' > "$it-most/conf.d/zz-vfiotest"
	# dracut: a private dracutbasedir (dracut reads it from the environment)
	# with our module and the test-only one in modules.d/.
	cp -a /usr/lib/dracut "$db"
	rm -rf "$db/modules.d/90vfio-early"
	cp -a "$dest/usr/lib/dracut/modules.d/90vfio-early" "$db/modules.d/90vfio-early"
	cp -a "$GUEST/dracut/99vfiotest" "$db/modules.d/99vfiotest"
	mkdir -p "$OUT/gen/dracut.conf.d"
	# The hooks source the lib from VFIO_EARLY_LIB (installed default:
	# /usr/share/vfio-early/vfio-early-image.sh).
	VFIO_EARLY_LIB=$dest/usr/share/vfio-early/vfio-early-image.sh
	# and the udev rule for mdev rules, as installed for the images
	VFIO_EARLY_MDEV_RULES=$dest/usr/share/vfio-early/61-vfio-early-mdev.rules
}

# build_image GEN CONFIG_FILE [SYSROOT] -> prints the image path.
# GEN: initramfs-tools, dracut (systemd initrd) or dracut-shell (no systemd).
# Images are cached per run by their inputs; a different config, sysroot or
# binary builds a new image through the real hooks.
image_base() { # GEN CONFIG_FILE [SYSROOT] -> path without suffix
	local key
	key=$(hash_of "$1" "$KVER" "$2" "sysroot=${3:-}" ${3:+"$3"} "$BIN" "mode=${DRACUT_MODE:-}" \
		"it=${IT_MODULES:-list}" "prep=${MODULES_PREP:-}" \
		"$REPO/hooks" "$REPO/initramfs-tools" "$REPO/dracut" "$GUEST" "$VFIOTEST_MODULES" "$BOOT_DIR/variant")
	printf '%s\n' "$OUT/images/$1-$key"
}

build_image() {
	local base img
	base=$(image_base "$@")
	img=$base.img
	mkdir -p "$OUT/images"
	# Parallel scenarios with the same inputs: one builds, the others wait.
	exec 9> "$base.lock"
	flock 9
	if [[ -s $img ]]; then
		printf '%s\n' "$img"
		return 0
	fi
	build_image_unlocked "$@"
}

# build_image_unlocked GEN CONFIG [SYSROOT]: build_image's build, its lock
# held.
build_image_unlocked() {
	local gen=$1 cfg=$2 sysroot=${3:-} base img log t0 rc extra=
	base=$(image_base "$@")
	# MODULES_PREP=mtty: the sample mdev parent's module goes into the image
	# (loaded by vfiotest.load= or vfiotest.native=, as udev would a driver)
	[[ ${MODULES_PREP:-} == mtty ]] && extra=mtty
	img=$base.img
	log=$base.build.log
	t0=$(now)
	case $gen in
	initramfs-tools)
		with_modules_prep env TMPDIR="$OUT/tmp" VFIO_EARLY_LIB="$VFIO_EARLY_LIB" \
			VFIO_EARLY_BINARY="$BIN" VFIO_EARLY_CONFIG="$cfg" VFIO_EARLY_SYSROOT="$sysroot" \
			VFIO_EARLY_MDEV_RULES="$VFIO_EARLY_MDEV_RULES" VFIOTEST_GUEST="$GUEST" VFIOTEST_EXTRA_MODULES="$extra" \
			mkinitramfs -d "$OUT/gen/initramfs-tools$([[ ${IT_MODULES:-list} == most ]] && echo -most)" -o "$img.tmp" "$KVER" > "$log" 2>&1
		rc=$?
		;;
	dracut | dracut-shell)
		local omit=() mode=(--no-hostonly)
		[[ $gen == dracut-shell ]] && omit=(--omit "systemd systemd-initrd dracut-systemd")
		# DRACUT_MODE=hostonly: what Fedora/RHEL build by default (the
		# host's own command line is left out: it names the host's root).
		[[ ${DRACUT_MODE:-} == hostonly ]] && mode=(--hostonly --no-hostonly-cmdline)
		with_modules_prep env dracutbasedir="$OUT/gen/dracut" VFIO_EARLY_LIB="$VFIO_EARLY_LIB" \
			VFIO_EARLY_BINARY="$BIN" VFIO_EARLY_CONFIG="$cfg" VFIO_EARLY_SYSROOT="$sysroot" \
			VFIO_EARLY_MDEV_RULES="$VFIO_EARLY_MDEV_RULES" VFIOTEST_GUEST="$GUEST" \
			dracut "${mode[@]}" --conf /dev/null --confdir "$OUT/gen/dracut.conf.d" \
			--tmpdir "$OUT/tmp" --add vfiotest "${omit[@]}" --drivers "$VFIOTEST_MODULES${extra:+ $extra}" \
			--no-early-microcode --nostrip --compress "zstd -q -3 -T0" --force "$img.tmp" "$KVER" > "$log" 2>&1
		rc=$?
		;;
	*) die "unknown generator $gen" ;;
	esac
	if [[ $rc -ne 0 ]]; then
		say "boot: building the $gen image failed ($rc); log: $log"
		tail -n 20 "$log" >&2
		return 1
	fi
	if [[ $gen == dracut ]] && ! grep -q 'Including module: systemd \*' "$log"; then
		say "boot: dracut left out its systemd module (is systemd installed?): the 'dracut' generator must build a systemd initrd; log: $log"
		return 1
	fi
	if [[ $gen == dracut-shell ]] && grep -q 'Including module: systemd \*' "$log"; then
		say "boot: dracut-shell still has systemd; log: $log"
		return 1
	fi
	# dracut-install resolves libraries by running ldd; once in a while
	# (Debian 13's dracut 106, two builds at a time) that step yields
	# nothing, without an error, and the image's /init cannot be executed
	# (no dynamic loader: "Failed to execute /init (error -2)"). That is
	# the generator failing, not the image under test: build it once more.
	if [[ $gen == dracut* ]] && ! lsinitrd "$img.tmp" 2> /dev/null | grep -q '/ld-linux'; then
		if [[ -z ${BUILD_IMAGE_RETRY:-} ]]; then
			say "boot: dracut made an image without the dynamic loader (its library step failed silently); building it again; log: $log"
			cp "$log" "$log.first"
			BUILD_IMAGE_RETRY=1 build_image_unlocked "$@"
			return
		fi
		say "boot: dracut made an image without the dynamic loader twice; log: $log"
		return 1
	fi
	mv "$img.tmp" "$img"
	say "  built $gen image in $(since "$t0") s ($(du -k "$img" | cut -f1) KiB)"
	printf '%s\n' "$img"
}

# with_modules_prep CMD...: run CMD (a generator) with /lib/modules/$KVER as
# MODULES_PREP wants it, through an overlay in a private mount namespace: the
# real tree is never changed, and the mount goes with the namespace.
#   recompress-zstd  the vfio modules (with their dependencies and softdeps)
#                    recompressed as .ko.zst, depmod re-run: a format the
#                    kernel cannot decompress (6.1: none; 6.12: only xz)
#   no-vfio-pci      vfio-pci removed, depmod re-run: nothing could bind
#   variant-driver   tests/boot/variant/vfiotest_variant.ko (built against
#                    the kernel's headers) in updates/, depmod re-run: a
#                    vfio-pci variant driver for QEMU's VGA, as a kernel that
#                    ships one has it; the image hooks must carry it
#   mtty             the kernel's mtty sample (build_mtty) added as
#                    extra/mtty.ko, depmod re-run: an mdev parent to test with
with_modules_prep() {
	[[ -z ${MODULES_PREP:-} ]] && {
		"$@"
		return
	}
	local ov rc ko=
	case $MODULES_PREP in
	variant-driver) ko=$(build_variant_module) || return 1 ;;
	mtty) ko=$(build_mtty) || return 1 ;;
	esac
	ov=$(mktemp -d "$OUT/tmp/overlay.XXXXXX")
	mkdir -p "$ov/upper" "$ov/work"
	# shellcheck disable=SC2016 # the script's own variables
	# --propagation unchanged: in the distro tree's chroot / is no mount
	# point (and the tree's namespace is private already); on the host the
	# script makes its namespace private itself.
	unshare --mount --propagation unchanged -- bash -euc '
		kver=$1 ov=$2 prep=$3 ko=$4
		shift 4
		mount --make-rprivate / 2> /dev/null || :
		mount -t overlay overlay -o "lowerdir=/lib/modules/$kver,upperdir=$ov/upper,workdir=$ov/work" "/lib/modules/$kver"
		files=$(modprobe -a -S "$kver" --show-depends vfio_pci vfio_iommu_type1 | sed -n "s/^insmod \([^ ]*\).*/\1/p" | sort -u)
		case $prep in
		variant-driver)
			files=
			install -D -m 0644 "$ko" "/lib/modules/$kver/updates/vfiotest/vfiotest_variant.ko"
			;;
		mtty)
			files=
			install -D -m 0644 "$ko" "/lib/modules/$kver/extra/mtty.ko"
			;;
		esac
		for m in $files; do
			case $prep in
			recompress-zstd)
				# From a file, not a pipe: the frame must carry its size
				# (kmod 34 refuses zstd modules without it, as the kernel
				# build never makes them).
				case $m in
				*.ko) cat "$m" ;;
				*.ko.xz) xz -dc "$m" ;;
				*.ko.zst) zstd -qdc "$m" ;;
				*.ko.gz) gzip -dc "$m" ;;
				esac > "$ov/plain.ko"
				zstd -q -f "$ov/plain.ko" -o "${m%.ko*}.ko.zst.tmp"
				rm -f "$m" "$ov/plain.ko"
				mv "${m%.ko*}.ko.zst.tmp" "${m%.ko*}.ko.zst"
				;;
			no-vfio-pci)
				case ${m##*/} in vfio-pci.ko*) rm -f "$m" ;; esac
				;;
			*) echo "with_modules_prep: unknown MODULES_PREP=$prep" >&2; exit 1 ;;
			esac
		done
		depmod -a "$kver"
		"$@"' bash "$KVER" "$ov" "$MODULES_PREP" "$ko" "$@"
	rc=$?
	rm -rf "$ov"
	return $rc
}

# build_mtty -> prints the path of mtty.ko for $KVER: the kernel's mtty
# sample mdev driver (samples/vfio-mdev/mtty.c, from the distribution's
# linux-source-X.Y package, the series of $KVER) built out of tree against
# linux-headers-$KVER. Once per kernel and source tarball (kept across runs).
build_mtty() {
	local series tarball dir
	series=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<< "$KVER")
	tarball=/usr/src/linux-source-$series.tar.xz
	if [[ ! -r $tarball || ! -e /lib/modules/$KVER/build/Makefile ]]; then
		say "boot: mtty.c and headers for $KVER needed: apt-get install linux-source-$series linux-headers-$KVER (sh tests/deps.sh boot)"
		return 1
	fi
	dir=$OUT/mtty/$KVER-$(stat -c %s-%Y "$tarball")
	mkdir -p "$OUT/mtty"
	exec 7> "$OUT/mtty/lock"
	flock 7
	if [[ ! -s $dir/mtty.ko ]]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		printf 'obj-m := mtty.o\n' > "$dir/Kbuild"
		if ! tar -xJf "$tarball" -O --wildcards '*/samples/vfio-mdev/mtty.c' > "$dir/mtty.c" ||
			! make -C "/lib/modules/$KVER/build" M="$dir" modules > "$dir/build.log" 2>&1; then
			say "boot: building mtty.ko for $KVER failed: $dir/build.log"
			exec 7>&-
			return 1
		fi
		say "  built mtty.ko for $KVER from $tarball"
	fi
	exec 7>&-
	printf '%s\n' "$dir/mtty.ko"
}

# build_variant_module -> prints the path of vfiotest_variant.ko for $KVER,
# built from tests/boot/variant/ against the kernel's headers, once per kernel
# and source (cached under $OUT/variant/)
# (/lib/modules/KVER/build: Debian's linux-headers-KVER).
build_variant_module() {
	local dir
	dir=$OUT/variant/$KVER-$(hash_of "$BOOT_DIR/variant")
	mkdir -p "$OUT/variant"
	exec 7> "$dir.lock"
	flock 7
	if [[ ! -s $dir/vfiotest_variant.ko ]]; then
		if [[ ! -e /lib/modules/$KVER/build/Makefile ]]; then
			say "boot: no headers for kernel $KVER (/lib/modules/$KVER/build): apt-get install linux-headers-$KVER"
			return 1
		fi
		rm -rf "$dir"
		cp -a "$BOOT_DIR/variant" "$dir"
		if ! make -C "/lib/modules/$KVER/build" M="$dir" modules > "$dir/build.log" 2>&1; then
			say "boot: building the test variant driver failed; log: $dir/build.log"
			tail -n 20 "$dir/build.log" >&2
			return 1
		fi
	fi
	exec 7>&-
	printf '%s\n' "$dir/vfiotest_variant.ko"
}

# build_rootfs CONFIG_FILE -> prints the path of a small ext4 root image:
# busybox, the test init, the report and capture scripts, the binary and the
# same config as the initramfs (a real host has both).
build_rootfs() {
	local cfg=$1 key dir img a
	key=$(hash_of rootfs "$cfg" "$BIN" "$GUEST" "$REPO/tests/sysfs/record-host.sh")
	img=$OUT/images/rootfs-$key.ext4
	mkdir -p "$OUT/images"
	exec 9> "$img.lock"
	flock 9
	if [[ -s $img ]]; then
		printf '%s\n' "$img"
		return 0
	fi
	dir=$OUT/tmp/rootfs-$key
	rm -rf "$dir"
	mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,usr/libexec,etc/vfio-early,proc,sys,dev,run,tmp,root}
	install -m 0755 "$(command -v busybox)" "$dir/bin/busybox"
	for a in $("$dir/bin/busybox" --list-full); do
		[[ -e $dir/$a ]] || ln -s /bin/busybox "$dir/$a"
	done
	install -m 0755 "$GUEST/rootfs-init" "$dir/sbin/init"
	install -m 0755 "$GUEST/vfiotest-report" "$dir/usr/libexec/vfiotest-report"
	install -m 0755 "$GUEST/vfiotest-capture" "$dir/usr/libexec/vfiotest-capture"
	install -m 0755 "$REPO/tests/sysfs/record-host.sh" "$dir/usr/libexec/record-host.sh"
	install -m 0755 "$BIN" "$dir/usr/sbin/vfio-early"
	install -m 0644 "$cfg" "$dir/etc/vfio-early.conf"
	printf '/dev/vda / ext4 rw 0 1\n' > "$dir/etc/fstab"
	# systemd's switch-root wants an OS tree: an os-release file.
	printf 'ID=vfiotest\nNAME="vfio-early boot-test root"\n' > "$dir/etc/os-release"
	mkdir -p "$OUT/images"
	mkfs.ext4 -q -F -L vfiotest -d "$dir" "$img.tmp" 48M > "$img.log" 2>&1 || {
		cat "$img.log" >&2
		return 1
	}
	rm -rf "$dir"
	mv "$img.tmp" "$img"
	printf '%s\n' "$img"
}

# Emulated machines. Bus numbers follow the command line; the addresses and
# IOMMU groups below were measured on QEMU 7.2 q35 + intel-iommu, kernel 6.1.
#   standard: 00:02.0 boot VGA (bochs-drm)     group own
#             00:03.0, 00:04.0 e1000e twins    8086:10d3, each own group
#             00:05.0 VGA + 00:05.1 intel-hda  one multifunction slot, one group
#             00:06.0 ich9-intel-hda           own group (snd_hda_intel)
machine_standard() {
	M+=(-device VGA,addr=0x2
		-device e1000e,addr=0x3,netdev=n0 -netdev user,id=n0
		-device e1000e,addr=0x4,netdev=n1 -netdev user,id=n1
		-device VGA,addr=0x5.0,multifunction=on
		-device intel-hda,id=hda0,addr=0x5.1 -device hda-duplex,bus=hda0.0,audiodev=snd
		-device ich9-intel-hda,id=hda1,addr=0x6 -device hda-duplex,bus=hda1.0,audiodev=snd)
}
#   display2: 00:08.0 bochs-display (1234:1111 like the VGAs, class 0380,
#             bochs-drm), its own group
machine_display2() {
	M+=(-device bochs-display,addr=0x8)
}
#   bridge:   00:07.0 pcie-pci-bridge (shpc)   group G with everything behind it
#             01:01.0 e1000, 01:02.0 rtl8139  (8139cp)
machine_bridge() {
	M+=(-device pcie-pci-bridge,id=br1,addr=0x7
		-device e1000,bus=br1,addr=0x1,netdev=n2 -netdev user,id=n2
		-device rtl8139,bus=br1,addr=0x2,netdev=n3 -netdev user,id=n3)
}
#   shared:   00:07.0 pcie-pci-bridge (shpc)   group G with everything behind it
#             01:01.0 VGA (bochs-drm), 01:02.0 qemu-xhci (xhci_hcd),
#             01:03.0 e1000: a GPU sharing its group with a USB controller
#             and a NIC, as on consumer chipsets without ACS (with
#             "standard" beside it, so that 00:02.0 is the boot VGA)
machine_shared() {
	M+=(-device pcie-pci-bridge,id=br1,addr=0x7
		-device VGA,bus=br1,addr=0x1
		-device qemu-xhci,bus=br1,addr=0x2
		-device e1000,bus=br1,addr=0x3,netdev=n2 -netdev user,id=n2)
}
#   rpslot:   00:08.0 pcie-root-port in physical slot 8 (pciehp: sys/bus/pci/
#             slots/8) with an e1000e (8086:10d3) behind it: bus 01 alone,
#   rpextra:  with another root port at 00:07.0 (an e1000, 8086:100e,
#             behind it) before it: that one takes bus 01, the slot-8 card
#             moves to bus 02
machine_rpextra() {
	M+=(-device pcie-root-port,id=rp7,chassis=7,slot=7,addr=0x7
		-device e1000,bus=rp7,netdev=n7 -netdev user,id=n7)
}
machine_rpslot() {
	# Native PCIe hotplug (not QEMU's ACPI hotplug, q35's default since
	# QEMU 6.1): pciehp registers the port's slot under its Physical Slot
	# Number, /sys/bus/pci/slots/8, as on real boards' slot capabilities.
	M+=(-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off
		-device pcie-root-port,id=rp8,chassis=8,slot=8,addr=0x8
		-device e1000e,bus=rp8,netdev=n8,mac=52:54:00:00:00:08 -netdev user,id=n8)
}
#   protected: 00:07.0 pcie-pci-bridge; 01:01.0 virtio-blk holding the root
#             fs (/dev/vda); 01:02.0 e1000: one group
machine_protected() {
	M+=(-device pcie-pci-bridge,id=br1,addr=0x7
		-drive "if=none,id=root,format=raw,snapshot=on,file=$ROOTFS"
		-device virtio-blk-pci,bus=br1,addr=0x1,drive=root
		-device e1000,bus=br1,addr=0x2,netdev=n2 -netdev user,id=n2)
}
#   rootdisk: 00:0a.0 virtio-blk with the root fs, its own group
machine_rootdisk() {
	M+=(-drive "if=none,id=root,format=raw,snapshot=on,file=$ROOTFS"
		-device virtio-blk-pci,addr=0xa,drive=root)
}
#   rom:      00:09.0 pcnet (1022:2000), no driver in the test images: nothing
#             enabled it; QEMU puts efi-pcnet.rom (x86 + EFI) in its ROM BAR.
#             01:00.0 VGA (bochs-drm) behind the root port 00:0a.0, which
#             does not route VGA: the kernel leaves its ROM resource alone
#             (a VGA on the root bus, like standard's 00:05.0, is marked
#             shadowed). With "standard" beside it: 00:02.0 the boot VGA.
machine_rom() {
	M+=(-device pcnet,addr=0x9,netdev=n9 -netdev user,id=n9
		-device pcie-root-port,id=rp10,chassis=10,addr=0xa
		-device VGA,bus=rp10,addr=0x0)
}
#   sriov:    two identical NVMe PFs (1b36:0010) with 2 VFs each possible,
#             behind root ports: 01:00.0 and 02:00.0
machine_sriov() {
	local i
	for i in 1 2; do
		M+=(-device "pcie-root-port,id=rp$i,chassis=$i,addr=0x$((7 + i))"
			-device "nvme-subsys,id=subsys$i,nqn=vfiotest$i"
			-device "nvme,bus=rp$i,serial=vfiotest$i,subsys=subsys$i,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=8,msix_qsize=4")
	done
}
#   igb:      an Intel 82576 SR-IOV NIC as QEMU >= 8.0 emulates it (PF
#             8086:10c9 on igb, VFs 8086:10ca at offset 0x80, stride 2)
#             behind a root port: PF 01:00.0, VF k at 01:10.(2k)
machine_igb() {
	M+=(-device pcie-root-port,id=rp11,chassis=11,addr=0xb
		-device igb,bus=rp11,netdev=n11 -netdev user,id=n11)
}

# boot IMAGE LOG APPEND MACHINE... : one QEMU run, serial console to LOG.
# Pass/fail never comes from QEMU's exit status (a panic also exits 0).
# no_timer_check: on a loaded host TCG is too slow for the kernel's early
# IO-APIC timer check through interrupt remapping; it panicked here with
# "timer doesn't work through Interrupt-remapped IO-APIC".
boot() {
	local img=$1 log=$2 append=$3 m
	shift 3
	M=()
	for m in "$@"; do "machine_$m"; done
	timeout --foreground -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 \
		-machine q35 -accel tcg -m 256 -smp 1 \
		-device intel-iommu,intremap=on,caching-mode=on \
		-nodefaults -display none -monitor none -serial "file:$log" \
		-no-reboot -audiodev none,id=snd \
		"${M[@]}" \
		-kernel "$VMLINUZ" -initrd "$img" \
		-append "console=ttyS0 panic=-1 no_timer_check $append" < /dev/null > "$log.qemu" 2>&1
	echo "$?" > "$log.rc"
}

# report LOG WHERE -> the guest's "VFIOTEST ..." lines from one report (the
# one that ran WHERE: initrd or root), prefix stripped, \r removed.
report() {
	tr -d '\r' < "$1" | sed -n 's/^.*VFIOTEST //p' |
		awk -v w="$2" '$1 == "begin" && $2 == "where=" w { on = 1 } on { print } $1 == "end" { on = 0 }'
}
