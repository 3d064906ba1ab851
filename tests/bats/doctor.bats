#!/usr/bin/env bats
# `check` as the host doctor: every finding present on a tree that shows it
# and absent on one that does not, the initramfs reader on images built here
# with the real cpio and compressors, the VM snippets, and the JSON fields
# documented in conf/check-json.md.

load helpers
bats_require_minimum_version 1.5.0

KV=6.1.0-test
DOCTOR_CODES="iommu-cmdline-off iommu-cmdline-missing iommu-firmware-off iommu-cmdline-implicit iommu-passthrough
interrupt-remapping-off interrupt-remapping-unknown modules-missing modules-dep-missing vfio-modules-missing
initramfs-missing initramfs-unreadable initramfs-no-vfio-early initramfs-no-boot-script initramfs-no-vfio-modules
initramfs-config-stale vfio-modules-unloadable vfio-modules-unpacked driver-builtin framebuffer-overlap no-reset-method group-large"

jcheck() { run ve check --json; JSON=$output; }
jq_() { jq -r "$@" <<<"$JSON"; }
codes() { jq -r '[.host.findings[].code] | join(" ")' <<<"$JSON"; }
has() { [[ " $(codes) " == *" $1 "* ]]; }
# not "! has": bats ignores a negated command's status mid-test
hasnt() { [[ " $(codes) " != *" $1 "* ]]; }
subjects() { jq -r --arg c "$1" '[.host.findings[] | select(.code == $c) | .subject] | join(" ")' <<<"$JSON"; }
finding() { jq -r --arg c "$1" --arg f "$2" '[.host.findings[] | select(.code == $c) | .[$f]] | join("\n")' <<<"$JSON"; }
# tree from a file with sed edits: vtree NAME SED-SCRIPT
vtree() { tree "$(sed -e "$2" "$TESTS_DIR/sysfs/trees/$1.tree")"; }

# mkimg [early] [compress=none|gzip|zstd|xz] [no-binary] [no-script]
#       [no-modules] [noconf] : $ROOT/boot/initrd.img-$KV, laid out as
#       initramfs-tools builds it (early cpio, then the compressed main one)
mkimg() {
	local st=$BATS_TEST_TMPDIR/img comp=zstd early='' bin=1 script=1 mods=1 cfg=$CONF img
	for a; do
		case $a in
		early) early=1 ;;
		compress=*) comp=${a#*=} ;;
		no-binary) bin='' ;;
		no-script) script='' ;;
		no-modules) mods='' ;;
		noconf) cfg='' ;;
		*) echo "mkimg: $a?" >&2; return 1 ;;
		esac
	done
	rm -rf "$st"
	mkdir -p "$st/main/usr/sbin" "$st/main/etc" "$st/main/scripts/init-top" \
		"$st/main/usr/lib/modules/$KV/kernel/drivers/vfio/pci" "$st/main/usr/bin" "$ROOT/boot"
	printf 'binary' >"$st/main/usr/bin/busybox"
	[ -z "$bin" ] || printf '\177ELF' >"$st/main/usr/sbin/vfio-early"
	[ -z "$script" ] || printf '#!/bin/sh\n' >"$st/main/scripts/init-top/00-vfio-early"
	if [ -n "$mods" ]; then
		for m in vfio.ko vfio_iommu_type1.ko pci/vfio-pci-core.ko pci/vfio-pci.ko; do
			printf 'ko' >"$st/main/usr/lib/modules/$KV/kernel/drivers/vfio/$m"
		done
	fi
	[ -z "$cfg" ] || cp "$cfg" "$st/main/etc/vfio-early.conf"
	img=$ROOT/boot/initrd.img-$KV
	: >"$img"
	if [ -n "$early" ]; then
		mkdir -p "$st/early/kernel/x86/microcode"
		printf 'microcode blob' >"$st/early/kernel/x86/microcode/GenuineIntel.bin"
		(cd "$st/early" && find . -mindepth 1 | sed 's,^\./,,' | LC_ALL=C sort | cpio -o -H newc --quiet) >>"$img"
	fi
	(cd "$st/main" && find . -mindepth 1 | sed 's,^\./,,' | LC_ALL=C sort | cpio -o -H newc --quiet) |
		case $comp in
		none) cat ;;
		gzip) gzip -9 -n ;;
		zstd) zstd -q -c ;;
		xz) xz --check=crc32 -c ;;
		esac >>"$img"
}

@test "doctor: a ready host has no doctor finding but iommu=pt, and check exits 0" {
	tree doctor-ready
	conf "bind 01:00.0"
	mkimg early
	jcheck
	[ "$status" -eq 0 ]
	[ "$(codes)" = iommu-passthrough ]
	[ "$(jq_ '.host.iommu_vendor')" = intel ]
	[ "$(jq_ '.host.iommu_units')" = 1 ]
	[ "$(jq_ '.host.interrupt_remapping')" = on ]
	[ "$(jq_ '.host.iommu_passthrough')" = true ]
	[ "$(jq_ '.host.vfio_modules | [.vfio_pci, .vfio, .vfio_iommu_type1] | join(",")')" = module,module,module ]
	[ "$(jq_ '.host.initramfs | [.path, .state, .compression, .vfio_early, .boot_script, .vfio_pci, .config] | join(",")')" = \
		"boot/initrd.img-$KV,read,zstd,true,true,true,match" ]
	[ "$(jq_ '[.groups[0].devices[] | .reset_method + "/" + (.driver_builtin | tostring)] | join(",")')" = "bus/false,bus/false" ]
	# the framebuffer is on the iGPU, which is not a target
	[ "$(jq_ '.host.framebuffers | length')" = 1 ]
	run ve check
	[ "$status" -eq 0 ]
	[[ "$output" == *"IOMMU units: 1 (Intel VT-d (DMAR)); interrupt remapping: on; iommu=pt: yes"* ]]
	[[ "$output" == *"initramfs: /boot/initrd.img-$KV (zstd, "*" entries): vfio-early yes, vfio-pci yes, config match"* ]]
}

@test "doctor: a host with every problem sysfs can show reports each, with a remedy" {
	tree doctor-problems
	conf "bind 01:00.0 allow-boot-vga" "bind 01:01.0" "bind 03:00.0"
	jcheck
	[ "$status" -eq 1 ] # vfio-modules-missing and driver-builtin are errors: boot would not bind
	for c in iommu-cmdline-implicit interrupt-remapping-off vfio-modules-missing driver-builtin \
		framebuffer-overlap no-reset-method group-large; do
		has "$c" || { echo "missing $c in: $(codes)"; false; }
	done
	for c in iommu-passthrough iommu-cmdline-missing modules-missing modules-dep-missing initramfs-missing; do
		! has "$c" || { echo "unexpected $c"; false; }
	done
	[ "$(jq_ '[.host.findings[] | select((.remedy // "") == "")] | length')" = 0 ]
	[ "$(subjects driver-builtin)" = 0000:01:00.0 ]
	[[ "$(finding driver-builtin message)" == *"held by nouveau, built into the kernel"* ]]
	[ "$(subjects framebuffer-overlap)" = 0000:01:00.0 ]
	[[ "$(finding framebuffer-overlap message)" == *"BOOTFB (e0000000-e07e8fff) sits in BAR 1"* ]]
	[[ "$(finding framebuffer-overlap remedy)" == *"initcall_blacklist=sysfb_init"*"video=efifb:off"* ]]
	[ "$(subjects no-reset-method)" = 0000:01:00.1 ]
	[ "$(subjects group-large)" = "group 20" ]
	[[ "$(finding group-large remedy)" == *"pcie_acs_override"*"never a fix"* ]]
	[[ "$(finding interrupt-remapping-off remedy)" == *"allow_unsafe_interrupts=1"*"never makes for you"* ]]
	[ "$(jq_ '.host.interrupt_remapping')" = off ]
	[ "$(jq_ '.host.vfio_modules | [.vfio_pci, .vfio, .vfio_iommu_type1] | join(",")')" = missing,module,missing ]
	[ "$(jq_ '.groups[] | select(.iommu_group == 12) | .devices[0].driver_builtin')" = true ]
	[ "$(jq_ '.groups[] | select(.iommu_group == 12) | .devices[1].reset_method')" = null ]
	run ve check
	[[ "$output" == *"error: 0000:01:00.0 is held by nouveau, built into the kernel"* ]]
	[[ "$output" == *"  fix: add initcall_blacklist=sysfb_init"* ]]
}

@test "doctor: recorded tree of this machine: no IOMMU, says so, gives the remedy" {
	tree this-host
	conf "bind 01:00.0"
	jcheck
	[ "$status" -eq 1 ]
	has no-iommu
	has iommu-cmdline-missing
	[[ "$(finding iommu-cmdline-missing remedy)" == *"intel_iommu=on"*"update-grub"*"VT-d"* ]]
	[ "$(jq_ '.host.iommu_vendor')" = null ]
	[ "$(jq_ '.host.iommu_units')" = 0 ]
	[ "$(jq_ '.host.interrupt_remapping')" = off ]
	[ "$(jq_ '.host.kernel_cmdline')" = "$(cat "$ROOT/proc/cmdline")" ]
	hasnt interrupt-remapping-off # no IOMMU: said once, as no-iommu
	run ve check
	[[ "$output" == *"IOMMU: OFF"* ]]
	[[ "$output" == *"IOMMU units: 0 (none)"* ]]
	[[ "$output" == *"fix: add intel_iommu=on"* ]]
}

@test "doctor: no IOMMU: the cause is told apart (flag missing, flag off, firmware)" {
	tree no-iommu
	conf "bind 01:00.0"
	jcheck
	has iommu-cmdline-missing
	hasnt iommu-cmdline-off
	hasnt iommu-firmware-off
	vtree no-iommu 's/^cmdline .*/& intel_iommu=off/'
	jcheck
	has iommu-cmdline-off
	hasnt iommu-cmdline-missing
	hasnt iommu-firmware-off
	vtree no-iommu 's/^cmdline .*/& intel_iommu=on,sm_on/'
	jcheck
	has iommu-firmware-off
	hasnt iommu-cmdline-missing
	hasnt iommu-cmdline-off
	[[ "$(finding iommu-firmware-off remedy)" == *"firmware setup"*"-device intel-iommu"* ]]
	# AMD needs no flag: a missing flag is not the cause there
	vtree no-iommu 's/^iommu off/&\ncpu AuthenticAMD/'
	jcheck
	has iommu-firmware-off
	hasnt iommu-cmdline-missing
	[[ "$(finding iommu-firmware-off message)" == *"on by default (AMD)"* ]]
}

@test "doctor: IOMMU on: intel_iommu=on, iommu=pt and AMD's flagless default" {
	tree gpu-hda # intel_iommu=on, no iommu=pt
	conf "bind 01:00.0"
	jcheck
	hasnt iommu-cmdline-implicit
	hasnt iommu-passthrough
	[ "$(jq_ '.host.iommu_passthrough')" = false ]
	vtree gpu-hda 's/ intel_iommu=on$//'
	jcheck
	has iommu-cmdline-implicit
	[ "$(finding iommu-cmdline-implicit severity)" = info ]
	tree doctor-amd
	jcheck
	[ "$status" -eq 0 ]
	[ "$(jq_ '.host.iommu_vendor')" = amd ]
	hasnt iommu-cmdline-implicit
	hasnt iommu-cmdline-missing
}

@test "doctor: interrupt remapping: IR- chips, VT-d ECAP bit 3, intremap=off, AMD without evidence" {
	conf "bind 01:00.0"
	tree doctor-amd # IR- chips only
	jcheck
	[ "$(jq_ '.host.interrupt_remapping')" = on ]
	hasnt interrupt-remapping-off
	hasnt interrupt-remapping-unknown
	vtree doctor-amd '/^interrupts/d'
	jcheck
	[ "$(jq_ '.host.interrupt_remapping')" = unknown ]
	has interrupt-remapping-unknown
	hasnt interrupt-remapping-off
	vtree doctor-amd 's/ IR-/ /'
	jcheck
	[ "$(jq_ '.host.interrupt_remapping')" = off ]
	has interrupt-remapping-off
	[[ "$(finding interrupt-remapping-off message)" == *"no IR- chips in /proc/interrupts"* ]]
	tree gpu-hda # ECAP bit 3 set, no /proc/interrupts
	jcheck
	[ "$(jq_ '.host.interrupt_remapping')" = supported ]
	hasnt interrupt-remapping-off
	hasnt interrupt-remapping-unknown
	vtree gpu-hda 's/^iommu intel/& ir=0/'
	jcheck
	has interrupt-remapping-off
	[[ "$(finding interrupt-remapping-off message)" == *"ECAP bit 3 clear"* ]]
	vtree gpu-hda 's/^cmdline .*/& intremap=off/'
	jcheck
	has interrupt-remapping-off
	[[ "$(finding interrupt-remapping-off remedy)" == "remove intremap=off"* ]]
	[ "$status" -eq 0 ] # a warning: binding at boot still works
}

@test "doctor: vfio modules: installed, built in, missing, no modules.dep, no module dir" {
	conf "bind 01:00.0"
	tree doctor-ready
	jcheck
	hasnt vfio-modules-missing
	hasnt modules-dep-missing
	hasnt modules-missing
	tree doctor-amd
	jcheck
	[ "$(jq_ '.host.vfio_modules.vfio_pci')" = builtin ]
	hasnt vfio-modules-missing
	tree doctor-problems
	jcheck
	has vfio-modules-missing
	[ "$(finding vfio-modules-missing severity)" = error ]
	tree gpu-hda # lib/modules/KVER without modules.dep
	jcheck
	has modules-dep-missing
	hasnt vfio-modules-missing
	[ "$(jq_ '.host.vfio_modules.vfio_pci')" = unknown ]
	[ "$status" -eq 0 ]
	# the module listed in modules.dep but its file gone
	tree doctor-ready
	rm "$ROOT/lib/modules/$KV/kernel/drivers/vfio/pci/vfio-pci.ko"
	jcheck
	has vfio-modules-missing
}

@test "doctor: built-in driver on a target is an error, a modular one is not" {
	conf "bind 01:00.0"
	tree doctor-ready
	jcheck
	hasnt driver-builtin
	vtree doctor-ready 's,^module kernel/drivers/gpu/drm/nouveau/nouveau.ko,builtin kernel/drivers/gpu/drm/nouveau/nouveau.ko,'
	jcheck
	[ "$status" -eq 1 ]
	[ "$(subjects driver-builtin)" = 0000:01:00.0 ]
	# snd_hda_intel (driver name) matches snd-hda-intel.ko (file name)
	# shellcheck disable=SC2016 # a sed script: $ is its last line
	vtree doctor-ready '$a builtin kernel/sound/pci/hda/snd-hda-intel.ko'
	jcheck
	[ "$(subjects driver-builtin)" = 0000:01:00.1 ]
}

@test "doctor: initramfs images: every compression, early microcode, the contents judged" {
	tree doctor-ready
	conf "bind 01:00.0"
	for comp in none gzip zstd xz; do
		mkimg compress=$comp
		jcheck
		[ "$(jq_ '.host.initramfs | [.state, .compression, .vfio_early, .vfio_pci, .config] | join(",")')" = "read,$comp,true,true,match" ]
		mkimg early compress=$comp
		jcheck
		[ "$(jq_ '.host.initramfs | [.state, .compression, .vfio_early, .vfio_pci, .config] | join(",")')" = "read,$comp,true,true,match" ]
		[ "$status" -eq 0 ]
	done
	mkimg early no-binary
	jcheck
	[ "$status" -eq 1 ]
	has initramfs-no-vfio-early
	[[ "$(finding initramfs-no-vfio-early remedy)" == *"update-initramfs -u -k $KV"*"dracut -f --kver $KV"* ]]
	mkimg no-script
	jcheck
	has initramfs-no-boot-script
	hasnt initramfs-no-vfio-early
	mkimg no-modules
	jcheck
	has initramfs-no-vfio-modules
	hasnt initramfs-no-boot-script
	[ "$(jq_ '.host.initramfs.vfio_pci')" = false ]
	mkimg noconf
	jcheck
	has initramfs-config-stale
	[ "$(jq_ '.host.initramfs.config')" = absent ]
	mkimg
	conf "bind 01:00.0" "# edited after the image was built"
	jcheck
	[ "$status" -eq 1 ]
	has initramfs-config-stale
	[ "$(jq_ '.host.initramfs.config')" = stale ]
	[[ "$(finding initramfs-config-stale message)" == *"holds an older /etc/vfio-early.conf"* ]]
	# vfio-pci built into the kernel: the image needs no module
	tree doctor-amd
	conf "bind 01:00.0"
	mkimg no-modules
	jcheck
	hasnt initramfs-no-vfio-modules
	[ "$status" -eq 0 ]
}

@test "doctor: initramfs absent, not judged, or unreadable (no decompressor, unknown data, damage)" {
	conf "bind 01:00.0"
	tree doctor-ready # no boot/ at all: a fake tree, nothing to judge
	jcheck
	[ "$(jq_ '.host.initramfs.state')" = not_checked ]
	hasnt initramfs-missing
	mkdir "$ROOT/boot"
	jcheck
	has initramfs-missing
	[ "$(jq_ '.host.initramfs.state')" = missing ]
	mkimg early compress=zstd
	run env PATH=/nonexistent "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" check --json
	JSON=$output
	has initramfs-unreadable
	[ "$(jq_ '.host.initramfs.state')" = unreadable ]
	[[ "$(jq_ '.host.initramfs.why')" == *"compressed with zstd; 'zstd' is not installed"* ]]
	[[ "$(finding initramfs-unreadable remedy)" == "lsinitramfs /boot/initrd.img-$KV | grep vfio"* ]]
	hasnt initramfs-no-vfio-early # unknown is not "missing"
	printf 'this is not an initramfs' >"$ROOT/boot/initrd.img-$KV"
	jcheck
	[[ "$(jq_ '.host.initramfs.why')" == "unknown data at byte 0"* ]]
	mkimg compress=none
	truncate -s 300 "$ROOT/boot/initrd.img-$KV"
	jcheck
	[[ "$(jq_ '.host.initramfs.why')" == "damaged cpio archive"* ]]
	mkimg compress=gzip
	truncate -s 100 "$ROOT/boot/initrd.img-$KV"
	jcheck
	[ "$(jq_ '.host.initramfs.state')" = unreadable ]
	[[ "$(jq_ '.host.initramfs.why')" == "gzip could not unpack it"* ]]
}

@test "doctor: a real Debian initramfs from this machine's /boot reads like lsinitramfs says" {
	img=
	for f in /boot/initrd.img-*; do [ -e "$f" ] && img=$f && break; done
	[ -n "$img" ] || skip "no /boot/initrd.img-* here"
	kv=${img#/boot/initrd.img-}
	vtree doctor-ready "s/^kernel .*/kernel $kv/"
	conf "bind 01:00.0"
	mkdir "$ROOT/boot"
	cp "$img" "$ROOT/boot/"
	jcheck
	[ "$(jq_ '.host.initramfs.state')" = read ]
	if command -v lsinitramfs >/dev/null; then
		want=$(lsinitramfs "$img" | grep -c '/vfio-pci\.ko' || true)
		[ "$(jq_ '.host.initramfs.vfio_pci')" = "$([ "$want" -gt 0 ] && echo true || echo false)" ]
		[ "$(jq_ '.host.initramfs.entries')" -ge "$(($(lsinitramfs "$img" | wc -l) - 2))" ]
	fi
}

@test "doctor: apply never runs a decompressor (only check reads the image)" {
	tree doctor-ready
	conf "bind 01:00.0"
	mkimg early compress=zstd
	strace -f -qq -e trace=execve,fork,vfork,clone,clone3 -o "$BATS_TEST_TMPDIR/st" "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" apply
	[ "$(grep -c execve "$BATS_TEST_TMPDIR/st")" = 1 ]
	run ! grep -qE '(^|[[:space:]])(v?fork|clone3?)\(' "$BATS_TEST_TMPDIR/st"
	strace -f -qq -e trace=execve -o "$BATS_TEST_TMPDIR/st" "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" check
	grep -q 'execve("[^"]*zstd"' "$BATS_TEST_TMPDIR/st"
}

@test "doctor: firmware framebuffer inside a target's BAR, and not" {
	tree boot-vga # BOOTFB inside 01:00.0's BAR1
	conf "bind 01:00.0 allow-boot-vga"
	jcheck
	[ "$status" -eq 0 ] # a warning: the bind works, the VM would not
	[ "$(subjects framebuffer-overlap)" = 0000:01:00.0 ]
	[ "$(jq_ '.host.framebuffers[0] | [.name, .start, .end] | join(",")')" = BOOTFB,e0000000,e07e8fff ]
	tree gpu-hda # BOOTFB on the iGPU, the target is the other GPU
	conf "bind 01:00.0"
	jcheck
	hasnt framebuffer-overlap
	conf "bind 00:02.0 allow-boot-vga"
	jcheck
	[ "$(subjects framebuffer-overlap)" = 0000:00:02.0 ]
	[[ "$(finding framebuffer-overlap message)" == *"sits in BAR 2 of 0000:00:02.0"* ]]
	# efifb claims a range under its own name too
	vtree gpu-hda 's/: BOOTFB"/: efifb"/'
	jcheck
	[[ "$(finding framebuffer-overlap message)" == "framebuffer efifb "* ]]
}

@test "doctor: reset method absent is a warning per device; present is quiet" {
	tree gpu-hda # 01:00.0 reset=bus, 01:00.1 none
	conf "bind 01:00.0"
	jcheck
	[ "$status" -eq 0 ]
	[ "$(subjects no-reset-method)" = 0000:01:00.1 ]
	[ "$(finding no-reset-method severity)" = warning ]
	[ "$(jq_ '.groups[0].devices[0].reset_method')" = bus ]
	tree doctor-ready
	jcheck
	hasnt no-reset-method
}

@test "doctor: group sanity: unnamed members refuse the group, large groups warn, pcie_acs_override never advised" {
	tree doctor-ready
	conf "bind 01:00.0"
	jcheck
	hasnt group-large
	[ "$(jq_ '.summary.groups_refused')" = 0 ]
	tree doctor-problems
	conf "bind 01:00.0 allow-boot-vga"
	jcheck
	hasnt group-large
	[ "$(jq_ '.groups[] | select(.iommu_group == 12) | [.action, (.reasons[] | .code + " " + .device)] | join(",")')" = "refuse,unnamed 0000:01:01.0" ]
	[[ "$(jq_ '.groups[] | select(.iommu_group == 12) | .reason')" == *"pcie_acs_override only hides the sharing: a security trade-off, never a fix"* ]]
	conf "bind 03:00.0"
	jcheck
	has group-large
	[[ "$(finding group-large message)" == "IOMMU group 20 holds 7 endpoints"* ]]
	[ "$(jq -r '.host.findings[].remedy' <<<"$JSON" | grep -ci 'add pcie_acs_override')" = 0 ]
}

@test "snippets: GPU + HDA: one multifunction slot, x-vga on the VGA function" {
	tree gpu-hda
	conf "bind 01:00.0"
	jcheck
	[ "$(jq_ '.snippets.qemu | length')" = 1 ]
	[ "$(jq_ '.snippets.qemu[0]')" = "-device pcie-root-port,id=vfio0,chassis=100,slot=0 -device vfio-pci,host=0000:01:00.0,bus=vfio0,addr=00.0,multifunction=on,x-vga=on -device vfio-pci,host=0000:01:00.1,bus=vfio0,addr=00.1 -vga none" ]
	[ "$(jq_ '.snippets.proxmox')" = "qm set VMID -hostpci0 0000:01:00,pcie=1,x-vga=1" ]
	[ "$(jq_ '.snippets.libvirt | length')" = 2 ]
	[[ "$(jq_ '.snippets.libvirt[1]')" == *"<address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>"* ]]
	# the XML is well formed
	jq_ '"<devices>" + (.snippets.libvirt | join("")) + "</devices>"' | python3 -c 'import sys, xml.dom.minidom as m; m.parseString(sys.stdin.read())'
	run ve check
	[[ "$output" == *"VM snippets for what would be on vfio-pci:"* ]]
	[[ "$output" == *"    qm set VMID -hostpci0 0000:01:00,pcie=1,x-vga=1"* ]]
	[[ "$output" == *"      <source>"* ]]
}

@test "snippets: a lone NVMe, two slots, nothing to bind" {
	tree doctor-amd
	conf "bind 01:00.0"
	jcheck
	[ "$(jq_ '.snippets.qemu[0]')" = "-device pcie-root-port,id=vfio0,chassis=100,slot=0 -device vfio-pci,host=0000:01:00.0,bus=vfio0,addr=00.0" ]
	[ "$(jq_ '.snippets.proxmox')" = "qm set VMID -hostpci0 0000:01:00.0,pcie=1" ]
	tree twins # two identical GPUs: x-vga only on the first
	conf "bind 01:00.0" "bind 02:00.0"
	jcheck
	[ "$(jq_ '.snippets.qemu | length')" = 2 ]
	[[ "$(jq_ '.snippets.qemu[0]')" == *"x-vga=on"* ]]
	[[ "$(jq_ '.snippets.qemu[1]')" != *"x-vga"* ]]
	[[ "$(jq_ '.snippets.proxmox')" == "qm set VMID -hostpci0 0000:01:00"*",x-vga=1 -hostpci1 0000:02:00"* ]]
	conf "# nothing"
	jcheck
	[ "$(jq_ '.snippets | [(.qemu | length), .proxmox, (.libvirt | length)] | map(tostring) | join(",")')" = "0,null,0" ]
	run ve check
	[[ "$output" != *"VM snippets"* ]]
}

@test "check JSON: every doctor field has its documented type; every code is documented" {
	doc=$TESTS_DIR/../conf/check-json.md
	tree doctor-ready
	conf "bind 01:00.0"
	mkimg early
	jcheck
	jq -e '.schema == "vfio-early/1"
		and (.host.iommu_vendor | type) == "string"
		and (.host.iommu_units | type) == "number"
		and (.host.interrupt_remapping | IN("on", "off", "supported", "unknown"))
		and (.host.iommu_passthrough | type) == "boolean"
		and (.host.kernel_cmdline | type) == "string"
		and (.host.vfio_modules | [.[]] | all(IN("builtin", "module", "missing", "unknown")))
		and (.host.initramfs.state | IN("read", "missing", "unreadable", "not_checked"))
		and (.host.initramfs.config | IN("match", "stale", "absent", "unknown"))
		and (.host.initramfs.entries | type) == "number"
		and (.host.framebuffers | type) == "array"
		and (.groups[0].devices[0] | has("reset_method") and has("driver_builtin"))
		and (.snippets.qemu | type) == "array"
		and (.snippets.proxmox | type) == "string"
		and (.snippets.libvirt | type) == "array"
		and ([.host.findings[] | has("severity", "code", "subject", "message", "remedy")] | all)' <<<"$JSON"
	for c in $DOCTOR_CODES; do
		grep -q "| \`$c\` |" "$doc" || { echo "code $c not in $doc"; false; }
	done
	# and the list above is the binary's list: no code unaccounted for
	# (calls wrap across lines: read the file as one line)
	src=$(tr -s '\n\t' '  ' <"$TESTS_DIR"/../binder/doctor.c | grep -o 'findings_add( *out, *SEV_[A-Z]*, *"[a-z-]*"' | sed 's/.*"\(.*\)"/\1/' | sort -u)
	[ "$src" = "$(tr ' ' '\n' <<<"$DOCTOR_CODES" | tr -s '\n' | sort -u)" ]
	for f in iommu_vendor iommu_units interrupt_remapping iommu_passthrough kernel_cmdline vfio_modules initramfs framebuffers reset_method driver_builtin snippets; do
		grep -q "\`$f\`" "$doc" || { echo "field $f not in $doc"; false; }
	done
}

@test "doctor: a FIFO as the config does not hang check (the doctor reads regular files only)" {
	tree gpu-hda
	CONF=$BATS_TEST_TMPDIR/fifo.conf
	mkfifo "$CONF"
	chmod 0644 "$CONF"
	run timeout 10 "$VFIO_EARLY" --sysroot "$ROOT" --config "$CONF" check
	[ "$status" -eq 2 ]
}

# Compressed vfio modules (issue 10): the binder's libkmod has no decompressor,
# so a module loads only plain or in the one format the kernel decompresses.
# modfmt FILE FORMAT: the first bytes of a module file in that format.
modfmt() {
	case $2 in
	elf) printf '\177ELF\002\001\001' ;;
	xz) printf '\3757zXZ\000\000' ;;
	zstd) printf '\050\265\057\375\000\000' ;;
	esac >"$1"
}

@test "doctor: compressed vfio modules: loadable in-kernel, unpacked by the hook, or an error" {
	local m=$BATS_TEST_TMPDIR/root/lib/modules/$KV
	conf "bind 01:00.0"
	# inside an initramfs (no /boot): the file in lib/modules is what loads
	tree doctor-ready
	rm -rf "${ROOT:?}/boot"
	sed -i 's/vfio-pci\.ko/vfio-pci.ko.zst/g' "$m/modules.dep"
	mv "$m/kernel/drivers/vfio/pci/vfio-pci.ko" "$m/kernel/drivers/vfio/pci/vfio-pci.ko.zst"
	modfmt "$m/kernel/drivers/vfio/pci/vfio-pci.ko.zst" zstd
	mkdir -p "$ROOT/sys/module"
	jcheck
	[ "$status" -eq 1 ]
	has vfio-modules-unloadable
	[[ "$(finding vfio-modules-unloadable message)" == *"vfio-pci is zstd-compressed and kernel $KV decompresses no modules"* ]]
	[ "$(jq_ '.host.kernels[0] | [.kernel, .running, .module_compression, .kernel_decompresses, .vfio_modules_load] | join(",")')" = \
		"$KV,true,zstd,none,hook-unpacks" ]
	# the same kernel decompressing zstd itself: loads as it is
	echo zstd >"$ROOT/sys/module/compression"
	jcheck
	[ "$status" -eq 0 ]
	hasnt vfio-modules-unloadable
	[ "$(jq_ '.host.kernels[0].vfio_modules_load')" = kernel-decompresses ]
	# decompresses xz only, but the file was stored decompressed: loads
	echo xz >"$ROOT/sys/module/compression"
	modfmt "$m/kernel/drivers/vfio/pci/vfio-pci.ko.zst" elf
	jcheck
	hasnt vfio-modules-unloadable
	modfmt "$m/kernel/drivers/vfio/pci/vfio-pci.ko.zst" zstd
	jcheck
	has vfio-modules-unloadable
}

@test "doctor: compressed vfio modules in an image, and other kernels judged by their config" {
	local m=$BATS_TEST_TMPDIR/root/lib/modules/$KV st
	conf "bind 01:00.0"
	tree doctor-ready
	mkimg
	# the image's vfio-pci is xz, the running kernel decompresses none
	st=$BATS_TEST_TMPDIR/img2
	rm -rf "$st"
	mkdir -p "$st/usr/sbin" "$st/etc" "$st/scripts/init-top" "$st/usr/lib/modules/$KV/kernel/drivers/vfio/pci"
	printf '\177ELF' >"$st/usr/sbin/vfio-early"
	printf '#!/bin/sh\n' >"$st/scripts/init-top/00-vfio-early"
	cp "$CONF" "$st/etc/vfio-early.conf"
	modfmt "$st/usr/lib/modules/$KV/kernel/drivers/vfio/pci/vfio-pci.ko.xz" xz
	(cd "$st" && find . -mindepth 1 | sed 's,^\./,,' | LC_ALL=C sort | cpio -o -H newc --quiet) | zstd -q -c >"$ROOT/boot/initrd.img-$KV"
	mkdir -p "$ROOT/sys/module"
	jcheck
	[ "$status" -eq 1 ]
	[ "$(jq_ '.host.initramfs.vfio_pci_format')" = xz ]
	[[ "$(finding vfio-modules-unloadable message)" == "/boot/initrd.img-$KV: vfio-pci is xz-compressed"* ]]
	[[ "$(finding vfio-modules-unloadable remedy)" == "update-initramfs -u -k $KV"* ]]
	echo xz >"$ROOT/sys/module/compression"
	jcheck
	hasnt vfio-modules-unloadable
	# a second kernel with an image: xz modules; its config says whether it
	# decompresses them. Which one runs: the tree's osrelease says.
	local k2=6.12.0-test
	mkdir -p "$ROOT/proc/sys/kernel"
	echo "$KV" >"$ROOT/proc/sys/kernel/osrelease"
	mkdir -p "$ROOT/lib/modules/$k2"
	printf 'kernel/drivers/vfio/pci/vfio-pci.ko.xz: kernel/drivers/vfio/vfio.ko.xz\n' >"$ROOT/lib/modules/$k2/modules.dep"
	: >"$ROOT/boot/initrd.img-$k2"
	printf 'CONFIG_MODULE_COMPRESS_XZ=y\nCONFIG_MODULE_DECOMPRESS=y\n' >"$ROOT/boot/config-$k2"
	jcheck
	# shellcheck disable=SC2016 # jq's own variable
	[ "$(jq_ --arg k "$k2" '.host.kernels[] | select(.kernel == $k) | [.running, .module_compression, .kernel_decompresses, .vfio_modules_load] | join(",")')" = \
		"false,xz,xz,kernel-decompresses" ]
	hasnt vfio-modules-unpacked
	printf 'CONFIG_MODULE_COMPRESS_XZ=y\n' >"$ROOT/boot/config-$k2"
	jcheck
	# shellcheck disable=SC2016 # jq's own variable
	[ "$(jq_ --arg k "$k2" '.host.kernels[] | select(.kernel == $k) | .vfio_modules_load')" = hook-unpacks ]
	has vfio-modules-unpacked
	[[ "$(finding vfio-modules-unpacked message)" == "kernel $k2: vfio modules are xz-compressed and the kernel decompresses none"* ]]
	run ve check
	[[ "$output" == *"kernel $k2: modules xz, kernel decompresses none, image yes: vfio modules load hook-unpacks"* ]]
}
