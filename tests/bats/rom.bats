#!/usr/bin/env bats
# vfio-early rom against fake trees whose device `rom` file holds crafted
# bytes (tests/sysfs/mkrom builds them, mktree rom=FILE puts them there):
# every way a ROM is refused, the valid ones, the shadow copy, the sysfs
# writes and their order, root.
#
# The kernel's rom attribute takes "1" and "0\n" without storing them; a
# regular file would keep them over the ROM's first two bytes. So the
# binary runs under strace, which answers the writes to that one file
# without doing them (inject=write:retval=2) and records them.

load helpers
bats_require_minimum_version 1.5.0

MKROM=$TESTS_DIR/sysfs/mkrom
GPU=0000:01:00.0

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# romfile NAME IMAGE... [--cut=N] [--pad=N] : $BATS_TEST_TMPDIR/NAME (mkrom)
romfile() {
	local name=$1
	shift
	"$MKROM" "$BATS_TEST_TMPDIR/$name" "$@"
}

# rom_tree ROMFILE [DEV-OPTION...] : $ROOT with the GPU 10de:2204 at 01:00.0
# (nouveau unless the options say otherwise) whose rom holds ROMFILE.
rom_tree() {
	local rom=$1 opts="driver=nouveau"
	shift
	[[ $# -gt 0 ]] && opts="$*"
	tree "dev 00:00.0 8086:3e30 class=060000 group=0
dev 01:00.0 10de:2204 class=030000 group=1 rom=$BATS_TEST_TMPDIR/$rom $opts"
}

rom_path() { # ADDR: the device's rom file, links resolved (as strace names it)
	printf '%s/rom\n' "$(readlink -f "$ROOT/sys/bus/pci/devices/$1")"
}

# vrom ARGS... : `vfio-early --sysroot $ROOT rom ARGS`, the GPU's rom writes
# answered by strace; rom_writes then prints them, one value a line.
vrom() {
	strace -qq -P "$(rom_path $GPU)" -e trace=write -e signal=none -e inject=write:retval=2 \
		-o "$BATS_TEST_TMPDIR/rom.strace" "$VFIO_EARLY" --sysroot "$ROOT" rom "$@"
}
rom_writes() {
	sed -n 's/^write([0-9]*, "\(.*\)", [0-9]*) *= 2 (INJECTED)$/\1/p' "$BATS_TEST_TMPDIR/rom.strace"
}

# expect_invalid WHY : exit 1, the reason, nothing written, the rom turned
# off again
expect_invalid() {
	[ "$status" -eq 1 ]
	[[ $output == *"problem: $1"* ]]
	[[ $output == *"invalid: not written: out.rom"* ]]
	[[ ! -e $BATS_TEST_TMPDIR/out.rom ]]
	[ "$(rom_writes | tr '\n' ' ')" = '1\n 0\n ' ]
}

# rom_refused WHY MKROM-SPEC... : a ROM made by mkrom from the specs, on the
# GPU, is refused for WHY (expect_invalid)
rom_refused() {
	local why=$1
	shift
	romfile refused.rom "$@"
	rom_tree refused.rom
	run vrom $GPU -o out.rom
	expect_invalid "$why"
}

@test "rom: x86 + EFI, two images: valid, written byte for byte, the VM lines; rom turned on then off" {
	romfile two.rom x86,blocks=2 efi,blocks=3
	rom_tree two.rom
	run vrom $GPU -o out.rom
	[ "$status" -eq 0 ]
	[[ $output == *"0000:01:00.0 10de:2204 (VGA, driver nouveau): 2560 bytes read from its ROM BAR"* ]]
	[[ $output == *"  image 1 at 0x0: x86, 1024 bytes"$'\n'"      PCIR at +0x40, revision 0: 10de:2204 (the card), class 030000, checksum ok"* ]]
	[[ $output == *"  image 2 at 0x400: EFI x64 (boot service driver), 1536 bytes, last image"* ]]
	[[ $output == *"valid: x86 + EFI (x64), 2560 bytes"* ]]
	[[ $output == *"wrote $BATS_TEST_TMPDIR/out.rom"* ]]
	[[ $output == *"  QEMU:    -device vfio-pci,host=0000:01:00.0,romfile=$BATS_TEST_TMPDIR/out.rom"* ]]
	[[ $output == *"  Proxmox: cp $BATS_TEST_TMPDIR/out.rom /usr/share/kvm/10de-2204.rom"* ]]
	[[ $output == *"           hostpci0: 0000:01:00.0,romfile=10de-2204.rom "* ]]
	[[ $output == *"  libvirt: <rom file='$BATS_TEST_TMPDIR/out.rom'/>"* ]]
	cmp two.rom out.rom
	[ "$(stat -c %a out.rom)" = 644 ]
	[ "$(rom_writes | tr '\n' ' ')" = '1\n 0\n ' ]
	# the fake rom attribute itself was left as it was
	cmp two.rom "$(rom_path $GPU)"
	[[ ! -e out.rom.vfio-early-tmp ]]
}

@test "rom: --json (vfio-early-rom/1) for the two-image ROM" {
	romfile two.rom x86 efi,machine=aa64
	rom_tree two.rom
	run vrom $GPU -o out.rom --json
	[ "$status" -eq 0 ]
	j() { jq -c "$1" <<<"$output"; }
	[ "$(j .schema)" = '"vfio-early-rom/1"' ]
	[ "$(j '[.address, .vendor, .device, .class, .driver, .boot_vga, .enabled_for_read]')" = '["0000:01:00.0","10de","2204","030000","nouveau",false,false]' ]
	[ "$(j '[.source, .shadow_why, .error, .valid, .kind, .bytes_read, .rom_size]')" = '["rom-bar",null,null,true,"x86 + EFI (AArch64)",1536,1536]' ]
	[ "$(j '[.images[] | [.offset, .length, .type, .code_type, .last, .checksum_ok, .efi_machine, .efi_machine_type, .id_match]]')" = \
		'[[0,512,"x86",0,false,true,null,null,true],[512,1024,"efi",3,true,null,"AArch64","aa64",true]]' ]
	[ "$(j '[.problems, .warnings]')" = '[[],[]]' ]
	[ "$(j .file)" = "\"$BATS_TEST_TMPDIR/out.rom\"" ]
	[ "$(j .use.qemu)" = "\"-device vfio-pci,host=0000:01:00.0,romfile=$BATS_TEST_TMPDIR/out.rom\"" ]
	[ "$(j '.use.proxmox | length')" = 2 ]
	[ "$(j .use.libvirt)" = "\"<rom file='$BATS_TEST_TMPDIR/out.rom'/>\"" ]
}

@test "rom: --json of a refused ROM: valid false, the problem, no file, no use" {
	romfile bad.rom x86,badsum
	rom_tree bad.rom
	run vrom $GPU --json
	[ "$status" -eq 1 ]
	[ "$(jq -c '[.valid, .kind, .file, .use, .rom_size, (.problems | length)]' <<<"$output")" = '[false,null,null,null,0,1]' ]
	[[ $(jq -r '.problems[0]' <<<"$output") == *"bad checksum"* ]]
}

@test "rom: EFI-only image: valid, reported as EFI only (x64)" {
	romfile efi.rom efi
	rom_tree efi.rom
	run vrom $GPU -o out.rom
	[ "$status" -eq 0 ]
	[[ $output == *"  image 1 at 0x0: EFI x64 (boot service driver), 1024 bytes, last image"* ]]
	[[ $output == *"note: EFI only (x64): no legacy x86 image: a UEFI (OVMF) guest can use it, a SeaBIOS guest cannot"* ]]
	[[ $output == *"valid: EFI only (x64), 1024 bytes"* ]]
	cmp efi.rom out.rom
}

@test "rom: truncated: refused" {
	rom_refused "image 2 at 0x200: truncated: its PCIR says 1536 bytes (3 x 512), only 988 are there" x86 efi,blocks=3 --cut=1500
}

@test "rom: bad signature: refused" {
	rom_refused "no ROM signature: it starts aa 55, not 55 aa: not an option ROM" x86,sig=aa55
}

@test "rom: bad signature of a later image: refused" {
	rom_refused "image 2 at 0x200: no ROM signature (00 00, not 55 aa) where image 1 says another image follows" x86 efi,sig=0000
}

@test "rom: no PCIR structure: refused" {
	rom_refused "image 1 at 0x0: no PCIR signature at +0x40 (the pointer at +0x18): found 50 43 49 58" x86,pcirsig=PCIX
}

@test "rom: another vendor's ROM: refused" {
	rom_refused "image 1 at 0x0: its PCIR names 1002:67df, the card is 10de:2204: a ROM for another vendor's card" x86,ids=1002:67df
}

@test "rom: another device of the same vendor: refused, unless its device list names the card" {
	rom_refused "image 1 at 0x0: its PCIR names device 10de:1b80, the card is 10de:2204: a ROM for another card" x86,ids=10de:1b80
	romfile list.rom x86,ids=10de:1b80,devlist=1b81:2204
	rom_tree list.rom
	run vrom $GPU -o out.rom
	[ "$status" -eq 0 ]
	[[ $output == *"revision 3: 10de:1b80, class 030000, device list of 2 naming the card, checksum ok"* ]]
	[[ $output == *"note: image 1: its device list (2 ids) names the card's device 2204 (the PCIR's own device id is another)"* ]]
}

@test "rom: zero image length: refused" {
	rom_refused "image 1 at 0x0: zero length (PCIR +0x10 is 0): the chain ends in nothing" x86,blocks=0
}

@test "rom: bad x86 checksum: refused" {
	rom_refused "image 1 (x86) at 0x0: bad checksum: its 1024 bytes sum to 0x01, not 0: corrupt or edited" x86,blocks=2,badsum efi
}

@test "rom: last-image bit missing at the end: refused" {
	rom_refused "image 2 at 0x200 is not marked as the last (indicator bit 7 clear), and the data ends after it" x86 efi,last=0
}

@test "rom: an empty rom attribute: refused" {
	: >empty.rom
	rom_tree empty.rom
	run vrom $GPU -o out.rom
	expect_invalid "empty: no bytes were read"
}

@test "rom: bytes after the last image are left out of the file" {
	romfile pad.rom x86 --pad=100
	romfile plain.rom x86
	rom_tree pad.rom
	run vrom $GPU -o out.rom
	[ "$status" -eq 0 ]
	[[ $output == *"612 bytes read"* && $output == *"note: 100 bytes after the last image: not part of the ROM, left out of the file"* ]]
	cmp plain.rom out.rom
}

@test "rom: a refused ROM leaves an existing output file as it was" {
	romfile bad.rom x86,badsum
	rom_tree bad.rom
	echo keep >out.rom
	run vrom $GPU -o out.rom
	[ "$status" -eq 1 ]
	[ "$(cat out.rom)" = keep ]
}

@test "rom: without -o, nothing is written and it says how" {
	romfile ok.rom x86
	rom_tree ok.rom
	run vrom $GPU
	[ "$status" -eq 0 ]
	[[ $output == *"valid: x86 only, 512 bytes"$'\n'"(save it with: vfio-early rom 0000:01:00.0 -o FILE)"* ]]
	[[ $output != *"QEMU:"* ]]
}

@test "rom: a relative -o gives absolute paths in the VM lines" {
	romfile ok.rom x86
	rom_tree ok.rom
	mkdir sub
	run vrom 01:00.0 -o ./sub/gpu.rom
	[ "$status" -eq 0 ]
	[[ $output == *"romfile=$BATS_TEST_TMPDIR/sub/gpu.rom"* ]]
	cmp ok.rom sub/gpu.rom
}

@test "rom: a link left where the temporary file goes is replaced, never followed" {
	romfile ok.rom x86
	rom_tree ok.rom
	echo victim >victim
	ln -s victim out.rom.vfio-early-tmp
	run vrom $GPU -o out.rom
	[ "$status" -eq 0 ]
	[ "$(cat victim)" = victim ]
	cmp ok.rom out.rom
	[[ ! -e out.rom.vfio-early-tmp && ! -L out.rom.vfio-early-tmp ]]
}

@test "rom: an output file that cannot be written: exit 111, says why" {
	romfile ok.rom x86
	rom_tree ok.rom
	run vrom $GPU -o "$BATS_TEST_TMPDIR/no/such/dir/out.rom"
	[ "$status" -eq 111 ]
	[[ $output == *"vfio-early: rom: 0000:01:00.0: cannot write $BATS_TEST_TMPDIR/no/such/dir/out.rom: No such file or directory"* ]]
	[[ $output == *"valid: x86 only, 512 bytes"* && $output != *"save it with"* && $output != *"wrote"* ]]
}

# No strace here: the writes really land on the file (its first two bytes
# become "1\n"), so the ROM is refused, and the sequence must still end
# with the rom turned off and the device disabled again.
@test "rom: no driver, not enabled: enable 1, rom on, rom off, enable 0, in that order, also when the ROM is refused" {
	romfile ok.rom x86
	rom_tree ok.rom enable=0
	strace -qq -e trace=write -e signal=none -y -s 64 -o "$BATS_TEST_TMPDIR/all.strace" \
		"$VFIO_EARLY" --sysroot "$ROOT" rom $GPU -o out.rom >out.txt 2>&1 || :
	grep -q 'problem: no ROM signature: it starts 31 0a' out.txt
	run sed -n 's|^write([0-9]*<.*/0000:01:00.0/\([a-z]*\)>, "\(.*\)", [0-9]*) = .*|\1 \2|p' "$BATS_TEST_TMPDIR/all.strace"
	[ "$output" = 'enable 1
rom 1\n
rom 0\n
enable 0' ]
	grep -q 'device enabled for the read' out.txt
}

@test "rom: a device with a driver, or already enabled, is not enabled again" {
	romfile ok.rom x86
	for opts in driver=nouveau enable=1; do
		rom_tree ok.rom "$opts"
		strace -qq -e trace=write -e signal=none -y -o "$BATS_TEST_TMPDIR/all.strace" \
			"$VFIO_EARLY" --sysroot "$ROOT" rom $GPU >/dev/null 2>&1 || :
		run grep -c '/enable>' "$BATS_TEST_TMPDIR/all.strace"
		[ "$output" = 0 ]
		[ "$(grep -c '/rom>' "$BATS_TEST_TMPDIR/all.strace")" = 2 ]
	done
}

@test "rom: without root: the clear message, exit 111, nothing written" {
	romfile ok.rom x86
	rom_tree ok.rom
	[ "$(stat -c %a "$(rom_path $GPU)")" = 600 ]
	# uid 65534 must reach the tree: bats makes its run directory 0700
	chmod o+x "$BATS_RUN_TMPDIR"
	chmod 0777 "$BATS_TEST_TMPDIR"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$VFIO_EARLY" --sysroot "$ROOT" rom $GPU -o "$BATS_TEST_TMPDIR/out.rom"
	[ "$status" -eq 111 ]
	[[ $output == *"vfio-early: rom: 0000:01:00.0: reading an option ROM needs root (writing 1 to $ROOT/sys/bus/pci/devices/0000:01:00.0/rom: Permission denied); run it as root"* ]]
	[[ ! -e $BATS_TEST_TMPDIR/out.rom ]]
	cmp ok.rom "$(rom_path $GPU)"
}

@test "rom: without root, on a device it would enable: the same message" {
	romfile ok.rom x86
	rom_tree ok.rom enable=0
	chmod o+x "$BATS_RUN_TMPDIR"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$VFIO_EARLY" --sysroot "$ROOT" rom $GPU
	[ "$status" -eq 111 ]
	[[ $output == *"reading an option ROM needs root (writing 1 to $ROOT/sys/bus/pci/devices/0000:01:00.0/enable: Permission denied)"* ]]
	[ "$(cat "$ROOT/sys/bus/pci/devices/$GPU/enable")" = 0 ]
}

@test "rom: the boot VGA's shadow copy is said to be one (flagged resource, and old kernels' unset one)" {
	romfile ok.rom x86
	for bar in shadow none; do
		rom_tree ok.rom driver=nouveau boot_vga=1 rombar=$bar
		run vrom $GPU --json
		[ "$status" -eq 0 ]
		[ "$(jq -r '.source' <<<"$output")" = shadow ]
		run vrom $GPU
		[ "$status" -eq 0 ]
		[[ $output == *"512 bytes read from the legacy shadow at 0xC0000, not its ROM BAR"* ]]
		[[ $output == *"note: shadow copy, not the card's own ROM: "* ]]
	done
	[ "$(sed -n 7p "$ROOT/sys/bus/pci/devices/$GPU/resource")" = "0x0000000000000000 0x0000000000000000 0x0000000000000000" ]
	rom_tree ok.rom driver=nouveau boot_vga=1
	run vrom $GPU
	[[ $output == *"512 bytes read from its ROM BAR"* && $output != *shadow* ]]
}

@test "rom: a VGA that is not the boot VGA but reads the shadow: refused, it is the boot VGA's ROM" {
	romfile ok.rom x86
	rom_tree ok.rom driver=nouveau boot_vga=0 rombar=shadow
	run vrom $GPU -o out.rom
	expect_invalid "not this card's ROM: it is not the boot VGA, yet its ROM resource is the legacy shadow at 0xC0000"
	# an unset ROM resource on a VGA that is not the boot VGA is not the shadow
	rom_tree ok.rom driver=nouveau boot_vga=0 rombar=none
	run vrom $GPU
	[ "$status" -eq 0 ]
	[[ $output != *shadow* ]]
}

@test "rom: a device without a rom attribute: no option ROM, exit 1, nothing written" {
	tree "dev 01:00.0 10de:2204 class=030000 group=1 driver=nouveau"
	run "$VFIO_EARLY" --sysroot "$ROOT" rom $GPU -o out.rom
	[ "$status" -eq 1 ]
	[[ $output == *"vfio-early: rom: 0000:01:00.0: no option ROM: the kernel shows no rom attribute (the card has no ROM BAR)"* ]]
	[[ ! -e out.rom ]]
	[[ ! -e $ROOT/sys/bus/pci/devices/$GPU/rom ]]
}

@test "rom: no such device: exit 111; a bad address or missing one: usage, 100" {
	tree "dev 01:00.0 10de:2204 class=030000 group=1"
	run "$VFIO_EARLY" --sysroot "$ROOT" rom 0000:02:00.0
	[ "$status" -eq 111 ]
	[[ $output == *"vfio-early: rom: no PCI device 0000:02:00.0 (no $ROOT/sys/bus/pci/devices/0000:02:00.0/)"* ]]
	run "$VFIO_EARLY" --sysroot "$ROOT" rom 01:00
	[ "$status" -eq 100 ]
	[[ $output == *"'01:00' is not a PCI address"* ]]
	run "$VFIO_EARLY" --sysroot "$ROOT" rom
	[ "$status" -eq 100 ]
	[[ $output == *"rom takes one PCI address"* ]]
	run "$VFIO_EARLY" --sysroot "$ROOT" rom 01:00.0 02:00.0
	[ "$status" -eq 100 ]
	run "$VFIO_EARLY" --sysroot "$ROOT" check -o x.rom
	[ "$status" -eq 100 ]
	[[ $output == *"-o goes with rom"* ]]
}

# The fields in conf/check-json.md's vfio-early-rom/1 tables: top level
# (doc_fields top) or images[] (doc_fields images), sorted.
doc_fields() {
	awk -v want="$1" '
		/^# `vfio-early rom/ { on = 1; part = "top"; next }
		on && /^## `images\[\]`/ { part = "images"; next }
		on && part == want && /^\| `/ {
			split($0, col, "|")
			n = split(col[2], w, "`")
			for (i = 2; i <= n; i += 2) print w[i]
		}' "$TESTS_DIR/../conf/check-json.md" | sort
}

@test "rom: --json has every field conf/check-json.md lists, and no other (found, and no such device)" {
	romfile two.rom x86 efi
	rom_tree two.rom
	[ -n "$(doc_fields top)" ] && [ -n "$(doc_fields images)" ]
	run vrom $GPU -o out.rom --json
	[ "$status" -eq 0 ]
	diff <(jq -r 'keys[]' <<<"$output" | sort) <(doc_fields top)
	diff <(jq -r '.images[] | keys[]' <<<"$output" | sort -u) <(doc_fields images)
	[ "$(jq -r '.use | keys | join(" ")' <<<"$output")" = "libvirt proxmox qemu" ]
	run "$VFIO_EARLY" --sysroot "$ROOT" rom 0000:09:00.0 --json
	[ "$status" -eq 111 ]
	json=$(sed -n '/^{/,/^}/p' <<<"$output")
	diff <(jq -r 'keys[]' <<<"$json" | sort) <(doc_fields top)
	[ "$(jq -c '[.vendor, .valid, .source, .error]' <<<"$json")" = '[null,false,null,"no PCI device 0000:09:00.0 (no '"$ROOT"'/sys/bus/pci/devices/0000:09:00.0/)"]' ]
}
