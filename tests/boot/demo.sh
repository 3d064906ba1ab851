#!/bin/bash
# shellcheck disable=SC2054 # QEMU options are comma lists
# make demo: boot Debian's kernel in QEMU twice, with an initramfs built by
# initramfs-tools for it (privately: /boot and the host's hook dirs are not
# touched), first without vfio-early and then with it, and show what each
# device ended on. The machine: a boot GPU, a GPU + HDA pair sharing an
# IOMMU group, two identical NVMe controllers and a NIC.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

# Demo machine (q35 + intel-iommu):
#   00:02.0 boot VGA         00:03.0 e1000e NIC
#   00:05.0 VGA + 00:05.1 HDA, one slot, one IOMMU group
#   00:06.0, 00:07.0 NVMe twins (1b36:0010)
machine_demo() {
	M+=(-device VGA,addr=0x2
		-device e1000e,addr=0x3,netdev=n0 -netdev user,id=n0
		-device VGA,addr=0x5.0,multifunction=on
		-device intel-hda,id=hda0,addr=0x5.1 -device hda-duplex,bus=hda0.0,audiodev=snd
		-device nvme,addr=0x6,serial=twin-a
		-device nvme,addr=0x7,serial=twin-b)
}

CONFIG='# vfio-early demo: the GPU at 00:05.0 (its HDA function shares the group
# and follows), and only the second of two identical NVMe controllers.
bind 0000:00:05.0
bind 0000:00:07.0'

find_kernel
need_tools
mkdir -p "$OUT/logs"
rm -rf "$OUT/images" "$OUT/tmp"
T0=$(now)
say "vfio-early demo: kernel $KVER (from /boot), binary $BIN"
prepare_generators
printf '%s\n' "$CONFIG" > "$OUT/vfio-early.conf"

say "building two initramfs images with mkinitramfs (private config dir):"
img_without=$(build_image initramfs-tools "$OUT/absent/vfio-early.conf") || die "image build failed"
img_with=$(build_image initramfs-tools "$OUT/vfio-early.conf") || die "image build failed"

say "booting each in QEMU (q35, intel-iommu, TCG; ~15 s a boot):"
boot "$img_without" "$OUT/logs/without.log" "intel_iommu=on iommu=pt" demo &
boot "$img_with" "$OUT/logs/with.log" "intel_iommu=on iommu=pt vfiotest.list" demo &
wait
without=$(report "$OUT/logs/without.log" initrd)
with=$(report "$OUT/logs/with.log" initrd)
grep -q '^end ' <<< "$without" || die "no report from the boot without vfio-early: $OUT/logs/without.log"
grep -q '^end ' <<< "$with" || die "no report from the boot with vfio-early: $OUT/logs/with.log"

field() { # REPORT ADDR KEY
	awk -v a="$2" -v k="$3=" '$1 == "dev" && $2 == a {
		for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' <<< "$1"
}
kind() {
	case $1 in
	0x0300*) echo "VGA GPU" ;;
	0x0403*) echo "HDA audio" ;;
	0x0108*) echo "NVMe" ;;
	0x0200*) echo "Ethernet" ;;
	0x0604*) echo "PCI bridge" ;;
	0x0600*) echo "host bridge" ;;
	0x0601*) echo "ISA bridge" ;;
	0x0106*) echo "SATA" ;;
	0x0c05*) echo "SMBus" ;;
	*) echo "$1" ;;
	esac
}

echo
echo "config (/etc/vfio-early.conf in the image):"
sed 's/^/    /' "$OUT/vfio-early.conf"
echo
printf '%-13s %-10s %-12s %-6s %-20s %s\n' DEVICE IDS KIND GROUP "WITHOUT vfio-early" "WITH vfio-early"
awk '$1 == "dev" { print $2 }' <<< "$with" | while read -r addr; do
	printf '%-13s %-10s %-12s %-6s %-20s %s\n' "${addr#0000:}" "$(field "$with" "$addr" id)" \
		"$(kind "$(field "$with" "$addr" class)")" "$(field "$with" "$addr" group)" \
		"$(field "$without" "$addr" driver)" "$(field "$with" "$addr" driver)"
done
echo
echo "vfio-early's kernel log in the second boot:"
sed -n 's/^kmsg \(.*vfio-early: .*\)/    \1/p' <<< "$with"
start=$(sed -n 's/^state .*"start_monotonic_us": *\([0-9]*\).*/\1/p' <<< "$with" | tail -n 1)
ticks=$(sed -n 's/^udevd start_ticks=\([0-9]*\).*/\1/p' <<< "$with")
if [[ -n $start && -n $ticks ]]; then
	echo "vfio-early started at $((start / 1000)) ms after boot; udevd at $((ticks * 10)) ms."
fi
echo
echo "vfio-early list in the second boot (what to write in the config, from the guest's own sysfs):"
sed -n 's/^list| /    /p' <<< "$with"
echo
say "demo took $(since "$T0") s; serial logs: $OUT/logs/"
# The demo's point is devices on vfio-pci: none is a failure, with the why.
nbound=$(grep -c '^dev .* driver=vfio-pci ' <<< "$with")
if [[ $nbound -eq 0 ]]; then
	say "demo FAILED: nothing is bound to vfio-pci after the boot with vfio-early. Its kernel log:"
	sed -n 's/^kmsg \(.*vfio-early: .*\)/    \1/p' <<< "$with" >&2
	exit 1
fi
say "demo: $nbound device(s) on vfio-pci"
