# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="dracut --hostonly (Fedora/RHEL's default) still includes vfio-early, the vfio modules in a form the kernel loads, and the pre-udev hook"
GENS="dracut"
BUILD_ONLY=yes
EXPECT_BUILD=ok
DRACUT_MODE=hostonly
CONFIG="bind 0000:00:05.0"
assertions() {
	expect_build_log 'Including module: vfio-early'
	expect_in_image usr/sbin/vfio-early
	expect_in_image etc/vfio-early.conf
	expect_in_image etc/vfio-early/protected.list
	expect_in_image_any usr/lib/dracut/hooks/pre-udev/00-vfio-early-pre-udev.sh var/lib/dracut/hooks/pre-udev/00-vfio-early-pre-udev.sh
	expect_module_in_image vfio-pci
	expect_module_in_image vfio_iommu_type1
	expect_in_image "usr/lib/modules/$KVER/modules.softdep"
	expect_modules_as_kernel_takes
}
