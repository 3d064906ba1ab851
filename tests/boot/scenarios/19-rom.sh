# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="vfio-early rom in the guest, on the real kernel's sysfs: a second VGA behind a root port, on vfio-pci, reads byte for byte as QEMU's vgabios-stdvga.bin; the e1000e's and a driverless pcnet's (enabled for the read, disabled again) are QEMU's iPXE ROMs, x86 + EFI (x64); the boot VGA's read is its shadow copy and says so; a second VGA on the root bus, which the kernel marks shadowed too, is refused: what it returns is the boot VGA's ROM"
GENS="initramfs-tools dracut"
MACHINES="standard rom"
CONFIG="bind 0000:01:00.0"
APPEND="intel_iommu=on vfiotest.rom=0000:01:00.0,0000:00:03.0,0000:00:09.0,0000:00:02.0,0000:00:05.0 vfiotest.romdump=0000:01:00.0"

# QEMU's own file NAME, where this QEMU looks for it (-L help: its data dirs).
qemu_rom_file() {
	local d
	for d in $(qemu-system-x86_64 -L help 2> /dev/null); do
		[[ -f $d/$1 ]] && {
			readlink -f "$d/$1"
			return
		}
	done
	return 1
}

rom_out() { # ADDR: the guest's `vfio-early rom` output
	sed -n "s/^rom $1| //p" <<< "$REPORT"
}

expect_rom_rc() { # ADDR RC
	local rc
	rc=$(sed -n "s/^rom $1 rc=//p" <<< "$REPORT")
	[[ $rc == "$2" ]] || fail "$WHERE: vfio-early rom $1 exited ${rc:-?}, expected $2: $(rom_out "$1" | tail -n 3 | tr '\n' ' ')"
}

expect_rom_out() { # ADDR ERE
	rom_out "$1" | grep -Eq -- "$2" || fail "$WHERE: vfio-early rom $1: no line matching /$2/ in: $(rom_out "$1" | tr '\n' '|')"
}

# expect_rom_file ADDR QEMU-FILE: the file the guest wrote is QEMU's, by
# size and sha256 (what the report sends for every ROM). The kernel returns
# the chain of images only: where QEMU's file goes on after them (trixie's
# iPXE ROMs are padded to 256 KiB), the rest must be 0xff padding.
expect_rom_file() {
	local want got size pad
	want=$(qemu_rom_file "$2") || {
		fail "QEMU's $2 not found in its data dirs ($(qemu-system-x86_64 -L help 2>&1 | tr '\n' ' '))"
		return
	}
	got=$(sed -n "s/^rom $1 file //p" <<< "$REPORT")
	size=${got#size=}
	size=${size%% *}
	[[ $size =~ ^[0-9]+$ ]] || {
		fail "$WHERE: no file written for $1"
		return
	}
	pad=$(tail -c +"$((size + 1))" "$want" | tr -d '\377' | wc -c)
	[[ $got == "size=$size sha256=$(head -c "$size" "$want" | sha256sum | cut -d' ' -f1)" && $pad == 0 ]] ||
		fail "$WHERE: the ROM read from $1 ($got) is not $want ($(stat -c %s "$want") bytes)"
	((size < $(stat -c %s "$want"))) && info "$1 = $2 less its $(($(stat -c %s "$want") - size)) bytes of ff padding"
	return 0
}

assertions() {
	local want dump
	use_report initrd || return
	expect_dev 0000:01:00.0 id=1234:1111 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:09.0 id=1022:2000 driver=none
	# The second VGA, behind a root port, on vfio-pci: valid, written, and
	# QEMU's file byte for byte (its bytes come back base64 over the console).
	expect_rom_rc 0000:01:00.0 0
	expect_rom_out 0000:01:00.0 '^0000:01:00.0 1234:1111 \(VGA, driver vfio-pci\): [0-9]+ bytes read from its ROM BAR$'
	expect_rom_out 0000:01:00.0 '^  image 1 at 0x0: x86, [0-9]+ bytes, last image$'
	expect_rom_out 0000:01:00.0 'PCIR at \+0x[0-9a-f]+, revision [0-9]+: 1234:1111 \(the card\), class 030000, checksum ok$'
	expect_rom_out 0000:01:00.0 '^valid: x86 only, [0-9]+ bytes$'
	expect_rom_out 0000:01:00.0 '^  QEMU: +-device vfio-pci,host=0000:01:00.0,romfile=/run/vfiotest-rom-0000:01:00.0.rom$'
	expect_rom_out 0000:01:00.0 '^  Proxmox: cp /run/vfiotest-rom-0000:01:00.0.rom /usr/share/kvm/1234-1111.rom$'
	expect_rom_out 0000:01:00.0 '^ +hostpci0: 0000:01:00.0,romfile=1234-1111.rom '
	expect_rom_out 0000:01:00.0 "^  libvirt: <rom file='/run/vfiotest-rom-0000:01:00.0.rom'/>"
	if want=$(qemu_rom_file vgabios-stdvga.bin); then
		dump=$OUT/tmp/19-rom.$$.rom
		sed -n 's/^rom 0000:01:00.0 b64| //p' <<< "$REPORT" | base64 -d > "$dump" 2> /dev/null
		if cmp -s "$dump" "$want"; then
			info "01:00.0 ROM = $want ($(stat -c %s "$want") bytes)"
		else
			fail "$WHERE: the ROM read from 0000:01:00.0 differs from $want: $(cmp "$dump" "$want" 2>&1 | head -n 1)"
		fi
		rm -f "$dump"
	else
		fail "QEMU's vgabios-stdvga.bin not found in its data dirs"
	fi
	# The e1000e (on e1000e): iPXE's two images, the x86 one with a PCI 3.0
	# device list naming the card.
	expect_rom_rc 0000:00:03.0 0
	expect_rom_out 0000:00:03.0 '^  image 1 at 0x0: x86, [0-9]+ bytes$'
	expect_rom_out 0000:00:03.0 'revision 3: 8086:10d3 \(the card\), class 020000, device list of [0-9]+ naming the card, checksum ok$'
	expect_rom_out 0000:00:03.0 '^  image 2 at 0x[0-9a-f]+: EFI x64 \(boot service driver(, compressed)?\), [0-9]+ bytes, last image$'
	expect_rom_out 0000:00:03.0 '^valid: x86 \+ EFI \(x64\), [0-9]+ bytes$'
	expect_rom_file 0000:00:03.0 efi-e1000e.rom
	# No driver, never enabled: enabled for the read, disabled again.
	expect_rom_rc 0000:00:09.0 0
	expect_rom_out 0000:00:09.0 '^0000:00:09.0 1022:2000 \(Ethernet, no driver\): [0-9]+ bytes read from its ROM BAR \(device enabled for the read\)$'
	expect_rom_out 0000:00:09.0 '^valid: x86 \+ EFI \(x64\), [0-9]+ bytes$'
	expect_rom_file 0000:00:09.0 efi-pcnet.rom
	grep -qx 'rom 0000:00:09.0 enable-after=0' <<< "$REPORT" || fail "$WHERE: 0000:00:09.0 left enabled: $(grep '^rom 0000:00:09.0 enable-after' <<< "$REPORT")"
	# The boot VGA: the kernel reads the shadow at 0xC0000; said, and kept.
	grep -Eqx 'rom 0000:00:02.0 resource7=0x0*c0000 0x0*dffff 0x[0-9a-f]*[2367abef]' <<< "$REPORT" ||
		fail "$WHERE: 0000:00:02.0's ROM resource is not the flagged shadow: $(grep '^rom 0000:00:02.0 resource7' <<< "$REPORT")"
	expect_rom_rc 0000:00:02.0 0
	expect_rom_out 0000:00:02.0 '^0000:00:02.0 1234:1111 \(VGA, driver bochs-drm\): [0-9]+ bytes read from the legacy shadow at 0xC0000, not its ROM BAR$'
	expect_rom_out 0000:00:02.0 "^note: shadow copy, not the card's own ROM: its ROM resource is the legacy shadow at 0xC0000"
	# The second VGA on the root bus: marked shadowed as well, and what it
	# returns is the boot VGA's ROM: refused, nothing written.
	grep -Eqx 'rom 0000:00:05.0 resource7=0x0*c0000 0x0*dffff 0x[0-9a-f]*[2367abef]' <<< "$REPORT" ||
		fail "$WHERE: 0000:00:05.0's ROM resource is not the flagged shadow: $(grep '^rom 0000:00:05.0 resource7' <<< "$REPORT")"
	expect_rom_rc 0000:00:05.0 1
	expect_rom_out 0000:00:05.0 "^problem: not this card's ROM: it is not the boot VGA, yet its ROM resource is the legacy shadow at 0xC0000"
	expect_rom_out 0000:00:05.0 '^invalid: not written: /run/vfiotest-rom-0000:00:05.0.rom$'
	grep -q '^rom 0000:00:05.0 file ' <<< "$REPORT" && fail "$WHERE: a file was written for 0000:00:05.0"
	return 0
}
