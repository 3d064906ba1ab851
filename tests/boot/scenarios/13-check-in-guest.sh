# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="vfio-early check --json in the booted guest, against the real kernel's /sys and /proc (no --sysroot): IOMMU on, Intel VT-d, interrupt remapping on, no no-iommu finding, the GPU's group planned and bound"
GENS="initramfs-tools dracut"
MACHINES=standard
CONFIG="bind 0000:00:05.0"
APPEND="intel_iommu=on vfiotest.check"
assertions() {
	use_report initrd || return
	expect_dev 0000:00:05.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:05.1 driver=vfio-pci override=vfio-pci
	expect_check_rc 0
	expect_check '.host.iommu' true
	expect_check '.host.iommu_vendor' '"intel"'
	expect_check '.host.iommu_units > 0' true
	expect_check '.host.interrupt_remapping' '"on"'
	expect_check '.host.iommu_passthrough' false
	expect_check '[.host.vfio_modules[]] | unique' '["module"]'
	expect_check '[.host.findings[] | select(.code == "no-iommu" or .code == "interrupt-remapping-off" or .severity == "error") | .code]' '[]'
	# The group the config selects: planned, and bound by the time udev
	# settled (apply ran first), both functions, nothing refused.
	expect_check '[.groups[] | select(any(.devices[]; .address == "0000:00:05.0")) | {action, devices: [.devices[] | "\(.address)=\(.action)"]}]' \
		'[{"action":"already-bound","devices":["0000:00:05.0=already-bound","0000:00:05.1=already-bound"]}]'
	expect_check '.summary.groups_refused' 0
	# How the vfio modules load: Debian 12's 6.1 ships plain .ko, Debian 13's
	# 6.12 .ko.xz that the kernel decompresses itself.
	case $DISTRO in
	bookworm) expect_check '[.host.kernels[] | select(.running) | .module_compression, .vfio_modules_load]' '["none","plain"]' ;;
	trixie) expect_check '[.host.kernels[] | select(.running) | .module_compression, .kernel_decompresses, .vfio_modules_load]' '["xz","xz","kernel-decompresses"]' ;;
	esac
}
