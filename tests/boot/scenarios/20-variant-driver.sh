# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="a vfio-pci variant driver (tests/boot/variant: a PCI_DRIVER_OVERRIDE_DEVICE_VFIO entry for QEMU's VGA 1234:1111 on vfio_pci_core, built against the kernel's headers, put in /lib/modules/KVER/updates with depmod re-run): the image hooks carry it, the binder matches 00:05.0's vfio_pci: alias, loads the module and binds the device to its driver vfiotest-vfio-pci (named unlike the module); the HDA function in its group, which no variant names, goes to vfio-pci; a bochs-display 00:08.0 (same ids, the variant's alias matches it too) with driver=vfio-pci on its rule goes to vfio-pci; check, the record and the kernel log say which driver and why"
GENS="initramfs-tools dracut"
MACHINES="standard display2"
CONFIG="bind 0000:00:05.0
bind 0000:00:08.0 driver=vfio-pci"
MODULES_PREP=variant-driver
APPEND="intel_iommu=on iommu=pt vfiotest.check"
assertions() {
	expect_module_in_image vfiotest_variant
	use_report initrd || return
	expect_same_group 0000:00:05.0 0000:00:05.1
	expect_dev 0000:00:05.0 id=1234:1111 driver=vfiotest-vfio-pci override=vfiotest-vfio-pci
	expect_dev 0000:00:05.1 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:08.0 id=1234:1111 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:02.0 id=1234:1111 driver=bochs-drm override=none
	expect_dev 0000:00:06.0 driver=snd_hda_intel override=none
	expect_module vfiotest_variant vfio_pci
	expect_kmsg 'vfio-early: group [0-9]+: bound 0000:00:05\.0 to vfiotest-vfio-pci \(variant matched vfio_pci:v00001234d00001111sv\*sd\*bc\*sc\*i\*\), 0000:00:05\.1 \(group member\) to vfio-pci \(generic\) \(' 1
	expect_kmsg 'vfio-early: group [0-9]+: bound 0000:00:08\.0 to vfio-pci \(rule driver=vfio-pci\) \(' 1
	expect_no_kmsg 'vfio-early: .*FAILED'
	expect_state '"vfio_driver_why": "variant matched vfio_pci:v00001234d00001111sv\*sd\*bc\*sc\*i\*"'
	expect_before_udev
	# check in the guest, after boot: the devices are already on their
	# drivers, and it says which.
	expect_check '[.groups[].devices[] | select(.address == "0000:00:05.0") | .vfio_driver, .vfio_driver_why]' '["vfiotest-vfio-pci","already bound"]'
	expect_check '[.groups[].devices[] | select(.address == "0000:00:05.0") | .action]' '["already-bound"]'
}
