# shellcheck shell=bash disable=SC2034 # variables read by run.sh
DESC="a kernel without vfio-pci (removed in a private overlay of /lib/modules, depmod re-run): the image build fails and names the kernel and the module"
GENS="initramfs-tools dracut"
BUILD_ONLY=yes
EXPECT_BUILD=fail
MODULES_PREP=no-vfio-pci
CONFIG="bind 0000:00:05.0"
assertions() {
	expect_build_log "vfio-early: kernel $KVER has no module vfio_pci"
}
