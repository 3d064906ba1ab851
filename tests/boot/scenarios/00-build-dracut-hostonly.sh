# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="dracut --hostonly (Fedora/RHEL's default) still includes vfio-early, the vfio modules and the pre-udev hook"
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
	expect_in_image usr/lib/dracut/hooks/pre-udev/00-vfio-early-pre-udev.sh
	expect_in_image "usr/lib/modules/$KVER/kernel/drivers/vfio/pci/vfio-pci.ko"
	expect_in_image "usr/lib/modules/$KVER/kernel/drivers/vfio/vfio_iommu_type1.ko"
	expect_in_image "usr/lib/modules/$KVER/modules.softdep"
}
