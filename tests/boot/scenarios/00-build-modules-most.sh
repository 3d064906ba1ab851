# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="initramfs-tools with the distribution's default MODULES=most: the image holds vfio-early, the boot script and the vfio modules in a form the kernel loads (in-kernel decompression kept where the kernel has it)"
GENS="initramfs-tools"
BUILD_ONLY=yes
EXPECT_BUILD=ok
IT_MODULES=most
CONFIG="bind 0000:00:05.0"
assertions() {
	expect_in_image usr/sbin/vfio-early
	expect_in_image etc/vfio-early.conf
	expect_in_image scripts/init-top/00-vfio-early
	expect_module_in_image vfio-pci
	expect_module_in_image vfio_iommu_type1
	expect_module_in_image vfio
	expect_modules_as_kernel_takes
}
