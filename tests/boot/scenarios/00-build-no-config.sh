# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="without a config the hooks add nothing (dracut: the module is not included)"
GENS="initramfs-tools dracut"
BUILD_ONLY=yes
EXPECT_BUILD=ok
CONFIG=NONE
assertions() {
	expect_not_in_image usr/sbin/vfio-early
	expect_not_in_image etc/vfio-early.conf
	expect_not_in_image etc/vfio-early/protected.list
}
