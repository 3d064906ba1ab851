# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="the vfio modules in a format the kernel cannot decompress (recompressed to .ko.zst, depmod re-run, in a private overlay of /lib/modules: Debian 12's 6.1 decompresses nothing, Debian 13's 6.12 only xz): the hook stores them decompressed under the same names, the binder loads them, GPU+HDA bound"
GENS="initramfs-tools dracut"
MACHINES=standard
CONFIG="bind 0000:00:05.0"
MODULES_PREP=recompress-zstd
APPEND="intel_iommu=on iommu=pt vfiotest.check"
assertions() {
	expect_build_log "stored vfio-pci.ko.zst (zstd) decompressed"
	expect_build_log "stored vfio_iommu_type1.ko.zst (zstd) decompressed"
	use_report initrd || return
	expect_dev 0000:00:05.0 driver=vfio-pci override=vfio-pci
	expect_dev 0000:00:05.1 driver=vfio-pci override=vfio-pci
	expect_module vfio_pci vfio_iommu_type1
	expect_kmsg 'vfio-early: group [0-9]+: bound 0000:00:05.0 0000:00:05.1 \(group member\) to vfio-pci' 1
	expect_no_kmsg 'vfio-early: .*FAILED'
	expect_before_udev
	# check in the guest judges the file by its content: named .ko.zst, ELF
	# inside, loadable; no error.
	expect_check '[.host.kernels[] | select(.running) | .module_compression, .vfio_modules_load]' '["zstd","hook-unpacks"]'
	expect_check '[.host.findings[] | select(.severity == "error") | .code]' '[]'
}
